/* The one table of subcommands. Add a line here for a new command. */
#include "cli/command.h"

extern const aw__cli_command aw__cmd_help;
extern const aw__cli_command aw__cmd_version;
extern const aw__cli_command aw__cmd_run;
extern const aw__cli_command aw__cmd_inspect;
extern const aw__cli_command aw__cmd_wasm;

const aw__cli_command *const aw__cli_commands[] = {
    &aw__cmd_help,
    &aw__cmd_version,
    &aw__cmd_run,
    &aw__cmd_inspect,
    &aw__cmd_wasm,
    NULL,
};
