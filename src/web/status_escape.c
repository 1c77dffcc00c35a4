/* Escaping the status page's strings for HTML, XML, URL path segments and JSON. */
#include <string.h>

#include "web/status_int.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/*
 * The length (2-4) of the valid UTF-8 sequence of a non-ASCII lead byte at S,
 * storing its code point in *CP, or 0 when S starts no valid sequence
 * (overlong forms, surrogates and code points past U+10FFFF included).
 */
static size_t utf8_seq(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Whether code point CP may not appear in an XML document (or is a C1 control). */
static bool cp_unwanted(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
}

/* The reference for an HTML/XML special byte C, or NULL. */
static const char *markup_ref(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

/* Whether byte C goes through as is. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && markup_ref(c) == NULL;
}

/* Handles the special byte or sequence at S; returns how many bytes it took. */
static size_t esc_special(struct buf *b, const unsigned char *s)
{
	const char *ref = markup_ref(*s);
	unsigned cp;
	size_t n;

	if (ref != NULL) {
		SP(buf_puts(b, ref));
		return 1;
	}
	if (*s == '\t' || *s == '\n') {
		SP(buf_putc(b, (char)*s));
		return 1;
	}
	if (*s == '\r')
		return 1;
	if (*s < 0x80) { /* other controls and DEL */
		SP(buf_puts(b, REPLACEMENT));
		return 1;
	}
	n = utf8_seq(s, &cp);
	if (n == 0 || cp_unwanted(cp)) {
		SP(buf_puts(b, REPLACEMENT));
		return n ? n : 1;
	}
	SP(buf_append(b, s, n));
	return n;
}

void status_esc_html(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p == NULL)
		return;
	while (*p) {
		const unsigned char *run = p;

		while (plain(*p))
			p++;
		if (p > run)
			SP(buf_append(b, run, (size_t)(p - run)));
		if (*p)
			p += esc_special(b, p);
	}
}

void status_esc_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	for (; p != NULL && *p; p++) {
		unsigned char c = *p;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			SP(buf_putc(b, (char)c));
		} else {
			char pct[3] = { '%', hex[c >> 4], hex[c & 15] };

			SP(buf_append(b, pct, sizeof(pct)));
		}
	}
}

void status_utf8_clean(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p != NULL && *p) {
		const unsigned char *run = p;
		unsigned cp;
		size_t n = 0;

		while (*p && (*p < 0x80 || (n = utf8_seq(p, &cp)) != 0))
			p += *p < 0x80 ? 1 : n;
		if (p > run)
			SP(buf_append(b, run, (size_t)(p - run)));
		if (*p) {
			SP(buf_puts(b, REPLACEMENT));
			p++;
		}
	}
}

bool status_url_origin(struct buf *b, const char *url)
{
	const char *host, *end;
	struct buf tmp;

	if (url == NULL)
		return false;
	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return false;
	end = host + strcspn(host, "/?#");
	if (end == host)
		return false;
	buf_init(&tmp, 0);
	SP(buf_append(&tmp, url, (size_t)(end - url)));
	status_esc_html(b, tmp.data);
	buf_free(&tmp);
	return true;
}
