/* Growable buffers kept across messages, and the component's cabi_realloc. */
#include "guest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Buffers above this size are released after use instead of kept. */
#define KEEP_LIMIT (64u * 1024u)

bool aw__gbuf_reserve(aw__gbuf *b, size_t len) {
    if (len < b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= len) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    uint8_t *data = realloc(b->data, cap);
    if (!data)
        return false;
    b->data = data;
    b->cap = cap;
    return true;
}

bool aw__gbuf_set_prefixed(aw__gbuf *b, uint64_t codec, const void *body, size_t len) {
    uint8_t prefix[AW_UVARINT_MAX];
    size_t n = aw_uvarint_encode(codec, prefix);
    if (n == 0 || len > SIZE_MAX - n - 1 || !aw__gbuf_reserve(b, n + len))
        return false;
    memcpy(b->data, prefix, n);
    if (len)
        memcpy(b->data + n, body, len);
    b->len = n + len;
    b->data[b->len] = 0;
    return true;
}

bool aw__gbuf_vprintf(aw__gbuf *b, size_t offset, const char *fmt, va_list args) {
    va_list again;
    va_copy(again, args);
    char probe[1];
    int need = vsnprintf(probe, sizeof probe, fmt, args);
    bool ok = need >= 0 && aw__gbuf_reserve(b, offset + (size_t)need);
    if (ok) {
        vsnprintf((char *)b->data + offset, (size_t)need + 1, fmt, again);
        b->len = offset + (size_t)need;
    }
    va_end(again);
    return ok;
}

void aw__gbuf_trim(aw__gbuf *b) {
    if (b->cap > KEEP_LIMIT) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
    b->len = 0;
}

/* Zero-length blocks are never allocated: the host may ask for them (the
 * canonical ABI calls realloc even for empty strings) and the guest must not
 * free what it did not allocate. The block reads as "" and is aligned for any
 * element type. */
static _Alignas(16) uint8_t empty_block[16];

uint8_t *aw__empty(void) {
    return empty_block;
}

bool aw__host_owned(const void *ptr) {
    return ptr != NULL && ptr != (const void *)empty_block;
}

void aw__host_free(void *ptr) {
    if (aw__host_owned(ptr))
        free(ptr);
}

/* The canonical ABI's allocator. Every block gets one extra NUL byte after
 * new_size, so strings and text payloads the host writes are C strings too.
 * Out of memory traps: returning 0 would let the host write at address 0. */
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *old_ptr, size_t old_size,
                                                                 size_t align, size_t new_size);
void *cabi_realloc(void *old_ptr, size_t old_size, size_t align, size_t new_size) {
    (void)old_size;
    if (new_size == 0) {
        aw__host_free(old_ptr);
        return empty_block;
    }
    if (new_size == SIZE_MAX || align == 0 || (align & (align - 1)) != 0)
        __builtin_trap();
    uint8_t *p;
    if (align <= 8) {
        /* malloc's blocks are aligned for any scalar (8 on wasm32), which
         * covers every type of this world. */
        p = aw__host_owned(old_ptr) ? realloc(old_ptr, new_size + 1) : malloc(new_size + 1);
    } else {
        size_t size = (new_size + 1 + align - 1) & ~(align - 1);
        p = aligned_alloc(align, size);
        if (p && aw__host_owned(old_ptr)) {
            memcpy(p, old_ptr, old_size < new_size ? old_size : new_size);
            free(old_ptr);
        }
    }
    if (!p)
        __builtin_trap();
    p[new_size] = 0;
    return p;
}
