/* Calling into an instance: the fast call path, typed calls by name, fuel,
 * suspension and resumption. */
#include "wasm/instance.h"

#include "base/alloc.h"
#include "base/error.h"

#include <string.h>

/* Finishes a run of the outermost call (the run itself copied the results
 * and left the instance idle when it returned). */
static aw_status finish_top(aw_instance *inst, aw_status st) {
    if (st == AW_TRAP) inst->state = AW_INSTANCE_IDLE;
    return st;
}

static aw_status call_host_direct(aw_instance *inst, const aw__funcinst *fi, uint64_t *slots, bool nested,
                                  aw_error *err) {
    inst->host_trap = AW_TRAP_NONE;
    aw_instance_state prev = inst->state;
    inst->state = AW_INSTANCE_RUNNING;
    aw_host_result hr = fi->host(inst, fi->env, slots);
    if (hr == AW_HOST_RETURN) {
        inst->state = prev;
        return AW_OK;
    }
    if (hr == AW_HOST_SUSPEND && !nested) {
        inst->state = AW_INSTANCE_SUSPENDED_HOST;
        inst->s_pc = NULL;
        inst->s_results = slots;
        inst->s_nresults = fi->type->nresults;
        return aw__error_set_text(err, AW_SUSPENDED, "suspended by a host function");
    }
    inst->state = prev;
    aw_trap t = inst->host_trap != AW_TRAP_NONE ? inst->host_trap : AW_TRAP_HOST_ERROR;
    aw__error_set(err, AW_TRAP, "trap: %s (in host function %u)", aw_trap_text(t), fi->index);
    if (err) {
        err->trap = t;
        err->func_index = fi->index;
    }
    return AW_TRAP;
}

static aw_status call_slow(aw_instance *inst, uint32_t func_index, uint64_t *slots, aw_error *err)
    __attribute__((noinline));

aw_status aw_instance_call_index(aw_instance *inst, uint32_t func_index, uint64_t *slots, aw_error *err) {
    /* the fast path: an idle instance calling one of its wasm functions
     * whose frame fits the stack as it is */
    if (__builtin_expect(inst && inst->state == AW_INSTANCE_IDLE && func_index < inst->m->func_count &&
                             inst->stack != NULL, 1)) {
        const aw__funcinst *fi = inst->funcs[func_index];
        const aw__func *f = fi->func;
        if (__builtin_expect(f && fi->inst == inst && inst->stack + f->frame_slots <= inst->stack_end, 1)) {
            uint64_t *base = inst->stack;
            uint32_t np = f->nparams;
            aw__copy_slots(base, slots, np);
            aw__zero_locals(base, f);
            aw__frame *fr = inst->frames;
            /* (a host entry's record needs no inst: the run ends there) */
            fr->ret_pc = NULL;
            fr->fp = slots;
            fr->nresults = fi->type->nresults;
            inst->state = AW_INSTANCE_RUNNING;
            /* a tail call: the run copies the results to slots and leaves
             * the instance idle (or suspended) itself */
            return aw__interp_run(inst, inst, f->entry, base, fr, err);
        }
    }
    return call_slow(inst, func_index, slots, err);
}

static aw_status call_slow(aw_instance *inst, uint32_t func_index, uint64_t *slots, aw_error *err) {
    if (!inst) return aw__error_set(err, AW_INVALID_ARGUMENT, "null instance");
    aw_instance_state state = inst->state;
    /* Suspended by a host function, the instance still takes nested calls
     * (the embedder lowering that function's results, e.g. cabi_realloc);
     * they run above the suspended frames, which are kept by offset in case
     * the stack moves. */
    bool host_suspended = state == AW_INSTANCE_SUSPENDED_HOST && inst->s_pc;
    if (state == AW_INSTANCE_SUSPENDED_FUEL || (state == AW_INSTANCE_SUSPENDED_HOST && !host_suspended))
        return aw__error_set(err, AW_INVALID_ARGUMENT, "the instance is suspended: resume or abort it first");
    if (func_index >= inst->m->func_count) return aw__error_set(err, AW_NOT_FOUND, "no function %u", func_index);
    const aw__funcinst *fi = inst->funcs[func_index];
    bool nested = state == AW_INSTANCE_RUNNING || host_suspended;
    size_t s_fp_off = 0, s_res_off = 0, s_fr_off = 0;
    if (host_suspended) {
        s_fp_off = (size_t)(inst->s_fp - inst->stack);
        s_res_off = (size_t)(inst->s_results - inst->stack);
        s_fr_off = (size_t)(inst->s_fr - inst->frames);
    }
    if (!inst->stack) {
        aw_status st = aw__stack_ensure(inst, err);
        if (st != AW_OK) return st;
    }
    if (fi->host) return call_host_direct(inst, fi, slots, nested, err);
    const aw__func *f = fi->func;
    size_t base_off = nested ? inst->free_sp : 0, fr_off = nested ? inst->free_fr : 0;
    uint32_t np = f->nparams, nr = fi->type->nresults;
    if (base_off + f->frame_slots > (size_t)(inst->stack_end - inst->stack) ||
        fr_off >= (size_t)(inst->frames_end - inst->frames))
        aw__stack_grow(inst, base_off + f->frame_slots, fr_off + 1, fr_off);
    uint64_t *base = inst->stack + base_off;
    aw__frame *fr = inst->frames + fr_off;
    if (base + f->frame_slots > inst->stack_end || fr >= inst->frames_end) {
        aw__error_set(err, AW_TRAP, "trap: %s (in function %u)", aw_trap_text(AW_TRAP_STACK_EXHAUSTED), func_index);
        if (err) {
            err->trap = AW_TRAP_STACK_EXHAUSTED;
            err->func_index = func_index;
        }
        return AW_TRAP;
    }
    /* counts are small: straight moves beat calls to memcpy here */
    aw__copy_slots(base, slots, np);
    aw__zero_locals(base, f);
    fr->ret_pc = NULL;
    fr->fp = nested ? NULL : slots; /* nested: copied below (the run does not at depth > 0) */
    fr->inst = fi->inst;
    fr->nresults = nr;
    const uint32_t *pc = f->entry;
    if (nested) {
        inst->depth++;
        inst->state = AW_INSTANCE_RUNNING;
        aw_status st = aw__interp_run(inst, fi->inst, pc, base, fr, err);
        inst->state = state;
        inst->depth--;
        base = inst->stack + base_off; /* the stack may have moved */
        if (host_suspended) {
            inst->s_fp = inst->stack + s_fp_off;
            inst->s_results = inst->stack + s_res_off;
            inst->s_fr = inst->frames + s_fr_off;
        }
        if (st == AW_OK)
            aw__copy_slots(slots, base, nr);
        return st;
    }
    inst->state = AW_INSTANCE_RUNNING;
    return finish_top(inst, aw__interp_run(inst, fi->inst, pc, base, fr, err));
}

aw_status aw_instance_resume(aw_instance *inst, aw_error *err) {
    if (!inst || inst->state != AW_INSTANCE_SUSPENDED_FUEL)
        return aw__error_set(err, AW_INVALID_ARGUMENT, "the instance is not suspended by fuel");
    inst->state = AW_INSTANCE_RUNNING;
    return finish_top(inst, aw__interp_run(inst, inst->s_inst, inst->s_pc, inst->s_fp, inst->s_fr, err));
}

aw_status aw_instance_resume_host(aw_instance *inst, const uint64_t *results, aw_trap trap, aw_error *err) {
    if (!inst || inst->state != AW_INSTANCE_SUSPENDED_HOST)
        return aw__error_set(err, AW_INVALID_ARGUMENT, "the instance is not suspended by a host function");
    if (trap != AW_TRAP_NONE) {
        inst->state = AW_INSTANCE_IDLE;
        aw__error_set(err, AW_TRAP, "trap: %s (supplied on resume)", aw_trap_text(trap));
        if (err) err->trap = trap;
        return AW_TRAP;
    }
    if (inst->s_nresults && !results) return aw__error_set(err, AW_INVALID_ARGUMENT, "results missing");
    if (inst->s_nresults) memcpy(inst->s_results, results, inst->s_nresults * sizeof(uint64_t));
    if (!inst->s_pc) { /* a host function called directly from the embedder */
        inst->state = AW_INSTANCE_IDLE;
        return AW_OK;
    }
    inst->state = AW_INSTANCE_RUNNING;
    return finish_top(inst, aw__interp_run(inst, inst->s_inst, inst->s_pc, inst->s_fp, inst->s_fr, err));
}

void aw_instance_abort(aw_instance *inst) {
    if (!inst) return;
    if (inst->state == AW_INSTANCE_SUSPENDED_FUEL || inst->state == AW_INSTANCE_SUSPENDED_HOST)
        inst->state = AW_INSTANCE_IDLE;
}

void aw_instance_set_trap(aw_instance *inst, aw_trap trap) {
    if (inst) inst->host_trap = trap;
}

aw_instance_state aw_instance_state_of(const aw_instance *inst) { return inst ? inst->state : AW_INSTANCE_IDLE; }

void aw_instance_set_fuel(aw_instance *inst, uint64_t fuel) {
    if (inst) inst->fuel = fuel;
}
uint64_t aw_instance_fuel(const aw_instance *inst) { return inst ? inst->fuel : 0; }
void aw_instance_set_slice(aw_instance *inst, uint64_t slice_fuel) {
    if (inst) inst->slice = slice_fuel;
}

/* ---- typed calls ------------------------------------------------------- */

static uint64_t value_to_slot(const aw_value *v) {
    switch (v->type) {
    case AW_VAL_I32: return (uint32_t)v->of.i32;
    case AW_VAL_I64: return (uint64_t)v->of.i64;
    case AW_VAL_F32: {
        uint32_t b;
        memcpy(&b, &v->of.f32, 4);
        return b;
    }
    case AW_VAL_F64: {
        uint64_t b;
        memcpy(&b, &v->of.f64, 8);
        return b;
    }
    default: return (uint64_t)(uintptr_t)v->of.ref;
    }
}

static void slot_to_value(uint64_t s, aw_valtype t, aw_value *v) {
    v->type = t;
    switch (t) {
    case AW_VAL_I32: v->of.i32 = (int32_t)(uint32_t)s; break;
    case AW_VAL_I64: v->of.i64 = (int64_t)s; break;
    case AW_VAL_F32: {
        uint32_t b = (uint32_t)s;
        memcpy(&v->of.f32, &b, 4);
        break;
    }
    case AW_VAL_F64: memcpy(&v->of.f64, &s, 8); break;
    default: v->of.ref = (void *)(uintptr_t)s; break;
    }
}

aw_status aw_instance_call(aw_instance *inst, const char *name, const aw_value *args, size_t arg_count,
                           aw_value *results, size_t result_count, aw_error *err) {
    uint32_t idx;
    if (!inst || !name) return aw__error_set(err, AW_INVALID_ARGUMENT, "null argument");
    if (aw_instance_find_func(inst, name, &idx) != AW_OK)
        return aw__error_set(err, AW_NOT_FOUND, "no exported function \"%s\"", name);
    aw_functype ft;
    aw_instance_func_type(inst, idx, &ft);
    if (arg_count != ft.param_count || result_count != ft.result_count)
        return aw__error_set(err, AW_INVALID_ARGUMENT, "\"%s\" takes %u arguments and returns %u results", name,
                             ft.param_count, ft.result_count);
    for (size_t i = 0; i < arg_count; i++)
        if (args[i].type != ft.params[i])
            return aw__error_set(err, AW_INVALID_ARGUMENT, "argument %zu of \"%s\" has the wrong type", i, name);
    size_t n = arg_count > result_count ? arg_count : result_count;
    uint64_t local[16];
    uint64_t *slots = n <= 16 ? local : aw__malloc(n * sizeof(uint64_t));
    if (!slots) return aw__error_set(err, AW_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < arg_count; i++) slots[i] = value_to_slot(&args[i]);
    aw_status st = aw_instance_call_index(inst, idx, slots, err);
    if (st == AW_SUSPENDED && inst->frames[0].fp == slots) { /* the outermost call's record */
        /* the slots live on this C stack: a typed call cannot stay suspended */
        aw_instance_abort(inst);
        st = aw__error_set(err, AW_SUSPENDED,
                           "aw_instance_call cannot suspend (use aw_instance_call_index); the call was abandoned");
    }
    if (st == AW_OK)
        for (size_t i = 0; i < result_count; i++) slot_to_value(slots[i], ft.results[i], &results[i]);
    if (slots != local) aw__free(slots, n * sizeof(uint64_t));
    return st;
}
