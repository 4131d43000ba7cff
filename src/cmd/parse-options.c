#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include "gitspec/common.h"
#include "parse-options.h"

static void print_usage(FILE *fp, const struct cmd_option *opts, const char *const *usage)
{
	const struct cmd_option *o;
	size_t i;

	for (i = 0; usage[i]; i++)
		fprintf(fp, "%s%s\n", i ? "   or: " : "usage: ", usage[i]);
	fputc('\n', fp);
	for (o = opts; o->type != CMD_OPT_END; o++) {
		char spec[128];
		int n = 0;

		if (o->short_name && o->long_name)
			n = snprintf(spec, sizeof(spec), "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			n = snprintf(spec, sizeof(spec), "-%c", o->short_name);
		else
			n = snprintf(spec, sizeof(spec), "--%s", o->long_name);
		if (o->type == CMD_OPT_STRING && n > 0 && (size_t)n < sizeof(spec))
			snprintf(spec + n, sizeof(spec) - n, " <%s>", o->argh ? o->argh : "value");
		fprintf(fp, "    %-24s %s\n", spec, o->help ? o->help : "");
	}
	fprintf(fp, "    %-24s %s\n", "-h", "show this help");
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

int cmd_parse_options_status(int result)
{
	return result == CMD_PARSE_HELP ? GS_EXIT_OK : GS_EXIT_USAGE;
}

static const struct cmd_option *find_long(const struct cmd_option *opts,
					  const char *name, size_t len)
{
	const struct cmd_option *o;

	for (o = opts; o->type != CMD_OPT_END; o++)
		if (o->long_name && strlen(o->long_name) == len &&
		    !memcmp(o->long_name, name, len))
			return o;
	return NULL;
}

static const struct cmd_option *find_short(const struct cmd_option *opts, char c)
{
	const struct cmd_option *o;

	for (o = opts; o->type != CMD_OPT_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

int cmd_parse_options(int argc, const char **argv, const struct cmd_option *opts,
		      const char *const *usage)
{
	int i, nr = 0, only_args = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct cmd_option *o;
		const char *value = NULL;
		int has_value = 0;

		if (only_args || arg[0] != '-' || !arg[1]) {
			argv[nr++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_args = 1;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			print_usage(stdout, opts, usage);
			return CMD_PARSE_HELP;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			o = find_long(opts, name, len);
			if (!o) {
				cmd_usage_error(opts, usage, "unknown option '%.*s'", (int)len, name);
				return CMD_PARSE_ERROR;
			}
			if (eq) {
				value = eq + 1;
				has_value = 1;
			}
		} else {
			if (arg[2]) {
				cmd_usage_error(opts, usage, "unknown switch '%s'", arg + 1);
				return CMD_PARSE_ERROR;
			}
			o = find_short(opts, arg[1]);
			if (!o) {
				cmd_usage_error(opts, usage, "unknown switch '%c'", arg[1]);
				return CMD_PARSE_ERROR;
			}
		}
		switch (o->type) {
		case CMD_OPT_BOOL:
			if (has_value) {
				cmd_usage_error(opts, usage, "option '%s' takes no value", o->long_name);
				return CMD_PARSE_ERROR;
			}
			*(int *)o->value = 1;
			break;
		case CMD_OPT_STRING:
			if (!has_value) {
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
