/*
 * `vigil exec --push URL [--timeout T] -- CMD ARGS`: runs a job under a push
 * monitor. Pings URL/start, runs CMD (its output still goes to our stdout
 * and stderr), then pings URL on success or URL/{exit code} with the tail of
 * the output, and exits with the job's status. Monitoring never stops the
 * job: a ping that fails is a warning on stderr.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conf/value.h"
#include "probe/push.h"
#include "util/time.h"
#include "util/xmalloc.h"
#include "version.h"

#define PING_TIMEOUT_MS 10000
#define PING_ATTEMPTS   3
#define TAIL_MAX        PUSH_BODY_MAX
#define EXIT_TIMEOUT    124 /* as timeout(1) */
#define EXIT_NOT_RUN    127 /* as a shell when the command cannot be run */

static int run(int argc, char **argv);

const struct cli_verb cli_exec_verb = {
	"exec",
	run,
	"--push URL [--timeout T] -- CMD [ARGS...]",
	"run a job and report it to a push monitor",
	"Runs CMD with ARGS (no shell) under the push monitor whose ping URL is URL\n"
	"(http://vigil:8080/api/v1/push/TOKEN). Pings URL/start first, then URL when\n"
	"CMD exits 0, or URL/CODE with its exit code otherwise, sending the last\n"
	"10 KiB of its output as the message; Vigil measures the run's duration.\n"
	"CMD's output still goes to this command's stdout and stderr. Exits with\n"
	"CMD's exit code (128+N when killed by signal N, 124 on timeout, 127 when\n"
	"CMD cannot be run). A ping that fails is reported on stderr and never\n"
	"stops the job.\n"
	"\n"
	"  --push URL      the push monitor's ping URL (or $VIGIL_PUSH_URL)\n"
	"  --timeout T     kill CMD (and its process group) after T (e.g. 30m)\n"
	"  -q, --quiet     do not warn when a ping fails\n",
};

/* The last TAIL_MAX bytes of the job's output, as a ring. */
struct tail {
	char data[TAIL_MAX];
	size_t start, len;
};

static void tail_add(struct tail *t, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (t->len < TAIL_MAX) {
			t->data[(t->start + t->len++) % TAIL_MAX] = p[i];
		} else {
			t->data[t->start] = p[i];
			t->start = (t->start + 1) % TAIL_MAX;
		}
	}
}

static size_t tail_copy(const struct tail *t, char *out)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		out[i] = t->data[(t->start + i) % TAIL_MAX];
	return t->len;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* Pings BASE + SUFFIX with BODY; returns 0 when Vigil answered 2xx. */
static int ping(const char *base, const char *suffix, const char *body, size_t len, bool quiet)
{
	char url[2048], err[CURL_ERROR_SIZE];
	int attempt;

	snprintf(url, sizeof(url), "%s%s%s", base,
	         suffix[0] && base[strlen(base) - 1] != '/' ? "/" : "", suffix);
	for (attempt = 1; attempt <= PING_ATTEMPTS; attempt++) {
		CURL *easy = curl_easy_init();
		long status = 0;
		CURLcode rc;

		if (easy == NULL)
			break;
		err[0] = '\0';
		curl_easy_setopt(easy, CURLOPT_URL, url);
		curl_easy_setopt(easy, CURLOPT_POST, 1L);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)len);
		curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)PING_TIMEOUT_MS);
		curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, err);
		curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(easy, CURLOPT_USERAGENT, "Vigil-exec/" VIGIL_VERSION);
		curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
		rc = curl_easy_perform(easy);
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(easy);
		if (rc == CURLE_OK && status >= 200 && status < 300)
			return 0;
		if (!quiet)
			fprintf(stderr, "vigil exec: ping %s: %s\n", suffix[0] ? suffix : "success",
			        rc != CURLE_OK  ? (err[0] ? err : curl_easy_strerror(rc))
			        : status == 404 ? "HTTP 404: no push monitor has this URL's token"
			                        : "Vigil refused it");
		if (rc == CURLE_OK && status >= 400 && status < 500 && status != 429)
			return -1; /* retrying does not help */
		if (attempt < PING_ATTEMPTS)
			sleep(1);
	}
	return -1;
}

/* Copies what is readable on FD to OUT and the tail; returns false at end of file. */
static bool pump(int fd, int out, struct tail *t)
{
	char buf[8192];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	tail_add(t, buf, (size_t)n);
	if (write(out, buf, (size_t)n) < 0) {
		/* our own output is gone (closed pipe): keep the job running anyway */
	}
	return true;
}

static pid_t spawn(char **argv, int outp[2], int errp[2])
{
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid != 0)
		return pid;
	setpgid(0, 0); /* its own group: a timeout kills what it started too */
	dup2(outp[1], STDOUT_FILENO);
	dup2(errp[1], STDERR_FILENO);
	execvp(argv[0], argv);
	fprintf(stderr, "vigil exec: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(EXIT_NOT_RUN);
}

/* Runs ARGV, teeing its output into T; returns its exit status as a shell would. */
static int supervise(char **argv, int64_t timeout_ms, struct tail *t)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, status = 0, open_fds = 2;
	int64_t deadline = timeout_ms > 0 ? time_mono_ns() / 1000000 + timeout_ms : 0;
	bool timed_out = false;
	pid_t pid = spawn(argv, outp, errp);

	if (pid < 0) {
		fprintf(stderr, "vigil exec: cannot start %s: %s\n", argv[0], strerror(errno));
		return EXIT_NOT_RUN;
	}
	close(outp[1]);
	close(errp[1]);
	while (open_fds > 0) {
		struct pollfd p[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
		int wait_ms = -1;

		if (deadline > 0) {
			int64_t left = deadline - time_mono_ns() / 1000000;

			if (left <= 0 && !timed_out) {
				fprintf(stderr, "vigil exec: %s timed out: killing it\n", argv[0]);
				kill(-pid, SIGKILL);
				timed_out = true;
			}
			wait_ms = timed_out ? 1000 : (int)(left > 1000 ? 1000 : left);
		}
		if (poll(p, 2, wait_ms) < 0 && errno != EINTR)
			break;
		if (p[0].fd >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !pump(outp[0], STDOUT_FILENO, t)) {
			close(outp[0]);
			outp[0] = -1;
			open_fds--;
		}
		if (p[1].fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !pump(errp[0], STDERR_FILENO, t)) {
			close(errp[0]);
			errp[0] = -1;
			open_fds--;
		}
		if (timed_out && open_fds > 0 && waitpid(pid, &status, WNOHANG) == pid) {
			pid = -1; /* a grandchild holds the pipes: stop reading */
			break;
		}
	}
	if (outp[0] >= 0)
		close(outp[0]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (timed_out)
		return EXIT_TIMEOUT;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int run(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "push", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = getenv("VIGIL_PUSH_URL");
	int64_t timeout_ms = 0;
	bool quiet = false;
	struct tail *t;
	char *body, code[8];
	size_t len;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:p:t:qh", longs, NULL)) != -1) {
		if (c == 'p')
			url = optarg;
		else if (c == 't' &&
		         (conf_duration_parse(optarg, &timeout_ms) < 0 || timeout_ms <= 0))
			return cli_usage_error(&cli_exec_verb,
			                       "--timeout: \"%s\" is not a duration", optarg);
		else if (c == 'q')
			quiet = true;
		else if (c == 'h')
			return cli_verb_help(&cli_exec_verb);
		else if (c != 't')
			return cli_usage_error(&cli_exec_verb, "%s \"%s\"",
			                       c == ':' ? "missing the argument of"
			                                : "unknown option",
			                       argv[optind - 1]);
	}
	if (url == NULL || *url == '\0')
		return cli_usage_error(&cli_exec_verb, "--push URL is required");
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return cli_usage_error(&cli_exec_verb, "--push: \"%s\" is not an http(s) URL", url);
	if (optind >= argc)
		return cli_usage_error(&cli_exec_verb, "no command to run after --");
	t = xcalloc(1, sizeof(*t));
	body = xmalloc(TAIL_MAX);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ping(url, "start", NULL, 0, quiet);
	rc = supervise(argv + optind, timeout_ms, t);
	len = tail_copy(t, body);
	snprintf(code, sizeof(code), "%d", rc);
	ping(url, rc == 0 ? "" : code, body, len, quiet);
	curl_global_cleanup();
	free(body);
	free(t);
	return rc;
}
