/* Trace context carried by every message: W3C trace-context ids and flags. */
#ifndef AW_MSG_TRACE_H
#define AW_MSG_TRACE_H

#include "airwasm/status.h"

/* trace_hi/trace_lo are the 16 trace-id bytes read big-endian (the order they
 * appear in hex); an all-zero trace id or span id means "none". */
typedef struct aw__trace {
    uint64_t trace_hi;
    uint64_t trace_lo;
    uint64_t span_id;
    uint8_t flags; /* bit 0: sampled */
} aw__trace;

#define AW__TRACE_SAMPLED 0x01u
/* "00-" + 32 hex + "-" + 16 hex + "-" + 2 hex */
#define AW__TRACEPARENT_LEN 55

static inline bool aw__trace_is_set(const aw__trace *t) {
    return (t->trace_hi | t->trace_lo) != 0 && t->span_id != 0;
}

/* A fast non-cryptographic random word from a per-thread wyrand state,
 * seeded once per thread from aw__random_bytes. Never returns 0. */
uint64_t aw__trace_random_u64(void);

/* A new root context: random non-zero trace and span ids, the given flags. */
void aw__trace_new_root(aw__trace *out, uint8_t flags);
/* A child of parent (same trace id and flags, new span id); a new root when
 * parent is NULL or not set. */
void aw__trace_new_child(aw__trace *out, const aw__trace *parent);

/* Writes the traceparent header value (55 chars + NUL) into out. */
void aw__trace_format(const aw__trace *t, char out[AW__TRACEPARENT_LEN + 1]);
/* Parses a traceparent value of len bytes. AW_MALFORMED for wrong lengths or
 * separators, non-hex or uppercase hex, version ff, all-zero ids, or extra
 * bytes after a version 00 value. A version above 00 is read by its first
 * 55 bytes as the W3C spec asks, when what follows starts with '-'. */
aw_status aw__trace_parse(const char *text, size_t len, aw__trace *out);

#endif
