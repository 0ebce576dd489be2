/* A human-readable listing of a function's compiled code (for debugging, the
 * docs and tests that check what the compiler emits). */
#include "wasm/compile.h"

#include "base/buf.h"
#include "wasm/instance.h"

#include <string.h>

/* The opcode of a (possibly threaded) instruction word. */
static uint32_t opcode_of(const aw_module *m, uint32_t word) {
    if (!m->threaded) return word;
    const int32_t *offsets = aw__interp_dispatch_offsets();
    for (uint32_t op = 0; op < AW__OP_COUNT_; op++)
        if ((uint32_t)offsets[op] == word) return op;
    return 0;
}

uint32_t aw__code_dump(const aw_module *m, uint32_t func_index, char *out, size_t cap) {
    if (func_index < m->func_import_count || func_index >= m->func_count || !cap) return 0;
    const aw__func *f = &m->funcs[func_index];
    uint32_t end = func_index + 1 < m->func_count ? m->funcs[func_index + 1].code_start : m->code_len;
    aw__buf b = AW__BUF_INIT;
    uint32_t count = 0;
    for (uint32_t at = f->code_start; at < end;) {
        const uint32_t *pc = m->code + at;
        uint32_t op = opcode_of(m, *pc);
        uint32_t n = aw__op_operands[op];
        if (op == AW__OP_BR_TABLE || op == AW__OP_BR_TABLE0) n += 2 * (pc[2] + 1);
        aw__buf_printf(&b, "%4u %s", at - f->code_start, aw__op_names[op]);
        for (uint32_t k = 1; k <= n; k++) aw__buf_printf(&b, " %d", (int32_t)pc[k]);
        aw__buf_printf(&b, "\n");
        at += 1 + n;
        count++;
    }
    size_t len = b.len < cap - 1 ? b.len : cap - 1;
    if (b.data) memcpy(out, b.data, len);
    out[len] = '\0';
    aw__buf_free(&b);
    return count;
}

/* Length in words of the instruction at pc whose opcode is op. */
static uint32_t insn_len(const uint32_t *pc, uint32_t op) {
    uint32_t n = aw__op_operands[op];
    if (op == AW__OP_BR_TABLE || op == AW__OP_BR_TABLE0) n += 2 * (pc[2] + 1);
    return 1 + n;
}

void aw__code_thread(aw_module *m) {
    for (uint32_t i = m->func_import_count; i < m->func_count; i++) m->funcs[i].entry = m->code + m->funcs[i].code_start;
    /* calls of functions with locals to zero (known now that all are
     * compiled) take the zeroing form */
    for (uint32_t at = 0; at < m->code_len;) {
        uint32_t *pc = m->code + at;
        if (*pc == AW__OP_CALL && m->funcs[pc[1]].zero_count) *pc = AW__OP_CALL_Z;
        at += insn_len(pc, *pc);
    }
    const int32_t *offsets = aw__interp_dispatch_offsets();
    if (!offsets) return;
    for (uint32_t at = 0; at < m->code_len;) {
        uint32_t op = m->code[at];
        uint32_t len = insn_len(m->code + at, op);
        m->code[at] = (uint32_t)offsets[op];
        at += len;
    }
    m->threaded = true;
}
