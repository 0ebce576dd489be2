/* Multicodec payload prefixes: unsigned varints, the codec table, codec sets. */
#ifndef AW_MSG_MULTICODEC_H
#define AW_MSG_MULTICODEC_H

#include "airwasm/error.h"

/* The multiformats unsigned-varint: 7 bits per byte, low group first, at most
 * 9 bytes (63 bits), minimal encoding only. */
#define AW__UVARINT_MAX_BYTES 9
#define AW__UVARINT_MAX_VALUE ((UINT64_C(1) << 63) - 1)

/* Decodes one uvarint from the first len bytes of p. AW_MALFORMED when the
 * input ends inside the varint, is longer than 9 bytes, or is not minimal
 * (a final 0x00 byte after the first). *used gets the byte count. */
aw_status aw__uvarint_decode(const uint8_t *p, size_t len, uint64_t *value, size_t *used);
/* Writes value into out and returns the byte count (1..9); 0 when value is
 * above AW__UVARINT_MAX_VALUE. */
size_t aw__uvarint_encode(uint64_t value, uint8_t out[AW__UVARINT_MAX_BYTES]);
/* Bytes aw__uvarint_encode would write (0 when value is too large). */
size_t aw__uvarint_size(uint64_t value);

/* The codecs airwasm knows, as dense indexes (for codec sets). */
#define AW__CODEC_LIST(X)                                                                    \
    X(RAW, 0x55, "raw")                                                                      \
    X(CBOR, 0x51, "cbor")                                                                    \
    X(JSON, 0x0200, "json")                                                                  \
    X(MSGPACK, 0x0201, "messagepack")                                                        \
    X(PROTOBUF, 0x50, "protobuf")

typedef enum aw__codec {
#define AW__CODEC_ENUM_(name, code, text) AW__CODEC_##name,
    AW__CODEC_LIST(AW__CODEC_ENUM_)
#undef AW__CODEC_ENUM_
    AW__CODEC_COUNT
} aw__codec;

/* The codec whose whole prefix is the one byte b (codes below 0x80 are
 * one-byte varints); AW__CODEC_COUNT when none is. The common case of
 * aw__codec_split, without a call. */
static inline aw__codec aw__codec_of_byte(uint8_t b) {
    switch ((uint32_t)b) {
#define AW__CODEC_CASE_(name, code, text)                                                    \
    case code: return (code) < 0x80 ? AW__CODEC_##name : AW__CODEC_COUNT;
        AW__CODEC_LIST(AW__CODEC_CASE_)
#undef AW__CODEC_CASE_
        default: return AW__CODEC_COUNT;
    }
}

/* The multicodec table code of a codec (e.g. 0x51 for cbor); 0 if out of range. */
uint64_t aw__codec_code(aw__codec codec);
/* The multicodec table name ("messagepack", not "msgpack"); "?" if out of range. */
const char *aw__codec_name(aw__codec codec);
/* Looks up a table code; AW_NOT_FOUND for codes airwasm does not know. */
aw_status aw__codec_from_code(uint64_t code, aw__codec *codec);
/* Looks up a name of len bytes (the table name, or the alias "msgpack"). */
aw_status aw__codec_from_name(const char *name, size_t len, aw__codec *codec);

/* Splits payload into its codec and body (body points into payload).
 * AW_MALFORMED for a bad varint, AW_NOT_FOUND for an unknown code; err says
 * which, with the offset. */
aw_status aw__codec_split(const uint8_t *payload, size_t len, aw__codec *codec,
                          const uint8_t **body, size_t *body_len, aw_error *err);

/* Writes the prefix of codec into out; returns its length (1 or 2). */
size_t aw__codec_prefix(aw__codec codec, uint8_t out[AW__UVARINT_MAX_BYTES]);

/* The codecs a target accepts, one bit per aw__codec. */
typedef uint32_t aw__codec_set;

#define AW__CODEC_SET_EMPTY ((aw__codec_set)0)
#define AW__CODEC_SET_ALL ((aw__codec_set)((1u << AW__CODEC_COUNT) - 1u))

static inline aw__codec_set aw__codec_set_with(aw__codec_set set, aw__codec codec) {
    return set | (aw__codec_set)(1u << (unsigned)codec);
}

static inline bool aw__codec_set_has(aw__codec_set set, aw__codec codec) {
    return (unsigned)codec < AW__CODEC_COUNT && (set >> (unsigned)codec) & 1u;
}

/* Builds a set from a list of count names (e.g. a manifest's accepts).
 * AW_INVALID_ARGUMENT naming the first unknown name. */
aw_status aw__codec_set_from_names(const char *const *names, size_t count, aw__codec_set *set,
                                   aw_error *err);

/* Writes the names of set as "cbor, json" into out (always NUL-terminated,
 * truncated to size); returns the length it needed. */
size_t aw__codec_set_format(aw__codec_set set, char *out, size_t size);

/* The send-time check (ARCHITECTURE.md section 4): payload's prefix must name
 * a codec in accepted. AW_BAD_CODEC otherwise, with a message naming the codec
 * (or the bad prefix) and target (target_len bytes, for the message only).
 * On success *codec, *body and *body_len (all optional) describe the payload. */
aw_status aw__codec_check(aw__codec_set accepted, const uint8_t *payload, size_t len,
                          const char *target, size_t target_len, aw__codec *codec,
                          const uint8_t **body, size_t *body_len, aw_error *err);

#endif
