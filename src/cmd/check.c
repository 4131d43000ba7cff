/*
 * git spec check [--staged | --rev REV | --range A..B] [--json] [--diff]:
 * whether every contract is fresh, writing nothing; under each stale
 * contract, the API changes of its package (git spec diff's lines), and
 * with --diff the unified diff of the contract itself. Exit 1 for stale contracts or
 * an invalid registry, 3 for bad input (a spec that does not parse, an
 * unsafe contract path, a syntax error), which wins over 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/plan.h"
#include "gitspec/apidiff.h"
#include "gitspec/revwalk.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const check_usage[] = {
	"git spec check [--staged | --rev <rev> | --range <a>..<b>] [--json | --format=github] [--diff] [-q]",
	NULL
};

struct check_result {
	gs_strvec stale_text;   /* one entry per stale contract (with the API
				 * changes of its package on the following lines) */
	gs_buf patches;         /* --diff: unified diffs of the stale contracts */
	gs_buf github;          /* --format=github: the stale contracts and their changes */
	gs_buf stale_json;      /* the members of "stale" */
	gs_strvec errors;       /* messages, unique */
	size_t stale_nr, fresh_nr;
	size_t format1_nr;      /* of stale_nr: in contract format 1, said once */
	int bad_input;          /* an error that is bad input (exit 3) */
	int invalid;            /* the registry is invalid (exit 1) */
};

static void check_result_init(struct check_result *r)
{
	memset(r, 0, sizeof(*r));
	gs_strvec_init(&r->stale_text);
	gs_strvec_init(&r->errors);
	gs_buf_init(&r->stale_json, 0);
	gs_buf_init(&r->patches, 0);
	gs_buf_init(&r->github, 0);
}

static void check_result_release(struct check_result *r)
{
	gs_strvec_clear(&r->stale_text);
	gs_strvec_clear(&r->errors);
	gs_buf_release(&r->stale_json);
	gs_buf_release(&r->patches);
	gs_buf_release(&r->github);
}

static int check_result_failed(const struct check_result *r)
{
	return r->stale_nr || r->errors.nr || r->invalid || r->bad_input;
}

static void add_error(struct check_result *r, const char *msg)
{
	if (!gs_strvec_contains(&r->errors, msg))
		gs_strvec_push(&r->errors, msg);
}

/* Whether one of `problems` names the package identifier `package`. */
static int problem_names(const gs_strvec *problems, const char *package)
{
	gs_buf quoted = GS_BUF_INIT;
	size_t i;
	int found = 0;

	gs_buf_printf(&quoted, "'%s'", package);
	for (i = 0; !found && i < problems->nr; i++)
		found = strstr(problems->v[i], quoted.ptr) != NULL;
	gs_buf_release(&quoted);
	return found;
}

static void add_spec_error(struct check_result *r, const char *spec_path, const char *msg)
{
	gs_buf line = GS_BUF_INIT;

	gs_buf_printf(&line, "%s: %s", spec_path, msg);
	add_error(r, line.ptr);
	gs_buf_release(&line);
}

/*
 * The path an error message is about: the text before its first ": ",
 * without a trailing ":LINE:COLUMN".
 */
static void error_path(gs_buf *out, const char *msg)
{
	const char *sep = strstr(msg, ": ");
	size_t len = sep ? (size_t)(sep - msg) : strlen(msg);
	int round;

	gs_buf_set(out, msg, len);
	for (round = 0; round < 2; round++) {
		size_t n = out->size;

		while (n > 0 && isdigit((unsigned char)out->ptr[n - 1]))
			n--;
		if (n == out->size || n == 0 || out->ptr[n - 1] != ':')
			break;
		gs_buf_setlen(out, n - 1);
	}
}

/* What to show beyond the stale lines: the state to compare with, and --diff. */
struct check_detail {
	int has_base;           /* show the API changes since `base` */
	const git_tree *base;   /* NULL with has_base: the empty tree */
	int patch;              /* --diff */
	int github;             /* --format=github */
};

/* The API changes of the spec-covered packages from `d->base` to ctx->src. */
static int api_changes(gs_change_list *out, struct cmd_ctx *ctx, const struct check_detail *d)
{
	gs_apidiff_side base, cur;
	int error;

	memset(&cur, 0, sizeof(cur));
	cur.src = ctx->src;
	cur.cfg = &ctx->cfg;
	cur.pkgs = &ctx->pkgs;
	cur.reg = ctx->reg;
	cur.eng = ctx->eng;
	if ((error = gs_apidiff_side_open_tree(&base, ctx->repo, d->base, ctx->cache)) < 0)
		return error;
	error = gs_apidiff_sides(out, &base, &cur, NULL);
	gs_apidiff_side_release(&base);
	return error;
}

/* Append the unified diff of a contract: what the source holds, what it should. */
static int contract_patch(gs_buf *out, struct cmd_ctx *ctx, const gs_plan_item *it)
{
	const gs_source_entry *e = gs_source_lookup(ctx->src, it->path);
	gs_buf old = GS_BUF_INIT, path = GS_BUF_INIT;
	git_patch *patch = NULL;
	git_buf text = GIT_BUF_INIT;
	git_diff_options opts;
	int error = 0;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (e && GS_MODE_IS_REGULAR(e->mode) && (error = gs_source_read(&old, ctx->src, e)) < 0)
		goto done;
	gs_buf_printf(&path, "%s", it->path);
	if (git_patch_from_buffers(&patch, e ? old.ptr : NULL, old.size, path.ptr,
				   it->content.ptr, it->content.size, path.ptr, &opts) < 0 ||
	    git_patch_to_buf(&text, patch) < 0) {
		error = gs_error_set_git("cannot compute the diff of a contract");
		goto done;
	}
	gs_buf_put(out, text.ptr, text.size);
done:
	git_buf_dispose(&text);
	git_patch_free(patch);
	gs_buf_release(&old);
	gs_buf_release(&path);
	return error;
}

static int check_source(struct check_result *r, struct cmd_ctx *ctx, const char *fix,
			const struct check_detail *detail)
{
	gs_change_list changes = GS_CHANGE_LIST_INIT;
	gs_buf entry = GS_BUF_INIT;
	const char *shown = NULL;
	int changes_loaded = 0;
	gs_strvec problems = GS_STRVEC_INIT, unsafe = GS_STRVEC_INIT;
	gs_plan plan = GS_PLAN_INIT;
	size_t i;
	int error;

	for (i = 0; i < ctx->reg->errors.nr; i++) {
		add_error(r, ctx->reg->errors.v[i]);
		r->bad_input = 1;
	}
	if (gs_registry_validate(ctx->reg, ctx->src, &ctx->pkgs, &problems)) {
		for (i = 0; i < problems.nr; i++)
			add_error(r, problems.v[i]);
		r->invalid = 1;
	}
	/* An unsafe contract path is bad input, whoever reports it. */
	if (cmd_ctx_unsafe_contracts(&unsafe, ctx, NULL, 0)) {
		for (i = 0; i < unsafe.nr; i++)
			if (!cmd_ctx_problem_reported(&problems, unsafe.v[i]))
				add_error(r, unsafe.v[i]);
		r->bad_input = 1;
	}
	if ((error = gs_plan_build(&plan, ctx->eng, ctx->src, ctx->reg, &ctx->pkgs, NULL)) < 0)
		goto done;
	for (i = 0; i < plan.nr; i++) {
		const gs_plan_item *it = &plan.items[i];
		const char *variant = gs_variant_name(it->variant->variant);

		/*
		 * A package that no longer exists (moved, deleted) makes the
		 * registry invalid, which gs_registry_validate already reported
		 * with the spec's path: exit 1, not bad input.
		 */
		if (it->error && it->no_package) {
			r->invalid = 1;
			if (!problem_names(&problems, it->package))
				add_spec_error(r, it->spec->path, it->error);
			continue;
		}
		if (it->error) {
			add_error(r, it->error);
			r->bad_input = 1;
			continue;
		}
		if (it->fresh) {
			r->fresh_nr++;
			continue;
		}
		if (it->old_format) {
			/* said once for all of them (gs_plan_format1_message) */
			r->format1_nr++;
		} else {
			gs_buf_clear(&entry);
			gs_buf_printf(&entry, "%s contract '%s' of package '%s' (%s) is %s",
				      variant, it->path, it->package, it->spec->id,
				      it->missing ? "missing" : "stale");
			/* What changed in the package's API, once per package. */
			if (detail && detail->has_base && (!shown || strcmp(shown, it->package))) {
				size_t k;

				if (!changes_loaded) {
					if ((error = api_changes(&changes, ctx, detail)) < 0)
						goto done;
					changes_loaded = 1;
				}
				if (detail->github) {
					gs_buf_puts(&r->github, "::error file=");
					gs_github_put(&r->github, it->path, 1);
					gs_buf_puts(&r->github, ",line=1,title=Stale contract::");
					gs_github_put(&r->github, entry.ptr, 0);
					gs_buf_printf(&r->github, "; run '%s'\n", fix);
				}
				for (k = 0; k < changes.nr; k++) {
					gs_change_list one;

					if (strcmp(changes.v[k].package, it->package))
						continue;
					gs_buf_puts(&entry, "\n  ");
					gs_change_format_line(&entry, &changes.v[k]);
					if (detail->github) {
						one.v = &changes.v[k];
						one.nr = one.alloc = 1;
						gs_change_list_format_github(&r->github, &one);
					}
				}
				shown = it->package;
			} else if (detail && detail->github) {
				gs_buf_puts(&r->github, "::error file=");
				gs_github_put(&r->github, it->path, 1);
				gs_buf_puts(&r->github, ",line=1,title=Stale contract::");
				gs_github_put(&r->github, entry.ptr, 0);
				gs_buf_printf(&r->github, "; run '%s'\n", fix);
			}
			gs_strvec_push(&r->stale_text, entry.ptr);
			if (detail && detail->patch && (error = contract_patch(&r->patches, ctx, it)) < 0)
				goto done;
		}
		gs_buf_puts(&r->stale_json, r->stale_nr ? ",\n    {\"spec\": " : "\n    {\"spec\": ");
		gs_buf_put_json_string(&r->stale_json, it->spec->id);
		gs_buf_puts(&r->stale_json, ", \"package\": ");
		gs_buf_put_json_string(&r->stale_json, it->package);
		gs_buf_puts(&r->stale_json, ", \"variant\": ");
		gs_buf_put_json_string(&r->stale_json, variant);
		gs_buf_puts(&r->stale_json, ", \"path\": ");
		gs_buf_put_json_string(&r->stale_json, it->path);
		gs_buf_puts(&r->stale_json, ", \"fix\": ");
		gs_buf_put_json_string(&r->stale_json, fix);
		gs_buf_printf(&r->stale_json, ", \"missing\": %s}", it->missing ? "true" : "false");
		r->stale_nr++;
	}

done:
	gs_change_list_clear(&changes);
	gs_buf_release(&entry);
	gs_plan_clear(&plan);
	gs_strvec_clear(&problems);
	gs_strvec_clear(&unsafe);
	return error;
}

static void print_json(const struct check_result *r, const char *commit, int range,
		       const gs_change_list *refused)
{
	gs_buf out = GS_BUF_INIT, path = GS_BUF_INIT;
	size_t i;

	gs_buf_printf(&out, "{\"fresh\": %s", check_result_failed(r) ? "false" : "true");
	if (range) {
		gs_buf_puts(&out, ", \"commit\": ");
		cmd_json_string_or_null(&out, commit);
	}
	gs_buf_puts(&out, ", \"stale\": [");
	gs_buf_put(&out, r->stale_json.ptr, r->stale_json.size);
	gs_buf_puts(&out, r->stale_nr ? "\n  ], \"errors\": [" : "], \"errors\": [");
	for (i = 0; i < r->errors.nr; i++) {
		error_path(&path, r->errors.v[i]);
		gs_buf_puts(&out, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
		gs_buf_put_json_string(&out, path.ptr);
		gs_buf_puts(&out, ", \"message\": ");
		gs_buf_put_json_string(&out, r->errors.v[i]);
		gs_buf_putc(&out, '}');
	}
	gs_buf_puts(&out, r->errors.nr ? "\n  ]" : "]");
	if (refused) {
		/* the changes spec.breakingChanges = refuse refuses, as git spec diff --json lists them */
		gs_buf_puts(&out, ", \"refused\": [");
		for (i = 0; i < refused->nr; i++) {
			const gs_change *c = &refused->v[i];

			gs_buf_puts(&out, i ? ",\n    {\"commit\": " : "\n    {\"commit\": ");
			gs_buf_put_json_string(&out, c->commit);
			gs_buf_puts(&out, ", \"module\": ");
			gs_buf_put_json_string(&out, c->module);
			gs_buf_puts(&out, ", \"package\": ");
			gs_buf_put_json_string(&out, c->package);
			gs_buf_puts(&out, ", \"path\": ");
			gs_buf_put_json_string(&out, c->path);
			gs_buf_printf(&out, ", \"line\": %zu, \"object\": ", c->line);
			gs_buf_put_json_string(&out, c->object);
			gs_buf_puts(&out, ", \"kind\": ");
			gs_buf_put_json_string(&out, gs_change_kind_name(c->kind));
			gs_buf_puts(&out, ", \"message\": ");
			gs_buf_put_json_string(&out, gs_change_kind_message(c->kind));
			gs_buf_putc(&out, '}');
		}
		gs_buf_puts(&out, refused->nr ? "\n  ]" : "]");
	}
	gs_buf_puts(&out, "}\n");
	cmd_write_stdout(&out);
	gs_buf_release(&out);
	gs_buf_release(&path);
}

static int result_status(const struct check_result *r, const char *where, const char *fix)
{
	if (r->bad_input)
		return gs_error_set(GS_EINPUT, "%s: the contracts cannot be checked", where);
	if (r->stale_nr) {
		cmd_set_hint("run '%s' to regenerate them", fix);
		return gs_error_set(GS_ECHECK, "%s: %zu contract%s stale", where, r->stale_nr,
				    r->stale_nr == 1 ? " is" : "s are");
	}
	if (r->invalid || r->errors.nr) {
		cmd_set_hint("'git spec validate' lists the problems");
		return gs_error_set(GS_ECHECK, "%s: the registry is invalid", where);
	}
	return 0;
}

/* --format=github: workflow commands, so that CI shows them on the files. */
static void print_github(const struct check_result *r)
{
	gs_buf out = GS_BUF_INIT, path = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < r->errors.nr; i++) {
		error_path(&path, r->errors.v[i]);
		gs_buf_puts(&out, "::error file=");
		gs_github_put(&out, path.ptr, 1);
		gs_buf_puts(&out, "::");
		gs_github_put(&out, r->errors.v[i], 0);
		gs_buf_putc(&out, '\n');
	}
	gs_buf_put(&out, r->github.ptr, r->github.size);
	if (r->format1_nr) {
		gs_buf msg = GS_BUF_INIT;

		gs_plan_format1_message(&msg, r->format1_nr);
		gs_buf_puts(&out, "::error title=Stale contracts::");
		gs_github_put(&out, msg.ptr, 0);
		gs_buf_putc(&out, '\n');
		gs_buf_release(&msg);
	}
	cmd_write_stdout(&out);
	gs_buf_release(&out);
	gs_buf_release(&path);
}

static void print_text(const struct check_result *r)
{
	size_t i;

	for (i = 0; i < r->errors.nr; i++)
		fprintf(stderr, "error: %s\n", r->errors.v[i]);
	for (i = 0; i < r->stale_text.nr; i++)
		fprintf(stderr, "stale: %s\n", r->stale_text.v[i]);
	if (r->format1_nr) {
		gs_buf msg = GS_BUF_INIT;

		gs_plan_format1_message(&msg, r->format1_nr);
		fprintf(stderr, "stale: %s\n", msg.ptr);
		gs_buf_release(&msg);
	}
	if (r->patches.size) {
		fflush(stderr);
		cmd_write_stdout(&r->patches);
	}
}

/*
 * The changes the breaking-change policy refuses, per commit and module:
 * "error: commit C (SUMMARY) breaks the API of MODULE; ..." then its lines.
 */
static void print_refused(const gs_change_list *refused)
{
	gs_buf line = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < refused->nr; i++) {
		const gs_change *c = &refused->v[i];

		if (!i || strcmp(c->commit, refused->v[i - 1].commit) ||
		    strcmp(c->module, refused->v[i - 1].module))
			fprintf(stderr, "error: commit %.12s breaks the API of '%s' without a trailer "
				"'API-Break: %s':\n", c->commit, c->module, c->module);
		gs_buf_clear(&line);
		gs_change_format_line(&line, c);
		fprintf(stderr, "  %s\n", line.ptr);
	}
	gs_buf_release(&line);
}

/*
 * The fix for a stale commit, runnable where the user stands: HEAD is
 * amended; an older commit is rewritten from there on (as the pre-push
 * hook says).
 */
static void rev_fix(gs_buf *out, git_repository *repo, const git_oid *oid)
{
	git_oid head;
	char hex[GIT_OID_HEXSZ + 1];

	gs_buf_clear(out);
	if (!git_reference_name_to_id(&head, repo, "HEAD") && git_oid_equal(&head, oid)) {
		gs_buf_puts(out, "git spec sync --staged && git commit --amend --no-edit");
		return;
	}
	gs_error_clear();
	git_oid_tostr(hex, 13, oid);
	gs_buf_printf(out, "git rebase --exec 'git spec sync --staged && git commit -q --amend "
		      "--no-edit --no-verify' %s~1", hex);
}

/* Check every commit of A..B, oldest first, stopping at the first failure. */
static int check_range(struct cmd_ctx *ctx, const char *range, int json, int patch, int github)
{
	git_revspec spec;
	git_object *to = NULL, *from = NULL;
	git_oid oid, *oids = NULL;
	struct check_result r;
	char hex[GIT_OID_HEXSZ + 1] = "";
	gs_buf where = GS_BUF_INIT, fixbuf = GS_BUF_INIT;
	size_t commits = 0, oids_nr = 0, i;
	int error = 0, found = 0;
	const char *fix = "git spec sync --staged";
	gs_change_list refused = GS_CHANGE_LIST_INIT;

	check_result_init(&r);
	memset(&spec, 0, sizeof(spec));
	if (git_revparse(&spec, ctx->repo, range) < 0) {
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
	if ((error = gs_revwalk_list(&oids, &oids_nr, ctx->repo, git_object_id(to), 1,
				     from ? git_object_id(from) : NULL, from ? 1 : 0)) < 0)
		goto done;
	for (i = 0; !found && i < oids_nr; i++) {
		git_commit *commit = NULL;
		git_tree *tree = NULL;

		git_oid_cpy(&oid, &oids[i]);
		if (git_commit_lookup(&commit, ctx->repo, &oid) < 0 ||
		    git_commit_tree(&tree, commit) < 0) {
			git_commit_free(commit);
			error = gs_error_set_git("cannot read a commit of the range");
			goto done;
		}
		cmd_ctx_unload(ctx);
		check_result_release(&r);
		check_result_init(&r);
		error = cmd_ctx_load_tree(ctx, tree);
		if (!error) {
			/* What this commit changed: against its first parent. */
			struct check_detail detail = { !json, NULL, patch, github };
			git_commit *parent = NULL;
			git_tree *ptree = NULL;

			/* a shallow commit's parent is missing: nothing to compare with */
			if (git_commit_parentcount(commit) &&
			    (git_commit_parent(&parent, commit, 0) < 0 ||
			     git_commit_tree(&ptree, parent) < 0)) {
				git_error_clear();
				detail.has_base = 0;
			}
			detail.base = ptree;
			if (!error)
				error = check_source(&r, ctx, fix, &detail);
			git_tree_free(ptree);
			git_commit_free(parent);
		}
		commits++;
		if (!error && check_result_failed(&r)) {
			found = 1;
			git_oid_tostr(hex, sizeof(hex), &oid);
			gs_buf_printf(&where, "commit %.12s (%s)", hex, git_commit_summary(commit));
			rev_fix(&fixbuf, ctx->repo, &oid);
			fix = fixbuf.ptr;
		}
		git_tree_free(tree);
		git_commit_free(commit);
		if (error < 0)
			goto done;
	}
	/* spec.breakingChanges = refuse, as the newest commit configures it */
	if (!found && ctx->cfg_loaded && ctx->cfg.refuse_breaking &&
	    (error = gs_apidiff_refused_in_range(&refused, ctx->repo,
						 from ? git_object_id(from) : NULL,
						 git_object_id(to), ctx->cache)) < 0)
		goto done;
	if (json)
		print_json(&r, found ? hex : NULL, 1, refused.nr ? &refused : NULL);
	else if (github)
		print_github(&r);
	else
		print_text(&r);
	if (github && refused.nr) {
		gs_buf out = GS_BUF_INIT;

		gs_change_list_format_github(&out, &refused);
		cmd_write_stdout(&out);
		gs_buf_release(&out);
	}
	if (found) {
		error = result_status(&r, where.ptr, fix);
	} else if (refused.nr) {
		if (!json && !github)
			print_refused(&refused);
		cmd_set_hint("add the trailer to the commit that makes the change (git rebase -i, "
			     "then 'reword'), or 'API-Break: *' for every package");
		error = gs_error_set(GS_ECHECK, "%s: %zu breaking change%s without an API-Break trailer "
				     "(spec.breakingChanges = refuse)", range, refused.nr,
				     refused.nr == 1 ? "" : "s");
	} else if (!cmd_quiet && !json) {
		printf("%zu commit%s checked: every contract is fresh\n", commits, commits == 1 ? "" : "s");
	}

done:
	check_result_release(&r);
	gs_change_list_clear(&refused);
	gs_buf_release(&where);
	gs_buf_release(&fixbuf);
	free(oids);
	git_object_free(to);
	git_object_free(from);
	git_object_free(spec.from);
	git_object_free(spec.to);
	return error;
}

/* Whether `s` (length `len`) is git's null object id, as hooks receive it. */
static int is_null_id(const char *s, size_t len)
{
	size_t i;

	if (len < 4 || len > GIT_OID_HEXSZ)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

/*
 * A range taken from a hook's "<old> <new>" line: `0000…..NEW` (a new
 * branch) has no base, so the whole of NEW's tree is checked, as `--rev`
 * does (checking every commit down to the root would walk the whole
 * history); `OLD..0000…` (a deletion) brings nothing to check. Sets *rev
 * (owned by `keep`) or *nothing; returns 0, or nonzero when `range` has
 * no null side.
 */
static int null_range(const char *range, gs_buf *keep, const char **rev, int *nothing)
{
	const char *dots = strstr(range, "..");

	if (!dots || dots[2] == '.')
		return -1;
	if (is_null_id(dots + 2, strlen(dots + 2))) {
		*nothing = 1;
		return 0;
	}
	if (!is_null_id(range, (size_t)(dots - range)) || !dots[2])
		return -1;
	gs_buf_sets(keep, dots + 2);
	*rev = keep->ptr;
	return 0;
}

/* The tree the API changes are shown against: HEAD's, or REV's first parent's. */
static int check_base(git_tree **out, struct cmd_ctx *ctx, const char *rev)
{
	git_object *obj = NULL;
	git_commit *commit = NULL, *parent = NULL;
	int error = 0;

	*out = NULL;
	if (!rev && git_repository_head_unborn(ctx->repo) == 1)
		return 0;
	if (git_revparse_single(&obj, ctx->repo, rev ? rev : "HEAD") < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		/* a tree, not a commit: no history to compare with */
		git_error_clear();
		goto done;
	}
	if (!rev) {
		if (git_commit_tree(out, commit) < 0)
			error = gs_error_set_git("cannot read HEAD");
	} else if (git_commit_parentcount(commit) &&
		   (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(out, parent) < 0)) {
		error = gs_error_set_git("cannot read the parent commit");
	}
done:
	git_commit_free(parent);
	git_commit_free(commit);
	git_object_free(obj);
	return error;
}

int cmd_check(int argc, const char **argv)
{
	int staged = 0, json = 0, error = 0, nothing = 0, patch = 0;
	const char *rev = NULL, *range = NULL, *fix;
	gs_buf null_rev = GS_BUF_INIT;
	struct check_detail detail = { 0, NULL, 0, 0 };
	const char *format = NULL;
	int github = 0;
	git_tree *base = NULL;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "staged", &staged, "check the index"),
		CMD_OPT_STRING_(0, "rev", &rev, "rev", "check a commit"),
		CMD_OPT_STRING_(0, "range", &range, "a..b", "check every commit of a range"),
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_BOOL_(0, "diff", &patch, "print the unified diff of each stale contract"),
		CMD_OPT_STRING_(0, "format", &format, "fmt", "text (default), json or github"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print only errors"),
		CMD_OPT_END_()
	};
	struct cmd_ctx ctx;
	struct check_result r;
	gs_buf fixbuf = GS_BUF_INIT;

	argc = cmd_parse_options(argc, argv, opts, check_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, check_usage, "unexpected argument '%s'", argv[0]);
	if (staged + !!rev + !!range > 1)
		return cmd_usage_error(opts, check_usage, "--staged, --rev and --range are mutually exclusive");
	if (format && !strcmp(format, "json"))
		json = 1;
	else if (format && !strcmp(format, "github"))
		github = 1;
	else if (format && strcmp(format, "text"))
		return cmd_usage_error(opts, check_usage, "unknown format '%s' (text, json or github)", format);
	if (json && github)
		return cmd_usage_error(opts, check_usage, "--json and --format=github cannot be used together");

	check_result_init(&r);
	cmd_ctx_init(&ctx);
	if ((error = cmd_ctx_open_repo(&ctx)) < 0)
		goto done;
	if (range && !null_range(range, &null_rev, &rev, &nothing)) {
		if (nothing) {
			if (json)
				printf("{\"fresh\": true, \"stale\": [], \"errors\": []}\n");
			else if (!cmd_quiet)
				printf("nothing to check: '%s' ends at the null id (a deletion)\n", range);
			goto done;
		}
		if (!cmd_quiet)
			fprintf(stderr, "note: '%s' starts at the null id (a new branch): checking "
				"every contract of %s, not each commit; `git-spec-hook pre-receive` "
				"checks each commit no existing ref contains\n", range, rev);
		range = NULL;
	}
	if (range) {
		error = check_range(&ctx, range, json, patch, github);
		goto done;
	}
	if ((error = cmd_ctx_load(&ctx, staged ? CMD_SOURCE_INDEX : rev ? CMD_SOURCE_REV
				  : CMD_SOURCE_WORKTREE, rev)) < 0) {
		/* Bad input (a bad .gitspec.yaml) is still an answer in JSON. */
		if (json && error == GS_EINPUT) {
			add_error(&r, gs_error_last());
			r.bad_input = 1;
			print_json(&r, NULL, 0, NULL);
		}
		goto done;
	}
	fix = staged ? "git spec sync --staged" : "git spec sync";
	if (rev) {
		git_object *obj = NULL;

		fix = "git spec sync --staged";
		if (!git_revparse_single(&obj, ctx.repo, rev)) {
			git_object *commit = NULL;

			if (!git_object_peel(&commit, obj, GIT_OBJECT_COMMIT)) {
				rev_fix(&fixbuf, ctx.repo, git_object_id(commit));
				fix = fixbuf.ptr;
			}
			git_object_free(commit);
		}
		git_object_free(obj);
		gs_error_clear();
	}
	/*
	 * Under each stale contract, what changed in its package's API: the
	 * work tree and the index against HEAD, a commit against its first
	 * parent (the empty tree when there is none).
	 */
	if (!json) {
		if ((error = check_base(&base, &ctx, rev)) < 0)
			goto done;
		detail.has_base = 1;
		detail.base = base;
	}
	detail.patch = patch && !json;
	detail.github = github;
	if ((error = check_source(&r, &ctx, fix, &detail)) < 0)
		goto done;
	if (json)
		print_json(&r, NULL, 0, NULL);
	else if (github)
		print_github(&r);
	else
		print_text(&r);
	error = result_status(&r, gs_source_describe(ctx.src), fix);
	if (!error && !cmd_quiet && !json && !github)
		printf("%zu contract%s fresh in %s\n", r.fresh_nr, r.fresh_nr == 1 ? " is" : "s are",
		       gs_source_describe(ctx.src));

done:
	check_result_release(&r);
	git_tree_free(base);
	cmd_ctx_release(&ctx);
	gs_buf_release(&null_rev);
	gs_buf_release(&fixbuf);
	/* With --json a failed check is the answer on stdout, not prose on stderr. */
	if (json && error == GS_ECHECK) {
		gs_error_clear();
		cmd_report(0);
		return GS_EXIT_CHECK;
	}
	return cmd_report(error);
}
