#include "engine/perplexity/perplexity.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/clock.h"
#include "engine/perplexity/score.h"

static rz_status check(const rz_ppl_job *job, const rz_ppl_plan *plan, rz_error *err) {
    const int n_vocab = job->model->config.vocab_size;
    if (job->state->n_ctx < plan->n_ctx)
        return rz_fail(err, RZ_EINVAL, "state of %d positions: the plan needs %d",
                       job->state->n_ctx, plan->n_ctx);
    if (job->compare && (job->compare->n_vocab != n_vocab || !job->kld))
        return rz_fail(err, RZ_EINVAL,
                       "KLD base has a vocabulary of %d tokens, the model %d (or no accumulator)",
                       job->compare->n_vocab, n_vocab);
    if (job->record && (job->record->n_vocab != n_vocab || job->record->n_ctx != plan->n_ctx ||
                        job->record->n_chunks != plan->n_chunks))
        return rz_fail(err, RZ_EINVAL, "KLD record is not sized for this model and plan");
    return RZ_OK;
}

/* Scores position j of chunk c (its logits) against the next token. */
static rz_status score(const rz_ppl_job *job, const rz_ppl_plan *plan, int c, int j,
                       const int32_t *chunk, const float *logits, double *scratch,
                       rz_ppl_result *out, rz_error *err) {
    const int n_vocab = job->model->config.vocab_size;
    const int64_t i = (int64_t)c * rz_ppl_scored(plan) + (j - plan->first);
    double log_p;
    if (job->compare) {
        rz_kld_point p = rz_kld_token(job->compare, i, logits, chunk[j + 1], scratch);
        log_p = p.logp_q;
        rz_status st = rz_kld_acc_push(job->kld, p, err);
        if (st) return st;
    } else {
        log_p = rz_ppl_log_prob(logits, n_vocab, chunk[j + 1]);
    }
    if (job->record) rz_kld_base_record(job->record, i, logits, chunk[j + 1]);
    out->nll[i] = -log_p;
    return RZ_OK;
}

/* Chunk c: positions 0..first-1 only fill the cache (one rz_llama_forward_prompt, its own
 * batches), then positions first..n_ctx-2 in batches of the state's size with every logit,
 * each scored. */
static rz_status run_chunk(const rz_ppl_job *job, const rz_ppl_plan *plan, int c, int32_t *chunk,
                           float *logits, double *scratch, rz_ppl_result *out, rz_error *err) {
    const rz_llama_model *m = job->model;
    rz_llama_state *s = job->state;
    const int n_vocab = m->config.vocab_size, end = plan->n_ctx - 1;
    rz_status st = rz_llama_forward_prompt(m, s, chunk, plan->first, 0, err);
    for (int p = plan->first; !st && p < end; p += s->n_batch) {
        const int n = end - p < s->n_batch ? end - p : s->n_batch;
        st = rz_llama_forward_batch(m, s, chunk + p, n, p, logits, err);
        for (int j = p; !st && j < p + n; j++)
            st = score(job, plan, c, j, chunk, logits + (size_t)(j - p) * n_vocab, scratch, out,
                       err);
    }
    out->n_evaluated += end;
    return st;
}

static rz_status alloc_result(const rz_ppl_plan *plan, int n_vocab, int n_batch, rz_ppl_result *out,
                              int32_t **chunk, float **logits, double **scratch, rz_error *err) {
    *out = (rz_ppl_result){.plan = *plan};
    out->n_scored = (int64_t)plan->n_chunks * rz_ppl_scored(plan);
    out->nll = malloc((size_t)out->n_scored * sizeof *out->nll);
    out->chunk_ppl = malloc((size_t)plan->n_chunks * sizeof *out->chunk_ppl);
    out->running = malloc((size_t)plan->n_chunks * sizeof *out->running);
    *chunk = malloc((size_t)plan->n_ctx * sizeof **chunk);
    *scratch = malloc((size_t)n_vocab * sizeof **scratch);
    *logits = malloc((size_t)n_batch * n_vocab * sizeof **logits);
    if (out->nll && out->chunk_ppl && out->running && *chunk && *scratch && *logits) return RZ_OK;
    free(*chunk);
    free(*logits);
    free(*scratch);
    rz_ppl_result_free(out);
    return rz_fail(err, RZ_ENOMEM, "out of memory for %d chunks of %d tokens", plan->n_chunks,
                   plan->n_ctx);
}

rz_status rz_ppl_run(const rz_ppl_job *job, rz_ppl_result *out, rz_error *err) {
    const rz_ppl_plan plan = job->compare ? rz_kld_base_plan(job->compare) : job->plan;
    const int32_t *tokens = job->compare ? job->compare->tokens : job->tokens;
    rz_status st = check(job, &plan, err);
    int32_t *chunk;
    float *logits;
    double *scratch;
    if (!st)
        st = alloc_result(&plan, job->model->config.vocab_size, job->state->n_batch, out, &chunk,
                          &logits, &scratch, err);
    if (st) return st;
    const double t0 = rz_now_s();
    rz_ppl_acc all = {0};
    const int n = rz_ppl_scored(&plan);
    for (int c = 0; !st && c < plan.n_chunks; c++) {
        rz_ppl_chunk(&plan, tokens, c, chunk);
        if (job->record)
            memcpy(job->record->tokens + (size_t)c * plan.n_ctx, chunk,
                   (size_t)plan.n_ctx * sizeof *chunk);
        st = run_chunk(job, &plan, c, chunk, logits, scratch, out, err);
        if (st) break;
        rz_ppl_acc one = {0};
        for (int k = 0; k < n; k++) {
            rz_ppl_acc_add(&one, -out->nll[(size_t)c * n + k]);
            rz_ppl_acc_add(&all, -out->nll[(size_t)c * n + k]);
        }
        out->chunk_ppl[c] = rz_ppl_acc_ppl(&one);
        out->running[c] = rz_ppl_acc_ppl(&all);
        rz_ppl_progress p = {
            c + 1,          plan.n_chunks, out->running[c], rz_ppl_acc_err(&all), out->chunk_ppl[c],
            rz_now_s() - t0};
        if (job->on_chunk) job->on_chunk(job->on_chunk_ctx, &p);
    }
    out->seconds = rz_now_s() - t0;
    out->ppl = rz_ppl_acc_ppl(&all);
    out->ppl_err = rz_ppl_acc_err(&all);
    free(chunk);
    free(logits);
    free(scratch);
    if (st) rz_ppl_result_free(out);
    return st;
}

void rz_ppl_result_free(rz_ppl_result *r) {
    free(r->nll);
    free(r->chunk_ppl);
    free(r->running);
    memset(r, 0, sizeof *r);
}
