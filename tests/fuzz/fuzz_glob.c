/* Fuzzes the glob matcher against a memoised reference: input is
 * "pattern\0text" (no NUL: pattern and text are the same bytes). */
#include "policy/glob.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SIDE 64

/* memo[i][j]: 0 unknown, 1 false, 2 true, for pattern[i..] vs text[j..]. */
static uint8_t memo[MAX_SIDE + 1][MAX_SIDE + 1];

static bool reference(const char *p, size_t pl, size_t i, const char *t, size_t tl, size_t j) {
    if (memo[i][j]) return memo[i][j] == 2;
    bool r;
    if (i == pl)
        r = j == tl;
    else if (p[i] == '*')
        r = reference(p, pl, i + 1, t, tl, j) || (j < tl && reference(p, pl, i, t, tl, j + 1));
    else
        r = j < tl && (p[i] == '?' || p[i] == t[j]) && reference(p, pl, i + 1, t, tl, j + 1);
    memo[i][j] = r ? 2 : 1;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t pl = nul ? (size_t)(nul - data) : size;
    const char *t = nul ? text + pl + 1 : text;
    size_t tl = nul ? size - pl - 1 : size;
    bool got = aw__glob_match(text, pl, t, tl);
    if (pl <= MAX_SIDE && tl <= MAX_SIDE) {
        memset(memo, 0, sizeof memo);
        if (reference(text, pl, 0, t, tl, 0) != got) abort();
    }
    /* A literal pattern matches exactly its own bytes. */
    if (aw__glob_is_literal(text, pl) && got != (pl == tl && memcmp(text, t, pl) == 0)) abort();
    /* "*" + pattern + "*" matches whatever pattern matches. */
    if (got && pl + 2 <= MAX_SIDE) {
        char wrapped[MAX_SIDE + 2];
        wrapped[0] = '*';
        memcpy(wrapped + 1, text, pl);
        wrapped[pl + 1] = '*';
        if (!aw__glob_match(wrapped, pl + 2, t, tl)) abort();
    }
    return 0;
}
