/* Workload matmul: dense double-precision matrix multiply, dominated by f64
 * loads, multiplies and adds. Inputs are multiples of 1/8 with small
 * magnitudes, so every product and sum is exact and the checksum is the same
 * whatever the rounding of a conforming implementation. */
#include "workload.h"

#define MATMUL_MAX 256

static double a[MATMUL_MAX * MATMUL_MAX];
static double bt[MATMUL_MAX * MATMUL_MAX]; /* b transposed: rows read in order */
static double c[MATMUL_MAX * MATMUL_MAX];

/* c = a * b for n x n matrices (n at most 256); returns a hash of c. */
WL_EXPORT uint32_t wl_matmul_run(uint32_t n) {
    if (n > MATMUL_MAX) {
        n = MATMUL_MAX;
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 31u + j * 17u) % 101u) / 8.0 - 6.0;
            bt[j * n + i] = (double)((i * 13u + j * 7u + 5u) % 89u) / 8.0 - 5.0;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        const double *row = &a[i * n];
        for (uint32_t j = 0; j < n; j++) {
            const double *col = &bt[j * n];
            double sum = 0.0;
            for (uint32_t k = 0; k < n; k++) {
                sum += row[k] * col[k];
            }
            c[i * n + j] = sum;
        }
    }
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < n * n; i++) {
        /* sum is a multiple of 1/64 well inside the int64 range */
        int64_t scaled = (int64_t)(c[i] * 64.0);
        hash = (hash ^ (uint32_t)scaled ^ (uint32_t)(scaled >> 32)) * 16777619u;
    }
    return hash;
}
