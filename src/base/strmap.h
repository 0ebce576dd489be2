/* aw__strmap: string -> pointer hash map, open addressing with linear probing.
 * Keys are copied and owned by the map; values are borrowed. Not thread-safe:
 * callers lock around it when shared. */
#ifndef AW_BASE_STRMAP_H
#define AW_BASE_STRMAP_H

#include "airwasm/status.h"

typedef struct aw__strmap_slot {
    char *key; /* NULL: empty; AW__STRMAP_TOMBSTONE: deleted */
    size_t key_len;
    uint64_t hash;
    void *value;
} aw__strmap_slot;

typedef struct aw__strmap {
    aw__strmap_slot *slots;
    size_t cap;  /* power of two, or 0 */
    size_t used; /* live + tombstones */
    size_t live;
} aw__strmap;

#define AW__STRMAP_INIT {NULL, 0, 0, 0}

uint64_t aw__hash_bytes(const void *bytes, size_t len);

/* Inserts or replaces; *old (if non-NULL) gets the replaced value or NULL. */
aw_status aw__strmap_put(aw__strmap *m, const char *key, size_t key_len, void *value, void **old);
/* Inserts only if absent: AW_ALREADY_EXISTS otherwise. */
aw_status aw__strmap_add(aw__strmap *m, const char *key, size_t key_len, void *value);
/* NULL when absent. */
void *aw__strmap_get(const aw__strmap *m, const char *key, size_t key_len);
/* Removes and returns the value, NULL when absent. */
void *aw__strmap_remove(aw__strmap *m, const char *key, size_t key_len);
void aw__strmap_free(aw__strmap *m);

/* Iteration: for (size_t i = 0; aw__strmap_next(m, &i, &key, &value);) ... */
bool aw__strmap_next(const aw__strmap *m, size_t *cursor, const char **key, void **value);

#endif
