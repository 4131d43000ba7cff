/*
 * The one option parser of every `git spec` subcommand, in git's manner
 * (parse-options.c): `--long`, `--long=value`, `--long value`, `--no-long`
 * for a boolean, `-s`, `-svalue`, `-s value`, bundled short booleans
 * (`-qf`), `--` ending the options, and any unambiguous prefix of a long
 * option (`--sta` for `--staged`), an exact name winning over a prefix.
 */
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "cmd.h"
#include "parse-options.h"

static void print_usage(FILE *fp, const struct cmd_option *opts, const char *const *usage)
{
	const struct cmd_option *o;
	gs_buf spec = GS_BUF_INIT;
	size_t i;

	for (i = 0; usage[i]; i++)
		fprintf(fp, "%s%s\n", i ? "   or: " : "usage: ", usage[i]);
	fputc('\n', fp);
	for (o = opts; o->type != CMD_OPT_END; o++) {
		gs_buf_clear(&spec);
		if (o->short_name && o->long_name)
			gs_buf_printf(&spec, "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			gs_buf_printf(&spec, "-%c", o->short_name);
		else
			gs_buf_printf(&spec, "--%s", o->long_name);
		if (o->type == CMD_OPT_STRING)
			gs_buf_printf(&spec, " <%s>", o->argh ? o->argh : "value");
		fprintf(fp, "    %-24s %s\n", spec.ptr, o->help ? o->help : "");
	}
	fprintf(fp, "    %-24s %s\n", "-h", "show this help");
	fprintf(fp, "    %-24s %s\n", "--help", "open the manual page");
	gs_buf_release(&spec);
}

int cmd_usage_error(const struct cmd_option *opts, const char *const *usage,
		    const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(stderr, opts, usage);
	return GS_EXIT_USAGE;
}

int cmd_parse_options_none(int argc, const char **argv, const struct cmd_option *opts,
			   const char *const *usage)
{
	int n = cmd_parse_options(argc, argv, opts, usage);

	if (n > 0) {
		cmd_usage_error(opts, usage, "unexpected argument '%s'", argv[0]);
		n = CMD_PARSE_ERROR;
	}
	return n;
}

int cmd_parse_options_one(int argc, const char **argv, const struct cmd_option *opts,
			  const char *const *usage, const char *missing)
{
	int n = cmd_parse_options(argc, argv, opts, usage);

	if (n >= 0 && n != 1) {
		cmd_usage_error(opts, usage, "%s", n ? "too many arguments" : missing);
		n = CMD_PARSE_ERROR;
	}
	return n;
}

int cmd_parse_options_status(int result)
{
	return result == CMD_PARSE_HELP ? GS_EXIT_OK : GS_EXIT_USAGE;
}

/*
 * The long option `name` (of `len` bytes) names: an exact match, else the
 * one option it abbreviates. *negated is set for `no-NAME` of a boolean.
 * NULL with amb[0] and amb[1] set when it abbreviates more than one.
 */
static const struct cmd_option *find_long(const struct cmd_option *opts, const char *name,
					  size_t len, int *negated, const struct cmd_option **amb)
{
	const struct cmd_option *o, *abbrev = NULL;
	int abbrev_negated = 0, pass;

	amb[0] = amb[1] = NULL;
	for (pass = 0; pass < 2; pass++) {
		const char *n = name;
		size_t l = len;

		/* Pass 1: `--no-NAME` of a boolean. */
		if (pass) {
			if (len < 3 || memcmp(name, "no-", 3))
				break;
			n += 3;
			l -= 3;
		}
		for (o = opts; o->type != CMD_OPT_END; o++) {
			if (!o->long_name || (pass && o->type != CMD_OPT_BOOL))
				continue;
			if (strlen(o->long_name) == l && !memcmp(o->long_name, n, l)) {
				*negated = pass;
				return o;
			}
			if (!l || strncmp(o->long_name, n, l))
				continue;
			if (abbrev && abbrev != o) {
				amb[0] = abbrev;
				amb[1] = o;
			} else {
				abbrev = o;
				abbrev_negated = pass;
			}
		}
	}
	if (amb[0])
		return NULL;
	*negated = abbrev_negated;
	return abbrev;
}

static const struct cmd_option *find_short(const struct cmd_option *opts, char c)
{
	const struct cmd_option *o;

	for (o = opts; o->type != CMD_OPT_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

/*
 * -h, --help and the completion's --git-completion-helper, which end the
 * parse: CMD_PARSE_HELP or CMD_PARSE_ERROR; 0 for any other argument.
 */
static int special_option(const char *arg, const char *cmd, const struct cmd_option *opts,
			  const char *const *usage)
{
	const struct cmd_option *o;

	/*
	 * For the bash completion, as git's commands answer it: every
	 * long option, `=` after those that take a value.
	 */
	if (!strcmp(arg, "--git-completion-helper")) {
		for (o = opts; o->type != CMD_OPT_END; o++)
			if (o->long_name)
				printf("%s--%s%s", o == opts ? "" : " ", o->long_name,
				       o->type == CMD_OPT_STRING ? "=" : "");
		putchar('\n');
		return CMD_PARSE_HELP;
	}
	if (!strcmp(arg, "-h")) {
		print_usage(stdout, opts, usage);
		return CMD_PARSE_HELP;
	}
	if (!strcmp(arg, "--help")) {
		/* As `git CMD --help`: the manual page, or the usage when man fails. */
		cmd_show_manual(cmd);
		print_usage(stderr, opts, usage);
		return CMD_PARSE_ERROR;
	}
	return 0;
}

/* --NAME[=VALUE], NAME possibly abbreviated or negated (--no-NAME). */
static const struct cmd_option *parse_long(const char *arg, const char **value, int *negated,
					   const struct cmd_option *opts, const char *const *usage)
{
	const struct cmd_option *o, *amb[2];
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);

	o = find_long(opts, name, len, negated, amb);
	if (!o && amb[0]) {
		cmd_usage_error(opts, usage, "ambiguous option: %.*s (could be --%s or --%s)",
				(int)len, name, amb[0]->long_name, amb[1]->long_name);
		return NULL;
	}
	if (!o) {
		cmd_usage_error(opts, usage, "unknown option '%.*s'", (int)len, name);
		return NULL;
	}
	if (eq)
		*value = eq + 1;
	return o;
}

/* -X, -XVALUE for a string option, or bundled booleans (-qf is -q -f). */
static const struct cmd_option *parse_short(const char *arg, const char **value,
					    const struct cmd_option *opts, const char *const *usage)
{
	const struct cmd_option *o = find_short(opts, arg[1]);
	const char *p;

	if (!o) {
		cmd_usage_error(opts, usage, "unknown switch '%c'", arg[1]);
		return NULL;
	}
	if (o->type == CMD_OPT_STRING && arg[2]) {
		*value = arg + 2;
		return o;
	}
	for (p = arg + 2; *p; p++) {
		const struct cmd_option *b = find_short(opts, *p);

		if (!b || b->type != CMD_OPT_BOOL) {
			cmd_usage_error(opts, usage, "unknown switch '%c'", *p);
			return NULL;
		}
		*(int *)b->value = 1;
	}
	return o;
}

int cmd_parse_options(int argc, const char **argv, const struct cmd_option *opts,
		      const char *const *usage)
{
	int i, nr = 0, only_args = 0, r;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct cmd_option *o;
		const char *value = NULL;
		int negated = 0;

		if (only_args || arg[0] != '-' || !arg[1]) {
			argv[nr++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_args = 1;
			continue;
		}
		if ((r = special_option(arg, argv[0], opts, usage)) != 0)
			return r;
		o = arg[1] == '-' ? parse_long(arg, &value, &negated, opts, usage) :
			parse_short(arg, &value, opts, usage);
		if (!o)
			return CMD_PARSE_ERROR;
		switch (o->type) {
		case CMD_OPT_BOOL:
			if (value) {
				cmd_usage_error(opts, usage, "option '%s' takes no value", o->long_name);
				return CMD_PARSE_ERROR;
			}
			*(int *)o->value = !negated;
			break;
		case CMD_OPT_STRING:
			if (!value) {
				if (i + 1 >= argc) {
					cmd_usage_error(opts, usage, "option '%s' requires a value",
							o->long_name ? o->long_name : arg);
					return CMD_PARSE_ERROR;
				}
				value = argv[++i];
			}
			*(const char **)o->value = value;
			break;
		default:
			break;
		}
	}
	argv[nr] = NULL;
	return nr;
}
