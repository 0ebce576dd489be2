/* The router: a map from component id to its running instances.
 *
 * Sends look up far more often than components start or stop, so the map
 * sits behind a writer-preferring rwlock and a lookup copies what it needs
 * (the interned id, the config, one instance ref) before unlocking: a route
 * stays usable after the component changes, and an actor ref that went stale
 * makes the send fail with AW_NO_SUCH_ACTOR instead of touching freed memory.
 * Instances of one component share the load round-robin through a relaxed
 * atomic counter (fairness is approximate under races, which is fine). */
#include "msg/router.h"

#include "base/alloc.h"
#include "base/error.h"
#include "base/strmap.h"
#include "msg/wellformed.h"
#include "platform/rwlock.h"

#include <stdatomic.h>
#include <string.h>

typedef struct component {
    const aw__name *id;
    aw__route_config config;
    aw_actor_ref *instances;
    uint32_t count;
    uint32_t cap;
    _Atomic uint32_t next; /* round-robin cursor */
} component;

struct aw__router {
    aw__rwlock lock;
    aw__strmap components; /* id text -> component */
    aw__names *names;
    aw__router_remote_fn remote;
    void *remote_ctx;
};

aw_status aw__router_create(aw__names *names, aw__router **out) {
    *out = NULL;
    aw__router *router = AW__NEW(aw__router);
    if (!router) return AW_NO_MEMORY;
    if (aw__rwlock_init(&router->lock) != AW_OK) {
        AW__DELETE(router);
        return AW_NO_MEMORY;
    }
    router->names = names;
    *out = router;
    return AW_OK;
}

static void component_free(component *c) {
    aw__free(c->instances, c->cap * sizeof(aw_actor_ref));
    AW__DELETE(c);
}

void aw__router_destroy(aw__router *router) {
    if (!router) return;
    size_t cursor = 0;
    const char *key;
    void *value;
    while (aw__strmap_next(&router->components, &cursor, &key, &value)) component_free(value);
    aw__strmap_free(&router->components);
    aw__rwlock_destroy(&router->lock);
    AW__DELETE(router);
}

static component *find_locked(aw__router *router, const aw__name *id) {
    return aw__strmap_get(&router->components, id->text, id->len);
}

aw_status aw__router_declare(aw__router *router, const char *id, size_t len,
                             const aw__route_config *config, const aw__name **out,
                             aw_error *err) {
    const aw__name *name;
    aw_status s = aw__names_intern(router->names, id, len, &name, err);
    if (s != AW_OK) return s;
    aw__rwlock_write_lock(&router->lock);
    component *c = find_locked(router, name);
    if (c) {
        c->config = *config;
    } else {
        c = AW__NEW(component);
        if (!c || aw__strmap_add(&router->components, name->text, name->len, c) != AW_OK) {
            if (c) AW__DELETE(c);
            aw__rwlock_write_unlock(&router->lock);
            return aw__error_set(err, AW_NO_MEMORY, "out of memory declaring %s", name->text);
        }
        c->id = name;
        c->config = *config;
        atomic_init(&c->next, 0);
    }
    aw__rwlock_write_unlock(&router->lock);
    if (out) *out = name;
    return AW_OK;
}

aw_status aw__router_forget(aw__router *router, const aw__name *id) {
    aw__rwlock_write_lock(&router->lock);
    component *c = aw__strmap_remove(&router->components, id->text, id->len);
    aw__rwlock_write_unlock(&router->lock);
    if (!c) return AW_NOT_FOUND;
    component_free(c);
    return AW_OK;
}

static int64_t instance_index(const component *c, aw_actor_ref ref) {
    for (uint32_t i = 0; i < c->count; i++)
        if (c->instances[i] == ref) return i;
    return -1;
}

aw_status aw__router_add_instance(aw__router *router, const aw__name *id, aw_actor_ref ref) {
    aw_status s = AW_OK;
    aw__rwlock_write_lock(&router->lock);
    component *c = find_locked(router, id);
    if (!c) {
        s = AW_NOT_FOUND;
    } else if (instance_index(c, ref) >= 0) {
        s = AW_ALREADY_EXISTS;
    } else {
        if (c->count == c->cap) {
            uint32_t cap = c->cap ? c->cap * 2 : 4;
            aw_actor_ref *grown = aw__realloc(c->instances, c->cap * sizeof(aw_actor_ref),
                                              cap * sizeof(aw_actor_ref));
            if (!grown) s = AW_NO_MEMORY;
            else {
                c->instances = grown;
                c->cap = cap;
            }
        }
        if (s == AW_OK) c->instances[c->count++] = ref;
    }
    aw__rwlock_write_unlock(&router->lock);
    return s;
}

aw_status aw__router_remove_instance(aw__router *router, const aw__name *id, aw_actor_ref ref) {
    aw_status s = AW_NOT_FOUND;
    aw__rwlock_write_lock(&router->lock);
    component *c = find_locked(router, id);
    int64_t i = c ? instance_index(c, ref) : -1;
    if (i >= 0) {
        c->instances[i] = c->instances[--c->count];
        s = AW_OK;
    }
    aw__rwlock_write_unlock(&router->lock);
    return s;
}

aw_status aw__router_replace_instance(aw__router *router, const aw__name *id, aw_actor_ref old_ref,
                                      aw_actor_ref new_ref) {
    aw_status s = AW_NOT_FOUND;
    aw__rwlock_write_lock(&router->lock);
    component *c = find_locked(router, id);
    int64_t i = c ? instance_index(c, old_ref) : -1;
    if (i >= 0) {
        c->instances[i] = new_ref;
        s = AW_OK;
    }
    aw__rwlock_write_unlock(&router->lock);
    return s;
}

size_t aw__router_instances(aw__router *router, const aw__name *id, aw_actor_ref *out,
                            size_t max) {
    aw__rwlock_read_lock(&router->lock);
    component *c = find_locked(router, id);
    size_t count = c ? c->count : 0;
    for (size_t i = 0; i < count && i < max; i++) out[i] = c->instances[i];
    aw__rwlock_read_unlock(&router->lock);
    return count;
}

aw_status aw__router_lookup(aw__router *router, const char *text, size_t len, aw__route *out) {
    memset(out, 0, sizeof *out);
    aw__rwlock_read_lock(&router->lock);
    component *c = aw__strmap_get(&router->components, text, len);
    if (c) {
        out->id = c->id;
        out->config = c->config;
        if (c->count > 0) {
            uint32_t turn = atomic_fetch_add_explicit(&c->next, 1, memory_order_relaxed);
            out->instance = c->instances[turn % c->count];
        }
    }
    aw__rwlock_read_unlock(&router->lock);
    return c ? AW_OK : AW_NOT_FOUND;
}

aw_status aw__router_check_payload(const aw__route *route, const aw_payload *payload,
                                   aw_error *err) {
    const uint8_t *bytes = payload ? payload->bytes : NULL;
    size_t len = payload ? payload->len : 0;
    if (route->config.max_payload && len > route->config.max_payload)
        return aw__error_set(err, AW_TOO_LARGE, "payload of %zu bytes for %s, the limit is %zu",
                             len, route->id->text, route->config.max_payload);
    aw__codec codec;
    const uint8_t *body;
    size_t body_len;
    aw_status s = aw__codec_check(route->config.accepts, bytes, len, route->id->text,
                                  route->id->len, &codec, &body, &body_len, err);
    if (s != AW_OK || !route->config.check_bodies) return s;
    aw_error why;
    if (aw__wellformed_check(codec, body, body_len, &why) != AW_OK)
        return aw__error_set(err, AW_BAD_CODEC, "%s body for %s is not well formed: %s",
                             aw__codec_name(codec), route->id->text, why.message);
    return AW_OK;
}

void aw__router_set_remote(aw__router *router, aw__router_remote_fn fn, void *ctx) {
    aw__rwlock_write_lock(&router->lock);
    router->remote = fn;
    router->remote_ctx = ctx;
    aw__rwlock_write_unlock(&router->lock);
}

aw_status aw__router_send(aw__router *router, aw_actor_system *sys, aw__envelope *env,
                          aw_actor_ref sender, aw_actor_ref *delivered_to, aw_error *err) {
    if (delivered_to) *delivered_to = AW_ACTOR_NONE;
    aw_status s;
    if (!env->to) {
        s = aw__error_set(err, AW_INVALID_ARGUMENT, "a message without a target");
        goto fail;
    }
    aw__route route;
    if (aw__router_lookup(router, env->to->text, env->to->len, &route) != AW_OK) {
        aw__rwlock_read_lock(&router->lock);
        aw__router_remote_fn remote = router->remote;
        void *ctx = router->remote_ctx;
        aw__rwlock_read_unlock(&router->lock);
        if (remote) return remote(ctx, env, err);
        s = aw__error_set(err, AW_NOT_FOUND, "unknown component %s", env->to->text);
        goto fail;
    }
    s = aw__router_deliver(sys, &route, env, sender, err);
    if (s == AW_OK && delivered_to) *delivered_to = route.instance;
    return s;
fail:
    aw__envelope_release(env);
    return s;
}

aw_status aw__router_push_failed(const aw__route *route, aw_msg *msg, aw_status status,
                                 aw_error *err) {
    /* A full mailbox refuses before taking anything: the payload is still ours. */
    if (status == AW_MAILBOX_FULL) aw_payload_release(msg->payload);
    return aw__error_set(err, status, "send to %s: %s", route->id->text, aw_status_text(status));
}

aw_status aw__router_deliver_checked(aw_actor_system *sys, const aw__route *route,
                                     aw__envelope *env, aw_actor_ref sender, aw_error *err) {
    aw_status s;
    if (route->instance == AW_ACTOR_NONE) {
        s = aw__error_set(err, AW_NO_SUCH_ACTOR, "component %s has no running instance",
                          route->id->text);
        goto fail;
    }
    s = aw__router_check_payload(route, env->payload, err);
    if (s != AW_OK) goto fail;
    aw_msg msg;
    aw__envelope_to_msg(env, sender, &msg);
    s = aw_actor_send(sys, route->instance, &msg);
    return s == AW_OK ? AW_OK : aw__router_push_failed(route, &msg, s, err);
fail:
    aw__envelope_release(env);
    return s;
}
