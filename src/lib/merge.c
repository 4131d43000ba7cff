/*
 * Merging contract files: re-derivation from merged sources, the
 * structural (entry-wise) merge, and the plain text merge they both fall
 * back to (DESIGN.md 3.3). The policy is "never lose data": whatever goes
 * wrong ends in a text merge with conflict markers, never in a half-written
 * or silently wrong result.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
#include "gitspec/merge.h"
#include "gitspec/fsutil.h"
#include "gitspec/config.h"
#include "gitspec/cache.h"
#include "gitspec/engine.h"
#include "gitspec/packages.h"
#include "gitspec/plan.h"
#include "gitspec/source.h"
#include "gitspec/spec.h"

/* ---- the parsed contract ------------------------------------------------ */

/*
 * Kinds double as the rank of an entry among its siblings: inside a file
 * section come the module docstring (the section itself), variables, type
 * aliases, functions and then classes, each class followed by its members
 * (variables, then callables).
 */
enum entry_kind {
	E_HEADER,
	E_EXPORT,
	E_FILE,
	E_VAR,
	E_TYPE,
	E_FUNC,
	E_CLASS,
	E_MVAR,
	E_MCALL
};

typedef struct entry {
	enum entry_kind kind;
	char *file;       /* file section path ("" for header and exports) */
	char *cls;        /* qualified class name (classes and members), else "" */
	char *name;       /* own name (the export, the symbol, the member) */
	int occ;          /* n-th entry with the same key (overloads) */
	char *text;       /* the rendered lines of the entry */
	int side;         /* merge: 0 base, 1 ours, 2 theirs */
} entry;

struct gs_contract {
	entry *v;
	size_t nr, alloc;
};

static void entry_release(entry *e)
{
	free(e->file);
	free(e->cls);
	free(e->name);
	free(e->text);
}

void gs_contract_free(gs_contract *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++)
		entry_release(&c->v[i]);
	free(c->v);
	free(c);
}

size_t gs_contract_entry_count(const gs_contract *c)
{
	return c ? c->nr : 0;
}

static int group_rank(enum entry_kind k)
{
	switch (k) {
	case E_HEADER: return 0;
	case E_EXPORT: return 1;
	default: return 2;
	}
}

static int section_rank(enum entry_kind k)
{
	switch (k) {
	case E_FILE: return 0;
	case E_VAR: return 1;
	case E_TYPE: return 2;
	case E_FUNC: return 3;
	default: return 4; /* classes and their members */
	}
}

/*
 * Contract order (DESIGN 2.2), which is also the identity of an entry. A
 * nested class follows its parent's members: comparing qualified names
 * byte-wise gives that, as '.' sorts before every identifier character.
 */
static int entry_cmp(const entry *a, const entry *b)
{
	int r;

	if ((r = group_rank(a->kind) - group_rank(b->kind)))
		return r;
	if ((r = strcmp(a->file, b->file)))
		return r;
	if ((r = section_rank(a->kind) - section_rank(b->kind)))
		return r;
	if (section_rank(a->kind) == 4) {
		if ((r = strcmp(a->cls, b->cls)))
			return r;
		if ((r = (int)a->kind - (int)b->kind))
			return r;
	}
	if ((r = strcmp(a->name, b->name)))
		return r;
	return a->occ - b->occ;
}

static int entry_qsort_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int r = entry_cmp(x, y);

	return r ? r : x->side - y->side;
}

static entry *contract_add(gs_contract *c, enum entry_kind kind, const char *file,
			   const char *cls, const char *name, const char *text, size_t text_len)
{
	entry *e;

	GS_ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	e = &c->v[c->nr++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->file = gs_xstrdup(file);
	e->cls = gs_xstrdup(cls);
	e->name = gs_xstrdup(name);
	e->text = gs_xstrndup(text, text_len);
	return e;
}

/*
 * Number the entries that share a key (overloads), in parse order. The
 * parser then insists on contract order, in which such entries are
 * adjacent, so comparing with the previous entry is enough.
 */
static void contract_number(gs_contract *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		entry *e = &c->v[i], *p = i ? &c->v[i - 1] : NULL;

		e->occ = p && p->kind == e->kind && !strcmp(p->name, e->name) &&
			 !strcmp(p->file, e->file) && !strcmp(p->cls, e->cls) ? p->occ + 1 : 0;
	}
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct line {
	const char *p;
	size_t len;       /* without the '\n' */
} line;

typedef struct block {
	line *lines;
	size_t nr;
} block;

/*
 * The content of the inline code span that makes up `s` (the whole of it,
 * after `prefix`), or -1. Sets [*begin, *end) to the content.
 */
static int code_span(const char *s, size_t len, size_t *begin, size_t *end)
{
	size_t n = 0, close;

	while (n < len && s[n] == '`')
		n++;
	if (!n || len < 2 * n + (n > 1 ? 2 : 0))
		return -1;
	close = len - n;
	for (size_t i = close; i < len; i++)
		if (s[i] != '`')
			return -1;
	if (s[close - 1] == '`')
		return -1;
	if (n > 1) {
		if (s[n] != ' ' || s[close - 1] != ' ')
			return -1;
		*begin = n + 1;
		*end = close - 1;
	} else {
		*begin = n;
		*end = close;
	}
	return *end >= *begin ? 0 : -1;
}

static int is_ident_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (unsigned char)c >= 0x80 || c == '\\';
}

/* Skip one decorator expression "@expr" up to the space that ends it. */
static size_t skip_decorator(const char *s, size_t i, size_t len)
{
	int depth = 0;
	char quote = 0;

	for (; i < len; i++) {
		char c = s[i];

		if (quote) {
			if (c == '\\')
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '(' || c == '[' || c == '{')
			depth++;
		else if (c == ')' || c == ']' || c == '}')
			depth--;
		else if (c == ' ' && depth <= 0)
			return i + 1;
	}
	return len;
}

enum span_form { SPAN_VAR, SPAN_TYPE, SPAN_DEF, SPAN_CLASS };

/*
 * The name a symbol span declares and its form: `@d def f(...)`,
 * `async def f`, `class A.B(...)`, `type T`, `x: int`, `x`.
 */
static int span_name(char **name, enum span_form *form, const char *s, size_t len)
{
	size_t i = 0, start;

	while (i < len && s[i] == '@')
		i = skip_decorator(s, i, len);
	if (len - i > 10 && !memcmp(s + i, "async def ", 10)) {
		i += 10;
		*form = SPAN_DEF;
	} else if (len - i > 4 && !memcmp(s + i, "def ", 4)) {
		i += 4;
		*form = SPAN_DEF;
	} else if (len - i > 6 && !memcmp(s + i, "class ", 6)) {
		i += 6;
		*form = SPAN_CLASS;
	} else if (len - i > 5 && !memcmp(s + i, "type ", 5)) {
		i += 5;
		*form = SPAN_TYPE;
	} else {
		*form = SPAN_VAR;
	}
	start = i;
	while (i < len && (is_ident_char(s[i]) || (*form == SPAN_CLASS && s[i] == '.')))
		i++;
	if (i == start)
		return -1;
	if (*form == SPAN_DEF && (i >= len || s[i] != '('))
		return -1;
	if (*form == SPAN_TYPE && i != len)
		return -1;
	if (*form == SPAN_VAR && i != len && s[i] != ':')
		return -1;
	if (*form == SPAN_CLASS && i != len && s[i] != '(')
		return -1;
	*name = gs_xstrndup(s + start, i - start);
	return 0;
}

/* A heading "PREFIX `SPAN`": the span's content. */
static int heading_span(char **out, const line *l, const char *prefix)
{
	size_t plen = strlen(prefix), b, e;

	if (l->len <= plen || memcmp(l->p, prefix, plen))
		return -1;
	if (code_span(l->p + plen, l->len - plen, &b, &e) < 0)
		return -1;
	*out = gs_xstrndup(l->p + plen + b, e - b);
	return 0;
}

static int is_heading(const line *l)
{
	return l->len && l->p[0] == '#';
}

static int is_bullet(const line *l)
{
	return l->len > 2 && l->p[0] == '-' && l->p[1] == ' ';
}

/* The text of lines [first, first+n) of a block, each with its newline. */
static void block_text(gs_buf *out, const block *b, size_t first, size_t n)
{
	size_t i;

	gs_buf_clear(out);
	for (i = first; i < first + n; i++) {
		gs_buf_put(out, b->lines[i].p, b->lines[i].len);
		gs_buf_putc(out, '\n');
	}
}

/*
 * Add the bullets of a list block: each "- `SPAN`" line with its optional
 * "  docstring" line. `kind` E_MVAR means "member: variable or callable".
 */
static int parse_list(gs_contract *c, const block *b, enum entry_kind kind,
		      const char *file, const char *cls)
{
	gs_buf text = GS_BUF_INIT;
	size_t i = 0, sb, se;
	int error = 0;

	while (i < b->nr) {
		const line *l = &b->lines[i];
		size_t n = 1;
		char *name = NULL;
		enum span_form form;
		enum entry_kind k = kind;

		if (!is_bullet(l) || code_span(l->p + 2, l->len - 2, &sb, &se) < 0) {
			error = GS_EINPUT;
			break;
		}
		if (i + 1 < b->nr && b->lines[i + 1].len > 2 && b->lines[i + 1].p[0] == ' ' &&
		    b->lines[i + 1].p[1] == ' ' && b->lines[i + 1].p[2] != ' ')
			n = 2;
		if (kind == E_EXPORT) {
			name = gs_xstrndup(l->p + 2 + sb, se - sb);
			if (n != 1) {
				free(name);
				error = GS_EINPUT;
				break;
			}
		} else if (span_name(&name, &form, l->p + 2 + sb, se - sb) < 0) {
			error = GS_EINPUT;
			break;
		} else {
			int ok;

			if (kind == E_MVAR)
				k = form == SPAN_DEF ? E_MCALL : E_MVAR;
			ok = (k == E_VAR || k == E_MVAR) ? form == SPAN_VAR :
			     k == E_TYPE ? form == SPAN_TYPE : form == SPAN_DEF;
			if (!ok) {
				free(name);
				error = GS_EINPUT;
				break;
			}
		}
		block_text(&text, b, i, n);
		contract_add(c, k, file, cls, name, text.ptr, text.size);
		free(name);
		i += n;
	}
	gs_buf_release(&text);
	return error;
}

static int parse_blocks(gs_contract *c, block *blocks, size_t nr)
{
	gs_buf text = GS_BUF_INIT;
	char *file = NULL, *cls = NULL, *tmp = NULL;
	size_t i = 0;
	int error = 0;
	enum { S_TOP, S_FILE, S_CLASSES } state = S_TOP;

	/* The header: the title heading and the comment paragraph. */
	if (nr < 2 || blocks[0].nr != 1 || blocks[1].nr != 1 ||
	    blocks[0].lines[0].len < 2 || memcmp(blocks[0].lines[0].p, "# ", 2)) {
		error = GS_EINPUT;
		goto done;
	}
	gs_buf_put(&text, blocks[0].lines[0].p, blocks[0].lines[0].len);
	gs_buf_puts(&text, "\n\n");
	gs_buf_put(&text, blocks[1].lines[0].p, blocks[1].lines[0].len);
	gs_buf_putc(&text, '\n');
	contract_add(c, E_HEADER, "", "", "", text.ptr, text.size);
	i = 2;
	while (i < nr) {
		block *b = &blocks[i];
		const line *h = &b->lines[0];

		if (b->nr == 1 && h->len == 10 && !memcmp(h->p, "## Exports", 10) && state == S_TOP &&
		    i + 1 < nr) {
			if ((error = parse_list(c, &blocks[i + 1], E_EXPORT, "", "")) < 0)
				goto done;
			i += 2;
			continue;
		}
		if (b->nr == 1 && !heading_span(&tmp, h, "## ")) {
			free(file);
			file = tmp;
			tmp = NULL;
			block_text(&text, b, 0, 1);
			/* The module docstring: a paragraph right after the heading. */
			if (i + 1 < nr && blocks[i + 1].nr == 1 && !is_heading(&blocks[i + 1].lines[0]) &&
			    !is_bullet(&blocks[i + 1].lines[0])) {
				gs_buf_putc(&text, '\n');
				gs_buf_put(&text, blocks[i + 1].lines[0].p, blocks[i + 1].lines[0].len);
				gs_buf_putc(&text, '\n');
				i++;
			}
			contract_add(c, E_FILE, file, "", "", text.ptr, text.size);
			state = S_FILE;
			i++;
			continue;
		}
		if (state == S_FILE && b->nr == 1 && i + 1 < nr && is_bullet(&blocks[i + 1].lines[0])) {
			enum entry_kind k;

			if (h->len == 13 && !memcmp(h->p, "### Variables", 13))
				k = E_VAR;
			else if (h->len == 16 && !memcmp(h->p, "### Type aliases", 16))
				k = E_TYPE;
			else if (h->len == 13 && !memcmp(h->p, "### Functions", 13))
				k = E_FUNC;
			else {
				error = GS_EINPUT;
				goto done;
			}
			if ((error = parse_list(c, &blocks[i + 1], k, file, "")) < 0)
				goto done;
			i += 2;
			continue;
		}
		if (state == S_FILE && b->nr == 1 && h->len == 11 && !memcmp(h->p, "### Classes", 11)) {
			state = S_CLASSES;
			i++;
			continue;
		}
		if (state == S_CLASSES && b->nr == 1 && !heading_span(&tmp, h, "#### ")) {
			enum span_form form;

			free(cls);
			cls = NULL;
			if (span_name(&cls, &form, tmp, strlen(tmp)) < 0 || form != SPAN_CLASS) {
				error = GS_EINPUT;
				goto done;
			}
			free(tmp);
			tmp = NULL;
			block_text(&text, b, 0, 1);
			if (i + 1 < nr && blocks[i + 1].nr == 1 && !is_heading(&blocks[i + 1].lines[0]) &&
			    !is_bullet(&blocks[i + 1].lines[0])) {
				gs_buf_putc(&text, '\n');
				gs_buf_put(&text, blocks[i + 1].lines[0].p, blocks[i + 1].lines[0].len);
				gs_buf_putc(&text, '\n');
				i++;
			}
			contract_add(c, E_CLASS, file, cls, cls, text.ptr, text.size);
			i++;
			if (i < nr && is_bullet(&blocks[i].lines[0])) {
				if ((error = parse_list(c, &blocks[i], E_MVAR, file, cls)) < 0)
					goto done;
				i++;
			}
			continue;
		}
		error = GS_EINPUT;
		goto done;
	}
done:
	free(file);
	free(cls);
	free(tmp);
	gs_buf_release(&text);
	return error;
}

int gs_contract_parse(gs_contract **out, const char *data, size_t len)
{
	gs_contract *c = gs_xcalloc(1, sizeof(*c));
	line *lines = NULL;
	block *blocks = NULL;
	size_t lines_nr = 0, lines_alloc = 0, blocks_nr = 0, blocks_alloc = 0, pos = 0, i;
	gs_buf check = GS_BUF_INIT;
	int error = 0;

	*out = NULL;
	if (!len || data[len - 1] != '\n' || memchr(data, '\0', len) || memchr(data, '\r', len)) {
		error = GS_EINPUT;
		goto done;
	}
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);

		GS_ALLOC_GROW(lines, lines_nr + 1, lines_alloc);
		lines[lines_nr].p = data + pos;
		lines[lines_nr].len = (size_t)(nl - data) - pos;
		lines_nr++;
		pos = (size_t)(nl - data) + 1;
	}
	/* Blocks: runs of non-empty lines. */
	for (i = 0; i < lines_nr; i++) {
		if (!lines[i].len)
			continue;
		if (i == 0 || !lines[i - 1].len) {
			GS_ALLOC_GROW(blocks, blocks_nr + 1, blocks_alloc);
			blocks[blocks_nr].lines = &lines[i];
			blocks[blocks_nr].nr = 0;
			blocks_nr++;
		}
		blocks[blocks_nr - 1].nr++;
	}
	if ((error = parse_blocks(c, blocks, blocks_nr)) < 0)
		goto done;
	contract_number(c);
	/* The merge sorts its result: only contracts in contract order are understood. */
	for (i = 1; i < c->nr; i++)
		if (entry_cmp(&c->v[i - 1], &c->v[i]) >= 0) {
			error = GS_EINPUT;
			goto done;
		}
	/* Only what renders back to the very same bytes is understood. */
	gs_contract_render(&check, c);
	if (check.size != len || memcmp(check.ptr, data, len))
		error = GS_EINPUT;
done:
	if (error < 0) {
		gs_contract_free(c);
		gs_error_set(GS_EINPUT, "not a contract as git-spec renders it");
	} else {
		*out = c;
	}
	free(lines);
	free(blocks);
	gs_buf_release(&check);
	return error;
}

/* ---- rendering ---------------------------------------------------------- */

static void render_sorted(gs_buf *out, entry **v, size_t nr)
{
	static const char *const section_titles[] = { NULL, "Variables", "Type aliases", "Functions" };
	size_t i = 0;

	/* Header, then exports. */
	while (i < nr && v[i]->kind == E_HEADER)
		gs_buf_puts(out, v[i++]->text);
	if (i < nr && v[i]->kind == E_EXPORT) {
		gs_buf_puts(out, "\n## Exports\n\n");
		while (i < nr && v[i]->kind == E_EXPORT)
			gs_buf_puts(out, v[i++]->text);
	}
	while (i < nr) {
		const char *file = v[i]->file;
		const char *cls = NULL;
		int section = -1, in_list = 0;

		/* A file section; the E_FILE entry holds its heading. */
		if (v[i]->kind == E_FILE) {
			gs_buf_putc(out, '\n');
			gs_buf_puts(out, v[i++]->text);
		}
		for (; i < nr && !strcmp(v[i]->file, file) && v[i]->kind != E_FILE; i++) {
			entry *e = v[i];
			int rank = section_rank(e->kind);

			if (rank != section) {
				section = rank;
				if (rank < 4)
					gs_buf_printf(out, "\n### %s\n\n", section_titles[rank]);
				else
					gs_buf_puts(out, "\n### Classes\n");
				in_list = 0;
			}
			if (rank < 4) {
				gs_buf_puts(out, e->text);
				continue;
			}
			if (e->kind == E_CLASS) {
				gs_buf_putc(out, '\n');
				gs_buf_puts(out, e->text);
				cls = e->cls;
				in_list = 0;
				continue;
			}
			if (!cls || strcmp(cls, e->cls)) {
				/* A member whose class heading is gone: keep it visible. */
				gs_buf_printf(out, "\n#### `class %s`\n", e->cls);
				cls = e->cls;
				in_list = 0;
			}
			if (!in_list) {
				gs_buf_putc(out, '\n');
				in_list = 1;
			}
			gs_buf_puts(out, e->text);
		}
	}
}

void gs_contract_render(gs_buf *out, const gs_contract *c)
{
	entry **v = gs_xmalloc(gs_st_mult(c->nr + 1, sizeof(*v)));
	size_t i;

	for (i = 0; i < c->nr; i++)
		v[i] = &c->v[i];
	/*
	 * Rendered in stored order: the parser keeps source order and the merge
	 * stores its result sorted, so both render in contract order.
	 */
	gs_buf_clear(out);
	render_sorted(out, v, c->nr);
	free(v);
}

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
	GS_QSORT(all, all_nr, entry_qsort_cmp);
	for (i = 0; i < all_nr; i = j) {
		entry *side[3] = { NULL, NULL, NULL }, *pick;

		for (j = i; j < all_nr && !entry_cmp(&all[i], &all[j]); j++)
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
			if (e->kind == E_CLASS || section_rank(e->kind) < 4)
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
						section_rank(e->kind) < 4 || e->kind == E_CLASS ?
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
	render_sorted(out, merged, merged_nr);
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

/* ---- re-derivation ------------------------------------------------------ */

static int path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !n || (!strncmp(path, dir, n) && path[n] == '/');
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/*
 * Resolve every conflict of `idx` to our side (their side when ours is
 * absent), recording the conflicting paths: only paths that matter to the
 * package are judged later, the rest merely needs some content so that
 * the merged tree can be written.
 */
static int resolve_to_ours(gs_strvec *paths, git_index *idx)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *our, *their;
	git_index_entry *keep = NULL;
	size_t keep_nr = 0, keep_alloc = 0, i;
	int error = 0, r;

	if (git_index_conflict_iterator_new(&it, idx) < 0) {
		error = gs_error_set_git("cannot list the merge conflicts");
		goto done;
	}
	while ((r = git_index_conflict_next(&anc, &our, &their, it)) == 0) {
		const git_index_entry *e = our ? our : their;
		const char *p = anc ? anc->path : e ? e->path : NULL;

		if (!p)
			continue;
		gs_strvec_push(paths, p);
		if (e) {
			GS_ALLOC_GROW(keep, keep_nr + 1, keep_alloc);
			keep[keep_nr] = *e;
			keep[keep_nr].path = gs_xstrdup(e->path);
			keep_nr++;
		}
	}
	if (r != GIT_ITEROVER) {
		error = gs_error_set_git("cannot list the merge conflicts");
		goto done;
	}
	git_index_conflict_iterator_free(it);
	it = NULL;
	for (i = 0; i < paths->nr; i++)
		git_index_conflict_remove(idx, paths->v[i]);
	for (i = 0; i < keep_nr; i++) {
		keep[i].flags &= ~GIT_INDEX_ENTRY_STAGEMASK;
		if (git_index_add(idx, &keep[i]) < 0) {
			error = gs_error_set_git("cannot record a merge result");
			goto done;
		}
	}
done:
	git_index_conflict_iterator_free(it);
	for (i = 0; i < keep_nr; i++)
		free((char *)keep[i].path);
	free(keep);
	return error;
}

/*
 * Derive the contract at `path` from the merged tree `tree`, given the
 * paths that conflicted while merging it (resolved to some content).
 */
static int rederive_tree(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			 const git_tree *tree, const gs_strvec *conflicted, const char *path)
{
	gs_strvec packages = GS_STRVEC_INIT;
	gs_config cfg;
	gs_source *src = NULL;
	gs_registry *reg = NULL;
	gs_package_list pkgs = GS_PACKAGE_LIST_INIT;
	gs_cache *cache = NULL;
	gs_engine *eng = NULL;
	gs_plan plan = GS_PLAN_INIT;
	gs_registry_entry found;
	const gs_spec_variant *variant = NULL;
	size_t i;
	int error = 0;

	gs_config_init(&cfg);
	if ((error = gs_source_open_git_tree(&src, repo, tree)) < 0 ||
	    (error = gs_config_load(&cfg, repo, src)) < 0)
		goto done;
	/* The cache is an optimisation only. */
	if (gs_cache_open(&cache, repo) < 0)
		gs_error_clear();
	if ((error = gs_registry_load(&reg, src, &cfg, cache)) < 0)
		goto done;
	if ((error = gs_registry_find_contract(&found, &variant, reg, path)) < 0) {
		error = gs_error_set(GS_ENOTFOUND, "'%s' is not a contract of the merged specs", path);
		goto done;
	}
	for (i = 0; i < conflicted->nr; i++) {
		const char *p = conflicted->v[i];

		if ((path_is_under(p, found.source->identifier) && ends_with(p, ".py")) ||
		    !strcmp(p, found.spec->path) || !strcmp(p, GS_CONFIG_FILE))
			gs_strvec_push(conflicts, p);
	}
	if (conflicts->nr) {
		error = gs_error_set(GS_ECHECK, "sources of '%s' conflict", found.source->identifier);
		goto done;
	}
	if ((error = gs_packages_scan(&pkgs, src, &cfg)) < 0 ||
	    (error = gs_engine_new(&eng, &cfg, cache)) < 0)
		goto done;
	gs_strvec_push(&packages, found.source->identifier);
	if ((error = gs_plan_build(&plan, eng, src, reg, &pkgs, &packages)) < 0)
		goto done;
	for (i = 0; i < plan.nr; i++) {
		const gs_plan_item *it = &plan.items[i];

		if (strcmp(it->path, path))
			continue;
		if (it->error) {
			gs_strvec_pushf(conflicts, "%s (in the merged sources)", it->error);
			error = gs_error_set(GS_ECHECK, "%s", it->error);
			goto done;
		}
		gs_buf_set(out, it->content.ptr, it->content.size);
		goto done;
	}
	error = gs_error_set(GS_ENOTFOUND, "no contract '%s' derived from the merged sources", path);
done:
	gs_plan_clear(&plan);
	gs_engine_free(eng);
	gs_package_list_clear(&pkgs);
	gs_registry_free(reg);
	gs_cache_free(cache);
	gs_source_free(src);
	gs_config_release(&cfg);
	gs_strvec_clear(&packages);
	return error;
}

/* Derive from a whole-repository merge result (an index with conflicts). */
static int rederive_index(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			  git_index *idx, const char *path)
{
	gs_strvec conflicted = GS_STRVEC_INIT;
	git_oid tree_oid;
	git_tree *tree = NULL;
	int error;

	if ((error = resolve_to_ours(&conflicted, idx)) < 0)
		goto done;
	if (git_index_write_tree_to(&tree_oid, idx, repo) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_oid) < 0) {
		error = gs_error_set_git("cannot write the merged tree");
		goto done;
	}
	error = rederive_tree(out, conflicts, repo, tree, &conflicted, path);
done:
	git_tree_free(tree);
	gs_strvec_clear(&conflicted);
	return error;
}

/* The id and mode of `path` in `tree` (NULL: absent); 0 found, 1 absent. */
static int entry_at(git_oid *oid, uint32_t *mode, const git_tree *tree, const char *path)
{
	git_tree_entry *te = NULL;

	if (!tree || git_tree_entry_bypath(&te, tree, path) < 0) {
		gs_error_clear();
		return 1;
	}
	git_oid_cpy(oid, git_tree_entry_id(te));
	*mode = (uint32_t)git_tree_entry_filemode(te);
	git_tree_entry_free(te);
	return 0;
}

/*
 * A copy of `tree` (NULL: empty) with `path` set to (oid, mode), or removed
 * when oid is NULL. Written bottom-up with tree builders.
 */
static int tree_replace(git_oid *out, git_repository *repo, const git_tree *tree,
			const char *path, const git_oid *oid, uint32_t mode)
{
	git_treebuilder *tb = NULL;
	git_tree *sub = NULL;
	const git_tree_entry *te;
	const char *slash = strchr(path, '/');
	char *name = slash ? gs_xstrndup(path, (size_t)(slash - path)) : gs_xstrdup(path);
	git_oid sub_oid;
	int error = 0;

	if (git_treebuilder_new(&tb, repo, tree) < 0) {
		error = gs_error_set_git("cannot build the merged tree");
		goto done;
	}
	if (slash) {
		te = tree ? git_tree_entry_byname(tree, name) : NULL;
		if (te && git_tree_entry_type(te) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0) {
			error = gs_error_set_git("cannot read a tree");
			goto done;
		}
		if ((error = tree_replace(&sub_oid, repo, sub, slash + 1, oid, mode)) < 0)
			goto done;
		oid = &sub_oid;
		mode = GIT_FILEMODE_TREE;
	}
	if (oid) {
		if (git_treebuilder_insert(NULL, tb, name, oid, (git_filemode_t)mode) < 0) {
			error = gs_error_set_git("cannot build the merged tree");
			goto done;
		}
	} else if (git_treebuilder_get(tb, name) && git_treebuilder_remove(tb, name) < 0) {
		error = gs_error_set_git("cannot build the merged tree");
		goto done;
	}
	if (git_treebuilder_write(out, tb) < 0)
		error = gs_error_set_git("cannot write the merged tree");
done:
	free(name);
	git_tree_free(sub);
	git_treebuilder_free(tb);
	return error;
}

/* Apply (oid or removal) at `path` to the tree *cur, replacing it. */
static int tree_set(git_tree **cur, git_repository *repo, const char *path,
		    const git_oid *oid, uint32_t mode)
{
	git_oid new_oid;
	git_tree *t = NULL;
	int error;

	if ((error = tree_replace(&new_oid, repo, *cur, path, oid, mode)) < 0)
		return error;
	if (git_tree_lookup(&t, repo, &new_oid) < 0)
		return gs_error_set_git("cannot read the merged tree");
	git_tree_free(*cur);
	*cur = t;
	return 0;
}

#define GS_ESCOPE 1 /* the scoped merge cannot decide: merge everything */

/*
 * Three-way pick of one path: the side that changed it, or GS_ESCOPE when
 * both did (differently). Applies the pick to *merged (a copy of ours).
 */
static int merge_one_path(git_tree **merged, git_repository *repo, const char *path,
			  const git_tree *base, const git_tree *ours, const git_tree *theirs)
{
	git_oid ob, oo, ot;
	uint32_t mb = 0, mo = 0, mt = 0;
	int hb = !entry_at(&ob, &mb, base, path);
	int ho = !entry_at(&oo, &mo, ours, path);
	int ht = !entry_at(&ot, &mt, theirs, path);
	int same_ot = ho == ht && (!ho || (git_oid_equal(&oo, &ot) && mo == mt));
	int same_bo = hb == ho && (!hb || (git_oid_equal(&ob, &oo) && mb == mo));
	int same_bt = hb == ht && (!hb || (git_oid_equal(&ob, &ot) && mb == mt));

	if (same_ot || same_bt)
		return 0;
	if (same_bo)
		return tree_set(merged, repo, path, ht ? &ot : NULL, mt);
	return GS_ESCOPE;
}

/* One non-tree entry of a subtree, with its path relative to the subtree. */
typedef struct flat_entry {
	char *path;
	git_oid oid;
	uint32_t mode;
} flat_entry;

typedef struct flat_tree {
	flat_entry *v;
	size_t nr, alloc;
} flat_tree;

static int flat_cb(const char *root, const git_tree_entry *te, void *payload)
{
	flat_tree *ft = payload;
	flat_entry *e;
	const char *name = git_tree_entry_name(te);

	if (git_tree_entry_type(te) == GIT_OBJECT_TREE)
		return 0;
	GS_ALLOC_GROW(ft->v, ft->nr + 1, ft->alloc);
	e = &ft->v[ft->nr++];
	e->path = gs_xmalloc(strlen(root) + strlen(name) + 1);
	memcpy(e->path, root, strlen(root));
	memcpy(e->path + strlen(root), name, strlen(name) + 1);
	git_oid_cpy(&e->oid, git_tree_entry_id(te));
	e->mode = (uint32_t)git_tree_entry_filemode(te);
	return 0;
}

static int flat_cmp(const void *a, const void *b)
{
	return strcmp(((const flat_entry *)a)->path, ((const flat_entry *)b)->path);
}

static int flatten(flat_tree *out, const git_tree *tree)
{
	if (tree && git_tree_walk(tree, GIT_TREEWALK_PRE, flat_cb, out) < 0)
		return gs_error_set_git("cannot read a tree");
	if (out->nr)
		qsort(out->v, out->nr, sizeof(*out->v), flat_cmp);
	return 0;
}

static void flat_clear(flat_tree *ft)
{
	size_t i;

	for (i = 0; i < ft->nr; i++)
		free(ft->v[i].path);
	free(ft->v);
	memset(ft, 0, sizeof(*ft));
}

static int blob_content(git_blob **out, git_repository *repo, const flat_entry *e,
			git_merge_file_input *in)
{
	if (!e)
		return 0;
	if (git_blob_lookup(out, repo, &e->oid) < 0)
		return gs_error_set_git("cannot read a source");
	in->ptr = git_blob_rawcontent(*out);
	in->size = (size_t)git_blob_rawsize(*out);
	in->path = e->path;
	in->mode = e->mode;
	return 0;
}

/*
 * Three-way merge of two versions of a package directory, file by file
 * (git_merge_file, as git's ort does for each path; no attributes, no
 * rename detection inside one package). The merged tree goes to `out`;
 * paths (relative) that conflict go to `conflicted`, resolved to ours.
 */
static int merge_dir(git_oid *out, gs_strvec *conflicted, git_repository *repo,
		     const git_tree *base, const git_tree *ours, const git_tree *theirs)
{
	flat_tree fb = { NULL, 0, 0 }, fo = { NULL, 0, 0 }, ft = { NULL, 0, 0 };
	git_index *idx = NULL;
	size_t ib = 0, io = 0, it = 0;
	int error;

	if ((error = flatten(&fb, base)) < 0 || (error = flatten(&fo, ours)) < 0 ||
	    (error = flatten(&ft, theirs)) < 0)
		goto done;
	if (git_index_new(&idx) < 0) {
		error = gs_error_set_git("cannot merge the package");
		goto done;
	}
	while (io < fo.nr || it < ft.nr || ib < fb.nr) {
		const char *p = NULL;
		const flat_entry *b = NULL, *o = NULL, *t = NULL, *pick;
		flat_entry merged;
		git_index_entry ie;

		/* The smallest path among the three cursors. */
		if (ib < fb.nr)
			p = fb.v[ib].path;
		if (io < fo.nr && (!p || strcmp(fo.v[io].path, p) < 0))
			p = fo.v[io].path;
		if (it < ft.nr && (!p || strcmp(ft.v[it].path, p) < 0))
			p = ft.v[it].path;
		if (ib < fb.nr && !strcmp(fb.v[ib].path, p))
			b = &fb.v[ib++];
		if (io < fo.nr && !strcmp(fo.v[io].path, p))
			o = &fo.v[io++];
		if (it < ft.nr && !strcmp(ft.v[it].path, p))
			t = &ft.v[it++];
#define SAME(x, y) ((!(x) && !(y)) || ((x) && (y) && git_oid_equal(&(x)->oid, &(y)->oid) && (x)->mode == (y)->mode))
		if (SAME(o, t) || SAME(b, t))
			pick = o;
		else if (SAME(b, o))
			pick = t;
		else if (o && t && GS_MODE_IS_REGULAR(o->mode) && GS_MODE_IS_REGULAR(t->mode) &&
			 (!b || GS_MODE_IS_REGULAR(b->mode))) {
			git_blob *bb = NULL, *bo = NULL, *bt = NULL;
			git_merge_file_input in_b, in_o, in_t;
			git_merge_file_result res;

			memset(&res, 0, sizeof(res));
			git_merge_file_input_init(&in_b, GIT_MERGE_FILE_INPUT_VERSION);
			git_merge_file_input_init(&in_o, GIT_MERGE_FILE_INPUT_VERSION);
			git_merge_file_input_init(&in_t, GIT_MERGE_FILE_INPUT_VERSION);
			if ((error = blob_content(&bb, repo, b, &in_b)) < 0 ||
			    (error = blob_content(&bo, repo, o, &in_o)) < 0 ||
			    (error = blob_content(&bt, repo, t, &in_t)) < 0 ||
			    git_merge_file(&res, b ? &in_b : NULL, &in_o, &in_t, NULL) < 0) {
				git_blob_free(bb);
				git_blob_free(bo);
				git_blob_free(bt);
				git_merge_file_result_free(&res);
				if (!error)
					error = gs_error_set_git("cannot merge a source");
				goto done;
			}
			pick = o;
			if (res.automergeable) {
				merged.path = o->path;
				merged.mode = b && o->mode == b->mode ? t->mode : o->mode;
				if (git_blob_create_from_buffer(&merged.oid, repo, res.ptr, res.len) < 0)
					error = gs_error_set_git("cannot write a merged source");
				pick = &merged;
			} else {
				gs_strvec_push(conflicted, p);
			}
			git_blob_free(bb);
			git_blob_free(bo);
			git_blob_free(bt);
			git_merge_file_result_free(&res);
			if (error < 0)
				goto done;
		} else {
			/* Deleted on one side and changed on the other, or not a file. */
			gs_strvec_push(conflicted, p);
			pick = o ? o : t;
		}
#undef SAME
		if (!pick)
			continue;
		memset(&ie, 0, sizeof(ie));
		ie.path = pick->path;
		ie.mode = pick->mode;
		git_oid_cpy(&ie.id, &pick->oid);
		if (git_index_add(idx, &ie) < 0) {
			error = gs_error_set_git("cannot record a merged source");
			goto done;
		}
	}
	if (git_index_write_tree_to(out, idx, repo) < 0)
		error = gs_error_set_git("cannot write the merged package");
done:
	git_index_free(idx);
	flat_clear(&fb);
	flat_clear(&fo);
	flat_clear(&ft);
	return error;
}

/*
 * A tree holding only `paths` (blobs or whole subtrees) of `full`: what the
 * derivation of one package reads, without the cost of the whole tree.
 */
static int projection(git_tree **out, git_repository *repo, const git_tree *full,
		      const gs_strvec *paths)
{
	git_treebuilder *tb = NULL;
	git_oid oid;
	uint32_t mode;
	size_t i;
	int error = 0;

	*out = NULL;
	for (i = 0; i < paths->nr; i++) {
		if (entry_at(&oid, &mode, full, paths->v[i]))
			continue;
		if ((error = tree_set(out, repo, paths->v[i], &oid, mode)) < 0)
			goto done;
	}
	if (!*out) {
		/* Nothing at all: the empty tree. */
		if (git_treebuilder_new(&tb, repo, NULL) < 0 || git_treebuilder_write(&oid, tb) < 0 ||
		    git_tree_lookup(out, repo, &oid) < 0)
			error = gs_error_set_git("cannot write an empty tree");
	}
done:
	git_treebuilder_free(tb);
	return error;
}

/*
 * Re-derive by merging only what the contract depends on: the package's
 * directory, its spec and .gitspec.yaml. Everything else is taken from
 * ours, which does not change the derivation. Returns GS_ESCOPE when the
 * spec or the configuration changed on both sides, or the package cannot
 * be found in ours (the caller then merges the whole trees).
 */
static int rederive_scoped(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			   const git_tree *base, const git_tree *ours, const git_tree *theirs,
			   const char *path)
{
	gs_strvec conflicted = GS_STRVEC_INIT, want = GS_STRVEC_INIT;
	gs_config cfg;
	gs_source *src = NULL;
	gs_registry *reg = NULL;
	gs_cache *cache = NULL;
	gs_registry_entry found;
	const gs_spec_variant *variant;
	git_tree *proj = NULL, *sb = NULL, *so = NULL, *st = NULL;
	char *pkg = NULL;
	const char *slash;
	git_oid oid;
	uint32_t mode;
	size_t i;
	int error;

	gs_config_init(&cfg);
	/* The configuration, then the specs: found in ours without reading the rest. */
	gs_strvec_push(&want, GS_CONFIG_FILE);
	if ((error = projection(&proj, repo, ours, &want)) < 0 ||
	    (error = gs_source_open_git_tree(&src, repo, proj)) < 0 ||
	    (error = gs_config_load(&cfg, repo, src)) < 0)
		goto done;
	gs_strvec_push(&want, cfg.specs_dir);
	git_tree_free(proj);
	proj = NULL;
	gs_source_free(src);
	src = NULL;
	if (gs_cache_open(&cache, repo) < 0)
		gs_error_clear();
	if ((error = projection(&proj, repo, ours, &want)) < 0 ||
	    (error = gs_source_open_git_tree(&src, repo, proj)) < 0 ||
	    (error = gs_registry_load(&reg, src, &cfg, cache)) < 0)
		goto done;
	if (gs_registry_find_contract(&found, &variant, reg, path) < 0) {
		gs_error_clear();
		error = GS_ESCOPE;
		goto done;
	}
	pkg = gs_xstrdup(found.source->identifier);
	/*
	 * What the derivation reads: the configuration, the spec, the package
	 * directory, and the __init__.py of every directory above it (module
	 * names follow the chain of packages).
	 */
	gs_strvec_clear(&want);
	gs_strvec_push(&want, GS_CONFIG_FILE);
	gs_strvec_push(&want, found.spec->path);
	for (slash = strchr(pkg, '/'); slash; slash = strchr(slash + 1, '/'))
		gs_strvec_pushf(&want, "%.*s/__init__.py", (int)(slash - pkg), pkg);
	git_tree_free(proj);
	proj = NULL;
	if ((error = projection(&proj, repo, ours, &want)) < 0)
		goto done;
	/* The spec and the configuration: whichever side changed them. */
	if ((error = merge_one_path(&proj, repo, found.spec->path, base, ours, theirs)) != 0 ||
	    (error = merge_one_path(&proj, repo, GS_CONFIG_FILE, base, ours, theirs)) != 0)
		goto done;
	/* The package directory: three-way, file by file. */
	if (!entry_at(&oid, &mode, base, pkg) && mode == GIT_FILEMODE_TREE &&
	    git_tree_lookup(&sb, repo, &oid) < 0)
		goto git_error;
	if (!entry_at(&oid, &mode, ours, pkg) && mode == GIT_FILEMODE_TREE &&
	    git_tree_lookup(&so, repo, &oid) < 0)
		goto git_error;
	if (!entry_at(&oid, &mode, theirs, pkg) && mode == GIT_FILEMODE_TREE &&
	    git_tree_lookup(&st, repo, &oid) < 0)
		goto git_error;
	if (!so || !st) {
		/* Removed on one side: let the whole merge (and its conflicts) decide. */
		error = GS_ESCOPE;
		goto done;
	}
	if ((error = merge_dir(&oid, &conflicted, repo, sb, so, st)) < 0)
		goto done;
	/* The merge saw paths relative to the package: make them repository paths. */
	for (i = 0; i < conflicted.nr; i++) {
		char *rel = conflicted.v[i];
		size_t plen = strlen(pkg), rlen = strlen(rel);

		conflicted.v[i] = gs_xmalloc(plen + rlen + 2);
		memcpy(conflicted.v[i], pkg, plen);
		conflicted.v[i][plen] = '/';
		memcpy(conflicted.v[i] + plen + 1, rel, rlen + 1);
		free(rel);
	}
	if ((error = tree_set(&proj, repo, pkg, &oid, GIT_FILEMODE_TREE)) < 0)
		goto done;
	error = rederive_tree(out, conflicts, repo, proj, &conflicted, path);
	goto done;
git_error:
	error = gs_error_set_git("cannot merge the package's sources");
done:
	git_tree_free(proj);
	git_tree_free(sb);
	git_tree_free(so);
	git_tree_free(st);
	free(pkg);
	gs_registry_free(reg);
	gs_cache_free(cache);
	gs_source_free(src);
	gs_config_release(&cfg);
	gs_strvec_clear(&conflicted);
	gs_strvec_clear(&want);
	return error;
}

static int rederive_trees(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			  const git_tree *base, const git_tree *ours, const git_tree *theirs,
			  const char *path)
{
	git_merge_options opts;
	git_index *idx = NULL;
	int error;

	error = rederive_scoped(out, conflicts, repo, base, ours, theirs, path);
	if (error != GS_ESCOPE)
		return error;
	gs_strvec_clear(conflicts);
	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	if (git_merge_trees(&idx, repo, base, ours, theirs, &opts) < 0) {
		error = gs_error_set_git("cannot merge the sources");
		goto done;
	}
	error = rederive_index(out, conflicts, repo, idx, path);
done:
	git_index_free(idx);
	return error;
}

int gs_merge_rederive(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
		      const git_commit *ours, const git_commit *theirs,
		      const git_commit *base, const char *path)
{
	git_merge_options opts;
	git_tree *tb = NULL, *to = NULL, *tt = NULL;
	git_commit *mb = NULL;
	git_oidarray bases = { NULL, 0 };
	git_index *idx = NULL;
	int error = 0;

	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	if (git_commit_tree(&to, ours) < 0 || git_commit_tree(&tt, theirs) < 0) {
		error = gs_error_set_git("cannot read the trees of the merge");
		goto done;
	}
	if (!base) {
		if (git_merge_bases(&bases, repo, git_commit_id(ours), git_commit_id(theirs)) < 0) {
			error = gs_error_set_git("cannot find the merge base");
			goto done;
		}
		if (bases.count != 1) {
			/* Several merge bases are merged into a virtual one, as git does. */
			gs_error_clear();
			if (git_merge_commits(&idx, repo, ours, theirs, &opts) < 0) {
				error = gs_error_set_git("cannot merge the sources");
				goto done;
			}
			error = rederive_index(out, conflicts, repo, idx, path);
			goto done;
		}
		if (git_commit_lookup(&mb, repo, &bases.ids[0]) < 0) {
			error = gs_error_set_git("cannot read the merge base");
			goto done;
		}
		base = mb;
	}
	if (git_commit_tree(&tb, base) < 0) {
		error = gs_error_set_git("cannot read the trees of the merge");
		goto done;
	}
	error = rederive_trees(out, conflicts, repo, tb, to, tt, path);
done:
	git_oidarray_dispose(&bases);
	git_index_free(idx);
	git_commit_free(mb);
	git_tree_free(tb);
	git_tree_free(to);
	git_tree_free(tt);
	return error;
}

/* ---- the driver --------------------------------------------------------- */

void gs_merge_result_init(gs_merge_result *res)
{
	res->how = GS_MERGE_FAILED;
	res->conflict = 0;
	gs_strvec_init(&res->messages);
}

void gs_merge_result_clear(gs_merge_result *res)
{
	gs_strvec_clear(&res->messages);
}

static int read_input(gs_buf *out, const char *path)
{
	FILE *fp;
	char chunk[8192];
	size_t n;
	int error = 0;

	gs_buf_clear(out);
	if (!path || !(fp = fopen(path, "rb")))
		return gs_error_set(GS_ENOTFOUND, "cannot read '%s': %s", path ? path : "(none)",
				    path ? strerror(errno) : "not given");
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		gs_buf_put(out, chunk, n);
	if (ferror(fp))
		error = gs_error_set(GS_ERROR, "cannot read '%s'", path);
	fclose(fp);
	return error;
}

/* Replace `path` atomically, keeping its mode: git must never read a half-written %A. */
static int write_result(const char *path, const char *data, size_t len)
{
	struct stat st;

	return gs_replace_file(path, data, len, stat(path, &st) ? 0644 : st.st_mode & 0777);
}

/* Whether the blob at `path` in `commit` has exactly `data` as content. */
static int commit_has_blob(git_repository *repo, const git_commit *commit, const char *path,
			   const gs_buf *data)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_oid oid;
	int same = 0;

	if (git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&te, tree, path) < 0 ||
	    git_odb_hash(&oid, data->ptr, data->size, GIT_OBJECT_BLOB) < 0)
		goto done;
	same = git_tree_entry_type(te) == GIT_OBJECT_BLOB && git_oid_equal(&oid, git_tree_entry_id(te));
done:
	git_tree_entry_free(te);
	git_tree_free(tree);
	return same;
}

/* The command line of process `pid` as NUL-separated words; its parent's pid. */
static int read_proc(gs_strvec *argv, long *ppid, long pid)
{
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT;
	const char *p, *end, *close_paren;
	int error = -1;

	gs_strvec_clear(argv);
	*ppid = 0;
	gs_buf_printf(&path, "/proc/%ld/cmdline", pid);
	if (read_input(&data, path.ptr) < 0)
		goto done;
	for (p = data.ptr, end = data.ptr + data.size; p < end; p += strlen(p) + 1)
		gs_strvec_push(argv, p);
	gs_buf_clear(&path);
	gs_buf_printf(&path, "/proc/%ld/stat", pid);
	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
	if (read_input(&data, path.ptr) < 0 || !(close_paren = strrchr(data.ptr, ')')) ||
	    sscanf(close_paren + 1, " %*c %ld", ppid) != 1)
		goto done;
	error = 0;
done:
	gs_error_clear();
	gs_buf_release(&path);
	gs_buf_release(&data);
	return error;
}

/*
 * The subcommand of a git command line ("cherry-pick", "revert"), with
 * *args at its first argument; NULL when it is not git.
 */
static const char *git_subcommand(size_t *args, const gs_strvec *argv)
{
	const char *base;
	size_t i = 1;

	if (!argv->nr)
		return NULL;
	base = strrchr(argv->v[0], '/');
	base = base ? base + 1 : argv->v[0];
	if (!strcmp(base, "git-cherry-pick") || !strcmp(base, "git-revert")) {
		*args = 1;
		return base + 4;
	}
	if (strcmp(base, "git"))
		return NULL;
	/* Global options; -c and -C take a separate value. */
	while (i < argv->nr && argv->v[i][0] == '-') {
		if (!strcmp(argv->v[i], "-c") || !strcmp(argv->v[i], "-C"))
			i++;
		i++;
	}
	if (i >= argv->nr)
		return NULL;
	*args = i + 1;
	return argv->v[i];
}

/*
 * Try the commit `c` of `git cherry-pick` (`revert` when `revert`): its
 * base and theirs must hold exactly %O and %B at `path`.
 */
static int try_pick(git_commit **theirs, git_commit **base, git_repository *repo,
		    git_commit *c, int revert, unsigned int mainline, const char *path,
		    const gs_buf *o, const gs_buf *b)
{
	git_commit *parent = NULL;
	git_commit *t, *bs;

	if (git_commit_parentcount(c) < mainline || git_commit_parent(&parent, c, mainline - 1) < 0) {
		gs_error_clear();
		return 0;
	}
	t = revert ? parent : c;
	bs = revert ? c : parent;
	if (!commit_has_blob(repo, t, path, b) || !commit_has_blob(repo, bs, path, o)) {
		git_commit_free(parent);
		return 0;
	}
	if (git_commit_dup(theirs, t) < 0 || git_commit_dup(base, bs) < 0) {
		git_commit_free(*theirs);
		*theirs = NULL;
		git_commit_free(parent);
		gs_error_clear();
		return 0;
	}
	git_commit_free(parent);
	return 1;
}

/*
 * git cherry-pick and git revert export nothing that names the commit
 * being applied while the driver runs (CHERRY_PICK_HEAD is written after
 * the merge). Their command line does: walk up from the driver to the git
 * process, resolve the revisions it was given, and accept a commit only
 * when base and theirs hold exactly %O and %B (ours was checked against
 * HEAD). Anything unexpected: not identified, and the structural merge
 * takes over. Linux only (/proc).
 */
static int identify_command(git_commit **theirs, git_commit **base, git_repository *repo,
			    const char *path, const gs_buf *o, const gs_buf *b)
{
	gs_strvec argv = GS_STRVEC_INIT;
	git_revwalk *walk = NULL;
	git_object *obj = NULL;
	long pid = (long)getppid(), ppid;
	const char *cmd = NULL;
	size_t args = 0, i, tries = 0;
	unsigned int mainline = 1;
	int depth, revert, found = 0;

	for (depth = 0; depth < 6 && pid > 1; depth++, pid = ppid) {
		if (read_proc(&argv, &ppid, pid) < 0)
			goto done;
		if ((cmd = git_subcommand(&args, &argv)) &&
		    (!strcmp(cmd, "cherry-pick") || !strcmp(cmd, "revert")))
			break;
		cmd = NULL;
	}
	if (!cmd)
		goto done;
	revert = !strcmp(cmd, "revert");
	for (i = args; i < argv.nr; i++) {
		const char *w = argv.v[i];

		/*
		 * --no-commit merges into the index, which may differ from HEAD:
		 * ours would not be HEAD's tree.
		 */
		if (!strcmp(w, "--continue") || !strcmp(w, "--skip") || !strcmp(w, "--stdin") ||
		    !strcmp(w, "-n") || !strcmp(w, "--no-commit"))
			goto done;
		if (!strcmp(w, "-m") || !strcmp(w, "--mainline")) {
			if (i + 1 < argv.nr)
				mainline = (unsigned int)strtoul(argv.v[++i], NULL, 10);
		} else if (!strncmp(w, "--mainline=", 11)) {
			mainline = (unsigned int)strtoul(w + 11, NULL, 10);
		} else if (!strncmp(w, "-m", 2) && w[2]) {
			mainline = (unsigned int)strtoul(w + 2, NULL, 10);
		}
	}
	if (!mainline)
		goto done;
	for (i = args; i < argv.nr && !found; i++) {
		const char *w = argv.v[i];

		if (w[0] == '-') {
			/* Options taking a separate value. */
			if (!strcmp(w, "-m") || !strcmp(w, "--mainline") || !strcmp(w, "-X") ||
			    !strcmp(w, "--strategy-option") || !strcmp(w, "--strategy") ||
			    !strcmp(w, "--cleanup") || !strcmp(w, "-S") || !strcmp(w, "--gpg-sign"))
				i++;
			continue;
		}
		if (w[0] == '^')
			continue;
		if (strstr(w, "..")) {
			git_oid oid;

			if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push_range(walk, w) < 0) {
				git_revwalk_free(walk);
				walk = NULL;
				continue;
			}
			while (!found && tries < 256 && !git_revwalk_next(&oid, walk)) {
				git_commit *c = NULL;

				tries++;
				if (git_commit_lookup(&c, repo, &oid) < 0)
					break;
				found = try_pick(theirs, base, repo, c, revert, mainline, path, o, b);
				git_commit_free(c);
			}
			git_revwalk_free(walk);
			walk = NULL;
			continue;
		}
		if (git_revparse_single(&obj, repo, w) == 0) {
			git_object *peeled = NULL;

			if (!git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT))
				found = try_pick(theirs, base, repo, (git_commit *)peeled, revert,
						 mainline, path, o, b);
			git_object_free(peeled);
		}
		git_object_free(obj);
		obj = NULL;
	}
done:
	git_revwalk_free(walk);
	git_object_free(obj);
	gs_strvec_clear(&argv);
	gs_error_clear();
	return found;
}

extern char **environ;

/*
 * The commits of the merge in progress, trusted only when their blobs at
 * %P are exactly %A (ours) and %B (theirs). *base stays NULL for a merge
 * (merge bases computed later), is the pick's first parent for a rebase.
 * Returns 1 when identified (and *root_pick for a parentless pick).
 */
static int identify(git_commit **ours, git_commit **theirs, git_commit **base, int *root_pick,
		    git_repository *repo, const char *path, const gs_buf *o, const gs_buf *a,
		    const gs_buf *b)
{
	git_reference *head = NULL;
	git_object *obj = NULL;
	gs_buf done_path = GS_BUF_INIT, done = GS_BUF_INIT;
	char **env;
	int found = 0;

	*ours = *theirs = *base = NULL;
	*root_pick = 0;
	if (git_repository_head(&head, repo) < 0 ||
	    git_reference_peel(&obj, head, GIT_OBJECT_COMMIT) < 0) {
		gs_error_clear();
		goto done;
	}
	*ours = (git_commit *)obj;
	obj = NULL;
	if (!commit_has_blob(repo, *ours, path, a))
		goto done;
	/* git merge and git pull export GITHEAD_<sha> for the merged heads. */
	for (env = environ; *env && !found; env++) {
		git_oid oid;
		const char *hex;
		const char *eq = strchr(*env, '=');

		if (strncmp(*env, "GITHEAD_", 8) || !eq)
			continue;
		hex = *env + 8;
		if ((size_t)(eq - hex) != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex, GIT_OID_HEXSZ) < 0 ||
		    git_commit_lookup(theirs, repo, &oid) < 0)
			continue;
		if (commit_has_blob(repo, *theirs, path, b))
			found = 1;
		else {
			git_commit_free(*theirs);
			*theirs = NULL;
		}
	}
	if (found)
		goto done;
	/* A rebase: the pick being applied is the last line of rebase-merge/done. */
	gs_buf_printf(&done_path, "%srebase-merge/done", git_repository_path(repo));
	if (!read_input(&done, done_path.ptr)) {
		char *ln, *save = NULL, *last = NULL;

		for (ln = strtok_r(done.ptr, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save))
			if (*ln && *ln != '#')
				last = ln;
		if (last) {
			char cmd[32], id[GIT_OID_HEXSZ + 1];
			static const char *const picks[] = {
				"pick", "p", "reword", "r", "edit", "e", "fixup", "f", "squash", "s"
			};
			size_t i;
			int is_pick = 0;

			if (sscanf(last, "%31s %40s", cmd, id) == 2) {
				for (i = 0; i < GS_ARRAY_SIZE(picks); i++)
					is_pick |= !strcmp(cmd, picks[i]);
				if (is_pick && !git_revparse_single(&obj, repo, id) &&
				    git_object_type(obj) == GIT_OBJECT_COMMIT) {
					*theirs = (git_commit *)obj;
					obj = NULL;
				}
			}
		}
	}
	gs_error_clear();
	if (*theirs && commit_has_blob(repo, *theirs, path, b)) {
		if (git_commit_parentcount(*theirs) == 0)
			*root_pick = 1;
		else if (git_commit_parent(base, *theirs, 0) < 0)
			goto done;
		found = 1;
		goto done;
	}
	git_commit_free(*theirs);
	*theirs = NULL;
	/* git cherry-pick / git revert: the commits named on their command line. */
	found = identify_command(theirs, base, repo, path, o, b);
done:
	if (!found) {
		git_commit_free(*ours);
		git_commit_free(*theirs);
		git_commit_free(*base);
		*ours = *theirs = *base = NULL;
	}
	git_object_free(obj);
	git_reference_free(head);
	gs_buf_release(&done_path);
	gs_buf_release(&done);
	gs_error_clear();
	return found;
}

static int has_nul(const gs_buf *b)
{
	return memchr(b->ptr, '\0', b->size) != NULL;
}

static int conflict_style(git_repository *repo)
{
	git_config *cfg = NULL, *snap = NULL;
	const char *v = NULL;
	int style = 0;

	if (repo && !git_repository_config(&cfg, repo) && !git_config_snapshot(&snap, cfg) &&
	    !git_config_get_string(&v, snap, "merge.conflictStyle")) {
		if (!strcmp(v, "diff3"))
			style = 1;
		else if (!strcmp(v, "zdiff3"))
			style = 2;
	}
	git_config_free(snap);
	git_config_free(cfg);
	gs_error_clear();
	return style;
}

/*
 * The blobs and trees the re-derivation writes (merged sources, projection
 * trees) are needed only while the driver runs: an in-memory object
 * backend, consulted first, keeps them out of the repository.
 */
static int keep_objects_in_memory(git_repository *repo)
{
	git_odb *odb = NULL;
	git_odb_backend *mempack = NULL;
	int error = 0;

	if (git_repository_odb(&odb, repo) < 0 || git_mempack_new(&mempack) < 0 ||
	    git_odb_add_backend(odb, mempack, 1000) < 0) {
		if (mempack)
			mempack->free(mempack);
		error = gs_error_set_git("cannot set up an in-memory object store");
	}
	git_odb_free(odb);
	return error;
}

#define FIX_HINT "resolve the conflicting sources, then run `git spec sync --staged`"

/*
 * The label git gives their side in conflict markers: the name `git merge`
 * exported as GITHEAD_<id> (the branch as typed), else the abbreviated id.
 * git 2.39 passes a driver no labels (%S/%X/%Y came in git 2.44), so the
 * driver finds them as it finds the commits.
 */
static void their_label(gs_buf *out, const git_commit *theirs)
{
	char hex[GIT_OID_HEXSZ + 1];
	gs_buf name = GS_BUF_INIT;
	const char *v;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(theirs));
	gs_buf_printf(&name, "GITHEAD_%s", hex);
	v = getenv(name.ptr);
	gs_buf_clear(out);
	if (v && *v)
		gs_buf_puts(out, v);
	else
		gs_buf_printf(out, "%.7s", hex);
	gs_buf_release(&name);
}

int gs_merge_driver(gs_merge_result *res, git_repository *repo, const gs_merge_args *args)
{
	gs_buf o = GS_BUF_INIT, a = GS_BUF_INIT, b = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;
	git_commit *ours = NULL, *theirs = NULL, *base = NULL;
	/* git's labels: HEAD for ours, the merged branch for theirs (below). */
	gs_merge_labels labels = { "base", "HEAD", "theirs", 0, 0 };
	gs_buf theirs_label = GS_BUF_INIT;
	const char *what = args->path ? args->path : "the contract";
	int error = 0, root_pick = 0, r;
	size_t i;

	labels.marker_size = args->marker_size;
	labels.diff3 = conflict_style(repo);
	res->how = GS_MERGE_FAILED;
	res->conflict = 1;
	/* A missing input reads as empty: git gives all three, but be robust. */
	if (read_input(&a, args->ours_file) < 0) {
		gs_strvec_pushf(&res->messages, "cannot read our version of '%s'; left as it is", what);
		goto done;
	}
	if (read_input(&o, args->base_file) < 0)
		gs_buf_clear(&o);
	if (read_input(&b, args->theirs_file) < 0)
		gs_buf_clear(&b);
	gs_error_clear();
	if (has_nul(&o) || has_nul(&a) || has_nul(&b)) {
		/* As git does for binary files: keep ours, report a conflict. */
		gs_strvec_pushf(&res->messages, "'%s' is binary; kept our version", what);
		goto done;
	}
	if (repo && args->path && keep_objects_in_memory(repo) < 0) {
		/* Without it the merge still works; it only leaves loose objects. */
		gs_error_clear();
	}
	if (repo && args->path &&
	    identify(&ours, &theirs, &base, &root_pick, repo, args->path, &o, &a, &b)) {
		their_label(&theirs_label, theirs);
		labels.theirs = theirs_label.ptr;
		if (root_pick) {
			git_tree *to = NULL, *tt = NULL;

			r = git_commit_tree(&to, ours) < 0 || git_commit_tree(&tt, theirs) < 0 ?
				gs_error_set_git("cannot read the trees of the merge") :
				rederive_trees(&out, &conflicts, repo, NULL, to, tt, args->path);
			git_tree_free(to);
			git_tree_free(tt);
		} else {
			r = gs_merge_rederive(&out, &conflicts, repo, ours, theirs, base, args->path);
		}
		if (!r) {
			res->how = GS_MERGE_REDERIVED;
			res->conflict = 0;
			goto write;
		}
		if (r == GS_ECHECK) {
			for (i = 0; i < conflicts.nr; i++)
				gs_strvec_pushf(&res->messages, "contract '%s' conflicts: source '%s' conflicts",
						what, conflicts.v[i]);
			gs_strvec_push(&res->messages, FIX_HINT);
			goto text;
		}
		gs_strvec_pushf(&res->messages, "cannot re-derive '%s' (%s); merging its entries",
				what, gs_error_last());
		gs_error_clear();
	}
	gs_strvec_clear(&conflicts);
	r = gs_merge_contracts(&out, &conflicts, o.ptr, o.size, a.ptr, a.size, b.ptr, b.size);
	if (!r) {
		res->how = GS_MERGE_STRUCTURAL;
		res->conflict = 0;
		goto write;
	}
	if (r == GS_ECHECK) {
		for (i = 0; i < conflicts.nr; i++)
			gs_strvec_pushf(&res->messages, "contract '%s' conflicts: %s", what, conflicts.v[i]);
		gs_strvec_pushf(&res->messages, "resolve the sources, then run `git spec sync --staged`");
	} else {
		gs_strvec_pushf(&res->messages, "cannot merge '%s' entry by entry (%s); merged as text",
				what, gs_error_last());
		gs_strvec_push(&res->messages, "check the result with `git spec check --staged`; "
			       "`git spec sync --staged` regenerates it");
	}
text:
	gs_error_clear();
	r = gs_merge_text(&out, o.ptr, o.size, a.ptr, a.size, b.ptr, b.size, &labels);
	if (r == GS_ERROR) {
		gs_strvec_pushf(&res->messages, "cannot merge '%s' as text; kept our version", what);
		goto done;
	}
	/* Text is never trusted as a contract: always a conflict for the user. */
	res->how = GS_MERGE_TEXT;
	res->conflict = 1;
write:
	if ((error = write_result(args->ours_file, out.ptr, out.size)) < 0) {
		gs_strvec_pushf(&res->messages, "%s", gs_error_last());
		res->how = GS_MERGE_FAILED;
		res->conflict = 1;
	}
done:
	git_commit_free(ours);
	git_commit_free(theirs);
	git_commit_free(base);
	gs_strvec_clear(&conflicts);
	gs_buf_release(&o);
	gs_buf_release(&a);
	gs_buf_release(&b);
	gs_buf_release(&out);
	gs_buf_release(&theirs_label);
	return error;
}
