/* rzb_fingerprint: the environment every report carries, as ordered key/value text pairs:
 * CPU and ISA (available and used), cores, VM or not, kernel, compiler and flags, git commit and
 * whether the tree was dirty, library versions, counter availability, pinning, GPU. */
#ifndef RZB_FINGERPRINT_H
#define RZB_FINGERPRINT_H

#include "harness/pin.h"

enum { RZB_FP_MAX = 32 };

typedef struct {
    int n;
    char key[RZB_FP_MAX][32];
    char value[RZB_FP_MAX][512];
} rzb_fingerprint;

/* Collects the fingerprint; `pin` supplies the topology and the binding result. */
void rzb_fingerprint_collect(rzb_fingerprint *fp, const rzb_pin *pin);

/* The pairs as one JSON object's text (malloc'd), or NULL when memory runs out. */
char *rzb_fingerprint_json(const rzb_fingerprint *fp);

/* The value for key, or "" when absent. */
const char *rzb_fingerprint_get(const rzb_fingerprint *fp, const char *key);

#endif
