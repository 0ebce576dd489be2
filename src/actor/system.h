/* The actor system's internal structures, shared by the files of src/actor/.
 *
 * Actor cells live in a slot table of chunks that are only freed with the
 * system, and a reference is (generation << 32 | slot index + 1). A sender
 * pins the slot for the few instructions of a push: the slot state word packs
 * the generation, an alive bit and a pin count, so a reference to a dead
 * actor is refused, and the actor is finalised (mailbox drained, slot reused
 * with the next generation) only once it is dead and unpinned.
 *
 * Worker threads send without pinning (two contended atomic operations less
 * per message): they only check the slot word, and a dead actor is finalised
 * only after every worker has passed a quiescent point (between two actor
 * runs, or parked) since it died, the QSBR scheme of RCU. So no worker can
 * still be pushing into a mailbox that is drained and reused. */
#ifndef AW_ACTOR_SYSTEM_H
#define AW_ACTOR_SYSTEM_H

#include "actor/mailbox.h"
#include "actor/refmap.h"
#include "base/strmap.h"

#define AW__SLOT_ALIVE (UINT64_C(1) << 31)
#define AW__SLOT_PINS (AW__SLOT_ALIVE - 1)
#define AW__SLOT_CHUNK 1024u
#define AW__SLOT_CHUNKS 4096u /* up to 4 M actors */

typedef enum aw__mode {
    AW__MODE_RUNNING,  /* delivering messages */
    AW__MODE_BLOCKED,  /* handler returned AW_BLOCK; waits for a wake */
    AW__MODE_AWAITING, /* crashed in place; waits for AW__SIG_RESTART */
    AW__MODE_DEAD
} aw__mode;

typedef struct aw__monitor {
    aw_actor_ref watcher;
    uint64_t id;
} aw__monitor;

typedef struct aw__worker aw__worker;

/* Laid out in 128-byte pairs of lines, since the L2 of these cores fetches
 * a line's pair with it: the first pair holds what senders touch (the slot
 * word and what is set at spawn, then the mailbox's producer line), the second
 * what the running actor writes for every message (the mailbox's consumer
 * line, then the per-run fields). With the producer and consumer lines in one
 * pair, a sender's push pulled in the line the receiver writes per pop. */
struct aw_actor {
    /* Read by senders; written only at spawn and death (and by pins). */
    _Alignas(128) _Atomic uint64_t slot;

    /* Set at spawn, read by everyone who holds a pin. */
    aw_actor_system *sys;
    const aw_behaviour *behaviour;
    void *arg;
    aw_actor_ref ref;
    bool in_place; /* supervised with restart in place */
    bool trap_exit_default;

    /* Its producer line (offset 64) and consumer line (offset 128). */
    aw__mailbox mailbox;

    /* Owned by the worker running the actor (hand-over through run queues).
     * On lines of their own: senders read `slot` above for every message
     * (aw__actor_enter), so a field the running actor writes per message
     * there would move that line between the cores for every send. */
    _Alignas(64) void *state;
    uint32_t mode;       /* aw__mode */
    bool has_current;    /* current is held (YIELD, BLOCK) */
    bool stop_requested; /* aw_actor_stop was called */
    bool trap_exit;
    bool wake_pending;
    bool initialised; /* init succeeded and terminate is owed */
    bool crash_set;   /* aw_actor_crash gave reason */
    aw_reason reason; /* of aw_actor_stop or aw_actor_crash */
    aw_msg current;
    aw__cell *deferred_head; /* messages received while blocked, in order */
    aw__cell *deferred_tail;
    aw_actor_ref *links;
    uint32_t link_count, link_cap;
    aw__refmap link_index; /* link -> its position in links, for large sets (signal.c) */
    aw__monitor *monitors;
    uint32_t monitor_count, monitor_cap;
    aw_timer_id receive_timer;
    uint64_t receive_token;
    aw_actor *run_next;           /* run queue link */
    _Atomic uint32_t last_worker; /* index + 1 of the worker that ran it last */

    /* Under sys->names_lock. */
    char *name;
    bool names_closed;
    /* Under sys->sup_lock: the supervisor state when this is a supervisor. */
    void *sup;

    union {
        /* Under sys->limbo_lock: dead, waiting for the workers' grace period. */
        uint64_t retired_at;
        /* Under sys->slot_lock: finalised, on the free list. */
        uint32_t free_next;
    };
};

typedef struct aw__runq {
    aw__mutex lock;
    aw_actor *head, *tail;
    _Atomic uint32_t length; /* read without the lock by thieves and parkers */
} aw__runq;

struct aw__worker {
    aw_actor_system *sys;
    uint32_t index;
    aw__thread thread;
    aw__cell_cache cells;
    uint64_t rng;
    uint32_t next_streak;  /* consecutive turns taken from next */
    uint64_t *seen_runs;   /* per victim: its run count when last looked at */
    uint64_t *seen_at;     /* per victim: when */
    uint64_t *queue_since; /* per victim: first seen with a non-empty queue, 0: empty */
    aw__runq queue;
    /* Written by the worker, read by thieves and idle checks. */
    _Alignas(64) _Atomic uint32_t running; /* looking for or running actors */
    _Atomic uint64_t runs;                 /* actor runs so far */
    _Atomic uint64_t quiescent;            /* epoch seen between runs; MAX: parked */
    /* The actor this worker scheduled last, run before the queue (like Go's
     * runnext): a reply runs right after its request, on the same core. */
    _Atomic(aw_actor *) next;
};

typedef struct aw__timers aw__timers;
typedef struct aw__deadletters aw__deadletters;

struct aw_actor_system {
    aw_actor_config cfg;
    aw__cell_pool cells;

    /* Slot table. */
    _Atomic(aw_actor *) chunks[AW__SLOT_CHUNKS];
    /* Chunks are over-allocated by one cache line to align the actors, whose
     * producer-written fields sit on their own lines; these are the blocks. */
    void *chunk_raw[AW__SLOT_CHUNKS];
    aw__mutex slot_lock;
    uint32_t slot_next; /* first never-used slot */
    uint32_t slot_free; /* free list head (index + 1), 0: empty */
    _Atomic uint32_t live;

    /* Reclamation of dead actors (system.c). */
    _Atomic uint64_t epoch;
    _Atomic bool limbo_nonempty;
    aw__mutex limbo_lock;
    aw_actor *limbo_head; /* linked by run_next, oldest first */
    aw_actor *limbo_tail;
    bool workers_gone; /* no worker runs: finalise at once */

    /* Scheduler. */
    aw__worker *workers;
    void *workers_raw; /* the block workers are aligned in */
    uint32_t worker_count;
    uint64_t *steal_seen; /* the workers' seen_runs / seen_at / queue_since */
    _Atomic uint32_t next_inject;
    _Atomic uint32_t sleepers;
    _Atomic bool stopping;
    aw__mutex park_lock;
    aw__cond park_cond;

    /* Deterministic mode: workers[0].queue is the set of runnable actors,
     * with a seeded generator and a virtual clock. */
    uint64_t det_rng;
    uint64_t det_now;
    aw__cell_cache det_cells;

    _Atomic bool accepting;
    _Atomic uint64_t messages_left; /* counted while shutting down */
    _Atomic uint64_t next_monitor;
    bool shut_down;

    aw__mutex names_lock;
    aw__strmap names;

    aw__mutex sup_lock;

    aw__timers *timers;
    aw__deadletters *dead;
};

/* Slot table (system.c). */
aw_actor *aw__actor_at(aw_actor_system *sys, aw_actor_ref ref);
/* Pins the live actor named by ref; NULL when it is gone. */
aw_actor *aw__actor_pin(aw_actor_system *sys, aw_actor_ref ref);
void aw__actor_unpin(aw_actor *a);
/* For a push: the live actor named by ref, pinned unless this thread is one
 * of sys's workers (*pinned says which); NULL when it is gone. */
aw_actor *aw__actor_enter(aw_actor_system *sys, aw_actor_ref ref, bool *pinned);
void aw__actor_leave(aw_actor *a, bool pinned);
/* A worker's quiescent point: finalises dead actors whose grace period the
 * workers have all passed. */
void aw__reclaim(aw_actor_system *sys);
/* Finalises everything in limbo (workers stopped). */
void aw__reclaim_all(aw_actor_system *sys);
/* Allocates a slot and sets a->ref (not yet alive); NULL: out of memory. */
aw_actor *aw__slot_alloc(aw_actor_system *sys);
/* Returns the slot of a finalised actor with the next generation. */
void aw__slot_release(aw_actor *a);
/* Marks the actor dead; finalises it now when no pin is held. The caller
 * must not touch the actor afterwards. */
void aw__actor_bury(aw_actor *a);

/* True when the current thread is one of sys's worker threads. */
bool aw__scheduler_on_worker(aw_actor_system *sys);
/* The current thread's cell cache for sys (a worker's) or NULL. */
aw__cell_cache *aw__cell_cache_here(aw_actor_system *sys);
aw__cell *aw__cell_get(aw_actor_system *sys);
void aw__cell_put(aw_actor_system *sys, aw__cell *cell);

/* Scheduler (scheduler.c). */
aw_status aw__scheduler_start(aw_actor_system *sys);
void aw__scheduler_stop(aw_actor_system *sys);
/* Puts an actor whose mailbox push found it idle on a run queue. */
void aw__scheduler_schedule(aw_actor_system *sys, aw_actor *a);
/* True when no actor is queued or running (a snapshot; see scheduler.c). */
bool aw__scheduler_quiet(aw_actor_system *sys);
void aw__scheduler_free(aw_actor_system *sys);
/* Deterministic mode: runs one actor turn; false when nothing was runnable. */
bool aw__scheduler_det_step(aw_actor_system *sys);

/* Actors (actor.c). */
/* Runs up to batch turns of a; true when it must be scheduled again. */
bool aw__actor_run(aw_actor *a, uint32_t batch);
/* Pushes a signal cell (not counted against the capacity) to ref. */
aw_status aw__actor_signal(aw_actor_system *sys, aw_actor_ref to, uint32_t sig, const aw_msg *msg);
/* Hands a message to the actor: current when it can take it, else deferred. */
void aw__actor_accept(aw_actor *a, const aw_msg *msg);
/* The actor exits: held messages to dead letters, terminate, links and
 * monitors notified, slot buried. */
void aw__actor_die(aw_actor *a, aw_reason reason);
/* Crash in place: state terminated, links notified, mailbox kept. */
void aw__actor_await_restart(aw_actor *a, aw_reason reason);
/* Restart in place: init again; false when it failed and the actor died. */
bool aw__actor_restart(aw_actor *a);
/* Finalises a dead, unpinned actor: drains its mailbox, frees its slot. */
void aw__actor_finalise(aw_actor *a);
/* Kills the actor from the shutdown thread (workers stopped). */
void aw__actor_shutdown(aw_actor *a, uint64_t *messages_left);
/* Internal spawn used by supervisors. */
aw_status aw__actor_spawn(aw_actor_system *sys, const aw_behaviour *b, void *arg,
                          const aw_spawn_opts *opts, bool in_place, aw_actor_ref *out);

/* Names (registry.c). */
void aw__registry_forget(aw_actor *a);

/* Dead letters (deadletter.c). */
aw_status aw__deadletters_create(aw_actor_system *sys, uint32_t capacity);
void aw__deadletters_free(aw_actor_system *sys);
/* Records msg (takes its payload reference). */
void aw__deadletter_add(aw_actor_system *sys, aw_actor_ref target, const aw_msg *msg,
                        aw_status status, aw_reason reason);

/* Timers (timer.c). */
aw_status aw__timers_create(aw_actor_system *sys);
/* Stops the timer thread and cancels what is left; returns how many. */
uint32_t aw__timers_stop(aw_actor_system *sys);
void aw__timers_free(aw_actor_system *sys);
/* A timer that pushes signal sig with msg to `to` (receive timeouts). */
aw_status aw__timer_signal_at(aw_actor_system *sys, uint64_t deadline_ns, aw_actor_ref to,
                              uint32_t sig, const aw_msg *msg, aw_timer_id *id);
/* Deterministic mode: the earliest deadline, false when none. */
bool aw__timers_next(aw_actor_system *sys, uint64_t *deadline);
/* Deterministic mode: fires every timer due at the virtual now. */
void aw__timers_fire_due(aw_actor_system *sys);

/* Supervisors (supervisor.c). */
void aw__supervisor_forget(aw_actor *a);

static inline uint32_t aw__ref_index(aw_actor_ref ref) {
    return (uint32_t)(ref & 0xffffffffu) - 1u;
}

#endif
