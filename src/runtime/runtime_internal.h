/* The runtime's internal structures: the wiring of engine, actors, messaging,
 * manifests and the component ABI behind the public aw_runtime API. */
#ifndef AW_RUNTIME_INTERNAL_H
#define AW_RUNTIME_INTERNAL_H

#include "actor/payload_pool.h"
#include "airwasm/airwasm.h"
#include "base/strmap.h"
#include "host/component.h"
#include "msg/correlate.h"
#include "msg/router.h"
#include "msg/topic.h"
#include "platform/thread.h"
#include "policy/audit.h"
#include "policy/capability.h"
#include "policy/manifest.h"
#include "policy/ratelimit.h"

#include <stdatomic.h>
#include <string.h>

/* A component's policy outcomes and traffic (relaxed atomics: statistics
 * only). sent, handled and requests are written by the component's own
 * actor (aw__rt_count_own), so a message costs no write to a line other
 * components' workers use (they were runtime-wide counters: one line every
 * worker wrote per message). */
typedef struct aw__rt_policy_counters {
    atomic_uint_fast64_t sent, denied, rate_limited, too_large, refused;
    atomic_uint_fast64_t handled;  /* messages it handled (aw_runtime_stats.messages) */
    atomic_uint_fast64_t requests; /* requests it started (aw_runtime_stats.requests) */
} aw__rt_policy_counters;

/* Counts one on a counter only the component's own actor writes (sent,
 * handled, requests: its turns run one at a time, each ordered after the
 * last by the scheduler): a relaxed load and store, whole values for any
 * reader, without the locked read-modify-write every message paid. */
static inline void aw__rt_count_own(atomic_uint_fast64_t *counter) {
    atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

/* How many targets a component's outbox remembers. */
#define AW__RT_RECENT_TARGETS 4

struct aw__rt_def;

/* What a component's own actor keeps for its outgoing messages. Only that
 * actor touches it, and it runs one turn at a time (a restart as a new actor
 * starts after the old one is gone), so there is no lock: see rule 1 of
 * actor/payload_pool.h.
 *  - recent: targets its last sends resolved to, each one past both
 *    capability checks (its `send`, the target's `receive-from`). Defs and
 *    capability sets do not change after the system starts and live as long
 *    as the runtime, so an entry never goes stale; the target's actor is read
 *    from its def at each send, so a restart as a new actor needs no
 *    invalidation.
 *  - pool: the blocks of the payloads it sends (replies included). */
typedef struct aw__rt_outbox {
    const struct aw__rt_def *recent[AW__RT_RECENT_TARGETS];
    uint32_t recent_next; /* the entry replaced next */
    aw__payload_pool pool;
} aw__rt_outbox;

/* One component of the running system: what its manifest says, its compiled
 * module, and the actor that runs its instance. Lives as long as the runtime,
 * so messages and subscriptions may point at it. */
typedef struct aw__rt_def {
    aw_runtime *rt;
    const aw__name *name; /* the component id, interned */
    aw__manifest *manifest;
    aw_module *module;
    aw__component_plan *plan; /* shared by the defs of one module */
    aw_restart restart;
    /* The actor running it; written by that actor's init (restart in place
     * keeps it), read by any thread. */
    _Atomic aw_actor_ref ref;
    /* Policy (gate.c): built at start, kept across restarts. */
    aw__capset *caps;
    /* Above: read by every sender to this component. Below: written by this
     * component's own actor as it sends and handles messages. Kept on
     * separate cache lines so a busy component does not make its peers'
     * reads miss (defs sit side by side in one array). */
    char pad_shared_[64];
    aw__rate_limiter rate;        /* its [rate-limit] on outgoing messages */
    aw__rt_policy_counters policy; /* behind aw_runtime_component_stats */
    aw__rt_outbox outbox;          /* its actor's alone (see above) */
    char pad_end_[64];
} aw__rt_def;

/* The router's delivery rules for a component with manifest m. */
static inline aw__route_config aw__rt_route_config(const aw__manifest *m) {
    aw__route_config rc = {m->accepts, m->check_payloads, (size_t)m->limits.max_payload};
    return rc;
}

/* What a router lookup of def's id gives, without the lookup: the router's
 * instance of a component is the actor its def->ref names (component_actor.c
 * sets both). */
static inline aw__route aw__rt_route_of(const aw__rt_def *def) {
    aw__route r;
    r.id = def->name;
    /* Acquire: pairs with the exchange in comp_init; the actor layer checks
     * the ref itself, so a stale one only fails the send. */
    r.instance = atomic_load_explicit(&def->ref, memory_order_acquire);
    r.config = aw__rt_route_config(def->manifest);
    return r;
}

/* The counters behind aw_runtime_stats (relaxed atomics: statistics only). */
typedef struct aw__rt_counters {
    atomic_uint_fast64_t requests, request_errors; /* requests: from the host; components count their own */
    atomic_uint_fast64_t send_failures, guest_errors, crashes;
    /* The supervisor's restart count as last seen by a restarted component:
     * it outlives the supervisor, which takes its own count with it when it
     * gives up (intensity exceeded). */
    atomic_uint_fast64_t restarts_seen;
} aw__rt_counters;

/* A pending host request (aw_runtime_request / aw_runtime_call). */
typedef struct aw__rt_host_request {
    uint64_t id;
    aw_response_fn fn;
    void *ctx;
    struct aw__rt_host_request *next;
} aw__rt_host_request;

struct aw_runtime {
    aw_runtime_config config;
    aw_actor_system *sys;
    aw__names *names;
    aw__router *router;
    aw__correlate *correlate;
    aw__topic_index *topics;
    const aw__name *host_name; /* "host": the sender id of host messages */

    aw__rt_def *defs;
    size_t def_count;
    aw_actor_ref supervisor;
    aw_actor_ref host_proxy; /* native actor receiving host request outcomes */

    aw__mutex host_lock; /* guards host_requests, start_error and schedule */
    aw__rt_host_request *host_requests;
    /* The first component that failed to start while the system started,
     * and why, for aw_runtime_start's error. */
    aw_error start_error;
    bool start_failed;
    /* The system file's messages still to send (runtime.c) and the timer
     * that sends the next; guarded by host_lock. */
    struct aw__rt_schedule *schedule;
    aw_timer_id schedule_timer;
    bool schedule_stopped;
    /* rt->supervisor for component actors (set once the system is up). */
    _Atomic aw_actor_ref supervisor_seen;

    /* Policy (gate.c): the audit log (NULL: none), ids to defs (filled
     * before the system starts, read-only after), the instance and memory
     * reservations behind the runtime-wide caps. */
    aw__audit *audit;
    aw__strmap defs_by_id;
    atomic_uint_fast32_t live_instances;
    atomic_uint_fast64_t reserved_memory;
    atomic_uint_fast64_t instances_refused;

    aw__rt_counters counters;
    atomic_uint_fast32_t scheduled; /* system-file messages not yet sent */
    /* Taken when the system stops, so statistics stay readable after. */
    aw__correlate_stats final_requests;
    uint64_t final_restarts;
    bool started;
    bool stopped;
};

/* The behaviour of component actors (component_actor.c); arg is an aw__rt_def. */
extern const aw_behaviour aw__rt_component_behaviour;
/* The behaviour of the host proxy actor (host_api.c); arg is the runtime. */
extern const aw_behaviour aw__rt_host_proxy_behaviour;

/* A component actor's state (component_actor.c), the user data of its
 * instance. Written on every message by the worker running it: padded so
 * that no other heap object (another component's state, allocated next to
 * it at spawn) shares its cache lines, which would move them between the
 * cores running the two components for every message. */
typedef struct aw__rt_comp_state {
    char pad_before[64];
    aw__rt_def *def;
    aw__component *comp;
    aw_actor_ref self;
    uint64_t call_id; /* the synchronous call this instance waits on */
    /* Monotonic ns when the current message first stopped at a slice edge or
     * in a `call` (0: it has not yet). A message that finishes within its
     * first slice never reads the clock; one that goes on is timed from the
     * end of that slice, at most one slice (microseconds) late against
     * timeout-ms. */
    uint64_t message_started;
    uint64_t crashed_request; /* the request being handled at a crash (0: none) */
    bool message_in_progress;
    aw__trace trace; /* of the current message, for audit records */
    char pad_after[64];
} aw__rt_comp_state;

/* For the backend, about the component actor running instance c: where it
 * keeps the id of the synchronous call it waits on, its actor, its def.
 * Inline: every send asks for them. */
static inline aw__rt_comp_state *aw__rt_comp_state_of(const aw__component *c) {
    return (aw__rt_comp_state *)aw__component_user_data(c);
}
static inline uint64_t *aw__rt_call_slot(aw__component *c) {
    return &aw__rt_comp_state_of(c)->call_id;
}
static inline aw_actor_ref aw__rt_component_ref(aw__component *c) {
    return aw__rt_comp_state_of(c)->self;
}
static inline aw__rt_def *aw__rt_component_def(aw__component *c) {
    return aw__rt_comp_state_of(c)->def;
}
/* The trace of the message instance c is handling (NULL: none). */
static inline const aw__trace *aw__rt_component_trace(aw__component *c) {
    aw__rt_comp_state *s = aw__rt_comp_state_of(c);
    return s->message_in_progress && aw__trace_is_set(&s->trace) ? &s->trace : NULL;
}

/* The host-import backend every component instance gets (backend.c). */
aw__host_backend aw__rt_backend(aw_runtime *rt);

/* The policy gate (gate.c). Each check returns AW_OK or the refusal
 * (AW_DENIED, AW_RATE_LIMITED, AW_TOO_LARGE) with err saying why; nothing is
 * queued by a check. */

/* An outgoing send, request or call from component c to target: c's `send`,
 * the target's `receive-from`, c's max-payload, then c's rate limit. *to
 * gets the target's def, or NULL when no component has that id (the check
 * passes: the caller answers unknown-target). The capability verdicts of the
 * last few targets are kept in c's outbox, so a repeated target costs a
 * comparison of its id and the volume checks. */
static inline aw_status aw__rt_gate_send(aw_runtime *rt, aw__rt_def *c, const char *target,
                                         size_t target_len, size_t payload_len,
                                         const aw__rt_def **to, aw_error *err);
/* aw__rt_gate_send with every check (the inline part only takes the common
 * case: a remembered target, no rate limit, a payload within max-payload). */
aw_status aw__rt_gate_send_checked(aw_runtime *rt, aw__rt_def *c, const char *target,
                                   size_t target_len, size_t payload_len, const aw__rt_def **to,
                                   aw_error *err);
/* A publish: c's `publish`, its max-payload, its rate limit. */
aw_status aw__rt_gate_publish(aw_runtime *rt, aw__component *c, const char *topic,
                              size_t topic_len, size_t payload_len, aw_error *err);
/* A subscribe: c's `subscribe` must cover the pattern. */
aw_status aw__rt_gate_subscribe(aw_runtime *rt, aw__component *c, const char *pattern,
                                size_t pattern_len, aw_error *err);
/* Whether subscriber `to` accepts a publish from component `from` (NULL:
 * the host, always accepted); a refusal is counted and audited. */
bool aw__rt_gate_receive(aw_runtime *rt, aw__rt_def *from, const aw__rt_def *to,
                         const char *topic, size_t topic_len);
/* The end of an attempt by c: counts it, audits every refusal (st != AW_OK)
 * and sampled successes. */
/* A WASI file-system call of c refused by its preopens: counted as denied
 * and audited (the host backend's fs_denied). */
void aw__rt_gate_fs_denied(aw_runtime *rt, aw__component *c, const char *call,
                           const uint8_t *path, size_t path_len);
void aw__rt_gate_done(aw_runtime *rt, aw__component *c, aw_audit_action action,
                      const char *target, size_t target_len, aw_status st, const aw_error *err);
/* aw__rt_gate_done of a success by c (whose def is def), inline for the
 * send path: counted, and audited when the sample says so. */
/* The outbox entry for target (len bytes), or NULL. */
static inline const aw__rt_def *aw__rt_outbox_find(const aw__rt_outbox *o, const char *target,
                                                   size_t len) {
    for (int i = 0; i < AW__RT_RECENT_TARGETS; i++) {
        const aw__rt_def *d = o->recent[i];
        if (d && d->name->len == len && memcmp(d->name->text, target, len) == 0) return d;
    }
    return NULL;
}

static inline aw_status aw__rt_gate_send(aw_runtime *rt, aw__rt_def *c, const char *target,
                                         size_t target_len, size_t payload_len,
                                         const aw__rt_def **to, aw_error *err) {
    const aw__rt_def *known = aw__rt_outbox_find(&c->outbox, target, target_len);
    if (known && c->rate.interval_ns == 0 && payload_len <= c->manifest->limits.max_payload) {
        *to = known;
        return AW_OK;
    }
    return aw__rt_gate_send_checked(rt, c, target, target_len, payload_len, to, err);
}

static inline void aw__rt_gate_passed(aw_runtime *rt, aw__rt_def *def, aw__component *c,
                                      aw_audit_action action, const char *target,
                                      size_t target_len);
/* The def of component id (NULL: none). */
aw__rt_def *aw__rt_find_def(aw_runtime *rt, const char *id, size_t len);

/* Writes an audit record about def (NULL: the host); target may be NULL;
 * trace (NULL: none). */
void aw__rt_audit(aw_runtime *rt, const aw__rt_def *def, aw_audit_action action,
                  const char *target, size_t target_len, aw_status outcome, aw_trap trap,
                  const aw__trace *trace, const char *detail);

/* Reserves one instance and def's linear memory against the runtime-wide
 * caps before an instance is created: AW_LIMIT_EXCEEDED (err says which cap)
 * when either would be passed. aw__rt_release_instance gives it back. */
aw_status aw__rt_reserve_instance(aw_runtime *rt, const aw__rt_def *def, aw_error *err);
void aw__rt_release_instance(aw_runtime *rt, const aw__rt_def *def);

/* Sets up and frees the policy parts of def (capabilities, rate limit) and
 * its outbox; the free goes after the actor system is gone, since the
 * outbox's pool must get every payload back first. */
aw_status aw__rt_def_policy_init(aw__rt_def *def);
void aw__rt_def_policy_free(aw__rt_def *def);

/* AW_NOT_FOUND: no component has the id target (target_len bytes). */
aw_status aw__rt_unknown_target(const char *target, size_t target_len, aw_error *err);

static inline void aw__rt_gate_passed(aw_runtime *rt, aw__rt_def *def, aw__component *c,
                                      aw_audit_action action, const char *target,
                                      size_t target_len) {
    aw__rt_count_own(&def->policy.sent);
    if (aw__audit_sample(rt->audit))
        aw__rt_audit(rt, def, action, target, target_len, AW_OK, AW_TRAP_NONE,
                     aw__rt_component_trace(c), NULL);
}

/* Maps a router/actor send status to the WIT send-error. */
int aw__rt_send_error(aw_status status);

/* Publishes payload (a new reference is taken per subscriber) on topic from
 * component `from` (NULL: the host); returns the number of deliveries. */
aw_status aw__rt_publish(aw_runtime *rt, aw__rt_def *from, const char *topic,
                         size_t topic_len, const uint8_t *payload, size_t len,
                         uint32_t *delivered, aw_error *err);

#endif
