/* The SQLite backend: WAL, one writer connection, cached statements, migrations. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "store/store_int.h"
#include "util/embed.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

extern const struct embed_file vigil_migrations_sqlite[];

int sq_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	sqlite3_free(msg);
	return rc;
}

/* Explains an SQLite failure on PATH in words a user can act on. */
static void describe(sqlite3 *db, int rc, const char *path, const char *doing, char *err,
                     size_t errlen)
{
	int sys = db ? sqlite3_system_errno(db) : 0;

	if (sys == ENOSPC || sys == EFBIG || sys == EDQUOT) {
		snprintf(err, errlen, "%s: %s: the disk is full (%s)", path, doing, strerror(sys));
		return;
	}
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		snprintf(err, errlen, "%s: not a SQLite database (or it is encrypted)", path);
		break;
	case SQLITE_FULL:
		snprintf(err, errlen, "%s: %s: the disk is full", path, doing);
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		snprintf(err, errlen, "%s: %s: cannot write the database or its directory%s%s",
		         path, doing, sys ? ": " : "", sys ? strerror(sys) : "");
		break;
	case SQLITE_CORRUPT:
		snprintf(err, errlen, "%s: the database is corrupt", path);
		break;
	default:
		snprintf(err, errlen, "%s: %s: %s%s%s", path, doing,
		         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), sys ? ": " : "",
		         sys ? strerror(sys) : "");
		break;
	}
}

static void sq_close(void *p)
{
	struct sq *q = p;

	if (q == NULL)
		return;
	sq_finalize_ops(q);
	if (q->db != NULL && sqlite3_close(q->db) != SQLITE_OK)
		log_warnx("store: %s: close: %s", q->path, sqlite3_errmsg(q->db));
	if (q->lockfd >= 0)
		close(q->lockfd); /* after SQLite: closing an fd drops POSIX locks */
	free(q->path);
	free(q);
}

/* Opens and locks the file before SQLite sees it, for clear errors. */
static int take_lock(struct sq *q, char *err, size_t errlen)
{
	q->lockfd = open(q->path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (q->lockfd < 0) {
		snprintf(err, errlen, "%s: cannot open the database: %s", q->path, strerror(errno));
		return -1;
	}
	if (flock(q->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen,
			         "%s: the database is in use by another vigil process (one writer "
			         "per "
			         "database)",
			         q->path);
		else
			snprintf(err, errlen, "%s: cannot lock the database: %s", q->path,
			         strerror(errno));
		return -1;
	}
	return 0;
}

static int set_pragmas(struct sq *q, char *err, size_t errlen)
{
	static const char *const pragmas[] = {
		"PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000",
		"PRAGMA temp_store=MEMORY",  "PRAGMA journal_size_limit=67108864",
		"PRAGMA foreign_keys=ON",    "PRAGMA cache_size=-8000",
	};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	/* auto_vacuum only takes on an empty database; it lets retention give space back. */
	rc = sq_exec(q->db, "PRAGMA auto_vacuum=INCREMENTAL");
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(q->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
		snprintf(err, errlen, "%s: cannot switch the database to WAL mode", q->path);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		describe(q->db, rc, q->path, "cannot open the database", err, errlen);
		return -1;
	}
	for (i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++) {
		rc = sq_exec(q->db, pragmas[i]);
		if (rc != SQLITE_OK) {
			describe(q->db, rc, q->path, pragmas[i], err, errlen);
			return -1;
		}
	}
	return 0;
}

static void *sq_open(const char *path, char *err, size_t errlen)
{
	struct sq *q = xcalloc(1, sizeof(*q));
	int rc;

	q->lockfd = -1;
	q->path = xstrdup(path);
	if (take_lock(q, err, errlen) < 0)
		goto fail;
	rc = sqlite3_open_v2(path, &q->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                     NULL);
	if (rc != SQLITE_OK) {
		describe(q->db, rc, path, "cannot open the database", err, errlen);
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	if (set_pragmas(q, err, errlen) < 0)
		goto fail;
	if (sq_register_functions(q->db) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot register SQL functions", path);
		goto fail;
	}
	return q;
fail:
	sq_close(q);
	return NULL;
}

/* Reads "NNNN_name.sql" into NNNN, or -1. */
static int migration_version(const char *name)
{
	int v = 0, digits = 0;

	for (; *name >= '0' && *name <= '9'; name++, digits++)
		v = v * 10 + (*name - '0');
	return digits > 0 && *name == '_' ? v : -1;
}

static int query_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int record_migration(sqlite3 *db, int version, const char *name)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db,
	                            "INSERT INTO schema_migrations(version, name, applied_at) "
	                            "VALUES (?1, ?2, ?3)",
	                            -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int(st, 1, version);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, time_wall_ms());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Applies every embedded migration newer than CURRENT in one transaction. */
static int apply_pending(struct sq *q, int current, int *applied, char *err, size_t errlen)
{
	const struct embed_file *m;
	int rc = sq_exec(q->db, "BEGIN IMMEDIATE");

	for (m = vigil_migrations_sqlite; rc == SQLITE_OK && m->name != NULL; m++) {
		int v = migration_version(m->name);

		if (v <= current)
			continue;
		rc = sq_exec(q->db, (const char *)m->data);
		if (rc == SQLITE_OK)
			rc = record_migration(q->db, v, m->name);
		if (rc != SQLITE_OK) {
			char what[128];

			snprintf(what, sizeof(what), "migration %s failed", m->name);
			describe(q->db, rc, q->path, what, err, errlen);
			sq_exec(q->db, "ROLLBACK");
			return -1;
		}
		(*applied)++;
	}
	if (rc == SQLITE_OK)
		rc = sq_exec(q->db, "COMMIT");
	if (rc != SQLITE_OK) {
		describe(q->db, rc, q->path, "cannot apply migrations", err, errlen);
		sq_exec(q->db, "ROLLBACK");
		return -1;
	}
	return 0;
}

static int sq_migrate(void *p, int *version, int *count, char *err, size_t errlen)
{
	struct sq *q = p;
	const struct embed_file *m;
	int current = 0, known = 0, applied = 0, rc;

	rc = sq_exec(
	        q->db,
	        "CREATE TABLE IF NOT EXISTS schema_migrations ("
	        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "SELECT coalesce(max(version), 0) FROM schema_migrations",
		               &current);
	if (rc != SQLITE_OK) {
		describe(q->db, rc, q->path, "cannot read the schema version", err, errlen);
		return -1;
	}
	for (m = vigil_migrations_sqlite; m->name != NULL; m++)
		if (migration_version(m->name) > known)
			known = migration_version(m->name);
	if (current > known) {
		snprintf(err, errlen,
		         "%s: the database has schema version %d, newer than this vigil knows (%d)",
		         q->path, current, known);
		return -1;
	}
	if (current < known && apply_pending(q, current, &applied, err, errlen) < 0)
		return -1;
	if (applied)
		log_info("store: %s: applied %d migration%s (schema version %d)", q->path, applied,
		         applied == 1 ? "" : "s", known);
	*version = known;
	if (query_int(q->db, "SELECT count(*) FROM schema_migrations", count) != SQLITE_OK)
		*count = applied;
	return 0;
}

static int sq_begin(void *p)
{
	return sq_exec(((struct sq *)p)->db, "BEGIN IMMEDIATE") == SQLITE_OK ? 0 : -1;
}

static int sq_commit(void *p)
{
	return sq_exec(((struct sq *)p)->db, "COMMIT") == SQLITE_OK ? 0 : -1;
}

/*
 * WAL with synchronous=NORMAL may lose the last commits on power loss (never
 * corrupts); an alert and its outbox must not be lost: FULL syncs the WAL.
 */
static void sq_durable(void *p, bool on)
{
	(void)sq_exec(((struct sq *)p)->db,
	              on ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

static void sq_rollback(void *p)
{
	struct sq *q = p;

	if (!sqlite3_get_autocommit(q->db))
		sq_exec(q->db, "ROLLBACK");
}

static void sq_optimize(void *p)
{
	struct sq *q = p;

	if (sq_exec(q->db, "PRAGMA optimize") != SQLITE_OK)
		log_warnx("store: %s: PRAGMA optimize: %s", q->path, sqlite3_errmsg(q->db));
}

static const char *sq_errmsg(void *p)
{
	return sqlite3_errmsg(((struct sq *)p)->db);
}

static void *sq_open_reader(const char *path)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc == SQLITE_OK)
		rc = sq_exec(db, "PRAGMA busy_timeout=5000");
	if (rc == SQLITE_OK)
		rc = sq_exec(db, "PRAGMA query_only=1");
	if (rc != SQLITE_OK) {
		log_warnx("store: %s: cannot open a reader: %s", path,
		          db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static void sq_close_reader(void *r)
{
	sqlite3_close(r);
}

static int sq_reader_schema_version(void *r)
{
	int v = -1;

	if (query_int(r, "SELECT coalesce(max(version), 0) FROM schema_migrations", &v) !=
	    SQLITE_OK)
		return -1;
	return v;
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.open = sq_open,
	.migrate = sq_migrate,
	.begin = sq_begin,
	.apply = sq_apply,
	.commit = sq_commit,
	.durable = sq_durable,
	.rollback = sq_rollback,
	.optimize = sq_optimize,
	.errmsg = sq_errmsg,
	.close = sq_close,
	.open_reader = sq_open_reader,
	.close_reader = sq_close_reader,
	.reader_schema_version = sq_reader_schema_version,
	.results = sq_results,
	.events = sq_events,
	.rollup_sum = sq_rollup_sum,
	.boot = sq_boot,
	.host_query = sq_host_query,
	.requests = sq_requests,
	.security_counts = sq_security_counts,
	.security_top = sq_security_top,
	.blocks_count = sq_blocks_count,
	.blocks_active = sq_blocks_active,
	.alerts = sq_alerts,
	.notifications = sq_notifications,
	.incidents = sq_incidents,
	.incident_updates = sq_incident_updates,
	.trim = sq_trim,
};
