/* Interned component ids: each distinct id is stored once per table, and
 * envelopes carry a pointer to it instead of a copy. */
#ifndef AW_MSG_NAME_H
#define AW_MSG_NAME_H

#include "airwasm/error.h"

/* A component id is 1..255 bytes of ASCII letters, digits and "-_.:/@#"
 * (no '*' or '?', which capability globs use). */
#define AW__NAME_MAX_LEN 255

/* Immutable once interned; lives until its table is destroyed, so a pointer
 * may be kept in any number of messages without counting references. Two
 * names of one table are the same id exactly when the pointers are equal. */
typedef struct aw__name {
    uint64_t hash;
    uint32_t len;
    char text[]; /* NUL-terminated */
} aw__name;

typedef struct aw__names aw__names;

/* AW_INVALID_ARGUMENT naming the problem when text is not a component id. */
aw_status aw__name_check(const char *text, size_t len, aw_error *err);

/* max_names bounds the table (ids from the network are untrusted input).
 * The table is safe for concurrent use (an rwlock; lookups share it). */
aw_status aw__names_create(size_t max_names, aw__names **out);
/* Frees the table and every name in it; accepts NULL. */
void aw__names_destroy(aw__names *names);

/* The interned copy of text, added if new. AW_INVALID_ARGUMENT for a bad id,
 * AW_LIMIT_EXCEEDED when the table is full, AW_NO_MEMORY. */
aw_status aw__names_intern(aw__names *names, const char *text, size_t len, const aw__name **out,
                           aw_error *err);
/* The interned name or NULL when absent (never adds). */
const aw__name *aw__names_find(aw__names *names, const char *text, size_t len);
size_t aw__names_count(aw__names *names);

#endif
