/* toml-test decoder: reads TOML on stdin (or from a file argument), prints
 * toml-test's tagged JSON on stdout, exits 1 with the error on stderr. */
#include "policy/toml.h"

#include "base/alloc.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *tagged(const char *type, const char *value) {
    return json_pack("{s:s, s:s}", "type", type, "value", value);
}

static json_t *encode(const aw__toml_value *v) {
    char text[64];
    switch (v->type) {
        case AW__TOML_STRING: {
            json_t *s = json_stringn(v->as.string.bytes, v->as.string.len);
            return json_pack("{s:s, s:o}", "type", "string", "value", s);
        }
        case AW__TOML_INTEGER:
            snprintf(text, sizeof text, "%lld", (long long)v->as.integer);
            return tagged("integer", text);
        case AW__TOML_FLOAT:
            if (isnan(v->as.floating))
                snprintf(text, sizeof text, "nan");
            else if (isinf(v->as.floating))
                snprintf(text, sizeof text, "%sinf", v->as.floating < 0 ? "-" : "");
            else
                snprintf(text, sizeof text, "%.17g", v->as.floating);
            return tagged("float", text);
        case AW__TOML_BOOL:
            return tagged("bool", v->as.boolean ? "true" : "false");
        case AW__TOML_DATETIME:
        case AW__TOML_DATETIME_LOCAL:
        case AW__TOML_DATE_LOCAL:
        case AW__TOML_TIME_LOCAL: {
            static const char *const names[] = {"datetime", "datetime-local", "date-local",
                                                "time-local"};
            aw__toml_datetime_format(v, text, sizeof text);
            return tagged(names[v->type - AW__TOML_DATETIME], text);
        }
        case AW__TOML_ARRAY: {
            json_t *a = json_array();
            for (size_t i = 0; i < aw__toml_len(v); i++)
                json_array_append_new(a, encode(aw__toml_at(v, i)));
            return a;
        }
        case AW__TOML_TABLE: {
            json_t *o = json_object();
            for (size_t i = 0; i < aw__toml_len(v); i++) {
                const aw__toml_entry *e = aw__toml_entry_at(v, i);
                json_object_setn_new(o, e->key, e->key_len, encode(e->value));
            }
            return o;
        }
    }
    return json_null();
}

int main(int argc, char **argv) {
    FILE *in = argc > 1 ? fopen(argv[1], "rb") : stdin;
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    size_t n;
    while (text && (n = fread(text + len, 1, cap - len, in)) > 0) {
        len += n;
        if (len == cap) text = realloc(text, cap *= 2);
    }
    if (!text) return 2;
    aw__toml_value *root;
    aw_error err;
    aw_status s = aw__toml_parse(text, len, &root, &err);
    free(text);
    if (s != AW_OK) {
        fprintf(stderr, "%u:%u: %s\n", err.line, err.column, err.message);
        return 1;
    }
    json_t *doc = encode(root);
    aw__toml_free(root);
    json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
    fputc('\n', stdout);
    json_decref(doc);
    return 0;
}
