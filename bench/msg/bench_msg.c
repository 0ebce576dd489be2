/* Messaging-layer micro-benchmarks: codec checks, body checks, envelope wire
 * coding, trace ids, topic matching, router lookups and sends, request
 * round trips through the correlation table (native actors, 2 workers). */
#include "airwasm/actor.h"
#include "msg/correlate.h"
#include "msg/envelope.h"
#include "msg/multicodec.h"
#include "msg/router.h"
#include "msg/topic.h"
#include "msg/wellformed.h"
#include "platform/os.h"
#include "platform/thread.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define S(text) text, strlen(text)

static volatile uint64_t sink;

static void row(const char *what, uint64_t ops, uint64_t ns) {
    double per = (double)ns / (double)ops;
    printf("%-46s %10.1f ns/op %12.0f op/s\n", what, per, 1e9 / per);
}

static void bench_codecs(void) {
    const uint8_t json[] = "\x80\x04{\"order\":1234,\"items\":[{\"sku\":\"A-1\",\"qty\":2},"
                           "{\"sku\":\"B-7\",\"qty\":1}],\"paid\":true}";
    size_t len = sizeof json - 1;
    aw__codec_set accepts = 1u << AW__CODEC_JSON | 1u << AW__CODEC_CBOR;
    enum { N = 2000000 };
    uint64_t t0 = aw__clock_ns();
    for (int i = 0; i < N; i++) {
        const uint8_t *body;
        size_t blen;
        sink += aw__codec_check(accepts, json, len, "ledger", 6, NULL, &body, &blen, NULL);
    }
    row("codec prefix check (json, accepted)", N, aw__clock_ns() - t0);

    enum { M = 200000 };
    t0 = aw__clock_ns();
    for (int i = 0; i < M; i++) sink += aw__wellformed_json(json + 2, len - 2, NULL);
    row("json body check (jansson, 81 B)", M, aw__clock_ns() - t0);
    const uint8_t cbor[] = {0xa3, 0x65, 'o', 'r', 'd', 'e', 'r', 0x19, 0x04, 0xd2, 0x65, 'i',
                            't', 'e', 'm', 's', 0x82, 0xa2, 0x63, 's', 'k', 'u', 0x63, 'A',
                            '-', '1', 0x63, 'q', 't', 'y', 0x02, 0xa2, 0x63, 's', 'k', 'u',
                            0x63, 'B', '-', '7', 0x63, 'q', 't', 'y', 0x01, 0x64, 'p', 'a',
                            'i', 'd', 0xf5};
    t0 = aw__clock_ns();
    for (int i = 0; i < M; i++) sink += aw__wellformed_cbor(cbor, sizeof cbor, NULL);
    row("cbor body check (libcbor stream, same data)", M, aw__clock_ns() - t0);
    const uint8_t mp[] = {0x83, 0xa5, 'o', 'r', 'd', 'e', 'r', 0xcd, 0x04, 0xd2, 0xa5, 'i', 't',
                          'e', 'm', 's', 0x92, 0x82, 0xa3, 's', 'k', 'u', 0xa3, 'A', '-', '1',
                          0xa3, 'q', 't', 'y', 0x02, 0x82, 0xa3, 's', 'k', 'u', 0xa3, 'B', '-',
                          '7', 0xa3, 'q', 't', 'y', 0x01, 0xa4, 'p', 'a', 'i', 'd', 0xc3};
    t0 = aw__clock_ns();
    for (int i = 0; i < M; i++) sink += aw__wellformed_msgpack(mp, sizeof mp, NULL);
    row("msgpack body check (scan + msgpack-c)", M, aw__clock_ns() - t0);
}

static void bench_envelope(void) {
    aw__names *names;
    aw__names_create(100, &names);
    aw__envelope e;
    memset(&e, 0, sizeof e);
    aw__names_intern(names, S("billing"), &e.from, NULL);
    aw__names_intern(names, S("inventory"), &e.to, NULL);
    e.kind = AW__MSG_REQUEST;
    e.request_id = 123456789;
    e.deadline_ns = aw__clock_ns() + 1000000000u;
    aw__trace_new_root(&e.trace, 1);
    uint8_t body[64];
    memset(body, 'x', sizeof body);
    body[0] = 0x55;
    e.payload = aw_payload_copy(body, sizeof body);
    aw__buf wire = AW__BUF_INIT;
    enum { N = 1000000 };
    uint64_t t0 = aw__clock_ns();
    for (int i = 0; i < N; i++) {
        wire.len = 0;
        sink += aw__envelope_encode(&e, 0, &wire, NULL);
    }
    row("envelope encode (request, 64 B payload)", N, aw__clock_ns() - t0);
    aw__envelope_limits limits = {1 << 20};
    t0 = aw__clock_ns();
    for (int i = 0; i < N; i++) {
        aw__envelope back;
        sink += aw__envelope_decode(wire.data, wire.len, names, &limits, 0, &back, NULL);
        aw__envelope_release(&back);
    }
    row("envelope decode (same, payload copied)", N, aw__clock_ns() - t0);
    enum { T = 10000000 };
    t0 = aw__clock_ns();
    for (int i = 0; i < T; i++) sink += aw__trace_random_u64();
    row("trace id word (per-thread xoshiro256**)", T, aw__clock_ns() - t0);
    aw__buf_free(&wire);
    aw__envelope_release(&e);
    aw__names_destroy(names);
}

typedef struct topic_run {
    aw__topic_index *index;
    uint64_t ops;
    uint64_t ns;
} topic_run;

static void count_match(void *ctx, uint64_t subscriber) {
    (void)subscriber;
    (*(uint64_t *)ctx)++;
}

static void *match_loop(void *arg) {
    topic_run *r = arg;
    uint64_t hits = 0;
    uint64_t t0 = aw__clock_ns();
    for (uint64_t i = 0; i < r->ops; i++)
        aw__topic_match(r->index, S("metrics.host42.cpu.load"), count_match, &hits, NULL, NULL);
    r->ns = aw__clock_ns() - t0;
    sink += hits;
    return NULL;
}

static void bench_topics(void) {
    aw__topic_index *index;
    aw__topic_index_create(&index);
    char pattern[64];
    /* 10,000 subscriptions: 9,000 exact topics on other hosts, wildcards that match. */
    for (uint64_t i = 0; i < 9000; i++) {
        int n = snprintf(pattern, sizeof pattern, "metrics.host%llu.cpu.load",
                         (unsigned long long)(i + 1000));
        aw__topic_subscribe(index, pattern, (size_t)n, i, NULL);
    }
    for (uint64_t i = 0; i < 1000; i++) {
        const char *p = i % 2 ? "metrics.*.cpu.load" : "metrics.host42.>";
        aw__topic_subscribe(index, p, strlen(p), 100000 + i, NULL);
    }
    topic_run one = {index, 200000, 0};
    match_loop(&one);
    row("topic match, 10k subs, 1000 matches each", one.ops * 1000, one.ns);
    aw__topic_index_destroy(index);
    aw__topic_index_create(&index);
    for (uint64_t i = 0; i < 10000; i++) {
        int n = snprintf(pattern, sizeof pattern, "metrics.host%llu.cpu.load",
                         (unsigned long long)i);
        aw__topic_subscribe(index, pattern, (size_t)n, i, NULL);
    }
    one = (topic_run){index, 2000000, 0};
    match_loop(&one);
    row("topic match, 10k subs, 1 match (per publish)", one.ops, one.ns);
    topic_run four[4];
    aw__thread t[4];
    uint64_t t0 = aw__clock_ns();
    for (int i = 0; i < 4; i++) {
        four[i] = (topic_run){index, 1000000, 0};
        aw__thread_create(&t[i], match_loop, &four[i], "bench");
    }
    for (int i = 0; i < 4; i++) aw__thread_join(t[i], NULL);
    row("  same, 4 threads at once (aggregate)", 4 * 1000000, aw__clock_ns() - t0);
    aw__topic_index_destroy(index);
}

typedef struct counter {
    _Atomic uint64_t n;
} counter;

static aw_handled count_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self, (void)msg;
    atomic_fetch_add_explicit(&((counter *)state)->n, 1, memory_order_relaxed);
    return AW_DONE;
}

static const aw_behaviour counter_behaviour = {"counter", NULL, count_handle, NULL};

static void wait_n(_Atomic uint64_t *n, uint64_t want) {
    while (atomic_load(n) < want) aw__thread_yield();
}

static void bench_router_and_requests(void) {
    aw_actor_config cfg = {.workers = 2};
    aw_actor_system *sys;
    aw_actor_system_create(&cfg, &sys);
    aw__names *names;
    aw__names_create(100, &names);
    aw__router *router;
    aw__router_create(names, &router);
    counter c;
    atomic_init(&c.n, 0);
    aw_actor_ref target;
    aw_spawn_opts opts = {.mailbox_capacity = UINT32_MAX};
    aw_actor_spawn(sys, &counter_behaviour, &c, &opts, &target);
    aw__route_config config = {.accepts = AW__CODEC_SET_ALL};
    const aw__name *id, *from;
    aw__router_declare(router, S("inventory"), &config, &id, NULL);
    aw__router_add_instance(router, id, target);
    aw__names_intern(names, S("gateway"), &from, NULL);

    enum { L = 5000000 };
    uint64_t t0 = aw__clock_ns();
    for (int i = 0; i < L; i++) {
        aw__route route;
        sink += aw__router_lookup(router, S("inventory"), &route);
    }
    row("router lookup (1 thread)", L, aw__clock_ns() - t0);

    aw_payload *payload = aw_payload_copy("\x55ping", 5);
    enum { N = 1000000 };
    t0 = aw__clock_ns();
    for (int i = 0; i < N; i++) {
        aw__envelope e = {.from = from, .to = id, .kind = AW__MSG_CAST,
                          .payload = aw_payload_retain(payload)};
        aw__trace_new_root(&e.trace, 0);
        aw__router_send(router, sys, &e, AW_ACTOR_NONE, NULL, NULL);
    }
    wait_n(&c.n, N);
    row("router send, cast to a native actor (end to end)", N, aw__clock_ns() - t0);

    aw__correlate *table;
    aw__correlate_create(sys, N, &table);
    atomic_store(&c.n, 0);
    aw__request_info info = {.requester = target, .requester_name = from, .target = target,
                             .target_name = id, .mode = AW__REPLY_MESSAGE};
    aw__trace_new_root(&info.trace, 0);
    t0 = aw__clock_ns();
    for (int i = 0; i < N; i++) {
        uint64_t rid;
        aw__correlate_begin(table, &info, &rid);
        aw__correlate_respond(table, rid, aw_payload_retain(payload));
    }
    wait_n(&c.n, N);
    row("request begin + respond + delivery (no timer)", N, aw__clock_ns() - t0);
    atomic_store(&c.n, 0);
    enum { D = 300000 };
    t0 = aw__clock_ns();
    for (int i = 0; i < D; i++) {
        uint64_t rid;
        info.deadline_ns = aw_actor_system_now(sys) + 1000000000u;
        aw__correlate_begin(table, &info, &rid);
        aw__correlate_respond(table, rid, aw_payload_retain(payload));
    }
    wait_n(&c.n, D);
    row("  same with a deadline timer armed and cancelled", D, aw__clock_ns() - t0);
    aw_payload_release(payload);
    aw__correlate_destroy(table);
    aw_actor_system_shutdown(sys, 1000000000u, NULL);
    aw_actor_system_destroy(sys);
    aw__router_destroy(router);
    aw__names_destroy(names);
}

int main(void) {
    printf("%-46s %16s %16s\n", "messaging layer", "time", "rate");
    bench_codecs();
    bench_envelope();
    bench_topics();
    bench_router_and_requests();
    return 0;
}
