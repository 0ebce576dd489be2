/* audit-log: the first subscriber of orders.*: writes every event it gets,
 * numbered, to stdout (wasi fd_write, which the host tags with the component
 * id) and counts them. */
#include <airwasm/guest.h>

#include "../common/audit_subscriber.h"

#include <stdio.h>

static unsigned long events;

static const char *on_init(void) {
    return audit_subscribe();
}
AW_ON_INIT(on_init)

static void on_message(const aw_message *msg, aw_reply *reply) {
    (void)reply;
    events++;
    if (msg->codec == AW_CODEC_JSON)
        printf("audit #%lu from %s: %s\n", events, msg->sender, (const char *)msg->body);
    else
        printf("audit #%lu from %s: %zu bytes of %s\n", events, msg->sender, msg->body_len,
               aw_codec_name(msg->codec) ? aw_codec_name(msg->codec) : "unknown codec");
    fflush(stdout);
}
AW_ON_MESSAGE(on_message)

static void on_shutdown(void) {
    aw_logf(AW_LOG_INFO, "audit-log: %lu events", events);
}
AW_ON_SHUTDOWN(on_shutdown)
