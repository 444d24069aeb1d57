#include "harness/fleet_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_task(rzb_fleet_task *t, char *const f[5], const char *source) {
    snprintf(t->state, sizeof t->state, "%.*s", (int)strcspn(f[1], " "), f[1]);
    snprintf(t->elapsed, sizeof t->elapsed, "%s", *f[2] ? f[2] : "-");
    snprintf(t->node, sizeof t->node, "%s", *f[3] ? f[3] : "-");
    if (f[4] && *f[4] && !strchr(f[4], ':')) {
        int raw = atoi(f[4]);
        snprintf(t->exit_code, sizeof t->exit_code, "%d:%d", raw >> 8 & 0xff, raw & 0x7f);
    } else {
        snprintf(t->exit_code, sizeof t->exit_code, "%s", f[4] && *f[4] ? f[4] : "-");
    }
    t->source = source;
}

/* Sets the tasks a JobID's task part names ("3" or "[0-3,5%2]"); returns how many. */
static int set_listed(const char *list, char *const f[5], const char *source, rzb_fleet_task *tasks,
                      int n) {
    int set = 0;
    if (*list != '[') {
        char *end;
        long i = strtol(list, &end, 10);
        if (end == list || *end || i < 0 || i >= n || tasks[i].source) return 0;
        set_task(&tasks[i], f, source);
        return 1;
    }
    const char *p = list + 1;
    while (*p && *p != ']' && *p != '%') {
        char *end;
        long a = strtol(p, &end, 10), b = a;
        if (end == p) break;
        if (*end == '-') {
            const char *from = end + 1;
            b = strtol(from, &end, 10);
            if (end == from) break;
        }
        for (long i = a < 0 ? 0 : a; i <= b && i < n; i++)
            if (!tasks[i].source) {
                set_task(&tasks[i], f, source);
                set++;
            }
        p = end + (*end == ',');
    }
    return set;
}

int rzb_fleet_parse_lines(const char *text, const char *job_id, const char *source,
                          rzb_fleet_task *tasks, int n) {
    char *copy = strdup(text);
    size_t id_len = strlen(job_id);
    int set = 0;
    char *save = NULL;
    for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[5] = {NULL};
        int k = 0;
        for (char *p = line; p && k < 5;) {
            f[k++] = p;
            p = strchr(p, '|');
            if (p) *p++ = 0;
        }
        if (k < 4 || strncmp(f[0], job_id, id_len) || f[0][id_len] != '_') continue;
        set += set_listed(f[0] + id_len + 1, f, source, tasks, n);
    }
    free(copy);
    return set;
}

bool rzb_fleet_parse_exit(const char *text, rzb_fleet_task *t) {
    int status;
    long s;
    char node[64];
    if (sscanf(text, "%d %ld %63s", &status, &s, node) != 3 || s < 0) return false;
    snprintf(t->state, sizeof t->state, "%s", status ? "FAILED" : "COMPLETED");
    snprintf(t->exit_code, sizeof t->exit_code, "%d:0", status);
    snprintf(t->elapsed, sizeof t->elapsed, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    snprintf(t->node, sizeof t->node, "%s", node);
    t->source = "exit record";
    return true;
}

rzb_task_phase rzb_fleet_phase(const char *state) {
    static const char *const waiting[] = {
        "PENDING",   "CONFIGURING", "RUNNING",      "COMPLETING",  "REQUEUED",
        "RESIZING",  "SUSPENDED",   "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD",
        "SIGNALING", "STAGE_OUT",   "STOPPED",      "SPECIAL_EXIT"};
    if (!strcmp(state, "COMPLETED")) return RZB_TASK_DONE;
    for (size_t i = 0; i < sizeof waiting / sizeof waiting[0]; i++)
        if (!strcmp(state, waiting[i])) return RZB_TASK_WAITING;
    return RZB_TASK_FAILED;
}

/* Sets the tasks sacct knows; returns how many, or -1 when it cannot answer (why says so). */
static int from_sacct(const rzb_fleet_record *rec, const char *jobs, rzb_fleet_task *tasks,
                      char *why, size_t cap) {
    char *out, *argv[] = {"sacct",       "--noheader",
                          "--parsable2", "--allocations",
                          (char *)jobs,  "--format=JobID,State,Elapsed,NodeList,ExitCode",
                          NULL};
    if (rzb_slurm_run(argv, NULL, &out, why, cap) != RZB_SLURM_OK) return -1;
    int known = rzb_fleet_parse_lines(out, rec->job_id, "sacct", tasks, rec->tasks);
    free(out);
    return known;
}

/* Sets the tasks squeue lists: pending, running, and those that ended within MinJobAge (300 s
 * by default); a job squeue no longer knows lists none. */
static rzb_slurm_status from_squeue(const rzb_fleet_record *rec, const char *jobs,
                                    rzb_fleet_task *tasks, char *why, size_t cap) {
    char *out,
        *argv[] = {"squeue",     "--noheader",
                   "--array",    "--states=all",
                   (char *)jobs, "--Format=JobArrayID:|,State:|,TimeUsed:|,NodeList:|,exit_code:",
                   NULL};
    rzb_slurm_status st = rzb_slurm_run(argv, NULL, &out, why, cap);
    if (st == RZB_SLURM_REFUSED && strcasestr(why, "invalid job id")) return RZB_SLURM_OK;
    if (st != RZB_SLURM_OK) return st;
    rzb_fleet_parse_lines(out, rec->job_id, "squeue", tasks, rec->tasks);
    free(out);
    return RZB_SLURM_OK;
}

static void from_exit_record(const char *out_dir, const char *job_id, int index,
                             rzb_fleet_task *t) {
    char path[4200], line[256];
    snprintf(path, sizeof path, "%s/tasks/%s_%d.exit", out_dir, job_id, index);
    FILE *f = fopen(path, "r");
    if (f && fgets(line, sizeof line, f)) rzb_fleet_parse_exit(line, t);
    if (f) fclose(f);
}

/* UNKNOWN where no source knew the task; each task's phase, failed when its bundle is absent. */
static void settle(rzb_fleet_task *t) {
    if (!t->source) {
        char *none[5] = {"", "UNKNOWN", "", "", ""};
        set_task(t, none, "nowhere");
    }
    t->phase = rzb_fleet_phase(t->state);
    if (t->phase == RZB_TASK_DONE && access(t->bundle, R_OK) != 0) t->phase = RZB_TASK_FAILED;
}

rzb_slurm_status rzb_fleet_status(const char *out_dir, const rzb_fleet_record *rec,
                                  rzb_fleet_task *tasks, char *note, size_t note_cap, char *why,
                                  size_t cap) {
    for (int i = 0; i < rec->tasks; i++) {
        tasks[i] = (rzb_fleet_task){.source = NULL};
        snprintf(tasks[i].bundle, sizeof tasks[i].bundle, "%s/bundles/%s_%d.tar", out_dir,
                 rec->job_id, i);
        snprintf(tasks[i].log_prefix, sizeof tasks[i].log_prefix, "%s/logs/%s_%d", out_dir,
                 rec->job_id, i);
    }
    char jobs[64], sacct_why[1024];
    snprintf(jobs, sizeof jobs, "--jobs=%s", rec->job_id);
    int known = from_sacct(rec, jobs, tasks, sacct_why, sizeof sacct_why);
    if (known < 0)
        snprintf(note, note_cap, "sacct cannot answer here (%s)", sacct_why);
    else
        snprintf(note, note_cap, "sacct knew %d of %d tasks", known, rec->tasks);
    if (known < rec->tasks) {
        rzb_slurm_status st = from_squeue(rec, jobs, tasks, why, cap);
        if (st != RZB_SLURM_OK) return st;
        for (int i = 0; i < rec->tasks; i++)
            if (!tasks[i].source) from_exit_record(out_dir, rec->job_id, i, &tasks[i]);
        size_t used = strlen(note);
        snprintf(note + used, note_cap - used,
                 "; the others from squeue and the records the tasks leave in DIR/tasks");
    }
    for (int i = 0; i < rec->tasks; i++)
        settle(&tasks[i]);
    return RZB_SLURM_OK;
}

/* The last `lines` lines of the file at path into out; false when it is empty or absent. */
static bool tail_of(const char *path, int lines, char *out, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) return false;
    fseek(f, 0, SEEK_END);
    long end = ftell(f);
    long from = end > (long)cap - 1 ? end - (long)cap + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = 0;
    while (n && out[n - 1] == '\n')
        out[--n] = 0;
    char *start = out + n;
    for (int seen = 0; start > out && seen < lines; start--)
        if (start[-1] == '\n' && ++seen == lines) break;
    memmove(out, start, strlen(start) + 1);
    return n > 0;
}

void rzb_fleet_log_tail(const rzb_fleet_task *t, int lines, char *out, size_t cap) {
    char path[4300];
    snprintf(path, sizeof path, "%s.err", t->log_prefix);
    if (tail_of(path, lines, out, cap)) return;
    snprintf(path, sizeof path, "%s.out", t->log_prefix);
    if (!tail_of(path, lines, out, cap)) out[0] = 0;
}
