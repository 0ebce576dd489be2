/* bench_audit: what the audit log costs on the messaging path. One component
 * casts N messages to another (each through the policy gate: capabilities on
 * both sides, max-payload, rate-limit bucket) and the time until the receiver
 * has handled them all is measured, with the audit log off, on with sends
 * not logged (the default: only refusals, crashes and restarts), and on with
 * 1 in 100 and every send logged. Prints a table: the median of the runs of
 * wall-clock throughput and of process CPU time per cast (the CPU figure is
 * the steadier one on a busy machine). Then the cost of the gate's pieces
 * alone: a capability check (literal and glob patterns) and a rate-limit
 * token, in ns per call. */
#define _GNU_SOURCE
#include "airwasm/airwasm.h"
#include "platform/os.h"
#include "policy/capability.h"
#include "policy/ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNS 9

static uint64_t clock_of(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct result {
    double casts_per_s;
    double cpu_ns_per_cast;
} result;

static char dir[64];

static void write_manifest(const char *id, const char *caps) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s.toml", dir, id);
    FILE *f = fopen(path, "w");
    if (!f) exit(1);
    fprintf(f,
            "[component]\nname = \"%s\"\nmodule = \"%s/bench_policy_actor.wasm\"\n"
            "accepts = [\"raw\"]\n[capabilities]\n%s[limits]\nmemory-pages = 32\n"
            "fuel-per-message = 10_000_000_000\ntimeout-ms = 60000\nmailbox = 1_000_000\n",
            id, AW_WASM_DIR, caps);
    fclose(f);
}

static void command(aw_runtime *rt, const char *target, const char *cmd, char *out, size_t cap) {
    uint8_t payload[128];
    size_t len = strlen(cmd);
    payload[0] = 0x55;
    memcpy(payload + 1, cmd, len);
    aw_request_outcome outcome;
    uint8_t *bytes = NULL;
    size_t n = 0;
    aw_error err;
    if (aw_runtime_call(rt, target, payload, len + 1, 60000, &outcome, &bytes, &n, &err) != AW_OK ||
        outcome != AW_REQUEST_OK) {
        fprintf(stderr, "bench_audit: %s: %s\n", cmd, err.message);
        exit(1);
    }
    snprintf(out, cap, "%.*s", (int)(n - 1), (const char *)bytes + 1);
    aw_runtime_free_bytes(bytes, n);
}

/* One run of one configuration. */
static result run(uint32_t messages, const char *audit_path, uint32_t sample) {
    aw_runtime_config cfg = {.workers = 2, .audit_path = audit_path,
                             .audit_sample_sends = sample};
    aw_runtime *rt;
    aw_error err;
    if (aw_runtime_create(&cfg, &rt, &err) != AW_OK) {
        fprintf(stderr, "bench_audit: %s\n", err.message);
        exit(1);
    }
    char sender[256], sink[256];
    snprintf(sender, sizeof sender, "%s/sender.toml", dir);
    snprintf(sink, sizeof sink, "%s/sink.toml", dir);
    aw_component_spec specs[] = {{"sender", sender, AW_PERMANENT}, {"sink", sink, AW_PERMANENT}};
    aw_system_spec sys = {AW_ONE_FOR_ONE, 3, 5000, specs, 2};
    if (aw_runtime_start(rt, &sys, &err) != AW_OK) {
        fprintf(stderr, "bench_audit: %s\n", err.message);
        exit(1);
    }
    char cmd[64], reply[128];
    snprintf(cmd, sizeof cmd, "flood sink %u", messages);
    uint64_t start = clock_of(CLOCK_MONOTONIC), cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    command(rt, "sender", cmd, reply, sizeof reply);
    if (aw_runtime_wait_idle(rt, 120000000000ull) != AW_OK) exit(1);
    uint64_t elapsed = clock_of(CLOCK_MONOTONIC) - start;
    cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    command(rt, "sink", "count", reply, sizeof reply);
    if (strtoul(reply, NULL, 10) != messages) {
        fprintf(stderr, "bench_audit: sink got %s of %u\n", reply, messages);
        exit(1);
    }
    aw_runtime_destroy(rt);
    result r = {(double)messages / ((double)elapsed / 1e9), (double)cpu / messages};
    return r;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define N 10000000 /* calls per micro-benchmark */

static volatile bool sink_bool;

/* ns per call of the gate's building blocks, single thread. */
static void micro(void) {
    const char *text = "[component]\nname = \"a\"\nmodule = \"a.wasm\"\n[capabilities]\n"
                       "send = [\"ledger\", \"billing\", \"audit-*\", \"gateway\", \"worker-?\"]\n";
    aw__manifest *m;
    aw__capset *caps;
    if (aw__manifest_parse("/tmp/a/Component.toml", text, strlen(text), &m, NULL) != AW_OK ||
        aw__capset_create(m, &caps) != AW_OK)
        exit(1);
    struct {
        const char *what;
        const char *id;
    } cases[] = {{"capability, literal pattern", "gateway"},
                 {"capability, glob pattern", "audit-log"},
                 {"capability, refused", "intruder"}};
    printf("\n%-30s %12s\n", "gate piece", "ns/call");
    for (size_t c = 0; c < 3; c++) {
        size_t len = strlen(cases[c].id);
        uint64_t t = clock_of(CLOCK_MONOTONIC);
        for (int i = 0; i < N; i++) sink_bool = aw__capset_allows(caps, AW__CAP_SEND, cases[c].id, len);
        printf("%-30s %12.1f\n", cases[c].what, (double)(clock_of(CLOCK_MONOTONIC) - t) / N);
    }
    aw__rate_limiter l;
    aw__rate_init(&l, 1000000000u, 1000000000u, aw__clock_ns());
    uint64_t t = clock_of(CLOCK_MONOTONIC);
    for (int i = 0; i < N; i++) sink_bool = aw__rate_take(&l, aw__clock_ns());
    printf("%-30s %12.1f\n", "rate-limit token (with clock)", (double)(clock_of(CLOCK_MONOTONIC) - t) / N);
    aw__capset_free(caps);
    aw__manifest_free(m);
}

int main(int argc, char **argv) {
    uint32_t messages = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 50000;
    snprintf(dir, sizeof dir, "/tmp/aw-bench-audit-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    write_manifest("sender", "send = [\"sink\"]\nreceive-from = [\"host\"]\n");
    write_manifest("sink", "receive-from = [\"sender\", \"host\"]\n");
    char audit[128];
    snprintf(audit, sizeof audit, "%s/audit.jsonl", dir);
    aw_log_config log = {AW_LOG_WARN, AW_LOG_HUMAN, NULL, NULL};
    aw_log_configure(&log);

    struct {
        const char *name;
        const char *path;
        uint32_t sample;
    } configs[] = {
        {"audit off", NULL, 0},
        {"audit on, sends not logged", audit, 0},
        {"audit on, 1 in 100 sends", audit, 100},
        {"audit on, every send", audit, 1},
    };
    printf("cast throughput, sender -> sink, %u casts, 2 workers, median of %d\n", messages, RUNS);
    printf("%-30s %12s %8s %14s %8s\n", "configuration", "casts/s", "vs off", "CPU ns/cast",
           "vs off");
    /* Runs interleave the configurations so drift in the machine's load
     * spreads over all of them alike. */
    enum { CONFIGS = sizeof configs / sizeof configs[0] };
    double rate[CONFIGS][RUNS], cpu[CONFIGS][RUNS];
    for (int i = 0; i < RUNS; i++)
        for (size_t c = 0; c < CONFIGS; c++) {
            unlink(audit);
            result r = run(messages, configs[c].path, configs[c].sample);
            rate[c][i] = r.casts_per_s;
            cpu[c][i] = r.cpu_ns_per_cast;
        }
    double base_rate = 0, base_cpu = 0;
    for (size_t c = 0; c < CONFIGS; c++) {
        qsort(rate[c], RUNS, sizeof rate[c][0], compare);
        qsort(cpu[c], RUNS, sizeof cpu[c][0], compare);
        double m_rate = rate[c][RUNS / 2], m_cpu = cpu[c][RUNS / 2];
        if (c == 0) base_rate = m_rate, base_cpu = m_cpu;
        printf("%-30s %12.0f %+7.1f%% %14.0f %+7.1f%%\n", configs[c].name, m_rate,
               (m_rate / base_rate - 1) * 100, m_cpu, (m_cpu / base_cpu - 1) * 100);
    }
    micro();
    unlink(audit);
    char path[256];
    snprintf(path, sizeof path, "%s/sender.toml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sink.toml", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}
