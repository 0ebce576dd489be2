/* bench_component: messaging between two wasm components on 2 workers
 * (cast throughput, ping-pong, request/response and call round trips),
 * component spawn time, memory per idle component, and 10,000 / 100,000
 * idle components, all through the public embedding API. The components are
 * C built with the guest SDK (components/bench_peer.c). Timings include
 * aw_runtime_wait_idle's polling (about 1 ms per run), so runs are long;
 * each messaging figure is the best of three runs.
 *
 * The Erlang/OTP equivalents (erlang/components.escript) follow when escript
 * is installed.
 *
 * usage: bench_component [--quick] [--max N] [--no-erlang] [--only cast|ping|request|call]
 *        (N: the largest idle system, 100000 by default) */
#define _GNU_SOURCE
#include "airwasm/airwasm.h"
#include "platform/os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static char self_path[4096];
static bool quick;
static const char *only;      /* --only cast|ping|request|call: that measure alone */
static const char *idle_kind; /* --idle c|wat N: one idle system (a child run) */
static uint32_t idle_count;

static void die(const char *what, const aw_error *err) {
    fprintf(stderr, "bench_component: %s: %s\n", what, err ? err->message : "");
    exit(1);
}

static void write_file(const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) die("cannot write a temporary file", NULL);
    fputs(text, f);
    fclose(f);
}

static void remove_files(void) {
    static const char *names[] = {"peer-a.toml", "peer-b.toml",   "idle.toml",
                                  "many.toml",   "idle-wat.toml", "many-wat.toml"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* A manifest for module (in AW_WASM_DIR); peer: the PEER variable or NULL. */
static void write_manifest(const char *file, const char *name, const char *module, const char *peer,
                           uint32_t memory_pages) {
    char text[2048], env[128] = "";
    if (peer) snprintf(env, sizeof env, "[wasi]\nenv = { PEER = \"%s\" }\n", peer);
    snprintf(text, sizeof text,
             "[component]\nname = \"%s\"\nmodule = \"%s/%s\"\naccepts = [\"raw\"]\n"
             "[capabilities]\nsend = [\"*\"]\nreceive-from = [\"*\"]\npublish = []\n"
             "subscribe = []\n"
             "[limits]\nmemory-pages = %u\nfuel-per-message = 1_000_000_000_000_000\n"
             "timeout-ms = 3600000\nmailbox = 4_000_000\nmax-payload = \"64 KiB\"\n%s",
             name, AW_WASM_DIR, module, memory_pages, env);
    write_file(file, text);
}

static uint64_t now_ns(void) {
    return aw__clock_ns();
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void send_text(aw_runtime *rt, const char *target, const char *text) {
    uint8_t payload[64];
    size_t len = strlen(text);
    payload[0] = 0x55;
    memcpy(payload + 1, text, len);
    aw_error err;
    aw_error_clear(&err);
    if (aw_runtime_send(rt, target, payload, len + 1, &err) != AW_OK) die("send", &err);
}

static void wait_idle(aw_runtime *rt) {
    if (aw_runtime_wait_idle(rt, 600000000000ull) != AW_OK) die("the system did not settle", NULL);
}

/* Sends "<cmd><n>" to peer-a and returns the ns until the system is idle. */
static uint64_t run(aw_runtime *rt, char cmd, uint64_t n) {
    char text[32];
    snprintf(text, sizeof text, "%c%llu", cmd, (unsigned long long)n);
    uint64_t t0 = now_ns();
    send_text(rt, "peer-a", text);
    wait_idle(rt);
    return now_ns() - t0;
}

/* The flood count peer-b saw since the last ask. */
static uint64_t flood_count(aw_runtime *rt) {
    aw_request_outcome outcome;
    uint8_t *bytes = NULL;
    size_t n = 0;
    aw_error err;
    aw_error_clear(&err);
    if (aw_runtime_call(rt, "peer-b",
                        "\x55"
                        "C",
                        2, 10000, &outcome, &bytes, &n, &err) != AW_OK ||
        outcome != AW_REQUEST_OK || n < 2)
        die("count", &err);
    char text[32];
    snprintf(text, sizeof text, "%.*s", (int)(n - 1), (const char *)bytes + 1);
    aw_runtime_free_bytes(bytes, n);
    return strtoull(text, NULL, 10);
}

static void messaging(void) {
    write_manifest("peer-a.toml", "peer-a", "bench_peer.wasm", "peer-b", 16);
    write_manifest("peer-b.toml", "peer-b", "bench_peer.wasm", "peer-a", 16);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/peer-a.toml", dir);
    snprintf(b, sizeof b, "%s/peer-b.toml", dir);
    aw_component_spec specs[] = {{NULL, a, AW_PERMANENT}, {NULL, b, AW_PERMANENT}};
    aw_system_spec sys = {AW_ONE_FOR_ONE, 0, 0, specs, 2};
    aw_runtime_config cfg = {.workers = 2};
    aw_runtime *rt = NULL;
    aw_error err;
    aw_error_clear(&err);
    if (aw_runtime_create(&cfg, &rt, &err) != AW_OK) die("create", &err);
    if (aw_runtime_start(rt, &sys, &err) != AW_OK) die("start", &err);

    uint64_t casts = quick ? 100000 : 1000000, trips = quick ? 20000 : 100000;
    if (!only || strcmp(only, "cast") == 0) {
        run(rt, 'F', casts / 10); /* warm-up: the peers' arenas and mailboxes */
        flood_count(rt);
        /* Best of three: the machine may be shared. */
        uint64_t ns = UINT64_MAX;
        for (int k = 0; k < 3; k++) {
            uint64_t once = run(rt, 'F', casts);
            if (once < ns) ns = once;
        }
        uint64_t got = flood_count(rt) / 3;
        if (got != casts)
            fprintf(stderr, "bench_component: %llu of %llu casts arrived\n",
                    (unsigned long long)got, (unsigned long long)casts);
        printf("%-44s %12.2f M msg/s   (%llu casts)\n", "cast throughput, component -> component",
               (double)casts / ((double)ns / 1e9) / 1e6, (unsigned long long)casts);
    }

    static const struct {
        char cmd;
        const char *what;
        const char *name;
    } trips_of[] = {
        {'S', "ping-pong round trip (cast, cast back)", "ping"},
        {'R', "request/response round trip (callback)", "request"},
        {'K', "call round trip (synchronous)", "call"},
    };
    for (size_t i = 0; i < 3; i++) {
        if (only && strcmp(only, trips_of[i].name) != 0) continue;
        run(rt, trips_of[i].cmd, trips / 10);
        uint64_t ns = UINT64_MAX;
        for (int k = 0; k < 3; k++) {
            uint64_t once = run(rt, trips_of[i].cmd, trips);
            if (once < ns) ns = once;
        }
        printf("%-44s %12.3f us         (%llu round trips)\n", trips_of[i].what,
               (double)ns / (double)trips / 1e3, (unsigned long long)trips);
    }
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    if (st.crashes || st.timeouts || st.send_failures)
        fprintf(stderr, "bench_component: crashes %llu, timeouts %llu, refused sends %llu\n",
                (unsigned long long)st.crashes, (unsigned long long)st.timeouts,
                (unsigned long long)st.send_failures);
    aw_runtime_stop(rt, 0);
    aw_runtime_destroy(rt);
}

/* Starts `count` instances of the manifest file from a system file; prints
 * the start time per component, the memory per idle component and the stop
 * time. */
static void idle_system(const char *label, const char *manifest, uint32_t count) {
    char text[1024];
    snprintf(text, sizeof text,
             "[system]\nname = \"idle\"\n[[component]]\nid = \"c\"\nmanifest = \"%s\"\n"
             "instances = %u\n",
             manifest, count);
    write_file("many.toml", text);
    char path[512];
    snprintf(path, sizeof path, "%s/many.toml", dir);

    /* Room for every instance: the default cap is 10,000. */
    aw_runtime_config cfg = {.workers = 2, .max_instances = count + 16};
    aw_runtime *rt = NULL;
    aw_error err;
    aw_error_clear(&err);
    if (aw_runtime_create(&cfg, &rt, &err) != AW_OK) die("create", &err);
    long rss0 = rss_kib();
    uint64_t t0 = now_ns();
    aw_status s = aw_runtime_start_file(rt, path, &err);
    uint64_t t1 = now_ns();
    if (s != AW_OK) {
        printf("%-28s %8u components: did not start: %s\n", label, count, err.message);
        aw_runtime_destroy(rt);
        return;
    }
    wait_idle(rt);
    long rss1 = rss_kib();
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    uint64_t t2 = now_ns();
    aw_runtime_stop(rt, 0);
    aw_runtime_destroy(rt);
    uint64_t t3 = now_ns();
    printf("%-24s %6u: start %7.1f us each (%.2f s), %7.1f KiB each (RSS), %u alive, "
           "stop+destroy %.2f s\n",
           label, count, (double)(t1 - t0) / count / 1e3, (double)(t1 - t0) / 1e9,
           (double)(rss1 - rss0) / count, st.components, (double)(t3 - t2) / 1e9);
}

int main(int argc, char **argv) {
    uint32_t max = 100000;
    bool erlang = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) quick = true;
        if (strcmp(argv[i], "--no-erlang") == 0) erlang = false;
        if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
            max = 0;
            erlang = false;
        }
        if (strcmp(argv[i], "--idle") == 0 && i + 2 < argc) {
            idle_kind = argv[++i];
            idle_count = (uint32_t)atoi(argv[++i]);
        }
        if (strcmp(argv[i], "--max") == 0 && i + 1 < argc) max = (uint32_t)atoi(argv[++i]);
    }
    if (quick && max > 1000) max = 1000;
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0) die("readlink /proc/self/exe", NULL);
    self_path[n] = '\0';
    aw_log_config log = {AW_LOG_WARN, AW_LOG_HUMAN, NULL, NULL};
    aw_log_configure(&log);
    snprintf(dir, sizeof dir, "/tmp/airwasm-bench-XXXXXX");
    if (!mkdtemp(dir)) die("mkdtemp", NULL);
    atexit(remove_files);

    if (idle_kind) { /* a child run: one idle system, then exit */
        write_manifest("idle.toml", "idle", "bench_peer.wasm", NULL, 2);
        write_manifest("idle-wat.toml", "idle-wat", "bench_idle.wasm", NULL, 1);
        if (strcmp(idle_kind, "c") == 0)
            idle_system("C component (wasi-libc)", "idle.toml", idle_count);
        else
            idle_system("WAT component (1 page)", "idle-wat.toml", idle_count);
        return 0;
    }
    printf("two wasm components (C, guest SDK), 2 workers\n");
    messaging();

    printf("\nidle components (one_for_one, one supervisor)\n");
    static const uint32_t counts[] = {1000, 10000, 100000};
    for (int kind = 0; kind < 2; kind++) {
        for (size_t i = 0; i < 3 && counts[i] <= max; i++) {
            /* Each system in a fresh process (this program again), so that
             * its RSS growth is its own: no heap of an earlier run to reuse. */
            char command[sizeof self_path + 64];
            snprintf(command, sizeof command, "'%s' --idle %s %u", self_path,
                     kind == 0 ? "c" : "wat", counts[i]);
            fflush(stdout);
            int status = system(command);
            if (status != 0)
                printf("(the run with %u components failed: status %d)\n", counts[i], status);
        }
    }
    if (erlang && system("command -v escript > /dev/null 2>&1") == 0) {
        char command[1024];
        snprintf(command, sizeof command, "escript '%s' %s --max %u", AW_BENCH_ERLANG_SCRIPT,
                 quick ? "--quick" : "", max);
        printf("\nthe same on the BEAM: ");
        fflush(stdout);
        if (system(command) != 0) printf("(the Erlang script failed)\n");
    }
    return 0;
}
