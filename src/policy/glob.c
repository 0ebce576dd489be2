/* The glob matcher: a single left-to-right scan that remembers the last '*'
 * and, on a mismatch, lets that star swallow one more byte. Backing up to the
 * last star only is enough: an earlier star could absorb more text, but
 * everything the earlier star could reach the later one can reach too. */
#include "glob.h"

bool aw__glob_match(const char *pattern, size_t pattern_len, const char *text, size_t text_len) {
    size_t p = 0, t = 0;
    size_t star = pattern_len; /* index of the last '*' seen; pattern_len: none */
    size_t star_text = 0;      /* where the text stood when that star began */
    while (t < text_len) {
        if (p < pattern_len && pattern[p] == '*') {
            star = p++;
            star_text = t;
        } else if (p < pattern_len && (pattern[p] == '?' || pattern[p] == text[t])) {
            p++;
            t++;
        } else if (star != pattern_len) {
            /* Retry after the star with it covering one more byte. */
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < pattern_len && pattern[p] == '*') p++;
    return p == pattern_len;
}

bool aw__glob_is_literal(const char *pattern, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (pattern[i] == '*' || pattern[i] == '?') return false;
    return true;
}
