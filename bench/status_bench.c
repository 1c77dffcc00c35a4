/*
 * bench/status: the server time to render the public status page (HTML and
 * JSON) for N public monitors with their 90-day bars, 24-hour charts, a few
 * incidents and a maintenance window; what a snapshot render costs.
 *
 *   bench_status [MONITORS] [ROUNDS] [HTML-FILE]
 *   prints "TABLE|<monitors>|<html µs median>|<html bytes>|<json µs median>|<json bytes>"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/status_render.h"
#include "web/status_view.h"

#define DAY_MS  86400000LL
#define HOUR_MS 3600000LL

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A realistic view: names, groups, mostly good days with a few bad ones. */
static struct status_view *fabricate(size_t n, int64_t now)
{
	static const char *const groups[] = { "Frontend", "Backend", "Data", "Edge", NULL };
	struct status_view *v = calloc(1, sizeof(*v));
	struct status_component *c = calloc(n, sizeof(*c));
	static struct status_update up[2];
	static struct status_incident inc[1];
	static struct status_maintenance mw[1];
	static const char *affected[1];
	size_t i;
	int d;

	for (i = 0; i < n; i++) {
		char *id = malloc(32), *name = malloc(48);

		snprintf(id, 32, "service-%zu", i);
		snprintf(name, 48, "Service number %zu", i);
		c[i].id = id;
		c[i].name = name;
		c[i].group = groups[i % 5];
		c[i].state = i % 97 == 0   ? STATE_MAJOR_OUTAGE
		             : i % 31 == 0 ? STATE_DEGRADED
		                           : STATE_OPERATIONAL;
		c[i].uptime_24h = 99.95;
		c[i].uptime_7d = 99.9;
		c[i].uptime_30d = 99.81;
		c[i].uptime_90d = 99.7;
		c[i].latency_ms = 42.5;
		for (d = 0; d < STATUS_DAYS; d++) {
			c[i].days[d].start_ms = (now / DAY_MS - (STATUS_DAYS - 1) + d) * DAY_MS;
			c[i].days[d].uptime = (d + (int)i) % 17 == 0 ? 97.5 : 100;
		}
		for (d = 0; d < STATUS_HOURS; d++) {
			c[i].hours[d].start_ms = (now / HOUR_MS - (STATUS_HOURS - 1) + d) * HOUR_MS;
			c[i].hours[d].latency_ms = 30 + (d * 7 + (int)i) % 40;
		}
	}
	affected[0] = c[0].name;
	up[0] = (struct status_update){ now - 600000, "identified", "A bad deploy; rolling back" };
	up[1] = (struct status_update){ now - 1200000, "investigating", "Looking into it" };
	inc[0] = (struct status_incident){
		1, "Elevated error rates", "major", "identified", now - 1200000, 0, affected, 1, up,
		2
	};
	mw[0] = (struct status_maintenance){
		"Database upgrade", now + HOUR_MS, now + 2 * HOUR_MS, false, NULL, 0
	};
	v->now_ms = now;
	v->title = "Example Status";
	v->description = "The services of Example, Inc.";
	v->refresh_ms = 60000;
	v->theme =
	        (struct status_theme){ "#1d4ed8", "#15803d", "#a16207", "#b91c1c", "#1d4ed8", 0 };
	v->banner = BANNER_MAJOR;
	v->components = c;
	v->ncomponents = n;
	v->incidents = inc;
	v->nincidents = 1;
	v->maintenance = mw;
	v->nmaintenance = 1;
	return v;
}

static double median_us(const struct status_view *v,
                        char *(*render)(const struct status_view *, size_t *), int rounds,
                        size_t *size)
{
	double *t = calloc((size_t)rounds, sizeof(*t)), m;
	int r;

	for (r = 0; r < rounds; r++) {
		double t0 = now_us();
		char *body = render(v, size);

		t[r] = now_us() - t0;
		free(body);
	}
	qsort(t, (size_t)rounds, sizeof(*t), cmp);
	m = t[rounds / 2];
	free(t);
	return m;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000, html = 0, json = 0;
	int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 51;
	struct timespec ts;
	struct status_view *v;
	double h, j;

	clock_gettime(CLOCK_REALTIME, &ts);
	v = fabricate(n ? n : 1, (int64_t)ts.tv_sec * 1000);
	h = median_us(v, status_render_page, rounds > 0 ? rounds : 1, &html);
	j = median_us(v, status_render_json, rounds > 0 ? rounds : 1, &json);
	if (argc > 3) { /* the page itself, to look at */
		FILE *f = fopen(argv[3], "w");
		char *body = status_render_page(v, &html);

		if (f == NULL || fwrite(body, 1, html, f) != html || fclose(f) != 0) {
			perror(argv[3]);
			return 1;
		}
		free(body);
	}
	printf("TABLE|%zu|%.0f|%zu|%.0f|%zu\n", n, h, html, j, json);
	return 0;
}
