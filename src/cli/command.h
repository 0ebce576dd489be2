/* The airwasm command's subcommand table. A new command is one file defining
 * an aw__cli_command and one line in commands.c; the dispatcher never changes. */
#ifndef AW_CLI_COMMAND_H
#define AW_CLI_COMMAND_H

#include <stdio.h>

typedef struct aw__cli_command {
    const char *name;    /* as typed: "run", "wasm" */
    const char *summary; /* one line for `airwasm help` */
    const char *usage;   /* full text for `airwasm help NAME` */
    /* argv[0] is the command name; returns the process exit code. */
    int (*run)(int argc, char **argv);
} aw__cli_command;

/* The table, ended by an entry whose name is NULL. */
extern const aw__cli_command *const aw__cli_commands[];

const aw__cli_command *aw__cli_find(const char *name);

/* Prints "airwasm: <message>" to standard error; returns exit code 2 (usage)
 * or 1 (failure) as given, so commands can `return aw__cli_fail(1, ...)`. */
int aw__cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
