/* Instantiation: linking imports, allocating memory, tables and globals,
 * applying segments, running the start function; instance teardown and the
 * memory accessors. */
#include "wasm/instance.h"

#include "base/alloc.h"
#include "base/error.h"
#include "platform/carve.h"
#include "platform/os.h"

#include <string.h>

#define PAGE 65536u
#define MAX_TABLE_ENTRIES 10000000u

/* The single block holding the instance and its index spaces. */
typedef struct layout {
    size_t funcs, own_funcs, globals, own_globals, tables, own_tables, dropped, total;
} layout;

static size_t align8(size_t x) { return (x + 7) & ~(size_t)7; }

static void compute_layout(const aw_module *m, layout *l) {
    size_t off = align8(sizeof(aw_instance));
    l->funcs = off;
    off += align8(m->func_count * sizeof(aw__funcinst *));
    l->own_funcs = off;
    off += align8(m->func_count * sizeof(aw__funcinst));
    l->globals = off;
    off += align8(m->global_count * sizeof(uint64_t *));
    l->own_globals = off;
    off += align8(m->global_count * sizeof(uint64_t));
    l->tables = off;
    off += align8(m->table_count * sizeof(aw__table *));
    l->own_tables = off;
    off += align8(m->table_count * sizeof(aw__table));
    l->dropped = off;
    off += align8(m->elem_count + m->data_count);
    l->total = off;
}

static bool name_is(const char *s, const char *name, size_t len) {
    return s && strlen(s) == len && memcmp(s, name, len) == 0;
}

static bool binding_is(const aw_import_binding *b, const aw__import *im) {
    /* A host that took the names from this module (aw_module_import) gives
     * the module's own strings: the same pointers are the same names. */
    if (b->module == im->module && b->name == im->name) return true;
    return name_is(b->module, im->module, im->module_len) && name_is(b->name, im->name, im->name_len);
}

/* Hosts usually give the bindings in the module's import order: binding
 * `index` is tried first, so linking is linear rather than quadratic. */
static const aw_import_binding *find_binding(const aw_instance_config *cfg, const aw__import *im,
                                             uint32_t index) {
    if (!cfg) return NULL;
    if (index < cfg->import_count && binding_is(&cfg->imports[index], im)) return &cfg->imports[index];
    for (size_t i = 0; i < cfg->import_count; i++) {
        const aw_import_binding *b = &cfg->imports[i];
        if (name_is(b->module, im->module, im->module_len) && name_is(b->name, im->name, im->name_len)) return b;
    }
    return NULL;
}

static const aw__export *find_export_n(const aw_module *m, const char *name, size_t len, aw_extern_kind kind) {
    for (uint32_t i = 0; i < m->export_count; i++) {
        const aw__export *ex = &m->exports[i];
        if (ex->kind == kind && ex->name_len == len && memcmp(ex->name, name, len) == 0) return ex;
    }
    return NULL;
}

static const aw__export *find_export(const aw_module *m, const char *name, aw_extern_kind kind) {
    return find_export_n(m, name, strlen(name), kind);
}

static bool host_type_equal(const aw__type *t, const aw_functype *ft) {
    if (t->nparams != ft->param_count || t->nresults != ft->result_count) return false;
    for (uint32_t i = 0; i < t->nparams; i++)
        if ((aw_valtype)t->vt[i] != ft->params[i]) return false;
    for (uint32_t i = 0; i < t->nresults; i++)
        if ((aw_valtype)t->vt[t->nparams + i] != ft->results[i]) return false;
    return true;
}

static bool limits_match(uint64_t cur, bool has_max, uint64_t max, const aw__limits *want) {
    if (cur < want->min) return false;
    if (want->has_max && (!has_max || max > want->max)) return false;
    return true;
}

#define LINK_FAIL(err, im, why)                                                              \
    aw__error_set((err), AW_LINK_ERROR, "%s import \"%.*s\" \"%.*s\": %s",                 \
                  kind_name((im)->kind), (int)(im)->module_len, (im)->module, (int)(im)->name_len, \
                  (im)->name, (why))

static const char *kind_name(aw_extern_kind k) {
    switch (k) {
    case AW_EXTERN_FUNC: return "function";
    case AW_EXTERN_TABLE: return "table";
    case AW_EXTERN_MEMORY: return "memory";
    case AW_EXTERN_GLOBAL: return "global";
    }
    return "?";
}

static aw_status link_imports(aw_instance *inst, const aw_instance_config *cfg, aw_error *err) {
    const aw_module *m = inst->m;
    uint32_t fi = 0, ti = 0, mi = 0, gi = 0;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aw__import *im = &m->imports[i];
        const aw_import_binding *b = find_binding(cfg, im, i);
        if (!b) return LINK_FAIL(err, im, "unknown import (no binding of that module and name)");
        if (!b->source) {
            if (im->kind != AW_EXTERN_FUNC) return LINK_FAIL(err, im, "incompatible import type (host bindings are functions)");
            const aw__type *t = &m->types[im->index];
            if (!b->fn || !host_type_equal(t, &b->type))
                return LINK_FAIL(err, im, "incompatible import type (function type differs)");
            aw__funcinst *f = &inst->own_funcs[fi];
            f->inst = NULL;
            f->func = NULL;
            f->type = t;
            f->host = b->fn;
            f->env = b->env;
            f->index = fi;
            inst->funcs[fi++] = f;
            continue;
        }
        const aw_instance *src = b->source;
        const aw__export *ex = find_export(src->m, b->source_name ? b->source_name : b->name, im->kind);
        if (!ex) return LINK_FAIL(err, im, "unknown import (the source instance has no such export)");
        switch (im->kind) {
        case AW_EXTERN_FUNC: {
            aw__funcinst *f = src->funcs[ex->index];
            if (!aw__type_equal(f->type, &m->types[im->index]))
                return LINK_FAIL(err, im, "incompatible import type (function type differs)");
            inst->funcs[fi++] = f;
            break;
        }
        case AW_EXTERN_TABLE: {
            aw__table *t = src->tables[ex->index];
            if (t->type != im->table.elem || !limits_match(t->size, t->has_max, t->max, &im->table.limits))
                return LINK_FAIL(err, im, "incompatible import type (table type or limits differ)");
            inst->tables[ti++] = t;
            break;
        }
        case AW_EXTERN_MEMORY: {
            aw__memory *mem = src->mem;
            if (!limits_match(mem->pages, mem->has_max, mem->declared_max, &im->mem))
                return LINK_FAIL(err, im, "incompatible import type (memory limits differ)");
            inst->mem = mem;
            mi++;
            break;
        }
        case AW_EXTERN_GLOBAL: {
            const aw__global_type *want = &im->global, *have = &src->m->globals[ex->index];
            if (want->vt != have->vt || want->mut != have->mut)
                return LINK_FAIL(err, im, "incompatible import type (global type differs)");
            inst->globals[gi++] = src->globals[ex->index];
            break;
        }
        }
    }
    (void)mi;
    (void)ti;
    return AW_OK;
}

static aw_status trap_at_init(aw_error *err, aw_trap trap, const char *what) {
    aw__error_set(err, AW_TRAP, "trap during instantiation (%s): %s", what, aw_trap_text(trap));
    if (err) err->trap = trap;
    return AW_TRAP;
}

static aw_status setup(aw_instance *inst, const aw_instance_config *cfg, aw_error *err) {
    aw_module *m = inst->m;
    aw_status st = link_imports(inst, cfg, err);
    if (st != AW_OK) return st;
    for (uint32_t i = m->func_import_count; i < m->func_count; i++) {
        aw__funcinst *f = &inst->own_funcs[i];
        f->inst = inst;
        f->func = &m->funcs[i];
        f->type = m->funcs[i].ft;
        f->host = NULL;
        f->env = NULL;
        f->index = i;
        inst->funcs[i] = f;
    }
    for (uint32_t i = m->table_import_count; i < m->table_count; i++) {
        aw__table *t = &inst->own_tables[i];
        const aw__table_type *tt = &m->tables[i];
        if (tt->limits.min > MAX_TABLE_ENTRIES)
            return aw__error_set(err, AW_LIMIT_EXCEEDED, "table %u: %llu entries exceed the limit of %u", i,
                                 (unsigned long long)tt->limits.min, MAX_TABLE_ENTRIES);
        t->type = tt->elem;
        t->owner = inst;
        t->has_max = tt->limits.has_max;
        t->max = (uint32_t)tt->limits.max;
        t->size = (uint32_t)tt->limits.min;
        if (t->size) {
            t->elems = aw__calloc(t->size, sizeof(void *));
            if (!t->elems) return aw__error_set(err, AW_NO_MEMORY, "out of memory (table)");
        }
        inst->tables[i] = t;
    }
    if (m->mem_count > m->mem_import_count) {
        const aw__limits *l = &m->mems[0];
        aw__memory *mem = &inst->own_mem;
        uint64_t max = l->has_max ? l->max : 65536;
        if (cfg && cfg->max_memory_pages && cfg->max_memory_pages < max) max = cfg->max_memory_pages;
        if (l->min > max)
            return aw__error_set(err, AW_LIMIT_EXCEEDED, "memory of %llu pages exceeds the limit of %llu pages",
                                 (unsigned long long)l->min, (unsigned long long)max);
        mem->max_pages = (uint32_t)max;
        mem->has_max = l->has_max;
        mem->declared_max = (uint32_t)l->max;
        mem->pages = (uint32_t)l->min;
        mem->size = l->min * PAGE;
        if (mem->size) {
            /* Mapped, not allocated: the kernel hands out zero pages on first
             * touch, so an idle instance costs only the pages it used. Small
             * memories share reservations (one mmap for many instances). */
            mem->base = aw__pages_map_carved((size_t)mem->size);
            if (!mem->base) return aw__error_set(err, AW_NO_MEMORY, "out of memory (linear memory)");
        }
        inst->mem = mem;
    }
    for (uint32_t i = m->global_import_count; i < m->global_count; i++) {
        inst->own_globals[i] = aw__const_value(inst, &m->global_inits[i - m->global_import_count]);
        inst->globals[i] = &inst->own_globals[i];
    }
    /* active element segments, then data segments, in order (spec 2.0) */
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const aw__elem *e = &m->elems[i];
        if (e->mode == AW__SEG_ACTIVE) {
            uint32_t off = (uint32_t)aw__const_value(inst, &e->offset);
            aw__table *tab = inst->tables[e->table];
            aw_trap t = aw__table_init(inst, e->table, i, off, 0, e->count);
            if (!t && tab->owner != inst && e->count) inst->wrote_into = tab->owner;
            if (t) return trap_at_init(err, t, "element segment");
        }
        if (e->mode != AW__SEG_PASSIVE) inst->dropped[i] = 1;
    }
    for (uint32_t i = 0; i < m->data_count; i++) {
        const aw__data *d = &m->datas[i];
        if (d->mode != AW__SEG_ACTIVE) continue;
        uint32_t off = (uint32_t)aw__const_value(inst, &d->offset);
        aw_trap t = aw__mem_init(inst, i, off, 0, d->len);
        if (t) return trap_at_init(err, t, "data segment");
        inst->dropped[m->elem_count + i] = 1;
    }
    return AW_OK;
}

aw_status aw_instance_create(aw_module *module, const aw_instance_config *config, aw_instance **out,
                             aw_error *err) {
    if (err) aw_error_clear(err);
    if (!module || !out) return aw__error_set(err, AW_INVALID_ARGUMENT, "null argument");
    *out = NULL;
    layout l;
    compute_layout(module, &l);
    /* Not calloc: setup writes every function, global and own table entry,
     * so only the header and the dropped flags need zeroing (the function
     * entries are most of the block). */
    uint8_t *block = aw__malloc(l.total);
    if (!block) return aw__error_set(err, AW_NO_MEMORY, "out of memory (instance)");
    memset(block, 0, sizeof(aw_instance));
    memset(block + l.own_tables, 0, l.total - l.own_tables); /* own tables, dropped flags */
    aw_instance *inst = (aw_instance *)(void *)block;
    inst->m = module;
    aw_module_retain(module);
    inst->funcs = (aw__funcinst **)(void *)(block + l.funcs);
    inst->own_funcs = (aw__funcinst *)(void *)(block + l.own_funcs);
    inst->globals = (uint64_t **)(void *)(block + l.globals);
    inst->own_globals = (uint64_t *)(void *)(block + l.own_globals);
    inst->tables = (aw__table **)(void *)(block + l.tables);
    inst->own_tables = (aw__table *)(void *)(block + l.own_tables);
    inst->dropped = block + l.dropped;
    inst->fuel = UINT64_MAX;
    inst->state = AW_INSTANCE_IDLE;
    inst->stack_bytes = config && config->stack_bytes ? config->stack_bytes : 64 * 1024;
    if (inst->stack_bytes < 1024) inst->stack_bytes = 1024;
    inst->user_data = config ? config->user_data : NULL;
    aw_status st = setup(inst, config, err);
    if (st == AW_OK && module->has_start) {
        aw__funcinst *f = inst->funcs[module->start];
        uint64_t none[1];
        st = aw_instance_call_index(inst, module->start, none, err);
        (void)f;
        if (st == AW_SUSPENDED) {
            aw_instance_abort(inst);
            st = aw__error_set(err, AW_TRAP, "the start function tried to suspend");
            if (err) err->trap = AW_TRAP_HOST_ERROR;
        }
    }
    if (st != AW_OK) {
        if (inst->wrote_into && st == AW_TRAP) {
            /* our functions may now sit in another instance's table */
            inst->next_zombie = inst->wrote_into->zombies;
            inst->wrote_into->zombies = inst;
        } else {
            aw_instance_destroy(inst);
        }
        return st;
    }
    inst->wrote_into = NULL;
    *out = inst;
    return AW_OK;
}

void aw_instance_destroy(aw_instance *inst) {
    if (!inst) return;
    while (inst->zombies) {
        aw_instance *z = inst->zombies;
        inst->zombies = z->next_zombie;
        aw_instance_destroy(z);
    }
    aw_module *m = inst->m;
    for (uint32_t i = m->table_import_count; i < m->table_count; i++) {
        aw__table *t = &inst->own_tables[i];
        if (t->elems) aw__free(t->elems, (t->size ? t->size : 1) * sizeof(void *));
    }
    if (inst->own_mem.base) aw__pages_unmap(inst->own_mem.base, (size_t)inst->own_mem.size, 0);
    if (inst->stack) aw__free(inst->stack, (size_t)(inst->stack_end - inst->stack) * sizeof(uint64_t));
    if (inst->frames) aw__free(inst->frames, (size_t)(inst->frames_end - inst->frames) * sizeof(aw__frame));
    layout l;
    compute_layout(m, &l);
    aw__free(inst, l.total);
    aw_module_release(m);
}

aw_status aw__stack_ensure(aw_instance *inst, aw_error *err) {
    if (inst->stack) return AW_OK;
    /* a quarter of the budget for frame records, the rest for slots; start
     * small (most calls are shallow) and double on demand: an idle instance
     * keeps what its calls needed so far, and with thousands of idle
     * instances a larger start was most of the host memory of each (a
     * wasi-libc component's init fits in 128 slots and 8 frames) */
    size_t bytes = inst->stack_bytes;
    inst->frames_max = bytes / 4 / sizeof(aw__frame);
    inst->slots_max = (bytes - inst->frames_max * sizeof(aw__frame)) / sizeof(uint64_t);
    size_t nslots = inst->slots_max < 128 ? inst->slots_max : 128;
    size_t nframes = inst->frames_max < 8 ? inst->frames_max : 8;
    uint64_t *s = aw__malloc(nslots * sizeof(uint64_t));
    aw__frame *f = aw__malloc(nframes * sizeof(aw__frame));
    if (!s || !f) {
        aw__free(s, nslots * sizeof(uint64_t));
        aw__free(f, nframes * sizeof(aw__frame));
        return aw__error_set(err, AW_NO_MEMORY, "out of memory (stack)");
    }
    inst->stack = s;
    inst->stack_end = s + nslots;
    inst->frames = f;
    inst->frames_end = f + nframes;
    inst->free_sp = 0;
    inst->free_fr = 0;
    return AW_OK;
}

bool aw__stack_grow(aw_instance *inst, size_t need_slots, size_t need_frames, size_t used_frames) {
    if (inst->pinned) return false;
    size_t ns = (size_t)(inst->stack_end - inst->stack), nf = (size_t)(inst->frames_end - inst->frames);
    if (need_slots > inst->slots_max || need_frames > inst->frames_max) return false;
    size_t ns2 = ns, nf2 = nf;
    while (ns2 < need_slots) ns2 = ns2 * 2 < inst->slots_max ? ns2 * 2 : inst->slots_max;
    while (nf2 < need_frames) nf2 = nf2 * 2 < inst->frames_max ? nf2 * 2 : inst->frames_max;
    if (nf2 != nf) {
        aw__frame *f = aw__realloc(inst->frames, nf * sizeof(aw__frame), nf2 * sizeof(aw__frame));
        if (!f) return false;
        inst->frames = f;
        inst->frames_end = f + nf2;
    }
    if (ns2 != ns) {
        uintptr_t old = (uintptr_t)inst->stack;
        uint64_t *s = aw__realloc(inst->stack, ns * sizeof(uint64_t), ns2 * sizeof(uint64_t));
        if (!s) return false;
        inst->stack = s;
        inst->stack_end = s + ns2;
        /* frame records remember their caller's frame by address (a host
         * entry's record points outside the stack, if anywhere) */
        for (size_t i = 0; i < used_frames; i++) {
            aw__frame *fr = &inst->frames[i];
            if (fr->ret_pc && fr->fp) fr->fp = s + ((uintptr_t)fr->fp - old) / sizeof(uint64_t);
        }
    }
    return true;
}

void *aw_instance_user_data(const aw_instance *instance) { return instance ? instance->user_data : NULL; }
aw_module *aw_instance_module(const aw_instance *instance) { return instance ? instance->m : NULL; }

uint8_t *aw_instance_memory(const aw_instance *instance, size_t *size) {
    if (!instance || !instance->mem) {
        if (size) *size = 0;
        return NULL;
    }
    if (size) *size = (size_t)instance->mem->size;
    return instance->mem->base;
}

aw_status aw_instance_memory_read(const aw_instance *instance, uint64_t offset, void *dst, size_t len) {
    if (!instance || (!dst && len)) return AW_INVALID_ARGUMENT;
    uint64_t size = instance->mem ? instance->mem->size : 0;
    if (offset > size || len > size - offset) return AW_INVALID_ARGUMENT;
    if (len) memcpy(dst, instance->mem->base + offset, len);
    return AW_OK;
}

aw_status aw_instance_memory_write(aw_instance *instance, uint64_t offset, const void *src, size_t len) {
    if (!instance || (!src && len)) return AW_INVALID_ARGUMENT;
    uint64_t size = instance->mem ? instance->mem->size : 0;
    if (offset > size || len > size - offset) return AW_INVALID_ARGUMENT;
    if (len) memcpy(instance->mem->base + offset, src, len);
    return AW_OK;
}

size_t aw_instance_footprint(const aw_instance *instance) {
    if (!instance) return 0;
    layout l;
    compute_layout(instance->m, &l);
    size_t n = l.total + (size_t)instance->own_mem.size +
               (size_t)(instance->stack_end - instance->stack) * sizeof(uint64_t) +
               (size_t)(instance->frames_end - instance->frames) * sizeof(aw__frame);
    const aw_module *m = instance->m;
    for (uint32_t i = m->table_import_count; i < m->table_count; i++)
        n += instance->own_tables[i].size * sizeof(void *);
    return n;
}

aw_status aw_instance_global_get(const aw_instance *instance, const char *name, aw_value *out) {
    if (!instance || !name || !out) return AW_INVALID_ARGUMENT;
    const aw__export *ex = find_export(instance->m, name, AW_EXTERN_GLOBAL);
    if (!ex) return AW_NOT_FOUND;
    uint64_t v = *instance->globals[ex->index];
    out->type = (aw_valtype)instance->m->globals[ex->index].vt;
    switch (out->type) {
    case AW_VAL_I32: out->of.i32 = (int32_t)(uint32_t)v; break;
    case AW_VAL_I64: out->of.i64 = (int64_t)v; break;
    case AW_VAL_F32: {
        uint32_t b = (uint32_t)v;
        memcpy(&out->of.f32, &b, 4);
        break;
    }
    case AW_VAL_F64: memcpy(&out->of.f64, &v, 8); break;
    default: out->of.ref = (void *)(uintptr_t)v; break;
    }
    return AW_OK;
}

aw_status aw_instance_find_func(const aw_instance *instance, const char *name, uint32_t *func_index) {
    if (!instance || !name || !func_index) return AW_INVALID_ARGUMENT;
    const aw__export *ex = find_export(instance->m, name, AW_EXTERN_FUNC);
    if (!ex) return AW_NOT_FOUND;
    *func_index = ex->index;
    return AW_OK;
}

aw_status aw_module_find_func(const aw_module *module, const char *name, uint32_t *func_index) {
    if (!module || !name || !func_index) return AW_INVALID_ARGUMENT;
    const aw__export *ex = find_export(module, name, AW_EXTERN_FUNC);
    if (!ex) return AW_NOT_FOUND;
    *func_index = ex->index;
    return AW_OK;
}

aw_status aw_instance_find_func_n(const aw_instance *instance, const char *name, size_t name_len,
                                  uint32_t *func_index) {
    if (!instance || (!name && name_len) || !func_index) return AW_INVALID_ARGUMENT;
    const aw__export *ex = find_export_n(instance->m, name, name_len, AW_EXTERN_FUNC);
    if (!ex) return AW_NOT_FOUND;
    *func_index = ex->index;
    return AW_OK;
}

aw_status aw_instance_func_type(const aw_instance *instance, uint32_t func_index, aw_functype *out) {
    if (!instance || !out) return AW_INVALID_ARGUMENT;
    if (func_index >= instance->m->func_count) return AW_NOT_FOUND;
    const aw__type *t = instance->funcs[func_index]->type;
    out->params = t->pub;
    out->param_count = t->nparams;
    out->results = t->pub + t->nparams;
    out->result_count = t->nresults;
    return AW_OK;
}
