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

/* Scratch files (test code may use POSIX directly). A fresh directory
 * /tmp/airwasm-<tag>-XXXXXX, its path written to out (cap bytes); fails the
 * test when it cannot be made. */
void aw_test_tmpdir(char *out, size_t cap, const char *tag);
/* The process's scratch directory, /tmp/airwasm-<tag>-XXXXXX (the first
 * caller's tag), made on first use and removed with all it holds at exit. */
const char *aw_test_scratch(const char *tag);
/* dir "/" rel, in one of two static buffers used in turn (so a call may take
 * two of them). */
const char *aw_test_join(const char *dir, const char *rel);
/* Writes text to path (created or truncated); fails the test on error. */
void aw_test_write_text(const char *path, const char *text);
/* Removes path and everything below it; symlinks are removed, never followed.
 * A missing path is not an error. */
void aw_test_remove_tree(const char *path);

#define AW_TEST_RUN(tests) cmocka_run_group_tests(tests, aw_test_leak_setup, aw_test_leak_teardown)

#endif
