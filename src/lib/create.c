/*
 * Creating a spec: everything is computed and checked before the first
 * byte is written, so an error leaves the work tree untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gitspec/create.h"
#include "gitspec/common.h"
#include "gitspec/engine.h"
#include "gitspec/fsutil.h"
#include "gitspec/language.h"

void gs_spec_draft_init(gs_spec_draft *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	gs_buf_init(&d->path, 0);
	gs_buf_init(&d->text, 0);
	gs_buf_init(&d->children, 0);
	for (i = 0; i < GS_VARIANT_COUNT; i++)
		gs_buf_init(&d->contracts[i], 0);
}

void gs_spec_draft_release(gs_spec_draft *d)
{
	size_t i;

	free(d->id);
	gs_spec_free(d->spec);
	gs_buf_release(&d->path);
	gs_buf_release(&d->text);
	gs_buf_release(&d->children);
	for (i = 0; i < GS_VARIANT_COUNT; i++)
		gs_buf_release(&d->contracts[i]);
	gs_spec_draft_init(d);
}

void gs_spec_date_today(gs_buf *out)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	struct tm tm;
	char date[32];

	if (env && *env) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(env, &end, 10);
		if (!errno && !*end && v >= 0)
			now = (time_t)v;
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	gs_buf_puts(out, date);
}

/* The direct child packages of `pkg`, for the "not a leaf" message. */
static void child_packages(gs_buf *out, const gs_package_list *pkgs, const gs_package *pkg)
{
	size_t i, n = strlen(pkg->path), shown = 0;

	for (i = 0; i < pkgs->nr; i++) {
		const char *p = pkgs->v[i].path;
		const gs_package *parent;

		if (strncmp(p, pkg->path, n) || p[n] != '/')
			continue;
		parent = gs_packages_for_file(pkgs, p);
		if (parent != pkg)
			continue;
		if (shown++ == 5) {
			gs_buf_puts(out, ", ...");
			break;
		}
		gs_buf_printf(out, "%s%s", shown > 1 ? ", " : "", p + n + 1);
	}
}

static void refuse(gs_spec_draft *d, gs_draft_refusal why)
{
	d->refusal = why;
}

/* Every contract derived and every target checked, in the draft. */
static int draft_contracts(gs_spec_draft *d, gs_workspace *ws)
{
	size_t i, j;
	int error = 0;

	for (i = 0; i < d->spec->sources_nr; i++) {
		const gs_spec_source *s = &d->spec->sources[i];

		for (j = 0; j < s->variants_nr && j < GS_VARIANT_COUNT; j++) {
			const gs_spec_variant *v = &s->variants[j];
			gs_path_unsafe why = gs_workspace_contract_path_check(ws, v->repo_path, 1);

			if (why == GS_PATH_UNSAFE) {
				refuse(d, GS_DRAFT_UNSAFE);
				return gs_error_set(GS_EINPUT, "unsafe contract path '%s'", v->path);
			}
			if (why != GS_PATH_SAFE) {
				refuse(d, GS_DRAFT_CONTRACT_LINK);
				return gs_error_set(GS_EINPUT, "contract path '%s' passes through a "
						    "symbolic link; refusing to write it", v->repo_path);
			}
			if ((error = gs_engine_contract(&d->contracts[j], ws->eng, ws->src, &ws->pkgs,
							d->pkg, d->pkg->module, 0, v->variant,
							GS_FORMAT_MARKDOWN)) < 0)
				return error;
		}
	}
	return 0;
}

int gs_spec_draft_make(gs_spec_draft *d, gs_workspace *ws, const char *pkg_path,
		       const char *name, const char *date, int force_parent)
{
	return gs_spec_draft_make_as(d, ws, pkg_path, NULL, name, date, force_parent);
}

int gs_spec_draft_make_as(gs_spec_draft *d, gs_workspace *ws, const char *pkg_path,
			  const char *id, const char *name, const char *date, int force_parent)
{
	gs_buf today = GS_BUF_INIT;
	gs_registry_entry e;
	int error = 0;

	d->refusal = GS_DRAFT_OK;
	d->pkg = gs_packages_find(&ws->pkgs, pkg_path);
	if (!d->pkg) {
		d->near = gs_workspace_package_for_path(ws, pkg_path);
		if (!d->near)
			d->near = gs_packages_nearest(&ws->pkgs, pkg_path);
		refuse(d, GS_DRAFT_NOT_PACKAGE);
		error = gs_error_set(GS_EINPUT, "'%s' is not a %s (no %s)", *pkg_path ? pkg_path : ".",
				     gs_language_default()->package_noun,
				     gs_language_default()->package_marker);
		goto done;
	}
	if (!gs_registry_find_package(&e, ws->reg, d->pkg->path)) {
		d->covering = e.spec;
		refuse(d, GS_DRAFT_COVERED);
		error = gs_error_set(GS_ECHECK, "%s already covers '%s'", e.spec->id, d->pkg->path);
		goto done;
	}
	gs_error_clear();
	if (!d->pkg->leaf && !d->pkg->namespace && !force_parent) {
		child_packages(&d->children, &ws->pkgs, d->pkg);
		refuse(d, GS_DRAFT_NOT_LEAF);
		error = gs_error_set(GS_ECHECK, "'%s' is not a leaf package (it contains %s)",
				     d->pkg->path, d->children.ptr);
		goto done;
	}

	d->id = id ? gs_xstrdup(id) : gs_registry_next_id(ws->reg);
	if (!date) {
		gs_spec_date_today(&today);
		date = today.ptr;
	}
	gs_spec_format(&d->text, d->id, d->pkg->path, d->pkg->module, name, date);
	gs_buf_printf(&d->path, "%s/%s/%s.md", ws->cfg.specs_dir, d->id, d->id);
	if ((error = gs_path_check_safe(d->path.ptr)) < 0) {
		refuse(d, GS_DRAFT_UNSAFE);
		goto done;
	}
	if ((error = gs_spec_parse(&d->spec, d->path.ptr, d->text.ptr, d->text.size)) < 0)
		goto done;
	if (ws->workdir && gs_path_has_symlink(ws->workdir, d->path.ptr) > 0) {
		refuse(d, GS_DRAFT_SPEC_LINK);
		error = gs_error_set(GS_EINPUT, "'%s' would be written through a symbolic link; refusing",
				     d->path.ptr);
		goto done;
	}
	if (gs_source_lookup(ws->src, d->path.ptr)) {
		refuse(d, GS_DRAFT_EXISTS);
		error = gs_error_set(GS_EINPUT, "'%s' already exists", d->path.ptr);
		goto done;
	}
	error = draft_contracts(d, ws);
done:
	gs_buf_release(&today);
	return error;
}

int gs_spec_draft_write(const gs_spec_draft *d, const gs_workspace *ws)
{
	size_t i, j;
	int error;

	if ((error = gs_workspace_need_worktree(ws)) < 0)
		return error;
	if ((error = gs_write_file_atomic(ws->workdir, d->path.ptr, d->text.ptr, d->text.size,
					  0666)) < 0)
		return error;
	for (i = 0; i < d->spec->sources_nr; i++) {
		const gs_spec_source *s = &d->spec->sources[i];

		for (j = 0; j < s->variants_nr && j < GS_VARIANT_COUNT; j++)
			if ((error = gs_write_file_atomic(ws->workdir, s->variants[j].repo_path,
							  d->contracts[j].ptr, d->contracts[j].size,
							  0666)) < 0)
				return error;
	}
	return 0;
}

/* Remove `path` below the work tree, and its directory when that is left empty. */
static void unwrite(const gs_workspace *ws, const char *path)
{
	gs_buf full = GS_BUF_INIT;
	char *slash;

	gs_buf_printf(&full, "%s%s", ws->workdir, path);
	unlink(full.ptr);
	/* Up to the specs directory: rmdir() only ever removes an empty one. */
	while ((slash = strrchr(full.ptr, '/')) && (size_t)(slash - full.ptr) > strlen(ws->workdir)) {
		*slash = '\0';
		if (rmdir(full.ptr) < 0)
			break;
	}
	gs_buf_release(&full);
}

/* The files of `d` that do not exist yet: what a rollback may remove. */
static void new_files(gs_strvec *out, const gs_spec_draft *d, const gs_workspace *ws)
{
	size_t i, j;

	if (!gs_source_lookup(ws->src, d->path.ptr))
		gs_strvec_push(out, d->path.ptr);
	for (i = 0; i < d->spec->sources_nr; i++)
		for (j = 0; j < d->spec->sources[i].variants_nr && j < GS_VARIANT_COUNT; j++)
			if (!gs_source_lookup(ws->src, d->spec->sources[i].variants[j].repo_path))
				gs_strvec_push(out, d->spec->sources[i].variants[j].repo_path);
}

int gs_spec_drafts_write(gs_spec_draft *const *drafts, size_t nr, const gs_workspace *ws)
{
	gs_strvec created = GS_STRVEC_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < nr; i++)
		new_files(&created, drafts[i], ws);
	for (i = 0; i < nr && !error; i++)
		error = gs_spec_draft_write(drafts[i], ws);
	if (error < 0) {
		/* All or nothing: what this run created goes again. */
		for (i = created.nr; i-- > 0;)
			unwrite(ws, created.v[i]);
	}
	gs_strvec_clear(&created);
	return error;
}
