/* The actor system: creation, the slot table of actors, idle waiting,
 * shutdown and destruction. */
#include "actor/system.h"

#include "base/alloc.h"
#include "base/log.h"
#include "platform/os.h"

#include <string.h>

#define DEFAULT_BATCH 64u
#define DEFAULT_CAPACITY 65536u
#define DEFAULT_DEAD_LETTERS 1024u
#define DEFAULT_SPIN_NS 50000u

aw_actor *aw__actor_at(aw_actor_system *sys, aw_actor_ref ref) {
    uint32_t index = aw__ref_index(ref);
    if (ref == 0 || index / AW__SLOT_CHUNK >= AW__SLOT_CHUNKS) return NULL;
    /* Acquire: pairs with the release store that published the chunk. */
    aw_actor *chunk =
        atomic_load_explicit(&sys->chunks[index / AW__SLOT_CHUNK], memory_order_acquire);
    return chunk ? &chunk[index % AW__SLOT_CHUNK] : NULL;
}

aw_actor *aw__actor_pin(aw_actor_system *sys, aw_actor_ref ref) {
    aw_actor *a = aw__actor_at(sys, ref);
    if (!a) return NULL;
    uint64_t s = atomic_load_explicit(&a->slot, memory_order_relaxed);
    for (;;) {
        if ((s >> 32) != (ref >> 32) || !(s & AW__SLOT_ALIVE)) return NULL;
        /* Acquire: pairs with the release store of spawn that made the actor
         * alive, so its mailbox and fields are seen initialised. */
        if (atomic_compare_exchange_weak_explicit(&a->slot, &s, s + 1, memory_order_acquire,
                                                  memory_order_relaxed))
            return a;
    }
}

/* The oldest epoch some running worker may still act in. */
static uint64_t workers_quiescent(aw_actor_system *sys) {
    uint64_t min = UINT64_MAX;
    for (uint32_t i = 0; i < sys->worker_count; i++) {
        /* seq_cst: pairs with the workers' seq_cst stores of quiescent. */
        uint64_t q = atomic_load_explicit(&sys->workers[i].quiescent, memory_order_seq_cst);
        if (q < min) min = q;
    }
    return min;
}

void aw__reclaim(aw_actor_system *sys) {
    if (!atomic_load_explicit(&sys->limbo_nonempty, memory_order_acquire)) return;
    uint64_t safe = workers_quiescent(sys);
    aw_actor *ready = NULL, **tail = &ready;
    aw__mutex_lock(&sys->limbo_lock);
    while (sys->limbo_head && sys->limbo_head->retired_at <= safe) {
        aw_actor *a = sys->limbo_head;
        sys->limbo_head = a->run_next;
        a->run_next = NULL;
        *tail = a;
        tail = &a->run_next;
    }
    if (!sys->limbo_head) {
        sys->limbo_tail = NULL;
        atomic_store_explicit(&sys->limbo_nonempty, false, memory_order_relaxed);
    }
    aw__mutex_unlock(&sys->limbo_lock);
    while (ready) {
        aw_actor *next = ready->run_next;
        aw__actor_finalise(ready);
        ready = next;
    }
}

void aw__reclaim_all(aw_actor_system *sys) {
    aw__mutex_lock(&sys->limbo_lock);
    aw_actor *a = sys->limbo_head;
    sys->limbo_head = sys->limbo_tail = NULL;
    sys->workers_gone = true;
    atomic_store_explicit(&sys->limbo_nonempty, false, memory_order_relaxed);
    aw__mutex_unlock(&sys->limbo_lock);
    while (a) {
        aw_actor *next = a->run_next;
        aw__actor_finalise(a);
        a = next;
    }
}

/* The actor is dead and unpinned: finalise it once no worker can still be
 * in a push to it (see system.h). */
static void retire(aw_actor *a) {
    aw_actor_system *sys = a->sys;
    if (sys->cfg.deterministic) {
        aw__actor_finalise(a);
        return;
    }
    aw__mutex_lock(&sys->limbo_lock);
    if (sys->workers_gone) {
        aw__mutex_unlock(&sys->limbo_lock);
        aw__actor_finalise(a);
        return;
    }
    /* seq_cst: a worker that later publishes this epoch as quiescent has
     * seen the alive bit cleared (it was cleared before) in all its pushes. */
    a->retired_at = atomic_fetch_add_explicit(&sys->epoch, 1, memory_order_seq_cst) + 1;
    a->run_next = NULL;
    if (sys->limbo_tail)
        sys->limbo_tail->run_next = a;
    else
        sys->limbo_head = a;
    sys->limbo_tail = a;
    atomic_store_explicit(&sys->limbo_nonempty, true, memory_order_release);
    aw__mutex_unlock(&sys->limbo_lock);
    /* Every worker parked or past it already: no need to wait. */
    if (!aw__scheduler_on_worker(sys)) aw__reclaim(sys);
}

void aw__actor_unpin(aw_actor *a) {
    /* acq_rel: the release half orders our push before the finaliser's
     * drain; the acquire half lets the last unpinner see the dead actor's
     * writes (pairs with the release of aw__actor_bury). */
    uint64_t s = atomic_fetch_sub_explicit(&a->slot, 1, memory_order_acq_rel);
    if ((s & AW__SLOT_PINS) == 1 && !(s & AW__SLOT_ALIVE)) retire(a);
}

void aw__actor_bury(aw_actor *a) {
    /* acq_rel: pairs with the unpinners' acq_rel, see aw__actor_unpin. */
    uint64_t s = atomic_fetch_and_explicit(&a->slot, ~AW__SLOT_ALIVE, memory_order_acq_rel);
    if ((s & AW__SLOT_PINS) == 0) retire(a);
}

aw_actor *aw__actor_enter(aw_actor_system *sys, aw_actor_ref ref, bool *pinned) {
    if (!aw__scheduler_on_worker(sys)) {
        *pinned = true;
        return aw__actor_pin(sys, ref);
    }
    *pinned = false;
    aw_actor *a = aw__actor_at(sys, ref);
    if (!a) return NULL;
    /* Acquire: pairs with the release store of spawn that made it alive.
     * No pin: this worker's next quiescent point comes after the push, and
     * finalisation waits for it. */
    uint64_t s = atomic_load_explicit(&a->slot, memory_order_acquire);
    return (s >> 32) == (ref >> 32) && (s & AW__SLOT_ALIVE) ? a : NULL;
}

void aw__actor_leave(aw_actor *a, bool pinned) {
    if (pinned) aw__actor_unpin(a);
}

aw_actor *aw__slot_alloc(aw_actor_system *sys) {
    aw_actor *a = NULL;
    uint32_t index = 0;
    aw__mutex_lock(&sys->slot_lock);
    if (sys->slot_free) {
        index = sys->slot_free - 1;
        a = aw__actor_at(sys, (UINT64_C(1) << 32) | (index + 1));
        sys->slot_free = a->free_next;
    } else if (sys->slot_next < AW__SLOT_CHUNK * AW__SLOT_CHUNKS) {
        index = sys->slot_next;
        uint32_t c = index / AW__SLOT_CHUNK;
        aw_actor *chunk = atomic_load_explicit(&sys->chunks[c], memory_order_relaxed);
        if (!chunk) {
            size_t size = sizeof(aw_actor) * AW__SLOT_CHUNK + 128;
            void *raw = aw__calloc(1, size);
            if (raw) {
                sys->chunk_raw[c] = raw;
                chunk = (aw_actor *)(((uintptr_t)raw + 127) & ~(uintptr_t)127);
                for (uint32_t i = 0; i < AW__SLOT_CHUNK; i++)
                    atomic_store_explicit(&chunk[i].slot, UINT64_C(1) << 32, memory_order_relaxed);
                /* Release: pairs with the acquire in aw__actor_at. */
                atomic_store_explicit(&sys->chunks[c], chunk, memory_order_release);
            }
        }
        if (chunk) {
            sys->slot_next++;
            a = &chunk[index % AW__SLOT_CHUNK];
        }
    }
    if (a) {
        uint64_t gen = atomic_load_explicit(&a->slot, memory_order_relaxed) >> 32;
        a->ref = (gen << 32) | (index + 1);
    }
    aw__mutex_unlock(&sys->slot_lock);
    return a;
}

void aw__slot_release(aw_actor *a) {
    aw_actor_system *sys = a->sys;
    aw__mutex_lock(&sys->slot_lock);
    uint64_t gen = (atomic_load_explicit(&a->slot, memory_order_relaxed) >> 32) + 1;
    if ((uint32_t)gen == 0) gen = 1;
    /* Release: a stale reference compares generations only. */
    atomic_store_explicit(&a->slot, (gen & 0xffffffffu) << 32, memory_order_release);
    a->free_next = sys->slot_free;
    sys->slot_free = aw__ref_index(a->ref) + 1;
    aw__mutex_unlock(&sys->slot_lock);
}

aw__cell *aw__cell_get(aw_actor_system *sys) {
    return aw__cell_alloc(&sys->cells, aw__cell_cache_here(sys));
}

void aw__cell_put(aw_actor_system *sys, aw__cell *cell) {
    aw__cell_free(&sys->cells, aw__cell_cache_here(sys), cell);
}

static void apply_defaults(aw_actor_config *cfg) {
    if (cfg->workers == 0) cfg->workers = aw__cpu_count();
    if (cfg->batch == 0) cfg->batch = DEFAULT_BATCH;
    if (cfg->mailbox_capacity == 0) cfg->mailbox_capacity = DEFAULT_CAPACITY;
    if (cfg->dead_letters == 0) cfg->dead_letters = DEFAULT_DEAD_LETTERS;
    if (cfg->spin_ns == 0) cfg->spin_ns = DEFAULT_SPIN_NS;
}

aw_status aw_actor_system_create(const aw_actor_config *cfg, aw_actor_system **out) {
    aw_status s = AW_NO_MEMORY;
    if (!out) return AW_INVALID_ARGUMENT;
    *out = NULL;
    aw_actor_system *sys = AW__NEW(aw_actor_system);
    if (!sys) return AW_NO_MEMORY;
    if (cfg) sys->cfg = *cfg;
    apply_defaults(&sys->cfg);
    int inited = 0;
    if ((s = aw__cell_pool_init(&sys->cells)) != AW_OK) goto fail;
    inited = 1;
    if ((s = aw__mutex_init(&sys->slot_lock)) != AW_OK) goto fail;
    inited = 2;
    if ((s = aw__mutex_init(&sys->park_lock)) != AW_OK) goto fail;
    inited = 3;
    if ((s = aw__cond_init(&sys->park_cond)) != AW_OK) goto fail;
    inited = 4;
    inited = 5;
    if ((s = aw__mutex_init(&sys->names_lock)) != AW_OK) goto fail;
    inited = 6;
    if ((s = aw__mutex_init(&sys->sup_lock)) != AW_OK) goto fail;
    if ((s = aw__mutex_init(&sys->limbo_lock)) != AW_OK) {
        aw__mutex_destroy(&sys->sup_lock);
        goto fail;
    }
    inited = 7;
    sys->names = (aw__strmap)AW__STRMAP_INIT;
    if (sys->cfg.deterministic) {
        if (sys->cfg.seed == 0) {
            uint64_t seed = 0;
            if (aw__random_bytes(&seed, sizeof seed) != AW_OK) seed = aw__clock_ns();
            sys->cfg.seed = seed ? seed : 1;
        }
        sys->det_rng = sys->cfg.seed;
        sys->det_now = 0;
        AW__LOG(AW_LOG_INFO, "actor", "deterministic scheduler, seed=%llu",
                (unsigned long long)sys->cfg.seed);
    } else {
        sys->cfg.seed = 0;
    }
    atomic_store_explicit(&sys->accepting, true, memory_order_relaxed);
    if ((s = aw__deadletters_create(sys, sys->cfg.dead_letters)) != AW_OK) goto fail;
    inited = 8;
    if ((s = aw__timers_create(sys)) != AW_OK) goto fail;
    inited = 9;
    if ((s = aw__scheduler_start(sys)) != AW_OK) goto fail;
    *out = sys;
    return AW_OK;

fail:
    aw__scheduler_free(sys);
    if (inited >= 9) {
        aw__timers_stop(sys);
        aw__timers_free(sys);
    }
    if (inited >= 8) aw__deadletters_free(sys);
    if (inited >= 7) {
        aw__mutex_destroy(&sys->limbo_lock);
        aw__mutex_destroy(&sys->sup_lock);
    }
    if (inited >= 6) aw__mutex_destroy(&sys->names_lock);
    if (inited >= 4) aw__cond_destroy(&sys->park_cond);
    if (inited >= 3) aw__mutex_destroy(&sys->park_lock);
    if (inited >= 2) aw__mutex_destroy(&sys->slot_lock);
    if (inited >= 1) aw__cell_pool_free(&sys->cells);
    AW__DELETE(sys);
    return s;
}

static aw_status wait_idle_threads(aw_actor_system *sys, uint64_t timeout_ns) {
    uint64_t deadline = aw__clock_ns() + timeout_ns;
    /* Two quiet snapshots a little apart: a message in flight between two
     * actors always keeps one queue non-empty or one worker running. */
    for (;;) {
        if (aw__scheduler_quiet(sys)) {
            aw__sleep_ns(20000);
            if (aw__scheduler_quiet(sys)) return AW_OK;
        }
        if (aw__clock_ns() >= deadline) return AW_TIMEOUT;
        aw__sleep_ns(50000);
    }
}

uint64_t aw_actor_system_run(aw_actor_system *sys, uint64_t max_steps) {
    uint64_t steps = 0;
    if (!sys || !sys->cfg.deterministic) return 0;
    while (steps < max_steps) {
        if (aw__scheduler_det_step(sys)) {
            steps++;
            continue;
        }
        uint64_t next;
        if (!aw__timers_next(sys, &next)) break;
        if (next > sys->det_now) sys->det_now = next;
        aw__timers_fire_due(sys);
    }
    return steps;
}

aw_status aw_actor_system_wait_idle(aw_actor_system *sys, uint64_t timeout_ns) {
    if (!sys) return AW_INVALID_ARGUMENT;
    if (!sys->cfg.deterministic) return wait_idle_threads(sys, timeout_ns);
    uint64_t limit = sys->det_now + timeout_ns;
    if (limit < sys->det_now) limit = UINT64_MAX;
    for (;;) {
        while (aw__scheduler_det_step(sys)) {
        }
        uint64_t next;
        if (!aw__timers_next(sys, &next)) return AW_OK;
        if (next > limit) return AW_TIMEOUT;
        if (next > sys->det_now) sys->det_now = next;
        aw__timers_fire_due(sys);
    }
}

uint64_t aw_actor_system_now(const aw_actor_system *sys) {
    return sys->cfg.deterministic ? sys->det_now : aw__clock_ns();
}

uint64_t aw_actor_system_seed(const aw_actor_system *sys) {
    return sys->cfg.seed;
}

uint32_t aw_actor_system_live(const aw_actor_system *sys) {
    return atomic_load_explicit(&sys->live, memory_order_acquire);
}

uint32_t aw_actor_system_workers(const aw_actor_system *sys) {
    return sys->worker_count;
}

aw_status aw_actor_system_shutdown(aw_actor_system *sys, uint64_t drain_ns,
                                   aw_shutdown_report *report) {
    if (!sys) return AW_INVALID_ARGUMENT;
    aw_shutdown_report r = {0};
    if (sys->shut_down) {
        if (report) *report = r;
        return AW_OK;
    }
    r.drained = aw_actor_system_wait_idle(sys, drain_ns) == AW_OK;
    atomic_store_explicit(&sys->accepting, false, memory_order_seq_cst);
    aw__scheduler_stop(sys);
    aw__reclaim_all(sys);
    r.timers_left = aw__timers_stop(sys);
    sys->shut_down = true;
    /* Workers are gone: this thread is now the only consumer of every
     * mailbox. Later slots first, so children die before their supervisors
     * in the usual spawn order. */
    for (uint32_t i = sys->slot_next; i-- > 0;) {
        aw_actor *a = aw__actor_at(sys, (UINT64_C(1) << 32) | (i + 1));
        uint64_t s = atomic_load_explicit(&a->slot, memory_order_acquire);
        if (!(s & AW__SLOT_ALIVE)) continue;
        r.actors_left++;
        aw__actor_shutdown(a, &r.messages_left);
    }
    if (report) *report = r;
    return AW_OK;
}

void aw_actor_system_destroy(aw_actor_system *sys) {
    if (!sys) return;
    aw_actor_system_shutdown(sys, 0, NULL);
    aw__scheduler_free(sys);
    aw__timers_free(sys);
    aw__deadletters_free(sys);
    for (uint32_t c = 0; c < AW__SLOT_CHUNKS; c++) {
        if (!atomic_load_explicit(&sys->chunks[c], memory_order_relaxed)) break;
        aw__free(sys->chunk_raw[c], sizeof(aw_actor) * AW__SLOT_CHUNK + 128);
        sys->chunk_raw[c] = NULL;
    }
    aw__strmap_free(&sys->names);
    aw__mutex_destroy(&sys->limbo_lock);
    aw__mutex_destroy(&sys->sup_lock);
    aw__mutex_destroy(&sys->names_lock);
    aw__cond_destroy(&sys->park_cond);
    aw__mutex_destroy(&sys->park_lock);
    aw__mutex_destroy(&sys->slot_lock);
    aw__cell_pool_free(&sys->cells);
    AW__DELETE(sys);
}
