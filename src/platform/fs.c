/* Linux implementation of confined file access: openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, or a component-by-component walk
 * with O_NOFOLLOW where the kernel has no openat2 (before 5.6). mkdir,
 * unlink, rmdir and rename resolve only the parent that way and hand the
 * last component to the *at call, which does not follow it. */
#define _GNU_SOURCE
#include "platform/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PATH_MAX_BYTES 4096

static aw__fs_err from_errno(int e) {
    switch (e) {
        case 0: return AW__FS_OK;
        case ENOENT: return AW__FS_ENOENT;
        case EACCES: return AW__FS_EACCES;
        case EEXIST: return AW__FS_EEXIST;
        case ENOTDIR: return AW__FS_ENOTDIR;
        case EISDIR: return AW__FS_EISDIR;
        case ELOOP: return AW__FS_ELOOP;
        case EINVAL: return AW__FS_EINVAL;
        case ENAMETOOLONG: return AW__FS_ENAMETOOLONG;
        case ENOSPC:
        case EDQUOT: return AW__FS_ENOSPC;
        case EMFILE:
        case ENFILE: return AW__FS_EMFILE;
        case ENOMEM: return AW__FS_ENOMEM;
        case EBADF: return AW__FS_EBADF;
        case ESPIPE: return AW__FS_ESPIPE;
        case EFBIG: return AW__FS_EFBIG;
        case EPERM:
        case EROFS: return AW__FS_EPERM;
        case ENOTEMPTY: return AW__FS_ENOTEMPTY;
        case EBUSY: return AW__FS_EBUSY;
        case EXDEV: return AW__FS_ESCAPE; /* RESOLVE_BENEATH's answer */
        default: return AW__FS_EIO;
    }
}

aw__fs_err aw__fs_open_root(const char *host_path, int *fd) {
    *fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *fd < 0 ? from_errno(errno) : AW__FS_OK;
}

static int open_flags(unsigned how) {
    int flags = O_CLOEXEC;
    if (how & AW__FS_PATH_ONLY)
        flags |= O_PATH;
    else if ((how & AW__FS_READ) && (how & AW__FS_WRITE))
        flags |= O_RDWR;
    else if (how & AW__FS_WRITE)
        flags |= O_WRONLY;
    else
        flags |= O_RDONLY;
    if (how & AW__FS_CREATE) flags |= O_CREAT;
    if (how & AW__FS_EXCLUSIVE) flags |= O_EXCL;
    if (how & AW__FS_TRUNCATE) flags |= O_TRUNC;
    if (how & AW__FS_APPEND) flags |= O_APPEND;
    if (how & AW__FS_DIRECTORY) flags |= O_DIRECTORY;
    if (how & AW__FS_NOFOLLOW) flags |= O_NOFOLLOW;
    return flags;
}

/* The fallback: every component opened with O_NOFOLLOW, so no symlink is
 * ever followed; ".." and absolute paths are refused outright. */
static aw__fs_err walk_beneath(int dirfd, char *path, int flags, int *out) {
    if (path[0] == '/') return AW__FS_ESCAPE;
    int cur = dirfd;
    char *component = path;
    for (;;) {
        char *slash = strchr(component, '/');
        if (slash) *slash = '\0';
        bool last = slash == NULL;
        while (!last && slash[1] == '/') slash++; /* "a//b" */
        if (slash && slash[1] == '\0') last = true; /* "a/" */
        if (strcmp(component, "..") == 0) {
            if (cur != dirfd) close(cur);
            return AW__FS_ESCAPE;
        }
        const char *name = component[0] ? component : ".";
        int next = last ? openat(cur, name, flags | O_NOFOLLOW, 0644)
                        : openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        if (cur != dirfd) close(cur);
        if (next < 0) return from_errno(e);
        if (last) {
            *out = next;
            return AW__FS_OK;
        }
        cur = next;
        component = slash + 1;
    }
}

/* Copies the guest's path into buf as a C string. */
static aw__fs_err path_copy(const char *path, size_t len, char buf[PATH_MAX_BYTES]) {
    if (len >= PATH_MAX_BYTES) return AW__FS_ENAMETOOLONG;
    if (memchr(path, '\0', len)) return AW__FS_EINVAL;
    if (len == 0) return AW__FS_ENOENT;
    memcpy(buf, path, len);
    buf[len] = '\0';
    return AW__FS_OK;
}

aw__fs_err aw__fs_open_walk(int dirfd, const char *path, size_t len, unsigned how, int *fd) {
    *fd = -1;
    char buf[PATH_MAX_BYTES];
    aw__fs_err e = path_copy(path, len, buf);
    return e != AW__FS_OK ? e : walk_beneath(dirfd, buf, open_flags(how), fd);
}

aw__fs_err aw__fs_open_beneath(int dirfd, const char *path, size_t len, unsigned how, int *fd) {
    *fd = -1;
    char buf[PATH_MAX_BYTES];
    aw__fs_err pe = path_copy(path, len, buf);
    if (pe != AW__FS_OK) return pe;
    int flags = open_flags(how);
    struct open_how oh;
    memset(&oh, 0, sizeof oh);
    oh.flags = (unsigned)flags;
    oh.mode = (flags & O_CREAT) ? 0644 : 0;
    oh.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long r = syscall(SYS_openat2, dirfd, buf, &oh, sizeof oh);
    if (r >= 0) {
        *fd = (int)r;
        return AW__FS_OK;
    }
    if (errno != ENOSYS) return from_errno(errno);
    return walk_beneath(dirfd, buf, flags, fd);
}

/* ---- changes to directory entries ---------------------------------------- */

typedef aw__fs_err (*open_fn)(int dirfd, const char *path, size_t len, unsigned how, int *fd);

/* A path split for a change: its parent directory, open beneath the
 * caller's directory, and its last component. */
typedef struct entry {
    int parent; /* the caller's dirfd, or a descriptor of ours (owned) */
    bool owned;
    bool dot;   /* the last component is "." */
    char *name; /* the last component, in buf, with "/" if the path ended in slashes */
    char buf[PATH_MAX_BYTES];
} entry;

static aw__fs_err entry_open(open_fn open_parent, int dirfd, const char *path, size_t len,
                             entry *e) {
    e->parent = dirfd;
    e->owned = false;
    aw__fs_err r = path_copy(path, len, e->buf);
    if (r != AW__FS_OK) return r;
    char *b = e->buf;
    if (b[0] == '/') return AW__FS_ESCAPE;
    size_t end = len;
    while (b[end - 1] == '/') end--; /* stops at b[0], which is no slash */
    bool trailing_slash = end < len;
    b[end] = '\0';
    char *slash = strrchr(b, '/');
    e->name = slash ? slash + 1 : b;
    if (strcmp(e->name, "..") == 0) return AW__FS_ESCAPE;
    e->dot = strcmp(e->name, ".") == 0;
    if (slash) {
        /* The parent is a directory reached like any opened path: symlinks
         * on the way only where openat2 proves they stay inside. */
        r = open_parent(dirfd, b, (size_t)(slash - b), AW__FS_PATH_ONLY | AW__FS_DIRECTORY,
                        &e->parent);
        if (r != AW__FS_OK) {
            e->parent = dirfd;
            return r;
        }
        e->owned = true;
    }
    /* Keep one trailing slash: the kernel then requires a directory ("f/"
     * is ENOTDIR) and still does not follow a symlink named so. */
    if (trailing_slash) {
        b[end] = '/';
        b[end + 1] = '\0';
    }
    return AW__FS_OK;
}

static void entry_close(entry *e) {
    if (e->owned) close(e->parent);
    e->owned = false;
}

/* errno of a mkdirat/unlinkat/renameat: no path resolution happens there,
 * so EXDEV is a rename across file systems, not RESOLVE_BENEATH's refusal. */
static aw__fs_err change_result(int r) {
    if (r == 0) return AW__FS_OK;
    return errno == EXDEV ? AW__FS_EXDEV : from_errno(errno);
}

static aw__fs_err mkdir_with(open_fn open_parent, int dirfd, const char *path, size_t len) {
    entry e;
    aw__fs_err r = entry_open(open_parent, dirfd, path, len, &e);
    if (r == AW__FS_OK) r = e.dot ? AW__FS_EEXIST : change_result(mkdirat(e.parent, e.name, 0755));
    entry_close(&e);
    return r;
}

static aw__fs_err remove_with(open_fn open_parent, int dirfd, const char *path, size_t len,
                              bool directory) {
    entry e;
    aw__fs_err r = entry_open(open_parent, dirfd, path, len, &e);
    if (r == AW__FS_OK && e.dot) r = directory ? AW__FS_EINVAL : AW__FS_EISDIR;
    else if (r == AW__FS_OK)
        r = change_result(unlinkat(e.parent, e.name, directory ? AT_REMOVEDIR : 0));
    entry_close(&e);
    return r;
}

static aw__fs_err rename_with(open_fn open_parent, int old_dirfd, const char *old_path,
                              size_t old_len, int new_dirfd, const char *new_path, size_t new_len,
                              bool *refused_new) {
    bool new_side = false;
    entry from, to;
    to.owned = false;
    aw__fs_err r = entry_open(open_parent, old_dirfd, old_path, old_len, &from);
    if (r == AW__FS_OK) {
        r = entry_open(open_parent, new_dirfd, new_path, new_len, &to);
        new_side = r != AW__FS_OK;
    }
    if (r == AW__FS_OK && (from.dot || to.dot)) {
        new_side = !from.dot;
        r = AW__FS_EINVAL;
    } else if (r == AW__FS_OK) {
        r = change_result(renameat(from.parent, from.name, to.parent, to.name));
    }
    entry_close(&to);
    entry_close(&from);
    if (refused_new) *refused_new = new_side;
    return r;
}

aw__fs_err aw__fs_mkdir_beneath(int dirfd, const char *path, size_t len) {
    return mkdir_with(aw__fs_open_beneath, dirfd, path, len);
}

aw__fs_err aw__fs_remove_beneath(int dirfd, const char *path, size_t len, bool directory) {
    return remove_with(aw__fs_open_beneath, dirfd, path, len, directory);
}

aw__fs_err aw__fs_rename_beneath(int old_dirfd, const char *old_path, size_t old_len,
                                 int new_dirfd, const char *new_path, size_t new_len,
                                 bool *refused_new) {
    return rename_with(aw__fs_open_beneath, old_dirfd, old_path, old_len, new_dirfd, new_path,
                       new_len, refused_new);
}

aw__fs_err aw__fs_mkdir_walk(int dirfd, const char *path, size_t len) {
    return mkdir_with(aw__fs_open_walk, dirfd, path, len);
}

aw__fs_err aw__fs_remove_walk(int dirfd, const char *path, size_t len, bool directory) {
    return remove_with(aw__fs_open_walk, dirfd, path, len, directory);
}

aw__fs_err aw__fs_rename_walk(int old_dirfd, const char *old_path, size_t old_len, int new_dirfd,
                              const char *new_path, size_t new_len, bool *refused_new) {
    return rename_with(aw__fs_open_walk, old_dirfd, old_path, old_len, new_dirfd, new_path,
                       new_len, refused_new);
}

/* ---- reading and writing ----------------------------------------------- */

aw__fs_err aw__fs_read(int fd, void *buf, size_t len, size_t *done) {
    ssize_t n = read(fd, buf, len);
    *done = n > 0 ? (size_t)n : 0;
    return n < 0 ? from_errno(errno) : AW__FS_OK;
}

aw__fs_err aw__fs_write(int fd, const void *buf, size_t len, size_t *done) {
    ssize_t n = write(fd, buf, len);
    *done = n > 0 ? (size_t)n : 0;
    return n < 0 ? from_errno(errno) : AW__FS_OK;
}

aw__fs_err aw__fs_seek(int fd, int64_t offset, int whence, uint64_t *position) {
    int w = whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : whence == 2 ? SEEK_END : -1;
    if (w < 0) return AW__FS_EINVAL;
    off_t at = lseek(fd, (off_t)offset, w);
    if (at < 0) return from_errno(errno);
    *position = (uint64_t)at;
    return AW__FS_OK;
}

static uint8_t type_of(mode_t mode) {
    switch (mode & S_IFMT) {
        case S_IFREG: return AW__FS_TYPE_FILE;
        case S_IFDIR: return AW__FS_TYPE_DIR;
        case S_IFLNK: return AW__FS_TYPE_SYMLINK;
        case S_IFCHR: return AW__FS_TYPE_CHAR;
        case S_IFBLK: return AW__FS_TYPE_BLOCK;
        case S_IFSOCK: return AW__FS_TYPE_SOCKET;
        default: return AW__FS_TYPE_UNKNOWN;
    }
}

static uint64_t ns_of(struct timespec ts) {
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

aw__fs_err aw__fs_stat_fd(int fd, aw__fs_stat *out) {
    struct stat st;
    if (fstat(fd, &st) != 0) return from_errno(errno);
    out->dev = (uint64_t)st.st_dev;
    out->ino = (uint64_t)st.st_ino;
    out->nlink = (uint64_t)st.st_nlink;
    out->size = (uint64_t)st.st_size;
    out->atim_ns = ns_of(st.st_atim);
    out->mtim_ns = ns_of(st.st_mtim);
    out->ctim_ns = ns_of(st.st_ctim);
    out->type = type_of(st.st_mode);
    return AW__FS_OK;
}

void aw__fs_close(int fd) {
    if (fd >= 0) close(fd);
}

static uint8_t type_of_dirent(unsigned char t) {
    switch (t) {
        case DT_REG: return AW__FS_TYPE_FILE;
        case DT_DIR: return AW__FS_TYPE_DIR;
        case DT_LNK: return AW__FS_TYPE_SYMLINK;
        case DT_CHR: return AW__FS_TYPE_CHAR;
        case DT_BLK: return AW__FS_TYPE_BLOCK;
        case DT_SOCK: return AW__FS_TYPE_SOCKET;
        default: return AW__FS_TYPE_UNKNOWN;
    }
}

aw__fs_err aw__fs_readdir(int fd, uint64_t cookie, aw__fs_dirent_fn fn, void *ctx) {
    /* A private descriptor: fdopendir takes it over, closedir releases it. */
    int own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own < 0) return from_errno(errno);
    DIR *d = fdopendir(own);
    if (!d) {
        int e = errno;
        close(own);
        return from_errno(e);
    }
    uint64_t index = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (index++ < cookie) continue;
        if (!fn(ctx, index, (uint64_t)de->d_ino, type_of_dirent(de->d_type), de->d_name,
                strlen(de->d_name)))
            break;
    }
    aw__fs_err e = errno && !de ? from_errno(errno) : AW__FS_OK;
    closedir(d);
    return e;
}
