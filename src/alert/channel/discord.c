/* discord: an execute-webhook body, content plus one embed (red firing, green resolved). */
#include "alert/channel.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	(void)in;
	return json_pack("{s:s,s:[{s:s,s:s,s:i,s:s,s:{s:s}}]}", "content", t->title, "embeds",
	                 "title", t->title, "description", t->detail, "color",
	                 t->resolved ? 0x2ecc71 : 0xe74c3c, "timestamp", t->at, "footer", "text",
	                 t->footer);
}

const struct channel_kind channel_discord = { "discord", "application/json", render, NULL,
	                                      channel_prepare_default };
