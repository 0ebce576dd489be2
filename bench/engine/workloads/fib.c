/* Workload fib: naive recursive Fibonacci, dominated by call and return. */
#include "workload.h"

static uint32_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* fib(n) modulo 2^32. */
WL_EXPORT uint32_t wl_fib_run(uint32_t n) {
    return fib(n);
}
