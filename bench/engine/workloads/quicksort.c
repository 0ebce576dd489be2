/* Workload quicksort: sorts pseudo-random 32-bit keys, dominated by compares,
 * data-dependent branches and swaps in memory. */
#include "workload.h"

#define QUICKSORT_MAX (1u << 20)
#define SMALL_RANGE 16u

static uint32_t keys[QUICKSORT_MAX];

static void insertion_sort(uint32_t *v, uint32_t len) {
    for (uint32_t i = 1; i < len; i++) {
        uint32_t key = v[i];
        uint32_t j = i;
        while (j > 0 && v[j - 1] > key) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = key;
    }
}

static void swap(uint32_t *v, uint32_t i, uint32_t j) {
    uint32_t t = v[i];
    v[i] = v[j];
    v[j] = t;
}

/* Median-of-three Hoare partitioning; recursion on the smaller side only, so
 * the depth stays logarithmic. */
static void quicksort(uint32_t *v, uint32_t len) {
    while (len > SMALL_RANGE) {
        uint32_t mid = len / 2;
        if (v[mid] < v[0]) {
            swap(v, mid, 0);
        }
        if (v[len - 1] < v[0]) {
            swap(v, len - 1, 0);
        }
        if (v[len - 1] < v[mid]) {
            swap(v, len - 1, mid);
        }
        uint32_t pivot = v[mid];
        uint32_t i = 0;
        uint32_t j = len - 1;
        for (;;) {
            while (v[i] < pivot) {
                i++;
            }
            while (v[j] > pivot) {
                j--;
            }
            if (i >= j) {
                break;
            }
            swap(v, i, j);
            i++;
            j--;
        }
        /* [0, j] holds keys <= pivot, [j + 1, len) keys >= pivot. */
        uint32_t left = j + 1;
        if (left < len - left) {
            quicksort(v, left);
            v += left;
            len -= left;
        } else {
            quicksort(v + left, len - left);
            len = left;
        }
    }
    insertion_sort(v, len);
}

/* Sorts n (at most 1 Mi) xorshift keys; returns a position-weighted hash of
 * the sorted keys, or 0 if they are out of order. */
WL_EXPORT uint32_t wl_quicksort_run(uint32_t n) {
    if (n > QUICKSORT_MAX) {
        n = QUICKSORT_MAX;
    }
    uint32_t x = 2463534242u;
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        keys[i] = x % 1000003u; /* repeated keys exercise the equal-key path */
    }
    quicksort(keys, n);
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && keys[i - 1] > keys[i]) {
            return 0;
        }
        hash = (hash ^ (keys[i] + i)) * 16777619u;
    }
    return hash;
}
