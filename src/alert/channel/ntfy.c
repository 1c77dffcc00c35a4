/*
 * ntfy: publish to a topic URL; the message is the body, title, priority
 * and tags are headers; an access token is a bearer token.
 */
#include <stdio.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/xmalloc.h"

static char *render_text(const struct conf_channel *c, const struct render_input *in,
                         const struct channel_text *t)
{
	(void)c;
	/* the title travels with the body: the first line is it, cut at send time */
	return xasprintf("%s\n%s|%s\n%s", in->severity, t->resolved ? "resolved" : "firing",
	                 t->title, t->detail);
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	const char *nl1 = strchr(m->body, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
	const char *bar = nl1 ? strchr(nl1 + 1, '|') : NULL;
	char line[700];
	bool critical = strncmp(m->body, "critical", 8) == 0;
	bool resolved = nl1 && strncmp(nl1 + 1, "resolved", 8) == 0;

	if (nl1 == NULL || nl2 == NULL || bar == NULL || bar > nl2)
		return -1;
	channel_prepare_default(c, m, req);
	snprintf(line, sizeof(line), "Title: %.*s", (int)(nl2 - bar - 1), bar + 1);
	req->headers = curl_slist_append(req->headers, line);
	req->headers = curl_slist_append(req->headers,
	                                 critical && !resolved ? "Priority: 5" : "Priority: 3");
	req->headers = curl_slist_append(req->headers, resolved ? "Tags: white_check_mark"
	                                                        : "Tags: rotating_light");
	if (c->token != NULL) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", c->token);
		req->headers = curl_slist_append(req->headers, line);
	}
	req->body = xstrdup(nl2 + 1);
	return 0;
}

const struct channel_kind channel_ntfy = { "ntfy", "text/plain; charset=utf-8", NULL, render_text,
	                                   prepare };
