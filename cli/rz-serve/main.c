/* rz-serve: the HTTP server behind `rz serve` (which execs it), a program of its own so that the
 * rz CLI does not load libmicrohttpd and its TLS stack on every start. Options: see help[]. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/common/arg_number.h"
#include "cli/common/error_report.h"
#include "engine/core/clock.h"
#include "server/auth.h"
#include "server/server.h"

static const char help[] =
    "usage: rz serve -m MODEL [--host ADDR] [--port N] [-t N] [--parallel N]\n"
    "                [--max-body BYTES] [--http-threads N] [--ctx N] [--sse-keepalive S]\n"
    "                [--api-key KEY]... [--api-key-file FILE]... [--insecure-no-key]\n"
    "                [--tls-cert FILE --tls-key FILE] [--request-timeout SECONDS]\n"
    "                [--max-connections N] [--max-connections-per-ip N] [--drain-timeout SECONDS]\n\n"
    "Serves MODEL over HTTP. A GGUF llama-family model gets the OpenAI-compatible routes\n"
    "POST /v1/completions and /v1/chat/completions (\"stream\": true for server-sent events)\n"
    "and POST /tokenize and /detokenize; an APR model gets POST /v1/predict ({\"input\":\n"
    "[numbers]}). Both get\n"
    "GET /health, GET /metrics (Prometheus) and GET /v1/models. A BERT encoder (a Hugging Face\n"
    "folder or a bert GGUF) gets POST /v1/embeddings ({\"input\": string or [strings]}).\n"
    "Errors are JSON:\n"
    "{\"error\": {\"message\", \"type\", \"param\", \"code\"}}; every 503 carries Retry-After.\n"
    "A POST must be JSON (Content-Type: application/json), else 415.\n\n"
    "SIGTERM or SIGINT closes the listening socket at once (new connects are refused), answers\n"
    "the queued generation requests 503, lets the running ones finish within --drain-timeout,\n"
    "and exits 0; a second signal, or the drain timeout passing, exits 1 at once.\n\n"
    "  -m, --model MODEL   an APR or GGUF file, or a BERT folder\n"
    "  --host ADDR         numeric address to listen on (default 127.0.0.1: loopback only); an\n"
    "                      address other than loopback needs an API key or --insecure-no-key\n"
    "  --port N            port (default 8080; 0: any free port). The bound port is printed\n"
    "                      on stdout: \"rz serve: listening on http://ADDR:PORT\" (https with TLS)\n"
    "  -t, --threads N     threads per generation worker (default 1); worker i is pinned to\n"
    "                      cores [i*N, (i+1)*N) of the allowed ones (printed at start)\n"
    "  --parallel N        generation workers, each with its own KV cache (default 1)\n"
    "  --max-body BYTES    largest request body accepted (default 1048576); larger: 413\n"
    "  --http-threads N    HTTP event-loop threads (default: the CPUs this process may use)\n"
    "  --ctx N             KV cache positions per worker (default: the model's, at most 4096)\n"
    "  --api-key KEY       accept requests carrying KEY as 'Authorization: Bearer KEY' or\n"
    "                      'X-Api-Key: KEY' (repeatable); others get 401. GET /health stays open\n"
    "  --api-key-file FILE keys, one per line ('#' comments and blank lines skipped; repeatable)\n"
    "  --insecure-no-key   serve a non-loopback --host without any API key\n"
    "  --tls-cert FILE     PEM certificate (chain) for HTTPS; needs --tls-key\n"
    "  --tls-key FILE      PEM private key of --tls-cert\n"
    "  --request-timeout SECONDS\n"
    "                      time to receive a request whole, headers and body, from its\n"
    "                      connection's start or previous request's end (default 30; 0: none);\n"
    "                      past it the connection is closed\n"
    "  --max-connections N open connections at most (default 1024; at least --http-threads)\n"
    "  --max-connections-per-ip N\n"
    "                      open connections per client address at most (default 256; 0: none);\n"
    "                      more are closed at once\n"
    "  --drain-timeout SECONDS\n"
    "                      after SIGTERM, how long the running requests may take (default 30)\n"
    "  --sse-keepalive S   seconds a waiting stream may stay silent before it gets an SSE\n"
    "                      comment line \": keep-alive\" (default 15)\n";

enum { MAX_KEYS = 64 };

typedef struct {
    rz_server_options o;
    const char *keys[MAX_KEYS], *key_files[MAX_KEYS];
    bool insecure_no_key;
    double drain_s;
} args;

static int add(const char *opt, const char *val, const char **list, int *n) {
    if (*n == MAX_KEYS) {
        fprintf(stderr, "rz serve: %s: at most %d of them\n", opt, MAX_KEYS);
        return -1;
    }
    list[(*n)++] = val;
    return 0;
}

/* The options about the network front: keys, TLS, limits, drain. 1 when opt is none of them. */
static int parse_front(args *a, const char *opt, const char *val) {
    rz_server_options *o = &a->o;
    long long v = 0;
    int rc = 0;
    if (!strcmp(opt, "--api-key")) {
        rc = add(opt, val, a->keys, &o->n_api_keys);
    } else if (!strcmp(opt, "--api-key-file")) {
        rc = add(opt, val, a->key_files, &o->n_api_key_files);
    } else if (!strcmp(opt, "--tls-cert")) {
        o->tls_cert = val;
    } else if (!strcmp(opt, "--tls-key")) {
        o->tls_key = val;
    } else if (!strcmp(opt, "--request-timeout")) {
        rc = rz_arg_number("rz serve", opt, val, 0, 86400, &o->request_timeout_s);
    } else if (!strcmp(opt, "--drain-timeout")) {
        rc = rz_arg_number("rz serve", opt, val, 0, 86400, &a->drain_s);
    } else if (!strcmp(opt, "--max-connections")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 1, 1 << 20, &v)))
            o->max_connections = (unsigned)v;
    } else if (!strcmp(opt, "--max-connections-per-ip")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 0, 1 << 20, &v)))
            o->max_connections_per_ip = (unsigned)v;
    } else {
        rc = 1;
    }
    return rc;
}

static int parse_option(args *a, const char *opt, const char *val) {
    rz_server_options *o = &a->o;
    long long v = 0;
    int rc = parse_front(a, opt, val);
    if (rc <= 0) return rc;
    rc = 0;
    if (!strcmp(opt, "-m") || !strcmp(opt, "--model")) {
        o->model_path = val;
    } else if (!strcmp(opt, "--host")) {
        o->host = val;
    } else if (!strcmp(opt, "--port")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 0, 65535, &v))) o->port = (int)v;
    } else if (!strcmp(opt, "-t") || !strcmp(opt, "--threads")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 1, 1024, &v))) o->threads = (int)v;
    } else if (!strcmp(opt, "--parallel")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 1, 256, &v))) o->parallel = (int)v;
    } else if (!strcmp(opt, "--http-threads")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 1, 1024, &v))) o->http_threads = (int)v;
    } else if (!strcmp(opt, "--ctx")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 1, 1 << 20, &v))) o->n_ctx = (int)v;
    } else if (!strcmp(opt, "--sse-keepalive")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 1, 3600, &v))) o->keepalive_s = (int)v;
    } else if (!strcmp(opt, "--max-body")) {
        if (!(rc = rz_arg_int("rz serve", opt, val, 1, 1ll << 32, &v))) o->max_body = (size_t)v;
    } else {
        fprintf(stderr, "rz serve: unknown option '%s'\n\n%s", opt, help);
        rc = -1;
    }
    return rc;
}

/* The checks across options; 0 when they agree, else 2 (printed). */
static int check_args(const args *a) {
    const rz_server_options *o = &a->o;
    if (!o->model_path) {
        fprintf(stderr, "rz serve: expected -m MODEL\n\n%s", help);
        return 2;
    }
    if (!o->n_api_keys && !o->n_api_key_files && !a->insecure_no_key &&
        rz_srv_host_needs_key(o->host)) {
        fprintf(
            stderr,
            "rz serve: --host %s is reachable from other machines and no API key is set: give --api-key or --api-key-file, or --insecure-no-key to serve it open anyway\n",
            o->host);
        return 2;
    }
    if (!o->tls_cert != !o->tls_key) {
        fprintf(stderr, "rz serve: TLS needs both --tls-cert and --tls-key\n");
        return 2;
    }
    if (o->max_connections < (unsigned)o->http_threads) {
        fprintf(stderr, "rz serve: --max-connections %u: expected at least --http-threads (%d)\n",
                o->max_connections, o->http_threads);
        return 2;
    }
    return 0;
}

/* 0 to serve, 1 when --help was printed, 2 on a usage error. */
static int parse_args(int argc, char **argv, args *a) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    *a = (args){.o = {.host = "127.0.0.1",
                      .port = 8080,
                      .threads = 1,
                      .parallel = 1,
                      .http_threads = cpus > 0 ? (int)cpus : 1,
                      .max_body = 1 << 20,
                      .api_keys = a->keys,
                      .api_key_files = a->key_files,
                      .request_timeout_s = 30,
                      .max_connections = 1024,
                      .max_connections_per_ip = 256},
                .drain_s = 30};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return 1;
        }
        if (!strcmp(argv[i], "--insecure-no-key")) {
            a->insecure_no_key = true;
            continue;
        }
        if (argv[i][0] != '-' || i + 1 >= argc) {
            fprintf(stderr, "rz serve: %s '%s'\n\n%s",
                    argv[i][0] == '-' ? "option needs a value:" : "unexpected argument", argv[i],
                    help);
            return 2;
        }
        if (parse_option(a, argv[i], argv[i + 1])) return 2;
        i++;
    }
    return check_args(a);
}

/* After the first signal: wait for the requests in flight, at most drain_s seconds; a second
 * signal or the timeout ends the process at once (exit 1), without freeing what runs. */
static void drain(rz_server *s, const sigset_t *stop, double drain_s) {
    double t0 = rz_now_s();
    while (rz_server_in_flight(s) > 0) {
        struct timespec tick = {0, 20000000};
        int sig = sigtimedwait(stop, NULL, &tick);
        if (sig > 0 || rz_now_s() - t0 >= drain_s) {
            fprintf(stderr, "rz serve: %s: exiting at once with %d request%s unfinished\n",
                    sig > 0 ? strsignal(sig) : "drain timeout", rz_server_in_flight(s),
                    rz_server_in_flight(s) == 1 ? "" : "s");
            _exit(1);
        }
    }
}

/* Raises the soft limit on open files to what max_connections needs (64 more for the model, the
 * epoll and signal descriptors), within the hard limit; warns when even that is lower. */
static void fit_open_files(unsigned max_connections) {
    struct rlimit l;
    rlim_t need = (rlim_t)max_connections + 64;
    if (getrlimit(RLIMIT_NOFILE, &l) || l.rlim_cur >= need) return;
    l.rlim_cur = l.rlim_max == RLIM_INFINITY || l.rlim_max >= need ? need : l.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &l) || l.rlim_cur < need)
        fprintf(stderr,
                "rz serve: warning: the open-file limit (%llu) is below --max-connections %u\n",
                (unsigned long long)l.rlim_cur, max_connections);
}

static void print_start(const rz_server *s, const rz_server_options *o) {
    char line[512];
    rz_server_describe(s, line, sizeof line);
    fprintf(stderr, "rz serve: %s\n", line);
    for (int i = 0; rz_server_placement(s, i, line, sizeof line); i++)
        fprintf(stderr, "rz serve: %s\n", line);
    printf("rz serve: listening on http%s://%s:%d\n", o->tls_cert ? "s" : "", o->host,
           rz_server_port(s));
    fflush(stdout);
}

int main(int argc, char **argv) {
    args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc == 1 ? 0 : 2;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* every server thread inherits the mask */
    signal(SIGPIPE, SIG_IGN);
    fit_open_files(a.o.max_connections);
    rz_server *s;
    rz_error err;
    if (rz_server_start(&a.o, &s, &err)) {
        rz_cli_error("rz serve", &err);
        return 1;
    }
    print_start(s, &a.o);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(
        stderr,
        "rz serve: %s: finishing the requests in flight (at most %g s; the queued ones get 503; a second signal exits at once)\n",
        strsignal(sig), a.drain_s);
    rz_server_shutdown(s);
    drain(s, &stop, a.drain_s);
    rz_server_stop(s, 0);
    fprintf(stderr, "rz serve: stopped\n");
    return 0;
}
