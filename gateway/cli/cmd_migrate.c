/* crosswalk migrate: moves a tenant's data from this data dir's store to
 * another store (SQLite or PostgreSQL), verified by comparing exports. */
#include "cli/cli.h"

#include "engine/tenant_copy.h"
#include "util/error.h"
#include "util/file.h"
#include "util/timeutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cw_option migrate_options[] = {
	{ "tenant", "NAME", "the tenant to copy (required)", 0 },
	{ "to", "STORE",
	  "postgres://USER@HOST:PORT/DB, or sqlite:DIR (a data dir whose "
	  "crosswalk.db is made if absent) (required)",
	  0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec migrate_spec = {
	"migrate",
	"--tenant NAME --to STORE [--json]",
	"Copy a tenant's data to another store, verified by comparing exports.",
	"The source is this data dir's store (its config's store, or\n"
	"CROSSWALK_STORE). Every row of the tenant goes into STORE in one\n"
	"transaction (migrated first if it is new); ids are allocated anew\n"
	"there and every reference remapped; change-log sequence numbers keep\n"
	"their order (moved up only if STORE's logs are past them). Then the\n"
	"OneRoster 1.2 CSV export, the CASE JSON of every CFDocument and the\n"
	"tenant's issuers, achievements, credentials, sync connections and\n"
	"runs, flow runs, holders, clients and roster change feed are made\n"
	"from both stores and compared byte for byte; if any differs, the\n"
	"tenant's rows are deleted from STORE again. The source is not\n"
	"changed. Issuer keys and other secrets stay sealed under this data\n"
	"dir's master key: the nodes on STORE need the same master key (and\n"
	"contexts dir, if one is configured). Exit 1: no such tenant, STORE\n"
	"has a tenant of that name (nothing written), or an export differed;\n"
	"2: a bad STORE; 3: STORE cannot be reached or written.\n"
	"--json prints {\"tenant\", \"from\", \"to\", \"rows\": {table: n},\n"
	"\"exports_compared\": [...], \"verified\": true, \"seconds\",\n"
	"\"rows_per_second\"}.",
	migrate_options,
	0,
	0
};

/* A store URL without the password of its user. */
static void shown(char *out, size_t size, const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;

	if (at && colon && colon < at)
		snprintf(out, size, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, size, "%s", url);
}

/* Opens (and migrates) the target: 0, or an exit code (printed). */
static int open_target(cw_store **out, const cw_args *args, const char *to)
{
	int applied = 0, err;

	*out = NULL;
	if (strncmp(to, "sqlite:", 7) == 0 && to[7]) {
		if ((err = cw_dir_ensure(to + 7, 0700)) == 0)
			err = cw_store_open(out, "sqlite", to + 7);
	} else if (strncmp(to, "postgres://", 11) == 0 ||
	           strncmp(to, "postgresql://", 13) == 0) {
		err = cw_store_open(out, to, NULL);
	} else {
		fprintf(stderr,
		        "crosswalk migrate: --to: \"%s\" is neither "
		        "postgres://USER@HOST:PORT/DB nor sqlite:DIR\n",
		        to);
		return CW_EXIT_USAGE;
	}
	if (err == 0)
		err = cw_store_migrate(*out, &applied);
	if (err < 0) {
		cw_store_free(*out);
		*out = NULL;
		/* Whatever keeps the target from opening is not the input's
		 * fault: an I/O error (3). */
		fprintf(stderr, "crosswalk %s: %s\n", args->spec->name,
		        *cw_error_last() ? cw_error_last()
		                         : cw_error_name(err));
		return CW_EXIT_INTERNAL;
	}
	return 0;
}

static double per_second(uint64_t rows, int64_t ms)
{
	return ms > 0 ? (double)rows * 1000.0 / (double)ms : (double)rows;
}

static int report_json(const cw_tenant_copy_result *r, const char *tenant,
                       const char *from, const char *to)
{
	cJSON *doc = cJSON_CreateObject(), *rows = cJSON_CreateObject();
	int64_t ms = r->load_ms + r->verify_ms;

	if (!doc || !rows ||
	    !cJSON_AddItemToObject(doc, "tenant", cJSON_CreateString(tenant))) {
		cJSON_Delete(doc);
		cJSON_Delete(rows);
		return CW_EXIT_INTERNAL;
	}
	cJSON_AddStringToObject(doc, "from", from);
	cJSON_AddStringToObject(doc, "to", to);
	for (size_t i = 0; i < r->table_count; i++)
		cJSON_AddNumberToObject(rows, r->tables[i].name,
		                        (double)r->rows[i]);
	cJSON_AddItemToObject(doc, "rows", rows);
	cJSON_AddNumberToObject(doc, "total_rows", (double)r->total);
	cJSON_AddItemReferenceToObject(doc, "exports_compared", r->compared);
	cJSON_AddBoolToObject(doc, "verified", r->verified);
	cJSON_AddNumberToObject(doc, "roster_seq_shift",
	                        (double)r->roster_seq_shift);
	cJSON_AddNumberToObject(doc, "case_seq_shift",
	                        (double)r->case_seq_shift);
	cJSON_AddNumberToObject(doc, "load_seconds", (double)r->load_ms / 1e3);
	cJSON_AddNumberToObject(doc, "verify_seconds",
	                        (double)r->verify_ms / 1e3);
	cJSON_AddNumberToObject(doc, "seconds", (double)ms / 1e3);
	cJSON_AddNumberToObject(doc, "rows_per_second",
	                        per_second(r->total, r->load_ms));
	return cw_cli_print_json(doc);
}

static void report_text(const cw_tenant_copy_result *r, const char *tenant,
                        const char *from, const char *to)
{
	printf("Migrated tenant %s from %s to %s: %llu rows\n", tenant, from,
	       to, (unsigned long long)r->total);
	for (size_t i = 0; i < r->table_count; i++)
		if (r->rows[i])
			printf("  %-20s %llu\n", r->tables[i].name,
			       (unsigned long long)r->rows[i]);
	if (r->roster_seq_shift || r->case_seq_shift)
		printf("Change-log numbers moved up by %lld (roster) and %lld "
		       "(CASE): feed readers get some changes again.\n",
		       (long long)r->roster_seq_shift,
		       (long long)r->case_seq_shift);
	printf("Verified: %d exports identical.\n",
	       cJSON_GetArraySize(r->compared));
	printf("Loaded in %.2f s (%.0f rows/s), verified in %.2f s.\n",
	       (double)r->load_ms / 1e3, per_second(r->total, r->load_ms),
	       (double)r->verify_ms / 1e3);
}

static int run_migrate(const cw_args *args)
{
	const char *tenant = cw_args_get(args, "tenant");
	const char *to = cw_args_get(args, "to");
	const char *tmp = getenv("TMPDIR");
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_tenant_copy_options o = { tenant, NULL, tmp && *tmp ? tmp : "/tmp" };
	cw_tenant_copy_result r = { 0 };
	char from_shown[600], to_shown[600];
	cw_store *target = NULL;
	cw_cli_env env;
	int code, err;

	if (!tenant || !to) {
		fprintf(stderr, "crosswalk migrate: --tenant and --to are "
		                "required\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	if ((code = open_target(&target, args, to)) != 0)
		goto out;
	if (cw_datadir_master_key(key, env.data_dir, &env.config) == 0)
		o.master_key = key;
	shown(from_shown, sizeof(from_shown), env.config.store);
	shown(to_shown, sizeof(to_shown), to);
	err = cw_tenant_copy(&r, env.store, target, &o);
	(void)cw_cli_audit(env.store, tenant, "tenant.migrate", to_shown, err);
	if (err == 0)
		(void)cw_cli_audit(target, tenant, "tenant.migrate", from_shown,
		                   0);
	if (err < 0) {
		code = cw_cli_fail(args, err);
		if (r.undone)
			fprintf(stderr, "crosswalk migrate: the copy was "
			                "deleted from the target again\n");
	} else if (args->json) {
		code = report_json(&r, tenant, from_shown, to_shown);
	} else {
		report_text(&r, tenant, from_shown, to_shown);
	}
out:
	memset(key, 0, sizeof(key));
	cw_tenant_copy_result_dispose(&r);
	cw_store_free(target);
	cw_cli_env_close(&env);
	return code;
}

const cw_command cw_cmd_migrate = { &migrate_spec, run_migrate };
