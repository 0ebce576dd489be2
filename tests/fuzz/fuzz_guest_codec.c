/* Fuzz target: the guest SDK's multicodec prefix decoder (guest/codec.c,
 * compiled natively). Whatever it accepts must re-encode to the same bytes. */
#include "../../guest/codec.c"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t codec = 0;
    const uint8_t *body = NULL;
    size_t body_len = 0;
    if (!aw_codec_split(data, size, &codec, &body, &body_len)) return 0;
    size_t prefix = (size_t)(body - data);
    if (prefix < 1 || prefix > AW_UVARINT_MAX || body_len != size - prefix) abort();
    /* Minimal encodings only: encoding the value gives back the prefix. */
    uint8_t again[AW_UVARINT_MAX];
    if (aw_uvarint_encode(codec, again) != prefix || memcmp(again, data, prefix) != 0) abort();
    (void)aw_codec_name(codec);
    return 0;
}
