#include <stdio.h>
#include "gitspec/common.h"
#include "cmd.h"

int cmd_init(int argc, const char **argv)
{
	fprintf(stderr, "error: 'git spec init' is not implemented yet\n");
	return GS_EXIT_USAGE;
}
