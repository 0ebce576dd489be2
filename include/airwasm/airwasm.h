/* airwasm's embedding API: the umbrella header for hosts written in C.
 *
 * A runtime owns an actor system (worker threads, timers) and the
 * components running in it. Components are loaded from their manifests
 * (Component.toml, docs/manifest.md) and started under one supervisor, either
 * from a system file (docs/manifest.md, "System file") or from C. The host
 * then talks to them with the same messages components use among themselves:
 * casts, requests with a callback, synchronous calls, and topics. */
#ifndef AIRWASM_AIRWASM_H
#define AIRWASM_AIRWASM_H

#include "airwasm/actor.h"
#include "airwasm/alloc.h"
#include "airwasm/common.h"
#include "airwasm/error.h"
#include "airwasm/log.h"
#include "airwasm/status.h"
#include "airwasm/wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aw_runtime aw_runtime;

/* ---- the audit log (docs/security.md) ----------------------------------- */

/* What a component (or the runtime on its behalf) did. */
typedef enum aw_audit_action {
    AW_AUDIT_SEND,      /* send-message (a cast) */
    AW_AUDIT_REQUEST,   /* send-request */
    AW_AUDIT_CALL,      /* call (a synchronous request) */
    AW_AUDIT_PUBLISH,
    AW_AUDIT_SUBSCRIBE,
    AW_AUDIT_START,     /* an instance was (or was not) created */
    AW_AUDIT_CRASH,     /* the instance trapped, ran out of fuel or time */
    AW_AUDIT_RESTART,   /* the supervisor started the component again */
    AW_AUDIT_FILE       /* a WASI file-system call refused by the preopens */
} aw_audit_action;

/* "send", "request", "call", "publish", "subscribe", "start", "crash",
 * "restart", "file"; "?" for other values. */
AW_API const char *aw_audit_action_name(aw_audit_action action);

/* One audit record. Strings are borrowed for the sink call only. */
typedef struct aw_audit_record {
    uint64_t time_ns;      /* wall clock, ns since the Unix epoch */
    const char *component; /* who acted: a component id, or "host" */
    const char *target;    /* the peer component id or the topic; NULL: none */
    aw_audit_action action;
    aw_status outcome; /* AW_OK, AW_DENIED, AW_RATE_LIMITED, AW_TOO_LARGE,
                          AW_MAILBOX_FULL, AW_LIMIT_EXCEEDED, AW_TRAP, ... */
    aw_trap trap;      /* for AW_AUDIT_CRASH; AW_TRAP_NONE otherwise */
    uint64_t trace_hi, trace_lo; /* W3C trace id of the message being handled;
                                    both 0: none */
    const char *detail; /* human-readable reason; NULL: none */
} aw_audit_record;

/* The embedder's audit sink: called on the thread that produced the record
 * (any worker), possibly from several threads at once. json_line is the
 * record as one JSON object without the newline (docs/security.md). */
typedef void (*aw_audit_fn)(void *ctx, const aw_audit_record *record, const char *json_line,
                            size_t json_len);

typedef struct aw_runtime_config {
    uint32_t workers;    /* worker threads; 0: one per core */
    uint64_t slice_fuel; /* fuel a component may burn before it yields its
                            worker to others; 0: 20000 */

    /* Runtime-wide resource caps, checked before each instance is created
     * (first start and every restart): a start that would pass them fails
     * with AW_LIMIT_EXCEEDED and an audit record. */
    uint32_t max_instances;    /* live component instances; 0: 10000 */
    uint64_t max_memory_bytes; /* sum over live instances of the linear
                                  memory their manifests allow
                                  (memory-pages * 64 KiB); 0: 32 GiB */

    /* The audit log: denials, limit hits, crashes and restarts are always
     * recorded when a sink is set; successful sends only when sampled. */
    const char *audit_path; /* JSON lines appended to this file (borrowed for
                               aw_runtime_create); NULL: no file */
    aw_audit_fn audit_fn;   /* the embedder's sink; NULL: none */
    void *audit_ctx;        /* kept; first argument of audit_fn */
    uint32_t audit_sample_sends; /* also record 1 in N successful sends,
                                    requests, calls and publishes; 0: none */
} aw_runtime_config;

/* Creates a runtime and starts its workers. config may be NULL (defaults).
 * *out is NULL on failure. */
AW_API aw_status aw_runtime_create(const aw_runtime_config *config, aw_runtime **out,
                                   aw_error *err);
/* Stops every component (shutdown exports are called), the workers and
 * timers, and frees the runtime. Accepts NULL. */
AW_API void aw_runtime_destroy(aw_runtime *rt);

/* One component of a system: a manifest and how it is supervised. */
typedef struct aw_component_spec {
    const char *id;            /* component id; NULL: the manifest's name */
    const char *manifest_path; /* Component.toml (borrowed for the call) */
    aw_restart restart;        /* AW_PERMANENT, AW_TRANSIENT or AW_TEMPORARY */
} aw_component_spec;

typedef struct aw_system_spec {
    aw_strategy strategy; /* AW_ONE_FOR_ONE, AW_ONE_FOR_ALL, AW_REST_FOR_ONE */
    uint32_t intensity;   /* at most this many restarts ... (0: 3) */
    uint32_t period_ms;   /* ... within this period (0: 5000) */
    const aw_component_spec *components; /* borrowed for the call */
    size_t component_count;
} aw_system_spec;

/* Loads every component's manifest and module, checks each module against
 * the component world, then starts them in order under one supervisor
 * (each init runs before the next component starts). On failure nothing is
 * left running and err names the component and what was wrong. A runtime
 * runs one system. */
AW_API aw_status aw_runtime_start(aw_runtime *rt, const aw_system_spec *spec, aw_error *err);

/* Reads a system file (TOML, docs/manifest.md), starts its components as
 * aw_runtime_start does, and schedules the file's [[message]] entries. */
AW_API aw_status aw_runtime_start_file(aw_runtime *rt, const char *path, aw_error *err);

/* ---- messaging from the host (sender id "host") ------------------------ */

/* Casts payload (a multicodec-prefixed body; copied) to component target.
 * AW_NOT_FOUND (unknown target), AW_BAD_CODEC, AW_TOO_LARGE,
 * AW_MAILBOX_FULL, AW_SHUTTING_DOWN; err says which and why. */
AW_API aw_status aw_runtime_send(aw_runtime *rt, const char *target, const void *payload,
                                 size_t len, aw_error *err);

/* How a request ended, for aw_runtime_request's callback and aw_runtime_call. */
typedef enum aw_request_outcome {
    AW_REQUEST_OK = -1,           /* the response is in the bytes */
    AW_REQUEST_TIMEOUT = 0,       /* the WIT request-error values follow */
    AW_REQUEST_CANCELLED = 1,
    AW_REQUEST_TARGET_CRASHED = 2,
    AW_REQUEST_TARGET_ERROR = 3,  /* the bytes hold the component's error text */
    AW_REQUEST_UNKNOWN_TARGET = 4,
    AW_REQUEST_DENIED = 5
} aw_request_outcome;

/* Called once per request, on a worker or timer thread; bytes are borrowed
 * for the call. */
typedef void (*aw_response_fn)(void *ctx, uint64_t request_id, aw_request_outcome outcome,
                               const uint8_t *bytes, size_t len);

/* Sends a request; fn(ctx, ...) is called exactly once with its outcome,
 * unless aw_runtime_cancel cancels it first. timeout_ms 0: the target's
 * manifest timeout. Returns the send status as aw_runtime_send does. */
AW_API aw_status aw_runtime_request(aw_runtime *rt, const char *target, const void *payload,
                                    size_t len, uint32_t timeout_ms, aw_response_fn fn,
                                    void *ctx, uint64_t *request_id, aw_error *err);
/* True when the request was pending: its callback will not run. */
AW_API bool aw_runtime_cancel(aw_runtime *rt, uint64_t request_id);

/* A synchronous request from a host thread (never from a component or a
 * callback). On AW_OK, *outcome says how it ended and, for AW_REQUEST_OK and
 * AW_REQUEST_TARGET_ERROR, *bytes / *len hold a copy the caller frees with
 * aw_runtime_free_bytes. */
AW_API aw_status aw_runtime_call(aw_runtime *rt, const char *target, const void *payload,
                                 size_t len, uint32_t timeout_ms, aw_request_outcome *outcome,
                                 uint8_t **bytes, size_t *bytes_len, aw_error *err);
AW_API void aw_runtime_free_bytes(uint8_t *bytes, size_t len);

/* Publishes payload on topic to every component subscribed to a matching
 * pattern; *delivered (optional) gets how many received it. */
AW_API aw_status aw_runtime_publish(aw_runtime *rt, const char *topic, const void *payload,
                                    size_t len, uint32_t *delivered, aw_error *err);

/* ---- dead letters -------------------------------------------------------- */

/* A message that was not handled: its handler crashed on it (status AW_TRAP,
 * trap says how), or its target was gone (AW_NO_SUCH_ACTOR) or stopping
 * (AW_SHUTTING_DOWN). */
typedef struct aw_runtime_dead_letter {
    char target[256];  /* the component id it was for ("" if unknown) */
    char sender[256];  /* the sender's component id, or "host" */
    aw_status status;
    aw_trap trap;      /* for AW_TRAP: the kind of trap; AW_TRAP_NONE otherwise */
    uint8_t *bytes;    /* the payload (a copy): free with aw_runtime_free_bytes */
    size_t len;
} aw_runtime_dead_letter;

/* Moves up to max of the oldest dead letters into out; returns how many. The
 * log keeps the most recent ones (its size is bounded). */
AW_API size_t aw_runtime_dead_letters_take(aw_runtime *rt, aw_runtime_dead_letter *out,
                                           size_t max);

/* ---- running, statistics, stopping ------------------------------------- */

/* Waits until no component has work left (mailboxes empty, no request
 * pending) or timeout_ns passed (AW_TIMEOUT). */
AW_API aw_status aw_runtime_wait_idle(aw_runtime *rt, uint64_t timeout_ns);

typedef struct aw_runtime_stats {
    uint64_t messages;       /* deliveries to handle-message (casts, requests, topics) */
    uint64_t requests;       /* requests sent */
    uint64_t responses;      /* requests answered with a response */
    uint64_t request_errors; /* requests ended by an error, timeout or crash */
    uint64_t timeouts;       /* requests that timed out */
    uint64_t late_responses; /* responses that came after a timeout or cancel */
    uint64_t send_failures;  /* sends refused (unknown target, codec, full, ...) */
    uint64_t guest_errors;   /* handle-message results that were err(...) */
    uint64_t crashes;        /* component traps, fuel exhaustion, proc_exit */
    uint64_t restarts;       /* restarts done by the supervisor */
    uint64_t dead_letters;   /* messages that went to the dead-letter log */
    uint32_t components;     /* components running now */
    /* Policy (docs/security.md), summed over components. */
    uint64_t denied;            /* refused by a capability check (either side) */
    uint64_t rate_limited;      /* refused by a component's [rate-limit] */
    uint64_t too_large;         /* refused by a max-payload (sender's or receiver's) */
    uint64_t instances_refused; /* instance starts refused by the runtime-wide caps */
    uint32_t instances;         /* live instances counted against max_instances */
    uint64_t memory_reserved;   /* bytes counted against max_memory_bytes */
} aw_runtime_stats;

AW_API void aw_runtime_stats_get(aw_runtime *rt, aw_runtime_stats *out);

/* What the policy did with one component's outgoing messages (sends,
 * requests, calls, publishes). Counters only grow. */
typedef struct aw_component_stats {
    uint64_t sent;         /* passed the policy checks and were routed */
    uint64_t denied;       /* its own capability or the receiver's refused */
    uint64_t rate_limited; /* its [rate-limit] refused */
    uint64_t too_large;    /* over its own max-payload or the receiver's */
    uint64_t refused;      /* any other refusal: unknown target, codec the
                              receiver does not accept, mailbox full, ... */
    uint64_t rate_tokens;  /* rate-limit tokens available now; UINT64_MAX:
                              the manifest has no [rate-limit] */
} aw_component_stats;

/* Fills *out for component id; AW_NOT_FOUND when the system has no such
 * component. Any thread, any time after aw_runtime_start. */
AW_API aw_status aw_runtime_component_stats(aw_runtime *rt, const char *id,
                                            aw_component_stats *out);

/* Stops the system: waits up to drain_ns for the mailboxes to empty, calls
 * each component's shutdown export in reverse start order, stops them. */
AW_API aw_status aw_runtime_stop(aw_runtime *rt, uint64_t drain_ns);

#ifdef __cplusplus
}
#endif

#endif
