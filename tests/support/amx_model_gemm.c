/* backends/x86/amx_gemm_body.h and amx_bf16_gemm_body.h on the tile model
 * (tests/support/amx_model.h). Defines amx_model_gemm_q4_0x16, _q4_1x16, _q5_0x16, _q8_0x16,
 * _q4_kx16, _q6_kx16 and amx_model_gemm_bf16x16. */
#include "tests/support/amx_model.h"

#define AMX_NAME(x) amx_model_##x
#define AMX_LOADCONFIG(cfg) amx_model_loadconfig(cfg)
#define AMX_ZERO(t) amx_model_zero(t)
#define AMX_LOAD(t, base, stride) amx_model_load(t, base, stride)
#define AMX_DPBSSD(c, a, b) amx_model_dpbssd(c, a, b)
#define AMX_STORE(t, base, stride) amx_model_store(t, base, stride)
#define AMX_RELEASE() amx_model_release()
#include "backends/x86/amx_gemm_body.h"

#define AMX_NAME(x) amx_model_##x
#define AMX_LOADCONFIG(cfg) amx_model_loadconfig(cfg)
#define AMX_ZERO(t) amx_model_zero(t)
#define AMX_LOAD(t, base, stride) amx_model_load(t, base, stride)
#define AMX_DPBF16PS(c, a, b) amx_model_dpbf16ps(c, a, b)
#define AMX_STORE(t, base, stride) amx_model_store(t, base, stride)
#define AMX_RELEASE() amx_model_release()
#include "backends/x86/amx_bf16_gemm_body.h"
