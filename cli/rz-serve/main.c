/* rz-serve: the HTTP server behind `rz serve` (which execs it), a program of its own so that the
 * rz CLI does not load libmicrohttpd and its TLS stack on every start.
 * rz serve -m MODEL [--host ADDR] [--port N] [-t N] [--parallel N] [--max-body BYTES]
 *          [--http-threads N] [--ctx N] [--sse-keepalive S] */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server.h"

static const char help[] =
    "usage: rz serve -m MODEL [--host ADDR] [--port N] [-t N] [--parallel N]\n"
    "                [--max-body BYTES] [--http-threads N] [--ctx N] [--sse-keepalive S]\n\n"
    "Serves MODEL over HTTP. A GGUF llama-family model gets the OpenAI-compatible routes\n"
    "POST /v1/completions and /v1/chat/completions (\"stream\": true for server-sent events)\n"
    "and POST /tokenize and /detokenize; an APR model gets POST /v1/predict ({\"input\":\n"
    "[numbers]}). Both get GET /health, GET /metrics (Prometheus) and GET /v1/models. Errors\n"
    "are JSON:\n"
    "{\"error\": {\"message\", \"type\", \"code\"}}. SIGTERM or SIGINT stops accepting, lets the\n"
    "requests in flight finish, and exits 0.\n\n"
    "  -m, --model MODEL   an APR or GGUF file\n"
    "  --host ADDR         numeric address to listen on (default 127.0.0.1: loopback only)\n"
    "  --port N            port (default 8080; 0: any free port). The bound port is printed\n"
    "                      on stdout: \"rz serve: listening on http://ADDR:PORT\"\n"
    "  -t, --threads N     threads per generation worker (default 1)\n"
    "  --parallel N        generation workers, each with its own KV cache (default 1)\n"
    "  --max-body BYTES    largest request body accepted (default 1048576); larger: 413\n"
    "  --http-threads N    HTTP event-loop threads (default: the CPUs this process may use)\n"
    "  --ctx N             KV cache positions per worker (default: the model's, at most 4096)\n"
    "  --sse-keepalive S   seconds a waiting stream may stay silent before it gets an SSE\n"
    "                      comment line \": keep-alive\" (default 15)\n";

static int integer(const char *opt, const char *text, long long lo, long long hi, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "rz serve: %s: expected an integer in [%lld, %lld], got '%s'\n", opt, lo,
                hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_option(rz_server_options *o, const char *opt, const char *val) {
    long long v = 0;
    int rc = 0;
    if (!strcmp(opt, "-m") || !strcmp(opt, "--model")) {
        o->model_path = val;
    } else if (!strcmp(opt, "--host")) {
        o->host = val;
    } else if (!strcmp(opt, "--port")) {
        if (!(rc = integer(opt, val, 0, 65535, &v))) o->port = (int)v;
    } else if (!strcmp(opt, "-t") || !strcmp(opt, "--threads")) {
        if (!(rc = integer(opt, val, 1, 1024, &v))) o->threads = (int)v;
    } else if (!strcmp(opt, "--parallel")) {
        if (!(rc = integer(opt, val, 1, 256, &v))) o->parallel = (int)v;
    } else if (!strcmp(opt, "--http-threads")) {
        if (!(rc = integer(opt, val, 1, 1024, &v))) o->http_threads = (int)v;
    } else if (!strcmp(opt, "--ctx")) {
        if (!(rc = integer(opt, val, 1, 1 << 20, &v))) o->n_ctx = (int)v;
    } else if (!strcmp(opt, "--sse-keepalive")) {
        if (!(rc = integer(opt, val, 1, 3600, &v))) o->keepalive_s = (int)v;
    } else if (!strcmp(opt, "--max-body")) {
        if (!(rc = integer(opt, val, 1, 1ll << 32, &v))) o->max_body = (size_t)v;
    } else {
        fprintf(stderr, "rz serve: unknown option '%s'\n\n%s", opt, help);
        rc = -1;
    }
    return rc;
}

/* 0 to serve, 1 when --help was printed, 2 on a usage error. */
static int parse_args(int argc, char **argv, rz_server_options *o) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (rz_server_options){.host = "127.0.0.1",
                             .port = 8080,
                             .threads = 1,
                             .parallel = 1,
                             .http_threads = cpus > 0 ? (int)cpus : 1,
                             .max_body = 1 << 20};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return 1;
        }
        if (argv[i][0] != '-' || i + 1 >= argc) {
            fprintf(stderr, "rz serve: %s '%s'\n\n%s",
                    argv[i][0] == '-' ? "option needs a value:" : "unexpected argument", argv[i],
                    help);
            return 2;
        }
        if (parse_option(o, argv[i], argv[i + 1])) return 2;
        i++;
    }
    if (!o->model_path) {
        fprintf(stderr, "rz serve: expected -m MODEL\n\n%s", help);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    rz_server_options o;
    int rc = parse_args(argc, argv, &o);
    if (rc) return rc == 1 ? 0 : 2;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* every server thread inherits the mask */
    signal(SIGPIPE, SIG_IGN);
    rz_server *s;
    rz_error err;
    if (rz_server_start(&o, &s, &err)) {
        fprintf(stderr, "rz serve: %s\n", err.msg);
        return 1;
    }
    char what[512];
    rz_server_describe(s, what, sizeof what);
    fprintf(stderr, "rz serve: %s\n", what);
    printf("rz serve: listening on http://%s:%d\n", o.host, rz_server_port(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "rz serve: %s: finishing the requests in flight\n", strsignal(sig));
    rz_server_stop(s, 600);
    fprintf(stderr, "rz serve: stopped\n");
    return 0;
}
