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

/* Runs wrk for `seconds` against url (with a Lua script when non-NULL). */
static bool wrk(const char *url, const char *script, int conns, int seconds, wrk_stats *w,
                char *why, size_t cap) {
    char t[16], c[16], d[16], out[8192];
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
    uint64_t ns;
    int rc = rzb_time_process(argv, &ns, out, sizeof out);
    if (rc == 0 && parse_wrk(out, seconds, w)) return true;
    snprintf(why, cap, "wrk failed (exit %d): %.200s", rc, out);
    return false;
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
    *ran = wrk(url, script, COMPLETION_CONNECTIONS, 10, w, why, sizeof why);
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
    rzb_result_note(r,
                    "completions load: SmolLM2-135M-Instruct (real weights), --parallel 2, %d "
                    "connections, 8 greedy tokens per request; each response parsed as JSON and "
                    "checked for the OpenAI fields by scripts/wrk-completions.lua",
                    COMPLETION_CONNECTIONS);
}

/* Min and max of a series' values. */
static void range(const rzb_series *s, double *lo, double *hi) {
    *lo = 1e300;
    *hi = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->values[i] < *lo) *lo = s->values[i];
        if (s->values[i] > *hi) *hi = s->values[i];
    }
}

static void judge(rzb_result *r, const rzb_series *health, const rzb_series *predict,
                  const wrk_stats *cmpl, bool cmpl_ran) {
    double hl, hh, pl, ph;
    range(health, &hl, &hh);
    range(predict, &pl, &ph);
    if (cmpl_ran && (cmpl->checked_bad > 0 || cmpl->checked_ok == 0))
        rzb_result_verdict(r, RZB_FALSIFIED,
                           "the completions load got %lld invalid responses of %lld",
                           cmpl->checked_bad, cmpl->checked_bad + cmpl->checked_ok);
    else if (hl >= 10000 && pl >= 10000)
        rzb_result_verdict(r, RZB_SUPPORTED,
                           "every run above 10,000 successful req/s: /health %.0f-%.0f, "
                           "/v1/predict %.0f-%.0f",
                           hl, hh, pl, ph);
    else if (hh < 10000 || ph < 10000)
        rzb_result_verdict(r, RZB_FALSIFIED,
                           "no run reached 10,000 successful req/s on %s (best %.0f)",
                           hh < 10000 ? "/health" : "/v1/predict", hh < 10000 ? hh : ph);
    else
        rzb_result_verdict(r, RZB_INCONCLUSIVE,
                           "runs straddle 10,000 req/s: /health %.0f-%.0f, /v1/predict %.0f-%.0f",
                           hl, hh, pl, ph);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    char model[4096], why[1024], url[96], script[4200];
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
    char method[96];
    snprintf(method, sizeof method, "wrk -t%d -c%d -d%ds, successful responses / s", WRK_THREADS,
             WRK_CONNECTIONS, ctx->iterations);
    rzb_series *health = rzb_result_series(r, "GET /health", "req/s", method);
    rzb_series *predict = rzb_result_series(r, "POST /v1/predict", "req/s", method);
    snprintf(script, sizeof script, "%s/wrk-predict.lua", ctx->scripts_dir);
    wrk_stats hw = {0}, pw = {0}, cw = {0};
    bool ok = true;
    for (int i = 0; i < ctx->runs && ok; i++) {
        rzb_progress(ctx, "run %d/%d: wrk GET /health, %d s", i + 1, ctx->runs, ctx->iterations);
        snprintf(url, sizeof url, "http://127.0.0.1:%d/health", s.port);
        ok = wrk(url, NULL, WRK_CONNECTIONS, ctx->iterations, &hw, why, sizeof why);
        if (ok) rzb_series_push(health, i, hw.ok_rps);
        rzb_progress(ctx, "run %d/%d: wrk POST /v1/predict, %d s", i + 1, ctx->runs,
                     ctx->iterations);
        snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/predict", s.port);
        ok = ok && wrk(url, script, WRK_CONNECTIONS, ctx->iterations, &pw, why, sizeof why);
        if (ok) rzb_series_push(predict, i, pw.ok_rps);
    }
    int exit_status = serve_stop(&s);
    bool cmpl_ran = false;
    if (ok) completions_load(ctx, r, &cw, &cmpl_ran);
    for (int i = 0; i < r->n_series; i++)
        rzb_series_finish(&r->series[i]);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    rzb_result_metric(r, "cores (shared by rz serve and wrk)", (double)cores, "cores");
    rzb_result_metric(r, "threshold", 10000, "req/s");
    record(r, "GET /health (last run)", &hw);
    record(r, "POST /v1/predict (last run)", &pw);
    rzb_result_metric(r, "rz serve exit status after SIGTERM", exit_status, "status");
    rzb_result_note(r,
                    "rz serve on 127.0.0.1 with its defaults (libmicrohttpd epoll thread pool, one "
                    "thread per CPU, keep-alive); wrk on the same %ld cores, -t%d -c%d, --latency",
                    cores, WRK_THREADS, WRK_CONNECTIONS);
    rzb_result_note(r,
                    "the published figure was for 4 cores and 8 GB; this machine has %ld "
                    "cores shared between server and load generator",
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
    .workload = "rz serve on loopback: GET /health, and POST /v1/predict with the real "
                "mnist_784x2.apr model (784 numbers of JSON per request, scripts/wrk-predict.lua); "
                "then a concurrent POST /v1/completions load on SmolLM2-135M whose every "
                "response is checked (scripts/wrk-completions.lua)",
    .baseline = "none: an absolute threshold",
    .threshold = "successful responses per second > 10,000 on both endpoints in every run",
    .test = "wrk -t1 -c64 --latency --timeout 30s for `iterations` seconds per endpoint and run; "
            "req/s counts only 2xx/3xx responses without socket errors; p50/p99 from wrk's "
            "latency distribution",
    .verdict_rule = "SUPPORTED when every run of both endpoints exceeds 10,000 req/s and every "
                    "completion response is valid; FALSIFIED when no run of an endpoint reaches "
                    "it, or any completion response is invalid; INCONCLUSIVE when runs straddle "
                    "it; SKIPPED without wrk or the model",
    .default_runs = 3,
    .default_iterations = 10,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
