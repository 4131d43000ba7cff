/*
 * Giving a spec another id (renumber.h). Planned whole before anything is
 * written; applied with a rename of the spec's directory, which is undone
 * when a later step fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gitspec/renumber.h"
#include "gitspec/common.h"
#include "gitspec/fsutil.h"
#include "gitspec/install.h"
#include "gitspec/specid.h"

void gs_renumber_init(gs_renumber *r)
{
	memset(r, 0, sizeof(*r));
	gs_buf_init(&r->old_dir, 0);
	gs_buf_init(&r->new_dir, 0);
	gs_buf_init(&r->old_file, 0);
	gs_buf_init(&r->new_file, 0);
	gs_buf_init(&r->text, 0);
	gs_buf_init(&r->attributes_text, 0);
}

void gs_renumber_release(gs_renumber *r)
{
	free(r->new_id);
	gs_buf_release(&r->old_dir);
	gs_buf_release(&r->new_dir);
	gs_buf_release(&r->old_file);
	gs_buf_release(&r->new_file);
	gs_buf_release(&r->text);
	gs_buf_release(&r->attributes_text);
	gs_renumber_init(r);
}

/* An id is one plain path component: letters, digits, '.', '_', '-'; no leading '.'. */
static int id_ok(const char *id)
{
	const char *p;

	if (!*id || *id == '.' || *id == '-' || strlen(id) > 100)
		return 0;
	for (p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* The line [*pos, end of line) of `s`; *pos moves past its '\n'. */
static size_t next_line(const char *s, size_t len, size_t *pos, size_t *start)
{
	const char *nl = memchr(s + *pos, '\n', len - *pos);
	size_t end = nl ? (size_t)(nl - s) : len;

	*start = *pos;
	*pos = nl ? end + 1 : len;
	return end - *start;
}

/* Whether line[0..n) (a trailing CR and blanks ignored) is exactly `word`. */
static int line_is(const char *line, size_t n, const char *word)
{
	size_t w = strlen(word);

	while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	return n == w && !memcmp(line, word, w);
}

/* Whether the value of an `id:` line is `id`, plain or quoted. */
static int id_value_is(const char *v, size_t n, const char *id)
{
	size_t w = strlen(id);

	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == '\r' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0])
		v++, n -= 2;
	return n == w && !memcmp(v, id, w);
}

/*
 * The spec text with its id changed: the `id:` line of the front matter
 * and a first heading `# OLD...` of the body. GS_EINPUT when the front
 * matter has no plain `id: OLD` line.
 */
static int rewrite_text(gs_buf *out, const char *s, size_t len, const char *old_id,
			const char *new_id)
{
	size_t pos = 0, start, n, olen = strlen(old_id);
	int in_front = 0, done_id = 0, body = 0;

	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		gs_buf_put(out, s, 3);
		pos = 3;
	}
	while (pos < len) {
		n = next_line(s, len, &pos, &start);
		if (!in_front && !body) {
			if (!line_is(s + start, n, "---"))
				break;
			in_front = 1;
		} else if (in_front && (line_is(s + start, n, "---") || line_is(s + start, n, "..."))) {
			in_front = 0;
			body = 1;
		} else if (in_front && !done_id && n >= 3 && !memcmp(s + start, "id:", 3) &&
			   id_value_is(s + start + 3, n - 3, old_id)) {
			gs_buf_printf(out, "id: %s%s", new_id,
				      n && s[start + n - 1] == '\r' ? "\r" : "");
			gs_buf_put(out, s + start + n, pos - start - n);
			done_id = 1;
			continue;
		} else if (body == 1 && n >= 2 && !memcmp(s + start, "# ", 2)) {
			body = 2;
			if (n >= 2 + olen && !memcmp(s + start + 2, old_id, olen) &&
			    (n == 2 + olen || strchr(": \r\t", s[start + 2 + olen]))) {
				gs_buf_printf(out, "# %s", new_id);
				gs_buf_put(out, s + start + 2 + olen, pos - start - 2 - olen);
				continue;
			}
		} else if (body == 1 && n && !line_is(s + start, n, "")) {
			body = 2;
		}
		gs_buf_put(out, s + start, pos - start);
	}
	if (!done_id)
		return gs_error_set(GS_EINPUT, "no line 'id: %s' in the front matter", old_id);
	return 0;
}

/*
 * .gitattributes with the lines of git-spec's block that name a path below
 * `old_dir` moved to `new_dir`; *changed when any did.
 */
static void rewrite_attributes(gs_buf *out, int *changed, const char *s, size_t len,
			       const char *old_dir, const char *new_dir)
{
	size_t pos = 0, start, n, olen = strlen(old_dir);
	int in_block = 0;

	*changed = 0;
	while (pos < len) {
		n = next_line(s, len, &pos, &start);
		if (n >= strlen(GS_ATTR_BEGIN) && !memcmp(s + start, GS_ATTR_BEGIN, strlen(GS_ATTR_BEGIN)))
			in_block = 1;
		else if (line_is(s + start, n, GS_ATTR_END))
			in_block = 0;
		else if (in_block && n > olen && !memcmp(s + start, old_dir, olen) &&
			 s[start + olen] == '/') {
			gs_buf_puts(out, new_dir);
			gs_buf_put(out, s + start + olen, pos - start - olen);
			*changed = 1;
			continue;
		}
		gs_buf_put(out, s + start, pos - start);
	}
}

/* Whether `id` is used: a spec, a directory below the specs directory, a branch. */
static int taken(gs_workspace *ws, const gs_strvec *branches, const char *dir, const char *id)
{
	gs_buf full = GS_BUF_INIT;
	struct stat st;
	int r;

	if (gs_registry_find_id(ws->reg, id) || gs_strvec_contains(&ws->reg->names, id) ||
	    gs_strvec_contains(branches, id))
		return 1;
	gs_buf_printf(&full, "%s%s", ws->workdir, dir);
	r = lstat(full.ptr, &st) == 0;
	gs_buf_release(&full);
	return r;
}

static int plan_names(gs_renumber *r, gs_renumber_refusal *why, gs_workspace *ws,
		      const char *old_id, const char *new_id, const gs_strvec *branches)
{
	const char *slash;

	gs_buf_sets(&r->old_dir, r->spec->dir);
	gs_buf_sets(&r->old_file, r->spec->path);
	slash = strrchr(r->spec->dir, '/');
	if (strcmp(slash ? slash + 1 : r->spec->dir, old_id)) {
		*why = GS_RENUMBER_LAYOUT;
		return gs_error_set(GS_EINPUT, "%s lives in '%s', not in a directory named %s; "
				    "renumber moves SPECS/%s/%s.md", old_id, r->spec->dir, old_id,
				    old_id, old_id);
	}
	r->new_id = new_id ? gs_xstrdup(new_id) : gs_spec_next_free_id(ws->reg, branches, 0);
	if (!id_ok(r->new_id)) {
		*why = GS_RENUMBER_BAD_ID;
		return gs_error_set(GS_EINPUT, "'%s' is not a spec id (letters, digits, '.', '_' "
				    "and '-'; one path component)", r->new_id);
	}
	if (slash)
		gs_buf_put(&r->new_dir, r->spec->dir, (size_t)(slash - r->spec->dir + 1));
	gs_buf_puts(&r->new_dir, r->new_id);
	gs_buf_printf(&r->new_file, "%s/%s.md", r->new_dir.ptr, r->new_id);
	if (taken(ws, branches, r->new_dir.ptr, r->new_id)) {
		*why = GS_RENUMBER_TAKEN;
		return gs_error_set(GS_ECHECK, "%s is taken (here or on a branch)", r->new_id);
	}
	if (gs_path_check_safe(r->new_file.ptr) < 0) {
		*why = GS_RENUMBER_BAD_ID;
		return GS_EINPUT;
	}
	if (gs_path_has_symlink(ws->workdir, r->new_file.ptr) > 0) {
		*why = GS_RENUMBER_LINK;
		return gs_error_set(GS_EINPUT, "'%s' would be written through a symbolic link; refusing",
				    r->new_file.ptr);
	}
	return 0;
}

int gs_renumber_plan(gs_renumber *r, gs_renumber_refusal *why, gs_workspace *ws,
		     const char *old_id, const char *new_id)
{
	gs_strvec branches = GS_STRVEC_INIT;
	gs_buf raw = GS_BUF_INIT, path = GS_BUF_INIT;
	const gs_source_entry *e;
	gs_spec *check = NULL;
	int error;

	*why = GS_RENUMBER_OK;
	if ((error = gs_workspace_need_worktree(ws)) < 0)
		goto done;
	if (!(r->spec = gs_registry_find_id(ws->reg, old_id))) {
		*why = GS_RENUMBER_NO_SPEC;
		error = gs_error_set(GS_EINPUT, "no spec has the id '%s'", old_id);
		goto done;
	}
	if ((error = gs_spec_ids_on_branches(&branches, ws->repo, ws->cfg.specs_dir)) < 0 ||
	    (error = plan_names(r, why, ws, old_id, new_id, &branches)) < 0)
		goto done;
	if (!(e = gs_source_lookup(ws->src, r->spec->path))) {
		error = gs_error_set(GS_ERROR, "'%s' vanished", r->spec->path);
		goto done;
	}
	if ((error = gs_source_read(&raw, ws->src, e)) < 0)
		goto done;
	if ((error = rewrite_text(&r->text, raw.ptr, raw.size, old_id, r->new_id)) < 0) {
		*why = GS_RENUMBER_LAYOUT;
		gs_error_set(GS_EINPUT, "%s: %s", r->spec->path, gs_error_last());
		goto done;
	}
	/* What is written must read back as the same spec under its new id. */
	if ((error = gs_spec_parse(&check, r->new_file.ptr, r->text.ptr, r->text.size)) < 0)
		goto done;
	if (strcmp(check->id, r->new_id)) {
		*why = GS_RENUMBER_LAYOUT;
		error = gs_error_set(GS_EINPUT, "%s: the id did not change", r->spec->path);
		goto done;
	}
	gs_buf_printf(&path, "%s.gitattributes", ws->workdir);
	gs_buf_clear(&raw);
	if (!gs_path_has_symlink(ws->workdir, ".gitattributes") && !gs_read_file(&raw, path.ptr))
		rewrite_attributes(&r->attributes_text, &r->attributes, raw.ptr, raw.size,
				   r->old_dir.ptr, r->new_dir.ptr);
	gs_error_clear();
done:
	gs_spec_free(check);
	gs_strvec_clear(&branches);
	gs_buf_release(&raw);
	gs_buf_release(&path);
	return error;
}

/*
 * In an order that can be undone: the new spec file beside the old one,
 * the directory's move, .gitattributes, then the old file's removal.
 */
int gs_renumber_apply(const gs_renumber *r, const gs_workspace *ws)
{
	gs_buf from = GS_BUF_INIT, to = GS_BUF_INIT, staged = GS_BUF_INIT, full = GS_BUF_INIT;
	const char *old_base = strrchr(r->old_file.ptr, '/') + 1;
	const char *new_base = strrchr(r->new_file.ptr, '/') + 1;
	struct stat st;
	int error = 0, step = 0;

	gs_buf_printf(&from, "%s%s", ws->workdir, r->old_dir.ptr);
	gs_buf_printf(&to, "%s%s", ws->workdir, r->new_dir.ptr);
	gs_buf_printf(&staged, "%s/%s", r->old_dir.ptr, new_base);
	gs_buf_printf(&full, "%s%s", ws->workdir, staged.ptr);
	if (lstat(full.ptr, &st) == 0) {
		error = gs_error_set(GS_EINPUT, "'%s' exists already; refusing to overwrite it",
				     staged.ptr);
		goto done;
	}
	if ((error = gs_write_file_atomic(ws->workdir, staged.ptr, r->text.ptr, r->text.size,
					  0666)) < 0)
		goto done;
	step = 1;
	if (rename(from.ptr, to.ptr) < 0) {
		error = gs_error_set(GS_ERROR, "cannot move '%s' to '%s': %s", r->old_dir.ptr,
				     r->new_dir.ptr, strerror(errno));
		goto done;
	}
	step = 2;
	if (r->attributes &&
	    (error = gs_write_file_atomic(ws->workdir, ".gitattributes", r->attributes_text.ptr,
					  r->attributes_text.size, 0666)) < 0)
		goto done;
	gs_buf_clear(&full);
	gs_buf_printf(&full, "%s/%s", to.ptr, old_base);
	if (unlink(full.ptr) < 0)
		error = gs_error_set(GS_ERROR, "cannot remove '%s/%s': %s; remove it by hand",
				     r->new_dir.ptr, old_base, strerror(errno));
	step = 0;
done:
	if (step == 2 && rename(to.ptr, from.ptr) < 0) {
		gs_error_set(GS_ERROR, "renumbering failed half-way: move '%s' back to '%s' by hand",
			     r->new_dir.ptr, r->old_dir.ptr);
		step = 0;
	}
	if (step) {
		gs_buf_clear(&full);
		gs_buf_printf(&full, "%s%s", ws->workdir, staged.ptr);
		unlink(full.ptr);
	}
	gs_buf_release(&from);
	gs_buf_release(&to);
	gs_buf_release(&staged);
	gs_buf_release(&full);
	return error;
}
