/* Tests of the payload pool: reuse, size classes, the bound on cached blocks,
 * references, and blocks released on another thread while the owner
 * allocates. */
#include "actor_fixture.h"

#include "actor/payload_pool.h"
#include "base/alloc.h"

static void test_a_released_block_is_reused(void **state) {
    (void)state;
    aw__payload_pool pool;
    aw__payload_pool_init(&pool);
    aw_payload *p = aw__payload_pool_copy(&pool, "abc", 3);
    assert_non_null(p);
    assert_int_equal(p->len, 3);
    assert_memory_equal(p->bytes, "abc", 3);
    assert_int_equal(aw__payload_pool_blocks(&pool), 1);
    aw_payload_release(p);
    /* Given back, not freed: the next payload of the class is the same block. */
    assert_int_equal(aw__payload_pool_blocks(&pool), 1);
    aw_payload *q = aw__payload_pool_copy(&pool, "xyz!", 4);
    assert_ptr_equal(q, p);
    assert_int_equal(q->len, 4);
    assert_memory_equal(q->bytes, "xyz!", 4);
    assert_int_equal(aw__payload_pool_blocks(&pool), 1);
    aw_payload_release(q);
    aw__payload_pool_destroy(&pool);
    assert_int_equal(aw__payload_pool_blocks(&pool), 0);
}

static void test_sizes_pick_classes_and_large_ones_bypass(void **state) {
    (void)state;
    aw__payload_pool pool;
    aw__payload_pool_init(&pool);
    size_t max = aw__payload_pool_max_len();
    assert_true(max >= 1024);
    uint8_t *bytes = aw__malloc(max + 1);
    for (size_t i = 0; i <= max; i++) bytes[i] = (uint8_t)(i * 7 + 1);
    size_t sizes[] = {0, 1, 23, 24, 25, 88, 89, 500, 1000, max - 1, max};
    aw_payload *ps[sizeof sizes / sizeof sizes[0]];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ps[i] = aw__payload_pool_copy(&pool, bytes, sizes[i]);
        assert_non_null(ps[i]);
        assert_int_equal(ps[i]->len, sizes[i]);
        if (sizes[i]) assert_memory_equal(ps[i]->bytes, bytes, sizes[i]);
    }
    assert_int_equal(aw__payload_pool_blocks(&pool), sizeof sizes / sizeof sizes[0]);
    /* One byte over the largest class: an ordinary payload, not counted. */
    aw_payload *big = aw__payload_pool_copy(&pool, bytes, max + 1);
    assert_non_null(big);
    assert_int_equal(big->len, max + 1);
    assert_memory_equal(big->bytes, bytes, max + 1);
    assert_int_equal(aw__payload_pool_blocks(&pool), sizeof sizes / sizeof sizes[0]);
    aw_payload_release(big);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) aw_payload_release(ps[i]);
    /* Each size gets its own class back: a small one never takes a big block. */
    aw_payload *small = aw__payload_pool_new(&pool, 1);
    aw_payload *large = aw__payload_pool_new(&pool, max);
    assert_int_equal(aw__payload_pool_blocks(&pool), sizeof sizes / sizeof sizes[0]);
    memset(large->bytes, 0xab, max);
    aw_payload_release(small);
    aw_payload_release(large);
    aw__free(bytes, max + 1);
    aw__payload_pool_destroy(&pool);
}

static void test_a_block_returns_on_the_last_reference_only(void **state) {
    (void)state;
    aw__payload_pool pool;
    aw__payload_pool_init(&pool);
    aw_payload *p = aw__payload_pool_new(&pool, 8);
    aw_payload_retain(p);
    aw_payload_release(p);
    /* Still referenced: a new payload must be a different block. */
    aw_payload *q = aw__payload_pool_new(&pool, 8);
    assert_ptr_not_equal(q, p);
    assert_int_equal(aw__payload_pool_blocks(&pool), 2);
    aw_payload_release(p);
    aw_payload_release(q);
    aw__payload_pool_destroy(&pool);
}

/* Allocates n payloads of len, releases them all, then takes one more:
 * returns how many blocks the pool keeps cached afterwards. */
static size_t cached_after_burst(aw__payload_pool *pool, size_t n, size_t len) {
    aw_payload **ps = aw__calloc(n, sizeof *ps);
    for (size_t i = 0; i < n; i++) ps[i] = aw__payload_pool_new(pool, len);
    assert_int_equal(aw__payload_pool_blocks(pool), n);
    for (size_t i = 0; i < n; i++) aw_payload_release(ps[i]);
    aw__free(ps, n * sizeof *ps);
    aw_payload *p = aw__payload_pool_new(pool, len);
    size_t cached = aw__payload_pool_cached(pool);
    /* Whatever is not cached or in use went back to the allocator. */
    assert_int_equal(aw__payload_pool_blocks(pool), cached + 1);
    aw_payload_release(p);
    return cached;
}

static void test_cached_blocks_are_bounded(void **state) {
    (void)state;
    aw__payload_pool pool;
    aw__payload_pool_init(&pool);
    /* A burst comes back; what waits to be taken is bounded, and so is what
     * a class keeps (64 KiB worth: few of the largest blocks). */
    size_t small = cached_after_burst(&pool, 3000, 4);
    assert_true(small > 0);
    assert_true(small < AW__PAYLOAD_POOL_RETURNED_MAX);
    aw__payload_pool_destroy(&pool);
    aw__payload_pool_init(&pool);
    size_t large = cached_after_burst(&pool, 3000, aw__payload_pool_max_len());
    assert_true(large > 0);
    assert_true(large <= 32);
    aw__payload_pool_destroy(&pool);
}

/* Cross-thread release: the owner allocates and hands payloads through a
 * ring to a releaser thread, which checks and releases them while the owner
 * keeps allocating. */
enum { RING = 64, ITEMS = 200000 };

typedef struct handoff {
    aw_payload *slots[RING];
    _Atomic uint64_t head; /* written by the owner */
    _Atomic uint64_t tail; /* written by the releaser */
    _Atomic uint64_t bad;
} handoff;

static void *releaser(void *arg) {
    handoff *h = arg;
    for (uint64_t i = 0; i < ITEMS; i++) {
        /* Acquire: pairs with the owner's release store of head. */
        while (atomic_load_explicit(&h->head, memory_order_acquire) == i) aw__cpu_relax();
        aw_payload *p = h->slots[i % RING];
        size_t len = i % 300;
        if (p->len != len || (len && p->bytes[len - 1] != (uint8_t)i)) atomic_fetch_add(&h->bad, 1);
        aw_payload_release(p);
        atomic_store_explicit(&h->tail, i + 1, memory_order_release);
    }
    return NULL;
}

static void test_blocks_released_on_another_thread_come_back(void **state) {
    (void)state;
    aw__payload_pool pool;
    aw__payload_pool_init(&pool);
    handoff *h = aw__calloc(1, sizeof *h);
    aw__thread t;
    assert_int_equal(aw__thread_create(&t, releaser, h, "releaser"), AW_OK);
    uint8_t bytes[300];
    for (uint64_t i = 0; i < ITEMS; i++) {
        while (i - atomic_load_explicit(&h->tail, memory_order_acquire) >= RING) aw__cpu_relax();
        size_t len = i % 300;
        memset(bytes, (int)(uint8_t)i, sizeof bytes);
        aw_payload *p = aw__payload_pool_copy(&pool, bytes, len);
        assert_non_null(p);
        h->slots[i % RING] = p;
        /* Release: the slot and the payload bytes reach the releaser. */
        atomic_store_explicit(&h->head, i + 1, memory_order_release);
    }
    aw__thread_join(t, NULL);
    assert_int_equal(atomic_load(&h->bad), 0);
    /* At most a ring's worth in flight, plus what the classes may cache. */
    assert_true(aw__payload_pool_blocks(&pool) <= RING + 2000);
    aw__free(h, sizeof *h);
    aw__payload_pool_destroy(&pool);
}

static uint32_t waiting(aw__payload_pool *pool) {
    return atomic_load_explicit(&pool->returned_count, memory_order_relaxed);
}

/* Rule 5: a batching thread's releases reach the pool when it flushes, when
 * it has gathered a batch, when it releases for another pool, or when it
 * ends batching; every block comes back in the end. */
static void test_batched_releases_come_back_at_flush(void **state) {
    (void)state;
    aw__payload_pool a, b;
    aw__payload_pool_init(&a);
    aw__payload_pool_init(&b);
    aw_payload *held[AW__PAYLOAD_POOL_BATCH + 8];
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
        held[i] = aw__payload_pool_copy(&a, "x", 1);
    aw_payload *other = aw__payload_pool_copy(&b, "y", 1);

    aw__payload_pool_batch_begin();
    for (size_t i = 0; i < 5; i++) aw_payload_release(held[i]);
    assert_int_equal(waiting(&a), 0); /* gathered, not pushed */
    aw__payload_pool_batch_flush();
    assert_int_equal(waiting(&a), 5);
    for (size_t i = 5; i < 5 + AW__PAYLOAD_POOL_BATCH; i++) aw_payload_release(held[i]);
    assert_int_equal(waiting(&a), 5 + AW__PAYLOAD_POOL_BATCH); /* a full batch goes at once */
    aw_payload_release(held[5 + AW__PAYLOAD_POOL_BATCH]);
    assert_int_equal(waiting(&a), 5 + AW__PAYLOAD_POOL_BATCH);
    aw_payload_release(other); /* another pool: a's gathered block goes first */
    assert_int_equal(waiting(&a), 6 + AW__PAYLOAD_POOL_BATCH);
    assert_int_equal(waiting(&b), 0);
    aw__payload_pool_batch_end();
    assert_int_equal(waiting(&b), 1);
    for (size_t i = 6 + AW__PAYLOAD_POOL_BATCH; i < sizeof held / sizeof held[0]; i++)
        aw_payload_release(held[i]); /* not batching any more: pushed at once */
    assert_int_equal(waiting(&a), sizeof held / sizeof held[0]);

    /* The owner takes them back: no new block is needed for as many payloads. */
    uint64_t blocks = aw__payload_pool_blocks(&a);
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
        held[i] = aw__payload_pool_copy(&a, "z", 1);
    assert_int_equal(aw__payload_pool_blocks(&a), blocks);
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++) aw_payload_release(held[i]);
    aw__payload_pool_destroy(&a);
    aw__payload_pool_destroy(&b);
}

/* Payloads of a pool travel between actors like any other. */
static _Atomic uint64_t received;

static aw_handled release_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    (void)state;
    if (msg->payload && msg->payload->len == 5 && memcmp(msg->payload->bytes, "hello", 5) == 0)
        atomic_fetch_add(&received, 1);
    return AW_DONE;
}

static const aw_behaviour release_behaviour = {"release", NULL, release_handle, NULL};

static void test_pooled_payloads_cross_a_mailbox(void **state) {
    (void)state;
    atomic_store(&received, 0);
    aw__payload_pool pool;
    aw__payload_pool_init(&pool);
    aw_actor_system *sys = make_system(2);
    aw_actor_ref ref;
    assert_int_equal(aw_actor_spawn(sys, &release_behaviour, NULL, NULL, &ref), AW_OK);
    for (uint64_t i = 0; i < 10000; i++) {
        aw_msg m = {.kind = 1, .payload = aw__payload_pool_copy(&pool, "hello", 5)};
        assert_int_equal(aw_actor_send(sys, ref, &m), AW_OK);
    }
    wait_for(&received, 10000);
    aw_actor_exit(sys, AW_ACTOR_NONE, ref, (aw_reason){AW_EXIT_SHUTDOWN, 0});
    finish_system(sys);
    aw__payload_pool_destroy(&pool);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_a_released_block_is_reused),
        ACTOR_TEST(test_sizes_pick_classes_and_large_ones_bypass),
        ACTOR_TEST(test_a_block_returns_on_the_last_reference_only),
        ACTOR_TEST(test_cached_blocks_are_bounded),
        ACTOR_TEST(test_blocks_released_on_another_thread_come_back),
        ACTOR_TEST(test_pooled_payloads_cross_a_mailbox),
        ACTOR_TEST(test_batched_releases_come_back_at_flush),
    };
    return AW_TEST_RUN(tests);
}
