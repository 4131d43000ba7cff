/*
 * An id collision seen by the merge driver (issue 11 item 7): two branches
 * each created a spec and both picked one id, so the spec file and its
 * contracts are added on both sides for different packages. Merging the
 * sources cannot fix that; renumbering one of the two specs does.
 */
#include <stdlib.h>
#include <string.h>
#include "merge_internal.h"
#include "gitspec/common.h"
#include "gitspec/spec.h"

/* The blob at `path` in `commit`'s tree: 0 and *out, or nonzero. */
static int blob_at(git_blob **out, git_repository *repo, const git_commit *commit,
		   const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int r = -1;

	*out = NULL;
	if (commit && !git_commit_tree(&tree, commit) && !git_tree_entry_bypath(&e, tree, path) &&
	    git_tree_entry_type(e) == GIT_OBJECT_BLOB)
		r = git_blob_lookup(out, repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_error_clear();
	return r;
}

/*
 * The spec file a contract at `path` belongs to, by the layout of the
 * registry (SPECS/NAME/NAME.md in a directory above the contract) in
 * `commit`'s tree, into `spec_path`; 0 when found.
 */
static int spec_above(gs_buf *spec_path, git_repository *repo, const git_commit *commit,
		      const char *path)
{
	gs_buf dir = GS_BUF_INIT;
	git_blob *blob = NULL;
	char *slash;
	int r = -1;

	gs_buf_sets(&dir, path);
	while (r && (slash = strrchr(dir.ptr, '/'))) {
		const char *base;

		gs_buf_setlen(&dir, (size_t)(slash - dir.ptr));
		slash = strrchr(dir.ptr, '/');
		base = slash ? slash + 1 : dir.ptr;
		gs_buf_clear(spec_path);
		gs_buf_printf(spec_path, "%s/%s.md", dir.ptr, base);
		if (!blob_at(&blob, repo, commit, spec_path->ptr))
			r = 0;
		git_blob_free(blob);
		blob = NULL;
	}
	gs_buf_release(&dir);
	return r;
}

static gs_spec *parse_blob(const git_blob *blob, const char *path)
{
	gs_spec *spec = NULL;

	if (gs_spec_parse(&spec, path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) < 0)
		gs_error_clear();
	return spec;
}

/* "a, b": the packages of a spec. */
static void packages_of(gs_buf *out, const gs_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->sources_nr; i++)
		gs_buf_printf(out, "%s'%s'", i ? ", " : "", spec->sources[i].identifier);
}

static int same_packages(const gs_spec *a, const gs_spec *b)
{
	size_t i;

	if (a->sources_nr != b->sources_nr)
		return 0;
	for (i = 0; i < a->sources_nr; i++)
		if (strcmp(a->sources[i].identifier, b->sources[i].identifier))
			return 0;
	return 1;
}

int gs_merge_spec_collision(gs_strvec *messages, git_repository *repo, const git_commit *ours,
			    const git_commit *theirs, const git_commit *base, const char *path)
{
	gs_buf spec_path = GS_BUF_INIT, here = GS_BUF_INIT, there = GS_BUF_INIT;
	git_blob *ob = NULL, *tb = NULL, *bb = NULL;
	gs_spec *os = NULL, *ts = NULL;
	int found = 0;

	if (!ours || !theirs || spec_above(&spec_path, repo, ours, path))
		goto done;
	/* Added on both sides: absent from the base, different on each side. */
	if (!blob_at(&bb, repo, base, spec_path.ptr) ||
	    blob_at(&ob, repo, ours, spec_path.ptr) || blob_at(&tb, repo, theirs, spec_path.ptr) ||
	    git_oid_equal(git_blob_id(ob), git_blob_id(tb)))
		goto done;
	os = parse_blob(ob, spec_path.ptr);
	ts = parse_blob(tb, spec_path.ptr);
	if (!os || !ts || strcmp(os->id, ts->id) || same_packages(os, ts))
		goto done;
	packages_of(&here, os);
	packages_of(&there, ts);
	gs_strvec_pushf(messages, "contract '%s' conflicts: %s was created on both sides, for %s "
			"here and for %s on theirs (two branches picked one spec id)",
			path, os->id, here.ptr, there.ptr);
	gs_strvec_pushf(messages, "abort (`git merge --abort`), run `git spec renumber %s` on one "
			"of the two branches and commit it, then merge again", os->id);
	found = 1;
done:
	gs_spec_free(os);
	gs_spec_free(ts);
	git_blob_free(ob);
	git_blob_free(tb);
	git_blob_free(bb);
	gs_buf_release(&spec_path);
	gs_buf_release(&here);
	gs_buf_release(&there);
	return found;
}
