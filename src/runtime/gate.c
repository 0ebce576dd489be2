/* The policy gate: what a component may do before anything is queued
 * (capabilities on both sides, max-payload, rate limit), the runtime-wide
 * instance and memory caps, and the audit records the runtime writes. Each
 * check is a few comparisons and, for capabilities, a binary search over the
 * manifest's literal patterns; nothing here allocates. Messages from the
 * host (the embedder) are trusted and never pass through the gate. */
#include "runtime/runtime_internal.h"

#include "base/error.h"
#include "platform/os.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_MAX_INSTANCES 10000u
#define DEFAULT_MAX_MEMORY_BYTES (32ull << 30)
#define PAGE_BYTES 65536ull

static void bump(atomic_uint_fast64_t *counter) {
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

aw__rt_def *aw__rt_find_def(aw_runtime *rt, const char *id, size_t len) {
    return aw__strmap_get(&rt->defs_by_id, id, len);
}

void aw__rt_audit(aw_runtime *rt, const aw__rt_def *def, aw_audit_action action,
                  const char *target, size_t target_len, aw_status outcome, aw_trap trap,
                  const aw__trace *trace, const char *detail) {
    if (!rt->audit) return;
    /* Targets come from guests: bounded, and NUL-terminated here. */
    char target_text[AW__TOPIC_MAX_LEN + 1];
    if (target) {
        size_t n = target_len < sizeof target_text - 1 ? target_len : sizeof target_text - 1;
        memcpy(target_text, target, n);
        target_text[n] = '\0';
    }
    aw_audit_record r = {0};
    r.component = def ? def->name->text : rt->host_name->text;
    r.target = target ? target_text : NULL;
    r.action = action;
    r.outcome = outcome;
    r.trap = trap;
    if (trace) {
        r.trace_hi = trace->trace_hi;
        r.trace_lo = trace->trace_lo;
    }
    r.detail = detail;
    aw__audit_write(rt->audit, &r);
}

/* Refuses with status (counted by aw__rt_gate_done). */
static aw_status refuse(aw__rt_def *def, aw_status status, aw_error *err, const char *fmt,
                        const char *what, size_t what_len, const char *extra) {
    (void)def;
    /* Guest strings are not NUL-terminated and may be huge: bound the echo. */
    int shown = what_len > AW__TOPIC_MAX_LEN ? AW__TOPIC_MAX_LEN : (int)what_len;
    return aw__error_set(err, status, fmt, shown, what, extra);
}

/* The checks every outgoing message shares: max-payload, then rate. */
__attribute__((noinline, cold)) static aw_status refuse_too_large(aw__rt_def *def,
                                                                  const char *target,
                                                                  size_t target_len,
                                                                  aw_error *err) {
    char limit[32];
    snprintf(limit, sizeof limit, "%llu", (unsigned long long)def->manifest->limits.max_payload);
    return refuse(def, AW_TOO_LARGE, err, "payload to '%.*s' is over max-payload = %s bytes",
                  target, target_len, limit);
}

/* Inline in the send path (no call for two comparisons); the refusals'
 * wording stays out of line. */
static inline aw_status check_volume(aw__rt_def *def, const char *target, size_t target_len,
                                     size_t payload_len, aw_error *err) {
    if (payload_len > def->manifest->limits.max_payload)
        return refuse_too_large(def, target, target_len, err);
    /* Without a [rate-limit] there is no bucket to ask (and no clock to read). */
    if (def->rate.interval_ns != 0 && !aw__rate_take(&def->rate, aw__clock_ns()))
        return refuse(def, AW_RATE_LIMITED, err, "to '%.*s': over [rate-limit] (%s)", target,
                      target_len, "messages-per-second / burst");
    return AW_OK;
}

static void recent_add(aw__rt_outbox *o, const aw__rt_def *to) {
    o->recent[o->recent_next] = to;
    o->recent_next = (o->recent_next + 1) % AW__RT_RECENT_TARGETS;
}

aw_status aw__rt_gate_send_checked(aw_runtime *rt, aw__rt_def *def, const char *target,
                                   size_t target_len, size_t payload_len, const aw__rt_def **to,
                                   aw_error *err) {
    const aw__rt_def *found = aw__rt_outbox_find(&def->outbox, target, target_len);
    if (!found) {
        if (!aw__capset_allows(def->caps, AW__CAP_SEND, target, target_len))
            return refuse(def, AW_DENIED, err, "'%.*s' is not in %s's send capability", target,
                          target_len, def->name->text);
        found = aw__rt_find_def(rt, target, target_len);
        if (found &&
            !aw__capset_allows(found->caps, AW__CAP_RECEIVE_FROM, def->name->text, def->name->len))
            return refuse(def, AW_DENIED, err, "'%.*s' does not receive from %s (receive-from)",
                          target, target_len, def->name->text);
        /* Both verdicts hold for as long as the runtime: remember them. */
        if (found) recent_add(&def->outbox, found);
    }
    *to = found;
    return check_volume(def, target, target_len, payload_len, err);
}

aw_status aw__rt_gate_publish(aw_runtime *rt, aw__component *c, const char *topic,
                              size_t topic_len, size_t payload_len, aw_error *err) {
    (void)rt;
    aw__rt_def *def = aw__rt_component_def(c);
    if (!aw__capset_allows(def->caps, AW__CAP_PUBLISH, topic, topic_len))
        return refuse(def, AW_DENIED, err, "topic '%.*s' is not in %s's publish capability",
                      topic, topic_len, def->name->text);
    return check_volume(def, topic, topic_len, payload_len, err);
}

aw_status aw__rt_gate_subscribe(aw_runtime *rt, aw__component *c, const char *pattern,
                                size_t pattern_len, aw_error *err) {
    (void)rt;
    aw__rt_def *def = aw__rt_component_def(c);
    if (!aw__capset_allows(def->caps, AW__CAP_SUBSCRIBE, pattern, pattern_len))
        return refuse(def, AW_DENIED, err, "'%.*s' is not covered by %s's subscribe capability",
                      pattern, pattern_len, def->name->text);
    return AW_OK;
}

bool aw__rt_gate_receive(aw_runtime *rt, aw__rt_def *from, const aw__rt_def *to,
                         const char *topic, size_t topic_len) {
    if (!from || aw__capset_allows(to->caps, AW__CAP_RECEIVE_FROM, from->name->text,
                                   from->name->len))
        return true;
    bump(&from->policy.denied);
    char detail[400];
    snprintf(detail, sizeof detail, "subscriber '%s' does not receive from %s (receive-from)",
             to->name->text, from->name->text);
    aw__rt_audit(rt, from, AW_AUDIT_PUBLISH, topic, topic_len, AW_DENIED, AW_TRAP_NONE, NULL,
                 detail);
    return false;
}

void aw__rt_gate_fs_denied(aw_runtime *rt, aw__component *c, const char *call,
                           const uint8_t *path, size_t path_len) {
    aw__rt_def *def = aw__rt_component_def(c);
    bump(&def->policy.denied);
    char detail[128];
    snprintf(detail, sizeof detail, "%s refused by the [wasi] preopens", call);
    aw__rt_audit(rt, def, AW_AUDIT_FILE, (const char *)path, path ? path_len : 0, AW_DENIED,
                 AW_TRAP_NONE, NULL, detail);
}

void aw__rt_gate_done(aw_runtime *rt, aw__component *c, aw_audit_action action,
                      const char *target, size_t target_len, aw_status st, const aw_error *err) {
    aw__rt_def *def = aw__rt_component_def(c);
    if (st == AW_OK) {
        aw__rt_gate_passed(rt, def, c, action, target, target_len);
        return;
    }
    aw__rt_policy_counters *p = &def->policy;
    bump(st == AW_DENIED         ? &p->denied
         : st == AW_RATE_LIMITED ? &p->rate_limited
         : st == AW_TOO_LARGE    ? &p->too_large
                                 : &p->refused);
    aw__rt_audit(rt, def, action, target, target_len, st, AW_TRAP_NONE,
                 aw__rt_component_trace(c), err->message);
}

aw_status aw__rt_reserve_instance(aw_runtime *rt, const aw__rt_def *def, aw_error *err) {
    uint32_t max_instances = rt->config.max_instances ? rt->config.max_instances
                                                      : DEFAULT_MAX_INSTANCES;
    uint64_t max_memory = rt->config.max_memory_bytes ? rt->config.max_memory_bytes
                                                      : DEFAULT_MAX_MEMORY_BYTES;
    uint64_t memory = (uint64_t)def->manifest->limits.memory_pages * PAGE_BYTES;
    /* Instances first, then memory; a failure on memory gives the instance
     * back. Relaxed: these are counters, no data is published through them. */
    uint_fast32_t live = atomic_load_explicit(&rt->live_instances, memory_order_relaxed);
    do {
        if (live >= max_instances) {
            bump(&rt->instances_refused);
            return aw__error_set(err, AW_LIMIT_EXCEEDED,
                                 "the runtime's instance cap (max_instances = %u) is reached",
                                 max_instances);
        }
    } while (!atomic_compare_exchange_weak_explicit(&rt->live_instances, &live, live + 1,
                                                    memory_order_relaxed, memory_order_relaxed));
    uint_fast64_t used = atomic_load_explicit(&rt->reserved_memory, memory_order_relaxed);
    do {
        if (memory > max_memory || used > max_memory - memory) {
            atomic_fetch_sub_explicit(&rt->live_instances, 1, memory_order_relaxed);
            bump(&rt->instances_refused);
            return aw__error_set(err, AW_LIMIT_EXCEEDED,
                                 "memory-pages = %u would take the runtime's linear memory over "
                                 "max_memory_bytes = %llu (%llu reserved)",
                                 def->manifest->limits.memory_pages,
                                 (unsigned long long)max_memory, (unsigned long long)used);
        }
    } while (!atomic_compare_exchange_weak_explicit(&rt->reserved_memory, &used, used + memory,
                                                    memory_order_relaxed, memory_order_relaxed));
    return AW_OK;
}

void aw__rt_release_instance(aw_runtime *rt, const aw__rt_def *def) {
    uint64_t memory = (uint64_t)def->manifest->limits.memory_pages * PAGE_BYTES;
    atomic_fetch_sub_explicit(&rt->reserved_memory, memory, memory_order_relaxed);
    atomic_fetch_sub_explicit(&rt->live_instances, 1, memory_order_relaxed);
}

aw_status aw__rt_def_policy_init(aw__rt_def *def) {
    const aw__manifest *m = def->manifest;
    aw__rate_init(&def->rate, m->rate_limited ? m->messages_per_second : 0,
                  m->rate_limited ? m->burst : 0, aw__clock_ns());
    aw__payload_pool_init(&def->outbox.pool);
    return aw__capset_create(m, &def->caps);
}

void aw__rt_def_policy_free(aw__rt_def *def) {
    aw__payload_pool_destroy(&def->outbox.pool);
    aw__capset_free(def->caps);
    def->caps = NULL;
}

aw_status aw_runtime_component_stats(aw_runtime *rt, const char *id, aw_component_stats *out) {
    memset(out, 0, sizeof *out);
    aw__rt_def *def = aw__rt_find_def(rt, id, strlen(id));
    if (!def) return AW_NOT_FOUND;
    aw__rt_policy_counters *c = &def->policy;
    out->sent = atomic_load_explicit(&c->sent, memory_order_relaxed);
    out->denied = atomic_load_explicit(&c->denied, memory_order_relaxed);
    out->rate_limited = atomic_load_explicit(&c->rate_limited, memory_order_relaxed);
    out->too_large = atomic_load_explicit(&c->too_large, memory_order_relaxed);
    out->refused = atomic_load_explicit(&c->refused, memory_order_relaxed);
    aw__rate_stats rs;
    aw__rate_get_stats(&def->rate, aw__clock_ns(), &rs);
    out->rate_tokens = rs.tokens;
    return AW_OK;
}
