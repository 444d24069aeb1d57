/* rzb_gw_fixtures: the files the gate workloads read (harness/gate_workloads.h), written once into
 * a directory by one build so that both builds of a gate run read the same bytes.
 * Contract: each file is written to a temporary name, then renamed, so an existing file is
 * complete and is kept. */
#ifndef RZB_GATE_FIXTURES_H
#define RZB_GATE_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum { RZB_GW_TEXT_BYTES = 16384 };

/* Creates the directory if needed and writes each missing file:
 *   model.gguf              `rz synth --like smollm2-135m --type Q4_0 --seed 1` by rz_bin
 *                           (SmolLM2-135M's shape, synthetic weights, the file says so);
 *   text.txt                RZB_GW_TEXT_BYTES bytes of English-like text from a fixed word list
 *                           and seed;
 *   models/mnist_784x2.apr  a copy of the shared data file (harness/data.h); where that is
 *                           absent, models/mnist_784x2.apr.skipped holds the reason instead and
 *                           the workloads that need it skip.
 * One line per file goes to `log` (when non-NULL). False with the reason when a file cannot be
 * made (the shared data being absent is not a failure). */
bool rzb_gw_fixtures_make(const char *dir, const char *rz_bin, FILE *log, char *why, size_t cap);

/* The fixture text: exactly n bytes (n >= 1), the last one a newline; a pure function of n. */
void rzb_gw_fixture_text(char *out, size_t n);

#endif
