/* aw__buf: a growable byte buffer (used for building payloads, text output). */
#ifndef AW_BASE_BUF_H
#define AW_BASE_BUF_H

#include "airwasm/status.h"

typedef struct aw__buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} aw__buf;

#define AW__BUF_INIT {NULL, 0, 0}

/* Makes room for at least extra more bytes; AW_NO_MEMORY on failure. */
aw_status aw__buf_reserve(aw__buf *b, size_t extra);
aw_status aw__buf_append(aw__buf *b, const void *bytes, size_t len);
aw_status aw__buf_append_byte(aw__buf *b, uint8_t byte);
/* Appends printf-style text (no NUL is counted in len, but one is kept after it). */
aw_status aw__buf_printf(aw__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void aw__buf_free(aw__buf *b);

#endif
