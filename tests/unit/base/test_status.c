/* Every status and trap has a name and a text; out-of-range values are safe. */
#include "test_support.h"

#include "base/error.h"

#include <string.h>

static void every_status_has_name_and_text(void **state) {
    (void)state;
    for (int i = 0; i < (int)AW_STATUS_COUNT_; i++) {
        const char *name = aw_status_name((aw_status)i);
        const char *text = aw_status_text((aw_status)i);
        assert_non_null(name);
        assert_non_null(text);
        assert_true(strlen(name) > 1);
        assert_true(strlen(text) > 3);
        assert_string_not_equal(text, "unknown status");
        for (int j = 0; j < i; j++) assert_string_not_equal(name, aw_status_name((aw_status)j));
    }
    assert_int_equal(AW_OK, 0);
    assert_string_equal(aw_status_name(AW_MAILBOX_FULL), "MAILBOX_FULL");
    assert_string_equal(aw_status_name((aw_status)9999), "?");
    assert_string_equal(aw_status_text((aw_status)-1), "unknown status");
}

static void every_trap_has_name_and_text(void **state) {
    (void)state;
    for (int i = 0; i < (int)AW_TRAP_COUNT_; i++) {
        assert_true(strlen(aw_trap_name((aw_trap)i)) > 1);
        assert_true(strlen(aw_trap_text((aw_trap)i)) > 3);
    }
    assert_string_equal(aw_trap_text(AW_TRAP_INTEGER_DIVIDE_BY_ZERO), "integer divide by zero");
    assert_string_equal(aw_trap_name((aw_trap)500), "?");
}

static void error_records_detail(void **state) {
    (void)state;
    aw_error err;
    aw_status s = aw__error_at(&err, AW_MALFORMED, 42, "bad section id %d", 99);
    assert_int_equal(s, AW_MALFORMED);
    assert_int_equal(err.status, AW_MALFORMED);
    assert_int_equal(err.offset, 42);
    assert_string_equal(err.message, "bad section id 99");
    assert_int_equal(aw__error_set(NULL, AW_NOT_FOUND, "x"), AW_NOT_FOUND);
    aw__error_at_line(&err, AW_PARSE_ERROR, 3, 7, "expected '='");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 7);
    assert_int_equal(err.offset, AW_ERROR_NO_OFFSET);
    aw_error_clear(&err);
    assert_int_equal(err.status, AW_OK);
    assert_string_equal(err.message, "");

    /* A fixed text: earlier detail is cleared, a long text is cut and ended. */
    aw__error_at_line(&err, AW_PARSE_ERROR, 3, 7, "expected '='");
    assert_int_equal(aw__error_set_text(&err, AW_SUSPENDED, "suspended"), AW_SUSPENDED);
    assert_int_equal(err.status, AW_SUSPENDED);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message, "suspended");
    char long_text[AW_ERROR_MESSAGE_MAX + 40];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    aw__error_set_text(&err, AW_TRAP, long_text);
    assert_int_equal(strlen(err.message), AW_ERROR_MESSAGE_MAX - 1);
    assert_int_equal(aw__error_set_text(NULL, AW_NOT_FOUND, "x"), AW_NOT_FOUND);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_name_and_text),
        cmocka_unit_test(every_trap_has_name_and_text),
        cmocka_unit_test(error_records_detail),
    };
    return AW_TEST_RUN(tests);
}
