/* Reference-counted message payloads. A payload with capacity_ 0 came from
 * a payload pool (payload_pool.h) and goes back to it on its last release. */
#include "actor/payload_pool.h"
#include "base/alloc.h"

#include "airwasm/actor.h"

#include <stdatomic.h>
#include <string.h>

aw_payload *aw_payload_new(size_t len) {
    if (len > UINT32_MAX) return NULL;
    aw_payload *p = aw__malloc(sizeof(aw_payload) + (len ? len : 1));
    if (!p) return NULL;
    atomic_init(&p->refs_, 1);
    p->capacity_ = (uint32_t)(len ? len : 1);
    p->len = len;
    return p;
}

aw_payload *aw_payload_copy(const void *bytes, size_t len) {
    aw_payload *p = aw_payload_new(len);
    if (p && len) memcpy(p->bytes, bytes, len);
    return p;
}

aw_payload *aw_payload_retain(aw_payload *p) {
    /* Relaxed: a new reference is made from an existing one. */
    if (p) atomic_fetch_add_explicit(&p->refs_, 1, memory_order_relaxed);
    return p;
}

void aw_payload_release(aw_payload *p) {
    if (!p) return;
    /* The last reference (the usual case: one message, one receiver) needs
     * no locked decrement: nobody else holds one to retain or release. The
     * acquire pairs with the release half of the other holders' decrements,
     * so their last uses happen before the free. */
    if (atomic_load_explicit(&p->refs_, memory_order_acquire) != 1 &&
        /* acq_rel: every holder's last use happens before the free. */
        atomic_fetch_sub_explicit(&p->refs_, 1, memory_order_acq_rel) != 1)
        return;
    if (p->capacity_ == 0)
        aw__payload_pool_put(p);
    else
        aw__free(p, sizeof(aw_payload) + p->capacity_);
}
