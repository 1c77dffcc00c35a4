/* Unit tests of src/util/sdnotify.c: addresses, watchdog values, messages, real datagrams. */
#include "testing.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/log.h"
#include "util/sdnotify.h"

static void test_addr_path(void **state)
{
	struct sockaddr_un a;
	socklen_t len = 0;
	char err[160];

	(void)state;
	assert_int_equal(sdnotify_addr_parse("/run/systemd/notify", &a, &len, err, sizeof(err)), 0);
	assert_int_equal(a.sun_family, AF_UNIX);
	assert_string_equal(a.sun_path, "/run/systemd/notify");
	/* the path and its NUL */
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) +
	                              strlen("/run/systemd/notify") + 1);
}

static void test_addr_abstract(void **state)
{
	struct sockaddr_un a;
	socklen_t len = 0;
	char err[160];

	(void)state;
	assert_int_equal(sdnotify_addr_parse("@vigil/notify", &a, &len, err, sizeof(err)), 0);
	assert_int_equal(a.sun_path[0], '\0');
	assert_memory_equal(a.sun_path + 1, "vigil/notify", 12);
	/* exactly the name's bytes: abstract names are not NUL-terminated */
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 13);
}

static void test_addr_bad(void **state)
{
	struct sockaddr_un a;
	socklen_t len = 0;
	char err[160], longname[200];

	(void)state;
	assert_int_equal(sdnotify_addr_parse("", &a, &len, err, sizeof(err)), -1);
	assert_contains(err, "empty");
	assert_int_equal(sdnotify_addr_parse(NULL, &a, &len, err, sizeof(err)), -1);
	assert_int_equal(sdnotify_addr_parse("@", &a, &len, err, sizeof(err)), -1);
	assert_contains(err, "empty abstract");
	assert_int_equal(sdnotify_addr_parse("run/notify", &a, &len, err, sizeof(err)), -1);
	assert_contains(err, "run/notify");
	assert_int_equal(sdnotify_addr_parse("vsock:2:1234", &a, &len, err, sizeof(err)), -1);
	assert_contains(err, "neither an absolute path");

	/* 108 bytes of sun_path: a path of 107 fits with its NUL, 108 does not */
	memset(longname, 'x', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(a.sun_path) - 1] = '\0';
	assert_int_equal(sdnotify_addr_parse(longname, &a, &len, err, sizeof(err)), 0);
	longname[sizeof(a.sun_path) - 1] = 'x';
	longname[sizeof(a.sun_path)] = '\0';
	assert_int_equal(sdnotify_addr_parse(longname, &a, &len, err, sizeof(err)), -1);
	assert_contains(err, "too long");
	/* an abstract name may use all 108 */
	longname[0] = '@';
	assert_int_equal(sdnotify_addr_parse(longname, &a, &len, err, sizeof(err)), 0);
	assert_int_equal(len, sizeof(struct sockaddr_un));
	longname[sizeof(a.sun_path)] = 'x';
	longname[sizeof(a.sun_path) + 1] = '\0';
	assert_int_equal(sdnotify_addr_parse(longname, &a, &len, err, sizeof(err)), -1);
}

static void test_watchdog_parse(void **state)
{
	(void)state;
	assert_int_equal(sdnotify_watchdog_parse(NULL, NULL, 42), 0);
	assert_int_equal(sdnotify_watchdog_parse("30000000", NULL, 42), 30000000);
	assert_int_equal(sdnotify_watchdog_parse("30000000", "42", 42), 30000000);
	/* meant for another process (a parent that passed its environment on) */
	assert_int_equal(sdnotify_watchdog_parse("30000000", "41", 42), 0);
	assert_int_equal(sdnotify_watchdog_parse("0", NULL, 42), -1);
	assert_int_equal(sdnotify_watchdog_parse("-5", NULL, 42), -1);
	assert_int_equal(sdnotify_watchdog_parse("+5", NULL, 42), -1);
	assert_int_equal(sdnotify_watchdog_parse(" 5", NULL, 42), -1);
	assert_int_equal(sdnotify_watchdog_parse("5s", NULL, 42), -1);
	assert_int_equal(sdnotify_watchdog_parse("", NULL, 42), -1);
	assert_int_equal(sdnotify_watchdog_parse("99999999999999999999999", NULL, 42), -1);
	assert_int_equal(sdnotify_watchdog_parse("5", "pid", 42), -1);
	/* no WATCHDOG_USEC: WATCHDOG_PID alone means nothing */
	assert_int_equal(sdnotify_watchdog_parse(NULL, "42", 42), 0);
}

static void test_messages(void **state)
{
	char buf[64], tiny[24];

	(void)state;
	assert_int_equal(sdnotify_reloading_msg(buf, sizeof(buf), 1234567, NULL),
	                 (int)strlen("RELOADING=1\nMONOTONIC_USEC=1234567"));
	assert_string_equal(buf, "RELOADING=1\nMONOTONIC_USEC=1234567");
	assert_true(sdnotify_reloading_msg(buf, sizeof(buf), 1, "reloading") > 0);
	assert_string_equal(buf, "RELOADING=1\nMONOTONIC_USEC=1\nSTATUS=reloading");
	assert_int_equal(sdnotify_reloading_msg(tiny, sizeof(tiny), 1234567, NULL), -1);

	/* one STATUS line: newlines in the text become spaces */
	snprintf(buf, sizeof(buf), "READY=1");
	sdnotify_status_append(buf, sizeof(buf), "two\nlines\r");
	assert_string_equal(buf, "READY=1\nSTATUS=two lines ");
	/* an empty message gets no leading newline */
	buf[0] = '\0';
	sdnotify_status_append(buf, sizeof(buf), "alone");
	assert_string_equal(buf, "STATUS=alone");
	/* cut to fit, still terminated */
	snprintf(tiny, sizeof(tiny), "READY=1");
	sdnotify_status_append(tiny, sizeof(tiny), "a rather long status text");
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_string_equal(tiny, "READY=1\nSTATUS=a rather");
	/* no room for even the prefix: unchanged */
	snprintf(tiny, sizeof(tiny), "READY=1 and much more");
	sdnotify_status_append(tiny, sizeof(tiny), "x");
	assert_string_equal(tiny, "READY=1 and much more");
}

/* A bound datagram socket standing in for systemd; NAME "@..." is abstract. */
static int fake_systemd(const char *name)
{
	struct sockaddr_un a;
	socklen_t len;
	char err[160];
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(sdnotify_addr_parse(name, &a, &len, err, sizeof(err)), 0);
	if (name[0] == '/')
		unlink(name);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char got[SDNOTIFY_MAX + 1];
	ssize_t r = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);

	assert_true(r >= 0);
	got[r] = '\0';
	assert_string_equal(got, want);
}

static void test_send_path(void **state)
{
	char path[64];
	struct sdnotify n;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/vigil-sdnotify-%ld.sock", (long)getpid());
	fd = fake_systemd(path);
	sdnotify_open_with(&n, path, "2000000", NULL, (long)getpid());
	assert_true(sdnotify_enabled(&n));
	assert_int_equal(n.watchdog_usec, 2000000);
	assert_int_equal(sdnotify_send(&n, "READY=1\nSTATUS=ok"), 0);
	expect_datagram(fd, "READY=1\nSTATUS=ok");
	assert_int_equal(sdnotify_send(&n, "WATCHDOG=1"), 0);
	expect_datagram(fd, "WATCHDOG=1");
	/* the socket is not inherited by the checks' child processes */
	assert_true(fcntl(n.fd, F_GETFD) & FD_CLOEXEC);
	sdnotify_close(&n);
	assert_false(sdnotify_enabled(&n));
	assert_int_equal(sdnotify_send(&n, "READY=1"), 1);
	sdnotify_close(&n); /* twice is harmless */
	close(fd);
	unlink(path);
}

static void test_send_abstract(void **state)
{
	char name[64];
	struct sdnotify n;
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@vigil-sdnotify-test-%ld", (long)getpid());
	fd = fake_systemd(name);
	/* WATCHDOG_PID of another process: no watchdog, notifications still go */
	sdnotify_open_with(&n, name, "2000000", "1", (long)getpid());
	assert_true(sdnotify_enabled(&n));
	assert_int_equal(n.watchdog_usec, 0);
	assert_int_equal(sdnotify_send(&n, "STOPPING=1"), 0);
	expect_datagram(fd, "STOPPING=1");
	sdnotify_close(&n);
	close(fd);
}

static void test_off(void **state)
{
	struct sdnotify n;

	(void)state;
	sdnotify_open_with(&n, NULL, "2000000", NULL, (long)getpid());
	assert_false(sdnotify_enabled(&n));
	assert_int_equal(n.watchdog_usec, 0);
	assert_int_equal(sdnotify_send(&n, "READY=1"), 1);
	sdnotify_close(&n);
}

/* Reads what the logger wrote into pipe P since the last call. */
static size_t drain_log(int p, char *buf, size_t size)
{
	ssize_t r = read(p, buf, size - 1);

	buf[r > 0 ? r : 0] = '\0';
	return r > 0 ? (size_t)r : 0;
}

static void test_errors_logged_once(void **state)
{
	struct sdnotify n;
	char logbuf[4096];
	int p[2], old;

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	old = log_set_fd(p[1]);
	/* a bad name: logged, off, never fatal */
	sdnotify_open_with(&n, "relative/notify", NULL, NULL, (long)getpid());
	assert_false(sdnotify_enabled(&n));
	drain_log(p[0], logbuf, sizeof(logbuf));
	assert_contains(logbuf, "NOTIFY_SOCKET");
	/* a socket nobody listens on: each send fails, the first one alone is logged */
	sdnotify_open_with(&n, "/nonexistent/vigil/notify", "abc", NULL, (long)getpid());
	assert_true(sdnotify_enabled(&n));
	assert_int_equal(n.watchdog_usec, 0);
	drain_log(p[0], logbuf, sizeof(logbuf));
	assert_contains(logbuf, "WATCHDOG_USEC");
	assert_int_equal(sdnotify_send(&n, "READY=1"), -1);
	assert_int_equal(sdnotify_send(&n, "WATCHDOG=1"), -1);
	assert_int_equal(sdnotify_send(&n, "WATCHDOG=1"), -1);
	drain_log(p[0], logbuf, sizeof(logbuf));
	assert_contains(logbuf, "cannot notify");
	assert_null(strstr(strstr(logbuf, "cannot notify") + 1, "cannot notify"));
	sdnotify_close(&n);
	log_set_fd(old);
	close(p[0]);
	close(p[1]);
}

/* A service manager that does not read: sends fail at once instead of blocking. */
static void test_never_blocks(void **state)
{
	char name[64];
	struct sdnotify n;
	int fd, i, failed = -1;

	(void)state;
	snprintf(name, sizeof(name), "@vigil-sdnotify-full-%ld", (long)getpid());
	fd = fake_systemd(name);
	sdnotify_open_with(&n, name, NULL, NULL, (long)getpid());
	n.error_logged = true; /* keep the test's output quiet */
	alarm(20);             /* a blocking send would hang here: fail loudly instead */
	for (i = 0; i < 100000 && failed < 0; i++)
		if (sdnotify_send(&n, "WATCHDOG=1") < 0)
			failed = i;
	alarm(0);
	assert_true(failed > 0);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	sdnotify_close(&n);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_path),          cmocka_unit_test(test_addr_abstract),
		cmocka_unit_test(test_addr_bad),           cmocka_unit_test(test_watchdog_parse),
		cmocka_unit_test(test_messages),           cmocka_unit_test(test_send_path),
		cmocka_unit_test(test_send_abstract),      cmocka_unit_test(test_off),
		cmocka_unit_test(test_errors_logged_once), cmocka_unit_test(test_never_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
