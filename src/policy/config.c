/* Typed, range-checked settings from a TOML tree, with file:line:key errors. */
#include "config.h"

#include "base/alloc.h"
#include "base/error.h"
#include "platform/os.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

aw_status aw__config_init(aw__config *c, const char *path, aw_error *err) {
    c->path = path;
    c->err = err;
    const char *slash = strrchr(path, '/');
    c->dir = aw__strndup(path, slash ? (size_t)(slash - path) + 1 : 0);
    if (!c->dir) return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    return AW_OK;
}

void aw__config_fini(aw__config *c) {
    aw__strfree(c->dir);
    c->dir = NULL;
}

aw_status aw__config_fail(aw__config *c, aw_status status, uint32_t line, const char *section,
                          const char *key, const char *fmt, ...) {
    if (!c->err) return status;
    char problem[AW_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    char where[24] = "";
    if (line) snprintf(where, sizeof where, ":%u", line);
    char label[160] = "";
    if (section || key)
        snprintf(label, sizeof label, "%s%s%s: ", section ? section : "", section && key ? " " : "",
                 key ? key : "");
    aw__error_at_line(c->err, status, line, 0, "%s%s: %s%s", c->path, where, label, problem);
    return status;
}

aw_status aw__config_parse_text(aw__config *c, const char *text, size_t len,
                                aw__toml_value **root) {
    aw_error inner;
    aw_status s = aw__toml_parse(text, len, root, &inner);
    if (s == AW_OK) return AW_OK;
    if (s == AW_NO_MEMORY) return aw__error_set(c->err, s, "%s: out of memory", c->path);
    if (c->err) {
        aw__error_at_line(c->err, s, inner.line, inner.column, "%s:%u:%u: %s", c->path, inner.line,
                          inner.column, inner.message);
        c->err->offset = inner.offset;
    }
    return s;
}

aw_status aw__config_parse_file(aw__config *c, aw__toml_value **root) {
    *root = NULL;
    uint8_t *data;
    size_t len;
    aw_status s = aw__file_read(c->path, &data, &len);
    if (s != AW_OK)
        return aw__error_set(c->err, s, "%s: cannot read the file (%s)", c->path,
                             aw_status_text(s));
    s = aw__config_parse_text(c, (const char *)data, len, root);
    aw__free(data, len + 1);
    return s;
}

const aw__toml_entry *aw__config_entry(const aw__toml_value *table, const char *key) {
    return aw__toml_get_entry(table, key, strlen(key));
}

static aw_status wrong_type(aw__config *c, const aw__toml_entry *e, const char *section,
                            const char *key, const char *want) {
    return aw__config_fail(c, AW_MALFORMED, e->line, section, key, "must be %s (found %s)", want,
                           aw__toml_type_name(e->value->type));
}

aw_status aw__config_table(aw__config *c, const aw__toml_value *parent, const char *section,
                           const char *key, bool required, const aw__toml_value **out) {
    *out = NULL;
    const aw__toml_entry *e = aw__config_entry(parent, key);
    if (!e) {
        if (required)
            return aw__config_fail(c, AW_MALFORMED, 0, section, NULL,
                                   "required section is missing");
        return AW_OK;
    }
    if (e->value->type != AW__TOML_TABLE) return wrong_type(c, e, section, NULL, "a table");
    *out = e->value;
    return AW_OK;
}

static void join_names(const char *const *names, const char *before, const char *after, char *buf,
                       size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (const char *const *k = names; *k && n < size; k++) {
        int w = snprintf(buf + n, size - n, "%s%s%s%s", n ? ", " : "", before, *k, after);
        if (w < 0) break;
        n += (size_t)w;
    }
}

aw_status aw__config_known_keys(aw__config *c, const aw__toml_value *table, const char *section,
                                const char *const *keys) {
    for (size_t i = 0; i < aw__toml_len(table); i++) {
        const aw__toml_entry *e = aw__toml_entry_at(table, i);
        bool known = false;
        for (const char *const *k = keys; *k && !known; k++)
            known = strlen(*k) == e->key_len && memcmp(*k, e->key, e->key_len) == 0;
        if (known) continue;
        char allowed[160];
        join_names(keys, "", "", allowed, sizeof allowed);
        return aw__config_fail(c, AW_MALFORMED, e->line, section, NULL,
                               "unknown key '%.*s' (known keys: %s)",
                               (int)(e->key_len > 64 ? 64 : e->key_len), e->key, allowed);
    }
    return AW_OK;
}

aw_status aw__config_known_sections(aw__config *c, const aw__toml_value *root,
                                    const char *const *sections) {
    for (size_t i = 0; i < aw__toml_len(root); i++) {
        const aw__toml_entry *e = aw__toml_entry_at(root, i);
        bool known = false;
        for (const char *const *k = sections; *k && !known; k++)
            known = strlen(*k) == e->key_len && memcmp(*k, e->key, e->key_len) == 0;
        if (known) continue;
        char allowed[160];
        join_names(sections, "[", "]", allowed, sizeof allowed);
        int n = (int)(e->key_len > 64 ? 64 : e->key_len);
        if (e->value->type == AW__TOML_TABLE || e->value->type == AW__TOML_ARRAY)
            return aw__config_fail(c, AW_MALFORMED, e->line, NULL, NULL,
                                   "[%.*s]: unknown section (known sections: %s)", n, e->key,
                                   allowed);
        return aw__config_fail(c, AW_MALFORMED, e->line, NULL, NULL,
                               "%.*s: a key outside any section (settings belong in one of %s)", n,
                               e->key, allowed);
    }
    return AW_OK;
}

/* Checks a string value: not empty, no NUL; copies it. */
static aw_status copy_string(aw__config *c, const aw__toml_value *v, const char *section,
                             const char *key, char **out) {
    const char *s;
    size_t len;
    if (!aw__toml_string(v, &s, &len))
        return aw__config_fail(c, AW_MALFORMED, v->line, section, key,
                               "must be a string (found %s)", aw__toml_type_name(v->type));
    if (len == 0)
        return aw__config_fail(c, AW_MALFORMED, v->line, section, key, "must not be empty");
    if (memchr(s, '\0', len))
        return aw__config_fail(c, AW_MALFORMED, v->line, section, key,
                               "must not contain a NUL character");
    char *copy = aw__strndup(s, len);
    if (!copy) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    *out = copy;
    return AW_OK;
}

aw_status aw__config_string(aw__config *c, const aw__toml_value *table, const char *section,
                            const char *key, bool required, char **out) {
    const aw__toml_entry *e = aw__config_entry(table, key);
    if (!e) {
        if (!required) return AW_OK;
        return aw__config_fail(c, AW_MALFORMED, table ? table->line : 0, section, key,
                               "required key is missing");
    }
    return copy_string(c, e->value, section, key, out);
}

aw_status aw__config_integer(aw__config *c, const aw__toml_value *table, const char *section,
                             const char *key, int64_t min, int64_t max, int64_t *out) {
    const aw__toml_entry *e = aw__config_entry(table, key);
    if (!e) return AW_OK;
    int64_t v;
    if (!aw__toml_integer(e->value, &v)) return wrong_type(c, e, section, key, "an integer");
    if (v < min || v > max)
        return aw__config_fail(c, AW_MALFORMED, e->line, section, key,
                               "must be between %lld and %lld (found %lld)", (long long)min,
                               (long long)max, (long long)v);
    *out = v;
    return AW_OK;
}

aw_status aw__config_bool(aw__config *c, const aw__toml_value *table, const char *section,
                          const char *key, bool *out) {
    const aw__toml_entry *e = aw__config_entry(table, key);
    if (!e) return AW_OK;
    if (!aw__toml_bool(e->value, out)) return wrong_type(c, e, section, key, "true or false");
    return AW_OK;
}

/* "64 KiB" -> 65536; false when the text is not <digits>[ ]<unit>. */
static bool parse_size_text(const char *s, uint64_t *out) {
    uint64_t n = 0;
    const char *p = s;
    if (*p < '0' || *p > '9') return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (UINT64_MAX - 9) / 10) return false;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    if (*p == ' ') p++;
    static const struct {
        const char *unit;
        unsigned shift;
    } units[] = {{"", 0}, {"B", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(p, units[i].unit) != 0) continue;
        if (units[i].unit[0] == '\0' && p != s && p[-1] == ' ') return false;
        if (n > (UINT64_MAX >> units[i].shift)) return false;
        *out = n << units[i].shift;
        return true;
    }
    return false;
}

aw_status aw__config_size(aw__config *c, const aw__toml_value *table, const char *section,
                          const char *key, uint64_t min, uint64_t max, uint64_t *out) {
    const aw__toml_entry *e = aw__config_entry(table, key);
    if (!e) return AW_OK;
    uint64_t bytes;
    int64_t i;
    const char *s;
    size_t len;
    if (aw__toml_integer(e->value, &i)) {
        if (i < 0)
            return aw__config_fail(c, AW_MALFORMED, e->line, section, key,
                                   "must not be negative (found %lld)", (long long)i);
        bytes = (uint64_t)i;
    } else if (aw__toml_string(e->value, &s, &len)) {
        if (strlen(s) != len || !parse_size_text(s, &bytes))
            return aw__config_fail(c, AW_MALFORMED, e->line, section, key,
                                   "'%.40s' is not a size (write e.g. 65536, \"64 KiB\" or "
                                   "\"1 MiB\"; units B, KiB, MiB, GiB)",
                                   s);
    } else {
        return wrong_type(c, e, section, key, "a size in bytes (integer or string like \"1 MiB\")");
    }
    if (bytes < min || bytes > max)
        return aw__config_fail(c, AW_MALFORMED, e->line, section, key,
                               "must be between %llu and %llu bytes (found %llu)",
                               (unsigned long long)min, (unsigned long long)max,
                               (unsigned long long)bytes);
    *out = bytes;
    return AW_OK;
}

void aw__config_list_free(aw__config_list *list) {
    for (size_t i = 0; i < list->len; i++) aw__strfree(list->items[i]);
    aw__free(list->items, list->len * sizeof *list->items);
    list->items = NULL;
    list->len = 0;
}

aw_status aw__config_string_list(aw__config *c, const aw__toml_value *table, const char *section,
                                 const char *key, aw__config_list *out) {
    out->items = NULL;
    out->len = 0;
    const aw__toml_entry *e = aw__config_entry(table, key);
    if (!e) return AW_OK;
    if (e->value->type != AW__TOML_ARRAY)
        return wrong_type(c, e, section, key, "an array of strings");
    size_t n = aw__toml_len(e->value);
    if (n == 0) return AW_OK;
    char **items = aw__calloc(n, sizeof *items);
    if (!items) return aw__error_set(c->err, AW_NO_MEMORY, "out of memory");
    out->items = items;
    for (size_t i = 0; i < n; i++) {
        aw_status s = copy_string(c, aw__toml_at(e->value, i), section, key, &items[i]);
        if (s != AW_OK) {
            out->len = n; /* the NULL tail is fine for aw__strfree */
            aw__config_list_free(out);
            return s;
        }
    }
    out->len = n;
    return AW_OK;
}

bool aw__config_valid_id(const char *id) {
    size_t len = strlen(id);
    if (len == 0 || len > AW__CONFIG_ID_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char ch = id[i];
        bool alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && (i == 0 || (ch != '_' && ch != '-'))) return false;
    }
    return true;
}

char *aw__config_resolve(const aw__config *c, const char *path) {
    if (path[0] == '/' || c->dir[0] == '\0') return aw__strdup(path);
    size_t dir_len = strlen(c->dir), path_len = strlen(path);
    /* "./x" relative to "dir/" reads better as "dir/x". */
    while (path_len >= 2 && path[0] == '.' && path[1] == '/') {
        path += 2;
        path_len -= 2;
    }
    char *joined = aw__malloc(dir_len + path_len + 1);
    if (!joined) return NULL;
    memcpy(joined, c->dir, dir_len);
    memcpy(joined + dir_len, path, path_len + 1);
    return joined;
}
