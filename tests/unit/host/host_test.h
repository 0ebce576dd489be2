/* Shared fixtures of the host-layer tests: loading the hand-written
 * components of tests/host/, a backend that records what the imports hand
 * it, and a log sink that keeps the lines. */
#ifndef AW_TEST_HOST_TEST_H
#define AW_TEST_HOST_TEST_H

#include "test_support.h"

#include "base/log.h"
#include "host/component.h"
#include "host/world.h"

#include <stdio.h>
#include <string.h>

static inline aw_module *load_module(const char *name) {
    char file[256];
    snprintf(file, sizeof file, "%s.wasm", name);
    size_t len = 0;
    uint8_t *bytes = aw_test_read_file(aw_test_wasm_path(file), &len);
    aw_module *module = NULL;
    aw_error err;
    aw_status s = aw_module_create(bytes, len, &module, &err);
    aw_test_free_file(bytes, len);
    if (s != AW_OK) fail_msg("%s: %s: %s", name, aw_status_name(s), err.message);
    return module;
}

/* What the recording backend saw last, and what it answers. */
typedef struct recorder {
    int calls;
    char fn[32];
    char target[128];
    size_t target_len;
    uint8_t payload[256];
    size_t payload_len;
    uint32_t timeout_ms;
    uint64_t id;
    aw__component *from;
    /* answers */
    int answer;          /* send-message/request, publish, subscribe */
    uint64_t request_id; /* send-request */
    bool cancelled;      /* cancel-request */
    aw__call_start call_start;
    aw__call_result call_now;
    uint64_t now;
    aw_log_level level;
} recorder;

static inline void record(recorder *r, const char *fn, aw__component *from, const char *target,
                          size_t target_len, const uint8_t *payload, size_t payload_len) {
    r->calls++;
    snprintf(r->fn, sizeof r->fn, "%s", fn);
    r->from = from;
    r->target_len = target_len;
    memcpy(r->target, target, target_len < sizeof r->target ? target_len : sizeof r->target);
    r->payload_len = payload_len;
    if (payload != NULL)
        memcpy(r->payload, payload,
               payload_len < sizeof r->payload ? payload_len : sizeof r->payload);
}

static inline int rec_send_message(void *ctx, aw__component *from, const char *target,
                                   size_t target_len, const uint8_t *payload, size_t len) {
    recorder *r = ctx;
    record(r, "send-message", from, target, target_len, payload, len);
    return r->answer;
}

static inline int rec_send_request(void *ctx, aw__component *from, const char *target,
                                   size_t target_len, const uint8_t *payload, size_t len,
                                   uint32_t timeout_ms, uint64_t *request_id) {
    recorder *r = ctx;
    record(r, "send-request", from, target, target_len, payload, len);
    r->timeout_ms = timeout_ms;
    *request_id = r->request_id;
    return r->answer;
}

static inline bool rec_cancel_request(void *ctx, aw__component *from, uint64_t id) {
    recorder *r = ctx;
    record(r, "cancel-request", from, "", 0, NULL, 0);
    r->id = id;
    return r->cancelled;
}

static inline aw__call_start rec_call(void *ctx, aw__component *from, const char *target,
                                      size_t target_len, const uint8_t *payload, size_t len,
                                      uint32_t timeout_ms, aw__call_result *now) {
    recorder *r = ctx;
    record(r, "call", from, target, target_len, payload, len);
    r->timeout_ms = timeout_ms;
    *now = r->call_now;
    return r->call_start;
}

static inline int rec_publish(void *ctx, aw__component *from, const char *topic, size_t topic_len,
                              const uint8_t *payload, size_t len) {
    recorder *r = ctx;
    record(r, "publish", from, topic, topic_len, payload, len);
    return r->answer;
}

static inline int rec_subscribe(void *ctx, aw__component *from, const char *topic,
                                size_t topic_len) {
    recorder *r = ctx;
    record(r, "subscribe", from, topic, topic_len, NULL, 0);
    return r->answer;
}

static inline void rec_log(void *ctx, aw__component *from, aw_log_level level, const char *message,
                           size_t len) {
    recorder *r = ctx;
    record(r, "log", from, "", 0, (const uint8_t *)message, len);
    r->level = level;
}

static inline uint64_t rec_now(void *ctx) {
    recorder *r = ctx;
    r->calls++;
    return r->now;
}

static inline aw__host_backend recording_backend(recorder *r) {
    aw__host_backend b;
    memset(&b, 0, sizeof b);
    b.ctx = r;
    b.send_message = rec_send_message;
    b.send_request = rec_send_request;
    b.cancel_request = rec_cancel_request;
    b.call = rec_call;
    b.publish = rec_publish;
    b.subscribe = rec_subscribe;
    b.log = rec_log;
    b.now_millis = rec_now;
    return b;
}

static inline aw__component_config config_for(const char *id, recorder *r) {
    aw__component_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = id;
    cfg.id_len = strlen(id);
    if (r != NULL) cfg.backend = recording_backend(r);
    return cfg;
}

/* Creates a component from tests/host/<name>.wat; fails the test on error. */
static inline aw__component *spawn(const char *name, const aw__component_config *cfg) {
    aw_module *module = load_module(name);
    aw__component *c = NULL;
    aw_error err;
    aw_status s = aw__component_create(module, cfg, &c, &err);
    aw_module_release(module);
    if (s != AW_OK) fail_msg("create %s: %s: %s", name, aw_status_name(s), err.message);
    return c;
}

/* Sends a message whose payload is the string text; returns the status. */
static inline aw_status send_text(aw__component *c, const char *text, aw__reply *reply,
                                  aw_error *err) {
    return aw__component_handle_message(c, "tester", 6, (const uint8_t *)text, strlen(text), reply,
                                        err);
}

static inline void assert_reply_bytes(const aw__reply *reply, const void *want, size_t len) {
    assert_int_equal(reply->len, len);
    if (len > 0) assert_memory_equal(reply->bytes, want, len);
}

static inline uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A log sink keeping the last lines. */
typedef struct log_capture {
    int count;
    char lines[8][512];
    aw_log_level levels[8];
} log_capture;

static inline void capture_log_line(void *ctx, aw_log_level level, const char *line, size_t len) {
    log_capture *cap = ctx;
    int slot = cap->count % 8;
    size_t n = len < 511 ? len : 511;
    memcpy(cap->lines[slot], line, n);
    cap->lines[slot][n] = '\0';
    cap->levels[slot] = level;
    cap->count++;
}

static inline void capture_logs(log_capture *cap) {
    memset(cap, 0, sizeof *cap);
    aw_log_config cfg = {AW_LOG_TRACE, AW_LOG_HUMAN, capture_log_line, cap};
    aw_log_configure(&cfg);
}

#endif
