/* libFuzzer target for the engine: decode + validate + compile; when the
 * module is valid, instantiate it (function imports bound to stubs that
 * return zeros) and call every exported function with zero arguments under a
 * fuel budget and small limits. Nothing may crash, leak or hang. */
#include <stdint.h>
#include <string.h>

#include "airwasm/wasm.h"

static aw_host_result stub(aw_instance *inst, void *env, uint64_t *slots) {
    (void)inst;
    uint32_t n = (uint32_t)(uintptr_t)env;
    for (uint32_t i = 0; i < n; i++) slots[i] = 0;
    return AW_HOST_RETURN;
}

#define MAX_IMPORTS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aw_module *m = NULL;
    aw_error err;
    if (aw_module_create(data, size, &m, &err) != AW_OK) return 0;
    uint32_t n = aw_module_import_count(m);
    if (n > MAX_IMPORTS) {
        aw_module_release(m);
        return 0;
    }
    aw_import_binding b[MAX_IMPORTS];
    char names[MAX_IMPORTS][2][64];
    uint32_t bound = 0;
    for (uint32_t i = 0; i < n; i++) {
        aw_extern_info info;
        aw_module_import(m, i, &info);
        if (info.kind != AW_EXTERN_FUNC || info.module_len >= 64 || info.name_len >= 64) continue;
        if (memchr(info.module, 0, info.module_len) || memchr(info.name, 0, info.name_len)) continue;
        memcpy(names[bound][0], info.module, info.module_len + 1);
        memcpy(names[bound][1], info.name, info.name_len + 1);
        memset(&b[bound], 0, sizeof b[bound]);
        b[bound].module = names[bound][0];
        b[bound].name = names[bound][1];
        b[bound].type = info.type;
        b[bound].fn = stub;
        b[bound].env = (void *)(uintptr_t)info.type.result_count;
        bound++;
    }
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.imports = b;
    cfg.import_count = bound;
    cfg.max_memory_pages = 16;
    cfg.stack_bytes = 64 * 1024;
    aw_instance *inst = NULL;
    if (aw_instance_create(m, &cfg, &inst, &err) == AW_OK) {
        uint32_t ne = aw_module_export_count(m);
        for (uint32_t i = 0; i < ne && i < 32; i++) {
            aw_extern_info info;
            aw_module_export(m, i, &info);
            if (info.kind != AW_EXTERN_FUNC || memchr(info.name, 0, info.name_len)) continue;
            uint32_t idx;
            if (aw_instance_find_func(inst, info.name, &idx) != AW_OK) continue;
            uint32_t slots_n = info.type.param_count > info.type.result_count ? info.type.param_count
                                                                                : info.type.result_count;
            if (slots_n > 64) continue;
            uint64_t slots[64] = {0};
            aw_instance_set_fuel(inst, 100000);
            aw_instance_set_slice(inst, 30000);
            aw_status st = aw_instance_call_index(inst, idx, slots, &err);
            while (st == AW_SUSPENDED) st = aw_instance_resume(inst, &err);
        }
        aw_instance_destroy(inst);
    }
    aw_module_release(m);
    return 0;
}
