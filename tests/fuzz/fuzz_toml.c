/* libFuzzer target: the TOML parser on arbitrary bytes; a tree that parses is
 * walked completely (every getter, every date formatted) and freed. */
#include "policy/toml.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const aw__toml_value *v, unsigned depth) {
    size_t n = 1;
    char text[64];
    const char *s;
    size_t len;
    int64_t i;
    double d;
    bool b;
    aw__toml_datetime dt;
    if (depth > AW__TOML_MAX_DEPTH + 2) __builtin_trap(); /* the limit must hold */
    (void)aw__toml_string(v, &s, &len);
    (void)aw__toml_integer(v, &i);
    (void)aw__toml_float(v, &d);
    (void)aw__toml_bool(v, &b);
    if (aw__toml_datetime_of(v, &dt)) n += aw__toml_datetime_format(v, text, sizeof text);
    if (v->type == AW__TOML_ARRAY)
        for (size_t k = 0; k < aw__toml_len(v); k++) n += walk(aw__toml_at(v, k), depth + 1);
    if (v->type == AW__TOML_TABLE)
        for (size_t k = 0; k < aw__toml_len(v); k++) {
            const aw__toml_entry *e = aw__toml_entry_at(v, k);
            if (aw__toml_get_entry(v, e->key, e->key_len) == NULL) __builtin_trap();
            n += walk(e->value, depth + 1);
        }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aw__toml_value *root;
    aw_error err;
    if (aw__toml_parse((const char *)data, size, &root, &err) == AW_OK) {
        (void)walk(root, 0);
        aw__toml_free(root);
    } else if (err.line == 0 && err.status == AW_PARSE_ERROR) {
        __builtin_trap(); /* every parse error carries a position */
    }
    return 0;
}
