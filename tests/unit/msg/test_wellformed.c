/* Well-formedness of cbor, json and messagepack bodies: valid items pass;
 * truncation, trailing bytes, bad structure and hostile sizes are refused. */
#include "test_support.h"

#include "msg/wellformed.h"

#include <string.h>

#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static aw_status cbor(const uint8_t *p, size_t n) {
    return aw__wellformed_cbor(p, n, NULL);
}

static void cbor_valid_items(void **state) {
    (void)state;
    assert_int_equal(cbor(B(0x00)), AW_OK);                         /* 0 */
    assert_int_equal(cbor(B(0x1b, 1, 2, 3, 4, 5, 6, 7, 8)), AW_OK); /* uint64 */
    assert_int_equal(cbor(B(0x39, 0x01, 0x00)), AW_OK);             /* -257 */
    assert_int_equal(cbor(B(0x63, 'a', 'b', 'c')), AW_OK);          /* "abc" */
    assert_int_equal(cbor(B(0x42, 1, 2)), AW_OK);                   /* h'0102' */
    assert_int_equal(cbor(B(0x83, 0x01, 0x82, 0x02, 0x03, 0x04)), AW_OK); /* [1,[2,3],4] */
    assert_int_equal(cbor(B(0xa1, 0x61, 'a', 0x01)), AW_OK);        /* {"a": 1} */
    assert_int_equal(cbor(B(0x80)), AW_OK);                         /* [] */
    assert_int_equal(cbor(B(0xa0)), AW_OK);                         /* {} */
    assert_int_equal(cbor(B(0x9f, 0x01, 0x9f, 0xff, 0xff)), AW_OK); /* [_ 1, [_ ]] */
    assert_int_equal(cbor(B(0xbf, 0x61, 'a', 0x01, 0xff)), AW_OK);  /* {_ "a": 1} */
    assert_int_equal(cbor(B(0x5f, 0x41, 1, 0x42, 2, 3, 0xff)), AW_OK); /* (_ h'01', h'0203') */
    assert_int_equal(cbor(B(0x7f, 0x61, 'a', 0xff)), AW_OK);        /* (_ "a") */
    assert_int_equal(cbor(B(0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0)), AW_OK); /* tag 1 (epoch) */
    assert_int_equal(cbor(B(0xc1, 0xc1, 0x00)), AW_OK);             /* nested tags */
    assert_int_equal(cbor(B(0xf4)), AW_OK);                         /* false */
    assert_int_equal(cbor(B(0xf6)), AW_OK);                         /* null */
    assert_int_equal(cbor(B(0xf9, 0x3c, 0x00)), AW_OK);             /* 1.0 half */
    assert_int_equal(cbor(B(0xfb, 0, 0, 0, 0, 0, 0, 0, 0)), AW_OK); /* 0.0 double */
}

static void cbor_malformed(void **state) {
    (void)state;
    aw_error err;
    assert_int_equal(aw__wellformed_cbor(NULL, 0, &err), AW_MALFORMED);
    assert_int_equal(cbor(B(0x18)), AW_MALFORMED);                   /* uint8 cut */
    assert_int_equal(cbor(B(0x63, 'a', 'b')), AW_MALFORMED);         /* string cut */
    assert_int_equal(cbor(B(0x82, 0x01)), AW_MALFORMED);             /* array missing item */
    assert_int_equal(cbor(B(0xa1, 0x01)), AW_MALFORMED);             /* map missing value */
    assert_int_equal(cbor(B(0x01, 0x02)), AW_MALFORMED);             /* two items */
    assert_int_equal(aw__wellformed_cbor(B(0x80, 0x00), &err), AW_MALFORMED);
    assert_non_null(strstr(err.message, "follow"));
    assert_int_equal(cbor(B(0xff)), AW_MALFORMED);                   /* lone break */
    assert_int_equal(cbor(B(0x82, 0x01, 0xff)), AW_MALFORMED);       /* break in definite */
    assert_int_equal(cbor(B(0x9f, 0x01)), AW_MALFORMED);             /* no break */
    assert_int_equal(cbor(B(0xbf, 0x01, 0xff)), AW_MALFORMED);       /* odd indefinite map */
    assert_int_equal(cbor(B(0x5f, 0x01, 0xff)), AW_MALFORMED);       /* int inside bytes */
    assert_int_equal(cbor(B(0x5f, 0x61, 'a', 0xff)), AW_MALFORMED);  /* text inside bytes */
    assert_int_equal(cbor(B(0x7f, 0x5f, 0xff, 0xff)), AW_MALFORMED); /* nested indefinite */
    assert_int_equal(cbor(B(0x1c)), AW_MALFORMED);                   /* reserved info 28 */
    assert_int_equal(cbor(B(0xc1)), AW_MALFORMED);                   /* tag without item */
    /* Claims 2^64-1 elements in nine bytes: refused as truncated, no allocation. */
    assert_int_equal(cbor(B(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00)),
                     AW_MALFORMED);
    assert_int_equal(cbor(B(0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), AW_MALFORMED);
    assert_int_equal(cbor(B(0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), AW_MALFORMED);
}

static void cbor_depth_limit(void **state) {
    (void)state;
    enum { DEEP = AW__WELLFORMED_CBOR_DEPTH + 1 };
    uint8_t body[DEEP + 1];
    memset(body, 0x81, DEEP); /* [[[...]]] */
    body[DEEP] = 0x00;
    assert_int_equal(cbor(body + 1, DEEP), AW_OK); /* exactly the limit */
    aw_error err;
    assert_int_equal(aw__wellformed_cbor(body, DEEP + 1, &err), AW_MALFORMED);
    assert_non_null(strstr(err.message, "deep"));
}

static aw_status json(const char *text) {
    return aw__wellformed_json((const uint8_t *)text, strlen(text), NULL);
}

static void json_items(void **state) {
    (void)state;
    assert_int_equal(json("{\"a\": [1, 2.5, true, null, \"x\"]}"), AW_OK);
    assert_int_equal(json("  42 \n"), AW_OK);
    assert_int_equal(json("\"text\""), AW_OK);
    assert_int_equal(json("\"nul \\u0000 inside\""), AW_OK);
    assert_int_equal(json("[]"), AW_OK);
    aw_error err;
    assert_int_equal(aw__wellformed_json((const uint8_t *)"", 0, &err), AW_MALFORMED);
    assert_int_equal(json("{\"a\": 1"), AW_MALFORMED);
    assert_int_equal(json("{\"a\": 1} {}"), AW_MALFORMED);
    assert_int_equal(json("[1, 2,]"), AW_MALFORMED);
    assert_int_equal(json("{'a': 1}"), AW_MALFORMED);
    assert_int_equal(json("\"bad utf8 \xff\""), AW_MALFORMED);
    assert_int_equal(json("nul"), AW_MALFORMED);
    assert_int_equal(aw__wellformed_json((const uint8_t *)"[1] x", 5, &err), AW_MALFORMED);
    assert_int_equal(err.status, AW_MALFORMED);
    assert_non_null(strstr(err.message, "json"));
    /* A raw NUL byte ends nothing: the body is the full length. */
    assert_int_equal(aw__wellformed_json((const uint8_t *)"1\0", 2, NULL), AW_MALFORMED);
    /* Deep nesting is refused by jansson's own limit, not by a crash. */
    char deep[5001];
    memset(deep, '[', 5000);
    deep[5000] = '\0';
    assert_int_equal(json(deep), AW_MALFORMED);
}

static aw_status mp(const uint8_t *p, size_t n) {
    return aw__wellformed_msgpack(p, n, NULL);
}

static void msgpack_items(void **state) {
    (void)state;
    assert_int_equal(mp(B(0x01)), AW_OK);
    assert_int_equal(mp(B(0xff)), AW_OK);                           /* -1 */
    assert_int_equal(mp(B(0xc0)), AW_OK);                           /* nil */
    assert_int_equal(mp(B(0x81, 0xa1, 'a', 0x93, 1, 2, 3)), AW_OK); /* {"a": [1,2,3]} */
    assert_int_equal(mp(B(0xcd, 0x01, 0x00)), AW_OK);               /* uint16 */
    assert_int_equal(mp(B(0xcb, 0, 0, 0, 0, 0, 0, 0, 0)), AW_OK);   /* float64 */
    assert_int_equal(mp(B(0xc4, 0x02, 1, 2)), AW_OK);               /* bin8 */
    assert_int_equal(mp(B(0xd9, 0x01, 'x')), AW_OK);                /* str8 */
    assert_int_equal(mp(B(0xd4, 0x01, 0x02)), AW_OK);               /* fixext1 */
    assert_int_equal(mp(B(0xc7, 0x01, 0x05, 0xaa)), AW_OK);         /* ext8 */
    assert_int_equal(mp(B(0xdc, 0x00, 0x02, 0xc2, 0xc3)), AW_OK);   /* array16 */
    assert_int_equal(mp(B(0xde, 0x00, 0x01, 0x01, 0x02)), AW_OK);   /* map16 */
    assert_int_equal(mp(B(0x90)), AW_OK);                           /* [] */
}

static void msgpack_malformed(void **state) {
    (void)state;
    aw_error err;
    assert_int_equal(aw__wellformed_msgpack(NULL, 0, &err), AW_MALFORMED);
    assert_int_equal(mp(B(0xc1)), AW_MALFORMED);                     /* never used */
    assert_int_equal(mp(B(0x92, 0x01)), AW_MALFORMED);               /* array missing item */
    assert_int_equal(mp(B(0x81, 0x01)), AW_MALFORMED);               /* map missing value */
    assert_int_equal(mp(B(0xa3, 'a', 'b')), AW_MALFORMED);           /* str cut */
    assert_int_equal(mp(B(0xcd, 0x01)), AW_MALFORMED);               /* uint16 cut */
    assert_int_equal(mp(B(0xc5, 0x00)), AW_MALFORMED);               /* bin16 length cut */
    assert_int_equal(mp(B(0xd8, 0x01, 0x02)), AW_MALFORMED);         /* fixext16 cut */
    assert_int_equal(mp(B(0x01, 0x02)), AW_MALFORMED);               /* two items */
    assert_int_equal(aw__wellformed_msgpack(B(0x90, 0x00), &err), AW_MALFORMED);
    assert_non_null(strstr(err.message, "follow"));
    /* Declares 4 G elements in five bytes: refused before msgpack-c sizes an array. */
    assert_int_equal(mp(B(0xdd, 0xff, 0xff, 0xff, 0xff)), AW_MALFORMED);
    assert_int_equal(mp(B(0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02)), AW_MALFORMED);
    assert_int_equal(mp(B(0xdb, 0xff, 0xff, 0xff, 0xff, 'x')), AW_MALFORMED);
    /* Nesting: 32 non-empty levels is msgpack-c's limit. */
    uint8_t deep[34];
    memset(deep, 0x91, sizeof deep);
    deep[32] = 0x01;
    assert_int_equal(mp(deep, 33), AW_OK);
    deep[32] = 0x91;
    deep[33] = 0x01;
    assert_int_equal(aw__wellformed_msgpack(deep, 34, &err), AW_MALFORMED);
    assert_non_null(strstr(err.message, "deep"));
}

static void dispatch_by_codec(void **state) {
    (void)state;
    const uint8_t junk[] = {0xc1, 0xff};
    assert_true(aw__wellformed_supported(AW__CODEC_CBOR));
    assert_true(aw__wellformed_supported(AW__CODEC_JSON));
    assert_true(aw__wellformed_supported(AW__CODEC_MSGPACK));
    assert_false(aw__wellformed_supported(AW__CODEC_RAW));
    assert_false(aw__wellformed_supported(AW__CODEC_PROTOBUF));
    assert_int_equal(aw__wellformed_check(AW__CODEC_RAW, junk, 2, NULL), AW_OK);
    assert_int_equal(aw__wellformed_check(AW__CODEC_PROTOBUF, junk, 2, NULL), AW_OK);
    assert_int_equal(aw__wellformed_check(AW__CODEC_CBOR, junk, 2, NULL), AW_MALFORMED);
    assert_int_equal(aw__wellformed_check(AW__CODEC_JSON, junk, 2, NULL), AW_MALFORMED);
    assert_int_equal(aw__wellformed_check(AW__CODEC_MSGPACK, junk, 2, NULL), AW_MALFORMED);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cbor_valid_items),   cmocka_unit_test(cbor_malformed),
        cmocka_unit_test(cbor_depth_limit),   cmocka_unit_test(json_items),
        cmocka_unit_test(msgpack_items),      cmocka_unit_test(msgpack_malformed),
        cmocka_unit_test(dispatch_by_codec),
    };
    return AW_TEST_RUN(tests);
}
