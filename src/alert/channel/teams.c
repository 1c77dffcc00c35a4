/* teams: a Workflows (Power Automate) webhook message carrying an Adaptive Card. */
#include "alert/channel.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	(void)in;
	return json_pack("{s:s,s:[{s:s,s:{s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:s,s:b},{s:s,s:s,s:b},"
	                 "{s:s,s:s,s:b,s:s}]}}]}",
	                 "type", "message", "attachments", "contentType",
	                 "application/vnd.microsoft.card.adaptive", "content", "$schema",
	                 "http://adaptivecards.io/schemas/adaptive-card.json", "type",
	                 "AdaptiveCard", "version", "1.4", "body", "type", "TextBlock", "size",
	                 "Medium", "weight", "Bolder", "text", t->title, "wrap", 1, "type",
	                 "TextBlock", "text", t->detail, "wrap", 1, "type", "TextBlock", "text",
	                 t->footer, "wrap", 1, "isSubtle", "true");
}

const struct channel_kind channel_teams = { "teams", "application/json", render, NULL,
	                                    channel_prepare_default };
