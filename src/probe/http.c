/* The http probe: one libcurl transfer per run on the shared multi handle. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conf/monitors.h"
#include "probe/curl_uv.h"
#include "probe/http.h"
#include "probe/probe.h"
#include "probe/targets.h"
#include "util/time.h"
#include "util/url.h"
#include "util/xmalloc.h"

struct http_run {
	CURL *easy;
	struct probe_run *run;
	const struct http_conf *conf;
	char errbuf[CURL_ERROR_SIZE];
	bool too_large;
	char refused[256]; /* why the SSRF guard refused a connection */
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_run *h = arg;
	size_t len = size * n;
	struct probe_result *r = &h->run->result;

	r->body_size += (int64_t)len;
	if (r->body_size > h->conf->max_body) {
		h->too_large = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (r->body.len < PROBE_BODY_KEEP) {
		size_t room = PROBE_BODY_KEEP - r->body.len;

		(void)!buf_append(&r->body, data, len < room ? len : room);
	}
	return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_run *h = arg;
	size_t len = size * n;
	struct buf *hb = &h->run->result.headers;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0)
		buf_reset(hb); /* a new response (after a redirect or 100): keep the last */
	if (len > 15 && strncasecmp(data, "Content-Length:", 15) == 0 &&
	    strtoll(data + 15, NULL, 10) > h->conf->max_body) {
		h->too_large = true;
		return 0;
	}
	(void)!buf_append(hb, data, len); /* past the cap, later headers are dropped */
	return len;
}

/* Parses curl's "Expire date:Nov 24 06:05:10 2026 GMT" into Unix seconds. */
static int64_t parse_expiry(const char *s)
{
	struct tm tm;
	char month[4];
	int day, hour, min, sec, year;
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m;

	if (sscanf(s, "%3s %d %d:%d:%d %d", month, &day, &hour, &min, &sec, &year) != 6 ||
	    (m = strstr(months, month)) == NULL || strlen(month) != 3)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm);
}

static int64_t earliest_expiry(CURL *easy)
{
	struct curl_certinfo *ci = NULL;
	int64_t best = 0;
	int i;

	if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL)
		return 0;
	for (i = 0; i < ci->num_of_certs; i++) {
		struct curl_slist *l;

		for (l = ci->certinfo[i]; l != NULL; l = l->next) {
			if (strncmp(l->data, "Expire date:", 12) == 0) {
				int64_t t = parse_expiry(l->data + 12);

				if (t > 0 && (best == 0 || t < best))
					best = t;
			}
		}
	}
	return best;
}

static void read_timings(CURL *easy, struct probe_result *r)
{
	curl_off_t dns = 0, conn = 0, tls = 0, first = 0, total = 0;
	char *ip = NULL;
	long code = 0;

	curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &conn);
	curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &tls);
	curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &first);
	curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip);
	r->http_status = (int)code;
	r->connected = conn > 0;
	if (ip != NULL)
		snprintf(r->ip, sizeof(r->ip), "%s", ip);
	r->t_resolve = dns * 1000;
	if (conn > 0)
		r->t_connect = (conn - dns) * 1000;
	if (tls > 0)
		r->t_tls = (tls - conn) * 1000;
	if (first > 0) {
		r->t_processing = (first - (tls > 0 ? tls : conn)) * 1000;
		r->t_transfer = (total - first) * 1000;
	}
}

/* Turns a curl result into an outcome with a message. */
static void outcome(struct http_run *h, CURLcode rc)
{
	struct probe_result *r = &h->run->result;
	const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
	long oserr = 0, redirects = 0;

	curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(h->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	if (h->refused[0] && rc != CURLE_OK) {
		probe_result_set(r, PROBE_TARGET_FORBIDDEN, "%s%s", h->refused,
		                 redirects > 0 ? " (after a redirect)" : "");
		return;
	}
	switch (rc) {
	case CURLE_OK:
		probe_result_set(r, PROBE_OK, "HTTP %d", r->http_status);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		probe_result_set(r, PROBE_TIMEOUT, "no complete answer within %lld ms (%s)",
		                 (long long)h->run->mon->timeout, why);
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		probe_result_set(r, PROBE_DNS_FAILED, "%s", why);
		return;
	case CURLE_COULDNT_CONNECT:
		probe_result_set(
		        r, oserr == ECONNREFUSED ? PROBE_CONNECT_REFUSED : PROBE_CONNECT_FAILED,
		        "%s", why);
		return;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		probe_result_set(r,
		                 oserr == ECONNRESET || oserr == EPIPE || rc == CURLE_GOT_NOTHING
		                         ? PROBE_CONNECTION_RESET
		                         : PROBE_PROTOCOL_ERROR,
		                 "%s",
		                 rc == CURLE_GOT_NOTHING ? "the server closed the connection "
		                                           "without answering"
		                                         : why);
		return;
	case CURLE_WRITE_ERROR:
		if (h->too_large) {
			probe_result_set(r, PROBE_BODY_TOO_LARGE,
			                 "the response is larger than %lld bytes",
			                 (long long)h->conf->max_body);
			return;
		}
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		probe_result_set(r, PROBE_TOO_MANY_REDIRECTS, "more than %lld redirects",
		                 (long long)h->conf->max_redirects);
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
		probe_result_set(
		        r, redirects > 0 ? PROBE_REDIRECT_FORBIDDEN : PROBE_PROTOCOL_ERROR, "%s",
		        redirects > 0 ? "redirected to a scheme other than http or https" : why);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		probe_result_set(r, strstr(why, "expired") ? PROBE_TLS_EXPIRED : PROBE_TLS_ERROR,
		                 "%s", why);
		return;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
		probe_result_set(r, PROBE_TLS_ERROR, "%s", why);
		return;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
		probe_result_set(r, PROBE_INTERNAL_ERROR, "%s", why);
		return;
	default:
		break;
	}
	probe_result_set(r, PROBE_PROTOCOL_ERROR, "%s", why);
}

static void http_end(struct http_run *h)
{
	struct probe_run *run = h->run;

	curl_uv_easy_put(run->env->curl, h->easy);
	free(h);
	run->priv = NULL;
	probe_run_finish(run);
}

static void on_done(CURL *easy, CURLcode rc, void *arg)
{
	struct http_run *h = arg;
	struct probe_result *r = &h->run->result;

	read_timings(easy, r);
	r->cert_expiry = earliest_expiry(easy);
	outcome(h, rc);
	r->latency_ns = time_mono_ns() - h->run->start_ns;
	http_end(h);
}

static void set_method(CURL *e, const struct http_conf *c)
{
	const char *m = http_method_names[c->method];

	if (c->method == HTTP_HEAD)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (c->method != HTTP_GET || c->body != NULL) {
		if (c->method != HTTP_POST)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
		if (c->body != NULL || c->method == HTTP_POST) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE,
			                 (long)(c->body ? strlen(c->body) : 0));
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body ? c->body : "");
		}
	}
}

/* The host of the URL being fetched now (redirects included), into OUT. */
static void current_host(CURL *easy, char *out, size_t size)
{
	char *url = NULL, *host = NULL;
	CURLU *u;

	out[0] = '\0';
	if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK || url == NULL)
		return;
	u = curl_url();
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		snprintf(out, size, "%s", host);
	curl_free(host);
	curl_url_cleanup(u);
}

/*
 * Every socket of a monitor made through the API: the address about to be
 * connected to (after resolution, at every redirect hop) must be allowed.
 */
static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_run *h = arg;
	char host[256];

	(void)purpose;
	current_host(h->easy, host, sizeof(host));
	if (!targets_allow(h->run->mon->targets, host[0] ? host : NULL, &a->addr, h->refused,
	                   sizeof(h->refused)))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static void set_options(struct http_run *h)
{
	CURL *e = h->easy;
	const struct http_conf *c = h->conf;
	long timeout = (long)h->run->mon->timeout;
	static const long ipres[] = { CURL_IPRESOLVE_WHATEVER, CURL_IPRESOLVE_V4,
		                      CURL_IPRESOLVE_V6 };

	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, c->follow_redirects ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)c->max_redirects);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->run->env->user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_IPRESOLVE, ipres[c->ip_version]);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
	curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
	if (c->tls_ca != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->tls_ca);
	if (!c->keepalive || h->run->mon->targets != NULL) {
		/* a reused connection would skip the SSRF guard's check */
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	}
	if (h->run->mon->targets != NULL) {
		curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, h);
	}
	if (c->header_list != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->header_list);
	if (c->auth.basic != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, c->auth.basic);
	}
	set_method(e, c);
}

static int http_start(struct probe_run *run)
{
	struct http_run *h = xcalloc(1, sizeof(*h));

	h->run = run;
	h->conf = run->mon->probe_conf;
	h->easy = curl_uv_easy_get(run->env->curl);
	if (h->easy == NULL) {
		free(h);
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot create a transfer");
		return -1;
	}
	set_options(h);
	if (curl_uv_add(run->env->curl, h->easy, on_done, h) < 0) {
		curl_uv_easy_put(run->env->curl, h->easy);
		free(h);
		probe_result_set(&run->result, PROBE_INTERNAL_ERROR, "cannot start the transfer");
		return -1;
	}
	run->priv = h;
	return 0;
}

static void http_cancel(struct probe_run *run)
{
	struct http_run *h = run->priv;

	if (h == NULL)
		return;
	curl_uv_remove(run->env->curl, h->easy);
	read_timings(h->easy, &run->result);
	http_end(h);
}

/* Finds header NAME in the raw block; returns its value (trimmed) or NULL. */
static const char *find_header(const struct buf *hb, const char *name, size_t *len)
{
	const char *p = hb->data, *end = hb->data + hb->len;
	size_t nl = strlen(name);

	while (p != NULL && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*len = (size_t)(eol - v);
			while (*len > 0 && (v[*len - 1] == '\r' || v[*len - 1] == ' '))
				(*len)--;
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

static int http_get(const struct probe_result *r, const char *name, const char *key,
                    struct cond_value *out)
{
	memset(out, 0, sizeof(*out));
	if (strcmp(name, "STATUS") == 0) {
		*out = (struct cond_value){ COND_NUMBER, r->http_status, NULL, 0 };
	} else if (strcmp(name, "RESPONSE_TIME") == 0) {
		*out = (struct cond_value){ COND_DURATION, (double)r->latency_ns / 1e6, NULL, 0 };
	} else if (strcmp(name, "BODY") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->body.data ? r->body.data : "",
			                    r->body.len };
	} else if (strcmp(name, "HEADER") == 0) {
		size_t len;
		const char *v = key ? find_header(&r->headers, key, &len) : NULL;

		if (v == NULL)
			return -1;
		*out = (struct cond_value){ COND_STRING, 0, v, len };
	} else if (strcmp(name, "CERTIFICATE_EXPIRATION") == 0) {
		if (r->cert_expiry == 0)
			return -1;
		*out = (struct cond_value){ COND_DURATION,
			                    (double)(r->cert_expiry * 1000 - time_wall_ms()), NULL,
			                    0 };
	} else if (strcmp(name, "CONNECTED") == 0) {
		*out = (struct cond_value){ COND_BOOL, r->connected, NULL, 0 };
	} else if (strcmp(name, "IP") == 0) {
		*out = (struct cond_value){ COND_STRING, 0, r->ip, strlen(r->ip) };
	} else {
		return -1;
	}
	return 0;
}

/* Without conditions, or with expect_status given, the status code decides. */
static void http_judge(const struct monitor_conf *mon, struct probe_result *r)
{
	const struct http_conf *c = mon->probe_conf;

	if ((mon->ncond > 0 && c->expect_status.n == 0) || http_status_expected(c, r->http_status))
		return;
	probe_result_set(r, PROBE_HTTP_STATUS, "HTTP %d (expected %s)", r->http_status,
	                 c->expect_text);
}

static const char *const http_placeholders[] = {
	"STATUS", "RESPONSE_TIME", "BODY", "HEADER", "CERTIFICATE_EXPIRATION", "CONNECTED", "IP",
	NULL,
};

const struct probe_type probe_http = {
	.network = true,
	.name = "http",
	.spec = &http_conf_spec,
	.placeholders = http_placeholders,
	.self_timed = true,
	.start = http_start,
	.cancel = http_cancel,
	.get = http_get,
	.judge = http_judge,
	.secure = http_secure,
};
