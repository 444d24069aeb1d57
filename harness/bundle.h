/* rzb_bundle: one rzbench run as a self-contained tar archive, for running claims across a fleet.
 * Layout, under the top-level folder rzbench-bundle/: manifest.json (bundle_version, rz_commit,
 * command and argv, claims, options, created_utc, machine, hostname (HOST/NODE in a Slurm task,
 * from SLURMD_NODENAME), isa, gpu, fingerprint, the data files of datasets/manifest.tsv with the
 * sha256 of the file found, and name, bytes and sha256 of every other file) and
 * reports/NAME.{json,html,summary.csv,verdicts.csv,samples.csv}.
 * Contract: writing goes to a temporary file beside the target, then fsync and rename, so an
 * interrupted run leaves a previous bundle intact. */
#ifndef RZB_BUNDLE_H
#define RZB_BUNDLE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness/claim.h"
#include "harness/fingerprint.h"

enum { RZB_BUNDLE_VERSION = 1 };
#define RZB_BUNDLE_ROOT "rzbench-bundle/"

/* One file of a bundle, named relative to RZB_BUNDLE_ROOT (e.g. "reports/P1.json"). */
typedef struct {
    char name[256];
    unsigned char *data;
    size_t len;
} rzb_bundle_file;

/* What one run put in its bundle. */
typedef struct {
    const char *name;       /* the report's file stem: a claim id or "verify" */
    const char *report_dir; /* where the run wrote NAME.* */
    const char *command;
    int argc;
    char *const *argv;
    const rzb_claim *const *claims;
    size_t n_claims;
    const rzb_options *options; /* the options as given: defaults are written as null */
    const rzb_fingerprint *fp;
} rzb_bundle_run;

/* A bundle read and checked. manifest is the parsed manifest.json; files excludes it. */
typedef struct {
    char path[4096];
    cJSON *manifest;
    rzb_bundle_file *files;
    size_t n_files;
} rzb_bundle;

/* Writes the run's bundle to path, atomically; false with a message naming what failed. */
bool rzb_bundle_write(const char *path, const rzb_bundle_run *run, char *err, size_t cap);

/* Writes manifest (its "files" list recomputed from files) and files to path, atomically. */
bool rzb_bundle_pack(const char *path, cJSON *manifest, const rzb_bundle_file *files, size_t n,
                     char *err, size_t cap);

/* Reads the whole archive and checks it (a tar, the manifest, a known bundle_version, every listed
 * file present with its size and sha256, no unlisted file); a failure gives false with
 * "PATH: FILE: what was wrong", never a crash, whatever the input. */
bool rzb_bundle_open(const char *path, rzb_bundle *b, char *err, size_t cap);
void rzb_bundle_close(rzb_bundle *b);

/* The file named name (relative to the root), or NULL. */
const rzb_bundle_file *rzb_bundle_find(const rzb_bundle *b, const char *name);

/* A string field of the manifest, or "" when absent. */
const char *rzb_bundle_field(const rzb_bundle *b, const char *key);

/* The sha256 of data as 64 lowercase hex digits. */
void rzb_bundle_sha256(const void *data, size_t len, char hex[65]);

/* The widest ISA in a fingerprint's isa_available list: "amx", "avx512", "avx2" or "scalar". */
const char *rzb_bundle_isa(const char *isa_available);

/* Whether a fingerprint's gpu value names a GPU. */
bool rzb_bundle_gpu(const char *gpu);

#endif
