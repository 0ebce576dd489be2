/* End-to-end messaging between real components and the host: casts,
 * requests and responses, timeouts, cancellation, synchronous calls and
 * codec checks, each asserted on the bytes and outcomes that arrive. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

static const uint8_t binary_body[] = {0x00, 0xff, 0x10, '\n', '!', 0x80, 0x7f, 0x00, 'z'};

static void assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want,
                         size_t want_len) {
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
}

/* The response the probe gives to an ordinary payload: 0x55 "re:" payload. */
static size_t echo_of(uint8_t *out, const uint8_t *payload, size_t len) {
    memcpy(out, "\x55re:", 4);
    memcpy(out + 4, payload, len);
    return len + 4;
}

static void wait_idle(aw_runtime *rt) {
    assert_int_equal(aw_runtime_wait_idle(rt, 10000000000ull), AW_OK);
}

/* Host casts and a component's cast arrive byte for byte, in order, with the
 * right sender ids. */
static void cast_bytes_and_senders(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}}, {"beta", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(2, comps, 2);

    uint8_t raw[64], json[64], fwd[64], cmd[128];
    size_t raw_len = it_raw(raw, sizeof raw, binary_body, sizeof binary_body);
    static const uint8_t json_payload[] = {0x80, 0x04, '{', '"', 'k', '"', ':', '1', '}'};
    memcpy(json, json_payload, sizeof json_payload);
    aw_error err;
    aw_error_clear(&err);
    assert_int_equal(aw_runtime_send(rt, "beta", raw, raw_len, &err), AW_OK);
    assert_int_equal(aw_runtime_send(rt, "beta", json, sizeof json_payload, &err), AW_OK);

    /* alpha casts a binary raw payload (with a '\n' and a NUL in it) to beta. */
    static const uint8_t fwd_body[] = {0x55, 0x01, 0x00, '\n', 0xfe};
    memcpy(fwd, fwd_body, sizeof fwd_body);
    size_t cmd_len = (size_t)snprintf((char *)cmd, sizeof cmd, "!send\nbeta\n");
    memcpy(cmd + cmd_len, fwd, sizeof fwd_body);
    assert_string_equal(it_command(rt, "alpha", cmd, cmd_len + sizeof fwd_body, NULL), "0");
    wait_idle(rt);

    it_log log;
    it_dump(rt, "beta", &log);
    assert_int_equal(log.count, 3);
    assert_int_equal(log.entries[0].tag, 'm');
    assert_string_equal(log.entries[0].who, "host");
    assert_bytes(log.entries[0].bytes, log.entries[0].len, raw, raw_len);
    assert_string_equal(log.entries[1].who, "host");
    assert_bytes(log.entries[1].bytes, log.entries[1].len, json, sizeof json_payload);
    assert_string_equal(log.entries[2].who, "alpha");
    assert_bytes(log.entries[2].bytes, log.entries[2].len, fwd, sizeof fwd_body);
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 0); /* commands are not logged */

    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.send_failures, 0);
    assert_int_equal(st.crashes, 0);
    assert_int_equal(st.components, 2);
    /* beta: 3 casts + 1 dump; alpha: 1 command + 1 dump. */
    assert_int_equal(st.messages, 6);

    /* A cast to nobody is refused, from the host and from a component. */
    assert_int_equal(aw_runtime_send(rt, "nobody", raw, raw_len, &err), AW_NOT_FOUND);
    assert_string_equal(it_cmd(rt, "alpha", "!send\nnobody\nU"), "1");
    it_finish(rt);
    it_end();
}

/* Host requests (callback and call) and component requests get the
 * response bytes; a handler's err reaches the requester as target-error. */
static void request_response(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}}, {"beta", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);

    uint8_t payload[64], want[80];
    size_t len = it_raw(payload, sizeof payload, binary_body, sizeof binary_body);
    size_t want_len = echo_of(want, payload, len);

    it_outcome got = {0};
    uint64_t id = 0;
    assert_int_equal(aw_runtime_request(rt, "beta", payload, len, 1000, it_record_outcome, &got,
                                        &id, &err),
                     AW_OK);
    assert_true(id != 0);
    wait_idle(rt);
    assert_int_equal(atomic_load_explicit(&got.calls, memory_order_acquire), 1);
    assert_int_equal(got.id, id);
    assert_int_equal(got.outcome, AW_REQUEST_OK);
    assert_bytes(got.bytes, got.len, want, want_len);

    aw_request_outcome outcome = AW_REQUEST_DENIED;
    uint8_t *bytes = NULL;
    size_t n = 0;
    assert_int_equal(aw_runtime_call(rt, "beta", payload, len, 1000, &outcome, &bytes, &n, &err),
                     AW_OK);
    assert_int_equal(outcome, AW_REQUEST_OK);
    assert_bytes(bytes, n, want, want_len);
    aw_runtime_free_bytes(bytes, n);

    /* err(text) from the handler: target-error with the text. */
    static const char fail_cmd[] = "\x55!error\nout of widgets";
    assert_int_equal(aw_runtime_call(rt, "beta", fail_cmd, sizeof fail_cmd - 1, 1000, &outcome,
                                     &bytes, &n, &err),
                     AW_OK);
    assert_int_equal(outcome, AW_REQUEST_TARGET_ERROR);
    assert_bytes(bytes, n, (const uint8_t *)"out of widgets", 14);
    aw_runtime_free_bytes(bytes, n);

    /* alpha requests from beta: the response reaches alpha's callback. */
    uint8_t cmd[128];
    size_t cmd_len = (size_t)snprintf((char *)cmd, sizeof cmd, "!req\nbeta\n1000\n");
    memcpy(cmd + cmd_len, payload, len);
    const char *reply = it_command(rt, "alpha", cmd, cmd_len + len, NULL);
    unsigned long long req_id = 0;
    assert_int_equal(sscanf(reply, "0 %llu", &req_id), 1);
    assert_true(req_id != 0);
    unsigned long long err_id = 0;
    assert_int_equal(sscanf(it_cmd(rt, "alpha", "!req\nbeta\n1000\n\x55!error\nno"), "0 %llu",
                            &err_id),
                     1);
    wait_idle(rt);

    it_log log;
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 2);
    char who[64];
    snprintf(who, sizeof who, "%llu 0", req_id);
    assert_int_equal(log.entries[0].tag, 'c');
    assert_string_equal(log.entries[0].who, who);
    assert_bytes(log.entries[0].bytes, log.entries[0].len, want, want_len);
    snprintf(who, sizeof who, "%llu %d", err_id, 4); /* target-error */
    assert_int_equal(log.entries[1].tag, 'c');
    assert_string_equal(log.entries[1].who, who);
    assert_int_equal(log.entries[1].len, 0);

    it_dump(rt, "beta", &log);
    assert_int_equal(log.count, 3); /* host request, host call, alpha's request */
    assert_string_equal(log.entries[0].who, "host");
    assert_string_equal(log.entries[1].who, "host");
    assert_string_equal(log.entries[2].who, "alpha");
    for (size_t i = 0; i < 3; i++)
        assert_bytes(log.entries[i].bytes, log.entries[i].len, payload, len);

    /* Requests to nobody: refused at once. */
    assert_int_equal(aw_runtime_request(rt, "nobody", payload, len, 100, it_record_outcome, &got,
                                        NULL, &err),
                     AW_NOT_FOUND);
    assert_string_equal(it_cmd(rt, "alpha", "!req\nnobody\n100\nU"), "1 0");
    assert_string_equal(it_cmd(rt, "alpha", "!call\nnobody\n100\nU"), "5\n");

    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.guest_errors, 2);
    assert_int_equal(st.timeouts, 0);
    assert_int_equal(atomic_load(&got.calls), 1);
    it_finish(rt);
    it_end();
}

/* A request that outlives its timeout: the requester hears `timeout`, the
 * response that comes later is dropped and counted. */
static void request_timeout(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}},
                       {"slow", IT_PROBE, {.fuel = 100000000000ull, .timeout_ms = 5000}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);

    const char *reply = it_cmd(rt, "alpha", "!req\nslow\n50\n\x55!busy\n300");
    unsigned long long req_id = 0;
    assert_int_equal(sscanf(reply, "0 %llu", &req_id), 1);

    static const char busy[] = "\x55!busy\n300";
    it_outcome got = {0};
    uint64_t host_id = 0;
    assert_int_equal(aw_runtime_request(rt, "slow", busy, sizeof busy - 1, 50, it_record_outcome,
                                        &got, &host_id, &err),
                     AW_OK);
    wait_idle(rt);

    /* Both waited 50 ms for a handler busy for 300 ms. */
    assert_int_equal(atomic_load_explicit(&got.calls, memory_order_acquire), 1);
    assert_int_equal(got.outcome, AW_REQUEST_TIMEOUT);
    assert_int_equal(got.id, host_id);
    assert_int_equal(got.len, 0);
    it_log log;
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 1);
    char who[64];
    snprintf(who, sizeof who, "%llu 1", req_id); /* AW_REQUEST_TIMEOUT in the SDK */
    assert_int_equal(log.entries[0].tag, 'c');
    assert_string_equal(log.entries[0].who, who);

    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.timeouts, 2);
    assert_int_equal(st.late_responses, 2);
    assert_int_equal(st.crashes, 0);
    /* The late responses went nowhere: still one callback each. */
    assert_int_equal(atomic_load(&got.calls), 1);
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 1);
    it_finish(rt);
    it_end();
}

/* A host request with timeout 0 uses the target's manifest timeout-ms
 * (airwasm.h). "quick" (timeout-ms 100) answers after 300 ms: it waits in a
 * call to "slow", so its own deadline does not stop it. */
static void host_request_default_timeout_is_the_targets(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"quick", IT_PROBE, {.timeout_ms = 100}},
                       {"slow", IT_PROBE, {.fuel = 100000000000ull, .timeout_ms = 5000}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);
    static const char cmd[] = "\x55!call\nslow\n2000\n\x55!busy\n300";
    it_outcome got = {0};
    uint64_t t0 = it_now_ms();
    assert_int_equal(aw_runtime_request(rt, "quick", cmd, sizeof cmd - 1, 0, it_record_outcome,
                                        &got, NULL, &err),
                     AW_OK);
    while (atomic_load_explicit(&got.calls, memory_order_acquire) == 0 && it_now_ms() - t0 < 10000)
        it_sleep_ms(1);
    assert_int_equal(atomic_load_explicit(&got.calls, memory_order_acquire), 1);
    assert_int_equal(got.outcome, AW_REQUEST_TIMEOUT);
    wait_idle(rt);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.timeouts, 1);
    assert_int_equal(atomic_load(&got.calls), 1);
    it_finish(rt);
    it_end();
}

/* A cancelled request never reaches a callback; its response is counted late. */
static void request_cancel(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}},
                       {"slow", IT_PROBE, {.fuel = 100000000000ull, .timeout_ms = 5000}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);

    assert_string_equal(it_cmd(rt, "alpha", "!reqcancel\nslow\n2000\n\x55!busy\n100"), "0 1");

    static const char busy[] = "\x55!busy\n100";
    it_outcome got = {0};
    uint64_t host_id = 0;
    assert_int_equal(aw_runtime_request(rt, "slow", busy, sizeof busy - 1, 2000,
                                        it_record_outcome, &got, &host_id, &err),
                     AW_OK);
    assert_true(aw_runtime_cancel(rt, host_id));
    assert_false(aw_runtime_cancel(rt, host_id)); /* not pending any more */
    wait_idle(rt);

    assert_int_equal(atomic_load(&got.calls), 0);
    it_log log;
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 0);
    /* slow did handle both requests. */
    assert_string_equal(it_cmd(rt, "slow", "!records"), "0");
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.late_responses, 2);
    assert_int_equal(st.timeouts, 0);
    /* Answered: the host's three commands (!reqcancel, !dump, !records). */
    assert_int_equal(st.responses, 3);
    it_finish(rt);
    it_end();
}

/* `call` from a component on ONE worker: the caller is suspended, not the
 * worker. alpha calls beta; beta, while alpha waits, calls gamma repeatedly
 * until gamma has handled ten casts the host sends after alpha's call began.
 * A cast to alpha sent during its call is handled after the call returns. */
static void call_suspends_only_the_caller(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}}, {"beta", IT_PROBE, {0}}, {"gamma", IT_PROBE, {0}}};
    aw_runtime *rt = it_start(1, comps, 3);
    aw_error err;
    aw_error_clear(&err);

    /* A plain call first: the response bytes come back to the caller. */
    uint8_t cmd[128], payload[64], want[80];
    size_t len = it_raw(payload, sizeof payload, binary_body, sizeof binary_body);
    size_t cmd_len = (size_t)snprintf((char *)cmd, sizeof cmd, "!call\nbeta\n1000\n");
    memcpy(cmd + cmd_len, payload, len);
    size_t reply_len = 0;
    const char *reply = it_command(rt, "alpha", cmd, cmd_len + len, &reply_len);
    memcpy(want, "0\n", 2);
    size_t want_len = 2 + echo_of(want + 2, payload, len);
    assert_bytes((const uint8_t *)reply, reply_len, want, want_len);

    static const char nested[] = "\x55!call\nbeta\n4000\n\x55!await\ngamma\n10";
    it_outcome got = {0};
    assert_int_equal(aw_runtime_request(rt, "alpha", nested, sizeof nested - 1, 5000,
                                        it_record_outcome, &got, NULL, &err),
                     AW_OK);
    static const char mark[] = "\x55mark";
    assert_int_equal(aw_runtime_send(rt, "alpha", mark, sizeof mark - 1, &err), AW_OK);
    for (int i = 0; i < 10; i++) {
        char body[16];
        uint8_t p[24];
        snprintf(body, sizeof body, "n%d", i);
        size_t plen = it_raw(p, sizeof p, body, strlen(body));
        assert_int_equal(aw_runtime_send(rt, "gamma", p, plen, &err), AW_OK);
    }
    wait_idle(rt);

    assert_int_equal(atomic_load_explicit(&got.calls, memory_order_acquire), 1);
    assert_int_equal(got.outcome, AW_REQUEST_OK);
    /* alpha's reply: "0\n" then beta's reply (0x55 and beta's count of calls). */
    if (got.len < 5)
        fail_msg("alpha's reply: %zu bytes: %.*s", got.len, (int)got.len, (const char *)got.bytes);
    assert_memory_equal(got.bytes, "\x55" "0\n\x55", 4);

    it_log log;
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 3);
    assert_int_equal(log.entries[0].tag, 'r'); /* the plain call */
    assert_int_equal(log.entries[1].tag, 'r'); /* the nested call returned ... */
    assert_string_equal(log.entries[1].who, "0");
    assert_int_equal(log.entries[2].tag, 'm'); /* ... before the mark was handled */
    assert_bytes(log.entries[2].bytes, log.entries[2].len, (const uint8_t *)mark, sizeof mark - 1);

    it_dump(rt, "gamma", &log);
    assert_int_equal(log.count, 10);
    for (size_t i = 0; i < 10; i++) {
        char body[32];
        snprintf(body, sizeof body, "\x55n%zu", i);
        assert_string_equal(log.entries[i].who, "host");
        assert_bytes(log.entries[i].bytes, log.entries[i].len, (const uint8_t *)body,
                     strlen(body));
    }
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.timeouts, 0);
    assert_int_equal(st.crashes, 0);
    it_finish(rt);
    it_end();
}

/* A payload whose codec the target does not accept is refused at send time
 * (bad-codec) from the host and from components; the target gets nothing. */
static void codec_rejection(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}},
                       {"jsononly", IT_PROBE, {.accepts = "[\"json\"]", .check_payloads = true}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);

    static const char raw[] = "\x55hello";
    assert_int_equal(aw_runtime_send(rt, "jsononly", raw, sizeof raw - 1, &err), AW_BAD_CODEC);
    assert_true(err.message[0] != '\0');
    it_outcome got = {0};
    assert_int_equal(aw_runtime_request(rt, "jsononly", raw, sizeof raw - 1, 100,
                                        it_record_outcome, &got, NULL, &err),
                     AW_BAD_CODEC);
    aw_request_outcome outcome;
    uint8_t *bytes = NULL;
    size_t n = 0;
    assert_int_equal(aw_runtime_call(rt, "jsononly", raw, sizeof raw - 1, 100, &outcome, &bytes,
                                     &n, &err),
                     AW_BAD_CODEC);
    assert_null(bytes);
    static const uint8_t truncated[] = {0x80};
    assert_int_equal(aw_runtime_send(rt, "jsononly", truncated, 1, &err), AW_BAD_CODEC);
    /* check-payloads: JSON that is not well formed is refused too. */
    static const char bad_json[] = "\x80\x04{\"k\":";
    assert_int_equal(aw_runtime_send(rt, "jsononly", bad_json, sizeof bad_json - 1, &err),
                     AW_BAD_CODEC);

    assert_string_equal(it_cmd(rt, "alpha", "!send\njsononly\n\x55hello"), "5");
    assert_string_equal(it_cmd(rt, "alpha", "!req\njsononly\n100\n\x55hello"), "5 0");
    /* call reports a refused send as target-error (backend.c request_error_of). */
    assert_string_equal(it_cmd(rt, "alpha", "!call\njsononly\n100\n\x55hello"), "4\n");
    /* The accepted codec goes through. */
    static const char good[] = "\x80\x04{\"k\":[1,2]}";
    assert_int_equal(aw_runtime_send(rt, "jsononly", good, sizeof good - 1, &err), AW_OK);
    assert_string_equal(it_cmd(rt, "alpha", "!send\njsononly\n\x80\x04\"x\""), "0");
    wait_idle(rt);

    it_log log;
    it_dump_json(rt, "jsononly", &log);
    assert_int_equal(log.count, 2);
    assert_string_equal(log.entries[0].who, "host");
    assert_bytes(log.entries[0].bytes, log.entries[0].len, (const uint8_t *)good, sizeof good - 1);
    assert_string_equal(log.entries[1].who, "alpha");
    assert_bytes(log.entries[1].bytes, log.entries[1].len, (const uint8_t *)"\x80\x04\"x\"", 5);
    assert_int_equal(atomic_load(&got.calls), 0);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.send_failures, 3); /* alpha's three refused sends */
    it_finish(rt);
    it_end();
}

/* A full mailbox and an oversized payload are refused at send time, from the
 * host and from components; what was accepted arrives, nothing else. */
static void full_mailbox_and_too_large(void **state) {
    (void)state;
    it_begin();
    it_comp comps[] = {{"alpha", IT_PROBE, {0}},
                       {"tiny", IT_PROBE, {.mailbox = 3, .fuel = 100000000000ull,
                                           .timeout_ms = 5000}}};
    aw_runtime *rt = it_start(2, comps, 2);
    aw_error err;
    aw_error_clear(&err);

    /* tiny is busy with the first message while the next ones queue. */
    static const char busy[] = "\x55!busy\n300";
    assert_int_equal(aw_runtime_send(rt, "tiny", busy, sizeof busy - 1, &err), AW_OK);
    it_sleep_ms(50);
    int accepted = 0;
    aw_status s = AW_OK;
    for (int i = 0; i < 10 && s == AW_OK; i++) {
        char body[16];
        uint8_t p[24];
        snprintf(body, sizeof body, "q%d", i);
        size_t plen = it_raw(p, sizeof p, body, strlen(body));
        s = aw_runtime_send(rt, "tiny", p, plen, &err);
        if (s == AW_OK) accepted++;
    }
    assert_int_equal(s, AW_MAILBOX_FULL);
    assert_true(accepted >= 1 && accepted <= 3);
    assert_string_equal(it_cmd(rt, "alpha", "!send\ntiny\nU"), "4"); /* mailbox-full */

    /* max-payload is 64 KiB. */
    static uint8_t big[65 * 1024];
    big[0] = 0x55;
    assert_int_equal(aw_runtime_send(rt, "alpha", big, sizeof big, &err), AW_TOO_LARGE);
    wait_idle(rt);

    it_log log;
    it_dump(rt, "tiny", &log);
    assert_int_equal(log.count, (size_t)accepted);
    for (int i = 0; i < accepted; i++) {
        char want[24];
        snprintf(want, sizeof want, "\x55q%d", i);
        assert_int_equal(log.entries[i].len, strlen(want));
        assert_memory_equal(log.entries[i].bytes, want, strlen(want));
    }
    it_dump(rt, "alpha", &log);
    assert_int_equal(log.count, 0);
    it_finish(rt);
    it_end();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cast_bytes_and_senders),
        cmocka_unit_test(request_response),
        cmocka_unit_test(request_timeout),
        cmocka_unit_test(host_request_default_timeout_is_the_targets),
        cmocka_unit_test(request_cancel),
        cmocka_unit_test(call_suspends_only_the_caller),
        cmocka_unit_test(codec_rejection),
        cmocka_unit_test(full_mailbox_and_too_large),
    };
    return AW_TEST_RUN(tests);
}
