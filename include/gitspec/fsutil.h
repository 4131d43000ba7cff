#ifndef GITSPEC_FSUTIL_H
#define GITSPEC_FSUTIL_H

/*
 * File system helpers with the safety rules of DESIGN.md 3.6: writes are
 * atomic (temporary file in the same directory + rename) and never go
 * through a symbolic link.
 */

#include <stddef.h>
#include <sys/types.h>
#include "buf.h"

/*
 * Write `data` to `path` (relative to the directory `root`, which must
 * exist) atomically, creating missing directories. Refuses (GS_EINPUT) when
 * any existing component of the path below `root` is a symbolic link or the
 * target is not a regular file. `mode` as for open(2) (umask applies).
 */
int gs_write_file_atomic(const char *root, const char *path, const char *data, size_t len, mode_t mode);
/* Read a whole file; GS_ENOTFOUND when it does not exist. */
int gs_read_file(gs_buf *out, const char *path);
/* Whether any component of `path` below `root` is a symlink (1), not (0). */
int gs_path_has_symlink(const char *root, const char *path);

/*
 * A lock file as git takes them: PATH.lock created with O_CREAT|O_EXCL.
 * GS_ELOCKED with a message naming the lock when it exists. Commit renames
 * the lock over PATH; rollback removes it.
 */
typedef struct gs_lockfile {
	char *path;       /* the target */
	char *lock_path;  /* PATH.lock */
	int fd;
} gs_lockfile;

int gs_lockfile_hold(gs_lockfile *lk, const char *path);
int gs_lockfile_write(gs_lockfile *lk, const char *data, size_t len);
int gs_lockfile_commit(gs_lockfile *lk);
void gs_lockfile_rollback(gs_lockfile *lk);

#endif
