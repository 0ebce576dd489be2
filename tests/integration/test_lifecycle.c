/* End-to-end lifecycle seen through the log: a component's stdout and log
 * lines reach the host's log tagged with its id, and aw_runtime_stop calls
 * the shutdown exports of the live instances in reverse start order (a
 * crashed instance gets none; its restarted one does). */
#include "harness.h"

#include <stdio.h>
#include <string.h>

typedef struct captured {
    char lines[256][256];
    size_t count;
} captured;

static captured captured_log;

/* Never called concurrently with itself (aw_log_sink contract). */
static void capture(void *ctx, aw_log_level level, const char *line, size_t len) {
    (void)level;
    captured *c = ctx;
    if (c->count < 256) snprintf(c->lines[c->count++], 256, "%.*s", (int)len, line);
}

/* Index of the first captured line containing both a and b, or -1. */
static int find_line(const char *a, const char *b) {
    for (size_t i = 0; i < captured_log.count; i++)
        if (strstr(captured_log.lines[i], a) && strstr(captured_log.lines[i], b)) return (int)i;
    return -1;
}

static size_t count_lines(const char *a) {
    size_t n = 0;
    for (size_t i = 0; i < captured_log.count; i++) n += strstr(captured_log.lines[i], a) != NULL;
    return n;
}

static void stop_runs_shutdown_in_reverse_order(void **state) {
    (void)state;
    it_begin();
    captured_log.count = 0;
    aw_log_config log = {AW_LOG_INFO, AW_LOG_HUMAN, capture, &captured_log};
    aw_log_configure(&log);
    it_comp comps[] = {{"first", IT_PROBE, {0}}, {"second", IT_PROBE, {0}}, {"third", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(2, comps, 3);
    aw_error err;
    aw_error_clear(&err);

    assert_string_equal(it_cmd(rt, "second", "!print\nhello from the guest"), "printed");
    assert_int_equal(aw_runtime_send(rt, "first", "\x55one", 4, &err), AW_OK);
    assert_int_equal(aw_runtime_send(rt, "third", "\x55two", 4, &err), AW_OK);
    assert_int_equal(aw_runtime_send(rt, "third", "\x55three", 6, &err), AW_OK);
    /* second crashes and is restarted: only the new instance shuts down. */
    aw_request_outcome outcome;
    uint8_t *bytes = NULL;
    size_t n = 0;
    assert_int_equal(aw_runtime_call(rt, "second", "\x55!trap", 6, 1000, &outcome, &bytes, &n, &err),
                     AW_OK);
    assert_int_equal(outcome, AW_REQUEST_TARGET_CRASHED);
    it_finish(rt);
    aw_log_configure(NULL);

    assert_true(find_line("[component:second]", "hello from the guest") >= 0);
    int third = find_line("[component:third]", "shutdown after 2 records");
    int second = find_line("[component:second]", "shutdown after 0 records");
    int first = find_line("[component:first]", "shutdown after 1 records");
    if (third < 0 || second < 0 || first < 0 || !(third < second && second < first)) {
        for (size_t i = 0; i < captured_log.count; i++) fprintf(stderr, "%s\n", captured_log.lines[i]);
        fail_msg("shutdown lines at %d (third), %d (second), %d (first)", third, second, first);
    }
    assert_int_equal(count_lines("shutdown after"), 3);
    it_end();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop_runs_shutdown_in_reverse_order),
    };
    return AW_TEST_RUN(tests);
}
