/* pushover: POST /1/messages.json; the app token and the user key join the body at send time. */
#include <stdlib.h>

#include "alert/channel.h"
#include "conf/conf.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	return json_pack("{s:s,s:s,s:i,s:I}", "title", t->title, "message", t->detail, "priority",
	                 !t->resolved && in->severity[0] == 'c' ? 1 : 0, "timestamp",
	                 (json_int_t)(in->t_ms / 1000));
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	char *with_token;
	struct outbox_msg tmp = *m;

	channel_prepare_default(c, m, req);
	with_token = channel_body_with(m, "token", json_string(c->token));
	if (with_token == NULL)
		return -1;
	tmp.body = with_token;
	req->body = channel_body_with(&tmp, "user", json_string(c->to));
	free(with_token);
	return req->body ? 0 : -1;
}

const struct channel_kind channel_pushover = { "pushover", "application/json", render, NULL,
	                                       prepare };
