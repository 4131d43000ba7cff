#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/fsutil.h"

struct fixture {
	char root[64];
	gs_buf path;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/gs-fsutil-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	gs_buf_init(&f->path, 0);
	umask(022);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	gs_buf cmd = GS_BUF_INIT;
	int rc;

	gs_buf_printf(&cmd, "rm -rf '%s'", f->root);
	rc = system(cmd.ptr);
	gs_buf_release(&cmd);
	gs_buf_release(&f->path);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* f->root + "/" + rel, in f->path (overwritten by each call). */
static const char *at(struct fixture *f, const char *rel)
{
	gs_buf_clear(&f->path);
	gs_buf_printf(&f->path, "%s/%s", f->root, rel);
	return f->path.ptr;
}

static void put_file(struct fixture *f, const char *rel, const char *content)
{
	FILE *fp = fopen(at(f, rel), "w");

	assert_non_null(fp);
	fputs(content, fp);
	assert_int_equal(fclose(fp), 0);
}

static void assert_content(struct fixture *f, const char *rel, const char *content)
{
	gs_buf b = GS_BUF_INIT;

	assert_int_equal(gs_read_file(&b, at(f, rel)), 0);
	assert_string_equal(b.ptr, content);
	gs_buf_release(&b);
}

/* Number of entries below `dir` (recursively) whose name starts with `prefix`. */
static int count_named(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		gs_buf sub = GS_BUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
		gs_buf_printf(&sub, "%s/%s", dir, de->d_name);
		if (!lstat(sub.ptr, &st) && S_ISDIR(st.st_mode))
			n += count_named(sub.ptr, prefix);
		gs_buf_release(&sub);
	}
	closedir(d);
	return n;
}

static void assert_no_temp(struct fixture *f)
{
	assert_int_equal(count_named(f->root, ".gs-tmp-"), 0);
}

static void test_write_creates_dirs(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(gs_write_file_atomic(f->root, "a/b/c/file.md", "hello\n", 6, 0666), 0);
	assert_content(f, "a/b/c/file.md", "hello\n");
	assert_int_equal(stat(at(f, "a/b/c/file.md"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(stat(at(f, "a/b"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);

	/* Overwrite; an empty file is fine too. */
	assert_int_equal(gs_write_file_atomic(f->root, "a/b/c/file.md", "", 0, 0666), 0);
	assert_content(f, "a/b/c/file.md", "");
	assert_no_temp(f);
}

static void test_write_keeps_mode(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	put_file(f, "x.sh", "old\n");
	assert_int_equal(chmod(at(f, "x.sh"), 0750), 0);
	assert_int_equal(gs_write_file_atomic(f->root, "x.sh", "new\n", 4, 0666), 0);
	assert_content(f, "x.sh", "new\n");
	assert_int_equal(stat(at(f, "x.sh"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);

	/* A new file gets mode & ~umask. */
	umask(077);
	assert_int_equal(gs_write_file_atomic(f->root, "y.sh", "y\n", 2, 0755), 0);
	umask(022);
	assert_int_equal(stat(at(f, "y.sh"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

static void test_symlink_component_refused(void **state)
{
	struct fixture *f = *state;
	gs_buf out = GS_BUF_INIT;

	assert_int_equal(mkdir(at(f, "outside"), 0755), 0);
	assert_int_equal(mkdir(at(f, "repo"), 0755), 0);
	assert_int_equal(mkdir(at(f, "repo/d"), 0755), 0);
	gs_buf_printf(&out, "%s/outside", f->root);
	assert_int_equal(symlink(out.ptr, at(f, "repo/d/link")), 0);

	gs_buf_clear(&out);
	gs_buf_printf(&out, "%s/repo", f->root);
	assert_int_equal(gs_write_file_atomic(out.ptr, "d/link/spec.md", "x", 1, 0666), GS_EINPUT);
	assert_string_equal(gs_error_last(),
			    "refusing to write 'd/link/spec.md': 'd/link' is a symbolic link");
	assert_int_equal(count_named(at(f, "outside"), ""), 0);
	/* Also below the link, with directories still to create. */
	assert_int_equal(gs_write_file_atomic(out.ptr, "d/link/new/spec.md", "x", 1, 0666), GS_EINPUT);
	assert_int_equal(count_named(at(f, "outside"), ""), 0);

	assert_int_equal(gs_path_has_symlink(out.ptr, "d/link/spec.md"), 1);
	assert_int_equal(gs_path_has_symlink(out.ptr, "d/link"), 1);
	assert_int_equal(gs_path_has_symlink(out.ptr, "d/other/x"), 0);
	assert_int_equal(gs_path_has_symlink(out.ptr, "d"), 0);
	assert_no_temp(f);
	gs_buf_release(&out);
}

static void test_symlink_target_refused(void **state)
{
	struct fixture *f = *state;

	put_file(f, "real.md", "keep\n");
	assert_int_equal(symlink("real.md", at(f, "link.md")), 0);
	assert_int_equal(gs_write_file_atomic(f->root, "link.md", "x", 1, 0666), GS_EINPUT);
	assert_string_equal(gs_error_last(),
			    "refusing to write 'link.md': 'link.md' is a symbolic link");
	assert_content(f, "real.md", "keep\n");
	assert_int_equal(gs_path_has_symlink(f->root, "link.md"), 1);

	/* A dangling link is refused as well. */
	assert_int_equal(symlink("nowhere.md", at(f, "dangling.md")), 0);
	assert_int_equal(gs_write_file_atomic(f->root, "dangling.md", "x", 1, 0666), GS_EINPUT);
	assert_int_equal(access(at(f, "nowhere.md"), F_OK), -1);
	assert_no_temp(f);
}

static void test_non_regular_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdir(at(f, "dir.md"), 0755), 0);
	assert_int_equal(gs_write_file_atomic(f->root, "dir.md", "x", 1, 0666), GS_EINPUT);
	assert_string_equal(gs_error_last(), "refusing to write 'dir.md': not a regular file");

	put_file(f, "file", "f\n");
	assert_int_equal(gs_write_file_atomic(f->root, "file/sub.md", "x", 1, 0666), GS_EINPUT);
	assert_string_equal(gs_error_last(), "refusing to write 'file/sub.md': 'file' is not a directory");
	assert_content(f, "file", "f\n");
	assert_no_temp(f);
}

static void test_bad_paths(void **state)
{
	struct fixture *f = *state;
	static const char *bad[] = { "", "/etc/passwd", "../x", "a/../x", "a//b", "a/./b", "a/", "." };
	size_t i;

	for (i = 0; i < GS_ARRAY_SIZE(bad); i++)
		assert_int_equal(gs_write_file_atomic(f->root, bad[i], "x", 1, 0666), GS_EINPUT);
	assert_int_equal(count_named(f->root, ""), 0);
}

static void test_failed_write_leaves_target(void **state)
{
	struct fixture *f = *state;
	struct rlimit old, lim;
	char big[8192];
	void (*old_handler)(int);

	memset(big, 'x', sizeof(big));
	put_file(f, "t.md", "original\n");
	/* EFBIG from the file size limit: works even when running as root. */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1024;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(gs_write_file_atomic(f->root, "t.md", big, sizeof(big), 0666), GS_ERROR);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);
	assert_non_null(strstr(gs_error_last(), "cannot write 't.md'"));
	assert_content(f, "t.md", "original\n");
	assert_no_temp(f);
}

/*
 * The writer of many files: the same results as gs_write_file_atomic
 * whatever its caller believes about the target (expect_new), and it
 * leaves no temporary file behind.
 */
static void test_tree_writer(void **state)
{
	struct fixture *f = *state;
	gs_tree_writer *w;
	struct stat st;

	put_file(f, "old.md", "old\n");
	assert_int_equal(chmod(at(f, "old.md"), 0600), 0);
	put_file(f, "real.md", "keep\n");
	assert_int_equal(symlink("real.md", at(f, "link.md")), 0);
	assert_int_equal(mkdir(at(f, "dir.md"), 0755), 0);

	gs_tree_writer_init(&w, f->root);
	/* new files in new directories, two in one directory, one at the top */
	assert_int_equal(gs_tree_writer_put(w, "s/one/contracts/a.md", "a\n", 2, 0666, 1), 0);
	assert_int_equal(gs_tree_writer_put(w, "s/one/contracts/b.md", "b\n", 2, 0666, 1), 0);
	assert_int_equal(gs_tree_writer_put(w, "s/two/contracts/a.md", "2\n", 2, 0666, 0), 0);
	assert_int_equal(gs_tree_writer_put(w, "top.md", "t\n", 2, 0666, 1), 0);
	/* back to a directory written before */
	assert_int_equal(gs_tree_writer_put(w, "s/one/contracts/a.md", "A\n", 2, 0666, 0), 0);
	/* believed new but there: it keeps its mode */
	assert_int_equal(gs_tree_writer_put(w, "old.md", "new\n", 4, 0666, 1), 0);
	/* believed new but a link or a directory: refused, untouched */
	assert_int_equal(gs_tree_writer_put(w, "link.md", "x", 1, 0666, 1), GS_EINPUT);
	assert_string_equal(gs_error_last(),
			    "refusing to write 'link.md': 'link.md' is a symbolic link");
	assert_int_equal(gs_tree_writer_put(w, "dir.md", "x", 1, 0666, 1), GS_EINPUT);
	assert_string_equal(gs_error_last(), "refusing to write 'dir.md': not a regular file");
	assert_int_equal(gs_tree_writer_put(w, "../x.md", "x", 1, 0666, 1), GS_EINPUT);
	/* and it goes on after a refusal */
	assert_int_equal(gs_tree_writer_put(w, "s/one/contracts/c.md", "c\n", 2, 0666, 1), 0);
	gs_tree_writer_free(w);
	gs_tree_writer_free(NULL);

	assert_content(f, "s/one/contracts/a.md", "A\n");
	assert_content(f, "s/one/contracts/b.md", "b\n");
	assert_content(f, "s/one/contracts/c.md", "c\n");
	assert_content(f, "s/two/contracts/a.md", "2\n");
	assert_content(f, "top.md", "t\n");
	assert_content(f, "old.md", "new\n");
	assert_int_equal(stat(at(f, "old.md"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(at(f, "top.md"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_content(f, "real.md", "keep\n");
	assert_int_equal(lstat(at(f, "link.md"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(count_named(f->root, ".gitspec-tmp-"), 0);
	assert_int_equal(count_named(f->root, "gitspec-tmp-"), 0);
}

static void test_read_missing(void **state)
{
	struct fixture *f = *state;
	gs_buf b = GS_BUF_INIT;

	assert_int_equal(gs_read_file(&b, at(f, "missing")), GS_ENOTFOUND);
	assert_non_null(strstr(gs_error_last(), "cannot read '"));
	assert_int_equal(b.size, 0);
	gs_buf_release(&b);
}

/* The one reader: its bound, its checks, and a stream that fstat cannot size. */
static void test_read_bounded(void **state)
{
	struct fixture *f = *state;
	gs_read_opts small = { 4, 0, NULL }, contract = { 1u << 20, 0, "a contract can be" };
	gs_read_opts regular = { 0, GS_READ_REGULAR, NULL }, nofollow = { 0, GS_READ_NOFOLLOW, NULL };
	gs_buf b = GS_BUF_INIT, big = GS_BUF_INIT;
	int fds[2];

	put_file(f, "five", "12345");
	assert_int_equal(gs_read_file_opts(&b, at(f, "five"), &small), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "five' is larger than allowed (limit 4 bytes)"));
	assert_int_equal(b.size, 0);
	small.max = 5;
	assert_int_equal(gs_read_file_opts(&b, at(f, "five"), &small), 0);
	assert_string_equal(b.ptr, "12345");

	gs_buf_setlen(&big, (1u << 20) + 1);
	memset(big.ptr, 'x', big.size);
	put_file(f, "big", big.ptr);
	assert_int_equal(gs_read_file_opts(&b, at(f, "big"), &contract), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "big' is larger than a contract can be (limit 1 MiB)"));

	assert_int_equal(mkfifo(at(f, "fifo"), 0644), 0);
	assert_int_equal(gs_read_file_opts(&b, at(f, "fifo"), &regular), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "fifo': not a regular file"));
	assert_int_equal(gs_read_file_opts(&b, f->root, &regular), GS_EINPUT);

	assert_int_equal(symlink("five", at(f, "link")), 0);
	assert_int_equal(gs_read_file(&b, at(f, "link")), 0);
	assert_string_equal(b.ptr, "12345");
	assert_int_equal(gs_read_file_opts(&b, at(f, "link"), &nofollow), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "link': symbolic link"));
	assert_int_equal(gs_read_file(&b, at(f, "five/below")), GS_ENOTFOUND);

	/* A pipe: read in chunks to its end, bounded all the same. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "line 1\nline 2\n", 14), 14);
	close(fds[1]);
	assert_int_equal(gs_read_fd(&b, fds[0], NULL, NULL), 0);
	assert_string_equal(b.ptr, "line 1\nline 2\n");
	close(fds[0]);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "123456", 6), 6);
	close(fds[1]);
	assert_int_equal(gs_read_fd(&b, fds[0], NULL, &small), GS_EINPUT);
	assert_string_equal(gs_error_last(), "standard input is larger than allowed (limit 5 bytes)");
	close(fds[0]);
	gs_buf_release(&b);
	gs_buf_release(&big);
}

static void test_exe_dir(void **state)
{
	gs_buf dir = GS_BUF_INIT, self = GS_BUF_INIT;
	char *exe = realpath("/proc/self/exe", NULL);

	(void)state;
	assert_non_null(exe);
	assert_int_equal(gs_exe_dir(&dir), 0);
	gs_buf_sets(&self, exe);
	gs_buf_setlen(&self, (size_t)(strrchr(self.ptr, '/') - self.ptr));
	assert_string_equal(dir.ptr, self.ptr);
	free(exe);
	gs_buf_release(&dir);
	gs_buf_release(&self);
}

static void test_lockfile(void **state)
{
	struct fixture *f = *state;
	gs_lockfile a = GS_LOCKFILE_INIT, b = GS_LOCKFILE_INIT;
	gs_buf target = GS_BUF_INIT, msg = GS_BUF_INIT;

	gs_buf_sets(&target, at(f, "index"));
	put_file(f, "index", "old\n");

	assert_int_equal(gs_lockfile_hold(&a, target.ptr), 0);
	assert_int_equal(access(at(f, "index.lock"), F_OK), 0);
	assert_int_equal(gs_lockfile_hold(&b, target.ptr), GS_ELOCKED);
	gs_buf_printf(&msg, "unable to create '%s/index.lock': File exists. Another git process "
		      "seems to be running in this repository; if it is not, remove the file "
		      "and try again", f->root);
	assert_string_equal(gs_error_last(), msg.ptr);
	gs_lockfile_rollback(&b); /* never held: harmless */
	assert_int_equal(access(at(f, "index.lock"), F_OK), 0);

	assert_int_equal(gs_lockfile_write(&a, "new\n", 4), 0);
	assert_content(f, "index", "old\n");
	assert_int_equal(gs_lockfile_commit(&a), 0);
	assert_content(f, "index", "new\n");
	assert_int_equal(access(at(f, "index.lock"), F_OK), -1);
	gs_lockfile_rollback(&a); /* after commit: harmless */
	assert_content(f, "index", "new\n");

	/* Rollback removes the lock and leaves the target alone. */
	assert_int_equal(gs_lockfile_hold(&b, target.ptr), 0);
	assert_int_equal(gs_lockfile_write(&b, "discarded\n", 10), 0);
	gs_lockfile_rollback(&b);
	gs_lockfile_rollback(&b);
	assert_int_equal(access(at(f, "index.lock"), F_OK), -1);
	assert_content(f, "index", "new\n");

	assert_int_equal(gs_lockfile_write(&b, "x", 1), GS_ERROR);
	assert_int_equal(gs_lockfile_commit(&b), GS_ERROR);
	gs_buf_release(&target);
	gs_buf_release(&msg);
}

/* Run `fn` in a forked child; returns its wait status. */
static int in_fork(void (*fn)(const char *), const char *arg)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		fn(arg);
		_exit(42);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/*
 * Run the scenario `name` in a fresh process (this program again, see
 * main()), so that no signal handler installed by an earlier test is
 * inherited; returns its wait status.
 */
static int in_fresh_process(const char *name, const char *arg)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		execl("/proc/self/exe", "test_fsutil", "--child", name, arg, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void child_killed_holding(const char *target)
{
	gs_lockfile lk = GS_LOCKFILE_INIT, zeroed;

	/* Holding installs the handlers by itself. */
	if (gs_lockfile_hold(&lk, target) < 0)
		_exit(1);
	/* Rolling back a never-held, zeroed lock must not forget `lk`'s slot. */
	memset(&zeroed, 0, sizeof(zeroed));
	zeroed.fd = -1;
	gs_lockfile_rollback(&zeroed);
	kill(getpid(), SIGTERM);
	_exit(2); /* not reached: the signal is re-raised */
}

static void child_exits_holding(const char *target)
{
	gs_lockfile lk = GS_LOCKFILE_INIT;

	gs_lockfile_cleanup_on_signal();
	if (gs_lockfile_hold(&lk, target) < 0)
		_exit(1);
	exit(3); /* atexit cleanup */
}

static void child_ignores_sigterm(const char *target)
{
	gs_lockfile lk = GS_LOCKFILE_INIT;

	signal(SIGTERM, SIG_IGN);
	if (gs_lockfile_hold(&lk, target) < 0)
		_exit(1);
	kill(getpid(), SIGTERM);
	/* Still ignored, and the lock is still ours to commit. */
	if (gs_lockfile_write(&lk, "done\n", 5) < 0 || gs_lockfile_commit(&lk) < 0)
		_exit(6);
	_exit(5);
}

static void child_exits(const char *arg)
{
	(void)arg;
	gs_lockfile_cleanup_on_signal();
	exit(4);
}

static void test_lockfile_signal_cleanup(void **state)
{
	struct fixture *f = *state;
	gs_buf target = GS_BUF_INIT;
	gs_lockfile lk = GS_LOCKFILE_INIT;
	int status;

	gs_buf_sets(&target, at(f, "index"));
	status = in_fresh_process("killed-holding", target.ptr);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	assert_int_equal(access(at(f, "index.lock"), F_OK), -1);

	status = in_fresh_process("exits-holding", target.ptr);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_int_equal(access(at(f, "index.lock"), F_OK), -1);

	status = in_fresh_process("ignores-sigterm", target.ptr);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 5);
	assert_content(f, "index", "done\n");

	/* A forked child exiting never removes its parent's lock. */
	assert_int_equal(gs_lockfile_hold(&lk, target.ptr), 0);
	status = in_fork(child_exits, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 4);
	assert_int_equal(access(at(f, "index.lock"), F_OK), 0);
	gs_lockfile_rollback(&lk);
	assert_int_equal(access(at(f, "index.lock"), F_OK), -1);
	gs_buf_release(&target);
}

/* gs_replace_file: exact mode whatever the umask, old content replaced, no leftovers. */
static void test_replace_file(void **state)
{
	struct fixture *f = *state;
	gs_buf data = GS_BUF_INIT;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int n = 0;

	umask(077);
	assert_int_equal(gs_replace_file(at(f, "hook"), "old\n", 4, 0644), 0);
	assert_int_equal(gs_replace_file(at(f, "hook"), "#!/bin/sh\n", 10, 0755), 0);
	assert_int_equal(stat(at(f, "hook"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(gs_read_file(&data, at(f, "hook")), 0);
	assert_string_equal(data.ptr, "#!/bin/sh\n");
	/* a missing directory fails cleanly and writes nothing */
	assert_int_equal(gs_replace_file(at(f, "missing/x"), "x", 1, 0644), GS_ERROR);
	d = opendir(f->root);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || strncmp(de->d_name, ".gitspec-tmp-", 13) == 0)
			n++;
	closedir(d);
	assert_int_equal(n, 1);
	umask(022);
	gs_buf_release(&data);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--child")) {
		if (!strcmp(argv[2], "killed-holding"))
			child_killed_holding(argv[3]);
		else if (!strcmp(argv[2], "exits-holding"))
			child_exits_holding(argv[3]);
		else if (!strcmp(argv[2], "ignores-sigterm"))
			child_ignores_sigterm(argv[3]);
		return 99;
	}

	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_creates_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_component_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_target_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_regular_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_leaves_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_bounded, setup, teardown),
		cmocka_unit_test(test_exe_dir),
		cmocka_unit_test_setup_teardown(test_replace_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockfile_signal_cleanup, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
