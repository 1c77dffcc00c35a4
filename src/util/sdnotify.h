/* systemd's notification protocol (sd_notify) without libsystemd: readiness, reload, watchdog. */
#ifndef VIGIL_UTIL_SDNOTIFY_H
#define VIGIL_UTIL_SDNOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Longest message sent; systemd reads far more, STATUS= lines are cut to fit. */
#define SDNOTIFY_MAX 1024

/*
 * A notifier: one non-blocking AF_UNIX datagram socket and the address of
 * systemd's ($NOTIFY_SOCKET). Used from one thread (the loop's). When
 * NOTIFY_SOCKET is unset the notifier is off and every send is a no-op.
 */
struct sdnotify {
	int fd; /* -1 when off */
	struct sockaddr_un addr;
	socklen_t addrlen;
	int64_t watchdog_usec; /* WATCHDOG_USEC meant for this process; 0: none */
	bool error_logged;     /* the first failed send was logged; later ones are not */
};

/*
 * Parses NAME, the value of $NOTIFY_SOCKET: an absolute path
 * ("/run/systemd/notify") or an abstract name ("@vigil/notify", the '@'
 * standing for the leading NUL byte). Returns 0 with ADDR and LEN set, or -1
 * with a reason in ERR (empty, relative, too long, unsupported such as vsock:).
 */
int sdnotify_addr_parse(const char *name, struct sockaddr_un *addr, socklen_t *len, char *err,
                        size_t errlen);

/*
 * The watchdog interval in microseconds from the values of $WATCHDOG_USEC
 * and $WATCHDOG_PID (either may be NULL) for the process SELF: 0 when there
 * is none or it is meant for another process (WATCHDOG_PID differs), -1 when
 * a value is malformed (not a positive decimal number).
 */
int64_t sdnotify_watchdog_parse(const char *usec, const char *pid, long self);

/*
 * Writes into OUT "RELOADING=1\nMONOTONIC_USEC=<now>" (what systemd's
 * Type=notify-reload expects with RELOADING=1), then "\nSTATUS=<status>"
 * unless STATUS is NULL. Returns the length, or -1 when it does not fit.
 */
int sdnotify_reloading_msg(char *out, size_t size, int64_t mono_usec, const char *status);

/*
 * Appends "\nSTATUS=<text>" to the message in OUT (SIZE bytes), turning
 * newlines of TEXT into spaces (one STATUS line) and cutting it to fit.
 */
void sdnotify_status_append(char *out, size_t size, const char *text);

/*
 * Sets N up from SOCKET, WD_USEC and WD_PID (the values of NOTIFY_SOCKET,
 * WATCHDOG_USEC and WATCHDOG_PID; NULL when unset) for process SELF. With no
 * SOCKET, or one that cannot be used (logged once), N is off. Never fails:
 * notifications are a courtesy to the service manager, not a reason to stop.
 */
void sdnotify_open_with(struct sdnotify *n, const char *socket, const char *wd_usec,
                        const char *wd_pid, long self);
/* The same from this process's environment. */
void sdnotify_open(struct sdnotify *n);
/* True when N sends (NOTIFY_SOCKET was set and usable). */
bool sdnotify_enabled(const struct sdnotify *n);

/*
 * Sends MSG (newline-separated VAR=VALUE lines) as one datagram without ever
 * blocking: a full socket drops the message. Returns 0 when sent, 1 when N
 * is off, -1 when sending failed (logged the first time only).
 */
int sdnotify_send(struct sdnotify *n, const char *msg);

/* Closes the socket; N is off afterwards. Safe on an off notifier. */
void sdnotify_close(struct sdnotify *n);

#endif
