#ifndef GITSPEC_CMD_H
#define GITSPEC_CMD_H

/*
 * The `git spec` subcommands, one file each (src/cmd/NAME.c), dispatched
 * from the table in src/git-spec.c. Each returns the process exit status.
 */

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

/* Shared by the commands: print "error: MSG" (and hints) and map to an exit status. */
int cmd_report(int code);
extern int cmd_quiet;

#endif
