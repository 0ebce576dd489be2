/* Each host import hands the backend the right bytes and lowers the right
 * result record into guest memory; hostile arguments trap before the
 * backend is asked anything. */
#include "host_test.h"

#include <stdlib.h>

typedef struct fixture {
    recorder rec;
    aw__component *c;
    aw__reply reply;
    aw_error err;
} fixture;

static fixture *fx;

static int setup(void **state) {
    (void)state;
    fx = calloc(1, sizeof *fx);
    aw__component_config cfg = config_for("comp-7", &fx->rec);
    fx->c = spawn("host_commands", &cfg);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    aw__component_destroy(fx->c);
    free(fx);
    return 0;
}

static aw_status send_bytes(const void *payload, size_t len) {
    return aw__component_handle_message(fx->c, "tester", 6, payload, len, &fx->reply, &fx->err);
}

static void self_id_is_lowered_as_a_string(void **state) {
    (void)state;
    assert_int_equal(send_text(fx->c, "i", &fx->reply, &fx->err), AW_OK);
    assert_reply_bytes(&fx->reply, "comp-7", 6);
}

static void send_message_passes_target_and_payload(void **state) {
    (void)state;
    fx->rec.answer = AW__SEND_OK;
    const uint8_t payload[] = {'s', 0x55, 'h', 0x00, 'i'};
    assert_int_equal(send_bytes(payload, sizeof payload), AW_OK);
    assert_string_equal(fx->rec.fn, "send-message");
    assert_ptr_equal(fx->rec.from, fx->c);
    assert_int_equal(fx->rec.target_len, 4);
    assert_memory_equal(fx->rec.target, "peer", 4);
    assert_int_equal(fx->rec.payload_len, 4);
    assert_memory_equal(fx->rec.payload, payload + 1, 4);
    /* ok: only the discriminant is written (the guest filled 0xEE). */
    const uint8_t ok[2] = {0, 0xEE};
    assert_reply_bytes(&fx->reply, ok, 2);
    fx->rec.answer = AW__SEND_MAILBOX_FULL;
    assert_int_equal(send_text(fx->c, "sx", &fx->reply, &fx->err), AW_OK);
    const uint8_t full[2] = {1, 3};
    assert_reply_bytes(&fx->reply, full, 2);
}

static void send_request_lowers_the_request_id(void **state) {
    (void)state;
    fx->rec.answer = AW__SEND_OK;
    fx->rec.request_id = UINT64_C(0x1122334455667788);
    assert_int_equal(send_text(fx->c, "rq", &fx->reply, &fx->err), AW_OK);
    assert_string_equal(fx->rec.fn, "send-request");
    assert_int_equal(fx->rec.timeout_ms, 250);
    assert_memory_equal(fx->rec.target, "peer", 4);
    assert_int_equal(fx->rec.payload_len, 1);
    assert_int_equal(fx->rec.payload[0], 'q');
    const uint8_t ok[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
    assert_reply_bytes(&fx->reply, ok, 16);
    fx->rec.answer = AW__SEND_DENIED;
    assert_int_equal(send_text(fx->c, "rq", &fx->reply, &fx->err), AW_OK);
    const uint8_t denied[16] = {1, 0, 0, 0, 0, 0, 0, 0, AW__SEND_DENIED};
    assert_reply_bytes(&fx->reply, denied, 16);
}

static void cancel_request_passes_the_id(void **state) {
    (void)state;
    const uint8_t payload[9] = {'c', 42, 0, 0, 0, 0, 0, 0, 1};
    fx->rec.cancelled = true;
    assert_int_equal(send_bytes(payload, sizeof payload), AW_OK);
    assert_string_equal(fx->rec.fn, "cancel-request");
    assert_int_equal(fx->rec.id, UINT64_C(0x010000000000002A));
    const uint8_t yes[4] = {1, 0, 0, 0};
    assert_reply_bytes(&fx->reply, yes, 4);
    fx->rec.cancelled = false;
    assert_int_equal(send_bytes(payload, sizeof payload), AW_OK);
    const uint8_t no[4] = {0, 0, 0, 0};
    assert_reply_bytes(&fx->reply, no, 4);
}

static void call_answered_at_once(void **state) {
    (void)state;
    fx->rec.call_start = AW__CALL_DONE;
    fx->rec.call_now = (aw__call_result){AW__REQUEST_OK, (const uint8_t *)"answer", 6};
    assert_int_equal(send_text(fx->c, "Cq?", &fx->reply, &fx->err), AW_OK);
    assert_string_equal(fx->rec.fn, "call");
    assert_int_equal(fx->rec.payload_len, 2);
    assert_int_equal(fx->reply.len, 18);
    assert_int_equal(fx->reply.bytes[0], 0);
    assert_int_equal(le32(fx->reply.bytes + 8), 6);
    assert_memory_equal(fx->reply.bytes + 12, "answer", 6);
    fx->rec.call_now = (aw__call_result){AW__REQUEST_UNKNOWN_TARGET, NULL, 0};
    assert_int_equal(send_text(fx->c, "C", &fx->reply, &fx->err), AW_OK);
    assert_int_equal(fx->reply.len, 12);
    assert_int_equal(fx->reply.bytes[0], 1);
    assert_int_equal(fx->reply.bytes[4], AW__REQUEST_UNKNOWN_TARGET);
}

static void publish_and_subscribe(void **state) {
    (void)state;
    fx->rec.answer = AW__SEND_OK;
    assert_int_equal(send_text(fx->c, "pnews!", &fx->reply, &fx->err), AW_OK);
    assert_string_equal(fx->rec.fn, "publish");
    assert_int_equal(fx->rec.target_len, 6);
    assert_memory_equal(fx->rec.target, "news.x", 6);
    assert_memory_equal(fx->rec.payload, "news!", 5);
    const uint8_t ok[2] = {0, 0xEE};
    assert_reply_bytes(&fx->reply, ok, 2);
    fx->rec.answer = AW__SEND_DENIED;
    assert_int_equal(send_text(fx->c, "u", &fx->reply, &fx->err), AW_OK);
    assert_string_equal(fx->rec.fn, "subscribe");
    assert_memory_equal(fx->rec.target, "news.*", 6);
    const uint8_t denied[2] = {1, AW__SEND_DENIED};
    assert_reply_bytes(&fx->reply, denied, 2);
}

static void log_and_now_millis(void **state) {
    (void)state;
    assert_int_equal(send_text(fx->c,
                               "l\x03"
                               "careful",
                               &fx->reply, &fx->err),
                     AW_OK);
    assert_string_equal(fx->rec.fn, "log");
    assert_int_equal(fx->rec.level, AW_LOG_WARN);
    assert_int_equal(fx->rec.payload_len, 7);
    assert_memory_equal(fx->rec.payload, "careful", 7);
    fx->rec.now = UINT64_C(1763769600123);
    assert_int_equal(send_text(fx->c, "n", &fx->reply, &fx->err), AW_OK);
    uint8_t want[8];
    for (int i = 0; i < 8; i++) want[i] = (uint8_t)(fx->rec.now >> (8 * i));
    assert_reply_bytes(&fx->reply, want, 8);
}

/* Without backend functions: sends are denied, log reaches the runtime log
 * tagged with the component id, now-millis reads the wall clock. */
static void defaults_without_a_backend(void **state) {
    (void)state;
    aw__component_config cfg = config_for("lonely", NULL);
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    assert_int_equal(send_text(c, "sx", &reply, NULL), AW_OK);
    const uint8_t denied[2] = {1, AW__SEND_DENIED};
    assert_reply_bytes(&reply, denied, 2);
    log_capture cap;
    capture_logs(&cap);
    assert_int_equal(send_text(c,
                               "l\x04"
                               "disk on fire",
                               &reply, NULL),
                     AW_OK);
    aw_log_configure(NULL);
    assert_int_equal(cap.count, 1);
    assert_int_equal(cap.levels[0], AW_LOG_ERROR);
    assert_non_null(strstr(cap.lines[0], "[component:lonely] disk on fire"));
    assert_int_equal(send_text(c, "n", &reply, NULL), AW_OK);
    uint64_t now = 0;
    for (int i = 0; i < 8; i++) now |= (uint64_t)reply.bytes[i] << (8 * i);
    assert_true(now > UINT64_C(1700000000000)); /* after 2023 */
    aw__component_destroy(c);
}

static aw_status reentry_status;

static int reenter_send(void *ctx, aw__component *from, const char *target, size_t target_len,
                        const uint8_t *payload, size_t len) {
    (void)ctx, (void)target, (void)target_len;
    aw__reply reply;
    assert_int_equal(aw__component_state_of(from), AW__COMPONENT_RUNNING);
    reentry_status = aw__component_handle_message(from, "me", 2, payload, len, &reply, NULL);
    return AW__SEND_OK;
}

/* A backend that calls back into the component it serves is refused; the
 * call in progress is unharmed. */
static void reentrant_calls_are_refused(void **state) {
    (void)state;
    aw__component_config cfg = config_for("reentrant", NULL);
    cfg.backend.send_message = reenter_send;
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    reentry_status = AW_OK;
    assert_int_equal(send_text(c, "sx", &reply, NULL), AW_OK);
    assert_int_equal(reentry_status, AW_INVALID_ARGUMENT);
    const uint8_t ok[2] = {0, 0xEE};
    assert_reply_bytes(&reply, ok, 2);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    aw__component_destroy(c);
}

/* Bad pointers, huge lengths, wrap-around, bad UTF-8, bad enum values,
 * misaligned out-pointers: each traps, the backend is never asked, and the
 * host goes on. */
static void hostile_arguments_trap(void **state) {
    (void)state;
    struct {
        const char *cmd;
        aw_trap trap;
        const char *why;
    } cases[] = {
        {"Sx", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-message target: [4294967280, +32)"},
        {"L", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-message payload: [0, +4294967295)"},
        {"O", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-message payload: [4294967040, +512)"},
        {"Ux", AW_TRAP_HOST_ERROR, "send-message target: string at 112 (3 bytes) is not UTF-8"},
        {"Rx", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-message: [4294967295, +2)"},
        {"Ax", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "send-request: result pointer 36 is not aligned to 8"},
        {"Vx", AW_TRAP_HOST_ERROR, "log: level 7 is not a log-level"},
        {"H", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "self-id: [65532, +8)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        recorder rec = {0};
        aw__component_config cfg = config_for("hostile", &rec);
        aw__component *c = spawn("host_commands", &cfg);
        aw__reply reply;
        aw_error err;
        assert_int_equal(send_text(c, cases[i].cmd, &reply, &err), AW_TRAP);
        if (err.trap != cases[i].trap || strstr(err.message, cases[i].why) == NULL)
            fail_msg("%s: trap %s, message '%s'", cases[i].cmd, aw_trap_name(err.trap),
                     err.message);
        assert_int_equal(rec.calls, 0);
        aw__component_destroy(c);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(self_id_is_lowered_as_a_string, setup, teardown),
        cmocka_unit_test_setup_teardown(send_message_passes_target_and_payload, setup, teardown),
        cmocka_unit_test_setup_teardown(send_request_lowers_the_request_id, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_request_passes_the_id, setup, teardown),
        cmocka_unit_test_setup_teardown(call_answered_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(publish_and_subscribe, setup, teardown),
        cmocka_unit_test_setup_teardown(log_and_now_millis, setup, teardown),
        cmocka_unit_test(defaults_without_a_backend),
        cmocka_unit_test(reentrant_calls_are_refused),
        cmocka_unit_test(hostile_arguments_trap),
    };
    return AW_TEST_RUN(tests);
}
