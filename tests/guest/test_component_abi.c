/* Every component the build produces (SDK fixtures and examples) compiles in
 * the engine and has exactly the core imports and exports of
 * docs/component-abi.md; hand-written modules that break the contract are
 * caught with a message naming the mismatch. */
#include "test_support.h"

#include "component_world.h"
#include "wasm_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char report[8192];

/* Reads and scans a module; fails the test if it is not well formed. */
static void load(const char *path, scan_module *m) {
    size_t len = 0;
    uint8_t *bytes = aw_test_read_file(path, &len);
    char err[128];
    int rc = scan_module_parse(bytes, len, m, err, sizeof err);
    aw_test_free_file(bytes, len);
    if (rc != 0) fail_msg("%s: %s", path, err);
}

static int check_file(const char *path) {
    scan_module m;
    load(path, &m);
    int problems = component_world_check(&m, report, sizeof report);
    scan_module_free(&m);
    return problems;
}

static bool has_import(const scan_module *m, const char *module, const char *name) {
    for (size_t i = 0; i < m->import_count; i++)
        if (strcmp(m->imports[i].module, module) == 0 && strcmp(m->imports[i].name, name) == 0)
            return true;
    return false;
}

static size_t host_import_count(const scan_module *m) {
    size_t n = 0;
    for (size_t i = 0; i < m->import_count; i++)
        n += strcmp(m->imports[i].module, "airwasm:component/host@0.1.0") == 0;
    return n;
}

static bool list_has(const char *list, const char *file) {
    char needle[256];
    snprintf(needle, sizeof needle, "/%s\n", file);
    return strstr(list, needle) != NULL;
}

static void every_built_component_fits_the_world(void **state) {
    (void)state;
    FILE *f = fopen(AW_COMPONENT_LIST, "r");
    assert_non_null(f);
    static char list[16384];
    size_t n = fread(list, 1, sizeof list - 1, f);
    fclose(f);
    list[n] = 0;
    /* The list must hold what the build is meant to produce, so the test
     * cannot pass on an empty set. */
    const char *expected[] = {"sdk_full.wasm",    "sdk_minimal.wasm", "gateway.wasm",
                              "inventory.wasm",   "billing.wasm",     "audit_log.wasm",
                              "audit_stats.wasm", "flaky.wasm"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (!list_has(list, expected[i]))
            fail_msg("%s is not among the built components:\n%s", expected[i], list);
    int checked = 0;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        if (!*line) continue;
        if (check_file(line) != 0) fail_msg("%s does not fit the world:\n%s", line, report);
        checked++;
    }
    assert_true(checked >= 8);
}

static void sdk_full_has_every_lifecycle_export_and_host_import(void **state) {
    (void)state;
    scan_module m;
    load(aw_test_wasm_path("guest/sdk_full.wasm"), &m);
    const char *funcs[] = {"init", "handle-message", "handle-callback", "health", "shutdown"};
    for (size_t i = 0; i < 5; i++)
        if (!component_exports(&m, funcs[i])) fail_msg("sdk_full does not export %s", funcs[i]);
    const char *host[] = {"self-id", "send-message", "send-request", "cancel-request", "call",
                          "publish", "subscribe",    "log",          "now-millis"};
    for (size_t i = 0; i < 9; i++)
        if (!has_import(&m, "airwasm:component/host@0.1.0", host[i]))
            fail_msg("sdk_full does not import %s", host[i]);
    /* printf reaches the host through WASI fd_write. */
    assert_true(has_import(&m, "wasi_snapshot_preview1", "fd_write"));
    assert_int_equal(component_world_check(&m, report, sizeof report), 0);
    scan_module_free(&m);
}

static void sdk_minimal_exports_the_whole_interface_with_defaults(void **state) {
    (void)state;
    scan_module m;
    load(aw_test_wasm_path("guest/sdk_minimal.wasm"), &m);
    /* The Component Model wants every function of an exported interface:
     * the SDK supplies the ones the author did not name. */
    const char *funcs[] = {"init", "handle-message", "handle-callback", "health", "shutdown"};
    for (size_t i = 0; i < 5; i++)
        if (!component_exports(&m, funcs[i])) fail_msg("sdk_minimal does not export %s", funcs[i]);
    /* Host functions it never calls are not imported. */
    assert_int_equal(host_import_count(&m), 0);
    assert_int_equal(component_world_check(&m, report, sizeof report), 0);
    scan_module_free(&m);
}

static void hand_written_module_fits_the_world(void **state) {
    (void)state;
    if (check_file(aw_test_wasm_path("guest_abi_handmade.wasm")) != 0)
        fail_msg("handmade: %s", report);
}

static void expect_problem(const char *fixture, const char *text) {
    int problems = check_file(aw_test_wasm_path(fixture));
    if (problems == 0 || !strstr(report, text))
        fail_msg("%s: expected a problem containing \"%s\", got %d:\n%s", fixture, text, problems,
                 report);
}

static void wrong_import_signature_is_named(void **state) {
    (void)state;
    expect_problem("guest_abi_bad_import_sig.wasm",
                   "import airwasm:component/host@0.1.0.send-message: signature "
                   "(i32,i32,i32,i32)->(i32), want (i32,i32,i32,i32,i32)->()");
}

static void unknown_imports_are_named(void **state) {
    (void)state;
    expect_problem("guest_abi_unknown_import.wasm",
                   "import airwasm:component/host@0.1.0.spawn: not in the world");
    expect_problem("guest_abi_unknown_import.wasm", "import env.abort: unknown module");
    expect_problem("guest_abi_unknown_import.wasm",
                   "import wasi_snapshot_preview1.fd_write: signature (i32,i32,i32)->(i32)");
}

static void missing_and_wrong_exports_are_named(void **state) {
    (void)state;
    const char *f = "guest_abi_missing_exports.wasm";
    expect_problem(f, "export memory: missing");
    expect_problem(f, "export cabi_realloc: missing");
    expect_problem(f, "export airwasm:component/lifecycle@0.1.0#handle-message: missing");
    expect_problem(f, "export airwasm:component/lifecycle@0.1.0#handle_message: not in the world");
    expect_problem(f, "export cabi_post_airwasm:component/lifecycle@0.1.0#init: without its "
                      "function");
    expect_problem(f, "export airwasm:component/lifecycle@0.1.0#handle-callback: signature "
                      "(i32,i32,i32,i32)->(), want (i64,i32,i32,i32)->()");
}

static void truncated_components_are_refused_by_the_engine(void **state) {
    (void)state;
    size_t len = 0;
    uint8_t *bytes = aw_test_read_file(aw_test_wasm_path("guest/sdk_full.wasm"), &len);
    scan_module m;
    char err[256];
    /* Cut inside the header, inside the code, and one byte short. */
    const size_t cuts[] = {7, len / 2, len - 1};
    for (size_t i = 0; i < 3; i++) {
        if (scan_module_parse(bytes, cuts[i], &m, err, sizeof err) == 0)
            fail_msg("a component cut to %zu of %zu bytes was accepted", cuts[i], len);
        assert_non_null(strstr(err, "MALFORMED"));
    }
    assert_int_equal(scan_module_parse(bytes, len, &m, err, sizeof err), 0);
    scan_module_free(&m);
    aw_test_free_file(bytes, len);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_built_component_fits_the_world),
        cmocka_unit_test(sdk_full_has_every_lifecycle_export_and_host_import),
        cmocka_unit_test(sdk_minimal_exports_the_whole_interface_with_defaults),
        cmocka_unit_test(hand_written_module_fits_the_world),
        cmocka_unit_test(wrong_import_signature_is_named),
        cmocka_unit_test(unknown_imports_are_named),
        cmocka_unit_test(missing_and_wrong_exports_are_named),
        cmocka_unit_test(truncated_components_are_refused_by_the_engine),
    };
    return AW_TEST_RUN(tests);
}
