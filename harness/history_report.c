/* rzb_history_append_report: a claim or verify report turned into one history run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/claim.h"
#include "harness/history.h"

/* One entry and the storage its strings and medians point into. */
typedef struct {
    char workload[224];
    double *values;
} entry_store;

typedef struct {
    rzb_history_entry *entries;
    entry_store *store;
    size_t n;
} entry_list;

static bool is_time_unit(const char *unit) {
    static const char *const units[] = {"ns", "us", "\u00b5s", "ms", "s", "min", "h"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(unit, units[i])) return true;
    return false;
}

/* The run medians of s indexed by run (NaN where a run has none); *n gets the count. */
static double *run_medians(const rzb_series *s, size_t *n) {
    size_t runs = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->run[i] + (size_t)1 > runs) runs = s->run[i] + (size_t)1;
    double *m = malloc((runs ? runs : 1) * sizeof *m);
    if (!m) abort();
    *n = rzb_series_run_medians(s, m, runs);
    return m;
}

/* Drops the NaNs of x[0..n), keeping the order; returns the count left. */
static size_t compact(double *x, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) x[k++] = x[i];
    return k;
}

static rzb_history_entry *add(entry_list *l, const char *claim, const char *what) {
    entry_store *s = &l->store[l->n];
    if (what)
        snprintf(s->workload, sizeof s->workload, "%s: %s", claim, what);
    else
        snprintf(s->workload, sizeof s->workload, "%s", claim);
    rzb_history_entry *e = &l->entries[l->n++];
    *e = (rzb_history_entry){
        .workload = s->workload, .verdict = "", .ratio = NAN, .lo = NAN, .hi = NAN};
    return e;
}

static void add_series(entry_list *l, const char *claim, const rzb_series *s) {
    rzb_history_entry *e = add(l, claim, s->label);
    e->metric = is_time_unit(s->unit) ? "time" : s->unit;
    e->unit = s->unit;
    size_t n;
    double *m = run_medians(s, &n);
    l->store[l->n - 1].values = m;
    e->medians = m;
    e->n_medians = compact(m, n);
}

/* A comparison's ratio and CI, with its per-run ratios (slow's run median over fast's) as the
 * entry's medians, so the trend's geometric mean is the comparison's ratio. */
static void add_comparison(entry_list *l, const rzb_result *r, const rzb_comparison *c,
                           rzb_history_entry *e) {
    e->metric = "ratio";
    e->unit = "x";
    e->verdict = rzb_verdict_name(c->verdict);
    if (!c->present) return;
    e->ratio = c->ratio;
    e->lo = c->lo;
    e->hi = c->hi;
    if (c->fast < 0 || c->fast >= r->n_series || c->slow < 0 || c->slow >= r->n_series) return;
    size_t nf, ns;
    double *fast = run_medians(&r->series[c->fast], &nf);
    double *slow = run_medians(&r->series[c->slow], &ns);
    for (size_t i = 0; i < ns; i++)
        slow[i] = i < nf && fast[i] > 0 ? slow[i] / fast[i] : NAN;
    free(fast);
    l->store[l->n - 1].values = slow;
    e->medians = slow;
    e->n_medians = compact(slow, ns);
}

static void add_result(entry_list *l, const rzb_result *r) {
    const char *id = r->claim ? r->claim->id : "unknown";
    for (int i = 0; i < r->n_series; i++)
        add_series(l, id, &r->series[i]);
    for (int i = 0; i < r->n_cmps; i++)
        add_comparison(l, r, &r->cmps[i], add(l, id, r->cmps[i].what));
    rzb_history_entry *claim = add(l, id, NULL);
    add_comparison(l, r, &r->cmp, claim);
    claim->metric = "verdict";
    claim->verdict = rzb_verdict_name(r->verdict);
}

bool rzb_history_append_report(const char *db_path, const rzb_report *rep, const char *kind,
                               char *why, size_t cap) {
    size_t max = 0;
    for (int i = 0; i < rep->n_results; i++)
        max += (size_t)(rep->results[i].n_series + rep->results[i].n_cmps + 1);
    entry_list l = {.entries = calloc(max ? max : 1, sizeof *l.entries),
                    .store = calloc(max ? max : 1, sizeof *l.store)};
    if (!l.entries || !l.store) abort();
    for (int i = 0; i < rep->n_results; i++)
        add_result(&l, &rep->results[i]);
    char machine[17], *fp_json = rzb_fingerprint_json(rep->fp);
    if (!fp_json) abort();
    rzb_history_machine_id(rep->fp, machine);
    const char *commit = rzb_fingerprint_get(rep->fp, "git_commit");
    rzb_history_run run = {.kind = kind,
                           .commit = *commit ? commit : "unknown",
                           .machine = machine,
                           .fingerprint_json = fp_json,
                           .command = rep->command ? rep->command : "",
                           .date_utc = rzb_fingerprint_get(rep->fp, "date_utc"),
                           .entries = l.entries,
                           .n_entries = l.n};
    bool ok = rzb_history_append(db_path, &run, why, cap);
    for (size_t i = 0; i < l.n; i++)
        free(l.store[i].values);
    free(l.entries);
    free(l.store);
    free(fp_json);
    return ok;
}
