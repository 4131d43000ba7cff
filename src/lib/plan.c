#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/source.h"
#include "gitspec/packages.h"
#include "gitspec/engine.h"
#include "gitspec/spec.h"
#include "gitspec/plan.h"
#include "gitspec/language.h"
#include "gitspec/eol.h"
#include "gitspec/sha1.h"

/*
 * The plan: every contract of the selected specs, derived from one source
 * and compared with what the source holds at the contract path.
 *
 * All the files involved are handed to the engine in one prefetch first, so
 * that extraction runs on every thread at once instead of package by
 * package. The module name written in a spec wins over the computed one
 * (DESIGN.md 1 shows it written); the computed one is used when the spec
 * does not give it.
 */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_ptr(const void *a, const void *b)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;

	return (x > y) - (x < y);
}

static const char *string_at(const void *e)
{
	return *(const char *const *)e;
}

/* Whether `s` is wanted: its package is listed, or (rollup) one below it. */
static int source_wanted(const gs_spec_source *s, const char **sorted, size_t nr)
{
	size_t len = strlen(s->identifier);
	size_t lo = gs_lower_bound(sorted, nr, sizeof(*sorted), string_at, s->identifier);

	if (lo < nr && !strcmp(sorted[lo], s->identifier))
		return 1;
	if (!s->rollup)
		return 0;
	/* entries sorting right after the identifier: the first "ID/..." if any */
	for (; lo < nr; lo++) {
		int c = strncmp(sorted[lo], s->identifier, len);

		if (c > 0)
			break;
		if (!c && sorted[lo][len] == '/')
			return 1;
		if (!c && (unsigned char)sorted[lo][len] > '/')
			break;
	}
	return 0;
}

static gs_plan_item *plan_add(gs_plan *plan)
{
	gs_plan_item *item;

	GS_ALLOC_GROW(plan->items, plan->nr + 1, plan->alloc);
	item = &plan->items[plan->nr++];
	memset(item, 0, sizeof(*item));
	gs_buf_init(&item->content, 0);
	return item;
}

void gs_plan_clear(gs_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->nr; i++) {
		gs_buf_release(&plan->items[i].content);
		free(plan->items[i].error);
		free(plan->items[i].error_path);
	}
	free(plan->items);
	plan->items = NULL;
	plan->nr = plan->alloc = plan->stale_nr = plan->error_nr = 0;
}

static char *missing_package_message(const gs_source *src, const char *identifier)
{
	gs_buf msg = GS_BUF_INIT, prefix = GS_BUF_INIT;
	size_t begin, end;

	gs_buf_printf(&prefix, "%s/", identifier);
	gs_source_prefix_range(src, prefix.ptr, &begin, &end);
	if (begin < end)
		gs_buf_printf(&msg, "'%s' is not a package (no %s)", identifier,
			      gs_language_default()->package_marker);
	else
		gs_buf_printf(&msg, "package '%s' does not exist", identifier);
	gs_buf_release(&prefix);
	return gs_buf_detach(&msg, NULL);
}

/*
 * The blob id of `data`. The contracts of a whole repository are hashed on
 * every run, and libgit2's collision-detecting SHA-1 costs several times
 * the plain one; these are bytes we derived ourselves, so the plain one
 * (the same ids) is enough.
 */
static int blob_id(git_oid *out, const char *data, size_t len)
{
	gs_sha1_ctx ctx;
	char hdr[64];
	int n = snprintf(hdr, sizeof(hdr), "blob %zu", len);

	gs_sha1_init(&ctx);
	gs_sha1_update(&ctx, hdr, (size_t)n + 1);
	gs_sha1_update(&ctx, data, len);
	if (gs_sha1_final(out->id, &ctx) < 0)
		return gs_error_set(GS_ERROR, "cannot hash a contract: SHA-1 failed");
	return 0;
}

/* Line 3 of a contract in format 1: it names no format (DESIGN 2.4). */
#define FORMAT1_COMMENT \
	"<!-- Derived from the package sources by git-spec. Do not edit: run `git spec sync`. -->"

/* Is `data` a contract in format 1: its third line the format-1 comment? */
static int is_format1(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;
	size_t want = strlen(FORMAT1_COMMENT);
	int line;

	for (line = 1; line < 3; line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		p = nl + 1;
	}
	return (size_t)(end - p) > want && !memcmp(p, FORMAT1_COMMENT, want) && p[want] == '\n';
}

void gs_plan_format1_message(gs_buf *out, size_t nr)
{
	if (nr == 1)
		gs_buf_puts(out, "1 contract is in contract format 1; `git spec sync` rewrites it");
	else
		gs_buf_printf(out, "%zu contracts are in contract format 1; `git spec sync` rewrites them", nr);
}

/*
 * Compare the derived content of `item` with the source; `hashed`: its
 * blob id is already in item->oid.
 */
static int plan_compare(gs_plan_item *item, gs_source *src, int hashed)
{
	const gs_source_entry *e;
	gs_buf have = GS_BUF_INIT;
	int error = 0;

	if (!hashed && (error = blob_id(&item->oid, item->content.ptr, item->content.size)) < 0)
		goto done;
	e = gs_source_lookup(src, item->path);
	if (!e) {
		item->missing = 1;
		goto done;
	}
	if (!GS_MODE_IS_REGULAR(e->mode))
		goto done; /* a link where a contract belongs is never fresh */
	if (e->has_oid) {
		item->fresh = git_oid_equal(&e->oid, &item->oid);
		if (item->fresh)
			goto done;
	}
	/* a work-tree file the index does not vouch for, or stale: read it */
	if ((error = gs_source_read(&have, src, e)) < 0)
		goto done;
	item->fresh = have.size == item->content.size &&
		!memcmp(have.ptr, item->content.ptr, have.size);
	if (!item->fresh && gs_source_get_kind(src) == GS_SOURCE_WORKTREE) {
		/* Compared as git compares: after its end-of-line conversion (eol.h). */
		gs_buf clean = GS_BUF_INIT;

		if ((error = gs_eol_convert(&clean, gs_source_repo(src), item->path, have.ptr,
					    have.size, 0)) == 0)
			item->fresh = clean.size == item->content.size &&
				!memcmp(clean.ptr, item->content.ptr, clean.size);
		gs_buf_release(&clean);
		if (error < 0)
			goto done;
	}
	item->old_format = !item->fresh && is_format1(have.ptr, have.size);
done:
	gs_buf_release(&have);
	return error;
}

/* The sources of the selected specs, in spec order, each with its spec. */
struct selection {
	const gs_spec_source **sources;
	const gs_spec **specs;
	char *need;              /* per source: its contract is not in the cache */
	size_t nr;
};

static void selection_release(struct selection *sel)
{
	free(sel->sources);
	free(sel->specs);
	free(sel->need);
}

/* The sources to derive: every one, or with `packages` those it covers. */
static void select_sources(struct selection *sel, const gs_registry *reg,
			   const gs_strvec *packages)
{
	const char **wanted = NULL;
	size_t wanted_nr = 0, nr = 0, i, j;

	if (packages) {
		wanted = gs_xcalloc(packages->nr ? packages->nr : 1, sizeof(*wanted));
		for (i = 0; i < packages->nr; i++)
			wanted[wanted_nr++] = packages->v[i];
		GS_QSORT(wanted, wanted_nr, cmp_str);
	}
	for (i = 0; i < reg->specs_nr; i++)
		nr += reg->specs[i]->sources_nr;
	sel->sources = gs_xcalloc(nr ? nr : 1, sizeof(*sel->sources));
	sel->specs = gs_xcalloc(nr ? nr : 1, sizeof(*sel->specs));
	sel->need = gs_xcalloc(nr ? nr : 1, 1);
	sel->nr = 0;
	for (i = 0; i < reg->specs_nr; i++) {
		for (j = 0; j < reg->specs[i]->sources_nr; j++) {
			const gs_spec_source *s = &reg->specs[i]->sources[j];

			if (packages && !source_wanted(s, wanted, wanted_nr))
				continue;
			sel->specs[sel->nr] = reg->specs[i];
			sel->sources[sel->nr++] = s;
		}
	}
	free(wanted);
}

/*
 * Every item, its contract taken from the cache when it is there: then
 * that package needs no model at all. The others are marked in sel->need.
 */
static void add_items(gs_plan *out, struct selection *sel, gs_engine *eng, gs_source *src,
		      const gs_package_list *pkgs)
{
	size_t i, j;

	for (i = 0; i < sel->nr; i++) {
		const gs_spec_source *s = sel->sources[i];
		const gs_package *pkg = gs_packages_find(pkgs, s->identifier);

		for (j = 0; j < s->variants_nr; j++) {
			const gs_spec_variant *v = &s->variants[j];
			gs_plan_item *item = plan_add(out);

			item->spec = sel->specs[i];
			item->source = s;
			item->variant = v;
			item->package = s->identifier;
			item->path = v->repo_path;
			if (!item->path) {
				item->error = gs_xstrdup("unsafe contract path");
				item->error_kind = GS_PLAN_UNSAFE_PATH;
				item->error_path = gs_xstrdup(item->spec->path);
			} else if (!pkg) {
				item->error = missing_package_message(src, s->identifier);
				item->error_kind = GS_PLAN_NO_PACKAGE;
				item->error_path = gs_xstrdup(item->spec->path);
			}
			else if (gs_engine_contract_lookup(&item->content, eng, src, pkgs, pkg,
							   s->module, s->rollup, v->variant,
							   GS_FORMAT_MARKDOWN) < 0)
				sel->need[i] = 1;
		}
	}
}

/* Every file the sources in sel->need read, extracted at once. */
static int prefetch_needed(gs_engine *eng, gs_source *src, const gs_package_list *pkgs,
			   const struct selection *sel)
{
	const gs_source_entry **fetch = NULL;
	size_t fetch_nr = 0, fetch_alloc = 0, i, k;
	int error = 0;

	for (i = 0; i < sel->nr; i++) {
		const gs_package *pkg = sel->need[i] ?
			gs_packages_find(pkgs, sel->sources[i]->identifier) : NULL;
		const gs_source_entry **files = NULL, *init;
		size_t files_nr = 0;

		if (!pkg)
			continue;
		if ((error = gs_package_files(&files, &files_nr, src, pkgs, pkg,
					      sel->sources[i]->rollup)) < 0)
			goto done;
		GS_ALLOC_GROW(fetch, fetch_nr + files_nr + 1, fetch_alloc);
		for (k = 0; k < files_nr; k++)
			fetch[fetch_nr++] = files[k];
		free(files);
		if ((init = gs_package_init_file(src, pkg)))
			fetch[fetch_nr++] = init;
	}
	if (fetch_nr) {
		qsort(fetch, fetch_nr, sizeof(*fetch), cmp_ptr);
		for (i = 1, k = 1; i < fetch_nr; i++)
			if (fetch[i] != fetch[k - 1])
				fetch[k++] = fetch[i];
		fetch_nr = k;
	}
	error = gs_engine_prefetch(eng, src, fetch, fetch_nr);
done:
	free(fetch);
	return error;
}

/* An item's syntax error (GS_EINPUT), from the calling thread's error state. */
static void item_error(gs_plan_item *item)
{
	const char *where = gs_error_last_path(&item->error_line, &item->error_column);

	item->error = gs_xstrdup(gs_error_last());
	item->error_kind = GS_PLAN_SOURCE;
	item->error_path = gs_xstrdup(where);
	gs_buf_clear(&item->content);
}

/*
 * Derive the contract of `item`, not found in the cache. A source that
 * cannot be read is the item's error, not the plan's.
 */
static int derive_item(gs_plan_item *item, gs_engine *eng, gs_source *src,
		       const gs_package_list *pkgs, const gs_package *pkg)
{
	int error = gs_engine_contract(&item->content, eng, src, pkgs, pkg,
				       item->source->module, item->source->rollup,
				       item->variant->variant, GS_FORMAT_MARKDOWN);

	if (error == GS_EINPUT) {
		item_error(item);
		error = 0;
	}
	return error;
}

/* ---- deriving on several threads ----------------------------------------- */

/*
 * After the prefetch every model is in the engine, and rendering a
 * contract (and hashing it) only reads them: the contracts are derived on
 * all the engine's threads, each taking the next item in order. Whatever
 * a thread cannot do without changing the engine (a model that is not
 * there) or fails at for another reason than a syntax error is left
 * undone, and the serial loop of gs_plan_build does it as before: so an
 * error stops the plan at the same item with the same message. The
 * contracts and errors are the same bytes whatever the thread timing:
 * each item is derived by one thread, from the same models.
 *
 * With a `ready` callback, the calling thread also finishes the items in
 * order as they come (compares them with the source: libgit2 and the
 * source stay on that thread) and tells the caller, which can write them
 * while the other threads derive the rest.
 */
struct derive_job {
	gs_plan_item *item;
	const gs_package *pkg;
	int done;                /* content and oid (or the syntax error) are set */
	int finished;            /* under next_lock: the job is over, `done` says how */
};

struct derive_pool {
	struct derive_job *jobs;
	size_t nr, next;
	pthread_mutex_t next_lock, cache_lock;
	gs_engine *eng;
	gs_source *src;
	const gs_package_list *pkgs;
};

/* What gs_plan_build knows of each item of out->items[first...]. */
struct build {
	gs_plan *out;
	size_t first;
	gs_source *src;
	const gs_package **pkg;  /* the package to derive the item from, or NULL */
	char *done;              /* derived on the threads: content and oid set */
	ptrdiff_t *job;          /* the item's job in the pool, or -1 */
	size_t final;            /* items before it are compared and counted */
};

static void derive_shared(struct derive_pool *pool, struct derive_job *job)
{
	gs_plan_item *item = job->item;
	int error = gs_engine_contract_shared(&item->content, pool->eng, pool->src, pool->pkgs,
					      job->pkg, item->source->module,
					      item->source->rollup, item->variant->variant,
					      GS_FORMAT_MARKDOWN, &pool->cache_lock);

	if (!error)
		error = blob_id(&item->oid, item->content.ptr, item->content.size);
	if (error == GS_EINPUT)
		item_error(item);
	if (!error || error == GS_EINPUT)
		job->done = 1;
	else
		gs_buf_clear(&item->content);  /* done again, in order, on one thread */
	/* what is left in this thread's error state concerns no one */
	gs_error_clear();
	pthread_mutex_lock(&pool->next_lock);
	job->finished = 1;
	pthread_mutex_unlock(&pool->next_lock);
}

/* The next job to do, 0 when none is left. */
static int take_job(struct derive_pool *pool, size_t *i)
{
	int found;

	pthread_mutex_lock(&pool->next_lock);
	found = pool->next < pool->nr;
	if (found)
		*i = pool->next++;
	pthread_mutex_unlock(&pool->next_lock);
	return found;
}

static void *derive_main(void *arg)
{
	struct derive_pool *pool = arg;
	size_t i;

	while (take_job(pool, &i))
		derive_shared(pool, &pool->jobs[i]);
	return NULL;
}

/* Compare item `i` (derived: `hashed`) with the source and count it. */
static int finish_item(struct build *b, size_t i, int hashed)
{
	gs_plan_item *item = &b->out->items[i];
	int error;

	if (!item->error && (error = plan_compare(item, b->src, hashed)) < 0)
		return error;
	if (item->error)
		b->out->error_nr++;
	else if (!item->fresh)
		b->out->stale_nr++;
	return 0;
}

/*
 * Finish the items whose jobs are over, in order from b->final, up to the
 * first that is not (or that a thread left undone).
 */
static int finish_ready(struct build *b, struct derive_pool *pool)
{
	int error;

	while (b->final < b->out->nr) {
		ptrdiff_t j = b->job[b->final - b->first];

		if (j >= 0) {
			int finished;

			pthread_mutex_lock(&pool->next_lock);
			finished = pool->jobs[j].finished;
			pthread_mutex_unlock(&pool->next_lock);
			if (!finished || !pool->jobs[j].done)
				break;
		}
		if ((error = finish_item(b, b->final, j >= 0)) < 0)
			return error;
		b->final++;
	}
	return 0;
}

/*
 * Derive the items that need it on the engine's threads (b->done tells
 * which were); with `ready`, finish the items in order meanwhile, calling
 * it whenever more are final.
 */
static int derive_parallel(struct build *b, gs_engine *eng, const gs_package_list *pkgs,
			   gs_plan_ready_fn ready, void *arg)
{
	struct derive_pool pool;
	pthread_t *tids = NULL;
	size_t i, started = 0, nthreads = (size_t)gs_engine_threads(eng);
	int error = 0;

	memset(&pool, 0, sizeof(pool));
	if (nthreads < 2)
		return 0;
	pool.jobs = gs_xcalloc(b->out->nr - b->first + 1, sizeof(*pool.jobs));
	for (i = b->first; i < b->out->nr; i++) {
		gs_plan_item *item = &b->out->items[i];

		if (b->pkg[i - b->first] && !item->error && !item->content.size) {
			b->job[i - b->first] = (ptrdiff_t)pool.nr;
			pool.jobs[pool.nr].item = item;
			pool.jobs[pool.nr++].pkg = b->pkg[i - b->first];
		}
	}
	if (pool.nr < 2) {
		for (i = b->first; i < b->out->nr; i++)
			b->job[i - b->first] = -1;
		goto done;
	}
	if (nthreads > pool.nr)
		nthreads = pool.nr;
	pool.eng = eng;
	pool.src = b->src;
	pool.pkgs = pkgs;
	pthread_mutex_init(&pool.next_lock, NULL);
	pthread_mutex_init(&pool.cache_lock, NULL);
	tids = gs_xcalloc(nthreads - 1, sizeof(*tids));
	for (i = 0; i < nthreads - 1; i++) {
		if (pthread_create(&tids[i], NULL, derive_main, &pool))
			break;  /* fewer threads; the work still gets done below */
		started++;
	}
	for (;;) {
		size_t before = b->final;

		if (ready) {
			if ((error = finish_ready(b, &pool)) < 0) {
				/* the plan stops here: take no more jobs */
				pthread_mutex_lock(&pool.next_lock);
				pool.next = pool.nr;
				pthread_mutex_unlock(&pool.next_lock);
				break;
			}
			if (b->final > before)
				ready(b->out, b->final, arg);
		}
		if (!take_job(&pool, &i))
			break;
		derive_shared(&pool, &pool.jobs[i]);
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&pool.next_lock);
	pthread_mutex_destroy(&pool.cache_lock);
	for (i = 0; i < pool.nr; i++)
		b->done[pool.jobs[i].item - b->out->items - b->first] = (char)pool.jobs[i].done;
done:
	free(pool.jobs);
	free(tids);
	return error;
}

int gs_plan_build_ready(gs_plan *out, gs_engine *eng, gs_source *src, const gs_registry *reg,
			const gs_package_list *pkgs, const gs_strvec *packages,
			gs_plan_ready_fn ready, void *arg)
{
	struct selection sel = { NULL, NULL, NULL, 0 };
	struct build b;
	size_t i, j, k, n;
	int error = 0;

	memset(&b, 0, sizeof(b));
	b.out = out;
	b.first = b.final = out->nr;
	b.src = src;
	select_sources(&sel, reg, packages);
	add_items(out, &sel, eng, src, pkgs);
	if ((error = prefetch_needed(eng, src, pkgs, &sel)) < 0)
		goto done;
	n = out->nr - b.first;
	b.pkg = gs_xcalloc(n + 1, sizeof(*b.pkg));
	b.done = gs_xcalloc(n + 1, 1);
	b.job = gs_xcalloc(n + 1, sizeof(*b.job));
	for (i = 0, k = 0; k < sel.nr; k++) {
		const gs_package *pkg = sel.need[k] ?
			gs_packages_find(pkgs, sel.sources[k]->identifier) : NULL;

		for (j = 0; j < sel.sources[k]->variants_nr; j++, i++) {
			b.pkg[i] = pkg;
			b.job[i] = -1;
		}
	}
	if ((error = derive_parallel(&b, eng, pkgs, ready, arg)) < 0)
		goto done;

	for (i = b.final; i < out->nr; i++) {
		gs_plan_item *item = &out->items[i];
		int derived = b.done[i - b.first];

		if (!item->error && !derived && b.pkg[i - b.first] && !item->content.size &&
		    (error = derive_item(item, eng, src, pkgs, b.pkg[i - b.first])) < 0)
			goto done;
		if ((error = finish_item(&b, i, derived)) < 0)
			goto done;
	}
done:
	free(b.pkg);
	free(b.done);
	free(b.job);
	selection_release(&sel);
	return error;
}

int gs_plan_build(gs_plan *out, gs_engine *eng, gs_source *src, const gs_registry *reg,
		  const gs_package_list *pkgs, const gs_strvec *packages)
{
	return gs_plan_build_ready(out, eng, src, reg, pkgs, packages, NULL, NULL);
}
