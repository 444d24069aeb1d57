/* rzb_llama_perplexity_tool: the two perplexity programs run the way their users run them, as
 * whole processes (llama.cpp's llama-perplexity, `rz perplexity --format json`), and their output
 * read back into one shape, so a claim can check that both did the same work before it compares
 * their times.
 * Contract: the parsers read only what the tools print; they return false with a message naming
 * what is missing, never a half-filled figure as if it were whole. */
#ifndef RZB_LLAMA_PERPLEXITY_TOOL_H
#define RZB_LLAMA_PERPLEXITY_TOOL_H

#include <stdbool.h>
#include <stddef.h>

enum { RZB_PPL_MAX_CHUNKS = 1024 };

/* One process run: its wall time, the CPU set the kernel gave it, its output. */
typedef struct {
    double seconds; /* spawn to reaped exit */
    char cpus[64];  /* Cpus_allowed_list of the child, read back after it started */
    char *out;      /* all of its stdout, NUL-terminated */
    char *err;      /* the last 256 KiB of its stderr, NUL-terminated */
} rzb_ppl_process;

/* What a perplexity run printed. */
typedef struct {
    int n_ctx, n_chunks;                /* tokens per chunk and chunks, as the tool planned */
    int n_batch, n_seq;                 /* llama-perplexity: batch size, chunks per pass (rz: 0) */
    int n_running;                      /* running estimates read */
    double running[RZB_PPL_MAX_CHUNKS]; /* running PPL after chunk i + 1 */
    double ppl, ppl_err;                /* the final estimate */
    double eval_seconds;                /* the tool's own clock over all chunks (see below) */
    double seconds_per_pass;            /* llama-perplexity's first pass (rz: NaN) */
    char system_info[512];              /* llama-perplexity's system_info line (rz: empty) */
} rzb_ppl_output;

/* Runs argv to completion on every CPU this process started with (an explicit set, recorded), timed
 * from spawn to reaped exit, keeping its stdout and its stderr's tail; true when it exited with
 * status 0; a process that fails or dies by a signal gives false with the reason (the signal
 * named). On false, why says how it ended (the exit status and the last line of its stderr, or the
 * signal and its likely cause); p still holds what it printed. Free p with rzb_ppl_process_free
 * either way. */
bool rzb_ppl_process_run(char *const argv[], rzb_ppl_process *p, char *why, size_t cap);
void rzb_ppl_process_free(rzb_ppl_process *p);

/* Reads llama-perplexity's stdout ("[1]12.61,[2]21.38,...") and stderr ("system_info: ...",
 * "calculating perplexity over N chunks, n_ctx=C, batch_size=B, n_seq=S", "X seconds per pass",
 * "Final estimate: PPL = P +/- E"). eval_seconds is the time between the log entries "calculating
 * perplexity" (printed right before the first chunk) and "Final estimate", by the timestamps of
 * its log prefix ("M.SS.mmm.uuu I ", its default; --log-prefix --log-timestamps). */
bool rzb_llama_ppl_parse(const char *out, const char *err, rzb_ppl_output *o, char *why,
                         size_t cap);

/* Reads `rz perplexity --format json`'s stdout (n_ctx, chunks[].running_ppl, final.ppl/error;
 * eval_seconds from final.seconds, rz_ppl_run's wall time). */
bool rzb_rz_ppl_parse(const char *json, rzb_ppl_output *o, char *why, size_t cap);

/* True when a and b scored the same chunks of the same size and every running estimate and the
 * final one agree within relative tolerance tol; false with the first difference otherwise. */
bool rzb_ppl_same_work(const rzb_ppl_output *a, const rzb_ppl_output *b, double tol, char *why,
                       size_t cap);

#endif
