/* gotify: POST /message with the application token in X-Gotify-Key. */
#include <stdio.h>
#include <stdlib.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/xmalloc.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	return json_pack("{s:s,s:s,s:i}", "title", t->title, "message", t->detail, "priority",
	                 !t->resolved && in->severity[0] == 'c' ? 8 : 4);
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	char line[300];

	channel_prepare_default(c, m, req);
	free(req->url);
	req->url = xasprintf("%s/message", c->url);
	snprintf(line, sizeof(line), "X-Gotify-Key: %s", c->token);
	req->headers = curl_slist_append(req->headers, line);
	return 0;
}

const struct channel_kind channel_gotify = { "gotify", "application/json", render, NULL, prepare };
