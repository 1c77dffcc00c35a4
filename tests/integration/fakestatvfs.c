/*
 * Test-only LD_PRELOAD shim: statvfs() of the path in $VIGIL_TEST_STATVFS_PATH
 * reports a filesystem 95 % full; every other path gets the real answer.
 * Built by test_host.py to drive the disk thresholds without filling a disk.
 */
#define _GNU_SOURCE
#define _LARGEFILE64_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

static int fake(const char *path, struct statvfs *buf)
{
	const char *want = getenv("VIGIL_TEST_STATVFS_PATH");

	if (want == NULL || strcmp(path, want) != 0)
		return -1;
	memset(buf, 0, sizeof(*buf));
	buf->f_bsize = buf->f_frsize = 4096;
	buf->f_blocks = 1000000;
	buf->f_bfree = buf->f_bavail = 50000;
	buf->f_files = 1000;
	buf->f_ffree = 500;
	return 0;
}

int statvfs(const char *path, struct statvfs *buf)
{
	static int (*real)(const char *, struct statvfs *);

	if (fake(path, buf) == 0)
		return 0;
	if (real == NULL)
		real = (int (*)(const char *, struct statvfs *))dlsym(RTLD_NEXT, "statvfs");
	return real(path, buf);
}

/* The same under _FILE_OFFSET_BITS=64 (hiredis' pkg-config flags turn it on). */
int statvfs64(const char *path, struct statvfs64 *buf)
{
	static int (*real)(const char *, struct statvfs64 *);

	if (fake(path, (struct statvfs *)buf) == 0)
		return 0;
	if (real == NULL)
		real = (int (*)(const char *, struct statvfs64 *))dlsym(RTLD_NEXT, "statvfs64");
	return real(path, buf);
}
