/* inventory: the stock of the shop. Answers requests (check, reserve) and
 * accepts restock casts; its stock table lives in the instance and persists
 * from one message to the next. */
#include <airwasm/guest.h>

#include "../common/order_json.h"

typedef struct item {
    const char *name;
    int64_t stock;
    int64_t reserved;
} item;

static item items[] = {
    {"widget", 10, 0},
    {"gadget", 4, 0},
    {"gizmo", 0, 0},
};

static item *find_item(const char *name) {
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        if (strcmp(items[i].name, name) == 0) return &items[i];
    return NULL;
}

static const char *on_init(void) {
    aw_logf(AW_LOG_INFO, "%s ready with %zu items", aw_self_id(), sizeof items / sizeof items[0]);
    return NULL;
}
AW_ON_INIT(on_init)

static void on_message(const aw_message *msg, aw_reply *reply) {
    if (msg->codec != AW_CODEC_JSON) {
        aw_reply_error(reply, "inventory speaks json");
        return;
    }
    const char *body = (const char *)msg->body;
    char op[16], name[32];
    int64_t qty = 0, order = 0;
    if (!json_str(body, "op", op, sizeof op) || !json_str(body, "item", name, sizeof name)) {
        aw_reply_errorf(reply, "want {\"op\":..,\"item\":..}, got %s", body);
        return;
    }
    item *it = find_item(name);
    if (!it) {
        aw_reply_jsonf(reply, "{\"ok\":false,\"item\":\"%s\",\"reason\":\"unknown item\"}", name);
        return;
    }
    if (strcmp(op, "check") == 0) {
        aw_reply_jsonf(reply, "{\"ok\":true,\"item\":\"%s\",\"stock\":%lld}", it->name,
                       (long long)it->stock);
    } else if (strcmp(op, "reserve") == 0 && json_int(body, "qty", &qty) && qty > 0) {
        json_int(body, "order", &order);
        if (qty > it->stock) {
            aw_logf(AW_LOG_WARN, "order %lld: %lld %s wanted, %lld in stock", (long long)order,
                    (long long)qty, it->name, (long long)it->stock);
            aw_reply_jsonf(reply, "{\"ok\":false,\"item\":\"%s\",\"reason\":\"out of stock\"}",
                           it->name);
            return;
        }
        it->stock -= qty;
        it->reserved += qty;
        aw_logf(AW_LOG_INFO, "order %lld: reserved %lld %s, %lld left", (long long)order,
                (long long)qty, it->name, (long long)it->stock);
        aw_reply_jsonf(reply, "{\"ok\":true,\"item\":\"%s\",\"left\":%lld}", it->name,
                       (long long)it->stock);
    } else if (strcmp(op, "restock") == 0 && json_int(body, "qty", &qty)) {
        it->stock += qty;
        aw_logf(AW_LOG_INFO, "restocked %lld %s from %s, now %lld", (long long)qty, it->name,
                msg->sender, (long long)it->stock);
        aw_reply_jsonf(reply, "{\"ok\":true,\"item\":\"%s\",\"stock\":%lld}", it->name,
                       (long long)it->stock);
    } else {
        aw_reply_errorf(reply, "unknown operation in %s", body);
    }
}
AW_ON_MESSAGE(on_message)

static void on_shutdown(void) {
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        aw_logf(AW_LOG_INFO, "final: %s stock %lld, reserved %lld", items[i].name,
                (long long)items[i].stock, (long long)items[i].reserved);
}
AW_ON_SHUTDOWN(on_shutdown)
