/* bench_engine: the interpreter's speed against the same C compiled natively
 * and against node (V8), plus the cost of a host->wasm call, of instantiating
 * a one-page module, and of an idle instance in memory.
 *
 * Every workload returns a checksum; a wasm result that differs from the
 * native one is an engine bug, so the benchmark fails (exit 1) rather than
 * print a time for a wrong answer. --smoke runs each workload once with a
 * small size and checks only that (CTest runs it).
 *
 * Times are medians of wall-clock (monotonic) runs. Each run also records the
 * thread's CPU time: on a shared machine where other processes steal the
 * cores, wall time measures them too. So when the load average exceeds the
 * CPU count at start, or with --cpu-time, the table reports CPU time, which
 * such contention disturbs much less (caches and memory bandwidth are still
 * shared); --wall forces wall-clock time. Rows where wall time exceeded CPU
 * time by over 15% are flagged. */
#define _POSIX_C_SOURCE 200809L /* popen, pclose, clock_gettime */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "airwasm/wasm.h"
#include "base/alloc.h"
#include "platform/os.h"
#include "workloads/workload.h"

#define MAX_RUNS 64
#define CALL_LOOP 1000000u
#define INSTANTIATE_LOOP 10000u
#define FOOTPRINT_INSTANCES 10000u

typedef struct workload {
    const char *name;
    uint32_t (*native)(uint32_t n);
    uint32_t bench_n; /* sized for ~10-50 ms natively on the reference machine */
    uint32_t smoke_n;
} workload;

static const workload workloads[] = {
    {"fib", wl_fib_run, 34, 20},
    {"sieve", wl_sieve_run, 8000000, 100000},
    {"matmul", wl_matmul_run, 256, 24},
    {"sha256", wl_sha256_run, 4096, 8},
    {"quicksort", wl_quicksort_run, 500000, 20000},
    {"intmix", wl_intmix_run, 2000, 10},
};
#define WORKLOAD_COUNT (sizeof workloads / sizeof workloads[0])

enum { CLOCK_AUTO, CLOCK_WALL, CLOCK_CPU };

typedef struct options {
    int smoke;
    int use_node;
    unsigned runs;
    const char *wasm_dir;
    const char *only;     /* run just this workload, or "micro" (for profiling) */
    uint32_t n_override;  /* with --only: its size */
    int engine_only;      /* with --only: skip native, node and micro benchmarks */
    int clock_choice;     /* CLOCK_AUTO, CLOCK_WALL or CLOCK_CPU */
} options;

/* Medians of a series of timed runs, by both clocks. */
typedef struct timing {
    double wall_ms;
    double cpu_ms;
} timing;

typedef struct result {
    int measured;  /* airwasm ran and agreed with native */
    timing native;
    timing engine;
    timing node;   /* wall_ms < 0: not measured */
    uint32_t native_sum;
    uint32_t engine_sum;
} result;

/* A wasm module loaded from the fixture directory and one instance of it. */
typedef struct loaded {
    aw_module *module;
    aw_instance *instance;
} loaded;

static int failures;

static void fail(const char *what, const char *name, const aw_error *err) {
    failures++;
    if (err) {
        fprintf(stderr, "bench_engine: %s %s: %s (%s)\n", what, name, aw_status_name(err->status),
                err->message);
    } else {
        fprintf(stderr, "bench_engine: %s %s\n", what, name);
    }
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, unsigned count) {
    qsort(values, count, sizeof *values, compare_doubles);
    unsigned mid = count / 2;
    return count % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

static uint64_t thread_cpu_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A pair of clock readings, taken around each timed run. */
typedef struct stamp {
    uint64_t wall_ns;
    uint64_t cpu_ns;
} stamp;

static stamp now(void) {
    stamp s = {aw__clock_ns(), thread_cpu_ns()};
    return s;
}

/* The durations of a series of runs by both clocks, scaled to the unit the
 * caller reports (ms per run, ns per call, ...). */
typedef struct series {
    double wall[MAX_RUNS];
    double cpu[MAX_RUNS];
    unsigned count;
} series;

static void series_add(series *s, stamp start, double scale) {
    stamp end = now();
    s->wall[s->count] = (double)(end.wall_ns - start.wall_ns) * scale;
    s->cpu[s->count] = (double)(end.cpu_ns - start.cpu_ns) * scale;
    s->count++;
}

static timing series_median(series *s) {
    timing t = {median(s->wall, s->count), median(s->cpu, s->count)};
    return t;
}

/* Set once in main: the table reports CPU time rather than wall time. */
static int cpu_clock;

static double reported(timing t) {
    return cpu_clock ? t.cpu_ms : t.wall_ms;
}

/* Other processes took the CPU during the runs. */
static int contended(timing t) {
    return t.wall_ms > t.cpu_ms * 1.15;
}

static aw_module *load_module(const options *opt, const char *file) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", opt->wasm_dir, file);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (aw__file_read(path, &bytes, &len) != AW_OK) {
        fail("cannot read", path, NULL);
        return NULL;
    }
    aw_module *module = NULL;
    aw_error err;
    aw_error_clear(&err);
    if (aw_module_create(bytes, len, &module, &err) != AW_OK) {
        fail("cannot compile", path, &err);
    }
    aw__free(bytes, len + 1);
    return module;
}

static int load_instance(const options *opt, const char *file, loaded *out) {
    out->instance = NULL;
    out->module = load_module(opt, file);
    if (!out->module) {
        return 0;
    }
    aw_error err;
    aw_error_clear(&err);
    if (aw_instance_create(out->module, NULL, &out->instance, &err) != AW_OK) {
        fail("cannot instantiate", file, &err);
        aw_module_release(out->module);
        out->module = NULL;
        return 0;
    }
    return 1;
}

static void unload(loaded *l) {
    aw_instance_destroy(l->instance);
    aw_module_release(l->module);
}

/* Calls run(n) in the instance; 0 on a trap or error (reported). */
static int call_run(aw_instance *instance, uint32_t index, uint32_t n, const char *name,
                    uint32_t *checksum) {
    uint64_t slots[1] = {n};
    aw_error err;
    aw_error_clear(&err);
    aw_status status = aw_instance_call_index(instance, index, slots, &err);
    if (status != AW_OK) {
        if (status == AW_TRAP) {
            fprintf(stderr, "bench_engine: %s trapped: %s in function %u\n", name,
                    aw_trap_name(err.trap), err.func_index);
        }
        fail("run failed in", name, &err);
        return 0;
    }
    *checksum = (uint32_t)slots[0];
    return 1;
}

static void time_native(const workload *w, uint32_t n, unsigned runs, result *r) {
    series times = {.count = 0};
    r->native_sum = w->native(n); /* untimed warm-up, as for the engines */
    for (unsigned i = 0; i < runs; i++) {
        stamp start = now();
        uint32_t sum = w->native(n);
        series_add(&times, start, 1e-6);
        if (sum != r->native_sum) {
            fail("native checksum changed between runs of", w->name, NULL);
        }
    }
    r->native = series_median(&times);
}

static void time_engine(const options *opt, const workload *w, uint32_t n, unsigned runs,
                        result *r) {
    char file[64];
    snprintf(file, sizeof file, "bench_%s.wasm", w->name);
    loaded l;
    if (!load_instance(opt, file, &l)) {
        return;
    }
    uint32_t index = 0;
    if (aw_instance_find_func(l.instance, "run", &index) != AW_OK) {
        fail("no export run in", file, NULL);
        unload(&l);
        return;
    }
    series times = {.count = 0};
    uint32_t sum = 0;
    int ok = call_run(l.instance, index, n, w->name, &sum);
    if (ok && !opt->engine_only && sum != r->native_sum) {
        fprintf(stderr, "bench_engine: %s(%u): airwasm checksum %u, native %u\n", w->name, n, sum,
                r->native_sum);
        fail("checksum mismatch in", w->name, NULL);
        ok = 0;
    }
    for (unsigned i = 0; ok && i < runs; i++) {
        uint32_t again = 0;
        stamp start = now();
        ok = call_run(l.instance, index, n, w->name, &again);
        series_add(&times, start, 1e-6);
        if (ok && again != sum) {
            fail("airwasm checksum changed between runs of", w->name, NULL);
            ok = 0;
        }
    }
    r->engine_sum = sum;
    if (ok) {
        r->engine = series_median(&times);
        r->measured = 1;
    }
    unload(&l);
}

/* Runs every selected workload under node in one process and fills in
 * their node timings; a checksum that differs from native is a failure. */
static void time_node(const options *opt, const workload *const *selected, size_t count,
                      const uint32_t *sizes, result *results) {
    if (system("command -v node > /dev/null 2>&1") != 0) {
        printf("(node not found: no V8 column)\n");
        return;
    }
    char command[2048];
    int len = snprintf(command, sizeof command, "node '%s' '%s' %u", AW_BENCH_NODE_SCRIPT,
                       opt->wasm_dir, opt->runs);
    for (size_t i = 0; i < count && len > 0 && (size_t)len < sizeof command; i++) {
        len += snprintf(command + len, sizeof command - (size_t)len, " %s=%u", selected[i]->name,
                        sizes[i]);
    }
    fflush(stdout);
    FILE *pipe = popen(command, "r");
    if (!pipe) {
        fail("cannot start", "node", NULL);
        return;
    }
    char line[256];
    while (fgets(line, sizeof line, pipe)) {
        char name[64];
        double wall_ms = 0, cpu_ms = 0;
        unsigned long sum = 0;
        if (sscanf(line, "%63s %lf %lf %lu", name, &wall_ms, &cpu_ms, &sum) != 4) {
            continue;
        }
        for (size_t i = 0; i < count; i++) {
            if (strcmp(name, selected[i]->name) != 0) {
                continue;
            }
            if ((uint32_t)sum != results[i].native_sum) {
                fprintf(stderr, "bench_engine: %s: node checksum %lu, native %u\n", name, sum,
                        results[i].native_sum);
                fail("node checksum mismatch in", name, NULL);
            } else {
                results[i].node.wall_ms = wall_ms;
                results[i].node.cpu_ms = cpu_ms;
            }
        }
    }
    if (pclose(pipe) != 0) {
        fail("node run failed:", command, NULL);
    }
}

static void print_table(const workload *const *selected, size_t count, const uint32_t *sizes,
                        const result *results) {
    double log_engine = 0, log_node = 0, log_engine_node = 0;
    unsigned engine_count = 0, node_count = 0, both_count = 0, busy = 0;
    printf("\n%-10s %9s %11s %11s %8s %11s %8s\n", "workload", "n", "native ms", "airwasm ms",
           "ratio", "node ms", "ratio");
    for (size_t i = 0; i < count; i++) {
        const result *r = &results[i];
        double native = reported(r->native);
        int flagged = contended(r->native);
        printf("%-10s %9u %11.2f ", selected[i]->name, sizes[i], native);
        if (r->measured) {
            double engine = reported(r->engine);
            printf("%11.2f %7.2fx ", engine, engine / native);
            log_engine += log(engine / native);
            engine_count++;
            flagged |= contended(r->engine);
        } else {
            printf("%11s %8s ", "error", "-");
        }
        if (r->node.wall_ms >= 0) {
            double node = reported(r->node);
            printf("%11.2f %7.2fx", node, node / native);
            log_node += log(node / native);
            node_count++;
            if (r->measured) {
                log_engine_node += log(reported(r->engine) / node);
                both_count++;
            }
        } else {
            printf("%11s %8s", "-", "-");
        }
        printf("%s\n", flagged && !cpu_clock ? "  (busy)" : "");
        busy += (unsigned)flagged;
    }
    printf("%-10s %9s %11s %11s ", "geomean", "", "", "");
    if (engine_count) {
        printf("%7.2fx ", exp(log_engine / engine_count));
    } else {
        printf("%8s ", "-");
    }
    printf("%11s ", "");
    if (node_count) {
        printf("%7.2fx\n", exp(log_node / node_count));
    } else {
        printf("%8s\n", "-");
    }
    if (both_count) {
        printf("airwasm / node geomean: %.2fx\n", exp(log_engine_node / both_count));
    }
    if (engine_count < count) {
        printf("(geomean over the %u workloads that ran)\n", engine_count);
    }
    if (busy && !cpu_clock) {
        printf("(busy: wall time exceeded CPU time by over 15%%, other processes took the CPU;\n"
               " rerun on an idle machine, or with --cpu-time)\n");
    }
}

/* ---- call, instantiate, footprint --------------------------------------- */

/* The 1-minute load average, 0 if unknown. */
static double load_average(void) {
    FILE *f = fopen("/proc/loadavg", "r");
    double load = 0;
    if (!f) {
        return 0;
    }
    if (fscanf(f, "%lf", &load) != 1) {
        load = 0;
    }
    fclose(f);
    return load;
}

static size_t resident_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (!f) {
        return 0;
    }
    if (fscanf(f, "%lu %lu", &size, &resident) != 2) {
        resident = 0;
    }
    fclose(f);
    return resident * aw__page_size();
}

static void bench_call(const options *opt) {
    loaded l;
    if (!load_instance(opt, "bench_empty.wasm", &l)) {
        return;
    }
    uint32_t index = 0;
    if (aw_instance_find_func(l.instance, "empty", &index) != AW_OK) {
        fail("no export empty in", "bench_empty.wasm", NULL);
        unload(&l);
        return;
    }
    uint64_t slots[1] = {0};
    series per_call = {.count = 0};
    for (unsigned run = 0; run < opt->runs; run++) {
        stamp start = now();
        for (uint32_t i = 0; i < CALL_LOOP; i++) {
            if (aw_instance_call_index(l.instance, index, slots, NULL) != AW_OK) {
                fail("call failed:", "empty", NULL);
                unload(&l);
                return;
            }
        }
        series_add(&per_call, start, 1.0 / CALL_LOOP);
    }
    timing t = series_median(&per_call);
    printf("%-44s %10.1f ns   (target <= 15)%s\n", "host->wasm call of an empty export",
           reported(t), contended(t) && !cpu_clock ? "  (busy)" : "");
    unload(&l);
}

/* One call of the empty export, for the smoke test. */
static void smoke_empty_call(const options *opt) {
    loaded l;
    if (!load_instance(opt, "bench_empty.wasm", &l)) {
        return;
    }
    uint32_t index = 0;
    uint64_t slots[1] = {0};
    aw_error err;
    aw_error_clear(&err);
    if (aw_instance_find_func(l.instance, "empty", &index) != AW_OK) {
        fail("no export empty in", "bench_empty.wasm", NULL);
    } else if (aw_instance_call_index(l.instance, index, slots, &err) != AW_OK) {
        fail("call failed:", "empty", &err);
    } else {
        printf("%-10s ok\n", "empty");
    }
    unload(&l);
}

static void bench_instantiate(const options *opt) {
    aw_module *module = load_module(opt, "bench_empty.wasm");
    if (!module) {
        return;
    }
    series per_instance = {.count = 0};
    for (unsigned run = 0; run < opt->runs; run++) {
        stamp start = now();
        for (uint32_t i = 0; i < INSTANTIATE_LOOP; i++) {
            aw_instance *instance = NULL;
            aw_error err;
            if (aw_instance_create(module, NULL, &instance, &err) != AW_OK) {
                fail("cannot instantiate", "bench_empty.wasm", &err);
                aw_module_release(module);
                return;
            }
            aw_instance_destroy(instance);
        }
        series_add(&per_instance, start, 1e-3 / INSTANTIATE_LOOP);
    }
    timing t = series_median(&per_instance);
    printf("%-44s %10.2f us   (target <= 5)%s\n", "instantiate + destroy, one-page module",
           reported(t), contended(t) && !cpu_clock ? "  (busy)" : "");
    aw_module_release(module);
}

/* Keeps FOOTPRINT_INSTANCES instances alive and divides the growth of the
 * process's resident set by their number: idle, then after one call each (the
 * value stack is allocated on first call). */
static void bench_footprint(const options *opt) {
    aw_module *module = load_module(opt, "bench_empty.wasm");
    if (!module) {
        return;
    }
    aw_instance **instances = calloc(FOOTPRINT_INSTANCES, sizeof *instances);
    if (!instances) {
        fail("out of memory for", "footprint", NULL);
        aw_module_release(module);
        return;
    }
    size_t before = resident_bytes();
    uint32_t created = 0;
    for (; created < FOOTPRINT_INSTANCES; created++) {
        aw_error err;
        if (aw_instance_create(module, NULL, &instances[created], &err) != AW_OK) {
            fail("cannot instantiate", "bench_empty.wasm", &err);
            break;
        }
    }
    size_t idle = resident_bytes();
    if (created == FOOTPRINT_INSTANCES) {
        size_t reported = aw_instance_footprint(instances[0]);
        printf("%-44s %10zu B    (%.1f KiB, target <= 80 KiB)\n",
               "aw_instance_footprint, idle one-page instance", reported, (double)reported / 1024);
        double per = (double)(idle - before) / FOOTPRINT_INSTANCES;
        printf("%-44s %10.0f B    (%.1f KiB, over %u instances)\n", "RSS growth per idle instance",
               per, per / 1024, FOOTPRINT_INSTANCES);
        uint32_t index = 0;
        if (aw_instance_find_func(instances[0], "empty", &index) == AW_OK) {
            uint64_t slots[1] = {0};
            for (uint32_t i = 0; i < created; i++) {
                if (aw_instance_call_index(instances[i], index, slots, NULL) != AW_OK) {
                    fail("call failed:", "empty", NULL);
                    break;
                }
            }
            size_t called = resident_bytes();
            per = (double)(called - before) / FOOTPRINT_INSTANCES;
            printf("%-44s %10.0f B    (%.1f KiB; footprint %zu B)\n",
                   "RSS growth per instance after one call", per, per / 1024,
                   aw_instance_footprint(instances[0]));
        }
    }
    for (uint32_t i = 0; i < created; i++) {
        aw_instance_destroy(instances[i]);
    }
    free(instances);
    aw_module_release(module);
}

/* ---- main ---------------------------------------------------------------- */

static int parse_options(int argc, char **argv, options *opt) {
    opt->smoke = 0;
    opt->use_node = 1;
    opt->runs = 5;
    opt->wasm_dir = AW_WASM_DIR;
    opt->only = NULL;
    opt->n_override = 0;
    opt->engine_only = 0;
    opt->clock_choice = CLOCK_AUTO;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--smoke") == 0) {
            opt->smoke = 1;
        } else if (strcmp(arg, "--no-node") == 0) {
            opt->use_node = 0;
        } else if (strcmp(arg, "--cpu-time") == 0) {
            opt->clock_choice = CLOCK_CPU;
        } else if (strcmp(arg, "--wall") == 0) {
            opt->clock_choice = CLOCK_WALL;
        } else if (strcmp(arg, "--engine-only") == 0) {
            opt->engine_only = 1;
        } else if (strcmp(arg, "--runs") == 0 && value) {
            opt->runs = (unsigned)strtoul(value, NULL, 10);
            i++;
        } else if (strcmp(arg, "--wasm-dir") == 0 && value) {
            opt->wasm_dir = value;
            i++;
        } else if (strcmp(arg, "--only") == 0 && value) {
            opt->only = value;
            i++;
        } else if (strcmp(arg, "--n") == 0 && value) {
            opt->n_override = (uint32_t)strtoul(value, NULL, 10);
            i++;
        } else {
            fprintf(stderr,
                    "usage: bench_engine [--smoke] [--runs N] [--cpu-time | --wall] [--no-node]\n"
                    "                    [--wasm-dir DIR]\n"
                    "                    [--only WORKLOAD [--n N] [--engine-only] | --only micro]\n");
            return 0;
        }
    }
    if (opt->runs == 0 || opt->runs > MAX_RUNS) {
        fprintf(stderr, "bench_engine: --runs must be 1..%d\n", MAX_RUNS);
        return 0;
    }
    if (opt->smoke) {
        opt->runs = 1;
        opt->use_node = 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    options opt;
    if (!parse_options(argc, argv, &opt)) {
        return 2;
    }
    const workload *selected[WORKLOAD_COUNT];
    uint32_t sizes[WORKLOAD_COUNT];
    result results[WORKLOAD_COUNT];
    size_t count = 0;
    for (size_t i = 0; i < WORKLOAD_COUNT; i++) {
        const workload *w = &workloads[i];
        if (opt.only && strcmp(opt.only, w->name) != 0) {
            continue;
        }
        selected[count] = w;
        sizes[count] = opt.smoke ? w->smoke_n : opt.n_override ? opt.n_override : w->bench_n;
        count++;
    }
    int micro_only = opt.only && strcmp(opt.only, "micro") == 0;
    if (count == 0 && !micro_only) {
        fprintf(stderr, "bench_engine: no workload named %s\n", opt.only);
        return 2;
    }
    double load = load_average();
    uint32_t cpus = aw__cpu_count();
    cpu_clock = opt.clock_choice == CLOCK_CPU || (opt.clock_choice == CLOCK_AUTO && load > cpus);
    if (!opt.smoke) {
        printf("engine benchmark: median of %u runs after one warm-up run; ratio = time / "
               "native (gcc -O2)\n",
               opt.runs);
        printf("clock: %s (load average %.1f on %u CPUs%s)\n",
               cpu_clock ? "thread CPU time" : "wall-clock time", load, cpus,
               cpu_clock && opt.clock_choice == CLOCK_AUTO
                   ? ": busy machine, so CPU time; --wall forces wall-clock"
                   : "");
    }
    for (size_t i = 0; i < count; i++) {
        result *r = &results[i];
        memset(r, 0, sizeof *r);
        r->node.wall_ms = -1;
        if (!opt.engine_only) {
            time_native(selected[i], sizes[i], opt.runs, r);
        }
        time_engine(&opt, selected[i], sizes[i], opt.runs, r);
        if (opt.smoke) {
            printf("%-10s n=%-6u native %10u  airwasm %10u  %s\n", selected[i]->name, sizes[i],
                   r->native_sum, r->engine_sum, r->measured ? "ok" : "FAILED");
        }
    }
    if (opt.smoke) {
        smoke_empty_call(&opt);
        return failures ? 1 : 0;
    }
    if (count && opt.use_node && !opt.engine_only) {
        time_node(&opt, selected, count, sizes, results);
    }
    if (count) {
        print_table(selected, count, sizes, results);
    }
    if (!opt.only || micro_only) {
        printf("\n");
        bench_call(&opt);
        bench_instantiate(&opt);
        bench_footprint(&opt);
    }
    if (failures) {
        fprintf(stderr, "bench_engine: %d failure(s)\n", failures);
        return 1;
    }
    return 0;
}
