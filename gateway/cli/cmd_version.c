/* crosswalk version. */
#include "cli/cli.h"

#include <stdio.h>

static const cw_option version_options[] = { { NULL, NULL, NULL, 0 } };

static const cw_command_spec version_spec = {
	"version", "", "Print the version and build.", NULL, version_options,
	0,         0
};

static int run_version(const cw_args *args)
{
	if (args && args->json)
		printf("{\"version\":\"%s\",\"commit\":\"%s\"}\n", CW_VERSION,
		       CW_GIT_COMMIT);
	else
		printf("crosswalk %s (%s)\n", CW_VERSION, CW_GIT_COMMIT);
	return CW_EXIT_OK;
}

const cw_command cw_cmd_version = { &version_spec, run_version };
