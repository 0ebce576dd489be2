/* The opcode table generated from opcodes.def, shared by the compiler and
 * diagnostic code. */
#ifndef AW_WASM_COMPILE_H
#define AW_WASM_COMPILE_H

#include "wasm/module.h"

enum { AW__K_NONE, AW__K_G, AW__K_M1, AW__K_M2, AW__K_M4, AW__K_M8, AW__K_S, AW__K_R };

typedef struct aw__opinfo {
    const char *name;
    uint8_t kind; /* AW__K_*; AW__K_NONE: not an opcode */
    aw__vt p1, p2, r;
    uint16_t op; /* internal opcode for G and M kinds */
} aw__opinfo;

/* Indexed by byte (one-byte opcodes) or 256 + code (0xFC prefix). */
extern const aw__opinfo aw__opinfo_table[512];
/* Names of the internal opcodes (for dumps and tests). */
extern const char *const aw__op_names[AW__OP_COUNT_];
extern const uint8_t aw__op_operands[AW__OP_COUNT_];
extern const uint16_t aw__op_imm[AW__OP_COUNT_];
extern const uint16_t aw__op_addr_reg[AW__OP_COUNT_];
extern const uint16_t aw__op_addr_imm[AW__OP_COUNT_];
extern const uint16_t aw__op_addr_const[AW__OP_COUNT_];
extern const uint16_t aw__op_swap_imm[AW__OP_COUNT_];
extern const uint16_t aw__op_store_imm[AW__OP_COUNT_];
extern const uint16_t aw__op_store_imm_const[AW__OP_COUNT_];
/* For i32 comparisons, i32.and and the plain i32 loads (value tested against
 * zero): the fused branch taken when the value holds, and when it does not. */
extern const uint16_t aw__op_br_true[AW__OP_COUNT_];
extern const uint16_t aw__op_br_false[AW__OP_COUNT_];

/* Sets each function's entry pointer and rewrites every opcode word of the
 * module's code into its handler offset (direct threading); called once,
 * after the last function is compiled. */
void aw__code_thread(aw_module *m);

/* Writes a listing of function func_index's compiled code into out
 * (NUL-terminated, truncated to cap); returns the instruction count. */
uint32_t aw__code_dump(const aw_module *m, uint32_t func_index, char *out, size_t cap);

#endif
