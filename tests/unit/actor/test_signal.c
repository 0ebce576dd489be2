/* Tests of links, exit signals, trap_exit and monitors. */
#include "actor_fixture.h"

/* Records the system messages it gets; links to word[0] on kind 5. */
typedef struct watch_state {
    _Atomic uint64_t exits, downs;
    aw_msg last_exit, last_down;
    _Atomic uint64_t terminated;
    _Atomic uint64_t term_kind;
    _Atomic uint64_t term_code;
    bool trap;
} watch_state;

static aw_status watch_init(aw_actor *self, void *arg, void **state) {
    watch_state *st = arg;
    aw_actor_trap_exit(self, st->trap);
    *state = st;
    return AW_OK;
}

static aw_handled watch_handle(aw_actor *self, void *state, const aw_msg *msg) {
    watch_state *st = state;
    switch (msg->kind) {
        case AW_MSG_EXIT:
            st->last_exit = *msg;
            atomic_fetch_add(&st->exits, 1);
            return AW_DONE;
        case AW_MSG_DOWN:
            st->last_down = *msg;
            atomic_fetch_add(&st->downs, 1);
            return AW_DONE;
        case 5:
            aw_actor_link(self, msg->word[0]);
            return AW_DONE;
        case 6:
            aw_actor_unlink(self, msg->word[0]);
            return AW_DONE;
        default:
            return stop_or_crash_handle(self, NULL, msg);
    }
}

static void watch_terminate(aw_actor *self, void *state, aw_reason reason) {
    (void)self;
    watch_state *st = state;
    atomic_store(&st->term_kind, reason.kind);
    atomic_store(&st->term_code, reason.code);
    atomic_fetch_add(&st->terminated, 1);
}

static const aw_behaviour watch = {"watch", watch_init, watch_handle, watch_terminate};

static aw_actor_ref spawn_watch(aw_actor_system *sys, watch_state *st, aw_actor_ref link) {
    aw_actor_ref r;
    aw_spawn_opts opts = {.link = link};
    assert_int_equal(aw_actor_spawn(sys, &watch, st, &opts, &r), AW_OK);
    return r;
}

static void idle(aw_actor_system *sys) {
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
}

static void test_crash_propagates_over_links(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    watch_state a = {0}, b = {0};
    aw_actor_ref ra = spawn_watch(sys, &a, AW_ACTOR_NONE);
    aw_actor_ref rb = spawn_watch(sys, &b, ra);
    idle(sys);
    assert_int_equal(aw_actor_send(sys, rb, &(aw_msg){.kind = KIND_CRASH, .word = {77}}), AW_OK);
    wait_for(&a.terminated, 1);
    idle(sys);
    /* a did not trap: it exits with b's reason. */
    assert_int_equal(atomic_load(&a.term_kind), AW_EXIT_CRASH);
    assert_int_equal(atomic_load(&a.term_code), 77);
    assert_int_equal(atomic_load(&b.term_kind), AW_EXIT_CRASH);
    assert_false(aw_actor_alive(sys, ra));
    /* The message being handled at the crash is a dead letter with the reason. */
    aw_dead_letter dl;
    assert_int_equal(aw_dead_letters_take(sys, &dl, 1), 1);
    assert_int_equal(dl.status, AW_TRAP);
    assert_int_equal(dl.target, rb);
    assert_int_equal(dl.reason.kind, AW_EXIT_CRASH);
    assert_int_equal(dl.reason.code, 77);
    finish_system(sys);
}

static void test_trap_exit_turns_signals_into_messages(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    watch_state a = {.trap = true}, b = {0}, c = {0};
    aw_actor_ref ra = spawn_watch(sys, &a, AW_ACTOR_NONE);
    aw_actor_ref rb = spawn_watch(sys, &b, ra);
    aw_actor_ref rc = spawn_watch(sys, &c, ra);
    idle(sys);
    assert_int_equal(aw_actor_send(sys, rb, &(aw_msg){.kind = KIND_CRASH, .word = {3}}), AW_OK);
    wait_for(&a.exits, 1);
    assert_int_equal(a.last_exit.sender, rb);
    assert_int_equal(a.last_exit.word[0], AW_EXIT_CRASH);
    assert_int_equal(a.last_exit.word[1], 3);
    /* A normal exit reaches a trapping actor as a message too... */
    assert_int_equal(aw_actor_send(sys, rc, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    wait_for(&a.exits, 2);
    assert_int_equal(a.last_exit.word[0], AW_EXIT_NORMAL);
    assert_true(aw_actor_alive(sys, ra));
    /* ...but KILL cannot be trapped. */
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, ra, (aw_reason){AW_EXIT_KILL, 0}), AW_OK);
    wait_for(&a.terminated, 1);
    assert_int_equal(atomic_load(&a.term_kind), AW_EXIT_KILLED);
    idle(sys);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

static void test_normal_exit_does_not_kill_linked_actor(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    watch_state a = {0}, b = {0};
    aw_actor_ref ra = spawn_watch(sys, &a, AW_ACTOR_NONE);
    aw_actor_ref rb = spawn_watch(sys, &b, ra);
    assert_int_equal(aw_actor_send(sys, rb, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    wait_for(&b.terminated, 1);
    idle(sys);
    assert_true(aw_actor_alive(sys, ra));
    /* exit(normal) from outside is ignored too; shutdown is not. */
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, ra, (aw_reason){AW_EXIT_NORMAL, 0}), AW_OK);
    idle(sys);
    assert_true(aw_actor_alive(sys, ra));
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, ra, (aw_reason){AW_EXIT_SHUTDOWN, 0}),
                     AW_OK);
    wait_for(&a.terminated, 1);
    assert_int_equal(atomic_load(&a.term_kind), AW_EXIT_SHUTDOWN);
    idle(sys);
    finish_system(sys);
}

static void test_unlink_stops_propagation(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    watch_state a = {0}, b = {0};
    aw_actor_ref ra = spawn_watch(sys, &a, AW_ACTOR_NONE);
    aw_actor_ref rb = spawn_watch(sys, &b, AW_ACTOR_NONE);
    assert_int_equal(aw_actor_send(sys, ra, &(aw_msg){.kind = 5, .word = {rb}}), AW_OK);
    assert_int_equal(aw_actor_send(sys, ra, &(aw_msg){.kind = 6, .word = {rb}}), AW_OK);
    idle(sys);
    assert_int_equal(aw_actor_send(sys, rb, &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&b.terminated, 1);
    idle(sys);
    assert_true(aw_actor_alive(sys, ra));
    assert_int_equal(aw_actor_send(sys, ra, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    idle(sys);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

static void test_link_to_dead_actor_gives_noproc(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    watch_state a = {.trap = true}, b = {0};
    aw_actor_ref ra = spawn_watch(sys, &a, AW_ACTOR_NONE);
    aw_actor_ref rb = spawn_watch(sys, &b, AW_ACTOR_NONE);
    assert_int_equal(aw_actor_send(sys, rb, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    wait_for(&b.terminated, 1);
    idle(sys);
    assert_int_equal(aw_actor_send(sys, ra, &(aw_msg){.kind = 5, .word = {rb}}), AW_OK);
    wait_for(&a.exits, 1);
    assert_int_equal(a.last_exit.sender, rb);
    assert_int_equal(a.last_exit.word[0], AW_EXIT_NOPROC);
    assert_int_equal(aw_actor_send(sys, ra, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    idle(sys);
    finish_system(sys);
}

static void test_monitors_deliver_down_with_reason(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    watch_state w = {0}, t = {0};
    aw_actor_ref rw = spawn_watch(sys, &w, AW_ACTOR_NONE);
    aw_actor_ref rt = spawn_watch(sys, &t, AW_ACTOR_NONE);
    uint64_t id1, id2, id3;
    assert_int_equal(aw_actor_monitor(sys, rw, rt, &id1), AW_OK);
    assert_int_equal(aw_actor_monitor(sys, rw, rt, &id2), AW_OK);
    assert_int_not_equal(id1, id2);
    assert_int_equal(aw_actor_demonitor(sys, rt, id2), AW_OK);
    assert_int_equal(aw_actor_send(sys, rt, &(aw_msg){.kind = KIND_CRASH, .word = {9}}), AW_OK);
    wait_for(&w.downs, 1);
    idle(sys);
    aw__sleep_ns(5000000u);
    assert_int_equal(atomic_load(&w.downs), 1); /* the demonitored one stays silent */
    assert_int_equal(w.last_down.sender, rt);
    assert_int_equal(w.last_down.corr, id1);
    assert_int_equal(w.last_down.word[0], AW_EXIT_CRASH);
    assert_int_equal(w.last_down.word[1], 9);
    /* The watcher is not linked: still alive. Monitoring the dead: noproc. */
    assert_true(aw_actor_alive(sys, rw));
    assert_int_equal(aw_actor_monitor(sys, rw, rt, &id3), AW_OK);
    wait_for(&w.downs, 2);
    assert_int_equal(w.last_down.corr, id3);
    assert_int_equal(w.last_down.word[0], AW_EXIT_NOPROC);
    assert_int_equal(aw_actor_send(sys, rw, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    idle(sys);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

/* A hub linked to many actors (its link set past the size where it is
 * indexed): links made twice count once, unlinks in any order take exactly
 * those links away, and the hub's crash reaches exactly the rest. */
enum { SPOKES = 60 };

static void test_many_links_unlink_and_propagate(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static watch_state hub, spoke[SPOKES];
    memset(&hub, 0, sizeof hub);
    hub.trap = true;
    aw_actor_ref rh = spawn_watch(sys, &hub, AW_ACTOR_NONE);
    aw_actor_ref rs[SPOKES];
    for (int i = 0; i < SPOKES; i++) {
        memset(&spoke[i], 0, sizeof spoke[i]);
        rs[i] = spawn_watch(sys, &spoke[i], rh); /* linked at spawn */
    }
    /* Linking again from the hub's side changes nothing. */
    for (int i = 0; i < SPOKES; i += 7)
        assert_int_equal(aw_actor_send(sys, rh, &(aw_msg){.kind = 5, .word = {rs[i]}}), AW_OK);
    /* The hub unlinks every third spoke, last first, then the first ones. */
    for (int i = SPOKES - 1; i >= SPOKES / 2; i--)
        if (i % 3 == 0)
            assert_int_equal(aw_actor_send(sys, rh, &(aw_msg){.kind = 6, .word = {rs[i]}}), AW_OK);
    for (int i = 0; i < SPOKES / 2; i++)
        if (i % 3 == 0)
            assert_int_equal(aw_actor_send(sys, rh, &(aw_msg){.kind = 6, .word = {rs[i]}}), AW_OK);
    idle(sys);
    /* A linked spoke crashes: the hub traps it as a message. */
    assert_int_equal(aw_actor_send(sys, rs[1], &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&hub.exits, 1);
    assert_int_equal(hub.last_exit.sender, rs[1]);
    /* The hub crashes: every spoke still linked dies with it. */
    assert_int_equal(aw_actor_send(sys, rh, &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&hub.terminated, 1);
    idle(sys);
    for (int i = 0; i < SPOKES; i++) {
        if (i == 1) continue;
        bool unlinked = i % 3 == 0;
        assert_int_equal(aw_actor_alive(sys, rs[i]), unlinked);
        if (!unlinked) assert_int_equal(atomic_load(&spoke[i].term_kind), AW_EXIT_CRASH);
    }
    for (int i = 0; i < SPOKES; i += 3)
        assert_int_equal(aw_actor_send(sys, rs[i], &(aw_msg){.kind = KIND_STOP}), AW_OK);
    idle(sys);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_crash_propagates_over_links),
        ACTOR_TEST(test_trap_exit_turns_signals_into_messages),
        ACTOR_TEST(test_normal_exit_does_not_kill_linked_actor),
        ACTOR_TEST(test_unlink_stops_propagation),
        ACTOR_TEST(test_link_to_dead_actor_gives_noproc),
        ACTOR_TEST(test_monitors_deliver_down_with_reason),
        ACTOR_TEST(test_many_links_unlink_and_propagate),
    };
    return AW_TEST_RUN(tests);
}
