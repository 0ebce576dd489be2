/* Status codes returned by every fallible airwasm call, and trap kinds. */
#ifndef AIRWASM_STATUS_H
#define AIRWASM_STATUS_H

#include "airwasm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The one list of status codes (CONVENTIONS rule 6): X(NAME, "text").
 * Append new codes at the end of their group; AW_OK stays 0. */
#define AW_STATUS_LIST(X)                                                                    \
    X(OK, "success")                                                                         \
    X(NO_MEMORY, "out of memory")                                                            \
    X(INVALID_ARGUMENT, "invalid argument")                                                  \
    X(NOT_FOUND, "not found")                                                                \
    X(ALREADY_EXISTS, "already exists")                                                      \
    X(IO_ERROR, "input/output error")                                                        \
    X(UNSUPPORTED, "unsupported feature")                                                    \
    X(LIMIT_EXCEEDED, "a configured limit was exceeded")                                     \
    X(TIMEOUT, "timed out")                                                                  \
    X(CANCELLED, "cancelled")                                                                \
    X(SHUTTING_DOWN, "the runtime is shutting down")                                         \
    X(INTERNAL, "internal error")                                                            \
    X(MALFORMED, "malformed input")                                                          \
    X(INVALID_MODULE, "module failed validation")                                            \
    X(LINK_ERROR, "an import could not be resolved")                                         \
    X(TRAP, "the WebAssembly code trapped")                                                  \
    X(SUSPENDED, "execution suspended and can be resumed")                                   \
    X(NO_SUCH_ACTOR, "no such actor (it never existed or has exited)")                       \
    X(MAILBOX_FULL, "the target mailbox is full")                                            \
    X(NAME_TAKEN, "the name is already registered")                                          \
    X(DENIED, "denied by a capability check")                                                \
    X(RATE_LIMITED, "rate limit exceeded")                                                   \
    X(BAD_CODEC, "the payload codec is not accepted by the target")                          \
    X(TOO_LARGE, "the payload is too large")                                                 \
    X(ABI_MISMATCH, "the module does not fit the airwasm component world")                   \
    X(PARSE_ERROR, "parse error")

typedef enum aw_status {
#define AW_STATUS_ENUM_(name, text) AW_##name,
    AW_STATUS_LIST(AW_STATUS_ENUM_)
#undef AW_STATUS_ENUM_
    AW_STATUS_COUNT_
} aw_status;

/* The code's name without prefix, e.g. "MAILBOX_FULL"; "?" when out of range. */
AW_API const char *aw_status_name(aw_status status);
/* A short human sentence for the code; "unknown status" when out of range. */
AW_API const char *aw_status_text(aw_status status);

/* Trap kinds, the second list (CONVENTIONS rule 6): X(NAME, "text"). */
#define AW_TRAP_LIST(X)                                                                      \
    X(NONE, "no trap")                                                                       \
    X(UNREACHABLE, "unreachable executed")                                                   \
    X(INTEGER_DIVIDE_BY_ZERO, "integer divide by zero")                                      \
    X(INTEGER_OVERFLOW, "integer overflow")                                                  \
    X(INVALID_CONVERSION, "invalid conversion to integer")                                   \
    X(OUT_OF_BOUNDS_MEMORY, "out of bounds memory access")                                   \
    X(OUT_OF_BOUNDS_TABLE, "out of bounds table access")                                     \
    X(UNDEFINED_ELEMENT, "undefined element")                                                \
    X(UNINITIALIZED_ELEMENT, "uninitialized element")                                        \
    X(INDIRECT_CALL_TYPE_MISMATCH, "indirect call type mismatch")                            \
    X(NULL_REFERENCE, "null reference")                                                      \
    X(STACK_EXHAUSTED, "call stack exhausted")                                               \
    X(FUEL_EXHAUSTED, "fuel exhausted")                                                      \
    X(HOST_ERROR, "a host function failed")                                                  \
    X(EXIT, "the guest called proc_exit")                                                    \
    X(DEADLINE, "the deadline passed")

typedef enum aw_trap {
#define AW_TRAP_ENUM_(name, text) AW_TRAP_##name,
    AW_TRAP_LIST(AW_TRAP_ENUM_)
#undef AW_TRAP_ENUM_
    AW_TRAP_COUNT_
} aw_trap;

AW_API const char *aw_trap_name(aw_trap trap);
AW_API const char *aw_trap_text(aw_trap trap);

#ifdef __cplusplus
}
#endif

#endif
