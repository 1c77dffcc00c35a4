/* mattermost: an incoming-webhook message (markdown text). */
#include <stdio.h>

#include "alert/channel.h"

static json_t *render(const struct render_input *in, const struct channel_text *t)
{
	char text[2048];

	(void)in;
	snprintf(text, sizeof(text), "#### %s\n%s\n_%s_", t->title, t->detail, t->footer);
	return json_pack("{s:s,s:s}", "text", text, "username", "Vigil");
}

const struct channel_kind channel_mattermost = { "mattermost", "application/json", render, NULL,
	                                         channel_prepare_default };
