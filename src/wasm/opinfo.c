/* Tables generated from opcodes.def: validator signatures and names. */
#include "wasm/compile.h"

#define AW__VT_NO 0
#define T_NO AW__VT_NONE
#define T_I32 AW__VT_I32
#define T_I64 AW__VT_I64
#define T_F32 AW__VT_F32
#define T_F64 AW__VT_F64
#define OPV_G(n) AW__OP_##n
#define OPV_M1(n) AW__OP_##n
#define OPV_M2(n) AW__OP_##n
#define OPV_M4(n) AW__OP_##n
#define OPV_M8(n) AW__OP_##n
#define OPV_S(n) 0
#define OPV_R(n) 0

const aw__opinfo aw__opinfo_table[512] = {
#define AW_OP(n, p, c, t, k, a, b, r) \
    [(p) ? 256 + (c) : (c)] = {t, AW__K_##k, T_##a, T_##b, T_##r, (uint16_t)OPV_##k(n)},
#include "wasm/opcodes.def"
#undef AW_OP
};

const char *const aw__op_names[AW__OP_COUNT_] = {
#define AW_OP(n, p, c, t, k, a, b, r) AW__IS_##k(t)
#define AW_IOP(n, d) #n,
#define AW_BINIMM(n) #n "_I",
#define AW_BRCMP(n, inv) "BR_" #n, "BR_" #n "_I",
#define AW_MEMFUSE(n) #n "_AX", #n "_AI", #n "_AK",
#define AW_STOREIMM(n) #n "_V", #n "_KV",
#include "wasm/opcodes.def"
#undef AW_MEMFUSE
#undef AW_STOREIMM
#undef AW_OP
#undef AW_IOP
#undef AW_BINIMM
#undef AW_BRCMP
};

/* Operand words per internal opcode (BR_TABLE has 2 per entry more). */
#define NB(x) ((x) ? 1 : 0)
#define CNT_G(a, b, r) (uint8_t)(NB(a) + NB(b) + NB(r))
#define CNT_M1(a, b, r) (uint8_t)(NB(a) + NB(b) + NB(r) + 1)
#define CNT_M2 CNT_M1
#define CNT_M4 CNT_M1
#define CNT_M8 CNT_M1
const uint8_t aw__op_operands[AW__OP_COUNT_] = {
#define AW_OP(n, p, c, t, k, a, b, r) AW__IS_##k(CNT_##k(T_##a, T_##b, T_##r))
#define AW_IOP(n, d) d,
#define AW_BINIMM(n) 3,
#define AW_BRCMP(n, inv) 3, 3,
#define AW_MEMFUSE(n) 4, 4, 2,
#define AW_STOREIMM(n) 3, 2,
#include "wasm/opcodes.def"
#undef AW_MEMFUSE
#undef AW_STOREIMM
#undef AW_OP
#undef AW_IOP
#undef AW_BINIMM
#undef AW_BRCMP
};

/* For each generic binary op: its immediate form (0: none). */
const uint16_t aw__op_imm[AW__OP_COUNT_] = {
#define AW_BINIMM(n) [AW__OP_##n] = AW__OP_##n##_I,
#include "wasm/opcodes.def"
#undef AW_BINIMM
};

/* For binary operators whose FIRST operand is a constant: the immediate form
 * of the operator with its operands swapped (commutative ones, comparisons
 * mirrored, sub reversed). */
const uint16_t aw__op_swap_imm[AW__OP_COUNT_] = {
    [AW__OP_I32_ADD] = AW__OP_I32_ADD_I, [AW__OP_I32_MUL] = AW__OP_I32_MUL_I,
    [AW__OP_I32_AND] = AW__OP_I32_AND_I, [AW__OP_I32_OR] = AW__OP_I32_OR_I,
    [AW__OP_I32_XOR] = AW__OP_I32_XOR_I, [AW__OP_I32_EQ] = AW__OP_I32_EQ_I,
    [AW__OP_I32_NE] = AW__OP_I32_NE_I, [AW__OP_I32_SUB] = AW__OP_I32_RSUB_I,
    [AW__OP_I32_LT_S] = AW__OP_I32_GT_S_I, [AW__OP_I32_LT_U] = AW__OP_I32_GT_U_I,
    [AW__OP_I32_GT_S] = AW__OP_I32_LT_S_I, [AW__OP_I32_GT_U] = AW__OP_I32_LT_U_I,
    [AW__OP_I32_LE_S] = AW__OP_I32_GE_S_I, [AW__OP_I32_LE_U] = AW__OP_I32_GE_U_I,
    [AW__OP_I32_GE_S] = AW__OP_I32_LE_S_I, [AW__OP_I32_GE_U] = AW__OP_I32_LE_U_I,
    [AW__OP_I64_ADD] = AW__OP_I64_ADD_I, [AW__OP_I64_MUL] = AW__OP_I64_MUL_I,
    [AW__OP_I64_AND] = AW__OP_I64_AND_I, [AW__OP_I64_OR] = AW__OP_I64_OR_I,
    [AW__OP_I64_XOR] = AW__OP_I64_XOR_I, [AW__OP_I64_EQ] = AW__OP_I64_EQ_I,
    [AW__OP_I64_NE] = AW__OP_I64_NE_I, [AW__OP_I64_SUB] = AW__OP_I64_RSUB_I,
    [AW__OP_I64_LT_S] = AW__OP_I64_GT_S_I, [AW__OP_I64_LT_U] = AW__OP_I64_GT_U_I,
    [AW__OP_I64_GT_S] = AW__OP_I64_LT_S_I, [AW__OP_I64_GT_U] = AW__OP_I64_LT_U_I,
    [AW__OP_I64_LE_S] = AW__OP_I64_GE_S_I, [AW__OP_I64_LE_U] = AW__OP_I64_GE_U_I,
    [AW__OP_I64_GE_S] = AW__OP_I64_LE_S_I, [AW__OP_I64_GE_U] = AW__OP_I64_LE_U_I,
};

/* For loads and stores: the forms with a fused address add (reg, imm). */
const uint16_t aw__op_addr_reg[AW__OP_COUNT_] = {
#define AW_MEMFUSE(n) [AW__OP_##n] = AW__OP_##n##_AX,
#include "wasm/opcodes.def"
#undef AW_MEMFUSE
};
const uint16_t aw__op_addr_imm[AW__OP_COUNT_] = {
#define AW_MEMFUSE(n) [AW__OP_##n] = AW__OP_##n##_AI,
#include "wasm/opcodes.def"
#undef AW_MEMFUSE
};
const uint16_t aw__op_addr_const[AW__OP_COUNT_] = {
#define AW_MEMFUSE(n) [AW__OP_##n] = AW__OP_##n##_AK,
#include "wasm/opcodes.def"
#undef AW_MEMFUSE
};

/* For comparisons (and their immediate forms): the fused branch taken when
 * the comparison holds, and the one taken when it does not. */
const uint16_t aw__op_br_true[AW__OP_COUNT_] = {
#define AW_BRCMP(n, inv) [AW__OP_##n] = AW__OP_BR_##n, [AW__OP_##n##_I] = AW__OP_BR_##n##_I,
#include "wasm/opcodes.def"
#undef AW_BRCMP
    [AW__OP_I32_AND] = AW__OP_BR_TEST, [AW__OP_I32_AND_I] = AW__OP_BR_TEST_I,
    /* a loaded value tested for zero: [op dst addr offset] -> [br addr offset] */
    [AW__OP_I32_LOAD8_U] = AW__OP_BR_LOAD8_NZ, [AW__OP_I32_LOAD8_S] = AW__OP_BR_LOAD8_NZ,
    [AW__OP_I32_LOAD16_U] = AW__OP_BR_LOAD16_NZ, [AW__OP_I32_LOAD16_S] = AW__OP_BR_LOAD16_NZ,
    [AW__OP_I32_LOAD] = AW__OP_BR_LOAD32_NZ,
    /* the same at a constant address: [op dst ea] -> [br ea] */
    [AW__OP_I32_LOAD8_U_AK] = AW__OP_BR_LOAD8_NZ_AK, [AW__OP_I32_LOAD8_S_AK] = AW__OP_BR_LOAD8_NZ_AK,
    [AW__OP_I32_LOAD16_U_AK] = AW__OP_BR_LOAD16_NZ_AK, [AW__OP_I32_LOAD16_S_AK] = AW__OP_BR_LOAD16_NZ_AK,
    [AW__OP_I32_LOAD_AK] = AW__OP_BR_LOAD32_NZ_AK,
};
const uint16_t aw__op_br_false[AW__OP_COUNT_] = {
#define AW_BRCMP(n, inv) [AW__OP_##n] = AW__OP_BR_##inv, [AW__OP_##n##_I] = AW__OP_BR_##inv##_I,
#include "wasm/opcodes.def"
#undef AW_BRCMP
    [AW__OP_I32_AND] = AW__OP_BR_NTEST, [AW__OP_I32_AND_I] = AW__OP_BR_NTEST_I,
    [AW__OP_I32_LOAD8_U] = AW__OP_BR_LOAD8_Z, [AW__OP_I32_LOAD8_S] = AW__OP_BR_LOAD8_Z,
    [AW__OP_I32_LOAD16_U] = AW__OP_BR_LOAD16_Z, [AW__OP_I32_LOAD16_S] = AW__OP_BR_LOAD16_Z,
    [AW__OP_I32_LOAD] = AW__OP_BR_LOAD32_Z,
    [AW__OP_I32_LOAD8_U_AK] = AW__OP_BR_LOAD8_Z_AK, [AW__OP_I32_LOAD8_S_AK] = AW__OP_BR_LOAD8_Z_AK,
    [AW__OP_I32_LOAD16_U_AK] = AW__OP_BR_LOAD16_Z_AK, [AW__OP_I32_LOAD16_S_AK] = AW__OP_BR_LOAD16_Z_AK,
    [AW__OP_I32_LOAD_AK] = AW__OP_BR_LOAD32_Z_AK,
};
/* For stores: the forms with an immediate value (plain and constant address). */
const uint16_t aw__op_store_imm[AW__OP_COUNT_] = {
#define AW_STOREIMM(n) [AW__OP_##n] = AW__OP_##n##_V,
#include "wasm/opcodes.def"
#undef AW_STOREIMM
};
const uint16_t aw__op_store_imm_const[AW__OP_COUNT_] = {
#define AW_STOREIMM(n) [AW__OP_##n] = AW__OP_##n##_KV,
#include "wasm/opcodes.def"
#undef AW_STOREIMM
};
