#include "engine/models/logreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "engine/core/le.h"
#include "engine/core/lines.h"

/* The payload's fixed-width fields around the weight vector. */
enum { TAG_SIZE = 1, COUNT_SIZE = 8, TRAILER_SIZE = 4 + 4 + 8 + 4 };

rz_status rz_logreg_from_apr(const rz_apr_file *apr, const char *source, rz_logreg *out,
                             rz_error *err) {
    memset(out, 0, sizeof *out);
    size_t base = RZ_APR_HEADER_SIZE + apr->metadata_size; /* file offset of the payload */
    const uint8_t *p = apr->payload;
    size_t len = apr->payload_size;
    if (apr->model_type != RZ_APR_LOGISTIC_REGRESSION)
        return rz_fail(
            err, RZ_EUNSUPPORTED,
            "%s: offset 6: model type: expected 0x0002 (LogisticRegression), got 0x%04x (%s)",
            source, apr->model_type, rz_apr_model_type_name(apr->model_type));
    if (len < TAG_SIZE)
        return rz_fail(err, RZ_EFORMAT, "%s: offset %zu: weights option tag: payload is empty",
                       source, base);
    if (p[0] != 1)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset %zu: weights option tag: expected 1 (Some, a fitted model), got %u", source,
            base, p[0]);
    if (len < TAG_SIZE + COUNT_SIZE)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: offset %zu: weight count: truncated: expected 8 bytes, payload has %zu",
                       source, base + TAG_SIZE, len - TAG_SIZE);
    uint64_t n = rz_le64(p + TAG_SIZE);
    size_t room = len - TAG_SIZE - COUNT_SIZE;
    if (room < TRAILER_SIZE || (room - TRAILER_SIZE) % 4 != 0 || n != (room - TRAILER_SIZE) / 4)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset %zu: weight count: expected (%zu payload bytes after the count - %d) / 4 = %zu whole f32 weights, got %llu",
            source, base + TAG_SIZE, room, TRAILER_SIZE,
            room < TRAILER_SIZE ? (size_t)0 : (room - TRAILER_SIZE) / 4, (unsigned long long)n);
    if (n == 0)
        return rz_fail(err, RZ_EFORMAT, "%s: offset %zu: weight count: expected at least 1, got 0",
                       source, base + TAG_SIZE);

    size_t bytes = ((size_t)n * sizeof(float) + 63) & ~(size_t)63;
    float *w = rz_alloc_lines(bytes);
    if (!w) return rz_fail(err, RZ_ENOMEM, "%s: cannot allocate %zu weights", source, (size_t)n);
    memset(w, 0, bytes);
    const uint8_t *q = p + TAG_SIZE + COUNT_SIZE;
    for (size_t i = 0; i < n; i++)
        w[i] = rz_le_f32(q + 4 * i);
    q += 4 * n;
    out->n_features = (size_t)n;
    out->weights = w;
    out->intercept = rz_le_f32(q);
    out->learning_rate = rz_le_f32(q + 4);
    out->max_iter = rz_le64(q + 8);
    out->tol = rz_le_f32(q + 16);
    if (!isfinite(out->intercept)) {
        rz_logreg_free(out);
        return rz_fail(err, RZ_EFORMAT, "%s: offset %zu: intercept: expected a finite float",
                       source, base + TAG_SIZE + COUNT_SIZE + 4 * (size_t)n);
    }
    return RZ_OK;
}

rz_status rz_logreg_load(const char *path, rz_logreg *out, rz_error *err) {
    unsigned char *buf;
    size_t len;
    rz_status st = rz_file_read_all(path, &buf, &len, err);
    if (st) return st;
    rz_apr_file apr;
    st = rz_apr_parse(buf, len, path, &apr, err);
    if (!st) st = rz_logreg_from_apr(&apr, path, out, err);
    free(buf);
    return st;
}

void rz_logreg_free(rz_logreg *m) {
    free(m->weights);
    m->weights = NULL;
    m->n_features = 0;
}

float rz_logreg_predict_with(const rz_logreg *m, const rz_backend *be, const float *x) {
    float z = be->dot_f32(m->weights, x, m->n_features) + m->intercept;
    return 1.0f / (1.0f + expf(-z));
}

float rz_logreg_predict(const rz_logreg *m, const float *x) {
    return rz_logreg_predict_with(m, rz_backend_active(), x);
}

void rz_logreg_demo_input(float *x, size_t n) {
    for (size_t j = 0; j < n; j++)
        x[j] = (float)(j % 256) / 255.0f;
}
