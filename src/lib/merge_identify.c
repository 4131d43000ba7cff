/*
 * Which commits are being merged while git runs the driver: GITHEAD_<sha>
 * (merge, pull), rebase-merge/done (rebase), the parent's command line
 * (cherry-pick, revert). Every candidate is checked against the blobs git
 * handed over, so a wrong guess is never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>
#include "merge_internal.h"
#include "gitspec/common.h"
#include "gitspec/merge.h"

static int commit_has_blob(git_repository *repo, const git_commit *commit, const char *path,
			   const gs_buf *data)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_oid oid;
	int same = 0;

	if (git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&te, tree, path) < 0 ||
	    git_odb_hash(&oid, data->ptr, data->size, GIT_OBJECT_BLOB) < 0)
		goto done;
	same = git_tree_entry_type(te) == GIT_OBJECT_BLOB && git_oid_equal(&oid, git_tree_entry_id(te));
done:
	git_tree_entry_free(te);
	git_tree_free(tree);
	return same;
}

/* The command line of process `pid` as NUL-separated words; its parent's pid. */
static int read_proc(gs_strvec *argv, long *ppid, long pid)
{
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT;
	const char *p, *end, *close_paren;
	int error = -1;

	gs_strvec_clear(argv);
	*ppid = 0;
	gs_buf_printf(&path, "/proc/%ld/cmdline", pid);
	if (gs_merge_read_input(&data, path.ptr, (size_t)1 << 20) < 0)
		goto done;
	for (p = data.ptr, end = data.ptr + data.size; p < end; p += strlen(p) + 1)
		gs_strvec_push(argv, p);
	gs_buf_clear(&path);
	gs_buf_printf(&path, "/proc/%ld/stat", pid);
	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
	if (gs_merge_read_input(&data, path.ptr, (size_t)1 << 20) < 0 || !(close_paren = strrchr(data.ptr, ')')) ||
	    sscanf(close_paren + 1, " %*c %ld", ppid) != 1)
		goto done;
	error = 0;
done:
	gs_error_clear();
	gs_buf_release(&path);
	gs_buf_release(&data);
	return error;
}

/*
 * The subcommand of a git command line ("cherry-pick", "revert"), with
 * *args at its first argument; NULL when it is not git.
 */
static const char *git_subcommand(size_t *args, const gs_strvec *argv)
{
	const char *base;
	size_t i = 1;

	if (!argv->nr)
		return NULL;
	base = strrchr(argv->v[0], '/');
	base = base ? base + 1 : argv->v[0];
	if (!strcmp(base, "git-cherry-pick") || !strcmp(base, "git-revert")) {
		*args = 1;
		return base + 4;
	}
	if (strcmp(base, "git"))
		return NULL;
	/* Global options; -c and -C take a separate value. */
	while (i < argv->nr && argv->v[i][0] == '-') {
		if (!strcmp(argv->v[i], "-c") || !strcmp(argv->v[i], "-C"))
			i++;
		i++;
	}
	if (i >= argv->nr)
		return NULL;
	*args = i + 1;
	return argv->v[i];
}

/*
 * Try the commit `c` of `git cherry-pick` (`revert` when `revert`): its
 * base and theirs must hold exactly %O and %B at `path`.
 */
static int try_pick(git_commit **theirs, git_commit **base, git_repository *repo,
		    git_commit *c, int revert, unsigned int mainline, const char *path,
		    const gs_buf *o, const gs_buf *b)
{
	git_commit *parent = NULL;
	git_commit *t, *bs;

	if (git_commit_parentcount(c) < mainline || git_commit_parent(&parent, c, mainline - 1) < 0) {
		gs_error_clear();
		return 0;
	}
	t = revert ? parent : c;
	bs = revert ? c : parent;
	if (!commit_has_blob(repo, t, path, b) || !commit_has_blob(repo, bs, path, o)) {
		git_commit_free(parent);
		return 0;
	}
	if (git_commit_dup(theirs, t) < 0 || git_commit_dup(base, bs) < 0) {
		git_commit_free(*theirs);
		*theirs = NULL;
		git_commit_free(parent);
		gs_error_clear();
		return 0;
	}
	git_commit_free(parent);
	return 1;
}

/*
 * The parent a cherry-pick or revert command line (its words from `args`
 * on) applies against: 1 unless -m/--mainline says otherwise; 0 when the
 * command cannot be identified (it continues, reads stdin, or leaves its
 * result in the index, which may differ from HEAD: ours would not be
 * HEAD's tree).
 */
static unsigned int command_mainline(const gs_strvec *argv, size_t args)
{
	unsigned int mainline = 1;
	size_t i;

	for (i = args; i < argv->nr; i++) {
		const char *w = argv->v[i];

		if (!strcmp(w, "--continue") || !strcmp(w, "--skip") || !strcmp(w, "--stdin") ||
		    !strcmp(w, "-n") || !strcmp(w, "--no-commit")) {
			mainline = 0;
			break;
		}
		if (!strcmp(w, "-m") || !strcmp(w, "--mainline")) {
			if (i + 1 < argv->nr)
				mainline = (unsigned int)strtoul(argv->v[++i], NULL, 10);
		} else if (!strncmp(w, "--mainline=", 11)) {
			mainline = (unsigned int)strtoul(w + 11, NULL, 10);
		} else if (!strncmp(w, "-m", 2) && w[2]) {
			mainline = (unsigned int)strtoul(w + 2, NULL, 10);
		}
	}
	return mainline;
}

/*
 * git cherry-pick and git revert export nothing that names the commit
 * being applied while the driver runs (CHERRY_PICK_HEAD is written after
 * the merge). Their command line does: walk up from the driver to the git
 * process, resolve the revisions it was given, and accept a commit only
 * when base and theirs hold exactly %O and %B (ours was checked against
 * HEAD). Anything unexpected: not identified, and the structural merge
 * takes over. Linux only (/proc).
 */
static int identify_command(git_commit **theirs, git_commit **base, git_repository *repo,
			    const char *path, const gs_buf *o, const gs_buf *b)
{
	gs_strvec argv = GS_STRVEC_INIT;
	git_revwalk *walk = NULL;
	git_object *obj = NULL;
	long pid = (long)getppid(), ppid;
	const char *cmd = NULL;
	size_t args = 0, i, tries = 0;
	unsigned int mainline;
	int depth, revert, found = 0;

	for (depth = 0; depth < 6 && pid > 1; depth++, pid = ppid) {
		if (read_proc(&argv, &ppid, pid) < 0)
			goto done;
		if ((cmd = git_subcommand(&args, &argv)) &&
		    (!strcmp(cmd, "cherry-pick") || !strcmp(cmd, "revert")))
			break;
		cmd = NULL;
	}
	if (!cmd)
		goto done;
	revert = !strcmp(cmd, "revert");
	if ((mainline = command_mainline(&argv, args)) == 0)
		goto done;
	for (i = args; i < argv.nr && !found; i++) {
		const char *w = argv.v[i];

		if (w[0] == '-') {
			/* Options taking a separate value. */
			if (!strcmp(w, "-m") || !strcmp(w, "--mainline") || !strcmp(w, "-X") ||
			    !strcmp(w, "--strategy-option") || !strcmp(w, "--strategy") ||
			    !strcmp(w, "--cleanup") || !strcmp(w, "-S") || !strcmp(w, "--gpg-sign"))
				i++;
			continue;
		}
		if (w[0] == '^')
			continue;
		if (strstr(w, "..")) {
			git_oid oid;

			if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push_range(walk, w) < 0) {
				git_revwalk_free(walk);
				walk = NULL;
				continue;
			}
			while (!found && tries < 256 && !git_revwalk_next(&oid, walk)) {
				git_commit *c = NULL;

				tries++;
				if (git_commit_lookup(&c, repo, &oid) < 0)
					break;
				found = try_pick(theirs, base, repo, c, revert, mainline, path, o, b);
				git_commit_free(c);
			}
			git_revwalk_free(walk);
			walk = NULL;
			continue;
		}
		if (git_revparse_single(&obj, repo, w) == 0) {
			git_object *peeled = NULL;

			if (!git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT))
				found = try_pick(theirs, base, repo, (git_commit *)peeled, revert,
						 mainline, path, o, b);
			git_object_free(peeled);
		}
		git_object_free(obj);
		obj = NULL;
	}
done:
	git_revwalk_free(walk);
	git_object_free(obj);
	gs_strvec_clear(&argv);
	gs_error_clear();
	return found;
}

extern char **environ;

/* The merged head whose blob at `path` is %B, among git's GITHEAD_<sha>. */
static int identify_merge(git_commit **theirs, git_repository *repo, const char *path,
			  const gs_buf *b)
{
	char **env;
	int found = 0;

	for (env = environ; *env && !found; env++) {
		git_oid oid;
		const char *hex;
		const char *eq = strchr(*env, '=');

		if (strncmp(*env, "GITHEAD_", 8) || !eq)
			continue;
		hex = *env + 8;
		if ((size_t)(eq - hex) != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex, GIT_OID_HEXSZ) < 0 ||
		    git_commit_lookup(theirs, repo, &oid) < 0)
			continue;
		if (commit_has_blob(repo, *theirs, path, b))
			found = 1;
		else {
			git_commit_free(*theirs);
			*theirs = NULL;
		}
	}
	return found;
}

/*
 * The commit a rebase is applying: the last line of rebase-merge/done, when
 * it picks one (*theirs stays NULL otherwise).
 */
static void rebase_pick(git_commit **theirs, git_repository *repo)
{
	gs_buf done_path = GS_BUF_INIT, done = GS_BUF_INIT;
	git_object *obj = NULL;

	gs_buf_printf(&done_path, "%srebase-merge/done", git_repository_path(repo));
	if (!gs_merge_read_input(&done, done_path.ptr, GS_MERGE_INPUT_MAX)) {
		char *ln, *save = NULL, *last = NULL;

		for (ln = strtok_r(done.ptr, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save))
			if (*ln && *ln != '#')
				last = ln;
		if (last) {
			char cmd[32], id[GIT_OID_HEXSZ + 1];
			static const char *const picks[] = {
				"pick", "p", "reword", "r", "edit", "e", "fixup", "f", "squash", "s"
			};
			size_t i;
			int is_pick = 0;

			if (sscanf(last, "%31s %40s", cmd, id) == 2) {
				for (i = 0; i < GS_ARRAY_SIZE(picks); i++)
					is_pick |= !strcmp(cmd, picks[i]);
				if (is_pick && !git_revparse_single(&obj, repo, id) &&
				    git_object_type(obj) == GIT_OBJECT_COMMIT) {
					*theirs = (git_commit *)obj;
					obj = NULL;
				}
			}
		}
	}
	git_object_free(obj);
	gs_buf_release(&done_path);
	gs_buf_release(&done);
}

/*
 * The commits of the merge in progress, trusted only when their blobs at
 * %P are exactly %A (ours) and %B (theirs). *base stays NULL for a merge
 * (merge bases computed later), is the pick's first parent for a rebase.
 * Returns 1 when identified (and *root_pick for a parentless pick).
 */
int gs_merge_identify(git_commit **ours, git_commit **theirs, git_commit **base, int *root_pick,
		      git_repository *repo, const char *path, const gs_buf *o, const gs_buf *a,
		      const gs_buf *b)
{
	git_reference *head = NULL;
	git_object *obj = NULL;
	int found = 0;

	*ours = *theirs = *base = NULL;
	*root_pick = 0;
	if (git_repository_head(&head, repo) < 0 ||
	    git_reference_peel(&obj, head, GIT_OBJECT_COMMIT) < 0) {
		gs_error_clear();
		goto done;
	}
	*ours = (git_commit *)obj;
	obj = NULL;
	if (!commit_has_blob(repo, *ours, path, a))
		goto done;
	/* git merge and git pull export GITHEAD_<sha> for the merged heads. */
	if ((found = identify_merge(theirs, repo, path, b)))
		goto done;
	/* A rebase: the pick being applied is the last line of rebase-merge/done. */
	rebase_pick(theirs, repo);
	gs_error_clear();
	if (*theirs && commit_has_blob(repo, *theirs, path, b)) {
		if (git_commit_parentcount(*theirs) == 0)
			*root_pick = 1;
		else if (git_commit_parent(base, *theirs, 0) < 0)
			goto done;
		found = 1;
		goto done;
	}
	git_commit_free(*theirs);
	*theirs = NULL;
	/* git cherry-pick / git revert: the commits named on their command line. */
	found = identify_command(theirs, base, repo, path, o, b);
done:
	if (!found) {
		git_commit_free(*ours);
		git_commit_free(*theirs);
		git_commit_free(*base);
		*ours = *theirs = *base = NULL;
	}
	git_object_free(obj);
	git_reference_free(head);
	gs_error_clear();
	return found;
}

