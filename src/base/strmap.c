/* aw__strmap: FNV-1a hashing, capacity doubled at 70% load (tombstones count). */
#include "base/strmap.h"

#include "base/alloc.h"

#include <string.h>

static char tombstone_key;
#define TOMBSTONE (&tombstone_key)

uint64_t aw__hash_bytes(const void *bytes, size_t len) {
    const uint8_t *p = bytes;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static bool slot_matches(const aw__strmap_slot *s, const char *key, size_t len, uint64_t hash) {
    return s->key && s->key != TOMBSTONE && s->hash == hash && s->key_len == len &&
           memcmp(s->key, key, len) == 0;
}

/* Index of the slot holding key, or of the first free slot where it would go. */
static size_t find_slot(const aw__strmap *m, const char *key, size_t len, uint64_t hash,
                        bool *found) {
    size_t mask = m->cap - 1;
    size_t i = (size_t)hash & mask;
    size_t first_free = SIZE_MAX;
    for (;;) {
        const aw__strmap_slot *s = &m->slots[i];
        if (!s->key) {
            *found = false;
            return first_free != SIZE_MAX ? first_free : i;
        }
        if (s->key == TOMBSTONE) {
            if (first_free == SIZE_MAX) first_free = i;
        } else if (slot_matches(s, key, len, hash)) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static aw_status grow(aw__strmap *m) {
    size_t cap = m->cap ? m->cap * 2 : 16;
    if (m->live * 2 < m->cap) cap = m->cap; /* mostly tombstones: rehash in place size */
    aw__strmap_slot *slots = aw__calloc(cap, sizeof *slots);
    if (!slots) return AW_NO_MEMORY;
    aw__strmap old = *m;
    m->slots = slots;
    m->cap = cap;
    m->used = m->live = 0;
    for (size_t i = 0; i < old.cap; i++) {
        aw__strmap_slot *s = &old.slots[i];
        if (!s->key || s->key == TOMBSTONE) continue;
        bool found;
        size_t j = find_slot(m, s->key, s->key_len, s->hash, &found);
        m->slots[j] = *s;
        m->used++;
        m->live++;
    }
    aw__free(old.slots, old.cap * sizeof *old.slots);
    return AW_OK;
}

static aw_status insert(aw__strmap *m, const char *key, size_t len, void *value, void **old,
                        bool replace) {
    if (old) *old = NULL;
    if ((m->used + 1) * 10 > m->cap * 7) {
        aw_status s = grow(m);
        if (s != AW_OK) return s;
    }
    uint64_t hash = aw__hash_bytes(key, len);
    bool found;
    size_t i = find_slot(m, key, len, hash, &found);
    aw__strmap_slot *s = &m->slots[i];
    if (found) {
        if (!replace) return AW_ALREADY_EXISTS;
        if (old) *old = s->value;
        s->value = value;
        return AW_OK;
    }
    char *copy = aw__strndup(key, len);
    if (!copy) return AW_NO_MEMORY;
    if (s->key != TOMBSTONE) m->used++;
    s->key = copy;
    s->key_len = len;
    s->hash = hash;
    s->value = value;
    m->live++;
    return AW_OK;
}

aw_status aw__strmap_put(aw__strmap *m, const char *key, size_t key_len, void *value, void **old) {
    return insert(m, key, key_len, value, old, true);
}

aw_status aw__strmap_add(aw__strmap *m, const char *key, size_t key_len, void *value) {
    return insert(m, key, key_len, value, NULL, false);
}

void *aw__strmap_get(const aw__strmap *m, const char *key, size_t key_len) {
    if (!m->cap) return NULL;
    bool found;
    size_t i = find_slot(m, key, key_len, aw__hash_bytes(key, key_len), &found);
    return found ? m->slots[i].value : NULL;
}

void *aw__strmap_remove(aw__strmap *m, const char *key, size_t key_len) {
    if (!m->cap) return NULL;
    bool found;
    size_t i = find_slot(m, key, key_len, aw__hash_bytes(key, key_len), &found);
    if (!found) return NULL;
    aw__strmap_slot *s = &m->slots[i];
    void *value = s->value;
    aw__free(s->key, s->key_len + 1);
    s->key = TOMBSTONE;
    s->value = NULL;
    m->live--;
    return value;
}

bool aw__strmap_next(const aw__strmap *m, size_t *cursor, const char **key, void **value) {
    for (; *cursor < m->cap; (*cursor)++) {
        const aw__strmap_slot *s = &m->slots[*cursor];
        if (s->key && s->key != TOMBSTONE) {
            if (key) *key = s->key;
            if (value) *value = s->value;
            (*cursor)++;
            return true;
        }
    }
    return false;
}

void aw__strmap_free(aw__strmap *m) {
    for (size_t i = 0; i < m->cap; i++) {
        aw__strmap_slot *s = &m->slots[i];
        if (s->key && s->key != TOMBSTONE) aw__free(s->key, s->key_len + 1);
    }
    aw__free(m->slots, m->cap * sizeof *m->slots);
    *m = (aw__strmap)AW__STRMAP_INIT;
}
