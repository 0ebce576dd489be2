/* Envelopes: payload reference counting, invariants, and the wire format.
 *
 * Wire format, version 1 (all integers are minimal uvarints unless noted;
 * docs/messaging.md has the table):
 *   u8 version (1) | u8 kind | u8 flags | [u8 error, ERROR only]
 *   | from: uvarint len + bytes (len 0: the host) | to: uvarint len + bytes
 *   | [request id, REQUEST/RESPONSE/ERROR] | [trace: 16 + 8 bytes big-endian
 *   ids, u8 flags, if flag TRACE] | [uvarint ns left, if flag DEADLINE]
 *   | [topic: uvarint len + bytes, PUBLISH only] | payload: uvarint len + bytes
 * Nothing may follow the payload. */
#include "msg/envelope.h"

#include "base/alloc.h"
#include "base/error.h"
#include "msg/multicodec.h"
#include "msg/topic.h"

#include <string.h>

#define WIRE_VERSION 1
#define FLAG_TRACE 0x01u
#define FLAG_DEADLINE 0x02u
#define FLAGS_KNOWN (FLAG_TRACE | FLAG_DEADLINE)
#define TRACE_BYTES 25

static const char *const kind_names[] = {
#define AW__MSG_KIND_NAME_(name, value, text) [value] = text,
    AW__MSG_KIND_LIST(AW__MSG_KIND_NAME_)
#undef AW__MSG_KIND_NAME_
};

static const char *const request_error_names[] = {
#define AW__REQUEST_ERROR_NAME_(name, text) text,
    AW__REQUEST_ERROR_LIST(AW__REQUEST_ERROR_NAME_)
#undef AW__REQUEST_ERROR_NAME_
};

const char *aw__msg_kind_name(aw__msg_kind kind) {
    return aw__msg_kind_valid((unsigned)kind) ? kind_names[kind] : "?";
}

const char *aw__request_error_name(aw__request_error error) {
    return (unsigned)error < AW__REQERR_COUNT ? request_error_names[error] : "?";
}

void aw__envelope_release(aw__envelope *env) {
    aw_payload_release(env->payload);
    aw_payload_release(env->topic);
    env->payload = NULL;
    env->topic = NULL;
}

aw_status aw__envelope_check(const aw__envelope *env, aw_error *err) {
    if (!aw__msg_kind_valid(env->kind))
        return aw__error_set(err, AW_MALFORMED, "unknown message kind %u", env->kind);
    if (aw__msg_kind_has_request_id(env->kind) != (env->request_id != 0))
        return aw__error_set(err, AW_MALFORMED, "a %s %s a request id",
                             aw__msg_kind_name(env->kind),
                             env->request_id ? "must not have" : "needs");
    if (env->kind == AW__MSG_ERROR ? env->error >= AW__REQERR_COUNT : env->error != 0)
        return aw__error_set(err, AW_MALFORMED, "bad error code %u for a %s", env->error,
                             aw__msg_kind_name(env->kind));
    if ((env->kind == AW__MSG_PUBLISH) != (env->topic != NULL))
        return aw__error_set(err, AW_MALFORMED, "a %s %s a topic", aw__msg_kind_name(env->kind),
                             env->topic ? "must not have" : "needs");
    aw_error topic_err;
    if (env->topic && aw__topic_check_name((const char *)env->topic->bytes, env->topic->len,
                                           &topic_err) != AW_OK)
        return aw__error_set(err, AW_MALFORMED, "bad topic: %s", topic_err.message);
    if (!env->to && env->kind != AW__MSG_PUBLISH)
        return aw__error_set(err, AW_MALFORMED, "a %s needs a target",
                             aw__msg_kind_name(env->kind));
    return AW_OK;
}

/* ---- encoding ---- */

static aw_status put_uvarint(aw__buf *out, uint64_t value) {
    uint8_t tmp[AW__UVARINT_MAX_BYTES];
    size_t n = aw__uvarint_encode(value, tmp);
    return aw__buf_append(out, tmp, n);
}

static aw_status put_bytes(aw__buf *out, const void *bytes, size_t len) {
    aw_status s = put_uvarint(out, len);
    if (s == AW_OK && len) s = aw__buf_append(out, bytes, len);
    return s;
}

static void put_be64(uint8_t *p, uint64_t v) {
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

aw_status aw__envelope_encode(const aw__envelope *env, uint64_t now_ns, aw__buf *out,
                              aw_error *err) {
    aw_status s = aw__envelope_check(env, err);
    if (s != AW_OK) return s;
    size_t start = out->len;
    uint8_t flags = 0;
    if (aw__trace_is_set(&env->trace)) flags |= FLAG_TRACE;
    if (env->deadline_ns) flags |= FLAG_DEADLINE;
    uint8_t head[4] = {WIRE_VERSION, env->kind, flags, env->error};
    s = aw__buf_append(out, head, env->kind == AW__MSG_ERROR ? 4 : 3);
    if (s != AW_OK) goto fail;
    s = put_bytes(out, env->from ? env->from->text : "", env->from ? env->from->len : 0);
    if (s != AW_OK) goto fail;
    s = put_bytes(out, env->to ? env->to->text : "", env->to ? env->to->len : 0);
    if (s != AW_OK) goto fail;
    if (aw__msg_kind_has_request_id(env->kind)) {
        if (env->request_id > AW__UVARINT_MAX_VALUE) {
            s = aw__error_set(err, AW_MALFORMED, "request id above 2^63-1");
            goto fail;
        }
        s = put_uvarint(out, env->request_id);
        if (s != AW_OK) goto fail;
    }
    if (flags & FLAG_TRACE) {
        uint8_t trace[TRACE_BYTES];
        put_be64(trace, env->trace.trace_hi);
        put_be64(trace + 8, env->trace.trace_lo);
        put_be64(trace + 16, env->trace.span_id);
        trace[24] = env->trace.flags;
        s = aw__buf_append(out, trace, sizeof trace);
        if (s != AW_OK) goto fail;
    }
    if (flags & FLAG_DEADLINE) {
        uint64_t left = env->deadline_ns > now_ns ? env->deadline_ns - now_ns : 0;
        if (left > AW__UVARINT_MAX_VALUE) left = AW__UVARINT_MAX_VALUE;
        s = put_uvarint(out, left);
        if (s != AW_OK) goto fail;
    }
    if (env->topic) {
        s = put_bytes(out, env->topic->bytes, env->topic->len);
        if (s != AW_OK) goto fail;
    }
    s = put_bytes(out, env->payload ? env->payload->bytes : NULL,
                  env->payload ? env->payload->len : 0);
    if (s != AW_OK) goto fail;
    return AW_OK;
fail:
    out->len = start; /* leave out as it was */
    if (s == AW_NO_MEMORY) aw__error_set(err, s, "out of memory encoding an envelope");
    return s;
}

/* ---- decoding ---- */

typedef struct reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
    aw_error *err;
} reader;

static aw_status read_byte(reader *r, uint8_t *out, const char *what) {
    if (r->pos >= r->len)
        return aw__error_at(r->err, AW_MALFORMED, r->pos, "envelope ends before its %s", what);
    *out = r->p[r->pos++];
    return AW_OK;
}

static aw_status read_uvarint(reader *r, uint64_t *out, const char *what) {
    size_t used;
    if (aw__uvarint_decode(r->p + r->pos, r->len - r->pos, out, &used) != AW_OK)
        return aw__error_at(r->err, AW_MALFORMED, r->pos, "bad varint for the %s", what);
    r->pos += used;
    return AW_OK;
}

/* A length-prefixed field; *bytes points into the input. */
static aw_status read_field(reader *r, const uint8_t **bytes, size_t *len, size_t max,
                            const char *what) {
    uint64_t n;
    size_t at = r->pos;
    aw_status s = read_uvarint(r, &n, what);
    if (s != AW_OK) return s;
    if (n > r->len - r->pos)
        return aw__error_at(r->err, AW_MALFORMED, at, "the %s (%llu bytes) runs past the end",
                            what, (unsigned long long)n);
    if (n > max)
        return aw__error_at(r->err, AW_TOO_LARGE, at, "the %s is %llu bytes, the limit is %zu",
                            what, (unsigned long long)n, max);
    *bytes = r->p + r->pos;
    *len = (size_t)n;
    r->pos += (size_t)n;
    return AW_OK;
}

static uint64_t get_be64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static aw_status read_name(reader *r, aw__names *names, const aw__name **out, const char *what) {
    const uint8_t *text = NULL;
    size_t len = 0;
    size_t at = r->pos;
    aw_status s = read_field(r, &text, &len, AW__NAME_MAX_LEN, what);
    if (s == AW_TOO_LARGE) s = AW_MALFORMED;
    if (s != AW_OK) {
        if (r->err) r->err->status = s;
        return s;
    }
    *out = NULL;
    if (len == 0) return AW_OK;
    s = aw__names_intern(names, (const char *)text, len, out, r->err);
    if (s == AW_INVALID_ARGUMENT)
        return aw__error_at(r->err, AW_MALFORMED, at, "the %s is not a component id", what);
    return s;
}

aw_status aw__envelope_decode(const uint8_t *bytes, size_t len, aw__names *names,
                              const aw__envelope_limits *limits, uint64_t now_ns,
                              aw__envelope *out, aw_error *err) {
    memset(out, 0, sizeof *out);
    reader r = {bytes, len, 0, err};
    aw__envelope env;
    memset(&env, 0, sizeof env);
    uint8_t version = 0, kind = 0, flags = 0;
    aw_status s = read_byte(&r, &version, "version");
    if (s != AW_OK) return s;
    if (version != WIRE_VERSION)
        return aw__error_at(err, AW_MALFORMED, 0, "unknown envelope version %u", version);
    if ((s = read_byte(&r, &kind, "kind")) != AW_OK) return s;
    if (!aw__msg_kind_valid(kind))
        return aw__error_at(err, AW_MALFORMED, 1, "unknown message kind %u", kind);
    env.kind = kind;
    if ((s = read_byte(&r, &flags, "flags")) != AW_OK) return s;
    if (flags & ~FLAGS_KNOWN)
        return aw__error_at(err, AW_MALFORMED, 2, "unknown envelope flags 0x%02x", flags);
    if (kind == AW__MSG_ERROR) {
        if ((s = read_byte(&r, &env.error, "error code")) != AW_OK) return s;
        if (env.error >= AW__REQERR_COUNT)
            return aw__error_at(err, AW_MALFORMED, 3, "unknown request error %u", env.error);
    }
    if ((s = read_name(&r, names, &env.from, "sender")) != AW_OK) return s;
    size_t to_at = r.pos;
    if ((s = read_name(&r, names, &env.to, "target")) != AW_OK) return s;
    if (!env.to && kind != AW__MSG_PUBLISH)
        return aw__error_at(err, AW_MALFORMED, to_at, "a %s needs a target",
                            aw__msg_kind_name(kind));
    if (aw__msg_kind_has_request_id(kind)) {
        size_t at = r.pos;
        if ((s = read_uvarint(&r, &env.request_id, "request id")) != AW_OK) return s;
        if (env.request_id == 0)
            return aw__error_at(err, AW_MALFORMED, at, "request id 0 is reserved");
    }
    if (flags & FLAG_TRACE) {
        if (r.len - r.pos < TRACE_BYTES)
            return aw__error_at(err, AW_MALFORMED, r.pos, "envelope ends inside the trace context");
        const uint8_t *t = bytes + r.pos;
        env.trace.trace_hi = get_be64(t);
        env.trace.trace_lo = get_be64(t + 8);
        env.trace.span_id = get_be64(t + 16);
        env.trace.flags = t[24];
        if (!aw__trace_is_set(&env.trace))
            return aw__error_at(err, AW_MALFORMED, r.pos, "trace context with a zero id");
        r.pos += TRACE_BYTES;
    }
    if (flags & FLAG_DEADLINE) {
        uint64_t left;
        if ((s = read_uvarint(&r, &left, "deadline")) != AW_OK) return s;
        /* Saturate; 0 means "no deadline", so an expired one becomes now. */
        env.deadline_ns = left > UINT64_MAX - now_ns ? UINT64_MAX : now_ns + left;
        if (env.deadline_ns == 0) env.deadline_ns = 1;
    }
    const uint8_t *topic = NULL, *payload = NULL;
    size_t topic_len = 0, payload_len = 0;
    if (kind == AW__MSG_PUBLISH) {
        size_t at = r.pos;
        s = read_field(&r, &topic, &topic_len, AW__TOPIC_MAX_LEN, "topic");
        if (s == AW_OK && aw__topic_check_name((const char *)topic, topic_len, NULL) != AW_OK)
            s = AW_MALFORMED;
        if (s != AW_OK) return aw__error_at(err, AW_MALFORMED, at, "bad topic in a publish");
    }
    if ((s = read_field(&r, &payload, &payload_len, limits->max_payload, "payload")) != AW_OK)
        return s;
    if (r.pos != len)
        return aw__error_at(err, AW_MALFORMED, r.pos, "%zu bytes follow the payload", len - r.pos);
    if (topic) {
        env.topic = aw_payload_copy(topic, topic_len);
        if (!env.topic) goto no_memory;
    }
    if (payload_len) {
        env.payload = aw_payload_copy(payload, payload_len);
        if (!env.payload) goto no_memory;
    }
    *out = env;
    return AW_OK;
no_memory:
    aw__envelope_release(&env);
    return aw__error_set(err, AW_NO_MEMORY, "out of memory decoding an envelope");
}
