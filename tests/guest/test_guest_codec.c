/* The guest SDK's multicodec code (guest/codec.c), compiled natively: varint
 * round trips, the codec table, and every malformed prefix rejected. */
#include "test_support.h"

#include "airwasm/guest.h"

#include <string.h>

static void known_codecs_encode_as_the_multicodec_table(void **state) {
    (void)state;
    uint8_t out[AW_UVARINT_MAX];
    assert_int_equal(aw_uvarint_encode(AW_CODEC_RAW, out), 1);
    assert_int_equal(out[0], 0x55);
    assert_int_equal(aw_uvarint_encode(AW_CODEC_CBOR, out), 1);
    assert_int_equal(out[0], 0x51);
    assert_int_equal(aw_uvarint_encode(AW_CODEC_PROTOBUF, out), 1);
    assert_int_equal(out[0], 0x50);
    /* 0x0200 = 0b100_0000000: low seven bits 0 with continuation, then 4. */
    assert_int_equal(aw_uvarint_encode(AW_CODEC_JSON, out), 2);
    assert_int_equal(out[0], 0x80);
    assert_int_equal(out[1], 0x04);
    assert_int_equal(aw_uvarint_encode(AW_CODEC_MESSAGEPACK, out), 2);
    assert_int_equal(out[0], 0x81);
    assert_int_equal(out[1], 0x04);
}

static void varints_round_trip_up_to_63_bits(void **state) {
    (void)state;
    const uint64_t values[] = {0,           1,
                               0x7f,        0x80,
                               0x3fff,      0x4000,
                               0xffffffffu, (1ull << 56) - 1,
                               1ull << 56,  (1ull << 63) - 1};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        uint8_t out[AW_UVARINT_MAX];
        size_t n = aw_uvarint_encode(values[i], out);
        assert_true(n >= 1 && n <= AW_UVARINT_MAX);
        uint64_t back = 0;
        assert_int_equal(aw_uvarint_decode(out, n, &back), n);
        assert_int_equal(back, values[i]);
        /* One byte short is truncated. */
        assert_int_equal(aw_uvarint_decode(out, n - 1, &back), 0);
    }
    uint8_t out[AW_UVARINT_MAX];
    assert_int_equal(aw_uvarint_encode(1ull << 63, out), 0);
    assert_int_equal(aw_uvarint_encode(UINT64_MAX, out), 0);
}

static void malformed_varints_are_rejected(void **state) {
    (void)state;
    uint64_t v = 42;
    /* Empty input. */
    assert_int_equal(aw_uvarint_decode((const uint8_t *)"", 0, &v), 0);
    /* Not minimal: 0x55 written in two bytes, 0 written in two bytes. */
    static const uint8_t long_raw[] = {0xd5, 0x00};
    assert_int_equal(aw_uvarint_decode(long_raw, sizeof long_raw, &v), 0);
    static const uint8_t long_zero[] = {0x80, 0x00};
    assert_int_equal(aw_uvarint_decode(long_zero, sizeof long_zero, &v), 0);
    /* Ten bytes (more than 63 bits). */
    static const uint8_t ten[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(aw_uvarint_decode(ten, sizeof ten, &v), 0);
    /* Continuation bit on the last byte. */
    static const uint8_t open[] = {0x80, 0x80};
    assert_int_equal(aw_uvarint_decode(open, sizeof open, &v), 0);
    assert_int_equal(v, 42); /* untouched on failure */
}

static void payloads_split_into_codec_and_body(void **state) {
    (void)state;
    static const uint8_t json[] = {0x80, 0x04, '{', '}'};
    uint64_t codec = 0;
    const uint8_t *body = NULL;
    size_t body_len = 99;
    assert_true(aw_codec_split(json, sizeof json, &codec, &body, &body_len));
    assert_int_equal(codec, AW_CODEC_JSON);
    assert_ptr_equal(body, json + 2);
    assert_int_equal(body_len, 2);
    /* A prefix alone is an empty body. */
    assert_true(aw_codec_split(json, 2, &codec, &body, &body_len));
    assert_int_equal(body_len, 0);
    /* A cut prefix is malformed and writes nothing. */
    codec = 7;
    assert_false(aw_codec_split(json, 1, &codec, &body, &body_len));
    assert_false(aw_codec_split(json, 0, &codec, &body, &body_len));
    assert_int_equal(codec, 7);
}

static void codec_names_match_the_manifest_words(void **state) {
    (void)state;
    const char *names[] = {"raw", "cbor", "json", "messagepack", "protobuf"};
    for (size_t i = 0; i < 5; i++) {
        uint64_t code = 0;
        assert_true(aw_codec_from_name(names[i], &code));
        assert_string_equal(aw_codec_name(code), names[i]);
    }
    uint64_t code = 0;
    assert_false(aw_codec_from_name("xml", &code));
    assert_false(aw_codec_from_name("JSON", &code));
    assert_null(aw_codec_name(0x0129)); /* dag-json: real, but not in our table */
}

static void error_names_are_the_wit_case_names(void **state) {
    (void)state;
    assert_string_equal(aw_send_error_name(AW_SEND_OK), "ok");
    assert_string_equal(aw_send_error_name(AW_SEND_UNKNOWN_TARGET), "unknown-target");
    assert_string_equal(aw_send_error_name(AW_SEND_SHUTTING_DOWN), "shutting-down");
    assert_string_equal(aw_request_error_name(AW_REQUEST_TIMEOUT), "timeout");
    assert_string_equal(aw_request_error_name(AW_REQUEST_DENIED), "denied");
    /* C enum = WIT case + 1: the WIT order is kept. */
    assert_int_equal(AW_SEND_BAD_CODEC - 1, 4);
    assert_int_equal(AW_REQUEST_TARGET_CRASHED - 1, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_codecs_encode_as_the_multicodec_table),
        cmocka_unit_test(varints_round_trip_up_to_63_bits),
        cmocka_unit_test(malformed_varints_are_rejected),
        cmocka_unit_test(payloads_split_into_codec_and_body),
        cmocka_unit_test(codec_names_match_the_manifest_words),
        cmocka_unit_test(error_names_are_the_wit_case_names),
    };
    return AW_TEST_RUN(tests);
}
