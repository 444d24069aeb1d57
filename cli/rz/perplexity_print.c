#include "cli/rz/perplexity_print.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static double tokens_per_s(const rz_ppl_result *r) {
    return r->seconds > 0 ? r->plan.n_chunks * (double)r->plan.n_ctx / r->seconds : 0.0;
}

static void text_dist(FILE *out, const char *name, const rz_kld_dist *d, double scale,
                      const char *unit) {
    fprintf(out, "Maximum %s: %10.6f%s\n", name, scale * d->max, unit);
    for (int k = 0; k < RZ_KLD_N_PCT; k++) {
        char label[16];
        snprintf(label, sizeof label, "%.1f%%", rz_kld_pct_levels[k]);
        fprintf(out, "%-7s %s: %10.6f%s\n", rz_kld_pct_levels[k] == 50 ? "Median" : label, name,
                scale * d->pct[k], unit);
    }
    fprintf(out, "Minimum %s: %10.6f%s\n", name, scale * d->min, unit);
}

static void text(FILE *out, const rz_ppl_report *r) {
    const rz_ppl_result *p = r->result;
    fprintf(out, "Final estimate: PPL = %.4f +/- %.5f\n", p->ppl, p->ppl_err);
    const rz_kld_summary *k = r->kld;
    if (!k) return;
    fprintf(out, "\n====== Perplexity statistics ======\n");
    fprintf(out, "Mean PPL(Q)                   : %10.6f ± %10.6f\n", k->ppl_q, k->ppl_q_err);
    fprintf(out, "Mean PPL(base)                : %10.6f ± %10.6f\n", k->ppl_base, k->ppl_base_err);
    fprintf(out, "Cor(ln(PPL(Q)), ln(PPL(base))): %6.2f%%\n", 100 * k->cor);
    fprintf(out, "Mean ln(PPL(Q)/PPL(base))     : %10.6f ± %10.6f\n", k->ln_ratio, k->ln_ratio_err);
    fprintf(out, "Mean PPL(Q)/PPL(base)         : %10.6f ± %10.6f\n", k->ppl_ratio,
            k->ppl_ratio_err);
    fprintf(out, "\n====== KL divergence statistics ======\n");
    fprintf(out, "Mean    KLD: %10.6f ± %10.6f\n", k->kld.mean, k->kld.err);
    text_dist(out, "KLD", &k->kld, 1.0, "");
    fprintf(out, "\n====== Token probability statistics ======\n");
    fprintf(out, "Mean    Δp: %6.3f ± %5.3f %%\n", 100 * k->dp.mean, 100 * k->dp.err);
    text_dist(out, "Δp", &k->dp, 100.0, " %");
    fprintf(out, "RMS Δp    : %6.3f ± %5.3f %%\n", 100 * k->dp_rms, 100 * k->dp_rms_err);
    fprintf(out, "Same top p: %6.3f ± %5.3f %%\n", 100 * k->same_top, 100 * k->same_top_err);
}

static void csv(FILE *out, const rz_ppl_report *r) {
    const rz_ppl_result *p = r->result;
    fprintf(out, "scope,metric,value,error\n");
    for (int c = 0; c < p->plan.n_chunks; c++) {
        fprintf(out, "chunk %d,ppl,%.6f,\n", c + 1, p->chunk_ppl[c]);
        fprintf(out, "chunk %d,running_ppl,%.6f,\n", c + 1, p->running[c]);
    }
    fprintf(out, "final,ppl,%.6f,%.6f\n", p->ppl, p->ppl_err);
    fprintf(out, "final,tokens_scored,%lld,\n", (long long)p->n_scored);
    fprintf(out, "final,seconds,%.3f,\n", p->seconds);
    fprintf(out, "final,tokens_per_s,%.2f,\n", tokens_per_s(p));
    const rz_kld_summary *k = r->kld;
    if (!k) return;
    fprintf(out, "kld,ppl_q,%.6f,%.6f\nkld,ppl_base,%.6f,%.6f\n", k->ppl_q, k->ppl_q_err,
            k->ppl_base, k->ppl_base_err);
    fprintf(out, "kld,ln_ppl_ratio,%.6f,%.6f\nkld,ppl_ratio,%.6f,%.6f\nkld,cor_ln_ppl,%.6f,\n",
            k->ln_ratio, k->ln_ratio_err, k->ppl_ratio, k->ppl_ratio_err, k->cor);
    fprintf(out, "kld,kld_mean,%.6f,%.6f\nkld,kld_max,%.6f,\nkld,kld_min,%.6f,\n", k->kld.mean,
            k->kld.err, k->kld.max, k->kld.min);
    for (int i = 0; i < RZ_KLD_N_PCT; i++)
        fprintf(out, "kld,kld_p%g,%.6f,\n", rz_kld_pct_levels[i], k->kld.pct[i]);
    fprintf(out, "kld,dp_mean,%.6f,%.6f\nkld,dp_rms,%.6f,%.6f\n", k->dp.mean, k->dp.err, k->dp_rms,
            k->dp_rms_err);
    for (int i = 0; i < RZ_KLD_N_PCT; i++)
        fprintf(out, "kld,dp_p%g,%.6f,\n", rz_kld_pct_levels[i], k->dp.pct[i]);
    fprintf(out, "kld,same_top,%.6f,%.6f\n", k->same_top, k->same_top_err);
}

static cJSON *dist_json(const rz_kld_dist *d) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "mean", d->mean);
    cJSON_AddNumberToObject(o, "error", d->err);
    cJSON_AddNumberToObject(o, "max", d->max);
    cJSON_AddNumberToObject(o, "min", d->min);
    for (int i = 0; i < RZ_KLD_N_PCT; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%g", rz_kld_pct_levels[i]);
        cJSON_AddNumberToObject(o, name, d->pct[i]);
    }
    return o;
}

static cJSON *kld_json(const rz_kld_summary *k) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "positions", (double)k->n);
    cJSON_AddNumberToObject(o, "ppl_q", k->ppl_q);
    cJSON_AddNumberToObject(o, "ppl_q_error", k->ppl_q_err);
    cJSON_AddNumberToObject(o, "ppl_base", k->ppl_base);
    cJSON_AddNumberToObject(o, "ppl_base_error", k->ppl_base_err);
    cJSON_AddNumberToObject(o, "ln_ppl_ratio", k->ln_ratio);
    cJSON_AddNumberToObject(o, "ln_ppl_ratio_error", k->ln_ratio_err);
    cJSON_AddNumberToObject(o, "ppl_ratio", k->ppl_ratio);
    cJSON_AddNumberToObject(o, "ppl_ratio_error", k->ppl_ratio_err);
    cJSON_AddNumberToObject(o, "cor_ln_ppl", k->cor);
    cJSON_AddItemToObject(o, "kld", dist_json(&k->kld));
    cJSON_AddItemToObject(o, "delta_p", dist_json(&k->dp));
    cJSON_AddNumberToObject(o, "delta_p_rms", k->dp_rms);
    cJSON_AddNumberToObject(o, "delta_p_rms_error", k->dp_rms_err);
    cJSON_AddNumberToObject(o, "same_top", k->same_top);
    cJSON_AddNumberToObject(o, "same_top_error", k->same_top_err);
    return o;
}

static cJSON *result_json(const rz_ppl_report *r) {
    const rz_ppl_result *p = r->result;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", r->model);
    cJSON_AddStringToObject(o, "file", r->file ? r->file : "");
    cJSON_AddStringToObject(o, "backend", r->backend);
    cJSON_AddNumberToObject(o, "threads", r->threads);
    cJSON_AddNumberToObject(o, "n_tokens", (double)r->n_tokens);
    cJSON_AddNumberToObject(o, "n_ctx", p->plan.n_ctx);
    cJSON_AddNumberToObject(o, "first", p->plan.first);
    cJSON_AddBoolToObject(o, "add_bos", p->plan.add_bos);
    cJSON *chunks = cJSON_AddArrayToObject(o, "chunks");
    for (int c = 0; c < p->plan.n_chunks; c++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "chunk", c + 1);
        cJSON_AddNumberToObject(e, "ppl", p->chunk_ppl[c]);
        cJSON_AddNumberToObject(e, "running_ppl", p->running[c]);
        cJSON_AddItemToArray(chunks, e);
    }
    cJSON *f = cJSON_AddObjectToObject(o, "final");
    cJSON_AddNumberToObject(f, "ppl", p->ppl);
    cJSON_AddNumberToObject(f, "error", p->ppl_err);
    cJSON_AddNumberToObject(f, "tokens_scored", (double)p->n_scored);
    cJSON_AddNumberToObject(f, "tokens_evaluated", (double)p->n_evaluated);
    cJSON_AddNumberToObject(f, "seconds", p->seconds);
    cJSON_AddNumberToObject(f, "tokens_per_s", tokens_per_s(p));
    if (r->kld) cJSON_AddItemToObject(o, "kl_divergence", kld_json(r->kld));
    return o;
}

int rz_ppl_print(FILE *out, rz_ppl_format format, const rz_ppl_report *r) {
    if (format == RZ_PPL_TEXT) {
        text(out, r);
        return 0;
    }
    if (format == RZ_PPL_CSV) {
        csv(out, r);
        return 0;
    }
    cJSON *o = result_json(r);
    char *s = o ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (!s) return -1;
    fprintf(out, "%s\n", s);
    free(s);
    return 0;
}
