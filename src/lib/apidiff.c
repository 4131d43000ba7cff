/*
 * The API change model: see include/gitspec/apidiff.h and
 * man/git-spec-diff.1 for the kinds and why each is breaking.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "gitspec/apidiff.h"
#include "gitspec/spec.h"
#include "gitspec/contract.h"
#include "gitspec/revwalk.h"
#include "gitspec/language.h"

/* ---- kinds ----------------------------------------------------------------- */

static const struct {
	const char *name;
	int breaking;
	const char *message;
} kinds[GS_CHANGE_KIND_COUNT] = {
	[GS_CHANGE_OBJECT_REMOVED] = { "object_removed", 1, "Public object was removed" },
	[GS_CHANGE_OBJECT_ADDED] = { "object_added", 0, "Public object was added" },
	[GS_CHANGE_OBJECT_MADE_PRIVATE] = { "object_made_private", 1, "Public object was made private" },
	[GS_CHANGE_OBJECT_KIND_CHANGED] = { "object_kind_changed", 1,
					    "Public object points to a different kind of object" },
	[GS_CHANGE_ASYNC_CHANGED] = { "async_changed", 1, "Callable changed between def and async def" },
	[GS_CHANGE_MODULE_REMOVED] = { "module_removed", 1, "Public object was removed" },
	[GS_CHANGE_MODULE_ADDED] = { "module_added", 0, "Public object was added" },
	[GS_CHANGE_OVERLOAD_REMOVED] = { "overload_removed", 1, "Overload was removed" },
	[GS_CHANGE_OVERLOAD_ADDED] = { "overload_added", 0, "Overload was added" },
	/* Named by the language (gs_language.export_removed). */
	[GS_CHANGE_EXPORT_REMOVED] = { NULL, 1, NULL },
	[GS_CHANGE_PARAMETER_REMOVED] = { "parameter_removed", 1, "Parameter was removed" },
	[GS_CHANGE_PARAMETER_RENAMED] = { "parameter_renamed", 1, "Parameter was renamed" },
	[GS_CHANGE_PARAMETER_MOVED] = { "parameter_moved", 1, "Positional parameter was moved" },
	[GS_CHANGE_PARAMETER_KIND_CHANGED] = { "parameter_kind_changed", 1, "Parameter kind was changed" },
	[GS_CHANGE_PARAMETER_KIND_RELAXED] = { "parameter_kind_relaxed", 0,
					       "Parameter kind was relaxed" },
	[GS_CHANGE_PARAMETER_MADE_REQUIRED] = { "parameter_made_required", 1, "Parameter is now required" },
	[GS_CHANGE_PARAMETER_ADDED_REQUIRED] = { "parameter_added_required", 1,
						 "Parameter was added as required" },
	[GS_CHANGE_PARAMETER_ADDED_OPTIONAL] = { "parameter_added_optional", 0,
						 "Parameter was added as optional" },
	[GS_CHANGE_PARAMETER_DEFAULT_CHANGED] = { "parameter_default_changed", 1,
						  "Parameter default was changed" },
	[GS_CHANGE_PARAMETER_DEFAULT_ADDED] = { "parameter_default_added", 0, "Parameter default was added" },
	[GS_CHANGE_PARAMETER_ANNOTATION_CHANGED] = { "parameter_annotation_changed", 0,
						     "Parameter annotation was changed" },
	[GS_CHANGE_RETURN_CHANGED] = { "return_changed", 1, "Return types are incompatible" },
	[GS_CHANGE_RETURN_ADDED] = { "return_added", 0, "Return annotation was added" },
	[GS_CHANGE_ANNOTATION_CHANGED] = { "annotation_changed", 1, "Attribute types are incompatible" },
	[GS_CHANGE_ANNOTATION_ADDED] = { "annotation_added", 0, "Attribute annotation was added" },
	[GS_CHANGE_VALUE_CHANGED] = { "value_changed", 1, "Attribute value was changed" },
	[GS_CHANGE_BASE_REMOVED] = { "base_removed", 1, "Base class was removed" },
	[GS_CHANGE_BASE_ADDED] = { "base_added", 0, "Base class was added" },
	[GS_CHANGE_CLASS_VARIABLE_MOVED] = { "class_variable_moved", 1, "Class variable was moved" },
	[GS_CHANGE_TYPE_PARAMS_CHANGED] = { "type_params_changed", 1, "Type parameters were changed" },
	/* Named by the language (gs_language.markers_changed). */
	[GS_CHANGE_MARKERS_CHANGED] = { NULL, 0, NULL },
	[GS_CHANGE_DOCSTRING_CHANGED] = { "docstring_changed", 0, "Docstring was changed" },
};

/* The language's words for the kinds it names, or NULL. */
static const gs_language_word *language_word(gs_change_kind kind)
{
	if (kind == GS_CHANGE_EXPORT_REMOVED)
		return &gs_language_default()->export_removed;
	if (kind == GS_CHANGE_MARKERS_CHANGED)
		return &gs_language_default()->markers_changed;
	return NULL;
}

const char *gs_change_kind_name(gs_change_kind kind)
{
	const gs_language_word *w = language_word(kind);

	if (w)
		return w->name;
	return (unsigned)kind < GS_CHANGE_KIND_COUNT ? kinds[kind].name : "unknown";
}

int gs_change_kind_breaking(gs_change_kind kind)
{
	return (unsigned)kind < GS_CHANGE_KIND_COUNT ? kinds[kind].breaking : 0;
}

const char *gs_change_kind_message(gs_change_kind kind)
{
	const gs_language_word *w = language_word(kind);

	if (w)
		return w->message;
	return (unsigned)kind < GS_CHANGE_KIND_COUNT ? kinds[kind].message : "Unknown change";
}

/* ---- the list ---------------------------------------------------------------- */

void gs_change_list_init(gs_change_list *list)
{
	memset(list, 0, sizeof(*list));
}

void gs_change_list_clear(gs_change_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++) {
		gs_change *c = &list->v[i];

		free(c->package);
		free(c->module);
		free(c->commit);
		free(c->path);
		free(c->object);
		free(c->old_value);
		free(c->new_value);
	}
	free(list->v);
	gs_change_list_init(list);
}

static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_change(const void *pa, const void *pb)
{
	const gs_change *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->package, b->package)) || (c = strcmp(a->path, b->path)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((c = strcmp(a->object, b->object)))
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = cmp_opt(a->old_value, b->old_value)))
		return c;
	return cmp_opt(a->new_value, b->new_value);
}

void gs_change_list_sort(gs_change_list *list)
{
	if (list->nr > 1)
		qsort(list->v, list->nr, sizeof(*list->v), cmp_change);
}

size_t gs_change_list_breaking(const gs_change_list *list)
{
	size_t i, n = 0;

	for (i = 0; i < list->nr; i++)
		n += list->v[i].breaking != 0;
	return n;
}

/* ---- comparing one package --------------------------------------------------- */

static int same_strings(char *const *a, size_t anr, char *const *b, size_t bnr);

/* One definition of one state. */
struct def {
	const gs_module *mod;
	const gs_symbol *sym;
	size_t file;          /* index in the file list */
	size_t idx;           /* index in mod->symbols */
	size_t occ;           /* rank among same-named definitions of its file */
	struct def *match;    /* its counterpart in the other state, or NULL */
};

struct side_defs {
	struct def *v;
	size_t nr;
	size_t *base;         /* per file: index in v of its first definition */
};

struct pkgdiff {
	gs_change_list *out;
	const char *package;
	const char *module;
	const gs_apidiff_file *files;
	size_t files_nr;
	struct side_defs old, new_;
	/* per file: a definition moved out of (old) or into (new) it */
	unsigned char *moved_old, *moved_new;
	gs_buf obj, a, b;
};

/* Where a definition starts (0 when the model does not know). */
static size_t sym_line(const gs_symbol *sym)
{
	return sym->line;
}

static void add(struct pkgdiff *d, gs_change_kind kind, const char *path, size_t line,
		const char *object, const char *old_value, const char *new_value)
{
	gs_change *c;

	if (d->out->nr == d->out->alloc) {
		d->out->alloc = d->out->alloc ? gs_st_mult(d->out->alloc, 2) : 16;
		d->out->v = gs_xrealloc(d->out->v, gs_st_mult(d->out->alloc, sizeof(*d->out->v)));
	}
	c = &d->out->v[d->out->nr++];
	c->kind = kind;
	c->breaking = gs_change_kind_breaking(kind);
	c->package = gs_xstrdup(d->package);
	c->module = gs_xstrdup(d->module);
	c->commit = NULL;
	c->path = gs_xstrdup(path);
	c->line = line;
	c->object = gs_xstrdup(object);
	c->old_value = old_value ? gs_xstrdup(old_value) : NULL;
	c->new_value = new_value ? gs_xstrdup(new_value) : NULL;
}

/* (file, name, index): to rank same-named definitions in source order. */
static int cmp_def_file_name_idx(const void *pa, const void *pb)
{
	const struct def *a = *(const struct def *const *)pa, *b = *(const struct def *const *)pb;
	int c;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if ((c = strcmp(a->sym->name, b->sym->name)))
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* (path, name, occurrence): the key two states are matched by. */
static int cmp_def_key(const void *pa, const void *pb)
{
	const struct def *a = *(const struct def *const *)pa, *b = *(const struct def *const *)pb;
	int c;

	if ((c = strcmp(a->mod->path, b->mod->path)) || (c = strcmp(a->sym->name, b->sym->name)))
		return c;
	return a->occ < b->occ ? -1 : a->occ > b->occ;
}

/* (name, occurrence, path): the same key across the files of the package. */
static int cmp_def_name(const void *pa, const void *pb)
{
	const struct def *a = *(const struct def *const *)pa, *b = *(const struct def *const *)pb;
	int c;

	if ((c = strcmp(a->sym->name, b->sym->name)))
		return c;
	if (a->occ != b->occ)
		return a->occ < b->occ ? -1 : 1;
	return strcmp(a->mod->path, b->mod->path);
}

static struct def **def_ptrs(const struct side_defs *s, int unmatched_only, size_t *nr)
{
	struct def **v = gs_xcalloc(s->nr ? s->nr : 1, sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < s->nr; i++)
		if (!unmatched_only || !s->v[i].match)
			v[n++] = &s->v[i];
	*nr = n;
	return v;
}

static void side_defs_build(struct side_defs *s, const gs_apidiff_file *files, size_t nr, int newer)
{
	struct def **v;
	size_t i, j, n = 0;

	s->base = gs_xcalloc(nr ? nr : 1, sizeof(*s->base));
	for (i = 0; i < nr; i++) {
		const gs_module *m = newer ? files[i].new_ : files[i].old;

		s->base[i] = n;
		if (m)
			n = gs_st_add(n, m->symbols_nr);
	}
	s->v = gs_xcalloc(n ? n : 1, sizeof(*s->v));
	s->nr = n;
	for (i = 0, n = 0; i < nr; i++) {
		const gs_module *m = newer ? files[i].new_ : files[i].old;

		for (j = 0; m && j < m->symbols_nr; j++, n++) {
			s->v[n].mod = m;
			s->v[n].sym = &m->symbols[j];
			s->v[n].file = i;
			s->v[n].idx = j;
		}
	}
	v = def_ptrs(s, 0, &n);
	qsort(v, n, sizeof(*v), cmp_def_file_name_idx);
	for (i = 1; i < n; i++)
		if (v[i]->file == v[i - 1]->file && !strcmp(v[i]->sym->name, v[i - 1]->sym->name))
			v[i]->occ = v[i - 1]->occ + 1;
	free(v);
}

static void side_defs_release(struct side_defs *s)
{
	free(s->v);
	free(s->base);
}

static struct def *parent_def(const struct side_defs *s, const struct def *d)
{
	if (d->sym->parent < 0)
		return NULL;
	return &s->v[s->base[d->file] + (size_t)d->sym->parent];
}

/*
 * Same-named definitions of one file (overloads, fallbacks): in source
 * order when both states have as many; otherwise identical signatures
 * first, then the rest from the end, where the implementation of a group
 * of @overload stubs is, so that a removed or added stub is what is left.
 */
static int same_signature(const gs_symbol *a, const gs_symbol *b)
{
	size_t i;

	if (a->kind != b->kind || a->params_nr != b->params_nr || cmp_opt(a->returns, b->returns) ||
	    !same_strings(a->markers, a->markers_nr, b->markers, b->markers_nr))
		return 0;
	for (i = 0; i < a->params_nr; i++) {
		const gs_param *p = &a->params[i], *q = &b->params[i];

		if (strcmp(p->name, q->name) || p->kind != q->kind ||
		    cmp_opt(p->annotation, q->annotation) || cmp_opt(p->default_value, q->default_value))
			return 0;
	}
	return 1;
}

static void link_defs(struct def *a, struct def *b)
{
	a->match = b;
	b->match = a;
}

static void match_group(struct def **o, size_t onr, struct def **n, size_t nnr)
{
	size_t i, j;

	if (onr == nnr) {
		for (i = 0; i < onr; i++)
			link_defs(o[i], n[i]);
		return;
	}
	for (i = 0; i < onr; i++)
		for (j = 0; j < nnr; j++)
			if (!n[j]->match && same_signature(o[i]->sym, n[j]->sym)) {
				link_defs(o[i], n[j]);
				break;
			}
	for (i = onr, j = nnr; i > 0 && j > 0;) {
		if (o[i - 1]->match) {
			i--;
		} else if (n[j - 1]->match) {
			j--;
		} else {
			link_defs(o[i - 1], n[j - 1]);
			i--;
			j--;
		}
	}
}

/*
 * Match the definitions of the two states: by (file, name, occurrence),
 * then what is left by (name, occurrence) across files when exactly one
 * definition of each state has it (a move to another file of the package).
 */
static void match_defs(struct pkgdiff *d)
{
	struct def **o, **n;
	size_t onr, nnr, i = 0, j = 0;

	o = def_ptrs(&d->old, 0, &onr);
	n = def_ptrs(&d->new_, 0, &nnr);
	qsort(o, onr, sizeof(*o), cmp_def_key);
	qsort(n, nnr, sizeof(*n), cmp_def_key);
	while (i < onr && j < nnr) {
		int c = strcmp(o[i]->mod->path, n[j]->mod->path);
		size_t ie = i + 1, je = j + 1;

		if (!c)
			c = strcmp(o[i]->sym->name, n[j]->sym->name);
		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		while (ie < onr && !strcmp(o[ie]->mod->path, o[i]->mod->path) &&
		       !strcmp(o[ie]->sym->name, o[i]->sym->name))
			ie++;
		while (je < nnr && !strcmp(n[je]->mod->path, n[j]->mod->path) &&
		       !strcmp(n[je]->sym->name, n[j]->sym->name))
			je++;
		match_group(o + i, ie - i, n + j, je - j);
		i = ie;
		j = je;
	}
	free(o);
	free(n);

	o = def_ptrs(&d->old, 1, &onr);
	n = def_ptrs(&d->new_, 1, &nnr);
	qsort(o, onr, sizeof(*o), cmp_def_name);
	qsort(n, nnr, sizeof(*n), cmp_def_name);
	for (i = 0, j = 0; i < onr && j < nnr;) {
		size_t ie = i + 1, je = j + 1;
		int c = strcmp(o[i]->sym->name, n[j]->sym->name);

		if (!c && o[i]->occ != n[j]->occ)
			c = o[i]->occ < n[j]->occ ? -1 : 1;
		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		while (ie < onr && !strcmp(o[ie]->sym->name, o[i]->sym->name) && o[ie]->occ == o[i]->occ)
			ie++;
		while (je < nnr && !strcmp(n[je]->sym->name, n[j]->sym->name) && n[je]->occ == n[j]->occ)
			je++;
		/* Ambiguous (several files): leave them removed and added. */
		if (ie - i == 1 && je - j == 1) {
			o[i]->match = n[j];
			n[j]->match = o[i];
			d->moved_old[o[i]->file] = 1;
			d->moved_new[n[j]->file] = 1;
		}
		i = ie;
		j = je;
	}
	free(o);
	free(n);
}

/* path below the package directory (or path itself when not below it). */
static const char *below_package(const struct pkgdiff *d, const char *path)
{
	size_t plen = strlen(d->package);

	if (!strncmp(path, d->package, plen) && path[plen] == '/')
		return path + plen + 1;
	return path;
}

/* The dotted name of the module of a file of the package. */
static void module_name(gs_buf *out, const struct pkgdiff *d, const char *path)
{
	gs_buf_sets(out, d->module);
	gs_language_default()->module_suffix(out, below_package(d, path));
}

/* Whether a file of the package is a public module (the language's rule). */
static int module_public(const struct pkgdiff *d, const char *path)
{
	return gs_language_default()->module_public(below_package(d, path));
}

static int exports_has(const gs_module *m, const char *name)
{
	size_t i;

	for (i = 0; m && i < m->exports_nr; i++)
		if (!strcmp(m->exports[i], name))
			return 1;
	return 0;
}

static const gs_symbol *module_find(const gs_module *m, const char *name)
{
	size_t i;

	for (i = 0; m && i < m->symbols_nr; i++)
		if (!strcmp(m->symbols[i].name, name))
			return &m->symbols[i];
	return NULL;
}

static int param_positional(gs_param_kind k)
{
	return k == GS_PARAM_POSITIONAL_ONLY || k == GS_PARAM_POSITIONAL_OR_KEYWORD;
}

static int param_required(const gs_param *p)
{
	return p->kind != GS_PARAM_VAR_POSITIONAL && p->kind != GS_PARAM_VAR_KEYWORD &&
	       !p->default_value;
}

static int param_find(const gs_symbol *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->params_nr; i++)
		if (!strcmp(s->params[i].name, name))
			return (int)i;
	return -1;
}

static int has_param_kind(const gs_symbol *s, gs_param_kind k)
{
	size_t i;

	for (i = 0; i < s->params_nr; i++)
		if (s->params[i].kind == k)
			return 1;
	return 0;
}

static void param_object(struct pkgdiff *d, const gs_symbol *s, const char *param)
{
	gs_buf_clear(&d->obj);
	gs_buf_printf(&d->obj, "%s(%s)", s->name, param);
}

/* griffe's rules: the kind changes a call written for the old kind may not survive. */
static int kind_change_breaks(gs_param_kind o, gs_param_kind n, int var_args, int var_kwargs)
{
	return (o == GS_PARAM_POSITIONAL_ONLY && n == GS_PARAM_KEYWORD_ONLY) ||
	       (o == GS_PARAM_KEYWORD_ONLY && n == GS_PARAM_POSITIONAL_ONLY) ||
	       (o == GS_PARAM_POSITIONAL_OR_KEYWORD &&
		(n == GS_PARAM_POSITIONAL_ONLY || n == GS_PARAM_KEYWORD_ONLY)) ||
	       (n == GS_PARAM_VAR_KEYWORD && o != GS_PARAM_KEYWORD_ONLY && !var_args) ||
	       (n == GS_PARAM_VAR_POSITIONAL && o != GS_PARAM_POSITIONAL_ONLY && !var_kwargs) ||
	       /* a variadic parameter that became a named one no longer takes the rest */
	       ((o == GS_PARAM_VAR_POSITIONAL || o == GS_PARAM_VAR_KEYWORD) &&
		n != GS_PARAM_VAR_POSITIONAL && n != GS_PARAM_VAR_KEYWORD);
}

static void compare_params(struct pkgdiff *d, const gs_symbol *os, const gs_symbol *ns,
			   const char *path, size_t line)
{
	unsigned char *oren = gs_xcalloc(os->params_nr + 1, 1), *nren = gs_xcalloc(ns->params_nr + 1, 1);
	int var_args = has_param_kind(ns, GS_PARAM_VAR_POSITIONAL);
	int var_kwargs = has_param_kind(ns, GS_PARAM_VAR_KEYWORD);
	size_t i;

	/*
	 * A positional parameter whose name left and whose position another
	 * new name took was renamed, not removed and added; callers passing
	 * it by position still work, those passing it by name do not. A
	 * positional-only name is invisible to callers: nothing to report.
	 */
	for (i = 0; i < os->params_nr && i < ns->params_nr; i++) {
		const gs_param *p = &os->params[i], *q = &ns->params[i];

		if (!param_positional(p->kind) || !param_positional(q->kind) ||
		    !strcmp(p->name, q->name) || param_find(ns, p->name) >= 0 ||
		    param_find(os, q->name) >= 0)
			continue;
		oren[i] = nren[i] = 1;
		if (p->kind == GS_PARAM_POSITIONAL_ONLY && q->kind == GS_PARAM_POSITIONAL_ONLY)
			continue;
		param_object(d, os, p->name);
		add(d, GS_CHANGE_PARAMETER_RENAMED, path, line, d->obj.ptr, p->name, q->name);
	}
	for (i = 0; i < os->params_nr; i++) {
		const gs_param *p = &os->params[i], *q;
		int j;

		if (oren[i])
			continue;
		param_object(d, os, p->name);
		if ((j = param_find(ns, p->name)) < 0) {
			/* griffe: a parameter the new variadic ones swallow was not removed */
			int swallowed = (p->kind == GS_PARAM_KEYWORD_ONLY && var_kwargs) ||
					(p->kind == GS_PARAM_POSITIONAL_ONLY && var_args) ||
					(p->kind == GS_PARAM_POSITIONAL_OR_KEYWORD && var_args && var_kwargs);

			if (!swallowed)
				add(d, GS_CHANGE_PARAMETER_REMOVED, path, line, d->obj.ptr, NULL, NULL);
			continue;
		}
		q = &ns->params[j];
		if (param_required(q) && !param_required(p))
			add(d, GS_CHANGE_PARAMETER_MADE_REQUIRED, path, line, d->obj.ptr, NULL, NULL);
		if (param_positional(p->kind) && param_positional(q->kind) && (size_t)j != i) {
			gs_buf_clear(&d->a);
			gs_buf_clear(&d->b);
			gs_buf_printf(&d->a, "position %zu", i);
			gs_buf_printf(&d->b, "position %d", j);
			add(d, GS_CHANGE_PARAMETER_MOVED, path, line, d->obj.ptr, d->a.ptr, d->b.ptr);
		}
		if (p->kind != q->kind)
			add(d, kind_change_breaks(p->kind, q->kind, var_args, var_kwargs)
			       ? GS_CHANGE_PARAMETER_KIND_CHANGED : GS_CHANGE_PARAMETER_KIND_RELAXED,
			    path, line, d->obj.ptr, gs_param_kind_name(p->kind), gs_param_kind_name(q->kind));
		if (p->default_value && q->default_value && strcmp(p->default_value, q->default_value))
			add(d, GS_CHANGE_PARAMETER_DEFAULT_CHANGED, path, line, d->obj.ptr,
			    p->default_value, q->default_value);
		else if (!p->default_value && q->default_value)
			add(d, GS_CHANGE_PARAMETER_DEFAULT_ADDED, path, line, d->obj.ptr, NULL,
			    q->default_value);
		if (cmp_opt(p->annotation, q->annotation))
			add(d, GS_CHANGE_PARAMETER_ANNOTATION_CHANGED, path, line, d->obj.ptr,
			    p->annotation, q->annotation);
	}
	for (i = 0; i < ns->params_nr; i++) {
		const gs_param *q = &ns->params[i];

		if (nren[i] || param_find(os, q->name) >= 0)
			continue;
		param_object(d, ns, q->name);
		add(d, param_required(q) ? GS_CHANGE_PARAMETER_ADDED_REQUIRED
		       : GS_CHANGE_PARAMETER_ADDED_OPTIONAL, path, line, d->obj.ptr, NULL, NULL);
	}
	free(oren);
	free(nren);
}

static int has_string(char *const *v, size_t nr, const char *s)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static void join_markers(gs_buf *out, const gs_symbol *s)
{
	const char *prefix = gs_language_default()->marker_prefix;
	size_t i;

	gs_buf_clear(out);
	for (i = 0; i < s->markers_nr; i++)
		gs_buf_printf(out, "%s%s%s", i ? " " : "", prefix, s->markers[i]);
}

static int same_strings(char *const *a, size_t anr, char *const *b, size_t bnr)
{
	size_t i;

	if (anr != bnr)
		return 0;
	for (i = 0; i < anr; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return 1;
}

/*
 * The variables of a class, in source order, whose counterpart is a
 * variable of the counterpart class: their relative order is the fields'.
 */
static size_t class_fields(const struct def **out, const struct side_defs *s, const struct def *cls,
			   const struct def *other_cls)
{
	size_t i, n = 0, base = s->base[cls->file];

	for (i = cls->idx + 1; i < cls->mod->symbols_nr; i++) {
		const struct def *v = &s->v[base + i];

		if (v->sym->parent != (int)cls->idx || v->sym->kind != GS_SYM_VARIABLE || !v->match ||
		    v->match->sym->kind != GS_SYM_VARIABLE ||
		    v->match->sym->parent != (int)other_cls->idx || v->match->file != other_cls->file)
			continue;
		out[n++] = v;
	}
	return n;
}

static void compare_fields(struct pkgdiff *d, const struct def *o, const struct def *n)
{
	const struct def **of = gs_xcalloc(o->mod->symbols_nr + 1, sizeof(*of));
	const struct def **nf = gs_xcalloc(n->mod->symbols_nr + 1, sizeof(*nf));
	size_t onr = class_fields(of, &d->old, o, n), nnr = class_fields(nf, &d->new_, n, o), i, k;

	for (i = 0; onr == nnr && i < nnr; i++) {
		if (nf[i]->match == of[i] || !nf[i]->sym->public)
			continue;
		for (k = 0; k < onr && of[k] != nf[i]->match; k++)
			;
		gs_buf_clear(&d->a);
		gs_buf_clear(&d->b);
		gs_buf_printf(&d->a, "position %zu", k);
		gs_buf_printf(&d->b, "position %zu", i);
		add(d, GS_CHANGE_CLASS_VARIABLE_MOVED, n->mod->path, sym_line(nf[i]->sym),
		    nf[i]->sym->name, d->a.ptr, d->b.ptr);
	}
	free(of);
	free(nf);
}

static gs_symbol_kind sync_kind(gs_symbol_kind k)
{
	if (k == GS_SYM_ASYNC_FUNCTION)
		return GS_SYM_FUNCTION;
	if (k == GS_SYM_ASYNC_METHOD)
		return GS_SYM_METHOD;
	return k;
}

static int is_async(const gs_symbol *s)
{
	return s->is_async || s->kind == GS_SYM_ASYNC_FUNCTION || s->kind == GS_SYM_ASYNC_METHOD;
}

/* Whether removing `o` from the export list was reported by compare_exports(). */
static int export_removal_reported(const struct def *o, const struct def *n)
{
	const gs_module *om = o->mod, *nm = n->mod;

	return o->sym->parent < 0 && !strcmp(om->path, nm->path) && om->has_exports && nm->has_exports &&
	       exports_has(om, o->sym->name) && !exports_has(nm, o->sym->name);
}

static int member_context_public(const struct side_defs *s, const struct def *x)
{
	const struct def *p = parent_def(s, x);

	return !p || p->sym->public;
}

static void compare_pair(struct pkgdiff *d, const struct def *o, const struct def *n)
{
	const gs_symbol *os = o->sym, *ns = n->sym;
	const char *path = n->mod->path;
	size_t line = sym_line(ns);
	size_t i;

	if (!os->public && !ns->public)
		return;
	if (!os->public) {
		if (member_context_public(&d->new_, n))
			add(d, GS_CHANGE_OBJECT_ADDED, path, line, ns->name, NULL, NULL);
		return;
	}
	if (!ns->public) {
		if (member_context_public(&d->new_, n) && !export_removal_reported(o, n))
			add(d, GS_CHANGE_OBJECT_MADE_PRIVATE, path, line, ns->name, NULL, NULL);
		return;
	}
	if (sync_kind(os->kind) != sync_kind(ns->kind)) {
		add(d, GS_CHANGE_OBJECT_KIND_CHANGED, path, line, ns->name,
		    gs_symbol_kind_name(os->kind), gs_symbol_kind_name(ns->kind));
		return;
	}
	if (gs_symbol_kind_is_callable(os->kind) && is_async(os) != is_async(ns))
		add(d, GS_CHANGE_ASYNC_CHANGED, path, line, ns->name,
		    is_async(os) ? "async def" : "def", is_async(ns) ? "async def" : "def");
	if (cmp_opt(os->type_params, ns->type_params))
		add(d, GS_CHANGE_TYPE_PARAMS_CHANGED, path, line, ns->name, os->type_params,
		    ns->type_params);
	if (!same_strings(os->markers, os->markers_nr, ns->markers, ns->markers_nr)) {
		join_markers(&d->a, os);
		join_markers(&d->b, ns);
		add(d, GS_CHANGE_MARKERS_CHANGED, path, line, ns->name, d->a.ptr, d->b.ptr);
	}
	if (os->has_params && ns->has_params)
		compare_params(d, os, ns, path, line);
	if (gs_symbol_kind_is_callable(os->kind) && cmp_opt(os->returns, ns->returns))
		add(d, os->returns ? GS_CHANGE_RETURN_CHANGED : GS_CHANGE_RETURN_ADDED, path, line,
		    ns->name, os->returns, ns->returns);
	if (os->has_bases && ns->has_bases) {
		for (i = 0; i < os->bases_nr; i++)
			if (!has_string(ns->bases, ns->bases_nr, os->bases[i]))
				add(d, GS_CHANGE_BASE_REMOVED, path, line, ns->name, os->bases[i], NULL);
		for (i = 0; i < ns->bases_nr; i++)
			if (!has_string(os->bases, os->bases_nr, ns->bases[i]))
				add(d, GS_CHANGE_BASE_ADDED, path, line, ns->name, NULL, ns->bases[i]);
	}
	if (os->kind == GS_SYM_CLASS)
		compare_fields(d, o, n);
	if (!gs_symbol_kind_is_callable(os->kind) && os->kind != GS_SYM_CLASS &&
	    cmp_opt(os->annotation, ns->annotation))
		add(d, os->annotation ? GS_CHANGE_ANNOTATION_CHANGED : GS_CHANGE_ANNOTATION_ADDED,
		    path, line, ns->name, os->annotation, ns->annotation);
	if (cmp_opt(os->value, ns->value))
		add(d, GS_CHANGE_VALUE_CHANGED, path, line, ns->name, os->value, ns->value);
	if (cmp_opt(os->doc, ns->doc))
		add(d, GS_CHANGE_DOCSTRING_CHANGED, path, line, ns->name, os->doc, ns->doc);
}

/*
 * A public definition with no match on the other side: removed (from the
 * old side) or added (from the new one), the two read as mirrors.
 */
static void report_unmatched(struct pkgdiff *d, const struct def *x, int added)
{
	const gs_apidiff_file *f = &d->files[x->file];
	const struct def *p = parent_def(added ? &d->new_ : &d->old, x);
	const gs_module *other = added ? f->old : f->new_;
	const unsigned char *moved = added ? d->moved_new : d->moved_old;
	gs_change_kind kind;

	if (!x->sym->public)
		return;
	/* A member of a class that left (or went private) leaves with it. */
	if (p && (!p->match || !p->match->sym->public))
		return;
	/* A whole module that left (or came) is one module_removed (added). */
	if (!p && !other && !moved[x->file])
		return;
	if (module_find(other, x->sym->name))
		kind = added ? GS_CHANGE_OVERLOAD_ADDED : GS_CHANGE_OVERLOAD_REMOVED;
	else
		kind = added ? GS_CHANGE_OBJECT_ADDED : GS_CHANGE_OBJECT_REMOVED;
	add(d, kind, x->mod->path, sym_line(x->sym), x->sym->name, NULL, NULL);
}

/* Names that left an export list (other than those of removed definitions). */
static void compare_exports(struct pkgdiff *d, size_t fi)
{
	const gs_apidiff_file *f = &d->files[fi];
	size_t i;

	if (!f->old->has_exports || !f->new_->has_exports)
		return;
	for (i = 0; i < f->old->exports_nr; i++) {
		const char *name = f->old->exports[i];
		const gs_symbol *s;
		size_t k;

		for (k = 0; k < i && strcmp(f->old->exports[k], name); k++)
			;
		if (k < i || exports_has(f->new_, name))
			continue;
		s = module_find(f->old, name);
		if (s && !d->old.v[d->old.base[fi] + (size_t)(s - f->old->symbols)].match)
			continue;
		add(d, GS_CHANGE_EXPORT_REMOVED, f->path, s ? sym_line(s) : 1, name, name, NULL);
	}
}

void gs_apidiff_package(gs_change_list *out, const char *package, const char *module,
			const gs_apidiff_file *files, size_t nr)
{
	struct pkgdiff d;
	size_t i;

	memset(&d, 0, sizeof(d));
	d.out = out;
	d.package = package;
	d.module = module;
	d.files = files;
	d.files_nr = nr;
	gs_buf_init(&d.obj, 0);
	gs_buf_init(&d.a, 0);
	gs_buf_init(&d.b, 0);
	d.moved_old = gs_xcalloc(nr + 1, 1);
	d.moved_new = gs_xcalloc(nr + 1, 1);
	side_defs_build(&d.old, files, nr, 0);
	side_defs_build(&d.new_, files, nr, 1);
	match_defs(&d);

	for (i = 0; i < nr; i++) {
		const gs_apidiff_file *f = &files[i];

		if (f->old && f->new_) {
			if (cmp_opt(f->old->doc, f->new_->doc) && module_public(&d, f->path)) {
				module_name(&d.obj, &d, f->path);
				add(&d, GS_CHANGE_DOCSTRING_CHANGED, f->path, 1, d.obj.ptr,
				    f->old->doc, f->new_->doc);
			}
			compare_exports(&d, i);
		} else if (f->old && !d.moved_old[i] && module_public(&d, f->path)) {
			module_name(&d.obj, &d, f->path);
			add(&d, GS_CHANGE_MODULE_REMOVED, f->path, 1, d.obj.ptr, NULL, NULL);
		} else if (f->new_ && !d.moved_new[i] && module_public(&d, f->path)) {
			module_name(&d.obj, &d, f->path);
			add(&d, GS_CHANGE_MODULE_ADDED, f->path, 1, d.obj.ptr, NULL, NULL);
		}
	}
	for (i = 0; i < d.old.nr; i++) {
		if (d.old.v[i].match)
			compare_pair(&d, &d.old.v[i], d.old.v[i].match);
		else
			report_unmatched(&d, &d.old.v[i], 0);
	}
	for (i = 0; i < d.new_.nr; i++)
		if (!d.new_.v[i].match)
			report_unmatched(&d, &d.new_.v[i], 1);

	side_defs_release(&d.old);
	side_defs_release(&d.new_);
	free(d.moved_old);
	free(d.moved_new);
	gs_buf_release(&d.obj);
	gs_buf_release(&d.a);
	gs_buf_release(&d.b);
}

/* ---- comparing two states ------------------------------------------------------ */

int gs_apidiff_side_open_tree(gs_apidiff_side *out, git_repository *repo,
			      const git_tree *tree, gs_cache *cache)
{
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (!tree)
		return 0;
	if ((error = gs_source_open_git_tree(&out->own_src, repo, tree)) < 0)
		goto done;
	out->own_cfg = gs_xcalloc(1, sizeof(*out->own_cfg));
	gs_config_init(out->own_cfg);
	if ((error = gs_config_load(out->own_cfg, repo, out->own_src)) < 0)
		goto done;
	out->own_pkgs = gs_xcalloc(1, sizeof(*out->own_pkgs));
	gs_strvec_init(&out->own_pkgs->ignore);
	if ((error = gs_packages_scan(out->own_pkgs, out->own_src, out->own_cfg)) < 0)
		goto done;
	if ((error = gs_registry_load(&out->own_reg, out->own_src, out->own_cfg, cache)) < 0)
		goto done;
	if ((error = gs_engine_new(&out->own_eng, out->own_cfg, cache)) < 0)
		goto done;
	out->src = out->own_src;
	out->cfg = out->own_cfg;
	out->pkgs = out->own_pkgs;
	out->reg = out->own_reg;
	out->eng = out->own_eng;
done:
	if (error < 0)
		gs_apidiff_side_release(out);
	return error;
}

void gs_apidiff_side_release(gs_apidiff_side *side)
{
	if (!side)
		return;
	gs_engine_free(side->own_eng);
	gs_registry_free(side->own_reg);
	if (side->own_pkgs)
		gs_package_list_clear(side->own_pkgs);
	free(side->own_pkgs);
	if (side->own_cfg)
		gs_config_release(side->own_cfg);
	free(side->own_cfg);
	gs_source_free(side->own_src);
	memset(side, 0, sizeof(*side));
}

/* A package to compare: its path, whether it rolls up, its module name. */
struct target {
	char *path;
	char *module;
	int rollup;
};

struct targets {
	struct target *v;
	size_t nr, alloc;
};

static void targets_add(struct targets *t, const char *path, char *module, int rollup)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->v[i].path, path)) {
			free(module);
			return;
		}
	if (t->nr == t->alloc) {
		t->alloc = t->alloc ? gs_st_mult(t->alloc, 2) : 16;
		t->v = gs_xrealloc(t->v, gs_st_mult(t->alloc, sizeof(*t->v)));
	}
	t->v[t->nr].path = gs_xstrdup(path);
	t->v[t->nr].module = module;
	t->v[t->nr].rollup = rollup;
	t->nr++;
}

static int cmp_target(const void *a, const void *b)
{
	return strcmp(((const struct target *)a)->path, ((const struct target *)b)->path);
}

static void collect_targets(struct targets *t, const gs_apidiff_side *s, int all)
{
	size_t i, j;

	if (!s->src)
		return;
	if (all) {
		for (i = 0; i < s->pkgs->nr; i++)
			targets_add(t, s->pkgs->v[i].path, gs_xstrdup(s->pkgs->v[i].module), 0);
		return;
	}
	for (i = 0; s->reg && i < s->reg->specs_nr; i++) {
		const gs_spec *spec = s->reg->specs[i];

		for (j = 0; j < spec->sources_nr; j++) {
			const gs_spec_source *src = &spec->sources[j];
			char *module = src->module && *src->module ? gs_xstrdup(src->module)
				: gs_module_name(s->pkgs, s->cfg, src->identifier);

			targets_add(t, src->identifier, module, src->rollup);
		}
	}
}

/* Whether `path` is `limit` or below it. */
static int path_under(const char *path, const char *limit)
{
	size_t n = strlen(limit);

	return !strncmp(path, limit, n) && (path[n] == '\0' || path[n] == '/');
}

static int path_wanted(const gs_strvec *limits, const char *path)
{
	size_t i;

	if (!limits || !limits->nr)
		return 1;
	for (i = 0; i < limits->nr; i++)
		if (!*limits->v[i] || path_under(path, limits->v[i]))
			return 1;
	return 0;
}

static int target_wanted(const gs_strvec *limits, const char *pkg)
{
	size_t i;

	if (!limits || !limits->nr)
		return 1;
	for (i = 0; i < limits->nr; i++)
		if (!*limits->v[i] || path_under(pkg, limits->v[i]) || path_under(limits->v[i], pkg))
			return 1;
	return 0;
}

/* The `*.py` entries of a package in one state, tests and unwanted paths left out. */
static int side_files(const gs_source_entry ***out, size_t *out_nr, const gs_apidiff_side *s,
		      const struct target *t, const gs_strvec *limits)
{
	const gs_package *pkg;
	size_t i, n = 0;
	int error;

	*out = NULL;
	*out_nr = 0;
	if (!s->src || !(pkg = gs_packages_find(s->pkgs, t->path)))
		return 0;
	if ((error = gs_package_files(out, out_nr, s->src, s->pkgs, pkg, t->rollup)) < 0)
		return error;
	for (i = 0; i < *out_nr; i++) {
		const char *path = (*out)[i]->path;

		if (gs_config_is_test_file(s->cfg, path) || !path_wanted(limits, path))
			continue;
		(*out)[n++] = (*out)[i];
	}
	*out_nr = n;
	return 0;
}

/* One file to compare: its entry in each state (NULL where absent). */
struct pair {
	size_t target;
	const gs_source_entry *old, *new_;
};

struct pairs {
	struct pair *v;
	size_t nr, alloc;
};

static void pairs_add(struct pairs *p, size_t target, const gs_source_entry *o,
		      const gs_source_entry *n)
{
	if (p->nr == p->alloc) {
		p->alloc = p->alloc ? gs_st_mult(p->alloc, 2) : 64;
		p->v = gs_xrealloc(p->v, gs_st_mult(p->alloc, sizeof(*p->v)));
	}
	p->v[p->nr].target = target;
	p->v[p->nr].old = o;
	p->v[p->nr].new_ = n;
	p->nr++;
}

static int entry_oid(git_oid *out, gs_source *src, const gs_source_entry *e)
{
	if (e->has_oid) {
		git_oid_cpy(out, &e->oid);
		return 0;
	}
	return gs_source_oid(out, src, e);
}

/* Whether two entries hold the same blob (then nothing of theirs changed). */
static int same_blob(int *out, gs_apidiff_side *old, const gs_source_entry *o,
		     gs_apidiff_side *new_, const gs_source_entry *n)
{
	git_oid a, b;
	int error;

	*out = 0;
	if ((error = entry_oid(&a, old->src, o)) < 0 || (error = entry_oid(&b, new_->src, n)) < 0)
		return error;
	*out = git_oid_equal(&a, &b);
	return 0;
}

static int prefetch_side(gs_apidiff_side *s, const struct pairs *p, int newer)
{
	const gs_source_entry **v;
	size_t i, n = 0;
	int error;

	if (!s->src)
		return 0;
	v = gs_xcalloc(p->nr + 1, sizeof(*v));
	for (i = 0; i < p->nr; i++) {
		const gs_source_entry *e = newer ? p->v[i].new_ : p->v[i].old;

		if (e)
			v[n++] = e;
	}
	error = gs_engine_prefetch(s->eng, s->src, v, n);
	free(v);
	return error;
}

int gs_apidiff_sides(gs_change_list *out, gs_apidiff_side *old, gs_apidiff_side *new_,
		     const gs_apidiff_opts *opts)
{
	struct targets t = { NULL, 0, 0 };
	struct pairs p = { NULL, 0, 0 };
	const gs_source_entry **of = NULL, **nf = NULL;
	gs_apidiff_file *files = NULL;
	const gs_strvec *limits = opts ? opts->paths : NULL;
	size_t i, start = out->nr;
	int error = 0;

	/* The newer state's module names win: they are what callers import now. */
	collect_targets(&t, new_, opts && opts->all);
	collect_targets(&t, old, opts && opts->all);
	if (t.nr > 1)
		qsort(t.v, t.nr, sizeof(*t.v), cmp_target);

	for (i = 0; i < t.nr; i++) {
		size_t onr, nnr, a = 0, b = 0;

		if (!target_wanted(limits, t.v[i].path))
			continue;
		free(of);
		free(nf);
		of = nf = NULL;
		if ((error = side_files(&of, &onr, old, &t.v[i], limits)) < 0 ||
		    (error = side_files(&nf, &nnr, new_, &t.v[i], limits)) < 0)
			goto done;
		while (a < onr || b < nnr) {
			int c = a >= onr ? 1 : b >= nnr ? -1 : strcmp(of[a]->path, nf[b]->path);
			int same;

			if (c < 0) {
				pairs_add(&p, i, of[a++], NULL);
			} else if (c > 0) {
				pairs_add(&p, i, NULL, nf[b++]);
			} else {
				if ((error = same_blob(&same, old, of[a], new_, nf[b])) < 0)
					goto done;
				if (!same)
					pairs_add(&p, i, of[a], nf[b]);
				a++;
				b++;
			}
		}
	}
	if ((error = prefetch_side(old, &p, 0)) < 0 || (error = prefetch_side(new_, &p, 1)) < 0)
		goto done;

	files = gs_xcalloc(p.nr + 1, sizeof(*files));
	for (i = 0; i < p.nr;) {
		size_t k, n = 0;

		for (k = i; k < p.nr && p.v[k].target == p.v[i].target; k++, n++) {
			const gs_module *m;

			files[n].path = p.v[k].new_ ? p.v[k].new_->path : p.v[k].old->path;
			files[n].old = files[n].new_ = NULL;
			if (p.v[k].old) {
				if ((error = gs_engine_module(&m, old->eng, old->src, p.v[k].old)) < 0)
					goto done;
				files[n].old = m;
			}
			if (p.v[k].new_) {
				if ((error = gs_engine_module(&m, new_->eng, new_->src, p.v[k].new_)) < 0)
					goto done;
				files[n].new_ = m;
			}
		}
		gs_apidiff_package(out, t.v[p.v[i].target].path, t.v[p.v[i].target].module, files, n);
		i = k;
	}
	/* Only this call's changes: the caller's may be in another order. */
	if (out->nr - start > 1)
		qsort(out->v + start, out->nr - start, sizeof(*out->v), cmp_change);

done:
	free(files);
	free(of);
	free(nf);
	free(p.v);
	for (i = 0; i < t.nr; i++) {
		free(t.v[i].path);
		free(t.v[i].module);
	}
	free(t.v);
	return error;
}

/* ---- the range policy ---------------------------------------------------------- */

static int is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

int gs_apidiff_trailer_allows(const char *message, const char *module)
{
	git_message_trailer_array trailers;
	size_t i, mlen = strlen(module);
	int allowed = 0;

	memset(&trailers, 0, sizeof(trailers));
	if (git_message_trailers(&trailers, message) < 0) {
		gs_error_clear();
		return 0;
	}
	for (i = 0; i < trailers.count && !allowed; i++) {
		const char *v = trailers.trailers[i].value;

		/* git matches trailer keys without regard to case */
		if (strcasecmp(trailers.trailers[i].key, "API-Break"))
			continue;
		while (*v && !allowed) {
			size_t n;

			while (is_sep(*v))
				v++;
			for (n = 0; v[n] && !is_sep(v[n]); n++)
				;
			if ((n == 1 && *v == '*') || (n == mlen && n && !strncmp(v, module, n)))
				allowed = 1;
			v += n;
		}
	}
	git_message_trailer_array_free(&trailers);
	return allowed;
}

int gs_apidiff_refused_in_commit(gs_change_list *out, git_repository *repo,
				 const git_commit *commit, gs_cache *cache)
{
	gs_apidiff_side old, new_;
	gs_change_list changes = GS_CHANGE_LIST_INIT;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	const char *message = git_commit_message(commit);
	size_t i;
	int error = 0;

	memset(&old, 0, sizeof(old));
	memset(&new_, 0, sizeof(new_));
	if (git_commit_parentcount(commit) > 1)
		goto done;
	/* A shallow commit's parent is missing: there is nothing to compare with. */
	if (git_commit_parentcount(commit) == 1 &&
	    (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&ptree, parent) < 0)) {
		git_error_clear();
		goto done;
	}
	if (git_commit_tree(&tree, commit) < 0) {
		error = gs_error_set_git("cannot read a commit of the range");
		goto done;
	}
	if ((error = gs_apidiff_side_open_tree(&old, repo, ptree, cache)) < 0 ||
	    (error = gs_apidiff_side_open_tree(&new_, repo, tree, cache)) < 0 ||
	    (error = gs_apidiff_sides(&changes, &old, &new_, NULL)) < 0)
		goto done;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	for (i = 0; i < changes.nr; i++) {
		gs_change *c = &changes.v[i];

		if (!c->breaking || gs_apidiff_trailer_allows(message ? message : "", c->module))
			continue;
		if (out->nr == out->alloc) {
			out->alloc = out->alloc ? gs_st_mult(out->alloc, 2) : 16;
			out->v = gs_xrealloc(out->v, gs_st_mult(out->alloc, sizeof(*out->v)));
		}
		/* moved, not copied: the change list below forgets it */
		out->v[out->nr] = *c;
		out->v[out->nr].commit = gs_xstrdup(hex);
		out->nr++;
		memset(c, 0, sizeof(*c));
	}
done:
	gs_change_list_clear(&changes);
	gs_apidiff_side_release(&old);
	gs_apidiff_side_release(&new_);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return error;
}

int gs_apidiff_refused_in_range(gs_change_list *out, git_repository *repo, const git_oid *from,
				const git_oid *to, gs_cache *cache)
{
	git_oid *oids = NULL;
	size_t nr = 0, i;
	int error;

	/* gs_revwalk_list stops at a shallow clone's boundary, as git does */
	if ((error = gs_revwalk_list(&oids, &nr, repo, to, 1, from, from ? 1 : 0)) < 0)
		goto done;
	for (i = 0; i < nr; i++) {
		git_commit *commit = NULL;

		if (git_commit_lookup(&commit, repo, &oids[i]) < 0) {
			error = gs_error_set_git("cannot read a commit of the range");
			goto done;
		}
		error = gs_apidiff_refused_in_commit(out, repo, commit, cache);
		git_commit_free(commit);
		if (error < 0)
			goto done;
	}
done:
	free(oids);
	return error;
}

/* ---- output -------------------------------------------------------------------- */

void gs_change_format_line(gs_buf *out, const gs_change *c)
{
	gs_buf_printf(out, "%s:%zu: %s: %s", c->path, c->line, c->object,
		      gs_change_kind_message(c->kind));
	if (c->old_value && c->new_value)
		gs_buf_printf(out, ": %s -> %s", c->old_value, c->new_value);
	else if (c->old_value || c->new_value)
		gs_buf_printf(out, ": %s", c->old_value ? c->old_value : c->new_value);
	gs_buf_puts(out, c->breaking ? " [breaking]" : " [compatible]");
}

void gs_change_list_format_text(gs_buf *out, const gs_change_list *changes)
{
	size_t i, k;

	for (i = 0; i < changes->nr; i = k) {
		size_t breaking = 0;

		for (k = i; k < changes->nr && !strcmp(changes->v[k].package, changes->v[i].package); k++)
			breaking += changes->v[k].breaking != 0;
		gs_buf_printf(out, "%spackage %s: %zu breaking, %zu compatible\n", i ? "\n" : "",
			      changes->v[i].package, breaking, k - i - breaking);
		for (; i < k; i++) {
			gs_change_format_line(out, &changes->v[i]);
			gs_buf_putc(out, '\n');
		}
	}
}

void gs_change_put_json(gs_buf *out, const gs_change *c, unsigned fields)
{
	gs_buf_putc(out, '{');
	if (fields & GS_CHANGE_JSON_COMMIT) {
		gs_buf_puts(out, "\"commit\": ");
		gs_buf_put_json_string_or_null(out, c->commit);
		gs_buf_put_json_member(out, "module", c->module);
		gs_buf_puts(out, ", ");
	}
	gs_buf_puts(out, "\"package\": ");
	gs_buf_put_json_string_or_null(out, c->package);
	gs_buf_put_json_member(out, "path", c->path);
	gs_buf_printf(out, ", \"line\": %zu", c->line);
	gs_buf_put_json_member(out, "object", c->object);
	gs_buf_put_json_member(out, "kind", gs_change_kind_name(c->kind));
	if (fields & GS_CHANGE_JSON_VALUES) {
		gs_buf_printf(out, ", \"breaking\": %s", c->breaking ? "true" : "false");
		gs_buf_put_json_member(out, "old", c->old_value);
		gs_buf_put_json_member(out, "new", c->new_value);
	}
	gs_buf_put_json_member(out, "message", gs_change_kind_message(c->kind));
	gs_buf_putc(out, '}');
}

void gs_change_list_format_json(gs_buf *out, const gs_change_list *changes,
				const char *from, const char *to)
{
	size_t i;

	gs_buf_puts(out, "{\"from\": ");
	gs_buf_put_json_string_or_null(out, from);
	gs_buf_put_json_member(out, "to", to);
	gs_buf_puts(out, ", \"changes\": [");
	for (i = 0; i < changes->nr; i++) {
		gs_buf_puts(out, i ? ",\n    " : "\n    ");
		gs_change_put_json(out, &changes->v[i], GS_CHANGE_JSON_VALUES);
	}
	gs_buf_puts(out, changes->nr ? "\n  ]}\n" : "]}\n");
}

/* GitHub's workflow-command escaping: data escapes %, CR, LF; properties also ':' and ','. */
void gs_github_put(gs_buf *out, const char *s, int property)
{
	for (; *s; s++) {
		if (*s == '%')
			gs_buf_puts(out, "%25");
		else if (*s == '\r')
			gs_buf_puts(out, "%0D");
		else if (*s == '\n')
			gs_buf_puts(out, "%0A");
		else if (property && *s == ':')
			gs_buf_puts(out, "%3A");
		else if (property && *s == ',')
			gs_buf_puts(out, "%2C");
		else
			gs_buf_putc(out, *s);
	}
}

void gs_change_list_format_github(gs_buf *out, const gs_change_list *changes)
{
	gs_buf msg = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < changes->nr; i++) {
		const gs_change *c = &changes->v[i];

		gs_buf_puts(out, c->breaking ? "::error file=" : "::notice file=");
		gs_github_put(out, c->path, 1);
		gs_buf_printf(out, ",line=%zu,title=", c->line ? c->line : 1);
		gs_github_put(out, c->breaking ? "Breaking API change" : "API change", 1);
		gs_buf_puts(out, "::");
		gs_buf_clear(&msg);
		gs_buf_printf(&msg, "%s: %s", c->object, gs_change_kind_message(c->kind));
		if (c->old_value && c->new_value)
			gs_buf_printf(&msg, ": %s -> %s", c->old_value, c->new_value);
		else if (c->old_value || c->new_value)
			gs_buf_printf(&msg, ": %s", c->old_value ? c->old_value : c->new_value);
		gs_github_put(out, msg.ptr, 0);
		gs_buf_putc(out, '\n');
	}
	gs_buf_release(&msg);
}
