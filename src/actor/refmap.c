/* aw__refmap: the open-addressing map of actor references (refmap.h). A
 * reference is (generation << 32 | slot + 1), so both halves are mixed into
 * the hash: children spawned together differ only in the slot. */
#include "actor/refmap.h"

#include "base/alloc.h"

static uint32_t hash_ref(aw_actor_ref key) {
    uint64_t h = key * UINT64_C(0x9E3779B97F4A7C15);
    return (uint32_t)(h >> 32);
}

static aw__refmap_slot *find(const aw__refmap *m, aw_actor_ref key) {
    uint32_t mask = m->cap - 1;
    for (uint32_t i = hash_ref(key) & mask;; i = (i + 1) & mask) {
        aw__refmap_slot *s = &m->slots[i];
        if (s->key == key || s->key == AW_ACTOR_NONE) return s;
    }
}

static aw_status grow(aw__refmap *m) {
    uint32_t cap = m->cap ? m->cap * 2 : 16;
    if (cap == 0) return AW_NO_MEMORY; /* 2^32 entries: past any actor count */
    aw__refmap_slot *slots = aw__calloc(cap, sizeof *slots);
    if (!slots) return AW_NO_MEMORY;
    aw__refmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.slots[i].key != AW_ACTOR_NONE) *find(m, old.slots[i].key) = old.slots[i];
    aw__free(old.slots, old.cap * sizeof *old.slots);
    return AW_OK;
}

aw_status aw__refmap_put(aw__refmap *m, aw_actor_ref key, uint32_t value) {
    if (m->cap) {
        aw__refmap_slot *s = find(m, key);
        if (s->key == key) { /* a replacement never allocates */
            s->value = value;
            return AW_OK;
        }
    }
    /* At most half full: probes stay short. */
    if ((m->count + 1) * 2 > m->cap) {
        aw_status s = grow(m);
        if (s != AW_OK) return s;
    }
    aw__refmap_slot *s = find(m, key);
    if (s->key == AW_ACTOR_NONE) {
        s->key = key;
        m->count++;
    }
    s->value = value;
    return AW_OK;
}

bool aw__refmap_get(const aw__refmap *m, aw_actor_ref key, uint32_t *value) {
    if (m->count == 0 || key == AW_ACTOR_NONE) return false;
    const aw__refmap_slot *s = find(m, key);
    if (s->key != key) return false;
    *value = s->value;
    return true;
}

bool aw__refmap_remove(aw__refmap *m, aw_actor_ref key) {
    if (m->count == 0 || key == AW_ACTOR_NONE) return false;
    aw__refmap_slot *hole = find(m, key);
    if (hole->key != key) return false;
    /* Backward shift: move later entries of the probe run into the hole
     * unless their home slot lies cyclically after the hole. */
    uint32_t mask = m->cap - 1;
    uint32_t i = (uint32_t)(hole - m->slots);
    for (uint32_t j = (i + 1) & mask;; j = (j + 1) & mask) {
        aw__refmap_slot *s = &m->slots[j];
        if (s->key == AW_ACTOR_NONE) break;
        uint32_t home = hash_ref(s->key) & mask;
        /* s may move to i when its home is not in the cyclic range (i, j]. */
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (stays) continue;
        m->slots[i] = *s;
        i = j;
    }
    m->slots[i].key = AW_ACTOR_NONE;
    m->slots[i].value = 0;
    m->count--;
    return true;
}

void aw__refmap_free(aw__refmap *m) {
    aw__free(m->slots, m->cap * sizeof *m->slots);
    *m = (aw__refmap)AW__REFMAP_INIT;
}
