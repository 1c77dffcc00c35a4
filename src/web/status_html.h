/* The pieces the status page and the incident page are made of (see status_html.c, status_events.c). */
#ifndef VIGIL_WEB_STATUS_HTML_H
#define VIGIL_WEB_STATUS_HTML_H

#include <stdbool.h>

#include "util/buf.h"
#include "web/status_view.h"

/*
 * Appends the document's start up to and including <main>: the head (title
 * SUBTITLE · V->title, or V->title alone when SUBTITLE is NULL), the header
 * with logo, title and description. Only the main page (SUBTITLE NULL) gets
 * the live-refresh script, when V->refresh_ms is set.
 */
void status_html_open(struct buf *b, const struct status_view *v, const char *subtitle);
/* Appends </main>, the footer and the document's end. */
void status_html_close(struct buf *b, const struct status_view *v);

/* Appends <time datetime="RFC 3339">2 Mar 2026, 14:05 UTC</time>. */
void status_html_time(struct buf *b, int64_t ms);

/*
 * Appends incident IN as an <article>: its title (a link to its page unless
 * PAGE), impact, status, times, components and updates, under a heading of
 * LEVEL (2 or 3).
 */
void status_html_incident(struct buf *b, const struct status_incident *in, int level, bool page);

/* Appends maintenance window M as an <article>: name, in progress or scheduled, times, components. */
void status_html_window(struct buf *b, const struct status_maintenance *m);

/* Appends C's uptimes as <p class="up">: 24 h, 7 d when WEEK, 30 d and 90 d. */
void status_html_uptimes(struct buf *b, const struct status_component *c, bool week);

/* Appends the bar colours' legend and, when AXIS, the bar's axis (90 days ago ... Today). */
void status_html_legend(struct buf *b, bool axis);

/* Active incidents shown whole on the page, then as one line each; the rest are counted. */
#define STATUS_ACTIVE_FULL  10
#define STATUS_ACTIVE_LINES 40

/*
 * Whether NAMES[N] (display names of an incident or a window) concern C:
 * naming none is every component, as the page says; C NULL: any.
 */
bool status_concerns(const struct status_component *c, const char *const *names, size_t n);

/*
 * The sections: active incidents, maintenance (both only when there is some;
 * maintenance only ONLY's when given, active windows first), past incidents.
 */
void status_html_active(struct buf *b, const struct status_view *v);
void status_html_maintenance(struct buf *b, const struct status_view *v,
                             const struct status_component *only);
void status_html_history(struct buf *b, const struct status_view *v);

#endif
