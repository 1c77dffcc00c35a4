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
};

const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);
