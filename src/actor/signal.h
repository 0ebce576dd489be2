/* Signals between actors: exit signals, links, monitors, wake and restart,
 * processed by the receiving actor in mailbox order. */
#ifndef AW_ACTOR_SIGNAL_H
#define AW_ACTOR_SIGNAL_H

#include "actor/system.h"

/* Acts on a signal taken from a's mailbox; false when a died of it. */
bool aw__signal_handle(aw_actor *a, uint32_t sig, const aw_msg *msg);
/* A signal found in the mailbox of dead actor `dead`: a link or monitor
 * request is answered with {AW_EXIT_NOPROC}; the rest is dropped. */
void aw__signal_to_dead(aw_actor_system *sys, aw_actor_ref dead, uint32_t sig, const aw_msg *msg);

/* a's own link set (owned by its running worker). */
aw_status aw__links_add(aw_actor *a, aw_actor_ref other);
bool aw__links_remove(aw_actor *a, aw_actor_ref other);
/* Sends every linked actor an exit signal (flags: AW__EXIT_*), every watcher
 * a DOWN, and empties both sets. */
void aw__links_notify(aw_actor *a, aw_reason reason, uint32_t flags);
void aw__links_free(aw_actor *a);

#endif
