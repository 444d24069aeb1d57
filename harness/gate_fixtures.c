#include "harness/gate_fixtures.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/file.h"
#include "harness/atomic_file.h"
#include "harness/data.h"
#include "harness/subprocess.h"
#include "harness/why.h"

/* mkdir -p */
static bool make_dirs(const char *dir, char *why, size_t cap) {
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1;; p++) {
        const bool end = *p == 0;
        if (*p != '/' && !end) continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            snprintf(why, cap, "cannot create directory %s: %s", path, strerror(errno));
            return false;
        }
        if (end) return true;
        *p = '/';
    }
}

static bool write_atomic(const char *path, const void *data, size_t len, char *why, size_t cap) {
    rzb_atomic_file a;
    bool ok = rzb_atomic_open(&a, path);
    if (ok) ok = rzb_atomic_close(&a, fwrite(data, 1, len, a.f) == len);
    if (!ok) snprintf(why, cap, "cannot write %s: %s", path, strerror(errno));
    return ok;
}

static bool make_model(const char *path, const char *rz_bin, char *why, size_t cap) {
    char *argv[] = {(char *)rz_bin, "synth", "--like", "smollm2-135m",
                    "--type",       "Q4_0",  "-o",     (char *)path,
                    "--seed",       "1",     NULL};
    rzb_child c;
    if (!rzb_child_start(argv, NULL, &c, why, cap)) return false;
    free(rzb_child_read_all(&c));
    char tail[400];
    int status = rzb_child_finish(&c, tail, sizeof tail);
    if (status == 0) return true;
    const char *last = strrchr(tail, '\r');
    snprintf(why, cap, "%s synth exited with status %d: %s", rz_bin, status,
             last ? last + 1 : tail);
    return false;
}

static bool make_text(const char *path, char *why, size_t cap) {
    char *text = malloc(RZB_GW_TEXT_BYTES);
    if (!text) {
        snprintf(why, cap, "out of memory");
        return false;
    }
    rzb_gw_fixture_text(text, RZB_GW_TEXT_BYTES);
    bool ok = write_atomic(path, text, RZB_GW_TEXT_BYTES, why, cap);
    free(text);
    return ok;
}

/* Copies the shared APR model; where it is absent, records why in PATH.skipped. */
static bool make_apr(const char *path, FILE *log, char *why, size_t cap) {
    char src[4096], absent[1024], skipped[4200];
    snprintf(skipped, sizeof skipped, "%s.skipped", path);
    if (!rzb_data_find("models/mnist_784x2.apr", src, sizeof src, absent, sizeof absent)) {
        if (log) fprintf(log, "make-fixtures: %s: skipped: %s\n", path, absent);
        return write_atomic(skipped, absent, strlen(absent), why, cap);
    }
    unsigned char *data;
    size_t len;
    rz_error err;
    if (rz_file_read_all(src, &data, &len, &err)) return rzb_why_rz(why, cap, &err, NULL);
    bool ok = write_atomic(path, data, len, why, cap);
    free(data);
    if (ok) unlink(skipped);
    if (ok && log) fprintf(log, "make-fixtures: %s: copied from %s\n", path, src);
    return ok;
}

bool rzb_gw_fixtures_make(const char *dir, const char *rz_bin, FILE *log, char *why, size_t cap) {
    char models[4096], model[4096], text[4096], apr[4096];
    snprintf(models, sizeof models, "%s/models", dir);
    snprintf(model, sizeof model, "%s/model.gguf", dir);
    snprintf(text, sizeof text, "%s/text.txt", dir);
    snprintf(apr, sizeof apr, "%s/mnist_784x2.apr", models);
    if (!make_dirs(models, why, cap)) return false;
    const char *made[] = {model, text};
    for (int i = 0; i < 2; i++) {
        const bool kept = access(made[i], R_OK) == 0;
        if (!kept && !(i == 0 ? make_model(model, rz_bin, why, cap) : make_text(text, why, cap)))
            return false;
        if (log) fprintf(log, "make-fixtures: %s: %s\n", made[i], kept ? "kept" : "written");
    }
    if (access(apr, R_OK) == 0) {
        if (log) fprintf(log, "make-fixtures: %s: kept\n", apr);
        return true;
    }
    return make_apr(apr, log, why, cap);
}
