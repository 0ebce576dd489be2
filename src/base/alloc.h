/* Internal allocation entry points; all go through the installed aw_allocator. */
#ifndef AW_BASE_ALLOC_H
#define AW_BASE_ALLOC_H

#include "airwasm/alloc.h"

/* Returns NULL on failure (and for size 0). */
void *aw__malloc(size_t size);
/* Zero-filled; NULL on failure or overflow of count * size. */
void *aw__calloc(size_t count, size_t size);
/* old_size must be the size the block was allocated with; NULL on failure,
 * leaving the old block intact. */
void *aw__realloc(void *ptr, size_t old_size, size_t new_size);
/* size must be the size the block was allocated with; NULL is accepted. */
void aw__free(void *ptr, size_t size);

/* A copy of the first len bytes of s, NUL-terminated (size len + 1). */
char *aw__strndup(const char *s, size_t len);
/* Frees a string from aw__strndup / aw__strdup. */
void aw__strfree(char *s);
char *aw__strdup(const char *s);

#define AW__NEW(type) ((type *)aw__calloc(1, sizeof(type)))
#define AW__DELETE(ptr) aw__free((ptr), sizeof *(ptr))

#endif
