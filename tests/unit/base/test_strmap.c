/* aw__strmap: insert, replace, remove, growth, iteration, allocation failure. */
#include "test_support.h"

#include "base/strmap.h"

#include <stdio.h>
#include <string.h>

static void put_get_remove(void **state) {
    (void)state;
    aw__strmap m = AW__STRMAP_INIT;
    int a = 1, b = 2;
    assert_int_equal(aw__strmap_add(&m, "alpha", 5, &a), AW_OK);
    assert_int_equal(aw__strmap_add(&m, "alpha", 5, &b), AW_ALREADY_EXISTS);
    assert_ptr_equal(aw__strmap_get(&m, "alpha", 5), &a);
    void *old;
    assert_int_equal(aw__strmap_put(&m, "alpha", 5, &b, &old), AW_OK);
    assert_ptr_equal(old, &a);
    assert_ptr_equal(aw__strmap_get(&m, "alpha", 5), &b);
    assert_null(aw__strmap_get(&m, "alph", 4));
    assert_ptr_equal(aw__strmap_remove(&m, "alpha", 5), &b);
    assert_null(aw__strmap_get(&m, "alpha", 5));
    assert_null(aw__strmap_remove(&m, "alpha", 5));
    aw__strmap_free(&m);
}

static void grows_and_iterates(void **state) {
    (void)state;
    aw__strmap m = AW__STRMAP_INIT;
    static int values[1000];
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(key, sizeof key, "actor-%d", i);
        values[i] = i;
        assert_int_equal(aw__strmap_add(&m, key, (size_t)n, &values[i]), AW_OK);
    }
    for (int i = 0; i < 1000; i += 2) {
        int n = snprintf(key, sizeof key, "actor-%d", i);
        assert_ptr_equal(aw__strmap_remove(&m, key, (size_t)n), &values[i]);
    }
    assert_int_equal(m.live, 500);
    size_t cursor = 0, seen = 0;
    const char *k;
    void *v;
    while (aw__strmap_next(&m, &cursor, &k, &v)) {
        assert_int_equal(*(int *)v % 2, 1);
        seen++;
    }
    assert_int_equal(seen, 500);
    aw__strmap_free(&m);
}

static void allocation_failure_leaves_map_usable(void **state) {
    (void)state;
    for (uint64_t nth = 1; nth <= 4; nth++) {
        aw__strmap m = AW__STRMAP_INIT;
        int x = 7;
        aw_test_allocator_fail_at(nth);
        aw_status s1 = aw__strmap_add(&m, "k1", 2, &x);
        aw_status s2 = aw__strmap_add(&m, "k2", 2, &x);
        aw_test_allocator_fail_at(0);
        assert_true(s1 == AW_OK || s1 == AW_NO_MEMORY);
        assert_true(s2 == AW_OK || s2 == AW_NO_MEMORY);
        assert_true(s1 != AW_OK || aw__strmap_get(&m, "k1", 2) == &x);
        aw__strmap_free(&m);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_get_remove),
        cmocka_unit_test(grows_and_iterates),
        cmocka_unit_test(allocation_failure_leaves_map_usable),
    };
    return AW_TEST_RUN(tests);
}
