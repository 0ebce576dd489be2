/* Topics: validation, direct pattern matching and the subscription trie.
 *
 * The index is a trie with one level per token. A node has literal children
 * (a hash map by token), at most one `*` child, the subscribers whose pattern
 * ends at the node, and the subscribers whose pattern ends with `>` right
 * after it. Matching walks the name's tokens once, following the literal and
 * the `*` branch at each level, so its cost is bounded by the depth times the
 * number of `*` branches met, never by the number of subscriptions.
 *
 * Each subscriber also has a record listing where its subscriptions sit
 * (node, which list, position), so unsubscribing everything an actor had
 * costs that actor's subscriptions, and removal from a long list is a swap
 * with the last element (the moved element's record is updated).
 *
 * Concurrency: publishes (readers) vastly outnumber subscription changes, so
 * a writer-preferring rwlock is the simplest structure that lets all workers
 * match at once. Copy-on-write of the trie would make readers lock-free but
 * costs a copy of a path per change plus deferred reclamation; we can switch
 * if a benchmark shows the rwlock's shared cache line limiting publishes. */
#include "msg/topic.h"

#include "base/alloc.h"
#include "base/error.h"
#include "base/strmap.h"
#include "platform/rwlock.h"

#include <string.h>

/* ---- validation ---- */

static bool token_char_ok(unsigned char c) {
    return c >= 0x21 && c <= 0x7e && c != '.' && c != '*' && c != '>';
}

static aw_status check_topic(const char *text, size_t len, bool pattern, aw_error *err) {
    const char *what = pattern ? "topic pattern" : "topic";
    if (len == 0) return aw__error_set(err, AW_INVALID_ARGUMENT, "empty %s", what);
    if (len > AW__TOPIC_MAX_LEN)
        return aw__error_set(err, AW_INVALID_ARGUMENT, "%s is %zu bytes, the limit is %d", what,
                             len, AW__TOPIC_MAX_LEN);
    size_t start = 0;
    while (start <= len) {
        size_t end = start;
        while (end < len && text[end] != '.') end++;
        size_t tlen = end - start;
        if (tlen == 0)
            return aw__error_at(err, AW_INVALID_ARGUMENT, start, "%s has an empty token at byte %zu",
                                what, start);
        bool wildcard = tlen == 1 && (text[start] == '*' || text[start] == '>');
        if (wildcard) {
            if (!pattern)
                return aw__error_at(err, AW_INVALID_ARGUMENT, start,
                                    "topic has the wildcard '%c' at byte %zu (only patterns may)",
                                    text[start], start);
            if (text[start] == '>' && end != len)
                return aw__error_at(err, AW_INVALID_ARGUMENT, start,
                                    "'>' must be the last token of a topic pattern");
        } else {
            for (size_t i = start; i < end; i++) {
                if (!token_char_ok((unsigned char)text[i]))
                    return aw__error_at(err, AW_INVALID_ARGUMENT, i,
                                        "%s has the byte 0x%02x at %zu", what,
                                        (unsigned)(unsigned char)text[i], i);
            }
        }
        start = end + 1;
    }
    return AW_OK;
}

aw_status aw__topic_check_name(const char *text, size_t len, aw_error *err) {
    return check_topic(text, len, false, err);
}

aw_status aw__topic_check_pattern(const char *text, size_t len, aw_error *err) {
    return check_topic(text, len, true, err);
}

/* Length of the token starting at pos (up to the next '.' or the end). */
static size_t token_len(const char *text, size_t len, size_t pos) {
    size_t end = pos;
    while (end < len && text[end] != '.') end++;
    return end - pos;
}

bool aw__topic_matches(const char *pattern, size_t pattern_len, const char *name,
                       size_t name_len) {
    size_t p = 0, n = 0;
    /* Positions past the end (len + 1) mean "no tokens left". */
    while (p <= pattern_len && n <= name_len) {
        size_t plen = token_len(pattern, pattern_len, p);
        size_t nlen = token_len(name, name_len, n);
        if (plen == 1 && pattern[p] == '>') return true; /* n has at least one token */
        bool same = plen == 1 && pattern[p] == '*';
        if (!same) same = plen == nlen && memcmp(pattern + p, name + n, plen) == 0;
        if (!same) return false;
        p += plen + 1;
        n += nlen + 1;
    }
    return p > pattern_len && n > name_len;
}

/* ---- the index ---- */

typedef struct sub_record sub_record;

typedef struct sub_slot {
    uint64_t subscriber;
    sub_record *record;
} sub_slot;

typedef struct sub_list {
    sub_slot *slots;
    uint32_t len;
    uint32_t cap;
} sub_list;

typedef struct node {
    struct node *parent;
    aw__strmap children; /* literal token -> node */
    struct node *star;
    sub_list exact; /* patterns ending at this node */
    sub_list rest;  /* patterns ending with '>' after this node */
    bool is_star;
    uint32_t token_len;
    char token[]; /* this node's token in its parent, NUL-terminated */
} node;

/* Where one subscription of a subscriber sits. */
typedef struct sub_ref {
    node *at;
    bool rest;
    uint32_t pos;
} sub_ref;

struct sub_record {
    uint64_t subscriber;
    sub_ref *refs;
    uint32_t len;
    uint32_t cap;
};

struct aw__topic_index {
    aw__rwlock lock;
    node *root;
    aw__strmap records; /* 8-byte subscriber id -> sub_record */
    size_t size;
};

static node *node_new(node *parent, const char *token, size_t len, bool is_star) {
    node *n = aw__calloc(1, sizeof(node) + len + 1);
    if (!n) return NULL;
    n->parent = parent;
    n->is_star = is_star;
    n->token_len = (uint32_t)len;
    if (len) memcpy(n->token, token, len);
    return n;
}

static void node_free(node *n) {
    aw__free(n->exact.slots, n->exact.cap * sizeof(sub_slot));
    aw__free(n->rest.slots, n->rest.cap * sizeof(sub_slot));
    aw__strmap_free(&n->children);
    aw__free(n, sizeof(node) + n->token_len + 1);
}

static void node_free_tree(node *n) {
    size_t cursor = 0;
    const char *key;
    void *child;
    while (aw__strmap_next(&n->children, &cursor, &key, &child)) node_free_tree(child);
    if (n->star) node_free_tree(n->star);
    node_free(n);
}

static bool node_unused(const node *n) {
    return n->exact.len == 0 && n->rest.len == 0 && n->children.live == 0 && !n->star;
}

/* Frees n and its ancestors while they hold nothing (never the root). */
static void prune(node *n) {
    while (n->parent && node_unused(n)) {
        node *parent = n->parent;
        if (n->is_star) parent->star = NULL;
        else aw__strmap_remove(&parent->children, n->token, n->token_len);
        node_free(n);
        n = parent;
    }
}

aw_status aw__topic_index_create(aw__topic_index **out) {
    *out = NULL;
    aw__topic_index *index = AW__NEW(aw__topic_index);
    if (!index) return AW_NO_MEMORY;
    index->root = node_new(NULL, "", 0, false);
    if (!index->root || aw__rwlock_init(&index->lock) != AW_OK) {
        if (index->root) node_free(index->root);
        AW__DELETE(index);
        return AW_NO_MEMORY;
    }
    *out = index;
    return AW_OK;
}

static void record_free(sub_record *r) {
    aw__free(r->refs, r->cap * sizeof(sub_ref));
    AW__DELETE(r);
}

void aw__topic_index_destroy(aw__topic_index *index) {
    if (!index) return;
    size_t cursor = 0;
    const char *key;
    void *record;
    while (aw__strmap_next(&index->records, &cursor, &key, &record)) record_free(record);
    aw__strmap_free(&index->records);
    node_free_tree(index->root);
    aw__rwlock_destroy(&index->lock);
    AW__DELETE(index);
}

static bool grow(void **items, uint32_t *cap, uint32_t len, size_t item_size) {
    if (len < *cap) return true;
    uint32_t new_cap = *cap ? *cap * 2 : 4;
    void *grown = aw__realloc(*items, *cap * item_size, new_cap * item_size);
    if (!grown) return false;
    *items = grown;
    *cap = new_cap;
    return true;
}

/* Walks to (creating when needed) the node a pattern ends at; *rest tells
 * whether the pattern ends with '>'. On failure the nodes made are pruned. */
static node *walk_create(node *root, const char *pattern, size_t len, bool *rest) {
    node *n = root;
    size_t pos = 0;
    *rest = false;
    while (pos <= len) {
        size_t tlen = token_len(pattern, len, pos);
        const char *tok = pattern + pos;
        pos += tlen + 1;
        if (tlen == 1 && tok[0] == '>') {
            *rest = true;
            break;
        }
        node *next;
        if (tlen == 1 && tok[0] == '*') {
            next = n->star;
            if (!next) {
                next = node_new(n, tok, 1, true);
                if (!next) goto fail;
                n->star = next;
            }
        } else {
            next = aw__strmap_get(&n->children, tok, tlen);
            if (!next) {
                next = node_new(n, tok, tlen, false);
                if (!next) goto fail;
                if (aw__strmap_add(&n->children, tok, tlen, next) != AW_OK) {
                    node_free(next);
                    goto fail;
                }
            }
        }
        n = next;
    }
    return n;
fail:
    prune(n);
    return NULL;
}

/* Finds the node a pattern ends at without creating anything. */
static node *walk_find(node *root, const char *pattern, size_t len, bool *rest) {
    node *n = root;
    size_t pos = 0;
    *rest = false;
    while (pos <= len && n) {
        size_t tlen = token_len(pattern, len, pos);
        const char *tok = pattern + pos;
        pos += tlen + 1;
        if (tlen == 1 && tok[0] == '>') {
            *rest = true;
            break;
        }
        n = tlen == 1 && tok[0] == '*' ? n->star : aw__strmap_get(&n->children, tok, tlen);
    }
    return n;
}

static sub_record *record_get(aw__topic_index *index, uint64_t subscriber) {
    return aw__strmap_get(&index->records, (const char *)&subscriber, sizeof subscriber);
}

static sub_ref *record_find(sub_record *r, const node *at, bool rest) {
    for (uint32_t i = 0; i < r->len; i++)
        if (r->refs[i].at == at && r->refs[i].rest == rest) return &r->refs[i];
    return NULL;
}

static void record_drop(aw__topic_index *index, sub_record *r) {
    aw__strmap_remove(&index->records, (const char *)&r->subscriber, sizeof r->subscriber);
    record_free(r);
}

aw_status aw__topic_subscribe(aw__topic_index *index, const char *pattern, size_t len,
                              uint64_t subscriber, aw_error *err) {
    aw_status s = aw__topic_check_pattern(pattern, len, err);
    if (s != AW_OK) return s;
    aw__rwlock_write_lock(&index->lock);
    bool rest;
    bool new_record = false;
    node *at = NULL;
    sub_record *r = record_get(index, subscriber);
    if (!r) {
        r = AW__NEW(sub_record);
        if (!r) goto no_memory;
        r->subscriber = subscriber;
        if (aw__strmap_add(&index->records, (const char *)&subscriber, sizeof subscriber, r) !=
            AW_OK) {
            record_free(r);
            r = NULL;
            goto no_memory;
        }
        new_record = true;
    }
    at = walk_create(index->root, pattern, len, &rest);
    if (!at) goto no_memory;
    if (record_find(r, at, rest)) {
        aw__rwlock_write_unlock(&index->lock);
        return aw__error_set(err, AW_ALREADY_EXISTS, "already subscribed to %.*s", (int)len,
                             pattern);
    }
    sub_list *list = rest ? &at->rest : &at->exact;
    if (!grow((void **)&r->refs, &r->cap, r->len, sizeof(sub_ref)) ||
        !grow((void **)&list->slots, &list->cap, list->len, sizeof(sub_slot)))
        goto no_memory;
    list->slots[list->len] = (sub_slot){subscriber, r};
    r->refs[r->len++] = (sub_ref){at, rest, list->len};
    list->len++;
    index->size++;
    aw__rwlock_write_unlock(&index->lock);
    return AW_OK;
no_memory:
    if (at) prune(at);
    if (new_record && r) record_drop(index, r);
    aw__rwlock_write_unlock(&index->lock);
    return aw__error_set(err, AW_NO_MEMORY, "out of memory subscribing to a topic");
}

/* Removes the subscription ref points to from its node list and the record
 * (ref is invalid afterwards); prunes the node. */
static void remove_ref_locked(aw__topic_index *index, sub_record *r, sub_ref *ref) {
    node *at = ref->at;
    sub_list *list = ref->rest ? &at->rest : &at->exact;
    uint32_t pos = ref->pos;
    uint32_t last = --list->len;
    if (pos != last) {
        list->slots[pos] = list->slots[last];
        sub_ref *moved = record_find(list->slots[pos].record, at, ref->rest);
        moved->pos = pos;
    }
    *ref = r->refs[--r->len];
    index->size--;
    prune(at);
}

aw_status aw__topic_unsubscribe(aw__topic_index *index, const char *pattern, size_t len,
                                uint64_t subscriber) {
    if (aw__topic_check_pattern(pattern, len, NULL) != AW_OK) return AW_NOT_FOUND;
    aw__rwlock_write_lock(&index->lock);
    aw_status s = AW_NOT_FOUND;
    bool rest;
    sub_record *r = record_get(index, subscriber);
    node *at = r ? walk_find(index->root, pattern, len, &rest) : NULL;
    sub_ref *ref = at ? record_find(r, at, rest) : NULL;
    if (ref) {
        remove_ref_locked(index, r, ref);
        if (r->len == 0) record_drop(index, r);
        s = AW_OK;
    }
    aw__rwlock_write_unlock(&index->lock);
    return s;
}

size_t aw__topic_unsubscribe_all(aw__topic_index *index, uint64_t subscriber) {
    aw__rwlock_write_lock(&index->lock);
    size_t removed = 0;
    sub_record *r = record_get(index, subscriber);
    if (r) {
        while (r->len > 0) {
            remove_ref_locked(index, r, &r->refs[r->len - 1]);
            removed++;
        }
        record_drop(index, r);
    }
    aw__rwlock_write_unlock(&index->lock);
    return removed;
}

/* The pattern of a subscription, rebuilt from its node up to the root into
 * buf (at least AW__TOPIC_MAX_LEN + 1 bytes); returns where it starts. */
static const char *ref_pattern(const sub_ref *ref, char *buf, size_t size, size_t *len) {
    size_t start = size;
    if (ref->rest) buf[--start] = '>';
    for (const node *n = ref->at; n->parent; n = n->parent) {
        if (start < size) buf[--start] = '.';
        start -= n->token_len;
        memcpy(buf + start, n->token, n->token_len);
    }
    *len = size - start;
    return buf + start;
}

/* A subscriber with several subscriptions matching one name is called once:
 * from the first of them in its record. Only subscribers with more than one
 * subscription pay for the check. */
static bool first_match_of_subscriber(const sub_slot *slot, const node *at, bool rest,
                                      const char *name, size_t len) {
    const sub_record *r = slot->record;
    if (r->len < 2) return true;
    for (uint32_t i = 0; i < r->len; i++) {
        const sub_ref *ref = &r->refs[i];
        if (ref->at == at && ref->rest == rest) return true; /* this one comes first */
        char buf[AW__TOPIC_MAX_LEN + 2];
        size_t plen;
        const char *pattern = ref_pattern(ref, buf, sizeof buf, &plen);
        if (aw__topic_matches(pattern, plen, name, len)) return false;
    }
    return true;
}

static size_t emit(const node *at, bool rest, const char *name, size_t len,
                   aw__topic_match_fn fn, void *ctx) {
    const sub_list *list = rest ? &at->rest : &at->exact;
    size_t count = 0;
    for (uint32_t i = 0; i < list->len; i++) {
        if (!first_match_of_subscriber(&list->slots[i], at, rest, name, len)) continue;
        fn(ctx, list->slots[i].subscriber);
        count++;
    }
    return count;
}

/* pos > len means every token of the name has been consumed. */
static size_t match_node(const node *n, const char *name, size_t len, size_t pos,
                         aw__topic_match_fn fn, void *ctx) {
    if (pos > len) return emit(n, false, name, len, fn, ctx);
    size_t count = emit(n, true, name, len, fn, ctx);
    size_t tlen = token_len(name, len, pos);
    const node *child = aw__strmap_get(&n->children, name + pos, tlen);
    if (child) count += match_node(child, name, len, pos + tlen + 1, fn, ctx);
    if (n->star) count += match_node(n->star, name, len, pos + tlen + 1, fn, ctx);
    return count;
}

aw_status aw__topic_match(aw__topic_index *index, const char *name, size_t len,
                          aw__topic_match_fn fn, void *ctx, size_t *matched, aw_error *err) {
    if (matched) *matched = 0;
    aw_status s = aw__topic_check_name(name, len, err);
    if (s != AW_OK) return s;
    aw__rwlock_read_lock(&index->lock);
    size_t count = match_node(index->root, name, len, 0, fn, ctx);
    aw__rwlock_read_unlock(&index->lock);
    if (matched) *matched = count;
    return AW_OK;
}

size_t aw__topic_index_size(aw__topic_index *index) {
    aw__rwlock_read_lock(&index->lock);
    size_t size = index->size;
    aw__rwlock_read_unlock(&index->lock);
    return size;
}
