/*
 * The public status page and what it is made of: GET /status, its incident
 * pages, theme, script, style and logo, its JSON (/api/v1/status), badges
 * and feeds. Pages, JSON, theme and feeds are rendered at most once per
 * snapshot (kept in it, with an ETag); badges, incident and component pages
 * on demand. All are made from one status view per snapshot, built on the
 * first ask and kept in the snapshot too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/snapshot.h"
#include "store/store.h"
#include "web/status_build.h"
#include "web/status_render.h"
#include "web/web_int.h"

#define HTML_TYPE "text/html; charset=utf-8"
#define SVG_TYPE  "image/svg+xml"

/* What a snapshot slot of the status page is rendered with: a renderer of its view. */
struct status_render {
	char *(*render)(const struct status_view *v, size_t *len);
	const struct status_view *view;
};

static char *render_atom(const struct status_view *v, size_t *len)
{
	return status_render_feed(v, false, len);
}

static char *render_rss(const struct status_view *v, size_t *len)
{
	return status_render_feed(v, true, len);
}

static void destroy_view(char *data)
{
	status_view_free((struct status_view *)(void *)data);
}

/* The view of S with its incidents (read from the store of WEB, the argument). */
static void build_view(const struct snapshot *s, struct snapshot_body *body, void *arg)
{
	struct web *web = arg;
	struct store_reader *r = store_reader_acquire(web->store);

	body->data = (char *)(void *)status_view_build(s, r);
	body->len = 0;
	body->destroy = destroy_view;
	if (r != NULL)
		store_reader_release(web->store, r);
}

/*
 * The status view of the request's snapshot, built at most once per
 * snapshot and kept in it: every page, body, badge and feed of a snapshot
 * is made from the same view, read-only, whatever the number of requests.
 */
static const struct status_view *view_of(struct web_request *req)
{
	const struct snapshot_body *b =
	        snapshot_render_with(req->snap, SNAP_STATUS_VIEW, build_view, req->web);

	return (const struct status_view *)(const void *)b->data;
}

static void render_slot(const struct snapshot *s, struct snapshot_body *body, void *arg)
{
	const struct status_render *sr = arg;

	(void)s;
	body->data = sr->render(sr->view, &body->len);
	body->status = 200;
}

/* False (after a 404) when the status page is off. */
static bool page_on(struct web_request *req, struct web_reply *rep)
{
	if (req->snap->config->status_page.enabled)
		return true;
	reply_json_error(rep, 404, "not_found", "the status page is off (status_page.enabled)");
	return false;
}

/* Answers the snapshot's SLOT body, rendering it from the view if it is the first ask. */
static void serve_slot(struct web_request *req, struct web_reply *rep, enum snapshot_slot slot,
                       const char *type, char *(*render)(const struct status_view *, size_t *))
{
	struct status_render sr = { render, NULL };
	const struct snapshot_body *b;

	if (!page_on(req, rep))
		return;
	sr.view = view_of(req); /* first: the slot's render runs under the snapshot's lock */
	b = snapshot_render_with(req->snap, slot, render_slot, &sr);
	if (reply_not_modified(req, rep, b->etag))
		return;
	reply_borrowed(rep, b->status, type, b->data, b->len, b->etag);
	rep->cache_control = "no-cache";
}

void handle_status_page(struct web_request *req, struct web_reply *rep)
{
	serve_slot(req, rep, SNAP_STATUS_PAGE, HTML_TYPE, status_render_page);
}

void handle_status_json(struct web_request *req, struct web_reply *rep)
{
	serve_slot(req, rep, SNAP_STATUS_JSON, "application/json", status_render_json);
}

void handle_status_summary(struct web_request *req, struct web_reply *rep)
{
	serve_slot(req, rep, SNAP_STATUS_SUMMARY, "application/json", status_render_summary);
}

void handle_status_theme(struct web_request *req, struct web_reply *rep)
{
	serve_slot(req, rep, SNAP_STATUS_THEME, "text/css; charset=utf-8", status_render_theme_css);
}

void handle_feed_atom(struct web_request *req, struct web_reply *rep)
{
	serve_slot(req, rep, SNAP_STATUS_ATOM, "application/atom+xml; charset=utf-8", render_atom);
}

void handle_feed_rss(struct web_request *req, struct web_reply *rep)
{
	serve_slot(req, rep, SNAP_STATUS_RSS, "application/rss+xml; charset=utf-8", render_rss);
}

/* Answers an owned body BODY (NULL: 404 naming WHAT). */
static void reply_owned(struct web_reply *rep, char *body, size_t len, const char *type,
                        const char *what)
{
	if (body == NULL) {
		reply_json_error(rep, 404, "not_found", "no %s", what);
		return;
	}
	rep->status = 200;
	rep->content_type = type;
	rep->owned = body;
	rep->body = body;
	rep->len = len;
}

void handle_status_incident(struct web_request *req, struct web_reply *rep)
{
	const char *id = route_param(&req->params, "id");
	char *end, *body;
	long long n;
	size_t len = 0;

	if (!page_on(req, rep))
		return;
	n = id ? strtoll(id, &end, 10) : 0;
	if (id == NULL || n <= 0 || *end != '\0') {
		reply_json_error(rep, 404, "not_found", "no such incident");
		return;
	}
	body = status_render_incident(view_of(req), n, &len);
	reply_owned(rep, body, len, HTML_TYPE, "such incident on the status page");
	rep->cache_control = "no-cache";
}

void handle_status_component(struct web_request *req, struct web_reply *rep)
{
	const char *id = route_param(&req->params, "id");
	char *body = NULL;
	size_t len = 0;

	if (!page_on(req, rep))
		return;
	if (id != NULL)
		body = status_render_component(view_of(req), id, &len);
	reply_owned(rep, body, len, HTML_TYPE, "such component (public monitors only)");
	rep->cache_control = "no-cache";
}

/* The badge FILE of the route ("status.svg", "24h.svg"...) as what the renderer takes. */
static bool badge_what(const char *file, bool uptime, char *out, size_t size)
{
	size_t n = strlen(file);

	if (n < 5 || strcmp(file + n - 4, ".svg") != 0)
		return false;
	snprintf(out, size, "%s%.*s", uptime ? "uptime/" : "", (int)(n - 4), file);
	return true;
}

static void badge(struct web_request *req, struct web_reply *rep, bool uptime)
{
	const char *mon = route_param(&req->params, "monitor");
	const char *file = route_param(&req->params, "file");
	char what[32], *body = NULL;
	size_t len = 0;

	if (!page_on(req, rep))
		return;
	if (mon != NULL && file != NULL && badge_what(file, uptime, what, sizeof(what)))
		body = status_render_badge(view_of(req), mon, what, &len);
	reply_owned(rep, body, len, SVG_TYPE, "such badge (public monitors only)");
	rep->cache_control = "public, max-age=60";
}

void handle_badge(struct web_request *req, struct web_reply *rep)
{
	badge(req, rep, false);
}

void handle_badge_uptime(struct web_request *req, struct web_reply *rep)
{
	badge(req, rep, true);
}

/* An embedded asset of the page, cached by browsers for a while. */
static void asset(struct web_request *req, struct web_reply *rep, const char *name,
                  const char *type)
{
	if (page_on(req, rep) && !web_reply_asset(req, rep, name, type, "public, max-age=300"))
		reply_json_error(rep, 404, "not_found", "no %s", name);
}

void handle_status_css(struct web_request *req, struct web_reply *rep)
{
	asset(req, rep, "status.css", "text/css; charset=utf-8");
}

void handle_status_js(struct web_request *req, struct web_reply *rep)
{
	asset(req, rep, "status.js", "text/javascript; charset=utf-8");
}

void handle_status_logo(struct web_request *req, struct web_reply *rep)
{
	const struct conf_status_page *p = &req->snap->config->status_page;

	if (!page_on(req, rep))
		return;
	if (p->logo_data == NULL) {
		reply_json_error(rep, 404, "not_found", "no logo (status_page.logo)");
		return;
	}
	reply_borrowed(rep, 200, p->logo_type, p->logo_data, p->logo_len, NULL);
	rep->cache_control = "public, max-age=300";
}
