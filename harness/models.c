#include "harness/models.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_info.h"
#include "harness/subprocess.h"

bool rzb_model_find(const rzb_context *ctx, const char *name, char *out, size_t cap, char *why,
                    size_t why_cap) {
    if (ctx->smoke) return rzb_model_synth(ctx, RZB_SMOKE_LIKE, "Q4_1", out, cap, why, why_cap);
    char script[4200];
    snprintf(script, sizeof script, "%s/find-models", ctx->scripts_dir);
    char *argv[] = {script, (char *)name, NULL};
    uint64_t ns;
    int rc = rzb_time_process(argv, &ns, out, cap);
    out[strcspn(out, "\n")] = 0;
    if (rc == 0 && out[0] && access(out, R_OK) == 0) return true;
    snprintf(why, why_cap, "model %s not installed (`scripts/find-models --install` installs it)",
             name);
    return false;
}

static bool mkdirs(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST) return false;
        *p = '/';
    }
    return mkdir(path, 0755) == 0 || errno == EEXIST;
}

bool rzb_model_synth(const rzb_context *ctx, const char *like, const char *type, char *out,
                     size_t cap, char *why, size_t why_cap) {
    if (ctx->smoke) like = RZB_SMOKE_LIKE;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/datasets/cache/synth", RZ_SOURCE_DIR);
    snprintf(out, cap, "%s/%s-%s.gguf", dir, like, type);
    if (access(out, R_OK) == 0) return true;
    if (!mkdirs(dir)) {
        snprintf(why, why_cap, "%s: cannot create: %s", dir, strerror(errno));
        return false;
    }
    rzb_progress(ctx, "making synthetic %s %s (once; cached in %s)", like, type, dir);
    char *argv[] = {(char *)ctx->rz_bin, "synth", "--like", (char *)like, "--type",
                    (char *)type,        "-o",    out,      NULL};
    char text[256];
    uint64_t ns;
    if (rzb_time_process(argv, &ns, text, sizeof text) == 0 && access(out, R_OK) == 0) return true;
    snprintf(why, why_cap, "`rz synth --like %s --type %s` failed", like, type);
    return false;
}
