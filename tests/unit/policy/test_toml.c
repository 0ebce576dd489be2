/* aw__toml: values of every type, tables and their redefinition rules,
 * positions, malformed input with line:column messages, allocation failure. */
#include "test_support.h"

#include "policy/toml.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static aw__toml_value *parse_ok(const char *text) {
    aw__toml_value *root = NULL;
    aw_error err;
    aw_error_clear(&err);
    aw_status s = aw__toml_parse(text, strlen(text), &root, &err);
    if (s != AW_OK)
        fail_msg("parse failed at %u:%u: %s\n--\n%s", err.line, err.column, err.message, text);
    assert_non_null(root);
    return root;
}

/* Follows a path of table keys separated by '/' (so keys may hold dots). */
static const aw__toml_value *at(const aw__toml_value *root, const char *path) {
    const aw__toml_value *v = root;
    for (const char *part = path;;) {
        const char *slash = strchr(part, '/');
        size_t len = slash ? (size_t)(slash - part) : strlen(part);
        const aw__toml_entry *e = aw__toml_get_entry(v, part, len);
        if (!e) fail_msg("no key '%.*s' in path %s", (int)len, part, path);
        v = e->value;
        if (!slash) return v;
        part = slash + 1;
    }
}

static void check_string(const aw__toml_value *root, const char *path, const char *want) {
    const char *got;
    size_t len;
    assert_true(aw__toml_string(at(root, path), &got, &len));
    assert_int_equal(len, strlen(want));
    assert_string_equal(got, want);
}

static int64_t int_at(const aw__toml_value *root, const char *path) {
    int64_t v = 0;
    assert_true(aw__toml_integer(at(root, path), &v));
    return v;
}

static double float_at(const aw__toml_value *root, const char *path) {
    const aw__toml_value *v = at(root, path);
    assert_int_equal(v->type, AW__TOML_FLOAT);
    return v->as.floating;
}

static void strings(void **state) {
    (void)state;
    aw__toml_value *root =
        parse_ok("basic = \"tab\\there \\\"q\\\" back\\\\slash \\u00E9 \\U0001F600\"\n"
                 "literal = 'C:\\Users\\nodejs'\n"
                 "empty = \"\"\n"
                 "ml = \"\"\"\nline one\n  line two\"\"\"\n"
                 "ml_trim = \"\"\"\\\n   The quick \\\n\n   brown.\"\"\"\n"
                 "ml_quotes = \"\"\"say \"\"hi\"\"\"\"\"\n"
                 "ml_lit = '''\nraw \\n ''stuff'''''\n"
                 "crlf = \"\"\"a\r\nb\"\"\"\r\n"
                 "escapes = \"\\b\\f\\n\\r\"\n");
    check_string(root, "basic", "tab\there \"q\" back\\slash \xC3\xA9 \xF0\x9F\x98\x80");
    check_string(root, "literal", "C:\\Users\\nodejs");
    check_string(root, "empty", "");
    check_string(root, "ml", "line one\n  line two");
    check_string(root, "ml_trim", "The quick brown.");
    check_string(root, "ml_quotes", "say \"\"hi\"\"");
    check_string(root, "ml_lit", "raw \\n ''stuff''");
    check_string(root, "crlf", "a\nb");
    check_string(root, "escapes", "\b\f\n\r");
    aw__toml_free(root);
}

static void nul_in_strings_and_keys(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("\"a\\u0000b\" = \"x\\u0000y\"\n");
    const aw__toml_entry *e = aw__toml_entry_at(root, 0);
    assert_int_equal(e->key_len, 3);
    assert_memory_equal(e->key, "a\0b", 3);
    assert_int_equal(e->value->as.string.len, 3);
    assert_memory_equal(e->value->as.string.bytes, "x\0y", 4);
    assert_non_null(aw__toml_get_entry(root, "a\0b", 3));
    assert_null(aw__toml_get(root, "a"));
    aw__toml_free(root);
}

static void integers(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("a = 42\nb = +17\nc = -0\nd = 1_000_000\n"
                                    "e = 0xDEAD_beef\nf = 0o755\ng = 0b1101_0110\n"
                                    "max = 9223372036854775807\nmin = -9223372036854775808\n"
                                    "hexmax = 0x7FFFFFFFFFFFFFFF\n");
    assert_int_equal(int_at(root, "a"), 42);
    assert_int_equal(int_at(root, "b"), 17);
    assert_int_equal(int_at(root, "c"), 0);
    assert_int_equal(int_at(root, "d"), 1000000);
    assert_int_equal(int_at(root, "e"), 0xDEADBEEF);
    assert_int_equal(int_at(root, "f"), 0755);
    assert_int_equal(int_at(root, "g"), 0xD6);
    assert_true(int_at(root, "max") == INT64_MAX);
    assert_true(int_at(root, "min") == INT64_MIN);
    assert_true(int_at(root, "hexmax") == INT64_MAX);
    aw__toml_free(root);
}

static void floats(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("a = 3.1415\nb = -0.01\nc = 5e+22\nd = 1e06\ne = -2E-2\n"
                                    "f = 6.626e-34\ng = 224_617.445_991\nh = inf\ni = -inf\n"
                                    "j = nan\nk = +nan\nl = -0.0\nm = 0e0\n");
    assert_true(float_at(root, "a") == 3.1415);
    assert_true(float_at(root, "b") == -0.01);
    assert_true(float_at(root, "c") == 5e22);
    assert_true(float_at(root, "d") == 1e6);
    assert_true(float_at(root, "e") == -2e-2);
    assert_true(float_at(root, "f") == 6.626e-34);
    assert_true(float_at(root, "g") == 224617.445991);
    assert_true(isinf(float_at(root, "h")) && float_at(root, "h") > 0);
    assert_true(isinf(float_at(root, "i")) && float_at(root, "i") < 0);
    assert_true(isnan(float_at(root, "j")));
    assert_true(isnan(float_at(root, "k")));
    assert_true(float_at(root, "l") == 0.0 && signbit(float_at(root, "l")));
    assert_true(float_at(root, "m") == 0.0);
    double widened;
    assert_true(aw__toml_float(aw__toml_get(root, "a"), &widened));
    aw__toml_free(root);
}

static void booleans_and_datetimes(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("t = true\nf = false\n"
                                    "odt = 1979-05-27T07:32:00Z\n"
                                    "odt2 = 1979-05-27 00:32:00.999999-07:00\n"
                                    "ldt = 1979-05-27t07:32:00.5\n"
                                    "ld = 2000-02-29 # a comment after a date\n"
                                    "lt = 23:59:60.123456789123\n");
    bool b;
    assert_true(aw__toml_bool(aw__toml_get(root, "t"), &b) && b);
    assert_true(aw__toml_bool(aw__toml_get(root, "f"), &b) && !b);
    struct {
        const char *key;
        aw__toml_type type;
        const char *text;
    } cases[] = {
        {"odt", AW__TOML_DATETIME, "1979-05-27T07:32:00Z"},
        {"odt2", AW__TOML_DATETIME, "1979-05-27T00:32:00.999999-07:00"},
        {"ldt", AW__TOML_DATETIME_LOCAL, "1979-05-27T07:32:00.5"},
        {"ld", AW__TOML_DATE_LOCAL, "2000-02-29"},
        {"lt", AW__TOML_TIME_LOCAL, "23:59:60.123456789"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const aw__toml_value *v = aw__toml_get(root, cases[i].key);
        assert_non_null(v);
        assert_int_equal(v->type, cases[i].type);
        char text[64];
        aw__toml_datetime_format(v, text, sizeof text);
        assert_string_equal(text, cases[i].text);
    }
    aw__toml_datetime d;
    assert_true(aw__toml_datetime_of(aw__toml_get(root, "odt2"), &d));
    assert_int_equal(d.offset_minutes, -7 * 60);
    assert_int_equal(d.nanosecond, 999999000);
    assert_false(aw__toml_datetime_of(aw__toml_get(root, "t"), &d));
    aw__toml_free(root);
}

static void arrays_and_inline_tables(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("mixed = [1, 'two', 3.0, [4, [5]], {six = 6}, ]\n"
                                    "multi = [\n  1, # one\n  2,\n\n  # a comment line\n  3\n]\n"
                                    "point = { x = 1, y.z = 2, 'q k' = \"v\" }\n"
                                    "empty = {}\nnone = []\n");
    const aw__toml_value *mixed = aw__toml_get(root, "mixed");
    assert_int_equal(aw__toml_len(mixed), 5);
    assert_int_equal(aw__toml_at(mixed, 1)->type, AW__TOML_STRING);
    assert_int_equal(aw__toml_len(aw__toml_at(mixed, 3)), 2);
    assert_int_equal(aw__toml_get(aw__toml_at(mixed, 4), "six")->as.integer, 6);
    assert_null(aw__toml_at(mixed, 5));
    assert_int_equal(aw__toml_len(aw__toml_get(root, "multi")), 3);
    assert_int_equal(int_at(root, "point/y/z"), 2);
    check_string(root, "point/q k", "v");
    assert_int_equal(aw__toml_get(root, "empty")->type, AW__TOML_TABLE);
    assert_int_equal(aw__toml_len(aw__toml_get(root, "empty")), 0);
    assert_int_equal(aw__toml_len(aw__toml_get(root, "none")), 0);
    aw__toml_free(root);
}

static void tables_and_keys(void **state) {
    (void)state;
    aw__toml_value *root =
        parse_ok("top = 1\n"
                 "[a.b.c]\nx = 1\n"
                 "[a]\ny = 2\nb.z = 3\n" /* b was only implied by [a.b.c] */
                 "[ \"quoted.key\" . 'lit' ]\nq = 4\n"
                 "[fruit]\napple.color = 'red'\n"
                 "[fruit.apple.texture]\nsmooth = true\n" /* sub-table of a dotted table */
                 "[[products]]\nname = 'Hammer'\n"
                 "[[products]]\n"
                 "[[products]]\nname = 'Nail'\n[products.dims]\nlen = 5\n"
                 "[[products.parts]]\nid = 1\n"
                 "[\"\"]\nempty-key = true\n"
                 "[x]\n1234 = 'numeric key'\n3.14 = 'dotted numeric'\n");
    assert_int_equal(int_at(root, "a/b/c/x"), 1);
    assert_int_equal(int_at(root, "a/y"), 2);
    assert_int_equal(int_at(root, "a/b/z"), 3);
    assert_int_equal(int_at(root, "quoted.key/lit/q"), 4);
    check_string(root, "fruit/apple/color", "red");
    const aw__toml_value *products = aw__toml_get(root, "products");
    assert_int_equal(products->type, AW__TOML_ARRAY);
    assert_int_equal(aw__toml_len(products), 3);
    assert_int_equal(aw__toml_len(aw__toml_at(products, 1)), 0);
    const aw__toml_value *nail = aw__toml_at(products, 2);
    assert_int_equal(aw__toml_get(aw__toml_get(nail, "dims"), "len")->as.integer, 5);
    assert_int_equal(aw__toml_len(aw__toml_get(nail, "parts")), 1);
    assert_non_null(aw__toml_get(aw__toml_get(root, ""), "empty-key"));
    check_string(root, "x/1234", "numeric key");
    check_string(root, "x/3/14", "dotted numeric");
    /* Keys stay in file order. */
    assert_string_equal(aw__toml_entry_at(root, 0)->key, "top");
    assert_string_equal(aw__toml_entry_at(root, 1)->key, "a");
    aw__toml_free(root);
}

static void positions(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("# header comment\n"
                                    "name = \"x\"\n"
                                    "[limits]\n"
                                    "  pages = 32   # trailing\n"
                                    "\"\xC3\xA9t\xC3\xA9\" = [1,\n   22]\n");
    const aw__toml_entry *name = aw__toml_get_entry(root, "name", 4);
    assert_int_equal(name->line, 2);
    assert_int_equal(name->column, 1);
    assert_int_equal(name->value->line, 2);
    assert_int_equal(name->value->column, 8);
    const aw__toml_value *limits = aw__toml_get(root, "limits");
    assert_int_equal(limits->line, 3);
    assert_int_equal(limits->column, 1);
    const aw__toml_entry *pages = aw__toml_get_entry(limits, "pages", 5);
    assert_int_equal(pages->line, 4);
    assert_int_equal(pages->column, 3);
    assert_int_equal(pages->value->column, 11);
    const aw__toml_value *arr = aw__toml_get(limits, "\xC3\xA9t\xC3\xA9");
    assert_non_null(arr);
    assert_int_equal(arr->column, 9); /* columns count characters, not bytes */
    assert_int_equal(aw__toml_at(arr, 1)->line, 6);
    assert_int_equal(aw__toml_at(arr, 1)->column, 4);
    aw__toml_free(root);
}

static void bom_and_empty(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("\xEF\xBB\xBF"
                                    "a = 1\n");
    assert_int_equal(int_at(root, "a"), 1);
    assert_int_equal(aw__toml_get_entry(root, "a", 1)->column, 1);
    aw__toml_free(root);
    root = parse_ok("");
    assert_int_equal(aw__toml_len(root), 0);
    aw__toml_free(root);
    root = parse_ok("  \n\t# only a comment");
    assert_int_equal(aw__toml_len(root), 0);
    aw__toml_free(root);
}

typedef struct bad_case {
    const char *text;
    uint32_t line, column;
    const char *message; /* a substring the message must contain */
} bad_case;

static void malformed(void **state) {
    (void)state;
    static const bad_case cases[] = {
        /* strings */
        {"a = \"open\n", 1, 5, "unterminated string"},
        {"a = 'open", 1, 5, "unterminated string"},
        {"a = \"\"\"open\n", 1, 5, "unterminated multi-line string"},
        {"a = \"bad \\q\"", 1, 10, "invalid escape sequence"},
        {"a = \"\\u12\"", 1, 6, "\\u escape needs 4 hex digits"},
        {"a = \"\\uD800\"", 1, 6, "not a Unicode scalar value"},
        {"a = \"\\U00110000\"", 1, 6, "not a Unicode scalar value"},
        {"a = \"\"\"x\"\"\"\"\"\"", 1, 9, "too many quotes"},
        {"a = \"tab\x01\"", 1, 9, "control character U+0001"},
        {"a = 'x' \"y\"", 1, 9, "expected the end of the line"},
        {"\"\"\"k\"\"\" = 1", 1, 1, "multi-line string cannot be used as a key"},
        /* numbers */
        {"a = 0123", 1, 5, "leading zeros"},
        {"a = 1__2", 1, 6, "underscore"},
        {"a = 1_", 1, 6, "underscore"},
        {"a = _1", 1, 5, "expected a value"},
        {"a = 9223372036854775808", 1, 5, "does not fit in 64 bits"},
        {"a = -9223372036854775809", 1, 5, "does not fit in 64 bits"},
        {"a = 0x8000000000000000", 1, 5, "does not fit in 64 bits"},
        {"a = +0x10", 1, 5, "takes no sign"},
        {"a = 0xG", 1, 7, "expected a digit"},
        {"a = 1.", 1, 7, "fraction"},
        {"a = .5", 1, 5, "expected a value"},
        {"a = 1e", 1, 7, "exponent"},
        {"a = 1.2.3", 1, 8, "invalid character '.'"},
        {"a = infinity", 1, 8, "invalid character 'i'"},
        {"a = 12abc", 1, 7, "invalid character 'a'"},
        /* booleans and dates */
        {"a = True", 1, 5, "expected a value"},
        {"a = truex", 1, 9, "invalid character 'x' after true"},
        {"a = 2021-02-29", 1, 5, "day 29 does not exist"},
        {"a = 2021-13-01", 1, 5, "month 13"},
        {"a = 24:00:00", 1, 5, "hour 24"},
        {"a = 12:00", 1, 5, "seconds are required"},
        {"a = 2021-01-01T12:00:00+25:00", 1, 24, "offset +25:00"},
        {"a = 2021-01-01T12:00:00.", 1, 25, "digits after the '.'"},
        /* structure */
        {"a = ", 1, 5, "expected a value"},
        {"= 1", 1, 1, "expected a key"},
        {"a b = 1", 1, 3, "expected '=' after the key 'a'"},
        {"a = 1 2", 1, 7, "expected the end of the line"},
        {"a = [1 2]", 1, 8, "expected ',' or ']'"},
        {"a = [1,,2]", 1, 8, "expected a value"},
        {"a = {x = 1,}", 1, 11, "trailing comma"},
        {"a = {x = 1\n}", 1, 11, "must fit on one line"},
        {"[a", 1, 3, "expected ']'"},
        {"[[a]", 1, 4, "expected ']]'"},
        {"[a]]", 1, 4, "expected the end of the line"},
        {"[]", 1, 2, "expected a key"},
        {"[a.]", 1, 4, "expected a key"},
        /* redefinitions */
        {"a = 1\na = 2", 2, 1, "key 'a' is defined twice (first at line 1)"},
        {"[a]\n[a]", 2, 1, "table [a] is defined twice"},
        {"[a]\nb = 1\n[a.b]", 3, 1, "already an integer"},
        {"a.b = 1\n[a]", 2, 1, "by dotted keys"},
        {"[a.b]\n[a]\nb.c = 1", 3, 1, "defined by a [header] at line 1"},
        {"a = {b = 1}\na.c = 2", 2, 1, "inline table 'a' cannot be extended"},
        {"a = {b = 1}\n[a.c]", 2, 2, "inline table 'a' cannot be extended"},
        {"a = {b = {c = 1}, b.d = 2}", 1, 19, "inline table 'b' cannot be extended"},
        {"a = [1]\n[[a]]", 2, 3, "already an array"},
        {"[[a]]\n[a]", 2, 1, "already an array"},
        {"[a]\n[[a]]", 2, 3, "already a table"},
        {"a = [{}]\n[a.b]", 2, 2, "already an array, not a table"},
        {"[[a]]\nb.c = 1\n[a.b]", 3, 1, "by dotted keys"},
        {"a = 'x'\n[a.b]", 2, 2, "already a string"},
        {"\"a.b\" = 1\na.b = 2\na.b = 3", 3, 3, "key 'a.b' is defined twice (first at line 2)"},
        /* encoding */
        {"a = \"\xC3\"", 1, 6, "invalid UTF-8"},
        {"a = \"\xC0\xAF\"", 1, 6, "invalid UTF-8"},
        {"a = \"\xED\xA0\x80\"", 1, 6, "invalid UTF-8"},
        {"a = 1\rb = 2", 1, 6, "carriage return"},
        {"# del \x7F", 1, 7, "U+007F"},
        {"\xEF\xBB\xBF\xEF\xBB\xBF"
         "a = 1",
         1, 1, "expected a key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case *c = &cases[i];
        aw__toml_value *root = (aw__toml_value *)1;
        aw_error err;
        aw_status s = aw__toml_parse(c->text, strlen(c->text), &root, &err);
        if (s != AW_PARSE_ERROR || root != NULL || err.line != c->line || err.column != c->column ||
            !strstr(err.message, c->message))
            fail_msg("case %zu: %s\n  want %u:%u '%s'\n  got  %s %u:%u '%s'", i, c->text, c->line,
                     c->column, c->message, aw_status_name(s), err.line, err.column, err.message);
    }
}

static void nesting_limit(void **state) {
    (void)state;
    char deep[1024];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "a = ");
    for (int i = 0; i < AW__TOML_MAX_DEPTH + 5; i++) deep[n++] = '[';
    deep[n] = '\0';
    aw__toml_value *root;
    aw_error err;
    assert_int_equal(aw__toml_parse(deep, n, &root, &err), AW_PARSE_ERROR);
    assert_non_null(strstr(err.message, "nested deeper"));
    /* Just inside the limit is fine. */
    n = (size_t)snprintf(deep, sizeof deep, "a = ");
    for (int i = 0; i < 100; i++) deep[n++] = '[';
    for (int i = 0; i < 100; i++) deep[n++] = ']';
    deep[n] = '\0';
    aw_status s = aw__toml_parse(deep, n, &root, &err);
    assert_int_equal(s, AW_OK);
    aw__toml_free(root);
    /* Long dotted keys count too. */
    n = 0;
    for (int i = 0; i < AW__TOML_MAX_DEPTH + 1; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "k.");
    n += (size_t)snprintf(deep + n, sizeof deep - n, "z = 1");
    assert_int_equal(aw__toml_parse(deep, n, &root, &err), AW_PARSE_ERROR);
}

static void type_mismatch_getters(void **state) {
    (void)state;
    aw__toml_value *root = parse_ok("s = 'x'\ni = 1\n");
    int64_t iv;
    const char *sv;
    bool bv;
    assert_false(aw__toml_integer(aw__toml_get(root, "s"), &iv));
    assert_false(aw__toml_string(aw__toml_get(root, "i"), &sv, NULL));
    assert_false(aw__toml_bool(aw__toml_get(root, "missing"), &bv));
    assert_null(aw__toml_get(aw__toml_get(root, "i"), "x"));
    assert_int_equal(aw__toml_len(aw__toml_get(root, "i")), 0);
    assert_string_equal(aw__toml_type_name(AW__TOML_DATETIME), "offset date-time");
    aw__toml_free(root);
    aw__toml_free(NULL);
}

/* Past 16 keys a table is indexed: lookups, duplicate detection and file
 * order must stay exactly as for small tables. */
static void large_tables(void **state) {
    (void)state;
    enum { KEYS = 3000 };
    static char text[KEYS * 24 + 64];
    size_t n = 0;
    for (int i = 0; i < KEYS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "k%d = %d\n", i, i);
    aw__toml_value *root = parse_ok(text);
    assert_int_equal(aw__toml_len(root), KEYS);
    for (int i = 0; i < KEYS; i += 7) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        const aw__toml_entry *e = aw__toml_get_entry(root, key, strlen(key));
        assert_non_null(e);
        assert_int_equal(e->value->as.integer, i);
        assert_int_equal(e->line, (uint32_t)i + 1);
        assert_string_equal(aw__toml_entry_at(root, (size_t)i)->key, key);
    }
    assert_null(aw__toml_get(root, "k3000"));
    aw__toml_free(root);
    n += (size_t)snprintf(text + n, sizeof text - n, "k1234 = 0\n");
    aw_error err;
    assert_int_equal(aw__toml_parse(text, n, &root, &err), AW_PARSE_ERROR);
    assert_int_equal(err.line, KEYS + 1);
    assert_non_null(strstr(err.message, "key 'k1234' is defined twice (first at line 1235)"));
    /* Positions stay right after dotted keys and headers (which create
     * tables at places already passed). */
    root = parse_ok("a.b.c = 1\nx = 2\n[t.u]\ny = 3\n[[v.w]]\nz = 4\n");
    assert_int_equal(aw__toml_get_entry(root, "x", 1)->line, 2);
    assert_int_equal(aw__toml_get(aw__toml_get(root, "a"), "b")->column, 3);
    const aw__toml_value *t = aw__toml_get(root, "t");
    assert_int_equal(t->line, 3);
    assert_int_equal(t->column, 2);
    assert_int_equal(aw__toml_get(t, "u")->line, 3);
    assert_int_equal(aw__toml_get(t, "u")->column, 1);
    assert_int_equal(aw__toml_get_entry(aw__toml_get(t, "u"), "y", 1)->line, 4);
    const aw__toml_value *w = aw__toml_get(aw__toml_get(root, "v"), "w");
    assert_int_equal(w->line, 5);
    assert_int_equal(aw__toml_get_entry(aw__toml_at(w, 0), "z", 1)->line, 6);
    aw__toml_free(root);
}

/* Fails every allocation in turn: each must give AW_NO_MEMORY and leak nothing. */
static void allocation_failures(void **state) {
    (void)state;
    const char *text = "title = \"x\"\n[a.b]\nc = [1, {d = 'e'}]\n[[f]]\ng.h = 2021-01-01\n"
                       "[[f]]\ni = \"\"\"long\nstring\"\"\"\n"
                       "[big]\na=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\nh=8\ni=9\nj=10\nk=11\nl=12\n"
                       "m=13\nn=14\no=15\np=16\nq=17\nr=18\n";
    for (uint64_t nth = 1;; nth++) {
        aw_test_allocator_fail_at(nth);
        aw__toml_value *root;
        aw_error err;
        aw_status s = aw__toml_parse(text, strlen(text), &root, &err);
        aw_test_allocator_fail_at(0);
        if (s == AW_OK) {
            aw__toml_free(root);
            assert_true(nth > 10);
            break;
        }
        assert_int_equal(s, AW_NO_MEMORY);
        assert_null(root);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings),
        cmocka_unit_test(nul_in_strings_and_keys),
        cmocka_unit_test(integers),
        cmocka_unit_test(floats),
        cmocka_unit_test(booleans_and_datetimes),
        cmocka_unit_test(arrays_and_inline_tables),
        cmocka_unit_test(tables_and_keys),
        cmocka_unit_test(positions),
        cmocka_unit_test(bom_and_empty),
        cmocka_unit_test(malformed),
        cmocka_unit_test(nesting_limit),
        cmocka_unit_test(type_mismatch_getters),
        cmocka_unit_test(large_tables),
        cmocka_unit_test(allocation_failures),
    };
    return AW_TEST_RUN(tests);
}
