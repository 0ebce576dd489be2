/* The component's cabi_realloc. Arguments of exports (a message's sender and
 * payload, a callback's response) come from an arena that is reset when the
 * export returns, so steady message traffic never reaches malloc; values
 * returned by imports (self-id, call) are malloc'd because the author keeps
 * them (aw_buffer_free). Every block gets one NUL byte after its size, so
 * strings and text bodies the host writes are C strings too. */
#include "guest_internal.h"

#include <stdlib.h>
#include <string.h>

/* The arena grows to the largest message seen, up to this; larger arguments
 * are malloc'd one by one and freed at the reset. */
#define ARENA_MAX (1u << 20)
#define ARENA_MIN 4096u

/* An argument that did not fit in the arena. */
typedef struct overflow {
    struct overflow *next;
    _Alignas(16) uint8_t data[];
} overflow;

static struct {
    uint8_t *base;
    size_t cap;
    size_t used;
    /* What cabi_realloc's fast path may bump used up to: cap, or 0 while an
     * import runs (so that one test sends those blocks to malloc). */
    size_t limit;
    size_t spilled_bytes; /* asked for since the last reset, not in the arena */
    overflow *spilled;
    size_t saved_used; /* used, while an import runs */
} arena;

/* Nonzero while an import that returns a string or list runs: its blocks
 * belong to the author, not to the current export. */
static unsigned import_depth;

/* Zero-length blocks are never allocated: the canonical ABI calls realloc for
 * empty strings too, and nothing must be freed for them. The block reads as
 * "" and is aligned for any element type. */
static _Alignas(16) uint8_t empty_block[16];

uint8_t *aw__empty(void) {
    return empty_block;
}

/* Around an import the fast path is closed: limit and used are both 0, so
 * "new_size < limit - used" fails without a separate test of import_depth. */
void aw__import_begin(void) {
    if (import_depth++ == 0) {
        arena.saved_used = arena.used;
        arena.used = 0;
        arena.limit = 0;
    }
}

void aw__import_end(void) {
    if (--import_depth == 0) {
        arena.used = arena.saved_used;
        arena.limit = arena.cap;
    }
}

static bool in_arena(const void *p) {
    return arena.base && (const uint8_t *)p >= arena.base &&
           (const uint8_t *)p < arena.base + arena.cap;
}

static bool is_spilled(const void *p) {
    for (overflow *o = arena.spilled; o; o = o->next)
        if ((const void *)o->data == p) return true;
    return false;
}

bool aw__host_owned(const void *ptr) {
    return ptr != NULL && ptr != (const void *)empty_block && !in_arena(ptr) && !is_spilled(ptr);
}

void aw__host_free(void *ptr) {
    if (aw__host_owned(ptr)) free(ptr);
}

static uint8_t *arena_alloc(size_t align, size_t size) {
    size_t offset = (arena.used + align - 1) & ~(align - 1);
    if (arena.base && offset <= arena.cap && size <= arena.cap - offset) {
        arena.used = offset + size;
        return arena.base + offset;
    }
    if (align > 16 || size > SIZE_MAX - sizeof(overflow)) return NULL;
    overflow *o = malloc(sizeof(overflow) + size);
    if (!o) return NULL;
    arena.spilled_bytes += size + align;
    o->next = arena.spilled;
    arena.spilled = o;
    return o->data;
}

/* Frees the spilled blocks and grows the arena to what this export needed,
 * so the next one fits. */
static __attribute__((noinline)) void arena_reset_slow(void) {
    while (arena.spilled) {
        overflow *next = arena.spilled->next;
        free(arena.spilled);
        arena.spilled = next;
    }
    /* Grow once to what this export needed, so the next one fits. */
    size_t wanted = arena.used + arena.spilled_bytes;
    if (arena.spilled_bytes && wanted > arena.cap && arena.cap < ARENA_MAX) {
        size_t cap = arena.cap ? arena.cap : ARENA_MIN;
        while (cap < wanted && cap < ARENA_MAX) cap *= 2;
        uint8_t *base = malloc(cap);
        if (base) {
            free(arena.base);
            arena.base = base;
            arena.cap = cap;
            arena.limit = import_depth ? 0 : cap;
        }
    }
    arena.used = 0;
    arena.spilled_bytes = 0;
}

void aw__arena_reset(void) {
    /* Without spilled blocks (the steady state) the reset is one store. */
    if (__builtin_expect(arena.spilled != NULL, 0)) arena_reset_slow();
    arena.used = 0;
}

/* The canonical ABI's allocator. Out of memory traps: returning 0 would let
 * the host write at address 0. */
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *old_ptr, size_t old_size,
                                                                size_t align, size_t new_size);
void *cabi_realloc(void *old_ptr, size_t old_size, size_t align, size_t new_size) {
    /* The hot path, taken for every argument of every message once the arena
     * has grown: a fresh byte block (string or list<u8>, align 1) bumped off
     * the arena. limit - used cannot wrap: used <= limit, or both are 0
     * while an import runs. */
    size_t used = arena.used;
    if (__builtin_expect(align == 1 && old_ptr == NULL && new_size < arena.limit - used, 1)) {
        uint8_t *p = arena.base + used;
        arena.used = used + new_size + 1;
        p[new_size] = 0;
        return p;
    }
    if (align == 0 || (align & (align - 1)) != 0 || new_size == SIZE_MAX) __builtin_trap();
    if (new_size == 0) {
        aw__host_free(old_ptr);
        return empty_block;
    }
    size_t keep =
        old_ptr && old_ptr != (void *)empty_block ? (old_size < new_size ? old_size : new_size) : 0;
    uint8_t *p;
    if (import_depth == 0) {
        p = arena_alloc(align, new_size + 1);
        if (p && keep) memcpy(p, old_ptr, keep);
        aw__host_free(old_ptr);
    } else if (align <= 8) {
        /* malloc's blocks are aligned for any scalar (8 on wasm32), which
         * covers every type of this world. */
        p = aw__host_owned(old_ptr) ? realloc(old_ptr, new_size + 1) : malloc(new_size + 1);
        if (p && keep && !aw__host_owned(old_ptr)) memcpy(p, old_ptr, keep);
    } else {
        size_t size = (new_size + 1 + align - 1) & ~(align - 1);
        p = aligned_alloc(align, size);
        if (p && keep) memcpy(p, old_ptr, keep);
        aw__host_free(old_ptr);
    }
    if (!p) __builtin_trap();
    p[new_size] = 0;
    return p;
}
