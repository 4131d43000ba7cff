#ifndef GITSPEC_CMD_H
#define GITSPEC_CMD_H

/*
 * The `git spec` subcommands, one file each (src/cmd/NAME.c), dispatched
 * from the table in src/git-spec.c. Each returns the process exit status.
 */

#include "gitspec/buf.h"
#include "gitspec/strvec.h"

int cmd_init(int argc, const char **argv);
int cmd_install(int argc, const char **argv);
int cmd_uninstall(int argc, const char **argv);
int cmd_packages(int argc, const char **argv);
int cmd_create(int argc, const char **argv);
int cmd_sync(int argc, const char **argv);
int cmd_check(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_show(int argc, const char **argv);
int cmd_contract(int argc, const char **argv);
int cmd_validate(int argc, const char **argv);
int cmd_diff(int argc, const char **argv);

/*
 * Open the manual page of subcommand `cmd` (NULL: git-spec(1)), as
 * `git CMD --help` does: git-spec-CMD(1) when there is one, else git-spec(1)
 * at the command's entry (through less's LESS, when the pager is less).
 * Returns only when man cannot be run, after saying so: exit status 128.
 */
int cmd_show_manual(const char *cmd);

/*
 * A repository-relative path as the user can type it where they stand:
 * relative to the current directory (as `git status` prints it).
 */
struct git_repository;
int cmd_path_for_user(gs_buf *out, struct git_repository *repo, const char *top_path);

/* core.quotePath of `repo` (default true). */
int cmd_quote_path_enabled(struct git_repository *repo);
/*
 * Append `path` as git prints it: verbatim, or in double quotes with C
 * escapes and octal for control characters (and bytes of 0x80 and up when
 * `quote_high`, which is core.quotePath).
 */
void cmd_quote_path(gs_buf *out, const char *path, int quote_high);

/* Shared by the commands: print "error: MSG" (and hints) and map to an exit status. */
int cmd_report(int code);
extern int cmd_quiet;

/*
 * Remember a hint ("hint: MSG") that cmd_report prints after the error
 * message (unless quiet). A later call replaces it.
 */
void cmd_set_hint(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Print "warning: MSG" on standard error unless quiet. */
void cmd_warning(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
/* Print "hint: MSG" on standard error unless quiet. */
void cmd_hint(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Write `buf` to standard output; GS_ERROR when that fails (e.g. a closed pipe). */
int cmd_write_stdout(const gs_buf *buf);
/* Append `["a", "b"]` to `out`. */
void cmd_json_strvec(gs_buf *out, const gs_strvec *sv);
/* Append a JSON string, or null for NULL. */
void cmd_json_string_or_null(gs_buf *out, const char *s);

#endif
