/* `airwasm wasm validate FILE` and `airwasm wasm run FILE --invoke NAME ARGS...`. */
#include "cli/command.h"

#include "airwasm/wasm.h"
#include "base/alloc.h"
#include "platform/os.h"
#include "wasm/bits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int load(const char *path, aw_module **out) {
    uint8_t *data = NULL;
    size_t len = 0;
    aw_status st = aw__file_read(path, &data, &len);
    if (st != AW_OK) return aw__cli_fail(1, "%s: cannot read: %s", path, aw_status_text(st));
    aw_error err;
    st = aw_module_create(data, len, out, &err);
    aw__free(data, len + 1);
    if (st != AW_OK) {
        if (err.offset != AW_ERROR_NO_OFFSET)
            return aw__cli_fail(1, "%s: %s at byte offset %" PRIu64 ": %s", path, aw_status_name(st), err.offset,
                                err.message);
        return aw__cli_fail(1, "%s: %s: %s", path, aw_status_name(st), err.message);
    }
    return 0;
}

static bool parse_arg(const char *s, aw_valtype t, uint64_t *slot) {
    char *end = NULL;
    errno = 0;
    switch (t) {
    case AW_VAL_I32: {
        long long v = strtoll(s, &end, 0);
        if (v < INT32_MIN || v > (long long)UINT32_MAX) return false;
        *slot = (uint32_t)v;
        break;
    }
    case AW_VAL_I64: {
        if (s[0] == '-') *slot = (uint64_t)strtoll(s, &end, 0);
        else *slot = (uint64_t)strtoull(s, &end, 0);
        break;
    }
    case AW_VAL_F32: {
        *slot = aw__slot_of_f32(strtof(s, &end));
        break;
    }
    case AW_VAL_F64: {
        *slot = aw__slot_of_f64(strtod(s, &end));
        break;
    }
    default:
        if (strcmp(s, "null") != 0) return false;
        *slot = 0;
        return true;
    }
    return end && end != s && *end == '\0' && errno == 0;
}

static void print_value(uint64_t v, aw_valtype t) {
    switch (t) {
    case AW_VAL_I32: printf("i32:%" PRId32 "\n", (int32_t)(uint32_t)v); break;
    case AW_VAL_I64: printf("i64:%" PRId64 "\n", (int64_t)v); break;
    case AW_VAL_F32: {
        printf("f32:%.9g\n", (double)aw__f32_of(v));
        break;
    }
    case AW_VAL_F64: {
        printf("f64:%.17g\n", aw__f64_of(v));
        break;
    }
    case AW_VAL_FUNCREF: v ? printf("funcref:%#" PRIx64 "\n", v) : printf("funcref:null\n"); break;
    case AW_VAL_EXTERNREF: v ? printf("externref:%#" PRIx64 "\n", v) : printf("externref:null\n"); break;
    }
}

static int cmd_validate(int argc, char **argv) {
    if (argc != 2) return aw__cli_fail(2, "usage: airwasm wasm validate FILE");
    aw_module *m = NULL;
    int rc = load(argv[1], &m);
    if (rc) return rc;
    printf("%s: valid (%u imports, %u exports)\n", argv[1], aw_module_import_count(m), aw_module_export_count(m));
    aw_module_release(m);
    return 0;
}

static int cmd_run(int argc, char **argv) {
    const char *file = NULL, *name = NULL;
    uint64_t fuel = UINT64_MAX;
    int first_arg = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--invoke") == 0 && i + 1 < argc) {
            name = argv[++i];
            first_arg = i + 1;
            break;
        } else if (strcmp(argv[i], "--fuel") == 0 && i + 1 < argc) {
            fuel = strtoull(argv[++i], NULL, 10);
        } else if (!file) {
            file = argv[i];
        } else {
            return aw__cli_fail(2, "unexpected argument '%s'", argv[i]);
        }
    }
    /* --fuel may also follow the arguments */
    int last_arg = argc;
    for (int i = first_arg; i < argc; i++) {
        if (strcmp(argv[i], "--fuel") == 0 && i + 1 < argc) {
            fuel = strtoull(argv[i + 1], NULL, 10);
            last_arg = i;
            break;
        }
    }
    if (!file || !name) return aw__cli_fail(2, "usage: airwasm wasm run FILE --invoke NAME [ARGS...] [--fuel N]");
    aw_module *m = NULL;
    int rc = load(file, &m);
    if (rc) return rc;
    aw_instance *inst = NULL;
    aw_error err;
    aw_status st = aw_instance_create(m, NULL, &inst, &err);
    aw_module_release(m);
    if (st != AW_OK) return aw__cli_fail(1, "%s: instantiation failed: %s: %s", file, aw_status_name(st), err.message);
    uint32_t idx;
    aw_functype ft;
    if (aw_instance_find_func(inst, name, &idx) != AW_OK) {
        aw_instance_destroy(inst);
        return aw__cli_fail(1, "%s: no exported function '%s'", file, name);
    }
    aw_instance_func_type(inst, idx, &ft);
    uint32_t nargs = (uint32_t)(last_arg - first_arg);
    if (nargs != ft.param_count) {
        aw_instance_destroy(inst);
        return aw__cli_fail(2, "'%s' takes %u arguments, %u given", name, ft.param_count, nargs);
    }
    uint32_t n = ft.param_count > ft.result_count ? ft.param_count : ft.result_count;
    uint64_t *slots = aw__calloc(n ? n : 1, sizeof(uint64_t));
    if (!slots) {
        aw_instance_destroy(inst);
        return aw__cli_fail(1, "out of memory");
    }
    for (uint32_t i = 0; i < nargs; i++) {
        if (!parse_arg(argv[first_arg + (int)i], ft.params[i], &slots[i])) {
            aw__free(slots, (n ? n : 1) * sizeof(uint64_t));
            aw_instance_destroy(inst);
            return aw__cli_fail(2, "argument %u ('%s') is not a valid value of its type", i + 1, argv[first_arg + (int)i]);
        }
    }
    aw_instance_set_fuel(inst, fuel);
    st = aw_instance_call_index(inst, idx, slots, &err);
    if (st == AW_OK) {
        for (uint32_t i = 0; i < ft.result_count; i++) print_value(slots[i], ft.results[i]);
        rc = 0;
    } else if (st == AW_TRAP) {
        printf("trap: %s\n", aw_trap_text(err.trap));
        rc = 1;
    } else {
        rc = aw__cli_fail(1, "%s: %s", aw_status_name(st), err.message);
    }
    aw__free(slots, (n ? n : 1) * sizeof(uint64_t));
    aw_instance_destroy(inst);
    return rc;
}

static int wasm_run(int argc, char **argv) {
    if (argc < 2) return aw__cli_fail(2, "usage: airwasm wasm validate FILE | run FILE --invoke NAME [ARGS...]");
    if (strcmp(argv[1], "validate") == 0) return cmd_validate(argc - 1, argv + 1);
    if (strcmp(argv[1], "run") == 0) return cmd_run(argc - 1, argv + 1);
    return aw__cli_fail(2, "unknown wasm subcommand '%s'", argv[1]);
}

const aw__cli_command aw__cmd_wasm = {
    "wasm",
    "validate a WebAssembly module or run one of its exports",
    "usage: airwasm wasm validate FILE\n"
    "       airwasm wasm run FILE --invoke NAME [ARGS...] [--fuel N]\n\n"
    "validate decodes and validates FILE (binary format) and reports the first\n"
    "error with its byte offset. run instantiates FILE (no imports), calls the\n"
    "export NAME with ARGS parsed by its parameter types, and prints each result\n"
    "as TYPE:VALUE (e.g. i32:42), or the trap (exit status 1). --fuel N bounds\n"
    "the instructions executed (fuel exhaustion is a trap).",
    wasm_run,
};
