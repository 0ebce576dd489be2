/* Fuzzes confined path resolution (platform/fs.c): the input is a path,
 * opened beneath a directory tree full of traps ("..", symlinks pointing
 * out, absolute symlinks, loops) with openat2 and with the fallback walk.
 * Whatever opens must lie inside the tree: the descriptor's real path
 * (/proc/self/fd) starts with the tree's root. Test code: POSIX allowed. */
#define _GNU_SOURCE
#include "platform/fs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64], real_root[PATH_MAX];
static int root_fd = -1;

static void make(const char *rel, bool dir) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    if (dir) {
        mkdir(p, 0755);
    } else {
        FILE *f = fopen(p, "w");
        if (f) fclose(f);
    }
}

static void link_at(const char *target, const char *rel) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    if (symlink(target, p) != 0) abort();
}

static void cleanup(void) {
    static const char *const files[] = {"jail/up", "jail/out", "jail/abs", "jail/deep",
                                        "jail/loop", "jail/in", "jail/file", "outside"};
    static const char *const dirs[] = {"jail/a/b/c", "jail/a/b", "jail/a", "jail", ""};
    char p[256];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", root, files[i]);
        unlink(p);
    }
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
        rmdir(p);
    }
}

/* root/outside (a file), root/jail/{a/b/c, file, up -> .., out -> ../outside,
 * abs -> /etc, deep -> a/b/../../.., loop -> loop, in -> a/b}; the jail is
 * what paths are resolved beneath. */
static void setup(void) {
    snprintf(root, sizeof root, "/tmp/aw-fuzz-fs-XXXXXX");
    if (!mkdtemp(root)) abort();
    make("outside", false);
    make("jail", true);
    make("jail/a", true);
    make("jail/a/b", true);
    make("jail/a/b/c", true);
    make("jail/file", false);
    link_at("..", "jail/up");
    link_at("../outside", "jail/out");
    link_at("/etc", "jail/abs");
    link_at("a/b/../../..", "jail/deep");
    link_at("loop", "jail/loop");
    link_at("a/b", "jail/in");
    char jail[128];
    snprintf(jail, sizeof jail, "%s/jail", root);
    if (!realpath(jail, real_root)) abort();
    if (aw__fs_open_root(jail, &root_fd) != AW__FS_OK) abort();
    atexit(cleanup);
}

static void check_inside(int fd) {
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) abort();
    target[n] = '\0';
    size_t rl = strlen(real_root);
    if (strncmp(target, real_root, rl) != 0 || (target[rl] != '\0' && target[rl] != '/')) {
        fprintf(stderr, "escaped to %s\n", target);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (root_fd < 0) setup();
    static const unsigned hows[] = {AW__FS_PATH_ONLY, AW__FS_PATH_ONLY | AW__FS_NOFOLLOW,
                                    AW__FS_READ, AW__FS_READ | AW__FS_DIRECTORY};
    for (size_t h = 0; h < sizeof hows / sizeof hows[0]; h++) {
        int fd;
        if (aw__fs_open_beneath(root_fd, (const char *)data, size, hows[h], &fd) == AW__FS_OK) {
            check_inside(fd);
            aw__fs_close(fd);
        }
        if (aw__fs_open_walk(root_fd, (const char *)data, size, hows[h], &fd) == AW__FS_OK) {
            check_inside(fd);
            aw__fs_close(fd);
        }
    }
    return 0;
}
