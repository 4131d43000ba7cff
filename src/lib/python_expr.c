#include <string.h>
#include "gitspec/python.h"

/*
 * Normalisation of expression text (DESIGN 2.1 "Expression text"), done by
 * a small lexer over the source bytes rather than over the syntax tree so
 * that it applies to any expression the same way: it only needs to know
 * where string literals, comments and white space are.
 */

/* f-strings nest strings inside replacement fields; bound the recursion. */
#define MAX_STRING_NESTING 64

enum last_token {
	TOK_START,
	TOK_OPEN,
	TOK_COMMA,
	TOK_OTHER
};

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* Is text[0..n) a string prefix (r, b, u, f, t and their combinations)? */
static int string_prefix(const char *s, size_t n, int *is_f)
{
	size_t i;

	*is_f = 0;
	if (n > 3)
		return 0;
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case 'f': case 'F': case 't': case 'T':
			*is_f = 1;
			break;
		case 'r': case 'R': case 'b': case 'B': case 'u': case 'U':
			break;
		default:
			return 0;
		}
	}
	return 1;
}

static size_t skip_string(const char *s, size_t len, size_t i, int is_f, int nesting);

/*
 * Skip the expression of an f-string replacement field starting after its
 * '{'; returns the index just past the closing '}' (or len).
 */
static size_t skip_field(const char *s, size_t len, size_t i, int nesting)
{
	int depth = 1;

	if (nesting > MAX_STRING_NESTING)
		return len;
	while (i < len) {
		unsigned char c = s[i];

		if (c == '"' || c == '\'') {
			i = skip_string(s, len, i, 0, nesting + 1);
			continue;
		}
		if (is_word_byte(c)) {
			size_t j = i;
			int is_f;

			while (j < len && is_word_byte((unsigned char)s[j]))
				j++;
			if (j < len && (s[j] == '"' || s[j] == '\'') &&
			    string_prefix(s + i, j - i, &is_f)) {
				i = skip_string(s, len, j, is_f, nesting + 1);
				continue;
			}
			i = j;
			continue;
		}
		if (c == ':' && depth == 1) {
			/* A format spec: literal text and nested fields. */
			i++;
			while (i < len && s[i] != '}') {
				if (s[i] == '{')
					i = skip_field(s, len, i + 1, nesting + 1);
				else
					i++;
			}
			return i < len ? i + 1 : len;
		}
		if (c == '{' || c == '[' || c == '(')
			depth++;
		else if (c == '}' || c == ']' || c == ')') {
			if (!--depth)
				return i + 1;
		}
		i++;
	}
	return i;
}

/* Skip the string literal whose opening quote is at s[i]. */
static size_t skip_string(const char *s, size_t len, size_t i, int is_f, int nesting)
{
	char q = s[i];
	int triple = 0;

	if (nesting > MAX_STRING_NESTING)
		is_f = 0;
	if (i + 2 < len && s[i + 1] == q && s[i + 2] == q) {
		triple = 1;
		i += 3;
	} else {
		i += 1;
	}
	while (i < len) {
		char c = s[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == q) {
			if (!triple)
				return i + 1;
			if (i + 2 < len && s[i + 1] == q && s[i + 2] == q)
				return i + 3;
			i++;
			continue;
		}
		if (c == '\n' && !triple)
			return i;
		if (is_f && c == '{') {
			if (i + 1 < len && s[i + 1] == '{') {
				i += 2;
				continue;
			}
			i = skip_field(s, len, i + 1, nesting);
			continue;
		}
		i++;
	}
	return len;
}

/*
 * A token as written, except that a line break (only a string literal can
 * hold one) is written as the two characters \n: a triple-quoted string
 * never breaks a line of a contract (DESIGN 2.1).
 */
static void put_token(gs_buf *out, const char *s, size_t len)
{
	const char *nl;

	while ((nl = memchr(s, '\n', len)) != NULL) {
		gs_utf8_put_escaped(out, s, (size_t)(nl - s));
		gs_buf_puts(out, "\\n");
		len -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	gs_utf8_put_escaped(out, s, len);
}

void gs_python_normalize_expr(gs_buf *out, const char *s, size_t len)
{
	size_t i = 0, comma_at = 0;
	int pending_ws = 0, newline = 0;
	enum last_token last = TOK_START;

	while (i < len) {
		unsigned char c = s[i];
		size_t j;
		int is_f, is_close;

		if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\n' || c == '\r') {
			pending_ws = 1;
			if (c == '\n' || c == '\r')
				newline = 1;
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < len && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
			pending_ws = 1;
			newline = 1;
			i += 2;
			continue;
		}
		if (c == '#') {
			while (i < len && s[i] != '\n' && s[i] != '\r')
				i++;
			pending_ws = 1;
			continue;
		}

		/* One token: a string, a word, or one other byte. */
		j = i + 1;
		if (c == '"' || c == '\'') {
			j = skip_string(s, len, i, 0, 0);
		} else if (is_word_byte(c)) {
			while (j < len && is_word_byte((unsigned char)s[j]))
				j++;
			if (j < len && (s[j] == '"' || s[j] == '\'') &&
			    string_prefix(s + i, j - i, &is_f))
				j = skip_string(s, len, j, is_f, 0);
		}

		is_close = c == ')' || c == ']' || c == '}';
		if (is_close && last == TOK_COMMA && newline)
			gs_buf_setlen(out, comma_at);
		if (pending_ws && last != TOK_START && last != TOK_OPEN &&
		    !is_close && c != ',' && c != ';')
			gs_buf_putc(out, ' ');
		if (c == ',')
			comma_at = out->size;
		put_token(out, s + i, j - i);

		if (c == '(' || c == '[' || c == '{')
			last = TOK_OPEN;
		else if (c == ',')
			last = TOK_COMMA;
		else
			last = TOK_OTHER;
		pending_ws = 0;
		newline = 0;
		i = j;
	}
}
