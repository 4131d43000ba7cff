#include <stdio.h>
#include "gitspec/common.h"
#include "cmd.h"

int cmd_validate(int argc, const char **argv)
{
	fprintf(stderr, "error: 'git spec validate' is not implemented yet\n");
	return GS_EXIT_USAGE;
}
