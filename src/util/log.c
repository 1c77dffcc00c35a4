/* Log lines: format, scrub secrets, write in one syscall. */
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/secret.h"
#include "util/time.h"

#define LOG_LINE_MAX 8192

static struct {
	pthread_mutex_t lock; /* guards the fields below and keeps lines whole */
	enum log_level level;
	enum log_format format;
	int fd;
	struct secret_set *secrets;
} logger = { PTHREAD_MUTEX_INITIALIZER, LOG_LEVEL_INFO, LOG_FORMAT_TEXT, STDERR_FILENO, NULL };

static const char *const level_names[] = { "debug", "info", "warn", "error" };
static const char *const format_names[] = { "text", "json" };

void log_configure(enum log_level level, enum log_format format)
{
	pthread_mutex_lock(&logger.lock);
	logger.level = level;
	logger.format = format;
	pthread_mutex_unlock(&logger.lock);
}

int log_set_fd(int fd)
{
	int old;

	pthread_mutex_lock(&logger.lock);
	old = logger.fd;
	logger.fd = fd;
	pthread_mutex_unlock(&logger.lock);
	return old;
}

void log_set_secrets(struct secret_set *set)
{
	struct secret_set *old;

	secret_set_ref(set);
	pthread_mutex_lock(&logger.lock);
	old = logger.secrets;
	logger.secrets = set;
	pthread_mutex_unlock(&logger.lock);
	secret_set_unref(old);
}

int log_enabled(enum log_level level)
{
	int on;

	pthread_mutex_lock(&logger.lock);
	on = level >= logger.level;
	pthread_mutex_unlock(&logger.lock);
	return on;
}

static int parse_name(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int log_level_parse(const char *s, enum log_level *out)
{
	int i = parse_name(s, level_names, 4);

	if (i < 0)
		return -1;
	*out = (enum log_level)i;
	return 0;
}

const char *log_level_str(enum log_level level)
{
	return level_names[level];
}

int log_format_parse(const char *s, enum log_format *out)
{
	int i = parse_name(s, format_names, 2);

	if (i < 0)
		return -1;
	*out = (enum log_format)i;
	return 0;
}

const char *log_format_str(enum log_format format)
{
	return format_names[format];
}

/* Appends S as the inside of a JSON string. */
static int json_escape(struct buf *b, const char *s, size_t len)
{
	size_t i;
	int r = 0;

	for (i = 0; i < len && r == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			r = buf_printf(b, "\\%c", c);
		else if (c == '\n')
			r = buf_puts(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			r = buf_printf(b, "\\u%04x", c);
		else
			r = buf_putc(b, (char)c);
	}
	return r;
}

/* Builds and writes one line; called with the lock held. */
static void log_emit(enum log_level level, const char *msg, size_t len)
{
	char ts[TIME_RFC3339_LEN];
	char *clean;
	size_t cleanlen;
	struct buf b;

	clean = secret_scrub(logger.secrets, msg, len, &cleanlen);
	if (clean != NULL) {
		msg = clean;
		len = cleanlen;
	}
	time_format_rfc3339(time_wall_ms(), ts, sizeof(ts));
	buf_init(&b, LOG_LINE_MAX * 2);
	if (logger.format == LOG_FORMAT_JSON) {
		if (buf_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts,
		               level_names[level]) < 0 ||
		    json_escape(&b, msg, len) < 0 || buf_puts(&b, "\"}\n") < 0)
			buf_reset(&b);
	} else if (buf_printf(&b, "%s %-5s %.*s\n", ts, level_names[level], (int)len, msg) < 0) {
		buf_reset(&b);
	}
	if (b.len)
		(void)!write(logger.fd, b.data, b.len);
	buf_free(&b);
	free(clean);
}

static void log_vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int saved = errno, n;

	pthread_mutex_lock(&logger.lock);
	if (level < logger.level) {
		pthread_mutex_unlock(&logger.lock);
		return;
	}
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (with_errno)
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(saved));
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	log_emit(level, msg, (size_t)n);
	pthread_mutex_unlock(&logger.lock);
	errno = saved;
}

#define LOG_FN(name, level, with_errno)               \
	void name(const char *fmt, ...)               \
	{                                             \
		va_list ap;                           \
		va_start(ap, fmt);                    \
		log_vlog(level, with_errno, fmt, ap); \
		va_end(ap);                           \
	}

LOG_FN(log_warn, LOG_LEVEL_WARN, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
