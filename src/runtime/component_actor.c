/* The component actor: one live component instance per actor. It turns each
 * envelope in its mailbox into a call of the component's exports and turns
 * the engine's answers into the actor's: finished (done), fuel slice spent
 * (yield, resumed later on any worker), blocked in a synchronous `call`
 * (block until the reply wakes it), trapped (crash: the supervisor restarts it
 * in place, with its mailbox). */
#include "runtime/runtime_internal.h"

#include "base/alloc.h"
#include "base/error.h"
#include "base/log.h"
#include "platform/os.h"

#include <stdio.h>
#include <string.h>

typedef aw__rt_comp_state comp_state;

static void log_component(const aw__rt_def *def, aw_log_level level, const char *what,
                          const aw_error *err) {
    char source[300];
    snprintf(source, sizeof source, "component:%s", def->name->text);
    aw__log(level, source, "%s: %s", what, err->message);
}

/* The first start of a component failed: keep the reason for
 * aw_runtime_start, naming the component and its module. */
static void record_start_failure(const aw__rt_def *def, aw_status st, const aw_error *err) {
    aw_runtime *rt = def->rt;
    aw__mutex_lock(&rt->host_lock);
    if (!rt->start_failed) {
        rt->start_failed = true;
        aw__error_set(&rt->start_error, st, "component '%s' (%s) did not start: %s",
                      def->name->text, def->manifest->module, err->message);
    }
    aw__mutex_unlock(&rt->host_lock);
}

/* A component was restarted: remember the supervisor's count, which is lost
 * with the supervisor if it later gives up. */
static void note_restarts(aw_runtime *rt) {
    aw_actor_ref sup = atomic_load(&rt->supervisor_seen);
    uint64_t now = 0;
    if (sup == AW_ACTOR_NONE || aw_supervisor_restarts(rt->sys, sup, &now) != AW_OK) return;
    uint_fast64_t seen = atomic_load_explicit(&rt->counters.restarts_seen, memory_order_relaxed);
    while (now > seen && !atomic_compare_exchange_weak_explicit(&rt->counters.restarts_seen, &seen,
                                                                now, memory_order_relaxed,
                                                                memory_order_relaxed)) {
    }
}

static aw_status comp_init(aw_actor *self, void *arg, void **state) {
    aw__rt_def *def = arg;
    aw_runtime *rt = def->rt;
    comp_state *s = AW__NEW(comp_state);
    if (!s) return AW_NO_MEMORY;
    s->def = def;
    s->self = aw_actor_self(self);

    const aw__manifest *m = def->manifest;
    const char *env[64];
    char env_text[64][256];
    size_t env_count = m->env_len < 64 ? m->env_len : 64;
    for (size_t i = 0; i < env_count; i++) {
        snprintf(env_text[i], sizeof env_text[i], "%s=%s", m->env[i].name, m->env[i].value);
        env[i] = env_text[i];
    }
    /* The manifest reader allows at most AW__MANIFEST_MAX_PREOPENS. */
    aw__wasi_preopen preopens[AW__MANIFEST_MAX_PREOPENS];
    size_t preopen_count = m->preopens_len;
    for (size_t i = 0; i < preopen_count; i++)
        preopens[i] = (aw__wasi_preopen){m->preopens[i].guest_path, m->preopens[i].host_path,
                                         m->preopens[i].writable};
    aw__component_config cfg = {
        .plan = def->plan,
        .id = def->name->text,
        .id_len = def->name->len,
        .backend = aw__rt_backend(rt),
        .max_memory_pages = m->limits.memory_pages,
        .fuel_per_message = m->limits.fuel_per_message,
        .slice_fuel = rt->config.slice_fuel,
        .args = (const char *const *)m->args.items,
        .arg_count = m->args.len,
        .env = env,
        .env_count = env_count,
        .preopens = preopens,
        .preopen_count = preopen_count,
        .user_data = s,
    };
    aw_error err;
    aw_error_clear(&err);
    /* The runtime-wide caps are checked before the instance exists. */
    aw_status st = aw__rt_reserve_instance(rt, def, &err);
    if (st == AW_OK) {
        st = aw__component_create(def->module, &cfg, &s->comp, &err);
        if (st != AW_OK) aw__rt_release_instance(rt, def);
    }
    if (st != AW_OK) {
        log_component(def, AW_LOG_ERROR, "failed to start", &err);
        aw__rt_audit(rt, def, AW_AUDIT_START, NULL, 0, st, AW_TRAP_NONE, NULL, err.message);
        if (atomic_load(&def->ref) == AW_ACTOR_NONE) record_start_failure(def, st, &err);
        AW__DELETE(s);
        return st;
    }
    /* Point the router at this actor: the first start adds it, a restart
     * that made a new actor replaces the old one, a restart in place keeps it. */
    aw_actor_ref old = atomic_exchange(&def->ref, s->self);
    if (old == AW_ACTOR_NONE)
        aw__router_add_instance(rt->router, def->name, s->self);
    else if (old != s->self)
        aw__router_replace_instance(rt->router, def->name, old, s->self);
    if (old != AW_ACTOR_NONE) {
        note_restarts(rt);
        aw__rt_audit(rt, def, AW_AUDIT_RESTART, NULL, 0, AW_OK, AW_TRAP_NONE, NULL,
                     "the supervisor started it again");
    }
    *state = s;
    return AW_OK;
}

/* Runs the shutdown export to completion (a few slices at most). */
static void run_shutdown(comp_state *s) {
    aw__reply reply;
    aw_error err;
    aw_status st = aw__component_shutdown(s->comp, &reply, &err);
    for (int i = 0; st == AW_SUSPENDED && i < 1000; i++) {
        if (aw__component_state_of(s->comp) != AW__COMPONENT_SUSPENDED) break;
        st = aw__component_resume(s->comp, &reply, &err);
    }
}

static void comp_terminate(aw_actor *self, void *state, aw_reason reason) {
    (void)self;
    comp_state *s = state;
    if (reason.kind == AW_EXIT_SHUTDOWN && aw__component_state_of(s->comp) == AW__COMPONENT_IDLE)
        run_shutdown(s);
    aw_runtime *rt = s->def->rt;
    /* Answered here, after the actor layer has put the message in the dead
     * letters, so whoever gets target-crashed also finds the dead letter. */
    if (s->crashed_request)
        aw__correlate_fail(rt->correlate, s->crashed_request, AW__REQERR_TARGET_CRASHED, NULL);
    aw__topic_unsubscribe_all(rt->topics, (uint64_t)(uintptr_t)s->def);
    aw__correlate_requester_down(rt->correlate, s->self);
    aw__component_destroy(s->comp);
    aw__rt_release_instance(rt, s->def);
    AW__DELETE(s);
}

/* The component trapped (or overran its deadline): answer the request it was
 * handling, drop what it was waiting for, and crash the actor. It views msg
 * (an envelope: comp_handle checked) itself, so that comp_handle's own view
 * never leaves it and the fields the common path does not read cost nothing. */
__attribute__((cold)) static aw_handled crash(aw_actor *self, comp_state *s, const aw_msg *msg,
                                              const aw_error *err) {
    aw_runtime *rt = s->def->rt;
    aw__envelope view;
    (void)aw__envelope_view_msg(msg, &view);
    const aw__envelope *env = &view;
    atomic_fetch_add_explicit(&rt->counters.crashes, 1, memory_order_relaxed);
    char what[128];
    snprintf(what, sizeof what, "crashed (%s) handling a %s", aw_trap_name(err->trap),
             aw__msg_kind_name((aw__msg_kind)env->kind));
    log_component(s->def, AW_LOG_ERROR, what, err);
    aw__rt_audit(rt, s->def, AW_AUDIT_CRASH, NULL, 0, AW_TRAP, err->trap, &env->trace,
                 err->message);
    if (env->kind == AW__MSG_REQUEST) {
        atomic_fetch_add_explicit(&rt->counters.request_errors, 1, memory_order_relaxed);
        s->crashed_request = env->request_id; /* answered in comp_terminate */
    }
    s->message_in_progress = false;
    return aw_actor_crash(self, (uint32_t)err->trap);
}

/* The outcome of a request as the component ABI wants it. */
static aw__call_result call_result_of(const aw__envelope *outcome) {
    aw__call_result r = {AW__REQUEST_OK, NULL, 0};
    if (outcome->kind == AW__MSG_ERROR) r.error = outcome->error;
    if (outcome->payload) {
        r.payload = outcome->payload->bytes;
        r.len = outcome->payload->len;
    }
    if (outcome->kind == AW__MSG_ERROR) r.payload = NULL, r.len = 0;
    return r;
}

/* Starts the call of the export an envelope asks for. */
static aw_status start_message(comp_state *s, const aw__envelope *env, aw__reply *reply,
                               aw_error *err) {
    aw_runtime *rt = s->def->rt;
    const uint8_t *bytes = env->payload ? env->payload->bytes : NULL;
    size_t len = env->payload ? env->payload->len : 0;
    switch ((aw__msg_kind)env->kind) {
        case AW__MSG_CAST:
        case AW__MSG_REQUEST:
        case AW__MSG_PUBLISH: {
            const aw__name *from = env->from ? env->from : rt->host_name;
            aw__rt_count_own(&s->def->policy.handled);
            return aw__component_handle_message_from(s->comp, from, bytes, len, reply, err);
        }
        case AW__MSG_RESPONSE:
        case AW__MSG_ERROR: {
            aw__call_result r = call_result_of(env);
            aw_status st = aw__component_handle_callback(s->comp, env->request_id, &r, reply, err);
            return st == AW_NOT_FOUND ? AW_OK : st;
        }
    }
    return AW_OK;
}

/* A finished handle-message: a request's result becomes its response. */
static void finish_message(comp_state *s, const aw__envelope *env, const aw__reply *reply) {
    aw_runtime *rt = s->def->rt;
    s->message_in_progress = false;
    if (reply->op != AW__OP_HANDLE_MESSAGE) return;
    if (reply->is_error) {
        atomic_fetch_add_explicit(&rt->counters.guest_errors, 1, memory_order_relaxed);
        char source[300];
        snprintf(source, sizeof source, "component:%s", s->def->name->text);
        AW__LOG(AW_LOG_WARN, source, "handle-message returned err: %.*s", (int)reply->len,
                (const char *)reply->bytes);
    }
    if (env->kind != AW__MSG_REQUEST) return;
    /* From the component's own pool: this runs in its actor (the owner). */
    aw_payload *p = aw__payload_pool_copy(&s->def->outbox.pool, reply->bytes, reply->len);
    if (reply->is_error) atomic_fetch_add_explicit(&rt->counters.request_errors, 1, memory_order_relaxed);
    if (reply->is_error)
        aw__correlate_fail(rt->correlate, env->request_id, AW__REQERR_TARGET_ERROR, p);
    else
        aw__correlate_respond(rt->correlate, env->request_id, p);
}

static aw_handled comp_handle(aw_actor *self, void *state, const aw_msg *msg) {
    comp_state *s = state;
    aw_runtime *rt = s->def->rt;
    aw__envelope env;
    if (aw__envelope_view_msg(msg, &env) != AW_OK)
        return AW_DONE; /* exit signals and other system messages: nothing to do */

    aw__reply reply;
    /* Not cleared per message: every call below that fails fills it
     * (aw__error_set), and it is read only after a failure. */
    aw_error err;
    aw_status st;
    switch (aw__component_state_of(s->comp)) {
        case AW__COMPONENT_SUSPENDED: {
            uint64_t limit = (uint64_t)s->def->manifest->limits.timeout_ms * 1000000u;
            if (aw__clock_ns() - s->message_started > limit) {
                aw__component_abort(s->comp);
                aw_error_clear(&err);
                err.status = AW_TRAP;
                err.trap = AW_TRAP_DEADLINE;
                snprintf(err.message, sizeof err.message,
                         "the message took longer than timeout-ms = %u",
                         s->def->manifest->limits.timeout_ms);
                return crash(self, s, msg, &err);
            }
            st = aw__component_resume(s->comp, &reply, &err);
            break;
        }
        case AW__COMPONENT_WAITING_CALL: {
            aw__envelope outcome;
            aw_status cs = aw__correlate_collect(rt->correlate, s->call_id, s->self, &outcome);
            if (cs == AW_SUSPENDED) return AW_BLOCK; /* a wake meant for something else */
            aw__call_result r = {AW__REQUEST_CANCELLED, NULL, 0};
            if (cs == AW_OK) r = call_result_of(&outcome);
            st = aw__component_complete_call(s->comp, &r, &reply, &err);
            if (cs == AW_OK) aw__envelope_release(&outcome);
            break;
        }
        case AW__COMPONENT_IDLE:
            s->message_in_progress = true;
            s->message_started = 0;
            s->trace = env.trace;
            st = start_message(s, &env, &reply, &err);
            break;
        case AW__COMPONENT_FAILED:
        default:
            aw_error_clear(&err);
            err.status = AW_TRAP;
            err.trap = AW_TRAP_HOST_ERROR;
            snprintf(err.message, sizeof err.message, "the instance is no longer usable");
            return crash(self, s, msg, &err);
    }

    switch (st) {
        case AW_OK:
            finish_message(s, &env, &reply);
            return AW_DONE;
        case AW_SUSPENDED:
            if (s->message_started == 0) s->message_started = aw__clock_ns();
            return aw__component_state_of(s->comp) == AW__COMPONENT_WAITING_CALL ? AW_BLOCK
                                                                                : AW_YIELD;
        case AW_TRAP:
            return crash(self, s, msg, &err);
        default:
            log_component(s->def, AW_LOG_ERROR, "message dropped", &err);
            s->message_in_progress = false;
            return AW_DONE;
    }
}

const aw_behaviour aw__rt_component_behaviour = {
    "component",
    comp_init,
    comp_handle,
    comp_terminate,
};
