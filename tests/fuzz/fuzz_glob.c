/* Fuzzes the glob matcher against a memoised reference, and the topic
 * variants against their definitions: input is "pattern\0text" (no NUL:
 * pattern and text are the same bytes). */
#include "msg/topic.h"
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
    if (pl > MAX_SIDE || tl > MAX_SIDE) return 0;
    /* Topic matching is glob matching with every '>' token read as '*'. */
    char starred[MAX_SIDE];
    for (size_t i = 0; i < pl; i++) {
        bool token = (i == 0 || text[i - 1] == '.') && (i + 1 == pl || text[i + 1] == '.');
        starred[i] = text[i] == '>' && token ? '*' : text[i];
    }
    if (aw__glob_match_topic(text, pl, t, tl) != aw__glob_match(starred, pl, t, tl)) abort();
    /* Coverage is sound: if the glob covers the requested topic pattern, it
     * matches the names made by filling the pattern's wildcard tokens. */
    if (aw__topic_check_pattern(t, tl, NULL) == AW_OK &&
        aw__glob_covers_topic_pattern(text, pl, t, tl)) {
        static const char *const fills[][2] = {{"x", "x"}, {"ab", "ab.cd"}, {"q", "q.r.s"}};
        for (size_t f = 0; f < 3; f++) {
            char name[MAX_SIDE * 8];
            size_t n = 0;
            for (size_t i = 0; i < tl; i++) {
                bool token = (i == 0 || t[i - 1] == '.') && (i + 1 == tl || t[i + 1] == '.');
                const char *fill = !token ? NULL : t[i] == '*' ? fills[f][0]
                                              : t[i] == '>' ? fills[f][1] : NULL;
                if (fill) {
                    memcpy(name + n, fill, strlen(fill));
                    n += strlen(fill);
                } else {
                    name[n++] = t[i];
                }
            }
            if (!aw__glob_match_topic(text, pl, name, n)) abort();
        }
    }
    return 0;
}
