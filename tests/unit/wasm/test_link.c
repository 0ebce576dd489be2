/* Linking: host functions by (module, name, type), link errors naming the
 * import, imports bound to another instance's exports, instantiation traps,
 * host traps and re-entrant calls from host functions. */
#include "wasm_test_util.h"

static const aw_valtype i1[] = {AW_VAL_I32}, i2[] = {AW_VAL_I32, AW_VAL_I32}, l1[] = {AW_VAL_I64};

static aw_host_result host_add(aw_instance *inst, void *env, uint64_t *slots) {
    (void)inst;
    *(int *)env += 1;
    slots[0] = (uint32_t)((uint32_t)slots[0] + (uint32_t)slots[1]);
    return AW_HOST_RETURN;
}

static aw_host_result host_wait(aw_instance *inst, void *env, uint64_t *slots) {
    (void)inst;
    (void)env;
    slots[0] = 0;
    return AW_HOST_RETURN;
}

static aw_status make_host(const aw_functype *add_type, const char *add_name, aw_instance **out, aw_error *err,
                           int *counter) {
    aw_import_binding b[2];
    memset(b, 0, sizeof b);
    b[0] = (aw_import_binding){"env", add_name, *add_type, host_add, counter, NULL, NULL};
    b[1] = (aw_import_binding){"env", "wait", {i1, 1, i1, 1}, host_wait, NULL, NULL, NULL};
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.imports = b;
    cfg.import_count = 2;
    cfg.user_data = counter;
    aw_module *m = load_module("host.wasm");
    aw_status st = aw_instance_create(m, &cfg, out, err);
    aw_module_release(m);
    return st;
}

static void host_functions(void **state) {
    (void)state;
    int counter = 0;
    aw_instance *inst = NULL;
    aw_error err;
    aw_functype t = {i2, 2, i1, 1};
    assert_int_equal(make_host(&t, "add", &inst, &err, &counter), AW_OK);
    assert_int_equal((uint32_t)call2(inst, "call_add", 20, 22), 42);
    assert_int_equal(counter, 1);
    assert_ptr_equal(aw_instance_user_data(inst), &counter);
    assert_non_null(aw_instance_module(inst));
    aw_value v;
    assert_int_equal(aw_instance_global_get(inst, "answer", &v), AW_OK);
    assert_int_equal(v.type, AW_VAL_I64);
    assert_true(v.of.i64 == 42);
    assert_int_equal(aw_instance_global_get(inst, "nope", &v), AW_NOT_FOUND);
    /* calling an imported host function directly by index */
    uint64_t s[2] = {1, 2};
    assert_int_equal(aw_instance_call_index(inst, 0, s, &err), AW_OK);
    assert_int_equal((uint32_t)s[0], 3);
    aw_instance_destroy(inst);
}

static void link_errors(void **state) {
    (void)state;
    int counter = 0;
    aw_instance *inst = NULL;
    aw_error err;
    /* wrong type: (i32) -> i32 instead of (i32 i32) -> i32 */
    aw_functype wrong = {i1, 1, i1, 1};
    assert_int_equal(make_host(&wrong, "add", &inst, &err, &counter), AW_LINK_ERROR);
    assert_null(inst);
    assert_non_null(strstr(err.message, "\"env\" \"add\""));
    assert_non_null(strstr(err.message, "incompatible import type"));
    aw_functype wrong2 = {l1, 1, i1, 1};
    assert_int_equal(make_host(&wrong2, "add", &inst, &err, &counter), AW_LINK_ERROR);
    /* missing: no binding named "add" */
    aw_functype t = {i2, 2, i1, 1};
    assert_int_equal(make_host(&t, "plus", &inst, &err, &counter), AW_LINK_ERROR);
    assert_non_null(strstr(err.message, "\"env\" \"add\""));
    assert_non_null(strstr(err.message, "unknown import"));
    /* no config at all */
    aw_module *m = load_module("host.wasm");
    assert_int_equal(aw_instance_create(m, NULL, &inst, &err), AW_LINK_ERROR);
    aw_module_release(m);
}

static void instance_linking(void **state) {
    (void)state;
    aw_instance *p = instantiate("link_provider.wasm", NULL);
    aw_import_binding b[5];
    memset(b, 0, sizeof b);
    const char *names[5] = {"triple", "mem", "g", "k", "tab"};
    for (int k = 0; k < 5; k++) {
        b[k].module = "p";
        b[k].name = names[k];
        b[k].source = p;
    }
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.imports = b;
    cfg.import_count = 5;
    aw_instance *u = instantiate("link_user.wasm", &cfg);
    /* 3*5 stored in the shared memory, plus the imported constant 99 */
    assert_int_equal((uint32_t)call2(u, "use", 5, 0), 15 + 99);
    assert_int_equal((uint32_t)call2(p, "read", 8, 0), 15);
    aw_value g;
    assert_int_equal(aw_instance_global_get(p, "g", &g), AW_OK);
    assert_int_equal(g.of.i32, 11);
    /* the user's element segment wrote into the provider's table */
    assert_int_equal((uint32_t)call2(u, "via_table", 7, 0), 21);
    /* growth through the importer is seen by the exporter */
    assert_int_equal((uint32_t)call2(u, "grow", 0, 0), 1);
    size_t size;
    aw_instance_memory(p, &size);
    assert_int_equal(size, 2 * 65536);
    aw_instance_destroy(u);
    /* a mismatched global type is a link error */
    b[2].name = "k";
    b[2].source_name = "k";
    aw_module *m = load_module("link_user.wasm");
    aw_instance *x = NULL;
    aw_error err;
    assert_int_equal(aw_instance_create(m, &cfg, &x, &err), AW_LINK_ERROR);
    assert_non_null(strstr(err.message, "global"));
    /* an export that does not exist */
    b[2].source_name = "missing";
    assert_int_equal(aw_instance_create(m, &cfg, &x, &err), AW_LINK_ERROR);
    aw_module_release(m);
    aw_instance_destroy(p);
}

static void instantiation_traps(void **state) {
    (void)state;
    aw_module *m = load_module("uninstantiable.wasm");
    aw_instance *x = NULL;
    aw_error err;
    assert_int_equal(aw_instance_create(m, NULL, &x, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    assert_null(x);
    aw_module_release(m);
}

static aw_host_result host_callback(aw_instance *inst, void *env, uint64_t *slots) {
    (void)env;
    if ((uint32_t)slots[0] == 999) {
        aw_instance_set_trap(inst, AW_TRAP_EXIT);
        return AW_HOST_TRAP;
    }
    /* re-enter the calling instance, as a host ABI does for cabi_realloc */
    uint32_t idx;
    assert_int_equal(aw_instance_find_func(inst, "inner", &idx), AW_OK);
    uint64_t s[1] = {slots[0]};
    aw_error err;
    assert_int_equal(aw_instance_call_index(inst, idx, s, &err), AW_OK);
    slots[0] = s[0];
    return AW_HOST_RETURN;
}

static void reentrant_calls_and_host_traps(void **state) {
    (void)state;
    aw_import_binding b = {"env", "cb", {i1, 1, i1, 1}, host_callback, NULL, NULL, NULL};
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.imports = &b;
    cfg.import_count = 1;
    aw_instance *inst = instantiate("reenter.wasm", &cfg);
    assert_int_equal((uint32_t)call2(inst, "outer", 4, 0), 41);
    expect_trap(inst, "fail", 999, 0, 0, AW_TRAP_EXIT);
    assert_int_equal((uint32_t)call2(inst, "outer", 5, 0), 51);
    aw_instance_destroy(inst);
}

static void many_small_instances(void **state) {
    (void)state;
    /* instances share the module; each holds its own page */
    aw_module *m = load_module("memory.wasm");
    aw_instance *insts[64];
    for (int k = 0; k < 64; k++) {
        aw_error err;
        assert_int_equal(aw_instance_create(m, NULL, &insts[k], &err), AW_OK);
        assert_true(aw_instance_footprint(insts[k]) < 80 * 1024);
    }
    aw_module_release(m);
    call2(insts[3], "i32.store", 0, 7);
    assert_int_equal((uint32_t)call2(insts[4], "i32.load", 0, 0), 0);
    assert_int_equal((uint32_t)call2(insts[3], "i32.load", 0, 0), 7);
    for (int k = 0; k < 64; k++) aw_instance_destroy(insts[k]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_functions),
        cmocka_unit_test(link_errors),
        cmocka_unit_test(instance_linking),
        cmocka_unit_test(instantiation_traps),
        cmocka_unit_test(reentrant_calls_and_host_traps),
        cmocka_unit_test(many_small_instances),
    };
    return AW_TEST_RUN(tests);
}
