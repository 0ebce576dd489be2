/* aw__manifest: Component.toml files on disk, defaults, sizes, and every kind
 * of error naming file:line and key. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include "policy/manifest.h"

#include "policy_files.h"

static const char full_manifest[] =
    "# billing service\n"
    "[component]\n"
    "name = \"billing\"\n"
    "module = \"billing.wasm\"\n"
    "accepts = [\"cbor\", \"json\"]\n"
    "version = \"1.2.0\"\n"
    "check-payloads = true\n"
    "\n"
    "[capabilities]\n"
    "send = [\"ledger\", \"audit-*\"]\n"
    "receive-from = [\"*\"]\n"
    "publish = [\"billing.events.*\"]\n"
    "subscribe = [\"orders.>\"]\n"
    "\n"
    "[limits]\n"
    "memory-pages = 32\n"
    "fuel-per-message = 10_000_000\n"
    "timeout-ms = 100\n"
    "mailbox = 1000\n"
    "max-payload = \"1 MiB\"\n"
    "\n"
    "[rate-limit]\n"
    "messages-per-second = 5000\n"
    "burst = 200\n"
    "\n"
    "[wasi]\n"
    "env = { LOG_LEVEL = \"info\", MODE = \"test\" }\n"
    "args = [\"billing\", \"--fast\"]\n"
    "preopens = { \"/data\" = \"./data\", \"/out\" = \"rw:/var/out\" }\n";

static void full_file(void **state) {
    (void)state;
    policy_dir d;
    policy_dir_open(&d);
    const char *path = policy_dir_write(&d, "billing/Component.toml", full_manifest);
    aw__manifest *m = NULL;
    aw_error err;
    aw_status s = aw__manifest_load(path, &m, &err);
    if (s != AW_OK) fail_msg("%s", err.message);
    char want[400];
    assert_string_equal(m->path, path);
    assert_string_equal(m->name, "billing");
    snprintf(want, sizeof want, "%s/billing/billing.wasm", d.root);
    assert_string_equal(m->module, want);
    assert_string_equal(m->version, "1.2.0");
    assert_int_equal(m->accepts, aw__codec_set_with(aw__codec_set_with(0, AW__CODEC_CBOR), AW__CODEC_JSON));
    assert_true(m->check_payloads);
    assert_int_equal(m->send.len, 2);
    assert_string_equal(m->send.items[1], "audit-*");
    assert_int_equal(m->receive_from.len, 1);
    assert_string_equal(m->publish.items[0], "billing.events.*");
    assert_string_equal(m->subscribe.items[0], "orders.>");
    assert_int_equal(m->limits.memory_pages, 32);
    assert_int_equal(m->limits.fuel_per_message, 10000000);
    assert_int_equal(m->limits.timeout_ms, 100);
    assert_int_equal(m->limits.mailbox, 1000);
    assert_int_equal(m->limits.max_payload, 1 << 20);
    assert_true(m->rate_limited);
    assert_int_equal(m->messages_per_second, 5000);
    assert_int_equal(m->burst, 200);
    assert_int_equal(m->env_len, 2);
    assert_string_equal(m->env[0].name, "LOG_LEVEL");
    assert_string_equal(m->env[0].value, "info");
    assert_int_equal(m->args.len, 2);
    assert_string_equal(m->args.items[1], "--fast");
    assert_int_equal(m->preopens_len, 2);
    assert_string_equal(m->preopens[0].guest_path, "/data");
    snprintf(want, sizeof want, "%s/billing/data", d.root);
    assert_string_equal(m->preopens[0].host_path, want);
    assert_false(m->preopens[0].writable);
    assert_string_equal(m->preopens[1].host_path, "/var/out");
    assert_true(m->preopens[1].writable);
    aw__manifest_free(m);
    policy_dir_close(&d);
}

static void defaults(void **state) {
    (void)state;
    const char *text = "[component]\nname = \"svc\"\nmodule = \"/abs/svc.wasm\"\n";
    aw__manifest *m = NULL;
    aw_error err;
    assert_int_equal(aw__manifest_parse("dir/Component.toml", text, strlen(text), &m, &err), AW_OK);
    assert_string_equal(m->module, "/abs/svc.wasm");
    assert_null(m->version);
    assert_int_equal(m->accepts, aw__codec_set_with(0, AW__CODEC_RAW));
    assert_false(m->check_payloads);
    assert_int_equal(m->limits.memory_pages, AW__MANIFEST_DEFAULT_MEMORY_PAGES);
    assert_int_equal(m->limits.fuel_per_message, AW__MANIFEST_DEFAULT_FUEL);
    assert_int_equal(m->limits.timeout_ms, AW__MANIFEST_DEFAULT_TIMEOUT_MS);
    assert_int_equal(m->limits.mailbox, AW__MANIFEST_DEFAULT_MAILBOX);
    assert_int_equal(m->limits.max_payload, AW__MANIFEST_DEFAULT_MAX_PAYLOAD);
    assert_int_equal(m->send.len + m->receive_from.len + m->publish.len + m->subscribe.len, 0);
    assert_false(m->rate_limited);
    assert_int_equal(m->env_len + m->preopens_len + m->args.len, 0);
    aw__manifest_free(m);
    /* Burst defaults to the rate; an empty accepts list accepts nothing;
     * a manifest without a directory keeps the module path as written. */
    text = "[component]\nname = \"a\"\nmodule = \"a.wasm\"\naccepts = []\n"
           "[rate-limit]\nmessages-per-second = 10\n";
    assert_int_equal(aw__manifest_parse("Component.toml", text, strlen(text), &m, &err), AW_OK);
    assert_string_equal(m->module, "a.wasm");
    assert_int_equal(m->accepts, 0);
    assert_int_equal(m->burst, 10);
    aw__manifest_free(m);
}

static void payload_sizes(void **state) {
    (void)state;
    static const struct {
        const char *value;
        uint64_t bytes;
    } ok[] = {{"1024", 1024},         {"\"64 KiB\"", 65536},  {"\"64KiB\"", 65536},
              {"\"1 MiB\"", 1 << 20}, {"\"1 GiB\"", 1 << 30}, {"\"512 B\"", 512},
              {"\"100\"", 100}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char text[200];
        snprintf(text, sizeof text,
                 "[component]\nname = \"a\"\nmodule = \"a.wasm\"\n[limits]\n"
                 "max-payload = %s\n",
                 ok[i].value);
        aw__manifest *m = NULL;
        aw_error err;
        aw_status s = aw__manifest_parse("C.toml", text, strlen(text), &m, &err);
        if (s != AW_OK) fail_msg("%s: %s", ok[i].value, err.message);
        assert_int_equal(m->limits.max_payload, ok[i].bytes);
        aw__manifest_free(m);
    }
}

typedef struct bad_manifest {
    const char *text; /* appended after a valid [component] section unless it has its own */
    uint32_t line;
    const char *message; /* expected after "<path>:" */
} bad_manifest;

#define HEAD "[component]\nname = \"billing\"\nmodule = \"billing.wasm\"\n" /* lines 1-3 */

static void errors_name_file_line_and_key(void **state) {
    (void)state;
    static const bad_manifest cases[] = {
        {HEAD "[limits]\nmemory-pages = 32\nfuel-per-message = 1\nmemory-pages = 7\n", 7,
         "7:1: key 'memory-pages' is defined twice"},
        {HEAD "[limits]\nmailbox = 1\ntimeout-ms = 5\nmemory-pages = 70000\n", 7,
         "7: [limits] memory-pages: must be between 1 and 65536 (found 70000)"},
        {HEAD "[limits]\nmemory-pages = 0\n", 5,
         "5: [limits] memory-pages: must be between 1 and 65536"},
        {HEAD "[limits]\nmemory-pages = -3\n", 5,
         "5: [limits] memory-pages: must be between 1 and 65536 (found -3)"},
        {HEAD "[limits]\nmemory-pages = \"32\"\n", 5,
         "5: [limits] memory-pages: must be an integer (found string)"},
        {HEAD "[limits]\nfuel-per-message = 0\n", 5,
         "5: [limits] fuel-per-message: must be between 1 and"},
        {HEAD "[limits]\ntimeout-ms = 0\n", 5,
         "5: [limits] timeout-ms: must be between 1 and 3600000"},
        {HEAD "[limits]\ntimeout-ms = 1.5\n", 5,
         "5: [limits] timeout-ms: must be an integer (found float)"},
        {HEAD "[limits]\nmailbox = 0\n", 5, "5: [limits] mailbox: must be between 1 and 16777216"},
        {HEAD "[limits]\nmax-payload = 0\n", 5,
         "5: [limits] max-payload: must be between 1 and 1073741824 bytes"},
        {HEAD "[limits]\nmax-payload = -1\n", 5, "5: [limits] max-payload: must not be negative"},
        {HEAD "[limits]\nmax-payload = \"2 GiB\"\n", 5,
         "5: [limits] max-payload: must be between 1 and"},
        {HEAD "[limits]\nmax-payload = \"1 XB\"\n", 5,
         "5: [limits] max-payload: '1 XB' is not a size"},
        {HEAD "[limits]\nmax-payload = \"MiB\"\n", 5,
         "5: [limits] max-payload: 'MiB' is not a size"},
        {HEAD "[limits]\nmax-payload = true\n", 5,
         "5: [limits] max-payload: must be a size in bytes"},
        {HEAD "[limits]\nmemory = 1\n", 5,
         "5: [limits]: unknown key 'memory' (known keys: memory-pages,"},
        {"limits = 3\n" HEAD, 1, "1: [limits]: must be a table (found integer)"},
        {HEAD "[limit]\n", 4,
         "4: [limit]: unknown section (known sections: [component], [limits],"},
        {"name = \"x\"\n" HEAD, 1, "1: name: a key outside any section"},
        {"[limits]\nmailbox = 5\n", 0, " [component]: required section is missing"},
        {"[component]\nmodule = \"x.wasm\"\n", 1, "1: [component] name: required key is missing"},
        {"[component]\nname = \"x\"\n", 1, "1: [component] module: required key is missing"},
        {"[component]\nname = \"bad name\"\nmodule = \"x\"\n", 2,
         "2: [component] name: 'bad name' is not a valid component id"},
        {"[component]\nname = \"-x\"\nmodule = \"x\"\n", 2,
         "2: [component] name: '-x' is not a valid"},
        {"[component]\nname = \"\"\nmodule = \"x\"\n", 2, "2: [component] name: must not be empty"},
        {"[component]\nname = 7\nmodule = \"x\"\n", 2,
         "2: [component] name: must be a string (found integer)"},
        {"[component]\nname = \"x\\u0000y\"\nmodule = \"x\"\n", 2,
         "2: [component] name: must not contain a NUL"},
        {HEAD "accepts = [\"json\", \"yaml\"]\n", 4,
         "4: [component] accepts: unknown codec 'yaml'"},
        {HEAD "accepts = [\"json\", \"json\"]\n", 4,
         "4: [component] accepts: codec 'json' is listed twice"},
        {HEAD "accepts = \"json\"\n", 4,
         "4: [component] accepts: must be an array of strings (found string)"},
        {HEAD "accepts = [\"json\", 1]\n", 4,
         "4: [component] accepts: must be a string (found integer)"},
        {HEAD "check-payloads = \"yes\"\n", 4,
         "4: [component] check-payloads: must be true or false"},
        {HEAD "colour = \"red\"\n", 4, "4: [component]: unknown key 'colour'"},
        {HEAD "[capabilities]\nsend = [\"ledger\", \"a b\"]\n", 5,
         "5: [capabilities] send: 'a b' is not a component-id pattern"},
        {HEAD "[capabilities]\nreceive-from = \"*\"\n", 5,
         "5: [capabilities] receive-from: must be an array of strings"},
        {HEAD "[capabilities]\npublish = [\"a..b\"]\n", 5,
         "5: [capabilities] publish: 'a..b' is not a topic pattern"},
        {HEAD "[capabilities]\nsubscribe = [\"a.>.b\"]\n", 5,
         "5: [capabilities] subscribe: 'a.>.b' is not a topic"},
        {HEAD "[capabilities]\ncall = []\n", 5, "5: [capabilities]: unknown key 'call'"},
        {HEAD "[rate-limit]\nburst = 5\n", 4,
         "4: [rate-limit] messages-per-second: required key is missing"},
        {HEAD "[rate-limit]\nmessages-per-second = 0\n", 5,
         "5: [rate-limit] messages-per-second: must be between 1 and 1000000000"},
        {HEAD "[rate-limit]\nmessages-per-second = 5\nburst = 0\n", 6,
         "6: [rate-limit] burst: must be between 1"},
        {HEAD "[wasi]\nenv = { A = 1 }\n", 5, "5: [wasi] env.A: must be a string (found integer)"},
        {HEAD "[wasi]\nenv = { \"A=B\" = \"x\" }\n", 5,
         "5: [wasi] env.A=B: an environment variable name"},
        {HEAD "[wasi]\nenv = [\"A=1\"]\n", 5, "5: [wasi]: must be a table (found array)"},
        {HEAD "[wasi]\nargs = [1]\n", 5, "5: [wasi] args: must be a string (found integer)"},
        {HEAD "[wasi]\npreopens = { \"/d\" = \"rw:\" }\n", 5,
         "5: [wasi] preopens.\"/d\": the host directory must not be empty"},
        {HEAD "[wasi]\npreopens = { \"/d\" = true }\n", 5,
         "5: [wasi] preopens.\"/d\": must be a host directory string"},
        {HEAD "[wasi]\nstdin = true\n", 5, "5: [wasi]: unknown key 'stdin'"},
        {HEAD "[wasi]\npreopens = { \"/d0\" = \"d\", \"/d1\" = \"d\", \"/d2\" = \"d\", \"/d3\" = \"d\", \"/d4\" = \"d\", \"/d5\" = \"d\", \"/d6\" = \"d\", \"/d7\" = \"d\", \"/d8\" = \"d\", \"/d9\" = \"d\", \"/d10\" = \"d\", \"/d11\" = \"d\", \"/d12\" = \"d\", \"/d13\" = \"d\", \"/d14\" = \"d\", \"/d15\" = \"d\", \"/d16\" = \"d\" }\n", 5,
         "5: [wasi] preopens: at most 16 directories (found 17)"},
        {HEAD "[capabilities]\npublish = [\"a.>x\"]\n", 5, "5: [capabilities] publish: 'a.>x' is not a topic"},
        {HEAD "[capabilities]\nsubscribe = [\"a.b/c\"]\n", 5, "5: [capabilities] subscribe: 'a.b/c' is not a topic"},
        /* TOML syntax errors come with line and column. */
        {HEAD "[limits\n", 4, "4:8: expected ']' to close the table header"},
        {HEAD "version = \"1.0\n", 4, "4:11: unterminated string"},
    };
    policy_dir d;
    policy_dir_open(&d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = policy_dir_write(&d, "billing/Component.toml", cases[i].text);
        aw__manifest *m = (aw__manifest *)1;
        aw_error err;
        aw_status s = aw__manifest_load(path, &m, &err);
        char want[400];
        snprintf(want, sizeof want, "%s:%s", path, cases[i].message);
        if (cases[i].line == 0) snprintf(want, sizeof want, "%s:%s", path, cases[i].message);
        if ((s != AW_MALFORMED && s != AW_PARSE_ERROR) || m != NULL ||
            strncmp(err.message, want, strlen(want)) != 0 || err.line != cases[i].line)
            fail_msg("case %zu:\n%s\n  want line %u: %s\n  got  %s line %u: %s", i, cases[i].text,
                     cases[i].line, want, aw_status_name(s), err.line, err.message);
    }
    policy_dir_close(&d);
}

static void missing_file(void **state) {
    (void)state;
    aw__manifest *m = (aw__manifest *)1;
    aw_error err;
    assert_int_equal(aw__manifest_load("/nonexistent/Component.toml", &m, &err), AW_NOT_FOUND);
    assert_null(m);
    assert_non_null(strstr(err.message, "/nonexistent/Component.toml: cannot read"));
}

static void allocation_failures(void **state) {
    (void)state;
    for (uint64_t nth = 1;; nth++) {
        aw_test_allocator_fail_at(nth);
        aw__manifest *m = (aw__manifest *)1;
        aw_error err;
        aw_status s =
            aw__manifest_parse("x/Component.toml", full_manifest, strlen(full_manifest), &m, &err);
        aw_test_allocator_fail_at(0);
        if (s == AW_OK) {
            aw__manifest_free(m);
            break;
        }
        if (s != AW_NO_MEMORY)
            fail_msg("allocation %llu: %s", (unsigned long long)nth, err.message);
        assert_null(m);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_file),           cmocka_unit_test(defaults),
        cmocka_unit_test(payload_sizes),       cmocka_unit_test(errors_name_file_line_and_key),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(allocation_failures),
    };
    return AW_TEST_RUN(tests);
}
