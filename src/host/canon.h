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

#include <string.h>

/* Records a trap with a printf-style reason; returns false. */
bool aw__canon_fail(aw__component *c, aw_trap trap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), cold));
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
                               const uint8_t **out) __attribute__((cold));
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
                               uint32_t align, uint8_t **out) __attribute__((cold));
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

/* ---- the inline parts of lowering (handle-message lowers two strings per
 * message; the call and loop around them cost a tenth of its host work) -- */

/* Fuel a glue function may burn at most, even when the call is unmetered:
 * glue is not sliced, so this is what bounds a hostile cabi_realloc's hold
 * on the worker thread. An honest allocator needs a tiny fraction of it. */
#define AW__CANON_GLUE_FUEL_MAX UINT64_C(10000000)

/* The host's own step around one or more glue calls (cabi_realloc,
 * post-return): imports refused, no slice edge (nobody could resume it), and
 * the fuel they burn charged to the call's, under a cap of its own. */
typedef struct aw__canon_glue_window {
    bool saved_may_leave;
    bool capped;
    uint64_t fuel;
} aw__canon_glue_window;

static inline void aw__canon_glue_open(aw__component *c, aw__canon_glue_window *w) {
    w->saved_may_leave = c->may_leave;
    c->may_leave = false;
    w->fuel = aw__instance_fuel_now(c->instance);
    w->capped = w->fuel > AW__CANON_GLUE_FUEL_MAX;
    if (w->capped) aw__instance_set_fuel_now(c->instance, AW__CANON_GLUE_FUEL_MAX);
    if (c->slice_fuel != 0) aw__instance_set_slice_now(c->instance, 0);
}

static inline void aw__canon_glue_close(aw__component *c, const aw__canon_glue_window *w) {
    if (c->slice_fuel != 0) aw__instance_set_slice_now(c->instance, c->slice_fuel);
    if (w->capped) {
        uint64_t used = AW__CANON_GLUE_FUEL_MAX - aw__instance_fuel_now(c->instance);
        aw__instance_set_fuel_now(c->instance, w->fuel == UINT64_MAX ? UINT64_MAX : w->fuel - used);
    }
    c->may_leave = w->saved_may_leave;
}

/* A glue call that did not return: records the reason (canon_fail);
 * returns false. */
bool aw__canon_glue_failed(aw__component *c, aw_status s, const aw_error *e, const char *what)
    __attribute__((cold));

/* memcpy for the short strings most messages carry (ids, small payloads):
 * two overlapping loads and stores instead of a call into libc. */
static inline void aw__canon_copy_bytes(uint8_t *dst, const uint8_t *src, size_t len) {
    if (len > 16) {
        memcpy(dst, src, len);
    } else if (len >= 8) {
        uint64_t head, tail;
        memcpy(&head, src, 8);
        memcpy(&tail, src + len - 8, 8);
        memcpy(dst, &head, 8);
        memcpy(dst + len - 8, &tail, 8);
    } else if (len >= 4) {
        uint32_t head, tail;
        memcpy(&head, src, 4);
        memcpy(&tail, src + len - 4, 4);
        memcpy(dst, &head, 4);
        memcpy(dst + len - 4, &tail, 4);
    } else if (len > 0) {
        uint8_t first = src[0], middle = src[len / 2], last = src[len - 1];
        dst[0] = first;
        dst[len / 2] = middle;
        dst[len - 1] = last;
    }
}

/* Lowers n byte strings, in order, each with its own cabi_realloc call (as
 * the canonical ABI asks), in one glue step; ptrs[i] gets each address.
 * Inline, so that a caller with a constant n (handle-message's sender and
 * payload, a callback's response) gets it unrolled and without a call. */
static inline __attribute__((always_inline)) bool
aw__canon_lower_n(aw__component *c, const aw__canon_bytes *items, size_t n, uint32_t *ptrs) {
    size_t any = 0; /* one test for all the lengths; which one, only if it fails */
    for (size_t i = 0; i < n; i++) any |= items[i].len;
    if (any > UINT32_MAX)
        for (size_t i = 0; i < n; i++)
            if (items[i].len > UINT32_MAX)
                return aw__canon_fail(c, AW_TRAP_HOST_ERROR, "%zu bytes do not fit a 32-bit memory",
                                      items[i].len);
    /* One glue window for all of them (the fuel cap bounds them together). */
    aw__canon_glue_window w;
    aw__canon_glue_open(c, &w);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)items[i].len;
        uint64_t slots[4] = {0, 0, 1, len};
        aw_error e;
        aw_status s = aw_instance_call_index(c->instance, c->realloc_fn, slots, &e);
        uint8_t *dst = NULL;
        if (s != AW_OK) {
            ok = aw__canon_glue_failed(c, s, &e, "cabi_realloc");
            break;
        }
        if (!aw__canon_result_ptr(c, "cabi_realloc result", (uint32_t)slots[0], len, 1, &dst)) {
            ok = false;
            break;
        }
        /* The address is taken after cabi_realloc returned, so a memory it
         * grew (and maybe moved) is the one written. */
        aw__canon_copy_bytes(dst, items[i].data, len);
        ptrs[i] = (uint32_t)slots[0];
    }
    aw__canon_glue_close(c, &w);
    return ok;
}

#endif
