/* One-pass validator and compiler of function bodies into slot-addressed
 * internal code (docs/engine.md): every operand is a frame slot, the operand
 * stack is resolved at compile time, branch targets are patched offsets.
 * Over 1000 lines on purpose: validation and code generation of every
 * instruction share the compiler's private state (value and control stacks,
 * peephole memory), which splitting the file would have to expose. */
#include "wasm/compile.h"
#include "wasm/reader.h"

#include "base/alloc.h"

#include <assert.h>

#define NONE32 UINT32_MAX
#define MAX_LOCALS 50000u
#define MAX_CODE_WORDS (UINT32_MAX / 8)

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
    /* While the code is still on the straight path from the function entry
     * (no label reached yet), declared locals not yet written are known to be
     * zero: clang's `i32.const 0; local.set x` there emits nothing. */
    bool straight;
    uint8_t *zero_known;
} cc;

/* Validation errors point at the instruction being checked. */
#define FAIL(c, ...) aw__error_at((c)->r->err, AW_INVALID_MODULE, (c)->op_at, __VA_ARGS__)
#define TRY RD_TRY
#define OOM(c) RD_FAIL((c)->r, AW_NO_MEMORY, "out of memory")

/* ---- code emission ----------------------------------------------------- */

static bool dead(const cc *c) { return c->cs[c->ch - 1].unreachable || c->cs[c->ch - 1].dead; }

static aw_status grow_code(cc *c, uint32_t extra) {
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

/* Emits up to 6 words (skipped in unreachable code). */
static aw_status emitn(cc *c, uint32_t n, const uint32_t *w) {
    if (dead(c)) return AW_OK;
    TRY(grow_code(c, n));
    memcpy(c->m->code + c->m->code_len, w, n * sizeof(uint32_t));
    c->m->code_len += n;
    return AW_OK;
}
#define EMIT(c, ...)                                                                         \
    emitn((c), (uint32_t)(sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t)),             \
          (const uint32_t[]){__VA_ARGS__})

static uint32_t here(const cc *c) { return c->m->code_len; }

/* A COPY right after another COPY (no label between) becomes one COPY2. */
static aw_status emit_copy(cc *c, uint32_t dst, uint32_t src) {
    if (dead(c)) return AW_OK;
    uint32_t at = c->last_copy;
    if (at != UINT32_MAX && at + 3 == here(c) && c->m->code[at] == AW__OP_COPY) {
        TRY(grow_code(c, 2));
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
static void patch(cc *c, uint32_t word, uint32_t target) {
    c->m->code[word] = (uint32_t)((int64_t)target - (int64_t)word);
    if (target == here(c)) {
        c->last_copy = NONE32; /* a label: no merging across it */
        c->straight = false;
    }
}

/* Adds the branch word just emitted (at here()-1 - back) to the label's chain. */
static void add_fixup(cc *c, ctl *t, uint32_t word) {
    c->m->code[word] = t->fixups;
    t->fixups = word;
    t->merged = true;
}

static void bind_fixups(cc *c, ctl *t, uint32_t target) {
    uint32_t w = t->fixups;
    while (w != NONE32) {
        uint32_t next = c->m->code[w];
        patch(c, w, target);
        w = next;
    }
    t->fixups = NONE32;
    c->last_dst = NONE32;
    c->last_copy = NONE32;
    c->straight = false;
}

static void fuel_close(cc *c) {
    if (c->fuel_pos != NONE32) c->m->code[c->fuel_pos] = c->fuel_count ? c->fuel_count : 1;
    c->fuel_pos = NONE32;
    c->fuel_count = 0;
}

/* Starts a basic block: the FUEL instruction charges it on entry. */
static aw_status fuel_begin(cc *c) {
    fuel_close(c);
    if (dead(c)) return AW_OK;
    TRY(EMIT(c, AW__OP_FUEL, 0));
    c->fuel_pos = here(c) - 1;
    return AW_OK;
}

/* ---- operand stack ---------------------------------------------------- */

static uint32_t canon(const cc *c, uint32_t h) { return c->nlocals + h; }

static aw_status push(cc *c, aw__vt t) {
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

static aw_status push_const(cc *c, aw__vt t, uint64_t kv) {
    TRY(push(c, t));
    c->vs[c->vh - 1].k = true;
    c->vs[c->vh - 1].kv = kv;
    return AW_OK;
}

static bool is_num(aw__vt t) { return t == AW__VT_I32 || t == AW__VT_I64 || t == AW__VT_F32 || t == AW__VT_F64; }
static bool is_ref(aw__vt t) { return t == AW__VT_FUNCREF || t == AW__VT_EXTERNREF; }

static aw_status emit_const(cc *c, uint32_t dst, aw__vt t, uint64_t kv) {
    if (t == AW__VT_I32 || t == AW__VT_F32) return EMIT(c, AW__OP_CONST32, dst, (uint32_t)kv);
    return EMIT(c, AW__OP_CONST64, dst, (uint32_t)kv, (uint32_t)(kv >> 32));
}

/* Pops one value of type want (NONE: any); unknown values in unreachable
 * code. The value may be a pending constant (out->k). */
static aw_status pop_any(cc *c, aw__vt want, vent *out) {
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
static aw_status materialize(cc *c, vent *v, uint32_t h) {
    if (!v->k) return AW_OK;
    v->slot = canon(c, h);
    v->k = false;
    return emit_const(c, v->slot, v->t, v->kv);
}

/* Pops a value that must be in a slot. */
static aw_status pop(cc *c, aw__vt want, vent *out) {
    TRY(pop_any(c, want, out));
    return materialize(c, out, c->vh);
}

/* Moves value h to its canonical slot if it is a pending local read. */
static aw_status settle(cc *c, uint32_t h) {
    vent *v = &c->vs[h];
    uint32_t s = canon(c, h);
    if (v->k) {
        v->k = false;
        v->slot = s;
        return emit_const(c, s, v->t, v->kv);
    }
    if (v->slot == s) return AW_OK;
    TRY(emit_copy(c, s, v->slot));
    v->slot = s;
    return AW_OK;
}

/* Settles the top n values (all from `from` up). */
static aw_status settle_from(cc *c, uint32_t from) {
    for (uint32_t h = from; h < c->vh; h++) TRY(settle(c, h));
    return AW_OK;
}

/* Checks that the top n values have the given types, leaving them in place.
 * In unreachable code missing values are materialised as typed unknowns. */
static aw_status check_top(cc *c, uint32_t n, const aw__vt *types) {
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
        for (uint32_t i = 0; i < n - keep; i++) TRY(push(c, 0));
        memmove(c->vs + t->height + (n - keep), c->vs + t->height, keep * sizeof(vent));
        for (uint32_t i = 0; i < n - keep; i++) c->vs[t->height + i].t = 0;
        for (uint32_t i = 0; i < n; i++) c->vs[t->height + i].slot = canon(c, t->height + i);
    }
    return AW_OK;
}

/* ---- control ---------------------------------------------------------- */

static aw_status push_ctl(cc *c, uint8_t kind, const aw__vt *params, uint32_t np, const aw__vt *results,
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
    t->unreachable = false;
    t->dead = c->ch > 1 ? (c->cs[c->ch - 2].unreachable || c->cs[c->ch - 2].dead) : false;
    return AW_OK;
}

static const aw__vt single_vt[256] = {
    [AW__VT_I32] = AW__VT_I32, [AW__VT_I64] = AW__VT_I64, [AW__VT_F32] = AW__VT_F32,
    [AW__VT_F64] = AW__VT_F64, [AW__VT_FUNCREF] = AW__VT_FUNCREF, [AW__VT_EXTERNREF] = AW__VT_EXTERNREF};

static aw_status read_blocktype(cc *c, ctl *tmp) {
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

static uint32_t label_arity(const ctl *t) { return t->kind == CTL_LOOP ? t->nparams : t->nresults; }
static const aw__vt *label_types(const ctl *t) { return t->kind == CTL_LOOP ? t->params : t->results; }

static aw_status read_label(cc *c, uint32_t *depth) {
    TRY(rd_u32(c->r, depth));
    if (*depth >= c->ch) return FAIL(c, "unknown label %u", *depth);
    return AW_OK;
}

/* Emits the copies that move the label's values from the top of the stack to
 * the target's slots. Returns whether any copy is needed (without emitting
 * when dry). */
static bool needs_copies(const cc *c, const ctl *t) {
    uint32_t n = label_arity(t);
    for (uint32_t i = 0; i < n; i++)
        if (c->vs[c->vh - n + i].k || c->vs[c->vh - n + i].slot != canon(c, t->height + i)) return true;
    return false;
}

static aw_status emit_copies(cc *c, const ctl *t) {
    uint32_t n = label_arity(t);
    for (uint32_t i = 0; i < n; i++) {
        const vent *v = &c->vs[c->vh - n + i];
        uint32_t src = v->slot, dst = canon(c, t->height + i);
        if (v->k) TRY(emit_const(c, dst, v->t, v->kv));
        else if (src != dst) TRY(emit_copy(c, dst, src));
    }
    return AW_OK;
}

/* Emits a jump to label t (copies included). */
static aw_status emit_jump(cc *c, ctl *t) {
    TRY(emit_copies(c, t));
    if (dead(c)) return AW_OK;
    if (t->kind == CTL_LOOP) {
        TRY(EMIT(c, AW__OP_BR, 0));
        patch(c, here(c) - 1, t->loop_pc);
    } else {
        TRY(EMIT(c, AW__OP_BR, 0));
        add_fixup(c, t, here(c) - 1);
    }
    return AW_OK;
}

static aw_status branch_word(cc *c, ctl *t, uint32_t word) {
    if (t->kind == CTL_LOOP) patch(c, word, t->loop_pc);
    else add_fixup(c, t, word);
    return AW_OK;
}

static void set_unreachable(cc *c) {
    ctl *t = &c->cs[c->ch - 1];
    c->vh = t->height;
    t->unreachable = true;
    c->last_dst = NONE32;
}

/* Checks that the stack holds exactly the frame's results. */
static aw_status check_end(cc *c, ctl *t) {
    TRY(check_top(c, t->nresults, t->results));
    if (c->vh != t->height + t->nresults)
        return FAIL(c, "type mismatch: block leaves %u values, expected %u", c->vh - t->height, t->nresults);
    return AW_OK;
}

/* ---- instruction groups ---------------------------------------------- */

static aw_status op_generic(cc *c, const aw__opinfo *oi) {
    vent a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    uint32_t offset = 0;
    bool mem = oi->kind >= AW__K_M1 && oi->kind <= AW__K_M8;
    if (mem) {
        uint32_t align;
        TRY(rd_u32(c->r, &align));
        if (align & 0x40)
            return RD_FAIL(c->r, AW_UNSUPPORTED, "unsupported feature multi-memory at offset %llu", (unsigned long long)rd_off(c->r));
        TRY(rd_u32(c->r, &offset));
        if (c->m->mem_count == 0) return FAIL(c, "unknown memory 0");
        uint32_t natural = oi->kind == AW__K_M1 ? 0 : oi->kind == AW__K_M2 ? 1 : oi->kind == AW__K_M4 ? 2 : 3;
        if (align > natural) return FAIL(c, "alignment must not be larger than natural");
    }
    uint32_t op = oi->op;
    if (oi->p2) {
        TRY(pop_any(c, oi->p2, &b));
        if (b.k && !mem && aw__op_imm[op] &&
            (oi->p2 == AW__VT_I32 || (int64_t)b.kv == (int64_t)(int32_t)(uint32_t)b.kv)) {
            op = aw__op_imm[op];
            b.slot = (uint32_t)b.kv; /* the immediate takes the operand's word */
        } else {
            TRY(materialize(c, &b, c->vh));
        }
    }
    /* the address was computed by the i32.add just emitted: fuse it */
    uint32_t fuse_at = NONE32;
    if (mem && c->last_dst != NONE32 && c->last_end == here(c) && c->last_h == c->vh - 1 &&
        !c->vs[c->vh - 1].k && c->vs[c->vh - 1].slot == canon(c, c->vh - 1)) {
        uint32_t prev = c->m->code[c->last_start];
        if (prev == AW__OP_I32_ADD || prev == AW__OP_I32_ADD_I) fuse_at = c->last_start;
    }
    if (oi->p1) TRY(pop(c, oi->p1, &a));
    if (fuse_at != NONE32 && !dead(c)) {
        const uint32_t *pw = c->m->code + fuse_at;
        uint32_t x = pw[2], y = pw[3];
        bool imm = pw[0] == AW__OP_I32_ADD_I;
        c->m->code_len = fuse_at;
        c->last_dst = NONE32;
        uint32_t fw[6];
        uint32_t fn = 0;
        fw[fn++] = imm ? aw__op_addr_imm[op] : aw__op_addr_reg[op];
        if (oi->r) {
            TRY(push(c, oi->r));
            fw[fn++] = canon(c, c->vh - 1);
        }
        fw[fn++] = x;
        fw[fn++] = y;
        if (oi->p2) fw[fn++] = b.slot;
        fw[fn++] = offset;
        uint32_t start = here(c);
        TRY(emitn(c, fn, fw));
        if (oi->r) {
            c->last_dst = start + 1;
            c->last_end = here(c);
            c->last_h = c->vh - 1;
            c->last_start = start;
        }
        return AW_OK;
    }
    if (oi->kind == AW__K_R) {
        TRY(push(c, oi->r));
        c->vs[c->vh - 1].slot = a.slot; /* same bits, new type: no code */
        return AW_OK;
    }
    uint32_t w[5];
    uint32_t n = 0;
    w[n++] = op;
    uint32_t dst_word = NONE32;
    if (oi->r) {
        TRY(push(c, oi->r));
        dst_word = n;
        w[n++] = canon(c, c->vh - 1);
    }
    if (oi->p1) w[n++] = a.slot;
    if (oi->p2) w[n++] = b.slot;
    if (mem) w[n++] = offset;
    if (dead(c)) return AW_OK;
    uint32_t start = here(c);
    TRY(emitn(c, n, w));
    if (dst_word != NONE32) {
        c->last_dst = start + dst_word;
        c->last_end = here(c);
        c->last_h = c->vh - 1;
        c->last_start = start;
    }
    return AW_OK;
}

static aw_status read_local(cc *c, uint32_t *x) {
    TRY(rd_u32(c->r, x));
    if (*x >= c->nlocals) return FAIL(c, "unknown local %u", *x);
    return AW_OK;
}

/* Before local x changes, pending reads of it must take their value. */
static aw_status settle_local(cc *c, uint32_t x, uint32_t upto) {
    for (uint32_t h = 0; h < upto; h++)
        if (!c->vs[h].k && c->vs[h].slot == x) TRY(settle(c, h));
    return AW_OK;
}

static bool has_pending(const cc *c, uint32_t x, uint32_t upto) {
    for (uint32_t h = 0; h < upto; h++)
        if (!c->vs[h].k && c->vs[h].slot == x) return true;
    return false;
}

static aw_status op_local_set(cc *c, bool tee) {
    uint32_t x;
    TRY(read_local(c, &x));
    aw__vt t = c->locals[x];
    ctl *cur = &c->cs[c->ch - 1];
    if (c->vh > cur->height && c->vs[c->vh - 1].t && c->vs[c->vh - 1].t != t)
        return FAIL(c, "type mismatch: local.set of %s to a %s local", aw__vt_name(c->vs[c->vh - 1].t), aw__vt_name(t));
    vent v;
    TRY(pop_any(c, t, &v));
    if (dead(c)) {
        if (tee) TRY(push(c, t));
        return AW_OK;
    }
    if (v.k && v.kv == 0 && c->straight && c->zero_known[x]) {
        if (tee) TRY(push_const(c, t, 0));
        return AW_OK;
    }
    c->zero_known[x] = 0;
    if (v.k) {
        TRY(settle_local(c, x, c->vh));
        TRY(emit_const(c, x, t, v.kv));
        c->last_dst = NONE32;
        if (tee) {
            TRY(push(c, t));
            c->vs[c->vh - 1].k = true;
            c->vs[c->vh - 1].kv = v.kv;
        }
        return AW_OK;
    }
    /* retarget the producer of the value straight into the local */
    if (c->last_dst != NONE32 && c->last_end == here(c) && c->last_h == c->vh && v.slot == canon(c, c->vh) &&
        !has_pending(c, x, c->vh)) {
        c->m->code[c->last_dst] = x;
        c->last_dst = NONE32;
        if (tee) {
            TRY(push(c, t));
            c->vs[c->vh - 1].slot = x;
        }
        return AW_OK;
    }
    TRY(settle_local(c, x, c->vh));
    if (v.slot != x) TRY(emit_copy(c, x, v.slot));
    c->last_dst = NONE32;
    if (tee) {
        TRY(push(c, t));
        c->vs[c->vh - 1].slot = v.slot == x ? x : v.slot;
    }
    return AW_OK;
}

static aw_status read_global(cc *c, uint32_t *g) {
    TRY(rd_u32(c->r, g));
    if (*g >= c->m->global_count) return FAIL(c, "unknown global %u", *g);
    return AW_OK;
}

static aw_status read_table(cc *c, uint32_t *t) {
    TRY(rd_u32(c->r, t));
    if (*t >= c->m->table_count) return FAIL(c, "unknown table %u", *t);
    return AW_OK;
}

static aw_status read_zero(cc *c) {
    uint8_t z;
    TRY(rd_u8(c->r, &z));
    if (z != 0) {
        if (z == 1 && false) return AW_OK;
        c->r->p--;
        return RD_MALFORMED(c->r, "zero byte expected");
    }
    return AW_OK;
}

static aw_status need_memory(cc *c) {
    if (c->m->mem_count == 0) return FAIL(c, "unknown memory 0");
    return AW_OK;
}

static aw_status need_data(cc *c, uint32_t d) {
    if (!c->m->has_data_count) return RD_MALFORMED(c->r, "data count section required");
    if (d >= c->m->data_count) return FAIL(c, "unknown data segment %u", d);
    return AW_OK;
}

static aw_status op_call(cc *c, const aw__type *ft, uint32_t op, uint32_t a1, uint32_t a2, bool indirect,
                         uint32_t idx_slot) {
    vent tmp;
    for (uint32_t i = ft->nparams; i-- > 0;) TRY(pop_any(c, ft->vt[i], &tmp));
    uint32_t base = c->vh;
    if (!dead(c)) {
        c->vh += ft->nparams;
        TRY(settle_from(c, base));
        c->vh = base;
    }
    uint32_t argbase = canon(c, base);
    if (indirect) TRY(EMIT(c, op, a1, a2, argbase, idx_slot));
    else TRY(EMIT(c, op, a1, argbase));
    for (uint32_t i = 0; i < ft->nresults; i++) TRY(push(c, ft->vt[ft->nparams + i]));
    /* the callee needs its results' room too */
    if (base + ft->nparams > c->vmax) c->vmax = base + ft->nparams;
    c->last_dst = NONE32;
    return AW_OK;
}

static aw_status op_end(cc *c) {
    ctl *t = &c->cs[c->ch - 1];
    TRY(check_end(c, t));
    TRY(settle_from(c, t->height));
    if (t->kind == CTL_IF) {
        /* if without else: params pass through to results */
        if (t->nparams != t->nresults || (t->nparams && memcmp(t->params, t->results, t->nparams)))
            return FAIL(c, "type mismatch: if without else must have matching params and results");
        if (t->else_fix != NONE32) {
            patch(c, t->else_fix, here(c));
            t->merged = true;
        }
    }
    bool merged = t->merged;
    bind_fixups(c, t, here(c));
    uint8_t kind = t->kind;
    uint32_t height = t->height;
    uint32_t nr = t->nresults;
    const aw__vt *res = t->results;
    bool was_dead = t->unreachable;
    c->ch--;
    if (kind == CTL_FUNC) {
        c->ch++; /* emit in the function frame's reachability */
        c->cs[0].unreachable = was_dead && !merged;
        if (merged) {
            /* branches to the function's label land on a FUEL, like all */
            fuel_close(c);
            TRY(EMIT(c, AW__OP_FUEL, 1));
        }
        TRY(EMIT(c, AW__OP_RETURN, canon(c, 0), nr));
        c->ch--;
        return AW_OK;
    }
    c->vh = height;
    for (uint32_t i = 0; i < nr; i++) TRY(push(c, res[i]));
    if (merged && kind != CTL_LOOP) TRY(fuel_begin(c));
    /* after a loop, the open block belongs to the loop's body (charged per
     * iteration): close it so code after the loop is not charged again on
     * every iteration (it runs uncharged up to the next FUEL: bounded) */
    if (kind == CTL_LOOP) fuel_close(c);
    (void)was_dead;
    return AW_OK;
}

/* If the condition on top was just computed by a comparison, returns that
 * instruction's position so the branch can absorb it (NONE32 otherwise). */
static uint32_t fusable_cond(const cc *c) {
    if (dead(c) || c->last_dst == NONE32 || c->last_end != here(c) || c->vh == 0) return NONE32;
    const vent *v = &c->vs[c->vh - 1];
    if (c->last_h != c->vh - 1 || v->k || v->slot != canon(c, c->vh - 1)) return NONE32;
    uint32_t op = c->m->code[c->last_start];
    if (op != AW__OP_I32_EQZ && !aw__op_br_true[op]) return NONE32;
    return c->last_start;
}

/* Emits a branch taken when cond (when_true) or !cond; the target word is
 * the last word emitted. A fusable comparison is replaced by a fused form. */
static aw_status emit_cond_branch(cc *c, uint32_t fused, bool when_true, uint32_t cond) {
    if (fused != NONE32 && c->last_end == here(c)) {
        const uint32_t *w = c->m->code + fused;
        uint32_t op = w[0], a = w[2];
        c->m->code_len = fused;
        c->last_dst = NONE32;
        if (op == AW__OP_I32_EQZ) return EMIT(c, when_true ? AW__OP_BR_UNLESS : AW__OP_BR_IF, a, 0);
        uint32_t b = w[3]; /* comparisons are [op dst a b]; eqz has no b */
        return EMIT(c, when_true ? aw__op_br_true[op] : aw__op_br_false[op], a, b, 0);
    }
    return EMIT(c, when_true ? AW__OP_BR_IF : AW__OP_BR_UNLESS, cond, 0);
}

/* ---- the instruction loop --------------------------------------------- */

static aw_status unsupported(cc *c, const char *feature) {
    return RD_FAIL(c->r, AW_UNSUPPORTED, "unsupported feature %s at offset %llu", feature,
                   (unsigned long long)rd_off(c->r));
}

static aw_status compile_body(cc *c) {
    aw__reader *r = c->r;
    aw_module *m = c->m;
    for (;;) {
        if (r->p >= r->end) return RD_MALFORMED(r, "unexpected end of function body (missing end)");
        uint64_t at = rd_off(r);
        c->op_at = at;
        uint8_t b = *r->p++;
        uint32_t key = b;
        if (b == 0xFC) {
            uint32_t sub;
            TRY(rd_u32(r, &sub));
            if (sub > 17) {
                r->p = c->r->base + at;
                return RD_MALFORMED(r, "illegal opcode 0xfc %u", sub);
            }
            key = 256 + sub;
        }
        const aw__opinfo *oi = &aw__opinfo_table[key];
        if (oi->kind == AW__K_NONE) {
            r->p--;
            switch (b) {
            case 0xFD: return unsupported(c, "SIMD");
            case 0xFE: return unsupported(c, "threads");
            case 0xFB: return unsupported(c, "GC");
            case 0x06: case 0x07: case 0x08: case 0x09: case 0x0A: case 0x18: case 0x19: case 0x1F:
                return unsupported(c, "exceptions");
            case 0x12: case 0x13: return unsupported(c, "tail calls");
            case 0x14: case 0x15: case 0xD3: case 0xD4: case 0xD5: case 0xD6: return unsupported(c, "function references");
            default: return RD_MALFORMED(r, "illegal opcode 0x%02x", b);
            }
        }
        c->fuel_count++;
        if (oi->kind != AW__K_S) {
            TRY(op_generic(c, oi));
            continue;
        }
        vent a, v;
        ctl bt;
        uint32_t x, y, fused;
        switch (key) {
        case 0x00: /* unreachable */
            TRY(EMIT(c, AW__OP_TRAP_UNREACHABLE));
            set_unreachable(c);
            break;
        case 0x01: break;
        case 0x02: /* block */
        case 0x03: /* loop */
            memset(&bt, 0, sizeof bt);
            TRY(read_blocktype(c, &bt));
            TRY(check_top(c, bt.nparams, bt.params));
            if (c->vh < c->cs[c->ch - 1].height + bt.nparams) return FAIL(c, "type mismatch: missing block parameters");
            TRY(settle_from(c, 0));
            TRY(push_ctl(c, b == 0x02 ? CTL_BLOCK : CTL_LOOP, bt.params, bt.nparams, bt.results, bt.nresults));
            for (uint32_t i = 0; i < bt.nparams; i++) c->vs[c->vh - bt.nparams + i].t = bt.params[i];
            c->last_dst = NONE32;
            if (b == 0x03) {
                c->straight = false; /* back edges arrive here */
                /* a FUEL just emitted with nothing after it can serve as the
                 * loop header (saves a dispatch on entry); else start one */
                if (c->fuel_pos == NONE32 || c->fuel_pos + 1 != here(c)) TRY(fuel_begin(c));
                c->cs[c->ch - 1].loop_pc = c->fuel_pos != NONE32 ? c->fuel_pos - 1 : here(c);
            }
            break;
        case 0x04: /* if */
            memset(&bt, 0, sizeof bt);
            TRY(read_blocktype(c, &bt));
            fused = fusable_cond(c);
            TRY(pop(c, AW__VT_I32, &a));
            TRY(check_top(c, bt.nparams, bt.params));
            if (c->vh < c->cs[c->ch - 1].height + bt.nparams) return FAIL(c, "type mismatch: missing if parameters");
            TRY(settle_from(c, 0));
            TRY(emit_cond_branch(c, fused, false, a.slot));
            {
                uint32_t word = dead(c) ? NONE32 : here(c) - 1;
                TRY(push_ctl(c, CTL_IF, bt.params, bt.nparams, bt.results, bt.nresults));
                for (uint32_t i = 0; i < bt.nparams; i++) c->vs[c->vh - bt.nparams + i].t = bt.params[i];
                ctl *t = &c->cs[c->ch - 1];
                t->else_fix = word;
            }
            c->last_dst = NONE32;
            /* the then arm is reached only by falling through: it stays in
             * the current fuel block (no FUEL dispatch on the way in) */
            break;
        case 0x05: { /* else */
            ctl *t = &c->cs[c->ch - 1];
            if (t->kind != CTL_IF) return FAIL(c, "else without if");
            TRY(check_end(c, t));
            TRY(settle_from(c, t->height));
            TRY(emit_jump(c, t));
            t->kind = CTL_ELSE;
            t->unreachable = false;
            c->straight = false;
            if (t->else_fix != NONE32) patch(c, t->else_fix, here(c));
            t->else_fix = NONE32;
            c->vh = t->height;
            for (uint32_t i = 0; i < t->nparams; i++) TRY(push(c, t->params[i]));
            c->last_dst = NONE32;
            TRY(fuel_begin(c));
            break;
        }
        case 0x0B: /* end */
            TRY(op_end(c));
            if (c->ch == 0) {
                fuel_close(c);
                if (r->p != r->end) return RD_MALFORMED(r, "section size mismatch: junk after the function's end");
                return AW_OK;
            }
            break;
        case 0x0C: /* br */
            TRY(read_label(c, &x));
            {
                ctl *t = &c->cs[c->ch - 1 - x];
                TRY(check_top(c, label_arity(t), label_types(t)));
                if (!dead(c) && c->vh < c->cs[c->ch - 1].height + label_arity(t)) return FAIL(c, "type mismatch: br operands");
                TRY(emit_jump(c, t));
            }
            set_unreachable(c);
            break;
        case 0x0D: /* br_if */
            TRY(read_label(c, &x));
            fused = fusable_cond(c);
            TRY(pop(c, AW__VT_I32, &a));
            {
                ctl *t = &c->cs[c->ch - 1 - x];
                uint32_t n = label_arity(t);
                TRY(check_top(c, n, label_types(t)));
                if (c->vh < c->cs[c->ch - 1].height + n) return FAIL(c, "type mismatch: br_if operands");
                if (!dead(c)) {
                    if (!needs_copies(c, t)) {
                        TRY(emit_cond_branch(c, fused, true, a.slot));
                        branch_word(c, t, here(c) - 1);
                    } else {
                        TRY(EMIT(c, AW__OP_BR_UNLESS, a.slot, 0));
                        uint32_t skip = here(c) - 1;
                        TRY(emit_jump(c, t));
                        patch(c, skip, here(c));
                        TRY(fuel_begin(c)); /* branch targets start with FUEL */
                    }
                }
                /* the values stay typed as the label's types */
                for (uint32_t i = 0; i < n; i++)
                    if (c->vs[c->vh - n + i].t == 0) c->vs[c->vh - n + i].t = label_types(t)[i];
            }
            c->last_dst = NONE32;
            break;
        case 0x0E: { /* br_table */
            uint32_t count;
            TRY(rd_u32(r, &count));
            if (count > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: br_table too long");
            TRY(pop(c, AW__VT_I32, &a));
            const uint8_t *labels = r->p;
            /* first pass: validate, find the arity from the default label */
            uint32_t dflt;
            for (uint32_t i = 0; i < count; i++) TRY(read_label(c, &y));
            TRY(read_label(c, &dflt));
            ctl *dt = &c->cs[c->ch - 1 - dflt];
            uint32_t arity = label_arity(dt);
            const uint8_t *after = r->p;
            r->p = labels;
            for (uint32_t i = 0; i <= count; i++) {
                TRY(read_label(c, &y));
                ctl *t = &c->cs[c->ch - 1 - y];
                if (label_arity(t) != arity) return FAIL(c, "type mismatch: br_table labels of different arity");
                TRY(check_top(c, arity, label_types(t)));
            }
            r->p = after;
            if (!dead(c) && c->vh < c->cs[c->ch - 1].height + arity) return FAIL(c, "type mismatch: br_table operands");
            if (!dead(c)) {
                TRY(settle_from(c, c->vh - arity));
                TRY(grow_code(c, 5 + 2 * (count + 1)));
                TRY(EMIT(c, AW__OP_BR_TABLE, a.slot, count, arity, canon(c, c->vh - arity)));
                r->p = labels;
                for (uint32_t i = 0; i <= count; i++) {
                    TRY(read_label(c, &y));
                    ctl *t = &c->cs[c->ch - 1 - y];
                    TRY(EMIT(c, 0, canon(c, t->height)));
                    branch_word(c, t, here(c) - 2);
                }
                r->p = after;
            }
            set_unreachable(c);
            break;
        }
        case 0x0F: { /* return */
            ctl *t = &c->cs[0];
            TRY(check_top(c, t->nresults, t->results));
            if (!dead(c) && c->vh < c->cs[c->ch - 1].height + t->nresults) return FAIL(c, "type mismatch: return operands");
            if (!dead(c)) {
                TRY(settle_from(c, c->vh - t->nresults));
                TRY(EMIT(c, AW__OP_RETURN, canon(c, c->vh - t->nresults), t->nresults));
            }
            set_unreachable(c);
            break;
        }
        case 0x10: /* call */
            TRY(rd_u32(r, &x));
            if (x >= m->func_count) return FAIL(c, "unknown function %u", x);
            TRY(op_call(c, m->funcs[x].ft, x < m->func_import_count ? AW__OP_CALL_IMPORT : AW__OP_CALL, x, 0, false, 0));
            break;
        case 0x11: /* call_indirect */
            TRY(rd_u32(r, &y));
            TRY(rd_u32(r, &x));
            if (x >= m->table_count) return FAIL(c, "unknown table %u", x);
            if (y >= m->type_count) return FAIL(c, "unknown type %u", y);
            if (m->tables[x].elem != AW__VT_FUNCREF) return FAIL(c, "type mismatch: call_indirect on a table of externref");
            TRY(pop(c, AW__VT_I32, &a));
            TRY(op_call(c, &m->types[y], AW__OP_CALL_INDIRECT, x, y, true, a.slot));
            break;
        case 0x1A: /* drop */
            TRY(pop_any(c, 0, &a));
            c->last_dst = NONE32;
            break;
        case 0x1B: /* select */
        case 0x1C: { /* select t */
            aw__vt t = 0;
            if (b == 0x1C) {
                TRY(rd_u32(r, &x));
                if (x != 1) return FAIL(c, "invalid result arity for typed select");
                TRY(aw__read_valtype(r, &t));
            }
            TRY(pop(c, AW__VT_I32, &a));
            vent v1, v2;
            TRY(pop(c, t, &v2));
            TRY(pop(c, t, &v1));
            if (!t) {
                if (v1.t && v2.t && v1.t != v2.t) return FAIL(c, "type mismatch: select operands differ");
                t = v1.t ? v1.t : v2.t;
                if (t && !is_num(t)) return FAIL(c, "type mismatch: untyped select needs numeric operands");
            }
            TRY(push(c, t));
            TRY(EMIT(c, AW__OP_SELECT, canon(c, c->vh - 1), v1.slot, v2.slot, a.slot));
            c->last_dst = NONE32;
            break;
        }
        case 0x20: /* local.get */
            TRY(read_local(c, &x));
            TRY(push(c, c->locals[x]));
            c->vs[c->vh - 1].slot = x;
            break;
        case 0x21: TRY(op_local_set(c, false)); break;
        case 0x22: TRY(op_local_set(c, true)); break;
        case 0x23: /* global.get */
            TRY(read_global(c, &x));
            TRY(push(c, m->globals[x].vt));
            TRY(EMIT(c, AW__OP_GLOBAL_GET, canon(c, c->vh - 1), x));
            if (!dead(c)) {
                c->last_start = here(c) - 3;
                c->last_dst = here(c) - 2;
                c->last_end = here(c);
                c->last_h = c->vh - 1;
            }
            break;
        case 0x24: /* global.set */
            TRY(read_global(c, &x));
            if (!m->globals[x].mut) return FAIL(c, "global is immutable");
            TRY(pop(c, m->globals[x].vt, &a));
            TRY(EMIT(c, AW__OP_GLOBAL_SET, x, a.slot));
            c->last_dst = NONE32;
            break;
        case 0x25: /* table.get */
            TRY(read_table(c, &x));
            TRY(pop(c, AW__VT_I32, &a));
            TRY(push(c, m->tables[x].elem));
            TRY(EMIT(c, AW__OP_TABLE_GET, canon(c, c->vh - 1), x, a.slot));
            c->last_dst = NONE32;
            break;
        case 0x26: /* table.set */
            TRY(read_table(c, &x));
            TRY(pop(c, m->tables[x].elem, &v));
            TRY(pop(c, AW__VT_I32, &a));
            TRY(EMIT(c, AW__OP_TABLE_SET, x, a.slot, v.slot));
            c->last_dst = NONE32;
            break;
        case 0x3F: /* memory.size */
            TRY(read_zero(c));
            TRY(need_memory(c));
            TRY(push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_MEMORY_SIZE, canon(c, c->vh - 1)));
            c->last_dst = NONE32;
            break;
        case 0x40: /* memory.grow */
            TRY(read_zero(c));
            TRY(need_memory(c));
            TRY(pop(c, AW__VT_I32, &a));
            TRY(push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_MEMORY_GROW, canon(c, c->vh - 1), a.slot));
            c->last_dst = NONE32;
            break;
        case 0x41: { /* i32.const: a pending constant, written only when needed */
            int64_t k;
            TRY(rd_sleb(r, 32, &k));
            TRY(push_const(c, AW__VT_I32, (uint32_t)k));
            break;
        }
        case 0x42: { /* i64.const */
            int64_t k;
            TRY(rd_sleb(r, 64, &k));
            TRY(push_const(c, AW__VT_I64, (uint64_t)k));
            break;
        }
        case 0x43: { /* f32.const */
            const uint8_t *p;
            uint32_t bits;
            TRY(rd_bytes(r, 4, &p));
            memcpy(&bits, p, 4);
            TRY(push_const(c, AW__VT_F32, bits));
            break;
        }
        case 0x44: { /* f64.const */
            const uint8_t *p;
            uint64_t bits;
            TRY(rd_bytes(r, 8, &p));
            memcpy(&bits, p, 8);
            TRY(push_const(c, AW__VT_F64, bits));
            break;
        }
        case 0xD0: { /* ref.null */
            aw__vt t;
            TRY(aw__read_reftype(r, &t));
            TRY(push_const(c, t, 0));
            break;
        }
        case 0xD1: /* ref.is_null */
            TRY(pop(c, 0, &a));
            if (a.t && !is_ref(a.t)) return FAIL(c, "type mismatch: ref.is_null of %s", aw__vt_name(a.t));
            TRY(push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_REF_IS_NULL, canon(c, c->vh - 1), a.slot));
            c->last_dst = NONE32;
            break;
        case 0xD2: /* ref.func */
            TRY(rd_u32(r, &x));
            if (x >= m->func_count) return FAIL(c, "unknown function %u", x);
            if (!m->func_declared[x]) return FAIL(c, "undeclared function reference %u", x);
            TRY(push(c, AW__VT_FUNCREF));
            TRY(EMIT(c, AW__OP_REF_FUNC, canon(c, c->vh - 1), x));
            c->last_dst = NONE32;
            break;
        case 256 + 8: { /* memory.init */
            TRY(rd_u32(r, &x));
            TRY(read_zero(c));
            TRY(need_memory(c));
            TRY(need_data(c, x));
            vent d, s, n;
            TRY(pop(c, AW__VT_I32, &n));
            TRY(pop(c, AW__VT_I32, &s));
            TRY(pop(c, AW__VT_I32, &d));
            TRY(EMIT(c, AW__OP_MEMORY_INIT, x, d.slot, s.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 9: /* data.drop */
            TRY(rd_u32(r, &x));
            TRY(need_data(c, x));
            TRY(EMIT(c, AW__OP_DATA_DROP, x));
            break;
        case 256 + 10: { /* memory.copy */
            TRY(read_zero(c));
            TRY(read_zero(c));
            TRY(need_memory(c));
            vent d, s, n;
            TRY(pop(c, AW__VT_I32, &n));
            TRY(pop(c, AW__VT_I32, &s));
            TRY(pop(c, AW__VT_I32, &d));
            TRY(EMIT(c, AW__OP_MEMORY_COPY, d.slot, s.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 11: { /* memory.fill */
            TRY(read_zero(c));
            TRY(need_memory(c));
            vent d, s, n;
            TRY(pop(c, AW__VT_I32, &n));
            TRY(pop(c, AW__VT_I32, &s));
            TRY(pop(c, AW__VT_I32, &d));
            TRY(EMIT(c, AW__OP_MEMORY_FILL, d.slot, s.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 12: { /* table.init */
            TRY(rd_u32(r, &y));
            TRY(read_table(c, &x));
            if (y >= m->elem_count) return FAIL(c, "unknown elem segment %u", y);
            if (m->elems[y].type != m->tables[x].elem) return FAIL(c, "type mismatch: table.init element type");
            vent d, s, n;
            TRY(pop(c, AW__VT_I32, &n));
            TRY(pop(c, AW__VT_I32, &s));
            TRY(pop(c, AW__VT_I32, &d));
            TRY(EMIT(c, AW__OP_TABLE_INIT, x, y, d.slot, s.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 13: /* elem.drop */
            TRY(rd_u32(r, &x));
            if (x >= m->elem_count) return FAIL(c, "unknown elem segment %u", x);
            TRY(EMIT(c, AW__OP_ELEM_DROP, x));
            break;
        case 256 + 14: { /* table.copy */
            TRY(read_table(c, &x));
            TRY(read_table(c, &y));
            if (m->tables[x].elem != m->tables[y].elem) return FAIL(c, "type mismatch: table.copy between element types");
            vent d, s, n;
            TRY(pop(c, AW__VT_I32, &n));
            TRY(pop(c, AW__VT_I32, &s));
            TRY(pop(c, AW__VT_I32, &d));
            TRY(EMIT(c, AW__OP_TABLE_COPY, x, y, d.slot, s.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 15: { /* table.grow */
            TRY(read_table(c, &x));
            vent n;
            TRY(pop(c, AW__VT_I32, &n));
            TRY(pop(c, m->tables[x].elem, &v));
            TRY(push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_TABLE_GROW, canon(c, c->vh - 1), x, v.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 16: /* table.size */
            TRY(read_table(c, &x));
            TRY(push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_TABLE_SIZE, canon(c, c->vh - 1), x));
            c->last_dst = NONE32;
            break;
        case 256 + 17: { /* table.fill */
            TRY(read_table(c, &x));
            vent i, n;
            TRY(pop(c, AW__VT_I32, &n));
            TRY(pop(c, m->tables[x].elem, &v));
            TRY(pop(c, AW__VT_I32, &i));
            TRY(EMIT(c, AW__OP_TABLE_FILL, x, i.slot, v.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        default:
            return RD_MALFORMED(r, "illegal opcode 0x%02x", b);
        }
    }
}

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
    if (!c->locals || !c->zero_known) return OOM(c);
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
        else if (op == AW__OP_BR_IF || op == AW__OP_BR_UNLESS) word = 2;
        else if (aw__op_br_true[op] == 0 && op >= AW__OP_BR_I32_EQ && op <= AW__OP_BR_I32_LE_U_I) word = 3;
        if (op == AW__OP_BR_TABLE) {
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
        st = push_ctl(&c, CTL_FUNC, NULL, 0, fn->ft->vt + fn->ft->nparams, fn->ft->nresults);
    }
    if (st == AW_OK) st = fuel_begin(&c);
    if (st == AW_OK) st = compile_body(&c);
    if (st == AW_OK) {
        fn->nlocals = c.nlocals;
        fn->nparams = fn->ft->nparams;
        uint64_t slots = (uint64_t)c.nlocals + c.vmax + 1;
        if (slots < fn->ft->nresults) slots = fn->ft->nresults;
        if (slots > UINT32_MAX / 2) st = RD_FAIL(r, AW_LIMIT_EXCEEDED, "function frame too large");
        fn->frame_slots = (uint32_t)slots;
#ifndef NDEBUG
        check_targets(m, fn->code_start);
#endif
    }
    aw__free(c.locals, c.nlocals ? c.nlocals : 1);
    aw__free(c.zero_known, c.nlocals ? c.nlocals : 1);
    aw__free(c.vs, c.vcap * sizeof(vent));
    aw__free(c.cs, c.ccap * sizeof(ctl));
    return st;
}
