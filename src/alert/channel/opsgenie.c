/*
 * opsgenie: Alert API. A trigger creates an alert with an alias per Vigil
 * alert; a resolve closes it through that alias. The API key is a header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/xmalloc.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	char alias[64];

	snprintf(alias, sizeof(alias), "vigil-alert-%lld", (long long)in->alert_id);
	if (t->resolved)
		return json_pack("{s:s,s:s,s:s}", "alias", alias, "source", "Vigil", "note",
		                 t->detail);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s]}", "message", t->title, "alias", alias,
	                 "description", t->detail, "priority",
	                 strcmp(in->severity, "critical") == 0  ? "P1"
	                 : strcmp(in->severity, "warning") == 0 ? "P3"
	                                                        : "P5",
	                 "source", "Vigil", "tags", "vigil");
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	char line[300];

	channel_prepare_default(c, m, req);
	if (strcmp(m->kind, "resolve") == 0) {
		free(req->url);
		req->url = xasprintf("%s/vigil-alert-%lld/close?identifierType=alias", c->url,
		                     (long long)m->alert);
	}
	snprintf(line, sizeof(line), "Authorization: GenieKey %s", c->token);
	req->headers = curl_slist_append(req->headers, line);
	return 0;
}

const struct channel_kind channel_opsgenie = { "opsgenie", "application/json", render, NULL,
	                                       prepare };
