/* A component instance end to end: handle-message round trips with exact
 * bytes, the lifecycle exports, state across messages, post-return, fuel
 * slices that suspend and resume inside handle-message, a `call` that waits
 * and is completed later, and traps that leave the host unharmed. */
#include "host_test.h"

static void round_trip_exact_bytes(void **state) {
    (void)state;
    aw__component_config cfg = config_for("echo-1", NULL);
    aw__component *c = spawn("host_commands", &cfg);
    const uint8_t payload[] = {'e', 0x00, 0x01, 0xff, 0x80, 'z', 0x00};
    aw__reply reply;
    aw_error err;
    assert_int_equal(
        aw__component_handle_message(c, "tester", 6, payload, sizeof payload, &reply, &err), AW_OK);
    assert_int_equal(reply.op, AW__OP_HANDLE_MESSAGE);
    assert_false(reply.is_error);
    assert_reply_bytes(&reply, payload + 1, sizeof payload - 1);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    /* An empty payload is answered with the sender, lowered as a string. */
    assert_int_equal(aw__component_handle_message(c, "caf\xc3\xa9", 5, NULL, 0, &reply, &err),
                     AW_OK);
    assert_reply_bytes(&reply, "caf\xc3\xa9", 5);
    /* A big payload crosses a memory.grow inside cabi_realloc. */
    static uint8_t big[200000];
    big[0] = 'e';
    for (size_t i = 1; i < sizeof big; i++) big[i] = (uint8_t)(i * 7);
    assert_int_equal(aw__component_handle_message(c, "t", 1, big, sizeof big, &reply, &err), AW_OK);
    assert_reply_bytes(&reply, big + 1, sizeof big - 1);
    aw__component_destroy(c);
}

/* In steady state a message allocates nothing on the host side: the reply
 * buffer is reused (the checking allocator counts live blocks). */
static void steady_messages_allocate_nothing(void **state) {
    (void)state;
    aw__component_config cfg = config_for("steady", NULL);
    cfg.fuel_per_message = 100000;
    cfg.slice_fuel = 50000;
    aw__component *c = spawn("host_echo", &cfg);
    aw__reply reply;
    uint8_t payload[64];
    for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)i;
    assert_int_equal(aw__component_handle_message(c, "s", 1, payload, sizeof payload, &reply, NULL),
                     AW_OK);
    size_t memory = 0;
    (void)aw_instance_memory(aw__component_instance(c), &memory);
    aw_test_allocator_fail_at(0); /* restarts the allocation count */
    for (int i = 0; i < 1000; i++) {
        payload[0] = (uint8_t)i;
        assert_int_equal(
            aw__component_handle_message(c, "s", 1, payload, sizeof payload, &reply, NULL), AW_OK);
        assert_reply_bytes(&reply, payload, sizeof payload);
    }
    assert_int_equal(aw_test_allocator_count(), 0);
    /* One huge reply is not kept pinned: the next call releases its buffer
     * and the one after allocates a small one again, once. */
    static uint8_t huge[40000];
    assert_int_equal(aw__component_handle_message(c, "s", 1, huge, sizeof huge, &reply, NULL),
                     AW_OK);
    assert_int_equal(reply.len, sizeof huge);
    aw_test_allocator_fail_at(0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(
            aw__component_handle_message(c, "s", 1, payload, sizeof payload, &reply, NULL), AW_OK);
    assert_int_equal(aw_test_allocator_count(), 1);
    size_t memory_after = 0;
    (void)aw_instance_memory(aw__component_instance(c), &memory_after);
    assert_int_equal(memory_after, memory);
    aw__component_destroy(c);
}

static void ids_must_be_utf8(void **state) {
    (void)state;
    aw_module *module = load_module("host_echo");
    aw__component_config cfg = config_for("bad\xff", NULL);
    aw__component *c = NULL;
    aw_error err;
    assert_int_equal(aw__component_create(module, &cfg, &c, &err), AW_INVALID_ARGUMENT);
    assert_null(c);
    cfg = config_for("good", NULL);
    assert_int_equal(aw__component_create(module, &cfg, &c, &err), AW_OK);
    aw__reply reply;
    assert_int_equal(aw__component_handle_message(c, "\xc0\xaf", 2, NULL, 0, &reply, &err),
                     AW_INVALID_ARGUMENT);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    assert_int_equal(aw__component_handle_message(c, "ok", 2, NULL, 0, &reply, &err), AW_OK);
    aw__component_destroy(c);
    aw_module_release(module);
}

/* The runtime's entry: an interned id (checked once, when interned) is
 * lowered as the sender string like any other. */
static void interned_sender_reaches_the_guest(void **state) {
    (void)state;
    aw__names *names = NULL;
    assert_int_equal(aw__names_create(8, &names), AW_OK);
    const aw__name *from = NULL;
    assert_int_equal(aw__names_intern(names, "org/sender-1", 12, &from, NULL), AW_OK);
    aw__component_config cfg = config_for("echo-2", NULL);
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    aw_error err;
    /* An empty payload is answered with the sender. */
    assert_int_equal(aw__component_handle_message_from(c, from, NULL, 0, &reply, &err), AW_OK);
    assert_false(reply.is_error);
    assert_reply_bytes(&reply, "org/sender-1", 12);
    const uint8_t payload[] = {'e', 'h', 'i'};
    assert_int_equal(
        aw__component_handle_message_from(c, from, payload, sizeof payload, &reply, &err), AW_OK);
    assert_reply_bytes(&reply, "hi", 2);
    aw__component_destroy(c);
    aw__names_destroy(names);
}

/* Short strings are copied into guest memory without memcpy, by length
 * class: every length up to past the largest class arrives byte-exact, as
 * the payload and as the sender (which the guest answers an empty payload
 * with). */
static void every_short_length_is_lowered_exactly(void **state) {
    (void)state;
    aw__component_config cfg = config_for("lengths", NULL);
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    aw_error err;
    uint8_t payload[41];
    char sender[41];
    for (size_t len = 1; len <= 40; len++) {
        payload[0] = 'e';
        for (size_t i = 1; i < len; i++) payload[i] = (uint8_t)(i * 37 + len);
        assert_int_equal(aw__component_handle_message(c, "s", 1, payload, len, &reply, &err),
                         AW_OK);
        assert_reply_bytes(&reply, payload + 1, len - 1);
        for (size_t i = 0; i < len; i++) sender[i] = (char)('a' + (i * 7 + len) % 26);
        assert_int_equal(aw__component_handle_message(c, sender, len, NULL, 0, &reply, &err),
                         AW_OK);
        assert_reply_bytes(&reply, sender, len);
    }
    aw__component_destroy(c);
}

static void err_result_is_lifted_as_a_string(void **state) {
    (void)state;
    aw__component_config cfg = config_for("e", NULL);
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    assert_int_equal(send_text(c, "x", &reply, NULL), AW_OK);
    assert_true(reply.is_error);
    assert_reply_bytes(&reply, "bad thing", 9);
    aw__component_destroy(c);
}

static void state_persists_and_post_return_runs(void **state) {
    (void)state;
    aw__component_config cfg = config_for("counter", NULL);
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    for (uint32_t i = 1; i <= 3; i++) {
        assert_int_equal(send_text(c, "k", &reply, NULL), AW_OK);
        uint8_t want[4] = {(uint8_t)i, 0, 0, 0};
        assert_reply_bytes(&reply, want, 4);
    }
    /* Three post-returns so far; this message's own runs after its reply. */
    assert_int_equal(send_text(c, "o", &reply, NULL), AW_OK);
    const uint8_t three[4] = {3, 0, 0, 0};
    assert_reply_bytes(&reply, three, 4);
    aw__component_destroy(c);
}

static void lifecycle_exports_run(void **state) {
    (void)state;
    recorder rec = {0};
    aw__component_config cfg = config_for("life", &rec);
    aw__component *c = spawn("host_lifecycle", &cfg);
    aw__reply reply;
    aw_error err;
    /* _initialize ran before init, and init ran. */
    assert_int_equal(send_text(c, "", &reply, &err), AW_OK);
    assert_int_equal(reply.len, 28);
    assert_int_equal(le32(reply.bytes), 3);
    assert_int_equal(le32(reply.bytes + 4), 0);

    const aw__call_result ok = {AW__REQUEST_OK, (const uint8_t *)"resp\x00\x01", 6};
    assert_int_equal(
        aw__component_handle_callback(c, UINT64_C(0x0102030405060708), &ok, &reply, &err), AW_OK);
    assert_int_equal(reply.op, AW__OP_HANDLE_CALLBACK);
    assert_int_equal(send_text(c, "", &reply, &err), AW_OK);
    assert_int_equal(reply.len, 28 + 6);
    assert_int_equal(le32(reply.bytes + 4), 1);
    const uint8_t id[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    assert_memory_equal(reply.bytes + 8, id, 8);
    assert_int_equal(le32(reply.bytes + 16), 0); /* ok */
    assert_int_equal(le32(reply.bytes + 24), 6); /* len */
    assert_memory_equal(reply.bytes + 28, "resp\x00\x01", 6);

    const aw__call_result timeout = {AW__REQUEST_TIMEOUT, NULL, 0};
    assert_int_equal(aw__component_handle_callback(c, 9, &timeout, &reply, &err), AW_OK);
    assert_int_equal(send_text(c, "", &reply, &err), AW_OK);
    assert_int_equal(reply.len, 28);
    assert_int_equal(le32(reply.bytes + 4), 2);
    assert_int_equal(le32(reply.bytes + 16), 1); /* err */
    assert_int_equal(le32(reply.bytes + 20), AW__REQUEST_TIMEOUT);

    assert_int_equal(aw__component_health(c, &reply, &err), AW_OK);
    assert_int_equal(reply.op, AW__OP_HEALTH);
    assert_int_equal(reply.health, 0);
    assert_false(reply.is_error);
    assert_int_equal(reply.len, 0);
    assert_int_equal(send_text(c, "h1", &reply, &err), AW_OK);
    assert_int_equal(aw__component_health(c, &reply, &err), AW_OK);
    assert_int_equal(reply.health, 1);
    assert_true(reply.is_error);
    assert_reply_bytes(&reply, "slow", 4);
    assert_int_equal(send_text(c, "h2", &reply, &err), AW_OK);
    assert_int_equal(aw__component_health(c, &reply, &err), AW_OK);
    assert_int_equal(reply.health, 2);
    assert_reply_bytes(&reply, "slow", 4);

    assert_int_equal(aw__component_shutdown(c, &reply, &err), AW_OK);
    assert_int_equal(reply.op, AW__OP_SHUTDOWN);
    assert_string_equal(rec.fn, "log");
    assert_int_equal(rec.level, AW_LOG_INFO);
    assert_int_equal(rec.payload_len, 3);
    assert_memory_equal(rec.payload, "bye", 3);

    /* A health variant past its three cases traps. */
    assert_int_equal(send_text(c, "h9", &reply, &err), AW_OK);
    assert_int_equal(aw__component_health(c, &reply, &err), AW_TRAP);
    assert_non_null(strstr(err.message, "discriminant 9"));
    aw__component_destroy(c);
}

static void missing_optional_exports_say_not_found(void **state) {
    (void)state;
    aw__component_config cfg = config_for("min", NULL);
    aw__component *c = spawn("host_minimal", &cfg);
    aw__reply reply;
    const aw__call_result ok = {AW__REQUEST_OK, (const uint8_t *)"x", 1};
    assert_int_equal(aw__component_handle_callback(c, 1, &ok, &reply, NULL), AW_NOT_FOUND);
    assert_int_equal(aw__component_health(c, &reply, NULL), AW_NOT_FOUND);
    assert_int_equal(aw__component_shutdown(c, &reply, NULL), AW_NOT_FOUND);
    assert_int_equal(send_text(c, "still fine", &reply, NULL), AW_OK);
    assert_reply_bytes(&reply, "still fine", 10);
    aw__component_destroy(c);
}

/* Every allocation creation makes may fail: each failure is reported and
 * leaks nothing (the group teardown checks the blocks). */
static void creation_survives_every_allocation_failure(void **state) {
    (void)state;
    aw_module *module = load_module("host_lifecycle");
    static const char *const args[] = {"a", "b"};
    aw__component_config cfg = config_for("fragile", NULL);
    cfg.args = args;
    cfg.arg_count = 2;
    aw_status s = AW_NO_MEMORY;
    uint64_t nth = 1;
    for (; s != AW_OK && nth < 200; nth++) {
        aw__component *c = NULL;
        aw_error err;
        aw_test_allocator_fail_at(nth);
        s = aw__component_create(module, &cfg, &c, &err);
        aw_test_allocator_fail_at(0);
        if (s != AW_OK) {
            assert_null(c);
            if (s != AW_NO_MEMORY)
                fail_msg("failure %llu: %s: %s", (unsigned long long)nth, aw_status_name(s),
                         err.message);
        } else {
            aw__reply reply;
            assert_int_equal(send_text(c, "", &reply, NULL), AW_OK);
            aw__component_destroy(c);
        }
    }
    assert_int_equal(s, AW_OK);
    assert_true(nth > 3);
    aw_module_release(module);
}

/* Running out of host memory on the message path is reported as
 * AW_NO_MEMORY and leaves the component usable: it is not the guest's fault. */
static void out_of_host_memory_keeps_the_component(void **state) {
    (void)state;
    aw__component_config cfg = config_for("oom", NULL);
    aw__component *c = spawn("host_echo", &cfg);
    aw__reply reply;
    aw_error err;
    /* The first message needs the engine's stack: its allocation fails. */
    aw_test_allocator_fail_at(1);
    assert_int_equal(send_text(c, "first", &reply, &err), AW_NO_MEMORY);
    aw_test_allocator_fail_at(0);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    assert_int_equal(send_text(c, "x", &reply, &err), AW_OK);
    /* A longer reply needs a bigger reply buffer: that allocation fails. */
    static char longer[5000];
    memset(longer, 'z', sizeof longer - 1);
    aw_test_allocator_fail_at(1);
    assert_int_equal(send_text(c, longer, &reply, &err), AW_NO_MEMORY);
    aw_test_allocator_fail_at(0);
    assert_non_null(strstr(err.message, "no host memory for the handle-message result"));
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    assert_int_equal(send_text(c, longer, &reply, &err), AW_OK);
    assert_reply_bytes(&reply, longer, sizeof longer - 1);
    aw__component_destroy(c);
}

static void init_error_fails_creation(void **state) {
    (void)state;
    aw_module *module = load_module("host_init_fail");
    aw__component_config cfg = config_for("picky", NULL);
    aw__component *c = NULL;
    aw_error err;
    assert_int_equal(aw__component_create(module, &cfg, &c, &err), AW_INVALID_ARGUMENT);
    assert_null(c);
    assert_non_null(strstr(err.message, "init failed: no config"));
    aw_module_release(module);
}

static void call_during_init_is_denied(void **state) {
    (void)state;
    recorder rec = {0};
    rec.call_start = AW__CALL_PENDING;
    aw__component_config cfg = config_for("early-caller", &rec);
    aw__component *c = spawn("host_init_call", &cfg);
    assert_int_equal(rec.calls, 0);
    aw__reply reply;
    assert_int_equal(send_text(c, "x", &reply, NULL), AW_OK);
    assert_reply_bytes(&reply, "peer", 4);
    aw__component_destroy(c);
}

static void trap_poisons_the_component(void **state) {
    (void)state;
    aw__component_config cfg = config_for("crashy", NULL);
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    aw_error err;
    assert_int_equal(send_text(c, "q", &reply, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_UNREACHABLE);
    assert_non_null(strstr(err.message, "handle-message trapped"));
    assert_non_null(strstr(err.message, "crashy"));
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_FAILED);
    assert_int_equal(send_text(c, "e", &reply, &err), AW_INVALID_ARGUMENT);
    aw__component_destroy(c);
}

static void fuel_per_message_bounds_a_loop(void **state) {
    (void)state;
    aw__component_config cfg = config_for("spinner", NULL);
    cfg.fuel_per_message = 100000;
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    aw_error err;
    /* Fuel is per message: many small ones all fit. */
    for (int i = 0; i < 20; i++) assert_int_equal(send_text(c, "k", &reply, &err), AW_OK);
    assert_int_equal(send_text(c, "Y", &reply, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_FUEL_EXHAUSTED);
    aw__component_destroy(c);
}

static void fuel_slices_suspend_and_resume(void **state) {
    (void)state;
    aw__component_config cfg = config_for("sliced", NULL);
    cfg.slice_fuel = 2000;
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    aw_error err;
    /* 'y' spins 5 x 10000 times, then echoes "done". */
    aw_status s = send_text(c,
                            "y\x05"
                            "done",
                            &reply, &err);
    int suspensions = 0;
    while (s == AW_SUSPENDED) {
        assert_int_equal(aw__component_state_of(c), AW__COMPONENT_SUSPENDED);
        assert_int_equal(aw__component_current_op(c), AW__OP_HANDLE_MESSAGE);
        /* A new call is refused while one is suspended. */
        aw__reply other;
        assert_int_equal(send_text(c, "e", &other, NULL), AW_INVALID_ARGUMENT);
        suspensions++;
        s = aw__component_resume(c, &reply, &err);
    }
    assert_int_equal(s, AW_OK);
    assert_true(suspensions >= 10);
    assert_reply_bytes(&reply, "done", 4);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    /* Short messages finish within one slice; resume on an idle one fails. */
    assert_int_equal(send_text(c, "ehi", &reply, &err), AW_OK);
    assert_reply_bytes(&reply, "hi", 2);
    assert_int_equal(aw__component_resume(c, &reply, &err), AW_INVALID_ARGUMENT);
    aw__component_destroy(c);
}

static void abort_leaves_a_failed_component(void **state) {
    (void)state;
    aw__component_config cfg = config_for("aborted", NULL);
    cfg.slice_fuel = 1000;
    aw__component *c = spawn("host_commands", &cfg);
    aw__reply reply;
    assert_int_equal(send_text(c, "Y", &reply, NULL), AW_SUSPENDED);
    aw__component_abort(c);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_FAILED);
    aw__component_destroy(c);
}

static aw__component *spawn_caller(recorder *rec) {
    rec->call_start = AW__CALL_PENDING;
    aw__component_config cfg = config_for("caller", rec);
    cfg.slice_fuel = 5000;
    return spawn("host_commands", &cfg);
}

static void call_waits_and_is_completed_with_an_error(void **state) {
    (void)state;
    recorder rec = {0};
    aw__component *c = spawn_caller(&rec);
    aw__reply reply;
    aw_error err;
    assert_int_equal(send_text(c, "Cping", &reply, &err), AW_SUSPENDED);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_WAITING_CALL);
    assert_string_equal(rec.fn, "call");
    assert_ptr_equal(rec.from, c);
    assert_int_equal(rec.target_len, 4);
    assert_memory_equal(rec.target, "peer", 4);
    assert_int_equal(rec.payload_len, 4);
    assert_memory_equal(rec.payload, "ping", 4);
    assert_int_equal(rec.timeout_ms, 100);
    /* Only complete_call continues it. */
    assert_int_equal(aw__component_resume(c, &reply, &err), AW_INVALID_ARGUMENT);
    assert_int_equal(send_text(c, "e", &reply, &err), AW_INVALID_ARGUMENT);

    /* err(request-error) at offset 4. */
    const aw__call_result crashed = {AW__REQUEST_TARGET_CRASHED, NULL, 0};
    assert_int_equal(aw__component_complete_call(c, &crashed, &reply, &err), AW_OK);
    assert_int_equal(reply.len, 12);
    assert_int_equal(reply.bytes[0], 1);
    assert_int_equal(reply.bytes[4], AW__REQUEST_TARGET_CRASHED);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    assert_int_equal(aw__component_complete_call(c, &crashed, &reply, &err), AW_INVALID_ARGUMENT);
    aw__component_destroy(c);
}

/* An ok response is a list<u8>: lowering it runs the guest's cabi_realloc
 * on the suspended instance, nested above the suspended call. */
static void call_waits_and_is_completed_with_a_response(void **state) {
    (void)state;
    recorder rec = {0};
    aw__component *c = spawn_caller(&rec);
    aw__reply reply;
    aw_error err;
    for (int round = 0; round < 3; round++) {
        assert_int_equal(send_text(c, "Cping", &reply, &err), AW_SUSPENDED);
        assert_int_equal(aw__component_state_of(c), AW__COMPONENT_WAITING_CALL);
        const aw__call_result pong = {AW__REQUEST_OK, (const uint8_t *)"pong!", 5};
        aw_status s = aw__component_complete_call(c, &pong, &reply, &err);
        if (s != AW_OK) fail_msg("complete_call: %s: %s", aw_status_name(s), err.message);
        assert_int_equal(reply.len, 12 + 5);
        assert_int_equal(reply.bytes[0], 0);
        assert_int_equal(le32(reply.bytes + 8), 5);
        assert_memory_equal(reply.bytes + 12, "pong!", 5);
        assert_int_equal(aw__component_state_of(c), AW__COMPONENT_IDLE);
    }
    aw__component_destroy(c);

    /* Suspended 300 calls deep, with a cabi_realloc 700 calls deep: the
     * engine's stack grows while the call is suspended. */
    rec.call_start = AW__CALL_PENDING;
    aw__component_config cfg = config_for("deep-caller", &rec);
    cfg.stack_bytes = 1u << 20;
    c = spawn("host_call_deep", &cfg);
    assert_int_equal(send_text(c, "ping", &reply, &err), AW_SUSPENDED);
    const aw__call_result answer = {AW__REQUEST_OK, (const uint8_t *)"deep answer", 11};
    aw_status s = aw__component_complete_call(c, &answer, &reply, &err);
    if (s != AW_OK) fail_msg("deep complete_call: %s: %s", aw_status_name(s), err.message);
    assert_false(reply.is_error);
    assert_reply_bytes(&reply, "deep answer", 11);
    aw__component_destroy(c);
}

/* The guest's cabi_realloc traps while the host lowers the response of a
 * blocked `call`: the call ends in a trap and the component is failed. */
static void call_response_lowering_can_trap(void **state) {
    (void)state;
    recorder rec = {0};
    rec.call_start = AW__CALL_PENDING;
    aw__component_config cfg = config_for("fragile-caller", &rec);
    aw__component *c = spawn("host_call_realloc_trap", &cfg);
    aw__reply reply;
    aw_error err;
    assert_int_equal(send_text(c, "x", &reply, &err), AW_SUSPENDED);
    const aw__call_result pong = {AW__REQUEST_OK, (const uint8_t *)"pong", 4};
    assert_int_equal(aw__component_complete_call(c, &pong, &reply, &err), AW_TRAP);
    assert_non_null(strstr(err.message, "cabi_realloc"));
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_FAILED);
    aw__component_destroy(c);
}

static void hostile_result_records_trap(void **state) {
    (void)state;
    struct {
        const char *cmd;
        aw_trap trap;
        const char *why;
    } cases[] = {
        {"B", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "outside linear memory"},
        {"M", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "not aligned to 4"},
        {"D", AW_TRAP_HOST_ERROR, "discriminant 5"},
        {"P", AW_TRAP_OUT_OF_BOUNDS_MEMORY, "outside linear memory"},
        {"W", AW_TRAP_HOST_ERROR, "not UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aw__component_config cfg = config_for("hostile", NULL);
        aw__component *c = spawn("host_commands", &cfg);
        aw__reply reply;
        aw_error err;
        assert_int_equal(send_text(c, cases[i].cmd, &reply, &err), AW_TRAP);
        if (err.trap != cases[i].trap || strstr(err.message, cases[i].why) == NULL)
            fail_msg("%s: trap %s, message '%s'", cases[i].cmd, aw_trap_name(err.trap),
                     err.message);
        assert_int_equal(aw__component_state_of(c), AW__COMPONENT_FAILED);
        aw__component_destroy(c);
    }
}

static void hostile_realloc_traps(void **state) {
    (void)state;
    aw__component_config cfg = config_for("bad-alloc", NULL);
    aw__component *c = spawn("host_bad_realloc", &cfg);
    aw__reply reply;
    aw_error err;
    assert_int_equal(send_text(c, "hello", &reply, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    assert_non_null(strstr(err.message, "cabi_realloc result"));
    aw__component_destroy(c);

    /* A cabi_realloc that spins forever, with unmetered calls. */
    cfg = config_for("spinning-alloc", NULL);
    c = spawn("host_spin_realloc", &cfg);
    assert_int_equal(send_text(c, "hello", &reply, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_FUEL_EXHAUSTED);
    assert_non_null(strstr(err.message, "cabi_realloc trapped"));
    aw__component_destroy(c);

    recorder rec = {0};
    cfg = config_for("sneaky", &rec);
    c = spawn("host_realloc_import", &cfg);
    assert_int_equal(send_text(c, "hello", &reply, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_HOST_ERROR);
    assert_non_null(strstr(err.message, "host import log called from cabi_realloc"));
    assert_int_equal(rec.calls, 0);
    aw__component_destroy(c);
}

/* A plan checks a module once for all its instances: instances made from it
 * keep their own state, the plan keeps the module alive, a plan is refused
 * for a module outside the world, and a plan with another module is an
 * argument error. */
static void planned_instances_share_the_check_not_the_state(void **state) {
    (void)state;
    aw_module *module = load_module("host_commands");
    aw__component_plan *plan = NULL;
    aw_error err;
    assert_int_equal(aw__component_plan_create(module, &plan, &err), AW_OK);
    assert_ptr_equal(aw__component_plan_module(plan), module);
    aw_module_release(module); /* the plan holds it */
    aw__component *c[3];
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "p-%d", i);
        aw__component_config cfg = config_for(id, NULL);
        cfg.plan = plan;
        assert_int_equal(aw__component_create(NULL, &cfg, &c[i], &err), AW_OK);
    }
    aw__reply reply;
    /* The counter of each instance is its own. */
    for (int i = 0; i < 3; i++)
        for (int k = 0; k <= i; k++) assert_int_equal(send_text(c[i], "k", &reply, NULL), AW_OK);
    for (uint8_t i = 0; i < 3; i++) {
        assert_int_equal(send_text(c[i], "k", &reply, NULL), AW_OK);
        uint8_t want[4] = {(uint8_t)(i + 2), 0, 0, 0};
        assert_reply_bytes(&reply, want, 4);
    }
    /* The plan may go before its instances. */
    aw__component_plan_retain(plan);
    aw__component_plan_release(plan);
    aw__component_plan_release(plan);
    for (int i = 0; i < 3; i++) aw__component_destroy(c[i]);

    /* Not a component: refused when planning, naming the import. */
    aw_module *bad = load_module("host_world_bad_import_type");
    plan = (aw__component_plan *)&err; /* must be reset to NULL */
    assert_int_equal(aw__component_plan_create(bad, &plan, &err), AW_ABI_MISMATCH);
    assert_null(plan);
    assert_non_null(strstr(err.message, "import"));
    /* A plan of one module with another module. */
    aw_module *other = load_module("host_echo");
    assert_int_equal(aw__component_plan_create(other, &plan, &err), AW_OK);
    aw__component_config cfg = config_for("x", NULL);
    cfg.plan = plan;
    aw__component *none = NULL;
    assert_int_equal(aw__component_create(bad, &cfg, &none, &err), AW_INVALID_ARGUMENT);
    assert_null(none);
    aw__component_plan_release(plan);
    aw_module_release(other);
    aw_module_release(bad);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_exact_bytes),
        cmocka_unit_test(steady_messages_allocate_nothing),
        cmocka_unit_test(ids_must_be_utf8),
        cmocka_unit_test(interned_sender_reaches_the_guest),
        cmocka_unit_test(every_short_length_is_lowered_exactly),
        cmocka_unit_test(err_result_is_lifted_as_a_string),
        cmocka_unit_test(state_persists_and_post_return_runs),
        cmocka_unit_test(lifecycle_exports_run),
        cmocka_unit_test(missing_optional_exports_say_not_found),
        cmocka_unit_test(creation_survives_every_allocation_failure),
        cmocka_unit_test(out_of_host_memory_keeps_the_component),
        cmocka_unit_test(init_error_fails_creation),
        cmocka_unit_test(call_during_init_is_denied),
        cmocka_unit_test(trap_poisons_the_component),
        cmocka_unit_test(fuel_per_message_bounds_a_loop),
        cmocka_unit_test(fuel_slices_suspend_and_resume),
        cmocka_unit_test(abort_leaves_a_failed_component),
        cmocka_unit_test(call_waits_and_is_completed_with_an_error),
        cmocka_unit_test(call_waits_and_is_completed_with_a_response),
        cmocka_unit_test(call_response_lowering_can_trap),
        cmocka_unit_test(hostile_result_records_trap),
        cmocka_unit_test(hostile_realloc_traps),
        cmocka_unit_test(planned_instances_share_the_check_not_the_state),
    };
    return AW_TEST_RUN(tests);
}
