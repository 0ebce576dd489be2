/* Tests of spawning, sending, ordering, bounded mailboxes, dead actors,
 * shutdown and the handler contract (YIELD, BLOCK and wake). */
#include "actor_fixture.h"

/* ---- FIFO per sender and no loss under a multi-producer flood ---------------- */

#define PRODUCERS 4
#define PER_PRODUCER 20000u

typedef struct order_state {
    uint64_t next_seq[PRODUCERS];
    _Atomic uint64_t received;
    _Atomic uint64_t out_of_order;
} order_state;

static aw_handled order_handle(aw_actor *self, void *state, const aw_msg *msg) {
    order_state *st = state;
    if (msg->kind == KIND_STOP) {
        aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
        return AW_DONE;
    }
    uint64_t p = msg->word[0];
    if (msg->word[1] != st->next_seq[p]) atomic_fetch_add(&st->out_of_order, 1);
    st->next_seq[p] = msg->word[1] + 1;
    atomic_fetch_add(&st->received, 1);
    return AW_DONE;
}

static const aw_behaviour order_behaviour = {"order", NULL, order_handle, NULL};

typedef struct producer {
    aw_actor_system *sys;
    aw_actor_ref to;
    uint64_t id;
    uint64_t full; /* AW_MAILBOX_FULL answers, retried */
} producer;

static void *produce(void *arg) {
    producer *p = arg;
    for (uint64_t i = 0; i < PER_PRODUCER; i++) {
        aw_msg m = msg_of(1, p->id, i);
        aw_status s;
        while ((s = aw_actor_send(p->sys, p->to, &m)) == AW_MAILBOX_FULL) {
            p->full++;
            aw__thread_yield();
        }
        assert_int_equal(s, AW_OK);
    }
    return NULL;
}

static void flood(uint32_t capacity) {
    aw_actor_system *sys = make_system(2);
    order_state st = {0};
    aw_spawn_opts opts = {.mailbox_capacity = capacity};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &order_behaviour, &st, &opts, &r), AW_OK);
    producer prods[PRODUCERS];
    aw__thread threads[PRODUCERS];
    for (uint64_t i = 0; i < PRODUCERS; i++) {
        prods[i] = (producer){sys, r, i, 0};
        assert_int_equal(aw__thread_create(&threads[i], produce, &prods[i], "producer"), AW_OK);
    }
    for (int i = 0; i < PRODUCERS; i++) aw__thread_join(threads[i], NULL);
    wait_for(&st.received, PRODUCERS * PER_PRODUCER);
    assert_int_equal(atomic_load(&st.out_of_order), 0);
    for (int i = 0; i < PRODUCERS; i++) assert_int_equal(st.next_seq[i], PER_PRODUCER);
    /* Refused sends were retried by their senders, not logged. */
    assert_int_equal(aw_dead_letters_total(sys), 0);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    finish_system(sys);
}

static void test_fifo_and_no_loss_unbounded(void **state) {
    (void)state;
    flood(UINT32_MAX);
}

static void test_fifo_and_no_loss_bounded(void **state) {
    (void)state;
    flood(64);
}

/* ---- bounded mailbox rejection, BLOCK and wake ---------------------------------- */

typedef struct block_state {
    _Atomic uint64_t calls;
    uint64_t seen[32];
    _Atomic uint64_t seen_count;
    bool block_next;
    _Atomic uint64_t terminated;
} block_state;

/* Blocks on kind 1 messages once (the first call), then takes them. */
static aw_handled block_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    block_state *st = state;
    atomic_fetch_add(&st->calls, 1);
    if (msg->kind == KIND_STOP) {
        aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
        return AW_DONE;
    }
    if (msg->kind == 1 && st->block_next) {
        st->block_next = false;
        return AW_BLOCK;
    }
    uint64_t i = atomic_load(&st->seen_count);
    if (i < 32) st->seen[i] = msg->word[0];
    atomic_store(&st->seen_count, i + 1);
    return AW_DONE;
}

static void block_terminate(aw_actor *self, void *state, aw_reason reason) {
    (void)self;
    (void)reason;
    atomic_fetch_add(&((block_state *)state)->terminated, 1);
}

static const aw_behaviour block_behaviour = {"block", NULL, block_handle, block_terminate};

static void test_bounded_mailbox_rejects_when_full(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    block_state st = {.block_next = true};
    aw_spawn_opts opts = {.mailbox_capacity = 8};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &block_behaviour, &st, &opts, &r), AW_OK);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 1, .word = {100}}), AW_OK);
    wait_for(&st.calls, 1);
    /* Blocked: eight more fit, the ninth is refused at once. */
    for (uint64_t i = 0; i < 8; i++)
        assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 2, .word = {i}}), AW_OK);
    aw_payload *p = aw_payload_copy("x", 1);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 2, .word = {99}, .payload = p}),
                     AW_MAILBOX_FULL);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&st.calls), 1);
    /* Refused: nothing logged, the payload is still ours. */
    assert_int_equal(aw_dead_letters_total(sys), 0);
    aw_payload_release(p);
    uint64_t waiting;
    assert_int_equal(aw_actor_mailbox_length(sys, r, &waiting), AW_OK);
    assert_int_equal(waiting, 8);
    assert_int_equal(aw_actor_mailbox_length(sys, AW_ACTOR_NONE, &waiting), AW_NO_SUCH_ACTOR);
    /* Wake: the held message comes again, then the queued ones in order. */
    assert_int_equal(aw_actor_wake(sys, r), AW_OK);
    wait_for(&st.seen_count, 9);
    assert_int_equal(st.seen[0], 100);
    for (uint64_t i = 0; i < 8; i++) assert_int_equal(st.seen[i + 1], i);
    assert_int_equal(atomic_load(&st.calls), 10);
    /* The mailbox has room again. */
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&st.terminated), 1);
    finish_system(sys);
}

static void test_block_keeps_exit_signals_flowing(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    block_state st = {.block_next = true};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &block_behaviour, &st, NULL, &r), AW_OK);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 1, .word = {7}}), AW_OK);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 2, .word = {8}}), AW_OK);
    wait_for(&st.calls, 1);
    /* A wake that comes early (before anything blocks again) is remembered. */
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, r, (aw_reason){AW_EXIT_SHUTDOWN, 0}), AW_OK);
    wait_for(&st.terminated, 1);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    assert_false(aw_actor_alive(sys, r));
    /* The held message and the queued one are dead letters. */
    assert_int_equal(drain_dead_letters(sys, AW_NO_SUCH_ACTOR), 2);
    assert_int_equal(atomic_load(&st.calls), 1);
    finish_system(sys);
}

/* ---- YIELD --------------------------------------------------------------------- */

typedef struct yield_state {
    _Atomic uint64_t *other_ran;
    uint64_t turns;
    uint64_t started;
    uint64_t first_word;
    bool same_message;
    bool other_ran_before_done;
    _Atomic uint64_t done;
} yield_state;

/* Yields its message until the other actor has run (on the single worker,
 * that can only happen because YIELD gives the worker away). */
static aw_handled yield_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    yield_state *st = state;
    if (st->turns++ == 0) {
        st->first_word = msg->word[0];
        st->started = aw__clock_ns();
    }
    if (msg->word[0] != st->first_word) st->same_message = false;
    if (atomic_load(st->other_ran) == 0 && aw__clock_ns() - st->started < 20000000000u)
        return AW_YIELD;
    st->other_ran_before_done = atomic_load(st->other_ran) != 0;
    atomic_store(&st->done, 1);
    return AW_DONE;
}

static const aw_behaviour yield_behaviour = {"yield", NULL, yield_handle, NULL};

static void test_yield_redelivers_same_message_and_lets_others_run(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(1);
    _Atomic uint64_t other_ran = 0;
    yield_state ys = {.other_ran = &other_ran, .same_message = true};
    aw_actor_ref y, o;
    assert_int_equal(aw_actor_spawn(sys, &yield_behaviour, &ys, NULL, &y), AW_OK);
    assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &other_ran, NULL, &o), AW_OK);
    assert_int_equal(aw_actor_send(sys, y, &(aw_msg){.kind = 1, .word = {42}}), AW_OK);
    aw__sleep_ns(1000000);
    assert_int_equal(aw_actor_send(sys, o, &(aw_msg){.kind = 1}), AW_OK);
    wait_for(&ys.done, 1);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    assert_true(ys.same_message);
    assert_int_equal(ys.first_word, 42);
    assert_true(ys.other_ran_before_done);
    assert_true(ys.turns > 1);
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, y, (aw_reason){AW_EXIT_KILL, 0}), AW_OK);
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, o, (aw_reason){AW_EXIT_KILL, 0}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    finish_system(sys);
}

/* ---- dead actors and stale references -------------------------------------------- */

static void test_send_to_dead_actor_is_refused(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    _Atomic uint64_t count = 0;
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &count, NULL, &r), AW_OK);
    assert_true(aw_actor_alive(sys, r));
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    assert_false(aw_actor_alive(sys, r));
    aw_payload *p = aw_payload_copy("late", 4);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 1, .payload = p}), AW_NO_SUCH_ACTOR);
    /* The slot is reused by a later spawn (once the workers have passed a
     * quiescent point), under a new generation: the old reference still
     * names nobody. */
    /* Free slots are reused last-freed first: keep the other new actors
     * alive until one of them lands in r's slot. */
    enum { TRIES = 2000 };
    static aw_actor_ref extra[TRIES];
    size_t extras = 0;
    aw_actor_ref r2 = AW_ACTOR_NONE;
    for (int tries = 0; tries < TRIES; tries++) {
        assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &count, NULL, &r2), AW_OK);
        if ((r2 & 0xffffffffu) == (r & 0xffffffffu)) break;
        extra[extras++] = r2;
        aw__sleep_ns(20000);
    }
    for (size_t i = 0; i < extras; i++)
        assert_int_equal(aw_actor_send(sys, extra[i], &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_not_equal(r2, r);
    assert_int_equal(r2 & 0xffffffffu, r & 0xffffffffu);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 1}), AW_NO_SUCH_ACTOR);
    assert_int_equal(aw_actor_send(sys, r2, &(aw_msg){.kind = 1}), AW_OK);
    assert_int_equal(aw_actor_send(sys, AW_ACTOR_NONE, &(aw_msg){.kind = 1}), AW_NO_SUCH_ACTOR);
    assert_int_equal(aw_actor_send(sys, 0xdeadbeef00001234u, &(aw_msg){.kind = 1}),
                     AW_NO_SUCH_ACTOR);
    wait_for(&count, 1);
    aw_dead_letter dl[8];
    size_t n = aw_dead_letters_take(sys, dl, 8);
    assert_int_equal(n, 4);
    assert_int_equal(dl[0].status, AW_NO_SUCH_ACTOR);
    assert_int_equal(dl[0].target, r);
    assert_ptr_equal(dl[0].msg.payload, p);
    for (size_t i = 0; i < n; i++) aw_payload_release(dl[i].msg.payload);
    assert_int_equal(aw_actor_send(sys, r2, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    finish_system(sys);
}

/* Senders race the exit of their target: every send either lands before the
 * exit (and is handled or dead-lettered) or fails; nothing is lost or used
 * after it is freed (ASan/TSan runs check the second half). */
typedef struct racer {
    aw_actor_system *sys;
    aw_actor_ref *targets;
    size_t count;
    uint64_t ok, refused;
} racer;

static void *race_sends(void *arg) {
    racer *r = arg;
    for (int round = 0; round < 200; round++)
        for (size_t i = 0; i < r->count; i++) {
            aw_status s = aw_actor_send(r->sys, r->targets[i], &(aw_msg){.kind = 1});
            if (s == AW_OK)
                r->ok++;
            else
                r->refused++;
        }
    return NULL;
}

static void test_sends_racing_exits_are_safe(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    enum { N = 64 };
    aw_actor_ref targets[N];
    _Atomic uint64_t count = 0;
    for (int i = 0; i < N; i++)
        assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &count, NULL, &targets[i]), AW_OK);
    racer rs[2] = {{sys, targets, N, 0, 0}, {sys, targets, N, 0, 0}};
    aw__thread t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(aw__thread_create(&t[i], race_sends, &rs[i], "racer"), AW_OK);
    for (int i = 0; i < N; i++) aw_actor_send(sys, targets[i], &(aw_msg){.kind = KIND_STOP});
    for (int i = 0; i < 2; i++) aw__thread_join(t[i], NULL);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    /* Accepted sends were either handled or dead-lettered at the exit. */
    uint64_t ok = rs[0].ok + rs[1].ok;
    uint64_t dead_total = aw_dead_letters_total(sys);
    assert_true(atomic_load(&count) + dead_total >= ok);
    drain_dead_letters(sys, -1);
    assert_int_equal(aw_actor_system_live(sys), 0);
    finish_system(sys);
}

/* ---- shutdown with live actors ------------------------------------------------------- */

static void test_shutdown_reports_live_actors_and_queued_messages(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    block_state st[5];
    aw_actor_ref refs[5];
    for (int i = 0; i < 5; i++) {
        st[i] = (block_state){.block_next = true};
        assert_int_equal(aw_actor_spawn(sys, &block_behaviour, &st[i], NULL, &refs[i]), AW_OK);
        assert_int_equal(aw_actor_send(sys, refs[i], &(aw_msg){.kind = 1}), AW_OK);
        wait_for(&st[i].calls, 1);
        for (int k = 0; k < 3; k++)
            assert_int_equal(
                aw_actor_send(sys, refs[i], &(aw_msg){.kind = 2, .payload = aw_payload_new(16)}),
                AW_OK);
    }
    aw_shutdown_report report;
    assert_int_equal(aw_actor_system_shutdown(sys, 100000000u, &report), AW_OK);
    assert_true(report.drained); /* blocked actors are idle */
    assert_int_equal(report.actors_left, 5);
    /* Each had its held message and three queued ones. */
    assert_int_equal(report.messages_left, 20);
    for (int i = 0; i < 5; i++) assert_int_equal(atomic_load(&st[i].terminated), 1);
    assert_int_equal(aw_actor_system_live(sys), 0);
    assert_int_equal(drain_dead_letters(sys, AW_SHUTTING_DOWN), 20);
    assert_int_equal(aw_actor_send(sys, refs[0], &(aw_msg){.kind = 1}), AW_SHUTTING_DOWN);
    assert_int_equal(aw_actor_spawn(sys, &block_behaviour, &st[0], NULL, &refs[0]),
                     AW_SHUTTING_DOWN);
    drain_dead_letters(sys, -1);
    aw_actor_system_destroy(sys);
}

/* ---- spawn failures --------------------------------------------------------------- */

static aw_status failing_init(aw_actor *self, void *arg, void **state) {
    (void)self;
    (void)arg;
    (void)state;
    return AW_INVALID_ARGUMENT;
}

static const aw_behaviour failing = {"failing", failing_init, stop_or_crash_handle, NULL};

static void test_spawn_reports_init_failure(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(1);
    aw_actor_ref r = 1;
    assert_int_equal(aw_actor_spawn(sys, &failing, NULL, NULL, &r), AW_INVALID_ARGUMENT);
    assert_int_equal(r, AW_ACTOR_NONE);
    assert_int_equal(aw_actor_system_live(sys), 0);
    aw_spawn_opts opts = {.link = 0x0000000500000009u};
    assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, NULL, &opts, &r), AW_NO_SUCH_ACTOR);
    assert_int_equal(aw_actor_system_live(sys), 0);
    finish_system(sys);
}

static void test_spawn_survives_allocation_failures(void **state) {
    (void)state;
    for (uint64_t nth = 1; nth < 40; nth++) {
        aw_actor_system *sys = NULL;
        aw_actor_config cfg = {.workers = 1};
        aw_test_allocator_fail_at(nth);
        aw_status s = aw_actor_system_create(&cfg, &sys);
        if (s == AW_OK) {
            aw_actor_ref r;
            s = aw_actor_spawn(sys, &stop_or_crash, NULL, &(aw_spawn_opts){.name = "n"}, &r);
            aw_test_allocator_fail_at(0);
            aw_actor_system_destroy(sys);
        } else {
            assert_null(sys);
        }
        aw_test_allocator_fail_at(0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_fifo_and_no_loss_unbounded),
        ACTOR_TEST(test_fifo_and_no_loss_bounded),
        ACTOR_TEST(test_bounded_mailbox_rejects_when_full),
        ACTOR_TEST(test_block_keeps_exit_signals_flowing),
        ACTOR_TEST(test_yield_redelivers_same_message_and_lets_others_run),
        ACTOR_TEST(test_send_to_dead_actor_is_refused),
        ACTOR_TEST(test_sends_racing_exits_are_safe),
        ACTOR_TEST(test_shutdown_reports_live_actors_and_queued_messages),
        ACTOR_TEST(test_spawn_reports_init_failure),
        ACTOR_TEST(test_spawn_survives_allocation_failures),
    };
    return AW_TEST_RUN(tests);
}
