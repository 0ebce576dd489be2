/* A component compiled from C by clang-19 (wasi-libc reactor) runs on the
 * host: _initialize and init, printf lines in the log, getenv from the
 * configured environment, malloc-backed cabi_realloc and post-return, and
 * host imports called from C. */
#include "host_test.h"

static void c_component_runs(void **state) {
    (void)state;
    log_capture cap;
    capture_logs(&cap);
    recorder rec = {0};
    static const char *const env[] = {"GREETING=hello"};
    aw__component_config cfg = config_for("c-comp", &rec);
    cfg.env = env;
    cfg.env_count = 1;
    cfg.fuel_per_message = 10000000;
    cfg.slice_fuel = 500;
    rec.answer = AW__SEND_OK;
    aw__component *c = spawn("host_c_component", &cfg);
    assert_int_equal(cap.count, 1);
    assert_non_null(strstr(cap.lines[0], "[component:c-comp] init: greeting is hello"));

    aw__reply reply;
    aw_error err;
    char want[64];
    for (int i = 1; i <= 300; i++) {
        aw_status s = send_text(c, "world", &reply, &err);
        while (s == AW_SUSPENDED) s = aw__component_resume(c, &reply, &err);
        if (s != AW_OK) fail_msg("message %d: %s: %s", i, aw_status_name(s), err.message);
        int n = snprintf(want, sizeof want, "hello tester #%d: world", i);
        assert_reply_bytes(&reply, want, (size_t)n);
    }

    aw_status s = send_text(c, ">peer data", &reply, &err);
    while (s == AW_SUSPENDED) s = aw__component_resume(c, &reply, &err);
    assert_int_equal(s, AW_OK);
    assert_string_equal(rec.fn, "send-message");
    assert_int_equal(rec.target_len, 4);
    assert_memory_equal(rec.target, "peer", 4);
    assert_int_equal(rec.payload_len, 5);
    assert_memory_equal(rec.payload, " data", 5);
    assert_non_null(strstr(cap.lines[(cap.count - 1) % 8], "forwarded to peer: ok"));

    s = aw__component_health(c, &reply, &err);
    while (s == AW_SUSPENDED) s = aw__component_resume(c, &reply, &err);
    assert_int_equal(s, AW_OK);
    assert_int_equal(reply.health, 0);
    assert_non_null(strstr(cap.lines[(cap.count - 1) % 8], "health asked of c-comp"));
    aw__component_destroy(c);
    aw_log_configure(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(c_component_runs),
    };
    return AW_TEST_RUN(tests);
}
