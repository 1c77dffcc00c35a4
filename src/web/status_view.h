/*
 * What the public status page shows: built from an engine snapshot (public
 * monitors only, under their display names; never a URL, host, address,
 * port or raw error text) by status_view.c, and rendered by the status
 * page's renderers (HTML page, incident page, JSON, badges, feeds) without
 * touching anything else. Every string is borrowed from the snapshot or the
 * view's own arena and lives as long as the view.
 */
#ifndef VIGIL_WEB_STATUS_VIEW_H
#define VIGIL_WEB_STATUS_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATUS_DAYS    90 /* days of uptime bars */
#define STATUS_HOURS   24 /* points of the response-time chart */
#define STATUS_HISTORY 14 /* days of incident history */

/* A component's state, as status pages word it. */
enum status_state {
	STATE_OPERATIONAL,    /* "operational" */
	STATE_DEGRADED,       /* "degraded_performance" */
	STATE_PARTIAL_OUTAGE, /* "partial_outage" */
	STATE_MAJOR_OUTAGE,   /* "major_outage" */
	STATE_MAINTENANCE,    /* "under_maintenance" */
	STATE_COUNT
};
/* The state's word ("operational", ...) and its label ("Operational", "Degraded Performance"...). */
const char *status_state_word(enum status_state s);
const char *status_state_label(enum status_state s);

/* The page's banner, from the components' states. */
enum status_banner {
	BANNER_OPERATIONAL, /* "All Systems Operational" */
	BANNER_DEGRADED,    /* "Degraded Performance" */
	BANNER_PARTIAL,     /* "Partial Outage" */
	BANNER_MAJOR,       /* "Major Outage" */
	BANNER_MAINTENANCE, /* "Under Maintenance" */
	BANNER_COUNT
};
const char *status_banner_word(enum status_banner b); /* "operational", "degraded"... */
const char *status_banner_label(enum status_banner b);

/* One day of a component's uptime bar. */
struct status_day {
	int64_t start_ms; /* midnight UTC that begins it */
	double uptime;    /* percent 0..100, or -1: no data that day */
	int incidents;    /* incidents of the component that began that day */
};

/* One hour of a component's response-time chart. */
struct status_point {
	int64_t start_ms;  /* the hour's start */
	double latency_ms; /* mean of that hour's results, -1: none */
};

struct status_component {
	const char *id;    /* the monitor's slug (badge URLs) */
	const char *name;  /* its display name */
	const char *group; /* or NULL */
	enum status_state state;
	double uptime_24h, uptime_7d, uptime_30d, uptime_90d; /* percent, -1 unknown */
	double latency_ms;                                    /* of the last result, -1 none */
	struct status_day days[STATUS_DAYS];                  /* oldest first; the last is today */
	struct status_point hours[STATUS_HOURS]; /* oldest first; the last is this hour */
};

struct status_update {
	int64_t t_ms;
	const char *status;  /* investigating identified monitoring resolved scheduled */
	const char *message; /* written by an operator, or Vigil's own ("API is down") */
};

struct status_incident {
	int64_t id;
	const char *title;
	const char *impact;              /* none minor major critical */
	const char *status;              /* its latest update's status */
	int64_t started_ms, resolved_ms; /* resolved 0: open */
	const char *const *components;   /* display names of the public monitors it affects */
	size_t ncomponents;
	const struct status_update *updates; /* newest first */
	size_t nupdates;
};

struct status_maintenance {
	const char *name;
	int64_t start_ms, end_ms; /* the occurrence running now, or the next one */
	bool active;
	const char *const *components; /* display names; none: every component */
	size_t ncomponents;
};

struct status_theme {
	const char *primary, *operational, *degraded, *outage, *maintenance; /* #rgb, #rrggbb */
	int mode; /* 0 auto (prefers-color-scheme), 1 light, 2 dark */
};

/* How the main page shows its components (status_page.layout). */
enum status_layout {
	LAYOUT_AUTO,    /* full up to STATUS_FULL_MAX components, compact above */
	LAYOUT_FULL,    /* each with day tooltips, uptimes and response-time chart */
	LAYOUT_COMPACT, /* name, state, bar and 90-day uptime; the rest on its own page */
};
#define STATUS_FULL_MAX 50

struct status_view {
	int64_t now_ms;
	const char *title, *description;
	const char *url;    /* the page's public address, or NULL */
	bool has_logo;      /* served at /status/logo */
	int64_t refresh_ms; /* the script refreshes every this; 0: no script */
	enum status_layout layout;
	struct status_theme theme;
	enum status_banner banner;
	const struct status_component *components; /* in configuration order */
	size_t ncomponents;
	const struct status_incident
	        *incidents; /* open ones and those of the last 14 days, newest first */
	size_t nincidents;
	const struct status_maintenance *maintenance; /* active and upcoming windows */
	size_t nmaintenance;
};

/* V's component ID (a monitor's id, not its name), or NULL. */
const struct status_component *status_view_find(const struct status_view *v, const char *id);

/* Whether V's main page shows its components compact (by V->layout and their number). */
bool status_view_compact(const struct status_view *v);

/* The banner that STATES[N] make (worst first; all under maintenance: maintenance). */
enum status_banner status_banner_of(const enum status_state *states, size_t n);

#endif
