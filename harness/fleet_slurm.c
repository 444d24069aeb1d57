#include "harness/fleet_slurm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/subprocess.h"

/* The last non-empty line of text, in place. */
static const char *last_line(char *text) {
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = 0;
    char *nl = strrchr(text, '\n');
    return nl ? nl + 1 : text;
}

static rzb_slurm_status failed(const char *tool, int rc, char *tail, char *why, size_t cap) {
    const char *msg = last_line(tail);
    if (strcasestr(tail, "unable to contact slurm controller") ||
        strcasestr(tail, "connection refused")) {
        snprintf(
            why, cap,
            "cannot contact the Slurm controller (is slurmctld running? for a local cluster: scripts/slurm-local status): %s: %s",
            tool, msg);
        return RZB_SLURM_DOWN;
    }
    if (strcasestr(tail, "slurm.conf") || strcasestr(tail, "configuration source")) {
        snprintf(
            why, cap,
            "Slurm has no configuration here (no slurm.conf, SLURM_CONF unset; for a local cluster: scripts/slurm-local start): %s: %s",
            tool, msg);
        return RZB_SLURM_MISSING;
    }
    snprintf(why, cap, "%s failed (exit %d): %s", tool, rc, *msg ? msg : "no message");
    return RZB_SLURM_REFUSED;
}

rzb_slurm_status rzb_slurm_config(char *why, size_t cap) {
    const char *conf = getenv("SLURM_CONF");
    why[0] = 0;
    if (conf && *conf && access(conf, R_OK) != 0) {
        snprintf(why, cap, "SLURM_CONF=%s: %s, so Slurm has no configuration here", conf,
                 strerror(errno));
        return RZB_SLURM_MISSING;
    }
    if ((!conf || !*conf) && access("/etc/slurm/slurm.conf", R_OK) != 0)
        snprintf(
            why, cap,
            "no /etc/slurm/slurm.conf and SLURM_CONF is unset: Slurm looks for a controller without a file, which takes a minute to fail (a local cluster: scripts/slurm-local start)");
    return RZB_SLURM_OK;
}

rzb_slurm_status rzb_slurm_run(char *const argv[], const char *input, char **out, char *why,
                               size_t cap) {
    rzb_child c;
    char err[1024];
    *out = NULL;
    if (!rzb_child_start(argv, NULL, &c, err, sizeof err)) {
        snprintf(
            why, cap,
            "%s not found on PATH: Slurm's client commands are not installed here (for a local cluster: scripts/slurm-local start) (%s)",
            argv[0], err);
        return RZB_SLURM_MISSING;
    }
    if (input) rzb_child_send(&c, input); /* a tool that fails reads nothing: its status says */
    fclose(c.to);
    c.to = NULL;
    *out = rzb_child_read_all(&c);
    char tail[2048];
    int rc = rzb_child_finish(&c, tail, sizeof tail);
    if (rc == 0 && *out) return RZB_SLURM_OK;
    free(*out);
    *out = NULL;
    return failed(argv[0], rc, tail, why, cap);
}

bool rzb_slurm_parse_job_id(const char *text, char job_id[32]) {
    size_t n = strspn(text, "0123456789");
    if (!n || n > 31 || (text[n] && !strchr(";\n", text[n]))) return false;
    memcpy(job_id, text, n);
    job_id[n] = 0;
    return true;
}

char *rzb_slurm_parse_nodes(const char *text, const char *partition, int *n) {
    char *names = NULL, line[600], node[256], part[256];
    size_t len = 0;
    FILE *f = open_memstream(&names, &len);
    if (!f) return NULL;
    *n = 0;
    for (const char *p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n')) {
        snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
        if (sscanf(line, "%255s %255s", node, part) != 2) continue;
        size_t plen = strlen(part);
        bool is_default = part[plen - 1] == '*';
        part[plen - is_default] = 0;
        if (partition ? !strcmp(part, partition) : is_default) {
            fprintf(f, "%s\n", node);
            ++*n;
        }
    }
    if (fclose(f) == 0) return names;
    free(names);
    return NULL;
}

rzb_slurm_status rzb_slurm_submit(const char *script, char job_id[32], char *why, size_t cap) {
    char *argv[] = {"sbatch", "--parsable", NULL}, *out;
    rzb_slurm_status st = rzb_slurm_run(argv, script, &out, why, cap);
    if (st != RZB_SLURM_OK) return st;
    bool ok = rzb_slurm_parse_job_id(out, job_id);
    if (!ok) snprintf(why, cap, "sbatch --parsable printed no job id: '%.200s'", out);
    free(out);
    return ok ? RZB_SLURM_OK : RZB_SLURM_REFUSED;
}

rzb_slurm_status rzb_slurm_nodes(const char *partition, char **names, int *n, char *why,
                                 size_t cap) {
    char *argv[] = {"sinfo", "--noheader", "--Node", "--responding", "--format=%N %P", NULL};
    char *out;
    rzb_slurm_status st = rzb_slurm_run(argv, NULL, &out, why, cap);
    if (st != RZB_SLURM_OK) return st;
    *names = rzb_slurm_parse_nodes(out, partition, n);
    free(out);
    if (*names) return RZB_SLURM_OK;
    snprintf(why, cap, "out of memory");
    return RZB_SLURM_REFUSED;
}

rzb_slurm_status rzb_slurm_hostnames(const char *list, char **names, char *why, size_t cap) {
    char *argv[] = {"scontrol", "show", "hostnames", (char *)list, NULL};
    return rzb_slurm_run(argv, NULL, names, why, cap);
}
