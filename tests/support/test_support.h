/* Shared test helpers: cmocka includes, the leak-checking allocator fixture,
 * and paths to built fixtures. */
#ifndef AW_TEST_SUPPORT_H
#define AW_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "airwasm/alloc.h"
#include "airwasm/error.h"

/* cmocka group setup/teardown: install the checking allocator, then at the
 * end assert that no block is live and every free gave the right size. */
int aw_test_leak_setup(void **state);
int aw_test_leak_teardown(void **state);

/* Path of a built fixture: AW_WASM_DIR "/" name; static buffer. */
const char *aw_test_wasm_path(const char *name);

/* Reads a whole file with the library allocator; fails the test if absent.
 * Free with aw_test_free_file. */
uint8_t *aw_test_read_file(const char *path, size_t *len);
void aw_test_free_file(uint8_t *data, size_t len);

#define AW_TEST_RUN(tests) cmocka_run_group_tests(tests, aw_test_leak_setup, aw_test_leak_teardown)

#endif
