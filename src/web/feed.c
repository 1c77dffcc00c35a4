/*
 * GET /feed.atom (Atom 1.0) and /feed.rss (RSS 2.0): the status page's
 * incidents, each with its updates, and its maintenance windows, newest
 * first. Entry content is HTML escaped once more as XML text.
 */
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "web/status_int.h"
#include "web/status_render.h"

#define ANNOUNCED_MS (7 * STATUS_MS_DAY) /* how far ahead maintenance is shown */

struct entry {
	int64_t updated;
	const struct status_incident *in; /* or */
	const struct status_maintenance *m;
};

struct feed {
	const struct status_view *v;
	struct buf *b;
	struct buf origin; /* escaped; empty without v->url */
	bool rss;
};

static int64_t incident_updated(const struct status_incident *in)
{
	int64_t t = in->resolved_ms > in->started_ms ? in->resolved_ms : in->started_ms;
	size_t i;

	for (i = 0; i < in->nupdates; i++)
		if (in->updates[i].t_ms > t)
			t = in->updates[i].t_ms;
	return t;
}

/* When a window came into the feed: a week before it starts, not later than now. */
static int64_t window_updated(const struct status_maintenance *m, int64_t now)
{
	int64_t t = m->start_ms - ANNOUNCED_MS;

	return t < now ? t : now;
}

static int newest_first(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	return a->updated > b->updated ? -1 : a->updated < b->updated;
}

/* Appends the origin (escaped) when known, then the absolute PATH. */
static void put_url(struct feed *f, const char *path)
{
	SP(buf_append(f->b, f->origin.data ? f->origin.data : "", f->origin.len));
	SP(buf_puts(f->b, path));
}

static void put_time(struct feed *f, int64_t ms)
{
	char t[STATUS_TIME_LEN];

	if (f->rss)
		status_fmt_rfc822(ms, t, sizeof(t));
	else
		time_format_rfc3339(ms, t, sizeof(t));
	SP(buf_puts(f->b, t));
}

/* The entry's link (without markup): its incident page, or the page's maintenance section. */
static void put_link(struct feed *f, const struct entry *e)
{
	if (e->in != NULL) {
		put_url(f, "/status/incidents/");
		status_put_int(f->b, e->in->id);
	} else {
		put_url(f, "/status#maintenance");
	}
}

/* The entry's id: its link when the page's address is known, else a URN. */
static void put_id(struct feed *f, const struct entry *e)
{
	if (e->in != NULL && f->origin.len > 0) {
		put_link(f, e);
		return;
	}
	if (e->in != NULL) {
		SP(buf_puts(f->b, "urn:vigil:incident:"));
		status_put_int(f->b, e->in->id);
		return;
	}
	SP(buf_puts(f->b, "urn:vigil:maintenance:"));
	status_put_int(f->b, e->m->start_ms);
	SP(buf_putc(f->b, ':'));
	status_esc_url(f->b, e->m->name);
}

static void put_names(struct buf *h, const char *const *names, size_t n)
{
	size_t i;

	SP(buf_puts(h, "<p>Affects: "));
	if (n == 0)
		SP(buf_puts(h, "all components"));
	for (i = 0; i < n; i++) {
		if (i > 0)
			SP(buf_puts(h, ", "));
		status_esc_html(h, names[i]);
	}
	SP(buf_puts(h, "</p>"));
}

/* The entry's content as HTML (its strings escaped), into H. */
static void content_html(struct buf *h, const struct entry *e)
{
	char when[STATUS_TIME_LEN], end[STATUS_TIME_LEN];
	size_t i;

	if (e->m != NULL) {
		status_fmt_when(e->m->start_ms, when, sizeof(when));
		status_fmt_when(e->m->end_ms, end, sizeof(end));
		SP(buf_printf(h, "<p><strong>%s</strong>: %s to %s</p>",
		              e->m->active ? "In progress" : "Scheduled", when, end));
		put_names(h, e->m->components, e->m->ncomponents);
		return;
	}
	SP(buf_printf(h, "<p>Impact: %s</p>", status_impact_word(e->in->impact)));
	put_names(h, e->in->components, e->in->ncomponents);
	for (i = 0; i < e->in->nupdates; i++) {
		const struct status_update *u = &e->in->updates[i];
		const char *label = status_update_label(u->status);

		status_fmt_when(u->t_ms, when, sizeof(when));
		SP(buf_puts(h, "<p><strong>"));
		if (label != NULL)
			SP(buf_puts(h, label));
		else
			status_esc_html(h, u->status);
		SP(buf_printf(h, "</strong> (%s): ", when));
		status_esc_html(h, u->message);
		SP(buf_puts(h, "</p>"));
	}
}

static void put_content(struct feed *f, const struct entry *e)
{
	struct buf h;

	buf_init(&h, 0);
	content_html(&h, e);
	status_esc_html(f->b, h.data);
	buf_free(&h);
}

static void put_title(struct feed *f, const struct entry *e)
{
	if (e->in != NULL) {
		status_esc_html(f->b, e->in->title);
		return;
	}
	SP(buf_puts(f->b, "Scheduled maintenance: "));
	status_esc_html(f->b, e->m->name);
}

static void atom_entry(struct feed *f, const struct entry *e)
{
	SP(buf_puts(f->b, "<entry><id>"));
	put_id(f, e);
	SP(buf_puts(f->b, "</id><title type=\"text\">"));
	put_title(f, e);
	SP(buf_puts(f->b, "</title><link rel=\"alternate\" type=\"text/html\" href=\""));
	put_link(f, e);
	SP(buf_puts(f->b, "\"/>"));
	if (e->in != NULL) {
		SP(buf_puts(f->b, "<published>"));
		put_time(f, e->in->started_ms);
		SP(buf_puts(f->b, "</published>"));
	}
	SP(buf_puts(f->b, "<updated>"));
	put_time(f, e->updated);
	SP(buf_puts(f->b, "</updated><content type=\"html\">"));
	put_content(f, e);
	SP(buf_puts(f->b, "</content></entry>\n"));
}

static void rss_item(struct feed *f, const struct entry *e)
{
	SP(buf_puts(f->b, "<item><title>"));
	put_title(f, e);
	SP(buf_puts(f->b, "</title><link>"));
	put_link(f, e);
	SP(buf_printf(f->b, "</link><guid isPermaLink=\"%s\">",
	              e->in != NULL && f->origin.len > 0 ? "true" : "false"));
	put_id(f, e);
	SP(buf_puts(f->b, "</guid><pubDate>"));
	put_time(f, e->updated);
	SP(buf_puts(f->b, "</pubDate><description>"));
	put_content(f, e);
	SP(buf_puts(f->b, "</description></item>\n"));
}

static const char *title_of(const struct status_view *v)
{
	return v->title != NULL && v->title[0] != '\0' ? v->title : "Status";
}

static void atom_head(struct feed *f, int64_t updated)
{
	SP(buf_puts(f->b, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\"><id>"));
	if (f->origin.len > 0)
		put_url(f, "/status");
	else
		SP(buf_puts(f->b, "urn:vigil:status"));
	SP(buf_puts(f->b, "</id><title type=\"text\">"));
	status_esc_html(f->b, title_of(f->v));
	SP(buf_puts(f->b, "</title>"));
	if (f->v->description != NULL && f->v->description[0] != '\0') {
		SP(buf_puts(f->b, "<subtitle type=\"text\">"));
		status_esc_html(f->b, f->v->description);
		SP(buf_puts(f->b, "</subtitle>"));
	}
	SP(buf_puts(f->b, "<link rel=\"alternate\" type=\"text/html\" href=\""));
	put_url(f, "/status");
	SP(buf_puts(f->b, "\"/><link rel=\"self\" type=\"application/atom+xml\" href=\""));
	put_url(f, "/feed.atom");
	SP(buf_puts(f->b, "\"/><updated>"));
	put_time(f, updated);
	SP(buf_puts(f->b, "</updated><author><name>"));
	status_esc_html(f->b, title_of(f->v));
	SP(buf_puts(f->b, "</name></author><generator>Vigil</generator>\n"));
}

static void rss_head(struct feed *f, int64_t updated)
{
	SP(buf_puts(f->b, "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">"
	                  "<channel><title>"));
	status_esc_html(f->b, title_of(f->v));
	SP(buf_puts(f->b, "</title><link>"));
	put_url(f, "/status");
	SP(buf_puts(f->b, "</link><description>"));
	if (f->v->description != NULL && f->v->description[0] != '\0') {
		struct buf h; /* readers take it for HTML, like an item's */

		buf_init(&h, 0);
		status_esc_html(&h, f->v->description);
		status_esc_html(f->b, h.data);
		buf_free(&h);
	} else
		SP(buf_puts(f->b, "Incidents and scheduled maintenance"));
	SP(buf_puts(f->b, "</description><language>en</language><lastBuildDate>"));
	put_time(f, updated);
	SP(buf_puts(f->b, "</lastBuildDate><generator>Vigil</generator>"));
	if (f->origin.len > 0) {
		SP(buf_puts(f->b, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\""));
		put_url(f, "/feed.rss");
		SP(buf_puts(f->b, "\"/>"));
	}
	SP(buf_putc(f->b, '\n'));
}

/* The feed's entries, newest first; *N how many (the caller frees the array). */
static struct entry *entries(const struct status_view *v, size_t *n)
{
	struct entry *e = calloc(v->nincidents + v->nmaintenance + 1, sizeof(*e));
	size_t i, k = 0;

	if (e == NULL)
		abort();
	for (i = 0; i < v->nincidents; i++)
		e[k++] = (struct entry){ incident_updated(&v->incidents[i]), &v->incidents[i],
			                 NULL };
	for (i = 0; i < v->nmaintenance; i++)
		e[k++] = (struct entry){ window_updated(&v->maintenance[i], v->now_ms), NULL,
			                 &v->maintenance[i] };
	qsort(e, k, sizeof(*e), newest_first);
	*n = k;
	return e;
}

char *status_render_feed(const struct status_view *v, bool rss, size_t *len)
{
	struct buf b;
	struct feed f = { v, &b, { 0 }, rss };
	struct entry *e;
	size_t i, n;

	buf_init(&b, 0);
	buf_init(&f.origin, 0);
	(void)status_url_origin(&f.origin, v->url);
	e = entries(v, &n);
	SP(buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"));
	if (rss)
		rss_head(&f, n > 0 ? e[0].updated : v->now_ms);
	else
		atom_head(&f, n > 0 ? e[0].updated : v->now_ms);
	for (i = 0; i < n; i++)
		(rss ? rss_item : atom_entry)(&f, &e[i]);
	SP(buf_puts(&b, rss ? "</channel></rss>\n" : "</feed>\n"));
	free(e);
	buf_free(&f.origin);
	*len = b.len;
	return buf_steal(&b);
}
