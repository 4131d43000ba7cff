#ifndef GITSPEC_TEST_HELPERS_H
#define GITSPEC_TEST_HELPERS_H

/*
 * What the unit tests share: shell commands, files, and a throwaway
 * repository built with real git in a trash directory with HOME pointed
 * into it and fixed identities and dates (as git's t/test-lib.sh does).
 * Include after <cmocka.h>. Functions are static inline so that a test
 * using only some of them still builds with -Werror.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"

static char th_top[4096];
static char th_origin[4096];

/* Run a shell command line, silenced; fail the test when it fails. */
static inline void th_run(const char *fmt, ...) GS_PRINTF(1, 2);
static inline void th_run(const char *fmt, ...)
{
	gs_buf cmd = GS_BUF_INIT;
	va_list ap;
	int rc;

	/* the whole command line, not only its last command, is silenced */
	gs_buf_puts(&cmd, "(");
	va_start(ap, fmt);
	gs_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	gs_buf_puts(&cmd, "\n) >/dev/null 2>&1");
	rc = system(cmd.ptr);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, cmd.ptr);
	gs_buf_release(&cmd);
}

/* The first line a command prints. */
static inline void th_capture_line(gs_buf *out, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	int c;

	assert_non_null(f);
	gs_buf_clear(out);
	while ((c = fgetc(f)) != EOF && c != '\n')
		gs_buf_putc(out, (char)c);
	pclose(f);
}

/* Write `content` to `path`, making its directories. */
static inline void th_write_file(const char *path, const char *content)
{
	const char *slash = strrchr(path, '/');
	FILE *f;

	if (slash)
		th_run("mkdir -p '%.*s'", (int)(slash - path), path);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/*
 * A trash directory named after `name` with a fresh repository "repo" in
 * it, made the current directory; libgit2 initialised. 0 or -1.
 */
static inline int th_repo_setup(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	if (!getcwd(th_origin, sizeof(th_origin)))
		return -1;
	snprintf(th_top, sizeof(th_top), "%s/gs-test-%s.XXXXXX", tmp ? tmp : "/tmp", name);
	if (!mkdtemp(th_top) || chdir(th_top) < 0)
		return -1;
	setenv("HOME", th_top, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	setenv("GIT_AUTHOR_DATE", "2026-11-21T12:00:00Z", 1);
	setenv("GIT_COMMITTER_DATE", "2026-11-21T12:00:00Z", 1);
	setenv("SOURCE_DATE_EPOCH", "1795348800", 1);
	setenv("LC_ALL", "C", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	th_run("git init -q -b main repo");
	if (chdir("repo") < 0)
		return -1;
	git_libgit2_init();
	return 0;
}

/* Leave and remove the trash directory. */
static inline int th_repo_teardown(void)
{
	git_libgit2_shutdown();
	unsetenv("GIT_INDEX_FILE");
	if (chdir(th_origin) < 0)
		return -1;
	th_run("rm -rf '%s'", th_top);
	return 0;
}

#endif
