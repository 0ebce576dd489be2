/* Canonical ABI lifting and lowering between host values and a guest's linear
 * memory: every guest pointer and length checked before use, strings checked
 * for UTF-8, guest allocations made by the guest's own cabi_realloc.
 *
 * The fallible helpers return false after recording a trap in the component
 * (kind and a sentence saying what was wrong); a host function then returns
 * aw__canon_trap_now(c), which hands the trap to the engine. */
#ifndef AW_HOST_CANON_H
#define AW_HOST_CANON_H

#include "host/component_impl.h"
#include "wasm/instance.h"

/* Records a trap with a printf-style reason; returns false. */
bool aw__canon_fail(aw__component *c, aw_trap trap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Raises the recorded trap in the engine; returns AW_HOST_TRAP. */
aw_host_result aw__canon_trap_now(aw__component *c);

/* True when s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool aw__canon_utf8_valid(const uint8_t *s, size_t len);

/* The host address of guest range [ptr, ptr+len), or NULL if any byte of it
 * is outside memory (64-bit arithmetic: no wrap-around). Valid until the
 * guest runs again (memory.grow may move it). */
uint8_t *aw__canon_span(aw_instance *instance, uint64_t ptr, uint64_t len);

/* Lifts a list<u8> / a string argument; what names it in the trap reason.
 * Inline: a message lifts several; the slow path records the trap reason. */
bool aw__canon_lift_bytes_slow(aw__component *c, const char *what, uint32_t ptr, uint32_t len,
                               const uint8_t **out);
static inline bool aw__canon_lift_bytes(aw__component *c, const char *what, uint32_t ptr,
                                        uint32_t len, const uint8_t **out) {
    size_t mem_size = 0;
    uint8_t *base = aw__instance_memory_now(c->instance, &mem_size);
    if (base != NULL && ptr <= mem_size && len <= (uint64_t)mem_size - ptr) {
        *out = base + ptr;
        return true;
    }
    return aw__canon_lift_bytes_slow(c, what, ptr, len, out);
}
bool aw__canon_lift_string(aw__component *c, const char *what, uint32_t ptr, uint32_t len,
                           const char **out);
/* Checks a result pointer: aligned to align (a power of two), size bytes
 * inside memory. The check is inline (it runs several times per message);
 * the slow path records the trap reason. */
bool aw__canon_result_ptr_slow(aw__component *c, const char *what, uint32_t ptr, uint32_t size,
                               uint32_t align, uint8_t **out);
static inline bool aw__canon_result_ptr(aw__component *c, const char *what, uint32_t ptr,
                                        uint32_t size, uint32_t align, uint8_t **out) {
    size_t mem_size = 0;
    uint8_t *base = aw__instance_memory_now(c->instance, &mem_size);
    if (base != NULL && (ptr & (align - 1)) == 0 && ptr <= mem_size &&
        size <= (uint64_t)mem_size - ptr) {
        *out = base + ptr;
        return true;
    }
    return aw__canon_result_ptr_slow(c, what, ptr, size, align, out);
}

/* Runs a function of the host's own step (cabi_realloc, post-return) to its
 * end: no fuel slices, imports refused. slots as for aw_instance_call_index;
 * what names it in the trap reason. */
bool aw__canon_call_glue(aw__component *c, uint32_t func, uint64_t *slots, const char *what);

/* Calls the guest's cabi_realloc(0, 0, align, size) and checks the pointer
 * it returns (aligned, in bounds). Imports are refused while it runs. */
bool aw__canon_realloc(aw__component *c, uint32_t align, uint32_t size, uint32_t *out);
/* Allocates len bytes (align 1) with cabi_realloc and copies data there:
 * lowers a list<u8> or a string. */
bool aw__canon_lower_bytes(aw__component *c, const void *data, size_t len, uint32_t *out);

/* Bytes to lower (a string or a list<u8>). */
typedef struct aw__canon_bytes {
    const void *data;
    size_t len;
} aw__canon_bytes;
/* Lowers n byte strings, in order, each with its own cabi_realloc call (as
 * the canonical ABI asks), in one glue step; ptrs[i] gets each address. */
bool aw__canon_lower_bytes_n(aw__component *c, const aw__canon_bytes *items, size_t n,
                             uint32_t *ptrs);
/* The same for exactly two (handle-message's sender and payload), unrolled. */
bool aw__canon_lower_bytes_2(aw__component *c, const aw__canon_bytes items[2], uint32_t ptrs[2]);

static inline uint32_t aw__canon_load_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void aw__canon_store_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void aw__canon_store_u64(uint8_t *p, uint64_t v) {
    aw__canon_store_u32(p, (uint32_t)v);
    aw__canon_store_u32(p + 4, (uint32_t)(v >> 32));
}

static inline void aw__canon_store_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

#endif
