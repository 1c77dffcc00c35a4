/*
 * The data behind `vigil top` and `vigil status`: the daemon's API answers
 * (JSON) parsed into plain structs, and the pure functions that sort, filter
 * and summarize them. Nothing here touches a terminal or the network, so the
 * unit tests drive it directly.
 */
#ifndef VIGIL_TUI_MODEL_H
#define VIGIL_TUI_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEL_SPARK   40  /* latencies kept per monitor for the sparkline */
#define MODEL_RESULTS 100 /* results kept in a detail view */
#define MODEL_EVENTS  50  /* events kept in a detail view */

/* One monitor as GET /api/v1/monitors lists it. Strings are display-safe (no control bytes). */
struct model_monitor {
	char id[128], name[160], group[96], type[16];
	char status[16]; /* up degraded down unknown paused maintenance (or what the API said) */
	char reason[40]; /* of the last result; "" before the first */
	char message[200];
	char last_time[40];        /* RFC 3339 of the last result; "" none */
	double latency_ms;         /* of the last result; < 0 none */
	double uptime;             /* 24 h, 0..1; < 0 none */
	double spark[MODEL_SPARK]; /* recent latencies, oldest first; < 0: a check without one */
	size_t nspark;
	bool seeded; /* the sparkline was filled from the stored results once */
};

/* A firing alert (GET /api/v1/alerts?state=firing). */
struct model_alert {
	int64_t id;
	char monitor[128], rule[32], severity[16], state[16], started[40];
	char message[200], acked_by[64]; /* acked_by "" when not acknowledged */
};

/* This machine's gauges (GET /api/v1/host). */
struct model_host {
	bool have;   /* false: no sample (or host metrics are off) */
	double cpu;  /* busy % */
	double mem;  /* used % */
	double disk; /* used % of the fullest watched filesystem */
	char disk_mount[64];
	double load1, load5, load15;
	int cpus;
	char hostname[64];
};

struct model {
	struct model_monitor *mon;
	size_t nmon;
	struct model_alert *alerts;
	size_t nalerts;
	struct model_host host;
};

/* One stored check or state change, for the detail view. */
struct model_result {
	char time[40], status[16], reason[40], message[160];
	double latency_ms; /* < 0 none */
};
struct model_event {
	char time[40], from[16], to[16], reason[40], message[160];
};

/* GET /api/v1/monitors/{id} with its recent results and events. */
struct model_detail {
	struct model_monitor m;
	char since[40];
	double up24, up7, up30; /* < 0 none */
	int64_t checks;
	int failures, successes;
	char next_check[40];
	struct model_result results[MODEL_RESULTS];
	size_t nresults;
	struct model_event events[MODEL_EVENTS];
	size_t nevents;
};

enum model_sort {
	MODEL_SORT_STATE,
	MODEL_SORT_NAME,
	MODEL_SORT_LATENCY,
	MODEL_SORT_UPTIME,
	MODEL_SORTS
};
const char *model_sort_str(enum model_sort s);

/* Nagios words of the overall state. */
enum model_overall { MODEL_OK, MODEL_WARNING, MODEL_CRITICAL, MODEL_UNKNOWN };
const char *model_overall_str(enum model_overall o);

void model_init(struct model *m);
void model_free(struct model *m);

/*
 * Replaces the monitors of M with those of DOC (an answer of GET
 * /api/v1/monitors), keeping the sparkline of every monitor whose id stays
 * and appending each new last result's latency to it. Items without an id
 * are skipped. Returns 0, or -1 with ERR when DOC has no "monitors" list
 * (M is unchanged then).
 */
int model_set_monitors(struct model *m, const json_t *doc, char *err, size_t errlen);
/* Replaces the alerts with DOC's (GET /api/v1/alerts); -1 with ERR when it has no list. */
int model_set_alerts(struct model *m, const json_t *doc, char *err, size_t errlen);
/* Fills H from DOC (GET /api/v1/host); fields absent stay at -1. -1 with ERR if not an object. */
int model_set_host(struct model_host *h, const json_t *doc, char *err, size_t errlen);
/*
 * Replaces MM's sparkline with the latencies of DOC (GET .../results, newest
 * first), plus MM's last result when it is newer than any of them, and marks
 * it seeded. Returns the stored points used.
 */
size_t model_seed_spark(struct model_monitor *mm, const json_t *doc);
/* The monitor with ID, or NULL. */
struct model_monitor *model_find(struct model *m, const char *id);

/*
 * Writes into IDX (room for CAP) the indices of the monitors of M that
 * match FILTER (case-insensitive substring of the name, id, group, type,
 * status or reason; NULL or "" matches all), in the order of SORT. Returns
 * how many.
 */
size_t model_view(const struct model *m, enum model_sort sort, const char *filter, size_t *idx,
                  size_t cap);
/* True when MM matches FILTER as model_view defines it. */
bool model_matches(const struct model_monitor *mm, const char *filter);

/* The worst state of M's monitors: down CRITICAL, degraded WARNING, else OK. */
enum model_overall model_overall(const struct model *m);
/* How many monitors of M have STATUS. */
size_t model_count(const struct model *m, const char *status);
/* Sort rank of a status word: down 0, degraded 1, unknown 2, maintenance 3, paused 4, up 5. */
int model_rank(const char *status);

/*
 * Draws the last WIDTH values of V (N of them, oldest first) as a sparkline
 * into OUT (SIZE bytes, NUL-terminated, always): one cell per value scaled
 * between the smallest and the largest, a space for a value < 0, with the
 * UTF-8 blocks "▁▂▃▄▅▆▇█" or, with ASCII, "_.-=+*#@". Returns the cells drawn.
 */
size_t model_sparkline(const double *v, size_t n, size_t width, bool ascii, char *out, size_t size);

/* Fills D from the answers of GET /api/v1/monitors/{id}, /results and /events (NULLs skipped). */
int model_set_detail(struct model_detail *d, const json_t *mon, const json_t *results,
                     const json_t *events, char *err, size_t errlen);

/* Copies S into OUT (SIZE bytes) with every control byte as '?', truncated on a UTF-8 boundary. */
void model_copy(char *out, size_t size, const char *s);

/* Formats a latency for a column: "12.3ms", "1.25s", "-" for none. */
void model_fmt_latency(double ms, char *out, size_t size);
/* Formats an uptime ratio: "99.93%", "-" for none. */
void model_fmt_uptime(double ratio, char *out, size_t size);

#endif
