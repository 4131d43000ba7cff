#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/repo.h"
#include "gitspec/fsutil.h"
#include "gitspec/strvec.h"
#include "gitspec/config.h"

/* Take `name` out of the environment for a while; returns its value (to free) or NULL. */
static char *env_hide(const char *name)
{
	const char *v = getenv(name);
	char *saved = v ? gs_xstrdup(v) : NULL;

	if (saved)
		unsetenv(name);
	return saved;
}

static void env_restore(const char *name, char *saved)
{
	if (saved)
		setenv(name, saved, 1);
	free(saved);
}

static int has_core_worktree(git_repository *repo)
{
	git_config *cfg = NULL;
	git_config_entry *entry = NULL;
	int found = 0;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_entry(&entry, cfg, "core.worktree") == 0)
		found = 1;
	git_config_entry_free(entry);
	git_config_free(cfg);
	git_error_clear();
	return found;
}

/*
 * git_repository_set_workdir, except when the work tree is already `dir`:
 * libgit2 1.5 leaks its path buffer in that case.
 */
static int set_workdir(git_repository *repo, const char *dir)
{
	const char *cur = git_repository_workdir(repo);
	char *a = realpath(dir, NULL), *b = cur ? realpath(cur, NULL) : NULL;
	int same = a && b && !strcmp(a, b);

	free(a);
	free(b);
	if (same)
		return 0;
	return git_repository_set_workdir(repo, dir, 0);
}

int gs_repo_open(git_repository **out)
{
	git_repository *repo = NULL;
	char *index_file, *work_tree, *cwd = NULL;
	int error = 0, explicit_git_dir = getenv("GIT_DIR") != NULL;

	*out = NULL;
	/*
	 * See repo.h for GIT_INDEX_FILE. libgit2 1.5 refuses GIT_WORK_TREE
	 * ("unimplemented"): apply it ourselves once the repository is open.
	 */
	index_file = env_hide("GIT_INDEX_FILE");
	work_tree = env_hide("GIT_WORK_TREE");
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		const git_error *e = git_error_last();

		/*
		 * libgit2 1.5 knows only SHA-1 object names and refuses the
		 * extension that announces another format: say so, not "not a
		 * git repository".
		 */
		if (e && e->message && strstr(e->message, "extensions.objectformat"))
			error = gs_error_set(GS_ERROR, "SHA-256 repositories are not supported by libgit2 %d.%d",
					     LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR);
		else if (e && e->klass == GIT_ERROR_REPOSITORY && !explicit_git_dir)
			error = gs_error_set(GS_ERROR, "not a git repository (or any of the parent directories)");
		else
			error = gs_error_set_git("cannot open repository");
		goto done;
	}
	/* git -c and GIT_CONFIG_COUNT, above every file, before anything reads the config */
	if ((error = gs_config_params_apply(repo)) < 0)
		goto done;
	if (work_tree) {
		if (set_workdir(repo, work_tree) < 0) {
			error = gs_error_set_git("cannot use GIT_WORK_TREE");
			goto done;
		}
	} else if (explicit_git_dir && !git_repository_is_bare(repo) && !has_core_worktree(repo)) {
		/* git's rule: GIT_DIR alone makes the current directory the top of the work tree */
		if (!(cwd = getcwd(NULL, 0))) {
			error = gs_error_set(GS_ERROR, "cannot get the current directory: %s", strerror(errno));
			goto done;
		}
		if (set_workdir(repo, cwd) < 0) {
			error = gs_error_set_git("cannot set the work tree");
			goto done;
		}
	}
	/* Temporary files go where git status never looks (fsutil.h). */
	gs_set_scratch_dir(git_repository_path(repo));
	*out = repo;
	repo = NULL;
done:
	env_restore("GIT_INDEX_FILE", index_file);
	env_restore("GIT_WORK_TREE", work_tree);
	free(cwd);
	git_repository_free(repo);
	return error;
}

static int real_path(gs_buf *out, const char *path)
{
	char *p = realpath(path, NULL);

	if (!p)
		return gs_error_set(GS_ERROR, "cannot resolve '%s': %s", path, strerror(errno));
	gs_buf_sets(out, p);
	free(p);
	return 0;
}

static int current_dir(gs_buf *out)
{
	char *p = getcwd(NULL, 0);

	if (!p)
		return gs_error_set(GS_ERROR, "cannot get the current directory: %s", strerror(errno));
	gs_buf_sets(out, p);
	free(p);
	return 0;
}

/* The work tree, resolved, without a trailing slash ("/" stays "/"). */
static int workdir_real(gs_buf *out, git_repository *repo)
{
	const char *wd = git_repository_workdir(repo);
	int error;

	if (!wd)
		return gs_error_set(GS_EUSAGE, "this operation must be run in a work tree");
	if ((error = real_path(out, wd)) < 0)
		return error;
	return 0;
}

/* If `path` is `root` or below it, the part below ("" for root itself). */
static const char *below(const char *path, const gs_buf *root)
{
	if (!strcmp(root->ptr, "/"))
		return path[0] == '/' ? path + 1 : NULL;
	if (strncmp(path, root->ptr, root->size))
		return NULL;
	if (path[root->size] == '\0')
		return path + root->size;
	if (path[root->size] == '/')
		return path + root->size + 1;
	return NULL;
}

int gs_repo_prefix(gs_buf *out, git_repository *repo)
{
	gs_buf wd = GS_BUF_INIT, cwd = GS_BUF_INIT, gd = GS_BUF_INIT;
	const char *rest;
	int error = 0;

	gs_buf_clear(out);
	if (git_repository_is_bare(repo))
		goto done;
	if ((error = workdir_real(&wd, repo)) < 0 || (error = current_dir(&cwd)) < 0)
		goto done;
	/* outside the work tree (in .git, or GIT_WORK_TREE elsewhere): as git, the top */
	if (!real_path(&gd, git_repository_path(repo)) && below(cwd.ptr, &gd))
		goto done;
	gs_error_clear();
	rest = below(cwd.ptr, &wd);
	if (rest)
		gs_buf_sets(out, rest);
done:
	gs_buf_release(&wd);
	gs_buf_release(&cwd);
	gs_buf_release(&gd);
	return error;
}

/* Resolve "." and ".." and repeated slashes of an absolute path, lexically (as git's normalize_path_copy). */
static void normalize(gs_buf *out, const char *abs)
{
	const char *p = abs;

	gs_buf_clear(out);
	while (*p) {
		const char *start;
		size_t len;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - start);
		if (!len || (len == 1 && start[0] == '.'))
			continue;
		if (len == 2 && start[0] == '.' && start[1] == '.') {
			char *slash = out->size ? strrchr(out->ptr, '/') : NULL;

			gs_buf_setlen(out, slash ? (size_t)(slash - out->ptr) : 0);
			continue;
		}
		gs_buf_putc(out, '/');
		gs_buf_put(out, start, len);
	}
	if (!out->size)
		gs_buf_putc(out, '/');
}

int gs_repo_relpath(gs_buf *out, git_repository *repo, const char *user_path)
{
	gs_buf wd = GS_BUF_INIT, abs = GS_BUF_INIT, norm = GS_BUF_INIT, real = GS_BUF_INIT;
	const char *rest;
	int error = 0;

	gs_buf_clear(out);
	if ((error = workdir_real(&wd, repo)) < 0)
		goto done;
	if (user_path[0] != '/') {
		if ((error = current_dir(&abs)) < 0)
			goto done;
		gs_buf_putc(&abs, '/');
	}
	gs_buf_puts(&abs, user_path);
	normalize(&norm, abs.ptr);
	rest = below(norm.ptr, &wd);
	if (!rest && user_path[0] == '/') {
		/*
		 * An absolute path may name the work tree through a symbolic
		 * link (/tmp vs /private/tmp): resolve the longest existing
		 * leading part and try again.
		 */
		gs_buf head = GS_BUF_INIT;
		size_t cut = norm.size;

		for (;;) {
			if (cut)
				gs_buf_set(&head, norm.ptr, cut);
			else
				gs_buf_sets(&head, "/");
			if (!real_path(&real, head.ptr)) {
				gs_buf_puts(&real, "/");
				gs_buf_puts(&real, norm.ptr + cut);
				break;
			}
			gs_buf_clear(&real);
			if (!cut)
				break;
			while (cut > 0 && norm.ptr[cut - 1] != '/')
				cut--;
			if (cut)
				cut--;
		}
		gs_buf_release(&head);
		gs_error_clear();
		if (real.size) {
			gs_buf_sets(&abs, real.ptr);
			normalize(&norm, abs.ptr);
			rest = below(norm.ptr, &wd);
		}
	}
	if (!rest) {
		error = gs_error_set(GS_EUSAGE, "'%s' is outside repository", user_path);
		goto done;
	}
	gs_buf_sets(out, rest);
done:
	gs_buf_release(&wd);
	gs_buf_release(&abs);
	gs_buf_release(&norm);
	gs_buf_release(&real);
	return error;
}

int gs_repo_index_path(gs_buf *out, git_repository *repo)
{
	const char *env = getenv("GIT_INDEX_FILE");

	gs_buf_clear(out);
	if (env && *env) {
		/*
		 * git reads the variable after moving to the top of the work
		 * tree (or into the git directory of a bare repository), so a
		 * relative path is relative to there, not to the current
		 * directory; hooks run there anyway.
		 */
		if (env[0] != '/') {
			const char *base = git_repository_workdir(repo);

			gs_buf_sets(out, base ? base : git_repository_path(repo));
			if (out->size && out->ptr[out->size - 1] != '/')
				gs_buf_putc(out, '/');
		}
		gs_buf_puts(out, env);
	} else {
		/* git_repository_path is the worktree's own gitdir for linked worktrees */
		gs_buf_sets(out, git_repository_path(repo));
		if (out->size && out->ptr[out->size - 1] != '/')
			gs_buf_putc(out, '/');
		gs_buf_puts(out, "index");
	}
	return 0;
}

void gs_repo_shallow(gs_strvec *out, git_repository *repo)
{
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT;
	char *line, *save = NULL;
	git_oid id;

	if (git_repository_is_shallow(repo) != 1)
		goto done;
	gs_buf_printf(&path, "%sshallow", git_repository_commondir(repo));
	/* Unreadable is as git treats it: no boundary. */
	if (gs_read_file(&data, path.ptr) < 0) {
		gs_error_clear();
		goto done;
	}
	for (line = strtok_r(data.ptr, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save))
		if (strlen(line) == GIT_OID_HEXSZ && !git_oid_fromstr(&id, line))
			gs_strvec_push(out, line);
	gs_strvec_sort_uniq(out);
done:
	gs_buf_release(&path);
	gs_buf_release(&data);
	git_error_clear();
}
