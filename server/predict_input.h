/* The fast path of POST /v1/predict: a body of exactly the form {"input": [n numbers]} (any JSON
 * whitespace) parsed without building a JSON tree. Numbers are converted exactly as strtod does
 * (then rounded to float) when they have at most 19 significant digits and a decimal exponent
 * within 22; anything else is left to the general parser. */
#ifndef RZ_SERVER_PREDICT_INPUT_H
#define RZ_SERVER_PREDICT_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/* True and x[0..n) filled only for a well-formed body of that shape with exactly n finite
 * numbers; false otherwise (nothing is reported: the general parser, which the caller runs next,
 * names the problem). */
bool rz_srv_predict_fast(const char *body, size_t len, float *x, size_t n);

#endif
