/* The WASI file-system capability. A component sees its manifest's preopens
 * as directory descriptors 3, 4, ...; wasi-libc finds them with
 * fd_prestat_get / fd_prestat_dir_name and resolves every path against one
 * of them, so each path_open and path_filestat_get names a directory
 * descriptor and a relative path. The OS resolves that path inside the
 * directory (platform/fs.c: openat2 RESOLVE_BENEATH): "..", absolute paths
 * and symlinks cannot leave it, and the guest gets ENOTCAPABLE when they
 * try. A read-only preopen refuses every open for writing, creating or
 * truncating, and every mkdir, unlink, rmdir and rename, with ENOTCAPABLE,
 * and so do the directories opened under it.
 *
 * Guest pointers are checked before anything is done, as in the rest of the
 * host: a bad one traps the guest. Descriptors are a small fixed table per
 * instance; all are closed when the instance is destroyed. */
#include "host/wasi_fs.h"

#include "base/alloc.h"
#include "base/error.h"
#include "host/canon.h"
#include "platform/fs.h"

#include <string.h>

#define MAX_FDS 128
#define FIRST_FD 3

enum {
    WASI_SUCCESS = 0,
    WASI_EACCES = 2,
    WASI_EBADF = 8,
    WASI_EBUSY = 10,
    WASI_EEXIST = 20,
    WASI_EFBIG = 22,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_EISDIR = 31,
    WASI_ELOOP = 32,
    WASI_EMFILE = 33,
    WASI_ENAMETOOLONG = 37,
    WASI_ENOENT = 44,
    WASI_ENOMEM = 48,
    WASI_ENOSPC = 51,
    WASI_ENOTDIR = 54,
    WASI_ENOTEMPTY = 55,
    WASI_EPERM = 63,
    WASI_ESPIPE = 70,
    WASI_EXDEV = 75,
    WASI_ENOTCAPABLE = 76
};

enum { OFLAG_CREAT = 1, OFLAG_DIRECTORY = 2, OFLAG_EXCL = 4, OFLAG_TRUNC = 8 };
enum { FDFLAG_APPEND = 1 };
enum { LOOKUP_SYMLINK_FOLLOW = 1 };
#define RIGHT_FD_READ (UINT64_C(1) << 1)
#define RIGHT_FD_WRITE (UINT64_C(1) << 6)
#define RIGHT_FD_ALLOCATE (UINT64_C(1) << 8)
#define RIGHT_FD_FILESTAT_SET_SIZE (UINT64_C(1) << 22)
#define RIGHTS_ALL (UINT64_C(0x1fffffff))
#define RIGHTS_WRITING (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE)

typedef struct fs_file {
    int os_fd;         /* -1: the slot is free */
    bool is_dir;
    bool writable;     /* a file opened for writing, or a directory under which
                          files may be opened for writing */
    bool append;
    char *guest_path;  /* preopens only: the name fd_prestat_dir_name gives */
    size_t guest_path_len;
} fs_file;

struct aw__wasi_fs {
    fs_file files[MAX_FDS];
};

static uint32_t arg32(const uint64_t *slots, int i) {
    return (uint32_t)slots[i];
}

static aw_host_result ret_errno(uint64_t *slots, uint32_t wasi_errno) {
    slots[0] = wasi_errno;
    return AW_HOST_RETURN;
}

/* A refusal by the file-system capability: the runtime audits it. */
static void report_refusal(aw__component *c, const char *call, const uint8_t *path,
                           size_t path_len) {
    if (c->backend.fs_denied) c->backend.fs_denied(c->backend.ctx, c, call, path, path_len);
}

/* Reports the refusal, then answers ENOTCAPABLE. */
static aw_host_result refuse(aw__component *c, uint64_t *slots, const char *call,
                             const uint8_t *path, size_t path_len) {
    report_refusal(c, call, path, path_len);
    return ret_errno(slots, WASI_ENOTCAPABLE);
}

static uint32_t errno_of(aw__fs_err e) {
    switch (e) {
        case AW__FS_OK: return WASI_SUCCESS;
        case AW__FS_ENOENT: return WASI_ENOENT;
        case AW__FS_EACCES: return WASI_EACCES;
        case AW__FS_EEXIST: return WASI_EEXIST;
        case AW__FS_ENOTDIR: return WASI_ENOTDIR;
        case AW__FS_EISDIR: return WASI_EISDIR;
        case AW__FS_ELOOP: return WASI_ELOOP;
        case AW__FS_EINVAL: return WASI_EINVAL;
        case AW__FS_ENAMETOOLONG: return WASI_ENAMETOOLONG;
        case AW__FS_ENOSPC: return WASI_ENOSPC;
        case AW__FS_EMFILE: return WASI_EMFILE;
        case AW__FS_ENOMEM: return WASI_ENOMEM;
        case AW__FS_EBADF: return WASI_EBADF;
        case AW__FS_ESPIPE: return WASI_ESPIPE;
        case AW__FS_EFBIG: return WASI_EFBIG;
        case AW__FS_EPERM: return WASI_EPERM;
        case AW__FS_ENOTEMPTY: return WASI_ENOTEMPTY;
        case AW__FS_EBUSY: return WASI_EBUSY;
        case AW__FS_EXDEV: return WASI_EXDEV;
        case AW__FS_ESCAPE: return WASI_ENOTCAPABLE;
        case AW__FS_EIO: return WASI_EIO;
    }
    return WASI_EIO;
}

aw_status aw__wasi_fs_create(const aw__wasi_preopen *preopens, size_t count, aw__wasi_fs **out,
                             aw_error *err) {
    *out = NULL;
    if (count == 0) return AW_OK;
    if (count > MAX_FDS - FIRST_FD)
        return aw__error_set(err, AW_LIMIT_EXCEEDED, "more than %d preopens",
                             MAX_FDS - FIRST_FD);
    aw__wasi_fs *fs = AW__NEW(aw__wasi_fs);
    if (!fs) return aw__error_set(err, AW_NO_MEMORY, "no memory for the WASI file table");
    for (size_t i = 0; i < MAX_FDS; i++) fs->files[i].os_fd = -1;
    for (size_t i = 0; i < count; i++) {
        fs_file *f = &fs->files[FIRST_FD + i];
        aw__fs_err e = aw__fs_open_root(preopens[i].host_path, &f->os_fd);
        if (e != AW__FS_OK) {
            aw__wasi_fs_destroy(fs);
            return aw__error_set(err, e == AW__FS_ENOENT ? AW_NOT_FOUND : AW_IO_ERROR,
                                 "preopen %s: cannot open directory %s", preopens[i].guest_path,
                                 preopens[i].host_path);
        }
        f->is_dir = true;
        f->writable = preopens[i].writable;
        f->guest_path_len = strlen(preopens[i].guest_path);
        f->guest_path = aw__strndup(preopens[i].guest_path, f->guest_path_len);
        if (!f->guest_path) {
            aw__wasi_fs_destroy(fs);
            return aw__error_set(err, AW_NO_MEMORY, "no memory for the WASI file table");
        }
    }
    *out = fs;
    return AW_OK;
}

void aw__wasi_fs_destroy(aw__wasi_fs *fs) {
    if (!fs) return;
    for (size_t i = 0; i < MAX_FDS; i++) {
        aw__fs_close(fs->files[i].os_fd);
        if (fs->files[i].guest_path) aw__strfree(fs->files[i].guest_path);
    }
    AW__DELETE(fs);
}

/* The open entry for fd, or NULL (the caller answers EBADF). */
static fs_file *file_of(aw__component *c, uint32_t fd) {
    if (!c->fs || fd < FIRST_FD || fd >= MAX_FDS) return NULL;
    fs_file *f = &c->fs->files[fd];
    return f->os_fd >= 0 ? f : NULL;
}

/* ---- preopens ---------------------------------------------------------- */

aw_host_result aw__wasi_fs_prestat_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint8_t *out;
    if (!aw__canon_result_ptr(c, "fd_prestat_get", arg32(slots, 1), 8, 4, &out))
        return aw__canon_trap_now(c);
    fs_file *f = file_of(c, arg32(slots, 0));
    if (!f || !f->guest_path) return ret_errno(slots, WASI_EBADF);
    /* prestat: tag u8 @0 (0: directory), name length u32 @4. */
    memset(out, 0, 8);
    aw__canon_store_u32(out + 4, (uint32_t)f->guest_path_len);
    return ret_errno(slots, WASI_SUCCESS);
}

aw_host_result aw__wasi_fs_prestat_dir_name(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t len = arg32(slots, 2);
    uint8_t *out;
    if (!aw__canon_result_ptr(c, "fd_prestat_dir_name", arg32(slots, 1), len, 1, &out))
        return aw__canon_trap_now(c);
    fs_file *f = file_of(c, arg32(slots, 0));
    if (!f || !f->guest_path) return ret_errno(slots, WASI_EBADF);
    if (len < f->guest_path_len) return ret_errno(slots, WASI_ENAMETOOLONG);
    memcpy(out, f->guest_path, f->guest_path_len);
    return ret_errno(slots, WASI_SUCCESS);
}

/* ---- opening ----------------------------------------------------------- */

static uint32_t new_fd(aw__component *c) {
    for (uint32_t fd = FIRST_FD; fd < MAX_FDS; fd++)
        if (c->fs->files[fd].os_fd < 0) return fd;
    return 0;
}

aw_host_result aw__wasi_fs_path_open(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t dirflags = arg32(slots, 1), oflags = arg32(slots, 4), fdflags = arg32(slots, 7);
    uint64_t rights = slots[5];
    const uint8_t *path;
    uint8_t *fd_out;
    if (!aw__canon_lift_bytes(c, "path_open path", arg32(slots, 2), arg32(slots, 3), &path) ||
        !aw__canon_result_ptr(c, "path_open", arg32(slots, 8), 4, 4, &fd_out))
        return aw__canon_trap_now(c);
    fs_file *dir = file_of(c, arg32(slots, 0));
    if (!dir) return ret_errno(slots, WASI_EBADF);
    if (!dir->is_dir) return ret_errno(slots, WASI_ENOTDIR);
    bool write = (rights & RIGHTS_WRITING) || (oflags & (OFLAG_CREAT | OFLAG_TRUNC)) ||
                 (fdflags & FDFLAG_APPEND);
    if (write && !dir->writable) return refuse(c, slots, "path_open", path, arg32(slots, 3));
    unsigned how = 0;
    if (rights & RIGHT_FD_READ || !write) how |= AW__FS_READ;
    if (write && !(oflags & OFLAG_DIRECTORY)) how |= AW__FS_WRITE;
    if (oflags & OFLAG_CREAT) how |= AW__FS_CREATE;
    if (oflags & OFLAG_EXCL) how |= AW__FS_EXCLUSIVE;
    if (oflags & OFLAG_TRUNC) how |= AW__FS_TRUNCATE;
    if (oflags & OFLAG_DIRECTORY) how |= AW__FS_DIRECTORY;
    if (fdflags & FDFLAG_APPEND) how |= AW__FS_APPEND;
    if (!(dirflags & LOOKUP_SYMLINK_FOLLOW)) how |= AW__FS_NOFOLLOW;
    uint32_t fd = new_fd(c);
    if (fd == 0) return ret_errno(slots, WASI_EMFILE);
    int os_fd;
    aw__fs_err e = aw__fs_open_beneath(dir->os_fd, (const char *)path, arg32(slots, 3), how,
                                       &os_fd);
    if (e == AW__FS_ESCAPE) return refuse(c, slots, "path_open", path, arg32(slots, 3));
    if (e != AW__FS_OK) return ret_errno(slots, errno_of(e));
    aw__fs_stat st;
    e = aw__fs_stat_fd(os_fd, &st);
    if (e != AW__FS_OK) {
        aw__fs_close(os_fd);
        return ret_errno(slots, errno_of(e));
    }
    fs_file *f = &c->fs->files[fd];
    f->os_fd = os_fd;
    f->is_dir = st.type == AW__FS_TYPE_DIR;
    /* A directory under a writable one passes the capability on. */
    f->writable = f->is_dir ? dir->writable : (how & AW__FS_WRITE) != 0;
    f->append = (fdflags & FDFLAG_APPEND) != 0;
    aw__canon_store_u32(fd_out, fd);
    return ret_errno(slots, WASI_SUCCESS);
}

aw_host_result aw__wasi_fs_fd_close(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    fs_file *f = file_of(c, arg32(slots, 0));
    if (!f) return ret_errno(slots, WASI_EBADF);
    aw__fs_close(f->os_fd);
    if (f->guest_path) aw__strfree(f->guest_path);
    memset(f, 0, sizeof *f);
    f->os_fd = -1;
    return ret_errno(slots, WASI_SUCCESS);
}

/* ---- reading and writing ----------------------------------------------- */

/* Checks iovecs [iovs, +n) and every buffer they name, and the u32 result
 * at result_ptr; false with a recorded trap when any is outside memory. */
static bool check_iovecs(aw__component *c, aw_instance *instance, const char *what,
                         uint32_t iovs, uint32_t n, uint32_t result_ptr, const uint8_t **iov,
                         uint8_t **result) {
    *iov = aw__canon_span(instance, iovs, (uint64_t)n * 8);
    if (*iov == NULL)
        return aw__canon_fail(c, AW_TRAP_OUT_OF_BOUNDS_MEMORY,
                              "%s: iovecs [%u, +%u x 8) outside linear memory", what, iovs, n);
    if (!aw__canon_result_ptr(c, what, result_ptr, 4, 4, result)) return false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t ptr = aw__canon_load_u32(*iov + 8 * i), len = aw__canon_load_u32(*iov + 8 * i + 4);
        if (aw__canon_span(instance, ptr, len) == NULL)
            return aw__canon_fail(c, AW_TRAP_OUT_OF_BOUNDS_MEMORY,
                                  "%s: buffer [%u, +%u) outside linear memory", what, ptr, len);
    }
    return true;
}

aw_host_result aw__wasi_fs_fd_read(aw_instance *instance, void *env, uint64_t *slots) {
    aw__component *c = env;
    uint32_t n = arg32(slots, 2);
    const uint8_t *iov;
    uint8_t *nread;
    if (!check_iovecs(c, instance, "fd_read", arg32(slots, 1), n, arg32(slots, 3), &iov, &nread))
        return aw__canon_trap_now(c);
    fs_file *f = file_of(c, arg32(slots, 0));
    if (!f) return ret_errno(slots, WASI_EBADF);
    if (f->is_dir) return ret_errno(slots, WASI_EISDIR);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t ptr = aw__canon_load_u32(iov + 8 * i), len = aw__canon_load_u32(iov + 8 * i + 4);
        size_t got;
        aw__fs_err e = aw__fs_read(f->os_fd, aw__canon_span(instance, ptr, len), len, &got);
        if (e != AW__FS_OK) {
            if (total == 0) return ret_errno(slots, errno_of(e));
            break;
        }
        total += got;
        if (got < len || total > UINT32_MAX - 0xffffu) break;
    }
    aw__canon_store_u32(nread, (uint32_t)total);
    return ret_errno(slots, WASI_SUCCESS);
}

aw_host_result aw__wasi_fs_fd_write(aw_instance *instance, void *env, uint64_t *slots) {
    aw__component *c = env;
    uint32_t n = arg32(slots, 2);
    const uint8_t *iov;
    uint8_t *nwritten;
    if (!check_iovecs(c, instance, "fd_write", arg32(slots, 1), n, arg32(slots, 3), &iov,
                      &nwritten))
        return aw__canon_trap_now(c);
    fs_file *f = file_of(c, arg32(slots, 0));
    if (!f) return ret_errno(slots, WASI_EBADF);
    if (f->is_dir) return ret_errno(slots, WASI_EISDIR);
    if (!f->writable) return refuse(c, slots, "fd_write", NULL, 0);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t ptr = aw__canon_load_u32(iov + 8 * i), len = aw__canon_load_u32(iov + 8 * i + 4);
        size_t done;
        aw__fs_err e = aw__fs_write(f->os_fd, aw__canon_span(instance, ptr, len), len, &done);
        if (e != AW__FS_OK) {
            if (total == 0) return ret_errno(slots, errno_of(e));
            break;
        }
        total += done;
        if (done < len || total > UINT32_MAX - 0xffffu) break;
    }
    aw__canon_store_u32(nwritten, (uint32_t)total);
    return ret_errno(slots, WASI_SUCCESS);
}

static aw_host_result seek(aw__component *c, uint64_t *slots, uint32_t fd, int64_t offset,
                           int whence, uint32_t result_ptr, const char *what) {
    uint8_t *out;
    if (!aw__canon_result_ptr(c, what, result_ptr, 8, 8, &out)) return aw__canon_trap_now(c);
    fs_file *f = file_of(c, fd);
    if (!f) return ret_errno(slots, WASI_EBADF);
    if (f->is_dir) return ret_errno(slots, WASI_EISDIR);
    uint64_t at;
    aw__fs_err e = aw__fs_seek(f->os_fd, offset, whence, &at);
    if (e != AW__FS_OK) return ret_errno(slots, errno_of(e));
    aw__canon_store_u64(out, at);
    return ret_errno(slots, WASI_SUCCESS);
}

aw_host_result aw__wasi_fs_fd_seek(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    uint32_t whence = arg32(slots, 2);
    return seek(env, slots, arg32(slots, 0), (int64_t)slots[1], whence > 2 ? -1 : (int)whence,
                arg32(slots, 3), "fd_seek");
}

aw_host_result aw__wasi_fs_fd_tell(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    return seek(env, slots, arg32(slots, 0), 0, 1, arg32(slots, 1), "fd_tell");
}

/* ---- metadata ---------------------------------------------------------- */

aw_host_result aw__wasi_fs_fd_fdstat_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint8_t *out;
    if (!aw__canon_result_ptr(c, "fd_fdstat_get", arg32(slots, 1), 24, 8, &out))
        return aw__canon_trap_now(c);
    fs_file *f = file_of(c, arg32(slots, 0));
    if (!f) return ret_errno(slots, WASI_EBADF);
    /* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8,
     * rights_inheriting u64 @16. */
    memset(out, 0, 24);
    out[0] = f->is_dir ? AW__FS_TYPE_DIR : AW__FS_TYPE_FILE;
    aw__canon_store_u16(out + 2, f->append ? FDFLAG_APPEND : 0);
    uint64_t rights = f->writable ? RIGHTS_ALL : RIGHTS_ALL & ~RIGHTS_WRITING;
    aw__canon_store_u64(out + 8, rights);
    aw__canon_store_u64(out + 16, f->is_dir ? rights : 0);
    return ret_errno(slots, WASI_SUCCESS);
}

/* filestat: dev u64 @0, ino @8, filetype u8 @16, nlink u64 @24, size @32,
 * atim @40, mtim @48, ctim @56. */
static void store_filestat(uint8_t *out, const aw__fs_stat *st) {
    memset(out, 0, 64);
    aw__canon_store_u64(out, st->dev);
    aw__canon_store_u64(out + 8, st->ino);
    out[16] = st->type;
    aw__canon_store_u64(out + 24, st->nlink);
    aw__canon_store_u64(out + 32, st->size);
    aw__canon_store_u64(out + 40, st->atim_ns);
    aw__canon_store_u64(out + 48, st->mtim_ns);
    aw__canon_store_u64(out + 56, st->ctim_ns);
}

aw_host_result aw__wasi_fs_fd_filestat_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint8_t *out;
    if (!aw__canon_result_ptr(c, "fd_filestat_get", arg32(slots, 1), 64, 8, &out))
        return aw__canon_trap_now(c);
    uint32_t fd = arg32(slots, 0);
    aw__fs_stat st = {0};
    if (fd <= 2) {
        st.type = AW__FS_TYPE_CHAR; /* the standard streams: log lines */
        store_filestat(out, &st);
        return ret_errno(slots, WASI_SUCCESS);
    }
    fs_file *f = file_of(c, fd);
    if (!f) return ret_errno(slots, WASI_EBADF);
    aw__fs_err e = aw__fs_stat_fd(f->os_fd, &st);
    if (e != AW__FS_OK) return ret_errno(slots, errno_of(e));
    store_filestat(out, &st);
    return ret_errno(slots, WASI_SUCCESS);
}

aw_host_result aw__wasi_fs_path_filestat_get(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    const uint8_t *path;
    uint8_t *out;
    if (!aw__canon_lift_bytes(c, "path_filestat_get path", arg32(slots, 2), arg32(slots, 3),
                              &path) ||
        !aw__canon_result_ptr(c, "path_filestat_get", arg32(slots, 4), 64, 8, &out))
        return aw__canon_trap_now(c);
    fs_file *dir = file_of(c, arg32(slots, 0));
    if (!dir) return ret_errno(slots, WASI_EBADF);
    if (!dir->is_dir) return ret_errno(slots, WASI_ENOTDIR);
    unsigned how = AW__FS_PATH_ONLY;
    if (!(arg32(slots, 1) & LOOKUP_SYMLINK_FOLLOW)) how |= AW__FS_NOFOLLOW;
    int os_fd;
    aw__fs_err e = aw__fs_open_beneath(dir->os_fd, (const char *)path, arg32(slots, 3), how,
                                       &os_fd);
    if (e == AW__FS_ESCAPE) return refuse(c, slots, "path_filestat_get", path, arg32(slots, 3));
    if (e != AW__FS_OK) return ret_errno(slots, errno_of(e));
    aw__fs_stat st;
    e = aw__fs_stat_fd(os_fd, &st);
    aw__fs_close(os_fd);
    if (e != AW__FS_OK) return ret_errno(slots, errno_of(e));
    store_filestat(out, &st);
    return ret_errno(slots, WASI_SUCCESS);
}

/* ---- directories ------------------------------------------------------- */

typedef struct dir_fill {
    uint8_t *buf;
    uint32_t cap, used;
} dir_fill;

/* dirent: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20,
 * then the name (no NUL). An entry that does not fit is cut at the end of
 * the buffer: wasi-libc sees a full buffer and asks again with a bigger one. */
static bool add_entry(void *ctx, uint64_t next, uint64_t ino, uint8_t type, const char *name,
                      size_t name_len) {
    dir_fill *d = ctx;
    uint8_t entry[24];
    memset(entry, 0, sizeof entry);
    aw__canon_store_u64(entry, next);
    aw__canon_store_u64(entry + 8, ino);
    aw__canon_store_u32(entry + 16, (uint32_t)name_len);
    entry[20] = type;
    uint32_t room = d->cap - d->used;
    uint32_t take = room < 24 ? room : 24;
    memcpy(d->buf + d->used, entry, take);
    d->used += take;
    room -= take;
    take = room < name_len ? room : (uint32_t)name_len;
    memcpy(d->buf + d->used, name, take);
    d->used += take;
    return d->used < d->cap;
}

aw_host_result aw__wasi_fs_fd_readdir(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t cap = arg32(slots, 2);
    dir_fill d = {NULL, cap, 0};
    uint8_t *used;
    if (!aw__canon_result_ptr(c, "fd_readdir", arg32(slots, 1), cap, 1, &d.buf) ||
        !aw__canon_result_ptr(c, "fd_readdir", arg32(slots, 4), 4, 4, &used))
        return aw__canon_trap_now(c);
    fs_file *f = file_of(c, arg32(slots, 0));
    if (!f) return ret_errno(slots, WASI_EBADF);
    if (!f->is_dir) return ret_errno(slots, WASI_ENOTDIR);
    if (cap > 0) {
        aw__fs_err e = aw__fs_readdir(f->os_fd, slots[3], add_entry, &d);
        if (e != AW__FS_OK) return ret_errno(slots, errno_of(e));
    }
    aw__canon_store_u32(used, d.used);
    return ret_errno(slots, WASI_SUCCESS);
}

/* ---- changing directories ---------------------------------------------- */

/* The directory at fd, if entries may change under it; otherwise the errno
 * to answer (a read-only one is refused and reported). */
static uint32_t changeable_dir(aw__component *c, uint32_t fd, const char *call,
                               const uint8_t *path, uint32_t path_len, fs_file **dir) {
    *dir = file_of(c, fd);
    if (!*dir) return WASI_EBADF;
    if (!(*dir)->is_dir) return WASI_ENOTDIR;
    if (!(*dir)->writable) {
        report_refusal(c, call, path, path_len);
        return WASI_ENOTCAPABLE;
    }
    return WASI_SUCCESS;
}

typedef aw__fs_err (*change_fn)(int dirfd, const char *path, size_t len);

static aw__fs_err unlink_file(int dirfd, const char *path, size_t len) {
    return aw__fs_remove_beneath(dirfd, path, len, false);
}

static aw__fs_err remove_directory(int dirfd, const char *path, size_t len) {
    return aw__fs_remove_beneath(dirfd, path, len, true);
}

/* path_create_directory, path_unlink_file, path_remove_directory: (fd,
 * path, path_len) -> errno. */
static aw_host_result change_entry(aw__component *c, uint64_t *slots, const char *call,
                                   change_fn change) {
    uint32_t len = arg32(slots, 2);
    const uint8_t *path;
    if (!aw__canon_lift_bytes(c, call, arg32(slots, 1), len, &path)) return aw__canon_trap_now(c);
    fs_file *dir;
    uint32_t e = changeable_dir(c, arg32(slots, 0), call, path, len, &dir);
    if (e != WASI_SUCCESS) return ret_errno(slots, e);
    aw__fs_err fe = change(dir->os_fd, (const char *)path, len);
    if (fe == AW__FS_ESCAPE) return refuse(c, slots, call, path, len);
    return ret_errno(slots, errno_of(fe));
}

aw_host_result aw__wasi_fs_path_create_directory(aw_instance *instance, void *env,
                                                 uint64_t *slots) {
    (void)instance;
    return change_entry(env, slots, "path_create_directory", aw__fs_mkdir_beneath);
}

aw_host_result aw__wasi_fs_path_unlink_file(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    return change_entry(env, slots, "path_unlink_file", unlink_file);
}

aw_host_result aw__wasi_fs_path_remove_directory(aw_instance *instance, void *env,
                                                 uint64_t *slots) {
    (void)instance;
    return change_entry(env, slots, "path_remove_directory", remove_directory);
}

/* path_rename: (fd, old_path, old_len, new_fd, new_path, new_len) -> errno;
 * both directories must be writable. */
aw_host_result aw__wasi_fs_path_rename(aw_instance *instance, void *env, uint64_t *slots) {
    (void)instance;
    aw__component *c = env;
    uint32_t old_len = arg32(slots, 2), new_len = arg32(slots, 5);
    const uint8_t *old_path, *new_path;
    if (!aw__canon_lift_bytes(c, "path_rename old path", arg32(slots, 1), old_len, &old_path) ||
        !aw__canon_lift_bytes(c, "path_rename new path", arg32(slots, 4), new_len, &new_path))
        return aw__canon_trap_now(c);
    fs_file *from, *to;
    uint32_t e = changeable_dir(c, arg32(slots, 0), "path_rename", old_path, old_len, &from);
    if (e == WASI_SUCCESS)
        e = changeable_dir(c, arg32(slots, 3), "path_rename", new_path, new_len, &to);
    if (e != WASI_SUCCESS) return ret_errno(slots, e);
    bool refused_new;
    aw__fs_err fe = aw__fs_rename_beneath(from->os_fd, (const char *)old_path, old_len, to->os_fd,
                                          (const char *)new_path, new_len, &refused_new);
    if (fe == AW__FS_ESCAPE)
        return refused_new ? refuse(c, slots, "path_rename", new_path, new_len)
                           : refuse(c, slots, "path_rename", old_path, old_len);
    return ret_errno(slots, errno_of(fe));
}
