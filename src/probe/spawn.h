/*
 * Starting a program cheaply from a big process: posix_spawn, whose glibc
 * implementation clones with CLONE_VM | CLONE_VFORK, so the daemon's address
 * space is never copied (uv_spawn forks: copying the page tables and the
 * copy-on-write faults after it cost more CPU than the plugin itself).
 */
#ifndef VIGIL_PROBE_SPAWN_H
#define VIGIL_PROBE_SPAWN_H

#include <sys/types.h>

struct spawn_child {
	pid_t pid; /* also its process group and session: it leads its own */
	int out;   /* read end of its stdout (non-blocking, close-on-exec) */
	int err;   /* read end of its stderr */
	int pidfd; /* readable once it exited; -1 when the kernel has no pidfd_open */
};

/*
 * Runs ARGV[0] (looked up in the PATH of ENVP when it has no '/') with ARGV
 * and ENVP in CWD (NULL: ours): stdin /dev/null, stdout and stderr on two
 * new pipes, no other descriptor, every signal at its default and none
 * blocked, in a new session. Returns 0 and fills *OUT, or a negative errno
 * (-ENOENT, -EACCES, -ENOEXEC for the program; -ENOENT or -ENOTDIR for CWD;
 * -EMFILE, -ENOMEM, -EAGAIN for us), with nothing left open.
 */
int spawn_child(char *const argv[], char *const envp[], const char *cwd, struct spawn_child *out);

#endif
