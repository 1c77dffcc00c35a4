/*
 * status_page: the public status page's title, text, logo, theme and live
 * refresh. Colours are checked strictly (#rgb or #rrggbb) since they go into
 * CSS; the logo is a local image read at load, served by Vigil itself.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/xmalloc.h"

#define SEC(x)   ((int64_t)(x)*1000)
#define LOGO_MAX (256 * 1024)
#define TEXT_MAX 2000

static const char *const mode_names[] = { "auto", "light", "dark", NULL };
static const char *const layout_names[] = { "auto", "full", "compact", NULL };

/* Whether S is #rgb or #rrggbb: nothing else can reach the page's CSS. */
static bool is_colour(const char *s)
{
	size_t i, n = strlen(s);

	if (s[0] != '#' || (n != 4 && n != 7))
		return false;
	for (i = 1; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int check_colour(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *s = *(char **)field;

	if (is_colour(s))
		return 0;
	conf_error(ctx, node, "\"%s\" is not a colour: write #rgb or #rrggbb, like #2563eb", s);
	return -1;
}

static int check_text(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *s = *(char **)field;

	if (strlen(s) <= TEXT_MAX)
		return 0;
	conf_error(ctx, node, "longer than %d bytes", TEXT_MAX);
	return -1;
}

static int check_url(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	const char *s = *(char **)field;

	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0)
		if (strpbrk(s, " \"'<>\\`\t\r\n") == NULL)
			return 0;
	conf_error(ctx, node, "expected the page's public http:// or https:// address");
	return -1;
}

static void theme_init(void *obj)
{
	struct conf_theme *t = obj;

	/* AA contrast (4.5:1 at least) on white for text in these colours */
	t->primary = xstrdup("#1d4ed8");
	t->operational = xstrdup("#15803d");
	t->degraded = xstrdup("#a16207");
	t->outage = xstrdup("#b91c1c");
	t->maintenance = xstrdup("#1d4ed8");
}

#define COLOUR_KEY(field, what)                                                                    \
	{                                                                                          \
		.name = #field, .type = CONF_STRING, .offset = offsetof(struct conf_theme, field), \
		.parse = check_colour, .help = what                                                \
	}

static const struct conf_key theme_keys[] = {
	COLOUR_KEY(primary, "links, the header and the live-refresh mark"),
	COLOUR_KEY(operational, "components that work"),
	COLOUR_KEY(degraded, "degraded performance"),
	COLOUR_KEY(outage, "partial and major outages"),
	COLOUR_KEY(maintenance, "under maintenance"),
	{ .name = "mode",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_theme, mode),
	  .names = mode_names,
	  .help = "auto (follows the reader's prefers-color-scheme), light or dark" },
	{ 0 },
};

static const struct conf_spec theme_spec = {
	.name = "theme",
	.size = sizeof(struct conf_theme),
	.keys = theme_keys,
	.init = theme_init,
};

/* The MIME type of an image by its first bytes, or NULL when it is none we serve. */
static const char *image_type(const unsigned char *d, size_t n)
{
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return "image/gif";
	if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (memmem(d, n < 1024 ? n : 1024, "<svg", 4) != NULL)
		return "image/svg+xml";
	return NULL;
}

/* Reads the logo file (blocking: configurations load off the loop). */
static void load_logo(struct conf_ctx *ctx, yaml_node_t *node, struct conf_status_page *p)
{
	FILE *f = fopen(p->logo, "rb");
	unsigned char *d;
	size_t n;

	if (f == NULL) {
		conf_error_key(ctx, node, "logo", "cannot read \"%s\": %s", p->logo,
		               strerror(errno));
		return;
	}
	d = xmalloc(LOGO_MAX + 1);
	n = fread(d, 1, LOGO_MAX + 1, f);
	fclose(f);
	if (n > LOGO_MAX) {
		conf_error_key(ctx, node, "logo", "\"%s\" is larger than %d KiB", p->logo,
		               LOGO_MAX / 1024);
	} else if ((p->logo_type = image_type(d, n)) == NULL) {
		conf_error_key(ctx, node, "logo",
		               "\"%s\" is not a PNG, JPEG, GIF, WebP or SVG image", p->logo);
	} else {
		p->logo_data = (char *)d;
		p->logo_len = n;
		return;
	}
	free(d);
}

static void page_init(void *obj)
{
	struct conf_status_page *p = obj;

	p->enabled = true;
	p->title = xstrdup("Status");
	p->description = xstrdup("");
	p->refresh = SEC(60); /* theme: conf_init runs theme_init */
}

static void page_finish(struct conf_ctx *ctx, yaml_node_t *node, void *obj)
{
	struct conf_status_page *p = obj;

	if (p->logo != NULL && p->logo_data == NULL)
		load_logo(ctx, node, p);
}

static void page_cleanup(void *obj)
{
	struct conf_status_page *p = obj;

	free(p->logo_data);
	p->logo_data = NULL;
}

static const struct conf_key page_keys[] = {
	{ .name = "enabled",
	  .type = CONF_BOOL,
	  .offset = offsetof(struct conf_status_page, enabled),
	  .help = "serve /status, its JSON (/api/v1/status), the badges and the feed" },
	{ .name = "title",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_status_page, title),
	  .parse = check_text,
	  .help = "the page's title" },
	{ .name = "description",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_status_page, description),
	  .parse = check_text,
	  .help = "a line under the title" },
	{ .name = "logo",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_status_page, logo),
	  .help = "a local PNG, JPEG, GIF, WebP or SVG file (256 KiB at most), served at "
	          "/status/logo" },
	{ .name = "url",
	  .type = CONF_STRING,
	  .offset = offsetof(struct conf_status_page, url),
	  .parse = check_url,
	  .help = "the page's public address, for the feed's links" },
	{ .name = "refresh",
	  .type = CONF_DURATION,
	  .offset = offsetof(struct conf_status_page, refresh),
	  .max = SEC(3600),
	  .help = "how often the page's script refreshes it in place (0: never; the page is "
	          "complete without the script)" },
	{ .name = "layout",
	  .type = CONF_ENUM,
	  .offset = offsetof(struct conf_status_page, layout),
	  .names = layout_names,
	  .help = "how /status shows components: full (day tooltips, 24 h/30 d/90 d uptime and "
	          "response-time chart under each), compact (name, state, bar and 90-day uptime; "
	          "the rest on each component's page) or auto (full up to 50 components)" },
	{ .name = "theme",
	  .type = CONF_SECTION,
	  .offset = offsetof(struct conf_status_page, theme),
	  .spec = &theme_spec,
	  .help = "colours (#rgb or #rrggbb) and light or dark mode" },
	{ 0 },
};

const struct conf_spec conf_status_page_spec = {
	.name = "status_page",
	.size = sizeof(struct conf_status_page),
	.keys = page_keys,
	.init = page_init,
	.finish = page_finish,
	.cleanup = page_cleanup,
};
