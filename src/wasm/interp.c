/* The interpreter: one loop over the compiled code (CONVENTIONS rule 13).
 * OP()/NEXT() dispatch with computed goto, or a switch when
 * AW_DISPATCH_SWITCH is defined. Slow paths live in runtime.c. */
#include "wasm/instance.h"

#include "wasm/bits.h"

#include "base/error.h"

#include <math.h>
#include <string.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)


static inline float f32_min(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline float f32_max(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? b : a;
    return a > b ? a : b;
}
static inline double f64_min(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline double f64_max(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? b : a;
    return a > b ? a : b;
}

/* Rounding keeps a signalling NaN signalling on some libms: quiet it. */
static inline float f32_round(float a, float (*fn)(float)) { return a != a ? a + a : fn(a); }
static inline double f64_round(double a, double (*fn)(double)) { return a != a ? a + a : fn(a); }

static inline uint32_t rotl32(uint32_t x, uint32_t n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }
static inline uint32_t rotr32(uint32_t x, uint32_t n) { n &= 31; return n ? (x >> n) | (x << (32 - n)) : x; }
static inline uint64_t rotl64(uint64_t x, uint64_t n) { n &= 63; return n ? (x << n) | (x >> (64 - n)) : x; }
static inline uint64_t rotr64(uint64_t x, uint64_t n) { n &= 63; return n ? (x >> n) | (x << (64 - n)) : x; }

/* Without -mpopcnt __builtin_popcount is a call into libgcc: the popcnt
 * instruction when the CPU has it, else count in registers (clang emits
 * i32.popcnt for power-of-two checks). */
#if defined(__x86_64__) && defined(__GNUC__)
#define HW_POPCNT 1
#endif
static inline uint32_t popcnt32(uint32_t x) {
#ifdef HW_POPCNT
    if (__builtin_cpu_supports("popcnt")) {
        uint32_t r;
        __asm__("popcnt %1, %0" : "=r"(r) : "rm"(x) : "cc");
        return r;
    }
#endif
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (x * 0x01010101u) >> 24;
}
static inline uint64_t popcnt64(uint64_t x) {
#ifdef HW_POPCNT
    if (__builtin_cpu_supports("popcnt")) {
        uint64_t r;
        __asm__("popcnt %1, %0" : "=r"(r) : "rm"(x) : "cc");
        return r;
    }
#endif
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (x * 0x0101010101010101ull) >> 56;
}

/* Saturating conversions (non-trapping float-to-int). */
static inline int32_t sat_i32_f64(double x) {
    if (x != x) return 0;
    if (x <= -2147483649.0) return INT32_MIN;
    if (x >= 2147483648.0) return INT32_MAX;
    return (int32_t)x;
}
static inline uint32_t sat_u32_f64(double x) {
    if (x != x || x <= -1.0) return 0;
    if (x >= 4294967296.0) return UINT32_MAX;
    return (uint32_t)x;
}
static inline int64_t sat_i64_f64(double x) {
    if (x != x) return 0;
    if (x < -9223372036854775808.0) return INT64_MIN;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    return (int64_t)x;
}
static inline uint64_t sat_u64_f64(double x) {
    if (x != x || x <= -1.0) return 0;
    if (x >= 18446744073709551616.0) return UINT64_MAX;
    return (uint64_t)x;
}

/* Trapping conversion range checks: NaN -> invalid conversion, else overflow. */
#define TRUNC_CHECK(x, lo_ok, hi_ok)                                                          \
    do {                                                                                     \
        if (UNLIKELY((x) != (x))) { trap = AW_TRAP_INVALID_CONVERSION; goto do_trap; }       \
        if (UNLIKELY(!(lo_ok) || !(hi_ok))) { trap = AW_TRAP_INTEGER_OVERFLOW; goto do_trap; } \
    } while (0)

/* Operand access: pc[i] is a frame slot index. */
#define U32(i) ((uint32_t)fp[pc[i]])
#define I32(i) ((int32_t)(uint32_t)fp[pc[i]])
#define U64(i) (fp[pc[i]])
#define I64(i) ((int64_t)fp[pc[i]])
#define F32(i) aw__f32_of(fp[pc[i]])
#define F64(i) aw__f64_of(fp[pc[i]])
#define SET32(i, v) (fp[pc[i]] = (uint64_t)(uint32_t)(v))
#define SET64(i, v) (fp[pc[i]] = (uint64_t)(v))
#define SETF32(i, v) (fp[pc[i]] = aw__slot_of_f32(v))
#define SETF64(i, v) (fp[pc[i]] = aw__slot_of_f64(v))
#define REL(i) (pc + (i) + (int32_t)pc[i])
/* An immediate operand word as a 32-bit value, or sign-extended to 64 bits. */
#define IMM32(i) (pc[i])
#define IMM64(i) ((uint64_t)(int64_t)(int32_t)pc[i])
/* Every branch target is a FUEL instruction (the compiler guarantees it):
 * taken branches charge it inline and skip it, which saves a dispatch per
 * loop iteration. When the fuel does not cover it, FUEL's slow path runs. */
#define JUMP(i)                                                                              \
    do {                                                                                     \
        pc = REL(i);                                                                         \
        fuel -= (int64_t)pc[1];                                                              \
        if (UNLIKELY(fuel < 0)) goto fuel_out;                                               \
        pc += 2;                                                                             \
        NEXT();                                                                              \
    } while (0)

#ifdef AW_DISPATCH_SWITCH
#define OP(name) case AW__OP_##name:
#define NEXT() goto dispatch
#else
#define OP(name) L_##name:
/* direct threading: the opcode word holds the handler's offset from a base
 * label (aw__code_thread rewrote it after compilation) */
#define NEXT() goto *(const void *)(dispatch_base + (int32_t)*pc)
#endif

/* Generic instruction shapes: [op dst a b] and [op dst a]. */
#define BIN(name, GET, SET, expr)                                                            \
    OP(name) {                                                                               \
        __typeof__(GET(2)) a = GET(2), b = GET(3);                                           \
        SET(1, (expr));                                                                      \
        pc += 4;                                                                             \
        NEXT();                                                                              \
    }
#define UN(name, GET, SET, expr)                                                             \
    OP(name) {                                                                               \
        __typeof__(GET(2)) a = GET(2);                                                       \
        SET(1, (expr));                                                                      \
        pc += 3;                                                                             \
        NEXT();                                                                              \
    }
/* A load or store in its four address forms: [addr], [x + y], [x + imm], and a
 * constant effective address (the address and offset added at compile time):
 * loads [op dst ea], stores [op value ea]. The compiler emits the constant
 * forms only for accesses inside the module's minimum memory size, which every
 * memory it can run with has (memories only grow; an import's size is at
 * least the declared minimum): those need no bounds check (chk 0). */
#define LOAD1(label, T, SET, conv, addr, len, chk)                                           \
    OP(label) {                                                                              \
        uint64_t ea = (uint64_t)(addr) + pc[len - 1];                                        \
        if (chk && UNLIKELY(ea + sizeof(T) > ms)) goto trap_oob;                             \
        T v;                                                                                 \
        memcpy(&v, mb + ea, sizeof v);                                                       \
        SET(1, conv(v));                                                                     \
        pc += len;                                                                           \
        NEXT();                                                                              \
    }
#define LOAD(name, T, SET, conv)                                                             \
    LOAD1(name, T, SET, conv, U32(2), 4, 1)                                                  \
    LOAD1(name##_AX, T, SET, conv, (uint32_t)(U32(2) + U32(3)), 5, 1)                        \
    LOAD1(name##_AI, T, SET, conv, (uint32_t)(U32(2) + pc[3]), 5, 1)                        \
    LOAD1(name##_AK, T, SET, conv, 0, 3, 0)
#define STORE1(label, T, GET, addr, vi, len, chk)                                            \
    OP(label) {                                                                              \
        uint64_t ea = (uint64_t)(addr) + pc[len - 1];                                        \
        if (chk && UNLIKELY(ea + sizeof(T) > ms)) goto trap_oob;                             \
        T v = (T)GET(vi);                                                                    \
        memcpy(mb + ea, &v, sizeof v);                                                       \
        pc += len;                                                                           \
        NEXT();                                                                              \
    }
#define STORE(name, T, GET, IMM)                                                             \
    STORE1(name##_V, T, IMM, U32(1), 2, 4, 1)                                                \
    STORE1(name##_KV, T, IMM, 0, 1, 3, 0)                                                    \
    STORE1(name, T, GET, U32(1), 2, 4, 1)                                                    \
    STORE1(name##_AX, T, GET, (uint32_t)(U32(1) + U32(2)), 3, 5, 1)                          \
    STORE1(name##_AI, T, GET, (uint32_t)(U32(1) + pc[2]), 3, 5, 1)                          \
    STORE1(name##_AK, T, GET, 0, 1, 3, 0)
/* Fused compare-and-branch, with a register or an immediate operand. */
#define BRCMP(name, GET, cmp)                                                                \
    OP(BR_##name) {                                                                          \
        if (GET(1) cmp GET(2)) JUMP(3);                                                      \
        pc += 4;                                                                             \
        NEXT();                                                                              \
    }                                                                                        \
    OP(BR_##name##_I) {                                                                      \
        __typeof__(GET(1)) a = GET(1);                                                       \
        if (a cmp(__typeof__(a))(int32_t) pc[2]) JUMP(3);                                    \
        pc += 4;                                                                             \
        NEXT();                                                                              \
    }
/* A load whose value only decides a branch: [op addr offset target]. */
#define BRLOAD(bits, T)                                                                      \
    OP(BR_LOAD##bits##_NZ) {                                                                 \
        uint64_t ea = (uint64_t)U32(1) + pc[2];                                              \
        if (UNLIKELY(ea + sizeof(T) > ms)) goto trap_oob;                                    \
        T v;                                                                                 \
        memcpy(&v, mb + ea, sizeof v);                                                       \
        if (v) JUMP(3);                                                                      \
        pc += 4;                                                                             \
        NEXT();                                                                              \
    }                                                                                        \
    OP(BR_LOAD##bits##_Z) {                                                                  \
        uint64_t ea = (uint64_t)U32(1) + pc[2];                                              \
        if (UNLIKELY(ea + sizeof(T) > ms)) goto trap_oob;                                    \
        T v;                                                                                 \
        memcpy(&v, mb + ea, sizeof v);                                                       \
        if (!v) JUMP(3);                                                                     \
        pc += 4;                                                                             \
        NEXT();                                                                              \
    }
/* The same at a constant address inside the minimum memory (see LOAD1): no
 * bounds check. [op ea target] */
#define BRLOAD_AK(bits, T)                                                                   \
    OP(BR_LOAD##bits##_NZ_AK) {                                                              \
        T v;                                                                                 \
        memcpy(&v, mb + pc[1], sizeof v);                                                    \
        if (v) JUMP(2);                                                                      \
        pc += 3;                                                                             \
        NEXT();                                                                              \
    }                                                                                        \
    OP(BR_LOAD##bits##_Z_AK) {                                                               \
        T v;                                                                                 \
        memcpy(&v, mb + pc[1], sizeof v);                                                    \
        if (!v) JUMP(2);                                                                     \
        pc += 3;                                                                             \
        NEXT();                                                                              \
    }
/* A call of a wasm function of this instance: [op func argbase lo hi], lo/hi
 * the callee's aw__func. CALL_Z also zeroes the callee's locals that need
 * it (aw__code_thread picks the form once every function is compiled). */
#define CALL_OP(name, zero)                                                                  \
    OP(name) {                                                                               \
        const aw__func *f = (const aw__func *)(uintptr_t)((uint64_t)pc[3] | (uint64_t)pc[4] << 32); \
        nfp = fp + pc[2];                                                                    \
        if (UNLIKELY(nfp + f->frame_slots > root->stack_end || fr + 1 >= root->frames_end)) { \
            need_slots = (size_t)(nfp - root->stack) + f->frame_slots;                       \
            goto grow;                                                                       \
        }                                                                                    \
        if (zero) aw__zero_locals(nfp, f);                                                   \
        fr++;                                                                                \
        fr->ret_pc = pc + 5;                                                                 \
        fr->fp = fp;                                                                         \
        fr->inst = inst;                                                                     \
        fp = nfp;                                                                            \
        pc = f->entry;                                                                       \
        /* charge the callee's entry block here (its FUEL op handles the                     \
         * slow path when the fuel does not cover it) */                                     \
        if (LIKELY(fuel >= (int64_t)pc[1])) {                                                \
            fuel -= (int64_t)pc[1];                                                          \
            pc += 2;                                                                         \
        }                                                                                    \
        NEXT();                                                                              \
    }
/* A binary operator and its immediate form (opcodes.def AW_BINIMM). */
#define BIN2(name, GET, SET, expr)                                                           \
    BIN(name, GET, SET, expr)                                                                \
    OP(name##_I) {                                                                           \
        __typeof__(GET(2)) a = GET(2), b = (__typeof__(a))(int64_t)(int32_t)pc[3];           \
        SET(1, (expr));                                                                      \
        pc += 4;                                                                             \
        NEXT();                                                                              \
    }
#define ID(x) (x)
#define F32BITS(v) aw__f32_of(v)
#define F64BITS(v) aw__f64_of(v)

/* Calls host function fi with its arguments at slot offset nfp_off of the
 * root's stack; its results go there. The slow path of a call, out of line.
 * The host gets a copy of the arguments (up to 16 slots) so that it may
 * re-enter the instance and grow (move) the stack; with more, the stack is
 * pinned for the duration of the call. */
static inline __attribute__((always_inline)) aw_host_result host_call(aw_instance *root, aw_instance *inst,
                                                          const aw__funcinst *fi, size_t nfp_off,
                                                          size_t fr_off) {
    uint32_t np = fi->type->nparams, nr = fi->type->nresults;
    uint32_t nmax = np > nr ? np : nr;
    size_t saved_sp = root->free_sp, saved_fr = root->free_fr;
    root->free_sp = nfp_off + nmax;
    root->free_fr = fr_off + 1;
    uint64_t buf[16];
    bool copy = nmax <= 16;
    uint64_t *args = copy ? buf : root->stack + nfp_off;
    if (copy)
        aw__copy_slots(buf, root->stack + nfp_off, np);
    else
        root->pinned++;
    inst->host_trap = AW_TRAP_NONE;
    aw_host_result hr = fi->host(inst, fi->env, args);
    if (!copy) root->pinned--;
    root->free_sp = saved_sp;
    root->free_fr = saved_fr;
    if (copy && hr == AW_HOST_RETURN) aw__copy_slots(root->stack + nfp_off, buf, nr);
    return hr;
}

/* The index of the function whose code holds pc (for trap reports: frame
 * records do not carry it, one store less per call). */
static uint32_t func_at(const aw_instance *inst, const uint32_t *pc) {
    const aw_module *m = inst->m;
    uint32_t at = (uint32_t)(pc - m->code), lo = m->func_import_count, hi = m->func_count;
    while (hi - lo > 1) { /* the last function starting at or before at */
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->funcs[mid].code_start <= at) lo = mid;
        else hi = mid;
    }
    return lo;
}

static void record_trap(aw_error *err, aw_trap trap, uint32_t func) {
    if (!err) return;
    aw__error_set(err, AW_TRAP, "trap: %s (in function %u)", aw_trap_text(trap), func);
    err->trap = trap;
    err->func_index = func;
}

static aw__memory no_memory; /* stands in for a missing memory: size 0 */

/* Caches the current instance's linear memory in mb/ms (not the memory
 * itself: one register fewer in the loop). */
#define LOAD_MEM()                                                                           \
    do {                                                                                     \
        const aw__memory *mem_ = inst->mem ? inst->mem : &no_memory;                         \
        mb = mem_->base;                                                                     \
        ms = mem_->size;                                                                     \
    } while (0)

const int32_t *aw__interp_dispatch_offsets(void) {
#ifdef AW_DISPATCH_SWITCH
    return NULL;
#else
    /* A run of an instance without a module at a zero word, which is the
     * offset of TRAP_UNREACHABLE's handler: that handler hands out the table
     * (so the hot entry tests nothing for it). The instance is only read. */
    static const aw_instance no_instance;
    static const uint32_t unreachable_word = 0;
    const int32_t *table = NULL;
    aw__interp_run((aw_instance *)(uintptr_t)&no_instance, (aw_instance *)(uintptr_t)&no_instance,
                   &unreachable_word, (uint64_t *)(void *)&table, NULL, NULL);
    return table;
#endif
}

aw_status aw__interp_run(aw_instance *root, aw_instance *inst, const uint32_t *pc, uint64_t *fp,
                         aw__frame *fr, aw_error *err) {
#ifndef AW_DISPATCH_SWITCH
#define L_OFF(x) (int32_t)(&&x - &&L_TRAP_UNREACHABLE)
    static const int32_t offsets[AW__OP_COUNT_] = {
#define AW_OP(n, p, c, t, k, a, b, r) AW__IS_##k(L_OFF(L_##n))
#define AW_IOP(n, d) L_OFF(L_##n),
#define AW_BINIMM(n) L_OFF(L_##n##_I),
#define AW_BRCMP(n, inv) L_OFF(L_BR_##n), L_OFF(L_BR_##n##_I),
#define AW_MEMFUSE(n) L_OFF(L_##n##_AX), L_OFF(L_##n##_AI), L_OFF(L_##n##_AK),
#define AW_STOREIMM(n) L_OFF(L_##n##_V), L_OFF(L_##n##_KV),
#include "wasm/opcodes.def"
#undef AW_MEMFUSE
#undef AW_STOREIMM
#undef AW_OP
#undef AW_IOP
#undef AW_BINIMM
#undef AW_BRCMP
    };
#undef L_OFF
    const char *const dispatch_base = (const char *)&&L_TRAP_UNREACHABLE;
#endif
    /* linear memory, cached: reloaded after anything that may grow it */
    uint8_t *mb;
    uint64_t ms;
    LOAD_MEM();
    /* the stack limits are read from root where needed (a cached copy
     * costs the entry more than the calls save) */
    size_t need_slots, need_frames;
    /* fuel for this run: the total, capped by the slice */
    int64_t budget = root->fuel > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)root->fuel;
    if (root->slice && root->depth == 0 && (uint64_t)budget > root->slice) budget = (int64_t)root->slice;
    int64_t fuel = budget;
    aw_trap trap = AW_TRAP_NONE;
    aw_status result;
    const aw__funcinst *fi;
    uint64_t *nfp;
    const uint32_t *npc;

#ifdef AW_DISPATCH_SWITCH
dispatch:
    switch ((aw__op)*pc) {
#else
    NEXT();
#endif

    OP(TRAP_UNREACHABLE) {
#ifndef AW_DISPATCH_SWITCH
        if (UNLIKELY(!inst->m)) { /* aw__interp_dispatch_offsets asks for the table */
            *(const int32_t **)(void *)fp = offsets;
            return AW_OK;
        }
#endif
        trap = AW_TRAP_UNREACHABLE;
        goto do_trap;
    }
    OP(COPY) {
        fp[pc[1]] = fp[pc[2]];
        pc += 3;
        NEXT();
    }
    OP(COPY2) {
        fp[pc[1]] = fp[pc[2]];
        fp[pc[3]] = fp[pc[4]];
        pc += 5;
        NEXT();
    }
    OP(CONST32) {
        fp[pc[1]] = pc[2];
        pc += 3;
        NEXT();
    }
    OP(CONST64) {
        fp[pc[1]] = (uint64_t)pc[2] | ((uint64_t)pc[3] << 32);
        pc += 4;
        NEXT();
    }
    OP(BR) {
        JUMP(1);
    }
    OP(BR_IF) {
        if (U32(1)) JUMP(2);
        pc += 3;
        NEXT();
    }
    OP(BR_UNLESS) {
        if (!U32(1)) JUMP(2);
        pc += 3;
        NEXT();
    }
    OP(BR_IF2) {
        if (U32(1) | U32(2)) JUMP(3);
        pc += 4;
        NEXT();
    }
    OP(BR_TABLE) {
        uint32_t i = U32(1), count = pc[2], arity = pc[3], src = pc[4];
        if (i > count) i = count;
        const uint32_t *e = pc + 5 + 2 * i;
        uint32_t dst = e[1];
        if (dst != src)
            for (uint32_t k = 0; k < arity; k++) fp[dst + k] = fp[src + k];
        pc = e;
        JUMP(0);
    }
    OP(BR_TABLE0) {
        uint32_t i = U32(1), count = pc[2];
        if (i > count) i = count;
        pc += 5 + 2 * i;
        JUMP(0);
    }
    OP(FUEL) {
        fuel -= (int64_t)pc[1];
        if (UNLIKELY(fuel < 0)) goto fuel_out;
        pc += 2;
        NEXT();
    }
    CALL_OP(CALL, 0)
    CALL_OP(CALL_Z, 1)
    OP(CALL_IMPORT) {
        fi = inst->funcs[pc[1]];
        nfp = fp + pc[2];
        npc = pc + 3;
        goto call_fi;
    }
    OP(CALL_INDIRECT) {
        const aw__table *t = inst->tables[pc[1]];
        uint32_t i = U32(4);
        if (UNLIKELY(i >= t->size)) {
            trap = AW_TRAP_UNDEFINED_ELEMENT;
            goto do_trap;
        }
        fi = (const aw__funcinst *)t->elems[i];
        if (UNLIKELY(!fi)) {
            trap = AW_TRAP_UNINITIALIZED_ELEMENT;
            goto do_trap;
        }
        if (UNLIKELY(fi->type != &inst->m->types[pc[2]] && !aw__funcinst_type_matches(fi, inst->m, pc[2]))) {
            trap = AW_TRAP_INDIRECT_CALL_TYPE_MISMATCH;
            goto do_trap;
        }
        nfp = fp + pc[3];
        npc = pc + 5;
        if (LIKELY(fi->inst == inst && fi->func)) {
            const aw__func *f = fi->func;
            if (UNLIKELY(nfp + f->frame_slots > root->stack_end || fr + 1 >= root->frames_end)) {
                need_slots = (size_t)(nfp - root->stack) + f->frame_slots;
                goto grow;
            }
            aw__zero_locals(nfp, f);
            fr++;
            fr->ret_pc = npc;
            fr->fp = fp;
            fr->inst = inst;
            fp = nfp;
            pc = f->entry;
            if (LIKELY(fuel >= (int64_t)pc[1])) { /* the entry block, as CALL does */
                fuel -= (int64_t)pc[1];
                pc += 2;
            }
            NEXT();
        }
        goto call_fi;
    }
    OP(RETURN) {
        uint32_t src = pc[1], n = pc[2];
        if (src)
            for (uint32_t k = 0; k < n; k++) fp[k] = fp[src + k];
        goto ret;
    }
    OP(RETURN1) {
        fp[0] = fp[pc[1]];
        goto ret;
    }
    OP(RETURN0) {
        goto ret;
    }
    OP(RETURN1_I) {
        fp[0] = pc[1];
        goto ret;
    }
    OP(I32_ADD_LK) { /* ea inside the minimum memory (see LOAD1) */
        uint64_t ea = pc[3];
        uint32_t v;
        memcpy(&v, mb + ea, sizeof v);
        SET32(1, v + U32(2));
        pc += 4;
        NEXT();
    }
    OP(I32_RSUB_I) {
        SET32(1, pc[3] - U32(2));
        pc += 4;
        NEXT();
    }
    OP(I64_RSUB_I) {
        SET64(1, (uint64_t)(int64_t)(int32_t)pc[3] - U64(2));
        pc += 4;
        NEXT();
    }
    OP(SELECT) {
        fp[pc[1]] = U32(4) ? fp[pc[2]] : fp[pc[3]];
        pc += 5;
        NEXT();
    }
    OP(SELECT_IA) {
        fp[pc[1]] = U32(4) ? (uint64_t)pc[2] : fp[pc[3]];
        pc += 5;
        NEXT();
    }
    OP(SELECT_IB) {
        fp[pc[1]] = U32(4) ? fp[pc[2]] : (uint64_t)pc[3];
        pc += 5;
        NEXT();
    }
    OP(BR_TEST) {
        if (U32(1) & U32(2)) JUMP(3);
        pc += 4;
        NEXT();
    }
    OP(BR_TEST_I) {
        if (U32(1) & pc[2]) JUMP(3);
        pc += 4;
        NEXT();
    }
    OP(BR_NTEST) {
        if (!(U32(1) & U32(2))) JUMP(3);
        pc += 4;
        NEXT();
    }
    OP(BR_NTEST_I) {
        if (!(U32(1) & pc[2])) JUMP(3);
        pc += 4;
        NEXT();
    }
    OP(ADDI_BR_LOAD8_NZ) {
        uint32_t d = U32(2) + pc[3];
        SET32(1, d);
        uint64_t ea = (uint64_t)d + pc[4];
        if (UNLIKELY(ea + 1 > ms)) goto trap_oob;
        if (mb[ea]) JUMP(5);
        pc += 6;
        NEXT();
    }
    OP(ADDI_BR_GT_U_I) {
        uint32_t d = U32(2) + pc[3];
        SET32(1, d);
        if (d > pc[4]) JUMP(5);
        pc += 6;
        NEXT();
    }
    OP(ADDI_BR_NTEST_I) {
        uint32_t d = U32(2) + pc[3];
        SET32(1, d);
        if (!(d & pc[4])) JUMP(5);
        pc += 6;
        NEXT();
    }
    BRLOAD(8, uint8_t)
    BRLOAD(16, uint16_t)
    BRLOAD(32, uint32_t)
    BRLOAD_AK(8, uint8_t)
    BRLOAD_AK(16, uint16_t)
    BRLOAD_AK(32, uint32_t)
    OP(GLOBAL_GET) {
        fp[pc[1]] = *inst->globals[pc[2]];
        pc += 3;
        NEXT();
    }
    OP(GLOBAL_SET) {
        *inst->globals[pc[1]] = fp[pc[2]];
        pc += 3;
        NEXT();
    }
    OP(GLOBAL_SET_ADD32_I) {
        *inst->globals[pc[1]] = (uint32_t)(U32(2) + pc[3]);
        pc += 4;
        NEXT();
    }
    OP(GLOBAL_SUB_TEE) {
        uint64_t *g = inst->globals[pc[2]];
        uint32_t v = (uint32_t)*g - pc[3];
        SET32(1, v);
        *g = v;
        pc += 4;
        NEXT();
    }
    OP(GLOBAL_SET_ADD64_I) {
        *inst->globals[pc[1]] = U64(2) + (uint64_t)(int64_t)(int32_t)pc[3];
        pc += 4;
        NEXT();
    }
    OP(I32_STORE_ADD_AK) { /* ea inside the minimum memory (see LOAD1) */
        uint64_t ea = pc[3];
        uint32_t v = U32(1) + U32(2);
        memcpy(mb + ea, &v, sizeof v);
        pc += 4;
        NEXT();
    }
    OP(I32_STORE_ADDI_AK) { /* ea inside the minimum memory (see LOAD1) */
        uint32_t v = U32(1) + pc[2];
        memcpy(mb + pc[3], &v, sizeof v);
        pc += 4;
        NEXT();
    }
    OP(I64_STORE_ADDI_AK) {
        uint64_t v = U64(1) + IMM64(2);
        memcpy(mb + pc[3], &v, sizeof v);
        pc += 4;
        NEXT();
    }
    OP(I32_MOVE_AK) { /* both addresses inside the minimum memory */
        uint32_t v;
        memcpy(&v, mb + pc[2], sizeof v);
        memcpy(mb + pc[1], &v, sizeof v);
        pc += 3;
        NEXT();
    }
    OP(I64_MOVE_AK) {
        uint64_t v;
        memcpy(&v, mb + pc[2], sizeof v);
        memcpy(mb + pc[1], &v, sizeof v);
        pc += 3;
        NEXT();
    }
    OP(I32_INC_AK) {
        uint32_t v;
        memcpy(&v, mb + pc[2], sizeof v);
        v += pc[1];
        memcpy(mb + pc[2], &v, sizeof v);
        pc += 3;
        NEXT();
    }
    OP(I64_INC_AK) {
        uint64_t v;
        memcpy(&v, mb + pc[2], sizeof v);
        v += IMM64(1);
        memcpy(mb + pc[2], &v, sizeof v);
        pc += 3;
        NEXT();
    }
    OP(I32_ADD_TO_AK) { /* ea inside the minimum memory (see LOAD1) */
        uint64_t ea = pc[2];
        uint32_t v;
        memcpy(&v, mb + ea, sizeof v);
        v += U32(1);
        memcpy(mb + ea, &v, sizeof v);
        pc += 3;
        NEXT();
    }
    OP(TABLE_GET) {
        const aw__table *t = inst->tables[pc[2]];
        uint32_t i = U32(3);
        if (UNLIKELY(i >= t->size)) goto trap_table;
        fp[pc[1]] = (uint64_t)(uintptr_t)t->elems[i];
        pc += 4;
        NEXT();
    }
    OP(TABLE_SET) {
        aw__table *t = inst->tables[pc[1]];
        uint32_t i = U32(2);
        if (UNLIKELY(i >= t->size)) goto trap_table;
        t->elems[i] = (void *)(uintptr_t)fp[pc[3]];
        pc += 4;
        NEXT();
    }
    OP(TABLE_SIZE) {
        SET32(1, inst->tables[pc[2]]->size);
        pc += 3;
        NEXT();
    }
    OP(TABLE_GROW) {
        SET32(1, aw__table_grow(inst->tables[pc[2]], (void *)(uintptr_t)fp[pc[3]], U32(4)));
        pc += 5;
        NEXT();
    }
    OP(TABLE_FILL) {
        trap = aw__table_fill(inst->tables[pc[1]], U32(2), (void *)(uintptr_t)fp[pc[3]], U32(4));
        if (UNLIKELY(trap)) goto do_trap;
        pc += 5;
        NEXT();
    }
    OP(TABLE_COPY) {
        trap = aw__table_copy(inst, pc[1], pc[2], U32(3), U32(4), U32(5));
        if (UNLIKELY(trap)) goto do_trap;
        pc += 6;
        NEXT();
    }
    OP(TABLE_INIT) {
        trap = aw__table_init(inst, pc[1], pc[2], U32(3), U32(4), U32(5));
        if (UNLIKELY(trap)) goto do_trap;
        pc += 6;
        NEXT();
    }
    OP(ELEM_DROP) {
        inst->dropped[pc[1]] = 1;
        pc += 2;
        NEXT();
    }
    OP(MEMORY_SIZE) {
        SET32(1, inst->mem->pages);
        pc += 2;
        NEXT();
    }
    OP(MEMORY_GROW) {
        SET32(1, aw__mem_grow(inst->mem, U32(2)));
        LOAD_MEM();
        pc += 3;
        NEXT();
    }
    OP(MEMORY_INIT) {
        trap = aw__mem_init(inst, pc[1], U32(2), U32(3), U32(4));
        if (UNLIKELY(trap)) goto do_trap;
        pc += 5;
        NEXT();
    }
    OP(DATA_DROP) {
        inst->dropped[inst->m->elem_count + pc[1]] = 1;
        pc += 2;
        NEXT();
    }
    OP(MEMORY_COPY) {
        trap = aw__mem_copy(inst->mem, U32(1), U32(2), U32(3));
        if (UNLIKELY(trap)) goto do_trap;
        pc += 4;
        NEXT();
    }
    OP(MEMORY_FILL) {
        trap = aw__mem_fill(inst->mem, U32(1), (uint8_t)U32(2), U32(3));
        if (UNLIKELY(trap)) goto do_trap;
        pc += 4;
        NEXT();
    }
    OP(REF_IS_NULL) {
        SET32(1, fp[pc[2]] == 0);
        pc += 3;
        NEXT();
    }
    OP(REF_FUNC) {
        fp[pc[1]] = (uint64_t)(uintptr_t)inst->funcs[pc[2]];
        pc += 3;
        NEXT();
    }
    BRCMP(I32_EQ, U32, ==)
    BRCMP(I32_NE, U32, !=)
    BRCMP(I32_LT_S, I32, <)
    BRCMP(I32_LT_U, U32, <)
    BRCMP(I32_GT_S, I32, >)
    BRCMP(I32_GT_U, U32, >)
    BRCMP(I32_LE_S, I32, <=)
    BRCMP(I32_LE_U, U32, <=)
    BRCMP(I32_GE_S, I32, >=)
    BRCMP(I32_GE_U, U32, >=)
    BRCMP(I64_EQ, U64, ==)
    BRCMP(I64_NE, U64, !=)
    BRCMP(I64_LT_S, I64, <)
    BRCMP(I64_LT_U, U64, <)
    BRCMP(I64_GT_S, I64, >)
    BRCMP(I64_GT_U, U64, >)
    BRCMP(I64_LE_S, I64, <=)
    BRCMP(I64_LE_U, U64, <=)
    BRCMP(I64_GE_S, I64, >=)
    BRCMP(I64_GE_U, U64, >=)

    /* memory */
    LOAD(I32_LOAD, uint32_t, SET32, ID)
    LOAD(I64_LOAD, uint64_t, SET64, ID)
    LOAD(F32_LOAD, uint32_t, SET32, ID)
    LOAD(F64_LOAD, uint64_t, SET64, ID)
    LOAD(I32_LOAD8_S, int8_t, SET32, (int32_t))
    LOAD(I32_LOAD8_U, uint8_t, SET32, ID)
    LOAD(I32_LOAD16_S, int16_t, SET32, (int32_t))
    LOAD(I32_LOAD16_U, uint16_t, SET32, ID)
    LOAD(I64_LOAD8_S, int8_t, SET64, (int64_t))
    LOAD(I64_LOAD8_U, uint8_t, SET64, ID)
    LOAD(I64_LOAD16_S, int16_t, SET64, (int64_t))
    LOAD(I64_LOAD16_U, uint16_t, SET64, ID)
    LOAD(I64_LOAD32_S, int32_t, SET64, (int64_t))
    LOAD(I64_LOAD32_U, uint32_t, SET64, ID)
    STORE(I32_STORE, uint32_t, U32, IMM32)
    STORE(I64_STORE, uint64_t, U64, IMM64)
    STORE(F32_STORE, uint32_t, U32, IMM32)
    STORE(F64_STORE, uint64_t, U64, IMM64)
    STORE(I32_STORE8, uint8_t, U32, IMM32)
    STORE(I32_STORE16, uint16_t, U32, IMM32)
    STORE(I64_STORE8, uint8_t, U64, IMM64)
    STORE(I64_STORE16, uint16_t, U64, IMM64)
    STORE(I64_STORE32, uint32_t, U64, IMM64)

    /* i32 */
    UN(I32_EQZ, U32, SET32, a == 0)
    BIN2(I32_EQ, U32, SET32, a == b)
    BIN2(I32_NE, U32, SET32, a != b)
    BIN2(I32_LT_S, I32, SET32, a < b)
    BIN2(I32_LT_U, U32, SET32, a < b)
    BIN2(I32_GT_S, I32, SET32, a > b)
    BIN2(I32_GT_U, U32, SET32, a > b)
    BIN2(I32_LE_S, I32, SET32, a <= b)
    BIN2(I32_LE_U, U32, SET32, a <= b)
    BIN2(I32_GE_S, I32, SET32, a >= b)
    BIN2(I32_GE_U, U32, SET32, a >= b)
    UN(I32_CLZ, U32, SET32, a ? __builtin_clz(a) : 32)
    UN(I32_CTZ, U32, SET32, a ? __builtin_ctz(a) : 32)
    UN(I32_POPCNT, U32, SET32, popcnt32(a))
    BIN2(I32_ADD, U32, SET32, a + b)
    BIN2(I32_SUB, U32, SET32, a - b)
    BIN2(I32_MUL, U32, SET32, a * b)
    OP(I32_DIV_S) {
        int32_t a = I32(2), b = I32(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        if (UNLIKELY(a == INT32_MIN && b == -1)) goto trap_overflow;
        SET32(1, a / b);
        pc += 4;
        NEXT();
    }
    OP(I32_DIV_U) {
        uint32_t a = U32(2), b = U32(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        SET32(1, a / b);
        pc += 4;
        NEXT();
    }
    OP(I32_REM_S) {
        int32_t a = I32(2), b = I32(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        SET32(1, b == -1 ? 0 : a % b);
        pc += 4;
        NEXT();
    }
    OP(I32_REM_U) {
        uint32_t a = U32(2), b = U32(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        SET32(1, a % b);
        pc += 4;
        NEXT();
    }
    BIN2(I32_AND, U32, SET32, a & b)
    BIN2(I32_OR, U32, SET32, a | b)
    BIN2(I32_XOR, U32, SET32, a ^ b)
    BIN2(I32_SHL, U32, SET32, a << (b & 31))
    BIN2(I32_SHR_S, I32, SET32, a >> (b & 31))
    BIN2(I32_SHR_U, U32, SET32, a >> (b & 31))
    BIN2(I32_ROTL, U32, SET32, rotl32(a, b))
    BIN2(I32_ROTR, U32, SET32, rotr32(a, b))

    /* i64 */
    UN(I64_EQZ, U64, SET32, a == 0)
    BIN2(I64_EQ, U64, SET32, a == b)
    BIN2(I64_NE, U64, SET32, a != b)
    BIN2(I64_LT_S, I64, SET32, a < b)
    BIN2(I64_LT_U, U64, SET32, a < b)
    BIN2(I64_GT_S, I64, SET32, a > b)
    BIN2(I64_GT_U, U64, SET32, a > b)
    BIN2(I64_LE_S, I64, SET32, a <= b)
    BIN2(I64_LE_U, U64, SET32, a <= b)
    BIN2(I64_GE_S, I64, SET32, a >= b)
    BIN2(I64_GE_U, U64, SET32, a >= b)
    UN(I64_CLZ, U64, SET64, a ? __builtin_clzll(a) : 64)
    UN(I64_CTZ, U64, SET64, a ? __builtin_ctzll(a) : 64)
    UN(I64_POPCNT, U64, SET64, popcnt64(a))
    BIN2(I64_ADD, U64, SET64, a + b)
    BIN2(I64_SUB, U64, SET64, a - b)
    BIN2(I64_MUL, U64, SET64, a * b)
    OP(I64_DIV_S) {
        int64_t a = I64(2), b = I64(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        if (UNLIKELY(a == INT64_MIN && b == -1)) goto trap_overflow;
        SET64(1, a / b);
        pc += 4;
        NEXT();
    }
    OP(I64_DIV_U) {
        uint64_t a = U64(2), b = U64(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        SET64(1, a / b);
        pc += 4;
        NEXT();
    }
    OP(I64_REM_S) {
        int64_t a = I64(2), b = I64(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        SET64(1, b == -1 ? 0 : a % b);
        pc += 4;
        NEXT();
    }
    OP(I64_REM_U) {
        uint64_t a = U64(2), b = U64(3);
        if (UNLIKELY(b == 0)) goto trap_div0;
        SET64(1, a % b);
        pc += 4;
        NEXT();
    }
    BIN2(I64_AND, U64, SET64, a & b)
    BIN2(I64_OR, U64, SET64, a | b)
    BIN2(I64_XOR, U64, SET64, a ^ b)
    BIN2(I64_SHL, U64, SET64, a << (b & 63))
    BIN2(I64_SHR_S, I64, SET64, a >> (b & 63))
    BIN2(I64_SHR_U, U64, SET64, a >> (b & 63))
    BIN2(I64_ROTL, U64, SET64, rotl64(a, b))
    BIN2(I64_ROTR, U64, SET64, rotr64(a, b))

    /* f32 */
    BIN(F32_EQ, F32, SET32, a == b)
    BIN(F32_NE, F32, SET32, a != b)
    BIN(F32_LT, F32, SET32, a < b)
    BIN(F32_GT, F32, SET32, a > b)
    BIN(F32_LE, F32, SET32, a <= b)
    BIN(F32_GE, F32, SET32, a >= b)
    UN(F32_ABS, U32, SET32, a & 0x7FFFFFFFu)
    UN(F32_NEG, U32, SET32, a ^ 0x80000000u)
    UN(F32_CEIL, F32, SETF32, f32_round(a, ceilf))
    UN(F32_FLOOR, F32, SETF32, f32_round(a, floorf))
    UN(F32_TRUNC, F32, SETF32, f32_round(a, truncf))
    UN(F32_NEAREST, F32, SETF32, f32_round(a, nearbyintf))
    UN(F32_SQRT, F32, SETF32, sqrtf(a))
    BIN(F32_ADD, F32, SETF32, a + b)
    BIN(F32_SUB, F32, SETF32, a - b)
    BIN(F32_MUL, F32, SETF32, a * b)
    BIN(F32_DIV, F32, SETF32, a / b)
    BIN(F32_MIN, F32, SETF32, f32_min(a, b))
    BIN(F32_MAX, F32, SETF32, f32_max(a, b))
    BIN(F32_COPYSIGN, U32, SET32, (a & 0x7FFFFFFFu) | (b & 0x80000000u))

    /* f64 */
    BIN(F64_EQ, F64, SET32, a == b)
    BIN(F64_NE, F64, SET32, a != b)
    BIN(F64_LT, F64, SET32, a < b)
    BIN(F64_GT, F64, SET32, a > b)
    BIN(F64_LE, F64, SET32, a <= b)
    BIN(F64_GE, F64, SET32, a >= b)
    UN(F64_ABS, U64, SET64, a & 0x7FFFFFFFFFFFFFFFull)
    UN(F64_NEG, U64, SET64, a ^ 0x8000000000000000ull)
    UN(F64_CEIL, F64, SETF64, f64_round(a, ceil))
    UN(F64_FLOOR, F64, SETF64, f64_round(a, floor))
    UN(F64_TRUNC, F64, SETF64, f64_round(a, trunc))
    UN(F64_NEAREST, F64, SETF64, f64_round(a, nearbyint))
    UN(F64_SQRT, F64, SETF64, sqrt(a))
    BIN(F64_ADD, F64, SETF64, a + b)
    BIN(F64_SUB, F64, SETF64, a - b)
    BIN(F64_MUL, F64, SETF64, a * b)
    BIN(F64_DIV, F64, SETF64, a / b)
    BIN(F64_MIN, F64, SETF64, f64_min(a, b))
    BIN(F64_MAX, F64, SETF64, f64_max(a, b))
    BIN(F64_COPYSIGN, U64, SET64, (a & 0x7FFFFFFFFFFFFFFFull) | (b & 0x8000000000000000ull))

    /* conversions */
    UN(I32_WRAP_I64, U64, SET32, a)
    OP(I32_TRUNC_F32_S) {
        float a = F32(2);
        TRUNC_CHECK(a, a >= -2147483648.0f, a < 2147483648.0f);
        SET32(1, (int32_t)a);
        pc += 3;
        NEXT();
    }
    OP(I32_TRUNC_F32_U) {
        float a = F32(2);
        TRUNC_CHECK(a, a > -1.0f, a < 4294967296.0f);
        SET32(1, (uint32_t)a);
        pc += 3;
        NEXT();
    }
    OP(I32_TRUNC_F64_S) {
        double a = F64(2);
        TRUNC_CHECK(a, a > -2147483649.0, a < 2147483648.0);
        SET32(1, (int32_t)a);
        pc += 3;
        NEXT();
    }
    OP(I32_TRUNC_F64_U) {
        double a = F64(2);
        TRUNC_CHECK(a, a > -1.0, a < 4294967296.0);
        SET32(1, (uint32_t)a);
        pc += 3;
        NEXT();
    }
    UN(I64_EXTEND_I32_S, I32, SET64, (int64_t)a)
    UN(I64_EXTEND_I32_U, U32, SET64, (uint64_t)a)
    OP(I64_TRUNC_F32_S) {
        float a = F32(2);
        TRUNC_CHECK(a, a >= -9223372036854775808.0f, a < 9223372036854775808.0f);
        SET64(1, (int64_t)a);
        pc += 3;
        NEXT();
    }
    OP(I64_TRUNC_F32_U) {
        float a = F32(2);
        TRUNC_CHECK(a, a > -1.0f, a < 18446744073709551616.0f);
        SET64(1, (uint64_t)a);
        pc += 3;
        NEXT();
    }
    OP(I64_TRUNC_F64_S) {
        double a = F64(2);
        TRUNC_CHECK(a, a >= -9223372036854775808.0, a < 9223372036854775808.0);
        SET64(1, (int64_t)a);
        pc += 3;
        NEXT();
    }
    OP(I64_TRUNC_F64_U) {
        double a = F64(2);
        TRUNC_CHECK(a, a > -1.0, a < 18446744073709551616.0);
        SET64(1, (uint64_t)a);
        pc += 3;
        NEXT();
    }
    UN(F32_CONVERT_I32_S, I32, SETF32, (float)a)
    UN(F32_CONVERT_I32_U, U32, SETF32, (float)a)
    UN(F32_CONVERT_I64_S, I64, SETF32, (float)a)
    UN(F32_CONVERT_I64_U, U64, SETF32, (float)a)
    UN(F32_DEMOTE_F64, F64, SETF32, (float)a)
    UN(F64_CONVERT_I32_S, I32, SETF64, (double)a)
    UN(F64_CONVERT_I32_U, U32, SETF64, (double)a)
    UN(F64_CONVERT_I64_S, I64, SETF64, (double)a)
    UN(F64_CONVERT_I64_U, U64, SETF64, (double)a)
    UN(F64_PROMOTE_F32, F32, SETF64, (double)a)
    UN(I32_EXTEND8_S, U32, SET32, (int32_t)(int8_t)(uint8_t)a)
    UN(I32_EXTEND16_S, U32, SET32, (int32_t)(int16_t)(uint16_t)a)
    UN(I64_EXTEND8_S, U64, SET64, (int64_t)(int8_t)(uint8_t)a)
    UN(I64_EXTEND16_S, U64, SET64, (int64_t)(int16_t)(uint16_t)a)
    UN(I64_EXTEND32_S, U64, SET64, (int64_t)(int32_t)(uint32_t)a)
    UN(I32_TRUNC_SAT_F32_S, F32, SET32, sat_i32_f64((double)a))
    UN(I32_TRUNC_SAT_F32_U, F32, SET32, sat_u32_f64((double)a))
    UN(I32_TRUNC_SAT_F64_S, F64, SET32, sat_i32_f64(a))
    UN(I32_TRUNC_SAT_F64_U, F64, SET32, sat_u32_f64(a))
    UN(I64_TRUNC_SAT_F32_S, F32, SET64, sat_i64_f64((double)a))
    UN(I64_TRUNC_SAT_F32_U, F32, SET64, sat_u64_f64((double)a))
    UN(I64_TRUNC_SAT_F64_S, F64, SET64, sat_i64_f64(a))
    UN(I64_TRUNC_SAT_F64_U, F64, SET64, sat_u64_f64(a))

#ifdef AW_DISPATCH_SWITCH
    default:
        trap = AW_TRAP_UNREACHABLE;
        goto do_trap;
    }
#endif

call_fi:
    /* A call through a function value: host, another instance, or ours. */
    if (fi->host) {
        uint32_t np = fi->type->nparams, nr = fi->type->nresults;
        uint32_t nmax = np > nr ? np : nr;
        if (UNLIKELY(nfp + nmax > root->stack_end || fr + 1 >= root->frames_end)) {
            need_slots = (size_t)(nfp - root->stack) + nmax;
            goto grow;
        }
        /* a host may re-enter and grow (move) the stack: keep offsets */
        size_t fp_off = (size_t)(fp - root->stack), nfp_off = (size_t)(nfp - root->stack);
        size_t fr_off = (size_t)(fr - root->frames);
        /* the host may read the fuel left or re-enter: settle the books */
        if (root->fuel != UINT64_MAX) {
            root->fuel -= (uint64_t)(budget - fuel);
            budget = fuel;
        }
        aw_host_result hr = host_call(root, inst, fi, nfp_off, fr_off);
        fp = root->stack + fp_off;
        nfp = root->stack + nfp_off;
        fr = root->frames + fr_off;
        if (root->fuel != UINT64_MAX) {
            budget = root->fuel > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)root->fuel;
            if (root->slice && root->depth == 0 && budget > fuel) budget = fuel;
            fuel = budget;
        }
        if (hr == AW_HOST_RETURN) {
            pc = npc;
            LOAD_MEM();
            NEXT();
        }
        if (hr == AW_HOST_SUSPEND && root->depth == 0) {
            root->s_pc = npc;
            root->s_fp = fp;
            root->s_fr = fr;
            root->s_inst = inst;
            root->s_results = nfp;
            root->s_nresults = nr;
            root->state = AW_INSTANCE_SUSPENDED_HOST;
            /* the embedder may call in before resuming (to lower the host
             * function's results): such calls run above this frame */
            root->free_sp = nfp_off + nmax;
            root->free_fr = fr_off + 1;
            result = AW_SUSPENDED;
            aw__error_set_text(err, AW_SUSPENDED, "suspended by a host function");
            goto out;
        }
        trap = inst->host_trap != AW_TRAP_NONE ? inst->host_trap : AW_TRAP_HOST_ERROR;
        goto do_trap;
    }
    {
        const aw__func *f = fi->func;
        if (UNLIKELY(nfp + f->frame_slots > root->stack_end || fr + 1 >= root->frames_end)) {
            need_slots = (size_t)(nfp - root->stack) + f->frame_slots;
            goto grow;
        }
        aw__zero_locals(nfp, f);
        fr++;
        fr->ret_pc = npc;
        fr->fp = fp;
        fr->inst = inst;
        fp = nfp;
        inst = fi->inst;
        LOAD_MEM();
        pc = f->entry;
        NEXT();
    }

ret:
    /* back to the caller; the memory cache is still right unless the caller
     * is another instance (a callee that grew memory updated it) */
    {
        aw__frame *f = fr;
        pc = f->ret_pc;
        if (UNLIKELY(!pc)) goto done;
        fp = f->fp;
        if (UNLIKELY(f->inst != inst)) {
            inst = f->inst;
            LOAD_MEM();
        }
        fr = f - 1;
    }
    NEXT();

fuel_out:
    fuel += (int64_t)pc[1];
    {
        uint64_t used = (uint64_t)(budget - fuel);
        uint64_t total_left = root->fuel == UINT64_MAX ? UINT64_MAX : root->fuel - used;
        if (total_left < pc[1]) {
            fuel = budget; /* charge nothing more: the total is what is left */
            if (root->fuel != UINT64_MAX) root->fuel = total_left;
            budget = fuel;
            trap = AW_TRAP_FUEL_EXHAUSTED;
            goto do_trap;
        }
        if (used == 0) {
            /* a block larger than the slice: let it run on credit, or the
             * call could never progress */
            fuel -= (int64_t)pc[1];
            pc += 2;
            NEXT();
        }
        root->s_pc = pc;
        root->s_fp = fp;
        root->s_fr = fr;
        root->s_inst = inst;
        root->state = AW_INSTANCE_SUSPENDED_FUEL;
        result = AW_SUSPENDED;
        aw__error_set_text(err, AW_SUSPENDED, "suspended: fuel slice spent");
        goto out;
    }

grow:
    /* the stack is too small for the call at pc: grow it (it may move) and
     * run the call instruction again */
    {
        size_t fp_off = (size_t)(fp - root->stack), fr_off = (size_t)(fr - root->frames);
        need_frames = fr_off + 2;
        if (!aw__stack_grow(root, need_slots, need_frames, fr_off + 1)) goto trap_stack;
        fp = root->stack + fp_off;
        fr = root->frames + fr_off;
        NEXT();
    }

trap_oob:
    /* not through do_trap: the compiler would set the trap code on the hot
     * path of every load and store to share that block */
    record_trap(err, AW_TRAP_OUT_OF_BOUNDS_MEMORY, func_at(inst, pc));
    goto trapped;
trap_table:
    trap = AW_TRAP_OUT_OF_BOUNDS_TABLE;
    goto do_trap;
trap_div0:
    trap = AW_TRAP_INTEGER_DIVIDE_BY_ZERO;
    goto do_trap;
trap_overflow:
    trap = AW_TRAP_INTEGER_OVERFLOW;
    goto do_trap;
trap_stack:
    trap = AW_TRAP_STACK_EXHAUSTED;
    goto do_trap;
do_trap:
    record_trap(err, trap, func_at(inst, pc));
trapped:
    /* an outermost call ends here (a nested one restores its state) */
    if (root->depth == 0) root->state = AW_INSTANCE_IDLE;
    result = AW_TRAP;
    goto out;
done:
    /* fr is the host entry's record: an outermost call's (depth 0) results
     * go back to its slots from here, saving its caller a step after the
     * run (a nested call copies its own: the stack may have moved) */
    if (root->depth == 0) {
        uint32_t n = fr->nresults;
        if (LIKELY(n == 1)) /* every canonical-ABI export but shutdown's */
            fr->fp[0] = fp[0];
        else
            aw__copy_slots(fr->fp, fp, n); /* no results: slots may be NULL */
        root->state = AW_INSTANCE_IDLE;
    }
    result = AW_OK;
out:
    if (root->fuel != UINT64_MAX) {
        uint64_t used = (uint64_t)(budget - fuel);
        root->fuel = used > root->fuel ? 0 : root->fuel - used;
    }
    return result;
}
