/* The actor mailbox: a lock-free multi-producer single-consumer queue
 * (Vyukov's intrusive MPSC, as in Pony's messageq) whose head also records
 * whether the consumer went idle, so the push that finds the actor idle is
 * the one, and the only one, that schedules it. */
#ifndef AW_ACTOR_MAILBOX_H
#define AW_ACTOR_MAILBOX_H

#include "actor/cell.h"

/* The capacity value meaning "no bound". */
#define AW__MAILBOX_UNBOUNDED UINT32_MAX

typedef struct aw__mailbox {
    /* Written by producers. Low bit set: the consumer marked the queue empty
     * and the actor idle. */
    _Alignas(64) _Atomic(uintptr_t) head;
    _Atomic uint64_t pushed;      /* counted pushes (capacity) */
    _Atomic uint64_t popped_seen; /* producers' last look at popped */
    /* Written by the consumer only. */
    _Alignas(64) aw__cell *tail;
    _Atomic uint64_t popped; /* counted pops, read by producers */
    uint32_t capacity;
    uint32_t ahead; /* pops until tail reaches scout */
    aw__cell *scout; /* how far the consumer has prefetched (rule 6) */
} aw__mailbox;

/* Cells the consumer prefetches ahead of the one it pops (rule 6). */
#define AW__MAILBOX_PREFETCH 4u

/* stub becomes the queue's first node. The mailbox starts busy (not idle):
 * the creator releases it with aw__mailbox_mark_empty once the actor is
 * ready, so nothing schedules a half-built actor. */
void aw__mailbox_init(aw__mailbox *mb, aw__cell *stub, uint32_t capacity);

/* Producer side. Counted pushes fail with AW_MAILBOX_FULL when capacity cells
 * wait unconsumed (approximate under concurrent producers: each may pass the
 * check once). *was_idle tells the caller it must schedule the actor. */
aw_status aw__mailbox_push(aw__mailbox *mb, aw__cell *cell, bool counted, bool *was_idle);

/* Consumer side. The next cell or NULL when none is visible. The returned
 * cell stays the queue's stub until the next pop, so copy its message out;
 * *spent is the previous stub, which the caller recycles. */
aw__cell *aw__mailbox_pop(aw__mailbox *mb, aw__cell **spent);
/* Consumer side: records one consumed counted cell (capacity). */
void aw__mailbox_consumed(aw__mailbox *mb);
/* Consumer side: marks the queue empty and the actor idle, unless a push
 * slipped in (then false: keep consuming). */
bool aw__mailbox_mark_empty(aw__mailbox *mb);
/* Cells waiting (approximate, counted ones). */
uint64_t aw__mailbox_length(const aw__mailbox *mb);

#endif
