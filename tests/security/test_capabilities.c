/* Capabilities end to end: a component sends, requests, calls, publishes and
 * subscribes outside its grants and is refused with `denied` before anything
 * is queued (the target never sees it); receivers refuse senders outside
 * their receive-from; the sender id is stamped by the host, never by the
 * guest. Every refusal is in the audit log. */
#include "sec_harness.h"

#include <string.h>

static void ungranted_targets_and_topics_are_denied(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"attacker", NULL,
         "send = [\"friend\"]\nreceive-from = [\"*\"]\npublish = [\"ok.*\"]\n"
         "subscribe = [\"ok.>\"]\n",
         NULL, NULL},
        {"victim", NULL, NULL, NULL, NULL},
        {"friend", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 3);

    assert_int_equal(sec_num(rt, "attacker", "send victim"), SEC_DENIED);
    /* Not granted: denied before the runtime even looks the name up, so a
     * component cannot probe which ids exist. */
    assert_int_equal(sec_num(rt, "attacker", "send nobody"), SEC_DENIED);
    assert_int_equal(sec_num(rt, "attacker", "req victim"), SEC_DENIED);
    assert_int_equal(sec_num(rt, "attacker", "call victim"), SEC_REQUEST_DENIED);
    assert_int_equal(sec_num(rt, "attacker", "pub secret.plans"), SEC_DENIED);
    assert_int_equal(sec_num(rt, "attacker", "sub secret.>"), SEC_DENIED);
    assert_int_equal(sec_num(rt, "attacker", "sub >"), SEC_DENIED);
    assert_int_equal(sec_num(rt, "attacker", "sub *"), SEC_DENIED);
    /* The grants work. */
    assert_int_equal(sec_num(rt, "attacker", "send friend"), SEC_SEND_OK);
    assert_int_equal(sec_num(rt, "attacker", "pub ok.news"), SEC_SEND_OK);
    assert_int_equal(sec_num(rt, "attacker", "sub ok.*"), SEC_SEND_OK);
    assert_int_equal(aw_runtime_wait_idle(rt, 5000000000ull), AW_OK);

    /* The target is untouched: nothing reached it. */
    assert_int_equal(sec_num(rt, "victim", "count"), 0);
    assert_int_equal(sec_num(rt, "friend", "count"), 1);

    /* Each refusal is audited, naming who, what and why. */
    sec_record r;
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_DENIED, "attacker", &r), 2);
    assert_string_equal(r.target, "victim");
    assert_non_null(strstr(r.detail, "send capability"));
    assert_int_equal(sec_audit_count(AW_AUDIT_REQUEST, AW_DENIED, "attacker", NULL), 1);
    assert_int_equal(sec_audit_count(AW_AUDIT_CALL, AW_DENIED, "attacker", NULL), 1);
    assert_int_equal(sec_audit_count(AW_AUDIT_PUBLISH, AW_DENIED, "attacker", &r), 1);
    assert_string_equal(r.target, "secret.plans");
    assert_int_equal(sec_audit_count(AW_AUDIT_SUBSCRIBE, AW_DENIED, "attacker", NULL), 3);
    /* Successful sends are not logged unless sampled. */
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_OK, NULL, NULL), 0);

    aw_component_stats cs;
    assert_int_equal(aw_runtime_component_stats(rt, "attacker", &cs), AW_OK);
    assert_int_equal(cs.denied, 8);
    assert_int_equal(cs.sent, 2);
    assert_true(cs.rate_tokens == UINT64_MAX);
    assert_int_equal(aw_runtime_component_stats(rt, "nobody", &cs), AW_NOT_FOUND);
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    assert_int_equal(st.denied, 8);

    /* The host is the embedder: its messages pass no capability check. */
    static const uint8_t hello[] = {0x55, 'h', 'i'};
    assert_int_equal(aw_runtime_send(rt, "victim", hello, sizeof hello, NULL), AW_OK);
    assert_int_equal(aw_runtime_wait_idle(rt, 5000000000ull), AW_OK);
    assert_int_equal(sec_num(rt, "victim", "count"), 1);
    sec_finish(rt);
}

static void receivers_refuse_senders_outside_receive_from(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"attacker", NULL, NULL, NULL, NULL},
        {"victim", NULL,
         "send = []\nreceive-from = [\"friend\", \"host\"]\npublish = []\nsubscribe = [\"news\"]\n",
         NULL, NULL},
        {"friend", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 3);
    assert_int_equal(sec_num(rt, "victim", "sub news"), SEC_SEND_OK);
    assert_int_equal(sec_num(rt, "victim", "sub other"), SEC_DENIED);

    assert_int_equal(sec_num(rt, "attacker", "send victim"), SEC_DENIED);
    assert_int_equal(sec_num(rt, "attacker", "call victim"), SEC_REQUEST_DENIED);
    /* A publish is not refused to the publisher (other subscribers may
     * accept it), but a subscriber that does not receive from it is skipped. */
    assert_int_equal(sec_num(rt, "attacker", "pub news"), SEC_SEND_OK);
    assert_int_equal(sec_num(rt, "friend", "send victim"), SEC_SEND_OK);
    assert_int_equal(sec_num(rt, "friend", "pub news"), SEC_SEND_OK);
    assert_int_equal(aw_runtime_wait_idle(rt, 5000000000ull), AW_OK);
    assert_int_equal(sec_num(rt, "victim", "count"), 2);
    assert_string_equal(sec_cmd(rt, "victim", "last"), "friend");

    sec_record r;
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_DENIED, "attacker", &r), 1);
    assert_non_null(strstr(r.detail, "receive-from"));
    assert_int_equal(sec_audit_count(AW_AUDIT_CALL, AW_DENIED, "attacker", NULL), 1);
    assert_int_equal(sec_audit_count(AW_AUDIT_PUBLISH, AW_DENIED, "attacker", &r), 1);
    assert_string_equal(r.target, "news");
    assert_non_null(strstr(r.detail, "victim"));
    assert_int_equal(sec_audit_count(AW_AUDIT_SUBSCRIBE, AW_DENIED, "victim", NULL), 1);
    sec_finish(rt);
}

static void the_host_stamps_the_sender(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"attacker", NULL, NULL, NULL, NULL},
        {"victim", NULL, "send = []\nreceive-from = [\"friend\"]\npublish = []\nsubscribe = []\n",
         NULL, NULL},
        {"friend", NULL, NULL, NULL, NULL},
        {"bystander", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 4);
    /* send-message has no sender parameter: the only id a guest can send
     * as is its own, whatever the payload claims. */
    assert_string_equal(sec_cmd(rt, "attacker", "self"), "attacker");
    assert_int_equal(sec_num(rt, "attacker", "send bystander"), SEC_SEND_OK);
    assert_int_equal(aw_runtime_wait_idle(rt, 5000000000ull), AW_OK);
    assert_string_equal(sec_cmd(rt, "bystander", "last"), "attacker");
    /* So impersonating friend towards victim fails. */
    assert_int_equal(sec_num(rt, "attacker", "send victim"), SEC_DENIED);
    assert_int_equal(sec_num(rt, "victim", "count"), 0);
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_DENIED, "attacker", NULL), 1);
    sec_finish(rt);
}

static void sampled_sends_are_audited(void **state) {
    (void)state;
    sec_comp comps[] = {{"a", NULL, NULL, NULL, NULL}, {"b", NULL, NULL, NULL, NULL}};
    aw_runtime_config cfg = {.workers = 2, .audit_sample_sends = 1};
    aw_runtime *rt = sec_start(&cfg, comps, 2);
    assert_int_equal(sec_num(rt, "a", "flood b 10"), 0);
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_OK, "a", NULL), 10);
    sec_finish(rt);
}

/* The send path remembers the capability verdicts of a component's last few
 * targets: repeated sends to more targets than it remembers, mixed with
 * refused ones, are each decided exactly as the first time. */
static void remembered_verdicts_match_the_capabilities(void **state) {
    (void)state;
    sec_comp comps[] = {
        {"sender", NULL,
         "send = [\"t1\", \"t2\", \"t3\", \"t4\", \"t5\", \"ghost\"]\n"
         "receive-from = [\"*\"]\npublish = []\nsubscribe = []\n",
         NULL, NULL},
        {"t1", NULL, NULL, NULL, NULL},
        {"t2", NULL, NULL, NULL, NULL},
        {"t3", NULL, "send = []\nreceive-from = [\"host\"]\npublish = []\nsubscribe = []\n",
         NULL, NULL},
        {"t4", NULL, NULL, NULL, NULL},
        {"t5", NULL, NULL, NULL, NULL},
        {"victim", NULL, NULL, NULL, NULL},
    };
    aw_runtime *rt = sec_start(NULL, comps, 7);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(sec_num(rt, "sender", "send t1"), SEC_SEND_OK);
        assert_int_equal(sec_num(rt, "sender", "send t2"), SEC_SEND_OK);
        assert_int_equal(sec_num(rt, "sender", "send t3"), SEC_DENIED); /* its receive-from */
        assert_int_equal(sec_num(rt, "sender", "send t4"), SEC_SEND_OK);
        assert_int_equal(sec_num(rt, "sender", "send victim"), SEC_DENIED); /* not in send */
        assert_int_equal(sec_num(rt, "sender", "send t5"), SEC_SEND_OK);
        assert_int_equal(sec_num(rt, "sender", "send ghost"), SEC_UNKNOWN_TARGET);
        assert_int_equal(sec_num(rt, "sender", "send t1"), SEC_SEND_OK);
    }
    assert_int_equal(aw_runtime_wait_idle(rt, 5000000000ull), AW_OK);
    assert_int_equal(sec_num(rt, "t1", "count"), 6);
    assert_int_equal(sec_num(rt, "t2", "count"), 3);
    assert_int_equal(sec_num(rt, "t3", "count"), 0);
    assert_int_equal(sec_num(rt, "t4", "count"), 3);
    assert_int_equal(sec_num(rt, "t5", "count"), 3);
    assert_int_equal(sec_num(rt, "victim", "count"), 0);
    assert_int_equal(sec_audit_count(AW_AUDIT_SEND, AW_DENIED, "sender", NULL), 6);
    aw_component_stats cs;
    assert_int_equal(aw_runtime_component_stats(rt, "sender", &cs), AW_OK);
    assert_int_equal(cs.sent, 15);
    assert_int_equal(cs.denied, 6);
    sec_finish(rt);
}

/* A message a component sends while handling one continues its trace (same
 * trace id, new span): a call a component makes for the host and the crash it
 * causes further on are audited under the host request's trace id. */
static void audit_records_follow_the_trace(void **state) {
    (void)state;
    sec_comp comps[] = {{"a", "it_probe.wasm", NULL, NULL, NULL},
                        {"b", "it_probe.wasm", NULL, NULL, NULL}};
    aw_runtime_config cfg = {.workers = 2, .audit_sample_sends = 1};
    aw_runtime *rt = sec_start(&cfg, comps, 2);
    const char *reply;
    static const char cmd[] = "!call\nb\n1000\nU!trap";
    assert_int_equal(sec_try_cmd(rt, "a", cmd, sizeof cmd - 1, &reply), AW_REQUEST_OK);
    assert_true(sec_wait_audit(AW_AUDIT_CRASH, AW_TRAP, "b", 1, 5000));
    sec_record call, crash;
    assert_int_equal(sec_audit_count(AW_AUDIT_CALL, AW_OK, "a", &call), 1);
    assert_int_equal(sec_audit_count(AW_AUDIT_CRASH, AW_TRAP, "b", &crash), 1);
    assert_true((call.trace_hi | call.trace_lo) != 0);
    assert_int_equal(crash.trace_hi, call.trace_hi);
    assert_int_equal(crash.trace_lo, call.trace_lo);
    sec_finish(rt);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(remembered_verdicts_match_the_capabilities),
        cmocka_unit_test(ungranted_targets_and_topics_are_denied),
        cmocka_unit_test(receivers_refuse_senders_outside_receive_from),
        cmocka_unit_test(the_host_stamps_the_sender),
        cmocka_unit_test(sampled_sends_are_audited),
        cmocka_unit_test(audit_records_follow_the_trace),
    };
    return AW_TEST_RUN(tests);
}
