/* Fuzzes the config file parser, then validation of what it accepted. */
#include "fuzz.h"

#include "util/buf.h"
#include "util/config.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>

/* A resolved config must be complete and within the table's bounds. */
static void check_resolved(const cw_config *config)
{
	char host[64];
	int port = -1;

	if (!config->listen || !config->store || !config->master_key_file ||
	    !config->master_key_file[0])
		abort();
	if (cw_config_parse_listen(config->listen, host, &port) < 0 ||
	    port < 0 || port > 65535 || strlen(host) >= sizeof(host))
		abort();
	if (config->workers < 0 || config->workers > CW_LIMIT_WORKERS_MAX ||
	    config->max_json_depth < CW_LIMIT_JSON_DEPTH_MIN ||
	    config->max_json_depth > CW_LIMIT_JSON_DEPTH_MAX ||
	    config->token_ttl_s < CW_LIMIT_TOKEN_TTL_MIN ||
	    config->token_ttl_s > CW_LIMIT_TOKEN_TTL_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_config_layers *layers = NULL;
	cw_buf errors = CW_BUF_INIT(1024L * 1024);
	cw_config config;
	int err, flag_error = 0;

	memset(&config, 0, sizeof(config));
	if (cw_config_layers_new(&layers) < 0)
		goto out;
	err = cw_config_layers_parse_file(layers, (const char *)data, size,
	                                  "fuzz.conf", &errors);
	if (err == CW_ENOMEM)
		goto out;
	/* Every rejected file says why. */
	if (err != 0 &&
	    (err != CW_EINVAL || (errors.len == 0 && !errors.error)))
		abort();
	cw_buf_clear(&errors);
	err = cw_config_resolve(&config, layers, &errors, &flag_error);
	if (err == 0)
		check_resolved(&config);
	else if (err != CW_ENOMEM &&
	         (err != CW_EINVAL || (errors.len == 0 && !errors.error) ||
	          flag_error || config.listen || config.store))
		abort();
out:
	cw_config_dispose(&config);
	cw_buf_dispose(&errors);
	cw_config_layers_free(layers);
	return 0;
}
