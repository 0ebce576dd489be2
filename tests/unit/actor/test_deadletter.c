/* Tests of the bounded dead-letter log and of payload reference counting. */
#include "actor_fixture.h"

static void test_log_is_bounded_and_keeps_the_newest(void **state) {
    (void)state;
    aw_actor_config cfg = {.workers = 1, .dead_letters = 4};
    aw_actor_system *sys;
    assert_int_equal(aw_actor_system_create(&cfg, &sys), AW_OK);
    aw_actor_ref gone = 0x0000000700000003u;
    for (uint64_t i = 0; i < 10; i++) {
        aw_payload *p = aw_payload_copy(&i, sizeof i);
        assert_int_equal(aw_actor_send(sys, gone, &(aw_msg){.kind = 1, .word = {i}, .payload = p}),
                         AW_NO_SUCH_ACTOR);
    }
    assert_int_equal(aw_dead_letters_total(sys), 10);
    assert_int_equal(aw_dead_letters_dropped(sys), 6);
    aw_dead_letter dl[8];
    assert_int_equal(aw_dead_letters_take(sys, dl, 8), 4);
    for (uint64_t i = 0; i < 4; i++) {
        assert_int_equal(dl[i].msg.word[0], 6 + i);
        assert_int_equal(dl[i].target, gone);
        assert_int_equal(dl[i].status, AW_NO_SUCH_ACTOR);
        assert_int_equal(dl[i].reason.kind, AW_EXIT_NOPROC);
        uint64_t copy;
        memcpy(&copy, dl[i].msg.payload->bytes, sizeof copy);
        assert_int_equal(copy, 6 + i);
        aw_payload_release(dl[i].msg.payload);
    }
    assert_int_equal(aw_dead_letters_take(sys, dl, 8), 0);
    /* Letters left in the log are released with the system. */
    assert_int_equal(aw_actor_send(sys, gone, &(aw_msg){.payload = aw_payload_new(32)}),
                     AW_NO_SUCH_ACTOR);
    finish_system(sys);
}

typedef struct keeper {
    aw_payload *kept;
    _Atomic uint64_t seen;
} keeper;

/* Keeps the first payload it sees (retain), as a handler that stores data. */
static aw_handled keep_handle(aw_actor *self, void *state, const aw_msg *msg) {
    keeper *k = state;
    if (msg->kind == KIND_STOP) {
        aw_actor_stop(self, (aw_reason){AW_EXIT_NORMAL, 0});
        return AW_DONE;
    }
    if (!k->kept) k->kept = aw_payload_retain(msg->payload);
    atomic_fetch_add(&k->seen, 1);
    return AW_DONE;
}

static const aw_behaviour keeper_behaviour = {"keeper", NULL, keep_handle, NULL};

static void test_one_payload_shared_by_many_receivers(void **state) {
    (void)state;
    aw_actor_system *sys = make_system(2);
    enum { N = 8 };
    keeper ks[N];
    aw_actor_ref refs[N];
    aw_payload *p = aw_payload_copy("shared", 6);
    for (int i = 0; i < N; i++) {
        ks[i] = (keeper){0};
        assert_int_equal(aw_actor_spawn(sys, &keeper_behaviour, &ks[i], NULL, &refs[i]), AW_OK);
        /* Each send takes one reference. */
        assert_int_equal(
            aw_actor_send(sys, refs[i], &(aw_msg){.kind = 1, .payload = aw_payload_retain(p)}),
            AW_OK);
    }
    for (int i = 0; i < N; i++) wait_for(&ks[i].seen, 1);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    for (int i = 0; i < N; i++) {
        assert_ptr_equal(ks[i].kept, p);
        assert_memory_equal(ks[i].kept->bytes, "shared", 6);
        aw_payload_release(ks[i].kept);
        assert_int_equal(aw_actor_send(sys, refs[i], &(aw_msg){.kind = KIND_STOP}), AW_OK);
    }
    aw_payload_release(p);
    assert_int_equal(aw_actor_system_wait_idle(sys, 5000000000u), AW_OK);
    finish_system(sys); /* the leak check proves the last release freed it */
    assert_null(aw_payload_new((size_t)UINT32_MAX + 1));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_log_is_bounded_and_keeps_the_newest),
        ACTOR_TEST(test_one_payload_shared_by_many_receivers),
    };
    return AW_TEST_RUN(tests);
}
