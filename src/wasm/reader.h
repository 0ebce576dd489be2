/* Bounds-checked reading of the binary format: bytes, LEB128, names. */
#ifndef AW_WASM_READER_H
#define AW_WASM_READER_H

#include "base/error.h"
#include "wasm/module.h"

#include <string.h>

static inline uint64_t rd_off(const aw__reader *r) { return (uint64_t)(r->p - r->base); }

#define RD_FAIL(r, status, ...) aw__error_at((r)->err, (status), rd_off(r), __VA_ARGS__)
#define RD_MALFORMED(r, ...) RD_FAIL(r, AW_MALFORMED, __VA_ARGS__)
#define RD_INVALID(r, ...) RD_FAIL(r, AW_INVALID_MODULE, __VA_ARGS__)
#define RD_TRY(x)                                                                            \
    do {                                                                                     \
        aw_status rd_s_ = (x);                                                               \
        if (rd_s_ != AW_OK) return rd_s_;                                                    \
    } while (0)

static inline aw_status rd_u8(aw__reader *r, uint8_t *out) {
    *out = 0;
    if (r->p >= r->end) return RD_MALFORMED(r, "unexpected end of section or function");
    *out = *r->p++;
    return AW_OK;
}

/* Unsigned LEB128 of at most `bits` bits (5 bytes for 32, 10 for 64; unused
 * bits of the last byte must be zero: "integer too large"). */
static inline aw_status rd_uleb(aw__reader *r, unsigned bits, uint64_t *out) {
    *out = 0;
    uint64_t v = 0;
    unsigned shift = 0;
    const uint8_t *start = r->p;
    for (;;) {
        if (r->p >= r->end) {
            r->p = start;
            return RD_MALFORMED(r, "unexpected end: truncated LEB128 integer");
        }
        uint8_t b = *r->p++;
        if (shift + 7 >= bits && shift < 64) {
            /* last permitted byte: no continuation, no bits past `bits` */
            unsigned room = bits - shift;
            if ((b & 0x80) || (room < 7 && (b >> room) != 0)) {
                r->p--;
                return RD_MALFORMED(r, "integer representation too long or integer too large");
            }
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
    }
    *out = v;
    return AW_OK;
}

static inline aw_status rd_u32(aw__reader *r, uint32_t *out) {
    uint64_t v = 0;
    *out = 0;
    RD_TRY(rd_uleb(r, 32, &v));
    *out = (uint32_t)v;
    return AW_OK;
}

/* Signed LEB128 of `bits` bits; unused bits of the last byte must be the sign
 * extension of the value. */
static inline aw_status rd_sleb(aw__reader *r, unsigned bits, int64_t *out) {
    *out = 0;
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    const uint8_t *start = r->p;
    for (;;) {
        if (r->p >= r->end) {
            r->p = start;
            return RD_MALFORMED(r, "unexpected end: truncated LEB128 integer");
        }
        b = *r->p++;
        if (shift + 7 >= bits) {
            unsigned room = bits - shift; /* 1..7 meaningful bits in this byte */
            if (b & 0x80) {
                r->p--;
                return RD_MALFORMED(r, "integer representation too long");
            }
            /* bits room-1 .. 6 must all equal the sign bit */
            uint8_t upper = (uint8_t)((b & 0x7F) >> (room - 1));
            uint8_t allset = (uint8_t)(0x7F >> (room - 1));
            if (upper != 0 && upper != allset) {
                r->p--;
                return RD_MALFORMED(r, "integer too large");
            }
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
    }
    if (shift < 64 && (b & 0x40)) v |= ~(uint64_t)0 << shift;
    *out = (int64_t)v;
    return AW_OK;
}

static inline aw_status rd_bytes(aw__reader *r, size_t n, const uint8_t **out) {
    *out = NULL;
    if ((size_t)(r->end - r->p) < n) return RD_MALFORMED(r, "unexpected end: length out of bounds");
    *out = r->p;
    r->p += n;
    return AW_OK;
}

/* Reads a length-prefixed UTF-8 name. */
aw_status aw__read_name(aw__reader *r, const uint8_t **s, uint32_t *len);

#endif
