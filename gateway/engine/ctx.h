/* What a request handler may reach: passed explicitly, never global. */
#ifndef CW_ENGINE_CTX_H
#define CW_ENGINE_CTX_H

#include "store/store.h"
#include "util/config.h"

typedef struct {
	const cw_config *config;
	cw_store *store;
	const char *data_dir;
} cw_ctx;

#endif
