/* rz perplexity MODEL.gguf -f FILE [-c N] [--chunks N] [-b N] [-t N] [--format text|csv|json]
 *               [--kl-divergence-base FILE [--kl-divergence]] [--backend NAME] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/arg_number.h"
#include "cli/common/error_report.h"
#include "cli/rz/cache_type.h"
#include "cli/rz/commands.h"
#include "cli/rz/perplexity_print.h"
#include "engine/core/file.h"
#include "engine/core/pool_pin.h"
#include "engine/perplexity/kld_file.h"
#include "engine/tokenizer/gguf_vocab.h"

static const char help[] =
    "usage: rz perplexity MODEL.gguf -f FILE [-c N] [--chunks N] [-b N] [-t N]\n"
    "                     [--format text|csv|json] [--kl-divergence-base FILE]\n"
    "                     [--kl-divergence] [--backend scalar|avx2|avx512]\n\n"
    "Perplexity of a llama-family GGUF model over a text file, by llama.cpp's method: the whole\n"
    "file (less one trailing newline) is tokenized with BOS as the vocabulary asks, cut into\n"
    "non-overlapping chunks of N tokens (BOS replaces each chunk's first token when the\n"
    "vocabulary adds BOS) and the second half of each chunk is scored. The running estimate\n"
    "goes to stderr as [1]x,[2]y,... with the speed; the result to stdout.\n\n"
    "  -f, --file FILE          the text (e.g. WikiText-2's wiki.test.raw)\n"
    "  -c, --ctx-size N         tokens per chunk (default 512; even, >= 4)\n"
    "  --chunks N               score at most N chunks (default: all)\n"
    "  -b, --batch-size N       tokens per forward batch (default 128, at most the chunk); the\n"
    "                           figures do not depend on it, the speed and memory do\n"
    "  -t, --threads N          threads for the matrix products (default: the\n"
    "                           physical cores this process may use)\n"
    "  --cache-type T           KV cache element type: f16 (default, as llama.cpp) or f32\n"
    "  --format F               text (default), csv or json\n"
    "  --kl-divergence-base F   without --kl-divergence: also save this model's log-probabilities\n"
    "                           (top 128 per position, see engine/perplexity/kld_file.h) to F;\n"
    "                           with it: read them from F (its tokens, -f not needed)\n"
    "  --kl-divergence          compare this model with the base: PPL ratio, KLD percentiles,\n"
    "                           delta-p statistics, same top token\n"
    "  --backend B              kernel table (default: $RZ_BACKEND, else the widest available)\n\n"
    "Speed counts chunks x N tokens (what llama.cpp evaluates) over the wall time.\n";

typedef struct {
    const char *model, *file, *kld_base, *backend;
    long long n_ctx, chunks, batch, threads;
    uint32_t kv_type;
    rz_ppl_format format;
    int kld;
} ppl_args;

static int parse_format(const char *val, rz_ppl_format *f) {
    if (!strcmp(val, "text"))
        *f = RZ_PPL_TEXT;
    else if (!strcmp(val, "csv"))
        *f = RZ_PPL_CSV;
    else if (!strcmp(val, "json"))
        *f = RZ_PPL_JSON;
    else {
        fprintf(stderr, "rz perplexity: --format: expected text, csv or json, got '%s'\n", val);
        return -1;
    }
    return 0;
}

static int parse_option(ppl_args *a, const char *opt, const char *val) {
    const long long big = 1 << 30;
    if (!strcmp(opt, "-f") || !strcmp(opt, "--file"))
        a->file = val;
    else if (!strcmp(opt, "--kl-divergence-base"))
        a->kld_base = val;
    else if (!strcmp(opt, "--backend"))
        a->backend = val;
    else if (!strcmp(opt, "--format"))
        return parse_format(val, &a->format);
    else if (!strcmp(opt, "-c") || !strcmp(opt, "--ctx-size"))
        return rz_arg_int("rz perplexity", opt, val, 4, 1 << 20, &a->n_ctx);
    else if (!strcmp(opt, "--chunks"))
        return rz_arg_int("rz perplexity", opt, val, 1, big, &a->chunks);
    else if (!strcmp(opt, "-b") || !strcmp(opt, "--batch-size"))
        return rz_arg_int("rz perplexity", opt, val, 1, big, &a->batch);
    else if (!strcmp(opt, "-t") || !strcmp(opt, "--threads"))
        return rz_arg_int("rz perplexity", opt, val, 1, 1024, &a->threads);
    else if (!strcmp(opt, "--cache-type"))
        return rz_cli_cache_type("perplexity", val, &a->kv_type);
    else {
        fprintf(stderr, "rz perplexity: unknown option '%s'\n\n%s", opt, help);
        return -1;
    }
    return 0;
}

static int check_args(const ppl_args *a) {
    const char *why = !a->model                ? "expected MODEL.gguf"
                      : a->n_ctx % 2           ? "-c: expected an even number"
                      : a->kld && !a->kld_base ? "--kl-divergence needs --kl-divergence-base FILE"
                      : !a->kld && !a->file    ? "expected -f FILE"
                                               : NULL;
    if (why) fprintf(stderr, "rz perplexity: %s\n\n%s", why, help);
    return why ? 2 : 0;
}

/* 0 to run, 1 when --help was printed, 2 on a usage error. */
static int parse_args(int argc, char **argv, ppl_args *a) {
    *a = (ppl_args){.n_ctx = 512,
                    .batch = RZ_LLAMA_BATCH,
                    .threads = rz_default_threads(),
                    .kv_type = RZ_TYPE_F16};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(help, stdout);
            return 1;
        } else if (!strcmp(arg, "--kl-divergence")) {
            a->kld = 1;
        } else if (arg[0] == '-' && i + 1 < argc) {
            if (parse_option(a, arg, argv[++i])) return 2;
        } else if (arg[0] == '-') {
            fprintf(stderr, "rz perplexity: option '%s' needs a value\n\n%s", arg, help);
            return 2;
        } else if (!a->model) {
            a->model = arg;
        } else {
            fprintf(stderr, "rz perplexity: unexpected argument '%s'\n\n%s", arg, help);
            return 2;
        }
    }
    return check_args(a);
}

static void progress(void *ctx, const rz_ppl_progress *p) {
    (void)ctx;
    fprintf(stderr, "[%d]%.4f,", p->chunk, p->ppl);
    if (p->chunk == p->n_chunks) fputc('\n', stderr);
    fflush(stderr);
}

/* Tokenizes the file and plans its chunks into *tokens / job->plan. */
static rz_status plan_text(const ppl_args *a, const rz_tok_vocab *v, rz_tok_ids *tokens,
                           rz_ppl_job *job, rz_error *err) {
    unsigned char *text;
    size_t len;
    rz_status st = rz_file_read_all(a->file, &text, &len, err);
    if (st) return st;
    st = rz_ppl_tokenize(v, (const char *)text, len, tokens, err);
    free(text);
    if (!st) st = rz_ppl_plan_make(tokens->n, (int)a->n_ctx, (int)a->chunks, v, &job->plan, err);
    job->tokens = tokens->ids;
    if (!st)
        fprintf(stderr, "rz perplexity: %zu tokens, %d chunks of %d (BOS %s), scoring %d each\n",
                tokens->n, job->plan.n_chunks, job->plan.n_ctx, job->plan.add_bos ? "yes" : "no",
                rz_ppl_scored(&job->plan));
    return st;
}

/* Runs the job, then saves or compares against the KLD base, then prints. */
static int finish(const ppl_args *a, rz_ppl_job *job, rz_llama_state *s, size_t n_tokens) {
    rz_error err;
    rz_ppl_result r;
    rz_kld_summary sum;
    if (rz_ppl_run(job, &r, &err)) {
        fputc('\n', stderr);
        rz_cli_error("rz perplexity", &err);
        return 1;
    }
    int rc = 0;
    if (job->record && rz_kld_file_write(a->kld_base, job->record, &err)) rc = 1;
    if (!rc && job->kld && rz_kld_summarize(job->kld, &sum, &err)) rc = 1;
    if (rc) {
        rz_cli_error("rz perplexity", &err);
    } else {
        fprintf(
            stderr,
            "rz perplexity: %lld tokens evaluated in %.2f s (%.1f tokens/s), backend %s, %lld thread%s\n",
            (long long)r.n_evaluated, r.seconds,
            r.seconds > 0 ? r.plan.n_chunks * (double)r.plan.n_ctx / r.seconds : 0.0, s->be->name,
            a->threads, a->threads == 1 ? "" : "s");
        rz_ppl_report rep = {a->model, a->file, s->be->name,           (int)a->threads,
                             n_tokens, &r,      job->kld ? &sum : NULL};
        rc = rz_ppl_print(stdout, a->format, &rep) ? 1 : 0;
    }
    rz_ppl_result_free(&r);
    return rc;
}

static int evaluate(const ppl_args *a, const rz_llama_model *m, const rz_tok_vocab *v) {
    rz_error err;
    rz_tok_ids tokens = {0};
    rz_kld_base base = {0};
    rz_kld_acc acc = {0};
    rz_llama_state s = {0};
    rz_ppl_job job = {.model = m, .state = &s, .on_chunk = progress};
    rz_status st;
    if (a->kld) {
        st = rz_kld_file_read(a->kld_base, &base, &err);
        job.compare = &base, job.kld = &acc;
    } else {
        st = plan_text(a, v, &tokens, &job, &err);
        if (!st && a->kld_base) {
            st = rz_kld_base_init(job.plan.n_ctx, m->config.vocab_size, job.plan.n_chunks,
                                  RZ_KLD_TOP_K, &base, &err);
            job.record = &base;
        }
    }
    const int n_ctx = a->kld ? base.n_ctx : job.plan.n_ctx;
    if (!st)
        st = rz_llama_state_init_kv(&m->config, n_ctx, (int)a->batch, a->kv_type, NULL,
                                    (int)a->threads, &s, &err);
    int rc = st ? 1 : finish(a, &job, &s, tokens.n);
    if (st) rz_cli_error("rz perplexity", &err);
    rz_llama_state_deinit(&s);
    rz_kld_acc_free(&acc);
    rz_kld_base_deinit(&base);
    rz_tok_ids_free(&tokens);
    return rc;
}

int rz_cmd_perplexity(int argc, char **argv) {
    ppl_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc == 1 ? 0 : 2;
    rz_error err;
    if (rz_backend_select(a.backend, &err)) {
        rz_cli_error("rz perplexity", &err);
        return 2;
    }
    rz_llama_model m;
    rz_tok_vocab v;
    if (rz_llama_model_open(a.model, &m, &err)) {
        rz_cli_error("rz perplexity", &err);
        return 1;
    }
    if (rz_tok_vocab_from_gguf(&m.gguf, &v, &err)) {
        rz_cli_error("rz perplexity", &err);
        rz_llama_model_close(&m);
        return 1;
    }
    rc = evaluate(&a, &m, &v);
    rz_tok_vocab_free(&v);
    rz_llama_model_close(&m);
    return rc;
}
