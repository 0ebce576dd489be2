/* The allocator hook (CONVENTIONS rule 11): every allocation of the library
 * goes through the installed aw_allocator. */
#ifndef AIRWASM_ALLOC_H
#define AIRWASM_ALLOC_H

#include "airwasm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* All three functions receive the sizes the library knows, so an allocator
 * can keep size-class pools without headers. alloc and realloc return NULL
 * on failure; free accepts NULL. The functions must be thread-safe. */
typedef struct aw_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t old_size, size_t new_size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
} aw_allocator;

/* Installs the process-wide allocator (borrowed: *allocator must outlive every
 * allocation made through it). NULL restores the libc allocator. Install it
 * before creating any airwasm object. */
AW_API void aw_allocator_set(const aw_allocator *allocator);

/* Number of blocks currently allocated through the library (leak checks). */
AW_API int64_t aw_alloc_live_blocks(void);

/* A checking allocator for tests: it fails the Nth allocation from now
 * (1-based; 0 = never), verifies the sizes given to free and realloc, and
 * counts live blocks. Use with aw_allocator_set(aw_test_allocator()). */
AW_API const aw_allocator *aw_test_allocator(void);
AW_API void aw_test_allocator_fail_at(uint64_t nth);
/* Allocations attempted since the last aw_test_allocator_fail_at call. */
AW_API uint64_t aw_test_allocator_count(void);
/* Number of frees whose size did not match the allocation (should stay 0). */
AW_API uint64_t aw_test_allocator_size_errors(void);

#ifdef __cplusplus
}
#endif

#endif
