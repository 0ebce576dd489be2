/* Actors: spawn, send, the run loop that hands messages to the behaviour, and
 * the handler contract (DONE, YIELD, BLOCK, CRASH).
 *
 * The worker running an actor owns every field below the mailbox. Signals
 * (exit, link, monitor, wake, restart) share the mailbox with messages; while
 * a message is held (YIELD, BLOCK) or the actor waits for a restart in place,
 * the run loop keeps consuming the mailbox, acting on signals and setting
 * ordinary messages aside in the deferred list, which is delivered first once
 * the actor runs again. */
#include "actor/signal.h"
#include "actor/timer.h"

#include "base/alloc.h"
#include "platform/os.h"

#include <string.h>

typedef enum turn {
    TURN_CONTINUE,   /* keep going */
    TURN_RESCHEDULE, /* back to the run queue (YIELD) */
    TURN_DIED        /* the actor is gone: do not touch it again */
} turn;

aw_status aw__actor_signal(aw_actor_system *sys, aw_actor_ref to, uint32_t sig, const aw_msg *msg) {
    bool pinned;
    aw_actor *a = aw__actor_enter(sys, to, &pinned);
    if (!a) return AW_NO_SUCH_ACTOR;
    aw__cell *cell = aw__cell_get(sys);
    if (!cell) {
        aw__actor_leave(a, pinned);
        return AW_NO_MEMORY;
    }
    cell->sig = sig;
    cell->msg = *msg;
    bool was_idle = false;
    aw__mailbox_push(&a->mailbox, cell, false, &was_idle);
    if (was_idle) aw__scheduler_schedule(sys, a);
    aw__actor_leave(a, pinned);
    return AW_OK;
}

aw_status aw_actor_send(aw_actor_system *sys, aw_actor_ref to, const aw_msg *msg) {
    if (!sys || !msg) return AW_INVALID_ARGUMENT;
    aw_reason noproc = {AW_EXIT_NOPROC, 0};
    if (!atomic_load_explicit(&sys->accepting, memory_order_relaxed)) {
        aw__deadletter_add(sys, to, msg, AW_SHUTTING_DOWN, noproc);
        return AW_SHUTTING_DOWN;
    }
    bool pinned;
    aw_actor *a = aw__actor_enter(sys, to, &pinned);
    if (!a) {
        aw__deadletter_add(sys, to, msg, AW_NO_SUCH_ACTOR, noproc);
        return AW_NO_SUCH_ACTOR;
    }
    aw__cell *cell = aw__cell_get(sys);
    if (!cell) {
        aw__actor_leave(a, pinned);
        aw_payload_release(msg->payload);
        return AW_NO_MEMORY;
    }
    cell->sig = AW__SIG_NONE;
    cell->msg = *msg;
    bool was_idle = false;
    aw_status s = aw__mailbox_push(&a->mailbox, cell, true, &was_idle);
    if (s != AW_OK) {
        /* Full: refused before anything happened; the caller keeps the
         * payload and may retry (a retry storm must not flood the log). */
        aw__cell_put(sys, cell);
        aw__actor_leave(a, pinned);
        return s;
    }
    if (was_idle) aw__scheduler_schedule(sys, a);
    aw__actor_leave(a, pinned);
    return AW_OK;
}

/* ---- spawn --------------------------------------------------------------- */

static void reset_actor(aw_actor *a, aw_actor_system *sys, const aw_behaviour *b, void *arg,
                        bool in_place, bool trap_exit) {
    a->sys = sys;
    a->behaviour = b;
    a->arg = arg;
    a->in_place = in_place;
    a->trap_exit_default = trap_exit;
    a->state = NULL;
    a->mode = AW__MODE_RUNNING;
    a->has_current = false;
    a->stop_requested = false;
    a->crash_set = false;
    a->trap_exit = trap_exit;
    a->wake_pending = false;
    a->initialised = false;
    a->deferred_head = a->deferred_tail = NULL;
    a->links = NULL;
    a->link_count = a->link_cap = 0;
    a->link_index = (aw__refmap)AW__REFMAP_INIT;
    a->monitors = NULL;
    a->monitor_count = a->monitor_cap = 0;
    a->receive_timer = 0;
    a->receive_token = 0;
    a->run_next = NULL;
    atomic_store_explicit(&a->last_worker, 0, memory_order_relaxed);
    a->name = NULL;
    a->names_closed = false;
    a->sup = NULL;
    a->crash_set = false;
}

aw_status aw__actor_spawn(aw_actor_system *sys, const aw_behaviour *b, void *arg,
                          const aw_spawn_opts *opts, bool in_place, aw_actor_ref *out) {
    static const aw_spawn_opts no_opts = {0};
    aw_status s = AW_OK;
    if (out) *out = AW_ACTOR_NONE;
    if (!sys || !b || !b->handle) return AW_INVALID_ARGUMENT;
    if (!opts) opts = &no_opts;
    if (!atomic_load_explicit(&sys->accepting, memory_order_relaxed)) return AW_SHUTTING_DOWN;
    aw__cell *stub = aw__cell_get(sys);
    if (!stub) return AW_NO_MEMORY;
    aw_actor *a = aw__slot_alloc(sys);
    if (!a) {
        aw__cell_put(sys, stub);
        return AW_NO_MEMORY;
    }
    reset_actor(a, sys, b, arg, in_place, opts->trap_exit);
    uint32_t capacity = opts->mailbox_capacity ? opts->mailbox_capacity : sys->cfg.mailbox_capacity;
    aw__mailbox_init(&a->mailbox, stub, capacity);
    uint64_t gen = a->ref >> 32;
    /* Release: pairs with the acquire of aw__actor_pin; the caller's pin
     * (count 1) keeps the slot until the end of spawn. */
    atomic_store_explicit(&a->slot, (gen << 32) | AW__SLOT_ALIVE | 1, memory_order_release);
    atomic_fetch_add_explicit(&sys->live, 1, memory_order_relaxed);

    bool linked = false;
    if (opts->link) {
        if ((s = aw__links_add(a, opts->link)) != AW_OK) goto fail;
        s = aw__actor_signal(sys, opts->link, AW__SIG_LINK, &(aw_msg){.sender = a->ref});
        if (s != AW_OK) goto fail;
        linked = true;
    }
    if (opts->name && (s = aw_actor_register(sys, opts->name, a->ref)) != AW_OK) goto fail;
    if (b->init) {
        if ((s = b->init(a, arg, &a->state)) != AW_OK) goto fail;
    } else {
        a->state = arg;
    }
    a->initialised = true;
    /* The actor is ready: let it go idle, or run what arrived meanwhile. */
    if (!aw__mailbox_mark_empty(&a->mailbox)) aw__scheduler_schedule(sys, a);
    if (out) *out = a->ref;
    aw__actor_unpin(a);
    return AW_OK;

fail:
    if (linked) aw__actor_signal(sys, opts->link, AW__SIG_UNLINK, &(aw_msg){.sender = a->ref});
    aw__registry_forget(a);
    aw__links_free(a);
    a->mode = AW__MODE_DEAD;
    atomic_fetch_sub_explicit(&sys->live, 1, memory_order_relaxed);
    aw__actor_bury(a);
    aw__actor_unpin(a);
    return s;
}

aw_status aw_actor_spawn(aw_actor_system *sys, const aw_behaviour *b, void *arg,
                         const aw_spawn_opts *opts, aw_actor_ref *out) {
    return aw__actor_spawn(sys, b, arg, opts, false, out);
}

/* ---- the run loop ---------------------------------------------------------- */

static void defer(aw_actor *a, const aw_msg *msg, bool counted) {
    aw__cell *cell = aw__cell_get(a->sys);
    if (!cell) {
        /* Out of memory while blocked: the message cannot be kept. */
        if (counted) aw__mailbox_consumed(&a->mailbox);
        aw__deadletter_add(a->sys, a->ref, msg, AW_NO_MEMORY, (aw_reason){AW_EXIT_NORMAL, 0});
        return;
    }
    cell->sig = AW__SIG_NONE;
    cell->counted = counted;
    cell->msg = *msg;
    atomic_store_explicit(&cell->next, NULL, memory_order_relaxed);
    if (a->deferred_tail)
        atomic_store_explicit(&a->deferred_tail->next, cell, memory_order_relaxed);
    else
        a->deferred_head = cell;
    a->deferred_tail = cell;
}

/* A counted message leaves the mailbox's capacity when it reaches the
 * handler, not when it is set aside, so a blocked actor stays bounded. */
static void accept(aw_actor *a, const aw_msg *msg, bool counted) {
    if (a->mode == AW__MODE_RUNNING && !a->has_current && !a->deferred_head) {
        a->current = *msg;
        a->has_current = true;
        if (counted) aw__mailbox_consumed(&a->mailbox);
    } else {
        defer(a, msg, counted);
    }
}

void aw__actor_accept(aw_actor *a, const aw_msg *msg) {
    accept(a, msg, false);
}

/* An ordinary message reached the actor: it ends a pending receive timeout. */
static void cancel_receive_timeout(aw_actor *a) {
    if (a->receive_timer) {
        aw_timer_cancel(a->sys, a->receive_timer);
        a->receive_timer = 0;
        a->receive_token++;
    }
}

static turn deliver(aw_actor *a) {
    aw_handled h = a->behaviour->handle(a, a->state, &a->current);
    switch (h) {
        case AW_DONE:
            aw_payload_release(a->current.payload);
            a->has_current = false;
            if (a->stop_requested) {
                aw__actor_die(a, a->reason);
                return TURN_DIED;
            }
            return TURN_CONTINUE;
        case AW_YIELD:
            if (a->stop_requested) break;
            return TURN_RESCHEDULE;
        case AW_BLOCK:
            if (a->stop_requested) break;
            if (a->wake_pending) {
                a->wake_pending = false;
                return TURN_RESCHEDULE;
            }
            a->mode = AW__MODE_BLOCKED;
            return TURN_CONTINUE;
        case AW_CRASH:
        default: {
            aw_reason reason = a->crash_set ? a->reason : (aw_reason){AW_EXIT_CRASH, 0};
            a->crash_set = false;
            aw__deadletter_add(a->sys, a->ref, &a->current, AW_TRAP, reason);
            a->has_current = false;
            if (a->in_place) {
                aw__actor_await_restart(a, reason);
                return TURN_CONTINUE;
            }
            aw__actor_die(a, reason);
            return TURN_DIED;
        }
    }
    /* Stopped while holding the message: it is undelivered. */
    aw__actor_die(a, a->reason);
    return TURN_DIED;
}

/* Takes a cell's content (the cell itself stays with the caller). */
static turn take(aw_actor *a, aw__cell *cell) {
    aw_msg msg = cell->msg;
    cell->msg.payload = NULL;
    if (cell->sig == AW__SIG_NONE) {
        cancel_receive_timeout(a);
        accept(a, &msg, cell->counted);
        return TURN_CONTINUE;
    }
    return aw__signal_handle(a, cell->sig, &msg) ? TURN_CONTINUE : TURN_DIED;
}

bool aw__actor_run(aw_actor *a, uint32_t batch) {
    aw_actor_system *sys = a->sys;
    uint32_t turns = 0;
    for (;;) {
        if (turns >= batch) return true;
        if (a->mode == AW__MODE_RUNNING && a->has_current) {
            turns++;
            turn t = deliver(a);
            if (t == TURN_DIED) return false;
            if (t == TURN_RESCHEDULE) {
                /* Keep signals moving while a message is held. */
                aw__cell *spent;
                for (uint32_t i = 0; i < batch; i++) {
                    aw__cell *cell = aw__mailbox_pop(&a->mailbox, &spent);
                    if (!cell) break;
                    aw__cell_put(sys, spent);
                    if (take(a, cell) == TURN_DIED) return false;
                }
                return true;
            }
            continue;
        }
        if (a->mode == AW__MODE_RUNNING && a->deferred_head) {
            aw__cell *cell = a->deferred_head;
            a->deferred_head = atomic_load_explicit(&cell->next, memory_order_relaxed);
            if (!a->deferred_head) a->deferred_tail = NULL;
            a->current = cell->msg;
            a->has_current = true;
            if (cell->counted) aw__mailbox_consumed(&a->mailbox);
            aw__cell_put(sys, cell);
            continue;
        }
        aw__cell *spent;
        aw__cell *cell = aw__mailbox_pop(&a->mailbox, &spent);
        if (!cell) {
            if (aw__mailbox_mark_empty(&a->mailbox)) return false;
            continue; /* a push is half done (mailbox.c rule 1): retry */
        }
        aw__cell_put(sys, spent);
        if (a->mode != AW__MODE_RUNNING) turns++;
        if (take(a, cell) == TURN_DIED) return false;
    }
}

/* ---- exit ------------------------------------------------------------------- */

static void dead_letter_held(aw_actor *a, aw_status status, aw_reason reason) {
    if (a->has_current) {
        aw__deadletter_add(a->sys, a->ref, &a->current, status, reason);
        a->has_current = false;
    }
    while (a->deferred_head) {
        aw__cell *cell = a->deferred_head;
        a->deferred_head = atomic_load_explicit(&cell->next, memory_order_relaxed);
        aw__deadletter_add(a->sys, a->ref, &cell->msg, status, reason);
        aw__cell_put(a->sys, cell);
    }
    a->deferred_tail = NULL;
}

static void terminate_state(aw_actor *a, aw_reason reason) {
    if (a->receive_timer) {
        aw_timer_cancel(a->sys, a->receive_timer);
        a->receive_timer = 0;
    }
    if (a->initialised) {
        a->initialised = false;
        if (a->behaviour->terminate) a->behaviour->terminate(a, a->state, reason);
        a->state = NULL;
    }
}

void aw__actor_die(aw_actor *a, aw_reason reason) {
    aw_actor_system *sys = a->sys;
    a->mode = AW__MODE_DEAD;
    aw_status status = sys->shut_down ? AW_SHUTTING_DOWN : AW_NO_SUCH_ACTOR;
    if (sys->shut_down) {
        atomic_fetch_add_explicit(&sys->messages_left, a->has_current, memory_order_relaxed);
        for (aw__cell *c = a->deferred_head; c;
             c = atomic_load_explicit(&c->next, memory_order_relaxed))
            atomic_fetch_add_explicit(&sys->messages_left, 1, memory_order_relaxed);
    }
    dead_letter_held(a, status, reason);
    terminate_state(a, reason);
    aw__registry_forget(a);
    aw__links_notify(a, reason, 0);
    aw__links_free(a);
    atomic_fetch_sub_explicit(&sys->live, 1, memory_order_release);
    /* The actor may be finalised and reused at once: not touched after. */
    aw__actor_bury(a);
}

void aw__actor_await_restart(aw_actor *a, aw_reason reason) {
    terminate_state(a, reason);
    aw__links_notify(a, reason, AW__EXIT_IN_PLACE);
    a->trap_exit = a->trap_exit_default;
    a->stop_requested = false;
    a->wake_pending = false;
    a->mode = AW__MODE_AWAITING;
}

bool aw__actor_restart(aw_actor *a) {
    aw_status s = AW_OK;
    if (a->behaviour->init)
        s = a->behaviour->init(a, a->arg, &a->state);
    else
        a->state = a->arg;
    if (s != AW_OK) {
        aw__actor_die(a, (aw_reason){AW_EXIT_INIT_FAILED, (uint32_t)s});
        return false;
    }
    a->initialised = true;
    a->mode = AW__MODE_RUNNING;
    return true;
}

void aw__actor_finalise(aw_actor *a) {
    aw_actor_system *sys = a->sys;
    bool shut = sys->shut_down;
    aw__cell *spent;
    aw__cell *cell;
    while ((cell = aw__mailbox_pop(&a->mailbox, &spent)) != NULL) {
        aw__cell_put(sys, spent);
        aw_msg msg = cell->msg;
        cell->msg.payload = NULL;
        if (cell->sig == AW__SIG_NONE) {
            if (shut) atomic_fetch_add_explicit(&sys->messages_left, 1, memory_order_relaxed);
            aw__deadletter_add(sys, a->ref, &msg, shut ? AW_SHUTTING_DOWN : AW_NO_SUCH_ACTOR,
                               (aw_reason){AW_EXIT_NOPROC, 0});
        } else {
            aw__signal_to_dead(sys, a->ref, cell->sig, &msg);
        }
    }
    aw__cell_put(sys, a->mailbox.tail);
    a->mailbox.tail = NULL;
    aw__slot_release(a);
}

void aw__actor_shutdown(aw_actor *a, uint64_t *messages_left) {
    aw_actor_system *sys = a->sys;
    uint64_t before = atomic_load_explicit(&sys->messages_left, memory_order_relaxed);
    aw__actor_die(a, (aw_reason){AW_EXIT_SHUTDOWN, 0});
    *messages_left += atomic_load_explicit(&sys->messages_left, memory_order_relaxed) - before;
}

/* ---- the API inside callbacks ------------------------------------------------ */

aw_actor_ref aw_actor_self(const aw_actor *self) {
    return self->ref;
}

aw_actor_system *aw_actor_system_of(const aw_actor *self) {
    return self->sys;
}

void aw_actor_stop(aw_actor *self, aw_reason reason) {
    self->stop_requested = true;
    self->reason = reason;
}

aw_handled aw_actor_crash(aw_actor *self, uint32_t code) {
    self->crash_set = true;
    self->reason = (aw_reason){AW_EXIT_CRASH, code};
    return AW_CRASH;
}

void aw_actor_trap_exit(aw_actor *self, bool on) {
    self->trap_exit = on;
}

void aw_actor_receive_timeout(aw_actor *self, uint64_t timeout_ns) {
    cancel_receive_timeout(self);
    if (timeout_ns == 0) return;
    aw_actor_system *sys = self->sys;
    self->receive_token++;
    aw_msg token = {.corr = self->receive_token};
    aw__timer_signal_at(sys, aw_actor_system_now(sys) + timeout_ns, self->ref, AW__SIG_TIMEOUT,
                        &token, &self->receive_timer);
}

aw_status aw_actor_wake(aw_actor_system *sys, aw_actor_ref ref) {
    if (!sys) return AW_INVALID_ARGUMENT;
    return aw__actor_signal(sys, ref, AW__SIG_WAKE, &(aw_msg){0});
}

bool aw_actor_alive(aw_actor_system *sys, aw_actor_ref ref) {
    aw_actor *a = sys ? aw__actor_at(sys, ref) : NULL;
    if (!a) return false;
    uint64_t s = atomic_load_explicit(&a->slot, memory_order_acquire);
    return (s >> 32) == (ref >> 32) && (s & AW__SLOT_ALIVE);
}

aw_status aw_actor_mailbox_length(aw_actor_system *sys, aw_actor_ref ref, uint64_t *out) {
    if (!sys || !out) return AW_INVALID_ARGUMENT;
    *out = 0;
    aw_actor *a = aw__actor_pin(sys, ref);
    if (!a) return AW_NO_SUCH_ACTOR;
    *out = aw__mailbox_length(&a->mailbox);
    aw__actor_unpin(a);
    return AW_OK;
}

const char *aw_exit_kind_name(uint32_t kind) {
    static const char *const names[] = {"normal", "shutdown", "kill",        "killed",
                                        "crash",  "noproc",   "init_failed", "escalated"};
    return kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}
