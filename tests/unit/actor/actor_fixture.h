/* Shared helpers of the actor-layer tests: per-test leak and live-actor
 * checks, a polling wait, and a few small behaviours. */
#ifndef AW_TEST_ACTOR_FIXTURE_H
#define AW_TEST_ACTOR_FIXTURE_H

#include "test_support.h"

#include "airwasm/actor.h"
#include "platform/os.h"
#include "platform/thread.h"

#include <stdatomic.h>
#include <string.h>

static int64_t fixture_blocks;

/* Per test: no leaked blocks at the end (CONVENTIONS rule 18). */
static inline int fixture_setup(void **state) {
    (void)state;
    fixture_blocks = aw_alloc_live_blocks();
    return 0;
}

static inline int fixture_teardown(void **state) {
    (void)state;
    int64_t live = aw_alloc_live_blocks() - fixture_blocks;
    if (live != 0) print_error("test leaked %lld blocks\n", (long long)live);
    return live == 0 ? 0 : -1;
}

#define ACTOR_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

static inline aw_actor_system *make_system(uint32_t workers) {
    aw_actor_config cfg = {.workers = workers};
    aw_actor_system *sys = NULL;
    assert_int_equal(aw_actor_system_create(&cfg, &sys), AW_OK);
    return sys;
}

/* Stops the system, asserting no actor is left alive. */
static inline void finish_system(aw_actor_system *sys) {
    aw_shutdown_report report;
    assert_int_equal(aw_actor_system_shutdown(sys, 5000000000u, &report), AW_OK);
    assert_int_equal(report.actors_left, 0);
    assert_int_equal(aw_actor_system_live(sys), 0);
    aw_actor_system_destroy(sys);
}

/* Releases the payloads of every dead letter and returns how many there were
 * with the given status (any status when status < 0). */
static inline size_t drain_dead_letters(aw_actor_system *sys, int status) {
    aw_dead_letter letters[64];
    size_t matched = 0, n;
    while ((n = aw_dead_letters_take(sys, letters, 64)) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (status < 0 || (int)letters[i].status == status) matched++;
            aw_payload_release(letters[i].msg.payload);
        }
    }
    return matched;
}

/* Polls until *value reaches want or 10 s pass. */
static inline void wait_for(_Atomic uint64_t *value, uint64_t want) {
    uint64_t deadline = aw__clock_ns() + 10000000000u;
    while (atomic_load(value) < want && aw__clock_ns() < deadline) aw__sleep_ns(100000);
    assert_int_equal(atomic_load(value), want);
}

static inline aw_msg msg_of(uint64_t kind, uint64_t w0, uint64_t w1) {
    aw_msg m = {.kind = kind};
    m.word[0] = w0;
    m.word[1] = w1;
    return m;
}

/* A kind that makes the stop_or_crash behaviour stop or crash. */
#define KIND_STOP 100u
#define KIND_CRASH 101u

/* Exits normally on KIND_STOP, crashes with code word[0] on KIND_CRASH, and
 * counts everything else in *(_Atomic uint64_t *)arg (may be NULL). */
static inline aw_handled stop_or_crash_handle(aw_actor *self, void *state, const aw_msg *msg) {
    if (msg->kind == KIND_STOP) {
        aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
        return AW_DONE;
    }
    if (msg->kind == KIND_CRASH) return aw_actor_crash(self, (uint32_t)msg->word[0]);
    if (state) atomic_fetch_add((_Atomic uint64_t *)state, 1);
    return AW_DONE;
}

static const aw_behaviour stop_or_crash = {"stop_or_crash", NULL, stop_or_crash_handle, NULL};

#endif
