#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/revwalk.h"
#include "gitspec/repo.h"
#include "gitspec/strvec.h"

/* A set of object ids: open addressing on the id's first bytes. */
struct oidset {
	git_oid *v;
	unsigned char *used;
	size_t nr, cap;
};

static size_t slot_of(const struct oidset *s, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	h &= s->cap - 1;
	while (s->used[h] && !git_oid_equal(&s->v[h], id))
		h = (h + 1) & (s->cap - 1);
	return h;
}

static int oidset_has(const struct oidset *s, const git_oid *id)
{
	return s->cap && s->used[slot_of(s, id)];
}

/* Add `id`; 1 when it was new. */
static int oidset_add(struct oidset *s, const git_oid *id)
{
	size_t h;

	if ((s->nr + 1) * 2 > s->cap) {
		struct oidset bigger;
		size_t i;

		bigger.cap = s->cap ? s->cap * 2 : 64;
		bigger.nr = 0;
		bigger.v = gs_xcalloc(bigger.cap, sizeof(*bigger.v));
		bigger.used = gs_xcalloc(bigger.cap, 1);
		for (i = 0; i < s->cap; i++)
			if (s->used[i])
				oidset_add(&bigger, &s->v[i]);
		free(s->v);
		free(s->used);
		*s = bigger;
	}
	h = slot_of(s, id);
	if (s->used[h])
		return 0;
	s->used[h] = 1;
	git_oid_cpy(&s->v[h], id);
	s->nr++;
	return 1;
}

static void oidset_clear(struct oidset *s)
{
	free(s->v);
	free(s->used);
	memset(s, 0, sizeof(*s));
}

/* The shallow boundary: commits whose parents are missing. */
static void read_shallow(struct oidset *out, git_repository *repo)
{
	gs_strvec ids = GS_STRVEC_INIT;
	git_oid id;
	size_t i;

	gs_repo_shallow(&ids, repo);
	for (i = 0; i < ids.nr; i++)
		if (!git_oid_fromstr(&id, ids.v[i]))
			oidset_add(out, &id);
	gs_strvec_clear(&ids);
}

/*
 * Everything reachable from `roots` into `seen`, not entering `stop` and
 * not walking past a shallow commit. Missing commits end the walk there
 * (they can only be below the boundary). With `order`, the commits are
 * also appended in post-order (parents first).
 */
static int reach(struct oidset *seen, git_oid **order, size_t *order_nr, git_repository *repo,
		 const struct oidset *shallow, const struct oidset *stop,
		 const git_oid *roots, size_t roots_nr)
{
	struct frame { git_oid id; unsigned next; } *stack = NULL;
	size_t sp = 0, salloc = 0, oalloc = 0, i;
	int error = 0;

	for (i = 0; i < roots_nr; i++) {
		if ((stop && oidset_has(stop, &roots[i])) || !oidset_add(seen, &roots[i]))
			continue;
		GS_ALLOC_GROW(stack, sp + 1, salloc);
		git_oid_cpy(&stack[sp].id, &roots[i]);
		stack[sp++].next = 0;
		while (sp) {
			struct frame *f = &stack[sp - 1];
			git_commit *c = NULL;
			const git_oid *parent = NULL;
			int exists = !git_commit_lookup(&c, repo, &f->id);

			git_error_clear();
			if (exists && !oidset_has(shallow, &f->id) && f->next < git_commit_parentcount(c))
				parent = git_commit_parent_id(c, f->next);
			if (parent) {
				git_oid p;

				git_oid_cpy(&p, parent);
				f->next++;
				git_commit_free(c);
				if ((stop && oidset_has(stop, &p)) || !oidset_add(seen, &p))
					continue;
				GS_ALLOC_GROW(stack, sp + 1, salloc);
				git_oid_cpy(&stack[sp].id, &p);
				stack[sp++].next = 0;
				continue;
			}
			git_commit_free(c);
			if (order && exists) {
				GS_ALLOC_GROW(*order, *order_nr + 1, oalloc);
				git_oid_cpy(&(*order)[(*order_nr)++], &f->id);
			}
			sp--;
		}
	}
	free(stack);
	return error;
}

/* libgit2's own walk, for a complete repository. */
static int libgit2_walk(git_oid **out, size_t *nr, git_repository *repo,
			const git_oid *push, size_t push_nr, const git_oid *hide, size_t hide_nr)
{
	git_revwalk *walk = NULL;
	git_oid id;
	size_t alloc = 0, i;
	int error = 0, r;

	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0) {
		error = gs_error_set_git("cannot walk the commits");
		goto done;
	}
	for (i = 0; i < push_nr; i++)
		if (git_revwalk_push(walk, &push[i]) < 0) {
			error = gs_error_set_git("cannot walk the commits");
			goto done;
		}
	for (i = 0; i < hide_nr; i++)
		if (git_revwalk_hide(walk, &hide[i]) < 0) {
			error = gs_error_set_git("cannot walk the commits");
			goto done;
		}
	while ((r = git_revwalk_next(&id, walk)) == 0) {
		GS_ALLOC_GROW(*out, *nr + 1, alloc);
		git_oid_cpy(&(*out)[(*nr)++], &id);
	}
	if (r != GIT_ITEROVER)
		error = gs_error_set_git("cannot walk the commits");
done:
	git_revwalk_free(walk);
	return error;
}

int gs_revwalk_list(git_oid **out, size_t *nr, git_repository *repo,
		    const git_oid *push, size_t push_nr, const git_oid *hide, size_t hide_nr)
{
	struct oidset shallow = { NULL, NULL, 0, 0 }, hidden = { NULL, NULL, 0, 0 };
	struct oidset seen = { NULL, NULL, 0, 0 };
	int error;

	*out = NULL;
	*nr = 0;
	if (git_repository_is_shallow(repo) == 1)
		read_shallow(&shallow, repo);
	git_error_clear();
	if (!shallow.nr) {
		error = libgit2_walk(out, nr, repo, push, push_nr, hide, hide_nr);
		goto done;
	}
	if ((error = reach(&hidden, NULL, NULL, repo, &shallow, NULL, hide, hide_nr)) < 0 ||
	    (error = reach(&seen, out, nr, repo, &shallow, &hidden, push, push_nr)) < 0)
		goto done;
done:
	if (error < 0) {
		free(*out);
		*out = NULL;
		*nr = 0;
	}
	oidset_clear(&shallow);
	oidset_clear(&hidden);
	oidset_clear(&seen);
	return error;
}
