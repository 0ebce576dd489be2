/* Module decoding: header, section order and sizes, module lifetime and the
 * import/export description API. */
#include "wasm/compile.h"
#include "wasm/reader.h"

#include "base/alloc.h"

#include <stdatomic.h>

aw_status aw__read_name(aw__reader *r, const uint8_t **s, uint32_t *len) {
    RD_TRY(rd_u32(r, len));
    RD_TRY(rd_bytes(r, *len, s));
    /* UTF-8 validation: the spec requires well-formed names */
    const uint8_t *p = *s, *e = *s + *len;
    while (p < e) {
        uint8_t c = *p;
        uint32_t need, cp;
        if (c < 0x80) { p++; continue; }
        if ((c & 0xE0) == 0xC0) { need = 1; cp = c & 0x1Fu; }
        else if ((c & 0xF0) == 0xE0) { need = 2; cp = c & 0x0Fu; }
        else if ((c & 0xF8) == 0xF0) { need = 3; cp = c & 0x07u; }
        else return RD_MALFORMED(r, "malformed UTF-8 encoding");
        if ((uint32_t)(e - p) <= need) return RD_MALFORMED(r, "malformed UTF-8 encoding");
        for (uint32_t i = 1; i <= need; i++) {
            if ((p[i] & 0xC0) != 0x80) return RD_MALFORMED(r, "malformed UTF-8 encoding");
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return RD_MALFORMED(r, "malformed UTF-8 encoding");
        p += need + 1;
    }
    return AW_OK;
}

/* Section ids in the order they must appear (data count sits before code). */
static int section_rank(uint8_t id) {
    static const int rank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return id <= 12 ? rank[id] : -1;
}

/* Allocates the index spaces whose defining section was skipped. */
static aw_status ensure_spaces(aw_module *m, int rank, aw__reader *r) {
    aw_status st = AW_OK;
    if (rank > 3 && !m->funcs) st = aw__space_funcs(m, 0);
    if (st == AW_OK && rank > 4 && !m->tables) st = aw__space_tables(m, 0);
    if (st == AW_OK && rank > 5 && !m->mems) st = aw__space_mems(m, 0);
    if (st == AW_OK && rank > 6 && !m->globals) st = aw__space_globals(m, 0);
    if (st != AW_OK) return RD_FAIL(r, AW_NO_MEMORY, "out of memory");
    return AW_OK;
}

aw_status aw__decode_module(aw_module *m, aw_error *err) {
    aw__reader r = {m->binary, m->binary, m->binary + m->binary_len, err};
    static const uint8_t magic[4] = {0, 'a', 's', 'm'};
    if (m->binary_len < 4 || memcmp(m->binary, magic, 4) != 0)
        return RD_MALFORMED(&r, "magic header not detected");
    r.p += 4;
    if (m->binary_len < 8) return RD_MALFORMED(&r, "unexpected end: unknown binary version");
    static const uint8_t version[4] = {1, 0, 0, 0};
    if (memcmp(r.p, version, 4) != 0) return RD_MALFORMED(&r, "unknown binary version");
    r.p += 4;
    int last_rank = 0;
    bool seen_func = false, seen_code = false, seen_data = false;
    while (r.p < r.end) {
        uint8_t id;
        uint32_t size;
        const uint8_t *id_at = r.p;
        RD_TRY(rd_u8(&r, &id));
        int rank = section_rank(id);
        if (rank < 0) {
            r.p = id_at;
            return RD_MALFORMED(&r, "malformed section id %u", id);
        }
        RD_TRY(rd_u32(&r, &size));
        if ((size_t)(r.end - r.p) < size)
            return RD_MALFORMED(&r, "unexpected end: section size %u out of bounds", size);
        aw__reader s = {m->binary, r.p, r.p + size, err};
        r.p += size;
        if (id == 0) {
            const uint8_t *name;
            uint32_t len;
            RD_TRY(aw__read_name(&s, &name, &len));
            continue;
        }
        if (rank <= last_rank) {
            s.p = id_at;
            return RD_MALFORMED(&s, "unexpected content after last section or junk after last section (section %u out of order or repeated)", id);
        }
        last_rank = rank;
        RD_TRY(ensure_spaces(m, rank, &s));
        aw_status st;
        switch (id) {
        case 1: st = aw__decode_types(m, &s); break;
        case 2: st = aw__decode_imports(m, &s); break;
        case 3: st = aw__decode_functions(m, &s); seen_func = true; break;
        case 4: st = aw__decode_tables(m, &s); break;
        case 5: st = aw__decode_memories(m, &s); break;
        case 6: st = aw__decode_globals(m, &s); break;
        case 7: st = aw__decode_exports(m, &s); break;
        case 8: st = aw__decode_start(m, &s); break;
        case 9: st = aw__decode_elems(m, &s); break;
        case 10:
            seen_code = true;
            st = aw__decode_code(m, &s);
            break;
        case 11:
            seen_data = true;
            st = aw__decode_datas(m, &s);
            break;
        case 12:
            st = rd_u32(&s, &m->data_count);
            m->has_data_count = true;
            break;
        default: st = AW_INTERNAL; break;
        }
        if (st != AW_OK) return st;
        if (s.p != s.end) return RD_MALFORMED(&s, "section size mismatch (section %u)", id);
    }
    (void)seen_func;
    RD_TRY(ensure_spaces(m, 99, &r));
    uint32_t defined = m->func_count - m->func_import_count;
    if (!seen_code && defined != 0)
        return RD_MALFORMED(&r, "function and code section have inconsistent lengths");
    if (m->has_data_count && !seen_data && m->data_count != 0)
        return RD_MALFORMED(&r, "data count and data section have inconsistent lengths");
    if (m->has_start) {
        if (m->start >= m->func_count) return RD_INVALID(&r, "unknown function %u (start)", m->start);
        const aw__type *t = m->funcs[m->start].ft;
        if (t->nparams || t->nresults) return RD_INVALID(&r, "invalid start function: type must be [] -> []");
    }
    return AW_OK;
}

aw_status aw_module_create(const uint8_t *bytes, size_t len, aw_module **out, aw_error *err) {
    if (err) aw_error_clear(err);
    if (!out || (!bytes && len)) return aw__error_set(err, AW_INVALID_ARGUMENT, "null argument");
    *out = NULL;
    if (len > UINT32_MAX) return aw__error_set(err, AW_TOO_LARGE, "module larger than 4 GiB");
    aw_module *m = AW__NEW(aw_module);
    if (!m) return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    m->refcount = 1;
    m->binary = aw__malloc(len ? len : 1);
    if (!m->binary) {
        AW__DELETE(m);
        return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    }
    if (len) memcpy(m->binary, bytes, len);
    m->binary_len = len;
    aw_status st = aw__decode_module(m, err);
    if (st != AW_OK) {
        aw__module_free(m);
        return st;
    }
    aw__code_thread(m);
    *out = m;
    return AW_OK;
}

#define FREE_ARR(p, n) aw__free((p), ((n) ? (size_t)(n) : 1u) * sizeof *(p))

void aw__module_free(aw_module *m) {
    for (uint32_t i = 0; i < m->type_count; i++) {
        aw__type *t = &m->types[i];
        uint32_t n = t->nparams + t->nresults;
        aw__free(t->vt, n ? n : 1);
        aw__free(t->pub, (n ? n : 1) * sizeof(aw_valtype));
    }
    FREE_ARR(m->types, m->type_count);
    for (uint32_t i = 0; i < m->import_count; i++) {
        if (m->imports[i].module) aw__free(m->imports[i].module, (size_t)m->imports[i].module_len + 1);
        if (m->imports[i].name) aw__free(m->imports[i].name, (size_t)m->imports[i].name_len + 1);
    }
    FREE_ARR(m->imports, m->import_count);
    FREE_ARR(m->funcs, m->func_count);
    FREE_ARR(m->tables, m->table_count);
    FREE_ARR(m->mems, m->mem_count);
    FREE_ARR(m->globals, m->global_count);
    FREE_ARR(m->global_inits, m->global_count - m->global_import_count);
    for (uint32_t i = 0; i < m->export_count; i++)
        if (m->exports[i].name) aw__free(m->exports[i].name, (size_t)m->exports[i].name_len + 1);
    FREE_ARR(m->exports, m->export_count);
    for (uint32_t i = 0; i < m->elem_count; i++)
        FREE_ARR(m->elems[i].items, m->elems[i].count);
    FREE_ARR(m->elems, m->elem_count);
    FREE_ARR(m->datas, m->data_alloc);
    aw__free(m->func_declared, m->func_count ? m->func_count : 1);
    FREE_ARR(m->code, m->code_cap);
    aw__free(m->binary, m->binary_len ? m->binary_len : 1);
    AW__DELETE(m);
}

void aw_module_retain(aw_module *module) {
    if (module) atomic_fetch_add_explicit((_Atomic uint32_t *)&module->refcount, 1, memory_order_relaxed);
}

void aw_module_release(aw_module *module) {
    if (!module) return;
    /* release: our writes happen-before the free; acquire on the last drop
     * pairs with the other owners' releases */
    if (atomic_fetch_sub_explicit((_Atomic uint32_t *)&module->refcount, 1, memory_order_acq_rel) == 1)
        aw__module_free(module);
}

uint32_t aw_module_import_count(const aw_module *module) { return module ? module->import_count : 0; }
uint32_t aw_module_export_count(const aw_module *module) { return module ? module->export_count : 0; }

static void type_info(const aw_module *m, uint32_t type, aw_functype *out) {
    const aw__type *t = &m->types[type];
    out->params = t->pub;
    out->param_count = t->nparams;
    out->results = t->pub + t->nparams;
    out->result_count = t->nresults;
}

aw_status aw_module_import(const aw_module *module, uint32_t index, aw_extern_info *out) {
    if (!module || !out) return AW_INVALID_ARGUMENT;
    if (index >= module->import_count) return AW_NOT_FOUND;
    const aw__import *im = &module->imports[index];
    memset(out, 0, sizeof *out);
    out->module = im->module;
    out->module_len = im->module_len;
    out->name = im->name;
    out->name_len = im->name_len;
    out->kind = im->kind;
    if (im->kind == AW_EXTERN_FUNC) type_info(module, im->index, &out->type);
    return AW_OK;
}

aw_status aw_module_export(const aw_module *module, uint32_t index, aw_extern_info *out) {
    if (!module || !out) return AW_INVALID_ARGUMENT;
    if (index >= module->export_count) return AW_NOT_FOUND;
    const aw__export *ex = &module->exports[index];
    memset(out, 0, sizeof *out);
    out->name = ex->name;
    out->name_len = ex->name_len;
    out->kind = ex->kind;
    if (ex->kind == AW_EXTERN_FUNC) type_info(module, module->funcs[ex->index].type, &out->type);
    return AW_OK;
}

const char *aw__vt_name(aw__vt vt) {
    switch (vt) {
    case AW__VT_I32: return "i32";
    case AW__VT_I64: return "i64";
    case AW__VT_F32: return "f32";
    case AW__VT_F64: return "f64";
    case AW__VT_FUNCREF: return "funcref";
    case AW__VT_EXTERNREF: return "externref";
    default: return "?";
    }
}

const char *aw_valtype_name(aw_valtype type) {
    return aw__vt_name((aw__vt)type);
}

bool aw__type_equal(const aw__type *a, const aw__type *b) {
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           memcmp(a->vt, b->vt, a->nparams + a->nresults) == 0;
}
