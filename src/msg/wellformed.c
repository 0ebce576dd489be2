/* Well-formedness of cbor, json and messagepack bodies, with libcbor, jansson
 * and msgpack-c.
 *
 * cbor: libcbor's streaming decoder reports one data item head per call and
 * allocates nothing; we keep the nesting on a fixed stack, so a header that
 * claims 2^64 elements costs nothing and fails as truncated.
 * json: jansson parses the whole text (it limits nesting itself) and rejects
 * trailing data. Numbers beyond a 64-bit integer or a double are refused by
 * jansson although RFC 8259 allows them; documented in docs/messaging.md.
 * messagepack: msgpack-c builds an object tree and sizes each array or map
 * from its declared count before reading the elements, so a 5-byte input
 * could ask for gigabytes. A structural scan of our own runs first and
 * rejects anything incomplete; msgpack-c then parses a body whose total
 * element count is bounded by its length. */
#include "msg/wellformed.h"

#include "base/error.h"

#include <cbor.h>
#include <jansson.h>
#include <msgpack.h>
#include <string.h>

bool aw__wellformed_supported(aw__codec codec) {
    return codec == AW__CODEC_CBOR || codec == AW__CODEC_JSON || codec == AW__CODEC_MSGPACK;
}

aw_status aw__wellformed_check(aw__codec codec, const uint8_t *body, size_t len, aw_error *err) {
    switch (codec) {
    case AW__CODEC_CBOR: return aw__wellformed_cbor(body, len, err);
    case AW__CODEC_JSON: return aw__wellformed_json(body, len, err);
    case AW__CODEC_MSGPACK: return aw__wellformed_msgpack(body, len, err);
    default: return AW_OK;
    }
}

/* ---- cbor ---- */

typedef enum frame_kind {
    FRAME_ARRAY,
    FRAME_MAP,
    FRAME_TAG,
    FRAME_INDEF_ARRAY,
    FRAME_INDEF_MAP,
    FRAME_INDEF_BYTES,
    FRAME_INDEF_TEXT,
} frame_kind;

typedef enum item_kind { ITEM_OTHER, ITEM_BYTES, ITEM_TEXT } item_kind;

typedef struct cbor_frame {
    uint64_t count; /* definite: items left; indefinite: items seen */
    frame_kind kind;
} cbor_frame;

typedef struct cbor_walk {
    cbor_frame stack[AW__WELLFORMED_CBOR_DEPTH];
    size_t depth;
    bool done;              /* the top-level item is complete */
    const char *failure;    /* first structural error */
} cbor_walk;

static void walk_fail(cbor_walk *w, const char *why) {
    if (!w->failure) w->failure = why;
}

/* Every item starts here: inside an indefinite-length string only definite
 * strings of the same major type may appear (RFC 8949 section 3.2.3). */
static void item_start(cbor_walk *w, item_kind item) {
    if (w->depth == 0) return;
    frame_kind top = w->stack[w->depth - 1].kind;
    if (top == FRAME_INDEF_BYTES && item != ITEM_BYTES)
        walk_fail(w, "an indefinite byte string holds something else than a byte string");
    if (top == FRAME_INDEF_TEXT && item != ITEM_TEXT)
        walk_fail(w, "an indefinite text string holds something else than a text string");
}

/* An item is complete: count it in its container, closing definite
 * containers (and tags) whose last item it was. */
static void item_end(cbor_walk *w) {
    while (w->depth > 0) {
        cbor_frame *top = &w->stack[w->depth - 1];
        if (top->kind >= FRAME_INDEF_ARRAY) {
            top->count++;
            return;
        }
        if (--top->count > 0) return;
        w->depth--;
    }
    w->done = true;
}

static void push(cbor_walk *w, frame_kind kind, uint64_t count) {
    if (w->depth == AW__WELLFORMED_CBOR_DEPTH) {
        walk_fail(w, "nested too deeply");
        return;
    }
    w->stack[w->depth++] = (cbor_frame){count, kind};
}

static void on_leaf(cbor_walk *w) {
    item_start(w, ITEM_OTHER);
    item_end(w);
}

static void cb_u8(void *c, uint8_t v) { (void)v; on_leaf(c); }
static void cb_u16(void *c, uint16_t v) { (void)v; on_leaf(c); }
static void cb_u32(void *c, uint32_t v) { (void)v; on_leaf(c); }
static void cb_u64(void *c, uint64_t v) { (void)v; on_leaf(c); }
static void cb_simple(void *c) { on_leaf(c); }
static void cb_float(void *c, float v) { (void)v; on_leaf(c); }
static void cb_double(void *c, double v) { (void)v; on_leaf(c); }
static void cb_bool(void *c, bool v) { (void)v; on_leaf(c); }

static void cb_bytes(void *c, cbor_data data, size_t len) {
    (void)data, (void)len;
    item_start(c, ITEM_BYTES);
    item_end(c);
}

static void cb_text(void *c, cbor_data data, size_t len) {
    (void)data, (void)len;
    item_start(c, ITEM_TEXT);
    item_end(c);
}

static void cb_indef_bytes(void *c) {
    item_start(c, ITEM_OTHER);
    push(c, FRAME_INDEF_BYTES, 0);
}

static void cb_indef_text(void *c) {
    item_start(c, ITEM_OTHER);
    push(c, FRAME_INDEF_TEXT, 0);
}

static void cb_array(void *c, size_t n) {
    item_start(c, ITEM_OTHER);
    if (n == 0) item_end(c);
    else push(c, FRAME_ARRAY, n);
}

static void cb_map(void *c, size_t n) {
    item_start(c, ITEM_OTHER);
    if (n == 0) item_end(c);
    else push(c, FRAME_MAP, n > UINT64_MAX / 2 ? UINT64_MAX : (uint64_t)n * 2);
}

static void cb_indef_array(void *c) {
    item_start(c, ITEM_OTHER);
    push(c, FRAME_INDEF_ARRAY, 0);
}

static void cb_indef_map(void *c) {
    item_start(c, ITEM_OTHER);
    push(c, FRAME_INDEF_MAP, 0);
}

static void cb_tag(void *c, uint64_t tag) {
    (void)tag;
    item_start(c, ITEM_OTHER);
    push(c, FRAME_TAG, 1);
}

static void cb_break(void *c) {
    cbor_walk *w = c;
    if (w->depth == 0 || w->stack[w->depth - 1].kind < FRAME_INDEF_ARRAY) {
        walk_fail(w, "a break code outside an indefinite-length item");
        return;
    }
    cbor_frame *top = &w->stack[w->depth - 1];
    if (top->kind == FRAME_INDEF_MAP && top->count % 2 != 0) {
        walk_fail(w, "an indefinite map ends after a key without its value");
        return;
    }
    w->depth--;
    item_end(w);
}

static const struct cbor_callbacks walk_callbacks = {
    .uint8 = cb_u8,
    .uint16 = cb_u16,
    .uint32 = cb_u32,
    .uint64 = cb_u64,
    .negint8 = cb_u8,
    .negint16 = cb_u16,
    .negint32 = cb_u32,
    .negint64 = cb_u64,
    .byte_string_start = cb_indef_bytes,
    .byte_string = cb_bytes,
    .string = cb_text,
    .string_start = cb_indef_text,
    .indef_array_start = cb_indef_array,
    .array_start = cb_array,
    .indef_map_start = cb_indef_map,
    .map_start = cb_map,
    .tag = cb_tag,
    .float2 = cb_float,
    .float4 = cb_float,
    .float8 = cb_double,
    .undefined = cb_simple,
    .null = cb_simple,
    .boolean = cb_bool,
    .indef_break = cb_break,
};

aw_status aw__wellformed_cbor(const uint8_t *body, size_t len, aw_error *err) {
    cbor_walk w;
    w.depth = 0;
    w.done = false;
    w.failure = NULL;
    size_t pos = 0;
    while (!w.done) {
        if (pos == len)
            return aw__error_at(err, AW_MALFORMED, pos, "cbor body ends inside an item");
        struct cbor_decoder_result r = cbor_stream_decode(body + pos, len - pos, &walk_callbacks, &w);
        if (r.status == CBOR_DECODER_NEDATA)
            return aw__error_at(err, AW_MALFORMED, pos, "cbor body ends inside an item");
        if (r.status != CBOR_DECODER_FINISHED)
            return aw__error_at(err, AW_MALFORMED, pos, "malformed cbor at byte %zu", pos);
        if (w.failure) return aw__error_at(err, AW_MALFORMED, pos, "cbor: %s", w.failure);
        pos += r.read;
    }
    if (pos != len)
        return aw__error_at(err, AW_MALFORMED, pos, "%zu bytes follow the cbor item", len - pos);
    return AW_OK;
}

/* ---- json ---- */

aw_status aw__wellformed_json(const uint8_t *body, size_t len, aw_error *err) {
    /* jansson's reader skips raw NUL bytes; JSON allows none anywhere. */
    const uint8_t *nul = len ? memchr(body, 0, len) : NULL;
    if (nul)
        return aw__error_at(err, AW_MALFORMED, (uint64_t)(nul - body), "json: a NUL byte at %zu",
                            (size_t)(nul - body));
    json_error_t jerr;
    /* DECODE_ANY: any value may be the top level (RFC 8259), ALLOW_NUL: the
     * escape \u0000 is valid JSON. Trailing non-space bytes are rejected. */
    json_t *value = json_loadb((const char *)body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!value)
        return aw__error_at(err, AW_MALFORMED, (uint64_t)(jerr.position > 0 ? jerr.position : 0),
                            "json: %s", jerr.text);
    json_decref(value);
    return AW_OK;
}

/* ---- messagepack ---- */

static uint64_t read_be(const uint8_t *p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = (v << 8) | p[i];
    return v;
}

/* The structure of one messagepack object: every header complete, every
 * declared element present, no 0xc1, nesting within msgpack-c's limit. */
static aw_status msgpack_scan(const uint8_t *p, size_t len, aw_error *err) {
    uint64_t left[AW__WELLFORMED_MSGPACK_DEPTH];
    size_t depth = 0, pos = 0;
    for (;;) {
        if (pos == len)
            return aw__error_at(err, AW_MALFORMED, pos, "messagepack body ends inside an item");
        uint8_t b = p[pos];
        size_t head = 1;      /* header bytes */
        size_t size_len = 0;  /* bytes of a length field after the type byte */
        uint64_t data = 0;    /* fixed payload bytes */
        uint64_t children = 0;
        bool sized = false;   /* data length comes from the header */
        if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
            /* fixint, nil, bool */
        } else if (b <= 0x8f) {
            children = (uint64_t)(b & 0x0f) * 2;
        } else if (b <= 0x9f) {
            children = b & 0x0f;
        } else if (b <= 0xbf) {
            data = b & 0x1f;
        } else if (b == 0xc1) {
            return aw__error_at(err, AW_MALFORMED, pos, "messagepack byte 0xc1 is never used");
        } else if (b >= 0xc4 && b <= 0xc6) {
            size_len = (size_t)1 << (b - 0xc4);
            sized = true;
        } else if (b >= 0xc7 && b <= 0xc9) {
            size_len = (size_t)1 << (b - 0xc7);
            sized = true;
            data = 1; /* the ext type byte */
        } else if (b == 0xca || b == 0xcb) {
            data = b == 0xca ? 4 : 8;
        } else if (b >= 0xcc && b <= 0xd3) {
            data = (uint64_t)1 << ((b - 0xcc) & 3);
        } else if (b >= 0xd4 && b <= 0xd8) {
            data = 1 + ((uint64_t)1 << (b - 0xd4));
        } else if (b >= 0xd9 && b <= 0xdb) {
            size_len = (size_t)1 << (b - 0xd9);
            sized = true;
        } else { /* 0xdc..0xdf: array16/32, map16/32 */
            size_len = (b == 0xdc || b == 0xde) ? 2 : 4;
        }
        if (size_len > len - pos - head)
            return aw__error_at(err, AW_MALFORMED, pos, "messagepack body ends inside a header");
        uint64_t n = read_be(p + pos + head, size_len);
        head += size_len;
        if (sized) data += n;
        else if (b >= 0xdc && b <= 0xdf) children = b >= 0xde ? n * 2 : n;
        if (data > len - pos - head)
            return aw__error_at(err, AW_MALFORMED, pos, "messagepack item runs past the end");
        pos += head + (size_t)data;
        if (children > 0) {
            /* Each element takes at least one byte. */
            if (children > len - pos)
                return aw__error_at(err, AW_MALFORMED, pos,
                                    "messagepack container declares more elements than bytes");
            if (depth == AW__WELLFORMED_MSGPACK_DEPTH)
                return aw__error_at(err, AW_MALFORMED, pos, "messagepack nested too deeply");
            left[depth++] = children;
            continue;
        }
        /* One item done: close every container it completes. */
        while (depth > 0 && --left[depth - 1] == 0) depth--;
        if (depth == 0) break;
    }
    if (pos != len)
        return aw__error_at(err, AW_MALFORMED, pos, "%zu bytes follow the messagepack item",
                            len - pos);
    return AW_OK;
}

aw_status aw__wellformed_msgpack(const uint8_t *body, size_t len, aw_error *err) {
    aw_status s = msgpack_scan(body, len, err);
    if (s != AW_OK) return s;
    msgpack_unpacked result;
    msgpack_unpacked_init(&result);
    size_t off = 0;
    msgpack_unpack_return r = msgpack_unpack_next(&result, (const char *)body, len, &off);
    msgpack_unpacked_destroy(&result);
    if (r != MSGPACK_UNPACK_SUCCESS || off != len)
        return aw__error_at(err, AW_MALFORMED, off, "msgpack-c rejects the body (%d)", (int)r);
    return AW_OK;
}
