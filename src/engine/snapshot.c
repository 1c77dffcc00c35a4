/* Snapshot reference counting, publication and render-once caching. */
#include "engine/snapshot.h"

#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "conf/conf.h"
#include "host/view.h"
#include "util/rcstr.h"
#include "util/secret.h"
#include "util/sha256.h"
#include "util/xmalloc.h"

struct snapshot *snapshot_new(void)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	atomic_init(&s->refs, 1);
	pthread_mutex_init(&s->render_lock, NULL);
	s->db_size = -1;
	return s;
}

void snapshot_ref(struct snapshot *s)
{
	atomic_fetch_add(&s->refs, 1);
}

void snapshot_unref(struct snapshot *s)
{
	int i;

	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	for (i = 0; i < SNAP_SLOTS; i++) {
		if (s->bodies[i].destroy != NULL)
			s->bodies[i].destroy(s->bodies[i].data);
		else
			free(s->bodies[i].data);
	}
	for (i = 0; i < (int)s->nmonitors; i++) {
		rcstr_unref(s->monitors[i].message);
		rcstr_unref(s->monitors[i].perfdata);
		conf_unref(s->monitors[i].api);
		free(s->monitors[i].rings);
	}
	host_view_unref(s->host);
	free(s->alerts);
	free(s->windows);
	free(s->channels);
	free(s->monitors);
	pthread_mutex_destroy(&s->render_lock);
	conf_unref(s->config);
	secret_set_unref(s->secrets);
	free(s);
}

struct status_rings *snapshot_rings(const struct history *h)
{
	struct status_rings *r;

	if (h->longer == NULL)
		return NULL;
	r = xmalloc(sizeof(*r));
	memcpy(r->days, h->longer->days, sizeof(r->days));
	memcpy(r->lat, h->longer->lat, sizeof(r->lat));
	return r;
}

const struct snapshot_body *snapshot_render_with(
        struct snapshot *s, enum snapshot_slot slot,
        void (*render)(const struct snapshot *s, struct snapshot_body *body, void *arg), void *arg)
{
	struct snapshot_body *b = &s->bodies[slot];

	pthread_mutex_lock(&s->render_lock);
	if (!s->rendered[slot]) {
		unsigned char digest[SHA256_LEN];
		char hex[17]; /* 8 bytes of the digest are plenty for an ETag */

		render(s, b, arg);
		sha256(b->data, b->len, digest);
		hex_encode(digest, 8, hex);
		snprintf(b->etag, sizeof(b->etag), "\"%s\"", hex);
		s->rendered[slot] = true;
	}
	pthread_mutex_unlock(&s->render_lock);
	return b;
}

struct plain_render {
	void (*render)(const struct snapshot *s, struct snapshot_body *body);
};

static void plain(const struct snapshot *s, struct snapshot_body *body, void *arg)
{
	((const struct plain_render *)arg)->render(s, body);
}

const struct snapshot_body *snapshot_render(struct snapshot *s, enum snapshot_slot slot,
                                            void (*render)(const struct snapshot *s,
                                                           struct snapshot_body *body))
{
	struct plain_render p = { render };

	return snapshot_render_with(s, slot, plain, &p);
}

void snapshot_box_init(struct snapshot_box *box)
{
	pthread_mutex_init(&box->lock, NULL);
	box->current = NULL;
}

void snapshot_box_publish(struct snapshot_box *box, struct snapshot *s)
{
	struct snapshot *old;

	pthread_mutex_lock(&box->lock);
	old = box->current;
	box->current = s;
	pthread_mutex_unlock(&box->lock);
	snapshot_unref(old);
}

struct snapshot *snapshot_box_acquire(struct snapshot_box *box)
{
	struct snapshot *s;

	pthread_mutex_lock(&box->lock);
	s = box->current;
	if (s != NULL)
		snapshot_ref(s);
	pthread_mutex_unlock(&box->lock);
	return s;
}

const struct monitor_snap *snapshot_monitor(const struct snapshot *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nmonitors; i++)
		if (strcmp(s->monitors[i].conf->id, id) == 0)
			return &s->monitors[i];
	return NULL;
}

void snapshot_box_destroy(struct snapshot_box *box)
{
	snapshot_unref(box->current);
	box->current = NULL;
	pthread_mutex_destroy(&box->lock);
}
