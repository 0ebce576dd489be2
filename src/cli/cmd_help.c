/* `airwasm help [COMMAND]` and `airwasm version`. */
#include "cli/command.h"

#include "airwasm/common.h"

static int help_run(int argc, char **argv) {
    if (argc >= 2) {
        const aw__cli_command *cmd = aw__cli_find(argv[1]);
        if (!cmd) return aw__cli_fail(2, "no help for unknown command '%s'", argv[1]);
        printf("%s\n", cmd->usage);
        return 0;
    }
    printf("airwasm %s: WebAssembly components as actors\n\n"
           "usage: airwasm COMMAND [ARGS...]\n\ncommands:\n",
           aw_version());
    for (size_t i = 0; aw__cli_commands[i]; i++) {
        printf("  %-10s %s\n", aw__cli_commands[i]->name, aw__cli_commands[i]->summary);
    }
    printf("\n'airwasm help COMMAND' shows a command's usage.\n");
    return 0;
}

const aw__cli_command aw__cmd_help = {
    "help",
    "show the commands, or one command's usage",
    "usage: airwasm help [COMMAND]\n\n"
    "Without COMMAND, lists every command with a one-line summary.\n"
    "With COMMAND, prints that command's usage and options.",
    help_run,
};

static int version_run(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("airwasm %s\n", aw_version());
    return 0;
}

const aw__cli_command aw__cmd_version = {
    "version",
    "print the version (also: airwasm --version)",
    "usage: airwasm version\n       airwasm --version\n\nPrints 'airwasm MAJOR.MINOR.PATCH'.",
    version_run,
};
