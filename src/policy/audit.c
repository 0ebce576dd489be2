/* The audit log: builds each record with jansson, then appends it under a
 * mutex to the file (one write and flush per line, so a crash of the host
 * loses at most the line being written) and hands it to the sink. Records
 * are rare events (denials, limit hits, crashes, restarts, sampled sends),
 * so a small allocation by jansson per record is acceptable. */
#include "audit.h"

#include "base/alloc.h"
#include "base/error.h"
#include "platform/os.h"
#include "platform/thread.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define LINE_MAX_BYTES 4096
#define FIELD_MAX_BYTES 512

struct aw__audit {
    aw__audit_head head; /* first: aw__audit_sample reads it inline */
    aw__mutex lock;      /* guards file */
    FILE *file;
    aw_audit_fn fn;
    void *ctx;
};

const char *aw_audit_action_name(aw_audit_action action) {
    switch (action) {
        case AW_AUDIT_SEND: return "send";
        case AW_AUDIT_REQUEST: return "request";
        case AW_AUDIT_CALL: return "call";
        case AW_AUDIT_PUBLISH: return "publish";
        case AW_AUDIT_SUBSCRIBE: return "subscribe";
        case AW_AUDIT_START: return "start";
        case AW_AUDIT_CRASH: return "crash";
        case AW_AUDIT_RESTART: return "restart";
        case AW_AUDIT_FILE: return "file";
    }
    return "?";
}

aw_status aw__audit_create(const aw__audit_config *config, aw__audit **out, aw_error *err) {
    *out = NULL;
    if (!config || (!config->path && !config->fn)) return AW_OK;
    aw__audit *log = AW__NEW(aw__audit);
    if (!log) return aw__error_set(err, AW_NO_MEMORY, "out of memory creating the audit log");
    log->head.sample_sends = config->sample_sends;
    atomic_init(&log->head.sample_counter, 0);
    log->fn = config->fn;
    log->ctx = config->ctx;
    aw_status s = aw__mutex_init(&log->lock);
    if (s != AW_OK) {
        AW__DELETE(log);
        return aw__error_set(err, s, "cannot create the audit log's lock");
    }
    if (config->path) {
        log->file = fopen(config->path, "a");
        if (!log->file) {
            aw__mutex_destroy(&log->lock);
            AW__DELETE(log);
            return aw__error_set(err, AW_IO_ERROR, "cannot open the audit log %s", config->path);
        }
    }
    *out = log;
    return AW_OK;
}

void aw__audit_destroy(aw__audit *log) {
    if (!log) return;
    if (log->file) fclose(log->file);
    aw__mutex_destroy(&log->lock);
    AW__DELETE(log);
}

/* An X-macro name (RATE_LIMITED) as the log spells it (rate-limited). */
static const char *spell(const char *name, char *buf, size_t cap) {
    size_t i = 0;
    for (; name[i] && i + 1 < cap; i++) {
        char ch = name[i];
        buf[i] = ch == '_' ? '-' : (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    if (cap) buf[i] = '\0';
    return buf;
}

const char *aw__audit_outcome_name(aw_status status, char *buf, size_t cap) {
    return spell(aw_status_name(status), buf, cap);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t len) {
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                            : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || n > len || (n == 2 && c < 0xc2) || (n == 4 && c > 0xf4)) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if (n == 3 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))) return 0;
    if (n == 4 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))) return 0;
    return n;
}

/* Sets key to text, at most FIELD_MAX_BYTES of it, with every byte that is
 * not valid UTF-8 replaced by '?': fields may echo what a guest chose. */
static void put_text(json_t *obj, const char *key, const char *text) {
    if (!text) return;
    char clean[FIELD_MAX_BYTES + 4];
    size_t len = strlen(text), out = 0;
    for (size_t i = 0; i < len && out < FIELD_MAX_BYTES;) {
        size_t n = utf8_sequence((const unsigned char *)text + i, len - i);
        if (n == 0 || text[i] == '\0') {
            clean[out++] = '?';
            i++;
            continue;
        }
        memcpy(clean + out, text + i, n);
        out += n;
        i += n;
    }
    json_object_set_new(obj, key, json_stringn(clean, out));
}

/* RFC 3339 UTC with nanoseconds, from the days-since-epoch civil calendar
 * algorithm (no gmtime_r: it is not in C11). */
static void format_time(uint64_t ns, char out[64]) {
    uint64_t secs = ns / 1000000000u;
    int64_t days = (int64_t)(secs / 86400u);
    uint64_t rem = secs % 86400u;
    days += 719468;
    int64_t era = days / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    snprintf(out, 64, "%04lld-%02lld-%02lldT%02u:%02u:%02u.%09uZ", (long long)year,
             (long long)month, (long long)day, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
             (unsigned)(rem % 60), (unsigned)(ns % 1000000000u));
}

size_t aw__audit_format(const aw_audit_record *r, char *buf, size_t cap) {
    json_t *obj = json_object();
    if (!obj) return 0;
    char text[64];
    format_time(r->time_ns, text);
    json_object_set_new(obj, "time", json_string(text));
    put_text(obj, "component", r->component ? r->component : "");
    put_text(obj, "target", r->target);
    json_object_set_new(obj, "action", json_string(aw_audit_action_name(r->action)));
    json_object_set_new(obj, "outcome",
                        json_string(aw__audit_outcome_name(r->outcome, text, sizeof text)));
    if (r->trap != AW_TRAP_NONE)
        json_object_set_new(obj, "trap", json_string(spell(aw_trap_name(r->trap), text,
                                                           sizeof text)));
    if (r->trace_hi | r->trace_lo) {
        snprintf(text, sizeof text, "%016llx%016llx", (unsigned long long)r->trace_hi,
                 (unsigned long long)r->trace_lo);
        json_object_set_new(obj, "trace_id", json_string(text));
    }
    put_text(obj, "detail", r->detail);
    size_t len = json_dumpb(obj, buf, cap, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    return len <= cap ? len : 0;
}

void aw__audit_write(aw__audit *log, const aw_audit_record *record) {
    if (!log) return;
    aw_audit_record r = *record;
    if (r.time_ns == 0) r.time_ns = aw__clock_realtime_ns();
    char line[LINE_MAX_BYTES + 1];
    size_t len = aw__audit_format(&r, line, LINE_MAX_BYTES);
    if (len == 0) return; /* fields are capped, so only out of memory gets here */
    if (log->file) {
        line[len] = '\n';
        aw__mutex_lock(&log->lock);
        fwrite(line, 1, len + 1, log->file);
        fflush(log->file);
        aw__mutex_unlock(&log->lock);
    }
    line[len] = '\0';
    if (log->fn) log->fn(log->ctx, &r, line, len);
}
