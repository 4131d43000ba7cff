#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef SYS_openat2
# include <linux/openat2.h>
#endif
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
 * Open the directory holding the last component of `path` below `root`
 * (opened as *rootfd, or -1: then opened here when needed and left in
 * *rootfd for the caller to close), one component at a time with
 * O_NOFOLLOW, so that a symbolic link swapped in between the check and the
 * open is refused rather than followed. `scratch` receives a copy of
 * `path` whose separators are cut as the walk proceeds; *base points at
 * the last component inside it. *out may be *rootfd itself (a path without
 * a slash): the caller closes it only when it is not.
 */
static int open_parent(int *out, const char **base, gs_buf *scratch, int *rootfd,
		       const char *root, const char *path, int create)
{
	int error = 0, dirfd = -1, next;
	char *comp, *slash;
	struct stat st;

	gs_buf_sets(scratch, path);
#ifdef SYS_openat2
	/*
	 * Fastest, when nothing on the whole way is a link (callers pass
	 * paths without "." or ".." components): the parent in one call.
	 * A link in `root` itself is allowed, and takes the way below.
	 */
	if ((slash = strrchr(scratch->ptr, '/')) && *rootfd < 0) {
		struct open_how how;
		gs_buf full = GS_BUF_INIT;
		long fd;

		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
		gs_buf_printf(&full, "%s/%.*s", root, (int)(slash - scratch->ptr), scratch->ptr);
		do
			fd = syscall(SYS_openat2, AT_FDCWD, full.ptr, &how, sizeof(how));
		while (fd < 0 && errno == EAGAIN);
		gs_buf_release(&full);
		if (fd >= 0) {
			*base = slash + 1;
			*out = (int)fd;
			return 0;
		}
	}
#endif
	if (*rootfd < 0 && (*rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		error = gs_error_set(GS_ERROR, "cannot open directory '%s': %s", root, strerror(errno));
		goto done;
	}
	dirfd = *rootfd;
	comp = scratch->ptr;
#ifdef SYS_openat2
	/*
	 * The common case, the directory exists and holds no link: one
	 * openat2 that refuses links anywhere below `root` instead of a stat
	 * and an open per component. Anything else takes the careful walk,
	 * which creates what is missing and names the offending component.
	 */
	if ((slash = strrchr(comp, '/'))) {
		struct open_how how;
		long fd;

		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
		*slash = '\0';
		do
			fd = syscall(SYS_openat2, dirfd, comp, &how, sizeof(how));
		while (fd < 0 && errno == EAGAIN);
		if (fd < 0 && errno == ENOENT && create) {
			/*
			 * A new directory (a spec's contracts/): open its parent
			 * the same way, make it, and open it without following.
			 */
			char *last = strrchr(comp, '/');

			if (last) {
				*last = '\0';
				do
					fd = syscall(SYS_openat2, dirfd, comp, &how, sizeof(how));
				while (fd < 0 && errno == EAGAIN);
				*last = '/';
				if (fd >= 0) {
					long sub = -1;

					if (mkdirat((int)fd, last + 1, 0777) == 0 || errno == EEXIST)
						sub = openat((int)fd, last + 1,
							     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
					close((int)fd);
					fd = sub;
				}
			} else if (mkdirat(dirfd, comp, 0777) == 0 || errno == EEXIST) {
				fd = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			}
		}
		*slash = '/';
		if (fd >= 0) {
			*base = slash + 1;
			*out = (int)fd;
			return 0;
		}
	}
#endif
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
		if (dirfd != *rootfd)
			close(dirfd);
		dirfd = next;
		*slash = '/';
		comp = slash + 1;
	}
	*base = comp;
	*out = dirfd;
	dirfd = -1;
done:
	if (dirfd >= 0 && dirfd != *rootfd)
		close(dirfd);
	return error;
}

/*
 * Temporary files (DESIGN 3.6): created in the scratch directory (the
 * repository's git directory) when one is set, where `git status` never
 * looks, and renamed into place from there; beside the target only when the
 * two are on different file systems. Named gitspec-tmp-PID-N so that the
 * next run can remove those of dead processes (gs_set_scratch_dir), and
 * registered for the signal handler while they exist.
 */
static char *scratch_dir;
static atomic_uint tmp_counter;

/*
 * getpid(2), asked once: glibc no longer caches it, and every temporary
 * file names and registers it (two calls a contract in a sync). A child
 * after fork(2) asks again.
 */
static atomic_long self_pid;
static pthread_once_t self_pid_once = PTHREAD_ONCE_INIT;

static void self_pid_forget(void)
{
	atomic_store(&self_pid, 0);
}

static void self_pid_init(void)
{
	pthread_atfork(NULL, NULL, self_pid_forget);
}

static long self_pid_get(void)
{
	long pid = atomic_load(&self_pid);

	if (!pid) {
		pthread_once(&self_pid_once, self_pid_init);
		pid = (long)getpid();
		atomic_store(&self_pid, pid);
	}
	return pid;
}

static int tempfile_register(const char *path);
static void tempfile_unregister(int slot);

/* Whether the process `pid` is known to be gone. */
static int pid_is_dead(long pid)
{
	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Remove scratch files (NAME-PID...) of processes that no longer run. */
static void sweep_stale(const char *dir)
{
	static const char *const prefixes[] = { "gitspec-tmp-", "gitspec-index-" };
	DIR *d = opendir(dir);
	struct dirent *de;
	gs_buf path = GS_BUF_INIT;
	size_t i;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		for (i = 0; i < GS_ARRAY_SIZE(prefixes); i++) {
			size_t n = strlen(prefixes[i]);
			char *end;
			long pid;

			if (strncmp(de->d_name, prefixes[i], n))
				continue;
			pid = strtol(de->d_name + n, &end, 10);
			if (end == de->d_name + n || pid == self_pid_get() || !pid_is_dead(pid))
				continue;
			gs_buf_clear(&path);
			gs_buf_printf(&path, "%s/%s", dir, de->d_name);
			unlink(path.ptr);
		}
	}
	closedir(d);
	gs_buf_release(&path);
}

void gs_set_scratch_dir(const char *dir)
{
	free(scratch_dir);
	scratch_dir = NULL;
	if (!dir || !*dir)
		return;
	scratch_dir = gs_xstrdup(dir);
	/* git_repository_path() ends in a slash; keep one form. */
	if (strlen(scratch_dir) > 1 && scratch_dir[strlen(scratch_dir) - 1] == '/')
		scratch_dir[strlen(scratch_dir) - 1] = '\0';
	sweep_stale(scratch_dir);
}

const char *gs_scratch_dir(void)
{
	return scratch_dir;
}

/*
 * Create a temporary file for a target in `dir_path` (opened as `dirfd`;
 * dir_path "" for the current directory), in the scratch directory unless
 * *beside, or when that cannot be written (a read-only git directory): then
 * *beside is set. Fills `tmp` with a path usable from the current
 * directory, sets *slot to its registry slot; returns the descriptor or -1
 * with errno.
 */
static int tempfile_create(gs_buf *tmp, int *slot, int dirfd, const char *dir_path, int *beside,
			   mode_t mode)
{
	int fd = -1, tries;

	for (tries = 0; tries < 100; tries++) {
		unsigned n = atomic_fetch_add(&tmp_counter, 1);

		gs_buf_clear(tmp);
		if (scratch_dir && !*beside) {
			gs_buf_printf(tmp, "%s/gitspec-tmp-%ld-%u", scratch_dir, self_pid_get(), n);
			fd = open(tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
			if (fd < 0 && errno != EEXIST) {
				*beside = 1;
				continue;
			}
		} else {
			/* Beside the target: the base name is relative to dirfd. */
			size_t dlen;

			*beside = 1;
			gs_buf_puts(tmp, dir_path);
			dlen = tmp->size;
			gs_buf_printf(tmp, ".gitspec-tmp-%ld-%u", self_pid_get(), n);
			fd = openat(dirfd, dirfd == AT_FDCWD ? tmp->ptr : tmp->ptr + dlen,
				    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		}
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd >= 0)
		*slot = tempfile_register(tmp->ptr);
	return fd;
}

/* Set the mode of, write and close `fd` (closed whatever happens). */
static int fill_temp(int fd, const char *path, const char *data, size_t len,
		     int set_mode, mode_t mode)
{
	int error = 0;

	/* An existing file keeps its permission bits, whatever the umask. */
	if ((set_mode && fchmod(fd, mode) < 0) || write_all(fd, data, len) < 0) {
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
	} else if (close(fd) < 0) {
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", path, strerror(errno));
	}
	return error;
}

/* Where write_through_temp() puts the file. */
struct temp_target {
	int dirfd;        /* the target's directory, or AT_FDCWD */
	const char *dir;  /* its path from the current directory, with a final slash, or "" */
	const char *base; /* the target, relative to dirfd */
	const char *path; /* the target as the messages name it */
	int replace;      /* gs_replace_file()'s messages, not gs_write_file_atomic()'s */
	int expect_new;   /* not examined yet: believed absent (see rename_new) */
};

/*
 * What is at the target: a link or anything but a regular file is refused;
 * a regular file's permission bits go to *mode (*exists set).
 */
static int examine_target(const struct temp_target *t, int *exists, mode_t *mode)
{
	struct stat st;

	*exists = 0;
	if (fstatat(t->dirfd, t->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return refuse_link(t->path, t->path);
		if (!S_ISREG(st.st_mode))
			return gs_error_set(GS_EINPUT, "refusing to write '%s': not a regular file", t->path);
		*exists = 1;
		*mode = st.st_mode & 07777;
		return 0;
	}
	if (errno != ENOENT)
		return gs_error_set(GS_ERROR, "cannot write '%s': %s", t->path, strerror(errno));
	return 0;
}

#ifndef RENAME_NOREPLACE
# define RENAME_NOREPLACE (1 << 0)
#endif

/*
 * Rename a temporary file to a target believed absent, without looking
 * first: renameat2(RENAME_NOREPLACE) fails when something is there after
 * all (then 1: examine it and rename as usual) or when the file system
 * cannot (EINVAL: likewise). 0 when done; -1 with errno otherwise.
 */
static int rename_new(int olddirfd, const char *old, int newdirfd, const char *new)
{
#ifdef SYS_renameat2
	if (syscall(SYS_renameat2, olddirfd, old, newdirfd, new, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST || errno == EINVAL || errno == ENOSYS)
		return 1;
	return -1;
#else
	(void)olddirfd;
	(void)old;
	(void)newdirfd;
	(void)new;
	return 1;
#endif
}

/*
 * Write `data` to a temporary file and rename it over the target: in the
 * scratch directory, or beside the target when the rename crosses file
 * systems (EXDEV). `set_mode`: give the file exactly `mode`; otherwise it
 * is created with `mode` (the umask applies). A target believed absent
 * (t->expect_new) is examined only when the rename finds it there after
 * all, and then keeps its permission bits as gs_write_file_atomic()
 * promises. On any error the temporary file is removed and the target is
 * left as it was.
 *
 * O_EXCL: never reuse a file someone else created. rename() is atomic;
 * it replaces a symlink swapped in meanwhile and never follows it.
 */
static int write_through_temp(const struct temp_target *t, const char *data, size_t len,
			      int set_mode, mode_t mode)
{
	gs_buf tmp = GS_BUF_INIT;
	int fd, error = 0, slot = -1, beside = 0, have_tmp = 0, rc, exists;
	size_t skip = 0;
	mode_t old_mode = 0;

	for (;;) {
		fd = tempfile_create(&tmp, &slot, t->dirfd, t->dir, &beside, set_mode ? 0600 : mode);
		if (fd < 0) {
			error = gs_error_set(GS_ERROR, "cannot create a temporary file for '%s': %s",
					     t->path, strerror(errno));
			goto done;
		}
		have_tmp = 1;
		/* Beside the target, the file is named from dirfd (see tempfile_create). */
		skip = beside && t->dirfd != AT_FDCWD ? strlen(t->dir) : 0;
		if ((error = fill_temp(fd, t->path, data, len, set_mode, mode)) < 0)
			goto done;
		rc = -1;
		if (t->expect_new &&
		    (rc = rename_new(beside ? t->dirfd : AT_FDCWD, tmp.ptr + skip, t->dirfd, t->base)) == 0)
			break;
		if (rc == 1) {
			/* there after all: as if it had been examined first */
			if ((error = examine_target(t, &exists, &old_mode)) < 0)
				goto done;
			if (exists && fchmodat(beside ? t->dirfd : AT_FDCWD, tmp.ptr + skip,
					       old_mode, 0) < 0) {
				error = gs_error_set(GS_ERROR, "cannot write '%s': %s", t->path,
						     strerror(errno));
				goto done;
			}
		}
		if ((rc == 1 || !t->expect_new) &&
		    !renameat(beside ? t->dirfd : AT_FDCWD, tmp.ptr + skip, t->dirfd, t->base))
			break;
		if (errno != EXDEV || beside) {
			error = gs_error_set(errno == EISDIR && !t->replace ? GS_EINPUT : GS_ERROR,
					     "cannot %s '%s': %s", t->replace ? "replace" : "write",
					     t->path, strerror(errno));
			goto done;
		}
		/* The git directory is on another file system: beside it. */
		unlink(tmp.ptr);
		tempfile_unregister(slot);
		slot = -1;
		have_tmp = 0;
		beside = 1;
	}
	have_tmp = 0;
done:
	/* Remove the file before forgetting it (see gs_lockfile_rollback). */
	if (have_tmp)
		unlinkat(beside ? t->dirfd : AT_FDCWD, tmp.ptr + skip, 0);
	tempfile_unregister(slot);
	gs_buf_release(&tmp);
	return error;
}

struct gs_tree_writer {
	char *root;
	int rootfd;    /* opened when first needed, else -1 */
	gs_buf dir;    /* the directory part of the last path, with its slash; "" for root */
	int dirfd;     /* that directory, or -1 */
	gs_buf dirpath; /* root "/" dir, for a temporary file beside the target */
};

void gs_tree_writer_init(gs_tree_writer **out, const char *root)
{
	gs_tree_writer *w = gs_xcalloc(1, sizeof(*w));

	w->root = gs_xstrdup(root);
	w->rootfd = -1;
	w->dirfd = -1;
	gs_buf_init(&w->dir, 0);
	gs_buf_init(&w->dirpath, 0);
	*out = w;
}

static void writer_close_dir(gs_tree_writer *w)
{
	if (w->dirfd >= 0 && w->dirfd != w->rootfd)
		close(w->dirfd);
	w->dirfd = -1;
	gs_buf_clear(&w->dir);
}

void gs_tree_writer_free(gs_tree_writer *w)
{
	if (!w)
		return;
	writer_close_dir(w);
	if (w->rootfd >= 0)
		close(w->rootfd);
	free(w->root);
	gs_buf_release(&w->dir);
	gs_buf_release(&w->dirpath);
	free(w);
}

int gs_tree_writer_put(gs_tree_writer *w, const char *path, const char *data, size_t len,
		       mode_t mode, int expect_new)
{
	int error = 0, keep_mode = 0, exists;
	gs_buf scratch = GS_BUF_INIT;
	struct temp_target target = { -1, NULL, NULL, NULL, 0, 0 };
	const char *base = NULL, *slash;
	size_t dlen;
	mode_t old_mode = 0;

	if ((error = check_relative(path)) < 0)
		goto done;
	slash = strrchr(path, '/');
	dlen = slash ? (size_t)(slash - path) + 1 : 0;
	/*
	 * The directory of the previous file, still open: contracts come a
	 * spec directory at a time. It was opened without following links;
	 * an fd keeps naming the directory it opened.
	 */
	if (w->dirfd >= 0 && w->dir.size == dlen && !memcmp(w->dir.ptr, path, dlen)) {
		base = path + dlen;
	} else {
		writer_close_dir(w);
		if ((error = open_parent(&w->dirfd, &base, &scratch, &w->rootfd, w->root, path, 1)) < 0) {
			w->dirfd = -1;
			goto done;
		}
		gs_buf_set(&w->dir, path, dlen);
		gs_buf_clear(&w->dirpath);
		gs_buf_printf(&w->dirpath, "%s/", w->root);
		gs_buf_put(&w->dirpath, path, dlen);
		base = path + dlen;
	}

	target.dirfd = w->dirfd;
	target.dir = w->dirpath.ptr;
	target.base = base;
	target.path = path;
	if (!expect_new) {
		if ((error = examine_target(&target, &exists, &old_mode)) < 0)
			goto done;
		if (exists) {
			keep_mode = 1;
			mode = old_mode;
		}
	}
	target.expect_new = expect_new;
	error = write_through_temp(&target, data, len, keep_mode, mode);
done:
	gs_buf_release(&scratch);
	return error;
}

int gs_write_file_atomic(const char *root, const char *path, const char *data, size_t len, mode_t mode)
{
	gs_tree_writer *w;
	int error;

	gs_tree_writer_init(&w, root);
	error = gs_tree_writer_put(w, path, data, len, mode, 0);
	gs_tree_writer_free(w);
	return error;
}

/* "N MiB", "N KiB" or "N bytes": a limit as a user set it. */
static void put_size(gs_buf *out, size_t n)
{
	if (n && !(n & ((1u << 20) - 1)))
		gs_buf_printf(out, "%zu MiB", n >> 20);
	else if (n && !(n & 1023))
		gs_buf_printf(out, "%zu KiB", n >> 10);
	else
		gs_buf_printf(out, "%zu bytes", n);
}

static int too_large(const char *name, const gs_read_opts *opts)
{
	gs_buf limit = GS_BUF_INIT;
	int error;

	put_size(&limit, opts->max);
	error = gs_error_set(GS_EINPUT, "%s is larger than %s (limit %s)", name,
			     opts->too_large ? opts->too_large : "allowed", limit.ptr);
	gs_buf_release(&limit);
	return error;
}

/*
 * The one loop that reads a whole file. `name` is what the messages call
 * it, quoted by the caller when it is a path. The buffer is sized from
 * fstat(2) when it tells, so a regular file takes one read(2) and the one
 * that says end of file.
 */
static int read_fd(gs_buf *out, int fd, const char *name, const gs_read_opts *opts)
{
	size_t max = opts && opts->max ? opts->max : SIZE_MAX;
	struct stat st;
	int error = 0;

	gs_buf_clear(out);
	if (fstat(fd, &st) < 0) {
		error = gs_error_set(GS_ERROR, "cannot read %s: %s", name, strerror(errno));
		goto done;
	}
	if (opts && (opts->flags & GS_READ_REGULAR) && !S_ISREG(st.st_mode)) {
		error = gs_error_set(GS_EINPUT, "cannot read %s: not a regular file", name);
		goto done;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > max)
			goto too_big;
		gs_buf_grow(out, (size_t)st.st_size + 1);
	}
	for (;;) {
		ssize_t n;

		if (out->asize - out->size < 2)
			gs_buf_grow(out, 8192);
		n = read(fd, out->ptr + out->size, out->asize - out->size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = gs_error_set(GS_ERROR, "cannot read %s: %s", name, strerror(errno));
			goto done;
		}
		if (!n)
			break;
		if ((size_t)n > max - out->size)
			goto too_big;
		gs_buf_setlen(out, out->size + (size_t)n);
	}
	goto done;
too_big:
	error = too_large(name, opts);
done:
	if (error < 0)
		gs_buf_clear(out);
	return error;
}

int gs_read_fd(gs_buf *out, int fd, const char *name, const gs_read_opts *opts)
{
	gs_buf quoted = GS_BUF_INIT;
	int error;

	if (name)
		gs_buf_printf(&quoted, "'%s'", name);
	else
		gs_buf_sets(&quoted, "standard input");
	error = read_fd(out, fd, quoted.ptr, opts);
	gs_buf_release(&quoted);
	return error;
}

int gs_read_file_opts(gs_buf *out, const char *path, const gs_read_opts *opts)
{
	unsigned flags = opts ? opts->flags : 0;
	int error = 0, fd;

	gs_buf_clear(out);
	/* O_NONBLOCK: a FIFO must not hang us before fstat(2) refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | (flags & GS_READ_REGULAR ? O_NONBLOCK : 0) |
		  (flags & GS_READ_NOFOLLOW ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (errno == ELOOP && (flags & GS_READ_NOFOLLOW))
			error = gs_error_set(GS_EINPUT, "cannot read '%s': symbolic link", path);
		else
			error = gs_error_set(errno == ENOENT || errno == ENOTDIR ? GS_ENOTFOUND : GS_ERROR,
					     "cannot read '%s': %s", path, strerror(errno));
		goto done;
	}
	error = gs_read_fd(out, fd, path, opts);
done:
	if (fd >= 0)
		close(fd);
	return error;
}

int gs_read_file(gs_buf *out, const char *path)
{
	return gs_read_file_opts(out, path, NULL);
}

int gs_exe_dir(gs_buf *out)
{
	gs_buf exe = GS_BUF_INIT;
	int error = 0;
	ssize_t n;

	/* readlink(2) does not say how long the target is: grow until it fits. */
	for (;;) {
		gs_buf_grow(&exe, exe.asize + 256);
		n = readlink("/proc/self/exe", exe.ptr, exe.asize - 1);
		if (n <= 0) {
			error = GS_ENOTFOUND;
			goto done;
		}
		if ((size_t)n < exe.asize - 1)
			break;
	}
	gs_buf_setlen(&exe, (size_t)n);
	if (!strrchr(exe.ptr, '/')) {
		error = GS_ENOTFOUND;
		goto done;
	}
	gs_buf_set(out, exe.ptr, (size_t)(strrchr(exe.ptr, '/') - exe.ptr));
done:
	gs_buf_release(&exe);
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
			lock_owner[i] = (pid_t)self_pid_get();
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

/* Temporary files share the lock files' table and signal handler. */
static int tempfile_register(const char *path)
{
	gs_lockfile_cleanup_on_signal();
	return lock_register(path);
}

static void tempfile_unregister(int slot)
{
	lock_unregister(slot);
}

int gs_tempfile_register(const char *path)
{
	return tempfile_register(path);
}

void gs_tempfile_unregister(int slot)
{
	tempfile_unregister(slot);
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
		else if (errno == EACCES || errno == EROFS || errno == EPERM)
			error = gs_error_set(GS_ERROR, "unable to create '%s': %s (you cannot write "
					     "to the repository's git directory)", lock.ptr, strerror(errno));
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
	gs_buf dir = GS_BUF_INIT;
	const char *slash = strrchr(path, '/');
	struct temp_target target = { AT_FDCWD, NULL, path, path, 1, 0 };
	int error;

	if (slash)
		gs_buf_put(&dir, path, (size_t)(slash - path) + 1);
	target.dir = dir.ptr;
	/* open(2) applies the umask; the caller's mode is meant exactly */
	error = write_through_temp(&target, data, len, 1, mode);
	gs_buf_release(&dir);
	return error;
}
