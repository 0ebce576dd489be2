/* Request correlation: request id -> waiting requester, deadline, outcome. */
#ifndef AW_MSG_CORRELATE_H
#define AW_MSG_CORRELATE_H

#include "msg/envelope.h"

/* How the outcome of a request reaches its requester. */
typedef enum aw__reply_mode {
    /* A RESPONSE or ERROR envelope message in its mailbox (send-request and
     * handle-callback). */
    AW__REPLY_MESSAGE,
    /* The outcome is kept in the table and the requester, parked with
     * AW_BLOCK, is woken (aw_actor_wake) to take it with aw__correlate_collect
     * (the synchronous `call`). */
    AW__REPLY_WAKE,
} aw__reply_mode;

typedef struct aw__request_info {
    aw_actor_ref requester;         /* who waits for the outcome */
    const aw__name *requester_name; /* the reply's `to`; NULL: the host */
    aw_actor_ref target;            /* the instance the request went to */
    const aw__name *target_name;    /* the reply's `from` */
    uint64_t deadline_ns;           /* actor system clock; 0: no timeout */
    aw__reply_mode mode;
    aw__trace trace;                /* the request's; the reply continues it */
} aw__request_info;

typedef struct aw__correlate_stats {
    uint64_t pending;     /* requests waiting now (including kept outcomes) */
    uint64_t started;
    uint64_t answered;    /* response or error from the target (or the host) */
    uint64_t timed_out;
    uint64_t cancelled;   /* by the requester, or because it crashed */
    uint64_t late;        /* answers for requests no longer pending: dropped */
    uint64_t undelivered; /* outcomes the requester's mailbox refused */
} aw__correlate_stats;

typedef struct aw__correlate aw__correlate;

/* A table for system sys (kept) holding at most max_pending requests. It
 * spawns one small native actor that turns deadline timers into timeouts.
 * Thread-safe: every call may come from any thread. */
aw_status aw__correlate_create(aw_actor_system *sys, uint32_t max_pending, aw__correlate **out);
/* Stops the timer actor, waits for it to be gone (driving a deterministic
 * system meanwhile), and frees the table and every kept outcome; accepts
 * NULL. Call it from a thread that is not one of the system's workers. */
void aw__correlate_destroy(aw__correlate *c);

/* Registers a request and arms its deadline; *request_id gets a non-zero id
 * (never reused while the table lives, below 2^63). AW_LIMIT_EXCEEDED when
 * max_pending requests are waiting, AW_NO_MEMORY, or the timer's status. */
aw_status aw__correlate_begin(aw__correlate *c, const aw__request_info *info,
                              uint64_t *request_id);

/* Delivers the response to request_id (takes payload). Exactly one outcome
 * per request: AW_NOT_FOUND when it already has one, was cancelled, timed
 * out or never existed; the answer is dropped and counted as late. */
aw_status aw__correlate_respond(aw__correlate *c, uint64_t request_id, aw_payload *payload);
/* As respond, with an error outcome (message may be NULL; taken). Used for
 * target-error (the handler's error string), target-crashed (the instance
 * crashed while handling it), unknown-target, denied. */
aw_status aw__correlate_fail(aw__correlate *c, uint64_t request_id, aw__request_error error,
                             aw_payload *message);

/* The requester gives up on request_id: no outcome is delivered afterwards.
 * AW_OK when it was still waiting (cancel-request's true), AW_NOT_FOUND
 * otherwise or when requester is not the one that made it. */
aw_status aw__correlate_cancel(aw__correlate *c, uint64_t request_id, aw_actor_ref requester);

/* AW__REPLY_WAKE: takes the outcome of request_id into *out (the caller
 * releases it) and forgets the request. AW_SUSPENDED while it is pending (a
 * wake meant for something else), AW_NOT_FOUND for an unknown id or a
 * different requester. */
aw_status aw__correlate_collect(aw__correlate *c, uint64_t request_id, aw_actor_ref requester,
                                aw__envelope *out);

/* The deadline of a pending request (0: none or unknown). */
uint64_t aw__correlate_deadline(aw__correlate *c, uint64_t request_id);

/* The requester crashed or stopped: its pending requests are cancelled and
 * kept outcomes dropped, with no delivery. Returns how many. */
size_t aw__correlate_requester_down(aw__correlate *c, aw_actor_ref requester);
/* The target instance is gone for good (not restarted in place, so nobody
 * will handle its queue): each request pending on it fails with error
 * (normally target-crashed). Returns how many. */
size_t aw__correlate_target_down(aw__correlate *c, aw_actor_ref target, aw__request_error error);

void aw__correlate_get_stats(aw__correlate *c, aw__correlate_stats *out);

#endif
