/* Runtime statuses map onto the WIT send-error and request-error codes the
 * guest sees (docs/component-abi.md, Enumerations). */
#include "host_test.h"

static void send_errors(void **state) {
    (void)state;
    assert_int_equal(aw__backend_send_error(AW_OK), -1);
    assert_int_equal(aw__backend_send_error(AW_NOT_FOUND), 0);
    assert_int_equal(aw__backend_send_error(AW_NO_SUCH_ACTOR), 0);
    assert_int_equal(aw__backend_send_error(AW_DENIED), 1);
    assert_int_equal(aw__backend_send_error(AW_RATE_LIMITED), 2);
    assert_int_equal(aw__backend_send_error(AW_MAILBOX_FULL), 3);
    assert_int_equal(aw__backend_send_error(AW_BAD_CODEC), 4);
    assert_int_equal(aw__backend_send_error(AW_TOO_LARGE), 5);
    assert_int_equal(aw__backend_send_error(AW_SHUTTING_DOWN), 6);
    assert_int_equal(aw__backend_send_error(AW_NO_MEMORY), 6);
}

static void request_errors(void **state) {
    (void)state;
    assert_int_equal(aw__backend_request_error(AW_OK), -1);
    assert_int_equal(aw__backend_request_error(AW_TIMEOUT), 0);
    assert_int_equal(aw__backend_request_error(AW_CANCELLED), 1);
    assert_int_equal(aw__backend_request_error(AW_TRAP), 2);
    assert_int_equal(aw__backend_request_error(AW_INVALID_ARGUMENT), 3);
    assert_int_equal(aw__backend_request_error(AW_NOT_FOUND), 4);
    assert_int_equal(aw__backend_request_error(AW_NO_SUCH_ACTOR), 4);
    assert_int_equal(aw__backend_request_error(AW_DENIED), 5);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(send_errors),
        cmocka_unit_test(request_errors),
    };
    return AW_TEST_RUN(tests);
}
