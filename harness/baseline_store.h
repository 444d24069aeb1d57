/* Saved baselines: a claim or verify report kept under a name (Criterion.rs's --save-baseline),
 * for `rzbench compare NAME NEW`. Contract: a baseline is DIR/NAME.json, a copy of the run's
 * report JSON written atomically; NAME is letters, digits, '.', '_' and '-' (no path). */
#ifndef RZB_BASELINE_STORE_H
#define RZB_BASELINE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#define RZB_BASELINES_DIR "reports/baselines"

/* False with a message when name has a character outside the allowed set or is empty. */
bool rzb_baseline_name_ok(const char *name, char *why, size_t cap);

/* Copies report_json to dir/name.json (creating dir); false with a message naming the path. */
bool rzb_baseline_save(const char *report_json, const char *dir, const char *name, char *why,
                       size_t cap);

#endif
