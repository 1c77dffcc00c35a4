/* Prints a decoded config back as YAML, with every secret masked. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf/schema.h"
#include "conf/value.h"
#include "util/buf.h"
#include "util/secret.h"
#include "util/url.h"

#define FIELD(obj, key) ((const char *)(obj) + (key)->offset)

/* Printing goes to an uncapped buffer, so appends cannot fail. */
#define P(expr) (void)!(expr)

void conf_print_string(struct buf *out, const char *s)
{
	P(buf_putc(out, '"'));
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			P(buf_printf(out, "\\%c", c));
		else if (c == '\n')
			P(buf_puts(out, "\\n"));
		else if (c == '\t')
			P(buf_puts(out, "\\t"));
		else if (c < 0x20 || c == 0x7f)
			P(buf_printf(out, "\\x%02x", c));
		else
			P(buf_putc(out, (char)c));
	}
	P(buf_putc(out, '"'));
}

static void print_scalar(const struct conf_key *k, const void *f, struct buf *out)
{
	char tmp[64];

	switch (k->type) {
	case CONF_STRING:
		if (*(char *const *)f == NULL) {
			P(buf_puts(out, "null"));
		} else if (k->flags & CONF_URL) {
			char *shown = url_redact(*(char *const *)f, url_secret_params, NULL);

			conf_print_string(out, shown);
			free(shown);
		} else {
			conf_print_string(out, *(char *const *)f);
		}
		break;
	case CONF_SECRET:
		P(buf_puts(out, *(char *const *)f ? "\"" SECRET_MASK "\"" : "null"));
		break;
	case CONF_BOOL:
		P(buf_puts(out, *(const bool *)f ? "true" : "false"));
		break;
	case CONF_INT:
		P(buf_printf(out, "%lld", (long long)*(const int64_t *)f));
		break;
	case CONF_FLOAT:
		if (isnan(*(const double *)f))
			P(buf_puts(out, "null"));
		else
			P(buf_printf(out, "%g", *(const double *)f));
		break;
	case CONF_DURATION:
		conf_duration_format(*(const int64_t *)f, tmp, sizeof(tmp));
		P(buf_puts(out, tmp));
		break;
	case CONF_SIZE:
		conf_size_format(*(const int64_t *)f, tmp, sizeof(tmp));
		P(buf_puts(out, tmp));
		break;
	case CONF_ENUM: /* below 0: not set (any) */
		P(buf_puts(out, *(const int *)f >= 0 ? k->names[*(const int *)f] : "null"));
		break;
	case CONF_STRLIST: {
		const struct conf_strlist *l = f;
		size_t i;

		P(buf_putc(out, '['));
		for (i = 0; i < l->n; i++) {
			if (i)
				P(buf_puts(out, ", "));
			conf_print_string(out, l->v[i]);
		}
		P(buf_putc(out, ']'));
		break;
	}
	case CONF_STRMAP: {
		const struct conf_strmap *m = f;
		size_t i;

		P(buf_putc(out, '{'));
		for (i = 0; i < m->n; i++) {
			P(buf_puts(out, i ? ", " : ""));
			conf_print_string(out, m->keys[i]);
			P(buf_puts(out, ": "));
			conf_print_string(out, conf_sensitive_name(m->keys[i]) ? SECRET_MASK
			                                                       : m->values[i]);
		}
		P(buf_putc(out, '}'));
		break;
	}
	case CONF_CUSTOM:
		k->print(f, out);
		break;
	default:
		break;
	}
}

static void print_list(const struct conf_key *k, const struct conf_list *l, struct buf *out,
                       int indent)
{
	size_t i;

	if (l->n == 0) {
		P(buf_puts(out, " []\n"));
		return;
	}
	P(buf_putc(out, '\n'));
	for (i = 0; i < l->n; i++) {
		struct buf item;

		/* Print the element at indent + 2, then turn its first indent into "- ". */
		buf_init(&item, 0);
		conf_print(k->spec, (const char *)l->v + i * k->spec->size, &item, indent + 2);
		if (item.len >= (size_t)indent + 2) {
			item.data[indent] = '-';
		}
		P(buf_append(out, item.data ? item.data : "", item.len));
		buf_free(&item);
	}
}

void conf_print(const struct conf_spec *spec, const void *obj, struct buf *out, int indent)
{
	const struct conf_key *k;

	for (k = spec->keys; k->name != NULL; k++) {
		const void *f = FIELD(obj, k);

		P(buf_printf(out, "%*s%s:", indent, "", k->name));
		if (k->type == CONF_SECTION) {
			P(buf_putc(out, '\n'));
			conf_print(k->spec, f, out, indent + 2);
		} else if (k->type == CONF_LIST) {
			print_list(k, f, out, indent);
		} else {
			P(buf_putc(out, ' '));
			print_scalar(k, f, out);
			P(buf_putc(out, '\n'));
		}
	}
}

void conf_print_value(const struct conf_key *key, const void *field, struct buf *out)
{
	if (key->type == CONF_SECTION)
		conf_print(key->spec, field, out, 0);
	else if (key->type == CONF_LIST)
		print_list(key, field, out, 0);
	else
		print_scalar(key, field, out);
}
