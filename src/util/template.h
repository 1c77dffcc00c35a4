/*
 * Message templates: data-only substitution. "{{name}}" (blanks inside the
 * braces allowed) is replaced by the value of the field NAME; nothing else
 * is interpreted, so a template can never run code, loop or read anything
 * but the fields it is given. Names are checked when the configuration is
 * loaded, so rendering never meets an unknown one.
 */
#ifndef VIGIL_UTIL_TEMPLATE_H
#define VIGIL_UTIL_TEMPLATE_H

#include <stddef.h>

#define TEMPLATE_MAX (64 * 1024) /* bytes of a template, and of what it renders to */

struct tmpl_field {
	const char *name;
	const char *value; /* NULL renders as "" */
};

enum tmpl_escape {
	TMPL_RAW,  /* values as they are */
	TMPL_JSON, /* values escaped for the inside of a JSON string (no quotes added) */
};

/*
 * Checks TEXT of LEN bytes: every "{{" opens a placeholder naming one of
 * NAMES (NULL-terminated) and closed by "}}", and the text is at most
 * TEMPLATE_MAX bytes. Returns 0, or -1 with the reason and the 1-based
 * column in ERR.
 */
int template_check(const char *text, size_t len, const char *const *names, char *err,
                   size_t errlen);

/*
 * Renders a checked TEXT with FIELDS (N of them), escaping values as ESC.
 * An unknown name renders as "". The result is NUL-terminated and
 * allocated; what would pass TEMPLATE_MAX bytes is left out (a JSON escape
 * is written whole or not at all).
 */
char *template_render(const char *text, size_t len, const struct tmpl_field *fields, size_t n,
                      enum tmpl_escape esc);

#endif
