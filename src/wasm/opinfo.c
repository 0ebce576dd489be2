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
#include "wasm/opcodes.def"
#undef AW_OP
#undef AW_IOP
};
