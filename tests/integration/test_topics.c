/* End-to-end publish/subscribe: exactly the components whose patterns match
 * a topic (with `*` and `>` wildcards, subscribed at init or at run time)
 * receive a publish, byte for byte, with the publisher as sender. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

static void wait_idle(aw_runtime *rt) {
    assert_int_equal(aw_runtime_wait_idle(rt, 10000000000ull), AW_OK);
}

static uint32_t publish(aw_runtime *rt, const char *topic, const char *payload, size_t len) {
    aw_error err;
    aw_error_clear(&err);
    uint32_t delivered = 12345;
    aw_status s = aw_runtime_publish(rt, topic, payload, len, &delivered, &err);
    if (s != AW_OK) fail_msg("publish %s: %s", topic, err.message);
    return delivered;
}

/* Asserts the log of target holds exactly the given payloads, in order, with
 * the given senders. */
static void assert_log(aw_runtime *rt, const char *target, bool json, size_t count,
                       const char *const *senders, const char *const *payloads,
                       const size_t *lens) {
    it_log log;
    if (json)
        it_dump_json(rt, target, &log);
    else
        it_dump(rt, target, &log);
    if (log.count != count) fail_msg("%s received %zu publishes, expected %zu", target, log.count, count);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(log.entries[i].tag, 'm');
        assert_string_equal(log.entries[i].who, senders[i]);
        assert_int_equal(log.entries[i].len, lens[i]);
        assert_memory_equal(log.entries[i].bytes, payloads[i], lens[i]);
    }
}

#define P1 "\x55one\x00\xff"
#define P2 "\x55two"
#define P3 "\x55three"
#define P4 "\x55" "four"
#define P5 "\x80\x04{\"five\":5}"
#define LEN(p) (sizeof(p) - 1)

static void wildcards_reach_exactly_the_matching_subscribers(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {
        {"s1", IT_PROBE, {.subscribe = "orders.*"}},
        {"s2", IT_PROBE, {.subscribe = "orders.>"}},
        {"s3", IT_PROBE, {.subscribe = "orders.eu.created"}},
        {"s4", IT_PROBE, {.subscribe = "billing.*"}},
        {"s5", IT_PROBE, {.subscribe = "*.eu.*"}},
        {"s6", IT_PROBE, {.subscribe = "orders.>", .accepts = "[\"json\"]"}},
        {"pub", IT_PROBE, {0}},
    };
    aw_runtime *rt = it_start(2, comps, 7);
    aw_error err;
    aw_error_clear(&err);

    assert_int_equal(publish(rt, "orders.eu.created", P1, LEN(P1)), 3); /* s2 s3 s5 */
    assert_int_equal(publish(rt, "orders.new", P2, LEN(P2)), 2);        /* s1 s2 */
    assert_int_equal(publish(rt, "orders", P4, LEN(P4)), 0);   /* '>' needs a token */
    assert_int_equal(publish(rt, "x.eu.y.z", P4, LEN(P4)), 0); /* '*' is one token */
    assert_int_equal(publish(rt, "orders.us.created", P5, LEN(P5)), 2); /* s2, s6 (json) */
    /* Not topic names: wildcards, empty tokens; a malformed codec prefix. */
    uint32_t delivered = 0;
    assert_int_equal(aw_runtime_publish(rt, "orders.*", P2, LEN(P2), &delivered, &err),
                     AW_INVALID_ARGUMENT);
    assert_int_equal(aw_runtime_publish(rt, "orders..new", P2, LEN(P2), &delivered, &err),
                     AW_INVALID_ARGUMENT);
    assert_int_equal(aw_runtime_publish(rt, "orders.new", "\x80", 1, &delivered, &err),
                     AW_BAD_CODEC);

    /* From a component: the sender is the publisher; it subscribes at run
     * time and so receives its own publish. */
    assert_string_equal(it_cmd(rt, "pub", "!sub\nbilling.>"), "0");
    assert_string_equal(it_cmd(rt, "pub", "!sub\nbilling.>.x"), "2"); /* denied: bad pattern */
    assert_string_equal(it_cmd(rt, "pub", "!pub\nbilling.paid\n" P3), "0");
    assert_string_equal(it_cmd(rt, "pub", "!pub\nbilling..paid\n" P3), "2"); /* denied */
    wait_idle(rt);

    const char *host[] = {"host", "host", "host"};
    const char *from_pub[] = {"pub"};
    {
        const char *p[] = {P2};
        size_t l[] = {LEN(P2)};
        assert_log(rt, "s1", false, 1, host, p, l);
    }
    {
        const char *p[] = {P1, P2, P5};
        size_t l[] = {LEN(P1), LEN(P2), LEN(P5)};
        assert_log(rt, "s2", false, 3, host, p, l);
    }
    {
        const char *p[] = {P1};
        size_t l[] = {LEN(P1)};
        assert_log(rt, "s3", false, 1, host, p, l);
        assert_log(rt, "s5", false, 1, host, p, l);
    }
    {
        const char *p[] = {P3};
        size_t l[] = {LEN(P3)};
        assert_log(rt, "s4", false, 1, from_pub, p, l);
        assert_log(rt, "pub", false, 1, from_pub, p, l);
    }
    {
        const char *p[] = {P5};
        size_t l[] = {LEN(P5)};
        assert_log(rt, "s6", true, 1, host, p, l);
    }

    /* A restarted subscriber subscribes again in its init; its old instance's
     * subscription is gone (no double delivery). */
    it_outcome got = {0};
    assert_int_equal(aw_runtime_request(rt, "s1", "\x55!trap", 6, 1000, it_record_outcome, &got,
                                        NULL, &err),
                     AW_OK);
    wait_idle(rt);
    assert_int_equal(atomic_load_explicit(&got.calls, memory_order_acquire), 1);
    assert_int_equal(got.outcome, AW_REQUEST_TARGET_CRASHED);
    assert_int_equal(publish(rt, "orders.new", P4, LEN(P4)), 2); /* s1 s2 */
    wait_idle(rt);
    {
        const char *p[] = {P4};
        size_t l[] = {LEN(P4)};
        assert_log(rt, "s1", false, 1, host, p, l);
    }
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 1);
    assert_int_equal(st.restarts, 1);
    assert_int_equal(st.components, 7);
    it_finish(rt);
    it_end();
}

/* A component whose patterns overlap gets each publish once, whichever and
 * however many of its patterns match it. */
static void overlapping_patterns_deliver_one_copy(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {
        {"multi", IT_PROBE, {.subscribe = "orders.>,orders.*,orders.eu.created,>"}},
        {"single", IT_PROBE, {.subscribe = "orders.*"}},
    };
    aw_runtime *rt = it_start(2, comps, 2);
    assert_int_equal(publish(rt, "orders.eu.created", P1, LEN(P1)), 1); /* multi: 3 patterns */
    assert_int_equal(publish(rt, "orders.new", P2, LEN(P2)), 2);        /* multi (3), single */
    assert_int_equal(publish(rt, "audit", P3, LEN(P3)), 1);             /* multi through '>' */
    wait_idle(rt);
    const char *host[] = {"host", "host", "host"};
    {
        const char *p[] = {P1, P2, P3};
        size_t l[] = {LEN(P1), LEN(P2), LEN(P3)};
        assert_log(rt, "multi", false, 3, host, p, l);
    }
    {
        const char *p[] = {P2};
        size_t l[] = {LEN(P2)};
        assert_log(rt, "single", false, 1, host, p, l);
    }
    it_finish(rt);
    it_end();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wildcards_reach_exactly_the_matching_subscribers),
        cmocka_unit_test(overlapping_patterns_deliver_one_copy),
    };
    return AW_TEST_RUN(tests);
}
