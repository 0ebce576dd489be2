/* Helpers shared by the engine's unit tests: load fixtures, call exports
 * with raw slots. */
#ifndef AW_WASM_TEST_UTIL_H
#define AW_WASM_TEST_UTIL_H

#include "test_support.h"

#include "airwasm/wasm.h"
#include "wasm/bits.h"

#include <string.h>

static inline aw_module *load_module(const char *name) {
    size_t len;
    uint8_t *bytes = aw_test_read_file(aw_test_wasm_path(name), &len);
    aw_module *m = NULL;
    aw_error err;
    aw_status st = aw_module_create(bytes, len, &m, &err);
    if (st != AW_OK) print_error("%s: %s\n", name, err.message);
    assert_int_equal(st, AW_OK);
    aw_test_free_file(bytes, len);
    return m;
}

static inline aw_instance *instantiate(const char *name, const aw_instance_config *cfg) {
    aw_module *m = load_module(name);
    aw_instance *inst = NULL;
    aw_error err;
    aw_status st = aw_instance_create(m, cfg, &inst, &err);
    if (st != AW_OK) print_error("%s: %s\n", name, err.message);
    assert_int_equal(st, AW_OK);
    aw_module_release(m);
    return inst;
}

/* Calls export name with the slots; returns the status, err filled. */
static inline aw_status call_slots(aw_instance *inst, const char *name, uint64_t *slots, aw_error *err) {
    uint32_t idx;
    assert_int_equal(aw_instance_find_func(inst, name, &idx), AW_OK);
    return aw_instance_call_index(inst, idx, slots, err);
}

static inline uint64_t call2(aw_instance *inst, const char *name, uint64_t a, uint64_t b) {
    uint64_t s[4] = {a, b, 0, 0};
    aw_error err;
    aw_status st = call_slots(inst, name, s, &err);
    if (st != AW_OK) print_error("%s: %s\n", name, err.message);
    assert_int_equal(st, AW_OK);
    return s[0];
}

static inline uint64_t call3(aw_instance *inst, const char *name, uint64_t a, uint64_t b, uint64_t c) {
    uint64_t s[4] = {a, b, c, 0};
    aw_error err;
    aw_status st = call_slots(inst, name, s, &err);
    if (st != AW_OK) print_error("%s: %s\n", name, err.message);
    assert_int_equal(st, AW_OK);
    return s[0];
}

/* Expects a trap of the given kind. */
static inline void expect_trap(aw_instance *inst, const char *name, uint64_t a, uint64_t b, uint64_t c,
                               aw_trap trap) {
    uint64_t s[4] = {a, b, c, 0};
    aw_error err;
    assert_int_equal(call_slots(inst, name, s, &err), AW_TRAP);
    assert_int_equal(err.trap, trap);
}

/* Short names for the engine's bit casts (wasm/bits.h), used by many tests. */
#define f32b aw__slot_of_f32
#define f64b aw__slot_of_f64
#define asf32 aw__f32_of
#define asf64 aw__f64_of

#define U32(x) ((uint64_t)(uint32_t)(x))

#endif
