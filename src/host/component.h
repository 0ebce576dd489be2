/* One live component instance: a module instantiated against the airwasm
 * world, with its identity, limits and WASI state; the calls the actor layer
 * makes into it (handle-message, handle-callback, health, shutdown), each
 * resumable across fuel slices and blocking `call`s. */
#ifndef AW_HOST_COMPONENT_H
#define AW_HOST_COMPONENT_H

#include "airwasm/wasm.h"
#include "host/backend.h"
#include "host/wasi_fs.h"
#include "msg/name.h"

/* What every instance of one module shares: the outcome of the world check,
 * the host function bound to each import, the export indices. Built once
 * per module and read-only after, so instances on any thread use it; the
 * last release frees it. */
typedef struct aw__component_plan aw__component_plan;

/* Checks module against the world (AW_ABI_MISMATCH naming the import or
 * export and both types) and plans its instances. module is retained.
 * Caller releases with aw__component_plan_release. */
aw_status aw__component_plan_create(aw_module *module, aw__component_plan **out, aw_error *err);
void aw__component_plan_retain(aw__component_plan *plan);
/* NULL is accepted. */
void aw__component_plan_release(aw__component_plan *plan);
/* The planned module (borrowed from the plan). */
aw_module *aw__component_plan_module(const aw__component_plan *plan);

typedef struct aw__component_config {
    /* The module's plan (borrowed for the call; the component does not keep
     * it), or NULL: the module is checked and planned for this call only. */
    const aw__component_plan *plan;
    const char *id; /* component id (UTF-8); copied */
    size_t id_len;
    aw__host_backend backend;  /* copied; its ctx is kept */
    uint32_t max_memory_pages; /* 0: the module's own maximum */
    uint32_t stack_bytes;      /* 0: the engine's default */
    /* Fuel for each call into the component (handle-message, init, ...,
     * including its cabi_realloc and post-return); 0: unmetered. Running out
     * traps with AW_TRAP_FUEL_EXHAUSTED. */
    uint64_t fuel_per_message;
    /* Fuel per run slice (0: no slices). When a slice is spent the call
     * returns AW_SUSPENDED and aw__component_resume continues it. */
    uint64_t slice_fuel;
    const char *const *args; /* WASI argv; strings copied */
    size_t arg_count;
    const char *const *env; /* WASI environment, "KEY=VALUE" each; copied */
    size_t env_count;
    /* WASI directories the guest may use (src/host/wasi_fs.h); none: no
     * file access at all. Borrowed for the call. */
    const aw__wasi_preopen *preopens;
    size_t preopen_count;
    void *user_data; /* kept; aw__component_user_data */
} aw__component_config;

typedef enum aw__component_state {
    AW__COMPONENT_IDLE,         /* ready for the next call */
    AW__COMPONENT_RUNNING,      /* inside a call (seen by backend functions):
                                   calls into it are refused */
    AW__COMPONENT_SUSPENDED,    /* fuel slice spent: aw__component_resume */
    AW__COMPONENT_WAITING_CALL, /* blocked in `call`: aw__component_complete_call */
    AW__COMPONENT_FAILED        /* trapped or exited: only destroy is left */
} aw__component_state;

/* Which call a reply belongs to. */
typedef enum aw__component_op {
    AW__OP_NONE,
    AW__OP_INIT, /* only inside aw__component_create */
    AW__OP_HANDLE_MESSAGE,
    AW__OP_HANDLE_CALLBACK,
    AW__OP_HEALTH,
    AW__OP_SHUTDOWN
} aw__component_op;

/* What a finished call returned. bytes points into a buffer the component
 * owns and reuses: valid until the next call into the component. */
typedef struct aw__reply {
    aw__component_op op;
    /* handle-message: false = ok(bytes is the response), true = err(bytes is
     * the guest's error string). health: false for healthy. */
    bool is_error;
    uint8_t health; /* health: 0 healthy, 1 degraded, 2 unhealthy */
    const uint8_t *bytes;
    size_t len;
} aw__reply;

/* Checks the module against the world (skipped with config->plan; module
 * may then be NULL or must be the plan's) and the id for UTF-8, instantiates
 * it with the host imports, runs `_initialize` (wasi-libc reactors) and then
 * `init` if exported, both to completion (no slices; fuel_per_message applies; a `call`
 * from them answers `denied` because nothing can wait for it yet).
 * Failures: AW_ABI_MISMATCH (names the import/export and both types),
 * AW_LINK_ERROR / AW_LIMIT_EXCEEDED from the engine, AW_TRAP (err->trap set),
 * AW_INVALID_ARGUMENT when init returns err (err->message holds the guest's
 * string), AW_NO_MEMORY. module is borrowed (the instance retains it). */
aw_status aw__component_create(aw_module *module, const aw__component_config *config,
                               aw__component **out, aw_error *err);
/* Flushes buffered partial WASI output lines, frees everything, whatever the
 * state. Accepts NULL. */
void aw__component_destroy(aw__component *c);

/* Calls handle-message(sender, payload). The sender (a component id, UTF-8)
 * and payload are copied into guest memory (borrowed for the call). Returns
 *   AW_OK         *reply holds the guest's result (op AW__OP_HANDLE_MESSAGE)
 *   AW_SUSPENDED  see aw__component_state: resume or complete_call later
 *   AW_TRAP       err->trap is the kind (AW_TRAP_EXIT for proc_exit, see
 *                 aw__component_exit_code), err->message says where and why;
 *                 the component is FAILED (the canonical ABI poisons a
 *                 trapped instance) and must be destroyed
 *   AW_INVALID_ARGUMENT  the component is not IDLE, or the sender is not
 *                 UTF-8 (checked here, for each call). */
aw_status aw__component_handle_message(aw__component *c, const char *sender, size_t sender_len,
                                       const uint8_t *payload, size_t payload_len, aw__reply *reply,
                                       aw_error *err);
/* The same with the sender as an interned component id (msg/name.h), the
 * runtime's path: every aw__name passed aw__name_check (ASCII only) when it
 * was interned, so its UTF-8 is not checked again for each message. */
aw_status aw__component_handle_message_from(aw__component *c, const aw__name *sender,
                                            const uint8_t *payload, size_t payload_len,
                                            aw__reply *reply, aw_error *err);
/* Calls handle-callback(id, response); AW_NOT_FOUND if not exported (the
 * callback is then dropped by the caller). Returns as handle_message. */
aw_status aw__component_handle_callback(aw__component *c, uint64_t request_id,
                                        const aw__call_result *response, aw__reply *reply,
                                        aw_error *err);
/* Calls health(); AW_NOT_FOUND if not exported (then treat as healthy). */
aw_status aw__component_health(aw__component *c, aw__reply *reply, aw_error *err);
/* Calls shutdown(); AW_NOT_FOUND if not exported. */
aw_status aw__component_shutdown(aw__component *c, aw__reply *reply, aw_error *err);

/* Continues a call suspended by its fuel slice. Returns as handle_message. */
aw_status aw__component_resume(aw__component *c, aw__reply *reply, aw_error *err);
/* Completes the `call` the component is blocked in: lowers the outcome into
 * guest memory (with the guest's cabi_realloc) and continues the call.
 * result is borrowed. Returns as handle_message. */
aw_status aw__component_complete_call(aw__component *c, const aw__call_result *result,
                                      aw__reply *reply, aw_error *err);
/* Abandons a suspended or waiting call (deadline passed, actor stopping).
 * The guest is left mid-call, so the component becomes FAILED. */
void aw__component_abort(aw__component *c);

/* The first member of every aw__component (component_impl.h): what the
 * actor layer reads on every message, read inline instead of by a call. */
typedef struct aw__component_head {
    aw__component_state state;
    void *user_data; /* the config's user_data */
} aw__component_head;

static inline aw__component_state aw__component_state_of(const aw__component *c) {
    return ((const aw__component_head *)(const void *)c)->state;
}
/* The op of the call in progress (AW__OP_NONE when idle). */
aw__component_op aw__component_current_op(const aw__component *c);
const char *aw__component_id(const aw__component *c, size_t *len);
static inline void *aw__component_user_data(const aw__component *c) {
    return ((const aw__component_head *)(const void *)c)->user_data;
}
aw_instance *aw__component_instance(aw__component *c);
/* True and *code set when the guest called proc_exit. */
bool aw__component_exit_code(const aw__component *c, uint32_t *code);

#endif
