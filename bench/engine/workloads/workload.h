/* The benchmark workloads' shared header: each workload is one freestanding C
 * file built twice, for wasm32 (its run function exported as "run") and
 * natively into bench_engine (as wl_<name>_run), so both run the same code.
 *
 * No libc: a workload uses only <stdint.h> and static arrays, and resets its
 * state at the start of every run so repeated runs return the same checksum. */
#ifndef AW_BENCH_WORKLOAD_H
#define AW_BENCH_WORKLOAD_H

#include <stdint.h>

#if defined(__wasm__)
#define WL_EXPORT __attribute__((export_name("run")))
#else
#define WL_EXPORT
#endif

/* Each returns a checksum of its work for size or repetition count n. */
uint32_t wl_fib_run(uint32_t n);
uint32_t wl_sieve_run(uint32_t n);
uint32_t wl_matmul_run(uint32_t n);
uint32_t wl_sha256_run(uint32_t n);
uint32_t wl_quicksort_run(uint32_t n);
uint32_t wl_intmix_run(uint32_t n);

#endif
