/* billing: prices an order. For each order request it reserves the goods
 * with a synchronous aw_call to inventory (only this component waits; the
 * worker thread runs other actors meanwhile) and answers billed or rejected. */
#include <airwasm/guest.h>

#include "../common/order_json.h"

#include <stdio.h>

static const struct {
    const char *item;
    int64_t cents;
} prices[] = {{"widget", 250}, {"gadget", 1200}, {"gizmo", 799}};

static int64_t revenue_cents;
static unsigned billed, rejected;

static int64_t price_of(const char *item) {
    for (size_t i = 0; i < sizeof prices / sizeof prices[0]; i++)
        if (strcmp(prices[i].item, item) == 0) return prices[i].cents;
    return -1;
}

static void on_message(const aw_message *msg, aw_reply *reply) {
    const char *body = (const char *)msg->body;
    int64_t order = 0, qty = 0;
    char item[32];
    if (msg->codec != AW_CODEC_JSON || !json_int(body, "order", &order) ||
        !json_str(body, "item", item, sizeof item) || !json_int(body, "qty", &qty)) {
        aw_reply_errorf(reply, "billing: not an order: %s", body);
        return;
    }
    int64_t price = price_of(item);
    if (price < 0) {
        rejected++;
        aw_reply_jsonf(reply, "{\"order\":%lld,\"status\":\"rejected\",\"reason\":\"no price\"}",
                       (long long)order);
        return;
    }

    char request[128];
    snprintf(request, sizeof request,
             "{\"op\":\"reserve\",\"order\":%lld,\"item\":\"%s\",\"qty\":%lld}", (long long)order,
             item, (long long)qty);
    aw_buffer answer;
    aw_request_error e = aw_call_json("inventory", request, 500, &answer);
    if (e != AW_REQUEST_OK) {
        rejected++;
        aw_logf(AW_LOG_ERROR, "order %lld: inventory call failed: %s", (long long)order,
                aw_request_error_name(e));
        aw_reply_jsonf(reply, "{\"order\":%lld,\"status\":\"failed\",\"reason\":\"inventory %s\"}",
                       (long long)order, aw_request_error_name(e));
        return;
    }
    uint64_t codec;
    const uint8_t *answer_body;
    size_t answer_len;
    bool ok = aw_codec_split(answer.ptr, answer.len, &codec, &answer_body, &answer_len) &&
              codec == AW_CODEC_JSON && json_true((const char *)answer_body, "ok");
    aw_buffer_free(&answer);
    if (!ok) {
        rejected++;
        aw_reply_jsonf(reply,
                       "{\"order\":%lld,\"status\":\"rejected\",\"reason\":\"out of stock\"}",
                       (long long)order);
        return;
    }
    int64_t amount = price * qty;
    revenue_cents += amount;
    billed++;
    aw_logf(AW_LOG_INFO, "order %lld billed %lld.%02lld (revenue %lld.%02lld over %u orders)",
            (long long)order, (long long)(amount / 100), (long long)(amount % 100),
            (long long)(revenue_cents / 100), (long long)(revenue_cents % 100), billed);
    aw_reply_jsonf(reply, "{\"order\":%lld,\"status\":\"billed\",\"amount\":%lld}",
                   (long long)order, (long long)amount);
}
AW_ON_MESSAGE(on_message)

static aw_health on_health(void) {
    /* Mostly rejected orders usually mean the stock ran out. */
    if (rejected > 3 && rejected > billed)
        return (aw_health){AW_DEGRADED,
                           aw_errorf("%u of %u orders rejected", rejected, rejected + billed)};
    return (aw_health){AW_HEALTHY, NULL};
}
AW_ON_HEALTH(on_health)
