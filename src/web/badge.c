/*
 * GET /badge/{monitor}/...svg: shields.io-style flat badges of a component's
 * status, uptime or response time. Every text on them is ours (no names), and
 * their colours come from a fixed set.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "web/status_int.h"
#include "web/status_render.h"

#define GREY        "#555"
#define BRIGHTGREEN "#4c1"
#define GREEN       "#97ca00"
#define YELLOWGREEN "#a4a61d"
#define YELLOW      "#dfb317"
#define ORANGE      "#fe7d37"
#define RED         "#e05d44"
#define BLUE        "#007ec6"
#define LIGHTGREY   "#9f9f9f"

#define PAD 5 /* px either side of a text */

/* Verdana's advances for ASCII 32..126, in 1/2048 em (the text is 11 px, like shields.io's). */
static const unsigned short verdana[95] = {
	720,  806,  940,  1676, 1302, 2204, 1488, 550,  901,  901,  1302, 1676, 735,  901,
	735,  1294, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 901,  901,
	1676, 1676, 1676, 1117, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 862,
	921,  1415, 1141, 1744, 1534, 1612, 1235, 1612, 1423, 1401, 1237, 1505, 1401, 2025,
	1403, 1237, 1403, 901,  1294, 901,  1676, 1302, 1302, 1229, 1270, 1064, 1270, 1219,
	720,  1270, 1296, 562,  705,  1212, 562,  1995, 1296, 1243, 1270, 1270, 874,  1064,
	807,  1296, 1212, 1675, 1212, 1212, 1079, 1300, 901,  1300, 1676,
};

/* S's width in tenths of a pixel at 11 px; characters past ASCII count as a wide one. */
static int text_width(const char *s)
{
	double w = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 32 && c < 127)
			w += verdana[c - 32];
		else if ((c & 0xc0) != 0x80) /* one per UTF-8 sequence */
			w += 1400;
	}
	return (int)ceil(w * 110 / 2048);
}

struct badge {
	const char *label;
	char value[32];
	const char *colour;
};

static const char *uptime_colour(double pct)
{
	if (pct >= 99.9)
		return BRIGHTGREEN;
	if (pct >= 99)
		return GREEN;
	if (pct >= 97)
		return YELLOWGREEN;
	if (pct >= 95)
		return YELLOW;
	if (pct >= 90)
		return ORANGE;
	return RED;
}

static const char *latency_colour(double ms)
{
	if (ms < 200)
		return BRIGHTGREEN;
	if (ms < 500)
		return GREEN;
	if (ms < 1000)
		return YELLOW;
	if (ms < 2000)
		return ORANGE;
	return RED;
}

static void status_badge(const struct status_component *c, struct badge *bd)
{
	static const char *const words[STATE_COUNT] = { "operational", "degraded", "partial outage",
		                                        "major outage", "maintenance" };
	static const char *const colours[STATE_COUNT] = { BRIGHTGREEN, YELLOW, ORANGE, RED, BLUE };
	unsigned s = (unsigned)c->state < STATE_COUNT ? (unsigned)c->state : STATE_OPERATIONAL;

	bd->label = "status";
	snprintf(bd->value, sizeof(bd->value), "%s", words[s]);
	bd->colour = colours[s];
}

/* Fills BD for WHAT of C; false when WHAT is none we draw. */
static bool badge_of(const struct status_component *c, const char *what, struct badge *bd)
{
	static const char *const windows[4] = { "uptime/24h", "uptime/7d", "uptime/30d",
		                                "uptime/90d" };
	static const char *const labels[4] = { "uptime 24h", "uptime 7d", "uptime 30d",
		                               "uptime 90d" };
	double values[4] = { c->uptime_24h, c->uptime_7d, c->uptime_30d, c->uptime_90d };
	int i;

	if (strcmp(what, "status") == 0) {
		status_badge(c, bd);
		return true;
	}
	if (strcmp(what, "response-time") == 0) {
		bd->label = "response time";
		bd->colour = latency_colour(c->latency_ms);
		if (status_fmt_ms(c->latency_ms, bd->value, sizeof(bd->value)) == NULL)
			bd->colour = NULL;
		return true;
	}
	for (i = 0; i < 4; i++) {
		if (strcmp(what, windows[i]) != 0)
			continue;
		bd->label = labels[i];
		bd->colour = uptime_colour(values[i]);
		if (status_fmt_pct(values[i], bd->value, sizeof(bd->value)) == NULL)
			bd->colour = NULL;
		return true;
	}
	return false;
}

/* The two texts of a box centred at X (tenths of px): a shadow, then the text. */
static void put_text(struct buf *b, int x, int width, const char *text)
{
	SP(buf_printf(b,
	              "<text aria-hidden=\"true\" x=\"%d\" y=\"150\" fill=\"#010101\" "
	              "fill-opacity=\".3\" transform=\"scale(.1)\" textLength=\"%d\">%s</text>"
	              "<text x=\"%d\" y=\"140\" transform=\"scale(.1)\" fill=\"#fff\" "
	              "textLength=\"%d\">%s</text>",
	              x, width, text, x, width, text));
}

static char *draw(const struct badge *bd, size_t *len)
{
	int lt = text_width(bd->label), vt = text_width(bd->value);
	int lw = (lt + 9) / 10 + 2 * PAD, vw = (vt + 9) / 10 + 2 * PAD, w = lw + vw;
	struct buf b;

	buf_init(&b, 0);
	SP(buf_printf(&b,
	              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"20\" "
	              "role=\"img\" aria-label=\"%s: %s\"><title>%s: %s</title>"
	              "<linearGradient id=\"s\" x2=\"0\" y2=\"100%%\"><stop offset=\"0\" "
	              "stop-color=\"#bbb\" stop-opacity=\".1\"/><stop offset=\"1\" "
	              "stop-opacity=\".1\"/></linearGradient><clipPath id=\"r\"><rect width=\"%d\" "
	              "height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath><g clip-path=\"url(#r)\">"
	              "<rect width=\"%d\" height=\"20\" fill=\"" GREY "\"/><rect x=\"%d\" "
	              "width=\"%d\" height=\"20\" fill=\"%s\"/><rect width=\"%d\" height=\"20\" "
	              "fill=\"url(#s)\"/></g><g fill=\"#fff\" text-anchor=\"middle\" "
	              "font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" "
	              "text-rendering=\"geometricPrecision\" font-size=\"110\">",
	              w, bd->label, bd->value, bd->label, bd->value, w, lw, lw, vw, bd->colour, w));
	put_text(&b, lw * 5, lt, bd->label);
	put_text(&b, lw * 10 + vw * 5, vt, bd->value);
	SP(buf_puts(&b, "</g></svg>\n"));
	*len = b.len;
	return buf_steal(&b);
}

char *status_render_badge(const struct status_view *v, const char *id, const char *what,
                          size_t *len)
{
	const struct status_component *c = status_view_find(v, id);
	struct badge bd;

	if (c == NULL || what == NULL || !badge_of(c, what, &bd))
		return NULL;
	if (bd.colour == NULL) {
		snprintf(bd.value, sizeof(bd.value), "unknown");
		bd.colour = LIGHTGREY;
	}
	return draw(&bd, len);
}
