/* aw__audit: the JSON line format, the file and the sink, sampling, hostile
 * strings, and lines from many threads never interleaving. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include "platform/thread.h"
#include "policy/audit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static aw_audit_record denial(void) {
    aw_audit_record r = {0};
    r.time_ns = 1795825445123456789ull; /* 2026-11-28T00:24:05.123456789Z */
    r.component = "billing";
    r.target = "ledger";
    r.action = AW_AUDIT_SEND;
    r.outcome = AW_DENIED;
    r.trace_hi = 0x0123456789abcdefull;
    r.trace_lo = 0xfedcba9876543210ull;
    r.detail = "send = [...] does not grant 'ledger'";
    return r;
}

static json_t *parse_line(const char *line, size_t len) {
    json_error_t e;
    json_t *j = json_loadb(line, len, 0, &e);
    if (!j) fail_msg("not JSON (%s): %.*s", e.text, (int)len, line);
    return j;
}

static const char *field(json_t *j, const char *key) {
    json_t *v = json_object_get(j, key);
    return v ? json_string_value(v) : NULL;
}

static void format(void **state) {
    (void)state;
    aw_audit_record r = denial();
    char buf[1024];
    size_t len = aw__audit_format(&r, buf, sizeof buf);
    assert_true(len > 0);
    json_t *j = parse_line(buf, len);
    assert_string_equal(field(j, "time"), "2026-11-28T00:24:05.123456789Z");
    assert_string_equal(field(j, "component"), "billing");
    assert_string_equal(field(j, "target"), "ledger");
    assert_string_equal(field(j, "action"), "send");
    assert_string_equal(field(j, "outcome"), "denied");
    assert_string_equal(field(j, "trace_id"), "0123456789abcdeffedcba9876543210");
    assert_string_equal(field(j, "detail"), r.detail);
    assert_null(json_object_get(j, "trap"));
    json_decref(j);
    /* A crash: trap named, no target, no trace. */
    aw_audit_record c = {0};
    c.time_ns = 0;
    c.component = "flaky";
    c.action = AW_AUDIT_CRASH;
    c.outcome = AW_TRAP;
    c.trap = AW_TRAP_FUEL_EXHAUSTED;
    len = aw__audit_format(&c, buf, sizeof buf);
    j = parse_line(buf, len);
    assert_string_equal(field(j, "time"), "1970-01-01T00:00:00.000000000Z");
    assert_string_equal(field(j, "action"), "crash");
    assert_string_equal(field(j, "outcome"), "trap");
    assert_string_equal(field(j, "trap"), "fuel-exhausted");
    assert_null(json_object_get(j, "target"));
    assert_null(json_object_get(j, "trace_id"));
    json_decref(j);
    /* Too small a buffer: 0, never a truncated line. */
    assert_int_equal(aw__audit_format(&r, buf, 20), 0);
}

static void names(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(aw__audit_outcome_name(AW_RATE_LIMITED, buf, sizeof buf), "rate-limited");
    assert_string_equal(aw__audit_outcome_name(AW_TOO_LARGE, buf, sizeof buf), "too-large");
    assert_string_equal(aw__audit_outcome_name(AW_OK, buf, sizeof buf), "ok");
    assert_string_equal(aw__audit_outcome_name(AW_LIMIT_EXCEEDED, buf, 6), "limit");
    static const char *const actions[] = {"send",  "request", "call",  "publish",
                                          "subscribe", "start", "crash", "restart"};
    for (int a = AW_AUDIT_SEND; a <= AW_AUDIT_RESTART; a++)
        assert_string_equal(aw_audit_action_name((aw_audit_action)a), actions[a]);
    assert_string_equal(aw_audit_action_name((aw_audit_action)42), "?");
}

static void hostile_strings(void **state) {
    (void)state;
    aw_audit_record r = denial();
    char target[2000];
    memset(target, 'x', sizeof target);
    memcpy(target, "\xff\xfe\"\\\n\xc3", 6); /* invalid UTF-8, quotes, a cut sequence */
    target[sizeof target - 1] = '\0';
    r.target = target;
    r.detail = "caf\xc3\xa9 \xe2\x82"; /* valid then truncated */
    char buf[4096];
    size_t len = aw__audit_format(&r, buf, sizeof buf);
    assert_true(len > 0);
    assert_null(memchr(buf, '\n', len)); /* one line */
    json_t *j = parse_line(buf, len);
    const char *t = field(j, "target");
    assert_non_null(t);
    assert_int_equal(strlen(t), 512);
    assert_memory_equal(t, "??\"\\\n?", 6);
    assert_string_equal(field(j, "detail"), "caf\xc3\xa9 ??");
    json_decref(j);
}

typedef struct captured {
    int calls;
    char last[1024];
    aw_audit_action action;
} captured;

static void sink(void *ctx, const aw_audit_record *record, const char *line, size_t len) {
    captured *c = ctx;
    c->calls++;
    c->action = record->action;
    assert_true(len < sizeof c->last);
    assert_int_equal(strlen(line), len);
    memcpy(c->last, line, len + 1);
}

static char *temp_path(char *buf, size_t cap) {
    snprintf(buf, cap, "/tmp/aw_audit_%ld.jsonl", (long)getpid());
    remove(buf);
    return buf;
}

static void file_and_sink(void **state) {
    (void)state;
    char path[128];
    temp_path(path, sizeof path);
    captured c = {0};
    aw__audit_config cfg = {path, sink, &c, 0};
    aw__audit *log;
    assert_int_equal(aw__audit_create(&cfg, &log, NULL), AW_OK);
    aw_audit_record r = denial();
    aw__audit_write(log, &r);
    r.action = AW_AUDIT_RESTART;
    r.outcome = AW_OK;
    r.time_ns = 0; /* filled with the current time */
    aw__audit_write(log, &r);
    aw__audit_destroy(log);
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.action, AW_AUDIT_RESTART);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        assert_true(len > 0 && line[len - 1] == '\n');
        json_t *j = parse_line(line, len - 1);
        if (lines == 1) {
            assert_string_equal(field(j, "action"), "restart");
            assert_string_equal(line, strcat(c.last, "\n"));
            assert_true(strncmp(field(j, "time"), "20", 2) == 0);
        }
        json_decref(j);
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, 2);
    /* Reopening appends. */
    assert_int_equal(aw__audit_create(&cfg, &log, NULL), AW_OK);
    aw__audit_write(log, &r);
    aw__audit_destroy(log);
    f = fopen(path, "r");
    lines = 0;
    while (fgets(line, sizeof line, f)) lines++;
    fclose(f);
    assert_int_equal(lines, 3);
    remove(path);
}

static void no_sink_is_null(void **state) {
    (void)state;
    aw__audit *log = (aw__audit *)1;
    aw__audit_config cfg = {0};
    assert_int_equal(aw__audit_create(&cfg, &log, NULL), AW_OK);
    assert_null(log);
    aw_audit_record r = denial();
    aw__audit_write(NULL, &r);
    assert_false(aw__audit_sample(NULL));
    aw__audit_destroy(NULL);
    aw_error err;
    cfg.path = "/nonexistent-dir/x/audit.jsonl";
    assert_int_equal(aw__audit_create(&cfg, &log, &err), AW_IO_ERROR);
    assert_null(log);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x/audit.jsonl"));
}

static void sampling(void **state) {
    (void)state;
    captured c = {0};
    aw__audit_config cfg = {NULL, sink, &c, 0};
    aw__audit *log;
    assert_int_equal(aw__audit_create(&cfg, &log, NULL), AW_OK);
    for (int i = 0; i < 100; i++) assert_false(aw__audit_sample(log));
    aw__audit_destroy(log);
    cfg.sample_sends = 10;
    assert_int_equal(aw__audit_create(&cfg, &log, NULL), AW_OK);
    int hits = 0;
    for (int i = 0; i < 1000; i++) hits += aw__audit_sample(log);
    assert_int_equal(hits, 100);
    aw__audit_destroy(log);
    cfg.sample_sends = 1;
    assert_int_equal(aw__audit_create(&cfg, &log, NULL), AW_OK);
    for (int i = 0; i < 10; i++) assert_true(aw__audit_sample(log));
    aw__audit_destroy(log);
}

static void out_of_memory(void **state) {
    (void)state;
    captured c = {0};
    aw__audit_config cfg = {NULL, sink, &c, 0};
    aw__audit *log = (aw__audit *)1;
    aw_test_allocator_fail_at(1);
    assert_int_equal(aw__audit_create(&cfg, &log, NULL), AW_NO_MEMORY);
    aw_test_allocator_fail_at(0);
    assert_null(log);
}

static aw__audit *shared_log;

static void *writer(void *arg) {
    aw_audit_record r = denial();
    r.component = arg;
    for (int i = 0; i < 500; i++) aw__audit_write(shared_log, &r);
    return NULL;
}

static void threads_do_not_interleave(void **state) {
    (void)state;
    char path[128];
    temp_path(path, sizeof path);
    aw__audit_config cfg = {path, NULL, NULL, 0};
    assert_int_equal(aw__audit_create(&cfg, &shared_log, NULL), AW_OK);
    static char ids[4][8] = {"w0", "w1", "w2", "w3"};
    aw__thread t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(aw__thread_create(&t[i], writer, ids[i], "writer"), AW_OK);
    for (int i = 0; i < 4; i++) aw__thread_join(t[i], NULL);
    aw__audit_destroy(shared_log);
    FILE *f = fopen(path, "r");
    char line[1024];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        json_t *j = parse_line(line, strlen(line) - 1);
        assert_string_equal(field(j, "outcome"), "denied");
        json_decref(j);
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, 2000);
    remove(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format),          cmocka_unit_test(names),
        cmocka_unit_test(hostile_strings), cmocka_unit_test(file_and_sink),
        cmocka_unit_test(no_sink_is_null), cmocka_unit_test(sampling),
        cmocka_unit_test(out_of_memory),   cmocka_unit_test(threads_do_not_interleave),
    };
    return AW_TEST_RUN(tests);
}
