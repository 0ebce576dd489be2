/* A bounds-checked reader of the sections of a wasm binary that describe its
 * interface (types, imports, functions, exports); see wasm_scan.h. */
#include "wasm_scan.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const uint8_t *p;
    const uint8_t *end;
    bool bad;
} reader;

static uint8_t read_byte(reader *r) {
    if (r->p >= r->end) {
        r->bad = true;
        return 0;
    }
    return *r->p++;
}

static uint32_t read_u32(reader *r) {
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        uint8_t b = read_byte(r);
        if (r->bad)
            return 0;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static void read_name(reader *r, char *out) {
    uint32_t n = read_u32(r);
    if (r->bad || n >= SCAN_MAX_NAME || n > (size_t)(r->end - r->p)) {
        r->bad = true;
        out[0] = 0;
        return;
    }
    memcpy(out, r->p, n);
    out[n] = 0;
    r->p += n;
}

static const char *valtype_name(uint8_t t) {
    switch (t) {
    case 0x7f: return "i32";
    case 0x7e: return "i64";
    case 0x7d: return "f32";
    case 0x7c: return "f64";
    case 0x7b: return "v128";
    case 0x70: return "funcref";
    case 0x6f: return "externref";
    default: return NULL;
    }
}

static void read_vals(reader *r, char *out, size_t cap) {
    uint32_t n = read_u32(r);
    size_t used = (size_t)snprintf(out, cap, "(");
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        const char *name = valtype_name(read_byte(r));
        if (!name || i >= SCAN_MAX_VALS) {
            r->bad = true;
            return;
        }
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "," : "", name);
    }
    snprintf(out + used, cap - used, ")");
}

static void skip_limits(reader *r) {
    uint8_t flags = read_byte(r);
    read_u32(r);
    if (flags & 1)
        read_u32(r);
}

int scan_module_parse(const uint8_t *bytes, size_t len, scan_module *out, char *err,
                      size_t errlen) {
    static const uint8_t header[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    memset(out, 0, sizeof *out);
    err[0] = 0;
    scan_sig *types = NULL;
    uint32_t type_count = 0, func_imports = 0;
    uint32_t *func_types = NULL, func_count = 0;
    if (len < 8 || memcmp(bytes, header, 8) != 0) {
        snprintf(err, errlen, "not a wasm 1 binary");
        return -1;
    }
    reader r = {bytes + 8, bytes + len, false};
    while (r.p < r.end && !r.bad) {
        uint8_t id = read_byte(&r);
        uint32_t size = read_u32(&r);
        if (r.bad || size > (size_t)(r.end - r.p)) {
            r.bad = true;
            break;
        }
        reader s = {r.p, r.p + size, false};
        r.p += size;
        if (id == 1) {
            type_count = read_u32(&s);
            if (type_count > size)
                s.bad = true;
            types = s.bad ? NULL : calloc(type_count + 1, sizeof *types);
            for (uint32_t i = 0; types && i < type_count && !s.bad; i++) {
                char params[SCAN_MAX_VALS * 8 + 4], results[SCAN_MAX_VALS * 8 + 4];
                if (read_byte(&s) != 0x60)
                    s.bad = true;
                read_vals(&s, params, sizeof params);
                read_vals(&s, results, sizeof results);
                snprintf(types[i].text, sizeof types[i].text, "%s->%s", params, results);
            }
        } else if (id == 2) {
            uint32_t n = read_u32(&s);
            if (n > size)
                s.bad = true;
            out->imports = s.bad ? NULL : calloc(n + 1, sizeof *out->imports);
            for (uint32_t i = 0; out->imports && i < n && !s.bad; i++) {
                scan_entry *e = &out->imports[i];
                read_name(&s, e->module);
                read_name(&s, e->name);
                e->kind = (scan_kind)read_byte(&s);
                switch (e->kind) {
                case SCAN_FUNC: {
                    uint32_t t = read_u32(&s);
                    if (t >= type_count || !types)
                        s.bad = true;
                    else
                        e->sig = types[t];
                    func_imports++;
                    break;
                }
                case SCAN_TABLE: read_byte(&s); skip_limits(&s); break;
                case SCAN_MEMORY: skip_limits(&s); break;
                case SCAN_GLOBAL: read_byte(&s); read_byte(&s); break;
                default: s.bad = true;
                }
                out->import_count = i + 1;
            }
        } else if (id == 3) {
            func_count = read_u32(&s);
            if (func_count > size)
                s.bad = true;
            func_types = s.bad ? NULL : calloc(func_count + 1, sizeof *func_types);
            for (uint32_t i = 0; func_types && i < func_count && !s.bad; i++)
                func_types[i] = read_u32(&s);
        } else if (id == 7) {
            uint32_t n = read_u32(&s);
            if (n > size)
                s.bad = true;
            out->exports = s.bad ? NULL : calloc(n + 1, sizeof *out->exports);
            for (uint32_t i = 0; out->exports && i < n && !s.bad; i++) {
                scan_entry *e = &out->exports[i];
                read_name(&s, e->name);
                e->kind = (scan_kind)read_byte(&s);
                uint32_t index = read_u32(&s);
                if (e->kind == SCAN_FUNC) {
                    /* Exports come after the function section, so its types
                     * are known; imported functions come first in the index
                     * space. */
                    if (index < func_imports) {
                        uint32_t k = 0;
                        for (size_t j = 0; j < out->import_count; j++)
                            if (out->imports[j].kind == SCAN_FUNC && k++ == index)
                                e->sig = out->imports[j].sig;
                    } else if (index - func_imports < func_count && func_types &&
                               func_types[index - func_imports] < type_count) {
                        e->sig = types[func_types[index - func_imports]];
                    } else {
                        s.bad = true;
                    }
                } else if (e->kind > SCAN_GLOBAL) {
                    s.bad = true;
                }
                out->export_count = i + 1;
            }
        }
        if (s.bad) {
            r.bad = true;
            snprintf(err, errlen, "malformed section %u", id);
        }
    }
    free(types);
    free(func_types);
    if (r.bad) {
        if (!err[0])
            snprintf(err, errlen, "malformed module");
        scan_module_free(out);
        return -1;
    }
    return 0;
}

void scan_module_free(scan_module *m) {
    free(m->imports);
    free(m->exports);
    memset(m, 0, sizeof *m);
}
