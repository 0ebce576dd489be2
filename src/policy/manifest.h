/* Component.toml: a component's name, module, accepted codecs, limits,
 * capabilities, rate limit and WASI settings (docs/manifest.md). */
#ifndef AW_POLICY_MANIFEST_H
#define AW_POLICY_MANIFEST_H

#include "config.h"
#include "msg/multicodec.h"

#include <stdatomic.h>

/* Defaults and bounds of [limits] (documented in docs/manifest.md). */
#define AW__MANIFEST_DEFAULT_MEMORY_PAGES 256u /* 16 MiB */
#define AW__MANIFEST_MAX_MEMORY_PAGES 65536u   /* 4 GiB, the wasm32 maximum */
#define AW__MANIFEST_DEFAULT_FUEL 100000000u
#define AW__MANIFEST_DEFAULT_TIMEOUT_MS 5000u
#define AW__MANIFEST_MAX_TIMEOUT_MS 3600000u /* one hour */
#define AW__MANIFEST_DEFAULT_MAILBOX 1024u
#define AW__MANIFEST_MAX_MAILBOX 16777216u
#define AW__MANIFEST_DEFAULT_MAX_PAYLOAD (1u << 20) /* 1 MiB */
#define AW__MANIFEST_MAX_MAX_PAYLOAD (1u << 30)     /* 1 GiB */
#define AW__MANIFEST_MAX_RATE 1000000000u
#define AW__MANIFEST_MAX_PREOPENS 16u /* directories in [wasi] preopens */

typedef struct aw__manifest_limits {
    uint32_t memory_pages;     /* 64 KiB pages, 1..65536 */
    uint64_t fuel_per_message; /* 1..2^63-1 */
    uint32_t timeout_ms;       /* wall clock per message, 1..3600000 */
    uint32_t mailbox;          /* queued messages, 1..16777216 */
    uint64_t max_payload;      /* bytes, 1..1 GiB */
} aw__manifest_limits;

typedef struct aw__manifest_env {
    char *name; /* no '=' */
    char *value;
} aw__manifest_env;

typedef struct aw__manifest_preopen {
    char *guest_path; /* as the guest sees it, e.g. "/data" */
    char *host_path;  /* resolved against the manifest's directory */
    bool writable;    /* the value had the "rw:" prefix */
} aw__manifest_preopen;

/* A manifest is read-only once loaded, so the instances of one component
 * share it: aw__manifest_retain adds a holder, aw__manifest_free drops one. */
typedef struct aw__manifest {
    atomic_uint_fast32_t refs; /* holders; the last aw__manifest_free frees it */
    char *path;          /* the manifest file as given */
    char *name;          /* component id (aw__config_valid_id) */
    char *module;        /* .wasm path resolved against the manifest's directory */
    char *version;       /* NULL when absent */
    aw__codec_set accepts; /* msg/multicodec.h set; default {raw} */
    bool check_payloads; /* check cbor/json/messagepack bodies are well formed */
    aw__manifest_limits limits;
    /* [capabilities]: glob patterns; empty = deny everything. */
    aw__config_list send, receive_from, publish, subscribe;
    /* [rate-limit]: absent section = no limit (rate_limited false). */
    bool rate_limited;
    uint32_t messages_per_second; /* 1..1e9 */
    uint32_t burst;               /* 1..1e9, default messages_per_second */
    /* [wasi] */
    aw__config_list args;
    aw__manifest_env *env;
    size_t env_len;
    aw__manifest_preopen *preopens;
    size_t preopens_len;
} aw__manifest;

/* Reads and checks the manifest at path. On failure *out is NULL and err
 * names the file, line and key: AW_PARSE_ERROR for TOML syntax, AW_MALFORMED
 * for a setting that is unknown, of the wrong type or out of range,
 * AW_NOT_FOUND / AW_IO_ERROR when the file cannot be read. Caller frees
 * with aw__manifest_free. */
aw_status aw__manifest_load(const char *path, aw__manifest **out, aw_error *err);
/* As aw__manifest_load for text already in memory; path (borrowed) names
 * the file in messages and anchors relative paths. */
aw_status aw__manifest_parse(const char *path, const char *text, size_t len, aw__manifest **out,
                             aw_error *err);
/* Adds a holder of m (any thread); returns m. */
aw__manifest *aw__manifest_retain(aw__manifest *m);
/* Drops a holder of m and frees it with the last one. NULL is accepted. */
void aw__manifest_free(aw__manifest *m);

#endif
