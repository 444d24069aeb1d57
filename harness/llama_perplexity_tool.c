#include "harness/llama_perplexity_tool.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/subprocess.h"
#include "harness/timer.h"

enum { ERR_TAIL = 256 * 1024 };

/* The last line of text (text's trailing newlines already trimmed). */
static const char *last_line(const char *text) {
    const char *nl = strrchr(text, '\n');
    return nl ? nl + 1 : text;
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool failed(char *const argv[], const rzb_ppl_process *p, int status, char *why,
                   size_t cap) {
    char sig[512];
    if (status > 128)
        snprintf(why, cap, "%s %s", base_name(argv[0]), rzb_signal_reason(status, sig, sizeof sig));
    else
        snprintf(why, cap, "%s exited with status %d: %s", base_name(argv[0]), status,
                 last_line(p->err));
    return false;
}

bool rzb_ppl_process_run(char *const argv[], rzb_ppl_process *p, char *why, size_t cap) {
    *p = (rzb_ppl_process){.err = calloc(ERR_TAIL, 1)};
    rzb_child c;
    const uint64_t t0 = rz_now_ns();
    if (!p->err) {
        snprintf(why, cap, "out of memory");
        return false;
    }
    if (!rzb_child_start(argv, NULL, &c, why, cap)) return false;
    snprintf(p->cpus, sizeof p->cpus, "%s", c.cpus);
    fclose(c.to); /* it reads nothing: end of file at once, never a wait on us */
    c.to = NULL;
    p->out = rzb_child_read_all(&c);
    const int status = rzb_child_finish(&c, p->err, ERR_TAIL);
    p->seconds = 1e-9 * (double)(rz_now_ns() - t0);
    if (!p->out) {
        snprintf(why, cap, "out of memory reading %s's output", base_name(argv[0]));
        return false;
    }
    return status == 0 || failed(argv, p, status, why, cap);
}

void rzb_ppl_process_free(rzb_ppl_process *p) {
    free(p->out);
    free(p->err);
    *p = (rzb_ppl_process){0};
}

/* "[1]12.6138,[2]21.3795,..." in order, from chunk 1. */
static bool running_values(const char *out, rzb_ppl_output *o, char *why, size_t cap) {
    o->n_running = 0;
    for (const char *s = strchr(out, '['); s; s = strchr(s + 1, '[')) {
        int chunk;
        double v;
        if (sscanf(s, "[%d]%lf", &chunk, &v) != 2) continue;
        if (chunk != o->n_running + 1 || o->n_running == RZB_PPL_MAX_CHUNKS) {
            snprintf(why, cap, "llama-perplexity's stdout: chunk [%d] where [%d] was expected",
                     chunk, o->n_running + 1);
            return false;
        }
        o->running[o->n_running++] = v;
    }
    if (!o->n_running) snprintf(why, cap, "llama-perplexity's stdout has no [1]PPL value");
    return o->n_running > 0;
}

/* The number that ends right before `at` (spaces skipped), e.g. "90.62" in "90.62 seconds". */
static double number_before(const char *text, const char *at) {
    const char *s = at;
    while (s > text && s[-1] == ' ')
        s--;
    while (s > text && strchr("0123456789.", s[-1]))
        s--;
    return s < at ? strtod(s, NULL) : NAN;
}

static bool system_info(const char *err, rzb_ppl_output *o) {
    const char *s = strstr(err, "system_info: ");
    if (!s) return false;
    int n = (int)strcspn(s, "\n");
    while (n > 0 && s[n - 1] == ' ')
        n--;
    snprintf(o->system_info, sizeof o->system_info, "%.*s", n, s);
    return true;
}

/* Seconds since start by the log prefix of the entry that holds `at`: "M.SS.mmm.uuu I " at most
 * 64 characters before it; NaN without one. */
static double stamp_before(const char *text, const char *at) {
    const char *p = at;
    while (p - text >= 3 && at - p < 64 && strncmp(p - 3, " I ", 3) && p[-1] != '\n')
        p--;
    if (p - text < 3 || strncmp(p - 3, " I ", 3)) return NAN;
    const char *s = p - 3;
    while (s > text && strchr("0123456789.", s[-1]))
        s--;
    int m, sec, ms, us;
    return sscanf(s, "%d.%d.%d.%d I ", &m, &sec, &ms, &us) == 4
               ? 60.0 * m + sec + 1e-3 * ms + 1e-6 * us
               : NAN;
}

static bool plan_and_final(const char *err, rzb_ppl_output *o) {
    const char *plan = strstr(err, "calculating perplexity over ");
    const char *final = strstr(err, "Final estimate: PPL = ");
    if (plan && final) o->eval_seconds = stamp_before(err, final) - stamp_before(err, plan);
    return plan && final &&
           sscanf(plan, "calculating perplexity over %d chunks, n_ctx=%d, batch_size=%d, n_seq=%d",
                  &o->n_chunks, &o->n_ctx, &o->n_batch, &o->n_seq) == 4 &&
           sscanf(final, "Final estimate: PPL = %lf +/- %lf", &o->ppl, &o->ppl_err) == 2;
}

bool rzb_llama_ppl_parse(const char *out, const char *err, rzb_ppl_output *o, char *why,
                         size_t cap) {
    *o = (rzb_ppl_output){.ppl = NAN, .ppl_err = NAN, .eval_seconds = NAN};
    const char *pass = strstr(err, "seconds per pass");
    o->seconds_per_pass = pass ? number_before(err, pass) : NAN;
    if (!system_info(err, o)) {
        snprintf(why, cap, "llama-perplexity's stderr has no system_info line");
        return false;
    }
    if (!plan_and_final(err, o)) {
        snprintf(
            why, cap,
            "llama-perplexity's stderr lacks its plan (\"calculating perplexity over N chunks, n_ctx=...\") or its final estimate; it ends: %s",
            last_line(err));
        return false;
    }
    if (isnan(o->eval_seconds)) {
        snprintf(
            why, cap,
            "llama-perplexity's log has no timestamps (\"M.SS.mmm.uuu I \" before its entries: run it with --log-prefix --log-timestamps)");
        return false;
    }
    return running_values(out, o, why, cap);
}

static double number(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static bool rz_chunks(const cJSON *chunks, rzb_ppl_output *o) {
    const cJSON *c;
    cJSON_ArrayForEach(c, chunks) {
        if (o->n_running == RZB_PPL_MAX_CHUNKS) return false;
        o->running[o->n_running++] = number(c, "running_ppl");
        if (isnan(o->running[o->n_running - 1])) return false;
    }
    o->n_chunks = o->n_running;
    return o->n_chunks > 0;
}

bool rzb_rz_ppl_parse(const char *json, rzb_ppl_output *o, char *why, size_t cap) {
    *o = (rzb_ppl_output){.seconds_per_pass = NAN};
    cJSON *root = cJSON_Parse(json);
    const cJSON *final = cJSON_GetObjectItemCaseSensitive(root, "final");
    const double n_ctx = number(root, "n_ctx"); /* NaN when missing: no cast then */
    o->n_ctx = n_ctx >= 1 && n_ctx <= INT_MAX ? (int)n_ctx : 0;
    o->ppl = number(final, "ppl");
    o->ppl_err = number(final, "error");
    o->eval_seconds = number(final, "seconds");
    const bool ok = root && o->n_ctx > 0 && !isnan(o->ppl) && !isnan(o->ppl_err) &&
                    !isnan(o->eval_seconds) &&
                    rz_chunks(cJSON_GetObjectItemCaseSensitive(root, "chunks"), o);
    cJSON_Delete(root);
    if (!ok)
        snprintf(
            why, cap,
            "`rz perplexity --format json` printed no n_ctx, chunks[].running_ppl or final.ppl/error/seconds: %.80s",
            json);
    return ok;
}

static bool agree(double a, double b, double tol) {
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

bool rzb_ppl_same_work(const rzb_ppl_output *a, const rzb_ppl_output *b, double tol, char *why,
                       size_t cap) {
    if (a->n_ctx != b->n_ctx || a->n_chunks != b->n_chunks || a->n_running != a->n_chunks ||
        b->n_running != b->n_chunks) {
        snprintf(why, cap, "%d vs %d chunks of %d vs %d tokens (%d vs %d estimates printed)",
                 a->n_chunks, b->n_chunks, a->n_ctx, b->n_ctx, a->n_running, b->n_running);
        return false;
    }
    for (int i = 0; i < a->n_running; i++)
        if (!agree(a->running[i], b->running[i], tol)) {
            snprintf(why, cap, "running PPL after chunk %d: %.4f vs %.4f (more than %g%% apart)",
                     i + 1, a->running[i], b->running[i], 100 * tol);
            return false;
        }
    if (agree(a->ppl, b->ppl, tol)) return true;
    snprintf(why, cap, "final PPL %.4f vs %.4f (more than %g%% apart)", a->ppl, b->ppl, 100 * tol);
    return false;
}
