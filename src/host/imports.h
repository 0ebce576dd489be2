/* Shared pieces of the host interface's implementation. */
#ifndef AW_HOST_IMPORTS_H
#define AW_HOST_IMPORTS_H

#include "host/component_impl.h"

/* Lowers the outcome of a `call` at its out-pointer ret (a response list is
 * allocated with cabi_realloc). False with a recorded trap on failure. */
bool aw__imports_lower_call_result(aw__component *c, uint32_t ret, const aw__call_result *result);

#endif
