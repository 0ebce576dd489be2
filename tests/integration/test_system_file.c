/* End-to-end system start: from a system file (instances, scheduled
 * messages, strategy), supervision strategies and restart intensity, and
 * start failures that leave nothing running. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

static void wait_idle(aw_runtime *rt) {
    assert_int_equal(aw_runtime_wait_idle(rt, 10000000000ull), AW_OK);
}

static aw_runtime *create(uint32_t workers) {
    aw_runtime_config cfg = {.workers = workers};
    aw_runtime *rt = NULL;
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(aw_runtime_create(&cfg, &rt, &err), AW_OK);
    return rt;
}

/* Writes the probe manifest "rec.toml" and a system file around it. */
static const char *write_system(const char *system_section, const char *rest) {
    it_comp rec = {"rec", IT_PROBE, {0}};
    it_write_manifest(&rec);
    char text[4096];
    snprintf(text, sizeof text, "[system]\nname = \"it\"\n%s\n%s", system_section, rest);
    return it_write_file("system.toml", text);
}

static void file_starts_instances_and_sends_its_messages(void **state) {
    (void)state;
    it_begin();
    const char *path = write_system("strategy = \"one_for_one\"\nintensity = 10\n",
                                    "[[component]]\n"
                                    "id = \"rec\"\nmanifest = \"rec.toml\"\ninstances = 2\n"
                                    "[[message]]\nto = \"rec-1\"\ntext = \"hello\"\n"
                                    "[[message]]\nto = \"rec-2\"\ncodec = \"json\"\n"
                                    "text = '{\"a\":1}'\nafter-ms = 30\n"
                                    "[[message]]\nto = \"rec-1\"\nbytes = \"00 01 ff\"\n");
    aw_runtime *rt = create(2);
    aw_error err;
    aw_error_clear(&err);
    aw_status s = aw_runtime_start_file(rt, path, &err);
    if (s != AW_OK) fail_msg("start_file: %s", err.message);
    wait_idle(rt); /* includes the scheduled messages */

    it_log log;
    it_dump(rt, "rec-1", &log);
    assert_int_equal(log.count, 2);
    assert_string_equal(log.entries[0].who, "host");
    assert_int_equal(log.entries[0].len, 6);
    assert_memory_equal(log.entries[0].bytes, "\x55hello", 6);
    assert_int_equal(log.entries[1].len, 4);
    assert_memory_equal(log.entries[1].bytes, "\x55\x00\x01\xff", 4);
    it_dump(rt, "rec-2", &log);
    assert_int_equal(log.count, 1);
    assert_int_equal(log.entries[0].len, 9);
    assert_memory_equal(log.entries[0].bytes, "\x80\x04{\"a\":1}", 9);
    assert_string_equal(it_cmd(rt, "rec-2", "!self"), "rec-2");
    /* The component id is per instance; the bare id names none. */
    assert_int_equal(aw_runtime_send(rt, "rec", "\x55x", 2, &err), AW_NOT_FOUND);
    /* A runtime runs one system. */
    assert_int_equal(aw_runtime_start_file(rt, path, &err), AW_INVALID_ARGUMENT);

    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.components, 2);
    it_finish(rt);
    it_end();
}

/* Instances of one manifest, and components naming the same manifest file,
 * share the manifest as loaded once; each instance still gets its own WASI
 * environment from it, at its first start and at a restart. */
static void instances_share_a_manifest_and_each_gets_its_env(void **state) {
    (void)state;
    it_begin();
    it_comp news = {"news", IT_PROBE, {.subscribe = "news.*"}};
    it_write_manifest(&news);
    char text[1024];
    snprintf(text, sizeof text,
             "[system]\nname = \"it\"\nintensity = 10\n"
             "[[component]]\nid = \"rec\"\nmanifest = \"news.toml\"\ninstances = 3\n"
             "[[component]]\nid = \"other\"\nmanifest = \"news.toml\"\n");
    const char *path = it_write_file("system.toml", text);
    aw_runtime *rt = create(2);
    aw_error err;
    aw_error_clear(&err);
    aw_status s = aw_runtime_start_file(rt, path, &err);
    if (s != AW_OK) fail_msg("start_file: %s", err.message);
    wait_idle(rt);
    /* Every instance subscribed at init from SUBSCRIBE in its environment. */
    uint32_t delivered = 0;
    assert_int_equal(aw_runtime_publish(rt, "news.a", "\x55one", 4, &delivered, &err), AW_OK);
    assert_int_equal(delivered, 4);
    wait_idle(rt);
    static const char *const ids[] = {"rec-1", "rec-2", "rec-3", "other"};
    it_log log;
    for (int i = 0; i < 4; i++) {
        it_dump(rt, ids[i], &log);
        assert_int_equal(log.count, 1);
        assert_memory_equal(log.entries[0].bytes, "\x55one", 4);
        assert_string_equal(it_cmd(rt, ids[i], "!self"), ids[i]);
    }
    /* A restarted instance reads its environment again. */
    aw_request_outcome outcome;
    uint8_t *bytes = NULL;
    size_t n = 0;
    assert_int_equal(aw_runtime_call(rt, "rec-2", "\x55!trap", 6, 1000, &outcome, &bytes, &n, &err),
                     AW_OK);
    assert_int_equal(outcome, AW_REQUEST_TARGET_CRASHED);
    wait_idle(rt);
    assert_int_equal(aw_runtime_publish(rt, "news.b", "\x55two", 4, &delivered, &err), AW_OK);
    assert_int_equal(delivered, 4);
    wait_idle(rt);
    it_dump(rt, "rec-2", &log);
    assert_int_equal(log.count, 1); /* fresh state: only the new one */
    assert_memory_equal(log.entries[0].bytes, "\x55two", 4);
    it_finish(rt);
    it_end();
}

/* Stopping before a delayed message is due drops it without a leak. */
static void stop_before_a_delayed_message(void **state) {
    (void)state;
    it_begin();
    const char *path = write_system("", "[[component]]\nid = \"rec\"\nmanifest = \"rec.toml\"\n"
                                        "[[message]]\nto = \"rec\"\ntext = \"now\"\n"
                                        "[[message]]\nto = \"rec\"\ntext = \"later\"\n"
                                        "after-ms = 60000\n");
    aw_runtime *rt = create(2);
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(aw_runtime_start_file(rt, path, &err), AW_OK);
    /* Not idle: a message is still to come. */
    assert_int_equal(aw_runtime_wait_idle(rt, 200000000ull), AW_TIMEOUT);
    assert_string_equal(it_cmd(rt, "rec", "!records"), "1");
    assert_int_equal(aw_runtime_stop(rt, 0), AW_OK);
    aw_runtime_destroy(rt);
    it_end();
}

/* one_for_all: one crash restarts every component (all state is fresh). */
static void one_for_all_restarts_everyone(void **state) {
    (void)state;
    it_begin();
    const char *path = write_system("strategy = \"one_for_all\"\nintensity = 10\n",
                                    "[[component]]\nid = \"rec\"\nmanifest = \"rec.toml\"\n"
                                    "instances = 3\n");
    aw_runtime *rt = create(2);
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(aw_runtime_start_file(rt, path, &err), AW_OK);
    assert_int_equal(aw_runtime_send(rt, "rec-1", "\x55x", 2, &err), AW_OK);
    assert_int_equal(aw_runtime_send(rt, "rec-3", "\x55y", 2, &err), AW_OK);
    /* rec-2 sends to rec-3 before the restart (its send path now knows rec-3). */
    assert_string_equal(it_cmd(rt, "rec-2", "!send\nrec-3\n\x55z"), "0");
    wait_idle(rt);
    assert_string_equal(it_cmd(rt, "rec-1", "!records"), "1");
    assert_string_equal(it_cmd(rt, "rec-3", "!records"), "2");

    aw_request_outcome outcome;
    uint8_t *bytes = NULL;
    size_t n = 0;
    assert_int_equal(aw_runtime_call(rt, "rec-2", "\x55!trap", 6, 1000, &outcome, &bytes, &n, &err),
                     AW_OK);
    assert_int_equal(outcome, AW_REQUEST_TARGET_CRASHED);
    wait_idle(rt);
    /* Everyone restarted: their logs start empty again, and they answer. */
    assert_string_equal(it_cmd(rt, "rec-1", "!records"), "0");
    assert_string_equal(it_cmd(rt, "rec-3", "!records"), "0");
    assert_string_equal(it_cmd(rt, "rec-2", "!self"), "rec-2");
    /* rec-1 and rec-3 are new actors now: component sends reach them. */
    assert_string_equal(it_cmd(rt, "rec-2", "!send\nrec-3\n\x55w"), "0");
    assert_string_equal(it_cmd(rt, "rec-1", "!send\nrec-3\n\x55v"), "0");
    wait_idle(rt);
    assert_string_equal(it_cmd(rt, "rec-3", "!records"), "2");
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 1);
    assert_int_equal(st.components, 3);
    assert_true(st.restarts >= 1);
    it_finish(rt);
    it_end();
}

/* More crashes than the intensity allows: the supervisor gives up, the
 * components stop, and the host's sends are refused instead of hanging. */
static void intensity_exceeded_stops_the_system(void **state) {
    (void)state;
    it_begin();
    const char *path = write_system("intensity = 2\nperiod-ms = 60000\n",
                                    "[[component]]\nid = \"rec\"\nmanifest = \"rec.toml\"\n");
    aw_runtime *rt = create(2);
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(aw_runtime_start_file(rt, path, &err), AW_OK);
    for (int i = 0; i < 3; i++) {
        aw_request_outcome outcome;
        uint8_t *bytes = NULL;
        size_t n = 0;
        assert_int_equal(aw_runtime_call(rt, "rec", "\x55!trap", 6, 1000, &outcome, &bytes, &n,
                                         &err),
                         AW_OK);
        assert_int_equal(outcome, AW_REQUEST_TARGET_CRASHED);
        wait_idle(rt);
    }
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.crashes, 3);
    assert_int_equal(st.restarts, 2);
    assert_int_equal(st.components, 0);
    aw_status s = aw_runtime_send(rt, "rec", "\x55x", 2, &err);
    assert_int_not_equal(s, AW_OK);
    it_outcome got = {0};
    s = aw_runtime_request(rt, "rec", "\x55x", 2, 100, it_record_outcome, &got, NULL, &err);
    if (s == AW_OK) { /* accepted: it must still end, as a failure */
        wait_idle(rt);
        assert_int_equal(atomic_load_explicit(&got.calls, memory_order_acquire), 1);
        assert_int_not_equal(got.outcome, AW_REQUEST_OK);
    }
    it_finish(rt);
    it_end();
}

/* A component whose init fails, or whose module is not a component: the
 * start fails with a message naming it, and nothing is left running. */
static void failed_starts_leave_nothing_running(void **state) {
    (void)state;
    it_begin();
    it_comp good = {"good", IT_PROBE, {0}};
    it_comp bad_init = {"badinit", IT_PROBE, {.subscribe = "orders..x"}};
    char good_path[320], bad_path[320];
    snprintf(good_path, sizeof good_path, "%s", it_write_manifest(&good));
    snprintf(bad_path, sizeof bad_path, "%s", it_write_manifest(&bad_init));
    aw_component_spec specs[] = {{NULL, good_path, AW_PERMANENT}, {NULL, bad_path, AW_PERMANENT}};
    aw_system_spec sys = {AW_ONE_FOR_ONE, 0, 0, specs, 2};
    aw_runtime *rt = create(2);
    aw_error err;
    aw_error_clear(&err);
    assert_int_not_equal(aw_runtime_start(rt, &sys, &err), AW_OK);
    assert_true(err.message[0] != '\0');
    print_message("init failure: %s\n", err.message);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.components, 0);
    /* The runtime is spent: a second start is refused, nothing leaks. */
    aw_system_spec good_only = {AW_ONE_FOR_ONE, 0, 0, specs, 1};
    assert_int_equal(aw_runtime_start(rt, &good_only, &err), AW_INVALID_ARGUMENT);
    aw_runtime_destroy(rt);

    /* The module is a plain wasm module, not a component. */
    it_comp not_component = {"plain", "it_plain.wasm", {0}};
    snprintf(bad_path, sizeof bad_path, "%s", it_write_manifest(&not_component));
    specs[1].manifest_path = bad_path;
    rt = create(2);
    aw_error_clear(&err);
    assert_int_equal(aw_runtime_start(rt, &sys, &err), AW_ABI_MISMATCH);
    print_message("not a component: %s\n", err.message);
    assert_non_null(strstr(err.message, "it_plain.wasm"));
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.components, 0);
    aw_runtime_destroy(rt);

    /* A manifest that does not exist. */
    specs[1].manifest_path = "/nonexistent/Component.toml";
    rt = create(2);
    aw_error_clear(&err);
    assert_int_not_equal(aw_runtime_start(rt, &sys, &err), AW_OK);
    assert_non_null(strstr(err.message, "/nonexistent/Component.toml"));
    aw_runtime_destroy(rt);
    it_end();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_starts_instances_and_sends_its_messages),
        cmocka_unit_test(instances_share_a_manifest_and_each_gets_its_env),
        cmocka_unit_test(stop_before_a_delayed_message),
        cmocka_unit_test(one_for_all_restarts_everyone),
        cmocka_unit_test(intensity_exceeded_stops_the_system),
        cmocka_unit_test(failed_starts_leave_nothing_running),
    };
    return AW_TEST_RUN(tests);
}
