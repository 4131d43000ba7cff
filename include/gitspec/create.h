#ifndef GITSPEC_CREATE_H
#define GITSPEC_CREATE_H

/*
 * Creating a spec for one package with its contracts (DESIGN.md 3.1,
 * `git spec create`). Two steps: gs_spec_draft_make computes and checks
 * everything (the spec text, every contract, every target path) without
 * writing; gs_spec_draft_write then writes the files. An error in the
 * first step leaves the work tree untouched.
 */

#include "buf.h"
#include "packages.h"
#include "render.h"
#include "spec.h"
#include "workspace.h"

typedef enum gs_draft_refusal {
	GS_DRAFT_OK = 0,
	GS_DRAFT_NOT_PACKAGE,    /* the path is not a package (see `near`) */
	GS_DRAFT_COVERED,        /* a spec covers it already (see `covering`) */
	GS_DRAFT_NOT_LEAF,       /* it contains packages (see `children`) */
	GS_DRAFT_SPEC_LINK,      /* the spec would be written through a link */
	GS_DRAFT_CONTRACT_LINK,  /* a contract would be written through a link */
	GS_DRAFT_EXISTS,         /* the spec file exists already */
	GS_DRAFT_UNSAFE          /* an unsafe spec or contract path */
} gs_draft_refusal;

typedef struct gs_spec_draft {
	char *id;                /* SPEC-NNN */
	gs_buf path;             /* the spec file, repository-relative */
	gs_buf text;             /* the spec file's content */
	gs_spec *spec;           /* the spec, as parsed back from `text` */
	const gs_package *pkg;   /* the package covered (in the workspace) */
	gs_buf contracts[GS_VARIANT_COUNT]; /* by variant, as in spec->sources[0] */

	/* Why gs_spec_draft_make refused, for the caller's advice. */
	gs_draft_refusal refusal;
	const gs_package *near;  /* GS_DRAFT_NOT_PACKAGE: a package nearby, or NULL */
	const gs_spec *covering; /* GS_DRAFT_COVERED */
	gs_buf children;         /* GS_DRAFT_NOT_LEAF: "a, b, ..." */
} gs_spec_draft;

void gs_spec_draft_init(gs_spec_draft *d);
void gs_spec_draft_release(gs_spec_draft *d);

/*
 * Today as YYYY-MM-DD in UTC; SOURCE_DATE_EPOCH (the reproducible-builds
 * convention) fixes it.
 */
void gs_spec_date_today(gs_buf *out);

/*
 * Draft the spec for the package at the repository path `pkg_path` of the
 * loaded work-tree workspace `ws` (name: may be NULL; date: YYYY-MM-DD,
 * NULL for today). A non-leaf package only with `force_parent`. Returns 0,
 * or GS_EINPUT / GS_ECHECK with d->refusal saying why.
 */
int gs_spec_draft_make(gs_spec_draft *d, gs_workspace *ws, const char *pkg_path,
		       const char *name, const char *date, int force_parent);

/*
 * The same with the id `id` (NULL: the next free one of the registry), for
 * several drafts in one run and for ids no branch uses (specid.h).
 */
int gs_spec_draft_make_as(gs_spec_draft *d, gs_workspace *ws, const char *pkg_path,
			  const char *id, const char *name, const char *date, int force_parent);

/* Write the drafted spec and contracts into the work tree. */
int gs_spec_draft_write(const gs_spec_draft *d, const gs_workspace *ws);

/*
 * Write several drafts, all or nothing: on an error, the files this call
 * created (and directories left empty by their removal) are removed again.
 */
int gs_spec_drafts_write(gs_spec_draft *const *drafts, size_t nr, const gs_workspace *ws);

#endif
