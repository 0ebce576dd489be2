/* Topic names, NATS-style patterns, and the subscription index. */
#ifndef AW_MSG_TOPIC_H
#define AW_MSG_TOPIC_H

#include "airwasm/error.h"

/* A topic is 1..255 bytes of dot-separated tokens, each non-empty and made of
 * printable ASCII other than '.', '*' and '>'. A pattern may also use the
 * token `*` (exactly one token) and, as its last token only, `>` (one or
 * more tokens). Examples: "billing.events.paid", "billing.*.paid", "billing.>". */
#define AW__TOPIC_MAX_LEN 255

/* AW_INVALID_ARGUMENT with the reason and byte offset when text is not a
 * topic name (wildcards are not allowed in a name). */
aw_status aw__topic_check_name(const char *text, size_t len, aw_error *err);
/* As aw__topic_check_name for a pattern (wildcard tokens allowed). */
aw_status aw__topic_check_pattern(const char *text, size_t len, aw_error *err);
/* Whether the valid pattern matches the valid name (no index needed; used for
 * capability lists). */
bool aw__topic_matches(const char *pattern, size_t pattern_len, const char *name,
                       size_t name_len);

/* The subscription index: a trie over tokens whose nodes hold the subscribers
 * of the pattern ending there. Subscribers are opaque 64-bit ids (actor ids).
 * Thread safety: any number of threads may match at once while one writer
 * subscribes or unsubscribes (a writer-preferring rwlock, see topic.c). */
typedef struct aw__topic_index aw__topic_index;

aw_status aw__topic_index_create(aw__topic_index **out);
/* Frees the index and every subscription; accepts NULL. No concurrent use. */
void aw__topic_index_destroy(aw__topic_index *index);

/* Adds subscriber to pattern. AW_ALREADY_EXISTS when that pair is present,
 * AW_INVALID_ARGUMENT for a bad pattern, AW_NO_MEMORY (index unchanged). */
aw_status aw__topic_subscribe(aw__topic_index *index, const char *pattern, size_t len,
                              uint64_t subscriber, aw_error *err);
/* Removes one pair; AW_NOT_FOUND when it was not subscribed. */
aw_status aw__topic_unsubscribe(aw__topic_index *index, const char *pattern, size_t len,
                                uint64_t subscriber);
/* Removes every subscription of subscriber (an actor that stopped); returns
 * how many there were. Cost: that subscriber's subscriptions, not the index. */
size_t aw__topic_unsubscribe_all(aw__topic_index *index, uint64_t subscriber);

/* Called once per matching subscription, under the index's read lock: it must
 * not subscribe or unsubscribe (that would deadlock) and should be short
 * (push to a mailbox). A subscriber with several matching patterns is called
 * once: a component gets one copy of a publish. */
typedef void (*aw__topic_match_fn)(void *ctx, uint64_t subscriber);

/* Calls fn for every subscription whose pattern matches the topic name;
 * *matched (optional) gets the count. AW_INVALID_ARGUMENT for a bad name.
 * Allocates nothing. */
aw_status aw__topic_match(aw__topic_index *index, const char *name, size_t len,
                          aw__topic_match_fn fn, void *ctx, size_t *matched, aw_error *err);

/* Number of live subscriptions (pattern, subscriber pairs). */
size_t aw__topic_index_size(aw__topic_index *index);

#endif
