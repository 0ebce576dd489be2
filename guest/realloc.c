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
    /* The next free byte and the end of the arena; both NULL while an import
     * runs (and before the arena exists), so that cabi_realloc's one bounds
     * test sends those blocks to malloc. */
    uint8_t *next, *end;
    size_t spilled_bytes; /* asked for since the last reset, not in the arena */
    overflow *spilled;
    uint8_t *saved_next; /* next, while an import runs */
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

/* Around an import the fast path is closed: next and end are both NULL, so
 * "new_size < end - next" fails without a separate test of import_depth. */
void aw__import_begin(void) {
    if (import_depth++ == 0) {
        arena.saved_next = arena.next;
        arena.next = NULL;
        arena.end = NULL;
    }
}

void aw__import_end(void) {
    if (--import_depth == 0) {
        arena.next = arena.saved_next;
        arena.end = arena.base ? arena.base + arena.cap : NULL;
    }
}

/* Bytes of the arena in use (import_depth 0). */
static size_t arena_used(void) {
    return (size_t)((uintptr_t)arena.next - (uintptr_t)arena.base);
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
    size_t offset = (arena_used() + align - 1) & ~(align - 1);
    if (arena.base && offset <= arena.cap && size <= arena.cap - offset) {
        arena.next = arena.base + offset + size;
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
    size_t wanted = arena_used() + arena.spilled_bytes;
    if (arena.spilled_bytes && wanted > arena.cap && arena.cap < ARENA_MAX) {
        size_t cap = arena.cap ? arena.cap : ARENA_MIN;
        while (cap < wanted && cap < ARENA_MAX) cap *= 2;
        uint8_t *base = malloc(cap);
        if (base) {
            free(arena.base);
            arena.base = base;
            arena.cap = cap;
            if (!import_depth) arena.end = base + cap;
        }
    }
    arena.spilled_bytes = 0;
}

void aw__arena_reset(void) {
    /* Without spilled blocks (the steady state) the reset is one store. */
    if (__builtin_expect(arena.spilled != NULL, 0)) arena_reset_slow();
    arena.next = arena.base;
}

/* The canonical ABI's allocator. Out of memory traps: returning 0 would let
 * the host write at address 0. */
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *old_ptr, size_t old_size,
                                                                size_t align, size_t new_size);
void *cabi_realloc(void *old_ptr, size_t old_size, size_t align, size_t new_size) {
    /* The hot path, taken for every argument of every message once the arena
     * has grown: a fresh byte block (string or list<u8>, align 1) bumped off
     * the arena. end - next cannot wrap: next <= end, or both are NULL
     * while an import runs. */
    uint8_t *next = arena.next;
    if (__builtin_expect(align == 1 && old_ptr == NULL &&
                             new_size < (size_t)((uintptr_t)arena.end - (uintptr_t)next), 1)) {
        next[new_size] = 0;
        arena.next = next + new_size + 1;
        return next;
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
