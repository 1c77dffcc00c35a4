/* The http probe's keys: URL, method, headers, auth, TLS, redirects, expected status. */
#include <ctype.h>
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/http.h"
#include "probe/probe.h"
#include "util/buf.h"
#include "util/secret.h"
#include "util/url.h"
#include "util/xmalloc.h"

#define KIB(x) ((int64_t)(x)*1024)

const char *const http_method_names[] = { "GET",   "HEAD",   "POST",    "PUT",
	                                  "PATCH", "DELETE", "OPTIONS", NULL };
static const char *const ip_names[] = { "any", "4", "6", NULL };

bool http_status_expected(const struct http_conf *c, int status)
{
	return status >= 0 && status < 600 && (c->expected[status / 8] >> (status % 8) & 1);
}

static int check_url(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *url = *(char **)field;
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
	int r = 0;

	if (rc == CURLUE_OK)
		rc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (rc != CURLUE_OK) {
		conf_error(ctx, node, "not a valid URL: %s", curl_url_strerror(rc));
		r = -1;
	} else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		conf_error(ctx, node, "the scheme must be http or https, not %s", scheme);
		r = -1;
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	if (r == 0 && ctx->secrets != NULL)
		url_add_secrets(url, url_secret_params, ctx->secrets);
	return r;
}

static int check_headers(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const struct conf_strmap *m = field;
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		for (j = 0; m->keys[i][j]; j++) {
			unsigned char c = (unsigned char)m->keys[i][j];

			if (!isalnum(c) && !strchr("!#$%&'*+-.^_`|~", c)) {
				conf_error(ctx, node,
				           "header name \"%s\" has a character not allowed "
				           "in HTTP header names",
				           m->keys[i]);
				return -1;
			}
		}
		if (strpbrk(m->values[i], "\r\n") != NULL) {
			conf_error(ctx, node, "the value of header %s contains a line break",
			           m->keys[i]);
			return -1;
		}
	}
	return 0;
}

/* Accepts 100..599 or a class "1xx".."5xx". */
static int status_item(const char *s, int *lo, int *hi)
{
	char *end;
	long v;

	if (strlen(s) == 3 && s[0] >= '1' && s[0] <= '5' && tolower((unsigned char)s[1]) == 'x' &&
	    tolower((unsigned char)s[2]) == 'x') {
		*lo = (s[0] - '0') * 100;
		*hi = *lo + 99;
		return 0;
	}
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 100 || v > 599)
		return -1;
	*lo = *hi = (int)v;
	return 0;
}

static int check_expect(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const struct conf_strlist *l = field;
	size_t i;
	int lo, hi;

	for (i = 0; i < l->n; i++) {
		if (status_item(l->v[i], &lo, &hi) < 0) {
			conf_error(ctx, node,
			           "\"%s\" is not a status code (100..599) or class (2xx)",
			           l->v[i]);
			return -1;
		}
	}
	return 0;
}

static void auth_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct http_auth *a = obj;

	if (a->basic != NULL && a->bearer != NULL)
		conf_error(ctx, node, "give either basic or bearer, not both");
	if (a->basic != NULL && strchr(a->basic, ':') == NULL)
		conf_error_key(ctx, node, "basic", "expected \"user:password\" (no colon found)");
}

static const struct conf_key auth_keys[] = {
	{ .name = "basic",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct http_auth, basic),
	  .help = "HTTP basic authentication, \"user:password\"" },
	{ .name = "bearer",
	  .type = CONF_SECRET,
	  .offset = offsetof(struct http_auth, bearer),
	  .help = "a bearer token sent as Authorization: Bearer" },
	{ 0 },
};

static const struct conf_spec auth_spec = {
	.name = "auth",
	.size = sizeof(struct http_auth),
	.keys = auth_keys,
	.finish = auth_finish,
};

static void http_init(void *obj)
{
	struct http_conf *c = obj;

	memset(c, 0, sizeof(*c));
	c->follow_redirects = true;
	c->max_redirects = 5;
	c->tls_verify = true;
	c->max_body = KIB(1024);
}

static void build_expected(struct http_conf *c)
{
	size_t i, used = 0;
	int lo, hi, s;

	if (c->expect_status.n == 0) {
		for (s = 200; s <= 299; s++)
			c->expected[s / 8] |= (unsigned char)(1u << (s % 8));
		snprintf(c->expect_text, sizeof(c->expect_text), "2xx");
		return;
	}
	for (i = 0; i < c->expect_status.n; i++) {
		if (status_item(c->expect_status.v[i], &lo, &hi) < 0)
			continue;
		for (s = lo; s <= hi; s++)
			c->expected[s / 8] |= (unsigned char)(1u << (s % 8));
		if (used < sizeof(c->expect_text))
			used += (size_t)snprintf(c->expect_text + used,
			                         sizeof(c->expect_text) - used, "%s%s",
			                         i ? ", " : "", c->expect_status.v[i]);
	}
}

static void build_headers(struct http_conf *c)
{
	size_t i;
	char *line;

	for (i = 0; i < c->headers.n; i++) {
		line = xasprintf("%s: %s", c->headers.keys[i], c->headers.values[i]);
		c->header_list = curl_slist_append(c->header_list, line);
		free(line);
	}
	if (c->auth.bearer != NULL) {
		line = xasprintf("Authorization: Bearer %s", c->auth.bearer);
		c->header_list = curl_slist_append(c->header_list, line);
		free(line);
	}
}

static void http_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct http_conf *c = obj;

	if (c->url == NULL)
		return; /* reported as a missing required key */
	if (c->body != NULL && (c->method == HTTP_GET || c->method == HTTP_HEAD))
		conf_error_key(ctx, node, "body",
		               "a body needs a method that sends one (POST, PUT, PATCH, DELETE)");
	if (c->tls_ca != NULL && access(c->tls_ca, R_OK) != 0)
		conf_error_key(ctx, node, "tls_ca", "cannot read \"%s\"", c->tls_ca);
	build_expected(c);
	build_headers(c);
	c->display_url = url_redact(c->url, url_secret_params, NULL);
}

static void http_cleanup(void *obj)
{
	struct http_conf *c = obj;

	curl_slist_free_all(c->header_list);
	c->header_list = NULL;
	free(c->display_url);
	c->display_url = NULL;
}

static const struct conf_key http_keys[] = {
	{ .name = "url",
	  .type = CONF_STRING,
	  .offset = offsetof(struct http_conf, url),
	  .flags = CONF_REQUIRED | CONF_URL,
	  .parse = check_url,
	  .help = "http:// or https:// URL to request; credentials in it are treated as secrets" },
	{ .name = "method",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct http_conf, method),
	  .names = http_method_names,
	  .help = "request method" },
	{ .name = "headers",
	  .type = CONF_STRMAP,
	  .offset = offsetof(struct http_conf, headers),
	  .parse = check_headers,
	  .help = "request headers, e.g. {Accept: application/json}" },
	{ .name = "body",
	  .type = CONF_STRING,
	  .offset = offsetof(struct http_conf, body),
	  .help = "request body (POST, PUT, PATCH, DELETE)" },
	{ .name = "auth",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct http_conf, auth),
	  .spec = &auth_spec,
	  .help = "credentials: basic or bearer" },
	{ .name = "follow_redirects",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct http_conf, follow_redirects),
	  .help = "follow redirects (to http and https only)" },
	{ .name = "max_redirects",
	  .type = CONF_INT,
	  .offset = offsetof(struct http_conf, max_redirects),
	  .min = 0,
	  .max = 50,
	  .help = "redirects followed before too_many_redirects" },
	{ .name = "tls_verify",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct http_conf, tls_verify),
	  .help = "verify the certificate chain and host name" },
	{ .name = "tls_ca",
	  .type = CONF_STRING,
	  .offset = offsetof(struct http_conf, tls_ca),
	  .help = "PEM file of the certificate authorities to trust instead of the system bundle" },
	{ .name = "ip_version",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct http_conf, ip_version),
	  .names = ip_names,
	  .help = "connect over IPv4 (4), IPv6 (6) or either (any)" },
	{ .name = "expect_status",
	  .type = CONF_STRLIST,
	  .offset = offsetof(struct http_conf, expect_status),
	  .parse = check_expect,
	  .help = "accepted status codes and classes, e.g. [200, \"3xx\"]; default 2xx when no "
	          "conditions are given" },
	{ .name = "keepalive",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct http_conf, keepalive),
	  .help = "reuse connections between checks (default: a fresh connection every time)" },
	{ .name = "max_body",
	  .type = CONF_SIZE,
	  .offset = offsetof(struct http_conf, max_body),
	  .min = KIB(1),
	  .max = KIB(65536),
	  .help = "abort with body_too_large past this many bytes (the first 64KiB are kept for "
	          "conditions)" },
	{ 0 },
};

void http_secure(void *probe_conf, const char *const *extra, struct secret_set *secrets)
{
	struct http_conf *c = probe_conf;

	if (c->url == NULL)
		return;
	url_add_secrets(c->url, extra, secrets);
	free(c->display_url);
	c->display_url = url_redact(c->url, url_secret_params, extra);
}

const struct conf_spec http_conf_spec = {
	.name = "http",
	.size = sizeof(struct http_conf),
	.keys = http_keys,
	.init = http_init,
	.finish = http_finish,
	.cleanup = http_cleanup,
};
