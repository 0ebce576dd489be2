/* Internal representation of a decoded, validated and compiled module. */
#ifndef AW_WASM_MODULE_H
#define AW_WASM_MODULE_H

#include "airwasm/wasm.h"

/* Internal opcodes of the compiled code: the generic wasm instructions of
 * opcodes.def (kinds G and M*) followed by the internal ones (AW_IOP). */
#define AW__IS_G(x) x,
#define AW__IS_M1(x) x,
#define AW__IS_M2(x) x,
#define AW__IS_M4(x) x,
#define AW__IS_M8(x) x,
#define AW__IS_S(x)
#define AW__IS_R(x)
typedef enum aw__op {
#define AW_OP(n, p, c, t, k, a, b, r) AW__IS_##k(AW__OP_##n)
#define AW_IOP(n, d) AW__OP_##n,
#define AW_BINIMM(n) AW__OP_##n##_I,
#define AW_BRCMP(n, inv) AW__OP_BR_##n, AW__OP_BR_##n##_I,
#define AW_MEMFUSE(n) AW__OP_##n##_AX, AW__OP_##n##_AI, AW__OP_##n##_AK,
#define AW_STOREIMM(n) AW__OP_##n##_V, AW__OP_##n##_KV,
#include "wasm/opcodes.def"
#undef AW_OP
#undef AW_IOP
#undef AW_BINIMM
#undef AW_BRCMP
#undef AW_MEMFUSE
#undef AW_STOREIMM
    AW__OP_COUNT_
} aw__op;

/* Value type bytes; 0 stands for "no value" / unknown in the validator. */
typedef uint8_t aw__vt;
#define AW__VT_NONE 0
#define AW__VT_I32 0x7F
#define AW__VT_I64 0x7E
#define AW__VT_F32 0x7D
#define AW__VT_F64 0x7C
#define AW__VT_FUNCREF 0x70
#define AW__VT_EXTERNREF 0x6F

typedef struct aw__type {
    uint32_t nparams, nresults;
    aw__vt *vt;     /* params then results */
    aw_valtype *pub; /* same, as aw_valtype for the public API */
    uint32_t canon; /* index of the first structurally equal type */
    uint64_t hash;  /* structural hash, equal for equal types across modules */
} aw__type;

typedef struct aw__limits {
    uint64_t min, max;
    bool has_max;
} aw__limits;

typedef struct aw__table_type {
    aw__vt elem;
    aw__limits limits;
} aw__table_type;

typedef struct aw__global_type {
    aw__vt vt;
    bool mut;
} aw__global_type;

/* A constant expression, already validated: one instruction (plus end). */
typedef enum aw__const_kind {
    AW__CONST_VALUE,  /* bits */
    AW__CONST_GLOBAL, /* global.get index */
    AW__CONST_FUNC,   /* ref.func index */
    AW__CONST_NULL    /* ref.null */
} aw__const_kind;

typedef struct aw__const {
    aw__const_kind kind;
    uint32_t index;
    uint64_t bits;
} aw__const;

typedef struct aw__import {
    char *module, *name;
    uint32_t module_len, name_len;
    aw_extern_kind kind;
    uint32_t index; /* type index for functions */
    aw__table_type table;
    aw__limits mem;
    aw__global_type global;
} aw__import;

typedef struct aw__export {
    char *name;
    uint32_t name_len;
    aw_extern_kind kind;
    uint32_t index;
} aw__export;

/* A function: imported ones have code NULL. */
typedef struct aw__func {
    uint32_t type;          /* type index */
    const aw__type *ft;
    uint32_t nparams;
    uint32_t nlocals;       /* params + declared locals (slots) */
    uint32_t frame_slots;   /* locals + maximum operand height */
    /* Declared locals zero_from .. zero_from + zero_count - 1 start at zero on
     * a call; the others are written before any read (compile.c's definite
     * assignment). */
    uint32_t zero_from, zero_count;
    uint32_t code_start;    /* word offset in module code */
    const uint32_t *entry;  /* code + code_start, once the code is final (aw__code_thread) */
    uint32_t body_offset;   /* byte offset of the body in the binary */
    uint32_t body_len;
} aw__func;

typedef enum aw__seg_mode { AW__SEG_ACTIVE, AW__SEG_PASSIVE, AW__SEG_DECLARATIVE } aw__seg_mode;

typedef struct aw__elem {
    aw__seg_mode mode;
    aw__vt type;
    uint32_t table;
    aw__const offset;
    uint32_t count;
    aw__const *items;
} aw__elem;

typedef struct aw__data {
    aw__seg_mode mode;
    uint32_t memory;
    aw__const offset;
    uint32_t len;
    const uint8_t *bytes; /* into the module's copy of the binary */
} aw__data;

struct aw_module {
    uint32_t refcount; /* atomic */
    uint8_t *binary;   /* our copy of the bytes */
    size_t binary_len;

    uint32_t type_count;
    aw__type *types;
    uint32_t import_count;
    aw__import *imports;
    uint32_t func_import_count, table_import_count, mem_import_count, global_import_count;
    uint32_t func_count; /* imported + defined */
    aw__func *funcs;
    uint32_t table_count;
    aw__table_type *tables;
    uint32_t mem_count;
    aw__limits *mems;
    uint32_t global_count;
    aw__global_type *globals;
    aw__const *global_inits; /* for defined globals, index - global_import_count */
    uint32_t export_count;
    aw__export *exports;
    bool has_start;
    uint32_t start;
    uint32_t elem_count;
    aw__elem *elems;
    bool has_data_count;
    uint32_t data_count;
    aw__data *datas;
    uint32_t data_alloc; /* entries allocated in datas */
    /* functions that ref.func may name (declared in elems, exports, globals) */
    uint8_t *func_declared;

    uint32_t *code; /* compiled code of every defined function */
    bool threaded;  /* opcode words hold handler offsets (aw__code_thread) */
    uint32_t code_len, code_cap;
};

/* Reading state shared by the decode_*.c files. */
typedef struct aw__reader {
    const uint8_t *base; /* start of the whole binary (for offsets) */
    const uint8_t *p, *end;
    aw_error *err;
} aw__reader;

aw_status aw__decode_module(aw_module *m, aw_error *err);
aw_status aw__decode_types(aw_module *m, aw__reader *r);
aw_status aw__decode_imports(aw_module *m, aw__reader *r);
aw_status aw__decode_functions(aw_module *m, aw__reader *r);
aw_status aw__decode_tables(aw_module *m, aw__reader *r);
aw_status aw__decode_memories(aw_module *m, aw__reader *r);
aw_status aw__decode_globals(aw_module *m, aw__reader *r);
aw_status aw__decode_exports(aw_module *m, aw__reader *r);
aw_status aw__decode_start(aw_module *m, aw__reader *r);
aw_status aw__decode_elems(aw_module *m, aw__reader *r);
aw_status aw__decode_datas(aw_module *m, aw__reader *r);
aw_status aw__decode_code(aw_module *m, aw__reader *r);
/* Reads a constant expression of type want (ending with `end`). */
aw_status aw__decode_const(aw_module *m, aw__reader *r, aw__vt want, aw__const *out);
aw_status aw__read_limits(aw__reader *r, aw__limits *out, uint64_t cap, const char *what);
aw_status aw__read_reftype(aw__reader *r, aw__vt *out);
aw_status aw__read_valtype(aw__reader *r, aw__vt *out);

/* Validates and compiles one function body [r->p, r->end). */
aw_status aw__compile_func(aw_module *m, uint32_t func_index, aw__reader *r);

void aw__module_free(aw_module *m);
char *aw__name_copy(const uint8_t *s, uint32_t len);
aw_status aw__space_funcs(aw_module *m, uint32_t n);
aw_status aw__space_tables(aw_module *m, uint32_t n);
aw_status aw__space_mems(aw_module *m, uint32_t n);
aw_status aw__space_globals(aw_module *m, uint32_t n);
const char *aw__vt_name(aw__vt vt);
bool aw__type_equal(const aw__type *a, const aw__type *b);

#endif
