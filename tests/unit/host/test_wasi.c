/* The WASI preview1 subset: standard output and error reach the log as
 * lines tagged with the component id, args and environment come from the
 * configuration, clocks and randomness work, the rest answers EBADF/ENOSYS,
 * proc_exit ends the instance, and bad pointers trap. */
#include "host_test.h"

enum { E_SUCCESS = 0, E_BADF = 8, E_INVAL = 28, E_SPIPE = 70 };

static aw__component *spawn_wasi(const char *id) {
    static const char *const args[] = {"prog", "-v"};
    static const char *const env[] = {"A=1", "LOG=info"};
    aw__component_config cfg = config_for(id, NULL);
    cfg.args = args;
    cfg.arg_count = 2;
    cfg.env = env;
    cfg.env_count = 2;
    return spawn("host_wasi", &cfg);
}

static void stdout_lines_reach_the_log(void **state) {
    (void)state;
    log_capture cap;
    capture_logs(&cap);
    aw__component *c = spawn_wasi("wasi-1");
    aw__reply reply;
    assert_int_equal(send_text(c, "whello\n", &reply, NULL), AW_OK);
    const uint8_t ok6[8] = {E_SUCCESS, 0, 0, 0, 6, 0, 0, 0};
    assert_reply_bytes(&reply, ok6, 8);
    assert_int_equal(cap.count, 1);
    assert_int_equal(cap.levels[0], AW_LOG_INFO);
    assert_non_null(strstr(cap.lines[0], "[component:wasi-1] hello"));
    /* Partial lines are kept until their newline. */
    assert_int_equal(send_text(c, "wab", &reply, NULL), AW_OK);
    assert_int_equal(cap.count, 1);
    assert_int_equal(send_text(c, "wc\nd1\nd2", &reply, NULL), AW_OK);
    assert_int_equal(cap.count, 3);
    assert_non_null(strstr(cap.lines[1], "[component:wasi-1] abc"));
    assert_non_null(strstr(cap.lines[2], "[component:wasi-1] d1"));
    /* Two iovecs continue the pending "d2" and end the line. */
    assert_int_equal(send_text(c, "vworld\n", &reply, NULL), AW_OK);
    const uint8_t ok12[8] = {E_SUCCESS, 0, 0, 0, 12, 0, 0, 0};
    assert_reply_bytes(&reply, ok12, 8);
    assert_int_equal(cap.count, 4);
    assert_non_null(strstr(cap.lines[3], "[component:wasi-1] d2hello world"));
    /* stdout and stderr keep separate partial lines. */
    assert_int_equal(send_text(c, "eoo", &reply, NULL), AW_OK);
    assert_int_equal(send_text(c, "wout", &reply, NULL), AW_OK);
    assert_int_equal(send_text(c, "eps", &reply, NULL), AW_OK);
    assert_int_equal(cap.count, 4);
    /* Destroying flushes both partial lines, stdout first. */
    aw__component_destroy(c);
    aw_log_configure(NULL);
    assert_int_equal(cap.count, 6);
    assert_non_null(strstr(cap.lines[4], "[component:wasi-1] out"));
    assert_non_null(strstr(cap.lines[5], "[component:wasi-1] oops"));
}

static void long_lines_are_cut(void **state) {
    (void)state;
    log_capture cap;
    capture_logs(&cap);
    aw__component *c = spawn_wasi("long");
    static char text[10002];
    text[0] = 'w';
    memset(text + 1, 'x', 10000);
    aw__reply reply;
    assert_int_equal(send_text(c, text, &reply, NULL), AW_OK);
    assert_int_equal(cap.count, 2); /* 4096 + 4096, 1808 bytes wait for a newline */
    aw__component_destroy(c);
    aw_log_configure(NULL);
    assert_int_equal(cap.count, 3);
}

static void other_fds_are_bad(void **state) {
    (void)state;
    aw__component *c = spawn_wasi("fd9");
    aw__reply reply;
    assert_int_equal(send_text(c, "9hi\n", &reply, NULL), AW_OK);
    assert_int_equal(le32(reply.bytes), E_BADF);
    assert_int_equal(send_text(c, "k", &reply, NULL), AW_OK);
    /* fd_seek(1) fd_seek(7) fd_close(2) fd_close(9) fd_read(0) path_open
     * fd_prestat_get(3) sched_yield clock_time_get(9) clock_res_get(1) */
    const uint32_t want[10] = {E_SPIPE, E_BADF, E_SUCCESS, E_BADF,  E_BADF,
                               E_BADF,  E_BADF, E_SUCCESS, E_INVAL, E_SUCCESS};
    assert_int_equal(reply.len, 40);
    for (int i = 0; i < 10; i++)
        if (le32(reply.bytes + 4 * i) != want[i])
            fail_msg("errno %d: %u, want %u", i, le32(reply.bytes + 4 * i), want[i]);
    aw__component_destroy(c);
}

static void args_and_environment(void **state) {
    (void)state;
    aw__component *c = spawn_wasi("args");
    aw__reply reply;
    assert_int_equal(send_text(c, "a", &reply, NULL), AW_OK);
    const uint8_t args[] = {2, 0, 0, 0, 8,   0,   0,   0,   0, 0,   0,   0,
                            5, 0, 0, 0, 'p', 'r', 'o', 'g', 0, '-', 'v', 0};
    assert_reply_bytes(&reply, args, sizeof args);
    assert_int_equal(send_text(c, "n", &reply, NULL), AW_OK);
    const uint8_t env[] = {2, 0,   0,   0,   13, 0,   0,   0,   0,   0,   0,   0,   4,   0, 0,
                           0, 'A', '=', '1', 0,  'L', 'O', 'G', '=', 'i', 'n', 'f', 'o', 0};
    assert_reply_bytes(&reply, env, sizeof env);
    aw__component_destroy(c);

    aw__component_config cfg = config_for("bare", NULL);
    c = spawn("host_wasi", &cfg);
    assert_int_equal(send_text(c, "a", &reply, NULL), AW_OK);
    const uint8_t none[8] = {0};
    assert_reply_bytes(&reply, none, 8);
    aw__component_destroy(c);
}

static uint64_t le64(const uint8_t *p) {
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void clocks_random_and_fdstat(void **state) {
    (void)state;
    aw__component *c = spawn_wasi("clocks");
    aw__reply reply;
    assert_int_equal(send_text(c, "t", &reply, NULL), AW_OK);
    assert_int_equal(le32(reply.bytes + 16), E_SUCCESS);
    assert_int_equal(le32(reply.bytes + 20), E_SUCCESS);
    assert_true(le64(reply.bytes) > UINT64_C(1700000000) * 1000000000u);
    assert_true(le64(reply.bytes + 8) > 0);

    assert_int_equal(send_text(c, "r", &reply, NULL), AW_OK);
    assert_int_equal(le32(reply.bytes + 32), E_SUCCESS);
    int nonzero = 0;
    for (int i = 0; i < 32; i++) nonzero += reply.bytes[i] != 0;
    assert_true(nonzero > 0);

    assert_int_equal(send_text(c, "f\x01", &reply, NULL), AW_OK);
    assert_int_equal(le32(reply.bytes + 24), E_SUCCESS);
    assert_int_equal(reply.bytes[0], 2);                       /* character device */
    assert_int_equal(le64(reply.bytes + 8), UINT64_C(1) << 6); /* fd_write */
    assert_int_equal(send_text(c, "f\x05", &reply, NULL), AW_OK);
    assert_int_equal(le32(reply.bytes + 24), E_BADF);
    aw__component_destroy(c);
}

static void proc_exit_ends_the_instance(void **state) {
    (void)state;
    aw__component *c = spawn_wasi("exiter");
    aw__reply reply;
    aw_error err;
    uint32_t code = 99;
    assert_false(aw__component_exit_code(c, &code));
    assert_int_equal(send_text(c, "x\x03", &reply, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_EXIT);
    assert_non_null(strstr(err.message, "proc_exit(3)"));
    assert_true(aw__component_exit_code(c, &code));
    assert_int_equal(code, 3);
    assert_int_equal(aw__component_state_of(c), AW__COMPONENT_FAILED);
    aw__component_destroy(c);
}

static void bad_pointers_trap(void **state) {
    (void)state;
    const char *cmds[] = {"B", "I", "N", "R"};
    for (size_t i = 0; i < 4; i++) {
        log_capture cap;
        capture_logs(&cap);
        aw__component *c = spawn_wasi("hostile");
        aw__reply reply;
        aw_error err;
        assert_int_equal(send_text(c, cmds[i], &reply, &err), AW_TRAP);
        if (err.trap != AW_TRAP_OUT_OF_BOUNDS_MEMORY)
            fail_msg("%s: %s: %s", cmds[i], aw_trap_name(err.trap), err.message);
        aw__component_destroy(c);
        aw_log_configure(NULL);
        assert_int_equal(cap.count, 0); /* nothing was written */
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stdout_lines_reach_the_log), cmocka_unit_test(long_lines_are_cut),
        cmocka_unit_test(other_fds_are_bad),          cmocka_unit_test(args_and_environment),
        cmocka_unit_test(clocks_random_and_fdstat),   cmocka_unit_test(proc_exit_ends_the_instance),
        cmocka_unit_test(bad_pointers_trap),
    };
    return AW_TEST_RUN(tests);
}
