/* The glob matcher: a single left-to-right scan that remembers the last star
 * and, on a mismatch, lets that star swallow one more byte. Backing up to the
 * last star only is enough: an earlier star could absorb more text, but
 * everything the earlier star could reach the later one can reach too. That
 * argument needs only that a star matches any run, so it also holds when
 * some text bytes (the wildcard tokens of a requested topic pattern) can be
 * matched by a star alone. */
#include "glob.h"

enum {
    TOPIC_STARS = 1,  /* a pattern token ">" is a star */
    TEXT_WILDS = 2    /* text tokens "*" and ">" only match a star */
};

/* Whether s[i] is a token on its own ("." on both sides or an end). */
static bool whole_token(const char *s, size_t len, size_t i) {
    return (i == 0 || s[i - 1] == '.') && (i + 1 == len || s[i + 1] == '.');
}

static bool is_star(const char *p, size_t len, size_t i, unsigned flags) {
    return p[i] == '*' || ((flags & TOPIC_STARS) && p[i] == '>' && whole_token(p, len, i));
}

static bool is_wild(const char *t, size_t len, size_t i, unsigned flags) {
    return (flags & TEXT_WILDS) && (t[i] == '*' || t[i] == '>') && whole_token(t, len, i);
}

static bool match(const char *pattern, size_t pattern_len, const char *text, size_t text_len,
                  unsigned flags) {
    size_t p = 0, t = 0;
    size_t star = pattern_len; /* index of the last star seen; pattern_len: none */
    size_t star_text = 0;      /* where the text stood when that star began */
    while (t < text_len) {
        if (p < pattern_len && is_star(pattern, pattern_len, p, flags)) {
            star = p++;
            star_text = t;
        } else if (p < pattern_len && !is_wild(text, text_len, t, flags) &&
                   (pattern[p] == '?' || pattern[p] == text[t])) {
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
    while (p < pattern_len && is_star(pattern, pattern_len, p, flags)) p++;
    return p == pattern_len;
}

bool aw__glob_match(const char *pattern, size_t pattern_len, const char *text, size_t text_len) {
    return match(pattern, pattern_len, text, text_len, 0);
}

bool aw__glob_match_topic(const char *pattern, size_t pattern_len, const char *name,
                          size_t name_len) {
    return match(pattern, pattern_len, name, name_len, TOPIC_STARS);
}

bool aw__glob_covers_topic_pattern(const char *pattern, size_t pattern_len,
                                   const char *requested, size_t requested_len) {
    return match(pattern, pattern_len, requested, requested_len, TOPIC_STARS | TEXT_WILDS);
}

bool aw__glob_is_literal(const char *pattern, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (pattern[i] == '*' || pattern[i] == '?') return false;
    return true;
}
