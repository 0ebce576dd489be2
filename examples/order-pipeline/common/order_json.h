/* Just enough JSON for the example components: reading top-level fields of
 * the flat objects they exchange. Message bodies from the SDK end in a NUL,
 * so they can be scanned as C strings. Not a general JSON parser. */
#ifndef ORDER_JSON_H
#define ORDER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Finds "key": in json and returns the first character of its value. */
static inline const char *json_value(const char *json, const char *key) {
    size_t klen = strlen(key);
    for (const char *p = strchr(json, '"'); p; p = strchr(p + 1, '"')) {
        if (strncmp(p + 1, key, klen) == 0 && p[klen + 1] == '"') {
            const char *v = p + klen + 2;
            while (*v == ' ') v++;
            if (*v != ':') continue;
            v++;
            while (*v == ' ') v++;
            return v;
        }
    }
    return NULL;
}

/* A non-negative integer field; false if absent or not a number. */
static inline bool json_int(const char *json, const char *key, int64_t *out) {
    const char *v = json_value(json, key);
    if (!v || *v < '0' || *v > '9') return false;
    int64_t n = 0;
    for (; *v >= '0' && *v <= '9'; v++) {
        if (n > (INT64_MAX - 9) / 10) return false;
        n = n * 10 + (*v - '0');
    }
    *out = n;
    return true;
}

/* A string field without escapes, copied into out (cap bytes with the NUL). */
static inline bool json_str(const char *json, const char *key, char *out, size_t cap) {
    const char *v = json_value(json, key);
    if (!v || *v != '"') return false;
    v++;
    size_t n = 0;
    for (; v[n] && v[n] != '"'; n++)
        if (v[n] == '\\' || n + 1 >= cap) return false;
    if (v[n] != '"') return false;
    memcpy(out, v, n);
    out[n] = 0;
    return true;
}

/* A boolean field that is present and true. */
static inline bool json_true(const char *json, const char *key) {
    const char *v = json_value(json, key);
    return v && strncmp(v, "true", 4) == 0;
}

#endif
