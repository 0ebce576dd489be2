/* Interned component ids: a hash map from text to one immutable aw__name.
 * Names are never freed before the table, which is what makes a bare pointer
 * safe to put in a message that may outlive the component that sent it. */
#include "msg/name.h"

#include "base/alloc.h"
#include "base/error.h"
#include "base/strmap.h"
#include "platform/rwlock.h"

#include <string.h>

struct aw__names {
    aw__rwlock lock;
    aw__strmap map; /* text -> aw__name */
    size_t max_names;
};

static bool name_char_ok(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c != 0 && strchr("-_.:/@#", c) != NULL;
}

aw_status aw__name_check(const char *text, size_t len, aw_error *err) {
    if (len == 0) return aw__error_set(err, AW_INVALID_ARGUMENT, "empty component id");
    if (len > AW__NAME_MAX_LEN)
        return aw__error_set(err, AW_INVALID_ARGUMENT, "component id is %zu bytes, the limit is %d",
                             len, AW__NAME_MAX_LEN);
    for (size_t i = 0; i < len; i++) {
        if (!name_char_ok((unsigned char)text[i]))
            return aw__error_at(err, AW_INVALID_ARGUMENT, i,
                                "component id has the byte 0x%02x at %zu",
                                (unsigned)(unsigned char)text[i], i);
    }
    return AW_OK;
}

aw_status aw__names_create(size_t max_names, aw__names **out) {
    *out = NULL;
    aw__names *names = AW__NEW(aw__names);
    if (!names) return AW_NO_MEMORY;
    if (aw__rwlock_init(&names->lock) != AW_OK) {
        AW__DELETE(names);
        return AW_NO_MEMORY;
    }
    names->max_names = max_names;
    *out = names;
    return AW_OK;
}

static void name_free(aw__name *name) {
    aw__free(name, sizeof(aw__name) + name->len + 1);
}

void aw__names_destroy(aw__names *names) {
    if (!names) return;
    size_t cursor = 0;
    const char *key;
    void *value;
    while (aw__strmap_next(&names->map, &cursor, &key, &value)) name_free(value);
    aw__strmap_free(&names->map);
    aw__rwlock_destroy(&names->lock);
    AW__DELETE(names);
}

const aw__name *aw__names_find(aw__names *names, const char *text, size_t len) {
    aw__rwlock_read_lock(&names->lock);
    const aw__name *found = aw__strmap_get(&names->map, text, len);
    aw__rwlock_read_unlock(&names->lock);
    return found;
}

aw_status aw__names_intern(aw__names *names, const char *text, size_t len, const aw__name **out,
                           aw_error *err) {
    aw_status s = aw__name_check(text, len, err);
    if (s != AW_OK) return s;
    const aw__name *found = aw__names_find(names, text, len);
    if (found) {
        *out = found;
        return AW_OK;
    }
    aw__rwlock_write_lock(&names->lock);
    /* Another thread may have added it between the two locks. */
    found = aw__strmap_get(&names->map, text, len);
    if (found) goto done;
    if (names->map.live >= names->max_names) {
        aw__rwlock_write_unlock(&names->lock);
        return aw__error_set(err, AW_LIMIT_EXCEEDED, "the table of component ids is full (%zu)",
                             names->max_names);
    }
    aw__name *name = aw__malloc(sizeof(aw__name) + len + 1);
    if (!name) goto no_memory;
    name->hash = aw__hash_bytes(text, len);
    name->len = (uint32_t)len;
    memcpy(name->text, text, len);
    name->text[len] = '\0';
    if (aw__strmap_add(&names->map, name->text, len, name) != AW_OK) {
        name_free(name);
        goto no_memory;
    }
    found = name;
done:
    aw__rwlock_write_unlock(&names->lock);
    *out = found;
    return AW_OK;
no_memory:
    aw__rwlock_write_unlock(&names->lock);
    return aw__error_set(err, AW_NO_MEMORY, "out of memory interning a component id");
}

size_t aw__names_count(aw__names *names) {
    aw__rwlock_read_lock(&names->lock);
    size_t count = names->map.live;
    aw__rwlock_read_unlock(&names->lock);
    return count;
}
