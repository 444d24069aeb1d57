/* rzb_history_db: opening an rzbench history database and its schema (version
 * RZB_HISTORY_SCHEMA_VERSION, kept in the `meta` table):
 *   meta(key, value)                     schema_version, created_by
 *   runs(id, kind, git_commit, machine, date_utc, command, fingerprint)   one rzbench run
 *   entries(id, run_id -> runs, workload, metric, unit, verdict, ratio, lo, hi)   NaN as NULL
 *   medians(entry_id -> entries, run_index, value)   the entry's run medians
 * Contract: every error names the path and carries SQLite's message; a file that is not a history
 * database, or has another schema version, is refused, never modified. */
#ifndef RZB_HISTORY_DB_H
#define RZB_HISTORY_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define RZB_HISTORY_SCHEMA_VERSION 1

/* Opens for reading (the schema checked) or for appending (the parent folder and the file created
 * when absent; the schema is left to rzb_history_db_schema inside the writer's transaction).
 * Sets foreign_keys=ON and a busy timeout. Returns NULL with a message in why on failure. */
sqlite3 *rzb_history_db_open(const char *path, bool write, char *why, size_t cap);

/* Checks the schema; when `create` and the database is empty, creates it first. */
bool rzb_history_db_schema(sqlite3 *db, const char *path, bool create, char *why, size_t cap);

/* Writes "PATH: WHAT: SQLite's message" to why and returns false. */
bool rzb_history_db_fail(sqlite3 *db, const char *path, const char *what, char *why, size_t cap);

#endif
