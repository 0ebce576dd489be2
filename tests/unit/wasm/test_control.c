/* Control flow, calls, call_indirect, multi-value and block parameters,
 * the compiler's pending values, and the control traps. */
#include "wasm_test_util.h"

static aw_instance *inst;

static int setup(void **state) {
    (void)state;
    inst = instantiate("control.wasm", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    aw_instance_destroy(inst);
    return 0;
}

static void calls_and_loops(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call2(inst, "fac", 10, 0), 3628800);
    assert_int_equal((uint32_t)call2(inst, "fac", 0, 0), 1);
    assert_true(call2(inst, "sum_to", 100000, 0) == 5000050000ull);
    assert_true(call2(inst, "sum_to", 0, 0) == 0);
    assert_int_equal((uint32_t)call2(inst, "nested_if", U32(-5), 0), U32(-1));
    assert_int_equal((uint32_t)call2(inst, "nested_if", 0, 0), 0);
    assert_int_equal((uint32_t)call2(inst, "nested_if", 9, 0), 1);
}

static void branch_tables(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call2(inst, "classify", 0, 0), 100);
    assert_int_equal((uint32_t)call2(inst, "classify", 1, 0), 101);
    assert_int_equal((uint32_t)call2(inst, "classify", 2, 0), 102);
    assert_int_equal((uint32_t)call2(inst, "classify", 3, 0), 103);
    assert_int_equal((uint32_t)call2(inst, "classify", 1000, 0), 103); /* default */
    assert_int_equal((uint32_t)call2(inst, "br_table_value", 0, 0), 7);
    assert_int_equal((uint32_t)call2(inst, "br_table_value", 1, 0), 1007);
    assert_int_equal((uint32_t)call2(inst, "br_table_value", 9, 0), 1007);
}

static void multi_value(void **state) {
    (void)state;
    uint64_t s[2] = {3, 4};
    aw_error err;
    assert_int_equal(call_slots(inst, "swap", s, &err), AW_OK);
    assert_int_equal(s[0], 4);
    assert_int_equal(s[1], 3);
    assert_int_equal((uint32_t)call2(inst, "multi", 10, 3), U32(-7));
    assert_int_equal((uint32_t)call2(inst, "block_params", 6, 0), 60);
    assert_int_equal((uint32_t)call2(inst, "loop_params", 10, 0), 55);
    aw_value args[2] = {{AW_VAL_I32, {.i32 = 1}}, {AW_VAL_I32, {.i32 = 2}}};
    aw_value res[2];
    assert_int_equal(aw_instance_call(inst, "swap", args, 2, res, 2, &err), AW_OK);
    assert_int_equal(res[0].of.i32, 2);
    assert_int_equal(res[1].of.i32, 1);
    assert_int_equal(res[0].type, AW_VAL_I32);
    /* the typed call checks counts and types */
    assert_int_equal(aw_instance_call(inst, "swap", args, 1, res, 2, &err), AW_INVALID_ARGUMENT);
    args[1].type = AW_VAL_I64;
    assert_int_equal(aw_instance_call(inst, "swap", args, 2, res, 2, &err), AW_INVALID_ARGUMENT);
    assert_int_equal(aw_instance_call(inst, "nope", args, 2, res, 2, &err), AW_NOT_FOUND);
}

static void pending_values(void **state) {
    (void)state;
    /* local.get 0; local.set 0 (5); local.get 0; sub  => old - 5 */
    assert_int_equal((uint32_t)call2(inst, "tee_pending", 12, 0), 7);
    assert_int_equal((uint32_t)call3(inst, "select", 1, 2, 1), 1);
    assert_int_equal((uint32_t)call3(inst, "select", 1, 2, 0), 2);
    /* stores of zero after a loop, or to a written local, are kept */
    assert_int_equal((uint32_t)call2(inst, "zero_locals", 5, 0), 500);
    assert_int_equal((uint32_t)call2(inst, "zero_locals", 0, 0), 0);
}

/* Calls export name after dirty left garbage in the frame's slots. */
static uint32_t after_dirty(const char *name, uint32_t a) {
    assert_int_equal((uint32_t)call2(inst, "dirty", 0, 0), 4 * 0x5555);
    return (uint32_t)call2(inst, name, a, 0);
}

static void unwritten_locals_read_zero(void **state) {
    (void)state;
    assert_int_equal(after_dirty("maybe_block", 1), 0);
    assert_int_equal(after_dirty("maybe_block", 0), 7);
    assert_int_equal(after_dirty("maybe_if", 0), 3);
    assert_int_equal(after_dirty("maybe_if", 1), 10);
    assert_int_equal(after_dirty("maybe_else", 1), 7);
    assert_int_equal(after_dirty("maybe_else", 0), 9);
    assert_int_equal(after_dirty("both_arms", 1), 7);
    assert_int_equal(after_dirty("both_arms", 0), 9);
    assert_int_equal(after_dirty("maybe_loop", 3), 5); /* 0 + 3 + 2 */
    assert_int_equal(after_dirty("maybe_table", 0), 7);
    assert_int_equal(after_dirty("maybe_table", 1), 0);
    assert_int_equal(after_dirty("maybe_table", 5), 0);
    assert_int_equal(after_dirty("maybe_nested", 0), 6);
    assert_int_equal(after_dirty("maybe_nested", 1), 0);
    /* a wasm-to-wasm call onto the slots dirty used */
    assert_int_equal(after_dirty("dirty_then_maybe", 1), 0);
    assert_int_equal(after_dirty("dirty_then_maybe", 0), 7);
}

static void constant_operands(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call2(inst, "select_ka", 1, 7), 5);
    assert_int_equal((uint32_t)call2(inst, "select_ka", 0, 7), 7);
    assert_int_equal((uint32_t)call2(inst, "select_kb", 1, 7), 7);
    assert_int_equal((uint32_t)call2(inst, "select_kb", 0, 7), 5);
    assert_int_equal((uint32_t)call2(inst, "select_kk", 3, 0), 5);
    assert_int_equal((uint32_t)call2(inst, "select_kk", 0, 0), 6);
    assert_true(asf32(call2(inst, "select_f32", 1, 0)) == -1.5f);
    assert_true(asf32(call2(inst, "select_f32", 0, 0)) == 2.0f);
    assert_true(call2(inst, "select_i64", 1, 3) == UINT64_MAX);
    assert_true(call2(inst, "select_i64", 0, 3) == 3);
    assert_int_equal((uint32_t)call2(inst, "select_to_local", 1, 7), 107);
    assert_int_equal((uint32_t)call2(inst, "select_to_local", 0, 7), 109);
    assert_int_equal((uint32_t)call2(inst, "test_bits", 0, 0), 1);  /* bit 2 clear */
    assert_int_equal((uint32_t)call2(inst, "test_bits", 4, 0), 4);  /* 4 & 0, 4 & 1 clear */
    assert_int_equal((uint32_t)call2(inst, "test_bits", 6, 2), 2);  /* 6 & 2 set */
    assert_int_equal((uint32_t)call2(inst, "test_bits", 5, 2), 3);  /* 5 & 2 clear, bit 0 set */
    assert_int_equal((uint32_t)call2(inst, "eqz_of_compare", 1, 2), 1);
    assert_int_equal((uint32_t)call2(inst, "eqz_of_compare", 5, 2), 2);
    assert_int_equal((uint32_t)call2(inst, "eqz_of_compare", 7, 2), 3);
    assert_int_equal((uint32_t)call2(inst, "eqz_of_compare", 23, 2), 4);
    assert_int_equal((uint32_t)call2(inst, "k_sub", 3, 0), 7);
    assert_int_equal((uint32_t)call2(inst, "k_sub", 13, 0), U32(-3));
    assert_int_equal((uint32_t)call2(inst, "k_lt_u", 11, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "k_lt_u", 10, 0), 0);
    assert_int_equal((uint32_t)call2(inst, "k_ge_s", U32(-1), 0), 1);
    assert_int_equal((uint32_t)call2(inst, "k_ge_s", 0, 0), 0);
    assert_int_equal((uint32_t)call2(inst, "k_mul_add", 4, 0), 23);
    assert_true(call2(inst, "k_sub64", 5, 0) == (uint64_t)-7);
    assert_int_equal((uint32_t)call2(inst, "k_gt_s64", (uint64_t)-3, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "k_gt_s64", (uint64_t)-2, 0), 0);
    assert_true(call2(inst, "k_sub64_big", 1, 0) == 0xFFFFFFFFull);
    assert_int_equal((uint32_t)call2(inst, "k_ret", 1, 0), 77);
    assert_int_equal((uint32_t)call2(inst, "k_ret", 0, 0), U32(-5));
    assert_int_equal((uint32_t)call2(inst, "range_check", 1, 0), 100);
    assert_int_equal((uint32_t)call2(inst, "range_check", 16, 0), 115);
    assert_int_equal((uint32_t)call2(inst, "range_check", 17, 0), 7);
    assert_int_equal((uint32_t)call2(inst, "range_check", 0, 0), 7); /* 0 - 1 wraps */
    assert_int_equal((uint32_t)call2(inst, "either", 0, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "either", 3, 0), 2);
    assert_int_equal((uint32_t)call2(inst, "either", 0, 4), 2);
    assert_int_equal((uint32_t)call2(inst, "either", 1, 1), 2);
    assert_int_equal((uint32_t)call2(inst, "br_i64", 5, 4), 1);
    assert_int_equal((uint32_t)call2(inst, "br_i64", 1ull << 40, 5), 1);
    assert_int_equal((uint32_t)call2(inst, "br_i64", (uint64_t)-7, (uint64_t)-1), 2);
    assert_int_equal((uint32_t)call2(inst, "br_i64", 0xFFFFFFF9ull, 1ull << 33), 3); /* not -7 in 64 bits */
}

static void indirect_calls(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call3(inst, "dispatch", 0, 7, 5), 12);
    assert_int_equal((uint32_t)call3(inst, "dispatch", 1, 7, 5), 2);
    expect_trap(inst, "dispatch", 2, 7, 5, AW_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
    expect_trap(inst, "dispatch", 3, 7, 5, AW_TRAP_UNINITIALIZED_ELEMENT);
    expect_trap(inst, "dispatch", 4, 7, 5, AW_TRAP_UNDEFINED_ELEMENT);
}

static void traps(void **state) {
    (void)state;
    uint64_t s[2] = {0, 0};
    aw_error err;
    assert_int_equal(call_slots(inst, "unreachable", s, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_UNREACHABLE);
    assert_int_equal(err.status, AW_TRAP);
    assert_int_not_equal(err.func_index, AW_ERROR_NO_INDEX);
    uint32_t caller;
    assert_int_equal(aw_instance_find_func(inst, "trap_in_callee", &caller), AW_OK);
    assert_int_equal(call_slots(inst, "trap_in_callee", s, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INTEGER_DIVIDE_BY_ZERO);
    assert_int_equal(err.func_index, caller - 2); /* $deep_trap, two before it */
    s[0] = 2;
    assert_int_equal(call_slots(inst, "trap_in_callee", s, &err), AW_OK);
    assert_int_equal((uint32_t)s[0], 1);
    expect_trap(inst, "recurse", 0, 0, 0, AW_TRAP_STACK_EXHAUSTED);
    /* still usable, and the stack was reset */
    assert_int_equal((uint32_t)call2(inst, "fac", 5, 0), 120);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_IDLE);
}

static void bad_calls(void **state) {
    (void)state;
    uint64_t s[2] = {0, 0};
    aw_error err;
    assert_int_equal(aw_instance_call_index(inst, 9999, s, &err), AW_NOT_FOUND);
    uint32_t idx;
    assert_int_equal(aw_instance_find_func(inst, "no-such", &idx), AW_NOT_FOUND);
    aw_functype ft;
    assert_int_equal(aw_instance_find_func_n(inst, "swapped", 4, &idx), AW_OK);
    assert_int_equal(aw_instance_find_func_n(inst, "swa", 3, &idx), AW_NOT_FOUND);
    assert_int_equal(aw_instance_find_func(inst, "swap", &idx), AW_OK);
    assert_int_equal(aw_instance_func_type(inst, idx, &ft), AW_OK);
    assert_int_equal(ft.param_count, 2);
    assert_int_equal(ft.result_count, 2);
    assert_int_equal(ft.results[0], AW_VAL_I32);
}

static void small_stack_config(void **state) {
    (void)state;
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.stack_bytes = 4096;
    aw_instance *small = instantiate("control.wasm", &cfg);
    expect_trap(small, "recurse", 0, 0, 0, AW_TRAP_STACK_EXHAUSTED);
    assert_int_equal((uint32_t)call2(small, "fac", 12, 0), 479001600);
    expect_trap(small, "fac", 100000, 0, 0, AW_TRAP_STACK_EXHAUSTED);
    aw_instance_destroy(small);
}

static void stack_grows_on_demand(void **state) {
    (void)state;
    aw_instance *x = instantiate("control.wasm", NULL);
    assert_int_equal((uint32_t)call2(x, "fac", 3, 0), 6);
    /* a shallow call leaves a small stack: the instance stays small */
    size_t small = aw_instance_footprint(x);
    assert_true(small < 16 * 1024);
    /* 400 frames deep needs more: the stack grows and moves, calls go on */
    assert_int_equal((uint32_t)call2(x, "fac", 400, 0), 0);
    assert_true(aw_instance_footprint(x) > small);
    assert_int_equal((uint32_t)call2(x, "fac", 10, 0), 3628800);
    aw_instance_destroy(x);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(calls_and_loops, setup, teardown),
        cmocka_unit_test_setup_teardown(branch_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(multi_value, setup, teardown),
        cmocka_unit_test_setup_teardown(pending_values, setup, teardown),
        cmocka_unit_test_setup_teardown(unwritten_locals_read_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(constant_operands, setup, teardown),
        cmocka_unit_test_setup_teardown(indirect_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(traps, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_calls, setup, teardown),
        cmocka_unit_test(small_stack_config),
        cmocka_unit_test(stack_grows_on_demand),
    };
    return AW_TEST_RUN(tests);
}
