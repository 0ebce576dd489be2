/* Shared pieces of the guest library: growable byte buffers kept across
 * messages (so steady-state traffic allocates nothing) and the memory the host
 * fills through cabi_realloc (realloc.c). */
#ifndef AW_GUEST_INTERNAL_H
#define AW_GUEST_INTERNAL_H

#include "airwasm/guest.h"

#include <stdarg.h>

/* A byte buffer that keeps its capacity between uses. */
typedef struct aw__gbuf {
    uint8_t *data;
    size_t len;
    size_t cap;
} aw__gbuf;

/* Buffers above this size are released after use instead of kept. */
#define AW__GBUF_KEEP (64u * 1024u)

/* Makes room for len bytes plus a NUL; false when out of memory. */
bool aw__gbuf_reserve(aw__gbuf *b, size_t len);
/* Replaces the content with uvarint(codec) || body; false when out of memory. */
bool aw__gbuf_set_prefixed(aw__gbuf *b, uint64_t codec, const void *body, size_t len);
/* Replaces the content with formatted text (NUL kept after len). */
bool aw__gbuf_vprintf(aw__gbuf *b, size_t offset, const char *fmt, va_list args);
/* Gives memory back if a huge message grew the buffer. */
void aw__gbuf_trim(aw__gbuf *b);

/* The shared zero-length block: reads as "", never freed. */
uint8_t *aw__empty(void);
/* True if ptr is a malloc'd block from cabi_realloc (not the empty block, not
 * an export argument in the arena). */
bool aw__host_owned(const void *ptr);
/* Frees a block the host allocated through cabi_realloc during an import. */
void aw__host_free(void *ptr);

/* Bracket an import that returns a string or list: its blocks are malloc'd
 * for the author instead of taken from the export-argument arena. */
void aw__import_begin(void);
void aw__import_end(void);
/* Releases every export argument; called when an export with arguments ends. */
void aw__arena_reset(void);

#endif
