/* Fuel and suspension: slices suspend mid-loop and deep in a call stack,
 * resumption continues at the same point (also on another thread), total
 * exhaustion traps, host functions suspend and are resumed with results. */
#include "wasm_test_util.h"

#include "platform/thread.h"

static aw_host_result host_add(aw_instance *inst, void *env, uint64_t *slots) {
    (void)inst;
    (void)env;
    slots[0] = (uint32_t)((uint32_t)slots[0] + (uint32_t)slots[1]);
    return AW_HOST_RETURN;
}

static int wait_calls;
static aw_host_result host_wait(aw_instance *inst, void *env, uint64_t *slots) {
    (void)env;
    (void)slots;
    wait_calls++;
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_RUNNING);
    return AW_HOST_SUSPEND;
}

static const aw_valtype ii[] = {AW_VAL_I32, AW_VAL_I32}, i[] = {AW_VAL_I32};

static aw_instance *make(void) {
    aw_import_binding b[2];
    memset(b, 0, sizeof b);
    b[0].module = "env";
    b[0].name = "add";
    b[0].type = (aw_functype){ii, 2, i, 1};
    b[0].fn = host_add;
    b[1].module = "env";
    b[1].name = "wait";
    b[1].type = (aw_functype){i, 1, i, 1};
    b[1].fn = host_wait;
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.imports = b;
    cfg.import_count = 2;
    return instantiate("host.wasm", &cfg);
}

static uint32_t counter(aw_instance *inst) {
    aw_value v;
    assert_int_equal(aw_instance_global_get(inst, "counter", &v), AW_OK);
    assert_int_equal(v.type, AW_VAL_I32);
    return (uint32_t)v.of.i32;
}

static void unmetered_by_default(void **state) {
    (void)state;
    aw_instance *inst = make();
    assert_true(aw_instance_fuel(inst) == UINT64_MAX);
    assert_int_equal((uint32_t)call2(inst, "spin", 100000, 0), 100000);
    assert_true(aw_instance_fuel(inst) == UINT64_MAX);
    assert_int_equal((uint32_t)call2(inst, "call_add", 40, 2), 42);
    aw_instance_destroy(inst);
}

static void fuel_accounting(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_fuel(inst, 1000000);
    call2(inst, "spin", 1000, 0);
    uint64_t used1 = 1000000 - aw_instance_fuel(inst);
    call2(inst, "spin", 2000, 0);
    uint64_t used2 = 1000000 - used1 - aw_instance_fuel(inst);
    /* about one unit per instruction: a loop iteration is a handful */
    assert_true(used1 >= 1000 * 3 && used1 <= 1000 * 20);
    /* twice the iterations, about twice the fuel */
    assert_true(used2 >= 2 * used1 - 20 && used2 <= 2 * used1 + 20);
    /* an empty function still costs something (calls are charged) */
    uint64_t before = aw_instance_fuel(inst);
    call2(inst, "empty", 0, 0);
    assert_true(aw_instance_fuel(inst) < before);
    aw_instance_destroy(inst);
}

static void exhaustion_traps(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_fuel(inst, 5000);
    uint64_t s[2] = {1000000, 0};
    aw_error err;
    assert_int_equal(call_slots(inst, "spin", s, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_FUEL_EXHAUSTED);
    assert_true(aw_instance_fuel(inst) < 100);
    assert_true(counter(inst) > 100 && counter(inst) < 5000);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_IDLE);
    /* refuelled, it runs again */
    aw_instance_set_fuel(inst, UINT64_MAX);
    assert_int_equal((uint32_t)call2(inst, "spin", 10, 0), 10);
    aw_instance_destroy(inst);
}

static void slices_suspend_mid_loop(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_slice(inst, 1000);
    uint64_t s[2] = {100000, 0};
    aw_error err;
    assert_int_equal(call_slots(inst, "spin", s, &err), AW_SUSPENDED);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_SUSPENDED_FUEL);
    uint32_t first = counter(inst);
    assert_true(first > 0 && first < 1000);
    /* a new call is refused while suspended */
    uint64_t t[2] = {1, 0};
    assert_int_equal(call_slots(inst, "spin", t, &err), AW_INVALID_ARGUMENT);
    int resumes = 1;
    aw_status st;
    uint32_t last = first;
    while ((st = aw_instance_resume(inst, &err)) == AW_SUSPENDED) {
        resumes++;
        assert_true(counter(inst) > last); /* progress every slice */
        last = counter(inst);
    }
    assert_int_equal(st, AW_OK);
    assert_int_equal((uint32_t)s[0], 100000);
    assert_int_equal(counter(inst), 100000);
    assert_true(resumes > 100);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_IDLE);
    assert_int_equal(aw_instance_resume(inst, &err), AW_INVALID_ARGUMENT);
    aw_instance_destroy(inst);
}

static void slices_deep_in_calls(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_slice(inst, 500);
    /* 200 frames deep, then 20000 iterations */
    uint64_t s[2] = {200, 20000};
    aw_error err;
    aw_status st = call_slots(inst, "deep", s, &err);
    int suspensions = 0;
    while (st == AW_SUSPENDED) {
        suspensions++;
        st = aw_instance_resume(inst, &err);
    }
    assert_int_equal(st, AW_OK);
    assert_int_equal((uint32_t)s[0], 200 + 20000);
    assert_true(suspensions > 20);
    aw_instance_destroy(inst);
}

typedef struct resume_job {
    aw_instance *inst;
    aw_status st;
} resume_job;

static void *resume_on_thread(void *arg) {
    resume_job *job = arg;
    aw_error err;
    job->st = aw_instance_resume(job->inst, &err);
    while (job->st == AW_SUSPENDED) job->st = aw_instance_resume(job->inst, &err);
    return NULL;
}

static void resume_on_another_thread(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_slice(inst, 300);
    uint64_t s[2] = {50, 5000};
    aw_error err;
    assert_int_equal(call_slots(inst, "deep", s, &err), AW_SUSPENDED);
    resume_job job = {inst, AW_INTERNAL};
    aw__thread t;
    assert_int_equal(aw__thread_create(&t, resume_on_thread, &job, "resume"), AW_OK);
    aw__thread_join(t, NULL);
    assert_int_equal(job.st, AW_OK);
    assert_int_equal((uint32_t)s[0], 5050);
    aw_instance_destroy(inst);
}

static void abort_suspended(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_slice(inst, 100);
    uint64_t s[2] = {100000, 0};
    aw_error err;
    assert_int_equal(call_slots(inst, "spin", s, &err), AW_SUSPENDED);
    aw_instance_abort(inst);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_IDLE);
    aw_instance_set_slice(inst, 0);
    assert_int_equal((uint32_t)call2(inst, "call_add", 1, 2), 3);
    /* destroying a suspended instance is allowed */
    aw_instance_set_slice(inst, 100);
    assert_int_equal(call_slots(inst, "spin", s, &err), AW_SUSPENDED);
    aw_instance_destroy(inst);
}

static void host_suspend_and_resume(void **state) {
    (void)state;
    aw_instance *inst = make();
    wait_calls = 0;
    uint64_t s[2] = {3, 0};
    aw_error err;
    assert_int_equal(call_slots(inst, "wait_loop", s, &err), AW_SUSPENDED);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_SUSPENDED_HOST);
    assert_int_equal(aw_instance_resume(inst, &err), AW_INVALID_ARGUMENT);
    uint64_t r = 100;
    assert_int_equal(aw_instance_resume_host(inst, &r, AW_TRAP_NONE, &err), AW_SUSPENDED);
    r = 20;
    assert_int_equal(aw_instance_resume_host(inst, &r, AW_TRAP_NONE, &err), AW_SUSPENDED);
    r = 3;
    assert_int_equal(aw_instance_resume_host(inst, &r, AW_TRAP_NONE, &err), AW_OK);
    assert_int_equal((uint32_t)s[0], 123);
    assert_int_equal(wait_calls, 3);
    /* resuming with a trap ends the call */
    assert_int_equal(call_slots(inst, "wait_loop", s, &err), AW_SUSPENDED);
    assert_int_equal(aw_instance_resume_host(inst, NULL, AW_TRAP_HOST_ERROR, &err), AW_TRAP);
    assert_int_equal(err.trap, AW_TRAP_HOST_ERROR);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_IDLE);
    aw_instance_destroy(inst);
}

static void host_suspend_with_fuel_slices(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_slice(inst, 7);
    uint64_t s[2] = {4, 0};
    aw_error err;
    aw_status st = call_slots(inst, "wait_loop", s, &err);
    int hosts = 0;
    while (st == AW_SUSPENDED) {
        if (aw_instance_state_of(inst) == AW_INSTANCE_SUSPENDED_HOST) {
            uint64_t r = 1;
            hosts++;
            st = aw_instance_resume_host(inst, &r, AW_TRAP_NONE, &err);
        } else {
            st = aw_instance_resume(inst, &err);
        }
    }
    assert_int_equal(st, AW_OK);
    assert_int_equal(hosts, 4);
    assert_int_equal((uint32_t)s[0], 4);
    aw_instance_destroy(inst);
}

static void start_function_may_not_suspend(void **state) {
    (void)state;
    aw_import_binding b;
    memset(&b, 0, sizeof b);
    b.module = "env";
    b.name = "wait";
    b.type = (aw_functype){i, 1, i, 1};
    b.fn = host_wait;
    aw_instance_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.imports = &b;
    cfg.import_count = 1;
    aw_module *m = load_module("start_suspend.wasm");
    aw_instance *inst = NULL;
    aw_error err;
    assert_int_equal(aw_instance_create(m, &cfg, &inst, &err), AW_TRAP);
    assert_null(inst);
    aw_module_release(m);
}

static void typed_call_cannot_stay_suspended(void **state) {
    (void)state;
    aw_instance *inst = make();
    aw_instance_set_slice(inst, 100);
    aw_value arg = {AW_VAL_I32, {.i32 = 100000}}, res;
    aw_error err;
    assert_int_equal(aw_instance_call(inst, "spin", &arg, 1, &res, 1, &err), AW_SUSPENDED);
    assert_int_equal(aw_instance_state_of(inst), AW_INSTANCE_IDLE);
    aw_instance_destroy(inst);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unmetered_by_default),
        cmocka_unit_test(fuel_accounting),
        cmocka_unit_test(exhaustion_traps),
        cmocka_unit_test(slices_suspend_mid_loop),
        cmocka_unit_test(slices_deep_in_calls),
        cmocka_unit_test(resume_on_another_thread),
        cmocka_unit_test(abort_suspended),
        cmocka_unit_test(host_suspend_and_resume),
        cmocka_unit_test(host_suspend_with_fuel_slices),
        cmocka_unit_test(start_function_may_not_suspend),
        cmocka_unit_test(typed_call_cannot_stay_suspended),
    };
    return AW_TEST_RUN(tests);
}
