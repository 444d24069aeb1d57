/* The smoke tree's tests: `add` checks rz_smoke_add; `fail` fails before any call; `mul` (never
 * run by ctest) names rz_smoke_mul. */
#include <string.h>

#include "engine/arith.h"

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "fail")) return 1;
    if (!strcmp(argv[1], "mul")) return rz_smoke_mul(2, 3) != 6;
    return rz_smoke_add(2, 3) != 5;
}
