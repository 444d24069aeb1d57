/* llama-bench's `-o json` output as S1 reads it: per-sample and per-token times, the build and
 * machine fields, malformed output refused with a reason, and failed runs named. The samples are
 * llama-bench's own output (llama.cpp 0c1e570, SmolLM2-135M Q4_1, 2 threads), trimmed. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/llama_bench.h"

static const char *const decode_json =
    "[\n  {\n    \"build_commit\": \"0c1e570\",\n    \"build_number\": 1,\n"
    "    \"cpu_info\": \"AMD EPYC\",\n    \"gpu_info\": \"\",\n    \"backends\": \"CPU\",\n"
    "    \"model_type\": \"llama 256M Q4_1\",\n    \"n_threads\": 2,\n    \"n_prompt\": 0,\n"
    "    \"n_gen\": 4,\n    \"n_depth\": 128,\n    \"avg_ns\": 93335054,\n"
    "    \"samples_ns\": [ 72084984, 114585124 ],\n    \"samples_ts\": [ 55.4901, 34.9085 ]\n"
    "  }\n]\n";

static const char *const prompt_json =
    "[{\"build_commit\": \"0c1e570\", \"cpu_info\": \"AMD EPYC\", \"backends\": \"CPU\", \"n_threads\": 2, \"n_prompt\": 128, \"n_gen\": 0, \"n_depth\": 0, \"samples_ns\": [ 512000000, 640000000, 576000000 ]}]";

static void parse_ok(const char *json, rzb_llama_bench_test *t) {
    char why[256];
    cr_assert(rzb_llama_bench_parse(json, t, why, sizeof why), "%s", why);
}

static void parse_fails(const char *json, const char *expect) {
    rzb_llama_bench_test t;
    char why[256] = "";
    cr_assert_not(rzb_llama_bench_parse(json, &t, why, sizeof why));
    cr_assert(strstr(why, expect), "reason \"%s\" lacks \"%s\"", why, expect);
}

Test(llama_bench, decode_samples_become_time_per_generated_token) {
    rzb_llama_bench_test t;
    parse_ok(decode_json, &t);
    cr_assert_eq(t.n, 2);
    cr_assert_eq(t.n_gen, 4);
    cr_assert_eq(t.n_depth, 128);
    cr_assert_float_eq(t.sample_ms[0], 72.084984, 1e-9);
    cr_assert_float_eq(t.token_ms[0], 72.084984 / 4, 1e-9);
    cr_assert_float_eq(t.token_ms[1], 114.585124 / 4, 1e-9);
    /* llama-bench's own tokens per second agree with the per-token time */
    cr_assert_float_eq(1e3 / t.token_ms[0], 55.4901, 1e-3);
    cr_assert_float_eq(1e3 / t.token_ms[1], 34.9085, 1e-3);
}

Test(llama_bench, prompt_samples_are_whole_prompts) {
    rzb_llama_bench_test t;
    parse_ok(prompt_json, &t);
    cr_assert_eq(t.n, 3);
    cr_assert_float_eq(t.sample_ms[1], 640.0, 1e-9);
    cr_assert_float_eq(t.token_ms[1], 5.0, 1e-9);
}

Test(llama_bench, build_and_machine_fields_are_kept) {
    rzb_llama_bench_test t;
    parse_ok(decode_json, &t);
    cr_assert_str_eq(t.build_commit, "0c1e570");
    cr_assert_str_eq(t.cpu_info, "AMD EPYC");
    cr_assert_str_eq(t.backends, "CPU");
    cr_assert_str_eq(t.model_type, "llama 256M Q4_1");
    cr_assert_eq(t.n_threads, 2);
}

Test(llama_bench, malformed_output_is_refused_with_a_reason) {
    parse_fails("[{\"n_prompt\": 128, \"samples_ns\": [1, 2", "not valid JSON");
    parse_fails("", "not valid JSON");
    parse_fails("{\"n_prompt\": 128}", "exactly one test");
    parse_fails("[]", "exactly one test");
    parse_fails("[{\"n_prompt\": 0, \"n_gen\": 1, \"n_depth\": 0}]", "n_threads");
    parse_fails("[{\"n_prompt\": 0, \"n_gen\": 1, \"n_depth\": 0, \"n_threads\": 2}]",
                "samples_ns");
    parse_fails(
        "[{\"n_prompt\": 0, \"n_gen\": 1, \"n_depth\": 0, \"n_threads\": 2, \"samples_ns\": [5, -1]}]",
        "sample 1");
    parse_fails(
        "[{\"n_prompt\": 0, \"n_gen\": 0, \"n_depth\": 0, \"n_threads\": 2, \"samples_ns\": [5]}]",
        "0 prompt and 0 generated");
}

Test(llama_bench, two_tests_are_refused) {
    parse_fails(
        "[{\"n_prompt\": 128, \"n_gen\": 0, \"n_depth\": 0, \"n_threads\": 2, \"samples_ns\": [5]}, {\"n_prompt\": 0, \"n_gen\": 8, \"n_depth\": 0, \"n_threads\": 2, \"samples_ns\": [5]}]",
        "exactly one test");
}

Test(llama_bench, command_line_names_every_argument) {
    rzb_llama_bench_args a = {.bin = "/x/llama-bench",
                              .model = "/m/f.gguf",
                              .n_gen = 8,
                              .n_depth = 128,
                              .threads = 2,
                              .reps = 3};
    char buf[512];
    cr_assert_str_eq(rzb_llama_bench_command(&a, buf, sizeof buf),
                     "/x/llama-bench -m /m/f.gguf -p 0 -n 8 -d 128 -t 2 -r 3 -o json");
}

/* An executable script standing in for llama-bench; returns its path. */
static const char *fake_bench(const char *body, char *path, size_t cap) {
    snprintf(path, cap, "/tmp/rz-test-llama-bench-%d", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    cr_assert_eq(chmod(path, 0755), 0);
    return path;
}

static bool run_fake(const char *body, rzb_llama_bench_test *t, char *why, size_t cap) {
    char path[256];
    rzb_llama_bench_args a = {.bin = fake_bench(body, path, sizeof path),
                              .model = "m.gguf",
                              .n_prompt = 128,
                              .threads = 2,
                              .reps = 3};
    bool ok = rzb_llama_bench_run(&a, t, why, cap);
    unlink(path);
    return ok;
}

Test(llama_bench, a_run_reads_stdout_and_the_cpus_it_ran_on) {
    char body[1024], why[512] = "";
    snprintf(body, sizeof body, "cat <<'EOF'\n%s\nEOF", prompt_json);
    rzb_llama_bench_test t;
    cr_assert(run_fake(body, &t, why, sizeof why), "%s", why);
    cr_assert_eq(t.n, 3);
    cr_assert_neq(t.cpus[0], 0);
}

Test(llama_bench, a_failed_run_gives_stderr_s_last_line) {
    char why[512] = "";
    rzb_llama_bench_test t;
    cr_assert_not(
        run_fake("echo first >&2; echo 'error: no model' >&2; exit 3", &t, why, sizeof why));
    cr_assert_str_eq(why, "llama-bench exited with status 3: error: no model");
}

Test(llama_bench, a_signal_is_named) {
    char why[512] = "";
    rzb_llama_bench_test t;
    cr_assert_not(run_fake("kill -SEGV $$", &t, why, sizeof why));
    cr_assert(strstr(why, "signal 11"), "%s", why);
}
