/* rz_scalar_silu_mul (backends/activations.h): x / (1 + expf(-x)) times up, element by element. */
#include <math.h>

#include "backends/activations.h"

void rz_scalar_silu_mul(float *gate, const float *up, size_t n) {
    for (size_t i = 0; i < n; i++)
        gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}
