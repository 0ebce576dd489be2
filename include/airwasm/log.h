/* Logging: levels, human or JSON-lines format, a sink the embedder chooses. */
#ifndef AIRWASM_LOG_H
#define AIRWASM_LOG_H

#include "airwasm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum aw_log_level {
    AW_LOG_TRACE,
    AW_LOG_DEBUG,
    AW_LOG_INFO,
    AW_LOG_WARN,
    AW_LOG_ERROR,
    AW_LOG_OFF
} aw_log_level;

typedef enum aw_log_format { AW_LOG_HUMAN, AW_LOG_JSON } aw_log_format;

/* Receives one finished line (without trailing newline; borrowed for the
 * duration of the call). May be called from any thread, never concurrently
 * with itself. */
typedef void (*aw_log_sink)(void *ctx, aw_log_level level, const char *line, size_t len);

typedef struct aw_log_config {
    aw_log_level level;   /* records below this level are dropped */
    aw_log_format format; /* AW_LOG_HUMAN (default) or AW_LOG_JSON */
    aw_log_sink sink;     /* NULL: standard error */
    void *sink_ctx;       /* kept: passed to sink */
} aw_log_config;

/* Installs the process-wide log configuration (copied). NULL restores the
 * default: level INFO, human format, standard error. */
AW_API void aw_log_configure(const aw_log_config *config);

/* "trace", "debug", "info", "warn", "error", "off". */
AW_API const char *aw_log_level_name(aw_log_level level);
/* Parses a level name as above; AW_INVALID_ARGUMENT for anything else. */
AW_API aw_status aw_log_level_parse(const char *name, aw_log_level *out);

#ifdef __cplusplus
}
#endif

#endif
