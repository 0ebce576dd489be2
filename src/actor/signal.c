/* Exit signals, links and monitors (Erlang semantics): a link is kept on both
 * sides and each side edits only its own set, on its own worker, when the
 * link or unlink signal reaches it; a monitor is kept by the target only. */
#include "actor/signal.h"

#include "base/alloc.h"

static aw_msg exit_msg(aw_actor_ref from, aw_reason reason, uint32_t flags) {
    aw_msg m = {.kind = AW_MSG_EXIT, .sender = from};
    m.word[0] = reason.kind;
    m.word[1] = reason.code;
    m.word[2] = flags;
    return m;
}

static aw_msg down_msg(aw_actor_ref from, uint64_t id, aw_reason reason) {
    aw_msg m = {.kind = AW_MSG_DOWN, .sender = from, .corr = id};
    m.word[0] = reason.kind;
    m.word[1] = reason.code;
    return m;
}

/* Up to this many links a scan is cheapest; beyond, link_index maps each
 * link to its position (a supervisor links to every child, and a scan per
 * link or exit made starting or stopping n children cost n^2). Once built,
 * the index holds every link until the set is emptied or freed. */
#define LINKS_SCANNED 8

static bool links_indexed(const aw_actor *a) {
    return a->link_index.count > 0;
}

/* The position of other in a's links, or -1. */
static int64_t links_find(const aw_actor *a, aw_actor_ref other) {
    if (links_indexed(a)) {
        uint32_t pos;
        return aw__refmap_get(&a->link_index, other, &pos) ? (int64_t)pos : -1;
    }
    for (uint32_t i = 0; i < a->link_count; i++)
        if (a->links[i] == other) return (int64_t)i;
    return -1;
}

static aw_status index_links(aw_actor *a) {
    for (uint32_t i = 0; i < a->link_count; i++) {
        if (aw__refmap_put(&a->link_index, a->links[i], i) != AW_OK) {
            aw__refmap_free(&a->link_index);
            return AW_NO_MEMORY;
        }
    }
    return AW_OK;
}

aw_status aw__links_add(aw_actor *a, aw_actor_ref other) {
    if (links_find(a, other) >= 0) return AW_OK;
    if (a->link_count == a->link_cap) {
        uint32_t cap = a->link_cap ? a->link_cap * 2 : 4;
        aw_actor_ref *links =
            aw__realloc(a->links, a->link_cap * sizeof *links, cap * sizeof *links);
        if (!links) return AW_NO_MEMORY;
        a->links = links;
        a->link_cap = cap;
    }
    if (links_indexed(a) || a->link_count >= LINKS_SCANNED) {
        if (!links_indexed(a) && index_links(a) != AW_OK) return AW_NO_MEMORY;
        if (aw__refmap_put(&a->link_index, other, a->link_count) != AW_OK) return AW_NO_MEMORY;
    }
    a->links[a->link_count++] = other;
    return AW_OK;
}

bool aw__links_remove(aw_actor *a, aw_actor_ref other) {
    int64_t found = links_find(a, other);
    if (found < 0) return false;
    uint32_t pos = (uint32_t)found, last = --a->link_count;
    if (links_indexed(a)) {
        aw__refmap_remove(&a->link_index, other);
        /* Replacing an entry's value never allocates. */
        if (pos != last) aw__refmap_put(&a->link_index, a->links[last], pos);
    }
    a->links[pos] = a->links[last];
    return true;
}

static aw_status monitors_add(aw_actor *a, aw_actor_ref watcher, uint64_t id) {
    if (a->monitor_count == a->monitor_cap) {
        uint32_t cap = a->monitor_cap ? a->monitor_cap * 2 : 4;
        aw__monitor *m = aw__realloc(a->monitors, a->monitor_cap * sizeof *m, cap * sizeof *m);
        if (!m) return AW_NO_MEMORY;
        a->monitors = m;
        a->monitor_cap = cap;
    }
    a->monitors[a->monitor_count++] = (aw__monitor){watcher, id};
    return AW_OK;
}

static void monitors_remove(aw_actor *a, uint64_t id) {
    for (uint32_t i = 0; i < a->monitor_count; i++) {
        if (a->monitors[i].id == id) {
            a->monitors[i] = a->monitors[--a->monitor_count];
            return;
        }
    }
}

void aw__links_notify(aw_actor *a, aw_reason reason, uint32_t flags) {
    aw_actor_system *sys = a->sys;
    for (uint32_t i = 0; i < a->link_count; i++) {
        aw_msg m = exit_msg(a->ref, reason, AW__EXIT_VIA_LINK | flags);
        aw__actor_signal(sys, a->links[i], AW__SIG_EXIT, &m);
    }
    a->link_count = 0;
    aw__refmap_free(&a->link_index);
    for (uint32_t i = 0; i < a->monitor_count; i++) {
        aw_msg m = down_msg(a->ref, a->monitors[i].id, reason);
        aw__actor_signal(sys, a->monitors[i].watcher, AW__SIG_DOWN, &m);
    }
    a->monitor_count = 0;
}

void aw__links_free(aw_actor *a) {
    aw__free(a->links, a->link_cap * sizeof *a->links);
    a->links = NULL;
    a->link_count = a->link_cap = 0;
    aw__refmap_free(&a->link_index);
    aw__free(a->monitors, a->monitor_cap * sizeof *a->monitors);
    a->monitors = NULL;
    a->monitor_count = a->monitor_cap = 0;
}

static bool handle_exit(aw_actor *a, const aw_msg *msg) {
    aw_reason reason = {(uint32_t)msg->word[0], (uint32_t)msg->word[1]};
    uint32_t flags = (uint32_t)msg->word[2];
    if (reason.kind == AW_EXIT_KILL) {
        aw__actor_die(a, (aw_reason){AW_EXIT_KILLED, 0});
        return false;
    }
    /* A link-borne signal from an actor we unlinked from meanwhile is void. */
    if ((flags & AW__EXIT_VIA_LINK) && !aw__links_remove(a, msg->sender)) return true;
    if (a->mode == AW__MODE_AWAITING) {
        if (reason.kind == AW_EXIT_NORMAL) return true;
        aw__actor_die(a, reason);
        return false;
    }
    if (a->trap_exit) {
        aw_msg m = exit_msg(msg->sender, reason, flags);
        aw__actor_accept(a, &m);
        return true;
    }
    if (reason.kind == AW_EXIT_NORMAL) return true;
    aw__actor_die(a, reason);
    return false;
}

bool aw__signal_handle(aw_actor *a, uint32_t sig, const aw_msg *msg) {
    switch (sig) {
        case AW__SIG_EXIT:
            return handle_exit(a, msg);
        case AW__SIG_LINK:
            if (aw__links_add(a, msg->sender) != AW_OK) {
                /* Cannot record the link: behave as if we exited for the other. */
                aw_msg m =
                    exit_msg(a->ref, (aw_reason){AW_EXIT_NOPROC, AW_NO_MEMORY}, AW__EXIT_VIA_LINK);
                aw__actor_signal(a->sys, msg->sender, AW__SIG_EXIT, &m);
            }
            return true;
        case AW__SIG_UNLINK:
            aw__links_remove(a, msg->sender);
            return true;
        case AW__SIG_MONITOR:
            if (monitors_add(a, msg->sender, msg->corr) != AW_OK) {
                aw_msg m = down_msg(a->ref, msg->corr, (aw_reason){AW_EXIT_NOPROC, AW_NO_MEMORY});
                aw__actor_signal(a->sys, msg->sender, AW__SIG_DOWN, &m);
            }
            return true;
        case AW__SIG_DEMONITOR:
            monitors_remove(a, msg->corr);
            return true;
        case AW__SIG_DOWN: {
            aw_msg m = *msg;
            m.kind = AW_MSG_DOWN;
            aw__actor_accept(a, &m);
            return true;
        }
        case AW__SIG_WAKE:
            if (a->mode == AW__MODE_BLOCKED)
                a->mode = AW__MODE_RUNNING;
            else if (a->mode == AW__MODE_RUNNING)
                a->wake_pending = true;
            return true;
        case AW__SIG_RESTART:
            if (a->mode != AW__MODE_AWAITING) return true;
            return aw__actor_restart(a);
        case AW__SIG_RESET:
            if (a->mode == AW__MODE_AWAITING) return true;
            if (a->has_current) {
                aw__deadletter_add(a->sys, a->ref, &a->current, AW_CANCELLED,
                                   (aw_reason){AW_EXIT_SHUTDOWN, 0});
                a->has_current = false;
            }
            aw__actor_await_restart(a, (aw_reason){AW_EXIT_SHUTDOWN, 0});
            return true;
        case AW__SIG_TIMEOUT:
            if (a->receive_timer && msg->corr == a->receive_token) {
                a->receive_timer = 0;
                aw_msg m = {.kind = AW_MSG_TIMEOUT, .sender = a->ref};
                aw__actor_accept(a, &m);
            }
            return true;
        default:
            aw_payload_release(msg->payload);
            return true;
    }
}

void aw__signal_to_dead(aw_actor_system *sys, aw_actor_ref dead, uint32_t sig, const aw_msg *msg) {
    aw_reason noproc = {AW_EXIT_NOPROC, 0};
    if (sig == AW__SIG_LINK) {
        aw_msg m = exit_msg(dead, noproc, AW__EXIT_VIA_LINK);
        aw__actor_signal(sys, msg->sender, AW__SIG_EXIT, &m);
    } else if (sig == AW__SIG_MONITOR) {
        aw_msg m = down_msg(dead, msg->corr, noproc);
        aw__actor_signal(sys, msg->sender, AW__SIG_DOWN, &m);
    } else {
        aw_payload_release(msg->payload);
    }
}

/* ---- the public API ------------------------------------------------------------ */

aw_status aw_actor_exit(aw_actor_system *sys, aw_actor_ref from, aw_actor_ref to,
                        aw_reason reason) {
    if (!sys) return AW_INVALID_ARGUMENT;
    aw_msg m = exit_msg(from, reason, 0);
    return aw__actor_signal(sys, to, AW__SIG_EXIT, &m);
}

aw_status aw_actor_link(aw_actor *self, aw_actor_ref other) {
    if (other == self->ref) return AW_OK;
    if (links_find(self, other) >= 0) return AW_OK;
    aw_status s = aw__links_add(self, other);
    if (s != AW_OK) return s;
    s = aw__actor_signal(self->sys, other, AW__SIG_LINK, &(aw_msg){.sender = self->ref});
    if (s == AW_NO_SUCH_ACTOR) {
        aw_msg m = exit_msg(other, (aw_reason){AW_EXIT_NOPROC, 0}, AW__EXIT_VIA_LINK);
        return aw__actor_signal(self->sys, self->ref, AW__SIG_EXIT, &m);
    }
    if (s != AW_OK) aw__links_remove(self, other);
    return s;
}

aw_status aw_actor_unlink(aw_actor *self, aw_actor_ref other) {
    if (!aw__links_remove(self, other)) return AW_OK;
    aw_status s =
        aw__actor_signal(self->sys, other, AW__SIG_UNLINK, &(aw_msg){.sender = self->ref});
    return s == AW_NO_SUCH_ACTOR ? AW_OK : s;
}

aw_status aw_actor_monitor(aw_actor_system *sys, aw_actor_ref watcher, aw_actor_ref target,
                           uint64_t *id) {
    if (!sys) return AW_INVALID_ARGUMENT;
    uint64_t mid = atomic_fetch_add_explicit(&sys->next_monitor, 1, memory_order_relaxed) + 1;
    if (id) *id = mid;
    aw_msg m = {.sender = watcher, .corr = mid};
    aw_status s = aw__actor_signal(sys, target, AW__SIG_MONITOR, &m);
    if (s == AW_NO_SUCH_ACTOR) {
        aw_msg d = down_msg(target, mid, (aw_reason){AW_EXIT_NOPROC, 0});
        return aw__actor_signal(sys, watcher, AW__SIG_DOWN, &d);
    }
    return s;
}

aw_status aw_actor_demonitor(aw_actor_system *sys, aw_actor_ref target, uint64_t id) {
    if (!sys) return AW_INVALID_ARGUMENT;
    aw_status s = aw__actor_signal(sys, target, AW__SIG_DEMONITOR, &(aw_msg){.corr = id});
    return s == AW_NO_SUCH_ACTOR ? AW_OK : s;
}
