/* libFuzzer target: Component.toml and system-file readers on arbitrary
 * bytes. A first byte 'S' picks the system reader, anything else the manifest reader; the rest is
 * the file text. Every rejection must carry a message naming the file. */
#include "policy/system.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    aw_error err;
    aw_status s;
    if (data[0] == 'S') {
        aw__system_config *sys;
        s = aw__system_parse("fuzz/system.toml", text, len, &sys, &err);
        if (s == AW_OK) {
            char id[96];
            for (size_t i = 0; i < sys->components_len; i++)
                (void)aw__system_instance_id(&sys->components[i], sys->components[i].instances, id,
                                             sizeof id);
            aw__system_free(sys);
        } else if (strncmp(err.message, "fuzz/system.toml", 16) != 0) {
            __builtin_trap();
        }
    } else {
        aw__manifest *m;
        s = aw__manifest_parse("fuzz/Component.toml", text, len, &m, &err);
        if (s == AW_OK) {
            if (m->limits.memory_pages == 0 || m->limits.mailbox == 0 || !m->name || !m->module)
                __builtin_trap();
            aw__manifest_free(m);
        } else if (strncmp(err.message, "fuzz/Component.toml", 19) != 0) {
            __builtin_trap();
        }
    }
    return 0;
}
