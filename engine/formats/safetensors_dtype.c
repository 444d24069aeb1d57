/* safetensors dtypes: names, widths, and conversion of the float ones to float32. */
#include <math.h>
#include <string.h>

#include "engine/core/le.h"
#include "engine/formats/safetensors.h"
#include "engine/types/half.h"

static const struct {
    const char *name;
    unsigned bits;
} dtypes[RZ_ST_DTYPE_COUNT] = {
    [RZ_ST_BOOL] = {"BOOL", 8},       [RZ_ST_F4] = {"F4", 4},
    [RZ_ST_F6_E2M3] = {"F6_E2M3", 6}, [RZ_ST_F6_E3M2] = {"F6_E3M2", 6},
    [RZ_ST_U8] = {"U8", 8},           [RZ_ST_I8] = {"I8", 8},
    [RZ_ST_F8_E5M2] = {"F8_E5M2", 8}, [RZ_ST_F8_E4M3] = {"F8_E4M3", 8},
    [RZ_ST_F8_E8M0] = {"F8_E8M0", 8}, [RZ_ST_I16] = {"I16", 16},
    [RZ_ST_U16] = {"U16", 16},        [RZ_ST_F16] = {"F16", 16},
    [RZ_ST_BF16] = {"BF16", 16},      [RZ_ST_I32] = {"I32", 32},
    [RZ_ST_U32] = {"U32", 32},        [RZ_ST_F32] = {"F32", 32},
    [RZ_ST_C64] = {"C64", 64},        [RZ_ST_F64] = {"F64", 64},
    [RZ_ST_I64] = {"I64", 64},        [RZ_ST_U64] = {"U64", 64},
};

const char *rz_st_dtype_name(rz_st_dtype d) {
    return (unsigned)d < RZ_ST_DTYPE_COUNT ? dtypes[d].name : "unknown";
}

unsigned rz_st_dtype_bits(rz_st_dtype d) {
    return (unsigned)d < RZ_ST_DTYPE_COUNT ? dtypes[d].bits : 0;
}

int rz_st_dtype_from_name(const char *name, size_t n) {
    for (int d = 0; d < RZ_ST_DTYPE_COUNT; d++)
        if (strlen(dtypes[d].name) == n && !memcmp(dtypes[d].name, name, n)) return d;
    return -1;
}

bool rz_st_is_float(rz_st_dtype d) {
    return d == RZ_ST_F64 || d == RZ_ST_F32 || d == RZ_ST_F16 || d == RZ_ST_BF16 ||
           d == RZ_ST_F8_E4M3 || d == RZ_ST_F8_E5M2;
}

/* OCP FP8 E4M3 (the "fn" variant: no infinities, S.1111.111 is NaN, bias 7). */
static float e4m3_to_float(uint8_t b) {
    float sign = (b & 0x80) ? -1.0f : 1.0f;
    int exp = (b >> 3) & 0xf;
    int man = b & 0x7;
    if (exp == 15 && man == 7) return NAN;
    if (exp == 0) return sign * ldexpf((float)man, -9);
    return sign * ldexpf((float)(man | 8), exp - 10);
}

/* OCP FP8 E5M2: binary16 with the low mantissa byte dropped. */
static float e5m2_to_float(uint8_t b) {
    return rz_f16_to_f32((uint16_t)(b << 8));
}

rz_status rz_st_to_float(const rz_st_tensor *t, uint64_t first, uint64_t n, float *dst,
                         rz_error *err) {
    if (!rz_st_is_float(t->dtype))
        return rz_fail(
            err, RZ_EUNSUPPORTED,
            "tensor \"%s\": dtype %s: expected a float dtype (F64, F32, F16, BF16, F8_E4M3, F8_E5M2)",
            t->name, rz_st_dtype_name(t->dtype));
    if (first > t->n_elements || n > t->n_elements - first)
        return rz_fail(err, RZ_EINVAL,
                       "tensor \"%s\": elements [%llu, +%llu): expected a range within %llu",
                       t->name, (unsigned long long)first, (unsigned long long)n,
                       (unsigned long long)t->n_elements);
    unsigned width = rz_st_dtype_bits(t->dtype) / 8;
    const uint8_t *p = t->data + first * width;
    for (uint64_t i = 0; i < n; i++, p += width) {
        switch (t->dtype) {
        case RZ_ST_F64: {
            uint64_t u = rz_le64(p);
            double d;
            memcpy(&d, &u, sizeof d);
            dst[i] = (float)d;
            break;
        }
        case RZ_ST_F32:
            dst[i] = rz_le_f32(p);
            break;
        case RZ_ST_F16:
            dst[i] = rz_f16_to_f32(rz_le16(p));
            break;
        case RZ_ST_BF16:
            dst[i] = rz_bf16_to_f32(rz_le16(p));
            break;
        case RZ_ST_F8_E4M3:
            dst[i] = e4m3_to_float(*p);
            break;
        default:
            dst[i] = e5m2_to_float(*p);
            break;
        }
    }
    return RZ_OK;
}
