/* The sd_notify datagram protocol, written out: no libsystemd needed at build or run time. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "util/sdnotify.h"

int sdnotify_addr_parse(const char *name, struct sockaddr_un *addr, socklen_t *len, char *err,
                        size_t errlen)
{
	size_t n = name != NULL ? strlen(name) : 0;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (n == 0) {
		snprintf(err, errlen, "empty socket name");
		return -1;
	}
	if (name[0] != '/' && name[0] != '@') {
		snprintf(err, errlen, "\"%s\" is neither an absolute path nor an @abstract name",
		         name);
		return -1;
	}
	if (n == 1 && name[0] == '@') {
		snprintf(err, errlen, "empty abstract socket name");
		return -1;
	}
	/* a path needs its NUL inside sun_path; an abstract name does not */
	if (n > sizeof(addr->sun_path) - (name[0] == '/' ? 1 : 0)) {
		snprintf(err, errlen, "socket name of %zu bytes is too long (at most %zu)", n,
		         sizeof(addr->sun_path) - (name[0] == '/' ? 1 : 0));
		return -1;
	}
	memcpy(addr->sun_path, name, n);
	if (name[0] == '@')
		addr->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/' ? 1 : 0));
	return 0;
}

/* A positive decimal number without sign, space or suffix, into *OUT. */
static int parse_positive(const char *s, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

int64_t sdnotify_watchdog_parse(const char *usec, const char *pid, long self)
{
	long long us, p;

	if (usec == NULL)
		return 0;
	if (parse_positive(usec, &us) < 0)
		return -1;
	if (pid != NULL) {
		if (parse_positive(pid, &p) < 0)
			return -1;
		if (p != self)
			return 0;
	}
	return us;
}

void sdnotify_status_append(char *out, size_t size, const char *text)
{
	size_t len = strlen(out), i;

	if (len + sizeof("\nSTATUS=") > size)
		return;
	len += (size_t)snprintf(out + len, size - len, "%sSTATUS=", len > 0 ? "\n" : "");
	for (i = 0; text[i] != '\0' && len + 1 < size; i++)
		out[len++] = text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
	out[len] = '\0';
}

int sdnotify_reloading_msg(char *out, size_t size, int64_t mono_usec, const char *status)
{
	int n = snprintf(out, size, "RELOADING=1\nMONOTONIC_USEC=%lld", (long long)mono_usec);

	if (n < 0 || (size_t)n >= size)
		return -1;
	if (status != NULL)
		sdnotify_status_append(out, size, status);
	return (int)strlen(out);
}

void sdnotify_open_with(struct sdnotify *n, const char *socket_name, const char *wd_usec,
                        const char *wd_pid, long self)
{
	char err[160];

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (socket_name == NULL)
		return; /* not started by systemd (or by one that wants no notifications) */
	if (sdnotify_addr_parse(socket_name, &n->addr, &n->addrlen, err, sizeof(err)) < 0) {
		log_warnx("sd_notify: NOTIFY_SOCKET: %s; not notifying the service manager", err);
		return;
	}
	n->watchdog_usec = sdnotify_watchdog_parse(wd_usec, wd_pid, self);
	if (n->watchdog_usec < 0) {
		log_warnx("sd_notify: WATCHDOG_USEC=%s / WATCHDOG_PID=%s: not a positive number; "
		          "no watchdog pings",
		          wd_usec ? wd_usec : "", wd_pid ? wd_pid : "");
		n->watchdog_usec = 0;
	}
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		log_warn("sd_notify: socket");
}

void sdnotify_open(struct sdnotify *n)
{
	sdnotify_open_with(n, getenv("NOTIFY_SOCKET"), getenv("WATCHDOG_USEC"),
	                   getenv("WATCHDOG_PID"), (long)getpid());
}

bool sdnotify_enabled(const struct sdnotify *n)
{
	return n->fd >= 0;
}

int sdnotify_send(struct sdnotify *n, const char *msg)
{
	ssize_t r;

	if (n->fd < 0)
		return 1;
	do
		r = sendto(n->fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL,
		           (const struct sockaddr *)&n->addr, n->addrlen);
	while (r < 0 && errno == EINTR);
	if (r >= 0)
		return 0;
	if (!n->error_logged) {
		n->error_logged = true;
		log_warn("sd_notify: cannot notify the service manager (further failures are "
		         "not logged)");
	}
	return -1;
}

void sdnotify_close(struct sdnotify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}
