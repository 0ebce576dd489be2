/* The message envelope, its reference-counted payload, and its wire form. */
#ifndef AW_MSG_ENVELOPE_H
#define AW_MSG_ENVELOPE_H

#include "base/buf.h"
#include "msg/name.h"
#include "msg/trace.h"

#include <stdatomic.h>

/* Message bytes shared by every envelope that carries them (a publish fanned
 * out to many subscribers, a retried delivery): one allocation holding the
 * count and the bytes inline. Immutable once shared. */
typedef struct aw__payload {
    _Atomic uint32_t refs;
    uint32_t len;
    uint8_t bytes[];
} aw__payload;

/* A payload of len bytes with one reference; the bytes are not initialised
 * (fill them before sharing). NULL when out of memory or len > UINT32_MAX. */
aw__payload *aw__payload_alloc(size_t len);
/* As aw__payload_alloc, filled with a copy of bytes. */
aw__payload *aw__payload_create(const void *bytes, size_t len);

static inline aw__payload *aw__payload_retain(aw__payload *p) {
    /* relaxed: a new reference is made from an existing one, which already
     * orders the bytes for this thread. */
    if (p) atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

/* Drops one reference and frees the payload with the last; accepts NULL. */
void aw__payload_release(aw__payload *p);

/* What a message is. The values are the wire encoding; never renumber. */
#define AW__MSG_KIND_LIST(X)                                                                 \
    X(CAST, 1, "cast")                         /* one-way message to a component */        \
    X(REQUEST, 2, "request")                   /* expects one response or error */         \
    X(RESPONSE, 3, "response")                 /* ok answer to request_id */               \
    X(ERROR, 4, "error-response")              /* failed answer, see error */              \
    X(PUBLISH, 5, "publish")                   /* to the subscribers of topic */

typedef enum aw__msg_kind {
#define AW__MSG_KIND_ENUM_(name, value, text) AW__MSG_##name = value,
    AW__MSG_KIND_LIST(AW__MSG_KIND_ENUM_)
#undef AW__MSG_KIND_ENUM_
} aw__msg_kind;

/* The request-error enum of the WIT world (same order, same values). A
 * request's timeout or cancellation reaches the requester as an ERROR
 * envelope with AW__REQERR_TIMEOUT or AW__REQERR_CANCELLED, so every outcome
 * of a request arrives the same way. */
#define AW__REQUEST_ERROR_LIST(X)                                                            \
    X(TIMEOUT, "timeout")                                                                    \
    X(CANCELLED, "cancelled")                                                                \
    X(TARGET_CRASHED, "target-crashed")                                                      \
    X(TARGET_ERROR, "target-error")                                                          \
    X(UNKNOWN_TARGET, "unknown-target")                                                      \
    X(DENIED, "denied")

typedef enum aw__request_error {
#define AW__REQUEST_ERROR_ENUM_(name, text) AW__REQERR_##name,
    AW__REQUEST_ERROR_LIST(AW__REQUEST_ERROR_ENUM_)
#undef AW__REQUEST_ERROR_ENUM_
    AW__REQERR_COUNT
} aw__request_error;

const char *aw__msg_kind_name(aw__msg_kind kind);
const char *aw__request_error_name(aw__request_error error);

/* One message. Plain data (copy it by value; a copy that is kept must retain
 * payload and topic). from/to are interned names (never copied, never
 * freed per message); payload and topic are counted references the envelope
 * owns. Nothing here allocates. */
typedef struct aw__envelope {
    const aw__name *from; /* NULL: the embedding host */
    const aw__name *to;   /* NULL only for PUBLISH before fan-out */
    uint8_t kind;         /* aw__msg_kind */
    uint8_t error;        /* aw__request_error, ERROR only */
    uint64_t request_id;  /* non-zero for REQUEST, RESPONSE, ERROR; 0 otherwise */
    uint64_t deadline_ns; /* aw__clock_ns time; 0: none */
    aw__trace trace;
    aw__payload *payload; /* may be NULL (empty); for ERROR, the message text */
    aw__payload *topic;   /* PUBLISH only: the topic name */
} aw__envelope;

/* Releases the payload and topic references; the struct may be reused. */
void aw__envelope_release(aw__envelope *env);

/* Checks the invariants above (kind known, request id and topic present
 * exactly when the kind needs them, error code in range). AW_MALFORMED. */
aw_status aw__envelope_check(const aw__envelope *env, aw_error *err);

/* The wire form (docs/messaging.md): appends env to out. The deadline is
 * sent as the time left after now_ns, since monotonic clocks differ between
 * hosts. AW_MALFORMED when env fails aw__envelope_check; AW_NO_MEMORY. */
aw_status aw__envelope_encode(const aw__envelope *env, uint64_t now_ns, aw__buf *out,
                              aw_error *err);

/* Limits applied while decoding untrusted bytes. */
typedef struct aw__envelope_limits {
    size_t max_payload; /* payload bytes */
} aw__envelope_limits;

/* Decodes exactly len bytes into *out, interning the ids in names and
 * turning the time left back into a deadline from now_ns. On success *out
 * owns new payload/topic references (aw__envelope_release). AW_MALFORMED
 * with the byte offset for any bad input, AW_TOO_LARGE above the payload
 * limit, AW_LIMIT_EXCEEDED when the name table is full, AW_NO_MEMORY. On
 * failure *out holds no references. */
aw_status aw__envelope_decode(const uint8_t *bytes, size_t len, aw__names *names,
                              const aw__envelope_limits *limits, uint64_t now_ns,
                              aw__envelope *out, aw_error *err);

#endif
