/*
 * Which packages need a spec and which of those have none (coverage.h,
 * docs/adr/0013-coverage.md).
 */
#include <stdlib.h>
#include <string.h>
#include "gitspec/coverage.h"
#include "gitspec/common.h"
#include "gitspec/language.h"

/*
 * Whether `e` is an empty file: the work tree knows its size; an index or
 * a tree knows its blob id, and the empty blob has one id.
 */
static int empty_file(const gs_source *src, const gs_source_entry *e)
{
	static const char empty_blob[] = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
	git_oid empty;

	if (gs_source_get_kind(src) == GS_SOURCE_WORKTREE && !e->skip_worktree)
		return e->size == 0;
	if (git_oid_fromstr(&empty, empty_blob) < 0) {
		git_error_clear();
		return 0;
	}
	return git_oid_equal(&empty, &e->oid);
}

int gs_package_needs_spec(const gs_source *src, const gs_package_list *list,
			  const gs_package *pkg)
{
	const gs_source_entry **files = NULL;
	size_t nr = 0, i;
	int needs = 0;

	if (pkg->leaf)
		return 1;
	if (gs_package_files(&files, &nr, src, list, pkg, 0) < 0) {
		/* Cannot tell: report it rather than stay silent. */
		gs_error_clear();
		return 1;
	}
	for (i = 0; i < nr && !needs; i++)
		if (!gs_language_is_marker(files[i]->path) || !empty_file(src, files[i]))
			needs = 1;
	free(files);
	return needs;
}

int gs_package_covered(const gs_registry *reg, const gs_package *pkg)
{
	gs_registry_entry e;

	if (!gs_registry_find_package(&e, reg, pkg->path))
		return 1;
	gs_error_clear();
	return 0;
}

static size_t add_uncovered(gs_strvec *out, const gs_source *src, const gs_package_list *list,
			    const gs_registry *reg, const gs_package *pkg)
{
	if (!pkg || gs_package_covered(reg, pkg) || !gs_package_needs_spec(src, list, pkg))
		return 0;
	gs_strvec_push(out, pkg->path);
	return 1;
}

size_t gs_coverage_uncovered(gs_strvec *out, const gs_source *src, const gs_package_list *list,
			     const gs_registry *reg, const gs_strvec *only)
{
	size_t i, n = 0;

	if (only) {
		for (i = 0; i < only->nr; i++)
			n += add_uncovered(out, src, list, reg, gs_packages_find(list, only->v[i]));
	} else {
		for (i = 0; i < list->nr; i++)
			n += add_uncovered(out, src, list, reg, &list->v[i]);
	}
	return n;
}

void gs_coverage_fix(gs_buf *out, const gs_package *pkg)
{
	gs_buf_printf(out, "git spec create %s%s", pkg->leaf ? "" : "--force-parent ", pkg->path);
}
