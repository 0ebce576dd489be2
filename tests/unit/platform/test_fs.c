/* platform/fs: opening beneath a directory (openat2 and the fallback walk)
 * never leaves it; reads, writes, seeks, stat and directory listing; mkdir,
 * unlink, rmdir and rename change entries inside only. */
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
    return aw_test_join(root, rel);
}

static void put(const char *rel, const char *text) {
    aw_test_write_text(at(rel), text);
}

static int setup(void **state) {
    (void)state;
    aw_test_tmpdir(root, sizeof root, "fs");
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
    aw_test_remove_tree(root);
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

/* ---- mkdir, unlink, rmdir, rename -------------------------------------- */

/* The change functions resolving through openat2, or through the walk. */
typedef struct changer {
    const char *tag; /* the tree root/<tag> the test works in */
    bool walk;
    aw__fs_err (*mkdir)(int, const char *, size_t);
    aw__fs_err (*remove)(int, const char *, size_t, bool);
    aw__fs_err (*rename)(int, const char *, size_t, int, const char *, size_t, bool *);
} changer;

static const changer kernel_changer = {"k", false, aw__fs_mkdir_beneath, aw__fs_remove_beneath,
                                       aw__fs_rename_beneath};
static const changer walk_changer = {"w", true, aw__fs_mkdir_walk, aw__fs_remove_walk,
                                     aw__fs_rename_walk};

static const changer *ch;
static int jail;

static aw__fs_err mk(const char *path) {
    return ch->mkdir(jail, path, strlen(path));
}

static aw__fs_err rm(const char *path, bool directory) {
    return ch->remove(jail, path, strlen(path), directory);
}

static aw__fs_err mv_between(int from_dir, const char *from, int to_dir, const char *to,
                             bool *refused_new) {
    return ch->rename(from_dir, from, strlen(from), to_dir, to, strlen(to), refused_new);
}

static aw__fs_err mv(const char *from, const char *to, bool *refused_new) {
    return mv_between(jail, from, jail, to, refused_new);
}

/* The path of rel inside the current tree. */
static const char *in(const char *rel) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", root, ch->tag, rel);
    return path;
}

static bool present(const char *rel) {
    struct stat st;
    return lstat(in(rel), &st) == 0;
}

static mode_t kind(const char *rel) {
    struct stat st;
    assert_int_equal(lstat(in(rel), &st), 0);
    return st.st_mode & S_IFMT;
}

static void put_in(const char *rel, const char *text) {
    FILE *f = fopen(in(rel), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void link_in(const char *target, const char *rel) {
    assert_int_equal(symlink(target, in(rel)), 0);
}

/* root/<tag>/outside/{keep, keep2, empty/} and root/<tag>/jail/{sub/,
 * up -> .., outdir -> ../outside, absdir -> <abs>/outside, indir -> sub,
 * victim -> ../outside/keep, victim2 -> ../outside/keep2,
 * dangle -> ../outside/newdir}; the jail is the directory changed beneath. */
static void make_jail(const changer *which) {
    ch = which;
    assert_int_equal(mkdir(in(""), 0755), 0);
    assert_int_equal(mkdir(in("outside"), 0755), 0);
    assert_int_equal(mkdir(in("outside/empty"), 0755), 0);
    put_in("outside/keep", "keep");
    put_in("outside/keep2", "keep2");
    assert_int_equal(mkdir(in("jail"), 0755), 0);
    assert_int_equal(mkdir(in("jail/sub"), 0755), 0);
    link_in("..", "jail/up");
    link_in("../outside", "jail/outdir");
    char abs[512];
    snprintf(abs, sizeof abs, "%s", in("outside"));
    link_in(abs, "jail/absdir");
    link_in("sub", "jail/indir");
    link_in("../outside/keep", "jail/victim");
    link_in("../outside/keep2", "jail/victim2");
    link_in("../outside/newdir", "jail/dangle");
    assert_int_equal(aw__fs_open_root(in("jail"), &jail), AW__FS_OK);
}

static void drop_jail(void) {
    aw__fs_close(jail);
    aw_test_remove_tree(in(""));
}

/* What a parent that is a symlink pointing out gives: openat2 refuses it as
 * an escape; the walk follows no symlink at all (O_PATH | O_NOFOLLOW opens
 * the link itself, which is no directory). */
static aw__fs_err out_link(void) {
    return ch->walk ? AW__FS_ENOTDIR : AW__FS_ESCAPE;
}

static void the_outside_is_intact(void) {
    const char *names[] = {"evil",           "jail/../evil", "outside/evil",
                           "outside/newdir", "stolen",       "outside/stolen"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (present(names[i])) fail_msg("%s was created outside the jail", names[i]);
    assert_int_equal(kind("outside/keep"), S_IFREG);
    assert_int_equal(kind("outside/keep2"), S_IFREG);
    assert_int_equal(kind("outside/empty"), S_IFDIR);
    FILE *f = fopen(in("outside/keep2"), "r");
    assert_non_null(f);
    char text[16] = "";
    assert_non_null(fgets(text, sizeof text, f));
    fclose(f);
    assert_string_equal(text, "keep2");
}

static void entries_change_inside(const changer *which) {
    make_jail(which);
    assert_int_equal(mk("a"), AW__FS_OK);
    assert_int_equal(kind("jail/a"), S_IFDIR);
    assert_int_equal(mk("a"), AW__FS_EEXIST);
    assert_int_equal(mk("a/b/"), AW__FS_OK); /* trailing slashes name the directory */
    assert_int_equal(kind("jail/a/b"), S_IFDIR);
    assert_int_equal(mk("a//c//"), AW__FS_OK);
    assert_int_equal(kind("jail/a/c"), S_IFDIR);
    assert_int_equal(mk("."), AW__FS_EEXIST);
    assert_int_equal(mk("a/."), AW__FS_EEXIST);
    assert_int_equal(mk("./d"), AW__FS_OK);
    assert_int_equal(kind("jail/d"), S_IFDIR);
    assert_int_equal(mk(""), AW__FS_ENOENT);
    assert_int_equal(mk("missing/x"), AW__FS_ENOENT);
    put_in("jail/f", "f");
    assert_int_equal(mk("f/x"), AW__FS_ENOTDIR);
    /* A symlink inside, as a parent: openat2 follows it, the walk none. */
    assert_int_equal(mk("indir/x"), ch->walk ? AW__FS_ENOTDIR : AW__FS_OK);
    assert_int_equal(present("jail/sub/x"), !ch->walk);

    assert_int_equal(rm("a", false), AW__FS_EISDIR);
    assert_int_equal(rm("a/", false), AW__FS_EISDIR);
    assert_int_equal(rm("a", true), AW__FS_ENOTEMPTY);
    assert_int_equal(rm("f", true), AW__FS_ENOTDIR);
    assert_int_equal(rm("f/", false), AW__FS_ENOTDIR);
    assert_int_equal(kind("jail/f"), S_IFREG);
    assert_int_equal(rm(".", true), AW__FS_EINVAL);
    assert_int_equal(rm(".", false), AW__FS_EISDIR);
    assert_int_equal(rm("a/.", true), AW__FS_EINVAL);
    assert_int_equal(rm("missing", true), AW__FS_ENOENT);
    assert_int_equal(rm("missing", false), AW__FS_ENOENT);
    assert_int_equal(rm("a/b/", true), AW__FS_OK);
    assert_false(present("jail/a/b"));
    assert_int_equal(rm("a/c", true), AW__FS_OK);
    assert_int_equal(rm("a", true), AW__FS_OK);
    assert_false(present("jail/a"));
    assert_int_equal(rm("f", false), AW__FS_OK);
    assert_false(present("jail/f"));
    assert_int_equal(present("jail/d"), true);

    /* Malformed guest paths. */
    assert_int_equal(ch->mkdir(jail, "x\0y", 3), AW__FS_EINVAL);
    assert_int_equal(ch->remove(jail, "x\0y", 3, false), AW__FS_EINVAL);
    static char huge[5000];
    memset(huge, 'a', sizeof huge);
    assert_int_equal(ch->mkdir(jail, huge, sizeof huge), AW__FS_ENAMETOOLONG);
    assert_int_equal(ch->rename(jail, "x", 1, jail, huge, sizeof huge, NULL), AW__FS_ENAMETOOLONG);
    drop_jail();
}

static void escapes_change_nothing(const changer *which) {
    make_jail(which);
    char abs[512];
    snprintf(abs, sizeof abs, "%s", in("evil"));
    const char *ways_out[] = {"..", "../evil", "sub/../../evil", "sub/..", "jail/..", abs, "/"};
    for (size_t i = 0; i < sizeof ways_out / sizeof ways_out[0]; i++) {
        const char *p = ways_out[i];
        if (mk(p) != AW__FS_ESCAPE) fail_msg("mkdir %s: %d", p, mk(p));
        if (rm(p, true) != AW__FS_ESCAPE) fail_msg("rmdir %s", p);
        if (rm(p, false) != AW__FS_ESCAPE) fail_msg("unlink %s", p);
    }
    /* Through symlinked parents pointing out, relative and absolute. */
    assert_int_equal(mk("up/evil"), out_link());
    assert_int_equal(mk("outdir/evil"), out_link());
    assert_int_equal(mk("absdir/evil"), out_link());
    assert_int_equal(rm("../outside/keep", false), AW__FS_ESCAPE);
    assert_int_equal(rm("outdir/keep", false), out_link());
    assert_int_equal(rm("absdir/keep", false), out_link());
    assert_int_equal(rm("up/outside/empty", true), out_link());
    assert_int_equal(rm("absdir/empty", true), out_link());
    snprintf(abs, sizeof abs, "%s", in("outside/empty"));
    assert_int_equal(rm(abs, true), AW__FS_ESCAPE);

    /* The last component is never followed: the symlink is the entry. */
    assert_int_equal(mk("outdir"), AW__FS_EEXIST);
    assert_int_equal(mk("dangle"), AW__FS_EEXIST);
    assert_int_equal(mk("dangle/"), AW__FS_EEXIST);
    assert_int_equal(rm("outdir", true), AW__FS_ENOTDIR);
    assert_int_equal(rm("outdir/", true), AW__FS_ENOTDIR);
    assert_int_equal(rm("victim/", false), AW__FS_ENOTDIR);
    assert_int_equal(kind("jail/victim"), S_IFLNK);
    assert_int_equal(rm("victim", false), AW__FS_OK);
    assert_false(present("jail/victim"));

    /* rename: either side out, and *refused_new names it. */
    put_in("jail/g", "g");
    bool refused_new = false;
    assert_int_equal(mv("g", "../evil", &refused_new), AW__FS_ESCAPE);
    assert_true(refused_new);
    assert_int_equal(mv("g", "..", &refused_new), AW__FS_ESCAPE);
    assert_true(refused_new);
    assert_int_equal(mv("g", "outdir/stolen", &refused_new), out_link());
    assert_true(refused_new);
    assert_int_equal(mv("g", "absdir/stolen", &refused_new), out_link());
    assert_true(refused_new);
    snprintf(abs, sizeof abs, "%s", in("evil"));
    assert_int_equal(mv("g", abs, &refused_new), AW__FS_ESCAPE);
    assert_true(refused_new);
    assert_int_equal(mv("../outside/keep", "stolen", &refused_new), AW__FS_ESCAPE);
    assert_false(refused_new);
    assert_int_equal(mv("outdir/keep", "stolen", &refused_new), out_link());
    assert_false(refused_new);
    assert_int_equal(mv("..", "stolen", &refused_new), AW__FS_ESCAPE);
    assert_false(refused_new);
    assert_false(present("jail/stolen"));
    assert_int_equal(kind("jail/g"), S_IFREG);
    /* Renaming onto a symlink that points out replaces the link only. */
    assert_int_equal(mv("g", "victim2", NULL), AW__FS_OK);
    assert_int_equal(kind("jail/victim2"), S_IFREG);
    assert_int_equal(mv("victim2", "dangle/", NULL), AW__FS_ENOTDIR);
    the_outside_is_intact();
    drop_jail();
}

static void renames_inside(const changer *which) {
    make_jail(which);
    put_in("jail/f", "f");
    bool refused_new = true;
    assert_int_equal(mv("f", "g", &refused_new), AW__FS_OK);
    assert_false(present("jail/f"));
    assert_int_equal(kind("jail/g"), S_IFREG);
    assert_int_equal(mk("a"), AW__FS_OK);
    assert_int_equal(mv("g", "a/g", NULL), AW__FS_OK);
    assert_int_equal(kind("jail/a/g"), S_IFREG);
    /* Between two directory descriptors. */
    int a;
    assert_int_equal(aw__fs_open_root(in("jail/a"), &a), AW__FS_OK);
    assert_int_equal(mv_between(a, "g", jail, "h", NULL), AW__FS_OK);
    assert_int_equal(kind("jail/h"), S_IFREG);
    assert_int_equal(mv_between(jail, "h", a, "h2", NULL), AW__FS_OK);
    assert_int_equal(kind("jail/a/h2"), S_IFREG);
    assert_int_equal(mv_between(jail, "a/h2", a, "../h3", &refused_new), AW__FS_ESCAPE);
    assert_true(refused_new);
    aw__fs_close(a);
    assert_int_equal(mv("a/h2", "h", NULL), AW__FS_OK);
    /* Directories, with trailing slashes. */
    assert_int_equal(mv("a/", "b/", NULL), AW__FS_OK);
    assert_int_equal(kind("jail/b"), S_IFDIR);
    assert_false(present("jail/a"));
    assert_int_equal(mv("h/", "x", NULL), AW__FS_ENOTDIR);
    assert_int_equal(mv("h", "x/", NULL), AW__FS_ENOTDIR);
    assert_int_equal(kind("jail/h"), S_IFREG);
    assert_int_equal(mv(".", "x", &refused_new), AW__FS_EINVAL);
    assert_false(refused_new);
    assert_int_equal(mv("h", ".", &refused_new), AW__FS_EINVAL);
    assert_true(refused_new);
    assert_int_equal(mv("h", "b/.", &refused_new), AW__FS_EINVAL);
    assert_int_equal(mv("missing", "x", NULL), AW__FS_ENOENT);
    assert_int_equal(mv("h", "missing/x", &refused_new), AW__FS_ENOENT);
    assert_true(refused_new);
    assert_int_equal(mk("c"), AW__FS_OK);
    put_in("jail/c/inner", "i");
    assert_int_equal(mv("b", "c", NULL), AW__FS_ENOTEMPTY);
    assert_int_equal(mv("h", "c", NULL), AW__FS_EISDIR);
    assert_int_equal(mv("b", "h", NULL), AW__FS_ENOTDIR);
    assert_int_equal(mv("b", "b/inside", NULL), AW__FS_EINVAL);
    assert_int_equal(mv("h", "c/inner", NULL), AW__FS_OK); /* replaces the file */
    assert_false(present("jail/h"));
    /* Across file systems (when /dev/shm is another one): EXDEV, never an
     * escape. */
    struct stat tmp_st, shm_st;
    char other[64] = "/dev/shm/airwasm-fs-XXXXXX";
    if (stat(root, &tmp_st) == 0 && stat("/dev/shm", &shm_st) == 0 &&
        tmp_st.st_dev != shm_st.st_dev && mkdtemp(other)) {
        int shm;
        assert_int_equal(aw__fs_open_root(other, &shm), AW__FS_OK);
        assert_int_equal(mv_between(jail, "c/inner", shm, "moved", NULL), AW__FS_EXDEV);
        assert_int_equal(kind("jail/c/inner"), S_IFREG);
        aw__fs_close(shm);
        rmdir(other);
    }
    the_outside_is_intact();
    drop_jail();
}

static void openat2_changes_entries_inside(void **state) {
    (void)state;
    entries_change_inside(&kernel_changer);
}

static void the_walk_changes_entries_inside(void **state) {
    (void)state;
    entries_change_inside(&walk_changer);
}

static void openat2_changes_refuse_escapes(void **state) {
    (void)state;
    escapes_change_nothing(&kernel_changer);
}

static void the_walk_changes_refuse_escapes(void **state) {
    (void)state;
    escapes_change_nothing(&walk_changer);
}

static void openat2_renames(void **state) {
    (void)state;
    renames_inside(&kernel_changer);
}

static void the_walk_renames(void **state) {
    (void)state;
    renames_inside(&walk_changer);
}
int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openat2_confines),
        cmocka_unit_test(the_walk_confines),
        cmocka_unit_test(io_and_metadata),
        cmocka_unit_test(directory_listing_resumes_at_a_cookie),
        cmocka_unit_test(openat2_changes_entries_inside),
        cmocka_unit_test(the_walk_changes_entries_inside),
        cmocka_unit_test(openat2_changes_refuse_escapes),
        cmocka_unit_test(the_walk_changes_refuse_escapes),
        cmocka_unit_test(openat2_renames),
        cmocka_unit_test(the_walk_renames),
    };
    if (setup(NULL) != 0) return 1;
    int r = AW_TEST_RUN(tests);
    teardown(NULL);
    return r;
}
