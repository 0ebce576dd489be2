/* The WebAssembly engine's embedding API: compile modules, instantiate them
 * with host functions and limits, call exports, meter fuel, suspend and resume.
 *
 * A module is decoded, validated and compiled once and shared by any number of
 * instances (reference counted, immutable, safe to use from many threads). An
 * instance is used by one thread at a time, but may move between threads
 * between calls and while suspended: it keeps no thread-local state. */
#ifndef AIRWASM_WASM_H
#define AIRWASM_WASM_H

#include "airwasm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aw_module aw_module;
typedef struct aw_instance aw_instance;

/* Value types, with their binary-format bytes. */
typedef enum aw_valtype {
    AW_VAL_I32 = 0x7F,
    AW_VAL_I64 = 0x7E,
    AW_VAL_F32 = 0x7D,
    AW_VAL_F64 = 0x7C,
    AW_VAL_FUNCREF = 0x70,
    AW_VAL_EXTERNREF = 0x6F
} aw_valtype;

/* "i32", "i64", "f32", "f64", "funcref", "externref"; "?" for other values. */
AW_API const char *aw_valtype_name(aw_valtype type);

/* A typed value for the convenience call API. References are opaque: a
 * funcref is NULL or an engine-owned pointer; an externref is any host pointer
 * (NULL is ref.null). */
typedef struct aw_value {
    aw_valtype type;
    union {
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        void *ref;
    } of;
} aw_value;

/* A function signature. Arrays are borrowed. */
typedef struct aw_functype {
    const aw_valtype *params;
    uint32_t param_count;
    const aw_valtype *results;
    uint32_t result_count;
} aw_functype;

/* ---- modules ---------------------------------------------------------- */

/* Decodes, validates and compiles a binary module (bytes are copied as
 * needed; borrowed for the call). On failure *out is NULL and err names the
 * byte offset and the rule broken (AW_MALFORMED, AW_INVALID_MODULE, or
 * AW_UNSUPPORTED with the feature's name). */
AW_API aw_status aw_module_create(const uint8_t *bytes, size_t len, aw_module **out,
                                  aw_error *err);
AW_API void aw_module_retain(aw_module *module);
/* Drops one reference; the module is freed with the last one (instances hold
 * their own reference). Accepts NULL. */
AW_API void aw_module_release(aw_module *module);

typedef enum aw_extern_kind {
    AW_EXTERN_FUNC = 0,
    AW_EXTERN_TABLE = 1,
    AW_EXTERN_MEMORY = 2,
    AW_EXTERN_GLOBAL = 3
} aw_extern_kind;

/* Describes an import or export. Strings and arrays are owned by the module
 * and valid while it lives; they are not NUL-terminated inside the module,
 * so lengths are given (a NUL follows them all the same). For functions,
 * type is set; for other kinds it is zeroed. */
typedef struct aw_extern_info {
    const char *module; /* imports only; NULL for exports */
    size_t module_len;
    const char *name;
    size_t name_len;
    aw_extern_kind kind;
    aw_functype type;
} aw_extern_info;

AW_API uint32_t aw_module_import_count(const aw_module *module);
AW_API uint32_t aw_module_export_count(const aw_module *module);
/* AW_NOT_FOUND when index is out of range. */
AW_API aw_status aw_module_import(const aw_module *module, uint32_t index, aw_extern_info *out);
AW_API aw_status aw_module_export(const aw_module *module, uint32_t index, aw_extern_info *out);

/* ---- host functions --------------------------------------------------- */

/* What a host function tells the engine when it returns. */
typedef enum aw_host_result {
    AW_HOST_RETURN,  /* results are in slots[0..result_count) */
    AW_HOST_TRAP,    /* trap with the kind set by aw_instance_set_trap */
    AW_HOST_SUSPEND  /* suspend the instance; the embedder supplies the results
                        later with aw_instance_resume_host */
} aw_host_result;

/* A host function. slots holds the arguments on entry, as 64-bit slots
 * (i32/f32 in the low 32 bits, references as pointers), and receives the
 * results; it has max(param_count, result_count) entries. env is the
 * binding's env pointer (kept). */
typedef aw_host_result (*aw_host_fn)(aw_instance *instance, void *env, uint64_t *slots);

/* Binds an import by (module, name, function type). A module import with no
 * binding of that module and name, or whose type differs, fails instantiation
 * with AW_LINK_ERROR naming the import. All strings and arrays are borrowed
 * for the call of aw_instance_create. */
typedef struct aw_import_binding {
    const char *module;
    const char *name;
    aw_functype type;
    aw_host_fn fn;
    void *env;
    /* Instead of a host function, the import may be bound to an export of
     * another instance (any kind: function, table, memory, global): set
     * source (fn and type are then ignored) and optionally source_name (the
     * export's name; NULL: the same as name). Types and limits are checked as
     * the spec's import matching says; a mismatch is AW_LINK_ERROR. Tables,
     * memories and mutable globals are shared, not copied, so the source
     * instance must outlive this one. */
    aw_instance *source;
    const char *source_name;
} aw_import_binding;

/* ---- instances -------------------------------------------------------- */

typedef struct aw_instance_config {
    const aw_import_binding *imports; /* borrowed for the call */
    size_t import_count;
    /* memory.grow fails past this many 64 KiB pages (0: the module's own
     * maximum or 65536). Instantiation fails if the initial size exceeds it. */
    uint32_t max_memory_pages;
    /* Value stack plus frames, in bytes (0: 64 KiB); past it a call traps
     * with AW_TRAP_STACK_EXHAUSTED. Allocated on the first call, starting at
     * 5 KiB and doubling on demand up to this limit. */
    uint32_t stack_bytes;
    void *user_data; /* kept; returned by aw_instance_user_data */
} aw_instance_config;

/* Instantiates: resolves imports, allocates memory, tables and globals,
 * applies data and element segments, and runs the start function (which must
 * not suspend: a start function that asks to suspend traps). config may be
 * NULL for a module without imports. */
AW_API aw_status aw_instance_create(aw_module *module, const aw_instance_config *config,
                                    aw_instance **out, aw_error *err);
/* Frees the instance (suspended or not). Accepts NULL. */
AW_API void aw_instance_destroy(aw_instance *instance);

AW_API void *aw_instance_user_data(const aw_instance *instance);
AW_API aw_module *aw_instance_module(const aw_instance *instance);

/* Finds an exported function: *func_index receives its index for
 * aw_instance_call_index. AW_NOT_FOUND if there is no such function export. */
AW_API aw_status aw_instance_find_func(const aw_instance *instance, const char *name,
                                       uint32_t *func_index);
/* As aw_instance_find_func for a name given with its length (export names
 * may hold any UTF-8, NUL included). */
AW_API aw_status aw_instance_find_func_n(const aw_instance *instance, const char *name, size_t name_len,
                                         uint32_t *func_index);
/* As aw_instance_find_func, before any instance exists: the index is the
 * same in every instance of module, so a host can look it up once. */
AW_API aw_status aw_module_find_func(const aw_module *module, const char *name,
                                     uint32_t *func_index);
/* The signature of a function by index (module-owned arrays). */
AW_API aw_status aw_instance_func_type(const aw_instance *instance, uint32_t func_index,
                                       aw_functype *out);

/* Calls function func_index (fast path: no name lookup, no allocation).
 * slots holds the arguments and receives the results; it needs
 * max(param_count, result_count) entries. Returns:
 *   AW_OK         finished; results are in slots
 *   AW_TRAP       trapped; err->trap says why, err->func_index where. The
 *                 instance stays usable for new calls.
 *   AW_SUSPENDED  the fuel slice ran out or a host function asked to
 *                 suspend; continue with aw_instance_resume (or
 *                 aw_instance_resume_host) using the same slots array.
 * Calling while the instance is suspended fails with AW_INVALID_ARGUMENT.
 * A host function may call back into the instance that called it (e.g. its
 * cabi_realloc): such a nested call runs above the current frames, ignores
 * the fuel slice (the total still counts) and cannot suspend (a host
 * function that asks to suspend inside it traps with AW_TRAP_HOST_ERROR). */
AW_API aw_status aw_instance_call_index(aw_instance *instance, uint32_t func_index,
                                        uint64_t *slots, aw_error *err);

/* Convenience: calls an export by name with typed values, checking the count
 * and types of args and results (AW_INVALID_ARGUMENT on mismatch). Its slots
 * live on the C stack, so it cannot stay suspended: if the call suspends, it
 * is abandoned and AW_SUSPENDED returned (use aw_instance_call_index for
 * suspendable calls). */
AW_API aw_status aw_instance_call(aw_instance *instance, const char *name, const aw_value *args,
                                  size_t arg_count, aw_value *results, size_t result_count,
                                  aw_error *err);

/* ---- fuel, suspension, resumption -------------------------------------- */

/* Total fuel the instance may still burn (UINT64_MAX: unmetered, the
 * default). Fuel is charged per basic block, about one unit per instruction;
 * running out of it traps with AW_TRAP_FUEL_EXHAUSTED. */
AW_API void aw_instance_set_fuel(aw_instance *instance, uint64_t fuel);
AW_API uint64_t aw_instance_fuel(const aw_instance *instance);
/* Fuel per run slice (0: no slices). When a slice is spent the running call
 * returns AW_SUSPENDED; resuming starts a new slice. */
AW_API void aw_instance_set_slice(aw_instance *instance, uint64_t slice_fuel);

typedef enum aw_instance_state {
    AW_INSTANCE_IDLE,            /* ready for a new call */
    AW_INSTANCE_RUNNING,         /* inside a call (seen by host functions) */
    AW_INSTANCE_SUSPENDED_FUEL,  /* slice spent; aw_instance_resume */
    AW_INSTANCE_SUSPENDED_HOST   /* a host function suspended; aw_instance_resume_host */
} aw_instance_state;

AW_API aw_instance_state aw_instance_state_of(const aw_instance *instance);

/* Continues a call suspended by its fuel slice. Same returns as
 * aw_instance_call_index; results go to the slots array of that call. */
AW_API aw_status aw_instance_resume(aw_instance *instance, aw_error *err);
/* Continues a call suspended by a host function, handing it the host
 * function's results (result_count values, as slots), or trapping with trap
 * if trap is not AW_TRAP_NONE. */
AW_API aw_status aw_instance_resume_host(aw_instance *instance, const uint64_t *results,
                                         aw_trap trap, aw_error *err);
/* Abandons a suspended call: the instance becomes idle, its stack is reset. */
AW_API void aw_instance_abort(aw_instance *instance);

/* Called by a host function before returning AW_HOST_TRAP. */
AW_API void aw_instance_set_trap(aw_instance *instance, aw_trap trap);

/* Reads an exported global's current value. AW_NOT_FOUND if there is no
 * global export of that name. */
AW_API aw_status aw_instance_global_get(const aw_instance *instance, const char *name,
                                        aw_value *out);

/* ---- memory ------------------------------------------------------------ */

/* Base and size in bytes of memory 0 (NULL and 0 without a memory). The
 * pointer is invalidated by memory.grow: host functions must re-read it after
 * anything that can grow memory (e.g. calling cabi_realloc). */
AW_API uint8_t *aw_instance_memory(const aw_instance *instance, size_t *size);
/* Bounds-checked copies; AW_TRAP with AW_TRAP_OUT_OF_BOUNDS_MEMORY semantics
 * is reported as AW_INVALID_ARGUMENT: nothing is copied when the range
 * [offset, offset+len) is not inside memory. */
AW_API aw_status aw_instance_memory_read(const aw_instance *instance, uint64_t offset, void *dst,
                                         size_t len);
AW_API aw_status aw_instance_memory_write(aw_instance *instance, uint64_t offset,
                                          const void *src, size_t len);
/* Bytes of host memory the instance holds now (linear memory, tables, stack
 * and bookkeeping): for accounting. */
AW_API size_t aw_instance_footprint(const aw_instance *instance);

#ifdef __cplusplus
}
#endif

#endif
