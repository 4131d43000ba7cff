#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "cmd.h"
#include "gitspec/repo.h"
#include "gitspec/fsutil.h"
#include "gitspec/check.h"
#include <git2.h>

int cmd_quiet;
int cmd_json;
int cmd_full_name;
static gs_buf pending_hint = GS_BUF_INIT;

void cmd_set_hint(const char *fmt, ...)
{
	va_list ap;

	gs_buf_clear(&pending_hint);
	va_start(ap, fmt);
	gs_buf_vprintf(&pending_hint, fmt, ap);
	va_end(ap);
}

int cmd_report(int code)
{
	if (code != GS_OK) {
		/* git's convention: `fatal:` for what ends in exit 128, `error:` otherwise. */
		fprintf(stderr, "%s: %s\n", gs_exit_status(code) == GS_EXIT_SYSTEM ? "fatal" : "error",
			gs_error_last());
		if (pending_hint.size && !cmd_quiet && !cmd_json)
			fprintf(stderr, "hint: %s\n", pending_hint.ptr);
	}
	gs_buf_release(&pending_hint);
	return gs_exit_status(code);
}

static void print_line(const char *prefix, const char *fmt, va_list ap)
{
	/* With --json nothing but JSON: warnings and hints are in it or not at all. */
	if (cmd_quiet || cmd_json)
		return;
	fprintf(stderr, "%s: ", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cmd_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("warning", fmt, ap);
	va_end(ap);
}

void cmd_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("hint", fmt, ap);
	va_end(ap);
}

int cmd_write_stdout(const gs_buf *buf)
{
	if (buf->size && fwrite(buf->ptr, 1, buf->size, stdout) != buf->size)
		return gs_error_set(GS_ERROR, "cannot write to standard output: %s", strerror(errno));
	if (fflush(stdout))
		return gs_error_set(GS_ERROR, "cannot write to standard output: %s", strerror(errno));
	return 0;
}

void cmd_json_string_or_null(gs_buf *out, const char *s)
{
	gs_buf_put_json_string_or_null(out, s);
}

void cmd_json_strvec(gs_buf *out, const gs_strvec *sv)
{
	size_t i;

	gs_buf_putc(out, '[');
	for (i = 0; i < sv->nr; i++) {
		if (i)
			gs_buf_puts(out, ", ");
		gs_buf_put_json_string(out, sv->v[i]);
	}
	gs_buf_putc(out, ']');
}

/*
 * The manual page `page` beside the executable: PREFIX/share/man/man1 when
 * installed, man/ of the source tree when run from BUILD/bin.
 */
static int find_manual(gs_buf *out, const char *page)
{
	static const char *const candidates[] = { "/../share/man/man1/", "/../../man/" };
	gs_buf exe = GS_BUF_INIT;
	size_t i;
	int found = 0;

	if (gs_exe_dir(&exe) < 0)
		goto done;
	for (i = 0; i < GS_ARRAY_SIZE(candidates) && !found; i++) {
		gs_buf_sets(out, exe.ptr);
		gs_buf_printf(out, "%s%s.1", candidates[i], page);
		found = !access(out->ptr, R_OK);
	}
done:
	gs_buf_release(&exe);
	return found;
}

int cmd_show_manual(const char *cmd)
{
	gs_buf page = GS_BUF_INIT, path = GS_BUF_INIT, less = GS_BUF_INIT;

	fflush(stdout);
	if (cmd) {
		gs_buf_printf(&page, "git-spec-%s", cmd);
		if (find_manual(&path, page.ptr))
			execlp("man", "man", "-l", path.ptr, (char *)NULL);
	}
	if (cmd) {
		/* git-spec(1) lists each command at 7 columns in COMMANDS: start there. */
		gs_buf_printf(&less, "%s%s+/^       %s", getenv("LESS") ? getenv("LESS") : "",
			      getenv("LESS") ? " " : "", cmd);
		setenv("LESS", less.ptr, 1);
	}
	gs_buf_sets(&page, "git-spec");
	if (find_manual(&path, page.ptr))
		execlp("man", "man", "-l", path.ptr, (char *)NULL);
	else
		execlp("man", "man", "git-spec", (char *)NULL);
	fprintf(stderr, "fatal: cannot run 'man' to show git-spec(1)%s%s\n",
		path.size ? "; the manual is " : "", path.size ? path.ptr : "");
	gs_buf_release(&page);
	gs_buf_release(&path);
	gs_buf_release(&less);
	return GS_EXIT_SYSTEM;
}

int cmd_path_for_user(gs_buf *out, git_repository *repo, const char *top_path)
{
	gs_buf prefix = GS_BUF_INIT;
	const char *p, *q;
	int error;

	gs_buf_clear(out);
	if ((error = gs_repo_relpath(&prefix, repo, ".")) < 0) {
		/* Not below the work tree (cannot happen in a command): top-relative. */
		gs_error_clear();
		gs_buf_sets(out, top_path);
		goto done;
	}
	if (!strcmp(prefix.ptr, top_path)) {
		gs_buf_puts(out, ".");
		goto done;
	}
	/* Drop the directories prefix and path share, then climb out of the rest. */
	p = prefix.ptr;
	q = top_path;
	for (;;) {
		size_t lp = strcspn(p, "/"), lq = strcspn(q, "/");

		if (!*p || lp != lq || memcmp(p, q, lp) || !q[lq])
			break;
		p += lp + (p[lp] == '/');
		q += lq + 1;
	}
	while (*p) {
		gs_buf_puts(out, "../");
		p += strcspn(p, "/");
		p += *p == '/';
	}
	gs_buf_puts(out, q);
	if (!out->size)
		gs_buf_puts(out, ".");
done:
	gs_buf_release(&prefix);
	return 0;
}

int cmd_quote_path_enabled(struct git_repository *repo)
{
	git_config *cfg = NULL;
	int v = 1;

	/* core.quotePath, default true, as git reads it. */
	if (repo && !git_repository_config_snapshot(&cfg, repo) &&
	    git_config_get_bool(&v, cfg, "core.quotepath") < 0)
		v = 1;
	git_config_free(cfg);
	gs_error_clear();
	return v;
}

void cmd_quote_path(gs_buf *out, const char *path, int quote_high)
{
	const unsigned char *p;
	int needs = 0;

	for (p = (const unsigned char *)path; *p && !needs; p++)
		needs = *p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f || (quote_high && *p >= 0x80);
	if (!needs) {
		gs_buf_puts(out, path);
		return;
	}
	/* git's quote_c_style: C escapes, octal for the other bytes. */
	gs_buf_putc(out, '"');
	for (p = (const unsigned char *)path; *p; p++) {
		static const char esc[] = "\a\b\t\n\v\f\r";
		const char *e = *p ? strchr(esc, *p) : NULL;

		if (e) {
			gs_buf_putc(out, '\\');
			gs_buf_putc(out, "abtnvfr"[e - esc]);
		} else if (*p == '"' || *p == '\\') {
			gs_buf_putc(out, '\\');
			gs_buf_putc(out, (char)*p);
		} else if (*p < 0x20 || *p == 0x7f || (quote_high && *p >= 0x80)) {
			gs_buf_printf(out, "\\%03o", *p);
		} else {
			gs_buf_putc(out, (char)*p);
		}
	}
	gs_buf_putc(out, '"');
}

void cmd_put_path(gs_buf *out, struct git_repository *repo, const char *top_path)
{
	gs_buf shown = GS_BUF_INIT;

	if (cmd_full_name)
		gs_buf_sets(&shown, top_path);
	else
		cmd_path_for_user(&shown, repo, top_path);
	cmd_quote_path(out, shown.ptr, cmd_quote_path_enabled(repo));
	gs_buf_release(&shown);
}

void cmd_json_add_last_error(gs_check_report *r)
{
	unsigned line = 0, column = 0;
	const char *path = gs_error_last_path(&line, &column);

	gs_check_report_add_error(r, GS_PROBLEM_ARGUMENT, path, line, column, gs_error_last());
}

void cmd_json_last_error(gs_buf *out, const char *code)
{
	unsigned line = 0, column = 0;
	const char *path = gs_error_last_path(&line, &column);

	gs_problem_json(out, path, line, column, code, gs_error_last());
}

int cmd_json_report(int code, int answered)
{
	int status = gs_exit_status(code);

	if (answered && (status == GS_EXIT_CHECK || status == GS_EXIT_INPUT)) {
		gs_error_clear();
		gs_buf_release(&pending_hint);
		return status;
	}
	return cmd_report(code);
}
