#ifndef GITSPEC_CMD_PARSE_OPTIONS_H
#define GITSPEC_CMD_PARSE_OPTIONS_H

/*
 * The option parser of every subcommand, in git's style: `--long`,
 * `--long=value`, `--long value`, `--no-long` (booleans), any unambiguous
 * prefix of a long option, `-s`, `-svalue`, `-s value`, bundled short
 * booleans, `--` ending the options. `-h` prints the usage on standard
 * output (exit 0); `--help` opens the command's manual page; an unknown or
 * ambiguous option or a missing value is a usage error (exit 2).
 */

enum cmd_opt_type {
	CMD_OPT_END = 0,
	CMD_OPT_BOOL,    /* int *: set to 1 (0 by --no-NAME) */
	CMD_OPT_STRING   /* const char **: the value */
};

struct cmd_option {
	enum cmd_opt_type type;
	char short_name;        /* 0 for none */
	const char *long_name;  /* NULL for none */
	void *value;
	const char *argh;       /* name of the value in the usage, e.g. "rev" */
	const char *help;
};

#define CMD_OPT_BOOL_(s, l, v, h) { CMD_OPT_BOOL, (s), (l), (v), NULL, (h) }
#define CMD_OPT_STRING_(s, l, v, a, h) { CMD_OPT_STRING, (s), (l), (v), (a), (h) }
#define CMD_OPT_END_() { CMD_OPT_END, 0, NULL, NULL, NULL, NULL }

/* Parsing stopped after printing the usage (-h): exit 0. */
#define CMD_PARSE_HELP (-1)
/* Parsing failed after printing the usage to standard error: exit 2. */
#define CMD_PARSE_ERROR (-2)

/*
 * Parse `argv[1..argc)` (argv[0] is the subcommand name). Non-option
 * arguments are moved, in order, to argv[0..n) and n is returned; or
 * CMD_PARSE_HELP / CMD_PARSE_ERROR. `usage` is a NULL-terminated list of
 * synopsis lines.
 */
int cmd_parse_options(int argc, const char **argv, const struct cmd_option *opts,
		      const char *const *usage);
/*
 * cmd_parse_options for a command that takes no arguments: 0, or
 * CMD_PARSE_HELP / CMD_PARSE_ERROR (an argument is a usage error).
 */
int cmd_parse_options_none(int argc, const char **argv, const struct cmd_option *opts,
			   const char *const *usage);
/*
 * cmd_parse_options for a command that takes exactly one argument (left in
 * argv[0]): 1, or CMD_PARSE_HELP / CMD_PARSE_ERROR (none is the usage
 * error `missing`, more than one "too many arguments").
 */
int cmd_parse_options_one(int argc, const char **argv, const struct cmd_option *opts,
			  const char *const *usage, const char *missing);
/* Exit status for a negative cmd_parse_options result. */
int cmd_parse_options_status(int result);
/* Print a usage error ("error: MSG"), then the usage; returns exit status 2. */
int cmd_usage_error(const struct cmd_option *opts, const char *const *usage,
		    const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

#endif
