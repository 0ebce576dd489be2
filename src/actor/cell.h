/* Mailbox cells: one message or signal in flight, recycled through a pool so
 * the steady state of messaging allocates nothing.
 *
 * Cells are carved from chunks owned by the system and never returned to the
 * allocator before the system is destroyed. Each worker keeps a private cache
 * of two chains (the current one and one full spare); only when both are full
 * or empty does it touch the shared pool, one mutex operation per chain of
 * AW__CELL_CHAIN cells. Threads that are not workers use the shared pool
 * directly. */
#ifndef AW_ACTOR_CELL_H
#define AW_ACTOR_CELL_H

#include <stdatomic.h>

#include "airwasm/actor.h"
#include "platform/thread.h"

#define AW__CELL_CHAIN 64

/* Signals travel in the mailbox with the messages, so they keep the order of
 * messages from the same sender (as Erlang's signals do). */
typedef enum aw__sig {
    AW__SIG_NONE,      /* an ordinary message */
    AW__SIG_EXIT,      /* exit signal: sender, word[0..1] reason, word[2] flags */
    AW__SIG_LINK,      /* sender links to the receiver */
    AW__SIG_UNLINK,    /* sender unlinks */
    AW__SIG_MONITOR,   /* sender monitors the receiver, corr = monitor id */
    AW__SIG_DEMONITOR, /* corr = monitor id */
    AW__SIG_DOWN,      /* delivered as AW_MSG_DOWN */
    AW__SIG_WAKE,      /* ends an AW_BLOCK */
    AW__SIG_RESTART,   /* restart in place, sender = the supervisor */
    AW__SIG_RESET,     /* stop in place and wait for AW__SIG_RESTART */
    AW__SIG_TIMEOUT    /* receive timeout, corr = token */
} aw__sig;

/* word[2] flags of AW__SIG_EXIT: the public AW_EXIT_FLAG_* values. */
#define AW__EXIT_VIA_LINK AW_EXIT_FLAG_LINK
#define AW__EXIT_IN_PLACE AW_EXIT_FLAG_IN_PLACE

typedef struct aw__cell {
    _Atomic(struct aw__cell *) next; /* mailbox link */
    struct aw__cell *chain_next;     /* pool: next chain (first cell of a chain only) */
    uint32_t sig;                    /* aw__sig */
    uint32_t counted;                /* counts against the mailbox capacity */
    aw_msg msg;
} aw__cell;

typedef struct aw__cell_cache {
    aw__cell *cur; /* linked through next (relaxed; private to one thread) */
    uint32_t cur_count;
    aw__cell *spare; /* a full chain of AW__CELL_CHAIN, or NULL */
} aw__cell_cache;

typedef struct aw__cell_chunk aw__cell_chunk;

typedef struct aw__cell_pool {
    aw__mutex lock;
    aw__cell *chains; /* full chains linked by chain_next */
    aw__cell *loose;  /* single cells linked by next */
    aw__cell_chunk *chunks;
    uint64_t cells_total;
} aw__cell_pool;

aw_status aw__cell_pool_init(aw__cell_pool *pool);
/* Frees every chunk; every cell must be back (or abandoned with the system). */
void aw__cell_pool_free(aw__cell_pool *pool);

/* cache may be NULL (a thread that is not a worker). NULL when out of memory. */
aw__cell *aw__cell_alloc(aw__cell_pool *pool, aw__cell_cache *cache);
/* Returns a cell whose payload was already released or moved out. */
void aw__cell_free(aw__cell_pool *pool, aw__cell_cache *cache, aw__cell *cell);
/* Gives a worker's cached cells back to the shared pool (worker exit). */
void aw__cell_cache_flush(aw__cell_pool *pool, aw__cell_cache *cache);

#endif
