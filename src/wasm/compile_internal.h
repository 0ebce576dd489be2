/* Private state and helpers of the function-body compiler, shared by
 * compile.c (driver, code emission, operand and control stacks) and
 * compile_ops.c (the instruction loop). */
#ifndef AW_WASM_COMPILE_INTERNAL_H
#define AW_WASM_COMPILE_INTERNAL_H

#include "wasm/compile.h"
#include "wasm/reader.h"

#define NONE32 UINT32_MAX

enum { CTL_FUNC, CTL_BLOCK, CTL_LOOP, CTL_IF, CTL_ELSE };

typedef struct vent {
    aw__vt t;       /* AW__VT_NONE: unknown (unreachable code) */
    bool k;         /* a constant not yet written anywhere: kv */
    uint32_t slot;  /* where the value is now: its canonical slot, or a local */
    uint64_t kv;
} vent;

typedef struct ctl {
    uint8_t kind;
    bool unreachable; /* validation: the stack is polymorphic */
    bool dead;        /* emission: an enclosing frame is unreachable */
    bool merged; /* something branches to the end label */
    uint32_t height;
    uint32_t nparams, nresults;
    const aw__vt *params, *results;
    aw__vt single; /* storage for a one-result block type */
    uint32_t loop_pc;
    uint32_t fixups;   /* chain of forward branch words to patch at end */
    uint32_t else_fix; /* the if's br_unless word */
    /* definite assignment of the tracked locals (cc.assigned): on entry, and
     * on every branch to the end label seen so far (intersected) */
    uint64_t entry_assigned, in_assigned;
} ctl;

typedef struct cc {
    aw_module *m;
    aw__reader *r;
    const aw__func *fn;
    uint32_t nlocals;
    aw__vt *locals;
    vent *vs;
    uint32_t vh, vcap, vmax;
    ctl *cs;
    uint32_t ch, ccap;
    uint32_t fuel_pos, fuel_count;
    uint32_t last_dst; /* code word of the last single-result instruction's dst */
    uint32_t last_end; /* code length right after it */
    uint32_t last_h;   /* stack index of its result */
    uint32_t last_start; /* its first word */
    uint64_t op_at;      /* byte offset of the instruction being compiled */
    uint32_t last_copy;  /* position of the last COPY emitted (UINT32_MAX: none) */
    /* The last i32.eqz emitted (eqz_at) and the instruction right before it
     * that computed its operand (eqz_of, NONE32: none): a branch on the eqz
     * of a comparison becomes the inverse compare-and-branch. */
    uint32_t eqz_at, eqz_of;
    uint32_t gg_at; /* the last global.get emitted (the stack pointer prologue) */
    uint32_t addi_at; /* the last i32.add with an immediate emitted (strlen's loops) */
    uint32_t brif_at; /* the last plain BR_IF emitted for a br_if */
    /* The last I32/I64_ADD_I emitted (inc_add) whose operand is the value the
     * I32/I64_LOAD_AK right before it (inc_load, else NONE32) loaded into a
     * stack slot: stored back to the same address, the three become one
     * increment of a C global. */
    uint32_t inc_add, inc_load;
    /* While the code is still on the straight path from the function entry
     * (no label reached yet), declared locals not yet written are known to be
     * zero: clang's `i32.const 0; local.set x` there emits nothing. */
    bool straight;
    uint8_t *zero_known;
    /* Which declared locals need zeroing on entry: those read where they may
     * not have been written yet. Definite assignment is tracked for the first
     * 64 declared locals (bit i: local nparams + i written on every path to
     * here); the others always count as unwritten. */
    uint32_t nparams;
    uint64_t assigned;
    uint8_t *need_zero;
} cc;

/* Validation errors point at the instruction being checked. */
#define FAIL(c, ...) aw__error_at((c)->r->err, AW_INVALID_MODULE, (c)->op_at, __VA_ARGS__)
#define TRY RD_TRY
#define OOM(c) RD_FAIL((c)->r, AW_NO_MEMORY, "out of memory")

/* Tiny helpers on the hot compile path stay inline in both files. */
static inline bool dead(const cc *c) { return c->cs[c->ch - 1].unreachable || c->cs[c->ch - 1].dead; }

/* Makes room for extra more code words (the slow path of emitn). */
aw_status aw__cc_grow_code(cc *c, uint32_t extra);

/* Emits up to 6 words (skipped in unreachable code). */
static inline aw_status emitn(cc *c, uint32_t n, const uint32_t *w) {
    if (dead(c)) return AW_OK;
    TRY(aw__cc_grow_code(c, n));
    memcpy(c->m->code + c->m->code_len, w, n * sizeof(uint32_t));
    c->m->code_len += n;
    return AW_OK;
}
#define EMIT(c, ...)                                                                         \
    emitn((c), (uint32_t)(sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t)),             \
          (const uint32_t[]){__VA_ARGS__})

static inline uint32_t here(const cc *c) { return c->m->code_len; }

/* Drops the code from word at on (an instruction being fused into the next
 * one); positions remembered for later fusions that lie there are gone. */
static inline void truncate_code(cc *c, uint32_t at) {
    c->m->code_len = at;
    if (c->eqz_at >= at) c->eqz_at = UINT32_MAX;
    if (c->gg_at >= at) c->gg_at = UINT32_MAX;
    if (c->addi_at >= at) c->addi_at = UINT32_MAX;
    if (c->brif_at >= at) c->brif_at = UINT32_MAX;
    if (c->inc_add >= at) c->inc_add = UINT32_MAX;
}

/* The definite-assignment bit of local x (0: a parameter or not tracked). */
static inline uint64_t local_bit(const cc *c, uint32_t x) {
    uint32_t i = x - c->nparams;
    return x >= c->nparams && i < 64 ? 1ull << i : 0;
}

static inline uint32_t canon(const cc *c, uint32_t h) { return c->nlocals + h; }

static inline bool is_num(aw__vt t) { return t == AW__VT_I32 || t == AW__VT_I64 || t == AW__VT_F32 || t == AW__VT_F64; }

static inline bool is_ref(aw__vt t) { return t == AW__VT_FUNCREF || t == AW__VT_EXTERNREF; }

static inline uint32_t label_arity(const ctl *t) { return t->kind == CTL_LOOP ? t->nparams : t->nresults; }

static inline const aw__vt *label_types(const ctl *t) { return t->kind == CTL_LOOP ? t->params : t->results; }

/* ---- compile.c: code emission, operand stack, control frames ----------- */

aw_status aw__cc_emit_copy(cc *c, uint32_t dst, uint32_t src);
void aw__cc_patch(cc *c, uint32_t word, uint32_t target);
void aw__cc_add_fixup(cc *c, ctl *t, uint32_t word);
void aw__cc_bind_fixups(cc *c, ctl *t, uint32_t target);
void aw__cc_fuel_close(cc *c);
aw_status aw__cc_fuel_begin(cc *c);
aw_status aw__cc_push(cc *c, aw__vt t);
aw_status aw__cc_push_const(cc *c, aw__vt t, uint64_t kv);
aw_status aw__cc_emit_const(cc *c, uint32_t dst, aw__vt t, uint64_t kv);
aw_status aw__cc_pop_any(cc *c, aw__vt want, vent *out);
aw_status aw__cc_materialize(cc *c, vent *v, uint32_t h);
aw_status aw__cc_pop(cc *c, aw__vt want, vent *out);
aw_status aw__cc_settle(cc *c, uint32_t h);
aw_status aw__cc_settle_from(cc *c, uint32_t from);
aw_status aw__cc_check_top(cc *c, uint32_t n, const aw__vt *types);
aw_status aw__cc_push_ctl(cc *c, uint8_t kind, const aw__vt *params, uint32_t np, const aw__vt *results,
                           uint32_t nr);
aw_status aw__cc_read_blocktype(cc *c, ctl *tmp);
aw_status aw__cc_read_label(cc *c, uint32_t *depth);
bool aw__cc_needs_copies(const cc *c, const ctl *t);
aw_status aw__cc_emit_copies(cc *c, const ctl *t);
aw_status aw__cc_emit_jump(cc *c, ctl *t);
aw_status aw__cc_branch_word(cc *c, ctl *t, uint32_t word);
void aw__cc_set_unreachable(cc *c);
aw_status aw__cc_check_end(cc *c, ctl *t);

/* ---- compile_ops.c: the instruction loop ------------------------------- */

/* Validates and compiles instructions up to the function's final end. */
aw_status aw__cc_compile_body(cc *c);

/* compile_generic.c: where the instruction that just computed the top value
 * into its canonical slot starts (NONE32 when the top is anything else), so a
 * consumer may absorb it; and the generic operator instruction with its
 * fusions. */
uint32_t aw__cc_fresh_top(const cc *c);
aw_status aw__cc_op_generic(cc *c, const aw__opinfo *oi);

#endif
