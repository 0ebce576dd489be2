/* A component's capabilities compiled from its manifest: who it may send to
 * and hear from, which topics it may publish and subscribe (deny by default). */
#ifndef AW_POLICY_CAPABILITY_H
#define AW_POLICY_CAPABILITY_H

#include "manifest.h"

typedef enum aw__cap_kind {
    AW__CAP_SEND,         /* target component ids of send, request, call */
    AW__CAP_RECEIVE_FROM, /* sender component ids this component accepts */
    AW__CAP_PUBLISH,      /* topic names it may publish on */
    AW__CAP_SUBSCRIBE,    /* topic patterns it may subscribe to */
    AW__CAP_KIND_COUNT
} aw__cap_kind;

/* The manifest key of a kind: "send", "receive-from", "publish", "subscribe". */
const char *aw__cap_kind_name(aw__cap_kind kind);

/* Immutable once built, so any number of threads may check at once. */
typedef struct aw__capset aw__capset;

/* Compiles the four pattern lists of m. The set borrows m's strings: m is
 * kept and must outlive the set. AW_NO_MEMORY (*out NULL) on failure. */
aw_status aw__capset_create(const aw__manifest *m, aw__capset **out);
/* Accepts NULL. */
void aw__capset_free(aw__capset *set);

/* Whether the set grants text for kind; text needs no NUL and may be any
 * bytes (a guest chose them). Every list holds glob patterns (policy/glob.h:
 * '*' any run of characters, dots included, '?' one character; in topic
 * lists a token '>' also acts as '*'). Semantics (docs/manifest.md,
 * "Capabilities"):
 *  - send, receive-from: text is a component id the glob must match;
 *  - publish: text must be a valid topic name the glob matches;
 *  - subscribe: text must be a valid topic pattern (msg/topic.h), and some
 *    granted glob must cover it: match every topic name it can match
 *    ("orders.*" covers "orders.eu.>" and "orders.created", not ">").
 * An empty list grants nothing. Allocates nothing; literal patterns are
 * found by binary search, only wildcard patterns are scanned. */
bool aw__capset_allows(const aw__capset *set, aw__cap_kind kind, const char *text, size_t len);

#endif
