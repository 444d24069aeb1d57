/* rz detokenize MODEL.gguf IDS... [--no-special] [--remove-special] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/error_report.h"
#include "cli/rz/commands.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"

static const char help[] =
    "usage: rz detokenize MODEL.gguf IDS... [--no-special] [--remove-special]\n\n"
    "Writes the text that token ids stand for, with the vocabulary in the GGUF file's metadata,\n"
    "as llama.cpp does. IDS may be separate arguments or one argument of ids separated by\n"
    "spaces or commas (the output of rz tokenize).\n\n"
    "  --no-special      control tokens (BOS, <|im_end|>, ...) give no text\n"
    "  --remove-special  drop the BOS/EOS the vocabulary adds\n";

/* Appends the ids in s (separated by spaces or commas) to ids; -1 on a bad number. */
static int parse_ids(const char *s, rz_tok_ids *ids) {
    rz_error err;
    for (const char *p = s;;) {
        while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n')
            p++;
        if (!*p) return 0;
        char *end;
        errno = 0;
        long id = strtol(p, &end, 10);
        if (end == p || errno || id < INT32_MIN || id > INT32_MAX) {
            fprintf(stderr, "rz detokenize: expected a token id, got '%.16s'\n", p);
            return -1;
        }
        if (rz_tok_ids_push(ids, (int32_t)id, &err)) return -1;
        p = end;
    }
}

int rz_cmd_detokenize(int argc, char **argv) {
    const char *model = NULL;
    unsigned flags = RZ_TOK_UNPARSE_SPECIAL;
    rz_tok_ids ids = {0};
    int rc = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            rz_tok_ids_free(&ids);
            return 0;
        } else if (!strcmp(a, "--no-special")) {
            flags &= ~(unsigned)RZ_TOK_UNPARSE_SPECIAL;
        } else if (!strcmp(a, "--remove-special")) {
            flags |= RZ_TOK_REMOVE_SPECIAL;
        } else if (a[0] == '-' && (a[1] < '0' || a[1] > '9')) {
            fprintf(stderr, "rz detokenize: unknown option '%s'\n\n%s", a, help);
            goto done;
        } else if (!model) {
            model = a;
        } else if (parse_ids(a, &ids)) {
            goto done;
        }
    }
    if (!model) {
        fprintf(stderr, "rz detokenize: expected MODEL.gguf and token ids\n\n%s", help);
        goto done;
    }
    rz_error err;
    rz_tok_vocab v;
    rc = 1;
    if (rz_tok_vocab_load(model, &v, &err)) {
        rz_cli_error("rz detokenize", &err);
        goto done;
    }
    rz_tok_bytes text = {0};
    if (rz_tok_detokenize(&v, ids.ids, ids.n, flags, &text, &err)) {
        rz_cli_error("rz detokenize", &err);
    } else {
        fwrite(text.data, 1, text.len, stdout);
        putchar('\n');
        rc = 0;
    }
    rz_tok_bytes_free(&text);
    rz_tok_vocab_free(&v);
done:
    rz_tok_ids_free(&ids);
    return rc;
}
