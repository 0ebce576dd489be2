/* Numeric instructions: integer and float arithmetic, comparisons, NaN and
 * signed-zero rules, rounding, conversions and their traps. */
#include "wasm_test_util.h"

#include <math.h>

static aw_instance *inst;

static int setup(void **state) {
    (void)state;
    inst = instantiate("numeric.wasm", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    aw_instance_destroy(inst);
    return 0;
}

typedef struct case2 {
    const char *op;
    uint64_t a, b, want;
} case2;

static void i32_ops(void **state) {
    (void)state;
    static const case2 cases[] = {
        {"i32.add", 0xFFFFFFFF, 1, 0},
        {"i32.sub", 0, 1, 0xFFFFFFFF},
        {"i32.mul", 0x10000, 0x10000, 0},
        {"i32.mul", U32(-3), 7, U32(-21)},
        {"i32.div_s", U32(-7), 2, U32(-3)},
        {"i32.div_u", U32(-7), 2, 0x7FFFFFFC},
        {"i32.rem_s", U32(-7), 2, U32(-1)},
        {"i32.rem_s", 0x80000000, U32(-1), 0},
        {"i32.rem_u", U32(-7), 2, 1},
        {"i32.and", 0xF0F0, 0xFF00, 0xF000},
        {"i32.or", 0xF0F0, 0x0F0F, 0xFFFF},
        {"i32.xor", 0xFFFF, 0x0F0F, 0xF0F0},
        {"i32.shl", 1, 33, 2},
        {"i32.shr_s", 0x80000000, 31, 0xFFFFFFFF},
        {"i32.shr_u", 0x80000000, 31, 1},
        {"i32.rotl", 0x80000001, 1, 3},
        {"i32.rotr", 3, 1, 0x80000001},
        {"i32.rotl", 0x12345678, 32, 0x12345678},
        {"i32.lt_s", U32(-1), 0, 1},
        {"i32.lt_u", U32(-1), 0, 0},
        {"i32.ge_s", 5, 5, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal((uint32_t)call2(inst, cases[i].op, cases[i].a, cases[i].b), cases[i].want);
    assert_int_equal((uint32_t)call2(inst, "i32.clz", 0, 0), 32);
    assert_int_equal((uint32_t)call2(inst, "i32.clz", 0x00800000, 0), 8);
    assert_int_equal((uint32_t)call2(inst, "i32.ctz", 0, 0), 32);
    assert_int_equal((uint32_t)call2(inst, "i32.ctz", 0x80, 0), 7);
    assert_int_equal((uint32_t)call2(inst, "i32.popcnt", 0xF0F0F0F0, 0), 16);
    assert_int_equal((uint32_t)call2(inst, "i32.eqz", 0, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "i32.eqz", 0x100, 0), 0);
    assert_int_equal((uint32_t)call2(inst, "i32.extend8_s", 0x80, 0), 0xFFFFFF80);
    assert_int_equal((uint32_t)call2(inst, "i32.extend16_s", 0x17FFF, 0), 0x7FFF);
    /* immediate forms */
    assert_int_equal((uint32_t)call2(inst, "i32.add_k", 5, 0), U32(-2));
    assert_int_equal((uint32_t)call2(inst, "i32.shr_s_k", 0x80000000, 0), 0xC0000000);
    assert_int_equal((uint32_t)call2(inst, "i32.lt_u_k", 0xFFFFFFFE, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "i32.lt_u_k", 0xFFFFFFFF, 0), 0);
    assert_int_equal((uint32_t)call2(inst, "i32.rotl_k", 0xAB000001, 0), 0x000001AB);
}

static void i64_ops(void **state) {
    (void)state;
    assert_true(call2(inst, "i64.add", UINT64_MAX, 2) == 1);
    assert_true(call2(inst, "i64.mul", 0x100000000ull, 0x100000000ull) == 0);
    assert_true(call2(inst, "i64.div_s", (uint64_t)-9, 2) == (uint64_t)-4);
    assert_true(call2(inst, "i64.div_u", (uint64_t)-1, 2) == 0x7FFFFFFFFFFFFFFFull);
    assert_true(call2(inst, "i64.rem_s", 0x8000000000000000ull, (uint64_t)-1) == 0);
    assert_true(call2(inst, "i64.shl", 1, 65) == 2);
    assert_true(call2(inst, "i64.shr_s", 0x8000000000000000ull, 63) == UINT64_MAX);
    assert_true(call2(inst, "i64.rotr", 1, 1) == 0x8000000000000000ull);
    assert_true(call2(inst, "i64.clz", 1, 0) == 63);
    assert_true(call2(inst, "i64.ctz", 0, 0) == 64);
    assert_true(call2(inst, "i64.popcnt", UINT64_MAX, 0) == 64);
    assert_int_equal((uint32_t)call2(inst, "i64.lt_s", (uint64_t)-1, 1), 1);
    assert_int_equal((uint32_t)call2(inst, "i64.eqz", 0x100000000ull, 0), 0);
    assert_true(call2(inst, "i64.extend32_s", 0x80000000ull, 0) == 0xFFFFFFFF80000000ull);
    assert_true(call2(inst, "i64.extend_i32_s", 0xFFFFFFFF, 0) == UINT64_MAX);
    assert_true(call2(inst, "i64.extend_i32_u", 0xFFFFFFFF, 0) == 0xFFFFFFFFull);
    assert_int_equal((uint32_t)call2(inst, "i32.wrap_i64", 0x123456789ull, 0), 0x23456789);
    assert_true(call2(inst, "i64.add_k", 0, 0) == UINT64_MAX);
    assert_true(call2(inst, "i64.add_big", 1, 0) == 0x100000001ull);
}

static void integer_traps(void **state) {
    (void)state;
    expect_trap(inst, "i32.div_s", 1, 0, 0, AW_TRAP_INTEGER_DIVIDE_BY_ZERO);
    expect_trap(inst, "i32.div_u", 1, 0, 0, AW_TRAP_INTEGER_DIVIDE_BY_ZERO);
    expect_trap(inst, "i32.rem_s", 1, 0, 0, AW_TRAP_INTEGER_DIVIDE_BY_ZERO);
    expect_trap(inst, "i32.rem_u", 1, 0, 0, AW_TRAP_INTEGER_DIVIDE_BY_ZERO);
    expect_trap(inst, "i32.div_s", 0x80000000, U32(-1), 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i64.div_s", 0x8000000000000000ull, (uint64_t)-1, 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i64.div_u", 5, 0, 0, AW_TRAP_INTEGER_DIVIDE_BY_ZERO);
    /* the instance stays usable after a trap */
    assert_int_equal((uint32_t)call2(inst, "i32.add", 2, 3), 5);
}

static void float_ops(void **state) {
    (void)state;
    assert_true(asf32(call2(inst, "f32.add", f32b(1.5f), f32b(2.25f))) == 3.75f);
    assert_true(isinf(asf32(call2(inst, "f32.div", f32b(1.0f), f32b(0.0f)))));
    assert_true(isnan(asf32(call2(inst, "f32.div", f32b(0.0f), f32b(0.0f)))));
    /* min/max: NaN wins, -0 < +0 */
    assert_true(isnan(asf32(call2(inst, "f32.min", f32b(NAN), f32b(1.0f)))));
    assert_true(isnan(asf32(call2(inst, "f32.max", f32b(1.0f), f32b(NAN)))));
    assert_true(call2(inst, "f32.min", f32b(0.0f), f32b(-0.0f)) == f32b(-0.0f));
    assert_true(call2(inst, "f32.max", f32b(-0.0f), f32b(0.0f)) == f32b(0.0f));
    assert_true(call2(inst, "f64.min", f64b(-0.0), f64b(0.0)) == f64b(-0.0));
    assert_true(call2(inst, "f64.max", f64b(-0.0), f64b(0.0)) == f64b(0.0));
    assert_true(isnan(asf64(call2(inst, "f64.min", f64b(1.0), f64b(NAN)))));
    /* round half to even */
    assert_true(asf32(call2(inst, "f32.nearest", f32b(2.5f), 0)) == 2.0f);
    assert_true(asf32(call2(inst, "f32.nearest", f32b(3.5f), 0)) == 4.0f);
    assert_true(call2(inst, "f32.nearest", f32b(-0.5f), 0) == f32b(-0.0f));
    assert_true(asf64(call2(inst, "f64.nearest", f64b(-2.5), 0)) == -2.0);
    assert_true(asf32(call2(inst, "f32.floor", f32b(-1.5f), 0)) == -2.0f);
    assert_true(asf64(call2(inst, "f64.ceil", f64b(-1.5), 0)) == -1.0);
    assert_true(call2(inst, "f64.ceil", f64b(-0.5), 0) == f64b(-0.0));
    assert_true(asf64(call2(inst, "f64.trunc", f64b(-1.7), 0)) == -1.0);
    /* a signalling NaN comes out of rounding quiet (arithmetic NaN) */
    uint64_t snan = 0x7FA00000;
    assert_true((call2(inst, "f32.floor", snan, 0) & 0x7FC00000) == 0x7FC00000);
    /* sign operations are bitwise, NaN payloads kept */
    assert_true(call2(inst, "f32.neg", 0x7FC00001, 0) == 0xFFC00001);
    assert_true(call2(inst, "f64.abs", 0xFFF8000000000001ull, 0) == 0x7FF8000000000001ull);
    assert_true(call2(inst, "f32.copysign", f32b(2.0f), f32b(-0.0f)) == f32b(-2.0f));
    assert_true(asf32(call2(inst, "f32.sqrt", f32b(16.0f), 0)) == 4.0f);
    assert_true(asf64(call2(inst, "f64.add", f64b(0.1), f64b(0.2))) == 0.1 + 0.2);
    assert_true(asf64(call2(inst, "f64.mul", f64b(1e308), f64b(10.0))) == INFINITY);
    /* comparisons with NaN */
    assert_int_equal((uint32_t)call2(inst, "f32.lt", f32b(NAN), f32b(1.0f)), 0);
    assert_int_equal((uint32_t)call2(inst, "f32.ne", f32b(NAN), f32b(NAN)), 1);
    assert_int_equal((uint32_t)call2(inst, "f64.eq", f64b(0.0), f64b(-0.0)), 1);
    assert_int_equal((uint32_t)call2(inst, "f64.ge", f64b(NAN), f64b(NAN)), 0);
}

static void conversions(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_f32_s", f32b(-2.9f), 0), U32(-2));
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_f32_u", f32b(4294967040.0f), 0), 4294967040u);
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_f64_s", f64b(-2147483648.9), 0), 0x80000000);
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_f64_u", f64b(-0.9), 0), 0);
    assert_true(call2(inst, "i64.trunc_f64_s", f64b(-9223372036854775808.0), 0) == 0x8000000000000000ull);
    assert_true(call2(inst, "i64.trunc_f64_u", f64b(18446744073709549568.0), 0) == 18446744073709549568ull);
    /* saturating */
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_sat_f32_s", f32b(NAN), 0), 0);
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_sat_f32_s", f32b(3e9f), 0), 0x7FFFFFFF);
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_sat_f32_s", f32b(-3e9f), 0), 0x80000000);
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_sat_f64_u", f64b(-5.0), 0), 0);
    assert_int_equal((uint32_t)call2(inst, "i32.trunc_sat_f64_u", f64b(5e9), 0), 0xFFFFFFFF);
    assert_true(call2(inst, "i64.trunc_sat_f64_s", f64b(1e19), 0) == 0x7FFFFFFFFFFFFFFFull);
    assert_true(call2(inst, "i64.trunc_sat_f32_u", f32b(INFINITY), 0) == UINT64_MAX);
    /* int to float: correct rounding */
    assert_true(asf32(call2(inst, "f32.convert_i32_u", 0xFFFFFFFF, 0)) == 4294967296.0f);
    assert_true(asf32(call2(inst, "f32.convert_i64_s", (uint64_t)-1, 0)) == -1.0f);
    assert_true(call2(inst, "f32.convert_i64_u", 0x8000008000000001ull, 0) == 0x5F000001);
    assert_true(asf64(call2(inst, "f64.convert_i64_u", UINT64_MAX, 0)) == 18446744073709551616.0);
    assert_true(asf64(call2(inst, "f64.convert_i32_s", U32(-5), 0)) == -5.0);
    assert_true(asf32(call2(inst, "f32.demote_f64", f64b(1e300), 0)) == INFINITY);
    assert_true(asf64(call2(inst, "f64.promote_f32", f32b(0.5f), 0)) == 0.5);
    assert_true(call2(inst, "i32.reinterpret_f32", f32b(-0.0f), 0) == 0x80000000);
    assert_true(call2(inst, "f64.reinterpret_i64", 0x3FF0000000000000ull, 0) == f64b(1.0));
}

static void conversion_traps(void **state) {
    (void)state;
    expect_trap(inst, "i32.trunc_f32_s", f32b(NAN), 0, 0, AW_TRAP_INVALID_CONVERSION);
    expect_trap(inst, "i32.trunc_f32_s", f32b(2147483648.0f), 0, 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i32.trunc_f32_u", f32b(-1.0f), 0, 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i32.trunc_f64_s", f64b(2147483648.0), 0, 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i32.trunc_f64_u", f64b(4294967296.0), 0, 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i64.trunc_f64_s", f64b(9223372036854775808.0), 0, 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i64.trunc_f64_u", f64b(-1.0), 0, 0, AW_TRAP_INTEGER_OVERFLOW);
    expect_trap(inst, "i64.trunc_f64_u", f64b(NAN), 0, 0, AW_TRAP_INVALID_CONVERSION);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(i32_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(i64_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(integer_traps, setup, teardown),
        cmocka_unit_test_setup_teardown(float_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(conversions, setup, teardown),
        cmocka_unit_test_setup_teardown(conversion_traps, setup, teardown),
    };
    return AW_TEST_RUN(tests);
}
