/* Data-only "{{name}}" substitution for notification bodies. */
#include "util/template.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Reads the placeholder whose "{{" is at P (END: the text's end): its name
 * in [*NAME, *NAME + *NAMELEN) and where the text resumes. Returns NULL when
 * it is not closed or its name is empty or not [a-z_].
 */
static const char *placeholder(const char *p, const char *end, const char **name, size_t *namelen)
{
	const char *s = p + 2, *e;

	while (s < end && is_blank(*s))
		s++;
	e = s;
	while (e < end && ((*e >= 'a' && *e <= 'z') || *e == '_'))
		e++;
	*name = s;
	*namelen = (size_t)(e - s);
	while (e < end && is_blank(*e))
		e++;
	if (*namelen == 0 || end - e < 2 || e[0] != '}' || e[1] != '}')
		return NULL;
	return e + 2;
}

static bool known(const char *name, size_t len, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strlen(*names) == len && memcmp(*names, name, len) == 0)
			return true;
	return false;
}

int template_check(const char *text, size_t len, const char *const *names, char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *name, *next;
	size_t nlen;

	if (len > TEMPLATE_MAX) {
		snprintf(err, errlen, "is %zu bytes: at most %d", len, TEMPLATE_MAX);
		return -1;
	}
	while ((p = memmem(p, (size_t)(end - p), "{{", 2)) != NULL) {
		next = placeholder(p, end, &name, &nlen);
		if (next == NULL) {
			snprintf(err, errlen, "column %d: \"{{\" opens no {{name}} placeholder",
			         (int)(p - text) + 1);
			return -1;
		}
		if (!known(name, nlen, names)) {
			snprintf(err, errlen, "column %d: unknown field {{%.*s}}",
			         (int)(p - text) + 1, (int)(nlen > 40 ? 40 : nlen), name);
			return -1;
		}
		p = next;
	}
	return 0;
}

static const char *value_of(const struct tmpl_field *fields, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
			return fields[i].value ? fields[i].value : "";
	return "";
}

/* Appends [D, D+N) unless B is full; once full, nothing more is added. */
static void put(struct buf *b, const void *d, size_t n, bool *full)
{
	if (!*full && buf_append(b, d, n) < 0)
		*full = true;
}

/* Appends V escaped for the inside of a JSON string (escapes whole or not at all). */
static void append_json(struct buf *b, const char *v, bool *full)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)v;

	for (; *s != '\0' && !*full; s++) {
		char esc[7] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15], 0 };

		switch (*s) {
		case '"':
			put(b, "\\\"", 2, full);
			break;
		case '\\':
			put(b, "\\\\", 2, full);
			break;
		case '\n':
			put(b, "\\n", 2, full);
			break;
		case '\r':
			put(b, "\\r", 2, full);
			break;
		case '\t':
			put(b, "\\t", 2, full);
			break;
		default:
			put(b, *s < 0x20 ? esc : (const char *)s, *s < 0x20 ? 6 : 1, full);
		}
	}
}

char *template_render(const char *text, size_t len, const struct tmpl_field *fields, size_t n,
                      enum tmpl_escape esc)
{
	const char *p = text, *end = text + len, *hit, *name, *next;
	bool full = false;
	struct buf b;
	size_t nlen;
	char *out;

	buf_init(&b, TEMPLATE_MAX);
	while ((hit = memmem(p, (size_t)(end - p), "{{", 2)) != NULL &&
	       (next = placeholder(hit, end, &name, &nlen)) != NULL) {
		const char *v = value_of(fields, n, name, nlen);

		put(&b, p, (size_t)(hit - p), &full);
		if (esc == TMPL_JSON)
			append_json(&b, v, &full);
		else
			put(&b, v, strlen(v), &full);
		p = next;
	}
	put(&b, p, (size_t)(end - p), &full);
	out = xmalloc(b.len + 1);
	if (b.len > 0)
		memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return out;
}
