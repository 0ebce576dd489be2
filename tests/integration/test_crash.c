/* End-to-end crashes: a trap, proc_exit, fuel exhaustion or an overrun
 * deadline crashes the component; its supervisor restarts it with a fresh
 * instance and the same mailbox; the poison message goes to the dead
 * letters with the trap; requests it was handling answer target-crashed;
 * a spinning component does not hold up the others.
 *
 * Dead letters are read through aw_runtime_dead_letters_take. */
#include "harness.h"


#include <stdio.h>
#include <string.h>

static void wait_idle(aw_runtime *rt) {
    assert_int_equal(aw_runtime_wait_idle(rt, 10000000000ull), AW_OK);
}

static void cast(aw_runtime *rt, const char *target, const char *body) {
    uint8_t p[256];
    size_t len = it_raw(p, sizeof p, body, strlen(body));
    aw_error err;
    aw_error_clear(&err);
    if (aw_runtime_send(rt, target, p, len, &err) != AW_OK)
        fail_msg("cast to %s: %s", target, err.message);
}

static aw_request_outcome host_call(aw_runtime *rt, const char *target, const char *body) {
    uint8_t p[256];
    size_t len = it_raw(p, sizeof p, body, strlen(body));
    aw_error err;
    aw_error_clear(&err);
    aw_request_outcome outcome = AW_REQUEST_OK;
    uint8_t *bytes = NULL;
    size_t n = 0;
    assert_int_equal(aw_runtime_call(rt, target, p, len, 5000, &outcome, &bytes, &n, &err), AW_OK);
    aw_runtime_free_bytes(bytes, n);
    return outcome;
}

/* Takes every dead letter through the public API; asserts there are
 * `count`, each a crash with `trap` whose payload is 0x55 `body`, addressed
 * to the component `id` and sent by the host. */
static void assert_dead_letters(aw_runtime *rt, size_t count, const char *id, aw_trap trap,
                                const char *body) {
    aw_runtime_dead_letter letters[16];
    size_t n = aw_runtime_dead_letters_take(rt, letters, 16);
    if (n != count) fail_msg("%zu dead letters, expected %zu", n, count);
    bool ok = true;
    char why[256] = "";
    for (size_t i = 0; i < n; i++) {
        const aw_runtime_dead_letter *d = &letters[i];
        if (d->status != AW_TRAP || d->trap != trap || strcmp(d->target, id) != 0 ||
            strcmp(d->sender, "host") != 0) {
            ok = false;
            snprintf(why, sizeof why, "letter %zu: status %s, trap %s, target '%.64s', "
                     "sender '%.64s'", i, aw_status_name(d->status), aw_trap_name(d->trap),
                     d->target, d->sender);
        } else if (d->len != strlen(body) + 1 || d->bytes[0] != 0x55 ||
                   memcmp(d->bytes + 1, body, strlen(body)) != 0) {
            ok = false;
            snprintf(why, sizeof why, "letter %zu holds another payload", i);
        }
        aw_runtime_free_bytes(d->bytes, d->len);
    }
    if (!ok) fail_msg("%s", why);
}

/* The poison message traps the instance; the messages queued behind it are
 * handled by the restarted instance, whose state starts afresh. */
static void restart_keeps_the_mailbox(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"flaky", IT_PROBE, {.fuel = 100000000000ull, .timeout_ms = 5000}}};
    aw_runtime *rt = it_start(2, comps, 1);

    cast(rt, "flaky", "pre1");
    cast(rt, "flaky", "pre2");
    /* Keeps the instance busy so that the rest queues up behind the poison. */
    cast(rt, "flaky", "!busy\n200");
    cast(rt, "flaky", "!trap");
    cast(rt, "flaky", "post1");
    cast(rt, "flaky", "post2");
    cast(rt, "flaky", "post3");
    wait_idle(rt);

    it_log log;
    it_dump(rt, "flaky", &log);
    assert_int_equal(log.count, 3); /* pre1 and pre2 died with the old instance */
    for (size_t i = 0; i < 3; i++) {
        char want[16];
        snprintf(want, sizeof want, "\x55post%zu", i + 1);
        assert_string_equal(log.entries[i].who, "host");
        assert_int_equal(log.entries[i].len, strlen(want));
        assert_memory_equal(log.entries[i].bytes, want, strlen(want));
    }
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 1);
    assert_int_equal(st.restarts, 1);
    assert_int_equal(st.dead_letters, 1);
    assert_int_equal(st.components, 1);
    assert_dead_letters(rt, 1, "flaky", AW_TRAP_UNREACHABLE, "!trap");
    it_finish(rt);
    it_end();
}

/* Requests being handled by a crashing instance answer target-crashed, to
 * the host (callback and call) and to components (callback and call). */
static void requests_to_a_crashing_target(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}}, {"flaky", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);

    assert_int_equal(host_call(rt, "flaky", "!trap"), AW_REQUEST_TARGET_CRASHED);
    it_outcome got = {0};
    assert_int_equal(aw_runtime_request(rt, "flaky", "\x55!exit", 6, 1000, it_record_outcome, &got,
                                        NULL, &err),
                     AW_OK);
    assert_string_equal(it_cmd(rt, "alpha", "!call\nflaky\n1000\n\x55!trap"), "3\n");
    unsigned long long id = 0;
    assert_int_equal(sscanf(it_cmd(rt, "alpha", "!req\nflaky\n1000\n\x55!trap"), "0 %llu", &id), 1);
    wait_idle(rt);

    assert_int_equal(atomic_load_explicit(&got.calls, memory_order_acquire), 1);
    assert_int_equal(got.outcome, AW_REQUEST_TARGET_CRASHED);
    it_log log;
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 2);
    assert_int_equal(log.entries[0].tag, 'r');
    assert_string_equal(log.entries[0].who, "3"); /* AW_REQUEST_TARGET_CRASHED in the SDK */
    char who[64];
    snprintf(who, sizeof who, "%llu 3", id);
    assert_int_equal(log.entries[1].tag, 'c');
    assert_string_equal(log.entries[1].who, who);
    /* Restarted each time, it still answers. */
    assert_string_equal(it_cmd(rt, "flaky", "!self"), "flaky");

    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 4);
    assert_int_equal(st.restarts, 4);
    assert_int_equal(st.dead_letters, 4);
    aw_runtime_dead_letter letters[8];
    size_t n = aw_runtime_dead_letters_take(rt, letters, 8);
    assert_int_equal(n, 4);
    /* proc_exit is a crash with the EXIT trap. */
    assert_int_equal(letters[1].trap, AW_TRAP_EXIT);
    assert_string_equal(letters[1].target, "flaky");
    for (size_t i = 0; i < n; i++) aw_runtime_free_bytes(letters[i].bytes, letters[i].len);
    it_finish(rt);
    it_end();
}

/* A crashed requester's pending request is dropped: its restarted instance
 * never gets the callback meant for the old one. */
static void crashed_requester_loses_its_requests(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}},
                       {"slow", IT_PROBE, {.fuel = 100000000000ull, .timeout_ms = 5000}}};
    aw_runtime *rt = it_start(2, comps, 2);

    unsigned long long id = 0;
    assert_int_equal(sscanf(it_cmd(rt, "alpha", "!req\nslow\n2000\n\x55!busy\n200"), "0 %llu", &id),
                     1);
    assert_int_equal(host_call(rt, "alpha", "!trap"), AW_REQUEST_TARGET_CRASHED);
    wait_idle(rt);

    it_log log;
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 0);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 1);
    assert_int_equal(st.timeouts, 0);
    it_finish(rt);
    it_end();
}

/* Running out of fuel-per-message crashes the actor (FUEL_EXHAUSTED). */
static void fuel_exhaustion_crashes(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"hungry", IT_PROBE, {.fuel = 500000}}, {"other", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(2, comps, 2);

    assert_int_equal(host_call(rt, "hungry", "!spin"), AW_REQUEST_TARGET_CRASHED);
    wait_idle(rt);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 1);
    assert_int_equal(st.restarts, 1);
    assert_dead_letters(rt, 1, "hungry", AW_TRAP_FUEL_EXHAUSTED, "!spin");
    /* Both still answer; the fuel is per message, so it is back. */
    assert_string_equal(it_cmd(rt, "hungry", "!self"), "hungry");
    assert_string_equal(it_cmd(rt, "other", "!self"), "other");
    it_finish(rt);
    it_end();
}

/* With ONE worker, a component in an endless loop runs in fuel slices: the
 * others keep answering until its deadline (timeout-ms) crashes it. */
static void endless_loop_does_not_block_others(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"looper", IT_PROBE, {.fuel = 1000000000000ull, .timeout_ms = 3000}},
                       {"echo", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(1, comps, 2);

    cast(rt, "looper", "!spin");
    it_sleep_ms(20); /* let it start spinning */
    uint64_t start = it_now_ms();
    for (int i = 0; i < 20; i++) assert_string_equal(it_cmd(rt, "echo", "!self"), "echo");
    uint64_t took = it_now_ms() - start;
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    /* The answers came while looper was still spinning, not after its crash. */
    if (st.crashes != 0)
        fail_msg("looper crashed before echo answered 20 calls (%llu ms)",
                 (unsigned long long)took);
    assert_int_equal(st.components, 2);

    wait_idle(rt);
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 1);
    assert_int_equal(st.restarts, 1);
    assert_dead_letters(rt, 1, "looper", AW_TRAP_DEADLINE, "!spin");
    assert_string_equal(it_cmd(rt, "looper", "!self"), "looper");
    it_finish(rt);
    it_end();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restart_keeps_the_mailbox),
        cmocka_unit_test(requests_to_a_crashing_target),
        cmocka_unit_test(crashed_requester_loses_its_requests),
        cmocka_unit_test(fuel_exhaustion_crashes),
        cmocka_unit_test(endless_loop_does_not_block_others),
    };
    return AW_TEST_RUN(tests);
}
