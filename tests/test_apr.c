/* APR v1 reader: the real realizar file, and every malformed variant named by its field. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "engine/formats/apr.h"
#include "engine/models/logreg.h"
#include "tests/support/support.h"

static void expect_reject(const uint8_t *buf, size_t len, const char *needle) {
    rz_apr_file f;
    rz_error err = {{0}};
    rz_status st = rz_apr_parse(buf, len, "t.apr", &f, &err);
    cr_expect_neq(st, RZ_OK, "expected rejection containing '%s'", needle);
    cr_expect(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
    cr_expect(strstr(err.msg, "t.apr: offset ") == err.msg, "message '%s' lacks file and offset",
              err.msg);
}

Test(apr, real_file_parses) {
    const char *path = rzt_shared("models/mnist_784x2.apr");
    if (!path) cr_skip_test("../shared/models/mnist_784x2.apr absent");
    unsigned char *buf;
    size_t len;
    rz_error err;
    cr_assert_eq(rz_file_read_all(path, &buf, &len, &err), RZ_OK, "%s", err.msg);
    rz_apr_file f;
    cr_assert_eq(rz_apr_parse(buf, len, path, &f, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(len, 3248);
    cr_expect_eq(f.model_type, RZ_APR_LOGISTIC_REGRESSION);
    cr_expect_eq(f.metadata_size, 47);
    cr_expect_eq(f.payload_size, 3165);
    cr_expect_eq(f.metadata[0] & 0xf0, 0x80, "metadata is a MessagePack fixmap");
    free(buf);
}

Test(apr, synthetic_image_round_trips) {
    size_t len;
    uint8_t *buf = rzt_apr_image(5, 0.25f, &len);
    rz_apr_file f;
    rz_error err;
    cr_assert_eq(rz_apr_parse(buf, len, "t.apr", &f, &err), RZ_OK, "%s", err.msg);
    rz_logreg m;
    cr_assert_eq(rz_logreg_from_apr(&f, "t.apr", &m, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(m.n_features, 5);
    cr_expect_float_eq(m.weights[0], -0.3f, 1e-7);
    cr_expect_float_eq(m.intercept, 0.25f, 1e-7);
    cr_expect_eq(m.max_iter, 100);
    rz_logreg_free(&m);
    free(buf);
}

Test(apr, bad_magic) {
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    buf[0] = 'X';
    expect_reject(buf, len, "offset 0: magic: expected \"APRN\"");
    free(buf);
}

Test(apr, bad_version) {
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    buf[4] = 2;
    expect_reject(buf, len, "offset 4: version: expected 1.x, got 2.0");
    free(buf);
}

Test(apr, bad_crc) {
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    buf[40] ^= 0x10;
    expect_reject(buf, len, "crc32: expected 0x");
    free(buf);
}

Test(apr, compression_unsupported) {
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    buf[20] = 1;
    rzt_apr_fix_crc(buf, len);
    expect_reject(buf, len, "offset 20: compression: expected 0");
    free(buf);
}

Test(apr, uncompressed_size_mismatch) {
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    buf[16] += 1;
    rzt_apr_fix_crc(buf, len);
    expect_reject(buf, len, "offset 16: uncompressed size");
    free(buf);
}

Test(apr, sizes_beyond_the_file) {
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    buf[11] = 0x7f; /* metadata size near 2^31 */
    expect_reject(buf, len, "offset 8: metadata size");
    expect_reject(buf, len, "beyond the file");
    free(buf);
    buf = rzt_apr_image(4, 0, &len);
    buf[15] = buf[19] = 0xff; /* payload size near 2^32, uncompressed size to match */
    expect_reject(buf, len, "beyond the file");
    free(buf);
}

Test(apr, trailing_bytes) {
    size_t len;
    uint8_t *img = rzt_apr_image(4, 0, &len);
    uint8_t *buf = calloc(1, len + 3);
    memcpy(buf, img, len);
    expect_reject(buf, len + 3, "trailing data");
    free(img);
    free(buf);
}

/* Truncation inside every header field names that field. */
Test(apr, truncation_inside_each_field) {
    static const struct {
        size_t cut;
        const char *field;
    } cases[] = {
        {0, "offset 0: magic: truncated"},
        {3, "offset 0: magic: truncated"},
        {5, "offset 4: version: truncated"},
        {7, "offset 6: model type: truncated"},
        {10, "offset 8: metadata size: truncated"},
        {13, "offset 12: payload size: truncated"},
        {18, "offset 16: uncompressed size: truncated"},
        {25, "offset 20: compression/flags/reserved: truncated"},
        {32, "beyond the file"},
        {50, "beyond the file"},
    };
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_reject(buf, cases[i].cut, cases[i].field);
    expect_reject(buf, len - 1, "beyond the file");
    free(buf);
}

/* Payload fields: the reader names the option tag and weight count with their file offsets. */
Test(apr, payload_fields) {
    size_t len;
    uint8_t *buf = rzt_apr_image(4, 0, &len);
    size_t payload = 32 + 5;
    rz_apr_file f;
    rz_logreg m;
    rz_error err;

    buf[payload] = 0; /* None: an unfitted model */
    rzt_apr_fix_crc(buf, len);
    cr_assert_eq(rz_apr_parse(buf, len, "t.apr", &f, &err), RZ_OK);
    cr_expect_neq(rz_logreg_from_apr(&f, "t.apr", &m, &err), RZ_OK);
    cr_expect(strstr(err.msg, "offset 37: weights option tag: expected 1") != NULL, "%s", err.msg);

    buf[payload] = 1;
    buf[payload + 1] = 5; /* count says 5, payload holds 4 */
    rzt_apr_fix_crc(buf, len);
    cr_assert_eq(rz_apr_parse(buf, len, "t.apr", &f, &err), RZ_OK);
    cr_expect_neq(rz_logreg_from_apr(&f, "t.apr", &m, &err), RZ_OK);
    cr_expect(strstr(err.msg, "offset 38: weight count: expected") != NULL, "%s", err.msg);
    cr_expect(strstr(err.msg, "got 5") != NULL, "%s", err.msg);

    memset(buf + payload + 1, 0xff, 8); /* count 2^64-1 */
    rzt_apr_fix_crc(buf, len);
    cr_assert_eq(rz_apr_parse(buf, len, "t.apr", &f, &err), RZ_OK);
    cr_expect_neq(rz_logreg_from_apr(&f, "t.apr", &m, &err), RZ_OK);
    cr_expect(strstr(err.msg, "got 18446744073709551615") != NULL, "%s", err.msg);

    buf[6] = 0x01; /* LinearRegression */
    rzt_apr_fix_crc(buf, len);
    cr_assert_eq(rz_apr_parse(buf, len, "t.apr", &f, &err), RZ_OK);
    cr_expect_neq(rz_logreg_from_apr(&f, "t.apr", &m, &err), RZ_OK);
    cr_expect(strstr(err.msg, "offset 6: model type: expected 0x0002") != NULL, "%s", err.msg);
    free(buf);
}

/* Every prefix of a valid image is rejected, never read past (ASan checks the reads). */
Test(apr, every_prefix_rejected) {
    size_t len;
    uint8_t *img = rzt_apr_image(9, 0.5f, &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *buf = malloc(cut ? cut : 1);
        memcpy(buf, img, cut);
        rz_apr_file f;
        rz_error err;
        cr_expect_neq(rz_apr_parse(buf, cut, "t.apr", &f, &err), RZ_OK, "prefix %zu", cut);
        free(buf);
    }
    free(img);
}

Test(apr, missing_file_is_io_error) {
    rz_logreg m;
    rz_error err;
    cr_expect_eq(rz_logreg_load("/nonexistent/x.apr", &m, &err), RZ_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/x.apr: cannot open") != NULL, "%s", err.msg);
}
