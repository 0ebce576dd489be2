/* A component using every part of the guest SDK: all lifecycle handlers and
 * every host function, so its module shows the complete world. */
#include <airwasm/guest.h>

#include <stdio.h>

static unsigned messages;

static const char *on_init(void) {
    if (aw_subscribe("sdk.>") != AW_SEND_OK) return aw_errorf("%s: cannot subscribe", aw_self_id());
    return NULL;
}
AW_ON_INIT(on_init)

static void on_message(const aw_message *msg, aw_reply *reply) {
    messages++;
    printf("%s got %zu bytes from %s\n", aw_self_id(), msg->payload_len, msg->sender);
    aw_buffer answer;
    aw_request_error e = aw_call_json("peer", "{\"q\":1}", 100, &answer);
    if (e != AW_REQUEST_OK) {
        aw_reply_errorf(reply, "peer: %s", aw_request_error_name(e));
        return;
    }
    aw_request_id id;
    if (aw_request_json("peer", "{\"q\":2}", 100, &id) == AW_SEND_OK && msg->codec == AW_CODEC_RAW)
        aw_cancel(id);
    aw_send_json("peer", "{\"cast\":true}");
    aw_send_raw("peer", "x", 1);
    aw_publish_json("events.sdk", "{\"seen\":1}"); /* not sdk.>: no loop */
    aw_logf(AW_LOG_INFO, "at %llu", (unsigned long long)aw_now_millis());
    aw_reply_bytes(reply, answer.ptr, answer.len);
    aw_buffer_free(&answer);
}
AW_ON_MESSAGE(on_message)

static void on_callback(const aw_response *response) {
    aw_logf(AW_LOG_DEBUG, "callback %llu: %s", (unsigned long long)response->id,
            aw_request_error_name(response->error));
}
AW_ON_CALLBACK(on_callback)

static aw_health on_health(void) {
    return (aw_health){messages ? AW_HEALTHY : AW_DEGRADED, "no message yet"};
}
AW_ON_HEALTH(on_health)

static void on_shutdown(void) {
    aw_log(AW_LOG_INFO, "bye");
}
AW_ON_SHUTDOWN(on_shutdown)
