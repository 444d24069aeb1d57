/* Logistic regression (aprender LogisticRegression, APR model type 0x0002). */
#ifndef RZ_MODELS_LOGREG_H
#define RZ_MODELS_LOGREG_H

#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"
#include "engine/formats/apr.h"

typedef struct {
    size_t n_features;
    float *weights; /* 64-byte aligned copy, n_features floats */
    float intercept;
    float learning_rate;
    uint64_t max_iter;
    float tol;
} rz_logreg;

/* Decodes the payload of an already parsed APR file. */
rz_status rz_logreg_from_apr(const rz_apr_file *apr, const char *source, rz_logreg *out,
                             rz_error *err);

/* Reads and validates an APR file and decodes its bincode payload (1-byte Some tag, u64 n, n x f32
 * weights, f32 intercept, f32 learning rate, u64 max_iter, f32 tol); errors name the file offset
 * of the offending field. */
rz_status rz_logreg_load(const char *path, rz_logreg *out, rz_error *err);

void rz_logreg_free(rz_logreg *m);

/* Probability of class 1 for x[0..n_features), using kernel table `be`. */
float rz_logreg_predict_with(const rz_logreg *m, const rz_backend *be, const float *x);

/* Same, with the active backend: p = sigmoid(w.x + b) through its dot kernel. */
float rz_logreg_predict(const rz_logreg *m, const float *x);

/* The class is p >= 0.5. */
static inline int rz_logreg_class(float p) {
    return p >= 0.5f;
}

/* realizar's P1 input: x[j] = (j % 256) / 255. */
void rz_logreg_demo_input(float *x, size_t n);

#endif
