/* Tests of the timer wheel: send-after, callbacks, cancellation, many timers
 * and receive timeouts. */
#include "actor_fixture.h"

typedef struct stamp_state {
    _Atomic uint64_t count;
    _Atomic uint64_t last_at;
    _Atomic uint64_t timeouts;
    _Atomic uint64_t sum;
    uint64_t receive_timeout_ns;
} stamp_state;

static aw_handled stamp_handle(aw_actor *self, void *state, const aw_msg *msg) {
    stamp_state *st = state;
    if (msg->kind == KIND_STOP) {
        aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
        return AW_DONE;
    }
    if (msg->kind == AW_MSG_TIMEOUT) {
        atomic_fetch_add(&st->timeouts, 1);
        return AW_DONE;
    }
    if (msg->kind == 7) {
        /* Arm a receive timeout. */
        aw_actor_receive_timeout(self, st->receive_timeout_ns);
        return AW_DONE;
    }
    atomic_store(&st->last_at, aw_actor_system_now(aw_actor_system_of(self)));
    atomic_fetch_add(&st->sum, msg->word[0]);
    atomic_fetch_add(&st->count, 1);
    return AW_DONE;
}

static const aw_behaviour stamp = {"stamp", NULL, stamp_handle, NULL};

static void stop_actor(aw_actor_system *sys, aw_actor_ref r) {
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
}

static void test_send_after_fires_not_before_its_deadline(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    stamp_state st = {0};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &stamp, &st, NULL, &r), AW_OK);
    uint64_t start = aw_actor_system_now(sys);
    aw_timer_id id;
    aw_payload *p = aw_payload_copy("tick", 4);
    assert_int_equal(
        aw_timer_send_after(sys, 200000000u, r, &(aw_msg){.kind = 1, .payload = p}, &id), AW_OK);
    assert_int_not_equal(id, 0);
    assert_int_equal(aw_timer_pending(sys), 1);
    wait_for(&st.count, 1);
    assert_true(atomic_load(&st.last_at) - start >= 200000000u);
    assert_int_equal(aw_timer_pending(sys), 0);
    /* Fired: cancelling now is too late. */
    assert_int_equal(aw_timer_cancel(sys, id), AW_NOT_FOUND);
    stop_actor(sys, r);
    finish_system(sys);
}

typedef struct order_state {
    _Atomic uint64_t count;
    uint64_t seen[64];
} order_state;

static aw_handled order_handle(aw_actor *self, void *state, const aw_msg *msg) {
    order_state *st = state;
    if (msg->kind == KIND_STOP) {
        aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
        return AW_DONE;
    }
    uint64_t n = atomic_load(&st->count);
    if (n < 64) st->seen[n] = msg->word[0];
    atomic_fetch_add(&st->count, 1);
    return AW_DONE;
}

static const aw_behaviour order = {"order", NULL, order_handle, NULL};

/* Timers due in the same tick fire in deadline order, ties in start order. */
static void test_timers_due_together_fire_in_deadline_order(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    order_state st = {0};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &order, &st, NULL, &r), AW_OK);
    uint64_t at = aw_actor_system_now(sys) + 30000000u;
    /* 10 with deadlines 9 ns .. 0 ns past `at`, started latest-first ... */
    for (uint64_t k = 0; k < 10; k++)
        assert_int_equal(
            aw_timer_send_at(sys, at + 9 - k, r, &(aw_msg){.kind = 1, .word = {9 - k}}, NULL),
            AW_OK);
    /* ... then 10 with one deadline after all of those, in start order. */
    for (uint64_t k = 10; k < 20; k++)
        assert_int_equal(
            aw_timer_send_at(sys, at + 100, r, &(aw_msg){.kind = 1, .word = {k}}, NULL), AW_OK);
    wait_for(&st.count, 20);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    for (uint64_t k = 0; k < 20; k++) assert_int_equal(st.seen[k], k);
    stop_actor(sys, r);
    finish_system(sys);
}

static void test_cancel_prevents_firing_and_releases_payload(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    stamp_state st = {0};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &stamp, &st, NULL, &r), AW_OK);
    aw_timer_id id, keep;
    aw_payload *p = aw_payload_new(100);
    assert_int_equal(
        aw_timer_send_after(sys, 500000000u, r, &(aw_msg){.kind = 1, .payload = p}, &id), AW_OK);
    assert_int_equal(
        aw_timer_send_after(sys, 40000000u, r, &(aw_msg){.kind = 1, .word = {5}}, &keep), AW_OK);
    assert_int_equal(aw_timer_cancel(sys, id), AW_OK);
    assert_int_equal(aw_timer_cancel(sys, id), AW_NOT_FOUND);
    assert_int_equal(aw_timer_cancel(sys, 0), AW_NOT_FOUND);
    wait_for(&st.count, 1);
    aw__sleep_ns(500000000u); /* past the cancelled one's deadline */
    assert_int_equal(atomic_load(&st.count), 1);
    assert_int_equal(atomic_load(&st.sum), 5);
    stop_actor(sys, r);
    finish_system(sys); /* the leak check proves the payload was released */
}

static void on_timer(aw_actor_system *sys, void *arg) {
    (void)sys;
    atomic_fetch_add((_Atomic uint64_t *)arg, 1);
}

static void test_callback_timers_run_and_cancel(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(1);
    _Atomic uint64_t calls = 0;
    aw_timer_id a, b;
    assert_int_equal(aw_timer_call_after(sys, 5000000u, on_timer, &calls, &a), AW_OK);
    assert_int_equal(
        aw_timer_call_at(sys, aw_actor_system_now(sys) + 300000000u, on_timer, &calls, &b), AW_OK);
    assert_int_equal(aw_timer_cancel(sys, b), AW_OK);
    wait_for(&calls, 1);
    aw__sleep_ns(350000000u); /* past the cancelled one's deadline */
    assert_int_equal(atomic_load(&calls), 1);
    /* A deadline in the past fires at the next tick. */
    assert_int_equal(aw_timer_call_at(sys, 0, on_timer, &calls, NULL), AW_OK);
    wait_for(&calls, 2);
    finish_system(sys);
}

static void test_thousands_of_timers_fire_once_each(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    stamp_state st = {0};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &stamp, &st, NULL, &r), AW_OK);
    enum { N = 5000 };
    static aw_timer_id ids[N];
    uint64_t want = 0;
    for (uint64_t i = 0; i < N; i++) {
        /* Spread over more than one turn of the wheel. */
        uint64_t delay = (i % 1500) * 1000000u;
        assert_int_equal(
            aw_timer_send_after(sys, delay, r, &(aw_msg){.kind = 1, .word = {i}}, &ids[i]), AW_OK);
    }
    uint64_t cancelled = 0;
    for (uint64_t i = 0; i < N; i += 7) {
        if (aw_timer_cancel(sys, ids[i]) == AW_OK) {
            cancelled++;
        } else {
            want += i; /* already fired */
        }
    }
    for (uint64_t i = 0; i < N; i++)
        if (i % 7 != 0) want += i;
    wait_for(&st.count, N - cancelled);
    aw__sleep_ns(10000000u);
    assert_int_equal(atomic_load(&st.count), N - cancelled);
    assert_int_equal(atomic_load(&st.sum), want);
    assert_int_equal(aw_timer_pending(sys), 0);
    stop_actor(sys, r);
    finish_system(sys);
}

static void test_receive_timeout_fires_when_idle_and_not_after_a_message(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    stamp_state st = {.receive_timeout_ns = 20000000u};
    aw_actor_ref r;
    assert_int_equal(aw_actor_spawn(sys, &stamp, &st, NULL, &r), AW_OK);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 7}), AW_OK);
    wait_for(&st.timeouts, 1);
    /* Armed again, then a message arrives first: no timeout. */
    st.receive_timeout_ns = 300000000u;
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 7}), AW_OK);
    assert_int_equal(aw_actor_send(sys, r, &(aw_msg){.kind = 1}), AW_OK);
    wait_for(&st.count, 1);
    aw__sleep_ns(400000000u);
    assert_int_equal(atomic_load(&st.timeouts), 1);
    stop_actor(sys, r);
    finish_system(sys);
}

static void test_timers_left_at_shutdown_are_reported(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(1);
    _Atomic uint64_t calls = 0;
    for (int i = 0; i < 10; i++)
        assert_int_equal(aw_timer_call_after(sys, 60000000000u, on_timer, &calls, NULL), AW_OK);
    assert_int_equal(
        aw_timer_send_after(sys, 60000000000u, 1, &(aw_msg){.payload = aw_payload_new(8)}, NULL),
        AW_OK);
    aw_shutdown_report report;
    assert_int_equal(aw_actor_system_shutdown(sys, 0, &report), AW_OK);
    assert_int_equal(report.timers_left, 11);
    assert_int_equal(atomic_load(&calls), 0);
    assert_int_equal(aw_timer_call_after(sys, 1, on_timer, &calls, NULL), AW_SHUTTING_DOWN);
    aw_actor_system_destroy(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_send_after_fires_not_before_its_deadline),
        ACTOR_TEST(test_cancel_prevents_firing_and_releases_payload),
        ACTOR_TEST(test_timers_due_together_fire_in_deadline_order),
        ACTOR_TEST(test_callback_timers_run_and_cancel),
        ACTOR_TEST(test_thousands_of_timers_fire_once_each),
        ACTOR_TEST(test_receive_timeout_fires_when_idle_and_not_after_a_message),
        ACTOR_TEST(test_timers_left_at_shutdown_are_reported),
    };
    return AW_TEST_RUN(tests);
}
