/* aw_runtime: creates the actor system, router, request table and topic
 * index; loads manifests and modules; starts the components under one
 * supervisor; stops and frees it all in the order the layers need. */
#include "runtime/runtime_internal.h"

#include "base/alloc.h"
#include "base/error.h"
#include "base/log.h"
#include "base/strmap.h"
#include "platform/os.h"
#include "policy/system.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_SLICE_FUEL 20000u
#define MAX_NAMES (1u << 20) /* ids of a system: 100,000 instances per component are allowed */
#define MAX_PENDING_REQUESTS 1000000u

aw_status aw_runtime_create(const aw_runtime_config *config, aw_runtime **out, aw_error *err) {
    *out = NULL;
    aw_runtime *rt = AW__NEW(aw_runtime);
    if (!rt) return aw__error_set(err, AW_NO_MEMORY, "out of memory creating the runtime");
    if (config) rt->config = *config;
    if (rt->config.slice_fuel == 0) rt->config.slice_fuel = DEFAULT_SLICE_FUEL;
    aw__audit_config audit = {rt->config.audit_path, rt->config.audit_fn, rt->config.audit_ctx,
                              rt->config.audit_sample_sends};
    rt->config.audit_path = NULL; /* borrowed for this call only */
    aw_status s = aw__audit_create(&audit, &rt->audit, err);
    if (s != AW_OK) {
        AW__DELETE(rt);
        return s;
    }
    s = aw__mutex_init(&rt->host_lock);
    if (s != AW_OK) {
        aw__audit_destroy(rt->audit);
        AW__DELETE(rt);
        return aw__error_set(err, s, "cannot create the runtime's lock");
    }
    aw_actor_config ac = {0};
    ac.workers = rt->config.workers;
    ac.mailbox_capacity = AW__MANIFEST_DEFAULT_MAILBOX;
    s = aw_actor_system_create(&ac, &rt->sys);
    if (s == AW_OK) s = aw__names_create(MAX_NAMES, &rt->names);
    if (s == AW_OK) s = aw__router_create(rt->names, &rt->router);
    if (s == AW_OK) s = aw__topic_index_create(&rt->topics);
    if (s == AW_OK) s = aw__correlate_create(rt->sys, MAX_PENDING_REQUESTS, &rt->correlate);
    if (s == AW_OK) s = aw__names_intern(rt->names, "host", 4, &rt->host_name, err);
    if (s == AW_OK)
        s = aw_actor_spawn(rt->sys, &aw__rt_host_proxy_behaviour, rt, NULL, &rt->host_proxy);
    if (s != AW_OK) {
        aw_runtime_destroy(rt);
        return aw__error_set(err, s, "cannot create the runtime: %s", aw_status_text(s));
    }
    *out = rt;
    return AW_OK;
}

/* Loads the module a manifest names, checks it is a component and plans
 * its instances (host/component.h). */
static aw_status load_module(aw__rt_def *def, aw_error *err) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    const char *path = def->manifest->module;
    aw_status s = aw__file_read(path, &bytes, &len);
    if (s != AW_OK)
        return aw__error_set(err, s, "%s: cannot read module %s: %s", def->manifest->path, path,
                             aw_status_text(s));
    s = aw_module_create(bytes, len, &def->module, err);
    aw__free(bytes, len + 1);
    if (s == AW_OK) s = aw__component_plan_create(def->module, &def->plan, err);
    if (s != AW_OK) {
        char detail[AW_ERROR_MESSAGE_MAX] = "";
        if (err) memcpy(detail, err->message, sizeof detail);
        return aw__error_set(err, s, "%s: %s", path, detail);
    }
    return AW_OK;
}

/* Declares def's id in the router with its manifest's delivery rules. */
static aw_status declare(aw_runtime *rt, aw__rt_def *def, const char *id, aw_error *err) {
    aw__route_config rc = aw__rt_route_config(def->manifest);
    return aw__router_declare(rt->router, id, strlen(id), &rc, &def->name, err);
}

/* An entry of the system being started; the manifest moves into the def. */
typedef struct start_entry {
    char id[320];
    aw__manifest *manifest;
    aw_restart restart;
} start_entry;

static aw_status start_entries(aw_runtime *rt, aw_strategy strategy, uint32_t intensity,
                               uint32_t period_ms, start_entry *entries, size_t count,
                               aw_error *err) {
    if (rt->started) return aw__error_set(err, AW_INVALID_ARGUMENT, "the runtime runs one system");
    rt->defs = aw__calloc(count, sizeof *rt->defs);
    aw_child_spec *children = aw__calloc(count, sizeof *children);
    aw__strmap modules = AW__STRMAP_INIT; /* module path -> def that loaded it (borrowed) */
    aw_status s = AW_NO_MEMORY;
    if (!rt->defs || !children) goto fail;
    rt->def_count = count;
    for (size_t i = 0; i < count; i++) {
        aw__rt_def *def = &rt->defs[i];
        def->rt = rt;
        def->manifest = entries[i].manifest;
        entries[i].manifest = NULL;
        def->restart = entries[i].restart;
        /* Instances of one module share it and its plan: decoding,
         * validating and checking it against the world again for each of
         * thousands of instances costs time and memory. */
        const char *path = def->manifest->module;
        const aw__rt_def *loaded = aw__strmap_get(&modules, path, strlen(path));
        if (loaded) {
            def->module = loaded->module;
            def->plan = loaded->plan;
            aw_module_retain(def->module);
            aw__component_plan_retain(def->plan);
            s = AW_OK;
        } else {
            s = load_module(def, err);
            if (s == AW_OK) s = aw__strmap_add(&modules, path, strlen(path), def);
        }
        if (s == AW_OK) s = declare(rt, def, entries[i].id, err);
        if (s == AW_OK && aw__rt_def_policy_init(def) != AW_OK)
            s = aw__error_set(err, AW_NO_MEMORY, "out of memory");
        if (s == AW_OK &&
            (s = aw__strmap_add(&rt->defs_by_id, def->name->text, def->name->len, def)) != AW_OK)
            aw__error_set(err, s, "cannot index component '%s'", def->name->text);
        if (s != AW_OK) goto fail;
        children[i].id = def->name->text;
        children[i].behaviour = &aw__rt_component_behaviour;
        children[i].arg = def;
        children[i].opts.mailbox_capacity = def->manifest->limits.mailbox;
        children[i].restart = def->restart;
        children[i].restart_in_place = true;
    }
    aw_supervisor_spec spec = {
        .strategy = strategy,
        .intensity = intensity,
        .period_ns = (uint64_t)period_ms * 1000000u,
        .children = children,
        .child_count = count,
    };
    aw__mutex_lock(&rt->host_lock);
    rt->start_failed = false;
    aw__mutex_unlock(&rt->host_lock);
    s = aw_supervisor_start(rt->sys, &spec, NULL, &rt->supervisor);
    if (s != AW_OK) {
        aw__mutex_lock(&rt->host_lock);
        bool named = rt->start_failed;
        if (named) s = aw__error_set(err, rt->start_error.status, "%s", rt->start_error.message);
        aw__mutex_unlock(&rt->host_lock);
        if (!named)
            aw__error_set(err, s, "the system did not start: a component's init failed (%s); "
                                  "see the log above", aw_status_text(s));
        /* The supervisor kills the components it had started, asynchronously;
         * wait for them, so that nothing is left running when this returns. */
        uint64_t deadline = aw__clock_ns() + 10000000000ull;
        for (size_t i = 0; i < count; i++) {
            aw_actor_ref ref = atomic_load(&rt->defs[i].ref);
            while (ref != AW_ACTOR_NONE && aw_actor_alive(rt->sys, ref) &&
                   aw__clock_ns() < deadline)
                aw__sleep_ns(1000000);
        }
        goto fail;
    }
    atomic_store(&rt->supervisor_seen, rt->supervisor);
    aw__free(children, count * sizeof *children);
    aw__strmap_free(&modules);
    rt->started = true;
    return AW_OK;
fail:
    aw__free(children, count * sizeof *children);
    aw__strmap_free(&modules);
    /* The defs and their ids stay until destroy: this runtime is spent. */
    rt->started = true;
    return s;
}

static aw_restart restart_of(aw__restart_policy p) {
    return p == AW__RESTART_TRANSIENT ? AW_TRANSIENT
           : p == AW__RESTART_TEMPORARY ? AW_TEMPORARY
                                        : AW_PERMANENT;
}

aw_status aw_runtime_start(aw_runtime *rt, const aw_system_spec *spec, aw_error *err) {
    start_entry *entries = aw__calloc(spec->component_count, sizeof *entries);
    if (!entries) return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    /* Components naming the same manifest file share one copy of it. */
    aw__strmap loaded = AW__STRMAP_INIT; /* path -> manifest (borrowed) */
    aw_status s = AW_OK;
    for (size_t i = 0; i < spec->component_count && s == AW_OK; i++) {
        const aw_component_spec *c = &spec->components[i];
        size_t path_len = strlen(c->manifest_path);
        aw__manifest *shared = aw__strmap_get(&loaded, c->manifest_path, path_len);
        if (shared) {
            entries[i].manifest = aw__manifest_retain(shared);
        } else {
            s = aw__manifest_load(c->manifest_path, &entries[i].manifest, err);
            if (s == AW_OK &&
                aw__strmap_add(&loaded, c->manifest_path, path_len, entries[i].manifest) != AW_OK)
                s = aw__error_set(err, AW_NO_MEMORY, "out of memory");
        }
        if (s != AW_OK) break;
        const char *id = c->id ? c->id : entries[i].manifest->name;
        snprintf(entries[i].id, sizeof entries[i].id, "%s", id);
        entries[i].restart = c->restart;
    }
    if (s == AW_OK)
        s = start_entries(rt, spec->strategy, spec->intensity, spec->period_ms, entries,
                          spec->component_count, err);
    aw__strmap_free(&loaded);
    for (size_t i = 0; i < spec->component_count; i++) aw__manifest_free(entries[i].manifest);
    aw__free(entries, spec->component_count * sizeof *entries);
    return s;
}

/* The [[message]] entries of the system file, sent once the system is up.
 * One timer at a time walks the list, sorted by delay and otherwise in file
 * order: with a timer per message, messages due at the same moment could be
 * sent in any order (a timer wheel fires what is due in one turn unordered),
 * and two messages to one component must arrive in the order of the file. */
typedef struct scheduled_message {
    char to[320];
    uint8_t *payload;
    size_t len;
    uint32_t after_ms;
    struct scheduled_message *next;
} scheduled_message;

typedef struct aw__rt_schedule {
    aw_runtime *rt;
    uint64_t start_ns; /* system clock when the system was up */
    scheduled_message *first;
} schedule;

static void free_message(scheduled_message *m) {
    aw__free(m->payload, m->len);
    AW__DELETE(m);
}

/* Drops the messages not sent; frees the schedule. */
static void schedule_free(schedule *sc) {
    while (sc->first) {
        scheduled_message *m = sc->first;
        sc->first = m->next;
        free_message(m);
        atomic_fetch_sub(&sc->rt->scheduled, 1);
    }
    AW__DELETE(sc);
}

/* Timer callback: sends every message due by now's delay, in order, then
 * arms the timer for the next one. */
static void send_due(aw_actor_system *sys, void *arg) {
    schedule *sc = arg;
    aw_runtime *rt = sc->rt;
    uint32_t due = sc->first ? sc->first->after_ms : 0;
    while (sc->first && sc->first->after_ms <= due) {
        scheduled_message *m = sc->first;
        sc->first = m->next;
        aw_error err;
        aw_error_clear(&err);
        if (aw_runtime_send(rt, m->to, m->payload, m->len, &err) != AW_OK)
            aw__log(AW_LOG_WARN, "system", "message to %s not sent: %s", m->to, err.message);
        free_message(m);
        atomic_fetch_sub(&rt->scheduled, 1);
    }
    bool armed = false;
    aw__mutex_lock(&rt->host_lock);
    if (sc->first && !rt->schedule_stopped) {
        uint64_t at = sc->start_ns + (uint64_t)sc->first->after_ms * 1000000u;
        armed = aw_timer_call_at(sys, at, send_due, sc, &rt->schedule_timer) == AW_OK;
        if (!armed) aw__log(AW_LOG_WARN, "system", "later messages not sent: cannot arm a timer");
    }
    if (!armed) rt->schedule = NULL;
    aw__mutex_unlock(&rt->host_lock);
    if (!armed) schedule_free(sc);
}

/* At stop: the messages not sent yet are dropped (their timer would never
 * fire). If the timer is firing right now, send_due frees them instead. */
static void cancel_schedule(aw_runtime *rt) {
    aw__mutex_lock(&rt->host_lock);
    schedule *sc = rt->schedule;
    rt->schedule_stopped = true;
    if (sc && aw_timer_cancel(rt->sys, rt->schedule_timer) == AW_OK)
        rt->schedule = NULL;
    else
        sc = NULL;
    aw__mutex_unlock(&rt->host_lock);
    if (sc) schedule_free(sc);
}

static aw_status schedule_messages(aw_runtime *rt, const aw__system_config *sys, aw_error *err) {
    if (sys->messages_len == 0) return AW_OK;
    schedule *sc = AW__NEW(schedule);
    if (!sc) return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    sc->rt = rt;
    sc->start_ns = aw_actor_system_now(rt->sys);
    for (size_t i = 0; i < sys->messages_len; i++) {
        const aw__system_message *sm = &sys->messages[i];
        scheduled_message *m = AW__NEW(scheduled_message);
        uint8_t prefix[AW__UVARINT_MAX_BYTES];
        size_t plen = aw__codec_prefix(sm->codec, prefix);
        if (m) m->payload = aw__malloc(plen + sm->body_len);
        if (!m || !m->payload) {
            if (m) AW__DELETE(m);
            schedule_free(sc);
            return aw__error_set(err, AW_NO_MEMORY, "out of memory");
        }
        snprintf(m->to, sizeof m->to, "%s", sm->to);
        memcpy(m->payload, prefix, plen);
        if (sm->body_len) memcpy(m->payload + plen, sm->body, sm->body_len);
        m->len = plen + sm->body_len;
        m->after_ms = sm->after_ms;
        /* After every message with a delay up to its own: stable. */
        scheduled_message **link = &sc->first;
        while (*link && (*link)->after_ms <= m->after_ms) link = &(*link)->next;
        m->next = *link;
        *link = m;
        atomic_fetch_add(&rt->scheduled, 1);
    }
    uint64_t at = sc->start_ns + (uint64_t)sc->first->after_ms * 1000000u;
    aw__mutex_lock(&rt->host_lock);
    rt->schedule = sc;
    aw_status s = aw_timer_call_at(rt->sys, at, send_due, sc, &rt->schedule_timer);
    if (s != AW_OK) rt->schedule = NULL;
    aw__mutex_unlock(&rt->host_lock);
    if (s != AW_OK) {
        schedule_free(sc);
        return aw__error_set(err, s, "cannot schedule the system file's messages");
    }
    return AW_OK;
}

aw_status aw_runtime_start_file(aw_runtime *rt, const char *path, aw_error *err) {
    aw__system_config *sys = NULL;
    aw_status s = aw__system_load(path, &sys, err);
    if (s != AW_OK) return s;
    size_t count = 0;
    for (size_t i = 0; i < sys->components_len; i++) count += sys->components[i].instances;
    start_entry *entries = aw__calloc(count, sizeof *entries);
    s = entries ? AW_OK : aw__error_set(err, AW_NO_MEMORY, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < sys->components_len && s == AW_OK; i++) {
        aw__system_component *c = &sys->components[i];
        for (uint32_t k = 1; k <= c->instances && s == AW_OK; k++, n++) {
            aw__system_instance_id(c, k, entries[n].id, sizeof entries[n].id);
            entries[n].restart = restart_of(c->restart);
            /* The instances share the manifest read once by aw__system_load;
             * each still gets its own WASI state from it at instantiation. */
            entries[n].manifest = aw__manifest_retain(c->manifest);
        }
    }
    aw_strategy strategy = sys->strategy == AW__STRATEGY_ONE_FOR_ALL    ? AW_ONE_FOR_ALL
                           : sys->strategy == AW__STRATEGY_REST_FOR_ONE ? AW_REST_FOR_ONE
                                                                        : AW_ONE_FOR_ONE;
    if (s == AW_OK)
        s = start_entries(rt, strategy, sys->intensity, sys->period_ms, entries, count, err);
    if (s == AW_OK) s = schedule_messages(rt, sys, err);
    for (size_t i = 0; i < count && entries; i++) aw__manifest_free(entries[i].manifest);
    if (entries) aw__free(entries, count * sizeof *entries);
    aw__system_free(sys);
    return s;
}

aw_status aw_runtime_wait_idle(aw_runtime *rt, uint64_t timeout_ns) {
    uint64_t deadline = aw__clock_ns() + timeout_ns;
    for (;;) {
        uint64_t now = aw__clock_ns();
        if (now >= deadline) return AW_TIMEOUT;
        aw_status s = aw_actor_system_wait_idle(rt->sys, deadline - now);
        if (s != AW_OK) return s;
        aw__correlate_stats cs;
        aw__correlate_get_stats(rt->correlate, &cs);
        if (cs.pending == 0 && atomic_load(&rt->scheduled) == 0) {
            /* Settled twice in a row: nothing was in flight between the checks. */
            aw__correlate_get_stats(rt->correlate, &cs);
            if (aw_actor_system_wait_idle(rt->sys, deadline - aw__clock_ns()) == AW_OK &&
                cs.pending == 0)
                return AW_OK;
        }
        aw__sleep_ns(1000000);
    }
}

void aw_runtime_stats_get(aw_runtime *rt, aw_runtime_stats *out) {
    memset(out, 0, sizeof *out);
    aw__rt_counters *c = &rt->counters;
    out->requests = atomic_load_explicit(&c->requests, memory_order_relaxed);
    out->send_failures = atomic_load_explicit(&c->send_failures, memory_order_relaxed);
    out->guest_errors = atomic_load_explicit(&c->guest_errors, memory_order_relaxed);
    out->crashes = atomic_load_explicit(&c->crashes, memory_order_relaxed);
    aw__correlate_stats cs = rt->final_requests;
    if (rt->correlate) aw__correlate_get_stats(rt->correlate, &cs);
    out->responses = cs.answered;
    out->request_errors = atomic_load_explicit(&c->request_errors, memory_order_relaxed);
    out->timeouts = cs.timed_out;
    out->late_responses = cs.late;
    out->restarts = rt->final_restarts;
    if (rt->supervisor != AW_ACTOR_NONE && !rt->stopped)
        aw_supervisor_restarts(rt->sys, rt->supervisor, &out->restarts);
    uint64_t seen = atomic_load_explicit(&c->restarts_seen, memory_order_relaxed);
    if (seen > out->restarts) out->restarts = seen;
    out->dead_letters = aw_dead_letters_total(rt->sys);
    for (size_t i = 0; i < rt->def_count; i++) {
        if (aw_actor_alive(rt->sys, atomic_load(&rt->defs[i].ref))) out->components++;
        aw__rt_policy_counters *p = &rt->defs[i].policy;
        out->messages += atomic_load_explicit(&p->handled, memory_order_relaxed);
        out->requests += atomic_load_explicit(&p->requests, memory_order_relaxed);
        out->denied += atomic_load_explicit(&p->denied, memory_order_relaxed);
        out->rate_limited += atomic_load_explicit(&p->rate_limited, memory_order_relaxed);
        out->too_large += atomic_load_explicit(&p->too_large, memory_order_relaxed);
    }
    out->instances_refused = atomic_load_explicit(&rt->instances_refused, memory_order_relaxed);
    out->instances = (uint32_t)atomic_load_explicit(&rt->live_instances, memory_order_relaxed);
    out->memory_reserved = atomic_load_explicit(&rt->reserved_memory, memory_order_relaxed);
}

aw_status aw_runtime_stop(aw_runtime *rt, uint64_t drain_ns) {
    if (rt->stopped) return AW_OK;
    cancel_schedule(rt);
    if (rt->supervisor != AW_ACTOR_NONE) {
        if (drain_ns) aw_runtime_wait_idle(rt, drain_ns);
        aw_supervisor_restarts(rt->sys, rt->supervisor, &rt->final_restarts);
        rt->stopped = true;
        /* The supervisor stops its children in reverse start order; each
         * component's shutdown export runs in its terminate. */
        aw_actor_exit(rt->sys, AW_ACTOR_NONE, rt->supervisor,
                      (aw_reason){AW_EXIT_SHUTDOWN, 0});
        uint64_t deadline = aw__clock_ns() + 10000000000ull;
        while (aw_actor_alive(rt->sys, rt->supervisor) && aw__clock_ns() < deadline)
            aw__sleep_ns(1000000);
    }
    rt->stopped = true;
    /* Components the supervisor has not stopped by the deadline are
     * terminated by the system's shutdown, and their terminate still uses
     * the request table: it goes after. */
    aw_status s = aw_actor_system_shutdown(rt->sys, 0, NULL);
    aw__correlate_get_stats(rt->correlate, &rt->final_requests);
    aw__correlate_destroy(rt->correlate);
    rt->correlate = NULL;
    return s;
}

void aw_runtime_destroy(aw_runtime *rt) {
    if (!rt) return;
    if (rt->sys) {
        aw_runtime_stop(rt, 0);
        aw_actor_system_destroy(rt->sys);
    }
    aw__correlate_destroy(rt->correlate);
    for (aw__rt_host_request *r = rt->host_requests, *next; r; r = next) {
        next = r->next;
        AW__DELETE(r);
    }
    aw__topic_index_destroy(rt->topics);
    aw__router_destroy(rt->router);
    aw__names_destroy(rt->names);
    for (size_t i = 0; i < rt->def_count; i++) {
        aw__rt_def_policy_free(&rt->defs[i]);
        aw__manifest_free(rt->defs[i].manifest);
        aw__component_plan_release(rt->defs[i].plan);
        aw_module_release(rt->defs[i].module);
    }
    aw__free(rt->defs, rt->def_count * sizeof *rt->defs);
    aw__strmap_free(&rt->defs_by_id);
    aw__audit_destroy(rt->audit);
    aw__mutex_destroy(&rt->host_lock);
    AW__DELETE(rt);
}
