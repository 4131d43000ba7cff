#include <stdio.h>
#include "gitspec/common.h"

int main(int argc, const char **argv)
{
	fprintf(stderr, "error: git-spec-hook is not implemented yet\n");
	return GS_EXIT_USAGE;
}
