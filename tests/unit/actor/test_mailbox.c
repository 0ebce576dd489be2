/* Tests of the MPSC mailbox on its own: per-producer FIFO, no loss, the
 * capacity bound, and the idle protocol (only the push that finds the
 * consumer idle schedules it, never twice). */
#include "actor_fixture.h"

#include "actor/mailbox.h"

#include <stdlib.h>

enum { PRODUCERS = 4, PER = 50000 };

typedef struct box_test {
    aw__mailbox mb;
    aw__cell *cells;              /* PRODUCERS * PER + 1 (the stub) */
    _Atomic uint64_t schedules;   /* pushes that found the consumer idle */
    _Atomic uint64_t outstanding; /* schedules not yet taken by the consumer */
    _Atomic uint64_t max_outstanding;
    uint64_t received;
    uint64_t next_seq[PRODUCERS];
    uint64_t out_of_order;
    uint64_t idles; /* successful mark_empty */
} box_test;

typedef struct box_producer {
    box_test *t;
    uint64_t id;
} box_producer;

static void *box_produce(void *arg) {
    box_producer *p = arg;
    box_test *t = p->t;
    for (uint64_t i = 0; i < PER; i++) {
        aw__cell *c = &t->cells[1 + p->id * PER + i];
        c->sig = 0;
        c->msg = (aw_msg){.kind = 1};
        c->msg.word[0] = p->id;
        c->msg.word[1] = i;
        bool was_idle = false;
        assert_int_equal(aw__mailbox_push(&t->mb, c, true, &was_idle), AW_OK);
        if (was_idle) {
            atomic_fetch_add(&t->schedules, 1);
            uint64_t now = atomic_fetch_add(&t->outstanding, 1) + 1;
            uint64_t seen = atomic_load(&t->max_outstanding);
            while (now > seen && !atomic_compare_exchange_weak(&t->max_outstanding, &seen, now)) {
            }
        }
    }
    return NULL;
}

/* The consumer runs only while "scheduled", as a worker would. */
static void *box_consume(void *arg) {
    box_test *t = arg;
    while (t->received < PRODUCERS * (uint64_t)PER) {
        if (atomic_load(&t->outstanding) == 0) {
            aw__thread_yield();
            continue;
        }
        for (;;) {
            aw__cell *spent;
            aw__cell *c = aw__mailbox_pop(&t->mb, &spent);
            if (!c) {
                /* Give the turn back before going idle: the push that finds
                 * the idle tag takes the next one. */
                atomic_fetch_sub(&t->outstanding, 1);
                if (aw__mailbox_mark_empty(&t->mb)) {
                    t->idles++;
                    break;
                }
                atomic_fetch_add(&t->outstanding, 1);
                continue;
            }
            aw__mailbox_consumed(&t->mb);
            uint64_t p = c->msg.word[0];
            if (c->msg.word[1] != t->next_seq[p]) t->out_of_order++;
            t->next_seq[p] = c->msg.word[1] + 1;
            t->received++;
        }
    }
    return NULL;
}

static void test_idle_protocol_schedules_once_per_idle_period(void **state) {
    (void)state;
    static box_test t;
    memset(&t, 0, sizeof t);
    t.cells = calloc(PRODUCERS * (size_t)PER + 1, sizeof(aw__cell));
    assert_non_null(t.cells);
    aw__mailbox_init(&t.mb, &t.cells[0], AW__MAILBOX_UNBOUNDED);
    /* A new mailbox is busy: its creator releases it. */
    assert_true(aw__mailbox_mark_empty(&t.mb));
    aw__thread consumer, producers[PRODUCERS];
    box_producer ps[PRODUCERS];
    assert_int_equal(aw__thread_create(&consumer, box_consume, &t, "consumer"), AW_OK);
    for (uint64_t i = 0; i < PRODUCERS; i++) {
        ps[i] = (box_producer){&t, i};
        assert_int_equal(aw__thread_create(&producers[i], box_produce, &ps[i], "producer"), AW_OK);
    }
    for (int i = 0; i < PRODUCERS; i++) aw__thread_join(producers[i], NULL);
    aw__thread_join(consumer, NULL);
    assert_int_equal(t.received, PRODUCERS * (uint64_t)PER);
    assert_int_equal(t.out_of_order, 0);
    /* Never scheduled twice at once; every schedule ended in one idle. */
    assert_int_equal(atomic_load(&t.max_outstanding), 1);
    assert_int_equal(atomic_load(&t.schedules), t.idles);
    assert_int_equal(aw__mailbox_length(&t.mb), 0);
    free(t.cells);
}

static void test_capacity_bound_and_signals_bypass_it(void **state) {
    (void)state;
    aw__cell cells[8];
    memset(cells, 0, sizeof cells);
    aw__mailbox mb;
    aw__mailbox_init(&mb, &cells[0], 3);
    bool was_idle = true;
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(aw__mailbox_push(&mb, &cells[i], true, &was_idle), AW_OK);
        assert_false(was_idle); /* busy until released */
    }
    assert_int_equal(aw__mailbox_push(&mb, &cells[4], true, &was_idle), AW_MAILBOX_FULL);
    /* Uncounted (signals) always fit. */
    assert_int_equal(aw__mailbox_push(&mb, &cells[4], false, &was_idle), AW_OK);
    assert_int_equal(aw__mailbox_length(&mb), 3);
    aw__cell *spent;
    aw__cell *c = aw__mailbox_pop(&mb, &spent);
    assert_ptr_equal(c, &cells[1]);
    assert_ptr_equal(spent, &cells[0]);
    aw__mailbox_consumed(&mb);
    assert_int_equal(aw__mailbox_push(&mb, &cells[5], true, &was_idle), AW_OK);
    for (int want = 2; want <= 5; want++) {
        c = aw__mailbox_pop(&mb, &spent);
        assert_ptr_equal(c, &cells[want]);
    }
    assert_null(aw__mailbox_pop(&mb, &spent));
    assert_true(aw__mailbox_mark_empty(&mb));
    assert_int_equal(aw__mailbox_push(&mb, &cells[6], false, &was_idle), AW_OK);
    assert_true(was_idle); /* the first push after going idle schedules */
    assert_int_equal(aw__mailbox_push(&mb, &cells[7], false, &was_idle), AW_OK);
    assert_false(was_idle);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        ACTOR_TEST(test_idle_protocol_schedules_once_per_idle_period),
        ACTOR_TEST(test_capacity_bound_and_signals_bypass_it),
    };
    return AW_TEST_RUN(tests);
}
