/* Shared helpers of the msg-layer tests that use native actors: a recorder
 * actor that keeps what it receives as envelopes, and system setup. */
#ifndef AW_TEST_MSG_FIXTURE_H
#define AW_TEST_MSG_FIXTURE_H

#include "test_support.h"

#include "airwasm/actor.h"
#include "msg/envelope.h"
#include "platform/os.h"
#include "platform/thread.h"

#include <stdatomic.h>
#include <string.h>

#define S(text) text, strlen(text)
#define RECORD_MAX 64

/* One received envelope, copied out of the mailbox message. */
typedef struct received {
    uint8_t kind;
    uint8_t error;
    uint64_t request_id;
    const aw__name *from;
    aw_actor_ref sender;
    aw__trace trace;
    size_t len;
    uint8_t bytes[32];
} received;

typedef struct recorder {
    aw__mutex lock;
    received got[RECORD_MAX];
    _Atomic uint64_t count;
} recorder;

static inline void recorder_init(recorder *r) {
    memset(r, 0, sizeof *r);
    assert_int_equal(aw__mutex_init(&r->lock), AW_OK);
    atomic_init(&r->count, 0);
}

static inline void recorder_add(recorder *r, const aw_msg *msg) {
    aw__envelope view;
    if (aw__envelope_view_msg(msg, &view) != AW_OK) return;
    aw__mutex_lock(&r->lock);
    uint64_t n = atomic_load(&r->count);
    if (n < RECORD_MAX) {
        received *g = &r->got[n];
        g->kind = view.kind;
        g->error = view.error;
        g->request_id = view.request_id;
        g->from = view.from;
        g->sender = msg->sender;
        g->trace = view.trace;
        g->len = view.payload ? view.payload->len : 0;
        if (g->len) memcpy(g->bytes, view.payload->bytes, g->len < 32 ? g->len : 32);
    }
    atomic_store(&r->count, n + 1);
    aw__mutex_unlock(&r->lock);
}

static inline received recorder_get(recorder *r, uint64_t i) {
    aw__mutex_lock(&r->lock);
    received g = r->got[i];
    aw__mutex_unlock(&r->lock);
    return g;
}

static inline aw_handled recorder_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    recorder_add(state, msg);
    return AW_DONE;
}

static const aw_behaviour recorder_behaviour = {"recorder", NULL, recorder_handle, NULL};

static inline aw_actor_ref spawn_recorder(aw_actor_system *sys, recorder *r) {
    aw_actor_ref ref;
    assert_int_equal(aw_actor_spawn(sys, &recorder_behaviour, r, NULL, &ref), AW_OK);
    return ref;
}

/* Polls until *value reaches want or 10 s pass. */
static inline void wait_count(_Atomic uint64_t *value, uint64_t want) {
    uint64_t deadline = aw__clock_ns() + 10000000000u;
    while (atomic_load(value) < want && aw__clock_ns() < deadline) aw__sleep_ns(100000);
    assert_true(atomic_load(value) >= want);
}

static inline aw_actor_system *msg_system(uint32_t workers) {
    aw_actor_config cfg = {.workers = workers};
    aw_actor_system *sys = NULL;
    assert_int_equal(aw_actor_system_create(&cfg, &sys), AW_OK);
    return sys;
}

static inline void msg_system_finish(aw_actor_system *sys) {
    aw_shutdown_report report;
    assert_int_equal(aw_actor_system_shutdown(sys, 5000000000u, &report), AW_OK);
    aw_dead_letter letters[16];
    size_t n;
    while ((n = aw_dead_letters_take(sys, letters, 16)) > 0)
        for (size_t i = 0; i < n; i++) aw_payload_release(letters[i].msg.payload);
    aw_actor_system_destroy(sys);
}

#endif
