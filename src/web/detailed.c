/* GET /health/detailed: the seeds' detailed view for operators (viewer role). */
#include <jansson.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "engine/engine.h"
#include "engine/snapshot.h"
#include "host/procfs.h"
#include "store/store.h"
#include "util/time.h"
#include "util/xmalloc.h"
#include "version.h"
#include "web/health.h"
#include "web/security.h"
#include "web/web_int.h"

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static json_t *store_part(const struct snapshot *s, const char *status)
{
	char last[TIME_RFC3339_LEN] = "";
	const struct store_stats *st = &s->store;

	if (st->last_commit_ms)
		time_format_rfc3339(st->last_commit_ms, last, sizeof(last));
	return json_pack("{s:s,s:s,s:s,s:i,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:s?}", "status", status,
	                 "backend", "sqlite", "path", s->config->storage.path, "schema_version",
	                 st->schema_version, "migrations_applied", st->migrations,
	                 "file_size_bytes", (json_int_t)s->db_size, "queue_depth",
	                 (json_int_t)st->queue_depth, "queue_capacity", (json_int_t)st->queue_max,
	                 "commits", (json_int_t)st->commits, "errors", (json_int_t)st->errors,
	                 "dropped", (json_int_t)st->dropped, "last_commit", *last ? last : NULL);
}

static json_t *process_part(const struct snapshot *s)
{
	struct self_stats self;

	if (procfs_self(&self) < 0)
		return json_null();
	return json_pack("{s:I,s:s,s:f,s:I,s:I,s:i,s:i,s:I}", "pid", (json_int_t)getpid(),
	                 "version", VIGIL_VERSION, "uptime_seconds",
	                 (double)(time_wall_ms() - s->started_ms) / 1000.0, "rss_bytes",
	                 (json_int_t)self.rss_bytes, "virtual_memory_bytes",
	                 (json_int_t)self.vsize_bytes, "threads", self.threads, "open_fds",
	                 self.open_fds, "max_fds", (json_int_t)self.max_fds);
}

static json_t *system_part(const struct snapshot *s)
{
	json_t *sys = json_object();
	char *dir = xstrdup(s->config->storage.path);

	if (s->system.cpu_known)
		json_object_set_new(sys, "cpu_percent", json_real(s->system.cpu_percent));
	json_object_set_new(sys, "cpu_count", json_integer(s->system.ncpu));
	if (s->system.mem_known)
		json_object_set_new(
		        sys, "memory",
		        json_pack("{s:f,s:I,s:I}", "percent",
		                  100.0 - percent(s->system.mem_available, s->system.mem_total),
		                  "available_bytes", (json_int_t)s->system.mem_available,
		                  "total_bytes", (json_int_t)s->system.mem_total));
	if (s->disk.known)
		json_object_set_new(sys, "disk",
		                    json_pack("{s:s,s:f,s:I,s:I}", "path", dirname(dir), "percent",
		                              100.0 - percent(s->disk.avail, s->disk.total),
		                              "free_bytes", (json_int_t)s->disk.avail,
		                              "total_bytes", (json_int_t)s->disk.total));
	free(dir);
	return sys;
}

static json_t *application_part(struct web *w, const struct snapshot *s)
{
	return json_pack("{s:I,s:I,s:I,s:f,s:f}", "requests_total",
	                 (json_int_t)atomic_load(&w->stats.requests), "client_errors_total",
	                 (json_int_t)atomic_load(&w->stats.client_errors), "server_errors_total",
	                 (json_int_t)atomic_load(&w->stats.server_errors), "loop_lag_seconds",
	                 (double)s->loop_lag_ns / 1e9, "loop_lag_max_seconds",
	                 (double)s->loop_lag_max_ns / 1e9);
}

/* The seeds' security view: the threat level of the last 24 h of violations. */
static json_t *security_part(struct web *w)
{
	struct store_reader *r = store_reader_acquire(w->store);
	int64_t n = r ? api_security_violations_24h(r) : -1;

	if (r != NULL)
		store_reader_release(w->store, r);
	return json_pack("{s:s,s:o,s:I}", "status", n < 0 ? "unknown" : guard_level(n),
	                 "violations_24h", n < 0 ? json_null() : json_integer(n), "blocked_ips",
	                 (json_int_t)guard_blocked_count(w->guard));
}

void handle_health_detailed(struct web_request *req, struct web_reply *rep)
{
	const struct snapshot *s = req->snap;
	enum health_status st;
	json_t *health = health_document(s, engine_heartbeat_age_ns(req->web->engine), &st);
	json_t *doc = json_object();
	char now[TIME_RFC3339_LEN];
	json_t *checks = json_object_get(health, "checks");
	json_t *store_check = json_object_get(checks, "store:connection");
	const char *store_status =
	        json_string_value(json_object_get(json_array_get(store_check, 0), "status"));

	time_format_rfc3339(time_wall_ms(), now, sizeof(now));
	json_object_set_new(doc, "status", json_string(health_status_str(st)));
	json_object_set_new(doc, "time", json_string(now));
	json_object_set_new(doc, "version", json_string(VIGIL_VERSION));
	json_object_set_new(doc, "store", store_part(s, store_status ? store_status : "pass"));
	json_object_set_new(doc, "process", process_part(s));
	json_object_set_new(doc, "system", system_part(s));
	json_object_set_new(doc, "application", application_part(req->web, s));
	json_object_set_new(doc, "security", security_part(req->web));
	json_object_set(doc, "checks", checks);
	json_decref(health);
	reply_json(rep, 200, json_dumps(doc, API_JSON_FLAGS));
	rep->cache_control = "no-store";
	json_decref(doc);
}
