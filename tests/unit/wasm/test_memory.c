/* Linear memory: loads and stores of every width, bounds traps at the edge,
 * memory.grow and its limits, bulk memory, the host memory accessors. */
#include "wasm_test_util.h"

static aw_instance *inst;

static int setup(void **state) {
    (void)state;
    inst = instantiate("memory.wasm", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    aw_instance_destroy(inst);
    return 0;
}

static void loads(void **state) {
    (void)state;
    /* data segment at 16: 01 02 03 04 05 06 07 08 f0 ff */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 16, 0), 0x04030201);
    assert_int_equal((uint32_t)call2(inst, "i32.load_off", 16, 0), 0x08070605);
    assert_int_equal((uint32_t)call2(inst, "i32.load_add", 12, 0), 0x08070605);
    assert_int_equal((uint32_t)call2(inst, "i32.load8_s", 24, 0), 0xFFFFFFF0);
    assert_int_equal((uint32_t)call2(inst, "i32.load8_u", 24, 0), 0xF0);
    assert_int_equal((uint32_t)call2(inst, "i32.load16_s", 24, 0), 0xFFFFFFF0);
    assert_int_equal((uint32_t)call2(inst, "i32.load16_u", 24, 0), 0xFFF0);
    assert_true(call2(inst, "i64.load", 16, 0) == 0x0807060504030201ull);
    assert_true(call2(inst, "i64.load8_s", 25, 0) == UINT64_MAX);
    assert_true(call2(inst, "i64.load16_u", 24, 0) == 0xFFF0);
    assert_true(call2(inst, "i64.load32_s", 22, 0) == 0xFFFFFFFFFFF00807ull);
    assert_true(call2(inst, "i64.load32_u", 22, 0) == 0xFFF00807ull);
    assert_true(call2(inst, "i32.load", 0, 0) == 0);
}

static void stores(void **state) {
    (void)state;
    call2(inst, "i32.store", 100, 0xAABBCCDD);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 100, 0), 0xAABBCCDD);
    call2(inst, "i32.store8", 100, 0x11223344);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 100, 0), 0xAABBCC44);
    call2(inst, "i32.store16", 102, 0x5566);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 100, 0), 0x5566CC44);
    call2(inst, "i64.store", 200, 0x0102030405060708ull);
    assert_true(call2(inst, "i64.load", 200, 0) == 0x0102030405060708ull);
    call2(inst, "i64.store32", 200, 0xFFFFFFFFAABBCCDDull);
    assert_true(call2(inst, "i64.load", 200, 0) == 0x01020304AABBCCDDull);
    call2(inst, "i64.store16", 200, 0x1234);
    call2(inst, "i64.store8", 202, 0x99);
    assert_true(call2(inst, "i64.load", 200, 0) == 0x01020304AA991234ull);
    call2(inst, "f32.store", 300, f32b(1.5f));
    assert_true(asf32(call2(inst, "f32.load", 300, 0)) == 1.5f);
    call2(inst, "f64.store", 304, f64b(-2.25));
    assert_true(asf64(call2(inst, "f64.load", 304, 0)) == -2.25);
    call3(inst, "store_add", 400, 77, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 404, 0), 77);
    call3(inst, "store_addx", 500, 8, 0xBEEF);
    assert_int_equal((uint32_t)call2(inst, "i32.load16_u", 508, 0), 0xBEEF);
}

static void constant_addresses_and_values(void **state) {
    (void)state;
    call2(inst, "const_stores", 0, 0);
    assert_int_equal((uint32_t)call2(inst, "const_load", 0, 0), 0x11223344);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 608, 0), 0xFFFE00AB);
    assert_true(call2(inst, "i64.load", 616, 0) == (uint64_t)-3);
    assert_true(call2(inst, "i64.load", 624, 0) == 0xFFFFFFFFull);
    assert_true(call2(inst, "i64.load", 632, 0) == 0x007FABCD34567890ull);
    assert_true(asf32(call2(inst, "f32.load", 640, 0)) == 1.5f);
    assert_true(asf64(call2(inst, "f64.load", 648, 0)) == -2.25);
    assert_true(call2(inst, "i64.load", 656, 0) == 0);
    assert_int_equal((uint32_t)call2(inst, "const_load_edge", 0, 0), 0);
    expect_trap(inst, "const_load_oob", 0, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    /* i32.const -4 is address 0xFFFFFFFC: with the offset past 4 GiB */
    expect_trap(inst, "const_load_wrap", 0, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "const_store_oob", 0, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "const_beyond_min", 0, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    call2(inst, "store_const_at_sum", 700, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 708, 0), 0x5A5A);
    call2(inst, "store_const_at", 710, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 708, 0), 0xFF005A5A);
    expect_trap(inst, "store_const_at", 65535, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    /* past the declared minimum a constant address is checked: fine once grown */
    assert_int_equal((uint32_t)call2(inst, "grow", 1, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "const_beyond_min", 0, 0), 5);
}

static void branches_on_loads(void **state) {
    (void)state;
    call2(inst, "i64.store", 800, 0);
    assert_int_equal((uint32_t)call2(inst, "br_load", 800, 0), 1);
    call2(inst, "i32.store8", 800, 0x80);
    assert_int_equal((uint32_t)call2(inst, "br_load", 800, 0), 2);
    call2(inst, "i32.store16", 802, 0x8000);
    assert_int_equal((uint32_t)call2(inst, "br_load", 800, 0), 4);
    call2(inst, "i32.store8", 807, 1);
    assert_int_equal((uint32_t)call2(inst, "br_load", 800, 0), 3);
    /* the fused loads still check their bounds */
    call2(inst, "i32.store8", 65535, 1);
    expect_trap(inst, "br_load", 65535, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "br_load", 65536, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
}

static void add_of_constant_address_load(void **state) {
    (void)state;
    call2(inst, "i32.store", 900, 40);
    call2(inst, "i32.store", 904, 0xFFFFFFFF);
    assert_int_equal((uint32_t)call2(inst, "add_global", 2, 0), 42);
    assert_int_equal((uint32_t)call2(inst, "add_global2", 3, 0), 2); /* wraps at 32 bits */
    expect_trap(inst, "add_global_oob", 1, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    assert_int_equal((uint32_t)call2(inst, "sp_adjust", 0xFFFFFFF8, 0), 8); /* wraps at 32 bits */
    assert_true(call2(inst, "g64_adjust", 2, 0) == (uint64_t)-1);
    assert_int_equal((uint32_t)call2(inst, "sp_adjust", 100, 0), 116);
    assert_int_equal((uint32_t)call2(inst, "sp_frame", 0, 0), 168); /* 84 twice */
    assert_int_equal((uint32_t)call2(inst, "sp_frame", 0, 0), 104);
    call3(inst, "store_sum", 5, 6, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 920, 0), 11);
    call2(inst, "i32.store", 924, 100);
    call2(inst, "bump", 7, 0);
    call2(inst, "bump", 3, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 924, 0), 110);
    call2(inst, "copy_sum", 1, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 928, 0), 111);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 924, 0), 110);
    expect_trap(inst, "bump_oob", 1, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
}

static void increments_at_constant_addresses(void **state) {
    (void)state;
    call2(inst, "i32.store", 940, 0xFFFFFFFE);
    call2(inst, "inc32", 0, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 940, 0), 0xFFFFFFFF);
    call2(inst, "inc32", 0, 0); /* wraps at 32 bits, the next word untouched */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 940, 0), 0);
    call3(inst, "i64.store", 944, 1, 0);
    call2(inst, "inc64", 0, 0);
    assert_true(call2(inst, "i64.load", 944, 0) == (uint64_t)-1); /* the immediate sign-extended */
    call2(inst, "i32.store", 940, 10);
    call2(inst, "inc_elsewhere", 0, 0); /* a load from another address is kept */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 952, 0), 15);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 940, 0), 10);
    assert_int_equal((uint32_t)call2(inst, "inc_tee", 0, 0), 10); /* the loaded value stays in its local */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 940, 0), 11);
    call2(inst, "store_addi", 0xFFFFFFF8, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 956, 0), 1);
    call2(inst, "store_addi64", 0, 0);
    assert_true(call2(inst, "i64.load", 960, 0) == (uint64_t)-1);
    expect_trap(inst, "inc_oob", 0, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    call2(inst, "i32.store", 980, 0xDEADBEEF);
    call2(inst, "move32", 0, 0);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 976, 0), 0xDEADBEEF);
    call3(inst, "i64.store", 992, 0x0123456789ABCDEFull, 0);
    call2(inst, "move64", 0, 0);
    assert_true(call2(inst, "i64.load", 984, 0) == 0x0123456789ABCDEFull);
    assert_int_equal((uint32_t)call2(inst, "move_tee", 0, 0), 11); /* the value stays in its local */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 976, 0), 11);
    /* a function without parameters or results may be called without slots */
    uint32_t inc32;
    aw_error err;
    assert_int_equal(aw_instance_find_func(inst, "inc32", &inc32), AW_OK);
    assert_int_equal(aw_instance_call_index(inst, inc32, NULL, &err), AW_OK);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_IDLE);
    assert_int_equal(aw_instance_call_index(inst, inc32, NULL, &err), AW_OK);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 940, 0), 13);
}

static void branches_on_constant_addresses(void **state) {
    (void)state;
    call2(inst, "i32.store", 964, 0);
    call2(inst, "i32.store", 968, 0);
    call2(inst, "i32.store", 972, 0);
    assert_int_equal((uint32_t)call2(inst, "br_global", 0, 0), 1);
    call2(inst, "i32.store8", 964, 0x80);
    assert_int_equal((uint32_t)call2(inst, "br_global", 0, 0), 2);
    call2(inst, "i32.store", 964, 0x01000080); /* the 16 bits at 966: 0x0100 */
    assert_int_equal((uint32_t)call2(inst, "br_global", 0, 0), 5);
    call2(inst, "i32.store", 968, 0x80000000); /* all 32 bits count */
    assert_int_equal((uint32_t)call2(inst, "br_global", 0, 0), 3);
    call2(inst, "i32.store", 968, 0);
    call2(inst, "i32.store8", 972, 0xFF);
    assert_int_equal((uint32_t)call2(inst, "br_global", 0, 0), 4);
}

static void pointer_steps(void **state) {
    (void)state;
    call2(inst, "i32.store", 1000, 0x00636261); /* "abc" */
    assert_int_equal((uint32_t)call2(inst, "scan", 999, 0), 4);
    assert_int_equal((uint32_t)call2(inst, "scan", 1002, 0), 1);
    call2(inst, "i32.store8", 65535, 1);
    expect_trap(inst, "scan", 65534, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    assert_int_equal((uint32_t)call2(inst, "align_step", 7, 0), 8);
    assert_int_equal((uint32_t)call2(inst, "align_step", 8, 0), U32(-1));
}

static void bounds(void **state) {
    (void)state;
    /* the last whole i32 fits, one byte further traps */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 65532, 0), 0);
    expect_trap(inst, "i32.load", 65533, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "i64.load", 65529, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "i32.load8_u", 65536, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "i32.load", 0xFFFFFFFF, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    /* offset + address must not wrap around */
    expect_trap(inst, "i32.load_off", 0xFFFFFFFE, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    /* a fused address add wraps at 32 bits like i32.add does */
    assert_int_equal((uint32_t)call2(inst, "i32.load_add", 0xFFFFFFFF, 0), 0);
    expect_trap(inst, "i32.store", 65534, 1, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "i64.store8", 65536, 1, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "f64.store", 65535, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    call2(inst, "i32.store8", 65535, 9);
    assert_int_equal((uint32_t)call2(inst, "i32.load8_u", 65535, 0), 9);
}

static void grow(void **state) {
    (void)state;
    assert_int_equal((uint32_t)call2(inst, "size", 0, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "grow", 2, 0), 1);
    assert_int_equal((uint32_t)call2(inst, "size", 0, 0), 3);
    /* new pages are zero and addressable */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 3 * 65536 - 4, 0), 0);
    /* the module's maximum is 4 pages */
    assert_int_equal((uint32_t)call2(inst, "grow", 2, 0), 0xFFFFFFFF);
    assert_int_equal((uint32_t)call2(inst, "grow", 1, 0), 3);
    assert_int_equal((uint32_t)call2(inst, "grow", 0, 0), 4);
    size_t size;
    assert_non_null(aw_instance_memory(inst, &size));
    assert_int_equal(size, 4 * 65536);
}

static void grow_capped_by_config(void **state) {
    (void)state;
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_memory_pages = 2;
    aw_instance *capped = instantiate("memory.wasm", &cfg);
    assert_int_equal((uint32_t)call2(capped, "grow", 2, 0), 0xFFFFFFFF);
    assert_int_equal((uint32_t)call2(capped, "grow", 1, 0), 1);
    assert_int_equal((uint32_t)call2(capped, "grow", 1, 0), 0xFFFFFFFF);
    aw_instance_destroy(capped);
}

static void bulk(void **state) {
    (void)state;
    call3(inst, "fill", 1000, 0xAB, 8);
    assert_true(call2(inst, "i64.load", 1000, 0) == 0xABABABABABABABABull);
    call3(inst, "copy", 1004, 16, 4); /* 01 02 03 04 */
    assert_int_equal((uint32_t)call2(inst, "i32.load", 1004, 0), 0x04030201);
    /* overlapping copy behaves as memmove */
    call3(inst, "copy", 17, 16, 4);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 16, 0), 0x03020101);
    call3(inst, "init", 2000, 0, 8);
    uint8_t buf[8];
    assert_int_equal(aw_instance_memory_read(inst, 2000, buf, 8), AW_OK);
    assert_memory_equal(buf, "passive!", 8);
    expect_trap(inst, "init", 2000, 4, 5, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "fill", 65530, 0, 7, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    expect_trap(inst, "copy", 0, 65530, 7, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    /* zero-length at the very end is fine, past it traps */
    call3(inst, "fill", 65536, 0, 0);
    expect_trap(inst, "fill", 65537, 0, 0, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    call2(inst, "drop", 0, 0);
    expect_trap(inst, "init", 0, 0, 1, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
    call3(inst, "init", 0, 0, 0);
}

static void host_access(void **state) {
    (void)state;
    uint32_t v = 0x11223344;
    assert_int_equal(aw_instance_memory_write(inst, 3000, &v, 4), AW_OK);
    assert_int_equal((uint32_t)call2(inst, "i32.load", 3000, 0), 0x11223344);
    assert_int_equal(aw_instance_memory_write(inst, 65534, &v, 4), AW_INVALID_ARGUMENT);
    assert_int_equal(aw_instance_memory_read(inst, UINT64_MAX, &v, 1), AW_INVALID_ARGUMENT);
    assert_int_equal(aw_instance_memory_read(inst, 65536, &v, 0), AW_OK);
    assert_true(aw_instance_footprint(inst) >= 65536);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(loads, setup, teardown),
        cmocka_unit_test_setup_teardown(stores, setup, teardown),
        cmocka_unit_test_setup_teardown(constant_addresses_and_values, setup, teardown),
        cmocka_unit_test_setup_teardown(branches_on_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(add_of_constant_address_load, setup, teardown),
        cmocka_unit_test_setup_teardown(increments_at_constant_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(branches_on_constant_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(pointer_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(grow, setup, teardown),
        cmocka_unit_test(grow_capped_by_config),
        cmocka_unit_test_setup_teardown(bulk, setup, teardown),
        cmocka_unit_test_setup_teardown(host_access, setup, teardown),
    };
    return AW_TEST_RUN(tests);
}
