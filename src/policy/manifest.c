/* Component.toml reader: turns the TOML tree into an aw__manifest, checking
 * every key, type and range (docs/manifest.md is the reference). */
#include "manifest.h"

#include "base/alloc.h"
#include "base/error.h"

#include <stdio.h>
#include <string.h>

static bool is_word_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-';
}

/* A component-id pattern: id characters and '*' (any run) or '?' (one). */
static bool valid_id_pattern(const char *p) {
    size_t len = strlen(p);
    if (len > 255) return false;
    for (size_t i = 0; i < len; i++)
        if (!is_word_char(p[i]) && p[i] != '*' && p[i] != '?') return false;
    return true;
}

/* A topic capability pattern: dot-separated tokens of word characters and
 * the glob wildcards '*' and '?' (policy/glob.h), or a token '>' (last only). */
static bool valid_topic_pattern(const char *p) {
    size_t len = strlen(p);
    if (len > 255) return false;
    const char *token = p;
    for (;;) {
        const char *dot = strchr(token, '.');
        size_t n = dot ? (size_t)(dot - token) : strlen(token);
        if (n == 0) return false;
        bool rest = n == 1 && token[0] == '>';
        if (rest && dot) return false;
        for (size_t i = 0; i < n && !rest; i++)
            if (!is_word_char(token[i]) && token[i] != '*' && token[i] != '?') return false;
        if (!dot) return true;
        token = dot + 1;
    }
}

static aw_status read_component(aw__config *c, const aw__toml_value *root, aw__manifest *m) {
    static const char *const keys[] = {"name",    "module",         "accepts",
                                       "version", "check-payloads", NULL};
    const char *sec = "[component]";
    const aw__toml_value *t;
    aw_status s = aw__config_table(c, root, sec, "component", true, &t);
    if (s == AW_OK) s = aw__config_known_keys(c, t, sec, keys);
    if (s == AW_OK) s = aw__config_string(c, t, sec, "name", true, &m->name);
    if (s != AW_OK) return s;
    if (!aw__config_valid_id(m->name))
        return aw__config_fail(c, AW_MALFORMED, aw__config_entry(t, "name")->line, sec, "name",
                               "'%.64s' is not a valid component id (1-%d characters: letters, "
                               "digits, '_' and '-', starting with a letter or digit)",
                               m->name, AW__CONFIG_ID_MAX);
    char *module = NULL;
    s = aw__config_string(c, t, sec, "module", true, &module);
    if (s != AW_OK) return s;
    m->module = aw__config_resolve(c, module);
    aw__strfree(module);
    if (!m->module) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    s = aw__config_string(c, t, sec, "version", false, &m->version);
    if (s == AW_OK) s = aw__config_bool(c, t, sec, "check-payloads", &m->check_payloads);
    if (s != AW_OK) return s;
    const aw__toml_entry *accepts = aw__config_entry(t, "accepts");
    if (!accepts) return AW_OK;
    aw__config_list names;
    s = aw__config_string_list(c, t, sec, "accepts", &names);
    if (s != AW_OK) return s;
    m->accepts = 0;
    for (size_t i = 0; i < names.len && s == AW_OK; i++) {
        aw__codec codec;
        if (aw__codec_from_name(names.items[i], strlen(names.items[i]), &codec) != AW_OK)
            s = aw__config_fail(c, AW_MALFORMED, accepts->line, sec, "accepts",
                                "unknown codec '%.40s' (known: raw, cbor, json, messagepack, "
                                "protobuf)",
                                names.items[i]);
        else if (aw__codec_set_has(m->accepts, codec))
            s = aw__config_fail(c, AW_MALFORMED, accepts->line, sec, "accepts",
                                "codec '%s' is listed twice", names.items[i]);
        else
            m->accepts = aw__codec_set_with(m->accepts, codec);
    }
    aw__config_list_free(&names);
    return s;
}

static aw_status read_limits(aw__config *c, const aw__toml_value *root, aw__manifest *m) {
    static const char *const keys[] = {"memory-pages", "fuel-per-message", "timeout-ms",
                                       "mailbox",      "max-payload",      NULL};
    const char *sec = "[limits]";
    const aw__toml_value *t;
    aw_status s = aw__config_table(c, root, sec, "limits", false, &t);
    if (s != AW_OK || !t) return s;
    s = aw__config_known_keys(c, t, sec, keys);
    if (s != AW_OK) return s;
    int64_t pages = m->limits.memory_pages, fuel = (int64_t)m->limits.fuel_per_message,
            timeout = m->limits.timeout_ms, mailbox = m->limits.mailbox;
    s = aw__config_integer(c, t, sec, "memory-pages", 1, AW__MANIFEST_MAX_MEMORY_PAGES, &pages);
    if (s == AW_OK) s = aw__config_integer(c, t, sec, "fuel-per-message", 1, INT64_MAX, &fuel);
    if (s == AW_OK)
        s = aw__config_integer(c, t, sec, "timeout-ms", 1, AW__MANIFEST_MAX_TIMEOUT_MS, &timeout);
    if (s == AW_OK)
        s = aw__config_integer(c, t, sec, "mailbox", 1, AW__MANIFEST_MAX_MAILBOX, &mailbox);
    if (s == AW_OK)
        s = aw__config_size(c, t, sec, "max-payload", 1, AW__MANIFEST_MAX_MAX_PAYLOAD,
                            &m->limits.max_payload);
    m->limits.memory_pages = (uint32_t)pages;
    m->limits.fuel_per_message = (uint64_t)fuel;
    m->limits.timeout_ms = (uint32_t)timeout;
    m->limits.mailbox = (uint32_t)mailbox;
    return s;
}

static aw_status read_patterns(aw__config *c, const aw__toml_value *t, const char *key, bool topics,
                               aw__config_list *out) {
    const char *sec = "[capabilities]";
    aw_status s = aw__config_string_list(c, t, sec, key, out);
    if (s != AW_OK) return s;
    for (size_t i = 0; i < out->len; i++) {
        const char *p = out->items[i];
        if (topics ? valid_topic_pattern(p) : valid_id_pattern(p)) continue;
        return aw__config_fail(c, AW_MALFORMED, aw__config_entry(t, key)->line, sec, key,
                               topics ? "'%.64s' is not a topic pattern (dot-separated words of "
                                        "letters, digits, '_', '-'; '*' for one word, '>' last "
                                        "for the rest)"
                                      : "'%.64s' is not a component-id pattern (letters, digits, "
                                        "'_', '-', and the wildcards '*' and '?')",
                               p);
    }
    return AW_OK;
}

static aw_status read_capabilities(aw__config *c, const aw__toml_value *root, aw__manifest *m) {
    static const char *const keys[] = {"send", "receive-from", "publish", "subscribe", NULL};
    const aw__toml_value *t;
    aw_status s = aw__config_table(c, root, "[capabilities]", "capabilities", false, &t);
    if (s != AW_OK || !t) return s;
    s = aw__config_known_keys(c, t, "[capabilities]", keys);
    if (s == AW_OK) s = read_patterns(c, t, "send", false, &m->send);
    if (s == AW_OK) s = read_patterns(c, t, "receive-from", false, &m->receive_from);
    if (s == AW_OK) s = read_patterns(c, t, "publish", true, &m->publish);
    if (s == AW_OK) s = read_patterns(c, t, "subscribe", true, &m->subscribe);
    return s;
}

static aw_status read_rate_limit(aw__config *c, const aw__toml_value *root, aw__manifest *m) {
    static const char *const keys[] = {"messages-per-second", "burst", NULL};
    const char *sec = "[rate-limit]";
    const aw__toml_value *t;
    aw_status s = aw__config_table(c, root, sec, "rate-limit", false, &t);
    if (s != AW_OK || !t) return s;
    s = aw__config_known_keys(c, t, sec, keys);
    if (s != AW_OK) return s;
    if (!aw__config_entry(t, "messages-per-second"))
        return aw__config_fail(c, AW_MALFORMED, t->line, sec, "messages-per-second",
                               "required key is missing");
    int64_t rate = 0, burst = 0;
    s = aw__config_integer(c, t, sec, "messages-per-second", 1, AW__MANIFEST_MAX_RATE, &rate);
    burst = rate;
    if (s == AW_OK) s = aw__config_integer(c, t, sec, "burst", 1, AW__MANIFEST_MAX_RATE, &burst);
    m->rate_limited = true;
    m->messages_per_second = (uint32_t)rate;
    m->burst = (uint32_t)burst;
    return s;
}

static aw_status read_env(aw__config *c, const aw__toml_value *wasi, aw__manifest *m) {
    const char *sec = "[wasi]";
    const aw__toml_value *env;
    aw_status s = aw__config_table(c, wasi, sec, "env", false, &env);
    if (s != AW_OK || !env || aw__toml_len(env) == 0) return s;
    size_t n = aw__toml_len(env);
    m->env = aw__calloc(n, sizeof *m->env);
    if (!m->env) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    m->env_len = n;
    for (size_t i = 0; i < n; i++) {
        const aw__toml_entry *e = aw__toml_entry_at(env, i);
        char key[80];
        snprintf(key, sizeof key, "env.%.64s", e->key);
        if (e->key_len == 0 || memchr(e->key, '=', e->key_len) || strlen(e->key) != e->key_len)
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, key,
                                   "an environment variable name must be non-empty without '=' "
                                   "or NUL");
        if (e->value->type != AW__TOML_STRING)
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, key,
                                   "must be a string (found %s)",
                                   aw__toml_type_name(e->value->type));
        if (strlen(e->value->as.string.bytes) != e->value->as.string.len)
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, key,
                                   "must not contain a NUL character");
        m->env[i].name = aw__strdup(e->key);
        m->env[i].value = aw__strdup(e->value->as.string.bytes);
        if (!m->env[i].name || !m->env[i].value)
            return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    }
    return AW_OK;
}

static aw_status read_preopens(aw__config *c, const aw__toml_value *wasi, aw__manifest *m) {
    const char *sec = "[wasi]";
    const aw__toml_value *pre;
    aw_status s = aw__config_table(c, wasi, sec, "preopens", false, &pre);
    if (s != AW_OK || !pre || aw__toml_len(pre) == 0) return s;
    size_t n = aw__toml_len(pre);
    if (n > AW__MANIFEST_MAX_PREOPENS)
        return aw__config_fail(c, AW_MALFORMED, aw__toml_entry_at(pre, 0)->line, sec, "preopens",
                               "at most %u directories (found %zu)", AW__MANIFEST_MAX_PREOPENS, n);
    m->preopens = aw__calloc(n, sizeof *m->preopens);
    if (!m->preopens) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    m->preopens_len = n;
    for (size_t i = 0; i < n; i++) {
        const aw__toml_entry *e = aw__toml_entry_at(pre, i);
        char key[80];
        snprintf(key, sizeof key, "preopens.\"%.64s\"", e->key);
        if (e->key_len == 0 || strlen(e->key) != e->key_len)
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, key,
                                   "a guest path must be non-empty without NUL");
        char *host = NULL;
        if (e->value->type != AW__TOML_STRING)
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, key,
                                   "must be a host directory string, \"rw:\" prefix for write "
                                   "access (found %s)",
                                   aw__toml_type_name(e->value->type));
        const char *text = e->value->as.string.bytes;
        if (strlen(text) != e->value->as.string.len)
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, key,
                                   "must not contain a NUL character");
        bool writable = strncmp(text, "rw:", 3) == 0;
        if (writable) text += 3;
        if (text[0] == '\0')
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, key,
                                   "the host directory must not be empty");
        m->preopens[i].writable = writable;
        m->preopens[i].guest_path = aw__strdup(e->key);
        host = aw__config_resolve(c, text);
        m->preopens[i].host_path = host;
        if (!m->preopens[i].guest_path || !host)
            return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    }
    return AW_OK;
}

static aw_status read_wasi(aw__config *c, const aw__toml_value *root, aw__manifest *m) {
    static const char *const keys[] = {"env", "args", "preopens", NULL};
    const aw__toml_value *t;
    aw_status s = aw__config_table(c, root, "[wasi]", "wasi", false, &t);
    if (s != AW_OK || !t) return s;
    s = aw__config_known_keys(c, t, "[wasi]", keys);
    if (s == AW_OK) s = aw__config_string_list(c, t, "[wasi]", "args", &m->args);
    if (s == AW_OK) s = read_env(c, t, m);
    if (s == AW_OK) s = read_preopens(c, t, m);
    return s;
}

static aw_status read_manifest(aw__config *c, const aw__toml_value *root, aw__manifest *m) {
    static const char *const sections[] = {"component",  "limits", "capabilities",
                                           "rate-limit", "wasi",   NULL};
    aw_status s = aw__config_known_sections(c, root, sections);
    if (s == AW_OK) s = read_component(c, root, m);
    if (s == AW_OK) s = read_limits(c, root, m);
    if (s == AW_OK) s = read_capabilities(c, root, m);
    if (s == AW_OK) s = read_rate_limit(c, root, m);
    if (s == AW_OK) s = read_wasi(c, root, m);
    return s;
}

static aw_status manifest_from(const char *path, const char *text, size_t len, aw__manifest **out,
                               aw_error *err) {
    *out = NULL;
    aw__config c;
    aw_status s = aw__config_init(&c, path, err);
    if (s != AW_OK) return s;
    aw__toml_value *root = NULL;
    aw__manifest *m = AW__NEW(aw__manifest);
    if (!m) {
        s = aw__error_set(err, AW_NO_MEMORY, "out of memory");
        goto fail;
    }
    atomic_init(&m->refs, 1);
    m->accepts = aw__codec_set_with(AW__CODEC_SET_EMPTY, AW__CODEC_RAW);
    m->limits = (aw__manifest_limits){
        .memory_pages = AW__MANIFEST_DEFAULT_MEMORY_PAGES,
        .fuel_per_message = AW__MANIFEST_DEFAULT_FUEL,
        .timeout_ms = AW__MANIFEST_DEFAULT_TIMEOUT_MS,
        .mailbox = AW__MANIFEST_DEFAULT_MAILBOX,
        .max_payload = AW__MANIFEST_DEFAULT_MAX_PAYLOAD,
    };
    m->path = aw__strdup(path);
    if (!m->path) {
        s = aw__error_set(err, AW_NO_MEMORY, "out of memory");
        goto fail;
    }
    s = text ? aw__config_parse_text(&c, text, len, &root) : aw__config_parse_file(&c, &root);
    if (s != AW_OK) goto fail;
    s = read_manifest(&c, root, m);
    if (s != AW_OK) goto fail;
    aw__toml_free(root);
    aw__config_fini(&c);
    *out = m;
    return AW_OK;
fail:
    aw__manifest_free(m);
    aw__toml_free(root);
    aw__config_fini(&c);
    return s;
}

aw_status aw__manifest_load(const char *path, aw__manifest **out, aw_error *err) {
    return manifest_from(path, NULL, 0, out, err);
}

aw_status aw__manifest_parse(const char *path, const char *text, size_t len, aw__manifest **out,
                             aw_error *err) {
    /* A NULL text means "read the file" inside manifest_from; an empty
     * document still needs a non-NULL pointer. */
    return manifest_from(path, text ? text : "", len, out, err);
}

aw__manifest *aw__manifest_retain(aw__manifest *m) {
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void aw__manifest_free(aw__manifest *m) {
    if (!m) return;
    /* Release: the holder's reads happen before the free; the last holder's
     * acquire pairs with it (the usual reference-count protocol). */
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1) return;
    aw__strfree(m->path);
    aw__strfree(m->name);
    aw__strfree(m->module);
    aw__strfree(m->version);
    aw__config_list_free(&m->send);
    aw__config_list_free(&m->receive_from);
    aw__config_list_free(&m->publish);
    aw__config_list_free(&m->subscribe);
    aw__config_list_free(&m->args);
    for (size_t i = 0; i < m->env_len; i++) {
        aw__strfree(m->env[i].name);
        aw__strfree(m->env[i].value);
    }
    aw__free(m->env, m->env_len * sizeof *m->env);
    for (size_t i = 0; i < m->preopens_len; i++) {
        aw__strfree(m->preopens[i].guest_path);
        aw__strfree(m->preopens[i].host_path);
    }
    aw__free(m->preopens, m->preopens_len * sizeof *m->preopens);
    AW__DELETE(m);
}
