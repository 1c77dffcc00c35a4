/* Internals shared by the conf/ files: the section tables. */
#ifndef VIGIL_CONF_INT_H
#define VIGIL_CONF_INT_H

#include "conf/schema.h"

extern const struct conf_spec conf_server_spec;
extern const struct conf_spec conf_storage_spec;
extern const struct conf_spec conf_auth_spec;
extern const struct conf_spec conf_log_spec;
extern const struct conf_spec conf_scheduler_spec;
extern const struct conf_spec conf_host_spec;
extern const struct conf_spec conf_security_spec;
extern const struct conf_spec conf_alerting_spec;
extern const struct conf_spec conf_maintenance_spec;
extern const struct conf_spec conf_status_page_spec;
/* Checks that every item of a string list is an address or a CIDR network. */
int conf_check_cidrs(struct conf_ctx *ctx, yaml_node_t *node, void *field);

/* Applies VIGIL_LISTEN, VIGIL_STORAGE, VIGIL_LOG_LEVEL, VIGIL_LOG_FORMAT. */
struct vigil_config;
void conf_env_overrides(struct vigil_config *cfg, struct conf_diag *diag);

#endif
