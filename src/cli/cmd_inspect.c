/* `airwasm inspect FILE.wasm`: a module's imports and exports, and whether it
 * fits the airwasm component world (and if not, the first mismatch). */
#include "cli/command.h"

#include "airwasm/wasm.h"
#include "base/alloc.h"
#include "host/world.h"
#include "platform/os.h"

#include <string.h>

static const char *kind_name(aw_extern_kind kind) {
    switch (kind) {
        case AW_EXTERN_FUNC:
            return "func";
        case AW_EXTERN_TABLE:
            return "table";
        case AW_EXTERN_MEMORY:
            return "memory";
        case AW_EXTERN_GLOBAL:
            return "global";
    }
    return "?";
}

static void print_extern(const aw_extern_info *info) {
    char type[160] = "";
    if (info->kind == AW_EXTERN_FUNC) aw__world_format_type(&info->type, type, sizeof type);
    if (info->module != NULL)
        printf("  %-6s %.*s.%.*s %s\n", kind_name(info->kind), (int)info->module_len, info->module,
               (int)info->name_len, info->name, type);
    else
        printf("  %-6s %.*s %s\n", kind_name(info->kind), (int)info->name_len, info->name, type);
}

static int run_inspect(int argc, char **argv) {
    if (argc != 2) return aw__cli_fail(2, "usage: airwasm inspect FILE.wasm");
    const char *path = argv[1];
    uint8_t *data = NULL;
    size_t len = 0;
    aw_status s = aw__file_read(path, &data, &len);
    if (s != AW_OK) return aw__cli_fail(1, "%s: cannot read: %s", path, aw_status_text(s));
    aw_module *module = NULL;
    aw_error err;
    s = aw_module_create(data, len, &module, &err);
    aw__free(data, len + 1);
    if (s != AW_OK) return aw__cli_fail(1, "%s: %s: %s", path, aw_status_name(s), err.message);
    aw_extern_info info;
    uint32_t imports = aw_module_import_count(module);
    uint32_t exports = aw_module_export_count(module);
    printf("%s\nimports (%u):\n", path, imports);
    for (uint32_t i = 0; i < imports; i++)
        if (aw_module_import(module, i, &info) == AW_OK) print_extern(&info);
    printf("exports (%u):\n", exports);
    for (uint32_t i = 0; i < exports; i++)
        if (aw_module_export(module, i, &info) == AW_OK) print_extern(&info);
    s = aw__world_check(module, NULL, &err);
    aw_module_release(module);
    if (s != AW_OK) {
        printf("world: does not fit airwasm:component/component@0.1.0: %s\n", err.message);
        return 1;
    }
    printf("world: fits airwasm:component/component@0.1.0\n");
    return 0;
}

const aw__cli_command aw__cmd_inspect = {
    "inspect",
    "print a module's imports and exports and check it against the component world",
    "usage: airwasm inspect FILE.wasm\n"
    "Lists the module's imports and exports with their core types, then checks\n"
    "them against the airwasm component world (docs/component-abi.md). Exits 0\n"
    "when the module fits, 1 with the first mismatch when it does not.\n",
    run_inspect,
};
