/* bench_host: what the host layer costs around the engine. Spawning a
 * component (world check, instantiation, _initialize/init), its footprint,
 * and a handle-message round trip (lower sender and payload with
 * cabi_realloc, call, lift and copy the result, post-return) next to a bare
 * engine call of the same export. */
#include "airwasm/log.h"
#include "base/alloc.h"
#include "host/component.h"
#include "host/world.h"
#include "platform/os.h"

#include <stdio.h>
#include <string.h>

static aw_module *load(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.wasm", AW_WASM_DIR, name);
    uint8_t *data = NULL;
    size_t len = 0;
    if (aw__file_read(path, &data, &len) != AW_OK) {
        fprintf(stderr, "bench_host: cannot read %s (build the tests first)\n", path);
        return NULL;
    }
    aw_module *module = NULL;
    aw_error err;
    aw_status s = aw_module_create(data, len, &module, &err);
    aw__free(data, len + 1);
    if (s != AW_OK) fprintf(stderr, "bench_host: %s: %s\n", name, err.message);
    return module;
}

static double per_op_us(uint64_t start, uint64_t end, int n) {
    return (double)(end - start) / 1000.0 / n;
}

static void spawn_rows(const char *name) {
    aw_module *module = load(name);
    if (module == NULL) return;
    enum { N = 2000 };
    static aw__component *components[N];
    aw__component_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = "bench";
    cfg.id_len = 5;
    uint64_t t0 = aw__clock_ns();
    for (int i = 0; i < N; i++) (void)aw__world_check(module, NULL, NULL);
    uint64_t t1 = aw__clock_ns();
    for (int i = 0; i < N; i++)
        if (aw__component_create(module, &cfg, &components[i], NULL) != AW_OK) return;
    uint64_t t2 = aw__clock_ns();
    aw__reply reply;
    (void)aw__component_handle_message(components[0], "b", 1, (const uint8_t *)"x", 1, &reply,
                                       NULL);
    size_t footprint = aw_instance_footprint(aw__component_instance(components[0]));
    size_t memory = 0;
    (void)aw_instance_memory(aw__component_instance(components[0]), &memory);
    uint64_t t3 = aw__clock_ns();
    for (int i = 0; i < N; i++) aw__component_destroy(components[i]);
    uint64_t t4 = aw__clock_ns();
    printf("%-18s %12.2f %12.2f %12.2f %14zu %12zu\n", name, per_op_us(t0, t1, N),
           per_op_us(t1, t2, N), per_op_us(t3, t4, N), footprint - memory, memory);
    aw_module_release(module);
}

static void message_row(const char *name, size_t payload_len, uint64_t slice) {
    aw_module *module = load(name);
    if (module == NULL) return;
    aw__component_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = "bench";
    cfg.id_len = 5;
    cfg.fuel_per_message = 1000000;
    cfg.slice_fuel = slice;
    aw__component *c = NULL;
    if (aw__component_create(module, &cfg, &c, NULL) != AW_OK) return;
    static uint8_t payload[65536];
    memset(payload, 'p', payload_len);
    aw__reply reply;
    const int N = 200000;
    uint64_t t0 = aw__clock_ns();
    for (int i = 0; i < N; i++) {
        aw_status s =
            aw__component_handle_message(c, "sender-id", 9, payload, payload_len, &reply, NULL);
        while (s == AW_SUSPENDED) s = aw__component_resume(c, &reply, NULL);
        if (s != AW_OK) {
            fprintf(stderr, "bench_host: message failed\n");
            return;
        }
    }
    uint64_t t1 = aw__clock_ns();
    /* The bare engine call of the same export with the arguments already in
     * place: what the canonical ABI steps add is the difference. */
    aw_instance *instance = aw__component_instance(c);
    uint32_t fn = 0;
    (void)aw_instance_find_func(instance, aw__world_export_name(AW__EXPORT_HANDLE_MESSAGE), &fn);
    uint64_t slots[4];
    uint64_t t2 = aw__clock_ns();
    for (int i = 0; i < N; i++) {
        slots[0] = 1024;
        slots[1] = 9;
        slots[2] = 1040;
        slots[3] = payload_len;
        (void)aw_instance_call_index(instance, fn, slots, NULL);
    }
    uint64_t t3 = aw__clock_ns();
    printf("%-18s %8zu B %10s %14.0f %14.0f\n", name, payload_len, slice ? "sliced" : "whole",
           (double)(t1 - t0) / N, (double)(t3 - t2) / N);
    aw__component_destroy(c);
    aw_module_release(module);
}

int main(void) {
    aw_log_config quiet = {AW_LOG_OFF, AW_LOG_HUMAN, NULL, NULL};
    aw_log_configure(&quiet);
    printf("spawn (per component, us)\n");
    printf("%-18s %12s %12s %12s %14s %12s\n", "component", "world check", "create", "destroy",
           "footprint-mem", "linear mem");
    spawn_rows("host_echo");
    spawn_rows("host_lifecycle");
    spawn_rows("host_c_component");
    printf("\nhandle-message round trip (ns per message)\n");
    printf("%-18s %10s %10s %14s %14s\n", "component", "payload", "fuel", "host+engine",
           "engine only");
    message_row("host_echo", 16, 0);
    message_row("host_echo", 16, 10000);
    message_row("host_echo", 1024, 0);
    message_row("host_echo", 65536, 0);
    return 0;
}
