/* Environment overrides of a few keys: VIGIL_LISTEN, VIGIL_STORAGE, VIGIL_LOG_*. */
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/xmalloc.h"

static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static void override_listen(struct vigil_config *cfg, struct conf_diag *diag)
{
	const char *v = env_value("VIGIL_LISTEN");
	struct conf_listen addr;

	if (v == NULL)
		return;
	switch (conf_listen_parse(v, &addr)) {
	case CONF_LISTEN_OK:
		free(cfg->server.listen);
		cfg->server.listen = xstrdup(v);
		cfg->server.addr = addr;
		break;
	case CONF_LISTEN_BAD_PORT:
		conf_diag_add(diag, "environment VIGIL_LISTEN: \"%s\" is not a valid port", v);
		break;
	default:
		conf_diag_add(diag,
		              "environment VIGIL_LISTEN: \"%s\" is not a valid address "
		              "(expected host:port, [v6]:port or :port)",
		              v);
		break;
	}
}

static void override_storage(struct vigil_config *cfg, struct conf_diag *diag)
{
	const char *v = env_value("VIGIL_STORAGE");

	if (v == NULL)
		return;
	if (strncmp(v, "postgres://", 11) == 0 || strncmp(v, "postgresql://", 13) == 0) {
		conf_diag_add(diag, "environment VIGIL_STORAGE: the PostgreSQL backend is not part "
		                    "of this build; give a SQLite file path");
		return;
	}
	free(cfg->storage.path);
	cfg->storage.path = xstrdup(v);
}

static void override_log(struct vigil_config *cfg, struct conf_diag *diag)
{
	const char *level = env_value("VIGIL_LOG_LEVEL"), *format = env_value("VIGIL_LOG_FORMAT");
	enum log_level l;
	enum log_format f;

	if (level != NULL) {
		if (log_level_parse(level, &l) == 0)
			cfg->log.level = (int)l;
		else
			conf_diag_add(diag,
			              "environment VIGIL_LOG_LEVEL: \"%s\" is not one of debug, "
			              "info, warn, error",
			              level);
	}
	if (format != NULL) {
		if (log_format_parse(format, &f) == 0)
			cfg->log.format = (int)f;
		else
			conf_diag_add(diag,
			              "environment VIGIL_LOG_FORMAT: \"%s\" is not one of text, "
			              "json",
			              format);
	}
}

static void override_proc_root(struct vigil_config *cfg)
{
	const char *v = env_value("VIGIL_PROC_ROOT");

	if (v == NULL)
		return;
	free(cfg->host.proc_root);
	cfg->host.proc_root = xstrdup(v);
}

void conf_env_overrides(struct vigil_config *cfg, struct conf_diag *diag)
{
	override_proc_root(cfg);
	override_listen(cfg, diag);
	override_storage(cfg, diag);
	override_log(cfg, diag);
}
