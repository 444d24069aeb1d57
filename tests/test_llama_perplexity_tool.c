/* What the two perplexity programs print, read back: llama-perplexity's output as captured from
 * the build scripts/build-llama-cpp makes (SmolLM2-135M Q4_1, wiki.test.raw, -c 512 --chunks 4
 * -t 2), `rz perplexity --format json`, the equal-work check, and whole processes run and timed. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "harness/llama_perplexity_tool.h"

/* stdout: the ETA's continuation (LOG goes to stdout), then the running estimates. */
static const char llama_out[] = "1.50 minutes\n"
                                "[1]12.6138,[2]21.3795,[3]22.2525,[4]22.1792,\n";

/* stderr: the "seconds per pass - ETA " line has no newline of its own. */
static const char llama_err[] =
    "0.00.609.803 I cmn          init: llama threadpool init, n_threads = 2\n"
    "0.01.144.649 I \n"
    "0.01.144.765 I system_info: n_threads = 2 (n_threads_batch = 2) / 2 | CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | \n"
    "0.01.144.770 I perplexity: tokenizing the input ..\n"
    "0.04.272.617 I perplexity: tokenization took 3127.84 ms\n"
    "0.04.272.772 I perplexity: calculating perplexity over 4 chunks, n_ctx=512, batch_size=2048, n_seq=4\n"
    "1.34.888.618 I perplexity: 90.62 seconds per pass - ETA 1.35.243.787 I Final estimate: PPL = 22.1792 +/- 2.22383\n";

static const char rz_json[] =
    "{\"model\": \"m.gguf\", \"n_ctx\": 512, \"first\": 256,\n"
    " \"chunks\": [{\"chunk\": 1, \"ppl\": 12.66, \"running_ppl\": 12.664268},\n {\"chunk\": 2, \"ppl\": 36.31, \"running_ppl\": 21.444937}, {\"chunk\": 3, \"ppl\": 24.18, \"running_ppl\": 22.321510}, {\"chunk\": 4, \"ppl\": 21.84, \"running_ppl\": 22.199535}],\n \"final\": {\"ppl\": 22.199535, \"error\": 2.227620, \"seconds\": 16.1}}\n";

Test(llama_perplexity_tool, reads_what_llama_perplexity_printed) {
    rzb_ppl_output o;
    char why[512] = "";
    cr_assert(rzb_llama_ppl_parse(llama_out, llama_err, &o, why, sizeof why), "%s", why);
    cr_expect_eq(o.n_chunks, 4);
    cr_expect_eq(o.n_ctx, 512);
    cr_expect_eq(o.n_batch, 2048);
    cr_expect_eq(o.n_seq, 4);
    cr_assert_eq(o.n_running, 4);
    cr_expect_float_eq(o.running[0], 12.6138, 1e-9);
    cr_expect_float_eq(o.running[3], 22.1792, 1e-9);
    cr_expect_float_eq(o.ppl, 22.1792, 1e-9);
    cr_expect_float_eq(o.ppl_err, 2.22383, 1e-9);
    cr_expect_float_eq(o.seconds_per_pass, 90.62, 1e-9);
    cr_expect_float_eq(o.eval_seconds, 95.243787 - 4.272772, 1e-9, "%.6f", o.eval_seconds);
    cr_expect(!strncmp(o.system_info, "system_info: n_threads = 2", 26), "%s", o.system_info);
    cr_expect(strstr(o.system_info, "REPACK = 1 |") && !strchr(o.system_info, '\n'));
}

Test(llama_perplexity_tool, a_run_without_a_final_estimate_is_refused) {
    char err[sizeof llama_err];
    memcpy(err, llama_err, sizeof err);
    *strstr(err, "Final estimate") = 0; /* as when it dies mid-run */
    rzb_ppl_output o;
    char why[512] = "";
    cr_expect_not(rzb_llama_ppl_parse(llama_out, err, &o, why, sizeof why));
    cr_expect(strstr(why, "final estimate") && strstr(why, "seconds per pass"), "%s", why);
}

/* --no-log-prefix: the same entries without "M.SS.mmm.uuu I ": no clock to time the chunks by. */
Test(llama_perplexity_tool, a_log_without_timestamps_is_refused) {
    const char err[] =
        "system_info: n_threads = 2 | CPU : AVX2 = 1 |\n"
        "perplexity: calculating perplexity over 4 chunks, n_ctx=512, batch_size=2048, n_seq=4\n"
        "perplexity: 90.62 seconds per pass - ETA Final estimate: PPL = 22.1792 +/- 2.22383\n";
    rzb_ppl_output o;
    char why[512] = "";
    cr_expect_not(rzb_llama_ppl_parse(llama_out, err, &o, why, sizeof why));
    cr_expect(strstr(why, "no timestamps") && strstr(why, "--log-timestamps"), "%s", why);
}

Test(llama_perplexity_tool, malformed_output_is_refused_with_what_is_missing) {
    rzb_ppl_output o;
    char why[512] = "";
    cr_expect_not(rzb_llama_ppl_parse(llama_out, "perplexity: tokenizing the input ..\n", &o, why,
                                      sizeof why));
    cr_expect(strstr(why, "system_info"), "%s", why);
    why[0] = 0;
    cr_expect_not(rzb_llama_ppl_parse("[1]12.6,[3]22.2,", llama_err, &o, why, sizeof why));
    cr_expect(strstr(why, "[3] where [2] was expected"), "%s", why);
    why[0] = 0;
    cr_expect_not(rzb_llama_ppl_parse("1.50 minutes\n", llama_err, &o, why, sizeof why));
    cr_expect(strstr(why, "no [1]"), "%s", why);
}

Test(llama_perplexity_tool, reads_rz_perplexity_json) {
    rzb_ppl_output o;
    char why[512] = "";
    cr_assert(rzb_rz_ppl_parse(rz_json, &o, why, sizeof why), "%s", why);
    cr_expect_eq(o.n_ctx, 512);
    cr_expect_eq(o.n_chunks, 4);
    cr_expect_eq(o.n_running, 4);
    cr_expect_float_eq(o.running[1], 21.444937, 1e-9);
    cr_expect_float_eq(o.ppl, 22.199535, 1e-9);
    cr_expect_float_eq(o.ppl_err, 2.227620, 1e-9);
    cr_expect_float_eq(o.eval_seconds, 16.1, 1e-9);
    cr_expect(isnan(o.seconds_per_pass));
    why[0] = 0;
    cr_expect_not(rzb_rz_ppl_parse("{\"n_ctx\": 512, \"chunks\": []}", &o, why, sizeof why));
    cr_expect(strstr(why, "final.ppl/error/seconds"), "%s", why);
    cr_expect_not(rzb_rz_ppl_parse("rz perplexity: no such file", &o, why, sizeof why));
}

Test(llama_perplexity_tool, the_same_work_agrees_within_the_tolerance) {
    rzb_ppl_output rz, ll, other;
    char why[512] = "";
    cr_assert(rzb_rz_ppl_parse(rz_json, &rz, why, sizeof why));
    cr_assert(rzb_llama_ppl_parse(llama_out, llama_err, &ll, why, sizeof why));
    cr_expect(rzb_ppl_same_work(&rz, &ll, 0.01, why, sizeof why), "%s", why);
    cr_expect_not(rzb_ppl_same_work(&rz, &ll, 0.001, why, sizeof why));
    cr_expect(strstr(why, "after chunk 1"), "%s", why);
    other = ll;
    other.ppl *= 1.02;
    cr_expect_not(rzb_ppl_same_work(&rz, &other, 0.01, why, sizeof why));
    cr_expect(strstr(why, "final PPL"), "%s", why);
    other = ll;
    other.n_chunks = other.n_running = 3;
    cr_expect_not(rzb_ppl_same_work(&rz, &other, 0.01, why, sizeof why));
    cr_expect(strstr(why, "4 vs 3 chunks"), "%s", why);
}

Test(llama_perplexity_tool, a_process_is_timed_and_its_output_kept) {
    char *argv[] = {"/bin/sh", "-c", "echo out; echo err >&2; sleep 0.05", NULL}, why[256] = "";
    rzb_ppl_process p;
    cr_assert(rzb_ppl_process_run(argv, &p, why, sizeof why), "%s", why);
    cr_expect_str_eq(p.out, "out\n");
    cr_expect_str_eq(p.err, "err");
    cr_expect(p.seconds >= 0.05 && p.seconds < 5, "%g s", p.seconds);
    cr_expect(p.cpus[0] && strcmp(p.cpus, "?"), "%s", p.cpus);
    rzb_ppl_process_free(&p);
    cr_expect_null(p.out);
}

Test(llama_perplexity_tool, a_failing_or_killed_process_says_how_it_ended) {
    char *fails[] = {"/bin/sh", "-c", "echo one >&2; echo 'no such model' >&2; exit 3", NULL};
    char *killed[] = {"/bin/sh", "-c", "kill -ILL $$", NULL};
    char *missing[] = {"/nonexistent/llama-perplexity", NULL};
    char why[1024] = "";
    rzb_ppl_process p;
    cr_expect_not(rzb_ppl_process_run(fails, &p, why, sizeof why));
    cr_expect_str_eq(why, "sh exited with status 3: no such model");
    rzb_ppl_process_free(&p);
    cr_expect_not(rzb_ppl_process_run(killed, &p, why, sizeof why));
    cr_expect(strstr(why, "sh died with SIGILL"), "%s", why);
    rzb_ppl_process_free(&p);
    cr_expect_not(rzb_ppl_process_run(missing, &p, why, sizeof why));
    cr_expect(strstr(why, "cannot start"), "%s", why);
    rzb_ppl_process_free(&p);
}
