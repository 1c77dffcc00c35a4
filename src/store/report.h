/*
 * Read-only access to a daemon's database for `vigil report -c FILE`: opens
 * the file beside a running daemon (WAL readers never block its writer) and
 * finds what an export needs that store.h has no query for; results,
 * events, rollups, alerts, notifications and incidents are read page by
 * page with store.h's queries on report_db_reader().
 */
#ifndef VIGIL_STORE_REPORT_H
#define VIGIL_STORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct report_db;

/*
 * Opens PATH read-only and starts one read transaction, so the whole export
 * sees a single state of the database. Returns the handle (close it with
 * report_db_close), or NULL with a message naming the file in ERR (missing,
 * not a Vigil database, schema too old).
 */
struct report_db *report_db_open(const char *path, char *err, size_t errlen);
/* Ends the transaction and closes. NULL is a no-op. */
void report_db_close(struct report_db *db);
/* A reader for the queries of store.h, valid until report_db_close. */
struct store_reader *report_db_reader(struct report_db *db);

/* A monitor as the monitors and monitor_state tables know it. */
struct report_monitor {
	int64_t key;
	char name[200], type[16], source[16];
	bool has_state; /* false: never checked */
	int status;     /* enum status */
	int64_t since;  /* Unix ms of the last change */
};

/* Finds the monitor with id SLUG: 1 found (OUT filled), 0 unknown, -1 database error. */
int report_monitor_find(struct report_db *db, const char *slug, struct report_monitor *out);

/* A monitor made through the API (strings valid during the callback). */
typedef int (*report_api_monitor_cb)(void *arg, const char *id, const char *body, int64_t created,
                                     int64_t updated);
/* Calls CB for every API monitor in creation order. Returns the count, or -1. */
int report_api_monitors(struct report_db *db, report_api_monitor_cb cb, void *arg);

/* How many results all monitors have with SINCE <= t < UNTIL, or -1. */
int64_t report_results_count(struct report_db *db, int64_t since, int64_t until);
/* Calls CB with the name of every host series ("cpu.percent", ...), by name. */
typedef int (*report_name_cb)(void *arg, const char *name);
int report_host_series(struct report_db *db, report_name_cb cb, void *arg);

#endif
