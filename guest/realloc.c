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
    size_t spilled_bytes; /* asked for since the last reset, not in the arena */
    overflow *spilled;
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

void aw__import_begin(void) {
    import_depth++;
}

void aw__import_end(void) {
    import_depth--;
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

void aw__arena_reset(void) {
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
        }
    }
    arena.used = 0;
    arena.spilled_bytes = 0;
}

/* The canonical ABI's allocator. Out of memory traps: returning 0 would let
 * the host write at address 0. */
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *old_ptr, size_t old_size,
                                                                size_t align, size_t new_size);
void *cabi_realloc(void *old_ptr, size_t old_size, size_t align, size_t new_size) {
    /* The hot path, taken for every argument of every message once the arena
     * has grown: a fresh block bumped off the arena. */
    /* (0x10116 >> align) & 1: align is 1, 2, 4, 8 or 16, tested without the
     * popcount clang would emit for a power-of-two check. */
    if (old_ptr == NULL && import_depth == 0 && new_size != 0 && align <= 16 &&
        ((0x10116u >> align) & 1u)) {
        size_t offset = (arena.used + align - 1) & ~(align - 1);
        if (offset < arena.cap && new_size < arena.cap - offset) {
            uint8_t *p = arena.base + offset;
            arena.used = offset + new_size + 1;
            p[new_size] = 0;
            return p;
        }
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
