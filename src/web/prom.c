/* Prometheus text format writer. */
#include "web/prom.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"

/* Metrics go to uncapped buffers: appends cannot fail. */
#define P(expr) (void)!(expr)

void prom_escape_label(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			P(buf_puts(out, "\\\\"));
		else if (*s == '"')
			P(buf_puts(out, "\\\""));
		else if (*s == '\n')
			P(buf_puts(out, "\\n"));
		else
			P(buf_putc(out, *s));
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

static void write_value(struct buf *out, double v)
{
	if (isnan(v))
		P(buf_puts(out, "NaN"));
	else if (isinf(v))
		P(buf_puts(out, v > 0 ? "+Inf" : "-Inf"));
	else if (v == floor(v) && fabs(v) < 9e15)
		P(buf_printf(out, "%.0f", v));
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
			P(buf_printf(out, "%s%s=\"", i ? "," : "", labels[2 * i]));
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
	const char *l[2 * 8 + 2];
	char le[32];
	size_t i;
	int j;

	for (j = 0; j < nlabels && j < 8; j++) {
		l[2 * j] = labels[2 * j];
		l[2 * j + 1] = labels[2 * j + 1];
	}
	l[2 * j] = "le";
	l[2 * j + 1] = le;
	for (i = 0; i <= v->n; i++) {
		if (i < v->n)
			snprintf(le, sizeof(le), "%g", (double)v->bounds_ns[i] / 1e9);
		else
			snprintf(le, sizeof(le), "+Inf");
		prom_sample_v(out, name, "_bucket", l, j + 1, (double)v->cumulative[i]);
	}
	prom_sample_v(out, name, "_sum", labels, j, (double)v->sum_ns / 1e9);
	prom_sample_v(out, name, "_count", labels, j, (double)v->cumulative[v->n]);
}
