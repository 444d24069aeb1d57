/* The models the server fuzzer serves, written to files at start: a one-block llama with a
 * synthetic SentencePiece vocabulary (float weights from a fixed generator, a context of 64) and
 * a 3-feature APR logistic regression. Both return false when a file cannot be written. */
#ifndef RZ_FUZZ_SERVER_MODELS_H
#define RZ_FUZZ_SERVER_MODELS_H

#include <stdbool.h>

bool fuzz_write_llama(const char *path);
bool fuzz_write_apr(const char *path);

#endif
