/* The runtime services a component's host imports reach: the seam between the
 * host layer and the actor/message layers, filled in by the runtime. */
#ifndef AW_HOST_BACKEND_H
#define AW_HOST_BACKEND_H

#include "airwasm/log.h"

typedef struct aw__component aw__component;

/* WIT enum send-error (docs/component-abi.md). Backends return one of these,
 * or AW__SEND_OK. */
typedef enum aw__send_error {
    AW__SEND_OK = -1,
    AW__SEND_UNKNOWN_TARGET = 0,
    AW__SEND_DENIED = 1,
    AW__SEND_RATE_LIMITED = 2,
    AW__SEND_MAILBOX_FULL = 3,
    AW__SEND_BAD_CODEC = 4,
    AW__SEND_TOO_LARGE = 5,
    AW__SEND_SHUTTING_DOWN = 6
} aw__send_error;
#define AW__SEND_ERROR_COUNT 7

/* WIT enum request-error. */
typedef enum aw__host_request_error {
    AW__REQUEST_OK = -1,
    AW__REQUEST_TIMEOUT = 0,
    AW__REQUEST_CANCELLED = 1,
    AW__REQUEST_TARGET_CRASHED = 2,
    AW__REQUEST_TARGET_ERROR = 3,
    AW__REQUEST_UNKNOWN_TARGET = 4,
    AW__REQUEST_DENIED = 5
} aw__host_request_error;
#define AW__REQUEST_ERROR_COUNT 6

/* The outcome of a request: a response payload or a request-error. Used for
 * `call` results and for handle-callback. */
typedef struct aw__call_result {
    int error;              /* AW__REQUEST_OK or an aw__host_request_error */
    const uint8_t *payload; /* the response when error is AW__REQUEST_OK; borrowed
                               for the call that receives this struct */
    size_t len;
} aw__call_result;

typedef enum aw__call_start {
    AW__CALL_DONE,   /* the result is in *now and is lowered at once */
    AW__CALL_PENDING /* the runtime completes it later with aw__component_complete_call */
} aw__call_start;

/* The WIT error for a runtime status, for backends built on the message
 * layer: AW_OK -> AW__SEND_OK; AW_NOT_FOUND / AW_NO_SUCH_ACTOR ->
 * unknown-target; AW_DENIED, AW_RATE_LIMITED, AW_MAILBOX_FULL, AW_BAD_CODEC,
 * AW_TOO_LARGE, AW_SHUTTING_DOWN -> their namesakes; anything else ->
 * shutting-down (the runtime cannot take the message now). */
int aw__backend_send_error(aw_status status);
/* AW_OK -> AW__REQUEST_OK; AW_TIMEOUT -> timeout; AW_CANCELLED -> cancelled;
 * AW_TRAP -> target-crashed; AW_NOT_FOUND / AW_NO_SUCH_ACTOR ->
 * unknown-target; AW_DENIED -> denied; anything else (a send that failed,
 * the target's err result) -> target-error. */
int aw__backend_request_error(aw_status status);

/* All strings and payloads handed to a backend function point into the
 * guest's linear memory (zero copy): they are UTF-8 checked (strings) and
 * bounds checked, NOT NUL-terminated, and borrowed for that call only; a
 * backend that keeps them copies them. A backend function must not call into
 * the same component. Every function pointer may be NULL: the import then
 * answers send-error `denied` / request-error `denied` / false, `log` goes
 * to the runtime log, `now-millis` reads the wall clock. */
typedef struct aw__host_backend {
    void *ctx; /* kept; first argument of every function */

    /* send-message: a cast. Returns AW__SEND_OK or an aw__send_error. */
    int (*send_message)(void *ctx, aw__component *from, const char *target, size_t target_len,
                        const uint8_t *payload, size_t payload_len);
    /* send-request: the response later arrives via handle-callback with
     * *request_id. Returns AW__SEND_OK (and sets *request_id) or an error. */
    int (*send_request)(void *ctx, aw__component *from, const char *target, size_t target_len,
                        const uint8_t *payload, size_t payload_len, uint32_t timeout_ms,
                        uint64_t *request_id);
    /* cancel-request: true when the request was pending and is now cancelled. */
    bool (*cancel_request)(void *ctx, aw__component *from, uint64_t request_id);
    /* call: a synchronous request. Either answers at once (fills *now, returns
     * AW__CALL_DONE) or returns AW__CALL_PENDING: the guest's call then
     * returns AW_SUSPENDED with state AW__COMPONENT_WAITING_CALL, and the
     * runtime later hands the outcome to aw__component_complete_call. */
    aw__call_start (*call)(void *ctx, aw__component *from, const char *target, size_t target_len,
                           const uint8_t *payload, size_t payload_len, uint32_t timeout_ms,
                           aw__call_result *now);
    int (*publish)(void *ctx, aw__component *from, const char *topic, size_t topic_len,
                   const uint8_t *payload, size_t payload_len);
    int (*subscribe)(void *ctx, aw__component *from, const char *topic, size_t topic_len);
    /* log: level is already checked (trace..error map to AW_LOG_TRACE..ERROR). */
    void (*log)(void *ctx, aw__component *from, aw_log_level level, const char *message,
                size_t message_len);
    /* A file-system capability refused a WASI call (a path outside the
     * preopens, a write to a read-only one): call names the WASI function,
     * path (may be NULL) what was asked for. For the audit log. */
    void (*fs_denied)(void *ctx, aw__component *from, const char *call, const uint8_t *path,
                      size_t path_len);
    /* now-millis: milliseconds since the Unix epoch. */
    uint64_t (*now_millis)(void *ctx);
} aw__host_backend;

#endif
