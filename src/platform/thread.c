/* POSIX threads behind the opaque aw__thread / aw__mutex / aw__cond types.
 * Condition variables use CLOCK_MONOTONIC so deadlines ignore wall-clock jumps. */
#define _GNU_SOURCE
#include "platform/thread.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

_Static_assert(sizeof(pthread_t) <= sizeof(((aw__thread *)0)->opaque), "pthread_t fits");
_Static_assert(sizeof(pthread_mutex_t) <= sizeof(((aw__mutex *)0)->opaque), "mutex fits");
_Static_assert(sizeof(pthread_cond_t) <= sizeof(((aw__cond *)0)->opaque), "cond fits");

#define AS_THREAD(t) ((pthread_t *)(void *)(t)->opaque)
#define AS_MUTEX(m) ((pthread_mutex_t *)(void *)(m)->opaque)
#define AS_COND(c) ((pthread_cond_t *)(void *)(c)->opaque)

aw_status aw__thread_create(aw__thread *t, aw__thread_fn fn, void *arg, const char *name) {
    if (pthread_create(AS_THREAD(t), NULL, fn, arg) != 0) return AW_NO_MEMORY;
    if (name) {
        char short_name[16];
        strncpy(short_name, name, sizeof short_name - 1);
        short_name[sizeof short_name - 1] = '\0';
        pthread_setname_np(*AS_THREAD(t), short_name);
    }
    return AW_OK;
}

void aw__thread_join(aw__thread t, void **result) {
    pthread_join(*AS_THREAD(&t), result);
}

void aw__thread_yield(void) {
    sched_yield();
}

aw_status aw__mutex_init(aw__mutex *m) {
    return pthread_mutex_init(AS_MUTEX(m), NULL) == 0 ? AW_OK : AW_NO_MEMORY;
}

void aw__mutex_destroy(aw__mutex *m) {
    pthread_mutex_destroy(AS_MUTEX(m));
}

void aw__mutex_lock(aw__mutex *m) {
    pthread_mutex_lock(AS_MUTEX(m));
}

void aw__mutex_unlock(aw__mutex *m) {
    pthread_mutex_unlock(AS_MUTEX(m));
}

aw_status aw__cond_init(aw__cond *c) {
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) return AW_NO_MEMORY;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(AS_COND(c), &attr);
    pthread_condattr_destroy(&attr);
    return rc == 0 ? AW_OK : AW_NO_MEMORY;
}

void aw__cond_destroy(aw__cond *c) {
    pthread_cond_destroy(AS_COND(c));
}

void aw__cond_wait(aw__cond *c, aw__mutex *m) {
    pthread_cond_wait(AS_COND(c), AS_MUTEX(m));
}

aw_status aw__cond_wait_until(aw__cond *c, aw__mutex *m, uint64_t deadline_ns) {
    struct timespec ts = {(time_t)(deadline_ns / 1000000000u), (long)(deadline_ns % 1000000000u)};
    int rc = pthread_cond_timedwait(AS_COND(c), AS_MUTEX(m), &ts);
    return rc == ETIMEDOUT ? AW_TIMEOUT : AW_OK;
}

void aw__cond_signal(aw__cond *c) {
    pthread_cond_signal(AS_COND(c));
}

void aw__cond_broadcast(aw__cond *c) {
    pthread_cond_broadcast(AS_COND(c));
}
