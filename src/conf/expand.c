/* Environment expansion of config scalars. */
#include "conf/expand.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define EXPAND_MAX (1024 * 1024)

/* Expands one "${...}" starting at P (just past "${"); returns the end or NULL. */
static const char *expand_ref(const char *p, struct buf *out, char *err, size_t errlen)
{
	const char *name = p, *close, *def = NULL, *val;
	char var[256];
	size_t len;

	if (!isalpha((unsigned char)*p) && *p != '_') {
		snprintf(err, errlen, "\"${\" must be followed by a variable name");
		return NULL;
	}
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	len = (size_t)(p - name);
	if (p[0] == ':' && p[1] == '-')
		def = p + 2;
	else if (*p != '}') {
		snprintf(err, errlen, "bad variable reference \"${%.*s\": expected \"}\" or \":-\"",
		         (int)len, name);
		return NULL;
	}
	close = strchr(p, '}');
	if (close == NULL) {
		snprintf(err, errlen, "unterminated \"${%.*s\"", (int)len, name);
		return NULL;
	}
	if (len >= sizeof(var)) {
		snprintf(err, errlen, "variable name too long");
		return NULL;
	}
	memcpy(var, name, len);
	var[len] = '\0';
	val = getenv(var);
	if (def != NULL && (val == NULL || *val == '\0')) {
		if (buf_append(out, def, (size_t)(close - def)) < 0)
			goto toolong;
	} else if (val == NULL) {
		snprintf(err, errlen, "environment variable %s is not set", var);
		return NULL;
	} else if (buf_puts(out, val) < 0) {
		goto toolong;
	}
	return close + 1;
toolong:
	snprintf(err, errlen, "value longer than %d bytes after expansion", EXPAND_MAX);
	return NULL;
}

char *conf_expand(const char *in, int *expanded, char *err, size_t errlen)
{
	struct buf out;
	const char *p = in;
	int did = 0;

	buf_init(&out, EXPAND_MAX);
	while (*p) {
		const char *dollar = strchr(p, '$');

		if (dollar == NULL) {
			if (buf_puts(&out, p) < 0)
				goto toolong;
			break;
		}
		if (buf_append(&out, p, (size_t)(dollar - p)) < 0)
			goto toolong;
		if (dollar[1] == '$' && dollar[2] == '{') {
			if (buf_puts(&out, "${") < 0)
				goto toolong;
			p = dollar + 3;
			did = 1;
		} else if (dollar[1] == '{') {
			p = expand_ref(dollar + 2, &out, err, errlen);
			if (p == NULL) {
				buf_free(&out);
				return NULL;
			}
			did = 1;
		} else {
			if (buf_putc(&out, '$') < 0)
				goto toolong;
			p = dollar + 1;
		}
	}
	if (expanded != NULL)
		*expanded = did;
	return buf_steal(&out);
toolong:
	buf_free(&out);
	snprintf(err, errlen, "value longer than %d bytes after expansion", EXPAND_MAX);
	return NULL;
}
