/*
 * The configuration: YAML (or the built-in default) into an immutable,
 * reference-counted struct vigil_config. A reload builds a new one and swaps
 * it in whole; nothing ever modifies a loaded config.
 */
#ifndef VIGIL_CONF_CONF_H
#define VIGIL_CONF_CONF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/monitors.h"
#include "conf/schema.h"
#include "conf/value.h"
#include "util/cidr.h"
#include "util/cron.h"
#include "util/sha256.h"

struct secret_set;

/* Roles in order of power; a route requiring R admits R and above. */
enum auth_role { ROLE_PUBLIC, ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN };
const char *auth_role_str(enum auth_role role);

struct conf_tls {
	char *cert; /* PEM file paths; both or neither */
	char *key;
};

/* Networks parsed from a list of addresses and CIDRs (entries that are not are left out). */
struct conf_nets {
	struct cidr *v;
	size_t n;
};

struct conf_server {
	char *listen;                        /* "host:port" as written */
	struct conf_listen addr;             /* derived from listen */
	int64_t threads;                     /* HTTP worker threads (MHD thread pool) */
	int64_t connection_timeout;          /* ms of inactivity before a connection closes */
	int64_t max_connections;             /* in total */
	int64_t max_connections_per_ip;      /* per client address */
	int64_t connection_memory;           /* bytes MHD may use per connection */
	int64_t max_body_size;               /* request bodies above this get 413 */
	int64_t max_header_size;             /* request headers above this get 431 */
	struct conf_strlist trusted_proxies; /* CIDRs whose X-Forwarded-For is believed */
	struct conf_nets trusted_nets;       /* derived from trusted_proxies */
	struct conf_tls tls;
};

struct conf_retention {
	int64_t raw, minute, hour; /* ms to keep raw results and rollups */
};

struct conf_storage {
	char *path; /* SQLite database file */
	char *url;  /* postgres:// (the shared backend) */
	struct conf_retention retention;
	int64_t commit_interval; /* ms a write may wait for its group commit */
	int64_t batch_size;      /* rows per transaction at most */
	int64_t queue_size;      /* rows the writer queue holds before refusing */
};

struct conf_token {
	char *name;
	char *token;                      /* secret */
	int role;                         /* enum auth_role, never ROLE_PUBLIC */
	unsigned char digest[SHA256_LEN]; /* SHA-256 of token, what requests are compared with */
};

struct conf_auth {
	struct conf_list tokens; /* of struct conf_token */
};

struct conf_log {
	int level;  /* enum log_level */
	int format; /* enum log_format */
};

struct conf_host_group {
	char *name;
	char *match; /* extended regex on the command line */
};

struct conf_threshold {
	double warning, critical;
};

struct conf_host_thresholds {
	struct conf_threshold cpu, memory, disk, load;
	double hysteresis; /* percent of a threshold to fall below to leave its level */
};

struct conf_host {
	bool enabled;
	int64_t interval; /* ms */
	char *proc_root, *sys_root;
	struct conf_strlist filesystems; /* mountpoints; empty: every real one */
	bool loopback;
	struct conf_list processes; /* of struct conf_host_group */
	struct conf_host_thresholds thresholds;
};

struct conf_scheduler {
	int64_t max_in_flight; /* checks running at once; more wait their turn */
};

/* A token bucket: REQUESTS per PER milliseconds, up to BURST at once. */
struct conf_rate {
	int64_t requests, per, burst;
};

/* Where monitors made through the API may connect (the SSRF guard). */
struct conf_targets {
	bool allow_internal;       /* loopback, private, link-local... allowed too */
	struct conf_strlist allow; /* CIDRs and host names allowed even if internal */
	struct conf_strlist deny;  /* CIDRs and host names refused even if public */
};

struct conf_request_log {
	bool enabled;
	int64_t retention;       /* ms */
	int64_t max_rows;        /* the table is trimmed to this */
	int64_t rows_per_second; /* kept one by one; more are counted in aggregate rows */
};

struct conf_security {
	struct conf_strlist secret_params;   /* more query parameters whose values are secrets */
	struct conf_rate rate_limit;         /* per client address: the API and everything else */
	struct conf_rate health_rate_limit;  /* per client address: /health* and /metrics */
	struct conf_rate auth_failure_limit; /* per client address: failed authentications */
	int64_t block_after;         /* violations within block_window that block the address */
	int64_t block_window;        /* ms */
	int64_t block_for;           /* ms */
	struct conf_strlist allow;   /* addresses and CIDRs never limited nor blocked */
	struct conf_nets allow_nets; /* derived from allow */
	struct conf_targets targets;
	bool allow_api_commands; /* command monitors may be made through the API */
	struct conf_request_log request_log;
};

enum alert_severity { SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_CRITICAL, SEVERITIES };
enum channel_type {
	CHANNEL_WEBHOOK,
	CHANNEL_SLACK,
	CHANNEL_DISCORD,
	CHANNEL_TEAMS,
	CHANNEL_MATTERMOST,
	CHANNEL_GOOGLECHAT,
	CHANNEL_NTFY,
	CHANNEL_GOTIFY,
	CHANNEL_PUSHOVER,
	CHANNEL_TELEGRAM,
	CHANNEL_PAGERDUTY,
	CHANNEL_OPSGENIE,
	CHANNEL_ALERTMANAGER,
	CHANNEL_EMAIL,
	CHANNEL_MATRIX,
	CHANNEL_TYPES
};

/* A notification channel (alerting.channels[]). */
/* The fields a channel's template may name (alerting.channels[].template). */
extern const char *const conf_template_fields[];

struct conf_channel {
	char *name;
	int type;    /* enum channel_type */
	char *url;   /* a secret: webhook URLs carry their token */
	char *token; /* a secret: bot token, API key, routing key (by type) */
	char *to;    /* telegram chat, pushover user, matrix room id, e-mails (comma-separated) */
	char *from;  /* e-mail sender */
	char *username; /* SMTP login */
	char *password; /* a secret: SMTP password */
	bool starttls;  /* smtp://: require STARTTLS */
	char *method;   /* webhook: POST by default */
	char *template; /* webhook: the JSON body, with {{field}} placeholders; NULL: Vigil's own */
	struct conf_strmap headers;     /* webhook: extra headers (sensitive values are secrets) */
	struct conf_strlist severities; /* only these (empty: all) */
	bool send_resolved;
	bool group;      /* takes part in alerting.group_window */
	int64_t timeout; /* ms per delivery attempt */
	struct conf_send_cap {
		int64_t messages; /* at most this many requests... (0: no cap) */
		int64_t per;      /* ...within any window of this many ms */
	} rate_limit;
};

/* A threshold rule on a metric (alerting.rules[]). */
enum rule_op { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE };

struct conf_rule {
	char *name;
	char *metric; /* host.cpu.percent, monitor.latency_ms{monitor="api"}... */
	int op;       /* enum rule_op */
	double threshold;
	double resolve_threshold;     /* resolves when no longer beyond this; NAN: the threshold */
	int64_t for_ms;               /* how long the condition must hold before firing */
	int severity;                 /* enum alert_severity */
	struct conf_strlist channels; /* default: alerting.channels_on */
};

extern const char *const rule_op_names[];

/* An escalation level (alerting.escalation[]). */
struct conf_escalation {
	char *name;
	int64_t after;                /* ms an unacknowledged alert has been firing */
	int severity;                 /* only alerts of this severity; -1 (default): all */
	struct conf_strlist channels; /* who is told then */
};

/*
 * Correlated failure (alerting.correlation): when most network monitors
 * checked within `window` failed for network reasons, Vigil's own network is
 * the likelier culprit: they become unknown and one alert says so.
 */
struct conf_correlation {
	int64_t window;       /* ms of results looked at */
	double share;         /* % of the monitors checked in the window that failed */
	int64_t min_monitors; /* at least this many failed (0: off) */
	int64_t hold;         /* ms a network failure's notifications wait for the verdict */
};

struct conf_alerting {
	struct conf_list channels;   /* of struct conf_channel */
	struct conf_list rules;      /* of struct conf_rule */
	struct conf_list escalation; /* of struct conf_escalation, by increasing after */
	int64_t repeat_interval;     /* ms between reminders of an unacknowledged alert; 0 never */
	double flap_high, flap_low;  /* flapping share of state changes (%): starts, ends; 0 off */
	struct conf_strlist channels_on;  /* default channels of monitor alerts (names) */
	int severity;                     /* enum alert_severity of monitor alerts */
	bool on_degraded;                 /* also alert when a monitor becomes degraded */
	int64_t retry_initial, retry_max; /* ms: the backoff of failed deliveries */
	int64_t give_up_after;            /* ms: then a delivery is recorded as failed */
	char *timezone;                   /* IANA zone of the times in messages */
	struct tz *tz;                    /* derived: timezone loaded (owned) */
	int64_t group_window;             /* ms a message waits for others to go with it; 0 */
	struct conf_correlation correlation;
};

/* A maintenance window (maintenance[]): its monitors show maintenance, alert nothing,
 * and their downtime does not count against uptime. */
struct conf_maintenance {
	char *name;
	char *start;                  /* one-off: RFC 3339 as written; NULL when recurring */
	int64_t start_ms;             /* derived: Unix ms */
	char *cron;                   /* recurring: 5-field cron expression; NULL when one-off */
	char *timezone;               /* recurring: IANA zone the cron is read in (NULL: UTC) */
	struct cron cron_expr;        /* derived from cron */
	struct tz *tz;                /* derived from timezone; owned */
	int64_t duration;             /* ms */
	struct conf_strlist monitors; /* names or ids; empty: every monitor */
};

/*
 * The occurrence of window W running at NOW_MS (Unix ms), or else its next
 * one: writes its bounds [*START, *END) and returns 0 (a one-off window: its
 * own bounds, even once over); returns -1 when a recurring window never
 * fires again. A cron search for recurring windows: callers that ask often
 * cache the answer until its end passes.
 */
int conf_maintenance_occurrence(const struct conf_maintenance *w, int64_t now_ms, int64_t *start,
                                int64_t *end);

extern const char *const alert_severity_names[];
extern const char *const channel_type_names[];

/* The public status page (status_page:). */
struct conf_status_page {
	bool enabled; /* /status, /api/v1/status, badges and the feed */
	char *title, *description;
	char *logo;            /* a local image file, or NULL */
	char *logo_data;       /* derived: its bytes (owned) */
	size_t logo_len;       /* derived */
	const char *logo_type; /* derived: its MIME type */
	char *url;             /* its public address, or NULL */
	int64_t refresh;       /* ms between live refreshes by its script; 0 none */
	int layout;            /* 0 auto, 1 full, 2 compact (enum status_layout) */
	struct conf_theme {
		char *primary, *operational, *degraded, *outage, *maintenance; /* #rgb, #rrggbb */
		int mode; /* 0 auto, 1 light, 2 dark */
	} theme;
};

struct vigil_config {
	atomic_int refs;
	char *source; /* file it came from, or "<built-in>" */
	struct conf_server server;
	struct conf_storage storage;
	struct conf_auth auth;
	struct conf_log log;
	struct conf_scheduler scheduler;
	struct conf_host host;
	struct conf_security security;
	struct conf_alerting alerting;
	struct conf_list maintenance; /* of struct conf_maintenance */
	struct conf_status_page status_page;
	struct conf_monitors monitors;
	struct secret_set *secrets; /* every secret value, for scrubbing */
	char *api_body; /* a monitor made through the API: its canonical JSON; else NULL */
};

#define CONF_BUILTIN "<built-in>"

/*
 * Each loader returns a new config with one reference, or NULL with every
 * error appended to DIAG (file:line:col: key.path: reason). Environment
 * overrides (VIGIL_LISTEN, VIGIL_STORAGE, VIGIL_LOG_LEVEL, VIGIL_LOG_FORMAT)
 * are applied on top. Blocking file I/O: never call on the loop thread.
 */
struct vigil_config *conf_load_file(const char *path, struct conf_diag *diag);
struct vigil_config *conf_load_string(const char *name, const char *text, size_t len,
                                      struct conf_diag *diag);
struct vigil_config *conf_load_default(struct conf_diag *diag);
/*
 * conf_load_string, and with UNTRUSTED (text from the API) no ${ENV}
 * references, no KEY_file reads and no environment overrides.
 */
struct vigil_config *conf_load_text(const char *name, const char *text, size_t len, bool untrusted,
                                    struct conf_diag *diag);
/*
 * Decodes one monitor sent to the API: TEXT must be a JSON object with the
 * keys a monitor has in the configuration file. Returns a config holding
 * just that monitor (monitors.v[0]; api_body its canonical JSON) under the
 * secret parameters and the SSRF policy (security.targets, copied) of BASE,
 * the running configuration's security section, or NULL with the errors in
 * DIAG, their paths as JSON paths ("$.url").
 */
struct vigil_config *conf_api_monitor(const char *text, size_t len, const struct vigil_config *base,
                                      struct conf_diag *diag);
/* Parses the addresses and CIDRs of L into NETS (freed with conf_nets_free). */
void conf_nets_parse(struct conf_nets *nets, const struct conf_strlist *l);
void conf_nets_free(struct conf_nets *nets);

/* Reports, into DIAG, monitors of CFG whose alerts.channels are not channels of AL. */
void conf_check_alert_channels(const struct vigil_config *cfg, const struct conf_alerting *al,
                               const char *file, struct conf_diag *diag);
/* Registers the secret query parameters of every monitor's URLs (defaults plus EXTRA). */
void conf_secure_monitors(struct vigil_config *cfg, const struct conf_strlist *extra);
/*
 * Loads PATH when given, else $VIGIL_CONFIG, else ./vigil.yaml when it
 * exists, else the built-in default.
 */
struct vigil_config *conf_load_auto(const char *path, struct conf_diag *diag);
/* Which file conf_load_auto would read (NULL for the built-in default). */
const char *conf_auto_path(const char *path);

/* The YAML of the built-in default configuration. */
extern const char conf_default_yaml[];

struct vigil_config *conf_ref(struct vigil_config *cfg);
/* Drops a reference; the last frees everything. NULL is a no-op. */
void conf_unref(struct vigil_config *cfg);

/* Returns the effective config as YAML (caller frees), secrets as <secret>. */
char *conf_dump(const struct vigil_config *cfg);
/*
 * Lists, into DIAG, the keys whose change needs a restart and that differ
 * between OLD and NEW (used by reload to warn). Returns how many.
 */
size_t conf_restart_changes(const struct vigil_config *old, const struct vigil_config *cfg,
                            struct conf_diag *diag);

/*
 * Returns the reference of every key as a Markdown table (key path, type,
 * default, description), generated from the command table. Caller frees.
 */
char *conf_describe(void);

/*
 * The config as JSON objects (new references), generated from the key
 * tables with every secret as "<secret>". conf_monitor_json merges a
 * monitor's common keys and its type's keys.
 */
typedef struct json_t json_t;
json_t *conf_to_json(const struct conf_spec *spec, const void *obj);
json_t *conf_monitor_json(const struct monitor_conf *m);

/* The top-level command table, for documentation checks. */
extern const struct conf_spec conf_root_spec;

#endif
