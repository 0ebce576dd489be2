/* Reads a module's imports and exports through the engine's embedding API
 * (aw_module_create, aw_module_import, aw_module_export): the engine decodes
 * and validates the module, then this copies its interface into a
 * scan_module; see wasm_scan.h. */
#include "wasm_scan.h"

#include "airwasm/wasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_vals(char *out, size_t cap, const aw_valtype *vals, uint32_t n) {
    size_t used = (size_t)snprintf(out, cap, "(");
    for (uint32_t i = 0; i < n && used < cap; i++)
        used +=
            (size_t)snprintf(out + used, cap - used, "%s%s", i ? "," : "", aw_valtype_name(vals[i]));
    if (used < cap) snprintf(out + used, cap - used, ")");
}

static void copy_name(char *dst, const char *src, size_t len) {
    if (len >= SCAN_MAX_NAME) len = SCAN_MAX_NAME - 1;
    memcpy(dst, src, len);
    dst[len] = 0;
}

static void fill(scan_entry *e, const aw_extern_info *info) {
    if (info->module) copy_name(e->module, info->module, info->module_len);
    copy_name(e->name, info->name, info->name_len);
    e->kind = (scan_kind)info->kind;
    if (info->kind == AW_EXTERN_FUNC) {
        char params[SCAN_MAX_VALS * 8 + 4], results[SCAN_MAX_VALS * 8 + 4];
        write_vals(params, sizeof params, info->type.params, info->type.param_count);
        write_vals(results, sizeof results, info->type.results, info->type.result_count);
        snprintf(e->sig.text, sizeof e->sig.text, "%s->%s", params, results);
    }
}

int scan_module_parse(const uint8_t *bytes, size_t len, scan_module *out, char *err,
                      size_t errlen) {
    memset(out, 0, sizeof *out);
    err[0] = 0;
    aw_module *module = NULL;
    aw_error e;
    aw_error_clear(&e);
    aw_status s = aw_module_create(bytes, len, &module, &e);
    if (s != AW_OK) {
        snprintf(err, errlen, "%s: %s", aw_status_name(s), e.message);
        return -1;
    }
    uint32_t imports = aw_module_import_count(module);
    uint32_t exports = aw_module_export_count(module);
    out->imports = calloc(imports + 1u, sizeof *out->imports);
    out->exports = calloc(exports + 1u, sizeof *out->exports);
    int rc = out->imports && out->exports ? 0 : -1;
    for (uint32_t i = 0; rc == 0 && i < imports; i++) {
        aw_extern_info info;
        if (aw_module_import(module, i, &info) != AW_OK)
            rc = -1;
        else
            fill(&out->imports[out->import_count++], &info);
    }
    for (uint32_t i = 0; rc == 0 && i < exports; i++) {
        aw_extern_info info;
        if (aw_module_export(module, i, &info) != AW_OK)
            rc = -1;
        else
            fill(&out->exports[out->export_count++], &info);
    }
    aw_module_release(module);
    if (rc != 0) {
        snprintf(err, errlen, "cannot list the module's imports and exports");
        scan_module_free(out);
    }
    return rc;
}

void scan_module_free(scan_module *m) {
    free(m->imports);
    free(m->exports);
    memset(m, 0, sizeof *m);
}
