/* The inside of aw__component, shared by the files of the host layer
 * (component.c, canon.c, imports.c, wasi.c) and nobody else. */
#ifndef AW_HOST_COMPONENT_IMPL_H
#define AW_HOST_COMPONENT_IMPL_H

#include "base/buf.h"
#include "host/component.h"
#include "host/world.h"

#define AW__TRAP_DETAIL_MAX 192

struct aw__component {
    aw__component_head head; /* first: state and user_data, read inline (component.h) */
    aw_instance *instance;
    aw__host_backend backend;
    char *id; /* NUL-terminated copy */
    size_t id_len;
    char *log_source; /* "component:<id>", the tag of its log lines */
    size_t log_source_len;

    aw__world world;
    uint32_t export_fn[AW__EXPORT_COUNT];
    uint32_t post_fn[AW__EXPORT_COUNT];
    uint32_t realloc_fn;
    uint32_t initialize_fn; /* wasi-libc `_initialize`, when world.has_initialize */
    uint64_t fuel_per_message;
    uint64_t slice_fuel;

    /* The call in progress (its state is head.state). slots must stay put
     * while a call is suspended: the engine writes the results there when it
     * finishes. */
    aw__component_op op;
    uint64_t slots[8];
    /* Cleared while the host runs cabi_realloc or a post-return function:
     * the canonical ABI forbids calling imports from them (a `call` there
     * would suspend in the middle of the host's own lowering). */
    bool may_leave;
    bool in_init;            /* create is running init: a `call` cannot wait */
    uint32_t call_ret;       /* out pointer of the `call` being waited on */
    aw__buf reply;           /* reused copy of the last reply's bytes */
    bool reply_lost;         /* copying it ran out of host memory */
    bool host_out_of_memory; /* a glue call could not start for lack of memory */
    /* Why the host made the guest trap, for the caller's aw_error. */
    aw_trap pending_trap;
    char trap_detail[AW__TRAP_DETAIL_MAX];

    /* WASI state. */
    aw__buf out_line[2]; /* partial lines written to fd 1 and fd 2 */
    char *args_blob;     /* argv strings, each NUL-terminated, back to back */
    size_t args_size;
    uint32_t argc;
    char *env_blob; /* "KEY=VALUE" strings, the same way */
    size_t env_size;
    uint32_t envc;
    aw__wasi_fs *fs; /* preopened directories and open files; NULL: none */
    bool exited;
    uint32_t exit_code;
};

/* The component a host function runs for (the instance's user data). */
static inline aw__component *aw__component_of(aw_instance *instance) {
    return (aw__component *)aw_instance_user_data(instance);
}

/* Flushes partial output lines to the log (wasi.c). */
void aw__wasi_flush(aw__component *c);

#endif
