/* A module's imports and exports as plain data (from the engine's
 * aw_module_import/aw_module_export), to compare with the component world. */
#ifndef AW_TEST_WASM_SCAN_H
#define AW_TEST_WASM_SCAN_H

#include <stddef.h>
#include <stdint.h>

enum { SCAN_MAX_NAME = 128, SCAN_MAX_VALS = 16 };

typedef enum scan_kind {
    SCAN_FUNC = 0,
    SCAN_TABLE = 1,
    SCAN_MEMORY = 2,
    SCAN_GLOBAL = 3
} scan_kind;

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

/* Compiles bytes with the engine and copies the interface; returns 0, or -1
 * with the engine's status and message in err. */
int scan_module_parse(const uint8_t *bytes, size_t len, scan_module *out, char *err, size_t errlen);
void scan_module_free(scan_module *m);

#endif
