/* rz quantize: llama-quantize's per-tensor choices, and round trips of a small F32 model through
 * every type (decoded error within bounds, metadata copied, general.file_type set); the library
 * call itself (its statistics, progress and errors). */
#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/formats/gguf.h"
#include "engine/formats/gguf_write.h"
#include "engine/quantize/plan.h"
#include "engine/quantize/quantize.h"
#include "engine/quantize/rows.h"
#include "engine/types/types.h"
#include "tests/support/support.h"

static uint32_t choose(const char *spec, bool pure, uint32_t n_layers, bool has_output,
                       const char *name, uint64_t d0, uint64_t d1) {
    rz_quant_plan p = {rz_quant_spec_find(spec), pure, n_layers, has_output};
    cr_assert_not_null(p.spec, "%s", spec);
    uint64_t dims[2] = {d0, d1};
    return rz_quant_choose(&p, name, d1 ? 2 : 1, dims, RZ_TYPE_F32);
}

Test(quantize, use_more_bits_matches_llama_cpp) {
    /* n = 22 (TinyLlama): i < 2, i >= 19, (i - 2) % 3 == 2 */
    static const int expect22[] = {0, 1, 4, 7, 10, 13, 16, 19, 20, 21};
    int k = 0;
    for (int i = 0; i < 22; i++) {
        bool more = rz_quant_use_more_bits(i, 22);
        cr_expect_eq(more, k < 10 && expect22[k] == i, "layer %d", i);
        if (more) k++;
    }
    cr_expect_eq(k, 10);
}

Test(quantize, q4_k_m_choices) {
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "output.weight", 2048, 32000), RZ_TYPE_Q6_K);
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "token_embd.weight", 2048, 32000), RZ_TYPE_Q4_K);
    cr_expect_eq(choose("Q4_K_M", false, 22, false, "token_embd.weight", 2048, 32000), RZ_TYPE_Q6_K,
                 "tied embeddings take the output's type");
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "blk.0.attn_v.weight", 2048, 256), RZ_TYPE_Q6_K);
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "blk.3.attn_v.weight", 2048, 256), RZ_TYPE_Q4_K);
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "blk.4.ffn_down.weight", 5632, 2048),
                 RZ_TYPE_Q6_K);
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "blk.5.ffn_down.weight", 5632, 2048),
                 RZ_TYPE_Q4_K);
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "blk.5.attn_q.weight", 2048, 2048),
                 RZ_TYPE_Q4_K);
    cr_expect_eq(choose("Q4_K_M", false, 22, true, "blk.5.attn_norm.weight", 2048, 0), RZ_TYPE_F32,
                 "1-D tensors keep their type");
    cr_expect_eq(choose("Q4_K", false, 22, true, "output.weight", 2048, 32000), RZ_TYPE_Q6_K,
                 "Q4_K is an alias of Q4_K_M");
    cr_expect_eq(choose("Q4_K_M", true, 22, true, "output.weight", 2048, 32000), RZ_TYPE_Q4_K,
                 "--pure");
    cr_expect_eq(choose("Q5_K_M", false, 32, true, "blk.31.attn_v.weight", 4096, 4096),
                 RZ_TYPE_Q6_K);
    cr_expect_eq(choose("Q4_K_S", false, 32, true, "blk.3.attn_v.weight", 4096, 4096),
                 RZ_TYPE_Q5_K);
    cr_expect_eq(choose("Q6_K", false, 32, true, "blk.3.attn_v.weight", 4096, 4096), RZ_TYPE_Q6_K);
}

Test(quantize, other_file_types_and_fallbacks) {
    cr_expect_eq(choose("Q4_0", false, 2, true, "output.weight", 512, 64), RZ_TYPE_Q6_K);
    cr_expect_eq(choose("Q8_0", false, 2, true, "output.weight", 512, 64), RZ_TYPE_Q8_0);
    cr_expect_eq(choose("F16", false, 2, true, "blk.0.ffn_up.weight", 576, 64), RZ_TYPE_F16);
    cr_expect_eq(choose("F16", false, 2, true, "blk.0.ffn_norm.weight", 576, 0), RZ_TYPE_F32);
    cr_expect_eq(choose("Q6_K", false, 2, true, "blk.0.ffn_up.weight", 576, 64), RZ_TYPE_Q8_0);
    cr_expect_eq(choose("Q6_K", false, 2, false, "token_embd.weight", 576, 64), RZ_TYPE_Q8_0);
    cr_expect_eq(choose("Q4_K_M", false, 2, true, "blk.0.attn_q.weight", 576, 576), RZ_TYPE_Q5_0);
    cr_expect_eq(choose("Q5_K_M", false, 2, true, "blk.0.attn_q.weight", 576, 576), RZ_TYPE_Q5_1);
    cr_expect_eq(choose("Q4_K_M", false, 2, true, "blk.0.ffn_down.weight", 172, 64), RZ_TYPE_F16,
                 "rows not a multiple of 32 fall back to f16");
    cr_expect_null(rz_quant_spec_find("Q3_K_M"));
    cr_expect_eq(rz_quant_spec_find("q5_k")->ftype, RZ_FTYPE_MOSTLY_Q5_K_M);
}

/* A small F32 llama-like model: 2 layers of 256-wide tensors with smooth values. */
static const char *small_model(void) {
    static char path[64];
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    rz_gguf_writer_add_str(w, "general.architecture", "llama", &err);
    rz_gguf_writer_add_u32(w, "llama.block_count", 2, &err);
    rz_gguf_writer_add_str(w, "general.name", "quantize test", &err);
    rz_gguf_writer_add_u32(w, "general.file_type", 0, &err);
    static const struct {
        const char *name;
        uint64_t d0, d1;
    } t[] = {{"token_embd.weight", 256, 16},    {"blk.0.attn_norm.weight", 256, 1},
             {"blk.0.attn_v.weight", 256, 8},   {"blk.1.attn_v.weight", 256, 8},
             {"blk.1.ffn_down.weight", 512, 4}, {"output.weight", 256, 16}};
    static float data[6][4096];
    uint64_t state = 12345;
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 4096; j++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            data[i][j] = i == 1 ? 1.0f : (float)((int64_t)(state >> 40) - (1 << 23)) / (1 << 23);
        }
        uint64_t dims[2] = {t[i].d0, t[i].d1};
        cr_assert_eq(rz_gguf_writer_add_tensor(w, t[i].name, RZ_TYPE_F32, t[i].d1 > 1 ? 2 : 1, dims,
                                               data[i], t[i].d0 * t[i].d1 * 4, &err),
                     RZ_OK, "%s", err.msg);
    }
    snprintf(path, sizeof path, "/tmp/rzt-quant-in-%d.gguf", (int)getpid());
    cr_assert_eq(rz_gguf_writer_write(w, path, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer_free(w);
    return path;
}

/* RMS of (decoded - original) over RMS of original, for one tensor pair. */
static double rel_rms(const rz_gguf_tensor *orig, const rz_gguf_tensor *q) {
    uint64_t n = orig->n_elements;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    rz_type_get(orig->type)->to_float(orig->data, a, (int64_t)n);
    rz_type_get(q->type)->to_float(q->data, b, (int64_t)n);
    double num = 0, den = 0;
    for (uint64_t i = 0; i < n; i++) {
        num += (double)(a[i] - b[i]) * (a[i] - b[i]);
        den += (double)a[i] * a[i];
    }
    free(a);
    free(b);
    return sqrt(num / den);
}

Test(quantize, round_trip_every_type, .timeout = 120) {
    static const struct {
        const char *type;
        uint32_t ftype;
        uint32_t attn_v0; /* blk.0.attn_v: use_more_bits(0, 2) is false */
        double bound;     /* relative RMS error */
    } cases[] = {
        {"F32", 0, RZ_TYPE_F32, 0},         {"F16", 1, RZ_TYPE_F16, 1e-3},
        {"BF16", 32, RZ_TYPE_BF16, 8e-3},   {"Q8_0", 7, RZ_TYPE_Q8_0, 0.01},
        {"Q4_0", 2, RZ_TYPE_Q4_0, 0.15},    {"Q4_1", 3, RZ_TYPE_Q4_1, 0.12},
        {"Q4_K_M", 15, RZ_TYPE_Q4_K, 0.12}, {"Q5_K_M", 17, RZ_TYPE_Q5_K, 0.06},
        {"Q6_K", 18, RZ_TYPE_Q6_K, 0.03},   {"Q4_K_S", 14, RZ_TYPE_Q5_K, 0.12},
    };
    const char *in = small_model();
    char out[80];
    snprintf(out, sizeof out, "/tmp/rzt-quant-out-%d.gguf", (int)getpid());
    rz_gguf src;
    rz_error err;
    cr_assert_eq(rz_gguf_open(in, &src, &err), RZ_OK, "%s", err.msg);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char stdout_buf[4096], stderr_buf[4096];
        char *argv[] = {(char *)rzt_bin("rz"), "quantize", (char *)in, out,
                        (char *)cases[c].type, NULL};
        int rc = rzt_run(argv, stdout_buf, sizeof stdout_buf, stderr_buf, sizeof stderr_buf);
        cr_assert_eq(rc, 0, "%s: %s", cases[c].type, stderr_buf);
        rz_gguf g;
        cr_assert_eq(rz_gguf_open(out, &g, &err), RZ_OK, "%s", err.msg);
        uint64_t ftype = 99;
        cr_expect(rz_gguf_get_u64(&g, "general.file_type", &ftype));
        cr_expect_eq(ftype, cases[c].ftype, "%s", cases[c].type);
        rz_gguf_str name;
        cr_expect(rz_gguf_get_str(&g, "general.name", &name) &&
                  rz_gguf_str_eq(name, "quantize test"));
        cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.attn_norm.weight")->type, RZ_TYPE_F32);
        cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.attn_v.weight")->type, cases[c].attn_v0, "%s",
                     cases[c].type);
        for (uint64_t i = 0; i < g.n_tensors; i++) {
            double e = rel_rms(&src.tensors[i], &g.tensors[i]);
            cr_expect_leq(e, cases[c].bound, "%s: %.*s: relative RMS error %g", cases[c].type,
                          (int)g.tensors[i].name.len, g.tensors[i].name.data, e);
        }
        rz_gguf_close(&g);
    }
    rz_gguf_close(&src);
    remove(in);
    remove(out);
}

typedef struct {
    size_t calls, last_done;
    bool in_order;
} progress_log;

static void on_progress(void *ctx, size_t done, size_t total, const char *name, uint32_t type) {
    progress_log *p = ctx;
    p->in_order = p->in_order && done == p->last_done + 1 && total == 6 && name[0];
    p->last_done = done;
    p->calls++;
    (void)type;
}

Test(quantize, quantize_file_stats_progress_and_errors) {
    const char *in = small_model();
    char out[80];
    snprintf(out, sizeof out, "/tmp/rzt-quant-lib-%d.gguf", (int)getpid());
    progress_log log = {.in_order = true};
    rz_quantize_options o = {.spec = rz_quant_spec_find("Q4_0"),
                             .n_threads = 2,
                             .progress = on_progress,
                             .progress_ctx = &log};
    rz_quantize_stats st;
    rz_error err;
    cr_assert_eq(rz_quantize_file(in, out, &o, &st, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(st.n_tensors, 6);
    cr_expect_eq(st.n_converted, 5, "all but the norm");
    cr_expect_eq(st.per_type[RZ_TYPE_Q4_0], 4);
    cr_expect_eq(st.per_type[RZ_TYPE_Q6_K], 1, "output.weight");
    cr_expect_eq(st.per_type[RZ_TYPE_F32], 1);
    cr_expect_eq(st.bytes_in, 4 * (256 * 16 * 2 + 256 + 256 * 8 * 2 + 512 * 4));
    cr_expect_eq(st.bytes_out,
                 18 * (256 * 16 + 256 * 8 * 2 + 512 * 4) / 32 + 210 * 256 * 16 / 256 + 4 * 256);
    cr_expect(log.calls == 6 && log.in_order, "progress once per tensor, in order");
    rz_gguf g;
    cr_assert_eq(rz_gguf_open(out, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(rz_gguf_find_tensor(&g, "blk.1.ffn_down.weight")->type, RZ_TYPE_Q4_0);
    rz_gguf_close(&g);
    o.pure = true;
    o.progress = NULL;
    cr_assert_eq(rz_quantize_file(in, out, &o, &st, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(st.per_type[RZ_TYPE_Q4_0], 5, "pure: output.weight too");
    cr_expect_eq(rz_quantize_file("/nonexistent/in.gguf", out, &o, &st, &err), RZ_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/in.gguf") != NULL, "%s", err.msg);
    remove(in);
    remove(out);
}

Test(quantize, usage_and_failures) {
    char o[4096], e[4096];
    char *help[] = {(char *)rzt_bin("rz"), "quantize", "--help", NULL};
    cr_expect_eq(rzt_run(help, o, sizeof o, e, sizeof e), 0);
    cr_expect(strstr(o, "usage: rz quantize") != NULL);
    char *bad_type[] = {(char *)rzt_bin("rz"), "quantize", "a.gguf", "b.gguf", "Q3_K", NULL};
    cr_expect_eq(rzt_run(bad_type, o, sizeof o, e, sizeof e), 2);
    char *missing[] = {(char *)rzt_bin("rz"), "quantize", "/nonexistent.gguf",
                       "/tmp/x.gguf",         "Q8_0",     NULL};
    cr_expect_eq(rzt_run(missing, o, sizeof o, e, sizeof e), 1);
    cr_expect(strstr(e, "/nonexistent.gguf") != NULL, "%s", e);
}

static void ramp(void *ctx, uint64_t row, float *out) {
    (void)ctx;
    for (int i = 0; i < 256; i++)
        out[i] = (float)(row * 256 + (uint64_t)i) * 1e-4f - 1.0f;
}

Test(quantize, rows_do_not_depend_on_threads) {
    static _Alignas(max_align_t) uint8_t a[100 * 144], b[100 * 144]; /* as malloc aligns */
    rz_error err;
    cr_assert_eq(rz_rows_convert(RZ_TYPE_Q4_K, 100, 256, ramp, NULL, 1, a, &err), RZ_OK);
    cr_assert_eq(rz_rows_convert(RZ_TYPE_Q4_K, 100, 256, ramp, NULL, 3, b, &err), RZ_OK);
    cr_expect_eq(memcmp(a, b, sizeof a), 0);
    cr_expect_eq(rz_rows_convert(RZ_TYPE_Q4_K, 1, 100, ramp, NULL, 1, a, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "expected a multiple of 256") != NULL, "%s", err.msg);
}
