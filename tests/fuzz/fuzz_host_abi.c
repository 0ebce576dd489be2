/* Fuzzes the host side of the component ABI with a hostile guest: the
 * fuzzer picks a host import, the raw pointers and lengths passed to it, and
 * the result record handle-message returns. Whatever it picks, the host must
 * trap the guest or answer, never touch memory it does not own (ASan). */
#include "host/component.h"

#include "base/alloc.h"
#include "base/log.h"
#include "platform/os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static aw_module *module;

static int answer_send(void *ctx, aw__component *from, const char *target, size_t target_len,
                       const uint8_t *payload, size_t len) {
    (void)ctx, (void)from;
    /* Touch every byte the host handed over: ASan checks they are real. */
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < target_len; i++) sum = (uint8_t)(sum + (uint8_t)target[i]);
    for (size_t i = 0; i < len; i++) sum = (uint8_t)(sum + payload[i]);
    return (int)(sum % 8) - 1;
}

static int answer_request(void *ctx, aw__component *from, const char *target, size_t target_len,
                          const uint8_t *payload, size_t len, uint32_t timeout_ms, uint64_t *id) {
    *id = timeout_ms;
    return answer_send(ctx, from, target, target_len, payload, len);
}

static aw__call_start answer_call(void *ctx, aw__component *from, const char *target,
                                  size_t target_len, const uint8_t *payload, size_t len,
                                  uint32_t timeout_ms, aw__call_result *now) {
    static const uint8_t response[40] = "a response of some forty bytes, roughly";
    int code = answer_send(ctx, from, target, target_len, payload, len);
    now->error = code < 0 ? AW__REQUEST_OK : code % AW__REQUEST_ERROR_COUNT;
    now->payload = response;
    now->len = timeout_ms % sizeof response;
    return AW__CALL_DONE;
}

static int answer_subscribe(void *ctx, aw__component *from, const char *topic, size_t len) {
    return answer_send(ctx, from, topic, len, NULL, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    /* The guest is built with the tests: <build>/wasm/host_fuzz_guest.wasm,
     * two levels up from <build>/tests/fuzz/. */
    char path[4096];
    const char *self = (*argv)[0];
    const char *slash = strrchr(self, '/');
    int dir_len = slash ? (int)(slash - self) : 1;
    snprintf(path, sizeof path, "%.*s/../../wasm/host_fuzz_guest.wasm", dir_len,
             slash ? self : ".");
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (aw__file_read(path, &bytes, &len) != AW_OK) {
        fprintf(stderr, "fuzz_host_abi: cannot read %s\n", path);
        exit(1);
    }
    aw_error err;
    if (aw_module_create(bytes, len, &module, &err) != AW_OK) {
        fprintf(stderr, "fuzz_host_abi: %s\n", err.message);
        exit(1);
    }
    aw__free(bytes, len + 1);
    aw_log_config quiet = {AW_LOG_OFF, AW_LOG_HUMAN, NULL, NULL};
    aw_log_configure(&quiet);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const args[] = {"fuzz", "--hostile"};
    static const char *const env[] = {"A=1"};
    aw__component_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = "fuzzed";
    cfg.id_len = 6;
    cfg.backend.send_message = answer_send;
    cfg.backend.send_request = answer_request;
    cfg.backend.call = answer_call;
    cfg.backend.publish = answer_send;
    cfg.backend.subscribe = answer_subscribe;
    cfg.fuel_per_message = 1000000;
    cfg.args = args;
    cfg.arg_count = 2;
    cfg.env = env;
    cfg.env_count = 1;
    aw__component *c = NULL;
    if (aw__component_create(module, &cfg, &c, NULL) != AW_OK) abort();
    aw__reply reply;
    aw_status s = aw__component_handle_message(c, "fuzzer", 6, data, size, &reply, NULL);
    if (s == AW_OK) {
        volatile uint8_t sum = 0;
        for (size_t i = 0; i < reply.len; i++) sum = (uint8_t)(sum + reply.bytes[i]);
    } else if (s != AW_TRAP) {
        abort(); /* a hostile guest traps; nothing else may come out */
    }
    aw__component_destroy(c);
    return 0;
}
