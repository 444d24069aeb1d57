/* `rz` command line: predict on the real model, bad input files, usage errors, exit codes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/support.h"
#include "tests/support/temp.h"

static char out[65536], err[65536];

static int rz(const char *a1, const char *a2, const char *a3, const char *a4) {
    char *argv[] = {(char *)rzt_bin("rz"), (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

Test(cli_rz, help_everywhere) {
    cr_expect_eq(rz("--help", NULL, NULL, NULL), 0);
    cr_expect(strstr(out, "predict") != NULL);
    cr_expect_eq(rz("predict", "--help", NULL, NULL), 0);
    cr_expect(strstr(out, "usage: rz predict") != NULL);
}

Test(cli_rz, usage_errors_exit_2) {
    cr_expect_eq(rz(NULL, NULL, NULL, NULL), 2);
    cr_expect_eq(rz("frobnicate", NULL, NULL, NULL), 2);
    cr_expect(strstr(err, "unknown command 'frobnicate'") != NULL, "%s", err);
    cr_expect_eq(rz("predict", "m.apr", NULL, NULL), 2, "needs --input or --demo");
    cr_expect_eq(rz("predict", "m.apr", "--bogus", NULL), 2);
    cr_expect_eq(rz("predict", "m.apr", "--demo", "--format"), 2);
}

Test(cli_rz, predict_demo_on_real_model) {
    const char *model = rzt_shared("models/mnist_784x2.apr");
    if (!model) cr_skip_test("../shared/models/mnist_784x2.apr absent");
    cr_expect_eq(rz("predict", model, "--demo", NULL), 0, "%s", err);
    cr_expect_str_eq(out, "probability 0.897106\nclass 1\n");
}

Test(cli_rz, predict_input_file_and_its_errors) {
    size_t len;
    uint8_t *img = rzt_apr_image(3, 0.0f, &len);
    char model[256];
    snprintf(model, sizeof model, "%s", rzt_write_temp(img, len, ".apr"));
    free(img);
    /* weights -0.3 -0.2 -0.1: x = (1, 1, 1) gives z = -0.6 */
    char input[256];
    snprintf(input, sizeof input, "%s", rzt_write_temp("1, 1\n1\n", 7, ".txt"));
    cr_expect_eq(rz("predict", model, "--input", input), 0, "%s", err);
    cr_expect_str_eq(out, "probability 0.354344\nclass 0\n");

    snprintf(input, sizeof input, "%s", rzt_write_temp("1 2", 3, ".txt"));
    cr_expect_eq(rz("predict", model, "--input", input), 1);
    cr_expect(strstr(err, "expected 3 numbers (one per feature), got 2") != NULL, "%s", err);

    snprintf(input, sizeof input, "%s", rzt_write_temp("1 2 x3", 6, ".txt"));
    cr_expect_eq(rz("predict", model, "--input", input), 1);
    cr_expect(strstr(err, "offset 4: expected a number, got 'x3'") != NULL, "%s", err);

    snprintf(input, sizeof input, "%s", rzt_write_temp("1 2 3 4", 7, ".txt"));
    cr_expect_eq(rz("predict", model, "--input", input), 1);
    cr_expect(strstr(err, "offset 6: expected 3 numbers, found more") != NULL, "%s", err);
    unlink(model);
}

Test(cli_rz, malformed_model_is_rejected_with_offset) {
    size_t len;
    uint8_t *img = rzt_apr_image(3, 0.0f, &len);
    img[len - 1] ^= 0xff;
    const char *model = rzt_write_temp(img, len, ".apr");
    free(img);
    cr_expect_eq(rz("predict", model, "--demo", NULL), 1);
    cr_expect(strstr(err, "crc32: expected 0x") != NULL, "%s", err);
    cr_expect_eq(rz("predict", "/nonexistent.apr", "--demo", NULL), 1);
    cr_expect(strstr(err, "/nonexistent.apr: cannot open") != NULL, "%s", err);
}
