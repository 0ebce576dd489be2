/* Spec test runner: executes the JSON command files that wabt's wast2json
 * makes from the official WebAssembly testsuite and prints passed/failed per
 * file. Not part of CTest (the suite is never committed); see run.sh. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airwasm/wasm.h"

#ifndef AW_WASM_DIR
#define AW_WASM_DIR "."
#endif

#define MAX_NAMED 256

typedef struct named {
    char *name;
    aw_instance *inst;
} named;

typedef struct runner {
    const char *dir;
    named named[MAX_NAMED];
    size_t named_count;
    named reg[MAX_NAMED];
    size_t reg_count;
    aw_instance *all[4096];
    size_t all_count;
    aw_instance *current;
    int passed, failed, skipped;
    int verbose;
    const char *file;
} runner;

static aw_host_result host_nop(aw_instance *inst, void *env, uint64_t *slots) {
    (void)inst;
    (void)env;
    (void)slots;
    return AW_HOST_RETURN;
}

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void fail(runner *r, int line, const char *fmt, const char *detail) {
    r->failed++;
    if (r->verbose) {
        fprintf(stderr, "  FAIL %s:%d: ", r->file, line);
        fprintf(stderr, fmt, detail ? detail : "");
        fputc('\n', stderr);
    }
}

static aw_instance *lookup(named *list, size_t n, const char *name) {
    for (size_t i = n; i-- > 0;)
        if (strcmp(list[i].name, name) == 0) return list[i].inst;
    return NULL;
}

static void add_named(named *list, size_t *n, const char *name, aw_instance *inst) {
    if (*n >= MAX_NAMED) return;
    list[*n].name = strdup(name);
    list[*n].inst = inst;
    (*n)++;
}

/* Compiles and instantiates a module file, linking imports to registered
 * instances by module name. */
static aw_status instantiate(runner *r, const char *filename, aw_instance **out, aw_error *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", r->dir, filename);
    size_t len;
    uint8_t *bytes = read_file(path, &len);
    if (!bytes) {
        snprintf(err->message, sizeof err->message, "cannot read %.200s", filename);
        return AW_IO_ERROR;
    }
    aw_module *m = NULL;
    aw_status st = aw_module_create(bytes, len, &m, err);
    free(bytes);
    if (st != AW_OK) return st;
    uint32_t n = aw_module_import_count(m);
    aw_import_binding *b = calloc(n ? n : 1, sizeof *b);
    char **strs = calloc(2 * (size_t)n + 1, sizeof(char *));
    uint32_t bound = 0;
    for (uint32_t i = 0; i < n; i++) {
        aw_extern_info info;
        aw_module_import(m, i, &info);
        char *mod = strndup(info.module, info.module_len), *nm = strndup(info.name, info.name_len);
        strs[2 * i] = mod;
        strs[2 * i + 1] = nm;
        aw_instance *src = lookup(r->reg, r->reg_count, mod);
        if (!src) continue;
        b[bound].module = mod;
        b[bound].name = nm;
        b[bound].source = src;
        bound++;
    }
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.imports = b;
    cfg.import_count = bound;
    cfg.stack_bytes = 1 << 20;
    st = aw_instance_create(m, &cfg, out, err);
    for (uint32_t i = 0; i < 2 * n; i++) free(strs[i]);
    free(strs);
    free(b);
    aw_module_release(m);
    if (st == AW_OK && r->all_count < 4096) r->all[r->all_count++] = *out;
    return st;
}

static bool parse_value(json_t *v, uint64_t *slot, const char **type_out) {
    const char *type = json_string_value(json_object_get(v, "type"));
    json_t *val = json_object_get(v, "value");
    *type_out = type;
    if (!type) return false;
    if (strcmp(type, "externref") == 0 || strcmp(type, "funcref") == 0) {
        const char *s = json_string_value(val);
        if (!s || strcmp(s, "null") == 0) *slot = 0;
        else *slot = strtoull(s, NULL, 10) + 1; /* ref.extern N is the host pointer N+1 */
        return true;
    }
    const char *s = json_string_value(val);
    if (!s) return false;
    *slot = strtoull(s, NULL, 10);
    return true;
}

static bool value_matches(json_t *expected, uint64_t got) {
    const char *type = json_string_value(json_object_get(expected, "type"));
    json_t *val = json_object_get(expected, "value");
    const char *s = json_string_value(val);
    if (!type) return false;
    if (strcmp(type, "i32") == 0) return s && (uint32_t)got == (uint32_t)strtoull(s, NULL, 10);
    if (strcmp(type, "i64") == 0) return s && got == strtoull(s, NULL, 10);
    if (strcmp(type, "f32") == 0) {
        uint32_t g = (uint32_t)got;
        if (s && strcmp(s, "nan:canonical") == 0) return (g & 0x7FFFFFFFu) == 0x7FC00000u;
        if (s && strcmp(s, "nan:arithmetic") == 0) return (g & 0x7FC00000u) == 0x7FC00000u;
        return s && g == (uint32_t)strtoull(s, NULL, 10);
    }
    if (strcmp(type, "f64") == 0) {
        if (s && strcmp(s, "nan:canonical") == 0) return (got & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
        if (s && strcmp(s, "nan:arithmetic") == 0) return (got & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
        return s && got == strtoull(s, NULL, 10);
    }
    if (strcmp(type, "externref") == 0) {
        if (!s || strcmp(s, "null") == 0) return got == 0;
        return got == strtoull(s, NULL, 10) + 1;
    }
    if (strcmp(type, "funcref") == 0) {
        if (s && strcmp(s, "null") == 0) return got == 0;
        return got != 0;
    }
    return false;
}

/* Runs an action; returns the status and fills results (up to 64). */
static aw_status do_action(runner *r, json_t *action, uint64_t *results, uint32_t *nresults, aw_error *err) {
    const char *type = json_string_value(json_object_get(action, "type"));
    const char *modname = json_string_value(json_object_get(action, "module"));
    const char *field = json_string_value(json_object_get(action, "field"));
    aw_instance *inst = modname ? lookup(r->named, r->named_count, modname) : r->current;
    aw_error_clear(err);
    if (!inst || !field || !type) {
        snprintf(err->message, sizeof err->message, "no such module");
        return AW_NOT_FOUND;
    }
    if (strcmp(type, "get") == 0) {
        aw_value v;
        aw_status st = aw_instance_global_get(inst, field, &v);
        if (st != AW_OK) return st;
        switch (v.type) {
        case AW_VAL_I32: results[0] = (uint32_t)v.of.i32; break;
        case AW_VAL_I64: results[0] = (uint64_t)v.of.i64; break;
        case AW_VAL_F32: {
            uint32_t b;
            memcpy(&b, &v.of.f32, 4);
            results[0] = b;
            break;
        }
        case AW_VAL_F64: memcpy(&results[0], &v.of.f64, 8); break;
        default: results[0] = (uint64_t)(uintptr_t)v.of.ref; break;
        }
        *nresults = 1;
        return AW_OK;
    }
    uint32_t idx;
    json_t *jfield = json_object_get(action, "field");
    if (aw_instance_find_func_n(inst, field, json_string_length(jfield), &idx) != AW_OK) {
        snprintf(err->message, sizeof err->message, "no export %s", field);
        return AW_NOT_FOUND;
    }
    aw_functype ft;
    aw_instance_func_type(inst, idx, &ft);
    uint64_t slots[64] = {0};
    json_t *args = json_object_get(action, "args");
    size_t i;
    json_t *a;
    json_array_foreach(args, i, a) {
        const char *t;
        if (i < 64) parse_value(a, &slots[i], &t);
    }
    aw_status st = aw_instance_call_index(inst, idx, slots, err);
    *nresults = ft.result_count;
    if (st == AW_OK) memcpy(results, slots, ft.result_count * sizeof(uint64_t));
    return st;
}

static void run_command(runner *r, json_t *cmd) {
    const char *type = json_string_value(json_object_get(cmd, "type"));
    int line = (int)json_integer_value(json_object_get(cmd, "line"));
    const char *filename = json_string_value(json_object_get(cmd, "filename"));
    const char *name = json_string_value(json_object_get(cmd, "name"));
    aw_error err;
    aw_error_clear(&err);
    uint64_t results[64];
    uint32_t nres = 0;
    if (strcmp(type, "module") == 0) {
        aw_instance *inst = NULL;
        aw_status st = instantiate(r, filename, &inst, &err);
        if (st != AW_OK) {
            r->current = NULL;
            fail(r, line, "module failed: %s", err.message);
            return;
        }
        r->passed++;
        r->current = inst;
        if (name) add_named(r->named, &r->named_count, name, inst);
    } else if (strcmp(type, "register") == 0) {
        const char *as = json_string_value(json_object_get(cmd, "as"));
        aw_instance *inst = name ? lookup(r->named, r->named_count, name) : r->current;
        if (inst && as) add_named(r->reg, &r->reg_count, as, inst);
    } else if (strcmp(type, "action") == 0) {
        aw_status st = do_action(r, json_object_get(cmd, "action"), results, &nres, &err);
        if (st == AW_OK) r->passed++;
        else fail(r, line, "action failed: %s", err.message);
    } else if (strcmp(type, "assert_return") == 0) {
        aw_status st = do_action(r, json_object_get(cmd, "action"), results, &nres, &err);
        if (st != AW_OK) {
            fail(r, line, "assert_return: %s", err.message);
            return;
        }
        json_t *expected = json_object_get(cmd, "expected");
        size_t i;
        json_t *e;
        bool ok = json_array_size(expected) == nres;
        json_array_foreach(expected, i, e) {
            if (ok && !value_matches(e, results[i])) {
                /* either/or expectations (not in 2.0 files) are not supported */
                char buf[128];
                snprintf(buf, sizeof buf, "result %zu = %#" PRIx64, i, results[i]);
                fail(r, line, "assert_return: wrong %s", buf);
                return;
            }
        }
        if (ok) r->passed++;
        else fail(r, line, "assert_return: result count", NULL);
    } else if (strcmp(type, "assert_trap") == 0 || strcmp(type, "assert_exhaustion") == 0) {
        aw_status st = do_action(r, json_object_get(cmd, "action"), results, &nres, &err);
        if (st == AW_TRAP) {
            if (strcmp(type, "assert_exhaustion") == 0 && err.trap != AW_TRAP_STACK_EXHAUSTED)
                fail(r, line, "assert_exhaustion: trapped with %s", aw_trap_text(err.trap));
            else r->passed++;
        } else {
            fail(r, line, "%s: did not trap", type);
        }
    } else if (strcmp(type, "assert_invalid") == 0 || strcmp(type, "assert_malformed") == 0) {
        const char *mt = json_string_value(json_object_get(cmd, "module_type"));
        if (!mt || strcmp(mt, "binary") != 0) {
            r->skipped++;
            return;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", r->dir, filename);
        size_t len;
        uint8_t *bytes = read_file(path, &len);
        aw_module *m = NULL;
        aw_status st = bytes ? aw_module_create(bytes, len, &m, &err) : AW_IO_ERROR;
        free(bytes);
        if (st == AW_OK) {
            aw_module_release(m);
            fail(r, line, "%s: module accepted", type);
        } else {
            r->passed++;
        }
    } else if (strcmp(type, "assert_unlinkable") == 0 || strcmp(type, "assert_uninstantiable") == 0) {
        aw_instance *inst = NULL;
        aw_status st = instantiate(r, filename, &inst, &err);
        if (st == AW_OK) fail(r, line, "%s: instantiated", type);
        else r->passed++;
    } else {
        r->skipped++;
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: spec_runner [-v] FILE.json...\n");
        return 2;
    }
    int total_failed = 0, verbose = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-v") == 0) {
            verbose = 1;
            continue;
        }
        json_error_t jerr;
        json_t *root = json_load_file(argv[a], JSON_ALLOW_NUL, &jerr);
        if (!root) {
            printf("%s: cannot parse JSON: %s\n", argv[a], jerr.text);
            total_failed++;
            continue;
        }
        static runner r;
        memset(&r, 0, sizeof r);
        r.verbose = verbose;
        r.file = argv[a];
        char *dir = strdup(argv[a]);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        else strcpy(dir, ".");
        /* the spectest module */
        r.dir = AW_WASM_DIR;
        aw_instance *spectest = NULL;
        aw_error err;
        static const aw_valtype i32[] = {AW_VAL_I32}, i64[] = {AW_VAL_I64}, f32[] = {AW_VAL_F32},
                                f64[] = {AW_VAL_F64}, i32f32[] = {AW_VAL_I32, AW_VAL_F32},
                                f64f64[] = {AW_VAL_F64, AW_VAL_F64};
        aw_import_binding hb[] = {
            {"host", "print", {NULL, 0, NULL, 0}, host_nop, NULL, NULL, NULL},
            {"host", "print_i32", {i32, 1, NULL, 0}, host_nop, NULL, NULL, NULL},
            {"host", "print_i64", {i64, 1, NULL, 0}, host_nop, NULL, NULL, NULL},
            {"host", "print_f32", {f32, 1, NULL, 0}, host_nop, NULL, NULL, NULL},
            {"host", "print_f64", {f64, 1, NULL, 0}, host_nop, NULL, NULL, NULL},
            {"host", "print_i32_f32", {i32f32, 2, NULL, 0}, host_nop, NULL, NULL, NULL},
            {"host", "print_f64_f64", {f64f64, 2, NULL, 0}, host_nop, NULL, NULL, NULL},
        };
        char path[4096];
        snprintf(path, sizeof path, "%s/spectest.wasm", AW_WASM_DIR);
        size_t len;
        uint8_t *bytes = read_file(path, &len);
        aw_module *sm = NULL;
        if (!bytes || aw_module_create(bytes, len, &sm, &err) != AW_OK) {
            fprintf(stderr, "cannot load %s\n", path);
            return 2;
        }
        free(bytes);
        aw_instance_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.imports = hb;
        cfg.import_count = sizeof hb / sizeof hb[0];
        if (aw_instance_create(sm, &cfg, &spectest, &err) != AW_OK) {
            fprintf(stderr, "cannot instantiate spectest: %s\n", err.message);
            return 2;
        }
        aw_module_release(sm);
        add_named(r.reg, &r.reg_count, "spectest", spectest);
        r.dir = dir;
        json_t *cmds = json_object_get(root, "commands");
        size_t i;
        json_t *cmd;
        json_array_foreach(cmds, i, cmd) run_command(&r, cmd);
        const char *base = strrchr(argv[a], '/');
        printf("%-40s passed %5d  failed %4d  skipped %4d\n", base ? base + 1 : argv[a], r.passed, r.failed,
               r.skipped);
        total_failed += r.failed;
        for (size_t k = r.all_count; k-- > 0;) aw_instance_destroy(r.all[k]);
        aw_instance_destroy(spectest);
        for (size_t k = 0; k < r.named_count; k++) free(r.named[k].name);
        for (size_t k = 0; k < r.reg_count; k++) free(r.reg[k].name);
        free(dir);
        json_decref(root);
    }
    return total_failed ? 1 : 0;
}
