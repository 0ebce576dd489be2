/* aw__system: system files and their manifests on disk, defaults, instance
 * ids, messages, and every kind of error naming file:line and key. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include "policy/system.h"

#include "policy_files.h"

static const char orders_system[] = "[system]\n"
                                    "name = \"orders\"\n"
                                    "strategy = \"rest_for_one\"\n"
                                    "intensity = 10\n"
                                    "period-ms = 2000\n"
                                    "workers = 2\n"
                                    "\n"
                                    "[[component]]\n"
                                    "id = \"inventory\"\n"
                                    "manifest = \"inventory/Component.toml\"\n"
                                    "\n"
                                    "[[component]]\n"
                                    "id = \"billing\"\n"
                                    "manifest = \"billing/Component.toml\"\n"
                                    "instances = 3\n"
                                    "restart = \"transient\"\n"
                                    "\n"
                                    "[[component]]\n"
                                    "id = \"gateway\"\n"
                                    "manifest = \"/abs/gateway/Component.toml\"\n"
                                    "restart = \"temporary\"\n"
                                    "\n"
                                    "[[message]]\n"
                                    "to = \"inventory\"\n"
                                    "codec = \"json\"\n"
                                    "text = '{\"order\": 1}'\n"
                                    "after-ms = 250\n"
                                    "\n"
                                    "[[message]]\n"
                                    "to = \"billing-2\"\n"
                                    "bytes = \"de ad BE EF 00\"\n";

static const char inventory_manifest[] =
    "[component]\nname = \"inventory\"\nmodule = \"inv.wasm\"\n"
    "accepts = [\"json\"]\n";
static const char billing_manifest[] =
    "[component]\nname = \"billing\"\nmodule = \"billing.wasm\"\n"
    "[limits]\nmax-payload = 16\n";

static void assert_string_equal_prefix(const char *got, const char *prefix) {
    if (strncmp(got, prefix, strlen(prefix)) != 0)
        fail_msg("got '%s'\nwant prefix '%s'", got, prefix);
}

static void parsed_fields(void **state) {
    (void)state;
    aw__system_config *sys = NULL;
    aw_error err;
    aw_status s =
        aw__system_parse("deploy/system.toml", orders_system, strlen(orders_system), &sys, &err);
    if (s != AW_OK) fail_msg("%s", err.message);
    assert_string_equal(sys->path, "deploy/system.toml");
    assert_string_equal(sys->name, "orders");
    assert_int_equal(sys->strategy, AW__STRATEGY_REST_FOR_ONE);
    assert_int_equal(sys->intensity, 10);
    assert_int_equal(sys->period_ms, 2000);
    assert_int_equal(sys->workers, 2);
    assert_int_equal(sys->components_len, 3);
    const aw__system_component *inv = &sys->components[0], *bill = &sys->components[1],
                               *gw = &sys->components[2];
    assert_string_equal(inv->id, "inventory");
    assert_string_equal(inv->manifest_path, "deploy/inventory/Component.toml");
    assert_int_equal(inv->instances, 1);
    assert_int_equal(inv->restart, AW__RESTART_PERMANENT);
    assert_int_equal(inv->line, 8);
    assert_null(inv->manifest);
    assert_int_equal(bill->instances, 3);
    assert_int_equal(bill->restart, AW__RESTART_TRANSIENT);
    assert_string_equal(gw->manifest_path, "/abs/gateway/Component.toml");
    assert_int_equal(gw->restart, AW__RESTART_TEMPORARY);
    char id[80];
    assert_int_equal(aw__system_instance_id(inv, 1, id, sizeof id), 9);
    assert_string_equal(id, "inventory");
    aw__system_instance_id(bill, 3, id, sizeof id);
    assert_string_equal(id, "billing-3");
    assert_int_equal(aw__system_instance_id(bill, 100000, id, sizeof id), 14);
    assert_string_equal(id, "billing-100000");
    assert_int_equal(aw__system_instance_id(bill, 10, id, sizeof id), 10);
    assert_string_equal(id, "billing-10");
    /* Cut to the buffer, always terminated. */
    assert_int_equal(aw__system_instance_id(bill, 1234, id, 10), 9);
    assert_string_equal(id, "billing-1");
    assert_int_equal(aw__system_instance_id(bill, 1234, id, 1), 0);
    assert_string_equal(id, "");
    assert_int_equal(sys->messages_len, 2);
    const aw__system_message *m0 = &sys->messages[0], *m1 = &sys->messages[1];
    assert_string_equal(m0->to, "inventory");
    assert_int_equal(m0->codec, AW__CODEC_JSON);
    assert_int_equal(m0->body_len, 12);
    assert_memory_equal(m0->body, "{\"order\": 1}", 12);
    assert_int_equal(m0->after_ms, 250);
    assert_int_equal(m0->line, 23);
    assert_string_equal(m1->to, "billing-2");
    assert_int_equal(m1->codec, AW__CODEC_RAW);
    assert_int_equal(m1->body_len, 5);
    assert_memory_equal(m1->body, "\xDE\xAD\xBE\xEF\x00", 5);
    assert_int_equal(m1->after_ms, 0);
    assert_string_equal(aw__restart_strategy_name(sys->strategy), "rest_for_one");
    assert_string_equal(aw__restart_policy_name(bill->restart), "transient");
    aw__system_free(sys);
}

static void defaults(void **state) {
    (void)state;
    const char *text = "[system]\nname = \"s\"\n[[component]]\nid = \"a\"\nmanifest = \"a.toml\"\n"
                       "[[message]]\nto = \"a\"\ntext = \"\"\n";
    aw__system_config *sys = NULL;
    aw_error err;
    assert_int_equal(aw__system_parse("system.toml", text, strlen(text), &sys, &err), AW_OK);
    assert_int_equal(sys->strategy, AW__STRATEGY_ONE_FOR_ONE);
    assert_int_equal(sys->intensity, AW__SYSTEM_DEFAULT_INTENSITY);
    assert_int_equal(sys->period_ms, AW__SYSTEM_DEFAULT_PERIOD_MS);
    assert_int_equal(sys->workers, 0);
    assert_string_equal(sys->components[0].manifest_path, "a.toml");
    assert_int_equal(sys->messages[0].body_len, 0);
    assert_int_equal(sys->messages[0].codec, AW__CODEC_RAW);
    aw__system_free(sys);
    /* Inline-table arrays are arrays of tables too. */
    text = "[system]\nname = \"s\"\ncomponent = 1\n";
    assert_int_equal(aw__system_parse("system.toml", text, strlen(text), &sys, &err), AW_MALFORMED);
    text = "component = [{id = \"a\", manifest = \"a.toml\"}]\n[system]\nname = \"s\"\n";
    assert_int_equal(aw__system_parse("system.toml", text, strlen(text), &sys, &err), AW_OK);
    assert_int_equal(sys->components[0].line, 1);
    aw__system_free(sys);
}

static void loads_manifests(void **state) {
    (void)state;
    policy_dir d;
    policy_dir_open(&d);
    /* The gateway's absolute path does not exist here: use a relative one. */
    char text[sizeof orders_system + 16];
    snprintf(text, sizeof text, "%s", orders_system);
    char *abs = strstr(text, "/abs/gateway");
    memmove(abs, abs + 5, strlen(abs + 5) + 1);
    const char *path = policy_dir_write(&d, "system.toml", text);
    policy_dir_write(&d, "inventory/Component.toml", inventory_manifest);
    policy_dir_write(&d, "billing/Component.toml", billing_manifest);
    policy_dir_write(&d, "gateway/Component.toml",
                     "[component]\nname = \"gateway\"\nmodule = \"gw.wasm\"\n");
    aw__system_config *sys = NULL;
    aw_error err;
    aw_status s = aw__system_load(path, &sys, &err);
    if (s != AW_OK) fail_msg("%s", err.message);
    char want[400];
    for (size_t i = 0; i < sys->components_len; i++) assert_non_null(sys->components[i].manifest);
    snprintf(want, sizeof want, "%s/inventory/inv.wasm", d.root);
    assert_string_equal(sys->components[0].manifest->module, want);
    assert_int_equal(sys->components[1].manifest->limits.max_payload, 16);
    aw__system_free(sys);

    /* The first message's codec must be accepted by its target... */
    policy_dir_write(&d, "inventory/Component.toml",
                     "[component]\nname = \"inventory\"\nmodule = \"inv.wasm\"\n");
    assert_int_equal(aw__system_load(path, &sys, &err), AW_MALFORMED);
    assert_null(sys);
    snprintf(want, sizeof want, "%s:23: [[message]] codec: 'inventory' does not accept json", path);
    assert_string_equal_prefix(err.message, want);
    /* ...and its body must fit the target's max-payload. */
    policy_dir_write(&d, "inventory/Component.toml", inventory_manifest);
    policy_dir_write(
        &d, "billing/Component.toml",
        "[component]\nname = \"billing\"\nmodule = \"b.wasm\"\n[limits]\nmax-payload = 4\n");
    assert_int_equal(aw__system_load(path, &sys, &err), AW_MALFORMED);
    snprintf(want, sizeof want,
             "%s:29: [[message]]: the 5-byte body is larger than the "
             "max-payload of 'billing-2' (4 bytes)",
             path);
    assert_string_equal(err.message, want);
    /* A bad manifest reports its own file and line. */
    const char *bad = policy_dir_write(&d, "billing/Component.toml",
                                       "[component]\nname = \"billing\"\nmodule = \"b.wasm\"\n"
                                       "[limits]\nmemory-pages = 0\n");
    assert_int_equal(aw__system_load(path, &sys, &err), AW_MALFORMED);
    snprintf(want, sizeof want, "%s:5: [limits] memory-pages: must be between 1 and 65536", bad);
    assert_string_equal_prefix(err.message, want);
    assert_int_equal(err.line, 5);
    /* A missing manifest is named. */
    remove(bad);
    assert_int_equal(aw__system_load(path, &sys, &err), AW_NOT_FOUND);
    snprintf(want, sizeof want, "%s: cannot read the file", bad);
    assert_string_equal_prefix(err.message, want);
    policy_dir_write(&d, "billing/Component.toml", billing_manifest);
    policy_dir_close(&d);
}

typedef struct bad_system {
    const char *text;
    uint32_t line;
    const char *message; /* expected after "<path>:" */
} bad_system;

#define SYS "[system]\nname = \"orders\"\n"                       /* lines 1-2 */
#define COMP "[[component]]\nid = \"a\"\nmanifest = \"a.toml\"\n" /* 3 lines */

static void errors_name_file_line_and_key(void **state) {
    (void)state;
    static const bad_system cases[] = {
        {COMP, 0, " [system]: required section is missing"},
        {"[system]\nstrategy = \"one_for_all\"\n" COMP, 1,
         "1: [system] name: required key is missing"},
        {"[system]\nname = \"a b\"\n" COMP, 2, "2: [system] name: 'a b' is not a valid name"},
        {SYS "strategy = \"one-for-one\"\n" COMP, 3,
         "3: [system] strategy: 'one-for-one' is not one of one_for_one, one_for_all, "
         "rest_for_one"},
        {SYS "strategy = 1\n" COMP, 3, "3: [system] strategy: must be a string (found integer)"},
        {SYS "intensity = -1\n" COMP, 3, "3: [system] intensity: must be between 0 and 1000000"},
        {SYS "period-ms = 0\n" COMP, 3, "3: [system] period-ms: must be between 1 and 86400000"},
        {SYS "workers = 0\n" COMP, 3, "3: [system] workers: must be between 1 and 1024"},
        {SYS "workers = 4096\n" COMP, 3,
         "3: [system] workers: must be between 1 and 1024 (found 4096)"},
        {SYS "restarts = 5\n" COMP, 3, "3: [system]: unknown key 'restarts'"},
        {SYS COMP "[supervisor]\n", 6,
         "6: [supervisor]: unknown section (known sections: [system], [component], [message])"},
        {SYS, 0, " [[component]]: a system needs at least one component"},
        {SYS "[component]\nid = \"a\"\nmanifest = \"a.toml\"\n", 3,
         "3: [[component]]: must be an array of tables"},
        {SYS "[[component]]\nmanifest = \"a.toml\"\n", 3,
         "3: [[component]] id: required key is missing"},
        {SYS "[[component]]\nid = \"a.b\"\nmanifest = \"a.toml\"\n", 4,
         "4: [[component]] id: 'a.b' is not a valid component id"},
        {SYS "[[component]]\nid = \"a\"\n", 3,
         "3: [[component]] manifest: required key is missing"},
        {SYS COMP "instances = 0\n", 6, "6: [[component]] instances: must be between 1 and 100000"},
        {SYS COMP "instances = 100001\n", 6,
         "6: [[component]] instances: must be between 1 and 100000"},
        {SYS COMP "restart = \"always\"\n", 6,
         "6: [[component]] restart: 'always' is not one of permanent, transient, temporary"},
        {SYS COMP "name = \"x\"\n", 6, "6: [[component]]: unknown key 'name'"},
        {SYS COMP COMP, 6,
         "6: [[component]] id: actor id 'a' is already used by the component 'a' (line 3)"},
        {SYS COMP "instances = 2\n[[component]]\nid = \"a-2\"\nmanifest = \"x.toml\"\n", 7,
         "7: [[component]] id: actor id 'a-2' is already used by the component 'a' (line 3)"},
        {SYS
         "[[component]]\nid = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
         "manifest = \"a.toml\"\ninstances = 100\n",
         6, "6: [[component]] instances: instance ids"},
        {SYS COMP "[[message]]\ntext = \"x\"\n", 6, "6: [[message]] to: required key is missing"},
        {SYS COMP "[[message]]\nto = \"b\"\ntext = \"x\"\n", 7,
         "7: [[message]] to: no component with id 'b' in this system"},
        {SYS COMP "instances = 2\n[[message]]\nto = \"a\"\ntext = \"x\"\n", 8,
         "8: [[message]] to: 'a' has several instances; address one of them, e.g. 'a-1'"},
        {SYS COMP "[[message]]\nto = \"a\"\ncodec = \"xml\"\ntext = \"x\"\n", 8,
         "8: [[message]] codec: unknown codec 'xml'"},
        {SYS COMP "[[message]]\nto = \"a\"\ntext = \"x\"\nbytes = \"00\"\n", 8,
         "8: [[message]] text: give exactly one of text and bytes"},
        {SYS COMP "[[message]]\nto = \"a\"\n", 6,
         "6: [[message]]: give exactly one of text and bytes"},
        {SYS COMP "[[message]]\nto = \"a\"\nbytes = \"abc\"\n", 8,
         "8: [[message]] bytes: needs an even number of hex digits (found 3)"},
        {SYS COMP "[[message]]\nto = \"a\"\nbytes = \"0g\"\n", 8,
         "8: [[message]] bytes: must be hexadecimal digits (found 'g' at character 2)"},
        {SYS COMP "[[message]]\nto = \"a\"\ntext = 5\n", 8,
         "8: [[message]] text: must be a string (found integer)"},
        {SYS COMP "[[message]]\nto = \"a\"\ntext = \"x\"\nafter-ms = -1\n", 9,
         "9: [[message]] after-ms: must be between 0 and 86400000"},
        {SYS COMP "[[message]]\nto = \"a\"\ntext = \"x\"\nreply-to = \"b\"\n", 9,
         "9: [[message]]: unknown key 'reply-to'"},
        {SYS COMP "message = \"hi\"\n", 6, "6: [[component]]: unknown key 'message'"},
        {SYS "[[component]]\nid = \"a\"\nmanifest = \"a.toml\"\ninstances = 1.0\n", 6,
         "6: [[component]] instances: must be an integer (found float)"},
        {SYS "workers = 2\nworkers = 3\n", 4, "4:1: key 'workers' is defined twice"},
    };
    policy_dir d;
    policy_dir_open(&d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = policy_dir_write(&d, "orders/system.toml", cases[i].text);
        aw__system_config *sys = (aw__system_config *)1;
        aw_error err;
        aw_status s = aw__system_load(path, &sys, &err);
        char want[400];
        snprintf(want, sizeof want, "%s:%s", path, cases[i].message);
        if ((s != AW_MALFORMED && s != AW_PARSE_ERROR) || sys != NULL ||
            strncmp(err.message, want, strlen(want)) != 0 || err.line != cases[i].line)
            fail_msg("case %zu:\n%s\n  want line %u: %s\n  got  %s line %u: %s", i, cases[i].text,
                     cases[i].line, want, aw_status_name(s), err.line, err.message);
    }
    policy_dir_close(&d);
}

static void allocation_failures(void **state) {
    (void)state;
    for (uint64_t nth = 1;; nth++) {
        aw_test_allocator_fail_at(nth);
        aw__system_config *sys = (aw__system_config *)1;
        aw_error err;
        aw_status s =
            aw__system_parse("d/system.toml", orders_system, strlen(orders_system), &sys, &err);
        aw_test_allocator_fail_at(0);
        if (s == AW_OK) {
            aw__system_free(sys);
            break;
        }
        if (s != AW_NO_MEMORY)
            fail_msg("allocation %llu: %s", (unsigned long long)nth, err.message);
        assert_null(sys);
    }
}

/* Components naming the same manifest file share one loaded copy (read and
 * checked once), freed once with the system; a bad shared manifest still
 * names its own file and line. */
static void shared_manifest_is_loaded_once(void **state) {
    (void)state;
    policy_dir d;
    policy_dir_open(&d);
    policy_dir_write(&d, "w/Component.toml",
                     "[component]\nname = \"w\"\nmodule = \"w.wasm\"\n"
                     "[wasi]\nenv = { MODE = \"fast\" }\n");
    policy_dir_write(&d, "v/Component.toml", "[component]\nname = \"v\"\nmodule = \"v.wasm\"\n");
    const char *path = policy_dir_write(
        &d, "system.toml",
        "[system]\nname = \"s\"\n"
        "[[component]]\nid = \"a\"\nmanifest = \"w/Component.toml\"\ninstances = 3\n"
        "[[component]]\nid = \"b\"\nmanifest = \"v/Component.toml\"\n"
        "[[component]]\nid = \"c\"\nmanifest = \"w/Component.toml\"\n");
    aw__system_config *sys = NULL;
    aw_error err;
    aw_status s = aw__system_load(path, &sys, &err);
    if (s != AW_OK) fail_msg("%s", err.message);
    assert_ptr_equal(sys->components[0].manifest, sys->components[2].manifest);
    assert_ptr_not_equal(sys->components[0].manifest, sys->components[1].manifest);
    assert_int_equal(sys->components[0].manifest->env_len, 1);
    assert_string_equal(sys->components[2].manifest->env[0].value, "fast");
    /* A holder outliving the system keeps it. */
    aw__manifest *kept = aw__manifest_retain(sys->components[2].manifest);
    aw__system_free(sys);
    assert_string_equal(kept->name, "w");
    aw__manifest_free(kept);

    const char *bad = policy_dir_write(&d, "w/Component.toml",
                                       "[component]\nname = \"w\"\nmodule = \"w.wasm\"\n"
                                       "[limits]\nmailbox = 0\n");
    assert_int_equal(aw__system_load(path, &sys, &err), AW_MALFORMED);
    assert_null(sys);
    char want[400];
    snprintf(want, sizeof want, "%s:5: [limits] mailbox", bad);
    assert_string_equal_prefix(err.message, want);
    policy_dir_close(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parsed_fields),       cmocka_unit_test(defaults),
        cmocka_unit_test(loads_manifests),     cmocka_unit_test(errors_name_file_line_and_key),
        cmocka_unit_test(allocation_failures), cmocka_unit_test(shared_manifest_is_loaded_once),
    };
    return AW_TEST_RUN(tests);
}
