/* The airwasm component world at core level (docs/component-abi.md) as data,
 * and a check of a scanned module against it. */
#ifndef AW_TEST_COMPONENT_WORLD_H
#define AW_TEST_COMPONENT_WORLD_H

#include "wasm_scan.h"

#include <stdbool.h>

/* Checks imports and exports; appends one line per problem to report.
 * Returns the number of problems. */
int component_world_check(const scan_module *m, char *report, size_t cap);

/* True if the module exports the named lifecycle function
 * ("handle-message", "init", ...). */
bool component_exports(const scan_module *m, const char *func);

#endif
