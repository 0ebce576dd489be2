/* aw__rate_limiter: burst, refill, counters, no limit, and many threads
 * taking tokens at once never getting more than the bucket allows. */
#include "test_support.h"

#include "platform/thread.h"
#include "policy/ratelimit.h"

#define SECOND 1000000000ull

static void burst_then_refill(void **state) {
    (void)state;
    aw__rate_limiter l;
    uint64_t t0 = 5 * SECOND;
    aw__rate_init(&l, 10, 3, t0); /* 10/s: one token each 100 ms, at most 3 */
    assert_true(aw__rate_take(&l, t0));
    assert_true(aw__rate_take(&l, t0));
    assert_true(aw__rate_take(&l, t0));
    assert_false(aw__rate_take(&l, t0));
    assert_false(aw__rate_take(&l, t0 + SECOND / 10 - 1));
    assert_true(aw__rate_take(&l, t0 + SECOND / 10)); /* one token back */
    assert_false(aw__rate_take(&l, t0 + SECOND / 10));
    /* A long pause refills to the burst, never beyond. */
    uint64_t later = t0 + 100 * SECOND;
    for (int i = 0; i < 3; i++) assert_true(aw__rate_take(&l, later));
    assert_false(aw__rate_take(&l, later));
    aw__rate_stats st;
    aw__rate_get_stats(&l, later, &st);
    assert_int_equal(st.allowed, 7);
    assert_int_equal(st.limited, 4);
    assert_int_equal(st.tokens, 0);
    aw__rate_get_stats(&l, later + SECOND, &st);
    assert_int_equal(st.tokens, 3);
}

static void steady_rate(void **state) {
    (void)state;
    /* Offered 1000 messages over 10 s at 1000/s against a 50/s limit: about
     * burst + 50 * 10 pass. */
    aw__rate_limiter l;
    aw__rate_init(&l, 50, 5, 0);
    uint64_t passed = 0;
    for (uint64_t i = 0; i < 10000; i++) passed += aw__rate_take(&l, i * (SECOND / 1000));
    assert_in_range(passed, 500, 506);
}

static void burst_defaults_to_rate(void **state) {
    (void)state;
    aw__rate_limiter l;
    aw__rate_init(&l, 4, 0, 0);
    for (int i = 0; i < 4; i++) assert_true(aw__rate_take(&l, 0));
    assert_false(aw__rate_take(&l, 0));
}

static void no_limit(void **state) {
    (void)state;
    aw__rate_limiter l;
    aw__rate_init(&l, 0, 0, 0);
    for (int i = 0; i < 1000; i++) assert_true(aw__rate_take(&l, 0));
    aw__rate_stats st;
    aw__rate_get_stats(&l, 0, &st);
    assert_int_equal(st.allowed, 1000);
    assert_int_equal(st.limited, 0);
    assert_true(st.tokens == UINT64_MAX);
}

static void extremes(void **state) {
    (void)state;
    aw__rate_limiter l;
    aw__rate_init(&l, 1000000000u, 1000000000u, UINT64_MAX / 2);
    assert_true(aw__rate_take(&l, UINT64_MAX / 2));
    aw__rate_init(&l, 1, 1000000000u, 0);
    assert_true(aw__rate_take(&l, 0));
    aw__rate_stats st;
    aw__rate_get_stats(&l, 0, &st);
    assert_int_equal(st.tokens, 999999999u);
}

typedef struct racer {
    aw__rate_limiter *l;
    uint64_t won;
} racer;

static void *race(void *arg) {
    racer *r = arg;
    for (int i = 0; i < 20000; i++) r->won += aw__rate_take(r->l, 1000);
    return NULL;
}

static void concurrent_takes(void **state) {
    (void)state;
    aw__rate_limiter l;
    aw__rate_init(&l, 1, 777, 1000); /* a frozen clock: exactly the burst passes */
    enum { N = 4 };
    racer r[N];
    aw__thread t[N];
    for (int i = 0; i < N; i++) {
        r[i] = (racer){&l, 0};
        assert_int_equal(aw__thread_create(&t[i], race, &r[i], "racer"), AW_OK);
    }
    uint64_t total = 0;
    for (int i = 0; i < N; i++) {
        aw__thread_join(t[i], NULL);
        total += r[i].won;
    }
    assert_int_equal(total, 777);
    aw__rate_stats st;
    aw__rate_get_stats(&l, 1000, &st);
    assert_int_equal(st.allowed + st.limited, N * 20000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_then_refill), cmocka_unit_test(steady_rate),
        cmocka_unit_test(burst_defaults_to_rate), cmocka_unit_test(no_limit),
        cmocka_unit_test(extremes), cmocka_unit_test(concurrent_takes),
    };
    return AW_TEST_RUN(tests);
}
