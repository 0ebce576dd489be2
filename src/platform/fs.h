/* Files and directories confined to a directory: the OS side of the WASI
 * file-system capability (src/host/wasi_fs.c). */
#ifndef AW_PLATFORM_FS_H
#define AW_PLATFORM_FS_H

#include "airwasm/status.h"

/* Errors, named after their POSIX errno; the caller maps them to its own
 * codes (WASI errno). AW__FS_ESCAPE: the path would leave the directory
 * (absolute, "..", or a symlink pointing out). AW__FS_EXDEV: a rename
 * between two file systems (both paths inside), never an escape. */
typedef enum aw__fs_err {
    AW__FS_OK = 0,
    AW__FS_ENOENT,
    AW__FS_EACCES,
    AW__FS_EEXIST,
    AW__FS_ENOTDIR,
    AW__FS_EISDIR,
    AW__FS_ELOOP,
    AW__FS_EINVAL,
    AW__FS_ENAMETOOLONG,
    AW__FS_ENOSPC,
    AW__FS_EMFILE,
    AW__FS_ENOMEM,
    AW__FS_EBADF,
    AW__FS_ESPIPE,
    AW__FS_EFBIG,
    AW__FS_EPERM,
    AW__FS_ENOTEMPTY,
    AW__FS_EBUSY,
    AW__FS_EXDEV,
    AW__FS_ESCAPE,
    AW__FS_EIO
} aw__fs_err;

/* File types (the numbers are WASI's filetype, for convenience). */
enum {
    AW__FS_TYPE_UNKNOWN = 0,
    AW__FS_TYPE_BLOCK = 1,
    AW__FS_TYPE_CHAR = 2,
    AW__FS_TYPE_DIR = 3,
    AW__FS_TYPE_FILE = 4,
    AW__FS_TYPE_SOCKET = 6,
    AW__FS_TYPE_SYMLINK = 7
};

typedef struct aw__fs_stat {
    uint64_t dev, ino, nlink, size;
    uint64_t atim_ns, mtim_ns, ctim_ns;
    uint8_t type;
} aw__fs_stat;

/* How aw__fs_open_beneath opens. */
enum {
    AW__FS_READ = 1 << 0,
    AW__FS_WRITE = 1 << 1,
    AW__FS_CREATE = 1 << 2,
    AW__FS_EXCLUSIVE = 1 << 3,
    AW__FS_TRUNCATE = 1 << 4,
    AW__FS_APPEND = 1 << 5,
    AW__FS_DIRECTORY = 1 << 6,  /* must be a directory */
    AW__FS_NOFOLLOW = 1 << 7,   /* a final symlink is not followed */
    AW__FS_PATH_ONLY = 1 << 8   /* for stat: neither read nor write */
};

/* Opens the directory at host_path (NUL-terminated) as a root for the calls
 * below; *fd is an OS descriptor. */
aw__fs_err aw__fs_open_root(const char *host_path, int *fd);

/* Opens path (len bytes, no NUL needed) relative to the directory dirfd,
 * never leaving it: ".." may not climb above dirfd, absolute paths and
 * symlinks whose target lies outside are refused with AW__FS_ESCAPE. Uses
 * openat2(RESOLVE_BENEATH) and, where the kernel lacks it, a walk one
 * component at a time that refuses "..", symlinks and absolute paths. */
aw__fs_err aw__fs_open_beneath(int dirfd, const char *path, size_t len, unsigned how, int *fd);
/* The fallback walk alone (exposed so tests cover it on kernels with openat2). */
aw__fs_err aw__fs_open_walk(int dirfd, const char *path, size_t len, unsigned how, int *fd);

aw__fs_err aw__fs_read(int fd, void *buf, size_t len, size_t *done);
aw__fs_err aw__fs_write(int fd, const void *buf, size_t len, size_t *done);
/* whence: 0 set, 1 current, 2 end. */
aw__fs_err aw__fs_seek(int fd, int64_t offset, int whence, uint64_t *position);
aw__fs_err aw__fs_stat_fd(int fd, aw__fs_stat *out);
void aw__fs_close(int fd);

/* Changes to directory entries beneath dirfd. The path's parent directory
 * is resolved exactly as aw__fs_open_beneath resolves a path (confined,
 * openat2 or the walk); the last component is then created, removed or
 * renamed inside that parent by the kernel (mkdirat, unlinkat, renameat),
 * which never follows it: a symlink there is the entry itself, wherever it
 * points. A last component of ".." and absolute paths are AW__FS_ESCAPE
 * (checked before anything is resolved); "." is AW__FS_EEXIST for mkdir,
 * AW__FS_EISDIR for unlink and AW__FS_EINVAL for rmdir and rename, also
 * without touching anything. Trailing slashes name a directory: "d/" acts
 * on d; a non-directory so named is AW__FS_ENOTDIR. */
aw__fs_err aw__fs_mkdir_beneath(int dirfd, const char *path, size_t len);
/* directory false: unlink (a directory is AW__FS_EISDIR); true: rmdir of an
 * empty directory (AW__FS_ENOTEMPTY, AW__FS_ENOTDIR for a file). */
aw__fs_err aw__fs_remove_beneath(int dirfd, const char *path, size_t len, bool directory);
/* Renames old_path (beneath old_dirfd) to new_path (beneath new_dirfd),
 * replacing what new_path names as rename(2) does. *refused_new (may be
 * NULL) tells, on an error, whether new_path caused it rather than
 * old_path (for reporting an escape). */
aw__fs_err aw__fs_rename_beneath(int old_dirfd, const char *old_path, size_t old_len, int new_dirfd,
                                 const char *new_path, size_t new_len, bool *refused_new);
/* The same with the fallback walk resolving the parents (for tests). */
aw__fs_err aw__fs_mkdir_walk(int dirfd, const char *path, size_t len);
aw__fs_err aw__fs_remove_walk(int dirfd, const char *path, size_t len, bool directory);
aw__fs_err aw__fs_rename_walk(int old_dirfd, const char *old_path, size_t old_len, int new_dirfd,
                              const char *new_path, size_t new_len, bool *refused_new);

/* Called for each directory entry from the one numbered `cookie` on (0: the
 * first); next is the cookie of the entry after it. Return false to stop. */
typedef bool (*aw__fs_dirent_fn)(void *ctx, uint64_t next, uint64_t ino, uint8_t type,
                                 const char *name, size_t name_len);
/* Lists the directory open at fd. Costs O(entries up to where the callback
 * stops) per call: the directory is read again from the start. */
aw__fs_err aw__fs_readdir(int fd, uint64_t cookie, aw__fs_dirent_fn fn, void *ctx);

#endif
