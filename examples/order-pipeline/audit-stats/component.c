/* audit-stats: the second subscriber of orders.*: counts events by stage
 * and reports them on request ({"op":"stats"}) and at shutdown. Unhealthy
 * when most orders fail. */
#include <airwasm/guest.h>

#include "../common/audit_subscriber.h"
#include "../common/order_json.h"

static const char *const stage_names[] = {"received", "billed",    "rejected",
                                          "failed",   "malformed", "other"};
enum { STAGES = sizeof stage_names / sizeof stage_names[0] };
static unsigned long stages[STAGES];
static int64_t billed_cents;

static const char *on_init(void) {
    return audit_subscribe();
}
AW_ON_INIT(on_init)

static void on_message(const aw_message *msg, aw_reply *reply) {
    if (msg->codec != AW_CODEC_JSON) return;
    const char *body = (const char *)msg->body;
    if (json_str(body, "op", (char[8]){0}, 8)) {
        /* A request for the figures, not an event. */
        aw_reply_jsonf(reply,
                       "{\"received\":%lu,\"billed\":%lu,\"rejected\":%lu,\"failed\":%lu,"
                       "\"malformed\":%lu,\"billed_cents\":%lld}",
                       stages[0], stages[1], stages[2], stages[3], stages[4],
                       (long long)billed_cents);
        return;
    }
    char stage[16] = "";
    json_str(body, "stage", stage, sizeof stage);
    size_t i = 0;
    while (i < STAGES - 1 && strcmp(stage_names[i], stage) != 0) i++;
    stages[i]++;
    int64_t amount = 0;
    if (i == 1 && json_int(body, "amount", &amount)) billed_cents += amount;
}
AW_ON_MESSAGE(on_message)

static aw_health on_health(void) {
    unsigned long bad = stages[3] + stages[4];
    if (bad > 2 && bad > stages[1])
        return (aw_health){AW_UNHEALTHY,
                           aw_errorf("%lu failed or malformed orders, %lu billed", bad, stages[1])};
    return (aw_health){AW_HEALTHY, NULL};
}
AW_ON_HEALTH(on_health)

static void on_shutdown(void) {
    aw_logf(AW_LOG_INFO,
            "audit-stats: received %lu, billed %lu (%lld.%02lld), rejected %lu, failed %lu, "
            "malformed %lu",
            stages[0], stages[1], (long long)(billed_cents / 100), (long long)(billed_cents % 100),
            stages[2], stages[3], stages[4]);
}
AW_ON_SHUTDOWN(on_shutdown)
