/* A component instance: creation against the world, the calls the actor
 * layer makes into it, and the state machine that lets each call stop at a
 * fuel-slice edge or inside a blocking `call` and continue later.
 *
 * Every call follows the canonical ABI's lift/lower steps: arguments are
 * copied into guest memory with the guest's cabi_realloc, the export runs
 * (possibly across several slices), its result record is read with bounds,
 * alignment, discriminant and UTF-8 checks, the bytes are copied into a
 * buffer the component reuses, and the post-return function runs. A trap at
 * any step poisons the component: the actor layer destroys it and starts a
 * fresh one. */
#include "host/canon.h"
#include "host/imports.h"

#include "base/alloc.h"
#include "base/error.h"

#include <stdatomic.h>
#include <string.h>

/* Room for the largest core signature in the world (path_open: 9 params). */
#define MAX_SIG_PARAMS 12
#define MAX_SIG_RESULTS 2

typedef struct binding_types {
    aw_valtype params[MAX_SIG_PARAMS];
    aw_valtype results[MAX_SIG_RESULTS];
} binding_types;

static const char *op_name(aw__component_op op) {
    switch (op) {
        case AW__OP_INIT:
            return "init";
        case AW__OP_HANDLE_MESSAGE:
            return "handle-message";
        case AW__OP_HANDLE_CALLBACK:
            return "handle-callback";
        case AW__OP_HEALTH:
            return "health";
        case AW__OP_SHUTDOWN:
            return "shutdown";
        case AW__OP_NONE:
            break;
    }
    return "call";
}

static aw__export_id op_export(aw__component_op op) {
    switch (op) {
        case AW__OP_INIT:
            return AW__EXPORT_INIT;
        case AW__OP_HANDLE_CALLBACK:
            return AW__EXPORT_HANDLE_CALLBACK;
        case AW__OP_HEALTH:
            return AW__EXPORT_HEALTH;
        case AW__OP_SHUTDOWN:
            return AW__EXPORT_SHUTDOWN;
        default:
            return AW__EXPORT_HANDLE_MESSAGE;
    }
}

/* ---- creation ---------------------------------------------------------- */

/* Packs strings back to back, each NUL-terminated, as WASI hands them out. */
static aw_status pack_strings(const char *const *list, size_t count, char **blob, size_t *size,
                              uint32_t *n) {
    size_t total = 0;
    for (size_t i = 0; i < count; i++) total += strlen(list[i]) + 1;
    if (count > UINT32_MAX / 8 || total > UINT32_MAX / 2) return AW_LIMIT_EXCEEDED;
    *n = (uint32_t)count;
    *size = total;
    *blob = NULL;
    if (total == 0) return AW_OK;
    *blob = aw__malloc(total);
    if (*blob == NULL) return AW_NO_MEMORY;
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(list[i]) + 1;
        memcpy(*blob + at, list[i], len);
        at += len;
    }
    return AW_OK;
}

/* ---- the plan: what the instances of one module share ------------------- */

struct aw__component_plan {
    atomic_uint_fast32_t refs;
    aw_module *module; /* retained */
    aw__world world;
    uint32_t import_count;
    aw_import_binding *bindings; /* per import, env left NULL */
    binding_types *types;        /* the bindings' functypes point here */
    uint32_t export_fn[AW__EXPORT_COUNT];
    uint32_t post_fn[AW__EXPORT_COUNT];
    uint32_t realloc_fn;
    uint32_t initialize_fn;
};

/* The export indices the calls use; the world check saw every one. */
static aw_status find_exports(aw__component_plan *p, aw_error *err) {
    aw_status s = aw_module_find_func(p->module, "cabi_realloc", &p->realloc_fn);
    if (s == AW_OK && p->world.has_initialize)
        s = aw_module_find_func(p->module, "_initialize", &p->initialize_fn);
    for (int id = 0; id < AW__EXPORT_COUNT && s == AW_OK; id++) {
        if (p->world.has_export[id])
            s = aw_module_find_func(p->module, aw__world_export_name((aw__export_id)id),
                                    &p->export_fn[id]);
        if (s == AW_OK && p->world.has_post[id])
            s = aw_module_find_func(p->module, aw__world_post_name((aw__export_id)id),
                                    &p->post_fn[id]);
    }
    if (s != AW_OK)
        return aw__error_set(err, AW_INTERNAL, "an export the world check saw is not callable");
    return AW_OK;
}

/* Resolves each of the module's imports (all known: the world check passed)
 * to its host function. */
static aw_status bind_imports(aw__component_plan *p, aw_error *err) {
    uint32_t count = aw_module_import_count(p->module);
    if (count == 0) return AW_OK;
    p->bindings = aw__calloc(count, sizeof *p->bindings);
    p->types = aw__calloc(count, sizeof *p->types);
    if (p->bindings == NULL || p->types == NULL) {
        aw__free(p->bindings, p->bindings ? count * sizeof *p->bindings : 0);
        aw__free(p->types, p->types ? count * sizeof *p->types : 0);
        p->bindings = NULL;
        p->types = NULL;
        return aw__error_set(err, AW_NO_MEMORY, "no memory for %u import bindings", count);
    }
    p->import_count = count;
    for (uint32_t i = 0; i < count; i++) {
        aw_extern_info info;
        aw_status s = aw_module_import(p->module, i, &info);
        if (s != AW_OK) return aw__error_set(err, s, "import %u: cannot be read", i);
        const aw__import_def *def =
            aw__world_find_import(info.module, info.module_len, info.name, info.name_len);
        if (def == NULL)
            return aw__error_set(err, AW_INTERNAL, "import %u vanished after the world check", i);
        /* The module's names are NUL-terminated (wasm.h), as bindings need. */
        p->bindings[i].module = info.module;
        p->bindings[i].name = info.name;
        aw__world_functype(def->sig, p->types[i].params, p->types[i].results, &p->bindings[i].type);
        p->bindings[i].fn = def->fn;
    }
    return AW_OK;
}

aw_status aw__component_plan_create(aw_module *module, aw__component_plan **out, aw_error *err) {
    *out = NULL;
    if (module == NULL) return aw__error_set(err, AW_INVALID_ARGUMENT, "component_plan: no module");
    aw__world world;
    aw_status s = aw__world_check(module, &world, err);
    if (s != AW_OK) return s;
    aw__component_plan *p = AW__NEW(aw__component_plan);
    if (p == NULL) return aw__error_set(err, AW_NO_MEMORY, "no memory for a component plan");
    atomic_init(&p->refs, 1);
    aw_module_retain(module);
    p->module = module;
    p->world = world;
    s = bind_imports(p, err);
    if (s == AW_OK) s = find_exports(p, err);
    if (s != AW_OK) {
        aw__component_plan_release(p);
        return s;
    }
    *out = p;
    return AW_OK;
}

void aw__component_plan_retain(aw__component_plan *plan) {
    atomic_fetch_add_explicit(&plan->refs, 1, memory_order_relaxed);
}

void aw__component_plan_release(aw__component_plan *plan) {
    if (plan == NULL) return;
    /* acq_rel: every holder's reads happen before the last one frees. */
    if (atomic_fetch_sub_explicit(&plan->refs, 1, memory_order_acq_rel) != 1) return;
    aw__free(plan->bindings, plan->import_count * sizeof *plan->bindings);
    aw__free(plan->types, plan->import_count * sizeof *plan->types);
    aw_module_release(plan->module);
    AW__DELETE(plan);
}

aw_module *aw__component_plan_module(const aw__component_plan *plan) {
    return plan->module;
}

/* Bindings on the stack up to this many imports (wasi-libc programs use a
 * dozen or two); more take one allocation per instance. */
#define STACK_BINDINGS 48

/* Instantiates the plan's module with each import bound to its host
 * function, with this component as env. */
static aw_status instantiate(aw__component *c, const aw__component_plan *plan,
                             const aw__component_config *config, aw_error *err) {
    uint32_t count = plan->import_count;
    aw_import_binding local[STACK_BINDINGS];
    aw_import_binding *bindings = local;
    if (count > STACK_BINDINGS) {
        bindings = aw__malloc(count * sizeof *bindings);
        if (bindings == NULL)
            return aw__error_set(err, AW_NO_MEMORY, "no memory for %u import bindings", count);
    }
    if (count > 0) memcpy(bindings, plan->bindings, count * sizeof *bindings);
    for (uint32_t i = 0; i < count; i++) bindings[i].env = c;
    aw_instance_config icfg;
    memset(&icfg, 0, sizeof icfg);
    icfg.imports = bindings;
    icfg.import_count = count;
    icfg.max_memory_pages = config->max_memory_pages;
    icfg.stack_bytes = config->stack_bytes;
    icfg.user_data = c;
    aw_status s = aw_instance_create(plan->module, &icfg, &c->instance, err);
    if (bindings != local) aw__free(bindings, count * sizeof *bindings);
    return s;
}

/* ---- the steps of a call ------------------------------------------------ */

/* The reply buffer is reused so that steady traffic allocates nothing, but
 * one huge reply should not stay pinned to an idle component: above this
 * it is released once the caller is done with it (at the next call). */
#define REPLY_KEEP_BYTES 16384

static void begin(aw__component *c, aw__component_op op) {
    if (c->reply.cap > REPLY_KEEP_BYTES) aw__buf_free(&c->reply);
    c->head.state = AW__COMPONENT_RUNNING;
    c->op = op;
    c->pending_trap = AW_TRAP_NONE;
    c->trap_detail[0] = '\0';
    c->host_out_of_memory = false;
    aw__instance_set_fuel_now(c->instance, c->fuel_per_message ? c->fuel_per_message : UINT64_MAX);
}

/* The component is poisoned; err says which call trapped, how and why. */
__attribute__((cold)) static aw_status fail_trap(aw__component *c, const aw_error *engine,
                                                 aw_error *err) {
    aw_trap trap = c->pending_trap != AW_TRAP_NONE ? c->pending_trap
                   : engine != NULL                ? engine->trap
                                                   : AW_TRAP_HOST_ERROR;
    const char *why = c->trap_detail[0]                      ? c->trap_detail
                      : engine != NULL && engine->message[0] ? engine->message
                                                             : aw_trap_text(trap);
    c->head.state = AW__COMPONENT_FAILED;
    aw_status s = aw__error_set(err, AW_TRAP, "component '%s': %s trapped (%s): %s", c->id,
                                op_name(c->op), aw_trap_name(trap), why);
    if (err != NULL) {
        err->trap = trap;
        if (engine != NULL) err->func_index = engine->func_index;
    }
    return s;
}

/* Copies the result's bytes into the reused reply buffer. Out of host memory
 * is not the guest's fault: the call still completes (post-return runs) and
 * then reports AW_NO_MEMORY, leaving the component usable. */
/* Lowering the arguments failed before the export ran. For lack of host
 * memory the component is still sound and stays usable; anything else is
 * the guest's doing (a bad cabi_realloc) and fails it. */
__attribute__((cold)) static aw_status lowering_failed(aw__component *c, aw_error *err) {
    if (!c->host_out_of_memory) return fail_trap(c, NULL, err);
    c->head.state = AW__COMPONENT_IDLE;
    aw__component_op op = c->op;
    c->op = AW__OP_NONE;
    return aw__error_set(err, AW_NO_MEMORY, "component '%s': no host memory to start %s", c->id,
                         op_name(op));
}

static void copy_reply(aw__component *c, const uint8_t *bytes, size_t len) {
    c->reply.len = 0;
    if (len > 0 && aw__buf_append(&c->reply, bytes, len) != AW_OK) c->reply_lost = true;
}

static bool post_return(aw__component *c, aw__export_id id, uint32_t ret) {
    if (!c->world.has_post[id]) return true;
    uint64_t slots[1] = {ret};
    return aw__canon_call_glue(c, c->post_fn[id], slots, aw__world_post_name(id));
}

/* Reads the record {disc u8 @0, ptr u32 @4, len u32 @8} at the returned
 * pointer and copies its bytes. cases: how many cases the type has;
 * string_cases / payload_cases: bit per case carrying a string / a list<u8>
 * (other cases carry nothing). */
static bool lift_result_record(aw__component *c, uint32_t cases, uint32_t string_cases,
                               uint32_t payload_cases, uint8_t *disc_out) {
    const char *what = op_name(c->op);
    uint32_t ret = (uint32_t)c->slots[0];
    uint8_t *rec;
    if (!aw__canon_result_ptr(c, what, ret, 12, 4, &rec)) return false;
    uint8_t disc = rec[0];
    if (disc >= cases)
        return aw__canon_fail(c, AW_TRAP_HOST_ERROR,
                              "%s: result discriminant %u is past the %u cases", what, disc, cases);
    uint32_t ptr = aw__canon_load_u32(rec + 4), len = aw__canon_load_u32(rec + 8);
    const uint8_t *bytes = NULL;
    if (string_cases & (1u << disc)) {
        const char *text;
        if (!aw__canon_lift_string(c, what, ptr, len, &text)) return false;
        bytes = (const uint8_t *)text;
    } else if (payload_cases & (1u << disc)) {
        if (!aw__canon_lift_bytes(c, what, ptr, len, &bytes)) return false;
    } else {
        len = 0;
    }
    copy_reply(c, bytes, len);
    *disc_out = disc;
    return true;
}

/* handle-message's result<list<u8>, string>, lifted inline: it ends every
 * message, and each step of the general path (op name, case masks, a call
 * per step) costs instructions per message. Same checks as
 * lift_result_record. */
static inline __attribute__((always_inline)) bool lift_message_result(aw__component *c,
                                                                      aw__reply *reply) {
    uint32_t ret = (uint32_t)c->slots[0];
    uint8_t *rec;
    if (!aw__canon_result_ptr(c, "handle-message", ret, 12, 4, &rec)) return false;
    uint8_t disc = rec[0];
    uint32_t ptr = aw__canon_load_u32(rec + 4), len = aw__canon_load_u32(rec + 8);
    const uint8_t *bytes;
    if (disc == 0) {
        /* The memory the record was checked against (no guest code ran
         * since): the ok list's bounds, as aw__canon_lift_bytes checks them. */
        size_t size = 0;
        uint8_t *base = aw__instance_memory_now(c->instance, &size);
        if (ptr <= size && len <= (uint64_t)size - ptr)
            bytes = base + ptr;
        else if (!aw__canon_lift_bytes_slow(c, "handle-message", ptr, len, &bytes))
            return false;
    } else if (disc == 1) {
        const char *text;
        if (!aw__canon_lift_string(c, "handle-message", ptr, len, &text)) return false;
        bytes = (const uint8_t *)text;
    } else {
        return aw__canon_fail(c, AW_TRAP_HOST_ERROR,
                              "handle-message: result discriminant %u is past the 2 cases", disc);
    }
    copy_reply(c, bytes, len);
    reply->op = AW__OP_HANDLE_MESSAGE;
    reply->is_error = disc == 1;
    reply->health = 0;
    reply->bytes = c->reply.data;
    reply->len = c->reply.len;
    return post_return(c, AW__EXPORT_HANDLE_MESSAGE, ret);
}

/* After the export returned: lift its result, run post-return. */
static bool finish(aw__component *c, aw__reply *reply) {
    if (c->op == AW__OP_HANDLE_MESSAGE) return lift_message_result(c, reply);
    aw__export_id id = op_export(c->op);
    uint8_t disc = 0;
    uint32_t ret = (uint32_t)c->slots[0];
    memset(reply, 0, sizeof *reply);
    reply->op = c->op;
    switch (c->op) {
        case AW__OP_INIT: /* result<_, string> */
            if (!lift_result_record(c, 2, 1u << 1, 0, &disc)) return false;
            reply->is_error = disc == 1;
            break;
        case AW__OP_HEALTH: /* variant { healthy, degraded(string), unhealthy(string) } */
            if (!lift_result_record(c, 3, 1u << 1 | 1u << 2, 0, &disc)) return false;
            reply->is_error = disc != 0;
            reply->health = disc;
            break;
        case AW__OP_HANDLE_MESSAGE: /* taken above */
        case AW__OP_HANDLE_CALLBACK:
        case AW__OP_SHUTDOWN:
        case AW__OP_NONE:
            c->reply.len = 0;
            return post_return(c, id, 0);
    }
    reply->bytes = c->reply.data;
    reply->len = c->reply.len;
    return post_return(c, id, ret);
}

/* The call finished and its result is in *reply: the component is idle. */
static inline aw_status finished(aw__component *c, aw__reply *reply, aw_error *err) {
    c->head.state = AW__COMPONENT_IDLE;
    aw__component_op op = c->op;
    c->op = AW__OP_NONE;
    if (c->reply_lost) {
        c->reply_lost = false;
        memset(reply, 0, sizeof *reply);
        return aw__error_set(err, AW_NO_MEMORY, "component '%s': no host memory for the %s result",
                             c->id, op_name(op));
    }
    return AW_OK;
}

/* Turns the engine's answer to a call/resume into ours. */
static aw_status settle(aw__component *c, aw_status s, const aw_error *engine, aw__reply *reply,
                        aw_error *err) {
    if (s == AW_SUSPENDED) {
        c->head.state = aw_instance_state_of(c->instance) == AW_INSTANCE_SUSPENDED_HOST
                            ? AW__COMPONENT_WAITING_CALL
                            : AW__COMPONENT_SUSPENDED;
        return AW_SUSPENDED;
    }
    if (s == AW_TRAP) return fail_trap(c, engine, err);
    if (s != AW_OK) {
        c->head.state = AW__COMPONENT_FAILED;
        return aw__error_set(err, s, "component '%s': %s failed: %s", c->id, op_name(c->op),
                             engine->message[0] ? engine->message : aw_status_text(s));
    }
    if (!finish(c, reply)) return fail_trap(c, NULL, err);
    return finished(c, reply, err);
}

/* Runs the export of the current op with c->slots as arguments. */
static aw_status run(aw__component *c, aw__reply *reply, aw_error *err) {
    aw_error e; /* the engine fills it on failure */
    aw__instance_set_slice_now(c->instance, c->slice_fuel);
    aw_status s = aw_instance_call_index(c->instance, c->export_fn[op_export(c->op)], c->slots, &e);
    if (s != AW_OK) return settle(c, s, &e, reply, err);
    if (!finish(c, reply)) return fail_trap(c, NULL, err);
    return finished(c, reply, err);
}

/* run for handle-message: a message that ends within its slice (the usual
 * case) is lifted here without going through settle. */
static inline __attribute__((always_inline)) aw_status
run_message(aw__component *c, aw__reply *reply, aw_error *err) {
    aw_error e; /* the engine fills it on failure */
    aw__instance_set_slice_now(c->instance, c->slice_fuel);
    aw_status s =
        aw_instance_call_index(c->instance, c->export_fn[AW__EXPORT_HANDLE_MESSAGE], c->slots, &e);
    if (s != AW_OK) return settle(c, s, &e, reply, err);
    if (!lift_message_result(c, reply)) return fail_trap(c, NULL, err);
    return finished(c, reply, err);
}

static aw_status check_idle(aw__component *c, aw_error *err) {
    if (c->head.state == AW__COMPONENT_IDLE) return AW_OK;
    return aw__error_set(err, AW_INVALID_ARGUMENT, "component '%s' is %s", c->id,
                         c->head.state == AW__COMPONENT_FAILED    ? "failed (it trapped or exited)"
                         : c->head.state == AW__COMPONENT_RUNNING ? "running (a re-entrant call)"
                                                                  : "in the middle of a call");
}

/* ---- creation, continued ------------------------------------------------ */

static aw_status run_init(aw__component *c, aw_error *err) {
    aw__reply reply;
    c->in_init = true;
    aw_status s = AW_OK;
    /* Both run whole (no slices yet: nothing could resume them). */
    if (c->world.has_initialize) {
        aw_error e;
        aw_error_clear(&e);
        begin(c, AW__OP_INIT);
        s = aw_instance_call_index(c->instance, c->initialize_fn, c->slots, &e);
        if (s == AW_TRAP) {
            s = fail_trap(c, &e, err);
        } else if (s == AW_SUSPENDED) {
            aw_instance_abort(c->instance);
            s = aw__error_set(err, AW_INTERNAL, "component '%s': _initialize suspended", c->id);
        } else if (s != AW_OK) {
            s = aw__error_set(err, s, "component '%s': _initialize did not run: %s", c->id,
                              e.message[0] ? e.message : aw_status_text(s));
        }
    }
    if (s == AW_OK && c->world.has_export[AW__EXPORT_INIT]) {
        begin(c, AW__OP_INIT);
        s = run(c, &reply, err);
        if (s == AW_SUSPENDED) {
            aw_instance_abort(c->instance);
            s = aw__error_set(err, AW_INTERNAL, "component '%s': init suspended", c->id);
        } else if (s == AW_OK && reply.is_error) {
            s = aw__error_set(err, AW_INVALID_ARGUMENT, "component '%s': init failed: %.*s", c->id,
                              reply.len > 160 ? 160 : (int)reply.len, (const char *)reply.bytes);
        }
    }
    c->in_init = false;
    c->op = AW__OP_NONE;
    return s;
}

aw_status aw__component_create(aw_module *module, const aw__component_config *config,
                               aw__component **out, aw_error *err) {
    *out = NULL;
    if (config == NULL || (module == NULL && config->plan == NULL) ||
        (module != NULL && config->plan != NULL && config->plan->module != module) ||
        (config->id == NULL && config->id_len > 0) ||
        (config->arg_count > 0 && config->args == NULL) ||
        (config->env_count > 0 && config->env == NULL))
        return aw__error_set(err, AW_INVALID_ARGUMENT, "component_create: bad arguments");
    /* The id reaches the guest as a string (self-id): it must be UTF-8. */
    if (config->id_len > 0 && !aw__canon_utf8_valid((const uint8_t *)config->id, config->id_len))
        return aw__error_set(err, AW_INVALID_ARGUMENT, "component id is not UTF-8");
    aw__component_plan *own_plan = NULL;
    const aw__component_plan *plan = config->plan;
    aw_status s = AW_OK;
    if (plan == NULL) {
        s = aw__component_plan_create(module, &own_plan, err);
        if (s != AW_OK) return s;
        plan = own_plan;
    }
    aw__component *c = AW__NEW(aw__component);
    if (c == NULL) {
        aw__component_plan_release(own_plan);
        return aw__error_set(err, AW_NO_MEMORY, "no memory for a component");
    }
    c->world = plan->world;
    memcpy(c->export_fn, plan->export_fn, sizeof c->export_fn);
    memcpy(c->post_fn, plan->post_fn, sizeof c->post_fn);
    c->realloc_fn = plan->realloc_fn;
    c->initialize_fn = plan->initialize_fn;
    c->backend = config->backend;
    c->head.user_data = config->user_data;
    c->fuel_per_message = config->fuel_per_message;
    c->may_leave = true;
    c->head.state = AW__COMPONENT_IDLE;
    c->id_len = config->id_len;
    c->id = aw__strndup(config->id ? config->id : "", config->id_len);
    c->log_source_len = config->id_len + strlen("component:");
    c->log_source = aw__malloc(c->log_source_len + 1);
    if (c->id == NULL || c->log_source == NULL) {
        s = aw__error_set(err, AW_NO_MEMORY, "no memory for a component");
        goto fail;
    }
    memcpy(c->log_source, "component:", strlen("component:"));
    memcpy(c->log_source + strlen("component:"), c->id, c->id_len + 1);
    s = pack_strings(config->args, config->arg_count, &c->args_blob, &c->args_size, &c->argc);
    if (s == AW_OK)
        s = pack_strings(config->env, config->env_count, &c->env_blob, &c->env_size, &c->envc);
    if (s != AW_OK) {
        s = aw__error_set(err, s, "component '%s': WASI args/env: %s", c->id, aw_status_text(s));
        goto fail;
    }
    s = aw__wasi_fs_create(config->preopens, config->preopen_count, &c->fs, err);
    if (s != AW_OK) goto fail;
    s = instantiate(c, plan, config, err);
    if (s != AW_OK) goto fail;
    s = run_init(c, err);
    if (s != AW_OK) goto fail;
    c->slice_fuel = config->slice_fuel;
    c->head.state = AW__COMPONENT_IDLE;
    aw__component_plan_release(own_plan);
    *out = c;
    return AW_OK;
fail:
    aw__component_destroy(c);
    aw__component_plan_release(own_plan);
    return s;
}

void aw__component_destroy(aw__component *c) {
    if (c == NULL) return;
    aw__wasi_flush(c);
    aw_instance_destroy(c->instance);
    aw__buf_free(&c->reply);
    aw__buf_free(&c->out_line[0]);
    aw__buf_free(&c->out_line[1]);
    aw__free(c->args_blob, c->args_size);
    aw__free(c->env_blob, c->env_size);
    aw__wasi_fs_destroy(c->fs);
    if (c->log_source != NULL) aw__free(c->log_source, c->log_source_len + 1);
    aw__strfree(c->id);
    AW__DELETE(c);
}

/* ---- the calls ---------------------------------------------------------- */

/* The body of both entry points; sender is known to be UTF-8. */
static inline __attribute__((always_inline)) aw_status
handle_message(aw__component *c, const char *sender, size_t sender_len, const uint8_t *payload,
               size_t payload_len, aw__reply *reply, aw_error *err) {
    aw_status s = check_idle(c, err);
    if (s != AW_OK) return s;
    begin(c, AW__OP_HANDLE_MESSAGE);
    const aw__canon_bytes args[2] = {{sender, sender_len}, {payload, payload_len}};
    uint32_t ptrs[2];
    if (!aw__canon_lower_n(c, args, 2, ptrs)) return lowering_failed(c, err);
    c->slots[0] = ptrs[0];
    c->slots[1] = sender_len;
    c->slots[2] = ptrs[1];
    c->slots[3] = payload_len;
    return run_message(c, reply, err);
}

aw_status aw__component_handle_message(aw__component *c, const char *sender, size_t sender_len,
                                       const uint8_t *payload, size_t payload_len, aw__reply *reply,
                                       aw_error *err) {
    if (c->head.state == AW__COMPONENT_IDLE &&
        !aw__canon_utf8_valid((const uint8_t *)sender, sender_len))
        return aw__error_set(err, AW_INVALID_ARGUMENT, "component '%s': sender id is not UTF-8",
                             c->id);
    return handle_message(c, sender, sender_len, payload, payload_len, reply, err);
}

aw_status aw__component_handle_message_from(aw__component *c, const aw__name *sender,
                                            const uint8_t *payload, size_t payload_len,
                                            aw__reply *reply, aw_error *err) {
    /* An interned id passed aw__name_check (ASCII only) once, when it
     * entered the system: it is UTF-8 without a check per message. */
    return handle_message(c, sender->text, sender->len, payload, payload_len, reply, err);
}

aw_status aw__component_handle_callback(aw__component *c, uint64_t request_id,
                                        const aw__call_result *response, aw__reply *reply,
                                        aw_error *err) {
    aw_status s = check_idle(c, err);
    if (s != AW_OK) return s;
    if (!c->world.has_export[AW__EXPORT_HANDLE_CALLBACK])
        return aw__error_set(err, AW_NOT_FOUND, "component '%s' has no handle-callback", c->id);
    begin(c, AW__OP_HANDLE_CALLBACK);
    c->slots[0] = request_id;
    if (response->error == AW__REQUEST_OK) {
        /* Inline (every response a requester gets comes this way). */
        const aw__canon_bytes one = {response->payload, response->len};
        uint32_t ptr = 0;
        if (!aw__canon_lower_n(c, &one, 1, &ptr)) return lowering_failed(c, err);
        c->slots[1] = 0;
        c->slots[2] = ptr;
        c->slots[3] = response->len;
    } else {
        int code = response->error;
        if (code < 0 || code >= AW__REQUEST_ERROR_COUNT) code = AW__REQUEST_TARGET_ERROR;
        c->slots[1] = 1;
        c->slots[2] = (uint64_t)code;
        c->slots[3] = 0;
    }
    return run(c, reply, err);
}

static aw_status call_no_args(aw__component *c, aw__component_op op, aw__reply *reply,
                              aw_error *err) {
    aw_status s = check_idle(c, err);
    if (s != AW_OK) return s;
    if (!c->world.has_export[op_export(op)])
        return aw__error_set(err, AW_NOT_FOUND, "component '%s' has no %s", c->id, op_name(op));
    begin(c, op);
    return run(c, reply, err);
}

aw_status aw__component_health(aw__component *c, aw__reply *reply, aw_error *err) {
    return call_no_args(c, AW__OP_HEALTH, reply, err);
}

aw_status aw__component_shutdown(aw__component *c, aw__reply *reply, aw_error *err) {
    return call_no_args(c, AW__OP_SHUTDOWN, reply, err);
}

aw_status aw__component_resume(aw__component *c, aw__reply *reply, aw_error *err) {
    if (c->head.state != AW__COMPONENT_SUSPENDED)
        return aw__error_set(err, AW_INVALID_ARGUMENT,
                             "component '%s' is not suspended by its fuel slice", c->id);
    aw_error e;
    aw_error_clear(&e);
    c->head.state = AW__COMPONENT_RUNNING; /* settle sets the next state */
    aw_status s = aw_instance_resume(c->instance, &e);
    return settle(c, s, &e, reply, err);
}

aw_status aw__component_complete_call(aw__component *c, const aw__call_result *result,
                                      aw__reply *reply, aw_error *err) {
    if (c->head.state != AW__COMPONENT_WAITING_CALL)
        return aw__error_set(err, AW_INVALID_ARGUMENT, "component '%s' is not waiting in call",
                             c->id);
    aw_error e;
    aw_error_clear(&e);
    /* The `call` import is still in progress from the guest's point of
     * view: its result is lowered now (cabi_realloc runs on the suspended
     * instance), then the guest continues after the import. */
    uint64_t no_results[1] = {0};
    aw_trap trap = AW_TRAP_NONE;
    c->head.state = AW__COMPONENT_RUNNING;
    if (!aw__imports_lower_call_result(c, c->call_ret, result)) trap = c->pending_trap;
    aw_status s = aw_instance_resume_host(c->instance, no_results, trap, &e);
    return settle(c, s, &e, reply, err);
}

void aw__component_abort(aw__component *c) {
    if (c->head.state != AW__COMPONENT_SUSPENDED && c->head.state != AW__COMPONENT_WAITING_CALL)
        return;
    aw_instance_abort(c->instance);
    c->head.state = AW__COMPONENT_FAILED;
}

aw__component_op aw__component_current_op(const aw__component *c) {
    return c->op;
}

const char *aw__component_id(const aw__component *c, size_t *len) {
    if (len != NULL) *len = c->id_len;
    return c->id;
}

aw_instance *aw__component_instance(aw__component *c) {
    return c->instance;
}

bool aw__component_exit_code(const aw__component *c, uint32_t *code) {
    if (c->exited && code != NULL) *code = c->exit_code;
    return c->exited;
}
