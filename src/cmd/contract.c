#include <stdio.h>
#include "gitspec/common.h"
#include "cmd.h"

int cmd_contract(int argc, const char **argv)
{
	fprintf(stderr, "error: 'git spec contract' is not implemented yet\n");
	return GS_EXIT_USAGE;
}
