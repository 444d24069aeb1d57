/* The gate's parts called directly: revisions resolved and the build cache, fixtures found,
 * made and missing, one tiny run of a workload timed and counted, the callgrind reply line, two
 * stand-in `rzbench` builds judged by rzb_gate_run, the HTTP probe against a scripted server,
 * and CMake builds of the small smoke project in scratch directories. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/atomic_file.h"
#include "harness/cmake_build.h"
#include "harness/data.h"
#include "harness/gate_build.h"
#include "harness/gate_callgrind.h"
#include "harness/gate_fixtures.h"
#include "harness/gate_measure.h"
#include "harness/gate_run.h"
#include "harness/http_probe.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static char temps[4][64]; /* the folders a test made, removed after it */
static int n_temps;

/* A fresh folder under /tmp, removed after the test. */
static const char *temp_dir(void) {
    cr_assert_lt(n_temps, 4);
    char *dir = temps[n_temps++];
    snprintf(dir, sizeof temps[0], "/tmp/rzt-gate-XXXXXX");
    cr_assert_not_null(rzt_temp_dir(dir));
    return dir;
}

static void remove_temps(void) {
    for (int i = 0; i < n_temps; i++) {
        char *argv[] = {"/bin/rm", "-rf", temps[i], NULL}, out[64], err[64];
        rzt_run(argv, out, sizeof out, err, sizeof err);
    }
}

/* Writes an executable shell script. */
static void script(const char *path, const char *body) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fprintf(f, "#!/bin/sh\n%s", body);
    fclose(f);
    chmod(path, 0755);
}

/* Runs a shell command line; true when it exits 0. */
static bool sh(const char *fmt, const char *arg) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, arg);
    return system(cmd) == 0;
}

Test(gate_build, revisions_resolve_to_full_hashes, .fini = remove_temps) {
    const char *repo = temp_dir();
    cr_assert(sh(
        "cd %s && git init -q && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one",
        repo));
    char commit[41], why[1024], expected[64] = "";
    cr_assert(rzb_gate_resolve(repo, "HEAD", commit, why, sizeof why), "%s", why);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "git -C %s rev-parse HEAD", repo);
    FILE *p = popen(cmd, "r");
    cr_assert(fgets(expected, sizeof expected, p));
    pclose(p);
    expected[strcspn(expected, "\n")] = 0;
    cr_expect_str_eq(commit, expected);
    cr_expect_not(rzb_gate_resolve(repo, "no-such-rev", commit, why, sizeof why));
    char want[512];
    snprintf(
        want, sizeof want,
        "git does not know the revision 'no-such-rev' in %s (expected a commit, branch, tag or e.g. HEAD~1)",
        repo);
    cr_expect_str_eq(why, want);
}

Test(gate_build, cache_dir_from_the_environment, .fini = remove_temps) {
    char dir[256];
    setenv("RZB_GATE_CACHE", "/x/gate", 1);
    rzb_gate_cache_dir(dir, sizeof dir);
    cr_expect_str_eq(dir, "/x/gate");
    unsetenv("RZB_GATE_CACHE");
    setenv("XDG_CACHE_HOME", "/y", 1);
    rzb_gate_cache_dir(dir, sizeof dir);
    cr_expect_str_eq(dir, "/y/rzbench/gate");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/h", 1);
    rzb_gate_cache_dir(dir, sizeof dir);
    cr_expect_str_eq(dir, "/h/.cache/rzbench/gate");
}

Test(gate_build, a_cached_commit_builds_nothing_and_a_bad_one_says_where, .fini = remove_temps) {
    const char *cache = temp_dir();
    const char *commit = "0123456789abcdef0123456789abcdef01234567";
    char path[512], why[1024];
    snprintf(path, sizeof path, "%s/%s/src/build", cache, commit);
    cr_assert(rzb_make_dirs(path, why, sizeof why), "%s", why);
    snprintf(path, sizeof path, "%s/%s/src/build/rzbench", cache, commit);
    script(path, "exit 0\n");
    snprintf(path, sizeof path, "%s/%s/ok", cache, commit);
    fclose(fopen(path, "w"));
    rzb_gate_build b;
    cr_assert(rzb_gate_build_commit("/nonexistent", cache, commit, &b, why, sizeof why), "%s", why);
    cr_expect(b.cached && b.build_s == 0);
    snprintf(path, sizeof path, "%s/%s/src/build/rzbench", cache, commit);
    cr_expect_str_eq(b.rzbench, path);
    const char *not_a_repo = temp_dir(), *other = "fedcba9876543210fedcba9876543210fedcba98";
    cr_expect_not(rzb_gate_build_commit(not_a_repo, cache, other, &b, why, sizeof why));
    char want[1024];
    snprintf(want, sizeof want,
             "git worktree add of %s into %s/%s/src failed (see %s/%s/checkout.log)", other, cache,
             other, cache, other);
    cr_expect_str_eq(why, want);
    cr_expect_not(b.cached);
}

Test(gate_fixtures, found_skipped_or_missing, .fini = remove_temps) {
    const char *dir = temp_dir();
    rzb_gw_env env = {.fixtures = dir};
    char path[512], why[1024], want[1024];
    snprintf(path, sizeof path, "%s/model.gguf", dir);
    fclose(fopen(path, "w"));
    snprintf(path, sizeof path, "%s/text.txt.skipped", dir);
    FILE *f = fopen(path, "w");
    fputs("no text here\n", f);
    fclose(f);
    cr_expect_eq(rzb_gw_fixture(&env, "model.gguf", path, sizeof path, why, sizeof why), RZB_GW_OK);
    snprintf(want, sizeof want, "%s/model.gguf", dir);
    cr_expect_str_eq(path, want);
    cr_expect_eq(rzb_gw_fixture(&env, "text.txt", path, sizeof path, why, sizeof why),
                 RZB_GW_SKIPPED);
    snprintf(want, sizeof want, "fixture %s/text.txt was not made: no text here", dir);
    cr_expect_str_eq(why, want);
    cr_expect_eq(rzb_gw_fixture(&env, "models/x.apr", path, sizeof path, why, sizeof why),
                 RZB_GW_MISSING);
    snprintf(want, sizeof want,
             "fixture %s/models/x.apr is missing (run `rzbench workload --make-fixtures %s` first)",
             dir, dir);
    cr_expect_str_eq(why, want);
    const rzb_gw *tok = rzb_gw_find("tokenize");
    cr_assert_not_null(tok);
    cr_expect_str_eq(tok->name, "tokenize");
    cr_expect_null(rzb_gw_find("no-such-workload"));
    cr_expect_eq(rzb_gw_check_fixtures(tok, &env, why, sizeof why), RZB_GW_SKIPPED,
                 "model.gguf is there, text.txt was not made");
    cr_expect_eq(rzb_gw_check_fixtures(rzb_gw_find("gguf-open"), &env, why, sizeof why), RZB_GW_OK);
}

Test(gate_fixtures, text_is_a_pure_function_of_its_length, .fini = remove_temps) {
    char a[4096], b[4096];
    rzb_gw_fixture_text(a, sizeof a);
    rzb_gw_fixture_text(b, sizeof b);
    cr_expect(memcmp(a, b, sizeof a) == 0);
    cr_expect_eq(a[sizeof a - 1], '\n');
    cr_expect_null(memchr(a, 0, sizeof a), "text, no NUL bytes");
    char one[1];
    rzb_gw_fixture_text(one, 1);
    cr_expect_eq(one[0], '\n');
}

Test(gate_fixtures, made_once_kept_after, .fini = remove_temps) {
    const char *dir = temp_dir();
    char path[512], why[1024];
    snprintf(path, sizeof path, "%s/model.gguf", dir);
    cr_expect_not(rzb_gw_fixtures_make(dir, "/nonexistent/rz", NULL, why, sizeof why));
    cr_expect_str_eq(why, "cannot start /nonexistent/rz: No such file or directory");
    fclose(fopen(path, "w"));
    char *log;
    size_t len;
    FILE *mem = open_memstream(&log, &len);
    cr_assert(rzb_gw_fixtures_make(dir, "/nonexistent/rz", mem, why, sizeof why), "%s", why);
    fclose(mem);
    char want[512];
    snprintf(want, sizeof want,
             "make-fixtures: %s/model.gguf: kept\nmake-fixtures: %s/text.txt: written\n", dir, dir);
    cr_expect(!strncmp(log, want, strlen(want)), "%s", log);
    free(log);
    static char text[RZB_GW_TEXT_BYTES + 1], expected[RZB_GW_TEXT_BYTES];
    snprintf(path, sizeof path, "%s/text.txt", dir);
    FILE *f = fopen(path, "r");
    cr_assert_eq(fread(text, 1, sizeof text, f), RZB_GW_TEXT_BYTES);
    fclose(f);
    rzb_gw_fixture_text(expected, RZB_GW_TEXT_BYTES);
    cr_expect(memcmp(text, expected, RZB_GW_TEXT_BYTES) == 0, "the file is the fixture text");
}

/* A fixtures folder with the shared APR model, for a logreg-predict job of a tiny size. */
static rzb_gw_job logreg_job(void) {
    char src[4096], why[8192], path[512];
    if (!rzb_data_find("models/mnist_784x2.apr", src, sizeof src, why, sizeof why))
        cr_skip_test("%s", why);
    const char *dir = temp_dir();
    snprintf(path, sizeof path, "%s/models", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    char cmd[8300];
    snprintf(cmd, sizeof cmd, "cp %s %s/models/mnist_784x2.apr", src, dir);
    cr_assert_eq(system(cmd), 0);
    return (rzb_gw_job){.w = rzb_gw_find("logreg-predict"),
                        .env = {.fixtures = dir, .rz_bin = rzt_bin("rz"), .threads = 1},
                        .size = {.units = 10, .iterations = 3, .warmup = 1}};
}

Test(gate_measure, one_tiny_run_timed_and_counted, .fini = remove_temps) {
    rzb_gw_job j = logreg_job();
    double samples[3] = {0}, count = -1;
    char why[1024];
    cr_assert_eq(rzb_gw_time(&j, samples, why, sizeof why), RZB_GW_OK, "%s", why);
    for (int i = 0; i < 3; i++)
        cr_expect(samples[i] > 0, "sample %d: %g ns per call", i, samples[i]);
    cr_expect_eq(rzb_gw_count_callgrind(&j, &count, why, sizeof why), RZB_GW_OK, "%s", why);
    cr_expect_eq(count, -1, "without a server the count is callgrind's output's to give");
    rzb_instr_papi p;
    if (rzb_instr_papi_find(&p)) {
        cr_expect_eq(rzb_gw_count_papi(&j, &p, &count, why, sizeof why), RZB_GW_OK, "%s", why);
        cr_expect_gt(count, 10 * 784, "at least one instruction per weight and call");
    }
}

Test(gate_measure, a_missing_fixture_is_named, .fini = remove_temps) {
    rzb_gw_job j = {.w = rzb_gw_find("logreg-predict"),
                    .env = {.fixtures = temp_dir(), .threads = 1},
                    .size = {.units = 1, .iterations = 1, .warmup = 0}};
    double sample, count;
    char why[1024];
    rzb_instr_papi p = {0};
    cr_expect_eq(rzb_gw_time(&j, &sample, why, sizeof why), RZB_GW_MISSING);
    cr_expect(strstr(why, "models/mnist_784x2.apr is missing") != NULL, "%s", why);
    cr_expect_eq(rzb_gw_count_papi(&j, &p, &count, why, sizeof why), RZB_GW_MISSING);
    cr_expect_eq(rzb_gw_count_callgrind(&j, &count, why, sizeof why), RZB_GW_MISSING);
}

Test(gate_callgrind, the_inner_reply_line, .fini = remove_temps) {
    const char *path = rzt_write_temp("", 0, ".stdout");
    fflush(stdout);
    int saved = dup(1);
    FILE *f = fopen(path, "w");
    dup2(fileno(f), 1);
    rzb_gw_callgrind_inner_reply("avx2", 1234567);
    rzb_gw_callgrind_inner_reply("scalar", -1);
    dup2(saved, 1);
    close(saved);
    fclose(f);
    char text[256];
    f = fopen(path, "r");
    text[fread(text, 1, sizeof text - 1, f)] = 0;
    fclose(f);
    remove(path);
    cr_expect_str_eq(text, "rzb-callgrind backend=avx2 instructions=1234567\n"
                           "rzb-callgrind backend=scalar\n");
}

Test(gate_callgrind, the_outer_run_reads_the_inner_reply, .fini = remove_temps) {
    char v[128];
    if (!rzb_instr_valgrind_version(v, sizeof v)) cr_skip_test("%s", v);
    char *replies[] = {"sh", "-c", "echo rzb-callgrind backend=avx2 instructions=4242", NULL};
    double count = 0;
    char backend[32], why[1024];
    cr_assert(rzb_gw_callgrind_outer(replies, &count, backend, sizeof backend, why, sizeof why),
              "%s", why);
    cr_expect_eq(count, 4242);
    cr_expect_str_eq(backend, "avx2");
    char *fails[] = {"sh", "-c", "echo broken >&2; exit 4", NULL};
    cr_expect_not(rzb_gw_callgrind_outer(fails, &count, backend, sizeof backend, why, sizeof why));
    cr_expect_str_eq(why, "the run under valgrind exited with status 4: broken");
}

Test(gate_callgrind, no_valgrind_on_the_path, .fini = remove_temps) {
    setenv("PATH", temp_dir(), 1);
    char *argv[] = {"sh", NULL}, backend[32], why[1024];
    double count;
    cr_expect_not(rzb_gw_callgrind_outer(argv, &count, backend, sizeof backend, why, sizeof why));
    cr_expect_str_eq(why, "cannot start valgrind: No such file or directory");
}

/* Two stand-in builds: `rzbench workload NAME ...` prints a count (OLD 1e6, NEW 1.1e6), exits 3
 * for "skippy" and fails for "broken". */
static void stand_in_builds(const char *dir, char *old_bin, char *new_bin, size_t cap) {
    const char *body =
        "case \"$2\" in\n"
        "skippy) echo '{\"skipped\": \"no data here\"}'; exit 3;;\n"
        "broken) echo boom >&2; exit 1;;\n"
        "esac\n"
        "echo \"{\\\"unit\\\": \\\"instructions\\\", \\\"value\\\": $VALUE, \\\"source\\\": \\\"stand-in\\\", \\\"why\\\": \\\"a test\\\"}\"\n";
    char text[1024];
    snprintf(old_bin, cap, "%s/old-rzbench", dir);
    snprintf(text, sizeof text, "VALUE=1000000\n%s", body);
    script(old_bin, text);
    snprintf(new_bin, cap, "%s/new-rzbench", dir);
    snprintf(text, sizeof text, "VALUE=1100000\n%s", body);
    script(new_bin, text);
}

Test(gate_run, two_builds_judged_a_skipped_workload_named, .fini = remove_temps) {
    char old_bin[128], new_bin[128], why[1024];
    stand_in_builds(temp_dir(), old_bin, new_bin, sizeof old_bin);
    char *workloads[] = {"decode", "skippy"};
    rzb_gate_plan plan = {.old_rzbench = old_bin,
                          .new_rzbench = new_bin,
                          .fixtures = "/tmp",
                          .workloads = workloads,
                          .n_workloads = 2,
                          .metric = "instructions",
                          .counter = "auto",
                          .margin = RZB_INSTRUCTION_MARGIN,
                          .alpha = RZB_COMPARE_ALPHA,
                          .budget_s = 60,
                          .max_foreign_cpus = 1e9,
                          .min_runs = 1,
                          .max_runs = 1};
    rzb_gate_outcome out;
    cr_assert(rzb_gate_run(&plan, &out, why, sizeof why), "%s", why);
    cr_assert_eq(out.n_rows, 1, "the skipped workload is left out of the rows");
    cr_expect_str_eq(out.rows[0].workload, "decode");
    cr_expect_str_eq(out.rows[0].unit, "instructions");
    cr_expect_float_eq(out.rows[0].ratio, 1.1, 1e-12);
    cr_expect_eq(out.rows[0].change, RZB_CHANGE_REGRESSION);
    cr_expect_str_eq(out.skipped, "skippy (no data here)");
    cr_expect_str_eq(out.source, "stand-in: a test");
    cr_expect_eq(out.rounds, 1);
    rzb_gate_outcome_free(&out);
    cr_expect(out.rows == NULL && out.n_rows == 0, "freed and cleared");
    workloads[1] = "broken";
    cr_expect_not(rzb_gate_run(&plan, &out, why, sizeof why));
    char want[512];
    snprintf(want, sizeof want,
             "%s workload broken --metric instructions exited with status 1: boom", old_bin);
    cr_expect_str_eq(why, want, "OLD runs first in the first round");
}

/* A one-connection server on a free loopback port: answers each request with the next of
 * `replies`, then closes. Returns its port; *pid gets the process. */
static int scripted_server(const char *const *replies, pid_t *pid) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(fd, 1), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *pid = fork();
    cr_assert_geq(*pid, 0);
    if (*pid == 0) {
        int c = accept(fd, NULL, NULL);
        char req[4096];
        for (size_t i = 0; replies[i]; i++) {
            size_t got = 0;
            req[0] = 0;
            while (!strstr(req, "\r\n\r\n")) {
                ssize_t n = read(c, req + got, sizeof req - 1 - got);
                if (n <= 0) _exit(1);
                got += (size_t)n;
                req[got] = 0;
            }
            if (write(c, replies[i], strlen(replies[i])) < 0) _exit(1);
        }
        close(c);
        _exit(0);
    }
    close(fd);
    return ntohs(a.sin_port);
}

Test(http_probe, keep_alive_exchanges_and_refused_responses, .fini = remove_temps) {
    const char *const replies[] = {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                                   "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
                                   "ICY 200 OK\r\nContent-Length: 0\r\n\r\n",
                                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                                   "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
                                   NULL};
    pid_t pid;
    int port = scripted_server(replies, &pid);
    rzb_http h;
    char why[512];
    cr_assert(rzb_http_connect(&h, port, why, sizeof why), "%s", why);
    const char req[] = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    int status = 0;
    cr_assert(rzb_http_exchange(&h, req, sizeof req - 1, &status, why, sizeof why), "%s", why);
    cr_expect_eq(status, 200);
    cr_expect_str_eq(h.buf + h.body, "hello");
    cr_assert(rzb_http_exchange(&h, req, sizeof req - 1, &status, why, sizeof why), "%s", why);
    cr_expect_eq(status, 404, "the same connection, the header's case ignored");
    cr_expect_not(rzb_http_exchange(&h, req, sizeof req - 1, &status, why, sizeof why));
    cr_expect_str_eq(why, "not an HTTP/1.x status line: ICY 200 OK\r\nContent-Length: 0\r\n\r\n");
    cr_expect_not(rzb_http_exchange(&h, req, sizeof req - 1, &status, why, sizeof why));
    cr_expect(strstr(why, "a response without Content-Length: HTTP/1.1 200 OK") == why, "%s", why);
    cr_expect_not(rzb_http_exchange(&h, req, sizeof req - 1, &status, why, sizeof why));
    cr_expect_str_eq(why, "the server closed the connection inside a response body");
    rzb_http_close(&h);
    cr_expect_eq(h.fd, -1);
    cr_expect_null(h.buf);
    int st;
    waitpid(pid, &st, 0);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    cr_expect_not(rzb_http_connect(&h, port, why, sizeof why), "nobody listens any more");
    char want[96];
    snprintf(want, sizeof want, "cannot connect to 127.0.0.1:%d: Connection refused", port);
    cr_expect_str_eq(why, want);
}

Test(cmake_build, the_smoke_project_in_a_scratch_dir, .fini = remove_temps) {
    char dir[512], why[1024], path[600];
    setenv("TMPDIR", temp_dir(), 1);
    cr_assert(rzb_scratch_dir("t", dir, sizeof dir));
    char want[128];
    snprintf(want, sizeof want, "%s/rzbench-t-", getenv("TMPDIR"));
    cr_expect(!strncmp(dir, want, strlen(want)), "%s", dir);
    const char *source = rzb_build_source(true);
    cr_expect(strstr(source, "/claims/workloads/smoke_build") != NULL, "%s", source);
    cr_expect_null(strstr(rzb_build_source(false), "smoke_build"), "the real tree");
    const char *options[] = {"-DCMAKE_BUILD_TYPE=Release", NULL};
    const char *no_target[] = {"rzt_no_such_target", NULL}, *rz[] = {"rz_cli", NULL};
    cr_expect_not(rzb_cmake_build_from(source, dir, options, no_target, why, sizeof why));
    snprintf(want, sizeof want, "cmake --build failed (see %s/build.log)", dir);
    cr_expect_str_eq(why, want);
    cr_expect(rzb_cmake_build_from(source, dir, options, rz, why, sizeof why), "%s", why);
    snprintf(path, sizeof path, "%s/rz", dir);
    cr_expect_eq(access(path, X_OK), 0, "the rz_cli target builds rz at the top");
    const char *bad_compiler[] = {"-DCMAKE_C_COMPILER=/nonexistent/cc", NULL};
    snprintf(path, sizeof path, "%s/self", dir);
    cr_expect_not(rzb_cmake_build(path, bad_compiler, rz, why, sizeof why));
    snprintf(want, sizeof want, "cmake configure failed (see %s/self/build.log)", dir);
    cr_expect_str_eq(why, want);
    rzb_scratch_remove(dir);
    cr_expect_neq(access(dir, F_OK), 0, "removed");
}
