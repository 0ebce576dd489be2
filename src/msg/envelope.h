/* The message envelope, its reference-counted payload, and its wire form. */
#ifndef AW_MSG_ENVELOPE_H
#define AW_MSG_ENVELOPE_H

#include "airwasm/actor.h"
#include "base/buf.h"
#include "msg/name.h"
#include "msg/trace.h"

/* Payloads are the actor layer's aw_payload: one allocation with the count
 * and the bytes inline, pooled when small, shared by every envelope and
 * mailbox message that carries them (a publish fanned out to many
 * subscribers), immutable once shared. */

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
    aw_payload *payload; /* may be NULL (empty); for ERROR, the message text */
    aw_payload *topic;   /* PUBLISH only: the topic name */
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

/* In-process, an envelope travels through an actor mailbox as an aw_msg:
 *   kind    = AW__ENVELOPE_MSG_TAG | trace.flags << 16 | error << 8 | kind
 *   corr    = request_id,   sender = the sending actor (or AW_ACTOR_NONE)
 *   word[0] = from (the aw__name pointer), word[1..2] = trace id, word[3] = span id
 *   payload = payload (the reference moves)
 * The target is the receiving actor itself, the topic is not delivered (the
 * handle-message world has no place for it) and a request's deadline lives
 * in the request table (aw__correlate_deadline), so the message stays the
 * actor layer's fixed size and sending allocates nothing. */
#define AW__ENVELOPE_MSG_TAG UINT64_C(0x4157000000000000)
#define AW__ENVELOPE_MSG_MASK UINT64_C(0xffff000000000000)

static inline bool aw__envelope_in_msg(const aw_msg *msg) {
    return (msg->kind & AW__ENVELOPE_MSG_MASK) == AW__ENVELOPE_MSG_TAG;
}

/* Fills *msg from env, moving env's payload reference into it (env->payload
 * becomes NULL; env->topic is released). Inline: every send does it. */
static inline void aw__envelope_to_msg(aw__envelope *env, aw_actor_ref sender, aw_msg *msg) {
    msg->kind = AW__ENVELOPE_MSG_TAG | (uint64_t)env->trace.flags << 16 |
                (uint64_t)env->error << 8 | env->kind;
    msg->corr = env->request_id;
    msg->sender = sender;
    msg->word[0] = (uint64_t)(uintptr_t)env->from;
    msg->word[1] = env->trace.trace_hi;
    msg->word[2] = env->trace.trace_lo;
    msg->word[3] = env->trace.span_id;
    msg->payload = env->payload;
    env->payload = NULL;
    if (env->topic) aw_payload_release(env->topic);
    env->topic = NULL;
}

/* True for the kinds of AW__MSG_KIND_LIST (a switch: the compiler makes it
 * one range check). */
static inline bool aw__msg_kind_valid(unsigned kind) {
    switch (kind) {
#define AW__MSG_KIND_CASE_(name, value, text) case value:
        AW__MSG_KIND_LIST(AW__MSG_KIND_CASE_)
#undef AW__MSG_KIND_CASE_
        return true;
        default:
            return false;
    }
}

/* The kinds that carry a request id (and only they do). */
static inline bool aw__msg_kind_has_request_id(unsigned kind) {
    return kind == AW__MSG_REQUEST || kind == AW__MSG_RESPONSE || kind == AW__MSG_ERROR;
}

/* A view of msg as an envelope: view->payload is msg's reference, borrowed
 * (do not release it), view->to is NULL, view->deadline_ns is 0.
 * AW_MALFORMED when msg is not an envelope or its kind bits are invalid.
 * Inline, every field stored once (no memset): every received message is
 * viewed. */
static inline aw_status aw__envelope_view_msg(const aw_msg *msg, aw__envelope *view) {
    uint64_t bits = msg->kind;
    if ((bits & UINT64_C(0xffffffffff000000)) != AW__ENVELOPE_MSG_TAG) return AW_MALFORMED;
    unsigned kind = (uint8_t)bits, error = (uint8_t)(bits >> 8);
    uint64_t request_id = msg->corr;
    if (!aw__msg_kind_valid(kind)) return AW_MALFORMED;
    if (aw__msg_kind_has_request_id(kind) != (request_id != 0)) return AW_MALFORMED;
    if (kind == AW__MSG_ERROR ? error >= AW__REQERR_COUNT : error != 0) return AW_MALFORMED;
    view->from = (const aw__name *)(uintptr_t)msg->word[0];
    view->to = NULL;
    view->kind = (uint8_t)kind;
    view->error = (uint8_t)error;
    view->request_id = request_id;
    view->deadline_ns = 0;
    view->trace.trace_hi = msg->word[1];
    view->trace.trace_lo = msg->word[2];
    view->trace.span_id = msg->word[3];
    view->trace.flags = (uint8_t)(bits >> 16);
    view->payload = msg->payload;
    view->topic = NULL;
    return AW_OK;
}

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
