/*
 * The config command table (h2o's configurator shape): each section is a
 * table of keys {name, type, where the value goes, checks}, and one decoder
 * walks YAML with it, collecting every error with file:line:col and the key
 * path. Later sections (monitors, host, alerting) plug their tables in here.
 */
#ifndef VIGIL_CONF_SCHEMA_H
#define VIGIL_CONF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

struct buf;
struct secret_set;

enum conf_type {
	CONF_STRING,   /* char * (NULL when absent) */
	CONF_SECRET,   /* char *, registered as a secret; KEY_file: PATH is accepted too */
	CONF_BOOL,     /* bool */
	CONF_INT,      /* int64_t within [min, max] */
	CONF_FLOAT,    /* double within [fmin, fmax] */
	CONF_DURATION, /* int64_t milliseconds within [min, max] */
	CONF_SIZE,     /* int64_t bytes within [min, max] */
	CONF_ENUM,     /* int: index into names */
	CONF_STRLIST,  /* struct conf_strlist; a single scalar counts as a list of one */
	CONF_STRMAP, /* struct conf_strmap: a mapping of strings; sensitive names' values are secrets */
	CONF_SECTION, /* the struct at offset, decoded with spec */
	CONF_LIST,    /* struct conf_list of spec->size elements */
	CONF_CUSTOM,  /* decoded by parse, printed by print, freed by free */
};

#define CONF_REQUIRED 0x1u /* absent or null is an error */
#define CONF_RESTART  0x2u /* a change needs a restart; reload keeps the old value */
#define CONF_URL      0x4u /* a URL: shown with its credentials as <secret> */

struct conf_ctx;

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset; /* of the field in the section's struct */
	unsigned flags;
	const struct conf_spec *spec; /* CONF_SECTION, CONF_LIST */
	int64_t min, max;             /* numeric bounds; both 0 means no bounds */
	double fmin, fmax;            /* CONF_FLOAT bounds; both 0 means no bounds */
	const char *const *names;     /* CONF_ENUM: NULL-terminated */
	/*
	 * CONF_CUSTOM: decodes NODE into FIELD. Other types: an extra check run
	 * after the value decoded. Returns 0, or -1 after reporting an error.
	 */
	int (*parse)(struct conf_ctx *ctx, yaml_node_t *node, void *field);
	void (*print)(const void *field, struct buf *out); /* CONF_CUSTOM */
	void (*free)(void *field);                         /* CONF_CUSTOM */
	const char *help; /* one line: meaning and example, for vigil.yaml(5) */
};

struct conf_spec {
	const char *name;
	size_t size;                 /* sizeof the struct it fills */
	const struct conf_key *keys; /* ends with a key whose name is NULL */
	void (*init)(void *obj);     /* writes defaults */
	/* Cross-key checks and derived fields once every key is decoded. */
	void (*finish)(struct conf_ctx *ctx, yaml_node_t *node, void *obj);
	void (*cleanup)(void *obj); /* frees what finish derived */
};

struct conf_strlist {
	char **v;
	size_t n;
};

struct conf_strmap {
	char **keys;
	char **values;
	size_t n;
};

struct conf_list {
	void *v; /* n elements of the spec's size */
	size_t n;
};

/* Every error of one load, in order. */
struct conf_diag {
	char **msgs; /* "file:line:col: path: message" */
	size_t n, cap;
	/* the same errors split: key path ("" when none) and bare message */
	char **paths, **texts;
};

struct conf_ctx {
	const char *file; /* name shown in messages */
	yaml_document_t *doc;
	struct conf_diag *diag;
	struct secret_set *secrets; /* secret values found, for the registry */
	char path[512];             /* key path of the node being decoded */
	size_t pathlen;
	const char *raw; /* unexpanded text of the current scalar, for messages */
	/* text from the API: no ${ENV} references, no KEY_file reads */
	bool untrusted;
};

/* Records an error located at NODE ("file:line:col: path: message"). */
void conf_error(struct conf_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/*
 * Records an error about key KEY of mapping MAP: located at the key's value
 * (or at MAP when absent), with KEY appended to the path.
 */
void conf_error_key(struct conf_ctx *ctx, yaml_node_t *map, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Records an error with no location ("file: message"). */
void conf_diag_add(struct conf_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void conf_diag_free(struct conf_diag *d);

/* Path bookkeeping: push returns the length to restore with conf_path_pop. */
size_t conf_path_push(struct conf_ctx *ctx, const char *key);
size_t conf_path_push_index(struct conf_ctx *ctx, size_t i);
void conf_path_pop(struct conf_ctx *ctx, size_t saved);

/* True for a null scalar (empty plain, ~, null). */
bool conf_node_is_null(const yaml_node_t *n);
/* Name of a node's kind for messages: "a string", "a list", "a mapping". */
const char *conf_node_kind(const yaml_node_t *n);
/*
 * Returns the ${VAR}-expanded text of a scalar NODE (caller frees), setting
 * ctx->raw to the unexpanded text; or NULL after reporting an error (not a
 * scalar, or a bad expansion). WHAT names the expected type ("a string").
 */
char *conf_scalar(struct conf_ctx *ctx, yaml_node_t *node, const char *what);
/* Looks up KEY in a mapping node; NULL when absent. */
yaml_node_t *conf_map_get(yaml_document_t *doc, yaml_node_t *map, const char *key);

/* Writes the defaults of SPEC and of every nested section into OBJ. */
void conf_init(const struct conf_spec *spec, void *obj);
/* Decodes mapping NODE (may be NULL) into OBJ, which conf_init prepared. */
void conf_decode(struct conf_ctx *ctx, yaml_node_t *node, const struct conf_spec *spec, void *obj);
/*
 * Decodes one mapping into several objects at once: each key goes to the
 * first spec that has it (monitors: common keys + the type's keys). Unknown
 * keys are reported with suggestions drawn from every spec. The objects must
 * have been through conf_init; the finishes run last, in order.
 */
void conf_decode_multi(struct conf_ctx *ctx, yaml_node_t *node,
                       const struct conf_spec *const *specs, void *const *objs, size_t n);
/* Frees every field OBJ owns according to SPEC (not OBJ itself). */
void conf_free(const struct conf_spec *spec, void *obj);
/* Appends OBJ as YAML at INDENT spaces, secrets as "<secret>". */
void conf_print(const struct conf_spec *spec, const void *obj, struct buf *out, int indent);

/* Appends the value of one key (FIELD points into its struct) as YAML text. */
void conf_print_value(const struct conf_key *key, const void *field, struct buf *out);
/*
 * True for names whose values are credentials (Authorization, Cookie,
 * X-API-Key, anything with token, secret, password or key in it): their
 * values are registered as secrets and printed masked.
 */
bool conf_sensitive_name(const char *name);
/* Suggests the candidate closest to WORD, or NULL when none is close enough. */
const char *conf_suggest(const char *word, const char *const *candidates, size_t n);
/* Appends S as a double-quoted YAML string. */
void conf_print_string(struct buf *out, const char *s);

#endif
