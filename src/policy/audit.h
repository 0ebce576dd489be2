/* The audit log writer: aw_audit_record as JSON lines to a file and/or the
 * embedder's sink (docs/security.md, "Audit log"). */
#ifndef AW_POLICY_AUDIT_H
#define AW_POLICY_AUDIT_H

#include "airwasm/airwasm.h"

#include <stdatomic.h>

typedef struct aw__audit aw__audit;

typedef struct aw__audit_config {
    const char *path;      /* append JSON lines here; NULL: no file */
    aw_audit_fn fn;        /* NULL: no sink */
    void *ctx;             /* kept */
    uint32_t sample_sends; /* 1 in N successful sends is recorded; 0: none */
} aw__audit_config;

/* Opens the file (created if absent, appended to). With neither a path nor
 * a sink *out is NULL and AW_OK is returned: every function below accepts a
 * NULL log and does nothing, so callers need no branch of their own.
 * AW_IO_ERROR names the file when it cannot be opened. */
aw_status aw__audit_create(const aw__audit_config *config, aw__audit **out, aw_error *err);
/* Flushes and closes; accepts NULL. */
void aw__audit_destroy(aw__audit *log);

/* Writes one record (thread-safe; lines never interleave). Records the
 * caller leaves time_ns 0 get the current wall clock. */
void aw__audit_write(aw__audit *log, const aw_audit_record *record);

/* Whether this successful send should be recorded: true for 1 in
 * sample_sends calls, never when sampling is off or log is NULL. One relaxed
 * atomic increment when sampling is on, a NULL test when it is off. */
static inline bool aw__audit_sample(aw__audit *log);

/* Formats record as one JSON object (no newline) into buf; returns the
 * length, or 0 when it did not fit (buf then holds nothing useful). */
size_t aw__audit_format(const aw_audit_record *record, char *buf, size_t cap);

/* "denied", "rate-limited", "too-large", "limit-exceeded", "trap", "ok", ...:
 * a status name in lower case with dashes. */
const char *aw__audit_outcome_name(aw_status status, char *buf, size_t cap);

/* ---- inline fast path ---- */

/* The part of the log the sampling test reads without a call. */
typedef struct aw__audit_head {
    uint32_t sample_sends;
    atomic_uint_fast32_t sample_counter;
} aw__audit_head;

static inline bool aw__audit_sample(aw__audit *log) {
    if (!log) return false;
    aw__audit_head *h = (aw__audit_head *)(void *)log;
    if (h->sample_sends == 0) return false;
    return atomic_fetch_add_explicit(&h->sample_counter, 1, memory_order_relaxed) %
               h->sample_sends ==
           0;
}

#endif
