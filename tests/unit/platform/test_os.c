#define _GNU_SOURCE
/* Clocks, page mapping with guards, CPU count, randomness, file reading. */
#include "test_support.h"

#include "platform/os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clocks_move_forward(void **state) {
    (void)state;
    uint64_t a = aw__clock_ns();
    aw__sleep_ns(2000000);
    uint64_t b = aw__clock_ns();
    assert_true(b - a >= 2000000u);
    assert_true(aw__clock_realtime_ns() > 1600000000ull * 1000000000ull);
    assert_true(aw__clock_resolution_ns() >= 1);
}

static void pages_map_zeroed_and_grow(void **state) {
    (void)state;
    uint8_t *p = aw__pages_map(65536, 65536);
    assert_non_null(p);
    for (size_t i = 0; i < 65536; i += 4096) assert_int_equal(p[i], 0);
    p[65535] = 7;
    aw__pages_unmap(p, 65536, 65536);

    uint8_t *q = aw__pages_map(65536, 0);
    q[100] = 42;
    q = aw__pages_remap(q, 65536, 3 * 65536);
    assert_non_null(q);
    assert_int_equal(q[100], 42);
    assert_int_equal(q[3 * 65536 - 1], 0);
    aw__pages_unmap(q, 3 * 65536, 0);
}

static void cpu_count_and_random(void **state) {
    (void)state;
    assert_true(aw__cpu_count() >= 1);
    assert_int_equal(aw__page_size() % 4096, 0);
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(aw__random_bytes(a, sizeof a), AW_OK);
    assert_int_equal(aw__random_bytes(b, sizeof b), AW_OK);
    assert_memory_not_equal(a, b, sizeof a);
}

static void file_read_whole_and_missing(void **state) {
    (void)state;
    char path[] = "/tmp/aw-test-os-XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    fputs("hello file", f);
    fclose(f);
    size_t len;
    uint8_t *data = aw_test_read_file(path, &len);
    assert_int_equal(len, 10);
    assert_string_equal((char *)data, "hello file");
    aw_test_free_file(data, len);
    remove(path);
    assert_int_equal(aw__file_read("/nonexistent/file", &data, &len), AW_NOT_FOUND);
    assert_null(data);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clocks_move_forward),
        cmocka_unit_test(pages_map_zeroed_and_grow),
        cmocka_unit_test(cpu_count_and_random),
        cmocka_unit_test(file_read_whole_and_missing),
    };
    return AW_TEST_RUN(tests);
}
