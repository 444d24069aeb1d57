/* Whether this process may run AMX tiles: CPUID, the OS's saved state (XCR0) and, on Linux, the
 * permission for the tile data that a process must ask for before its first tile instruction. */
#include "backends/amx/amx.h"

#include <cpuid.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { XTILECFG = 17, XTILEDATA = 18, ARCH_REQ_XCOMP_PERM = 0x1023 };

static bool usable, bf16;
static const char *status;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static unsigned long long xcr0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static void decide(void) {
    unsigned a, b, c, d, leaf7 = 0; /* leaf 7's EDX: AMX-BF16 bit 22, AMX-TILE 24, AMX-INT8 25 */
    const char *env = getenv("RZ_AMX");
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) leaf7 = d;
    if (!(leaf7 & (1u << 24)) || !(leaf7 & (1u << 25)))
        status = "AMX int8 tiles: not on this CPU (prompts use AVX-512 VNNI)";
    else if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) /* OSXSAVE: xgetbv */ ||
             (xcr0() & (3ull << XTILECFG)) != (3ull << XTILECFG))
        status = "AMX int8 tiles: the OS does not save the tile state (prompts use AVX-512 VNNI)";
    else if (env && !strcmp(env, "0"))
        status = "AMX int8 tiles: off (RZ_AMX=0; prompts use AVX-512 VNNI)";
    else if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XTILEDATA) != 0)
        status =
            "AMX int8 tiles: the kernel refused the tile data (arch_prctl; prompts use AVX-512 VNNI)";
    else if (!(leaf7 & (1u << 22))) {
        usable = true;
        status =
            "AMX int8 tiles: used for the prompts of packed q4_0, q4_1, q5_0, q8_0, q4_K and q6_K (no AMX-BF16: BF16 weights use AVX-512)";
    } else {
        usable = bf16 = true;
        status =
            "AMX tiles: int8 for the prompts of packed q4_0, q4_1, q5_0, q8_0, q4_K and q6_K, bf16 for BF16 weights";
    }
}

bool rz_amx_usable(void) {
    pthread_once(&once, decide);
    return usable;
}

bool rz_amx_bf16_usable(void) {
    pthread_once(&once, decide);
    return bf16;
}

const char *rz_amx_status(void) {
    pthread_once(&once, decide);
    return status;
}

const char *rz_amx_status_of(const rz_backend *be) {
    return be->isa == RZ_ISA_AVX512 ? rz_amx_status() : NULL;
}
