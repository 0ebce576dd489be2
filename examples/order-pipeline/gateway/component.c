/* gateway: the front door. Takes orders from outside (the host, or any
 * component), announces them on the topic orders.audit, and asks billing with
 * an asynchronous request; billing's answer arrives in on_callback, which
 * publishes the outcome and, for a billed order, casts a shipping label job
 * to the flaky label printer. */
#include <airwasm/guest.h>

#include "../common/order_json.h"

#include <stdio.h>

#define AUDIT_TOPIC "orders.audit"
#define MAX_PENDING 64

/* Requests to billing still waiting for their callback. */
static struct {
    aw_request_id id;
    int64_t order;
    bool used;
} pending[MAX_PENDING];
static unsigned pending_count, received, malformed;

static void audit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void audit(const char *fmt, ...) {
    char event[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(event, sizeof event, fmt, args);
    va_end(args);
    aw_send_error e = aw_publish_json(AUDIT_TOPIC, event);
    if (e != AW_SEND_OK) aw_logf(AW_LOG_WARN, "publish %s: %s", AUDIT_TOPIC, aw_send_error_name(e));
}

static bool remember(aw_request_id id, int64_t order) {
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (!pending[i].used) {
            pending[i].id = id;
            pending[i].order = order;
            pending[i].used = true;
            pending_count++;
            return true;
        }
    return false;
}

static bool forget(aw_request_id id, int64_t *order) {
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (pending[i].used && pending[i].id == id) {
            pending[i].used = false;
            pending_count--;
            *order = pending[i].order;
            return true;
        }
    return false;
}

static void on_message(const aw_message *msg, aw_reply *reply) {
    const char *body = (const char *)msg->body;
    int64_t order = 0, qty = 0;
    char item[32];
    if (msg->codec != AW_CODEC_JSON || !json_int(body, "order", &order) ||
        !json_str(body, "item", item, sizeof item) || !json_int(body, "qty", &qty) || qty == 0) {
        malformed++;
        audit("{\"stage\":\"malformed\",\"from\":\"%s\"}", msg->sender);
        aw_reply_errorf(reply, "not an order (want json {order, item, qty}): %s",
                        msg->codec == AW_CODEC_JSON ? body : "(not json)");
        return;
    }
    received++;
    audit("{\"order\":%lld,\"stage\":\"received\",\"item\":\"%s\",\"qty\":%lld}", (long long)order,
          item, (long long)qty);

    aw_request_id id;
    aw_send_error e = pending_count < MAX_PENDING
                          ? aw_request("billing", msg->payload, msg->payload_len, 2000, &id)
                          : AW_SEND_MAILBOX_FULL;
    if (e != AW_SEND_OK) {
        audit("{\"order\":%lld,\"stage\":\"failed\",\"reason\":\"billing %s\"}", (long long)order,
              aw_send_error_name(e));
        aw_reply_errorf(reply, "order %lld: billing unavailable (%s)", (long long)order,
                        aw_send_error_name(e));
        return;
    }
    remember(id, order);
    aw_logf(AW_LOG_INFO, "order %lld from %s: %lld x %s sent to billing", (long long)order,
            msg->sender, (long long)qty, item);
    aw_reply_jsonf(reply, "{\"order\":%lld,\"accepted\":true}", (long long)order);
}
AW_ON_MESSAGE(on_message)

static void on_callback(const aw_response *response) {
    int64_t order = 0;
    if (!forget(response->id, &order)) {
        aw_logf(AW_LOG_WARN, "callback for unknown request %llu", (unsigned long long)response->id);
        return;
    }
    if (response->error != AW_REQUEST_OK) {
        audit("{\"order\":%lld,\"stage\":\"failed\",\"reason\":\"%s\"}", (long long)order,
              aw_request_error_name(response->error));
        return;
    }
    const char *body = (const char *)response->body;
    char status[16] = "unknown";
    int64_t amount = 0;
    json_str(body, "status", status, sizeof status);
    if (strcmp(status, "billed") == 0 && json_int(body, "amount", &amount)) {
        audit("{\"order\":%lld,\"stage\":\"billed\",\"amount\":%lld}", (long long)order,
              (long long)amount);
        char job[64];
        snprintf(job, sizeof job, "{\"order\":%lld,\"label\":true}", (long long)order);
        aw_send_error e = aw_send_json("flaky", job);
        if (e != AW_SEND_OK)
            aw_logf(AW_LOG_WARN, "label for order %lld: %s", (long long)order,
                    aw_send_error_name(e));
    } else {
        char reason[48] = "?";
        json_str(body, "reason", reason, sizeof reason);
        audit("{\"order\":%lld,\"stage\":\"%s\",\"reason\":\"%s\"}", (long long)order, status,
              reason);
    }
}
AW_ON_CALLBACK(on_callback)

static aw_health on_health(void) {
    if (pending_count > MAX_PENDING / 2)
        return (aw_health){AW_DEGRADED, aw_errorf("%u orders waiting for billing", pending_count)};
    return (aw_health){AW_HEALTHY, NULL};
}
AW_ON_HEALTH(on_health)

static void on_shutdown(void) {
    aw_logf(AW_LOG_INFO, "%u orders received, %u malformed, %u still pending", received, malformed,
            pending_count);
}
AW_ON_SHUTDOWN(on_shutdown)
