/* Allocation failure at every point of module creation, instantiation and
 * the first calls: each fails cleanly with AW_NO_MEMORY (or succeeds), and
 * nothing leaks or is freed with a wrong size. */
#include "wasm_test_util.h"

static void each_allocation_fails_cleanly(const char *file, const char *export_name) {
    size_t len;
    uint8_t *bytes = aw_test_read_file(aw_test_wasm_path(file), &len);
    bool completed = false;
    for (uint64_t nth = 1; !completed && nth < 5000; nth++) {
        aw_test_allocator_fail_at(nth);
        aw_module *m = NULL;
        aw_instance *inst = NULL;
        aw_error err;
        aw_status st = aw_module_create(bytes, len, &m, &err);
        if (st == AW_OK) {
            st = aw_instance_create(m, NULL, &inst, &err);
            aw_module_release(m);
        }
        if (st == AW_OK) {
            uint32_t idx;
            assert_int_equal(aw_instance_find_func(inst, export_name, &idx), AW_OK);
            uint64_t slots[4] = {5, 0, 0, 0};
            st = aw_instance_call_index(inst, idx, slots, &err);
            aw_instance_destroy(inst);
        }
        if (st != AW_OK) {
            assert_int_equal(st, AW_NO_MEMORY);
        } else if (aw_test_allocator_count() < nth) {
            completed = true; /* the failure point lay past the last allocation */
        }
    }
    aw_test_allocator_fail_at(0);
    assert_true(completed);
    aw_test_free_file(bytes, len);
}

static void module_and_instance_oom(void **state) {
    (void)state;
    each_allocation_fails_cleanly("control.wasm", "fac");
    each_allocation_fails_cleanly("memory.wasm", "size");
    each_allocation_fails_cleanly("reftypes.wasm", "size_ext");
    each_allocation_fails_cleanly("cprog.wasm", "fib");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(module_and_instance_oom),
    };
    return AW_TEST_RUN(tests);
}
