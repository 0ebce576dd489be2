/* Carved mappings (carve.h). A reservation is one private anonymous mapping
 * of RESERVATION_BYTES, mapped read-write without reserving swap (untouched
 * pages cost nothing); requests take the next pages of it under a spin lock
 * held for a few instructions. Each carved range is an ordinary part of the
 * mapping, so munmap and mremap work on it alone; when a reservation runs
 * out, its unused tail is unmapped and a new one is made, so at most one
 * partly used reservation exists at a time. */
#define _GNU_SOURCE
#include "platform/carve.h"

#include "platform/os.h"
#include "platform/thread.h"

#include <stdatomic.h>
#include <sys/mman.h>

#define RESERVATION_BYTES ((size_t)64 << 20)

static atomic_flag lock = ATOMIC_FLAG_INIT;
static uint8_t *next; /* under lock: the first free byte of the reservation */
static size_t left;   /* under lock: bytes left in it */

void *aw__pages_map_carved(size_t size) {
    size_t page = aw__page_size();
    size = (size + page - 1) & ~(page - 1);
    if (size == 0 || size > AW__CARVE_MAX) return aw__pages_map(size, 0);
    /* Acquire/release: the reservation pointers are read and written only
     * between taking and dropping the lock, by whichever thread holds it. */
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire)) aw__cpu_relax();
    if (left < size) {
        void *p = mmap(NULL, RESERVATION_BYTES, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            atomic_flag_clear_explicit(&lock, memory_order_release);
            return aw__pages_map(size, 0);
        }
        if (left) munmap(next, left);
        next = p;
        left = RESERVATION_BYTES;
    }
    void *carved = next;
    next += size;
    left -= size;
    atomic_flag_clear_explicit(&lock, memory_order_release);
    return carved;
}
