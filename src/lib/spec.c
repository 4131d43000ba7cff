#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <yaml.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/spec.h"
#include "gitspec/language.h"

/*
 * Spec front matter (DESIGN.md 1 "Spec", 3.6).
 *
 * The front matter is parsed with libyaml's event API into a small tree;
 * anchors and aliases are refused outright, so no document can expand
 * beyond its own size, and the sizes themselves are capped.
 */

#define FRONT_MATTER_MAX (1024 * 1024)
#define YAML_SCALAR_MAX (64 * 1024)
#define YAML_DEPTH_MAX 64
#define YAML_NODES_MAX 100000

/* ---- the YAML tree ---------------------------------------------------- */

void gs_yaml_free(gs_yaml_node *node)
{
	size_t i;

	if (!node)
		return;
	for (i = 0; i < node->nr; i++)
		gs_yaml_free(node->items[i]);
	free(node->items);
	free(node->value);
	free(node);
}

static gs_yaml_node *yaml_node_new(gs_yaml_type type, const yaml_event_t *ev, size_t line_offset)
{
	gs_yaml_node *n = gs_xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = ev->start_mark.line + 1 + line_offset;
	n->column = ev->start_mark.column + 1;
	return n;
}

static void yaml_node_add(gs_yaml_node *parent, gs_yaml_node *child)
{
	GS_ALLOC_GROW(parent->items, parent->nr + 1, parent->alloc);
	parent->items[parent->nr++] = child;
}

/*
 * The place goes into the message for people and beside it (no path: the
 * caller knows the file) for --json, so nobody parses it back out.
 */
static int yaml_error_at(const yaml_mark_t *mark, size_t line_offset, const char *problem,
			 const char *context)
{
	size_t line = mark->line + 1 + line_offset, column = mark->column + 1;

	if (context)
		return gs_error_set_at(GS_EINPUT, "", (unsigned)line, (unsigned)column,
				       "line %zu column %zu: %s %s", line, column, problem, context);
	return gs_error_set_at(GS_EINPUT, "", (unsigned)line, (unsigned)column,
			       "line %zu column %zu: %s", line, column, problem);
}

/*
 * Why the document is refused at `ev`, or NULL: the limits that keep a
 * hostile front matter from costing more than its own size (DESIGN 3.6).
 */
static const char *event_refused(const yaml_event_t *ev, size_t depth, size_t *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		return ++*docs > 1 ? "more than one YAML document" : NULL;
	case YAML_ALIAS_EVENT:
		return "aliases are not allowed";
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			return "anchors are not allowed";
		if (ev->data.scalar.length > YAML_SCALAR_MAX)
			return "scalar longer than 64 KiB";
		return NULL;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			return "anchors are not allowed";
		return depth >= YAML_DEPTH_MAX ? "nested deeper than 64 levels" : NULL;
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			return "anchors are not allowed";
		return depth >= YAML_DEPTH_MAX ? "nested deeper than 64 levels" : NULL;
	default:
		return NULL;
	}
}

static gs_yaml_node *scalar_node(const yaml_event_t *ev, size_t line_offset)
{
	gs_yaml_node *node = yaml_node_new(GS_YAML_SCALAR, ev, line_offset);

	node->len = ev->data.scalar.length;
	node->value = gs_xmalloc(node->len + 1);
	memcpy(node->value, ev->data.scalar.value, node->len);
	node->value[node->len] = '\0';
	node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return node;
}

/*
 * One loop over libyaml's events, kept whole: the open-collection stack,
 * its depth, the root and the node count are the loop's state, and every
 * event reads or moves them. What is refused (event_refused) and how a
 * scalar is copied (scalar_node) live outside it.
 */
int gs_yaml_parse(gs_yaml_node **out, const char *data, size_t len, size_t line_offset)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	gs_yaml_node *stack[YAML_DEPTH_MAX + 1];
	size_t depth = 0, nodes = 0, docs = 0;
	gs_yaml_node *root = NULL;
	int have_event = 0, done_parsing = 0, error = 0;

	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return gs_error_set(GS_ERROR, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	while (!done_parsing) {
		gs_yaml_node *node = NULL;
		const char *refused;
		int opens = 0;

		if (!yaml_parser_parse(&parser, &ev)) {
			const char *problem = parser.problem ? parser.problem : "invalid YAML";

			error = yaml_error_at(&parser.problem_mark, line_offset, problem,
					      parser.context);
			goto done;
		}
		have_event = 1;
		if ((refused = event_refused(&ev, depth, &docs))) {
			error = yaml_error_at(&ev.start_mark, line_offset, refused, NULL);
			goto done;
		}

		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done_parsing = 1;
			break;
		case YAML_SCALAR_EVENT:
			node = scalar_node(&ev, line_offset);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			node = yaml_node_new(ev.type == YAML_SEQUENCE_START_EVENT ?
					     GS_YAML_SEQUENCE : GS_YAML_MAPPING, &ev, line_offset);
			opens = 1;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}

		if (node) {
			if (++nodes > YAML_NODES_MAX) {
				gs_yaml_free(node);
				error = yaml_error_at(&ev.start_mark, line_offset,
						      "more than 100000 nodes", NULL);
				goto done;
			}
			if (depth)
				yaml_node_add(stack[depth - 1], node);
			else if (!root)
				root = node;
			else
				gs_yaml_free(node); /* cannot happen: one document */
			if (opens)
				stack[depth++] = node;
		}
		yaml_event_delete(&ev);
		have_event = 0;
	}

done:
	if (have_event)
		yaml_event_delete(&ev);
	yaml_parser_delete(&parser);
	if (error)
		gs_yaml_free(root);
	else
		*out = root;
	return error;
}

int gs_yaml_is_null(const gs_yaml_node *node)
{
	if (!node)
		return 1;
	if (node->type != GS_YAML_SCALAR || !node->plain)
		return 0;
	return !node->len || !strcmp(node->value, "~") || !strcmp(node->value, "null") ||
		!strcmp(node->value, "Null") || !strcmp(node->value, "NULL");
}

int gs_yaml_bool(int *out, const gs_yaml_node *node)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
	size_t i;

	if (!node || node->type != GS_YAML_SCALAR || !node->plain)
		return -1;
	for (i = 0; i < GS_ARRAY_SIZE(yes); i++) {
		if (!strcmp(node->value, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcmp(node->value, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

const gs_yaml_node *gs_yaml_get(const gs_yaml_node *map, const char *key, int *dup)
{
	const gs_yaml_node *found = NULL;
	size_t klen = strlen(key), i;

	if (dup)
		*dup = 0;
	if (!map || map->type != GS_YAML_MAPPING)
		return NULL;
	for (i = 0; i + 1 < map->nr; i += 2) {
		const gs_yaml_node *k = map->items[i];

		if (k->type != GS_YAML_SCALAR || k->len != klen || memcmp(k->value, key, klen))
			continue;
		if (found) {
			if (dup)
				*dup = 1;
			break;
		}
		found = map->items[i + 1];
	}
	return found;
}

/* ---- paths -------------------------------------------------------------- */

int gs_path_check_safe(const char *path)
{
	const char *p, *c;

	if (!path || !*path)
		return gs_error_set(GS_EINPUT, "empty path");
	if (strchr(path, '\n') || strchr(path, '\r'))
		return gs_error_set(GS_EINPUT, "'%s' holds a line break", path);
	if (path[0] == '/')
		return gs_error_set(GS_EINPUT, "'%s' is an absolute path", path);
	for (p = path; ; p = c + 1) {
		size_t n;

		c = strchr(p, '/');
		n = c ? (size_t)(c - p) : strlen(p);
		if (!n)
			return gs_error_set(GS_EINPUT, "'%s' has an empty path component", path);
		if (n == 1 && p[0] == '.')
			return gs_error_set(GS_EINPUT, "'%s' has a '.' component", path);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return gs_error_set(GS_EINPUT, "'%s' leaves the repository", path);
		if (n == 4 && !strncasecmp(p, ".git", 4))
			return gs_error_set(GS_EINPUT, "'%s' has a '.git' component", path);
		if (!c)
			break;
	}
	return 0;
}

/*
 * Normalise a path written in a spec: drop "./" components and trailing
 * slashes. Everything else ("..", empty components) is left for
 * gs_path_check_safe to refuse, since guessing what was meant is unsafe.
 */
static void normalize_written_path(gs_buf *out, const char *path)
{
	size_t len = strlen(path), start = 0, i;

	gs_buf_clear(out);
	if (path[0] == '/') {
		gs_buf_sets(out, path); /* absolute: refused as written */
		return;
	}
	while (len && path[len - 1] == '/')
		len--;
	for (i = 0; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if (!(i - start == 1 && path[start] == '.')) {
			if (out->size)
				gs_buf_putc(out, '/');
			gs_buf_put(out, path + start, i - start);
		}
		start = i + 1;
	}
}

/* ---- the spec ------------------------------------------------------------ */

static void spec_source_release(gs_spec_source *s)
{
	size_t i;

	free(s->language);
	free(s->identifier);
	free(s->module);
	for (i = 0; i < s->variants_nr; i++) {
		free(s->variants[i].name);
		free(s->variants[i].path);
		free(s->variants[i].repo_path);
	}
	free(s->variants);
}

void gs_spec_free(gs_spec *spec)
{
	size_t i;

	if (!spec)
		return;
	free(spec->id);
	free(spec->path);
	free(spec->dir);
	free(spec->name);
	free(spec->slug);
	free(spec->status);
	for (i = 0; i < spec->sources_nr; i++)
		spec_source_release(&spec->sources[i]);
	free(spec->sources);
	free(spec);
}

struct parse_ctx {
	const char *path;   /* the spec file, for messages */
	gs_buf field;       /* the field being read, for messages */
	const gs_yaml_node *node; /* where that field is, for the error's place; NULL: unknown */
	/* deserialising: the field is named only on error, from these */
	int variant_field;
	size_t source_nr, variant_nr;
};

static int field_error(struct parse_ctx *ctx, const char *fmt, ...) GS_PRINTF(2, 3);
static int field_error(struct parse_ctx *ctx, const char *fmt, ...)
{
	gs_buf msg = GS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	gs_error_set_at(GS_EINPUT, ctx->path, ctx->node ? (unsigned)ctx->node->line : 0,
			ctx->node ? (unsigned)ctx->node->column : 0,
			"%s: %s: %s", ctx->path, ctx->field.ptr, msg.ptr);
	gs_buf_release(&msg);
	return GS_EINPUT;
}

static const char *type_name(const gs_yaml_node *n)
{
	switch (n->type) {
	case GS_YAML_SEQUENCE:
		return "a list";
	case GS_YAML_MAPPING:
		return "a mapping";
	default:
		return "a scalar";
	}
}

/* Set ctx->field to "PREFIX" + "KEY" (KEY may be NULL). */
static void set_field(struct parse_ctx *ctx, const char *prefix, const char *key)
{
	gs_buf_sets(&ctx->field, prefix);
	if (key) {
		if (*prefix)
			gs_buf_putc(&ctx->field, '.');
		gs_buf_puts(&ctx->field, key);
	}
}

/*
 * The field `key` of `map` (*out NULL when absent), named and placed in
 * `ctx` for the messages about it; an error when it is given twice.
 */
static int get_field(const gs_yaml_node **out, struct parse_ctx *ctx, const gs_yaml_node *map,
		     const char *prefix, const char *key)
{
	int dup;

	set_field(ctx, prefix, key);
	*out = gs_yaml_get(map, key, &dup);
	/* a missing field is placed at the mapping that lacks it */
	ctx->node = *out ? *out : map;
	if (dup)
		return field_error(ctx, "given twice; keep one");
	return 0;
}

/* A list field of `map` that must be there: `missing` says what to write. */
static int get_list(const gs_yaml_node **out, struct parse_ctx *ctx, const gs_yaml_node *map,
		    const char *prefix, const char *key, const char *missing)
{
	int error;

	if ((error = get_field(out, ctx, map, prefix, key)) < 0)
		return error;
	if (gs_yaml_is_null(*out))
		return field_error(ctx, "missing; %s", missing);
	if ((*out)->type != GS_YAML_SEQUENCE)
		return field_error(ctx, "expected a list, found %s", type_name(*out));
	return 0;
}

/*
 * A string field of `map`. *out stays NULL when absent or null; an error
 * when `required` and absent, or when it is not a scalar.
 */
static int get_string(char **out, struct parse_ctx *ctx, const gs_yaml_node *map,
		      const char *prefix, const char *key, int required)
{
	const gs_yaml_node *n;
	int error;

	*out = NULL;
	if ((error = get_field(&n, ctx, map, prefix, key)) < 0)
		return error;
	if (gs_yaml_is_null(n)) {
		if (required)
			return field_error(ctx, "missing; add it to the front matter");
		return 0;
	}
	if (n->type != GS_YAML_SCALAR)
		return field_error(ctx, "expected a string, found %s", type_name(n));
	if (memchr(n->value, '\0', n->len))
		return field_error(ctx, "holds a NUL character");
	if (memchr(n->value, '\n', n->len) || memchr(n->value, '\r', n->len))
		return field_error(ctx, "holds a line break");
	*out = gs_xstrndup(n->value, n->len);
	return 0;
}

static int resolve_variant_path(gs_spec_variant *v, struct parse_ctx *ctx, const char *dir)
{
	gs_buf norm = GS_BUF_INIT, full = GS_BUF_INIT;
	size_t len;
	int error = 0;

	/*
	 * No printf here: the registry resolves thousands of these per run.
	 * The common path needs no normalising: join, check once, done; any
	 * problem takes the long way, which names the path as written.
	 */
	len = strlen(v->path);
	if (len && v->path[0] != '/' && v->path[len - 1] != '/' && !strstr(v->path, "./")) {
		size_t dlen = strlen(dir);
		char *joined = gs_xmalloc(gs_st_add(dlen + 2, len));

		memcpy(joined, dir, dlen);
		if (dlen)
			joined[dlen++] = '/';
		memcpy(joined + dlen, v->path, len + 1);
		if (!gs_path_check_safe(joined)) {
			v->repo_path = joined;
			goto done;
		}
		free(joined);
	}
	normalize_written_path(&norm, v->path);
	if (*v->path && v->path[strlen(v->path) - 1] == '/') {
		gs_error_set(GS_EINPUT, "'%s' names a directory; give the contract a file name",
			     v->path);
		error = GS_EINPUT;
		goto done;
	}
	if (gs_path_check_safe(norm.size ? norm.ptr : v->path) < 0) {
		error = GS_EINPUT;
		goto done;
	}
	if (*dir) {
		gs_buf_grow(&full, strlen(dir) + norm.size + 2);
		gs_buf_puts(&full, dir);
		gs_buf_putc(&full, '/');
	}
	gs_buf_put(&full, norm.ptr, norm.size);
	if (*dir && gs_path_check_safe(full.ptr) < 0) {
		error = GS_EINPUT;
		goto done;
	}
	v->repo_path = gs_buf_detach(&full, NULL);
done:
	if (error) {
		gs_buf msg = GS_BUF_INIT;

		gs_buf_sets(&msg, gs_error_last());
		if (!ctx->field.size && ctx->variant_field) {
			gs_buf_printf(&ctx->field, "sources[%zu].variants[%zu].path",
				      ctx->source_nr, ctx->variant_nr);
		}
		error = field_error(ctx, "%s", msg.ptr);
		gs_buf_release(&msg);
	}
	gs_buf_release(&norm);
	gs_buf_release(&full);
	return error;
}

static int normalize_identifier(char **ident, struct parse_ctx *ctx)
{
	gs_buf norm = GS_BUF_INIT;
	int error = 0;

	normalize_written_path(&norm, *ident);
	if (gs_path_check_safe(norm.size ? norm.ptr : *ident) < 0) {
		error = field_error(ctx, "%s", gs_error_last());
		goto done;
	}
	free(*ident);
	*ident = gs_buf_detach(&norm, NULL);
done:
	gs_buf_release(&norm);
	return error;
}

static int parse_variant(gs_spec_variant *v, struct parse_ctx *ctx, const gs_yaml_node *n,
			 const char *prefix, const char *dir)
{
	int error, kind;

	if (n->type != GS_YAML_MAPPING) {
		set_field(ctx, prefix, NULL);
		ctx->node = n;
		return field_error(ctx, "expected a mapping with name and path, found %s",
				   type_name(n));
	}
	if ((error = get_string(&v->name, ctx, n, prefix, "name", 1)) < 0)
		return error;
	kind = gs_variant_parse(v->name);
	if (kind < 0)
		return field_error(ctx, "unknown variant '%s'; use public, all or tests "
				   "(or api, implementation)", v->name);
	v->variant = (gs_variant)kind;
	if ((error = get_string(&v->path, ctx, n, prefix, "path", 1)) < 0)
		return error;
	return resolve_variant_path(v, ctx, dir);
}

static int parse_source(gs_spec_source *s, int *skip, struct parse_ctx *ctx,
			const gs_yaml_node *n, const char *prefix, const char *dir)
{
	const gs_yaml_node *vars, *rollup;
	gs_buf vprefix = GS_BUF_INIT;
	int error = 0;
	size_t i;

	*skip = 0;
	if (n->type != GS_YAML_MAPPING) {
		set_field(ctx, prefix, NULL);
		ctx->node = n;
		error = field_error(ctx, "expected a mapping, found %s", type_name(n));
		goto done;
	}
	if ((error = get_string(&s->language, ctx, n, prefix, "language", 0)) < 0)
		goto done;
	if (s->language && strcmp(s->language, gs_language_default()->id)) {
		/* spec-driver also writes go/typescript sources: not ours to check */
		*skip = 1;
		goto done;
	}
	if (!s->language)
		s->language = gs_xstrdup(gs_language_default()->id);
	if ((error = get_string(&s->identifier, ctx, n, prefix, "identifier", 1)) < 0 ||
	    (error = normalize_identifier(&s->identifier, ctx)) < 0)
		goto done;
	if ((error = get_string(&s->module, ctx, n, prefix, "module", 0)) < 0)
		goto done;

	if ((error = get_field(&rollup, ctx, n, prefix, "rollup")) < 0)
		goto done;
	if (!gs_yaml_is_null(rollup) && gs_yaml_bool(&s->rollup, rollup) < 0) {
		error = field_error(ctx, "expected true or false");
		goto done;
	}

	if ((error = get_list(&vars, ctx, n, prefix, "variants", "list the variants (public, "
			      "all, tests) and their contract paths")) < 0)
		goto done;
	s->variants = gs_xcalloc(vars->nr ? vars->nr : 1, sizeof(*s->variants));
	for (i = 0; i < vars->nr; i++) {
		gs_buf_clear(&vprefix);
		gs_buf_printf(&vprefix, "%s.variants[%zu]", prefix, i);
		s->variants_nr = i + 1;
		if ((error = parse_variant(&s->variants[i], ctx, vars->items[i],
					   vprefix.ptr, dir)) < 0)
			goto done;
	}
done:
	gs_buf_release(&vprefix);
	return error;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? gs_xstrndup(path, (size_t)(slash - path)) : gs_xstrdup("");
}

/* Build a gs_spec from the YAML tree of its front matter. */
static int spec_from_yaml(gs_spec **out, const char *path, const gs_yaml_node *root)
{
	struct parse_ctx ctx = { path, GS_BUF_INIT, root, 0, 0, 0 };
	gs_spec *spec = gs_xcalloc(1, sizeof(*spec));
	const gs_yaml_node *sources;
	gs_buf prefix = GS_BUF_INIT;
	int error = 0;
	size_t i;

	spec->path = gs_xstrdup(path);
	spec->dir = dir_of(path);

	if (!root || root->type != GS_YAML_MAPPING) {
		gs_buf_sets(&ctx.field, "front matter");
		error = field_error(&ctx, "expected a mapping of fields, found %s",
				    root ? type_name(root) : "nothing");
		goto done;
	}
	if ((error = get_string(&spec->id, &ctx, root, "", "id", 1)) < 0 ||
	    (error = get_string(&spec->name, &ctx, root, "", "name", 0)) < 0 ||
	    (error = get_string(&spec->slug, &ctx, root, "", "slug", 0)) < 0 ||
	    (error = get_string(&spec->status, &ctx, root, "", "status", 0)) < 0)
		goto done;

	if ((error = get_list(&sources, &ctx, root, "", "sources",
			      "list the packages this spec covers")) < 0)
		goto done;
	spec->sources = gs_xcalloc(sources->nr ? sources->nr : 1, sizeof(*spec->sources));
	for (i = 0; i < sources->nr; i++) {
		gs_spec_source *s = &spec->sources[spec->sources_nr];
		int skip;

		gs_buf_clear(&prefix);
		gs_buf_printf(&prefix, "sources[%zu]", i);
		spec->sources_nr++;
		error = parse_source(s, &skip, &ctx, sources->items[i], prefix.ptr, spec->dir);
		if (error < 0)
			goto done;
		if (skip) {
			spec_source_release(s);
			memset(s, 0, sizeof(*s));
			spec->sources_nr--;
		}
	}
done:
	gs_buf_release(&ctx.field);
	gs_buf_release(&prefix);
	if (error < 0)
		gs_spec_free(spec);
	else
		*out = spec;
	return error;
}

/* The length of the line at `p` (without its LF) and whether it is `marker`. */
static int line_is(const char *p, const char *end, const char *marker, size_t *line_len)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), mlen = strlen(marker);

	*line_len = n;
	if (n && p[n - 1] == '\r')
		n--;
	/* trailing blanks after the marker are tolerated, as by Jekyll and Hugo */
	while (n > mlen && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == mlen && !memcmp(p, marker, mlen);
}

int gs_spec_parse(gs_spec **out, const char *path, const char *data, size_t len)
{
	const char *end = data + len, *p = data, *fm_start;
	gs_yaml_node *root = NULL;
	size_t n;
	int error = 0;

	*out = NULL;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	if (p >= end || !line_is(p, end, "---", &n))
		return gs_error_set_at(GS_EINPUT, path, 1, 1, "%s: front matter: missing; the file must start "
				    "with a line '---'", path);
	p += n + (p + n < end);
	fm_start = p;
	for (;;) {
		if (p >= end)
			return gs_error_set_at(GS_EINPUT, path, 1, 1, "%s: front matter: not closed; add a line "
					    "'---' after it", path);
		if (line_is(p, end, "---", &n) || line_is(p, end, "...", &n))
			break;
		p += n + (p + n < end);
		if ((size_t)(p - fm_start) > FRONT_MATTER_MAX)
			return gs_error_set_at(GS_EINPUT, path, 1, 1, "%s: front matter: larger than 1 MiB", path);
	}

	if ((error = gs_yaml_parse(&root, fm_start, (size_t)(p - fm_start), 1)) < 0) {
		gs_buf msg = GS_BUF_INIT;
		unsigned line, column;

		gs_buf_sets(&msg, gs_error_last());
		gs_error_last_path(&line, &column);
		error = gs_error_set_at(GS_EINPUT, path, line, column, "%s: front matter: %s",
					path, msg.ptr);
		gs_buf_release(&msg);
		goto done;
	}
	error = spec_from_yaml(out, path, root);
done:
	gs_yaml_free(root);
	return error;
}

/* ---- serialisation for the cache ----------------------------------------- */

#define SPEC_MAGIC "gsspec1"

static void put_str(gs_buf *out, const char *s)
{
	if (!s) {
		gs_buf_put_u32le(out, UINT32_MAX);
		return;
	}
	gs_buf_put_u32le(out, (uint32_t)strlen(s));
	gs_buf_puts(out, s);
}

void gs_spec_serialize(gs_buf *out, const gs_spec *spec)
{
	size_t i, j;

	gs_buf_put(out, SPEC_MAGIC, sizeof(SPEC_MAGIC));
	put_str(out, spec->id);
	put_str(out, spec->name);
	put_str(out, spec->slug);
	put_str(out, spec->status);
	gs_buf_put_u32le(out, (uint32_t)spec->sources_nr);
	for (i = 0; i < spec->sources_nr; i++) {
		const gs_spec_source *s = &spec->sources[i];

		put_str(out, s->language);
		put_str(out, s->identifier);
		put_str(out, s->module);
		gs_buf_put_u32le(out, (uint32_t)s->rollup);
		gs_buf_put_u32le(out, (uint32_t)s->variants_nr);
		for (j = 0; j < s->variants_nr; j++) {
			put_str(out, s->variants[j].name);
			put_str(out, s->variants[j].path);
		}
	}
}

/* Skip a put_str() field; 0, or -1 when the bytes are not one. */
static int skip_str(gs_reader *r, const char **s, uint32_t *n)
{
	*n = gs_reader_u32le(r);
	*s = NULL;
	if (r->bad)
		return -1;
	if (*n == UINT32_MAX) {
		*n = 0;
		return 0;
	}
	if ((size_t)(r->end - r->p) < *n) {
		r->bad = 1;
		return -1;
	}
	*s = (const char *)r->p;
	r->p += *n;
	return 0;
}

static int id_wanted(const gs_strvec *ids, const char *s, uint32_t n)
{
	return gs_strvec_sorted_has(ids, s, n);
}

int gs_spec_serialized_covers(const char *data, size_t len, const gs_strvec *ids)
{
	gs_reader r = { (const unsigned char *)data, (const unsigned char *)data + len, 0 };
	const char *s;
	uint32_t n, nr, vnr, i, j, k;

	if (len < sizeof(SPEC_MAGIC) || memcmp(data, SPEC_MAGIC, sizeof(SPEC_MAGIC)))
		return 1;  /* not one: gs_spec_deserialize() says so */
	r.p += sizeof(SPEC_MAGIC);
	for (k = 0; k < 4; k++)
		if (skip_str(&r, &s, &n) < 0)
			return 1;
	nr = gs_reader_u32le(&r);
	for (i = 0; i < nr && !r.bad; i++) {
		if (skip_str(&r, &s, &n) < 0 || skip_str(&r, &s, &n) < 0)
			return 1;
		if (s && id_wanted(ids, s, n))
			return 1;
		if (skip_str(&r, &s, &n) < 0)
			return 1;
		(void)gs_reader_u32le(&r);
		vnr = gs_reader_u32le(&r);
		for (j = 0; j < vnr && !r.bad; j++)
			if (skip_str(&r, &s, &n) < 0 || skip_str(&r, &s, &n) < 0)
				return 1;
	}
	return r.bad;
}

static char *get_str(gs_reader *r)
{
	uint32_t n = gs_reader_u32le(r);
	char *s;

	if (r->bad || n == UINT32_MAX)
		return NULL;
	if ((size_t)(r->end - r->p) < n || memchr(r->p, '\0', n)) {
		r->bad = 1;
		return NULL;
	}
	s = gs_xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

int gs_spec_deserialize(gs_spec **out, const char *path, const char *data, size_t len)
{
	gs_reader r = { (const unsigned char *)data, (const unsigned char *)data + len, 0 };
	struct parse_ctx ctx = { path, GS_BUF_INIT, NULL, 1, 0, 0 };
	gs_spec *spec = gs_xcalloc(1, sizeof(*spec));
	uint32_t nr, i, j;
	int error = 0;

	*out = NULL;
	spec->path = gs_xstrdup(path);
	spec->dir = dir_of(path);
	if (len < sizeof(SPEC_MAGIC) || memcmp(data, SPEC_MAGIC, sizeof(SPEC_MAGIC))) {
		error = gs_error_set(GS_EINPUT, "%s: not a serialised spec", path);
		goto done;
	}
	r.p += sizeof(SPEC_MAGIC);
	spec->id = get_str(&r);
	spec->name = get_str(&r);
	spec->slug = get_str(&r);
	spec->status = get_str(&r);
	nr = gs_reader_u32le(&r);
	if (r.bad || !spec->id || nr > (size_t)(r.end - r.p)) {
		error = gs_error_set(GS_EINPUT, "%s: truncated serialised spec", path);
		goto done;
	}
	spec->sources = gs_xcalloc(nr ? nr : 1, sizeof(*spec->sources));
	for (i = 0; i < nr && !r.bad; i++) {
		gs_spec_source *s = &spec->sources[i];
		uint32_t vnr;

		spec->sources_nr = i + 1;
		s->language = get_str(&r);
		s->identifier = get_str(&r);
		s->module = get_str(&r);
		s->rollup = gs_reader_u32le(&r) != 0;
		vnr = gs_reader_u32le(&r);
		if (r.bad || !s->identifier || vnr > (size_t)(r.end - r.p)) {
			r.bad = 1;
			break;
		}
		s->variants = gs_xcalloc(vnr ? vnr : 1, sizeof(*s->variants));
		for (j = 0; j < vnr && !r.bad; j++) {
			gs_spec_variant *v = &s->variants[j];
			int kind;

			s->variants_nr = j + 1;
			v->name = get_str(&r);
			v->path = get_str(&r);
			if (r.bad || !v->name || !v->path || (kind = gs_variant_parse(v->name)) < 0) {
				r.bad = 1;
				break;
			}
			v->variant = (gs_variant)kind;
			ctx.source_nr = i;
			ctx.variant_nr = j;
			if ((error = resolve_variant_path(v, &ctx, spec->dir)) < 0)
				goto done;
		}
	}
	if (r.bad || r.p != r.end)
		error = gs_error_set(GS_EINPUT, "%s: malformed serialised spec", path);
done:
	gs_buf_release(&ctx.field);
	if (error < 0)
		gs_spec_free(spec);
	else
		*out = spec;
	return error;
}

/* ---- writing a new spec -------------------------------------------------- */

/* Whether `s` can be written as a plain YAML scalar that reads back as the same string. */
static int yaml_plain_safe(const char *s)
{
	static const char *const reserved[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"
	};
	const char *p;
	int only_numberish = 1;
	size_t i;

	if (!*s || s[0] == ' ' || s[strlen(s) - 1] == ' ' || s[0] == '-' || s[0] == '.')
		return 0;
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || c == '/' || c == ' '))
			return 0;
		if (!((c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == ' '))
			only_numberish = 0;
	}
	if (only_numberish)
		return 0; /* numbers, dates */
	for (i = 0; i < GS_ARRAY_SIZE(reserved); i++)
		if (!strcasecmp(s, reserved[i]))
			return 0;
	return 1;
}

static void put_yaml_scalar(gs_buf *out, const char *s)
{
	const unsigned char *p;
	int printable = 1;

	if (yaml_plain_safe(s)) {
		gs_buf_puts(out, s);
		return;
	}
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			printable = 0;
	if (printable) {
		/* single quotes: only the quote itself needs doubling */
		gs_buf_putc(out, '\'');
		for (p = (const unsigned char *)s; *p; p++) {
			if (*p == '\'')
				gs_buf_putc(out, '\'');
			gs_buf_putc(out, (char)*p);
		}
		gs_buf_putc(out, '\'');
		return;
	}
	gs_buf_putc(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			gs_buf_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			gs_buf_printf(out, "\\x%02X", *p);
		else
			gs_buf_putc(out, (char)*p);
	}
	gs_buf_putc(out, '"');
}

static void slugify(gs_buf *out, const char *package)
{
	const unsigned char *p;
	int dash = 0;

	for (p = (const unsigned char *)package; *p; p++) {
		unsigned char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && out->size)
				gs_buf_putc(out, '-');
			dash = 0;
			gs_buf_putc(out, (char)c);
		} else {
			dash = 1;
		}
	}
	if (!out->size)
		gs_buf_puts(out, "package");
}

void gs_spec_format(gs_buf *out, const char *id, const char *package, const char *module,
		    const char *name, const char *date)
{
	static const char *const variants[] = { "public", "all", "tests" };
	gs_buf slug = GS_BUF_INIT, title = GS_BUF_INIT;
	size_t i;

	slugify(&slug, package);
	if (name) {
		/* a spec's fields are one line each: line breaks become spaces */
		const char *p;

		for (p = name; *p; p++)
			gs_buf_putc(&title, *p == '\n' || *p == '\r' ? ' ' : *p);
	} else
		gs_buf_printf(&title, "%s Specification", package);

	gs_buf_puts(out, "---\nid: ");
	put_yaml_scalar(out, id);
	gs_buf_puts(out, "\nslug: ");
	put_yaml_scalar(out, slug.ptr);
	gs_buf_puts(out, "\nname: ");
	put_yaml_scalar(out, title.ptr);
	gs_buf_puts(out, "\ncreated: ");
	put_yaml_scalar(out, date);
	gs_buf_puts(out, "\nupdated: ");
	put_yaml_scalar(out, date);
	gs_buf_printf(out, "\nstatus: draft\nkind: spec\nsources:\n- language: %s\n  identifier: ",
		      gs_language_default()->id);
	put_yaml_scalar(out, package);
	if (module) {
		gs_buf_puts(out, "\n  module: ");
		put_yaml_scalar(out, module);
	}
	gs_buf_puts(out, "\n  variants:\n");
	for (i = 0; i < GS_ARRAY_SIZE(variants); i++)
		gs_buf_printf(out, "  - name: %s\n    path: contracts/%s.md\n",
			      variants[i], variants[i]);
	gs_buf_puts(out, "---\n\n# ");
	gs_buf_printf(out, "%s: %s\n", id, title.ptr);
	gs_buf_puts(out,
		    "\n"
		    "## Purpose\n"
		    "\n"
		    "<!-- What this package is for, in a few sentences. -->\n"
		    "\n"
		    "## Responsibilities\n"
		    "\n"
		    "<!-- What it does and what it leaves to others. -->\n"
		    "\n"
		    "## Behaviour\n"
		    "\n"
		    "<!-- Rules, invariants and error cases its users rely on. -->\n"
		    "\n"
		    "## Contracts\n"
		    "\n"
		    "The API contracts in `contracts/` are derived from the sources by\n"
		    "git-spec; do not edit them by hand: run `git spec sync`.\n");
	gs_buf_release(&slug);
	gs_buf_release(&title);
}
