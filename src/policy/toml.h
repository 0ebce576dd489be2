/* TOML 1.0 documents: parse text into a tree of tables, arrays and values.
 *
 * The tree keeps every key's and value's 1-based line and column so that the
 * manifest and system-file readers can name the place of a bad setting. Keys
 * and strings may contain NUL (from \u0000), so both carry a length; they are
 * also NUL-terminated for convenience. Tables keep their keys in file order. */
#ifndef AW_POLICY_TOML_H
#define AW_POLICY_TOML_H

#include "airwasm/error.h"

typedef enum aw__toml_type {
    AW__TOML_STRING,
    AW__TOML_INTEGER,
    AW__TOML_FLOAT,
    AW__TOML_BOOL,
    AW__TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
    AW__TOML_DATETIME_LOCAL, /* 1979-05-27T07:32:00 */
    AW__TOML_DATE_LOCAL,     /* 1979-05-27 */
    AW__TOML_TIME_LOCAL,     /* 07:32:00 */
    AW__TOML_ARRAY,
    AW__TOML_TABLE,
} aw__toml_type;

/* The parts of a date/time value; which parts are meaningful follows from the
 * value's type (a local time has no date, only an offset date-time an offset). */
typedef struct aw__toml_datetime {
    int32_t year;
    uint8_t month, day; /* 1-based */
    uint8_t hour, minute, second;
    uint8_t fraction_digits; /* digits written after the '.', 0 if none (at most 9 kept) */
    uint32_t nanosecond;
    int16_t offset_minutes; /* east of UTC; 0 for 'Z' */
} aw__toml_datetime;

/* How a table came to exist; the TOML redefinition rules depend on it. */
typedef enum aw__toml_origin {
    AW__TOML_IMPLICIT, /* created as a parent by a [a.b] header, may still be defined */
    AW__TOML_HEADER,   /* defined by its own [header] or [[header]] */
    AW__TOML_DOTTED,   /* created by a dotted key a.b = 1 */
    AW__TOML_INLINE,   /* an inline table (or inside one): closed for good */
    AW__TOML_ROOT,
} aw__toml_origin;

typedef struct aw__toml_value aw__toml_value;

typedef struct aw__toml_entry {
    char *key; /* NUL-terminated, key_len + 1 bytes */
    size_t key_len;
    uint32_t line, column; /* of the key (its last part for dotted keys) */
    aw__toml_value *value;
} aw__toml_entry;

struct aw__toml_value {
    aw__toml_type type;
    uint32_t line, column; /* where the value (or table header) starts */
    union {
        struct {
            char *bytes; /* NUL-terminated, len + 1 bytes */
            size_t len;
        } string;
        int64_t integer;
        double floating;
        bool boolean;
        aw__toml_datetime datetime;
        struct {
            aw__toml_value **items;
            size_t len, cap;
            bool of_tables; /* made by [[header]]: may still be appended to */
            bool closed;    /* a literal array: never extended */
        } array;
        struct {
            aw__toml_entry *entries;
            size_t len, cap;
            aw__toml_origin origin;
            struct aw__strmap *index; /* key -> entry number + 1, once the table is large */
        } table;
    } as;
};

/* Limits that keep hostile input from exhausting the stack. */
#define AW__TOML_MAX_DEPTH 128

/* Parses len bytes of UTF-8 text. On success *root is a table (caller frees
 * with aw__toml_free). On failure *root is NULL and err (if non-NULL) holds
 * AW_PARSE_ERROR (or AW_NO_MEMORY), the 1-based line and column and a message
 * naming the problem. */
aw_status aw__toml_parse(const char *text, size_t len, aw__toml_value **root, aw_error *err);
/* Frees a tree from aw__toml_parse; NULL is accepted. */
void aw__toml_free(aw__toml_value *root);

/* "string", "integer", "float", "boolean", "offset date-time", ... "table". */
const char *aw__toml_type_name(aw__toml_type type);

/* Lookup in a table by key (NUL-terminated, or key_len bytes); NULL when
 * absent or when table is not a table. The entry form also gives the key's
 * position. */
const aw__toml_value *aw__toml_get(const aw__toml_value *table, const char *key);
const aw__toml_entry *aw__toml_get_entry(const aw__toml_value *table, const char *key,
                                         size_t key_len);

/* Typed getters: true and *out set when v exists and has that type. */
bool aw__toml_string(const aw__toml_value *v, const char **out, size_t *len);
bool aw__toml_integer(const aw__toml_value *v, int64_t *out);
/* Accepts a float, or an integer converted to double. */
bool aw__toml_float(const aw__toml_value *v, double *out);
bool aw__toml_bool(const aw__toml_value *v, bool *out);
bool aw__toml_datetime_of(const aw__toml_value *v, aw__toml_datetime *out);

/* Arrays and tables: element count (0 for other types) and element i. */
size_t aw__toml_len(const aw__toml_value *v);
const aw__toml_value *aw__toml_at(const aw__toml_value *array, size_t i);
const aw__toml_entry *aw__toml_entry_at(const aw__toml_value *table, size_t i);

/* Formats a date/time value as RFC 3339 (the parts its type has) into buf;
 * returns the length written (buf always NUL-terminated, size >= 40 suffices). */
size_t aw__toml_datetime_format(const aw__toml_value *v, char *buf, size_t size);

#endif
