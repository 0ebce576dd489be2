/* aw_error: the optional detail that travels beside a status (CONVENTIONS rule 7). */
#ifndef AIRWASM_ERROR_H
#define AIRWASM_ERROR_H

#include "airwasm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AW_ERROR_MESSAGE_MAX 256
#define AW_ERROR_NO_OFFSET UINT64_MAX
#define AW_ERROR_NO_INDEX UINT32_MAX

/* Filled by a failing call when the caller passes a non-NULL pointer.
 * Fields that do not apply hold AW_ERROR_NO_OFFSET / AW_ERROR_NO_INDEX. */
typedef struct aw_error {
    aw_status status;
    aw_trap trap;         /* AW_TRAP_NONE unless status is AW_TRAP */
    uint64_t offset;      /* byte offset in the input (module, file) */
    uint32_t line;        /* 1-based line in a text input, 0 if none */
    uint32_t column;      /* 1-based column in a text input, 0 if none */
    uint32_t func_index;  /* wasm function index, if any */
    char message[AW_ERROR_MESSAGE_MAX]; /* human text, always NUL-terminated */
} aw_error;

/* Resets *err to "no error" (status AW_OK, no offset, empty message). */
AW_API void aw_error_clear(aw_error *err);

#ifdef __cplusplus
}
#endif

#endif
