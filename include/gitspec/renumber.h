#ifndef GITSPEC_RENUMBER_H
#define GITSPEC_RENUMBER_H

/*
 * `git spec renumber OLD [NEW]` (issue 11 item 7): give a spec another id
 * when two branches picked the same one. The spec's directory
 * SPECS/OLD/ moves to SPECS/NEW/ with everything in it (its contracts are
 * relative to it, so their paths follow), its file OLD.md becomes NEW.md,
 * and the `id:` line of its front matter (and a `# OLD` heading opening
 * its body, as `create` writes one) says NEW; nothing else of the text
 * changes. Lines of the git-spec block of the top-level .gitattributes
 * that name a path below SPECS/OLD/ follow too. NEW must be free here and
 * on every local and remote-tracking branch (specid.h); without NEW, the
 * next free id. Like `create`, it writes the work tree only.
 */

#include "buf.h"
#include "strvec.h"
#include "workspace.h"

typedef struct gs_renumber {
	const gs_spec *spec;   /* the spec moved (in the workspace's registry) */
	char *new_id;
	gs_buf old_dir, new_dir;   /* repository paths of its directory */
	gs_buf old_file, new_file; /* the spec file before and after (repository paths) */
	gs_buf text;           /* its new text */
	int attributes;        /* whether .gitattributes changes */
	gs_buf attributes_text;
} gs_renumber;

typedef enum gs_renumber_refusal {
	GS_RENUMBER_OK = 0,
	GS_RENUMBER_NO_SPEC,     /* no spec has the old id */
	GS_RENUMBER_BAD_ID,      /* the new id is not one path component */
	GS_RENUMBER_TAKEN,       /* the new id is used here or on a branch */
	GS_RENUMBER_LAYOUT,      /* the spec is not SPECS/OLD/OLD.md, or its id line is not plain */
	GS_RENUMBER_LINK         /* the new directory would be reached through a link */
} gs_renumber_refusal;

void gs_renumber_init(gs_renumber *r);
void gs_renumber_release(gs_renumber *r);

/*
 * Plan the move in the loaded work-tree workspace `ws` (new_id NULL: the
 * next free id); writes nothing. GS_EINPUT (or GS_ECHECK for a taken id)
 * with *why set when it is refused.
 */
int gs_renumber_plan(gs_renumber *r, gs_renumber_refusal *why, gs_workspace *ws,
		     const char *old_id, const char *new_id);

/* Move the directory, write the new text; on an error, undo what was done. */
int gs_renumber_apply(const gs_renumber *r, const gs_workspace *ws);

#endif
