/* Tests of the reference map behind large link sets and supervisor child
 * tables: inserts, replacements, lookups and removals (backward shift)
 * checked against a plain array through growth and heavy collisions. */
#include "test_support.h"

#include "actor/refmap.h"

#include <string.h>

enum { N = 3000 };

/* Refs as the slot table makes them: generation << 32 | slot + 1. */
static aw_actor_ref ref_of(uint64_t gen, uint32_t slot) {
    return gen << 32 | (uint64_t)(slot + 1);
}

static void test_put_get_replace_remove(void **state) {
    (void)state;
    aw__refmap m = AW__REFMAP_INIT;
    uint32_t v = 0;
    assert_false(aw__refmap_get(&m, ref_of(1, 0), &v));
    assert_false(aw__refmap_remove(&m, ref_of(1, 0)));
    assert_int_equal(aw__refmap_put(&m, ref_of(1, 0), 7), AW_OK);
    assert_true(aw__refmap_get(&m, ref_of(1, 0), &v));
    assert_int_equal(v, 7);
    /* Another generation of the same slot is another key. */
    assert_false(aw__refmap_get(&m, ref_of(2, 0), &v));
    assert_int_equal(aw__refmap_put(&m, ref_of(1, 0), 9), AW_OK);
    assert_int_equal(m.count, 1);
    assert_true(aw__refmap_get(&m, ref_of(1, 0), &v));
    assert_int_equal(v, 9);
    assert_false(aw__refmap_get(&m, AW_ACTOR_NONE, &v));
    assert_true(aw__refmap_remove(&m, ref_of(1, 0)));
    assert_false(aw__refmap_get(&m, ref_of(1, 0), &v));
    assert_int_equal(m.count, 0);
    aw__refmap_free(&m);
    assert_null(m.slots);
}

/* Random puts and removes against a shadow array: every key present in the
 * shadow is found with its value, every removed key is gone. */
static void test_matches_a_shadow_through_growth_and_removals(void **state) {
    (void)state;
    static aw_actor_ref keys[N];
    static int64_t shadow[N]; /* value, or -1 when absent */
    for (uint32_t i = 0; i < N; i++) {
        /* Slots close together and a few generations: long probe runs. */
        keys[i] = ref_of(1 + i % 3, i / 3);
        shadow[i] = -1;
    }
    aw__refmap m = AW__REFMAP_INIT;
    uint64_t x = 88172645463325252ull;
    for (int step = 0; step < 40000; step++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t k = (uint32_t)(x % N);
        if ((x >> 20) % 3 != 0) {
            assert_int_equal(aw__refmap_put(&m, keys[k], (uint32_t)step), AW_OK);
            shadow[k] = step;
        } else {
            assert_int_equal(aw__refmap_remove(&m, keys[k]), shadow[k] >= 0);
            shadow[k] = -1;
        }
        if (step % 5000 == 0 || step == 39999) {
            uint32_t live = 0;
            for (uint32_t i = 0; i < N; i++) {
                uint32_t v;
                bool found = aw__refmap_get(&m, keys[i], &v);
                assert_int_equal(found, shadow[i] >= 0);
                if (found) assert_int_equal(v, (uint32_t)shadow[i]);
                live += found;
            }
            assert_int_equal(m.count, live);
        }
    }
    /* Emptied one by one, it stays consistent to the last key. */
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(aw__refmap_remove(&m, keys[i]), shadow[i] >= 0);
        shadow[i] = -1;
    }
    assert_int_equal(m.count, 0);
    aw__refmap_free(&m);
}

/* Out of memory while growing leaves the map as it was. */
static void test_out_of_memory_keeps_the_map(void **state) {
    (void)state;
    aw__refmap m = AW__REFMAP_INIT;
    for (uint32_t i = 0; i < 8; i++) assert_int_equal(aw__refmap_put(&m, ref_of(1, i), i), AW_OK);
    aw_test_allocator_fail_at(1);
    aw_status s = aw__refmap_put(&m, ref_of(1, 100), 100);
    aw_test_allocator_fail_at(0);
    assert_int_equal(s, AW_NO_MEMORY);
    assert_int_equal(m.count, 8);
    for (uint32_t i = 0; i < 8; i++) {
        uint32_t v;
        assert_true(aw__refmap_get(&m, ref_of(1, i), &v));
        assert_int_equal(v, i);
    }
    /* A replacement needs no memory. */
    aw_test_allocator_fail_at(1);
    s = aw__refmap_put(&m, ref_of(1, 3), 33);
    aw_test_allocator_fail_at(0);
    assert_int_equal(s, AW_OK);
    aw__refmap_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_replace_remove),
        cmocka_unit_test(test_matches_a_shadow_through_growth_and_removals),
        cmocka_unit_test(test_out_of_memory_keeps_the_map),
    };
    return AW_TEST_RUN(tests);
}
