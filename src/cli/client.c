/* The CLI's blocking HTTP client of the daemon's API: libcurl easy, timeouts, bearer token. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/client.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define TOKEN_FILE_MAX 4096

struct client {
	CURL *curl;  /* reused: one keep-alive connection */
	char *url;   /* base, no trailing slash */
	char *authz; /* "Authorization: Bearer ..." or NULL; never printed */
	long connect_ms, total_ms;
};

static const char *const err_names[] = {
	[CLIENT_OK] = "ok",
	[CLIENT_ECONNECT] = "cannot connect",
	[CLIENT_ETIMEOUT] = "timed out",
	[CLIENT_EAUTH] = "not authorized",
	[CLIENT_EHTTP] = "HTTP error",
	[CLIENT_EJSON] = "not JSON",
	[CLIENT_ETOOBIG] = "answer too large",
	[CLIENT_EOTHER] = "transfer failed",
};

const char *client_err_str(enum client_err e)
{
	return (unsigned)e < sizeof(err_names) / sizeof(err_names[0]) ? err_names[e] : "?";
}

/* Reads the first line of PATH as the token; returns it (caller frees) or NULL with ERR. */
static char *read_token_file(const char *path, char *err, size_t errlen)
{
	char line[TOKEN_FILE_MAX + 2];
	FILE *f = fopen(path, "r");
	size_t len;

	if (f == NULL) {
		snprintf(err, errlen, "token file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	len = strlen(line);
	if (len > TOKEN_FILE_MAX) {
		snprintf(err, errlen, "token file %s: the first line is over %d bytes", path,
		         TOKEN_FILE_MAX);
		return NULL;
	}
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		line[--len] = '\0';
	if (len == 0) {
		snprintf(err, errlen, "token file %s: empty", path);
		return NULL;
	}
	return xstrdup(line);
}

/* The token from A or the environment (caller frees), NULL for none; -1 in *BAD on error. */
static char *find_token(const struct client_args *a, int *bad, char *err, size_t errlen)
{
	const char *env;
	char *t = NULL;

	*bad = 0;
	if (a->token != NULL)
		t = xstrdup(a->token);
	else if (a->token_file != NULL)
		t = read_token_file(a->token_file, err, errlen);
	else if ((env = getenv("VIGIL_TOKEN")) != NULL && *env != '\0')
		t = xstrdup(env);
	else if ((env = getenv("VIGIL_TOKEN_FILE")) != NULL && *env != '\0')
		t = read_token_file(env, err, errlen);
	else
		return NULL;
	if (t == NULL)
		*bad = -1;
	else if (strpbrk(t, "\r\n") != NULL) {
		snprintf(err, errlen, "the token holds a line break");
		free(t);
		t = NULL;
		*bad = -1;
	}
	return t;
}

static char *check_url(const char *url, char *err, size_t errlen)
{
	size_t len = strlen(url);

	if ((strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
	    strlen(url) <= (url[4] == 's' ? 8u : 7u) || strpbrk(url, " \t\r\n?#") != NULL) {
		snprintf(err, errlen,
		         "\"%.200s\" is not an http:// or https:// URL of a daemon "
		         "(e.g. http://127.0.0.1:8080)",
		         url);
		return NULL;
	}
	while (len > 0 && url[len - 1] == '/')
		len--;
	return xstrndup(url, len);
}

struct client *client_new(const struct client_args *a, long connect_ms, long total_ms, char *err,
                          size_t errlen)
{
	const char *url = a->url;
	struct client *c;
	char *token, *base;
	int bad;

	if (url == NULL && ((url = getenv("VIGIL_URL")) == NULL || *url == '\0'))
		url = CLIENT_DEFAULT_URL;
	if ((base = check_url(url, err, errlen)) == NULL)
		return NULL;
	token = find_token(a, &bad, err, errlen);
	if (bad) {
		free(base);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->url = base;
	c->connect_ms = connect_ms;
	c->total_ms = total_ms;
	if (token != NULL) {
		c->authz = xasprintf("Authorization: Bearer %s", token);
		memset(token, 0, strlen(token));
		free(token);
	}
	c->curl = curl_easy_init();
	if (c->curl == NULL) {
		snprintf(err, errlen, "cannot initialize libcurl");
		client_free(c);
		return NULL;
	}
	return c;
}

void client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	if (c->authz != NULL) {
		memset(c->authz, 0, strlen(c->authz));
		free(c->authz);
	}
	free(c->url);
	free(c);
}

const char *client_url(const struct client *c)
{
	return c->url;
}

bool client_has_token(const struct client *c)
{
	return c->authz != NULL;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_append(b, data, size * n) < 0)
		return 0; /* over the cap: CURLE_WRITE_ERROR */
	return size * n;
}

/* The message of the daemon's JSON error body into OUT, or "". */
static void api_message_copy(const struct buf *b, char *out, size_t size)
{
	json_t *doc = b->len ? json_loadb(b->data, b->len, 0, NULL) : NULL;
	const char *m =
	        json_string_value(json_object_get(json_object_get(doc, "error"), "message"));

	snprintf(out, size, "%s", m ? m : "");
	json_decref(doc);
}

/* The start of the body B with anything unprintable as '?', for messages. */
static void printable(const struct buf *b, char *out, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && i < b->len; i++)
		out[i] = isprint((unsigned char)b->data[i]) ? b->data[i] : '?';
	out[i] = '\0';
}

static void transport_error(struct client *c, CURLcode rc, const char *ebuf, const char *url,
                            struct client_reply *rep)
{
	const char *detail = ebuf[0] ? ebuf : curl_easy_strerror(rc);
	long os_errno = 0;

	/* "Connection refused" says more than libcurl's "Couldn't connect to server" */
	if (rc == CURLE_COULDNT_CONNECT &&
	    curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno != 0)
		detail = strerror((int)os_errno);

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		rep->err = CLIENT_ECONNECT;
		snprintf(rep->msg, sizeof(rep->msg),
		         "cannot connect to %s: %s (is vigil running there? --url or $VIGIL_URL "
		         "say where)",
		         c->url, detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		rep->err = CLIENT_ETIMEOUT;
		snprintf(rep->msg, sizeof(rep->msg), "%s: no answer within %.1f s (%s)", url,
		         (double)c->total_ms / 1000, detail);
		break;
	case CURLE_WRITE_ERROR:
		rep->err = CLIENT_ETOOBIG;
		snprintf(rep->msg, sizeof(rep->msg), "%s: the answer is over %u MiB", url,
		         CLIENT_BODY_MAX >> 20);
		break;
	default:
		rep->err = CLIENT_EOTHER;
		snprintf(rep->msg, sizeof(rep->msg), "%s: %s", url, detail);
		break;
	}
}

static void status_error(const struct client *c, const char *method, long status,
                         const struct buf *b, const char *url, struct client_reply *rep)
{
	char said[200];

	api_message_copy(b, said, sizeof(said));
	if (status == 401 && c->authz == NULL) {
		rep->err = CLIENT_EAUTH;
		snprintf(rep->msg, sizeof(rep->msg),
		         "%s: HTTP 401: this needs a token: give --token, --token-file or "
		         "$VIGIL_TOKEN",
		         url);
		return;
	}
	if (status == 401 || status == 403) {
		rep->err = CLIENT_EAUTH;
		snprintf(rep->msg, sizeof(rep->msg),
		         "%s: HTTP %ld: the token is wrong or lacks the %s role%s%s", url, status,
		         strcmp(method, "GET") == 0 ? "viewer" : "operator", said[0] ? ": " : "",
		         said);
		return;
	}
	rep->err = CLIENT_EHTTP;
	snprintf(rep->msg, sizeof(rep->msg), "%s: HTTP %ld%s%s", url, status, said[0] ? ": " : "",
	         said);
}

static int call(struct client *c, const char *method, const char *path, const char *body,
                struct client_reply *rep)
{
	char ebuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	struct buf b;
	char *url = xasprintf("%s%s", c->url, path);
	CURLcode rc;

	memset(rep, 0, sizeof(*rep));
	buf_init(&b, CLIENT_BODY_MAX);
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->total_ms);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "vigil-cli");
	curl_easy_setopt(c->curl, CURLOPT_ACCEPT_ENCODING, "");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (c->authz != NULL)
		hdrs = curl_slist_append(hdrs, c->authz);
	if (strcmp(method, "POST") == 0) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body ? body : "");
	}
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK)
		transport_error(c, rc, ebuf, url, rep);
	else {
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &rep->status);
		if (rep->status < 200 || rep->status > 299)
			status_error(c, method, rep->status, &b, url, rep);
		else if ((rep->json = json_loadb(b.data ? b.data : "", b.len, 0, NULL)) == NULL) {
			rep->err = CLIENT_EJSON;
			char start[64];

			printable(&b, start, sizeof(start));
			snprintf(rep->msg, sizeof(rep->msg),
			         "%s: the answer is not JSON (is this a vigil daemon?): \"%s\"",
			         url, start);
		}
	}
	buf_free(&b);
	free(url);
	return rep->err == CLIENT_OK ? 0 : -1;
}

int client_get(struct client *c, const char *path, struct client_reply *rep)
{
	return call(c, "GET", path, NULL, rep);
}

int client_post(struct client *c, const char *path, const char *body, struct client_reply *rep)
{
	return call(c, "POST", path, body, rep);
}

void client_reply_free(struct client_reply *rep)
{
	json_decref(rep->json);
	rep->json = NULL;
}

int client_escape(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || strchr("-._~", ch) != NULL) {
			if (o + 1 >= size)
				return -1;
			out[o++] = (char)ch;
		} else {
			if (o + 3 >= size)
				return -1;
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	if (o >= size)
		return -1;
	out[o] = '\0';
	return 0;
}
