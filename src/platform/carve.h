/* Small zeroed mappings carved from shared address-space reservations, so
 * that starting thousands of instances with small linear memories costs one
 * mmap per many instances instead of one each. */
#ifndef AW_PLATFORM_CARVE_H
#define AW_PLATFORM_CARVE_H

#include "airwasm/status.h"

/* Mappings up to this size are carved; larger ones are mapped alone. */
#define AW__CARVE_MAX ((size_t)1 << 20)

/* Maps size bytes (rounded up to pages) of zeroed read-write memory, as
 * aw__pages_map(size, 0) does, and is released the same way: with
 * aw__pages_unmap(base, size, 0), or grown with aw__pages_remap. Any
 * thread. NULL on failure. */
void *aw__pages_map_carved(size_t size);

#endif
