#include "harness/baseline_store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/atomic_file.h"

bool rzb_baseline_name_ok(const char *name, char *why, size_t cap) {
    size_t n = strlen(name);
    bool ok = n > 0 && n < 128 && name[0] != '.';
    for (size_t i = 0; ok && i < n; i++)
        ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", name[i]);
    if (!ok)
        snprintf(
            why, cap,
            "baseline name '%s': expected 1-127 letters, digits, '.', '_' or '-', not starting with '.'",
            name);
    return ok;
}

bool rzb_baseline_save(const char *report_json, const char *dir, const char *name, char *why,
                       size_t cap) {
    if (!rzb_baseline_name_ok(name, why, cap)) return false;
    if (!rzb_make_dirs(dir, why, cap)) return false;
    FILE *in = fopen(report_json, "rb");
    if (!in) {
        snprintf(why, cap, "%s: cannot open the report to save: %s", report_json, strerror(errno));
        return false;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    rzb_atomic_file a;
    if (!rzb_atomic_open(&a, path)) {
        snprintf(why, cap, "%s: cannot create a temporary file beside it: %s", path,
                 strerror(errno));
        fclose(in);
        return false;
    }
    char buf[1 << 16];
    size_t got;
    bool ok = true;
    while (ok && (got = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, got, a.f) == got;
    ok = ok && !ferror(in);
    fclose(in);
    if (!rzb_atomic_close(&a, ok)) {
        snprintf(why, cap, "%s: write failed; any earlier baseline of that name is untouched",
                 path);
        return false;
    }
    return true;
}
