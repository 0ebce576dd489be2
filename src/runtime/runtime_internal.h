/* The runtime's internal structures: the wiring of engine, actors, messaging,
 * manifests and the component ABI behind the public aw_runtime API. */
#ifndef AW_RUNTIME_INTERNAL_H
#define AW_RUNTIME_INTERNAL_H

#include "airwasm/airwasm.h"
#include "host/component.h"
#include "msg/correlate.h"
#include "msg/router.h"
#include "msg/topic.h"
#include "platform/thread.h"
#include "policy/manifest.h"

#include <stdatomic.h>

/* One component of the running system: what its manifest says, its compiled
 * module, and the actor that runs its instance. Lives as long as the runtime,
 * so messages and subscriptions may point at it. */
typedef struct aw__rt_def {
    aw_runtime *rt;
    const aw__name *name; /* the component id, interned */
    aw__manifest *manifest;
    aw_module *module;
    aw_restart restart;
    /* The actor running it; written by that actor's init (restart in place
     * keeps it), read by any thread. */
    _Atomic aw_actor_ref ref;
} aw__rt_def;

/* The counters behind aw_runtime_stats (relaxed atomics: statistics only). */
typedef struct aw__rt_counters {
    atomic_uint_fast64_t messages, requests, request_errors;
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

    aw__mutex host_lock; /* guards host_requests and start_error */
    aw__rt_host_request *host_requests;
    /* The first component that failed to start while the system started,
     * and why, for aw_runtime_start's error. */
    aw_error start_error;
    bool start_failed;
    /* rt->supervisor for component actors (set once the system is up). */
    _Atomic aw_actor_ref supervisor_seen;

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

/* For the backend, about the component actor running instance c: where it
 * keeps the id of the synchronous call it waits on, its actor, its def. */
uint64_t *aw__rt_call_slot(aw__component *c);
aw_actor_ref aw__rt_component_ref(aw__component *c);
aw__rt_def *aw__rt_component_def(aw__component *c);

/* The host-import backend every component instance gets (backend.c). */
aw__host_backend aw__rt_backend(aw_runtime *rt);

/* Maps a router/actor send status to the WIT send-error. */
int aw__rt_send_error(aw_status status);

/* Publishes payload (a new reference is taken per subscriber) on topic from
 * `from` (NULL: the host); returns the number of deliveries. */
aw_status aw__rt_publish(aw_runtime *rt, const aw__name *from, const char *topic,
                         size_t topic_len, const uint8_t *payload, size_t len,
                         uint32_t *delivered, aw_error *err);

#endif
