/* The WASI file-system capability end to end, through wasi-libc's stdio in
 * a real component (components/sec_files.c): files inside a preopen are
 * read, listed and stat'ed; a read-only preopen refuses writes; a rw one
 * takes them; "..", absolute paths and symlinks never leave the preopen; a
 * component without preopens has no file at all. */
#define _GNU_SOURCE
#include "sec_harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[128];
static char files[16][512];
static size_t file_count;

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
    snprintf(files[file_count++], sizeof files[0], "%s", at(rel));
}

static void link_to(const char *target, const char *rel) {
    assert_int_equal(symlink(target, at(rel)), 0);
    snprintf(files[file_count++], sizeof files[0], "%s", at(rel));
}

/* root/secret.txt, root/data/{hello.txt, sub/inner.txt, in -> hello.txt,
 * out -> ../secret.txt, abs -> root/secret.txt}, root/out/ (rw). */
static void make_tree(void) {
    snprintf(root, sizeof root, "/tmp/airwasm-files-XXXXXX");
    assert_non_null(mkdtemp(root));
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
    for (size_t i = 0; i < file_count; i++) unlink(files[i]);
    unlink(at("out/new.txt"));
    rmdir(at("data/sub"));
    rmdir(at("data"));
    rmdir(at("out"));
    rmdir(root);
    file_count = 0;
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_stay_inside_their_preopens),
        cmocka_unit_test(a_missing_preopen_directory_stops_the_start),
    };
    return AW_TEST_RUN(tests);
}
