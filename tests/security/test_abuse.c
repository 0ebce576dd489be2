/* Abuse of the host by one component: out-of-range pointers and lengths to
 * every host import, invalid UTF-8, payload bombs, memory.grow bombs,
 * infinite loops and deep recursion. Each fails with its documented outcome,
 * the attacker is restarted, a bystander keeps working, and the audit log
 * records the crash and the restart. */
#include "sec_harness.h"

#include "sec_pointers.h"

#include <stdio.h>
#include <string.h>

/* The bystander still answers, and so does the (restarted) attacker. */
static void both_alive(aw_runtime *rt, const char *attacker) {
    assert_int_equal(sec_num(rt, "bystander", "count"), 0);
    const char *reply;
    assert_int_equal(sec_try_cmd(rt, attacker, "0ping", 5, &reply), AW_REQUEST_OK);
}

static void every_host_import_with_bad_pointers(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"hostile", SEC_POINTERS, NULL, NULL, NULL},
        {"bystander", NULL, NULL, NULL, NULL},
        {"v", NULL, NULL, NULL, NULL},
        {"t", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 4);
    for (size_t i = 0; i < SEC_MISUSES; i++) {
        const sec_misuse *m = &sec_misuses[i];
        size_t crashes = sec_audit_count(AW_AUDIT_CRASH, AW_TRAP, "hostile", NULL);
        const char *reply;
        aw_request_outcome o = sec_try_cmd(rt, "hostile", &m->command, 1, &reply);
        if (m->command == 'L') {
            /* fd_seek on stdout answers ESPIPE before it would write. */
            assert_int_equal(o, AW_REQUEST_OK);
            assert_int_equal((unsigned char)reply[0], 70);
            both_alive(rt, "hostile");
            continue;
        }
        if (o != AW_REQUEST_TARGET_CRASHED) fail_msg("%s: outcome %d", m->what, o);
        /* The crash is audited with its trap, then the restart. */
        assert_true(sec_wait_audit(AW_AUDIT_RESTART, AW_OK, "hostile", crashes + 1, 5000));
        sec_record r;
        assert_true(sec_audit_last(AW_AUDIT_CRASH, AW_TRAP, "hostile", &r));
        assert_int_equal(sec_audit_count(AW_AUDIT_CRASH, AW_TRAP, "hostile", NULL), crashes + 1);
        aw_trap want = m->bad_text ? AW_TRAP_HOST_ERROR : AW_TRAP_OUT_OF_BOUNDS_MEMORY;
        if (r.trap != want)
            fail_msg("%s: trap %s, want %s", m->what, aw_trap_name(r.trap), aw_trap_name(want));
        both_alive(rt, "hostile");
    }
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, SEC_MISUSES - 1);
    sec_finish(rt);
}

static void payload_bombs_are_too_large(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"attacker", NULL, NULL, NULL, NULL}, /* max-payload 64 KiB */
        {"small", NULL, NULL,
         "memory-pages = 32\nfuel-per-message = 50_000_000\ntimeout-ms = 2000\nmailbox = 100\n"
         "max-payload = \"1 KiB\"\n",
         NULL},
        {"bystander", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 3);
    /* Over the sender's own max-payload: refused before anything is copied. */
    assert_int_equal(sec_num(rt, "attacker", "send bystander 1000000"), SEC_TOO_LARGE);
    assert_int_equal(sec_num(rt, "attacker", "pub news 1000000"), SEC_TOO_LARGE);
    /* Over the receiver's max-payload: refused by the router. */
    assert_int_equal(sec_num(rt, "attacker", "send small 5000"), SEC_TOO_LARGE);
    assert_int_equal(sec_num(rt, "attacker", "send small 1000"), SEC_SEND_OK);
    /* The host's sends meet the receiver's limit too. */
    static uint8_t big[4096] = {0x55};
    aw_error err;
    assert_int_equal(aw_runtime_send(rt, "small", big, sizeof big, &err), AW_TOO_LARGE);
    assert_int_equal(aw_runtime_wait_idle(rt, 5000000000ull), AW_OK);
    assert_int_equal(sec_num(rt, "small", "count"), 1);
    assert_int_equal(sec_num(rt, "bystander", "count"), 0);

    sec_record r;
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_TOO_LARGE, "attacker", &r), 2);
    assert_string_equal(r.target, "bystander");
    assert_non_null(strstr(r.detail, "max-payload"));
    assert_int_equal(sec_audit_count(AW_AUDIT_PUBLISH, AW_TOO_LARGE, "attacker", NULL), 1);
    aw_component_stats cs;
    assert_int_equal(aw_runtime_component_stats(rt, "attacker", &cs), AW_OK);
    assert_int_equal(cs.too_large, 3); /* twice its own limit, once the receiver's */
    assert_int_equal(cs.refused, 0);
    assert_int_equal(cs.sent, 1);
    sec_finish(rt);
}

static void memory_grow_bomb_stops_at_the_limit(void **state) {
    (void)state;
    sec_comp comps[] = {{"attacker", NULL, NULL, NULL, NULL}, /* memory-pages = 32 */
                        {"bystander", NULL, NULL, NULL, NULL}};
    aw_runtime *rt = sec_start(NULL, comps, 2);
    /* memory.grow answers -1 past memory-pages, as the spec says; the guest
     * goes on running (no trap, no crash). */
    assert_string_equal(sec_cmd(rt, "attacker", "grow 100000"), "pages=32 refused=1");
    assert_string_equal(sec_cmd(rt, "attacker", "grow 1"), "pages=32 refused=1");
    both_alive(rt, "attacker");
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 0);
    sec_finish(rt);
}

/* One command that must crash the attacker with trap, audited, restarted. */
static void crashes_with(aw_runtime *rt, const char *cmd, aw_trap want, aw_trap also) {
    size_t before = sec_audit_count(AW_AUDIT_CRASH, AW_TRAP, "attacker", NULL);
    const char *reply;
    assert_int_equal(sec_try_cmd(rt, "attacker", cmd, strlen(cmd), &reply),
                     AW_REQUEST_TARGET_CRASHED);
    assert_true(sec_wait_audit(AW_AUDIT_RESTART, AW_OK, "attacker", before + 1, 5000));
    sec_record r;
    assert_true(sec_audit_last(AW_AUDIT_CRASH, AW_TRAP, "attacker", &r));
    if (r.trap != want && r.trap != also)
        fail_msg("%s: trap %s, want %s", cmd, aw_trap_name(r.trap), aw_trap_name(want));
    both_alive(rt, "attacker");
}

static void infinite_loops_and_deep_recursion_crash_only_the_attacker(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"attacker", NULL, NULL,
         "memory-pages = 32\nfuel-per-message = 20_000_000\ntimeout-ms = 5000\nmailbox = 100\n"
         "max-payload = \"64 KiB\"\n",
         NULL},
        {"bystander", NULL, NULL, NULL, NULL},
        {"slow", NULL, NULL,
         "memory-pages = 32\nfuel-per-message = 100_000_000_000\ntimeout-ms = 300\n"
         "mailbox = 100\nmax-payload = \"64 KiB\"\n",
         NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 3);
    /* Fuel per message runs out. */
    crashes_with(rt, "spin", AW_TRAP_FUEL_EXHAUSTED, AW_TRAP_FUEL_EXHAUSTED);
    /* The shadow stack in linear memory or the engine's call depth runs out. */
    crashes_with(rt, "recurse", AW_TRAP_STACK_EXHAUSTED, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    /* With fuel to spare, the wall-clock timeout ends it at a slice boundary,
     * while the bystander on the other worker keeps answering. */
    size_t before = sec_audit_count(AW_AUDIT_CRASH, AW_TRAP, "slow", NULL);
    const char *reply;
    assert_int_equal(sec_try_cmd(rt, "slow", "spin", 4, &reply), AW_REQUEST_TARGET_CRASHED);
    assert_true(sec_wait_audit(AW_AUDIT_RESTART, AW_OK, "slow", before + 1, 5000));
    sec_record r;
    assert_true(sec_audit_last(AW_AUDIT_CRASH, AW_TRAP, "slow", &r));
    assert_int_equal(r.trap, AW_TRAP_DEADLINE);
    assert_int_equal(sec_num(rt, "bystander", "count"), 0);
    assert_int_equal(sec_num(rt, "slow", "count"), 0);
    sec_finish(rt);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_host_import_with_bad_pointers),
        cmocka_unit_test(payload_bombs_are_too_large),
        cmocka_unit_test(memory_grow_bomb_stops_at_the_limit),
        cmocka_unit_test(infinite_loops_and_deep_recursion_crash_only_the_attacker),
    };
    return AW_TEST_RUN(tests);
}
