#include "tests/support/types_data.h"

#include <math.h>
#include <string.h>

#include "engine/types/types.h"

uint64_t rzt_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

float rzt_uniform(uint64_t *s) {
    return (float)(rzt_rand(s) >> 40) * 0x1p-24f;
}

static float gaussian(uint64_t *s) {
    float u = rzt_uniform(s) + 0x1p-25f, v = rzt_uniform(s);
    return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

enum { KINDS = 10 };

static float weight(int kind, int group, int j, uint64_t *s) {
    switch (kind) {
    case 0:
        return gaussian(s);
    case 1:
        return 1e-3f * gaussian(s);
    case 2:
        return 0.0f;
    case 3:
        return 1e-30f * gaussian(s);
    case 4:
        return 1e4f * gaussian(s);
    case 5:
        return j == 13 ? 50.0f : 0.01f * gaussian(s);
    case 6:
        return 1.0f + rzt_uniform(s);
    case 7:
        return -1.0f - 3.0f * rzt_uniform(s);
    case 8:
        return 0.5f;
    default:
        return powf(10.0f, (float)(group % 8 - 4)) * gaussian(s);
    }
}

void rzt_fill_weights(float *x, int64_t n, uint64_t seed) {
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int64_t i = 0; i < n; i++) {
        int64_t group = i / 32;
        int kind = (int)((group / 3 + (int64_t)seed) % KINDS);
        x[i] = weight(kind, (int)(group % 8), (int)(i % 32), &s);
    }
}

/* A random f16 below 2 in magnitude, subnormals included. */
static void put_scale(uint8_t *p, uint64_t *s) {
    uint16_t h = (uint16_t)(rzt_rand(s) & 0xbfff);
    p[0] = (uint8_t)h;
    p[1] = (uint8_t)(h >> 8);
}

void rzt_fill_blocks(uint32_t type, void *dst, int64_t n_blocks, uint64_t seed) {
    const rz_type_traits *t = rz_type_get(type);
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 7;
    uint8_t *b = dst;
    for (int64_t i = 0; i < n_blocks * t->block_bytes; i++)
        b[i] = (uint8_t)(rzt_rand(&s) >> 32);
    for (int64_t i = 0; i < n_blocks; i++, b += t->block_bytes) {
        switch (type) {
        case RZ_TYPE_Q4_1:
        case RZ_TYPE_Q5_1:
        case RZ_TYPE_Q8_1:
        case RZ_TYPE_Q4_K:
        case RZ_TYPE_Q5_K:
            put_scale(b + 2, &s);
            put_scale(b, &s);
            break;
        case RZ_TYPE_Q4_0:
        case RZ_TYPE_Q5_0:
        case RZ_TYPE_Q8_0:
            put_scale(b, &s);
            break;
        case RZ_TYPE_Q6_K:
            put_scale(b + 208, &s);
            break;
        case RZ_TYPE_Q8_K: {
            float d = rzt_uniform(&s) - 0.5f;
            memcpy(b, &d, sizeof d);
            break;
        }
        default:
            break;
        }
    }
}
