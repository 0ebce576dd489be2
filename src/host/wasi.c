/* The WASI preview1 subset airwasm offers, so components built with
 * wasi-libc run: standard output and error become log lines tagged with the
 * component id, clocks, randomness, args and environment from the
 * configuration, proc_exit; files only inside the manifest's preopens
 * (wasi_fs.c); everything else answers EBADF (no such file descriptor) or
 * ENOSYS, and never crashes.
 *
 * A bad pointer traps the guest, as in the component imports. */
#include "host/canon.h"
#include "host/wasi_fs.h"

#include "base/log.h"
#include "platform/os.h"

#include <string.h>

/* errno values of WASI preview1. */
enum {
    WASI_SUCCESS = 0,
    WASI_EBADF = 8,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_ENOSYS = 52,
    WASI_ENOTSUP = 58,
    WASI_ESPIPE = 70
};

enum { WASI_FILETYPE_CHARACTER_DEVICE = 2 };
#define WASI_RIGHT_FD_WRITE (UINT64_C(1) << 6)

/* A line longer than this is logged in pieces: a guest that never writes a
 * newline cannot make the host buffer without bound. */
#define LINE_MAX_BYTES 4096

static uint32_t arg32(const uint64_t *slots, int i) {
    return (uint32_t)slots[i];
}

static aw_host_result ret_errno(uint64_t *slots, uint32_t wasi_errno) {
    slots[0] = wasi_errno;
    return AW_HOST_RETURN;
}

static bool is_std_fd(uint32_t fd) {
    return fd <= 2;
}

/* ---- fd 1 and 2: lines to the log ------------------------------------ */

static void emit_line(aw__component *c, const uint8_t *text, size_t len) {
    AW__LOG(AW_LOG_INFO, c->log_source, "%.*s", (int)len, (const char *)text);
}

static void flush_stream(aw__component *c, aw__buf *line) {
    if (line->len == 0) return;
    emit_line(c, line->data, line->len);
    line->len = 0;
}

void aw__wasi_flush(aw__component *c) {
    flush_stream(c, &c->out_line[0]);
    flush_stream(c, &c->out_line[1]);
}

/* Appends bytes to a stream, logging each complete line. Whole lines straight
 * from guest memory are logged without copying; only a trailing partial line
 * is kept (in a buffer that is reused, so steady output allocates nothing). */
static void write_stream(aw__component *c, aw__buf *line, const uint8_t *data, size_t len) {
    while (len > 0) {
        const uint8_t *nl = memchr(data, '\n', len);
        size_t take = nl != NULL ? (size_t)(nl - data) : len;
        if (line->len + take > LINE_MAX_BYTES) {
            size_t room = LINE_MAX_BYTES - line->len;
            if (aw__buf_append(line, data, room) != AW_OK) line->len = 0;
            flush_stream(c, line);
            data += room;
            len -= room;
            continue;
        }
        if (nl == NULL) {
            /* Out of memory for the partial line: emit what we have rather
             * than lose it. */
            if (aw__buf_append(line, data, take) != AW_OK) emit_line(c, data, take);
            return;
        }
        if (line->len == 0) {
            emit_line(c, data, take);
        } else {
            if (aw__buf_append(line, data, take) != AW_OK) emit_line(c, data, take);
            flush_stream(c, line);
        }
        data += take + 1;
        len -= take + 1;
    }
}

static aw_host_result wasi_fd_write(aw_instance *instance, void *env, uint64_t *slots) {
    aw__component *c = env;
    uint32_t fd = arg32(slots, 0), iovs = arg32(slots, 1), iovs_len = arg32(slots, 2);
    uint32_t nwritten_ptr = arg32(slots, 3);
    if (!is_std_fd(fd)) return aw__wasi_fs_fd_write(instance, env, slots);
    if (fd == 0) return ret_errno(slots, WASI_EBADF);
    /* Check everything before acting, so a bad iovec writes nothing. */
    const uint8_t *iov = aw__canon_span(instance, iovs, (uint64_t)iovs_len * 8);
    uint8_t *nwritten = aw__canon_span(instance, nwritten_ptr, 4);
    if (iov == NULL || nwritten == NULL) {
        aw__canon_fail(c, AW_TRAP_OUT_OF_BOUNDS_MEMORY,
                       "fd_write: iovecs [%u, +%u x 8) or nwritten %u outside linear memory", iovs,
                       iovs_len, nwritten_ptr);
        return aw__canon_trap_now(c);
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint32_t ptr = aw__canon_load_u32(iov + 8 * i), len = aw__canon_load_u32(iov + 8 * i + 4);
        const uint8_t *bytes;
        if (!aw__canon_lift_bytes(c, "fd_write buffer", ptr, len, &bytes))
            return aw__canon_trap_now(c);
        total += len;
    }
    if (total > UINT32_MAX) return ret_errno(slots, WASI_EINVAL);
    aw__buf *line = &c->out_line[fd - 1];
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint32_t ptr = aw__canon_load_u32(iov + 8 * i), len = aw__canon_load_u32(iov + 8 * i + 4);
        write_stream(c, line, aw__canon_span(instance, ptr, len), len);
    }
    aw__canon_store_u32(nwritten, (uint32_t)total);
    return ret_errno(slots, WASI_SUCCESS);
}

static aw_host_result wasi_fd_fdstat_get(aw_instance *instance, void *env, uint64_t *slots) {
    aw__component *c = env;
    uint32_t fd = arg32(slots, 0);
    if (!is_std_fd(fd)) return aw__wasi_fs_fd_fdstat_get(instance, env, slots);
    uint8_t *out;
    if (!aw__canon_result_ptr(c, "fd_fdstat_get", arg32(slots, 1), 24, 1, &out))
        return aw__canon_trap_now(c);
    (void)instance;
    /* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8,
     * rights_inheriting u64 @16. A character device without seek or tell
     * rights makes wasi-libc treat it as a terminal: line-buffered stdout. */
    memset(out, 0, 24);
    out[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    aw__canon_store_u64(out + 8, fd == 0 ? 0 : WASI_RIGHT_FD_WRITE);
    return ret_errno(slots, WASI_SUCCESS);
}

static aw_host_result wasi_fd_seek(aw_instance *instance, void *env, uint64_t *slots) {
    if (!is_std_fd(arg32(slots, 0))) return aw__wasi_fs_fd_seek(instance, env, slots);
    return ret_errno(slots, WASI_ESPIPE);
}

static aw_host_result wasi_fd_close(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t fd = arg32(slots, 0);
    if (!is_std_fd(fd)) return aw__wasi_fs_fd_close(instance, env, slots);
    if (fd != 0) flush_stream(c, &c->out_line[fd - 1]);
    return ret_errno(slots, WASI_SUCCESS);
}

/* ---- clocks and randomness ------------------------------------------- */

static uint32_t clock_check(uint32_t id) {
    if (id <= 1) return WASI_SUCCESS;            /* realtime, monotonic */
    return id <= 3 ? WASI_ENOTSUP : WASI_EINVAL; /* cputime clocks: not offered */
}

static aw_host_result wasi_clock_res_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t e = clock_check(arg32(slots, 0));
    if (e != WASI_SUCCESS) return ret_errno(slots, e);
    uint8_t *out;
    if (!aw__canon_result_ptr(c, "clock_res_get", arg32(slots, 1), 8, 1, &out))
        return aw__canon_trap_now(c);
    aw__canon_store_u64(out, aw__clock_resolution_ns());
    return ret_errno(slots, WASI_SUCCESS);
}

static aw_host_result wasi_clock_time_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t id = arg32(slots, 0);
    uint32_t e = clock_check(id);
    if (e != WASI_SUCCESS) return ret_errno(slots, e);
    uint8_t *out;
    if (!aw__canon_result_ptr(c, "clock_time_get", arg32(slots, 2), 8, 1, &out))
        return aw__canon_trap_now(c);
    aw__canon_store_u64(out, id == 0 ? aw__clock_realtime_ns() : aw__clock_ns());
    return ret_errno(slots, WASI_SUCCESS);
}

static aw_host_result wasi_random_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint8_t *out;
    uint32_t len = arg32(slots, 1);
    if (!aw__canon_result_ptr(c, "random_get", arg32(slots, 0), len, 1, &out))
        return aw__canon_trap_now(c);
    if (aw__random_bytes(out, len) != AW_OK) return ret_errno(slots, WASI_EIO);
    return ret_errno(slots, WASI_SUCCESS);
}

/* ---- args and environment -------------------------------------------- */

static aw_host_result sizes_get(aw__component *c, const char *what, uint64_t *slots, uint32_t count,
                                size_t size) {
    uint8_t *count_out, *size_out;
    if (!aw__canon_result_ptr(c, what, arg32(slots, 0), 4, 1, &count_out) ||
        !aw__canon_result_ptr(c, what, arg32(slots, 1), 4, 1, &size_out))
        return aw__canon_trap_now(c);
    aw__canon_store_u32(count_out, count);
    aw__canon_store_u32(size_out, (uint32_t)size);
    return ret_errno(slots, WASI_SUCCESS);
}

/* Writes count pointers at the first argument and the strings of blob at the
 * second, each pointer aimed at its string. */
static aw_host_result strings_get(aw__component *c, const char *what, uint64_t *slots,
                                  uint32_t count, const char *blob, size_t size) {
    uint32_t array_ptr = arg32(slots, 0), buf_ptr = arg32(slots, 1);
    uint8_t *array, *buf;
    if (!aw__canon_result_ptr(c, what, array_ptr, count * 4u, 1, &array) ||
        !aw__canon_result_ptr(c, what, buf_ptr, (uint32_t)size, 1, &buf))
        return aw__canon_trap_now(c);
    if (size > 0) memcpy(buf, blob, size);
    size_t at = 0;
    for (uint32_t i = 0; i < count; i++) {
        aw__canon_store_u32(array + 4 * i, buf_ptr + (uint32_t)at);
        at += strlen(blob + at) + 1;
    }
    return ret_errno(slots, WASI_SUCCESS);
}

static aw_host_result wasi_args_sizes_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    return sizes_get(c, "args_sizes_get", slots, c->argc, c->args_size);
}

static aw_host_result wasi_args_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    return strings_get(c, "args_get", slots, c->argc, c->args_blob, c->args_size);
}

static aw_host_result wasi_environ_sizes_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    return sizes_get(c, "environ_sizes_get", slots, c->envc, c->env_size);
}

static aw_host_result wasi_environ_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    return strings_get(c, "environ_get", slots, c->envc, c->env_blob, c->env_size);
}

/* ---- process ---------------------------------------------------------- */

static aw_host_result wasi_sched_yield(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    (void)env;
    return ret_errno(slots, WASI_SUCCESS);
}

static aw_host_result wasi_proc_exit(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    c->exited = true;
    c->exit_code = arg32(slots, 0);
    aw__canon_fail(c, AW_TRAP_EXIT, "proc_exit(%u)", c->exit_code);
    return aw__canon_trap_now(c);
}

/* ---- everything else --------------------------------------------------- */

/* Functions whose first argument is a file descriptor: there is none past
 * the standard three, and those do not read, seek or hold paths. */
static aw_host_result wasi_no_such_fd(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    (void)env;
    return ret_errno(slots, WASI_EBADF);
}

static aw_host_result wasi_nosys(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    (void)env;
    return ret_errno(slots, WASI_ENOSYS);
}

/* Core types as wasi-libc declares the imports (i = i32, I = i64). */
const aw__import_def aw__wasi_imports[] = {
    {"args_get", "ii>i", wasi_args_get},
    {"args_sizes_get", "ii>i", wasi_args_sizes_get},
    {"environ_get", "ii>i", wasi_environ_get},
    {"environ_sizes_get", "ii>i", wasi_environ_sizes_get},
    {"clock_res_get", "ii>i", wasi_clock_res_get},
    {"clock_time_get", "iIi>i", wasi_clock_time_get},
    {"fd_advise", "iIIi>i", wasi_no_such_fd},
    {"fd_allocate", "iII>i", wasi_no_such_fd},
    {"fd_close", "i>i", wasi_fd_close},
    {"fd_datasync", "i>i", wasi_no_such_fd},
    {"fd_fdstat_get", "ii>i", wasi_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii>i", wasi_no_such_fd},
    {"fd_fdstat_set_rights", "iII>i", wasi_no_such_fd},
    {"fd_filestat_get", "ii>i", aw__wasi_fs_fd_filestat_get},
    {"fd_filestat_set_size", "iI>i", wasi_no_such_fd},
    {"fd_filestat_set_times", "iIIi>i", wasi_no_such_fd},
    {"fd_pread", "iiiIi>i", wasi_no_such_fd},
    {"fd_prestat_get", "ii>i", aw__wasi_fs_prestat_get},
    {"fd_prestat_dir_name", "iii>i", aw__wasi_fs_prestat_dir_name},
    {"fd_pwrite", "iiiIi>i", wasi_no_such_fd},
    {"fd_read", "iiii>i", aw__wasi_fs_fd_read},
    {"fd_readdir", "iiiIi>i", aw__wasi_fs_fd_readdir},
    {"fd_renumber", "ii>i", wasi_no_such_fd},
    {"fd_seek", "iIii>i", wasi_fd_seek},
    {"fd_sync", "i>i", wasi_no_such_fd},
    {"fd_tell", "ii>i", aw__wasi_fs_fd_tell},
    {"fd_write", "iiii>i", wasi_fd_write},
    {"path_create_directory", "iii>i", aw__wasi_fs_path_create_directory},
    {"path_filestat_get", "iiiii>i", aw__wasi_fs_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi>i", wasi_no_such_fd},
    {"path_link", "iiiiiii>i", wasi_no_such_fd},
    {"path_open", "iiiiiIIii>i", aw__wasi_fs_path_open},
    {"path_readlink", "iiiiii>i", wasi_no_such_fd},
    {"path_remove_directory", "iii>i", aw__wasi_fs_path_remove_directory},
    {"path_rename", "iiiiii>i", aw__wasi_fs_path_rename},
    {"path_symlink", "iiiii>i", wasi_no_such_fd},
    {"path_unlink_file", "iii>i", aw__wasi_fs_path_unlink_file},
    {"poll_oneoff", "iiii>i", wasi_nosys},
    {"proc_exit", "i>", wasi_proc_exit},
    {"proc_raise", "i>i", wasi_nosys},
    {"random_get", "ii>i", wasi_random_get},
    {"sched_yield", ">i", wasi_sched_yield},
    {"sock_accept", "iii>i", wasi_no_such_fd},
    {"sock_recv", "iiiiii>i", wasi_no_such_fd},
    {"sock_send", "iiiii>i", wasi_no_such_fd},
    {"sock_shutdown", "ii>i", wasi_no_such_fd},
};
const size_t aw__wasi_import_count = sizeof aw__wasi_imports / sizeof aw__wasi_imports[0];
