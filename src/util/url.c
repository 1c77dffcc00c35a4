/* Redaction of credentials in URLs (userinfo and secret query parameters). */
#include "util/url.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/secret.h"
#include "util/xmalloc.h"

const char *const url_secret_params[] = {
	"key",  "token",   "password", "secret",       "signature", "sig",
	"auth", "api_key", "apikey",   "access_token", "passwd",    NULL,
};

#define P(expr) (void)!(expr)

static bool listed(const char *name, size_t len, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strlen(*list) == len && strncasecmp(*list, name, len) == 0)
			return true;
	return false;
}

/* Splits URL into the end of its scheme ("://"), authority and the rest. */
static void split(const char *url, const char **auth, const char **auth_end)
{
	const char *p = strstr(url, "://");

	*auth = p ? p + 3 : url;
	*auth_end = *auth + strcspn(*auth, "/?#");
}

/* Calls FN for each query value whose name is listed. */
static void each_secret_value(const char *url, const char *const *a, const char *const *b,
                              void (*fn)(const char *v, size_t len, void *arg), void *arg)
{
	const char *q = strchr(url, '?'), *end;

	if (q == NULL)
		return;
	end = q + strcspn(q, "#");
	q++;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q)), *eq;

		if (amp == NULL)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq != NULL &&
		    (listed(q, (size_t)(eq - q), a) || listed(q, (size_t)(eq - q), b)))
			fn(eq + 1, (size_t)(amp - eq - 1), arg);
		q = amp + 1;
	}
}

struct redact {
	struct buf *out;
	const char *from; /* copied up to here */
};

static void mask_value(const char *v, size_t len, void *arg)
{
	struct redact *r = arg;

	P(buf_append(r->out, r->from, (size_t)(v - r->from)));
	P(buf_puts(r->out, SECRET_MASK));
	r->from = v + len;
}

char *url_redact(const char *url, const char *const *params, const char *const *extra)
{
	const char *auth, *auth_end, *at;
	struct buf out;
	struct redact r = { &out, url };

	buf_init(&out, 0);
	split(url, &auth, &auth_end);
	at = memchr(auth, '@', (size_t)(auth_end - auth));
	if (at != NULL) {
		const char *last;

		while ((last = memchr(at + 1, '@', (size_t)(auth_end - at - 1))) != NULL)
			at = last;
		P(buf_append(&out, url, (size_t)(auth - url)));
		P(buf_puts(&out, SECRET_MASK));
		r.from = at;
	}
	each_secret_value(url, params, extra, mask_value, &r);
	P(buf_puts(&out, r.from));
	return buf_steal(&out);
}

static void add_value(const char *v, size_t len, void *arg)
{
	char *s = xstrndup(v, len);

	secret_set_add(arg, s);
	free(s);
}

void url_add_secrets(const char *url, const char *const *params, struct secret_set *set)
{
	const char *auth, *auth_end, *at, *colon;

	split(url, &auth, &auth_end);
	at = memchr(auth, '@', (size_t)(auth_end - auth));
	if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		add_value(colon ? colon + 1 : auth, (size_t)(at - (colon ? colon + 1 : auth)), set);
	}
	each_secret_value(url, params, NULL, add_value, set);
}
