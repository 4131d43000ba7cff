/*
 * Spec ids in use on every branch (specid.h).
 */
#include <stdlib.h>
#include <string.h>
#include "gitspec/specid.h"
#include "gitspec/common.h"

unsigned long gs_spec_id_number(const char *s)
{
	unsigned long n = 0;
	const char *p;

	if (strncmp(s, "SPEC-", 5) || !s[5])
		return 0;
	for (p = s + 5; *p; p++) {
		if (*p < '0' || *p > '9' || n > 100000000UL)
			return 0;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	return n;
}

/* The specs directory's tree ids already listed, so that shared ones are read once. */
typedef struct seen_trees {
	git_oid *v;
	size_t nr, alloc;
} seen_trees;

static int seen(seen_trees *s, const git_oid *id)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (git_oid_equal(&s->v[i], id))
			return 1;
	GS_ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	git_oid_cpy(&s->v[s->nr++], id);
	return 0;
}

/* The names below `specs_dir` in the tree of the commit `ref` points at. */
static int names_of_ref(gs_strvec *out, git_repository *repo, git_reference *ref,
			const char *specs_dir, seen_trees *s)
{
	git_object *obj = NULL;
	git_tree_entry *entry = NULL;
	git_tree *dir = NULL;
	size_t i;
	int error = 0;

	if (git_reference_peel(&obj, ref, GIT_OBJECT_TREE) < 0) {
		/* A ref to a blob or a missing object names no spec. */
		git_error_clear();
		goto done;
	}
	if (!strcmp(specs_dir, ".") || !*specs_dir) {
		if (seen(s, git_object_id(obj)))
			goto done;
		dir = (git_tree *)obj;
		obj = NULL;
	} else {
		if (git_tree_entry_bypath(&entry, (git_tree *)obj, specs_dir) < 0) {
			git_error_clear();
			goto done;
		}
		if (git_tree_entry_type(entry) != GIT_OBJECT_TREE || seen(s, git_tree_entry_id(entry)))
			goto done;
		if (git_tree_lookup(&dir, repo, git_tree_entry_id(entry)) < 0) {
			error = gs_error_set_git("cannot read the specs directory of a branch");
			goto done;
		}
	}
	for (i = 0; i < git_tree_entrycount(dir); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(dir, i);

		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			gs_strvec_push(out, git_tree_entry_name(e));
	}
done:
	git_tree_free(dir);
	git_tree_entry_free(entry);
	git_object_free(obj);
	return error;
}

int gs_spec_ids_on_branches(gs_strvec *out, git_repository *repo, const char *specs_dir)
{
	static const char *const globs[] = { "refs/heads/*", "refs/remotes/*" };
	seen_trees s = { NULL, 0, 0 };
	size_t g;
	int error = 0;

	for (g = 0; g < GS_ARRAY_SIZE(globs) && !error; g++) {
		git_reference_iterator *it = NULL;
		git_reference *ref;
		int r;

		if (git_reference_iterator_glob_new(&it, repo, globs[g]) < 0) {
			error = gs_error_set_git("cannot list the branches");
			break;
		}
		while (!error && !(r = git_reference_next(&ref, it))) {
			error = names_of_ref(out, repo, ref, specs_dir, &s);
			git_reference_free(ref);
		}
		if (!error && r != GIT_ITEROVER)
			error = gs_error_set_git("cannot list the branches");
		git_error_clear();
		git_reference_iterator_free(it);
	}
	free(s.v);
	gs_strvec_sort_uniq(out);
	return error;
}

char *gs_spec_next_free_id(const gs_registry *reg, const gs_strvec *taken, unsigned long floor)
{
	unsigned long max = floor, n;
	gs_buf id = GS_BUF_INIT;
	size_t i;

	for (i = 0; reg && i < reg->specs_nr; i++)
		if ((n = gs_spec_id_number(reg->specs[i]->id)) > max)
			max = n;
	for (i = 0; reg && i < reg->names.nr; i++)
		if ((n = gs_spec_id_number(reg->names.v[i])) > max)
			max = n;
	for (i = 0; taken && i < taken->nr; i++)
		if ((n = gs_spec_id_number(taken->v[i])) > max)
			max = n;
	gs_buf_printf(&id, "SPEC-%03lu", max + 1);
	return gs_buf_detach(&id, NULL);
}
