/* The airwasm command: dispatches argv[1] to its entry in the command table. */
#include "cli/command.h"

#include <stdarg.h>
#include <string.h>

const aw__cli_command *aw__cli_find(const char *name) {
    for (size_t i = 0; aw__cli_commands[i]; i++) {
        if (strcmp(aw__cli_commands[i]->name, name) == 0) return aw__cli_commands[i];
    }
    return NULL;
}

int aw__cli_fail(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("airwasm: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        const aw__cli_command *help = aw__cli_find("help");
        help->run(1, argv);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) name = "version";
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) name = "help";
    const aw__cli_command *cmd = aw__cli_find(name);
    if (!cmd) {
        return aw__cli_fail(2, "unknown command '%s' (try 'airwasm help')", argv[1]);
    }
    argv[1] = (char *)cmd->name;
    return cmd->run(argc - 1, argv + 1);
}
