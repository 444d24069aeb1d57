/* rzb_data: finds the project's data files (models, datasets) that must not be committed.
 * Search order: $RZ_SHARED_DIR, then ../shared beside the source tree, then datasets/cache/
 * (where scripts/fetch-data downloads them, checked against datasets/manifest.tsv). */
#ifndef RZB_DATA_H
#define RZB_DATA_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the first existing path for relpath (e.g. "models/mnist_784x2.apr") into out; returns
 * false with the places searched in `why` when none exists. */
bool rzb_data_find(const char *relpath, char *out, size_t cap, char *why, size_t why_cap);

#endif
