/* Internals of `vigil report` shared by its files: the streaming writer and the two sources. */
#ifndef VIGIL_CLI_REPORT_INT_H
#define VIGIL_CLI_REPORT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

#define REPORT_PAGE     1000 /* rows asked for at once */
#define REPORT_PAGE_INC 500  /* incidents: the API's cap */
#define REPORT_DEPTH    8    /* nesting of the JSON document (4 used) */

struct secret_set;
struct vigil_config;
struct report_db;

/* The latency figures of a window, built as results stream by. */
struct figures {
	uint64_t up, degraded, down, other, nlat;
	int64_t sum_us, min_us, max_us;
	uint32_t hist[STORE_HIST_BUCKETS];
};

/* The export being written. */
struct rep_out {
	FILE *f;
	bool csv;
	const struct secret_set *secrets; /* scrubbed from every record (database mode) */
	int depth;
	bool first[REPORT_DEPTH];
	int64_t since, until;
	const char *mon; /* the id of the monitor being written */
	struct figures fig;
	int64_t n_results, n_events, n_monitors, n_series, n_points, n_alerts, n_notes, n_inc;
	bool progress; /* draw a bar on stderr */
	int64_t done, total, drawn_ns;
	const char *unit; /* of done and total */
};

/*
 * The writer. Every function that takes a json_t takes its reference. The
 * document is written in this order: rep_begin; per monitor
 * rep_monitor_begin, rep_result..., rep_events_begin, rep_event...,
 * rep_monitor_end; rep_section("host_series") with rep_series_begin,
 * rep_series_point..., rep_series_end; rep_section("alerts") with
 * rep_alert...; the same for "notifications" and "incidents"; rep_end.
 * Alerts, notifications, incidents and events outside the window are
 * dropped here, so both sources filter alike.
 */
void rep_begin(struct rep_out *o, const char *source);
void rep_monitor_begin(struct rep_out *o, json_t *head, const char *id);
void rep_result(struct rep_out *o, json_t *r);
void rep_events_begin(struct rep_out *o);
void rep_event(struct rep_out *o, json_t *e);
void rep_monitor_end(struct rep_out *o);
void rep_section(struct rep_out *o, const char *name);
void rep_series_begin(struct rep_out *o, const char *metric, int64_t step_s);
void rep_series_point(struct rep_out *o, const char *metric, json_t *p);
void rep_series_end(struct rep_out *o);
void rep_alert(struct rep_out *o, json_t *a);
void rep_notification(struct rep_out *o, json_t *n);
void rep_incident(struct rep_out *o, json_t *inc);
void rep_end(struct rep_out *o);

/* Counts ADD units done and redraws the bar (at most every 100 ms). */
void rep_progress(struct rep_out *o, int64_t add);
/* Erases the bar. */
void rep_progress_end(struct rep_out *o);

/* RFC 3339 of Unix MS, or null for 0. */
json_t *rep_time_json(int64_t ms);
/* A latency in ms rounded to the µs, or null when < 0. */
json_t *rep_ms_json(double ms);

/*
 * Writes the export from the database DB (at PATH) with the monitors of
 * CFG. Returns 0, or -1 with ERR.
 */
int report_from_db(struct rep_out *o, struct vigil_config *cfg, struct report_db *db,
                   const char *path, char *err, size_t errlen);

#endif
