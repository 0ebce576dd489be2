/* The allocator hook: live-block counting, fail-the-Nth, size checking. */
#include "test_support.h"

#include "base/alloc.h"

#include <string.h>

static void counts_live_blocks(void **state) {
    (void)state;
    int64_t before = aw_alloc_live_blocks();
    void *a = aw__malloc(10);
    void *b = aw__calloc(4, 8);
    assert_int_equal(aw_alloc_live_blocks() - before, 2);
    assert_memory_equal(b, (uint8_t[32]){0}, 32);
    a = aw__realloc(a, 10, 1000);
    assert_non_null(a);
    assert_int_equal(aw_alloc_live_blocks() - before, 2);
    aw__free(a, 1000);
    aw__free(b, 32);
    aw__free(NULL, 0);
    assert_int_equal(aw_alloc_live_blocks(), before);
}

static void fails_the_nth_allocation(void **state) {
    (void)state;
    aw_test_allocator_fail_at(3);
    void *p1 = aw__malloc(8);
    void *p2 = aw__malloc(8);
    void *p3 = aw__malloc(8);
    void *p4 = aw__malloc(8);
    assert_non_null(p1);
    assert_non_null(p2);
    assert_null(p3);
    assert_non_null(p4);
    assert_int_equal(aw_test_allocator_count(), 4);
    aw__free(p1, 8);
    aw__free(p2, 8);
    aw__free(p4, 8);
    aw_test_allocator_fail_at(0);
}

static void failed_realloc_keeps_block(void **state) {
    (void)state;
    char *p = aw__malloc(6);
    memcpy(p, "hello", 6);
    aw_test_allocator_fail_at(1);
    assert_null(aw__realloc(p, 6, 600));
    assert_string_equal(p, "hello");
    aw_test_allocator_fail_at(0);
    aw__free(p, 6);
}

static void detects_wrong_free_size(void **state) {
    (void)state;
    uint64_t before = aw_test_allocator_size_errors();
    void *p = aw__malloc(16);
    aw__free(p, 15);
    assert_int_equal(aw_test_allocator_size_errors(), before + 1);
    /* A real mistake would fail the group's teardown; undo the count here by
     * design of this one test: the check itself is what is under test. */
}

static void overflowing_calloc_fails(void **state) {
    (void)state;
    assert_null(aw__calloc(SIZE_MAX / 2, 4));
    assert_null(aw__malloc(0));
}

static void strdup_round_trip(void **state) {
    (void)state;
    char *s = aw__strndup("abcdef", 3);
    assert_string_equal(s, "abc");
    aw__strfree(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_live_blocks),
        cmocka_unit_test(fails_the_nth_allocation),
        cmocka_unit_test(failed_realloc_keeps_block),
        cmocka_unit_test(overflowing_calloc_fails),
        cmocka_unit_test(strdup_round_trip),
    };
    int failed = AW_TEST_RUN(tests);
    /* Run the size-error check outside the leak-checked group. */
    const struct CMUnitTest size_tests[] = {cmocka_unit_test(detects_wrong_free_size)};
    aw_allocator_set(aw_test_allocator());
    failed += cmocka_run_group_tests(size_tests, NULL, NULL);
    return failed;
}
