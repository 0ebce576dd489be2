/* Fuzzes the cbor, json and messagepack well-formedness checks; the first
 * byte picks the codec, the rest is the body. */
#include "msg/wellformed.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    static const aw__codec codecs[] = {AW__CODEC_CBOR, AW__CODEC_JSON, AW__CODEC_MSGPACK};
    aw__codec codec = codecs[data[0] % 3];
    aw_error err;
    aw_status s = aw__wellformed_check(codec, data + 1, size - 1, &err);
    if (s != AW_OK && s != AW_MALFORMED) abort();
    /* A well-formed item followed by anything non-empty is not well formed
     * (json may add whitespace, so only cbor and messagepack are checked). */
    if (s == AW_OK && codec != AW__CODEC_JSON && size > 2) {
        if (aw__wellformed_check(codec, data + 1, size - 2, &err) == AW_OK &&
            aw__wellformed_check(codec, data + 1, size - 1, &err) == AW_OK) {
            /* both a prefix and the whole are single items: impossible */
            abort();
        }
    }
    return 0;
}
