/* rzbench serve-load: an open-loop serving benchmark (harness/serve_load.h) of rz serve and
 * llama-server side by side, or of a server already running, at one or more Poisson rates. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/rzbench/args.h"
#include "cli/rzbench/commands.h"
#include "engine/core/file.h"
#include "harness/atomic_file.h"
#include "harness/data.h"
#include "harness/fingerprint.h"
#include "harness/probe_threads.h"
#include "harness/serve_load_rounds.h"
#include "harness/serve_load_session.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, MAX_RATES = 16, MAX_OUTS = 3 };

static const char help[] =
    "usage: rzbench serve-load -m MODEL [OPTIONS]\n\n"
    "Open-loop serving benchmark in the manner of vLLM's benchmark_serving: requests arrive as\n"
    "a Poisson process at each --rates value and are sent when due, however many are in flight.\n"
    "Each is a streaming POST /v1/completions (temperature 0) with a prompt cut from WikiText-2\n"
    "to --prompt-tokens tokens (counted with MODEL's vocabulary) and max_tokens from\n"
    "--max-tokens; the same requests go to every target. Targets: rz serve and llama-server,\n"
    "started here on MODEL with the same slots, threads and context per slot, alternating ABBA\n"
    "per round; or --url, a server already running. Each is ready when GET /health answers 200;\n"
    "one warm-up request per target is not counted.\n\n"
    "Per target and rate: p50/p90/p99 of TTFT, TPOT ((E2E - TTFT) / (tokens - 1)), ITL and E2E in\n"
    "ms, requests/s, output tokens/s (tokens: the server's usage.completion_tokens), goodput\n"
    "(requests/s with TTFT and TPOT within the SLO) and failed requests by name.\n\n"
    "options:\n"
    "  -m, --model FILE     the GGUF model (its vocabulary cuts the prompts; required)\n"
    "  --targets LIST       rz, llama-server or rz,llama-server (default; none with --url)\n"
    "  --url URL            load the server at http://HOST:PORT as well\n"
    "                       (alone with --targets none)\n"
    "  --rates LIST         offered rates, requests/s, comma-separated (default 1)\n"
    "  --requests N         requests per target, rate and round (default 32)\n"
    "  --rounds R           rounds per rate (default 1, at most 64)\n"
    "  --seed S             seed of the arrivals and prompts; round r at rate x uses\n"
    "                       S + r + 1000003 * 1000x: new prompts at every rate (default 1)\n"
    "  --prompt-tokens A:B  prompt length, uniform in [A, B] tokens (default 64:128)\n"
    "  --max-tokens A[:B]   max_tokens, fixed or uniform in [A, B] (default 64)\n"
    "  --text FILE          prompt source (default: the shared wikitext-2-raw/wiki.test.raw)\n"
    "  --slots N            parallel slots of each server (default 2)\n"
    "  --threads N          compute threads of each server in all (default: the CPUs; rz -t gets\n"
    "                       N / slots per worker, llama-server -t N)\n"
    "  --ctx N              KV positions per slot (default 512)\n"
    "  --slo-ttft-ms X      goodput's TTFT bound (default 1000; 0: none)\n"
    "  --slo-tpot-ms X      goodput's TPOT bound (default 100; 0: none)\n"
    "  --timeout S          per request (default 300)\n"
    "  --format F           md (default), csv or json on stdout\n"
    "  --out FILE           also write the report to FILE, atomically, as its extension says\n"
    "                       (.md, .csv, .json; else --format); up to 3 times\n\n"
    "Progress goes to stderr when it is a terminal. Exit codes: 0 the run completed (failed\n"
    "requests are counted in the report); 1 a target or the prompts could not be set up, or a\n"
    "file could not be written; 2 usage error.\n";

typedef struct {
    const char *model, *targets, *url, *text, *format;
    const char *outs[MAX_OUTS];
    int n_outs, n_rates;
    double rates[MAX_RATES];
    long long requests, rounds, seed, slots, threads, ctx;
    long long prompt_min, prompt_max, out_min, out_max;
    rzb_sl_slo slo;
    double timeout_s;
} options;

static const char *const formats[] = {"md", "csv", "json", NULL};
static const char *const target_lists[] = {"rz,llama-server", "rz", "llama-server", "none", NULL};

/* "A:B" or "A" (then B = A), 1 <= A <= B. */
static bool range(const char *opt, const char *text, long long *a, long long *b) {
    char *end;
    *a = strtoll(text, &end, 10);
    *b = *end == ':' ? strtoll(end + 1, &end, 10) : *a;
    if (*end || *a < 1 || *b < *a || *b > 1 << 20) {
        fprintf(stderr, "rzbench: %s: expected A or A:B with 1 <= A <= B, got '%s'\n", opt, text);
        return false;
    }
    return true;
}

static bool rates(options *o, const char *opt, const char *text) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", text);
    o->n_rates = 0;
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (o->n_rates == MAX_RATES) {
            fprintf(stderr, "rzbench: %s: at most %d rates\n", opt, MAX_RATES);
            return false;
        }
        if (!rzb_arg_positive(opt, t, &o->rates[o->n_rates++])) return false;
    }
    return o->n_rates > 0 || rzb_arg_positive(opt, text, &o->rates[0]);
}

static bool non_negative(const char *opt, const char *text, double *out) {
    char *end;
    *out = strtod(text, &end);
    if (end != text && !*end && *out >= 0) return true;
    fprintf(stderr, "rzbench: %s: expected a number >= 0, got '%s'\n", opt, text);
    return false;
}

static bool parse_valued(options *o, const char *a, const char *v) {
    if (!strcmp(a, "-m") || !strcmp(a, "--model")) return (o->model = v) != NULL;
    if (!strcmp(a, "--targets")) return rzb_arg_choice(a, o->targets = v, target_lists);
    if (!strcmp(a, "--url")) return (o->url = v) != NULL;
    if (!strcmp(a, "--text")) return (o->text = v) != NULL;
    if (!strcmp(a, "--format")) return rzb_arg_choice(a, o->format = v, formats);
    if (!strcmp(a, "--rates")) return rates(o, a, v);
    if (!strcmp(a, "--requests")) return rzb_arg_count(a, v, 1, &o->requests);
    if (!strcmp(a, "--rounds")) return rzb_arg_count(a, v, 1, &o->rounds);
    if (!strcmp(a, "--seed")) return rzb_arg_count(a, v, 0, &o->seed);
    if (!strcmp(a, "--slots")) return rzb_arg_count(a, v, 1, &o->slots);
    if (!strcmp(a, "--threads")) return rzb_arg_count(a, v, 1, &o->threads);
    if (!strcmp(a, "--ctx")) return rzb_arg_count(a, v, 16, &o->ctx);
    if (!strcmp(a, "--prompt-tokens")) return range(a, v, &o->prompt_min, &o->prompt_max);
    if (!strcmp(a, "--max-tokens")) return range(a, v, &o->out_min, &o->out_max);
    if (!strcmp(a, "--slo-ttft-ms")) return non_negative(a, v, &o->slo.ttft_ms);
    if (!strcmp(a, "--slo-tpot-ms")) return non_negative(a, v, &o->slo.tpot_ms);
    if (!strcmp(a, "--timeout")) return rzb_arg_positive(a, v, &o->timeout_s);
    if (!strcmp(a, "--out") && o->n_outs < MAX_OUTS) return (o->outs[o->n_outs++] = v) != NULL;
    fprintf(stderr, "rzbench serve-load: %s (see --help)\n",
            strcmp(a, "--out") ? "unknown option" : "--out given more than 3 times");
    return false;
}

/* The problem with a parsed command line, or NULL. */
static const char *check(const options *o) {
    if (!o->model) return "expected -m MODEL";
    if (o->rounds > RZB_SL_MAX_ROUNDS) return "--rounds: at most 64";
    if (!strcmp(o->targets, "none") && !o->url) return "--targets none needs --url";
    if (o->prompt_max + o->out_max > o->ctx)
        return "--prompt-tokens B + --max-tokens B exceed --ctx (the context of one slot)";
    return NULL;
}

/* 0 to go on, -1 after --help, EXIT_USAGE on a usage error. */
static int parse(int argc, char **argv, options *o) {
    *o = (options){.targets = "rz,llama-server",
                   .format = "md",
                   .n_rates = 1,
                   .rates = {1},
                   .requests = 32,
                   .rounds = 1,
                   .seed = 1,
                   .slots = 2,
                   .threads = rzb_online_cpus(),
                   .ctx = 512,
                   .prompt_min = 64,
                   .prompt_max = 128,
                   .out_min = 64,
                   .out_max = 64,
                   .slo = {.ttft_ms = 1000, .tpot_ms = 100},
                   .timeout_s = 300};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        }
        if (a[0] != '-' || i + 1 == argc) {
            fprintf(stderr, "rzbench serve-load: %s '%s' (see --help)\n",
                    a[0] == '-' ? "missing value or unknown option" : "unexpected argument", a);
            return EXIT_USAGE;
        }
        if (!parse_valued(o, a, argv[++i])) return EXIT_USAGE;
    }
    const char *problem = check(o);
    if (problem) fprintf(stderr, "rzbench serve-load: %s (see --help)\n", problem);
    return problem ? EXIT_USAGE : 0;
}

/* The rz executable beside this rzbench. */
static void rz_beside(char *out, size_t cap) {
    char dir[4096];
    snprintf(out, cap, "%s/rz", rz_file_self_dir(dir, sizeof dir) ? dir : ".");
}

static void workload_note(const options *o, const rzb_sl_session_spec *ss, rzb_sl_report *r) {
    rzb_sl_report_note(r, "workload: %lld requests per target, rate and round; %lld round(s)",
                       o->requests, o->rounds);
    rzb_sl_report_note(
        r,
        "arrivals: Poisson, seed %lld + round + 1000003 * 1000 * rate (new prompts at every rate, so that no prompt cache sees one twice), the same for every target",
        o->seed);
    rzb_sl_report_note(r, "prompts: %lld-%lld tokens cut from %s (first %zu bytes)", o->prompt_min,
                       o->prompt_max, ss->text, ss->text_bytes);
    rzb_sl_report_note(r, "requests: streaming POST /v1/completions, temperature 0");
    rzb_sl_report_note(r, "max_tokens %lld-%lld, no ignore_eos: a request may stop at EOS",
                       o->out_min, o->out_max);
    const long long per_worker = o->threads / o->slots > 1 ? o->threads / o->slots : 1;
    rzb_sl_report_note(r, "servers: %lld slots; llama-server -t %lld", o->slots, o->threads);
    rzb_sl_report_note(r, "rz serve -t %lld per worker, %lld threads in all", per_worker,
                       per_worker * o->slots);
    rzb_sl_report_note(r, "servers: %lld KV positions per slot", o->ctx);
    rzb_sl_report_note(r, "targets alternate ABBA per round");
    rzb_sl_report_note(r, "one warm-up request per target, not counted");
    rzb_sl_report_note(r, "TTFT and E2E from the connect; a fresh connection per request");
}

/* Warnings a reader needs: a late load generator, servers whose events are not one token each. */
static void warnings(rzb_sl_report *r) {
    bool mismatch = false;
    for (int i = 0; i < r->n_rows; i++) {
        const rzb_sl_row *row = &r->rows[i];
        const double late = row->s.late_max_ms;
        if (late > 10)
            rzb_sl_report_note(r, "warning: %s at %g req/s: a request was sent %.1f ms late",
                               row->target, row->rate, late);
        if (row->s.usage_mismatch)
            rzb_sl_report_note(r, "%s at %g req/s: %d request(s) with fewer events than tokens",
                               row->target, row->rate, row->s.usage_mismatch);
        mismatch = mismatch || row->s.usage_mismatch;
    }
    if (mismatch)
        rzb_sl_report_note(r, "fewer events than tokens: a server joined tokens in one event");
    if (mismatch) rzb_sl_report_note(r, "TPOT counts usage.completion_tokens, ITL the events");
}

static const char *format_of(const char *path, const char *fallback) {
    const char *dot = strrchr(path, '.');
    if (dot && (!strcmp(dot, ".md") || !strcmp(dot, ".csv") || !strcmp(dot, ".json")))
        return dot + 1;
    return fallback;
}

static int emit(const options *o, const rzb_sl_report *r) {
    rzb_sl_report_print(r, o->format, stdout);
    int rc = 0;
    for (int i = 0; i < o->n_outs; i++) {
        rzb_atomic_file a;
        char err[1024];
        bool ok = rzb_atomic_open_said(&a, o->outs[i], err, sizeof err);
        if (ok)
            ok = rzb_atomic_close_said(
                &a, rzb_sl_report_print(r, format_of(o->outs[i], o->format), a.f), err, sizeof err);
        if (!ok) fprintf(stderr, "rzbench serve-load: %s\n", err);
        rc = ok ? rc : EXIT_FAILED;
    }
    return rc;
}

/* Every rate and round; cells[rate * n_targets + target]. */
static bool measure(const options *o, rzb_sl_session *s, const rzb_sl_spec *spec,
                    rzb_sl_cell *cells, char *why, size_t cap) {
    const bool tty = isatty(2);
    bool ok = rzb_sl_warm(s->t, s->n, spec, &s->corpus, why, cap);
    for (int k = 0; ok && k < o->n_rates; k++)
        for (int round = 0; ok && round < o->rounds; round++) {
            if (tty)
                fprintf(stderr, "serve-load: %g req/s, round %d/%lld, %lld requests per target\n",
                        o->rates[k], round + 1, o->rounds, o->requests);
            ok = rzb_sl_round(s->t, s->n, spec, &s->corpus, o->rates[k], round, &o->slo,
                              &cells[k * s->n], why, cap);
        }
    return ok;
}

static int report(const options *o, const rzb_sl_session *s, const rzb_sl_session_spec *ss,
                  rzb_sl_cell *cells, const char *command) {
    rzb_sl_row rows[MAX_RATES * 3];
    rzb_sl_report r = {.command = command, .slo = o->slo, .rows = rows};
    rzb_pin pin;
    rzb_pin_init(&pin, -1);
    rzb_fingerprint fp;
    rzb_fingerprint_collect(&fp, &pin);
    char *fp_json = rzb_fingerprint_json(&fp);
    r.fingerprint_json = fp_json;
    workload_note(o, ss, &r);
    rzb_sl_session_notes(s, &r);
    for (int k = 0; k < o->n_rates; k++)
        for (int t = 0; t < s->n; t++) {
            rzb_sl_row *row = &rows[r.n_rows++];
            *row = (rzb_sl_row){
                .target = s->t[t].label, .rate = o->rates[k], .rounds = (int)o->rounds};
            rzb_sl_cell_summary(&cells[k * s->n + t], &o->slo, &row->s);
        }
    warnings(&r);
    int rc = emit(o, &r);
    free(fp_json);
    rzb_pin_fini(&pin);
    return rc;
}

int rzb_cmd_serve_load(int argc, char **argv, const char *command) {
    options o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    char rz[4200], text[4096], why[2048];
    rz_beside(rz, sizeof rz);
    if (!o.text && !rzb_data_find("datasets/wikitext-2-raw/wiki.test.raw", text, sizeof text, why,
                                  sizeof why)) {
        fprintf(stderr, "rzbench serve-load: no prompt text (--text FILE): %s\n", why);
        return EXIT_FAILED;
    }
    const bool with_rz = !strncmp(o.targets, "rz", 2);
    rzb_sl_session_spec ss = {.text = o.text ? o.text : text,
                              .text_bytes = 256 << 10,
                              .rz_bin = with_rz ? rz : NULL,
                              .llama = strstr(o.targets, "llama-server") != NULL,
                              .url = o.url,
                              .server = {o.model, (int)o.slots, (int)o.threads, (int)o.ctx},
                              .ready_s = 120};
    rzb_sl_spec spec = {.n = (int)o.requests,
                        .seed = (uint64_t)o.seed,
                        .prompt_min = (int)o.prompt_min,
                        .prompt_max = (int)o.prompt_max,
                        .out_min = (int)o.out_min,
                        .out_max = (int)o.out_max};
    rzb_sl_session s;
    if (!rzb_sl_session_open(&s, &ss, why, sizeof why)) {
        fprintf(stderr, "rzbench serve-load: %s\n", why);
        return EXIT_FAILED;
    }
    for (int t = 0; t < s.n; t++)
        s.t[t].ep.timeout_s = o.timeout_s;
    const int n_cells = o.n_rates * s.n;
    rzb_sl_cell *cells = calloc((size_t)n_cells, sizeof *cells);
    bool ok = cells && measure(&o, &s, &spec, cells, why, sizeof why);
    if (ok) rc = report(&o, &s, &ss, cells, command);
    if (!ok) fprintf(stderr, "rzbench serve-load: %s\n", cells ? why : "out of memory");
    rzb_sl_session_close(&s);
    for (int i = 0; cells && i < n_cells; i++)
        rzb_sl_cell_free(&cells[i]);
    free(cells);
    return ok ? rc : EXIT_FAILED;
}
