/* Building replies: JSON bodies, JSON errors, conditional requests. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"
#include "web/web_int.h"

#define JSON_TYPE "application/json"

void reply_json(struct web_reply *rep, int status, char *body)
{
	free(rep->owned);
	rep->status = status;
	rep->content_type = JSON_TYPE;
	rep->owned = body;
	rep->body = body;
	rep->len = strlen(body);
}

void reply_json_error(struct web_reply *rep, int status, const char *code, const char *fmt, ...)
{
	json_t *root;
	va_list ap;
	char *msg, *text;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	root = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
	text = root ? json_dumps(root, API_JSON_FLAGS) : NULL;
	json_decref(root);
	free(msg);
	if (text == NULL) /* jansson rejects invalid UTF-8 in MSG */
		text = xasprintf("{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code,
		                 "invalid characters in request");
	reply_json(rep, status, text);
	rep->etag[0] = '\0';
	rep->cache_control = "no-store";
}

void reply_borrowed(struct web_reply *rep, int status, const char *type, const char *body,
                    size_t len, const char *etag)
{
	free(rep->owned);
	rep->owned = NULL;
	rep->status = status;
	rep->content_type = type;
	rep->body = body;
	rep->len = len;
	snprintf(rep->etag, sizeof(rep->etag), "%s", etag ? etag : "");
}

/* Does the If-None-Match list contain ETAG (or "*")? */
static bool etag_listed(const char *list, const char *etag)
{
	size_t len = strlen(etag);
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*' || (strncmp(p, etag, len) == 0 &&
		                  (p[len] == ',' || p[len] == ' ' || p[len] == '\0')))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

bool reply_not_modified(struct web_request *req, struct web_reply *rep, const char *etag)
{
	const char *inm = req->header(req->cls, "If-None-Match");

	if (inm == NULL || etag == NULL || !etag_listed(inm, etag))
		return false;
	free(rep->owned);
	rep->owned = NULL;
	rep->status = 304;
	rep->body = "";
	rep->len = 0;
	snprintf(rep->etag, sizeof(rep->etag), "%s", etag);
	return true;
}
