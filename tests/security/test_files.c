/* The WASI file-system capability end to end, through wasi-libc's stdio in
 * a real component (components/sec_files.c): files inside a preopen are
 * read, listed and stat'ed; a read-only preopen refuses writes, mkdir,
 * unlink, rmdir and rename; a rw one takes them; "..", absolute paths and
 * symlinks never leave the preopen; a component without preopens has no
 * file at all. */
#define _GNU_SOURCE
#include "sec_harness.h"

#include <fcntl.h>
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

static void link_to(const char *target, const char *rel) {
    assert_int_equal(symlink(target, at(rel)), 0);
}

/* root/secret.txt, root/data/{hello.txt, sub/inner.txt, in -> hello.txt,
 * out -> ../secret.txt, abs -> root/secret.txt}, root/out/ (rw). */
static void make_tree(void) {
    aw_test_tmpdir(root, sizeof root, "files");
    assert_int_equal(mkdir(at("data"), 0755), 0);
    assert_int_equal(mkdir(at("data/sub"), 0755), 0);
    assert_int_equal(mkdir(at("out"), 0755), 0);
    put("secret.txt", "secret");
    put("data/hello.txt", "hello");
    put("data/sub/inner.txt", "inner");
    link_to("hello.txt", "data/in");
    link_to("../secret.txt", "data/out");
    char abs_target[512];
    snprintf(abs_target, sizeof abs_target, "%s/secret.txt", root);
    link_to(abs_target, "data/abs");
}

static void remove_tree(void) {
    aw_test_remove_tree(root);
}

#define ENOENT_ 44
#define ENOTCAPABLE_ 76

static void files_stay_inside_their_preopens(void **state) {
    (void)state;
    make_tree();
    char wasi[1024];
    snprintf(wasi, sizeof wasi, "[wasi]\npreopens = { \"/data\" = \"%s/data\", \"/out\" = \"rw:%s/out\" }\n",
             root, root);
    sec_comp comps[] = {
        {"files", SEC_FILES, NULL, NULL, wasi},
        {"nofiles", SEC_FILES, NULL, NULL, NULL},
        {"bystander", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 3);

    /* Inside: read, list, stat, a symlink that stays inside. */
    assert_string_equal(sec_cmd(rt, "files", "read /data/hello.txt"), "hello");
    assert_string_equal(sec_cmd(rt, "files", "read /data/sub/inner.txt"), "inner");
    assert_string_equal(sec_cmd(rt, "files", "read /data/sub/../hello.txt"), "hello");
    assert_string_equal(sec_cmd(rt, "files", "read /data/in"), "hello");
    assert_string_equal(sec_cmd(rt, "files", "ls /data"), ".,..,abs,hello.txt,in,out,sub");
    assert_string_equal(sec_cmd(rt, "files", "stat /data/hello.txt"), "size=5 dir=0");
    assert_string_equal(sec_cmd(rt, "files", "stat /data/sub"), "size=4096 dir=1");

    /* Out: "..", a symlink pointing out (relative or absolute), a path no
     * preopen covers. */
    char reply[64];
    snprintf(reply, sizeof reply, "E%d", ENOTCAPABLE_);
    assert_string_equal(sec_cmd(rt, "files", "read /data/../secret.txt"), reply);
    assert_string_equal(sec_cmd(rt, "files", "read /data/sub/../../secret.txt"), reply);
    assert_string_equal(sec_cmd(rt, "files", "read /data/out"), reply);
    assert_string_equal(sec_cmd(rt, "files", "read /data/abs"), reply);
    assert_string_equal(sec_cmd(rt, "files", "stat /data/out"), reply); /* stat follows */
    const char *r = sec_cmd(rt, "files", "read /etc/passwd");
    assert_true(r[0] == 'E');
    r = sec_cmd(rt, "files", "ls /");
    assert_true(r[0] == 'E');

    /* Read-only preopen: no write, no create, no truncate. */
    assert_string_equal(sec_cmd(rt, "files", "write /data/hello.txt gone"), reply);
    assert_string_equal(sec_cmd(rt, "files", "write /data/new.txt x"), reply);
    assert_string_equal(sec_cmd(rt, "files", "read /data/hello.txt"), "hello");
    assert_int_equal(access(at("data/new.txt"), F_OK), -1);

    /* rw: preopen: written on the host, inside its directory only. */
    assert_string_equal(sec_cmd(rt, "files", "write /out/new.txt fresh"), "ok");
    assert_string_equal(sec_cmd(rt, "files", "read /out/new.txt"), "fresh");
    char content[16] = "";
    FILE *f = fopen(at("out/new.txt"), "r");
    assert_non_null(f);
    assert_non_null(fgets(content, sizeof content, f));
    fclose(f);
    assert_string_equal(content, "fresh");
    assert_string_equal(sec_cmd(rt, "files", "write /out/../escaped.txt x"), reply);
    assert_int_equal(access(at("escaped.txt"), F_OK), -1);

    /* No preopens: no file at all. */
    r = sec_cmd(rt, "nofiles", "read /data/hello.txt");
    assert_true(r[0] == 'E');
    r = sec_cmd(rt, "nofiles", "write /out/x.txt x");
    assert_true(r[0] == 'E');

    assert_int_equal(sec_num(rt, "bystander", "count"), 0);

    /* Every refusal the host saw is in the audit log: the escapes through
     * "..", the symlinks, and the writes to the read-only preopen. */
    sec_record first;
    size_t refusals = sec_audit_count(AW_AUDIT_FILE, AW_DENIED, "files", &first);
    if (refusals < 8) fail_msg("%zu file refusals audited, expected at least 8", refusals);
    assert_non_null(strstr(first.target, "secret.txt"));
    assert_non_null(strstr(first.detail, "path_open"));
    assert_int_equal(sec_audit_count(AW_AUDIT_FILE, AW_DENIED, "bystander", NULL), 0);
    sec_finish(rt);
    remove_tree();
}

static void a_missing_preopen_directory_stops_the_start(void **state) {
    (void)state;
    sec_comp comps[] = {{"files", SEC_FILES, NULL, NULL,
                         "[wasi]\npreopens = { \"/data\" = \"/nonexistent/airwasm/dir\" }\n"}};
    aw_runtime *rt;
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(sec_try_start(NULL, comps, 1, &rt, &err), AW_NOT_FOUND);
    assert_non_null(strstr(err.message, "/nonexistent/airwasm/dir"));
    sec_record r;
    assert_int_equal(sec_audit_count(AW_AUDIT_START, AW_NOT_FOUND, "files", &r), 1);
    assert_non_null(strstr(r.detail, "/nonexistent/airwasm/dir"));
}

/* ---- mkdir, unlink, rmdir, rename -------------------------------------- */

#define EISDIR_ 31
#define ENOTDIR_ 54
#define ENOTEMPTY_ 55
#define EEXIST_ 20
#define EINVAL_ 28

static bool present(const char *rel) {
    struct stat st;
    return lstat(at(rel), &st) == 0;
}

static mode_t kind(const char *rel) {
    struct stat st;
    if (lstat(at(rel), &st) != 0) fail_msg("%s is missing", rel);
    return st.st_mode & S_IFMT;
}

static void has_text(const char *rel, const char *want) {
    char text[64] = "";
    FILE *f = fopen(at(rel), "r");
    if (!f) fail_msg("%s is missing", rel);
    if (!fgets(text, sizeof text, f)) text[0] = '\0';
    fclose(f);
    assert_string_equal(text, want);
}

static void replies(aw_runtime *rt, const char *cmd, const char *want) {
    const char *got = sec_cmd(rt, "files", cmd);
    if (strcmp(got, want) != 0) fail_msg("%s: \"%s\", want \"%s\"", cmd, got, want);
}

static void replies_errno(aw_runtime *rt, const char *cmd, int wasi_errno) {
    char want[16];
    snprintf(want, sizeof want, "E%d", wasi_errno);
    replies(rt, cmd, want);
}

/* cmd must answer ENOTCAPABLE and leave `records` more audit records, the
 * last from the WASI function call, naming target (the path as the host
 * saw it). */
static void refused_n(aw_runtime *rt, const char *cmd, size_t records, const char *call,
                      const char *target) {
    size_t before = sec_audit_count(AW_AUDIT_FILE, AW_DENIED, "files", NULL);
    replies_errno(rt, cmd, ENOTCAPABLE_);
    size_t after = sec_audit_count(AW_AUDIT_FILE, AW_DENIED, "files", NULL);
    if (after != before + records)
        fail_msg("%s: %zu audit records, want %zu", cmd, after - before, records);
    sec_record r;
    assert_true(sec_audit_last(AW_AUDIT_FILE, AW_DENIED, "files", &r));
    if (!strstr(r.detail, call) || strcmp(r.target, target) != 0)
        fail_msg("%s: audited \"%s\" / \"%s\", want %s / %s", cmd, r.detail, r.target, call,
                 target);
}

static void refused(aw_runtime *rt, const char *cmd, const char *call, const char *target) {
    refused_n(rt, cmd, 1, call, target);
}

/* root/outside/{keep.txt, empty/}, root/data/{hello.txt, sub/} (read-only),
 * root/out/{victim, up -> .., escape -> ../outside, absout -> <root>/outside,
 * keeplink -> ../outside/keep.txt} and root/out2/ (both rw). */
static void make_change_tree(void) {
    aw_test_tmpdir(root, sizeof root, "files");
    const char *dirs[] = {"outside", "outside/empty", "data", "data/sub", "out", "out2"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        assert_int_equal(mkdir(at(dirs[i]), 0755), 0);
    put("outside/keep.txt", "keep");
    put("data/hello.txt", "hello");
    put("out/victim", "v");
    link_to("..", "out/up");
    link_to("../outside", "out/escape");
    char abs_target[512];
    snprintf(abs_target, sizeof abs_target, "%s/outside", root);
    link_to(abs_target, "out/absout");
    link_to("../outside/keep.txt", "out/keeplink");
}

static void the_outside_is_untouched(void) {
    const char *never[] = {"evil",           "outside/evil", "stolen.txt",     "outside/stolen.txt",
                           "out/stolen.txt", "data/new",     "data/moved.txt", "out/hello.txt"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (present(never[i])) fail_msg("%s exists", never[i]);
    has_text("outside/keep.txt", "keep");
    assert_int_equal(kind("outside/empty"), S_IFDIR);
    has_text("data/hello.txt", "hello");
    assert_int_equal(kind("data/sub"), S_IFDIR);
}

static void directories_change_only_in_rw_preopens(void **state) {
    (void)state;
    make_change_tree();
    char wasi[1024];
    snprintf(wasi, sizeof wasi,
             "[wasi]\npreopens = { \"/data\" = \"%s/data\", \"/out\" = \"rw:%s/out\", "
             "\"/out2\" = \"rw:%s/out2\" }\n",
             root, root, root);
    sec_comp comps[] = {
        {"files", SEC_FILES, NULL, NULL, wasi},
        {"nofiles", SEC_FILES, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 2);

    /* rw: mkdir, unlink, rmdir, rename through wasi-libc, seen on the host. */
    replies(rt, "mkdir /out/made", "ok");
    assert_int_equal(kind("out/made"), S_IFDIR);
    replies_errno(rt, "mkdir /out/made", EEXIST_);
    replies(rt, "mkdir /out/made/deep/", "ok"); /* a trailing slash names the directory */
    assert_int_equal(kind("out/made/deep"), S_IFDIR);
    replies(rt, "write /out/made/f.txt x", "ok");
    replies_errno(rt, "rmdir /out/made", ENOTEMPTY_);
    replies_errno(rt, "unlink /out/made", EISDIR_);
    replies_errno(rt, "rmdir /out/made/f.txt", ENOTDIR_);
    replies_errno(rt, "unlink /out/made/f.txt/", ENOTDIR_);
    replies(rt, "rename /out/made/f.txt /out/g.txt", "ok");
    assert_false(present("out/made/f.txt"));
    has_text("out/g.txt", "x");
    replies(rt, "rename /out/g.txt /out2/g.txt", "ok"); /* between two preopens */
    assert_false(present("out/g.txt"));
    has_text("out2/g.txt", "x");
    replies(rt, "unlink /out2/g.txt", "ok");
    assert_false(present("out2/g.txt"));
    replies(rt, "rename /out/made/deep/ /out2/deeper/", "ok");
    assert_int_equal(kind("out2/deeper"), S_IFDIR);
    replies(rt, "rmdir /out2/deeper/", "ok");
    assert_false(present("out2/deeper"));
    replies(rt, "remove /out/made", "ok"); /* remove(): EISDIR from unlink, then rmdir */
    assert_false(present("out/made"));
    replies_errno(rt, "rmdir /out", EINVAL_); /* the preopen itself: "." */
    assert_int_equal(kind("out"), S_IFDIR);
    /* A symlink as the last component is the entry itself, not its target. */
    replies(rt, "unlink /out/keeplink", "ok");
    assert_false(present("out/keeplink"));
    replies_errno(rt, "rmdir /out/escape", ENOTDIR_);

    /* Read-only preopen: refused, audited, nothing changed. */
    refused(rt, "mkdir /data/new", "path_create_directory", "new");
    refused(rt, "unlink /data/hello.txt", "path_unlink_file", "hello.txt");
    refused(rt, "rmdir /data/sub", "path_remove_directory", "sub");
    /* wasi-libc's remove() tries rmdir after unlink's ENOTCAPABLE: two refusals. */
    refused_n(rt, "remove /data/hello.txt", 2, "path_remove_directory", "hello.txt");
    refused(rt, "rename /data/hello.txt /data/moved.txt", "path_rename", "hello.txt");
    refused(rt, "rename /data/hello.txt /out/hello.txt", "path_rename", "hello.txt");
    refused(rt, "rename /out/victim /data/moved.txt", "path_rename", "moved.txt");
    has_text("out/victim", "v");

    /* Escapes: "..", symlinked parents pointing out (relative, absolute). */
    refused(rt, "mkdir /out/../evil", "path_create_directory", "../evil");
    refused(rt, "mkdir /out/up/evil", "path_create_directory", "up/evil");
    refused(rt, "mkdir /out/escape/evil", "path_create_directory", "escape/evil");
    refused(rt, "mkdir /out/absout/evil", "path_create_directory", "absout/evil");
    refused(rt, "rmdir /out/..", "path_remove_directory", "..");
    refused(rt, "rmdir /out/escape/empty", "path_remove_directory", "escape/empty");
    refused(rt, "rmdir /out/absout/empty", "path_remove_directory", "absout/empty");
    refused(rt, "unlink /out/escape/keep.txt", "path_unlink_file", "escape/keep.txt");
    refused(rt, "unlink /out/../outside/keep.txt", "path_unlink_file", "../outside/keep.txt");
    refused(rt, "rename /out/escape/keep.txt /out/stolen.txt", "path_rename", "escape/keep.txt");
    refused(rt, "rename /out/victim /out/../stolen.txt", "path_rename", "../stolen.txt");
    refused(rt, "rename /out/victim /out/absout/stolen.txt", "path_rename", "absout/stolen.txt");
    has_text("out/victim", "v");
    the_outside_is_untouched();

    /* Bad guest pointers trap before anything happens. */
    const char *calls[] = {"path_create_directory", "path_unlink_file", "path_remove_directory",
                           "path_rename"};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        size_t crashes = sec_audit_count(AW_AUDIT_CRASH, AW_TRAP, "files", NULL);
        char cmd[64];
        snprintf(cmd, sizeof cmd, "badptr %s", calls[i]);
        const char *reply;
        aw_request_outcome o = sec_try_cmd(rt, "files", cmd, strlen(cmd), &reply);
        if (o != AW_REQUEST_TARGET_CRASHED) fail_msg("%s: outcome %d", cmd, o);
        assert_true(sec_wait_audit(AW_AUDIT_RESTART, AW_OK, "files", crashes + 1, 5000));
        sec_record r;
        assert_true(sec_audit_last(AW_AUDIT_CRASH, AW_TRAP, "files", &r));
        assert_int_equal(r.trap, AW_TRAP_OUT_OF_BOUNDS_MEMORY);
        assert_non_null(strstr(r.detail, calls[i]));
    }
    has_text("out/victim", "v");

    /* No preopens: nothing to change. */
    const char *r = sec_cmd(rt, "nofiles", "mkdir /out/x");
    assert_true(r[0] == 'E');
    r = sec_cmd(rt, "nofiles", "unlink /out/victim");
    assert_true(r[0] == 'E');
    assert_false(present("out/x"));
    has_text("out/victim", "v");
    sec_finish(rt);
    remove_tree();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_stay_inside_their_preopens),
        cmocka_unit_test(a_missing_preopen_directory_stops_the_start),
        cmocka_unit_test(directories_change_only_in_rw_preopens),
    };
    return AW_TEST_RUN(tests);
}
