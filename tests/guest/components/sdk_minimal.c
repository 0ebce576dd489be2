/* The smallest component: one handler that answers every message with its
 * own payload. Its module must export handle-message and nothing optional. */
#include <airwasm/guest.h>

static void on_message(const aw_message *msg, aw_reply *reply) {
    aw_reply_bytes(reply, msg->payload, msg->payload_len);
}
AW_ON_MESSAGE(on_message)
