/* `airwasm run SYSTEM.toml`: starts a system of components under one
 * supervisor, runs it until interrupted, for a duration, or until it is idle,
 * and prints a summary. */
#include "cli/command.h"

#include "airwasm/airwasm.h"
#include "base/alloc.h"
#include "platform/os.h"
#include "policy/system.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig) {
    (void)sig;
    interrupted = 1;
}

/* "250ms", "2s", "1.5s", "3m", "1h"; a bare number is seconds. */
static bool parse_duration(const char *text, uint64_t *ns) {
    char *end;
    double value = strtod(text, &end);
    if (end == text || value < 0) return false;
    double scale = 1e9;
    if (strcmp(end, "ms") == 0) scale = 1e6;
    else if (strcmp(end, "s") == 0 || *end == '\0') scale = 1e9;
    else if (strcmp(end, "m") == 0) scale = 60e9;
    else if (strcmp(end, "h") == 0) scale = 3600e9;
    else return false;
    *ns = (uint64_t)(value * scale);
    return true;
}

/* The system file's [system] workers, or 0 when absent or unreadable (the
 * start reports the file's errors with their line). */
static uint32_t workers_of(const char *path) {
    uint8_t *text = NULL;
    size_t len = 0;
    if (aw__file_read(path, &text, &len) != AW_OK) return 0;
    aw__system_config *sys = NULL;
    uint32_t workers = 0;
    if (aw__system_parse(path, (const char *)text, len, &sys, NULL) == AW_OK) workers = sys->workers;
    aw__system_free(sys);
    aw__free(text, len + 1);
    return workers;
}

static void print_summary(aw_runtime *rt, uint64_t elapsed_ns) {
    aw_runtime_stats st;
    aw_runtime_stats_get(rt, &st);
    printf("\nsummary after %.3f s:\n", (double)elapsed_ns / 1e9);
    printf("  components running  %u\n", st.components);
    printf("  messages handled    %llu\n", (unsigned long long)st.messages);
    printf("  requests            %llu (answered %llu, errors %llu, timed out %llu, late %llu)\n",
           (unsigned long long)st.requests, (unsigned long long)st.responses,
           (unsigned long long)st.request_errors, (unsigned long long)st.timeouts,
           (unsigned long long)st.late_responses);
    printf("  sends refused       %llu (denied %llu, rate-limited %llu, too large %llu)\n",
           (unsigned long long)st.send_failures, (unsigned long long)st.denied,
           (unsigned long long)st.rate_limited, (unsigned long long)st.too_large);
    printf("  handler errors      %llu\n", (unsigned long long)st.guest_errors);
    printf("  crashes             %llu\n", (unsigned long long)st.crashes);
    printf("  restarts            %llu\n", (unsigned long long)st.restarts);
    printf("  dead letters        %llu\n", (unsigned long long)st.dead_letters);
}

static int run_run(int argc, char **argv) {
    const char *path = NULL;
    uint64_t for_ns = 0;
    bool until_idle = false;
    aw_runtime_config cfg = {0};
    aw_log_config log = {AW_LOG_INFO, AW_LOG_HUMAN, NULL, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--for") == 0 && i + 1 < argc) {
            if (!parse_duration(argv[++i], &for_ns))
                return aw__cli_fail(2, "--for: '%s' is not a duration (e.g. 500ms, 2s, 1m)",
                                    argv[i]);
        } else if (strcmp(a, "--until-idle") == 0) {
            until_idle = true;
        } else if (strcmp(a, "--workers") == 0 && i + 1 < argc) {
            cfg.workers = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--log-level") == 0 && i + 1 < argc) {
            if (aw_log_level_parse(argv[++i], &log.level) != AW_OK)
                return aw__cli_fail(2, "--log-level: unknown level '%s'", argv[i]);
        } else if (strcmp(a, "--audit") == 0 && i + 1 < argc) {
            cfg.audit_path = argv[++i];
        } else if (strcmp(a, "--audit-sends") == 0 && i + 1 < argc) {
            cfg.audit_sample_sends = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--max-instances") == 0 && i + 1 < argc) {
            cfg.max_instances = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--log-json") == 0) {
            log.format = AW_LOG_JSON;
        } else if (a[0] == '-') {
            return aw__cli_fail(2, "run: unknown option '%s' (see 'airwasm help run')", a);
        } else if (!path) {
            path = a;
        } else {
            return aw__cli_fail(2, "run: one system file only");
        }
    }
    if (!path) return aw__cli_fail(2, "usage: airwasm run SYSTEM.toml [--for DURATION]");
    aw_log_configure(&log);

    aw_error err;
    aw_error_clear(&err);
    if (cfg.workers == 0) cfg.workers = workers_of(path);
    aw_runtime *rt = NULL;
    if (aw_runtime_create(&cfg, &rt, &err) != AW_OK) return aw__cli_fail(1, "%s", err.message);
    uint64_t start = aw__clock_ns();
    if (aw_runtime_start_file(rt, path, &err) != AW_OK) {
        aw_runtime_destroy(rt);
        return aw__cli_fail(1, "%s", err.message);
    }
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
    while (!interrupted) {
        uint64_t now = aw__clock_ns();
        if (for_ns && now - start >= for_ns) break;
        if (until_idle && aw_runtime_wait_idle(rt, 50000000u) == AW_OK) break;
        if (!until_idle) aw__sleep_ns(10000000u);
    }
    aw_runtime_stop(rt, 1000000000u);
    print_summary(rt, aw__clock_ns() - start);
    aw_runtime_destroy(rt);
    return 0;
}

const aw__cli_command aw__cmd_run = {
    "run",
    "run a system of components (system.toml) and print a summary",
    "usage: airwasm run SYSTEM.toml [options]\n\n"
    "Starts the components of SYSTEM.toml in order under one supervisor, sends\n"
    "its [[message]] entries, and runs until interrupted (Ctrl-C), then stops\n"
    "the components in reverse order and prints a summary.\n\n"
    "options:\n"
    "  --for DURATION     stop after DURATION (500ms, 2s, 1m, 1h)\n"
    "  --until-idle       stop once no component has work left\n"
    "  --workers N        worker threads (default: [system] workers, else one\n"
    "                     per core)\n"
    "  --log-level LEVEL  trace, debug, info (default), warn, error, off\n"
    "  --log-json         log JSON lines instead of text\n"
    "  --audit FILE       append the audit log (JSON lines: denials, limit hits,\n"
    "                     crashes, restarts) to FILE\n"
    "  --audit-sends N    also audit 1 in N successful sends\n"
    "  --max-instances N  cap on live component instances (default 10000)\n\n"
    "The system file format is in docs/manifest.md.",
    run_run,
};
