/*
 * The verdict on a source: which contracts are fresh, stale or missing,
 * and every problem found on the way, as one structured report that the
 * commands and the hooks only print.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <git2.h>
#include "gitspec/check.h"
#include "gitspec/buf.h"
#include "gitspec/cache.h"
#include "gitspec/coverage.h"
#include "gitspec/common.h"
#include "gitspec/hook.h"
#include "gitspec/language.h"
#include "gitspec/plan.h"
#include "gitspec/pyproject.h"
#include "gitspec/revwalk.h"
#include "gitspec/sha1.h"

void gs_check_report_init(gs_check_report *r)
{
	memset(r, 0, sizeof(*r));
	gs_strvec_init(&r->warnings);
	gs_strvec_init(&r->packages);
}

void gs_check_report_clear(gs_check_report *r)
{
	size_t i;

	for (i = 0; i < r->items_nr; i++) {
		free(r->items[i].spec);
		free(r->items[i].package);
		free(r->items[i].path);
		free(r->items[i].content);
	}
	free(r->items);
	for (i = 0; i < r->errors_nr; i++) {
		free(r->errors[i].path);
		free(r->errors[i].message);
	}
	free(r->errors);
	gs_strvec_clear(&r->warnings);
	gs_strvec_clear(&r->packages);
	free(r->subject);
	gs_change_list_clear(&r->changes);
	gs_change_list_clear(&r->refused);
	gs_check_report_init(r);
}

int gs_problem_is_input(gs_problem_code code)
{
	switch (code) {
	case GS_PROBLEM_SPEC:
	case GS_PROBLEM_REGISTRY_LINK:
	case GS_PROBLEM_UNSAFE_PATH:
	case GS_PROBLEM_SOURCE:
	case GS_PROBLEM_CONFIG:
	case GS_PROBLEM_ARGUMENT:
		return 1;
	default:
		return 0;
	}
}

int gs_check_report_bad_input(const gs_check_report *r)
{
	size_t i;

	for (i = 0; i < r->errors_nr; i++)
		if (gs_problem_is_input(r->errors[i].code))
			return 1;
	return 0;
}

int gs_check_report_invalid(const gs_check_report *r)
{
	size_t i;

	for (i = 0; i < r->errors_nr; i++)
		if (!gs_problem_is_input(r->errors[i].code))
			return 1;
	return 0;
}

int gs_check_report_failed(const gs_check_report *r)
{
	return r->stale_nr || r->errors_nr;
}

/* One problem, once: the same message found twice is one problem. */
static void add_error(gs_check_report *r, gs_problem_code code, const char *path,
		      unsigned line, unsigned column, const char *message)
{
	gs_check_error *e;
	size_t i;

	for (i = 0; i < r->errors_nr; i++)
		if (!strcmp(r->errors[i].message, message))
			return;
	GS_ALLOC_GROW(r->errors, r->errors_nr + 1, r->errors_alloc);
	e = &r->errors[r->errors_nr++];
	e->code = code;
	e->path = gs_xstrdup(path ? path : "");
	e->line = line;
	e->column = column;
	e->message = gs_xstrdup(message);
}

void gs_check_report_add_error(gs_check_report *r, gs_problem_code code, const char *path,
			       unsigned line, unsigned column, const char *message)
{
	add_error(r, code, path, line, column, message);
}

void gs_check_report_add_failure(gs_check_report *r)
{
	unsigned line, column;
	const char *path = gs_error_last_path(&line, &column);

	add_error(r, GS_PROBLEM_CONFIG, path, line, column, gs_error_last());
}

static void add_item(gs_check_report *r, const gs_plan_item *it, gs_check_state state)
{
	gs_check_item *item;

	GS_ALLOC_GROW(r->items, r->items_nr + 1, r->items_alloc);
	item = &r->items[r->items_nr++];
	item->spec = gs_xstrdup(it->spec->id);
	item->package = gs_xstrdup(it->package);
	item->path = gs_xstrdup(it->path ? it->path : it->variant->path);
	item->variant = it->variant->variant;
	item->state = state;
	item->content = NULL;
	item->content_size = 0;
	/* what --diff and the printers compare with, for the few that fail */
	if (state == GS_CHECK_STALE || state == GS_CHECK_MISSING) {
		item->content = gs_xmalloc(it->content.size + 1);
		memcpy(item->content, it->content.ptr ? it->content.ptr : "", it->content.size);
		item->content[it->content.size] = '\0';
		item->content_size = it->content.size;
	}
}

/* Whether a problem of `code` about `path` was already reported. */
static int has_problem(const gs_check_report *r, gs_problem_code code, const char *path)
{
	size_t i;

	for (i = 0; i < r->errors_nr; i++)
		if (r->errors[i].code == code && path && !strcmp(r->errors[i].path, path))
			return 1;
	return 0;
}

static gs_problem_code plan_problem(gs_plan_error kind)
{
	switch (kind) {
	case GS_PLAN_UNSAFE_PATH: return GS_PROBLEM_UNSAFE_PATH;
	case GS_PLAN_NO_PACKAGE: return GS_PROBLEM_PACKAGE;
	default: return GS_PROBLEM_SOURCE;
	}
}

gs_problem_code gs_problem_of_plan(gs_plan_error kind)
{
	return plan_problem(kind);
}

gs_problem_code gs_problem_of_registry(gs_registry_problem_kind kind)
{
	switch (kind) {
	case GS_REGISTRY_LINK: return GS_PROBLEM_REGISTRY_LINK;
	case GS_REGISTRY_NO_PACKAGE: return GS_PROBLEM_PACKAGE;
	default: return GS_PROBLEM_REGISTRY;
	}
}

static void judge_plan(gs_check_report *r, const gs_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nr; i++) {
		const gs_plan_item *it = &plan->items[i];

		gs_strvec_push(&r->packages, it->package);
		if (it->error) {
			/*
			 * A package that no longer exists (moved, deleted) makes
			 * the registry invalid (exit 1, not bad input); its
			 * validation may have said so for this spec already.
			 */
			if (it->error_kind != GS_PLAN_NO_PACKAGE ||
			    !has_problem(r, GS_PROBLEM_PACKAGE, it->error_path))
				add_error(r, plan_problem(it->error_kind), it->error_path, it->error_line,
					  it->error_column, it->error);
			add_item(r, it, GS_CHECK_ERROR);
		} else if (it->fresh) {
			add_item(r, it, GS_CHECK_FRESH);
			r->fresh_nr++;
		} else if (it->old_format) {
			add_item(r, it, GS_CHECK_FORMAT1);
			r->format1_nr++;
			r->stale_nr++;
		} else {
			add_item(r, it, it->missing ? GS_CHECK_MISSING : GS_CHECK_STALE);
			r->stale_nr++;
		}
	}
	gs_strvec_sort_uniq(&r->packages);
}

static void judge_registry(gs_check_report *r, gs_workspace *ws, int validate, int unsafe)
{
	gs_registry_problems problems = GS_REGISTRY_PROBLEMS_INIT, paths = GS_REGISTRY_PROBLEMS_INIT;
	size_t i;

	for (i = 0; i < ws->reg->errors.nr; i++)
		add_error(r, GS_PROBLEM_SPEC, ws->reg->error_paths.v[i], ws->reg->error_places[i].line,
			  ws->reg->error_places[i].column, ws->reg->errors.v[i]);
	if (validate)
		gs_registry_check(&problems, ws->reg, ws->src, &ws->pkgs);
	for (i = 0; i < problems.nr; i++)
		add_error(r, problems.v[i].kind == GS_REGISTRY_LINK ? GS_PROBLEM_REGISTRY_LINK :
			  problems.v[i].kind == GS_REGISTRY_NO_PACKAGE ? GS_PROBLEM_PACKAGE :
			  GS_PROBLEM_REGISTRY, problems.v[i].spec_path, 0, 0, problems.v[i].message);
	/* An unsafe contract path is bad input, whoever reports it. */
	if (unsafe && gs_workspace_unsafe_contracts(&paths, ws, NULL, 0, &problems)) {
		for (i = 0; i < paths.nr; i++)
			add_error(r, GS_PROBLEM_UNSAFE_PATH, paths.v[i].spec_path, 0, 0,
				  paths.v[i].message);
	}
	gs_registry_problems_clear(&problems);
	gs_registry_problems_clear(&paths);
}

/*
 * Packages that need a spec and have none (coverage.h): among `candidates`
 * (the touched ones), or every package (`candidates` NULL). An error under
 * spec.requireSpecs, else a warning; `quiet_ok` says nothing without it.
 */
static void judge_coverage(gs_check_report *r, gs_workspace *ws, const gs_strvec *candidates,
			   int quiet_ok)
{
	gs_strvec uncovered = GS_STRVEC_INIT;
	gs_buf msg = GS_BUF_INIT, fix = GS_BUF_INIT;
	size_t i;

	if (candidates && !candidates->nr)
		return;
	if (quiet_ok && !ws->cfg.require_specs)
		return;
	gs_coverage_uncovered(&uncovered, ws->src, &ws->pkgs, ws->reg, candidates);
	for (i = 0; i < uncovered.nr; i++) {
		const gs_package *pkg = gs_packages_find(&ws->pkgs, uncovered.v[i]);
		const char *what = pkg->leaf ? "" : " (its own files, beside its sub-packages)";

		gs_buf_clear(&msg);
		gs_buf_clear(&fix);
		gs_coverage_fix(&fix, pkg);
		if (ws->cfg.require_specs) {
			gs_buf_printf(&msg, "package '%s' is not covered by any spec%s "
				      "(spec.requireSpecs is set); run `%s`", pkg->path, what, fix.ptr);
			add_error(r, GS_PROBLEM_UNCOVERED, pkg->path, 0, 0, msg.ptr);
		} else {
			gs_strvec_pushf(&r->warnings, "package '%s' is not covered by any spec%s; "
					"`%s` adds one", pkg->path, what, fix.ptr);
		}
	}
	gs_strvec_clear(&uncovered);
	gs_buf_release(&msg);
	gs_buf_release(&fix);
}

/*
 * Whether a change can concern contracts at all: a source, the
 * configuration, or anything below the specs directory (specs, and every
 * contract path, which stays inside its spec's directory).
 */
static int relevant_change(const gs_strvec *changed, const gs_config *cfg)
{
	size_t i, dlen = strlen(cfg->specs_dir);

	/* Specs at the top of the repository: anything may be a contract. */
	if (!dlen || !strcmp(cfg->specs_dir, "."))
		return changed->nr > 0;
	for (i = 0; i < changed->nr; i++) {
		const char *p = changed->v[i];

		if (gs_language_is_source(p) || !strcmp(p, GS_CONFIG_FILE) ||
		    (cfg->roots_derived && gs_pyproject_is_file(p)) ||
		    (!strncmp(p, cfg->specs_dir, dlen) && p[dlen] == '/'))
			return 1;
	}
	return 0;
}

/*
 * Whether the change can affect the registry's integrity. A registry is
 * judged whole (every spec), which costs time proportional to the number
 * of specs; a change made only of ordinary sources (not package markers)
 * and known contract files cannot make a valid registry invalid, so for
 * the common commit the whole-registry pass is skipped.
 */
static int structure_changed(const gs_strvec *changed, const gs_registry *reg)
{
	size_t i;

	for (i = 0; i < changed->nr; i++) {
		const char *p = changed->v[i];
		gs_registry_entry e;
		const gs_spec_variant *variant;

		if (gs_language_is_source(p) && !gs_language_is_marker(p))
			continue;
		if (!gs_registry_find_contract(&e, &variant, reg, p))
			continue;
		gs_error_clear();
		return 1;
	}
	return 0;
}

/* The hooks' view: only what the change touches. */
static int check_change(gs_check_report *r, gs_workspace *ws, const gs_strvec *changed)
{
	gs_plan plan = GS_PLAN_INIT;
	gs_strvec touched = GS_STRVEC_INIT, leaves = GS_STRVEC_INIT;
	int error = 0, all = 0;

	/* Nothing a contract depends on changed: no need to load anything else. */
	if (!changed->nr || !relevant_change(changed, &ws->cfg))
		goto done;
	if ((error = gs_workspace_load_registry(ws)) < 0 ||
	    (error = gs_workspace_load_packages(ws)) < 0)
		goto done;
	gs_hook_touched(&touched, &leaves, &all, changed, &ws->pkgs, ws->reg, &ws->cfg);
	/* New roots (all) may leave a spec's written module behind: validate. */
	judge_registry(r, ws, all || structure_changed(changed, ws->reg), 0);
	judge_coverage(r, ws, &leaves, 0);
	if (!all && !touched.nr)
		goto done;
	if ((error = gs_workspace_load_engine(ws)) < 0 ||
	    (error = gs_plan_build(&plan, ws->eng, ws->src, ws->reg, &ws->pkgs,
				   all ? NULL : &touched)) < 0)
		goto done;
	judge_plan(r, &plan);
done:
	gs_plan_clear(&plan);
	gs_strvec_clear(&touched);
	gs_strvec_clear(&leaves);
	return error;
}

/*
 * ---- the check memo (ADR 0021) ----
 *
 * A check of every contract depends on the source (every path, mode and
 * blob id: sources, specs, contracts, the configuration file, pyproject
 * files, and the paths that decide what a package is), on the effective
 * configuration and on the version of git-spec; nothing else. When such a
 * check finds every contract fresh, byte for byte, the verdict is kept in
 * the cache under the hash of all of that, and the next check with the
 * same key answers from it without loading the registry, the packages or
 * the engine. The blob ids come from the source as every check gets them
 * (the index's stat data, the stat cache, racily clean files hashed).
 * In the quick key, looked up first, a file the index cannot vouch for
 * but whose stat data are settled (gs_source_stat_settled) is keyed by
 * those instead, the rule by which the stat cache would give its id: so a
 * memo hit is exactly as right as a full check (ADR 0027).
 */
#define MEMO_NS "check-memo"
#define MEMO_MAGIC "gitspec-check-memo-2"
/* a settled file's stat data in the key: times, size, inode (memo_key) */
#define MEMO_STAT_LEN 40

static void memo_field(gs_sha1_ctx *ctx, const char *s)
{
	gs_sha1_update(ctx, s, strlen(s) + 1);
}

static void memo_list(gs_sha1_ctx *ctx, const gs_strvec *v)
{
	char n[32];
	size_t i;

	snprintf(n, sizeof(n), "%zu", v->nr);
	memo_field(ctx, n);
	for (i = 0; i < v->nr; i++)
		memo_field(ctx, v->v[i]);
}

/* Append `len` bytes to the block of `size` (`*used` of it full), hashing each block filled. */
static void memo_block(gs_sha1_ctx *ctx, unsigned char *block, size_t size, size_t *used,
		       const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len) {
		size_t n = size - *used < len ? size - *used : len;

		memcpy(block + *used, p, n);
		*used += n;
		p += n;
		len -= n;
		if (*used == size) {
			gs_sha1_update(ctx, block, size);
			*used = 0;
		}
	}
}

/*
 * The memo key of the open workspace: 1, or 0 when there is none (a file
 * vanished). With `by_stat`, the quick key: a file the index cannot vouch
 * for but whose stat data are settled is keyed by them (their number goes
 * to *by_stat); without, every regular file by its blob id.
 */
static int memo_key(git_oid *out, size_t *by_stat, gs_workspace *ws)
{
	const gs_config *cfg = &ws->cfg;
	gs_sha1_ctx ctx;
	/*
	 * The list is hashed a block at a time (the same digest as hashing it
	 * whole): one SHA-1 update per block, not two a file, and no buffer
	 * of the whole list (fresh pages) either.
	 */
	unsigned char block[8192];
	size_t used = 0;
	char meta[64];
	size_t i, n = gs_source_count(ws->src);
	int64_t now = (int64_t)time(NULL);
	int keyed;

	gs_sha1_init(&ctx);
	memo_field(&ctx, MEMO_MAGIC);
	memo_field(&ctx, GITSPEC_VERSION);
	/* every setting of gs_config that a verdict can depend on */
	snprintf(meta, sizeof(meta), "%d %d %d %d", (int)ws->kind, cfg->roots_derived,
		 cfg->require_specs, cfg->refuse_breaking);
	memo_field(&ctx, meta);
	memo_field(&ctx, cfg->specs_dir ? cfg->specs_dir : "");
	memo_list(&ctx, &cfg->roots);
	memo_list(&ctx, &cfg->ignore);
	memo_list(&ctx, &cfg->test_patterns);
	for (i = 0; i < n; i++) {
		const gs_source_entry *e = gs_source_get(ws->src, i);
		unsigned char rec[5 + MEMO_STAT_LEN];
		size_t len = 5 + GIT_OID_RAWSZ;
		git_oid oid;

		memset(rec, 0, sizeof(rec));
		gs_put_be32(rec, e->mode);
		rec[4] = (unsigned char)!!e->conflicted;
		/* links and submodules are never read: their mode is all that counts */
		if (!GS_MODE_IS_REGULAR(e->mode)) {
			;
		} else if (by_stat && !e->has_oid && gs_source_stat_settled(e, now)) {
			/*
			 * Racily clean or untracked, and settled: the stat data
			 * stand for the content, as in the stat cache, without a
			 * cache lookup a file (Django's 567 contracts, committed
			 * in the second they were written: 1 ms of 15).
			 */
			(*by_stat)++;
			rec[4] |= 2;
			gs_put_be64(rec + 5, (uint64_t)e->mtime_sec);
			gs_put_be32(rec + 13, (uint32_t)e->mtime_nsec);
			gs_put_be64(rec + 17, (uint64_t)e->ctime_sec);
			gs_put_be32(rec + 25, (uint32_t)e->ctime_nsec);
			gs_put_be64(rec + 29, e->size);
			gs_put_be64(rec + 37, e->ino);
			len = 5 + MEMO_STAT_LEN;
		} else {
			if (gs_source_oid(&oid, ws->src, e) < 0) {
				/* the full check says what is wrong with it */
				gs_error_clear();
				gs_sha1_abort(&ctx);
				return 0;
			}
			memcpy(rec + 5, oid.id, GIT_OID_RAWSZ);
		}
		memo_block(&ctx, block, sizeof(block), &used, e->path, strlen(e->path) + 1);
		memo_block(&ctx, block, sizeof(block), &used, rec, len);
	}
	gs_sha1_update(&ctx, block, used);
	keyed = gs_sha1_final(out->id, &ctx) == 0;
	return keyed;
}

/* The verdict kept under `key`: 1 when there is one (then `r` holds it), else 0. */
static int memo_get(gs_check_report *r, gs_cache *cache, const git_oid *key)
{
	gs_buf val = GS_BUF_INIT;
	const char *p, *end, *nl;
	char *num_end;
	unsigned long long fresh;
	int hit = 0;

	if (gs_cache_get(&val, cache, MEMO_NS, key) < 0) {
		gs_error_clear();
		goto done;
	}
	/* "FRESH_NR\n" then one package a line; anything else is a miss */
	gs_buf_putc(&val, '\0');
	p = val.ptr;
	end = val.ptr + val.size - 1;
	if (!(nl = memchr(p, '\n', (size_t)(end - p))) || *p < '0' || *p > '9')
		goto done;
	fresh = strtoull(p, &num_end, 10);
	if (num_end != nl)
		goto done;
	for (p = nl + 1; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))) || nl == p) {
			gs_strvec_clear(&r->packages);
			goto done;
		}
		gs_strvec_push_nodup(&r->packages, gs_xstrndup(p, (size_t)(nl - p)));
	}
	r->fresh_nr = (size_t)fresh;
	r->memo_hit = hit = 1;
done:
	gs_buf_release(&val);
	return hit;
}

/*
 * Whether the full check just made may be kept: nothing wrong, nothing to
 * warn about, and every contract the same bytes as derived (same blob id:
 * fresh only after git's end-of-line conversion depends on attributes
 * and configuration the key does not hold).
 */
static int memo_worthy(const gs_check_report *r, const gs_plan *plan, gs_source *src)
{
	size_t i;

	if (r->errors_nr || r->warnings.nr || r->stale_nr || plan->error_nr || plan->stale_nr)
		return 0;
	for (i = 0; i < plan->nr; i++) {
		const gs_plan_item *it = &plan->items[i];
		const gs_source_entry *e = it->path ? gs_source_lookup(src, it->path) : NULL;
		git_oid oid;

		if (it->error || !it->fresh || !e || !GS_MODE_IS_REGULAR(e->mode))
			return 0;
		if (gs_source_oid(&oid, src, e) < 0) {
			gs_error_clear();
			return 0;
		}
		if (!git_oid_equal(&oid, &it->oid))
			return 0;
	}
	return 1;
}

static void memo_put(const gs_check_report *r, gs_cache *cache, const git_oid *key)
{
	gs_buf val = GS_BUF_INIT;
	size_t i;

	gs_buf_printf(&val, "%zu\n", r->fresh_nr);
	for (i = 0; i < r->packages.nr; i++)
		gs_buf_printf(&val, "%s\n", r->packages.v[i]);
	/* only a cache: a failed write costs the next check its shortcut */
	if (gs_cache_put(cache, MEMO_NS, key, val.ptr, val.size) < 0)
		gs_error_clear();
	gs_buf_release(&val);
}

int gs_check_workspace(gs_check_report *r, gs_workspace *ws, const gs_strvec *changed)
{
	gs_plan plan = GS_PLAN_INIT;
	git_oid key, ids_key;
	size_t by_stat = 0;
	int error, keyed = 0;

	if (!r->fix)
		r->fix = ws->kind == GS_WORKSPACE_WORKTREE ? "git spec sync" : "git spec sync --staged";
	if (changed)
		return check_change(r, ws, changed);
	if (r->memo && ws->cache && ws->src && ws->cfg_loaded) {
		keyed = memo_key(&key, &by_stat, ws);
		if (keyed && memo_get(r, ws->cache, &key))
			return 0;
		/*
		 * The quick key misses whenever git refreshed or smudged the
		 * stat data of a file, even unchanged: the ids decide, and
		 * the quick key answers next time.
		 */
		if (keyed && by_stat && (keyed = memo_key(&ids_key, NULL, ws)) &&
		    memo_get(r, ws->cache, &ids_key)) {
			memo_put(r, ws->cache, &key);
			return 0;
		}
	}
	if ((error = gs_workspace_load_packages(ws)) < 0 ||
	    (error = gs_workspace_load_registry(ws)) < 0 ||
	    (error = gs_workspace_load_engine(ws)) < 0)
		goto done;
	judge_registry(r, ws, 1, 1);
	if (ws->cfg.require_specs)
		judge_coverage(r, ws, NULL, 1);
	if ((error = gs_plan_build(&plan, ws->eng, ws->src, ws->reg, &ws->pkgs, NULL)) < 0)
		goto done;
	judge_plan(r, &plan);
	if (keyed && memo_worthy(r, &plan, ws->src)) {
		memo_put(r, ws->cache, &key);
		if (by_stat)
			memo_put(r, ws->cache, &ids_key);
	}
done:
	gs_plan_clear(&plan);
	return error;
}

int gs_check_range(gs_check_report *r, gs_workspace *ws, const char *range)
{
	git_revspec spec;
	git_object *to = NULL, *from = NULL;
	git_oid *oids = NULL;
	size_t oids_nr = 0, i;
	int error = 0;

	memset(&spec, 0, sizeof(spec));
	if (git_revparse(&spec, ws->repo, range) < 0) {
		error = gs_error_set_git("cannot resolve the range");
		goto done;
	}
	if (!(spec.flags & GIT_REVSPEC_RANGE) || (spec.flags & GIT_REVSPEC_MERGE_BASE)) {
		error = gs_error_set(GS_EUSAGE, "'%s' is not a range A..B", range);
		goto done;
	}
	/* A shallow clone's range stops at its boundary (revwalk.h). */
	if (git_object_peel(&to, spec.to, GIT_OBJECT_COMMIT) < 0 ||
	    (spec.from && git_object_peel(&from, spec.from, GIT_OBJECT_COMMIT) < 0)) {
		error = gs_error_set_git("cannot walk the range");
		goto done;
	}
	if ((error = gs_revwalk_list(&oids, &oids_nr, ws->repo, git_object_id(to), 1,
				     from ? git_object_id(from) : NULL, from ? 1 : 0)) < 0)
		goto done;
	for (i = 0; i < oids_nr; i++) {
		git_commit *commit = NULL;
		git_tree *tree = NULL;

		if (git_commit_lookup(&commit, ws->repo, &oids[i]) < 0 ||
		    git_commit_tree(&tree, commit) < 0) {
			git_commit_free(commit);
			error = gs_error_set_git("cannot read a commit of the range");
			goto done;
		}
		/* Each commit is judged on its own: only the failing one is reported. */
		{
			size_t commits = r->commits;

			gs_check_report_clear(r);
			r->commits = commits + 1;
		}
		r->fix = "git spec sync --staged";
		error = gs_workspace_open_tree(ws, tree);
		if (!error)
			error = gs_check_workspace(r, ws, NULL);
		if (!error && gs_check_report_failed(r)) {
			const char *summary = git_commit_summary(commit);

			git_oid_cpy(&r->commit, &oids[i]);
			r->has_commit = 1;
			r->subject = gs_xstrdup(summary ? summary : "");
		}
		git_tree_free(tree);
		git_commit_free(commit);
		if (error < 0 || r->has_commit)
			goto done;
	}
	/* spec.breakingChanges = refuse, as the newest commit configures it */
	if (ws->cfg_loaded && ws->cfg.refuse_breaking &&
	    (error = gs_apidiff_refused_in_range(&r->refused, ws->repo,
						 from ? git_object_id(from) : NULL,
						 git_object_id(to), ws->cache)) < 0)
		goto done;
done:
	free(oids);
	git_object_free(to);
	git_object_free(from);
	git_object_free(spec.from);
	git_object_free(spec.to);
	return error;
}

int gs_check_report_add_changes(gs_check_report *r, gs_workspace *ws, const git_tree *base)
{
	gs_apidiff_side old, cur;
	size_t i;
	int error = 0, any = 0;

	for (i = 0; i < r->items_nr; i++)
		any |= r->items[i].state == GS_CHECK_STALE || r->items[i].state == GS_CHECK_MISSING;
	if (!any || !ws->src)
		return 0;
	if ((error = gs_workspace_load_engine(ws)) < 0)
		return error;
	memset(&cur, 0, sizeof(cur));
	cur.src = ws->src;
	cur.cfg = &ws->cfg;
	cur.pkgs = &ws->pkgs;
	cur.reg = ws->reg;
	cur.eng = ws->eng;
	if ((error = gs_apidiff_side_open_tree(&old, ws->repo, base, ws->cache)) < 0)
		return error;
	error = gs_apidiff_sides(&r->changes, &old, &cur, NULL);
	gs_apidiff_side_release(&old);
	return error;
}

int gs_check_item_patch(gs_buf *out, const gs_check_item *it, gs_workspace *ws)
{
	const gs_source_entry *e = gs_source_lookup(ws->src, it->path);
	gs_buf old = GS_BUF_INIT;
	git_patch *patch = NULL;
	git_buf text = GIT_BUF_INIT;
	git_diff_options opts;
	int error = 0;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (e && GS_MODE_IS_REGULAR(e->mode) && (error = gs_source_read(&old, ws->src, e)) < 0)
		goto done;
	if (git_patch_from_buffers(&patch, e ? old.ptr : NULL, old.size, it->path,
				   it->content, it->content_size, it->path, &opts) < 0 ||
	    git_patch_to_buf(&text, patch) < 0) {
		error = gs_error_set_git("cannot compute the diff of a contract");
		goto done;
	}
	gs_buf_put(out, text.ptr, text.size);
done:
	git_buf_dispose(&text);
	git_patch_free(patch);
	gs_buf_release(&old);
	return error;
}

/* ---- printers ---------------------------------------------------------- */

/* Whether item `i` is the first stale one of its package (its changes go under it). */
static int first_of_package(const gs_check_report *r, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if ((r->items[j].state == GS_CHECK_STALE || r->items[j].state == GS_CHECK_MISSING) &&
		    !strcmp(r->items[j].package, r->items[i].package))
			return 0;
	return 1;
}

static void describe(gs_buf *out, const gs_check_item *it, gs_path_printer put, void *data)
{
	gs_buf_printf(out, "%s contract '", it->state == GS_CHECK_MISSING ? "missing" : "stale");
	if (put)
		put(out, it->path, data);
	else
		gs_buf_puts(out, it->path);
	gs_buf_printf(out, "' (%s, package '%s', variant %s)", it->spec, it->package,
		      gs_variant_name(it->variant));
}

void gs_check_item_describe(gs_buf *out, const gs_check_item *it)
{
	describe(out, it, NULL, NULL);
}

void gs_check_report_text(gs_buf *out, const gs_check_report *r, const char *prefix)
{
	gs_check_report_text_paths(out, r, prefix, NULL, NULL);
}

void gs_check_report_text_paths(gs_buf *out, const gs_check_report *r, const char *prefix,
				gs_path_printer put, void *data)
{
	size_t i;

	for (i = 0; i < r->errors_nr; i++) {
		const gs_check_error *e = &r->errors[i];
		size_t n = strlen(e->path);

		gs_buf_printf(out, "%serror: ", prefix);
		/* every message names its path first (gs_check_error), which `put` prints */
		if (put && n && !strncmp(e->message, e->path, n) && e->message[n] == ':') {
			put(out, e->path, data);
			gs_buf_puts(out, e->message + n);
		} else {
			gs_buf_puts(out, e->message);
		}
		gs_buf_putc(out, '\n');
	}
	for (i = 0; i < r->items_nr; i++) {
		if (r->items[i].state != GS_CHECK_STALE && r->items[i].state != GS_CHECK_MISSING)
			continue;
		gs_buf_puts(out, prefix);
		describe(out, &r->items[i], put, data);
		gs_buf_putc(out, '\n');
		if (r->changes.nr && first_of_package(r, i)) {
			size_t k;

			for (k = 0; k < r->changes.nr; k++) {
				if (strcmp(r->changes.v[k].package, r->items[i].package))
					continue;
				gs_buf_printf(out, "%s  ", prefix);
				gs_change_format_line(out, &r->changes.v[k]);
				gs_buf_putc(out, '\n');
			}
		}
	}
	if (r->format1_nr) {
		gs_buf_puts(out, prefix);
		gs_plan_format1_message(out, r->format1_nr);
		gs_buf_putc(out, '\n');
	}
}

void gs_check_report_github(gs_buf *out, const gs_check_report *r)
{
	gs_buf entry = GS_BUF_INIT;
	size_t i, k;

	for (i = 0; i < r->errors_nr; i++) {
		gs_buf_puts(out, "::error");
		if (*r->errors[i].path) {
			gs_buf_puts(out, " file=");
			gs_github_put(out, r->errors[i].path, 1);
			if (r->errors[i].line)
				gs_buf_printf(out, ",line=%u,col=%u", r->errors[i].line,
					      r->errors[i].column);
		}
		gs_buf_puts(out, "::");
		gs_github_put(out, r->errors[i].message, 0);
		gs_buf_putc(out, '\n');
	}
	for (i = 0; i < r->items_nr; i++) {
		const gs_check_item *it = &r->items[i];

		if (it->state != GS_CHECK_STALE && it->state != GS_CHECK_MISSING)
			continue;
		gs_buf_clear(&entry);
		gs_check_item_describe(&entry, it);
		gs_buf_puts(out, "::error file=");
		gs_github_put(out, it->path, 1);
		gs_buf_puts(out, ",line=1,title=Stale contract::");
		gs_github_put(out, entry.ptr, 0);
		gs_buf_printf(out, "; run '%s'\n", r->fix ? r->fix : "git spec sync");
		if (!first_of_package(r, i))
			continue;
		for (k = 0; k < r->changes.nr; k++) {
			gs_change_list one;

			if (strcmp(r->changes.v[k].package, it->package))
				continue;
			one.v = &r->changes.v[k];
			one.nr = one.alloc = 1;
			gs_change_list_format_github(out, &one);
		}
	}
	if (r->format1_nr) {
		gs_buf_clear(&entry);
		gs_plan_format1_message(&entry, r->format1_nr);
		gs_buf_puts(out, "::error title=Stale contracts::");
		gs_github_put(out, entry.ptr, 0);
		gs_buf_putc(out, '\n');
	}
	gs_change_list_format_github(out, &r->refused);
	gs_buf_release(&entry);
}

void gs_check_report_json(gs_buf *out, const gs_check_report *r, int range)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t i, n = 0;

	gs_buf_printf(out, "{\"fresh\": %s", gs_check_report_failed(r) ? "false" : "true");
	if (range) {
		gs_buf_puts(out, ", \"commit\": ");
		if (r->has_commit) {
			git_oid_tostr(hex, sizeof(hex), &r->commit);
			gs_buf_put_json_string(out, hex);
		} else {
			gs_buf_puts(out, "null");
		}
	}
	gs_buf_puts(out, ", \"stale\": [");
	for (i = 0; i < r->items_nr; i++) {
		const gs_check_item *it = &r->items[i];

		if (it->state != GS_CHECK_STALE && it->state != GS_CHECK_MISSING &&
		    it->state != GS_CHECK_FORMAT1)
			continue;
		gs_buf_puts(out, n++ ? ",\n    {\"spec\": " : "\n    {\"spec\": ");
		gs_buf_put_json_string(out, it->spec);
		gs_buf_puts(out, ", \"package\": ");
		gs_buf_put_json_string(out, it->package);
		gs_buf_puts(out, ", \"variant\": ");
		gs_buf_put_json_string(out, gs_variant_name(it->variant));
		gs_buf_puts(out, ", \"path\": ");
		gs_buf_put_json_string(out, it->path);
		gs_buf_puts(out, ", \"fix\": ");
		gs_buf_put_json_string(out, r->fix ? r->fix : "git spec sync");
		gs_buf_printf(out, ", \"missing\": %s}", it->state == GS_CHECK_MISSING ? "true" : "false");
	}
	gs_buf_puts(out, n ? "\n  ], \"errors\": " : "], \"errors\": ");
	gs_check_report_errors_json(out, r);
	if (range && r->refused.nr) {
		/* the changes spec.breakingChanges = refuse refuses, as git spec diff --json lists them */
		gs_buf_puts(out, ", \"refused\": [");
		for (i = 0; i < r->refused.nr; i++) {
			gs_buf_puts(out, i ? ",\n    " : "\n    ");
			gs_change_put_json(out, &r->refused.v[i], GS_CHANGE_JSON_COMMIT);
		}
		gs_buf_puts(out, "\n  ]");
	}
	gs_buf_puts(out, "}\n");
}

void gs_problem_json(gs_buf *out, const char *path, unsigned line, unsigned column,
		     const char *code, const char *message)
{
	gs_buf_puts(out, "{\"path\": ");
	if (path && *path)
		gs_buf_put_json_string(out, path);
	else
		gs_buf_puts(out, "null");
	/* a column is only known with its line */
	if (line)
		gs_buf_printf(out, ", \"line\": %u, \"column\": ", line);
	else
		gs_buf_puts(out, ", \"line\": null, \"column\": ");
	if (line && column)
		gs_buf_printf(out, "%u", column);
	else
		gs_buf_puts(out, "null");
	gs_buf_puts(out, ", \"code\": ");
	gs_buf_put_json_string(out, code);
	gs_buf_puts(out, ", \"message\": ");
	gs_buf_put_json_string(out, message);
	gs_buf_putc(out, '}');
}

void gs_check_report_errors_json(gs_buf *out, const gs_check_report *r)
{
	size_t i;

	gs_buf_putc(out, '[');
	for (i = 0; i < r->errors_nr; i++) {
		const gs_check_error *e = &r->errors[i];

		gs_buf_puts(out, i ? ",\n    " : "\n    ");
		gs_problem_json(out, e->path, e->line, e->column, gs_problem_name(e->code), e->message);
	}
	gs_buf_puts(out, r->errors_nr ? "\n  ]" : "]");
}

const char *gs_problem_name(gs_problem_code code)
{
	switch (code) {
	case GS_PROBLEM_SPEC: return "spec";
	case GS_PROBLEM_REGISTRY: return "registry";
	case GS_PROBLEM_REGISTRY_LINK: return "registry-link";
	case GS_PROBLEM_UNSAFE_PATH: return "unsafe-path";
	case GS_PROBLEM_PACKAGE: return "package";
	case GS_PROBLEM_SOURCE: return "source";
	case GS_PROBLEM_UNCOVERED: return "uncovered";
	case GS_PROBLEM_CONFIG: return "config";
	case GS_PROBLEM_ARGUMENT: return "argument";
	}
	return "unknown";
}
