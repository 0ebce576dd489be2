/* The dead-letter log: a bounded ring of undeliverable or crashed messages
 * with their reasons; when full, the oldest letter is evicted and counted. */
#include "actor/system.h"

#include "base/alloc.h"

struct aw__deadletters {
    aw__mutex lock;
    aw_dead_letter *ring;
    uint32_t capacity;
    uint32_t first; /* index of the oldest */
    uint32_t count;
    uint64_t total;
    uint64_t dropped;
};

aw_status aw__deadletters_create(aw_actor_system *sys, uint32_t capacity) {
    aw__deadletters *d = AW__NEW(aw__deadletters);
    if (!d) return AW_NO_MEMORY;
    d->ring = aw__calloc(capacity, sizeof *d->ring);
    if (!d->ring || aw__mutex_init(&d->lock) != AW_OK) {
        aw__free(d->ring, capacity * sizeof *d->ring);
        AW__DELETE(d);
        return AW_NO_MEMORY;
    }
    d->capacity = capacity;
    sys->dead = d;
    return AW_OK;
}

void aw__deadletters_free(aw_actor_system *sys) {
    aw__deadletters *d = sys->dead;
    if (!d) return;
    for (uint32_t i = 0; i < d->count; i++)
        aw_payload_release(d->ring[(d->first + i) % d->capacity].msg.payload);
    aw__mutex_destroy(&d->lock);
    aw__free(d->ring, d->capacity * sizeof *d->ring);
    AW__DELETE(d);
    sys->dead = NULL;
}

void aw__deadletter_add(aw_actor_system *sys, aw_actor_ref target, const aw_msg *msg,
                        aw_status status, aw_reason reason) {
    aw__deadletters *d = sys->dead;
    aw_payload *evicted = NULL;
    aw__mutex_lock(&d->lock);
    if (d->count == d->capacity) {
        evicted = d->ring[d->first].msg.payload;
        d->first = (d->first + 1) % d->capacity;
        d->count--;
        d->dropped++;
    }
    aw_dead_letter *slot = &d->ring[(d->first + d->count) % d->capacity];
    slot->target = target;
    slot->msg = *msg;
    slot->status = status;
    slot->reason = reason;
    d->count++;
    d->total++;
    aw__mutex_unlock(&d->lock);
    aw_payload_release(evicted);
}

size_t aw_dead_letters_take(aw_actor_system *sys, aw_dead_letter *out, size_t max) {
    if (!sys || !out) return 0;
    aw__deadletters *d = sys->dead;
    size_t n = 0;
    aw__mutex_lock(&d->lock);
    while (n < max && d->count > 0) {
        out[n++] = d->ring[d->first];
        d->first = (d->first + 1) % d->capacity;
        d->count--;
    }
    aw__mutex_unlock(&d->lock);
    return n;
}

uint64_t aw_dead_letters_total(aw_actor_system *sys) {
    aw__mutex_lock(&sys->dead->lock);
    uint64_t n = sys->dead->total;
    aw__mutex_unlock(&sys->dead->lock);
    return n;
}

uint64_t aw_dead_letters_dropped(aw_actor_system *sys) {
    aw__mutex_lock(&sys->dead->lock);
    uint64_t n = sys->dead->dropped;
    aw__mutex_unlock(&sys->dead->lock);
    return n;
}
