#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pthread.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/source.h"
#include "gitspec/packages.h"
#include "gitspec/contract.h"
#include "gitspec/model.h"
#include "gitspec/cache.h"
#include "gitspec/engine.h"
#include "gitspec/language.h"
#include "gitspec/sha1.h"

/*
 * The contract engine. Models of files are looked up, in order, in a map
 * kept for the engine's lifetime (keyed by path and blob id), in the cache
 * (namespace "model", keyed by blob id), and only then extracted.
 *
 * Extraction is the expensive part and runs on several threads, each with
 * its own parser. libgit2 objects (the repository behind a source) must be
 * used from one thread at a time, and the source and cache are not
 * documented as thread-safe, so reads of blobs and cache entries are
 * serialised under one lock; results are stored per input index and merged
 * in input order, so the outcome never depends on thread timing.
 *
 * A syntax error is cached too, as a negative entry holding
 * its line and column and "LINE:COLUMN: syntax error", so that a broken
 * file is parsed once.
 */

#define CACHE_NS "model"
#define CONTRACT_NS "contract"
/* Contract format 2: no contract cached by format 1 is ever reused. */
#define CONTRACT_KEY_MAGIC "gitspec-contract-format-2"
#ifndef GITSPEC_VERSION
# define GITSPEC_VERSION "unknown"
#endif
#define CACHE_TAG_MODEL 'M'
/*
 * An extraction error: the line and column (two little-endian 32-bit
 * words), then the message after "PATH:". 'E' (the message alone) was the
 * earlier form: now a foreign entry, extracted again.
 */
#define CACHE_TAG_ERROR 'F'
#define DEFAULT_THREADS 2
#define MAX_THREADS 64

struct slot {
	char *path;
	git_oid oid;
	gs_module *mod;  /* NULL when `error` */
	char *error;
	int code;
	unsigned line, column;   /* where in `path` the error is; 0 when not known */
	struct slot *next;
};

/*
 * A chained hash table of slots, keyed by (path, oid), or by path alone
 * when `by_path`.
 */
struct table {
	struct slot **b;
	size_t cap, nr;          /* cap: a power of two */
	int by_path;
};

struct gs_engine {
	const gs_config *cfg;
	gs_cache *cache;
	const gs_language *lang; /* the language of the sources */
	gs_parser *py;           /* the calling thread's parser */
	gs_parser **workers;     /* one per extra thread, made on first use */
	size_t workers_nr;
	struct table models;     /* (path, blob id) -> model or error */
	/*
	 * Work-tree files whose id the index could not vouch for must be read
	 * to be hashed: remember path -> id for the current source, so that
	 * the three variants of a package do not hash them three times.
	 */
	struct table hashed;
	const gs_source *hashed_src;
	int threads;
	/* gs_engine_drop_models()'s thread and the models it frees, joined before any other use */
	pthread_t dropper;
	struct table dropped;
	int dropping;
};

static int engine_threads(void)
{
	const char *env = getenv("GIT_SPEC_THREADS");
	long n;
	char *end;

	if (!env || !*env)
		return DEFAULT_THREADS;
	n = strtol(env, &end, 10);
	if (*end || n < 1)
		return DEFAULT_THREADS;
	return n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static void slot_free(struct slot *s)
{
	free(s->path);
	gs_module_free(s->mod);
	free(s->error);
	free(s);
}

static void table_init(struct table *t, int by_path)
{
	t->cap = 1024;
	t->nr = 0;
	t->by_path = by_path;
	t->b = gs_xcalloc(t->cap, sizeof(*t->b));
}

static void table_release(struct table *t)
{
	size_t i;

	for (i = 0; t->b && i < t->cap; i++) {
		struct slot *s = t->b[i], *next;

		for (; s; s = next) {
			next = s->next;
			slot_free(s);
		}
	}
	free(t->b);
	t->b = NULL;
	t->cap = t->nr = 0;
}

int gs_engine_new(gs_engine **out, const gs_config *cfg, gs_cache *cache)
{
	gs_engine *eng = gs_xcalloc(1, sizeof(*eng));

	eng->cfg = cfg;
	eng->cache = cache;
	eng->lang = gs_language_default();
	eng->threads = engine_threads();
	table_init(&eng->models, 0);
	table_init(&eng->hashed, 1);
	*out = eng;
	return 0;
}

/* Wait for the models gs_engine_drop_models() is freeing. */
static void settle(gs_engine *eng)
{
	if (!eng->dropping)
		return;
	pthread_join(eng->dropper, NULL);
	eng->dropping = 0;
}

static void *drop_main(void *arg)
{
	table_release(arg);
	return NULL;
}

void gs_engine_drop_models(gs_engine *eng)
{
	if (!eng || eng->dropping || !eng->models.nr)
		return;
	eng->dropped = eng->models;
	table_init(&eng->models, 0);
	eng->dropping = !pthread_create(&eng->dropper, NULL, drop_main, &eng->dropped);
	if (!eng->dropping)
		table_release(&eng->dropped);
}

void gs_engine_free(gs_engine *eng)
{
	size_t i;

	if (!eng)
		return;
	settle(eng);
	table_release(&eng->models);
	table_release(&eng->hashed);
	for (i = 0; i < eng->workers_nr; i++)
		eng->lang->parser_free(eng->workers[i]);
	free(eng->workers);
	eng->lang->parser_free(eng->py);
	free(eng);
}

static size_t table_hash(const struct table *t, const char *path, const git_oid *oid)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *p;
	size_t i;

	for (p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	if (!t->by_path)
		for (i = 0; i < GIT_OID_RAWSZ; i++)
			h = (h ^ oid->id[i]) * 1099511628211ULL;
	return (size_t)h & (t->cap - 1);
}

static struct slot *table_find(const struct table *t, const char *path, const git_oid *oid)
{
	struct slot *s = t->b[table_hash(t, path, oid)];

	for (; s; s = s->next)
		if ((t->by_path || git_oid_equal(&s->oid, oid)) && !strcmp(s->path, path))
			return s;
	return NULL;
}

static void table_grow(struct table *t)
{
	struct table bigger = *t;
	size_t i;

	bigger.cap = t->cap * 2;
	bigger.b = gs_xcalloc(bigger.cap, sizeof(*bigger.b));
	for (i = 0; i < t->cap; i++) {
		struct slot *s = t->b[i], *next;

		for (; s; s = next) {
			size_t h = table_hash(&bigger, s->path, &s->oid);

			next = s->next;
			s->next = bigger.b[h];
			bigger.b[h] = s;
		}
	}
	free(t->b);
	*t = bigger;
}

/* Insert `s` unless an equal slot exists (then `s` is freed); returns the slot kept. */
static struct slot *table_insert(struct table *t, struct slot *s)
{
	struct slot *old = table_find(t, s->path, &s->oid);
	size_t h;

	if (old) {
		slot_free(s);
		return old;
	}
	if (t->nr >= t->cap)
		table_grow(t);
	h = table_hash(t, s->path, &s->oid);
	s->next = t->b[h];
	t->b[h] = s;
	t->nr++;
	return s;
}

static struct slot *slot_find(const gs_engine *eng, const char *path, const git_oid *oid)
{
	return table_find(&eng->models, path, oid);
}

static struct slot *slot_insert(gs_engine *eng, struct slot *s)
{
	return table_insert(&eng->models, s);
}

/*
 * The id of `e` when known without reading: from the source, or from an
 * earlier hash of the same work-tree file in the same source.
 */
static int known_oid(git_oid *out, const gs_engine *eng, const gs_source *src,
		     const gs_source_entry *e)
{
	const struct slot *s;

	if (e->has_oid) {
		git_oid_cpy(out, &e->oid);
		return 1;
	}
	if (eng->hashed_src != src || !(s = table_find(&eng->hashed, e->path, NULL)))
		return 0;
	git_oid_cpy(out, &s->oid);
	return 1;
}

static void remember_hash(gs_engine *eng, const gs_source *src, const char *path, const git_oid *oid)
{
	struct slot *s = gs_xcalloc(1, sizeof(*s));

	if (eng->hashed_src != src) {
		table_release(&eng->hashed);
		table_init(&eng->hashed, 1);
		eng->hashed_src = src;
	}
	s->path = gs_xstrdup(path);
	git_oid_cpy(&s->oid, oid);
	table_insert(&eng->hashed, s);
}

/* ---- computing one model ------------------------------------------------- */

/*
 * A parse tree takes about a hundred times the size of its source. Files
 * past this size are parsed in pieces where the source has cut points
 * (python_pieces.h, ADR 0020), but one without them (SymPy's
 * rubi/constraints.py, 295 KB inside a single `if`) is still parsed whole,
 * about 30 MiB of tree: such files are parsed one at a time, a thread
 * holding the token while it parses one.
 */
#define BIG_FILE (256u << 10)

struct big_token {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	int busy;
};

struct job {
	gs_engine *eng;
	gs_source *src;
	pthread_mutex_t *lock;   /* NULL when single-threaded */
	struct big_token *big;   /* NULL when single-threaded */
};

static void big_acquire(struct big_token *big)
{
	pthread_mutex_lock(&big->lock);
	while (big->busy)
		pthread_cond_wait(&big->freed, &big->lock);
	big->busy = 1;
	pthread_mutex_unlock(&big->lock);
}

static void big_release(struct big_token *big)
{
	pthread_mutex_lock(&big->lock);
	big->busy = 0;
	pthread_cond_broadcast(&big->freed);
	pthread_mutex_unlock(&big->lock);
}

static void job_lock(struct job *job)
{
	if (job->lock)
		pthread_mutex_lock(job->lock);
}

static void job_unlock(struct job *job)
{
	if (job->lock)
		pthread_mutex_unlock(job->lock);
}

static struct slot *error_slot(struct slot *s, int code, const char *msg)
{
	s->code = code;
	s->error = gs_xstrdup(msg);
	return s;
}

/*
 * The model of `e`, never NULL: a slot holding the model or the error.
 * Runs on any thread with its own parser `py`.
 */
static struct slot *compute(struct job *job, gs_parser *py, const gs_source_entry *e)
{
	struct slot *s = gs_xcalloc(1, sizeof(*s));
	gs_buf data = GS_BUF_INIT, cached = GS_BUF_INIT;
	int have_data = 0, rc, big;
	size_t plen = strlen(e->path);

	s->path = gs_xstrdup(e->path);
	if (!GS_MODE_IS_REGULAR(e->mode)) {
		s->code = GS_EINPUT;
		gs_buf_printf(&data, "cannot read '%s': not a regular file", e->path);
		s->error = gs_buf_detach(&data, NULL);
		goto done;
	}

	job_lock(job);
	if (e->has_oid) {
		git_oid_cpy(&s->oid, &e->oid);
	} else if (job->eng->cache && gs_source_get_kind(job->src) == GS_SOURCE_WORKTREE) {
		/*
		 * The source's stat cache knows most files the index cannot
		 * vouch for; the others are read to be hashed, and then not
		 * read again to be extracted.
		 */
		rc = gs_source_oid_read(&s->oid, &data, job->src, e);
		if (rc < 0) {
			error_slot(s, rc, gs_error_last());
			job_unlock(job);
			goto done;
		}
		have_data = rc == 1;
	} else {
		/* the work tree without a matching index entry: hash what we read */
		rc = gs_source_read(&data, job->src, e);
		if (rc < 0 || gs_sha1_blob(s->oid.id, data.ptr, data.size) < 0) {
			if (rc >= 0)
				gs_error_set(GS_ERROR, "cannot hash a file: SHA-1 failed in libcrypto");
			error_slot(s, rc < 0 ? rc : GS_ERROR, gs_error_last());
			job_unlock(job);
			goto done;
		}
		have_data = 1;
	}
	rc = job->eng->cache ? gs_cache_get(&cached, job->eng->cache, CACHE_NS, &s->oid) : -1;
	job_unlock(job);

	if (!rc && cached.size > 1) {
		if (cached.ptr[0] == CACHE_TAG_MODEL &&
		    !gs_module_deserialize(&s->mod, e->path, cached.ptr + 1, cached.size - 1))
			goto done;
		if (cached.ptr[0] == CACHE_TAG_ERROR && cached.size > 9) {
			gs_buf msg = GS_BUF_INIT;
			gs_reader r = { (const unsigned char *)cached.ptr + 1,
					(const unsigned char *)cached.ptr + cached.size, 0 };

			s->line = gs_reader_u32le(&r);
			s->column = gs_reader_u32le(&r);
			gs_buf_printf(&msg, "%s:%s", e->path, cached.ptr + 9);
			error_slot(s, GS_EINPUT, msg.ptr);
			gs_buf_release(&msg);
			goto done;
		}
		/* anything else is a foreign entry: extract again */
	}

	if (!have_data) {
		/* a work-tree file is read without the lock: no shared state on that path */
		int locked = gs_source_get_kind(job->src) != GS_SOURCE_WORKTREE || e->skip_worktree;

		if (locked)
			job_lock(job);
		rc = gs_source_read(&data, job->src, e);
		if (locked)
			job_unlock(job);
		if (rc < 0) {
			error_slot(s, rc, gs_error_last());
			goto done;
		}
	}
	big = job->big && data.size >= BIG_FILE;
	if (big)
		big_acquire(job->big);
	rc = job->eng->lang->extract(&s->mod, py, e->path, data.ptr, data.size);
	if (big)
		big_release(job->big);
	gs_buf_clear(&cached);
	if (rc == GS_EINPUT) {
		const char *msg = gs_error_last();

		gs_error_last_path(&s->line, &s->column);
		error_slot(s, rc, msg);
		s->mod = NULL;
		/* "PATH:L:C: syntax error": cache the place and what follows the path */
		if (!strncmp(msg, e->path, plen) && msg[plen] == ':') {
			gs_buf_putc(&cached, CACHE_TAG_ERROR);
			gs_buf_put_u32le(&cached, s->line);
			gs_buf_put_u32le(&cached, s->column);
			gs_buf_puts(&cached, msg + plen + 1);
		}
	} else if (rc < 0) {
		error_slot(s, rc, gs_error_last());
		s->mod = NULL;
	} else {
		gs_buf_putc(&cached, CACHE_TAG_MODEL);
		gs_module_serialize(&cached, s->mod);
	}
	if (cached.size && job->eng->cache) {
		job_lock(job);
		gs_cache_put(job->eng->cache, CACHE_NS, &s->oid, cached.ptr, cached.size);
		job_unlock(job);
	}
done:
	gs_buf_release(&data);
	gs_buf_release(&cached);
	return s;
}

static int ensure_parser(const gs_engine *eng, gs_parser **py)
{
	if (*py)
		return 0;
	return eng->lang->parser_new(py);
}

/* ---- prefetch on several threads ----------------------------------------- */

/*
 * The files to extract, taken in `order`, the largest first: the calling
 * thread takes them from the front, the other threads from the back, so
 * that they meet on small files and finish together. The big files (past
 * BIG_FILE) are all the calling thread's: their trees are freed into the
 * arena that made them (the main one), and never grow a second one. Files
 * of unknown size (not from the work tree) are in input order; one that
 * turns out to be big waits for the token (compute).
 */
struct pool {
	struct job job;
	const gs_source_entry **todo;
	struct slot **results;
	size_t *order;
	size_t nr, lo, hi;
	pthread_mutex_t next_lock;
};

/* The next file for a thread; 0 when none is left for it. */
static int pool_next(struct pool *pool, size_t *i, int main_thread)
{
	int found = 0;

	pthread_mutex_lock(&pool->next_lock);
	if (pool->lo < pool->hi) {
		if (main_thread) {
			*i = pool->order[pool->lo++];
			found = 1;
		} else if (pool->todo[pool->order[pool->hi - 1]]->size < BIG_FILE) {
			*i = pool->order[--pool->hi];
			found = 1;
		}
	}
	pthread_mutex_unlock(&pool->next_lock);
	return found;
}

struct sized {
	uint64_t size;
	size_t i;
};

/* By size, the largest first; equal sizes in input order. */
static int cmp_size_desc(const void *a, const void *b)
{
	const struct sized *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void pool_order_by_size(struct pool *pool)
{
	struct sized *v = gs_xcalloc(pool->nr ? pool->nr : 1, sizeof(*v));
	size_t i;

	for (i = 0; i < pool->nr; i++) {
		v[i].size = pool->todo[i]->size;
		v[i].i = i;
	}
	qsort(v, pool->nr, sizeof(*v), cmp_size_desc);
	for (i = 0; i < pool->nr; i++)
		pool->order[i] = v[i].i;
	free(v);
}

struct worker {
	struct pool *pool;
	gs_parser *py;
};

/*
 * No malloc tuning (ADR 0023): a cold Django sync's page faults (4,350
 * against the bare parse's 890) are first touches of memory it keeps (the
 * models until their contracts are rendered, the cache's buffered records,
 * the rendered contracts), not memory given back and taken again:
 * glibc.malloc.trim_threshold, top_pad, mmap_threshold and arena_max
 * changed their number by less than 1%.
 */

static void pool_run(struct pool *pool, gs_parser *py, int main_thread)
{
	size_t i;

	while (pool_next(pool, &i, main_thread))
		pool->results[i] = compute(&pool->job, py, pool->todo[i]);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pool_run(w->pool, w->py, 0);
	return NULL;
}

int gs_engine_prefetch(gs_engine *eng, gs_source *src, const gs_source_entry **entries, size_t nr)
{
	pthread_mutex_t io_lock = PTHREAD_MUTEX_INITIALIZER;
	struct big_token big = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	struct pool pool;
	struct worker *workers = NULL;
	pthread_t *tids = NULL;
	size_t i, todo_nr = 0, started = 0, nthreads;
	int error = 0;

	settle(eng);
	memset(&pool, 0, sizeof(pool));
	pool.todo = gs_xcalloc(nr ? nr : 1, sizeof(*pool.todo));
	for (i = 0; i < nr; i++) {
		const gs_source_entry *e = entries[i];

		git_oid oid;

		if (!e || !GS_MODE_IS_REGULAR(e->mode))
			continue;
		if (known_oid(&oid, eng, src, e) && slot_find(eng, e->path, &oid))
			continue;
		pool.todo[todo_nr++] = e;
	}
	if (!todo_nr)
		goto done;
	if ((error = ensure_parser(eng, &eng->py)) < 0)
		goto done;

	pool.job.eng = eng;
	pool.job.src = src;
	pool.nr = todo_nr;
	pool.results = gs_xcalloc(todo_nr, sizeof(*pool.results));
	pool.order = gs_xcalloc(todo_nr, sizeof(*pool.order));
	for (i = 0; i < todo_nr; i++)
		pool.order[i] = i;
	pool.lo = 0;
	pool.hi = todo_nr;
	pthread_mutex_init(&pool.next_lock, NULL);

	nthreads = (size_t)eng->threads;
	if (nthreads > todo_nr)
		nthreads = todo_nr;
	if (nthreads > 1) {
		pool.job.lock = &io_lock;
		pool.job.big = &big;
		pool_order_by_size(&pool);
		if (eng->workers_nr < nthreads - 1) {
			eng->workers = gs_xrealloc(eng->workers,
						   gs_st_mult(nthreads - 1, sizeof(*eng->workers)));
			for (i = eng->workers_nr; i < nthreads - 1; i++)
				eng->workers[i] = NULL;
			eng->workers_nr = nthreads - 1;
		}
		workers = gs_xcalloc(nthreads - 1, sizeof(*workers));
		tids = gs_xcalloc(nthreads - 1, sizeof(*tids));
		/*
		 * Every parser before any thread: making one sets the parsing
		 * library's allocator, a global every running parse reads.
		 */
		for (i = 0; i < nthreads - 1; i++)
			if (ensure_parser(eng, &eng->workers[i]) < 0)
				break;
		nthreads = i + 1;
		for (i = 0; i < nthreads - 1; i++) {
			workers[i].pool = &pool;
			workers[i].py = eng->workers[i];
			if (pthread_create(&tids[i], NULL, worker_main, &workers[i]))
				break; /* fewer threads; the work still gets done below */
			started++;
		}
	}
	pool_run(&pool, eng->py, 1);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&pool.next_lock);

	for (i = 0; i < todo_nr; i++) {
		struct slot *r = pool.results[i];

		if (!pool.todo[i]->has_oid && !git_oid_is_zero(&r->oid))
			remember_hash(eng, src, r->path, &r->oid);
		slot_insert(eng, r);
	}
done:
	free(pool.todo);
	free(pool.results);
	free(pool.order);
	free(workers);
	free(tids);
	pthread_mutex_destroy(&io_lock);
	pthread_mutex_destroy(&big.lock);
	pthread_cond_destroy(&big.freed);
	return error;
}

/*
 * The model of `entry`: 1 instead, leaving the engine as it was, when it
 * is not in the engine yet and `may_compute` is 0.
 */
static int module_of(const gs_module **out, gs_engine *eng, gs_source *src,
		     const gs_source_entry *entry, int may_compute)
{
	struct slot *s = NULL;
	git_oid oid;
	int error;

	*out = NULL;
	if (!GS_MODE_IS_REGULAR(entry->mode))
		return gs_error_set(GS_EINPUT, "cannot read '%s': not a regular file", entry->path);
	if (known_oid(&oid, eng, src, entry))
		s = slot_find(eng, entry->path, &oid);
	if (!s && !may_compute)
		return 1;
	if (!s) {
		struct job job = { eng, src, NULL, NULL };

		if ((error = ensure_parser(eng, &eng->py)) < 0)
			return error;
		s = compute(&job, eng->py, entry);
		if (!entry->has_oid && !git_oid_is_zero(&s->oid))
			remember_hash(eng, src, s->path, &s->oid);
		s = slot_insert(eng, s);
	}
	if (s->error)
		return gs_error_set_at(s->code, s->path, s->line, s->column, "%s", s->error);
	*out = s->mod;
	return 0;
}

int gs_engine_module(const gs_module **out, gs_engine *eng, gs_source *src,
		     const gs_source_entry *entry)
{
	settle(eng);
	return module_of(out, eng, src, entry, 1);
}

int gs_engine_threads(const gs_engine *eng)
{
	return eng->threads;
}

/* ---- contracts ----------------------------------------------------------- */

/* The files a contract is rendered from. */
struct selection {
	const gs_source_entry **files;
	const gs_source_entry **sel;  /* sel_nr selected files, then a spare slot */
	const gs_source_entry *init;  /* the package's marker file (public, all) */
	size_t files_nr, sel_nr;
};

static void selection_release(struct selection *s)
{
	free(s->files);
	free(s->sel);
	memset(s, 0, sizeof(*s));
}

static int select_files(struct selection *s, gs_engine *eng, gs_source *src,
			const gs_package_list *pkgs, const gs_package *pkg, int rollup,
			gs_variant variant)
{
	size_t i;
	int error;

	memset(s, 0, sizeof(*s));
	if ((error = gs_package_files(&s->files, &s->files_nr, src, pkgs, pkg, rollup)) < 0)
		goto done;
	s->sel = gs_xcalloc(s->files_nr + 1, sizeof(*s->sel));
	for (i = 0; i < s->files_nr; i++)
		if (gs_variant_selects(variant, s->files[i]->path,
				       gs_config_is_test_file(eng->cfg, s->files[i]->path)))
			s->sel[s->sel_nr++] = s->files[i];
	if (variant != GS_VARIANT_TESTS)
		s->init = gs_package_init_file(src, pkg);
done:
	return error;
}

static void key_field(gs_sha1_ctx *ctx, const char *s)
{
	gs_sha1_update(ctx, s, strlen(s) + 1);
}

/*
 * The cache key of a rendered contract: everything it is derived from (the
 * program version, package, module name, variant, format, and the path and
 * blob id of every input file). 0 when an input's id is not known without
 * reading it (a work-tree file the index does not vouch for): such a
 * contract is derived, not looked up.
 */
static int contract_key(git_oid *out, const gs_engine *eng, const gs_source *src,
			const struct selection *s, const gs_package *pkg, const char *module,
			int rollup, gs_variant variant, gs_format format)
{
	gs_sha1_ctx ctx;
	git_oid oid;
	char meta[64];
	size_t i;

	if (!eng->cache)
		return 0;
	gs_sha1_init(&ctx);
	key_field(&ctx, CONTRACT_KEY_MAGIC);
	key_field(&ctx, GITSPEC_VERSION);
	key_field(&ctx, pkg->path);
	key_field(&ctx, module ? module : pkg->module);
	snprintf(meta, sizeof(meta), "%d %d %d", (int)variant, (int)format, !!rollup);
	key_field(&ctx, meta);
	for (i = 0; i < s->sel_nr; i++) {
		if (!known_oid(&oid, eng, src, s->sel[i]))
			goto unknown;
		key_field(&ctx, s->sel[i]->path);
		gs_sha1_update(&ctx, oid.id, GIT_OID_RAWSZ);
	}
	if (s->init) {
		if (!known_oid(&oid, eng, src, s->init))
			goto unknown;
		key_field(&ctx, s->init->path);
		gs_sha1_update(&ctx, oid.id, GIT_OID_RAWSZ);
	} else {
		key_field(&ctx, "");
	}
	/* libcrypto failing (out of memory) only costs the cache lookup */
	return gs_sha1_final(out->id, &ctx) == 0;
unknown:
	gs_sha1_abort(&ctx);
	return 0;
}

int gs_engine_contract_lookup(gs_buf *out, gs_engine *eng, gs_source *src,
			      const gs_package_list *pkgs, const gs_package *pkg,
			      const char *module, int rollup, gs_variant variant, gs_format format)
{
	struct selection s;
	gs_buf val = GS_BUF_INIT;
	git_oid key;
	int error;

	if (!eng->cache)
		return gs_error_set(GS_ENOTFOUND, "no cache");
	settle(eng);
	if ((error = select_files(&s, eng, src, pkgs, pkg, rollup, variant)) < 0)
		goto done;
	if (!contract_key(&key, eng, src, &s, pkg, module, rollup, variant, format)) {
		error = gs_error_set(GS_ENOTFOUND, "contract of '%s' not cached", pkg->path);
		goto done;
	}
	if ((error = gs_cache_get(&val, eng->cache, CONTRACT_NS, &key)) < 0)
		goto done;
	gs_buf_put(out, val.ptr, val.size);
done:
	selection_release(&s);
	gs_buf_release(&val);
	return error;
}

static int cache_get_locked(gs_buf *out, gs_engine *eng, const git_oid *key, pthread_mutex_t *lock)
{
	int rc;

	if (lock)
		pthread_mutex_lock(lock);
	rc = gs_cache_get(out, eng->cache, CONTRACT_NS, key);
	if (lock)
		pthread_mutex_unlock(lock);
	return rc;
}

/*
 * gs_engine_contract; with `lock` (gs_engine_contract_shared), the models
 * must be in the engine already (1 when one is not), and the cache is used
 * under `lock`.
 */
static int contract(gs_buf *out, gs_engine *eng, gs_source *src,
		    const gs_package_list *pkgs, const gs_package *pkg,
		    const char *module, int rollup, gs_variant variant, gs_format format,
		    pthread_mutex_t *lock)
{
	struct selection s;
	const gs_module **mods = NULL, *init = NULL;
	gs_contract_view view;
	gs_buf val = GS_BUF_INIT;
	git_oid key;
	size_t i, start = out->size;
	int error, keyed;

	if (!lock)
		settle(eng);
	if ((error = select_files(&s, eng, src, pkgs, pkg, rollup, variant)) < 0)
		goto done;
	keyed = contract_key(&key, eng, src, &s, pkg, module, rollup, variant, format);
	if (keyed && !cache_get_locked(&val, eng, &key, lock)) {
		gs_buf_put(out, val.ptr, val.size);
		goto done;
	}
	/* the prefetch list is sel plus the package marker in the spare slot */
	s.sel[s.sel_nr] = s.init;
	if (!lock && (error = gs_engine_prefetch(eng, src, s.sel, s.sel_nr + (s.init != NULL))) < 0)
		goto done;

	mods = gs_xcalloc(s.sel_nr ? s.sel_nr : 1, sizeof(*mods));
	for (i = 0; i < s.sel_nr; i++)
		if ((error = module_of(&mods[i], eng, src, s.sel[i], !lock)))
			goto done;
	if (s.init && (error = module_of(&init, eng, src, s.init, !lock)))
		goto done;

	memset(&view, 0, sizeof(view));
	view.package = pkg->path;
	view.module = module ? module : pkg->module;
	view.variant = variant;
	view.init = init;
	view.files = mods;
	view.files_nr = s.sel_nr;
	if (format == GS_FORMAT_JSON)
		gs_render_json(out, &view);
	else
		gs_render_markdown(out, &view);
	if (keyed) {
		if (lock)
			pthread_mutex_lock(lock);
		gs_cache_put(eng->cache, CONTRACT_NS, &key, out->ptr + start, out->size - start);
		if (lock)
			pthread_mutex_unlock(lock);
	}
done:
	selection_release(&s);
	free(mods);
	gs_buf_release(&val);
	return error;
}

int gs_engine_contract(gs_buf *out, gs_engine *eng, gs_source *src,
		       const gs_package_list *pkgs, const gs_package *pkg,
		       const char *module, int rollup, gs_variant variant, gs_format format)
{
	return contract(out, eng, src, pkgs, pkg, module, rollup, variant, format, NULL);
}

int gs_engine_contract_shared(gs_buf *out, gs_engine *eng, gs_source *src,
			      const gs_package_list *pkgs, const gs_package *pkg,
			      const char *module, int rollup, gs_variant variant, gs_format format,
			      pthread_mutex_t *lock)
{
	return contract(out, eng, src, pkgs, pkg, module, rollup, variant, format, lock);
}
