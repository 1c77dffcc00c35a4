/* posix_spawn with pipes, a session of its own, a clean descriptor table and a pidfd. */
#include "probe/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

/* The value of NAME in ENVP, or NULL. */
static const char *env_get(char *const envp[], const char *name)
{
	size_t n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/*
 * Finds FILE in PATH as execvp would, into OUT. Returns 0, or -ENOENT (or
 * -EACCES when only non-executable files of that name were found).
 */
static int lookup(const char *file, const char *path, char *out, size_t size)
{
	int err = -ENOENT;
	const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin";

	if (strchr(file, '/') != NULL) {
		if (snprintf(out, size, "%s", file) >= (int)size)
			return -ENAMETOOLONG;
		return 0;
	}
	while (*p != '\0') {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct stat st;

		if (snprintf(out, size, "%.*s%s%s", (int)len, len ? p : ".", "/", file) <
		            (int)size &&
		    stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			err = -EACCES;
		}
		p += len + (end != NULL);
	}
	return err;
}

static int make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	/* our end is read from the loop */
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
		int e = -errno;

		close(fds[0]);
		close(fds[1]);
		return e;
	}
	return 0;
}

static int spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int outw, int errw, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outw, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errw, STDERR_FILENO);
	/* whatever a library opened without O_CLOEXEC stays with us */
	posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	if (cwd != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all); /* SIGPIPE was ignored here */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
	                                      POSIX_SPAWN_SETSIGDEF);
	r = posix_spawn(pid, path, &fa, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

int spawn_child(char *const argv[], char *const envp[], const char *cwd, struct spawn_child *out)
{
	char path[PATH_MAX];
	int o[2], e[2], r;

	r = lookup(argv[0], env_get(envp, "PATH"), path, sizeof(path));
	if (r < 0)
		return r;
	if ((r = make_pipe(o)) < 0)
		return r;
	if ((r = make_pipe(e)) < 0) {
		close(o[0]);
		close(o[1]);
		return r;
	}
	r = spawn(path, argv, envp, cwd, o[1], e[1], &out->pid);
	close(o[1]);
	close(e[1]);
	if (r < 0) {
		close(o[0]);
		close(e[0]);
		return r;
	}
	out->out = o[0];
	out->err = e[0];
	out->pidfd = pidfd_open(out->pid, 0);
	if (out->pidfd >= 0)
		(void)fcntl(out->pidfd, F_SETFD, FD_CLOEXEC);
	return 0;
}
