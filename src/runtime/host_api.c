/* Messaging from the embedding host: casts, requests with a callback,
 * synchronous calls and publishes, all with the sender id "host". Request
 * outcomes come back as envelopes to the host proxy, a native actor that
 * hands each to the callback registered for its request id. */
#include "runtime/runtime_internal.h"

#include "base/alloc.h"
#include "base/error.h"

#include <stdio.h>
#include <string.h>

static aw_status send_status(aw_status s, const char *target, aw_error *err) {
    if (s == AW_NOT_FOUND || s == AW_NO_SUCH_ACTOR)
        return aw__error_set(err, AW_NOT_FOUND, "no component '%s' is running", target);
    return s;
}

/* The host's envelope of kind to the component `to` (resolved by the
 * caller), delivered as aw__router_send would after its lookup. */
static aw_status host_deliver(aw_runtime *rt, const aw__rt_def *to, aw__msg_kind kind,
                              uint64_t request_id, const aw__trace *trace, const void *payload,
                              size_t len, aw_error *err) {
    aw_payload *p = aw_payload_copy(payload, len);
    if (!p) return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    aw__envelope env = {0};
    env.from = rt->host_name;
    env.to = to->name;
    env.kind = (uint8_t)kind;
    env.request_id = request_id;
    env.payload = p;
    if (trace)
        env.trace = *trace;
    else
        aw__trace_new_root(&env.trace, AW__TRACE_SAMPLED);
    aw__route route = aw__rt_route_of(to);
    return aw__router_deliver(rt->sys, &route, &env, rt->host_proxy, err);
}

aw_status aw_runtime_send(aw_runtime *rt, const char *target, const void *payload, size_t len,
                          aw_error *err) {
    const aw__rt_def *to = aw__rt_find_def(rt, target, strlen(target));
    if (!to) return send_status(AW_NOT_FOUND, target, err);
    aw_status s = host_deliver(rt, to, AW__MSG_CAST, 0, NULL, payload, len, err);
    return send_status(s, target, err);
}

/* Takes the registration of request id out of the host's list (NULL if none). */
static aw__rt_host_request *take_host_request(aw_runtime *rt, uint64_t id) {
    aw__mutex_lock(&rt->host_lock);
    aw__rt_host_request **link = &rt->host_requests;
    while (*link && (*link)->id != id) link = &(*link)->next;
    aw__rt_host_request *r = *link;
    if (r) *link = r->next;
    aw__mutex_unlock(&rt->host_lock);
    return r;
}

aw_status aw_runtime_request(aw_runtime *rt, const char *target, const void *payload, size_t len,
                             uint32_t timeout_ms, aw_response_fn fn, void *ctx,
                             uint64_t *request_id, aw_error *err) {
    const aw__rt_def *to = aw__rt_find_def(rt, target, strlen(target));
    aw_actor_ref instance = to ? atomic_load_explicit(&to->ref, memory_order_acquire)
                               : AW_ACTOR_NONE;
    if (instance == AW_ACTOR_NONE) return send_status(AW_NOT_FOUND, target, err);
    aw__rt_host_request *reg = AW__NEW(aw__rt_host_request);
    if (!reg) return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    reg->fn = fn;
    reg->ctx = ctx;
    /* 0: the target's manifest timeout, as airwasm.h says. */
    if (timeout_ms == 0) timeout_ms = to->manifest->limits.timeout_ms;
    aw__request_info info = {
        .requester = rt->host_proxy,
        .requester_name = NULL,
        .target = instance,
        .target_name = to->name,
        .deadline_ns = aw_actor_system_now(rt->sys) + (uint64_t)timeout_ms * 1000000u,
        .mode = AW__REPLY_MESSAGE,
    };
    /* The request's trace, kept in the table: the response continues it. */
    aw__trace_new_root(&info.trace, AW__TRACE_SAMPLED);
    /* Registered before the request exists, under the lock, so the proxy
     * cannot see the outcome before the registration. */
    aw__mutex_lock(&rt->host_lock);
    aw_status s = aw__correlate_begin(rt->correlate, &info, &reg->id);
    if (s == AW_OK) {
        reg->next = rt->host_requests;
        rt->host_requests = reg;
    }
    aw__mutex_unlock(&rt->host_lock);
    if (s != AW_OK) {
        AW__DELETE(reg);
        return aw__error_set(err, s, "cannot start a request: %s", aw_status_text(s));
    }
    uint64_t id = reg->id;
    s = host_deliver(rt, to, AW__MSG_REQUEST, id, &info.trace, payload, len, err);
    if (s != AW_OK) {
        aw__correlate_cancel(rt->correlate, id, rt->host_proxy);
        aw__rt_host_request *mine = take_host_request(rt, id);
        if (mine) AW__DELETE(mine);
        return send_status(s, target, err);
    }
    atomic_fetch_add_explicit(&rt->counters.requests, 1, memory_order_relaxed);
    if (request_id) *request_id = id;
    return AW_OK;
}

bool aw_runtime_cancel(aw_runtime *rt, uint64_t request_id) {
    if (aw__correlate_cancel(rt->correlate, request_id, rt->host_proxy) != AW_OK) return false;
    aw__rt_host_request *r = take_host_request(rt, request_id);
    if (r) AW__DELETE(r);
    return true;
}

/* aw_runtime_call waits on one of these, filled by its callback. */
typedef struct call_wait {
    aw__mutex lock;
    aw__cond done_cond;
    bool done;
    aw_request_outcome outcome;
    uint8_t *bytes;
    size_t len;
} call_wait;

static void call_done(void *ctx, uint64_t id, aw_request_outcome outcome, const uint8_t *bytes,
                      size_t len) {
    (void)id;
    call_wait *w = ctx;
    uint8_t *copy = NULL;
    if (len) {
        copy = aw__malloc(len);
        if (copy) memcpy(copy, bytes, len);
    }
    aw__mutex_lock(&w->lock);
    w->outcome = outcome;
    w->bytes = copy;
    w->len = copy ? len : 0;
    w->done = true;
    aw__cond_signal(&w->done_cond);
    aw__mutex_unlock(&w->lock);
}

aw_status aw_runtime_call(aw_runtime *rt, const char *target, const void *payload, size_t len,
                          uint32_t timeout_ms, aw_request_outcome *outcome, uint8_t **bytes,
                          size_t *bytes_len, aw_error *err) {
    call_wait w = {0};
    *bytes = NULL;
    *bytes_len = 0;
    if (aw__mutex_init(&w.lock) != AW_OK) return AW_NO_MEMORY;
    if (aw__cond_init(&w.done_cond) != AW_OK) {
        aw__mutex_destroy(&w.lock);
        return AW_NO_MEMORY;
    }
    aw_status s = aw_runtime_request(rt, target, payload, len, timeout_ms, call_done, &w, NULL, err);
    if (s == AW_OK) {
        aw__mutex_lock(&w.lock);
        while (!w.done) aw__cond_wait(&w.done_cond, &w.lock);
        aw__mutex_unlock(&w.lock);
        *outcome = w.outcome;
        *bytes = w.bytes;
        *bytes_len = w.len;
    }
    aw__cond_destroy(&w.done_cond);
    aw__mutex_destroy(&w.lock);
    return s;
}

void aw_runtime_free_bytes(uint8_t *bytes, size_t len) {
    aw__free(bytes, len);
}

aw_status aw_runtime_publish(aw_runtime *rt, const char *topic, const void *payload, size_t len,
                             uint32_t *delivered, aw_error *err) {
    return aw__rt_publish(rt, NULL, topic, strlen(topic), payload, len, delivered, err);
}

size_t aw_runtime_dead_letters_take(aw_runtime *rt, aw_runtime_dead_letter *out, size_t max) {
    size_t taken = 0;
    while (taken < max) {
        aw_dead_letter letter;
        if (aw_dead_letters_take(rt->sys, &letter, 1) != 1) break;
        aw_runtime_dead_letter *d = &out[taken++];
        memset(d, 0, sizeof *d);
        d->status = letter.status;
        d->trap = letter.status == AW_TRAP && letter.reason.kind == AW_EXIT_CRASH
                      ? (aw_trap)letter.reason.code
                      : AW_TRAP_NONE;
        for (size_t i = 0; i < rt->def_count; i++)
            if (atomic_load(&rt->defs[i].ref) == letter.target)
                snprintf(d->target, sizeof d->target, "%s", rt->defs[i].name->text);
        aw__envelope env;
        if (aw__envelope_in_msg(&letter.msg) && aw__envelope_view_msg(&letter.msg, &env) == AW_OK) {
            const aw__name *from = env.from ? env.from : rt->host_name;
            snprintf(d->sender, sizeof d->sender, "%s", from->text);
        }
        if (letter.msg.payload && letter.msg.payload->len) {
            d->bytes = aw__malloc(letter.msg.payload->len);
            if (d->bytes) {
                memcpy(d->bytes, letter.msg.payload->bytes, letter.msg.payload->len);
                d->len = letter.msg.payload->len;
            }
        }
        aw_payload_release(letter.msg.payload);
    }
    return taken;
}

static aw_handled proxy_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    aw_runtime *rt = state;
    aw__envelope env;
    if (!aw__envelope_in_msg(msg) || aw__envelope_view_msg(msg, &env) != AW_OK) return AW_DONE;
    if (env.kind != AW__MSG_RESPONSE && env.kind != AW__MSG_ERROR) return AW_DONE;
    aw__rt_host_request *r = take_host_request(rt, env.request_id);
    if (!r) return AW_DONE; /* cancelled meanwhile */
    aw_request_outcome outcome =
        env.kind == AW__MSG_RESPONSE ? AW_REQUEST_OK : (aw_request_outcome)env.error;
    const uint8_t *bytes = env.payload ? env.payload->bytes : NULL;
    size_t len = env.payload ? env.payload->len : 0;
    r->fn(r->ctx, r->id, outcome, bytes, len);
    AW__DELETE(r);
    return AW_DONE;
}

const aw_behaviour aw__rt_host_proxy_behaviour = {"host", NULL, proxy_handle, NULL};
