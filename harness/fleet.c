#include "harness/fleet.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/atomic_file.h"

/* The folders and files rzbench is built from, relative to the source tree: a build older than
 * any of them is stale. */
static const char *const sources[] = {"CMakeLists.txt", "cmake", "engine", "backends", "harness",
                                      "claims",         "cli",   "server", NULL};

bool rzb_fleet_plain(const char *text) {
    return text[strcspn(text, " \t\n\r\"'\\%")] == 0;
}

/* The next line of `lines` at *p into name; false at the end. */
static bool next_line(const char **p, char *name, size_t cap) {
    while (**p == '\n')
        (*p)++;
    if (!**p) return false;
    size_t n = strcspn(*p, "\n");
    snprintf(name, cap, "%.*s", (int)n, *p);
    *p += n;
    return true;
}

static bool has_line(const char *lines, const char *name) {
    char line[256];
    for (const char *p = lines; next_line(&p, line, sizeof line);)
        if (!strcmp(line, name)) return true;
    return false;
}

char *rzb_fleet_exclude(const char *all, const char *chosen, int *n, char stranger[64]) {
    char name[256], *exclude = NULL;
    size_t len = 0;
    stranger[0] = 0;
    *n = 0;
    for (const char *p = chosen; next_line(&p, name, sizeof name); ++*n)
        if (!has_line(all, name)) {
            snprintf(stranger, 64, "%s", name);
            return NULL;
        }
    FILE *f = open_memstream(&exclude, &len);
    if (!f) return NULL;
    for (const char *p = all; next_line(&p, name, sizeof name);)
        if (!has_line(chosen, name)) fprintf(f, "%s%s", ftell(f) ? "," : "", name);
    if (fclose(f) == 0) return exclude;
    free(exclude);
    return NULL;
}

/* text in single quotes for bash, each ' written as '\''. */
static void quoted(FILE *f, const char *text) {
    fputc('\'', f);
    for (const char *c = text; *c; c++)
        *c == '\'' ? fputs("'\\''", f) : fputc(*c, f);
    fputc('\'', f);
}

static void assign(FILE *f, const char *name, const char *value) {
    fprintf(f, "%s=", name);
    quoted(f, value);
    fputc('\n', f);
}

static void header(FILE *f, const rzb_fleet_spec *s) {
    fprintf(f,
            "#!/bin/bash\n"
            "#SBATCH --job-name=rzbench-fleet\n"
            "#SBATCH --array=0-%d\n"
            "#SBATCH --nodes=1\n"
            "#SBATCH --exclusive\n",
            s->tasks - 1);
    if (s->partition) fprintf(f, "#SBATCH --partition=%s\n", s->partition);
    if (s->exclude && *s->exclude) fprintf(f, "#SBATCH --exclude=%s\n", s->exclude);
    fprintf(f,
            "#SBATCH --output=%s/logs/%%A_%%a.out\n"
            "#SBATCH --error=%s/logs/%%A_%%a.err\n"
            "# rzbench fleet: each array task runs the claims on its node (one task per node at\n"
            "# a time: --exclusive) and writes one bundle, for `rzbench merge`.\n"
            "set -euo pipefail\n",
            s->out_dir, s->out_dir);
}

/* Reuses the submitting build when it is newer than every source, else builds on this node. */
static void choose_rzbench(FILE *f) {
    fputs(
        "rzbench=\"$submit_build/rzbench\"\n"
        "if [ ! -x \"$rzbench\" ]; then\n"
        "  stale=\"$rzbench is absent\"\n"
        "else\n"
        "  newer=$(cd \"$source_dir\" && find \"${sources[@]}\" -newer \"$rzbench\" -print -quit)\n"
        "  stale=${newer:+\"$source_dir/$newer is newer than $rzbench\"}\n"
        "fi\n"
        "if [ -n \"$stale\" ]; then\n"
        "  build=\"$out/build/$node\"\n"
        "  echo \"rzbench fleet: $stale: building rz in $build\" >&2\n"
        "  mkdir -p \"$build\"\n"
        "  launcher=()\n"
        "  if command -v ccache >/dev/null; then\n"
        "    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache)\n"
        "  fi\n"
        "  (\n"
        "    flock 9\n"
        "    cmake -S \"$source_dir\" -B \"$build\" -DCMAKE_BUILD_TYPE=Release \"${launcher[@]}\"\n"
        "    cmake --build \"$build\" --target rzbench -j \"$(nproc)\"\n"
        "  ) 9>\"$build.lock\" >&2\n"
        "  rzbench=\"$build/rzbench\"\n"
        "fi\n",
        f);
}

char *rzb_fleet_script(const rzb_fleet_spec *s) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    header(f, s);
    assign(f, "source_dir", s->source_dir);
    assign(f, "submit_build", s->build_dir);
    assign(f, "out", s->out_dir);
    fputs("sources=(", f);
    for (int i = 0; sources[i]; i++)
        fprintf(f, "%s%s", i ? " " : "", sources[i]);
    fputs(")\n"
          "task=\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n"
          "node=\"${SLURMD_NODENAME:-$(hostname)}\"\n"
          "mkdir -p \"$out/bundles\" \"$out/tasks\" \"$out/reports/$task\"\n"
          "record() {\n"
          "  local status=$?\n"
          "  echo \"$status $SECONDS $node\" >\"$out/tasks/$task.exit.tmp\"\n"
          "  mv \"$out/tasks/$task.exit.tmp\" \"$out/tasks/$task.exit\"\n"
          "}\n"
          "trap record EXIT\n"
          "trap 'exit 143' TERM\n",
          f);
    choose_rzbench(f);
    fputs("echo \"rzbench fleet: task $task on $node runs $rzbench\" >&2\n"
          "\"$rzbench\" verify",
          f);
    if (s->claims) fprintf(f, " --claims %s", s->claims);
    if (s->verify_args && *s->verify_args) fprintf(f, " %s", s->verify_args);
    fputs(" --no-history --out \"$out/reports/$task\" --bundle \"$out/bundles/$task.tar\"\n", f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

bool rzb_fleet_record_write(const char *out_dir, const rzb_fleet_record *r, char *why, size_t cap) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "job_id", r->job_id);
    cJSON_AddNumberToObject(o, "array_size", r->tasks);
    cJSON_AddStringToObject(o, "claims", r->claims);
    cJSON_AddStringToObject(o, "command", r->command);
    cJSON_AddStringToObject(o, "submitted_utc", r->submitted_utc);
    cJSON_AddStringToObject(o, "script", "fleet.sbatch");
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char path[4200];
    snprintf(path, sizeof path, "%s/fleet.json", out_dir);
    rzb_atomic_file a;
    bool ok = text && rzb_atomic_open_said(&a, path, why, cap);
    if (ok) ok = rzb_atomic_close_said(&a, fprintf(a.f, "%s\n", text) > 0, why, cap);
    if (!text) snprintf(why, cap, "out of memory");
    free(text);
    return ok;
}

/* The whole file as a malloc'd string; NULL with the reason. */
static char *slurp(const char *path, char *why, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, cap,
                 "%s: cannot open: %s (was `rzbench fleet submit --out` given this directory?)",
                 path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    char buf[4096];
    size_t n;
    while (m && (n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, m);
    fclose(f);
    if (!m || fclose(m) != 0) {
        free(text);
        snprintf(why, cap, "%s: out of memory", path);
        return NULL;
    }
    return text;
}

static bool copy_string(const cJSON *o, const char *key, char *out, size_t cap) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    if (s) snprintf(out, cap, "%s", s);
    return s != NULL;
}

bool rzb_fleet_record_read(const char *out_dir, rzb_fleet_record *r, char *why, size_t cap) {
    char path[4200];
    snprintf(path, sizeof path, "%s/fleet.json", out_dir);
    char *text = slurp(path, why, cap);
    if (!text) return false;
    cJSON *o = cJSON_Parse(text);
    free(text);
    const cJSON *size = cJSON_GetObjectItem(o, "array_size");
    *r = (rzb_fleet_record){.tasks = cJSON_IsNumber(size) ? size->valueint : 0};
    bool ok = copy_string(o, "job_id", r->job_id, sizeof r->job_id) && r->job_id[0] &&
              r->tasks > 0 && copy_string(o, "claims", r->claims, sizeof r->claims) &&
              copy_string(o, "command", r->command, sizeof r->command) &&
              copy_string(o, "submitted_utc", r->submitted_utc, sizeof r->submitted_utc);
    cJSON_Delete(o);
    if (!ok)
        snprintf(
            why, cap,
            "%s: not a fleet record (expected job_id, array_size > 0, claims, command, submitted_utc)",
            path);
    return ok;
}
