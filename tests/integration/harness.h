/* Helpers of the integration tests: manifests written at run time, a system
 * started through the public embedding API, commands to the probe component
 * (components/probe.c) and the parsing of its log. */
#ifndef AW_IT_HARNESS_H
#define AW_IT_HARNESS_H

#include "test_support.h"

#include "airwasm/airwasm.h"

#include <stdatomic.h>
#include <stdbool.h>

#define IT_PROBE "it_probe.wasm"
#define IT_HOSTILE "it_hostile.wasm"

/* How a component's manifest differs from the harness defaults. */
typedef struct it_opts {
    const char *accepts;   /* TOML array; NULL: ["raw", "json"] */
    uint64_t fuel;         /* fuel-per-message; 0: 100_000_000 */
    uint32_t timeout_ms;   /* timeout-ms; 0: 2000 */
    uint32_t mailbox;      /* 0: 1000 */
    const char *subscribe; /* the probe's SUBSCRIBE variable; NULL: none */
    bool check_payloads;   /* check-payloads = true */
} it_opts;

typedef struct it_comp {
    const char *id;
    const char *module; /* file name in AW_WASM_DIR */
    it_opts opts;
} it_comp;

/* Records the allocator's live blocks; it_end asserts they are back. */
void it_begin(void);
void it_end(void);

/* Writes a manifest per component into a temporary directory, creates a
 * runtime with `workers` workers and starts the components one-for-one
 * (intensity 1000 in 10 s, permanent). Fails the test on any error. */
aw_runtime *it_start(uint32_t workers, const it_comp *comps, size_t count);
/* As it_start, with a given slice fuel (0: the default). */
aw_runtime *it_start_sliced(uint32_t workers, uint64_t slice_fuel, const it_comp *comps,
                            size_t count);
/* Waits for idle (at most 10 s, asserted), stops and destroys rt. */
void it_finish(aw_runtime *rt);

/* Writes a manifest for comp and returns its path (static buffer). */
const char *it_write_manifest(const it_comp *comp);
/* Writes text into the temporary directory as file name; returns its path. */
const char *it_write_file(const char *name, const char *text);

/* payload = 0x55 (raw codec) || bytes; returns its length. */
size_t it_raw(uint8_t *out, size_t cap, const void *bytes, size_t len);

/* Calls target with a raw command (e.g. "!dump", or "!send\nx\n..." with
 * explicit length) from the host and asserts the outcome is ok; the reply
 * body (prefix removed, NUL added) goes into a static buffer returned with
 * its length. */
const char *it_command(aw_runtime *rt, const char *target, const void *cmd, size_t cmd_len,
                       size_t *reply_len);
/* it_command with the JSON prefix (for probes that accept only JSON). */
const char *it_command_json(aw_runtime *rt, const char *target, const void *cmd,
                            size_t cmd_len, size_t *reply_len);
/* it_command for a C-string command; returns the body as a string. */
const char *it_cmd(aw_runtime *rt, const char *target, const char *cmd);

/* One entry of a probe's log. */
typedef struct it_entry {
    char tag;        /* 'm' message, 'c' callback, 'r' call result */
    char who[256];   /* sender id, "<id> <error>" or "<error>" */
    uint8_t bytes[4096];
    size_t len;
} it_entry;

typedef struct it_log {
    it_entry entries[64];
    size_t count;
} it_log;

/* Asks target for its log (!dump) and parses it into *log. */
void it_dump(aw_runtime *rt, const char *target, it_log *log);
/* it_dump for a probe that accepts only JSON. */
void it_dump_json(aw_runtime *rt, const char *target, it_log *log);

/* The outcome a host request's callback saw (written on a worker thread). */
typedef struct it_outcome {
    atomic_int calls;
    uint64_t id;
    aw_request_outcome outcome;
    uint8_t bytes[4096];
    size_t len;
} it_outcome;

/* An aw_response_fn recording into an it_outcome (ctx). */
void it_record_outcome(void *ctx, uint64_t request_id, aw_request_outcome outcome,
                       const uint8_t *bytes, size_t len);

/* Monotonic milliseconds. */
uint64_t it_now_ms(void);
void it_sleep_ms(uint32_t ms);

#endif
