/* A token-bucket rate limiter (messages per second with a burst), lock-free. */
#ifndef AW_POLICY_RATELIMIT_H
#define AW_POLICY_RATELIMIT_H

#include "airwasm/common.h"

#include <stdatomic.h>

/* The bucket holds at most `burst` tokens and refills at `per_second`
 * tokens a second; each message takes one token, and a message that finds
 * the bucket empty is refused. It starts full.
 *
 * It is kept as the generic cell rate algorithm: one word, the theoretical
 * arrival time `tat` (when the bucket would be full again), advanced by one
 * emission interval per message. A message at time `now` is allowed when
 * max(tat, now) + interval - now <= burst * interval. This is exactly the
 * token bucket above, but one compare-and-swap updates it, so any thread may
 * take tokens without a lock. The interval is 1e9 / per_second rounded down
 * to whole nanoseconds (a rate of 3/s allows 3.000000003/s). */
typedef struct aw__rate_limiter {
    uint64_t interval_ns; /* 0: no limit */
    uint64_t window_ns;   /* burst * interval_ns */
    _Atomic uint64_t tat; /* ns on the caller's monotonic clock */
    /* Statistics only (relaxed). */
    atomic_uint_fast64_t allowed, limited;
} aw__rate_limiter;

/* per_second 0 disables the limit (every take succeeds, still counted);
 * burst 0 means burst = per_second. now_ns is the monotonic clock. */
void aw__rate_init(aw__rate_limiter *l, uint32_t per_second, uint32_t burst, uint64_t now_ns);

/* Takes one token at now_ns; false (and counts a limit hit) when empty.
 * Safe from any number of threads at once. */
bool aw__rate_take(aw__rate_limiter *l, uint64_t now_ns);

typedef struct aw__rate_stats {
    uint64_t allowed;
    uint64_t limited;
    uint64_t tokens; /* whole tokens available at the time asked (UINT64_MAX: no limit) */
} aw__rate_stats;

void aw__rate_get_stats(aw__rate_limiter *l, uint64_t now_ns, aw__rate_stats *out);

#endif
