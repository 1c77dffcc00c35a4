/* The command-table walker: YAML nodes into config structs, every error kept. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/expand.h"
#include "conf/schema.h"
#include "conf/value.h"
#include "util/secret.h"
#include "util/xmalloc.h"

#define SECRET_FILE_MAX (64 * 1024)
#define FIELD(obj, key) ((char *)(obj) + (key)->offset)

bool conf_sensitive_name(const char *name)
{
	static const char *const words[] = { "authorization", "cookie",    "token",
		                             "secret",        "password",  "passwd",
		                             "key",           "signature", NULL };
	char lower[128];
	size_t i;

	for (i = 0; name[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	for (i = 0; words[i] != NULL; i++)
		if (strstr(lower, words[i]) != NULL)
			return true;
	return false;
}

bool conf_node_is_null(const yaml_node_t *n)
{
	const char *s;

	if (n == NULL)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)n->data.scalar.value;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *conf_node_kind(const yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	return "a scalar";
}

char *conf_scalar(struct conf_ctx *ctx, yaml_node_t *node, const char *what)
{
	char err[256];
	char *out;

	if (node->type != YAML_SCALAR_NODE) {
		conf_error(ctx, node, "expected %s, got %s", what, conf_node_kind(node));
		return NULL;
	}
	ctx->raw = (const char *)node->data.scalar.value;
	if (strlen(ctx->raw) != node->data.scalar.length) {
		conf_error(ctx, node, "NUL byte in value");
		return NULL;
	}
	if (ctx->untrusted && strstr(ctx->raw, "${") != NULL) {
		conf_error(ctx, node,
		           "environment references (${...}) are only expanded in the "
		           "configuration file, not in monitors made through the API");
		return NULL;
	}
	out = conf_expand(ctx->raw, NULL, err, sizeof(err));
	if (out == NULL)
		conf_error(ctx, node, "\"%s\": %s", ctx->raw, err);
	return out;
}

yaml_node_t *conf_map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no",
		                                                                  "off" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static void format_bound(const struct conf_key *key, int64_t v, char *out, size_t size)
{
	if (key->type == CONF_DURATION)
		conf_duration_format(v, out, size);
	else if (key->type == CONF_SIZE)
		conf_size_format(v, out, size);
	else
		snprintf(out, size, "%lld", (long long)v);
}

static int check_bounds(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_key *key,
                        int64_t v)
{
	char lo[32], hi[32];

	if ((key->min == 0 && key->max == 0) || (v >= key->min && v <= key->max))
		return 0;
	format_bound(key, key->min, lo, sizeof(lo));
	format_bound(key, key->max, hi, sizeof(hi));
	conf_error(ctx, node, "%s is out of range (%s..%s)", ctx->raw, lo, hi);
	return -1;
}

static int decode_number(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_key *key,
                         const char *s, int64_t *out)
{
	int r;

	if (key->type == CONF_DURATION) {
		r = conf_duration_parse(s, out);
		if (r < 0)
			conf_error(ctx, node,
			           "\"%s\" is not a duration (examples: 500ms, 10s, 5m, 1h30m, 7d)",
			           ctx->raw);
	} else if (key->type == CONF_SIZE) {
		r = conf_size_parse(s, out);
		if (r < 0)
			conf_error(ctx, node,
			           "\"%s\" is not a size (examples: 512, 64KiB, 10MB, 1GiB)",
			           ctx->raw);
	} else {
		r = conf_int_parse(s, out);
		if (r < 0)
			conf_error(ctx, node, "\"%s\" is not an integer", ctx->raw);
	}
	return r < 0 ? -1 : check_bounds(ctx, node, key, *out);
}

static int decode_float(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_key *key,
                        const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !isfinite(v)) {
		conf_error(ctx, node, "\"%s\" is not a number", ctx->raw);
		return -1;
	}
	if ((key->fmin != 0 || key->fmax != 0) && (v < key->fmin || v > key->fmax)) {
		conf_error(ctx, node, "%s is out of range (%g..%g)", ctx->raw, key->fmin,
		           key->fmax);
		return -1;
	}
	*out = v;
	return 0;
}

static int decode_enum(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_key *key,
                       const char *s, int *out)
{
	char list[256] = "";
	size_t n = 0, used = 0;
	const char *hint;

	for (n = 0; key->names[n] != NULL; n++) {
		if (strcmp(s, key->names[n]) == 0) {
			*out = (int)n;
			return 0;
		}
		used += (size_t)snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0,
		                         "%s%s", n ? ", " : "", key->names[n]);
		if (used >= sizeof(list))
			used = sizeof(list) - 1;
	}
	hint = conf_suggest(s, key->names, n);
	if (hint != NULL)
		conf_error(ctx, node, "\"%s\" is not one of %s; did you mean \"%s\"?", ctx->raw,
		           list, hint);
	else
		conf_error(ctx, node, "\"%s\" is not one of %s", ctx->raw, list);
	return -1;
}

static int decode_strlist(struct conf_ctx *ctx, yaml_node_t *node, struct conf_strlist *list)
{
	yaml_node_item_t *it;
	size_t cap = 0, i = 0;
	int r = 0;

	if (node->type == YAML_MAPPING_NODE) {
		conf_error(ctx, node, "expected a list of strings, got a mapping");
		return -1;
	}
	if (node->type == YAML_SCALAR_NODE) {
		char *s = conf_scalar(ctx, node, "a string");

		if (s == NULL)
			return -1;
		list->v = xgrow(list->v, &cap, 1, sizeof(char *));
		list->v[list->n++] = s;
		return 0;
	}
	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = yaml_document_get_node(ctx->doc, *it);
		size_t saved = conf_path_push_index(ctx, i);
		char *s = conf_scalar(ctx, item, "a string");

		if (s != NULL) {
			list->v = xgrow(list->v, &cap, list->n + 1, sizeof(char *));
			list->v[list->n++] = s;
		} else {
			r = -1;
		}
		conf_path_pop(ctx, saved);
	}
	return r;
}

static int decode_strmap(struct conf_ctx *ctx, yaml_node_t *node, struct conf_strmap *m)
{
	yaml_node_pair_t *pair;
	size_t cap = 0, i;
	int r = 0;

	if (node->type != YAML_MAPPING_NODE) {
		conf_error(ctx, node, "expected a mapping of names to values, got %s",
		           conf_node_kind(node));
		return -1;
	}
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(ctx->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(ctx->doc, pair->value);
		const char *name =
		        k && k->type == YAML_SCALAR_NODE ? (char *)k->data.scalar.value : "";
		size_t saved = conf_path_push(ctx, name);
		char *value;

		for (i = 0; i < m->n && strcasecmp(m->keys[i], name) != 0; i++)
			;
		if (k == NULL || k->type != YAML_SCALAR_NODE || *name == '\0') {
			conf_error(ctx, k ? k : node, "names must be non-empty strings");
			r = -1;
		} else if (i < m->n) {
			conf_error(ctx, k, "given twice");
			r = -1;
		} else if ((value = conf_scalar(ctx, v, "a string")) != NULL) {
			m->keys = xgrow(m->keys, &cap, m->n + 1, sizeof(char *));
			m->values = xrealloc(m->values, cap * sizeof(char *));
			m->keys[m->n] = xstrdup(name);
			m->values[m->n++] = value;
			if (conf_sensitive_name(name) && ctx->secrets)
				secret_set_add(ctx->secrets, value);
		} else {
			r = -1;
		}
		conf_path_pop(ctx, saved);
	}
	return r;
}

static int decode_list(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_spec *spec,
                       struct conf_list *list)
{
	size_t n, i;

	if (node->type != YAML_SEQUENCE_NODE) {
		conf_error(ctx, node, "expected a list, got %s", conf_node_kind(node));
		return -1;
	}
	n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	list->v = xcalloc(n ? n : 1, spec->size);
	for (i = 0; i < n; i++) {
		yaml_node_t *item =
		        yaml_document_get_node(ctx->doc, node->data.sequence.items.start[i]);
		size_t saved = conf_path_push_index(ctx, i);

		conf_init(spec, (char *)list->v + i * spec->size);
		conf_decode(ctx, item, spec, (char *)list->v + i * spec->size);
		list->n = i + 1;
		conf_path_pop(ctx, saved);
	}
	return 0;
}

/* Decodes a scalar-typed key. */
static int decode_scalar(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_key *key,
                         void *field)
{
	const char *what = key->type == CONF_BOOL       ? "true or false"
	                   : key->type == CONF_FLOAT    ? "a number"
	                   : key->type == CONF_INT      ? "an integer"
	                   : key->type == CONF_DURATION ? "a duration"
	                   : key->type == CONF_SIZE     ? "a size"
	                                                : "a string";
	char *s = conf_scalar(ctx, node, what);
	int r = 0;

	if (s == NULL)
		return -1;
	switch (key->type) {
	case CONF_STRING:
	case CONF_SECRET:
		free(*(char **)field);
		*(char **)field = s;
		if (key->type == CONF_SECRET && ctx->secrets)
			secret_set_add(ctx->secrets, s);
		return 0;
	case CONF_BOOL:
		r = parse_bool(s, field);
		if (r < 0)
			conf_error(ctx, node, "\"%s\" is not true or false", ctx->raw);
		break;
	case CONF_ENUM:
		r = decode_enum(ctx, node, key, s, field);
		break;
	case CONF_FLOAT:
		r = decode_float(ctx, node, key, s, field);
		break;
	default:
		r = decode_number(ctx, node, key, s, field);
		break;
	}
	free(s);
	return r;
}

static int decode_value(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_key *key,
                        void *field)
{
	int r;

	switch (key->type) {
	case CONF_STRLIST: {
		struct conf_strlist *l = field;
		size_t i;

		for (i = 0; i < l->n; i++) /* an explicit list replaces the default */
			free(l->v[i]);
		free(l->v);
		l->v = NULL;
		l->n = 0;
		r = decode_strlist(ctx, node, field);
		break;
	}
	case CONF_STRMAP:
		r = decode_strmap(ctx, node, field);
		break;
	case CONF_SECTION:
		conf_decode(ctx, node, key->spec, field);
		return 0;
	case CONF_LIST:
		r = decode_list(ctx, node, key->spec, field);
		break;
	case CONF_CUSTOM:
		return key->parse(ctx, node, field);
	default:
		r = decode_scalar(ctx, node, key, field);
		break;
	}
	if (r == 0 && key->parse != NULL)
		r = key->parse(ctx, node, field);
	return r;
}

/* Reads a secret from PATH (KEY_file), without its trailing newlines. */
static int decode_secret_file(struct conf_ctx *ctx, yaml_node_t *node, void *field)
{
	char *path, *data = NULL;
	ssize_t n;
	int fd;

	if (ctx->untrusted) {
		conf_error(ctx, node,
		           "secrets are only read from files in the configuration file, not "
		           "in monitors made through the API: give the value itself");
		return -1;
	}
	if ((path = conf_scalar(ctx, node, "a file path")) == NULL)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		conf_error(ctx, node, "cannot read \"%s\": %s", path, strerror(errno));
		free(path);
		return -1;
	}
	data = xmalloc(SECRET_FILE_MAX + 1);
	n = read(fd, data, SECRET_FILE_MAX + 1);
	close(fd);
	if (n < 0 || n > SECRET_FILE_MAX) {
		conf_error(ctx, node, "cannot read \"%s\": %s", path,
		           n < 0 ? strerror(errno) : "larger than 64 KiB");
		free(path);
		free(data);
		return -1;
	}
	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	data[n] = '\0';
	free(path);
	free(*(char **)field);
	*(char **)field = data;
	if (ctx->secrets)
		secret_set_add(ctx->secrets, data);
	return 0;
}

struct key_ref {
	const struct conf_key *key;
	size_t spec;    /* index into specs */
	bool file_form; /* KEY_file of a secret */
};

/* Finds NAME among the keys of every spec. */
static int find_key(const struct conf_spec *const *specs, size_t n, const char *name,
                    struct key_ref *out)
{
	size_t i, len = strlen(name);
	const struct conf_key *k;

	for (i = 0; i < n; i++) {
		for (k = specs[i]->keys; k->name != NULL; k++) {
			size_t kl = strlen(k->name);

			if (strcmp(k->name, name) == 0) {
				*out = (struct key_ref){ k, i, false };
				return 0;
			}
			if (k->type == CONF_SECRET && len == kl + 5 &&
			    strncmp(name, k->name, kl) == 0 && strcmp(name + kl, "_file") == 0) {
				*out = (struct key_ref){ k, i, true };
				return 0;
			}
		}
	}
	return -1;
}

static void report_unknown(struct conf_ctx *ctx, yaml_node_t *knode,
                           const struct conf_spec *const *specs, size_t n, const char *name)
{
	const char *cands[256];
	size_t nc = 0, i;
	const struct conf_key *k;
	const char *hint;

	for (i = 0; i < n; i++)
		for (k = specs[i]->keys; k->name != NULL && nc < 256; k++)
			cands[nc++] = k->name;
	hint = conf_suggest(name, cands, nc);
	if (hint != NULL)
		conf_error(ctx, knode, "unknown key, did you mean \"%s\"?", hint);
	else
		conf_error(ctx, knode, "unknown key");
}

/* Reports a key that appears twice in one mapping; returns true if PAIR repeats. */
static bool is_duplicate(struct conf_ctx *ctx, yaml_node_t *map, yaml_node_pair_t *pair,
                         const char *name)
{
	yaml_node_pair_t *p;

	for (p = map->data.mapping.pairs.start; p < pair; p++) {
		yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, name) == 0) {
			yaml_node_t *here = yaml_document_get_node(ctx->doc, pair->key);

			conf_error(ctx, here, "duplicate key (first defined at line %zu)",
			           k->start_mark.line + 1);
			return true;
		}
	}
	return false;
}

/* Key seen-flags per spec, to check required keys and KEY vs KEY_file. */
struct seen {
	const struct conf_key *key;
	size_t spec;
	yaml_node_t *node;
};

static void decode_pair(struct conf_ctx *ctx, yaml_node_t *map, yaml_node_pair_t *pair,
                        const struct conf_spec *const *specs, void *const *objs, size_t n,
                        struct seen *seen, size_t *nseen)
{
	yaml_node_t *knode = yaml_document_get_node(ctx->doc, pair->key);
	yaml_node_t *vnode = yaml_document_get_node(ctx->doc, pair->value);
	const char *name;
	struct key_ref ref;
	size_t saved, i;

	if (knode == NULL || vnode == NULL || knode->type != YAML_SCALAR_NODE) {
		conf_error(ctx, knode ? knode : map, "keys must be strings");
		return;
	}
	name = (const char *)knode->data.scalar.value;
	saved = conf_path_push(ctx, name);
	if (is_duplicate(ctx, map, pair, name))
		goto out;
	if (find_key(specs, n, name, &ref) < 0) {
		report_unknown(ctx, knode, specs, n, name);
		goto out;
	}
	for (i = 0; i < *nseen; i++)
		if (seen[i].key == ref.key)
			break;
	if (i < *nseen) {
		conf_error(ctx, knode, "give either %s or %s_file, not both", ref.key->name,
		           ref.key->name);
		goto out;
	}
	if (conf_node_is_null(vnode))
		goto out; /* null keeps the default */
	seen[(*nseen)++] = (struct seen){ ref.key, ref.spec, vnode };
	if (ref.file_form)
		decode_secret_file(ctx, vnode, FIELD(objs[ref.spec], ref.key));
	else
		decode_value(ctx, vnode, ref.key, FIELD(objs[ref.spec], ref.key));
out:
	conf_path_pop(ctx, saved);
}

static void check_required(struct conf_ctx *ctx, yaml_node_t *node,
                           const struct conf_spec *const *specs, size_t n, const struct seen *seen,
                           size_t nseen)
{
	const struct conf_key *k;
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (k = specs[i]->keys; k->name != NULL; k++) {
			if (!(k->flags & CONF_REQUIRED))
				continue;
			for (j = 0; j < nseen && seen[j].key != k; j++)
				;
			if (j == nseen)
				conf_error(ctx, node, "missing required key \"%s\"", k->name);
		}
	}
}

/*
 * Sections absent from the file keep their defaults, but what their finish
 * derives from those defaults (parsed addresses...) must still be derived.
 */
static void finish_absent(struct conf_ctx *ctx, const struct conf_spec *const *specs,
                          void *const *objs, size_t n, const struct seen *seen, size_t nseen)
{
	const struct conf_key *k;
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (k = specs[i]->keys; k->name != NULL; k++) {
			const struct conf_spec *sub[1] = { k->spec };
			void *subobj[1];
			size_t saved;

			if (k->type != CONF_SECTION || k->spec == NULL)
				continue;
			for (j = 0; j < nseen && seen[j].key != k; j++)
				;
			if (j < nseen)
				continue;
			subobj[0] = FIELD(objs[i], k);
			saved = conf_path_push(ctx, k->name);
			finish_absent(ctx, sub, subobj, 1, NULL, 0);
			if (k->spec->finish)
				k->spec->finish(ctx, NULL, subobj[0]);
			conf_path_pop(ctx, saved);
		}
	}
}

void conf_decode_multi(struct conf_ctx *ctx, yaml_node_t *node,
                       const struct conf_spec *const *specs, void *const *objs, size_t n)
{
	yaml_node_pair_t *pair;
	struct seen *seen = NULL;
	size_t nseen = 0, npairs, i;

	if (node != NULL && !conf_node_is_null(node) && node->type != YAML_MAPPING_NODE) {
		conf_error(ctx, node, "expected a mapping, got %s", conf_node_kind(node));
		return;
	}
	if (node != NULL && node->type == YAML_MAPPING_NODE) {
		npairs = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
		seen = xcalloc(npairs ? npairs : 1, sizeof(*seen));
		for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top;
		     pair++)
			decode_pair(ctx, node, pair, specs, objs, n, seen, &nseen);
	}
	check_required(ctx, node, specs, n, seen, nseen);
	finish_absent(ctx, specs, objs, n, seen, nseen);
	free(seen);
	for (i = 0; i < n; i++)
		if (specs[i]->finish)
			specs[i]->finish(ctx, node, objs[i]);
}

void conf_init(const struct conf_spec *spec, void *obj)
{
	const struct conf_key *k;

	if (spec->init)
		spec->init(obj);
	for (k = spec->keys; k->name != NULL; k++)
		if (k->type == CONF_SECTION)
			conf_init(k->spec, FIELD(obj, k));
}

void conf_decode(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_spec *spec, void *obj)
{
	void *objs[1] = { obj };

	conf_decode_multi(ctx, node, &spec, objs, 1);
}

void conf_free(const struct conf_spec *spec, void *obj)
{
	const struct conf_key *k;
	size_t i;

	if (obj == NULL)
		return;
	if (spec->cleanup)
		spec->cleanup(obj);
	for (k = spec->keys; k->name != NULL; k++) {
		void *f = FIELD(obj, k);

		switch (k->type) {
		case CONF_STRING:
		case CONF_SECRET:
			free(*(char **)f);
			*(char **)f = NULL;
			break;
		case CONF_STRLIST: {
			struct conf_strlist *l = f;

			for (i = 0; i < l->n; i++)
				free(l->v[i]);
			free(l->v);
			l->v = NULL;
			l->n = 0;
			break;
		}
		case CONF_STRMAP: {
			struct conf_strmap *m = f;

			for (i = 0; i < m->n; i++) {
				free(m->keys[i]);
				free(m->values[i]);
			}
			free(m->keys);
			free(m->values);
			memset(m, 0, sizeof(*m));
			break;
		}
		case CONF_SECTION:
			conf_free(k->spec, f);
			break;
		case CONF_LIST: {
			struct conf_list *l = f;

			for (i = 0; i < l->n; i++)
				conf_free(k->spec, (char *)l->v + i * k->spec->size);
			free(l->v);
			l->v = NULL;
			l->n = 0;
			break;
		}
		case CONF_CUSTOM:
			if (k->free)
				k->free(f);
			break;
		default:
			break;
		}
	}
}
