/* slack: an incoming-webhook message, text (notifications) plus blocks. */
#include "alert/channel.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	(void)in;
	return json_pack("{s:s,s:[{s:s,s:{s:s,s:s}},{s:s,s:[{s:s,s:s}]}]}", "text", t->title,
	                 "blocks", "type", "section", "text", "type", "mrkdwn", "text", t->detail,
	                 "type", "context", "elements", "type", "mrkdwn", "text", t->footer);
}

const struct channel_kind channel_slack = { "slack", "application/json", render, NULL,
	                                    channel_prepare_default };
