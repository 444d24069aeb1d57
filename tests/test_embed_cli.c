/* `rz embed` on a tiny random-weight BERT folder: one line of dim numbers per input line (empty
 * lines included), unit length, the JSON form, and usage and load errors with their exit codes. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/support.h"
#include "tests/support/tiny_bert.h"
#include "tests/support/temp.h"

static char out[1 << 16], errbuf[1 << 14];

static int embed(const char *model, const char *text, const char *opt1, const char *opt2) {
    const char *file = rzt_write_temp(text, strlen(text), ".txt");
    char path[256];
    snprintf(path, sizeof path, "%s", file);
    char *argv[] = {(char *)rzt_bin("rz"), "embed",      (char *)model, "--text-file", path,
                    (char *)opt1,          (char *)opt2, NULL};
    int rc = rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf);
    remove(path);
    return rc;
}

static const char *tiny(char *copy) {
    const char *dir = rzt_tiny_bert(&(rzt_bert_options){.seed = 31});
    cr_assert(dir);
    snprintf(copy, 64, "%s", dir);
    return copy;
}

Test(embed_cli, one_line_per_input_line) {
    char dir[64];
    cr_assert_eq(embed(tiny(dir), "The cat sat.\n\nrunning dogs\r\n", "-t", "2"), 0, "%s", errbuf);
    int lines = 0;
    for (char *line = out, *nl; (nl = strchr(line, '\n')); line = nl + 1, lines++) {
        double norm = 0;
        int n = 0;
        for (char *p = line, *end; p < nl; p = end, n++) {
            double v = strtod(p, &end);
            cr_assert(end != p, "line %d: not a number at '%.20s'", lines, p);
            norm += v * v;
        }
        cr_expect_eq(n, RZT_BERT_DIM, "line %d: %d numbers", lines, n);
        cr_expect(fabs(norm - 1) < 1e-6, "line %d: norm^2 %.9f", lines, norm);
    }
    cr_expect_eq(lines, 3);
    rzt_tiny_bert_remove(dir);
}

Test(embed_cli, json_format) {
    char dir[64];
    cr_assert_eq(embed(tiny(dir), "a dog\nthe mat", "--format", "json"), 0, "%s", errbuf);
    char *second = strchr(out, '\n') + 1;
    cJSON *a = cJSON_Parse(out), *b = cJSON_Parse(second);
    cr_assert(a && b, "%s", out);
    cr_expect_eq(cJSON_GetObjectItem(b, "index")->valueint, 1);
    cr_expect_eq(cJSON_GetObjectItem(a, "tokens")->valueint, 4); /* [CLS] a dog [SEP] */
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(b, "embedding")), RZT_BERT_DIM);
    cJSON_Delete(a);
    cJSON_Delete(b);
    rzt_tiny_bert_remove(dir);
}

Test(embed_cli, usage_and_load_errors) {
    char *help[] = {(char *)rzt_bin("rz"), "embed", "--help", NULL};
    cr_expect_eq(rzt_run(help, out, sizeof out, errbuf, sizeof errbuf), 0);
    cr_expect(strstr(out, "usage: rz embed MODEL --text-file F"));
    char dir[64];
    tiny(dir);
    cr_expect_eq(embed(dir, "a", "--format", "xml"), 2);
    cr_expect(strstr(errbuf, "--format: expected text or json"), "%s", errbuf);
    cr_expect_eq(embed(dir, "a", "-t", "0"), 2);
    cr_expect_eq(embed(dir, "a", "--bogus", NULL), 2);
    cr_assert_eq(rzt_bert_put(dir, "vocab.txt", NULL), 0);
    cr_expect_eq(embed(dir, "a", NULL, NULL), 1);
    cr_expect(strstr(errbuf, "expected vocab.txt or tokenizer.json"), "%s", errbuf);
    rzt_tiny_bert_remove(dir);
    cr_expect_eq(embed("/nonexistent/model", "a", NULL, NULL), 1);
    cr_expect(strstr(errbuf, "/nonexistent/model"), "%s", errbuf);
}
