/* A payload pool: recycled blocks for the small payloads one owner sends, so
 * steady message traffic does no malloc and no free.
 *
 * Protocol:
 *  1. One owner allocates from a pool: code that runs one at a time (a
 *     component's actor; any worker thread, but never two at once, each run
 *     ordered after the last by the scheduler). Only the owner touches the
 *     free lists and the block count.
 *  2. Any thread may release a pooled payload (aw_payload_release on its last
 *     reference): the block is pushed onto the pool's `returned` stack with a
 *     release CAS. Pushing is the only thing others do, so the stack has no
 *     ABA problem.
 *  3. The owner takes the whole `returned` stack at once (an acquire
 *     exchange with NULL) when a free list is empty, sorts it into its free
 *     lists and frees what is over a class's bound, so a burst does not stay
 *     cached for ever.
 *  4. Every block comes from aw__malloc and goes back through aw__free with
 *     its exact size. aw__payload_pool_destroy frees the free lists and the
 *     stack; every payload of the pool must have been released by then (the
 *     owner of the pool outlives everything that can hold its payloads).
 * A pooled payload is marked by capacity_ == 0 (unpooled ones have at least
 * 1); its pool and size class sit in a header just before it. Payloads larger
 * than the largest class are allocated and freed as usual. */
#ifndef AW_ACTOR_PAYLOAD_POOL_H
#define AW_ACTOR_PAYLOAD_POOL_H

#include "airwasm/actor.h"

#include <stdatomic.h>

/* Classes of whole blocks (header + payload): 64, 128, ... 2048 bytes. */
#define AW__PAYLOAD_POOL_CLASSES 6

typedef struct aw__pool_block aw__pool_block;

typedef struct aw__payload_pool {
    /* The owner's side (rule 1). */
    aw__pool_block *free[AW__PAYLOAD_POOL_CLASSES];
    uint32_t free_count[AW__PAYLOAD_POOL_CLASSES];
    uint64_t blocks; /* allocated and not yet freed, cached or in use */
    /* Releasers write `returned` while the owner works on the lines above:
     * keep it on a cache line of its own (padding, since the pool may sit in
     * memory that is only 16-byte aligned). */
    char pad_[64];
    _Atomic(aw__pool_block *) returned; /* rule 2 */
    char pad_end_[56];
} aw__payload_pool;

/* The largest payload (bytes) a pool serves; larger ones bypass it. */
size_t aw__payload_pool_max_len(void);

void aw__payload_pool_init(aw__payload_pool *pool);
/* Frees every cached block (rule 4). */
void aw__payload_pool_destroy(aw__payload_pool *pool);

/* Owner only: a payload of len bytes (uninitialised) with one reference,
 * from the pool when len fits a class; NULL when out of memory. */
aw_payload *aw__payload_pool_new(aw__payload_pool *pool, size_t len);
/* Owner only: a payload holding a copy of bytes[0..len). */
aw_payload *aw__payload_pool_copy(aw__payload_pool *pool, const void *bytes, size_t len);

/* Called by aw_payload_release for the last reference of a pooled payload:
 * gives its block back to its pool (rule 2). */
void aw__payload_pool_put(aw_payload *p);

/* Blocks cached in the free lists (owner only; for tests). */
size_t aw__payload_pool_cached(const aw__payload_pool *pool);

#endif
