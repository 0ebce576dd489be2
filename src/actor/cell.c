/* The message-cell pool: chunks of cells, chains moved between worker caches
 * and the shared pool under one mutex. */
#include "actor/cell.h"

#include "base/alloc.h"

struct aw__cell_chunk {
    aw__cell_chunk *next;
    aw__cell cells[AW__CELL_CHAIN];
};

static aw__cell *link_cells(aw__cell *cells, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        atomic_store_explicit(&cells[i].next, i + 1 < n ? &cells[i + 1] : NULL,
                              memory_order_relaxed);
    cells[0].chain_next = NULL;
    return &cells[0];
}

/* A new chain from a fresh chunk; pool->lock held. */
static aw__cell *new_chain_locked(aw__cell_pool *pool) {
    aw__cell_chunk *chunk = AW__NEW(aw__cell_chunk);
    if (!chunk) return NULL;
    chunk->next = pool->chunks;
    pool->chunks = chunk;
    pool->cells_total += AW__CELL_CHAIN;
    return link_cells(chunk->cells, AW__CELL_CHAIN);
}

aw_status aw__cell_pool_init(aw__cell_pool *pool) {
    pool->chains = NULL;
    pool->loose = NULL;
    pool->chunks = NULL;
    pool->cells_total = 0;
    return aw__mutex_init(&pool->lock);
}

void aw__cell_pool_free(aw__cell_pool *pool) {
    aw__cell_chunk *c = pool->chunks;
    while (c) {
        aw__cell_chunk *next = c->next;
        AW__DELETE(c);
        c = next;
    }
    pool->chunks = NULL;
    aw__mutex_destroy(&pool->lock);
}

static aw__cell *pop_loose_locked(aw__cell_pool *pool) {
    if (!pool->loose) {
        aw__cell *chain = pool->chains;
        if (chain) {
            pool->chains = chain->chain_next;
        } else {
            chain = new_chain_locked(pool);
            if (!chain) return NULL;
        }
        pool->loose = chain;
    }
    aw__cell *cell = pool->loose;
    pool->loose = atomic_load_explicit(&cell->next, memory_order_relaxed);
    return cell;
}

aw__cell *aw__cell_alloc(aw__cell_pool *pool, aw__cell_cache *cache) {
    aw__cell *cell;
    if (!cache) {
        aw__mutex_lock(&pool->lock);
        cell = pop_loose_locked(pool);
        aw__mutex_unlock(&pool->lock);
        return cell;
    }
    if (!cache->cur) {
        if (cache->spare) {
            cache->cur = cache->spare;
            cache->spare = NULL;
        } else {
            aw__mutex_lock(&pool->lock);
            aw__cell *chain = pool->chains;
            if (chain)
                pool->chains = chain->chain_next;
            else
                chain = new_chain_locked(pool);
            aw__mutex_unlock(&pool->lock);
            if (!chain) return NULL;
            cache->cur = chain;
        }
        cache->cur_count = AW__CELL_CHAIN;
    }
    cell = cache->cur;
    cache->cur = atomic_load_explicit(&cell->next, memory_order_relaxed);
    cache->cur_count--;
    /* The next cell this thread fills was last written by the core that
     * consumed it: claim its lines now, while the caller fills this one, so
     * the next send's stores do not wait for them (cast and 2 -> 1 floods
     * 4-10 % faster, docs/performance.md). */
    if (cache->cur) {
        aw__prefetch_write(cache->cur);
        aw__prefetch_write((const char *)cache->cur + sizeof(aw__cell) - 1);
    }
    return cell;
}

void aw__cell_free(aw__cell_pool *pool, aw__cell_cache *cache, aw__cell *cell) {
    if (!cache) {
        aw__mutex_lock(&pool->lock);
        atomic_store_explicit(&cell->next, pool->loose, memory_order_relaxed);
        pool->loose = cell;
        aw__mutex_unlock(&pool->lock);
        return;
    }
    atomic_store_explicit(&cell->next, cache->cur, memory_order_relaxed);
    cache->cur = cell;
    if (++cache->cur_count < AW__CELL_CHAIN) return;
    /* cur is a full chain: keep it as the spare, passing an older spare on. */
    cache->cur->chain_next = NULL;
    if (cache->spare) {
        aw__mutex_lock(&pool->lock);
        cache->spare->chain_next = pool->chains;
        pool->chains = cache->spare;
        aw__mutex_unlock(&pool->lock);
    }
    cache->spare = cache->cur;
    cache->cur = NULL;
    cache->cur_count = 0;
}

void aw__cell_cache_flush(aw__cell_pool *pool, aw__cell_cache *cache) {
    aw__mutex_lock(&pool->lock);
    while (cache->cur) {
        aw__cell *cell = cache->cur;
        cache->cur = atomic_load_explicit(&cell->next, memory_order_relaxed);
        atomic_store_explicit(&cell->next, pool->loose, memory_order_relaxed);
        pool->loose = cell;
    }
    if (cache->spare) {
        cache->spare->chain_next = pool->chains;
        pool->chains = cache->spare;
    }
    aw__mutex_unlock(&pool->lock);
    cache->cur = NULL;
    cache->cur_count = 0;
    cache->spare = NULL;
}
