/* Shared test helpers. */
#define _GNU_SOURCE
#include "test_support.h"

#include "base/alloc.h"
#include "platform/os.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

void aw_test_tmpdir(char *out, size_t cap, const char *tag) {
    snprintf(out, cap, "/tmp/airwasm-%s-XXXXXX", tag);
    if (!mkdtemp(out)) fail_msg("cannot make a directory like %s", out);
}

const char *aw_test_join(const char *dir, const char *rel) {
    static char paths[2][1024];
    static unsigned turn;
    char *path = paths[turn++ & 1];
    snprintf(path, sizeof paths[0], "%s/%s", dir, rel);
    return path;
}

void aw_test_write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void aw_test_remove_tree(const char *path) {
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char scratch[128];

static void remove_scratch(void) {
    aw_test_remove_tree(scratch);
}

const char *aw_test_scratch(const char *tag) {
    if (!scratch[0]) {
        aw_test_tmpdir(scratch, sizeof scratch, tag);
        atexit(remove_scratch);
    }
    return scratch;
}
