/* Alert lifecycle: a monitor's alert fires, may be acknowledged, and resolves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert_int.h"
#include "conf/conf.h"
#include "probe/probe.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

static void on_committed_async(uv_async_t *h);

struct alerting *alerting_new(uv_loop_t *loop, struct store *store, struct curl_uv *curl,
                              struct vigil_config *cfg, alert_source source, void *arg)
{
	struct alerting *a = xcalloc(1, sizeof(*a));

	a->loop = loop;
	a->store = store;
	a->curl = curl;
	a->cfg = conf_ref(cfg);
	a->clock = time_wall_ms;
	a->next_alert = a->next_msg = 1;
	a->box = xcalloc(1, sizeof(*a->box));
	atomic_init(&a->box->refs, 1);
	pthread_mutex_init(&a->box->lock, NULL);
	a->box->wake = &a->committed;
	uv_async_init(loop, &a->committed, on_committed_async);
	a->committed.data = a;
	a->open_handles++;
	a->source = source;
	a->source_arg = arg;
	outbox_start(a);
	rules_start(a);
	return a;
}

void alerting_set_config(struct alerting *a, struct vigil_config *cfg)
{
	struct vigil_config *old = a->cfg;

	a->cfg = conf_ref(cfg);
	rules_config_changed(a, old);
	conf_unref(old);
	outbox_kick(a);
}

/*
 * The firing entry of monitor KEY and RULE (NULL: its status alert, down or
 * degraded), or (KEY 0) of rule RULE; NULL when none.
 */
static struct firing *find(struct alerting *a, int64_t key, const char *rule)
{
	size_t i;

	for (i = 0; i < a->nfiring; i++) {
		const struct firing *f = &a->firing[i];

		if (f->v.monitor_key != key)
			continue;
		if (rule == NULL ? strcmp(f->v.rule, "certificate") != 0
		                 : strcmp(f->v.rule, rule) == 0)
			return &a->firing[i];
	}
	return NULL;
}

void alert_keep_channels(struct firing *f, const struct conf_strlist *only)
{
	size_t i;

	f->channels = xcalloc(only->n + 1, sizeof(*f->channels));
	for (i = 0; i < only->n; i++)
		f->channels[i] = xstrdup(only->v[i]);
	f->nchannels = only->n;
}

void alert_free_firing(struct firing *f)
{
	size_t i;

	for (i = 0; i < f->nchannels; i++)
		free(f->channels[i]);
	free(f->channels);
	free(f->message);
}

struct firing *alert_find(struct alerting *a, int64_t key, const char *rule)
{
	return find(a, key, rule);
}

struct firing *alert_by_id(struct alerting *a, int64_t id)
{
	size_t i;

	for (i = 0; i < a->nfiring; i++)
		if (a->firing[i].v.id == id)
			return &a->firing[i];
	return NULL;
}

/* The channels of TEXT (one per line) into F. */
static void channels_from_text(struct firing *f, const char *text)
{
	char *copy = xstrdup(text), *save = NULL, *name;
	struct conf_strlist l = { NULL, 0 };
	size_t cap = 0;

	for (name = strtok_r(copy, "\n", &save); name != NULL; name = strtok_r(NULL, "\n", &save)) {
		l.v = xgrow(l.v, &cap, l.n + 1, sizeof(*l.v));
		l.v[l.n++] = name;
	}
	if (l.n > 0)
		alert_keep_channels(f, &l);
	free(l.v);
	free(copy);
}

struct firing *alert_open(struct alerting *a, int64_t monitor_key, const char *rule,
                          const char *severity, const char *message, int64_t t_ms)
{
	struct firing *f;

	a->firing = xgrow(a->firing, &a->firing_cap, a->nfiring + 1, sizeof(*a->firing));
	f = &a->firing[a->nfiring++];
	memset(f, 0, sizeof(*f));
	f->v.id = a->next_alert++;
	f->v.monitor_key = monitor_key;
	f->v.started = t_ms;
	snprintf(f->v.rule, sizeof(f->v.rule), "%s", rule);
	snprintf(f->v.severity, sizeof(f->v.severity), "%s", severity);
	f->message = xstrdup(message);
	f->notified = t_ms;
	return f;
}

void alert_subject(struct firing *f, const char *id, const char *name)
{
	snprintf(f->subject_id, sizeof(f->subject_id), "%s", id ? id : "");
	snprintf(f->subject_name, sizeof(f->subject_name), "%s", name ? name : "");
}

void alert_close(struct alerting *a, struct firing *f, struct firing *done)
{
	*done = *f;
	*f = a->firing[--a->nfiring];
}

void alerting_boot(struct alerting *a, const struct store_boot *boot)
{
	size_t i;

	if (boot == NULL)
		return;
	a->next_alert = boot->max_alert + 1;
	a->next_msg = boot->max_outbox + 1;
	for (i = 0; i < boot->nalerts; i++) {
		const struct store_boot_alert *b = &boot->alerts[i];
		struct firing *f;

		a->firing = xgrow(a->firing, &a->firing_cap, a->nfiring + 1, sizeof(*a->firing));
		f = &a->firing[a->nfiring++];
		memset(f, 0, sizeof(*f));
		f->v.id = b->id;
		f->v.monitor_key = b->monitor;
		f->v.started = b->started;
		f->v.acked_at = b->acked_at;
		snprintf(f->v.rule, sizeof(f->v.rule), "%s", b->rule);
		snprintf(f->v.severity, sizeof(f->v.severity), "%s", b->severity);
		snprintf(f->v.acked_by, sizeof(f->v.acked_by), "%s", b->acked_by);
		f->message = xstrdup(b->message ? b->message : "");
		f->notified = b->notified;
		f->escalation = b->escalation;
		f->announced = true; /* its messages may have gone: never taken back */
		if (b->channels != NULL)
			channels_from_text(f, b->channels);
		alert_subject(f, b->slug, b->monitor ? b->name : b->rule);
	}
	rules_boot(a, boot);
	for (i = 0; i < boot->noutbox; i++) {
		const struct store_boot_outbox *o = &boot->outbox[i];
		struct outbox_msg *m = xcalloc(1, sizeof(*m));

		m->id = o->id;
		m->alert = o->alert;
		m->created = o->created;
		m->next_at = o->next_at;
		m->attempts = o->attempts;
		snprintf(m->channel, sizeof(m->channel), "%s", o->channel);
		snprintf(m->kind, sizeof(m->kind), "%s", o->kind);
		snprintf(m->idem_key, sizeof(m->idem_key), "%s", o->idem_key);
		snprintf(m->severity, sizeof(m->severity), "%s", o->severity);
		m->body = xstrdup(o->body);
		m->summary = o->summary ? xstrdup(o->summary) : NULL;
		m->not_before = m->next_at;
		m->ready = true; /* read from the database: committed */
		outbox_add(a, m);
	}
	if (a->nfiring || boot->noutbox)
		log_info("alerting: %zu alert%s firing, %zu notification%s to deliver", a->nfiring,
		         a->nfiring == 1 ? "" : "s", boot->noutbox, boot->noutbox == 1 ? "" : "s");
	outbox_kick(a);
}

static void on_committed_async(uv_async_t *h)
{
	struct alerting *a = h->data;
	int64_t *ids;
	size_t n, i;

	pthread_mutex_lock(&a->box->lock);
	ids = a->box->ids;
	n = a->box->n;
	a->box->ids = NULL;
	a->box->n = a->box->cap = 0;
	pthread_mutex_unlock(&a->box->lock);
	for (i = 0; i < n; i++)
		outbox_committed(a, ids[i]);
	free(ids);
	outbox_kick(a);
}

void commit_box_unref(struct commit_box *b)
{
	if (b == NULL || atomic_fetch_sub(&b->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b->ids);
	free(b);
}

/* What the writer calls once an alert op is committed (writer thread). */
struct commit_note {
	struct commit_box *box;
	int64_t first, last; /* message ids of the op */
};

static void note_commit(void *arg, bool committed)
{
	struct commit_note *c = arg;
	struct commit_box *b = c->box;
	int64_t id;

	if (!committed)
		log_warnx(
		        "alerting: notifications %lld..%lld could not be saved; they are not sent",
		        (long long)c->first, (long long)c->last);
	pthread_mutex_lock(&b->lock);
	for (id = c->first; committed && !b->closed && id <= c->last; id++) {
		b->ids = xgrow(b->ids, &b->cap, b->n + 1, sizeof(*b->ids));
		b->ids[b->n++] = id;
	}
	if (committed && b->wake != NULL)
		uv_async_send(b->wake);
	pthread_mutex_unlock(&b->lock);
	commit_box_unref(b);
	free(c);
}

/* Whether channel C takes alerts of SEVERITY (and resolutions when RESOLVE). */
static bool wants(const struct conf_channel *c, const char *severity, bool resolve)
{
	size_t i;

	if (resolve && !c->send_resolved)
		return false;
	if (c->severities.n == 0)
		return true;
	for (i = 0; i < c->severities.n; i++)
		if (strcmp(c->severities.v[i], severity) == 0)
			return true;
	return false;
}

/* Whether channel NAME is among ONLY (NULL: alerting.channels_on; empty: every channel). */
static bool chosen(const struct conf_alerting *al, const struct conf_strlist *only,
                   const char *name)
{
	size_t i;

	if (only == NULL)
		only = &al->channels_on;
	if (only->n == 0)
		return true;
	for (i = 0; i < only->n; i++)
		if (strcmp(only->v[i], name) == 0)
			return true;
	return false;
}

/* A notification of F to channel C for IN (its id given here), not yet queued. */
static struct outbox_msg *make_msg(struct alerting *a, const struct firing *f,
                                   const struct conf_channel *c, const struct render_input *in)
{
	const struct conf_alerting *al = &a->cfg->alerting;
	struct render_input r = *in;
	struct outbox_msg *m = xcalloc(1, sizeof(*m));
	int64_t window = channel_group_window(al, c);
	char key[80];

	r.tz = al->tz;
	snprintf(key, sizeof(key), "vigil-%lld-%s-%lld", (long long)f->v.id, in->kind,
	         (long long)a->next_msg);
	r.idem_key = key;
	m->id = a->next_msg++;
	m->alert = f->v.id;
	m->created = in->t_ms;
	/* a network failure waits for the correlation verdict, and any for its group */
	m->not_before = in->t_ms;
	if (a->hold_network && f->network && strcmp(in->kind, "trigger") == 0)
		m->not_before += al->correlation.hold;
	m->next_at = in->t_ms + window > m->not_before ? in->t_ms + window : m->not_before;
	snprintf(m->channel, sizeof(m->channel), "%s", c->name);
	snprintf(m->kind, sizeof(m->kind), "%s", in->kind);
	snprintf(m->idem_key, sizeof(m->idem_key), "%s", key);
	snprintf(m->severity, sizeof(m->severity), "%s", f->v.severity);
	m->body = render_body(c, &r);
	if (m->body == NULL) /* not UTF-8 in the message: say less */
		m->body = xasprintf("{\"text\": \"alert %lld: monitor %s is %s\"}",
		                    (long long)f->v.id, in->monitor_id, in->status);
	if (channel_groupable(c))
		m->summary = render_summary(in);
	return m;
}

/* Bytes of the op's blob for rows MSGS[N] and CHANNELS (may be NULL). */
static size_t blob_size(struct outbox_msg *const *msgs, size_t n, const char *channels)
{
	size_t i, size = n * sizeof(struct store_outbox) + (channels ? strlen(channels) : 0);

	for (i = 0; i < n; i++)
		size += strlen(msgs[i]->body) + (msgs[i]->summary ? strlen(msgs[i]->summary) : 0);
	return size ? size : 1;
}

/* Appends S (may be NULL) to BLOB at *OFF; sets where it went. */
static void blob_put(char *blob, size_t *off, const char *s, size_t *at, size_t *len)
{
	*at = *off;
	*len = s ? strlen(s) : 0;
	if (*len > 0)
		memcpy(blob + *off, s, *len);
	*off += *len;
}

/* The op's blob: the outbox rows, then their bodies and summaries, then CHANNELS. */
static void fill_blob(struct store_op *op, struct outbox_msg *const *msgs, size_t n,
                      const char *channels)
{
	struct store_outbox *rows = xcalloc(1, blob_size(msgs, n, channels));
	size_t i, off = n * sizeof(*rows);

	for (i = 0; i < n; i++) {
		rows[i].id = msgs[i]->id;
		rows[i].alert = msgs[i]->alert;
		rows[i].created = msgs[i]->created;
		rows[i].next_at = msgs[i]->next_at;
		memcpy(rows[i].channel, msgs[i]->channel, sizeof(rows[i].channel));
		memcpy(rows[i].kind, msgs[i]->kind, sizeof(rows[i].kind));
		memcpy(rows[i].idem_key, msgs[i]->idem_key, sizeof(rows[i].idem_key));
		blob_put((char *)rows, &off, msgs[i]->body, &rows[i].body_off, &rows[i].body_len);
		blob_put((char *)rows, &off, msgs[i]->summary, &rows[i].summary_off,
		         &rows[i].summary_len);
	}
	blob_put((char *)rows, &off, channels, &op->u.alert.channels_off,
	         &op->u.alert.channels_len);
	op->blob = rows;
	op->nrows = n;
}

/* F's own channels, one per line (caller frees), or NULL. */
static char *channels_text(const struct firing *f)
{
	struct buf b;
	size_t i;

	if (f->nchannels == 0)
		return NULL;
	buf_init(&b, 0);
	for (i = 0; i < f->nchannels; i++)
		(void)!buf_printf(&b, "%s%s", i ? "\n" : "", f->channels[i]);
	return buf_steal(&b);
}

/*
 * Writes the alert row of F and one notification per channel that wants it,
 * in one op (one durable transaction), and queues the notifications to go
 * once it is committed.
 */
void alert_record(struct alerting *a, const struct firing *f, int64_t resolved,
                  const struct render_input *in, const struct conf_strlist *only)
{
	const struct conf_alerting *al = &a->cfg->alerting;
	const struct conf_channel *ch = al->channels.v;
	struct store_op *op = store_op_new(STORE_OP_ALERT);
	struct outbox_msg *msgs[CHANNELS_MAX];
	char *channels = channels_text(f);
	size_t i, n = 0;

	op->u.alert.id = f->v.id;
	op->u.alert.monitor = f->v.monitor_key;
	op->u.alert.started = f->v.started;
	op->u.alert.resolved = resolved;
	op->u.alert.suppressed = f->suppressed;
	op->u.alert.acked_at = f->v.acked_at;
	op->u.alert.notified = f->notified;
	op->u.alert.escalation = f->escalation;
	snprintf(op->u.alert.rule, sizeof(op->u.alert.rule), "%s", f->v.rule);
	snprintf(op->u.alert.severity, sizeof(op->u.alert.severity), "%s", f->v.severity);
	snprintf(op->u.alert.acked_by, sizeof(op->u.alert.acked_by), "%s", f->v.acked_by);
	op->text = xstrdup(f->message);
	for (i = 0; in != NULL && i < al->channels.n && n < CHANNELS_MAX; i++)
		if (chosen(al, only, ch[i].name) &&
		    wants(&ch[i], f->v.severity, strcmp(in->kind, "resolve") == 0))
			msgs[n++] = make_msg(a, f, &ch[i], in);
	fill_blob(op, msgs, n, channels);
	free(channels);
	if (a->store == NULL) { /* the rule tests: nothing is written, all counts as committed */
		store_op_free(op);
		for (i = 0; i < n; i++) {
			msgs[i]->ready = true;
			outbox_add(a, msgs[i]);
		}
		return;
	}
	if (n > 0) {
		struct commit_note *c = xcalloc(1, sizeof(*c));

		c->box = a->box;
		atomic_fetch_add(&a->box->refs, 1);
		c->first = msgs[0]->id;
		c->last = msgs[n - 1]->id;
		op->on_commit = note_commit;
		op->commit_arg = c;
	}
	for (i = 0; i < n; i++)
		outbox_add(a, msgs[i]);
	if (store_submit(a->store, op) == 0)
		store_flush(a->store);
}

/* Whether reason code REASON is one a broken network on Vigil's side gives too. */
static bool network_reason(const char *reason)
{
	enum probe_outcome o;

	return reason != NULL && probe_outcome_parse(reason, &o) == 0 && probe_outcome_network(o);
}

void alerting_transition(struct alerting *a, int64_t key, const char *id, const char *name,
                         const struct monitor_alerts *ma, enum status old, enum status new_,
                         const char *reason, const char *message, int64_t t_ms)
{
	const struct conf_alerting *al = &a->cfg->alerting;
	struct firing *f = find(a, key, NULL);
	struct render_input in = { 0 };
	bool on_degraded = al->on_degraded || ma->degraded;
	bool bad = ma->enabled && (new_ == STATUS_DOWN || (on_degraded && new_ == STATUS_DEGRADED));
	bool good = new_ == STATUS_UP || (!on_degraded && new_ == STATUS_DEGRADED);
	const struct conf_strlist *only = ma->channels.n ? &ma->channels : NULL;

	if (a->closing || find(a, key, "flapping") != NULL)
		return; /* flapping: one alert stands for the changes */
	in.kind = "trigger";
	in.monitor_id = id;
	in.monitor_name = name;
	in.status = status_str(new_);
	in.previous = status_str(old);
	in.reason = reason;
	in.message = message;
	in.t_ms = t_ms;
	if (bad && f == NULL) {
		f = alert_open(a, key, status_str(new_),
		               new_ != STATUS_DOWN ? "warning"
		               : ma->severity >= 0 ? alert_severity_names[ma->severity]
		                                   : alert_severity_names[al->severity],
		               message, t_ms);
		alert_subject(f, id, name);
		if (only != NULL)
			alert_keep_channels(f, only);
		f->network = network_reason(reason);
		in.alert_id = f->v.id;
		in.rule = f->v.rule;
		in.severity = f->v.severity;
		in.started = t_ms;
		log_info("alerting: alert %lld fires: %s is %s (%s)", (long long)f->v.id, id,
		         in.status, reason);
		alert_record(a, f, 0, &in, only);
	} else if (good && f != NULL) {
		struct firing done;

		alert_close(a, f, &done);
		in.kind = "resolve";
		in.alert_id = done.v.id;
		in.rule = done.v.rule;
		in.severity = done.v.severity;
		in.started = done.v.started;
		log_info("alerting: alert %lld resolved: %s is %s", (long long)done.v.id, id,
		         in.status);
		alert_record(a, &done, t_ms, &in, only);
		alert_free_firing(&done);
	}
}

/*
 * A monitor's alert of RULE besides its status alert (certificate,
 * flapping): ON opens it (the monitor is BAD, was GOOD), off resolves it (it
 * is GOOD again). Returns whether it was resolved.
 */
static bool side_alert(struct alerting *a, int64_t key, const char *id, const char *name,
                       const struct monitor_alerts *ma, const char *rule, bool on, const char *bad,
                       const char *good, const char *message, int64_t t)
{
	struct firing *f = find(a, key, rule), done;
	const struct conf_strlist *only = ma->channels.n ? &ma->channels : NULL;
	struct render_input in = { 0 };

	in.monitor_id = id;
	in.monitor_name = name;
	in.rule = rule;
	in.reason = rule;
	in.message = message;
	in.t_ms = t;
	if (on && f == NULL && ma->enabled) {
		f = alert_open(a, key, rule, "warning", message, t);
		alert_subject(f, id, name);
		if (only != NULL)
			alert_keep_channels(f, only);
		in.kind = "trigger";
		in.alert_id = f->v.id;
		in.severity = f->v.severity;
		in.status = bad;
		in.previous = good;
		in.started = t;
		log_info("alerting: alert %lld fires: %s: %s", (long long)f->v.id, id, message);
		alert_record(a, f, 0, &in, only);
	} else if (!on && f != NULL) {
		alert_close(a, f, &done);
		in.kind = "resolve";
		in.alert_id = done.v.id;
		in.severity = done.v.severity;
		in.status = good;
		in.previous = bad;
		in.started = done.v.started;
		log_info("alerting: alert %lld resolved: %s is %s", (long long)done.v.id, id, good);
		alert_record(a, &done, t, &in, only);
		alert_free_firing(&done);
		return true;
	}
	return false;
}

void alerting_certificate(struct alerting *a, int64_t key, const char *id, const char *name,
                          const struct monitor_alerts *ma, int64_t expiry, int64_t now_ms)
{
	int64_t left = expiry - now_ms / 1000;
	char message[200];

	if (a->closing)
		return;
	snprintf(message, sizeof(message), "the certificate expires in %lld days (%s)",
	         (long long)(left / 86400), left <= 0 ? "expired" : "renew it");
	(void)side_alert(a, key, id, name, ma, "certificate", left < ma->cert_days * 86400,
	                 "expiring", "valid", message, now_ms);
}

int alerting_ack(struct alerting *a, int64_t id, const char *who)
{
	size_t i;

	for (i = 0; i < a->nfiring; i++) {
		struct firing *f = &a->firing[i];

		if (f->v.id != id)
			continue;
		if (f->v.acked_at == 0) {
			f->v.acked_at = a->clock();
			snprintf(f->v.acked_by, sizeof(f->v.acked_by), "%s", who);
			alert_record(a, f, 0, NULL, NULL); /* the row only: not announced */
			log_info("alerting: alert %lld acknowledged by %s", (long long)id, who);
		}
		return 0;
	}
	return -1;
}

size_t alerting_firing(const struct alerting *a, struct alert_view *out, size_t max)
{
	size_t i;

	for (i = 0; i < a->nfiring && i < max; i++)
		out[i] = a->firing[i].v;
	return a->nfiring;
}

void alerting_close(struct alerting *a)
{
	size_t i;

	if (a == NULL)
		return;
	a->closing = true;
	rules_close(a);
	outbox_close(a); /* frees A once its handles are closed */
	for (i = 0; i < a->nfiring; i++)
		alert_free_firing(&a->firing[i]);
	free(a->firing);
	a->firing = NULL;
	a->nfiring = 0;
}

/* Tells CHANNELS (NULL: the alert's own or default ones) about F again, as KIND. */
static void notice(struct alerting *a, struct firing *f, const char *kind,
                   const struct conf_strlist *channels, int64_t now)
{
	struct render_input in = { 0 };
	struct conf_strlist own = { f->channels, f->nchannels };

	if (channels == NULL && f->nchannels > 0)
		channels = &own;
	in.kind = kind;
	in.alert_id = f->v.id;
	in.monitor_id = f->subject_id;
	in.monitor_name = f->subject_name;
	in.rule = f->v.rule;
	in.severity = f->v.severity;
	in.status = f->v.monitor_key ? f->v.rule : "firing";
	in.previous = in.status;
	in.reason = f->v.monitor_key ? "still" : "threshold";
	in.message = f->message;
	in.started = f->v.started;
	in.t_ms = now;
	alert_record(a, f, 0, &in, channels);
}

static int severity_of(const char *name)
{
	int i;

	for (i = 0; alert_severity_names[i] != NULL; i++)
		if (strcmp(alert_severity_names[i], name) == 0)
			return i;
	return -1;
}

void alert_follow_up(struct alerting *a, int64_t now)
{
	const struct conf_alerting *al = &a->cfg->alerting;
	const struct conf_escalation *lv = al->escalation.v;
	size_t i;

	for (i = 0; i < a->nfiring; i++) {
		struct firing *f = &a->firing[i];

		if (f->v.acked_at != 0)
			continue; /* acknowledged: someone is on it */
		while ((size_t)f->escalation < al->escalation.n &&
		       now - f->v.started >= lv[f->escalation].after) {
			const struct conf_escalation *e = &lv[f->escalation++];

			if (e->severity >= 0 && e->severity != severity_of(f->v.severity)) {
				alert_record(a, f, 0, NULL, NULL); /* skipped: remember it */
				continue;
			}
			log_info("alerting: alert %lld escalated to level %lld%s%s",
			         (long long)f->v.id, (long long)f->escalation, e->name ? " " : "",
			         e->name ? e->name : "");
			f->notified = now;
			notice(a, f, "escalate", &e->channels, now);
		}
		if (al->repeat_interval > 0 && now - f->notified >= al->repeat_interval) {
			f->notified = now;
			notice(a, f, "repeat", NULL, now);
		}
	}
}

void alerting_flapping(struct alerting *a, int64_t key, const char *id, const char *name,
                       const struct monitor_alerts *ma, bool on, double share, enum status now)
{
	char message[200];
	int64_t t = a->clock();

	if (a->closing)
		return;
	snprintf(message, sizeof(message), "%.0f %% of its last results changed state", share);
	if (side_alert(a, key, id, name, ma, "flapping", on, "flapping", status_str(now), message,
	               t))
		/* settled: the status it settled in counts now */
		alerting_transition(a, key, id, name, ma, STATUS_UNKNOWN, now, "settled", message,
		                    t);
}

void alerting_set_net_hold(struct alerting *a, bool on)
{
	a->hold_network = on;
}

int alerting_suppress(struct alerting *a, int64_t key, const char *why)
{
	struct firing *f = find(a, key, NULL), done;
	struct outbox_msg *m, *next;

	if (f == NULL || f->announced)
		return -1; /* nothing firing, or already told: it resolves as usual */
	for (m = a->queue; m != NULL; m = next) {
		next = m->next;
		if (m->alert != f->v.id)
			continue;
		outbox_save(a, m, "suppressed", why, 0);
		outbox_drop(a, m);
	}
	alert_close(a, f, &done);
	done.suppressed = true;
	log_info("alerting: alert %lld suppressed before it was sent: %s", (long long)done.v.id,
	         why);
	alert_record(a, &done, a->clock(), NULL, NULL);
	alert_free_firing(&done);
	return 0;
}

void alerting_outage(struct alerting *a, bool on, const char *message)
{
	struct firing *f = find(a, 0, ALERT_RULE_NETWORK), done;
	struct render_input in = { 0 };
	int64_t t = a->clock();

	if (a->closing || on == (f != NULL))
		return;
	in.monitor_id = "";
	in.monitor_name = "Vigil's own network/DNS";
	in.rule = ALERT_RULE_NETWORK;
	in.reason = "correlated_failure";
	in.message = message;
	in.t_ms = t;
	if (on) {
		f = alert_open(a, 0, ALERT_RULE_NETWORK, "critical", message, t);
		alert_subject(f, "", in.monitor_name);
		in.kind = "trigger";
		in.alert_id = f->v.id;
		in.severity = f->v.severity;
		in.status = "broken";
		in.previous = "working";
		in.started = t;
		log_warnx("alerting: alert %lld fires: %s", (long long)f->v.id, message);
		alert_record(a, f, 0, &in, NULL);
		return;
	}
	alert_close(a, f, &done);
	in.kind = "resolve";
	in.alert_id = done.v.id;
	in.severity = done.v.severity;
	in.status = "working";
	in.previous = "broken";
	in.started = done.v.started;
	log_info("alerting: alert %lld resolved: %s", (long long)done.v.id, message);
	alert_record(a, &done, t, &in, NULL);
	alert_free_firing(&done);
}

bool alerting_outage_firing(const struct alerting *a)
{
	size_t i;

	for (i = 0; i < a->nfiring; i++)
		if (a->firing[i].v.monitor_key == 0 &&
		    strcmp(a->firing[i].v.rule, ALERT_RULE_NETWORK) == 0)
			return true;
	return false;
}
