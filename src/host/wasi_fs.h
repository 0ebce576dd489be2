/* The WASI file-system capability: preopened directories and the preview1
 * path and fd calls wasi-libc's stdio needs, confined to the preopens. */
#ifndef AW_HOST_WASI_FS_H
#define AW_HOST_WASI_FS_H

#include "airwasm/error.h"
#include "airwasm/wasm.h"

typedef struct aw__component aw__component;

/* One directory the guest may use: guest_path as it sees it ("/data"),
 * host_path on the host (NUL-terminated; opened when the instance is
 * created), writable unless read-only. Both strings are borrowed. */
typedef struct aw__wasi_preopen {
    const char *guest_path;
    const char *host_path;
    bool writable;
} aw__wasi_preopen;

typedef struct aw__wasi_fs aw__wasi_fs;

/* Opens every preopen (fds 3, 4, ... in order). With count 0, *out is NULL
 * and every call below answers as if there were no file at all. AW_IO_ERROR
 * (or AW_NOT_FOUND) names the directory that cannot be opened. */
aw_status aw__wasi_fs_create(const aw__wasi_preopen *preopens, size_t count, aw__wasi_fs **out,
                             aw_error *err);
/* Closes every descriptor; accepts NULL. */
void aw__wasi_fs_destroy(aw__wasi_fs *fs);

/* Host functions (env is the aw__component). fd_write, fd_seek, fd_close
 * and fd_fdstat_get of wasi.c hand descriptors above 2 to the ones here. */
aw_host_result aw__wasi_fs_prestat_get(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_prestat_dir_name(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_path_open(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_read(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_write(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_seek(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_tell(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_close(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_fdstat_get(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_readdir(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_fd_filestat_get(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_path_filestat_get(aw_instance *instance, void *env, uint64_t *slots);
/* Only under a writable directory; the parent of the path is resolved
 * beneath it as path_open resolves a path (platform/fs.h). */
aw_host_result aw__wasi_fs_path_create_directory(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_path_unlink_file(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_path_remove_directory(aw_instance *instance, void *env, uint64_t *slots);
aw_host_result aw__wasi_fs_path_rename(aw_instance *instance, void *env, uint64_t *slots);

#endif
