/* Threads, mutexes and condition variables behind opaque storage, so no OS
 * header leaks out of src/platform/. */
#ifndef AW_PLATFORM_THREAD_H
#define AW_PLATFORM_THREAD_H

#include "airwasm/status.h"

typedef struct aw__thread {
    _Alignas(8) unsigned char opaque[8];
} aw__thread;

typedef struct aw__mutex {
    _Alignas(8) unsigned char opaque[64];
} aw__mutex;

typedef struct aw__cond {
    _Alignas(8) unsigned char opaque[64];
} aw__cond;

typedef void *(*aw__thread_fn)(void *arg);

/* name (may be NULL) is shown by debuggers, truncated to 15 bytes. */
aw_status aw__thread_create(aw__thread *t, aw__thread_fn fn, void *arg, const char *name);
void aw__thread_join(aw__thread t, void **result);
void aw__thread_yield(void);

aw_status aw__mutex_init(aw__mutex *m);
void aw__mutex_destroy(aw__mutex *m);
void aw__mutex_lock(aw__mutex *m);
void aw__mutex_unlock(aw__mutex *m);

aw_status aw__cond_init(aw__cond *c);
void aw__cond_destroy(aw__cond *c);
void aw__cond_wait(aw__cond *c, aw__mutex *m);
/* Waits until signalled or the monotonic clock reaches deadline_ns
 * (aw__clock_ns time base); returns AW_TIMEOUT when the deadline passed. */
aw_status aw__cond_wait_until(aw__cond *c, aw__mutex *m, uint64_t deadline_ns);
void aw__cond_signal(aw__cond *c);
void aw__cond_broadcast(aw__cond *c);

/* Asks for p's cache line in a writable state ahead of a write. On x86-64
 * this is PREFETCHW (a no-op on cores without it), which the compiler emits
 * for __builtin_prefetch(p, 1) only when told the target has it; a read
 * prefetch would fetch the line shared and the write would still have to
 * claim it from the other core. */
static inline void aw__prefetch_write(const void *p) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetchw %0" ::"m"(*(const char *)p));
#else
    __builtin_prefetch(p, 1);
#endif
}

/* A hint to the CPU inside a spin loop (pause on x86). */
static inline void aw__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
