/* The system file of `airwasm run system.toml`: a supervision tree of
 * components plus messages to send once it is up (docs/manifest.md). */
#ifndef AW_POLICY_SYSTEM_H
#define AW_POLICY_SYSTEM_H

#include "manifest.h"

typedef enum aw__restart_strategy {
    AW__STRATEGY_ONE_FOR_ONE,  /* restart only the crashed child */
    AW__STRATEGY_ONE_FOR_ALL,  /* restart every child */
    AW__STRATEGY_REST_FOR_ONE, /* restart the crashed child and those started after it */
} aw__restart_strategy;

typedef enum aw__restart_policy {
    AW__RESTART_PERMANENT, /* always restarted */
    AW__RESTART_TRANSIENT, /* restarted only after a crash, not after a normal exit */
    AW__RESTART_TEMPORARY, /* never restarted */
} aw__restart_policy;

#define AW__SYSTEM_DEFAULT_INTENSITY 5u
#define AW__SYSTEM_MAX_INTENSITY 1000000u
#define AW__SYSTEM_DEFAULT_PERIOD_MS 5000u
#define AW__SYSTEM_MAX_PERIOD_MS 86400000u /* one day */
#define AW__SYSTEM_MAX_WORKERS 1024u
#define AW__SYSTEM_MAX_INSTANCES 100000u
#define AW__SYSTEM_MAX_AFTER_MS 86400000u

typedef struct aw__system_component {
    char *id;            /* component id; instance ids derive from it */
    char *manifest_path; /* resolved against the system file's directory */
    uint32_t instances;  /* 1..100000; see aw__system_instance_id */
    aw__restart_policy restart;
    uint32_t line;          /* of its [[component]] header, for later messages */
    aw__manifest *manifest; /* loaded by aw__system_load; NULL after a parse without loading */
} aw__system_component;

typedef struct aw__system_message {
    char *to;       /* an actor id (an instance id when instances > 1) */
    aw__codec codec; /* msg/multicodec.h; default AW__CODEC_RAW */
    uint8_t *body;  /* the payload body without multicodec prefix (body_len + 1 bytes, NUL after) */
    size_t body_len;   /* may be 0 */
    uint32_t after_ms; /* delay after the system is up, 0..86400000 */
    uint32_t line;
} aw__system_message;

typedef struct aw__system_config {
    char *path;
    char *name;
    aw__restart_strategy strategy;    /* default one_for_one */
    uint32_t intensity;               /* max restarts ... default 5 */
    uint32_t period_ms;               /* ... within this window, default 5000 */
    uint32_t workers;                 /* 0: one worker per CPU (the default) */
    aw__system_component *components; /* in file order: the start order */
    size_t components_len;
    aw__system_message *messages; /* in file order */
    size_t messages_len;
} aw__system_config;

/* Reads the system file at path and, for every component, its manifest.
 * Errors name the file, line and key (as aw__manifest_load); a manifest's
 * own errors name the manifest. Also checks that every [[message]] goes to
 * an existing actor whose manifest accepts its codec and payload size.
 * Caller frees with aw__system_free. */
aw_status aw__system_load(const char *path, aw__system_config **out, aw_error *err);
/* Parses system-file text only (no manifests are read; manifest fields stay
 * NULL); path (borrowed) names the file and anchors relative paths. */
aw_status aw__system_parse(const char *path, const char *text, size_t len, aw__system_config **out,
                           aw_error *err);
void aw__system_free(aw__system_config *sys);

/* The id of instance n (1-based) of c: c->id itself when c->instances is 1,
 * else "<id>-<n>". Returns the length; buf is NUL-terminated (size >= 80
 * always suffices). */
size_t aw__system_instance_id(const aw__system_component *c, uint32_t n, char *buf, size_t size);

const char *aw__restart_strategy_name(aw__restart_strategy s);
const char *aw__restart_policy_name(aw__restart_policy p);

#endif
