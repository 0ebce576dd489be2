/* POSIX reader-writer locks behind the opaque aw__rwlock type. */
#define _GNU_SOURCE
#include "platform/rwlock.h"

#include <pthread.h>

_Static_assert(sizeof(pthread_rwlock_t) <= sizeof(((aw__rwlock *)0)->opaque), "rwlock fits");

#define AS_RWLOCK(l) ((pthread_rwlock_t *)(void *)(l)->opaque)

aw_status aw__rwlock_init(aw__rwlock *l) {
    pthread_rwlockattr_t attr;
    if (pthread_rwlockattr_init(&attr) != 0) return AW_NO_MEMORY;
    /* glibc prefers readers by default; a writer (subscribe, register) must
     * not wait forever behind a busy publish path. */
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    int rc = pthread_rwlock_init(AS_RWLOCK(l), &attr);
    pthread_rwlockattr_destroy(&attr);
    return rc == 0 ? AW_OK : AW_NO_MEMORY;
}

void aw__rwlock_destroy(aw__rwlock *l) {
    pthread_rwlock_destroy(AS_RWLOCK(l));
}

void aw__rwlock_read_lock(aw__rwlock *l) {
    pthread_rwlock_rdlock(AS_RWLOCK(l));
}

void aw__rwlock_read_unlock(aw__rwlock *l) {
    pthread_rwlock_unlock(AS_RWLOCK(l));
}

void aw__rwlock_write_lock(aw__rwlock *l) {
    pthread_rwlock_wrlock(AS_RWLOCK(l));
}

void aw__rwlock_write_unlock(aw__rwlock *l) {
    pthread_rwlock_unlock(AS_RWLOCK(l));
}
