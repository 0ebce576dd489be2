/* Reading settings out of a TOML document with errors that name the file,
 * line and key: the shared half of the manifest and system-file readers.
 *
 * Every message has the form
 *     <file>:<line>: [section] key: what is wrong
 * (line omitted when the place does not exist, e.g. a missing section). */
#ifndef AW_POLICY_CONFIG_H
#define AW_POLICY_CONFIG_H

#include "toml.h"

typedef struct aw__config {
    const char *path; /* borrowed: the file name used in messages */
    char *dir;        /* directory part of path ("" when none); owned */
    aw_error *err;
} aw__config;

/* A list of strings (each from aw__strdup). */
typedef struct aw__config_list {
    char **items;
    size_t len;
} aw__config_list;

/* Sets up c for path (borrowed; must outlive c); AW_NO_MEMORY on failure. */
aw_status aw__config_init(aw__config *c, const char *path, aw_error *err);
void aw__config_fini(aw__config *c);

/* Fills err with "<path>:<line>: <section> <key>: <message>" and returns
 * status. line 0 leaves the line out; key may be NULL. */
aw_status aw__config_fail(aw__config *c, aw_status status, uint32_t line, const char *section,
                          const char *key, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Reads and parses the file at c->path (syntax errors: AW_PARSE_ERROR,
 * "<path>:<line>:<column>: <problem>"). */
aw_status aw__config_parse_file(aw__config *c, aw__toml_value **root);
aw_status aw__config_parse_text(aw__config *c, const char *text, size_t len, aw__toml_value **root);

/* The table under key in parent (*out NULL when absent and not required);
 * an error when present but not a table. */
aw_status aw__config_table(aw__config *c, const aw__toml_value *parent, const char *section,
                           const char *key, bool required, const aw__toml_value **out);
/* An error naming the first key of table not in the NULL-terminated keys. */
aw_status aw__config_known_keys(aw__config *c, const aw__toml_value *table, const char *section,
                                const char *const *keys);

/* For the top level: every key must be one of the NULL-terminated sections
 * ("[x]: unknown section", or a plain key outside any section). */
aw_status aw__config_known_sections(aw__config *c, const aw__toml_value *root,
                                    const char *const *sections);

/* A copy of a string setting (no NUL inside, not empty); *out stays as it is
 * when absent and not required. Caller frees with aw__strfree. */
aw_status aw__config_string(aw__config *c, const aw__toml_value *table, const char *section,
                            const char *key, bool required, char **out);
/* An integer setting in [min, max]; *out keeps its default when absent. */
aw_status aw__config_integer(aw__config *c, const aw__toml_value *table, const char *section,
                             const char *key, int64_t min, int64_t max, int64_t *out);
aw_status aw__config_bool(aw__config *c, const aw__toml_value *table, const char *section,
                          const char *key, bool *out);
/* A byte size: an integer, or a string "<n>", "<n> B", "<n> KiB", "<n> MiB",
 * "<n> GiB" (space optional); in [min, max]; *out keeps its default when absent. */
aw_status aw__config_size(aw__config *c, const aw__toml_value *table, const char *section,
                          const char *key, uint64_t min, uint64_t max, uint64_t *out);
/* An array of strings (empty list when absent). */
aw_status aw__config_string_list(aw__config *c, const aw__toml_value *table, const char *section,
                                 const char *key, aw__config_list *out);
void aw__config_list_free(aw__config_list *list);

/* The entry of key in table, for its line; NULL when absent. */
const aw__toml_entry *aw__config_entry(const aw__toml_value *table, const char *key);

/* A component id: 1 to 64 characters of A-Z a-z 0-9 '_' '-', starting with
 * a letter or digit. */
#define AW__CONFIG_ID_MAX 64
bool aw__config_valid_id(const char *id);

/* path resolved against the directory of the config file (absolute paths
 * are kept). Caller frees with aw__strfree; NULL when out of memory. */
char *aw__config_resolve(const aw__config *c, const char *path);

#endif
