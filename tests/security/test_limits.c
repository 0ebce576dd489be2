/* Volume attacks: a flood over the sender's rate limit, a flood against a
 * slow receiver (mailbox-full, every message either delivered or refused to
 * the sender, none lost silently), and spawn storms against the runtime-wide
 * instance and memory caps. */
#include "sec_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses "ok=A full=B limited=C other=D". */
static void flood(aw_runtime *rt, const char *from, const char *to, unsigned n, unsigned *ok,
                  unsigned *full, unsigned *limited, unsigned *other) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "flood %s %u", to, n);
    const char *reply = sec_cmd(rt, from, cmd);
    if (sscanf(reply, "ok=%u full=%u limited=%u other=%u", ok, full, limited, other) != 4)
        fail_msg("flood reply: %s", reply);
    assert_int_equal(*ok + *full + *limited + *other, n);
}

static void a_flood_over_the_rate_limit_is_refused(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"attacker", NULL, NULL, NULL, "[rate-limit]\nmessages-per-second = 10\nburst = 5\n"},
        {"victim", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 2);
    unsigned ok, full, limited, other;
    flood(rt, "attacker", "victim", 200, &ok, &full, &limited, &other);
    /* The burst, plus at most a token or two that refilled meanwhile. */
    assert_in_range(ok, 5, 7);
    assert_int_equal(full, 0);
    assert_int_equal(other, 0);
    assert_int_equal(ok + limited, 200);
    assert_int_equal(aw_runtime_wait_idle(rt, 5000000000ull), AW_OK);
    assert_int_equal(sec_num(rt, "victim", "count"), ok);

    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_RATE_LIMITED, "attacker", NULL), limited);
    aw_component_stats cs;
    assert_int_equal(aw_runtime_component_stats(rt, "attacker", &cs), AW_OK);
    assert_int_equal(cs.rate_limited, limited);
    assert_int_equal(cs.sent, ok);
    assert_true(cs.rate_tokens <= 5);
    /* Tokens come back at 10 a second. */
    sec_sleep_ms(350);
    assert_int_equal(sec_num(rt, "attacker", "send victim"), SEC_SEND_OK);
    /* Other components are not limited by the attacker's bucket. */
    flood(rt, "victim", "attacker", 50, &ok, &full, &limited, &other);
    assert_int_equal(ok, 50);
    sec_finish(rt);
}

static void a_flood_against_a_slow_receiver_loses_nothing_silently(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"attacker", NULL, NULL, NULL, NULL},
        {"slow", NULL, NULL,
         "memory-pages = 32\nfuel-per-message = 1_000_000_000\ntimeout-ms = 2000\n"
         "mailbox = 16\nmax-payload = \"64 KiB\"\n",
         "[wasi]\nenv = { SLOW_MS = \"2\" }\n"},
        {"bystander", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 3);
    unsigned ok, full, limited, other;
    flood(rt, "attacker", "slow", 2000, &ok, &full, &limited, &other);
    assert_true(full > 0);
    assert_true(ok >= 16);
    assert_int_equal(limited + other, 0);
    /* The bystander is not slowed down by the flood. */
    assert_int_equal(sec_num(rt, "bystander", "count"), 0);
    assert_int_equal(aw_runtime_wait_idle(rt, 20000000000ull), AW_OK);
    /* Every send the attacker was told succeeded was handled; every other
     * one was refused to it with mailbox-full and audited. */
    assert_int_equal(sec_num(rt, "slow", "count"), ok);
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_MAILBOX_FULL, "attacker", NULL), full);
    aw_component_stats cs;
    assert_int_equal(aw_runtime_component_stats(rt, "attacker", &cs), AW_OK);
    assert_int_equal(cs.refused, full);
    sec_finish(rt);
}

static sec_comp storm[8];
static char storm_ids[8][24];

static const sec_comp *storm_of(size_t n) {
    for (size_t i = 0; i < n; i++) {
        snprintf(storm_ids[i], sizeof storm_ids[i], "s%zu", i + 1);
        storm[i] = (sec_comp){storm_ids[i], NULL, NULL, NULL, NULL};
    }
    return storm;
}

static void a_spawn_storm_meets_the_instance_cap(void **state) {
    (void)state;
    aw_runtime_config cfg = {.workers = 2, .max_instances = 3};
    aw_runtime *rt;
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(sec_try_start(&cfg, storm_of(8), 8, &rt, &err), AW_LIMIT_EXCEEDED);
    assert_null(rt);
    assert_non_null(strstr(err.message, "s4"));
    assert_non_null(strstr(err.message, "max_instances = 3"));
    sec_record r;
    assert_int_equal(sec_audit_count(AW_AUDIT_START, AW_LIMIT_EXCEEDED, NULL, &r), 1);
    assert_string_equal(r.component, "s4");

    /* Within the cap the same host starts a system, and a crashed instance's
     * slot is free again for its restart. */
    rt = sec_start(&cfg, storm_of(3), 3);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.instances, 3);
    assert_int_equal(st.memory_reserved, 3ull * 32 * 65536);
    const char *reply;
    assert_int_equal(sec_try_cmd(rt, "s2", "spin", 4, &reply), AW_REQUEST_TARGET_CRASHED);
    assert_true(sec_wait_audit(AW_AUDIT_RESTART, AW_OK, "s2", 1, 5000));
    assert_int_equal(sec_num(rt, "s2", "count"), 0);
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.instances, 3);
    assert_int_equal(st.instances_refused, 0);
    sec_finish(rt);
}

static void a_spawn_storm_meets_the_memory_cap(void **state) {
    (void)state;
    /* Each instance may grow to 32 pages (2 MiB); room for two and a half. */
    aw_runtime_config cfg = {.workers = 2, .max_memory_bytes = 5ull << 20};
    aw_runtime *rt;
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(sec_try_start(&cfg, storm_of(4), 4, &rt, &err), AW_LIMIT_EXCEEDED);
    assert_non_null(strstr(err.message, "s3"));
    assert_non_null(strstr(err.message, "max_memory_bytes"));
    assert_int_equal(sec_audit_count(AW_AUDIT_START, AW_LIMIT_EXCEEDED, "s3", NULL), 1);
    rt = sec_start(&cfg, storm_of(2), 2);
    assert_int_equal(sec_num(rt, "s1", "count"), 0);
    sec_finish(rt);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_flood_over_the_rate_limit_is_refused),
        cmocka_unit_test(a_flood_against_a_slow_receiver_loses_nothing_silently),
        cmocka_unit_test(a_spawn_storm_meets_the_instance_cap),
        cmocka_unit_test(a_spawn_storm_meets_the_memory_cap),
    };
    return AW_TEST_RUN(tests);
}
