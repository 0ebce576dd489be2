/* A hashed timer wheel driven by one timer thread (Varghese and Lauck's
 * scheme 4, as in Netty's HashedWheelTimer): a timer sits in the slot of its
 * deadline tick modulo the wheel size; each tick the thread scans one slot
 * and fires the entries whose tick has come. Start and cancel are O(1) under
 * one mutex, so thousands of timers (receive timeouts, request deadlines)
 * stay cheap. Entries come from chunks reused through a free list, and a
 * timer id carries a generation so a stale id cannot cancel a reused entry.
 * In deterministic mode there is no thread: the driving thread fires due
 * timers in deadline order on the virtual clock. */
#include "actor/timer.h"

#include "base/alloc.h"
#include "platform/os.h"

#define CHUNK 256u

typedef enum kind { KIND_SEND, KIND_SIGNAL, KIND_CALL } kind;

typedef struct entry {
    struct entry *prev, *next;
    uint32_t gen;
    uint32_t index;
    uint32_t kind;
    uint32_t sig;
    bool in_use;
    uint64_t deadline;
    uint64_t tick;
    uint64_t seq; /* start order, breaks deadline ties deterministically */
    aw_actor_ref to;
    aw_msg msg;
    aw_timer_fn fn;
    void *arg;
} entry;

struct aw__timers {
    aw_actor_system *sys;
    aw__mutex lock;
    aw__cond cond;
    entry *slots[AW__TIMER_WHEEL];
    entry **chunks;
    uint32_t chunk_count, chunk_cap;
    entry *free;
    uint32_t pending;
    uint64_t seq;
    uint64_t current_tick; /* every tick up to this one was processed */
    aw__thread thread;
    bool thread_started;
    /* The thread waits with no deadline (nothing pending): only then does a
     * new timer have to wake it. Otherwise it wakes at its next tick anyway,
     * and a signal per start would cost a context switch per request when
     * requests start and finish within one tick. */
    bool idle;
    bool stop;
    bool closed;
};

static uint64_t now_ns(aw_actor_system *sys) {
    return sys->cfg.deterministic ? sys->det_now : aw__clock_ns();
}

static entry *entry_of(aw__timers *t, aw_timer_id id) {
    uint32_t index = (uint32_t)(id & 0xffffffffu) - 1u;
    if (id == 0 || index / CHUNK >= t->chunk_count) return NULL;
    entry *e = &t->chunks[index / CHUNK][index % CHUNK];
    return e->in_use && e->gen == (uint32_t)(id >> 32) ? e : NULL;
}

static entry *entry_alloc_locked(aw__timers *t) {
    if (!t->free) {
        if (t->chunk_count == t->chunk_cap) {
            uint32_t cap = t->chunk_cap ? t->chunk_cap * 2 : 8;
            entry **chunks =
                aw__realloc(t->chunks, t->chunk_cap * sizeof *chunks, cap * sizeof *chunks);
            if (!chunks) return NULL;
            t->chunks = chunks;
            t->chunk_cap = cap;
        }
        entry *chunk = aw__calloc(CHUNK, sizeof *chunk);
        if (!chunk) return NULL;
        for (uint32_t i = 0; i < CHUNK; i++) {
            chunk[i].index = t->chunk_count * CHUNK + i;
            chunk[i].gen = 1;
            chunk[i].next = i + 1 < CHUNK ? &chunk[i + 1] : NULL;
        }
        t->chunks[t->chunk_count++] = chunk;
        t->free = chunk;
    }
    entry *e = t->free;
    t->free = e->next;
    return e;
}

static void entry_free_locked(aw__timers *t, entry *e) {
    e->in_use = false;
    e->gen = e->gen + 1 ? e->gen + 1 : 1;
    e->next = t->free;
    t->free = e;
}

static void unlink_locked(aw__timers *t, entry *e) {
    if (e->prev)
        e->prev->next = e->next;
    else
        t->slots[e->tick % AW__TIMER_WHEEL] = e->next;
    if (e->next) e->next->prev = e->prev;
    e->prev = e->next = NULL;
    t->pending--;
}

static void fire(aw_actor_system *sys, entry *e) {
    switch (e->kind) {
        case KIND_SEND:
            aw_actor_send(sys, e->to, &e->msg);
            break;
        case KIND_SIGNAL:
            aw__actor_signal(sys, e->to, e->sig, &e->msg);
            break;
        default:
            e->fn(sys, e->arg);
            break;
    }
    e->msg.payload = NULL;
}

static void *timer_main(void *arg) {
    aw__timers *t = arg;
    aw_actor_system *sys = t->sys;
    aw__mutex_lock(&t->lock);
    while (!t->stop) {
        if (t->pending == 0) {
            t->idle = true;
            aw__cond_wait(&t->cond, &t->lock);
            t->idle = false;
            continue;
        }
        uint64_t now_tick = aw__clock_ns() / AW__TIMER_TICK_NS;
        if (now_tick <= t->current_tick) {
            aw__cond_wait_until(&t->cond, &t->lock, (t->current_tick + 1) * AW__TIMER_TICK_NS);
            continue;
        }
        /* Collect what is due; after a long stall one turn covers all. */
        entry *due = NULL;
        uint64_t from = t->current_tick + 1;
        if (now_tick - from >= AW__TIMER_WHEEL) from = now_tick - AW__TIMER_WHEEL + 1;
        for (uint64_t tick = from; tick <= now_tick; tick++) {
            entry *e = t->slots[tick % AW__TIMER_WHEEL];
            while (e) {
                entry *next = e->next;
                if (e->tick <= now_tick) {
                    unlink_locked(t, e);
                    e->in_use = false; /* cancel now answers AW_NOT_FOUND */
                    /* Fire in deadline order, ties in start order, as the
                     * deterministic mode does: insert sorted. */
                    entry **at = &due;
                    while (*at && ((*at)->deadline < e->deadline ||
                                   ((*at)->deadline == e->deadline && (*at)->seq < e->seq)))
                        at = &(*at)->next;
                    e->next = *at;
                    *at = e;
                }
                e = next;
            }
        }
        t->current_tick = now_tick;
        aw__mutex_unlock(&t->lock);
        for (entry *e = due; e; e = e->next) fire(sys, e);
        aw__mutex_lock(&t->lock);
        while (due) {
            entry *next = due->next;
            entry_free_locked(t, due);
            due = next;
        }
    }
    aw__mutex_unlock(&t->lock);
    return NULL;
}

aw_status aw__timers_create(aw_actor_system *sys) {
    aw__timers *t = AW__NEW(aw__timers);
    if (!t) return AW_NO_MEMORY;
    t->sys = sys;
    if (aw__mutex_init(&t->lock) != AW_OK) goto fail_mutex;
    if (aw__cond_init(&t->cond) != AW_OK) goto fail_cond;
    t->current_tick = now_ns(sys) / AW__TIMER_TICK_NS;
    sys->timers = t;
    if (!sys->cfg.deterministic) {
        if (aw__thread_create(&t->thread, timer_main, t, "aw-timer") != AW_OK) goto fail_thread;
        t->thread_started = true;
    }
    return AW_OK;

fail_thread:
    sys->timers = NULL;
    aw__cond_destroy(&t->cond);
fail_cond:
    aw__mutex_destroy(&t->lock);
fail_mutex:
    AW__DELETE(t);
    return AW_NO_MEMORY;
}

uint32_t aw__timers_stop(aw_actor_system *sys) {
    aw__timers *t = sys->timers;
    aw__mutex_lock(&t->lock);
    t->stop = true;
    t->closed = true;
    aw__cond_signal(&t->cond);
    aw__mutex_unlock(&t->lock);
    if (t->thread_started) {
        aw__thread_join(t->thread, NULL);
        t->thread_started = false;
    }
    uint32_t left = 0;
    aw__mutex_lock(&t->lock);
    for (uint32_t s = 0; s < AW__TIMER_WHEEL; s++) {
        while (t->slots[s]) {
            entry *e = t->slots[s];
            unlink_locked(t, e);
            aw_payload_release(e->msg.payload);
            e->msg.payload = NULL;
            entry_free_locked(t, e);
            left++;
        }
    }
    aw__mutex_unlock(&t->lock);
    return left;
}

void aw__timers_free(aw_actor_system *sys) {
    aw__timers *t = sys->timers;
    if (!t) return;
    for (uint32_t i = 0; i < t->chunk_count; i++) aw__free(t->chunks[i], CHUNK * sizeof(entry));
    aw__free(t->chunks, t->chunk_cap * sizeof *t->chunks);
    aw__cond_destroy(&t->cond);
    aw__mutex_destroy(&t->lock);
    AW__DELETE(t);
    sys->timers = NULL;
}

static aw_status start(aw_actor_system *sys, uint64_t deadline, const entry *proto,
                       aw_timer_id *id) {
    aw__timers *t = sys->timers;
    if (id) *id = 0;
    aw__mutex_lock(&t->lock);
    if (t->closed) {
        aw__mutex_unlock(&t->lock);
        return AW_SHUTTING_DOWN;
    }
    entry *e = entry_alloc_locked(t);
    if (!e) {
        aw__mutex_unlock(&t->lock);
        return AW_NO_MEMORY;
    }
    e->kind = proto->kind;
    e->sig = proto->sig;
    e->to = proto->to;
    e->msg = proto->msg;
    e->fn = proto->fn;
    e->arg = proto->arg;
    e->deadline = deadline;
    e->seq = t->seq++;
    e->tick = (deadline + AW__TIMER_TICK_NS - 1) / AW__TIMER_TICK_NS;
    if (!sys->cfg.deterministic && e->tick <= t->current_tick) e->tick = t->current_tick + 1;
    e->in_use = true;
    entry **head = &t->slots[e->tick % AW__TIMER_WHEEL];
    e->prev = NULL;
    e->next = *head;
    if (*head) (*head)->prev = e;
    *head = e;
    t->pending++;
    if (t->idle) {
        t->idle = false; /* one signal is enough until it waits again */
        aw__cond_signal(&t->cond);
    }
    if (id) *id = ((aw_timer_id)e->gen << 32) | (e->index + 1);
    aw__mutex_unlock(&t->lock);
    return AW_OK;
}

aw_status aw__timer_signal_at(aw_actor_system *sys, uint64_t deadline_ns, aw_actor_ref to,
                              uint32_t sig, const aw_msg *msg, aw_timer_id *id) {
    entry proto = {.kind = KIND_SIGNAL, .sig = sig, .to = to, .msg = *msg};
    return start(sys, deadline_ns, &proto, id);
}

aw_status aw_timer_send_at(aw_actor_system *sys, uint64_t deadline_ns, aw_actor_ref to,
                           const aw_msg *msg, aw_timer_id *id) {
    if (!sys || !msg) return AW_INVALID_ARGUMENT;
    entry proto = {.kind = KIND_SEND, .to = to, .msg = *msg};
    aw_status s = start(sys, deadline_ns, &proto, id);
    if (s != AW_OK) aw_payload_release(msg->payload);
    return s;
}

aw_status aw_timer_send_after(aw_actor_system *sys, uint64_t delay_ns, aw_actor_ref to,
                              const aw_msg *msg, aw_timer_id *id) {
    if (!sys) return AW_INVALID_ARGUMENT;
    return aw_timer_send_at(sys, now_ns(sys) + delay_ns, to, msg, id);
}

aw_status aw_timer_call_at(aw_actor_system *sys, uint64_t deadline_ns, aw_timer_fn fn, void *arg,
                           aw_timer_id *id) {
    if (!sys || !fn) return AW_INVALID_ARGUMENT;
    entry proto = {.kind = KIND_CALL, .fn = fn, .arg = arg};
    return start(sys, deadline_ns, &proto, id);
}

aw_status aw_timer_call_after(aw_actor_system *sys, uint64_t delay_ns, aw_timer_fn fn, void *arg,
                              aw_timer_id *id) {
    if (!sys) return AW_INVALID_ARGUMENT;
    return aw_timer_call_at(sys, now_ns(sys) + delay_ns, fn, arg, id);
}

aw_status aw_timer_cancel(aw_actor_system *sys, aw_timer_id id) {
    if (!sys) return AW_INVALID_ARGUMENT;
    aw__timers *t = sys->timers;
    aw_payload *payload = NULL;
    aw__mutex_lock(&t->lock);
    entry *e = entry_of(t, id);
    if (e) {
        unlink_locked(t, e);
        payload = e->msg.payload;
        e->msg.payload = NULL;
        entry_free_locked(t, e);
    }
    aw__mutex_unlock(&t->lock);
    aw_payload_release(payload);
    return e ? AW_OK : AW_NOT_FOUND;
}

uint32_t aw_timer_pending(aw_actor_system *sys) {
    aw__mutex_lock(&sys->timers->lock);
    uint32_t n = sys->timers->pending;
    aw__mutex_unlock(&sys->timers->lock);
    return n;
}

/* Deterministic mode: the pending entry that fires first, NULL when none. */
static entry *earliest_locked(aw__timers *t) {
    entry *best = NULL;
    for (uint32_t s = 0; s < AW__TIMER_WHEEL; s++)
        for (entry *e = t->slots[s]; e; e = e->next)
            if (!best || e->deadline < best->deadline ||
                (e->deadline == best->deadline && e->seq < best->seq))
                best = e;
    return best;
}

bool aw__timers_next(aw_actor_system *sys, uint64_t *deadline) {
    aw__timers *t = sys->timers;
    entry *e = earliest_locked(t);
    if (e) *deadline = e->deadline;
    return e != NULL;
}

void aw__timers_fire_due(aw_actor_system *sys) {
    aw__timers *t = sys->timers;
    for (;;) {
        entry *e = earliest_locked(t);
        if (!e || e->deadline > sys->det_now) return;
        unlink_locked(t, e);
        e->in_use = false;
        fire(sys, e);
        entry_free_locked(t, e);
    }
}
