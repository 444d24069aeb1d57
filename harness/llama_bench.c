#include "harness/llama_bench.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/subprocess.h"

enum { OUT_CAP = 1 << 16, N_ARGS = 16 };

/* The numbers of a run as argv strings, and argv itself. */
typedef struct {
    char p[16], n[16], d[16], t[16], r[16];
    char *argv[N_ARGS];
} run_argv;

static void build_argv(const rzb_llama_bench_args *a, run_argv *v) {
    snprintf(v->p, sizeof v->p, "%d", a->n_prompt);
    snprintf(v->n, sizeof v->n, "%d", a->n_gen);
    snprintf(v->d, sizeof v->d, "%d", a->n_depth);
    snprintf(v->t, sizeof v->t, "%d", a->threads);
    snprintf(v->r, sizeof v->r, "%d", a->reps);
    char *const argv[N_ARGS] = {(char *)a->bin,
                                "-m",
                                (char *)a->model,
                                "-p",
                                v->p,
                                "-n",
                                v->n,
                                "-d",
                                v->d,
                                "-t",
                                v->t,
                                "-r",
                                v->r,
                                "-o",
                                "json",
                                NULL};
    memcpy(v->argv, argv, sizeof argv);
}

const char *rzb_llama_bench_command(const rzb_llama_bench_args *a, char *buf, size_t cap) {
    run_argv v;
    build_argv(a, &v);
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; v.argv[i] && used < cap; i++) {
        int n = snprintf(buf + used, cap - used, "%s%s", i ? " " : "", v.argv[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    return buf;
}

static void copy_string(const cJSON *test, const char *key, char *out, size_t cap) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(test, key));
    snprintf(out, cap, "%s", s ? s : "");
}

static bool get_int(const cJSON *test, const char *key, int *out, char *why, size_t cap) {
    const cJSON *item = cJSON_GetObjectItem(test, key);
    if (!cJSON_IsNumber(item)) {
        snprintf(why, cap, "llama-bench JSON: no number \"%s\"", key);
        return false;
    }
    *out = item->valueint;
    return true;
}

static bool get_samples(const cJSON *test, rzb_llama_bench_test *t, char *why, size_t cap) {
    const cJSON *samples = cJSON_GetObjectItem(test, "samples_ns");
    const int n = cJSON_GetArraySize(samples);
    if (!cJSON_IsArray(samples) || n < 1 || n > RZB_LLAMA_BENCH_MAX_SAMPLES) {
        snprintf(why, cap, "llama-bench JSON: \"samples_ns\" is not an array of 1 to %d numbers",
                 RZB_LLAMA_BENCH_MAX_SAMPLES);
        return false;
    }
    const int tokens = t->n_prompt + t->n_gen;
    t->n = 0;
    for (const cJSON *s = samples->child; s; s = s->next) {
        if (!cJSON_IsNumber(s) || !(s->valuedouble > 0)) {
            snprintf(why, cap,
                     "llama-bench JSON: sample %zu of \"samples_ns\" is not a positive number",
                     t->n);
            return false;
        }
        t->sample_ms[t->n] = s->valuedouble / 1e6;
        t->token_ms[t->n++] = s->valuedouble / 1e6 / tokens;
    }
    return true;
}

static bool parse_test(const cJSON *test, rzb_llama_bench_test *t, char *why, size_t cap) {
    if (!get_int(test, "n_prompt", &t->n_prompt, why, cap) ||
        !get_int(test, "n_gen", &t->n_gen, why, cap) ||
        !get_int(test, "n_depth", &t->n_depth, why, cap) ||
        !get_int(test, "n_threads", &t->n_threads, why, cap))
        return false;
    if (t->n_prompt < 0 || t->n_gen < 0 || t->n_prompt + t->n_gen < 1) {
        snprintf(why, cap, "llama-bench JSON: a test of %d prompt and %d generated tokens",
                 t->n_prompt, t->n_gen);
        return false;
    }
    copy_string(test, "build_commit", t->build_commit, sizeof t->build_commit);
    copy_string(test, "cpu_info", t->cpu_info, sizeof t->cpu_info);
    copy_string(test, "gpu_info", t->gpu_info, sizeof t->gpu_info);
    copy_string(test, "backends", t->backends, sizeof t->backends);
    copy_string(test, "model_type", t->model_type, sizeof t->model_type);
    return get_samples(test, t, why, cap);
}

bool rzb_llama_bench_parse(const char *json, rzb_llama_bench_test *t, char *why, size_t cap) {
    memset(t, 0, sizeof *t);
    t->peak_rss_kib = -1;
    cJSON *root = cJSON_Parse(json);
    bool ok = false;
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        snprintf(why, cap, "llama-bench JSON: not valid JSON near \"%.40s\"", at ? at : "");
    } else if (!cJSON_IsArray(root) || cJSON_GetArraySize(root) != 1 ||
               !cJSON_IsObject(root->child)) {
        snprintf(why, cap, "llama-bench JSON: not an array of exactly one test");
    } else {
        ok = parse_test(root->child, t, why, cap);
    }
    cJSON_Delete(root);
    return ok;
}

/* The last line of text (rzb_child_finish strips trailing newlines). */
static const char *last_line(const char *text) {
    const char *nl = strrchr(text, '\n');
    return nl ? nl + 1 : text;
}

/* Why a finished run failed, from its status and stderr; false when it did not fail. */
static bool failure(int status, const char *err_tail, char *why, size_t cap) {
    char reason[512];
    if (status > 128)
        snprintf(why, cap, "llama-bench %s", rzb_signal_reason(status, reason, sizeof reason));
    else if (status != 0)
        snprintf(why, cap, "llama-bench exited with status %d: %s", status, last_line(err_tail));
    return status != 0;
}

bool rzb_llama_bench_run(const rzb_llama_bench_args *a, rzb_llama_bench_test *t, char *why,
                         size_t cap) {
    run_argv v;
    build_argv(a, &v);
    rzb_child c;
    if (!rzb_child_start_rss(v.argv, NULL, &c, why, cap)) return false;
    char cpus[sizeof c.cpus], err_tail[512];
    snprintf(cpus, sizeof cpus, "%s", c.cpus);
    char *out = rzb_child_read_all(&c);
    bool ok = !failure(rzb_child_finish(&c, err_tail, sizeof err_tail), err_tail, why, cap);
    if (ok && (!out || strlen(out) >= OUT_CAP)) {
        snprintf(why, cap, "llama-bench printed more than %d bytes of JSON", OUT_CAP - 1);
        ok = false;
    }
    ok = ok && rzb_llama_bench_parse(out, t, why, cap);
    free(out);
    if (ok) snprintf(t->cpus, sizeof t->cpus, "%s", cpus);
    if (ok) t->peak_rss_kib = c.peak_rss_kib;
    return ok;
}
