/* Bit casts between WebAssembly float values and the 64-bit slots that hold
 * them (f32 in the low 32 bits), without aliasing tricks. */
#ifndef AW_WASM_BITS_H
#define AW_WASM_BITS_H

#include <stdint.h>
#include <string.h>

static inline float aw__f32_of(uint64_t slot) {
    uint32_t b = (uint32_t)slot;
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static inline double aw__f64_of(uint64_t slot) {
    double d;
    memcpy(&d, &slot, 8);
    return d;
}

static inline uint64_t aw__slot_of_f32(float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static inline uint64_t aw__slot_of_f64(double d) {
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}

#endif
