/* The gateway's configuration: one table drives the file, the environment
 * (CROSSWALK_<KEY>) and flags; the layers are validated as a whole. */
#ifndef CW_UTIL_CONFIG_H
#define CW_UTIL_CONFIG_H

#include "util/buf.h"

#include <stddef.h>

typedef struct {
	char *listen;  /* HOST:PORT */
	char *store;   /* "sqlite", "sqlite:PATH" or "postgres://…" */
	int log_level; /* cw_log_level */
	long workers;  /* 0: one per core */
	long max_body_bytes;
	long max_upload_bytes;
	long max_header_bytes;
	long max_json_depth;
	long max_connections;
	long connection_timeout_s;
	long token_ttl_s;
	char *master_key_file; /* relative paths are under the data dir */
	long roster_delete_threshold_pct; /* hold imports deleting more */
	long roster_pending_ttl_h;        /* pending imports expire after */
	long rest_max_limit;              /* largest OneRoster page */
	long change_retention_days;       /* the change log is kept so long */
	long sync_max_concurrent;         /* a sync's requests in flight */
	long auth_failure_limit;          /* per identity and window */
	long auth_failure_window_s;
	long change_prune_interval_s; /* the daemon prunes this often */
	long sync_lease_s;            /* a sync run's lease */
	long fetch_private_addresses; /* 1: the daemon may fetch from
	                                 loopback and private networks */
	/* Operator-supplied JSON-LD contexts (engine/contexts_dir.h): the
	 * directory (relative paths are under the data dir) and the
	 * `URL=SHA256HEX FILE, …` pins; "" when unset. */
	char *jsonld_contexts_dir;
	char *jsonld_context_pins;
	/* The gateway's public origin (https://badges.example.org), under
	 * which issuers' status lists and key documents are published; ""
	 * when unset: http://<listen>. */
	char *public_base_url;
	/* Named by the OB 3.0 discovery document; "" when unset. */
	char *ob3_terms_url;
	char *ob3_privacy_url;
} cw_config;

typedef struct cw_config_layers cw_config_layers;

int cw_config_layers_new(cw_config_layers **out);
void cw_config_layers_free(cw_config_layers *layers);

/**
 * Reads a `key = value` file (# comments, blank lines). Every syntax error and
 * unknown key is appended to errors as "FILE:LINE: message\n".
 * @return 0, or CW_EINVAL when errors were added
 */
int cw_config_layers_parse_file(cw_config_layers *layers, const char *buf,
                                size_t len, const char *filename,
                                cw_buf *errors);

/** Overlays CROSSWALK_<KEY> variables found through lookup (getenv). */
int cw_config_layers_apply_env(cw_config_layers *layers,
                               const char *(*lookup)(const char *name));

/** Sets one key from a flag; CW_ENOTFOUND for an unknown key. */
int cw_config_layers_set(cw_config_layers *layers, const char *key,
                         const char *value, const char *origin);

/** Copies every value set in top over layers (flags keep their flag mark). */
int cw_config_layers_overlay(cw_config_layers *layers,
                             const cw_config_layers *top);

/**
 * Validates every value and fills out. Each bad value is appended to errors as
 * "ORIGIN: KEY: problem (allowed: …)\n".
 * @return 0, or CW_EINVAL with *flag_error set when a flag caused an error
 */
int cw_config_resolve(cw_config *out, const cw_config_layers *layers,
                      cw_buf *errors, int *flag_error);

void cw_config_dispose(cw_config *config);

/** Writes the commented default config file, listing every key. */
int cw_config_write_default(cw_buf *out);

/**
 * Splits "HOST:PORT" ("[::1]:8080", "127.0.0.1:0", "localhost:80").
 * host_out must hold 64 bytes. CW_EINVAL when malformed.
 */
int cw_config_parse_listen(const char *listen, char host_out[64],
                           int *port_out);

#endif
