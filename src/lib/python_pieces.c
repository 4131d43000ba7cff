/*
 * Where a large Python source may be cut into pieces parsed one at a time
 * (python_pieces.h, docs/adr/0020-parse-in-pieces.md).
 *
 * The scan follows Python's tokenizer only as far as it needs to know
 * whether a line starts a new statement. It only has to be right where it
 * cuts: a cut it gets wrong leaves a piece that does not parse (an
 * unclosed string or bracket, a body without its header), and the file is
 * then parsed whole. Where it cannot follow the text it stops cutting.
 */
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/python_pieces.h"

/* f-string replacement fields nested deeper than this stop the cuts. */
#define MAX_FIELD_DEPTH 32

struct lexer {
	const char *s;
	size_t len;
	int depth;
	int lost; /* the scan no longer follows the text: no more cuts */
};

static int ident_byte(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c >= 0x80;
}

static int ident_start(unsigned char c)
{
	return ident_byte(c) && !(c >= '0' && c <= '9');
}

static int is_quote(char c)
{
	return c == '"' || c == '\'';
}

/*
 * A string prefix (r, b, u, f, t and their pairs, any case): 1 when it is
 * one, 2 when it makes a formatted string (f or t), else 0.
 */
static int string_prefix(const char *p, size_t n)
{
	int fmt = 0;
	size_t i;

	if (!n || n > 2)
		return 0;
	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case 'f': case 'F': case 't': case 'T':
			fmt = 1;
			break;
		case 'r': case 'R': case 'b': case 'B': case 'u': case 'U':
			break;
		default:
			return 0;
		}
	}
	return fmt ? 2 : 1;
}

static size_t skip_string(struct lexer *lx, size_t i, int fmt);

/*
 * A replacement field of an f-string from just past its '{': the
 * expression (brackets and strings of its own), then a conversion and a
 * format spec, which may hold fields of its own, through the closing '}'.
 */
static size_t skip_field(struct lexer *lx, size_t i)
{
	const char *s = lx->s;
	size_t brackets = 0;
	int spec = 0;

	if (++lx->depth > MAX_FIELD_DEPTH) {
		lx->lost = 1;
		lx->depth--;
		return lx->len;
	}
	while (i < lx->len && !lx->lost) {
		char c = s[i];

		if (spec) {
			if (c == '{') {
				i = skip_field(lx, i + 1);
				continue;
			}
			if (c == '}') {
				i++;
				break;
			}
			i++;
			continue;
		}
		if (ident_start((unsigned char)c)) {
			size_t j = i;
			int p;

			while (j < lx->len && ident_byte((unsigned char)s[j]))
				j++;
			if (j < lx->len && is_quote(s[j]) && (p = string_prefix(s + i, j - i))) {
				i = skip_string(lx, j, p == 2);
				continue;
			}
			i = j;
			continue;
		}
		if (is_quote(c)) {
			i = skip_string(lx, i, 0);
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			brackets++;
		} else if (c == ')' || c == ']') {
			if (brackets)
				brackets--;
		} else if (c == '}') {
			if (!brackets) {
				i++;
				break;
			}
			brackets--;
		} else if (c == ':' && !brackets) {
			spec = 1;
		}
		i++;
	}
	lx->depth--;
	return i;
}

/*
 * A string literal from its opening quote: past its closing quote, or at
 * the end of its line for an unterminated one-line string (a syntax error
 * the parse of the piece will see).
 */
static size_t skip_string(struct lexer *lx, size_t i, int fmt)
{
	const char *s = lx->s;
	size_t len = lx->len;
	char q = s[i];
	int triple = i + 2 < len && s[i + 1] == q && s[i + 2] == q;

	i += triple ? 3 : 1;
	while (i < len && !lx->lost) {
		char c = s[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '\n' && !triple)
			return i;
		if (c == q && (!triple || (i + 2 < len && s[i + 1] == q && s[i + 2] == q)))
			return i + (triple ? 3 : 1);
		if (fmt && c == '{') {
			if (i + 1 < len && s[i + 1] == '{') {
				i += 2;
				continue;
			}
			i = skip_field(lx, i + 1);
			continue;
		}
		i++;
	}
	return i < len ? i : len;
}

static int word_is(const char *p, size_t n, const char *w)
{
	return n == strlen(w) && !memcmp(p, w, n);
}

/*
 * Does the line at `p` (its first non-blank character) start a statement
 * a piece may begin with? Only lines starting with a name or a decorator
 * are considered (enough for the files that need pieces); never a clause
 * continuing a compound statement, nor a string literal.
 */
static int starts_piece(const char *p, size_t n)
{
	size_t j = 0;

	if (!n)
		return 0;
	if (p[0] == '@')
		return 1;
	if (!ident_start((unsigned char)p[0]))
		return 0;
	while (j < n && ident_byte((unsigned char)p[j]))
		j++;
	if (j < n && is_quote(p[j]) && string_prefix(p, j))
		return 0;
	return !word_is(p, j, "else") && !word_is(p, j, "elif") && !word_is(p, j, "except") &&
		!word_is(p, j, "finally") && !word_is(p, j, "case");
}

/* Does the line at `p` start a function definition ("def" or "async def")? */
static int starts_def(const char *p, size_t n)
{
	size_t j = 0;

	while (j < n && ident_byte((unsigned char)p[j]))
		j++;
	if (word_is(p, j, "def"))
		return 1;
	if (!word_is(p, j, "async"))
		return 0;
	while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\f'))
		j++;
	return n - j > 3 && !memcmp(p + j, "def", 3) && !ident_byte((unsigned char)p[j + 3]);
}

struct cuts {
	gs_python_cut *v;
	size_t nr, alloc;
	size_t start; /* where the current piece starts */
};

static void cut_at(struct cuts *c, size_t at, int body)
{
	GS_ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	c->v[c->nr].at = at;
	c->v[c->nr].body = body;
	c->nr++;
	c->start = at;
}

/* Drop the cuts of a def's body. */
static void uncut_body(struct cuts *c)
{
	while (c->nr && c->v[c->nr - 1].body)
		c->nr--;
	c->start = c->nr ? c->v[c->nr - 1].at : 0;
}

size_t gs_python_cuts(gs_python_cut **out, const char *src, size_t len, size_t piece)
{
	struct lexer lx = { src, len, 0, 0 };
	struct cuts c = { NULL, 0, 0, 0 };
	size_t i = 0, brackets = 0;
	/* the indentation of the first body line of the current def */
	const char *body_ws = NULL;
	size_t body_ws_len = 0;
	int continued = 0, seen = 0, after_deco = 0, body_after_deco = 0;
	int def_header = 0, in_def = 0;
	char last = 0; /* the last significant character of the logical line */

	while (i < len && !lx.lost) {
		if (!brackets && !continued) {
			/* The start of a logical line. */
			size_t ws = i;

			while (ws < len && (src[ws] == ' ' || src[ws] == '\t' || src[ws] == '\f'))
				ws++;
			if (ws < len && src[ws] != '\n' && src[ws] != '\r' && src[ws] != '#') {
				size_t n = ws - i;

				if (!n) {
					/*
					 * The end of a def whose body was cut: its last
					 * body piece is parsed for errors only, so what
					 * follows starts a piece of its own whatever its
					 * size, or the def is not cut at all.
					 */
					int spill = c.nr && c.v[c.nr - 1].body;

					if (seen && !after_deco && (spill || i - c.start >= piece) &&
					    starts_piece(src + ws, len - ws))
						cut_at(&c, i, 0);
					else if (spill)
						uncut_body(&c);
					in_def = 0;
					after_deco = src[ws] == '@';
					def_header = starts_def(src + ws, len - ws);
				} else if (in_def && !body_ws) {
					/* The first statement of the body stays with the header. */
					body_ws = src + i;
					body_ws_len = n;
					body_after_deco = src[ws] == '@';
				} else if (in_def && n == body_ws_len && !memcmp(src + i, body_ws, n)) {
					if (!body_after_deco && i - c.start >= piece &&
					    starts_piece(src + ws, len - ws))
						cut_at(&c, i, 1);
					body_after_deco = src[ws] == '@';
				} else if (in_def && (n < body_ws_len || memcmp(src + i, body_ws, body_ws_len))) {
					/* Indentation the scan does not follow: no more body cuts. */
					in_def = 0;
				}
				seen = 1;
				last = 0;
			}
		}
		continued = 0;
		/* The rest of the physical line (strings may run over several). */
		while (i < len && src[i] != '\n' && !lx.lost) {
			char ch = src[i];

			if (ch == '#') {
				while (i < len && src[i] != '\n')
					i++;
				break;
			}
			if (ch == '\\' && i + 1 < len && src[i + 1] == '\n') {
				continued = 1;
				i++;
				break;
			}
			if (ident_start((unsigned char)ch)) {
				size_t j = i;
				int p;

				while (j < len && ident_byte((unsigned char)src[j]))
					j++;
				if (j < len && is_quote(src[j]) && (p = string_prefix(src + i, j - i))) {
					i = skip_string(&lx, j, p == 2);
					last = '"';
					continue;
				}
				last = src[j - 1];
				i = j;
				continue;
			}
			if (is_quote(ch)) {
				i = skip_string(&lx, i, 0);
				last = '"';
				continue;
			}
			if (ch == '(' || ch == '[' || ch == '{') {
				brackets++;
			} else if (ch == ')' || ch == ']' || ch == '}') {
				if (brackets)
					brackets--;
			}
			if (ch != ' ' && ch != '\t' && ch != '\f' && ch != '\r')
				last = ch;
			i++;
		}
		if (i < len)
			i++;
		/* The end of a def's header: is its body on the lines below? */
		if (!brackets && !continued && def_header) {
			in_def = last == ':';
			body_ws = NULL;
			body_after_deco = 0;
			def_header = 0;
		}
	}
	*out = c.v;
	return c.nr;
}
