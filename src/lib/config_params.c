#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include <git2/sys/config.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/config.h"

/*
 * The configuration git gives a command on its command line: `git -c K=V`
 * and `git --config-env` reach a subcommand (and the hooks and drivers git
 * runs) as GIT_CONFIG_PARAMETERS, and GIT_CONFIG_COUNT with
 * GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n> come from the user's environment.
 * libgit2 1.5 reads neither, so they are parsed here exactly as git's
 * config.c does (git_config_from_parameters, parse_config_env_list,
 * git_config_parse_parameter, git_config_parse_key and quote.c's
 * sq_dequote_step) and put above every level of the repository's
 * configuration by a read-only in-memory backend, so that every reader of
 * the configuration (spec.*, core.quotePath, ...) sees them.
 */

void gs_config_params_clear(gs_config_params *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++) {
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->nr = p->alloc = 0;
}

static void params_push(gs_config_params *p, char *key, const char *value)
{
	GS_ALLOC_GROW(p->v, p->nr + 1, p->alloc);
	p->v[p->nr].key = key;
	p->v[p->nr].value = value ? gs_xstrdup(value) : NULL;
	p->nr++;
}

static int iskeychar(int c)
{
	return isalnum(c) || c == '-';
}

int gs_config_canonical_key(char **out, const char *key)
{
	const char *last_dot = strrchr(key, '.');
	size_t i, baselen;
	char *store = NULL;
	int dot = 0, error = 0;

	*out = NULL;
	if (!last_dot || last_dot == key) {
		error = gs_error_set(GS_ERROR, "key does not contain a section: %s", key);
		goto done;
	}
	if (!last_dot[1]) {
		error = gs_error_set(GS_ERROR, "key does not contain variable name: %s", key);
		goto done;
	}
	baselen = (size_t)(last_dot - key);
	store = gs_xstrdup(key);
	for (i = 0; key[i]; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c == '.')
			dot = 1;
		/* The subsection (between the first and the last dot) keeps its case. */
		if (!dot || i > baselen) {
			if (!iskeychar(c) || (i == baselen + 1 && !isalpha(c))) {
				error = gs_error_set(GS_ERROR, "invalid key: %s", key);
				goto done;
			}
			c = (unsigned char)tolower(c);
		} else if (c == '\n') {
			error = gs_error_set(GS_ERROR, "invalid key (newline): %s", key);
			goto done;
		}
		store[i] = (char)c;
	}
	*out = store;
	store = NULL;
done:
	free(store);
	return error;
}

/* git's config_parse_pair: `value` NULL is a key given without '=' (true). */
static int parse_pair(gs_config_params *out, const char *key, const char *value)
{
	char *canonical;
	int error;

	if (!*key)
		return gs_error_set(GS_ERROR, "empty config key");
	if ((error = gs_config_canonical_key(&canonical, key)) < 0)
		return error;
	params_push(out, canonical, value);
	return 0;
}

/* git's git_config_parse_parameter: an old-style 'key=value' item. */
static int parse_parameter(gs_config_params *out, const char *text)
{
	const char *eq = strchr(text, '='), *start = text, *end;
	gs_buf key = GS_BUF_INIT;
	int error;

	/* the key without the blanks around it (strbuf_trim) */
	end = eq ? eq : text + strlen(text);
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	gs_buf_set(&key, start, (size_t)(end - start));
	if (!key.size)
		error = gs_error_set(GS_ERROR, "bogus config parameter: %s", text);
	else
		error = parse_pair(out, key.ptr, eq ? eq + 1 : NULL);
	gs_buf_release(&key);
	return error;
}

static int need_bs_quote(char c)
{
	return c == '\'' || c == '!';
}

/*
 * quote.c's sq_dequote_step: unquote the single-quoted word at `arg` in
 * place. *next is where the text after it starts, NULL at the end of the
 * string. NULL when `arg` is not what sq_quote produces.
 */
static char *sq_dequote_step(char *arg, char **next)
{
	char *dst = arg, *src = arg;
	char c;

	if (*src != '\'')
		return NULL;
	for (;;) {
		c = *++src;
		if (!c)
			return NULL;
		if (c != '\'') {
			*dst++ = c;
			continue;
		}
		/* out of the quotes: a backslashed ' or ! may join the next part */
		switch (*++src) {
		case '\0':
			*dst = '\0';
			*next = NULL;
			return arg;
		case '\\':
			if (need_bs_quote(src[1]) && src[2] == '\'') {
				*dst++ = src[1];
				src += 2;
				continue;
			}
			/* fall through */
		default:
			*dst = '\0';
			*next = src;
			return arg;
		}
	}
}

static int bogus_format(void)
{
	return gs_error_set(GS_ERROR, "bogus format in GIT_CONFIG_PARAMETERS");
}

int gs_config_params_parse(gs_config_params *out, const char *text)
{
	char *env = gs_xstrdup(text), *cur = env;
	int error = 0;

	while (cur && *cur) {
		const char *key = sq_dequote_step(cur, &cur), *value;

		if (!key) {
			error = bogus_format();
			goto done;
		}
		if (!cur || isspace((unsigned char)*cur)) {
			/* old style: 'key=value' */
			if ((error = parse_parameter(out, key)) < 0)
				goto done;
		} else if (*cur == '=') {
			/* new style: 'key'='value', or 'key'= for a bare key */
			cur++;
			if (*cur == '\'') {
				value = sq_dequote_step(cur, &cur);
				if (!value || (cur && !isspace((unsigned char)*cur))) {
					error = bogus_format();
					goto done;
				}
			} else if (!*cur || isspace((unsigned char)*cur)) {
				value = NULL;
			} else {
				error = bogus_format();
				goto done;
			}
			if ((error = parse_pair(out, key, value)) < 0)
				goto done;
		} else {
			error = bogus_format();
			goto done;
		}
		while (cur && isspace((unsigned char)*cur))
			cur++;
	}
done:
	free(env);
	return error;
}

int gs_config_params_from_env(gs_config_params *out)
{
	gs_buf name = GS_BUF_INIT;
	const char *env;
	int error = 0;

	/* git reads GIT_CONFIG_COUNT first: GIT_CONFIG_PARAMETERS (git -c) wins. */
	if ((env = getenv("GIT_CONFIG_COUNT"))) {
		unsigned long count, i;
		char *end;

		errno = 0;
		count = strtoul(env, &end, 10);
		if (*end) {
			error = gs_error_set(GS_ERROR, "bogus count in GIT_CONFIG_COUNT");
			goto done;
		}
		if (count > INT_MAX || errno == ERANGE) {
			error = gs_error_set(GS_ERROR, "too many entries in GIT_CONFIG_COUNT");
			goto done;
		}
		for (i = 0; i < count; i++) {
			const char *key, *value;

			gs_buf_clear(&name);
			gs_buf_printf(&name, "GIT_CONFIG_KEY_%lu", i);
			if (!(key = getenv(name.ptr))) {
				error = gs_error_set(GS_ERROR, "missing config key %s", name.ptr);
				goto done;
			}
			gs_buf_clear(&name);
			gs_buf_printf(&name, "GIT_CONFIG_VALUE_%lu", i);
			if (!(value = getenv(name.ptr))) {
				error = gs_error_set(GS_ERROR, "missing config value %s", name.ptr);
				goto done;
			}
			if ((error = parse_pair(out, key, value)) < 0)
				goto done;
		}
	}
	if ((env = getenv("GIT_CONFIG_PARAMETERS")))
		error = gs_config_params_parse(out, env);
done:
	gs_buf_release(&name);
	return error;
}

/* ---- the backend ---------------------------------------------------------- */

typedef struct params_backend {
	git_config_backend parent;
	gs_config_params params;
} params_backend;

typedef struct params_iterator {
	git_config_iterator parent;
	params_backend *backend;
	size_t next;
	git_config_entry entry;
} params_iterator;

static void fill_entry(git_config_entry *e, const gs_config_param *p)
{
	memset(e, 0, sizeof(*e));
	e->name = p->key;
	e->value = p->value;
	e->level = GIT_CONFIG_LEVEL_APP;
}

/* The strings stay the backend's (as libgit2's own backends have it). */
static void free_entry(git_config_entry *e)
{
	free(e);
}

static int pb_open(git_config_backend *b, git_config_level_t level, const git_repository *repo)
{
	(void)b;
	(void)level;
	(void)repo;
	return 0;
}

static int pb_get(git_config_backend *b, const char *key, git_config_entry **out)
{
	params_backend *pb = (params_backend *)b;
	size_t i;

	/* the last one given wins, as in a file */
	for (i = pb->params.nr; i-- > 0;) {
		if (strcmp(pb->params.v[i].key, key))
			continue;
		*out = gs_xcalloc(1, sizeof(**out));
		fill_entry(*out, &pb->params.v[i]);
		(*out)->free = free_entry;
		return 0;
	}
	return GIT_ENOTFOUND;
}

static int pb_readonly(void)
{
	git_error_set_str(GIT_ERROR_CONFIG, "the command-line configuration is read-only");
	return -1;
}

static int pb_set(git_config_backend *b, const char *key, const char *value)
{
	(void)b;
	(void)key;
	(void)value;
	return pb_readonly();
}

static int pb_set_multivar(git_config_backend *b, const char *name, const char *regexp, const char *value)
{
	(void)b;
	(void)name;
	(void)regexp;
	(void)value;
	return pb_readonly();
}

static int pb_del(git_config_backend *b, const char *key)
{
	(void)b;
	(void)key;
	return pb_readonly();
}

static int pb_del_multivar(git_config_backend *b, const char *key, const char *regexp)
{
	(void)b;
	(void)key;
	(void)regexp;
	return pb_readonly();
}

static int pb_lock(git_config_backend *b)
{
	(void)b;
	return pb_readonly();
}

static int pb_unlock(git_config_backend *b, int success)
{
	(void)b;
	(void)success;
	return pb_readonly();
}

static int pi_next(git_config_entry **out, git_config_iterator *it)
{
	params_iterator *pi = (params_iterator *)it;

	if (pi->next >= pi->backend->params.nr)
		return GIT_ITEROVER;
	fill_entry(&pi->entry, &pi->backend->params.v[pi->next++]);
	*out = &pi->entry;
	return 0;
}

static void pi_free(git_config_iterator *it)
{
	free(it);
}

static int pb_iterator(git_config_iterator **out, git_config_backend *b)
{
	params_iterator *it = gs_xcalloc(1, sizeof(*it));

	it->parent.backend = b;
	it->parent.next = pi_next;
	it->parent.free = pi_free;
	it->backend = (params_backend *)b;
	*out = &it->parent;
	return 0;
}

static void pb_free(git_config_backend *b)
{
	params_backend *pb = (params_backend *)b;

	if (!pb)
		return;
	gs_config_params_clear(&pb->params);
	free(pb);
}

static params_backend *pb_new(const gs_config_params *params);

static int pb_snapshot(git_config_backend **out, git_config_backend *b)
{
	*out = &pb_new(&((params_backend *)b)->params)->parent;
	return 0;
}

static params_backend *pb_new(const gs_config_params *params)
{
	params_backend *pb = gs_xcalloc(1, sizeof(*pb));
	size_t i;

	git_config_init_backend(&pb->parent, GIT_CONFIG_BACKEND_VERSION);
	/* read-only: libgit2 then writes to the repository's file, as git does */
	pb->parent.readonly = 1;
	pb->parent.open = pb_open;
	pb->parent.get = pb_get;
	pb->parent.set = pb_set;
	pb->parent.set_multivar = pb_set_multivar;
	pb->parent.del = pb_del;
	pb->parent.del_multivar = pb_del_multivar;
	pb->parent.iterator = pb_iterator;
	pb->parent.snapshot = pb_snapshot;
	pb->parent.lock = pb_lock;
	pb->parent.unlock = pb_unlock;
	pb->parent.free = pb_free;
	for (i = 0; i < params->nr; i++)
		params_push(&pb->params, gs_xstrdup(params->v[i].key), params->v[i].value);
	return pb;
}

int gs_config_params_apply(git_repository *repo)
{
	gs_config_params params = GS_CONFIG_PARAMS_INIT;
	git_config *cfg = NULL;
	params_backend *pb = NULL;
	int error;

	if ((error = gs_config_params_from_env(&params)) < 0) {
		gs_buf msg = GS_BUF_INIT;

		gs_buf_sets(&msg, gs_error_last());
		error = gs_error_set(GS_ERROR, "%s; unable to parse command-line config", msg.ptr);
		gs_buf_release(&msg);
		goto done;
	}
	if (!params.nr)
		goto done;
	if (git_repository_config(&cfg, repo) < 0) {
		error = gs_error_set_git("cannot read git config");
		goto done;
	}
	pb = pb_new(&params);
	if (git_config_add_backend(cfg, &pb->parent, GIT_CONFIG_LEVEL_APP, repo, 1) < 0) {
		error = gs_error_set_git("cannot apply the command-line config");
		goto done;
	}
	pb = NULL; /* the configuration owns it now */
done:
	pb_free(pb ? &pb->parent : NULL);
	git_config_free(cfg);
	gs_config_params_clear(&params);
	return error;
}
