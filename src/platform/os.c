/* Linux implementations of clocks, page mapping, CPU count, randomness, files. */
#define _GNU_SOURCE
#include "platform/os.h"

#include "base/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t clock_read(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t aw__clock_ns(void) {
    return clock_read(CLOCK_MONOTONIC);
}

uint64_t aw__clock_realtime_ns(void) {
    return clock_read(CLOCK_REALTIME);
}

uint64_t aw__clock_resolution_ns(void) {
    struct timespec ts;
    clock_getres(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void aw__sleep_ns(uint64_t ns) {
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

uint32_t aw__cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (uint32_t)n;
}

size_t aw__page_size(void) {
    static size_t cached;
    if (!cached) cached = (size_t)sysconf(_SC_PAGESIZE);
    return cached;
}

static size_t round_to_pages(size_t n) {
    size_t page = aw__page_size();
    return (n + page - 1) & ~(page - 1);
}

void *aw__pages_map(size_t size, size_t guard_bytes) {
    size_t usable = round_to_pages(size);
    size_t guard = round_to_pages(guard_bytes);
    if (usable == 0 && guard == 0) return NULL;
    int prot = guard ? PROT_NONE : PROT_READ | PROT_WRITE;
    void *p = mmap(NULL, usable + guard, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return NULL;
    if (!guard) return p;
    if (usable && mprotect(p, usable, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, usable + guard);
        return NULL;
    }
    return p;
}

void aw__pages_unmap(void *base, size_t size, size_t guard_bytes) {
    if (base) munmap(base, round_to_pages(size) + round_to_pages(guard_bytes));
}

void *aw__pages_remap(void *base, size_t old_size, size_t new_size) {
    void *p = mremap(base, round_to_pages(old_size), round_to_pages(new_size), MREMAP_MAYMOVE);
    return p == MAP_FAILED ? NULL : p;
}

aw_status aw__random_bytes(void *buf, size_t len) {
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return AW_IO_ERROR;
        }
        p += n;
        len -= (size_t)n;
    }
    return AW_OK;
}

aw_status aw__file_read(const char *path, uint8_t **data, size_t *len) {
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? AW_NOT_FOUND : AW_IO_ERROR;
    aw_status s = AW_IO_ERROR;
    uint8_t *buf = NULL;
    long size = 0;
    if (fseek(f, 0, SEEK_END) != 0) goto fail;
    size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) goto fail;
    buf = aw__malloc((size_t)size + 1);
    s = AW_NO_MEMORY;
    if (!buf) goto fail;
    s = AW_IO_ERROR;
    if (size > 0 && fread(buf, 1, (size_t)size, f) != (size_t)size) goto fail;
    buf[size] = 0;
    fclose(f);
    *data = buf;
    *len = (size_t)size;
    return AW_OK;
fail:
    if (buf) aw__free(buf, (size_t)size + 1);
    fclose(f);
    return s;
}
