/* The instruction loop of the function-body compiler: validates and compiles
 * each instruction, with the instruction-group helpers it uses. */
#include "wasm/compile_internal.h"

/* ---- instruction groups ---------------------------------------------- */

static aw_status read_local(cc *c, uint32_t *x) {
    TRY(rd_u32(c->r, x));
    if (*x >= c->nlocals) return FAIL(c, "unknown local %u", *x);
    return AW_OK;
}

/* Before local x changes, pending reads of it must take their value. */
static aw_status settle_local(cc *c, uint32_t x, uint32_t upto) {
    for (uint32_t h = 0; h < upto; h++)
        if (!c->vs[h].k && c->vs[h].slot == x) TRY(aw__cc_settle(c, h));
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
    TRY(aw__cc_pop_any(c, t, &v));
    if (dead(c)) {
        if (tee) TRY(aw__cc_push(c, t));
        return AW_OK;
    }
    if (v.k && v.kv == 0 && c->straight && c->zero_known[x]) {
        if (tee) TRY(aw__cc_push_const(c, t, 0));
        return AW_OK;
    }
    c->zero_known[x] = 0;
    c->assigned |= local_bit(c, x); /* every path below writes x */
    if (v.k) {
        TRY(settle_local(c, x, c->vh));
        TRY(aw__cc_emit_const(c, x, t, v.kv));
        c->last_dst = NONE32;
        if (tee) {
            TRY(aw__cc_push(c, t));
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
            TRY(aw__cc_push(c, t));
            c->vs[c->vh - 1].slot = x;
        }
        return AW_OK;
    }
    TRY(settle_local(c, x, c->vh));
    if (v.slot != x) TRY(aw__cc_emit_copy(c, x, v.slot));
    c->last_dst = NONE32;
    if (tee) {
        TRY(aw__cc_push(c, t));
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
    for (uint32_t i = ft->nparams; i-- > 0;) TRY(aw__cc_pop_any(c, ft->vt[i], &tmp));
    uint32_t base = c->vh;
    if (!dead(c)) {
        c->vh += ft->nparams;
        TRY(aw__cc_settle_from(c, base));
        c->vh = base;
    }
    uint32_t argbase = canon(c, base);
    if (indirect) {
        TRY(EMIT(c, op, a1, a2, argbase, idx_slot));
    } else if (op == AW__OP_CALL) {
        /* the callee's record by address (the array is final once the code
         * section is reached): no index arithmetic per call */
        uintptr_t fa = (uintptr_t)&c->m->funcs[a1];
        TRY(EMIT(c, op, a1, argbase, (uint32_t)fa, (uint32_t)((uint64_t)fa >> 32)));
    } else {
        TRY(EMIT(c, op, a1, argbase));
    }
    for (uint32_t i = 0; i < ft->nresults; i++) TRY(aw__cc_push(c, ft->vt[ft->nparams + i]));
    /* the callee needs its results' room too */
    if (base + ft->nparams > c->vmax) c->vmax = base + ft->nparams;
    c->last_dst = NONE32;
    return AW_OK;
}

/* RETURN, or its short forms for no result and one result. */
static aw_status emit_return(cc *c, uint32_t src, uint32_t n) {
    if (n == 0 || (n == 1 && src == 0)) return EMIT(c, AW__OP_RETURN0);
    if (n == 1) return EMIT(c, AW__OP_RETURN1, src);
    return EMIT(c, AW__OP_RETURN, src, n);
}

/* Returns the single result v from wherever it is (a local, a slot or a
 * pending constant written straight to slot 0): no copy to its canonical slot
 * first, RETURN moves it to slot 0. */
static aw_status emit_return_one(cc *c, const vent *v) {
    if (v->k && (v->t == AW__VT_I32 || v->t == AW__VT_F32)) return EMIT(c, AW__OP_RETURN1_I, (uint32_t)v->kv);
    if (v == &c->vs[c->vh - 1] && aw__cc_fresh_top(c) != NONE32) {
        /* computed by the instruction just emitted: it writes slot 0 itself
         * (every instruction reads its operands before writing) */
        c->m->code[c->last_dst] = 0;
        c->last_dst = NONE32;
        return emit_return(c, 0, 1);
    }
    if (v->k) {
        TRY(aw__cc_emit_const(c, 0, v->t, v->kv));
        return emit_return(c, 0, 1);
    }
    return emit_return(c, v->slot, 1);
}

static aw_status op_end(cc *c) {
    ctl *t = &c->cs[c->ch - 1];
    TRY(aw__cc_check_end(c, t));
    if (t->kind == CTL_FUNC && !t->merged && t->nresults == 1 && !dead(c)) {
        /* the body falls through to its end and nothing branches there */
        TRY(emit_return_one(c, &c->vs[c->vh - 1]));
        c->ch--;
        return AW_OK;
    }
    TRY(aw__cc_settle_from(c, t->height));
    if (t->kind == CTL_IF) {
        /* if without else: params pass through to results */
        if (t->nparams != t->nresults || (t->nparams && memcmp(t->params, t->results, t->nparams)))
            return FAIL(c, "type mismatch: if without else must have matching params and results");
        if (t->else_fix != NONE32) {
            aw__cc_patch(c, t->else_fix, here(c));
            t->merged = true;
        }
    }
    bool merged = t->merged;
    /* after the end: what every way in has written (an if without else is
     * also entered from its condition) */
    uint64_t after = t->in_assigned;
    if (t->kind == CTL_IF) after &= t->entry_assigned;
    if (!t->unreachable && !t->dead) after &= c->assigned;
    c->assigned = after;
    aw__cc_bind_fixups(c, t, here(c));
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
            aw__cc_fuel_close(c);
            TRY(EMIT(c, AW__OP_FUEL, 1));
        }
        TRY(emit_return(c, canon(c, 0), nr));
        c->ch--;
        return AW_OK;
    }
    c->vh = height;
    for (uint32_t i = 0; i < nr; i++) TRY(aw__cc_push(c, res[i]));
    if (merged && kind != CTL_LOOP) TRY(aw__cc_fuel_begin(c));
    /* after a loop, the open block belongs to the loop's body (charged per
     * iteration): close it so code after the loop is not charged again on
     * every iteration (it runs uncharged up to the next FUEL: bounded) */
    if (kind == CTL_LOOP) aw__cc_fuel_close(c);
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

/* Emits the fused branch [bop x y target]; a BR_LOAD8_NZ, BR_NTEST_I or
 * BR_I32_GT_U_I of the local an i32.add with an immediate wrote just before
 * also absorbs that add (the pointer steps of strlen-like loops, range
 * checks like `x - 1 > k`). */
static aw_status emit_branch3(cc *c, uint32_t bop, uint32_t x, uint32_t y) {
    uint32_t p = c->addi_at;
    uint32_t fop = bop == AW__OP_BR_LOAD8_NZ    ? AW__OP_ADDI_BR_LOAD8_NZ
                   : bop == AW__OP_BR_NTEST_I   ? AW__OP_ADDI_BR_NTEST_I
                   : bop == AW__OP_BR_I32_GT_U_I ? AW__OP_ADDI_BR_GT_U_I
                                                 : 0;
    if (fop && p != NONE32 && p + 4 == here(c) && c->m->code[p] == AW__OP_I32_ADD_I && c->m->code[p + 1] == x) {
        uint32_t src = c->m->code[p + 2], imm = c->m->code[p + 3];
        truncate_code(c, p);
        c->addi_at = NONE32;
        return EMIT(c, fop, x, src, imm, y, 0);
    }
    return EMIT(c, bop, x, y, 0);
}

/* Emits the fused branch bop on the operands x and y of the instruction it
 * absorbs: [bop ea target] for a load from a constant address (its x), else
 * emit_branch3's forms. */
static aw_status emit_fused_branch(cc *c, uint32_t bop, uint32_t x, uint32_t y) {
    if (bop >= AW__OP_BR_LOAD8_NZ_AK && bop <= AW__OP_BR_LOAD32_Z_AK) return EMIT(c, bop, x, 0);
    return emit_branch3(c, bop, x, y);
}

/* Emits a branch taken when cond (when_true) or !cond; the target word is
 * the last word emitted. A fusable comparison is replaced by a fused form. */
static aw_status emit_cond_branch(cc *c, uint32_t fused, bool when_true, uint32_t cond) {
    if (fused != NONE32 && c->last_end == here(c)) {
        const uint32_t *w = c->m->code + fused;
        uint32_t op = w[0], a = w[2];
        if (op == AW__OP_I32_EQZ && fused == c->eqz_at && c->eqz_of != NONE32) {
            /* eqz of a comparison (or an and) computed right before it:
             * branch on the comparison's inverse */
            uint32_t p = c->eqz_of;
            const uint32_t *pw = c->m->code + p;
            if (aw__op_br_true[pw[0]] && p + 1 + aw__op_operands[pw[0]] == fused && pw[1] == a) {
                uint32_t pop = pw[0], x = pw[2], y = pw[3];
                truncate_code(c, p);
                c->last_dst = NONE32;
                c->eqz_at = NONE32;
                return emit_fused_branch(c, when_true ? aw__op_br_false[pop] : aw__op_br_true[pop], x, y);
            }
        }
        truncate_code(c, fused);
        c->last_dst = NONE32;
        if (op == AW__OP_I32_EQZ) return EMIT(c, when_true ? AW__OP_BR_UNLESS : AW__OP_BR_IF, a, 0);
        uint32_t b = w[3]; /* comparisons are [op dst a b]; eqz and AK loads have no b */
        return emit_fused_branch(c, when_true ? aw__op_br_true[op] : aw__op_br_false[op], a, b);
    }
    return EMIT(c, when_true ? AW__OP_BR_IF : AW__OP_BR_UNLESS, cond, 0);
}

/* ---- the instruction loop --------------------------------------------- */

static aw_status unsupported(cc *c, const char *feature) {
    return RD_FAIL(c->r, AW_UNSUPPORTED, "unsupported feature %s at offset %llu", feature,
                   (unsigned long long)rd_off(c->r));
}

aw_status aw__cc_compile_body(cc *c) {
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
            TRY(aw__cc_op_generic(c, oi));
            continue;
        }
        vent a, v;
        ctl bt;
        uint32_t x, y, fused;
        switch (key) {
        case 0x00: /* unreachable */
            TRY(EMIT(c, AW__OP_TRAP_UNREACHABLE));
            aw__cc_set_unreachable(c);
            break;
        case 0x01: break;
        case 0x02: /* block */
        case 0x03: /* loop */
            memset(&bt, 0, sizeof bt);
            TRY(aw__cc_read_blocktype(c, &bt));
            TRY(aw__cc_check_top(c, bt.nparams, bt.params));
            if (c->vh < c->cs[c->ch - 1].height + bt.nparams) return FAIL(c, "type mismatch: missing block parameters");
            TRY(aw__cc_settle_from(c, 0));
            TRY(aw__cc_push_ctl(c, b == 0x02 ? CTL_BLOCK : CTL_LOOP, bt.params, bt.nparams, bt.results, bt.nresults));
            for (uint32_t i = 0; i < bt.nparams; i++) c->vs[c->vh - bt.nparams + i].t = bt.params[i];
            c->last_dst = NONE32;
            if (b == 0x03) {
                c->straight = false; /* back edges arrive here */
                /* a FUEL just emitted with nothing after it can serve as the
                 * loop header (saves a dispatch on entry); else start one */
                if (c->fuel_pos == NONE32 || c->fuel_pos + 1 != here(c)) TRY(aw__cc_fuel_begin(c));
                c->cs[c->ch - 1].loop_pc = c->fuel_pos != NONE32 ? c->fuel_pos - 1 : here(c);
            }
            break;
        case 0x04: /* if */
            memset(&bt, 0, sizeof bt);
            TRY(aw__cc_read_blocktype(c, &bt));
            fused = fusable_cond(c);
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            TRY(aw__cc_check_top(c, bt.nparams, bt.params));
            if (c->vh < c->cs[c->ch - 1].height + bt.nparams) return FAIL(c, "type mismatch: missing if parameters");
            TRY(aw__cc_settle_from(c, 0));
            TRY(emit_cond_branch(c, fused, false, a.slot));
            {
                uint32_t word = dead(c) ? NONE32 : here(c) - 1;
                TRY(aw__cc_push_ctl(c, CTL_IF, bt.params, bt.nparams, bt.results, bt.nresults));
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
            TRY(aw__cc_check_end(c, t));
            TRY(aw__cc_settle_from(c, t->height));
            TRY(aw__cc_emit_jump(c, t));
            t->kind = CTL_ELSE;
            t->unreachable = false;
            c->assigned = t->entry_assigned;
            c->straight = false;
            if (t->else_fix != NONE32) aw__cc_patch(c, t->else_fix, here(c));
            t->else_fix = NONE32;
            c->vh = t->height;
            for (uint32_t i = 0; i < t->nparams; i++) TRY(aw__cc_push(c, t->params[i]));
            c->last_dst = NONE32;
            TRY(aw__cc_fuel_begin(c));
            break;
        }
        case 0x0B: /* end */
            TRY(op_end(c));
            if (c->ch == 0) {
                aw__cc_fuel_close(c);
                if (r->p != r->end) return RD_MALFORMED(r, "section size mismatch: junk after the function's end");
                return AW_OK;
            }
            break;
        case 0x0C: /* br */
            TRY(aw__cc_read_label(c, &x));
            {
                ctl *t = &c->cs[c->ch - 1 - x];
                TRY(aw__cc_check_top(c, label_arity(t), label_types(t)));
                if (!dead(c) && c->vh < c->cs[c->ch - 1].height + label_arity(t)) return FAIL(c, "type mismatch: br operands");
                TRY(aw__cc_emit_jump(c, t));
            }
            aw__cc_set_unreachable(c);
            break;
        case 0x0D: /* br_if */
            TRY(aw__cc_read_label(c, &x));
            fused = fusable_cond(c);
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            {
                ctl *t = &c->cs[c->ch - 1 - x];
                uint32_t n = label_arity(t);
                TRY(aw__cc_check_top(c, n, label_types(t)));
                if (c->vh < c->cs[c->ch - 1].height + n) return FAIL(c, "type mismatch: br_if operands");
                if (!dead(c)) {
                    uint32_t p = c->brif_at;
                    if (!aw__cc_needs_copies(c, t) && fused == NONE32 && t->kind != CTL_LOOP && p != NONE32 &&
                        p + 3 == here(c) && t->fixups == p + 2) {
                        /* br_if right after a br_if to the same label (`a || b`
                         * exits): one BR_IF2; the target word moves up one
                         * and stays in the label's chain */
                        TRY(aw__cc_grow_code(c, 1));
                        uint32_t *w = c->m->code + p;
                        w[3] = w[2];
                        w[2] = a.slot;
                        w[0] = AW__OP_BR_IF2;
                        c->m->code_len = p + 4;
                        t->fixups = p + 3;
                        c->brif_at = NONE32;
                    } else if (!aw__cc_needs_copies(c, t)) {
                        TRY(emit_cond_branch(c, fused, true, a.slot));
                        if (fused == NONE32 && !dead(c)) c->brif_at = here(c) - 3;
                        aw__cc_branch_word(c, t, here(c) - 1);
                    } else {
                        TRY(EMIT(c, AW__OP_BR_UNLESS, a.slot, 0));
                        uint32_t skip = here(c) - 1;
                        TRY(aw__cc_emit_jump(c, t));
                        aw__cc_patch(c, skip, here(c));
                        TRY(aw__cc_fuel_begin(c)); /* branch targets start with FUEL */
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
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            const uint8_t *labels = r->p;
            /* first pass: validate, find the arity from the default label */
            uint32_t dflt;
            for (uint32_t i = 0; i < count; i++) TRY(aw__cc_read_label(c, &y));
            TRY(aw__cc_read_label(c, &dflt));
            ctl *dt = &c->cs[c->ch - 1 - dflt];
            uint32_t arity = label_arity(dt);
            const uint8_t *after = r->p;
            r->p = labels;
            for (uint32_t i = 0; i <= count; i++) {
                TRY(aw__cc_read_label(c, &y));
                ctl *t = &c->cs[c->ch - 1 - y];
                if (label_arity(t) != arity) return FAIL(c, "type mismatch: br_table labels of different arity");
                TRY(aw__cc_check_top(c, arity, label_types(t)));
            }
            r->p = after;
            if (!dead(c) && c->vh < c->cs[c->ch - 1].height + arity) return FAIL(c, "type mismatch: br_table operands");
            if (!dead(c)) {
                TRY(aw__cc_settle_from(c, c->vh - arity));
                TRY(aw__cc_grow_code(c, 5 + 2 * (count + 1)));
                TRY(EMIT(c, arity ? AW__OP_BR_TABLE : AW__OP_BR_TABLE0, a.slot, count, arity,
                         canon(c, c->vh - arity)));
                r->p = labels;
                for (uint32_t i = 0; i <= count; i++) {
                    TRY(aw__cc_read_label(c, &y));
                    ctl *t = &c->cs[c->ch - 1 - y];
                    TRY(EMIT(c, 0, canon(c, t->height)));
                    aw__cc_branch_word(c, t, here(c) - 2);
                }
                r->p = after;
            }
            aw__cc_set_unreachable(c);
            break;
        }
        case 0x0F: { /* return */
            ctl *t = &c->cs[0];
            TRY(aw__cc_check_top(c, t->nresults, t->results));
            if (!dead(c) && c->vh < c->cs[c->ch - 1].height + t->nresults) return FAIL(c, "type mismatch: return operands");
            if (!dead(c) && t->nresults == 1) {
                TRY(emit_return_one(c, &c->vs[c->vh - 1]));
            } else if (!dead(c)) {
                TRY(aw__cc_settle_from(c, c->vh - t->nresults));
                TRY(emit_return(c, canon(c, c->vh - t->nresults), t->nresults));
            }
            aw__cc_set_unreachable(c);
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
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            TRY(op_call(c, &m->types[y], AW__OP_CALL_INDIRECT, x, y, true, a.slot));
            break;
        case 0x1A: /* drop */
            TRY(aw__cc_pop_any(c, 0, &a));
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
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            vent v1, v2;
            TRY(aw__cc_pop_any(c, t, &v2));
            uint32_t h2 = c->vh;
            TRY(aw__cc_pop_any(c, t, &v1));
            uint32_t h1 = c->vh;
            if (!t) {
                if (v1.t && v2.t && v1.t != v2.t) return FAIL(c, "type mismatch: select operands differ");
                t = v1.t ? v1.t : v2.t;
                if (t && !is_num(t)) return FAIL(c, "type mismatch: untyped select needs numeric operands");
            }
            /* a 32-bit constant operand is an immediate (the slot of a
             * 32-bit value holds it zero-extended) */
            uint32_t sop = AW__OP_SELECT;
            bool narrow = t == AW__VT_I32 || t == AW__VT_F32;
            if (narrow && v2.k) {
                sop = AW__OP_SELECT_IB;
                v2.slot = (uint32_t)v2.kv;
                v2.k = false;
            } else if (narrow && v1.k) {
                sop = AW__OP_SELECT_IA;
                v1.slot = (uint32_t)v1.kv;
                v1.k = false;
            }
            TRY(aw__cc_materialize(c, &v2, h2));
            TRY(aw__cc_materialize(c, &v1, h1));
            TRY(aw__cc_push(c, t));
            uint32_t start = here(c);
            TRY(EMIT(c, sop, canon(c, c->vh - 1), v1.slot, v2.slot, a.slot));
            c->last_dst = NONE32;
            if (!dead(c)) { /* a local.set after it can take its result directly */
                c->last_start = start;
                c->last_dst = start + 1;
                c->last_end = here(c);
                c->last_h = c->vh - 1;
            }
            break;
        }
        case 0x20: /* local.get */
            TRY(read_local(c, &x));
            if (!dead(c) && x >= c->nparams && !(c->assigned & local_bit(c, x))) c->need_zero[x] = 1;
            TRY(aw__cc_push(c, c->locals[x]));
            c->vs[c->vh - 1].slot = x;
            break;
        case 0x21: TRY(op_local_set(c, false)); break;
        case 0x22: TRY(op_local_set(c, true)); break;
        case 0x23: /* global.get */
            TRY(read_global(c, &x));
            TRY(aw__cc_push(c, m->globals[x].vt));
            TRY(EMIT(c, AW__OP_GLOBAL_GET, canon(c, c->vh - 1), x));
            if (!dead(c)) {
                c->last_start = here(c) - 3;
                c->last_dst = here(c) - 2;
                c->last_end = here(c);
                c->last_h = c->vh - 1;
                c->gg_at = here(c) - 3;
            }
            break;
        case 0x24: /* global.set */
            TRY(read_global(c, &x));
            if (!m->globals[x].mut) return FAIL(c, "global is immutable");
            {
                /* global = x + imm (the stack pointer's epilogue) in one */
                uint32_t sat = aw__cc_fresh_top(c), gop = 0;
                if (sat != NONE32) {
                    uint32_t pop = c->m->code[sat];
                    if (pop == AW__OP_I32_ADD_I && m->globals[x].vt == AW__VT_I32) gop = AW__OP_GLOBAL_SET_ADD32_I;
                    if (pop == AW__OP_I64_ADD_I && m->globals[x].vt == AW__VT_I64) gop = AW__OP_GLOBAL_SET_ADD64_I;
                }
                TRY(aw__cc_pop(c, m->globals[x].vt, &a));
                /* global.get g; i32.const k; i32.sub; local.tee x; global.set g
                 * (the stack pointer prologue): x = g - k and g = x in one */
                uint32_t gg = c->gg_at, sb = gg + 3;
                if (!gop && !dead(c) && gg != NONE32 && sb + 4 == here(c) && m->globals[x].vt == AW__VT_I32 &&
                    c->m->code[gg] == AW__OP_GLOBAL_GET && c->m->code[gg + 2] == x &&
                    c->m->code[sb] == AW__OP_I32_SUB_I && c->m->code[sb + 1] == a.slot && a.slot < c->nlocals &&
                    c->m->code[sb + 2] == c->m->code[gg + 1] && c->m->code[gg + 1] >= c->nlocals) {
                    uint32_t imm = c->m->code[sb + 3];
                    truncate_code(c, gg);
                    c->gg_at = NONE32;
                    TRY(EMIT(c, AW__OP_GLOBAL_SUB_TEE, a.slot, x, imm));
                    c->last_dst = NONE32;
                    break;
                }
                if (gop && here(c) == sat + 4) {
                    uint32_t xs = c->m->code[sat + 2], imm = c->m->code[sat + 3];
                    truncate_code(c, sat);
                    TRY(EMIT(c, gop, x, xs, imm));
                } else {
                    TRY(EMIT(c, AW__OP_GLOBAL_SET, x, a.slot));
                }
            }
            c->last_dst = NONE32;
            break;
        case 0x25: /* table.get */
            TRY(read_table(c, &x));
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            TRY(aw__cc_push(c, m->tables[x].elem));
            TRY(EMIT(c, AW__OP_TABLE_GET, canon(c, c->vh - 1), x, a.slot));
            c->last_dst = NONE32;
            break;
        case 0x26: /* table.set */
            TRY(read_table(c, &x));
            TRY(aw__cc_pop(c, m->tables[x].elem, &v));
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            TRY(EMIT(c, AW__OP_TABLE_SET, x, a.slot, v.slot));
            c->last_dst = NONE32;
            break;
        case 0x3F: /* memory.size */
            TRY(read_zero(c));
            TRY(need_memory(c));
            TRY(aw__cc_push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_MEMORY_SIZE, canon(c, c->vh - 1)));
            c->last_dst = NONE32;
            break;
        case 0x40: /* memory.grow */
            TRY(read_zero(c));
            TRY(need_memory(c));
            TRY(aw__cc_pop(c, AW__VT_I32, &a));
            TRY(aw__cc_push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_MEMORY_GROW, canon(c, c->vh - 1), a.slot));
            c->last_dst = NONE32;
            break;
        case 0x41: { /* i32.const: a pending constant, written only when needed */
            int64_t k;
            TRY(rd_sleb(r, 32, &k));
            TRY(aw__cc_push_const(c, AW__VT_I32, (uint32_t)k));
            break;
        }
        case 0x42: { /* i64.const */
            int64_t k;
            TRY(rd_sleb(r, 64, &k));
            TRY(aw__cc_push_const(c, AW__VT_I64, (uint64_t)k));
            break;
        }
        case 0x43: { /* f32.const */
            const uint8_t *p;
            uint32_t bits;
            TRY(rd_bytes(r, 4, &p));
            memcpy(&bits, p, 4);
            TRY(aw__cc_push_const(c, AW__VT_F32, bits));
            break;
        }
        case 0x44: { /* f64.const */
            const uint8_t *p;
            uint64_t bits;
            TRY(rd_bytes(r, 8, &p));
            memcpy(&bits, p, 8);
            TRY(aw__cc_push_const(c, AW__VT_F64, bits));
            break;
        }
        case 0xD0: { /* ref.null */
            aw__vt t;
            TRY(aw__read_reftype(r, &t));
            TRY(aw__cc_push_const(c, t, 0));
            break;
        }
        case 0xD1: /* ref.is_null */
            TRY(aw__cc_pop(c, 0, &a));
            if (a.t && !is_ref(a.t)) return FAIL(c, "type mismatch: ref.is_null of %s", aw__vt_name(a.t));
            TRY(aw__cc_push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_REF_IS_NULL, canon(c, c->vh - 1), a.slot));
            c->last_dst = NONE32;
            break;
        case 0xD2: /* ref.func */
            TRY(rd_u32(r, &x));
            if (x >= m->func_count) return FAIL(c, "unknown function %u", x);
            if (!m->func_declared[x]) return FAIL(c, "undeclared function reference %u", x);
            TRY(aw__cc_push(c, AW__VT_FUNCREF));
            TRY(EMIT(c, AW__OP_REF_FUNC, canon(c, c->vh - 1), x));
            c->last_dst = NONE32;
            break;
        case 256 + 8: { /* memory.init */
            TRY(rd_u32(r, &x));
            TRY(read_zero(c));
            TRY(need_memory(c));
            TRY(need_data(c, x));
            vent d, s, n;
            TRY(aw__cc_pop(c, AW__VT_I32, &n));
            TRY(aw__cc_pop(c, AW__VT_I32, &s));
            TRY(aw__cc_pop(c, AW__VT_I32, &d));
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
            TRY(aw__cc_pop(c, AW__VT_I32, &n));
            TRY(aw__cc_pop(c, AW__VT_I32, &s));
            TRY(aw__cc_pop(c, AW__VT_I32, &d));
            TRY(EMIT(c, AW__OP_MEMORY_COPY, d.slot, s.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 11: { /* memory.fill */
            TRY(read_zero(c));
            TRY(need_memory(c));
            vent d, s, n;
            TRY(aw__cc_pop(c, AW__VT_I32, &n));
            TRY(aw__cc_pop(c, AW__VT_I32, &s));
            TRY(aw__cc_pop(c, AW__VT_I32, &d));
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
            TRY(aw__cc_pop(c, AW__VT_I32, &n));
            TRY(aw__cc_pop(c, AW__VT_I32, &s));
            TRY(aw__cc_pop(c, AW__VT_I32, &d));
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
            TRY(aw__cc_pop(c, AW__VT_I32, &n));
            TRY(aw__cc_pop(c, AW__VT_I32, &s));
            TRY(aw__cc_pop(c, AW__VT_I32, &d));
            TRY(EMIT(c, AW__OP_TABLE_COPY, x, y, d.slot, s.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 15: { /* table.grow */
            TRY(read_table(c, &x));
            vent n;
            TRY(aw__cc_pop(c, AW__VT_I32, &n));
            TRY(aw__cc_pop(c, m->tables[x].elem, &v));
            TRY(aw__cc_push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_TABLE_GROW, canon(c, c->vh - 1), x, v.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        case 256 + 16: /* table.size */
            TRY(read_table(c, &x));
            TRY(aw__cc_push(c, AW__VT_I32));
            TRY(EMIT(c, AW__OP_TABLE_SIZE, canon(c, c->vh - 1), x));
            c->last_dst = NONE32;
            break;
        case 256 + 17: { /* table.fill */
            TRY(read_table(c, &x));
            vent i, n;
            TRY(aw__cc_pop(c, AW__VT_I32, &n));
            TRY(aw__cc_pop(c, m->tables[x].elem, &v));
            TRY(aw__cc_pop(c, AW__VT_I32, &i));
            TRY(EMIT(c, AW__OP_TABLE_FILL, x, i.slot, v.slot, n.slot));
            c->last_dst = NONE32;
            break;
        }
        default:
            return RD_MALFORMED(r, "illegal opcode 0x%02x", b);
        }
    }
}
