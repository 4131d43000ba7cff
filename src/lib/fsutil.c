#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/fsutil.h"

#ifndef O_CLOEXEC
# define O_CLOEXEC 0
#endif

/*
 * Reject what can never name a file below `root`: an empty or absolute path,
 * and empty, "." or ".." components. Callers validate repository paths
 * already (DESIGN 3.6); this is the last line of defence.
 */
static int check_relative(const char *path)
{
	const char *p = path, *end;
	size_t n;

	if (!*path || *path == '/')
		return gs_error_set(GS_EINPUT, "refusing to write '%s': not a relative path", path);
	for (;;) {
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return gs_error_set(GS_EINPUT, "refusing to write '%s': bad path component", path);
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int refuse_link(const char *path, const char *prefix)
{
	return gs_error_set(GS_EINPUT, "refusing to write '%s': '%s' is a symbolic link",
			    path, prefix);
}

/*
 * Open the directory holding the last component of `path` below `root`,
 * one component at a time with O_NOFOLLOW, so that a symbolic link swapped
 * in between the check and the open is refused rather than followed.
 * `scratch` receives a copy of `path` whose separators are cut as the walk
 * proceeds; *base points at the last component inside it.
 */
static int open_parent(int *out, const char **base, gs_buf *scratch,
		       const char *root, const char *path, int create)
{
	int error = 0, dirfd = -1, next;
	char *comp, *slash;
	struct stat st;

	gs_buf_sets(scratch, path);
	dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		error = gs_error_set(GS_ERROR, "cannot open directory '%s': %s", root, strerror(errno));
		goto done;
	}
	comp = scratch->ptr;
	while ((slash = strchr(comp, '/'))) {
		*slash = '\0';
		if (fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT || !create) {
				error = gs_error_set(GS_ERROR, "cannot write '%s': cannot examine '%s': %s",
						     path, scratch->ptr, strerror(errno));
				goto done;
			}
			if (mkdirat(dirfd, comp, 0777) < 0 && errno != EEXIST) {
				error = gs_error_set(GS_ERROR, "cannot create directory '%s': %s",
						     scratch->ptr, strerror(errno));
				goto done;
			}
		} else if (S_ISLNK(st.st_mode)) {
			error = refuse_link(path, scratch->ptr);
			goto done;
		} else if (!S_ISDIR(st.st_mode)) {
			error = gs_error_set(GS_EINPUT, "refusing to write '%s': '%s' is not a directory",
					     path, scratch->ptr);
			goto done;
		}
		next = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			if (errno == ELOOP)
				error = refuse_link(path, scratch->ptr);
			else if (errno == ENOTDIR)
				error = gs_error_set(GS_EINPUT, "refusing to write '%s': '%s' is not a directory",
						     path, scratch->ptr);
			else
				error = gs_error_set(GS_ERROR, "cannot open directory '%s': %s",
						     scratch->ptr, strerror(errno));
			goto done;
		}
		close(dirfd);
		dirfd = next;
		*slash = '/';
		comp = slash + 1;
	}
	*base = comp;
	*out = dirfd;
	dirfd = -1;
done:
	if (dirfd >= 0)
		close(dirfd);
	return error;
}

int gs_write_file_atomic(const char *root, const char *path, const char *data, size_t len, mode_t mode)
{
	static atomic_uint counter;
	int error = 0, dirfd = -1, fd = -1, have_tmp = 0, keep_mode = 0, tries;
	gs_buf scratch = GS_BUF_INIT, tmp = GS_BUF_INIT;
	const char *base = NULL;
	struct stat st;

	if ((error = check_relative(path)) < 0)
		goto done;
	if ((error = open_parent(&dirfd, &base, &scratch, root, path, 1)) < 0)
		goto done;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode)) {
			error = refuse_link(path, path);
			goto done;
		}
		if (!S_ISREG(st.st_mode)) {
			error = gs_error_set(GS_EINPUT, "refusing to write '%s': not a regular file", path);
			goto done;
		}
		keep_mode = 1;
		mode = st.st_mode & 07777;
	} else if (errno != ENOENT) {
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}

	/*
	 * A fixed-length name (not derived from the target's, which may be
	 * near NAME_MAX) in the target's directory, so that rename() is
	 * atomic. O_EXCL: never reuse a file someone else created.
	 */
	for (tries = 0; tries < 100; tries++) {
		gs_buf_clear(&tmp);
		gs_buf_printf(&tmp, ".gs-tmp-%ld-%u", (long)getpid(), atomic_fetch_add(&counter, 1));
		fd = openat(dirfd, tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    keep_mode ? 0600 : mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		error = gs_error_set(GS_ERROR, "cannot create a temporary file for '%s': %s",
				     path, strerror(errno));
		goto done;
	}
	have_tmp = 1;
	/* An existing file keeps its permission bits, whatever the umask. */
	if (keep_mode && fchmod(fd, mode) < 0) {
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	if (write_all(fd, data, len) < 0) {
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	fd = -1;
	/* rename() replaces a symlink swapped in meanwhile; it never follows it. */
	if (renameat(dirfd, tmp.ptr, dirfd, base) < 0) {
		error = gs_error_set(errno == EISDIR ? GS_EINPUT : GS_ERROR,
				     "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	have_tmp = 0;
done:
	if (fd >= 0)
		close(fd);
	if (have_tmp)
		unlinkat(dirfd, tmp.ptr, 0);
	if (dirfd >= 0)
		close(dirfd);
	gs_buf_release(&scratch);
	gs_buf_release(&tmp);
	return error;
}

int gs_read_file(gs_buf *out, const char *path)
{
	int error = 0, fd;
	char chunk[65536];
	ssize_t n;

	gs_buf_clear(out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error = gs_error_set(errno == ENOENT ? GS_ENOTFOUND : GS_ERROR,
				     "cannot read '%s': %s", path, strerror(errno));
		goto done;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = gs_error_set(GS_ERROR, "cannot read '%s': %s", path, strerror(errno));
			goto done;
		}
		if (!n)
			break;
		gs_buf_put(out, chunk, (size_t)n);
	}
done:
	if (fd >= 0)
		close(fd);
	return error;
}

int gs_path_has_symlink(const char *root, const char *path)
{
	int error = 0;
	gs_buf full = GS_BUF_INIT;
	size_t root_len;
	const char *p = path;
	struct stat st;

	gs_buf_puts(&full, root);
	root_len = full.size;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n) {
			gs_buf_putc(&full, '/');
			gs_buf_put(&full, p, n);
			if (lstat(full.ptr, &st) < 0) {
				if (errno != ENOENT && errno != ENOTDIR)
					error = gs_error_set(GS_ERROR, "cannot examine '%s': %s",
							     full.ptr + root_len + 1, strerror(errno));
				goto done;
			}
			if (S_ISLNK(st.st_mode)) {
				error = 1;
				goto done;
			}
		}
		if (!end)
			break;
		p = end + 1;
	}
done:
	gs_buf_release(&full);
	return error;
}

/*
 * Lock files held by this process, for the signal handler. Slots hold
 * preallocated paths so that the handler needs no allocation; the state is
 * a lock-free atomic (0 free, 1 being filled, 2 armed), the only kind of
 * shared object a handler may read. The owner pid keeps a forked child from
 * removing its parent's locks.
 */
#define LOCK_SLOTS 16
#define LOCK_PATH_MAX 4096

static atomic_int lock_state[LOCK_SLOTS];
static pid_t lock_owner[LOCK_SLOTS];
static char lock_paths[LOCK_SLOTS][LOCK_PATH_MAX];

static int lock_register(const char *lock_path)
{
	size_t len = strlen(lock_path);
	int i;

	if (len >= LOCK_PATH_MAX)
		return -1;
	for (i = 0; i < LOCK_SLOTS; i++) {
		int expected = 0;

		if (atomic_compare_exchange_strong(&lock_state[i], &expected, 1)) {
			memcpy(lock_paths[i], lock_path, len + 1);
			lock_owner[i] = getpid();
			atomic_store(&lock_state[i], 2);
			return i;
		}
	}
	return -1;
}

static void lock_unregister(int slot)
{
	if (slot >= 0 && slot < LOCK_SLOTS)
		atomic_store(&lock_state[slot], 0);
}

static void remove_held_locks(void)
{
	pid_t me = getpid();
	int i;

	for (i = 0; i < LOCK_SLOTS; i++)
		if (atomic_load(&lock_state[i]) == 2 && lock_owner[i] == me)
			unlink(lock_paths[i]);
}

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
static struct sigaction old_actions[GS_ARRAY_SIZE(cleanup_signals)];

static void cleanup_signal_handler(int sig)
{
	size_t i;

	remove_held_locks();
	for (i = 0; i < GS_ARRAY_SIZE(cleanup_signals); i++)
		if (cleanup_signals[i] == sig)
			sigaction(sig, &old_actions[i], NULL);
	/* Delivered with the old disposition once this handler returns. */
	raise(sig);
}

void gs_lockfile_cleanup_on_signal(void)
{
	static int installed;
	struct sigaction sa;
	size_t i;

	if (installed)
		return;
	installed = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cleanup_signal_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < GS_ARRAY_SIZE(cleanup_signals); i++) {
		/*
		 * A signal the process ignores stays ignored: removing the
		 * locks and then carrying on would leave the caller holding
		 * lock files that no longer exist.
		 */
		if (sigaction(cleanup_signals[i], NULL, &old_actions[i]) < 0 ||
		    old_actions[i].sa_handler == SIG_IGN)
			continue;
		sigaction(cleanup_signals[i], &sa, NULL);
	}
	atexit(remove_held_locks);
}

static void lockfile_forget(gs_lockfile *lk)
{
	/*
	 * Only a held lock owns its slot: a structure cleared with memset
	 * (slot 0) and never held must not free another lock's slot.
	 */
	if (lk->lock_path)
		lock_unregister(lk->slot);
	lk->slot = -1;
	free(lk->path);
	free(lk->lock_path);
	lk->path = NULL;
	lk->lock_path = NULL;
}

int gs_lockfile_hold(gs_lockfile *lk, const char *path)
{
	int error = 0;
	gs_buf lock = GS_BUF_INIT;

	lk->path = NULL;
	lk->lock_path = NULL;
	lk->fd = -1;
	lk->slot = -1;
	gs_buf_printf(&lock, "%s.lock", path);
	lk->fd = open(lock.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (lk->fd < 0) {
		if (errno == EEXIST)
			error = gs_error_set(GS_ELOCKED,
					     "unable to create '%s': File exists. Another git process "
					     "seems to be running in this repository; if it is not, "
					     "remove the file and try again", lock.ptr);
		else
			error = gs_error_set(GS_ERROR, "unable to create '%s': %s",
					     lock.ptr, strerror(errno));
		goto done;
	}
	lk->path = gs_xstrdup(path);
	lk->lock_path = gs_buf_detach(&lock, NULL);
	/* As git's lockfile API does: a held lock never outlives a ^C. */
	gs_lockfile_cleanup_on_signal();
	lk->slot = lock_register(lk->lock_path);
done:
	gs_buf_release(&lock);
	return error;
}

int gs_lockfile_write(gs_lockfile *lk, const char *data, size_t len)
{
	if (!lk->lock_path || lk->fd < 0)
		return gs_error_set(GS_ERROR, "cannot write a lock file that is not held");
	if (write_all(lk->fd, data, len) < 0)
		return gs_error_set(GS_ERROR, "cannot write '%s': %s", lk->lock_path, strerror(errno));
	return 0;
}

int gs_lockfile_commit(gs_lockfile *lk)
{
	int error = 0, fd = lk->fd;

	if (!lk->lock_path)
		return gs_error_set(GS_ERROR, "cannot commit a lock file that is not held");
	lk->fd = -1;
	if (fd >= 0 && close(fd) < 0) {
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", lk->lock_path, strerror(errno));
		goto done;
	}
	if (rename(lk->lock_path, lk->path) < 0) {
		error = gs_error_set(GS_ERROR, "cannot rename '%s' to '%s': %s",
				     lk->lock_path, lk->path, strerror(errno));
		goto done;
	}
	lockfile_forget(lk);
done:
	if (error < 0)
		gs_lockfile_rollback(lk);
	return error;
}

void gs_lockfile_rollback(gs_lockfile *lk)
{
	if (!lk)
		return;
	if (lk->fd >= 0) {
		close(lk->fd);
		lk->fd = -1;
	}
	/* Remove the file before forgetting it (see fsutil.h). */
	if (lk->lock_path)
		unlink(lk->lock_path);
	lockfile_forget(lk);
}

int gs_replace_file(const char *path, const char *data, size_t len, mode_t mode)
{
	gs_buf tmp = GS_BUF_INIT;
	const char *slash = strrchr(path, '/');
	int fd = -1, error = 0, attempt;
	size_t off = 0;

	for (attempt = 0; attempt < 100 && fd < 0; attempt++) {
		gs_buf_clear(&tmp);
		if (slash)
			gs_buf_put(&tmp, path, (size_t)(slash - path) + 1);
		gs_buf_printf(&tmp, ".gitspec-tmp-%ld-%d", (long)getpid(), attempt);
		fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		error = gs_error_set(GS_ERROR, "cannot create '%s': %s", tmp.ptr, strerror(errno));
		gs_buf_clear(&tmp);
		goto done;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			error = gs_error_set(GS_ERROR, "cannot write '%s': %s", tmp.ptr, strerror(errno));
			goto done;
		}
		off += (size_t)w;
	}
	/* open(2) applies the umask; the caller's mode is meant exactly */
	if (fchmod(fd, mode) < 0 || close(fd) < 0) {
		fd = -1;
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0)
		error = gs_error_set(GS_ERROR, "cannot replace '%s': %s", path, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (error && tmp.size)
		unlink(tmp.ptr);
	gs_buf_release(&tmp);
	return error;
}
