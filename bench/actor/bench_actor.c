/* Actor runtime benchmark: messaging throughput and latency, spawn cost and
 * crash-restart cycles, each the median of several runs, printed next to the
 * same scenarios in Erlang/OTP (bench/erlang/bench_actor.erl) when erl is
 * installed. */
#define _GNU_SOURCE
#include "airwasm/actor.h"
#include "airwasm/alloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5
#define KIND_GO 1u
#define KIND_DATA 2u
#define KIND_READY 3u
#define KIND_CRASH 4u

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void nap(void) {
    struct timespec ts = {0, 50000};
    nanosleep(&ts, NULL);
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    if (getenv("AW_BENCH_VERBOSE")) {
        for (int i = 0; i < n; i++) fprintf(stderr, " %.2f", v[i]);
        fprintf(stderr, "\n");
    }
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A byte-counting allocator, so memory per actor is measured exactly. */
static _Atomic int64_t bytes_live;

static void *count_alloc(void *ctx, size_t size) {
    (void)ctx;
    void *p = malloc(size);
    if (p) atomic_fetch_add_explicit(&bytes_live, (int64_t)size, memory_order_relaxed);
    return p;
}

static void *count_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size) {
    (void)ctx;
    void *p = realloc(ptr, new_size);
    if (p)
        atomic_fetch_add_explicit(&bytes_live, (int64_t)new_size - (int64_t)old_size,
                                  memory_order_relaxed);
    return p;
}

static void count_free(void *ctx, void *ptr, size_t size) {
    (void)ctx;
    if (!ptr) return;
    free(ptr);
    atomic_fetch_sub_explicit(&bytes_live, (int64_t)size, memory_order_relaxed);
}

static const aw_allocator counting = {count_alloc, count_realloc, count_free, NULL};

static aw_actor_system *new_system(void) {
    aw_actor_system *sys = NULL;
    /* AW_BENCH_WORKERS overrides the worker count (default: one per core). */
    aw_actor_config cfg = {0};
    const char *workers = getenv("AW_BENCH_WORKERS");
    if (workers) cfg.workers = (uint32_t)strtoul(workers, NULL, 10);
    if (aw_actor_system_create(&cfg, &sys) != AW_OK) {
        fprintf(stderr, "bench: cannot create the actor system\n");
        exit(1);
    }
    return sys;
}

static void wait_flag(_Atomic uint64_t *flag) {
    while (atomic_load_explicit(flag, memory_order_acquire) == 0) nap();
}

/* ---- fire-and-forget: n senders -> 1 receiver ---------------------------------- */

typedef struct sink {
    uint64_t expect, got;
    _Atomic uint64_t done_at;
} sink;

static aw_handled sink_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    (void)msg;
    sink *s = state;
    if (++s->got == s->expect) atomic_store_explicit(&s->done_at, now_ns(), memory_order_release);
    return AW_DONE;
}

static const aw_behaviour sink_behaviour = {"sink", NULL, sink_handle, NULL};

typedef struct source {
    aw_actor_system *sys;
    aw_actor_ref to;
    uint64_t left;
    uint64_t refused; /* AW_MAILBOX_FULL answers */
} source;

/* Sends in slices of 64 (the receiver's batch), yielding in between as a
 * fuel-sliced wasm actor would; a full mailbox (back-pressure) yields too. */
static aw_handled source_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    (void)msg;
    source *s = state;
    aw_msg data = {.kind = KIND_DATA};
    for (int i = 0; i < 64 && s->left > 0; i++) {
        if (aw_actor_send(s->sys, s->to, &data) != AW_OK) {
            s->refused++;
            return AW_YIELD;
        }
        s->left--;
    }
    return s->left ? AW_YIELD : AW_DONE;
}

static const aw_behaviour source_behaviour = {"source", NULL, source_handle, NULL};

static double bench_fire_and_forget(int senders, uint64_t total) {
    aw_actor_system *sys = new_system();
    sink s = {.expect = total};
    aw_actor_ref to, from[2];
    aw_actor_spawn(sys, &sink_behaviour, &s, NULL, &to);
    source src[2];
    for (int i = 0; i < senders; i++) {
        src[i] = (source){sys, to, total / (uint64_t)senders, 0};
        aw_actor_spawn(sys, &source_behaviour, &src[i], NULL, &from[i]);
    }
    uint64_t t0 = now_ns();
    for (int i = 0; i < senders; i++) aw_actor_send(sys, from[i], &(aw_msg){.kind = KIND_GO});
    wait_flag(&s.done_at);
    double rate = (double)total / ((double)(atomic_load(&s.done_at) - t0) / 1e9);
    if (getenv("AW_BENCH_VERBOSE"))
        fprintf(stderr, "  %llu sends refused (mailbox full)\n",
                (unsigned long long)(src[0].refused + (senders > 1 ? src[1].refused : 0)));
    aw_actor_system_destroy(sys);
    return rate / 1e6;
}

/* ---- ping-pong ------------------------------------------------------------------ */

typedef struct player {
    aw_actor_system *sys;
    aw_actor_ref peer;
    uint64_t left; /* only the first player counts */
    bool counts;
    _Atomic uint64_t done_at;
} player;

static aw_handled player_handle(aw_actor *self, void *state, const aw_msg *msg) {
    player *p = state;
    if (p->counts && p->left-- == 0) {
        atomic_store_explicit(&p->done_at, now_ns(), memory_order_release);
        return AW_DONE;
    }
    aw_msg ball = *msg;
    ball.sender = aw_actor_self(self);
    aw_actor_send(p->sys, p->peer, &ball);
    return AW_DONE;
}

static const aw_behaviour player_behaviour = {"player", NULL, player_handle, NULL};

static double bench_ping_pong(uint64_t rounds) {
    aw_actor_system *sys = new_system();
    player a = {.sys = sys, .left = rounds, .counts = true}, b = {.sys = sys};
    aw_actor_ref ra, rb;
    aw_actor_spawn(sys, &player_behaviour, &a, NULL, &ra);
    aw_actor_spawn(sys, &player_behaviour, &b, NULL, &rb);
    a.peer = rb;
    b.peer = ra;
    uint64_t t0 = now_ns();
    aw_actor_send(sys, ra, &(aw_msg){.kind = KIND_DATA});
    wait_flag(&a.done_at);
    double ns = (double)(atomic_load(&a.done_at) - t0) / (double)rounds;
    aw_actor_system_destroy(sys);
    return ns;
}

/* ---- request/reply: BLOCK until the server's reply arrives by a side channel ------ */

typedef struct reply_slot {
    _Atomic uint64_t ready;
    uint64_t value;
} reply_slot;

typedef struct client {
    aw_actor_system *sys;
    aw_actor_ref server;
    reply_slot slot;
    uint64_t left, next;
    bool pending;
    _Atomic uint64_t done_at;
} client;

/* A synchronous call as the msg layer makes it: send the request, park with
 * AW_BLOCK; the server writes the reply and wakes us; the handler runs again
 * with the same message and finds the reply. */
static aw_handled client_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)msg;
    client *c = state;
    if (c->pending) {
        /* Acquire: pairs with the server's release store of ready. */
        if (!atomic_load_explicit(&c->slot.ready, memory_order_acquire)) return AW_BLOCK;
        if (c->slot.value != c->next + 1) abort();
        c->pending = false;
        c->next++;
        if (--c->left == 0) {
            atomic_store_explicit(&c->done_at, now_ns(), memory_order_release);
            return AW_DONE;
        }
    }
    atomic_store_explicit(&c->slot.ready, 0, memory_order_relaxed);
    c->pending = true;
    aw_msg req = {.kind = KIND_DATA, .corr = c->next, .sender = aw_actor_self(self)};
    req.word[0] = (uint64_t)(uintptr_t)&c->slot;
    aw_actor_send(c->sys, c->server, &req);
    return AW_BLOCK;
}

static aw_handled server_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)state;
    reply_slot *slot = (reply_slot *)(uintptr_t)msg->word[0];
    slot->value = msg->corr + 1;
    atomic_store_explicit(&slot->ready, 1, memory_order_release);
    aw_actor_wake(aw_actor_system_of(self), msg->sender);
    return AW_DONE;
}

static const aw_behaviour client_behaviour = {"client", NULL, client_handle, NULL};
static const aw_behaviour server_behaviour = {"server", NULL, server_handle, NULL};

static double bench_call(uint64_t calls) {
    aw_actor_system *sys = new_system();
    client c = {.sys = sys, .left = calls};
    aw_actor_ref rc;
    aw_actor_spawn(sys, &server_behaviour, NULL, NULL, &c.server);
    aw_actor_spawn(sys, &client_behaviour, &c, NULL, &rc);
    uint64_t t0 = now_ns();
    aw_actor_send(sys, rc, &(aw_msg){.kind = KIND_GO});
    wait_flag(&c.done_at);
    double ns = (double)(atomic_load(&c.done_at) - t0) / (double)calls;
    aw_actor_system_destroy(sys);
    return ns;
}

/* ---- spawn time and memory per idle actor ----------------------------------------- */

static aw_handled idle_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    (void)state;
    (void)msg;
    return AW_DONE;
}

static const aw_behaviour idle_behaviour = {"idle", NULL, idle_handle, NULL};

static void bench_spawn(uint64_t n, double *ns_per_spawn, double *bytes_per_actor) {
    aw_actor_system *sys = new_system();
    int64_t before = atomic_load(&bytes_live);
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        aw_actor_ref r;
        if (aw_actor_spawn(sys, &idle_behaviour, NULL, NULL, &r) != AW_OK) abort();
    }
    uint64_t t1 = now_ns();
    *ns_per_spawn = (double)(t1 - t0) / (double)n;
    *bytes_per_actor = (double)(atomic_load(&bytes_live) - before) / (double)n;
    aw_actor_system_destroy(sys);
}

/* ---- crash and restart under one_for_one --------------------------------------------- */

typedef struct driver {
    aw_actor_system *sys;
    uint64_t left;
    uint64_t start_at; /* the first child up: timing starts there */
    _Atomic uint64_t done_at;
} driver;

static aw_handled driver_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)self;
    driver *d = state;
    if (msg->kind != KIND_READY) return AW_DONE;
    if (d->start_at == 0) d->start_at = now_ns();
    if (--d->left == 0) {
        atomic_store_explicit(&d->done_at, now_ns(), memory_order_release);
        return AW_DONE;
    }
    aw_actor_send(d->sys, msg->sender, &(aw_msg){.kind = KIND_CRASH});
    return AW_DONE;
}

static aw_status crasher_init(aw_actor *self, void *arg, void **state) {
    aw_actor_ref driver_ref = *(aw_actor_ref *)arg;
    aw_actor_send(aw_actor_system_of(self), driver_ref,
                  &(aw_msg){.kind = KIND_READY, .sender = aw_actor_self(self)});
    *state = NULL;
    return AW_OK;
}

static aw_handled crasher_handle(aw_actor *self, void *state, const aw_msg *msg) {
    (void)state;
    (void)msg;
    return aw_actor_crash(self, 1);
}

static const aw_behaviour driver_behaviour = {"driver", NULL, driver_handle, NULL};
static const aw_behaviour crasher_behaviour = {"crasher", crasher_init, crasher_handle, NULL};

static double bench_crash_restart(uint64_t cycles, bool in_place) {
    aw_actor_system *sys = new_system();
    driver d = {.sys = sys, .left = cycles + 1};
    aw_actor_ref driver_ref, sup;
    aw_actor_spawn(sys, &driver_behaviour, &d, NULL, &driver_ref);
    aw_child_spec child = {.id = "crasher",
                           .behaviour = &crasher_behaviour,
                           .arg = &driver_ref,
                           .restart = AW_PERMANENT,
                           .restart_in_place = in_place};
    aw_supervisor_spec spec = {.strategy = AW_ONE_FOR_ONE,
                               .intensity = (uint32_t)cycles + 10,
                               .period_ns = 600000000000u,
                               .children = &child,
                               .child_count = 1};
    if (aw_supervisor_start(sys, &spec, NULL, &sup) != AW_OK) abort();
    wait_flag(&d.done_at);
    /* Acquire (wait_flag) made start_at visible. */
    double ns = (double)(atomic_load(&d.done_at) - d.start_at) / (double)cycles;
    /* Each crash left its message in the bounded dead-letter log. */
    aw_actor_system_destroy(sys);
    return ns;
}

/* ---- Erlang side by side ------------------------------------------------------------------ */

typedef struct erlang_figures {
    bool present;
    double ff1, ff2, pingpong, call, spawn_ns, spawn_bytes, restart;
} erlang_figures;

static void run_erlang(erlang_figures *e) {
    memset(e, 0, sizeof *e);
    if (system("command -v erl > /dev/null 2>&1 && command -v erlc > /dev/null 2>&1") != 0) return;
    char dir[] = "/tmp/aw-bench-erl-XXXXXX";
    if (!mkdtemp(dir)) return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "erlc -o %s %s/*.erl && erl -noshell +P 2000000 -pa %s "
             "-eval 'bench_actor:main(), init:stop().'; rm -rf %s",
             dir, AW_BENCH_ERLANG_DIR, dir, dir);
    FILE *p = popen(cmd, "r");
    if (!p) return;
    char line[256];
    while (fgets(line, sizeof line, p)) {
        char key[64];
        double value;
        if (sscanf(line, "%63s %lf", key, &value) != 2) continue;
        e->present = true;
        if (!strcmp(key, "ff1"))
            e->ff1 = value;
        else if (!strcmp(key, "ff2"))
            e->ff2 = value;
        else if (!strcmp(key, "pingpong_ns"))
            e->pingpong = value;
        else if (!strcmp(key, "call_ns"))
            e->call = value;
        else if (!strcmp(key, "spawn_ns"))
            e->spawn_ns = value;
        else if (!strcmp(key, "spawn_bytes"))
            e->spawn_bytes = value;
        else if (!strcmp(key, "restart_ns"))
            e->restart = value;
    }
    pclose(p);
}

static void row(const char *name, double ours, bool have_erlang, double erl, const char *target) {
    char erl_text[32] = "-";
    if (have_erlang) snprintf(erl_text, sizeof erl_text, "%.2f", erl);
    printf("%-42s %12.2f %14s   %s\n", name, ours, erl_text, target);
}

/* `bench_actor SCENARIO N` runs one scenario once with N (for profiling). */
static int run_one(const char *name, uint64_t n) {
    double a = 0, b = 0;
    if (!strcmp(name, "ff1"))
        a = bench_fire_and_forget(1, n);
    else if (!strcmp(name, "ff2"))
        a = bench_fire_and_forget(2, n);
    else if (!strcmp(name, "pingpong"))
        a = bench_ping_pong(n);
    else if (!strcmp(name, "call"))
        a = bench_call(n);
    else if (!strcmp(name, "spawn"))
        bench_spawn(n, &a, &b);
    else if (!strcmp(name, "restart"))
        a = bench_crash_restart(n, false);
    else if (!strcmp(name, "restart_in_place"))
        a = bench_crash_restart(n, true);
    else {
        fprintf(stderr, "unknown scenario %s\n", name);
        return 2;
    }
    printf("%s %.3f %.1f\n", name, a, b);
    return 0;
}

/* `bench_actor --smoke`: every scenario once, small (the CTest test
 * bench_actor_smoke keeps the benchmark building and running). */
static int smoke(void) {
    static const char *const names[] = {"ff1",   "ff2",     "pingpong",        "call",
                                        "spawn", "restart", "restart_in_place"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (run_one(names[i], 1000) != 0) return 1;
    return atomic_load(&bytes_live) == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    aw_allocator_set(&counting);
    if (argc == 2 && !strcmp(argv[1], "--smoke")) return smoke();
    if (argc > 2) return run_one(argv[1], strtoull(argv[2], NULL, 10));
    double v[RUNS], w[RUNS];
    double ff1, ff2, pp, call, spawn_ns, spawn_bytes, restart, restart_in_place;
    for (int i = 0; i < RUNS; i++) v[i] = bench_fire_and_forget(1, 4000000);
    ff1 = median(v, RUNS);
    for (int i = 0; i < RUNS; i++) v[i] = bench_fire_and_forget(2, 4000000);
    ff2 = median(v, RUNS);
    for (int i = 0; i < RUNS; i++) v[i] = bench_ping_pong(300000);
    pp = median(v, RUNS);
    for (int i = 0; i < RUNS; i++) v[i] = bench_call(300000);
    call = median(v, RUNS);
    for (int i = 0; i < RUNS; i++) bench_spawn(100000, &v[i], &w[i]);
    spawn_ns = median(v, RUNS);
    spawn_bytes = median(w, RUNS);
    /* As many cycles as the Erlang side (its supervisor's cost per restart
     * grows with the restarts in the period, so it runs few). */
    for (int i = 0; i < RUNS; i++) v[i] = bench_crash_restart(200, false);
    restart = median(v, RUNS);
    for (int i = 0; i < RUNS; i++) v[i] = bench_crash_restart(200, true);
    restart_in_place = median(v, RUNS);

    erlang_figures e;
    run_erlang(&e);
    aw_actor_system *probe = new_system();
    uint32_t workers = aw_actor_system_workers(probe);
    aw_actor_system_destroy(probe);
    printf("actor runtime, %u workers, median of %d runs%s\n", workers, RUNS,
           e.present ? "; Erlang/OTP from bench/erlang/bench_actor.erl" : "; erl not found");
    printf("%-42s %12s %14s   %s\n", "scenario", "airwasm", "erlang", "target");
    row("fire-and-forget 1 -> 1 (M msg/s)", ff1, e.present, e.ff1, ">= 10");
    row("fire-and-forget 2 -> 1 (M msg/s)", ff2, e.present, e.ff2, ">= 10");
    row("ping-pong round trip (ns)", pp, e.present, e.pingpong, "<= 400");
    row("request/reply round trip (ns)", call, e.present, e.call, "<= 800");
    row("spawn, 100k idle actors (ns/actor)", spawn_ns, e.present, e.spawn_ns, "<= 1000");
    row("memory per idle actor (bytes)", spawn_bytes, e.present, e.spawn_bytes, "<= 1024");
    row("crash + restart, one_for_one (ns)", restart, e.present, e.restart, "<= 3000");
    row("crash + restart in place (ns)", restart_in_place, false, 0, "<= 3000");
    return 0;
}
