/* Canonical ABI lifting and lowering against a guest's linear memory.
 *
 * Every address the guest hands over is a 32-bit offset chosen by hostile
 * code, so ranges are checked with 64-bit arithmetic before any host pointer
 * is formed, and traps follow the canonical ABI's trap_if rules (alignment,
 * bounds, UTF-8). */
#include "host/canon.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool aw__canon_fail(aw__component *c, aw_trap trap, const char *fmt, ...) {
    /* The first reason wins: a nested failure (inside cabi_realloc) has
     * already said the most precise thing. */
    if (c->pending_trap != AW_TRAP_NONE) return false;
    c->pending_trap = trap;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->trap_detail, sizeof c->trap_detail, fmt, ap);
    va_end(ap);
    return false;
}

aw_host_result aw__canon_trap_now(aw__component *c) {
    aw_instance_set_trap(c->instance,
                         c->pending_trap == AW_TRAP_NONE ? AW_TRAP_HOST_ERROR : c->pending_trap);
    return AW_HOST_TRAP;
}

bool aw__canon_utf8_valid(const uint8_t *s, size_t len) {
    /* Short ASCII text (ids, topics: every `send` lifts its target) in one
     * or two word tests that cover all its bytes; anything else, or any
     * high bit, takes the full walk below. */
    if (len <= 16) {
        uint64_t bits = 0;
        if (len >= 8) {
            uint64_t head, tail;
            memcpy(&head, s, 8);
            memcpy(&tail, s + len - 8, 8);
            bits = head | tail;
        } else if (len >= 4) {
            uint32_t head, tail;
            memcpy(&head, s, 4);
            memcpy(&tail, s + len - 4, 4);
            bits = head | tail;
        } else if (len > 0) {
            bits = (uint64_t)(s[0] | s[len / 2] | s[len - 1]);
        }
        if ((bits & UINT64_C(0x8080808080808080)) == 0) return true;
    }
    size_t i = 0;
    while (i < len) {
        /* Ids, topics and most text are ASCII: eight bytes per step, then
         * byte by byte up to the next non-ASCII byte or the end. */
        while (len - i >= 8) {
            uint64_t word;
            memcpy(&word, s + i, 8);
            if (word & UINT64_C(0x8080808080808080)) break;
            i += 8;
        }
        while (i < len && s[i] < 0x80) i++;
        if (i == len) return true;
        uint8_t b = s[i];
        size_t n;
        uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (b >= 0xC2 && b <= 0xDF) {
            n = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3;
            if (b == 0xE0)
                lo = 0xA0; /* overlong */
            else if (b == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4;
            if (b == 0xF0)
                lo = 0x90; /* overlong */
            else if (b == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            return false;
        }
        if (len - i < n) return false;
        if (s[i + 1] < lo || s[i + 1] > hi) return false;
        for (size_t k = 2; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

uint8_t *aw__canon_span(aw_instance *instance, uint64_t ptr, uint64_t len) {
    size_t size = 0;
    uint8_t *base = aw_instance_memory(instance, &size);
    /* ptr and len are at most 2^32 each, so the sum cannot wrap in 64 bits. */
    if (base == NULL || ptr > size || len > (uint64_t)size - ptr) return NULL;
    return base + ptr;
}

static bool out_of_bounds(aw__component *c, const char *what, uint64_t ptr, uint64_t len) {
    size_t size = 0;
    (void)aw__instance_memory_now(c->instance, &size);
    return aw__canon_fail(c, AW_TRAP_OUT_OF_BOUNDS_MEMORY,
                          "%s: [%llu, +%llu) is outside linear memory of %zu bytes", what,
                          (unsigned long long)ptr, (unsigned long long)len, size);
}

bool aw__canon_lift_bytes_slow(aw__component *c, const char *what, uint32_t ptr, uint32_t len,
                               const uint8_t **out) {
    const uint8_t *p = aw__canon_span(c->instance, ptr, len);
    if (p == NULL) return out_of_bounds(c, what, ptr, len);
    *out = p;
    return true;
}

bool aw__canon_lift_string(aw__component *c, const char *what, uint32_t ptr, uint32_t len,
                           const char **out) {
    const uint8_t *p = NULL;
    if (!aw__canon_lift_bytes(c, what, ptr, len, &p)) return false;
    if (!aw__canon_utf8_valid(p, len))
        return aw__canon_fail(c, AW_TRAP_HOST_ERROR, "%s: string at %u (%u bytes) is not UTF-8",
                              what, ptr, len);
    *out = (const char *)p;
    return true;
}

bool aw__canon_result_ptr_slow(aw__component *c, const char *what, uint32_t ptr, uint32_t size,
                               uint32_t align, uint8_t **out) {
    if ((ptr & (align - 1)) != 0) /* align is a power of two (1, 2, 4 or 8) */
        return aw__canon_fail(c, AW_TRAP_OUT_OF_BOUNDS_MEMORY,
                              "%s: result pointer %u is not aligned to %u", what, ptr, align);
    uint8_t *p = aw__canon_span(c->instance, ptr, size);
    if (p == NULL) return out_of_bounds(c, what, ptr, size);
    *out = p;
    return true;
}

/* A glue call that did not return: the reason, as canon_fail records it. */
bool aw__canon_glue_failed(aw__component *c, aw_status s, const aw_error *e, const char *what) {
    if (s == AW_TRAP)
        return aw__canon_fail(c, e->trap, "%s trapped: %s", what,
                              e->message[0] ? e->message : aw_trap_text(e->trap));
    /* Out of host memory (the engine's first call allocates its stack): the
     * guest did not run, so a caller outside the guest may report it without
     * failing the component. */
    if (s == AW_NO_MEMORY) c->host_out_of_memory = true;
    return aw__canon_fail(c, AW_TRAP_HOST_ERROR, "%s could not run: %s", what,
                          e->message[0] ? e->message : aw_status_text(s));
}

bool aw__canon_call_glue(aw__component *c, uint32_t func, uint64_t *slots, const char *what) {
    aw_error e; /* the engine fills it on failure */
    aw__canon_glue_window w;
    aw__canon_glue_open(c, &w);
    aw_status s = aw_instance_call_index(c->instance, func, slots, &e);
    aw__canon_glue_close(c, &w);
    return s == AW_OK || aw__canon_glue_failed(c, s, &e, what);
}

bool aw__canon_realloc(aw__component *c, uint32_t align, uint32_t size, uint32_t *out) {
    uint64_t slots[4] = {0, 0, align, size};
    if (!aw__canon_call_glue(c, c->realloc_fn, slots, "cabi_realloc")) return false;
    uint8_t *host = NULL;
    if (!aw__canon_result_ptr(c, "cabi_realloc result", (uint32_t)slots[0], size, align, &host))
        return false;
    *out = (uint32_t)slots[0];
    return true;
}

bool aw__canon_lower_bytes(aw__component *c, const void *data, size_t len, uint32_t *out) {
    const aw__canon_bytes one = {data, len};
    return aw__canon_lower_n(c, &one, 1, out);
}
