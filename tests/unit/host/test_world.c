/* The world check accepts modules that fit the airwasm world and refuses
 * each kind of mismatch with a message naming the import or export and the
 * expected and found types. */
#include "host_test.h"

static void check_refused(const char *fixture, const char *needle1, const char *needle2) {
    aw_module *module = load_module(fixture);
    aw_error err;
    aw_error_clear(&err);
    aw__world world;
    aw_status s = aw__world_check(module, &world, &err);
    aw_module_release(module);
    if (s != AW_ABI_MISMATCH)
        fail_msg("%s: expected ABI_MISMATCH, got %s", fixture, aw_status_name(s));
    if (strstr(err.message, needle1) == NULL || (needle2 && strstr(err.message, needle2) == NULL))
        fail_msg("%s: message '%s' lacks '%s' / '%s'", fixture, err.message, needle1,
                 needle2 ? needle2 : "");
}

static void full_component_is_accepted(void **state) {
    (void)state;
    aw_module *module = load_module("host_world_ok_full");
    aw__world world;
    aw_error err;
    assert_int_equal(aw__world_check(module, &world, &err), AW_OK);
    aw_module_release(module);
    assert_true(world.has_export[AW__EXPORT_INIT]);
    assert_true(world.has_export[AW__EXPORT_HANDLE_MESSAGE]);
    assert_true(world.has_export[AW__EXPORT_HANDLE_CALLBACK]);
    assert_true(world.has_export[AW__EXPORT_HEALTH]);
    assert_true(world.has_export[AW__EXPORT_SHUTDOWN]);
    assert_true(world.has_post[AW__EXPORT_HANDLE_MESSAGE]);
    assert_true(world.has_post[AW__EXPORT_INIT]);
    assert_false(world.has_post[AW__EXPORT_HEALTH]);
    assert_true(world.has_initialize);
    assert_int_equal(world.import_count, 12);
}

static void minimal_component_is_accepted(void **state) {
    (void)state;
    aw_module *module = load_module("host_minimal");
    aw__world world;
    assert_int_equal(aw__world_check(module, &world, NULL), AW_OK);
    aw_module_release(module);
    assert_true(world.has_export[AW__EXPORT_HANDLE_MESSAGE]);
    assert_false(world.has_export[AW__EXPORT_INIT]);
    assert_false(world.has_initialize);
    assert_int_equal(world.import_count, 0);
}

static void the_test_components_are_accepted(void **state) {
    (void)state;
    const char *names[] = {"host_commands", "host_lifecycle", "host_wasi", "host_init_fail"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        aw_module *module = load_module(names[i]);
        aw_error err;
        aw_status s = aw__world_check(module, NULL, &err);
        aw_module_release(module);
        if (s != AW_OK) fail_msg("%s: %s", names[i], err.message);
    }
}

static void imports_outside_the_world_are_refused(void **state) {
    (void)state;
    check_refused("host_world_bad_import_module", "import 'env.abort'",
                  "module 'env' is not part of the airwasm world");
    check_refused("host_world_bad_import_name", "import 'airwasm:component/host@0.1.0.send-mesage'",
                  "no such function in the host interface");
    check_refused("host_world_bad_wasi_name", "import 'wasi_snapshot_preview1.fd_frobnicate'",
                  "not supported");
}

static void imports_of_the_wrong_type_are_refused(void **state) {
    (void)state;
    check_refused("host_world_bad_import_type", "import 'airwasm:component/host@0.1.0.log'",
                  "expected (i32, i32, i32) -> (), found (i32, i32) -> i32");
    check_refused("host_world_bad_import_kind", "import 'airwasm:component/host@0.1.0.now-millis'",
                  "expected () -> i64, found a global");
    check_refused("host_world_bad_wasi_type", "import 'wasi_snapshot_preview1.fd_write'",
                  "expected (i32, i32, i32, i32) -> i32, found (i32, i32, i32) -> i32");
}

static void required_exports_are_checked(void **state) {
    (void)state;
    check_refused("host_world_no_memory", "export 'memory': missing", NULL);
    check_refused("host_world_memory_not_memory", "export 'memory': expected a memory",
                  "found a function");
    check_refused("host_world_no_realloc", "export 'cabi_realloc': missing", NULL);
    check_refused("host_world_bad_realloc_type", "export 'cabi_realloc'",
                  "expected (i32, i32, i32, i32) -> i32, found (i32, i32, i32) -> i32");
    check_refused("host_world_no_handle_message",
                  "export 'airwasm:component/lifecycle@0.1.0#handle-message': missing", NULL);
    check_refused("host_world_bad_handle_message_type",
                  "export 'airwasm:component/lifecycle@0.1.0#handle-message'",
                  "expected (i32, i32, i32, i32) -> i32, found (i32, i32) -> i32");
}

static void optional_exports_are_checked(void **state) {
    (void)state;
    check_refused("host_world_bad_health_type", "export 'airwasm:component/lifecycle@0.1.0#health'",
                  "expected () -> i32, found () -> i64");
    check_refused("host_world_unknown_lifecycle",
                  "export 'airwasm:component/lifecycle@0.1.0#frobnicate'",
                  "no such function in the lifecycle interface");
    check_refused("host_world_bad_post_type",
                  "export 'cabi_post_airwasm:component/lifecycle@0.1.0#handle-message'",
                  "expected (i32) -> (), found (i32, i32) -> ()");
    check_refused("host_world_post_without_export",
                  "cabi_post_airwasm:component/lifecycle@0.1.0#health",
                  "post-return function without its export");
    check_refused("host_world_bad_initialize_type", "export '_initialize'",
                  "expected () -> (), found (i32) -> ()");
}

static void create_refuses_a_mismatch(void **state) {
    (void)state;
    aw_module *module = load_module("host_world_bad_import_type");
    aw__component_config cfg = config_for("x", NULL);
    aw__component *c = (aw__component *)&cfg; /* must be reset to NULL */
    aw_error err;
    assert_int_equal(aw__component_create(module, &cfg, &c, &err), AW_ABI_MISMATCH);
    assert_null(c);
    assert_non_null(strstr(err.message, "log"));
    aw_module_release(module);
}

static void import_table_lookup(void **state) {
    (void)state;
    const aw__import_def *d =
        aw__world_find_import(AW__WASI_MODULE, strlen(AW__WASI_MODULE), "path_open", 9);
    assert_non_null(d);
    assert_int_equal(aw__world_sig_params(d->sig), 9);
    assert_int_equal(aw__world_sig_results(d->sig), 1);
    aw_valtype p[16], r[2];
    aw_functype t;
    aw__world_functype(d->sig, p, r, &t);
    assert_int_equal(t.params[5], AW_VAL_I64);
    assert_int_equal(t.params[8], AW_VAL_I32);
    assert_int_equal(t.results[0], AW_VAL_I32);
    assert_null(aw__world_find_import("env", 3, "path_open", 9));
    assert_null(aw__world_find_import(AW__HOST_MODULE, strlen(AW__HOST_MODULE), "path_open", 9));
    assert_non_null(aw__world_find_import(AW__HOST_MODULE, strlen(AW__HOST_MODULE), "call", 4));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_table_lookup),
        cmocka_unit_test(full_component_is_accepted),
        cmocka_unit_test(minimal_component_is_accepted),
        cmocka_unit_test(the_test_components_are_accepted),
        cmocka_unit_test(imports_outside_the_world_are_refused),
        cmocka_unit_test(imports_of_the_wrong_type_are_refused),
        cmocka_unit_test(required_exports_are_checked),
        cmocka_unit_test(optional_exports_are_checked),
        cmocka_unit_test(create_refuses_a_mismatch),
    };
    return AW_TEST_RUN(tests);
}
