/* Trace ids: cheap per-message generation and the W3C traceparent text form.
 * Ids need to be unique, not secret, so each thread runs its own wyrand
 * generator (a 64-bit counter stepped by an odd constant and mixed by one
 * 64x64->128-bit multiply: a few instructions per id, no shared state),
 * seeded once from the OS. */
#include "msg/trace.h"

#include "platform/os.h"

#include <string.h>

typedef struct rng_state {
    uint64_t s;
    bool seeded;
} rng_state;

/* initial-exec: the library is built as PIC, and the default TLS model would
 * make every id a call into the dynamic linker. */
static _Thread_local rng_state thread_rng __attribute__((tls_model("initial-exec")));

static void rng_seed(rng_state *r) {
    uint64_t seed = 0;
    if (aw__random_bytes(&seed, sizeof seed) != AW_OK)
        seed = aw__clock_realtime_ns() ^ aw__clock_ns() ^ (uint64_t)(uintptr_t)r;
    r->s = seed;
    r->seeded = true;
}

/* Inlined into the callers below: a new root context costs three of these
 * and one thread-local lookup, not three calls. The counter visits every
 * 64-bit value once per period, so a thread's ids do not repeat for 2^64
 * steps. */
static inline uint64_t rng_next(rng_state *r) {
    for (;;) {
        r->s += UINT64_C(0xa0761d6478bd642f);
        unsigned __int128 m = (unsigned __int128)r->s * (r->s ^ UINT64_C(0xe7037ed1a0b428db));
        uint64_t result = (uint64_t)(m >> 64) ^ (uint64_t)m;
        if (result != 0) return result;
    }
}

static inline rng_state *thread_state(void) {
    rng_state *r = &thread_rng;
    if (__builtin_expect(!r->seeded, 0)) rng_seed(r);
    return r;
}

uint64_t aw__trace_random_u64(void) {
    return rng_next(thread_state());
}

void aw__trace_new_root(aw__trace *out, uint8_t flags) {
    rng_state *r = thread_state();
    out->trace_hi = rng_next(r);
    out->trace_lo = rng_next(r);
    out->span_id = rng_next(r);
    out->flags = flags;
}

void aw__trace_new_child(aw__trace *out, const aw__trace *parent) {
    if (!parent || !aw__trace_is_set(parent)) {
        aw__trace_new_root(out, parent ? parent->flags : 0);
        return;
    }
    out->trace_hi = parent->trace_hi;
    out->trace_lo = parent->trace_lo;
    out->flags = parent->flags;
    out->span_id = rng_next(thread_state());
}

static const char hex_digits[] = "0123456789abcdef";

static void put_hex(char *out, uint64_t value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = hex_digits[value & 0xf];
        value >>= 4;
    }
}

void aw__trace_format(const aw__trace *t, char out[AW__TRACEPARENT_LEN + 1]) {
    memcpy(out, "00-", 3);
    put_hex(out + 3, t->trace_hi, 16);
    put_hex(out + 19, t->trace_lo, 16);
    out[35] = '-';
    put_hex(out + 36, t->span_id, 16);
    out[52] = '-';
    put_hex(out + 53, t->flags, 2);
    out[55] = '\0';
}

/* Lowercase hex only: W3C trace-context forbids uppercase. */
static bool get_hex(const char *text, int digits, uint64_t *value) {
    uint64_t v = 0;
    for (int i = 0; i < digits; i++) {
        char c = text[i];
        unsigned d;
        if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
        else return false;
        v = (v << 4) | d;
    }
    *value = v;
    return true;
}

aw_status aw__trace_parse(const char *text, size_t len, aw__trace *out) {
    if (len < AW__TRACEPARENT_LEN) return AW_MALFORMED;
    uint64_t version, hi, lo, span, flags;
    if (!get_hex(text, 2, &version) || version == 0xff) return AW_MALFORMED;
    if (version == 0 && len != AW__TRACEPARENT_LEN) return AW_MALFORMED;
    if (version != 0 && len > AW__TRACEPARENT_LEN && text[AW__TRACEPARENT_LEN] != '-')
        return AW_MALFORMED;
    if (text[2] != '-' || text[35] != '-' || text[52] != '-') return AW_MALFORMED;
    if (!get_hex(text + 3, 16, &hi) || !get_hex(text + 19, 16, &lo) ||
        !get_hex(text + 36, 16, &span) || !get_hex(text + 53, 2, &flags))
        return AW_MALFORMED;
    if ((hi | lo) == 0 || span == 0) return AW_MALFORMED;
    out->trace_hi = hi;
    out->trace_lo = lo;
    out->span_id = span;
    out->flags = (uint8_t)flags;
    return AW_OK;
}
