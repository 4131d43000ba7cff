#include <stdio.h>
#include "gitspec/common.h"
#include "cmd.h"

int cmd_show(int argc, const char **argv)
{
	fprintf(stderr, "error: 'git spec show' is not implemented yet\n");
	return GS_EXIT_USAGE;
}
