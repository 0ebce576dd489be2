/* The generic instruction of the function-body compiler: an operator with
 * its operands and result (opinfo.c says which), and the fusions that fold
 * constants, compares, address adds and the instruction before it into one
 * compiled instruction. Split from compile_ops.c (the instruction loop). */
#include "wasm/compile_internal.h"

/* Where the instruction that just computed the top value into its
 * canonical slot starts (NONE32 when the top is anything else): a consumer
 * may absorb it. */
uint32_t aw__cc_fresh_top(const cc *c) {
    if (dead(c) || c->last_dst == NONE32 || c->last_end != here(c) || c->vh == 0) return NONE32;
    const vent *v = &c->vs[c->vh - 1];
    if (c->last_h != c->vh - 1 || v->k || v->slot != canon(c, c->vh - 1)) return NONE32;
    return c->last_start;
}

aw_status aw__cc_op_generic(cc *c, const aw__opinfo *oi) {
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
    /* i32.eqz of the value the last instruction just computed */
    uint32_t eqz_of = NONE32;
    if (op == AW__OP_I32_EQZ && c->last_dst != NONE32 && c->last_end == here(c) && c->vh > 0 &&
        c->last_h == c->vh - 1 && !c->vs[c->vh - 1].k && c->vs[c->vh - 1].slot == canon(c, c->vh - 1))
        eqz_of = c->last_start;
    /* i32.store to a constant address of an i32.add just computed */
    uint32_t sum_at = NONE32;
    if (op == AW__OP_I32_STORE) {
        sum_at = aw__cc_fresh_top(c);
        if (sum_at != NONE32 && c->m->code[sum_at] != AW__OP_I32_ADD && c->m->code[sum_at] != AW__OP_I32_ADD_LK &&
            c->m->code[sum_at] != AW__OP_I32_ADD_I && c->m->code[sum_at] != AW__OP_I32_LOAD_AK)
            sum_at = NONE32;
    } else if (op == AW__OP_I64_STORE) {
        sum_at = aw__cc_fresh_top(c);
        if (sum_at != NONE32 && c->m->code[sum_at] != AW__OP_I64_ADD_I && c->m->code[sum_at] != AW__OP_I64_LOAD_AK)
            sum_at = NONE32;
    }
    /* i32.add of a value loaded from a constant address by the instruction
     * just emitted (a C global): one instruction (lk_top: it is the second
     * operand; else the first, the second being a pending local read) */
    uint32_t lk_at = NONE32, lk_end = 0;
    bool lk_top = false;
    if (op == AW__OP_I32_ADD && c->last_dst != NONE32 && c->last_end == here(c) && c->vh >= 2 &&
        c->m->code[c->last_start] == AW__OP_I32_LOAD_AK) {
        uint32_t h = c->last_h;
        const vent *top = &c->vs[c->vh - 1];
        if (h == c->vh - 1 && !top->k && top->slot == canon(c, h)) {
            lk_at = c->last_start;
            lk_top = true;
        } else if (h == c->vh - 2 && !c->vs[h].k && c->vs[h].slot == canon(c, h) && !top->k &&
                   top->slot != canon(c, c->vh - 1)) {
            lk_at = c->last_start;
        }
        lk_end = here(c);
    }
    /* a store's constant value stays pending until the address form is
     * known: most take it as an immediate */
    bool vpend = false, vimm = false;
    uint32_t hb = 0;
    if (oi->p2) {
        TRY(aw__cc_pop_any(c, oi->p2, &b));
        if (mem && b.k) {
            vpend = true;
            hb = c->vh;
            vimm = oi->p2 == AW__VT_I32 || oi->p2 == AW__VT_F32 || oi->kind != AW__K_M8 ||
                   (int64_t)b.kv == (int64_t)(int32_t)(uint32_t)b.kv;
        } else if (b.k && !mem && aw__op_imm[op] &&
            (oi->p2 == AW__VT_I32 || (int64_t)b.kv == (int64_t)(int32_t)(uint32_t)b.kv)) {
            op = aw__op_imm[op];
            b.slot = (uint32_t)b.kv; /* the immediate takes the operand's word */
        } else {
            TRY(aw__cc_materialize(c, &b, c->vh));
        }
    }
    /* the address was computed by the i32.add just emitted: fuse it (not
     * with a pending constant value: its slot may hold the add's operand) */
    uint32_t fuse_at = NONE32;
    if (mem && !vpend && c->last_dst != NONE32 && c->last_end == here(c) && c->last_h == c->vh - 1 &&
        !c->vs[c->vh - 1].k && c->vs[c->vh - 1].slot == canon(c, c->vh - 1)) {
        uint32_t prev = c->m->code[c->last_start];
        if (prev == AW__OP_I32_ADD || prev == AW__OP_I32_ADD_I) fuse_at = c->last_start;
    }
    if (oi->p1) {
        TRY(aw__cc_pop_any(c, oi->p1, &a));
        /* a constant address (clang's `i32.const 0; i32.load offset=X` for
         * globals in memory): the effective address is known now, and when
         * the access lies inside the declared minimum memory it cannot fail */
        uint64_t width = oi->kind == AW__K_M1 ? 1 : oi->kind == AW__K_M2 ? 2 : oi->kind == AW__K_M4 ? 4 : 8;
        if (mem && a.k && (uint64_t)(uint32_t)a.kv + offset + width <= c->m->mems[0].min * 65536u) {
            uint32_t ea = (uint32_t)a.kv + offset;
            c->last_dst = NONE32;
            if (oi->r) {
                TRY(aw__cc_push(c, oi->r));
                uint32_t dst = canon(c, c->vh - 1);
                uint32_t start = here(c);
                TRY(EMIT(c, aw__op_addr_const[op], dst, ea));
                if (!dead(c)) {
                    c->last_dst = start + 1;
                    c->last_end = here(c);
                    c->last_h = c->vh - 1;
                    c->last_start = start;
                }
                return AW_OK;
            }
            if (vimm) return EMIT(c, aw__op_store_imm_const[op], (uint32_t)b.kv, ea);
            if (sum_at != NONE32 && here(c) == sum_at + 3 && !dead(c) &&
                (c->m->code[sum_at] == AW__OP_I32_LOAD_AK || c->m->code[sum_at] == AW__OP_I64_LOAD_AK)) {
                /* a value loaded from a constant address just before: a
                 * move between two C globals */
                bool i64 = c->m->code[sum_at] == AW__OP_I64_LOAD_AK;
                uint32_t src = c->m->code[sum_at + 2];
                truncate_code(c, sum_at);
                return EMIT(c, i64 ? AW__OP_I64_MOVE_AK : AW__OP_I32_MOVE_AK, ea, src);
            }
            if (sum_at != NONE32 && here(c) == sum_at + 4 && !dead(c)) {
                const uint32_t *sw = c->m->code + sum_at;
                uint32_t sop = sw[0], x = sw[2], y = sw[3];
                if (sop == AW__OP_I32_ADD_LK && y == ea) {
                    truncate_code(c, sum_at);
                    return EMIT(c, AW__OP_I32_ADD_TO_AK, x, ea);
                }
                if (sop == AW__OP_I32_ADD) {
                    truncate_code(c, sum_at);
                    return EMIT(c, AW__OP_I32_STORE_ADD_AK, x, y, ea);
                }
                if (sop == AW__OP_I32_ADD_I || sop == AW__OP_I64_ADD_I) {
                    bool i64 = sop == AW__OP_I64_ADD_I;
                    uint32_t l = c->inc_load;
                    /* the add of the value loaded from ea itself: x += imm */
                    bool inc = c->inc_add == sum_at && l != NONE32 && l + 3 == sum_at && c->m->code[l + 2] == ea;
                    truncate_code(c, inc ? l : sum_at);
                    if (inc) return EMIT(c, i64 ? AW__OP_I64_INC_AK : AW__OP_I32_INC_AK, y, ea);
                    return EMIT(c, i64 ? AW__OP_I64_STORE_ADDI_AK : AW__OP_I32_STORE_ADDI_AK, x, y, ea);
                }
                /* an add of another global: keep it */
            }
            if (vpend) TRY(aw__cc_materialize(c, &b, hb));
            return EMIT(c, aw__op_addr_const[op], b.slot, ea);
        }
        if (a.k && !mem && oi->p2 && op == oi->op && aw__op_swap_imm[op] &&
            (oi->p1 == AW__VT_I32 || (int64_t)a.kv == (int64_t)(int32_t)(uint32_t)a.kv)) {
            /* a constant first operand: the swapped immediate form */
            op = aw__op_swap_imm[op];
            a.k = false;
            a.slot = b.slot;
            b.slot = (uint32_t)a.kv;
        }
        TRY(aw__cc_materialize(c, &a, c->vh));
    }
    if (fuse_at != NONE32 && !dead(c)) {
        const uint32_t *pw = c->m->code + fuse_at;
        uint32_t x = pw[2], y = pw[3];
        bool imm = pw[0] == AW__OP_I32_ADD_I;
        truncate_code(c, fuse_at);
        c->last_dst = NONE32;
        uint32_t fw[6];
        uint32_t fn = 0;
        fw[fn++] = imm ? aw__op_addr_imm[op] : aw__op_addr_reg[op];
        if (oi->r) {
            TRY(aw__cc_push(c, oi->r));
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
        TRY(aw__cc_push(c, oi->r));
        c->vs[c->vh - 1].slot = a.slot; /* same bits, new type: no code */
        return AW_OK;
    }
    if (lk_at != NONE32 && op == AW__OP_I32_ADD && here(c) == lk_end && !dead(c)) {
        uint32_t ea = c->m->code[lk_at + 2], other = lk_top ? a.slot : b.slot;
        truncate_code(c, lk_at);
        c->last_dst = NONE32;
        op = AW__OP_I32_ADD_LK;
        a.slot = other;
        b.slot = ea;
    }
    if (vimm) {
        op = aw__op_store_imm[op];
        b.slot = (uint32_t)b.kv; /* the immediate takes the value's word */
    } else if (vpend) {
        TRY(aw__cc_materialize(c, &b, hb));
    }
    uint32_t w[5];
    uint32_t n = 0;
    w[n++] = op;
    uint32_t dst_word = NONE32;
    if (oi->r) {
        TRY(aw__cc_push(c, oi->r));
        dst_word = n;
        w[n++] = canon(c, c->vh - 1);
    }
    if (oi->p1) w[n++] = a.slot;
    if (oi->p2) w[n++] = b.slot;
    if (mem) w[n++] = offset;
    if (dead(c)) return AW_OK;
    uint32_t start = here(c);
    if (op == AW__OP_I32_ADD_I || op == AW__OP_I64_ADD_I) {
        /* its operand loaded from a constant address into a stack slot by
         * the instruction right before (not into a local: that one stays) */
        uint32_t lop = op == AW__OP_I32_ADD_I ? AW__OP_I32_LOAD_AK : AW__OP_I64_LOAD_AK;
        bool from_load = c->last_dst != NONE32 && c->last_end == start && c->m->code[c->last_start] == lop &&
                         c->last_dst == c->last_start + 1 && c->m->code[c->last_dst] == a.slot &&
                         a.slot >= c->nlocals;
        c->inc_add = start;
        c->inc_load = from_load ? c->last_start : NONE32;
    }
    TRY(emitn(c, n, w));
    if (dst_word != NONE32) {
        c->last_dst = start + dst_word;
        c->last_end = here(c);
        c->last_h = c->vh - 1;
        c->last_start = start;
    }
    if (op == AW__OP_I32_EQZ) {
        c->eqz_at = start;
        c->eqz_of = eqz_of;
    }
    if (op == AW__OP_I32_ADD_I) c->addi_at = start;
    return AW_OK;
}
