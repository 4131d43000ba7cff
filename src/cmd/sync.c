#include <stdio.h>
#include "gitspec/common.h"
#include "cmd.h"

int cmd_sync(int argc, const char **argv)
{
	fprintf(stderr, "error: 'git spec sync' is not implemented yet\n");
	return GS_EXIT_USAGE;
}
