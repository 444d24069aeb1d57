/* CRC-32 (IEEE 802.3, the one APR files carry), computed by zlib's table-driven crc32. */
#ifndef RZ_CORE_CRC32_H
#define RZ_CORE_CRC32_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

static inline uint32_t rz_crc32(const void *data, size_t len) {
    return (uint32_t)crc32_z(0, data, len);
}

#endif
