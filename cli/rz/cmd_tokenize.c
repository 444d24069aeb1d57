/* rz tokenize MODEL.gguf (--text-file F | --text S) [--no-bos] [--parse-special] [--lines]
 *             [--stats] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/error_report.h"
#include "cli/rz/commands.h"
#include "engine/core/clock.h"
#include "engine/core/file.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"

static const char help[] =
    "usage: rz tokenize MODEL.gguf (--text-file F | --text S) [--no-bos] [--parse-special]\n"
    "                   [--lines] [--stats]\n\n"
    "Tokenizes text with the vocabulary in the GGUF file's metadata, as llama.cpp does, and\n"
    "prints the token ids separated by spaces.\n\n"
    "  --text-file F    the text: the file's bytes, unchanged (- for standard input)\n"
    "  --text S         the text given on the command line\n"
    "  --no-bos         add no BOS/EOS even when the vocabulary asks for them\n"
    "  --parse-special  control tokens written in the text (e.g. <|im_end|>) become their ids\n"
    "  --lines          tokenize each line (without its \\n) on its own; one output line each\n"
    "  --stats          print the token count and the time taken to stderr\n";

int rz_cmd_tokenize(int argc, char **argv) {
    const char *model = NULL, *file = NULL, *text = NULL;
    unsigned flags = RZ_TOK_ADD_SPECIAL;
    int stats = 0, lines = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--no-bos")) {
            flags &= ~(unsigned)RZ_TOK_ADD_SPECIAL;
        } else if (!strcmp(a, "--parse-special")) {
            flags |= RZ_TOK_PARSE_SPECIAL;
        } else if (!strcmp(a, "--lines")) {
            lines = 1;
        } else if (!strcmp(a, "--stats")) {
            stats = 1;
        } else if (!strcmp(a, "--text-file") && i + 1 < argc) {
            file = argv[++i];
        } else if (!strcmp(a, "--text") && i + 1 < argc) {
            text = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "rz tokenize: unknown or incomplete option '%s'\n\n%s", a, help);
            return 2;
        } else if (!model) {
            model = a;
        } else {
            fprintf(stderr, "rz tokenize: unexpected argument '%s'\n\n%s", a, help);
            return 2;
        }
    }
    if (!model || !file == !text) {
        fprintf(stderr, "rz tokenize: expected MODEL.gguf and one of --text-file or --text\n\n%s",
                help);
        return 2;
    }
    rz_error err;
    unsigned char *buf = NULL;
    size_t len = text ? strlen(text) : 0;
    if (file && rz_file_read_input(file, &buf, &len, &err)) {
        rz_cli_error("rz tokenize", &err);
        return 1;
    }
    rz_tok_vocab v;
    if (rz_tok_vocab_load(model, &v, &err)) {
        rz_cli_error("rz tokenize", &err);
        free(buf);
        return 1;
    }
    const char *all = text ? text : (const char *)buf;
    size_t n_tokens = 0;
    double dt = 0;
    rz_status st = RZ_OK;
    for (size_t at = 0; !st && (at < len || (!lines && at == 0));) {
        const char *nl = lines ? memchr(all + at, '\n', len - at) : NULL;
        size_t end = nl ? (size_t)(nl - all) : len;
        rz_tok_ids ids = {0};
        double t0 = rz_now_s();
        st = rz_tok_tokenize(&v, all + at, end - at, flags, &ids, &err);
        dt += rz_now_s() - t0;
        if (st) rz_cli_error("rz tokenize", &err);
        for (size_t i = 0; !st && i < ids.n; i++)
            printf(i ? " %d" : "%d", ids.ids[i]);
        if (!st) putchar('\n');
        n_tokens += ids.n;
        rz_tok_ids_free(&ids);
        at = end + 1;
    }
    if (!st && stats)
        fprintf(stderr, "%zu tokens from %zu bytes in %.3f ms (%.1f MB/s)\n", n_tokens, len,
                dt * 1e3, dt > 0 ? len / dt / 1e6 : 0.0);
    rz_tok_vocab_free(&v);
    free(buf);
    return st ? 1 : 0;
}
