/* The SDK's components on the real host layer and engine (src/host/,
 * src/wasm/): a small single-threaded router stands in for the actor and
 * message layers, so that casts, requests and callbacks, synchronous calls,
 * topics, traps and restarts of the example system can be checked in C
 * before the runtime exists. tests/guest/mock_host.mjs does the same in
 * JavaScript against docs/component-abi.md. */
#include "test_support.h"

#include "airwasm/guest.h"
#include "airwasm/log.h"
#include "airwasm/wasm.h"
#include "host/backend.h"
#include "host/component.h"

#include <stdio.h>
#include <string.h>

enum { MAX_COMPONENTS = 8, MAX_QUEUE = 128, MAX_PAYLOAD = 256, MAX_LINES = 96 };

typedef struct mini_component {
    char id[32];
    const char *wasm;
    uint64_t accepts[5];
    size_t accept_count;
    aw_module *module;
    aw__component *c;
    unsigned restarts;
} mini_component;

typedef enum delivery_kind { CAST, REQUEST, CALLBACK } delivery_kind;

typedef struct delivery {
    delivery_kind kind;
    int from; /* component index, -1 for the host */
    int to;
    uint64_t id;
    int error; /* callbacks: AW__REQUEST_OK or a request-error */
    uint8_t payload[MAX_PAYLOAD];
    size_t len;
} delivery;

typedef struct mini_runtime {
    mini_component comps[MAX_COMPONENTS];
    size_t count;
    delivery queue[MAX_QUEUE];
    size_t head, tail;
    struct {
        uint64_t id;
        int from;
    } pending[64];
    size_t pending_count;
    struct {
        int comp;
        char pattern[48];
    } subs[16];
    size_t sub_count;
    uint64_t next_id;
    /* The host's own requests: the last answer. */
    uint64_t host_request;
    int host_error;
    uint8_t host_reply[MAX_PAYLOAD];
    size_t host_reply_len;
    uint8_t call_reply[MAX_PAYLOAD];
    char dead[4][400];
    size_t dead_count;
} mini_runtime;

/* Lines from the host's log (guest printf) and the guests' log import. */
static char lines[MAX_LINES][200];
static size_t line_count;

static void add_line(const char *text, size_t len) {
    if (line_count == MAX_LINES) fail_msg("more than %d log lines", MAX_LINES);
    snprintf(lines[line_count++], sizeof lines[0], "%.*s", (int)len, text);
}

static void capture_sink(void *ctx, aw_log_level level, const char *line, size_t len) {
    (void)ctx, (void)level;
    add_line(line, len);
}

static bool has_line(const char *text) {
    for (size_t i = 0; i < line_count; i++)
        if (strstr(lines[i], text)) return true;
    return false;
}

static size_t count_lines(const char *text) {
    size_t n = 0;
    for (size_t i = 0; i < line_count; i++) n += strstr(lines[i], text) != NULL;
    return n;
}

static void dump_lines(void) {
    for (size_t i = 0; i < line_count; i++) fprintf(stderr, "  %s\n", lines[i]);
}

static int find(mini_runtime *rt, const char *id, size_t len);

/* By id, not by handle: during init (inside aw__component_create) the
 * component's handle is not known yet. */
static int index_of(mini_runtime *rt, const aw__component *c) {
    size_t len;
    const char *id = aw__component_id(c, &len);
    return find(rt, id, len);
}

static int find(mini_runtime *rt, const char *id, size_t len) {
    for (size_t i = 0; i < rt->count; i++)
        if (strlen(rt->comps[i].id) == len && memcmp(rt->comps[i].id, id, len) == 0) return (int)i;
    return -1;
}

/* The send-time checks of ARCHITECTURE.md section 2: target known, codec
 * accepted. */
static int check_send(mini_runtime *rt, const char *target, size_t target_len,
                      const uint8_t *payload, size_t len, int *to) {
    *to = find(rt, target, target_len);
    if (*to < 0) return AW__SEND_UNKNOWN_TARGET;
    uint64_t codec;
    const uint8_t *body;
    size_t body_len;
    if (!aw_codec_split(payload, len, &codec, &body, &body_len)) return AW__SEND_BAD_CODEC;
    const mini_component *mc = &rt->comps[*to];
    for (size_t i = 0; i < mc->accept_count; i++)
        if (mc->accepts[i] == codec) return len <= MAX_PAYLOAD ? AW__SEND_OK : AW__SEND_TOO_LARGE;
    return AW__SEND_BAD_CODEC;
}

static void enqueue(mini_runtime *rt, delivery_kind kind, int from, int to, uint64_t id, int error,
                    const uint8_t *payload, size_t len) {
    if (rt->tail - rt->head == MAX_QUEUE) fail_msg("queue full");
    delivery *d = &rt->queue[rt->tail++ % MAX_QUEUE];
    *d = (delivery){.kind = kind, .from = from, .to = to, .id = id, .error = error, .len = len};
    if (len) memcpy(d->payload, payload, len);
}

static const aw__host_backend *backend_of(mini_runtime *rt);

static void start(mini_runtime *rt, int i) {
    mini_component *mc = &rt->comps[i];
    aw__component_config cfg = {
        .id = mc->id,
        .id_len = strlen(mc->id),
        .backend = *backend_of(rt),
        .fuel_per_message = 50000000,
        .slice_fuel = 0,
    };
    aw_error err;
    aw_status s = aw__component_create(mc->module, &cfg, &mc->c, &err);
    if (s != AW_OK) fail_msg("start %s: %s: %s", mc->id, aw_status_name(s), err.message);
}

static int spawn(mini_runtime *rt, const char *id, const char *wasm, const char *accepts) {
    mini_component *mc = &rt->comps[rt->count];
    snprintf(mc->id, sizeof mc->id, "%s", id);
    mc->wasm = wasm;
    char names[64];
    snprintf(names, sizeof names, "%s", accepts);
    for (char *name = strtok(names, ","); name; name = strtok(NULL, ","))
        assert_true(aw_codec_from_name(name, &mc->accepts[mc->accept_count++]));
    size_t len = 0;
    uint8_t *bytes = aw_test_read_file(aw_test_wasm_path(wasm), &len);
    aw_error err;
    aw_status s = aw_module_create(bytes, len, &mc->module, &err);
    aw_test_free_file(bytes, len);
    if (s != AW_OK) fail_msg("%s: %s", wasm, err.message);
    int i = (int)rt->count++;
    start(rt, i);
    return i;
}

static void restart(mini_runtime *rt, int i, const char *what, const aw_error *err) {
    mini_component *mc = &rt->comps[i];
    if (rt->dead_count < 4) {
        char line[sizeof rt->dead[0]];
        snprintf(line, sizeof line, "%.31s <- %.63s: %.280s", mc->id, what, err->message);
        memcpy(rt->dead[rt->dead_count++], line, sizeof line);
    }
    aw__component_destroy(mc->c);
    mc->c = NULL;
    mc->restarts++;
    /* A restarted component subscribes again in init. */
    size_t kept = 0;
    for (size_t k = 0; k < rt->sub_count; k++)
        if (rt->subs[k].comp != i) rt->subs[kept++] = rt->subs[k];
    rt->sub_count = kept;
    start(rt, i);
}

/* Runs handle-message to the end. Returns AW__REQUEST_OK (reply set),
 * AW__REQUEST_TARGET_ERROR (the guest answered err) or
 * AW__REQUEST_TARGET_CRASHED (it trapped and was restarted). */
static int run_message(mini_runtime *rt, int to, const char *sender, const uint8_t *payload,
                       size_t len, aw__reply *reply) {
    aw_error err;
    aw_status s = aw__component_handle_message(rt->comps[to].c, sender, strlen(sender), payload,
                                               len, reply, &err);
    if (s == AW_TRAP) {
        /* The dead letter names the message by its body. */
        uint64_t codec;
        const uint8_t *body = (const uint8_t *)"";
        size_t body_len = 0;
        aw_codec_split(payload, len, &codec, &body, &body_len);
        char what[64];
        snprintf(what, sizeof what, "%.*s", (int)(body_len < 60 ? body_len : 60),
                 (const char *)body);
        restart(rt, to, what, &err);
        return AW__REQUEST_TARGET_CRASHED;
    }
    if (s != AW_OK)
        fail_msg("%s: handle-message: %s: %s", rt->comps[to].id, aw_status_name(s), err.message);
    return reply->is_error ? AW__REQUEST_TARGET_ERROR : AW__REQUEST_OK;
}

/* ---- the backend: what the components' host imports reach ------------- */

static int b_send(void *ctx, aw__component *from, const char *target, size_t target_len,
                  const uint8_t *payload, size_t len) {
    mini_runtime *rt = ctx;
    int to;
    int e = check_send(rt, target, target_len, payload, len, &to);
    if (e == AW__SEND_OK) enqueue(rt, CAST, index_of(rt, from), to, 0, 0, payload, len);
    return e;
}

static int b_request(void *ctx, aw__component *from, const char *target, size_t target_len,
                     const uint8_t *payload, size_t len, uint32_t timeout_ms, uint64_t *id) {
    (void)timeout_ms;
    mini_runtime *rt = ctx;
    int to;
    int e = check_send(rt, target, target_len, payload, len, &to);
    if (e != AW__SEND_OK) return e;
    *id = ++rt->next_id;
    rt->pending[rt->pending_count].id = *id;
    rt->pending[rt->pending_count++].from = index_of(rt, from);
    enqueue(rt, REQUEST, index_of(rt, from), to, *id, 0, payload, len);
    return AW__SEND_OK;
}

static bool take_pending(mini_runtime *rt, uint64_t id, int *from) {
    for (size_t i = 0; i < rt->pending_count; i++)
        if (rt->pending[i].id == id) {
            *from = rt->pending[i].from;
            rt->pending[i] = rt->pending[--rt->pending_count];
            return true;
        }
    return false;
}

static bool b_cancel(void *ctx, aw__component *from, uint64_t id) {
    (void)from;
    int requester;
    return take_pending(ctx, id, &requester);
}

/* The target runs at once, nested in the caller's import (another instance),
 * so the answer is lowered before the import returns. */
static aw__call_start b_call(void *ctx, aw__component *from, const char *target, size_t target_len,
                             const uint8_t *payload, size_t len, uint32_t timeout_ms,
                             aw__call_result *now) {
    (void)timeout_ms;
    mini_runtime *rt = ctx;
    int to;
    int e = check_send(rt, target, target_len, payload, len, &to);
    *now = (aw__call_result){.error = e == AW__SEND_UNKNOWN_TARGET ? AW__REQUEST_UNKNOWN_TARGET
                                                                   : AW__REQUEST_DENIED};
    if (e != AW__SEND_OK) return AW__CALL_DONE;
    aw__reply reply;
    now->error = run_message(rt, to, rt->comps[index_of(rt, from)].id, payload, len, &reply);
    if (now->error == AW__REQUEST_OK) {
        assert_true(reply.len <= MAX_PAYLOAD);
        memcpy(rt->call_reply, reply.bytes, reply.len);
        now->payload = rt->call_reply;
        now->len = reply.len;
    }
    return AW__CALL_DONE;
}

/* '*' is one dot-separated segment, '>' the rest (at least one segment). */
static bool topic_matches(const char *pattern, const char *topic, size_t topic_len) {
    const char *t = topic, *end = topic + topic_len;
    for (const char *p = pattern; *p;) {
        if (*p == '>') return t < end;
        if (t >= end && t != topic) return false;
        const char *seg_end = memchr(t, '.', (size_t)(end - t));
        if (!seg_end) seg_end = end;
        size_t plen = strcspn(p, ".");
        if (!(plen == 1 && *p == '*') && (plen != (size_t)(seg_end - t) || memcmp(p, t, plen) != 0))
            return false;
        p += plen;
        t = seg_end;
        if (*p == '.') {
            p++;
            if (t == end) return false;
            t++;
        } else {
            return t == end;
        }
    }
    return t == end;
}

static int b_publish(void *ctx, aw__component *from, const char *topic, size_t topic_len,
                     const uint8_t *payload, size_t len) {
    mini_runtime *rt = ctx;
    for (size_t k = 0; k < rt->sub_count; k++) {
        if (!topic_matches(rt->subs[k].pattern, topic, topic_len)) continue;
        int to;
        const char *id = rt->comps[rt->subs[k].comp].id;
        if (check_send(rt, id, strlen(id), payload, len, &to) == AW__SEND_OK)
            enqueue(rt, CAST, index_of(rt, from), to, 0, 0, payload, len);
    }
    return AW__SEND_OK;
}

static int b_subscribe(void *ctx, aw__component *from, const char *topic, size_t topic_len) {
    mini_runtime *rt = ctx;
    assert_true(rt->sub_count < 16 && topic_len < 48);
    rt->subs[rt->sub_count].comp = index_of(rt, from);
    snprintf(rt->subs[rt->sub_count++].pattern, 48, "%.*s", (int)topic_len, topic);
    return AW__SEND_OK;
}

static void b_log(void *ctx, aw__component *from, aw_log_level level, const char *message,
                  size_t len) {
    (void)ctx;
    size_t id_len;
    const char *id = aw__component_id(from, &id_len);
    char line[200];
    int n = snprintf(line, sizeof line, "%.*s %s: %.*s", (int)id_len, id, aw_log_level_name(level),
                     (int)len, message);
    add_line(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static const aw__host_backend *backend_of(mini_runtime *rt) {
    static aw__host_backend b;
    b = (aw__host_backend){.ctx = rt,
                           .send_message = b_send,
                           .send_request = b_request,
                           .cancel_request = b_cancel,
                           .call = b_call,
                           .publish = b_publish,
                           .subscribe = b_subscribe,
                           .log = b_log};
    return &b;
}

/* ---- driving it -------------------------------------------------------- */

static void drain(mini_runtime *rt) {
    for (int n = 0; rt->head != rt->tail; n++) {
        assert_true(n < 10000);
        delivery d = rt->queue[rt->head++ % MAX_QUEUE];
        mini_component *to = &rt->comps[d.to];
        aw__reply reply;
        aw_error err;
        if (d.kind == CALLBACK) {
            aw__call_result result = {d.error, d.payload, d.len};
            aw_status s = aw__component_handle_callback(to->c, d.id, &result, &reply, &err);
            if (s == AW_TRAP)
                restart(rt, d.to, "callback", &err);
            else if (s != AW_OK && s != AW_NOT_FOUND)
                fail_msg("%s: callback: %s", to->id, err.message);
            continue;
        }
        const char *sender = d.from < 0 ? "host" : rt->comps[d.from].id;
        int outcome = run_message(rt, d.to, sender, d.payload, d.len, &reply);
        int requester;
        if (d.kind != REQUEST || !take_pending(rt, d.id, &requester)) continue;
        size_t len = outcome == AW__REQUEST_OK ? reply.len : 0;
        assert_true(len <= MAX_PAYLOAD);
        if (requester >= 0) {
            enqueue(rt, CALLBACK, -1, requester, d.id, outcome, reply.bytes, len);
        } else {
            rt->host_request = d.id;
            rt->host_error = outcome;
            memcpy(rt->host_reply, reply.bytes, len);
            rt->host_reply_len = len;
        }
    }
}

static uint8_t *payload_of(uint64_t codec, const char *text, size_t *len) {
    static uint8_t buf[MAX_PAYLOAD];
    size_t n = aw_uvarint_encode(codec, buf);
    size_t tlen = strlen(text);
    assert_true(n + tlen <= MAX_PAYLOAD);
    memcpy(buf + n, text, tlen);
    *len = n + tlen;
    return buf;
}

static int host_send(mini_runtime *rt, const char *to, uint64_t codec, const char *text) {
    size_t len;
    uint8_t *p = payload_of(codec, text, &len);
    int i;
    int e = check_send(rt, to, strlen(to), p, len, &i);
    if (e == AW__SEND_OK) enqueue(rt, CAST, -1, i, 0, 0, p, len);
    return e;
}

/* A request from the host; returns the answer's body as text (or NULL with
 * *error set). */
static const char *host_ask(mini_runtime *rt, const char *to, uint64_t codec, const char *text,
                            int *error) {
    size_t len;
    uint8_t *p = payload_of(codec, text, &len);
    int i = find(rt, to, strlen(to));
    assert_true(i >= 0);
    uint64_t id = ++rt->next_id;
    rt->pending[rt->pending_count].id = id;
    rt->pending[rt->pending_count++].from = -1;
    enqueue(rt, REQUEST, -1, i, id, 0, p, len);
    drain(rt);
    assert_int_equal(rt->host_request, id);
    *error = rt->host_error;
    if (rt->host_error != AW__REQUEST_OK) return NULL;
    static char body[MAX_PAYLOAD + 1];
    uint64_t codec_back;
    const uint8_t *b;
    size_t blen;
    assert_true(aw_codec_split(rt->host_reply, rt->host_reply_len, &codec_back, &b, &blen));
    memcpy(body, b, blen);
    body[blen] = 0;
    return body;
}

static void stop_all(mini_runtime *rt) {
    for (size_t i = 0; i < rt->count; i++) {
        aw__component_destroy(rt->comps[i].c);
        aw_module_release(rt->comps[i].module);
    }
    aw_log_configure(NULL);
}

static mini_runtime *fresh_runtime(void) {
    static mini_runtime rt;
    memset(&rt, 0, sizeof rt);
    line_count = 0;
    aw_log_config log = {.level = AW_LOG_TRACE, .sink = capture_sink};
    aw_log_configure(&log);
    return &rt;
}

static size_t memory_size(aw__component *c) {
    size_t size = 0;
    aw_instance_memory(aw__component_instance(c), &size);
    return size;
}

/* ---- scenarios --------------------------------------------------------- */

static void echo_round_trips_without_growing(void **state) {
    (void)state;
    mini_runtime *rt = fresh_runtime();
    int echo = spawn(rt, "echo", "guest/sdk_minimal.wasm", "json,raw");
    aw__reply reply;
    assert_int_equal(run_message(rt, echo, "host", (const uint8_t *)"", 0, &reply), AW__REQUEST_OK);
    assert_int_equal(reply.len, 0);
    size_t len;
    uint8_t *p = payload_of(AW_CODEC_JSON, "{\"a\":1}", &len);
    assert_int_equal(run_message(rt, echo, "host", p, len, &reply), AW__REQUEST_OK);
    assert_int_equal(reply.len, len);
    assert_memory_equal(reply.bytes, p, len);
    size_t before = memory_size(rt->comps[echo].c);
    assert_int_equal(before, 65536); /* one page: stack, data and first heap blocks */
    static uint8_t big[4000];
    memset(big, 7, sizeof big);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(run_message(rt, echo, "a-sender", big, sizeof big, &reply),
                         AW__REQUEST_OK);
    assert_int_equal(memory_size(rt->comps[echo].c), before);
    /* Defaults of the lifecycle functions it does not name. */
    aw_error err;
    assert_int_equal(aw__component_health(rt->comps[echo].c, &reply, &err), AW_OK);
    assert_int_equal(reply.health, 0);
    stop_all(rt);
}

/* What sdk_codec answered to payload, as text ("" for an empty ok). */
static const char *split_of(mini_runtime *rt, int comp, const uint8_t *payload, size_t len,
                            aw__reply *reply) {
    static char text[MAX_PAYLOAD + 1];
    int e = run_message(rt, comp, "host", payload, len, reply);
    assert_int_equal(e, reply->is_error ? AW__REQUEST_TARGET_ERROR : AW__REQUEST_OK);
    assert_true(reply->len <= MAX_PAYLOAD);
    memcpy(text, reply->bytes, reply->len);
    text[reply->len] = 0;
    return text;
}

static void prefixes_split_and_replies_reset(void **state) {
    (void)state;
    mini_runtime *rt = fresh_runtime();
    int c = spawn(rt, "codec", "guest/sdk_codec.wasm", "json,raw");
    aw__reply reply;
    /* one byte (raw), two (json 0x0200), three (16384), then malformed:
     * empty, truncated, not minimal, ten bytes */
    static const uint8_t raw[] = {0x55, 'h', 'i'}, json[] = {0x80, 0x04, '{', '}'},
                         three[] = {0x80, 0x80, 0x01, 'x'}, truncated[] = {0x80},
                         not_minimal[] = {0xD5, 0x00, 'x'},
                         ten[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    assert_string_equal(split_of(rt, c, raw, sizeof raw, &reply), "85:2:hi");
    assert_string_equal(split_of(rt, c, json, sizeof json, &reply), "512:2:{}");
    assert_string_equal(split_of(rt, c, three, sizeof three, &reply), "16384:1:x");
    assert_string_equal(split_of(rt, c, (const uint8_t *)"", 0, &reply), "18446744073709551615:0:");
    assert_string_equal(split_of(rt, c, truncated, sizeof truncated, &reply), "18446744073709551615:0:");
    assert_string_equal(split_of(rt, c, not_minimal, sizeof not_minimal, &reply),
                        "18446744073709551615:0:");
    assert_string_equal(split_of(rt, c, ten, sizeof ten, &reply), "18446744073709551615:0:");
    /* a reply, an error, then none: each message starts from ok-empty */
    static const uint8_t ask_error[] = {0x55, 'E'}, ask_none[] = {0x55, 'N'};
    assert_string_equal(split_of(rt, c, ask_error, sizeof ask_error, &reply), "asked for an error");
    assert_true(reply.is_error);
    assert_string_equal(split_of(rt, c, ask_none, sizeof ask_none, &reply), "");
    assert_false(reply.is_error);
    assert_string_equal(split_of(rt, c, raw, sizeof raw, &reply), "85:2:hi");
    assert_string_equal(split_of(rt, c, ask_none, sizeof ask_none, &reply), "");
    assert_false(reply.is_error);
    assert_string_equal(split_of(rt, c, ask_none, sizeof ask_none, &reply), "");
    stop_all(rt);
}

static void sdk_full_uses_every_import(void **state) {
    (void)state;
    mini_runtime *rt = fresh_runtime();
    spawn(rt, "peer", "guest/sdk_minimal.wasm", "json,raw");
    int sdk = spawn(rt, "sdk", "guest/sdk_full.wasm", "json,raw");
    assert_int_equal(rt->sub_count, 1);
    assert_string_equal(rt->subs[0].pattern, "sdk.>");
    aw__reply reply;
    aw_error err;
    assert_int_equal(aw__component_health(rt->comps[sdk].c, &reply, &err), AW_OK);
    assert_int_equal(reply.health, 1);
    assert_int_equal(reply.len, strlen("no message yet"));
    assert_memory_equal(reply.bytes, "no message yet", reply.len);

    int e;
    const char *answer = host_ask(rt, "sdk", AW_CODEC_JSON, "{\"hello\":1}", &e);
    if (!answer) {
        dump_lines();
        fail_msg("sdk answered request-error %d", e);
    }
    assert_string_equal(answer, "{\"q\":1}"); /* what peer echoed to its call */
    assert_true(has_line("[component:sdk] sdk got 13 bytes from host"));
    assert_true(has_line("sdk debug: callback 2: ok"));
    assert_int_equal(aw__component_health(rt->comps[sdk].c, &reply, &err), AW_OK);
    assert_int_equal(reply.health, 0);
    /* raw: the request is cancelled, no callback follows. */
    size_t callbacks = count_lines("callback");
    assert_non_null(host_ask(rt, "sdk", AW_CODEC_RAW, "x", &e));
    assert_int_equal(count_lines("callback"), callbacks);
    assert_int_equal(aw__component_shutdown(rt->comps[sdk].c, &reply, &err), AW_OK);
    assert_true(has_line("sdk info: bye"));
    stop_all(rt);
}

static void order_pipeline_runs(void **state) {
    (void)state;
    mini_runtime *rt = fresh_runtime();
    /* The components and messages of examples/order-pipeline/system.toml. */
    const char *dir = "examples/order-pipeline/";
    char path[128];
#define SPAWN(id, file, accepts)                                                                   \
    (snprintf(path, sizeof path, "%s%s/%s", dir, id, file), spawn(rt, id, path, accepts))
    SPAWN("audit-log", "audit_log.wasm", "json,cbor,raw");
    SPAWN("audit-stats", "audit_stats.wasm", "json");
    int inventory = SPAWN("inventory", "inventory.wasm", "json");
    int billing = SPAWN("billing", "billing.wasm", "json");
    int flaky = SPAWN("flaky", "flaky.wasm", "json");
    int gateway = SPAWN("gateway", "gateway.wasm", "json");
#undef SPAWN
    assert_int_equal(
        host_send(rt, "gateway", AW_CODEC_JSON, "{\"order\":1,\"item\":\"widget\",\"qty\":2}"),
        AW__SEND_OK);
    assert_int_equal(
        host_send(rt, "gateway", AW_CODEC_JSON, "{\"order\":2,\"item\":\"gadget\",\"qty\":1}"),
        AW__SEND_OK);
    assert_int_equal(
        host_send(rt, "gateway", AW_CODEC_JSON, "{\"order\":3,\"item\":\"gizmo\",\"qty\":1}"),
        AW__SEND_OK);
    assert_int_equal(host_send(rt, "inventory", AW_CODEC_JSON,
                               "{\"op\":\"restock\",\"item\":\"gadget\",\"qty\":2}"),
                     AW__SEND_OK);
    assert_int_equal(host_send(rt, "flaky", AW_CODEC_JSON, "{\"order\":0,\"poison\":true}"),
                     AW__SEND_OK);
    assert_int_equal(
        host_send(rt, "gateway", AW_CODEC_JSON, "{\"order\":4,\"item\":\"widget\",\"qty\":20}"),
        AW__SEND_OK);
    assert_int_equal(host_send(rt, "gateway", AW_CODEC_JSON, "{\"order\":5}"), AW__SEND_OK);
    assert_int_equal(host_send(rt, "gateway", AW_CODEC_CBOR, "not cbor at all"),
                     AW__SEND_BAD_CODEC);
    drain(rt);

    int e;
    const char *stats = host_ask(rt, "audit-stats", AW_CODEC_JSON, "{\"op\":\"stats\"}", &e);
    if (!stats || strcmp(stats, "{\"received\":4,\"billed\":2,\"rejected\":2,\"failed\":0,"
                                "\"malformed\":1,\"billed_cents\":1700}") != 0) {
        dump_lines();
        fail_msg("stats: %s (error %d)", stats ? stats : "-", e);
    }
    assert_string_equal(
        host_ask(rt, "inventory", AW_CODEC_JSON, "{\"op\":\"check\",\"item\":\"widget\"}", &e),
        "{\"ok\":true,\"item\":\"widget\",\"stock\":8}");
    assert_string_equal(
        host_ask(rt, "inventory", AW_CODEC_JSON, "{\"op\":\"check\",\"item\":\"gadget\"}", &e),
        "{\"ok\":true,\"item\":\"gadget\",\"stock\":5}");
    /* flaky trapped on the poison, was restarted and printed both labels. */
    assert_int_equal(rt->comps[flaky].restarts, 1);
    assert_int_equal(rt->dead_count, 1);
    assert_non_null(strstr(rt->dead[0], "flaky <- "));
    assert_non_null(strstr(rt->dead[0], "poison"));
    assert_true(has_line("[component:flaky] label 1: order 1"));
    assert_true(has_line("[component:flaky] label 2: order 2"));
    assert_int_equal(count_lines("[component:audit-log] audit #"), 9);
    assert_true(has_line("[component:audit-log] audit #6 from gateway: "
                         "{\"order\":1,\"stage\":\"billed\",\"amount\":500}"));
    assert_true(has_line("billing info: order 2 billed 12.00 (revenue 17.00 over 2 orders)"));
    /* A malformed order gets an error reply, not a trap. */
    assert_null(host_ask(rt, "gateway", AW_CODEC_JSON, "{\"order\":9}", &e));
    assert_int_equal(e, AW__REQUEST_TARGET_ERROR);
    aw__reply reply;
    aw_error err;
    for (int i = 0; i < 3; i++) {
        int c = (int[]){gateway, billing, inventory}[i];
        assert_int_equal(aw__component_health(rt->comps[c].c, &reply, &err), AW_OK);
        assert_int_equal(reply.health, 0);
    }
    assert_int_equal(aw__component_shutdown(rt->comps[inventory].c, &reply, &err), AW_OK);
    assert_true(has_line("inventory info: final: widget stock 8, reserved 2"));
    stop_all(rt);
}

static void stack_overflow_traps(void **state) {
    (void)state;
    mini_runtime *rt = fresh_runtime();
    int deep = spawn(rt, "deep", "guest/sdk_stack.wasm", "raw");
    int e;
    assert_string_equal(host_ask(rt, "deep", AW_CODEC_RAW, "16", &e),
                        "{\"sum\":136,\"canary\":12648430}");
    assert_null(host_ask(rt, "deep", AW_CODEC_RAW, "64", &e));
    assert_int_equal(e, AW__REQUEST_TARGET_CRASHED);
    assert_int_equal(rt->comps[deep].restarts, 1);
    assert_non_null(strstr(rt->dead[0], "OUT_OF_BOUNDS"));
    assert_string_equal(host_ask(rt, "deep", AW_CODEC_RAW, "16", &e),
                        "{\"sum\":136,\"canary\":12648430}");
    stop_all(rt);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(echo_round_trips_without_growing),
        cmocka_unit_test(prefixes_split_and_replies_reset),
        cmocka_unit_test(sdk_full_uses_every_import),
        cmocka_unit_test(order_pipeline_runs),
        cmocka_unit_test(stack_overflow_traps),
    };
    return AW_TEST_RUN(tests);
}
