/* Multicodec payload prefixes and the names of the WIT enums: plain C with no
 * wasm-specific parts, so the native tests and the fuzz target compile it too. */
#include "airwasm/guest.h"

#include <string.h>

/* multiformats unsigned-varint: 7 bits per byte, low group first, high bit
 * set on every byte but the last; at most 9 bytes (63 bits); the shortest
 * encoding is the only valid one. */
size_t aw_uvarint_encode(uint64_t v, uint8_t out[AW_UVARINT_MAX]) {
    if (v >> 63) return 0;
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

size_t aw_uvarint_decode(const uint8_t *data, size_t len, uint64_t *value) {
    /* Every codec of the table takes one or two bytes: decode those without
     * the loop, since this runs for each message. */
    if (len >= 1 && data[0] < 0x80) {
        *value = data[0];
        return 1;
    }
    if (len >= 2 && data[1] < 0x80) {
        if (data[1] == 0) return 0; /* not minimal */
        *value = (uint64_t)(data[0] & 0x7f) | (uint64_t)data[1] << 7;
        return 2;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < AW_UVARINT_MAX; i++) {
        uint8_t byte = data[i];
        v |= (uint64_t)(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) {
            /* A zero last byte after the first means a longer-than-needed form. */
            if (byte == 0 && i > 0) return 0;
            *value = v;
            return i + 1;
        }
    }
    return 0; /* truncated, or a tenth byte would be needed */
}

bool aw_codec_split(const uint8_t *payload, size_t len, uint64_t *codec, const uint8_t **body,
                    size_t *body_len) {
    uint64_t code;
    size_t n = aw_uvarint_decode(payload, len, &code);
    if (n == 0) return false;
    *codec = code;
    *body = payload + n;
    *body_len = len - n;
    return true;
}

static const struct {
    uint64_t code;
    const char *name;
} codecs[] = {
    {AW_CODEC_RAW, "raw"},           {AW_CODEC_CBOR, "cbor"},
    {AW_CODEC_JSON, "json"},         {AW_CODEC_MESSAGEPACK, "messagepack"},
    {AW_CODEC_PROTOBUF, "protobuf"},
};

const char *aw_codec_name(uint64_t codec) {
    for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
        if (codecs[i].code == codec) return codecs[i].name;
    return NULL;
}

bool aw_codec_from_name(const char *name, uint64_t *codec) {
    for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
        if (strcmp(codecs[i].name, name) == 0) {
            *codec = codecs[i].code;
            return true;
        }
    return false;
}

const char *aw_send_error_name(aw_send_error e) {
    switch (e) {
        case AW_SEND_OK:
            return "ok";
        case AW_SEND_UNKNOWN_TARGET:
            return "unknown-target";
        case AW_SEND_DENIED:
            return "denied";
        case AW_SEND_RATE_LIMITED:
            return "rate-limited";
        case AW_SEND_MAILBOX_FULL:
            return "mailbox-full";
        case AW_SEND_BAD_CODEC:
            return "bad-codec";
        case AW_SEND_TOO_LARGE:
            return "too-large";
        case AW_SEND_SHUTTING_DOWN:
            return "shutting-down";
        case AW_SEND_NO_MEMORY:
            return "no-memory";
    }
    return "unknown";
}

const char *aw_request_error_name(aw_request_error e) {
    switch (e) {
        case AW_REQUEST_OK:
            return "ok";
        case AW_REQUEST_TIMEOUT:
            return "timeout";
        case AW_REQUEST_CANCELLED:
            return "cancelled";
        case AW_REQUEST_TARGET_CRASHED:
            return "target-crashed";
        case AW_REQUEST_TARGET_ERROR:
            return "target-error";
        case AW_REQUEST_UNKNOWN_TARGET:
            return "unknown-target";
        case AW_REQUEST_DENIED:
            return "denied";
        case AW_REQUEST_NO_MEMORY:
            return "no-memory";
    }
    return "unknown";
}
