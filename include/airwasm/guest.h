/* airwasm guest SDK: write airwasm components in C, compiled to wasm32-wasi.
 *
 * A component is a wasi-libc reactor module that implements the world in
 * wit/airwasm.wit. With this header the author writes handler functions and
 * names them once with the AW_ON_* macros; libairwasm_guest.a does the
 * canonical-ABI work (cabi_realloc, result areas, releasing arguments) and
 * wraps the host imports as ordinary C functions.
 *
 *     #include <airwasm/guest.h>
 *
 *     static void on_message(const aw_message *msg, aw_reply *reply) {
 *         if (msg->codec == AW_CODEC_JSON)
 *             aw_reply_json(reply, "{\"ok\":true}");
 *         else
 *             aw_reply_error(reply, "json only");
 *     }
 *     AW_ON_MESSAGE(on_message)
 *
 * Build it with the CMake function aw_component() (guest/CMakeLists.txt) or
 * by hand: clang-19 --target=wasm32-wasi -mexec-model=reactor -O2
 * -I include x.c libairwasm_guest.a -o x.wasm. docs/guest-sdk.md has the
 * guide, docs/component-abi.md the core-level contract.
 *
 * Conventions of this header:
 * - Strings passed in (targets, topics, messages) are NUL-terminated and
 *   borrowed for the duration of the call.
 * - Every buffer the host hands to the component (sender, payload, response,
 *   self id) is followed by a NUL byte that is not counted in its length, so
 *   text bodies can be used as C strings directly.
 * - Results: 0 is success; the error enums carry the WIT case + 1.
 * - Not thread-safe: a component instance runs one handler at a time.
 */
#ifndef AIRWASM_GUEST_H
#define AIRWASM_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "airwasm/log.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- WIT types ---------------------------------------------------------- */

typedef uint64_t aw_request_id;

/* WIT send-error, shifted by one so that 0 means success. */
typedef enum aw_send_error {
    AW_SEND_OK = 0,
    AW_SEND_UNKNOWN_TARGET = 1,
    AW_SEND_DENIED = 2,
    AW_SEND_RATE_LIMITED = 3,
    AW_SEND_MAILBOX_FULL = 4,
    AW_SEND_BAD_CODEC = 5,
    AW_SEND_TOO_LARGE = 6,
    AW_SEND_SHUTTING_DOWN = 7,
    /* Not from the host: the SDK could not build the payload (out of memory). */
    AW_SEND_NO_MEMORY = 100,
} aw_send_error;

/* WIT request-error, shifted by one so that 0 means success. */
typedef enum aw_request_error {
    AW_REQUEST_OK = 0,
    AW_REQUEST_TIMEOUT = 1,
    AW_REQUEST_CANCELLED = 2,
    AW_REQUEST_TARGET_CRASHED = 3,
    AW_REQUEST_TARGET_ERROR = 4,
    AW_REQUEST_UNKNOWN_TARGET = 5,
    AW_REQUEST_DENIED = 6,
    /* Not from the host: the SDK could not build the payload (out of memory). */
    AW_REQUEST_NO_MEMORY = 100,
} aw_request_error;

/* WIT log-level is the project's aw_log_level (airwasm/log.h, shared with
 * hosts so the two headers can meet in one file): AW_LOG_TRACE 0, AW_LOG_DEBUG
 * 1, AW_LOG_INFO 2, AW_LOG_WARN 3, AW_LOG_ERROR 4, as in the WIT enum
 * (AW_LOG_OFF is not a level a component can log at). */
_Static_assert(AW_LOG_TRACE == 0 && AW_LOG_DEBUG == 1 && AW_LOG_INFO == 2 && AW_LOG_WARN == 3 &&
                   AW_LOG_ERROR == 4,
               "aw_log_level must number the levels as WIT log-level does");

/* WIT variant health's discriminant. */
typedef enum aw_health_state {
    AW_HEALTHY = 0,
    AW_DEGRADED = 1,
    AW_UNHEALTHY = 2,
} aw_health_state;

typedef struct aw_health {
    aw_health_state state;
    const char *reason; /* borrowed; copied by the SDK; NULL reads as "" */
} aw_health;

/* Lower-case WIT names ("unknown-target", "timeout", ...); "ok" for 0. */
const char *aw_send_error_name(aw_send_error e);
const char *aw_request_error_name(aw_request_error e);

/* ---- Multicodec payloads (ARCHITECTURE.md section 4) --------------------- */

/* A payload is uvarint(codec) || body. */
#define AW_CODEC_RAW 0x55u
#define AW_CODEC_CBOR 0x51u
#define AW_CODEC_JSON 0x0200u
#define AW_CODEC_MESSAGEPACK 0x0201u
#define AW_CODEC_PROTOBUF 0x50u
/* aw_message.codec when the payload has no well-formed prefix. */
#define AW_CODEC_INVALID UINT64_MAX

/* Longest unsigned varint accepted (multiformats: at most 9 bytes, 63 bits). */
#define AW_UVARINT_MAX 9

/* Writes v as a minimal unsigned varint into out; returns its length, or 0
 * if v does not fit in 63 bits. */
size_t aw_uvarint_encode(uint64_t v, uint8_t out[AW_UVARINT_MAX]);

/* Reads a minimal unsigned varint of at most 9 bytes; returns the number of
 * bytes read, or 0 if data is truncated, over-long or not minimal. */
size_t aw_uvarint_decode(const uint8_t *data, size_t len, uint64_t *value);

/* Splits a payload into codec and body (borrowed views into payload).
 * Returns false if the prefix is malformed (then nothing is written). */
bool aw_codec_split(const uint8_t *payload, size_t len, uint64_t *codec, const uint8_t **body,
                    size_t *body_len);

/* Name of a codec of the table above ("json", ...), or NULL. */
const char *aw_codec_name(uint64_t codec);

/* Code of a codec name of the table above; false if unknown. */
bool aw_codec_from_name(const char *name, uint64_t *codec);

/* ---- Handlers ------------------------------------------------------------ */

/* One incoming message; every pointer is valid until the handler returns
 * (copy what you keep). */
typedef struct aw_message {
    const char *sender; /* component id, NUL-terminated */
    size_t sender_len;
    const uint8_t *payload; /* whole payload, prefix included */
    size_t payload_len;
    uint64_t codec;      /* AW_CODEC_* or AW_CODEC_INVALID */
    const uint8_t *body; /* payload after the prefix (NUL follows it) */
    size_t body_len;
} aw_message;

/* The result a message handler builds: result<list<u8>, string>. Untouched,
 * it is ok with an empty list. For a request the ok bytes are the response
 * (give them a codec prefix); for a cast the result is ignored by the host. */
typedef struct aw_reply aw_reply;

/* Each returns false when out of memory (the reply then becomes an error). */
bool aw_reply_bytes(aw_reply *reply, const void *payload, size_t len); /* prefix included */
bool aw_reply_codec(aw_reply *reply, uint64_t codec, const void *body, size_t len);
bool aw_reply_json(aw_reply *reply, const char *json);
bool aw_reply_jsonf(aw_reply *reply, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool aw_reply_error(aw_reply *reply, const char *message);
bool aw_reply_errorf(aw_reply *reply, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The response to an earlier aw_request; pointers valid until return. */
typedef struct aw_response {
    aw_request_id id;
    aw_request_error error; /* AW_REQUEST_OK: the payload fields are set */
    const uint8_t *payload;
    size_t payload_len;
    uint64_t codec;
    const uint8_t *body;
    size_t body_len;
} aw_response;

typedef void (*aw_message_handler)(const aw_message *msg, aw_reply *reply);
/* Returns NULL on success or an error text (copied; see aw_errorf). */
typedef const char *(*aw_init_handler)(void);
typedef void (*aw_callback_handler)(const aw_response *response);
typedef aw_health (*aw_health_handler)(void);
typedef void (*aw_shutdown_handler)(void);

/* Formats into a buffer owned by the SDK, overwritten by the next call; for
 * returning an error text from an init handler. */
const char *aw_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- Exports --------------------------------------------------------------
 * Each macro defines, in the author's file, the core export of one lifecycle
 * function forwarding to the handler. No post-return functions: results live
 * in static buffers that the next call reuses, so there is nothing to free. Use
 * each at most once per component, at file scope. AW_ON_MESSAGE is required.
 * The library exports the others with defaults (init ok, callbacks dropped,
 * health healthy, shutdown nothing), so every component exports the whole
 * lifecycle interface and is a valid Component Model core module.
 */
#define AW__EXPORT(func) "airwasm:component/lifecycle@0.1.0#" func

#define AW_ON_MESSAGE(handler)                                                                     \
    __attribute__((export_name(AW__EXPORT("handle-message")))) uint8_t *aw__export_handle_message( \
        uint8_t *sender, size_t sender_len, uint8_t *payload, size_t payload_len);                 \
    uint8_t *aw__export_handle_message(uint8_t *sender, size_t sender_len, uint8_t *payload,       \
                                       size_t payload_len) {                                       \
        return aw__lifecycle_handle_message((handler), sender, sender_len, payload, payload_len);  \
    }

#define AW_ON_INIT(handler)                                                                        \
    __attribute__((export_name(AW__EXPORT("init")))) uint8_t *aw__export_init(void);               \
    uint8_t *aw__export_init(void) {                                                               \
        return aw__lifecycle_init((handler));                                                      \
    }

#define AW_ON_CALLBACK(handler)                                                                    \
    __attribute__((export_name(AW__EXPORT("handle-callback")))) void aw__export_handle_callback(   \
        uint64_t id, uint32_t disc, uint32_t a, uint32_t b);                                       \
    void aw__export_handle_callback(uint64_t id, uint32_t disc, uint32_t a, uint32_t b) {          \
        aw__lifecycle_handle_callback((handler), id, disc, a, b);                                  \
    }

#define AW_ON_HEALTH(handler)                                                                      \
    __attribute__((export_name(AW__EXPORT("health")))) uint8_t *aw__export_health(void);           \
    uint8_t *aw__export_health(void) {                                                             \
        return aw__lifecycle_health((handler));                                                    \
    }

#define AW_ON_SHUTDOWN(handler)                                                                    \
    __attribute__((export_name(AW__EXPORT("shutdown")))) void aw__export_shutdown(void);           \
    void aw__export_shutdown(void) {                                                               \
        (handler)();                                                                               \
    }

/* Called by the macros above; not for direct use. */
uint8_t *aw__lifecycle_handle_message(aw_message_handler handler, uint8_t *sender,
                                      size_t sender_len, uint8_t *payload, size_t payload_len);
uint8_t *aw__lifecycle_init(aw_init_handler handler);
void aw__lifecycle_handle_callback(aw_callback_handler handler, uint64_t id, uint32_t disc,
                                   uint32_t a, uint32_t b);
uint8_t *aw__lifecycle_health(aw_health_handler handler);

/* ---- Host functions ------------------------------------------------------ */

/* This instance's component id; owned by the SDK, valid for the instance's
 * life. */
const char *aw_self_id(void);

/* Cast: payload already carries its multicodec prefix. */
aw_send_error aw_send(const char *target, const void *payload, size_t len);
/* Cast with the prefix added by the SDK. */
aw_send_error aw_send_codec(const char *target, uint64_t codec, const void *body, size_t len);
aw_send_error aw_send_json(const char *target, const char *json);
aw_send_error aw_send_raw(const char *target, const void *body, size_t len);

/* Asynchronous request: on AW_SEND_OK *id is set and the response arrives
 * later at the AW_ON_CALLBACK handler with that id. */
aw_send_error aw_request(const char *target, const void *payload, size_t len, uint32_t timeout_ms,
                         aw_request_id *id);
aw_send_error aw_request_json(const char *target, const char *json, uint32_t timeout_ms,
                              aw_request_id *id);

/* True if the request was still pending; its callback will not run. */
bool aw_cancel(aw_request_id id);

/* A response owned by the caller: free with aw_buffer_free. ptr is never
 * NULL and ptr[len] is 0, so a text body can be read as a C string. */
typedef struct aw_buffer {
    uint8_t *ptr;
    size_t len;
} aw_buffer;
void aw_buffer_free(aw_buffer *buffer);

/* Synchronous request: blocks this component (only) until the response, an
 * error or timeout_ms. On AW_REQUEST_OK *response holds the response payload
 * (caller frees with aw_buffer_free); otherwise *response is empty. */
aw_request_error aw_call(const char *target, const void *payload, size_t len, uint32_t timeout_ms,
                         aw_buffer *response);
aw_request_error aw_call_json(const char *target, const char *json, uint32_t timeout_ms,
                              aw_buffer *response);

aw_send_error aw_publish(const char *topic, const void *payload, size_t len);
aw_send_error aw_publish_json(const char *topic, const char *json);
/* Topic patterns: '*' matches one dot-separated segment, '>' the rest. */
aw_send_error aw_subscribe(const char *topic);

/* AW_LOG_OFF logs nothing. */
void aw_log(aw_log_level level, const char *message);
void aw_logf(aw_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void aw_vlogf(aw_log_level level, const char *fmt, va_list args);

/* The host clock in milliseconds (now-millis). */
uint64_t aw_now_millis(void);

#ifdef __cplusplus
}
#endif

#endif
