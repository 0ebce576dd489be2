/* The token bucket as a generic cell rate algorithm (see ratelimit.h). */
#include "ratelimit.h"

void aw__rate_init(aw__rate_limiter *l, uint32_t per_second, uint32_t burst, uint64_t now_ns) {
    if (burst == 0) burst = per_second;
    l->interval_ns = per_second ? 1000000000u / per_second : 0;
    l->window_ns = l->interval_ns * burst;
    /* tat <= now: the bucket is full. */
    atomic_init(&l->tat, now_ns);
    atomic_init(&l->allowed, 0);
    atomic_init(&l->limited, 0);
}

bool aw__rate_take(aw__rate_limiter *l, uint64_t now_ns) {
    if (l->interval_ns == 0) {
        atomic_fetch_add_explicit(&l->allowed, 1, memory_order_relaxed);
        return true;
    }
    /* Relaxed is enough: tat carries no other data, and the CAS makes each
     * token taken once. */
    uint64_t tat = atomic_load_explicit(&l->tat, memory_order_relaxed);
    for (;;) {
        uint64_t start = tat > now_ns ? tat : now_ns;
        uint64_t next = start + l->interval_ns;
        if (next - now_ns > l->window_ns) {
            atomic_fetch_add_explicit(&l->limited, 1, memory_order_relaxed);
            return false;
        }
        if (atomic_compare_exchange_weak_explicit(&l->tat, &tat, next, memory_order_relaxed,
                                                  memory_order_relaxed))
            break;
    }
    atomic_fetch_add_explicit(&l->allowed, 1, memory_order_relaxed);
    return true;
}

void aw__rate_get_stats(aw__rate_limiter *l, uint64_t now_ns, aw__rate_stats *out) {
    out->allowed = atomic_load_explicit(&l->allowed, memory_order_relaxed);
    out->limited = atomic_load_explicit(&l->limited, memory_order_relaxed);
    if (l->interval_ns == 0) {
        out->tokens = UINT64_MAX;
        return;
    }
    uint64_t tat = atomic_load_explicit(&l->tat, memory_order_relaxed);
    uint64_t used = tat > now_ns ? tat - now_ns : 0; /* window already spoken for */
    out->tokens = used >= l->window_ns ? 0 : (l->window_ns - used) / l->interval_ns;
}
