/* Helpers of the hostile-component suite (sec_harness.h). Test code: it may
 * use POSIX directly (mkdtemp, unlink). */
#define _GNU_SOURCE
#include "sec_harness.h"

#include "platform/thread.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_RECORDS 8192


static aw__mutex audit_lock;
static bool audit_lock_ready;
static sec_record records[MAX_RECORDS];
static size_t record_count; /* may exceed MAX_RECORDS: only the first are kept */

static const char *write_file(const char *name, const char *text) {
    const char *path = aw_test_join(aw_test_scratch("sec"), name);
    aw_test_write_text(path, text);
    return path;
}

static void copy_text(char *out, size_t cap, const char *in) {
    snprintf(out, cap, "%s", in ? in : "");
}

/* The sink: every line must be one JSON object naming the record's action. */
static void sink(void *ctx, const aw_audit_record *r, const char *json, size_t len) {
    (void)ctx;
    json_error_t e;
    json_t *j = json_loadb(json, len, 0, &e);
    if (!j) abort();
    const char *action = json_string_value(json_object_get(j, "action"));
    if (!action || strcmp(action, aw_audit_action_name(r->action)) != 0) abort();
    json_decref(j);
    aw__mutex_lock(&audit_lock);
    if (record_count < MAX_RECORDS) {
        sec_record *s = &records[record_count];
        s->action = r->action;
        s->outcome = r->outcome;
        s->trap = r->trap;
        copy_text(s->component, sizeof s->component, r->component);
        copy_text(s->target, sizeof s->target, r->target);
        copy_text(s->detail, sizeof s->detail, r->detail);
        s->trace_hi = r->trace_hi;
        s->trace_lo = r->trace_lo;
    }
    record_count++;
    aw__mutex_unlock(&audit_lock);
}

aw_status sec_try_start(const aw_runtime_config *cfg, const sec_comp *comps, size_t count,
                        aw_runtime **rt, aw_error *err) {
    if (!audit_lock_ready) {
        assert_int_equal(aw__mutex_init(&audit_lock), AW_OK);
        audit_lock_ready = true;
    }
    aw__mutex_lock(&audit_lock);
    record_count = 0;
    aw__mutex_unlock(&audit_lock);
    static char paths[16][640];
    aw_component_spec specs[16];
    assert_true(count <= 16);
    for (size_t i = 0; i < count; i++) {
        const sec_comp *c = &comps[i];
        char text[4096], name[128];
        const char *module = c->module ? c->module : SEC_ACTOR;
        snprintf(text, sizeof text,
                 "[component]\nname = \"%s\"\nmodule = \"%s%s%s\"\naccepts = [\"raw\"]\n"
                 "[capabilities]\n%s[limits]\n%s%s",
                 c->id, module[0] == '/' ? "" : AW_WASM_DIR, module[0] == '/' ? "" : "/", module,
                 c->capabilities ? c->capabilities : SEC_ALL_CAPS,
                 c->limits ? c->limits : SEC_LIMITS, c->extra ? c->extra : "");
        snprintf(name, sizeof name, "%s.toml", c->id);
        snprintf(paths[i], sizeof paths[i], "%s", write_file(name, text));
        specs[i] = (aw_component_spec){c->id, paths[i], AW_PERMANENT};
    }
    aw_runtime_config config = {.workers = 2};
    if (cfg) config = *cfg;
    config.audit_fn = sink;
    *rt = NULL;
    aw_status s = aw_runtime_create(&config, rt, err);
    if (s != AW_OK) return s;
    aw_system_spec sys = {AW_ONE_FOR_ONE, 1000, 10000, specs, count};
    s = aw_runtime_start(*rt, &sys, err);
    if (s != AW_OK) {
        aw_runtime_destroy(*rt);
        *rt = NULL;
    }
    return s;
}

aw_runtime *sec_start(const aw_runtime_config *cfg, const sec_comp *comps, size_t count) {
    aw_runtime *rt;
    aw_error err;
    aw_error_clear(&err);
    if (sec_try_start(cfg, comps, count, &rt, &err) != AW_OK) fail_msg("start: %s", err.message);
    return rt;
}

void sec_finish(aw_runtime *rt) {
    assert_int_equal(aw_runtime_wait_idle(rt, 20000000000ull), AW_OK);
    assert_int_equal(aw_runtime_stop(rt, 0), AW_OK);
    aw_runtime_destroy(rt);
}

aw_request_outcome sec_try_cmd(aw_runtime *rt, const char *target, const void *cmd,
                               size_t cmd_len, const char **reply) {
    static char text[4096];
    uint8_t payload[1024];
    assert_true(cmd_len < sizeof payload);
    payload[0] = 0x55;
    memcpy(payload + 1, cmd, cmd_len);
    aw_request_outcome outcome = AW_REQUEST_DENIED;
    uint8_t *bytes = NULL;
    size_t len = 0;
    aw_error err;
    aw_error_clear(&err);
    aw_status s = aw_runtime_call(rt, target, payload, cmd_len + 1, 10000, &outcome, &bytes, &len,
                                  &err);
    if (s != AW_OK) fail_msg("call %s: %s", target, err.message);
    text[0] = '\0';
    if (bytes) {
        size_t skip = outcome == AW_REQUEST_OK && len > 0 ? 1 : 0; /* the raw prefix */
        size_t n = len - skip < sizeof text - 1 ? len - skip : sizeof text - 1;
        memcpy(text, bytes + skip, n);
        text[n] = '\0';
        aw_runtime_free_bytes(bytes, len);
    }
    if (reply) *reply = text;
    return outcome;
}

const char *sec_cmd(aw_runtime *rt, const char *target, const char *cmd) {
    const char *reply;
    aw_request_outcome o = sec_try_cmd(rt, target, cmd, strlen(cmd), &reply);
    if (o != AW_REQUEST_OK) fail_msg("%s: '%s' ended with outcome %d (%s)", target, cmd, o, reply);
    return reply;
}

long sec_num(aw_runtime *rt, const char *target, const char *cmd) {
    return strtol(sec_cmd(rt, target, cmd), NULL, 10);
}

size_t sec_audit_count(aw_audit_action action, aw_status outcome, const char *component,
                       sec_record *first) {
    size_t n = 0;
    aw__mutex_lock(&audit_lock);
    size_t kept = record_count < MAX_RECORDS ? record_count : MAX_RECORDS;
    for (size_t i = 0; i < kept; i++) {
        const sec_record *r = &records[i];
        if (r->action != action || r->outcome != outcome) continue;
        if (component && strcmp(r->component, component) != 0) continue;
        if (n++ == 0 && first) *first = *r;
    }
    aw__mutex_unlock(&audit_lock);
    return n;
}

bool sec_audit_last(aw_audit_action action, aw_status outcome, const char *component,
                    sec_record *out) {
    bool found = false;
    aw__mutex_lock(&audit_lock);
    size_t kept = record_count < MAX_RECORDS ? record_count : MAX_RECORDS;
    for (size_t i = kept; i-- > 0 && !found;) {
        const sec_record *r = &records[i];
        if (r->action != action || r->outcome != outcome) continue;
        if (component && strcmp(r->component, component) != 0) continue;
        *out = *r;
        found = true;
    }
    aw__mutex_unlock(&audit_lock);
    return found;
}

size_t sec_audit_total(void) {
    aw__mutex_lock(&audit_lock);
    size_t n = record_count;
    aw__mutex_unlock(&audit_lock);
    return n;
}

void sec_sleep_ms(unsigned ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

bool sec_wait_audit(aw_audit_action action, aw_status outcome, const char *component,
                    size_t want, unsigned ms) {
    for (unsigned waited = 0;; waited += 5) {
        if (sec_audit_count(action, outcome, component, NULL) >= want) return true;
        if (waited >= ms) return false;
        sec_sleep_ms(5);
    }
}
