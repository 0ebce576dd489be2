/* aw__refmap: actor reference -> 32-bit value, open addressing with linear
 * probing and backward-shift deletion (no tombstones). For the sets that
 * grow with the number of children of one actor (a supervisor's link set,
 * its child table), where a scan per link, exit or lookup made starting or
 * stopping n children cost n^2. Not thread-safe: owned by one actor. */
#ifndef AW_ACTOR_REFMAP_H
#define AW_ACTOR_REFMAP_H

#include "airwasm/actor.h"

typedef struct aw__refmap_slot {
    aw_actor_ref key; /* AW_ACTOR_NONE: empty */
    uint32_t value;
} aw__refmap_slot;

typedef struct aw__refmap {
    aw__refmap_slot *slots;
    uint32_t cap; /* power of two, or 0 */
    uint32_t count;
} aw__refmap;

#define AW__REFMAP_INIT {NULL, 0, 0}

/* Inserts or replaces key's value; key must not be AW_ACTOR_NONE.
 * AW_NO_MEMORY leaves the map as it was. */
aw_status aw__refmap_put(aw__refmap *m, aw_actor_ref key, uint32_t value);
/* True and *value set when key is present. */
bool aw__refmap_get(const aw__refmap *m, aw_actor_ref key, uint32_t *value);
/* Removes key; false when it was absent. */
bool aw__refmap_remove(aw__refmap *m, aw_actor_ref key);
void aw__refmap_free(aw__refmap *m);

#endif
