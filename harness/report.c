#include "harness/report.h"

#include <string.h>

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
    if (!rzb_make_dirs(dir, err, cap)) return false;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", dir, rep->name, files[i].suffix);
        rzb_atomic_file a;
        if (!rzb_atomic_open_said(&a, path, err, cap) ||
            !rzb_atomic_close_said(&a, files[i].write(rep, a.f), err, cap))
            return false;
    }
    return true;
}

bool rzb_report_print(const rzb_report *rep, const char *format, FILE *out) {
    if (!strcmp(format, "csv")) return rzb_report_verdicts_csv(rep, out);
    if (!strcmp(format, "json")) return rzb_report_json_brief(rep, out);
    if (!strcmp(format, "md")) return rzb_report_md(rep, out);
    return false;
}
