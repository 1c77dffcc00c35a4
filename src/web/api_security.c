/*
 * Vigil's view of itself as a web service: the security summary and blocks,
 * the request log, and the service dashboard.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "store/store.h"
#include "util/cidr.h"
#include "util/time.h"
#include "web/api.h"
#include "web/security.h"
#include "web/web_int.h"

#define REQUESTS_DEFAULT 100
#define REQUESTS_MAX     10000
#define TOP_IPS          10
#define HOUR_MS          3600000LL
#define DAY_MS           (24 * HOUR_MS)

static int add_count(void *arg, const char *name, int64_t n)
{
	json_object_set_new(arg, name, json_integer(n));
	return 0;
}

static int add_top(void *arg, const char *name, int64_t n)
{
	json_array_append_new(arg, json_pack("{s:s,s:I}", "ip", name, "violations", (json_int_t)n));
	return 0;
}

static int64_t sum(json_t *counts)
{
	const char *k;
	json_t *v;
	int64_t n = 0;

	json_object_foreach(counts, k, v) n += json_integer_value(v);
	return n;
}

static void add_block(void *arg, const char *ip, int64_t since, int64_t until, const char *by,
                      const char *reason)
{
	json_array_append_new(arg,
	                      json_pack("{s:s,s:o,s:o,s:s,s:s}", "ip", ip, "since", api_time(since),
	                                "until", api_time(until), "by", by, "reason", reason));
}

int64_t api_security_violations_24h(struct store_reader *r)
{
	json_t *c = json_object();
	int64_t n =
	        store_security_counts(r, time_wall_ms() - DAY_MS, add_count, c) < 0 ? -1 : sum(c);

	json_decref(c);
	return n;
}

void handle_security(struct web_request *req, struct web_reply *rep)
{
	static const struct {
		const char *name;
		int64_t ago;
	} windows[] = { { "last_1h", HOUR_MS },
		        { "last_24h", DAY_MS },
		        { "last_7d", 7 * DAY_MS },
		        { "total", 0 } };
	int64_t now = time_wall_ms();
	json_t *by_window = json_object(), *types = json_object(), *top = json_array(), *blocks, *v;
	uint64_t since_start[VIOLATIONS];
	int64_t day;
	struct store_reader *r;
	size_t i, nblocks;
	int k, rc = 0;

	if ((r = api_reader(req, rep)) == NULL)
		goto fail;
	for (i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		json_t *c = json_object();

		rc |= store_security_counts(r, windows[i].ago ? now - windows[i].ago : 0, add_count,
		                            c) < 0;
		json_object_set_new(by_window, windows[i].name, c);
	}
	rc |= store_security_top(r, now - DAY_MS, TOP_IPS, add_top, top) < 0;
	blocks = json_pack("{s:I,s:I}", "total", (json_int_t)store_blocks_count(r, 0), "last_24h",
	                   (json_int_t)store_blocks_count(r, now - DAY_MS));
	store_reader_release(req->web->store, r);
	if (rc) {
		json_decref(blocks);
		reply_json_error(rep, 500, "store_error", "cannot read the security events");
		goto fail;
	}
	guard_totals(req->web->guard, since_start);
	for (k = 0; k < VIOLATIONS; k++) {
		const char *n = violation_names[k];
		json_t *t = json_object();

		for (i = 0; i < sizeof(windows) / sizeof(windows[0]); i++)
			json_object_set_new(
			        t, windows[i].name,
			        json_integer(json_integer_value(json_object_get(
			                json_object_get(by_window, windows[i].name), n))));
		json_object_set_new(t, "since_start", json_integer((json_int_t)since_start[k]));
		json_object_set_new(types, n, t);
	}
	json_object_set_new(blocks, "list", json_array());
	nblocks = guard_blocks(req->web->guard, add_block, json_object_get(blocks, "list"));
	json_object_set_new(blocks, "current", json_integer((json_int_t)nblocks));
	day = sum(json_object_get(by_window, "last_24h"));
	v = json_pack("{s:I,s:I,s:I,s:I,s:o}", "last_1h",
	              (json_int_t)sum(json_object_get(by_window, "last_1h")), "last_24h",
	              (json_int_t)day, "last_7d",
	              (json_int_t)sum(json_object_get(by_window, "last_7d")), "total",
	              (json_int_t)sum(json_object_get(by_window, "total")), "by_type", types);
	api_reply_json(req, rep, 200,
	               json_pack("{s:s,s:o,s:o,s:o,s:{s:I,s:I,s:I,s:I}}", "security_status",
	                         guard_level(day), "violations", v, "blocked_ips", blocks,
	                         "top_suspicious_ips_24h", top, "thresholds", "low_alert", 10,
	                         "moderate_alert", 50, "high_alert", 100, "window_hours", 24));
	json_decref(by_window);
	return;
fail:
	json_decref(by_window);
	json_decref(types);
	json_decref(top);
}

void handle_blocks_list(struct web_request *req, struct web_reply *rep)
{
	const char *cursor = req->query(req->cls, "cursor");
	json_t *all = json_array(), *page = json_array();
	int64_t limit;
	size_t i = 0, end;

	if (api_int_param(req, rep, "limit", REQUESTS_MAX, 1, REQUESTS_MAX, &limit) < 0)
		goto out;
	guard_blocks(req->web->guard, add_block, all);
	if (cursor != NULL) { /* after the address CURSOR, in block order */
		while (i < json_array_size(all) &&
		       strcmp(json_string_value(json_object_get(json_array_get(all, i), "ip")),
		              cursor) != 0)
			i++;
		i = i < json_array_size(all) ? i + 1 : json_array_size(all);
	}
	end = i + (size_t)limit < json_array_size(all) ? i + (size_t)limit : json_array_size(all);
	for (; i < end; i++)
		json_array_append(page, json_array_get(all, i));
	api_reply_json(
	        req, rep, 200,
	        json_pack("{s:I,s:I,s:o,s:o}", "count", (json_int_t)json_array_size(page), "total",
	                  (json_int_t)json_array_size(all), "blocks", page, "next_cursor",
	                  end < json_array_size(all) && end > 0
	                          ? json_incref(json_object_get(json_array_get(all, end - 1), "ip"))
	                          : json_null()));
	page = NULL;
out:
	json_decref(page);
	json_decref(all);
}

/* The block of A in force, as listed. */
static json_t *block_json(struct guard *g, const struct ip_addr *a)
{
	json_t *list = json_array(), *hit = NULL;
	char canon[64];
	size_t i;

	ip_format(a, canon, sizeof(canon));
	guard_blocks(g, add_block, list);
	for (i = 0; i < json_array_size(list) && hit == NULL; i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(list, i), "ip")),
		           canon) == 0)
			hit = json_incref(json_array_get(list, i));
	json_decref(list);
	return hit ? hit : json_pack("{s:s}", "ip", canon);
}

void handle_block_add(struct web_request *req, struct web_reply *rep)
{
	json_error_t jerr;
	json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	const char *ip = json_string_value(json_object_get(body, "ip"));
	const char *reason = json_string_value(json_object_get(body, "reason"));
	json_t *dur = json_object_get(body, "for");
	int64_t ms = 0, until = 0;
	struct ip_addr a;

	if (!json_is_object(body) || ip == NULL || ip_parse(ip, &a) < 0) {
		reply_json_error(rep, 400, "bad_request",
		                 "the body must be {\"ip\": \"<address>\", \"for\": \"<duration>\" "
		                 "(optional: until unblocked), \"reason\": \"...\"}%s",
		                 body && ip && ip_parse(ip, &a) < 0 ? ": ip is not an IP address"
		                                                    : "");
		json_decref(body);
		return;
	}
	if (dur != NULL && !json_is_null(dur) &&
	    (!json_is_string(dur) || conf_duration_parse(json_string_value(dur), &ms) < 0 ||
	     ms < 1000)) {
		reply_json_error(rep, 400, "bad_request", "for: a duration of 1s or more, like 2h");
		json_decref(body);
		return;
	}
	if (guard_allowed(req->snap->config, ip)) {
		reply_json_error(rep, 409, "allowed",
		                 "%s is in security.allow: it is never blocked", ip);
		json_decref(body);
		return;
	}
	if (ms > 0)
		until = time_wall_ms() + ms;
	guard_block(req->web->guard, ip, until, req->who.name ? req->who.name : "api",
	            reason ? reason : "blocked by hand");
	json_decref(body);
	api_reply_json(req, rep, 201, block_json(req->web->guard, &a));
}

void handle_block_remove(struct web_request *req, struct web_reply *rep)
{
	const char *ip = req->query(req->cls, "ip");
	struct ip_addr a;

	if (ip == NULL || ip_parse(ip, &a) < 0) {
		api_bad_param(req, rep, "ip", ip ? ip : "", "an IP address");
		return;
	}
	if (!guard_unblock(req->web->guard, ip, req->who.name ? req->who.name : "api")) {
		reply_json_error(rep, 404, "not_found", "%s is not blocked", ip);
		return;
	}
	api_reply_json(req, rep, 200, json_pack("{s:s,s:s}", "ip", ip, "status", "unblocked"));
}

static int request_row(void *arg, int64_t id, const struct store_request *r)
{
	json_t **last = arg;

	json_array_append_new(last[0],
	                      json_pack("{s:I,s:o,s:s,s:s,s:s,s:i,s:f,s:s,s:I,s:I,s:i}", "id",
	                                (json_int_t)id, "time", api_time(r->t), "method", r->method,
	                                "route", r->route, "path", r->path, "status", r->status,
	                                "duration_ms", (double)r->duration_us / 1e3, "client",
	                                r->client, "bytes_in", (json_int_t)r->bytes_in, "bytes_out",
	                                (json_int_t)r->bytes_out, "count", r->count));
	json_decref(last[1]);
	last[1] = json_sprintf("%lld", (long long)id);
	return 0;
}

void handle_requests(struct web_request *req, struct web_reply *rep)
{
	struct store_request_filter f = { 0 };
	int64_t status, limit, cursor;
	struct store_reader *r;
	json_t *acc[2] = { json_array(), json_null() };

	f.route = req->query(req->cls, "route");
	if (api_time_param(req, rep, "since", time_wall_ms() - HOUR_MS, &f.since) < 0 ||
	    api_int_param(req, rep, "status", 0, 0, 599, &status) < 0 ||
	    api_int_param(req, rep, "limit", REQUESTS_DEFAULT, 1, REQUESTS_MAX, &limit) < 0 ||
	    api_int_param(req, rep, "cursor", 0, 1, INT64_MAX, &cursor) < 0)
		goto fail;
	if ((status > 5 && status < 100)) {
		api_bad_param(req, rep, "status", req->query(req->cls, "status"),
		              "a status (100..599) or a class (1..5: 4 for 4xx)");
		goto fail;
	}
	f.status = (int)status;
	f.limit = (int)limit;
	f.before_id = cursor;
	if ((r = api_reader(req, rep)) == NULL)
		goto fail;
	if (store_requests_query(r, &f, request_row, acc) < 0) {
		store_reader_release(req->web->store, r);
		reply_json_error(rep, 500, "store_error", "cannot read the request log");
		goto fail;
	}
	store_reader_release(req->web->store, r);
	if ((int64_t)json_array_size(acc[0]) < limit) {
		json_decref(acc[1]);
		acc[1] = json_null();
	}
	api_reply_json(req, rep, 200,
	               json_pack("{s:I,s:o,s:o}", "count", (json_int_t)json_array_size(acc[0]),
	                         "requests", acc[0], "next_cursor", acc[1]));
	return;
fail:
	json_decref(acc[0]);
	json_decref(acc[1]);
}

void handle_dashboard(struct web_request *req, struct web_reply *rep)
{
	struct web_stats *st = &req->web->stats;
	const struct snapshot *s = req->snap;
	struct histogram_view v;
	uint64_t total, errors;
	int64_t now_s = time_wall_ms() / 1000;

	histogram_read(&st->all, &v);
	total = atomic_load(&st->requests);
	errors = atomic_load(&st->server_errors) + atomic_load(&st->client_errors);
	api_reply_json(
	        req, rep, 200,
	        json_pack("{s:I,s:I,s:I,s:I,s:f,s:f,s:{s:f,s:f},s:i,s:i,s:f,s:I,s:I,s:o}",
	                  "request_count", (json_int_t)total, "error_count", (json_int_t)errors,
	                  "client_error_count", (json_int_t)atomic_load(&st->client_errors),
	                  "server_error_count", (json_int_t)atomic_load(&st->server_errors),
	                  "avg_response_time_ms",
	                  v.cumulative[v.n] ? (double)v.sum_ns / 1e6 / (double)v.cumulative[v.n]
	                                    : 0.0,
	                  "p95_response_time_ms", (double)histogram_quantile(&v, 0.95) / 1e6,
	                  "requests_per_second", "1m", web_stats_rate(st, 60, now_s), "5m",
	                  web_stats_rate(st, 300, now_s), "active_checks", s->sched.in_flight,
	                  "queued_checks", s->sched.queued, "uptime_seconds",
	                  (double)(time_wall_ms() - s->started_ms) / 1e3, "store_queue_depth",
	                  (json_int_t)s->store.queue_depth, "monitors", (json_int_t)s->nmonitors,
	                  "started", api_time(s->started_ms)));
}
