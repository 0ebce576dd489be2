/* platform/carve: carved mappings are zeroed, writable, disjoint, released
 * and grown one by one, from any thread; large ones are mapped alone. */
#include "test_support.h"

#include "platform/carve.h"
#include "platform/os.h"
#include "platform/thread.h"

#include <string.h>

enum { COUNT = 600, THREADS = 4, PER_THREAD = 200 };

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

static void test_carved_ranges_are_zeroed_disjoint_and_released_alone(void **state) {
    (void)state;
    static uint8_t *base[COUNT];
    static size_t size[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        size[i] = (i % 3 + 1) * 65536u; /* 64, 128, 192 KiB: many reservations' worth */
        base[i] = aw__pages_map_carved(size[i]);
        assert_non_null(base[i]);
        assert_true(all_zero(base[i], size[i]));
        /* Tagged at both ends: a later range overlapping this one would
         * have been handed out with the tags, not zeroed. */
        base[i][0] = (uint8_t)(i + 1);
        base[i][size[i] - 1] = (uint8_t)(i + 1);
    }
    for (size_t i = 0; i < COUNT; i++) {
        assert_int_equal(base[i][0], (uint8_t)(i + 1));
        assert_int_equal(base[i][size[i] - 1], (uint8_t)(i + 1));
    }
    /* Every other one released; the rest stay usable. */
    for (size_t i = 0; i < COUNT; i += 2) aw__pages_unmap(base[i], size[i], 0);
    for (size_t i = 1; i < COUNT; i += 2) {
        base[i][1] = 7;
        assert_int_equal(base[i][0], (uint8_t)(i + 1));
    }
    /* One grows (it may move): its bytes come along, the new part is zero. */
    uint8_t *grown = aw__pages_remap(base[1], size[1], size[1] + 4 * 65536u);
    assert_non_null(grown);
    assert_int_equal(grown[0], 2);
    assert_int_equal(grown[1], 7);
    assert_true(all_zero(grown + size[1], 4 * 65536u));
    base[1] = grown;
    size[1] += 4 * 65536u;
    for (size_t i = 1; i < COUNT; i += 2) aw__pages_unmap(base[i], size[i], 0);
}

static void test_large_and_odd_sizes(void **state) {
    (void)state;
    /* Larger than AW__CARVE_MAX: a mapping of its own, same contract. */
    size_t big = AW__CARVE_MAX + 65536u;
    uint8_t *p = aw__pages_map_carved(big);
    assert_non_null(p);
    assert_true(all_zero(p + big - 4096, 4096));
    p[big - 1] = 1;
    aw__pages_unmap(p, big, 0);
    /* Not a page multiple: rounded up, the whole last page is usable. */
    uint8_t *q = aw__pages_map_carved(100);
    assert_non_null(q);
    q[aw__page_size() - 1] = 1;
    aw__pages_unmap(q, 100, 0);
}

static void *carve_many(void *arg) {
    uint8_t **out = arg;
    for (size_t i = 0; i < PER_THREAD; i++) {
        out[i] = aw__pages_map_carved(65536u);
        if (out[i]) memset(out[i], 0xab, 65536u);
    }
    return NULL;
}

static void test_threads_get_disjoint_ranges(void **state) {
    (void)state;
    static uint8_t *got[THREADS][PER_THREAD];
    aw__thread t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(aw__thread_create(&t[i], carve_many, got[i], "carver"), AW_OK);
    for (int i = 0; i < THREADS; i++) aw__thread_join(t[i], NULL);
    /* Disjoint: sorted starts are at least 64 KiB apart. */
    static uintptr_t starts[THREADS * PER_THREAD];
    size_t n = 0;
    for (int i = 0; i < THREADS; i++)
        for (int k = 0; k < PER_THREAD; k++) {
            assert_non_null(got[i][k]);
            starts[n++] = (uintptr_t)got[i][k];
        }
    for (size_t i = 1; i < n; i++) /* insertion sort: n is small */
        for (size_t k = i; k > 0 && starts[k - 1] > starts[k]; k--) {
            uintptr_t tmp = starts[k];
            starts[k] = starts[k - 1];
            starts[k - 1] = tmp;
        }
    for (size_t i = 1; i < n; i++) assert_true(starts[i] - starts[i - 1] >= 65536u);
    for (int i = 0; i < THREADS; i++)
        for (int k = 0; k < PER_THREAD; k++) aw__pages_unmap(got[i][k], 65536u, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_carved_ranges_are_zeroed_disjoint_and_released_alone),
        cmocka_unit_test(test_large_and_odd_sizes),
        cmocka_unit_test(test_threads_get_disjoint_ranges),
    };
    return AW_TEST_RUN(tests);
}
