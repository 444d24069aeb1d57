#include "harness/report.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/atomic_file.h"

static const struct {
    const char *suffix;
    bool (*write)(const rzb_report *, FILE *);
} files[] = {
    {"samples.csv", rzb_report_samples_csv},
    {"summary.csv", rzb_report_summary_csv},
    {"verdicts.csv", rzb_report_verdicts_csv},
    {"json", rzb_report_json},
    {"html", rzb_report_html},
};

bool rzb_report_write(const rzb_report *rep, const char *dir, char *err, size_t cap) {
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, cap, "%s: cannot create the report directory: %s", dir, strerror(errno));
        return false;
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", dir, rep->name, files[i].suffix);
        rzb_atomic_file a;
        if (!rzb_atomic_open(&a, path)) {
            snprintf(err, cap, "%s: cannot create a temporary file beside it: %s", path,
                     strerror(errno));
            return false;
        }
        bool ok = files[i].write(rep, a.f);
        if (!rzb_atomic_close(&a, ok)) {
            snprintf(err, cap, "%s: write failed (%s); the previous file is untouched", path,
                     errno ? strerror(errno) : "stream error");
            return false;
        }
    }
    return true;
}

bool rzb_report_print(const rzb_report *rep, const char *format, FILE *out) {
    if (!strcmp(format, "csv")) return rzb_report_verdicts_csv(rep, out);
    if (!strcmp(format, "json")) return rzb_report_json_brief(rep, out);
    if (!strcmp(format, "md")) return rzb_report_md(rep, out);
    return false;
}
