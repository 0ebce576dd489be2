/* The host-import backend: what a component's send-message, send-request,
 * cancel-request, call, publish, subscribe, log and now-millis do, in terms of
 * the router, the request table and the topic index. Everything a guest
 * passes arrives bounds- and UTF-8-checked, borrowed from its memory. */
#include "runtime/runtime_internal.h"

#include "base/error.h"
#include "base/log.h"
#include "platform/os.h"

#include <stdio.h>

int aw__rt_send_error(aw_status status) {
    switch (status) {
        case AW_OK: return AW__SEND_OK;
        case AW_NOT_FOUND:
        case AW_NO_SUCH_ACTOR:
        case AW_INVALID_ARGUMENT: return AW__SEND_UNKNOWN_TARGET;
        case AW_DENIED: return AW__SEND_DENIED;
        case AW_RATE_LIMITED: return AW__SEND_RATE_LIMITED;
        case AW_MAILBOX_FULL: return AW__SEND_MAILBOX_FULL;
        case AW_BAD_CODEC: return AW__SEND_BAD_CODEC;
        case AW_TOO_LARGE: return AW__SEND_TOO_LARGE;
        case AW_SHUTTING_DOWN: return AW__SEND_SHUTTING_DOWN;
        default: return AW__SEND_DENIED;
    }
}

/* A send-error as the request-error a synchronous call reports. */
static int request_error_of(int send_error) {
    switch (send_error) {
        case AW__SEND_UNKNOWN_TARGET: return AW__REQUEST_UNKNOWN_TARGET;
        case AW__SEND_DENIED: return AW__REQUEST_DENIED;
        default: return AW__REQUEST_TARGET_ERROR;
    }
}

static void count_failure(aw_runtime *rt, int send_error) {
    if (send_error != AW__SEND_OK)
        atomic_fetch_add_explicit(&rt->counters.send_failures, 1, memory_order_relaxed);
}

static void log_refusal(const aw__rt_def *def, const char *what, const char *target,
                        size_t target_len, const aw_error *err) {
    /* A guest that retries on mailbox-full refuses many times a second:
     * nothing is formatted unless the line is written. */
    if (!aw__log_enabled(AW_LOG_DEBUG)) return;
    char source[300];
    snprintf(source, sizeof source, "component:%s", def->name->text);
    AW__LOG(AW_LOG_DEBUG, source, "%s to '%.*s' refused: %s", what, (int)target_len, target,
            err->message);
}

/* A payload holding a copy of bytes: from the sending component's pool (its
 * actor is the one running this), or an ordinary one for the host. */
static inline aw_payload *payload_of(aw__rt_def *from, const uint8_t *bytes, size_t len) {
    return from ? aw__payload_pool_copy(&from->outbox.pool, bytes, len)
                : aw_payload_copy(bytes, len);
}

/* The trace of a message component c sends: a child of the one it is
 * handling (same trace id, new span id; docs/messaging.md), or a new root
 * when it handles none (its init, for instance). */
static inline void trace_for(aw__component *c, aw__trace *out) {
    const aw__trace *parent = aw__rt_component_trace(c);
    if (parent)
        aw__trace_new_child(out, parent);
    else
        aw__trace_new_root(out, AW__TRACE_SAMPLED);
}

/* Builds one envelope of kind from `from` (NULL: the host) and delivers it
 * to the component `to`, resolved by the caller: what aw__router_send does
 * after its lookup. request_id is 0 for a cast; trace NULL: a new root.
 * Always inlined: ten arguments cost more to pass than the body does. */
__attribute__((always_inline)) static inline aw_status
deliver(aw_runtime *rt, aw__rt_def *from, aw_actor_ref sender, const aw__rt_def *to,
        aw__msg_kind kind, uint64_t request_id, const aw__trace *trace, const uint8_t *payload,
        size_t len, aw_error *err) {
    aw_payload *p = payload_of(from, payload, len);
    if (!p) return aw__error_set(err, AW_NO_MEMORY, "out of memory for a payload");
    aw__envelope env;
    env.from = from ? from->name : rt->host_name;
    env.to = to->name;
    env.kind = (uint8_t)kind;
    env.error = 0;
    env.request_id = request_id;
    env.deadline_ns = 0;
    if (trace)
        env.trace = *trace;
    else
        aw__trace_new_root(&env.trace, AW__TRACE_SAMPLED);
    env.payload = p;
    env.topic = NULL;
    aw__route route = aw__rt_route_of(to);
    return aw__router_deliver(rt->sys, &route, &env, sender, err);
}

aw_status aw__rt_unknown_target(const char *target, size_t target_len, aw_error *err) {
    int shown = target_len > AW__NAME_MAX_LEN ? AW__NAME_MAX_LEN : (int)target_len;
    return aw__error_set(err, AW_NOT_FOUND, "unknown component %.*s", shown, target);
}

static int be_send_message(void *ctx, aw__component *from, const char *target, size_t target_len,
                           const uint8_t *payload, size_t payload_len) {
    aw_runtime *rt = ctx;
    aw__rt_def *def = aw__rt_component_def(from);
    aw_error err;
    aw_error_clear(&err);
    const aw__rt_def *to;
    aw_status st = aw__rt_gate_send(rt, def, target, target_len, payload_len, &to, &err);
    if (st == AW_OK && to) {
        aw__trace trace;
        trace_for(from, &trace);
        st = deliver(rt, def, aw__rt_component_ref(from), to, AW__MSG_CAST, 0, &trace, payload,
                     payload_len, &err);
    } else if (st == AW_OK) {
        st = aw__rt_unknown_target(target, target_len, &err);
    }
    if (st == AW_OK) {
        aw__rt_gate_passed(rt, def, from, AW_AUDIT_SEND, target, target_len);
        return AW__SEND_OK;
    }
    aw__rt_gate_done(rt, from, AW_AUDIT_SEND, target, target_len, st, &err);
    int e = aw__rt_send_error(st);
    count_failure(rt, e);
    log_refusal(def, "send-message", target, target_len, &err);
    return e;
}

/* Registers a request from `from` to target and routes it; *id gets its id. */
static aw_status start_request(aw_runtime *rt, aw__component *from, const char *target,
                               size_t target_len, const uint8_t *payload, size_t payload_len,
                               uint32_t timeout_ms, aw__reply_mode mode, uint64_t *id,
                               aw_error *err) {
    aw__rt_def *def = aw__rt_component_def(from);
    const aw__rt_def *to;
    aw_status st = aw__rt_gate_send(rt, def, target, target_len, payload_len, &to, err);
    if (st != AW_OK) return st;
    if (!to) return aw__rt_unknown_target(target, target_len, err);
    aw_actor_ref instance = atomic_load_explicit(&to->ref, memory_order_acquire);
    if (instance == AW_ACTOR_NONE)
        return aw__error_set(err, AW_NO_SUCH_ACTOR, "component %s has no running instance",
                             to->name->text);
    if (timeout_ms == 0) timeout_ms = def->manifest->limits.timeout_ms;
    aw__request_info info = {
        .requester = aw__rt_component_ref(from),
        .requester_name = def->name,
        .target = instance,
        .target_name = to->name,
        .deadline_ns = aw_actor_system_now(rt->sys) + (uint64_t)timeout_ms * 1000000u,
        .mode = mode,
    };
    /* The request's trace, kept in the table: the response continues it. */
    trace_for(from, &info.trace);
    st = aw__correlate_begin(rt->correlate, &info, id);
    if (st != AW_OK) return st;
    st = deliver(rt, def, info.requester, to, AW__MSG_REQUEST, *id, &info.trace, payload,
                 payload_len, err);
    if (st != AW_OK) {
        aw__correlate_cancel(rt->correlate, *id, info.requester);
        return st;
    }
    aw__rt_count_own(&def->policy.requests);
    return AW_OK;
}

static int be_send_request(void *ctx, aw__component *from, const char *target, size_t target_len,
                           const uint8_t *payload, size_t payload_len, uint32_t timeout_ms,
                           uint64_t *request_id) {
    aw_runtime *rt = ctx;
    aw_error err;
    aw_error_clear(&err);
    aw_status st = start_request(rt, from, target, target_len, payload, payload_len, timeout_ms,
                                 AW__REPLY_MESSAGE, request_id, &err);
    aw__rt_gate_done(rt, from, AW_AUDIT_REQUEST, target, target_len, st, &err);
    int e = aw__rt_send_error(st);
    count_failure(rt, e);
    if (st != AW_OK)
        log_refusal(aw__rt_component_def(from), "send-request", target, target_len, &err);
    return e;
}

static bool be_cancel_request(void *ctx, aw__component *from, uint64_t request_id) {
    aw_runtime *rt = ctx;
    return aw__correlate_cancel(rt->correlate, request_id, aw__rt_component_ref(from)) == AW_OK;
}

static aw__call_start be_call(void *ctx, aw__component *from, const char *target,
                              size_t target_len, const uint8_t *payload, size_t payload_len,
                              uint32_t timeout_ms, aw__call_result *now) {
    aw_runtime *rt = ctx;
    aw_error err;
    aw_error_clear(&err);
    uint64_t *slot = aw__rt_call_slot(from);
    aw_status st = start_request(rt, from, target, target_len, payload, payload_len, timeout_ms,
                                 AW__REPLY_WAKE, slot, &err);
    aw__rt_gate_done(rt, from, AW_AUDIT_CALL, target, target_len, st, &err);
    if (st == AW_OK) return AW__CALL_PENDING;
    int e = aw__rt_send_error(st);
    count_failure(rt, e);
    log_refusal(aw__rt_component_def(from), "call", target, target_len, &err);
    now->error = request_error_of(e);
    now->payload = NULL;
    now->len = 0;
    return AW__CALL_DONE;
}

typedef struct fanout {
    aw_runtime *rt;
    const aw__name *from;
    aw__rt_def *publisher; /* NULL: the host */
    const char *topic;
    size_t topic_len;
    aw_payload *payload;
    aw__codec codec;
    uint32_t delivered;
} fanout;

static void deliver_publish(void *ctx, uint64_t subscriber) {
    fanout *f = ctx;
    aw__rt_def *def = (aw__rt_def *)(uintptr_t)subscriber;
    if (!aw__codec_set_has(def->manifest->accepts, f->codec)) return;
    if (f->payload->len > def->manifest->limits.max_payload) return;
    if (!aw__rt_gate_receive(f->rt, f->publisher, def, f->topic, f->topic_len)) return;
    aw_actor_ref ref = atomic_load(&def->ref);
    aw__envelope env = {0};
    env.from = f->from;
    env.to = def->name;
    env.kind = AW__MSG_PUBLISH;
    env.payload = aw_payload_retain(f->payload);
    aw__trace_new_root(&env.trace, 1);
    aw_msg msg;
    aw__envelope_to_msg(&env, AW_ACTOR_NONE, &msg);
    aw_status sent = aw_actor_send(f->rt->sys, ref, &msg);
    if (sent == AW_OK) f->delivered++;
    /* A full mailbox refuses before taking anything: the payload is still ours. */
    if (sent == AW_MAILBOX_FULL) aw_payload_release(msg.payload);
}

aw_status aw__rt_publish(aw_runtime *rt, aw__rt_def *from, const char *topic,
                         size_t topic_len, const uint8_t *payload, size_t len,
                         uint32_t *delivered, aw_error *err) {
    fanout f = {rt, from ? from->name : rt->host_name, from, topic, topic_len, NULL,
                AW__CODEC_RAW, 0};
    const uint8_t *body;
    size_t body_len;
    aw_status st = aw__codec_split(payload, len, &f.codec, &body, &body_len, err);
    if (st != AW_OK) return AW_BAD_CODEC;
    f.payload = payload_of(from, payload, len);
    if (!f.payload) return AW_NO_MEMORY;
    st = aw__topic_match(rt->topics, topic, topic_len, deliver_publish, &f, NULL, err);
    aw_payload_release(f.payload);
    if (delivered) *delivered = f.delivered;
    return st;
}

static int be_publish(void *ctx, aw__component *from, const char *topic, size_t topic_len,
                      const uint8_t *payload, size_t payload_len) {
    aw_runtime *rt = ctx;
    aw__rt_def *def = aw__rt_component_def(from);
    aw_error err;
    aw_error_clear(&err);
    aw_status st = aw__rt_gate_publish(rt, from, topic, topic_len, payload_len, &err);
    if (st == AW_OK)
        st = aw__rt_publish(rt, def, topic, topic_len, payload, payload_len, NULL, &err);
    aw__rt_gate_done(rt, from, AW_AUDIT_PUBLISH, topic, topic_len, st, &err);
    /* A malformed topic name is the publisher's mistake: denied, logged. */
    int e = st == AW_INVALID_ARGUMENT ? AW__SEND_DENIED : aw__rt_send_error(st);
    count_failure(rt, e);
    if (st != AW_OK) log_refusal(def, "publish", topic, topic_len, &err);
    return e;
}

static int be_subscribe(void *ctx, aw__component *from, const char *topic, size_t topic_len) {
    aw_runtime *rt = ctx;
    aw__rt_def *def = aw__rt_component_def(from);
    aw_error err;
    aw_error_clear(&err);
    aw_status st = aw__rt_gate_subscribe(rt, from, topic, topic_len, &err);
    if (st == AW_OK)
        st = aw__topic_subscribe(rt->topics, topic, topic_len, (uint64_t)(uintptr_t)def, &err);
    if (st == AW_ALREADY_EXISTS) st = AW_OK;
    if (st != AW_OK) aw__rt_gate_done(rt, from, AW_AUDIT_SUBSCRIBE, topic, topic_len, st, &err);
    if (st == AW_OK) return AW__SEND_OK;
    log_refusal(def, "subscribe", topic, topic_len, &err);
    return st == AW_NO_MEMORY ? AW__SEND_SHUTTING_DOWN : AW__SEND_DENIED;
}

static void be_log(void *ctx, aw__component *from, aw_log_level level, const char *message,
                   size_t message_len) {
    (void)ctx;
    if (!aw__log_enabled(level)) return;
    aw__rt_def *def = aw__rt_component_def(from);
    char source[300];
    snprintf(source, sizeof source, "component:%s", def->name->text);
    aw__log(level, source, "%.*s", (int)message_len, message);
}

static void be_fs_denied(void *ctx, aw__component *from, const char *call, const uint8_t *path,
                         size_t path_len) {
    aw__rt_gate_fs_denied(ctx, from, call, path, path_len);
}

static uint64_t be_now_millis(void *ctx) {
    (void)ctx;
    return aw__clock_realtime_ns() / 1000000u;
}

aw__host_backend aw__rt_backend(aw_runtime *rt) {
    aw__host_backend b = {
        .ctx = rt,
        .send_message = be_send_message,
        .send_request = be_send_request,
        .cancel_request = be_cancel_request,
        .call = be_call,
        .publish = be_publish,
        .subscribe = be_subscribe,
        .log = be_log,
        .fs_denied = be_fs_denied,
        .now_millis = be_now_millis,
    };
    return b;
}
