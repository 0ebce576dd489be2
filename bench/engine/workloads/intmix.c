/* Workload intmix: a CoreMark-like mix of integer work written for airwasm —
 * linked-list processing, small-matrix arithmetic, a token-classifying state
 * machine and a bitwise CRC chaining their results. Each kernel stresses a
 * different shape of code: pointer chasing, multiply-accumulate loops, and
 * unpredictable branches over bytes. */
#include "workload.h"

#define LIST_NODES 96u
#define MATRIX_DIM 12u
#define TEXT_BYTES 384u
#define NO_NODE 0xFFFFu

typedef struct list_node {
    uint16_t next;
    uint16_t key;
    uint16_t payload;
} list_node;

static list_node nodes[LIST_NODES];
static int16_t matrix_a[MATRIX_DIM * MATRIX_DIM];
static int16_t matrix_b[MATRIX_DIM * MATRIX_DIM];
static int32_t matrix_c[MATRIX_DIM * MATRIX_DIM];
static uint8_t text[TEXT_BYTES];

/* CRC-16/CCITT, one bit at a time as small embedded code would do it. */
static uint16_t crc16_byte(uint16_t crc, uint8_t byte) {
    crc = (uint16_t)(crc ^ (uint16_t)(byte << 8));
    for (unsigned bit = 0; bit < 8; bit++) {
        uint32_t shifted = (uint32_t)crc << 1;
        crc = (uint16_t)((crc & 0x8000u) ? shifted ^ 0x1021u : shifted);
    }
    return crc;
}

static uint16_t crc16_u32(uint16_t crc, uint32_t value) {
    crc = crc16_byte(crc, (uint8_t)value);
    crc = crc16_byte(crc, (uint8_t)(value >> 8));
    crc = crc16_byte(crc, (uint8_t)(value >> 16));
    return crc16_byte(crc, (uint8_t)(value >> 24));
}

static uint32_t next_random(uint32_t *seed) {
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* ---- list: build, reverse, search, merge sort ---------------------------- */

static uint16_t list_build(uint32_t *seed) {
    for (uint32_t i = 0; i < LIST_NODES; i++) {
        nodes[i].next = (uint16_t)(i + 1 < LIST_NODES ? i + 1 : NO_NODE);
        nodes[i].key = (uint16_t)(next_random(seed) & 0x3FFu);
        nodes[i].payload = (uint16_t)i;
    }
    return 0;
}

static uint16_t list_reverse(uint16_t head) {
    uint16_t reversed = NO_NODE;
    while (head != NO_NODE) {
        uint16_t next = nodes[head].next;
        nodes[head].next = reversed;
        reversed = head;
        head = next;
    }
    return reversed;
}

/* Position of the first node with key, or a miss count penalty. */
static uint32_t list_find(uint16_t head, uint16_t key) {
    uint32_t position = 0;
    for (uint16_t at = head; at != NO_NODE; at = nodes[at].next) {
        if (nodes[at].key == key) {
            return position;
        }
        position++;
    }
    return 0x10000u + position;
}

/* Bottom-up merge sort of the list by key (stable), in place by relinking. */
static uint16_t list_sort(uint16_t head) {
    for (uint32_t width = 1;; width *= 2) {
        uint16_t remaining = head;
        uint16_t tail = NO_NODE;
        uint32_t merges = 0;
        head = NO_NODE;
        while (remaining != NO_NODE) {
            merges++;
            uint16_t left = remaining;
            uint32_t left_len = 0;
            while (remaining != NO_NODE && left_len < width) {
                remaining = nodes[remaining].next;
                left_len++;
            }
            uint16_t right = remaining;
            uint32_t right_len = 0;
            while (remaining != NO_NODE && right_len < width) {
                remaining = nodes[remaining].next;
                right_len++;
            }
            while (left_len > 0 || right_len > 0) {
                uint16_t take;
                if (right_len == 0 || (left_len > 0 && nodes[left].key <= nodes[right].key)) {
                    take = left;
                    left = nodes[left].next;
                    left_len--;
                } else {
                    take = right;
                    right = nodes[right].next;
                    right_len--;
                }
                if (tail == NO_NODE) {
                    head = take;
                } else {
                    nodes[tail].next = take;
                }
                tail = take;
            }
        }
        nodes[tail].next = NO_NODE;
        if (merges <= 1) {
            return head;
        }
    }
}

static uint16_t list_kernel(uint16_t crc, uint32_t *seed) {
    uint16_t head = list_build(seed);
    head = list_reverse(head);
    for (unsigned i = 0; i < 8; i++) {
        crc = crc16_u32(crc, list_find(head, (uint16_t)(next_random(seed) & 0x3FFu)));
    }
    head = list_sort(head);
    uint32_t position = 0;
    for (uint16_t at = head; at != NO_NODE; at = nodes[at].next) {
        crc = crc16_u32(crc, (uint32_t)nodes[at].key << 16 | nodes[at].payload);
        position++;
    }
    return crc16_u32(crc, position);
}

/* ---- matrix: scale, add, multiply, bit fields ---------------------------- */

static uint16_t matrix_kernel(uint16_t crc, uint32_t *seed) {
    const uint32_t dim = MATRIX_DIM;
    for (uint32_t i = 0; i < dim * dim; i++) {
        matrix_a[i] = (int16_t)((int32_t)(next_random(seed) & 0xFFFu) - 0x800);
        matrix_b[i] = (int16_t)((int32_t)(next_random(seed) & 0xFFu) - 0x80);
    }
    int16_t constant = (int16_t)(next_random(seed) & 0x7Fu);
    for (uint32_t i = 0; i < dim * dim; i++) {
        matrix_a[i] = (int16_t)(matrix_a[i] + constant);
    }
    int32_t vector_sum = 0;
    for (uint32_t i = 0; i < dim; i++) {
        int32_t dot = 0;
        for (uint32_t k = 0; k < dim; k++) {
            dot += matrix_a[i * dim + k] * matrix_b[k];
        }
        vector_sum ^= dot;
    }
    for (uint32_t i = 0; i < dim; i++) {
        for (uint32_t j = 0; j < dim; j++) {
            int32_t sum = 0;
            for (uint32_t k = 0; k < dim; k++) {
                sum += matrix_a[i * dim + k] * matrix_b[k * dim + j];
            }
            matrix_c[i * dim + j] = sum;
        }
    }
    uint32_t fields = 0;
    for (uint32_t i = 0; i < dim * dim; i++) {
        uint32_t v = (uint32_t)matrix_c[i];
        fields += ((v >> 2) & 0xFu) * ((v >> 5) & 0x7Fu);
    }
    crc = crc16_u32(crc, (uint32_t)vector_sum);
    crc = crc16_u32(crc, fields);
    return crc16_u32(crc, (uint32_t)matrix_c[dim * dim / 2]);
}

/* ---- state machine: classify comma-separated tokens ---------------------- */

typedef enum token_state {
    STATE_START,
    STATE_SIGN,
    STATE_INT,
    STATE_HEX_PREFIX,
    STATE_HEX,
    STATE_FRACTION,
    STATE_EXPONENT_MARK,
    STATE_EXPONENT,
    STATE_INVALID,
    STATE_COUNT
} token_state;

static void text_build(uint32_t *seed) {
    static const uint8_t alphabet[16] = {'0', '1', '5', '9', ',', ',', '-', '+',
                                         '.', 'e', 'x', 'a', 'F', '3', '7', '0'};
    for (uint32_t i = 0; i < TEXT_BYTES; i++) {
        text[i] = alphabet[next_random(seed) & 15u];
    }
}

static int is_digit(uint8_t c) {
    return c >= '0' && c <= '9';
}

static int is_hex_letter(uint8_t c) {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static token_state step(token_state state, uint8_t c) {
    switch (state) {
    case STATE_START:
        if (c == '-' || c == '+') {
            return STATE_SIGN;
        }
        if (c == '0') {
            return STATE_HEX_PREFIX;
        }
        return is_digit(c) ? STATE_INT : STATE_INVALID;
    case STATE_SIGN:
        return is_digit(c) ? STATE_INT : STATE_INVALID;
    case STATE_HEX_PREFIX:
        if (c == 'x') {
            return STATE_HEX;
        }
        if (c == '.') {
            return STATE_FRACTION;
        }
        return is_digit(c) ? STATE_INT : STATE_INVALID;
    case STATE_INT:
        if (c == '.') {
            return STATE_FRACTION;
        }
        if (c == 'e') {
            return STATE_EXPONENT_MARK;
        }
        return is_digit(c) ? STATE_INT : STATE_INVALID;
    case STATE_HEX:
        return (is_digit(c) || is_hex_letter(c)) ? STATE_HEX : STATE_INVALID;
    case STATE_FRACTION:
        if (c == 'e') {
            return STATE_EXPONENT_MARK;
        }
        return is_digit(c) ? STATE_FRACTION : STATE_INVALID;
    case STATE_EXPONENT_MARK:
        if (c == '-' || c == '+' || is_digit(c)) {
            return STATE_EXPONENT;
        }
        return STATE_INVALID;
    case STATE_EXPONENT:
        return is_digit(c) ? STATE_EXPONENT : STATE_INVALID;
    default:
        return STATE_INVALID;
    }
}

static uint16_t state_kernel(uint16_t crc, uint32_t *seed) {
    uint32_t final_counts[STATE_COUNT] = {0};
    uint32_t transitions = 0;
    text_build(seed);
    token_state state = STATE_START;
    for (uint32_t i = 0; i < TEXT_BYTES; i++) {
        uint8_t c = text[i];
        if (c == ',') {
            final_counts[state]++;
            state = STATE_START;
            continue;
        }
        token_state next = step(state, c);
        transitions += next != state;
        state = next;
    }
    final_counts[state]++;
    for (unsigned s = 0; s < STATE_COUNT; s++) {
        crc = crc16_u32(crc, final_counts[s]);
    }
    return crc16_u32(crc, transitions);
}

/* n rounds of the three kernels, each round seeded from the previous CRC. */
WL_EXPORT uint32_t wl_intmix_run(uint32_t n) {
    uint16_t crc = 0xFFFFu;
    uint32_t mixed = 0;
    for (uint32_t round = 0; round < n; round++) {
        uint32_t seed = crc * 2654435761u + round;
        crc = list_kernel(crc, &seed);
        crc = matrix_kernel(crc, &seed);
        crc = state_kernel(crc, &seed);
        mixed = (mixed << 5 | mixed >> 27) ^ crc;
    }
    return mixed;
}
