/* The actor runtime: native C actors with mailboxes, a work-stealing
 * scheduler, timers, links, monitors, supervisors and dead letters.
 *
 * Model: Erlang/OTP processes. An actor is a behaviour (three C callbacks) plus
 * its state, addressed by an aw_actor_ref that stays safe to use after the
 * actor died (sends then fail with AW_NO_SUCH_ACTOR). Every function here may
 * be called from any thread unless it takes an aw_actor *self, which is only
 * valid inside that actor's own callbacks. */
#ifndef AIRWASM_ACTOR_H
#define AIRWASM_ACTOR_H

#include "airwasm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aw_actor_system aw_actor_system;
/* The running actor, handed to its callbacks; valid only during the call. */
typedef struct aw_actor aw_actor;
/* A generation-checked reference to an actor; 0 (AW_ACTOR_NONE) is none.
 * It never dangles: once the actor is gone it just names nobody. */
typedef uint64_t aw_actor_ref;
#define AW_ACTOR_NONE ((aw_actor_ref)0)
/* A timer handle for cancellation; 0 is none. */
typedef uint64_t aw_timer_id;

/* ---- Payloads ------------------------------------------------------------ */

/* An immutable, reference-counted byte buffer carried by messages, so a send
 * never copies bytes and one payload can go to many receivers. The refcount
 * field is private: use retain/release. */
typedef struct aw_payload {
    _Atomic uint32_t refs_;
    uint32_t capacity_;
    size_t len;
    uint8_t bytes[];
} aw_payload;

/* A payload of len bytes (uninitialised; fill before sending) with one
 * reference: one allocation, shared by every message that carries it.
 * NULL on failure. */
AW_API aw_payload *aw_payload_new(size_t len);
/* A payload holding a copy of bytes[0..len). */
AW_API aw_payload *aw_payload_copy(const void *bytes, size_t len);
/* Adds a reference; returns p. */
AW_API aw_payload *aw_payload_retain(aw_payload *p);
/* Drops a reference, freeing on the last; NULL is accepted. */
AW_API void aw_payload_release(aw_payload *p);

/* ---- Messages ------------------------------------------------------------ */

#define AW_MSG_WORDS 4

/* A message: a fixed envelope of 64-bit words plus an optional payload. It is
 * copied into a pooled mailbox cell, so sending allocates nothing. */
typedef struct aw_msg {
    uint64_t kind;               /* the message tag; see AW_MSG_* for system kinds */
    uint64_t corr;               /* correlation id (requests / replies / monitors) */
    aw_actor_ref sender;         /* who sent it (or AW_ACTOR_NONE) */
    uint64_t word[AW_MSG_WORDS]; /* free for the sender */
    aw_payload *payload;         /* one reference, or NULL */
} aw_msg;

/* Kinds with this bit set are produced by the runtime; user kinds stay below. */
#define AW_MSG_SYSTEM (UINT64_C(1) << 63)
/* A linked actor exited and this actor traps exits: sender = the actor that
 * exited (or sent the exit signal), word[0] = aw_exit_kind, word[1] = code,
 * word[2] = AW_EXIT_FLAG_* bits. */
#define AW_MSG_EXIT (AW_MSG_SYSTEM | 1u)
/* The signal came over a link (not from aw_actor_exit). */
#define AW_EXIT_FLAG_LINK 1u
/* The sender crashed and waits for a restart in place: its reference and
 * mailbox stay valid. */
#define AW_EXIT_FLAG_IN_PLACE 2u
/* A monitored actor is gone: sender = it, corr = the monitor id,
 * word[0] = aw_exit_kind, word[1] = code (AW_EXIT_NOPROC if it never was). */
#define AW_MSG_DOWN (AW_MSG_SYSTEM | 2u)
/* The receive timeout set with aw_actor_receive_timeout expired. */
#define AW_MSG_TIMEOUT (AW_MSG_SYSTEM | 3u)

/* ---- Exit reasons --------------------------------------------------------- */

typedef enum aw_exit_kind {
    AW_EXIT_NORMAL,      /* finished; links ignore it unless trapping */
    AW_EXIT_SHUTDOWN,    /* asked to stop (supervisor, system shutdown) */
    AW_EXIT_KILL,        /* as a signal: untrappable; the victim exits KILLED */
    AW_EXIT_KILLED,      /* the reason of an actor that received KILL */
    AW_EXIT_CRASH,       /* the handler crashed (code: user or aw_trap value) */
    AW_EXIT_NOPROC,      /* the target did not exist */
    AW_EXIT_INIT_FAILED, /* init returned an error (code: the aw_status) */
    AW_EXIT_ESCALATED    /* a supervisor gave up: restart intensity exceeded */
} aw_exit_kind;

typedef struct aw_reason {
    uint32_t kind; /* aw_exit_kind */
    uint32_t code;
} aw_reason;

/* "normal", "shutdown", ... */
AW_API const char *aw_exit_kind_name(uint32_t kind);

/* ---- Behaviours and the handler contract --------------------------------- */

/* What a handler did with the message it was given. */
typedef enum aw_handled {
    /* The message is consumed; the runtime releases its payload. */
    AW_DONE,
    /* Run me again later with the SAME message (e.g. a fuel slice ended mid
     * message). The actor goes to the back of the run queue; other actors run
     * meanwhile. Exit signals are still processed while a message is held. */
    AW_YIELD,
    /* Park me and keep the SAME message; deliver nothing else until someone
     * calls aw_actor_wake(ref), then call me again with that message. Exit
     * signals, links and monitors are still processed while blocked; ordinary
     * messages queue up behind. Like a condition variable the handler may be
     * called again after a wake meant for an earlier block, so it must check
     * its condition and return AW_BLOCK again if it is not met. */
    AW_BLOCK,
    /* The handler crashed: the message goes to the dead letters with the
     * reason (set with aw_actor_crash, else {AW_EXIT_CRASH, 0}) and the actor
     * exits (or waits for a restart in place when its supervisor asked so). */
    AW_CRASH
} aw_handled;

typedef struct aw_behaviour {
    const char *name; /* for logs; may be NULL */
    /* Builds the state from the spawn argument. Called once at spawn, in the
     * spawning thread (so spawn reports its failure), and again on the actor's
     * worker for a restart in place. May be NULL: the state is then arg.
     * A status other than AW_OK fails the spawn (AW_EXIT_INIT_FAILED). */
    aw_status (*init)(aw_actor *self, void *arg, void **state);
    /* Handles one message. msg is borrowed for the call (retain the payload
     * to keep it). Called by one worker at a time, never concurrently. */
    aw_handled (*handle)(aw_actor *self, void *state, const aw_msg *msg);
    /* Frees the state; called exactly once per successful init, with the exit
     * reason, also before a restart in place. May be NULL. */
    void (*terminate)(aw_actor *self, void *state, aw_reason reason);
} aw_behaviour;

/* ---- The system ----------------------------------------------------------- */

typedef struct aw_actor_config {
    uint32_t workers;          /* worker threads; 0: one per core */
    uint32_t batch;            /* messages per run before yielding; 0: 64 */
    uint32_t mailbox_capacity; /* default bound per actor; 0: 65536 */
    uint32_t dead_letters;     /* dead-letter log size; 0: 1024 */
    uint64_t spin_ns;          /* how long an idle worker spins before parking; 0: 50 us */
    /* Deterministic mode (CONVENTIONS rule 15): no threads; the thread that
     * calls aw_actor_system_run drives a seeded interleaving and a virtual
     * clock. seed 0 picks one from the clock; it is logged and readable with
     * aw_actor_system_seed so a rerun with it reproduces the schedule. */
    bool deterministic;
    uint64_t seed;
} aw_actor_config;

/* Creates a system (cfg may be NULL for defaults; copied) and starts its
 * workers and timer thread. *out is NULL on failure. */
AW_API aw_status aw_actor_system_create(const aw_actor_config *cfg, aw_actor_system **out);

typedef struct aw_shutdown_report {
    bool drained;           /* every mailbox was empty when the workers stopped */
    uint32_t actors_left;   /* live actors that were stopped with AW_EXIT_SHUTDOWN */
    uint64_t messages_left; /* queued messages moved to the dead letters */
    uint32_t timers_left;   /* pending timers cancelled */
} aw_shutdown_report;

/* Stops the system: waits up to drain_ns for every mailbox to empty, stops the
 * workers, then terminates the actors still alive (terminate called with
 * AW_EXIT_SHUTDOWN), cancels timers and reports what was left (report may be
 * NULL). The system accepts no more sends afterwards (AW_SHUTTING_DOWN).
 * Call from a thread that is not one of its workers. */
AW_API aw_status aw_actor_system_shutdown(aw_actor_system *sys, uint64_t drain_ns,
                                          aw_shutdown_report *report);
/* Shuts down (drain 0) if needed and frees the system; NULL is accepted. */
AW_API void aw_actor_system_destroy(aw_actor_system *sys);

/* Waits until no actor is runnable or running (mailboxes empty or actors
 * blocked) or timeout_ns passed (AW_TIMEOUT). In deterministic mode it runs
 * the system on this thread instead, firing due timers by advancing the
 * virtual clock, until nothing is left to do. */
AW_API aw_status aw_actor_system_wait_idle(aw_actor_system *sys, uint64_t timeout_ns);
/* Deterministic mode: runs at most max_steps actor turns; returns how many ran. */
AW_API uint64_t aw_actor_system_run(aw_actor_system *sys, uint64_t max_steps);
/* The system clock in ns (virtual in deterministic mode, monotonic otherwise). */
AW_API uint64_t aw_actor_system_now(const aw_actor_system *sys);
/* The seed of deterministic mode (0 otherwise). */
AW_API uint64_t aw_actor_system_seed(const aw_actor_system *sys);
/* Actors spawned and not yet gone. */
AW_API uint32_t aw_actor_system_live(const aw_actor_system *sys);
/* The worker threads actually started (0 in deterministic mode). */
AW_API uint32_t aw_actor_system_workers(const aw_actor_system *sys);

/* ---- Actors ---------------------------------------------------------------- */

typedef struct aw_spawn_opts {
    uint32_t mailbox_capacity; /* 0: the system default; UINT32_MAX: unbounded */
    const char *name;          /* register under this name (copied); NULL: none */
    bool trap_exit;            /* exit signals arrive as AW_MSG_EXIT messages */
    aw_actor_ref link;         /* link to this actor atomically with the spawn */
} aw_spawn_opts;

/* Spawns an actor running behaviour b (kept: must outlive the actor) with
 * arg (passed to init). opts may be NULL. init runs in this thread before the
 * actor can receive anything. Fails with the init status, AW_NAME_TAKEN,
 * AW_NO_SUCH_ACTOR (opts->link is gone), AW_SHUTTING_DOWN or AW_NO_MEMORY. */
AW_API aw_status aw_actor_spawn(aw_actor_system *sys, const aw_behaviour *b, void *arg,
                                const aw_spawn_opts *opts, aw_actor_ref *out);

/* Sends msg (copied) to `to`. Messages from one sender arrive in the order
 * sent. Fails fast, never blocking:
 * - AW_MAILBOX_FULL: nothing happened; the caller keeps msg->payload's
 *   reference (to retry later, or release it);
 * - AW_NO_SUCH_ACTOR, AW_SHUTTING_DOWN (and AW_OK): the reference is taken;
 *   an undeliverable message goes to the dead-letter log with the status. */
AW_API aw_status aw_actor_send(aw_actor_system *sys, aw_actor_ref to, const aw_msg *msg);

/* Inside callbacks: the actor's own reference and its system. */
AW_API aw_actor_ref aw_actor_self(const aw_actor *self);
AW_API aw_actor_system *aw_actor_system_of(const aw_actor *self);

/* Inside a handler: the actor exits with reason once the handler returns. */
AW_API void aw_actor_stop(aw_actor *self, aw_reason reason);
/* Inside a handler: records the crash reason {AW_EXIT_CRASH, code} and returns
 * AW_CRASH, so a handler can `return aw_actor_crash(self, code);`. */
AW_API aw_handled aw_actor_crash(aw_actor *self, uint32_t code);
/* Inside callbacks: turn exit signals into AW_MSG_EXIT messages (or not). */
AW_API void aw_actor_trap_exit(aw_actor *self, bool on);
/* Inside callbacks: deliver AW_MSG_TIMEOUT if no message arrives within
 * timeout_ns from now (Erlang's receive ... after); 0 turns it off. */
AW_API void aw_actor_receive_timeout(aw_actor *self, uint64_t timeout_ns);

/* Sends an exit signal from `from` (may be AW_ACTOR_NONE) to `to`, as
 * erlang:exit/2: AW_EXIT_KILL always kills; a trapping actor receives other
 * reasons as AW_MSG_EXIT; otherwise NORMAL is ignored and any other reason
 * makes the target exit with it. */
AW_API aw_status aw_actor_exit(aw_actor_system *sys, aw_actor_ref from, aw_actor_ref to,
                               aw_reason reason);
/* Wakes an actor whose handler returned AW_BLOCK (see aw_handled). A wake for
 * an actor that is not blocked is remembered for its next AW_BLOCK. */
AW_API aw_status aw_actor_wake(aw_actor_system *sys, aw_actor_ref ref);
/* True while ref names a live actor (a snapshot). */
AW_API bool aw_actor_alive(aw_actor_system *sys, aw_actor_ref ref);
/* Messages waiting for ref's handler, counted against its capacity (a
 * snapshot, for metrics and back-pressure). AW_NO_SUCH_ACTOR when gone. */
AW_API aw_status aw_actor_mailbox_length(aw_actor_system *sys, aw_actor_ref ref, uint64_t *out);

/* Inside callbacks: a bidirectional link between self and other. When one
 * exits the other gets an exit signal with the reason. Linking to an actor
 * that is gone delivers {AW_EXIT_NOPROC} at once. */
AW_API aw_status aw_actor_link(aw_actor *self, aw_actor_ref other);
AW_API aw_status aw_actor_unlink(aw_actor *self, aw_actor_ref other);
/* watcher gets one AW_MSG_DOWN (corr = *id) when target exits, or at once
 * with AW_EXIT_NOPROC if it is already gone. */
AW_API aw_status aw_actor_monitor(aw_actor_system *sys, aw_actor_ref watcher, aw_actor_ref target,
                                  uint64_t *id);
/* Removes a monitor; a DOWN already on its way may still arrive. */
AW_API aw_status aw_actor_demonitor(aw_actor_system *sys, aw_actor_ref target, uint64_t id);

/* ---- Names ------------------------------------------------------------------ */

/* Registers name (copied) for ref; one name per actor, unique per system;
 * removed when the actor exits. AW_NAME_TAKEN, AW_NO_SUCH_ACTOR. */
AW_API aw_status aw_actor_register(aw_actor_system *sys, const char *name, aw_actor_ref ref);
AW_API aw_status aw_actor_unregister(aw_actor_system *sys, const char *name);
/* The actor registered under name, or AW_ACTOR_NONE. */
AW_API aw_actor_ref aw_actor_whereis(aw_actor_system *sys, const char *name);
/* aw_actor_send to a registered name (AW_NO_SUCH_ACTOR when unknown). */
AW_API aw_status aw_actor_send_named(aw_actor_system *sys, const char *name, const aw_msg *msg);

/* ---- Timers ----------------------------------------------------------------- */

/* Sends msg to `to` at deadline_ns (system clock) / after delay_ns. Takes the
 * payload reference (released if cancelled). *id (may be NULL) cancels it. */
AW_API aw_status aw_timer_send_at(aw_actor_system *sys, uint64_t deadline_ns, aw_actor_ref to,
                                  const aw_msg *msg, aw_timer_id *id);
AW_API aw_status aw_timer_send_after(aw_actor_system *sys, uint64_t delay_ns, aw_actor_ref to,
                                     const aw_msg *msg, aw_timer_id *id);
/* Calls fn(sys, arg) at the deadline on the timer thread (the driving thread in
 * deterministic mode). fn must be short and must not block; it may send. */
typedef void (*aw_timer_fn)(aw_actor_system *sys, void *arg);
AW_API aw_status aw_timer_call_at(aw_actor_system *sys, uint64_t deadline_ns, aw_timer_fn fn,
                                  void *arg, aw_timer_id *id);
AW_API aw_status aw_timer_call_after(aw_actor_system *sys, uint64_t delay_ns, aw_timer_fn fn,
                                     void *arg, aw_timer_id *id);
/* AW_OK: cancelled before it fired (a callback will not run, a payload was
 * released). AW_NOT_FOUND: it already fired or was cancelled. */
AW_API aw_status aw_timer_cancel(aw_actor_system *sys, aw_timer_id id);
/* Pending timers. */
AW_API uint32_t aw_timer_pending(aw_actor_system *sys);

/* ---- Dead letters ------------------------------------------------------------- */

typedef struct aw_dead_letter {
    aw_actor_ref target;
    aw_msg msg;       /* its payload reference belongs to whoever took the letter */
    aw_status status; /* AW_NO_SUCH_ACTOR (gone, or exited with it queued),
                         AW_TRAP (its handler crashed),
                         AW_CANCELLED (held when a supervisor reset the actor
                         in place), AW_SHUTTING_DOWN (left at shutdown),
                         AW_NO_MEMORY (could not be set aside while blocked) */
    aw_reason reason; /* the target's exit or crash reason when known */
} aw_dead_letter;

/* Moves up to max of the oldest dead letters into out (caller releases each
 * out[i].msg.payload with aw_payload_release); returns how many. */
AW_API size_t aw_dead_letters_take(aw_actor_system *sys, aw_dead_letter *out, size_t max);
/* Dead letters recorded since creation, and those evicted because the log
 * was full. */
AW_API uint64_t aw_dead_letters_total(aw_actor_system *sys);
AW_API uint64_t aw_dead_letters_dropped(aw_actor_system *sys);

/* ---- Supervisors --------------------------------------------------------------- */

typedef enum aw_strategy {
    AW_ONE_FOR_ONE, /* restart the child that exited */
    AW_ONE_FOR_ALL, /* stop all children, restart all */
    AW_REST_FOR_ONE /* stop the children started after it, restart those and it */
} aw_strategy;

typedef enum aw_restart {
    AW_PERMANENT, /* always restarted */
    AW_TRANSIENT, /* restarted only after an abnormal exit (not NORMAL/SHUTDOWN) */
    AW_TEMPORARY  /* never restarted */
} aw_restart;

struct aw_supervisor_spec;

typedef struct aw_child_spec {
    const char *id;                              /* for logs and lookups (copied) */
    const aw_behaviour *behaviour;               /* kept; NULL when supervisor is set */
    void *arg;                                   /* kept: passed to init at every start */
    const struct aw_supervisor_spec *supervisor; /* a nested supervisor (copied) */
    aw_spawn_opts opts;                          /* name copied; link is ignored */
    aw_restart restart;
    /* Restart as the SAME actor: same reference, same mailbox with its queued
     * messages; init builds fresh state. Otherwise a new actor is spawned. */
    bool restart_in_place;
    uint64_t shutdown_ns; /* grace period when stopping it; 0: 5 s, then KILL */
} aw_child_spec;

typedef struct aw_supervisor_spec {
    aw_strategy strategy;
    uint32_t intensity;  /* at most this many restarts ... (0: 3) */
    uint64_t period_ns;  /* ... within this period (0: 5 s), else escalate */
    uint64_t backoff_ns; /* first restart delay; doubled per consecutive restart
                            of a child (0: restart at once) */
    uint64_t backoff_max_ns;
    const aw_child_spec *children; /* borrowed during start; copied */
    size_t child_count;
} aw_supervisor_spec;

/* Starts a supervisor actor and its children in order (each init runs before
 * the next starts). On a child's init failure the started ones are stopped in
 * reverse and the status returned. opts (may be NULL) as for spawn. When the
 * intensity is exceeded the supervisor stops its children in reverse order
 * and exits with AW_EXIT_ESCALATED, which its own supervisor (linked) sees. */
AW_API aw_status aw_supervisor_start(aw_actor_system *sys, const aw_supervisor_spec *spec,
                                     const aw_spawn_opts *opts, aw_actor_ref *out);
/* The current reference of child index i (spec order), AW_ACTOR_NONE while it
 * is not running. AW_NO_SUCH_ACTOR when sup is not a live supervisor. */
AW_API aw_status aw_supervisor_child(aw_actor_system *sys, aw_actor_ref sup, size_t index,
                                     aw_actor_ref *out);
/* Restarts the supervisor has performed so far. */
AW_API aw_status aw_supervisor_restarts(aw_actor_system *sys, aw_actor_ref sup, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif
