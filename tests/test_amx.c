/* AMX (backends/amx): what can be checked on any CPU. Its kernels' bits are test_pack's (int8)
 * and test_amx_bf16's (bf16), on the tile model everywhere with AVX-512, on the tiles where
 * rz_amx_usable.
 * 1. The tile model refuses what the hardware would, so its passing runs mean something.
 * 2. GCC 12 deletes stores to a tile configuration on the stack (it cannot see ldtilecfg read
 *    them): every ldtilecfg in librz reads a constant configuration, not the stack, and the
 *    configurations are in read-only data.
 * 3. RZ_AMX=0 turns the tiles off, and the status line says why they are off or on; only the
 *    AVX-512 table, which holds the AMX slots, reports it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/amx/amx.h"
#include "backends/amx/tile_config.h"
#include "tests/support/amx_model.h"
#include "tests/support/support.h"

static const rz_amx_tile_config good = {1, 0, {0}, {64, 32, 64}, {4, 4, 8}};

Test(amx, the_tile_model_refuses_what_the_hardware_would) {
    char why[160];
    int8_t a[4][32] = {{1}}, b[8][64] = {{2}};
    int32_t c[4][16];
    amx_model_loadconfig(&good);
    amx_model_zero(0);
    amx_model_load(1, a, sizeof a[0]);
    amx_model_load(2, b, sizeof b[0]);
    amx_model_dpbssd(0, 1, 2);
    amx_model_store(0, c, sizeof c[0]);
    cr_assert_eq(amx_model_refusals(why, sizeof why), 0, "%s", why);
    cr_expect_eq(c[0][0], 2, "row 0 of A dotted with column 0 of B");
    amx_model_dpbssd(0, 2, 1);
    cr_expect_eq(amx_model_refusals(why, sizeof why), 1);
    cr_expect(strstr(why, "do not chain"), "%s", why);
    amx_model_dpbf16ps(0, 2, 1);
    cr_expect_eq(amx_model_refusals(why, sizeof why), 1);
    cr_expect(strstr(why, "tdpbf16ps shapes do not chain"), "%s", why);
    amx_model_load(3, a, sizeof a[0]);
    cr_expect_eq(amx_model_refusals(why, sizeof why), 1);
    cr_expect(strstr(why, "not configured"), "%s", why);
    rz_amx_tile_config bad = good;
    bad.palette = 0;
    amx_model_loadconfig(&bad);
    amx_model_zero(0);
    cr_expect_eq(amx_model_refusals(why, sizeof why), 2, "the config, then the tile");
    bad = good;
    bad.rows[0] = 17;
    amx_model_loadconfig(&bad);
    cr_expect_eq(amx_model_refusals(why, sizeof why), 1);
    cr_expect(strstr(why, "limits"), "%s", why);
    amx_model_loadconfig(&good);
    amx_model_release();
    amx_model_zero(0);
    cr_expect_eq(amx_model_refusals(why, sizeof why), 1, "released");
}

static char out[1 << 16], err[4096];

/* The lines of `objdump option` on librz (built with the tests) that hold `what`. */
static const char *objdump(const char *option, const char *what) {
    char lib[512];
    snprintf(lib, sizeof lib, "%s/engine/librz.a",
             getenv("RZ_BUILD_DIR") ? getenv("RZ_BUILD_DIR") : "build");
    char *argv[] = {
        "/bin/bash",
        "-c",
        "set -o pipefail; objdump \"$1\" --no-show-raw-insn \"$0\" | { grep -F -e \"$2\" || true; }",
        lib,
        (char *)option,
        (char *)what,
        NULL};
    cr_assert_eq(rzt_run(argv, out, sizeof out, err, sizeof err), 0, "objdump %s: %s", lib, err);
    return out;
}

Test(amx, tile_configurations_are_constants_not_stack_stores) {
    int n = 0;
    const char *text = objdump("-d", "ldtilecfg");
    for (const char *p = strstr(text, "ldtilecfg"); p; p = strstr(p + 1, "ldtilecfg")) {
        const size_t len = strcspn(p, "\n");
        char line[128];
        snprintf(line, sizeof line, "%.*s", (int)(len < 127 ? len : 127), p);
        cr_expect(!strstr(line, "%rsp") && !strstr(line, "%rbp"),
                  "a tile configuration read from the stack: %s", line);
        n++;
    }
    cr_expect_geq(n, 1, "librz has its AMX kernels");
    const char *sym = objdump("-t", " tiles_configs");
    cr_expect(strstr(sym, " .rodata\t"), "the configurations are read-only data: %s", sym);
    sym = objdump("-t", " rz_amx_bf16_configs");
    cr_expect(strstr(sym, " .rodata\t"), "the bf16 configurations are read-only data: %s", sym);
}

Test(amx, rz_amx_0_turns_the_tiles_off) {
    setenv("RZ_AMX", "0", 1);
    cr_expect_not(rz_amx_usable());
    cr_expect(!strncmp(rz_amx_status(), "AMX int8 tiles: ", 16), "%s", rz_amx_status());
    cr_expect(strstr(rz_amx_status(), "not on this CPU") || strstr(rz_amx_status(), "RZ_AMX=0") ||
                  strstr(rz_amx_status(), "OS"),
              "%s", rz_amx_status());
    cr_expect_eq(rz_amx_status_of(&rz_backend_scalar), NULL, "the scalar table has no AMX slots");
    const rz_backend *avx512 = rz_backend_for(RZ_ISA_AVX512);
    if (avx512) cr_expect_eq(rz_amx_status_of(avx512), rz_amx_status());
}
