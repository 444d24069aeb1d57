/* Claim A1: SIMD operations reach more than 50% of the theoretical peak FLOPS.
 * The verdict's kernel is fixed in advance: the F32 prompt-shape GEMM, whose operations are
 * FLOPs, against the FP32 FMA peak. The quantized GEMMs (int8 dot products) are held against the
 * int8 peak and reported beside it. Each peak is timed in every run on the GEMM's own threads,
 * right before and after that run's GEMM samples, so each run gives its own % of peak. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "claims/workloads/layer_pair.h"
#include "harness/claim.h"
#include "harness/probe_bandwidth.h"
#include "harness/probe_fma.h"
#include "harness/probe_int8.h"
#include "harness/probe_threads.h"
#include "harness/timer.h"

enum { N_TOKENS = 128, DIM = RZB_PAIR_DIM, HIDDEN = RZB_PAIR_HIDDEN, N_TYPES = 3 };
enum { SMOKE_TOKENS = 8, SMOKE_SHRINK = 8 }; /* a smoke run's tokens and weights' divisor */
enum { VERDICT_TYPE = 0, PEAK_SAMPLES = 3 };
#define PEAK_SECONDS 0.02   /* one in-run peak sample */
#define SMOKE_SECONDS 0.002 /* a peak sample or probe repetition in a smoke run */
#define THRESHOLD 0.5
#define ALPHA 0.025 /* one-sided; each bound of a 95% CI */

static const struct {
    uint32_t type;
    const char *name;
    bool int8; /* dot products of 8-bit activations: held against the int8 peak */
} kinds[N_TYPES] = {
    {RZ_TYPE_F32, "F32", false}, {RZ_TYPE_Q8_0, "Q8_0", true}, {RZ_TYPE_Q4_K, "Q4_K", true}};
static const char *const isa_names[RZ_ISA_COUNT] = {"scalar", "AVX2", "AVX-512"};

static const char *peak_name(int k) {
    return kinds[k].int8 ? "int8 peak" : "FMA peak";
}

typedef struct {
    const rzb_context *ctx;
    int n_tokens; /* of the prompt shape: N_TOKENS, or SMOKE_TOKENS in a smoke run */
    int shrink;   /* the weights' sizes divided by: 1, or SMOKE_SHRINK in a smoke run */
    rz_pool *pool;
    float *x, *y;
    rzb_peak_sampler fma, int8; /* the widest ISA's, on the GEMM's pool */
    rzb_layer_pair pairs[N_TYPES];
    rzb_series *gemm[N_TYPES], *peak[N_TYPES];
} bench;

/* Operations of one pair of products at the prompt shape: 2 per multiply-add, in billions. */
static double gemm_gop(const bench *b) {
    const double dim = DIM / b->shrink, hidden = HIDDEN / b->shrink;
    return 2.0 * b->n_tokens * (dim + hidden) * dim * 1e-9;
}

/* Both peaks of every ISA this CPU runs, on 1 and n threads, as metrics. */
static void peak_metrics(const rzb_context *ctx, rzb_result *r, int n) {
    const int reps = (int)rzb_sized(ctx, 3, 1);
    const double seconds = ctx->smoke ? SMOKE_SECONDS : 0.05;
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++)
        for (int t = 1; t <= n; t += n > 1 ? n - 1 : 1) {
            rzb_peak p;
            char name[80];
            const char *s = t > 1 ? "s" : "";
            if (rzb_probe_fma((rz_isa)isa, t, reps, seconds, &p)) {
                snprintf(name, sizeof name, "FMA peak %s, %d thread%s", isa_names[isa], t, s);
                rzb_result_metric(r, name, p.best_gops, "GFLOP/s");
            }
            if (rzb_probe_int8((rz_isa)isa, t, reps, seconds, &p)) {
                snprintf(name, sizeof name, "int8 peak %s, %d thread%s", isa_names[isa], t, s);
                rzb_result_metric(r, name, p.best_gops, "GOP/s");
            }
        }
}

/* STREAM triad on 1 and n threads; returns the n-thread figure (GB/s) and its L3 size. */
static double measure_bandwidth(const rzb_context *ctx, rzb_result *r, int n, size_t *l3) {
    double gbs = NAN;
    const size_t bytes = (size_t)rzb_sized(ctx, 512, 16) << 20;
    for (int t = 1; t <= n; t += n > 1 ? n - 1 : 1) {
        rzb_bandwidth bw;
        char why[256], name[80];
        if (!rzb_probe_bandwidth(t, bytes, (int)rzb_sized(ctx, 5, 1), &bw, why, sizeof why)) {
            rzb_result_note(r, "bandwidth probe on %d threads failed: %s", t, why);
            continue;
        }
        snprintf(name, sizeof name, "STREAM triad, %d thread%s", t, t > 1 ? "s" : "");
        rzb_result_metric(r, name, bw.best_gbs, "GB/s");
        if (bw.cache_caveat)
            rzb_result_note(r, "caveat: triad arrays 3 x %zu MiB are under 4x the L3 (%zu MiB)",
                            bw.array_bytes >> 20, bw.l3_bytes >> 20);
        *l3 = bw.l3_bytes;
        if (t == n) gbs = bw.best_gbs;
    }
    return gbs;
}

/* PEAK_SAMPLES samples of type k's peak, each as the time the peak would take for one GEMM. */
static void sample_peak(bench *b, int k, int run) {
    rzb_peak_sampler *s = kinds[k].int8 ? &b->int8 : &b->fma;
    for (int i = 0; i < PEAK_SAMPLES; i++)
        rzb_series_push(b->peak[k], run, gemm_gop(b) / rzb_peak_sample(s) * 1e3);
}

/* Prompt-shape samples of type k (ms per pair of products, n_tokens), after warm-up. */
static void sample_gemm(bench *b, int k, int run) {
    const rzb_layer_pair *p = &b->pairs[k];
    for (int i = 0; i < b->ctx->warmup; i++)
        rzb_layer_pair_product(p, b->pool, 0, b->x, b->y, b->n_tokens);
    for (int i = 0; i < b->ctx->iterations; i++) {
        uint64_t t0 = rz_now_ns();
        rzb_layer_pair_product(p, b->pool, 0, b->x, b->y, b->n_tokens);
        rzb_series_push(b->gemm[k], run, (double)(rz_now_ns() - t0) / 1e6);
    }
}

/* Every run: per type, its peak, its GEMM samples, its peak again. */
static void sample_runs(bench *b) {
    for (int run = 0; run < b->ctx->runs; run++)
        for (int k = 0; k < N_TYPES; k++) {
            rzb_progress(b->ctx, "run %d/%d: %s GEMM between %s samples", run + 1, b->ctx->runs,
                         kinds[k].name, peak_name(k));
            sample_peak(b, k, run);
            sample_gemm(b, k, run);
            sample_peak(b, k, run);
        }
}

/* Decode-shape samples (ms per pair of products): each run walks every copy once, so every
 * sample reads its weights from memory, not cache. */
static void sample_matvec(const bench *b, const rzb_layer_pair *p, rzb_series *s) {
    for (int run = 0; run < b->ctx->runs; run++)
        for (int c = 0; c < p->copies; c++) {
            uint64_t t0 = rz_now_ns();
            rzb_layer_pair_product(p, b->pool, c, b->x, b->y, 1);
            rzb_series_push(s, run, (double)(rz_now_ns() - t0) / 1e6);
        }
}

/* Type k's GOP/s, its peak's and its % of peak with the run-level CI, as metrics. */
static void gemm_metrics(rzb_result *r, const bench *b, int k) {
    rzb_series_finish(b->gemm[k]);
    rzb_series_finish(b->peak[k]);
    rzb_paired f = rzb_series_ratio(b->gemm[k], b->peak[k], THRESHOLD, ALPHA);
    char name[80];
    snprintf(name, sizeof name, "GEMM %s (prompt shape)", kinds[k].name);
    rzb_result_metric(r, name, gemm_gop(b) / (b->gemm[k]->run_gmean * 1e-3),
                      kinds[k].int8 ? "GOP/s" : "GFLOP/s");
    snprintf(name, sizeof name, "%s in %s's runs", peak_name(k), kinds[k].name);
    rzb_result_metric(r, name, gemm_gop(b) / (b->peak[k]->run_gmean * 1e-3),
                      kinds[k].int8 ? "GOP/s" : "GFLOP/s");
    snprintf(name, sizeof name, "GEMM %s, %% of %s", kinds[k].name, peak_name(k));
    rzb_result_metric(r, name, 100 * f.ratio, "%");
    snprintf(name, sizeof name, "GEMM %s, %% of %s CI95", kinds[k].name, peak_name(k));
    rzb_result_metric(r, name, 100 * f.lo, "% (low)");
    rzb_result_metric(r, name, 100 * f.hi, "% (high)");
}

/* Decode-shape bandwidth of type k against the triad; a figure above the triad is noted: the
 * triad is no bound on a read-only stream. */
static void matvec_metrics(rzb_result *r, int k, rzb_series *s, const rzb_layer_pair *p,
                           double bandwidth) {
    rzb_series_finish(s);
    double gbs = (double)p->pair_bytes / (s->run_gmean * 1e6);
    char name[80];
    snprintf(name, sizeof name, "matvec %s (decode shape), weights read", kinds[k].name);
    rzb_result_metric(r, name, gbs, "GB/s");
    snprintf(name, sizeof name, "matvec %s, %% of triad bandwidth", kinds[k].name);
    rzb_result_metric(r, name, 100 * gbs / bandwidth, "%");
    if (gbs > bandwidth)
        rzb_result_note(
            r,
            "matvec %s reads its weights at %.1f GB/s, above the triad's %.1f GB/s: the triad counts 3 arrays' bytes per pass (not the write-allocate read) and a third of them are writes, so it does not bound a read-only stream; these %% are no roofline",
            kinds[k].name, gbs, bandwidth);
}

/* The decode-shape figures, type by type (copies cycled past 4x the L3); false when out of
 * memory. */
static bool decode_figures(rzb_result *r, const bench *b, size_t l3, double bandwidth) {
    for (int k = 0; k < N_TYPES; k++) {
        char label[64];
        rzb_layer_pair p;
        snprintf(label, sizeof label, "matvec %s, 1 token", kinds[k].name);
        rzb_series *mv = rzb_result_series(r, label, "ms", "per pair of products, from memory");
        int copies = (int)((4 * (l3 ? l3 : (size_t)256 << 20)) / b->pairs[k].pair_bytes + 1);
        if (b->ctx->smoke) copies = 1;
        if (!mv || !rzb_layer_pair_make(&p, kinds[k].type, copies, b->shrink)) return false;
        rzb_progress(b->ctx, "%s matvec over %d copies", kinds[k].name, copies);
        sample_matvec(b, &p, mv);
        matvec_metrics(r, k, mv, &p, bandwidth);
        rzb_layer_pair_free(&p);
    }
    return true;
}

/* The GEMM series and one copy of every type's weights; false when out of memory. */
static bool make_gemm_inputs(rzb_result *r, bench *b) {
    for (int k = 0; k < N_TYPES; k++) {
        char label[64], method[96];
        snprintf(label, sizeof label, "GEMM %s, %d tokens", kinds[k].name, b->n_tokens);
        b->gemm[k] = rzb_result_series(r, label, "ms", "per pair of products");
        snprintf(label, sizeof label, "%s for %s's ops", peak_name(k), kinds[k].name);
        snprintf(method, sizeof method, "ops of one pair / peak rate, %d samples before and after",
                 PEAK_SAMPLES);
        b->peak[k] = rzb_result_series(r, label, "ms", method);
        if (!b->gemm[k] || !b->peak[k] ||
            !rzb_layer_pair_make(&b->pairs[k], kinds[k].type, 1, b->shrink))
            return false;
    }
    return true;
}

static void notes(rzb_result *r, const bench *b, int n, int placed) {
    const rz_backend *be = rz_backend_active();
    rz_isa isa = rz_backend_best_isa();
    rzb_result_note(
        r,
        "GEMM backend %s, %d threads (%d on CPUs of their own); peaks: the widest ISA this CPU runs (%s) on the GEMM's pool: FMA = FP32 FMA chains, int8 = %s, each timed %d x %.0f ms right before and after each type's GEMM samples in every run",
        be->name, n, placed, isa_names[isa], rzb_int8_method(isa), PEAK_SAMPLES,
        1e3 * b->fma.seconds);
    if (be->isa != isa)
        rzb_result_note(r, "the backend (%s) is narrower than the CPU's widest ISA (%s)", be->name,
                        isa_names[isa]);
    rzb_result_note(
        r,
        "prompt shape: Y = X W^T, X %d x %d, W %d x %d then %d x %d (rz_matmul_mt), %.3g G ops (2 per multiply-add), W and X on 64-byte lines as rz's activation buffers are (a GGUF file's F32 tensor is on the file's alignment, 32 bytes by default, where the F32 tile takes its slower two-row kernel); decode shape: y = W x on the same weights (rz_matvec_mt), copies cycled so each sample reads its weights from memory",
        b->n_tokens, DIM / b->shrink, DIM / b->shrink, DIM / b->shrink, HIDDEN / b->shrink,
        DIM / b->shrink, gemm_gop(b));
    rzb_result_note(
        r,
        "verdict type fixed in advance: F32 GEMM / FMA peak (the claim counts FLOPs); Q8_0 and Q4_K multiply int8 activations and are held against the int8 peak, reported as metrics");
}

/* Samplers on the GEMM's pool, calibrated; false when the CPU runs neither kernel (never). */
static bool make_samplers(bench *b) {
    rz_isa isa = rz_backend_best_isa();
    const double seconds = b->ctx->smoke ? SMOKE_SECONDS : PEAK_SECONDS;
    return rzb_fma_sampler(&b->fma, isa, b->pool, seconds) &&
           rzb_int8_sampler(&b->int8, isa, b->pool, seconds);
}

static void measure(const rzb_context *ctx, rzb_result *r, bench *b, int n, int placed) {
    rzb_progress(ctx, "peaks per ISA and STREAM triad");
    peak_metrics(ctx, r, n);
    size_t l3 = 0;
    double bandwidth = measure_bandwidth(ctx, r, n, &l3);
    if (!make_samplers(b) || !make_gemm_inputs(r, b)) {
        rzb_result_verdict(r, RZB_SKIPPED, "out of memory for the weights, or no peak kernel");
        return;
    }
    sample_runs(b);
    notes(r, b, n, placed);
    for (int k = 0; k < N_TYPES; k++)
        gemm_metrics(r, b, k);
    rzb_result_compare(
        r, b->gemm[VERDICT_TYPE], b->peak[VERDICT_TYPE], THRESHOLD, ALPHA,
        "F32 prompt-shape GEMM throughput as a fraction of the FMA peak of the same runs (0.5 = 50%)");
    if (!decode_figures(r, b, l3, bandwidth)) {
        rzb_result_verdict(r, RZB_SKIPPED, "out of memory for the weight copies");
        return;
    }
    rzb_result_judge(r);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    const int n = rzb_online_cpus();
    bench *b = calloc(1, sizeof *b);
    rz_error err;
    if (b) {
        b->ctx = ctx;
        b->n_tokens = (int)rzb_sized(ctx, N_TOKENS, SMOKE_TOKENS);
        b->shrink = (int)rzb_sized(ctx, 1, SMOKE_SHRINK);
    }
    if (!b || !(b->x = rzb_random_floats((size_t)b->n_tokens * DIM, 7)) ||
        !(b->y = malloc((size_t)b->n_tokens * HIDDEN * sizeof(float))) ||
        (n > 1 && rz_pool_new(n, &b->pool, &err)))
        rzb_result_verdict(r, RZB_SKIPPED, "out of memory or threads for the workload");
    else
        measure(ctx, r, b, n, rzb_pool_pin(b->pool));
    for (int k = 0; b && k < N_TYPES; k++)
        rzb_layer_pair_free(&b->pairs[k]);
    if (b) {
        rz_pool_free(b->pool);
        free(b->x);
        free(b->y);
    }
    free(b);
}

const rzb_claim rzb_claim_a1_simd_peak = {
    .id = "A1",
    .title = "SIMD reaches > 50% of peak FLOPS",
    .statement = "SIMD operations reach > 50% of theoretical peak FLOPS",
    .source = "realizar design rationale (paiml/realizar), claim A1",
    .workload =
        "TinyLlama-1.1B-shape weights (2048 x 2048 and 5632 x 2048, random values) in F32, Q8_0 and Q4_K; prompt shape: 128 tokens through rz_matmul_mt; decode shape: one token through rz_matvec_mt; all cores, one thread per CPU",
    .baseline =
        "this machine's own peaks, timed in every run on the GEMM's threads right before and after each type's GEMM samples: FP32 FMA chains in registers, and int8 dot-product chains (AVX-512 VNNI vpdpbusd, else AVX2 vpmaddubsw + vpmaddwd), of the widest ISA CPUID reports; STREAM triad (3 x 512 MiB) for the decode figures; the VM's reported clock is not used",
    .threshold =
        "F32 prompt-shape GEMM >= 50% of the FMA peak (the verdict's kernel, fixed in advance; the quantized GEMMs' % of the int8 peak are reported beside it)",
    .test =
        "per run and type: 3 peak samples, warm-up, `iterations` GEMM samples, 3 peak samples; each peak sample as the time the peak takes for the GEMM's operations (2 per multiply-add); per run, the fraction of peak = median peak time / median GEMM time; t with runs - 1 degrees of freedom on the log fractions, one-sided at alpha 0.025 (each bound of the 95% CI); decode matvec as weight bytes read / time against the triad bandwidth (metrics)",
    .verdict_rule =
        "SUPPORTED when the F32 fraction's CI lower bound >= 0.5 (one-sided p < 0.025); FALSIFIED when its upper bound < 0.5; INCONCLUSIVE otherwise or under the runner's rules (runs, noise, load)",
    .default_runs = 5,
    .default_iterations = 5,
    .default_warmup = 1,
    .default_batch = 1,
    .run = run,
};
