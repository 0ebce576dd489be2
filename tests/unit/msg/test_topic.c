/* Topics: name and pattern validation, wildcard matching, the subscription
 * index (subscribe, unsubscribe, unsubscribe-all, allocation failure), and
 * concurrent matching while a writer changes subscriptions. */
#include "test_support.h"

#include "msg/topic.h"
#include "platform/thread.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(text) text, strlen(text)

static void validates_names_and_patterns(void **state) {
    (void)state;
    aw_error err;
    assert_int_equal(aw__topic_check_name(S("billing.events.paid"), &err), AW_OK);
    assert_int_equal(aw__topic_check_name(S("a"), &err), AW_OK);
    assert_int_equal(aw__topic_check_pattern(S("billing.*.paid"), &err), AW_OK);
    assert_int_equal(aw__topic_check_pattern(S(">"), &err), AW_OK);
    assert_int_equal(aw__topic_check_pattern(S("*.>"), &err), AW_OK);
    const char *bad_names[] = {"", ".", "a.", ".a", "a..b", "a.*", "a.>", "a b", "a\tb",
                               "a*", "x>y", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        if (aw__topic_check_name(S(bad_names[i]), &err) != AW_INVALID_ARGUMENT)
            fail_msg("accepted bad topic \"%s\"", bad_names[i]);
    const char *bad_patterns[] = {"", "a.>.b", ">.a", "a.**", "a.b*", "a..*", "*.", "a.>>"};
    for (size_t i = 0; i < sizeof bad_patterns / sizeof bad_patterns[0]; i++)
        if (aw__topic_check_pattern(S(bad_patterns[i]), &err) != AW_INVALID_ARGUMENT)
            fail_msg("accepted bad pattern \"%s\"", bad_patterns[i]);
    assert_int_equal(aw__topic_check_name(S("a..b"), &err), AW_INVALID_ARGUMENT);
    assert_int_equal(err.offset, 2);
    char longest[AW__TOPIC_MAX_LEN + 2];
    memset(longest, 'x', sizeof longest);
    assert_int_equal(aw__topic_check_name(longest, AW__TOPIC_MAX_LEN, &err), AW_OK);
    assert_int_equal(aw__topic_check_name(longest, AW__TOPIC_MAX_LEN + 1, &err),
                     AW_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "limit"));
}

static bool matches(const char *pattern, const char *name) {
    return aw__topic_matches(S(pattern), S(name));
}

static void direct_matching(void **state) {
    (void)state;
    assert_true(matches("a.b.c", "a.b.c"));
    assert_false(matches("a.b.c", "a.b"));
    assert_false(matches("a.b", "a.b.c"));
    assert_false(matches("a.b.c", "a.b.cd"));
    assert_true(matches("a.*.c", "a.x.c"));
    assert_false(matches("a.*.c", "a.c"));
    assert_false(matches("a.*", "a.b.c"));
    assert_true(matches("a.>", "a.b"));
    assert_true(matches("a.>", "a.b.c.d"));
    assert_false(matches("a.>", "a"));
    assert_true(matches(">", "anything.at.all"));
    assert_true(matches("*.>", "a.b"));
    assert_false(matches("*.>", "a"));
    assert_true(matches("*", "a"));
    assert_false(matches("*", "a.b"));
}

typedef struct collected {
    uint64_t ids[64];
    size_t count;
} collected;

static void collect(void *ctx, uint64_t subscriber) {
    collected *c = ctx;
    if (c->count < 64) c->ids[c->count] = subscriber;
    c->count++;
}

static bool has(const collected *c, uint64_t id) {
    for (size_t i = 0; i < c->count && i < 64; i++)
        if (c->ids[i] == id) return true;
    return false;
}

static collected match(aw__topic_index *ix, const char *name) {
    collected c = {{0}, 0};
    size_t n = 99;
    assert_int_equal(aw__topic_match(ix, S(name), collect, &c, &n, NULL), AW_OK);
    assert_int_equal(n, c.count);
    return c;
}

static void index_matches_wildcards(void **state) {
    (void)state;
    aw__topic_index *ix;
    assert_int_equal(aw__topic_index_create(&ix), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing.events.paid"), 1, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing.*.paid"), 2, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing.>"), 3, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S(">"), 4, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("*.events.*"), 5, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing"), 6, NULL), AW_OK);
    assert_int_equal(aw__topic_index_size(ix), 6);

    collected c = match(ix, "billing.events.paid");
    assert_int_equal(c.count, 5);
    for (uint64_t id = 1; id <= 5; id++) assert_true(has(&c, id));
    c = match(ix, "billing.events");
    assert_int_equal(c.count, 2);
    assert_true(has(&c, 3) && has(&c, 4));
    c = match(ix, "billing");
    assert_int_equal(c.count, 2); /* exact and ">" (one token) but not "billing.>" */
    assert_true(has(&c, 6) && has(&c, 4));
    c = match(ix, "audit.events.x");
    assert_int_equal(c.count, 2);
    assert_true(has(&c, 4) && has(&c, 5));
    c = match(ix, "billing.events.paid.late");
    assert_int_equal(c.count, 2);
    assert_true(has(&c, 3) && has(&c, 4));

    /* Bad names are refused, not matched. */
    aw_error err;
    assert_int_equal(aw__topic_match(ix, S("billing.*"), collect, &c, NULL, &err),
                     AW_INVALID_ARGUMENT);
    aw__topic_index_destroy(ix);
    aw__topic_index_destroy(NULL);
}

static void subscribe_unsubscribe(void **state) {
    (void)state;
    aw__topic_index *ix;
    aw_error err;
    assert_int_equal(aw__topic_index_create(&ix), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("a.b"), 7, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("a.b"), 7, &err), AW_ALREADY_EXISTS);
    assert_int_equal(aw__topic_subscribe(ix, S("a.b"), 8, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("a.b."), 8, &err), AW_INVALID_ARGUMENT);
    assert_int_equal(aw__topic_subscribe(ix, S("a.*"), 7, NULL), AW_OK);
    /* 7 has two matching patterns and is called once. */
    collected c = match(ix, "a.b");
    assert_int_equal(c.count, 2);
    assert_true(has(&c, 7) && has(&c, 8));
    assert_int_equal(aw__topic_unsubscribe(ix, S("a.b"), 9), AW_NOT_FOUND);
    assert_int_equal(aw__topic_unsubscribe(ix, S("a.c"), 7), AW_NOT_FOUND);
    assert_int_equal(aw__topic_unsubscribe(ix, S("a..c"), 7), AW_NOT_FOUND);
    assert_int_equal(aw__topic_unsubscribe(ix, S("a.b"), 7), AW_OK);
    assert_int_equal(aw__topic_unsubscribe(ix, S("a.b"), 7), AW_NOT_FOUND);
    c = match(ix, "a.b");
    assert_int_equal(c.count, 2);
    assert_true(has(&c, 8) && has(&c, 7));
    assert_int_equal(aw__topic_unsubscribe_all(ix, 7), 1);
    assert_int_equal(aw__topic_unsubscribe_all(ix, 7), 0);
    c = match(ix, "a.b");
    assert_int_equal(c.count, 1);
    assert_true(has(&c, 8));
    assert_int_equal(aw__topic_unsubscribe(ix, S("a.b"), 8), AW_OK);
    assert_int_equal(aw__topic_index_size(ix), 0);
    assert_int_equal(match(ix, "a.b").count, 0);
    aw__topic_index_destroy(ix);
}

/* Many subscribers on one pattern, removed in an order that moves elements
 * around inside the list: every remaining one is still found and removable. */
static void many_subscribers_swap_remove(void **state) {
    (void)state;
    aw__topic_index *ix;
    assert_int_equal(aw__topic_index_create(&ix), AW_OK);
    enum { N = 200 };
    for (uint64_t id = 0; id < N; id++) {
        assert_int_equal(aw__topic_subscribe(ix, S("orders.>"), id, NULL), AW_OK);
        assert_int_equal(aw__topic_subscribe(ix, S("orders.new"), id, NULL), AW_OK);
    }
    for (uint64_t id = 0; id < N; id += 3) assert_int_equal(aw__topic_unsubscribe_all(ix, id), 2);
    for (uint64_t id = 1; id < N; id += 3)
        assert_int_equal(aw__topic_unsubscribe(ix, S("orders.new"), id), AW_OK);
    size_t n;
    assert_int_equal(aw__topic_match(ix, S("orders.new"), collect, &(collected){{0}, 0}, &n, NULL),
                     AW_OK);
    /* One call per subscriber left, whether one or two of its patterns match. */
    size_t thirds = (N + 2) / 3;
    assert_int_equal(n, N - thirds);
    for (uint64_t id = 0; id < N; id++) {
        size_t removed = aw__topic_unsubscribe_all(ix, id);
        assert_int_equal(removed, id % 3 == 0 ? 0 : id % 3 == 1 ? 1 : 2);
    }
    assert_int_equal(aw__topic_index_size(ix), 0);
    aw__topic_index_destroy(ix);
}

/* Fails each allocation in turn: subscribe reports AW_NO_MEMORY, the index
 * stays consistent, and nothing leaks. */
static void allocation_failures(void **state) {
    (void)state;
    for (uint64_t nth = 1; nth <= 40; nth++) {
        aw__topic_index *ix = NULL;
        aw_test_allocator_fail_at(nth);
        aw_status s = aw__topic_index_create(&ix);
        if (s != AW_OK) {
            assert_int_equal(s, AW_NO_MEMORY);
            assert_null(ix);
            aw_test_allocator_fail_at(0);
            continue;
        }
        aw_status s1 = aw__topic_subscribe(ix, S("a.b.c"), 1, NULL);
        aw_status s2 = aw__topic_subscribe(ix, S("a.*.c"), 2, NULL);
        aw_status s3 = aw__topic_subscribe(ix, S("a.>"), 1, NULL);
        aw_test_allocator_fail_at(0);
        size_t expect = (size_t)(s1 == AW_OK) + (size_t)(s2 == AW_OK) + (size_t)(s3 == AW_OK);
        assert_int_equal(aw__topic_index_size(ix), expect);
        /* Subscribers called: 1 (once, through either of its patterns) and 2. */
        size_t subscribers = (size_t)(s1 == AW_OK || s3 == AW_OK) + (size_t)(s2 == AW_OK);
        size_t n;
        assert_int_equal(aw__topic_match(ix, S("a.b.c"), collect, &(collected){{0}, 0}, &n, NULL),
                         AW_OK);
        assert_int_equal(n, subscribers);
        assert_int_equal(aw__topic_subscribe(ix, S("a.b.c"), 1, NULL),
                         s1 == AW_OK ? AW_ALREADY_EXISTS : AW_OK);
        aw__topic_index_destroy(ix);
    }
}

typedef struct race {
    aw__topic_index *ix;
    atomic_bool stop;
    atomic_size_t matched;
} race;

/* A subscriber whose patterns overlap gets one copy of a publish, whichever
 * of them match, and unsubscribing one leaves the others working. */
static void overlapping_patterns_deliver_once(void **state) {
    (void)state;
    aw__topic_index *ix;
    assert_int_equal(aw__topic_index_create(&ix), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing.>"), 7, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing.*.paid"), 7, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing.events.paid"), 7, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S(">"), 7, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("*.events.*"), 8, NULL), AW_OK);
    assert_int_equal(aw__topic_subscribe(ix, S("billing.events.paid"), 8, NULL), AW_OK);

    collected c = match(ix, "billing.events.paid"); /* 7: four patterns, 8: two */
    assert_int_equal(c.count, 2);
    assert_true(has(&c, 7) && has(&c, 8));
    c = match(ix, "billing.x.paid"); /* 7: three patterns; 8: none */
    assert_int_equal(c.count, 1);
    assert_true(has(&c, 7));
    c = match(ix, "audit"); /* 7 through ">" alone */
    assert_int_equal(c.count, 1);
    assert_true(has(&c, 7));

    assert_int_equal(aw__topic_unsubscribe(ix, S(">"), 7), AW_OK);
    assert_int_equal(aw__topic_unsubscribe(ix, S("billing.>"), 7), AW_OK);
    c = match(ix, "billing.events.paid");
    assert_int_equal(c.count, 2);
    c = match(ix, "audit");
    assert_int_equal(c.count, 0);
    c = match(ix, "billing.events.late"); /* 8 through *.events.* */
    assert_int_equal(c.count, 1);
    assert_true(has(&c, 8));
    aw__topic_index_destroy(ix);
}

static void count_only(void *ctx, uint64_t subscriber) {
    (void)subscriber;
    atomic_fetch_add_explicit((atomic_size_t *)ctx, 1, memory_order_relaxed);
}

static void *reader(void *arg) {
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        size_t n;
        aw__topic_match(r->ix, S("metrics.host1.cpu"), count_only, &r->matched, &n, NULL);
        /* The permanent subscriber is always there. */
        if (n < 1) abort();
    }
    return NULL;
}

static void concurrent_match_and_change(void **state) {
    (void)state;
    race r;
    assert_int_equal(aw__topic_index_create(&r.ix), AW_OK);
    atomic_init(&r.stop, false);
    atomic_init(&r.matched, 0);
    assert_int_equal(aw__topic_subscribe(r.ix, S("metrics.>"), 1000, NULL), AW_OK);
    aw__thread readers[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(aw__thread_create(&readers[i], reader, &r, "topic-reader"), AW_OK);
    char pattern[64];
    for (int round = 0; round < 300; round++) {
        for (uint64_t id = 0; id < 8; id++) {
            int n = snprintf(pattern, sizeof pattern, "metrics.%s.cpu", id % 2 ? "*" : "host1");
            aw__topic_subscribe(r.ix, pattern, (size_t)n, id, NULL);
        }
        for (uint64_t id = 0; id < 8; id++) aw__topic_unsubscribe_all(r.ix, id);
    }
    /* The writer may finish before a reader was ever scheduled (2 cores,
     * writer-preferring lock): let the readers match at least once. */
    while (atomic_load(&r.matched) == 0) aw__thread_yield();
    atomic_store(&r.stop, true);
    for (int i = 0; i < 3; i++) aw__thread_join(readers[i], NULL);
    assert_int_equal(aw__topic_index_size(r.ix), 1);
    assert_true(atomic_load(&r.matched) > 0);
    aw__topic_index_destroy(r.ix);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validates_names_and_patterns),
        cmocka_unit_test(direct_matching),
        cmocka_unit_test(index_matches_wildcards),
        cmocka_unit_test(overlapping_patterns_deliver_once),
        cmocka_unit_test(subscribe_unsubscribe),
        cmocka_unit_test(many_subscribers_swap_remove),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(concurrent_match_and_change),
    };
    return AW_TEST_RUN(tests);
}
