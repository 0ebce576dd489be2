/* Filling aw_error records from library code. */
#ifndef AW_BASE_ERROR_H
#define AW_BASE_ERROR_H

#include "airwasm/error.h"

/* Sets *err (if non-NULL) to status with a printf-style message and returns
 * status, so a failing path can `return aw__error_set(err, AW_X, "...")`. */
aw_status aw__error_set(aw_error *err, aw_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As aw__error_set with a fixed message (no formatting): for statuses on
 * hot paths that are not failures, such as a suspension. */
aw_status aw__error_set_text(aw_error *err, aw_status status, const char *text);

/* As aw__error_set, also recording the byte offset in the input. */
aw_status aw__error_at(aw_error *err, aw_status status, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* As aw__error_set, also recording a 1-based line and column of a text input. */
aw_status aw__error_at_line(aw_error *err, aw_status status, uint32_t line, uint32_t column,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
