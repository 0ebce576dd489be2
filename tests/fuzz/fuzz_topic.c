/* Fuzzes topic validation and checks the trie index against the direct
 * matcher: input is "pattern\0name". */
#include "msg/topic.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count(void *ctx, uint64_t subscriber) {
    if (subscriber != 42) abort();
    (*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t plen = nul ? (size_t)(nul - data) : size;
    const char *name = nul ? text + plen + 1 : text;
    size_t nlen = nul ? size - plen - 1 : size;
    aw_error err;
    bool pattern_ok = aw__topic_check_pattern(text, plen, &err) == AW_OK;
    bool name_ok = aw__topic_check_name(name, nlen, &err) == AW_OK;
    /* Every name is also a pattern that matches exactly itself. */
    if (name_ok && (aw__topic_check_pattern(name, nlen, &err) != AW_OK ||
                    !aw__topic_matches(name, nlen, name, nlen)))
        abort();
    if (!pattern_ok) return 0;
    aw__topic_index *index;
    if (aw__topic_index_create(&index) != AW_OK) return 0;
    if (aw__topic_subscribe(index, text, plen, 42, &err) != AW_OK) abort();
    if (name_ok) {
        size_t calls = 0, matched = 0;
        if (aw__topic_match(index, name, nlen, count, &calls, &matched, &err) != AW_OK) abort();
        bool direct = aw__topic_matches(text, plen, name, nlen);
        if (calls != matched || matched != (direct ? 1u : 0u)) abort();
    }
    if (aw__topic_unsubscribe(index, text, plen, 42) != AW_OK) abort();
    if (aw__topic_index_size(index) != 0) abort();
    aw__topic_index_destroy(index);
    return 0;
}
