/* crosswalk sync pull: a one-shot full (or --since delta) sync of a tenant
 * from a SIS's OneRoster REST API, imported like an uploaded CSV set. */
#include "cli/cli.h"

#include "engine/datadir.h"
#include "engine/sis_pull.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/secretbox.h"
#include "util/timeutil.h"
#include "util/buf.h"
#include "util/error.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cw_option pull_options[] = {
	{ "tenant", "NAME", "the tenant to sync into (required)", 0 },
	{ "base-url", "URL",
	  "the SIS's rostering service, e.g. https://sis/ims/oneroster/"
	  "rostering/v1p2 (required)",
	  0 },
	{ "version", "1.1|1.2", "OneRoster version of the SIS (required)", 0 },
	{ "token-url", "URL", "OAuth 2.0 token endpoint", 0 },
	{ "client-id", "ID", "OAuth 2.0 client id", 0 },
	{ "client-secret", "SECRET", "OAuth 2.0 client secret", 0 },
	{ "scope", "SCOPES", "OAuth 2.0 scopes to ask for", 0 },
	{ "oauth1-key", "KEY", "OAuth 1.0a consumer key (OneRoster 1.1)", 0 },
	{ "oauth1-secret", "SECRET", "OAuth 1.0a consumer secret", 0 },
	{ "page-size", "N", "records per page (default 100)", 0 },
	{ "since", "DATETIME",
	  "a delta: only what changed after DATETIME (deletions included)", 0 },
	{ "demographics", NULL, "pull /demographics too", 0 },
	{ "approve", NULL, "apply even past the delete threshold", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec pull_spec = {
	"sync pull",
	"--tenant NAME --base-url URL --version 1.1|1.2 [--token-url URL "
	"--client-id ID --client-secret SECRET | --oauth1-key K "
	"--oauth1-secret S] [--page-size N] [--since DATETIME] [--approve] "
	"[--json]",
	"Pull a roster from a SIS's OneRoster REST API and import it.",
	"Every rostering collection is read page by page (retrying 429, 5xx\n"
	"and network errors with backoff), written as a CSV set and imported\n"
	"as `roster import` would: validated, diffed, held past the delete\n"
	"threshold, applied in one transaction or not at all. A full pull\n"
	"turns rows the SIS no longer returns into deletions; --since pulls a\n"
	"delta (dateLastModified>DATETIME).",
	pull_options,
	0,
	0
};

/* Removes the pulled set: the files in dir, then dir. */
static void remove_set(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int client_options(cw_sis_pull_options *o, cw_buf *filter,
                          const cw_args *args)
{
	const char *version = cw_args_get(args, "version");
	const char *page = cw_args_get(args, "page-size");
	const char *since = cw_args_get(args, "since");
	char *end = NULL;
	memset(o, 0, sizeof(*o));
	o->client.base_url = cw_args_get(args, "base-url");
	if (!cw_args_get(args, "tenant") || !o->client.base_url || !version ||
	    (strcmp(version, "1.1") != 0 && strcmp(version, "1.2") != 0))
		return CW_EUSAGE;
	o->version = strcmp(version, "1.1") == 0 ? CW_OR_V1P1 : CW_OR_V1P2;
	if ((o->client.token_url = cw_args_get(args, "token-url"))) {
		o->client.auth = CW_OR_AUTH_OAUTH2;
		o->client.client_id = cw_args_get(args, "client-id");
		o->client.client_secret = cw_args_get(args, "client-secret");
		o->client.scope = cw_args_get(args, "scope");
	} else if ((o->client.consumer_key = cw_args_get(args, "oauth1-key"))) {
		o->client.auth = CW_OR_AUTH_OAUTH1;
		o->client.consumer_secret = cw_args_get(args, "oauth1-secret");
	}
	if (page && ((o->client.page_size = strtoul(page, &end, 10)) < 1 ||
	             o->client.page_size > 10000 || *end))
		return CW_EUSAGE;
	if (since) {
		cw_buf_printf(filter, "dateLastModified>'%s'", since);
		o->filter = cw_buf_cstr(filter);
	}
	o->demographics = cw_args_get(args, "demographics") != NULL;
	return 0;
}

static cJSON *pull_json(const cw_sis_pull_report *r)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "records", (double)r->totals.records);
	cJSON_AddNumberToObject(o, "pages", (double)r->totals.pages);
	cJSON_AddNumberToObject(o, "requests", (double)r->totals.requests);
	cJSON_AddNumberToObject(o, "retries", (double)r->totals.retries);
	cJSON_AddNumberToObject(o, "duplicates", (double)r->totals.duplicates);
	return o;
}

/* Pulls with o into a temporary set in the data dir and imports it into
 * tenant; the exit code, with the pull's figures in *r. */
static int pull_and_import(const cw_args *args, cw_cli_env *env,
                           const char *tenant, cw_sis_pull_options *o,
                           cw_sis_pull_report *r)
{
	cw_buf dir = CW_BUF_INIT(4096);
	int code;
	cw_buf_printf(&dir, "%s/sync-pull-XXXXXX", env->data_dir);
	if (dir.error || !mkdtemp(dir.data)) {
		code = cw_cli_fail(args, CW_EIO);
	} else if (cw_sis_pull(dir.data, o, r) < 0) {
		fprintf(stderr, "crosswalk %s: %s (nothing imported)\n",
		        args->spec->name, r->failure);
		code = CW_EXIT_INVALID;
	} else {
		if (!args->json)
			printf("Pulled %zu records in %zu pages (%zu requests, "
			       "%zu retries, %zu repeated rows).\n",
			       r->totals.records, r->totals.pages,
			       r->totals.requests, r->totals.retries,
			       r->totals.duplicates);
		code = cw_cli_roster_import_path(args, env, tenant, dir.data,
		                                 pull_json(r));
	}
	if (dir.data && !dir.error)
		remove_set(dir.data);
	cw_buf_dispose(&dir);
	return code;
}

static int run_pull(const cw_args *args)
{
	cw_sis_pull_options o;
	cw_sis_pull_report r;
	cw_buf filter = CW_BUF_INIT(512);
	cw_cli_env env;
	int code;
	if (client_options(&o, &filter, args) < 0) {
		fprintf(stderr, "crosswalk sync pull: --tenant, --base-url and "
		                "--version 1.1|1.2 are required (and "
		                "--page-size is 1 to 10000)\n");
		cw_buf_dispose(&filter);
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0) {
		cw_buf_dispose(&filter);
		return code;
	}
	/* The operator's own command: any address (district SISes are on
	 * private networks; the daemon's fetches for tenants are the ones
	 * kept off them). */
	o.client.public_only = 0;
	o.client.max_concurrent = (int)env.config.sync_max_concurrent;
	code = pull_and_import(args, &env, cw_args_get(args, "tenant"), &o, &r);
	cw_cli_env_close(&env);
	cw_buf_dispose(&filter);
	return code;
}

const cw_command cw_cmd_sync_pull = { &pull_spec, run_pull };
