/* Parser state and the functions the TOML parser's files share. */
#ifndef AW_POLICY_TOML_INTERNAL_H
#define AW_POLICY_TOML_INTERNAL_H

#include "base/buf.h"
#include "toml.h"

typedef struct aw__toml_parser {
    const char *text;
    size_t len;
    size_t pos;
    aw_error *err;
    uint32_t depth;  /* nesting of arrays and inline tables */
    aw__buf scratch; /* decoded string bytes */
    /* Positions are asked for in increasing order while parsing, so the
     * line/column lookup resumes from the last answer (linear overall). */
    size_t cache_pos;
    uint32_t cache_line, cache_column;
} aw__toml_parser;

static inline int aw__toml_peek(const aw__toml_parser *p, size_t ahead) {
    return p->pos + ahead < p->len ? (unsigned char)p->text[p->pos + ahead] : -1;
}

/* The 1-based line and column (in characters) of byte offset pos. */
void aw__toml_position(aw__toml_parser *p, size_t pos, uint32_t *line, uint32_t *column);
/* Records a parse error at byte offset pos and returns AW_PARSE_ERROR. */
aw_status aw__toml_fail(aw__toml_parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
aw_status aw__toml_no_memory(aw__toml_parser *p);
/* A human rendering of the byte at pos for messages ("'x'", "end of file"). */
const char *aw__toml_describe(const aw__toml_parser *p, size_t pos, char buf[16]);

/* Tree building (toml_tree.c). */
/* A node at byte offset pos; positions must be asked for in increasing
 * order (else the lookup rescans from the start), so nodes whose place was
 * passed earlier take a saved line and column instead (_at). */
aw__toml_value *aw__toml_new(aw__toml_parser *p, aw__toml_type type, size_t pos);
aw__toml_value *aw__toml_new_at(aw__toml_parser *p, aw__toml_type type, uint32_t line,
                                uint32_t column);
/* Adds key -> value; takes ownership of key (key_len + 1 bytes) and value on
 * success only. */
aw_status aw__toml_table_add(aw__toml_parser *p, aw__toml_value *table, char *key, size_t key_len,
                             uint32_t line, uint32_t column, aw__toml_value *value);
aw_status aw__toml_array_push(aw__toml_parser *p, aw__toml_value *array, aw__toml_value *item);
aw__toml_entry *aw__toml_find(aw__toml_value *table, const char *key, size_t key_len);

/* Scalars (toml_scalar.c). At p->pos on the opening quote: decodes a string
 * into a new allocation (*out, *len; *out has len + 1 bytes). Multi-line
 * forms are refused when allow_multiline is false (keys). */
aw_status aw__toml_parse_string(aw__toml_parser *p, bool allow_multiline, char **out, size_t *len);
/* At p->pos on a sign, digit, 'i' or 'n': an integer, float or date/time. */
aw_status aw__toml_parse_number(aw__toml_parser *p, aw__toml_value **out);

/* Dates and times (toml_datetime.c). True when the text at p->pos starts
 * like a date (dddd-) or a time (dd:). */
bool aw__toml_at_datetime(const aw__toml_parser *p);
aw_status aw__toml_parse_datetime(aw__toml_parser *p, aw__toml_value **out);

/* True for bytes that may end a value: whitespace, newline, ',', ']', '}', '#'
 * or the end of the input. */
bool aw__toml_at_value_end(const aw__toml_parser *p);

#endif
