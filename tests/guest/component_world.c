/* The component world's core signatures (docs/component-abi.md, derived from
 * wit/airwasm.wit by the canonical ABI) and the WASI preview1 subset the host
 * provides, checked against a module's imports and exports. */
#include "component_world.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HOST_MODULE "airwasm:component/host@0.1.0"
#define EXPORT_PREFIX "airwasm:component/lifecycle@0.1.0#"
#define POST_PREFIX "cabi_post_airwasm:component/lifecycle@0.1.0#"

typedef struct world_func {
    const char *name;
    const char *sig;
} world_func;

static const world_func host_imports[] = {
    {"self-id", "(i32)->()"},
    {"send-message", "(i32,i32,i32,i32,i32)->()"},
    {"send-request", "(i32,i32,i32,i32,i32,i32)->()"},
    {"cancel-request", "(i64)->(i32)"},
    {"call", "(i32,i32,i32,i32,i32,i32)->()"},
    {"publish", "(i32,i32,i32,i32,i32)->()"},
    {"subscribe", "(i32,i32,i32)->()"},
    {"log", "(i32,i32,i32)->()"},
    {"now-millis", "()->(i64)"},
};

/* The preview1 functions the host implements (issue 5), with their
 * signatures from the WASI preview1 witx. */
static const world_func wasi_imports[] = {
    {"fd_write", "(i32,i32,i32,i32)->(i32)"},
    {"fd_fdstat_get", "(i32,i32)->(i32)"},
    {"fd_seek", "(i32,i64,i32,i32)->(i32)"},
    {"fd_close", "(i32)->(i32)"},
    {"clock_time_get", "(i32,i64,i32)->(i32)"},
    {"clock_res_get", "(i32,i32)->(i32)"},
    {"random_get", "(i32,i32)->(i32)"},
    {"args_get", "(i32,i32)->(i32)"},
    {"args_sizes_get", "(i32,i32)->(i32)"},
    {"environ_get", "(i32,i32)->(i32)"},
    {"environ_sizes_get", "(i32,i32)->(i32)"},
    {"sched_yield", "()->(i32)"},
    {"proc_exit", "(i32)->()"},
};

/* Lifecycle exports; those with a result in memory may have a post-return
 * function taking that pointer. */
static const struct {
    const char *name;
    const char *sig;
    bool has_post;
} lifecycle[] = {
    {"init", "()->(i32)", true},
    {"handle-message", "(i32,i32,i32,i32)->(i32)", true},
    {"handle-callback", "(i64,i32,i32,i32)->()", false},
    {"health", "()->(i32)", true},
    {"shutdown", "()->()", false},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int problem(char *report, size_t cap, const char *fmt, ...) {
    size_t used = strlen(report);
    va_list args;
    va_start(args, fmt);
    if (used < cap) vsnprintf(report + used, cap - used, fmt, args);
    va_end(args);
    used = strlen(report);
    if (used + 1 < cap) {
        report[used] = '\n';
        report[used + 1] = 0;
    }
    return 1;
}

static const world_func *find(const world_func *table, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}

static const scan_entry *find_export(const scan_module *m, const char *name) {
    for (size_t i = 0; i < m->export_count; i++)
        if (strcmp(m->exports[i].name, name) == 0) return &m->exports[i];
    return NULL;
}

bool component_exports(const scan_module *m, const char *func) {
    char name[SCAN_MAX_NAME];
    snprintf(name, sizeof name, EXPORT_PREFIX "%s", func);
    return find_export(m, name) != NULL;
}

static int check_imports(const scan_module *m, char *report, size_t cap) {
    int problems = 0;
    for (size_t i = 0; i < m->import_count; i++) {
        const scan_entry *e = &m->imports[i];
        const world_func *want = NULL;
        if (strcmp(e->module, HOST_MODULE) == 0)
            want = find(host_imports, COUNT(host_imports), e->name);
        else if (strcmp(e->module, "wasi_snapshot_preview1") == 0)
            want = find(wasi_imports, COUNT(wasi_imports), e->name);
        else {
            problems += problem(report, cap, "import %s.%s: unknown module", e->module, e->name);
            continue;
        }
        if (e->kind != SCAN_FUNC)
            problems += problem(report, cap, "import %s.%s: not a function", e->module, e->name);
        else if (!want)
            problems += problem(report, cap, "import %s.%s: not in the world", e->module, e->name);
        else if (strcmp(e->sig.text, want->sig) != 0)
            problems += problem(report, cap, "import %s.%s: signature %s, want %s", e->module,
                                e->name, e->sig.text, want->sig);
    }
    return problems;
}

static int check_export(const scan_entry *e, char *report, size_t cap) {
    if (strcmp(e->name, "memory") == 0)
        return e->kind == SCAN_MEMORY ? 0 : problem(report, cap, "export memory: not a memory");
    if (e->kind != SCAN_FUNC)
        return problem(report, cap, "export %s: unexpected non-function", e->name);
    const char *want = NULL;
    if (strcmp(e->name, "cabi_realloc") == 0)
        want = "(i32,i32,i32,i32)->(i32)";
    else if (strcmp(e->name, "_initialize") == 0)
        want = "()->()";
    for (size_t i = 0; !want && i < COUNT(lifecycle); i++) {
        size_t ep = strlen(EXPORT_PREFIX), pp = strlen(POST_PREFIX);
        if (strncmp(e->name, EXPORT_PREFIX, ep) == 0 &&
            strcmp(e->name + ep, lifecycle[i].name) == 0)
            want = lifecycle[i].sig;
        else if (lifecycle[i].has_post && strncmp(e->name, POST_PREFIX, pp) == 0 &&
                 strcmp(e->name + pp, lifecycle[i].name) == 0)
            want = "(i32)->()";
    }
    if (!want) return problem(report, cap, "export %s: not in the world", e->name);
    if (strcmp(e->sig.text, want) != 0)
        return problem(report, cap, "export %s: signature %s, want %s", e->name, e->sig.text, want);
    return 0;
}

int component_world_check(const scan_module *m, char *report, size_t cap) {
    report[0] = 0;
    int problems = check_imports(m, report, cap);
    for (size_t i = 0; i < m->export_count; i++)
        problems += check_export(&m->exports[i], report, cap);
    if (!find_export(m, "memory")) problems += problem(report, cap, "export memory: missing");
    if (!find_export(m, "cabi_realloc"))
        problems += problem(report, cap, "export cabi_realloc: missing");
    if (!component_exports(m, "handle-message"))
        problems += problem(report, cap, "export " EXPORT_PREFIX "handle-message: missing");
    /* A post-return function without its export is a lowering mistake. */
    for (size_t i = 0; i < COUNT(lifecycle); i++) {
        char post[SCAN_MAX_NAME];
        snprintf(post, sizeof post, POST_PREFIX "%s", lifecycle[i].name);
        if (find_export(m, post) && !component_exports(m, lifecycle[i].name))
            problems += problem(report, cap, "export %s: without its function", post);
    }
    return problems;
}
