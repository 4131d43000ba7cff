/*
 * git-spec: the `git spec` subcommand. A table of subcommands, as in git's
 * git.c; each lives in src/cmd/NAME.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <locale.h>
#include <malloc.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/suggest.h"
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
	{ "renumber", cmd_renumber, "give a spec another id (two branches picked one)" },
	{ "sync", cmd_sync, "regenerate contracts (work tree, or the index with --staged)" },
	{ "check", cmd_check, "verify that contracts are fresh, writing nothing" },
	{ "diff", cmd_diff, "report API changes between two states, breaking or compatible" },
	{ "list", cmd_list, "list specs, or resolve a file to its package and spec" },
	{ "show", cmd_show, "show a spec's metadata, packages, files and contracts" },
	{ "contract", cmd_contract, "print one contract" },
	{ "validate", cmd_validate, "check the registry's integrity" },
	{ "config", cmd_config, "show the effective settings and where each comes from" },
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
 * An unknown command: name the closest ones, as git does ("The most
 * similar command is"), when they are close enough to be a typo or the
 * name is a prefix of them.
 */
static void unknown_command(const char *name)
{
	size_t i, best = (size_t)-1, nr = 0, d;

	fprintf(stderr, "git spec: '%s' is not a git spec command. See 'git spec -h'.\n", name);
	for (i = 0; i < GS_ARRAY_SIZE(commands); i++) {
		d = gs_suggest_distance(name, commands[i].name, 0);
		if (d < best)
			best = d;
	}
	if (!gs_suggest_close(name, best))
		return;
	for (i = 0; i < GS_ARRAY_SIZE(commands); i++) {
		d = gs_suggest_distance(name, commands[i].name, 0);
		if (d == best)
			nr++;
	}
	fprintf(stderr, "\n%s\n", nr == 1 ? "The most similar command is" : "The most similar commands are");
	for (i = 0; i < GS_ARRAY_SIZE(commands); i++) {
		d = gs_suggest_distance(name, commands[i].name, 0);
		if (d == best)
			fprintf(stderr, "\t%s\n", commands[i].name);
	}
}

int main(int argc, const char **argv)
{
	const char *name;
	size_t i;
	int status;

	/* Output never depends on the locale: everything is byte-oriented. */
	setlocale(LC_ALL, "C");
	/*
	 * Extraction threads allocate and free a parse tree per file, a
	 * malloc(3) per node. Sharing one arena, the two threads queue on its
	 * lock (13,600 futex(2) calls in a cold sync of SymPy, and two threads
	 * slower than one); with glibc's defaults each thread's arena shrinks
	 * after a file and grows again, one mprotect(2) a step (35,000 on
	 * SymPy). Two arenas, one a thread, grown by a few MiB at a time and
	 * keeping what was freed up to 32 MiB; the big files, whose trees
	 * take a hundred times their size, are all parsed by the main thread
	 * (engine.c), so that the second arena stays small (peak memory on
	 * SymPy 199 MiB against 186 MiB with one arena).
	 */
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_TOP_PAD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	gs_heap_on_huge_pages();
	if (argc < 2) {
		usage(stderr);
		return GS_EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "-h")) {
		usage(stdout);
		return GS_EXIT_OK;
	}
	if (!strcmp(name, "--help"))
		return cmd_show_manual(NULL);
	/* `git spec help [CMD]`, as `git help CMD`. */
	if (!strcmp(name, "help")) {
		if (argc < 3)
			return cmd_show_manual(NULL);
		for (i = 0; i < GS_ARRAY_SIZE(commands); i++)
			if (!strcmp(commands[i].name, argv[2]))
				return cmd_show_manual(argv[2]);
		unknown_command(argv[2]);
		return GS_EXIT_USAGE;
	}
	if (!strcmp(name, "--version")) {
		printf("git-spec version %s\n", GITSPEC_VERSION);
		return GS_EXIT_OK;
	}
	for (i = 0; i < GS_ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, name))
			continue;
		git_libgit2_init();
		cmd_config_warnings_setup(argc - 1, argv + 1);
		status = commands[i].fn(argc - 1, argv + 1);
		git_libgit2_shutdown();
		return status;
	}
	unknown_command(name);
	return GS_EXIT_USAGE;
}
