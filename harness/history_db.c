#include "harness/history_db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { BUSY_TIMEOUT_MS = 10000 };

static const char SCHEMA[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);INSERT INTO meta VALUES('schema_version', '1'), ('created_by', 'rzbench');CREATE TABLE runs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, git_commit TEXT NOT NULL, machine TEXT NOT NULL, date_utc TEXT NOT NULL, command TEXT NOT NULL, fingerprint TEXT NOT NULL);CREATE TABLE entries(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, workload TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL, verdict TEXT NOT NULL, ratio REAL, lo REAL, hi REAL);CREATE TABLE medians(entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE, run_index INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(entry_id, run_index)) WITHOUT ROWID;CREATE INDEX entries_by_workload ON entries(workload, run_id);CREATE INDEX runs_by_commit ON runs(git_commit);";
_Static_assert(RZB_HISTORY_SCHEMA_VERSION == 1, "SCHEMA's meta row names the version");

bool rzb_history_db_fail(sqlite3 *db, const char *path, const char *what, char *why, size_t cap) {
    snprintf(why, cap, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "out of memory");
    return false;
}

/* Runs each statement of sql in turn. */
static bool run_script(sqlite3 *db, const char *sql) {
    while (*sql) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, &sql) != SQLITE_OK) return false;
        if (!st) break;
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) return false;
    }
    return true;
}

/* One integer from a query with no parameters; false when it fails or gives no row. */
static bool query_int(sqlite3 *db, const char *sql, long long *out) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok) *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return ok;
}

bool rzb_history_db_schema(sqlite3 *db, const char *path, bool create, char *why, size_t cap) {
    long long tables, version;
    if (!query_int(db, "SELECT count(*) FROM sqlite_master", &tables))
        return rzb_history_db_fail(db, path, "cannot read the database", why, cap);
    if (tables == 0 && create)
        return run_script(db, SCHEMA) ||
               rzb_history_db_fail(db, path, "cannot create the history tables", why, cap);
    if (!query_int(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'",
                   &version))
        return rzb_history_db_fail(db, path, "not an rzbench history database", why, cap);
    if (version != RZB_HISTORY_SCHEMA_VERSION) {
        snprintf(why, cap, "%s: history schema version %lld; this rzbench reads version %d", path,
                 version, RZB_HISTORY_SCHEMA_VERSION);
        return false;
    }
    return true;
}

/* mkdir -p of the folder that holds path. */
static bool make_parent(const char *path, char *why, size_t cap) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return true;
    *slash = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        int rc = mkdir(dir, 0755);
        *p = '/';
        if (rc != 0 && errno != EEXIST) break;
    }
    if (mkdir(dir, 0755) == 0 || errno == EEXIST) return true;
    snprintf(why, cap, "%s: cannot create the folder %s: %s", path, dir, strerror(errno));
    return false;
}

sqlite3 *rzb_history_db_open(const char *path, bool write, char *why, size_t cap) {
    if (write && !make_parent(path, why, cap)) return NULL;
    int flags = write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    sqlite3 *db = NULL;
    bool ok = sqlite3_open_v2(path, &db, flags, NULL) == SQLITE_OK;
    if (!ok) rzb_history_db_fail(db, path, "cannot open", why, cap);
    if (ok) sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    ok = ok && (run_script(db, "PRAGMA foreign_keys = ON") ||
                rzb_history_db_fail(db, path, "cannot enable foreign keys", why, cap));
    ok = ok && (write || rzb_history_db_schema(db, path, false, why, cap));
    if (!ok) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}
