/* Checking a data file (e.g. WikiText-2's wiki.test.raw) against datasets/manifest.tsv.
 * Contract: the manifest is tab-separated "relpath<TAB>sha256<TAB>source" lines, '#' lines and
 * blank lines ignored. */
#ifndef RZ_PERPLEXITY_DATASET_H
#define RZ_PERPLEXITY_DATASET_H

#include "engine/core/status.h"

/* The manifest entry for WikiText-2's raw test split. */
#define RZ_WIKITEXT2_TEST "datasets/wikitext-2-raw/wiki.test.raw"

/* Finds relpath's sha256 (RZ_EINVAL naming the manifest when it is not listed, RZ_EIO when the
 * manifest cannot be read). */
rz_status rz_dataset_expected(const char *manifest, const char *relpath, char hex[65],
                              rz_error *err);

/* Hashes path and fails with RZ_EFORMAT naming path, the expected and the computed sha256 on a
 * mismatch, or RZ_EIO when path cannot be read. */
rz_status rz_dataset_verify(const char *path, const char *manifest, const char *relpath,
                            rz_error *err);

#endif
