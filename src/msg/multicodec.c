/* Multicodec prefixes: uvarint coding, the codec table and the send-time check.
 * The varint rules follow the multiformats unsigned-varint spec: a value is at
 * most 63 bits (9 bytes) and must use the fewest bytes, so every payload has
 * exactly one prefix and two prefixes never compare unequal for one codec. */
#include "msg/multicodec.h"

#include "base/error.h"

#include <stdio.h>
#include <string.h>

aw_status aw__uvarint_decode(const uint8_t *p, size_t len, uint64_t *value, size_t *used) {
    uint64_t result = 0;
    for (size_t i = 0; i < AW__UVARINT_MAX_BYTES; i++) {
        if (i == len) return AW_MALFORMED; /* ends inside the varint */
        uint8_t byte = p[i];
        result |= (uint64_t)(byte & 0x7f) << (7 * i);
        if ((byte & 0x80) == 0) {
            /* A zero final byte after the first adds nothing: not minimal. */
            if (byte == 0 && i > 0) return AW_MALFORMED;
            *value = result;
            *used = i + 1;
            return AW_OK;
        }
    }
    return AW_MALFORMED; /* a tenth byte would be needed */
}

size_t aw__uvarint_encode(uint64_t value, uint8_t out[AW__UVARINT_MAX_BYTES]) {
    if (value > AW__UVARINT_MAX_VALUE) return 0;
    size_t n = 0;
    while (value >= 0x80) {
        out[n++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    out[n++] = (uint8_t)value;
    return n;
}

size_t aw__uvarint_size(uint64_t value) {
    if (value > AW__UVARINT_MAX_VALUE) return 0;
    size_t n = 1;
    while (value >= 0x80) {
        value >>= 7;
        n++;
    }
    return n;
}

static const struct {
    uint64_t code;
    const char *name;
} codec_table[AW__CODEC_COUNT] = {
#define AW__CODEC_ROW_(id, code, text) {code, text},
    AW__CODEC_LIST(AW__CODEC_ROW_)
#undef AW__CODEC_ROW_
};

uint64_t aw__codec_code(aw__codec codec) {
    return (unsigned)codec < AW__CODEC_COUNT ? codec_table[codec].code : 0;
}

const char *aw__codec_name(aw__codec codec) {
    return (unsigned)codec < AW__CODEC_COUNT ? codec_table[codec].name : "?";
}

aw_status aw__codec_from_code(uint64_t code, aw__codec *codec) {
    for (unsigned i = 0; i < AW__CODEC_COUNT; i++) {
        if (codec_table[i].code == code) {
            *codec = (aw__codec)i;
            return AW_OK;
        }
    }
    return AW_NOT_FOUND;
}

static bool name_is(const char *name, size_t len, const char *candidate) {
    return strlen(candidate) == len && memcmp(name, candidate, len) == 0;
}

aw_status aw__codec_from_name(const char *name, size_t len, aw__codec *codec) {
    for (unsigned i = 0; i < AW__CODEC_COUNT; i++) {
        if (name_is(name, len, codec_table[i].name)) {
            *codec = (aw__codec)i;
            return AW_OK;
        }
    }
    /* "msgpack" is what most people write; the table says "messagepack". */
    if (name_is(name, len, "msgpack")) {
        *codec = AW__CODEC_MSGPACK;
        return AW_OK;
    }
    return AW_NOT_FOUND;
}

aw_status aw__codec_split(const uint8_t *payload, size_t len, aw__codec *codec,
                          const uint8_t **body, size_t *body_len, aw_error *err) {
    uint64_t code;
    size_t used;
    if (aw__uvarint_decode(payload, len, &code, &used) != AW_OK)
        return aw__error_at(err, AW_MALFORMED, 0,
                            len == 0 ? "empty payload has no multicodec prefix"
                                     : "payload does not start with a valid multicodec varint");
    if (aw__codec_from_code(code, codec) != AW_OK)
        return aw__error_at(err, AW_NOT_FOUND, 0, "unknown multicodec 0x%llx",
                            (unsigned long long)code);
    *body = payload + used;
    *body_len = len - used;
    return AW_OK;
}

size_t aw__codec_prefix(aw__codec codec, uint8_t out[AW__UVARINT_MAX_BYTES]) {
    return aw__uvarint_encode(aw__codec_code(codec), out);
}

aw_status aw__codec_set_from_names(const char *const *names, size_t count, aw__codec_set *set,
                                   aw_error *err) {
    aw__codec_set result = AW__CODEC_SET_EMPTY;
    for (size_t i = 0; i < count; i++) {
        aw__codec codec;
        if (aw__codec_from_name(names[i], strlen(names[i]), &codec) != AW_OK)
            return aw__error_set(err, AW_INVALID_ARGUMENT, "unknown codec name \"%.64s\"",
                                 names[i]);
        result = aw__codec_set_with(result, codec);
    }
    *set = result;
    return AW_OK;
}

size_t aw__codec_set_format(aw__codec_set set, char *out, size_t size) {
    size_t need = 0;
    if (size > 0) out[0] = '\0';
    for (unsigned i = 0; i < AW__CODEC_COUNT; i++) {
        if (!aw__codec_set_has(set, (aw__codec)i)) continue;
        const char *sep = need ? ", " : "";
        int n = snprintf(need < size ? out + need : NULL, need < size ? size - need : 0, "%s%s",
                         sep, codec_table[i].name);
        need += (size_t)n;
    }
    if (need == 0) {
        int n = snprintf(out, size, "nothing");
        need = (size_t)n;
    }
    return need;
}

aw_status aw__codec_check(aw__codec_set accepted, const uint8_t *payload, size_t len,
                          const char *target, size_t target_len, aw__codec *codec,
                          const uint8_t **body, size_t *body_len, aw_error *err) {
    aw__codec found;
    const uint8_t *found_body;
    size_t found_len;
    int tlen = target_len > 128 ? 128 : (int)target_len;
    aw_error split_err;
    if (aw__codec_split(payload, len, &found, &found_body, &found_len, &split_err) != AW_OK)
        return aw__error_at(err, AW_BAD_CODEC, 0, "payload for %.*s: %s", tlen, target,
                            split_err.message);
    if (!aw__codec_set_has(accepted, found)) {
        char names[96];
        aw__codec_set_format(accepted, names, sizeof names);
        return aw__error_set(err, AW_BAD_CODEC, "codec %s (0x%llx) is not accepted by %.*s (accepts %s)",
                             aw__codec_name(found), (unsigned long long)aw__codec_code(found),
                             tlen, target, names);
    }
    if (codec) *codec = found;
    if (body) *body = found_body;
    if (body_len) *body_len = found_len;
    return AW_OK;
}
