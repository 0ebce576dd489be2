/* Checking a module against the airwasm component world.
 *
 * The world is fixed (docs/component-abi.md), so it is spelled here as small
 * tables of names and core signatures; the check walks the module's imports
 * and exports once and names the first mismatch it meets, with both types. */
#include "host/world.h"

#include "base/error.h"

#include <stdio.h>
#include <string.h>

typedef struct export_def {
    const char *name;      /* without the lifecycle prefix */
    const char *sig;       /* the export's core type */
    const char *post_sig;  /* its post-return function's core type */
    const char *full_name; /* with the prefix */
    const char *post_name;
} export_def;

#define LIFECYCLE_EXPORT(name, sig, post_sig)                                                      \
    { name, sig, post_sig, AW__LIFECYCLE_PREFIX name, AW__POST_PREFIX AW__LIFECYCLE_PREFIX name }

/* Indexed by aw__export_id. */
static const export_def lifecycle_exports[AW__EXPORT_COUNT] = {
    LIFECYCLE_EXPORT("init", ">i", "i>"),
    LIFECYCLE_EXPORT("handle-message", "iiii>i", "i>"),
    LIFECYCLE_EXPORT("handle-callback", "Iiii>", ">"),
    LIFECYCLE_EXPORT("health", ">i", "i>"),
    LIFECYCLE_EXPORT("shutdown", ">", ">"),
};

static const char realloc_sig[] = "iiii>i";
static const char initialize_sig[] = ">";

const char *aw__world_export_name(aw__export_id id) {
    return lifecycle_exports[id].full_name;
}

const char *aw__world_post_name(aw__export_id id) {
    return lifecycle_exports[id].post_name;
}

static aw_valtype letter_type(char letter) {
    switch (letter) {
        case 'I':
            return AW_VAL_I64;
        case 'f':
            return AW_VAL_F32;
        case 'F':
            return AW_VAL_F64;
        default:
            return AW_VAL_I32;
    }
}

uint32_t aw__world_sig_params(const char *sig) {
    return (uint32_t)(strchr(sig, '>') - sig);
}

uint32_t aw__world_sig_results(const char *sig) {
    return (uint32_t)strlen(strchr(sig, '>') + 1);
}

void aw__world_functype(const char *sig, aw_valtype *params, aw_valtype *results,
                        aw_functype *out) {
    uint32_t np = aw__world_sig_params(sig);
    uint32_t nr = aw__world_sig_results(sig);
    for (uint32_t i = 0; i < np; i++) params[i] = letter_type(sig[i]);
    for (uint32_t i = 0; i < nr; i++) results[i] = letter_type(sig[np + 1 + i]);
    out->params = params;
    out->param_count = np;
    out->results = results;
    out->result_count = nr;
}

static bool sig_matches(const char *sig, const aw_functype *type) {
    uint32_t np = aw__world_sig_params(sig);
    uint32_t nr = aw__world_sig_results(sig);
    if (type->param_count != np || type->result_count != nr) return false;
    for (uint32_t i = 0; i < np; i++)
        if (type->params[i] != letter_type(sig[i])) return false;
    for (uint32_t i = 0; i < nr; i++)
        if (type->results[i] != letter_type(sig[np + 1 + i])) return false;
    return true;
}

/* "(i32, i64) -> i32" into buf (truncated safely). */
static void format_types(const aw_valtype *params, uint32_t np, const aw_valtype *results,
                         uint32_t nr, char *buf, size_t size) {
    size_t used = 0;
    int n;
#define APPEND(...)                                                                                \
    do {                                                                                           \
        n = snprintf(buf + used, size - used, __VA_ARGS__);                                        \
        if (n < 0 || (size_t)n >= size - used) return;                                             \
        used += (size_t)n;                                                                         \
    } while (0)
    APPEND("(");
    for (uint32_t i = 0; i < np; i++) APPEND("%s%s", i ? ", " : "", aw_valtype_name(params[i]));
    APPEND(") -> ");
    if (nr == 0) APPEND("()");
    if (nr > 1) APPEND("(");
    for (uint32_t i = 0; i < nr; i++) APPEND("%s%s", i ? ", " : "", aw_valtype_name(results[i]));
    if (nr > 1) APPEND(")");
#undef APPEND
}

void aw__world_format_type(const aw_functype *type, char *buf, size_t size) {
    if (size > 0) buf[0] = '\0';
    format_types(type->params, type->param_count, type->results, type->result_count, buf, size);
}

static void format_sig(const char *sig, char *buf, size_t size) {
    aw_valtype params[16], results[4];
    aw_functype type;
    aw__world_functype(sig, params, results, &type);
    format_types(type.params, type.param_count, type.results, type.result_count, buf, size);
}

static void format_found(const aw_extern_info *info, char *buf, size_t size) {
    switch (info->kind) {
        case AW_EXTERN_FUNC:
            format_types(info->type.params, info->type.param_count, info->type.results,
                         info->type.result_count, buf, size);
            return;
        case AW_EXTERN_TABLE:
            snprintf(buf, size, "a table");
            return;
        case AW_EXTERN_MEMORY:
            snprintf(buf, size, "a memory");
            return;
        case AW_EXTERN_GLOBAL:
            snprintf(buf, size, "a global");
            return;
    }
    snprintf(buf, size, "?");
}

static bool name_is(const char *name, size_t len, const char *want) {
    size_t want_len = strlen(want);
    return len == want_len && memcmp(name, want, len) == 0;
}

static bool has_prefix(const char *name, size_t len, const char *prefix) {
    size_t plen = strlen(prefix);
    return len >= plen && memcmp(name, prefix, plen) == 0;
}

/* Messages print guest-chosen names: cut them short so the type stays visible. */
#define NAME_MAX_SHOWN 96
static int shown(size_t len) {
    return len > NAME_MAX_SHOWN ? NAME_MAX_SHOWN : (int)len;
}

static aw_status type_mismatch(aw_error *err, const char *what, const aw_extern_info *info,
                               const char *want_sig) {
    char want[96], found[96];
    format_sig(want_sig, want, sizeof want);
    format_found(info, found, sizeof found);
    if (info->module != NULL)
        return aw__error_set(err, AW_ABI_MISMATCH, "%s '%.*s.%.*s': expected %s, found %s", what,
                             shown(info->module_len), info->module, shown(info->name_len),
                             info->name, want, found);
    return aw__error_set(err, AW_ABI_MISMATCH, "%s '%.*s': expected %s, found %s", what,
                         shown(info->name_len), info->name, want, found);
}

static const aw__import_def *find_in(const aw__import_def *defs, size_t count, const char *name,
                                     size_t name_len) {
    for (size_t i = 0; i < count; i++)
        if (name_is(name, name_len, defs[i].name)) return &defs[i];
    return NULL;
}

const aw__import_def *aw__world_find_import(const char *module, size_t module_len, const char *name,
                                            size_t name_len) {
    if (name_is(module, module_len, AW__HOST_MODULE))
        return find_in(aw__host_imports, aw__host_import_count, name, name_len);
    if (name_is(module, module_len, AW__WASI_MODULE))
        return find_in(aw__wasi_imports, aw__wasi_import_count, name, name_len);
    return NULL;
}

static aw_status check_import(const aw_extern_info *info, aw_error *err) {
    bool host = name_is(info->module, info->module_len, AW__HOST_MODULE);
    bool wasi = name_is(info->module, info->module_len, AW__WASI_MODULE);
    if (!host && !wasi)
        return aw__error_set(err, AW_ABI_MISMATCH,
                             "import '%.*s.%.*s': module '%.*s' is not part of the airwasm world "
                             "(only " AW__HOST_MODULE " and " AW__WASI_MODULE ")",
                             shown(info->module_len), info->module, shown(info->name_len),
                             info->name, shown(info->module_len), info->module);
    const aw__import_def *def =
        aw__world_find_import(info->module, info->module_len, info->name, info->name_len);
    if (def == NULL)
        return aw__error_set(err, AW_ABI_MISMATCH, "import '%.*s.%.*s': %s",
                             shown(info->module_len), info->module, shown(info->name_len),
                             info->name,
                             host ? "no such function in the host interface"
                                  : "WASI function not supported by airwasm");
    if (info->kind != AW_EXTERN_FUNC || !sig_matches(def->sig, &info->type))
        return type_mismatch(err, "import", info, def->sig);
    return AW_OK;
}

typedef struct found_exports {
    bool memory, realloc;
    aw__world world;
} found_exports;

static aw_status check_export(const aw_extern_info *info, found_exports *found, aw_error *err) {
    const char *name = info->name;
    size_t len = info->name_len;
    if (name_is(name, len, "memory")) {
        if (info->kind != AW_EXTERN_MEMORY)
            return aw__error_set(err, AW_ABI_MISMATCH,
                                 "export 'memory': expected a memory, found %s",
                                 info->kind == AW_EXTERN_FUNC    ? "a function"
                                 : info->kind == AW_EXTERN_TABLE ? "a table"
                                                                 : "a global");
        found->memory = true;
        return AW_OK;
    }
    if (name_is(name, len, "cabi_realloc")) {
        if (info->kind != AW_EXTERN_FUNC || !sig_matches(realloc_sig, &info->type))
            return type_mismatch(err, "export", info, realloc_sig);
        found->realloc = true;
        return AW_OK;
    }
    if (name_is(name, len, "_initialize")) {
        if (info->kind != AW_EXTERN_FUNC || !sig_matches(initialize_sig, &info->type))
            return type_mismatch(err, "export", info, initialize_sig);
        found->world.has_initialize = true;
        return AW_OK;
    }
    bool post = has_prefix(name, len, AW__POST_PREFIX);
    if (!post && !has_prefix(name, len, AW__LIFECYCLE_PREFIX)) return AW_OK; /* not ours */
    for (int id = 0; id < AW__EXPORT_COUNT; id++) {
        const export_def *def = &lifecycle_exports[id];
        if (!name_is(name, len, post ? def->post_name : def->full_name)) continue;
        const char *sig = post ? def->post_sig : def->sig;
        if (info->kind != AW_EXTERN_FUNC || !sig_matches(sig, &info->type))
            return type_mismatch(err, "export", info, sig);
        if (post)
            found->world.has_post[id] = true;
        else
            found->world.has_export[id] = true;
        return AW_OK;
    }
    /* cabi_post_ of something that is not a lifecycle function is some
     * other interface's business; a lifecycle name we do not know is not. */
    if (post && !has_prefix(name + strlen(AW__POST_PREFIX), len - strlen(AW__POST_PREFIX),
                            AW__LIFECYCLE_PREFIX))
        return AW_OK;
    return aw__error_set(err, AW_ABI_MISMATCH,
                         "export '%.*s': no such function in the lifecycle interface", shown(len),
                         name);
}

aw_status aw__world_check(const aw_module *module, aw__world *out, aw_error *err) {
    found_exports found;
    memset(&found, 0, sizeof found);
    aw_extern_info info;
    uint32_t imports = aw_module_import_count(module);
    for (uint32_t i = 0; i < imports; i++) {
        aw_status s = aw_module_import(module, i, &info);
        if (s != AW_OK) return aw__error_set(err, s, "import %u: cannot be read", i);
        s = check_import(&info, err);
        if (s != AW_OK) return s;
        found.world.import_count++;
    }
    uint32_t exports = aw_module_export_count(module);
    for (uint32_t i = 0; i < exports; i++) {
        aw_status s = aw_module_export(module, i, &info);
        if (s != AW_OK) return aw__error_set(err, s, "export %u: cannot be read", i);
        s = check_export(&info, &found, err);
        if (s != AW_OK) return s;
    }
    if (!found.memory)
        return aw__error_set(err, AW_ABI_MISMATCH, "export 'memory': missing (required)");
    if (!found.realloc)
        return aw__error_set(err, AW_ABI_MISMATCH,
                             "export 'cabi_realloc': missing (required, expected %s)",
                             "(i32, i32, i32, i32) -> i32");
    if (!found.world.has_export[AW__EXPORT_HANDLE_MESSAGE])
        return aw__error_set(err, AW_ABI_MISMATCH, "export '%s': missing (required, expected %s)",
                             lifecycle_exports[AW__EXPORT_HANDLE_MESSAGE].full_name,
                             "(i32, i32, i32, i32) -> i32");
    for (int id = 0; id < AW__EXPORT_COUNT; id++)
        if (found.world.has_post[id] && !found.world.has_export[id])
            return aw__error_set(err, AW_ABI_MISMATCH,
                                 "export '%s': post-return function without its export '%s'",
                                 lifecycle_exports[id].post_name, lifecycle_exports[id].full_name);
    if (out != NULL) *out = found.world;
    return AW_OK;
}
