/* Tests of deterministic mode (CONVENTIONS rule 15): a seeded single-threaded
 * interleaving on a virtual clock; a rerun with the printed seed reproduces
 * the schedule exactly. Also a seeded stress run of crashes, exits, timeouts
 * and blocked actors that must end clean under every seed. */
#include "actor_fixture.h"

#include <stdlib.h>

enum { RING = 5, TRACE_MAX = 4096 };

typedef struct trace {
    uint64_t items[TRACE_MAX];
    size_t len;
} trace;

typedef struct node {
    trace *trace;
    aw_actor_ref *ring;
    uint64_t index;
} node;

static void record(trace *t, uint64_t item) {
    if (t->len < TRACE_MAX) t->items[t->len++] = item;
}

/* Forwards a token with a hop count round the ring, recording each step;
 * kind 2 arms a receive timeout, whose firing is recorded as well. */
static aw_handled node_handle(aw_actor *self, void *state, const aw_msg *msg) {
    node *n = state;
    aw_actor_system *sys = aw_actor_system_of(self);
    if (msg->kind == AW_MSG_TIMEOUT) {
        record(n->trace, 1000000 + n->index * 1000 + aw_actor_system_now(sys) / 1000000);
        return AW_DONE;
    }
    if (msg->kind == 2) {
        aw_actor_receive_timeout(self, msg->word[0]);
        return AW_DONE;
    }
    if (msg->kind == KIND_STOP) {
        aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
        return AW_DONE;
    }
    record(n->trace, n->index * 100000 + msg->word[0] * 100 + msg->word[1]);
    if (msg->word[1] > 0) {
        aw_msg next = msg_of(1, msg->word[0], msg->word[1] - 1);
        aw_actor_send(sys, n->ring[(n->index + 1 + msg->word[0]) % RING], &next);
    }
    return AW_DONE;
}

static const aw_behaviour node_behaviour = {"node", NULL, node_handle, NULL};

static void run_ring(uint64_t seed, trace *t, uint64_t *used_seed) {
    aw_actor_config cfg = {.deterministic = true, .seed = seed, .batch = 4};
    aw_actor_system *sys;
    assert_int_equal(aw_actor_system_create(&cfg, &sys), AW_OK);
    assert_int_equal(aw_actor_system_workers(sys), 0);
    *used_seed = aw_actor_system_seed(sys);
    aw_actor_ref ring[RING];
    node nodes[RING];
    for (uint64_t i = 0; i < RING; i++) {
        nodes[i] = (node){t, ring, i};
        assert_int_equal(aw_actor_spawn(sys, &node_behaviour, &nodes[i], NULL, &ring[i]), AW_OK);
    }
    for (uint64_t token = 0; token < 6; token++)
        assert_int_equal(
            aw_actor_send(sys, ring[token % RING], &(aw_msg){.kind = 1, .word = {token, 20}}),
            AW_OK);
    /* Two actors off the ring wait for receive timeouts. */
    node idlers[2] = {{t, ring, 7}, {t, ring, 8}};
    aw_actor_ref idle_refs[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(aw_actor_spawn(sys, &node_behaviour, &idlers[i], NULL, &idle_refs[i]),
                         AW_OK);
    aw_actor_send(sys, idle_refs[0], &(aw_msg){.kind = 2, .word = {50000000u}});
    aw_actor_send(sys, idle_refs[1], &(aw_msg){.kind = 2, .word = {30000000u}});
    aw_timer_send_after(sys, 40000000u, ring[2], &(aw_msg){.kind = 1, .word = {9, 3}}, NULL);
    assert_int_equal(aw_actor_system_wait_idle(sys, UINT64_MAX), AW_OK);
    /* Virtual time advanced to the last timer without sleeping. */
    assert_true(aw_actor_system_now(sys) >= 50000000u);
    for (int i = 0; i < RING; i++) aw_actor_send(sys, ring[i], &(aw_msg){.kind = KIND_STOP});
    for (int i = 0; i < 2; i++) aw_actor_send(sys, idle_refs[i], &(aw_msg){.kind = KIND_STOP});
    assert_int_equal(aw_actor_system_wait_idle(sys, UINT64_MAX), AW_OK);
    finish_system(sys);
}

static void test_same_seed_reproduces_the_schedule(void **state) {
    (void)state;
    static trace first, second, other;
    uint64_t seed, seed2, seed3;
    first.len = second.len = other.len = 0;
    run_ring(0, &first, &seed); /* a fresh seed, printed for reruns */
    print_message("deterministic seed=%llu\n", (unsigned long long)seed);
    run_ring(seed, &second, &seed2);
    assert_int_equal(seed2, seed);
    assert_int_equal(first.len, second.len);
    assert_memory_equal(first.items, second.items, first.len * sizeof first.items[0]);
    /* 6 tokens x 21 hops, 3 timer hops + 1, two receive timeouts. */
    assert_int_equal(first.len, 6 * 21 + 4 + 2);
    /* Another seed interleaves differently. */
    run_ring(seed + 1, &other, &seed3);
    assert_int_equal(other.len, first.len);
    bool differs = memcmp(first.items, other.items, first.len * sizeof first.items[0]) != 0;
    if (!differs) {
        run_ring(seed + 2, &other, &seed3);
        differs = memcmp(first.items, other.items, first.len * sizeof first.items[0]) != 0;
    }
    assert_true(differs);
}

/* ---- seeded stress: crashes, kills, blocked actors and timeouts racing ------------- */

typedef struct stress_actor {
    _Atomic uint64_t *terminated;
    aw_actor_ref *peers;
    uint32_t peer_count;
    uint64_t rng;
} stress_actor;

static uint64_t stress_random(stress_actor *st) {
    st->rng ^= st->rng << 13;
    st->rng ^= st->rng >> 7;
    st->rng ^= st->rng << 17;
    return st->rng;
}

static aw_handled stress_handle(aw_actor *self, void *state, const aw_msg *msg) {
    stress_actor *st = state;
    aw_actor_system *sys = aw_actor_system_of(self);
    if (msg->kind == AW_MSG_EXIT || msg->kind == AW_MSG_DOWN || msg->kind == AW_MSG_TIMEOUT)
        return AW_DONE;
    uint64_t r = stress_random(st);
    aw_actor_ref peer = st->peers[r % st->peer_count];
    switch ((r >> 8) % 10) {
        case 0:
            return aw_actor_crash(self, 1);
        case 1:
            aw_actor_link(self, peer);
            break;
        case 2:
            aw_actor_monitor(sys, aw_actor_self(self), peer, NULL);
            break;
        case 3:
            aw_actor_receive_timeout(self, (r >> 16) % 5000000u);
            break;
        case 4:
            aw_timer_send_after(sys, (r >> 16) % 3000000u, peer, &(aw_msg){.kind = 1}, NULL);
            break;
        case 5:
            aw_actor_wake(sys, peer);
            if ((r >> 20) % 3 == 0) return AW_BLOCK;
            break;
        case 6:
            return AW_YIELD;
        default:
            aw_actor_send(sys, peer, &(aw_msg){.kind = 1, .payload = aw_payload_new(8)});
            aw_actor_send(sys, peer, &(aw_msg){.kind = 1});
            break;
    }
    return AW_DONE;
}

static void stress_terminate(aw_actor *self, void *state, aw_reason reason) {
    (void)self;
    (void)reason;
    atomic_fetch_add(((stress_actor *)state)->terminated, 1);
}

static const aw_behaviour stress_behaviour = {"stress", NULL, stress_handle, stress_terminate};

static void stress_run(uint64_t seed) {
    enum { N = 24 };
    aw_actor_config cfg = {.deterministic = true, .seed = seed, .mailbox_capacity = 16};
    aw_actor_system *sys;
    assert_int_equal(aw_actor_system_create(&cfg, &sys), AW_OK);
    _Atomic uint64_t terminated = 0;
    aw_actor_ref peers[N];
    stress_actor st[N];
    for (uint32_t i = 0; i < N; i++) {
        st[i] = (stress_actor){&terminated, peers, N, seed * 31 + i + 1};
        aw_spawn_opts opts = {.trap_exit = (i % 3) == 0};
        assert_int_equal(aw_actor_spawn(sys, &stress_behaviour, &st[i], &opts, &peers[i]), AW_OK);
    }
    for (uint32_t i = 0; i < N; i++) aw_actor_send(sys, peers[i], &(aw_msg){.kind = 1});
    aw_actor_system_run(sys, 20000);
    aw_shutdown_report report;
    assert_int_equal(aw_actor_system_shutdown(sys, 0, &report), AW_OK);
    /* Every actor was terminated exactly once, by its own exit or the shutdown. */
    assert_int_equal(atomic_load(&terminated), N);
    assert_int_equal(aw_actor_system_live(sys), 0);
    drain_dead_letters(sys, -1);
    aw_actor_system_destroy(sys);
}

static void test_seeded_stress_ends_clean(void **state) {
    (void)state;
    const char *env = getenv("AW_SEED");
    uint64_t base = env ? strtoull(env, NULL, 10) : 1;
    for (uint64_t seed = base; seed < base + 40; seed++) stress_run(seed);
    print_message("stress seeds %llu..%llu (rerun one with AW_SEED)\n", (unsigned long long)base,
                  (unsigned long long)(base + 39));
}

/* The same stress on real worker threads (under ThreadSanitizer in CI):
 * whatever the interleaving, every actor is terminated exactly once and the
 * system ends with nothing leaked. */
static void test_threaded_stress_ends_clean(void **state) {
    (void)state;
    enum { N = 24 };
    for (int round = 0; round < 5; round++) {
        aw_actor_config cfg = {.workers = 2, .mailbox_capacity = 16};
        aw_actor_system *sys;
        assert_int_equal(aw_actor_system_create(&cfg, &sys), AW_OK);
        _Atomic uint64_t terminated = 0;
        aw_actor_ref peers[N];
        stress_actor st[N];
        for (uint32_t i = 0; i < N; i++) {
            st[i] = (stress_actor){&terminated, peers, N, (uint64_t)round * 977 + i + 1};
            aw_spawn_opts opts = {.trap_exit = (i % 3) == 0};
            assert_int_equal(aw_actor_spawn(sys, &stress_behaviour, &st[i], &opts, &peers[i]),
                             AW_OK);
        }
        for (uint32_t i = 0; i < N; i++) aw_actor_send(sys, peers[i], &(aw_msg){.kind = 1});
        aw__sleep_ns(50000000u);
        aw_shutdown_report report;
        assert_int_equal(aw_actor_system_shutdown(sys, 0, &report), AW_OK);
        assert_int_equal(atomic_load(&terminated), N);
        assert_int_equal(aw_actor_system_live(sys), 0);
        drain_dead_letters(sys, -1);
        aw_actor_system_destroy(sys);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_same_seed_reproduces_the_schedule),
        ACTOR_TEST(test_seeded_stress_ends_clean),
        ACTOR_TEST(test_threaded_stress_ends_clean),
    };
    return AW_TEST_RUN(tests);
}
