/* Mapping runtime statuses to the WIT errors the host interface returns. */
#include "host/backend.h"

int aw__backend_send_error(aw_status status) {
    switch (status) {
        case AW_OK:
            return AW__SEND_OK;
        case AW_NOT_FOUND:
        case AW_NO_SUCH_ACTOR:
            return AW__SEND_UNKNOWN_TARGET;
        case AW_DENIED:
            return AW__SEND_DENIED;
        case AW_RATE_LIMITED:
            return AW__SEND_RATE_LIMITED;
        case AW_MAILBOX_FULL:
            return AW__SEND_MAILBOX_FULL;
        case AW_BAD_CODEC:
            return AW__SEND_BAD_CODEC;
        case AW_TOO_LARGE:
            return AW__SEND_TOO_LARGE;
        default:
            return AW__SEND_SHUTTING_DOWN;
    }
}

int aw__backend_request_error(aw_status status) {
    switch (status) {
        case AW_OK:
            return AW__REQUEST_OK;
        case AW_TIMEOUT:
            return AW__REQUEST_TIMEOUT;
        case AW_CANCELLED:
            return AW__REQUEST_CANCELLED;
        case AW_TRAP:
            return AW__REQUEST_TARGET_CRASHED;
        case AW_NOT_FOUND:
        case AW_NO_SUCH_ACTOR:
            return AW__REQUEST_UNKNOWN_TARGET;
        case AW_DENIED:
            return AW__REQUEST_DENIED;
        default:
            return AW__REQUEST_TARGET_ERROR;
    }
}
