/*
 * The status page's vocabulary (component states, banners, the banner that
 * states make) and what a view answers: its layout, a component by id.
 */
#include <string.h>

#include "web/status_view.h"

static const char *const state_words[STATE_COUNT] = {
	"operational",  "degraded_performance", "partial_outage",
	"major_outage", "under_maintenance",
};

static const char *const state_labels[STATE_COUNT] = {
	"Operational",  "Degraded Performance", "Partial Outage",
	"Major Outage", "Under Maintenance",
};

static const char *const banner_words[BANNER_COUNT] = {
	"operational", "degraded", "partial_outage", "major_outage", "under_maintenance",
};

static const char *const banner_labels[BANNER_COUNT] = {
	"All Systems Operational", "Degraded Performance", "Partial Outage", "Major Outage",
	"Under Maintenance",
};

const char *status_state_word(enum status_state s)
{
	return (unsigned)s < STATE_COUNT ? state_words[s] : state_words[STATE_OPERATIONAL];
}

const char *status_state_label(enum status_state s)
{
	return (unsigned)s < STATE_COUNT ? state_labels[s] : state_labels[STATE_OPERATIONAL];
}

const char *status_banner_word(enum status_banner b)
{
	return (unsigned)b < BANNER_COUNT ? banner_words[b] : banner_words[BANNER_OPERATIONAL];
}

const char *status_banner_label(enum status_banner b)
{
	return (unsigned)b < BANNER_COUNT ? banner_labels[b] : banner_labels[BANNER_OPERATIONAL];
}

/*
 * Worst state wins. Maintenance is planned, not a fault: it makes the banner
 * only when every component is under it; otherwise it counts as operational.
 */
enum status_banner status_banner_of(const enum status_state *states, size_t n)
{
	bool seen[STATE_COUNT] = { false };
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned)states[i] < STATE_COUNT)
			seen[states[i]] = true;
	if (seen[STATE_MAJOR_OUTAGE])
		return BANNER_MAJOR;
	if (seen[STATE_PARTIAL_OUTAGE])
		return BANNER_PARTIAL;
	if (seen[STATE_DEGRADED])
		return BANNER_DEGRADED;
	if (n > 0 && seen[STATE_MAINTENANCE] && !seen[STATE_OPERATIONAL])
		return BANNER_MAINTENANCE;
	return BANNER_OPERATIONAL;
}

bool status_view_compact(const struct status_view *v)
{
	if (v->layout == LAYOUT_AUTO)
		return v->ncomponents > STATUS_FULL_MAX;
	return v->layout == LAYOUT_COMPACT;
}

const struct status_component *status_view_find(const struct status_view *v, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < v->ncomponents; i++)
		if (v->components[i].id != NULL && strcmp(v->components[i].id, id) == 0)
			return &v->components[i];
	return NULL;
}
