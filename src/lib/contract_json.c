/*
 * Writing one contract as JSON (DESIGN 2.5): the model contract_write.c
 * writes as Markdown, in the same order, with every field. See
 * include/gitspec/contract.h.
 */
#include <stdlib.h>
#include <string.h>
#include "contract_internal.h"
#include "gitspec/language.h"

/*
 * Laid out as Python's json.dumps(obj, indent=2, ensure_ascii=False)
 * does, so that tools and tests can compare the two byte for byte.
 */
static void indent(gs_buf *out, int level)
{
	int i;

	gs_buf_putc(out, '\n');
	for (i = 0; i < level; i++)
		gs_buf_puts(out, "  ");
}

static void json_key(gs_buf *out, int level, int *first, const char *key)
{
	if (!*first)
		gs_buf_putc(out, ',');
	*first = 0;
	indent(out, level);
	gs_buf_put_json_string(out, key);
	gs_buf_puts(out, ": ");
}

static void json_ostr(gs_buf *out, const char *s)
{
	if (s)
		gs_buf_put_json_string(out, s);
	else
		gs_buf_puts(out, "null");
}

/* A list of strings, each optionally prefixed (markers get the language's prefix). */
static void json_strings(gs_buf *out, int level, char **v, size_t nr, const char *prefix)
{
	gs_buf tmp = GS_BUF_INIT;
	size_t i;

	if (!nr) {
		gs_buf_puts(out, "[]");
		return;
	}
	gs_buf_putc(out, '[');
	for (i = 0; i < nr; i++) {
		if (i)
			gs_buf_putc(out, ',');
		indent(out, level + 1);
		gs_buf_clear(&tmp);
		gs_buf_puts(&tmp, prefix);
		gs_buf_puts(&tmp, v[i]);
		gs_buf_put_json_string(out, tmp.ptr);
	}
	indent(out, level);
	gs_buf_putc(out, ']');
	gs_buf_release(&tmp);
}

static void json_params(gs_buf *out, int level, const gs_symbol *sym)
{
	size_t i;

	if (!sym->has_params) {
		gs_buf_puts(out, "null");
		return;
	}
	if (!sym->params_nr) {
		gs_buf_puts(out, "[]");
		return;
	}
	gs_buf_putc(out, '[');
	for (i = 0; i < sym->params_nr; i++) {
		const gs_param *p = &sym->params[i];
		int first = 1;

		if (i)
			gs_buf_putc(out, ',');
		indent(out, level + 1);
		gs_buf_putc(out, '{');
		json_key(out, level + 2, &first, "name");
		gs_buf_put_json_string(out, p->name);
		json_key(out, level + 2, &first, "kind");
		gs_buf_put_json_string(out, gs_param_kind_name(p->kind));
		json_key(out, level + 2, &first, "annotation");
		json_ostr(out, p->annotation);
		json_key(out, level + 2, &first, "default");
		json_ostr(out, p->default_value);
		indent(out, level + 1);
		gs_buf_putc(out, '}');
	}
	indent(out, level);
	gs_buf_putc(out, ']');
}

static void json_symbol(gs_buf *out, int level, const gs_symbol *sym)
{
	int first = 1;

	gs_buf_putc(out, '{');
	json_key(out, level + 1, &first, "kind");
	gs_buf_put_json_string(out, gs_symbol_kind_name(sym->kind));
	json_key(out, level + 1, &first, "name");
	gs_buf_put_json_string(out, sym->name);
	json_key(out, level + 1, &first, gs_language_default()->markers_key);
	json_strings(out, level + 1, sym->markers, sym->markers_nr,
		     gs_language_default()->marker_prefix);
	json_key(out, level + 1, &first, "type_params");
	json_ostr(out, sym->type_params);
	json_key(out, level + 1, &first, "params");
	json_params(out, level + 1, sym);
	json_key(out, level + 1, &first, "returns");
	json_ostr(out, sym->returns);
	json_key(out, level + 1, &first, "bases");
	if (sym->has_bases)
		json_strings(out, level + 1, sym->bases, sym->bases_nr, "");
	else
		gs_buf_puts(out, "null");
	json_key(out, level + 1, &first, "annotation");
	json_ostr(out, sym->annotation);
	json_key(out, level + 1, &first, "value");
	json_ostr(out, sym->value);
	json_key(out, level + 1, &first, "doc");
	json_ostr(out, sym->doc);
	indent(out, level);
	gs_buf_putc(out, '}');
}

static void json_file(gs_buf *out, int level, const gs_contract_view *view, const gs_module *mod)
{
	int first = 1, any = 0;
	size_t i;

	gs_buf_putc(out, '{');
	json_key(out, level + 1, &first, "path");
	gs_buf_put_json_string(out, mod->path);
	json_key(out, level + 1, &first, "doc");
	json_ostr(out, mod->doc);
	json_key(out, level + 1, &first, "symbols");
	for (i = 0; i < mod->symbols_nr; i++) {
		if (!gs_contract_shown(view, &mod->symbols[i]))
			continue;
		gs_buf_puts(out, any ? "," : "[");
		any = 1;
		indent(out, level + 2);
		json_symbol(out, level + 2, &mod->symbols[i]);
	}
	if (any) {
		indent(out, level + 1);
		gs_buf_putc(out, ']');
	} else {
		gs_buf_puts(out, "[]");
	}
	indent(out, level);
	gs_buf_putc(out, '}');
}

void gs_render_json(gs_buf *out, const gs_contract_view *view)
{
	int first = 1;
	char **ex;
	size_t i, ex_nr;

	gs_buf_putc(out, '{');
	json_key(out, 1, &first, "package");
	gs_buf_put_json_string(out, view->package ? view->package : "");
	json_key(out, 1, &first, "module");
	gs_buf_put_json_string(out, view->module ? view->module : "");
	json_key(out, 1, &first, "variant");
	gs_buf_put_json_string(out, gs_variant_name(view->variant));
	json_key(out, 1, &first, "exports");
	ex = gs_contract_sorted_exports(view, &ex_nr);
	json_strings(out, 1, ex, ex_nr, "");
	free(ex);
	json_key(out, 1, &first, "files");
	if (!view->files_nr) {
		gs_buf_puts(out, "[]");
	} else {
		gs_buf_putc(out, '[');
		for (i = 0; i < view->files_nr; i++) {
			if (i)
				gs_buf_putc(out, ',');
			indent(out, 2);
			json_file(out, 2, view, view->files[i]);
		}
		indent(out, 1);
		gs_buf_putc(out, ']');
	}
	indent(out, 0);
	gs_buf_putc(out, '}');
	gs_buf_putc(out, '\n');
}
