/* The request table.
 *
 * Protocol (every rule holds under the table mutex):
 *  1. A request lives in one slot from begin until its outcome is delivered
 *     (MESSAGE mode), collected (WAKE mode) or dropped (cancel, requester
 *     down). The slot's generation is part of the request id, so an id whose
 *     slot was reused finds nothing: answers to it are late.
 *  2. Only the caller that moves a slot out of PENDING delivers its outcome,
 *     so each request gets exactly one: response, error, timeout - whichever
 *     takes the lock first. Everything after that is counted late (answers)
 *     or finds nothing to do (timer ticks).
 *  3. Deliveries (mailbox sends, wakes) happen after unlocking, so a slow
 *     mailbox never holds the table. Timer starts and cancels happen under
 *     the lock; that is safe because the timer thread never takes this lock:
 *     a deadline fires as a tick message to our own small actor, whose
 *     handler times requests out like any other caller.
 *  4. One timer serves every request: while any request with a deadline is
 *     pending, a timer is armed no later than the earliest such deadline.
 *     begin arms (or re-arms) only for a deadline earlier than the armed
 *     one; answers touch no timer. A tick times out every pending request
 *     whose deadline has passed (a scan) and arms the next timer. Ticks of
 *     timers replaced since are stale; they scan too, harmlessly.
 *  5. In a threaded system the timer is never set further than LINGER_NS
 *     ahead and is left to fire when the last request is answered: a caller
 *     making one request after another arms about ten timers a second, not
 *     one per request (each arm and cancel takes the timer lock, and the
 *     first timer wakes the timer thread), and the timer thread stops
 *     polling at most LINGER_NS after the traffic does. A deterministic
 *     system (no workers) cancels the timer as soon as nothing is pending,
 *     so an idle table holds no timer and its virtual clock stays put.
 * Cost: begin and every outcome are O(1); ticks, requester_down and
 * target_down scan the table. One mutex serialises all requests of a
 * runtime; it is held for a few dozen instructions per operation. */
#include "msg/correlate.h"

#include "base/alloc.h"
#include "platform/os.h"
#include "platform/thread.h"

#include <string.h>

#define TICK_KIND 1u
#define GEN_MASK 0x7fffffffu
/* Rule 5: how far ahead a threaded table's timer may be set. */
#define LINGER_NS 100000000u

typedef enum slot_state { SLOT_FREE, SLOT_PENDING, SLOT_DONE } slot_state;

typedef struct slot {
    uint32_t gen;
    uint8_t state;
    uint8_t mode;
    uint32_t next_free;
    aw_actor_ref requester;
    aw_actor_ref target;
    const aw__name *requester_name;
    const aw__name *target_name;
    uint64_t deadline_ns;
    aw__trace trace;
    aw__envelope outcome; /* SLOT_DONE */
} slot;

#define NO_SLOT UINT32_MAX

struct aw__correlate {
    aw__mutex lock;
    aw_actor_system *sys;
    aw_actor_ref timer_actor;
    slot *slots;
    uint32_t count; /* slots in use or on the free list */
    uint32_t cap;
    uint32_t free_head;
    uint32_t max_pending;
    aw__correlate_stats stats;
    /* The one timer (rule 4): 0 when none is armed. */
    aw_timer_id timer;
    uint64_t timer_deadline;
    uint64_t timer_seq; /* the corr of its tick; older ticks are stale */
    bool eager;         /* deterministic system: no timer while idle (rule 5) */
};

static uint64_t id_of(const aw__correlate *c, const slot *s) {
    return ((uint64_t)s->gen << 32) | ((uint64_t)(s - c->slots) + 1);
}

static slot *slot_of_locked(aw__correlate *c, uint64_t id) {
    uint32_t index = (uint32_t)id - 1u;
    if ((uint32_t)id == 0 || index >= c->count) return NULL;
    slot *s = &c->slots[index];
    return s->state != SLOT_FREE && s->gen == (uint32_t)(id >> 32) ? s : NULL;
}

static void cancel_timer_locked(aw__correlate *c) {
    if (c->timer) aw_timer_cancel(c->sys, c->timer);
    c->timer = 0;
}

/* Arms the table's timer for `at` in place of the armed one (rule 4). */
static aw_status arm_locked(aw__correlate *c, uint64_t at) {
    cancel_timer_locked(c);
    if (!c->eager) {
        uint64_t latest = aw_actor_system_now(c->sys) + LINGER_NS;
        if (at > latest) at = latest;
    }
    aw_msg tick = {.kind = TICK_KIND, .corr = ++c->timer_seq};
    aw_status st = aw_timer_send_at(c->sys, at, c->timer_actor, &tick, &c->timer);
    if (st != AW_OK) c->timer = 0;
    c->timer_deadline = at;
    return st;
}

/* Returns s to the free list; its next id will differ (rule 1). */
static void slot_free_locked(aw__correlate *c, slot *s) {
    s->state = SLOT_FREE;
    s->gen = (s->gen + 1) & GEN_MASK;
    if (s->gen == 0) s->gen = 1;
    s->next_free = c->free_head;
    c->free_head = (uint32_t)(s - c->slots);
    c->stats.pending--;
    if (c->stats.pending == 0 && c->eager) cancel_timer_locked(c); /* rule 5 */
}

/* What has to be done after unlocking to deliver one outcome. */
typedef struct delivery {
    aw__reply_mode mode;
    aw_actor_ref requester;
    aw_actor_ref target;
    aw__envelope env; /* MESSAGE mode */
} delivery;

static void deliver(aw__correlate *c, delivery *d) {
    if (d->mode == AW__REPLY_WAKE) {
        aw_actor_wake(c->sys, d->requester);
        return;
    }
    aw_msg msg;
    aw__envelope_to_msg(&d->env, d->target, &msg);
    aw_status sent = aw_actor_send(c->sys, d->requester, &msg);
    /* A full mailbox refuses before taking anything: the payload is still ours. */
    if (sent == AW_MAILBOX_FULL) aw_payload_release(msg.payload);
    if (sent != AW_OK) {
        aw__mutex_lock(&c->lock);
        c->stats.undelivered++;
        aw__mutex_unlock(&c->lock);
    }
}

/* Moves the pending slot s to its outcome (rule 2) and prepares *d. */
static void settle_locked(aw__correlate *c, slot *s, uint8_t kind, uint8_t error,
                          aw_payload *payload, delivery *d) {
    aw__envelope env;
    memset(&env, 0, sizeof env);
    env.from = s->target_name;
    env.to = s->requester_name;
    env.kind = kind;
    env.error = error;
    env.request_id = id_of(c, s);
    aw__trace_new_child(&env.trace, &s->trace);
    env.payload = payload;
    d->mode = (aw__reply_mode)s->mode;
    d->requester = s->requester;
    d->target = s->target;
    if (s->mode == AW__REPLY_WAKE) {
        s->outcome = env;
        s->state = SLOT_DONE;
    } else {
        d->env = env;
        slot_free_locked(c, s);
    }
}

/* After a tick (rule 4): a timer for the earliest pending deadline, unless
 * one is armed already (it fires no later than that). */
static void rearm_locked(aw__correlate *c) {
    if (c->timer) return;
    uint64_t earliest = UINT64_MAX;
    for (uint32_t i = 0; i < c->count; i++) {
        const slot *s = &c->slots[i];
        if (s->state == SLOT_PENDING && s->deadline_ns && s->deadline_ns < earliest)
            earliest = s->deadline_ns;
    }
    /* A failed arm leaves no timer; the next begin arms again. */
    if (earliest != UINT64_MAX) arm_locked(c, earliest);
}

static aw_handled on_tick(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    aw__correlate *c = state;
    if (msg->kind != TICK_KIND) return AW_DONE;
    aw__mutex_lock(&c->lock);
    if (msg->corr == c->timer_seq) c->timer = 0; /* the armed timer fired */
    aw__mutex_unlock(&c->lock);
    uint64_t now = aw_actor_system_now(c->sys);
    /* Every request due by now times out: one per lock hold, delivered after
     * unlocking (rule 3); the scan resumes where it stopped. */
    for (uint32_t i = 0;; i++) {
        delivery d;
        bool due = false;
        aw__mutex_lock(&c->lock);
        for (; i < c->count; i++) {
            slot *s = &c->slots[i];
            if (s->state == SLOT_PENDING && s->deadline_ns && s->deadline_ns <= now) {
                settle_locked(c, s, AW__MSG_ERROR, AW__REQERR_TIMEOUT, NULL, &d);
                c->stats.timed_out++;
                due = true;
                break;
            }
        }
        aw__mutex_unlock(&c->lock);
        if (!due) break;
        deliver(c, &d);
    }
    aw__mutex_lock(&c->lock);
    rearm_locked(c);
    aw__mutex_unlock(&c->lock);
    return AW_DONE;
}

static const aw_behaviour timer_behaviour = {"request-timer", NULL, on_tick, NULL};

aw_status aw__correlate_create(aw_actor_system *sys, uint32_t max_pending, aw__correlate **out) {
    *out = NULL;
    aw__correlate *c = AW__NEW(aw__correlate);
    if (!c) return AW_NO_MEMORY;
    if (aw__mutex_init(&c->lock) != AW_OK) {
        AW__DELETE(c);
        return AW_NO_MEMORY;
    }
    c->sys = sys;
    c->free_head = NO_SLOT;
    c->max_pending = max_pending;
    c->eager = aw_actor_system_workers(sys) == 0;
    aw_spawn_opts opts = {.mailbox_capacity = UINT32_MAX};
    aw_status s = aw_actor_spawn(sys, &timer_behaviour, c, &opts, &c->timer_actor);
    if (s != AW_OK) {
        aw__mutex_destroy(&c->lock);
        AW__DELETE(c);
        return s;
    }
    *out = c;
    return AW_OK;
}

void aw__correlate_destroy(aw__correlate *c) {
    if (!c) return;
    /* The timer actor holds c as its state: it must be gone first. */
    aw_actor_exit(c->sys, AW_ACTOR_NONE, c->timer_actor, (aw_reason){AW_EXIT_SHUTDOWN, 0});
    while (aw_actor_alive(c->sys, c->timer_actor)) {
        /* A deterministic system has no workers: drive it from here. */
        if (aw_actor_system_workers(c->sys) == 0) aw_actor_system_run(c->sys, 64);
        else aw__sleep_ns(50000);
    }
    cancel_timer_locked(c);
    for (uint32_t i = 0; i < c->count; i++) {
        slot *s = &c->slots[i];
        if (s->state == SLOT_DONE) aw__envelope_release(&s->outcome);
    }
    aw__free(c->slots, c->cap * sizeof(slot));
    aw__mutex_destroy(&c->lock);
    AW__DELETE(c);
}

static slot *slot_take_locked(aw__correlate *c) {
    if (c->free_head != NO_SLOT) {
        slot *s = &c->slots[c->free_head];
        c->free_head = s->next_free;
        return s;
    }
    if (c->count == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 64;
        slot *grown = aw__realloc(c->slots, c->cap * sizeof(slot), cap * sizeof(slot));
        if (!grown) return NULL;
        c->slots = grown;
        c->cap = cap;
    }
    slot *s = &c->slots[c->count++];
    s->gen = 1;
    return s;
}

aw_status aw__correlate_begin(aw__correlate *c, const aw__request_info *info,
                              uint64_t *request_id) {
    *request_id = 0;
    aw__mutex_lock(&c->lock);
    if (c->stats.pending >= c->max_pending) {
        aw__mutex_unlock(&c->lock);
        return AW_LIMIT_EXCEEDED;
    }
    slot *s = slot_take_locked(c);
    if (!s) {
        aw__mutex_unlock(&c->lock);
        return AW_NO_MEMORY;
    }
    s->state = SLOT_PENDING;
    s->mode = (uint8_t)info->mode;
    s->requester = info->requester;
    s->target = info->target;
    s->requester_name = info->requester_name;
    s->target_name = info->target_name;
    s->deadline_ns = info->deadline_ns;
    s->trace = info->trace;
    c->stats.pending++;
    uint64_t id = id_of(c, s);
    /* Rule 4: only a deadline before the armed timer's needs a new one. */
    if (info->deadline_ns && (!c->timer || info->deadline_ns < c->timer_deadline)) {
        aw_status st = arm_locked(c, info->deadline_ns);
        if (st != AW_OK) {
            slot_free_locked(c, s);
            aw__mutex_unlock(&c->lock);
            return st;
        }
    }
    c->stats.started++;
    aw__mutex_unlock(&c->lock);
    *request_id = id;
    return AW_OK;
}

static aw_status answer(aw__correlate *c, uint64_t request_id, uint8_t kind, uint8_t error,
                        aw_payload *payload) {
    delivery d;
    aw__mutex_lock(&c->lock);
    slot *s = slot_of_locked(c, request_id);
    bool pending = s && s->state == SLOT_PENDING;
    if (pending) {
        settle_locked(c, s, kind, error, payload, &d);
        c->stats.answered++;
    } else {
        c->stats.late++;
    }
    aw__mutex_unlock(&c->lock);
    if (!pending) {
        aw_payload_release(payload);
        return AW_NOT_FOUND;
    }
    deliver(c, &d);
    return AW_OK;
}

aw_status aw__correlate_respond(aw__correlate *c, uint64_t request_id, aw_payload *payload) {
    return answer(c, request_id, AW__MSG_RESPONSE, 0, payload);
}

aw_status aw__correlate_fail(aw__correlate *c, uint64_t request_id, aw__request_error error,
                             aw_payload *message) {
    if ((unsigned)error >= AW__REQERR_COUNT) {
        aw_payload_release(message);
        return AW_INVALID_ARGUMENT;
    }
    return answer(c, request_id, AW__MSG_ERROR, (uint8_t)error, message);
}

aw_status aw__correlate_cancel(aw__correlate *c, uint64_t request_id, aw_actor_ref requester) {
    aw__mutex_lock(&c->lock);
    slot *s = slot_of_locked(c, request_id);
    bool waiting = s && s->state == SLOT_PENDING && s->requester == requester;
    if (waiting) {
        slot_free_locked(c, s);
        c->stats.cancelled++;
    }
    aw__mutex_unlock(&c->lock);
    return waiting ? AW_OK : AW_NOT_FOUND;
}

aw_status aw__correlate_collect(aw__correlate *c, uint64_t request_id, aw_actor_ref requester,
                                aw__envelope *out) {
    aw_status status = AW_NOT_FOUND;
    aw__mutex_lock(&c->lock);
    slot *s = slot_of_locked(c, request_id);
    if (s && s->requester == requester && s->mode == AW__REPLY_WAKE) {
        if (s->state == SLOT_DONE) {
            *out = s->outcome;
            memset(&s->outcome, 0, sizeof s->outcome);
            slot_free_locked(c, s);
            status = AW_OK;
        } else {
            status = AW_SUSPENDED;
        }
    }
    aw__mutex_unlock(&c->lock);
    return status;
}

uint64_t aw__correlate_deadline(aw__correlate *c, uint64_t request_id) {
    aw__mutex_lock(&c->lock);
    slot *s = slot_of_locked(c, request_id);
    uint64_t deadline = s && s->state == SLOT_PENDING ? s->deadline_ns : 0;
    aw__mutex_unlock(&c->lock);
    return deadline;
}

size_t aw__correlate_requester_down(aw__correlate *c, aw_actor_ref requester) {
    size_t dropped = 0;
    aw__mutex_lock(&c->lock);
    for (uint32_t i = 0; i < c->count; i++) {
        slot *s = &c->slots[i];
        if (s->state == SLOT_FREE || s->requester != requester) continue;
        if (s->state == SLOT_DONE) aw__envelope_release(&s->outcome);
        slot_free_locked(c, s);
        c->stats.cancelled++;
        dropped++;
    }
    aw__mutex_unlock(&c->lock);
    return dropped;
}

size_t aw__correlate_target_down(aw__correlate *c, aw_actor_ref target, aw__request_error error) {
    size_t failed = 0;
    /* One request per lock hold, delivered after unlocking (rule 3); the
     * scan resumes where it stopped, so the whole pass stays linear. */
    for (uint32_t i = 0;; i++) {
        delivery d;
        bool found = false;
        aw__mutex_lock(&c->lock);
        for (; i < c->count; i++) {
            slot *s = &c->slots[i];
            if (s->state == SLOT_PENDING && s->target == target) {
                settle_locked(c, s, AW__MSG_ERROR, (uint8_t)error, NULL, &d);
                c->stats.answered++;
                found = true;
                break;
            }
        }
        aw__mutex_unlock(&c->lock);
        if (!found) break;
        deliver(c, &d);
        failed++;
    }
    return failed;
}

void aw__correlate_get_stats(aw__correlate *c, aw__correlate_stats *out) {
    aw__mutex_lock(&c->lock);
    *out = c->stats;
    aw__mutex_unlock(&c->lock);
}
