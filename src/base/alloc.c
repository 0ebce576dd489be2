/* The allocator hook, the live-block counter and the checking test allocator.
 *
 * The installed allocator is read with a relaxed atomic load on every call:
 * it is set once before any object exists (the documented contract), so no
 * ordering with other memory is needed. The live-block counter is relaxed as
 * well; it is only read when the program is quiescent (leak checks). */
#include "base/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static void *libc_alloc(void *ctx, size_t size) {
    (void)ctx;
    return malloc(size);
}

static void *libc_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size) {
    (void)ctx;
    (void)old_size;
    return realloc(ptr, new_size);
}

static void libc_free(void *ctx, void *ptr, size_t size) {
    (void)ctx;
    (void)size;
    free(ptr);
}

static const aw_allocator libc_allocator = {libc_alloc, libc_realloc, libc_free, NULL};

static _Atomic(const aw_allocator *) current = &libc_allocator;
static atomic_int_fast64_t live_blocks;

void aw_allocator_set(const aw_allocator *allocator) {
    atomic_store_explicit(&current, allocator ? allocator : &libc_allocator, memory_order_relaxed);
}

int64_t aw_alloc_live_blocks(void) {
    return (int64_t)atomic_load_explicit(&live_blocks, memory_order_relaxed);
}

static const aw_allocator *allocator(void) {
    return atomic_load_explicit(&current, memory_order_relaxed);
}

void *aw__malloc(size_t size) {
    if (size == 0) return NULL;
    const aw_allocator *a = allocator();
    void *p = a->alloc(a->ctx, size);
    if (p) atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    return p;
}

void *aw__calloc(size_t count, size_t size) {
    if (count != 0 && size > SIZE_MAX / count) return NULL;
    if (count * size == 0) return NULL;
    const aw_allocator *a = allocator();
    void *p;
    if (a == &libc_allocator) {
        /* libc's calloc skips the memset for fresh pages from the kernel,
         * which are zero already: a 64 KiB linear memory then costs nothing
         * until it is touched. */
        p = calloc(count, size);
    } else {
        p = a->alloc(a->ctx, count * size);
        if (p) memset(p, 0, count * size);
    }
    if (p) atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    return p;
}

void *aw__realloc(void *ptr, size_t old_size, size_t new_size) {
    if (!ptr) return aw__malloc(new_size);
    if (new_size == 0) {
        aw__free(ptr, old_size);
        return NULL;
    }
    const aw_allocator *a = allocator();
    return a->realloc(a->ctx, ptr, old_size, new_size);
}

void aw__free(void *ptr, size_t size) {
    if (!ptr) return;
    const aw_allocator *a = allocator();
    a->free(a->ctx, ptr, size);
    atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_relaxed);
}

char *aw__strndup(const char *s, size_t len) {
    char *copy = aw__malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *aw__strdup(const char *s) {
    return aw__strndup(s, strlen(s));
}

void aw__strfree(char *s) {
    if (s) aw__free(s, strlen(s) + 1);
}

/* The test allocator puts a header before each block holding its size and a
 * magic word, so a wrong size passed to free is detected and counted. */
#define TEST_MAGIC 0xA11CA7EDu

typedef struct test_header {
    size_t size;
    size_t magic;
} test_header;

static atomic_uint_fast64_t test_count;
static atomic_uint_fast64_t test_fail_at;
static atomic_uint_fast64_t test_size_errors;

static bool test_should_fail(void) {
    uint64_t n = atomic_fetch_add_explicit(&test_count, 1, memory_order_relaxed) + 1;
    uint64_t fail_at = atomic_load_explicit(&test_fail_at, memory_order_relaxed);
    return fail_at != 0 && n == fail_at;
}

static test_header *test_check(void *ptr, size_t size) {
    test_header *h = (test_header *)ptr - 1;
    if (h->magic != TEST_MAGIC || h->size != size)
        atomic_fetch_add_explicit(&test_size_errors, 1, memory_order_relaxed);
    return h;
}

static void *test_alloc(void *ctx, size_t size) {
    (void)ctx;
    if (test_should_fail()) return NULL;
    test_header *h = malloc(sizeof *h + size);
    if (!h) return NULL;
    h->size = size;
    h->magic = TEST_MAGIC;
    return h + 1;
}

static void *test_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size) {
    (void)ctx;
    if (test_should_fail()) return NULL;
    test_header *h = test_check(ptr, old_size);
    test_header *moved = realloc(h, sizeof *h + new_size);
    if (!moved) return NULL;
    moved->size = new_size;
    return moved + 1;
}

static void test_free(void *ctx, void *ptr, size_t size) {
    (void)ctx;
    test_header *h = test_check(ptr, size);
    h->magic = 0;
    free(h);
}

static const aw_allocator test_allocator = {test_alloc, test_realloc, test_free, NULL};

const aw_allocator *aw_test_allocator(void) {
    return &test_allocator;
}

void aw_test_allocator_fail_at(uint64_t nth) {
    atomic_store_explicit(&test_count, 0, memory_order_relaxed);
    atomic_store_explicit(&test_fail_at, nth, memory_order_relaxed);
}

uint64_t aw_test_allocator_count(void) {
    return atomic_load_explicit(&test_count, memory_order_relaxed);
}

uint64_t aw_test_allocator_size_errors(void) {
    return atomic_load_explicit(&test_size_errors, memory_order_relaxed);
}
