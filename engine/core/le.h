/* Little-endian loads from unaligned bytes. */
#ifndef RZ_CORE_LE_H
#define RZ_CORE_LE_H

#include <stdint.h>
#include <string.h>

static inline uint16_t rz_le16(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t rz_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t rz_le64(const uint8_t *p) {
    return (uint64_t)rz_le32(p) | (uint64_t)rz_le32(p + 4) << 32;
}

static inline float rz_le_f32(const uint8_t *p) {
    uint32_t u = rz_le32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

#endif
