/* End-to-end misuse of the component ABI by a hostile guest
 * (components/it_hostile.wat): bad pointers, huge lengths, invalid UTF-8,
 * bad enum values and malformed export results passed to the host. Each
 * traps the guest, which is restarted; the host and the other components
 * keep working. The dead letters tell which trap each misuse caused. */
#include "harness.h"

#include "msg/envelope.h"
#include "runtime/runtime_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct misuse {
    char command;
    aw_trap trap; /* bounds and alignment: out-of-bounds; UTF-8 and enums: host-error */
    const char *what;
} misuse;

static const misuse misuses[] = {
    {'p', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-message target pointer past the end of memory"},
    {'l', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-message payload of 4 GiB - 1"},
    {'u', AW_TRAP_HOST_ERROR, "send-message target not UTF-8"},
    {'w', AW_TRAP_HOST_ERROR, "publish topic in overlong UTF-8"},
    {'s', AW_TRAP_HOST_ERROR, "subscribe pattern not UTF-8"},
    {'g', AW_TRAP_HOST_ERROR, "log level 7"},
    {'r', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-message return area outside memory"},
    {'a', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-request return area misaligned"},
    {'m', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "call payload of 2 GiB - 1"},
    {'k', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "cabi_realloc answers outside memory"},
    {'x', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "result pointer outside memory"},
    {'q', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "result pointer misaligned"},
    {'y', AW_TRAP_OUT_OF_BOUNDS_MEMORY, "ok list outside memory"},
    {'z', AW_TRAP_HOST_ERROR, "err string not UTF-8"},
    {'d', AW_TRAP_HOST_ERROR, "result discriminant 7"},
};
#define MISUSES (sizeof misuses / sizeof misuses[0])

static aw_request_outcome call(aw_runtime *rt, const char *target, const uint8_t *payload,
                               size_t len, uint8_t **bytes, size_t *n) {
    aw_error err;
    aw_error_clear(&err);
    aw_request_outcome outcome = AW_REQUEST_DENIED;
    assert_int_equal(aw_runtime_call(rt, target, payload, len, 5000, &outcome, bytes, n, &err),
                     AW_OK);
    return outcome;
}

static void each_misuse_traps_and_the_rest_keeps_working(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"hostile", IT_HOSTILE, {.accepts = "[\"raw\"]"}},
                       {"bystander", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);
    static const uint8_t echo[] = {0x55, 'o', 'k', 0x00, 0xff};

    for (size_t i = 0; i < MISUSES; i++) {
        const misuse *m = &misuses[i];
        uint8_t payload[2] = {0x55, (uint8_t)m->command};
        uint8_t *bytes = NULL;
        size_t n = 0;
        aw_request_outcome outcome = call(rt, "hostile", payload, 2, &bytes, &n);
        aw_runtime_free_bytes(bytes, n);
        if (outcome != AW_REQUEST_TARGET_CRASHED)
            fail_msg("%s: outcome %d, expected target-crashed", m->what, (int)outcome);

        aw_dead_letter letter;
        assert_int_equal(aw_dead_letters_take(rt->sys, &letter, 1), 1);
        aw__envelope env = {0};
        assert_int_equal(aw__envelope_view_msg(&letter.msg, &env), AW_OK);
        bool same = env.payload && env.payload->len == 2 && env.payload->bytes[1] == m->command;
        aw_reason reason = letter.reason;
        aw_status status = letter.status;
        aw_payload_release(letter.msg.payload);
        assert_true(same);
        assert_int_equal(status, AW_TRAP);
        assert_int_equal(reason.kind, AW_EXIT_CRASH);
        if (reason.code != m->trap)
            fail_msg("%s: trap %s, expected %s", m->what, aw_trap_name((aw_trap)reason.code),
                     aw_trap_name(m->trap));
        print_message("%-52s -> %s\n", m->what, aw_trap_name((aw_trap)reason.code));

        /* The restarted instance answers, byte for byte. */
        outcome = call(rt, "hostile", echo, sizeof echo, &bytes, &n);
        assert_int_equal(outcome, AW_REQUEST_OK);
        assert_int_equal(n, sizeof echo);
        assert_memory_equal(bytes, echo, sizeof echo);
        aw_runtime_free_bytes(bytes, n);
        /* So does the bystander. */
        assert_string_equal(it_cmd(rt, "bystander", "!self"), "bystander");
    }

    /* A component's request to the hostile one: target-crashed as well. */
    assert_string_equal(it_cmd(rt, "bystander", "!call\nhostile\n1000\n\x55u"), "3\n");
    assert_int_equal(aw_runtime_wait_idle(rt, 10000000000ull), AW_OK);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, MISUSES + 1);
    assert_int_equal(st.restarts, MISUSES + 1);
    assert_int_equal(st.components, 2);
    aw_dead_letter letter;
    assert_int_equal(aw_dead_letters_take(rt->sys, &letter, 1), 1);
    aw_payload_release(letter.msg.payload);
    it_finish(rt);
    it_end();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_misuse_traps_and_the_rest_keeps_working),
    };
    return AW_TEST_RUN(tests);
}
