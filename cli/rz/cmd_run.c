/* rz run MODEL.gguf -p TEXT [-n N] [--temp T] [--seed S] [--top-k K] [--top-p P] [-t N]
 *        [--ctx N] [--backend NAME] */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "backends/amx/amx.h"
#include "backends/backend.h"
#include "cli/common/arg_number.h"
#include "cli/common/error_report.h"
#include "cli/rz/cache_type.h"
#include "cli/rz/commands.h"
#include "engine/core/pool_pin.h"
#include "engine/generate/generate.h"
#include "engine/tokenizer/gguf_vocab.h"

static const char help[] =
    "usage: rz run MODEL.gguf -p TEXT [-n N] [--temp T] [--seed S] [--top-k K] [--top-p P]\n"
    "              [-t N] [--ctx N] [--backend scalar|avx2|avx512]\n\n"
    "Generates text with a llama-family GGUF model (general.architecture llama or gemma3),\n"
    "streaming it to stdout. Prompt and decode speed and the time to the first token go to\n"
    "stderr. Special tokens written in the prompt (e.g. <|im_start|>) are parsed.\n\n"
    "  -p, --prompt TEXT  the prompt\n"
    "  -n N               tokens to generate at most (default 128); stops early at the\n"
    "                     model's end-of-generation token\n"
    "  --temp T           temperature (default 0.8); 0 picks the most likely token\n"
    "  --top-k K          sample among the K most likely tokens (default 40; 0: all)\n"
    "  --top-p P          then among the smallest set of probability P (default 0.95)\n"
    "  --seed S           random seed (default: from the clock, printed on stderr)\n"
    "  -t, --threads N    threads for the matrix products (default: the\n"
    "                     physical cores this process may use)\n"
    "  --ctx N            KV cache positions (default: the model's context, at most 4096)\n"
    "  --cache-type T     KV cache element type: f16 (default, as llama.cpp) or f32\n"
    "  --backend B        kernel table (default: $RZ_BACKEND, else the widest the CPU supports)\n";

typedef struct {
    const char *model, *prompt, *backend;
    long long n_predict, top_k, threads, ctx, seed;
    uint32_t kv_type;
    double temp, top_p;
    int seeded;
} run_args;

static int parse_option(run_args *a, const char *opt, const char *val) {
    const long long big = 1 << 30;
    if (!strcmp(opt, "-p") || !strcmp(opt, "--prompt")) {
        a->prompt = val;
        return 0;
    }
    if (!strcmp(opt, "--backend")) {
        a->backend = val;
        return 0;
    }
    if (!strcmp(opt, "--temp")) return rz_arg_number("rz run", opt, val, 0, 1e6, &a->temp);
    if (!strcmp(opt, "--top-p")) return rz_arg_number("rz run", opt, val, 1e-9, 1, &a->top_p);
    if (!strcmp(opt, "-n")) return rz_arg_int("rz run", opt, val, 0, big, &a->n_predict);
    if (!strcmp(opt, "--top-k")) return rz_arg_int("rz run", opt, val, 0, big, &a->top_k);
    if (!strcmp(opt, "-t") || !strcmp(opt, "--threads"))
        return rz_arg_int("rz run", opt, val, 1, 1024, &a->threads);
    if (!strcmp(opt, "--ctx")) return rz_arg_int("rz run", opt, val, 1, big, &a->ctx);
    if (!strcmp(opt, "--cache-type")) return rz_cli_cache_type("run", val, &a->kv_type);
    if (!strcmp(opt, "--seed")) {
        a->seeded = 1;
        return rz_arg_int("rz run", opt, val, 0, LLONG_MAX, &a->seed);
    }
    fprintf(stderr, "rz run: unknown option '%s'\n\n%s", opt, help);
    return -1;
}

/* 0 to run, 1 when --help was printed, 2 on a usage error. */
static int parse_args(int argc, char **argv, run_args *a) {
    *a = (run_args){.n_predict = 128,
                    .top_k = 40,
                    .threads = rz_default_threads(),
                    .kv_type = RZ_TYPE_F16,
                    .temp = 0.8,
                    .top_p = 0.95};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(help, stdout);
            return 1;
        } else if (arg[0] == '-' && i + 1 < argc) {
            if (parse_option(a, arg, argv[++i])) return 2;
        } else if (arg[0] == '-') {
            fprintf(stderr, "rz run: option '%s' needs a value\n\n%s", arg, help);
            return 2;
        } else if (!a->model) {
            a->model = arg;
        } else {
            fprintf(stderr, "rz run: unexpected argument '%s'\n\n%s", arg, help);
            return 2;
        }
    }
    if (!a->model || !a->prompt) {
        fprintf(stderr, "rz run: expected MODEL.gguf and -p TEXT\n\n%s", help);
        return 2;
    }
    if (!a->seeded) a->seed = (long long)time(NULL);
    return 0;
}

static void write_piece(void *ctx, const char *piece, size_t len) {
    fwrite(piece, 1, len, ctx);
    fflush(ctx);
}

static void report(const rz_generate_stats *s, const run_args *a, const rz_llama_model *m,
                   const rz_llama_state *st) {
    fprintf(stderr, "\n\nrz run: backend %s, %lld thread%s", st->be->name, a->threads,
            a->threads == 1 ? "" : "s");
    if (a->threads > 1) fprintf(stderr, " (workers pinned to cores by hwloc: %d)", st->pinned);
    fprintf(stderr, ", seed %lld\n", a->seed);
    const char *amx = rz_amx_status_of(st->be);
    if (amx) fprintf(stderr, "%s\n", amx);
    fprintf(stderr, "prompt: %d tokens in %.3f s (%.1f tokens/s)\n", s->n_prompt, s->prompt_s,
            s->prompt_s > 0 ? s->n_prompt / s->prompt_s : 0.0);
    fprintf(stderr, "decode: %d tokens in %.3f s (%.1f tokens/s)%s\n", s->n_decoded, s->decode_s,
            s->decode_s > 0 ? s->n_decoded / s->decode_s : 0.0,
            s->stopped ? ", stopped at end of generation" : "");
    fprintf(stderr, "time to first token: %.1f ms\n", 1e3 * s->first_s);
    struct rusage ru;
    const double rss_mib = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024.0 : -1;
    fprintf(stderr, "memory: peak RSS %.1f MiB, KV cache %s %.1f MiB (%lld positions)\n", rss_mib,
            st->kv_type == RZ_TYPE_F16 ? "f16" : "f32",
            (double)rz_llama_kv_bytes(&m->config, st->n_ctx, st->kv_type) / (1 << 20),
            (long long)st->n_ctx);
}

static int generate(const run_args *a, const rz_llama_model *m, const rz_tok_vocab *v) {
    rz_error err;
    rz_llama_state state;
    rz_sampler sampler;
    int ctx = rz_llama_default_ctx(&m->config, (int)a->ctx);
    rz_sampler_params sp = {(float)a->temp, (int)a->top_k, (float)a->top_p, (uint64_t)a->seed};
    if (rz_llama_state_init_kv(&m->config, ctx, RZ_LLAMA_BATCH, a->kv_type, rz_backend_active(),
                               (int)a->threads, &state, &err)) {
        rz_cli_error("rz run", &err);
        return 1;
    }
    if (rz_sampler_init(&sp, m->config.vocab_size, &sampler, &err)) {
        rz_cli_error("rz run", &err);
        rz_llama_state_deinit(&state);
        return 2;
    }
    rz_generator g = {.model = m,
                      .state = &state,
                      .vocab = v,
                      .sampler = &sampler,
                      .on_piece = write_piece,
                      .ctx = stdout};
    rz_generate_stats stats;
    rz_status st = rz_generate(&g, a->prompt, (int)a->n_predict, &stats, &err);
    if (st) {
        fputc('\n', stderr);
        rz_cli_error("rz run", &err);
    } else {
        report(&stats, a, m, &state);
    }
    rz_sampler_deinit(&sampler);
    rz_llama_state_deinit(&state);
    return st ? 1 : 0;
}

int rz_cmd_run(int argc, char **argv) {
    run_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc == 1 ? 0 : 2;
    rz_error err;
    if (rz_backend_select(a.backend, &err)) {
        rz_cli_error("rz run", &err);
        return 2;
    }
    rz_llama_model m;
    rz_tok_vocab v;
    if (rz_llama_model_open(a.model, &m, &err)) {
        rz_cli_error("rz run", &err);
        return 1;
    }
    if (rz_tok_vocab_from_gguf(&m.gguf, &v, &err)) {
        rz_cli_error("rz run", &err);
        rz_llama_model_close(&m);
        return 1;
    }
    rc = generate(&a, &m, &v);
    rz_tok_vocab_free(&v);
    rz_llama_model_close(&m);
    return rc;
}
