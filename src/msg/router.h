/* The router: component id -> the actors running it, and the local send path. */
#ifndef AW_MSG_ROUTER_H
#define AW_MSG_ROUTER_H

#include "msg/envelope.h"
#include "msg/multicodec.h"

/* What the router knows of one component (from its manifest). */
typedef struct aw__route_config {
    aw__codec_set accepts;  /* codecs a payload may have (bad-codec otherwise) */
    bool check_bodies;      /* also check cbor/json/messagepack well-formedness */
    size_t max_payload;     /* bytes including the prefix; 0: no limit */
} aw__route_config;

/* A lookup result: a copy, valid after the router changes. */
typedef struct aw__route {
    const aw__name *id;
    aw_actor_ref instance; /* the instance chosen for this message */
    aw__route_config config;
} aw__route;

/* Called for a target that has no local instance (the network layer's hook);
 * takes ownership of env's references in every case. */
typedef aw_status (*aw__router_remote_fn)(void *ctx, aw__envelope *env, aw_error *err);

typedef struct aw__router aw__router;

/* names is kept (must outlive the router); ids are interned there. Lookups
 * are safe from any thread at once; changes take a write lock. */
aw_status aw__router_create(aw__names *names, aw__router **out);
/* Accepts NULL. */
void aw__router_destroy(aw__router *router);

/* Declares (or updates the config of) component id; *out (optional) gets
 * the interned id. AW_INVALID_ARGUMENT for a bad id. */
aw_status aw__router_declare(aw__router *router, const char *id, size_t len,
                             const aw__route_config *config, const aw__name **out,
                             aw_error *err);
/* Forgets a component and its instances; AW_NOT_FOUND when unknown. */
aw_status aw__router_forget(aw__router *router, const aw__name *id);

/* Adds a running instance of a declared component (several instances share
 * the load, chosen round-robin). AW_NOT_FOUND (undeclared), AW_ALREADY_EXISTS. */
aw_status aw__router_add_instance(aw__router *router, const aw__name *id, aw_actor_ref ref);
/* Removes an instance (it stopped); AW_NOT_FOUND when absent. */
aw_status aw__router_remove_instance(aw__router *router, const aw__name *id, aw_actor_ref ref);
/* Replaces instance old_ref by new_ref (a restart that made a new actor). */
aw_status aw__router_replace_instance(aw__router *router, const aw__name *id, aw_actor_ref old_ref,
                                      aw_actor_ref new_ref);
/* Copies up to max instance refs of id into out; returns how many there are. */
size_t aw__router_instances(aw__router *router, const aw__name *id, aw_actor_ref *out, size_t max);

/* Looks up the component named by text (len bytes) and picks an instance.
 * AW_NOT_FOUND when the id is unknown here (instance is AW_ACTOR_NONE when it
 * is declared but has no running instance: out->id is then set). */
aw_status aw__router_lookup(aw__router *router, const char *text, size_t len, aw__route *out);

/* The send-time payload checks for route (ARCHITECTURE.md section 4):
 * AW_TOO_LARGE, AW_BAD_CODEC, or AW_BAD_CODEC for a body that is not well
 * formed when the component asks for it; err names codec and target. */
aw_status aw__router_check_payload(const aw__route *route, const aw_payload *payload,
                                   aw_error *err);

/* Delivers env to route->instance, for a route the caller resolved itself
 * (the runtime's send path keeps what a lookup would give): the payload
 * checks of route, then the push. Takes ownership of env's references in
 * every case. AW_NO_SUCH_ACTOR when route has no instance, the check
 * statuses, or the actor layer's send status. */
static inline aw_status aw__router_deliver(aw_actor_system *sys, const aw__route *route,
                                           aw__envelope *env, aw_actor_ref sender,
                                           aw_error *err);

/* The parts of aw__router_deliver that are not inline: the whole delivery
 * with every check, and the wording of a push the actor layer refused
 * (msg's payload is released when it is still ours). */
aw_status aw__router_deliver_checked(aw_actor_system *sys, const aw__route *route,
                                     aw__envelope *env, aw_actor_ref sender, aw_error *err);
aw_status aw__router_push_failed(const aw__route *route, aw_msg *msg, aw_status status,
                                 aw_error *err);

/* Whether payload surely passes aw__router_check_payload for route: a
 * one-byte codec prefix the route accepts, within its max-payload, and no
 * body check asked. False means "check fully", not "refused". */
static inline bool aw__router_payload_quick(const aw__route *route, const aw_payload *payload) {
    return payload && payload->len > 0 && !route->config.check_bodies &&
           (!route->config.max_payload || payload->len <= route->config.max_payload) &&
           aw__codec_set_has(route->config.accepts, aw__codec_of_byte(payload->bytes[0]));
}

/* Inline, as it runs for every message a component sends: the common case
 * is a quick check, the envelope packed into a message, one push. */
static inline aw_status aw__router_deliver(aw_actor_system *sys, const aw__route *route,
                                           aw__envelope *env, aw_actor_ref sender,
                                           aw_error *err) {
    if (route->instance == AW_ACTOR_NONE || !aw__router_payload_quick(route, env->payload))
        return aw__router_deliver_checked(sys, route, env, sender, err);
    aw_msg msg;
    aw__envelope_to_msg(env, sender, &msg);
    aw_status s = aw_actor_send(sys, route->instance, &msg);
    return s == AW_OK ? AW_OK : aw__router_push_failed(route, &msg, s, err);
}

/* Sets the hook for targets without a local instance (NULL: unknown-target). */
void aw__router_set_remote(aw__router *router, aw__router_remote_fn fn, void *ctx);

/* Delivers env (to must be set) from the actor sender: payload checks, one
 * instance picked, its mailbox pushed. Takes ownership of env's references
 * in every case. AW_NOT_FOUND (unknown target and no remote hook),
 * AW_NO_SUCH_ACTOR (declared, no instance), the check statuses, or the
 * actor layer's send status (AW_MAILBOX_FULL, AW_SHUTTING_DOWN...).
 * *delivered_to (optional) gets the instance. */
aw_status aw__router_send(aw__router *router, aw_actor_system *sys, aw__envelope *env,
                          aw_actor_ref sender, aw_actor_ref *delivered_to, aw_error *err);

#endif
