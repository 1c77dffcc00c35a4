/* Shared pieces of the JSON API. */
#include "web/api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "store/store.h"
#include "util/secret.h"
#include "util/sha256.h"
#include "util/time.h"
#include "util/timeparse.h"
#include "web/web_int.h"

json_t *api_time(int64_t ms)
{
	char t[TIME_RFC3339_LEN];

	if (ms <= 0)
		return json_null();
	time_format_rfc3339(ms, t, sizeof(t));
	return json_string(t);
}

void api_bad_param(struct web_request *req, struct web_reply *rep, const char *name,
                   const char *value, const char *want)
{
	(void)req;
	reply_json_error(rep, 400, "bad_parameter", "%s: \"%.64s\" is not %s", name, value, want);
}

int api_time_param(struct web_request *req, struct web_reply *rep, const char *name, int64_t def,
                   int64_t *out)
{
	const char *v = req->query(req->cls, name);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (time_parse(v, time_wall_ms(), out) == 0)
		return 0;
	api_bad_param(
	        req, rep, name, v,
	        "a time (RFC 3339, Unix seconds or milliseconds, or a duration ago like 24h)");
	return -1;
}

int api_int_param(struct web_request *req, struct web_reply *rep, const char *name, int64_t def,
                  int64_t min, int64_t max, int64_t *out)
{
	const char *v = req->query(req->cls, name);
	char *end, want[64];
	long long n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v != '\0' && *end == '\0' && errno == 0 && n >= min && n <= max) {
		*out = n;
		return 0;
	}
	snprintf(want, sizeof(want), "an integer from %lld to %lld", (long long)min,
	         (long long)max);
	api_bad_param(req, rep, name, v, want);
	return -1;
}

struct store_reader *api_reader(struct web_request *req, struct web_reply *rep)
{
	struct store_reader *r = store_reader_acquire(req->web->store);

	if (r == NULL) {
		reply_json_error(rep, 503, "unavailable", "the database cannot be read");
		rep->retry_after = 5;
	}
	return r;
}

/*
 * Read answers carry an ETag (a hash of the body), so pollers can ask with
 * If-None-Match and get a 304 without the body.
 */
static void etag(struct web_request *req, struct web_reply *rep)
{
	unsigned char digest[SHA256_LEN];
	char hex[17], tag[24];

	sha256(rep->body, rep->len, digest);
	hex_encode(digest, 8, hex);
	snprintf(tag, sizeof(tag), "\"%s\"", hex);
	if (reply_not_modified(req, rep, tag))
		return;
	snprintf(rep->etag, sizeof(rep->etag), "%s", tag);
	rep->cache_control = "no-cache";
}

void api_reply_json(struct web_request *req, struct web_reply *rep, int status, json_t *doc)
{
	char *text = json_dumps(doc, API_JSON_FLAGS);
	size_t len;
	char *clean = text ? secret_scrub(req->snap->secrets ? req->snap->secrets
	                                                     : req->snap->config->secrets,
	                                  text, strlen(text), &len)
	                   : NULL;

	json_decref(doc);
	if (clean != NULL) {
		free(text);
		text = clean;
	}
	if (text == NULL) {
		reply_json_error(rep, 500, "internal", "cannot encode the answer");
		return;
	}
	reply_json(rep, status, text);
	rep->cache_control = "no-store";
	if (status == 200 && (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0))
		etag(req, rep);
}
