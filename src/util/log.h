/*
 * Logging: five functions in relayd's shape, text or JSON lines on stderr,
 * every line scrubbed of registered secrets. The logger is the one
 * process-wide facility besides the engine; it is safe from any thread.
 */
#ifndef VIGIL_UTIL_LOG_H
#define VIGIL_UTIL_LOG_H

#include <stdarg.h>

struct secret_set;

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Sets the threshold and line format (may be called again on reload). */
void log_configure(enum log_level level, enum log_format format);
/* Writes lines to FD instead of stderr (tests); returns the previous fd. */
int log_set_fd(int fd);
/* Replaces the secrets scrubbed from every line; takes a reference to SET. */
void log_set_secrets(struct secret_set *set);
/* True when messages at LEVEL are written (to skip costly formatting). */
int log_enabled(enum log_level level);

/* Parse and name levels and formats; parse returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_str(enum log_level level);
int log_format_parse(const char *s, enum log_format *out);
const char *log_format_str(enum log_format format);

/* log_warn appends ": strerror(errno)"; the others do not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Start-up only: log at error level and exit(1). fatal appends strerror. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
