#include "harness/history_read.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/history_db.h"
#include "harness/stats.h"

static const char TREND_SQL[] =
    "WITH c AS (SELECT git_commit,  ROW_NUMBER() OVER (ORDER BY MIN(date_utc), MIN(id)) - 1 AS ord FROM runs  GROUP BY git_commit) SELECT e.workload, e.metric, e.unit, r.machine, r.git_commit, c.ord, r.date_utc,  e.verdict, e.ratio, e.lo, e.hi, m.value FROM entries e JOIN runs r ON r.id = e.run_id JOIN c ON c.git_commit = r.git_commit LEFT JOIN medians m ON m.entry_id = e.id WHERE (?1 IS NULL OR e.workload = ?1)  AND (?2 IS NULL OR substr(r.machine, 1, length(?2)) = ?2) ORDER BY e.workload, e.metric, e.unit, r.machine, c.ord, r.id, e.id, m.run_index";

enum {
    COL_WORKLOAD,
    COL_METRIC,
    COL_UNIT,
    COL_MACHINE,
    COL_COMMIT,
    COL_ORDER,
    COL_DATE,
    COL_VERDICT,
    COL_RATIO,
    COL_LO,
    COL_HI,
    COL_VALUE
};

/* Doubles the capacity of an array of n items of `size` bytes when it is full. */
static void *grow(void *p, size_t n, size_t *cap, size_t size) {
    if (n < *cap) return p;
    *cap = *cap ? 2 * *cap : 8;
    p = realloc(p, *cap * size);
    if (!p) abort();
    return p;
}

static const char *text(sqlite3_stmt *st, int col) {
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? (const char *)s : "";
}

static double real(sqlite3_stmt *st, int col) {
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

static void short_hash(const char *commit, char out[16]) {
    size_t n = strspn(commit, "0123456789abcdef");
    if (n == 0) n = strcspn(commit, " ");
    snprintf(out, 16, "%.*s%s", (int)(n < 7 ? n : 7), commit, strstr(commit, "dirty") ? "+" : "");
}

/* The assembly of trends from the query's rows, which come grouped and ordered. */
typedef struct {
    rzb_history *h;
    size_t trends_cap, points_cap, values_cap;
} reader;

static bool same_trend(const rzb_trend *t, sqlite3_stmt *st) {
    return !strcmp(t->workload, text(st, COL_WORKLOAD)) &&
           !strcmp(t->metric, text(st, COL_METRIC)) && !strcmp(t->unit, text(st, COL_UNIT)) &&
           !strcmp(t->machine, text(st, COL_MACHINE));
}

static rzb_trend *trend_for(reader *r, sqlite3_stmt *st) {
    rzb_history *h = r->h;
    if (h->n && same_trend(&h->trends[h->n - 1], st)) return &h->trends[h->n - 1];
    h->trends = grow(h->trends, h->n, &r->trends_cap, sizeof *h->trends);
    rzb_trend *t = &h->trends[h->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->workload, sizeof t->workload, "%s", text(st, COL_WORKLOAD));
    snprintf(t->metric, sizeof t->metric, "%s", text(st, COL_METRIC));
    snprintf(t->unit, sizeof t->unit, "%s", text(st, COL_UNIT));
    snprintf(t->machine, sizeof t->machine, "%s", text(st, COL_MACHINE));
    r->points_cap = 0;
    return t;
}

static rzb_trend_point *point_for(reader *r, rzb_trend *t, sqlite3_stmt *st) {
    long order = (long)sqlite3_column_int64(st, COL_ORDER);
    if (t->n_points && t->points[t->n_points - 1].order == order)
        return &t->points[t->n_points - 1];
    t->points = grow(t->points, t->n_points, &r->points_cap, sizeof *t->points);
    rzb_trend_point *p = &t->points[t->n_points++];
    *p = (rzb_trend_point){.order = order, .lo = NAN, .hi = NAN, .step = -1};
    snprintf(p->commit, sizeof p->commit, "%s", text(st, COL_COMMIT));
    short_hash(p->commit, p->short_hash);
    snprintf(p->date, sizeof p->date, "%s", text(st, COL_DATE));
    r->values_cap = 0;
    return p;
}

static void push_value(reader *r, rzb_trend_point *p, double v) {
    if (!(v > 0) || !isfinite(v)) return;
    p->values = grow(p->values, p->n, &r->values_cap, sizeof *p->values);
    p->values[p->n++] = v;
}

/* One row: one run median, or an entry without medians (its ratio stands for it). */
static void add_row(reader *r, sqlite3_stmt *st) {
    rzb_trend *t = trend_for(r, st);
    rzb_trend_point *p = point_for(r, t, st);
    if (*text(st, COL_VERDICT))
        snprintf(p->verdict, sizeof p->verdict, "%s", text(st, COL_VERDICT));
    if (sqlite3_column_type(st, COL_VALUE) != SQLITE_NULL) {
        push_value(r, p, sqlite3_column_double(st, COL_VALUE));
        return;
    }
    push_value(r, p, real(st, COL_RATIO));
    p->lo = real(st, COL_LO);
    p->hi = real(st, COL_HI);
}

/* Each point's geometric mean and CI, and its change against the previous point with values. */
static void point_figures(rzb_trend *t) {
    double prev = NAN;
    for (size_t i = 0; i < t->n_points; i++) {
        rzb_trend_point *p = &t->points[i];
        p->gmean = p->n ? p->values[0] : NAN;
        if (p->n != 1) p->lo = p->hi = NAN;
        if (p->n >= 2) rzb_log_mean_ci(p->values, p->n, 0.95, &p->gmean, &p->lo, &p->hi);
        p->change = p->gmean / prev - 1;
        if (p->n) prev = p->gmean;
    }
}

/* The steps over the points that have values, indexed back to all points. */
static void find_steps(rzb_trend *t) {
    size_t total = 0, k = 0, *start = malloc((t->n_points + 1) * sizeof *start);
    size_t *index = malloc((t->n_points + 1) * sizeof *index);
    for (size_t i = 0; i < t->n_points; i++)
        total += t->points[i].n;
    double *values = malloc((total ? total : 1) * sizeof *values);
    t->steps = malloc((t->n_points + 1) * sizeof *t->steps);
    if (!start || !index || !values || !t->steps) abort();
    start[0] = 0;
    for (size_t i = 0; i < t->n_points; i++) {
        if (!t->points[i].n) continue;
        memcpy(values + start[k], t->points[i].values, t->points[i].n * sizeof *values);
        index[k] = i;
        start[k + 1] = start[k] + t->points[i].n;
        k++;
    }
    rzb_cp_options opt = RZB_CP_DEFAULTS;
    t->n_steps = rzb_changepoints(values, start, k, &opt, t->steps, t->n_points + 1);
    for (size_t i = 0; i < t->n_steps; i++) {
        t->steps[i].at = index[t->steps[i].at];
        t->points[t->steps[i].at].step = (int)i;
    }
    free(start);
    free(index);
    free(values);
}

/* "CPU; ISA" from the machine's latest fingerprint. */
static void machine_text(sqlite3 *db, rzb_trend *t) {
    sqlite3_stmt *st;
    snprintf(t->machine_text, sizeof t->machine_text, "unknown CPU");
    if (sqlite3_prepare_v2(
            db, "SELECT fingerprint FROM runs WHERE machine = ? ORDER BY id DESC LIMIT 1", -1, &st,
            NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, t->machine, -1, SQLITE_STATIC);
    cJSON *fp = sqlite3_step(st) == SQLITE_ROW ? cJSON_Parse(text(st, 0)) : NULL;
    const char *cpu = cJSON_GetStringValue(cJSON_GetObjectItem(fp, "cpu"));
    const char *isa = cJSON_GetStringValue(cJSON_GetObjectItem(fp, "isa_available"));
    if (cpu || isa)
        snprintf(t->machine_text, sizeof t->machine_text, "%s; %s", cpu ? cpu : "unknown CPU",
                 isa && *isa ? isa : "no SIMD extensions listed");
    cJSON_Delete(fp);
    sqlite3_finalize(st);
}

static bool count(sqlite3 *db, const char *sql, long *out) {
    sqlite3_stmt *st;
    bool ok =
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    if (ok) *out = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return ok;
}

static bool read_rows(sqlite3 *db, const char *path, const char *workload, const char *machine,
                      rzb_history *h, char *why, size_t cap) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, TREND_SQL, -1, &st, NULL) != SQLITE_OK)
        return rzb_history_db_fail(db, path, "cannot query the trends", why, cap);
    sqlite3_bind_text(st, 1, workload, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, machine, -1, SQLITE_STATIC);
    reader r = {.h = h};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        add_row(&r, st);
    bool ok =
        rc == SQLITE_DONE || rzb_history_db_fail(db, path, "cannot read the trends", why, cap);
    sqlite3_finalize(st);
    return ok;
}

bool rzb_history_read(const char *db_path, const char *workload, const char *machine,
                      rzb_history *out, char *why, size_t cap) {
    memset(out, 0, sizeof *out);
    sqlite3 *db = rzb_history_db_open(db_path, false, why, cap);
    if (!db) return false;
    bool ok = (count(db, "SELECT count(*) FROM runs", &out->runs) &&
               count(db, "SELECT count(DISTINCT git_commit) FROM runs", &out->commits)) ||
              rzb_history_db_fail(db, db_path, "cannot count the runs", why, cap);
    ok = ok && read_rows(db, db_path, workload, machine, out, why, cap);
    for (size_t i = 0; ok && i < out->n; i++) {
        point_figures(&out->trends[i]);
        find_steps(&out->trends[i]);
        machine_text(db, &out->trends[i]);
    }
    sqlite3_close(db);
    if (!ok) rzb_history_free(out);
    return ok;
}

void rzb_history_free(rzb_history *h) {
    for (size_t i = 0; i < h->n; i++) {
        for (size_t j = 0; j < h->trends[i].n_points; j++)
            free(h->trends[i].points[j].values);
        free(h->trends[i].points);
        free(h->trends[i].steps);
    }
    free(h->trends);
    memset(h, 0, sizeof *h);
}

bool rzb_history_names(const char *db_path, bool machines, size_t max, char *out, size_t out_cap,
                       size_t *total, char *why, size_t cap) {
    sqlite3 *db = rzb_history_db_open(db_path, false, why, cap);
    if (!db) return false;
    const char *sql = machines ? "SELECT DISTINCT machine FROM runs ORDER BY machine"
                               : "SELECT DISTINCT workload FROM entries ORDER BY workload";
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
    size_t used = 0;
    out[0] = 0;
    *total = 0;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        if (*total < max && used < out_cap)
            used += (size_t)snprintf(out + used, out_cap - used, "%s'%s'", used ? ", " : "",
                                     text(st, 0));
        ++*total;
    }
    if (!ok) rzb_history_db_fail(db, db_path, "cannot list the names", why, cap);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}
