/* A small freestanding C program compiled to wasm32 by clang-19: recursion,
 * loops over memory, a function-pointer table (call_indirect) and 64-bit
 * arithmetic, as real compilers emit them. */
#include <stdint.h>

typedef uint32_t (*op_fn)(uint32_t, uint32_t);

static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t op_mul(uint32_t a, uint32_t b) { return a * b; }
static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }
static op_fn ops[3] = {op_add, op_mul, op_xor};

volatile uint32_t selector;

uint32_t apply(uint32_t which, uint32_t a, uint32_t b) {
    selector = which;
    return ops[selector % 3](a, b);
}

static char text[64];

/* Writes the decimal digits of v into text; returns the length. */
uint32_t format_u64(uint64_t v) {
    char tmp[24];
    uint32_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (uint32_t i = 0; i < n; i++) text[i] = tmp[n - 1 - i];
    text[n] = 0;
    return n;
}

char *text_ptr(void) { return text; }

uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t data[256];

uint32_t sort_checksum(uint32_t seed) {
    for (uint32_t i = 0; i < 256; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = seed >> 8;
    }
    for (uint32_t i = 1; i < 256; i++) { /* insertion sort */
        uint32_t v = data[i], j = i;
        while (j > 0 && data[j - 1] > v) {
            data[j] = data[j - 1];
            j--;
        }
        data[j] = v;
    }
    uint32_t sorted = 1;
    for (uint32_t i = 1; i < 256; i++) sorted &= data[i - 1] <= data[i];
    return sorted;
}

int64_t mul_div(int64_t a, int64_t b, int64_t c) { return a * b / c; }

double hypot_sq(double x, double y) { return x * x + y * y; }
