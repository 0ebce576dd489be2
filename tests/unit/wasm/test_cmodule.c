/* A module compiled from C by clang-19 (tests/wat/cprog.c): what a real
 * compiler emits runs correctly (recursion, memory, call_indirect through
 * the function table, 64-bit and float arithmetic, padded LEB128). */
#include "wasm_test_util.h"

static aw_instance *inst;

static int setup(void **state) {
    (void)state;
    inst = instantiate("cprog.wasm", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    aw_instance_destroy(inst);
    return 0;
}

static void runs_compiled_c(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call2(inst, "fib", 20, 0), 6765);
    assert_int_equal((uint32_t)call3(inst, "apply", 0, 6, 7), 13);
    assert_int_equal((uint32_t)call3(inst, "apply", 1, 6, 7), 42);
    assert_int_equal((uint32_t)call3(inst, "apply", 5, 6, 3), 5);
    assert_int_equal((uint32_t)call2(inst, "sort_checksum", 12345, 0), 1);
    assert_true((int64_t)call3(inst, "mul_div", (uint64_t)-300000000ll, 4000000000ull, 7) ==
                -300000000ll * 4000000000ll / 7);
    assert_true(asf64(call2(inst, "hypot_sq", f64b(3.0), f64b(4.0))) == 25.0);
}

static void strings_in_memory(void **state) {
    (void)state;
    uint32_t n = (uint32_t)call2(inst, "format_u64", 18446744073709551615ull, 0);
    assert_int_equal(n, 20);
    uint32_t ptr = (uint32_t)call2(inst, "text_ptr", 0, 0);
    char text[32];
    assert_int_equal(aw_instance_memory_read(inst, ptr, text, n + 1), AW_OK);
    assert_string_equal(text, "18446744073709551615");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(runs_compiled_c, setup, teardown),
        cmocka_unit_test_setup_teardown(strings_in_memory, setup, teardown),
    };
    return AW_TEST_RUN(tests);
}
