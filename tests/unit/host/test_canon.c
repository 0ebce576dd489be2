/* Canonical ABI helpers that need no guest: the UTF-8 check strings are
 * lifted with, and the little-endian stores of result records. */
#include "host_test.h"

#include "host/canon.h"

#include <string.h>

static bool valid(const char *bytes, size_t len) {
    return aw__canon_utf8_valid((const uint8_t *)bytes, len);
}

static void well_formed_utf8_is_accepted(void **state) {
    (void)state;
    assert_true(valid("", 0));
    assert_true(valid("plain ascii", 11));
    assert_true(valid("caf\xc3\xa9", 5));      /* U+00E9 */
    assert_true(valid("\xe2\x82\xac", 3));     /* U+20AC */
    assert_true(valid("\xf0\x9f\x98\x80", 4)); /* U+1F600 */
    assert_true(valid("\xef\xbf\xbf", 3));     /* U+FFFF */
    assert_true(valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF, the last */
    assert_true(valid("\xed\x9f\xbf", 3));     /* U+D7FF, before surrogates */
    assert_true(valid("a\0b", 3));             /* NUL is a character */
}

static void malformed_utf8_is_refused(void **state) {
    (void)state;
    assert_false(valid("\x80", 1));             /* lone continuation */
    assert_false(valid("\xc3", 1));             /* truncated */
    assert_false(valid("caf\xc3", 4));          /* truncated at the end */
    assert_false(valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(valid("\xc1\xbf", 2));         /* overlong */
    assert_false(valid("\xe0\x80\xaf", 3));     /* overlong, 3 bytes */
    assert_false(valid("\xf0\x80\x80\xaf", 4)); /* overlong, 4 bytes */
    assert_false(valid("\xed\xa0\x80", 3));     /* surrogate U+D800 */
    assert_false(valid("\xed\xbf\xbf", 3));     /* surrogate U+DFFF */
    assert_false(valid("\xf4\x90\x80\x80", 4)); /* U+110000 */
    assert_false(valid("\xf5\x80\x80\x80", 4)); /* lead byte past F4 */
    assert_false(valid("\xff", 1));
    assert_false(valid("\xe2\x28\xa1", 3));     /* bad second byte */
    assert_false(valid("\xe2\x82\x28", 3));     /* bad third byte */
    assert_false(valid("\xf0\x9f\x98\x28", 4)); /* bad fourth byte */
}

/* Long ASCII runs are checked eight bytes at a time: a bad byte anywhere in
 * or after such a run, and a sequence straddling a word, are still found. */
static void long_strings_are_checked_whole(void **state) {
    (void)state;
    assert_true(valid("orders.billing.audit-7", 22));
    assert_true(valid("0123456\xc3\xa9" "abcdefgh", 17)); /* 2-byte across the word edge */
    assert_true(valid("abcdefgh" "\xf0\x9f\x98\x80", 12));
    for (size_t at = 0; at < 24; at++) {
        char text[25];
        memset(text, 'a', sizeof text);
        text[at] = (char)0x80; /* a lone continuation byte */
        assert_false(valid(text, sizeof text));
        text[at] = (char)0xc3; /* a truncated sequence ('a' is no continuation) */
        assert_false(valid(text, sizeof text));
    }
    assert_false(valid("abcdefghijklmno\xc3", 16)); /* truncated at the very end */
}

/* Short strings are first tested a word or two at a time: for every length
 * up to past that path, a byte with its high bit at any position still
 * sends the string through the full check. */
static void short_strings_are_checked_at_every_byte(void **state) {
    (void)state;
    for (size_t len = 1; len <= 18; len++) {
        char text[18];
        memset(text, 'a', sizeof text);
        assert_true(valid(text, len));
        for (size_t at = 0; at < len; at++) {
            memset(text, 'a', sizeof text);
            text[at] = (char)0x80; /* a lone continuation byte */
            assert_false(valid(text, len));
            text[at] = (char)0xff;
            assert_false(valid(text, len));
            if (at + 1 < len) { /* a well-formed 2-byte sequence there */
                text[at] = (char)0xc3;
                text[at + 1] = (char)0xa9;
                assert_true(valid(text, len));
            }
        }
    }
}

static void records_are_little_endian(void **state) {
    (void)state;
    uint8_t buf[8];
    aw__canon_store_u32(buf, 0x11223344u);
    const uint8_t want32[4] = {0x44, 0x33, 0x22, 0x11};
    assert_memory_equal(buf, want32, 4);
    assert_int_equal(aw__canon_load_u32(buf), 0x11223344u);
    aw__canon_store_u64(buf, UINT64_C(0x0102030405060708));
    const uint8_t want64[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    assert_memory_equal(buf, want64, 8);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed_utf8_is_accepted),
        cmocka_unit_test(malformed_utf8_is_refused),
        cmocka_unit_test(long_strings_are_checked_whole),
        cmocka_unit_test(short_strings_are_checked_at_every_byte),
        cmocka_unit_test(records_are_little_endian),
    };
    return AW_TEST_RUN(tests);
}
