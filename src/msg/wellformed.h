/* Optional well-formedness check of a payload body for its codec. */
#ifndef AW_MSG_WELLFORMED_H
#define AW_MSG_WELLFORMED_H

#include "msg/multicodec.h"

/* Nesting limits: deeper bodies are refused (bounded stack, no recursion). */
#define AW__WELLFORMED_CBOR_DEPTH 256
#define AW__WELLFORMED_MSGPACK_DEPTH 32 /* msgpack-c's own limit */

/* Whether there is a structural check for codec (cbor, json, messagepack). */
bool aw__wellformed_supported(aw__codec codec);

/* AW_OK when body (len bytes, the payload after its prefix) is exactly one
 * complete item of codec with nothing after it (JSON allows surrounding
 * whitespace); AW_MALFORMED with a reason (and offset when known) otherwise.
 * Codecs without a check (raw, protobuf) always pass. Thread-safe. */
aw_status aw__wellformed_check(aw__codec codec, const uint8_t *body, size_t len, aw_error *err);

aw_status aw__wellformed_cbor(const uint8_t *body, size_t len, aw_error *err);
aw_status aw__wellformed_json(const uint8_t *body, size_t len, aw_error *err);
aw_status aw__wellformed_msgpack(const uint8_t *body, size_t len, aw_error *err);

#endif
