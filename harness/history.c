#include "harness/history.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/history_db.h"

/* One append: the open database and its three insert statements. */
typedef struct {
    sqlite3 *db;
    const char *path;
    sqlite3_stmt *run, *entry, *median;
    char *why;
    size_t cap;
} appender;

static bool fail(appender *a, const char *what) {
    return rzb_history_db_fail(a->db, a->path, what, a->why, a->cap);
}

static bool run_sql(appender *a, const char *sql, const char *what) {
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_DONE;
    if (!ok) fail(a, what);
    sqlite3_finalize(st);
    return ok;
}

/* Leaves the database as it was before BEGIN; the message of the failure stays in why. */
static void rollback(sqlite3 *db) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "ROLLBACK", -1, &st, NULL) == SQLITE_OK) sqlite3_step(st);
    sqlite3_finalize(st);
}

static bool prepare(appender *a) {
    return (sqlite3_prepare_v2(
                a->db,
                "INSERT INTO runs(kind, git_commit, machine, date_utc, command, fingerprint) VALUES(?, ?, ?, ?, ?, ?)",
                -1, &a->run, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(
                a->db,
                "INSERT INTO entries(run_id, workload, metric, unit, verdict, ratio, lo, hi) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                -1, &a->entry, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(a->db,
                               "INSERT INTO medians(entry_id, run_index, value) VALUES(?, ?, ?)",
                               -1, &a->median, NULL) == SQLITE_OK) ||
           fail(a, "cannot prepare the inserts");
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void bind_real(sqlite3_stmt *st, int i, double v) {
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* Steps an insert and resets it; false with the message when the row is refused. */
static bool insert(appender *a, sqlite3_stmt *st, const char *what) {
    bool ok = sqlite3_step(st) == SQLITE_DONE || fail(a, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ok;
}

static bool insert_entry(appender *a, sqlite3_int64 run_id, const rzb_history_entry *e) {
    sqlite3_bind_int64(a->entry, 1, run_id);
    bind_text(a->entry, 2, e->workload);
    bind_text(a->entry, 3, e->metric);
    bind_text(a->entry, 4, e->unit);
    bind_text(a->entry, 5, e->verdict);
    bind_real(a->entry, 6, e->ratio);
    bind_real(a->entry, 7, e->lo);
    bind_real(a->entry, 8, e->hi);
    if (!insert(a, a->entry, "cannot append an entry")) return false;
    sqlite3_int64 entry_id = sqlite3_last_insert_rowid(a->db);
    for (size_t i = 0; i < e->n_medians; i++) {
        if (!isfinite(e->medians[i])) continue;
        sqlite3_bind_int64(a->median, 1, entry_id);
        sqlite3_bind_int64(a->median, 2, (sqlite3_int64)i);
        sqlite3_bind_double(a->median, 3, e->medians[i]);
        if (!insert(a, a->median, "cannot append a run median")) return false;
    }
    return true;
}

static bool insert_run(appender *a, const rzb_history_run *run) {
    const char *text[] = {run->kind,     run->commit,  run->machine,
                          run->date_utc, run->command, run->fingerprint_json};
    for (int i = 0; i < 6; i++)
        bind_text(a->run, i + 1, text[i]);
    if (!insert(a, a->run, "cannot append the run")) return false;
    sqlite3_int64 run_id = sqlite3_last_insert_rowid(a->db);
    for (size_t i = 0; i < run->n_entries; i++)
        if (!insert_entry(a, run_id, &run->entries[i])) return false;
    return true;
}

bool rzb_history_append(const char *db_path, const rzb_history_run *run, char *why, size_t cap) {
    appender a = {.path = db_path, .why = why, .cap = cap};
    a.db = rzb_history_db_open(db_path, true, why, cap);
    if (!a.db) return false;
    if (!run_sql(&a, "BEGIN IMMEDIATE", "cannot start a transaction")) {
        sqlite3_close(a.db);
        return false;
    }
    bool ok = rzb_history_db_schema(a.db, db_path, true, why, cap) && prepare(&a) &&
              insert_run(&a, run) && run_sql(&a, "COMMIT", "cannot commit");
    sqlite3_finalize(a.run);
    sqlite3_finalize(a.entry);
    sqlite3_finalize(a.median);
    if (!ok) rollback(a.db);
    sqlite3_close(a.db);
    return ok;
}

/* FNV-1a, 64 bits, over the CPU model, the ISA and the core counts. */
void rzb_history_machine_id(const rzb_fingerprint *fp, char out[17]) {
    const char *parts[] = {rzb_fingerprint_get(fp, "cpu"), rzb_fingerprint_get(fp, "isa_available"),
                           rzb_fingerprint_get(fp, "cores")};
    uint64_t h = 0xcbf29ce484222325u;
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i];; p++) {
            h = (h ^ (unsigned char)*p) * 0x100000001b3u;
            if (!*p) break;
        }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
