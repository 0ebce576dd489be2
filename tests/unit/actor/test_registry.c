/* Tests of registered names: uniqueness, lookups and races with exits. */
#include "actor_fixture.h"

static void test_names_are_unique_and_released_at_exit(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    _Atomic uint64_t count = 0;
    aw_actor_ref a, b;
    aw_spawn_opts named = {.name = "billing"};
    assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &count, &named, &a), AW_OK);
    assert_int_equal(aw_actor_whereis(sys, "billing"), a);
    assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &count, &named, &b), AW_NAME_TAKEN);
    assert_int_equal(aw_actor_system_live(sys), 1);
    assert_int_equal(aw_actor_spawn(sys, &stop_or_crash, &count, NULL, &b), AW_OK);
    assert_int_equal(aw_actor_register(sys, "billing", b), AW_NAME_TAKEN);
    assert_int_equal(aw_actor_register(sys, "other", a), AW_ALREADY_EXISTS);
    assert_int_equal(aw_actor_register(sys, "ledger", b), AW_OK);
    assert_int_equal(aw_actor_send_named(sys, "billing", &(aw_msg){.kind = 1}), AW_OK);
    assert_int_equal(aw_actor_send_named(sys, "nobody", &(aw_msg){.kind = 1}), AW_NO_SUCH_ACTOR);
    wait_for(&count, 1);
    assert_int_equal(aw_actor_unregister(sys, "ledger"), AW_OK);
    assert_int_equal(aw_actor_unregister(sys, "ledger"), AW_NOT_FOUND);
    assert_int_equal(aw_actor_whereis(sys, "ledger"), AW_ACTOR_NONE);
    assert_int_equal(aw_actor_send(sys, a, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    assert_int_equal(aw_actor_whereis(sys, "billing"), AW_ACTOR_NONE);
    assert_int_equal(aw_actor_register(sys, "billing", b), AW_OK);
    assert_int_equal(aw_actor_register(sys, "billing", a), AW_NO_SUCH_ACTOR);
    assert_int_equal(aw_actor_send(sys, b, &(aw_msg){.kind = KIND_STOP}), AW_OK);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

enum { RACERS = 4, ROUNDS = 300 };

/* Counts holders of the contested name: init runs after the name is
 * registered and terminate before it is released, so more than one holder at
 * a time would mean two actors held the name together. */
static _Atomic uint64_t holders, max_holders;

static aw_status holder_init(aw_actor *self, void *arg, void **state) {
    (void)self;
    uint64_t now = atomic_fetch_add(&holders, 1) + 1;
    uint64_t seen = atomic_load(&max_holders);
    while (now > seen && !atomic_compare_exchange_weak(&max_holders, &seen, now)) {
    }
    *state = arg;
    return AW_OK;
}

static void holder_terminate(aw_actor *self, void *state, aw_reason reason) {
    (void)self;
    (void)state;
    (void)reason;
    atomic_fetch_sub(&holders, 1);
}

static const aw_behaviour holder = {"holder", holder_init, stop_or_crash_handle, holder_terminate};

typedef struct race {
    aw_actor_system *sys;
    _Atomic uint64_t *count;
    uint64_t won, lost;
} race;

/* Every racer keeps spawning actors under the same name; a winner stops its
 * actor at once, freeing the name for the next winner. */
static void *race_names(void *arg) {
    race *r = arg;
    for (uint64_t round = 0; round < ROUNDS; round++) {
        aw_actor_ref ref;
        aw_spawn_opts opts = {.name = "contested"};
        aw_status s = aw_actor_spawn(r->sys, &holder, r->count, &opts, &ref);
        if (s == AW_OK) {
            r->won++;
            aw_actor_send(r->sys, ref, &(aw_msg){.kind = KIND_STOP});
        } else if (s == AW_NAME_TAKEN) {
            r->lost++;
        }
        aw__thread_yield();
    }
    return NULL;
}

static void test_concurrent_registration_has_one_winner(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    _Atomic uint64_t count = 0;
    race rs[RACERS];
    aw__thread t[RACERS];
    for (int i = 0; i < RACERS; i++) {
        rs[i] = (race){sys, &count, 0, 0};
        assert_int_equal(aw__thread_create(&t[i], race_names, &rs[i], "racer"), AW_OK);
    }
    for (int i = 0; i < RACERS; i++) aw__thread_join(t[i], NULL);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    uint64_t won = 0, lost = 0;
    for (int i = 0; i < RACERS; i++) {
        won += rs[i].won;
        lost += rs[i].lost;
    }
    /* Every attempt either won or found the name taken, and no two actors
     * ever held the name at the same time. */
    assert_int_equal(won + lost, RACERS * ROUNDS);
    assert_true(won >= 1);
    assert_int_equal(atomic_load(&max_holders), 1);
    assert_int_equal(atomic_load(&holders), 0);
    assert_int_equal(aw_actor_whereis(sys, "contested"), AW_ACTOR_NONE);
    assert_int_equal(aw_actor_system_live(sys), 0);
    drain_dead_letters(sys, -1);
    finish_system(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_names_are_unique_and_released_at_exit),
        ACTOR_TEST(test_concurrent_registration_has_one_winner),
    };
    return AW_TEST_RUN(tests);
}
