/* The condition language: parsing "lhs op rhs" and evaluating it against a result. */
#include "probe/condition.h"

#include <ctype.h>
#include <fnmatch.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"
#include "conf/value.h"
#include "util/xmalloc.h"

#define COND_MAX_TEXT  1024
#define COND_MAX_STEPS 32
#define COND_MAX_ANY   32

enum operand_kind { OPD_LITERAL, OPD_PLACEHOLDER, OPD_LEN, OPD_HAS, OPD_PAT, OPD_ANY };
enum cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

struct path_step {
	bool is_index;
	size_t index;
	char *key;
};

struct operand {
	enum operand_kind kind;
	char *text; /* as written, for descriptions */
	char *name; /* placeholder name */
	char *key;  /* keyed placeholders: the key */
	struct path_step *steps;
	size_t nsteps;
	struct cond_value lit; /* literal value (strings point into lit_str) */
	char *lit_str;
	struct operand *items; /* any(): literals */
	size_t nitems;
};

struct condition {
	char *text;
	struct operand lhs, rhs;
	enum cmp op;
};

static const char *const op_names[] = { "==", "!=", "<", "<=", ">", ">=" };

struct parse {
	const char *text;
	const char *const *placeholders;
	char *err;
	size_t errlen;
	int *col;
};

static int fail(struct parse *p, const char *at, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(struct parse *p, const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	*p->col = (int)(at - p->text) + 1;
	return -1;
}

static void operand_free(struct operand *o)
{
	size_t i;

	free(o->text);
	free(o->name);
	free(o->key);
	for (i = 0; i < o->nsteps; i++)
		free(o->steps[i].key);
	free(o->steps);
	free(o->lit_str);
	for (i = 0; i < o->nitems; i++)
		operand_free(&o->items[i]);
	free(o->items);
	memset(o, 0, sizeof(*o));
}

void condition_free(struct condition *c)
{
	if (c == NULL)
		return;
	operand_free(&c->lhs);
	operand_free(&c->rhs);
	free(c->text);
	free(c);
}

const char *condition_text(const struct condition *c)
{
	return c->text;
}

/* Trims spaces around [*S, *E). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* Finds the comparison operator outside brackets, parentheses and quotes. */
static const char *find_operator(const char *s, enum cmp *op, size_t *oplen)
{
	int depth = 0;
	bool quoted = false;

	for (; *s; s++) {
		if (quoted) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quoted = false;
			continue;
		}
		if (*s == '"')
			quoted = true;
		else if (*s == '[' || *s == '(')
			depth++;
		else if ((*s == ']' || *s == ')') && depth > 0)
			depth--;
		else if (depth == 0 && (s[0] == '=' || s[0] == '!') && s[1] == '=') {
			*op = s[0] == '=' ? CMP_EQ : CMP_NE;
			*oplen = 2;
			return s;
		} else if (depth == 0 && (s[0] == '<' || s[0] == '>')) {
			bool eq = s[1] == '=';

			*op = s[0] == '<' ? (eq ? CMP_LE : CMP_LT) : (eq ? CMP_GE : CMP_GT);
			*oplen = eq ? 2 : 1;
			return s;
		}
	}
	return NULL;
}

static bool is_keyed(const char *name)
{
	return strcmp(name, "HEADER") == 0 || strcmp(name, "INFO") == 0 ||
	       strcmp(name, "PERFDATA") == 0;
}

/* Parses ".a.b[0].c" after [BODY]. */
static int parse_path(struct parse *p, struct operand *o, const char *s, const char *e)
{
	size_t cap = 0;

	while (s < e) {
		struct path_step step = { 0 };

		if (o->nsteps == COND_MAX_STEPS)
			return fail(p, s, "path too long (%d steps at most)", COND_MAX_STEPS);
		if (*s == '.') {
			const char *k = ++s;

			while (s < e && *s != '.' && *s != '[')
				s++;
			if (s == k)
				return fail(p, k, "empty key in path");
			step.key = xstrndup(k, (size_t)(s - k));
		} else if (*s == '[') {
			char *end;
			unsigned long long idx;

			if (!isdigit((unsigned char)s[1]))
				return fail(p, s + 1, "expected an array index");
			idx = strtoull(s + 1, &end, 10);
			if (end >= e || *end != ']')
				return fail(p, end, "expected \"]\"");
			step.is_index = true;
			step.index = (size_t)idx;
			s = end + 1;
		} else {
			return fail(p, s, "expected \".\" or \"[\" in the path");
		}
		o->steps = xgrow(o->steps, &cap, o->nsteps + 1, sizeof(*o->steps));
		o->steps[o->nsteps++] = step;
	}
	return 0;
}

static int parse_placeholder(struct parse *p, struct operand *o, const char *s, const char *e)
{
	const char *close = memchr(s, ']', (size_t)(e - s));
	const char *const *ph;
	char name[32];
	size_t len, n = 0;
	const char *hint;

	if (close == NULL)
		return fail(p, s, "unterminated placeholder (missing \"]\")");
	len = (size_t)(close - s - 1);
	if (len == 0 || len >= sizeof(name))
		return fail(p, s, "empty or overlong placeholder");
	memcpy(name, s + 1, len);
	name[len] = '\0';
	for (ph = p->placeholders; *ph != NULL; ph++, n++)
		if (strcmp(*ph, name) == 0)
			break;
	if (*ph == NULL) {
		hint = conf_suggest(name, p->placeholders, n);
		if (hint != NULL)
			return fail(p, s, "unknown placeholder [%s] (did you mean [%s]?)", name,
			            hint);
		return fail(p, s, "unknown placeholder [%s] for this monitor type", name);
	}
	o->kind = OPD_PLACEHOLDER;
	o->name = xstrdup(name);
	s = close + 1;
	if (is_keyed(name)) {
		if (s >= e && strcmp(name, "PERFDATA") == 0)
			return 0; /* [PERFDATA] alone: the whole text */
		if (s >= e || *s != '.' || s + 1 >= e)
			return fail(p, s, "[%s] needs a key, e.g. [%s].Content-Type", name, name);
		o->key = xstrndup(s + 1, (size_t)(e - s - 1));
		return 0;
	}
	if (s < e && strcmp(name, "BODY") != 0)
		return fail(p, s, "[%s] takes no path", name);
	return parse_path(p, o, s, e);
}

static void literal(struct operand *o, const char *s, size_t len)
{
	double d;
	int64_t ms;
	char *end;

	o->kind = OPD_LITERAL;
	o->lit_str = xstrndup(s, len);
	/* Every literal keeps its text: compared with a string, it is that text. */
	o->lit.type = COND_STRING;
	o->lit.str = o->lit_str;
	o->lit.len = len;
	if (strcmp(o->lit_str, "true") == 0 || strcmp(o->lit_str, "false") == 0) {
		o->lit.type = COND_BOOL;
		o->lit.num = o->lit_str[0] == 't';
		return;
	}
	if (len && (isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.')) {
		d = strtod(o->lit_str, &end);
		if (*end == '\0' && isfinite(d) && strpbrk(o->lit_str, "xXnN") == NULL) {
			o->lit.type = COND_NUMBER;
			o->lit.num = d;
			return;
		}
		if (conf_duration_parse(o->lit_str, &ms) == 0) {
			o->lit.type = COND_DURATION;
			o->lit.num = (double)ms;
		}
	}
}

/* Parses a double-quoted string with \" and \\ escapes spanning all of [S, E). */
static int quoted(struct parse *p, struct operand *o, const char *s, const char *e)
{
	char *buf = xmalloc((size_t)(e - s) + 1);
	size_t n = 0;
	const char *q;

	for (q = s + 1; q < e - 1; q++) {
		if (*q == '\\' && q + 1 < e - 1)
			q++;
		else if (*q == '"')
			break;
		buf[n++] = *q;
	}
	if (q != e - 1 || e - s < 2 || e[-1] != '"') {
		free(buf);
		return fail(p, s, "unterminated or malformed quoted string");
	}
	literal(o, buf, n);
	o->lit.type = COND_STRING; /* quoted: always a string */
	free(buf);
	return 0;
}

static int parse_operand(struct parse *p, struct operand *o, const char *s, const char *e,
                         bool rhs);

/* any(a, b, c): a list of literals. */
static int parse_any(struct parse *p, struct operand *o, const char *s, const char *e)
{
	size_t cap = 0;

	o->kind = OPD_ANY;
	while (s <= e) {
		const char *comma = s;
		bool q = false;

		while (comma < e && (q || *comma != ',')) {
			if (*comma == '"')
				q = !q;
			comma++;
		}
		if (o->nitems == COND_MAX_ANY)
			return fail(p, s, "any() takes %d values at most", COND_MAX_ANY);
		o->items = xgrow(o->items, &cap, o->nitems + 1, sizeof(*o->items));
		memset(&o->items[o->nitems], 0, sizeof(*o->items));
		if (parse_operand(p, &o->items[o->nitems++], s, comma, false) < 0)
			return -1;
		if (o->items[o->nitems - 1].kind != OPD_LITERAL)
			return fail(p, s, "any() takes literal values");
		s = comma + 1;
	}
	return 0;
}

/* Recognizes "name(" ... ")" spanning [S, E); returns the inside or NULL. */
static const char *function(const char *s, const char *e, const char *name, const char **inner_end)
{
	size_t len = strlen(name);

	if ((size_t)(e - s) < len + 2 || strncmp(s, name, len) != 0 || s[len] != '(' ||
	    e[-1] != ')')
		return NULL;
	*inner_end = e - 1;
	return s + len + 1;
}

static int parse_operand(struct parse *p, struct operand *o, const char *s, const char *e, bool rhs)
{
	const char *in, *in_end;

	trim(&s, &e);
	if (s == e)
		return fail(p, s, "missing value");
	o->text = xstrndup(s, (size_t)(e - s));
	if (*s == '[')
		return parse_placeholder(p, o, s, e);
	if ((in = function(s, e, "len", &in_end)) != NULL ||
	    (in = function(s, e, "has", &in_end)) != NULL) {
		enum operand_kind kind = s[0] == 'l' ? OPD_LEN : OPD_HAS;

		trim(&in, &in_end);
		if (in == in_end || *in != '[')
			return fail(p, in, "%.3s() takes a placeholder", s);
		if (parse_placeholder(p, o, in, in_end) < 0)
			return -1;
		o->kind = kind;
		return 0;
	}
	if ((in = function(s, e, "pat", &in_end)) != NULL) {
		if (!rhs)
			return fail(p, s, "pat() belongs on the right-hand side");
		trim(&in, &in_end);
		o->kind = OPD_PAT;
		o->lit_str = xstrndup(in, (size_t)(in_end - in));
		return 0;
	}
	if ((in = function(s, e, "any", &in_end)) != NULL) {
		if (!rhs)
			return fail(p, s, "any() belongs on the right-hand side");
		return parse_any(p, o, in, in_end);
	}
	if (*s == '"')
		return quoted(p, o, s, e);
	literal(o, s, (size_t)(e - s));
	return 0;
}

int condition_parse(const char *text, const char *const *placeholders, struct condition **out,
                    char *err, size_t errlen, int *col)
{
	struct parse p = { text, placeholders, err, errlen, col };
	struct condition *c;
	const char *op;
	size_t oplen = 0;
	enum cmp cmp;

	*col = 1;
	if (strlen(text) > COND_MAX_TEXT)
		return fail(&p, text, "longer than %d characters", COND_MAX_TEXT);
	op = find_operator(text, &cmp, &oplen);
	if (op == NULL && strchr(text, '[') != NULL && strchr(strchr(text, '['), ']') == NULL)
		return fail(&p, strchr(text, '['), "unterminated placeholder (missing \"]\")");
	if (op == NULL)
		return fail(
		        &p, text + strlen(text),
		        "expected a comparison: ==, !=, <, <=, > or >= (e.g. \"[STATUS] == 200\")");
	c = xcalloc(1, sizeof(*c));
	c->text = xstrdup(text);
	c->op = cmp;
	if (parse_operand(&p, &c->lhs, text, op, false) < 0 ||
	    parse_operand(&p, &c->rhs, op + oplen, text + strlen(text), true) < 0) {
		condition_free(c);
		return -1;
	}
	if ((c->rhs.kind == OPD_PAT || c->rhs.kind == OPD_ANY) && cmp != CMP_EQ && cmp != CMP_NE) {
		condition_free(c);
		return fail(&p, op, "pat() and any() compare with == or != only");
	}
	*out = c;
	return 0;
}

/* ---- evaluation ---- */

void cond_eval_done(struct cond_eval *ev)
{
	json_decref(ev->json);
	ev->json = NULL;
	ev->json_tried = false;
}

static json_t *body_json(struct cond_eval *ev)
{
	struct cond_value body;

	if (!ev->json_tried) {
		ev->json_tried = true;
		if (ev->src->get(ev->src->ctx, "BODY", NULL, &body) == 0 &&
		    body.type == COND_STRING)
			ev->json = json_loadb(body.str, body.len, JSON_DECODE_ANY, NULL);
	}
	return ev->json;
}

/* A resolved value, possibly holding memory. */
struct resolved {
	struct cond_value v;
	bool missing;
	char *owned;
	json_t *node; /* for len() of JSON arrays and objects */
};

static void from_json(json_t *j, struct resolved *r)
{
	r->node = j;
	switch (json_typeof(j)) {
	case JSON_STRING:
		r->v = (struct cond_value){ COND_STRING, 0, json_string_value(j),
			                    json_string_length(j) };
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		r->v = (struct cond_value){ COND_NUMBER, json_number_value(j), NULL, 0 };
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		r->v = (struct cond_value){ COND_BOOL, json_is_true(j), NULL, 0 };
		break;
	case JSON_NULL:
		r->v.type = COND_NULL;
		break;
	default:
		r->owned = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		r->v = (struct cond_value){ COND_STRING, 0, r->owned,
			                    r->owned ? strlen(r->owned) : 0 };
		break;
	}
}

static void resolve_placeholder(const struct operand *o, struct cond_eval *ev, struct resolved *r)
{
	json_t *j;
	size_t i;

	if (o->nsteps == 0) {
		r->missing = ev->src->get(ev->src->ctx, o->name, o->key, &r->v) < 0;
		return;
	}
	j = body_json(ev);
	for (i = 0; j != NULL && i < o->nsteps; i++)
		j = o->steps[i].is_index ? json_array_get(j, o->steps[i].index)
		                         : json_object_get(j, o->steps[i].key);
	if (j == NULL) {
		r->missing = true;
		return;
	}
	from_json(j, r);
}

static void resolve(const struct operand *o, struct cond_eval *ev, struct resolved *r)
{
	memset(r, 0, sizeof(*r));
	switch (o->kind) {
	case OPD_LITERAL:
		r->v = o->lit;
		return;
	case OPD_PLACEHOLDER:
		resolve_placeholder(o, ev, r);
		return;
	case OPD_HAS:
		resolve_placeholder(o, ev, r);
		r->v = (struct cond_value){ COND_BOOL, !r->missing && r->v.type != COND_NULL, NULL,
			                    0 };
		r->missing = false;
		return;
	case OPD_LEN:
		resolve_placeholder(o, ev, r);
		if (r->node != NULL && (json_is_array(r->node) || json_is_object(r->node)))
			r->v.num = (double)(json_is_array(r->node) ? json_array_size(r->node)
			                                           : json_object_size(r->node));
		else
			r->v.num = r->missing || r->v.type != COND_STRING ? 0 : (double)r->v.len;
		r->v.type = COND_NUMBER;
		r->v.str = NULL;
		r->v.len = 0;
		r->missing = false;
		return;
	default:
		return; /* pat and any are handled by the comparison */
	}
}

static bool to_number(const struct cond_value *v, double *out)
{
	char buf[64], *end;

	if (v->type == COND_NUMBER || v->type == COND_DURATION || v->type == COND_BOOL) {
		*out = v->num;
		return true;
	}
	if (v->type != COND_STRING || v->len == 0 || v->len >= sizeof(buf))
		return false;
	memcpy(buf, v->str, v->len);
	buf[v->len] = '\0';
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}

/* Writes V as text (numbers exactly, durations with units; literals as written). */
static void to_text(const struct cond_value *v, char *out, size_t size)
{
	if (v->str != NULL && v->type != COND_STRING) {
		snprintf(out, size, "%.*s", (int)(v->len < size ? v->len : size - 1), v->str);
		return;
	}
	switch (v->type) {
	case COND_NULL:
		snprintf(out, size, "null");
		break;
	case COND_BOOL:
		snprintf(out, size, "%s", v->num ? "true" : "false");
		break;
	case COND_NUMBER:
		snprintf(out, size, "%.15g", v->num);
		break;
	case COND_DURATION:
		if (v->num == floor(v->num) && fabs(v->num) < 9e15)
			conf_duration_format((int64_t)v->num, out, size);
		else
			snprintf(out, size, "%.1fms", v->num);
		if (v->num < 0)
			snprintf(out, size, "-%.0fms", -v->num);
		break;
	case COND_STRING:
		snprintf(out, size, "%.*s", (int)(v->len < size ? v->len : size - 1), v->str);
		break;
	}
}

static bool values_equal(const struct cond_value *a, const struct cond_value *b)
{
	double x, y;
	char ta[256], tb[256];

	if (a->type != COND_STRING && b->type != COND_STRING && a->type != COND_NULL &&
	    b->type != COND_NULL && to_number(a, &x) && to_number(b, &y))
		return x == y;
	if (a->type == COND_STRING && b->type == COND_STRING)
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	to_text(a, ta, sizeof(ta));
	to_text(b, tb, sizeof(tb));
	return strcmp(ta, tb) == 0;
}

static bool compare(const struct condition *c, const struct resolved *l, const struct resolved *r)
{
	double x, y;
	size_t i;

	if (c->rhs.kind == OPD_PAT) {
		char text[4096];
		bool m;

		if (l->missing)
			return c->op == CMP_NE;
		to_text(&l->v, text, sizeof(text));
		m = fnmatch(c->rhs.lit_str, text, 0) == 0;
		return c->op == CMP_EQ ? m : !m;
	}
	if (c->rhs.kind == OPD_ANY) {
		bool m = false;

		for (i = 0; !l->missing && i < c->rhs.nitems && !m; i++)
			m = values_equal(&l->v, &c->rhs.items[i].lit);
		return c->op == CMP_EQ ? m : !m;
	}
	if (l->missing || r->missing)
		return c->op == CMP_NE && l->missing != r->missing;
	switch (c->op) {
	case CMP_EQ:
		return values_equal(&l->v, &r->v);
	case CMP_NE:
		return !values_equal(&l->v, &r->v);
	default:
		if (!to_number(&l->v, &x) || !to_number(&r->v, &y))
			return false;
		return c->op == CMP_LT   ? x < y
		       : c->op == CMP_LE ? x <= y
		       : c->op == CMP_GT ? x > y
		                         : x >= y;
	}
}

/* Appends "text" or "text (value)" for one side, control characters as '?'. */
static size_t describe_side(const struct operand *o, const struct resolved *r, char *out,
                            size_t size)
{
	char val[80];
	size_t n, i;

	if (o->kind == OPD_LITERAL || o->kind == OPD_PAT || o->kind == OPD_ANY)
		return (size_t)snprintf(out, size, "%s", o->text);
	if (r->missing)
		snprintf(val, sizeof(val), "missing");
	else
		to_text(&r->v, val, sizeof(val));
	for (i = 0; val[i]; i++)
		if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
			val[i] = '?';
	n = strlen(val);
	if (n == sizeof(val) - 1)
		memcpy(val + n - 3, "...", 3);
	return (size_t)snprintf(out, size, "%s (%s)", o->text, val);
}

bool condition_eval(const struct condition *c, struct cond_eval *ev, char *desc, size_t desclen)
{
	struct resolved l, r;
	bool ok;
	size_t n;

	resolve(&c->lhs, ev, &l);
	resolve(&c->rhs, ev, &r);
	ok = compare(c, &l, &r);
	if (desclen > 0) {
		n = describe_side(&c->lhs, &l, desc, desclen);
		if (n < desclen)
			n += (size_t)snprintf(desc + n, desclen - n, " %s ", op_names[c->op]);
		if (n < desclen)
			describe_side(&c->rhs, &r, desc + n, desclen - n);
	}
	free(l.owned);
	free(r.owned);
	return ok;
}
