#include "engine/arith.h"

int rz_smoke_add(int a, int b) {
    return a + b;
}

int rz_smoke_sub(int a, int b) {
    return a - b;
}

int rz_smoke_mul(int a, int b) {
    return a * b;
}
