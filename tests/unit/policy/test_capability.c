/* aw__capset: deny by default, literal and wildcard patterns for ids and
 * topics, subscription coverage, and guest-chosen bytes. */
#include "test_support.h"

#include "policy/capability.h"
#include "policy/glob.h"

#include <stdio.h>
#include <string.h>

static aw__manifest *parse(const char *capabilities) {
    char text[2048];
    snprintf(text, sizeof text,
             "[component]\nname = \"c\"\nmodule = \"c.wasm\"\n[capabilities]\n%s\n", capabilities);
    aw__manifest *m = NULL;
    aw_error err;
    if (aw__manifest_parse("/tmp/Component.toml", text, strlen(text), &m, &err) != AW_OK)
        fail_msg("%s", err.message);
    return m;
}

typedef struct fixture {
    aw__manifest *m;
    aw__capset *set;
} fixture;

static fixture build(const char *capabilities) {
    fixture f;
    f.m = parse(capabilities);
    assert_int_equal(aw__capset_create(f.m, &f.set), AW_OK);
    return f;
}

static void done(fixture f) {
    aw__capset_free(f.set);
    aw__manifest_free(f.m);
}

static bool allows(fixture f, aw__cap_kind kind, const char *text) {
    return aw__capset_allows(f.set, kind, text, strlen(text));
}

static void deny_by_default(void **state) {
    (void)state;
    fixture f = build("");
    for (int k = 0; k < AW__CAP_KIND_COUNT; k++) {
        assert_false(allows(f, (aw__cap_kind)k, "billing"));
        assert_false(allows(f, (aw__cap_kind)k, "*"));
        assert_false(allows(f, (aw__cap_kind)k, ""));
    }
    done(f);
    /* An absent [capabilities] table is the same as empty lists. */
    aw__manifest *m = NULL;
    const char *text = "[component]\nname = \"c\"\nmodule = \"c.wasm\"\n";
    assert_int_equal(aw__manifest_parse("/tmp/C.toml", text, strlen(text), &m, NULL), AW_OK);
    aw__capset *set;
    assert_int_equal(aw__capset_create(m, &set), AW_OK);
    assert_false(aw__capset_allows(set, AW__CAP_SEND, "x", 1));
    aw__capset_free(set);
    aw__manifest_free(m);
}

static void component_ids(void **state) {
    (void)state;
    fixture f = build("send = [\"ledger\", \"audit-*\", \"worker-?\", \"zeta\", \"alpha\"]\n"
                      "receive-from = [\"gateway\"]");
    assert_true(allows(f, AW__CAP_SEND, "ledger"));
    assert_true(allows(f, AW__CAP_SEND, "alpha"));
    assert_true(allows(f, AW__CAP_SEND, "zeta"));
    assert_true(allows(f, AW__CAP_SEND, "audit-log"));
    assert_true(allows(f, AW__CAP_SEND, "worker-7"));
    assert_false(allows(f, AW__CAP_SEND, "worker-17"));
    assert_false(allows(f, AW__CAP_SEND, "ledge"));
    assert_false(allows(f, AW__CAP_SEND, "ledgers"));
    assert_false(allows(f, AW__CAP_SEND, "gateway"));
    /* The lists are separate. */
    assert_true(allows(f, AW__CAP_RECEIVE_FROM, "gateway"));
    assert_false(allows(f, AW__CAP_RECEIVE_FROM, "ledger"));
    assert_false(allows(f, AW__CAP_PUBLISH, "ledger"));
    done(f);
}

static void grant_all(void **state) {
    (void)state;
    fixture f = build("send = [\"*\"]\npublish = [\">\"]\nsubscribe = [\">\"]");
    assert_true(allows(f, AW__CAP_SEND, "anyone"));
    assert_true(allows(f, AW__CAP_PUBLISH, "a.b.c"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, ">"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "a.*"));
    /* Still only well-formed topics. */
    assert_false(allows(f, AW__CAP_PUBLISH, "a..b"));
    assert_false(allows(f, AW__CAP_PUBLISH, "a.*"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "a.>.b"));
    assert_false(allows(f, AW__CAP_RECEIVE_FROM, "anyone"));
    done(f);
}

static void topics(void **state) {
    (void)state;
    fixture f = build("publish = [\"billing.events.*\", \"billing.audit\", \"stock.?\"]\n"
                      "subscribe = [\"orders.>\", \"stock.*.low\", \"news\", \"eu-*.paid\"]");
    /* '*' crosses dots in capabilities (unlike in subscriptions). */
    assert_true(allows(f, AW__CAP_PUBLISH, "billing.events.paid"));
    assert_true(allows(f, AW__CAP_PUBLISH, "billing.events.paid.late"));
    assert_true(allows(f, AW__CAP_PUBLISH, "billing.audit"));
    assert_true(allows(f, AW__CAP_PUBLISH, "stock.a"));
    assert_false(allows(f, AW__CAP_PUBLISH, "stock.ab"));
    assert_false(allows(f, AW__CAP_PUBLISH, "billing.events"));
    assert_false(allows(f, AW__CAP_PUBLISH, "billing.auditx"));
    assert_false(allows(f, AW__CAP_PUBLISH, "orders.created"));
    /* Subscriptions must be covered, pattern against pattern. */
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "orders.created"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "orders.*"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "orders.eu.>"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "orders.>"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "orders"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, ">"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "*.created"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "stock.tea.low"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "stock.*.low"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "stock.eu.tea.low"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "stock.>"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "stock.tea.*"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "news"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "news.*"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "*"));
    assert_true(allows(f, AW__CAP_SUBSCRIBE, "eu-north.paid"));
    assert_false(allows(f, AW__CAP_SUBSCRIBE, "*.paid"));
    done(f);
}

static void covers(void **state) {
    (void)state;
#define COVERS(g, r) aw__glob_covers_topic_pattern(g, strlen(g), r, strlen(r))
    assert_true(COVERS("*", "a"));
    assert_true(COVERS("*", ">"));
    assert_true(COVERS(">", "a.*.>"));
    assert_true(COVERS("a.>", "a.*.>"));
    assert_true(COVERS("a*", "a.>"));
    assert_false(COVERS("a.>", "a"));
    assert_true(COVERS("*.b", "*.b"));
    assert_false(COVERS("*.b", "*.>"));
    assert_false(COVERS("?", "*"));   /* '*' may stand for a longer token */
    assert_false(COVERS("a.?*", "a.*")); /* sound but not complete (glob.h) */
    assert_true(COVERS("x*", "x*y")); /* "x*y" is one literal token here */
    assert_false(COVERS("a.b", "a.b.c"));
    assert_false(COVERS("a.b.c", "a.b"));
    assert_true(aw__glob_match_topic("a.>", 3, "a.b.c", 5));
    assert_false(aw__glob_match_topic("a>", 2, "ab", 2)); /* '>' only as a token */
#undef COVERS
}

static void hostile_bytes(void **state) {
    (void)state;
    fixture f = build("send = [\"a*\"]\npublish = [\"x.*\"]\nsubscribe = [\"x.>\"]");
    /* Embedded NUL: the whole length counts, not the C string. */
    assert_false(aw__capset_allows(f.set, AW__CAP_SEND, "b\0a", 3));
    assert_true(aw__capset_allows(f.set, AW__CAP_SEND, "a\0b", 3));
    assert_false(aw__capset_allows(f.set, AW__CAP_PUBLISH, "x.\0", 3));
    assert_false(aw__capset_allows(f.set, AW__CAP_PUBLISH, "x.\xff", 3));
    assert_false(aw__capset_allows(f.set, AW__CAP_SUBSCRIBE, "x.\x80>", 4));
    assert_false(aw__capset_allows(f.set, AW__CAP_SEND, "", 0));
    char big[4096];
    memset(big, 'a', sizeof big);
    assert_true(aw__capset_allows(f.set, AW__CAP_SEND, big, sizeof big));
    assert_false(aw__capset_allows(f.set, AW__CAP_PUBLISH, big, sizeof big));
    assert_false(aw__capset_allows(f.set, (aw__cap_kind)99, "a", 1));
    assert_false(aw__capset_allows(NULL, AW__CAP_SEND, "a", 1));
    done(f);
}

static void names(void **state) {
    (void)state;
    assert_string_equal(aw__cap_kind_name(AW__CAP_SEND), "send");
    assert_string_equal(aw__cap_kind_name(AW__CAP_RECEIVE_FROM), "receive-from");
    assert_string_equal(aw__cap_kind_name(AW__CAP_PUBLISH), "publish");
    assert_string_equal(aw__cap_kind_name(AW__CAP_SUBSCRIBE), "subscribe");
}

/* Every allocation failure leaves nothing behind. */
static void out_of_memory(void **state) {
    (void)state;
    aw__manifest *m = parse("send = [\"a\"]");
    aw__capset *set = (aw__capset *)1;
    for (size_t n = 1;; n++) {
        aw_test_allocator_fail_at(n);
        aw_status s = aw__capset_create(m, &set);
        aw_test_allocator_fail_at(0);
        if (s == AW_OK) break;
        assert_int_equal(s, AW_NO_MEMORY);
        assert_null(set);
    }
    assert_true(aw__capset_allows(set, AW__CAP_SEND, "a", 1));
    aw__capset_free(set);
    aw__manifest_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deny_by_default), cmocka_unit_test(component_ids),
        cmocka_unit_test(grant_all),       cmocka_unit_test(topics),
        cmocka_unit_test(covers),          cmocka_unit_test(hostile_bytes),
        cmocka_unit_test(names),           cmocka_unit_test(out_of_memory),
    };
    return AW_TEST_RUN(tests);
}
