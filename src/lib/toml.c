/*
 * TOML on the tree-sitter TOML grammar: the syntax tree is walked once
 * into plain values (gs_toml_value). Debian has no C TOML library, and the
 * toolkit already carries tree-sitter (DESIGN.md 3.5).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/toml.h"

const TSLanguage *tree_sitter_toml(void);

/* Nesting of arrays and inline tables: deeper is refused, not recursed into. */
#define TOML_MAX_DEPTH 64

struct reader {
	const char *path;
	const char *data;
	gs_toml_value *root;
	int error;
};

static gs_toml_value *value_new(gs_toml_type type, unsigned line)
{
	gs_toml_value *v = gs_xcalloc(1, sizeof(*v));

	v->type = type;
	v->line = line;
	return v;
}

void gs_toml_free(gs_toml_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->nr; i++) {
		gs_toml_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

static unsigned node_line(TSNode n)
{
	return ts_node_start_point(n).row + 1;
}

static int fail(struct reader *r, TSNode n, const char *fmt, const char *arg)
{
	gs_buf msg = GS_BUF_INIT;

	gs_buf_printf(&msg, fmt, arg);
	r->error = gs_error_set_at(GS_EINPUT, r->path, node_line(n), ts_node_start_point(n).column + 1,
				   "%s:%u:%u: %s", r->path, node_line(n),
				   ts_node_start_point(n).column + 1, msg.ptr);
	gs_buf_release(&msg);
	return r->error;
}

static void put_utf8(gs_buf *out, uint32_t c)
{
	if (c < 0x80) {
		gs_buf_putc(out, (char)c);
	} else if (c < 0x800) {
		gs_buf_putc(out, (char)(0xc0 | (c >> 6)));
		gs_buf_putc(out, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		gs_buf_putc(out, (char)(0xe0 | (c >> 12)));
		gs_buf_putc(out, (char)(0x80 | ((c >> 6) & 0x3f)));
		gs_buf_putc(out, (char)(0x80 | (c & 0x3f)));
	} else {
		gs_buf_putc(out, (char)(0xf0 | (c >> 18)));
		gs_buf_putc(out, (char)(0x80 | ((c >> 12) & 0x3f)));
		gs_buf_putc(out, (char)(0x80 | ((c >> 6) & 0x3f)));
		gs_buf_putc(out, (char)(0x80 | (c & 0x3f)));
	}
}

static int hex_value(uint32_t *out, const char *s, size_t n)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return -1;
		*out = *out * 16 + d;
	}
	return 0;
}

/*
 * The escapes of a basic string s[0..n) (quotes removed) into `out`;
 * `multi`: a backslash ending a line trims the line break and the
 * whitespace after it.
 */
static int unescape(gs_buf *out, const char *s, size_t n, int multi)
{
	size_t i = 0;

	while (i < n) {
		uint32_t c;
		size_t hex = 0;

		if (s[i] != '\\') {
			gs_buf_putc(out, s[i++]);
			continue;
		}
		if (++i >= n)
			return -1;
		switch (s[i]) {
		case 'b': gs_buf_putc(out, '\b'); break;
		case 't': gs_buf_putc(out, '\t'); break;
		case 'n': gs_buf_putc(out, '\n'); break;
		case 'f': gs_buf_putc(out, '\f'); break;
		case 'r': gs_buf_putc(out, '\r'); break;
		case 'e': gs_buf_putc(out, 0x1b); break;
		case '"': gs_buf_putc(out, '"'); break;
		case '\\': gs_buf_putc(out, '\\'); break;
		case 'x': hex = 2; break;
		case 'u': hex = 4; break;
		case 'U': hex = 8; break;
		default:
			if (!multi || !strchr(" \t\r\n", s[i]))
				return -1;
			/* A line-ending backslash: skip up to the next non-blank. */
			while (i < n && strchr(" \t\r\n", s[i]))
				i++;
			continue;
		}
		if (hex) {
			if (i + 1 + hex > n || hex_value(&c, s + i + 1, hex) < 0 || c > 0x10ffff ||
			    (c >= 0xd800 && c <= 0xdfff))
				return -1;
			put_utf8(out, c);
			i += hex;
		}
		i++;
	}
	return 0;
}

/* The text of a string or quoted key node, decoded into `out`. */
static int decode_string(gs_buf *out, const char *text, size_t n)
{
	gs_buf_clear(out);
	if (n >= 6 && (!memcmp(text, "\"\"\"", 3) || !memcmp(text, "'''", 3))) {
		int basic = text[0] == '"';

		text += 3;
		n -= 6;
		/* A line break right after the opening delimiter is trimmed. */
		if (n && text[0] == '\n') {
			text++;
			n--;
		} else if (n >= 2 && text[0] == '\r' && text[1] == '\n') {
			text += 2;
			n -= 2;
		}
		if (!basic) {
			gs_buf_put(out, text, n);
			return 0;
		}
		return unescape(out, text, n, 1);
	}
	if (n < 2)
		return -1;
	if (text[0] == '\'') {
		gs_buf_put(out, text + 1, n - 2);
		return 0;
	}
	return unescape(out, text + 1, n - 2, 0);
}

static const char *node_text(const struct reader *r, TSNode n, size_t *len)
{
	uint32_t start = ts_node_start_byte(n), end = ts_node_end_byte(n);

	*len = end - start;
	return r->data + start;
}

/* The keys of a bare, quoted or dotted key node, in order, into `keys`. */
static int collect_keys(struct reader *r, TSNode n, char ***keys, size_t *nr, size_t *alloc)
{
	const char *type = ts_node_type(n);
	gs_buf text = GS_BUF_INIT;
	const char *t;
	size_t len, i;
	int error = 0;

	if (!strcmp(type, "dotted_key")) {
		for (i = 0; i < ts_node_named_child_count(n) && !error; i++)
			error = collect_keys(r, ts_node_named_child(n, (uint32_t)i), keys, nr, alloc);
		return error;
	}
	t = node_text(r, n, &len);
	if (!strcmp(type, "bare_key")) {
		gs_buf_set(&text, t, len);
	} else if (!strcmp(type, "quoted_key")) {
		if (decode_string(&text, t, len) < 0 || memchr(text.ptr, '\0', text.size)) {
			error = fail(r, n, "%s", "not a valid quoted key");
			goto done;
		}
	} else {
		error = fail(r, n, "unexpected '%s' where a key belongs", type);
		goto done;
	}
	GS_ALLOC_GROW(*keys, *nr + 1, *alloc);
	(*keys)[(*nr)++] = gs_buf_detach(&text, NULL);
done:
	gs_buf_release(&text);
	return error;
}

static void free_keys(char **keys, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(keys[i]);
	free(keys);
}

static gs_toml_value *table_find(const gs_toml_value *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->keys[i], key))
			return t->items[i];
	return NULL;
}

static void table_add(gs_toml_value *t, const char *key, gs_toml_value *v)
{
	if (t->nr + 1 > t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 4;
		t->items = gs_xrealloc(t->items, gs_st_mult(t->alloc, sizeof(*t->items)));
		t->keys = gs_xrealloc(t->keys, gs_st_mult(t->alloc, sizeof(*t->keys)));
	}
	t->keys[t->nr] = gs_xstrdup(key);
	t->items[t->nr++] = v;
}

static void array_add(gs_toml_value *a, gs_toml_value *v)
{
	GS_ALLOC_GROW(a->items, a->nr + 1, a->alloc);
	a->items[a->nr++] = v;
}

/*
 * The table at `key` below `t`, created (implied) when missing; the last
 * table of an array of tables. NULL (and an error) when something else
 * is there.
 */
static gs_toml_value *descend(struct reader *r, TSNode at, gs_toml_value *t, const char *key)
{
	gs_toml_value *v = table_find(t, key);

	if (!v) {
		v = value_new(GS_TOML_TABLE, node_line(at));
		table_add(t, key, v);
		return v;
	}
	if (v->type == GS_TOML_ARRAY && !v->defined && v->nr)
		return v->items[v->nr - 1];
	if (v->type == GS_TOML_TABLE)
		return v;
	fail(r, at, "'%s' is already a value, not a table", key);
	return NULL;
}

static gs_toml_value *convert(struct reader *r, TSNode n, int depth);

/* The pairs among the named children of `n` (from `first`) into table `t`. */
static int add_pairs(struct reader *r, TSNode n, uint32_t first, gs_toml_value *t, int depth)
{
	uint32_t i, count = ts_node_named_child_count(n);
	int error = 0;

	for (i = first; i < count && !error; i++) {
		TSNode pair = ts_node_named_child(n, i), key, val;
		char **keys = NULL;
		size_t nr = 0, alloc = 0, k;
		gs_toml_value *at = t, *v;

		if (strcmp(ts_node_type(pair), "pair"))
			continue;
		key = ts_node_named_child(pair, 0);
		val = ts_node_named_child(pair, 1);
		if (ts_node_is_null(key) || ts_node_is_null(val)) {
			error = fail(r, pair, "%s", "a key without a value");
			break;
		}
		if ((error = collect_keys(r, key, &keys, &nr, &alloc)) < 0)
			goto next;
		for (k = 0; k + 1 < nr && at; k++)
			at = descend(r, key, at, keys[k]);
		if (!at) {
			error = r->error;
			goto next;
		}
		if (table_find(at, keys[nr - 1])) {
			error = fail(r, key, "key '%s' is defined twice", keys[nr - 1]);
			goto next;
		}
		if (!(v = convert(r, val, depth + 1))) {
			error = r->error;
			goto next;
		}
		table_add(at, keys[nr - 1], v);
next:
		free_keys(keys, nr);
	}
	return error;
}

static gs_toml_value *convert(struct reader *r, TSNode n, int depth)
{
	const char *type = ts_node_type(n), *t;
	gs_toml_value *v = NULL;
	gs_buf text = GS_BUF_INIT;
	size_t len;
	uint32_t i;

	if (depth > TOML_MAX_DEPTH) {
		fail(r, n, "%s", "nested too deeply");
		return NULL;
	}
	t = node_text(r, n, &len);
	if (!strcmp(type, "string")) {
		if (decode_string(&text, t, len) < 0) {
			fail(r, n, "%s", "not a valid string (a bad escape)");
			goto done;
		}
		v = value_new(GS_TOML_STRING, node_line(n));
		v->len = text.size;
		v->str = gs_buf_detach(&text, NULL);
	} else if (!strcmp(type, "array")) {
		v = value_new(GS_TOML_ARRAY, node_line(n));
		v->defined = 1;
		for (i = 0; i < ts_node_named_child_count(n); i++) {
			TSNode c = ts_node_named_child(n, i);
			gs_toml_value *item;

			if (!strcmp(ts_node_type(c), "comment"))
				continue;
			if (!(item = convert(r, c, depth + 1))) {
				gs_toml_free(v);
				v = NULL;
				goto done;
			}
			array_add(v, item);
		}
	} else if (!strcmp(type, "inline_table")) {
		v = value_new(GS_TOML_TABLE, node_line(n));
		v->defined = 1;
		if (add_pairs(r, n, 0, v, depth) < 0) {
			gs_toml_free(v);
			v = NULL;
		}
	} else {
		v = value_new(GS_TOML_OTHER, node_line(n));
		v->str = gs_xstrndup(t, len);
		v->len = len;
	}
done:
	gs_buf_release(&text);
	return v;
}

/* A [table] or [[array of tables]] header and its pairs. */
static int add_table(struct reader *r, TSNode n, int array)
{
	TSNode key = ts_node_named_child(n, 0);
	char **keys = NULL;
	size_t nr = 0, alloc = 0, k;
	gs_toml_value *at = r->root, *v;
	int error;

	if ((error = collect_keys(r, key, &keys, &nr, &alloc)) < 0)
		goto done;
	for (k = 0; k + 1 < nr && at; k++)
		at = descend(r, key, at, keys[k]);
	if (!at) {
		error = r->error;
		goto done;
	}
	v = table_find(at, keys[nr - 1]);
	if (array) {
		if (!v) {
			v = value_new(GS_TOML_ARRAY, node_line(n));
			table_add(at, keys[nr - 1], v);
		} else if (v->type != GS_TOML_ARRAY || v->defined) {
			error = fail(r, key, "'%s' is already a value, not an array of tables", keys[nr - 1]);
			goto done;
		}
		array_add(v, value_new(GS_TOML_TABLE, node_line(n)));
		v = v->items[v->nr - 1];
		v->defined = 1;
	} else if (!v) {
		v = value_new(GS_TOML_TABLE, node_line(n));
		v->defined = 1;
		table_add(at, keys[nr - 1], v);
	} else if (v->type != GS_TOML_TABLE || v->defined) {
		error = fail(r, key, "table '%s' is defined twice", keys[nr - 1]);
		goto done;
	} else {
		v->defined = 1;
	}
	error = add_pairs(r, n, 1, v, 0);
done:
	free_keys(keys, nr);
	return error;
}

/* The first error or missing node below `n` (which has an error). */
static TSNode first_error(TSNode n)
{
	uint32_t i;

	if (!strcmp(ts_node_type(n), "ERROR") || ts_node_is_missing(n))
		return n;
	for (i = 0; i < ts_node_child_count(n); i++) {
		TSNode c = ts_node_child(n, i);

		if (ts_node_has_error(c))
			return first_error(c);
	}
	return n;
}

int gs_toml_parse(gs_toml_value **out, const char *path, const char *data, size_t len)
{
	struct reader r = { path, data, NULL, 0 };
	TSParser *parser = NULL;
	TSTree *tree = NULL;
	TSNode root;
	uint32_t i;
	int error = 0;

	*out = NULL;
	if (len > UINT32_MAX || memchr(data, '\0', len)) {
		error = gs_error_set_at(GS_EINPUT, path, 0, 0, "%s: not a TOML text file", path);
		goto done;
	}
	parser = ts_parser_new();
	if (!parser || !ts_parser_set_language(parser, tree_sitter_toml())) {
		error = gs_error_set(GS_ERROR, "cannot set up the TOML parser");
		goto done;
	}
	if (!(tree = ts_parser_parse_string(parser, NULL, data, (uint32_t)len))) {
		error = gs_error_set(GS_ERROR, "cannot parse '%s'", path);
		goto done;
	}
	root = ts_tree_root_node(tree);
	if (ts_node_has_error(root)) {
		error = fail(&r, first_error(root), "%s", "not valid TOML");
		goto done;
	}
	r.root = value_new(GS_TOML_TABLE, 1);
	r.root->defined = 1;
	if ((error = add_pairs(&r, root, 0, r.root, 0)) < 0)
		goto done;
	for (i = 0; i < ts_node_named_child_count(root) && !error; i++) {
		TSNode c = ts_node_named_child(root, i);
		const char *type = ts_node_type(c);

		if (!strcmp(type, "table"))
			error = add_table(&r, c, 0);
		else if (!strcmp(type, "table_array_element"))
			error = add_table(&r, c, 1);
	}
	if (!error) {
		*out = r.root;
		r.root = NULL;
	}
done:
	gs_toml_free(r.root);
	ts_tree_delete(tree);
	ts_parser_delete(parser);
	return error;
}

const gs_toml_value *gs_toml_get(const gs_toml_value *t, const char *dotted)
{
	gs_buf key = GS_BUF_INIT;
	const char *dot;

	for (;;) {
		if (!t || t->type != GS_TOML_TABLE) {
			t = NULL;
			break;
		}
		dot = strchr(dotted, '.');
		gs_buf_set(&key, dotted, dot ? (size_t)(dot - dotted) : strlen(dotted));
		t = table_find(t, key.ptr);
		if (!dot)
			break;
		dotted = dot + 1;
	}
	gs_buf_release(&key);
	return t;
}
