/* The host imports (module airwasm:component/host@0.1.0) lowered per the
 * canonical ABI, wrapped as plain C functions. Results that do not fit one
 * flat value come back through a return area the host writes. */
#include "guest_internal.h"

#include <string.h>

#define HOST_IMPORT(name)                                                                          \
    __attribute__((import_module("airwasm:component/host@0.1.0"), import_name(name)))

/* Core signatures: docs/component-abi.md. */
HOST_IMPORT("self-id") void host_self_id(uint8_t *ret);
HOST_IMPORT("send-message")
void host_send_message(const char *target, size_t target_len, const uint8_t *payload,
                       size_t payload_len, uint8_t *ret);
HOST_IMPORT("send-request")
void host_send_request(const char *target, size_t target_len, const uint8_t *payload,
                       size_t payload_len, uint32_t timeout_ms, uint8_t *ret);
HOST_IMPORT("cancel-request") uint32_t host_cancel_request(uint64_t id);
HOST_IMPORT("call")
void host_call(const char *target, size_t target_len, const uint8_t *payload, size_t payload_len,
               uint32_t timeout_ms, uint8_t *ret);
HOST_IMPORT("publish")
void host_publish(const char *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
                  uint8_t *ret);
HOST_IMPORT("subscribe") void host_subscribe(const char *topic, size_t topic_len, uint8_t *ret);
HOST_IMPORT("log") void host_log(uint32_t level, const char *message, size_t message_len);
HOST_IMPORT("now-millis") uint64_t host_now_millis(void);

/* Big enough and aligned for result<u64, send-error> (16 bytes, align 8). */
static _Alignas(8) uint8_t ret_area[16];

/* Payloads built from codec + body (reused, so steady traffic allocates
 * nothing) and formatted log lines. */
static aw__gbuf scratch;
static aw__gbuf line;

static uint32_t load_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* result<_, send-error>: disc u8 @0, error u8 @1. */
static aw_send_error send_result(const uint8_t *area) {
    if (area[0] == 0) return AW_SEND_OK;
    return (aw_send_error)(area[1] + 1);
}

const char *aw_self_id(void) {
    static const char *self;
    if (!self) {
        /* The host wrote the string with cabi_realloc, which NUL-terminates
         * every block; it stays ours for the instance's life. */
        aw__import_begin();
        host_self_id(ret_area);
        aw__import_end();
        uint32_t len = load_u32(ret_area + 4);
        self = len ? (const char *)(uintptr_t)load_u32(ret_area) : "";
    }
    return self;
}

aw_send_error aw_send(const char *target, const void *payload, size_t len) {
    host_send_message(target, strlen(target), payload, len, ret_area);
    return send_result(ret_area);
}

aw_send_error aw_send_codec(const char *target, uint64_t codec, const void *body, size_t len) {
    if (!aw__gbuf_set_prefixed(&scratch, codec, body, len)) return AW_SEND_NO_MEMORY;
    aw_send_error e = aw_send(target, scratch.data, scratch.len);
    aw__gbuf_trim(&scratch);
    return e;
}

aw_send_error aw_send_json(const char *target, const char *json) {
    return aw_send_codec(target, AW_CODEC_JSON, json, strlen(json));
}

aw_send_error aw_send_raw(const char *target, const void *body, size_t len) {
    return aw_send_codec(target, AW_CODEC_RAW, body, len);
}

aw_send_error aw_request(const char *target, const void *payload, size_t len, uint32_t timeout_ms,
                         aw_request_id *id) {
    host_send_request(target, strlen(target), payload, len, timeout_ms, ret_area);
    /* result<u64, send-error>: disc u8 @0, payload @8. */
    if (ret_area[0] != 0) return (aw_send_error)(ret_area[8] + 1);
    memcpy(id, ret_area + 8, 8);
    return AW_SEND_OK;
}

aw_send_error aw_request_json(const char *target, const char *json, uint32_t timeout_ms,
                              aw_request_id *id) {
    if (!aw__gbuf_set_prefixed(&scratch, AW_CODEC_JSON, json, strlen(json)))
        return AW_SEND_NO_MEMORY;
    aw_send_error e = aw_request(target, scratch.data, scratch.len, timeout_ms, id);
    aw__gbuf_trim(&scratch);
    return e;
}

bool aw_cancel(aw_request_id id) {
    return host_cancel_request(id) != 0;
}

void aw_buffer_free(aw_buffer *buffer) {
    aw__host_free(buffer->ptr);
    buffer->ptr = aw__empty();
    buffer->len = 0;
}

aw_request_error aw_call(const char *target, const void *payload, size_t len, uint32_t timeout_ms,
                         aw_buffer *response) {
    response->ptr = aw__empty();
    response->len = 0;
    aw__import_begin();
    host_call(target, strlen(target), payload, len, timeout_ms, ret_area);
    aw__import_end();
    /* result<list<u8>, request-error>: disc u8 @0, {ptr @4, len @8} or error u8 @4. */
    if (ret_area[0] != 0) return (aw_request_error)(ret_area[4] + 1);
    uint32_t n = load_u32(ret_area + 8);
    uint8_t *p = (uint8_t *)(uintptr_t)load_u32(ret_area + 4);
    /* The pointer of an empty list is not necessarily an allocation. */
    response->ptr = n ? p : aw__empty();
    response->len = n;
    return AW_REQUEST_OK;
}

aw_request_error aw_call_json(const char *target, const char *json, uint32_t timeout_ms,
                              aw_buffer *response) {
    /* The call suspends this component, which cannot run anything else that
     * would reuse scratch before the host has copied the payload. */
    if (!aw__gbuf_set_prefixed(&scratch, AW_CODEC_JSON, json, strlen(json))) {
        response->ptr = aw__empty();
        response->len = 0;
        return AW_REQUEST_NO_MEMORY;
    }
    aw_request_error e = aw_call(target, scratch.data, scratch.len, timeout_ms, response);
    aw__gbuf_trim(&scratch);
    return e;
}

aw_send_error aw_publish(const char *topic, const void *payload, size_t len) {
    host_publish(topic, strlen(topic), payload, len, ret_area);
    return send_result(ret_area);
}

aw_send_error aw_publish_json(const char *topic, const char *json) {
    if (!aw__gbuf_set_prefixed(&scratch, AW_CODEC_JSON, json, strlen(json)))
        return AW_SEND_NO_MEMORY;
    aw_send_error e = aw_publish(topic, scratch.data, scratch.len);
    aw__gbuf_trim(&scratch);
    return e;
}

aw_send_error aw_subscribe(const char *topic) {
    host_subscribe(topic, strlen(topic), ret_area);
    return send_result(ret_area);
}

/* AW_LOG_OFF (and anything past it) is no WIT level: the host would trap. */
static bool loggable(aw_log_level level) {
    return (unsigned)level <= (unsigned)AW_LOG_ERROR;
}

void aw_log(aw_log_level level, const char *message) {
    if (!loggable(level)) return;
    host_log((uint32_t)level, message, strlen(message));
}

void aw_vlogf(aw_log_level level, const char *fmt, va_list args) {
    if (!loggable(level)) return;
    if (aw__gbuf_vprintf(&line, 0, fmt, args))
        host_log((uint32_t)level, (const char *)line.data, line.len);
    else
        aw_log(AW_LOG_ERROR, "aw_logf: out of memory formatting a log line");
    aw__gbuf_trim(&line);
}

void aw_logf(aw_log_level level, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    aw_vlogf(level, fmt, args);
    va_end(args);
}

uint64_t aw_now_millis(void) {
    return host_now_millis();
}
