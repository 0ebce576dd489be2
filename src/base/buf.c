/* aw__buf: growth doubles the capacity, so appends are amortized O(1). */
#include "base/buf.h"

#include "base/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

aw_status aw__buf_reserve(aw__buf *b, size_t extra) {
    if (extra > SIZE_MAX - b->len - 1) return AW_NO_MEMORY;
    size_t need = b->len + extra + 1; /* room for a trailing NUL */
    if (need <= b->cap) return AW_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *data = aw__realloc(b->data, b->cap, cap);
    if (!data) return AW_NO_MEMORY;
    b->data = data;
    b->cap = cap;
    return AW_OK;
}

aw_status aw__buf_append(aw__buf *b, const void *bytes, size_t len) {
    aw_status s = aw__buf_reserve(b, len);
    if (s != AW_OK) return s;
    if (len) memcpy(b->data + b->len, bytes, len);
    b->len += len;
    b->data[b->len] = 0;
    return AW_OK;
}

aw_status aw__buf_append_byte(aw__buf *b, uint8_t byte) {
    return aw__buf_append(b, &byte, 1);
}

aw_status aw__buf_printf(aw__buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return AW_INVALID_ARGUMENT;
    aw_status s = aw__buf_reserve(b, (size_t)n);
    if (s != AW_OK) return s;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return AW_OK;
}

void aw__buf_free(aw__buf *b) {
    aw__free(b->data, b->cap);
    b->data = NULL;
    b->len = b->cap = 0;
}
