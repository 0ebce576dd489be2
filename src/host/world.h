/* The airwasm component world at core-module level (docs/component-abi.md):
 * the imports a component may use and the exports it must or may have, and
 * the check of a module against them. */
#ifndef AW_HOST_WORLD_H
#define AW_HOST_WORLD_H

#include "airwasm/wasm.h"

#define AW__HOST_MODULE "airwasm:component/host@0.1.0"
#define AW__WASI_MODULE "wasi_snapshot_preview1"
#define AW__LIFECYCLE_PREFIX "airwasm:component/lifecycle@0.1.0#"
#define AW__POST_PREFIX "cabi_post_"

typedef enum aw__export_id {
    AW__EXPORT_INIT,
    AW__EXPORT_HANDLE_MESSAGE,
    AW__EXPORT_HANDLE_CALLBACK,
    AW__EXPORT_HEALTH,
    AW__EXPORT_SHUTDOWN,
    AW__EXPORT_COUNT
} aw__export_id;

/* What the check found, for the instance wrapper. */
typedef struct aw__world {
    bool has_export[AW__EXPORT_COUNT];
    bool has_post[AW__EXPORT_COUNT]; /* cabi_post_<export> */
    bool has_initialize;             /* wasi-libc reactor `_initialize` */
    uint32_t import_count;           /* function imports, all known */
} aw__world;

/* A host function the world offers. sig spells the core type: parameter
 * letters, '>', result letters; i = i32, I = i64 (e.g. "iIi>i"). */
typedef struct aw__import_def {
    const char *name;
    const char *sig;
    aw_host_fn fn;
} aw__import_def;

/* The tables, defined by imports.c and wasi.c. */
extern const aw__import_def aw__host_imports[];
extern const size_t aw__host_import_count;
extern const aw__import_def aw__wasi_imports[];
extern const size_t aw__wasi_import_count;

/* The definition for (module, name), or NULL when the world has none. */
const aw__import_def *aw__world_find_import(const char *module, size_t module_len, const char *name,
                                            size_t name_len);

/* Checks every import and export of module against the world. On a mismatch
 * returns AW_ABI_MISMATCH with err->message naming the import or export and
 * the expected and found types. out may be NULL. */
aw_status aw__world_check(const aw_module *module, aw__world *out, aw_error *err);

/* Full export names: "airwasm:component/lifecycle@0.1.0#handle-message" and
 * "cabi_post_airwasm:component/lifecycle@0.1.0#handle-message". */
const char *aw__world_export_name(aw__export_id id);
const char *aw__world_post_name(aw__export_id id);

/* Writes a function type as "(i32, i64) -> i32" into buf (truncated to
 * size, always NUL-terminated). */
void aw__world_format_type(const aw_functype *type, char *buf, size_t size);

/* Number of parameters and results a sig spells. */
uint32_t aw__world_sig_params(const char *sig);
uint32_t aw__world_sig_results(const char *sig);
/* Expands sig into params/results (arrays of at least the counts above) and
 * points *out at them. */
void aw__world_functype(const char *sig, aw_valtype *params, aw_valtype *results, aw_functype *out);

#endif
