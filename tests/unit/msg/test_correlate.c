/* Request correlation with native actors: responses, errors, timeouts,
 * cancellation, late answers, crashed requesters and targets, the
 * synchronous (wake) mode, and exactly-once outcomes under racing answers. */
#include "msg_fixture.h"

#include "msg/correlate.h"
#include "msg/router.h"

#include <stdlib.h>

typedef struct setup {
    aw_actor_system *sys;
    aw__names *names;
    aw__correlate *table;
    const aw__name *client, *server;
    recorder inbox;
    aw_actor_ref requester;
} setup;

static setup *start(uint32_t max_pending) {
    setup *s = calloc(1, sizeof *s);
    s->sys = msg_system(2);
    assert_int_equal(aw__names_create(100, &s->names), AW_OK);
    assert_int_equal(aw__correlate_create(s->sys, max_pending, &s->table), AW_OK);
    assert_int_equal(aw__names_intern(s->names, S("client"), &s->client, NULL), AW_OK);
    assert_int_equal(aw__names_intern(s->names, S("server"), &s->server, NULL), AW_OK);
    recorder_init(&s->inbox);
    s->requester = spawn_recorder(s->sys, &s->inbox);
    return s;
}

static void finish(setup *s) {
    aw__correlate_destroy(s->table);
    msg_system_finish(s->sys);
    aw__names_destroy(s->names);
    aw__mutex_destroy(&s->inbox.lock);
    free(s);
}

static aw__request_info info_for(const setup *s, aw_actor_ref target, uint64_t timeout_ns,
                                 aw__reply_mode mode) {
    aw__request_info info;
    memset(&info, 0, sizeof info);
    info.requester = s->requester;
    info.requester_name = s->client;
    info.target = target;
    info.target_name = s->server;
    info.deadline_ns = timeout_ns ? aw_actor_system_now(s->sys) + timeout_ns : 0;
    info.mode = mode;
    aw__trace_new_root(&info.trace, AW__TRACE_SAMPLED);
    return info;
}

static aw__correlate_stats stats_of(const setup *s) {
    aw__correlate_stats st;
    aw__correlate_get_stats(s->table, &st);
    return st;
}

/* The table's one timer is left to fire once nothing is pending (threaded
 * systems): it is gone within a few LINGER_NS (100 ms) periods. */
static void wait_no_timer(aw_actor_system *sys) {
    uint64_t deadline = aw__clock_ns() + 2000000000u;
    while (aw_timer_pending(sys) != 0 && aw__clock_ns() < deadline) aw__sleep_ns(1000000);
    assert_int_equal(aw_timer_pending(sys), 0);
}

static void response_reaches_requester_once(void **state) {
    (void)state;
    setup *s = start(100);
    aw__request_info info = info_for(s, 5, 0, AW__REPLY_MESSAGE);
    uint64_t id, id2;
    assert_int_equal(aw__correlate_begin(s->table, &info, &id), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &info, &id2), AW_OK);
    assert_int_not_equal(id, 0);
    assert_int_not_equal(id, id2);
    assert_true(id < (UINT64_C(1) << 63));
    assert_int_equal(aw__correlate_respond(s->table, id, aw_payload_copy("\x55pong", 5)), AW_OK);
    wait_count(&s->inbox.count, 1);
    received g = recorder_get(&s->inbox, 0);
    assert_int_equal(g.kind, AW__MSG_RESPONSE);
    assert_int_equal(g.request_id, id);
    assert_ptr_equal(g.from, s->server);
    assert_int_equal(g.sender, 5);
    assert_int_equal(g.len, 5);
    assert_memory_equal(g.bytes, "\x55pong", 5);
    /* The reply continues the request's trace with a new span. */
    assert_int_equal(g.trace.trace_hi, info.trace.trace_hi);
    assert_int_equal(g.trace.trace_lo, info.trace.trace_lo);
    assert_int_not_equal(g.trace.span_id, info.trace.span_id);
    /* A second answer is late: dropped and counted. */
    assert_int_equal(aw__correlate_respond(s->table, id, aw_payload_copy("\x55x", 2)),
                     AW_NOT_FOUND);
    assert_int_equal(aw__correlate_fail(s->table, id, AW__REQERR_TARGET_ERROR, NULL),
                     AW_NOT_FOUND);
    assert_int_equal(aw__correlate_respond(s->table, 12345, NULL), AW_NOT_FOUND);
    /* An error outcome carries its code and message. */
    assert_int_equal(aw__correlate_fail(s->table, id2, AW__REQERR_TARGET_ERROR,
                                        aw_payload_copy("no stock", 8)),
                     AW_OK);
    wait_count(&s->inbox.count, 2);
    g = recorder_get(&s->inbox, 1);
    assert_int_equal(g.kind, AW__MSG_ERROR);
    assert_int_equal(g.error, AW__REQERR_TARGET_ERROR);
    assert_int_equal(g.request_id, id2);
    assert_memory_equal(g.bytes, "no stock", 8);
    assert_int_equal(aw__correlate_fail(s->table, id2, AW__REQERR_COUNT, NULL),
                     AW_INVALID_ARGUMENT);
    aw__correlate_stats st = stats_of(s);
    assert_int_equal(st.started, 2);
    assert_int_equal(st.answered, 2);
    assert_int_equal(st.late, 3);
    assert_int_equal(st.pending, 0);
    assert_int_equal(aw_actor_system_wait_idle(s->sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&s->inbox.count), 2);
    finish(s);
}

static void timeout_then_late_response(void **state) {
    (void)state;
    setup *s = start(100);
    aw__request_info info = info_for(s, 5, 20000000, AW__REPLY_MESSAGE); /* 20 ms */
    uint64_t id;
    assert_int_equal(aw__correlate_begin(s->table, &info, &id), AW_OK);
    assert_int_equal(aw__correlate_deadline(s->table, id), info.deadline_ns);
    wait_count(&s->inbox.count, 1);
    received g = recorder_get(&s->inbox, 0);
    assert_int_equal(g.kind, AW__MSG_ERROR);
    assert_int_equal(g.error, AW__REQERR_TIMEOUT);
    assert_int_equal(g.request_id, id);
    assert_true(aw_actor_system_now(s->sys) >= info.deadline_ns);
    assert_int_equal(aw__correlate_deadline(s->table, id), 0);
    assert_int_equal(aw__correlate_respond(s->table, id, aw_payload_copy("\x55late", 5)),
                     AW_NOT_FOUND);
    aw__correlate_stats st = stats_of(s);
    assert_int_equal(st.timed_out, 1);
    assert_int_equal(st.late, 1);
    /* Answered in time: the timer is cancelled and no timeout follows. */
    info = info_for(s, 5, 30000000, AW__REPLY_MESSAGE);
    assert_int_equal(aw__correlate_begin(s->table, &info, &id), AW_OK);
    assert_int_equal(aw__correlate_respond(s->table, id, NULL), AW_OK);
    aw__sleep_ns(60000000);
    assert_int_equal(aw_actor_system_wait_idle(s->sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&s->inbox.count), 2);
    assert_int_equal(recorder_get(&s->inbox, 1).kind, AW__MSG_RESPONSE);
    assert_int_equal(stats_of(s).timed_out, 1);
    finish(s);
}

static void cancel_stops_every_outcome(void **state) {
    (void)state;
    setup *s = start(100);
    aw__request_info info = info_for(s, 5, 20000000, AW__REPLY_MESSAGE);
    uint64_t id;
    assert_int_equal(aw__correlate_begin(s->table, &info, &id), AW_OK);
    assert_int_equal(aw__correlate_cancel(s->table, id, 999), AW_NOT_FOUND); /* not its requester */
    assert_int_equal(aw__correlate_cancel(s->table, id, s->requester), AW_OK);
    assert_int_equal(aw__correlate_cancel(s->table, id, s->requester), AW_NOT_FOUND);
    assert_int_equal(aw__correlate_respond(s->table, id, aw_payload_copy("\x55r", 2)),
                     AW_NOT_FOUND);
    aw__sleep_ns(50000000); /* past the deadline */
    assert_int_equal(aw_actor_system_wait_idle(s->sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&s->inbox.count), 0);
    aw__correlate_stats st = stats_of(s);
    assert_int_equal(st.cancelled, 1);
    assert_int_equal(st.late, 1);
    assert_int_equal(st.timed_out, 0);
    finish(s);
}

static void limit_on_pending_requests(void **state) {
    (void)state;
    setup *s = start(2);
    aw__request_info info = info_for(s, 5, 0, AW__REPLY_MESSAGE);
    uint64_t a, b, c;
    assert_int_equal(aw__correlate_begin(s->table, &info, &a), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &info, &b), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &info, &c), AW_LIMIT_EXCEEDED);
    assert_int_equal(c, 0);
    assert_int_equal(aw__correlate_cancel(s->table, a, s->requester), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &info, &c), AW_OK);
    assert_int_not_equal(c, a); /* a reused slot gives a new id */
    assert_int_equal(aw__correlate_respond(s->table, a, NULL), AW_NOT_FOUND);
    finish(s);
}

static void crashed_requester_and_target(void **state) {
    (void)state;
    setup *s = start(100);
    uint64_t ids[5];
    aw__request_info to_t1 = info_for(s, 101, 5000000000u, AW__REPLY_MESSAGE);
    aw__request_info to_t2 = info_for(s, 102, 0, AW__REPLY_MESSAGE);
    assert_int_equal(aw__correlate_begin(s->table, &to_t1, &ids[0]), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &to_t1, &ids[1]), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &to_t2, &ids[2]), AW_OK);
    /* Target 101 is gone for good: its two requests fail target-crashed. */
    assert_int_equal(aw__correlate_target_down(s->table, 101, AW__REQERR_TARGET_CRASHED), 2);
    wait_count(&s->inbox.count, 2);
    for (int i = 0; i < 2; i++) {
        received g = recorder_get(&s->inbox, (uint64_t)i);
        assert_int_equal(g.kind, AW__MSG_ERROR);
        assert_int_equal(g.error, AW__REQERR_TARGET_CRASHED);
        assert_true(g.request_id == ids[0] || g.request_id == ids[1]);
    }
    assert_int_equal(aw__correlate_target_down(s->table, 101, AW__REQERR_TARGET_CRASHED), 0);
    /* The requester crashes: its other requests are dropped without delivery. */
    aw__request_info wake = info_for(s, 102, 5000000000u, AW__REPLY_WAKE);
    assert_int_equal(aw__correlate_begin(s->table, &wake, &ids[3]), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &wake, &ids[4]), AW_OK);
    assert_int_equal(aw__correlate_respond(s->table, ids[4], aw_payload_copy("\x55kept", 5)),
                     AW_OK); /* an outcome kept for collection is dropped too */
    assert_int_equal(aw__correlate_requester_down(s->table, s->requester), 3);
    assert_int_equal(aw__correlate_respond(s->table, ids[2], NULL), AW_NOT_FOUND);
    wait_no_timer(s->sys);
    assert_int_equal(aw_actor_system_wait_idle(s->sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&s->inbox.count), 2);
    aw__correlate_stats st = stats_of(s);
    assert_int_equal(st.pending, 0);
    assert_int_equal(st.cancelled, 3);
    finish(s);
}

/* Many pending requests share one timer; answering them all arms nothing
 * more, times nothing out, and the timer goes once the traffic stops. */
static void one_timer_serves_many_requests(void **state) {
    (void)state;
    setup *s = start(1000);
    enum { N = 50 };
    uint64_t ids[N];
    for (int i = 0; i < N; i++) {
        aw__request_info info = info_for(s, 5, 5000000000u, AW__REPLY_MESSAGE);
        assert_int_equal(aw__correlate_begin(s->table, &info, &ids[i]), AW_OK);
    }
    assert_int_equal(aw_timer_pending(s->sys), 1);
    for (int i = 0; i < N; i++)
        assert_int_equal(aw__correlate_respond(s->table, ids[i], NULL), AW_OK);
    wait_count(&s->inbox.count, N);
    wait_no_timer(s->sys);
    aw__correlate_stats st = stats_of(s);
    assert_int_equal(st.answered, N);
    assert_int_equal(st.timed_out, 0);
    assert_int_equal(st.pending, 0);
    finish(s);
}

/* A deadline earlier than every pending one, begun later, still fires on
 * time; the later request is untouched. */
static void an_earlier_deadline_fires_first(void **state) {
    (void)state;
    setup *s = start(100);
    aw__request_info slow = info_for(s, 5, 10000000000u, AW__REPLY_MESSAGE);
    aw__request_info quick = info_for(s, 5, 20000000u, AW__REPLY_MESSAGE);
    uint64_t slow_id, quick_id;
    assert_int_equal(aw__correlate_begin(s->table, &slow, &slow_id), AW_OK);
    assert_int_equal(aw__correlate_begin(s->table, &quick, &quick_id), AW_OK);
    wait_count(&s->inbox.count, 1);
    received g = recorder_get(&s->inbox, 0);
    assert_int_equal(g.request_id, quick_id);
    assert_int_equal(g.error, AW__REQERR_TIMEOUT);
    assert_int_equal(aw__correlate_deadline(s->table, slow_id), slow.deadline_ns);
    assert_int_equal(aw__correlate_respond(s->table, slow_id, NULL), AW_OK);
    wait_count(&s->inbox.count, 2);
    assert_int_equal(recorder_get(&s->inbox, 1).kind, AW__MSG_RESPONSE);
    assert_int_equal(stats_of(s).timed_out, 1);
    finish(s);
}

/* ---- end to end with actors: client -> router -> server -> table -> client ---- */

typedef struct world {
    aw_actor_system *sys;
    aw__names *names;
    aw__router *router;
    aw__correlate *table;
    const aw__name *client_name, *server_name;
    _Atomic uint64_t crashes;
} world;

/* The server answers "ping" with "pong" and crashes on "boom". */
static aw_handled server_handle(aw_actor *self, void *state, const aw_msg *msg) {
    world *w = state;
    aw__envelope req;
    if (aw__envelope_view_msg(msg, &req) != AW_OK || req.kind != AW__MSG_REQUEST) return AW_DONE;
    if (req.payload && req.payload->len == 5 && memcmp(req.payload->bytes, "\x55" "boom", 5) == 0) {
        atomic_fetch_add(&w->crashes, 1);
        return aw_actor_crash(self, 7);
    }
    aw__correlate_respond(w->table, req.request_id, aw_payload_copy("\x55pong", 5));
    return AW_DONE;
}

static const aw_behaviour server_behaviour = {"server", NULL, server_handle, NULL};

/* The client, on a cast with payload P, requests P from "server"; in wake
 * mode (word[0] of its state) it blocks until the outcome is there. */
typedef struct client {
    world *w;
    aw__reply_mode mode;
    uint64_t waiting; /* wake mode: the request being waited for */
    recorder outcomes;
    _Atomic uint64_t blocks;
} client;

static void record_outcome(client *c, const aw__envelope *env) {
    aw_msg as_msg;
    aw__envelope copy = *env;
    copy.payload = aw_payload_retain(env->payload); /* to_msg moves one reference */
    aw__envelope_to_msg(&copy, AW_ACTOR_NONE, &as_msg);
    recorder_add(&c->outcomes, &as_msg);
    aw_payload_release(as_msg.payload);
}

static aw_handled client_handle(aw_actor *self, void *state, const aw_msg *msg) {
    client *c = state;
    aw__envelope env;
    if (aw__envelope_view_msg(msg, &env) != AW_OK) return AW_DONE;
    if (env.kind == AW__MSG_RESPONSE || env.kind == AW__MSG_ERROR) {
        recorder_add(&c->outcomes, msg);
        return AW_DONE;
    }
    if (c->waiting) { /* woken, or called again while blocked */
        aw__envelope outcome;
        aw_status s = aw__correlate_collect(c->w->table, c->waiting, aw_actor_self(self), &outcome);
        if (s == AW_SUSPENDED) return AW_BLOCK;
        c->waiting = 0;
        if (s == AW_OK) {
            record_outcome(c, &outcome);
            aw__envelope_release(&outcome);
        }
        return AW_DONE;
    }
    aw__route route;
    if (aw__router_lookup(c->w->router, S("server"), &route) != AW_OK) abort();
    aw__request_info info = {
        .requester = aw_actor_self(self),
        .requester_name = c->w->client_name,
        .target = route.instance,
        .target_name = route.id,
        .deadline_ns = aw_actor_system_now(c->w->sys) + 2000000000u,
        .mode = c->mode,
    };
    aw__trace_new_child(&info.trace, &env.trace);
    uint64_t id;
    if (aw__correlate_begin(c->w->table, &info, &id) != AW_OK) abort();
    aw__envelope req = {.from = c->w->client_name, .to = route.id, .kind = AW__MSG_REQUEST,
                        .request_id = id, .trace = info.trace,
                        .payload = aw_payload_retain(env.payload)};
    if (aw__router_send(c->w->router, c->w->sys, &req, aw_actor_self(self), NULL, NULL) != AW_OK)
        aw__correlate_fail(c->w->table, id, AW__REQERR_UNKNOWN_TARGET, NULL);
    if (c->mode == AW__REPLY_MESSAGE) return AW_DONE;
    c->waiting = id;
    atomic_fetch_add(&c->blocks, 1);
    return AW_BLOCK;
}

static const aw_behaviour client_behaviour = {"client", NULL, client_handle, NULL};

static void run_world(aw__reply_mode mode) {
    world w;
    memset(&w, 0, sizeof w);
    w.sys = msg_system(2);
    assert_int_equal(aw__names_create(100, &w.names), AW_OK);
    assert_int_equal(aw__router_create(w.names, &w.router), AW_OK);
    assert_int_equal(aw__correlate_create(w.sys, 1000, &w.table), AW_OK);
    aw__route_config raw = {.accepts = 1u << AW__CODEC_RAW};
    assert_int_equal(aw__router_declare(w.router, S("server"), &raw, &w.server_name, NULL), AW_OK);
    assert_int_equal(aw__router_declare(w.router, S("client"), &raw, &w.client_name, NULL), AW_OK);
    aw_actor_ref server, client_ref;
    assert_int_equal(aw_actor_spawn(w.sys, &server_behaviour, &w, NULL, &server), AW_OK);
    assert_int_equal(aw__router_add_instance(w.router, w.server_name, server), AW_OK);
    client c;
    memset(&c, 0, sizeof c);
    c.w = &w;
    c.mode = mode;
    recorder_init(&c.outcomes);
    assert_int_equal(aw_actor_spawn(w.sys, &client_behaviour, &c, NULL, &client_ref), AW_OK);
    assert_int_equal(aw__router_add_instance(w.router, w.client_name, client_ref), AW_OK);

    /* 1. ping -> pong */
    aw__envelope go = {.to = w.client_name, .kind = AW__MSG_CAST,
                       .payload = aw_payload_copy("\x55ping", 5)};
    aw__trace_new_root(&go.trace, 0);
    assert_int_equal(aw__router_send(w.router, w.sys, &go, AW_ACTOR_NONE, NULL, NULL), AW_OK);
    wait_count(&c.outcomes.count, 1);
    received g = recorder_get(&c.outcomes, 0);
    assert_int_equal(g.kind, AW__MSG_RESPONSE);
    assert_memory_equal(g.bytes, "\x55pong", 5);
    assert_ptr_equal(g.from, w.server_name);

    /* 2. boom: the server crashes while handling the request. The crashed
     * message is in the dead letters; answering its request target-crashed
     * is what the host does on a crash. */
    go = (aw__envelope){.to = w.client_name, .kind = AW__MSG_CAST,
                        .payload = aw_payload_copy("\x55" "boom", 5)};
    aw__trace_new_root(&go.trace, 0);
    assert_int_equal(aw__router_send(w.router, w.sys, &go, AW_ACTOR_NONE, NULL, NULL), AW_OK);
    wait_count(&w.crashes, 1);
    uint64_t answered = 0;
    for (int tries = 0; tries < 1000 && answered == 0; tries++) {
        aw_dead_letter letters[8];
        size_t n = aw_dead_letters_take(w.sys, letters, 8);
        for (size_t i = 0; i < n; i++) {
            aw__envelope dead;
            if (aw__envelope_view_msg(&letters[i].msg, &dead) == AW_OK &&
                dead.kind == AW__MSG_REQUEST && letters[i].status == AW_TRAP) {
                assert_int_equal(aw__correlate_fail(w.table, dead.request_id,
                                                    AW__REQERR_TARGET_CRASHED, NULL),
                                 AW_OK);
                answered++;
            }
            aw_payload_release(letters[i].msg.payload);
        }
        if (!answered) aw__sleep_ns(1000000);
    }
    assert_int_equal(answered, 1);
    wait_count(&c.outcomes.count, 2);
    g = recorder_get(&c.outcomes, 1);
    assert_int_equal(g.kind, AW__MSG_ERROR);
    assert_int_equal(g.error, AW__REQERR_TARGET_CRASHED);
    if (mode == AW__REPLY_WAKE) assert_int_equal(atomic_load(&c.blocks), 2);

    aw__correlate_stats st;
    aw__correlate_get_stats(w.table, &st);
    assert_int_equal(st.started, 2);
    assert_int_equal(st.answered, 2);
    assert_int_equal(st.pending, 0);
    aw__correlate_destroy(w.table);
    msg_system_finish(w.sys);
    aw__router_destroy(w.router);
    aw__names_destroy(w.names);
    aw__mutex_destroy(&c.outcomes.lock);
}

static void end_to_end_callbacks(void **state) {
    (void)state;
    run_world(AW__REPLY_MESSAGE);
}

static void end_to_end_blocking_call(void **state) {
    (void)state;
    run_world(AW__REPLY_WAKE);
}

/* A blocked caller whose request times out is woken with the timeout. */
static void blocking_call_times_out(void **state) {
    (void)state;
    setup *s = start(10);
    aw__request_info info = info_for(s, 5, 10000000, AW__REPLY_WAKE);
    uint64_t id;
    assert_int_equal(aw__correlate_begin(s->table, &info, &id), AW_OK);
    aw__envelope out;
    assert_int_equal(aw__correlate_collect(s->table, id, s->requester, &out), AW_SUSPENDED);
    assert_int_equal(aw__correlate_collect(s->table, id, 4242, &out), AW_NOT_FOUND);
    uint64_t deadline = aw__clock_ns() + 5000000000u;
    aw_status st;
    while ((st = aw__correlate_collect(s->table, id, s->requester, &out)) == AW_SUSPENDED &&
           aw__clock_ns() < deadline)
        aw__sleep_ns(1000000);
    assert_int_equal(st, AW_OK);
    assert_int_equal(out.kind, AW__MSG_ERROR);
    assert_int_equal(out.error, AW__REQERR_TIMEOUT);
    assert_int_equal(out.request_id, id);
    aw__envelope_release(&out);
    assert_int_equal(aw__correlate_collect(s->table, id, s->requester, &out), AW_NOT_FOUND);
    finish(s);
}

typedef struct racer {
    setup *s;
    uint64_t *ids;
    size_t count;
    _Atomic uint64_t won;
} racer;

static void *answer_all(void *arg) {
    racer *r = arg;
    for (size_t i = 0; i < r->count; i++)
        if (aw__correlate_respond(r->s->table, r->ids[i], NULL) == AW_OK)
            atomic_fetch_add(&r->won, 1);
    return NULL;
}

/* Two answerers and the deadline race for each request: every request gets
 * exactly one outcome and everything else is counted late. */
static void exactly_one_outcome_under_races(void **state) {
    (void)state;
    enum { N = 400 };
    setup *s = start(N);
    static uint64_t ids[N];
    for (size_t i = 0; i < N; i++) {
        aw__request_info info = info_for(s, 5, 1000000 + (i % 7) * 100000, AW__REPLY_MESSAGE);
        assert_int_equal(aw__correlate_begin(s->table, &info, &ids[i]), AW_OK);
    }
    aw__sleep_ns(1000000); /* let some deadlines come due while answering */
    racer r = {s, ids, N, 0};
    atomic_init(&r.won, 0);
    aw__thread t[2];
    for (int i = 0; i < 2; i++) assert_int_equal(aw__thread_create(&t[i], answer_all, &r, NULL), AW_OK);
    for (int i = 0; i < 2; i++) aw__thread_join(t[i], NULL);
    wait_count(&s->inbox.count, N);
    aw__sleep_ns(5000000);
    assert_int_equal(aw_actor_system_wait_idle(s->sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&s->inbox.count), N);
    aw__correlate_stats st = stats_of(s);
    assert_int_equal(st.answered + st.timed_out, N);
    assert_int_equal(st.answered, atomic_load(&r.won));
    assert_int_equal(st.late, 2 * N - st.answered);
    assert_int_equal(st.pending, 0);
    finish(s);
}

/* Deterministic mode (virtual clock, seeded schedule): deadlines fire in
 * order without waiting, and an answer given before the run wins. */
static void deterministic_deadlines(void **state) {
    (void)state;
    aw_actor_config cfg = {.deterministic = true, .seed = 20261122};
    aw_actor_system *sys;
    assert_int_equal(aw_actor_system_create(&cfg, &sys), AW_OK);
    aw__correlate *table;
    assert_int_equal(aw__correlate_create(sys, 10, &table), AW_OK);
    recorder inbox;
    recorder_init(&inbox);
    aw_actor_ref requester = spawn_recorder(sys, &inbox);
    uint64_t start_ns = aw_actor_system_now(sys);
    uint64_t ids[3];
    for (int i = 0; i < 3; i++) {
        aw__request_info info = {.requester = requester, .target = 9,
                                 .deadline_ns = start_ns + (uint64_t)(i + 1) * 1000000000u};
        assert_int_equal(aw__correlate_begin(table, &info, &ids[i]), AW_OK);
    }
    assert_int_equal(aw__correlate_respond(table, ids[1], NULL), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 10000000000u), AW_OK);
    assert_int_equal(atomic_load(&inbox.count), 3);
    received first = recorder_get(&inbox, 0), second = recorder_get(&inbox, 1),
             third = recorder_get(&inbox, 2);
    assert_int_equal(first.kind, AW__MSG_RESPONSE);
    assert_int_equal(first.request_id, ids[1]);
    assert_int_equal(second.error, AW__REQERR_TIMEOUT);
    assert_int_equal(second.request_id, ids[0]);
    assert_int_equal(third.error, AW__REQERR_TIMEOUT);
    assert_int_equal(third.request_id, ids[2]);
    assert_true(aw_actor_system_now(sys) >= start_ns + 3000000000u);
    assert_int_equal(aw__correlate_respond(table, ids[0], NULL), AW_NOT_FOUND);
    /* Deadlines begun out of order time out in deadline order, and an idle
     * deterministic table keeps no timer (the clock stays where it is). */
    start_ns = aw_actor_system_now(sys);
    uint64_t order[3] = {3, 1, 2};
    for (int i = 0; i < 3; i++) {
        aw__request_info info = {.requester = requester, .target = 9,
                                 .deadline_ns = start_ns + order[i] * 1000000000u};
        assert_int_equal(aw__correlate_begin(table, &info, &ids[i]), AW_OK);
    }
    assert_int_equal(aw_actor_system_wait_idle(sys, 10000000000u), AW_OK);
    assert_int_equal(atomic_load(&inbox.count), 6);
    assert_int_equal(recorder_get(&inbox, 3).request_id, ids[1]);
    assert_int_equal(recorder_get(&inbox, 4).request_id, ids[2]);
    assert_int_equal(recorder_get(&inbox, 5).request_id, ids[0]);
    assert_int_equal(recorder_get(&inbox, 5).error, AW__REQERR_TIMEOUT);
    assert_int_equal(aw_timer_pending(sys), 0);
    assert_int_equal(aw_actor_system_now(sys), start_ns + 3000000000u);
    aw__correlate_destroy(table);
    msg_system_finish(sys);
    aw__mutex_destroy(&inbox.lock);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(response_reaches_requester_once),
        cmocka_unit_test(timeout_then_late_response),
        cmocka_unit_test(cancel_stops_every_outcome),
        cmocka_unit_test(limit_on_pending_requests),
        cmocka_unit_test(crashed_requester_and_target),
        cmocka_unit_test(end_to_end_callbacks),
        cmocka_unit_test(end_to_end_blocking_call),
        cmocka_unit_test(blocking_call_times_out),
        cmocka_unit_test(exactly_one_outcome_under_races),
        cmocka_unit_test(deterministic_deadlines),
        cmocka_unit_test(one_timer_serves_many_requests),
        cmocka_unit_test(an_earlier_deadline_fires_first),
    };
    return AW_TEST_RUN(tests);
}
