/* The perplexity engine (engine/perplexity) on a tiny synthetic llama: llama.cpp's scoring
 * (which positions, which tokens, BOS, the error formula) against a reference computed here
 * from full forward passes in long double; the KL-divergence record, its statistics and its file
 * format round trip; SHA-256 test vectors and the manifest check; `rz perplexity` usage errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/sha256.h"
#include "engine/perplexity/dataset.h"
#include "engine/perplexity/kld_file.h"
#include "engine/perplexity/perplexity.h"
#include "engine/perplexity/score.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "tests/support/support.h"
#include "tests/support/tiny_llama.h"
#include "tests/support/temp.h"

enum { CTX = 8, CHUNKS = 3, N_TOKENS = CTX * CHUNKS + 5 };

static void open_tiny(rz_llama_model *m, rzt_llama_tensors *t, uint8_t **buf) {
    size_t len;
    rz_gguf g;
    rz_error err;
    *buf = rzt_llama_image(&rzt_tiny_llama, t, "", &len);
    cr_assert_eq(rz_gguf_parse(*buf, len, "synthetic", &g, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_model_from_gguf(&g, m, &err), RZ_OK, "%s", err.msg);
}

static void text_tokens(int32_t *tokens) {
    for (int i = 0; i < N_TOKENS; i++)
        tokens[i] = (int32_t)((i * 7 + 3) % rzt_tiny_llama.vocab);
}

/* -log p(chunk[j+1]) at every scored position, from a fresh full pass over each chunk. */
static void reference_nll(rz_llama_model *m, const rz_ppl_plan *p, const int32_t *tokens,
                          double *nll) {
    rz_llama_state s;
    rz_error err;
    cr_assert_eq(rz_llama_state_init(&m->config, CTX, NULL, 1, &s, &err), RZ_OK, "%s", err.msg);
    int k = 0;
    for (int c = 0; c < p->n_chunks; c++) {
        int32_t chunk[CTX];
        memcpy(chunk, tokens + c * CTX, sizeof chunk);
        if (p->add_bos) chunk[0] = p->bos;
        for (int j = 0; j < CTX - 1; j++) {
            cr_assert_eq(rz_llama_forward(m, &s, chunk[j], j, &err), RZ_OK, "%s", err.msg);
            if (j < CTX / 2) continue;
            long double sum = 0;
            for (int v = 0; v < m->config.vocab_size; v++)
                sum += expl((long double)s.logits[v]);
            nll[k++] = (double)(logl(sum) - (long double)s.logits[chunk[j + 1]]);
        }
    }
    cr_assert_eq(k, p->n_chunks * (CTX - 1 - CTX / 2));
    rz_llama_state_deinit(&s);
}

static void check_run(bool add_bos) {
    rz_llama_model m;
    rzt_llama_tensors t;
    uint8_t *buf;
    open_tiny(&m, &t, &buf);
    rz_tok_vocab v = {.add_bos = add_bos, .bos = 11};
    rz_ppl_plan plan;
    rz_error err;
    cr_assert_eq(rz_ppl_plan_make(N_TOKENS, CTX, 0, &v, &plan, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(plan.n_chunks, CHUNKS);
    cr_assert_eq(plan.first, CTX / 2);
    cr_assert_eq(plan.add_bos, add_bos);
    int32_t tokens[N_TOKENS];
    text_tokens(tokens);
    rz_llama_state s;
    cr_assert_eq(rz_llama_state_init(&m.config, CTX, NULL, 2, &s, &err), RZ_OK, "%s", err.msg);
    rz_ppl_job job = {.model = &m, .state = &s, .plan = plan, .tokens = tokens};
    rz_ppl_result r;
    cr_assert_eq(rz_ppl_run(&job, &r, &err), RZ_OK, "%s", err.msg);
    double want[CHUNKS * CTX];
    reference_nll(&m, &plan, tokens, want);
    cr_assert_eq(r.n_scored, CHUNKS * 3);
    cr_assert_eq(r.n_evaluated, CHUNKS * (CTX - 1));
    double sum = 0, sum2 = 0;
    for (int i = 0; i < r.n_scored; i++) {
        cr_assert_float_eq(r.nll[i], want[i], 1e-5, "position %d: %g vs %g", i, r.nll[i], want[i]);
        sum += want[i], sum2 += want[i] * want[i];
    }
    const double n = (double)r.n_scored, mean = sum / n;
    cr_assert_float_eq(r.ppl, exp(mean), 1e-5 * exp(mean));
    const double err_want = exp(mean) * sqrt((sum2 / n - mean * mean) / (n - 1));
    cr_assert_float_eq(r.ppl_err, err_want, 1e-4 * err_want);
    cr_assert_float_eq(r.running[CHUNKS - 1], r.ppl, 1e-12);
    const double chunk0 = exp((want[0] + want[1] + want[2]) / 3);
    cr_assert_float_eq(r.chunk_ppl[0], chunk0, 1e-4 * chunk0);
    rz_ppl_result_free(&r);
    rz_llama_state_deinit(&s);
    rz_llama_model_close(&m);
    rzt_llama_tensors_free(&t);
    free(buf);
}

Test(perplexity, scores_second_half_like_llama_cpp) {
    check_run(false);
}

Test(perplexity, bos_replaces_first_token_of_each_chunk) {
    check_run(true);
}

Test(perplexity, log_prob_and_error_formula) {
    float uniform[50];
    for (int i = 0; i < 50; i++)
        uniform[i] = 3.25f;
    cr_assert_float_eq(rz_ppl_log_prob(uniform, 50, 7), -log(50.0), 1e-12);
    const float two[2] = {0.0f, (float)log(3.0)};
    cr_assert_float_eq(rz_ppl_log_prob(two, 2, 1), log(0.75), 1e-7);
    double out[2];
    cr_assert_eq(rz_ppl_log_softmax(two, 2, out), 1);
    cr_assert_float_eq(out[0], log(0.25), 1e-7);
    rz_ppl_acc a = {0};
    cr_assert_eq(rz_ppl_acc_err(&a), 0.0);
    rz_ppl_acc_add(&a, -1.0);
    rz_ppl_acc_add(&a, -3.0);
    cr_assert_float_eq(rz_ppl_acc_ppl(&a), exp(2.0), 1e-12);
    cr_assert_float_eq(rz_ppl_acc_err(&a), exp(2.0) * 1.0, 1e-12); /* var 1, n - 1 = 1 */
}

Test(perplexity, plan_rules) {
    rz_tok_vocab v = {.add_bos = true, .bos = 1};
    rz_ppl_plan p;
    rz_error err;
    cr_assert_eq(rz_ppl_plan_make(1023, 512, 0, &v, &p, &err), RZ_EINVAL);
    cr_assert(strstr(err.msg, "1023"), "%s", err.msg);
    cr_assert_eq(rz_ppl_plan_make(4096, 511, 0, &v, &p, &err), RZ_EINVAL);
    cr_assert_eq(rz_ppl_plan_make(5000, 512, 3, &v, &p, &err), RZ_OK);
    cr_assert_eq(p.n_chunks, 3);
    cr_assert_eq(rz_ppl_scored(&p), 255);
    cr_assert_eq(rz_ppl_plan_make(5000, 512, 0, &v, &p, &err), RZ_OK);
    cr_assert_eq(p.n_chunks, 9);
    v.bos = -1;
    cr_assert_eq(rz_ppl_plan_make(5000, 512, 0, &v, &p, &err), RZ_OK);
    cr_assert(!p.add_bos);
}

/* Records the tiny model as the base, then compares it with itself and with a model whose
 * output is perturbed. */
Test(perplexity, kld_against_itself_is_zero) {
    rz_llama_model m;
    rzt_llama_tensors t;
    uint8_t *buf;
    open_tiny(&m, &t, &buf);
    rz_tok_vocab v = {.bos = -1};
    int32_t tokens[N_TOKENS];
    text_tokens(tokens);
    rz_error err;
    rz_llama_state s;
    rz_kld_base base;
    rz_ppl_job job = {.model = &m, .state = &s, .tokens = tokens, .record = &base};
    cr_assert_eq(rz_ppl_plan_make(N_TOKENS, CTX, 0, &v, &job.plan, &err), RZ_OK);
    cr_assert_eq(rz_llama_state_init(&m.config, CTX, NULL, 1, &s, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_kld_base_init(CTX, m.config.vocab_size, CHUNKS, 5, &base, &err), RZ_OK);
    rz_ppl_result r0, r1;
    cr_assert_eq(rz_ppl_run(&job, &r0, &err), RZ_OK, "%s", err.msg);
    rz_kld_acc acc = {0};
    rz_ppl_job cmp = {.model = &m, .state = &s, .compare = &base, .kld = &acc};
    cr_assert_eq(rz_ppl_run(&cmp, &r1, &err), RZ_OK, "%s", err.msg);
    cr_assert_float_eq(r1.ppl, r0.ppl, 1e-9);
    rz_kld_summary k;
    cr_assert_eq(rz_kld_summarize(&acc, &k, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(k.n, (size_t)r0.n_scored);
    cr_assert_float_eq(k.kld.mean, 0.0, 1e-6);
    cr_assert_float_eq(k.kld.max, 0.0, 1e-6);
    cr_assert_float_eq(k.same_top, 1.0, 1e-12);
    cr_assert_float_eq(k.dp.max, 0.0, 1e-6);
    cr_assert_float_eq(k.ppl_ratio, 1.0, 1e-6);
    cr_assert_float_eq(k.ppl_base, r0.ppl, 1e-4 * r0.ppl);
    cr_assert_float_eq(k.cor, 1.0, 1e-9);
    rz_kld_acc_free(&acc);
    rz_ppl_result_free(&r0);
    rz_ppl_result_free(&r1);
    rz_kld_base_deinit(&base);
    rz_llama_state_deinit(&s);
    rz_llama_model_close(&m);
    rzt_llama_tensors_free(&t);
    free(buf);
}

/* Full KLD of two logit rows, in long double. */
static double full_kld(const float *p_logits, const float *q_logits, int n) {
    long double sp = 0, sq = 0, kld = 0;
    for (int i = 0; i < n; i++)
        sp += expl(p_logits[i]), sq += expl(q_logits[i]);
    for (int i = 0; i < n; i++) {
        long double lp = p_logits[i] - logl(sp), lq = q_logits[i] - logl(sq);
        kld += expl(lp) * (lp - lq);
    }
    return (double)kld;
}

Test(perplexity, kld_top_k_exact_at_full_vocab_and_a_lower_bound_below) {
    enum { V = 30 };
    float p[V], q[V];
    uint64_t st = 42;
    for (int i = 0; i < V; i++) {
        p[i] = rzt_weight(&st, 8.0f);
        q[i] = p[i] + rzt_weight(&st, 1.0f);
    }
    const double want = full_kld(p, q, V);
    double scratch[V];
    rz_error err;
    for (int k = 1; k <= V; k++) {
        rz_kld_base b;
        cr_assert_eq(rz_kld_base_init(4, V, 1, k, &b, &err), RZ_OK, "%s", err.msg);
        rz_kld_base_record(&b, 0, p, 3);
        for (int t = 1; t < k; t++)
            cr_assert_geq(b.top_logp[t - 1], b.top_logp[t]);
        rz_kld_point pt = rz_kld_token(&b, 0, q, 3, scratch);
        if (k >= V - 1)
            cr_assert_float_eq(pt.kld, want, 1e-6, "k %d: %g vs %g", k, pt.kld, want);
        else
            cr_assert_leq(pt.kld, want + 1e-9, "k %d", k);
        cr_assert_geq(pt.kld, -1e-9);
        cr_assert_float_eq(pt.logp_q, rz_ppl_log_prob(q, V, 3), 1e-9);
        cr_assert_float_eq(pt.dp, exp(pt.logp_q) - exp(rz_ppl_log_prob(p, V, 3)), 1e-6);
        rz_kld_base_deinit(&b);
    }
}

Test(perplexity, kld_summary_percentiles) {
    rz_kld_acc a = {0};
    rz_error err;
    for (int i = 0; i <= 1000; i++) {
        rz_kld_point p = {.kld = i / 1000.0,
                          .dp = (i - 500) / 1000.0,
                          .logp_base = -1.0,
                          .logp_q = -1.0 - i / 1000.0,
                          .same_top = i % 4 != 0};
        cr_assert_eq(rz_kld_acc_push(&a, p, &err), RZ_OK);
    }
    rz_kld_summary s;
    cr_assert_eq(rz_kld_summarize(&a, &s, &err), RZ_OK);
    cr_assert_float_eq(s.kld.mean, 0.5, 1e-12);
    cr_assert_float_eq(s.kld.pct[4], 0.5, 1e-12); /* median */
    cr_assert_float_eq(s.kld.pct[0], 0.999, 1e-12);
    cr_assert_float_eq(s.kld.pct[8], 0.001, 1e-12);
    cr_assert_float_eq(s.kld.max, 1.0, 1e-12);
    cr_assert_float_eq(s.dp.min, -0.5, 1e-12);
    cr_assert_float_eq(s.ln_ratio, 0.5, 1e-12);
    cr_assert_float_eq(s.ppl_ratio, exp(0.5), 1e-12);
    cr_assert_float_eq(s.same_top, 750.0 / 1001.0, 1e-12);
    rz_kld_acc_free(&a);
    rz_kld_acc one = {0};
    cr_assert_eq(rz_kld_acc_push(&one, (rz_kld_point){0}, &err), RZ_OK);
    cr_assert_eq(rz_kld_summarize(&one, &s, &err), RZ_EINVAL);
    rz_kld_acc_free(&one);
}

static void fill_base(rz_kld_base *b) {
    for (int i = 0; i < b->n_chunks * b->n_ctx; i++)
        b->tokens[i] = i % b->n_vocab;
    for (int64_t i = 0; i < rz_kld_base_positions(b); i++) {
        b->target[i] = -0.5f * (float)i;
        for (int t = 0; t < b->top_k; t++) {
            b->top_id[i * b->top_k + t] = (int32_t)((i + t) % b->n_vocab);
            b->top_logp[i * b->top_k + t] = -(float)t - 0.25f;
        }
    }
}

Test(perplexity, kld_file_round_trip) {
    rz_kld_base b, r;
    rz_error err;
    cr_assert_eq(rz_kld_base_init(8, 100, 2, 4, &b, &err), RZ_OK);
    fill_base(&b);
    char path[256];
    snprintf(path, sizeof path, "%s", rzt_write_temp("", 0, ".kld"));
    cr_assert_eq(rz_kld_file_write(path, &b, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_kld_file_read(path, &r, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(r.n_ctx, 8);
    cr_assert_eq(r.n_vocab, 100);
    cr_assert_eq(r.n_chunks, 2);
    cr_assert_eq(r.first, 4);
    cr_assert_eq(r.top_k, 4);
    cr_assert_arr_eq(r.tokens, b.tokens, 16 * sizeof *b.tokens);
    cr_assert_arr_eq(r.target, b.target, 6 * sizeof *b.target);
    cr_assert_arr_eq(r.top_id, b.top_id, 24 * sizeof *b.top_id);
    cr_assert_arr_eq(r.top_logp, b.top_logp, 24 * sizeof *b.top_logp);
    rz_kld_base_deinit(&r);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    fseek(f, 32, SEEK_SET);
    fputc(200, f); /* token 200 >= n_vocab */
    fclose(f);
    cr_assert_eq(rz_kld_file_read(path, &r, &err), RZ_EFORMAT);
    cr_assert(strstr(err.msg, "offset 32"), "%s", err.msg);
    f = fopen(path, "ab");
    fputc(0, f);
    fclose(f);
    cr_assert_eq(rz_kld_file_read(path, &r, &err), RZ_EFORMAT);
    cr_assert(strstr(err.msg, "bytes"), "%s", err.msg);
    const char bad[40] = "NOTAKLD!";
    cr_assert_eq(rz_kld_file_read(rzt_write_temp(bad, sizeof bad, ".kld"), &r, &err), RZ_EFORMAT);
    cr_assert(strstr(err.msg, "magic"), "%s", err.msg);
    cr_assert_eq(rz_kld_file_read("/nonexistent/x.kld", &r, &err), RZ_EIO);
    remove(path);
    rz_kld_base_deinit(&b);
}

static void hex(const uint8_t d[32], char out[65]) {
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

Test(perplexity, sha256_vectors) {
    static const char *in[] = {"", "abc",
                               "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"};
    static const char *want[] = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"};
    uint8_t d[32];
    char got[65];
    for (int i = 0; i < 3; i++) {
        rz_sha256(in[i], strlen(in[i]), d);
        hex(d, got);
        cr_assert_str_eq(got, want[i]);
    }
    rz_sha256_ctx c;
    rz_sha256_init(&c);
    char a[1000];
    memset(a, 'a', sizeof a);
    for (int i = 0; i < 1000; i++)
        rz_sha256_update(&c, a, sizeof a);
    rz_sha256_final(&c, d);
    hex(d, got);
    cr_assert_str_eq(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    cr_assert_eq(rz_sha256_file(rzt_write_temp("abc", 3, ".txt"), got, NULL), RZ_OK);
    cr_assert_str_eq(got, want[1]);
}

Test(perplexity, manifest_check_names_path_and_both_sums) {
    static const char manifest[] =
        "# path\tsha256\tsource\n"
        "data/abc.txt\tba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\thttp://x\n"
        "data/other.txt\te3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\thttp://y\n";
    char mpath[256], good[256];
    rz_error err;
    snprintf(mpath, sizeof mpath, "%s", rzt_write_temp(manifest, sizeof manifest - 1, ".tsv"));
    snprintf(good, sizeof good, "%s", rzt_write_temp("abc", 3, ".txt"));
    cr_assert_eq(rz_dataset_verify(good, mpath, "data/abc.txt", &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_dataset_verify(good, mpath, "data/other.txt", &err), RZ_EFORMAT);
    cr_assert(strstr(err.msg, good) && strstr(err.msg, "e3b0c442") && strstr(err.msg, "ba7816bf"),
              "%s", err.msg);
    cr_assert_eq(rz_dataset_verify(good, mpath, "data/missing.txt", &err), RZ_EINVAL);
    cr_assert_eq(rz_dataset_verify("/nonexistent/f", mpath, "data/abc.txt", &err), RZ_EIO);
    cr_assert(strstr(err.msg, "/nonexistent/f"), "%s", err.msg);
}

Test(perplexity, cli_usage_errors) {
    static char o[8192], e[8192];
    char *no_file[] = {(char *)rzt_bin("rz"), "perplexity", "m.gguf", NULL};
    cr_expect_eq(rzt_run(no_file, o, sizeof o, e, sizeof e), 2);
    cr_expect(strstr(e, "-f FILE"), "%s", e);
    char *odd[] = {(char *)rzt_bin("rz"), "perplexity", "m.gguf", "-f", "x", "-c", "511", NULL};
    cr_expect_eq(rzt_run(odd, o, sizeof o, e, sizeof e), 2);
    char *kld[] = {(char *)rzt_bin("rz"), "perplexity", "m.gguf", "--kl-divergence", NULL};
    cr_expect_eq(rzt_run(kld, o, sizeof o, e, sizeof e), 2);
    cr_expect(strstr(e, "--kl-divergence-base"), "%s", e);
    char *fmt[] = {
        (char *)rzt_bin("rz"), "perplexity", "m.gguf", "-f", "x", "--format", "xml", NULL};
    cr_expect_eq(rzt_run(fmt, o, sizeof o, e, sizeof e), 2);
    char *missing[] = {(char *)rzt_bin("rz"), "perplexity", "/nonexistent.gguf", "-f", "x", NULL};
    cr_expect_eq(rzt_run(missing, o, sizeof o, e, sizeof e), 1);
    char *help[] = {(char *)rzt_bin("rz"), "perplexity", "--help", NULL};
    cr_expect_eq(rzt_run(help, o, sizeof o, e, sizeof e), 0);
    cr_expect(strstr(o, "--kl-divergence-base"), "%s", o);
}

Test(perplexity, chunk_copy_and_base_plan) {
    const int32_t tokens[12] = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    rz_ppl_plan p = {.n_ctx = 4, .n_chunks = 3, .first = 2, .add_bos = true, .bos = 1};
    int32_t chunk[4];
    rz_ppl_chunk(&p, tokens, 1, chunk);
    const int32_t want[4] = {1, 10, 11, 12};
    cr_assert_arr_eq(chunk, want, sizeof want);
    p.add_bos = false;
    rz_ppl_chunk(&p, tokens, 2, chunk);
    cr_assert_eq(chunk[0], 13);
    rz_kld_base b;
    rz_error err;
    cr_assert_eq(rz_kld_base_init(4, 20, 3, 2, &b, &err), RZ_OK);
    rz_ppl_plan bp = rz_kld_base_plan(&b);
    cr_assert_eq(bp.n_ctx, 4);
    cr_assert_eq(bp.n_chunks, 3);
    cr_assert_eq(bp.first, 2);
    cr_assert(!bp.add_bos, "a base's tokens already hold BOS");
    rz_kld_base_deinit(&b);
    cr_assert_eq(rz_kld_base_init(4, 20, 3, 21, &b, &err), RZ_EINVAL);
}

/* llama.cpp's -f drops one trailing newline; the rest is tokenized with the vocabulary's BOS. */
Test(perplexity, tokenize_drops_one_trailing_newline) {
    const char *path = rzt_shared("vocab/ggml-vocab-gpt-2.gguf");
    if (!path) cr_skip_test("../shared/vocab/ggml-vocab-gpt-2.gguf is missing");
    rz_tok_vocab v;
    rz_error err;
    cr_assert_eq(rz_tok_vocab_load(path, &v, &err), RZ_OK, "%s", err.msg);
    rz_tok_ids a = {0}, b = {0}, c = {0};
    cr_assert_eq(rz_ppl_tokenize(&v, "Hello world\r\n", 13, &a, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_tok_tokenize(&v, "Hello world\r", 12, RZ_TOK_ADD_SPECIAL, &b, &err), RZ_OK);
    cr_assert_eq(rz_tok_tokenize(&v, "Hello world\r\n", 13, RZ_TOK_ADD_SPECIAL, &c, &err), RZ_OK);
    cr_assert_eq(a.n, b.n);
    cr_assert_arr_eq(a.ids, b.ids, a.n * sizeof *a.ids);
    cr_assert(a.n != c.n || memcmp(a.ids, c.ids, a.n * sizeof *a.ids));
    rz_tok_ids_free(&a);
    rz_tok_ids_free(&b);
    rz_tok_ids_free(&c);
    rz_tok_vocab_free(&v);
}

Test(perplexity, sha256_check_and_manifest_lookup) {
    char path[256], mpath[256], sum[65];
    rz_error err;
    snprintf(path, sizeof path, "%s", rzt_write_temp("abc", 3, ".txt"));
    cr_assert_eq(rz_sha256_check(path,
                                 "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                                 &err),
                 RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_sha256_check(path, "00", &err), RZ_EFORMAT);
    cr_assert(strstr(err.msg, "expected 00"), "%s", err.msg);
    static const char manifest[] =
        "x/y.bin\t" /* a 63-character sum is rejected */
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\n"
        "x/z.bin\te3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n";
    snprintf(mpath, sizeof mpath, "%s", rzt_write_temp(manifest, sizeof manifest - 1, ".tsv"));
    cr_assert_eq(rz_dataset_expected(mpath, "x/z.bin", sum, &err), RZ_OK, "%s", err.msg);
    cr_assert_str_eq(sum, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    cr_assert_eq(rz_dataset_expected(mpath, "x/y.bin", sum, &err), RZ_EINVAL);
    cr_assert_eq(rz_dataset_expected(mpath, "x/z", sum, &err), RZ_EINVAL);
    cr_assert_eq(rz_dataset_expected("/nonexistent.tsv", "x/z.bin", sum, &err), RZ_EIO);
}
