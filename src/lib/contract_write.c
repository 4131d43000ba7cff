#include <stdlib.h>
#include <string.h>
#include "contract_internal.h"
#include "gitspec/sha1.h"
#include "gitspec/language.h"

/*
 * Writing one contract as Markdown (DESIGN 2.4); contract_json.c writes
 * the same model in the same order as JSON (2.5), and contract_read.c
 * reads the Markdown back. See include/gitspec/contract.h.
 */

static const char *const variant_names[GS_VARIANT_COUNT] = { "public", "all", "tests" };

/* DESIGN 2.1 "Long values". */
#define LONG_VALUE_MAX 80
#define LONG_VALUE_KEEP 64

const char *gs_variant_name(gs_variant v)
{
	if ((unsigned)v >= GS_VARIANT_COUNT)
		return "unknown";
	return variant_names[v];
}

int gs_variant_parse(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "public") || !strcmp(name, "api"))
		return GS_VARIANT_PUBLIC;
	if (!strcmp(name, "all") || !strcmp(name, "implementation"))
		return GS_VARIANT_ALL;
	if (!strcmp(name, "tests"))
		return GS_VARIANT_TESTS;
	return -1;
}

int gs_variant_selects(gs_variant v, const char *path, int is_test_file)
{
	(void)path;
	/* Format 2 renders the package's own file like any other (DESIGN 1). */
	if (v == GS_VARIANT_TESTS)
		return !!is_test_file;
	return !is_test_file;
}

static const char *const section_titles[GS_SECTION_COUNT] = {
	"Variables", "Type aliases", "Functions", "Classes"
};

const char *gs_contract_section_title(gs_contract_section sec)
{
	return (unsigned)sec < GS_SECTION_COUNT ? section_titles[sec] : "";
}

int gs_contract_shown(const gs_contract_view *view, const gs_symbol *sym)
{
	return view->variant != GS_VARIANT_PUBLIC || sym->public;
}

/* --- symbol text ------------------------------------------------------ */

static void put_params(gs_buf *out, const gs_symbol *sym)
{
	size_t i;
	int star = 0, first = 1;

	for (i = 0; i < sym->params_nr; i++) {
		const gs_param *p = &sym->params[i];

		if (!first)
			gs_buf_puts(out, ", ");
		first = 0;
		if (p->kind == GS_PARAM_KEYWORD_ONLY && !star) {
			gs_buf_puts(out, "*, ");
			star = 1;
		}
		if (p->kind == GS_PARAM_VAR_POSITIONAL) {
			gs_buf_putc(out, '*');
			star = 1;
		} else if (p->kind == GS_PARAM_VAR_KEYWORD) {
			gs_buf_puts(out, "**");
		}
		gs_buf_puts(out, p->name);
		if (p->annotation) {
			gs_buf_puts(out, ": ");
			gs_buf_puts(out, p->annotation);
		}
		if (p->default_value) {
			gs_buf_puts(out, p->annotation ? " = " : "=");
			gs_buf_puts(out, p->default_value);
		}
		if (p->kind == GS_PARAM_POSITIONAL_ONLY &&
		    (i + 1 == sym->params_nr || sym->params[i + 1].kind != GS_PARAM_POSITIONAL_ONLY))
			gs_buf_puts(out, ", /");
	}
}

static size_t count_chars(const char *s, size_t len, size_t *byte_at, size_t at)
{
	size_t i = 0, n = 0;

	*byte_at = len;
	while (i < len) {
		size_t k;

		if (n == at)
			*byte_at = i;
		k = gs_utf8_seq_len(s + i, len - i);
		i += k ? k : 1;
		n++;
	}
	return n;
}

/*
 * A value (DESIGN 2.1 "Long values"): longer than 80 characters, it is
 * written as its first 64, an ellipsis, " #" and the first 8 hex digits of
 * the SHA-1 of the whole text, so that any change still shows.
 */
static void put_value(gs_buf *out, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char sha[20];
	size_t len = strlen(value), cut, i;

	if (count_chars(value, len, &cut, LONG_VALUE_KEEP) <= LONG_VALUE_MAX) {
		gs_buf_put(out, value, len);
		return;
	}
	/* libcrypto fails only when it cannot allocate: the allocators' policy */
	if (gs_sha1(sha, value, len) < 0)
		gs_die_oom(len);
	gs_buf_put(out, value, cut);
	gs_buf_puts(out, "\xe2\x80\xa6 #");
	for (i = 0; i < 4; i++) {
		gs_buf_putc(out, hex[sha[i] >> 4]);
		gs_buf_putc(out, hex[sha[i] & 15]);
	}
}

static void put_type_params(gs_buf *out, const gs_symbol *sym)
{
	if (!sym->type_params)
		return;
	gs_buf_putc(out, '[');
	gs_buf_puts(out, sym->type_params);
	gs_buf_putc(out, ']');
}

/* The text of a symbol's code span; `name` is the name to show. */
static void symbol_text(gs_buf *out, const gs_symbol *sym, const char *name)
{
	size_t i;

	for (i = 0; i < sym->markers_nr; i++) {
		gs_buf_puts(out, gs_language_default()->marker_prefix);
		gs_buf_puts(out, sym->markers[i]);
		gs_buf_putc(out, ' ');
	}
	switch (sym->kind) {
	case GS_SYM_VARIABLE:
	case GS_SYM_ATTRIBUTE:
		if (sym->kind == GS_SYM_ATTRIBUTE)
			gs_buf_puts(out, "self.");
		gs_buf_puts(out, name);
		if (sym->annotation) {
			gs_buf_puts(out, ": ");
			gs_buf_puts(out, sym->annotation);
		}
		if (sym->value) {
			gs_buf_puts(out, " = ");
			put_value(out, sym->value);
		}
		break;
	case GS_SYM_TYPE_ALIAS:
		gs_buf_puts(out, "type ");
		gs_buf_puts(out, name);
		put_type_params(out, sym);
		if (sym->value) {
			gs_buf_puts(out, " = ");
			put_value(out, sym->value);
		}
		break;
	case GS_SYM_CLASS:
		gs_buf_puts(out, "class ");
		gs_buf_puts(out, name);
		put_type_params(out, sym);
		if (sym->bases_nr) {
			gs_buf_putc(out, '(');
			for (i = 0; i < sym->bases_nr; i++) {
				if (i)
					gs_buf_puts(out, ", ");
				gs_buf_puts(out, sym->bases[i]);
			}
			gs_buf_putc(out, ')');
		}
		break;
	default:
		if (sym->is_async || sym->kind == GS_SYM_ASYNC_FUNCTION ||
		    sym->kind == GS_SYM_ASYNC_METHOD)
			gs_buf_puts(out, "async ");
		gs_buf_puts(out, "def ");
		gs_buf_puts(out, name);
		put_type_params(out, sym);
		gs_buf_putc(out, '(');
		put_params(out, sym);
		gs_buf_putc(out, ')');
		if (sym->returns) {
			gs_buf_puts(out, " -> ");
			gs_buf_puts(out, sym->returns);
		}
		break;
	}
}

/*
 * An inline code span of `text`: a text holding backticks is fenced with
 * one more backtick than its longest run and padded with a space.
 */
static void put_code_span(gs_buf *out, const char *text, size_t len)
{
	size_t i, run = 0, longest = 0;

	for (i = 0; i < len; i++) {
		if (text[i] == '`') {
			if (++run > longest)
				longest = run;
		} else {
			run = 0;
		}
	}
	if (!longest) {
		gs_buf_putc(out, '`');
		gs_utf8_put_escaped(out, text, len);
		gs_buf_putc(out, '`');
		return;
	}
	for (i = 0; i <= longest; i++)
		gs_buf_putc(out, '`');
	gs_buf_putc(out, ' ');
	gs_utf8_put_escaped(out, text, len);
	gs_buf_putc(out, ' ');
	for (i = 0; i <= longest; i++)
		gs_buf_putc(out, '`');
}

static void put_code_span_str(gs_buf *out, const char *s)
{
	put_code_span(out, s, strlen(s));
}

/*
 * A file or module name in a heading: control characters (a line break
 * in a file name) are written as \xNN like invalid UTF-8, so that no name
 * can break a contract line.
 */
static void put_name_span(gs_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	gs_buf tmp = GS_BUF_INIT;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f) {
			gs_buf_puts(&tmp, "\\x");
			gs_buf_putc(&tmp, hex[c >> 4]);
			gs_buf_putc(&tmp, hex[c & 15]);
		} else {
			gs_buf_putc(&tmp, (char)c);
		}
	}
	put_code_span(out, tmp.ptr, tmp.size);
	gs_buf_release(&tmp);
}

/* --- Markdown --------------------------------------------------------- */

static void put_bullet(gs_buf *out, gs_buf *tmp, const gs_symbol *sym, const char *name)
{
	gs_buf_clear(tmp);
	symbol_text(tmp, sym, name);
	gs_buf_puts(out, "- ");
	put_code_span(out, tmp->ptr, tmp->size);
	gs_buf_putc(out, '\n');
	if (sym->doc) {
		gs_buf_puts(out, "  ");
		gs_utf8_put_escaped(out, sym->doc, strlen(sym->doc));
		gs_buf_putc(out, '\n');
	}
}

/* The list block of the top-level symbols of one group, when not empty. */
static void top_level_list(gs_buf *out, gs_buf *tmp, const gs_contract_view *view,
			   const gs_module *mod, gs_contract_section group)
{
	size_t i;
	int started = 0;

	for (i = 0; i < mod->symbols_nr; i++) {
		const gs_symbol *sym = &mod->symbols[i];
		int g;

		if (sym->parent >= 0 || !gs_contract_shown(view, sym))
			continue;
		g = sym->kind == GS_SYM_VARIABLE ? GS_SECTION_VARIABLES :
			sym->kind == GS_SYM_TYPE_ALIAS ? GS_SECTION_TYPE_ALIASES :
			sym->kind == GS_SYM_CLASS ? GS_SECTION_CLASSES :
			sym->kind == GS_SYM_ATTRIBUTE ? GS_SECTION_COUNT : GS_SECTION_FUNCTIONS;
		if (g != (int)group)
			continue;
		if (!started) {
			gs_buf_printf(out, "\n### %s\n\n", gs_contract_section_title(group));
			started = 1;
		}
		put_bullet(out, tmp, sym, sym->name);
	}
}

static void render_file(gs_buf *out, gs_buf *tmp, const gs_contract_view *view, const gs_module *mod)
{
	size_t i, j;
	int classes = 0;

	gs_buf_puts(out, "\n## ");
	put_name_span(out, mod->path);
	gs_buf_putc(out, '\n');
	if (mod->doc) {
		gs_buf_putc(out, '\n');
		gs_utf8_put_escaped(out, mod->doc, strlen(mod->doc));
		gs_buf_putc(out, '\n');
	}
	top_level_list(out, tmp, view, mod, GS_SECTION_VARIABLES);
	top_level_list(out, tmp, view, mod, GS_SECTION_TYPE_ALIASES);
	top_level_list(out, tmp, view, mod, GS_SECTION_FUNCTIONS);

	for (i = 0; i < mod->symbols_nr; i++) {
		const gs_symbol *cls = &mod->symbols[i];
		int members = 0;

		if (cls->kind != GS_SYM_CLASS || !gs_contract_shown(view, cls))
			continue;
		if (!classes) {
			gs_buf_printf(out, "\n### %s\n", gs_contract_section_title(GS_SECTION_CLASSES));
			classes = 1;
		}
		gs_buf_clear(tmp);
		symbol_text(tmp, cls, cls->name);
		gs_buf_puts(out, "\n#### ");
		put_code_span(out, tmp->ptr, tmp->size);
		gs_buf_putc(out, '\n');
		if (cls->doc) {
			gs_buf_putc(out, '\n');
			gs_utf8_put_escaped(out, cls->doc, strlen(cls->doc));
			gs_buf_putc(out, '\n');
		}
		/*
		 * A class's descendants directly follow it (model order), and
		 * the first symbol after them has a parent before the class.
		 */
		for (j = i + 1; j < mod->symbols_nr && mod->symbols[j].parent >= (int)i; j++) {
			const gs_symbol *m = &mod->symbols[j];

			if (m->parent != (int)i)
				continue;
			if (m->kind == GS_SYM_CLASS || !gs_contract_shown(view, m))
				continue;
			if (!members) {
				gs_buf_putc(out, '\n');
				members = 1;
			}
			put_bullet(out, tmp, m, gs_symbol_own_name(m));
		}
	}
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **gs_contract_sorted_exports(const gs_contract_view *view, size_t *nr_out)
{
	const gs_module *init = view->init;
	char **v;
	size_t i, n = 0;

	*nr_out = 0;
	if (view->variant == GS_VARIANT_TESTS || !init || !init->has_exports || !init->exports_nr)
		return NULL;
	v = gs_xcalloc(init->exports_nr, sizeof(*v));
	for (i = 0; i < init->exports_nr; i++)
		v[i] = init->exports[i];
	GS_QSORT(v, init->exports_nr, cmp_strp);
	for (i = 0; i < init->exports_nr; i++) {
		if (n && !strcmp(v[n - 1], v[i]))
			continue;
		v[n++] = v[i];
	}
	*nr_out = n;
	return v;
}

void gs_render_markdown(gs_buf *out, const gs_contract_view *view)
{
	gs_buf tmp = GS_BUF_INIT;
	char **ex;
	size_t i, ex_nr;

	gs_buf_puts(out, "# ");
	put_name_span(out, view->module ? view->module : "");
	gs_buf_printf(out, " \xe2\x80\x94 %s contract\n\n", gs_variant_name(view->variant));
	gs_buf_puts(out, GS_CONTRACT_COMMENT "\n");

	ex = gs_contract_sorted_exports(view, &ex_nr);
	if (ex_nr) {
		gs_buf_puts(out, "\n## " GS_CONTRACT_EXPORTS_TITLE "\n\n");
		for (i = 0; i < ex_nr; i++) {
			gs_buf_puts(out, "- ");
			put_code_span_str(out, ex[i]);
			gs_buf_putc(out, '\n');
		}
	}
	free(ex);

	for (i = 0; i < view->files_nr; i++)
		render_file(out, &tmp, view, view->files[i]);
	gs_buf_release(&tmp);
}
