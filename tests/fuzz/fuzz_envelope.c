/* Fuzzes envelope decoding: anything accepted re-encodes to exactly the input
 * bytes (the format has one encoding per envelope) and decodes again. */
#include "msg/envelope.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aw__names *names;
    if (aw__names_create(16, &names) != AW_OK) return 0;
    const aw__envelope_limits limits = {4096};
    const uint64_t now = 1000;
    aw__envelope env;
    aw_error err;
    if (aw__envelope_decode(data, size, names, &limits, now, &env, &err) == AW_OK) {
        if (aw__envelope_check(&env, &err) != AW_OK) abort();
        aw__buf wire = AW__BUF_INIT;
        if (aw__envelope_encode(&env, now, &wire, &err) != AW_OK) abort();
        if (wire.len != size || memcmp(wire.data, data, size) != 0) abort();
        aw__envelope again;
        if (aw__envelope_decode(wire.data, wire.len, names, &limits, now, &again, &err) != AW_OK)
            abort();
        if (again.from != env.from || again.to != env.to || again.request_id != env.request_id)
            abort();
        aw__envelope_release(&again);
        aw__buf_free(&wire);
        aw__envelope_release(&env);
    } else if (env.payload || env.topic) {
        abort(); /* a failed decode holds no references */
    }
    aw__names_destroy(names);
    return 0;
}
