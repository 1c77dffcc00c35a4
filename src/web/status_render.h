/*
 * The public status page's renderers: pure functions from a status view to
 * the bytes of a response (HTML page, incident page, theme CSS, JSON, badges,
 * feeds). They read nothing but the view and keep nothing.
 */
#ifndef VIGIL_WEB_STATUS_RENDER_H
#define VIGIL_WEB_STATUS_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/status_view.h"

/*
 * Each renderer returns a malloc'd NUL-terminated body (the caller frees it)
 * and sets *LEN to its length without the NUL; or returns NULL (and leaves
 * *LEN alone) when there is nothing to render, as said below. Every string of
 * the view is escaped for where it lands; nothing of the view can add markup,
 * script, style or a URL scheme.
 */

/* GET /status: the whole page, complete without JavaScript. */
char *status_render_page(const struct status_view *v, size_t *len);

/* GET /status/incidents/{ID}: one incident and all its updates; NULL when V has no incident ID. */
char *status_render_incident(const struct status_view *v, int64_t id, size_t *len);

/*
 * GET /status/components/{ID}: one component with its bar's day tooltips,
 * its uptimes, response-time chart, incidents and maintenance; NULL when V
 * has no component ID.
 */
char *status_render_component(const struct status_view *v, const char *id, size_t *len);

/* GET /status/theme.css: the theme's colours as CSS custom properties, light and dark. */
char *status_render_theme_css(const struct status_view *v, size_t *len);

/* GET /api/v1/status: the page's content as JSON (application/json). */
char *status_render_json(const struct status_view *v, size_t *len);

/*
 * GET /api/v1/status/summary: the banner, each component's id, name, group and
 * state, the active incidents: what status.js polls (status_summary.c).
 */
char *status_render_summary(const struct status_view *v, size_t *len);

/*
 * GET /badge/{ID}/{WHAT}.svg: a shields.io-style flat badge (image/svg+xml).
 * WHAT is "status", "uptime/24h", "uptime/7d", "uptime/30d", "uptime/90d" or
 * "response-time". NULL when no component has ID or WHAT is none of these.
 */
char *status_render_badge(const struct status_view *v, const char *id, const char *what,
                          size_t *len);

/*
 * GET /feed.atom (RSS false: Atom 1.0, application/atom+xml) and /feed.rss
 * (RSS true: RSS 2.0, application/rss+xml): one entry per incident, with its
 * updates, and one per maintenance window, newest first. Links are absolute
 * on V->url's origin when it is set, else absolute paths.
 */
char *status_render_feed(const struct status_view *v, bool rss, size_t *len);

#endif
