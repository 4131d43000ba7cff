#ifndef GITSPEC_ENGINE_H
#define GITSPEC_ENGINE_H

/*
 * The contract engine: from a source, a package and a variant to the
 * rendered contract, with the models of files cached by blob id and files
 * extracted on both cores.
 */

#include <stddef.h>
#include <pthread.h>
#include <git2.h>
#include "buf.h"
#include "config.h"
#include "source.h"
#include "packages.h"
#include "contract.h"
#include "model.h"
#include "cache.h"

typedef struct gs_engine gs_engine;

/* `cache` may be NULL; it is borrowed. */
int gs_engine_new(gs_engine **out, const gs_config *cfg, gs_cache *cache);
void gs_engine_free(gs_engine *eng);
/*
 * The models extracted so far are not needed any more (a command has
 * rendered what it needed): free them on a thread of their own, while the
 * caller goes on. Every later call on the engine waits for it first, and
 * extracts a model again if it needs one. Accepts NULL.
 */
void gs_engine_drop_models(gs_engine *eng);

/*
 * Extract (or fetch from cache) the models of many entries of `src` at once,
 * on several threads; later gs_engine_module calls for them are free.
 * Errors are reported by gs_engine_module.
 */
int gs_engine_prefetch(gs_engine *eng, gs_source *src, const gs_source_entry **entries, size_t nr);
/* The model of one entry; owned by the engine. GS_EINPUT on a syntax error. */
int gs_engine_module(const gs_module **out, gs_engine *eng, gs_source *src,
		     const gs_source_entry *entry);
/* How many threads the engine works on (GIT_SPEC_THREADS, default 2). */
int gs_engine_threads(const gs_engine *eng);

typedef enum gs_format { GS_FORMAT_MARKDOWN, GS_FORMAT_JSON } gs_format;

/*
 * Render the contract of `pkg` (its own files, or with `rollup` every file
 * below it) for `variant` from `src`. GS_EINPUT when a selected file (or the
 * package's marker file) has a syntax error: the message names it.
 */
int gs_engine_contract(gs_buf *out, gs_engine *eng, gs_source *src,
		       const gs_package_list *pkgs, const gs_package *pkg,
		       const char *module, int rollup, gs_variant variant, gs_format format);
/*
 * gs_engine_contract from several threads at once, after the models it
 * reads were prefetched (gs_engine_prefetch): it reads the engine and
 * never changes it, and uses the cache only under `lock`, which every
 * caller passes. Nothing else may use the engine or the cache meanwhile.
 * The same bytes and errors (in the calling thread's error state) as
 * gs_engine_contract, or 1 when a model it needs is not in the engine:
 * then nothing was rendered, and gs_engine_contract (on one thread) does it.
 * Not while models are being dropped: gs_engine_prefetch waits for that.
 */
int gs_engine_contract_shared(gs_buf *out, gs_engine *eng, gs_source *src,
			      const gs_package_list *pkgs, const gs_package *pkg,
			      const char *module, int rollup, gs_variant variant, gs_format format,
			      pthread_mutex_t *lock);
/*
 * The same contract when the cache holds it (namespace "contract", keyed
 * by a hash of everything it is derived from: version, package, module,
 * variant, format and every input file's path and blob id), without
 * reading any model; GS_ENOTFOUND otherwise. gs_engine_contract looks
 * there first too and stores what it renders.
 */
int gs_engine_contract_lookup(gs_buf *out, gs_engine *eng, gs_source *src,
			      const gs_package_list *pkgs, const gs_package *pkg,
			      const char *module, int rollup, gs_variant variant, gs_format format);

#endif
