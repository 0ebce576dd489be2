/* Test helper for the policy tests: a temporary directory with real files
 * (manifests, system files) written into it, removed at the end. */
#ifndef AW_TEST_POLICY_FILES_H
#define AW_TEST_POLICY_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct policy_dir {
    char root[256];
    char files[32][320]; /* written files and made directories, removed in reverse */
    int count;
} policy_dir;

static void policy_dir_open(policy_dir *d) {
    snprintf(d->root, sizeof d->root, "/tmp/aw-policy-XXXXXX");
    if (!mkdtemp(d->root)) fail_msg("mkdtemp failed");
    d->count = 0;
}

/* Writes text to root/rel (making one level of sub-directory if needed) and
 * returns the full path (static per slot, valid until policy_dir_close). */
static const char *policy_dir_write(policy_dir *d, const char *rel, const char *text) {
    const char *slash = strchr(rel, '/');
    if (slash) {
        char sub[320];
        snprintf(sub, sizeof sub, "%s/%.*s", d->root, (int)(slash - rel), rel);
        if (mkdir(sub, 0700) == 0) snprintf(d->files[d->count++], sizeof d->files[0], "%s", sub);
    }
    char full[320];
    snprintf(full, sizeof full, "%s/%s", d->root, rel);
    char *path = NULL;
    for (int i = 0; i < d->count && !path; i++)
        if (strcmp(d->files[i], full) == 0) path = d->files[i];
    if (!path) {
        if (d->count == 32) fail_msg("policy_dir: too many files");
        path = d->files[d->count++];
        snprintf(path, sizeof d->files[0], "%s", full);
    }
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    return path;
}

static void policy_dir_close(policy_dir *d) {
    for (int i = d->count - 1; i >= 0; i--) {
        if (remove(d->files[i]) != 0) rmdir(d->files[i]);
    }
    rmdir(d->root);
}

#endif
