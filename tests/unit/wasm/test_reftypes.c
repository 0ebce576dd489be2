/* Reference types: externref tables, table.get/set/size/grow/fill/copy/init,
 * elem.drop, funcref values, typed select. */
#include "wasm_test_util.h"

static aw_instance *inst;

static int setup(void **state) {
    (void)state;
    inst = instantiate("reftypes.wasm", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    aw_instance_destroy(inst);
    return 0;
}

static int token_a, token_b;
#define REF(p) ((uint64_t)(uintptr_t)(p))

static void externref_table(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call2(inst, "size_ext", 0, 0), 3);
    assert_int_equal((uint32_t)call2(inst, "ext_is_null", 1, 0), 1);
    call2(inst, "set_ext", 1, REF(&token_a));
    assert_true(call2(inst, "get_ext", 1, 0) == REF(&token_a));
    assert_int_equal((uint32_t)call2(inst, "ext_is_null", 1, 0), 0);
    expect_trap(inst, "get_ext", 3, 0, 0, AW_TRAP_OUT_OF_BOUNDS_TABLE);
    expect_trap(inst, "set_ext", 3, REF(&token_a), 0, AW_TRAP_OUT_OF_BOUNDS_TABLE);
    /* grow with an init value, then fill */
    assert_int_equal((uint32_t)call2(inst, "grow_ext", 2, REF(&token_b)), 3);
    assert_int_equal((uint32_t)call2(inst, "size_ext", 0, 0), 5);
    assert_true(call2(inst, "get_ext", 4, 0) == REF(&token_b));
    call3(inst, "fill_ext", 0, REF(&token_a), 5);
    assert_true(call2(inst, "get_ext", 4, 0) == REF(&token_a));
    expect_trap(inst, "fill_ext", 3, 0, 3, AW_TRAP_OUT_OF_BOUNDS_TABLE);
    /* typed select of references */
    assert_true(call3(inst, "typed_select", REF(&token_a), REF(&token_b), 0) == REF(&token_b));
    aw_value v;
    memset(&v, 0, sizeof v);
}

static void funcref_table(void **state) {
    (void)state;
    expect_trap(inst, "call", 0, 0, 0, AW_TRAP_UNINITIALIZED_ELEMENT);
    call3(inst, "init", 0, 0, 2); /* $seven, null */
    assert_int_equal((uint32_t)call2(inst, "call", 0, 0), 7);
    expect_trap(inst, "call", 1, 0, 0, AW_TRAP_UNINITIALIZED_ELEMENT);
    call2(inst, "set_func", 1, 0);
    assert_int_equal((uint32_t)call2(inst, "call", 1, 0), 8);
    call3(inst, "copy", 0, 1, 1);
    assert_int_equal((uint32_t)call2(inst, "call", 0, 0), 8);
    expect_trap(inst, "init", 1, 2, 2, AW_TRAP_OUT_OF_BOUNDS_TABLE);
    call2(inst, "drop", 0, 0);
    expect_trap(inst, "init", 0, 0, 1, AW_TRAP_OUT_OF_BOUNDS_TABLE);
    /* growth respects the table maximum (10) */
    assert_int_equal((uint32_t)call2(inst, "grow_funcs", 8, 0), 2);
    assert_int_equal((uint32_t)call2(inst, "grow_funcs", 1, 0), 0xFFFFFFFF);
    expect_trap(inst, "call", 10, 0, 0, AW_TRAP_UNDEFINED_ELEMENT);
    /* a funcref is a non-null opaque pointer that the host can pass back */
    uint64_t s[1] = {0};
    aw_error err;
    assert_int_equal(call_slots(inst, "func_ref", s, &err), AW_OK);
    assert_true(s[0] != 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(externref_table, setup, teardown),
        cmocka_unit_test_setup_teardown(funcref_table, setup, teardown),
    };
    return AW_TEST_RUN(tests);
}
