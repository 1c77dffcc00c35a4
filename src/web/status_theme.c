/*
 * GET /status/theme.css: the theme's colours as CSS custom properties for a
 * light and a dark scheme. Colours are re-checked and re-written here, so
 * nothing of the configuration reaches the CSS as text; each is adjusted just
 * enough to keep WCAG AA contrast (4.5:1) as text on the scheme's background.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/status_int.h"
#include "web/status_render.h"

#define AA_RATIO 4.5

struct rgb {
	double r, g, b; /* 0..255 */
};

/* The scheme's fixed colours; the theme's five are added to them. */
struct scheme {
	const char *name; /* for the comment */
	struct rgb bg;
	const char *fixed; /* the other properties, ours */
	bool lighten;      /* colours get lighter (dark scheme) or darker to contrast */
};

static const struct scheme light = {
	"light",
	{ 255, 255, 255 },
	"color-scheme:light;--bg:#ffffff;--fg:#111827;--muted:#4b5563;--border:#e5e7eb;"
	"--surface:#f9fafb;--nodata:#d1d5db;--on:#ffffff;",
	false,
};

static const struct scheme dark = {
	"dark",
	{ 17, 24, 39 },
	"color-scheme:dark;--bg:#111827;--fg:#f3f4f6;--muted:#9ca3af;--border:#374151;"
	"--surface:#1f2937;--nodata:#4b5563;--on:#111827;",
	true,
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses S when it is exactly #rgb or #rrggbb; false otherwise. */
static bool colour_parse(const char *s, struct rgb *out)
{
	int v[6], i, n;

	if (s == NULL || s[0] != '#')
		return false;
	n = (int)strlen(s + 1);
	if (n != 3 && n != 6)
		return false;
	for (i = 0; i < n; i++)
		if ((v[i] = hexval(s[1 + i])) < 0)
			return false;
	if (n == 3)
		*out = (struct rgb){ v[0] * 17, v[1] * 17, v[2] * 17 };
	else
		*out = (struct rgb){ v[0] * 16 + v[1], v[2] * 16 + v[3], v[4] * 16 + v[5] };
	return true;
}

static double channel(double c)
{
	c /= 255;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(struct rgb c)
{
	return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

static double contrast(struct rgb a, struct rgb b)
{
	double la = luminance(a), lb = luminance(b);

	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static struct rgb mix(struct rgb a, struct rgb b, double t)
{
	return (struct rgb){ a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t };
}

struct hsl {
	double h, s, l; /* h in turns, s and l 0..1 */
};

static struct hsl to_hsl(struct rgb c)
{
	double r = c.r / 255, g = c.g / 255, b = c.b / 255;
	double max = fmax(r, fmax(g, b)), min = fmin(r, fmin(g, b)), d = max - min;
	struct hsl o = { 0, 0, (max + min) / 2 };

	if (d == 0)
		return o;
	o.s = d / (1 - fabs(2 * o.l - 1));
	if (max == r)
		o.h = fmod((g - b) / d + 6, 6) / 6;
	else if (max == g)
		o.h = ((b - r) / d + 2) / 6;
	else
		o.h = ((r - g) / d + 4) / 6;
	return o;
}

static double hue(double p, double q, double t)
{
	t = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
	if (t < 1.0 / 6)
		return p + (q - p) * 6 * t;
	if (t < 0.5)
		return q;
	if (t < 2.0 / 3)
		return p + (q - p) * (2.0 / 3 - t) * 6;
	return p;
}

static struct rgb from_hsl(struct hsl c)
{
	double q = c.l < 0.5 ? c.l * (1 + c.s) : c.l + c.s - c.l * c.s, p = 2 * c.l - q;

	return (struct rgb){ 255 * hue(p, q, c.h + 1.0 / 3), 255 * hue(p, q, c.h),
		             255 * hue(p, q, c.h - 1.0 / 3) };
}

/*
 * C with its lightness moved (toward the scheme's text) by the least step
 * that gives AA contrast on the scheme's background; hue and saturation stay.
 */
static struct rgb readable(struct rgb c, const struct scheme *s)
{
	struct hsl h = to_hsl(c);
	struct rgb out = c;
	int step;

	for (step = 0; step < 50 && contrast(out, s->bg) < AA_RATIO; step++) {
		h.l += s->lighten ? 0.02 : -0.02;
		h.l = h.l < 0 ? 0 : h.l > 1 ? 1 : h.l;
		out = from_hsl(h);
	}
	return out;
}

static void put_colour(struct buf *b, const char *name, struct rgb c)
{
	SP(buf_printf(b, "--%s:#%02x%02x%02x;", name, (unsigned)lround(c.r), (unsigned)lround(c.g),
	              (unsigned)lround(c.b)));
}

/* The theme's colours (defaults for the invalid ones), in the order of the names below. */
static void theme_colours(const struct status_theme *t, struct rgb out[5])
{
	static const struct rgb defaults[5] = {
		{ 0x1d, 0x4e, 0xd8 }, { 0x15, 0x80, 0x3d }, { 0xa1, 0x62, 0x07 },
		{ 0xb9, 0x1c, 0x1c }, { 0x1d, 0x4e, 0xd8 },
	};
	const char *given[5] = { t->primary, t->operational, t->degraded, t->outage,
		                 t->maintenance };
	int i;

	for (i = 0; i < 5; i++)
		if (!colour_parse(given[i], &out[i]))
			out[i] = defaults[i];
}

static void put_scheme(struct buf *b, const struct scheme *s, const struct rgb theme[5])
{
	static const char *const names[5] = { "primary", "operational", "degraded", "outage",
		                              "maintenance" };
	struct rgb c[5];
	int i;

	SP(buf_printf(b, "/* %s */\n:root{%s", s->name, s->fixed));
	for (i = 0; i < 5; i++) {
		c[i] = readable(theme[i], s);
		put_colour(b, names[i], c[i]);
	}
	/* the bar of days at 99% or more: between operational and degraded */
	put_colour(b, "minor", mix(c[1], c[2], 0.5));
	SP(buf_puts(b, "}\n"));
}

char *status_render_theme_css(const struct status_view *v, size_t *len)
{
	struct rgb theme[5];
	struct buf b;

	theme_colours(&v->theme, theme);
	buf_init(&b, 0);
	SP(buf_puts(&b, "/* Vigil status page theme: generated from status_page.theme */\n"));
	if (v->theme.mode == 2) {
		put_scheme(&b, &dark, theme);
	} else {
		put_scheme(&b, &light, theme);
		if (v->theme.mode != 1) {
			SP(buf_puts(&b, "@media (prefers-color-scheme:dark){\n"));
			put_scheme(&b, &dark, theme);
			SP(buf_puts(&b, "}\n"));
		}
	}
	*len = b.len;
	return buf_steal(&b);
}
