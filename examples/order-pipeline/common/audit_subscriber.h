/* Shared by the two audit components: subscribing to orders.* in init. */
#ifndef AUDIT_SUBSCRIBER_H
#define AUDIT_SUBSCRIBER_H

#include <airwasm/guest.h>

#define AUDIT_PATTERN "orders.*"

static inline const char *audit_subscribe(void) {
    aw_send_error e = aw_subscribe(AUDIT_PATTERN);
    if (e != AW_SEND_OK) return aw_errorf("subscribe %s: %s", AUDIT_PATTERN, aw_send_error_name(e));
    aw_logf(AW_LOG_INFO, "%s subscribed to %s", aw_self_id(), AUDIT_PATTERN);
    return NULL;
}

#endif
