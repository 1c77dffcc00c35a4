/* telegram: Bot API sendMessage; the bot token goes in the URL, the chat id in the body. */
#include <stdio.h>
#include <stdlib.h>

#include "alert/channel.h"
#include "conf/conf.h"
#include "util/xmalloc.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	char text[2048];

	(void)in;
	snprintf(text, sizeof(text), "%s\n%s\n%s", t->title, t->detail, t->footer);
	return json_pack("{s:s,s:b}", "text", text, "disable_web_page_preview", 1);
}

static int prepare(const struct conf_channel *c, const struct outbox_msg *m,
                   struct channel_request *req)
{
	channel_prepare_default(c, m, req);
	free(req->url);
	req->url = xasprintf("%s/bot%s/sendMessage", c->url, c->token);
	req->body = channel_body_with(m, "chat_id", json_string(c->to));
	return req->body ? 0 : -1;
}

const struct channel_kind channel_telegram = { "telegram", "application/json", render, NULL,
	                                       prepare };
