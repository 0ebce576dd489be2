/* A small reader of a wasm binary's type, import, function and export
 * sections: enough to compare a module's interface with the component world
 * until the engine's aw_module_import/aw_module_export exist. */
#ifndef AW_TEST_WASM_SCAN_H
#define AW_TEST_WASM_SCAN_H

#include <stddef.h>
#include <stdint.h>

enum { SCAN_MAX_NAME = 128, SCAN_MAX_VALS = 16 };

typedef enum scan_kind { SCAN_FUNC = 0, SCAN_TABLE = 1, SCAN_MEMORY = 2, SCAN_GLOBAL = 3 } scan_kind;

/* A function type written as "(i32,i64)->i32" with "()" for none. */
typedef struct scan_sig {
    char text[2 * (SCAN_MAX_VALS * 8 + 4) + 4];
} scan_sig;

typedef struct scan_entry {
    char module[SCAN_MAX_NAME]; /* imports only */
    char name[SCAN_MAX_NAME];
    scan_kind kind;
    scan_sig sig; /* functions only */
} scan_entry;

typedef struct scan_module {
    scan_entry *imports;
    size_t import_count;
    scan_entry *exports;
    size_t export_count;
} scan_module;

/* Parses bytes; returns 0, or -1 with a message in err (malformed input). */
int scan_module_parse(const uint8_t *bytes, size_t len, scan_module *out, char *err, size_t errlen);
void scan_module_free(scan_module *m);

#endif
