/*
 * The merge driver git runs for contract files (git-spec-merge): read
 * %O %A %B, try re-derivation, then the structural merge, then the text
 * merge, and replace %A atomically with the result.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
#include "merge_internal.h"
#include "gitspec/merge.h"
#include "gitspec/fsutil.h"

/* ---- the driver --------------------------------------------------------- */

void gs_merge_result_init(gs_merge_result *res)
{
	res->how = GS_MERGE_FAILED;
	res->conflict = 0;
	gs_strvec_init(&res->messages);
}

void gs_merge_result_clear(gs_merge_result *res)
{
	gs_strvec_clear(&res->messages);
}

int gs_merge_read_input(gs_buf *out, const char *path, size_t max)
{
	gs_read_opts opts = { max, GS_READ_REGULAR, "a contract can be" };

	gs_buf_clear(out);
	if (!path)
		return gs_error_set(GS_ENOTFOUND, "no file given");
	return gs_read_file_opts(out, path, &opts);
}

/* Replace `path` atomically, keeping its mode: git must never read a half-written %A. */
static int write_result(const char *path, const char *data, size_t len)
{
	struct stat st;

	return gs_replace_file(path, data, len, stat(path, &st) ? 0644 : st.st_mode & 0777);
}

/* Whether the blob at `path` in `commit` has exactly `data` as content. */
static int has_nul(const gs_buf *b)
{
	return memchr(b->ptr, '\0', b->size) != NULL;
}

static int conflict_style(git_repository *repo)
{
	git_config *cfg = NULL, *snap = NULL;
	const char *v = NULL;
	int style = 0;

	if (repo && !git_repository_config(&cfg, repo) && !git_config_snapshot(&snap, cfg) &&
	    !git_config_get_string(&v, snap, "merge.conflictStyle")) {
		if (!strcmp(v, "diff3"))
			style = 1;
		else if (!strcmp(v, "zdiff3"))
			style = 2;
	}
	git_config_free(snap);
	git_config_free(cfg);
	gs_error_clear();
	return style;
}

/*
 * The blobs and trees the re-derivation writes (merged sources, projection
 * trees) are needed only while the driver runs: an in-memory object
 * backend, consulted first, keeps them out of the repository.
 */
static int keep_objects_in_memory(git_repository *repo)
{
	git_odb *odb = NULL;
	git_odb_backend *mempack = NULL;
	int error = 0;

	if (git_repository_odb(&odb, repo) < 0 || git_mempack_new(&mempack) < 0 ||
	    git_odb_add_backend(odb, mempack, 1000) < 0) {
		if (mempack)
			mempack->free(mempack);
		error = gs_error_set_git("cannot set up an in-memory object store");
	}
	git_odb_free(odb);
	return error;
}

#define FIX_HINT "resolve the conflicting sources, then run `git spec sync --staged`"

/*
 * The label git gives their side in conflict markers: the name `git merge`
 * exported as GITHEAD_<id> (the branch as typed), else the abbreviated id.
 * git 2.39 passes a driver no labels (%S/%X/%Y came in git 2.44), so the
 * driver finds them as it finds the commits.
 */
static void their_label(gs_buf *out, const git_commit *theirs)
{
	char hex[GIT_OID_HEXSZ + 1];
	gs_buf name = GS_BUF_INIT;
	const char *v;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(theirs));
	gs_buf_printf(&name, "GITHEAD_%s", hex);
	v = getenv(name.ptr);
	gs_buf_clear(out);
	if (v && *v)
		gs_buf_puts(out, v);
	else
		gs_buf_printf(out, "%.7s", hex);
	gs_buf_release(&name);
}

/*
 * The three versions: a missing base or theirs reads as empty (git gives
 * all three, but be robust). An input that is not a regular file, is
 * larger than a contract can be, or is binary is a conflict: %A stays ours
 * (gs_merge_read_input). 0, or -1 with the reason in res->messages.
 */
static int read_inputs(gs_merge_result *res, gs_buf *o, gs_buf *a, gs_buf *b,
		       const gs_merge_args *args, const char *what)
{
	size_t max = args->max_input ? args->max_input : GS_MERGE_INPUT_MAX;
	int error = -1, r;

	if (gs_merge_read_input(a, args->ours_file, max) < 0) {
		gs_strvec_pushf(&res->messages, "cannot read our version of '%s' (%s); left as it is",
				what, gs_error_last());
		goto done;
	}
	if ((r = gs_merge_read_input(o, args->base_file, max)) < 0 && r != GS_ENOTFOUND) {
		gs_strvec_pushf(&res->messages, "cannot read the base version of '%s' (%s); "
				"kept our version", what, gs_error_last());
		goto done;
	}
	if ((r = gs_merge_read_input(b, args->theirs_file, max)) < 0 && r != GS_ENOTFOUND) {
		gs_strvec_pushf(&res->messages, "cannot read their version of '%s' (%s); "
				"kept our version", what, gs_error_last());
		goto done;
	}
	gs_error_clear();
	if (has_nul(o) || has_nul(a) || has_nul(b)) {
		/* As git does for binary files: keep ours, report a conflict. */
		gs_strvec_pushf(&res->messages, "'%s' is binary; kept our version", what);
		goto done;
	}
	error = 0;
done:
	return error;
}

/*
 * Re-derive the contract from the merged sources, when the merge's
 * commits can be identified. 1: re-derived into `out`; -1: a conflict
 * of the sources (reported in res->messages), merge as text; 0: merge the
 * entries. Names theirs in `labels` (its text lives in `theirs_label`).
 */
static int rederive_step(gs_buf *out, gs_merge_result *res, gs_merge_labels *labels,
			 gs_buf *theirs_label, git_repository *repo, const gs_merge_args *args,
			 const char *what, const gs_buf *o, const gs_buf *a, const gs_buf *b)
{
	gs_strvec conflicts = GS_STRVEC_INIT;
	git_commit *ours = NULL, *theirs = NULL, *base = NULL;
	int ret = 0, root_pick = 0, r;
	size_t i;

	if (!gs_merge_identify(&ours, &theirs, &base, &root_pick, repo, args->path, o, a, b))
		goto done;
	if (theirs) {
		their_label(theirs_label, theirs);
		labels->theirs = theirs_label->ptr;
	}
	/* One id picked on two branches: no merge of sources fixes that. */
	if (gs_merge_spec_collision(&res->messages, repo, ours, theirs, base, args->path)) {
		ret = -1;
		goto done;
	}
	if (root_pick) {
		git_tree *to = NULL, *tt = NULL;

		r = git_commit_tree(&to, ours) < 0 || git_commit_tree(&tt, theirs) < 0 ?
			gs_error_set_git("cannot read the trees of the merge") :
			gs_merge_rederive_trees(out, &conflicts, repo, NULL, to, tt, args->path);
		git_tree_free(to);
		git_tree_free(tt);
	} else {
		r = gs_merge_rederive(out, &conflicts, repo, ours, theirs, base, args->path);
	}
	if (!r) {
		ret = 1;
	} else if (r == GS_ECHECK) {
		for (i = 0; i < conflicts.nr; i++)
			gs_strvec_pushf(&res->messages, "contract '%s' conflicts: source '%s' conflicts",
					what, conflicts.v[i]);
		gs_strvec_push(&res->messages, FIX_HINT);
		ret = -1;
	} else {
		gs_strvec_pushf(&res->messages, "cannot re-derive '%s' (%s); merging its entries",
				what, gs_error_last());
		gs_error_clear();
	}
done:
	git_commit_free(ours);
	git_commit_free(theirs);
	git_commit_free(base);
	gs_strvec_clear(&conflicts);
	return ret;
}

int gs_merge_driver(gs_merge_result *res, git_repository *repo, const gs_merge_args *args)
{
	gs_buf o = GS_BUF_INIT, a = GS_BUF_INIT, b = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;
	/* git's labels: HEAD for ours, the merged branch for theirs (below). */
	gs_merge_labels labels = { "base", "HEAD", "theirs", 0, 0 };
	gs_buf theirs_label = GS_BUF_INIT;
	const char *what = args->path ? args->path : "the contract";
	int error = 0, r;
	size_t i;

	labels.marker_size = args->marker_size;
	labels.diff3 = conflict_style(repo);
	res->how = GS_MERGE_FAILED;
	res->conflict = 1;
	if (read_inputs(res, &o, &a, &b, args, what) < 0)
		goto done;
	if (repo && args->path && keep_objects_in_memory(repo) < 0) {
		/* Without it the merge still works; it only leaves loose objects. */
		gs_error_clear();
	}
	if (repo && args->path) {
		r = rederive_step(&out, res, &labels, &theirs_label, repo, args, what, &o, &a, &b);
		if (r > 0) {
			res->how = GS_MERGE_REDERIVED;
			res->conflict = 0;
			goto write;
		}
		if (r < 0)
			goto text;
	}
	r = gs_merge_contracts(&out, &conflicts, o.ptr, o.size, a.ptr, a.size, b.ptr, b.size);
	if (!r) {
		res->how = GS_MERGE_STRUCTURAL;
		res->conflict = 0;
		goto write;
	}
	if (r == GS_ECHECK) {
		for (i = 0; i < conflicts.nr; i++)
			gs_strvec_pushf(&res->messages, "contract '%s' conflicts: %s", what, conflicts.v[i]);
		gs_strvec_pushf(&res->messages, "resolve the sources, then run `git spec sync --staged`");
	} else {
		gs_strvec_pushf(&res->messages, "cannot merge '%s' entry by entry (%s); merged as text",
				what, gs_error_last());
		gs_strvec_push(&res->messages, "check the result with `git spec check --staged`; "
			       "`git spec sync --staged` regenerates it");
	}
text:
	gs_error_clear();
	r = gs_merge_text(&out, o.ptr, o.size, a.ptr, a.size, b.ptr, b.size, &labels);
	if (r == GS_ERROR) {
		gs_strvec_pushf(&res->messages, "cannot merge '%s' as text; kept our version", what);
		goto done;
	}
	/* Text is never trusted as a contract: always a conflict for the user. */
	res->how = GS_MERGE_TEXT;
	res->conflict = 1;
write:
	if ((error = write_result(args->ours_file, out.ptr, out.size)) < 0) {
		gs_strvec_pushf(&res->messages, "%s", gs_error_last());
		res->how = GS_MERGE_FAILED;
		res->conflict = 1;
	}
done:
	gs_strvec_clear(&conflicts);
	gs_buf_release(&o);
	gs_buf_release(&a);
	gs_buf_release(&b);
	gs_buf_release(&out);
	gs_buf_release(&theirs_label);
	return error;
}
