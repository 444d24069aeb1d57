/* Claim A4: the HTTP server handles more than 10,000 requests/s on commodity hardware. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/claim.h"
#include "harness/data.h"
#include "harness/models.h"
#include "harness/subprocess.h"

enum { WRK_THREADS = 1, WRK_CONNECTIONS = 64, COMPLETION_CONNECTIONS = 4 };

typedef struct {
    double rps;    /* wrk's Requests/sec */
    double ok_rps; /* of those, answered 2xx/3xx without a socket error */
    double p50_ms, p99_ms;
    long long requests, non2xx, socket_errors;
    long long checked_ok, checked_bad; /* the completions script's own checks */
} wrk_stats;

/* "158.00us", "1.20ms", "2.00s", "1.00m" in milliseconds; negative when unreadable. */
static double to_ms(double v, const char *unit) {
    if (!strcmp(unit, "us")) return v / 1e3;
    if (!strcmp(unit, "ms")) return v;
    if (!strcmp(unit, "s")) return v * 1e3;
    if (!strcmp(unit, "m")) return v * 6e4;
    return -1;
}

static bool parse_wrk(const char *out, double seconds, wrk_stats *w) {
    *w = (wrk_stats){.p50_ms = -1, .p99_ms = -1};
    const char *p;
    if ((p = strstr(out, "Requests/sec:"))) sscanf(p, "Requests/sec: %lf", &w->rps);
    if ((p = strstr(out, " requests in "))) {
        while (p > out && p[-1] != '\n' && p[-1] != ' ')
            p--;
        sscanf(p, "%lld", &w->requests);
    }
    if ((p = strstr(out, "Non-2xx or 3xx responses:"))) sscanf(p + 25, "%lld", &w->non2xx);
    long long e[4] = {0};
    if ((p = strstr(out, "Socket errors:")))
        sscanf(p, "Socket errors: connect %lld, read %lld, write %lld, timeout %lld", &e[0], &e[1],
               &e[2], &e[3]);
    w->socket_errors = e[0] + e[1] + e[2] + e[3];
    for (p = strstr(out, "Latency Distribution"); p && (p = strchr(p, '\n'));) {
        int pct;
        double v;
        char unit[4];
        if (sscanf(++p, " %d%% %lf%3[a-z]", &pct, &v, unit) != 3) break;
        if (pct == 50) w->p50_ms = to_ms(v, unit);
        if (pct == 99) w->p99_ms = to_ms(v, unit);
    }
    if ((p = strstr(out, "rz-check: ok")))
        sscanf(p, "rz-check: ok %lld bad %lld", &w->checked_ok, &w->checked_bad);
    long long good = w->requests - w->non2xx - w->socket_errors;
    w->ok_rps = seconds > 0 && good > 0 ? (double)good / seconds : 0;
    return w->rps > 0 && w->p99_ms >= 0;
}

/* Runs wrk for `seconds` against url (with a Lua script when non-NULL), on every CPU; `cpus`
 * gets the CPU list the kernel gave wrk. */
static bool wrk(const char *url, const char *script, int conns, int seconds, wrk_stats *w,
                char cpus[64], char *why, size_t cap) {
    char t[16], c[16], d[16];
    snprintf(t, sizeof t, "%d", WRK_THREADS);
    snprintf(c, sizeof c, "%d", conns);
    snprintf(d, sizeof d, "%ds", seconds);
    char *argv[14] = {"wrk", "-t", t, "-c", c, "-d", d, "--latency", "--timeout", "30s"};
    int n = 10;
    if (script) {
        argv[n++] = "-s";
        argv[n++] = (char *)script;
    }
    argv[n++] = (char *)url;
    argv[n] = NULL;
    rzb_child child;
    if (!rzb_child_start(argv, NULL, &child, why, cap)) return false;
    snprintf(cpus, 64, "%s", child.cpus);
    char *out = rzb_child_read_all(&child);
    int rc = rzb_child_finish(&child, NULL, 0);
    bool ok = out && rc == 0 && parse_wrk(out, seconds, w);
    if (!ok) snprintf(why, cap, "wrk failed (exit %d): %.200s", rc, out ? out : "");
    free(out);
    return ok;
}

static bool on_path(const char *exe) {
    const char *path = getenv("PATH");
    char buf[4096];
    for (const char *p = path; p && *p;) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, exe);
        if (access(buf, X_OK) == 0) return true;
        p += n + (p[n] == ':');
    }
    return false;
}

typedef struct {
    rzb_child child;
    int port;
} server;

/* Starts `rz serve -m model --port 0 [extra]` and reads the port it prints. */
static bool serve(const rzb_context *ctx, const char *model, const char *extra_opt,
                  const char *extra_val, server *s, char *why, size_t cap) {
    char *argv[] = {(char *)ctx->rz_bin, "serve",           "-m", (char *)model, "--port", "0",
                    (char *)extra_opt,   (char *)extra_val, NULL};
    if (!rzb_child_start(argv, NULL, &s->child, why, cap)) return false;
    const char *line = rzb_child_read(&s->child);
    const char *colon = line ? strrchr(line, ':') : NULL;
    if (colon && sscanf(colon + 1, "%d", &s->port) == 1) return true;
    char tail[512];
    kill(s->child.pid, SIGKILL);
    rzb_child_finish(&s->child, tail, sizeof tail);
    snprintf(why, cap, "rz serve did not start: %s", tail);
    return false;
}

static int serve_stop(server *s) {
    kill(s->child.pid, SIGTERM);
    return rzb_child_finish(&s->child, NULL, 0);
}

static void record(rzb_result *r, const char *what, const wrk_stats *w) {
    char name[80];
    snprintf(name, sizeof name, "%s: p50 latency", what);
    rzb_result_metric(r, name, w->p50_ms, "ms");
    snprintf(name, sizeof name, "%s: p99 latency", what);
    rzb_result_metric(r, name, w->p99_ms, "ms");
    snprintf(name, sizeof name, "%s: non-2xx responses", what);
    rzb_result_metric(r, name, (double)w->non2xx, "responses");
    snprintf(name, sizeof name, "%s: socket errors", what);
    rzb_result_metric(r, name, (double)w->socket_errors, "errors");
}

/* The completions load on a small real model: every response must be valid, complete JSON. */
static void completions_load(const rzb_context *ctx, rzb_result *r, wrk_stats *w, bool *ran) {
    char model[4096], why[1024], url[64], script[4200];
    server s;
    *ran = false;
    if (!rzb_model_find(ctx, "smollm2", model, sizeof model, why, sizeof why)) {
        rzb_result_note(r, "completions load not run: %s", why);
        return;
    }
    if (!serve(ctx, model, "--parallel", "2", &s, why, sizeof why)) {
        rzb_result_note(r, "completions load not run: %s", why);
        return;
    }
    rzb_progress(ctx, "wrk: POST /v1/completions (SmolLM2-135M), 10 s");
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    snprintf(script, sizeof script, "%s/wrk-completions.lua", ctx->scripts_dir);
    char cpus[64];
    *ran = wrk(url, script, COMPLETION_CONNECTIONS, (int)rzb_sized(ctx, 10, 1), w, cpus, why,
               sizeof why);
    serve_stop(&s);
    if (!*ran) {
        rzb_result_note(r, "completions load failed: %s", why);
        return;
    }
    record(r, "POST /v1/completions", w);
    rzb_result_metric(r, "POST /v1/completions: requests/s", w->rps, "req/s");
    rzb_result_metric(r, "POST /v1/completions: valid responses", (double)w->checked_ok,
                      "responses");
    rzb_result_metric(r, "POST /v1/completions: invalid responses", (double)w->checked_bad,
                      "responses");
    rzb_result_note(
        r,
        "completions load: SmolLM2-135M-Instruct (real weights), --parallel 2, %d connections, 8 greedy tokens per request; each response parsed as JSON and checked for the OpenAI fields by scripts/wrk-completions.lua",
        COMPLETION_CONNECTIONS);
}

/* One endpoint's run-level figure: the typical run's successful req/s with its 95% CI from the
 * runs (log scale). */
static void endpoint_metrics(rzb_result *r, const rzb_series *s) {
    char name[96];
    snprintf(name, sizeof name, "%s: typical run", s->label);
    rzb_result_metric(r, name, s->run_gmean, "req/s");
    snprintf(name, sizeof name, "%s: CI95 from runs", s->label);
    rzb_result_metric(r, name, s->run_lo, "req/s (low)");
    rzb_result_metric(r, name, s->run_hi, "req/s (high)");
}

static void judge(rzb_result *r, const rzb_series *health, const rzb_series *predict,
                  const wrk_stats *cmpl, bool cmpl_ran) {
    const rzb_series *weak = predict->run_lo < health->run_lo ? predict : health;
    if (cmpl_ran && (cmpl->checked_bad > 0 || cmpl->checked_ok == 0))
        rzb_result_verdict(r, RZB_FALSIFIED,
                           "the completions load got %lld invalid responses of %lld",
                           cmpl->checked_bad, cmpl->checked_bad + cmpl->checked_ok);
    else if ((int)weak->runs < RZB_MIN_RUNS)
        rzb_result_verdict(r, RZB_INCONCLUSIVE, "too few runs: %zu (the runner needs at least %d)",
                           weak->runs, RZB_MIN_RUNS);
    else if (weak->run_lo > 10000)
        rzb_result_verdict(
            r, RZB_SUPPORTED,
            "both endpoints above 10,000 successful req/s: %s, the weaker, %.0f req/s, 95%% CI from %zu runs [%.0f, %.0f]",
            weak->label, weak->run_gmean, weak->runs, weak->run_lo, weak->run_hi);
    else if (weak->run_hi < 10000)
        rzb_result_verdict(
            r, RZB_FALSIFIED,
            "%s stays below 10,000 successful req/s: %.0f, 95%% CI from %zu runs [%.0f, %.0f]",
            weak->label, weak->run_gmean, weak->runs, weak->run_lo, weak->run_hi);
    else
        rzb_result_verdict(r, RZB_INCONCLUSIVE,
                           "%s: %.0f req/s, 95%% CI from %zu runs [%.0f, %.0f] straddles 10,000",
                           weak->label, weak->run_gmean, weak->runs, weak->run_lo, weak->run_hi);
}

/* One run: wrk on each endpoint in turn, the order swapped every other run (ABBA). */
static bool one_run(const rzb_context *ctx, int run, int port, const char *script,
                    rzb_series *health, rzb_series *predict, wrk_stats *hw, wrk_stats *pw,
                    char cpus[64], char *why, size_t cap) {
    char url[96];
    bool ok = true;
    for (int k = 0; k < 2 && ok; k++) {
        bool h = (k == 0) == (run % 2 == 0);
        rzb_progress(ctx, "run %d/%d: wrk %s, %d s", run + 1, ctx->runs,
                     h ? "GET /health" : "POST /v1/predict", ctx->iterations);
        snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", port, h ? "health" : "v1/predict");
        ok = wrk(url, h ? NULL : script, WRK_CONNECTIONS, ctx->iterations, h ? hw : pw, cpus, why,
                 cap);
        if (ok) rzb_series_push(h ? health : predict, run, (h ? hw : pw)->ok_rps);
    }
    return ok;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    char model[4096], why[1024], script[4200], wrk_cpus[64] = "?", all[64];
    if (!on_path("wrk")) {
        rzb_result_verdict(r, RZB_SKIPPED, "wrk not installed (Debian package wrk)");
        return;
    }
    if (!rzb_data_find("models/mnist_784x2.apr", model, sizeof model, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "model missing: %s", why);
        return;
    }
    server s;
    if (!serve(ctx, model, NULL, NULL, &s, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    char method[96], server_cpus[64];
    snprintf(server_cpus, sizeof server_cpus, "%s", s.child.cpus);
    snprintf(method, sizeof method, "wrk -t%d -c%d -d%ds, successful responses / s", WRK_THREADS,
             WRK_CONNECTIONS, ctx->iterations);
    rzb_series *health = rzb_result_series(r, "GET /health", "req/s", method);
    rzb_series *predict = rzb_result_series(r, "POST /v1/predict", "req/s", method);
    snprintf(script, sizeof script, "%s/wrk-predict.lua", ctx->scripts_dir);
    wrk_stats hw = {0}, pw = {0}, cw = {0};
    bool ok = true;
    for (int i = 0; i < ctx->runs && ok; i++)
        ok = one_run(ctx, i, s.port, script, health, predict, &hw, &pw, wrk_cpus, why, sizeof why);
    int exit_status = serve_stop(&s);
    bool cmpl_ran = false;
    if (ok) completions_load(ctx, r, &cw, &cmpl_ran);
    for (int i = 0; i < r->n_series; i++)
        rzb_series_finish(&r->series[i]);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    rzb_cpus every;
    rzb_cpus_all(&every);
    rzb_result_metric(r, "cores (shared by rz serve and wrk)", (double)cores, "cores");
    rzb_result_metric(r, "threshold", 10000, "req/s");
    endpoint_metrics(r, health);
    endpoint_metrics(r, predict);
    record(r, "GET /health (last run)", &hw);
    record(r, "POST /v1/predict (last run)", &pw);
    rzb_result_metric(r, "rz serve exit status after SIGTERM", exit_status, "status");
    rzb_result_note(
        r,
        "CPU sets, read back from the kernel (Cpus_allowed_list): rz serve %s, wrk %s; both get the whole machine (%s), as a user runs them by hand, and share its %ld cores",
        server_cpus, wrk_cpus, rzb_cpus_text(&every, all, sizeof all), cores);
    rzb_result_note(
        r,
        "rz serve on 127.0.0.1 with its defaults (libmicrohttpd epoll thread pool, one thread per CPU, keep-alive); wrk -t%d -c%d --latency; endpoints alternate in ABBA order",
        WRK_THREADS, WRK_CONNECTIONS);
    rzb_result_note(
        r,
        "the published figure was for 4 cores and 8 GB; this machine has %ld cores shared between server and load generator",
        cores);
    if (!ok)
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
    else
        judge(r, health, predict, &cw, cmpl_ran);
}

const rzb_claim rzb_claim_a4_http_throughput = {
    .id = "A4",
    .title = "HTTP server > 10,000 req/s",
    .statement = "HTTP server handles > 10,000 requests/s on commodity hardware (4 cores, 8 GB)",
    .source = "realizar design rationale (paiml/realizar), claim A4",
    .workload =
        "rz serve on loopback: GET /health, and POST /v1/predict with the real mnist_784x2.apr model (784 numbers of JSON per request, scripts/wrk-predict.lua); then a concurrent POST /v1/completions load on SmolLM2-135M whose every response is checked (scripts/wrk-completions.lua)",
    .baseline = "none: an absolute threshold",
    .threshold = "successful responses per second > 10,000 on both endpoints",
    .test =
        "wrk -t1 -c64 --latency --timeout 30s for `iterations` seconds per endpoint and run, endpoints in ABBA order; server and wrk each on the whole machine, their CPU sets read back and reported; req/s counts only 2xx/3xx responses without socket errors; the unit of evidence is the run: 95% CI of the typical run's req/s from the runs (t, log scale); p50/p99 from wrk's latency distribution",
    .verdict_rule =
        "SUPPORTED when both endpoints' CI lower bounds exceed 10,000 req/s and every completion response is valid; FALSIFIED when an endpoint's CI upper bound stays below it, or any completion response is invalid; INCONCLUSIVE when a CI straddles it or with fewer runs than the runner's minimum; SKIPPED without wrk or the model",
    .default_runs = 5,
    .default_iterations = 5,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
