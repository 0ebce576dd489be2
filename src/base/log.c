/* The logger: formats a record as human text or a JSON line and hands it to
 * the configured sink. Records are formatted into a stack buffer (no
 * allocation); sink calls are serialized by a spin flag so lines never
 * interleave. */
/* gmtime_r is POSIX; <time.h> itself is standard C. */
#define _POSIX_C_SOURCE 200809L
#include "base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES 2048

static const char *const level_names[] = {"trace", "debug", "info", "warn", "error", "off"};

static aw_log_config config = {AW_LOG_INFO, AW_LOG_HUMAN, NULL, NULL};
static atomic_int current_level = AW_LOG_INFO;
static atomic_flag sink_busy = ATOMIC_FLAG_INIT;

static void stderr_sink(void *ctx, aw_log_level level, const char *line, size_t len) {
    (void)ctx;
    (void)level;
    fwrite(line, 1, len, stderr);
    fputc('\n', stderr);
}

void aw_log_configure(const aw_log_config *cfg) {
    while (atomic_flag_test_and_set_explicit(&sink_busy, memory_order_acquire)) {
    }
    if (cfg) {
        config = *cfg;
    } else {
        config = (aw_log_config){AW_LOG_INFO, AW_LOG_HUMAN, NULL, NULL};
    }
    atomic_store_explicit(&current_level, (int)config.level, memory_order_relaxed);
    atomic_flag_clear_explicit(&sink_busy, memory_order_release);
}

const char *aw_log_level_name(aw_log_level level) {
    if ((unsigned)level > (unsigned)AW_LOG_OFF) return "?";
    return level_names[level];
}

aw_status aw_log_level_parse(const char *name, aw_log_level *out) {
    for (int i = 0; i <= (int)AW_LOG_OFF; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (aw_log_level)i;
            return AW_OK;
        }
    }
    return AW_INVALID_ARGUMENT;
}

bool aw__log_enabled(aw_log_level level) {
    return (int)level >= atomic_load_explicit(&current_level, memory_order_relaxed) &&
           level < AW_LOG_OFF;
}

/* snprintf at buf + *pos that never moves *pos past the end of buf. */
static void appendf(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void appendf(char *buf, size_t cap, size_t *pos, const char *fmt, ...) {
    if (*pos >= cap - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, cap - *pos, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    *pos += (size_t)n;
    if (*pos > cap - 1) *pos = cap - 1;
}

/* Appends s to buf at *pos as JSON string content, escaping as RFC 8259 asks. */
static void append_json_escaped(char *buf, size_t cap, size_t *pos, const char *s) {
    for (; *s && *pos + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[(*pos)++] = '\\';
            buf[(*pos)++] = (char)c;
        } else if (c == '\n') {
            buf[(*pos)++] = '\\';
            buf[(*pos)++] = 'n';
        } else if (c < 0x20) {
            appendf(buf, cap, pos, "\\u%04x", c);
        } else {
            buf[(*pos)++] = (char)c;
        }
    }
}

static size_t format_time(char *out, size_t cap) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(out + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
    return n;
}

void aw__log(aw_log_level level, const char *source, const char *fmt, ...) {
    if (!aw__log_enabled(level)) return;
    char message[LINE_MAX_BYTES / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    char when[40];
    format_time(when, sizeof when);

    char line[LINE_MAX_BYTES];
    size_t len = 0;
    while (atomic_flag_test_and_set_explicit(&sink_busy, memory_order_acquire)) {
    }
    if (config.format == AW_LOG_JSON) {
        appendf(line, sizeof line, &len, "{\"ts\":\"%s\",\"level\":\"%s\"", when,
                level_names[level]);
        if (source) {
            appendf(line, sizeof line, &len, ",\"source\":\"");
            append_json_escaped(line, sizeof line, &len, source);
            appendf(line, sizeof line, &len, "\"");
        }
        appendf(line, sizeof line, &len, ",\"msg\":\"");
        append_json_escaped(line, sizeof line, &len, message);
        appendf(line, sizeof line, &len, "\"}");
    } else {
        appendf(line, sizeof line, &len, "%s %-5s %s%s%s%s", when, level_names[level],
                source ? "[" : "", source ? source : "", source ? "] " : "", message);
    }
    aw_log_sink sink = config.sink ? config.sink : stderr_sink;
    sink(config.sink_ctx, level, line, len);
    atomic_flag_clear_explicit(&sink_busy, memory_order_release);
}
