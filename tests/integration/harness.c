/* Helpers of the integration tests (harness.h). Test code: it may use POSIX
 * directly (mkdtemp, unlink) since it is not part of the library. */
#define _GNU_SOURCE
#include "harness.h"

#include "platform/os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t blocks_at_start;

void it_begin(void) {
    blocks_at_start = aw_alloc_live_blocks();
}

void it_end(void) {
    int64_t now = aw_alloc_live_blocks();
    if (now != blocks_at_start)
        fail_msg("live blocks: %lld at the start, %lld at the end", (long long)blocks_at_start,
                 (long long)now);
    assert_int_equal(aw_test_allocator_size_errors(), 0);
}

const char *it_write_file(const char *name, const char *text) {
    const char *path = aw_test_join(aw_test_scratch("it"), name);
    aw_test_write_text(path, text);
    return path;
}

const char *it_write_manifest(const it_comp *comp) {
    const it_opts *o = &comp->opts;
    char text[2048], env[512] = "", name[300];
    if (o->subscribe) snprintf(env, sizeof env, "[wasi]\nenv = { SUBSCRIBE = \"%s\" }\n", o->subscribe);
    snprintf(text, sizeof text,
             "[component]\n"
             "name = \"%s\"\n"
             "module = \"%s/%s\"\n"
             "accepts = %s\n"
             "%s"
             "[capabilities]\n"
             "send = [\"*\"]\nreceive-from = [\"*\"]\npublish = [\"*\"]\nsubscribe = [\"*\"]\n"
             "[limits]\n"
             "memory-pages = 32\n"
             "fuel-per-message = %llu\n"
             "timeout-ms = %u\n"
             "mailbox = %u\n"
             "max-payload = \"64 KiB\"\n"
             "%s",
             comp->id, AW_WASM_DIR, comp->module, o->accepts ? o->accepts : "[\"raw\", \"json\"]",
             o->check_payloads ? "check-payloads = true\n" : "",
             (unsigned long long)(o->fuel ? o->fuel : 100000000u),
             o->timeout_ms ? o->timeout_ms : 2000u, o->mailbox ? o->mailbox : 1000u, env);
    snprintf(name, sizeof name, "%s.toml", comp->id);
    return it_write_file(name, text);
}

aw_runtime *it_start_sliced(uint32_t workers, uint64_t slice_fuel, const it_comp *comps,
                            size_t count) {
    static char paths[16][320];
    aw_component_spec specs[16];
    assert_true(count <= 16);
    for (size_t i = 0; i < count; i++) {
        snprintf(paths[i], sizeof paths[i], "%s", it_write_manifest(&comps[i]));
        specs[i] = (aw_component_spec){comps[i].id, paths[i], AW_PERMANENT};
    }
    aw_runtime_config cfg = {.workers = workers, .slice_fuel = slice_fuel};
    aw_runtime *rt = NULL;
    aw_error err;
    aw_error_clear(&err);
    aw_status s = aw_runtime_create(&cfg, &rt, &err);
    if (s != AW_OK) fail_msg("aw_runtime_create: %s", err.message);
    aw_system_spec sys = {AW_ONE_FOR_ONE, 1000, 10000, specs, count};
    s = aw_runtime_start(rt, &sys, &err);
    if (s != AW_OK) {
        aw_runtime_destroy(rt);
        fail_msg("aw_runtime_start: %s: %s", aw_status_name(s), err.message);
    }
    return rt;
}

aw_runtime *it_start(uint32_t workers, const it_comp *comps, size_t count) {
    return it_start_sliced(workers, 0, comps, count);
}

void it_finish(aw_runtime *rt) {
    assert_int_equal(aw_runtime_wait_idle(rt, 10000000000ull), AW_OK);
    assert_int_equal(aw_runtime_stop(rt, 1000000000ull), AW_OK);
    aw_runtime_destroy(rt);
}

size_t it_raw(uint8_t *out, size_t cap, const void *bytes, size_t len) {
    assert_true(len + 1 <= cap);
    out[0] = 0x55;
    memcpy(out + 1, bytes, len);
    return len + 1;
}

static const char *command(aw_runtime *rt, const char *target, bool json, const void *cmd,
                           size_t cmd_len, size_t *reply_len) {
    static char reply[70000];
    static uint8_t payload[8192];
    uint8_t *start = payload + 1;
    size_t len = it_raw(start, sizeof payload - 1, cmd, cmd_len);
    if (json) { /* 0x0200 as a uvarint, then the command as a JSON string */
        assert_true(cmd_len + 4 <= sizeof payload);
        start = payload;
        memcpy(start, "\x80\x04\"", 3);
        memcpy(start + 3, cmd, cmd_len);
        start[3 + cmd_len] = '"';
        len = cmd_len + 4;
    }
    aw_request_outcome outcome = AW_REQUEST_DENIED;
    uint8_t *bytes = NULL;
    size_t n = 0;
    aw_error err;
    aw_error_clear(&err);
    aw_status s = aw_runtime_call(rt, target, start, len, 5000, &outcome, &bytes, &n, &err);
    if (s != AW_OK) fail_msg("call %s: %s", target, err.message);
    if (outcome != AW_REQUEST_OK || n == 0 || bytes[0] != 0x55 || n > sizeof reply) {
        char text[128];
        snprintf(text, sizeof text, "%.*s", (int)(n < 100 ? n : 100), bytes ? (char *)bytes : "");
        aw_runtime_free_bytes(bytes, n);
        fail_msg("command %.*s to %s: outcome %d, %zu bytes: %s", (int)(cmd_len < 40 ? cmd_len : 40),
                 (const char *)cmd, target, (int)outcome, n, text);
    }
    memcpy(reply, bytes + 1, n - 1);
    reply[n - 1] = '\0';
    aw_runtime_free_bytes(bytes, n);
    if (reply_len) *reply_len = n - 1;
    return reply;
}

const char *it_command(aw_runtime *rt, const char *target, const void *cmd, size_t cmd_len,
                       size_t *reply_len) {
    return command(rt, target, false, cmd, cmd_len, reply_len);
}

const char *it_command_json(aw_runtime *rt, const char *target, const void *cmd,
                            size_t cmd_len, size_t *reply_len) {
    return command(rt, target, true, cmd, cmd_len, reply_len);
}

const char *it_cmd(aw_runtime *rt, const char *target, const char *cmd) {
    return it_command(rt, target, cmd, strlen(cmd), NULL);
}

static uint32_t read_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void dump(aw_runtime *rt, const char *target, bool json, it_log *log) {
    size_t len = 0;
    const uint8_t *p = (const uint8_t *)command(rt, target, json, "!dump", 5, &len);
    const uint8_t *end = p + len;
    log->count = 0;
    while (p < end) {
        assert_true(log->count < 64);
        it_entry *e = &log->entries[log->count++];
        assert_true(end - p >= 5);
        e->tag = (char)p[0];
        uint32_t n = read_u32(p + 1);
        p += 5;
        assert_true(n < sizeof e->who && (size_t)(end - p) >= n + 4);
        memcpy(e->who, p, n);
        e->who[n] = '\0';
        p += n;
        n = read_u32(p);
        p += 4;
        assert_true(n <= sizeof e->bytes && (size_t)(end - p) >= n);
        memcpy(e->bytes, p, n);
        e->len = n;
        p += n;
    }
}

void it_dump(aw_runtime *rt, const char *target, it_log *log) {
    dump(rt, target, false, log);
}

void it_dump_json(aw_runtime *rt, const char *target, it_log *log) {
    dump(rt, target, true, log);
}

void it_record_outcome(void *ctx, uint64_t request_id, aw_request_outcome outcome,
                       const uint8_t *bytes, size_t len) {
    it_outcome *o = ctx;
    o->id = request_id;
    o->outcome = outcome;
    o->len = len < sizeof o->bytes ? len : sizeof o->bytes;
    if (o->len) memcpy(o->bytes, bytes, o->len);
    /* Release: the test thread reads the fields after seeing calls change. */
    atomic_fetch_add_explicit(&o->calls, 1, memory_order_release);
}

uint64_t it_now_ms(void) {
    return aw__clock_ns() / 1000000u;
}

void it_sleep_ms(uint32_t ms) {
    aw__sleep_ns((uint64_t)ms * 1000000u);
}
