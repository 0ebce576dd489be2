/* The host interface `airwasm:component/host@0.1.0`: the nine functions a
 * component imports, each lifting its arguments from guest memory, asking
 * the runtime backend, and lowering the result at the guest's out-pointer
 * (docs/component-abi.md has the layouts). */
#include "host/canon.h"
#include "host/imports.h"

#include "base/log.h"
#include "platform/os.h"

#include <string.h>

/* The canonical ABI's may_leave rule: no import from inside cabi_realloc or
 * a post-return function. */
static bool enter(aw__component *c, const char *name) {
    if (c->may_leave) return true;
    return aw__canon_fail(c, AW_TRAP_HOST_ERROR,
                          "host import %s called from cabi_realloc or a post-return function",
                          name);
}

static uint32_t arg32(const uint64_t *slots, int i) {
    return (uint32_t)slots[i];
}

/* result<_, send-error> at out: disc u8 @0, error u8 @1. */
static void store_send_result(uint8_t *out, int code) {
    if (code < AW__SEND_OK || code >= AW__SEND_ERROR_COUNT) code = AW__SEND_DENIED;
    if (code == AW__SEND_OK) {
        out[0] = 0;
    } else {
        out[0] = 1;
        out[1] = (uint8_t)code;
    }
}

static aw_host_result host_self_id(aw_instance *instance, void *env, uint64_t *slots) {
    aw__component *c = env;
    uint32_t ret = arg32(slots, 0);
    uint8_t *out;
    uint32_t ptr;
    if (!enter(c, "self-id") || !aw__canon_result_ptr(c, "self-id", ret, 8, 4, &out) ||
        !aw__canon_lower_bytes(c, c->id, c->id_len, &ptr))
        return aw__canon_trap_now(c);
    out = aw__canon_span(instance, ret, 8); /* memory may have moved */
    aw__canon_store_u32(out, ptr);
    aw__canon_store_u32(out + 4, (uint32_t)c->id_len);
    return AW_HOST_RETURN;
}

static aw_host_result host_send_message(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    const char *target;
    const uint8_t *payload;
    uint8_t *out;
    if (!enter(c, "send-message") ||
        !aw__canon_lift_string(c, "send-message target", arg32(slots, 0), arg32(slots, 1),
                               &target) ||
        !aw__canon_lift_bytes(c, "send-message payload", arg32(slots, 2), arg32(slots, 3),
                              &payload) ||
        !aw__canon_result_ptr(c, "send-message", arg32(slots, 4), 2, 1, &out))
        return aw__canon_trap_now(c);
    int code = AW__SEND_DENIED;
    if (c->backend.send_message != NULL)
        code = c->backend.send_message(c->backend.ctx, c, target, arg32(slots, 1), payload,
                                       arg32(slots, 3));
    store_send_result(out, code);
    return AW_HOST_RETURN;
}

static aw_host_result host_send_request(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    const char *target;
    const uint8_t *payload;
    uint8_t *out;
    if (!enter(c, "send-request") ||
        !aw__canon_lift_string(c, "send-request target", arg32(slots, 0), arg32(slots, 1),
                               &target) ||
        !aw__canon_lift_bytes(c, "send-request payload", arg32(slots, 2), arg32(slots, 3),
                              &payload) ||
        !aw__canon_result_ptr(c, "send-request", arg32(slots, 5), 16, 8, &out))
        return aw__canon_trap_now(c);
    int code = AW__SEND_DENIED;
    uint64_t id = 0;
    if (c->backend.send_request != NULL)
        code = c->backend.send_request(c->backend.ctx, c, target, arg32(slots, 1), payload,
                                       arg32(slots, 3), arg32(slots, 4), &id);
    if (code < AW__SEND_OK || code >= AW__SEND_ERROR_COUNT) code = AW__SEND_DENIED;
    /* result<u64, send-error>: disc u8 @0, payload @8. */
    if (code == AW__SEND_OK) {
        out[0] = 0;
        aw__canon_store_u64(out + 8, id);
    } else {
        out[0] = 1;
        out[8] = (uint8_t)code;
    }
    return AW_HOST_RETURN;
}

static aw_host_result host_cancel_request(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    if (!enter(c, "cancel-request")) return aw__canon_trap_now(c);
    bool cancelled = false;
    if (c->backend.cancel_request != NULL)
        cancelled = c->backend.cancel_request(c->backend.ctx, c, slots[0]);
    slots[0] = cancelled ? 1 : 0;
    return AW_HOST_RETURN;
}

bool aw__imports_lower_call_result(aw__component *c, uint32_t ret, const aw__call_result *result) {
    /* result<list<u8>, request-error>: disc u8 @0, ok {ptr @4, len @8},
     * err u8 @4. ret was checked by the import; memory only grows, so it is
     * still in bounds, but its host address is taken afresh. */
    uint8_t *out;
    int error = result->error;
    if (error < AW__REQUEST_OK || error >= AW__REQUEST_ERROR_COUNT)
        error = AW__REQUEST_TARGET_ERROR;
    if (error != AW__REQUEST_OK) {
        if (!aw__canon_result_ptr(c, "call", ret, 12, 4, &out)) return false;
        out[0] = 1;
        out[4] = (uint8_t)error;
        return true;
    }
    uint32_t ptr;
    if (!aw__canon_lower_bytes(c, result->payload, result->len, &ptr)) return false;
    if (!aw__canon_result_ptr(c, "call", ret, 12, 4, &out)) return false;
    out[0] = 0;
    aw__canon_store_u32(out + 4, ptr);
    aw__canon_store_u32(out + 8, (uint32_t)result->len);
    return true;
}

static aw_host_result host_call(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    const char *target;
    const uint8_t *payload;
    uint8_t *out;
    uint32_t ret = arg32(slots, 5);
    if (!enter(c, "call") ||
        !aw__canon_lift_string(c, "call target", arg32(slots, 0), arg32(slots, 1), &target) ||
        !aw__canon_lift_bytes(c, "call payload", arg32(slots, 2), arg32(slots, 3), &payload) ||
        !aw__canon_result_ptr(c, "call", ret, 12, 4, &out))
        return aw__canon_trap_now(c);
    aw__call_result now = {AW__REQUEST_DENIED, NULL, 0};
    aw__call_start start = AW__CALL_DONE;
    /* Nothing can wait for a response while the component is being created
     * (init runs inside aw__component_create), so a call from init is denied. */
    if (c->backend.call != NULL && !c->in_init)
        start = c->backend.call(c->backend.ctx, c, target, arg32(slots, 1), payload,
                                arg32(slots, 3), arg32(slots, 4), &now);
    if (start == AW__CALL_PENDING) {
        c->call_ret = ret;
        return AW_HOST_SUSPEND;
    }
    if (!aw__imports_lower_call_result(c, ret, &now)) return aw__canon_trap_now(c);
    return AW_HOST_RETURN;
}

static aw_host_result host_publish(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    const char *topic;
    const uint8_t *payload;
    uint8_t *out;
    if (!enter(c, "publish") ||
        !aw__canon_lift_string(c, "publish topic", arg32(slots, 0), arg32(slots, 1), &topic) ||
        !aw__canon_lift_bytes(c, "publish payload", arg32(slots, 2), arg32(slots, 3), &payload) ||
        !aw__canon_result_ptr(c, "publish", arg32(slots, 4), 2, 1, &out))
        return aw__canon_trap_now(c);
    int code = AW__SEND_DENIED;
    if (c->backend.publish != NULL)
        code =
            c->backend.publish(c->backend.ctx, c, topic, arg32(slots, 1), payload, arg32(slots, 3));
    store_send_result(out, code);
    return AW_HOST_RETURN;
}

static aw_host_result host_subscribe(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    const char *topic;
    uint8_t *out;
    if (!enter(c, "subscribe") ||
        !aw__canon_lift_string(c, "subscribe topic", arg32(slots, 0), arg32(slots, 1), &topic) ||
        !aw__canon_result_ptr(c, "subscribe", arg32(slots, 2), 2, 1, &out))
        return aw__canon_trap_now(c);
    int code = AW__SEND_DENIED;
    if (c->backend.subscribe != NULL)
        code = c->backend.subscribe(c->backend.ctx, c, topic, arg32(slots, 1));
    store_send_result(out, code);
    return AW_HOST_RETURN;
}

static aw_host_result host_log(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t level = arg32(slots, 0);
    const char *message;
    if (!enter(c, "log")) return aw__canon_trap_now(c);
    /* Lifting an enum traps on a case index past the last case. */
    if (level > AW_LOG_ERROR) {
        aw__canon_fail(c, AW_TRAP_HOST_ERROR, "log: level %u is not a log-level (0..4)", level);
        return aw__canon_trap_now(c);
    }
    uint32_t len = arg32(slots, 2);
    if (!aw__canon_lift_string(c, "log message", arg32(slots, 1), len, &message))
        return aw__canon_trap_now(c);
    if (c->backend.log != NULL)
        c->backend.log(c->backend.ctx, c, (aw_log_level)level, message, len);
    else
        AW__LOG((aw_log_level)level, c->log_source, "%.*s", len > 65536 ? 65536 : (int)len,
                message);
    return AW_HOST_RETURN;
}

static aw_host_result host_now_millis(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    if (!enter(c, "now-millis")) return aw__canon_trap_now(c);
    slots[0] = c->backend.now_millis != NULL ? c->backend.now_millis(c->backend.ctx)
                                             : aw__clock_realtime_ns() / 1000000u;
    return AW_HOST_RETURN;
}

const aw__import_def aw__host_imports[] = {
    {"self-id", "i>", host_self_id},
    {"send-message", "iiiii>", host_send_message},
    {"send-request", "iiiiii>", host_send_request},
    {"cancel-request", "I>i", host_cancel_request},
    {"call", "iiiiii>", host_call},
    {"publish", "iiiii>", host_publish},
    {"subscribe", "iii>", host_subscribe},
    {"log", "iii>", host_log},
    {"now-millis", ">I", host_now_millis},
};
const size_t aw__host_import_count = sizeof aw__host_imports / sizeof aw__host_imports[0];
