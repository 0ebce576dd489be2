/* Workload sieve: the sieve of Eratosthenes over a byte array, dominated by
 * byte loads and stores in tight loops. */
#include "workload.h"

#define SIEVE_MAX (1u << 23)

static uint8_t composite[SIEVE_MAX];

/* Sieves the numbers below n (at most 8 Mi) and returns the prime count mixed
 * with a hash of the primes, so a wrong mark anywhere changes the result. */
WL_EXPORT uint32_t wl_sieve_run(uint32_t n) {
    if (n > SIEVE_MAX) {
        n = SIEVE_MAX;
    }
    for (uint32_t i = 0; i < n; i++) {
        composite[i] = 0;
    }
    uint32_t count = 0;
    uint32_t hash = 2166136261u;
    for (uint32_t i = 2; i < n; i++) {
        if (composite[i]) {
            continue;
        }
        count++;
        hash = (hash ^ i) * 16777619u;
        if (i > (n - 1) / i) {
            continue; /* i * i is past the end (and could overflow) */
        }
        for (uint32_t j = i * i; j < n; j += i) {
            composite[j] = 1;
        }
    }
    return hash ^ (count << 7);
}
