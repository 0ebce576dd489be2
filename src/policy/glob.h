/* Glob patterns over component ids and topics: '*' and '?' (docs/manifest.md,
 * "Capabilities"). */
#ifndef AW_POLICY_GLOB_H
#define AW_POLICY_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Exact semantics, byte by byte (ids and topics are ASCII, so bytes are
 * characters):
 *  - '*' matches any run of bytes, including the empty run and, in topics,
 *    dots: "billing.*" matches "billing.paid" and "billing.eu.paid";
 *  - '?' matches exactly one byte;
 *  - every other byte matches only itself (case-sensitive);
 *  - the whole text must match the whole pattern (anchored at both ends);
 *  - there is no escape and no character class: neither component ids nor
 *    topic names may contain '*', '?' or '>', so none is needed.
 * The empty pattern matches only the empty text. Time O(pattern * text) in
 * the worst case, O(pattern + text) for patterns with at most one '*'; no
 * recursion, no allocation. Neither string needs a NUL terminator. */
bool aw__glob_match(const char *pattern, size_t pattern_len, const char *text, size_t text_len);

/* As aw__glob_match for a topic name, where a pattern token that is exactly
 * '>' (NATS style, "orders.>") also acts as '*'. */
bool aw__glob_match_topic(const char *pattern, size_t pattern_len, const char *name,
                          size_t name_len);

/* Whether the glob pattern grants a subscription to the topic pattern
 * `requested` (msg/topic.h syntax: a token '*' is one token, a last token
 * '>' one or more). Granted when every topic name `requested` can match is
 * matched by `pattern`; checked by matching `requested` as text in which a
 * wildcard token can only be consumed by a '*' (or '>') of the glob. That is
 * sound and, for globs whose '?' never faces a wildcard token, exact: "a.?*"
 * does not grant "a.*" although every name "a.*" matches starts "a.?". */
bool aw__glob_covers_topic_pattern(const char *pattern, size_t pattern_len,
                                   const char *requested, size_t requested_len);

/* True when pattern has no '*' or '?' (it matches exactly one id). */
bool aw__glob_is_literal(const char *pattern, size_t len);

#endif
