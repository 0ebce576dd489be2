/* Out-of-line slow paths of the interpreter: memory and table growth, bulk
 * memory and table operations, constant expressions, indirect call checks. */
#include "wasm/instance.h"

#include "base/alloc.h"
#include "platform/os.h"

#include <string.h>

#define PAGE 65536u

int32_t aw__mem_grow(aw__memory *mem, uint32_t delta) {
    uint32_t old = mem->pages;
    if (delta == 0) return (int32_t)old;
    if ((uint64_t)old + delta > mem->max_pages) return -1;
    uint64_t nsize = ((uint64_t)old + delta) * PAGE;
    if (nsize > SIZE_MAX) return -1;
    /* The new pages of an anonymous mapping are zero already. */
    uint8_t *nb = mem->base ? aw__pages_remap(mem->base, (size_t)mem->size, (size_t)nsize)
                            : aw__pages_map((size_t)nsize, 0);
    if (!nb) return -1;
    mem->base = nb;
    mem->size = nsize;
    mem->pages = old + delta;
    return (int32_t)old;
}

static bool seg_dropped(const aw_instance *inst, uint32_t idx) { return inst->dropped[idx] != 0; }

aw_trap aw__mem_init(aw_instance *inst, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
    const aw__data *data = &inst->m->datas[seg];
    uint64_t len = seg_dropped(inst, inst->m->elem_count + seg) ? 0 : data->len;
    aw__memory *mem = inst->mem;
    if ((uint64_t)s + n > len || (uint64_t)d + n > mem->size) return AW_TRAP_OUT_OF_BOUNDS_MEMORY;
    if (n) memcpy(mem->base + d, data->bytes + s, n);
    return AW_TRAP_NONE;
}

aw_trap aw__mem_copy(aw__memory *mem, uint32_t d, uint32_t s, uint32_t n) {
    if ((uint64_t)s + n > mem->size || (uint64_t)d + n > mem->size) return AW_TRAP_OUT_OF_BOUNDS_MEMORY;
    if (n) memmove(mem->base + d, mem->base + s, n);
    return AW_TRAP_NONE;
}

aw_trap aw__mem_fill(aw__memory *mem, uint32_t d, uint8_t v, uint32_t n) {
    if ((uint64_t)d + n > mem->size) return AW_TRAP_OUT_OF_BOUNDS_MEMORY;
    if (n) memset(mem->base + d, v, n);
    return AW_TRAP_NONE;
}

uint64_t aw__const_value(aw_instance *inst, const aw__const *k) {
    switch (k->kind) {
    case AW__CONST_VALUE: return k->bits;
    case AW__CONST_GLOBAL: return *inst->globals[k->index];
    case AW__CONST_FUNC: return (uint64_t)(uintptr_t)inst->funcs[k->index];
    case AW__CONST_NULL: return 0;
    }
    return 0;
}

void *aw__const_ref(aw_instance *inst, const aw__const *k) {
    return (void *)(uintptr_t)aw__const_value(inst, k);
}

aw_trap aw__table_init(aw_instance *inst, uint32_t tab, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
    const aw__elem *e = &inst->m->elems[seg];
    uint64_t len = seg_dropped(inst, seg) ? 0 : e->count;
    aw__table *t = inst->tables[tab];
    if ((uint64_t)s + n > len || (uint64_t)d + n > t->size) return AW_TRAP_OUT_OF_BOUNDS_TABLE;
    for (uint32_t i = 0; i < n; i++) t->elems[d + i] = aw__const_ref(inst, &e->items[s + i]);
    return AW_TRAP_NONE;
}

aw_trap aw__table_copy(aw_instance *inst, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
    aw__table *td = inst->tables[dt], *ts = inst->tables[st];
    if ((uint64_t)s + n > ts->size || (uint64_t)d + n > td->size) return AW_TRAP_OUT_OF_BOUNDS_TABLE;
    if (n) memmove(td->elems + d, ts->elems + s, n * sizeof(void *));
    return AW_TRAP_NONE;
}

aw_trap aw__table_fill(aw__table *t, uint32_t i, void *v, uint32_t n) {
    if ((uint64_t)i + n > t->size) return AW_TRAP_OUT_OF_BOUNDS_TABLE;
    for (uint32_t k = 0; k < n; k++) t->elems[i + k] = v;
    return AW_TRAP_NONE;
}

int32_t aw__table_grow(aw__table *t, void *init, uint32_t n) {
    uint32_t old = t->size;
    uint64_t limit = t->has_max ? t->max : UINT32_MAX;
    if (limit > 10000000u) limit = 10000000u; /* implementation limit: 80 MB of table */
    if ((uint64_t)old + n > limit) return -1;
    if (n == 0) return (int32_t)old;
    size_t oldb = (old ? old : 1) * sizeof(void *), newb = ((size_t)old + n) * sizeof(void *);
    void **ne = t->elems ? aw__realloc(t->elems, oldb, newb) : aw__malloc(newb);
    if (!ne) return -1;
    for (uint32_t k = old; k < old + n; k++) ne[k] = init;
    t->elems = ne;
    t->size = old + n;
    return (int32_t)old;
}

bool aw__funcinst_type_matches(const aw__funcinst *fi, const aw_module *m, uint32_t type) {
    const aw__type *want = &m->types[type];
    if (fi->type == want) return true;
    if (fi->inst && fi->inst->m == m) return fi->type->canon == want->canon;
    return fi->type->hash == want->hash && aw__type_equal(fi->type, want);
}
