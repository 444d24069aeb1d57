/* rzb_slurm: Slurm's own client commands (sbatch, sinfo, squeue, sacct), found on PATH, for
 * `rzbench fleet`. Contract: each call runs one command to completion on every CPU and gives its
 * stdout. A failure comes back as its kind with a sentence that says which it was: the command
 * is not installed, Slurm has no configuration here, the controller cannot be reached, or
 * Slurm refused (with its own message). Nothing here exits. */
#ifndef RZB_FLEET_SLURM_H
#define RZB_FLEET_SLURM_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    RZB_SLURM_OK,
    RZB_SLURM_MISSING, /* the command is not on PATH, or no slurm.conf */
    RZB_SLURM_DOWN,    /* the controller cannot be reached */
    RZB_SLURM_REFUSED, /* the command ran and failed: its message in why */
} rzb_slurm_status;

/* Where Slurm's commands will look for slurm.conf: MISSING (with why) when SLURM_CONF names a
 * file that cannot be read, which they would retry for a minute; OK otherwise, with a warning in
 * why ("" when none) when neither SLURM_CONF nor /etc/slurm/slurm.conf is there, so that they
 * look for a controller without a file (configless), which also takes a minute to fail. */
rzb_slurm_status rzb_slurm_config(char *why, size_t cap);

/* Runs argv with input on its stdin (NULL: an empty stdin); *out gets its stdout (malloc'd,
 * NULL on failure). */
rzb_slurm_status rzb_slurm_run(char *const argv[], const char *input, char **out, char *why,
                               size_t cap);

/* The job id in `sbatch --parsable` output ("ID" or "ID;CLUSTER"); false when there is none. */
bool rzb_slurm_parse_job_id(const char *text, char job_id[32]);

/* The nodes in `sinfo --noheader --Node --format="%N %P"` output that belong to partition
 * (NULL: the default one, marked '*'), as lines in a malloc'd string (NULL when
 * memory runs out); *n gets their count. */
char *rzb_slurm_parse_nodes(const char *text, const char *partition, int *n);

/* Submits script (its text, on sbatch's stdin) with `sbatch --parsable`. */
rzb_slurm_status rzb_slurm_submit(const char *script, char job_id[32], char *why, size_t cap);

/* The responding nodes of partition (NULL: the default one), from sinfo, as lines in *names
 * (malloc'd); *n gets their count, 0 when it has none. */
rzb_slurm_status rzb_slurm_nodes(const char *partition, char **names, int *n, char *why,
                                 size_t cap);

/* The host names a Slurm host list such as "rz[1-3],gpu1" stands for, as lines in *names
 * (malloc'd), from `scontrol show hostnames`. */
rzb_slurm_status rzb_slurm_hostnames(const char *list, char **names, char *why, size_t cap);

#endif
