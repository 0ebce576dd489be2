/* Tests of supervisors: strategies, restart types, intensity and escalation
 * through a tree, ordered stop, backoff and restart in place. */
#include "actor_fixture.h"

enum { LOG_MAX = 256 };

typedef struct shared {
    _Atomic uint64_t start_log[LOG_MAX];
    _Atomic uint64_t start_len;
    _Atomic uint64_t stop_log[LOG_MAX];
    _Atomic uint64_t stop_len;
    _Atomic uint64_t handled;
    _Atomic uint64_t blocked_calls;
    _Atomic uint64_t start_at[LOG_MAX];
} shared;

typedef struct kid {
    uint64_t id;
    shared *sh;
    uint64_t handled_here; /* per incarnation */
    bool stubborn;         /* traps exits and ignores them: only a kill stops it */
    _Atomic uint64_t term_kind;
} kid;

static void log_append(_Atomic uint64_t *log, _Atomic uint64_t *len, uint64_t v) {
    uint64_t i = atomic_fetch_add(len, 1);
    if (i < LOG_MAX) atomic_store(&log[i], v);
}

static aw_status kid_init(aw_actor *self, void *arg, void **state) {
    kid *k = arg;
    k->handled_here = 0;
    if (k->stubborn) aw_actor_trap_exit(self, true);
    uint64_t i = atomic_load(&k->sh->start_len);
    if (i < LOG_MAX)
        atomic_store(&k->sh->start_at[i], aw_actor_system_now(aw_actor_system_of(self)));
    log_append(k->sh->start_log, &k->sh->start_len, k->id);
    *state = k;
    return AW_OK;
}

static aw_handled kid_handle(aw_actor *self, void *state, const aw_msg *msg) {
    kid *k = state;
    switch (msg->kind) {
        case KIND_CRASH:
            return aw_actor_crash(self, 13);
        case KIND_STOP:
            aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
            return AW_DONE;
        case 3: /* block first, crash when woken */
            if (atomic_fetch_add(&k->sh->blocked_calls, 1) == 0) return AW_BLOCK;
            return aw_actor_crash(self, 33);
        default:
            k->handled_here++;
            atomic_fetch_add(&k->sh->handled, 1);
            return AW_DONE;
    }
}

static void kid_terminate(aw_actor *self, void *state, aw_reason reason) {
    (void)self;
    kid *k = state;
    atomic_store(&k->term_kind, reason.kind);
    log_append(k->sh->stop_log, &k->sh->stop_len, k->id);
}

static const aw_behaviour kid_behaviour = {"kid", kid_init, kid_handle, kid_terminate};

static aw_child_spec kid_spec(kid *k, aw_restart restart) {
    return (aw_child_spec){.id = "kid", .behaviour = &kid_behaviour, .arg = k, .restart = restart};
}

static aw_actor_ref child_of(aw_actor_system *sys, aw_actor_ref sup, size_t i) {
    aw_actor_ref r;
    assert_int_equal(aw_supervisor_child(sys, sup, i, &r), AW_OK);
    return r;
}

static void idle(aw_actor_system *sys) {
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
}

static aw_actor_ref start3(aw_actor_system *sys, shared *sh, kid k[3], aw_strategy strategy) {
    aw_child_spec specs[3];
    for (uint64_t i = 0; i < 3; i++) {
        k[i] = (kid){.id = i, .sh = sh};
        specs[i] = kid_spec(&k[i], AW_PERMANENT);
    }
    aw_supervisor_spec spec = {.strategy = strategy,
                               .intensity = 10,
                               .period_ns = 10000000000u,
                               .children = specs,
                               .child_count = 3};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
    /* Started in order. */
    assert_int_equal(atomic_load(&sh->start_len), 3);
    for (uint64_t i = 0; i < 3; i++) assert_int_equal(atomic_load(&sh->start_log[i]), i);
    return sup;
}

static void stop_sup(aw_actor_system *sys, aw_actor_ref sup) {
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, sup, (aw_reason){AW_EXIT_SHUTDOWN, 0}),
                     AW_OK);
    idle(sys);
    assert_false(aw_actor_alive(sys, sup));
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

static void test_one_for_one_restarts_only_the_crashed_child(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k[3];
    aw_actor_ref sup = start3(sys, &sh, k, AW_ONE_FOR_ONE);
    aw_actor_ref before[3];
    for (size_t i = 0; i < 3; i++) before[i] = child_of(sys, sup, i);
    assert_int_equal(aw_actor_send(sys, before[1], &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&sh.start_len, 4);
    idle(sys);
    assert_int_equal(atomic_load(&sh.start_log[3]), 1);
    assert_int_equal(child_of(sys, sup, 0), before[0]);
    assert_int_equal(child_of(sys, sup, 2), before[2]);
    aw_actor_ref after = child_of(sys, sup, 1);
    assert_int_not_equal(after, before[1]);
    assert_true(aw_actor_alive(sys, after));
    uint64_t restarts;
    assert_int_equal(aw_supervisor_restarts(sys, sup, &restarts), AW_OK);
    assert_int_equal(restarts, 1);
    /* The new child works. */
    assert_int_equal(aw_actor_send(sys, after, &(aw_msg){.kind = 1}), AW_OK);
    wait_for(&sh.handled, 1);
    stop_sup(sys, sup);
    /* Ordered stop at the end: reverse start order. */
    assert_int_equal(atomic_load(&sh.stop_len), 4);
    assert_int_equal(atomic_load(&sh.stop_log[1]), 2);
    assert_int_equal(atomic_load(&sh.stop_log[2]), 1);
    assert_int_equal(atomic_load(&sh.stop_log[3]), 0);
}

static void test_one_for_all_stops_others_in_reverse_and_restarts_all_in_order(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k[3];
    aw_actor_ref sup = start3(sys, &sh, k, AW_ONE_FOR_ALL);
    aw_actor_ref before[3];
    for (size_t i = 0; i < 3; i++) before[i] = child_of(sys, sup, i);
    assert_int_equal(aw_actor_send(sys, before[1], &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&sh.start_len, 6);
    idle(sys);
    /* 1 crashed, then 2 and 0 were stopped in reverse order. */
    assert_int_equal(atomic_load(&sh.stop_len), 3);
    assert_int_equal(atomic_load(&sh.stop_log[0]), 1);
    assert_int_equal(atomic_load(&sh.stop_log[1]), 2);
    assert_int_equal(atomic_load(&sh.stop_log[2]), 0);
    for (uint64_t i = 0; i < 3; i++) {
        assert_int_equal(atomic_load(&sh.start_log[3 + i]), i);
        assert_int_not_equal(child_of(sys, sup, i), before[i]);
        assert_false(aw_actor_alive(sys, before[i]));
    }
    stop_sup(sys, sup);
}

static void test_rest_for_one_restarts_the_later_children(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k[3];
    aw_actor_ref sup = start3(sys, &sh, k, AW_REST_FOR_ONE);
    aw_actor_ref before[3];
    for (size_t i = 0; i < 3; i++) before[i] = child_of(sys, sup, i);
    assert_int_equal(aw_actor_send(sys, before[1], &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&sh.start_len, 5);
    idle(sys);
    assert_int_equal(atomic_load(&sh.start_log[3]), 1);
    assert_int_equal(atomic_load(&sh.start_log[4]), 2);
    assert_int_equal(child_of(sys, sup, 0), before[0]);
    assert_int_not_equal(child_of(sys, sup, 1), before[1]);
    assert_int_not_equal(child_of(sys, sup, 2), before[2]);
    stop_sup(sys, sup);
}

static void test_restart_types(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k[3] = {{.id = 0, .sh = &sh}, {.id = 1, .sh = &sh}, {.id = 2, .sh = &sh}};
    aw_child_spec specs[3] = {kid_spec(&k[0], AW_TRANSIENT), kid_spec(&k[1], AW_TRANSIENT),
                              kid_spec(&k[2], AW_TEMPORARY)};
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ONE, .children = specs, .child_count = 3};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
    /* transient + normal exit: not restarted */
    assert_int_equal(aw_actor_send(sys, child_of(sys, sup, 0), &(aw_msg){.kind = KIND_STOP}),
                     AW_OK);
    /* transient + crash: restarted */
    assert_int_equal(aw_actor_send(sys, child_of(sys, sup, 1), &(aw_msg){.kind = KIND_CRASH}),
                     AW_OK);
    /* temporary + crash: not restarted */
    assert_int_equal(aw_actor_send(sys, child_of(sys, sup, 2), &(aw_msg){.kind = KIND_CRASH}),
                     AW_OK);
    wait_for(&sh.start_len, 4);
    idle(sys);
    aw__sleep_ns(10000000u);
    idle(sys);
    assert_int_equal(atomic_load(&sh.start_len), 4);
    assert_int_equal(atomic_load(&sh.start_log[3]), 1);
    assert_int_equal(child_of(sys, sup, 0), AW_ACTOR_NONE);
    assert_true(aw_actor_alive(sys, child_of(sys, sup, 1)));
    assert_int_equal(child_of(sys, sup, 2), AW_ACTOR_NONE);
    stop_sup(sys, sup);
}

static void test_intensity_exceeded_escalates_through_a_tree(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    /* top (intensity 1) -> mid (intensity 1) -> worker */
    kid k = {.id = 0, .sh = &sh};
    aw_child_spec worker = kid_spec(&k, AW_PERMANENT);
    aw_supervisor_spec mid = {.strategy = AW_ONE_FOR_ONE,
                              .intensity = 1,
                              .period_ns = 60000000000u,
                              .children = &worker,
                              .child_count = 1};
    aw_child_spec mid_child = {.id = "mid", .supervisor = &mid, .restart = AW_PERMANENT};
    aw_supervisor_spec top = {.strategy = AW_ONE_FOR_ONE,
                              .intensity = 1,
                              .period_ns = 60000000000u,
                              .children = &mid_child,
                              .child_count = 1};
    aw_actor_ref rtop;
    assert_int_equal(aw_supervisor_start(sys, &top, NULL, &rtop), AW_OK);
    /* A watcher for the top supervisor's DOWN. */
    _Atomic uint64_t downs = 0;
    aw_actor_ref watcher;
    assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &downs, NULL, &watcher), AW_OK);
    uint64_t mon;
    assert_int_equal(aw_actor_monitor(sys, watcher, rtop, &mon), AW_OK);

    uint64_t starts = 1;
    for (int round = 0; round < 2; round++) {
        aw_actor_ref rmid = child_of(sys, rtop, 0);
        /* First crash: mid restarts the worker. */
        assert_int_equal(aw_actor_send(sys, child_of(sys, rmid, 0), &(aw_msg){.kind = KIND_CRASH}),
                         AW_OK);
        wait_for(&sh.start_len, ++starts);
        idle(sys);
        /* Second crash: mid exceeds its intensity and escalates; top
         * restarts mid (round 0) or escalates itself (round 1). */
        assert_int_equal(aw_actor_send(sys, child_of(sys, rmid, 0), &(aw_msg){.kind = KIND_CRASH}),
                         AW_OK);
        if (round == 0) wait_for(&sh.start_len, ++starts);
        idle(sys);
        assert_false(aw_actor_alive(sys, rmid));
    }
    /* The watcher counted the DOWN of top as an ordinary message. */
    wait_for(&downs, 1);
    assert_false(aw_actor_alive(sys, rtop));
    /* Four worker incarnations (start, restart by mid, new mid, restart by
     * the new mid), each terminated by its crash. */
    assert_int_equal(atomic_load(&sh.start_len), 4);
    assert_int_equal(atomic_load(&sh.stop_len), 4);
    assert_int_equal(aw_actor_send(sys, watcher, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    idle(sys);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

static void test_escalation_reason_is_escalated(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k = {.id = 0, .sh = &sh};
    aw_child_spec worker = kid_spec(&k, AW_PERMANENT);
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ONE,
                               .intensity = 2,
                               .period_ns = 60000000000u,
                               .children = &worker,
                               .child_count = 1};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
    aw_actor_system *s2 = sys;
    for (uint64_t i = 0; i < 3; i++) {
        aw_actor_ref c = child_of(s2, sup, 0);
        assert_int_equal(aw_actor_send(sys, c, &(aw_msg){.kind = KIND_CRASH}), AW_OK);
        if (i < 2) wait_for(&sh.start_len, 2 + i);
        idle(sys);
    }
    assert_false(aw_actor_alive(sys, sup));
    uint64_t restarts;
    assert_int_equal(aw_supervisor_restarts(sys, sup, &restarts), AW_NO_SUCH_ACTOR);
    aw_dead_letter dl[8];
    size_t n = aw_dead_letters_take(sys, dl, 8);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(dl[i].status, AW_TRAP);
        assert_int_equal(dl[i].reason.code, 13);
    }
    finish_system(sys);
}

static void test_restart_in_place_keeps_reference_and_queued_messages(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k = {.id = 0, .sh = &sh};
    aw_child_spec child = kid_spec(&k, AW_PERMANENT);
    child.restart_in_place = true;
    child.opts.name = "inplace";
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ONE, .children = &child, .child_count = 1};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
    aw_actor_ref c = child_of(sys, sup, 0);
    assert_int_equal(aw_actor_whereis(sys, "inplace"), c);
    /* Block on a message, queue five behind it, then wake it into a crash. */
    assert_int_equal(aw_actor_send(sys, c, &(aw_msg){.kind = 3, .word = {333}}), AW_OK);
    wait_for(&sh.blocked_calls, 1);
    for (uint64_t i = 0; i < 5; i++)
        assert_int_equal(aw_actor_send(sys, c, &(aw_msg){.kind = 1, .word = {i}}), AW_OK);
    assert_int_equal(aw_actor_wake(sys, c), AW_OK);
    wait_for(&sh.start_len, 2);
    wait_for(&sh.handled, 5);
    idle(sys);
    /* Same reference, same name; the five queued messages reached the new
     * state; the crashing message is a dead letter with the reason. */
    assert_int_equal(child_of(sys, sup, 0), c);
    assert_int_equal(aw_actor_whereis(sys, "inplace"), c);
    assert_int_equal(k.handled_here, 5);
    assert_int_equal(atomic_load(&sh.stop_len), 1);
    aw_dead_letter dl;
    assert_int_equal(aw_dead_letters_take(sys, &dl, 1), 1);
    assert_int_equal(dl.status, AW_TRAP);
    assert_int_equal(dl.target, c);
    assert_int_equal(dl.msg.word[0], 333);
    assert_int_equal(dl.reason.kind, AW_EXIT_CRASH);
    assert_int_equal(dl.reason.code, 33);
    /* It crashes in place again and is restarted again. */
    assert_int_equal(aw_actor_send(sys, c, &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&sh.start_len, 3);
    idle(sys);
    assert_int_equal(child_of(sys, sup, 0), c);
    assert_int_equal(aw_actor_send(sys, c, &(aw_msg){.kind = 1}), AW_OK);
    wait_for(&sh.handled, 6);
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, sup, (aw_reason){AW_EXIT_SHUTDOWN, 0}),
                     AW_OK);
    idle(sys);
    assert_false(aw_actor_alive(sys, c));
    assert_int_equal(aw_actor_whereis(sys, "inplace"), AW_ACTOR_NONE);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

static void test_one_for_all_resets_in_place_siblings(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k[2] = {{.id = 0, .sh = &sh}, {.id = 1, .sh = &sh}};
    aw_child_spec specs[2] = {kid_spec(&k[0], AW_PERMANENT), kid_spec(&k[1], AW_PERMANENT)};
    specs[0].restart_in_place = true;
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ALL, .children = specs, .child_count = 2};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
    aw_actor_ref in_place = child_of(sys, sup, 0);
    aw_actor_ref other = child_of(sys, sup, 1);
    assert_int_equal(aw_actor_send(sys, other, &(aw_msg){.kind = KIND_CRASH}), AW_OK);
    wait_for(&sh.start_len, 4);
    idle(sys);
    assert_int_equal(child_of(sys, sup, 0), in_place);
    assert_int_not_equal(child_of(sys, sup, 1), other);
    assert_int_equal(aw_actor_send(sys, in_place, &(aw_msg){.kind = 1}), AW_OK);
    wait_for(&sh.handled, 1);
    stop_sup(sys, sup);
}

static void test_backoff_delays_restarts_exponentially(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k = {.id = 0, .sh = &sh};
    aw_child_spec child = kid_spec(&k, AW_PERMANENT);
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ONE,
                               .intensity = 10,
                               .period_ns = 60000000000u,
                               .backoff_ns = 20000000u,
                               .backoff_max_ns = 1000000000u,
                               .children = &child,
                               .child_count = 1};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
    for (uint64_t i = 0; i < 2; i++) {
        uint64_t crash_at = aw_actor_system_now(sys);
        assert_int_equal(aw_actor_send(sys, child_of(sys, sup, 0), &(aw_msg){.kind = KIND_CRASH}),
                         AW_OK);
        wait_for(&sh.start_len, 2 + i);
        uint64_t waited = atomic_load(&sh.start_at[1 + i]) - crash_at;
        assert_true(waited >= (20000000u << i));
        idle(sys);
    }
    stop_sup(sys, sup);
}

static aw_status refuse_init(aw_actor *self, void *arg, void **state) {
    (void)self;
    (void)arg;
    (void)state;
    return AW_DENIED;
}

static const aw_behaviour refusing = {"refusing", refuse_init, kid_handle, NULL};

static void test_start_failure_stops_started_children(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    static shared sh;
    memset(&sh, 0, sizeof sh);
    kid k[2] = {{.id = 0, .sh = &sh}, {.id = 1, .sh = &sh}};
    aw_child_spec specs[3] = {kid_spec(&k[0], AW_PERMANENT),
                              kid_spec(&k[1], AW_PERMANENT),
                              {.id = "bad", .behaviour = &refusing, .restart = AW_PERMANENT}};
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ONE, .children = specs, .child_count = 3};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_DENIED);
    assert_int_equal(sup, AW_ACTOR_NONE);
    wait_for(&sh.stop_len, 2);
    idle(sys);
    assert_int_equal(aw_actor_system_live(sys), 0);
    /* Malformed specs are refused. */
    aw_child_spec neither = {.id = "x"};
    aw_supervisor_spec bad = {.children = &neither, .child_count = 1};
    assert_int_equal(aw_supervisor_start(sys, &bad, NULL, &sup), AW_NO_MEMORY);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

/* Crashes, restarts in place and ordinary restarts racing a flood of
 * messages from another thread, under every strategy: the tree ends clean. */
typedef struct flooder {
    aw_actor_system *sys;
    aw_actor_ref sup;
    uint64_t seed;
} flooder;

static void *flood_children(void *arg) {
    flooder *f = arg;
    uint64_t x = f->seed;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        aw_actor_ref child;
        if (aw_supervisor_child(f->sys, f->sup, x % 4, &child) != AW_OK) break;
        uint64_t kind = (x >> 8) % 50 == 0 ? KIND_CRASH : 1;
        aw_actor_send(f->sys, child, &(aw_msg){.kind = kind});
    }
    return NULL;
}

static void test_restarts_racing_a_flood_end_clean(void **state) {
    (void)state;
    static shared sh;
    for (int strategy = AW_ONE_FOR_ONE; strategy <= AW_REST_FOR_ONE; strategy++) {
        memset(&sh, 0, sizeof sh);
        aw_actor_system *sys = make_system(2);
        kid k[4] = {
            {.id = 0, .sh = &sh}, {.id = 1, .sh = &sh}, {.id = 2, .sh = &sh}, {.id = 3, .sh = &sh}};
        aw_child_spec specs[4];
        for (int i = 0; i < 4; i++) {
            specs[i] = kid_spec(&k[i], i == 3 ? AW_TRANSIENT : AW_PERMANENT);
            specs[i].restart_in_place = i % 2 == 0;
            specs[i].opts.mailbox_capacity = 64;
        }
        aw_supervisor_spec spec = {.strategy = (aw_strategy)strategy,
                                   .intensity = 1000000,
                                   .period_ns = 1000000000u,
                                   .children = specs,
                                   .child_count = 4};
        aw_actor_ref sup;
        assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
        flooder fl[2] = {{sys, sup, 7}, {sys, sup, 11}};
        aw__thread t[2];
        for (int i = 0; i < 2; i++)
            assert_int_equal(aw__thread_create(&t[i], flood_children, &fl[i], "flooder"), AW_OK);
        for (int i = 0; i < 2; i++) aw__thread_join(t[i], NULL);
        assert_int_equal(aw_actor_system_wait_idle(sys, 10000000000u), AW_OK);
        /* Every child incarnation that started was also stopped at the end. */
        assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, sup, (aw_reason){AW_EXIT_SHUTDOWN, 0}),
                         AW_OK);
        assert_int_equal(aw_actor_system_wait_idle(sys, 10000000000u), AW_OK);
        assert_false(aw_actor_alive(sys, sup));
        assert_int_equal(atomic_load(&sh.start_len), atomic_load(&sh.stop_len));
        drain_dead_letters(sys, -1);
        finish_system(sys);
    }
}

/* Past a few children the supervisor finds children by reference through
 * an index (and its link set is indexed too): the strategies still act on
 * exactly the right children, and the ordered stop still runs in reverse. */
enum { MANY = 200 };

static void test_many_children_restart_and_stop_in_order(void **state) {
    (void)state;
    static shared sh;
    static kid k[MANY];
    static aw_child_spec specs[MANY];
    static aw_actor_ref before[MANY];
    for (int strategy = AW_ONE_FOR_ONE; strategy <= AW_REST_FOR_ONE; strategy += 2) {
        memset(&sh, 0, sizeof sh);
        aw_actor_system *sys = make_system(2);
        for (uint64_t i = 0; i < MANY; i++) {
            k[i] = (kid){.id = i, .sh = &sh};
            specs[i] = kid_spec(&k[i], AW_PERMANENT);
        }
        aw_supervisor_spec spec = {.strategy = (aw_strategy)strategy,
                                   .intensity = 10,
                                   .period_ns = 10000000000u,
                                   .children = specs,
                                   .child_count = MANY};
        aw_actor_ref sup;
        assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
        idle(sys);
        for (size_t i = 0; i < MANY; i++) before[i] = child_of(sys, sup, i);
        /* Crash one in the middle. */
        assert_int_equal(aw_actor_send(sys, before[150], &(aw_msg){.kind = KIND_CRASH}), AW_OK);
        uint64_t restarted = strategy == AW_ONE_FOR_ONE ? 1 : MANY - 150;
        wait_for(&sh.start_len, MANY + restarted);
        idle(sys);
        assert_int_equal(atomic_load(&sh.start_len), MANY + restarted);
        for (size_t i = 0; i < MANY; i++) {
            bool again = strategy == AW_ONE_FOR_ONE ? i == 150 : i >= 150;
            if (again)
                assert_int_not_equal(child_of(sys, sup, i), before[i]);
            else
                assert_int_equal(child_of(sys, sup, i), before[i]);
            assert_true(aw_actor_alive(sys, child_of(sys, sup, i)));
        }
        /* A second crash of the restarted child is seen too (its new
         * reference is indexed). */
        assert_int_equal(aw_actor_send(sys, child_of(sys, sup, 150), &(aw_msg){.kind = KIND_CRASH}),
                         AW_OK);
        wait_for(&sh.start_len, MANY + 2 * restarted);
        idle(sys);
        uint64_t stops_before = atomic_load(&sh.stop_len);
        stop_sup(sys, sup);
        /* Every child stopped once more, in reverse start order. */
        assert_int_equal(atomic_load(&sh.stop_len), stops_before + MANY);
        for (uint64_t i = 0; i < MANY && stops_before + i < LOG_MAX; i++)
            assert_int_equal(atomic_load(&sh.stop_log[stops_before + i]), MANY - 1 - i);
    }
}

/* A child that ignores its shutdown is killed after its own grace period,
 * whether the kill timer was armed for an earlier sibling with a shorter
 * or a longer grace period. */
static void test_ordered_stop_kills_children_that_ignore_it(void **state) {
    (void)state;
    static shared sh;
    memset(&sh, 0, sizeof sh);
    aw_actor_system *sys = make_system(2);
    /* Stopped in reverse: 3 (prompt, 10 ms), 2 (stubborn, 100 ms: the armed
     * timer fires early and is re-armed), 1 (prompt, default 5 s), 0
     * (stubborn, 30 ms: earlier than the timer armed for 1). */
    static kid k[4];
    k[0] = (kid){.id = 0, .sh = &sh, .stubborn = true};
    k[1] = (kid){.id = 1, .sh = &sh};
    k[2] = (kid){.id = 2, .sh = &sh, .stubborn = true};
    k[3] = (kid){.id = 3, .sh = &sh};
    aw_child_spec specs[4];
    for (int i = 0; i < 4; i++) specs[i] = kid_spec(&k[i], AW_PERMANENT);
    specs[0].shutdown_ns = 30000000u;
    specs[2].shutdown_ns = 100000000u;
    specs[3].shutdown_ns = 10000000u;
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ONE, .children = specs, .child_count = 4};
    aw_actor_ref sup;
    assert_int_equal(aw_supervisor_start(sys, &spec, NULL, &sup), AW_OK);
    idle(sys);
    uint64_t t0 = aw__clock_ns();
    assert_int_equal(aw_actor_exit(sys, AW_ACTOR_NONE, sup, (aw_reason){AW_EXIT_SHUTDOWN, 0}),
                     AW_OK);
    wait_for(&sh.stop_len, 4);
    uint64_t took = aw__clock_ns() - t0;
    idle(sys);
    assert_false(aw_actor_alive(sys, sup));
    for (uint64_t i = 0; i < 4; i++) assert_int_equal(atomic_load(&sh.stop_log[i]), 3 - i);
    assert_int_equal(atomic_load(&k[3].term_kind), AW_EXIT_SHUTDOWN);
    assert_int_equal(atomic_load(&k[2].term_kind), AW_EXIT_KILLED);
    assert_int_equal(atomic_load(&k[1].term_kind), AW_EXIT_SHUTDOWN);
    assert_int_equal(atomic_load(&k[0].term_kind), AW_EXIT_KILLED);
    /* Child 2 had its full 100 ms; child 0 did not wait for child 1's 5 s. */
    assert_true(took >= 100000000u + 30000000u);
    assert_true(took < 4000000000u);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_one_for_one_restarts_only_the_crashed_child),
        ACTOR_TEST(test_one_for_all_stops_others_in_reverse_and_restarts_all_in_order),
        ACTOR_TEST(test_rest_for_one_restarts_the_later_children),
        ACTOR_TEST(test_restart_types),
        ACTOR_TEST(test_intensity_exceeded_escalates_through_a_tree),
        ACTOR_TEST(test_escalation_reason_is_escalated),
        ACTOR_TEST(test_restart_in_place_keeps_reference_and_queued_messages),
        ACTOR_TEST(test_one_for_all_resets_in_place_siblings),
        ACTOR_TEST(test_backoff_delays_restarts_exponentially),
        ACTOR_TEST(test_start_failure_stops_started_children),
        ACTOR_TEST(test_restarts_racing_a_flood_end_clean),
        ACTOR_TEST(test_many_children_restart_and_stop_in_order),
        ACTOR_TEST(test_ordered_stop_kills_children_that_ignore_it),
    };
    return AW_TEST_RUN(tests);
}
