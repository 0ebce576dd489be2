/* The scheduler: one worker thread per core, each with its own run queue of
 * actors; idle workers steal, spin briefly, then park until work arrives.
 * In deterministic mode there are no threads: the driving thread picks the
 * next runnable actor and its batch size from a seeded generator.
 *
 * An actor is on at most one run queue and run by one worker at a time,
 * because only the push that finds its mailbox idle schedules it
 * (mailbox.c rule 4) and a worker reschedules it only itself. */
#include "actor/payload_pool.h"
#include "actor/system.h"

#include "base/alloc.h"
#include "platform/os.h"

static _Thread_local aw__worker *current_worker;

bool aw__scheduler_on_worker(aw_actor_system *sys) {
    aw__worker *w = current_worker;
    return w && w->sys == sys;
}

aw__cell_cache *aw__cell_cache_here(aw_actor_system *sys) {
    if (sys->cfg.deterministic) return &sys->det_cells;
    aw__worker *w = current_worker;
    return w && w->sys == sys ? &w->cells : NULL;
}

static uint64_t next_random(uint64_t *state) {
    /* xorshift64*: small, fast and reproducible from the seed. */
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

static void runq_push(aw__runq *q, aw_actor *a) {
    a->run_next = NULL;
    aw__mutex_lock(&q->lock);
    if (q->tail)
        q->tail->run_next = a;
    else
        q->head = a;
    q->tail = a;
    atomic_store_explicit(&q->length, atomic_load_explicit(&q->length, memory_order_relaxed) + 1,
                          memory_order_seq_cst);
    aw__mutex_unlock(&q->lock);
}

static aw_actor *runq_pop(aw__runq *q) {
    if (atomic_load_explicit(&q->length, memory_order_relaxed) == 0) return NULL;
    aw__mutex_lock(&q->lock);
    aw_actor *a = q->head;
    if (a) {
        q->head = a->run_next;
        if (!q->head) q->tail = NULL;
        atomic_store_explicit(&q->length,
                              atomic_load_explicit(&q->length, memory_order_relaxed) - 1,
                              memory_order_relaxed);
    }
    aw__mutex_unlock(&q->lock);
    return a;
}

static void wake_one(aw_actor_system *sys) {
    aw__mutex_lock(&sys->park_lock);
    aw__cond_signal(&sys->park_cond);
    aw__mutex_unlock(&sys->park_lock);
}

void aw__scheduler_schedule(aw_actor_system *sys, aw_actor *a) {
    if (sys->cfg.deterministic) {
        /* Unordered set: the next turn is drawn at random anyway. */
        aw__runq *q = &sys->workers[0].queue;
        a->run_next = q->head;
        q->head = a;
        atomic_store_explicit(&q->length,
                              atomic_load_explicit(&q->length, memory_order_relaxed) + 1,
                              memory_order_relaxed);
        return;
    }
    aw__worker *w = current_worker;
    if (w && w->sys == sys) {
        /* Back to the worker that ran it last when that one is idle: the
         * actor's data is warm there and this worker stays free. */
        uint32_t last = atomic_load_explicit(&a->last_worker, memory_order_relaxed);
        aw__worker *home = last ? &sys->workers[last - 1] : w;
        if (home != w && !atomic_load_explicit(&home->running, memory_order_relaxed)) {
            runq_push(&home->queue, a);
        } else {
            /* seq_cst exchange: one side of the Dekker pair with park(). */
            aw_actor *older = atomic_exchange_explicit(&w->next, a, memory_order_seq_cst);
            if (!older) return; /* this worker runs it next; nobody to wake */
            runq_push(&w->queue, older);
        }
    } else {
        /* From outside: round robin, preferring a worker that is not busy. */
        uint32_t n = sys->worker_count;
        uint32_t i = atomic_fetch_add_explicit(&sys->next_inject, 1, memory_order_relaxed);
        w = &sys->workers[i % n];
        for (uint32_t k = 1; k < n && atomic_load_explicit(&w->running, memory_order_relaxed); k++)
            if (!atomic_load_explicit(&sys->workers[(i + k) % n].running, memory_order_relaxed))
                w = &sys->workers[(i + k) % n];
        runq_push(&w->queue, a);
    }
    /* There is more than this worker takes next: a parked one may help.
     * Waking costs tens of microseconds, hence only now. seq_cst fence: the
     * Dekker pair of the parker's increment of sleepers, then its check. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&sys->sleepers, memory_order_seq_cst) > 0) wake_one(sys);
}

bool aw__scheduler_quiet(aw_actor_system *sys) {
    if (sys->cfg.deterministic)
        return atomic_load_explicit(&sys->workers[0].queue.length, memory_order_relaxed) == 0;
    /* seq_cst, against the worker's seq_cst store of running before it pops
     * (worker_main): an actor taken off a queue is seen running. */
    for (uint32_t i = 0; i < sys->worker_count; i++) {
        aw__worker *w = &sys->workers[i];
        if (atomic_load_explicit(&w->running, memory_order_seq_cst) ||
            atomic_load_explicit(&w->queue.length, memory_order_seq_cst) ||
            atomic_load_explicit(&w->next, memory_order_seq_cst))
            return false;
    }
    return true;
}

/* How long a busy worker may keep ready actors waiting before idle workers
 * take them: stealing at once would bounce every ping-pong between cores. */
#define STEAL_AFTER_NS 3000u

#define STEAL_QUEUE 1u
#define STEAL_NEXT 2u

/* What of victim's ready actors this worker may take (STEAL_* bits): all of
 * them when it is not running; its queue once the queue has stayed non-empty
 * for STEAL_AFTER_NS (it has more than it can run, e.g. two actors taking
 * turns on it while this worker idles); its next actor once its current run
 * has lasted STEAL_AFTER_NS (a long handler). queued and has_next are what the
 * caller just saw; the observations are this worker's own. */
static unsigned may_steal(aw__worker *w, aw__worker *victim, bool queued, bool has_next) {
    uint32_t v = victim->index;
    if (!queued) w->queue_since[v] = 0;
    if (!queued && !has_next) return 0;
    if (!atomic_load_explicit(&victim->running, memory_order_relaxed))
        return STEAL_QUEUE | STEAL_NEXT;
    uint64_t now = aw__clock_ns();
    unsigned allowed = 0;
    if (queued) {
        if (w->queue_since[v] == 0)
            w->queue_since[v] = now;
        else if (now - w->queue_since[v] >= STEAL_AFTER_NS)
            allowed |= STEAL_QUEUE;
    }
    if (has_next) {
        uint64_t runs = atomic_load_explicit(&victim->runs, memory_order_relaxed);
        if (runs != w->seen_runs[v]) {
            w->seen_runs[v] = runs;
            w->seen_at[v] = now;
        } else if (now - w->seen_at[v] >= STEAL_AFTER_NS) {
            allowed |= STEAL_NEXT;
        }
    }
    return allowed;
}

static aw_actor *steal(aw__worker *w) {
    aw_actor_system *sys = w->sys;
    uint32_t n = sys->worker_count;
    if (n < 2) return NULL;
    uint32_t start = (uint32_t)(next_random(&w->rng) % n);
    for (uint32_t k = 0; k < n; k++) {
        aw__worker *victim = &sys->workers[(start + k) % n];
        if (victim == w) continue;
        bool queued = atomic_load_explicit(&victim->queue.length, memory_order_relaxed) > 0;
        bool has_next = atomic_load_explicit(&victim->next, memory_order_relaxed) != NULL;
        unsigned allowed = may_steal(w, victim, queued, has_next);
        aw_actor *a = (allowed & STEAL_QUEUE) ? runq_pop(&victim->queue) : NULL;
        if (!a && (allowed & STEAL_NEXT))
            a = atomic_exchange_explicit(&victim->next, NULL, memory_order_acquire);
        if (a) return a;
    }
    return NULL;
}

/* Work sharing for a worker about to run the same actor again (its batch
 * ended or it yielded) with nothing else to do: an actor waiting in another
 * worker's queue, behind that worker's running one, goes first. Without it a
 * sender yielding on a full mailbox could spin alone on one worker while its
 * receiver waits for a turn on the other. A queue whose worker is idle
 * (spinning, or parked and being woken) is left to that worker: taking from
 * it would pull a busy receiver onto this worker and run a sender and its
 * receiver one after the other on one core (a component flood ran at 0.9
 * CPUs of 2 that way). */
static aw_actor *take_waiting(aw__worker *w) {
    if (atomic_load_explicit(&w->queue.length, memory_order_relaxed) > 0 ||
        atomic_load_explicit(&w->next, memory_order_relaxed) != NULL)
        return NULL;
    aw_actor_system *sys = w->sys;
    for (uint32_t i = 0; i < sys->worker_count; i++) {
        aw__worker *victim = &sys->workers[i];
        if (victim == w || atomic_load_explicit(&victim->queue.length, memory_order_relaxed) == 0 ||
            !atomic_load_explicit(&victim->running, memory_order_relaxed))
            continue;
        aw_actor *a = runq_pop(&victim->queue);
        if (a) return a;
    }
    return NULL;
}

typedef enum work {
    WORK_NONE,      /* no ready actor anywhere */
    WORK_ELSEWHERE, /* ready actors a busy worker will run itself */
    WORK_TAKEABLE   /* this worker's own, or ones it may steal */
} work;

/* What this worker could do now. seq_cst loads: the parker's side of the
 * Dekker pair with aw__scheduler_schedule. Work held by a busy worker does
 * not keep this one spinning: watching it would only slow that worker. */
static work look_for_work(aw__worker *w) {
    if (atomic_load_explicit(&w->queue.length, memory_order_seq_cst) > 0 ||
        atomic_load_explicit(&w->next, memory_order_seq_cst) != NULL)
        return WORK_TAKEABLE;
    work found = WORK_NONE;
    aw_actor_system *sys = w->sys;
    for (uint32_t i = 0; i < sys->worker_count; i++) {
        aw__worker *victim = &sys->workers[i];
        if (victim == w) continue;
        bool queued = atomic_load_explicit(&victim->queue.length, memory_order_seq_cst) > 0;
        bool has_next = atomic_load_explicit(&victim->next, memory_order_seq_cst) != NULL;
        if (may_steal(w, victim, queued, has_next)) return WORK_TAKEABLE;
        if (queued || has_next) found = WORK_ELSEWHERE;
    }
    return found;
}

/* The worker's own next actor: its next slot (a bounded streak of them, so
 * two actors trading messages cannot starve the queue), then its queue. */
static aw_actor *take_own(aw__worker *w) {
    aw_actor *a = NULL;
    if (w->next_streak < 64) {
        /* Acquire: pairs with the seq_cst exchange that put it there. */
        a = atomic_exchange_explicit(&w->next, NULL, memory_order_acquire);
        if (a) {
            w->next_streak++;
            return a;
        }
    }
    w->next_streak = 0;
    a = runq_pop(&w->queue);
    if (!a) a = atomic_exchange_explicit(&w->next, NULL, memory_order_acquire);
    return a;
}

/* A quiescent point: this worker holds no reference to any actor. seq_cst:
 * pairs with the seq_cst epoch increment of retire() and the loads of
 * workers_quiescent() (system.c). */
static void quiescent(aw__worker *w) {
    uint64_t e = atomic_load_explicit(&w->sys->epoch, memory_order_seq_cst);
    if (atomic_load_explicit(&w->quiescent, memory_order_relaxed) != e)
        atomic_store_explicit(&w->quiescent, e, memory_order_seq_cst);
    aw__reclaim(w->sys);
}

static void park(aw__worker *w) {
    aw_actor_system *sys = w->sys;
    /* Parked, the worker holds nothing: it does not hold reclamation up. */
    atomic_store_explicit(&w->quiescent, UINT64_MAX, memory_order_seq_cst);
    aw__reclaim(sys);
    /* Nothing this worker released may wait while it sleeps (reclaiming
     * may have released payloads). */
    aw__payload_pool_batch_flush();
    aw__mutex_lock(&sys->park_lock);
    /* seq_cst: see aw__scheduler_schedule; a push either sees us counted
     * as a sleeper or we see its queue non-empty here. */
    atomic_fetch_add_explicit(&sys->sleepers, 1, memory_order_seq_cst);
    work found = look_for_work(w);
    /* Work held by a busy worker is looked at again in a millisecond, in
     * case that worker stays busy (a long handler) and it must be stolen. */
    if (found != WORK_TAKEABLE && !atomic_load_explicit(&sys->stopping, memory_order_seq_cst))
        aw__cond_wait_until(&sys->park_cond, &sys->park_lock,
                            aw__clock_ns() + (found == WORK_ELSEWHERE ? 1000000u : 100000000u));
    atomic_fetch_sub_explicit(&sys->sleepers, 1, memory_order_seq_cst);
    aw__mutex_unlock(&sys->park_lock);
    atomic_store_explicit(&w->quiescent, atomic_load_explicit(&sys->epoch, memory_order_seq_cst),
                          memory_order_seq_cst);
}

static void *worker_main(void *arg) {
    aw__worker *w = arg;
    aw_actor_system *sys = w->sys;
    current_worker = w;
    aw__payload_pool_batch_begin();
    uint32_t batch = sys->cfg.batch;
    bool running = false;
    while (!atomic_load_explicit(&sys->stopping, memory_order_acquire)) {
        quiescent(w);
        aw__payload_pool_batch_flush(); /* what reclaiming released */
        if (!running) {
            /* seq_cst before popping: see aw__scheduler_quiet. */
            atomic_store_explicit(&w->running, 1, memory_order_seq_cst);
            running = true;
        }
        aw_actor *a = take_own(w);
        if (!a) a = steal(w);
        if (a) {
            atomic_store_explicit(&w->runs,
                                  atomic_load_explicit(&w->runs, memory_order_relaxed) + 1,
                                  memory_order_relaxed);
            atomic_store_explicit(&a->last_worker, w->index + 1, memory_order_relaxed);
            /* A rescheduled actor (batch done, YIELD) goes to the back. */
            bool again = aw__actor_run(a, batch);
            /* Payloads the run released go back to their pools now. */
            aw__payload_pool_batch_flush();
            if (again) {
                aw_actor *waiting = take_waiting(w);
                if (waiting) runq_push(&w->queue, waiting);
                runq_push(&w->queue, a);
            }
            continue;
        }
        atomic_store_explicit(&w->running, 0, memory_order_seq_cst);
        running = false;
        uint64_t spin_until = aw__clock_ns() + sys->cfg.spin_ns;
        bool found = false;
        while (!found && aw__clock_ns() < spin_until &&
               !atomic_load_explicit(&sys->stopping, memory_order_relaxed)) {
            for (int i = 0; i < 16; i++) aw__cpu_relax();
            found = look_for_work(w) == WORK_TAKEABLE;
        }
        if (!found) park(w);
    }
    atomic_store_explicit(&w->quiescent, UINT64_MAX, memory_order_seq_cst);
    aw__payload_pool_batch_end();
    aw__cell_cache_flush(&sys->cells, &w->cells);
    current_worker = NULL;
    return NULL;
}

aw_status aw__scheduler_start(aw_actor_system *sys) {
    uint32_t n = sys->cfg.deterministic ? 1 : sys->cfg.workers;
    /* Over-allocated by a cache line: workers keep their shared fields on
     * lines of their own. */
    sys->workers_raw = aw__calloc(1, n * sizeof(aw__worker) + 64);
    if (!sys->workers_raw) return AW_NO_MEMORY;
    sys->workers = (aw__worker *)(((uintptr_t)sys->workers_raw + 63) & ~(uintptr_t)63);
    sys->steal_seen = aw__calloc(3 * (size_t)n * n, sizeof(uint64_t));
    if (!sys->steal_seen) {
        aw__free(sys->workers_raw, n * sizeof(aw__worker) + 64);
        sys->workers = sys->workers_raw = NULL;
        return AW_NO_MEMORY;
    }
    uint32_t made = 0;
    aw_status s = AW_OK;
    for (; made < n; made++) {
        aw__worker *w = &sys->workers[made];
        w->sys = sys;
        w->index = made;
        w->rng = (uint64_t)made * UINT64_C(0x9E3779B97F4A7C15) + 1;
        w->seen_runs = &sys->steal_seen[3 * (size_t)made * n];
        w->seen_at = w->seen_runs + n;
        w->queue_since = w->seen_at + n;
        atomic_init(&w->quiescent, 0);
        if ((s = aw__mutex_init(&w->queue.lock)) != AW_OK) break;
    }
    sys->worker_count = made;
    if (s != AW_OK) return s;
    if (sys->cfg.deterministic) {
        sys->worker_count = 0;
        return AW_OK;
    }
    for (uint32_t i = 0; i < n; i++) {
        char name[16] = "aw-worker-";
        name[10] = (char)('0' + i % 10);
        s = aw__thread_create(&sys->workers[i].thread, worker_main, &sys->workers[i], name);
        if (s != AW_OK) {
            atomic_store_explicit(&sys->stopping, true, memory_order_release);
            for (uint32_t j = 0; j < i; j++) aw__thread_join(sys->workers[j].thread, NULL);
            return s;
        }
    }
    return AW_OK;
}

void aw__scheduler_stop(aw_actor_system *sys) {
    if (sys->cfg.deterministic || atomic_load(&sys->stopping)) return;
    atomic_store_explicit(&sys->stopping, true, memory_order_seq_cst);
    aw__mutex_lock(&sys->park_lock);
    aw__cond_broadcast(&sys->park_cond);
    aw__mutex_unlock(&sys->park_lock);
    for (uint32_t i = 0; i < sys->worker_count; i++) aw__thread_join(sys->workers[i].thread, NULL);
}

void aw__scheduler_free(aw_actor_system *sys) {
    if (!sys->workers) return;
    uint32_t n = sys->cfg.deterministic ? 1 : sys->cfg.workers;
    uint32_t inited = sys->cfg.deterministic ? 1 : sys->worker_count;
    for (uint32_t i = 0; i < inited; i++) aw__mutex_destroy(&sys->workers[i].queue.lock);
    aw__cell_cache_flush(&sys->cells, &sys->det_cells);
    aw__free(sys->steal_seen, 3 * (size_t)n * n * sizeof(uint64_t));
    aw__free(sys->workers_raw, n * sizeof(aw__worker) + 64);
    sys->workers = sys->workers_raw = NULL;
}

bool aw__scheduler_det_step(aw_actor_system *sys) {
    aw__runq *q = &sys->workers[0].queue;
    uint32_t n = atomic_load_explicit(&q->length, memory_order_relaxed);
    if (n == 0) return false;
    /* Draw which runnable actor goes next, and how long it runs. */
    uint32_t pick = (uint32_t)(next_random(&sys->det_rng) % n);
    aw_actor **link = &q->head;
    for (uint32_t i = 0; i < pick; i++) link = &(*link)->run_next;
    aw_actor *a = *link;
    *link = a->run_next;
    atomic_store_explicit(&q->length, n - 1, memory_order_relaxed);
    uint32_t batch = 1 + (uint32_t)(next_random(&sys->det_rng) % sys->cfg.batch);
    if (aw__actor_run(a, batch)) {
        a->run_next = q->head;
        q->head = a;
        atomic_store_explicit(&q->length,
                              atomic_load_explicit(&q->length, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    }
    return true;
}
