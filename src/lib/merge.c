/*
 * The structural (entry-wise) merge of contract files, and the plain text
 * merge everything falls back to (DESIGN.md 3.3). The policy is "never
 * lose data": whatever goes wrong ends in a text merge with conflict
 * markers, never in a half-written or silently wrong result. The rest of
 * the merge: merge_rederive.c (from merged sources), merge_identify.c (which
 * commits are merged), merge_driver.c (the driver git runs).
 */
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "contract_internal.h"
#include "gitspec/merge.h"

/* ---- structural merge --------------------------------------------------- */

static int entry_same(const entry *a, const entry *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a->text, b->text);
}

static const char *kind_word(enum entry_kind k)
{
	switch (k) {
	case E_HEADER: return "the heading";
	case E_EXPORT: return "export";
	case E_FILE: return "file section";
	case E_CLASS: return "class";
	default: return "symbol";
	}
}

int gs_merge_contracts(gs_buf *out, gs_strvec *conflicts,
		       const char *base, size_t base_len,
		       const char *ours, size_t ours_len,
		       const char *theirs, size_t theirs_len)
{
	gs_contract *in[3] = { NULL, NULL, NULL };
	entry *all = NULL, **merged = NULL;
	size_t all_nr = 0, merged_nr = 0, i, j;
	int error = 0, s, nconf = 0;

	if ((error = gs_contract_parse(&in[0], base, base_len)) < 0 ||
	    (error = gs_contract_parse(&in[1], ours, ours_len)) < 0 ||
	    (error = gs_contract_parse(&in[2], theirs, theirs_len)) < 0)
		goto done;
	/*
	 * Entries of two formats do not compare (a variable is "x" in one,
	 * "x = 1" in the other): a merge across a format change is left to
	 * the text merge, and so to the user.
	 */
	if (in[0]->format != in[1]->format || in[0]->format != in[2]->format) {
		error = gs_error_set(GS_EINPUT, "the contracts are in different contract formats");
		goto done;
	}
	for (s = 0; s < 3; s++)
		all_nr += in[s]->nr;
	all = gs_xcalloc(all_nr + 1, sizeof(*all));
	merged = gs_xcalloc(all_nr + 1, sizeof(*merged));
	all_nr = 0;
	for (s = 0; s < 3; s++)
		for (i = 0; i < in[s]->nr; i++) {
			all[all_nr] = in[s]->v[i];
			all[all_nr++].side = s;
		}
	GS_QSORT(all, all_nr, gs_contract_entry_sort_cmp);
	for (i = 0; i < all_nr; i = j) {
		entry *side[3] = { NULL, NULL, NULL }, *pick;

		for (j = i; j < all_nr && !gs_contract_entry_cmp(&all[i], &all[j]); j++)
			side[all[j].side] = &all[j];
		if (entry_same(side[1], side[2]))
			pick = side[1];
		else if (entry_same(side[0], side[1]))
			pick = side[2];
		else if (entry_same(side[0], side[2]))
			pick = side[1];
		else {
			const entry *e = side[1] ? side[1] : side[2];

			nconf++;
			if (conflicts) {
				if (*e->file)
					gs_strvec_pushf(conflicts, "%s: %s '%s'", e->file, kind_word(e->kind),
							*e->cls && e->kind != E_CLASS ?
							e->cls : e->name);
				else
					gs_strvec_pushf(conflicts, "%s%s%s", kind_word(e->kind),
							*e->name ? " " : "", e->name);
			}
			continue;
		}
		if (pick)
			merged[merged_nr++] = pick;
	}
	/* Members and symbols must still have their class and file section. */
	for (i = 0; i < merged_nr; i++) {
		entry *e = merged[i];
		int found = 0;

		if (e->kind == E_HEADER || e->kind == E_EXPORT || e->kind == E_FILE)
			continue;
		for (j = 0; j < merged_nr && !found; j++) {
			if (e->kind == E_CLASS || gs_contract_section_rank(e->kind) < 4)
				found = merged[j]->kind == E_FILE && !strcmp(merged[j]->file, e->file);
			else
				found = merged[j]->kind == E_CLASS && !strcmp(merged[j]->file, e->file) &&
					!strcmp(merged[j]->cls, e->cls);
		}
		if (!found) {
			nconf++;
			if (conflicts)
				gs_strvec_pushf(conflicts, "%s: '%s' was changed on one side while "
						"its %s was removed on the other", e->file,
						*e->cls ? e->cls : e->name,
						gs_contract_section_rank(e->kind) < 4 || e->kind == E_CLASS ?
						"file" : "class");
		}
	}
	if (!merged_nr || merged[0]->kind != E_HEADER) {
		nconf++;
		if (conflicts)
			gs_strvec_push(conflicts, "the heading");
	}
	if (nconf) {
		error = gs_error_set(GS_ECHECK, "%d conflicting contract entr%s", nconf,
				     nconf == 1 ? "y" : "ies");
		goto done;
	}
	gs_buf_clear(out);
	gs_contract_render_entries(out, merged, merged_nr);
done:
	/* `all` holds shallow copies of the parsed entries: free those once. */
	free(all);
	free(merged);
	for (s = 0; s < 3; s++)
		gs_contract_free(in[s]);
	return error;
}

/* ---- text merge --------------------------------------------------------- */

int gs_merge_text(gs_buf *out, const char *base, size_t base_len,
		  const char *ours, size_t ours_len,
		  const char *theirs, size_t theirs_len,
		  const gs_merge_labels *labels)
{
	git_merge_file_input in_base, in_ours, in_theirs;
	git_merge_file_options opts;
	git_merge_file_result res;
	int error = 0;

	memset(&res, 0, sizeof(res));
	git_merge_file_input_init(&in_base, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&in_ours, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&in_theirs, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);

	in_base.ptr = base;
	in_base.size = base_len;
	in_ours.ptr = ours;
	in_ours.size = ours_len;
	in_theirs.ptr = theirs;
	in_theirs.size = theirs_len;
	if (labels) {
		opts.ancestor_label = labels->ancestor;
		opts.our_label = labels->ours;
		opts.their_label = labels->theirs;
		if (labels->marker_size > 0 && labels->marker_size < 1000)
			opts.marker_size = (unsigned short)labels->marker_size;
		if (labels->diff3 == 1)
			opts.flags |= GIT_MERGE_FILE_STYLE_DIFF3;
		else if (labels->diff3 == 2)
			opts.flags |= GIT_MERGE_FILE_STYLE_ZDIFF3;
	}
	gs_buf_clear(out);
	if (git_merge_file(&res, &in_base, &in_ours, &in_theirs, &opts) < 0) {
		gs_buf_set(out, ours, ours_len);
		error = gs_error_set_git("cannot merge");
		goto done;
	}
	gs_buf_set(out, res.ptr, res.len);
	if (!res.automergeable)
		error = gs_error_set(GS_ECHECK, "the contract has conflicts");
done:
	git_merge_file_result_free(&res);
	return error;
}

