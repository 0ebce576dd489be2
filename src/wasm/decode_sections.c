/* Decoding of the type, import, function, table, memory, global, export and
 * start sections. */
#include "wasm/reader.h"

#include "base/alloc.h"

#define NEW_ARRAY(ptr, n) ((ptr) = aw__calloc((n) ? (n) : 1, sizeof *(ptr)))
#define OOM(r) RD_FAIL(r, AW_NO_MEMORY, "out of memory")

aw_status aw__read_valtype(aw__reader *r, aw__vt *out) {
    uint8_t b;
    RD_TRY(rd_u8(r, &b));
    switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x70: case 0x6F: *out = b; return AW_OK;
    case 0x7B: r->p--; return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature SIMD (v128) at offset %llu", (unsigned long long)rd_off(r));
    case 0x64: case 0x63: case 0x6E: case 0x6D: case 0x6C: case 0x6B: case 0x6A: case 0x69: case 0x71: case 0x72: case 0x73:
        r->p--; return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature GC (reference type 0x%02x) at offset %llu", b, (unsigned long long)rd_off(r));
    default: r->p--; return RD_MALFORMED(r, "malformed value type 0x%02x", b);
    }
}

aw_status aw__read_reftype(aw__reader *r, aw__vt *out) {
    RD_TRY(aw__read_valtype(r, out));
    if (*out != AW__VT_FUNCREF && *out != AW__VT_EXTERNREF) {
        r->p--;
        return RD_MALFORMED(r, "malformed reference type");
    }
    return AW_OK;
}

aw_status aw__read_limits(aw__reader *r, aw__limits *out, uint64_t cap, const char *what) {
    uint8_t flags;
    RD_TRY(rd_u8(r, &flags));
    if (flags == 2 || flags == 3) {
        r->p--;
        return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature threads (shared %s) at offset %llu", what, (unsigned long long)rd_off(r));
    }
    if (flags >= 4 && flags <= 7) {
        r->p--;
        return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature memory64 at offset %llu", (unsigned long long)rd_off(r));
    }
    if (flags > 1) {
        r->p--;
        return RD_MALFORMED(r, "integer too large (limits flags)");
    }
    uint32_t v;
    uint64_t at = rd_off(r);
    RD_TRY(rd_u32(r, &v));
    out->min = v;
    out->has_max = flags == 1;
    out->max = 0;
    if (out->has_max) {
        RD_TRY(rd_u32(r, &v));
        out->max = v;
    }
    if (out->min > cap)
        return aw__error_at(r->err, AW_INVALID_MODULE, at, "%s size must be at most %llu", what, (unsigned long long)cap);
    if (out->has_max && out->max > cap)
        return aw__error_at(r->err, AW_INVALID_MODULE, at, "%s size must be at most %llu", what, (unsigned long long)cap);
    if (out->has_max && out->max < out->min)
        return aw__error_at(r->err, AW_INVALID_MODULE, at, "size minimum must not be greater than maximum");
    return AW_OK;
}

char *aw__name_copy(const uint8_t *s, uint32_t len) {
    char *c = aw__malloc((size_t)len + 1);
    if (!c) return NULL;
    memcpy(c, s, len);
    c[len] = '\0';
    return c;
}

/* The index spaces: imports first, then n defined entries. Called by the
 * defining section, or with n = 0 when the section is absent. */
aw_status aw__space_funcs(aw_module *m, uint32_t n) {
    uint32_t total = m->func_import_count + n;
    if (!NEW_ARRAY(m->funcs, total)) return AW_NO_MEMORY;
    m->func_count = total;
    if (!(m->func_declared = aw__calloc(total ? total : 1, 1))) return AW_NO_MEMORY;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->import_count; i++) {
        if (m->imports[i].kind != AW_EXTERN_FUNC) continue;
        m->funcs[k].type = m->imports[i].index;
        m->funcs[k].ft = &m->types[m->imports[i].index];
        m->funcs[k].nparams = m->funcs[k].ft->nparams;
        k++;
    }
    return AW_OK;
}

aw_status aw__space_tables(aw_module *m, uint32_t n) {
    uint32_t total = m->table_import_count + n;
    if (!NEW_ARRAY(m->tables, total)) return AW_NO_MEMORY;
    m->table_count = total;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == AW_EXTERN_TABLE) m->tables[k++] = m->imports[i].table;
    return AW_OK;
}

aw_status aw__space_mems(aw_module *m, uint32_t n) {
    uint32_t total = m->mem_import_count + n;
    if (!NEW_ARRAY(m->mems, total)) return AW_NO_MEMORY;
    m->mem_count = total;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == AW_EXTERN_MEMORY) m->mems[k++] = m->imports[i].mem;
    return AW_OK;
}

aw_status aw__space_globals(aw_module *m, uint32_t n) {
    uint32_t total = m->global_import_count + n;
    if (!NEW_ARRAY(m->globals, total)) return AW_NO_MEMORY;
    m->global_count = total;
    if (!NEW_ARRAY(m->global_inits, n)) return AW_NO_MEMORY;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == AW_EXTERN_GLOBAL) m->globals[k++] = m->imports[i].global;
    return AW_OK;
}

static uint64_t type_hash(const aw__type *t) {
    uint64_t h = 1469598103934665603ull ^ t->nparams;
    for (uint32_t i = 0; i < t->nparams + t->nresults; i++) h = (h ^ t->vt[i]) * 1099511628211ull;
    return h ^ ((uint64_t)t->nresults << 40);
}

aw_status aw__decode_types(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many types");
    if (!NEW_ARRAY(m->types, n)) return OOM(r);
    m->type_count = n;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t form;
        RD_TRY(rd_u8(r, &form));
        if (form == 0x5E || form == 0x5F || form == 0x50 || form == 0x4F || form == 0x4E) {
            r->p--;
            return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature GC (type form 0x%02x) at offset %llu", form, (unsigned long long)rd_off(r));
        }
        if (form != 0x60) {
            r->p--;
            return RD_MALFORMED(r, "integer representation too long (malformed function type 0x%02x)", form);
        }
        uint32_t np, nr;
        const uint8_t *pstart;
        RD_TRY(rd_u32(r, &np));
        if (np > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many params");
        pstart = r->p;
        r->p += np;
        RD_TRY(rd_u32(r, &nr));
        if (nr > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many results");
        aw__type *t = &m->types[i];
        uint32_t total = np + nr;
        t->vt = aw__malloc(total ? total : 1);
        t->pub = aw__malloc((total ? total : 1) * sizeof(aw_valtype));
        (void)0;
        t->nparams = np;
        t->nresults = nr;
        if (!t->vt || !t->pub) return OOM(r);
        const uint8_t *rest = r->p;
        aw__reader pr = {r->base, pstart, pstart + np, r->err};
        for (uint32_t k = 0; k < np; k++) RD_TRY(aw__read_valtype(&pr, &t->vt[k]));
        for (uint32_t k = 0; k < nr; k++) RD_TRY(aw__read_valtype(r, &t->vt[np + k]));
        (void)rest;
        for (uint32_t k = 0; k < total; k++) t->pub[k] = (aw_valtype)t->vt[k];
        t->hash = type_hash(t);
        t->canon = i;
        for (uint32_t k = 0; k < i; k++) {
            if (m->types[k].hash == t->hash && aw__type_equal(&m->types[k], t)) {
                t->canon = k;
                break;
            }
        }
    }
    m->type_count = n;
    return AW_OK;
}

aw_status aw__decode_imports(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many imports");
    if (!NEW_ARRAY(m->imports, n)) return OOM(r);
    m->import_count = n;
    for (uint32_t i = 0; i < n; i++) {
        aw__import *im = &m->imports[i];
        const uint8_t *s;
        RD_TRY(aw__read_name(r, &s, &im->module_len));
        if (!(im->module = aw__name_copy(s, im->module_len))) return OOM(r);
        RD_TRY(aw__read_name(r, &s, &im->name_len));
        if (!(im->name = aw__name_copy(s, im->name_len))) return OOM(r);
        uint8_t kind;
        RD_TRY(rd_u8(r, &kind));
        switch (kind) {
        case 0:
            im->kind = AW_EXTERN_FUNC;
            RD_TRY(rd_u32(r, &im->index));
            if (im->index >= m->type_count) return RD_INVALID(r, "unknown type %u", im->index);
            m->func_import_count++;
            break;
        case 1:
            im->kind = AW_EXTERN_TABLE;
            RD_TRY(aw__read_reftype(r, &im->table.elem));
            RD_TRY(aw__read_limits(r, &im->table.limits, UINT32_MAX, "table"));
            m->table_import_count++;
            break;
        case 2:
            im->kind = AW_EXTERN_MEMORY;
            RD_TRY(aw__read_limits(r, &im->mem, 65536, "memory"));
            m->mem_import_count++;
            if (m->mem_import_count > 1) return RD_INVALID(r, "multiple memories");
            break;
        case 3: {
            im->kind = AW_EXTERN_GLOBAL;
            RD_TRY(aw__read_valtype(r, &im->global.vt));
            uint8_t mut;
            RD_TRY(rd_u8(r, &mut));
            if (mut > 1) return RD_MALFORMED(r, "malformed mutability");
            im->global.mut = mut;
            m->global_import_count++;
            break;
        }
        case 4:
            r->p--;
            return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature exceptions (tag import) at offset %llu", (unsigned long long)rd_off(r));
        default:
            r->p--;
            return RD_MALFORMED(r, "malformed import kind %u", kind);
        }
    }
    return AW_OK;
}

aw_status aw__decode_functions(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many functions");
    if (aw__space_funcs(m, n) != AW_OK) return OOM(r);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t;
        RD_TRY(rd_u32(r, &t));
        if (t >= m->type_count) return RD_INVALID(r, "unknown type %u", t);
        m->funcs[m->func_import_count + i].type = t;
        m->funcs[m->func_import_count + i].ft = &m->types[t];
    }
    return AW_OK;
}

aw_status aw__decode_tables(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many tables");
    if (aw__space_tables(m, n) != AW_OK) return OOM(r);
    for (uint32_t i = 0; i < n; i++) {
        aw__table_type *t = &m->tables[m->table_import_count + i];
        if (r->p < r->end && *r->p == 0x40)
            return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature function-references (table initializer) at offset %llu", (unsigned long long)rd_off(r));
        RD_TRY(aw__read_reftype(r, &t->elem));
        RD_TRY(aw__read_limits(r, &t->limits, UINT32_MAX, "table"));
    }
    return AW_OK;
}

aw_status aw__decode_memories(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many memories");
    if (m->mem_import_count + n > 1) return RD_INVALID(r, "multiple memories");
    if (aw__space_mems(m, n) != AW_OK) return OOM(r);
    for (uint32_t i = 0; i < n; i++)
        RD_TRY(aw__read_limits(r, &m->mems[m->mem_import_count + i], 65536, "memory"));
    return AW_OK;
}

aw_status aw__decode_globals(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many globals");
    if (aw__space_globals(m, n) != AW_OK) return OOM(r);
    for (uint32_t i = 0; i < n; i++) {
        aw__global_type *g = &m->globals[m->global_import_count + i];
        RD_TRY(aw__read_valtype(r, &g->vt));
        uint8_t mut;
        RD_TRY(rd_u8(r, &mut));
        if (mut > 1) {
            r->p--;
            return RD_MALFORMED(r, "malformed mutability");
        }
        g->mut = mut;
        RD_TRY(aw__decode_const(m, r, g->vt, &m->global_inits[i]));
    }
    return AW_OK;
}

aw_status aw__decode_exports(aw_module *m, aw__reader *r) {
    uint32_t n;
    RD_TRY(rd_u32(r, &n));
    if (n > (size_t)(r->end - r->p)) return RD_MALFORMED(r, "unexpected end: too many exports");
    if (!NEW_ARRAY(m->exports, n)) return OOM(r);
    m->export_count = n;
    for (uint32_t i = 0; i < n; i++) {
        aw__export *ex = &m->exports[i];
        const uint8_t *s;
        uint64_t at = rd_off(r);
        RD_TRY(aw__read_name(r, &s, &ex->name_len));
        if (!(ex->name = aw__name_copy(s, ex->name_len))) return OOM(r);
        for (uint32_t k = 0; k < i; k++) {
            if (m->exports[k].name_len == ex->name_len && memcmp(m->exports[k].name, s, ex->name_len) == 0)
                return aw__error_at(r->err, AW_INVALID_MODULE, at, "duplicate export name");
        }
        uint8_t kind;
        RD_TRY(rd_u8(r, &kind));
        RD_TRY(rd_u32(r, &ex->index));
        uint32_t limit;
        const char *what;
        switch (kind) {
        case 0: ex->kind = AW_EXTERN_FUNC; limit = m->func_count; what = "function"; break;
        case 1: ex->kind = AW_EXTERN_TABLE; limit = m->table_count; what = "table"; break;
        case 2: ex->kind = AW_EXTERN_MEMORY; limit = m->mem_count; what = "memory"; break;
        case 3: ex->kind = AW_EXTERN_GLOBAL; limit = m->global_count; what = "global"; break;
        case 4: return RD_FAIL(r, AW_UNSUPPORTED, "unsupported feature exceptions (tag export) at offset %llu", (unsigned long long)rd_off(r));
        default: return RD_MALFORMED(r, "malformed export kind %u", kind);
        }
        if (ex->index >= limit) return RD_INVALID(r, "unknown %s %u", what, ex->index);
        if (ex->kind == AW_EXTERN_FUNC) m->func_declared[ex->index] = 1;
    }
    return AW_OK;
}

aw_status aw__decode_start(aw_module *m, aw__reader *r) {
    RD_TRY(rd_u32(r, &m->start));
    m->has_start = true;
    if (m->start >= m->func_count) return RD_INVALID(r, "unknown function %u", m->start);
    return AW_OK;
}
