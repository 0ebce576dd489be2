/* probe: the component the integration tests drive. It records every
 * ordinary message it receives (sender and payload bytes, in order) and every
 * request outcome that reaches its callback, and answers commands that make it
 * use each host function, so a test can both act through a component and read
 * back exactly what arrived.
 *
 * A command is a raw (0x55) payload whose body starts with '!' (or a JSON
 * string "!...", for probes that accept only JSON); fields are separated by
 * '\n' and the last field may hold any bytes:
 *   !dump                              reply: the log (format below)
 *   !records                           reply: number of log entries, decimal
 *   !send\n<target>\n<payload>         cast; reply: send-error (C enum), decimal
 *   !req\n<target>\n<ms>\n<payload>    send-request; reply: "<error> <id>"
 *   !reqcancel\n<target>\n<ms>\n<payload>
 *                                      send-request then cancel-request at once;
 *                                      reply: "<error> <cancelled 0/1>"
 *   !call\n<target>\n<ms>\n<payload>   call; logs a 'r' entry when it returns;
 *                                      reply: "<error>\n" + response bytes
 *   !await\n<target>\n<n>              calls target's !records until it is >= n
 *                                      (at most 5 s); reply: "<calls>" or error
 *   !pub\n<topic>\n<payload>           publish; reply: send-error, decimal
 *   !sub\n<pattern>                    subscribe; reply: send-error, decimal
 *   !busy\n<ms>                        burns fuel for ms milliseconds; reply "busy"
 *   !spin                              loops forever
 *   !trap                              traps (unreachable)
 *   !exit                              exit(7): wasi proc_exit
 *   !error\n<text>                     replies err(text)
 *   !self                              reply: self-id
 *   !print\n<text>                     printf's the text and a newline (WASI stdout)
 * Anything else is logged as an 'm' entry and answered with
 * 0x55 "re:" followed by the whole payload it got.
 *
 * Its shutdown export logs "shutdown after <n> records".
 *
 * At init, the environment variable SUBSCRIBE (from the manifest's [wasi]
 * env) lists patterns, separated by ',', to subscribe to.
 *
 * Log format (the !dump reply body): entries of
 *   u8 tag ('m' message, 'c' callback, 'r' call result),
 *   u32le n, n bytes of "who" (m: sender id; c: "<id> <error>"; r: "<error>"),
 *   u32le n, n bytes (m: payload; c and r: response payload, may be empty). */
#include <airwasm/guest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *log_bytes;
static size_t log_len, log_cap;
static uint32_t log_entries;

static void log_append(const void *data, size_t len) {
    if (log_len + len > log_cap) {
        size_t cap = log_cap ? log_cap : 256;
        while (cap < log_len + len) cap *= 2;
        uint8_t *grown = realloc(log_bytes, cap);
        if (!grown) __builtin_trap();
        log_bytes = grown;
        log_cap = cap;
    }
    memcpy(log_bytes + log_len, data, len);
    log_len += len;
}

static void log_field(const void *data, size_t len) {
    uint8_t n[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
    log_append(n, 4);
    if (len) log_append(data, len);
}

static void log_entry(char tag, const char *who, const void *bytes, size_t len) {
    uint8_t t = (uint8_t)tag;
    log_append(&t, 1);
    log_field(who, strlen(who));
    log_field(bytes, len);
    log_entries++;
}

/* Splits off the next '\n'-terminated field of [*p, end) into a C string. */
static bool next_field(const uint8_t **p, const uint8_t *end, char *out, size_t cap) {
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl || (size_t)(nl - *p) >= cap) return false;
    memcpy(out, *p, (size_t)(nl - *p));
    out[nl - *p] = '\0';
    *p = nl + 1;
    return true;
}

static const char *on_init(void) {
    const char *subs = getenv("SUBSCRIBE");
    if (!subs) return NULL;
    char pattern[256];
    while (*subs) {
        size_t n = strcspn(subs, ",");
        if (n == 0 || n >= sizeof pattern) return "bad SUBSCRIBE";
        memcpy(pattern, subs, n);
        pattern[n] = '\0';
        aw_send_error e = aw_subscribe(pattern);
        if (e != AW_SEND_OK) return aw_errorf("subscribe %s: %s", pattern, aw_send_error_name(e));
        subs += n;
        if (*subs == ',') subs++;
    }
    return NULL;
}
AW_ON_INIT(on_init)

static void on_callback(const aw_response *response) {
    char who[64];
    snprintf(who, sizeof who, "%llu %d", (unsigned long long)response->id, (int)response->error);
    log_entry('c', who, response->payload, response->error == AW_REQUEST_OK ? response->payload_len : 0);
}
AW_ON_CALLBACK(on_callback)

static void on_shutdown(void) {
    aw_logf(AW_LOG_INFO, "shutdown after %u records", log_entries);
}
AW_ON_SHUTDOWN(on_shutdown)

static void reply_text(aw_reply *reply, const char *text) {
    aw_reply_codec(reply, AW_CODEC_RAW, text, strlen(text));
}

static void burn(uint64_t ms) {
    uint64_t until = aw_now_millis() + ms;
    while (aw_now_millis() < until) {
    }
}

/* Calls target's !records until it reports at least n; returns the number of
 * calls, or 0 after 5 s or a failed call. */
static unsigned await_records(const char *target, unsigned long n) {
    static const uint8_t ask[] = {0x55, '!', 'r', 'e', 'c', 'o', 'r', 'd', 's'};
    uint64_t give_up = aw_now_millis() + 5000;
    for (unsigned calls = 1; aw_now_millis() < give_up; calls++) {
        aw_buffer got;
        if (aw_call(target, ask, sizeof ask, 1000, &got) != AW_REQUEST_OK) return 0;
        unsigned long have = got.len > 1 ? strtoul((const char *)got.ptr + 1, NULL, 10) : 0;
        aw_buffer_free(&got);
        if (have >= n) return calls;
    }
    return 0;
}

/* Runs the command in [body, body + len); a NUL or '"' follows it. */
static void command(const uint8_t *body, size_t len, aw_reply *reply) {
    const uint8_t *p = body, *end = body + len;
    char name[16], target[256], number[32], text[64];
    if (!next_field(&p, end, name, sizeof name)) {
        size_t n = len < sizeof name - 1 ? len : sizeof name - 1;
        memcpy(name, body, n);
        name[n] = '\0';
        p = end;
    }
    if (strcmp(name, "!dump") == 0) {
        aw_reply_codec(reply, AW_CODEC_RAW, log_bytes, log_len);
    } else if (strcmp(name, "!records") == 0) {
        snprintf(text, sizeof text, "%u", log_entries);
        reply_text(reply, text);
    } else if (strcmp(name, "!send") == 0 && next_field(&p, end, target, sizeof target)) {
        snprintf(text, sizeof text, "%d", (int)aw_send(target, p, (size_t)(end - p)));
        reply_text(reply, text);
    } else if ((strcmp(name, "!req") == 0 || strcmp(name, "!reqcancel") == 0) &&
               next_field(&p, end, target, sizeof target) &&
               next_field(&p, end, number, sizeof number)) {
        aw_request_id id = 0;
        uint32_t ms = (uint32_t)strtoul(number, NULL, 10);
        aw_send_error e = aw_request(target, p, (size_t)(end - p), ms, &id);
        if (strcmp(name, "!req") == 0) {
            snprintf(text, sizeof text, "%d %llu", (int)e, (unsigned long long)id);
        } else {
            bool cancelled = e == AW_SEND_OK && aw_cancel(id);
            snprintf(text, sizeof text, "%d %d", (int)e, cancelled ? 1 : 0);
        }
        reply_text(reply, text);
    } else if (strcmp(name, "!call") == 0 && next_field(&p, end, target, sizeof target) &&
               next_field(&p, end, number, sizeof number)) {
        aw_buffer got;
        aw_request_error e = aw_call(target, p, (size_t)(end - p),
                                     (uint32_t)strtoul(number, NULL, 10), &got);
        snprintf(text, sizeof text, "%d", (int)e);
        log_entry('r', text, got.ptr, got.len);
        size_t head = strlen(text);
        uint8_t *out = malloc(1 + head + 1 + got.len);
        if (!out) __builtin_trap();
        out[0] = 0x55;
        memcpy(out + 1, text, head);
        out[1 + head] = '\n';
        memcpy(out + 2 + head, got.ptr, got.len);
        aw_reply_bytes(reply, out, 2 + head + got.len);
        free(out);
        aw_buffer_free(&got);
    } else if (strcmp(name, "!await") == 0 && next_field(&p, end, target, sizeof target)) {
        /* The body is NUL-terminated, so the last field reads as a C string. */
        unsigned calls = await_records(target, strtoul((const char *)p, NULL, 10));
        if (calls == 0) {
            aw_reply_error(reply, "await gave up");
        } else {
            snprintf(text, sizeof text, "%u", calls);
            reply_text(reply, text);
        }
    } else if (strcmp(name, "!pub") == 0 && next_field(&p, end, target, sizeof target)) {
        snprintf(text, sizeof text, "%d", (int)aw_publish(target, p, (size_t)(end - p)));
        reply_text(reply, text);
    } else if (strcmp(name, "!sub") == 0 && (size_t)(end - p) < sizeof target) {
        memcpy(target, p, (size_t)(end - p));
        target[end - p] = '\0';
        snprintf(text, sizeof text, "%d", (int)aw_subscribe(target));
        reply_text(reply, text);
    } else if (strcmp(name, "!busy") == 0) {
        burn(strtoull((const char *)p, NULL, 10));
        reply_text(reply, "busy");
    } else if (strcmp(name, "!spin") == 0) {
        for (volatile unsigned i = 0;; i++) {
        }
    } else if (strcmp(name, "!trap") == 0) {
        __builtin_trap();
    } else if (strcmp(name, "!exit") == 0) {
        exit(7);
    } else if (strcmp(name, "!error") == 0) {
        aw_reply_errorf(reply, "%.*s", (int)(end - p), (const char *)p);
    } else if (strcmp(name, "!print") == 0) {
        printf("%.*s\n", (int)(end - p), (const char *)p);
        fflush(stdout);
        reply_text(reply, "printed");
    } else if (strcmp(name, "!self") == 0) {
        reply_text(reply, aw_self_id());
    } else {
        aw_reply_errorf(reply, "bad command %s", name);
    }
}

static void on_message(const aw_message *msg, aw_reply *reply) {
    if (msg->codec == AW_CODEC_RAW && msg->body_len > 0 && msg->body[0] == '!') {
        command(msg->body, msg->body_len, reply);
        return;
    }
    /* A JSON string "!..." is a command too, for probes that accept only
     * (well-formed) JSON; no escapes, so only commands without fields. */
    if (msg->codec == AW_CODEC_JSON && msg->body_len >= 3 && msg->body[0] == '"' &&
        msg->body[1] == '!' && msg->body[msg->body_len - 1] == '"') {
        command(msg->body + 1, msg->body_len - 2, reply);
        return;
    }
    log_entry('m', msg->sender, msg->payload, msg->payload_len);
    uint8_t *out = malloc(msg->payload_len + 4);
    if (!out) __builtin_trap();
    memcpy(out, "\x55re:", 4);
    memcpy(out + 4, msg->payload, msg->payload_len);
    aw_reply_bytes(reply, out, msg->payload_len + 4);
    free(out);
}
AW_ON_MESSAGE(on_message)
