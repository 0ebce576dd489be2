/* Capability sets: each manifest list becomes a flag for "grants everything",
 * a sorted table of literal patterns (binary search) and the remaining
 * wildcard patterns (scanned). Typical manifests name their peers literally,
 * so most checks cost one binary search over a handful of strings. */
#include "capability.h"

#include "base/alloc.h"
#include "glob.h"
#include "msg/topic.h"

#include <stdlib.h>
#include <string.h>

typedef struct pattern {
    const char *text; /* borrowed from the manifest */
    size_t len;
} pattern;

typedef struct cap_list {
    bool grants_all;
    pattern *literals; /* sorted by compare_patterns */
    size_t literal_count;
    pattern *wildcards;
    size_t wildcard_count;
} cap_list;

struct aw__capset {
    cap_list lists[AW__CAP_KIND_COUNT];
    pattern *storage; /* one block holding every list's patterns */
    size_t storage_len;
};

const char *aw__cap_kind_name(aw__cap_kind kind) {
    switch (kind) {
        case AW__CAP_SEND: return "send";
        case AW__CAP_RECEIVE_FROM: return "receive-from";
        case AW__CAP_PUBLISH: return "publish";
        case AW__CAP_SUBSCRIBE: return "subscribe";
        case AW__CAP_KIND_COUNT: break;
    }
    return "?";
}

static int compare_bytes(const char *a, size_t alen, const char *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int compare_patterns(const void *a, const void *b) {
    const pattern *pa = a, *pb = b;
    return compare_bytes(pa->text, pa->len, pb->text, pb->len);
}

/* No '*', '?' or '>' token: the pattern matches exactly one text. */
static bool is_topic_literal(const char *p, size_t len) {
    if (!aw__glob_is_literal(p, len)) return false;
    for (size_t i = 0; i < len; i++)
        if (p[i] == '>' && (i == 0 || p[i - 1] == '.') && (i + 1 == len || p[i + 1] == '.'))
            return false;
    return true;
}

/* Splits one manifest list into the flag, literals and wildcards; out points
 * into storage, which has room for src->len patterns. */
static void compile_list(const aw__config_list *src, bool topics, pattern *storage,
                         cap_list *out) {
    size_t lits = 0, wilds = src->len;
    for (size_t i = 0; i < src->len; i++) {
        const char *p = src->items[i];
        size_t len = strlen(p);
        /* A run of '*' grants everything; so does ">" for topics. */
        bool all = (len > 0 && strspn(p, "*") == len) || (topics && len == 1 && p[0] == '>');
        if (all) out->grants_all = true;
        bool literal = topics ? is_topic_literal(p, len) : aw__glob_is_literal(p, len);
        /* Literals fill storage from the front, wildcards from the back. */
        if (literal)
            storage[lits++] = (pattern){p, len};
        else
            storage[--wilds] = (pattern){p, len};
    }
    if (lits > 1) qsort(storage, lits, sizeof *storage, compare_patterns);
    out->literals = storage;
    out->literal_count = lits;
    out->wildcards = storage + wilds;
    out->wildcard_count = src->len - wilds;
}

aw_status aw__capset_create(const aw__manifest *m, aw__capset **out) {
    *out = NULL;
    aw__capset *set = AW__NEW(aw__capset);
    if (!set) return AW_NO_MEMORY;
    const aw__config_list *lists[AW__CAP_KIND_COUNT] = {&m->send, &m->receive_from, &m->publish,
                                                         &m->subscribe};
    for (int k = 0; k < AW__CAP_KIND_COUNT; k++) set->storage_len += lists[k]->len;
    if (set->storage_len) {
        set->storage = aw__calloc(set->storage_len, sizeof *set->storage);
        if (!set->storage) {
            AW__DELETE(set);
            return AW_NO_MEMORY;
        }
    }
    size_t at = 0;
    for (int k = 0; k < AW__CAP_KIND_COUNT && set->storage; k++) {
        bool topics = k == AW__CAP_PUBLISH || k == AW__CAP_SUBSCRIBE;
        compile_list(lists[k], topics, set->storage + at, &set->lists[k]);
        at += lists[k]->len;
    }
    *out = set;
    return AW_OK;
}

void aw__capset_free(aw__capset *set) {
    if (!set) return;
    aw__free(set->storage, set->storage_len * sizeof *set->storage);
    AW__DELETE(set);
}

static bool literal_found(const cap_list *l, const char *text, size_t len) {
    size_t lo = 0, hi = l->literal_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_bytes(l->literals[mid].text, l->literals[mid].len, text, len);
        if (c == 0) return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool aw__capset_allows(const aw__capset *set, aw__cap_kind kind, const char *text, size_t len) {
    if (!set || (unsigned)kind >= AW__CAP_KIND_COUNT) return false;
    const cap_list *l = &set->lists[kind];
    switch (kind) {
        case AW__CAP_SEND:
        case AW__CAP_RECEIVE_FROM:
            if (l->grants_all) return true;
            if (literal_found(l, text, len)) return true;
            for (size_t i = 0; i < l->wildcard_count; i++)
                if (aw__glob_match(l->wildcards[i].text, l->wildcards[i].len, text, len))
                    return true;
            return false;
        case AW__CAP_PUBLISH:
            if (aw__topic_check_name(text, len, NULL) != AW_OK) return false;
            if (l->grants_all || literal_found(l, text, len)) return true;
            for (size_t i = 0; i < l->wildcard_count; i++)
                if (aw__glob_match_topic(l->wildcards[i].text, l->wildcards[i].len, text, len))
                    return true;
            return false;
        case AW__CAP_SUBSCRIBE:
            if (aw__topic_check_pattern(text, len, NULL) != AW_OK) return false;
            if (l->grants_all) return true;
            /* A literal grant covers only the same literal request. */
            if (literal_found(l, text, len)) return true;
            for (size_t i = 0; i < l->wildcard_count; i++)
                if (aw__glob_covers_topic_pattern(l->wildcards[i].text, l->wildcards[i].len, text,
                                                  len))
                    return true;
            return false;
        case AW__CAP_KIND_COUNT: break;
    }
    return false;
}
