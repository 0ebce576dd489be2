/* Clocks, memory mapping, CPU count, randomness, files: the rest of the OS. */
#ifndef AW_PLATFORM_OS_H
#define AW_PLATFORM_OS_H

#include "airwasm/status.h"

/* Monotonic time in nanoseconds from an arbitrary start. */
uint64_t aw__clock_ns(void);
/* Wall-clock time in nanoseconds since the Unix epoch. */
uint64_t aw__clock_realtime_ns(void);
/* Resolution of the monotonic clock in nanoseconds. */
uint64_t aw__clock_resolution_ns(void);
void aw__sleep_ns(uint64_t ns);

/* Number of online CPUs (at least 1). */
uint32_t aw__cpu_count(void);
/* The system page size in bytes. */
size_t aw__page_size(void);

/* Maps size bytes (rounded up to pages) of zeroed read-write memory. With
 * guard_bytes > 0, that many inaccessible bytes (rounded to pages) follow the
 * usable range, so an overrun faults. NULL on failure. */
void *aw__pages_map(size_t size, size_t guard_bytes);
/* Releases a mapping made by aw__pages_map with the same size and guard. */
void aw__pages_unmap(void *base, size_t size, size_t guard_bytes);
/* Grows or shrinks the usable part of a mapping made without guard in place
 * when possible; returns the (possibly moved) base or NULL on failure. */
void *aw__pages_remap(void *base, size_t old_size, size_t new_size);

/* Fills buf with cryptographically secure random bytes. */
aw_status aw__random_bytes(void *buf, size_t len);

/* Reads a whole file into a buffer from aw__malloc (caller frees with
 * aw__free(*data, *len + 1); a NUL follows the data). */
aw_status aw__file_read(const char *path, uint8_t **data, size_t *len);

#endif
