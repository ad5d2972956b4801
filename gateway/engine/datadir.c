/* Data dir layout and init. Every step checks before it creates, so running
 * init again only fills in what is missing. */
#include "engine/datadir.h"

#include "engine/scope.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cw_datadir_pick(const char *flag)
{
	const char *env = getenv("CROSSWALK_DATA_DIR");

	if (flag && *flag)
		return flag;
	if (env && *env)
		return env;
	return "./crosswalk-data";
}

static int join(cw_buf *out, const char *dir, const char *name)
{
	cw_buf_clear(out);
	if (name[0] == '/')
		return cw_buf_puts(out, name);
	return cw_buf_printf(out, "%s/%s", dir, name);
}

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

int cw_datadir_load_config(cw_config *out, const char *dir,
                           const cw_config_layers *flags, cw_buf *errors,
                           int *flag_error)
{
	cw_buf path = CW_BUF_INIT(4096);
	cw_config_layers *layers = NULL;
	char *text = NULL;
	size_t len = 0;
	int err;

	*flag_error = 0;
	if ((err = join(&path, dir, CW_CONFIG_FILE_NAME)) < 0)
		goto out;
	err = cw_file_read(&text, &len, path.data, CW_LIMIT_CONFIG_FILE);
	if (err == CW_ENOTFOUND) {
		cw_error_set("%s is not an initialised data dir (no %s); run "
		             "`crosswalk init --data-dir %s`",
		             dir, CW_CONFIG_FILE_NAME, dir);
		goto out;
	}
	if (err < 0) {
		cw_buf_printf(errors, "%s\n", cw_error_last());
		goto out;
	}
	if ((err = cw_config_layers_new(&layers)) < 0)
		goto out;
	err = cw_config_layers_parse_file(layers, text, len, path.data, errors);
	if (err < 0)
		goto out;
	if ((err = cw_config_layers_apply_env(layers, env_lookup)) < 0)
		goto out;
	if (flags) {
		/* Flags were parsed into their own layers; copy the ones set.
		 */
		err = cw_config_layers_overlay(layers, flags);
		if (err < 0)
			goto out;
	}
	err = cw_config_resolve(out, layers, errors, flag_error);
out:
	if (err == CW_EINVAL && errors->len == 0)
		cw_buf_printf(errors, "%s\n", cw_error_last());
	cw_config_layers_free(layers);
	cw_free(text);
	cw_buf_dispose(&path);
	return err;
}

int cw_datadir_open_store(cw_store **out, const char *dir,
                          const cw_config *config)
{
	cw_store *store = NULL;
	int applied = 0;
	int err = cw_store_open(&store, config->store, dir);

	*out = NULL;
	if (err < 0)
		return err;
	err = cw_store_migrate(store, &applied);
	if (err < 0) {
		cw_store_free(store);
		return err;
	}
	*out = store;
	return 0;
}

static int ensure_master_key(int *created, const char *path)
{
	unsigned char key[CW_MASTER_KEY_LEN];
	char hex[2 * CW_MASTER_KEY_LEN + 2];
	struct stat st;
	int err;

	*created = 0;
	if (stat(path, &st) == 0)
		return 0;
	if ((err = cw_random_bytes(key, sizeof(key))) < 0)
		return err;
	cw_hex_encode(hex, key, sizeof(key));
	memset(key, 0, sizeof(key));
	hex[2 * CW_MASTER_KEY_LEN] = '\n';
	hex[2 * CW_MASTER_KEY_LEN + 1] = '\0';
	err = cw_file_create(path, hex, strlen(hex), 0600);
	memset(hex, 0, sizeof(hex));
	if (err == 0)
		*created = 1;
	return err;
}

int cw_datadir_master_key(unsigned char key[CW_MASTER_KEY_LEN], const char *dir,
                          const cw_config *config)
{
	const char *env = getenv("CROSSWALK_MASTER_KEY");
	cw_buf path = CW_BUF_INIT(4096);
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int err = 0;

	if (env && *env) {
		if (cw_hex_decode(key, CW_MASTER_KEY_LEN, env, strlen(env)) <
		    0) {
			cw_error_set(
			        "CROSSWALK_MASTER_KEY is not 64 hex digits");
			err = CW_EINVAL;
		}
		goto out;
	}
	if ((err = join(&path, dir, config->master_key_file)) < 0)
		goto out;
	if (stat(path.data, &st) == 0 && (st.st_mode & 077)) {
		cw_error_set("%s: the master key file is readable by others "
		             "(mode %03o); chmod 600 it",
		             path.data, (unsigned)(st.st_mode & 0777));
		err = CW_EINVAL;
		goto out;
	}
	if ((err = cw_file_read(&text, &len, path.data, 1024)) < 0)
		goto out;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (cw_hex_decode(key, CW_MASTER_KEY_LEN, text, len) < 0) {
		cw_error_set("%s: not 64 hex digits", path.data);
		err = CW_EINVAL;
	}
out:
	if (text) {
		memset(text, 0, len);
		cw_free(text);
	}
	cw_buf_dispose(&path);
	return err;
}

typedef struct {
	char client_id[CW_CLIENT_ID_LEN + 1];
} admin_search;

static int find_admin(const cw_client *client, void *payload)
{
	admin_search *search = payload;

	if (client->revoked_at[0] ||
	    !cw_scope_contains(client->scopes, CW_SCOPE_ADMIN,
	                       strlen(CW_SCOPE_ADMIN)))
		return 0;
	memcpy(search->client_id, client->client_id, sizeof(search->client_id));
	return 1; /* stop: one is enough */
}

static int ensure_admin(cw_init_report *out, cw_store *store,
                        const unsigned char key[CW_MASTER_KEY_LEN])
{
	admin_search search = { { 0 } };
	cw_tenant system;
	cw_audit_entry audit = { 0 };
	int err = cw_store_tenant_get(store, CW_SYSTEM_TENANT, &system);

	if (err == CW_ENOTFOUND) {
		err = cw_store_tenant_add(store, CW_SYSTEM_TENANT, &system);
		audit.actor = "cli";
		audit.tenant = CW_SYSTEM_TENANT;
		audit.action = "tenant.add";
		audit.target = CW_SYSTEM_TENANT;
		audit.outcome = err == 0 ? "success" : "failure";
		if (err == 0)
			err = cw_store_audit_append(store, &audit);
	}
	if (err < 0)
		return err;
	err = cw_store_client_list(store, system.id, find_admin, &search);
	if (err < 0)
		return err;
	if (search.client_id[0]) {
		memcpy(out->existing_admin, search.client_id,
		       sizeof(out->existing_admin));
		return 0;
	}
	err = cw_credentials_client_create(&out->admin, store, key,
	                                   CW_SYSTEM_TENANT, CW_SCOPE_ADMIN,
	                                   "cli");
	if (err == 0)
		out->created_admin = 1;
	return err;
}

int cw_datadir_init(cw_init_report *out, const char *dir,
                    const cw_config_layers *flags, cw_buf *errors)
{
	cw_buf path = CW_BUF_INIT(4096), text = CW_BUF_INIT(64 * 1024);
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_config config = { 0 };
	cw_store *store = NULL;
	struct stat st;
	int err, flag_error = 0;

	memset(out, 0, sizeof(*out));
	out->created_dir = stat(dir, &st) != 0;
	if ((err = cw_dir_ensure(dir, 0700)) < 0)
		goto out;
	if ((err = join(&path, dir, CW_CONFIG_FILE_NAME)) < 0 ||
	    (err = cw_config_write_default(&text)) < 0)
		goto out;
	err = cw_file_create(path.data, text.data, text.len, 0600);
	if (err == 0)
		out->created_config = 1;
	else if (err != CW_EEXISTS)
		goto out;
	err = cw_datadir_load_config(&config, dir, flags, errors, &flag_error);
	if (err < 0)
		goto out;
	if ((err = join(&path, dir, config.master_key_file)) < 0 ||
	    (err = ensure_master_key(&out->created_key, path.data)) < 0)
		goto out;
	if ((err = cw_store_open(&store, config.store, dir)) < 0 ||
	    (err = cw_store_migrate(store, &out->migrations_applied)) < 0)
		goto out;
	if ((err = cw_datadir_master_key(key, dir, &config)) == 0)
		err = ensure_admin(out, store, key);
	memset(key, 0, sizeof(key));
out:
	cw_store_free(store);
	cw_config_dispose(&config);
	cw_buf_dispose(&path);
	cw_buf_dispose(&text);
	return err;
}

void cw_init_report_dispose(cw_init_report *report)
{
	cw_new_client_dispose(&report->admin);
}
