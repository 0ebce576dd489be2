/* bench_peer: one side of the component benchmarks (bench_component.c).
 * Its peer's id comes from the PEER environment variable. Messages are raw
 * payloads (0x55) whose first body byte says what to do:
 *   F<n>  flood: cast n 'f' messages to the peer
 *   f     a flood message: counted
 *   S<n>  ping-pong: cast 'p' to the peer, n round trips in all
 *   p     ping: cast 'o' back to the sender
 *   o     pong: the next ping, or done
 *   R<n>  n send-requests 'q' to the peer, one after the other (callbacks)
 *   K<n>  n synchronous calls 'q' to the peer
 *   q     a request: answered with an empty ok
 *   C     reply: the count of 'f' messages, decimal (and reset it)
 * Anything else (an empty payload included) is ignored. */
#include <airwasm/guest.h>

#include <stdio.h>
#include <stdlib.h>

static const char *peer;
static uint64_t flood_count, remaining;

static const uint8_t flood_msg[] = {0x55, 'f'};
static const uint8_t ping_msg[] = {0x55, 'p'};
static const uint8_t pong_msg[] = {0x55, 'o'};
static const uint8_t request_msg[] = {0x55, 'q'};

static const char *on_init(void) {
    peer = getenv("PEER");
    return NULL;
}
AW_ON_INIT(on_init)

static void next_request(void) {
    aw_request_id id;
    if (remaining > 0) {
        remaining--;
        if (aw_request(peer, request_msg, sizeof request_msg, 10000, &id) != AW_SEND_OK)
            remaining = 0;
    }
}

static void on_callback(const aw_response *response) {
    if (response->error == AW_REQUEST_OK) next_request();
}
AW_ON_CALLBACK(on_callback)

static void on_message(const aw_message *msg, aw_reply *reply) {
    if (msg->body_len == 0 || msg->codec != AW_CODEC_RAW) return;
    uint64_t n = msg->body_len > 1 ? strtoull((const char *)msg->body + 1, NULL, 10) : 0;
    switch (msg->body[0]) {
        case 'F':
            for (uint64_t i = 0; i < n;) {
                aw_send_error e = aw_send(peer, flood_msg, sizeof flood_msg);
                if (e == AW_SEND_OK)
                    i++;
                else if (e != AW_SEND_MAILBOX_FULL)
                    break;
            }
            break;
        case 'f':
            flood_count++;
            break;
        case 'S':
            remaining = n;
            if (remaining > 0) aw_send(peer, ping_msg, sizeof ping_msg);
            break;
        case 'p':
            aw_send(msg->sender, pong_msg, sizeof pong_msg);
            break;
        case 'o':
            if (remaining > 0 && --remaining > 0) aw_send(peer, ping_msg, sizeof ping_msg);
            break;
        case 'R':
            remaining = n;
            next_request();
            break;
        case 'K':
            for (uint64_t i = 0; i < n; i++) {
                aw_buffer got;
                if (aw_call(peer, request_msg, sizeof request_msg, 10000, &got) != AW_REQUEST_OK)
                    break;
                aw_buffer_free(&got);
            }
            break;
        case 'C': {
            char text[32];
            int len = snprintf(text, sizeof text, "%llu", (unsigned long long)flood_count);
            flood_count = 0;
            aw_reply_codec(reply, AW_CODEC_RAW, text, (size_t)len);
            break;
        }
        default:
            break;
    }
}
AW_ON_MESSAGE(on_message)
