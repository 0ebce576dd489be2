/* `airwasm inspect FILE.wasm`: a module's imports and exports, and whether it
 * fits the airwasm component world. */
#include "cli/command.h"

#include "airwasm/wasm.h"
#include "base/alloc.h"
#include "host/world.h"
#include "platform/os.h"

static const char *kind_name(aw_extern_kind kind) {
    switch (kind) {
        case AW_EXTERN_FUNC: return "func";
        case AW_EXTERN_TABLE: return "table";
        case AW_EXTERN_MEMORY: return "memory";
        case AW_EXTERN_GLOBAL: return "global";
    }
    return "?";
}

static const char *valtype_name(aw_valtype t) {
    switch (t) {
        case AW_VAL_I32: return "i32";
        case AW_VAL_I64: return "i64";
        case AW_VAL_F32: return "f32";
        case AW_VAL_F64: return "f64";
        case AW_VAL_FUNCREF: return "funcref";
        case AW_VAL_EXTERNREF: return "externref";
    }
    return "?";
}

static void print_functype(const aw_functype *t) {
    printf(" (");
    for (uint32_t i = 0; i < t->param_count; i++)
        printf("%s%s", i ? ", " : "", valtype_name(t->params[i]));
    printf(") -> (");
    for (uint32_t i = 0; i < t->result_count; i++)
        printf("%s%s", i ? ", " : "", valtype_name(t->results[i]));
    printf(")");
}

static void print_extern(const aw_extern_info *info) {
    printf("  %-6s ", kind_name(info->kind));
    if (info->module) printf("%.*s.", (int)info->module_len, info->module);
    printf("%.*s", (int)info->name_len, info->name);
    if (info->kind == AW_EXTERN_FUNC) print_functype(&info->type);
    printf("\n");
}

static int inspect_run(int argc, char **argv) {
    if (argc != 2) return aw__cli_fail(2, "usage: airwasm inspect FILE.wasm");
    uint8_t *bytes = NULL;
    size_t len = 0;
    aw_status s = aw__file_read(argv[1], &bytes, &len);
    if (s != AW_OK) return aw__cli_fail(1, "%s: %s", argv[1], aw_status_text(s));
    aw_error err;
    aw_error_clear(&err);
    aw_module *module = NULL;
    s = aw_module_create(bytes, len, &module, &err);
    aw__free(bytes, len + 1);
    if (s != AW_OK) {
        if (err.offset != AW_ERROR_NO_OFFSET)
            return aw__cli_fail(1, "%s: at byte %llu: %s", argv[1],
                                (unsigned long long)err.offset, err.message);
        return aw__cli_fail(1, "%s: %s", argv[1], err.message);
    }
    aw_extern_info info;
    uint32_t imports = aw_module_import_count(module);
    uint32_t exports = aw_module_export_count(module);
    printf("%s\nimports (%u):\n", argv[1], imports);
    for (uint32_t i = 0; i < imports; i++)
        if (aw_module_import(module, i, &info) == AW_OK) print_extern(&info);
    printf("exports (%u):\n", exports);
    for (uint32_t i = 0; i < exports; i++)
        if (aw_module_export(module, i, &info) == AW_OK) print_extern(&info);
    aw__world world;
    s = aw__world_check(module, &world, &err);
    aw_module_release(module);
    if (s != AW_OK) {
        printf("component world: does NOT fit: %s\n", err.message);
        return 1;
    }
    printf("component world: fits airwasm:component@0.1.0 (lifecycle exports:");
    for (int i = 0; i < (int)AW__EXPORT_COUNT; i++) {
        if (!world.has_export[i]) continue;
        const char *name = aw__world_export_name((aw__export_id)i);
        printf(" %s", name + sizeof AW__LIFECYCLE_PREFIX - 1);
    }
    printf(")\n");
    return 0;
}

const aw__cli_command aw__cmd_inspect = {
    "inspect",
    "show a module's imports and exports and whether it fits the component world",
    "usage: airwasm inspect FILE.wasm\n\n"
    "Decodes and validates FILE.wasm, lists its imports and exports with their\n"
    "types, and checks them against the airwasm component world\n"
    "(docs/component-abi.md). Exit status 0 when it fits, 1 otherwise.",
    inspect_run,
};
