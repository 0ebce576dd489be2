/* Replies to every message with how the SDK split its payload:
 * "<codec>:<body_len>:<body>" (raw bytes, no prefix). A raw body "E" asks for
 * an error reply, "N" for no reply at all (ok with an empty list). */
#include <airwasm/guest.h>

#include <stdio.h>
#include <string.h>

static void on_message(const aw_message *msg, aw_reply *reply) {
    if (msg->codec == AW_CODEC_RAW && msg->body_len == 1 && msg->body[0] == 'E') {
        aw_reply_error(reply, "asked for an error");
        return;
    }
    if (msg->codec == AW_CODEC_RAW && msg->body_len == 1 && msg->body[0] == 'N') return;
    char text[128];
    int n = snprintf(text, sizeof text, "%llu:%zu:", (unsigned long long)msg->codec, msg->body_len);
    size_t room = sizeof text - (size_t)n;
    size_t take = msg->body_len < room ? msg->body_len : room;
    memcpy(text + n, msg->body, take);
    aw_reply_bytes(reply, text, (size_t)n + take);
}
AW_ON_MESSAGE(on_message)
