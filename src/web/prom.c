/* Prometheus text format writer. */
#include "web/prom.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Metrics go to uncapped buffers: appends cannot fail. */
#define P(expr) (void)!(expr)

void prom_escape_label(struct buf *out, const char *s)
{
	while (*s) {
		size_t run = strcspn(s, "\\\"\n");

		P(buf_append(out, s, run));
		s += run;
		if (*s == '\0')
			break;
		P(buf_puts(out, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n"));
		s++;
	}
}

static void escape_help(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			P(buf_puts(out, "\\\\"));
		else if (*s == '\n')
			P(buf_puts(out, "\\n"));
		else
			P(buf_putc(out, *s));
	}
}

void prom_family(struct buf *out, const char *name, const char *type, const char *help)
{
	P(buf_printf(out, "# HELP %s ", name));
	escape_help(out, help);
	P(buf_printf(out, "\n# TYPE %s %s\n", name, type));
}

/* Writes V in decimal before END; returns where it starts. */
static char *u64_str(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

static void write_int(struct buf *out, int64_t v)
{
	char tmp[24], *end = tmp + sizeof(tmp), *p;

	p = u64_str(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, end);
	if (v < 0)
		*--p = '-';
	P(buf_append(out, p, (size_t)(end - p)));
}

/* NS nanoseconds as seconds in plain decimal ("0.0025", "10"): no printf on the scrape path. */
static void write_seconds(struct buf *out, int64_t ns)
{
	char tmp[16];
	int64_t frac = ns % 1000000000;
	int i, last = 0;

	write_int(out, ns / 1000000000);
	if (frac == 0)
		return;
	for (i = 8; i >= 0; i--, frac /= 10) {
		tmp[i] = (char)('0' + frac % 10);
		if (last == 0 && tmp[i] != '0')
			last = i + 1;
	}
	P(buf_putc(out, '.'));
	P(buf_append(out, tmp, (size_t)last));
}

static void write_value(struct buf *out, double v)
{
	if (isnan(v))
		P(buf_puts(out, "NaN"));
	else if (isinf(v))
		P(buf_puts(out, v > 0 ? "+Inf" : "-Inf"));
	else if (v == floor(v) && fabs(v) < 9e15)
		write_int(out, (int64_t)v);
	else {
		char tmp[32];

		/* the shortest of %.15g and %.17g that reads back exactly */
		snprintf(tmp, sizeof(tmp), "%.15g", v);
		if (strtod(tmp, NULL) != v)
			snprintf(tmp, sizeof(tmp), "%.17g", v);
		P(buf_puts(out, tmp));
	}
}

void prom_sample_v(struct buf *out, const char *name, const char *suffix, const char *const *labels,
                   int nlabels, double value)
{
	int i;

	P(buf_puts(out, name));
	if (suffix != NULL)
		P(buf_puts(out, suffix));
	if (nlabels > 0) {
		P(buf_putc(out, '{'));
		for (i = 0; i < nlabels; i++) {
			if (i > 0)
				P(buf_putc(out, ','));
			P(buf_puts(out, labels[2 * i]));
			P(buf_puts(out, "=\""));
			prom_escape_label(out, labels[2 * i + 1]);
			P(buf_putc(out, '"'));
		}
		P(buf_putc(out, '}'));
	}
	P(buf_putc(out, ' '));
	write_value(out, value);
	P(buf_putc(out, '\n'));
}

void prom_sample(struct buf *out, const char *name, double value, ...)
{
	const char *labels[16];
	int n = 0;
	va_list ap;
	const char *s;

	va_start(ap, value);
	while (n < 16 && (s = va_arg(ap, const char *)) != NULL)
		labels[n++] = s;
	va_end(ap);
	prom_sample_v(out, name, NULL, labels, n / 2, value);
}

void prom_histogram(struct buf *out, const char *name, const char *const *labels, int nlabels,
                    const struct histogram_view *v)
{
	struct buf prefix;
	size_t i;
	int j;

	/* name_bucket{labels,le=" is written once and copied for every bound */
	buf_init(&prefix, 0);
	P(buf_puts(&prefix, name));
	P(buf_puts(&prefix, "_bucket{"));
	for (j = 0; j < nlabels; j++) {
		P(buf_puts(&prefix, labels[2 * j]));
		P(buf_puts(&prefix, "=\""));
		prom_escape_label(&prefix, labels[2 * j + 1]);
		P(buf_puts(&prefix, "\","));
	}
	P(buf_puts(&prefix, "le=\""));
	for (i = 0; i <= v->n; i++) {
		P(buf_append(out, prefix.data, prefix.len));
		if (i < v->n)
			write_seconds(out, v->bounds_ns[i]);
		else
			P(buf_puts(out, "+Inf"));
		P(buf_puts(out, "\"} "));
		write_int(out, (int64_t)v->cumulative[i]);
		P(buf_putc(out, '\n'));
	}
	buf_free(&prefix);
	prom_sample_v(out, name, "_sum", labels, nlabels, (double)v->sum_ns / 1e9);
	prom_sample_v(out, name, "_count", labels, nlabels, (double)v->cumulative[v->n]);
}
