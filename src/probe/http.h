/* The http probe's configuration and type (runtime in http.c, keys in http_conf.c). */
#ifndef VIGIL_PROBE_HTTP_H
#define VIGIL_PROBE_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/schema.h"

struct curl_slist;
struct secret_set;

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS
};
extern const char *const http_method_names[];

struct http_auth {
	char *basic;  /* "user:password" (secret) */
	char *bearer; /* token (secret) */
};

struct http_conf {
	char *url;
	int method; /* enum http_method */
	struct conf_strmap headers;
	char *body;
	struct http_auth auth;
	bool follow_redirects;
	int64_t max_redirects;
	bool tls_verify;
	char *tls_ca;                      /* PEM file of extra trusted CAs */
	int ip_version;                    /* 0 any, 1 IPv4, 2 IPv6 */
	struct conf_strlist expect_status; /* codes or classes like "2xx" */
	bool keepalive;
	int64_t max_body;

	/* derived */
	unsigned char expected[75];     /* bitmap of status codes 0..599 */
	char expect_text[64];           /* "2xx" or "200, 204" for messages */
	struct curl_slist *header_list; /* headers + bearer auth, built once */
	char *display_url;              /* url with credentials as <secret> */
};

extern const struct conf_spec http_conf_spec;
extern const struct probe_type probe_http;

bool http_status_expected(const struct http_conf *c, int status);
/* The probe type's secure hook (see struct probe_type). */
void http_secure(void *probe_conf, const char *const *extra, struct secret_set *secrets);

#endif
