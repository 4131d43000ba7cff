/*
 * Reading contract Markdown back into its keyed model (the entries the
 * structural merge works on), and writing that model out again. The
 * reader accepts only what the writer (contract_write.c) produces:
 * parsing then rendering gives the same bytes (DESIGN.md 2.2, 3.3). The
 * headings both use are named once, in include/gitspec/contract.h.
 */
#include <stdlib.h>
#include <string.h>
#include "contract_internal.h"
#include "gitspec/common.h"
#include "gitspec/language.h"

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

int gs_contract_section_rank(enum entry_kind k)
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
int gs_contract_entry_cmp(const entry *a, const entry *b)
{
	int r;

	if ((r = group_rank(a->kind) - group_rank(b->kind)))
		return r;
	if ((r = strcmp(a->file, b->file)))
		return r;
	if ((r = gs_contract_section_rank(a->kind) - gs_contract_section_rank(b->kind)))
		return r;
	if (gs_contract_section_rank(a->kind) == 4) {
		if ((r = strcmp(a->cls, b->cls)))
			return r;
		if ((r = (int)a->kind - (int)b->kind))
			return r;
	}
	if ((r = strcmp(a->name, b->name)))
		return r;
	return a->occ - b->occ;
}

int gs_contract_entry_sort_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int r = gs_contract_entry_cmp(x, y);

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

/* Skip one marker expression ("@expr" in Python) up to the space that ends it. */
static size_t skip_marker(const char *s, size_t i, size_t len)
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

enum span_form { SPAN_VAR, SPAN_TYPE, SPAN_DEF, SPAN_CLASS, SPAN_ATTR };

/*
 * The name a symbol span declares and its form: `@d def f(...)`,
 * `async def f`, `class A.B(...)`, `type T`, `x: int`, `x`, and in
 * format 2 `def f[T](...)`, `class A[T]`, `type T[U] = V`, `x: int = 1`,
 * `self.x: int = 1`.
 */
static int span_name(char **name, enum span_form *form, const char *s, size_t len)
{
	const char *mprefix = gs_language_default()->marker_prefix;
	size_t i = 0, start, mlen = strlen(mprefix);

	while (i < len && mlen && !strncmp(s + i, mprefix, mlen))
		i = skip_marker(s, i, len);
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
	} else if (len - i > 5 && !memcmp(s + i, "self.", 5)) {
		i += 5;
		*form = SPAN_ATTR;
	} else {
		*form = SPAN_VAR;
	}
	start = i;
	while (i < len && (is_ident_char(s[i]) || (*form == SPAN_CLASS && s[i] == '.')))
		i++;
	if (i == start)
		return -1;
	if (*form == SPAN_DEF && (i >= len || (s[i] != '(' && s[i] != '[')))
		return -1;
	if (*form == SPAN_TYPE && i != len && s[i] != '[' && s[i] != ' ')
		return -1;
	if ((*form == SPAN_VAR || *form == SPAN_ATTR) && i != len && s[i] != ':' && s[i] != ' ')
		return -1;
	if (*form == SPAN_CLASS && i != len && s[i] != '(' && s[i] != '[')
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

/* Whether `l` is exactly the heading "PREFIX TITLE". */
static int heading_is(const line *l, const char *prefix, const char *title)
{
	size_t plen = strlen(prefix), tlen = strlen(title);

	return l->len == plen + tlen && !memcmp(l->p, prefix, plen) &&
	       !memcmp(l->p + plen, title, tlen);
}

/* The "### " section of a file section `l` heads (not Classes), or -1. */
static int list_section(const line *l)
{
	int sec;

	for (sec = 0; sec < GS_SECTION_CLASSES; sec++)
		if (heading_is(l, "### ", gs_contract_section_title((gs_contract_section)sec)))
			return sec;
	return -1;
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
				k = form == SPAN_DEF ? E_MCALL : form == SPAN_ATTR ? E_MATTR : E_MVAR;
			ok = (k == E_VAR || k == E_MVAR) ? form == SPAN_VAR :
			     k == E_MATTR ? form == SPAN_ATTR :
			     k == E_TYPE ? form == SPAN_TYPE : form == SPAN_DEF;
			if (!ok || (k == E_MATTR && c->format < 2)) {
				free(name);
				error = GS_EINPUT;
				break;
			}
		}
		block_text(&text, b, i, n);
		if (k == E_MVAR && c->format >= 2) {
			/* Format 2: the class's variables in source order, one entry. */
			entry *last = c->nr ? &c->v[c->nr - 1] : NULL;

			if (last && last->kind == E_MVAR && !strcmp(last->file, file) &&
			    !strcmp(last->cls, cls)) {
				gs_buf joined = GS_BUF_INIT;

				gs_buf_puts(&joined, last->text);
				gs_buf_put(&joined, text.ptr, text.size);
				free(last->text);
				last->text = gs_buf_detach(&joined, NULL);
			} else {
				contract_add(c, k, file, cls, "", text.ptr, text.size);
			}
			free(name);
			i += n;
			continue;
		}
		contract_add(c, k, file, cls, name, text.ptr, text.size);
		free(name);
		i += n;
	}
	gs_buf_release(&text);
	return error;
}

/* The header: the title heading and the comment paragraph, into `text`. */
static int parse_header(gs_contract *c, const block *blocks, size_t nr, gs_buf *text)
{
	if (nr < 2 || blocks[0].nr != 1 || blocks[1].nr != 1 ||
	    blocks[0].lines[0].len < 2 || memcmp(blocks[0].lines[0].p, "# ", 2))
		return GS_EINPUT;
	gs_buf_put(text, blocks[0].lines[0].p, blocks[0].lines[0].len);
	gs_buf_puts(text, "\n\n");
	gs_buf_put(text, blocks[1].lines[0].p, blocks[1].lines[0].len);
	gs_buf_putc(text, '\n');
	/* The comment line names the format (DESIGN 2.4); format 1 named none. */
	c->format = blocks[1].lines[0].len == strlen(GS_CONTRACT_COMMENT) &&
		!memcmp(blocks[1].lines[0].p, GS_CONTRACT_COMMENT, blocks[1].lines[0].len) ?
		GS_CONTRACT_FORMAT : 1;
	contract_add(c, E_HEADER, "", "", "", text->ptr, text->size);
	return 0;
}

/*
 * The text of the heading block `i` and of the docstring paragraph that
 * may follow it (a file's or a class's), into `text`: the number of
 * blocks used, 1 or 2.
 */
static size_t heading_with_doc(gs_buf *text, const block *blocks, size_t i, size_t nr)
{
	block_text(text, &blocks[i], 0, 1);
	if (i + 1 < nr && blocks[i + 1].nr == 1 && !is_heading(&blocks[i + 1].lines[0]) &&
	    !is_bullet(&blocks[i + 1].lines[0])) {
		gs_buf_putc(text, '\n');
		gs_buf_put(text, blocks[i + 1].lines[0].p, blocks[i + 1].lines[0].len);
		gs_buf_putc(text, '\n');
		return 2;
	}
	return 1;
}

static int parse_blocks(gs_contract *c, block *blocks, size_t nr)
{
	gs_buf text = GS_BUF_INIT;
	char *file = NULL, *cls = NULL, *tmp = NULL;
	size_t i = 0;
	int error = 0;
	enum { S_TOP, S_FILE, S_CLASSES } state = S_TOP;

	if ((error = parse_header(c, blocks, nr, &text)) < 0)
		goto done;
	i = 2;
	while (i < nr) {
		block *b = &blocks[i];
		const line *h = &b->lines[0];

		if (b->nr == 1 && heading_is(h, "## ", GS_CONTRACT_EXPORTS_TITLE) && state == S_TOP &&
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
			i += heading_with_doc(&text, blocks, i, nr);
			contract_add(c, E_FILE, file, "", "", text.ptr, text.size);
			state = S_FILE;
			continue;
		}
		if (state == S_FILE && b->nr == 1 && i + 1 < nr && is_bullet(&blocks[i + 1].lines[0])) {
			static const enum entry_kind kinds[] = { E_VAR, E_TYPE, E_FUNC };
			int sec = list_section(h);
			enum entry_kind k;

			if (sec < 0) {
				error = GS_EINPUT;
				goto done;
			}
			k = kinds[sec];
			if ((error = parse_list(c, &blocks[i + 1], k, file, "")) < 0)
				goto done;
			i += 2;
			continue;
		}
		if (state == S_FILE && b->nr == 1 &&
		    heading_is(h, "### ", gs_contract_section_title(GS_SECTION_CLASSES))) {
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
			i += heading_with_doc(&text, blocks, i, nr);
			contract_add(c, E_CLASS, file, cls, cls, text.ptr, text.size);
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
		if (gs_contract_entry_cmp(&c->v[i - 1], &c->v[i]) >= 0) {
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

void gs_contract_render_entries(gs_buf *out, entry **v, size_t nr)
{
	size_t i = 0;

	/* Header, then exports. */
	while (i < nr && v[i]->kind == E_HEADER)
		gs_buf_puts(out, v[i++]->text);
	if (i < nr && v[i]->kind == E_EXPORT) {
		gs_buf_puts(out, "\n## " GS_CONTRACT_EXPORTS_TITLE "\n\n");
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
			int rank = gs_contract_section_rank(e->kind);

			if (rank != section) {
				section = rank;
				/* Ranks 1-3 are the list sections, 4 the classes. */
				if (rank < 4)
					gs_buf_printf(out, "\n### %s\n\n",
						      gs_contract_section_title((gs_contract_section)(rank - 1)));
				else
					gs_buf_printf(out, "\n### %s\n",
						      gs_contract_section_title(GS_SECTION_CLASSES));
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
	gs_contract_render_entries(out, v, c->nr);
	free(v);
}

