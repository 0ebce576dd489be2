/* Growable byte buffers kept across messages (replies, scratch payloads). */
#include "guest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool aw__gbuf_reserve(aw__gbuf *b, size_t len) {
    if (len < b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= len) {
        if (cap > SIZE_MAX / 2) return false;
        cap *= 2;
    }
    uint8_t *data = realloc(b->data, cap);
    if (!data) return false;
    b->data = data;
    b->cap = cap;
    return true;
}

bool aw__gbuf_set_prefixed(aw__gbuf *b, uint64_t codec, const void *body, size_t len) {
    uint8_t prefix[AW_UVARINT_MAX];
    size_t n = aw_uvarint_encode(codec, prefix);
    if (n == 0 || len > SIZE_MAX - n - 1 || !aw__gbuf_reserve(b, n + len)) return false;
    memcpy(b->data, prefix, n);
    if (len) memcpy(b->data + n, body, len);
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
    if (b->cap > AW__GBUF_KEEP) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
    b->len = 0;
}
