/*
 * git spec config [--json] [--staged | --rev REV]: the effective settings
 * and where each comes from (DESIGN.md 3.5), as `git config --show-origin
 * --list` prints them: "ORIGIN TAB spec.KEY=VALUE", one line per value of
 * a list. ORIGIN is "default", "file:.gitspec.yaml:LINE", "file:PATH" of a
 * git config file, or "command line:" (git -c, GIT_CONFIG_PARAMETERS,
 * GIT_CONFIG_COUNT).
 *
 * Also the program side of the configuration's warnings (unknown keys):
 * printed on standard error, or, with JSON output, kept for the JSON.
 */
#include <stdio.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/config.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const config_usage[] = {
	"git spec config [--json] [--staged | --rev <rev>]",
	NULL
};

/* ---- warnings ----------------------------------------------------------- */

typedef struct kept_warning {
	char *path, *code, *message;
	unsigned line, column;
} kept_warning;

static struct {
	kept_warning *v;
	size_t nr, alloc;
} kept;

static void print_warning(const gs_config_warning *w, void *payload)
{
	(void)payload;
	cmd_warning("%s", w->message);
}

static void keep_warning(const gs_config_warning *w, void *payload)
{
	kept_warning *k;

	(void)payload;
	GS_ALLOC_GROW(kept.v, kept.nr + 1, kept.alloc);
	k = &kept.v[kept.nr++];
	k->path = gs_xstrdup(w->path ? w->path : "");
	k->code = gs_xstrdup(w->code);
	k->message = gs_xstrdup(w->message);
	k->line = w->line;
	k->column = w->column;
}

static void free_kept(void)
{
	size_t i;

	for (i = 0; i < kept.nr; i++) {
		free(kept.v[i].path);
		free(kept.v[i].code);
		free(kept.v[i].message);
	}
	free(kept.v);
	kept.v = NULL;
	kept.nr = kept.alloc = 0;
	gs_config_warnings_reset();
}

/* Whether the command line asks for JSON output (--json, --format=json). */
static int wants_json(int argc, const char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "--format=json"))
			return 1;
		if (!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "json"))
			return 1;
	}
	return 0;
}

void cmd_config_warnings_setup(int argc, const char **argv)
{
	static int registered;

	/* With JSON, nothing but JSON on stdout and no prose on stderr. */
	gs_config_set_warning_fn(wants_json(argc, argv) ? keep_warning : print_warning, NULL);
	if (!registered && !atexit(free_kept))
		registered = 1;
}

void cmd_config_warnings_json(gs_buf *out)
{
	size_t i;

	gs_buf_putc(out, '[');
	for (i = 0; i < kept.nr; i++) {
		const kept_warning *k = &kept.v[i];

		gs_buf_puts(out, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
		cmd_json_string_or_null(out, *k->path ? k->path : NULL);
		if (k->line)
			gs_buf_printf(out, ", \"line\": %u", k->line);
		else
			gs_buf_puts(out, ", \"line\": null");
		if (k->column)
			gs_buf_printf(out, ", \"column\": %u", k->column);
		else
			gs_buf_puts(out, ", \"column\": null");
		gs_buf_puts(out, ", \"code\": ");
		gs_buf_put_json_string(out, k->code);
		gs_buf_puts(out, ", \"message\": ");
		gs_buf_put_json_string(out, k->message);
		gs_buf_putc(out, '}');
	}
	gs_buf_puts(out, kept.nr ? "\n  ]" : "]");
}

/* ---- the listing -------------------------------------------------------- */

/* An origin as shown: git's scope name, the file (or ""), the line (or 0). */
typedef struct shown_origin {
	const char *scope;
	gs_buf path;
	unsigned line;
} shown_origin;

static void show_origin(shown_origin *out, git_repository *repo, const gs_config_origin *o)
{
	out->scope = gs_config_scope_name(o->scope);
	gs_config_origin_path(&out->path, repo, o);
	out->line = o->line;
}

/*
 * Value `i` of list setting `s`: its own origin; roots read from a
 * pyproject.toml (none configured, DESIGN 3.5) name that file.
 */
static void show_item_origin(shown_origin *out, git_repository *repo, const gs_config *cfg, int s, size_t i)
{
	if (s == GS_CONFIG_ROOTS && cfg->roots_derived && i < cfg->roots_from.nr) {
		out->scope = "pyproject";
		gs_buf_sets(&out->path, cfg->roots_from.v[i]);
		out->line = 0;
		return;
	}
	show_origin(out, repo, i < cfg->origin[s].nr ? &cfg->origin[s].items[i] : &cfg->origin[s].whole);
}

/* git --show-origin's origin: "default", "file:PATH[:LINE]", "command line:". */
static void origin_text(gs_buf *out, const shown_origin *o, int quote_high)
{
	gs_buf_clear(out);
	if (!strcmp(o->scope, "default")) {
		gs_buf_puts(out, "default");
	} else if (!strcmp(o->scope, "command")) {
		gs_buf_puts(out, "command line:");
	} else {
		gs_buf_puts(out, "file:");
		cmd_quote_path(out, o->path.ptr, quote_high);
		if (o->line)
			gs_buf_printf(out, ":%u", o->line);
	}
}

static void origin_json(gs_buf *out, const shown_origin *o)
{
	gs_buf text = GS_BUF_INIT;

	origin_text(&text, o, 0);
	gs_buf_puts(out, "\"scope\": ");
	gs_buf_put_json_string(out, o->scope);
	gs_buf_puts(out, ", \"origin\": ");
	gs_buf_put_json_string(out, text.ptr);
	gs_buf_puts(out, ", \"path\": ");
	cmd_json_string_or_null(out, o->path.size ? o->path.ptr : NULL);
	if (o->line)
		gs_buf_printf(out, ", \"line\": %u", o->line);
	else
		gs_buf_puts(out, ", \"line\": null");
	gs_buf_release(&text);
}

static const gs_strvec *list_of(const gs_config *cfg, int s)
{
	return s == GS_CONFIG_ROOTS ? &cfg->roots : s == GS_CONFIG_IGNORE ? &cfg->ignore : &cfg->test_patterns;
}

static const char *scalar_value(const gs_config *cfg, int s)
{
	switch (s) {
	case GS_CONFIG_SPECS_DIR:
		return cfg->specs_dir;
	case GS_CONFIG_REQUIRE_SPECS:
		return cfg->require_specs ? "true" : "false";
	default:
		return cfg->refuse_breaking ? "refuse" : "allow";
	}
}

static void list_text(gs_buf *out, git_repository *repo, const gs_config *cfg, int quote_high)
{
	shown_origin o = { NULL, GS_BUF_INIT, 0 };
	gs_buf text = GS_BUF_INIT;
	int s;
	size_t i;

	for (s = 0; s < GS_CONFIG_SETTINGS_NR; s++) {
		const gs_config_setting_info *info = gs_config_setting(s);

		if (!info->list) {
			show_origin(&o, repo, &cfg->origin[s].whole);
			origin_text(&text, &o, quote_high);
			gs_buf_printf(out, "%s\t%s=%s\n", text.ptr, info->key, scalar_value(cfg, s));
			continue;
		}
		/* an empty list shows as one empty value, which is how git config clears one */
		if (!list_of(cfg, s)->nr) {
			show_origin(&o, repo, &cfg->origin[s].whole);
			origin_text(&text, &o, quote_high);
			gs_buf_printf(out, "%s\t%s=\n", text.ptr, info->key);
		}
		for (i = 0; i < list_of(cfg, s)->nr; i++) {
			show_item_origin(&o, repo, cfg, s, i);
			origin_text(&text, &o, quote_high);
			gs_buf_printf(out, "%s\t%s=%s\n", text.ptr, info->key, list_of(cfg, s)->v[i]);
		}
	}
	gs_buf_release(&o.path);
	gs_buf_release(&text);
}

static void list_json(gs_buf *out, git_repository *repo, const gs_config *cfg)
{
	shown_origin o = { NULL, GS_BUF_INIT, 0 };
	int s;
	size_t i;

	gs_buf_puts(out, "{\n  \"settings\": [");
	for (s = 0; s < GS_CONFIG_SETTINGS_NR; s++) {
		const gs_config_setting_info *info = gs_config_setting(s);

		gs_buf_puts(out, s ? ",\n    {\"key\": " : "\n    {\"key\": ");
		gs_buf_put_json_string(out, info->key);
		gs_buf_puts(out, ", \"name\": ");
		gs_buf_put_json_string(out, info->name);
		gs_buf_puts(out, ", \"value\": ");
		if (info->list)
			cmd_json_strvec(out, list_of(cfg, s));
		else if (s == GS_CONFIG_REQUIRE_SPECS)
			gs_buf_puts(out, cfg->require_specs ? "true" : "false");
		else
			gs_buf_put_json_string(out, scalar_value(cfg, s));
		gs_buf_puts(out, ", ");
		show_origin(&o, repo, &cfg->origin[s].whole);
		origin_json(out, &o);
		if (info->list) {
			gs_buf_puts(out, ", \"items\": [");
			for (i = 0; i < list_of(cfg, s)->nr; i++) {
				gs_buf_puts(out, i ? ", {\"value\": " : "{\"value\": ");
				gs_buf_put_json_string(out, list_of(cfg, s)->v[i]);
				gs_buf_puts(out, ", ");
				show_item_origin(&o, repo, cfg, s, i);
				origin_json(out, &o);
				gs_buf_putc(out, '}');
			}
			gs_buf_putc(out, ']');
		}
		gs_buf_putc(out, '}');
	}
	gs_buf_puts(out, "\n  ],\n  \"warnings\": ");
	cmd_config_warnings_json(out);
	gs_buf_puts(out, "\n}\n");
	gs_buf_release(&o.path);
}

int cmd_config(int argc, const char **argv)
{
	int json = 0, staged = 0, error = 0;
	const char *rev = NULL;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_BOOL_(0, "staged", &staged, "the configuration committed by the index"),
		CMD_OPT_STRING_(0, "rev", &rev, "rev", "the configuration of a commit"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_buf out = GS_BUF_INIT;

	if ((argc = cmd_parse_options_none(argc, argv, opts, config_usage)) < 0)
		return cmd_parse_options_status(argc);
	if (staged && rev)
		return cmd_usage_error(opts, config_usage, "--staged and --rev are mutually exclusive");

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0)
		goto done;
	/* a bare repository (a server) has only its commits' configuration */
	if (!staged && !rev && !ctx.workdir)
		rev = "HEAD";
	if ((error = gs_workspace_open(&ctx, staged ? GS_WORKSPACE_INDEX :
				       rev ? GS_WORKSPACE_REV : GS_WORKSPACE_WORKTREE, rev)) < 0)
		goto done;
	if (json)
		list_json(&out, ctx.repo, &ctx.cfg);
	else
		list_text(&out, ctx.repo, &ctx.cfg, cmd_quote_path_enabled(ctx.repo));
	error = cmd_write_stdout(&out);
done:
	gs_buf_release(&out);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
