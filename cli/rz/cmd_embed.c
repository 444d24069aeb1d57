/* rz embed MODEL --text-file F [--format text|json] [-t N] [--stats] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/common/error_report.h"
#include "cli/rz/commands.h"
#include "engine/core/clock.h"
#include "engine/core/file.h"
#include "engine/core/pool_pin.h"
#include "engine/models/bert_forward.h"

static const char help[] =
    "usage: rz embed MODEL --text-file F [--format text|json] [-t N] [--stats]\n\n"
    "Sentence embeddings with a BERT encoder (all-MiniLM-L6-v2 and its family), as\n"
    "sentence-transformers computes them: [CLS] text [SEP], truncated at the model's\n"
    "max_seq_length, mean pooling, L2 normalisation.\n\n"
    "  MODEL            a Hugging Face folder (config.json, model.safetensors, vocab.txt)\n"
    "                   or a BERT GGUF written by llama.cpp's convert_hf_to_gguf.py\n"
    "  --text-file F    one text per line (- for standard input); a trailing \\r is dropped;\n"
    "                   an empty line is embedded as the empty text ([CLS] [SEP]), as\n"
    "                   sentence-transformers does\n"
    "  --format text    one line per input line: the numbers separated by spaces (default)\n"
    "  --format json    one JSON object per input line: {\"index\", \"tokens\", \"embedding\"}\n"
    "  -t, --threads N  threads (default: the physical cores)\n"
    "  --stats          print the line and token counts and the time taken to stderr\n";

typedef struct {
    const char *model, *file;
    int json, stats;
    long threads;
} embed_args;

static int usage_error(const char *what, const char *arg) {
    fprintf(stderr, "rz embed: %s '%s'\n\n%s", what, arg, help);
    return 2;
}

/* 0 on success, 1 for --help, 2 for a usage error (printed). */
static int parse_args(int argc, char **argv, embed_args *a) {
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) return 1;
        if (!strcmp(o, "--stats")) {
            a->stats = 1;
        } else if (!strcmp(o, "--text-file") && val) {
            a->file = argv[++i];
        } else if (!strcmp(o, "--format") && val) {
            if (strcmp(val, "text") && strcmp(val, "json"))
                return usage_error("--format: expected text or json, got", val);
            a->json = !strcmp(argv[++i], "json");
        } else if ((!strcmp(o, "-t") || !strcmp(o, "--threads")) && val) {
            char *end;
            errno = 0;
            a->threads = strtol(argv[++i], &end, 10);
            if (end == val || *end || errno || a->threads < 1 || a->threads > 1024)
                return usage_error("-t: expected an integer in [1, 1024], got", val);
        } else if (o[0] == '-' && o[1]) {
            return usage_error("unknown or incomplete option", o);
        } else if (!a->model) {
            a->model = o;
        } else {
            return usage_error("unexpected argument", o);
        }
    }
    if (!a->model || !a->file) {
        fprintf(stderr, "rz embed: expected MODEL and --text-file F\n\n%s", help);
        return 2;
    }
    return 0;
}

static void print_embedding(const float *e, int dim, int json, size_t index, int n_tokens) {
    if (json) printf("{\"index\":%zu,\"tokens\":%d,\"embedding\":[", index, n_tokens);
    for (int i = 0; i < dim; i++)
        printf(i ? (json ? ",%.9g" : " %.9g") : "%.9g", e[i]);
    fputs(json ? "]}\n" : "\n", stdout);
}

/* Embeds each line of text[0..len) and prints it; the token total goes to *n_tokens. */
static rz_status embed_lines(const rz_bert_model *m, rz_bert_state *s, const char *text, size_t len,
                             int json, size_t *n_lines, size_t *n_tokens, rz_error *err) {
    float *e = malloc((size_t)m->config.dim * sizeof *e);
    if (!e) return rz_fail(err, RZ_ENOMEM, "out of memory");
    rz_status st = RZ_OK;
    for (size_t at = 0; !st && at < len; (*n_lines)++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - at;
        if (n && text[at + n - 1] == '\r') n--;
        int tokens = 0;
        st = rz_bert_embed(m, s, text + at, n, e, &tokens, err);
        if (!st) print_embedding(e, m->config.dim, json, *n_lines, tokens);
        if (st) {
            rz_error inner = *err;
            rz_fail(err, st, "line %zu: %s", *n_lines + 1, inner.msg);
        }
        *n_tokens += (size_t)tokens;
        at = end + 1;
    }
    free(e);
    return st;
}

int rz_cmd_embed(int argc, char **argv) {
    embed_args a = {0};
    int parsed = parse_args(argc, argv, &a);
    if (parsed == 1) fputs(help, stdout);
    if (parsed) return parsed == 1 ? 0 : 2;
    rz_error err;
    unsigned char *buf = NULL;
    size_t len = 0;
    if (rz_file_read_input(a.file, &buf, &len, &err)) {
        rz_cli_error("rz embed", &err);
        return 1;
    }
    double t0 = rz_now_s();
    rz_bert_model m;
    rz_bert_state s;
    size_t n_lines = 0, n_tokens = 0;
    rz_status st = rz_bert_model_open(a.model, &m, &err);
    int threads = a.threads ? (int)a.threads : rz_default_threads();
    if (!st && (st = rz_bert_state_init(&m.config, NULL, threads, &s, &err)))
        rz_bert_model_close(&m);
    double t1 = rz_now_s();
    if (!st) {
        st = embed_lines(&m, &s, (const char *)buf, len, a.json, &n_lines, &n_tokens, &err);
        rz_bert_state_deinit(&s);
        rz_bert_model_close(&m);
    }
    if (st) rz_cli_error("rz embed", &err);
    if (!st && a.stats)
        fprintf(
            stderr,
            "rz embed: %zu lines, %zu tokens, %d thread%s: load %.3f s, embed %.3f s (%.1f tokens/s)\n",
            n_lines, n_tokens, threads, threads == 1 ? "" : "s", t1 - t0, rz_now_s() - t1,
            n_tokens / (rz_now_s() - t1));
    free(buf);
    return st ? 1 : 0;
}
