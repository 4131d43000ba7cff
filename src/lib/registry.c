#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/sha1.h"
#include "gitspec/strvec.h"
#include "gitspec/specid.h"
#include "gitspec/source.h"
#include "gitspec/packages.h"
#include "gitspec/cache.h"
#include "gitspec/spec.h"
#include "gitspec/language.h"
#include "gitspec/index.h"

/*
 * The registry (DESIGN.md 3.4): every spec under the specs directory,
 * parsed, with lookup tables from package and from contract path.
 *
 * It is recomputed on every run, so it must be cheap when nothing changed:
 * the whole registry is cached under a key hashed from the list of spec
 * paths and blob ids (taken from the source's entries, no blob read), and
 * each spec under its blob id, so that one changed spec costs one parse.
 */

/* 3: errors carry their line and column; a cache written before is a miss */
#define REGISTRY_MAGIC "gsreg3"
#define REGISTRY_KEY_MAGIC "gitspec-registry-2"

/*
 * The covering load of the pre-commit hook (gs_registry_load_covering) on
 * an index also has a second form of the registry in the cache, keyed by
 * the id of the specs directory's tree (ADR 0018): the index names that
 * tree without any listing, by a sparse directory entry or a valid
 * cache-tree entry. The tree fixes every path, mode and blob below the
 * specs directory, so it fixes the registry as the listing key does; the
 * key also holds the specs directory and the serialisation format. A
 * header entry holds the spec errors and the number of shards; shard N
 * holds the serialised specs with a source identifier whose hash is N (a
 * spec with several is in each of their shards), so that judging a few
 * packages reads a few small entries instead of every spec.
 */
#define REGISTRY_TREE_KEY_MAGIC "gitspec-registry-tree-1"
#define REGISTRY_TREE_MAGIC "gsregt1"
#define REGISTRY_SHARD_MAGIC "gsregs1"
#define REGISTRY_TREE_NS "registry-tree"
#define REGISTRY_SHARD_NS "registry-shard"
#define SPECS_PER_SHARD 16

static void put_bytes(gs_buf *out, const char *s, size_t n)
{
	gs_buf_put_u32le(out, (uint32_t)n);
	gs_buf_put(out, s, n);
}

static const char *get_bytes(gs_reader *r, size_t *len)
{
	uint32_t n = gs_reader_u32le(r);
	const char *s;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	s = (const char *)r->p;
	r->p += n;
	*len = n;
	return s;
}

void gs_registry_free(gs_registry *reg)
{
	size_t i;

	if (!reg)
		return;
	for (i = 0; i < reg->specs_nr; i++)
		gs_spec_free(reg->specs[i]);
	free(reg->specs);
	gs_strvec_clear(&reg->errors);
	gs_strvec_clear(&reg->error_paths);
	free(reg->error_places);
	gs_strvec_clear(&reg->names);
	free(reg->by_package);
	free(reg->by_contract);
	free(reg);
}

static void registry_add_error(gs_registry *reg, char *path, char *msg,
			       unsigned line, unsigned column)
{
	GS_ALLOC_GROW(reg->error_places, reg->errors.nr + 1, reg->error_places_alloc);
	reg->error_places[reg->errors.nr].line = line;
	reg->error_places[reg->errors.nr].column = column;
	gs_strvec_push_nodup(&reg->error_paths, path);
	gs_strvec_push_nodup(&reg->errors, msg);
}

static void registry_add(gs_registry *reg, gs_spec *spec)
{
	GS_ALLOC_GROW(reg->specs, reg->specs_nr + 1, reg->specs_alloc);
	reg->specs[reg->specs_nr++] = spec;
}

static int spec_cmp(const void *a, const void *b)
{
	const gs_spec *x = *(const gs_spec *const *)a, *y = *(const gs_spec *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : strcmp(x->path, y->path);
}

/* Sort keys carry the position in spec order so that equal keys stay in it. */
struct sort_pkg {
	gs_registry_entry entry;
	size_t order;
};

static int sort_pkg_cmp(const void *a, const void *b)
{
	const struct sort_pkg *x = a, *y = b;
	int c = strcmp(x->entry.source->identifier, y->entry.source->identifier);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

struct sort_contract {
	gs_registry_contract c;
	size_t order;
};

static int sort_contract_cmp(const void *a, const void *b)
{
	const struct sort_contract *x = a, *y = b;
	int c = strcmp(x->c.path, y->c.path);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void registry_index(gs_registry *reg)
{
	struct sort_pkg *pk = NULL;
	struct sort_contract *ct = NULL;
	size_t i, j, k, npk = 0, nct = 0;

	GS_QSORT(reg->specs, reg->specs_nr, spec_cmp);
	for (i = 0; i < reg->specs_nr; i++) {
		npk += reg->specs[i]->sources_nr;
		for (j = 0; j < reg->specs[i]->sources_nr; j++)
			nct += reg->specs[i]->sources[j].variants_nr;
	}
	pk = gs_xcalloc(npk ? npk : 1, sizeof(*pk));
	ct = gs_xcalloc(nct ? nct : 1, sizeof(*ct));
	npk = nct = 0;
	for (i = 0; i < reg->specs_nr; i++) {
		const gs_spec *spec = reg->specs[i];

		for (j = 0; j < spec->sources_nr; j++) {
			const gs_spec_source *s = &spec->sources[j];

			pk[npk].entry.spec = spec;
			pk[npk].entry.source = s;
			pk[npk].order = npk;
			npk++;
			for (k = 0; k < s->variants_nr; k++) {
				if (!s->variants[k].repo_path)
					continue;
				ct[nct].c.path = s->variants[k].repo_path;
				ct[nct].c.entry.spec = spec;
				ct[nct].c.entry.source = s;
				ct[nct].c.variant = &s->variants[k];
				ct[nct].order = nct;
				nct++;
			}
		}
	}
	GS_QSORT(pk, npk, sort_pkg_cmp);
	GS_QSORT(ct, nct, sort_contract_cmp);
	free(reg->by_package);
	free(reg->by_contract);
	reg->by_package = gs_xcalloc(npk ? npk : 1, sizeof(*reg->by_package));
	reg->by_contract = gs_xcalloc(nct ? nct : 1, sizeof(*reg->by_contract));
	for (i = 0; i < npk; i++)
		reg->by_package[i] = pk[i].entry;
	for (i = 0; i < nct; i++)
		reg->by_contract[i] = ct[i].c;
	reg->by_package_nr = npk;
	reg->by_contract_nr = nct;
	free(pk);
	free(ct);
}

/* Empty the specs and errors of `reg` (a cached form that turned out unreadable). */
static void registry_reset(gs_registry *reg)
{
	size_t i;

	for (i = 0; i < reg->specs_nr; i++)
		gs_spec_free(reg->specs[i]);
	reg->specs_nr = 0;
	gs_strvec_clear(&reg->errors);
	gs_strvec_clear(&reg->error_paths);
}

static void put_errors(gs_buf *out, const gs_registry *reg)
{
	size_t i;

	gs_buf_put_u32le(out, (uint32_t)reg->errors.nr);
	for (i = 0; i < reg->errors.nr; i++) {
		put_bytes(out, reg->error_paths.v[i], strlen(reg->error_paths.v[i]));
		put_bytes(out, reg->errors.v[i], strlen(reg->errors.v[i]));
		gs_buf_put_u32le(out, reg->error_places[i].line);
		gs_buf_put_u32le(out, reg->error_places[i].column);
	}
}

static void get_errors(gs_registry *reg, gs_reader *r)
{
	uint32_t nr = gs_reader_u32le(r), i;

	for (i = 0; i < nr && !r->bad; i++) {
		size_t n = 0, msg_len = 0;
		const char *path = get_bytes(r, &n), *msg;
		uint32_t line, column;

		msg = get_bytes(r, &msg_len);
		line = gs_reader_u32le(r);
		column = gs_reader_u32le(r);
		if (!r->bad)
			registry_add_error(reg, gs_xstrndup(path, n), gs_xstrndup(msg, msg_len),
					   line, column);
	}
}

static void registry_serialize(gs_buf *out, const gs_registry *reg)
{
	gs_buf one = GS_BUF_INIT;
	size_t i;

	gs_buf_put(out, REGISTRY_MAGIC, sizeof(REGISTRY_MAGIC));
	gs_buf_put_u32le(out, (uint32_t)reg->specs_nr);
	for (i = 0; i < reg->specs_nr; i++) {
		gs_buf_clear(&one);
		gs_spec_serialize(&one, reg->specs[i]);
		put_bytes(out, reg->specs[i]->path, strlen(reg->specs[i]->path));
		put_bytes(out, one.ptr, one.size);
	}
	put_errors(out, reg);
	gs_buf_release(&one);
}

/* Add the spec serialised at path (n bytes, no NUL) as body; -1 when it is not one. */
static int add_serialized(gs_registry *reg, const char *path, size_t n, const char *body, size_t m)
{
	char *p = gs_xstrndup(path, n);
	gs_spec *spec;
	int error = gs_spec_deserialize(&spec, p, body, m);

	if (error >= 0)
		registry_add(reg, spec);
	free(p);
	return error < 0 ? -1 : 0;
}

/* Fill `reg` from a cached serialisation; -1 (and `reg` emptied) when it is not one. */
static int registry_deserialize(gs_registry *reg, const char *data, size_t len, const gs_strvec *ids)
{
	gs_reader r = { (const unsigned char *)data, (const unsigned char *)data + len, 0 };
	uint32_t nr, i;
	size_t n = 0, m = 0;

	if (len < sizeof(REGISTRY_MAGIC) || memcmp(data, REGISTRY_MAGIC, sizeof(REGISTRY_MAGIC)))
		return -1;
	r.p += sizeof(REGISTRY_MAGIC);
	nr = gs_reader_u32le(&r);
	for (i = 0; i < nr && !r.bad; i++) {
		const char *path = get_bytes(&r, &n), *body;

		body = get_bytes(&r, &m);
		if (r.bad || memchr(path, '\0', n))
			break;
		if (ids && !gs_spec_serialized_covers(body, m, ids))
			continue;
		if (add_serialized(reg, path, n, body, m) < 0)
			r.bad = 1;
	}
	get_errors(reg, &r);
	if (r.bad || r.p != r.end) {
		registry_reset(reg);
		return -1;
	}
	return 0;
}

/* ---- the tree-keyed form (the hook's covering load) ---------------------- */

/*
 * The id of the tree the index stages at `dir`: a valid cache-tree entry,
 * or a sparse directory entry at `dir` or above it (then the subtree
 * below it, read from the object database). 0 when the index does not
 * say (an invalidated cache-tree, no sparse directory): the caller then
 * lists the entries as before.
 */
static int staged_tree_id(git_oid *out, const gs_index *idx, git_repository *repo, const char *dir)
{
	gs_buf prefix = GS_BUF_INIT;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	const char *p;
	int found = 0;

	if (!*dir || !strcmp(dir, "."))
		goto done;
	if (gs_index_cache_tree_oid(out, idx, dir)) {
		found = 1;
		goto done;
	}
	if (!gs_index_is_sparse(idx) || !repo)
		goto done;
	for (p = dir;; p++) {
		if (*p == '/' || !*p) {
			long pos;
			const gs_index_entry *ie;

			gs_buf_set(&prefix, dir, (size_t)(p - dir));
			gs_buf_putc(&prefix, '/');
			pos = gs_index_find_pos(idx, prefix.ptr);
			ie = pos >= 0 ? gs_index_get(idx, (size_t)pos) : NULL;
			if (ie && ie->mode == GS_INDEX_MODE_DIR && !ie->stage) {
				if (!*p) {
					git_oid_cpy(out, &ie->oid);
					found = 1;
				} else if (git_tree_lookup(&tree, repo, &ie->oid) == 0 &&
					   git_tree_entry_bypath(&te, tree, p + 1) == 0 &&
					   git_tree_entry_type(te) == GIT_OBJECT_TREE) {
					git_oid_cpy(out, git_tree_entry_id(te));
					found = 1;
				}
				break;
			}
		}
		if (!*p)
			break;
	}
done:
	git_tree_entry_free(te);
	git_tree_free(tree);
	gs_buf_release(&prefix);
	return found;
}

/* The tree-keyed key of the registry the index `idx` stages, or 0. */
static int tree_key(git_oid *key, const gs_index *idx, git_repository *repo, const gs_config *cfg)
{
	git_oid tree;
	gs_sha1_ctx ctx;

	if (!idx || !staged_tree_id(&tree, idx, repo, cfg->specs_dir))
		return 0;
	gs_sha1_init(&ctx);
	gs_sha1_update(&ctx, REGISTRY_TREE_KEY_MAGIC, sizeof(REGISTRY_TREE_KEY_MAGIC));
	gs_sha1_update(&ctx, REGISTRY_MAGIC, sizeof(REGISTRY_MAGIC));
	gs_sha1_update(&ctx, cfg->specs_dir, strlen(cfg->specs_dir) + 1);
	gs_sha1_update(&ctx, tree.id, GIT_OID_RAWSZ);
	if (gs_sha1_final(key->id, &ctx) < 0) {
		gs_error_clear();
		return 0;
	}
	return 1;
}

/* FNV-1a: which shard an identifier's specs are in (any stable hash will do). */
static uint32_t shard_of(const char *s, size_t n, uint32_t nshards)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h % nshards;
}

static int shard_key(git_oid *out, const git_oid *tkey, uint32_t shard)
{
	unsigned char buf[GIT_OID_RAWSZ + 4];

	memcpy(buf, tkey->id, GIT_OID_RAWSZ);
	buf[GIT_OID_RAWSZ] = (unsigned char)shard;
	buf[GIT_OID_RAWSZ + 1] = (unsigned char)(shard >> 8);
	buf[GIT_OID_RAWSZ + 2] = (unsigned char)(shard >> 16);
	buf[GIT_OID_RAWSZ + 3] = (unsigned char)(shard >> 24);
	return gs_sha1(out->id, buf, sizeof(buf));
}

/* Store `reg` (every spec of the tree) in its tree-keyed form; only a cache. */
static void registry_put_tree(gs_cache *cache, const git_oid *tkey, const gs_registry *reg)
{
	uint32_t nshards = (uint32_t)(reg->specs_nr / SPECS_PER_SHARD + 1), s;
	gs_buf *shards = gs_xcalloc(nshards, sizeof(*shards));
	uint32_t *counts = gs_xcalloc(nshards, sizeof(*counts));
	gs_buf one = GS_BUF_INIT, head = GS_BUF_INIT;
	size_t i, j, k;

	for (i = 0; i < reg->specs_nr; i++) {
		const gs_spec *spec = reg->specs[i];

		gs_buf_clear(&one);
		gs_spec_serialize(&one, spec);
		for (j = 0; j < spec->sources_nr; j++) {
			const char *id = spec->sources[j].identifier;

			if (!id)
				continue;
			s = shard_of(id, strlen(id), nshards);
			/* once per shard, whatever number of its sources hash there */
			for (k = 0; k < j; k++)
				if (spec->sources[k].identifier &&
				    shard_of(spec->sources[k].identifier,
					     strlen(spec->sources[k].identifier), nshards) == s)
					break;
			if (k < j)
				continue;
			put_bytes(&shards[s], spec->path, strlen(spec->path));
			put_bytes(&shards[s], one.ptr, one.size);
			counts[s]++;
		}
	}
	for (s = 0; s < nshards; s++) {
		git_oid key;

		gs_buf_clear(&head);
		gs_buf_put(&head, REGISTRY_SHARD_MAGIC, sizeof(REGISTRY_SHARD_MAGIC));
		gs_buf_put_u32le(&head, counts[s]);
		gs_buf_put(&head, shards[s].ptr, shards[s].size);
		if (shard_key(&key, tkey, s) < 0 ||
		    gs_cache_put(cache, REGISTRY_SHARD_NS, &key, head.ptr, head.size) < 0)
			goto done;
	}
	/* the header last: it vouches for shards that this run wrote */
	gs_buf_clear(&head);
	gs_buf_put(&head, REGISTRY_TREE_MAGIC, sizeof(REGISTRY_TREE_MAGIC));
	gs_buf_put_u32le(&head, nshards);
	put_errors(&head, reg);
	gs_cache_put(cache, REGISTRY_TREE_NS, tkey, head.ptr, head.size);
done:
	gs_error_clear();  /* only a cache */
	for (s = 0; s < nshards; s++)
		gs_buf_release(&shards[s]);
	free(shards);
	free(counts);
	gs_buf_release(&one);
	gs_buf_release(&head);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int has_spec_path(const gs_registry *reg, const char *path, size_t n)
{
	size_t i;

	for (i = 0; i < reg->specs_nr; i++)
		if (strlen(reg->specs[i]->path) == n && !memcmp(reg->specs[i]->path, path, n))
			return 1;
	return 0;
}

/* Add the specs of one shard that have a source in `ids`; -1 when it is not one. */
static int load_shard(gs_registry *reg, const char *data, size_t len, const gs_strvec *ids)
{
	gs_reader r = { (const unsigned char *)data, (const unsigned char *)data + len, 0 };
	uint32_t nr, i;

	if (len < sizeof(REGISTRY_SHARD_MAGIC) ||
	    memcmp(data, REGISTRY_SHARD_MAGIC, sizeof(REGISTRY_SHARD_MAGIC)))
		return -1;
	r.p += sizeof(REGISTRY_SHARD_MAGIC);
	nr = gs_reader_u32le(&r);
	for (i = 0; i < nr && !r.bad; i++) {
		size_t n = 0, m = 0;
		const char *path = get_bytes(&r, &n), *body = get_bytes(&r, &m);

		if (r.bad || memchr(path, '\0', n))
			return -1;
		if (!gs_spec_serialized_covers(body, m, ids) || has_spec_path(reg, path, n))
			continue;
		if (add_serialized(reg, path, n, body, m) < 0)
			r.bad = 1;
	}
	return r.bad || r.p != r.end ? -1 : 0;
}

/*
 * Fill `reg` with the specs covering `ids` and every spec error from the
 * tree-keyed form; -1 (and `reg` emptied) when any of it is missing or
 * unreadable.
 */
static int registry_get_tree(gs_registry *reg, gs_cache *cache, const git_oid *tkey,
			     const gs_strvec *ids)
{
	gs_buf data = GS_BUF_INIT;
	gs_reader r;
	uint32_t nshards, *want = NULL;
	size_t i, nwant = 0;
	int error = -1;

	if (gs_cache_get(&data, cache, REGISTRY_TREE_NS, tkey) < 0 ||
	    data.size < sizeof(REGISTRY_TREE_MAGIC) ||
	    memcmp(data.ptr, REGISTRY_TREE_MAGIC, sizeof(REGISTRY_TREE_MAGIC)))
		goto done;
	r.p = (const unsigned char *)data.ptr + sizeof(REGISTRY_TREE_MAGIC);
	r.end = (const unsigned char *)data.ptr + data.size;
	r.bad = 0;
	nshards = gs_reader_u32le(&r);
	get_errors(reg, &r);
	if (r.bad || r.p != r.end || !nshards)
		goto done;
	want = gs_xcalloc(ids->nr ? ids->nr : 1, sizeof(*want));
	for (i = 0; i < ids->nr; i++)
		want[i] = shard_of(ids->v[i], strlen(ids->v[i]), nshards);
	if (ids->nr)
		qsort(want, ids->nr, sizeof(*want), u32_cmp);
	for (i = 0; i < ids->nr; i++)
		if (!nwant || want[nwant - 1] != want[i])
			want[nwant++] = want[i];
	for (i = 0; i < nwant; i++) {
		git_oid key;

		gs_buf_clear(&data);
		if (shard_key(&key, tkey, want[i]) < 0 ||
		    gs_cache_get(&data, cache, REGISTRY_SHARD_NS, &key) < 0 ||
		    load_shard(reg, data.ptr, data.size, ids) < 0)
			goto done;
	}
	error = 0;
done:
	if (error < 0) {
		gs_error_clear();
		registry_reset(reg);
	}
	free(want);
	gs_buf_release(&data);
	return error;
}

/* Whether `rest` (below the specs directory) is NAME/NAME.md; *name_len set to NAME's length. */
static int is_spec_file(const char *rest, size_t *name_len)
{
	const char *slash = strchr(rest, '/');
	size_t n;

	if (!slash)
		return 0;
	n = (size_t)(slash - rest);
	*name_len = n;
	return n && strlen(slash + 1) == n + 3 && !memcmp(slash + 1, rest, n) &&
		!strcmp(slash + 1 + n, ".md");
}

static int load_one(gs_registry *reg, gs_source *src, const gs_source_entry *e,
		    const git_oid *oid, gs_cache *cache)
{
	gs_buf data = GS_BUF_INIT;
	gs_spec *spec = NULL;
	int error = 0;

	if (cache && !gs_cache_get(&data, cache, "spec", oid) &&
	    !gs_spec_deserialize(&spec, e->path, data.ptr, data.size)) {
		registry_add(reg, spec);
		goto done;
	}
	gs_buf_clear(&data);
	if ((error = gs_source_read(&data, src, e)) < 0)
		goto done;
	if (gs_spec_parse(&spec, e->path, data.ptr, data.size) < 0) {
		unsigned line, column;

		/* a spec that does not parse is reported, not fatal here */
		gs_error_last_path(&line, &column);
		registry_add_error(reg, gs_xstrdup(e->path), gs_xstrdup(gs_error_last()),
				   line, column);
		goto done;
	}
	registry_add(reg, spec);
	if (cache) {
		gs_buf_clear(&data);
		gs_spec_serialize(&data, spec);
		gs_cache_put(cache, "spec", oid, data.ptr, data.size);
	}
done:
	gs_buf_release(&data);
	return error;
}

/* The spec files below the specs directory, and what keys their registry. */
struct spec_listing {
	const gs_source_entry **entries;
	git_oid *oids;           /* the blob id of each entry */
	size_t nr, alloc;
	gs_buf key;              /* magic, then each path and raw blob id */
};

static void spec_listing_release(struct spec_listing *l)
{
	free(l->entries);
	free(l->oids);
	gs_buf_release(&l->key);
}

/*
 * List the spec files of the source below `cfg->specs_dir`, and put into
 * reg->names every directory name there, spec or not: a new id takes none.
 */
static int list_spec_files(struct spec_listing *out, gs_registry *reg, gs_source *src,
			   const gs_config *cfg)
{
	gs_buf prefix = GS_BUF_INIT;
	size_t begin, end, i;
	int error = 0;

	gs_buf_printf(&prefix, "%s/", cfg->specs_dir);
	gs_source_prefix_range(src, prefix.ptr, &begin, &end);

	gs_buf_put(&out->key, REGISTRY_KEY_MAGIC, sizeof(REGISTRY_KEY_MAGIC));
	for (i = begin; i < end; i++) {
		const gs_source_entry *e = gs_source_get(src, i);
		const char *rest = e->path + prefix.size, *slash = strchr(rest, '/');
		size_t name_len;

		if (slash) {
			size_t n = (size_t)(slash - rest);
			const char *last = reg->names.nr ? reg->names.v[reg->names.nr - 1] : NULL;

			if (!last || strlen(last) != n || memcmp(last, rest, n))
				gs_strvec_push_nodup(&reg->names, gs_xstrndup(rest, n));
		}
		if (!GS_MODE_IS_REGULAR(e->mode) || !is_spec_file(rest, &name_len))
			continue;
		GS_ALLOC_GROW(out->entries, out->nr + 1, out->alloc);
		out->oids = gs_xrealloc(out->oids, gs_st_mult(out->alloc, sizeof(*out->oids)));
		out->entries[out->nr] = e;
		if (e->has_oid)
			git_oid_cpy(&out->oids[out->nr], &e->oid);
		else if ((error = gs_source_oid(&out->oids[out->nr], src, e)) < 0)
			goto done;
		gs_buf_put(&out->key, e->path, strlen(e->path) + 1);
		gs_buf_put(&out->key, (const char *)out->oids[out->nr].id, GIT_OID_RAWSZ);
		out->nr++;
	}
	gs_strvec_sort_uniq(&reg->names);
done:
	gs_buf_release(&prefix);
	return error;
}

static int registry_load(gs_registry **out, gs_source *src, const gs_config *cfg, gs_cache *cache,
			 const gs_strvec *ids)
{
	gs_registry *reg = gs_xcalloc(1, sizeof(*reg));
	struct spec_listing listing = { NULL, NULL, 0, 0, GS_BUF_INIT };
	gs_buf data = GS_BUF_INIT;
	git_oid key, tkey;
	size_t i;
	int error = 0, tree = 0;

	*out = NULL;
	gs_strvec_init(&reg->errors);
	gs_strvec_init(&reg->error_paths);
	gs_strvec_init(&reg->names);
	/*
	 * The covering load on an index: the tree-keyed form needs no listing
	 * (and leaves `names` empty: the hook never asks for a new id).
	 */
	if (cache && ids && (tree = tree_key(&tkey, gs_source_index(src), gs_source_repo(src), cfg)) &&
	    !registry_get_tree(reg, cache, &tkey, ids)) {
		registry_index(reg);
		goto done;
	}
	if ((error = list_spec_files(&listing, reg, src, cfg)) < 0)
		goto done;

	if (cache) {
		if (gs_sha1_blob(key.id, listing.key.ptr, listing.key.size) < 0) {
			error = gs_error_set(GS_ERROR, "cannot hash the spec listing: SHA-1 failed in libcrypto");
			goto done;
		}
		/* every spec when the tree-keyed form is to be written from it */
		if (!gs_cache_get(&data, cache, "registry", &key) &&
		    !registry_deserialize(reg, data.ptr, data.size, tree ? NULL : ids)) {
			registry_index(reg);
			goto built;
		}
	}
	for (i = 0; i < listing.nr; i++)
		if ((error = load_one(reg, src, listing.entries[i], &listing.oids[i], cache)) < 0)
			goto done;
	registry_index(reg);
	if (cache) {
		gs_buf_clear(&data);
		registry_serialize(&data, reg);
		gs_cache_put(cache, "registry", &key, data.ptr, data.size);
	}
built:
	if (tree)
		registry_put_tree(cache, &tkey, reg);
done:
	spec_listing_release(&listing);
	gs_buf_release(&data);
	if (error < 0)
		gs_registry_free(reg);
	else
		*out = reg;
	return error;
}

int gs_registry_load(gs_registry **out, gs_source *src, const gs_config *cfg, gs_cache *cache)
{
	return registry_load(out, src, cfg, cache, NULL);
}

int gs_registry_load_covering(gs_registry **out, gs_source *src, const gs_config *cfg,
			      gs_cache *cache, const gs_strvec *ids)
{
	return registry_load(out, src, cfg, cache, ids);
}

int gs_registry_load_covering_cached(gs_registry **out, const gs_index *idx, git_repository *repo,
				     const gs_config *cfg, gs_cache *cache, const gs_strvec *ids)
{
	gs_registry *reg = NULL;
	git_oid tkey;
	int error = GS_ENOTFOUND;

	*out = NULL;
	if (!cache || !tree_key(&tkey, idx, repo, cfg))
		goto done;
	reg = gs_xcalloc(1, sizeof(*reg));
	gs_strvec_init(&reg->errors);
	gs_strvec_init(&reg->error_paths);
	gs_strvec_init(&reg->names);
	if (registry_get_tree(reg, cache, &tkey, ids) < 0)
		goto done;
	registry_index(reg);
	*out = reg;
	reg = NULL;
	error = 0;
done:
	gs_registry_free(reg);
	if (error)
		gs_error_set(GS_ENOTFOUND, "the registry of this index is not in the cache");
	return error;
}

/* ---- lookups ------------------------------------------------------------- */

static const char *entry_identifier(const void *e)
{
	return ((const gs_registry_entry *)e)->source->identifier;
}

static const char *spec_id(const void *e)
{
	return (*(const gs_spec *const *)e)->id;
}

static const char *contract_path_of(const void *e)
{
	return ((const gs_registry_contract *)e)->path;
}

/* The first by_package entry with `identifier`, or by_package_nr. */
static size_t package_lower_bound(const gs_registry *reg, const char *identifier)
{
	return gs_lower_bound(reg->by_package, reg->by_package_nr, sizeof(*reg->by_package),
			      entry_identifier, identifier);
}

int gs_registry_find_package(gs_registry_entry *out, const gs_registry *reg, const char *pkg_path)
{
	char *path = gs_xstrdup(pkg_path);
	size_t i;
	int error = GS_ENOTFOUND, own = 1;

	for (;;) {
		for (i = package_lower_bound(reg, path);
		     i < reg->by_package_nr && !strcmp(reg->by_package[i].source->identifier, path);
		     i++) {
			if (own || reg->by_package[i].source->rollup) {
				*out = reg->by_package[i];
				error = 0;
				goto done;
			}
		}
		{
			char *slash = strrchr(path, '/');

			if (!slash)
				break;
			*slash = '\0';
			own = 0;
		}
	}
	gs_error_set(GS_ENOTFOUND, "no spec covers '%s'", pkg_path);
done:
	free(path);
	return error;
}

const gs_spec *gs_registry_find_id(const gs_registry *reg, const char *id)
{
	size_t lo = gs_lower_bound(reg->specs, reg->specs_nr, sizeof(*reg->specs), spec_id, id);

	return lo < reg->specs_nr && !strcmp(reg->specs[lo]->id, id) ? reg->specs[lo] : NULL;
}

int gs_registry_find_contract(gs_registry_entry *out, const gs_spec_variant **variant,
			      const gs_registry *reg, const char *contract_path)
{
	size_t lo = gs_lower_bound(reg->by_contract, reg->by_contract_nr, sizeof(*reg->by_contract),
				   contract_path_of, contract_path);

	if (lo < reg->by_contract_nr && !strcmp(reg->by_contract[lo].path, contract_path)) {
		*out = reg->by_contract[lo].entry;
		if (variant)
			*variant = reg->by_contract[lo].variant;
		return 0;
	}
	return gs_error_set(GS_ENOTFOUND, "no spec writes a contract at '%s'", contract_path);
}

char *gs_registry_next_id(const gs_registry *reg)
{
	unsigned long max = 0, n;
	gs_buf id = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < reg->specs_nr; i++)
		if ((n = gs_spec_id_number(reg->specs[i]->id)) > max)
			max = n;
	for (i = 0; i < reg->names.nr; i++)
		if ((n = gs_spec_id_number(reg->names.v[i])) > max)
			max = n;
	gs_buf_printf(&id, "SPEC-%03lu", max + 1);
	return gs_buf_detach(&id, NULL);
}

/* ---- validation ---------------------------------------------------------- */

static size_t source_index(const gs_spec *spec, const gs_spec_source *s)
{
	return (size_t)(s - spec->sources);
}

static size_t variant_index(const gs_spec_source *s, const gs_spec_variant *v)
{
	return (size_t)(v - s->variants);
}

static int has_entries_below(const gs_source *src, const char *dir)
{
	gs_buf prefix = GS_BUF_INIT;
	size_t begin, end;

	gs_buf_sets(&prefix, dir);
	gs_buf_putc(&prefix, '/');
	gs_source_prefix_range(src, prefix.ptr, &begin, &end);
	gs_buf_release(&prefix);
	return begin < end;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Why the directories leading to `path` cannot hold a contract (a link or
 * a file on the way), or NULL. The variants of a spec share their
 * directory, so the last directory found fine is remembered in `ok_dir`.
 */
static const char *leading_dirs_problem(const gs_source *src, const char *path,
					gs_buf *scratch, gs_buf *ok_dir, int *link)
{
	const char *last = strrchr(path, '/');
	size_t dir_len = last ? (size_t)(last - path) : 0, i, shared = 0;
	char *p, *slash;

	if (!dir_len || (ok_dir->size == dir_len && !memcmp(ok_dir->ptr, path, dir_len)))
		return NULL;
	/* the work tree also checks the disk for links git does not list */
	if (gs_source_get_kind(src) == GS_SOURCE_WORKTREE && gs_source_path_crosses_link(src, path)) {
		*link = 1;
		return "passes through a symbolic link or submodule; contracts are never "
			"written through links";
	}
	/* directories shared with the last good one were checked already */
	for (i = 0; i < dir_len && i < ok_dir->size && path[i] == ok_dir->ptr[i]; i++)
		if (path[i] == '/')
			shared = i + 1;
	if (i == ok_dir->size && i < dir_len && path[i] == '/')
		shared = i + 1;
	gs_buf_set(scratch, path, dir_len);
	for (p = scratch->ptr + shared; ; p = slash + 1) {
		char *end = strchr(p, '/');
		const gs_source_entry *e;

		slash = end;
		if (!end)
			end = scratch->ptr + scratch->size;
		*end = '\0';
		e = gs_source_lookup(src, scratch->ptr);
		*end = slash ? '/' : '\0';
		if (e && !GS_MODE_IS_REGULAR(e->mode)) {
			*link = 1;
			return "passes through a symbolic link or submodule; contracts are never "
				"written through links";
		}
		if (e)
			return "lies below a file";
		if (!slash)
			break;
	}
	gs_buf_set(ok_dir, path, dir_len);
	return NULL;
}

/* Why the contract at `path` cannot be written, or NULL. */
static const char *contract_path_problem(const gs_strvec *spec_paths, const gs_source *src,
					 const char *path, gs_buf *scratch, gs_buf *ok_dir, int *link)
{
	static const char *const git_files[] = {
		GS_CONFIG_FILE, ".gitattributes", ".gitignore", ".gitmodules", ".mailmap"
	};
	const char *base = strrchr(path, '/'), *why;
	const gs_source_entry *e;
	size_t len = strlen(path), i;

	base = base ? base + 1 : path;
	if (gs_language_default()->is_source(path, len)) {
		/* The caller formats the reason before `scratch` is used again. */
		gs_buf_clear(scratch);
		gs_buf_printf(scratch, "is a %s source path; contracts must not overwrite sources",
			      gs_language_default()->name);
		return scratch->ptr;
	}
	for (i = 0; i < GS_ARRAY_SIZE(git_files); i++)
		if (!strcmp(base, git_files[i]))
			return "names a git or git-spec control file";
	if (bsearch(&path, spec_paths->v, spec_paths->nr, sizeof(char *), cmp_str))
		return "is the path of a spec file";
	*link = 0;
	if ((why = leading_dirs_problem(src, path, scratch, ok_dir, link)))
		return why;
	e = gs_source_lookup(src, path);
	if (e && !GS_MODE_IS_REGULAR(e->mode)) {
		*link = 1;
		return "is a symbolic link or submodule, not a file";
	}
	if (!e && has_entries_below(src, path))
		return "is a directory";
	return NULL;
}

static void add_problem(gs_registry_problems *out, gs_registry_problem_kind kind,
			const char *spec_path, const char *fmt, ...) GS_PRINTF(4, 5);
static void add_problem(gs_registry_problems *out, gs_registry_problem_kind kind,
			const char *spec_path, const char *fmt, ...)
{
	gs_buf msg = GS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	GS_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	out->v[out->nr].kind = kind;
	out->v[out->nr].spec_path = gs_xstrdup(spec_path);
	out->v[out->nr].message = gs_buf_detach(&msg, NULL);
	out->nr++;
}

static int problem_cmp(const void *a, const void *b)
{
	const gs_registry_problem *x = a, *y = b;

	return strcmp(x->message, y->message);
}

void gs_registry_problems_clear(gs_registry_problems *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		free(p->v[i].spec_path);
		free(p->v[i].message);
	}
	free(p->v);
	p->v = NULL;
	p->nr = p->alloc = 0;
}

/* Two specs with one id: specs are sorted by id. */
static void check_ids(gs_registry_problems *found, const gs_registry *reg)
{
	char *next = gs_registry_next_id(reg);
	size_t i;

	for (i = 1; i < reg->specs_nr; i++) {
		const gs_spec *a = reg->specs[i - 1], *b = reg->specs[i];

		if (!strcmp(a->id, b->id))
			add_problem(found, GS_REGISTRY_INVALID, b->path, "%s: id: '%s' is also the id of %s; give one "
					"of them a new id (the next free one is %s)", b->path, b->id, a->path, next);
	}
	free(next);
}

/* Packages covered twice: by_package is sorted by identifier. */
static void check_packages_twice(gs_registry_problems *found, const gs_registry *reg)
{
	size_t i;

	for (i = 1; i < reg->by_package_nr; i++) {
		const gs_registry_entry *a = &reg->by_package[i - 1], *b = &reg->by_package[i];

		if (strcmp(a->source->identifier, b->source->identifier))
			continue;
		if (a->spec == b->spec)
			add_problem(found, GS_REGISTRY_INVALID, b->spec->path, "%s: sources[%zu].identifier: '%s' is listed "
					"twice in this spec; remove one", b->spec->path,
					source_index(b->spec, b->source), b->source->identifier);
		else
			add_problem(found, GS_REGISTRY_INVALID, b->spec->path, "%s: sources[%zu].identifier: '%s' is also "
					"covered by %s (%s); remove it from one of them", b->spec->path, source_index(b->spec, b->source),
					b->source->identifier, a->spec->id, a->spec->path);
	}
}

/* Two variants writing one path: by_contract is sorted by path. */
static void check_paths_twice(gs_registry_problems *found, const gs_registry *reg)
{
	size_t i;

	for (i = 1; i < reg->by_contract_nr; i++) {
		const gs_registry_contract *a = &reg->by_contract[i - 1], *b = &reg->by_contract[i];

		if (strcmp(a->path, b->path))
			continue;
		add_problem(found, GS_REGISTRY_INVALID, b->entry.spec->path, "%s: sources[%zu].variants[%zu].path: '%s' is also "
				"written by %s sources[%zu].variants[%zu]; give each variant "
				"its own path", b->entry.spec->path,
				source_index(b->entry.spec, b->entry.source),
				variant_index(b->entry.source, b->variant), b->path,
				a->entry.spec->id, source_index(a->entry.spec, a->entry.source),
				variant_index(a->entry.source, a->variant));
	}
}

/* Source `j` of `spec`: its package exists and has the module written. */
static void check_package(gs_registry_problems *found, const gs_spec *spec, size_t j,
			  const gs_source *src, const gs_package_list *pkgs)
{
	const gs_spec_source *s = &spec->sources[j];
	const gs_package *pkg = pkgs ? gs_packages_find(pkgs, s->identifier) : NULL;

	/*
	 * The written module wins when contracts are derived: one that the
	 * roots no longer give (they changed, or were read from
	 * pyproject.toml) would silently disagree with `packages`.
	 */
	if (pkg && s->module && pkg->module && strcmp(s->module, pkg->module))
		add_problem(found, GS_REGISTRY_INVALID, spec->path,
			    "%s: sources[%zu].module: '%s' is not the module of '%s', "
			    "which the import roots name '%s'; write `module: %s` in the "
			    "spec (or remove the line) and run `git spec sync %s`, or set "
			    "`roots` in " GS_CONFIG_FILE " so that the package is named '%s'",
			    spec->path, j, s->module, s->identifier, pkg->module,
			    pkg->module, spec->id, s->module);
	if (pkg)
		return;
	if (has_entries_below(src, s->identifier))
		add_problem(found, GS_REGISTRY_NO_PACKAGE, spec->path,
			    "%s: sources[%zu].identifier: '%s' is not a package "
			    "(no %s); fix the identifier or restore the package",
			    spec->path, j, s->identifier,
			    gs_language_default()->package_marker);
	else
		add_problem(found, GS_REGISTRY_NO_PACKAGE, spec->path,
			    "%s: sources[%zu].identifier: '%s' does not exist; "
			    "fix the identifier or restore the package",
			    spec->path, j, s->identifier);
}

/* What checking the contract paths keeps from one path to the next. */
struct path_check {
	gs_strvec spec_paths;    /* sorted, for "is a spec file" */
	const gs_source *src;
	gs_buf scratch, ok_dir;  /* see contract_path_problem() */
};

/* Source `j` of `spec`: every variant's contract path can be written. */
static void check_contract_paths(gs_registry_problems *found, const gs_spec *spec, size_t j,
				 struct path_check *pc)
{
	const gs_spec_source *s = &spec->sources[j];
	size_t k;

	for (k = 0; k < s->variants_nr; k++) {
		const gs_spec_variant *v = &s->variants[k];
		const char *why;
		int link = 0;

		if (!v->repo_path) {
			add_problem(found, GS_REGISTRY_INVALID, spec->path, "%s: sources[%zu].variants[%zu].path: "
					"'%s' is not a safe path", spec->path, j, k,
					v->path);
			continue;
		}
		why = contract_path_problem(&pc->spec_paths, pc->src, v->repo_path,
					    &pc->scratch, &pc->ok_dir, &link);
		if (why)
			add_problem(found, link ? GS_REGISTRY_LINK : GS_REGISTRY_INVALID, spec->path, "%s: sources[%zu].variants[%zu].path: "
					"'%s' %s", spec->path, j, k, v->path, why);
	}
}

/* Move `found` to the end of `problems`, sorted by message, each once. */
static size_t add_sorted_unique(gs_registry_problems *problems, gs_registry_problems *found)
{
	size_t i, nr = 0;

	GS_QSORT(found->v, found->nr, problem_cmp);
	for (i = 0; i < found->nr; i++) {
		if (nr && !strcmp(problems->v[problems->nr - 1].message, found->v[i].message)) {
			free(found->v[i].spec_path);
			free(found->v[i].message);
			continue;
		}
		GS_ALLOC_GROW(problems->v, problems->nr + 1, problems->alloc);
		problems->v[problems->nr++] = found->v[i];
		nr++;
	}
	free(found->v);
	found->v = NULL;
	found->nr = found->alloc = 0;
	return nr;
}

size_t gs_registry_check(gs_registry_problems *problems, const gs_registry *reg,
			 const gs_source *src, const gs_package_list *pkgs)
{
	gs_registry_problems found = GS_REGISTRY_PROBLEMS_INIT;
	struct path_check pc = { GS_STRVEC_INIT, src, GS_BUF_INIT, GS_BUF_INIT };
	size_t i, j, nr;

	for (i = 0; i < reg->specs_nr; i++)
		gs_strvec_push(&pc.spec_paths, reg->specs[i]->path);
	gs_strvec_sort_uniq(&pc.spec_paths);

	check_ids(&found, reg);
	check_packages_twice(&found, reg);
	check_paths_twice(&found, reg);
	for (i = 0; i < reg->specs_nr; i++) {
		for (j = 0; j < reg->specs[i]->sources_nr; j++) {
			check_package(&found, reg->specs[i], j, src, pkgs);
			check_contract_paths(&found, reg->specs[i], j, &pc);
		}
	}
	nr = add_sorted_unique(problems, &found);
	gs_strvec_clear(&pc.spec_paths);
	gs_buf_release(&pc.scratch);
	gs_buf_release(&pc.ok_dir);
	return nr;
}

size_t gs_registry_validate(const gs_registry *reg, const gs_source *src,
			    const gs_package_list *pkgs, gs_strvec *problems)
{
	gs_registry_problems found = GS_REGISTRY_PROBLEMS_INIT;
	size_t i, nr = gs_registry_check(&found, reg, src, pkgs);

	for (i = 0; i < found.nr; i++)
		gs_strvec_push(problems, found.v[i].message);
	gs_registry_problems_clear(&found);
	return nr;
}
