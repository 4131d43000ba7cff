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
int cmd_renumber(int argc, const char **argv);
int cmd_sync(int argc, const char **argv);
int cmd_check(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_show(int argc, const char **argv);
int cmd_contract(int argc, const char **argv);
int cmd_validate(int argc, const char **argv);
int cmd_diff(int argc, const char **argv);
int cmd_config(int argc, const char **argv);

/*
 * Where the configuration's warnings (unknown keys) go for this run: on
 * standard error ("warning: ..."), or, when the command line asks for JSON
 * (--json, --format=json), kept for cmd_config_warnings_json.
 */
void cmd_config_warnings_setup(int argc, const char **argv);
/* Append the kept warnings as a JSON array of {path, line, column, code, message}. */
void cmd_config_warnings_json(gs_buf *out);

/*
 * Open the manual page of subcommand `cmd` (NULL: git-spec(1)), as
 * `git CMD --help` does: git-spec-CMD(1) when there is one, else git-spec(1)
 * at the command's entry (through less's LESS, when the pager is less).
 * Returns only when man cannot be run, after saying so: exit status 128.
 */
int cmd_show_manual(const char *cmd);

struct git_repository;
/*
 * A repository-relative path as the user can type it where they stand:
 * relative to the current directory (as `git status` prints it).
 */
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
 * --json: standard output holds only JSON and standard error nothing but
 * the one line of an error that stopped the command (no hints, warnings
 * or notes: cmd_hint, cmd_warning and cmd_report's hint say nothing).
 */
extern int cmd_json;
/* --full-name: paths printed relative to the top, not to the current directory. */
extern int cmd_full_name;

/*
 * Append `top_path` (repository-relative) as the commands print a path in
 * text: relative to the current directory (to the top with --full-name),
 * quoted as git quotes it (core.quotePath of `repo`).
 */
void cmd_put_path(gs_buf *out, struct git_repository *repo, const char *top_path);

/*
 * Append the last error (gs_error_last, at gs_error_last_path) as one JSON
 * problem object with code `code` (gs_problem_json).
 */
void cmd_json_last_error(gs_buf *out, const char *code);
/*
 * The end of a command run with --json: an error its JSON answer already
 * reports (`answered`: exit 1 or 3) ends in its exit status without a
 * word; any other is cmd_report's one line.
 */
int cmd_json_report(int code, int answered);
/*
 * Add the last error to `r` as a problem of the command line (an argument
 * that names nothing usable), where gs_error_last_path says.
 */
struct gs_check_report;
void cmd_json_add_last_error(struct gs_check_report *r);

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
