/* Test helper: builds safetensors images from a header text and a data section. */
#ifndef RZ_TESTS_ST_IMAGE_H
#define RZ_TESTS_ST_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* u64 little-endian strlen(header), header, then data_len bytes of data (zeros when data is NULL).
 * Returns a malloc'd buffer and its length. */
uint8_t *rzt_st_image(const char *header, const void *data, size_t data_len, size_t *len);

#endif
