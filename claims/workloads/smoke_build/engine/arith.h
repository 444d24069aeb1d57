/* The smoke tree's library (CMakeLists.txt beside engine/): three public functions whose test
 * coverage the coverage claims' smoke runs know in advance. */
#ifndef RZ_SMOKE_ARITH_H
#define RZ_SMOKE_ARITH_H

int rz_smoke_add(int a, int b);
int rz_smoke_sub(int a, int b);
int rz_smoke_mul(int a, int b);

#endif
