/* Shared pieces of the command-line commands. */
#ifndef CW_CLI_CLI_H
#define CW_CLI_CLI_H

#include "cli/args.h"
#include <cjson/cJSON.h>
#include "engine/badges.h"
#include "engine/datadir.h"
#include "engine/doc_fetch.h"
#include "jsonld/jsonld.h"
#include "store/store.h"
#include "util/config.h"

typedef struct {
	const cw_command_spec *spec;
	int (*run)(const cw_args *args);
} cw_command;

/* Exit codes of every command. */
#define CW_EXIT_OK       0
#define CW_EXIT_INVALID  1
#define CW_EXIT_USAGE    2
#define CW_EXIT_INTERNAL 3

/** Maps an error code to the exit code (EINVAL, ENOTFOUND … → 1). */
int cw_cli_exit_code(int err);

/** Prints "crosswalk CMD: message" to stderr and returns the exit code. */
int cw_cli_fail(const cw_args *args, int err);

typedef struct {
	const char *data_dir;
	cw_config config;
	cw_store *store;
} cw_cli_env;

/**
 * Loads the data dir's config (with flag overrides, may be NULL) and opens
 * its store. Prints problems; returns an exit code (0 on success).
 */
int cw_cli_env_open(cw_cli_env *out, const cw_args *args,
                    const cw_config_layers *flags);
void cw_cli_env_close(cw_cli_env *env);

/** Prints doc compactly on stdout and frees it; NULL (out of memory) is
 *  reported. Returns an exit code. */
int cw_cli_print_json(cJSON *doc);

/** Appends an audit entry for a CLI action (actor "cli"). */
int cw_cli_audit(cw_store *store, const char *tenant, const char *action,
                 const char *target, int err);

extern const cw_command cw_cmd_init, cw_cmd_serve, cw_cmd_tenant_add,
        cw_cmd_tenant_list, cw_cmd_client_add, cw_cmd_client_list,
        cw_cmd_client_revoke, cw_cmd_version, cw_cmd_roster_validate,
        cw_cmd_roster_import, cw_cmd_roster_export, cw_cmd_case_validate,
        cw_cmd_case_import, cw_cmd_case_crosswalk, cw_cmd_case_mirror,
        cw_cmd_case_export, cw_cmd_rdf_canonize, cw_cmd_jsonld_expand,
        cw_cmd_jsonld_canonize, cw_cmd_keys_generate, cw_cmd_vc_sign,
        cw_cmd_vc_verify, cw_cmd_sync_pull, cw_cmd_badge_verify,
        cw_cmd_badge_bake, cw_cmd_badge_unbake, cw_cmd_issuer_add,
        cw_cmd_issuer_list, cw_cmd_issuer_rotate, cw_cmd_achievement_add,
        cw_cmd_badge_issue, cw_cmd_badge_revoke, cw_cmd_badge_status,
        cw_cmd_sync_add, cw_cmd_sync_list, cw_cmd_sync_show, cw_cmd_sync_run,
        cw_cmd_holder_add, cw_cmd_holder_list, cw_cmd_map_check,
        cw_cmd_map_install, cw_cmd_map_run, cw_cmd_jobs_list,
        cw_cmd_jobs_dead_letters, cw_cmd_jobs_show, cw_cmd_jobs_replay,
        cw_cmd_jobs_queue, cw_cmd_clr_build, cw_cmd_sync_update,
        cw_cmd_sync_remove, cw_cmd_sync_approve, cw_cmd_tenant_update;
/* cmd_migrate.c */
extern const cw_command cw_cmd_migrate;

/** Imports the set at path into tenant as `roster import` does (its
 * --approve and --json), printing the report; extra (taken) joins the JSON
 * report as "pull". Returns the exit code. */
int cw_cli_roster_import_path(const cw_args *args, cw_cli_env *env,
                              const char *tenant, const char *path,
                              cJSON *extra);

/** What the flows fetch documents with: this gateway's own badge documents
 *  from the store, the rest over http(s) (off private addresses unless the
 *  config's fetch_private_addresses allows them). */
typedef struct {
	cw_cli_env *env;
	cw_badges badges;
	unsigned char master[CW_MASTER_KEY_LEN];
	cw_buf base;
	cw_doc_fetcher docs;
} cw_cli_fetcher;

/** 0, or an exit code (printed). */
int cw_cli_fetcher_open(cw_cli_fetcher *f, cw_cli_env *env,
                        const cw_args *args);
void cw_cli_fetcher_close(cw_cli_fetcher *f);
/** A cw_badge_fetch_fn: cw_doc_fetch; arg is the fetcher's docs. */
#define cw_cli_flow_fetch cw_doc_fetch

/** A loader of the embedded contexts plus --map URL_PREFIX=DIR. */
int cw_cli_jsonld_loader(cw_jsonld_loader **out, const cw_args *args);
/** 0 when fetch_private_addresses (the data dir's config, else the
 *  environment) lets badge fetches reach loopback and private networks. */
int cw_cli_fetch_public_only(const cw_args *args);
/** Prints a JSON-LD error as FILE: POINTER: CODE: message. */
void cw_cli_jsonld_report(const char *path, int err,
                          const cw_jsonld_error *where);

#endif
