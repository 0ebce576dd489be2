/* aw__glob_match: '*', '?', anchoring, literals, and a brute-force check
 * against a recursive reference on every short pattern and text. */
#include "test_support.h"

#include "policy/glob.h"

#include <string.h>

static bool match(const char *p, const char *t) {
    return aw__glob_match(p, strlen(p), t, strlen(t));
}

static void literals(void **state) {
    (void)state;
    assert_true(match("billing", "billing"));
    assert_false(match("billing", "billin"));
    assert_false(match("billing", "billings"));
    assert_false(match("billing", "Billing")); /* case-sensitive */
    assert_true(match("", ""));
    assert_false(match("", "a"));
    assert_false(match("a", ""));
}

static void stars(void **state) {
    (void)state;
    assert_true(match("*", ""));
    assert_true(match("*", "anything-at-all"));
    assert_true(match("audit-*", "audit-"));
    assert_true(match("audit-*", "audit-log"));
    assert_false(match("audit-*", "audit"));
    assert_false(match("audit-*", "xaudit-log"));
    assert_true(match("*-log", "audit-log"));
    assert_false(match("*-log", "audit-logs"));
    assert_true(match("a*b*c", "abc"));
    assert_true(match("a*b*c", "aXbYbZc"));
    assert_false(match("a*b*c", "aXbYbZ"));
    assert_true(match("**", "x"));
    assert_true(match("*a*a*a*", "banana-a"));
    assert_false(match("*a*a*a*a*", "banana"));
}

static void question_marks(void **state) {
    (void)state;
    assert_true(match("worker-?", "worker-1"));
    assert_false(match("worker-?", "worker-"));
    assert_false(match("worker-?", "worker-12"));
    assert_true(match("worker-??", "worker-12"));
    assert_true(match("?*", "x"));
    assert_false(match("?*", ""));
    assert_true(match("*?", "xy"));
}

static void not_nul_terminated(void **state) {
    (void)state;
    /* Lengths bound the scan: bytes past them are never read as text. */
    const char text[] = {'a', 'b', 'c', 'X'};
    assert_true(aw__glob_match("abc", 3, text, 3));
    assert_false(aw__glob_match("abc", 3, text, 4));
    assert_true(aw__glob_match("a*Q", 2, text, 4)); /* pattern "a*" */
}

static void literal_test(void **state) {
    (void)state;
    assert_true(aw__glob_is_literal("billing", 7));
    assert_true(aw__glob_is_literal("", 0));
    assert_false(aw__glob_is_literal("bill*", 5));
    assert_false(aw__glob_is_literal("bill?ng", 7));
}

/* The reference: the definition, written recursively. */
static bool reference(const char *p, size_t pl, const char *t, size_t tl) {
    if (pl == 0) return tl == 0;
    if (p[0] == '*') {
        for (size_t skip = 0; skip <= tl; skip++)
            if (reference(p + 1, pl - 1, t + skip, tl - skip)) return true;
        return false;
    }
    if (tl == 0) return false;
    if (p[0] != '?' && p[0] != t[0]) return false;
    return reference(p + 1, pl - 1, t + 1, tl - 1);
}

/* Every pattern over {a, b, *, ?} up to 5 long against every text over
 * {a, b} up to 6 long. */
static void agrees_with_reference(void **state) {
    (void)state;
    static const char palphabet[] = "ab*?";
    static const char talphabet[] = "ab";
    char p[8], t[8];
    size_t checked = 0;
    for (size_t pl = 0; pl <= 5; pl++) {
        size_t pcount = 1;
        for (size_t i = 0; i < pl; i++) pcount *= 4;
        for (size_t pi = 0; pi < pcount; pi++) {
            for (size_t i = 0, v = pi; i < pl; i++, v /= 4) p[i] = palphabet[v % 4];
            for (size_t tl = 0; tl <= 6; tl++) {
                for (size_t ti = 0; ti < ((size_t)1 << tl); ti++) {
                    for (size_t i = 0; i < tl; i++) t[i] = talphabet[(ti >> i) & 1];
                    bool want = reference(p, pl, t, tl);
                    bool got = aw__glob_match(p, pl, t, tl);
                    if (want != got)
                        fail_msg("'%.*s' vs '%.*s': want %d got %d", (int)pl, p, (int)tl, t, want,
                                 got);
                    checked++;
                }
            }
        }
    }
    assert_true(checked > 100000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literals),
        cmocka_unit_test(stars),
        cmocka_unit_test(question_marks),
        cmocka_unit_test(not_nul_terminated),
        cmocka_unit_test(literal_test),
        cmocka_unit_test(agrees_with_reference),
    };
    return AW_TEST_RUN(tests);
}
