/* Threads, mutexes and condition variables work together. */
#include "test_support.h"

#include "platform/os.h"
#include "platform/thread.h"

typedef struct shared {
    aw__mutex mutex;
    aw__cond cond;
    int counter;
    int ready;
} shared;

static void *add_many(void *arg) {
    shared *s = arg;
    for (int i = 0; i < 100000; i++) {
        aw__mutex_lock(&s->mutex);
        s->counter++;
        aw__mutex_unlock(&s->mutex);
    }
    aw__mutex_lock(&s->mutex);
    s->ready++;
    aw__cond_signal(&s->cond);
    aw__mutex_unlock(&s->mutex);
    return NULL;
}

static void threads_share_a_mutex(void **state) {
    (void)state;
    shared s = {0};
    assert_int_equal(aw__mutex_init(&s.mutex), AW_OK);
    assert_int_equal(aw__cond_init(&s.cond), AW_OK);
    aw__thread t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(aw__thread_create(&t[i], add_many, &s, "test-worker"), AW_OK);
    aw__mutex_lock(&s.mutex);
    while (s.ready < 4) aw__cond_wait(&s.cond, &s.mutex);
    aw__mutex_unlock(&s.mutex);
    for (int i = 0; i < 4; i++) aw__thread_join(t[i], NULL);
    assert_int_equal(s.counter, 400000);
    aw__cond_destroy(&s.cond);
    aw__mutex_destroy(&s.mutex);
}

static void timed_wait_times_out(void **state) {
    (void)state;
    aw__mutex m;
    aw__cond c;
    assert_int_equal(aw__mutex_init(&m), AW_OK);
    assert_int_equal(aw__cond_init(&c), AW_OK);
    uint64_t start = aw__clock_ns();
    aw__mutex_lock(&m);
    aw_status s = AW_OK;
    while (s != AW_TIMEOUT) s = aw__cond_wait_until(&c, &m, start + 20000000u);
    aw__mutex_unlock(&m);
    assert_true(aw__clock_ns() - start >= 20000000u);
    aw__cond_destroy(&c);
    aw__mutex_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_share_a_mutex),
        cmocka_unit_test(timed_wait_times_out),
    };
    return AW_TEST_RUN(tests);
}
