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
 *     ABA problem. When about AW__PAYLOAD_POOL_RETURNED_MAX blocks wait there
 *     already, the releaser frees the block instead (and counts it in
 *     freed_elsewhere), so an owner that stopped sending holds a bounded
 *     amount.
 *  3. The owner takes the whole `returned` stack at once (an acquire
 *     exchange with NULL) when a free list is empty, sorts it into its free
 *     lists and frees what is over a class's bound.
 *  4. Every block comes from aw__malloc and goes back through aw__free with
 *     its exact size. aw__payload_pool_destroy frees the free lists and the
 *     stack; every payload of the pool must have been released by then (the
 *     owner of the pool outlives everything that can hold its payloads).
 *  5. A thread that promised to flush (a worker: after every actor run, before
 *     it parks and when it exits) gathers the blocks it releases for one
 *     pool and pushes them AW__PAYLOAD_POOL_BATCH at a time, so a receiver
 *     does not write the sender's `returned` line for every message (that
 *     line went back and forth between the two cores per message and was a
 *     quarter of a component flood's time). Blocks wait there at most until
 *     the end of the current actor run.
 * A pooled payload is marked by capacity_ == 0 (unpooled ones have at least
 * 1); its pool and size class sit in a header just before it. Payloads larger
 * than the largest class are allocated and freed as usual. */
#ifndef AW_ACTOR_PAYLOAD_POOL_H
#define AW_ACTOR_PAYLOAD_POOL_H

#include "airwasm/actor.h"

#include <stdatomic.h>
#include <string.h>

/* Classes of whole blocks (header + payload): 64, 128, ... 2048 bytes. */
#define AW__PAYLOAD_POOL_CLASSES 6
/* Rule 2's bound on the blocks waiting in `returned`. */
#define AW__PAYLOAD_POOL_RETURNED_MAX 1024u
/* Rule 5: blocks a releasing thread gathers before it pushes them: as many
 * as an actor run handles messages (the actor system's default batch), so a
 * receiver's run gives its payloads back in one push. */
#define AW__PAYLOAD_POOL_BATCH 64u

/* What sits before a pooled payload in its block. Its size (24) keeps the
 * payload that follows 8-aligned. */
typedef struct aw__pool_block {
    struct aw__payload_pool *pool;
    struct aw__pool_block *next; /* on a free list or the returned stack */
    uint32_t size_class;
    uint32_t unused_;
} aw__pool_block;

_Static_assert(sizeof(aw__pool_block) % _Alignof(aw_payload) == 0, "payload stays aligned");

/* Bytes of a block before the payload's bytes: its header and the payload's. */
#define AW__POOL_BLOCK_HEADER (sizeof(aw__pool_block) + sizeof(aw_payload))

static inline aw_payload *aw__pool_block_payload(aw__pool_block *b) {
    return (aw_payload *)(void *)(b + 1);
}
/* The smallest block; class c holds blocks of AW__POOL_SMALLEST << c bytes. */
#define AW__POOL_SMALLEST 64u

typedef struct aw__payload_pool {
    /* The owner's side (rule 1). */
    aw__pool_block *free[AW__PAYLOAD_POOL_CLASSES];
    uint32_t free_count[AW__PAYLOAD_POOL_CLASSES];
    uint64_t allocated; /* blocks taken from aw__malloc */
    uint64_t freed;     /* of those, freed by the owner */
    /* Releasers write these while the owner works on the lines above: keep
     * them on a cache line of their own (padding, since the pool may sit in
     * memory that is only 16-byte aligned). */
    char pad_[64];
    _Atomic(aw__pool_block *) returned; /* rule 2 */
    _Atomic uint32_t returned_count;    /* about how many wait there */
    _Atomic uint64_t freed_elsewhere;   /* blocks releasers freed (rule 2) */
    char pad_end_[40];
} aw__payload_pool;

/* The largest payload (bytes) a pool serves; larger ones bypass it. */
size_t aw__payload_pool_max_len(void);

void aw__payload_pool_init(aw__payload_pool *pool);
/* Frees every cached block (rule 4). */
void aw__payload_pool_destroy(aw__payload_pool *pool);

/* The out-of-line part of aw__payload_pool_new: takes the returned stack or
 * allocates (or serves a payload too large for the pool). */
aw_payload *aw__payload_pool_new_slow(aw__payload_pool *pool, size_t len);

/* Owner only: a payload of len bytes (uninitialised) with one reference,
 * from the pool when len fits a class; NULL when out of memory. The common
 * case, a cached block, is inline: a send costs a pop, no call. */
static inline aw_payload *aw__payload_pool_new(aw__payload_pool *pool, size_t len) {
    size_t need = len + AW__POOL_BLOCK_HEADER;
    uint32_t c = 0;
    while (c < AW__PAYLOAD_POOL_CLASSES && ((size_t)AW__POOL_SMALLEST << c) < need) c++;
    aw__pool_block *b = c < AW__PAYLOAD_POOL_CLASSES ? pool->free[c] : NULL;
    if (!b) return aw__payload_pool_new_slow(pool, len);
    pool->free[c] = b->next;
    pool->free_count[c]--;
    aw_payload *p = aw__pool_block_payload(b);
    /* A plain store: the last release happened before the block came back
     * (payload_pool.h rule 2's release, the owner's acquire). */
    atomic_init(&p->refs_, 1);
    p->capacity_ = 0; /* pooled */
    p->len = len;
    return p;
}

/* Owner only: a payload holding a copy of bytes[0..len). */
static inline aw_payload *aw__payload_pool_copy(aw__payload_pool *pool, const void *bytes,
                                                size_t len) {
    aw_payload *p = aw__payload_pool_new(pool, len);
    if (p && len) memcpy(p->bytes, bytes, len);
    return p;
}

/* Called by aw_payload_release for the last reference of a pooled payload:
 * gives its block back to its pool (rule 2, or rule 5 on a batching thread). */
void aw__payload_pool_put(aw_payload *p);

/* Rule 5, for the calling thread: from now on releases are gathered; flush
 * pushes what was gathered; end flushes and stops gathering. A thread that
 * began must flush before anything may wait for its blocks (the end of an
 * actor run, parking) and end before it exits. */
void aw__payload_pool_batch_begin(void);
void aw__payload_pool_batch_flush(void);
void aw__payload_pool_batch_end(void);

/* Blocks cached in the free lists (owner only; for tests). */
size_t aw__payload_pool_cached(const aw__payload_pool *pool);
/* Blocks allocated and not yet freed: cached, waiting in `returned` or in use
 * (owner only, with no release running; for tests). */
uint64_t aw__payload_pool_blocks(const aw__payload_pool *pool);

#endif
