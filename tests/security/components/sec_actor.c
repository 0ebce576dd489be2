/* sec_actor: the C component of the hostile-component suite. The same module
 * plays the attacker, the victim, the bystander and the slow receiver; what
 * it does is chosen by raw (0x55) text commands, space-separated:
 *   send <target> [bytes]    cast of a raw payload of `bytes` bytes (default
 *                            1); reply: the send-error number (guest.h enum)
 *   flood <target> <n>       n casts; reply "ok=A full=B limited=C other=D"
 *   req <target>             send-request; reply: send-error number
 *   call <target>            call; reply: request-error number
 *   pub <topic> [bytes]      publish; reply: send-error number
 *   sub <pattern>            subscribe; reply: send-error number
 *   grow <pages>             memory.grow by one page at a time up to `pages`
 *                            times or a refusal; reply "pages=P refused=R"
 *   spin                     loops forever
 *   recurse                  recurses without bound
 *   count                    reply: ordinary messages received so far
 *   last                     reply: sender id of the last ordinary message
 *   self                     reply: self-id
 * Anything else is an ordinary message: counted, its sender remembered, and,
 * when the manifest's env sets SLOW_MS, answered only after burning that
 * many milliseconds of fuel (a slow receiver). */
#include <airwasm/guest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned received;
static char last_sender[256];
static unsigned slow_ms;

static const char *on_init(void) {
    const char *slow = getenv("SLOW_MS");
    if (slow) slow_ms = (unsigned)strtoul(slow, NULL, 10);
    return NULL;
}
AW_ON_INIT(on_init)

static void reply_text(aw_reply *reply, const char *text) {
    aw_reply_codec(reply, AW_CODEC_RAW, text, strlen(text));
}

static void reply_number(aw_reply *reply, unsigned long n) {
    char text[32];
    snprintf(text, sizeof text, "%lu", n);
    reply_text(reply, text);
}

static uint8_t *payload_of(size_t bytes) {
    uint8_t *p = malloc(bytes + 1);
    if (!p) return NULL;
    p[0] = AW_CODEC_RAW;
    memset(p + 1, 'x', bytes);
    return p;
}

static void burn(unsigned ms) {
    uint64_t until = aw_now_millis() + ms;
    volatile unsigned spin = 0;
    while (aw_now_millis() < until) spin++;
}

static volatile unsigned depth_sink;

/* Recurses until the stack runs out (the bound is never reached). */
static unsigned recurse(unsigned depth) {
    volatile unsigned frame[16];
    frame[depth % 16] = depth;
    depth_sink = frame[depth % 16];
    if (depth == 0xffffffffu) return 0;
    return recurse(depth + 1) + frame[(depth + 3) % 16];
}

static void on_message(const aw_message *msg, aw_reply *reply) {
    char cmd[512] = "", a[300] = "", b[64] = "";
    size_t n = msg->body_len < sizeof cmd - 1 ? msg->body_len : sizeof cmd - 1;
    if (msg->codec == AW_CODEC_RAW) memcpy(cmd, msg->body, n);
    cmd[n] = '\0';
    char verb[16] = "";
    int fields = sscanf(cmd, "%15s %299s %63s", verb, a, b);
    size_t bytes = fields >= 3 ? (size_t)strtoul(b, NULL, 10) : 1;

    if (strcmp(verb, "send") == 0 || strcmp(verb, "pub") == 0) {
        uint8_t *p = payload_of(bytes);
        if (!p) return (void)aw_reply_error(reply, "out of memory");
        aw_send_error e = verb[0] == 's' ? aw_send(a, p, bytes + 1) : aw_publish(a, p, bytes + 1);
        free(p);
        return reply_number(reply, (unsigned long)e);
    }
    if (strcmp(verb, "flood") == 0) {
        unsigned ok = 0, full = 0, limited = 0, other = 0;
        static const uint8_t one[] = {AW_CODEC_RAW, 'f'};
        for (size_t i = 0; i < bytes; i++) {
            aw_send_error e = aw_send(a, one, sizeof one);
            if (e == AW_SEND_OK) ok++;
            else if (e == AW_SEND_MAILBOX_FULL) full++;
            else if (e == AW_SEND_RATE_LIMITED) limited++;
            else other++;
        }
        char text[128];
        snprintf(text, sizeof text, "ok=%u full=%u limited=%u other=%u", ok, full, limited, other);
        return reply_text(reply, text);
    }
    if (strcmp(verb, "req") == 0) {
        static const uint8_t hi[] = {AW_CODEC_RAW, 'h', 'i'};
        aw_request_id id;
        return reply_number(reply, (unsigned long)aw_request(a, hi, sizeof hi, 1000, &id));
    }
    if (strcmp(verb, "call") == 0) {
        static const uint8_t hi[] = {AW_CODEC_RAW, 'h', 'i'};
        aw_buffer response;
        aw_request_error e = aw_call(a, hi, sizeof hi, 1000, &response);
        if (e == AW_REQUEST_OK) aw_buffer_free(&response);
        return reply_number(reply, (unsigned long)e);
    }
    if (strcmp(verb, "sub") == 0) return reply_number(reply, (unsigned long)aw_subscribe(a));
    if (strcmp(verb, "grow") == 0) {
        unsigned long want = strtoul(a, NULL, 10), refused = 0;
        for (unsigned long i = 0; i < want; i++)
            if (__builtin_wasm_memory_grow(0, 1) == (size_t)-1) {
                refused++;
                break;
            }
        char text[64];
        snprintf(text, sizeof text, "pages=%lu refused=%lu",
                 (unsigned long)__builtin_wasm_memory_size(0), refused);
        return reply_text(reply, text);
    }
    if (strcmp(verb, "spin") == 0)
        for (volatile unsigned i = 0;; i++) {
        }
    if (strcmp(verb, "recurse") == 0) return reply_number(reply, recurse(0));
    if (strcmp(verb, "count") == 0) return reply_number(reply, received);
    if (strcmp(verb, "last") == 0) return reply_text(reply, last_sender);
    if (strcmp(verb, "self") == 0) return reply_text(reply, aw_self_id());

    received++;
    size_t sl = msg->sender_len < sizeof last_sender - 1 ? msg->sender_len : sizeof last_sender - 1;
    memcpy(last_sender, msg->sender, sl);
    last_sender[sl] = '\0';
    if (slow_ms) burn(slow_ms);
    reply_text(reply, "got");
}
AW_ON_MESSAGE(on_message)
