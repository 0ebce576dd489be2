/* A component written in C against the raw core ABI (no SDK), built by
 * clang-19 for wasm32-wasi as a wasi-libc reactor: it proves the host runs
 * what a real toolchain emits (_initialize, malloc-backed cabi_realloc,
 * printf through fd_write, getenv through environ_get). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST(name) __attribute__((import_module("airwasm:component/host@0.1.0"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))
#define LIFECYCLE "airwasm:component/lifecycle@0.1.0#"

HOST("self-id") void host_self_id(uint32_t *ret);
HOST("send-message")
void host_send_message(const char *target, size_t target_len, const uint8_t *payload, size_t len,
                       uint8_t *ret);

typedef struct result_record {
    uint8_t disc;
    uint8_t *ptr;
    uint32_t len;
} result_record;

static result_record result;
static int messages;
static const char *greeting = "hi";

EXPORT("cabi_realloc") void *cabi_realloc(void *old, size_t old_size, size_t align, size_t size) {
    (void)old_size;
    (void)align; /* malloc's alignment (16) covers every canonical ABI alignment */
    if (size == 0) return (void *)align;
    return realloc(old, size);
}

EXPORT(LIFECYCLE "init") result_record *component_init(void) {
    const char *g = getenv("GREETING");
    if (g != NULL) greeting = g;
    printf("init: greeting is %s\n", greeting);
    result.disc = 0;
    return &result;
}

/* Answers "<greeting> <sender> #<n>: <payload>"; a payload starting with '>'
 * is also forwarded to the target named after it (up to a space). */
EXPORT(LIFECYCLE "handle-message")
result_record *handle_message(char *sender, size_t sender_len, uint8_t *payload, size_t len) {
    messages++;
    if (len > 0 && payload[0] == '>') {
        size_t t = 1;
        while (t < len && payload[t] != ' ') t++;
        uint8_t ret[2];
        host_send_message((const char *)payload + 1, t - 1, payload + t, len - t, ret);
        printf("forwarded to %.*s: %s\n", (int)(t - 1), (const char *)payload + 1,
               ret[0] == 0 ? "ok" : "failed");
    }
    size_t cap = strlen(greeting) + sender_len + len + 32;
    char *out = malloc(cap);
    int n = snprintf(out, cap, "%s %.*s #%d: ", greeting, (int)sender_len, sender, messages);
    memcpy(out + n, payload, len);
    /* Empty arguments came from cabi_realloc's size-0 answer, not malloc. */
    if (sender_len > 0) free(sender);
    if (len > 0) free(payload);
    result.disc = 0;
    result.ptr = (uint8_t *)out;
    result.len = (uint32_t)(n + (int)len);
    return &result;
}

EXPORT("cabi_post_" LIFECYCLE "handle-message") void handle_message_post(result_record *r) {
    free(r->ptr);
}

/* The self-id import, lowered by the host with this module's cabi_realloc. */
EXPORT(LIFECYCLE "health") result_record *health(void) {
    uint32_t id[2];
    host_self_id(id);
    printf("health asked of %.*s\n", (int)id[1], (const char *)(uintptr_t)id[0]);
    free((void *)(uintptr_t)id[0]);
    result.disc = 0;
    return &result;
}
