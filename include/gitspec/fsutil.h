#ifndef GITSPEC_FSUTIL_H
#define GITSPEC_FSUTIL_H

/*
 * File system helpers with the safety rules of DESIGN.md 3.6: writes are
 * atomic (temporary file + rename on the same file system) and never go
 * through a symbolic link.
 */

#include <stddef.h>
#include <sys/types.h>
#include "buf.h"

/*
 * Temporary files. Once gs_set_scratch_dir() names the repository's git
 * directory, the temporary files of gs_write_file_atomic() and
 * gs_replace_file() are created there as gitspec-tmp-PID-N (git never
 * shows its own directory in `git status`) and renamed into place; only
 * when the rename crosses file systems (EXDEV) is one created beside the
 * target instead, as .gitspec-tmp-PID-N. gs_set_scratch_dir() also
 * removes the gitspec-tmp-PID-* and gitspec-index-PID-* files of processes
 * that no longer run (left by kill -9), as the next git removes nothing but
 * a git user expects no litter. Every live temporary file is registered
 * with the signal handler of gs_lockfile_cleanup_on_signal(), which removes
 * it on SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE and at exit().
 */
void gs_set_scratch_dir(const char *gitdir);
/* The scratch directory, or NULL when none is set. */
const char *gs_scratch_dir(void);
/*
 * Register a temporary file created by the caller for removal on a signal
 * or at exit(); returns the slot to unregister (after renaming or removing
 * the file), or -1 when the table is full.
 */
int gs_tempfile_register(const char *path);
void gs_tempfile_unregister(int slot);

/*
 * Write `data` to `path` (relative to the directory `root`, which must
 * exist) atomically, creating missing directories. Refuses (GS_EINPUT) when
 * any existing component of the path below `root` is a symbolic link or the
 * target is not a regular file. `mode` as for open(2) (umask applies).
 *
 * `root` itself may be reached through a symbolic link (it is the caller's
 * trusted starting point, e.g. the work tree); `path` must be relative and
 * must not contain "." or ".." components.
 *
 * Permissions: a new file gets `mode & ~umask`; an existing file keeps its
 * permission bits (as an editor saving it would). Missing directories are
 * created with 0777 & ~umask.
 *
 * The data is not fsync'ed: like git's work-tree writes (core.fsync does not
 * cover them by default), a crash may lose the new content but the rename
 * guarantees that readers see either the old or the new file, never a
 * partial one. On any error the temporary file is removed and the target is
 * left as it was.
 */
int gs_write_file_atomic(const char *root, const char *path, const char *data, size_t len, mode_t mode);
/*
 * Several files below one `root`, each written as gs_write_file_atomic()
 * writes one, for a caller writing many (sync): the directory of the last
 * file stays open for the next file in it, and `root` is opened once.
 * `expect_new`: the caller believes `path` does not exist (its work-tree
 * walk did not see it); the file is then renamed into place without
 * looking first, and examined only if it turns out to be there (keeping
 * its permission bits, refusing a link). A wrong belief costs two system
 * calls, never a different result. gs_tree_writer_free accepts NULL.
 */
typedef struct gs_tree_writer gs_tree_writer;
void gs_tree_writer_init(gs_tree_writer **out, const char *root);
int gs_tree_writer_put(gs_tree_writer *w, const char *path, const char *data, size_t len,
		       mode_t mode, int expect_new);
void gs_tree_writer_free(gs_tree_writer *w);
/*
 * Replace the file at `path` (any path, absolute or relative to the current
 * directory) atomically: write a temporary file beside it, give it exactly
 * `mode` (not masked by the umask), rename it over `path`. On any error the
 * temporary file is removed and `path` is untouched. Unlike
 * gs_write_file_atomic it does not check the directories on the way.
 */
int gs_replace_file(const char *path, const char *data, size_t len, mode_t mode);
/*
 * The one way the library reads a whole file or stream (git's
 * strbuf_read_file, libgit2's git_futils_readbuffer).
 *
 * `max` bounds the size (0: no bound, for git's own files such as the
 * index, which have none); a larger input is GS_EINPUT, "'PATH' is larger
 * than TOO_LARGE (limit N MiB)", TOO_LARGE defaulting to "allowed", and
 * nothing is kept. GS_READ_REGULAR refuses anything but a regular file
 * (GS_EINPUT) and never blocks on a FIFO; GS_READ_NOFOLLOW refuses a
 * symbolic link at the path itself (GS_EINPUT). A missing file (ENOENT,
 * ENOTDIR) is GS_ENOTFOUND. Every message names the path. `out` is
 * replaced, and empty after an error.
 */
typedef struct gs_read_opts {
	size_t max;
	unsigned flags;
	const char *too_large;
} gs_read_opts;

#define GS_READ_REGULAR  (1u << 0)
#define GS_READ_NOFOLLOW (1u << 1)

int gs_read_file_opts(gs_buf *out, const char *path, const gs_read_opts *opts);
/* gs_read_file_opts with no bound and no check. */
int gs_read_file(gs_buf *out, const char *path);
/*
 * Read `fd` to its end (the caller opened it and closes it); `name` is the
 * path for the messages, NULL for standard input.
 */
int gs_read_fd(gs_buf *out, int fd, const char *name, const gs_read_opts *opts);
/*
 * The directory of the running executable (/proc/self/exe), without a
 * final slash; GS_ENOTFOUND, with no message, when it cannot be told.
 */
int gs_exe_dir(gs_buf *out);
/*
 * Whether any component of `path` below `root` (the last one included) is a
 * symlink (1), not (0). Components that do not exist end the walk (0).
 * Negative with a message when a component cannot be examined.
 */
int gs_path_has_symlink(const char *root, const char *path);

/*
 * A lock file as git takes them: PATH.lock created with O_CREAT|O_EXCL
 * (mode 0666 & ~umask). GS_ELOCKED with a message naming the lock when it
 * exists; holding never waits. Commit renames the lock over PATH; rollback
 * removes it. Both release the structure's memory; rollback may be called
 * any number of times, also on a lock file that was never held (when
 * initialised with GS_LOCKFILE_INIT) or after commit.
 *
 * Rollback frees memory and is therefore not async-signal-safe itself; the
 * signal path is gs_lockfile_cleanup_on_signal(), which removes every held
 * lock with nothing but unlink(2). Rollback removes the file before it
 * forgets the lock, so a signal arriving in between at worst unlinks an
 * already removed path.
 */
typedef struct gs_lockfile {
	char *path;       /* the target */
	char *lock_path;  /* PATH.lock */
	int fd;
	int slot;         /* index in the signal-cleanup table, or -1 */
} gs_lockfile;

#define GS_LOCKFILE_INIT { NULL, NULL, -1, -1 }

int gs_lockfile_hold(gs_lockfile *lk, const char *path);
int gs_lockfile_write(gs_lockfile *lk, const char *data, size_t len);
int gs_lockfile_commit(gs_lockfile *lk);
void gs_lockfile_rollback(gs_lockfile *lk);

/*
 * Install handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE (and an
 * atexit hook) that remove every lock file this process holds, then restore
 * the previous disposition and re-raise the signal. Idempotent; called by
 * gs_lockfile_hold() (as git's lockfile API installs its own), so callers
 * need not, unless they change those signals' dispositions afterwards.
 * A signal that is ignored when the handlers are installed is left ignored. The
 * handlers use only async-signal-safe calls (getpid, unlink, sigaction,
 * raise) over a static table of preallocated paths; a lock whose path does
 * not fit the table (longer than 4095 bytes, or more than 16 held at once)
 * is still removed by rollback but not by the signal handler.
 */
void gs_lockfile_cleanup_on_signal(void);

#endif
