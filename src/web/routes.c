/* The route table: every URL Vigil serves, its method, role and handler. */
#include "web/web_int.h"

const struct route web_routes[] = {
	{ "GET", "/health", ROLE_PUBLIC, handle_health,
	  "Health of Vigil and its critical components (IETF health+json); 503 when failing" },
	{ "GET", "/health/live", ROLE_PUBLIC, handle_health_live,
	  "Liveness: the event loop is turning" },
	{ "GET", "/health/ready", ROLE_PUBLIC, handle_health_ready,
	  "Readiness: store open, migrations applied, configuration loaded" },
	{ "GET", "/health/detailed", ROLE_VIEWER, handle_health_detailed,
	  "Detailed health: store, process, system and application figures" },
	{ "GET", "/metrics", ROLE_PUBLIC, handle_metrics,
	  "Prometheus metrics (text format 0.0.4)" },
	{ "GET", "/api/v1/monitors", ROLE_VIEWER, handle_monitors_list,
	  "Every monitor with its status, last result and 24 h uptime" },
	{ "GET", "/api/v1/monitors/{id}", ROLE_VIEWER, handle_monitor_get,
	  "One monitor: status, last result, uptime, state and its configuration (secrets "
	  "masked)" },
	{ "GET", "/api/v1/monitors/{id}/results", ROLE_VIEWER, handle_monitor_results,
	  "Stored results, newest first (since, until, limit)" },
	{ "GET", "/api/v1/monitors/{id}/uptime", ROLE_VIEWER, handle_monitor_uptime,
	  "Uptime, counts and latency avg/p50/p95/p99 over a window (24h, 7d, 30d, 90d)" },
	{ "GET", "/api/v1/monitors/{id}/events", ROLE_VIEWER, handle_monitor_events,
	  "State changes, newest first (since, limit)" },
	{ "GET", "/api/v1/host", ROLE_VIEWER, handle_host,
	  "This machine now: CPU, memory, swap, load, filesystems, disks, network, processes" },
	{ "GET", "/api/v1/host/series", ROLE_VIEWER, handle_host_series,
	  "A host metric over time (metric, since, until, step); without metric, the list" },
};

const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);
