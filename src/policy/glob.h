/* Glob patterns over component ids: '*' and '?' (docs/manifest.md, "Patterns"). */
#ifndef AW_POLICY_GLOB_H
#define AW_POLICY_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Exact semantics, byte by byte (ids are ASCII, so bytes are characters):
 *  - '*' matches any run of bytes, including the empty run;
 *  - '?' matches exactly one byte;
 *  - every other byte matches only itself (case-sensitive);
 *  - the whole text must match the whole pattern (anchored at both ends);
 *  - there is no escape and no character class: a component id can contain
 *    neither '*' nor '?', so none is needed.
 * The empty pattern matches only the empty text. Time O(pattern * text) in
 * the worst case, O(pattern + text) for patterns with at most one '*'; no
 * recursion, no allocation. Neither string needs a NUL terminator. */
bool aw__glob_match(const char *pattern, size_t pattern_len, const char *text, size_t text_len);

/* True when pattern has no '*' or '?' (it matches exactly one text). */
bool aw__glob_is_literal(const char *pattern, size_t len);

#endif
