/*
 * libFuzzer target: .gitspec.yaml (gs_config_parse over the defaults),
 * then the matchers that use what it loaded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gs_config cfg;

	gs_config_init(&cfg);
	if (gs_config_parse(&cfg, (const char *)data, size) == 0) {
		(void)gs_config_is_test_file(&cfg, "pkg/test_mod.py");
		(void)gs_config_is_test_file(&cfg, "pkg/mod.py");
		(void)gs_config_is_ignored_dir(&cfg, "pkg/build", "build");
		(void)gs_config_is_ignored_dir(&cfg, ".venv", ".venv");
	}
	gs_config_release(&cfg);
	gs_error_clear();
	return 0;
}
