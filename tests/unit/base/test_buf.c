/* aw__buf: appends, printf, growth, failure. */
#include "test_support.h"

#include "base/buf.h"

#include <string.h>

static void appends_and_formats(void **state) {
    (void)state;
    aw__buf b = AW__BUF_INIT;
    assert_int_equal(aw__buf_append(&b, "abc", 3), AW_OK);
    assert_int_equal(aw__buf_append_byte(&b, '-'), AW_OK);
    assert_int_equal(aw__buf_printf(&b, "%d/%s", 42, "x"), AW_OK);
    assert_int_equal(b.len, 8);
    assert_string_equal((char *)b.data, "abc-42/x");
    for (int i = 0; i < 1000; i++) assert_int_equal(aw__buf_append(&b, "0123456789", 10), AW_OK);
    assert_int_equal(b.len, 10008);
    assert_memory_equal(b.data + 9998, "0123456789", 10);
    aw__buf_free(&b);
    assert_null(b.data);
}

static void failure_keeps_contents(void **state) {
    (void)state;
    aw__buf b = AW__BUF_INIT;
    assert_int_equal(aw__buf_append(&b, "keep", 4), AW_OK);
    aw_test_allocator_fail_at(1);
    char big[200] = {0};
    assert_int_equal(aw__buf_append(&b, big, sizeof big), AW_NO_MEMORY);
    aw_test_allocator_fail_at(0);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, "keep", 4);
    aw__buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appends_and_formats),
        cmocka_unit_test(failure_keeps_contents),
    };
    return AW_TEST_RUN(tests);
}
