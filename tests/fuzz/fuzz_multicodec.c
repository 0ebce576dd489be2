/* Fuzzes the uvarint decoder and the multicodec split/check: a decoded varint
 * re-encodes to the same bytes (only minimal encodings are accepted). */
#include "msg/multicodec.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t value;
    size_t used;
    if (aw__uvarint_decode(data, size, &value, &used) == AW_OK) {
        uint8_t again[AW__UVARINT_MAX_BYTES];
        size_t n = aw__uvarint_encode(value, again);
        if (n != used || memcmp(again, data, n) != 0) abort();
        if (aw__uvarint_size(value) != n) abort();
    }
    aw__codec codec;
    const uint8_t *body;
    size_t body_len;
    aw_error err;
    aw_status split = aw__codec_split(data, size, &codec, &body, &body_len, &err);
    if (split == AW_OK && (body < data || body + body_len != data + size)) abort();
    aw__codec_set accepted = size ? (aw__codec_set)(data[size - 1] & AW__CODEC_SET_ALL) : 0;
    aw_status check = aw__codec_check(accepted, data, size, "fuzz", 4, NULL, NULL, NULL, &err);
    if (check != AW_OK && check != AW_BAD_CODEC) abort();
    if (check == AW_OK && (split != AW_OK || !aw__codec_set_has(accepted, codec))) abort();
    return 0;
}
