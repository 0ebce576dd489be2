/* Shared test helpers. */
#include "test_support.h"

#include "base/alloc.h"
#include "platform/os.h"

#include <stdio.h>

static int64_t baseline_blocks;

int aw_test_leak_setup(void **state) {
    (void)state;
    aw_allocator_set(aw_test_allocator());
    aw_test_allocator_fail_at(0);
    baseline_blocks = aw_alloc_live_blocks();
    return 0;
}

int aw_test_leak_teardown(void **state) {
    (void)state;
    int64_t live = aw_alloc_live_blocks() - baseline_blocks;
    uint64_t size_errors = aw_test_allocator_size_errors();
    if (live != 0) fprintf(stderr, "leak check: %lld blocks still live\n", (long long)live);
    if (size_errors != 0)
        fprintf(stderr, "leak check: %llu frees with a wrong size\n",
                (unsigned long long)size_errors);
    return live == 0 && size_errors == 0 ? 0 : -1;
}

const char *aw_test_wasm_path(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", AW_WASM_DIR, name);
    return path;
}

uint8_t *aw_test_read_file(const char *path, size_t *len) {
    uint8_t *data = NULL;
    aw_status s = aw__file_read(path, &data, len);
    if (s != AW_OK) fail_msg("cannot read %s: %s", path, aw_status_text(s));
    return data;
}

void aw_test_free_file(uint8_t *data, size_t len) {
    aw__free(data, len + 1);
}
