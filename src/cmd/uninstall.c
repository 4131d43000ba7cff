#include <stdio.h>
#include "gitspec/common.h"
#include "cmd.h"

int cmd_install_common(int argc, const char **argv, int install);

int cmd_uninstall(int argc, const char **argv)
{
	return cmd_install_common(argc, argv, 0);
}
