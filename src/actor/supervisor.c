/* Supervisors as in OTP: a native actor that traps exits from its linked
 * children and restarts them by strategy (one_for_one, one_for_all,
 * rest_for_one) and restart type (permanent, transient, temporary), within a
 * restart intensity over a period, beyond which it stops its children and
 * exits with AW_EXIT_ESCALATED, which its own supervisor sees as a child exit.
 *
 * Stopping is asynchronous, one child at a time in reverse start order: the
 * supervisor sends the exit signal, keeps handling messages, and moves on
 * when that child's EXIT arrives (or kills it after its grace period).
 * Children with restart_in_place keep their reference and mailbox: they crash
 * (or are reset) into a waiting state and the supervisor restarts them with
 * a restart signal; init builds fresh state there. */
#include "actor/signal.h"
#include "actor/refmap.h"

#include "base/alloc.h"
#include "base/log.h"

#include <string.h>

#define KIND_KILL_TIMEOUT (AW_MSG_SYSTEM | 0x100u)
#define KIND_RESTART_NOW (AW_MSG_SYSTEM | 0x101u)
#define DEFAULT_INTENSITY 3u
#define DEFAULT_PERIOD_NS 5000000000u
#define DEFAULT_SHUTDOWN_NS 5000000000u

typedef struct spec_copy spec_copy;

typedef struct child_copy {
    char *id;
    char *name;
    const aw_behaviour *behaviour;
    void *arg;
    spec_copy *nested;
    aw_spawn_opts opts;
    aw_restart restart;
    bool in_place;
    uint64_t shutdown_ns;
} child_copy;

struct spec_copy {
    aw_strategy strategy;
    uint32_t intensity;
    uint64_t period_ns;
    uint64_t backoff_ns, backoff_max_ns;
    child_copy *children;
    size_t count;
    bool owned_by_actor; /* a top-level supervisor frees its own copy */
};

typedef struct child_rt {
    aw_actor_ref ref; /* AW_ACTOR_NONE while down */
    bool awaiting;    /* crashed in place: ref valid, waits for a restart */
    uint32_t consecutive;
    uint64_t last_restart;
} child_rt;

typedef struct failure {
    size_t index;
    aw_reason reason;
} failure;

typedef enum phase { PHASE_IDLE, PHASE_STOPPING, PHASE_DELAY, PHASE_EXITING } phase;

typedef struct sup {
    aw_actor_system *sys;
    aw_actor *actor; /* the supervisor itself: valid while it runs */
    aw_actor_ref self;
    aw_actor_ref parent; /* linked at spawn, or none for a top-level one */
    spec_copy *spec;
    child_rt *rt;
    uint64_t *restart_times; /* ring of the restarts within the period */
    uint32_t restart_first, restart_count;
    uint64_t restarts;
    /* The operation in progress: stop some children (in list order), then
     * start some (in list order), or exit. */
    phase phase;
    bool for_exit;
    aw_reason exit_reason;
    size_t *stop_list, stop_len, stop_pos;
    size_t *start_list, start_len;
    aw_actor_ref waiting_for;
    /* One kill timer covers a whole stop sequence: it is armed for the
     * first child and, when it fires, kills the child waited for if that
     * one's deadline has passed or re-arms for it. Arming and cancelling one
     * per child woke the timer thread twice per child. */
    aw_timer_id kill_timer;
    bool kill_armed;
    uint64_t kill_token;    /* of the armed timer: an older timeout is stale */
    uint64_t kill_fires_at; /* when the armed timer fires */
    uint64_t kill_deadline; /* when the child waited for is killed */
    uint64_t token;         /* of the restart delay timer */
    uint64_t delay_ns;
    failure *queued; /* failures seen during an operation */
    size_t queued_len;
    /* Each child's current ref -> its index: an EXIT names its sender, and
     * a scan of the children per exit made stopping n children cost n^2.
     * When an insert ran out of memory, child_index scans instead. */
    aw__refmap child_of;
    bool child_of_lost;
} sup;

static aw_status spawn_supervisor(aw_actor_system *sys, spec_copy *spec, const aw_spawn_opts *opts,
                                  aw_actor_ref *out);

/* ---- spec copies ------------------------------------------------------------- */

static void free_spec(spec_copy *c) {
    if (!c) return;
    for (size_t i = 0; i < c->count; i++) {
        aw__strfree(c->children[i].id);
        aw__strfree(c->children[i].name);
        free_spec(c->children[i].nested);
    }
    aw__free(c->children, c->count * sizeof *c->children);
    AW__DELETE(c);
}

static spec_copy *copy_spec(const aw_supervisor_spec *spec, int depth) {
    if (depth > 64 || (spec->child_count && !spec->children)) return NULL;
    spec_copy *c = AW__NEW(spec_copy);
    if (!c) return NULL;
    c->strategy = spec->strategy;
    c->intensity = spec->intensity ? spec->intensity : DEFAULT_INTENSITY;
    c->period_ns = spec->period_ns ? spec->period_ns : DEFAULT_PERIOD_NS;
    c->backoff_ns = spec->backoff_ns;
    c->backoff_max_ns = spec->backoff_max_ns ? spec->backoff_max_ns : spec->backoff_ns * 32;
    if (spec->child_count) {
        c->children = aw__calloc(spec->child_count, sizeof *c->children);
        if (!c->children) goto fail;
    }
    c->count = spec->child_count;
    for (size_t i = 0; i < spec->child_count; i++) {
        const aw_child_spec *in = &spec->children[i];
        child_copy *out = &c->children[i];
        if (!in->behaviour == !in->supervisor) goto fail; /* exactly one of them */
        out->behaviour = in->behaviour;
        out->arg = in->arg;
        out->opts = in->opts;
        out->opts.link = AW_ACTOR_NONE;
        out->opts.name = NULL;
        out->restart = in->restart;
        out->in_place = in->restart_in_place && in->behaviour;
        out->shutdown_ns = in->shutdown_ns ? in->shutdown_ns : DEFAULT_SHUTDOWN_NS;
        if (in->id && !(out->id = aw__strdup(in->id))) goto fail;
        if (in->opts.name && !(out->name = aw__strdup(in->opts.name))) goto fail;
        if (in->supervisor && !(out->nested = copy_spec(in->supervisor, depth + 1))) goto fail;
    }
    return c;

fail:
    free_spec(c);
    return NULL;
}

/* ---- the state ------------------------------------------------------------------- */

static void set_ref(sup *s, size_t i, aw_actor_ref ref, bool awaiting) {
    aw_actor_ref old = s->rt[i].ref;
    if (old != ref) {
        if (old != AW_ACTOR_NONE) aw__refmap_remove(&s->child_of, old);
        if (ref != AW_ACTOR_NONE && aw__refmap_put(&s->child_of, ref, (uint32_t)i) != AW_OK)
            s->child_of_lost = true;
    }
    aw__mutex_lock(&s->sys->sup_lock);
    s->rt[i].ref = ref;
    s->rt[i].awaiting = awaiting;
    aw__mutex_unlock(&s->sys->sup_lock);
}

static void free_sup(sup *s) {
    size_t n = s->spec->count ? s->spec->count : 1;
    aw__free(s->rt, n * sizeof *s->rt);
    aw__free(s->restart_times, s->spec->intensity * sizeof *s->restart_times);
    aw__free(s->stop_list, n * sizeof *s->stop_list);
    aw__free(s->start_list, n * sizeof *s->start_list);
    aw__free(s->queued, (2 * s->spec->count + 1) * sizeof *s->queued);
    aw__refmap_free(&s->child_of);
    if (s->spec->owned_by_actor) free_spec(s->spec);
    AW__DELETE(s);
}

static aw_status start_child(sup *s, size_t i) {
    child_copy *c = &s->spec->children[i];
    child_rt *rt = &s->rt[i];
    if (rt->awaiting && rt->ref) {
        /* Restart in place: link again, then the restart signal (same order
         * at the child: it is linked before it runs again). */
        if (aw_actor_link(s->actor, rt->ref) == AW_OK &&
            aw__actor_signal(s->sys, rt->ref, AW__SIG_RESTART, &(aw_msg){.sender = s->self}) ==
                AW_OK) {
            set_ref(s, i, rt->ref, false);
            return AW_OK;
        }
        set_ref(s, i, AW_ACTOR_NONE, false);
    }
    aw_spawn_opts opts = c->opts;
    opts.link = s->self;
    opts.name = c->name;
    aw_actor_ref ref = AW_ACTOR_NONE;
    aw_status st;
    if (c->nested)
        st = spawn_supervisor(s->sys, c->nested, &opts, &ref);
    else
        st = aw__actor_spawn(s->sys, c->behaviour, c->arg, &opts, c->in_place, &ref);
    if (st == AW_OK) set_ref(s, i, ref, false);
    return st;
}

/* ---- restart decisions ------------------------------------------------------------ */

static bool wants_restart(const child_copy *c, aw_reason reason) {
    switch (c->restart) {
        case AW_PERMANENT:
            return true;
        case AW_TRANSIENT:
            return reason.kind != AW_EXIT_NORMAL && reason.kind != AW_EXIT_SHUTDOWN;
        default:
            return false;
    }
}

/* Records a restart; false when it exceeds the intensity within the period.
 * The ring holds the restart times still inside the period, oldest first. */
static bool allow_restart(sup *s, uint64_t now) {
    uint32_t max = s->spec->intensity;
    while (s->restart_count > 0 && now - s->restart_times[s->restart_first] >= s->spec->period_ns) {
        s->restart_first = (s->restart_first + 1) % max;
        s->restart_count--;
    }
    if (s->restart_count + 1 > max) return false;
    s->restart_times[(s->restart_first + s->restart_count) % max] = now;
    s->restart_count++;
    aw__mutex_lock(&s->sys->sup_lock);
    s->restarts++;
    aw__mutex_unlock(&s->sys->sup_lock);
    return true;
}

static uint64_t backoff_for(sup *s, size_t i, uint64_t now) {
    child_rt *rt = &s->rt[i];
    if (s->spec->backoff_ns == 0) return 0;
    if (rt->consecutive && now - rt->last_restart > s->spec->period_ns) rt->consecutive = 0;
    rt->last_restart = now;
    uint64_t delay = s->spec->backoff_ns;
    for (uint32_t k = 0; k < rt->consecutive && delay < s->spec->backoff_max_ns; k++) delay *= 2;
    if (delay > s->spec->backoff_max_ns) delay = s->spec->backoff_max_ns;
    rt->consecutive++;
    return delay;
}

static bool running(const sup *s, size_t i) {
    return s->rt[i].ref != AW_ACTOR_NONE;
}

static void advance(sup *s);
static void handle_failure(sup *s, size_t i, aw_reason reason);

/* Begins stopping all running children in reverse, then exiting. */
static void begin_exit(sup *s, aw_reason reason) {
    s->for_exit = true;
    s->exit_reason = reason;
    s->stop_len = s->stop_pos = 0;
    for (size_t i = s->spec->count; i-- > 0;)
        if (running(s, i)) s->stop_list[s->stop_len++] = i;
    s->start_len = 0;
    s->phase = PHASE_STOPPING;
    advance(s);
}

static void arm_kill_timer(sup *s, uint64_t now) {
    s->kill_token++;
    aw_msg timeout = {.kind = KIND_KILL_TIMEOUT, .corr = s->kill_token};
    s->kill_fires_at = s->kill_deadline;
    s->kill_armed = aw_timer_send_after(s->sys, s->kill_deadline - now, s->self, &timeout,
                                        &s->kill_timer) == AW_OK;
}

static void disarm_kill_timer(sup *s) {
    if (!s->kill_armed) return;
    aw_timer_cancel(s->sys, s->kill_timer);
    s->kill_armed = false;
    s->kill_token++; /* a timeout already on its way is stale */
}

/* Stops child i; true when the supervisor must wait for its EXIT. */
static bool stop_child(sup *s, size_t i) {
    child_rt *rt = &s->rt[i];
    if (!rt->ref) return false;
    if (rt->awaiting) {
        if (!s->for_exit) return false; /* it will be restarted in place */
        aw_actor_exit(s->sys, s->self, rt->ref, (aw_reason){AW_EXIT_KILL, 0});
        set_ref(s, i, AW_ACTOR_NONE, false);
        return false;
    }
    if (!s->for_exit && s->spec->children[i].in_place)
        aw__actor_signal(s->sys, rt->ref, AW__SIG_RESET, &(aw_msg){.sender = s->self});
    else
        aw_actor_exit(s->sys, s->self, rt->ref, (aw_reason){AW_EXIT_SHUTDOWN, 0});
    s->waiting_for = rt->ref;
    uint64_t now = aw_actor_system_now(s->sys);
    s->kill_deadline = now + s->spec->children[i].shutdown_ns;
    if (s->kill_armed && s->kill_fires_at > s->kill_deadline) disarm_kill_timer(s);
    if (!s->kill_armed) arm_kill_timer(s, now);
    return true;
}

static void run_starts(sup *s) {
    for (size_t k = 0; k < s->start_len; k++) {
        size_t i = s->start_list[k];
        if (running(s, i) && !s->rt[i].awaiting) continue;
        aw_status st = start_child(s, i);
        if (st != AW_OK) {
            AW__LOG(AW_LOG_WARN, "supervisor", "child %s failed to start: %s",
                    s->spec->children[i].id ? s->spec->children[i].id : "?", aw_status_name(st));
            if (s->queued_len < 2 * s->spec->count + 1)
                s->queued[s->queued_len++] = (failure){i, {AW_EXIT_INIT_FAILED, (uint32_t)st}};
        }
    }
    s->start_len = 0;
}

/* Moves the operation on until it must wait for an EXIT or a timer. */
static void advance(sup *s) {
    while (s->phase == PHASE_STOPPING && s->stop_pos < s->stop_len) {
        if (stop_child(s, s->stop_list[s->stop_pos])) return;
        s->stop_pos++;
    }
    disarm_kill_timer(s); /* no child is waited for any more */
    if (s->phase == PHASE_STOPPING) {
        if (s->for_exit) {
            s->phase = PHASE_EXITING;
            aw_actor_stop(s->actor, s->exit_reason);
            return;
        }
        if (s->delay_ns) {
            s->phase = PHASE_DELAY;
            s->token++;
            aw_msg now = {.kind = KIND_RESTART_NOW, .corr = s->token};
            aw_timer_send_after(s->sys, s->delay_ns, s->self, &now, NULL);
            return;
        }
    }
    run_starts(s);
    s->phase = PHASE_IDLE;
    /* Failures seen meanwhile, for children still down. */
    while (s->phase == PHASE_IDLE && s->queued_len > 0) {
        failure f = s->queued[0];
        memmove(s->queued, s->queued + 1, --s->queued_len * sizeof *s->queued);
        if (!running(s, f.index) || s->rt[f.index].awaiting) handle_failure(s, f.index, f.reason);
    }
}

static void handle_failure(sup *s, size_t i, aw_reason reason) {
    child_copy *c = &s->spec->children[i];
    child_rt *rt = &s->rt[i];
    if (!wants_restart(c, reason)) {
        if (rt->awaiting) aw_actor_exit(s->sys, s->self, rt->ref, (aw_reason){AW_EXIT_KILL, 0});
        set_ref(s, i, AW_ACTOR_NONE, false);
        return;
    }
    uint64_t now = aw_actor_system_now(s->sys);
    if (!allow_restart(s, now)) {
        AW__LOG(AW_LOG_WARN, "supervisor", "restart intensity %u in %llu ms exceeded: escalating",
                s->spec->intensity, (unsigned long long)(s->spec->period_ns / 1000000u));
        begin_exit(s, (aw_reason){AW_EXIT_ESCALATED, 0});
        return;
    }
    s->delay_ns = backoff_for(s, i, now);
    s->for_exit = false;
    s->stop_len = s->stop_pos = 0;
    s->start_len = 0;
    size_t n = s->spec->count;
    size_t first = s->spec->strategy == AW_ONE_FOR_ALL ? 0 : i;
    size_t last = s->spec->strategy == AW_ONE_FOR_ONE ? i + 1 : n;
    for (size_t k = last; k-- > first;)
        if (k != i && running(s, k)) s->stop_list[s->stop_len++] = k;
    for (size_t k = first; k < last; k++) s->start_list[s->start_len++] = k;
    s->phase = PHASE_STOPPING;
    advance(s);
}

static ptrdiff_t child_index(const sup *s, aw_actor_ref ref) {
    if (ref == AW_ACTOR_NONE) return -1;
    uint32_t index;
    if (aw__refmap_get(&s->child_of, ref, &index)) return (ptrdiff_t)index;
    if (!s->child_of_lost) return -1;
    for (size_t i = 0; i < s->spec->count; i++)
        if (s->rt[i].ref == ref) return (ptrdiff_t)i;
    return -1;
}

static aw_handled sup_handle(aw_actor *self, void *state, const aw_msg *msg) {
    sup *s = state;
    (void)self;
    if (msg->kind == KIND_KILL_TIMEOUT) {
        if (!s->kill_armed || msg->corr != s->kill_token) return AW_DONE;
        s->kill_armed = false;
        if (s->phase != PHASE_STOPPING || !s->waiting_for) return AW_DONE;
        uint64_t now = aw_actor_system_now(s->sys);
        if (now >= s->kill_deadline)
            aw_actor_exit(s->sys, s->self, s->waiting_for, (aw_reason){AW_EXIT_KILL, 0});
        else
            arm_kill_timer(s, now); /* a later child's deadline */
        return AW_DONE;
    }
    if (msg->kind == KIND_RESTART_NOW) {
        if (s->phase == PHASE_DELAY && msg->corr == s->token) {
            s->phase = PHASE_STOPPING;
            s->delay_ns = 0;
            advance(s);
        }
        return AW_DONE;
    }
    if (msg->kind != AW_MSG_EXIT) return AW_DONE;
    aw_reason reason = {(uint32_t)msg->word[0], (uint32_t)msg->word[1]};
    bool in_place = (msg->word[2] & AW_EXIT_FLAG_IN_PLACE) != 0;
    ptrdiff_t found = child_index(s, msg->sender);
    if (found < 0) {
        /* A stale link of a child already replaced: nothing to do. */
        if ((msg->word[2] & AW_EXIT_FLAG_LINK) && msg->sender != s->parent) return AW_DONE;
        /* From the parent or an exit request: stop everything and exit. */
        if (reason.kind == AW_EXIT_NORMAL || s->phase == PHASE_EXITING) return AW_DONE;
        if (s->phase == PHASE_STOPPING && s->waiting_for) {
            /* Finish waiting for the current child, then stop the rest. */
            s->for_exit = true;
            s->exit_reason = reason;
            s->stop_len = s->stop_pos = 0;
            for (size_t i = s->spec->count; i-- > 0;)
                if (running(s, i) && s->rt[i].ref != s->waiting_for)
                    s->stop_list[s->stop_len++] = i;
            return AW_DONE;
        }
        begin_exit(s, reason);
        return AW_DONE;
    }
    size_t i = (size_t)found;
    /* The child is down (or waits in place, keeping its reference). */
    set_ref(s, i, in_place ? msg->sender : AW_ACTOR_NONE, in_place);
    if (s->phase == PHASE_STOPPING && msg->sender == s->waiting_for) {
        s->waiting_for = AW_ACTOR_NONE; /* the kill timer stays for the next child */
        if (s->for_exit && in_place) {
            aw_actor_exit(s->sys, s->self, msg->sender, (aw_reason){AW_EXIT_KILL, 0});
            set_ref(s, i, AW_ACTOR_NONE, false);
        }
        s->stop_pos++;
        advance(s);
        return AW_DONE;
    }
    if (s->phase == PHASE_IDLE) {
        handle_failure(s, i, reason);
    } else if (s->phase == PHASE_EXITING || s->for_exit) {
        if (in_place) {
            aw_actor_exit(s->sys, s->self, msg->sender, (aw_reason){AW_EXIT_KILL, 0});
            set_ref(s, i, AW_ACTOR_NONE, false);
        }
    } else if (s->queued_len < 2 * s->spec->count + 1) {
        s->queued[s->queued_len++] = (failure){i, reason};
    }
    return AW_DONE;
}

static aw_status sup_init(aw_actor *self, void *arg, void **state) {
    spec_copy *spec = arg;
    size_t n = spec->count;
    sup *s = AW__NEW(sup);
    if (!s) return AW_NO_MEMORY;
    s->sys = aw_actor_system_of(self);
    s->actor = self;
    s->self = aw_actor_self(self);
    /* Spawn links before init, so the only link now is to the parent. */
    s->parent = self->link_count ? self->links[0] : AW_ACTOR_NONE;
    s->spec = spec;
    s->rt = aw__calloc(n ? n : 1, sizeof *s->rt);
    s->restart_times = aw__calloc(spec->intensity, sizeof *s->restart_times);
    s->stop_list = aw__calloc(n ? n : 1, sizeof *s->stop_list);
    s->start_list = aw__calloc(n ? n : 1, sizeof *s->start_list);
    s->queued = aw__calloc(2 * n + 1, sizeof *s->queued);
    /* Sizes given to free must match: keep the arrays at least one long. */
    if (!s->rt || !s->restart_times || !s->stop_list || !s->start_list || !s->queued) {
        aw__free(s->rt, (n ? n : 1) * sizeof *s->rt);
        aw__free(s->restart_times, spec->intensity * sizeof *s->restart_times);
        aw__free(s->stop_list, (n ? n : 1) * sizeof *s->stop_list);
        aw__free(s->start_list, (n ? n : 1) * sizeof *s->start_list);
        aw__free(s->queued, (2 * n + 1) * sizeof *s->queued);
        AW__DELETE(s);
        return AW_NO_MEMORY;
    }
    aw_actor_trap_exit(self, true);
    aw__mutex_lock(&s->sys->sup_lock);
    self->sup = s;
    aw__mutex_unlock(&s->sys->sup_lock);
    /* Children start in order; each init has run when the next starts. */
    for (size_t i = 0; i < n; i++) {
        aw_status st = start_child(s, i);
        if (st != AW_OK) {
            for (size_t k = i; k-- > 0;)
                aw_actor_exit(s->sys, s->self, s->rt[k].ref, (aw_reason){AW_EXIT_KILL, 0});
            aw__mutex_lock(&s->sys->sup_lock);
            self->sup = NULL;
            aw__mutex_unlock(&s->sys->sup_lock);
            bool owned = spec->owned_by_actor;
            spec->owned_by_actor = false; /* the starter frees it on failure */
            free_sup(s);
            spec->owned_by_actor = owned;
            return st;
        }
    }
    *state = s;
    return AW_OK;
}

static void sup_terminate(aw_actor *self, void *state, aw_reason reason) {
    (void)reason;
    sup *s = state;
    disarm_kill_timer(s);
    /* Killed or stopped before its children: they must not outlive it. */
    for (size_t i = s->spec->count; i-- > 0;)
        if (s->rt[i].ref)
            aw_actor_exit(s->sys, s->self, s->rt[i].ref, (aw_reason){AW_EXIT_KILL, 0});
    aw__mutex_lock(&s->sys->sup_lock);
    self->sup = NULL;
    aw__mutex_unlock(&s->sys->sup_lock);
    free_sup(s);
}

static const aw_behaviour sup_behaviour = {"supervisor", sup_init, sup_handle, sup_terminate};

static aw_status spawn_supervisor(aw_actor_system *sys, spec_copy *spec, const aw_spawn_opts *opts,
                                  aw_actor_ref *out) {
    aw_spawn_opts o = opts ? *opts : (aw_spawn_opts){0};
    o.trap_exit = true;
    o.mailbox_capacity = AW__MAILBOX_UNBOUNDED; /* exits must never be refused */
    return aw__actor_spawn(sys, &sup_behaviour, spec, &o, false, out);
}

aw_status aw_supervisor_start(aw_actor_system *sys, const aw_supervisor_spec *spec,
                              const aw_spawn_opts *opts, aw_actor_ref *out) {
    if (out) *out = AW_ACTOR_NONE;
    if (!sys || !spec) return AW_INVALID_ARGUMENT;
    spec_copy *c = copy_spec(spec, 0);
    if (!c) return AW_NO_MEMORY;
    c->owned_by_actor = true;
    aw_status s = spawn_supervisor(sys, c, opts, out);
    if (s != AW_OK) free_spec(c);
    return s;
}

static sup *locked_sup(aw_actor_system *sys, aw_actor_ref ref) {
    aw_actor *a = aw__actor_at(sys, ref);
    if (!a) return NULL;
    uint64_t slot = atomic_load_explicit(&a->slot, memory_order_acquire);
    if ((slot >> 32) != (ref >> 32) || !(slot & AW__SLOT_ALIVE)) return NULL;
    return a->sup;
}

aw_status aw_supervisor_child(aw_actor_system *sys, aw_actor_ref ref, size_t index,
                              aw_actor_ref *out) {
    if (!sys || !out) return AW_INVALID_ARGUMENT;
    *out = AW_ACTOR_NONE;
    aw_status st = AW_OK;
    aw__mutex_lock(&sys->sup_lock);
    sup *s = locked_sup(sys, ref);
    if (!s)
        st = AW_NO_SUCH_ACTOR;
    else if (index >= s->spec->count)
        st = AW_NOT_FOUND;
    else
        *out = s->rt[index].awaiting ? AW_ACTOR_NONE : s->rt[index].ref;
    aw__mutex_unlock(&sys->sup_lock);
    return st;
}

aw_status aw_supervisor_restarts(aw_actor_system *sys, aw_actor_ref ref, uint64_t *out) {
    if (!sys || !out) return AW_INVALID_ARGUMENT;
    aw_status st = AW_OK;
    aw__mutex_lock(&sys->sup_lock);
    sup *s = locked_sup(sys, ref);
    if (s)
        *out = s->restarts;
    else
        st = AW_NO_SUCH_ACTOR;
    aw__mutex_unlock(&sys->sup_lock);
    return st;
}
