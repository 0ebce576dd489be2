/* System-file reader: [system], [[component]] and [[message]] into an
 * aw__system_config, with the same file:line:key errors as the manifest. */
#include "system.h"

#include "base/alloc.h"
#include "base/error.h"
#include "base/strmap.h"

#include <stdio.h>
#include <string.h>

const char *aw__restart_strategy_name(aw__restart_strategy s) {
    switch (s) {
        case AW__STRATEGY_ONE_FOR_ONE:
            return "one_for_one";
        case AW__STRATEGY_ONE_FOR_ALL:
            return "one_for_all";
        case AW__STRATEGY_REST_FOR_ONE:
            return "rest_for_one";
    }
    return "?";
}

const char *aw__restart_policy_name(aw__restart_policy p) {
    switch (p) {
        case AW__RESTART_PERMANENT:
            return "permanent";
        case AW__RESTART_TRANSIENT:
            return "transient";
        case AW__RESTART_TEMPORARY:
            return "temporary";
    }
    return "?";
}

/* Formatted by hand: a system of 100,000 instances formats every id twice
 * (registration, start), and snprintf was a visible part of the start. */
size_t aw__system_instance_id(const aw__system_component *c, uint32_t n, char *buf, size_t size) {
    if (size == 0) return 0;
    char text[AW__CONFIG_ID_MAX + 16];
    size_t len = strlen(c->id);
    if (len > AW__CONFIG_ID_MAX) len = AW__CONFIG_ID_MAX; /* checked when read */
    memcpy(text, c->id, len);
    if (c->instances != 1) {
        char digits[10];
        size_t k = 0;
        do digits[k++] = (char)('0' + n % 10);
        while ((n /= 10) > 0);
        text[len++] = '-';
        while (k > 0) text[len++] = digits[--k];
    }
    if (len > size - 1) len = size - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    return len;
}

/* Looks name up in a NULL-terminated list; -1 when absent. */
static int choice(const char *name, const char *const *names) {
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

static aw_status read_choice(aw__config *c, const aw__toml_value *t, const char *sec,
                             const char *key, const char *const *names, int *out) {
    char *text = NULL;
    aw_status s = aw__config_string(c, t, sec, key, false, &text);
    if (s != AW_OK || !text) return s;
    int i = choice(text, names);
    if (i < 0) {
        char allowed[120] = "";
        size_t n = 0;
        for (const char *const *k = names; *k; k++) {
            int w = snprintf(allowed + n, sizeof allowed - n, "%s%s", n ? ", " : "", *k);
            if (w < 0 || (size_t)w >= sizeof allowed - n) break;
            n += (size_t)w;
        }
        s = aw__config_fail(c, AW_MALFORMED, aw__config_entry(t, key)->line, sec, key,
                            "'%.40s' is not one of %s", text, allowed);
    } else {
        *out = i;
    }
    aw__strfree(text);
    return s;
}

static aw_status read_system(aw__config *c, const aw__toml_value *root, aw__system_config *sys) {
    static const char *const keys[] = {"name",      "strategy", "intensity",
                                       "period-ms", "workers",  NULL};
    static const char *const strategies[] = {"one_for_one", "one_for_all", "rest_for_one", NULL};
    const char *sec = "[system]";
    const aw__toml_value *t;
    aw_status s = aw__config_table(c, root, sec, "system", true, &t);
    if (s == AW_OK) s = aw__config_known_keys(c, t, sec, keys);
    if (s == AW_OK) s = aw__config_string(c, t, sec, "name", true, &sys->name);
    if (s != AW_OK) return s;
    if (!aw__config_valid_id(sys->name))
        return aw__config_fail(c, AW_MALFORMED, aw__config_entry(t, "name")->line, sec, "name",
                               "'%.64s' is not a valid name (1-%d characters: letters, digits, "
                               "'_' and '-', starting with a letter or digit)",
                               sys->name, AW__CONFIG_ID_MAX);
    int strategy = AW__STRATEGY_ONE_FOR_ONE;
    int64_t intensity = sys->intensity, period = sys->period_ms, workers = 0;
    s = read_choice(c, t, sec, "strategy", strategies, &strategy);
    if (s == AW_OK)
        s = aw__config_integer(c, t, sec, "intensity", 0, AW__SYSTEM_MAX_INTENSITY, &intensity);
    if (s == AW_OK)
        s = aw__config_integer(c, t, sec, "period-ms", 1, AW__SYSTEM_MAX_PERIOD_MS, &period);
    if (s == AW_OK)
        s = aw__config_integer(c, t, sec, "workers", 1, AW__SYSTEM_MAX_WORKERS, &workers);
    sys->strategy = (aw__restart_strategy)strategy;
    sys->intensity = (uint32_t)intensity;
    sys->period_ms = (uint32_t)period;
    sys->workers = (uint32_t)workers;
    return s;
}

/* The array of tables under key; an error for anything else. *items NULL and
 * *count 0 when absent. */
static aw_status table_array(aw__config *c, const aw__toml_value *root, const char *key,
                             const char *sec, const aw__toml_value **array) {
    *array = NULL;
    const aw__toml_entry *e = aw__config_entry(root, key);
    if (!e) return AW_OK;
    bool ok = e->value->type == AW__TOML_ARRAY;
    for (size_t i = 0; ok && i < aw__toml_len(e->value); i++)
        ok = aw__toml_at(e->value, i)->type == AW__TOML_TABLE;
    if (!ok)
        return aw__config_fail(c, AW_MALFORMED, e->line, sec, NULL,
                               "must be an array of tables: write each entry under its own %s "
                               "header",
                               sec);
    *array = e->value;
    return AW_OK;
}

static unsigned digits_of(uint32_t n) {
    unsigned d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static aw_status read_component(aw__config *c, const aw__toml_value *t,
                                aw__system_component *comp) {
    static const char *const keys[] = {"id", "manifest", "instances", "restart", NULL};
    static const char *const policies[] = {"permanent", "transient", "temporary", NULL};
    const char *sec = "[[component]]";
    comp->line = t->line;
    comp->instances = 1;
    aw_status s = aw__config_known_keys(c, t, sec, keys);
    if (s == AW_OK) s = aw__config_string(c, t, sec, "id", true, &comp->id);
    if (s != AW_OK) return s;
    uint32_t id_line = aw__config_entry(t, "id")->line;
    if (!aw__config_valid_id(comp->id))
        return aw__config_fail(c, AW_MALFORMED, id_line, sec, "id",
                               "'%.64s' is not a valid component id (1-%d characters: letters, "
                               "digits, '_' and '-', starting with a letter or digit)",
                               comp->id, AW__CONFIG_ID_MAX);
    char *manifest = NULL;
    s = aw__config_string(c, t, sec, "manifest", true, &manifest);
    if (s != AW_OK) return s;
    comp->manifest_path = aw__config_resolve(c, manifest);
    aw__strfree(manifest);
    if (!comp->manifest_path) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    int64_t instances = 1;
    int restart = AW__RESTART_PERMANENT;
    s = aw__config_integer(c, t, sec, "instances", 1, AW__SYSTEM_MAX_INSTANCES, &instances);
    if (s == AW_OK) s = read_choice(c, t, sec, "restart", policies, &restart);
    if (s != AW_OK) return s;
    comp->instances = (uint32_t)instances;
    comp->restart = (aw__restart_policy)restart;
    if (comp->instances > 1 &&
        strlen(comp->id) + 1 + digits_of(comp->instances) > AW__CONFIG_ID_MAX)
        return aw__config_fail(c, AW_MALFORMED, aw__config_entry(t, "instances")->line, sec,
                               "instances",
                               "instance ids '%s-1'..'%s-%u' would be longer than %d "
                               "characters",
                               comp->id, comp->id, comp->instances, AW__CONFIG_ID_MAX);
    return AW_OK;
}

/* Registers every actor id of every component, rejecting duplicates. */
static aw_status register_ids(aw__config *c, aw__system_config *sys, aw__strmap *ids) {
    char id[96];
    for (size_t i = 0; i < sys->components_len; i++) {
        aw__system_component *comp = &sys->components[i];
        for (uint32_t n = 1; n <= comp->instances; n++) {
            size_t len = aw__system_instance_id(comp, n, id, sizeof id);
            aw_status s = aw__strmap_add(ids, id, len, comp);
            if (s == AW_ALREADY_EXISTS) {
                const aw__system_component *first = aw__strmap_get(ids, id, len);
                return aw__config_fail(c, AW_MALFORMED, comp->line, "[[component]]", "id",
                                       "actor id '%s' is already used by the component '%s' "
                                       "(line %u)",
                                       id, first->id, first->line);
            }
            if (s != AW_OK) return aw__error_set(c->err, s, "out of memory");
        }
    }
    return AW_OK;
}

static int hex_digit(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static aw_status read_body(aw__config *c, const aw__toml_value *t, aw__system_message *msg) {
    const char *sec = "[[message]]";
    const aw__toml_entry *text = aw__config_entry(t, "text");
    const aw__toml_entry *hex = aw__config_entry(t, "bytes");
    if (!text == !hex)
        return aw__config_fail(c, AW_MALFORMED, text ? text->line : t->line, sec,
                               text ? "text" : NULL, "give exactly one of text and bytes");
    const aw__toml_entry *e = text ? text : hex;
    const char *s;
    size_t len;
    if (!aw__toml_string(e->value, &s, &len))
        return aw__config_fail(c, AW_MALFORMED, e->line, sec, text ? "text" : "bytes",
                               "must be a string (found %s)", aw__toml_type_name(e->value->type));
    if (text) {
        msg->body = aw__malloc(len + 1);
        if (!msg->body) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
        memcpy(msg->body, s, len + 1);
        msg->body_len = len;
        return AW_OK;
    }
    /* Hex digits, two per byte; spaces between bytes are allowed. */
    size_t digits = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ') continue;
        if (hex_digit(s[i]) < 0)
            return aw__config_fail(c, AW_MALFORMED, e->line, sec, "bytes",
                                   "must be hexadecimal digits (found '%c' at character %zu)",
                                   s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?', i + 1);
        digits++;
    }
    if (digits % 2)
        return aw__config_fail(c, AW_MALFORMED, e->line, sec, "bytes",
                               "needs an even number of hex digits (found %zu)", digits);
    msg->body = aw__malloc(digits / 2 + 1);
    if (!msg->body) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    size_t n = 0;
    int high = -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ') continue;
        if (high < 0) {
            high = hex_digit(s[i]);
        } else {
            msg->body[n++] = (uint8_t)(high << 4 | hex_digit(s[i]));
            high = -1;
        }
    }
    msg->body[n] = 0;
    msg->body_len = n;
    return AW_OK;
}

static aw_status read_message(aw__config *c, const aw__toml_value *t, const aw__strmap *ids,
                              aw__system_message *msg) {
    static const char *const keys[] = {"to", "codec", "text", "bytes", "after-ms", NULL};
    const char *sec = "[[message]]";
    msg->line = t->line;
    msg->codec = AW__CODEC_RAW;
    aw_status s = aw__config_known_keys(c, t, sec, keys);
    if (s == AW_OK) s = aw__config_string(c, t, sec, "to", true, &msg->to);
    if (s != AW_OK) return s;
    const aw__toml_entry *to = aw__config_entry(t, "to");
    if (!aw__strmap_get(ids, msg->to, strlen(msg->to))) {
        /* Say what to write instead when a replicated component is named. */
        char first[96] = "";
        for (size_t cursor = 0;;) {
            const char *key;
            void *value;
            if (!aw__strmap_next(ids, &cursor, &key, &value)) break;
            const aw__system_component *comp = value;
            if (comp->instances > 1 && strcmp(comp->id, msg->to) == 0) {
                aw__system_instance_id(comp, 1, first, sizeof first);
                break;
            }
        }
        if (first[0])
            return aw__config_fail(c, AW_MALFORMED, to->line, sec, "to",
                                   "'%s' has several instances; address one of them, e.g. '%s'",
                                   msg->to, first);
        return aw__config_fail(c, AW_MALFORMED, to->line, sec, "to",
                               "no component with id '%.64s' in this system", msg->to);
    }
    char *codec = NULL;
    s = aw__config_string(c, t, sec, "codec", false, &codec);
    if (s != AW_OK) return s;
    if (codec) {
        if (aw__codec_from_name(codec, strlen(codec), &msg->codec) != AW_OK)
            s = aw__config_fail(c, AW_MALFORMED, aw__config_entry(t, "codec")->line, sec, "codec",
                                "unknown codec '%.40s' (known: raw, cbor, json, messagepack, "
                                "protobuf)",
                                codec);
        aw__strfree(codec);
        if (s != AW_OK) return s;
    }
    int64_t after = 0;
    s = aw__config_integer(c, t, sec, "after-ms", 0, AW__SYSTEM_MAX_AFTER_MS, &after);
    if (s != AW_OK) return s;
    msg->after_ms = (uint32_t)after;
    return read_body(c, t, msg);
}

static aw_status read_all(aw__config *c, const aw__toml_value *root, aw__system_config *sys,
                          aw__strmap *ids) {
    static const char *const sections[] = {"system", "component", "message", NULL};
    aw_status s = aw__config_known_sections(c, root, sections);
    if (s == AW_OK) s = read_system(c, root, sys);
    const aw__toml_value *comps = NULL, *msgs = NULL;
    if (s == AW_OK) s = table_array(c, root, "component", "[[component]]", &comps);
    if (s == AW_OK) s = table_array(c, root, "message", "[[message]]", &msgs);
    if (s != AW_OK) return s;
    if (aw__toml_len(comps) == 0)
        return aw__config_fail(c, AW_MALFORMED, 0, "[[component]]", NULL,
                               "a system needs at least one component");
    sys->components = aw__calloc(aw__toml_len(comps), sizeof *sys->components);
    if (!sys->components) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    sys->components_len = aw__toml_len(comps); /* zeroed entries are safe to free */
    for (size_t i = 0; i < sys->components_len; i++) {
        s = read_component(c, aw__toml_at(comps, i), &sys->components[i]);
        if (s != AW_OK) return s;
    }
    s = register_ids(c, sys, ids);
    if (s != AW_OK || aw__toml_len(msgs) == 0) return s;
    sys->messages = aw__calloc(aw__toml_len(msgs), sizeof *sys->messages);
    if (!sys->messages) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    sys->messages_len = aw__toml_len(msgs);
    for (size_t i = 0; i < sys->messages_len; i++) {
        s = read_message(c, aw__toml_at(msgs, i), ids, &sys->messages[i]);
        if (s != AW_OK) return s;
    }
    return AW_OK;
}

/* Loads each component's manifest (once per file: components naming the
 * same file share it) and checks the messages against them. */
static aw_status load_manifests(aw__config *c, aw__system_config *sys, const aw__strmap *ids) {
    aw__strmap loaded = AW__STRMAP_INIT; /* manifest path -> manifest (borrowed) */
    for (size_t i = 0; i < sys->components_len; i++) {
        aw__system_component *comp = &sys->components[i];
        size_t len = strlen(comp->manifest_path);
        aw__manifest *m = aw__strmap_get(&loaded, comp->manifest_path, len);
        if (m) {
            comp->manifest = aw__manifest_retain(m);
            continue;
        }
        aw_status s = aw__manifest_load(comp->manifest_path, &comp->manifest, c->err);
        if (s == AW_OK &&
            aw__strmap_add(&loaded, comp->manifest_path, len, comp->manifest) != AW_OK)
            s = aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
        if (s != AW_OK) {
            aw__strmap_free(&loaded);
            return s;
        }
    }
    aw__strmap_free(&loaded);
    for (size_t i = 0; i < sys->messages_len; i++) {
        const aw__system_message *msg = &sys->messages[i];
        const aw__system_component *comp = aw__strmap_get(ids, msg->to, strlen(msg->to));
        const aw__manifest *m = comp->manifest;
        if (!aw__codec_set_has(m->accepts, msg->codec))
            return aw__config_fail(c, AW_MALFORMED, msg->line, "[[message]]", "codec",
                                   "'%s' does not accept %s (see %s [component] accepts)", msg->to,
                                   aw__codec_name(msg->codec), m->path);
        if (msg->body_len > m->limits.max_payload)
            return aw__config_fail(c, AW_MALFORMED, msg->line, "[[message]]", NULL,
                                   "the %zu-byte body is larger than the max-payload of '%s' "
                                   "(%llu bytes)",
                                   msg->body_len, msg->to,
                                   (unsigned long long)m->limits.max_payload);
    }
    return AW_OK;
}

static aw_status system_from(const char *path, const char *text, size_t len, bool with_manifests,
                             aw__system_config **out, aw_error *err) {
    *out = NULL;
    aw__config c;
    aw_status s = aw__config_init(&c, path, err);
    if (s != AW_OK) return s;
    aw__toml_value *root = NULL;
    aw__strmap ids = AW__STRMAP_INIT;
    aw__system_config *sys = AW__NEW(aw__system_config);
    if (!sys || !(sys->path = aw__strdup(path))) {
        s = aw__error_set(err, AW_NO_MEMORY, "out of memory");
        goto fail;
    }
    sys->intensity = AW__SYSTEM_DEFAULT_INTENSITY;
    sys->period_ms = AW__SYSTEM_DEFAULT_PERIOD_MS;
    s = text ? aw__config_parse_text(&c, text, len, &root) : aw__config_parse_file(&c, &root);
    if (s == AW_OK) s = read_all(&c, root, sys, &ids);
    if (s == AW_OK && with_manifests) s = load_manifests(&c, sys, &ids);
    if (s != AW_OK) goto fail;
    aw__strmap_free(&ids);
    aw__toml_free(root);
    aw__config_fini(&c);
    *out = sys;
    return AW_OK;
fail:
    aw__system_free(sys);
    aw__strmap_free(&ids);
    aw__toml_free(root);
    aw__config_fini(&c);
    return s;
}

aw_status aw__system_load(const char *path, aw__system_config **out, aw_error *err) {
    return system_from(path, NULL, 0, true, out, err);
}

aw_status aw__system_parse(const char *path, const char *text, size_t len, aw__system_config **out,
                           aw_error *err) {
    return system_from(path, text ? text : "", len, false, out, err);
}

void aw__system_free(aw__system_config *sys) {
    if (!sys) return;
    for (size_t i = 0; i < sys->components_len; i++) {
        aw__strfree(sys->components[i].id);
        aw__strfree(sys->components[i].manifest_path);
        aw__manifest_free(sys->components[i].manifest);
    }
    aw__free(sys->components, sys->components_len * sizeof *sys->components);
    for (size_t i = 0; i < sys->messages_len; i++) {
        aw__strfree(sys->messages[i].to);
        aw__free(sys->messages[i].body, sys->messages[i].body_len + 1);
    }
    aw__free(sys->messages, sys->messages_len * sizeof *sys->messages);
    aw__strfree(sys->path);
    aw__strfree(sys->name);
    AW__DELETE(sys);
}
