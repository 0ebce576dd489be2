/* The lifecycle exports' canonical-ABI side: arguments the host allocated
 * with cabi_realloc are owned here and released after the handler; results are
 * written to a static return area pointing into buffers that persist across
 * calls. Nothing needs freeing after the host has read a result, so there are
 * no post-return functions (one call into the instance fewer per message):
 * the next call trims the buffers instead. */
#include "guest_internal.h"

#include <stdio.h>
#include <string.h>

/* The return area of init, handle-message and health: disc u8 @0, then a
 * {ptr u32 @4, len u32 @8} list or string (docs/component-abi.md). One area
 * suffices: the host reads a result before it makes the next call. The
 * aw_reply_* calls write a message's result here directly, so a handler that
 * replies nothing (a cast) leaves it as it was: ok with an empty list. */
static _Alignas(8) uint8_t ret_area[12];
/* Set when ret_area may hold anything else (a reply, an init error, a
 * health reason): the next handle-message clears it first. One load and
 * branch per message instead of rewriting the area and trimming the reply
 * buffer every time. */
static bool ret_dirty;

struct aw_reply {
    aw__gbuf buf;
};

static aw_reply reply;
static aw__gbuf text; /* error texts of init and reasons of health */

static uint8_t *write_result(uint8_t disc, const uint8_t *ptr, size_t len) {
    ret_area[0] = disc;
    uint32_t p = (uint32_t)(uintptr_t)ptr, l = (uint32_t)len;
    memcpy(ret_area + 4, &p, 4);
    memcpy(ret_area + 8, &l, 4);
    ret_dirty = true;
    return ret_area;
}

/* Back to ok with an empty list (the pointer of an empty list is not read),
 * giving the reply buffer's memory back if a large reply grew it. */
static inline void clear_result(void) {
    static const uint64_t none = 0;
    ret_area[0] = 0;
    memcpy(ret_area + 4, &none, 8);
    ret_dirty = false;
    if (__builtin_expect(reply.buf.cap > AW__GBUF_KEEP, 0)) aw__gbuf_trim(&reply.buf);
}

static const char OUT_OF_MEMORY[] = "component out of memory building its reply";

/* The reply buffer as the result: ok, or err with the text in it. */
static bool reply_done(aw_reply *r, bool is_error) {
    write_result(is_error ? 1 : 0, r->buf.data, r->buf.len);
    return true;
}

static bool reply_failed(aw_reply *r) {
    r->buf.len = 0;
    write_result(1, (const uint8_t *)OUT_OF_MEMORY, sizeof OUT_OF_MEMORY - 1);
    return false;
}

bool aw_reply_bytes(aw_reply *r, const void *payload, size_t len) {
    if (!aw__gbuf_reserve(&r->buf, len)) return reply_failed(r);
    if (len) memcpy(r->buf.data, payload, len);
    r->buf.len = len;
    r->buf.data[len] = 0;
    return reply_done(r, false);
}

bool aw_reply_codec(aw_reply *r, uint64_t codec, const void *body, size_t len) {
    if (!aw__gbuf_set_prefixed(&r->buf, codec, body, len)) return reply_failed(r);
    return reply_done(r, false);
}

bool aw_reply_json(aw_reply *r, const char *json) {
    return aw_reply_codec(r, AW_CODEC_JSON, json, strlen(json));
}

bool aw_reply_jsonf(aw_reply *r, const char *fmt, ...) {
    uint8_t prefix[AW_UVARINT_MAX];
    size_t n = aw_uvarint_encode(AW_CODEC_JSON, prefix);
    va_list args;
    va_start(args, fmt);
    bool ok = aw__gbuf_vprintf(&r->buf, n, fmt, args);
    va_end(args);
    if (!ok) return reply_failed(r);
    memcpy(r->buf.data, prefix, n);
    return reply_done(r, false);
}

bool aw_reply_error(aw_reply *r, const char *message) {
    size_t len = strlen(message);
    if (!aw_reply_bytes(r, message, len)) return false;
    return reply_done(r, true);
}

bool aw_reply_errorf(aw_reply *r, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    bool ok = aw__gbuf_vprintf(&r->buf, 0, fmt, args);
    va_end(args);
    if (!ok) return reply_failed(r);
    return reply_done(r, true);
}

const char *aw_errorf(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    bool ok = aw__gbuf_vprintf(&text, 0, fmt, args);
    va_end(args);
    return ok ? (const char *)text.data : OUT_OF_MEMORY;
}

/* The codec of a payload whose prefix is not one byte, AW_CODEC_INVALID when
 * it is malformed or missing (no valid prefix decodes to UINT64_MAX: nine
 * bytes carry 63 bits). Out of line and returning a value, so that the
 * message view stays in locals on the fast path. */
static __attribute__((noinline, pure)) uint64_t codec_slow(const uint8_t *payload, size_t len) {
    uint64_t codec;
    return len && aw_uvarint_decode(payload, len, &codec) ? codec : AW_CODEC_INVALID;
}

/* Fills the codec/body view of a payload; a malformed prefix leaves the body
 * empty and the codec AW_CODEC_INVALID for the handler to reject. payload is
 * read only when len is nonzero. */
static inline void split_payload(const uint8_t *payload, size_t len, uint64_t *codec, const uint8_t **body,
                                 size_t *body_len) {
    /* A one-byte prefix (raw, cbor, protobuf) without the general decoder:
     * this runs for every message. */
    if (__builtin_expect(len != 0 && payload[0] < 0x80, 1)) {
        *codec = payload[0];
        *body = payload + 1;
        *body_len = len - 1;
        return;
    }
    /* Two bytes (json, messagepack), minimal: the second is not 0. Read as
     * one 16-bit word, which keeps clang from widening the first byte's
     * load on the one-byte path for this one. */
    if (len >= 2) {
        uint16_t w;
        memcpy(&w, payload, 2); /* little-endian */
        uint32_t hi = (uint32_t)w >> 8;
        if (hi - 1 < 0x7f) {
            *codec = (uint64_t)(w & 0x7f) | (uint64_t)hi << 7;
            *body = payload + 2;
            *body_len = len - 2;
            return;
        }
    }
    /* (pure: dropped when the handler reads neither codec nor body) */
    uint64_t c = codec_slow(payload, len);
    *codec = c;
    if (c == AW_CODEC_INVALID) {
        *body = (const uint8_t *)"";
        *body_len = 0;
    } else {
        /* The decoder takes minimal forms only: the prefix is as long as
         * the encoding of c. */
        size_t n = (size_t)(64 - __builtin_clzll(c | 1) + 6) / 7;
        *body = payload + n;
        *body_len = len - n;
    }
}

uint8_t *aw__lifecycle_handle_message(aw_message_handler handler, uint8_t *sender,
                                      size_t sender_len, uint8_t *payload, size_t payload_len) {
    /* With len 0 the host may pass any aligned pointer: never read it. */
    aw_message msg = {
        .sender = sender_len ? (const char *)sender : "",
        .sender_len = sender_len,
        .payload = payload_len ? payload : (const uint8_t *)"",
        .payload_len = payload_len,
    };
    split_payload(payload, payload_len, &msg.codec, &msg.body, &msg.body_len);

    if (__builtin_expect(ret_dirty, 0)) clear_result();
    handler(&msg, &reply);

    /* The arguments are ours (canonical ABI): release them now that the
     * handler, which only borrowed them, is done. */
    aw__arena_reset();
    return ret_area;
}

uint8_t *aw__lifecycle_init(aw_init_handler handler) {
    aw__gbuf_trim(&text);
    const char *error = handler();
    if (!error) return write_result(0, NULL, 0);
    size_t len = strlen(error);
    /* error may already point into text (aw_errorf). */
    if ((const uint8_t *)error != text.data) {
        if (!aw__gbuf_reserve(&text, len))
            return write_result(1, (const uint8_t *)OUT_OF_MEMORY, sizeof OUT_OF_MEMORY - 1);
        memmove(text.data, error, len + 1);
        text.len = len;
    }
    return write_result(1, text.data, len);
}

uint8_t *aw__lifecycle_health(aw_health_handler handler) {
    aw__gbuf_trim(&text);
    aw_health h = handler();
    if (h.state == AW_HEALTHY) return write_result(0, NULL, 0);
    uint8_t disc = h.state == AW_DEGRADED ? 1 : 2;
    const char *reason = h.reason ? h.reason : "";
    size_t len = strlen(reason);
    if ((const uint8_t *)reason != text.data) {
        if (!aw__gbuf_reserve(&text, len))
            return write_result(2, (const uint8_t *)OUT_OF_MEMORY, sizeof OUT_OF_MEMORY - 1);
        memmove(text.data, reason, len + 1);
        text.len = len;
    }
    return write_result(disc, text.data, len);
}

void aw__lifecycle_handle_callback(aw_callback_handler handler, uint64_t id, uint32_t disc,
                                   uint32_t a, uint32_t b) {
    aw_response resp = {.id = id,
                        .codec = AW_CODEC_INVALID,
                        .body = (const uint8_t *)"",
                        .payload = (const uint8_t *)""};
    if (disc == 0) {
        if (b) resp.payload = (const uint8_t *)(uintptr_t)a;
        resp.payload_len = b;
        split_payload(resp.payload, resp.payload_len, &resp.codec, &resp.body, &resp.body_len);
    } else if (disc == 1 && a <= 5) {
        resp.error = (aw_request_error)(a + 1);
    } else {
        /* The canonical ABI traps on a discriminant or enum case out of range. */
        __builtin_trap();
    }
    handler(&resp);
    aw__arena_reset();
}

/* AW_ON_MESSAGE is required: this reference turns its absence into a link
 * error naming aw__export_handle_message, instead of a module that the runtime
 * refuses at load time. */
uint8_t *aw__export_handle_message(uint8_t *sender, size_t sender_len, uint8_t *payload,
                                   size_t payload_len);
__attribute__((used)) static uint8_t *(*const require_on_message)(
    uint8_t *, size_t, uint8_t *, size_t) = aw__export_handle_message;

/* Defaults for the optional lifecycle functions. Every SDK component exports
 * the whole lifecycle interface, as the Component Model requires of a
 * component that exports it (so `wasm-tools component new` accepts the
 * module); an AW_ON_* macro replaces the weak default with a strong
 * definition of the same symbol. */
__attribute__((weak, export_name(AW__EXPORT("init")))) uint8_t *aw__export_init(void);
uint8_t *aw__export_init(void) {
    return write_result(0, NULL, 0);
}

__attribute__((weak, export_name(AW__EXPORT("handle-callback")))) void
aw__export_handle_callback(uint64_t id, uint32_t disc, uint32_t a, uint32_t b);
void aw__export_handle_callback(uint64_t id, uint32_t disc, uint32_t a, uint32_t b) {
    (void)id, (void)a, (void)b;
    if (disc > 1) __builtin_trap();
    aw__arena_reset(); /* the response, if any, is dropped */
}

__attribute__((weak, export_name(AW__EXPORT("health")))) uint8_t *aw__export_health(void);
uint8_t *aw__export_health(void) {
    return write_result(0, NULL, 0);
}

__attribute__((weak, export_name(AW__EXPORT("shutdown")))) void aw__export_shutdown(void);
void aw__export_shutdown(void) {
}
