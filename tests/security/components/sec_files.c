/* sec_files: a component that uses files through wasi-libc's stdio, so the
 * tests can try every way out of its preopened directories. Raw text
 * commands, space-separated; failures reply "E<errno>" (WASI errno values,
 * which wasi-libc's errno uses):
 *   read <path>          the file's first 4 KiB
 *   write <path> <text>  creates or truncates the file with text; "ok"
 *   ls <path>            the directory's entries, sorted, comma-separated
 *   stat <path>          "size=<bytes> dir=<0|1>"
 *   mkdir <path>         mkdir(); "ok"
 *   unlink <path>        unlink(); "ok"
 *   rmdir <path>         rmdir(); "ok"
 *   remove <path>        remove() (unlink, then rmdir on EISDIR); "ok"
 *   rename <old> <new>   rename(); "ok"
 *   badptr <call>        calls the WASI import <call> (path_create_directory,
 *                        path_unlink_file, path_remove_directory, path_rename)
 *                        directly with a path outside linear memory (for
 *                        path_rename: the new path, the old one is "<fd 4>/victim"):
 *                        the host must trap before doing anything */
#include <airwasm/guest.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The raw preview1 imports, to hand the host pointers wasi-libc never would. */
#define WASI_IMPORT(name)                                                                          \
    __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))
WASI_IMPORT("path_create_directory")
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t len);
WASI_IMPORT("path_unlink_file")
int32_t raw_path_unlink_file(int32_t fd, int32_t path, int32_t len);
WASI_IMPORT("path_remove_directory")
int32_t raw_path_remove_directory(int32_t fd, int32_t path, int32_t len);
WASI_IMPORT("path_rename")
int32_t raw_path_rename(int32_t fd, int32_t old_path, int32_t old_len, int32_t new_fd,
                        int32_t new_path, int32_t new_len);

static void reply_text(aw_reply *reply, const char *text) {
    aw_reply_codec(reply, AW_CODEC_RAW, text, strlen(text));
}

static void reply_errno(aw_reply *reply) {
    char text[32];
    snprintf(text, sizeof text, "E%d", errno);
    reply_text(reply, text);
}

static int compare(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void list(const char *path, aw_reply *reply) {
    DIR *d = opendir(path);
    if (!d) return reply_errno(reply);
    static char names[64][64];
    const char *sorted[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        snprintf(names[n], sizeof names[n], "%s", e->d_name);
        sorted[n] = names[n];
        n++;
    }
    closedir(d);
    qsort(sorted, n, sizeof sorted[0], compare);
    char text[4096] = "";
    for (size_t i = 0; i < n; i++) {
        if (i) strncat(text, ",", sizeof text - strlen(text) - 1);
        strncat(text, sorted[i], sizeof text - strlen(text) - 1);
    }
    reply_text(reply, text);
}

static void on_message(const aw_message *msg, aw_reply *reply) {
    char cmd[1024] = "";
    size_t n = msg->body_len < sizeof cmd - 1 ? msg->body_len : sizeof cmd - 1;
    memcpy(cmd, msg->body, n);
    char *verb = strtok(cmd, " ");
    char *path = strtok(NULL, " ");
    char *rest = strtok(NULL, "");
    if (!verb || !path) return (void)aw_reply_error(reply, "usage");
    errno = 0;
    if (strcmp(verb, "read") == 0) {
        FILE *f = fopen(path, "r");
        if (!f) return reply_errno(reply);
        char text[4096];
        size_t got = fread(text, 1, sizeof text - 1, f);
        text[got] = '\0';
        fclose(f);
        return reply_text(reply, text);
    }
    if (strcmp(verb, "write") == 0) {
        FILE *f = fopen(path, "w");
        if (!f) return reply_errno(reply);
        fputs(rest ? rest : "", f);
        if (fclose(f) != 0) return reply_errno(reply);
        return reply_text(reply, "ok");
    }
    if (strcmp(verb, "ls") == 0) return list(path, reply);
    if (strcmp(verb, "stat") == 0) {
        struct stat st;
        if (stat(path, &st) != 0) return reply_errno(reply);
        char text[64];
        snprintf(text, sizeof text, "size=%lld dir=%d", (long long)st.st_size,
                 S_ISDIR(st.st_mode) ? 1 : 0);
        return reply_text(reply, text);
    }
    if (strcmp(verb, "mkdir") == 0 || strcmp(verb, "unlink") == 0 || strcmp(verb, "rmdir") == 0 ||
        strcmp(verb, "remove") == 0) {
        int r = verb[0] == 'm'   ? mkdir(path, 0755)
                : verb[0] == 'u' ? unlink(path)
                : verb[1] == 'm' ? rmdir(path)
                                 : remove(path);
        return r == 0 ? reply_text(reply, "ok") : reply_errno(reply);
    }
    if (strcmp(verb, "rename") == 0) {
        if (!rest) return (void)aw_reply_error(reply, "usage");
        return rename(path, rest) == 0 ? reply_text(reply, "ok") : reply_errno(reply);
    }
    if (strcmp(verb, "badptr") == 0) {
        /* The first preopen is fd 3, the second fd 4; the bad range runs
         * past the end of linear memory. */
        int32_t bad = (int32_t)(__builtin_wasm_memory_size(0) * 65536 - 4);
        int32_t r = -1;
        if (strcmp(path, "path_create_directory") == 0) r = raw_path_create_directory(4, bad, 16);
        if (strcmp(path, "path_unlink_file") == 0) r = raw_path_unlink_file(4, bad, 16);
        if (strcmp(path, "path_remove_directory") == 0) r = raw_path_remove_directory(4, bad, 16);
        if (strcmp(path, "path_rename") == 0)
            r = raw_path_rename(4, (int32_t)(uintptr_t) "victim", 6, 4, bad, 16);
        char text[32];
        snprintf(text, sizeof text, "returned %d", (int)r);
        return reply_text(reply, text);
    }
    aw_reply_error(reply, "unknown command");
}
AW_ON_MESSAGE(on_message)
