#include <stdio.h>
#include "gitspec/common.h"
#include "cmd.h"

int cmd_quiet;

int cmd_report(int code)
{
	if (code == GS_OK)
		return GS_EXIT_OK;
	fprintf(stderr, "error: %s\n", gs_error_last());
	return gs_exit_status(code);
}
