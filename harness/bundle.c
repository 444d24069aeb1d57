/* Writing a bundle: the manifest of one run, its report files, one tar archive (pax) written
 * through an atomic file. */
#include "harness/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "engine/core/file.h"
#include "engine/core/sha256.h"
#include "harness/atomic_file.h"
#include "harness/data.h"
#include "harness/history.h"
#include "harness/why.h"

static const char *const report_suffixes[] = {"json", "html", "summary.csv", "verdicts.csv",
                                              "samples.csv"};
enum { N_REPORT_FILES = sizeof report_suffixes / sizeof report_suffixes[0] };

void rzb_bundle_sha256(const void *data, size_t len, char hex[65]) {
    uint8_t d[32];
    rz_sha256(data, len, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

const char *rzb_bundle_isa(const char *isa_available) {
    static const char *const widest[][2] = {
        {" amx_tile ", "amx"}, {" avx512f ", "avx512"}, {" avx2 ", "avx2"}};
    char padded[600];
    snprintf(padded, sizeof padded, " %s ", isa_available);
    for (size_t i = 0; i < sizeof widest / sizeof widest[0]; i++)
        if (strstr(padded, widest[i][0])) return widest[i][1];
    return "scalar";
}

bool rzb_bundle_gpu(const char *gpu) {
    return *gpu && strncmp(gpu, "none", 4) != 0;
}

static cJSON *files_list(const rzb_bundle_file *files, size_t n) {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        char hex[65];
        rzb_bundle_sha256(files[i].data, files[i].len, hex);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", files[i].name);
        cJSON_AddNumberToObject(o, "bytes", (double)files[i].len);
        cJSON_AddStringToObject(o, "sha256", hex);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static bool add_entry(struct archive *a, const char *name, const void *data, size_t len) {
    struct archive_entry *e = archive_entry_new();
    if (!e) return false;
    char path[512];
    snprintf(path, sizeof path, "%s%s", RZB_BUNDLE_ROOT, name);
    archive_entry_set_pathname(e, path);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, time(NULL), 0);
    bool ok = archive_write_header(a, e) == ARCHIVE_OK &&
              (!len || archive_write_data(a, data, len) == (la_ssize_t)len);
    archive_entry_free(e);
    return ok;
}

bool rzb_bundle_pack(const char *path, cJSON *manifest, const rzb_bundle_file *files, size_t n,
                     char *err, size_t cap) {
    cJSON_DeleteItemFromObject(manifest, "files");
    cJSON_AddItemToObject(manifest, "files", files_list(files, n));
    char *text = cJSON_Print(manifest);
    rzb_atomic_file f;
    if (!text) {
        snprintf(err, cap, "%s: out of memory for the manifest", path);
        return false;
    }
    if (!rzb_atomic_open_said(&f, path, err, cap)) {
        free(text);
        return false;
    }
    struct archive *a = archive_write_new();
    bool ok = a && archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
              archive_write_open_FILE(a, f.f) == ARCHIVE_OK &&
              add_entry(a, "manifest.json", text, strlen(text));
    for (size_t i = 0; ok && i < n; i++)
        ok = add_entry(a, files[i].name, files[i].data, files[i].len);
    ok = a && archive_write_close(a) == ARCHIVE_OK && ok;
    if (!ok) {
        const char *why = a ? archive_error_string(a) : NULL;
        snprintf(err, cap,
                 "%s: cannot write the archive (libarchive: %s); the previous file is untouched",
                 path, why ? why : "out of memory");
        rzb_atomic_close(&f, false);
    } else {
        ok = rzb_atomic_close_said(&f, true, err, cap);
    }
    archive_write_free(a);
    free(text);
    return ok;
}

/* One row per line of datasets/manifest.tsv: the file the data lookup finds, hashed; null when
 * the manifest cannot be read (a build moved away from its source tree). */
static cJSON *data_rows(void) {
    char manifest[4200], line[4096];
    snprintf(manifest, sizeof manifest, "%s/datasets/manifest.tsv", RZ_SOURCE_DIR);
    FILE *f = fopen(manifest, "r");
    if (!f) return cJSON_CreateNull();
    cJSON *rows = cJSON_CreateArray();
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\t\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char found[4200], why[1024], hex[65];
        rz_error e;
        bool present = rzb_data_find(line, found, sizeof found, why, sizeof why) &&
                       rz_sha256_file(found, hex, &e) == RZ_OK;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", line);
        if (present)
            cJSON_AddStringToObject(o, "sha256", hex);
        else
            cJSON_AddNullToObject(o, "sha256");
        cJSON_AddBoolToObject(o, "present", present);
        cJSON_AddItemToArray(rows, o);
    }
    fclose(f);
    return rows;
}

/* The options as given; a claim default (nothing given) is null. */
static cJSON *options_json(const rzb_options *opt) {
    cJSON *o = cJSON_CreateObject();
    const struct {
        const char *key;
        bool given;
        double value;
    } f[] = {{"runs", opt->runs > 0, opt->runs},
             {"iterations", opt->iterations > 0, opt->iterations},
             {"warmup", opt->warmup >= 0, opt->warmup},
             {"batch", opt->batch > 0, (double)opt->batch},
             {"max_load", opt->max_foreign_cpus > 0, opt->max_foreign_cpus}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].given)
            cJSON_AddNumberToObject(o, f[i].key, f[i].value);
        else
            cJSON_AddNullToObject(o, f[i].key);
    return o;
}

/* What ran: the commit, the command line, the claims and their options. */
static cJSON *manifest_of(const rzb_bundle_run *run) {
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "bundle_version", RZB_BUNDLE_VERSION);
    cJSON_AddStringToObject(m, "rz_commit", RZ_GIT_COMMIT);
    cJSON_AddBoolToObject(m, "rz_dirty", RZ_GIT_DIRTY);
    cJSON_AddStringToObject(m, "report", run->name);
    cJSON_AddStringToObject(m, "command", run->command);
    cJSON *argv = cJSON_AddArrayToObject(m, "argv");
    for (int i = 0; i < run->argc; i++)
        cJSON_AddItemToArray(argv, cJSON_CreateString(run->argv[i]));
    cJSON *claims = cJSON_AddArrayToObject(m, "claims");
    for (size_t i = 0; i < run->n_claims; i++)
        cJSON_AddItemToArray(claims, cJSON_CreateString(run->claims[i]->id));
    cJSON_AddItemToObject(m, "options", options_json(run->options));
    return m;
}

/* Where it ran: when, which machine (the history's id), host, widest ISA, GPU, fingerprint. */
static void add_machine(cJSON *m, const rzb_bundle_run *run) {
    char date[32], machine[17], host[256] = "unknown";
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    cJSON_AddStringToObject(m, "created_utc", date);
    rzb_history_machine_id(run->fp, machine);
    cJSON_AddStringToObject(m, "machine", machine);
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "unknown");
    const char *node = getenv("SLURMD_NODENAME"); /* virtual nodes share one host name */
    if (node && *node && strcmp(node, host)) {
        size_t used = strlen(host);
        snprintf(host + used, sizeof host - used, "/%s", node);
    }
    cJSON_AddStringToObject(m, "hostname", host);
    cJSON_AddStringToObject(m, "isa",
                            rzb_bundle_isa(rzb_fingerprint_get(run->fp, "isa_available")));
    cJSON_AddBoolToObject(m, "gpu", rzb_bundle_gpu(rzb_fingerprint_get(run->fp, "gpu")));
    char *fp = rzb_fingerprint_json(run->fp);
    cJSON_AddItemToObject(m, "fingerprint", fp ? cJSON_Parse(fp) : cJSON_CreateNull());
    free(fp);
}

/* The run's five report files; false naming the one that cannot be read. */
static bool read_reports(const char *path, const rzb_bundle_run *run, rzb_bundle_file *files,
                         char *err, size_t cap) {
    for (size_t i = 0; i < N_REPORT_FILES; i++) {
        char report[4400];
        rz_error e;
        snprintf(report, sizeof report, "%s/%s.%s", run->report_dir, run->name, report_suffixes[i]);
        snprintf(files[i].name, sizeof files[i].name, "reports/%s.%s", run->name,
                 report_suffixes[i]);
        if (rz_file_read_all(report, &files[i].data, &files[i].len, &e) != RZ_OK)
            return rzb_why_rz(err, cap, &e, "%s: cannot read the report to bundle", path);
    }
    return true;
}

bool rzb_bundle_write(const char *path, const rzb_bundle_run *run, char *err, size_t cap) {
    rzb_bundle_file files[N_REPORT_FILES] = {0};
    bool ok = read_reports(path, run, files, err, cap);
    cJSON *manifest = ok ? manifest_of(run) : NULL;
    if (manifest) {
        add_machine(manifest, run);
        cJSON_AddItemToObject(manifest, "data", data_rows());
        ok = rzb_bundle_pack(path, manifest, files, N_REPORT_FILES, err, cap);
    } else if (ok) {
        snprintf(err, cap, "%s: out of memory for the manifest", path);
        ok = false;
    }
    cJSON_Delete(manifest);
    for (size_t i = 0; i < N_REPORT_FILES; i++)
        free(files[i].data);
    return ok;
}
