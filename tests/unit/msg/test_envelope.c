/* Envelopes: interned names, payload references, invariants, the wire format
 * round trip, and every kind of malformed wire input. */
#include "test_support.h"

#include "msg/envelope.h"
#include "msg/multicodec.h"
#include "platform/thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(text) text, strlen(text)

static const aw__envelope_limits limits = {1 << 20};

static void names_are_interned(void **state) {
    (void)state;
    aw__names *names;
    assert_int_equal(aw__names_create(3, &names), AW_OK);
    const aw__name *a, *b, *c;
    aw_error err;
    assert_int_equal(aw__names_intern(names, S("billing"), &a, &err), AW_OK);
    assert_int_equal(aw__names_intern(names, S("billing"), &b, &err), AW_OK);
    assert_ptr_equal(a, b);
    assert_string_equal(a->text, "billing");
    assert_int_equal(a->len, 7);
    assert_ptr_equal(aw__names_find(names, S("billing")), a);
    assert_null(aw__names_find(names, S("ledger")));
    assert_int_equal(aw__names_intern(names, S("audit-log#2"), &c, &err), AW_OK);
    assert_int_equal(aw__names_intern(names, S("x:y/z@1"), &c, &err), AW_OK);
    assert_int_equal(aw__names_intern(names, S("one-too-many"), &c, &err), AW_LIMIT_EXCEEDED);
    assert_int_equal(aw__names_count(names), 3);
    const char *bad[] = {"", "a b", "audit-*", "q?", "tab\t", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(aw__names_intern(names, S(bad[i]), &c, &err), AW_INVALID_ARGUMENT);
    char long_name[AW__NAME_MAX_LEN + 1];
    memset(long_name, 'n', sizeof long_name);
    assert_int_equal(aw__name_check(long_name, AW__NAME_MAX_LEN, &err), AW_OK);
    assert_int_equal(aw__name_check(long_name, AW__NAME_MAX_LEN + 1, &err), AW_INVALID_ARGUMENT);
    aw__names_destroy(names);
    aw__names_destroy(NULL);
}

static void payload_references(void **state) {
    (void)state;
    aw_payload *p = aw_payload_copy("hello", 5);
    assert_non_null(p);
    assert_int_equal(p->len, 5);
    assert_memory_equal(p->bytes, "hello", 5);
    assert_ptr_equal(aw_payload_retain(p), p);
    aw_payload_release(p);
    aw_payload_release(p); /* the last reference frees (leak check at the end) */
    aw_payload_release(NULL);
    aw_payload *empty = aw_payload_copy(NULL, 0);
    assert_non_null(empty);
    aw_payload_release(empty);
    assert_null(aw_payload_new((size_t)UINT32_MAX + 1));
}

typedef struct fixture {
    aw__names *names;
    const aw__name *billing, *ledger;
} fixture;

static void fixture_init(fixture *f) {
    assert_int_equal(aw__names_create(1000, &f->names), AW_OK);
    assert_int_equal(aw__names_intern(f->names, S("billing"), &f->billing, NULL), AW_OK);
    assert_int_equal(aw__names_intern(f->names, S("ledger"), &f->ledger, NULL), AW_OK);
}

static aw__envelope request(const fixture *f) {
    aw__envelope e;
    memset(&e, 0, sizeof e);
    e.from = f->billing;
    e.to = f->ledger;
    e.kind = AW__MSG_REQUEST;
    e.request_id = 0x1234567;
    e.deadline_ns = 5000000;
    aw__trace_new_root(&e.trace, AW__TRACE_SAMPLED);
    e.payload = aw_payload_copy("\x51\xa1\x61\x61\x01", 5); /* cbor {"a": 1} */
    return e;
}

static void check_invariants(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f);
    aw__envelope e = request(&f);
    aw_error err;
    assert_int_equal(aw__envelope_check(&e, &err), AW_OK);
    e.request_id = 0;
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED);
    assert_non_null(strstr(err.message, "needs a request id"));
    e.kind = AW__MSG_CAST;
    assert_int_equal(aw__envelope_check(&e, &err), AW_OK);
    e.request_id = 3;
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED);
    e.kind = AW__MSG_ERROR;
    e.error = AW__REQERR_COUNT;
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED);
    e.error = AW__REQERR_TARGET_CRASHED;
    assert_int_equal(aw__envelope_check(&e, &err), AW_OK);
    e.kind = AW__MSG_RESPONSE;
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED); /* error code on a response */
    e.error = 0;
    e.to = NULL;
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED);
    e.kind = AW__MSG_PUBLISH;
    e.request_id = 0;
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED); /* no topic */
    e.topic = aw_payload_copy("a..b", 4);
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED);
    assert_non_null(strstr(err.message, "topic"));
    aw_payload_release(e.topic);
    e.topic = aw_payload_copy("orders.new", 10);
    assert_int_equal(aw__envelope_check(&e, &err), AW_OK);
    e.kind = 9;
    assert_int_equal(aw__envelope_check(&e, &err), AW_MALFORMED);
    aw__envelope_release(&e);
    assert_null(e.payload);
    assert_null(e.topic);
    assert_string_equal(aw__msg_kind_name(AW__MSG_ERROR), "error-response");
    assert_string_equal(aw__request_error_name(AW__REQERR_TARGET_CRASHED), "target-crashed");
    assert_string_equal(aw__request_error_name(AW__REQERR_COUNT), "?");
    aw__names_destroy(f.names);
}

static void round_trip(const fixture *f, const aw__envelope *e, uint64_t now) {
    aw__buf wire = AW__BUF_INIT;
    aw_error err;
    assert_int_equal(aw__envelope_encode(e, now, &wire, &err), AW_OK);
    aw__envelope back;
    /* Decoded on a host whose clock reads 1000 ns later. */
    assert_int_equal(
        aw__envelope_decode(wire.data, wire.len, f->names, &limits, now + 1000, &back, &err),
        AW_OK);
    assert_ptr_equal(back.from, e->from);
    assert_ptr_equal(back.to, e->to);
    assert_int_equal(back.kind, e->kind);
    assert_int_equal(back.error, e->error);
    assert_int_equal(back.request_id, e->request_id);
    assert_memory_equal(&back.trace.trace_hi, &e->trace.trace_hi, 3 * sizeof(uint64_t));
    assert_int_equal(back.trace.flags, e->trace.flags);
    if (e->deadline_ns == 0) assert_int_equal(back.deadline_ns, 0);
    else if (e->deadline_ns > now) assert_int_equal(back.deadline_ns, e->deadline_ns + 1000);
    else assert_int_equal(back.deadline_ns, now + 1000); /* expired stays expired */
    size_t len = e->payload ? e->payload->len : 0;
    assert_int_equal(back.payload ? back.payload->len : 0, len);
    if (len) assert_memory_equal(back.payload->bytes, e->payload->bytes, len);
    if (e->topic) {
        assert_int_equal(back.topic->len, e->topic->len);
        assert_memory_equal(back.topic->bytes, e->topic->bytes, e->topic->len);
    } else {
        assert_null(back.topic);
    }
    aw__envelope_release(&back);
    aw__buf_free(&wire);
}

static void wire_round_trips(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f);
    aw__envelope e = request(&f);
    round_trip(&f, &e, 1000);
    round_trip(&f, &e, 9000000); /* deadline already passed */
    e.kind = AW__MSG_ERROR;
    e.error = AW__REQERR_TIMEOUT;
    round_trip(&f, &e, 0);
    e.kind = AW__MSG_RESPONSE;
    e.error = 0;
    e.request_id = AW__UVARINT_MAX_VALUE;
    round_trip(&f, &e, 0);
    e.kind = AW__MSG_CAST;
    e.request_id = 0;
    e.deadline_ns = 0;
    memset(&e.trace, 0, sizeof e.trace);
    e.from = NULL; /* from the embedding host */
    aw_payload_release(e.payload);
    e.payload = NULL;
    round_trip(&f, &e, 0);
    e.kind = AW__MSG_PUBLISH;
    e.to = NULL;
    e.topic = aw_payload_copy("orders.new", 10);
    e.payload = aw_payload_copy("\x55xyz", 4);
    round_trip(&f, &e, 0);
    aw__envelope_release(&e);
    aw__names_destroy(f.names);
}

static void encode_refuses_bad_envelopes(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f);
    aw__envelope e = request(&f);
    aw__buf wire = AW__BUF_INIT;
    aw_error err;
    e.request_id = AW__UVARINT_MAX_VALUE + 1;
    assert_int_equal(aw__envelope_encode(&e, 0, &wire, &err), AW_MALFORMED);
    assert_int_equal(wire.len, 0);
    e.request_id = 0;
    assert_int_equal(aw__envelope_encode(&e, 0, &wire, &err), AW_MALFORMED);
    assert_int_equal(wire.len, 0);
    aw__envelope_release(&e);
    aw__buf_free(&wire);
    aw__names_destroy(f.names);
}

/* The exact bytes of a small cast, as docs/messaging.md shows them. */
static void wire_bytes_are_as_documented(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f);
    aw__envelope e;
    memset(&e, 0, sizeof e);
    e.kind = AW__MSG_CAST;
    e.from = f.billing;
    e.to = f.ledger;
    e.payload = aw_payload_copy("\x55hi", 3);
    aw__buf wire = AW__BUF_INIT;
    assert_int_equal(aw__envelope_encode(&e, 0, &wire, NULL), AW_OK);
    const uint8_t expect[] = {0x01, 0x01, 0x00, 7,   'b', 'i', 'l', 'l', 'i', 'n', 'g', 6,
                              'l',  'e',  'd',  'g', 'e', 'r', 3,   0x55, 'h', 'i'};
    assert_int_equal(wire.len, sizeof expect);
    assert_memory_equal(wire.data, expect, sizeof expect);
    aw__envelope_release(&e);
    aw__buf_free(&wire);
    aw__names_destroy(f.names);
}

static aw_status decode(const fixture *f, const uint8_t *bytes, size_t len, aw_error *err) {
    aw__envelope e;
    aw_status s = aw__envelope_decode(bytes, len, f->names, &limits, 0, &e, err);
    if (s == AW_OK) aw__envelope_release(&e);
    return s;
}

static void decode_rejects_malformed_input(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f);
    aw_error err;
    struct {
        const char *why;
        const uint8_t *bytes;
        size_t len;
    } cases[] = {
#define CASE(why, ...) {why, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})}
        CASE("version 2", 0x02, 0x01, 0x00, 0, 1, 'x', 0),
        CASE("kind 0", 0x01, 0x00, 0x00, 0, 1, 'x', 0),
        CASE("kind 6", 0x01, 0x06, 0x00, 0, 1, 'x', 0),
        CASE("unknown flag", 0x01, 0x01, 0x80, 0, 1, 'x', 0),
        CASE("cast without target", 0x01, 0x01, 0x00, 0, 0, 0),
        CASE("bad sender id", 0x01, 0x01, 0x00, 1, '*', 1, 'x', 0),
        CASE("name runs past end", 0x01, 0x01, 0x00, 9, 'a'),
        CASE("name too long", 0x01, 0x01, 0x00, 0x80, 0x02, 'a'),
        CASE("non-minimal length", 0x01, 0x01, 0x00, 0x80, 0x00, 1, 'x', 0),
        CASE("request id 0", 0x01, 0x02, 0x00, 0, 1, 'x', 0x00, 0),
        CASE("request without id", 0x01, 0x02, 0x00, 0, 1, 'x'),
        CASE("error code 6", 0x01, 0x04, 0x00, 6, 0, 1, 'x', 1, 0),
        CASE("error without code", 0x01, 0x04),
        CASE("trace cut", 0x01, 0x01, 0x01, 0, 1, 'x', 1, 2, 3),
        CASE("zero trace", 0x01, 0x01, 0x01, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
        CASE("deadline cut", 0x01, 0x01, 0x02, 0, 1, 'x', 0x80),
        CASE("publish bad topic", 0x01, 0x05, 0x00, 0, 0, 2, 'a', '.', 0),
        CASE("publish no topic", 0x01, 0x05, 0x00, 0, 0),
        CASE("payload past end", 0x01, 0x01, 0x00, 0, 1, 'x', 5, 1, 2),
        CASE("trailing byte", 0x01, 0x01, 0x00, 0, 1, 'x', 1, 0x55, 0xff),
        CASE("no payload length", 0x01, 0x01, 0x00, 0, 1, 'x'),
        CASE("only version", 0x01),
#undef CASE
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (decode(&f, cases[i].bytes, cases[i].len, &err) != AW_MALFORMED)
            fail_msg("accepted: %s", cases[i].why);
    }
    assert_int_equal(decode(&f, NULL, 0, &err), AW_MALFORMED);
    /* The good version of the last cases decodes. */
    const uint8_t good[] = {0x01, 0x01, 0x00, 0, 1, 'x', 1, 0x55};
    assert_int_equal(decode(&f, good, sizeof good, &err), AW_OK);
    /* Every strict prefix of a full request is refused. */
    fixture g;
    fixture_init(&g);
    aw__envelope e = request(&g);
    aw__buf wire = AW__BUF_INIT;
    assert_int_equal(aw__envelope_encode(&e, 0, &wire, NULL), AW_OK);
    for (size_t cut = 0; cut < wire.len; cut++)
        assert_int_equal(decode(&g, wire.data, cut, &err), AW_MALFORMED);
    aw__buf_free(&wire);
    aw__envelope_release(&e);
    aw__names_destroy(g.names);
    aw__names_destroy(f.names);
}

static void decode_limits(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f);
    aw_error err;
    aw__envelope e;
    const uint8_t big[] = {0x01, 0x01, 0x00, 0, 1, 'x', 4, 1, 2, 3, 4};
    const aw__envelope_limits tiny = {3};
    assert_int_equal(aw__envelope_decode(big, sizeof big, f.names, &tiny, 0, &e, &err),
                     AW_TOO_LARGE);
    assert_null(e.payload);
    aw__names *full;
    assert_int_equal(aw__names_create(1, &full), AW_OK);
    const uint8_t two_names[] = {0x01, 0x01, 0x00, 1, 'a', 1, 'b', 0};
    assert_int_equal(aw__envelope_decode(two_names, sizeof two_names, full, &limits, 0, &e, &err),
                     AW_LIMIT_EXCEEDED);
    aw__names_destroy(full);
    /* Allocation failures while decoding leave nothing behind. */
    fixture g;
    fixture_init(&g);
    aw__envelope r = request(&g);
    r.kind = AW__MSG_PUBLISH;
    r.request_id = 0;
    r.topic = aw_payload_copy("t.x", 3);
    r.to = NULL;
    aw__buf wire = AW__BUF_INIT;
    assert_int_equal(aw__envelope_encode(&r, 0, &wire, NULL), AW_OK);
    for (uint64_t nth = 1; nth <= 3; nth++) {
        aw_test_allocator_fail_at(nth);
        aw_status s = aw__envelope_decode(wire.data, wire.len, g.names, &limits, 0, &e, &err);
        aw_test_allocator_fail_at(0);
        if (s == AW_OK) aw__envelope_release(&e);
        else assert_int_equal(s, AW_NO_MEMORY);
    }
    aw__buf_free(&wire);
    aw__envelope_release(&r);
    aw__names_destroy(g.names);
    aw__names_destroy(f.names);
}

/* In-process form: an envelope becomes a fixed-size aw_msg and back. */
static void mailbox_message_mapping(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f);
    aw__envelope e = request(&f);
    e.kind = AW__MSG_ERROR;
    e.error = AW__REQERR_DENIED;
    aw_payload *payload = e.payload;
    aw__trace trace = e.trace;
    aw_msg msg;
    aw__envelope_to_msg(&e, 42, &msg);
    assert_null(e.payload);
    assert_ptr_equal(msg.payload, payload);
    assert_true(aw__envelope_in_msg(&msg));
    assert_int_equal(msg.sender, 42);
    assert_int_equal(msg.corr, 0x1234567);
    assert_true(msg.kind < AW_MSG_SYSTEM); /* never taken for a runtime message */
    aw__envelope view;
    assert_int_equal(aw__envelope_view_msg(&msg, &view), AW_OK);
    assert_int_equal(view.kind, AW__MSG_ERROR);
    assert_int_equal(view.error, AW__REQERR_DENIED);
    assert_int_equal(view.request_id, 0x1234567);
    assert_ptr_equal(view.from, f.billing);
    assert_null(view.to);
    assert_int_equal(view.deadline_ns, 0);
    assert_memory_equal(&view.trace.trace_hi, &trace.trace_hi, 3 * sizeof(uint64_t));
    assert_int_equal(view.trace.flags, trace.flags);
    assert_ptr_equal(view.payload, payload);
    /* Messages that are not envelopes, or carry bad kind bits, are refused. */
    aw_msg other = msg;
    other.kind = 7;
    assert_false(aw__envelope_in_msg(&other));
    assert_int_equal(aw__envelope_view_msg(&other, &view), AW_MALFORMED);
    other.kind = AW_MSG_SYSTEM | 1u;
    assert_int_equal(aw__envelope_view_msg(&other, &view), AW_MALFORMED);
    other.kind = AW__ENVELOPE_MSG_TAG | 9u;
    assert_int_equal(aw__envelope_view_msg(&other, &view), AW_MALFORMED);
    other.kind = AW__ENVELOPE_MSG_TAG | AW__MSG_REQUEST;
    other.corr = 0;
    assert_int_equal(aw__envelope_view_msg(&other, &view), AW_MALFORMED);
    other.kind = AW__ENVELOPE_MSG_TAG | (UINT64_C(1) << 30) | AW__MSG_CAST;
    assert_int_equal(aw__envelope_view_msg(&other, &view), AW_MALFORMED);
    /* A publish's topic is released by the mapping (it is not delivered). */
    aw__envelope pub;
    memset(&pub, 0, sizeof pub);
    pub.kind = AW__MSG_PUBLISH;
    pub.to = f.ledger;
    pub.topic = aw_payload_copy("a.b", 3);
    aw_msg pub_msg;
    aw__envelope_to_msg(&pub, 0, &pub_msg);
    assert_null(pub.topic);
    assert_null(pub_msg.payload);
    assert_int_equal(aw__envelope_view_msg(&pub_msg, &view), AW_OK);
    assert_int_equal(view.kind, AW__MSG_PUBLISH);
    aw_payload_release(msg.payload);
    aw__names_destroy(f.names);
}

typedef struct sharer {
    aw_payload *p;
    aw__names *names;
} sharer;

/* Threads retain and release one payload and intern the same ids at once. */
static void *share(void *arg) {
    sharer *s = arg;
    char name[16];
    for (int i = 0; i < 2000; i++) {
        aw_payload *mine = aw_payload_retain(s->p);
        if (mine->bytes[0] != 0x55) abort();
        aw_payload_release(mine);
        int n = snprintf(name, sizeof name, "c%d", i % 50);
        const aw__name *interned;
        if (aw__names_intern(s->names, name, (size_t)n, &interned, NULL) != AW_OK) abort();
        if (interned->len != (uint32_t)n) abort();
    }
    return NULL;
}

static void shared_across_threads(void **state) {
    (void)state;
    sharer s;
    s.p = aw_payload_copy("\x55" "shared", 7);
    assert_int_equal(aw__names_create(100, &s.names), AW_OK);
    aw__thread t[4];
    for (int i = 0; i < 4; i++) assert_int_equal(aw__thread_create(&t[i], share, &s, NULL), AW_OK);
    for (int i = 0; i < 4; i++) aw__thread_join(t[i], NULL);
    assert_int_equal(aw__names_count(s.names), 50);
    aw_payload_release(s.p);
    aw__names_destroy(s.names);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_interned),
        cmocka_unit_test(payload_references),
        cmocka_unit_test(check_invariants),
        cmocka_unit_test(wire_round_trips),
        cmocka_unit_test(encode_refuses_bad_envelopes),
        cmocka_unit_test(wire_bytes_are_as_documented),
        cmocka_unit_test(decode_rejects_malformed_input),
        cmocka_unit_test(decode_limits),
        cmocka_unit_test(mailbox_message_mapping),
        cmocka_unit_test(shared_across_threads),
    };
    return AW_TEST_RUN(tests);
}
