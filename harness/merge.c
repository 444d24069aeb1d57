/* The merge's rows, its per-claim sentences and bandwidth groups, and writing its four files. */
#include "harness/merge.h"

#include <stdlib.h>
#include <string.h>

#include "harness/atomic_file.h"

static bool add_claim(rzb_merge *m, const char *id) {
    for (size_t i = 0; i < m->n_claims; i++)
        if (!strcmp(m->claims[i], id)) return true;
    char(*c)[16] = realloc(m->claims, (m->n_claims + 1) * sizeof *c);
    if (!c) return false;
    m->claims = c;
    snprintf(m->claims[m->n_claims++], sizeof m->claims[0], "%s", id);
    return true;
}

static void describe(rzb_merge_row *r, const rzb_bundle *b) {
    const char *slash = strrchr(b->path, '/');
    snprintf(r->file, sizeof r->file, "%s", slash ? slash + 1 : b->path);
    snprintf(r->machine, sizeof r->machine, "%s", rzb_bundle_field(b, "machine"));
    snprintf(r->hostname, sizeof r->hostname, "%s", rzb_bundle_field(b, "hostname"));
    snprintf(r->commit, sizeof r->commit, "%s", rzb_bundle_field(b, "rz_commit"));
    rzb_outcome_class(r->out.isa, r->out.gpu, r->hw_class, sizeof r->hw_class);
}

bool rzb_merge_add(rzb_merge *m, const rzb_bundle *b, char *err, size_t cap) {
    rzb_merge_row row = {0};
    if (!rzb_outcomes_of_bundle(b, &row.out, err, cap)) return false;
    describe(&row, b);
    rzb_merge_row *rows = realloc(m->rows, (m->n_rows + 1) * sizeof *rows);
    bool ok = rows != NULL;
    if (rows) m->rows = rows;
    for (size_t i = 0; ok && i < row.out.n; i++)
        ok = add_claim(m, row.out.claims[i].id);
    if (!ok) {
        snprintf(err, cap, "%s: out of memory while merging", b->path);
        rzb_outcomes_free(&row.out);
        return false;
    }
    m->mixed |= m->n_rows && strcmp(m->rows[0].commit, row.commit);
    m->rows[m->n_rows++] = row;
    return true;
}

void rzb_merge_free(rzb_merge *m) {
    for (size_t i = 0; i < m->n_rows; i++)
        rzb_outcomes_free(&m->rows[i].out);
    free(m->rows);
    free(m->claims);
    m->rows = NULL;
    m->claims = NULL;
    m->n_rows = m->n_claims = 0;
}

static const char *verdict_of(const rzb_merge_row *r, const char *claim) {
    const rzb_outcome *o = rzb_outcome_find(&r->out, claim);
    return o ? o->verdict : "not run";
}

/* Rows before i with the same verdict and class as row i: none means row i starts a group. */
static bool group_start(const rzb_merge *m, size_t i, const char *claim) {
    for (size_t j = 0; j < i; j++)
        if (!strcmp(verdict_of(&m->rows[j], claim), verdict_of(&m->rows[i], claim)) &&
            !strcmp(m->rows[j].hw_class, m->rows[i].hw_class))
            return false;
    return true;
}

static size_t group_size(const rzb_merge *m, size_t i, const char *claim) {
    size_t n = 0;
    for (size_t j = i; j < m->n_rows; j++)
        n += !strcmp(verdict_of(&m->rows[j], claim), verdict_of(&m->rows[i], claim)) &&
             !strcmp(m->rows[j].hw_class, m->rows[i].hw_class);
    return n;
}

void rzb_merge_sentence(const rzb_merge *m, const char *claim, char *out, size_t cap) {
    static const char *const order[] = {"SUPPORTED", "FALSIFIED", "INCONCLUSIVE", "SKIPPED",
                                        "not run"};
    size_t used = (size_t)snprintf(out, cap, "%s:", claim);
    int verdicts = 0;
    for (size_t v = 0; v < sizeof order / sizeof order[0]; v++) {
        int groups = 0;
        for (size_t i = 0; i < m->n_rows && used < cap; i++) {
            if (strcmp(verdict_of(&m->rows[i], claim), order[v]) || !group_start(m, i, claim))
                continue;
            size_t n = group_size(m, i, claim);
            used += (size_t)snprintf(out + used, cap - used, "%s%s%s%zu %s host%s",
                                     groups     ? " and "
                                     : verdicts ? ", "
                                                : " ",
                                     groups ? "" : order[v], groups ? "" : " on ", n,
                                     m->rows[i].hw_class, n == 1 ? "" : "s");
            groups++;
        }
        verdicts += groups > 0;
    }
}

const char *rzb_merge_bandwidth(double gbs) {
    if (!(gbs >= 0)) return "not measured";
    if (gbs < 20) return "< 20 GB/s";
    if (gbs < 50) return "20-50 GB/s";
    if (gbs < 100) return "50-100 GB/s";
    return ">= 100 GB/s";
}

bool rzb_merge_print(const rzb_merge *m, const char *format, FILE *out) {
    if (!strcmp(format, "md")) return rzb_merge_md(m, out);
    if (!strcmp(format, "csv")) return rzb_merge_csv(m, out);
    if (!strcmp(format, "json")) return rzb_merge_json(m, out);
    return false;
}

bool rzb_merge_write(const rzb_merge *m, const char *dir, char *err, size_t cap) {
    static const struct {
        const char *suffix;
        bool (*write)(const rzb_merge *, FILE *);
    } files[] = {{"json", rzb_merge_json},
                 {"csv", rzb_merge_csv},
                 {"md", rzb_merge_md},
                 {"html", rzb_merge_html}};
    if (!rzb_make_dirs(dir, err, cap)) return false;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/merge.%s", dir, files[i].suffix);
        rzb_atomic_file a;
        if (!rzb_atomic_open_said(&a, path, err, cap) ||
            !rzb_atomic_close_said(&a, files[i].write(m, a.f), err, cap))
            return false;
    }
    return true;
}
