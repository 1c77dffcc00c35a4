/*
 * Rule tests in the style of `promtool test rules`: a table of synthetic
 * monitor results, metric values and operator actions in, the exact
 * notifications (second, channel, kind, what) out.
 *
 * The pieces are the daemon's own: the state machine (engine/state.c), the
 * flap detector (engine/flap.c), the correlation verdict
 * (engine/correlate.c), and the whole alert module: rules with `for` and
 * hysteresis, the lifecycle, repeats, escalation, acknowledgement, the
 * outbox with its group window and correlation hold. Only the clock is
 * simulated (a second per step) and the outbox hands what is due to a sink
 * instead of libcurl. sim_result() below is check.c's record() in small:
 * maintenance, correlation, state machine, flapping, transition. The
 * engine's own glue is covered by the integration tests.
 */
#include "testing.h"

#include <jansson.h>
#include <uv.h>

#include "alert/alert_int.h"
#include "conf/conf.h"
#include "conf/monitors.h"
#include "conf/schema.h"
#include "engine/correlate.h"
#include "engine/flap.h"
#include "engine/state.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define T0      1800000000000LL /* the simulation's second 0, Unix ms */
#define MONS    16
#define METRICS 8

struct sim_monitor {
	const struct monitor_conf *conf;
	int64_t key;
	struct mstate st;
	struct flap flap;
	bool maintenance;
	int64_t corr_t;
	bool corr_fail;
};

struct sim {
	struct vigil_config *cfg;
	struct alerting *a;
	uv_loop_t loop;
	struct sim_monitor mon[MONS];
	size_t nmon;
	char metric[METRICS][128];
	double value[METRICS];
	size_t nmetric;
	bool outage;
	struct buf out; /* what was sent, a line each */
};

/* The alert module's clock: a test's own, as the clock type takes no argument. */
static int64_t sim_now = T0;

static int64_t sim_clock(void)
{
	return sim_now;
}

static bool sim_source(void *arg, const char *metric, double *out)
{
	struct sim *s = arg;
	size_t i;

	for (i = 0; i < s->nmetric; i++)
		if (strcmp(s->metric[i], metric) == 0) {
			*out = s->value[i];
			return true;
		}
	return false;
}

/* What a webhook body is about: "kind:monitor.rule" or "kind:rule". */
static void describe(struct buf *b, json_t *body)
{
	const char *kind = json_string_value(json_object_get(body, "kind"));
	const char *mon =
	        json_string_value(json_object_get(json_object_get(body, "monitor"), "id"));
	const char *rule =
	        json_string_value(json_object_get(json_object_get(body, "alert"), "rule"));

	(void)!buf_printf(b, "%s:%s%s%s", kind ? kind : "?", mon && *mon ? mon : "",
	                  mon && *mon ? "." : "", rule ? rule : "?");
}

static void sim_sink(void *arg, const struct outbox_msg *sent, struct outbox_msg *const *member,
                     size_t n)
{
	struct sim *s = arg;
	json_t *body = json_loads(sent->body, 0, NULL), *list;
	size_t i;

	assert_non_null(body);
	(void)!buf_printf(&s->out, "%lld %s ", (long long)((sim_now - T0) / 1000), sent->channel);
	list = json_object_get(body, "alerts");
	if (json_is_array(list)) { /* a group */
		assert_int_equal(json_array_size(list), n);
		(void)!buf_puts(&s->out, "group");
		for (i = 0; i < n; i++) {
			(void)!buf_puts(&s->out, i ? "," : " ");
			describe(&s->out, json_array_get(list, i));
		}
	} else {
		assert_int_equal(n, 1);
		assert_ptr_equal(member[0], sent);
		describe(&s->out, body);
	}
	(void)!buf_putc(&s->out, '\n');
	json_decref(body);
}

static struct sim_monitor *sim_monitor(struct sim *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nmon; i++)
		if (strcmp(s->mon[i].conf->id, id) == 0)
			return &s->mon[i];
	fail_msg("no monitor %s in the case's config", id);
	return NULL;
}

/* engine/correlate.c's look at the network monitors, without its rate limit. */
static void sim_correlate(struct sim *s)
{
	const struct conf_correlation *c = &s->cfg->alerting.correlation;
	size_t i, checked = 0, failed = 0;
	bool on;

	for (i = 0; i < s->nmon; i++)
		if (s->mon[i].corr_t != 0 && s->mon[i].corr_t >= sim_now - c->window) {
			checked++;
			failed += s->mon[i].corr_fail;
		}
	on = correlate_verdict(c, s->outage, checked, failed);
	if (on == s->outage)
		return;
	s->outage = on;
	for (i = 0; on && i < s->nmon; i++) {
		struct sim_monitor *m = &s->mon[i];

		if (m->corr_fail && m->corr_t >= sim_now - c->window &&
		    m->st.status == STATUS_DOWN) {
			m->st = (struct mstate){ STATUS_UNKNOWN, sim_now, 0, 0 };
			(void)alerting_suppress(s->a, m->key, "outage");
		}
	}
	alerting_outage(s->a, on, on ? "broken" : "working");
}

/* check.c's record(), in small. */
static void sim_result(struct sim *s, struct sim_monitor *m, enum status st, enum probe_outcome o)
{
	const struct conf_alerting *al = &s->cfg->alerting;
	const struct monitor_conf *c = m->conf;
	enum status old;
	double share = 0;
	bool changed;

	if (m->maintenance) {
		if (m->st.status != STATUS_MAINTENANCE)
			m->st = (struct mstate){ STATUS_MAINTENANCE, sim_now, 0, 0 };
		return;
	}
	if (c->probe->network) {
		m->corr_t = sim_now;
		m->corr_fail = st == STATUS_DOWN && probe_outcome_network(o);
		sim_correlate(s);
		if (m->corr_fail && s->outage)
			st = STATUS_UNKNOWN;
	}
	changed = state_apply(&m->st, st, (int)c->failure_threshold, (int)c->success_threshold,
	                      sim_now, &old);
	if (flap_add(&m->flap, st == STATUS_DOWN, al->flap_high, al->flap_low, &share))
		alerting_flapping(s->a, m->key, c->id, c->name, &c->alerts, m->flap.flapping, share,
		                  m->st.status);
	if (changed)
		alerting_transition(s->a, m->key, c->id, c->name, &c->alerts, old, m->st.status,
		                    probe_outcome_str(o), "it said no", m->st.since_ms);
}

static void sim_metric(struct sim *s, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < s->nmetric && strcmp(s->metric[i], name) != 0; i++)
		;
	if (strcmp(value, "none") == 0) { /* the metric has no value any more */
		if (i < s->nmetric)
			s->metric[i][0] = '\0';
		return;
	}
	assert_true(i < METRICS);
	if (i == s->nmetric)
		s->nmetric++;
	snprintf(s->metric[i], sizeof(s->metric[i]), "%s", name);
	s->value[i] = strtod(value, NULL);
}

/* One input line: "T result MON up|down|degraded|unknown [reason]", "T metric NAME V|none",
 * "T ack N", "T maint MON on|off". Returns its second. */
static void sim_input(struct sim *s, const char *line)
{
	char verb[16] = "", a1[128] = "", a2[64] = "", a3[64] = "";
	enum probe_outcome o;
	enum status st;
	long t;

	assert_true(sscanf(line, "%ld %15s %127s %63s %63s", &t, verb, a1, a2, a3) >= 3);
	if (strcmp(verb, "result") == 0) {
		assert_int_equal(status_parse(a2, &st), 0);
		if (a3[0] != '\0')
			assert_int_equal(probe_outcome_parse(a3, &o), 0);
		else
			o = st == STATUS_DOWN ? PROBE_CONNECT_REFUSED : PROBE_OK;
		sim_result(s, sim_monitor(s, a1), st, o);
	} else if (strcmp(verb, "metric") == 0) {
		sim_metric(s, a1, a2);
	} else if (strcmp(verb, "ack") == 0) {
		assert_int_equal(alerting_ack(s->a, strtoll(a1, NULL, 10), "tester"), 0);
	} else if (strcmp(verb, "maint") == 0) {
		sim_monitor(s, a1)->maintenance = strcmp(a2, "on") == 0;
	} else {
		fail_msg("unknown input \"%s\"", line);
	}
}

struct rule_case {
	const char *name;
	const char *config; /* alerting: and monitors: */
	int seconds;        /* how long it runs */
	const char *input;  /* lines "T verb args" in time order */
	const char *expect; /* lines "T channel kind:what" or "T channel group kind:what,..." */
};

/* Runs case C; false (and both outputs printed) when what was sent is not what it expects. */
static bool run_case(const struct rule_case *c)
{
	struct conf_diag d = { 0 };
	struct sim s = { 0 };
	const char *in = c->input;
	char line[256];
	size_t i;
	bool ok;
	int t;

	sim_now = T0;
	s.cfg = conf_load_string("case.yaml", c->config, strlen(c->config), &d);
	if (s.cfg == NULL)
		fail_msg("%s: config: %s", c->name, d.n ? d.msgs[0] : "?");
	conf_diag_free(&d);
	buf_init(&s.out, 0);
	uv_loop_init(&s.loop);
	s.a = alerting_new(&s.loop, NULL, NULL, s.cfg, sim_source, &s);
	s.a->clock = sim_clock;
	s.a->sink = sim_sink;
	s.a->sink_arg = &s;
	for (i = 0; i < s.cfg->monitors.n && i < MONS; i++) {
		s.mon[i].conf = &s.cfg->monitors.v[i];
		s.mon[i].key = (int64_t)i + 1;
		s.mon[i].st = (struct mstate){ STATUS_UNKNOWN, 0, 0, 0 };
	}
	s.nmon = i;
	alerting_set_net_hold(s.a,
	                      s.cfg->alerting.correlation.min_monitors > 0 &&
	                              (int64_t)s.nmon >= s.cfg->alerting.correlation.min_monitors);
	for (t = 0; t <= c->seconds; t++) {
		sim_now = T0 + (int64_t)t * 1000;
		while (*in != '\0' && strtol(in, NULL, 10) == t) {
			size_t len = strcspn(in, "\n");

			assert_true(len < sizeof(line));
			memcpy(line, in, len);
			line[len] = '\0';
			sim_input(&s, line);
			in += len + (in[len] == '\n');
		}
		rules_tick(s.a, sim_now);
		outbox_kick(s.a);
	}
	assert_true(*in == '\0'); /* every input was used */
	ok = strcmp(s.out.data ? s.out.data : "", c->expect) == 0;
	if (!ok)
		print_error("case \"%s\":\n--- expected\n%s--- got\n%s", c->name, c->expect,
		            s.out.data ? s.out.data : "");
	alerting_close(s.a);
	uv_run(&s.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&s.loop), 0);
	buf_free(&s.out);
	conf_unref(s.cfg);
	return ok;
}

#define CHANNELS                                                            \
	"  channels:\n"                                                     \
	"    - {name: ops, type: webhook, url: 'http://127.0.0.1:9/ops'}\n" \
	"    - {name: pager, type: webhook, url: 'http://127.0.0.1:9/pager'}\n"
#define MONITORS                                                 \
	"monitors:\n"                                            \
	"  - {name: api, type: tcp, host: 127.0.0.1, port: 9}\n" \
	"  - {name: db, type: tcp, host: 127.0.0.1, port: 9}\n"  \
	"  - {name: web, type: tcp, host: 127.0.0.1, port: 9}\n" \
	"  - {name: dns, type: tcp, host: 127.0.0.1, port: 9}\n" \
	"  - {name: mail, type: tcp, host: 127.0.0.1, port: 9}\n"
/* Neither repeats, flapping nor correlation unless a case asks. */
#define QUIET                                \
	"  repeat_interval: 0s\n"            \
	"  flap_high: 0\n"                   \
	"  flap_low: 0\n"                    \
	"  correlation: {min_monitors: 0}\n" \
	"  channels_on: [ops]\n"

static const struct rule_case cases[] = {
	{ "a rule fires once it held for `for`, not before; a dip restarts the wait",
	  MONITORS
	  "alerting:\n" QUIET CHANNELS "  rules:\n"
	  "    - {name: cpu, metric: host.cpu.percent, op: '>', threshold: 90, for: 10s}\n",
	  40,
	  "0 metric host.cpu.percent 95\n"
	  "5 metric host.cpu.percent 50\n"
	  "6 metric host.cpu.percent 96\n"
	  "30 metric host.cpu.percent 10\n",
	  "16 ops trigger:cpu\n"
	  "30 ops resolve:cpu\n" },
	{ "hysteresis: it resolves only below resolve_threshold",
	  MONITORS "alerting:\n" QUIET CHANNELS "  rules:\n"
	           "    - {name: disk, metric: host.disk.percent, op: '>', threshold: 90,\n"
	           "       resolve_threshold: 80}\n",
	  20,
	  "1 metric host.disk.percent 91\n"
	  "3 metric host.disk.percent 85\n"
	  "5 metric host.disk.percent 92\n"
	  "7 metric host.disk.percent 79\n"
	  "9 metric host.disk.percent none\n",
	  "1 ops trigger:disk\n"
	  "7 ops resolve:disk\n" },
	{ "a monitor's alert: down then up, on its own channels, repeated while unacknowledged",
	  "monitors:\n"
	  "  - {name: api, type: tcp, host: 127.0.0.1, port: 9, alerts: {channels: [pager]}}\n"
	  "alerting:\n"
	  "  repeat_interval: 10s\n"
	  "  flap_high: 0\n"
	  "  flap_low: 0\n" CHANNELS,
	  40,
	  "2 result api down\n"
	  "35 result api up\n",
	  "2 pager trigger:api.down\n"
	  "12 pager repeat:api.down\n"
	  "22 pager repeat:api.down\n"
	  "32 pager repeat:api.down\n"
	  "35 pager resolve:api.down\n" },
	{ "acknowledged: no more repeats nor escalation; it still resolves",
	  MONITORS "alerting:\n"
	           "  repeat_interval: 10s\n"
	           "  flap_high: 0\n"
	           "  flap_low: 0\n"
	           "  correlation: {min_monitors: 0}\n"
	           "  channels_on: [ops]\n"
	           "  escalation:\n"
	           "    - {after: 20s, channels: [pager]}\n" CHANNELS,
	  40,
	  "0 result api down\n"
	  "15 ack 1\n"
	  "38 result api up\n",
	  "0 ops trigger:api.down\n"
	  "10 ops repeat:api.down\n"
	  "38 ops resolve:api.down\n" },
	{ "escalation: level by level while nobody acknowledges, and only matching severity",
	  MONITORS "alerting:\n" QUIET "  escalation:\n"
	           "    - {after: 10s, channels: [pager]}\n"
	           "    - {after: 20s, severity: info, channels: [pager]}\n"
	           "    - {after: 30s, channels: [ops, pager]}\n" CHANNELS,
	  40, "0 result db down\n",
	  "0 ops trigger:db.down\n"
	  "10 pager escalate:db.down\n"
	  "30 ops escalate:db.down\n"
	  "30 pager escalate:db.down\n" },
	{ "group_window: alerts that fire together go as one message per channel",
	  MONITORS "alerting:\n"
	           "  repeat_interval: 0s\n"
	           "  flap_high: 0\n"
	           "  flap_low: 0\n"
	           "  correlation: {min_monitors: 0}\n"
	           "  group_window: 10s\n" CHANNELS,
	  60,
	  "0 result api down\n"
	  "3 result db down\n"
	  "8 result web down\n"
	  "25 result api up\n"
	  "40 result db up\n",
	  "10 ops group trigger:api.down,trigger:db.down,trigger:web.down\n"
	  "10 pager group trigger:api.down,trigger:db.down,trigger:web.down\n"
	  "35 ops resolve:api.down\n"
	  "35 pager resolve:api.down\n"
	  "50 ops resolve:db.down\n"
	  "50 pager resolve:db.down\n" },
	{ "rate_limit: beyond the cap messages wait, then go together when a slot frees",
	  MONITORS "alerting:\n" QUIET "  channels:\n"
	           "    - {name: ops, type: webhook, url: 'http://127.0.0.1:9/ops',\n"
	           "       rate_limit: {messages: 2, per: 60s}}\n",
	  90,
	  "0 result api down\n"
	  "1 result db down\n"
	  "2 result web down\n"
	  "3 result dns down\n"
	  "4 result mail down\n",
	  "0 ops trigger:api.down\n"
	  "1 ops trigger:db.down\n"
	  "60 ops group trigger:web.down,trigger:dns.down,trigger:mail.down\n" },
	{ "flapping: one alert instead of a storm, and the down alert once it settles down",
	  "monitors:\n"
	  "  - {name: api, type: tcp, host: 127.0.0.1, port: 9}\n"
	  "alerting:\n"
	  "  repeat_interval: 0s\n"
	  "  flap_high: 50\n"
	  "  flap_low: 25\n"
	  "  channels_on: [ops]\n" CHANNELS,
	  80,
	  "0 result api up\n"
	  "1 result api up\n"
	  "2 result api up\n"
	  "3 result api up\n"
	  "4 result api up\n"
	  "5 result api up\n"
	  "6 result api up\n"
	  "7 result api up\n"
	  "8 result api up\n"
	  "9 result api up\n"
	  "10 result api up\n"
	  "11 result api up\n"
	  "12 result api up\n"
	  "13 result api up\n"
	  "14 result api up\n"
	  "15 result api up\n"
	  "16 result api up\n"
	  "17 result api up\n"
	  "18 result api up\n"
	  "19 result api up\n"
	  "20 result api up\n"
	  "21 result api down\n"
	  "22 result api up\n"
	  "23 result api down\n"
	  "24 result api up\n"
	  "25 result api down\n"
	  "26 result api up\n"
	  "27 result api down\n"
	  "28 result api up\n"
	  "29 result api down\n"
	  "30 result api up\n"
	  "31 result api down\n"
	  "32 result api up\n"
	  "33 result api down\n"
	  "34 result api up\n"
	  "35 result api down\n"
	  "36 result api up\n"
	  "37 result api down\n"
	  "38 result api up\n"
	  "39 result api down\n"
	  "40 result api up\n"
	  "41 result api down\n"
	  "42 result api down\n"
	  "43 result api down\n"
	  "44 result api down\n"
	  "45 result api down\n"
	  "46 result api down\n"
	  "47 result api down\n"
	  "48 result api down\n"
	  "49 result api down\n"
	  "50 result api down\n"
	  "51 result api down\n"
	  "52 result api down\n"
	  "53 result api down\n"
	  "54 result api down\n"
	  "55 result api down\n"
	  "56 result api down\n"
	  "57 result api down\n"
	  "58 result api down\n"
	  "59 result api down\n"
	  "60 result api down\n"
	  "61 result api down\n"
	  "62 result api down\n"
	  "63 result api down\n"
	  "64 result api down\n"
	  "65 result api down\n"
	  "66 result api down\n"
	  "67 result api down\n"
	  "68 result api down\n"
	  "69 result api down\n"
	  "70 result api down\n"
	  "71 result api down\n"
	  "72 result api down\n"
	  "73 result api down\n"
	  "74 result api down\n"
	  "75 result api down\n",
	  "21 ops trigger:api.down\n"
	  "22 ops resolve:api.down\n"
	  "23 ops trigger:api.down\n"
	  "24 ops resolve:api.down\n"
	  "25 ops trigger:api.down\n"
	  "26 ops resolve:api.down\n"
	  "27 ops trigger:api.down\n"
	  "28 ops resolve:api.down\n"
	  "29 ops trigger:api.flapping\n" /* then silence while it flaps */
	  "56 ops resolve:api.flapping\n" /* settled: down, and told so */
	  "56 ops trigger:api.down\n" },
	{ "maintenance: nothing alerts during the window; a monitor still down after it does",
	  MONITORS "alerting:\n" QUIET CHANNELS, 30,
	  "0 result api up\n"
	  "1 maint api on\n"
	  "2 result api down\n"
	  "10 result api down\n"
	  "15 maint api off\n"
	  "20 result api down\n",
	  "20 ops trigger:api.down\n" },
	{ "correlated failure: most monitors fail for network reasons at once: one alert, the held "
	  "ones suppressed, no RESOLVED for them",
	  MONITORS "alerting:\n"
	           "  repeat_interval: 0s\n"
	           "  flap_high: 0\n"
	           "  flap_low: 0\n"
	           "  channels_on: [ops]\n"
	           "  correlation: {window: 30s, share: 75, min_monitors: 4, hold: 20s}\n" CHANNELS,
	  90,
	  "0 result mail up\n"
	  "1 result api down timeout\n"
	  "2 result db down dns_failed\n"
	  "3 result web down timeout\n"
	  "4 result dns down connect_failed\n"
	  "40 result api up\n"
	  "41 result db up\n"
	  "42 result web up\n"
	  "43 result dns up\n"
	  "60 result mail down connect_refused\n",
	  "4 ops trigger:vigil.network\n"
	  "40 ops resolve:vigil.network\n" /* the only result in the window is good */
	  "60 ops trigger:mail.down\n" },
	{ "correlation: a lone network failure is held, then told once no outage shows",
	  MONITORS "alerting:\n"
	           "  repeat_interval: 0s\n"
	           "  flap_high: 0\n"
	           "  flap_low: 0\n"
	           "  channels_on: [ops]\n"
	           "  correlation: {window: 30s, share: 75, min_monitors: 4, hold: 20s}\n" CHANNELS,
	  40,
	  "0 result mail up\n"
	  "0 result db up\n"
	  "1 result api down timeout\n"
	  "2 result web up\n",
	  "21 ops trigger:api.down\n" },
};

static void test_rule_table(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		failed += !run_case(&cases[i]);
	assert_int_equal(failed, 0);
}

/* The verdict's edges: share and count to start, half of each to end, no data keeps it. */
static void test_correlate_verdict(void **state)
{
	struct conf_correlation c = { 30000, 75, 4, 30000 };

	(void)state;
	assert_false(correlate_verdict(&c, false, 5, 3)); /* 60 % */
	assert_true(correlate_verdict(&c, false, 5, 4));  /* 80 % of 5, 4 of them */
	assert_false(correlate_verdict(&c, false, 3, 3)); /* all, but fewer than 4 */
	assert_true(correlate_verdict(&c, false, 4, 4));
	assert_true(correlate_verdict(&c, true, 10, 4));  /* 40 % >= 37.5 %, 4 >= 2 */
	assert_false(correlate_verdict(&c, true, 10, 3)); /* 30 % */
	assert_false(correlate_verdict(&c, true, 1, 1));  /* 1 < half of 4 */
	assert_true(correlate_verdict(&c, true, 0, 0));   /* nothing learnt */
	assert_false(correlate_verdict(&c, false, 0, 0));
	c.min_monitors = 0; /* off */
	assert_false(correlate_verdict(&c, false, 100, 100));
	assert_false(correlate_verdict(&c, true, 100, 100));
}

/* Flap detection needs a full window, then starts above high and ends below low. */
static void test_flap(void **state)
{
	struct flap f = { 0 };
	double share = -1;
	int i;

	(void)state;
	for (i = 0; i < FLAP_WINDOW - 1; i++)
		assert_false(flap_add(&f, i % 2, 50, 25, &share)); /* not full yet */
	assert_true(flap_add(&f, true, 50, 25, &share));
	assert_true(f.flapping);
	assert_true(share > 90);
	assert_false(flap_add(&f, true, 0, 0, &share)); /* high 0: off, nothing changes */
	for (i = 0; i < FLAP_WINDOW && f.flapping; i++)
		(void)flap_add(&f, true, 50, 25, &share);
	assert_false(f.flapping);
	assert_true(share <= 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_correlate_verdict),
		cmocka_unit_test(test_flap),
	};

	log_configure(LOG_LEVEL_ERROR, LOG_FORMAT_TEXT); /* the table speaks for itself */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
