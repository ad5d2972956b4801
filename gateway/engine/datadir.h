/* The data directory: config file, master key and the SQLite database, and
 * the idempotent `init` that lays them out. */
#ifndef CW_ENGINE_DATADIR_H
#define CW_ENGINE_DATADIR_H

#include "engine/credentials.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/config.h"

#define CW_CONFIG_FILE_NAME "crosswalk.conf"
#define CW_MASTER_KEY_LEN   CW_SECRETBOX_KEY_LEN

/** The data dir: flag, else $CROSSWALK_DATA_DIR, else ./crosswalk-data. */
const char *cw_datadir_pick(const char *flag);

typedef struct {
	int created_dir;
	int created_config;
	int created_key;
	int migrations_applied;
	int created_admin; /* admin holds the new client when set */
	cw_new_client admin;
	char existing_admin[CW_CLIENT_ID_LEN + 1]; /* when one already exists */
} cw_init_report;

/**
 * Creates what is missing in dir and never touches what is there: the
 * directory (0700), crosswalk.conf, the master key (0600), the migrated
 * database, the system tenant and its first admin client.
 * flags: config overrides from the command line (may be NULL).
 */
int cw_datadir_init(cw_init_report *out, const char *dir,
                    const cw_config_layers *flags, cw_buf *errors);
void cw_init_report_dispose(cw_init_report *report);

/**
 * Loads the config of an initialised dir: its file, then the environment,
 * then flags. Problems are appended to errors; *flag_error tells whether a
 * flag caused one. CW_ENOTFOUND when dir has no config (not initialised).
 */
int cw_datadir_load_config(cw_config *out, const char *dir,
                           const cw_config_layers *flags, cw_buf *errors,
                           int *flag_error);

/** Opens and migrates the store the config names. */
int cw_datadir_open_store(cw_store **out, const char *dir,
                          const cw_config *config);

/**
 * Loads the master key: $CROSSWALK_MASTER_KEY (64 hex digits) or the key file,
 * which must not be readable by group or others.
 */
int cw_datadir_master_key(unsigned char key[CW_MASTER_KEY_LEN], const char *dir,
                          const cw_config *config);

#endif
