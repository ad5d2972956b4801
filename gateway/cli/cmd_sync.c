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
	code = pull_and_import(args, &env, cw_args_get(args, "tenant"), &o, &r);
	cw_cli_env_close(&env);
	cw_buf_dispose(&filter);
	return code;
}

const cw_command cw_cmd_sync_pull = { &pull_spec, run_pull };

/* ---- stored connections: sync add | list | show | run -------------- */

static const cw_option add_options[] = {
	{ "tenant", "NAME", "the tenant the connection syncs (required)", 0 },
	{ "name", "CONN", "the connection's name, unique (required)", 0 },
	{ "base-url", "URL", "the SIS's rostering service (required)", 0 },
	{ "version", "1.1|1.2", "OneRoster version of the SIS (required)", 0 },
	{ "token-url", "URL", "OAuth 2.0 token endpoint", 0 },
	{ "client-id", "ID", "OAuth 2.0 client id", 0 },
	{ "client-secret", "SECRET", "OAuth 2.0 client secret", 0 },
	{ "scope", "SCOPES", "OAuth 2.0 scopes to ask for", 0 },
	{ "oauth1-key", "KEY", "OAuth 1.0a consumer key", 0 },
	{ "oauth1-secret", "SECRET", "OAuth 1.0a consumer secret", 0 },
	{ "schedule", "CRON", "when the daemon runs it (five cron fields)", 0 },
	{ "webhook", "URL", "POST each run's report (JSON) here", 0 },
	{ "page-size", "N", "records per page (default 100)", 0 },
	{ NULL, NULL, NULL, 0 }
};

/* The secret is sealed under the master key, bound to the name. */
static int seal_secret(char **out, cw_cli_env *env, const char *name,
                       const char *secret)
{
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_buf aad = CW_BUF_INIT(256);
	int err = cw_datadir_master_key(key, env->data_dir, &env->config);
	cw_buf_printf(&aad, "crosswalk sync %s", name);
	if (err == 0)
		err = aad.error ? aad.error
		                : cw_secretbox_seal(out, key, aad.data, secret,
		                                    strlen(secret));
	memset(key, 0, sizeof(key));
	cw_buf_dispose(&aad);
	return err;
}

static int valid_schedule(const char *cron)
{
	int fields = 0, in = 0;
	for (const char *p = cron; *p; p++) {
		if (*p == ' ') {
			in = 0;
		} else if (!strchr("0123456789*/,-", *p)) {
			return 0;
		} else if (!in) {
			in = 1;
			fields++;
		}
	}
	return fields == 5;
}

static int valid_name(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		            "YZ"
		            "0123456789._-",
		            name[n]))
			return 0;
	return n >= 1 && n <= 63;
}

static int add_checks(const cw_args *args, cw_sync_connection *c)
{
	const char *page = cw_args_get(args, "page-size");
	char *end = NULL;
	c->name = cw_args_get(args, "name");
	c->base_url = cw_args_get(args, "base-url");
	c->version = cw_args_get(args, "version");
	c->schedule = cw_args_get(args, "schedule");
	c->webhook_url = cw_args_get(args, "webhook");
	c->page_size = page ? strtol(page, &end, 10) : 100;
	if (!cw_args_get(args, "tenant") || !c->name || !valid_name(c->name) ||
	    !c->base_url || !c->version ||
	    (strcmp(c->version, "1.1") != 0 &&
	     strcmp(c->version, "1.2") != 0) ||
	    c->page_size < 1 || c->page_size > 10000 || (end && *end) ||
	    (c->schedule && !valid_schedule(c->schedule)) ||
	    (c->webhook_url && strncmp(c->webhook_url, "http://", 7) != 0 &&
	     strncmp(c->webhook_url, "https://", 8) != 0))
		return CW_EUSAGE;
	c->token_url = cw_args_get(args, "token-url");
	c->client_id = cw_args_get(args, "client-id");
	c->scope = cw_args_get(args, "scope");
	c->auth = c->token_url                      ? "oauth2"
	          : cw_args_get(args, "oauth1-key") ? "oauth1"
	                                            : "none";
	if (strcmp(c->auth, "oauth1") == 0)
		c->client_id = cw_args_get(args, "oauth1-key");
	return 0;
}

static int run_add(const cw_args *args)
{
	cw_sync_connection c = { 0 };
	cw_tenant tenant;
	cw_cli_env env;
	char *sealed = NULL;
	int64_t id = 0;
	int code, err;
	if (add_checks(args, &c) < 0) {
		fprintf(stderr,
		        "crosswalk sync add: --tenant, --name, --base-url "
		        "and --version 1.1|1.2 are required; --page-size "
		        "is 1 to 10000; --schedule has five cron "
		        "fields\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	const char *secret = strcmp(c.auth, "oauth1") == 0
	                             ? cw_args_get(args, "oauth1-secret")
	                             : cw_args_get(args, "client-secret");
	err = cw_store_tenant_get(env.store, cw_args_get(args, "tenant"),
	                          &tenant);
	if (err == 0 && secret &&
	    (err = seal_secret(&sealed, &env, c.name, secret)) == 0)
		c.secret_sealed = sealed;
	c.tenant_id = tenant.id;
	if (err == 0)
		err = cw_store_sync_add(env.store, &c, &id);
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)id);
		cJSON_AddStringToObject(o, "name", c.name);
		code = cw_cli_print_json(o);
	} else {
		printf("Sync connection %s added (id %lld).\n", c.name,
		       (long long)id);
		code = CW_EXIT_OK;
	}
	cw_free(sealed);
	cw_cli_env_close(&env);
	return code;
}

static cJSON *connection_json(const cw_sync_connection *c)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddNumberToObject(o, "tenant_id", (double)c->tenant_id);
	cJSON_AddStringToObject(o, "base_url", c->base_url);
	cJSON_AddStringToObject(o, "version", c->version);
	cJSON_AddStringToObject(o, "auth", c->auth);
	if (c->token_url)
		cJSON_AddStringToObject(o, "token_url", c->token_url);
	if (c->client_id)
		cJSON_AddStringToObject(o, "client_id", c->client_id);
	cJSON_AddNumberToObject(o, "page_size", (double)c->page_size);
	if (c->schedule)
		cJSON_AddStringToObject(o, "schedule", c->schedule);
	if (c->webhook_url)
		cJSON_AddStringToObject(o, "webhook", c->webhook_url);
	if (c->cursor)
		cJSON_AddStringToObject(o, "cursor", c->cursor);
	if (c->last_state)
		cJSON_AddStringToObject(o, "last_state", c->last_state);
	cJSON *report = c->last_report ? cJSON_Parse(c->last_report) : NULL;
	if (report)
		cJSON_AddItemToObject(o, "last_report", report);
	return o;
}

typedef struct {
	const cw_args *args;
	cJSON *list;
	cw_sync_connection copy; /* sync run: the connection, its strings */
	char *strings[16];
	int64_t tenant_id;
} listing;

static int on_list(const cw_sync_connection *c, void *payload)
{
	listing *l = payload;
	if (l->list)
		return cJSON_AddItemToArray(l->list, connection_json(c))
		               ? 0
		               : CW_ENOMEM;
	printf("%-24s %-4s %-8s %-10s %s\n", c->name, c->version,
	       c->last_state ? c->last_state : "never", c->auth, c->base_url);
	return 0;
}

static const cw_option list_options[] = { { NULL, NULL, NULL, 0 } };

static int run_list(const cw_args *args)
{
	cw_cli_env env;
	listing l = { args, NULL, { 0 }, { NULL }, 0 };
	int code = cw_cli_env_open(&env, args, NULL);
	if (code)
		return code;
	if (args->json)
		l.list = cJSON_CreateArray();
	int err = cw_store_sync_list(env.store, 0, NULL, on_list, &l);
	code = err < 0      ? cw_cli_fail(args, err)
	       : args->json ? cw_cli_print_json(l.list)
	                    : CW_EXIT_OK;
	if (err < 0)
		cJSON_Delete(l.list);
	cw_cli_env_close(&env);
	return code;
}

static int on_show(const cw_sync_connection *c, void *payload)
{
	(void)payload;
	return cw_cli_print_json(connection_json(c)) == CW_EXIT_OK ? 0 : CW_EIO;
}

static int run_show(const cw_args *args)
{
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL);
	if (code)
		return code;
	int err = cw_store_sync_list(env.store, 0, args->positionals[0],
	                             on_show, NULL);
	code = err < 0 ? cw_cli_fail(args, err) : CW_EXIT_OK;
	cw_cli_env_close(&env);
	return code;
}

/* Keeps a copy of the connection sync run works on. */
static int on_copy(const cw_sync_connection *c, void *payload)
{
	listing *l = payload;
	const char *const *from[] = { &c->name,          &c->base_url,
		                      &c->version,       &c->auth,
		                      &c->token_url,     &c->client_id,
		                      &c->secret_sealed, &c->scope,
		                      &c->cursor,        &c->webhook_url };
	const char **to[] = { &l->copy.name,          &l->copy.base_url,
		              &l->copy.version,       &l->copy.auth,
		              &l->copy.token_url,     &l->copy.client_id,
		              &l->copy.secret_sealed, &l->copy.scope,
		              &l->copy.cursor,        &l->copy.webhook_url };
	l->copy.id = c->id;
	l->copy.tenant_id = c->tenant_id;
	l->copy.page_size = c->page_size;
	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		if (!*from[i])
			continue;
		if (!(l->strings[i] = cw_strdup(*from[i])))
			return CW_ENOMEM;
		*to[i] = l->strings[i];
	}
	return 0;
}

typedef struct {
	int64_t id;
	char name[CW_TENANT_NAME_MAX + 1];
} tenant_lookup;

static int on_tenant(const cw_tenant *t, void *payload)
{
	tenant_lookup *f = payload;
	if (t->id == f->id)
		snprintf(f->name, sizeof(f->name), "%s", t->name);
	return 0;
}

static int open_secret(char **out, cw_cli_env *env, const listing *l)
{
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_buf aad = CW_BUF_INIT(256);
	size_t len = 0;
	int err = cw_datadir_master_key(key, env->data_dir, &env->config);
	cw_buf_printf(&aad, "crosswalk sync %s", l->copy.name);
	if (err == 0)
		err = cw_secretbox_open(out, &len, key, aad.data,
		                        l->copy.secret_sealed,
		                        strlen(l->copy.secret_sealed));
	memset(key, 0, sizeof(key));
	cw_buf_dispose(&aad);
	return err;
}

/* A delta starts OVERLAP_S before the last applied pull began, so rows
 * changed while it ran (a boundary tie) are read again, never lost. */
#define OVERLAP_S 300

static void run_options(cw_sis_pull_options *o, const listing *l,
                        const char *secret, cw_buf *filter, int full)
{
	const cw_sync_connection *c = &l->copy;
	int64_t since_ms;
	memset(o, 0, sizeof(*o));
	o->client.base_url = c->base_url;
	o->client.page_size = (size_t)c->page_size;
	o->version = strcmp(c->version, "1.1") == 0 ? CW_OR_V1P1 : CW_OR_V1P2;
	if (strcmp(c->auth, "oauth2") == 0) {
		o->client.auth = CW_OR_AUTH_OAUTH2;
		o->client.token_url = c->token_url;
		o->client.client_id = c->client_id;
		o->client.client_secret = secret;
		o->client.scope = c->scope;
	} else if (strcmp(c->auth, "oauth1") == 0) {
		o->client.auth = CW_OR_AUTH_OAUTH1;
		o->client.consumer_key = c->client_id;
		o->client.consumer_secret = secret;
	}
	if (!full && c->cursor &&
	    cw_time_parse_iso(c->cursor, &since_ms) == 0) {
		char since[CW_TIME_ISO_LEN];
		cw_time_format_iso(since_ms - OVERLAP_S * 1000L, since);
		cw_buf_printf(filter, "dateLastModified>'%s'", since);
		o->filter = cw_buf_cstr(filter);
	}
}

/* Posts the run's report to the connection's webhook: three tries, 1 s
 * then 2 s apart; a webhook that stays down is reported on stderr and
 * changes nothing (the run itself is done and recorded). */
static void notify(const listing *l, const char *tenant, int code,
                   const cw_sis_pull_report *r, int pulled)
{
	cw_fetch_options fo = { 65536, 10, NULL, NULL, 0 };
	cJSON *doc = cJSON_CreateObject();
	char at[CW_TIME_ISO_LEN];
	long status = 0;
	int err = CW_ENOMEM;
	if (!l->copy.webhook_url || !doc) {
		cJSON_Delete(doc);
		return;
	}
	cw_time_format_iso(cw_time_now_ms(), at);
	cJSON_AddStringToObject(doc, "connection", l->copy.name);
	cJSON_AddStringToObject(doc, "tenant", tenant);
	cJSON_AddStringToObject(doc, "at", at);
	cJSON_AddStringToObject(doc, "state",
	                        code == CW_EXIT_OK ? "ok"
	                        : pulled           ? "held or rejected"
	                                           : "failed");
	cJSON_AddNumberToObject(doc, "exit_code", code);
	if (pulled)
		cJSON_AddItemToObject(doc, "pull", pull_json(r));
	else
		cJSON_AddStringToObject(doc, "error", r->failure);
	char *body = cw_json_print(doc);
	for (int attempt = 0; body && attempt < 3; attempt++) {
		if (attempt)
			sleep((unsigned)attempt);
		if ((err = cw_net_post_json(&status, l->copy.webhook_url, body,
		                            &fo)) == 0)
			break;
	}
	if (err < 0)
		fprintf(stderr, "crosswalk sync run: webhook %s: %s\n",
		        l->copy.webhook_url, cw_error_last());
	cw_free(body);
	cJSON_Delete(doc);
}

static const cw_option run_options_spec[] = {
	{ "full", NULL, "a full pull even when a delta could do", 0 },
	{ "approve", NULL, "apply even past the delete threshold", 0 },
	{ NULL, NULL, NULL, 0 }
};

static int run_run(const cw_args *args)
{
	cw_cli_env env;
	listing l = { args, NULL, { 0 }, { NULL }, 0 };
	cw_sis_pull_options o;
	cw_sis_pull_report r;
	memset(&r, 0, sizeof(r));
	cw_buf filter = CW_BUF_INIT(512);
	char *secret = NULL, started[CW_TIME_ISO_LEN];
	int code = cw_cli_env_open(&env, args, NULL), err;
	if (code)
		return code;
	cw_time_format_iso(cw_time_now_ms(), started);
	err = cw_store_sync_list(env.store, 0, args->positionals[0], on_copy,
	                         &l);
	if (err == 0 && l.copy.secret_sealed)
		err = open_secret(&secret, &env, &l);
	if (err < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	tenant_lookup t = { l.copy.tenant_id, "" };
	if ((err = cw_store_tenant_list(env.store, on_tenant, &t)) < 0 ||
	    !t.name[0]) {
		code = cw_cli_fail(args, err < 0 ? err : CW_ENOTFOUND);
		goto out;
	}
	run_options(&o, &l, secret, &filter, cw_args_get(args, "full") != NULL);
	code = pull_and_import(args, &env, t.name, &o, &r);
	notify(&l, t.name, code, &r, r.failure[0] == '\0');
	(void)cw_store_sync_done(env.store, l.copy.id, cw_time_now_ms(),
	                         code == CW_EXIT_OK ? "ok" : "failed", NULL,
	                         code == CW_EXIT_OK ? started : NULL);
out:
	for (size_t i = 0; i < 16; i++)
		cw_free(l.strings[i]);
	if (secret)
		memset(secret, 0, strlen(secret));
	cw_free(secret);
	cw_buf_dispose(&filter);
	cw_cli_env_close(&env);
	return code;
}

static const cw_command_spec add_spec = {
	"sync add",
	"--tenant NAME --name CONN --base-url URL --version 1.1|1.2 "
	"[--token-url URL --client-id ID --client-secret S | --oauth1-key K "
	"--oauth1-secret S] [--schedule CRON] [--webhook URL] [--page-size N] "
	"[--json]",
	"Add a SIS a tenant pulls OneRoster from (secrets sealed).",
	"The client or consumer secret is sealed with AES-256-GCM under the\n"
	"master key. `sync run CONN` pulls it; a schedule is recorded for the\n"
	"daemon (which does not run schedules yet).",
	add_options,
	0,
	0
};
static const cw_command_spec list_spec = { "sync list",
	                                   "[--json]",
	                                   "List the sync connections.",
	                                   NULL,
	                                   list_options,
	                                   0,
	                                   0 };
static const cw_command_spec show_spec = {
	"sync show",
	"CONN",
	"Show a sync connection and its last run.",
	NULL,
	list_options,
	1,
	1
};
static const cw_command_spec run_spec = {
	"sync run",
	"CONN [--full] [--approve] [--json]",
	"Pull a connection's SIS now and import what it returns.",
	"The first run, and --full, pull everything (rows the SIS no longer\n"
	"returns become deletions); later runs pull a delta from 5 minutes\n"
	"before the last applied run began. The cursor moves only when the\n"
	"import applied or found nothing to change.",
	run_options_spec,
	1,
	1
};

const cw_command cw_cmd_sync_add = { &add_spec, run_add };
const cw_command cw_cmd_sync_list = { &list_spec, run_list };
const cw_command cw_cmd_sync_show = { &show_spec, run_show };
const cw_command cw_cmd_sync_run = { &run_spec, run_run };
