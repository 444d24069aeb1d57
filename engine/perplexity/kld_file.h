/* The KL-divergence base file (`rz perplexity --kl-divergence-base FILE`): an rz_kld_base on disk.
 * Layout, all little-endian:
 *   offset 0   8 bytes  magic "RZKLDIV1"
 *   offset 8   int32    n_ctx
 *   offset 12  int32    n_vocab
 *   offset 16  int32    n_chunks
 *   offset 20  int32    first (scored positions start here; n_ctx / 2)
 *   offset 24  int32    top_k
 *   offset 28  int32    reserved, 0
 *   offset 32  int32    tokens[n_chunks * n_ctx] (as evaluated, BOS in place)
 *   then, per scored position i (n_chunks * (n_ctx - 1 - first), chunk-major):
 *              float32  log p(next token)
 *              int32    top_id[top_k]    (most likely first)
 *              float32  top_logp[top_k]
 * A 20-chunk base at -c 512 with top_k 128 is about 5.3 MB (llama.cpp's full-vocabulary uint16
 * file for a 49152-token vocabulary would be ~500 MB). */
#ifndef RZ_PERPLEXITY_KLD_FILE_H
#define RZ_PERPLEXITY_KLD_FILE_H

#include "engine/core/status.h"
#include "engine/perplexity/kld_base.h"

/* Writes to PATH.part and renames it, so a failed write leaves no file. */
rz_status rz_kld_file_write(const char *path, const rz_kld_base *b, rz_error *err);
/* Checks the magic, every count, the exact file size and every token and id range, naming the
 * path and offset on failure. */
rz_status rz_kld_file_read(const char *path, rz_kld_base *b, rz_error *err);

#endif
