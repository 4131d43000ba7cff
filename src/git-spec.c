/*
 * git-spec: the `git spec` subcommand. A table of subcommands, as in git's
 * git.c; each lives in src/cmd/NAME.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <locale.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "cmd/cmd.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, const char **argv);
	const char *help;
};

static const struct cmd_struct commands[] = {
	{ "init", cmd_init, "write the default configuration, then install" },
	{ "install", cmd_install, "install the hooks and the merge driver" },
	{ "uninstall", cmd_uninstall, "remove exactly what install added" },
	{ "packages", cmd_packages, "list leaf packages (or every package)" },
	{ "create", cmd_create, "create a spec for a package and write its contracts" },
	{ "sync", cmd_sync, "regenerate contracts (work tree, or the index with --staged)" },
	{ "check", cmd_check, "verify that contracts are fresh, writing nothing" },
	{ "diff", cmd_diff, "report API changes between two states, breaking or compatible" },
	{ "list", cmd_list, "list specs, or resolve a file to its package and spec" },
	{ "show", cmd_show, "show a spec's metadata, packages, files and contracts" },
	{ "contract", cmd_contract, "print one contract" },
	{ "validate", cmd_validate, "check the registry's integrity" },
};

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: git spec <command> [<args>]\n\n");
	for (i = 0; i < GS_ARRAY_SIZE(commands); i++)
		fprintf(fp, "   %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\n'git spec <command> -h' shows a command's options; 'git spec --help' opens git-spec(1).\n");
}

/*
 * The manual page PAGE (e.g. "git-spec-diff") beside the executable:
 * PREFIX/share/man/man1 when installed, man/ of the source tree when run
 * from BUILD/bin.
 */
static int find_manual(gs_buf *out, const char *page)
{
	static const char *const candidates[] = {
		"/../share/man/man1/",
		"/../../man/",
	};
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t i;

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	if (strrchr(exe, '/'))
		*strrchr(exe, '/') = '\0';
	for (i = 0; i < GS_ARRAY_SIZE(candidates); i++) {
		gs_buf_sets(out, exe);
		gs_buf_puts(out, candidates[i]);
		gs_buf_puts(out, page);
		gs_buf_puts(out, ".1");
		if (!access(out->ptr, R_OK))
			return 1;
	}
	return 0;
}

/* As git does for its own commands: `--help` opens the manual page. */
static int show_manual(const char *page)
{
	gs_buf path = GS_BUF_INIT;

	if (find_manual(&path, page))
		execlp("man", "man", "-l", path.ptr, (char *)NULL);
	else
		execlp("man", "man", page, (char *)NULL);
	fprintf(stderr, "error: cannot run 'man' to show %s(1)%s%s\n", page,
		path.size ? "; the manual is " : "", path.size ? path.ptr : "");
	usage(stderr);
	gs_buf_release(&path);
	return GS_EXIT_SYSTEM;
}

/*
 * `git spec CMD --help`: CMD's own page when there is one (git-spec-CMD.1);
 * otherwise the command prints its usage, as for -h.
 */
static int has_own_manual(const char *name)
{
	gs_buf page = GS_BUF_INIT, path = GS_BUF_INIT;
	int found;

	gs_buf_printf(&page, "git-spec-%s", name);
	found = find_manual(&path, page.ptr);
	gs_buf_release(&page);
	gs_buf_release(&path);
	return found;
}

int main(int argc, const char **argv)
{
	const char *name;
	size_t i;
	int status;

	/* Output never depends on the locale: everything is byte-oriented. */
	setlocale(LC_ALL, "C");
	if (argc < 2) {
		usage(stderr);
		return GS_EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "-h")) {
		usage(stdout);
		return GS_EXIT_OK;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "help"))
		return show_manual("git-spec");
	if (!strcmp(name, "--version")) {
		printf("git-spec version %s\n", GITSPEC_VERSION);
		return GS_EXIT_OK;
	}
	for (i = 0; i < GS_ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, name))
			continue;
		if (argc > 2 && !strcmp(argv[2], "--help") && has_own_manual(name)) {
			gs_buf page = GS_BUF_INIT;

			gs_buf_printf(&page, "git-spec-%s", name);
			return show_manual(page.ptr);
		}
		git_libgit2_init();
		status = commands[i].fn(argc - 1, argv + 1);
		git_libgit2_shutdown();
		return status;
	}
	fprintf(stderr, "error: '%s' is not a git spec command; see 'git spec -h'\n", name);
	return GS_EXIT_USAGE;
}
