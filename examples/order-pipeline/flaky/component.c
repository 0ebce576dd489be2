/* flaky: a shipping-label printer with a bug. It prints a label for each
 * billed order, but a message marked "poison" makes it trap. Its supervisor
 * restarts it with a fresh instance (the label counter starts again at 0)
 * and the messages queued behind the poison are still delivered, because the
 * mailbox survives the restart. */
#include <airwasm/guest.h>

#include "../common/order_json.h"

#include <stdio.h>

static unsigned labels; /* since this instance started */

static const char *on_init(void) {
    aw_logf(AW_LOG_INFO, "label printer up (a restart resets the count)");
    return NULL;
}
AW_ON_INIT(on_init)

static void on_message(const aw_message *msg, aw_reply *reply) {
    const char *body = msg->codec == AW_CODEC_JSON ? (const char *)msg->body : "";
    if (json_true(body, "poison")) {
        aw_logf(AW_LOG_ERROR, "poison message from %s after %u labels: trapping", msg->sender,
                labels);
        __builtin_trap();
    }
    int64_t order = -1;
    json_int(body, "order", &order);
    labels++;
    printf("label %u: order %lld\n", labels, (long long)order);
    fflush(stdout);
    aw_reply_jsonf(reply, "{\"order\":%lld,\"label\":%u}", (long long)order, labels);
}
AW_ON_MESSAGE(on_message)
