/* Multicodec: uvarint round trips and rejections, the codec table, the send-time check. */
#include "test_support.h"

#include "msg/multicodec.h"

#include <string.h>

static void uvarint_round_trips(void **state) {
    (void)state;
    const uint64_t values[] = {0,          1,          0x7f,       0x80,        0x3fff, 0x4000,
                               0x0200,     0x0201,     UINT32_MAX, UINT64_C(1) << 56,
                               AW__UVARINT_MAX_VALUE};
    const size_t sizes[] = {1, 1, 1, 2, 2, 3, 2, 2, 5, 9, 9};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        uint8_t buf[AW__UVARINT_MAX_BYTES];
        size_t n = aw__uvarint_encode(values[i], buf);
        assert_int_equal(n, sizes[i]);
        assert_int_equal(aw__uvarint_size(values[i]), sizes[i]);
        uint64_t back;
        size_t used;
        assert_int_equal(aw__uvarint_decode(buf, n, &back, &used), AW_OK);
        assert_int_equal(back, values[i]);
        assert_int_equal(used, n);
        /* Every shorter prefix is truncated. */
        for (size_t cut = 0; cut < n; cut++)
            assert_int_equal(aw__uvarint_decode(buf, cut, &back, &used), AW_MALFORMED);
    }
}

static void uvarint_known_bytes(void **state) {
    (void)state;
    uint8_t buf[AW__UVARINT_MAX_BYTES];
    assert_int_equal(aw__uvarint_encode(0x0200, buf), 2);
    assert_int_equal(buf[0], 0x80);
    assert_int_equal(buf[1], 0x04);
    assert_int_equal(aw__uvarint_encode(300, buf), 2);
    assert_int_equal(buf[0], 0xac);
    assert_int_equal(buf[1], 0x02);
    /* Values needing a tenth byte cannot be encoded. */
    assert_int_equal(aw__uvarint_encode(UINT64_MAX, buf), 0);
    assert_int_equal(aw__uvarint_encode(AW__UVARINT_MAX_VALUE + 1, buf), 0);
    assert_int_equal(aw__uvarint_size(UINT64_MAX), 0);
}

static void uvarint_rejects_non_minimal_and_long(void **state) {
    (void)state;
    uint64_t v;
    size_t used;
    const uint8_t padded_zero[] = {0x80, 0x00};       /* 0 in two bytes */
    const uint8_t padded_one[] = {0x81, 0x80, 0x00};  /* 1 in three bytes */
    const uint8_t ten[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    const uint8_t nine_cont[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
    assert_int_equal(aw__uvarint_decode(padded_zero, 2, &v, &used), AW_MALFORMED);
    assert_int_equal(aw__uvarint_decode(padded_one, 3, &v, &used), AW_MALFORMED);
    assert_int_equal(aw__uvarint_decode(ten, sizeof ten, &v, &used), AW_MALFORMED);
    assert_int_equal(aw__uvarint_decode(nine_cont, sizeof nine_cont, &v, &used), AW_MALFORMED);
    assert_int_equal(aw__uvarint_decode(padded_zero, 0, &v, &used), AW_MALFORMED);
    /* The largest 9-byte value decodes; trailing bytes are left alone. */
    const uint8_t max9[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x42};
    assert_int_equal(aw__uvarint_decode(max9, sizeof max9, &v, &used), AW_OK);
    assert_int_equal(v, AW__UVARINT_MAX_VALUE);
    assert_int_equal(used, 9);
}

static void codec_table_names_and_codes(void **state) {
    (void)state;
    const struct {
        aw__codec codec;
        uint64_t code;
        const char *name;
    } rows[] = {{AW__CODEC_RAW, 0x55, "raw"},
                {AW__CODEC_CBOR, 0x51, "cbor"},
                {AW__CODEC_JSON, 0x0200, "json"},
                {AW__CODEC_MSGPACK, 0x0201, "messagepack"},
                {AW__CODEC_PROTOBUF, 0x50, "protobuf"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        aw__codec c;
        assert_int_equal(aw__codec_code(rows[i].codec), rows[i].code);
        assert_string_equal(aw__codec_name(rows[i].codec), rows[i].name);
        assert_int_equal(aw__codec_from_code(rows[i].code, &c), AW_OK);
        assert_int_equal(c, rows[i].codec);
        assert_int_equal(aw__codec_from_name(rows[i].name, strlen(rows[i].name), &c), AW_OK);
        assert_int_equal(c, rows[i].codec);
    }
    aw__codec c;
    assert_int_equal(aw__codec_from_name("msgpack", 7, &c), AW_OK);
    assert_int_equal(c, AW__CODEC_MSGPACK);
    assert_int_equal(aw__codec_from_name("JSON", 4, &c), AW_NOT_FOUND);
    assert_int_equal(aw__codec_from_name("jso", 3, &c), AW_NOT_FOUND);
    assert_int_equal(aw__codec_from_code(0x70, &c), AW_NOT_FOUND);
    assert_string_equal(aw__codec_name(AW__CODEC_COUNT), "?");
    assert_int_equal(aw__codec_code(AW__CODEC_COUNT), 0);
}

/* The one-byte prefixes the send path recognises without a call, and the
 * bytes that are not one: multi-byte codes, unknown codes, continuations. */
static void codec_of_one_byte(void **state) {
    (void)state;
    assert_int_equal(aw__codec_of_byte(0x55), AW__CODEC_RAW);
    assert_int_equal(aw__codec_of_byte(0x51), AW__CODEC_CBOR);
    assert_int_equal(aw__codec_of_byte(0x50), AW__CODEC_PROTOBUF);
    for (unsigned b = 0; b < 256; b++) {
        aw__codec c = aw__codec_of_byte((uint8_t)b);
        if (c == AW__CODEC_COUNT) continue;
        /* Whatever it names, aw__codec_split agrees. */
        uint8_t payload[2] = {(uint8_t)b, 'x'};
        aw__codec split;
        const uint8_t *body;
        size_t body_len;
        assert_int_equal(aw__codec_split(payload, 2, &split, &body, &body_len, NULL), AW_OK);
        assert_int_equal(split, c);
        assert_int_equal(body_len, 1);
    }
    assert_int_equal(aw__codec_of_byte(0x80), AW__CODEC_COUNT); /* json's first byte */
    assert_int_equal(aw__codec_of_byte(0x82), AW__CODEC_COUNT);
    assert_int_equal(aw__codec_of_byte(0x00), AW__CODEC_COUNT);
    assert_int_equal(aw__codec_of_byte(0x7f), AW__CODEC_COUNT);
    assert_int_equal(aw__codec_of_byte(0xff), AW__CODEC_COUNT);
}

static void split_payloads(void **state) {
    (void)state;
    const uint8_t json[] = {0x80, 0x04, '{', '}'};
    aw__codec c;
    const uint8_t *body;
    size_t body_len;
    aw_error err;
    assert_int_equal(aw__codec_split(json, sizeof json, &c, &body, &body_len, &err), AW_OK);
    assert_int_equal(c, AW__CODEC_JSON);
    assert_ptr_equal(body, json + 2);
    assert_int_equal(body_len, 2);
    const uint8_t raw_empty[] = {0x55};
    assert_int_equal(aw__codec_split(raw_empty, 1, &c, &body, &body_len, NULL), AW_OK);
    assert_int_equal(c, AW__CODEC_RAW);
    assert_int_equal(body_len, 0);
    assert_int_equal(aw__codec_split(json, 0, &c, &body, &body_len, &err), AW_MALFORMED);
    assert_non_null(strstr(err.message, "empty"));
    assert_int_equal(aw__codec_split(json, 1, &c, &body, &body_len, &err), AW_MALFORMED);
    const uint8_t overlong_raw[] = {0xd5, 0x00};
    assert_int_equal(aw__codec_split(overlong_raw, 2, &c, &body, &body_len, &err), AW_MALFORMED);
    const uint8_t unknown[] = {0x70, 1, 2};
    assert_int_equal(aw__codec_split(unknown, 3, &c, &body, &body_len, &err), AW_NOT_FOUND);
    assert_non_null(strstr(err.message, "0x70"));
    uint8_t prefix[AW__UVARINT_MAX_BYTES];
    assert_int_equal(aw__codec_prefix(AW__CODEC_MSGPACK, prefix), 2);
    assert_int_equal(prefix[0], 0x81);
    assert_int_equal(prefix[1], 0x04);
}

static void codec_sets(void **state) {
    (void)state;
    const char *names[] = {"cbor", "json"};
    aw__codec_set set;
    aw_error err;
    assert_int_equal(aw__codec_set_from_names(names, 2, &set, &err), AW_OK);
    assert_true(aw__codec_set_has(set, AW__CODEC_CBOR));
    assert_true(aw__codec_set_has(set, AW__CODEC_JSON));
    assert_false(aw__codec_set_has(set, AW__CODEC_RAW));
    assert_false(aw__codec_set_has(set, AW__CODEC_COUNT));
    char text[64];
    assert_int_equal(aw__codec_set_format(set, text, sizeof text), strlen("cbor, json"));
    assert_string_equal(text, "cbor, json");
    char small[6];
    aw__codec_set_format(set, small, sizeof small);
    assert_string_equal(small, "cbor,");
    aw__codec_set_format(AW__CODEC_SET_EMPTY, text, sizeof text);
    assert_string_equal(text, "nothing");
    const char *bad[] = {"cbor", "yaml"};
    assert_int_equal(aw__codec_set_from_names(bad, 2, &set, &err), AW_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "yaml"));
    for (unsigned i = 0; i < AW__CODEC_COUNT; i++)
        assert_true(aw__codec_set_has(AW__CODEC_SET_ALL, (aw__codec)i));
}

static void check_names_codec_and_target(void **state) {
    (void)state;
    aw__codec_set accepts = aw__codec_set_with(AW__CODEC_SET_EMPTY, AW__CODEC_CBOR);
    const uint8_t cbor[] = {0x51, 0xa0};
    const uint8_t json[] = {0x80, 0x04, '1'};
    aw__codec c;
    const uint8_t *body;
    size_t body_len;
    aw_error err;
    assert_int_equal(aw__codec_check(accepts, cbor, 2, "ledger", 6, &c, &body, &body_len, &err),
                     AW_OK);
    assert_int_equal(c, AW__CODEC_CBOR);
    assert_int_equal(body_len, 1);
    assert_int_equal(body[0], 0xa0);
    assert_int_equal(aw__codec_check(accepts, json, 3, "ledger", 6, NULL, NULL, NULL, &err),
                     AW_BAD_CODEC);
    assert_int_equal(err.status, AW_BAD_CODEC);
    assert_non_null(strstr(err.message, "json"));
    assert_non_null(strstr(err.message, "ledger"));
    assert_non_null(strstr(err.message, "accepts cbor"));
    const uint8_t unknown[] = {0x70};
    assert_int_equal(aw__codec_check(accepts, unknown, 1, "ledger", 6, NULL, NULL, NULL, &err),
                     AW_BAD_CODEC);
    assert_non_null(strstr(err.message, "ledger"));
    assert_non_null(strstr(err.message, "0x70"));
    assert_int_equal(aw__codec_check(accepts, cbor, 0, "ledger", 6, NULL, NULL, NULL, &err),
                     AW_BAD_CODEC);
    assert_int_equal(aw__codec_check(AW__CODEC_SET_ALL, json, 3, "x", 1, NULL, NULL, NULL, NULL),
                     AW_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uvarint_round_trips),
        cmocka_unit_test(codec_of_one_byte),
        cmocka_unit_test(uvarint_known_bytes),
        cmocka_unit_test(uvarint_rejects_non_minimal_and_long),
        cmocka_unit_test(codec_table_names_and_codes),
        cmocka_unit_test(split_payloads),
        cmocka_unit_test(codec_sets),
        cmocka_unit_test(check_names_codec_and_target),
    };
    return AW_TEST_RUN(tests);
}
