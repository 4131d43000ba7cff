#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/model.h"

static const char *const symbol_kind_names[] = {
	"variable",
	"type_alias",
	"function",
	"async_function",
	"class",
	"method",
	"async_method",
	"property",
	"classmethod",
	"staticmethod",
	"attribute",
};

static const char *const param_kind_names[] = {
	"positional_only",
	"positional_or_keyword",
	"var_positional",
	"keyword_only",
	"var_keyword",
};

const char *gs_symbol_kind_name(gs_symbol_kind kind)
{
	if ((unsigned)kind >= GS_ARRAY_SIZE(symbol_kind_names))
		return "unknown";
	return symbol_kind_names[kind];
}

int gs_symbol_kind_is_callable(gs_symbol_kind kind)
{
	switch (kind) {
	case GS_SYM_FUNCTION:
	case GS_SYM_ASYNC_FUNCTION:
	case GS_SYM_METHOD:
	case GS_SYM_ASYNC_METHOD:
	case GS_SYM_PROPERTY:
	case GS_SYM_CLASSMETHOD:
	case GS_SYM_STATICMETHOD:
		return 1;
	default:
		return 0;
	}
}

const char *gs_param_kind_name(gs_param_kind kind)
{
	if ((unsigned)kind >= GS_ARRAY_SIZE(param_kind_names))
		return "unknown";
	return param_kind_names[kind];
}

const char *gs_symbol_own_name(const gs_symbol *sym)
{
	const char *dot = strrchr(sym->name, '.');

	return dot ? dot + 1 : sym->name;
}

static void free_strings(char **v, size_t nr)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < nr; i++)
		free(v[i]);
	free(v);
}

void gs_symbol_release(gs_symbol *sym)
{
	size_t i;

	if (!sym)
		return;
	free(sym->name);
	free_strings(sym->markers, sym->markers_nr);
	for (i = 0; i < sym->params_nr; i++) {
		free(sym->params[i].name);
		free(sym->params[i].annotation);
		free(sym->params[i].default_value);
	}
	free(sym->params);
	free(sym->returns);
	free_strings(sym->bases, sym->bases_nr);
	free(sym->annotation);
	free(sym->value);
	free(sym->type_params);
	free(sym->doc);
	memset(sym, 0, sizeof(*sym));
}

void gs_module_free(gs_module *mod)
{
	size_t i;

	if (!mod)
		return;
	free(mod->path);
	free(mod->doc);
	for (i = 0; i < mod->symbols_nr; i++)
		gs_symbol_release(&mod->symbols[i]);
	free(mod->symbols);
	free_strings(mod->exports, mod->exports_nr);
	free(mod);
}

void gs_utf8_put_escaped(gs_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, start = 0;

	while (i < len) {
		size_t n;

		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = gs_utf8_seq_len(s + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		gs_buf_put(out, s + start, i - start);
		gs_buf_putc(out, '\\');
		gs_buf_putc(out, 'x');
		gs_buf_putc(out, hex[((unsigned char)s[i]) >> 4]);
		gs_buf_putc(out, hex[((unsigned char)s[i]) & 15]);
		i++;
		start = i;
	}
	gs_buf_put(out, s + start, len - start);
}

/*
 * Serialised form, version 2 (contract format 2; version 1 had no line,
 * value or type_params and is read as a miss):
 *
 *   "GSM" 0x02
 *   ostr doc
 *   u8 has_exports, uint exports_nr, str exports[exports_nr]
 *   uint symbols_nr, then per symbol:
 *     u8 kind, u8 flags (1 public, 2 async, 4 has_params, 8 has_bases),
 *     uint parent + 1, str name, uint markers_nr, str markers[],
 *     [has_params] uint params_nr, per param: str name, u8 kind,
 *                  ostr annotation, ostr default
 *     ostr returns,
 *     [has_bases] uint bases_nr, str bases[]
 *     ostr annotation, ostr value, ostr type_params, ostr doc, uint line
 *
 * uint is a little-endian base-128 varint of at most 32 bits; str is a uint
 * length followed by the bytes; ostr is 0 for NULL or length + 1 followed by
 * the bytes. Nothing may follow the last symbol.
 */
#define MODEL_MAGIC "GSM\002"
#define MODEL_MAGIC_LEN 4

enum {
	FLAG_PUBLIC = 1,
	FLAG_ASYNC = 2,
	FLAG_HAS_PARAMS = 4,
	FLAG_HAS_BASES = 8
};

static void put_uint(gs_buf *out, size_t v)
{
	do {
		unsigned char c = v & 0x7f;

		v >>= 7;
		if (v)
			c |= 0x80;
		gs_buf_putc(out, (char)c);
	} while (v);
}

static void put_str(gs_buf *out, const char *s)
{
	size_t n = strlen(s);

	put_uint(out, n);
	gs_buf_put(out, s, n);
}

static void put_ostr(gs_buf *out, const char *s)
{
	size_t n;

	if (!s) {
		put_uint(out, 0);
		return;
	}
	n = strlen(s);
	put_uint(out, n + 1);
	gs_buf_put(out, s, n);
}

void gs_module_serialize(gs_buf *out, const gs_module *mod)
{
	size_t i, j;

	gs_buf_put(out, MODEL_MAGIC, MODEL_MAGIC_LEN);
	put_ostr(out, mod->doc);
	gs_buf_putc(out, mod->has_exports ? 1 : 0);
	put_uint(out, mod->exports_nr);
	for (i = 0; i < mod->exports_nr; i++)
		put_str(out, mod->exports[i]);
	put_uint(out, mod->symbols_nr);
	for (i = 0; i < mod->symbols_nr; i++) {
		const gs_symbol *s = &mod->symbols[i];
		int flags = (s->public ? FLAG_PUBLIC : 0) |
			(s->is_async ? FLAG_ASYNC : 0) |
			(s->has_params ? FLAG_HAS_PARAMS : 0) |
			(s->has_bases ? FLAG_HAS_BASES : 0);

		gs_buf_putc(out, (char)s->kind);
		gs_buf_putc(out, (char)flags);
		put_uint(out, (size_t)(s->parent + 1));
		put_str(out, s->name);
		put_uint(out, s->markers_nr);
		for (j = 0; j < s->markers_nr; j++)
			put_str(out, s->markers[j]);
		if (s->has_params) {
			put_uint(out, s->params_nr);
			for (j = 0; j < s->params_nr; j++) {
				put_str(out, s->params[j].name);
				gs_buf_putc(out, (char)s->params[j].kind);
				put_ostr(out, s->params[j].annotation);
				put_ostr(out, s->params[j].default_value);
			}
		}
		put_ostr(out, s->returns);
		if (s->has_bases) {
			put_uint(out, s->bases_nr);
			for (j = 0; j < s->bases_nr; j++)
				put_str(out, s->bases[j]);
		}
		put_ostr(out, s->annotation);
		put_ostr(out, s->value);
		put_ostr(out, s->type_params);
		put_ostr(out, s->doc);
		put_uint(out, s->line);
	}
}

struct reader {
	const unsigned char *p;
	size_t left;
	int bad;
};

static int get_u8(struct reader *r)
{
	if (r->bad || !r->left) {
		r->bad = 1;
		return 0;
	}
	r->left--;
	return *r->p++;
}

static size_t get_uint(struct reader *r)
{
	uint32_t v = 0;
	int shift = 0;

	for (;;) {
		int c = get_u8(r);

		if (r->bad)
			return 0;
		if (shift == 28 && (c & 0x70)) {
			r->bad = 1;
			return 0;
		}
		v |= (uint32_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
		if (shift > 28) {
			r->bad = 1;
			return 0;
		}
	}
	return v;
}

/* A count of items that each need at least one byte. */
static size_t get_count(struct reader *r)
{
	size_t n = get_uint(r);

	if (n > r->left) {
		r->bad = 1;
		return 0;
	}
	return n;
}

static char *get_bytes(struct reader *r, size_t n)
{
	char *s;

	if (r->bad || n > r->left || memchr(r->p, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	/* Model strings are valid UTF-8 by contract; keep it so. */
	{
		size_t i = 0;

		while (i < n) {
			size_t k = gs_utf8_seq_len((const char *)r->p + i, n - i);

			if (!k) {
				r->bad = 1;
				return NULL;
			}
			i += k;
		}
	}
	s = gs_xstrndup((const char *)r->p, n);
	r->p += n;
	r->left -= n;
	return s;
}

static char *get_str(struct reader *r)
{
	size_t n = get_uint(r);

	return r->bad ? NULL : get_bytes(r, n);
}

static char *get_ostr(struct reader *r)
{
	size_t n = get_uint(r);

	if (r->bad || !n)
		return NULL;
	return get_bytes(r, n - 1);
}

static char **get_strings(struct reader *r, size_t *nr_out)
{
	size_t n = get_count(r), i;
	char **v;

	*nr_out = 0;
	if (r->bad || !n)
		return NULL;
	v = gs_xcalloc(n, sizeof(*v));
	for (i = 0; i < n && !r->bad; i++) {
		v[i] = get_str(r);
		*nr_out = i + 1;
	}
	return v;
}

static void get_symbol(struct reader *r, gs_module *mod, size_t idx)
{
	gs_symbol *s = &mod->symbols[idx];
	int kind, flags;
	size_t parent, j;

	kind = get_u8(r);
	flags = get_u8(r);
	parent = get_uint(r);
	if (r->bad)
		return;
	if (kind > GS_SYM_ATTRIBUTE || (flags & ~15) || parent > idx ||
	    (parent && mod->symbols[parent - 1].kind != GS_SYM_CLASS)) {
		r->bad = 1;
		return;
	}
	s->kind = (gs_symbol_kind)kind;
	s->public = !!(flags & FLAG_PUBLIC);
	s->is_async = !!(flags & FLAG_ASYNC);
	s->has_params = !!(flags & FLAG_HAS_PARAMS);
	s->has_bases = !!(flags & FLAG_HAS_BASES);
	s->parent = (int)parent - 1;
	s->name = get_str(r);
	s->markers = get_strings(r, &s->markers_nr);
	if (s->has_params && !r->bad) {
		size_t n = get_count(r);

		if (n && !r->bad) {
			s->params = gs_xcalloc(n, sizeof(*s->params));
			for (j = 0; j < n && !r->bad; j++) {
				gs_param *p = &s->params[j];
				int pk;

				s->params_nr = j + 1;
				p->name = get_str(r);
				pk = get_u8(r);
				if (pk > GS_PARAM_VAR_KEYWORD)
					r->bad = 1;
				p->kind = (gs_param_kind)pk;
				p->annotation = get_ostr(r);
				p->default_value = get_ostr(r);
			}
		}
	}
	s->returns = get_ostr(r);
	if (s->has_bases && !r->bad)
		s->bases = get_strings(r, &s->bases_nr);
	s->annotation = get_ostr(r);
	s->value = get_ostr(r);
	s->type_params = get_ostr(r);
	s->doc = get_ostr(r);
	s->line = get_uint(r);
}

int gs_module_deserialize(gs_module **out, const char *path, const char *data, size_t len)
{
	struct reader r;
	gs_module *mod = NULL;
	size_t n, i;
	int error = 0;

	*out = NULL;
	if (len < MODEL_MAGIC_LEN || memcmp(data, MODEL_MAGIC, MODEL_MAGIC_LEN)) {
		error = gs_error_set(GS_EINPUT, "cannot read cached model of '%s': bad header", path);
		goto done;
	}
	r.p = (const unsigned char *)data + MODEL_MAGIC_LEN;
	r.left = len - MODEL_MAGIC_LEN;
	r.bad = 0;

	mod = gs_xcalloc(1, sizeof(*mod));
	mod->path = gs_xstrdup(path);
	mod->doc = get_ostr(&r);
	i = get_u8(&r);
	if (i > 1)
		r.bad = 1;
	mod->has_exports = (int)i;
	mod->exports = get_strings(&r, &mod->exports_nr);
	n = get_count(&r);
	if (!r.bad && n) {
		mod->symbols = gs_xcalloc(n, sizeof(*mod->symbols));
		for (i = 0; i < n && !r.bad; i++) {
			mod->symbols_nr = i + 1;
			get_symbol(&r, mod, i);
		}
	}
	if (!r.bad && r.left)
		r.bad = 1;
	if (!r.bad) {
		/* Callables need their name; the renderer relies on it. */
		for (i = 0; i < mod->symbols_nr; i++) {
			if (!mod->symbols[i].name || !*mod->symbols[i].name)
				r.bad = 1;
		}
	}
	if (r.bad)
		error = gs_error_set(GS_EINPUT, "cannot read cached model of '%s': corrupt data", path);

done:
	if (error)
		gs_module_free(mod);
	else
		*out = mod;
	return error;
}
