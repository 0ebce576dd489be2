/* Registered names: name -> actor reference, unique per system, one name per
 * actor, removed when the actor exits. One mutex guards the map and every
 * actor's name field, so registering races safely with the actor's exit. */
#include "actor/system.h"

#include "base/alloc.h"

#include <string.h>

aw_status aw_actor_register(aw_actor_system *sys, const char *name, aw_actor_ref ref) {
    if (!sys || !name || !*name) return AW_INVALID_ARGUMENT;
    aw_actor *a = aw__actor_pin(sys, ref);
    if (!a) return AW_NO_SUCH_ACTOR;
    aw_status s = AW_OK;
    size_t len = strlen(name);
    aw__mutex_lock(&sys->names_lock);
    if (a->names_closed) {
        s = AW_NO_SUCH_ACTOR;
    } else if (a->name) {
        s = strcmp(a->name, name) == 0 ? AW_OK : AW_ALREADY_EXISTS;
    } else {
        char *copy = aw__strndup(name, len);
        if (!copy) {
            s = AW_NO_MEMORY;
        } else {
            s = aw__strmap_add(&sys->names, name, len, (void *)(uintptr_t)ref);
            if (s == AW_OK)
                a->name = copy;
            else
                aw__strfree(copy);
            if (s == AW_ALREADY_EXISTS) s = AW_NAME_TAKEN;
        }
    }
    aw__mutex_unlock(&sys->names_lock);
    aw__actor_unpin(a);
    return s;
}

aw_status aw_actor_unregister(aw_actor_system *sys, const char *name) {
    if (!sys || !name) return AW_INVALID_ARGUMENT;
    size_t len = strlen(name);
    aw__mutex_lock(&sys->names_lock);
    void *value = aw__strmap_remove(&sys->names, name, len);
    if (value) {
        /* While the entry existed the actor had not forgotten its name, so
         * the slot still holds that incarnation. */
        aw_actor *a = aw__actor_at(sys, (aw_actor_ref)(uintptr_t)value);
        aw__strfree(a->name);
        a->name = NULL;
    }
    aw__mutex_unlock(&sys->names_lock);
    return value ? AW_OK : AW_NOT_FOUND;
}

aw_actor_ref aw_actor_whereis(aw_actor_system *sys, const char *name) {
    if (!sys || !name) return AW_ACTOR_NONE;
    aw__mutex_lock(&sys->names_lock);
    void *value = aw__strmap_get(&sys->names, name, strlen(name));
    aw__mutex_unlock(&sys->names_lock);
    return (aw_actor_ref)(uintptr_t)value;
}

aw_status aw_actor_send_named(aw_actor_system *sys, const char *name, const aw_msg *msg) {
    if (!sys || !name || !msg) return AW_INVALID_ARGUMENT;
    return aw_actor_send(sys, aw_actor_whereis(sys, name), msg);
}

void aw__registry_forget(aw_actor *a) {
    aw_actor_system *sys = a->sys;
    aw__mutex_lock(&sys->names_lock);
    a->names_closed = true;
    if (a->name) {
        aw__strmap_remove(&sys->names, a->name, strlen(a->name));
        aw__strfree(a->name);
        a->name = NULL;
    }
    aw__mutex_unlock(&sys->names_lock);
}
