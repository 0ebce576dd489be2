/* One-pass validator and compiler of function bodies into slot-addressed
 * internal code (docs/engine.md): every operand is a frame slot, the operand
 * stack is resolved at compile time, branch targets are patched offsets. The
 * instruction loop is in compile_ops.c; the state both share is in
 * compile_internal.h. */
#include "wasm/compile_internal.h"

#include "base/alloc.h"

#include <assert.h>

#define MAX_LOCALS 50000u
#define MAX_CODE_WORDS (UINT32_MAX / 8)

/* ---- code emission ----------------------------------------------------- */

aw_status aw__cc_grow_code(cc *c, uint32_t extra) {
    aw_module *m = c->m;
    if (m->code_len + extra <= m->code_cap) return AW_OK;
    if (m->code_len + extra > MAX_CODE_WORDS) return RD_FAIL(c->r, AW_LIMIT_EXCEEDED, "compiled code too large");
    uint32_t ncap = m->code_cap ? m->code_cap * 2 : 1024;
    while (ncap < m->code_len + extra) ncap *= 2;
    uint32_t *n = aw__realloc(m->code, m->code_cap * sizeof(uint32_t), ncap * sizeof(uint32_t));
    if (!n) return OOM(c);
    m->code = n;
    m->code_cap = ncap;
    return AW_OK;
}

/* A COPY right after another COPY (no label between) becomes one COPY2. */
aw_status aw__cc_emit_copy(cc *c, uint32_t dst, uint32_t src) {
    if (dead(c)) return AW_OK;
    uint32_t at = c->last_copy;
    if (at != UINT32_MAX && at + 3 == here(c) && c->m->code[at] == AW__OP_COPY) {
        TRY(aw__cc_grow_code(c, 2));
        c->m->code[at] = AW__OP_COPY2;
        c->m->code[c->m->code_len++] = dst;
        c->m->code[c->m->code_len++] = src;
        c->last_copy = UINT32_MAX;
        return AW_OK;
    }
    c->last_copy = here(c);
    return EMIT(c, AW__OP_COPY, dst, src);
}

/* A branch word holds the target as an offset from the word itself. */
void aw__cc_patch(cc *c, uint32_t word, uint32_t target) {
    c->m->code[word] = (uint32_t)((int64_t)target - (int64_t)word);
    if (target == here(c)) {
        c->last_copy = NONE32; /* a label: no merging across it */
        c->straight = false;
    }
}

/* Adds the branch word just emitted (at here()-1 - back) to the label's chain. */
void aw__cc_add_fixup(cc *c, ctl *t, uint32_t word) {
    t->in_assigned &= c->assigned;
    c->m->code[word] = t->fixups;
    t->fixups = word;
    t->merged = true;
}

void aw__cc_bind_fixups(cc *c, ctl *t, uint32_t target) {
    uint32_t w = t->fixups;
    while (w != NONE32) {
        uint32_t next = c->m->code[w];
        aw__cc_patch(c, w, target);
        w = next;
    }
    t->fixups = NONE32;
    c->last_dst = NONE32;
    c->last_copy = NONE32;
    c->straight = false;
}

void aw__cc_fuel_close(cc *c) {
    if (c->fuel_pos != NONE32) c->m->code[c->fuel_pos] = c->fuel_count ? c->fuel_count : 1;
    c->fuel_pos = NONE32;
    c->fuel_count = 0;
}

/* Starts a basic block: the FUEL instruction charges it on entry. */
aw_status aw__cc_fuel_begin(cc *c) {
    aw__cc_fuel_close(c);
    if (dead(c)) return AW_OK;
    TRY(EMIT(c, AW__OP_FUEL, 0));
    c->fuel_pos = here(c) - 1;
    return AW_OK;
}

/* ---- operand stack ---------------------------------------------------- */

aw_status aw__cc_push(cc *c, aw__vt t) {
    if (c->vh == c->vcap) {
        uint32_t ncap = c->vcap ? c->vcap * 2 : 64;
        vent *n = aw__realloc(c->vs, c->vcap * sizeof(vent), ncap * sizeof(vent));
        if (!n) return OOM(c);
        c->vs = n;
        c->vcap = ncap;
    }
    c->vs[c->vh].t = t;
    c->vs[c->vh].k = false;
    c->vs[c->vh].kv = 0;
    c->vs[c->vh].slot = canon(c, c->vh);
    c->vh++;
    if (c->vh > c->vmax) c->vmax = c->vh;
    return AW_OK;
}

aw_status aw__cc_push_const(cc *c, aw__vt t, uint64_t kv) {
    TRY(aw__cc_push(c, t));
    c->vs[c->vh - 1].k = true;
    c->vs[c->vh - 1].kv = kv;
    return AW_OK;
}

aw_status aw__cc_emit_const(cc *c, uint32_t dst, aw__vt t, uint64_t kv) {
    if (t == AW__VT_I32 || t == AW__VT_F32) return EMIT(c, AW__OP_CONST32, dst, (uint32_t)kv);
    return EMIT(c, AW__OP_CONST64, dst, (uint32_t)kv, (uint32_t)(kv >> 32));
}

/* Pops one value of type want (NONE: any); unknown values in unreachable
 * code. The value may be a pending constant (out->k). */
aw_status aw__cc_pop_any(cc *c, aw__vt want, vent *out) {
    ctl *t = &c->cs[c->ch - 1];
    if (c->vh == t->height) {
        if (t->unreachable) {
            out->t = want;
            out->k = false;
            out->kv = 0;
            out->slot = canon(c, c->vh);
            return AW_OK;
        }
        return FAIL(c, "type mismatch: expected %s but the stack is empty", want ? aw__vt_name(want) : "a value");
    }
    *out = c->vs[--c->vh];
    if (want && out->t && out->t != want)
        return FAIL(c, "type mismatch: expected %s, got %s", aw__vt_name(want), aw__vt_name(out->t));
    if (!out->t) out->t = want;
    return AW_OK;
}

/* Writes a popped pending constant (which was at stack index h) to its slot. */
aw_status aw__cc_materialize(cc *c, vent *v, uint32_t h) {
    if (!v->k) return AW_OK;
    v->slot = canon(c, h);
    v->k = false;
    return aw__cc_emit_const(c, v->slot, v->t, v->kv);
}

/* Pops a value that must be in a slot. */
aw_status aw__cc_pop(cc *c, aw__vt want, vent *out) {
    TRY(aw__cc_pop_any(c, want, out));
    return aw__cc_materialize(c, out, c->vh);
}

/* Moves value h to its canonical slot if it is a pending local read. */
aw_status aw__cc_settle(cc *c, uint32_t h) {
    vent *v = &c->vs[h];
    uint32_t s = canon(c, h);
    if (v->k) {
        v->k = false;
        v->slot = s;
        return aw__cc_emit_const(c, s, v->t, v->kv);
    }
    if (v->slot == s) return AW_OK;
    TRY(aw__cc_emit_copy(c, s, v->slot));
    v->slot = s;
    return AW_OK;
}

/* Settles the top n values (all from `from` up). */
aw_status aw__cc_settle_from(cc *c, uint32_t from) {
    for (uint32_t h = from; h < c->vh; h++) TRY(aw__cc_settle(c, h));
    return AW_OK;
}

/* Checks that the top n values have the given types, leaving them in place.
 * In unreachable code missing values are materialised as typed unknowns. */
aw_status aw__cc_check_top(cc *c, uint32_t n, const aw__vt *types) {
    ctl *t = &c->cs[c->ch - 1];
    uint32_t avail = c->vh - t->height;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = n - 1 - i;
        if (i < avail) {
            vent *e = &c->vs[c->vh - 1 - i];
            if (e->t && types[k] && e->t != types[k])
                return FAIL(c, "type mismatch: expected %s, got %s", aw__vt_name(types[k]), aw__vt_name(e->t));
        } else if (!t->unreachable) {
            return FAIL(c, "type mismatch: expected %u values, the stack has %u", n, avail);
        }
    }
    if (avail < n) {
        /* missing values of a polymorphic stack are unknown (bottom) */
        uint32_t keep = avail;
        for (uint32_t i = 0; i < n - keep; i++) TRY(aw__cc_push(c, 0));
        memmove(c->vs + t->height + (n - keep), c->vs + t->height, keep * sizeof(vent));
        for (uint32_t i = 0; i < n - keep; i++) c->vs[t->height + i].t = 0;
        for (uint32_t i = 0; i < n; i++) c->vs[t->height + i].slot = canon(c, t->height + i);
    }
    return AW_OK;
}

/* ---- control ---------------------------------------------------------- */

aw_status aw__cc_push_ctl(cc *c, uint8_t kind, const aw__vt *params, uint32_t np, const aw__vt *results,
                           uint32_t nr) {
    if (c->ch == c->ccap) {
        uint32_t ncap = c->ccap * 2;
        ctl *n = aw__realloc(c->cs, c->ccap * sizeof(ctl), ncap * sizeof(ctl));
        if (!n) return OOM(c);
        c->cs = n;
        c->ccap = ncap;
    }
    ctl *t = &c->cs[c->ch++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->height = c->vh - np;
    t->params = params;
    t->nparams = np;
    t->results = results;
    t->nresults = nr;
    t->fixups = NONE32;
    t->else_fix = NONE32;
    t->entry_assigned = c->assigned;
    t->in_assigned = ~0ull;
    t->unreachable = false;
    t->dead = c->ch > 1 ? (c->cs[c->ch - 2].unreachable || c->cs[c->ch - 2].dead) : false;
    return AW_OK;
}

static const aw__vt single_vt[256] = {
    [AW__VT_I32] = AW__VT_I32, [AW__VT_I64] = AW__VT_I64, [AW__VT_F32] = AW__VT_F32,
    [AW__VT_F64] = AW__VT_F64, [AW__VT_FUNCREF] = AW__VT_FUNCREF, [AW__VT_EXTERNREF] = AW__VT_EXTERNREF};

aw_status aw__cc_read_blocktype(cc *c, ctl *tmp) {
    aw__reader *r = c->r;
    if (r->p < r->end && *r->p == 0x40) {
        r->p++;
        tmp->nparams = tmp->nresults = 0;
        return AW_OK;
    }
    if (r->p < r->end && (*r->p & 0xC0) == 0x40) { /* a one-byte negative: a value type */
        TRY(aw__read_valtype(r, &tmp->single));
        tmp->results = &single_vt[tmp->single];
        tmp->nparams = 0;
        tmp->nresults = 1;
        return AW_OK;
    }
    int64_t idx;
    TRY(rd_sleb(r, 33, &idx));
    if (idx < 0 || (uint64_t)idx >= c->m->type_count) return FAIL(c, "unknown type %lld", (long long)idx);
    const aw__type *ft = &c->m->types[idx];
    tmp->params = ft->vt;
    tmp->nparams = ft->nparams;
    tmp->results = ft->vt + ft->nparams;
    tmp->nresults = ft->nresults;
    return AW_OK;
}

aw_status aw__cc_read_label(cc *c, uint32_t *depth) {
    TRY(rd_u32(c->r, depth));
    if (*depth >= c->ch) return FAIL(c, "unknown label %u", *depth);
    return AW_OK;
}

/* Emits the copies that move the label's values from the top of the stack to
 * the target's slots. Returns whether any copy is needed (without emitting
 * when dry). */
bool aw__cc_needs_copies(const cc *c, const ctl *t) {
    uint32_t n = label_arity(t);
    for (uint32_t i = 0; i < n; i++)
        if (c->vs[c->vh - n + i].k || c->vs[c->vh - n + i].slot != canon(c, t->height + i)) return true;
    return false;
}

aw_status aw__cc_emit_copies(cc *c, const ctl *t) {
    uint32_t n = label_arity(t);
    for (uint32_t i = 0; i < n; i++) {
        const vent *v = &c->vs[c->vh - n + i];
        uint32_t src = v->slot, dst = canon(c, t->height + i);
        if (v->k) TRY(aw__cc_emit_const(c, dst, v->t, v->kv));
        else if (src != dst) TRY(aw__cc_emit_copy(c, dst, src));
    }
    return AW_OK;
}

/* Emits a jump to label t (copies included). */
aw_status aw__cc_emit_jump(cc *c, ctl *t) {
    TRY(aw__cc_emit_copies(c, t));
    if (dead(c)) return AW_OK;
    if (t->kind == CTL_LOOP) {
        TRY(EMIT(c, AW__OP_BR, 0));
        aw__cc_patch(c, here(c) - 1, t->loop_pc);
    } else {
        TRY(EMIT(c, AW__OP_BR, 0));
        aw__cc_add_fixup(c, t, here(c) - 1);
    }
    return AW_OK;
}

aw_status aw__cc_branch_word(cc *c, ctl *t, uint32_t word) {
    if (t->kind == CTL_LOOP) aw__cc_patch(c, word, t->loop_pc);
    else aw__cc_add_fixup(c, t, word);
    return AW_OK;
}

void aw__cc_set_unreachable(cc *c) {
    ctl *t = &c->cs[c->ch - 1];
    c->vh = t->height;
    t->unreachable = true;
    c->last_dst = NONE32;
}

/* Checks that the stack holds exactly the frame's results. */
aw_status aw__cc_check_end(cc *c, ctl *t) {
    TRY(aw__cc_check_top(c, t->nresults, t->results));
    if (c->vh != t->height + t->nresults)
        return FAIL(c, "type mismatch: block leaves %u values, expected %u", c->vh - t->height, t->nresults);
    return AW_OK;
}

/* ---- driver ------------------------------------------------------------ */

static aw_status read_locals(cc *c, const aw__type *ft) {
    aw__reader *r = c->r;
    uint32_t groups;
    TRY(rd_u32(r, &groups));
    uint64_t total = ft->nparams;
    const uint8_t *start = r->p;
    for (uint32_t i = 0; i < groups; i++) {
        uint32_t n;
        aw__vt t;
        TRY(rd_u32(r, &n));
        TRY(aw__read_valtype(r, &t));
        total += n;
        if (total > MAX_LOCALS) return RD_MALFORMED(r, "too many locals");
    }
    c->nlocals = (uint32_t)total;
    c->locals = aw__malloc(total ? total : 1);
    c->zero_known = aw__calloc(total ? total : 1, 1);
    c->need_zero = aw__calloc(total ? total : 1, 1);
    if (!c->locals || !c->zero_known || !c->need_zero) return OOM(c);
    c->nparams = ft->nparams;
    c->assigned = 0;
    memset(c->zero_known + ft->nparams, 1, total - ft->nparams);
    c->straight = true;
    memcpy(c->locals, ft->vt, ft->nparams);
    r->p = start;
    uint32_t k = ft->nparams;
    for (uint32_t i = 0; i < groups; i++) {
        uint32_t n;
        aw__vt t;
        TRY(rd_u32(r, &n));
        TRY(aw__read_valtype(r, &t));
        memset(c->locals + k, t, n);
        k += n;
    }
    return AW_OK;
}

#ifndef NDEBUG
/* Checks the invariant the interpreter relies on: every branch target is a
 * FUEL instruction. */
static void check_targets(const aw_module *m, uint32_t start) {
    for (uint32_t at = start; at < m->code_len;) {
        const uint32_t *pc = m->code + at;
        uint32_t op = pc[0], n = aw__op_operands[op];
        int32_t word = -1;
        if (op == AW__OP_BR) word = 1;
        else if (op == AW__OP_BR_IF2) word = 3;
        else if (op == AW__OP_BR_IF || op == AW__OP_BR_UNLESS) word = 2;
        else if (aw__op_br_true[op] == 0 && op >= AW__OP_BR_I32_EQ && op <= AW__OP_BR_I64_LE_U_I) word = 3;
        else if (op >= AW__OP_BR_TEST && op <= AW__OP_BR_LOAD32_Z) word = 3;
        else if (op == AW__OP_ADDI_BR_LOAD8_NZ || op == AW__OP_ADDI_BR_NTEST_I || op == AW__OP_ADDI_BR_GT_U_I)
            word = 5;
        else if (op >= AW__OP_BR_LOAD8_NZ_AK && op <= AW__OP_BR_LOAD32_Z_AK) word = 2;
        if (op == AW__OP_BR_TABLE || op == AW__OP_BR_TABLE0) {
            n += 2 * (pc[2] + 1);
            for (uint32_t k = 0; k <= pc[2]; k++) {
                const uint32_t *e = pc + 5 + 2 * k;
                assert(e[(int32_t)e[0]] == AW__OP_FUEL);
            }
        }
        if (word > 0) assert(pc[word + (int32_t)pc[word]] == AW__OP_FUEL);
        at += 1 + n;
    }
}
#endif

aw_status aw__compile_func(aw_module *m, uint32_t func_index, aw__reader *r) {
    aw__func *fn = &m->funcs[func_index];
    cc c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.r = r;
    c.fn = fn;
    c.fuel_pos = NONE32;
    c.last_dst = NONE32;
    c.last_copy = NONE32;
    c.eqz_at = c.eqz_of = c.gg_at = c.addi_at = c.brif_at = c.inc_add = c.inc_load = NONE32;
    aw_status st = read_locals(&c, fn->ft);
    if (st == AW_OK) {
        c.ccap = 16;
        c.cs = aw__malloc(c.ccap * sizeof(ctl));
        if (!c.cs) st = OOM(&c);
    }
    if (st == AW_OK) {
        fn->code_start = m->code_len;
        c.ch = 0;
        c.vh = 0;
        st = aw__cc_push_ctl(&c, CTL_FUNC, NULL, 0, fn->ft->vt + fn->ft->nparams, fn->ft->nresults);
    }
    if (st == AW_OK) st = aw__cc_fuel_begin(&c);
    if (st == AW_OK) st = aw__cc_compile_body(&c);
    if (st == AW_OK) {
        fn->nlocals = c.nlocals;
        fn->nparams = fn->ft->nparams;
        uint64_t slots = (uint64_t)c.nlocals + c.vmax + 1;
        if (slots < fn->ft->nresults) slots = fn->ft->nresults;
        if (slots > UINT32_MAX / 2) st = RD_FAIL(r, AW_LIMIT_EXCEEDED, "function frame too large");
        fn->frame_slots = (uint32_t)slots;
        /* the locals a call must zero: the span of those that need it */
        uint32_t zero_to = fn->nparams;
        fn->zero_from = fn->nparams;
        for (uint32_t x = fn->nparams; x < c.nlocals; x++)
            if (c.need_zero[x]) {
                if (fn->zero_from == zero_to) fn->zero_from = x;
                zero_to = x + 1;
            }
        fn->zero_count = zero_to - fn->zero_from;
#ifndef NDEBUG
        check_targets(m, fn->code_start);
#endif
    }
    aw__free(c.locals, c.nlocals ? c.nlocals : 1);
    aw__free(c.zero_known, c.nlocals ? c.nlocals : 1);
    aw__free(c.need_zero, c.nlocals ? c.nlocals : 1);
    aw__free(c.vs, c.vcap * sizeof(vent));
    aw__free(c.cs, c.ccap * sizeof(ctl));
    return st;
}
