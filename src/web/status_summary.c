/*
 * GET /api/v1/status/summary: what the status page's script polls to refresh
 * it in place: the banner and each component's state, the active incidents.
 * A few bytes per component, where /api/v1/status carries 90 days each.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "web/status_render.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *status_render_summary(const struct status_view *v, size_t *len)
{
	json_t *comps = json_array(), *incs = json_array(), *doc;
	char at[TIME_RFC3339_LEN];
	char *text;
	size_t i;

	for (i = 0; i < v->ncomponents; i++) {
		const struct status_component *c = &v->components[i];

		json_array_append_new(comps, json_pack("{s:s?,s:s?,s:o,s:s}", "id", c->id, "name",
		                                       c->name, "group", str_or_null(c->group),
		                                       "status", status_state_word(c->state)));
	}
	for (i = 0; i < v->nincidents; i++) {
		const struct status_incident *in = &v->incidents[i];

		if (in->resolved_ms == 0)
			json_array_append_new(incs, json_pack("{s:I,s:s?,s:s?,s:s?}", "id",
			                                      (json_int_t)in->id, "title",
			                                      in->title, "impact", in->impact,
			                                      "status", in->status));
	}
	time_format_rfc3339(v->now_ms, at, sizeof(at));
	doc = json_pack("{s:{s:s?,s:s},s:{s:s,s:s},s:o,s:o}", "page", "title", v->title,
	                "updated_at", at, "status", "indicator", status_banner_word(v->banner),
	                "description", status_banner_label(v->banner), "components", comps,
	                "incidents", incs);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL) /* text that is not UTF-8 cannot happen: the view is scrubbed */
		text = strdup("{}");
	*len = strlen(text);
	return text;
}
