#include "claims/workloads/ppl_models.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_info.h"
#include "engine/perplexity/dataset.h"
#include "harness/data.h"
#include "harness/gate_fixtures.h"
#include "harness/subprocess.h"
#include "harness/why.h"

enum { SMOKE_TEXT_BYTES = 8192 };

/* The smoke text: the gate's fixture text, written once to datasets/cache/synth (through a
 * temporary file and a rename, so a file found there is complete). */
static bool smoke_text(char *out, size_t cap, char *why, size_t why_cap) {
    char cache[4096], dir[4200];
    snprintf(cache, sizeof cache, "%s/datasets/cache", RZ_SOURCE_DIR);
    snprintf(dir, sizeof dir, "%s/synth", cache);
    snprintf(out, cap, "%s/smoke-text.txt", dir);
    if (access(out, R_OK) == 0) return true;
    if ((mkdir(cache, 0755) && errno != EEXIST) || (mkdir(dir, 0755) && errno != EEXIST)) {
        snprintf(why, why_cap, "%s: cannot create: %s", dir, strerror(errno));
        return false;
    }
    char text[SMOKE_TEXT_BYTES];
    rzb_gw_fixture_text(text, sizeof text);
    char part[4200];
    snprintf(part, sizeof part, "%s.%ld.part", out, (long)getpid());
    FILE *f = fopen(part, "w");
    bool ok = f && fwrite(text, 1, sizeof text, f) == sizeof text;
    if (f && fclose(f)) ok = false;
    if (ok && rename(part, out) == 0) return true;
    remove(part);
    snprintf(why, why_cap, "%s: cannot write the smoke text: %s", out, strerror(errno));
    return false;
}

bool rzb_wikitext2_test(const rzb_context *ctx, char *out, size_t cap, char *why, size_t why_cap) {
    if (ctx->smoke) return smoke_text(out, cap, why, why_cap);
    if (!rzb_data_find(RZ_WIKITEXT2_TEST, out, cap, why, why_cap)) return false;
    char manifest[4096];
    snprintf(manifest, sizeof manifest, "%s/datasets/manifest.tsv", RZ_SOURCE_DIR);
    rz_error err;
    if (rz_dataset_verify(out, manifest, RZ_WIKITEXT2_TEST, &err) == RZ_OK) return true;
    return rzb_why_rz(why, why_cap, &err, NULL);
}

bool rzb_ppl_quantized(const rzb_context *ctx, const char *in, const char *stem, const char *label,
                       const char *type, bool pure, char *out, size_t cap, char *why,
                       size_t why_cap) {
    char dir[4096], part[4200], log[4200];
    snprintf(dir, sizeof dir, "%s/datasets/cache/a5", RZ_SOURCE_DIR);
    snprintf(out, cap, "%s/%s%s-%s.gguf", dir, ctx->smoke ? "smoke-" : "", stem, label);
    if (access(out, R_OK) == 0) return true;
    char cache[4096];
    snprintf(cache, sizeof cache, "%s/datasets/cache", RZ_SOURCE_DIR);
    if ((mkdir(cache, 0755) && errno != EEXIST) || (mkdir(dir, 0755) && errno != EEXIST)) {
        snprintf(why, why_cap, "%s: cannot create: %s", dir, strerror(errno));
        return false;
    }
    rzb_progress(ctx, "rz quantize %s %s%s (once; cached in %s)", stem, type, pure ? " --pure" : "",
                 dir);
    snprintf(part, sizeof part, "%s.part", out);
    snprintf(log, sizeof log, "%s.log", out);
    char *argv[] = {(char *)ctx->rz_bin,    "quantize", (char *)in, part, (char *)type,
                    pure ? "--pure" : NULL, NULL};
    int rc = rzb_run_logged(argv, log);
    if (rc == 0 && rename(part, out) == 0) {
        remove(log);
        return true;
    }
    remove(part);
    snprintf(why, why_cap, "`rz quantize %s %s %s%s` failed (exit %d, log %s)", in, part, type,
             pure ? " --pure" : "", rc, log);
    return false;
}
