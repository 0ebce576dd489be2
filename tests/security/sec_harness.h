/* Helpers of the hostile-component suite: manifests with chosen capabilities
 * and limits, a runtime whose audit log is collected in memory, commands to
 * the components (components/sec_actor.c, components/sec_pointers.wat). */
#ifndef AW_SEC_HARNESS_H
#define AW_SEC_HARNESS_H

#include "test_support.h"

#include "airwasm/airwasm.h"

#include <stdbool.h>

#define SEC_ACTOR "sec_actor.wasm"
#define SEC_POINTERS "sec_pointers.wasm"

/* guest.h's numbering of send-error and request-error (the WIT enums). */
enum { SEC_SEND_OK = 0, SEC_UNKNOWN_TARGET = 1, SEC_DENIED = 2, SEC_RATE_LIMITED = 3,
       SEC_MAILBOX_FULL = 4, SEC_BAD_CODEC = 5, SEC_TOO_LARGE = 6 };
enum { SEC_REQUEST_OK = 0, SEC_REQUEST_DENIED = 6 };

typedef struct sec_comp {
    const char *id;
    const char *module;       /* file name in AW_WASM_DIR, or an absolute path;
                                 NULL: SEC_ACTOR */
    const char *capabilities; /* body of [capabilities]; NULL: everything granted */
    const char *limits;       /* body of [limits]; NULL: SEC_LIMITS */
    const char *extra;        /* more TOML sections ([rate-limit], [wasi]); NULL: none */
} sec_comp;

#define SEC_LIMITS                                                                               \
    "memory-pages = 32\nfuel-per-message = 50_000_000\ntimeout-ms = 2000\nmailbox = 1000\n"      \
    "max-payload = \"64 KiB\"\n"
#define SEC_ALL_CAPS "send = [\"*\"]\nreceive-from = [\"*\"]\npublish = [\"*\"]\nsubscribe = [\"*\"]\n"

/* One audit record as the sink saw it (strings copied). */
typedef struct sec_record {
    aw_audit_action action;
    aw_status outcome;
    aw_trap trap;
    char component[64];
    char target[128];
    char detail[256];
    uint64_t trace_hi, trace_lo; /* the trace the record names (0: none) */
} sec_record;

/* Starts a runtime with the audit sink collecting records (cleared first);
 * cfg may be NULL (2 workers); its audit_fn is replaced. Fails the test on
 * any error. */
aw_runtime *sec_start(const aw_runtime_config *cfg, const sec_comp *comps, size_t count);
/* As sec_start but returns the status (and *rt NULL on failure). */
aw_status sec_try_start(const aw_runtime_config *cfg, const sec_comp *comps, size_t count,
                        aw_runtime **rt, aw_error *err);
/* Waits for idle, stops and destroys rt. */
void sec_finish(aw_runtime *rt);

/* Calls target with a raw text command from the host; the reply text goes
 * into a static buffer. The outcome must be AW_REQUEST_OK unless
 * allow_failure, in which case *outcome gets it. */
const char *sec_cmd(aw_runtime *rt, const char *target, const char *cmd);
aw_request_outcome sec_try_cmd(aw_runtime *rt, const char *target, const void *cmd,
                               size_t cmd_len, const char **reply);
/* sec_cmd's reply as a number. */
long sec_num(aw_runtime *rt, const char *target, const char *cmd);

/* Records of the audit log matching action and outcome (and component when
 * non-NULL); *first (optional) gets the first match. */
size_t sec_audit_count(aw_audit_action action, aw_status outcome, const char *component,
                       sec_record *first);
size_t sec_audit_total(void);
/* The latest matching record; false when there is none. */
bool sec_audit_last(aw_audit_action action, aw_status outcome, const char *component,
                    sec_record *out);

/* Waits up to ms for cond-like polling: returns once count >= want. */
bool sec_wait_audit(aw_audit_action action, aw_status outcome, const char *component,
                    size_t want, unsigned ms);

void sec_sleep_ms(unsigned ms);

#endif
