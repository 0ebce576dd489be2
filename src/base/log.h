/* Internal logging calls; the configuration is public in airwasm/log.h. */
#ifndef AW_BASE_LOG_H
#define AW_BASE_LOG_H

#include "airwasm/log.h"

/* True when a record at level would be written (cheap: one relaxed load). */
bool aw__log_enabled(aw_log_level level);

/* Writes one record. source names the part of the runtime or the component
 * that speaks (e.g. "scheduler", "component:billing"); may be NULL. */
void aw__log(aw_log_level level, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define AW__LOG(level, source, ...)                                                          \
    do {                                                                                     \
        if (aw__log_enabled(level)) aw__log(level, source, __VA_ARGS__);                     \
    } while (0)

#endif
