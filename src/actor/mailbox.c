/* Vyukov's intrusive MPSC queue with Pony's idle tag on the head pointer.
 *
 * The protocol, as numbered rules (CONVENTIONS rule 14):
 *  1. A producer links a cell in two steps: it swaps itself in as head
 *     (exchange), then stores itself into the previous head's next. Between
 *     the steps the chain is broken; the consumer sees "empty" and retries.
 *  2. The consumer owns tail. The cell after tail is the next message; once
 *     popped it becomes the new tail (the stub) and the old tail is free.
 *  3. The consumer goes idle only through a CAS of head from tail to tail|1,
 *     which succeeds only if no producer swapped in since (rule 1, step one).
 *  4. The producer whose exchange returns a tagged head is the only one that
 *     saw the idle state (the exchange clears the tag), so exactly one push
 *     per idle period schedules the actor, and never while it is running.
 *  5. A new mailbox has an untagged head: it is busy until its creator marks
 *     it empty (rule 3), so sends during init never schedule it early.
 *  6. The consumer walks a scout up to AW__MAILBOX_PREFETCH cells ahead of
 *     tail, one link per pop (two while it builds its lead), prefetching each
 *     cell it reaches and the payload of the cell it leaves. The cells come
 *     from the producer's core, or from memory when the queue is long, and
 *     handling a message takes longer than fetching them, so the pop finds
 *     them in its cache. The scout only reads cells between tail and the
 *     last linked one, which nobody frees before the consumer pops them. */
#include "actor/mailbox.h"

void aw__mailbox_init(aw__mailbox *mb, aw__cell *stub, uint32_t capacity) {
    atomic_store_explicit(&stub->next, NULL, memory_order_relaxed);
    stub->msg.payload = NULL;
    atomic_store_explicit(&mb->head, (uintptr_t)stub, memory_order_relaxed);
    atomic_store_explicit(&mb->pushed, 0, memory_order_relaxed);
    atomic_store_explicit(&mb->popped_seen, 0, memory_order_relaxed);
    mb->tail = stub;
    atomic_store_explicit(&mb->popped, 0, memory_order_relaxed);
    mb->capacity = capacity;
    mb->ahead = 0;
    mb->scout = stub;
}

aw_status aw__mailbox_push(aw__mailbox *mb, aw__cell *cell, bool counted, bool *was_idle) {
    cell->counted = counted;
    if (counted) {
        if (mb->capacity != AW__MAILBOX_UNBOUNDED) {
            /* Relaxed: the bound is advisory between concurrent producers.
             * Producers read the consumer's popped line only when their
             * cached copy says full, so the line does not bounce per send. */
            uint64_t pushed = atomic_load_explicit(&mb->pushed, memory_order_relaxed);
            uint64_t seen = atomic_load_explicit(&mb->popped_seen, memory_order_relaxed);
            if (pushed - seen >= mb->capacity) {
                seen = atomic_load_explicit(&mb->popped, memory_order_relaxed);
                atomic_store_explicit(&mb->popped_seen, seen, memory_order_relaxed);
                if (pushed - seen >= mb->capacity) return AW_MAILBOX_FULL;
            }
        }
        atomic_fetch_add_explicit(&mb->pushed, 1, memory_order_relaxed);
    }
    atomic_store_explicit(&cell->next, NULL, memory_order_relaxed);
    /* Rule 1, step one. acq_rel: the acquire half pairs with the consumer's
     * release CAS in aw__mailbox_mark_empty, so the producer that finds the
     * actor idle also sees everything the last run wrote before going idle and
     * can hand the actor to a scheduler. The release half is not what
     * publishes the cell (step two does), but orders the next=NULL store. */
    uintptr_t prev = atomic_exchange_explicit(&mb->head, (uintptr_t)cell, memory_order_acq_rel);
    aw__cell *prev_cell = (aw__cell *)(prev & ~(uintptr_t)1);
    /* Rule 1, step two. Release: publishes the cell's contents to the
     * consumer's acquire load of tail->next in aw__mailbox_pop. */
    atomic_store_explicit(&prev_cell->next, cell, memory_order_release);
    *was_idle = (prev & 1) != 0;
    return AW_OK;
}

aw__cell *aw__mailbox_pop(aw__mailbox *mb, aw__cell **spent) {
    aw__cell *tail = mb->tail;
    /* Acquire: pairs with the producer's release store of next (rule 1, step
     * two), making the cell's message visible. */
    aw__cell *next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (!next) return NULL;
    mb->tail = next;
    *spent = tail;
    /* Rule 6. */
    if (mb->ahead == 0)
        mb->scout = next;
    else
        mb->ahead--;
    for (uint32_t step = 0; step < 2 && mb->ahead < AW__MAILBOX_PREFETCH; step++) {
        aw__cell *scout = mb->scout;
        /* Acquire, as above: the scout's successor may be read next. */
        aw__cell *reached = atomic_load_explicit(&scout->next, memory_order_acquire);
        if (!reached) break;
        /* Read prefetches: what the generic target's compiler emits for a
         * write hint too (aw__prefetch_write asks for the line writable). */
        __builtin_prefetch(reached);
        __builtin_prefetch((const char *)reached + sizeof *reached - 1);
        if (scout->msg.payload) __builtin_prefetch(scout->msg.payload);
        mb->scout = reached;
        mb->ahead++;
    }
    return next;
}

void aw__mailbox_consumed(aw__mailbox *mb) {
    /* Relaxed single-writer counter; producers only estimate with it. */
    uint64_t n = atomic_load_explicit(&mb->popped, memory_order_relaxed);
    atomic_store_explicit(&mb->popped, n + 1, memory_order_relaxed);
}

bool aw__mailbox_mark_empty(aw__mailbox *mb) {
    uintptr_t expected = (uintptr_t)mb->tail;
    /* Rule 3. Release on success: pairs with the acquire half of the
     * exchange of the producer that will find the tag (rule 4). Relaxed on
     * failure: we just keep consuming. */
    return atomic_compare_exchange_strong_explicit(&mb->head, &expected, expected | 1,
                                                   memory_order_release, memory_order_relaxed);
}

uint64_t aw__mailbox_length(const aw__mailbox *mb) {
    uint64_t pushed = atomic_load_explicit(&mb->pushed, memory_order_relaxed);
    uint64_t popped = atomic_load_explicit(&mb->popped, memory_order_relaxed);
    return pushed - popped;
}
