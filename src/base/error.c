/* aw_error helpers. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void aw_error_clear(aw_error *err) {
    if (!err) return;
    err->status = AW_OK;
    err->trap = AW_TRAP_NONE;
    err->offset = AW_ERROR_NO_OFFSET;
    err->line = 0;
    err->column = 0;
    err->func_index = AW_ERROR_NO_INDEX;
    err->message[0] = '\0';
}

aw_status aw__error_set_text(aw_error *err, aw_status status, const char *text) {
    if (!err) return status;
    aw_error_clear(err);
    err->status = status;
    size_t n = strlen(text);
    if (n >= sizeof err->message) n = sizeof err->message - 1;
    memcpy(err->message, text, n);
    err->message[n] = '\0';
    return status;
}

static void error_fill(aw_error *err, aw_status status, const char *fmt, va_list ap) {
    aw_error_clear(err);
    err->status = status;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

aw_status aw__error_set(aw_error *err, aw_status status, const char *fmt, ...) {
    if (!err) return status;
    va_list ap;
    va_start(ap, fmt);
    error_fill(err, status, fmt, ap);
    va_end(ap);
    return status;
}

aw_status aw__error_at(aw_error *err, aw_status status, uint64_t offset, const char *fmt, ...) {
    if (!err) return status;
    va_list ap;
    va_start(ap, fmt);
    error_fill(err, status, fmt, ap);
    va_end(ap);
    err->offset = offset;
    return status;
}

aw_status aw__error_at_line(aw_error *err, aw_status status, uint32_t line, uint32_t column,
                            const char *fmt, ...) {
    if (!err) return status;
    va_list ap;
    va_start(ap, fmt);
    error_fill(err, status, fmt, ap);
    va_end(ap);
    err->line = line;
    err->column = column;
    return status;
}
