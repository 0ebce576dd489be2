/* Decoding of constant expressions, element and data segments, and the code
 * section (whose bodies go to the compiler). */
#include "wasm/reader.h"

#include "base/alloc.h"

#define OOM(r) RD_FAIL(r, AW_NO_MEMORY, "out of memory")

aw_status aw__decode_const(aw_module *m, aw__reader *r, aw__vt want, aw__const *out) {
    uint8_t op;
    aw__vt got;
    memset(out, 0, sizeof *out);
    uint64_t at = rd_off(r);
    RD_TRY(rd_u8(r, &op));
    switch (op) {
    case 0x41: {
        int64_t v;
        RD_TRY(rd_sleb(r, 32, &v));
        out->bits = (uint32_t)v;
        got = AW__VT_I32;
        break;
    }
    case 0x42: {
        int64_t v;
        RD_TRY(rd_sleb(r, 64, &v));
        out->bits = (uint64_t)v;
        got = AW__VT_I64;
        break;
    }
    case 0x43: {
        const uint8_t *b;
        uint32_t v;
        RD_TRY(rd_bytes(r, 4, &b));
        memcpy(&v, b, 4);
        out->bits = v;
        got = AW__VT_F32;
        break;
    }
    case 0x44: {
        const uint8_t *b;
        RD_TRY(rd_bytes(r, 8, &b));
        memcpy(&out->bits, b, 8);
        got = AW__VT_F64;
        break;
    }
    case 0x23: {
        uint32_t g;
        RD_TRY(rd_u32(r, &g));
        /* Wasm 2.0: only imported globals, and only immutable ones */
        if (g >= m->global_import_count || !m->globals)
            return RD_INVALID(r, "unknown global %u (constant expressions may only read imported globals)", g);
        if (m->globals[g].mut) return RD_INVALID(r, "constant expression required (global %u is mutable)", g);
        out->kind = AW__CONST_GLOBAL;
        out->index = g;
        got = m->globals[g].vt;
        break;
    }
    case 0xD0: {
        RD_TRY(aw__read_reftype(r, &got));
        out->kind = AW__CONST_NULL;
        break;
    }
    case 0xD2: {
        uint32_t f;
        RD_TRY(rd_u32(r, &f));
        if (f >= m->func_count) return RD_INVALID(r, "unknown function %u", f);
        m->func_declared[f] = 1;
        out->kind = AW__CONST_FUNC;
        out->index = f;
        got = AW__VT_FUNCREF;
        break;
    }
    case 0x0B:
        r->p--;
        return RD_INVALID(r, "type mismatch: constant expression is empty");
    default:
        r->p--;
        return aw__error_at(r->err, AW_INVALID_MODULE, at, "constant expression required (opcode 0x%02x)", op);
    }
    uint8_t end;
    RD_TRY(rd_u8(r, &end));
    if (end != 0x0B) {
        r->p--;
        if (end == 0x41 || end == 0x42 || end == 0x43 || end == 0x44 || end == 0x23 || end == 0xD0 || end == 0xD2)
            return RD_INVALID(r, "type mismatch: constant expression leaves more than one value");
        return RD_INVALID(r, "constant expression required (opcode 0x%02x)", end);
    }
    if (got != want)
        return aw__error_at(r->err, AW_INVALID_MODULE, at, "type mismatch: constant expression is %s, expected %s",
                            aw__vt_name(got), aw__vt_name(want));
    return AW_OK;
}

aw_status aw__decode_elems(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many segments");
    m->elems = aw__calloc(n ? n : 1, sizeof(aw__elem));
    if (!m->elems) return OOM(r);
    m->elem_count = n;
    for (uint32_t i = 0; i < n; i++) {
        aw__elem *e = &m->elems[i];
        uint32_t flags;
        uint64_t at = rd_off(r);
        RD_TRY(rd_u32(r, &flags));
        if (flags > 7) return aw__error_at(r->err, AW_MALFORMED, at, "malformed elements segment kind %u", flags);
        e->type = AW__VT_FUNCREF;
        e->mode = (flags & 1) ? ((flags & 2) ? AW__SEG_DECLARATIVE : AW__SEG_PASSIVE) : AW__SEG_ACTIVE;
        if (e->mode == AW__SEG_ACTIVE) {
            if (flags & 2) RD_TRY(rd_u32(r, &e->table));
            RD_TRY(aw__decode_const(m, r, AW__VT_I32, &e->offset));
        }
        bool exprs = (flags & 4) != 0;
        if (flags & 3) {
            if (exprs) {
                RD_TRY(aw__read_reftype(r, &e->type));
            } else {
                uint8_t kind;
                RD_TRY(rd_u8(r, &kind));
                if (kind != 0) return RD_MALFORMED(r, "malformed element kind %u", kind);
            }
        }
        uint32_t count;
        RD_TRY(rd_u32(r, &count));
        if (count > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many elements");
        e->items = aw__calloc(count ? count : 1, sizeof(aw__const));
        if (!e->items) return OOM(r);
        e->count = count;
        for (uint32_t k = 0; k < count; k++) {
            if (exprs) {
                RD_TRY(aw__decode_const(m, r, e->type, &e->items[k]));
            } else {
                uint32_t f;
                RD_TRY(rd_u32(r, &f));
                if (f >= m->func_count) return RD_INVALID(r, "unknown function %u", f);
                m->func_declared[f] = 1;
                e->items[k].kind = AW__CONST_FUNC;
                e->items[k].index = f;
            }
        }
        if (e->mode == AW__SEG_ACTIVE) {
            if (e->table >= m->table_count) return aw__error_at(r->err, AW_INVALID_MODULE, at, "unknown table %u", e->table);
            if (m->tables[e->table].elem != e->type)
                return aw__error_at(r->err, AW_INVALID_MODULE, at, "type mismatch: element segment of %s for table of %s",
                                    aw__vt_name(e->type), aw__vt_name(m->tables[e->table].elem));
        }
    }
    return AW_OK;
}

aw_status aw__decode_datas(aw_module *m, aw__reader *r) {
    uint32_t n;
    uint64_t at = rd_off(r);
    RD_TRY(rd_u32(r, &n));
    if (m->has_data_count && n != m->data_count)
        return aw__error_at(r->err, AW_MALFORMED, at, "data count and data section have inconsistent lengths");
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many segments");
    m->datas = aw__calloc(n ? n : 1, sizeof(aw__data));
    if (!m->datas) return OOM(r);
    m->data_alloc = n;
    m->data_count = n;
    for (uint32_t i = 0; i < n; i++) {
        aw__data *d = &m->datas[i];
        uint32_t flags;
        at = rd_off(r);
        RD_TRY(rd_u32(r, &flags));
        if (flags > 2) return aw__error_at(r->err, AW_MALFORMED, at, "malformed data segment kind %u", flags);
        d->mode = flags == 1 ? AW__SEG_PASSIVE : AW__SEG_ACTIVE;
        if (flags == 2) RD_TRY(rd_u32(r, &d->memory));
        if (d->mode == AW__SEG_ACTIVE) {
            if (d->memory >= m->mem_count) return aw__error_at(r->err, AW_INVALID_MODULE, at, "unknown memory %u", d->memory);
            RD_TRY(aw__decode_const(m, r, AW__VT_I32, &d->offset));
        }
        RD_TRY(rd_u32(r, &d->len));
        RD_TRY(rd_bytes(r, d->len, &d->bytes));
    }
    return AW_OK;
}

aw_status aw__decode_code(aw_module *m, aw__reader *r) {
    uint32_t n;
    uint64_t at = rd_off(r);
    RD_TRY(rd_u32(r, &n));
    if (n != m->func_count - m->func_import_count)
        return aw__error_at(r->err, AW_MALFORMED, at, "function and code section have inconsistent lengths");
    for (uint32_t i = 0; i < n; i++) {
        uint32_t size;
        RD_TRY(rd_u32(r, &size));
        const uint8_t *body;
        RD_TRY(rd_bytes(r, size, &body));
        aw__reader br = {r->base, body, body + size, r->err};
        uint32_t fi = m->func_import_count + i;
        m->funcs[fi].body_offset = (uint32_t)(body - r->base);
        m->funcs[fi].body_len = size;
        RD_TRY(aw__compile_func(m, fi, &br));
    }
    return AW_OK;
}
