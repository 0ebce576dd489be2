/* Trace context: generation, traceparent format and parse, malformed values, threads. */
#include "test_support.h"

#include "msg/trace.h"
#include "platform/thread.h"

#include <string.h>

static aw_status parse(const char *text, aw__trace *t) {
    return aw__trace_parse(text, strlen(text), t);
}

static void parses_the_w3c_example(void **state) {
    (void)state;
    aw__trace t;
    assert_int_equal(parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &t), AW_OK);
    assert_int_equal(t.trace_hi, UINT64_C(0x4bf92f3577b34da6));
    assert_int_equal(t.trace_lo, UINT64_C(0xa3ce929d0e0e4736));
    assert_int_equal(t.span_id, UINT64_C(0x00f067aa0ba902b7));
    assert_int_equal(t.flags, AW__TRACE_SAMPLED);
    char out[AW__TRACEPARENT_LEN + 1];
    aw__trace_format(&t, out);
    assert_string_equal(out, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

static void rejects_malformed_values(void **state) {
    (void)state;
    const char *bad[] = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",   /* short */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011", /* long for 00 */
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  /* uppercase */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",  /* uppercase span */
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  /* zero trace id */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  /* zero span id */
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  /* version ff */
        "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  /* bad version */
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  /* separator */
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
        "00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01",  /* non-hex */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
        "00-4bf92f3577b34da6a3ce929d0e0e47-3600f067aa0ba902b7-01",  /* shifted dash */
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", /* future, no dash */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aw__trace t;
        if (parse(bad[i], &t) != AW_MALFORMED) fail_msg("accepted bad traceparent \"%s\"", bad[i]);
    }
}

static void future_versions_read_their_prefix(void **state) {
    (void)state;
    aw__trace t;
    assert_int_equal(parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", &t), AW_OK);
    assert_int_equal(
        parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-the-future-adds", &t),
        AW_OK);
    assert_int_equal(t.span_id, UINT64_C(0x00f067aa0ba902b7));
    assert_int_equal(t.flags, 0);
}

static void generated_ids_are_set_and_round_trip(void **state) {
    (void)state;
    aw__trace root, child, back;
    aw__trace_new_root(&root, AW__TRACE_SAMPLED);
    assert_true(aw__trace_is_set(&root));
    aw__trace_new_child(&child, &root);
    assert_int_equal(child.trace_hi, root.trace_hi);
    assert_int_equal(child.trace_lo, root.trace_lo);
    assert_int_equal(child.flags, root.flags);
    assert_int_not_equal(child.span_id, root.span_id);
    char text[AW__TRACEPARENT_LEN + 1];
    aw__trace_format(&child, text);
    assert_int_equal(strlen(text), AW__TRACEPARENT_LEN);
    assert_int_equal(parse(text, &back), AW_OK);
    assert_memory_equal(&back.trace_hi, &child.trace_hi, 3 * sizeof(uint64_t));
    assert_int_equal(back.flags, child.flags);
    /* A child of nothing starts a new trace. */
    aw__trace orphan, unset;
    memset(&unset, 0, sizeof unset);
    aw__trace_new_child(&orphan, NULL);
    assert_true(aw__trace_is_set(&orphan));
    aw__trace_new_child(&orphan, &unset);
    assert_true(aw__trace_is_set(&orphan));
    assert_false(aw__trace_is_set(&unset));
}

static void ids_do_not_repeat(void **state) {
    (void)state;
    enum { N = 4096 };
    static uint64_t seen[N];
    for (int i = 0; i < N; i++) {
        seen[i] = aw__trace_random_u64();
        assert_int_not_equal(seen[i], 0);
        for (int j = 0; j < i; j++) assert_int_not_equal(seen[i], seen[j]);
    }
}

typedef struct thread_ids {
    uint64_t first[64];
} thread_ids;

static void *draw_ids(void *arg) {
    thread_ids *ids = arg;
    for (int i = 0; i < 64; i++) ids->first[i] = aw__trace_random_u64();
    return NULL;
}

/* Each thread seeds its own generator: two threads do not draw the same ids. */
static void threads_draw_different_ids(void **state) {
    (void)state;
    thread_ids a, b;
    aw__thread ta, tb;
    assert_int_equal(aw__thread_create(&ta, draw_ids, &a, "trace-a"), AW_OK);
    assert_int_equal(aw__thread_create(&tb, draw_ids, &b, "trace-b"), AW_OK);
    aw__thread_join(ta, NULL);
    aw__thread_join(tb, NULL);
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++) assert_int_not_equal(a.first[i], b.first[j]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_the_w3c_example),
        cmocka_unit_test(rejects_malformed_values),
        cmocka_unit_test(future_versions_read_their_prefix),
        cmocka_unit_test(generated_ids_are_set_and_round_trip),
        cmocka_unit_test(ids_do_not_repeat),
        cmocka_unit_test(threads_draw_different_ids),
    };
    return AW_TEST_RUN(tests);
}
