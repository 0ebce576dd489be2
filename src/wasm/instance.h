/* Internal layout of instances and the interpreter's entry points. */
#ifndef AW_WASM_INSTANCE_H
#define AW_WASM_INSTANCE_H

#include "wasm/module.h"

#include <string.h>

/* A function as a value: what funcref points to and what calls go through. */
typedef struct aw__funcinst {
    aw_instance *inst;      /* the instance whose code runs (NULL for host) */
    const aw__func *func;   /* wasm function, or NULL for host */
    const aw__type *type;
    aw_host_fn host;
    void *env;
    uint32_t index;         /* function index in inst */
} aw__funcinst;

typedef struct aw__memory {
    uint8_t *base;
    uint64_t size;      /* bytes */
    uint32_t pages;
    uint32_t max_pages; /* growth limit */
    bool has_max;       /* the declared limits have a maximum */
    uint32_t declared_max;
} aw__memory;

typedef struct aw__table {
    void **elems;
    uint32_t size;
    uint32_t max;
    bool has_max;
    aw__vt type;
    aw_instance *owner;
} aw__table;

/* One activation record on the instance's frame stack. It keeps what the
 * callee needs to return to its caller. */
typedef struct aw__frame {
    const uint32_t *ret_pc; /* NULL: return to the host */
    /* With ret_pc: the caller's frame. An outermost host entry's record
     * (ret_pc NULL, depth 0) holds where the run copies the results when it
     * returns: the caller's slots array. */
    uint64_t *fp;
    aw_instance *inst;      /* caller's instance */
    uint32_t nresults;      /* for the host entry: results to hand back */
} aw__frame;

struct aw_instance {
    aw_module *m;
    aw__memory *mem; /* memory 0 (own or imported), NULL without */
    uint64_t **globals;
    aw__table **tables;
    aw__funcinst **funcs;
    /* owned storage */
    aw__memory own_mem;
    uint64_t *own_globals;
    aw__table *own_tables;
    aw__funcinst *own_funcs;
    uint8_t *dropped; /* elem_count + data_count flags */
    void *user_data;
    /* Instances whose instantiation failed after storing their functions in
     * a table of ours: kept alive (as the spec requires) until we go. */
    aw_instance *zombies, *next_zombie;
    aw_instance *wrote_into; /* set while instantiating: owner of a shared table we wrote */

    /* execution */
    /* The value slots and the frame records grow on demand (doubling, up to
     * stack_bytes in all) and may move: code that holds pointers into them
     * across anything that can call wasm keeps offsets instead. */
    uint64_t *stack, *stack_end;   /* value slots */
    aw__frame *frames, *frames_end;
    size_t slots_max, frames_max;  /* the limits from stack_bytes */
    uint32_t stack_bytes;          /* configured */
    uint32_t pinned;               /* > 0: a host holds a pointer into the slots */
    size_t free_sp;                /* first slot a nested host entry may use */
    size_t free_fr;                /* frame record a nested host entry uses */
    aw_instance_state state;
    uint32_t depth;                /* nested host entries */
    uint64_t fuel;                 /* total remaining, UINT64_MAX unmetered */
    uint64_t slice;                /* 0: no slices */
    aw_trap host_trap;

    /* a suspended call */
    const uint32_t *s_pc;
    uint64_t *s_fp;
    aw__frame *s_fr;
    aw_instance *s_inst;
    uint64_t *s_results;  /* host suspend: where the host results go */
    uint32_t s_nresults;
};

/* Zeroes the locals of f that need it (module.h) in the frame at fp. A few
 * at most: the empty asm keeps the compiler from calling memset for them. */
static inline void aw__zero_locals(uint64_t *fp, const aw__func *f) {
    uint32_t n = f->zero_count;
    if (n) {
        uint64_t *p = fp + f->zero_from, *e = p + n;
        do {
            *p++ = 0;
            __asm__("" : "+r"(p));
        } while (p < e);
    }
}

/* Copies n value slots (a few parameters or results): straight moves, no
 * loop or memcpy call for up to 6 (none at all: no jump either). Four (the
 * canonical ABI's cabi_realloc and handle-message, many host imports) are
 * two 16-byte moves without the jump table. */
static inline void aw__copy_slots(uint64_t *dst, const uint64_t *src, uint32_t n) {
    if (n == 4) {
        memcpy(dst, src, 4 * sizeof(uint64_t));
        return;
    }
    if (n == 0) return;
    switch (n) {
    default:
        for (uint32_t i = 6; i < n; i++) dst[i] = src[i];
        __attribute__((fallthrough));
    case 6: dst[5] = src[5]; __attribute__((fallthrough));
    case 5: dst[4] = src[4]; __attribute__((fallthrough));
    case 4: dst[3] = src[3]; __attribute__((fallthrough));
    case 3: dst[2] = src[2]; __attribute__((fallthrough));
    case 2: dst[1] = src[1]; __attribute__((fallthrough));
    case 1: dst[0] = src[0]; break;
    }
}

/* Runs until the frame stack returns to the host, a trap, or a suspension.
 * pc/fp/fr describe where to continue. An outermost run (root->depth 0) that
 * returns to the host copies the results to its entry record's fp and leaves
 * root idle; one that traps leaves it idle too. */
aw_status aw__interp_run(aw_instance *inst, aw_instance *cur, const uint32_t *pc, uint64_t *fp,
                         aw__frame *fr, aw_error *err);

/* Handler offsets indexed by internal opcode for direct threading (NULL
 * when the interpreter dispatches with a switch). */
const int32_t *aw__interp_dispatch_offsets(void);

/* Out-of-line slow paths used by the interpreter (runtime.c). Each returns
 * a trap kind, AW_TRAP_NONE on success. */
/* Inline forms of aw_instance_memory, aw_instance_fuel, aw_instance_set_fuel
 * and aw_instance_set_slice for the host layer's per-message glue (several
 * calls per message), on an instance known to be non-NULL. */
static inline uint8_t *aw__instance_memory_now(const aw_instance *inst, size_t *size) {
    if (!inst->mem) {
        *size = 0;
        return NULL;
    }
    *size = (size_t)inst->mem->size;
    return inst->mem->base;
}
static inline uint64_t aw__instance_fuel_now(const aw_instance *inst) { return inst->fuel; }
static inline void aw__instance_set_fuel_now(aw_instance *inst, uint64_t fuel) { inst->fuel = fuel; }
static inline void aw__instance_set_slice_now(aw_instance *inst, uint64_t slice) { inst->slice = slice; }

int32_t aw__mem_grow(aw__memory *mem, uint32_t delta);
aw_trap aw__mem_init(aw_instance *inst, uint32_t seg, uint32_t d, uint32_t s, uint32_t n);
aw_trap aw__mem_copy(aw__memory *mem, uint32_t d, uint32_t s, uint32_t n);
aw_trap aw__mem_fill(aw__memory *mem, uint32_t d, uint8_t v, uint32_t n);
aw_trap aw__table_init(aw_instance *inst, uint32_t tab, uint32_t seg, uint32_t d, uint32_t s, uint32_t n);
aw_trap aw__table_copy(aw_instance *inst, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n);
aw_trap aw__table_fill(aw__table *t, uint32_t i, void *v, uint32_t n);
int32_t aw__table_grow(aw__table *t, void *init, uint32_t n);
void *aw__const_ref(aw_instance *inst, const aw__const *k);
uint64_t aw__const_value(aw_instance *inst, const aw__const *k);
bool aw__funcinst_type_matches(const aw__funcinst *fi, const aw_module *m, uint32_t type);

/* Allocates the execution stack on first use. */
aw_status aw__stack_ensure(aw_instance *inst, aw_error *err);
/* Grows the slots to at least need_slots and the frames to at least
 * need_frames (frame records in use: used_frames), moving them and rebasing
 * the saved frame pointers. False at the configured limit or when pinned. */
bool aw__stack_grow(aw_instance *inst, size_t need_slots, size_t need_frames, size_t used_frames);

#endif
