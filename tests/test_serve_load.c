/* rzbench serve-load's parts: Poisson arrivals, percentiles and goodput on known samples, the SSE
 * and HTTP readers on split and odd input, and the load generator against an in-test server that
 * streams events at known times (what it measures must match what the server did). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness/serve_load.h"
#include "harness/serve_load_http.h"
#include "harness/serve_load_sse.h"
#include "harness/serve_load_stats.h"
#include "harness/timer.h"

Test(serve_load, poisson_arrivals_have_the_rate_and_repeat_by_seed) {
    enum { N = 20000 };
    static double a[N], b[N], c[N];
    rzb_sl_exponentials(7, N, a);
    rzb_sl_exponentials(7, N, b);
    rzb_sl_exponentials(8, N, c);
    cr_expect_eq(memcmp(a, b, sizeof a), 0, "the same seed gives the same gaps");
    cr_expect_neq(memcmp(a, c, sizeof a), 0, "another seed gives other gaps");
    rzb_sl_request *r = calloc(N, sizeof *r);
    for (int i = 0; i < N; i++)
        r[i].gap = a[i];
    rzb_sl_workload w = {r, N};
    static double at[N];
    rzb_sl_arrivals(&w, 4.0, at);
    const double rate = N / at[N - 1];
    cr_expect(fabs(rate - 4.0) < 0.12, "measured rate %.3f req/s, offered 4", rate);
    double sum = 0, sq = 0;
    for (int i = 0; i < N; i++) {
        sum += a[i];
        sq += a[i] * a[i];
    }
    const double mean = sum / N, var = sq / N - mean * mean;
    cr_expect(fabs(var - 1.0) < 0.06, "exponential gaps have variance 1, got %.3f", var);
    for (int i = 1; i < N; i++)
        cr_assert(at[i] >= at[i - 1]);
    free(r);
}

Test(serve_load, percentiles_interpolate_like_numpy) {
    const double x[] = {7, 1, 3, 9, 5, 2, 10, 4, 8, 6};
    cr_expect_float_eq(rzb_sl_percentile(x, 10, 50), 5.5, 1e-12);
    cr_expect_float_eq(rzb_sl_percentile(x, 10, 90), 9.1, 1e-12);
    cr_expect_float_eq(rzb_sl_percentile(x, 10, 99), 9.91, 1e-12);
    cr_expect_float_eq(rzb_sl_percentile(x, 10, 0), 1, 1e-12);
    cr_expect_float_eq(rzb_sl_percentile(x, 10, 100), 10, 1e-12);
    cr_expect_float_eq(rzb_sl_percentile(x, 1, 99), 7, 1e-12);
    cr_expect(isnan(rzb_sl_percentile(x, 0, 50)));
    cr_expect_eq(x[0], 7, "the input is not reordered");
}

Test(serve_load, goodput_counts_requests_within_the_slo) {
    double itl[] = {10, 30};
    rzb_sl_outcome o[5] = {
        {.ttft_ms = 100, .e2e_ms = 300, .n_out = 5, .n_events = 3, .usage = true, .itl_ms = itl},
        {.ttft_ms = 900, .e2e_ms = 1000, .n_out = 2, .n_events = 2, .itl_ms = itl},
        {.ttft_ms = 200, .e2e_ms = 1200, .n_out = 11, .n_events = 1},
        {.ttft_ms = 50, .e2e_ms = 50, .n_out = 1, .n_events = 1},
        {.failure = "http 503", .detail = "busy"},
    };
    const rzb_sl_slo slo = {.ttft_ms = 500, .tpot_ms = 60};
    /* TPOT: 50, 100, 100, undefined; within the SLO: requests 0 and 3 */
    rzb_sl_summary s;
    cr_assert(rzb_sl_summarize(o, 5, 2.0, &slo, &s));
    cr_expect_eq(s.requests, 5);
    cr_expect_eq(s.ok, 4);
    cr_expect_eq(s.failed, 1);
    cr_expect_eq(s.good, 2);
    cr_expect_float_eq(s.goodput, 1.0, 1e-12);
    cr_expect_float_eq(s.good_fraction, 0.4, 1e-12);
    cr_expect_float_eq(s.req_per_s, 2.0, 1e-12);
    cr_expect_float_eq(s.out_tok_per_s, 19 / 2.0, 1e-12);
    cr_expect_eq(s.tpot.n, 3);
    cr_expect_float_eq(s.tpot.p50, 100, 1e-9);
    cr_expect_float_eq(s.ttft.p50, 150, 1e-9);
    cr_expect_eq(s.itl.n, 3, "every gap of every request: 2 + 1");
    cr_expect_eq(s.usage_mismatch, 1);
    cr_expect_eq(s.n_failures, 1);
    cr_expect_str_eq(s.failure[0], "http 503");
    cr_expect_eq(s.failure_n[0], 1);
    const rzb_sl_slo none = {0, 0};
    cr_assert(rzb_sl_summarize(o, 5, 2.0, &none, &s));
    cr_expect_eq(s.good, 4, "without an SLO every success counts");
}

typedef struct {
    char events[8][64];
    int n;
} got;

static bool collect(void *ctx, const char *data, size_t len) {
    got *g = ctx;
    cr_assert_eq(strlen(data), len);
    snprintf(g->events[g->n++], sizeof g->events[0], "%s", data);
    return strcmp(data, "[DONE]") != 0;
}

/* Feeds text in pieces of `step` bytes (0: all at once). */
static void feed(const char *text, size_t step, got *g) {
    rzb_sse s = {0};
    bool oom;
    size_t n = strlen(text), i = 0;
    memset(g, 0, sizeof *g);
    for (bool go = true; go && i < n; i += step ? step : n)
        go = rzb_sse_feed(&s, text + i, step && n - i > step ? step : n - i, collect, g, &oom);
    rzb_sse_end(&s, collect, g, &oom);
    rzb_sse_free(&s);
}

Test(serve_load, sse_events_split_anywhere) {
    const char *text = ": keep-alive\r\n\r\ndata: {\"a\":1}\r\n\r\nevent: x\nid: 3\n"
                       "data:two\ndata: lines\n\n:comment\n\ndata: \r\rdata: [DONE]\n\n"
                       "data: after\n\n";
    for (size_t step = 0; step <= 7; step++) {
        got g;
        feed(text, step, &g);
        cr_assert_eq(g.n, 4, "step %zu: %d events", step, g.n);
        cr_expect_str_eq(g.events[0], "{\"a\":1}");
        cr_expect_str_eq(g.events[1], "two\nlines");
        cr_expect_str_eq(g.events[2], "");
        cr_expect_str_eq(g.events[3], "[DONE]", "the feed stops at [DONE]");
    }
    got g;
    feed("data: last without a blank line", 3, &g);
    cr_assert_eq(g.n, 1);
    cr_expect_str_eq(g.events[0], "last without a blank line");
    feed(":only comments\n\n: and more\n\n", 1, &g);
    cr_expect_eq(g.n, 0);
}

typedef struct {
    char body[256];
    size_t len;
} sink;

static bool to_sink(void *ctx, const char *p, size_t n) {
    sink *s = ctx;
    memcpy(s->body + s->len, p, n);
    s->len += n;
    s->body[s->len] = 0;
    return true;
}

static rzb_hs_state http_in_steps(const char *text, size_t step, rzb_hstream *h, sink *s) {
    char why[160];
    rzb_hs_init(h);
    memset(s, 0, sizeof *s);
    rzb_hs_state st = RZB_HS_MORE;
    for (size_t i = 0, n = strlen(text); st == RZB_HS_MORE && i < n; i += step)
        st = rzb_hs_feed(h, text + i, n - i < step ? n - i : step, to_sink, s, why, sizeof why);
    return st;
}

Test(serve_load, http_chunked_and_counted_bodies) {
    const char *chunked = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                          "transfer-encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\nA;ext=1\r\n, world!!!\r\n0\r\nX-Trailer: 1\r\n\r\n";
    for (size_t step = 1; step <= 9; step++) {
        rzb_hstream h;
        sink s;
        cr_assert_eq(http_in_steps(chunked, step, &h, &s), RZB_HS_DONE, "step %zu", step);
        cr_expect_eq(h.status, 200);
        cr_expect_str_eq(s.body, "hello, world!!!");
    }
    rzb_hstream h;
    sink s;
    cr_expect_eq(http_in_steps("HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusyXX", 2, &h, &s),
                 RZB_HS_DONE);
    cr_expect_eq(h.status, 503);
    cr_expect_str_eq(s.body, "busy", "bytes past Content-Length are not body");
    char why[160];
    cr_expect_eq(http_in_steps("HTTP/1.0 200 OK\r\n\r\nuntil close", 4, &h, &s), RZB_HS_MORE);
    cr_expect_eq(rzb_hs_eof(&h, why, sizeof why), RZB_HS_DONE);
    cr_expect_eq(
        http_in_steps("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 3, &h, &s),
        RZB_HS_MORE);
    cr_expect_eq(rzb_hs_eof(&h, why, sizeof why), RZB_HS_ERROR);
    cr_expect(strstr(why, "inside the response body"), "%s", why);
    cr_expect_eq(http_in_steps("SSH-2.0\r\n\r\n", 1, &h, &s), RZB_HS_ERROR);
}

/* An in-test server: each connection gets, after first_ms, k events `gap_ms` apart (one chunk
 * each, a keep-alive comment before the first, the second event split across two writes), then
 * a usage event and [DONE]; or a 503 when status says so. It records when it accepted each
 * connection and when it began to write each event's last bytes. */
enum { MAX_CONN = 16, MAX_K = 16 };
typedef struct {
    int fd, port, k, first_ms, gap_ms, status, expect;
    uint64_t accept_ns[MAX_CONN], sent_ns[MAX_CONN][MAX_K];
    int inflight, max_inflight;
    pthread_mutex_t mu;
    pthread_t acceptor, workers[MAX_CONN];
} fake;

typedef struct {
    fake *f;
    int conn, idx;
} job;

static job jobs[MAX_CONN];

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void put(int fd, const char *s) {
    cr_assert_eq(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* A chunk's size line and data, without the line end that closes it. */
static void chunk_open(int fd, const char *s) {
    char head[16];
    snprintf(head, sizeof head, "%zx\r\n", strlen(s));
    put(fd, head);
    put(fd, s);
}

static void chunk(int fd, const char *s) {
    chunk_open(fd, s);
    put(fd, "\r\n");
}

static void read_request(int fd) {
    char buf[8192];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        cr_assert_gt(n, 0);
        len += (size_t)n;
        buf[len] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    const char *cl = strstr(buf, "Content-Length: ");
    size_t want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 16, NULL, 10) : 0);
    while (len < want) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        cr_assert_gt(n, 0);
        len += (size_t)n;
    }
}

static void stream(fake *f, int fd, int idx) {
    put(fd,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    chunk(fd, ": keep-alive\n\n");
    sleep_ms(f->first_ms);
    for (int i = 0; i < f->k; i++) {
        if (i) sleep_ms(f->gap_ms);
        if (i == 1) chunk(fd, "data: {\"choices\":[{\"te");
        f->sent_ns[idx][i] = rz_now_ns(); /* before the event's last bytes go */
        if (i == 1)
            chunk(fd, "xt\":\"b\",\"index\":0}]}\n\n");
        else
            chunk(fd, "data: {\"choices\":[{\"text\":\"a\",\"index\":0}]}\n\n");
    }
    char usage[160];
    snprintf(
        usage, sizeof usage,
        "data: {\"choices\":[{\"text\":\"\",\"finish_reason\":\"length\"}],\"usage\":{\"completion_tokens\":%d}}\n\n",
        f->k);
    chunk(fd, usage);
    chunk_open(fd, "data: [DONE]\n\n");
    /* A client may close once it has [DONE] (rzbench does, as OpenAI's clients do): the bytes that
     * end the body can meet a closed connection, so their send is not checked. */
    (void)send(fd, "\r\n0\r\n\r\n", 7, MSG_NOSIGNAL);
}

static void *serve_one(void *arg) {
    job *j = arg;
    fake *f = j->f;
    pthread_mutex_lock(&f->mu);
    if (++f->inflight > f->max_inflight) f->max_inflight = f->inflight;
    pthread_mutex_unlock(&f->mu);
    read_request(j->conn);
    if (f->status == 200)
        stream(f, j->conn, j->idx);
    else
        put(j->conn, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
    pthread_mutex_lock(&f->mu);
    f->inflight--;
    pthread_mutex_unlock(&f->mu);
    close(j->conn);
    return NULL;
}

static void *acceptor(void *arg) {
    fake *f = arg;
    for (int i = 0; i < f->expect; i++) {
        int c = accept(f->fd, NULL, NULL);
        f->accept_ns[i] = rz_now_ns();
        cr_assert_geq(c, 0);
        jobs[i] = (job){f, c, i};
        pthread_create(&f->workers[i], NULL, serve_one, &jobs[i]);
    }
    return NULL;
}

static void fake_start(fake *f) {
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    cr_assert_eq(bind(f->fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(f->fd, MAX_CONN), 0);
    getsockname(f->fd, (struct sockaddr *)&a, &len);
    f->port = ntohs(a.sin_port);
    pthread_mutex_init(&f->mu, NULL);
    pthread_create(&f->acceptor, NULL, acceptor, f);
}

static void fake_join(fake *f) {
    pthread_join(f->acceptor, NULL);
    for (int i = 0; i < f->expect; i++)
        pthread_join(f->workers[i], NULL);
    close(f->fd);
}

/* n requests at `rate` with empty bodies (the fake server reads and ignores them). */
static void run(const fake *f, int n, double rate, rzb_sl_outcome *o, double *duration) {
    rzb_sl_request r[MAX_CONN];
    for (int i = 0; i < n; i++)
        r[i] = (rzb_sl_request){.gap = i ? 1.0 : 0.0, .body = "{}", .body_len = 2};
    rzb_sl_workload w = {r, n};
    rzb_sl_endpoint ep = {.host = "127.0.0.1", .port = f->port, .timeout_s = 10};
    char why[256];
    cr_assert(rzb_sl_run(&ep, &w, rate, o, duration, why, sizeof why), "%s", why);
}

Test(serve_load, measured_times_match_what_the_server_did) {
    static fake f = {.k = 6, .first_ms = 100, .gap_ms = 20, .status = 200, .expect = 1};
    fake_start(&f);
    rzb_sl_outcome o[1];
    double duration;
    run(&f, 1, 1.0, o, &duration);
    fake_join(&f);
    cr_assert_str_eq(o[0].failure, "", "%s: %s", o[0].failure, o[0].detail);
    cr_expect_eq(o[0].n_events, 6);
    cr_expect_eq(o[0].n_out, 6);
    cr_expect(o[0].usage);
    /* Each token's measured arrival (connect + TTFT + ITLs) against when the server sent it:
     * never before (causality), typically within a few ms (the median), and never far after. */
    double lat[6];
    double at_ns = (double)o[0].sent_ns + o[0].ttft_ms * 1e6;
    for (int i = 0; i < 6; i++) {
        if (i) at_ns += o[0].itl_ms[i - 1] * 1e6;
        lat[i] = (at_ns - (double)f.sent_ns[0][i]) / 1e6;
        cr_expect(lat[i] > -0.01 && lat[i] < 30, "token %d measured %.2f ms after it was sent", i,
                  lat[i]);
    }
    const double median = rzb_sl_percentile(lat, 6, 50);
    cr_expect(median < 3, "tokens measured a median %.2f ms after they were sent", median);
    const double server_ttft = (double)(f.sent_ns[0][0] - f.accept_ns[0]) / 1e6;
    cr_expect(o[0].ttft_ms >= server_ttft, "TTFT %.2f ms, less than the server's %.2f ms",
              o[0].ttft_ms, server_ttft);
    cr_expect(server_ttft >= 100, "the server slept %.1f ms", server_ttft);
    /* measured TPOT = the server's + (lateness of the last token - of the first) / 5: a first
     * token read late shortens it, so the floor is the server's spacing less that lateness */
    const double tpot = (o[0].e2e_ms - o[0].ttft_ms) / 5;
    const double server_tpot = (double)(f.sent_ns[0][5] - f.sent_ns[0][0]) / 5e6;
    cr_expect(server_tpot >= 20, "the server slept %.2f ms between tokens", server_tpot);
    cr_expect(tpot >= server_tpot - lat[0] / 5 - 0.01 && tpot < 40,
              "TPOT %.2f ms; the server's %.2f ms, its first token read %.2f ms late", tpot,
              server_tpot, lat[0]);
    cr_expect(o[0].late_ms < 30, "sent %.2f ms late", o[0].late_ms);
    rzb_sl_outcomes_free(o, 1);
}

Test(serve_load, arrivals_do_not_wait_for_responses) {
    static fake f = {.k = 3, .first_ms = 300, .gap_ms = 10, .status = 200, .expect = 6};
    fake_start(&f);
    rzb_sl_outcome o[6];
    double duration;
    run(&f, 6, 50.0, o, &duration); /* one every 20 ms; each response takes 320 ms */
    fake_join(&f);
    cr_expect_eq(f.max_inflight, 6, "all six in flight at once, got %d", f.max_inflight);
    for (int i = 0; i < 6; i++) {
        cr_expect_str_eq(o[i].failure, "");
        cr_expect(o[i].late_ms < 30, "request %d sent %.1f ms late", i, o[i].late_ms);
        const double sent = (double)(o[i].sent_ns - o[0].sent_ns) / 1e6;
        cr_expect(fabs(sent - 20.0 * i) < 30, "request %d sent at %.1f ms", i, sent);
    }
    cr_expect(duration > 0.4 && duration < 1.0, "duration %.3f s", duration);
    rzb_sl_outcomes_free(o, 6);
}

Test(serve_load, failures_are_named) {
    static fake f = {.status = 503, .expect = 1};
    fake_start(&f);
    rzb_sl_outcome o[1];
    double duration;
    run(&f, 1, 1.0, o, &duration);
    fake_join(&f);
    cr_expect_str_eq(o[0].failure, "http 503");
    cr_expect_str_eq(o[0].detail, "busy");
    fake closed = {.port = f.port};
    run(&closed, 1, 1.0, o, &duration);
    cr_expect_str_eq(o[0].failure, "connect", "%s: %s", o[0].failure, o[0].detail);
    rzb_sl_outcomes_free(o, 1);
}
