#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>
#include "gitspec/python.h"
#include "gitspec/python_limits.h"
#include "gitspec/python_pieces.h"

/*
 * Extraction of the model of one Python file (DESIGN 2.1-2.3, 2.6).
 *
 * One walk over the statements of the module and of class bodies, with
 * node symbols and field ids looked up once per parser, tree cursors kept
 * across files, and no tree-sitter queries: the parse dominates the cost.
 */

const TSLanguage *tree_sitter_python(void);

/*
 * Python itself refuses more than 100 levels of indentation; deeper
 * nesting of blocks and classes is refused here too, which bounds the
 * recursion of the walk.
 */
#define MAX_DEPTH 100
/* Python's tokenizer allows 200 nested brackets, in targets too. */
#define MAX_TARGET_DEPTH 200
/*
 * Cursors in use at once: three per level of blocks (block, statement,
 * clause) plus one per level of a nested assignment target, and a few.
 */
#define MAX_CURSORS (3 * MAX_DEPTH + 2 * MAX_TARGET_DEPTH + 16)
/* DESIGN 2.1: a docstring summary is cut at 160 characters. */
#define DOC_MAX_CHARS 160

enum sym {
	S_MODULE, S_BLOCK, S_COMMENT, S_IDENTIFIER,
	S_FUNCTION_DEFINITION, S_CLASS_DEFINITION, S_DECORATED_DEFINITION,
	S_DECORATOR, S_EXPRESSION_STATEMENT, S_ASSIGNMENT,
	S_AUGMENTED_ASSIGNMENT, S_TYPE_ALIAS_STATEMENT, S_IF_STATEMENT,
	S_ELIF_CLAUSE, S_ELSE_CLAUSE, S_TRY_STATEMENT, S_EXCEPT_CLAUSE,
	S_EXCEPT_GROUP_CLAUSE, S_FINALLY_CLAUSE, S_WITH_STATEMENT,
	S_STRING, S_STRING_START, S_STRING_END, S_INTERPOLATION,
	S_CONCATENATED_STRING, S_LIST, S_TUPLE, S_CALL, S_ATTRIBUTE,
	S_ARGUMENT_LIST, S_KEYWORD_ARGUMENT, S_PATTERN_LIST, S_TUPLE_PATTERN,
	S_LIST_PATTERN, S_LIST_SPLAT_PATTERN, S_DICTIONARY_SPLAT_PATTERN,
	S_TYPED_PARAMETER, S_DEFAULT_PARAMETER, S_TYPED_DEFAULT_PARAMETER,
	S_POSITIONAL_SEPARATOR, S_KEYWORD_SEPARATOR, S_ASYNC,
	S_FOR_STATEMENT, S_WHILE_STATEMENT, S_MATCH_STATEMENT, S_CASE_CLAUSE,
	S_GENERIC_TYPE, S_TYPE_PARAMETER, S_LIST_SPLAT, S_TYPE,
	S__COUNT
};

static const struct {
	const char *name;
	int named;
} sym_names[S__COUNT] = {
	{ "module", 1 }, { "block", 1 }, { "comment", 1 }, { "identifier", 1 },
	{ "function_definition", 1 }, { "class_definition", 1 },
	{ "decorated_definition", 1 }, { "decorator", 1 },
	{ "expression_statement", 1 }, { "assignment", 1 },
	{ "augmented_assignment", 1 }, { "type_alias_statement", 1 },
	{ "if_statement", 1 }, { "elif_clause", 1 }, { "else_clause", 1 },
	{ "try_statement", 1 }, { "except_clause", 1 },
	{ "except_group_clause", 1 }, { "finally_clause", 1 },
	{ "with_statement", 1 }, { "string", 1 }, { "string_start", 1 },
	{ "string_end", 1 }, { "interpolation", 1 },
	{ "concatenated_string", 1 }, { "list", 1 }, { "tuple", 1 },
	{ "call", 1 }, { "attribute", 1 }, { "argument_list", 1 },
	{ "keyword_argument", 1 }, { "pattern_list", 1 },
	{ "tuple_pattern", 1 }, { "list_pattern", 1 },
	{ "list_splat_pattern", 1 }, { "dictionary_splat_pattern", 1 },
	{ "typed_parameter", 1 }, { "default_parameter", 1 },
	{ "typed_default_parameter", 1 }, { "positional_separator", 1 },
	{ "keyword_separator", 1 }, { "async", 0 },
	{ "for_statement", 1 }, { "while_statement", 1 },
	{ "match_statement", 1 }, { "case_clause", 1 },
	{ "generic_type", 1 }, { "type_parameter", 1 }, { "list_splat", 1 },
	{ "type", 1 },
};

enum field {
	F_NAME, F_PARAMETERS, F_RETURN_TYPE, F_BODY, F_SUPERCLASSES,
	F_DEFINITION, F_LEFT, F_RIGHT, F_TYPE, F_VALUE, F_FUNCTION,
	F_OBJECT, F_ATTRIBUTE, F_ARGUMENTS, F_TYPE_PARAMETERS, F_CONSEQUENCE,
	F__COUNT
};

static const char *const field_names[F__COUNT] = {
	"name", "parameters", "return_type", "body", "superclasses",
	"definition", "left", "right", "type", "value", "function",
	"object", "attribute", "arguments", "type_parameters", "consequence",
};

/* A null node (ts_node_is_null), for absent optional children. */
static const TSNode null_node;

struct gs_python {
	TSParser *parser;
	TSSymbol sym[S__COUNT];
	TSFieldId field[F__COUNT];
	TSTreeCursor cursors[MAX_CURSORS];
	int cursors_nr; /* created so far */
	size_t pieces_min, piece; /* python_pieces.h */
	gs_buf decoded;
	gs_buf tmp;
};

/* Symbol groups, in contract order (DESIGN 2.2). */
enum group {
	G_VARIABLE,
	G_TYPE_ALIAS,
	G_ATTRIBUTE,
	G_CALLABLE,
	G_CLASS
};

struct scope;

struct entry {
	gs_symbol sym; /* sym.name is the own name until flattened */
	int group;
	size_t seq;
	int by_seq;    /* sorted by source order only (class variables) */
	int dropped;   /* an attribute already listed (DESIGN 2.1) */
	struct scope *body;
};

struct scope {
	struct entry *v;
	size_t nr, alloc;
};

struct strlist {
	char **v;
	size_t nr, alloc;
};

struct ctx {
	gs_python *py;
	const char *path;
	const char *src;
	size_t len;
	size_t row; /* of src's first line in the file, when parsing a piece */
	int cursor_top;
	size_t seq;
	int error;
	struct scope module;
	int all_seen, all_bad;
	struct strlist all;
	TSNode *nodes; /* scratch for parameter lists */
	size_t nodes_nr, nodes_alloc;
};

int gs_python_new(gs_python **out)
{
	gs_python *py = NULL;
	const TSLanguage *lang = tree_sitter_python();
	int error = 0;
	size_t i;

	*out = NULL;
	gs_python_set_allocator();
	py = gs_xcalloc(1, sizeof(*py));
	gs_buf_init(&py->decoded, 0);
	gs_buf_init(&py->tmp, 0);
	py->pieces_min = GS_PYTHON_PIECES_MIN;
	py->piece = GS_PYTHON_PIECE;
	{
		/* Tests only (python_pieces.h). */
		const char *env = getenv(GS_PYTHON_PIECES_ENV);
		char *end;
		unsigned long long n;

		if (env && *env) {
			n = strtoull(env, &end, 10);
			if (!*end)
				gs_python_set_pieces(py, (size_t)n,
						     n < GS_PYTHON_PIECE ? (size_t)n : GS_PYTHON_PIECE);
		}
	}
	py->parser = ts_parser_new();
	if (!py->parser || !ts_parser_set_language(py->parser, lang)) {
		error = gs_error_set(GS_ERROR, "cannot load the python grammar: version %u not supported",
				     ts_language_version(lang));
		goto done;
	}
	for (i = 0; i < S__COUNT; i++) {
		py->sym[i] = ts_language_symbol_for_name(lang, sym_names[i].name,
							 (uint32_t)strlen(sym_names[i].name),
							 sym_names[i].named);
		if (!py->sym[i]) {
			error = gs_error_set(GS_ERROR, "python grammar has no node '%s'", sym_names[i].name);
			goto done;
		}
	}
	for (i = 0; i < F__COUNT; i++) {
		py->field[i] = ts_language_field_id_for_name(lang, field_names[i],
							     (uint32_t)strlen(field_names[i]));
		if (!py->field[i]) {
			error = gs_error_set(GS_ERROR, "python grammar has no field '%s'", field_names[i]);
			goto done;
		}
	}

done:
	if (error)
		gs_python_free(py);
	else
		*out = py;
	return error;
}

void gs_python_set_pieces(gs_python *py, size_t min, size_t piece)
{
	py->pieces_min = min;
	py->piece = piece;
}

void gs_python_free(gs_python *py)
{
	int i;

	if (!py)
		return;
	for (i = 0; i < py->cursors_nr; i++)
		ts_tree_cursor_delete(&py->cursors[i]);
	if (py->parser)
		ts_parser_delete(py->parser);
	gs_buf_release(&py->decoded);
	gs_buf_release(&py->tmp);
	free(py);
}

/* --- iterating children with reusable cursors ------------------------- */

struct iter {
	TSTreeCursor *c;
	int has;
};

static void iter_start(struct ctx *x, struct iter *it, TSNode node)
{
	gs_python *py = x->py;

	if (x->cursor_top >= MAX_CURSORS) {
		/* Cannot happen within MAX_DEPTH; never read past the pool. */
		it->c = NULL;
		it->has = 0;
		return;
	}
	if (x->cursor_top >= py->cursors_nr) {
		py->cursors[py->cursors_nr++] = ts_tree_cursor_new(node);
	} else {
		ts_tree_cursor_reset(&py->cursors[x->cursor_top], node);
	}
	it->c = &py->cursors[x->cursor_top++];
	it->has = ts_tree_cursor_goto_first_child(it->c);
}

static int iter_next(struct iter *it, TSNode *out)
{
	if (!it->has)
		return 0;
	*out = ts_tree_cursor_current_node(it->c);
	it->has = ts_tree_cursor_goto_next_sibling(it->c);
	return 1;
}

/* The next named child that is not a comment. */
static int iter_next_named(struct ctx *x, struct iter *it, TSNode *out)
{
	TSNode n;

	while (iter_next(it, &n)) {
		if (ts_node_is_named(n) && ts_node_symbol(n) != x->py->sym[S_COMMENT]) {
			*out = n;
			return 1;
		}
	}
	return 0;
}

static void iter_end(struct ctx *x, struct iter *it)
{
	if (it->c)
		x->cursor_top--;
}

/* The first named child that is not a comment. */
static int first_named(struct ctx *x, TSNode node, TSNode *out)
{
	struct iter it;
	int found;

	iter_start(x, &it, node);
	found = iter_next_named(x, &it, out);
	iter_end(x, &it);
	return found;
}

static int is(struct ctx *x, TSNode n, enum sym s)
{
	return !ts_node_is_null(n) && ts_node_symbol(n) == x->py->sym[s];
}

static TSNode field(struct ctx *x, TSNode n, enum field f)
{
	return ts_node_child_by_field_id(n, x->py->field[f]);
}

/* --- text ------------------------------------------------------------- */

static const char *node_text(struct ctx *x, TSNode n, size_t *len)
{
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);

	if (e > x->len)
		e = (uint32_t)x->len;
	if (s > e)
		s = e;
	*len = e - s;
	return x->src + s;
}

static int text_is(struct ctx *x, TSNode n, const char *s)
{
	size_t len;
	const char *t = node_text(x, n, &len);

	return len == strlen(s) && !memcmp(t, s, len);
}

static char *dup_raw(struct ctx *x, const char *s, size_t len)
{
	gs_buf *tmp = &x->py->tmp;

	gs_buf_clear(tmp);
	gs_utf8_put_escaped(tmp, s, len);
	return gs_xstrndup(tmp->ptr, tmp->size);
}

static char *dup_text(struct ctx *x, TSNode n)
{
	size_t len;
	const char *t = node_text(x, n, &len);

	return dup_raw(x, t, len);
}

static char *dup_norm(struct ctx *x, TSNode n)
{
	gs_buf *tmp = &x->py->tmp;
	size_t len;
	const char *t = node_text(x, n, &len);

	gs_buf_clear(tmp);
	gs_python_normalize_expr(tmp, t, len);
	return gs_xstrndup(tmp->ptr, tmp->size);
}

static void strlist_push(struct strlist *l, char *s)
{
	GS_ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = s;
}

static void strlist_clear(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* --- strings and docstrings ------------------------------------------- */

/*
 * The text between the quotes of a `string` node, or NULL when it is an
 * f-string, a t-string or a bytes literal (none of them is a docstring or
 * a name of __all__).
 */
static const char *string_body(struct ctx *x, TSNode str, size_t *len)
{
	struct iter it;
	TSNode n, start = null_node, end = null_node;
	int have_start = 0, have_end = 0, bad = 0;
	const char *p;
	size_t plen, i;
	uint32_t s, e;

	iter_start(x, &it, str);
	while (iter_next(&it, &n)) {
		if (is(x, n, S_STRING_START)) {
			start = n;
			have_start = 1;
		} else if (is(x, n, S_STRING_END)) {
			end = n;
			have_end = 1;
		} else if (is(x, n, S_INTERPOLATION)) {
			bad = 1;
		}
	}
	iter_end(x, &it);
	if (bad || !have_start || !have_end)
		return NULL;
	p = node_text(x, start, &plen);
	for (i = 0; i < plen; i++) {
		char c = p[i];

		if (c == 'f' || c == 'F' || c == 'b' || c == 'B' || c == 't' || c == 'T')
			return NULL;
	}
	s = ts_node_end_byte(start);
	e = ts_node_start_byte(end);
	if (e < s || e > x->len)
		return NULL;
	*len = e - s;
	return x->src + s;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

/*
 * Append the summary of docstring text to `tmp`: its first paragraph (the
 * lines from the first non-blank one up to the next blank line), stripped,
 * inner white space and line breaks collapsed to one space. Returns 1 once
 * a non-blank line was found.
 */
static int summarize(gs_buf *tmp, const char *s, size_t len)
{
	size_t i = 0;
	int found = 0, ws = 0;

	while (i < len) {
		size_t eol = i, a, b;

		while (eol < len && s[eol] != '\n')
			eol++;
		a = i;
		b = eol;
		while (a < b && is_space(s[a]))
			a++;
		while (b > a && is_space(s[b - 1]))
			b--;
		if (a == b) {
			if (found)
				break;
		} else {
			if (found)
				ws = 1;
			for (; a < b; a++) {
				if (is_space(s[a])) {
					ws = 1;
					continue;
				}
				if (ws)
					gs_buf_putc(tmp, ' ');
				ws = 0;
				gs_buf_putc(tmp, s[a]);
			}
			found = 1;
		}
		i = eol + 1;
	}
	return found;
}

/*
 * Cut `b` (valid UTF-8) to `max` code points: the first max - 1 and an
 * ellipsis (U+2026) when it is longer.
 */
static void cut_chars(gs_buf *b, size_t max)
{
	size_t i = 0, n = 0, keep = 0;

	while (i < b->size) {
		size_t k = gs_utf8_seq_len(b->ptr + i, b->size - i);

		if (n == max - 1)
			keep = i;
		i += k ? k : 1;
		n++;
	}
	if (n <= max)
		return;
	gs_buf_setlen(b, keep);
	gs_buf_puts(b, "\xe2\x80\xa6");
}

/* The docstring summary of a module or block, or NULL. */
static char *docstring(struct ctx *x, TSNode body)
{
	struct iter it;
	TSNode stmt, expr, extra;
	gs_buf raw = GS_BUF_INIT;
	gs_buf *tmp = &x->py->tmp;
	char *doc = NULL;
	int ok = 0;

	if (ts_node_is_null(body) || !first_named(x, body, &stmt) ||
	    !is(x, stmt, S_EXPRESSION_STATEMENT))
		return NULL;
	iter_start(x, &it, stmt);
	ok = iter_next_named(x, &it, &expr) && !iter_next_named(x, &it, &extra);
	iter_end(x, &it);
	if (!ok)
		return NULL;

	/*
	 * A concatenation of plain string literals is a docstring in Python
	 * too; its text is the contents of the parts joined as written.
	 */
	if (is(x, expr, S_STRING)) {
		size_t len;
		const char *b = string_body(x, expr, &len);

		if (!b)
			return NULL;
		gs_buf_put(&raw, b, len);
	} else if (is(x, expr, S_CONCATENATED_STRING)) {
		TSNode part;

		iter_start(x, &it, expr);
		while (iter_next_named(x, &it, &part)) {
			size_t len;
			const char *b = is(x, part, S_STRING) ? string_body(x, part, &len) : NULL;

			if (!b) {
				ok = 0;
				break;
			}
			gs_buf_put(&raw, b, len);
		}
		iter_end(x, &it);
		if (!ok)
			goto done;
	} else {
		goto done;
	}

	gs_buf_clear(tmp);
	{
		gs_buf line = GS_BUF_INIT;

		if (summarize(&line, raw.ptr, raw.size)) {
			gs_utf8_put_escaped(tmp, line.ptr, line.size);
			cut_chars(tmp, DOC_MAX_CHARS);
			doc = gs_xstrndup(tmp->ptr, tmp->size);
		}
		gs_buf_release(&line);
	}

done:
	gs_buf_release(&raw);
	return doc;
}

/* --- scopes ----------------------------------------------------------- */

static void scope_free(struct scope *s);

static void entry_release(struct entry *e)
{
	gs_symbol_release(&e->sym);
	if (e->body) {
		scope_free(e->body);
		free(e->body);
		e->body = NULL;
	}
}

static void scope_free(struct scope *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		entry_release(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static struct entry *scope_add(struct ctx *x, struct scope *s, int group, gs_symbol_kind kind,
			       char *name, TSNode at)
{
	struct entry *e;

	GS_ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	e = &s->v[s->nr++];
	memset(e, 0, sizeof(*e));
	e->group = group;
	e->seq = x->seq++;
	e->sym.kind = kind;
	e->sym.name = name;
	e->sym.parent = -1;
	e->sym.line = x->row + (size_t)ts_node_start_point(at).row + 1;
	return e;
}

static int too_deep_for(struct ctx *x, int depth, int limit)
{
	if (depth <= limit)
		return 0;
	if (!x->error)
		x->error = gs_error_set_at(GS_EINPUT, x->path, 0, 0, "%s: nesting too deep", x->path);
	return 1;
}

static int too_deep(struct ctx *x, int depth)
{
	return too_deep_for(x, depth, MAX_DEPTH);
}

/* --- definitions ------------------------------------------------------ */

static int walk_block(struct ctx *x, struct scope *scope, TSNode block, int in_class, int depth);

static void add_variable(struct ctx *x, struct scope *scope, TSNode name, TSNode type, TSNode value)
{
	struct entry *e;

	if (text_is(x, name, "__all__"))
		return;
	e = scope_add(x, scope, G_VARIABLE, GS_SYM_VARIABLE, dup_text(x, name), name);
	if (!ts_node_is_null(type))
		e->sym.annotation = dup_norm(x, type);
	if (!ts_node_is_null(value))
		e->sym.value = dup_norm(x, value);
}

/* PEP 695 type parameters: the normalised text between the brackets. */
static char *type_params(struct ctx *x, TSNode tp)
{
	gs_buf *tmp = &x->py->tmp;
	size_t len;
	const char *t;

	if (ts_node_is_null(tp))
		return NULL;
	t = node_text(x, tp, &len);
	gs_buf_clear(tmp);
	gs_python_normalize_expr(tmp, t, len);
	if (tmp->size < 2 || tmp->ptr[0] != '[' || tmp->ptr[tmp->size - 1] != ']')
		return gs_xstrndup(tmp->ptr, tmp->size);
	return gs_xstrndup(tmp->ptr + 1, tmp->size - 2);
}

static TSNode self_attribute(struct ctx *x, TSNode target, TSNode self);
static void add_attribute(struct ctx *x, struct scope *scope, TSNode name, TSNode type, TSNode value);

/*
 * Each plain name of a target, recursively through tuple and list targets;
 * with `self` (a method's first parameter) each self.NAME instead, as an
 * attribute. No values: an unpacked value is not known.
 */
static void add_targets(struct ctx *x, struct scope *scope, TSNode target, TSNode self, int depth)
{
	struct iter it;
	TSNode n, name;

	if (too_deep_for(x, depth, MAX_TARGET_DEPTH))
		return;
	if (ts_node_is_null(self)) {
		if (is(x, target, S_IDENTIFIER)) {
			add_variable(x, scope, target, null_node, null_node);
			return;
		}
	} else {
		name = self_attribute(x, target, self);
		if (!ts_node_is_null(name)) {
			add_attribute(x, scope, name, null_node, null_node);
			return;
		}
	}
	if (!is(x, target, S_PATTERN_LIST) && !is(x, target, S_TUPLE_PATTERN) &&
	    !is(x, target, S_LIST_PATTERN) && !is(x, target, S_LIST_SPLAT_PATTERN))
		return;
	iter_start(x, &it, target);
	while (iter_next_named(x, &it, &n))
		add_targets(x, scope, n, self, depth + 1);
	iter_end(x, &it);
}

/*
 * The string names of a literal list or tuple of plain string literals,
 * appended to x->all; 0 if `value` is not such a literal.
 */
static int all_literal(struct ctx *x, TSNode value)
{
	struct iter it;
	TSNode n;
	int ok = 1;

	if (ts_node_is_null(value) || (!is(x, value, S_LIST) && !is(x, value, S_TUPLE)))
		return 0;
	iter_start(x, &it, value);
	while (ok && iter_next_named(x, &it, &n)) {
		size_t len;
		const char *b = is(x, n, S_STRING) ? string_body(x, n, &len) : NULL;

		if (!b)
			ok = 0;
		else
			strlist_push(&x->all, dup_raw(x, b, len));
	}
	iter_end(x, &it);
	return ok;
}

static void all_assigned(struct ctx *x, TSNode value)
{
	x->all_seen = 1;
	if (!all_literal(x, value))
		x->all_bad = 1;
}

/* Does target (a pattern) bind __all__ anywhere? */
static int binds_all(struct ctx *x, TSNode target, int depth)
{
	struct iter it;
	TSNode n;
	int found = 0;

	if (depth > MAX_TARGET_DEPTH)
		return 0;
	if (is(x, target, S_IDENTIFIER))
		return text_is(x, target, "__all__");
	if (!is(x, target, S_PATTERN_LIST) && !is(x, target, S_TUPLE_PATTERN) &&
	    !is(x, target, S_LIST_PATTERN) && !is(x, target, S_LIST_SPLAT_PATTERN))
		return 0;
	iter_start(x, &it, target);
	while (!found && iter_next_named(x, &it, &n))
		found = binds_all(x, n, depth + 1);
	iter_end(x, &it);
	return found;
}

/*
 * `(x)` and `((x))` are the target x itself, as in Python's ast; `(x,)`
 * is a tuple target.
 */
static TSNode unparen(struct ctx *x, TSNode target)
{
	int depth = 0;

	while (is(x, target, S_TUPLE_PATTERN) && depth++ < MAX_TARGET_DEPTH) {
		uint32_t i, n = ts_node_child_count(target), named = 0;
		TSNode inner = null_node;

		for (i = 0; i < n; i++) {
			TSNode c = ts_node_child(target, i);

			if (ts_node_is_named(c)) {
				if (ts_node_symbol(c) == x->py->sym[S_COMMENT])
					continue;
				inner = c;
				named++;
			} else if (text_is(x, c, ",")) {
				return target;
			}
		}
		if (named != 1)
			return target;
		target = inner;
	}
	return target;
}

/* The value of a chain a = b = 1: the right side of its last link. */
static TSNode chain_value(struct ctx *x, TSNode node)
{
	TSNode right = field(x, node, F_RIGHT);

	while (is(x, right, S_ASSIGNMENT))
		right = field(x, right, F_RIGHT);
	return right;
}

static void add_assignment(struct ctx *x, struct scope *scope, TSNode node, int module_level)
{
	TSNode value = chain_value(x, node);

	/* A chain a = b = 1 nests to the right: walk it as a loop. */
	while (!x->error && is(x, node, S_ASSIGNMENT)) {
		TSNode left = unparen(x, field(x, node, F_LEFT));
		TSNode right = field(x, node, F_RIGHT);
		TSNode type = field(x, node, F_TYPE);

		if (ts_node_is_null(left))
			break;
		if (module_level && binds_all(x, left, 0)) {
			if (!is(x, left, S_IDENTIFIER) || is(x, right, S_ASSIGNMENT))
				all_assigned(x, null_node);
			else if (!ts_node_is_null(right))
				all_assigned(x, right);
		}
		if (is(x, left, S_IDENTIFIER))
			add_variable(x, scope, left, type, value);
		else
			add_targets(x, scope, left, null_node, 0);
		node = right;
	}
}

static void augmented_assignment(struct ctx *x, TSNode node)
{
	TSNode left = field(x, node, F_LEFT), right = field(x, node, F_RIGHT);
	uint32_t a, b;
	const char *op;
	size_t len;

	if (ts_node_is_null(left) || !binds_all(x, left, 0))
		return;
	if (ts_node_is_null(right)) {
		all_assigned(x, right);
		return;
	}
	a = ts_node_end_byte(left);
	b = ts_node_start_byte(right);
	op = x->src + a;
	len = b > a ? b - a : 0;
	while (len && (*op == ' ' || *op == '\t' || *op == '\\' || *op == '\n')) {
		op++;
		len--;
	}
	while (len && (op[len - 1] == ' ' || op[len - 1] == '\t' || op[len - 1] == '\\' || op[len - 1] == '\n'))
		len--;
	if (!is(x, left, S_IDENTIFIER) || len != 2 || memcmp(op, "+=", 2))
		all_assigned(x, null_node);
	else
		all_assigned(x, right);
}

/* __all__.extend([...]) and __all__.append("...") at module level. */
static void all_call(struct ctx *x, TSNode call)
{
	TSNode fn = field(x, call, F_FUNCTION), args = field(x, call, F_ARGUMENTS);
	TSNode obj, attr, arg, extra;
	struct iter it;
	int one;

	if (ts_node_is_null(fn) || !is(x, fn, S_ATTRIBUTE))
		return;
	obj = field(x, fn, F_OBJECT);
	attr = field(x, fn, F_ATTRIBUTE);
	if (ts_node_is_null(obj) || !is(x, obj, S_IDENTIFIER) || !text_is(x, obj, "__all__") ||
	    ts_node_is_null(attr))
		return;
	if (!text_is(x, attr, "extend") && !text_is(x, attr, "append"))
		return;
	if (ts_node_is_null(args) || !is(x, args, S_ARGUMENT_LIST)) {
		all_assigned(x, null_node);
		return;
	}
	iter_start(x, &it, args);
	one = iter_next_named(x, &it, &arg) && !iter_next_named(x, &it, &extra);
	iter_end(x, &it);
	if (!one) {
		all_assigned(x, null_node);
	} else if (text_is(x, attr, "extend")) {
		all_assigned(x, arg);
	} else {
		size_t len;
		const char *b = is(x, arg, S_STRING) ? string_body(x, arg, &len) : NULL;

		x->all_seen = 1;
		if (b)
			strlist_push(&x->all, dup_raw(x, b, len));
		else
			x->all_bad = 1;
	}
}

static void expression_statement(struct ctx *x, struct scope *scope, TSNode stmt, int module_level)
{
	struct iter it;
	TSNode n;

	iter_start(x, &it, stmt);
	while (iter_next_named(x, &it, &n)) {
		if (is(x, n, S_ASSIGNMENT))
			add_assignment(x, scope, n, module_level);
		else if (module_level && is(x, n, S_AUGMENTED_ASSIGNMENT))
			augmented_assignment(x, n);
		else if (module_level && is(x, n, S_CALL))
			all_call(x, n);
	}
	iter_end(x, &it);
}

static void type_alias(struct ctx *x, struct scope *scope, TSNode stmt)
{
	TSNode left = field(x, stmt, F_LEFT), right = field(x, stmt, F_RIGHT);
	TSNode inner, name = null_node, tp = null_node, n;
	struct entry *e;
	struct iter it;

	if (ts_node_is_null(left) || !first_named(x, left, &inner))
		return;
	/* `type X[T] = ...` parses its left side as a generic type. */
	if (is(x, inner, S_GENERIC_TYPE)) {
		iter_start(x, &it, inner);
		while (iter_next_named(x, &it, &n)) {
			if (ts_node_is_null(name) && is(x, n, S_IDENTIFIER))
				name = n;
			else if (is(x, n, S_TYPE_PARAMETER))
				tp = n;
		}
		iter_end(x, &it);
	} else if (is(x, inner, S_IDENTIFIER)) {
		name = inner;
	}
	if (ts_node_is_null(name))
		return;
	e = scope_add(x, scope, G_TYPE_ALIAS, GS_SYM_TYPE_ALIAS, dup_text(x, name), name);
	e->sym.type_params = type_params(x, tp);
	if (!ts_node_is_null(right))
		e->sym.value = dup_norm(x, right);
}

static int is_accessor(const char *d)
{
	static const char *const suffixes[] = { ".setter", ".getter", ".deleter" };
	size_t n = strlen(d), i, k;

	for (k = 0; k < GS_ARRAY_SIZE(suffixes); k++) {
		size_t sl = strlen(suffixes[k]);

		if (n <= sl || strcmp(d + n - sl, suffixes[k]))
			continue;
		for (i = 0; i < n - sl; i++) {
			unsigned char c = d[i];

			if (!(c == '.' || c == '_' || (c >= '0' && c <= '9') ||
			      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80))
				return 0;
		}
		return 1;
	}
	return 0;
}

static gs_symbol_kind method_kind(char **decorators, size_t nr, int is_async)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		const char *d = decorators[i];

		if (!strcmp(d, "property") || !strcmp(d, "cached_property") ||
		    !strcmp(d, "functools.cached_property") || is_accessor(d))
			return GS_SYM_PROPERTY;
		if (!strcmp(d, "classmethod"))
			return GS_SYM_CLASSMETHOD;
		if (!strcmp(d, "staticmethod"))
			return GS_SYM_STATICMETHOD;
	}
	return is_async ? GS_SYM_ASYNC_METHOD : GS_SYM_METHOD;
}

static void params(struct ctx *x, gs_symbol *sym, TSNode list)
{
	struct iter it;
	TSNode n;
	size_t i, slash = (size_t)-1, nr = 0;
	gs_param_kind state = GS_PARAM_POSITIONAL_OR_KEYWORD;

	sym->has_params = 1;
	if (ts_node_is_null(list))
		return;
	x->nodes_nr = 0;
	iter_start(x, &it, list);
	while (iter_next_named(x, &it, &n)) {
		GS_ALLOC_GROW(x->nodes, x->nodes_nr + 1, x->nodes_alloc);
		if (is(x, n, S_POSITIONAL_SEPARATOR))
			slash = x->nodes_nr;
		x->nodes[x->nodes_nr++] = n;
	}
	iter_end(x, &it);
	if (slash != (size_t)-1)
		state = GS_PARAM_POSITIONAL_ONLY;
	if (!x->nodes_nr)
		return;

	sym->params = gs_xcalloc(x->nodes_nr, sizeof(*sym->params));
	for (i = 0; i < x->nodes_nr; i++) {
		gs_param *p = &sym->params[nr];
		TSNode name = x->nodes[i], type = null_node, value = null_node, inner;
		gs_param_kind kind;

		if (i == slash) {
			state = GS_PARAM_POSITIONAL_OR_KEYWORD;
			continue;
		}
		if (is(x, name, S_KEYWORD_SEPARATOR)) {
			state = GS_PARAM_KEYWORD_ONLY;
			continue;
		}
		if (is(x, name, S_TYPED_PARAMETER)) {
			type = field(x, name, F_TYPE);
			if (!first_named(x, name, &inner))
				continue;
			name = inner;
		} else if (is(x, name, S_DEFAULT_PARAMETER) || is(x, name, S_TYPED_DEFAULT_PARAMETER)) {
			type = field(x, name, F_TYPE);
			value = field(x, name, F_VALUE);
			name = field(x, name, F_NAME);
			if (ts_node_is_null(name))
				continue;
		}
		kind = state;
		if (is(x, name, S_LIST_SPLAT_PATTERN)) {
			kind = GS_PARAM_VAR_POSITIONAL;
			state = GS_PARAM_KEYWORD_ONLY;
			if (first_named(x, name, &inner))
				name = inner;
		} else if (is(x, name, S_DICTIONARY_SPLAT_PATTERN)) {
			kind = GS_PARAM_VAR_KEYWORD;
			if (first_named(x, name, &inner))
				name = inner;
		}
		p->kind = kind;
		p->name = is(x, name, S_IDENTIFIER) ? dup_text(x, name) : dup_norm(x, name);
		if (!ts_node_is_null(type))
			p->annotation = dup_norm(x, type);
		if (!ts_node_is_null(value))
			p->default_value = dup_norm(x, value);
		nr++;
	}
	sym->params_nr = nr;
	if (!nr) {
		free(sym->params);
		sym->params = NULL;
	}
}

static void init_block(struct ctx *x, struct scope *scope, TSNode block, TSNode self, int depth);

/*
 * The name of the first parameter of a method (what `self` is called), or
 * a null node when the first parameter is not a plain positional one.
 */
static TSNode self_param(struct ctx *x, TSNode list)
{
	TSNode first, inner;

	if (ts_node_is_null(list) || !first_named(x, list, &first))
		return null_node;
	if (is(x, first, S_IDENTIFIER))
		return first;
	if (is(x, first, S_TYPED_PARAMETER))
		return first_named(x, first, &inner) && is(x, inner, S_IDENTIFIER) ? inner : null_node;
	if (is(x, first, S_DEFAULT_PARAMETER) || is(x, first, S_TYPED_DEFAULT_PARAMETER)) {
		inner = field(x, first, F_NAME);
		return is(x, inner, S_IDENTIFIER) ? inner : null_node;
	}
	return null_node;
}

static void add_function(struct ctx *x, struct scope *scope, TSNode def,
			 struct strlist *decorators, int in_class, int depth)
{
	TSNode name = field(x, def, F_NAME), first, ret;
	struct entry *e;
	int is_async;
	gs_symbol_kind kind;

	if (ts_node_is_null(name))
		return;
	first = ts_node_child(def, 0);
	is_async = !ts_node_is_null(first) && is(x, first, S_ASYNC);
	if (in_class)
		kind = method_kind(decorators->v, decorators->nr, is_async);
	else
		kind = is_async ? GS_SYM_ASYNC_FUNCTION : GS_SYM_FUNCTION;
	e = scope_add(x, scope, G_CALLABLE, kind, dup_text(x, name), name);
	e->sym.is_async = is_async;
	e->sym.markers = decorators->v;
	e->sym.markers_nr = decorators->nr;
	memset(decorators, 0, sizeof(*decorators));
	e->sym.type_params = type_params(x, field(x, def, F_TYPE_PARAMETERS));
	params(x, &e->sym, field(x, def, F_PARAMETERS));
	ret = field(x, def, F_RETURN_TYPE);
	if (!ts_node_is_null(ret))
		e->sym.returns = dup_norm(x, ret);
	e->sym.doc = docstring(x, field(x, def, F_BODY));
	/* `e` may move from here on: attributes are added to the same scope. */
	if (in_class && text_is(x, name, "__init__")) {
		TSNode self = self_param(x, field(x, def, F_PARAMETERS));
		TSNode body = field(x, def, F_BODY);

		if (!ts_node_is_null(self) && !ts_node_is_null(body))
			init_block(x, scope, body, self, depth + 1);
	}
}

static void add_class(struct ctx *x, struct scope *scope, TSNode def,
		      struct strlist *decorators, int depth)
{
	TSNode name = field(x, def, F_NAME), supers, body, n;
	struct entry *e;
	struct scope *inner;
	struct strlist bases = { NULL, 0, 0 };
	struct iter it;

	if (ts_node_is_null(name))
		return;
	e = scope_add(x, scope, G_CLASS, GS_SYM_CLASS, dup_text(x, name), name);
	e->sym.markers = decorators->v;
	e->sym.markers_nr = decorators->nr;
	memset(decorators, 0, sizeof(*decorators));
	e->sym.has_bases = 1;
	supers = field(x, def, F_SUPERCLASSES);
	if (!ts_node_is_null(supers)) {
		iter_start(x, &it, supers);
		while (iter_next_named(x, &it, &n)) {
			if (is(x, n, S_KEYWORD_ARGUMENT)) {
				TSNode k = field(x, n, F_NAME), v = field(x, n, F_VALUE);
				gs_buf b = GS_BUF_INIT;
				char *t;

				if (ts_node_is_null(k) || ts_node_is_null(v)) {
					strlist_push(&bases, dup_norm(x, n));
					continue;
				}
				t = dup_text(x, k);
				gs_buf_puts(&b, t);
				free(t);
				gs_buf_putc(&b, '=');
				t = dup_norm(x, v);
				gs_buf_puts(&b, t);
				free(t);
				strlist_push(&bases, gs_buf_detach(&b, NULL));
			} else {
				strlist_push(&bases, dup_norm(x, n));
			}
		}
		iter_end(x, &it);
	}
	e->sym.bases = bases.v;
	e->sym.bases_nr = bases.nr;
	e->sym.type_params = type_params(x, field(x, def, F_TYPE_PARAMETERS));
	body = field(x, def, F_BODY);
	e->sym.doc = docstring(x, body);
	inner = gs_xcalloc(1, sizeof(*inner));
	e->body = inner;
	/* `e` may move when the scope grows; only `inner` is used below. */
	if (!ts_node_is_null(body))
		walk_block(x, inner, body, 1, depth + 1);
}

static void decorated(struct ctx *x, struct scope *scope, TSNode node, int in_class, int depth)
{
	struct strlist decos = { NULL, 0, 0 };
	struct iter it;
	TSNode n, def = null_node, expr;
	int have_def = 0;

	iter_start(x, &it, node);
	while (iter_next_named(x, &it, &n)) {
		if (is(x, n, S_DECORATOR)) {
			if (first_named(x, n, &expr))
				strlist_push(&decos, dup_norm(x, expr));
		} else if (is(x, n, S_FUNCTION_DEFINITION) || is(x, n, S_CLASS_DEFINITION)) {
			def = n;
			have_def = 1;
		}
	}
	iter_end(x, &it);
	if (have_def) {
		if (is(x, def, S_FUNCTION_DEFINITION))
			add_function(x, scope, def, &decos, in_class, depth);
		else
			add_class(x, scope, def, &decos, depth);
	}
	strlist_clear(&decos);
}

static int is_compound(struct ctx *x, TSSymbol s)
{
	gs_python *py = x->py;

	return s == py->sym[S_IF_STATEMENT] || s == py->sym[S_TRY_STATEMENT] ||
		s == py->sym[S_WITH_STATEMENT] || s == py->sym[S_FOR_STATEMENT] ||
		s == py->sym[S_WHILE_STATEMENT] || s == py->sym[S_MATCH_STATEMENT];
}

/* One block of a compound statement: definitions, or attributes of __init__. */
static void sub_block(struct ctx *x, struct scope *scope, TSNode block, int in_class, int depth,
		      TSNode self)
{
	if (ts_node_is_null(self))
		walk_block(x, scope, block, in_class, depth);
	else
		init_block(x, scope, block, self, depth);
}

/*
 * if/elif/else, try/except/except* /else/finally, with, for/else,
 * while/else and the cases of match: the blocks of the statement and of
 * its clauses. Targets, conditions and patterns bind nothing here.
 */
static void compound(struct ctx *x, struct scope *scope, TSNode stmt, int in_class, int depth,
		     TSNode self)
{
	struct iter it, it2;
	TSNode n, m;
	int match;

	if (too_deep(x, depth))
		return;
	match = is(x, stmt, S_MATCH_STATEMENT);
	iter_start(x, &it, stmt);
	while (!x->error && iter_next_named(x, &it, &n)) {
		if (is(x, n, S_BLOCK) && !match) {
			sub_block(x, scope, n, in_class, depth, self);
		} else if (is(x, n, S_BLOCK) || is(x, n, S_ELIF_CLAUSE) || is(x, n, S_ELSE_CLAUSE) ||
			   is(x, n, S_EXCEPT_CLAUSE) || is(x, n, S_EXCEPT_GROUP_CLAUSE) ||
			   is(x, n, S_FINALLY_CLAUSE)) {
			/* A match body holds its case clauses. */
			iter_start(x, &it2, n);
			while (!x->error && iter_next_named(x, &it2, &m)) {
				if (is(x, m, S_BLOCK)) {
					sub_block(x, scope, m, in_class, depth, self);
				} else if (is(x, m, S_CASE_CLAUSE)) {
					TSNode c = field(x, m, F_CONSEQUENCE);

					if (is(x, c, S_BLOCK))
						sub_block(x, scope, c, in_class, depth + 1, self);
				}
			}
			iter_end(x, &it2);
		}
	}
	iter_end(x, &it);
}

/* --- instance attributes of __init__ ---------------------------------- */

static void add_attribute(struct ctx *x, struct scope *scope, TSNode name, TSNode type, TSNode value)
{
	struct entry *e = scope_add(x, scope, G_ATTRIBUTE, GS_SYM_ATTRIBUTE, dup_text(x, name), name);

	if (!ts_node_is_null(type))
		e->sym.annotation = dup_norm(x, type);
	if (!ts_node_is_null(value))
		e->sym.value = dup_norm(x, value);
}

/* `self.NAME` (or `*self.NAME`, as tree-sitter reads a starred one): NAME. */
static TSNode self_attribute(struct ctx *x, TSNode target, TSNode self)
{
	TSNode obj, attr, inner;
	size_t a, b;
	const char *ta, *tb;

	if (!is(x, target, S_ATTRIBUTE))
		return null_node;
	obj = field(x, target, F_OBJECT);
	attr = field(x, target, F_ATTRIBUTE);
	if (is(x, obj, S_LIST_SPLAT) && first_named(x, obj, &inner))
		obj = inner;
	if (!is(x, obj, S_IDENTIFIER) || !is(x, attr, S_IDENTIFIER))
		return null_node;
	ta = node_text(x, obj, &a);
	tb = node_text(x, self, &b);
	return a == b && !memcmp(ta, tb, a) ? attr : null_node;
}

static void init_assignment(struct ctx *x, struct scope *scope, TSNode node, TSNode self)
{
	TSNode value = chain_value(x, node);

	while (!x->error && is(x, node, S_ASSIGNMENT)) {
		TSNode left = unparen(x, field(x, node, F_LEFT)), name;

		if (ts_node_is_null(left))
			break;
		name = self_attribute(x, left, self);
		if (!ts_node_is_null(name) && !is(x, field(x, left, F_OBJECT), S_LIST_SPLAT))
			add_attribute(x, scope, name, field(x, node, F_TYPE), value);
		else
			add_targets(x, scope, left, self, 0);
		node = field(x, node, F_RIGHT);
	}
}

/*
 * The statements of __init__ (recursively through compound statements,
 * never into nested functions or classes): every assignment to
 * self.NAME is an instance attribute of the class.
 */
static void init_block(struct ctx *x, struct scope *scope, TSNode block, TSNode self, int depth)
{
	struct iter it, it2;
	TSNode n, m;

	if (too_deep(x, depth))
		return;
	iter_start(x, &it, block);
	while (!x->error && iter_next_named(x, &it, &n)) {
		if (is(x, n, S_EXPRESSION_STATEMENT)) {
			iter_start(x, &it2, n);
			while (iter_next_named(x, &it2, &m))
				if (is(x, m, S_ASSIGNMENT))
					init_assignment(x, scope, m, self);
			iter_end(x, &it2);
		} else if (is_compound(x, ts_node_symbol(n))) {
			compound(x, scope, n, 1, depth + 1, self);
		}
	}
	iter_end(x, &it);
}

static int walk_block(struct ctx *x, struct scope *scope, TSNode block, int in_class, int depth)
{
	struct iter it;
	TSNode n;
	int module_level = scope == &x->module;

	if (too_deep(x, depth))
		return x->error;
	iter_start(x, &it, block);
	while (!x->error && iter_next_named(x, &it, &n)) {
		TSSymbol s = ts_node_symbol(n);
		gs_python *py = x->py;

		if (s == py->sym[S_EXPRESSION_STATEMENT]) {
			expression_statement(x, scope, n, module_level);
		} else if (s == py->sym[S_FUNCTION_DEFINITION]) {
			struct strlist none = { NULL, 0, 0 };

			add_function(x, scope, n, &none, in_class, depth);
		} else if (s == py->sym[S_CLASS_DEFINITION]) {
			struct strlist none = { NULL, 0, 0 };

			add_class(x, scope, n, &none, depth);
		} else if (s == py->sym[S_DECORATED_DEFINITION]) {
			decorated(x, scope, n, in_class, depth);
		} else if (s == py->sym[S_TYPE_ALIAS_STATEMENT]) {
			type_alias(x, scope, n);
		} else if (is_compound(x, s)) {
			compound(x, scope, n, in_class, depth + 1, null_node);
		}
	}
	iter_end(x, &it);
	return x->error;
}

/* --- ordering, public names, flattening ------------------------------- */

static int entry_cmp(const void *a_, const void *b_)
{
	const struct entry *a = a_, *b = b_;
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->by_seq)
		return a->seq < b->seq ? -1 : a->seq > b->seq;
	c = strcmp(a->sym.name, b->sym.name);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_dunder(const char *s)
{
	size_t n = strlen(s);

	return n > 4 && s[0] == '_' && s[1] == '_' && s[n - 1] == '_' && s[n - 2] == '_';
}

struct flat {
	gs_module *mod;
	size_t alloc;
	char **all_sorted; /* NULL when there is no literal __all__ */
	size_t all_nr;
};

/*
 * An instance attribute is listed once, from its first assignment, and
 * not at all when a variable or callable of its class has its name
 * (DESIGN 2.1). The scope is sorted: attributes of one name are adjacent,
 * the first in source order first.
 */
static void drop_attributes(struct scope *scope)
{
	char **names = NULL;
	size_t i, nr = 0;

	for (i = 0; i < scope->nr; i++)
		if (scope->v[i].group == G_VARIABLE || scope->v[i].group == G_CALLABLE)
			nr++;
	if (nr) {
		names = gs_xcalloc(nr, sizeof(*names));
		nr = 0;
		for (i = 0; i < scope->nr; i++)
			if (scope->v[i].group == G_VARIABLE || scope->v[i].group == G_CALLABLE)
				names[nr++] = scope->v[i].sym.name;
		GS_QSORT(names, nr, str_cmp);
	}
	for (i = 0; i < scope->nr; i++) {
		struct entry *e = &scope->v[i];

		if (e->group != G_ATTRIBUTE)
			continue;
		if ((i > 0 && scope->v[i - 1].group == G_ATTRIBUTE &&
		     !strcmp(scope->v[i - 1].sym.name, e->sym.name)) ||
		    (nr && bsearch(&e->sym.name, names, nr, sizeof(char *), str_cmp)))
			e->dropped = 1;
	}
	free(names);
}

static void flatten(struct flat *f, struct scope *scope, int parent, const char *prefix,
		    int parent_public)
{
	size_t i;
	int attributes = 0;

	if (!scope->nr)
		return;
	/* Inside a class its variables keep source order (DESIGN 2.2). */
	for (i = 0; i < scope->nr; i++) {
		scope->v[i].by_seq = parent >= 0 && scope->v[i].group == G_VARIABLE;
		attributes |= scope->v[i].group == G_ATTRIBUTE;
	}
	GS_QSORT(scope->v, scope->nr, entry_cmp);
	if (attributes)
		drop_attributes(scope);

	for (i = 0; i < scope->nr; i++) {
		struct entry *e = &scope->v[i];
		gs_module *mod = f->mod;
		gs_symbol *sym;
		const char *own = e->sym.name;
		int pub, idx;

		if (e->dropped)
			continue;

		if (parent < 0) {
			if (f->all_sorted)
				pub = bsearch(&own, f->all_sorted, f->all_nr, sizeof(char *), str_cmp) != NULL;
			else
				pub = own[0] != '_';
		} else {
			pub = parent_public && (own[0] != '_' || is_dunder(own));
		}

		GS_ALLOC_GROW(mod->symbols, mod->symbols_nr + 1, f->alloc);
		idx = (int)mod->symbols_nr++;
		sym = &mod->symbols[idx];
		*sym = e->sym;
		memset(&e->sym, 0, sizeof(e->sym));
		sym->parent = parent;
		sym->public = pub;
		if (prefix) {
			gs_buf q = GS_BUF_INIT;

			gs_buf_printf(&q, "%s.%s", prefix, sym->name);
			free(sym->name);
			sym->name = gs_buf_detach(&q, NULL);
		}
		if (e->body) {
			char *qname = gs_xstrdup(sym->name);

			flatten(f, e->body, idx, qname, pub);
			free(qname);
		}
	}
}

/* --- decoding (DESIGN 2.6) -------------------------------------------- */

enum encoding {
	ENC_UTF8,
	ENC_LATIN1,
	ENC_CP1252
};

static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* The coding name declared on a line (PEP 263), or 0. */
static int coding_of_line(const char *s, size_t len, const char **name, size_t *name_len)
{
	size_t i = 0, k;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f'))
		i++;
	if (i >= len || s[i] != '#')
		return 0;
	for (k = i; k + 6 <= len; k++) {
		size_t j;

		if (memcmp(s + k, "coding", 6))
			continue;
		j = k + 6;
		if (j >= len || (s[j] != ':' && s[j] != '='))
			continue;
		j++;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		*name = s + j;
		while (j < len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
				   (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == '_' || s[j] == '.'))
			j++;
		*name_len = (size_t)(s + j - *name);
		if (*name_len)
			return 1;
	}
	return 0;
}

static int blank_or_comment(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f'))
		i++;
	return i == len || s[i] == '#';
}

static int parse_encoding(enum encoding *out, const char *name, size_t len)
{
	static const struct {
		const char *name;
		enum encoding enc;
	} names[] = {
		{ "utf-8", ENC_UTF8 }, { "utf8", ENC_UTF8 }, { "ascii", ENC_UTF8 },
		{ "us-ascii", ENC_UTF8 }, { "latin-1", ENC_LATIN1 }, { "latin1", ENC_LATIN1 },
		{ "iso-8859-1", ENC_LATIN1 }, { "iso8859-1", ENC_LATIN1 },
		{ "iso-latin-1", ENC_LATIN1 }, { "l1", ENC_LATIN1 }, { "latin", ENC_LATIN1 },
		{ "cp819", ENC_LATIN1 }, { "8859", ENC_LATIN1 },
		{ "cp1252", ENC_CP1252 }, { "windows-1252", ENC_CP1252 },
	};
	char buf[64];
	size_t i;

	if (len >= sizeof(buf))
		return -1;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '_')
			c = '-';
		buf[i] = c;
	}
	buf[len] = '\0';
	/* Python's own normalisation: "utf-8-unix", "latin-1-dos" ... */
	if (!strncmp(buf, "utf-8-", 6)) {
		*out = ENC_UTF8;
		return 0;
	}
	if (!strncmp(buf, "latin-1-", 8) || !strncmp(buf, "iso-8859-1-", 11) ||
	    !strncmp(buf, "iso-latin-1-", 12)) {
		*out = ENC_LATIN1;
		return 0;
	}
	for (i = 0; i < GS_ARRAY_SIZE(names); i++) {
		if (!strcmp(buf, names[i].name)) {
			*out = names[i].enc;
			return 0;
		}
	}
	return -1;
}

static void put_cp(gs_buf *b, unsigned int cp)
{
	if (cp < 0x80) {
		gs_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		gs_buf_putc(b, (char)(0xc0 | (cp >> 6)));
		gs_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		gs_buf_putc(b, (char)(0xe0 | (cp >> 12)));
		gs_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		gs_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Decode `data` into x->src/x->len: BOM dropped, PEP 263 coding applied,
 * CRLF and lone CR turned into LF. Plain UTF-8 with LF is used in place.
 */
static int decode(struct ctx *x, const char *data, size_t len)
{
	enum encoding enc = ENC_UTF8;
	gs_buf *out = &x->py->decoded;
	const char *name = NULL;
	size_t name_len = 0, eol1, i;
	int bom = 0, have = 0;

	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;
		len -= 3;
		bom = 1;
	}
	for (eol1 = 0; eol1 < len && data[eol1] != '\n' && data[eol1] != '\r'; eol1++)
		;
	have = coding_of_line(data, eol1, &name, &name_len);
	if (!have && blank_or_comment(data, eol1) && eol1 < len) {
		size_t s = eol1 + 1, e;

		if (data[eol1] == '\r' && s < len && data[s] == '\n')
			s++;
		for (e = s; e < len && data[e] != '\n' && data[e] != '\r'; e++)
			;
		have = coding_of_line(data + s, e - s, &name, &name_len);
	}
	if (have && parse_encoding(&enc, name, name_len)) {
		gs_buf n = GS_BUF_INIT;

		gs_utf8_put_escaped(&n, name, name_len);
		x->error = gs_error_set_at(GS_EINPUT, x->path, 0, 0, "%s: unknown encoding '%s'",
					   x->path, n.ptr);
		gs_buf_release(&n);
		return x->error;
	}
	if (bom && enc != ENC_UTF8) {
		x->error = gs_error_set_at(GS_EINPUT, x->path, 0, 0, "%s: encoding problem: utf-8 byte order mark with a non-utf-8 coding",
					x->path);
		return x->error;
	}

	if (enc == ENC_UTF8 && !memchr(data, '\r', len)) {
		x->src = data;
		x->len = len;
		return 0;
	}
	gs_buf_clear(out);
	gs_buf_grow(out, len + len / 4);
	for (i = 0; i < len; i++) {
		unsigned char c = data[i];

		if (c == '\r') {
			if (i + 1 < len && data[i + 1] == '\n')
				i++;
			gs_buf_putc(out, '\n');
		} else if (c < 0x80 || enc == ENC_UTF8) {
			gs_buf_putc(out, (char)c);
		} else if (enc == ENC_LATIN1 || c >= 0xa0) {
			put_cp(out, c);
		} else if (cp1252_high[c - 0x80]) {
			put_cp(out, cp1252_high[c - 0x80]);
		} else {
			/* Undefined in cp1252: kept, and so shown as \xNN. */
			gs_buf_putc(out, (char)c);
		}
	}
	x->src = out->ptr;
	x->len = out->size;
	return 0;
}

/* --- errors ----------------------------------------------------------- */

/* 1-based column of byte `pos`: characters from the start of its line. */
static size_t column_of(struct ctx *x, size_t pos, size_t *line_out)
{
	size_t line_start = pos, col = 1, i, line = 1;

	if (pos > x->len)
		pos = x->len;
	line_start = pos;
	while (line_start > 0 && x->src[line_start - 1] != '\n')
		line_start--;
	for (i = 0; i < line_start; i++)
		line += x->src[i] == '\n';
	for (i = line_start; i < pos; col++) {
		size_t n = gs_utf8_seq_len(x->src + i, pos - i);

		i += n ? n : 1;
	}
	*line_out = line;
	return col;
}

static int syntax_error_at(struct ctx *x, size_t pos)
{
	size_t line, col = column_of(x, pos, &line);

	x->error = gs_error_set_at(GS_EINPUT, x->path, (unsigned)line, (unsigned)col,
				   "%s:%zu:%zu: syntax error", x->path, line, col);
	return x->error;
}

/* The first ERROR or MISSING node in document order, iteratively. */
static int find_error(struct ctx *x, TSNode root)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	size_t pos = 0;
	int found = 0;

	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);

		if (ts_node_symbol(n) == (TSSymbol)-1 || ts_node_is_missing(n)) {
			pos = ts_node_start_byte(n);
			found = 1;
			break;
		}
		if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&c))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c))
				goto out;
		}
	}
out:
	ts_tree_cursor_delete(&c);
	/* has_error without a node to show: report the end of the file. */
	return syntax_error_at(x, found ? pos : x->len);
}

/* --- pieces (python_pieces.h, ADR 0020) ------------------------------- */

/* The text tree-sitter reads for a body piece: a header, then the piece. */
struct body_input {
	const char *s;
	size_t len;
};

#define BODY_HEADER "def _():\n"
#define BODY_HEADER_LEN (sizeof(BODY_HEADER) - 1)

static const char *body_read(void *payload, uint32_t byte, TSPoint pos, uint32_t *bytes_read)
{
	struct body_input *in = payload;

	(void)pos;
	if (byte < BODY_HEADER_LEN) {
		*bytes_read = (uint32_t)(BODY_HEADER_LEN - byte);
		return &BODY_HEADER[byte];
	}
	byte -= (uint32_t)BODY_HEADER_LEN;
	if (byte >= in->len) {
		*bytes_read = 0;
		return "";
	}
	*bytes_read = (uint32_t)(in->len - byte);
	return in->s + byte;
}

static size_t count_lines(const char *s, size_t len)
{
	const char *end = s + len, *p = s;
	size_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/*
 * Parse x->src piece by piece and walk each top-level piece into x, each
 * tree freed before the next piece is parsed. Returns 0 when the model is
 * complete, 1 when the file must be parsed whole instead: a piece with a
 * syntax error (the whole-file parse says where), or an error of the walk
 * (the whole-file parse may find a syntax error first, and says which).
 */
static int extract_pieces(struct ctx *x, gs_module *mod, const gs_python_cut *cuts, size_t nr)
{
	const char *src = x->src;
	size_t len = x->len, k, a = 0, counted = 0, row = 0;
	int fallback = 0;

	for (k = 0; k <= nr && !fallback; k++) {
		size_t b = k < nr ? cuts[k].at : len;
		int body = k > 0 && cuts[k - 1].body;
		TSTree *tree;
		TSNode root;

		ts_parser_reset(x->py->parser);
		if (body) {
			struct body_input in = { src + a, b - a };
			TSInput input = { &in, body_read, TSInputEncodingUTF8 };

			tree = ts_parser_parse(x->py->parser, NULL, input);
		} else {
			tree = ts_parser_parse_string(x->py->parser, NULL, src + a, (uint32_t)(b - a));
		}
		if (!tree) {
			fallback = 1;
			break;
		}
		root = ts_tree_root_node(tree);
		if (ts_node_has_error(root)) {
			fallback = 1;
		} else if (!body) {
			row += count_lines(src + counted, a - counted);
			counted = a;
			x->src = src + a;
			x->len = b - a;
			x->row = row;
			if (k == 0)
				mod->doc = docstring(x, root);
			fallback = walk_block(x, &x->module, root, 0, 0) != 0;
			x->src = src;
			x->len = len;
			x->row = 0;
		}
		ts_tree_delete(tree);
		a = b;
	}
	return fallback;
}

/* Forget what extract_pieces() gathered, for the whole-file parse. */
static void pieces_undo(struct ctx *x, gs_module *mod)
{
	scope_free(&x->module);
	strlist_clear(&x->all);
	x->all_seen = 0;
	x->all_bad = 0;
	x->seq = 0;
	if (x->error) {
		x->error = 0;
		gs_error_clear();
	}
	free(mod->doc);
	mod->doc = NULL;
}

/* --- entry point ------------------------------------------------------ */

int gs_python_extract(gs_module **out, gs_python *py, const char *path,
		      const char *data, size_t len)
{
	struct ctx x;
	TSTree *tree = NULL;
	TSNode root;
	gs_module *mod = NULL;
	struct flat f;
	const char *nul;
	size_t i;

	*out = NULL;
	if (!path)
		path = "";
	memset(&x, 0, sizeof(x));
	x.py = py;
	x.path = path;
	/* Bounds first: nothing below may crash or run away on hostile input. */
	if ((x.error = gs_python_check_size(path, len)) < 0)
		goto done;
	if (len > UINT32_MAX / 2) {
		x.error = gs_error_set_at(GS_EINPUT, path, 0, 0, "%s: file too large", path);
		goto done;
	}
	if (decode(&x, data, len))
		goto done;
	nul = memchr(x.src, '\0', x.len);
	if (nul) {
		/* Python refuses null bytes in source; so does the contract. */
		syntax_error_at(&x, (size_t)(nul - x.src));
		goto done;
	}
	if ((x.error = gs_python_check_nesting(path, x.src, x.len)) < 0)
		goto done;

	mod = gs_xcalloc(1, sizeof(*mod));
	mod->path = gs_xstrdup(path);
	/*
	 * A large file in pieces, so that its tree never has to be held
	 * whole (ADR 0020); any doubt and it is parsed whole below.
	 */
	if (x.len >= py->pieces_min) {
		gs_python_cut *cuts = NULL;
		size_t cuts_nr = gs_python_cuts(&cuts, x.src, x.len, py->piece);
		int whole = cuts_nr ? extract_pieces(&x, mod, cuts, cuts_nr) : 1;

		free(cuts);
		if (!whole)
			goto walked;
		pieces_undo(&x, mod);
	}

	ts_parser_reset(py->parser);
	tree = ts_parser_parse_string(py->parser, NULL, x.src, (uint32_t)x.len);
	if (!tree) {
		x.error = gs_error_set(GS_ERROR, "%s: cannot parse", path);
		goto done;
	}
	root = ts_tree_root_node(tree);
	if (ts_node_has_error(root)) {
		find_error(&x, root);
		goto done;
	}

	mod->doc = docstring(&x, root);
	if (walk_block(&x, &x.module, root, 0, 0))
		goto done;
	/* The tree is not needed any more: free it before flattening. */
	ts_tree_delete(tree);
	tree = NULL;

walked:

	memset(&f, 0, sizeof(f));
	f.mod = mod;
	if (x.all_seen && !x.all_bad) {
		mod->has_exports = 1;
		mod->exports = x.all.v;
		mod->exports_nr = x.all.nr;
		memset(&x.all, 0, sizeof(x.all));
		f.all_nr = mod->exports_nr;
		f.all_sorted = gs_xcalloc(f.all_nr + 1, sizeof(char *));
		for (i = 0; i < f.all_nr; i++)
			f.all_sorted[i] = mod->exports[i];
		GS_QSORT(f.all_sorted, f.all_nr, str_cmp);
	}
	flatten(&f, &x.module, -1, NULL, 1);
	free(f.all_sorted);

done:
	if (tree)
		ts_tree_delete(tree);
	/* Do not keep the copy of a huge file alive until the next one. */
	if (py->decoded.asize > ((size_t)4 << 20))
		gs_buf_release(&py->decoded);
	if (py->tmp.asize > ((size_t)4 << 20))
		gs_buf_release(&py->tmp);
	scope_free(&x.module);
	strlist_clear(&x.all);
	free(x.nodes);
	if (x.error) {
		gs_module_free(mod);
		return x.error;
	}
	*out = mod;
	return 0;
}
