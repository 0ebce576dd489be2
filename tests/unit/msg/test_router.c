/* Router: declare and look up components, round-robin over instances,
 * payload checks at send time (bad codec, malformed body, too large), the
 * unknown-target and remote paths, and concurrent lookups with changes. */
#include "msg_fixture.h"

#include "msg/router.h"

#include <stdlib.h>

typedef struct setup {
    aw_actor_system *sys;
    aw__names *names;
    aw__router *router;
} setup;

static setup start(void) {
    setup s;
    s.sys = msg_system(2);
    assert_int_equal(aw__names_create(1000, &s.names), AW_OK);
    assert_int_equal(aw__router_create(s.names, &s.router), AW_OK);
    return s;
}

static void finish(setup *s) {
    msg_system_finish(s->sys);
    aw__router_destroy(s->router);
    aw__names_destroy(s->names);
}

static const aw__route_config json_only = {.accepts = 1u << AW__CODEC_JSON};

static aw__envelope cast(const aw__name *from, const aw__name *to, const void *bytes, size_t len) {
    aw__envelope e;
    memset(&e, 0, sizeof e);
    e.kind = AW__MSG_CAST;
    e.from = from;
    e.to = to;
    aw__trace_new_root(&e.trace, 0);
    e.payload = aw_payload_copy(bytes, len);
    return e;
}

static void declare_and_round_robin(void **state) {
    (void)state;
    setup s = start();
    const aw__name *inventory;
    aw_error err;
    assert_int_equal(aw__router_declare(s.router, S("inventory"), &json_only, &inventory, &err),
                     AW_OK);
    assert_int_equal(aw__router_declare(s.router, S("bad id*"), &json_only, NULL, &err),
                     AW_INVALID_ARGUMENT);
    aw__route route;
    assert_int_equal(aw__router_lookup(s.router, S("inventory"), &route), AW_OK);
    assert_ptr_equal(route.id, inventory);
    assert_int_equal(route.instance, AW_ACTOR_NONE);
    assert_int_equal(aw__router_lookup(s.router, S("ledger"), &route), AW_NOT_FOUND);
    assert_int_equal(aw__router_add_instance(s.router, inventory, 11), AW_OK);
    assert_int_equal(aw__router_add_instance(s.router, inventory, 12), AW_OK);
    assert_int_equal(aw__router_add_instance(s.router, inventory, 12), AW_ALREADY_EXISTS);
    int seen11 = 0, seen12 = 0;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(aw__router_lookup(s.router, S("inventory"), &route), AW_OK);
        if (route.instance == 11) seen11++;
        if (route.instance == 12) seen12++;
    }
    assert_int_equal(seen11, 5);
    assert_int_equal(seen12, 5);
    aw_actor_ref refs[4];
    assert_int_equal(aw__router_instances(s.router, inventory, refs, 4), 2);
    assert_int_equal(aw__router_replace_instance(s.router, inventory, 11, 13), AW_OK);
    assert_int_equal(aw__router_replace_instance(s.router, inventory, 11, 13), AW_NOT_FOUND);
    assert_int_equal(aw__router_remove_instance(s.router, inventory, 12), AW_OK);
    assert_int_equal(aw__router_remove_instance(s.router, inventory, 12), AW_NOT_FOUND);
    assert_int_equal(aw__router_lookup(s.router, S("inventory"), &route), AW_OK);
    assert_int_equal(route.instance, 13);
    /* Redeclaring updates the config, keeps the instances. */
    aw__route_config both = {.accepts = json_only.accepts | 1u << AW__CODEC_CBOR};
    assert_int_equal(aw__router_declare(s.router, S("inventory"), &both, NULL, &err), AW_OK);
    assert_int_equal(aw__router_lookup(s.router, S("inventory"), &route), AW_OK);
    assert_int_equal(route.config.accepts, both.accepts);
    assert_int_equal(route.instance, 13);
    assert_int_equal(aw__router_forget(s.router, inventory), AW_OK);
    assert_int_equal(aw__router_forget(s.router, inventory), AW_NOT_FOUND);
    assert_int_equal(aw__router_add_instance(s.router, inventory, 1), AW_NOT_FOUND);
    finish(&s);
}

static void send_delivers_to_an_instance(void **state) {
    (void)state;
    setup s = start();
    recorder r;
    recorder_init(&r);
    aw_actor_ref target = spawn_recorder(s.sys, &r);
    const aw__name *inventory, *gateway;
    assert_int_equal(aw__router_declare(s.router, S("inventory"), &json_only, &inventory, NULL),
                     AW_OK);
    assert_int_equal(aw__names_intern(s.names, S("gateway"), &gateway, NULL), AW_OK);
    assert_int_equal(aw__router_add_instance(s.router, inventory, target), AW_OK);
    aw__envelope e = cast(gateway, inventory, "\x80\x04{\"sku\":7}", 11);
    aw__trace sent_trace = e.trace;
    aw_actor_ref to;
    aw_error err;
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 77, &to, &err), AW_OK);
    assert_int_equal(to, target);
    assert_null(e.payload); /* the reference moved into the mailbox */
    wait_count(&r.count, 1);
    received g = recorder_get(&r, 0);
    assert_int_equal(g.kind, AW__MSG_CAST);
    assert_ptr_equal(g.from, gateway);
    assert_int_equal(g.sender, 77);
    assert_int_equal(g.len, 11);
    assert_memory_equal(g.bytes, "\x80\x04{\"sku\":7}", 11);
    assert_int_equal(g.trace.trace_hi, sent_trace.trace_hi);
    assert_int_equal(g.trace.span_id, sent_trace.span_id);
    finish(&s);
}

static void send_checks_payloads(void **state) {
    (void)state;
    setup s = start();
    recorder r;
    recorder_init(&r);
    aw_actor_ref target = spawn_recorder(s.sys, &r);
    const aw__name *ledger;
    aw__route_config strict = {.accepts = json_only.accepts, .check_bodies = true,
                               .max_payload = 16};
    assert_int_equal(aw__router_declare(s.router, S("ledger"), &strict, &ledger, NULL), AW_OK);
    assert_int_equal(aw__router_add_instance(s.router, ledger, target), AW_OK);
    aw_error err;
    aw__envelope e = cast(NULL, ledger, "\x51\xa0", 2); /* cbor */
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_BAD_CODEC);
    assert_non_null(strstr(err.message, "cbor"));
    assert_non_null(strstr(err.message, "ledger"));
    e = cast(NULL, ledger, "\x80\x04{\"a\":", 7); /* json, cut short */
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_BAD_CODEC);
    assert_non_null(strstr(err.message, "not well formed"));
    e = cast(NULL, ledger, "", 0); /* no prefix at all */
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_BAD_CODEC);
    e = cast(NULL, ledger, "\x80\x04[1,2,3,4,5,6,7,8]", 19);
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_TOO_LARGE);
    e = cast(NULL, ledger, "\x80\x04[1]", 5);
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_OK);
    wait_count(&r.count, 1);
    assert_int_equal(aw_actor_system_wait_idle(s.sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&r.count), 1); /* only the good one arrived */
    finish(&s);
}

/* aw__router_deliver: a route resolved by the caller gets the same checks as
 * a lookup-and-send (the quick accept of a one-byte prefix, the full check for
 * everything else), and a refused push releases the payload. */
static void deliver_checks_a_resolved_route(void **state) {
    (void)state;
    setup s = start();
    recorder r;
    recorder_init(&r);
    aw_actor_ref target = spawn_recorder(s.sys, &r);
    const aw__name *store;
    assert_int_equal(aw__names_intern(s.names, S("store"), &store, NULL), AW_OK);
    aw__route route = {store, target, {.accepts = (1u << AW__CODEC_RAW) | (1u << AW__CODEC_CBOR),
                                       .max_payload = 8}};
    aw_error err;
    aw__envelope e = cast(NULL, store, "\x55hi", 3);
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_OK);
    assert_null(e.payload);
    e = cast(NULL, store, "\x51\xa0", 2);
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_OK);
    e = cast(NULL, store, "\x80\x04{}", 4); /* json: not accepted */
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_BAD_CODEC);
    assert_non_null(strstr(err.message, "store"));
    e = cast(NULL, store, "\x55" "123456789", 10);
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_TOO_LARGE);
    e = cast(NULL, store, "", 0);
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_BAD_CODEC);
    e = cast(NULL, store, "\x00x", 2); /* code 0: no codec */
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_BAD_CODEC);
    /* Bodies checked when asked: a raw body is always well formed, a cut
     * cbor one is not. */
    route.config.check_bodies = true;
    e = cast(NULL, store, "\x55ok", 3);
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_OK);
    e = cast(NULL, store, "\x51\x82\x01", 3);
    assert_int_equal(aw__router_deliver(s.sys, &route, &e, 5, &err), AW_BAD_CODEC);
    route.config.check_bodies = false;
    /* No instance, and an actor that is gone. */
    aw__route none = route;
    none.instance = AW_ACTOR_NONE;
    e = cast(NULL, store, "\x55hi", 3);
    assert_int_equal(aw__router_deliver(s.sys, &none, &e, 5, &err), AW_NO_SUCH_ACTOR);
    aw__route gone = route;
    gone.instance = 0x0000000700000003u;
    e = cast(NULL, store, "\x55hi", 3);
    assert_int_equal(aw__router_deliver(s.sys, &gone, &e, 5, &err), AW_NO_SUCH_ACTOR);
    assert_non_null(strstr(err.message, "store"));
    wait_count(&r.count, 3);
    assert_int_equal(aw_actor_system_wait_idle(s.sys, 5000000000u), AW_OK);
    assert_int_equal(atomic_load(&r.count), 3);
    received g = recorder_get(&r, 0);
    assert_int_equal(g.sender, 5);
    assert_int_equal(g.len, 3);
    assert_memory_equal(g.bytes, "\x55hi", 3);
    aw_dead_letter letters[4];
    size_t n = aw_dead_letters_take(s.sys, letters, 4);
    for (size_t i = 0; i < n; i++) aw_payload_release(letters[i].msg.payload);
    finish(&s);
}

typedef struct remote_log {
    int calls;
    const aw__name *to;
} remote_log;

static aw_status remote_hook(void *ctx, aw__envelope *env, aw_error *err) {
    (void)err;
    remote_log *log = ctx;
    log->calls++;
    log->to = env->to;
    aw__envelope_release(env);
    return AW_OK;
}

static void unknown_and_remote_targets(void **state) {
    (void)state;
    setup s = start();
    const aw__name *nowhere, *idle;
    assert_int_equal(aw__names_intern(s.names, S("nowhere"), &nowhere, NULL), AW_OK);
    assert_int_equal(aw__router_declare(s.router, S("idle"), &json_only, &idle, NULL), AW_OK);
    aw_error err;
    aw__envelope e = cast(NULL, nowhere, "\x80\x04{}", 4);
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_NOT_FOUND);
    assert_non_null(strstr(err.message, "nowhere"));
    e = cast(NULL, idle, "\x80\x04{}", 4);
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_NO_SUCH_ACTOR);
    e = cast(NULL, NULL, "\x80\x04{}", 4);
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_INVALID_ARGUMENT);
    remote_log log = {0, NULL};
    aw__router_set_remote(s.router, remote_hook, &log);
    e = cast(NULL, nowhere, "\x80\x04{}", 4);
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_OK);
    assert_int_equal(log.calls, 1);
    assert_ptr_equal(log.to, nowhere);
    /* An instance that has exited: the actor layer refuses the send. */
    recorder r;
    recorder_init(&r);
    aw_actor_ref gone = spawn_recorder(s.sys, &r);
    assert_int_equal(aw_actor_exit(s.sys, AW_ACTOR_NONE, gone, (aw_reason){AW_EXIT_KILL, 0}),
                     AW_OK);
    while (aw_actor_alive(s.sys, gone)) aw__sleep_ns(100000);
    assert_int_equal(aw__router_add_instance(s.router, idle, gone), AW_OK);
    e = cast(NULL, idle, "\x80\x04{}", 4);
    assert_int_equal(aw__router_send(s.router, s.sys, &e, 0, NULL, &err), AW_NO_SUCH_ACTOR);
    finish(&s);
}

typedef struct churn {
    aw__router *router;
    const aw__name *id;
    atomic_bool stop;
    _Atomic uint64_t lookups;
} churn;

static void *look_up(void *arg) {
    churn *c = arg;
    while (!atomic_load(&c->stop)) {
        aw__route route;
        if (aw__router_lookup(c->router, S("svc"), &route) != AW_OK) abort();
        /* Instance 1 is never removed; others come and go. */
        if (route.instance == AW_ACTOR_NONE) abort();
        atomic_fetch_add(&c->lookups, 1);
    }
    return NULL;
}

static void concurrent_lookups_and_changes(void **state) {
    (void)state;
    setup s = start();
    churn c;
    c.router = s.router;
    atomic_init(&c.stop, false);
    atomic_init(&c.lookups, 0);
    assert_int_equal(aw__router_declare(s.router, S("svc"), &json_only, &c.id, NULL), AW_OK);
    assert_int_equal(aw__router_add_instance(s.router, c.id, 1), AW_OK);
    aw__thread readers[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(aw__thread_create(&readers[i], look_up, &c, "router-reader"), AW_OK);
    wait_count(&c.lookups, 1); /* the readers are running before the changes start */
    for (aw_actor_ref ref = 2; ref < 2000; ref++) {
        if (ref % 64 == 0) aw__thread_yield();
        assert_int_equal(aw__router_add_instance(s.router, c.id, ref), AW_OK);
        if (ref % 2) assert_int_equal(aw__router_remove_instance(s.router, c.id, ref), AW_OK);
        else assert_int_equal(aw__router_replace_instance(s.router, c.id, ref, ref + 100000), AW_OK);
    }
    atomic_store(&c.stop, true);
    for (int i = 0; i < 3; i++) aw__thread_join(readers[i], NULL);
    assert_true(atomic_load(&c.lookups) > 0);
    aw_actor_ref refs[1];
    assert_int_equal(aw__router_instances(s.router, c.id, refs, 1), 1 + 999);
    finish(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(declare_and_round_robin),
        cmocka_unit_test(send_delivers_to_an_instance),
        cmocka_unit_test(send_checks_payloads),
        cmocka_unit_test(deliver_checks_a_resolved_route),
        cmocka_unit_test(unknown_and_remote_targets),
        cmocka_unit_test(concurrent_lookups_and_changes),
    };
    return AW_TEST_RUN(tests);
}
