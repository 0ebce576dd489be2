/* Decoding and validation: malformed binaries (truncated, bad magic or
 * version, section order and sizes, LEB128), invalid modules by rule family,
 * unsupported features, each reported with a byte offset. */
#include "wasm_test_util.h"

static aw_status create(const uint8_t *bytes, size_t len, aw_error *err) {
    aw_module *m = NULL;
    aw_status st = aw_module_create(bytes, len, &m, err);
    if (st == AW_OK) {
        assert_non_null(m);
        aw_module_release(m);
    } else {
        assert_null(m);
        assert_int_equal(err->status, st);
        assert_true(err->message[0] != '\0');
    }
    return st;
}

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00

static void header(void **state) {
    (void)state;
    aw_error err;
    static const uint8_t empty_module[] = {HDR};
    assert_int_equal(create(empty_module, sizeof empty_module, &err), AW_OK);
    assert_int_equal(create(empty_module, 0, &err), AW_MALFORMED);
    assert_int_equal(create(empty_module, 3, &err), AW_MALFORMED);
    assert_int_equal(create(empty_module, 6, &err), AW_MALFORMED);
    static const uint8_t bad_magic[] = {0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00};
    assert_int_equal(create(bad_magic, sizeof bad_magic, &err), AW_MALFORMED);
    assert_int_equal(err.offset, 0);
    static const uint8_t bad_version[] = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
    assert_int_equal(create(bad_version, sizeof bad_version, &err), AW_MALFORMED);
    assert_int_equal(err.offset, 4);
}

static void sections(void **state) {
    (void)state;
    aw_error err;
    /* type section: one type () -> () */
    static const uint8_t ok[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00};
    assert_int_equal(create(ok, sizeof ok, &err), AW_OK);
    /* size past the end */
    static const uint8_t too_long[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x00};
    assert_int_equal(create(too_long, sizeof too_long, &err), AW_MALFORMED);
    assert_int_equal(err.offset, 10);
    /* size larger than the content */
    static const uint8_t mismatch[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00};
    assert_int_equal(create(mismatch, sizeof mismatch, &err), AW_MALFORMED);
    /* truncated inside the section */
    static const uint8_t truncated[] = {HDR, 0x01, 0x03, 0x01, 0x60, 0x00};
    assert_int_equal(create(truncated, sizeof truncated, &err), AW_MALFORMED);
    /* function section before type section */
    static const uint8_t order[] = {HDR, 0x03, 0x01, 0x00, 0x01, 0x01, 0x00};
    assert_int_equal(create(order, sizeof order, &err), AW_MALFORMED);
    assert_int_equal(err.offset, 11);
    /* the same section twice */
    static const uint8_t twice[] = {HDR, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00};
    assert_int_equal(create(twice, sizeof twice, &err), AW_MALFORMED);
    /* unknown section id */
    static const uint8_t unknown[] = {HDR, 0x0D, 0x00};
    assert_int_equal(create(unknown, sizeof unknown, &err), AW_MALFORMED);
    assert_int_equal(err.offset, 8);
    /* custom sections anywhere are skipped */
    static const uint8_t custom[] = {HDR, 0x00, 0x03, 0x01, 'x', 0x42, 0x01, 0x01, 0x00};
    assert_int_equal(create(custom, sizeof custom, &err), AW_OK);
    /* a function section without a code section */
    static const uint8_t no_code[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00};
    assert_int_equal(create(no_code, sizeof no_code, &err), AW_MALFORMED);
}

static void leb128(void **state) {
    (void)state;
    aw_error err;
    /* 5-byte padded LEB128 counts (as wasm-ld leaves them) are accepted */
    static const uint8_t padded[] = {HDR, 0x01, 0x08, 0x81, 0x80, 0x80, 0x80, 0x00, 0x60, 0x00, 0x00};
    assert_int_equal(create(padded, sizeof padded, &err), AW_OK);
    /* 6 bytes for a u32 is too long */
    static const uint8_t too_long[] = {HDR, 0x01, 0x09, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x60, 0x00, 0x00};
    assert_int_equal(create(too_long, sizeof too_long, &err), AW_MALFORMED);
    /* unused bits of the 5th byte set */
    static const uint8_t too_big[] = {HDR, 0x01, 0x08, 0x81, 0x80, 0x80, 0x80, 0x10, 0x60, 0x00, 0x00};
    assert_int_equal(create(too_big, sizeof too_big, &err), AW_MALFORMED);
    /* truncated LEB at the end of the input */
    static const uint8_t cut[] = {HDR, 0x01, 0x80};
    assert_int_equal(create(cut, sizeof cut, &err), AW_MALFORMED);
    /* signed: i32.const with a non-sign-extending 5th byte */
    static const uint8_t bad_sleb[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00,
                                       0x0A, 0x0A, 0x01, 0x08, 0x00, 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x4F, 0x0B};
    assert_int_equal(create(bad_sleb, sizeof bad_sleb, &err), AW_MALFORMED);
    static const uint8_t good_sleb[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00,
                                        0x0A, 0x0A, 0x01, 0x08, 0x00, 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x0B};
    assert_int_equal(create(good_sleb, sizeof good_sleb, &err), AW_OK);
}

static void expect_invalid(const char *file, const char *needle) {
    size_t len;
    uint8_t *bytes = aw_test_read_file(aw_test_wasm_path(file), &len);
    aw_error err;
    assert_int_equal(create(bytes, len, &err), AW_INVALID_MODULE);
    assert_true(err.offset != AW_ERROR_NO_OFFSET && err.offset < len);
    if (!strstr(err.message, needle)) print_error("%s: '%s' lacks '%s'\n", file, err.message, needle);
    assert_non_null(strstr(err.message, needle));
    aw_test_free_file(bytes, len);
}

static void invalid_modules(void **state) {
    (void)state;
    expect_invalid("invalid_type.wasm", "type mismatch");
    expect_invalid("invalid_stack.wasm", "type mismatch");
    expect_invalid("invalid_local.wasm", "unknown local");
    expect_invalid("invalid_block.wasm", "type mismatch");
    expect_invalid("invalid_global.wasm", "immutable");
    expect_invalid("invalid_label.wasm", "unknown label");
    expect_invalid("invalid_call.wasm", "type mismatch");
    aw_error err;
    /* unknown function index in a call */
    static const uint8_t bad_call[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                       0x0A, 0x06, 0x01, 0x04, 0x00, 0x10, 0x05, 0x0B};
    assert_int_equal(create(bad_call, sizeof bad_call, &err), AW_INVALID_MODULE);
    assert_non_null(strstr(err.message, "unknown function"));
    /* unknown type index in the function section */
    static const uint8_t bad_type[] = {HDR, 0x03, 0x02, 0x01, 0x00};
    assert_int_equal(create(bad_type, sizeof bad_type, &err), AW_INVALID_MODULE);
    /* memory limits: min above max, and above 4 GiB */
    static const uint8_t bad_limits[] = {HDR, 0x05, 0x04, 0x01, 0x01, 0x02, 0x01};
    assert_int_equal(create(bad_limits, sizeof bad_limits, &err), AW_INVALID_MODULE);
    static const uint8_t huge_memory[] = {HDR, 0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04};
    assert_int_equal(create(huge_memory, sizeof huge_memory, &err), AW_INVALID_MODULE);
    /* duplicate export names */
    static const uint8_t dup[] = {HDR, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x09, 0x02,
                                  0x01, 'm', 0x02, 0x00, 0x01, 'm', 0x02, 0x00};
    assert_int_equal(create(dup, sizeof dup, &err), AW_INVALID_MODULE);
    assert_non_null(strstr(err.message, "duplicate export"));
    /* memory.size without a memory */
    static const uint8_t no_mem[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00,
                                     0x0A, 0x07, 0x01, 0x05, 0x00, 0x3F, 0x00, 0x0B};
    assert_int_equal(create(no_mem, sizeof no_mem - 1, &err), AW_MALFORMED);
    static const uint8_t no_mem2[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00,
                                      0x0A, 0x06, 0x01, 0x04, 0x00, 0x3F, 0x00, 0x0B};
    assert_int_equal(create(no_mem2, sizeof no_mem2, &err), AW_INVALID_MODULE);
    assert_non_null(strstr(err.message, "unknown memory"));
    /* memory.init without a data count section is malformed */
    static const uint8_t no_datacount[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                           0x05, 0x03, 0x01, 0x00, 0x01, 0x0A, 0x0F, 0x01, 0x0D, 0x00,
                                           0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B,
                                           0x00};
    assert_int_not_equal(create(no_datacount, sizeof no_datacount, &err), AW_OK);
    /* junk after the final end of a body */
    static const uint8_t junk[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                   0x0A, 0x05, 0x01, 0x03, 0x00, 0x0B, 0x01};
    assert_int_equal(create(junk, sizeof junk, &err), AW_MALFORMED);
    /* illegal opcode */
    static const uint8_t illegal[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                      0x0A, 0x05, 0x01, 0x03, 0x00, 0xFF, 0x0B};
    assert_int_equal(create(illegal, sizeof illegal, &err), AW_MALFORMED);
    assert_int_equal(err.offset, 23);
}

static void unsupported_features(void **state) {
    (void)state;
    size_t len;
    uint8_t *bytes = aw_test_read_file(aw_test_wasm_path("simd.wasm"), &len);
    aw_error err;
    assert_int_equal(create(bytes, len, &err), AW_UNSUPPORTED);
    assert_non_null(strstr(err.message, "unsupported feature SIMD at offset"));
    assert_true(err.offset < len);
    aw_test_free_file(bytes, len);
    /* shared memory (threads) */
    static const uint8_t shared[] = {HDR, 0x05, 0x04, 0x01, 0x03, 0x01, 0x01};
    assert_int_equal(create(shared, sizeof shared, &err), AW_UNSUPPORTED);
    assert_non_null(strstr(err.message, "threads"));
    /* memory64 */
    static const uint8_t mem64[] = {HDR, 0x05, 0x03, 0x01, 0x04, 0x01};
    assert_int_equal(create(mem64, sizeof mem64, &err), AW_UNSUPPORTED);
    assert_non_null(strstr(err.message, "memory64"));
    /* exception handling: try */
    static const uint8_t eh[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                 0x0A, 0x07, 0x01, 0x05, 0x00, 0x06, 0x40, 0x0B, 0x0B};
    assert_int_equal(create(eh, sizeof eh, &err), AW_UNSUPPORTED);
    assert_non_null(strstr(err.message, "exceptions"));
    /* tail calls */
    static const uint8_t tail[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                   0x0A, 0x06, 0x01, 0x04, 0x00, 0x12, 0x00, 0x0B};
    assert_int_equal(create(tail, sizeof tail, &err), AW_UNSUPPORTED);
}

static void module_info(void **state) {
    (void)state;
    aw_module *m = load_module("host.wasm");
    assert_int_equal(aw_module_import_count(m), 2);
    aw_extern_info info;
    assert_int_equal(aw_module_import(m, 0, &info), AW_OK);
    assert_int_equal(info.kind, AW_EXTERN_FUNC);
    assert_int_equal(info.module_len, 3);
    assert_string_equal(info.module, "env");
    assert_string_equal(info.name, "add");
    assert_int_equal(info.type.param_count, 2);
    assert_int_equal(aw_module_import(m, 2, &info), AW_NOT_FOUND);
    bool saw_memory = false;
    for (uint32_t i = 0; i < aw_module_export_count(m); i++) {
        assert_int_equal(aw_module_export(m, i, &info), AW_OK);
        assert_null(info.module);
        if (info.kind == AW_EXTERN_MEMORY) saw_memory = strcmp(info.name, "memory") == 0;
    }
    assert_true(saw_memory);
    aw_module_retain(m);
    aw_module_release(m);
    aw_module_release(m);
    aw_module_release(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header),
        cmocka_unit_test(sections),
        cmocka_unit_test(leb128),
        cmocka_unit_test(invalid_modules),
        cmocka_unit_test(unsupported_features),
        cmocka_unit_test(module_info),
    };
    return AW_TEST_RUN(tests);
}
