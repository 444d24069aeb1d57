/* A llama model's packed weights (engine/models/llama_pack.h), on tiny-2l written by rz synth to
 * files in pure Q4_0, Q4_1, Q5_0, Q8_0 and Q6_K and in Q4_K_M (q4_K and q6_K matrices):
 * 1. opening packs every projection (rows are multiples of 16) and the untied output, never the
 *    token embeddings; unpacking frees every copy, packing again makes them again;
 * 2. on the scalar backend the packed model's logits are the unpacked model's, bit for bit (the
 *    packed gemm is the scalar dot's arithmetic);
 * 3. on every ISA, the packed model's logits of a prompt run in batches are those of the same
 *    prompt one token at a time, bit for bit, and close to the scalar ones (within 5%: the
 *    projections give the same bits on every ISA, the attention and norm kernels do not, and
 *    the random weights of a synthetic model amplify that order; a wrong kernel moves logits by
 *    their own size);
 * 4. a BF16 model packs its projections only where the active backend runs AMX-BF16 (packed bf16
 *    has no other kernel); its batched logits are those of one token at a time, close to the
 *    scalar ones, wherever it is packed or not;
 * 5. the norm vectors are copies of the file's, and after a forward pass no page of the file's
 *    tensors stays mapped in but the two the data section shares with the header and the file's
 *    end (the resident set holds what rz reads per token: the packed copies and the norms), read
 *    from /proc/self/pagemap. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/amx/amx.h"
#include "backends/backend.h"
#include "backends/pack.h"
#include "engine/models/llama_forward.h"
#include "engine/models/llama_model.h"
#include "engine/models/llama_pack.h"
#include "engine/quantize/plan.h"
#include "engine/synth/synth.h"
#include "tests/support/temp.h"

enum { N = 40, VOCAB = 512 };

static const struct {
    const char *spec;
    bool pure;
} files[] = {{"Q4_0", true}, {"Q4_1", true},    {"Q5_0", true},
             {"Q8_0", true}, {"Q4_K_M", false}, {"Q6_K", true}};
enum { N_FILES = sizeof files / sizeof files[0] };

static char paths[N_FILES][64];

static void write_models(void) {
    for (int i = 0; i < N_FILES; i++) {
        snprintf(paths[i], sizeof paths[i], "/tmp/rzt-pack-%d-%s.gguf", (int)getpid(),
                 files[i].spec);
        rz_synth_options o = {.preset = rz_synth_preset_find("tiny-2l"),
                              .spec = rz_quant_spec_find(files[i].spec),
                              .pure = files[i].pure,
                              .seed = 11,
                              .n_threads = 1};
        rz_synth_stats st;
        rz_error err;
        cr_assert_eq(rz_synth_write(paths[i], &o, &st, &err), RZ_OK, "%s", err.msg);
    }
}

static void remove_models(void) {
    for (int i = 0; i < N_FILES; i++)
        unlink(paths[i]);
}

TestSuite(llama_pack, .init = write_models, .fini = remove_models);

static void open_model(int i, rz_llama_model *m) {
    rz_error err;
    cr_assert_eq(rz_llama_model_open(paths[i], m, &err), RZ_OK, "%s", err.msg);
}

/* Logits of every position of a fixed prompt: one token at a time, or in batches of 1, 7, 16
 * and 64 tokens. */
static void logits_of(const rz_llama_model *m, const rz_backend *be, int threads, bool batched,
                      float *out) {
    rz_llama_state s;
    rz_error err;
    cr_assert_eq(rz_llama_state_init(&m->config, N, be, threads, &s, &err), RZ_OK, "%s", err.msg);
    int32_t tokens[N];
    for (int p = 0; p < N; p++)
        tokens[p] = (p * 37 + 5) % VOCAB;
    static const int sizes[] = {1, 7, 16, 64};
    for (int p = 0, k = 0; p < N; k++) {
        const int n = !batched ? 1 : sizes[k % 4] < N - p ? sizes[k % 4] : N - p;
        cr_assert_eq(rz_llama_forward_batch(m, &s, tokens + p, n, p, out + (size_t)p * VOCAB, &err),
                     RZ_OK, "%s", err.msg);
        p += n;
    }
    rz_llama_state_deinit(&s);
}

/* The largest |got - want| / (1 + |want|) over a prompt's logits. */
static double worst_error(const float *got, const float *want) {
    double worst = 0;
    for (int i = 0; i < N * VOCAB; i++) {
        const double e = fabs(got[i] - want[i]) / (1 + fabs(want[i]));
        worst = e > worst ? e : worst;
    }
    return worst;
}

Test(llama_pack, projections_are_packed) {
    for (int f = 0; f < N_FILES; f++) {
        rz_llama_model m;
        open_model(f, &m);
        cr_assert_eq(m.config.vocab_size, VOCAB);
        int q6 = 0;
        for (int l = 0; l < m.weights.n_layers; l++) {
            const rz_llama_layer *L = &m.weights.layers[l];
            const rz_llama_matrix *all[] = {&L->wq,       &L->wk,     &L->wv,      &L->wo,
                                            &L->ffn_gate, &L->ffn_up, &L->ffn_down};
            for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
                cr_expect_not_null(all[i]->packed, "%s layer %d matrix %zu", files[f].spec, l, i);
                cr_expect_eq((int)all[i]->packed_type, rz_pack_type_of(all[i]->type));
                q6 += all[i]->type == RZ_TYPE_Q6_K;
            }
        }
        if (!strcmp(files[f].spec, "Q4_K_M")) cr_expect_gt(q6, 0, "Q4_K_M holds q6_K matrices");
        cr_expect_not_null(m.weights.output.packed);
        cr_expect_null(m.weights.token_embd.packed, "the embedding lookup reads the file's rows");
        rz_llama_weights_unpack(&m.weights);
        cr_expect_null(m.weights.output.packed);
        cr_expect_null(m.weights.layers[1].ffn_down.packed);
        rz_error err;
        cr_assert_eq(rz_llama_weights_pack(&m.weights, &m.gguf, &err), RZ_OK, "%s", err.msg);
        cr_expect_not_null(m.weights.layers[1].ffn_down.packed, "packed again");
        rz_llama_model_close(&m);
    }
}

Test(llama_pack, scalar_packed_logits_are_the_unpacked_ones) {
    static float want[N * VOCAB], got[N * VOCAB];
    for (int f = 0; f < N_FILES; f++) {
        rz_llama_model packed, plain;
        open_model(f, &packed);
        open_model(f, &plain);
        rz_llama_weights_unpack(&plain.weights);
        logits_of(&plain, &rz_backend_scalar, 1, false, want);
        logits_of(&packed, &rz_backend_scalar, 2, true, got);
        cr_assert_arr_eq(got, want, sizeof want, "%s", files[f].spec);
        rz_llama_model_close(&packed);
        rz_llama_model_close(&plain);
    }
}

Test(llama_pack, every_isa_batches_bit_identically) {
    static float scalar[N * VOCAB], one[N * VOCAB], batched[N * VOCAB];
    for (int f = 0; f < N_FILES; f++) {
        rz_llama_model m;
        open_model(f, &m);
        logits_of(&m, &rz_backend_scalar, 1, false, scalar);
        double worst = 0;
        for (int isa = RZ_ISA_AVX2; isa < RZ_ISA_COUNT; isa++) {
            const rz_backend *be = rz_backend_for((rz_isa)isa);
            if (!be) continue;
            logits_of(&m, be, 1, false, one);
            logits_of(&m, be, 3, true, batched);
            cr_assert_arr_eq(batched, one, sizeof one, "%s on %s", files[f].spec, be->name);
            const double e = worst_error(one, scalar);
            worst = e > worst ? e : worst;
        }
        cr_expect_lt(worst, 5e-2, "%s: SIMD against scalar logits: relative error %g",
                     files[f].spec, worst);
        rz_llama_model_close(&m);
    }
}

Test(llama_pack, bf16_packs_only_where_amx_bf16) {
    char dir[] = "/tmp/rzt-pack-bf16-XXXXXX", file[64];
    cr_assert_not_null(rzt_temp_dir(dir));
    snprintf(file, sizeof file, "%s/tiny-bf16.gguf", dir);
    rz_synth_options o = {.preset = rz_synth_preset_find("tiny-2l"),
                          .spec = rz_quant_spec_find("BF16"),
                          .pure = true,
                          .seed = 11,
                          .n_threads = 1};
    rz_synth_stats st;
    rz_error err;
    cr_assert_eq(rz_synth_write(file, &o, &st, &err), RZ_OK, "%s", err.msg);
    rz_llama_model m;
    cr_assert_eq(rz_llama_model_open(file, &m, &err), RZ_OK, "%s", err.msg);
    const rz_llama_matrix *wq = &m.weights.layers[1].wq;
    cr_assert_eq(wq->type, RZ_TYPE_BF16);
    const rz_backend *be = rz_backend_active();
    const bool amx = rz_amx_bf16_usable() && be == &rz_backend_avx512;
    cr_expect_eq(wq->packed != NULL, amx, "packed where the active backend runs AMX-BF16");
    static float scalar[N * VOCAB], one[N * VOCAB], batched[N * VOCAB];
    logits_of(&m, &rz_backend_scalar, 1, false, scalar);
    logits_of(&m, be, 1, false, one);
    logits_of(&m, be, 3, true, batched);
    cr_assert_arr_eq(batched, one, sizeof one, "%s: batches against one token at a time", be->name);
    const double worst = worst_error(one, scalar);
    cr_expect_lt(worst, 5e-2, "%s against scalar logits: relative error %g", be->name, worst);
    rz_llama_model_close(&m);
}

/* Pages of [p, p + len) mapped into this process (pagemap's "present" bit). */
static long mapped_pages(const void *p, size_t len) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), from = (uintptr_t)p / page;
    const uintptr_t to = ((uintptr_t)p + len + page - 1) / page;
    const int fd = open("/proc/self/pagemap", O_RDONLY);
    cr_assert_geq(fd, 0, "/proc/self/pagemap");
    long n = 0;
    for (uintptr_t v = from; v < to; v++) {
        uint64_t e = 0;
        cr_assert_eq(pread(fd, &e, sizeof e, (off_t)(v * sizeof e)), (ssize_t)sizeof e);
        n += (long)(e >> 63);
    }
    close(fd);
    return n;
}

Test(llama_pack, no_file_page_stays_mapped) {
    static float logits[N * VOCAB];
    for (int f = 0; f < N_FILES; f++) {
        rz_llama_model m;
        open_model(f, &m);
        cr_assert(m.gguf.mapped);
        const rz_gguf_tensor *t = rz_gguf_find_tensor(&m.gguf, "blk.1.ffn_norm.weight");
        const float *norm = m.weights.layers[1].ffn_norm;
        cr_assert_not_null(t);
        cr_expect((const uint8_t *)norm < m.gguf.base ||
                      (const uint8_t *)norm >= m.gguf.base + m.gguf.size,
                  "%s: the norm is a copy", files[f].spec);
        logits_of(&m, rz_backend_active(), 2, true, logits);
        const uint8_t *data = m.gguf.base + m.gguf.data_offset;
        cr_expect_leq(mapped_pages(data, m.gguf.size - m.gguf.data_offset), 2, /* partial pages */
                      "%s: %ld file pages still mapped after a forward pass", files[f].spec,
                      mapped_pages(data, m.gguf.size - m.gguf.data_offset));
        cr_expect_arr_eq(norm, t->data, t->size, "%s", files[f].spec);
        rz_llama_model_close(&m);
    }
}
