/* platform/fs: opening beneath a directory (openat2 and the fallback walk)
 * never leaves it; reads, writes, seeks, stat and directory listing. */
#define _GNU_SOURCE
#include "test_support.h"

#include "platform/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[128];

static const char *at(const char *rel) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    return path;
}

static void put(const char *rel, const char *text) {
    FILE *f = fopen(at(rel), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state) {
    (void)state;
    snprintf(root, sizeof root, "/tmp/airwasm-fs-XXXXXX");
    if (!mkdtemp(root)) return -1;
    mkdir(at("d"), 0755);
    mkdir(at("d/sub"), 0755);
    put("secret", "s");
    put("d/file", "hello");
    if (symlink("file", at("d/in")) || symlink("../secret", at("d/out")) ||
        symlink("/etc/hostname", at("d/abs")) || symlink("sub/..", at("d/loop")))
        return -1;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    const char *rm[] = {"d/in", "d/out", "d/abs", "d/loop", "d/file", "d/new", "secret"};
    for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) unlink(at(rm[i]));
    rmdir(at("d/sub"));
    rmdir(at("d"));
    rmdir(root);
    return 0;
}

typedef aw__fs_err (*open_fn)(int, const char *, size_t, unsigned, int *);

static aw__fs_err try_open(open_fn fn, int dir, const char *path, unsigned how) {
    int fd = -1;
    aw__fs_err e = fn(dir, path, strlen(path), how, &fd);
    if (e == AW__FS_OK) {
        assert_true(fd >= 0);
        aw__fs_close(fd);
    } else {
        assert_int_equal(fd, -1);
    }
    return e;
}

static void confinement(open_fn fn, bool walk) {
    int dir;
    assert_int_equal(aw__fs_open_root(at("d"), &dir), AW__FS_OK);
    assert_int_equal(try_open(fn, dir, "file", AW__FS_READ), AW__FS_OK);
    assert_int_equal(try_open(fn, dir, "sub", AW__FS_READ | AW__FS_DIRECTORY), AW__FS_OK);
    assert_int_equal(try_open(fn, dir, "sub//", AW__FS_READ | AW__FS_DIRECTORY), AW__FS_OK);
    assert_int_equal(try_open(fn, dir, "missing", AW__FS_READ), AW__FS_ENOENT);
    assert_int_equal(try_open(fn, dir, "file/x", AW__FS_READ), AW__FS_ENOTDIR);
    /* Every way out is refused. */
    assert_int_equal(try_open(fn, dir, "../secret", AW__FS_READ), AW__FS_ESCAPE);
    assert_int_equal(try_open(fn, dir, "sub/../../secret", AW__FS_READ), AW__FS_ESCAPE);
    assert_int_equal(try_open(fn, dir, "/etc/hostname", AW__FS_READ), AW__FS_ESCAPE);
    assert_int_equal(try_open(fn, dir, "out", AW__FS_READ), walk ? AW__FS_ELOOP : AW__FS_ESCAPE);
    assert_int_equal(try_open(fn, dir, "abs", AW__FS_READ), walk ? AW__FS_ELOOP : AW__FS_ESCAPE);
    /* The walk follows no symlink at all; openat2 follows those that stay inside. */
    assert_int_equal(try_open(fn, dir, "in", AW__FS_READ), walk ? AW__FS_ELOOP : AW__FS_OK);
    assert_int_equal(try_open(fn, dir, "in", AW__FS_READ | AW__FS_NOFOLLOW), AW__FS_ELOOP);
    /* Malformed guest paths. */
    int fd;
    assert_int_equal(fn(dir, "fi\0le", 5, AW__FS_READ, &fd), AW__FS_EINVAL);
    assert_int_equal(fn(dir, "", 0, AW__FS_READ, &fd), AW__FS_ENOENT);
    static char huge[5000];
    memset(huge, 'a', sizeof huge);
    assert_int_equal(fn(dir, huge, sizeof huge, AW__FS_READ, &fd), AW__FS_ENAMETOOLONG);
    aw__fs_close(dir);
}

static void openat2_confines(void **state) {
    (void)state;
    confinement(aw__fs_open_beneath, false);
}

static void the_walk_confines(void **state) {
    (void)state;
    confinement(aw__fs_open_walk, true);
}

static void io_and_metadata(void **state) {
    (void)state;
    int dir, fd;
    assert_int_equal(aw__fs_open_root(at("d"), &dir), AW__FS_OK);
    assert_int_equal(aw__fs_open_beneath(dir, "new", 3,
                                         AW__FS_WRITE | AW__FS_CREATE | AW__FS_TRUNCATE, &fd),
                     AW__FS_OK);
    size_t done;
    assert_int_equal(aw__fs_write(fd, "abcdef", 6, &done), AW__FS_OK);
    assert_int_equal(done, 6);
    aw__fs_close(fd);
    assert_int_equal(aw__fs_open_beneath(dir, "new", 3, AW__FS_READ, &fd), AW__FS_OK);
    uint64_t pos;
    assert_int_equal(aw__fs_seek(fd, 2, 0, &pos), AW__FS_OK);
    assert_int_equal(pos, 2);
    char buf[8] = "";
    assert_int_equal(aw__fs_read(fd, buf, sizeof buf, &done), AW__FS_OK);
    assert_int_equal(done, 4);
    assert_memory_equal(buf, "cdef", 4);
    assert_int_equal(aw__fs_seek(fd, 0, 7, &pos), AW__FS_EINVAL);
    aw__fs_stat st;
    assert_int_equal(aw__fs_stat_fd(fd, &st), AW__FS_OK);
    assert_int_equal(st.size, 6);
    assert_int_equal(st.type, AW__FS_TYPE_FILE);
    /* Read-only descriptor: writing fails, nothing crashes. */
    assert_int_equal(aw__fs_write(fd, "x", 1, &done), AW__FS_EBADF);
    aw__fs_close(fd);
    assert_int_equal(aw__fs_open_beneath(dir, "new", 3, AW__FS_CREATE | AW__FS_EXCLUSIVE |
                                         AW__FS_WRITE, &fd),
                     AW__FS_EEXIST);
    assert_int_equal(aw__fs_stat_fd(dir, &st), AW__FS_OK);
    assert_int_equal(st.type, AW__FS_TYPE_DIR);
    assert_int_equal(aw__fs_open_root(at("missing"), &fd), AW__FS_ENOENT);
    aw__fs_close(dir);
}

typedef struct listing {
    char names[16][32];
    uint64_t next[16];
    size_t count, stop_after;
} listing;

static bool collect(void *ctx, uint64_t next, uint64_t ino, uint8_t type, const char *name,
                    size_t len) {
    (void)ino;
    (void)type;
    listing *l = ctx;
    snprintf(l->names[l->count], sizeof l->names[0], "%.*s", (int)len, name);
    l->next[l->count++] = next;
    return l->count < l->stop_after;
}

static void directory_listing_resumes_at_a_cookie(void **state) {
    (void)state;
    int dir;
    assert_int_equal(aw__fs_open_root(at("d"), &dir), AW__FS_OK);
    listing all = {.stop_after = 16};
    assert_int_equal(aw__fs_readdir(dir, 0, collect, &all), AW__FS_OK);
    /* . .. file sub in out abs loop, and "new" from io_and_metadata */
    assert_int_equal(all.count, 9);
    listing part = {.stop_after = 3};
    assert_int_equal(aw__fs_readdir(dir, 0, collect, &part), AW__FS_OK);
    assert_int_equal(part.count, 3);
    listing rest = {.stop_after = 16};
    assert_int_equal(aw__fs_readdir(dir, part.next[2], collect, &rest), AW__FS_OK);
    assert_int_equal(rest.count, 6);
    for (size_t i = 0; i < 6; i++) assert_string_equal(rest.names[i], all.names[3 + i]);
    aw__fs_close(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openat2_confines),
        cmocka_unit_test(the_walk_confines),
        cmocka_unit_test(io_and_metadata),
        cmocka_unit_test(directory_listing_resumes_at_a_cookie),
    };
    if (setup(NULL) != 0) return 1;
    int r = AW_TEST_RUN(tests);
    teardown(NULL);
    return r;
}
