/* The 64-byte operand of ldtilecfg (palette 1): each tile's rows and bytes per row. */
#ifndef RZ_BACKENDS_AMX_TILE_CONFIG_H
#define RZ_BACKENDS_AMX_TILE_CONFIG_H

#include <stdint.h>

typedef struct {
    _Alignas(64) uint8_t palette; /* 1: 8 tiles of up to 16 rows x 64 bytes */
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t colsb[16]; /* bytes per row of tile i */
    uint8_t rows[16];
} rz_amx_tile_config;
_Static_assert(sizeof(rz_amx_tile_config) == 64, "ldtilecfg reads 64 bytes");

#endif
