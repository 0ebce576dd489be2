/* The payload pool: size-classed free lists owned by one sender, with a
 * lock-free stack through which receivers give blocks back (protocol in
 * payload_pool.h). */
#include "actor/payload_pool.h"

#include "base/alloc.h"

#include <assert.h>
#include <string.h>

#define SMALLEST_BLOCK AW__POOL_SMALLEST
#define HEADER AW__POOL_BLOCK_HEADER
/* At most this many bytes of one class stay cached (rule 3), and at least
 * MIN_CACHED blocks. */
#define CACHED_BYTES 65536u
#define MIN_CACHED 16u

static size_t block_size(uint32_t size_class) {
    return (size_t)SMALLEST_BLOCK << size_class;
}

#define MAX_CACHED(c)                                                                              \
    ((CACHED_BYTES >> (c)) / SMALLEST_BLOCK < MIN_CACHED ? MIN_CACHED                              \
                                                         : (CACHED_BYTES >> (c)) / SMALLEST_BLOCK)

/* Per class, computed once (the owner consults it for every returned block). */
static const uint32_t max_cached[AW__PAYLOAD_POOL_CLASSES] = {
    MAX_CACHED(0), MAX_CACHED(1), MAX_CACHED(2), MAX_CACHED(3), MAX_CACHED(4), MAX_CACHED(5),
};
_Static_assert(AW__PAYLOAD_POOL_CLASSES == 6, "max_cached has a row per class");

size_t aw__payload_pool_max_len(void) {
    return block_size(AW__PAYLOAD_POOL_CLASSES - 1) - HEADER;
}

static aw__pool_block *block_of(aw_payload *p) {
    return (aw__pool_block *)(void *)p - 1;
}

void aw__payload_pool_init(aw__payload_pool *pool) {
    memset(pool, 0, sizeof *pool);
    atomic_init(&pool->returned, NULL);
}

static void block_free(aw__payload_pool *pool, aw__pool_block *b) {
    aw__free(b, block_size(b->size_class));
    pool->freed++;
}

void aw__payload_pool_destroy(aw__payload_pool *pool) {
    for (uint32_t c = 0; c < AW__PAYLOAD_POOL_CLASSES; c++) {
        for (aw__pool_block *b = pool->free[c], *next; b; b = next) {
            next = b->next;
            block_free(pool, b);
        }
        pool->free[c] = NULL;
        pool->free_count[c] = 0;
    }
    /* Acquire: pairs with the release of every push (rule 2). */
    aw__pool_block *b = atomic_exchange_explicit(&pool->returned, NULL, memory_order_acquire);
    for (aw__pool_block *next; b; b = next) {
        next = b->next;
        block_free(pool, b);
    }
    atomic_store_explicit(&pool->returned_count, 0, memory_order_relaxed);
    /* Rule 4: a payload still held here would be written after the free. */
    assert(aw__payload_pool_blocks(pool) == 0);
}

/* Rule 3: sorts the returned stack into the free lists. */
static void take_returned(aw__payload_pool *pool) {
    /* Acquire: the releasers' last uses and their `next` writes happen
     * before this (pairs with the release CAS in aw__payload_pool_put). */
    aw__pool_block *b = atomic_exchange_explicit(&pool->returned, NULL, memory_order_acquire);
    uint32_t taken = 0;
    for (aw__pool_block *next; b; b = next) {
        next = b->next;
        taken++;
        uint32_t c = b->size_class;
        if (pool->free_count[c] >= max_cached[c]) {
            block_free(pool, b);
            continue;
        }
        b->next = pool->free[c];
        pool->free[c] = b;
        pool->free_count[c]++;
    }
    /* Relaxed: the count is a bound, not a guard of any data. */
    atomic_fetch_sub_explicit(&pool->returned_count, taken, memory_order_relaxed);
}

aw_payload *aw__payload_pool_new_slow(aw__payload_pool *pool, size_t len) {
    if (len > aw__payload_pool_max_len()) return aw_payload_new(len);
    uint32_t c = 0;
    while (block_size(c) - HEADER < len) c++;
    if (atomic_load_explicit(&pool->returned, memory_order_relaxed)) {
        take_returned(pool);
        if (pool->free[c]) return aw__payload_pool_new(pool, len);
    }
    aw__pool_block *b = aw__malloc(block_size(c));
    if (!b) return NULL;
    b->pool = pool;
    b->size_class = c;
    b->unused_ = 0;
    pool->allocated++;
    aw_payload *p = aw__pool_block_payload(b);
    atomic_init(&p->refs_, 1);
    p->capacity_ = 0; /* pooled */
    p->len = len;
    return p;
}

/* Pushes the chain head..tail (count blocks) onto pool's returned stack, or
 * frees it when the stack is at its bound (rule 2). */
static void push_returned(aw__payload_pool *pool, aw__pool_block *head, aw__pool_block *tail,
                          uint32_t count) {
    /* Relaxed: a bound (rule 2); racing releasers may pass it by a few. */
    if (atomic_load_explicit(&pool->returned_count, memory_order_relaxed) >=
        AW__PAYLOAD_POOL_RETURNED_MAX) {
        for (aw__pool_block *b = head, *next; b; b = next) {
            next = b == tail ? NULL : b->next;
            aw__free(b, block_size(b->size_class));
        }
        atomic_fetch_add_explicit(&pool->freed_elsewhere, count, memory_order_relaxed);
        return;
    }
    atomic_fetch_add_explicit(&pool->returned_count, count, memory_order_relaxed);
    aw__pool_block *old = atomic_load_explicit(&pool->returned, memory_order_relaxed);
    do {
        tail->next = old;
        /* Release: publishes the chain's links and every use of its payloads
         * to the owner's acquire exchange (rule 2). */
    } while (!atomic_compare_exchange_weak_explicit(&pool->returned, &old, head,
                                                    memory_order_release, memory_order_relaxed));
}

/* Rule 5: the blocks this thread released and has not pushed yet, all of one
 * pool. Only threads that promised to flush (aw__payload_pool_batch_begin)
 * keep any. */
static _Thread_local struct {
    bool enabled;
    aw__payload_pool *pool;
    aw__pool_block *head, *tail;
    uint32_t count;
} batch;

void aw__payload_pool_batch_begin(void) {
    batch.enabled = true;
}

void aw__payload_pool_batch_flush(void) {
    if (batch.count == 0) return;
    push_returned(batch.pool, batch.head, batch.tail, batch.count);
    batch.pool = NULL;
    batch.head = batch.tail = NULL;
    batch.count = 0;
}

void aw__payload_pool_batch_end(void) {
    aw__payload_pool_batch_flush();
    batch.enabled = false;
}

void aw__payload_pool_put(aw_payload *p) {
    aw__pool_block *b = block_of(p);
    aw__payload_pool *pool = b->pool;
    if (!batch.enabled) {
        push_returned(pool, b, b, 1);
        return;
    }
    if (batch.pool != pool) {
        aw__payload_pool_batch_flush();
        batch.pool = pool;
    }
    b->next = batch.head;
    if (!batch.head) batch.tail = b;
    batch.head = b;
    if (++batch.count >= AW__PAYLOAD_POOL_BATCH) aw__payload_pool_batch_flush();
}

size_t aw__payload_pool_cached(const aw__payload_pool *pool) {
    size_t n = 0;
    for (uint32_t c = 0; c < AW__PAYLOAD_POOL_CLASSES; c++) n += pool->free_count[c];
    return n;
}

uint64_t aw__payload_pool_blocks(const aw__payload_pool *pool) {
    return pool->allocated - pool->freed -
           atomic_load_explicit(&pool->freed_elsewhere, memory_order_relaxed);
}
