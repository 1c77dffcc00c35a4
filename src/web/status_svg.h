/* The status page's inline SVG: uptime bars and response-time charts (see status_svg.c). */
#ifndef VIGIL_WEB_STATUS_SVG_H
#define VIGIL_WEB_STATUS_SVG_H

#include <stdbool.h>

#include "util/buf.h"
#include "web/status_view.h"

/*
 * Appends C's 90-day uptime bar: an <svg role="img"> whose aria-label sums it
 * up, with one <rect class="bN"> per run of days that look the same (same
 * class, uptime and incidents), each with a <title> giving its dates, uptime
 * and incidents.
 */
void status_svg_bar(struct buf *b, const struct status_component *c);

/*
 * Appends C's 90-day bar for the compact layout: the same days and colours
 * in fewer bytes, without tooltips (the component's page has them): an
 * <svg role="none"> whose background is the 100% colour, with one
 * <path class="bN"> per other class, a stroke per run of its days. The text
 * beside it (the 90-day uptime) is its alternative.
 */
void status_svg_bar_compact(struct buf *b, const struct status_component *c);

/* Appends C's response-time text (min, avg, max over 24 h) and its chart. */
void status_svg_chart(struct buf *b, const struct status_component *c);

/* The min, mean and max of C's hourly latencies; false when no hour has data. */
bool status_latency_stats(const struct status_component *c, double *min, double *avg, double *max);

#endif
