/* crosswalk sync add | update | remove | list | show | run | approve: stored
 * connections, each a SIS a tenant pulls OneRoster from, run here or on
 * the daemon's schedule (engine/sync_run.h; one run at a time). */
#include "cli/cli.h"

#include "engine/cron.h"
#include "engine/datadir.h"
#include "engine/sync_run.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/secretbox.h"
#include "util/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONNECTION_OPTIONS                                                     \
	{ "base-url", "URL", "the SIS's rostering service", 0 },               \
	        { "version", "1.1|1.2", "OneRoster version of the SIS", 0 },   \
	        { "token-url", "URL", "OAuth 2.0 token endpoint", 0 },         \
	        { "client-id", "ID", "OAuth 2.0 client id", 0 },               \
	        { "client-secret", "SECRET", "OAuth 2.0 client secret", 0 },   \
	        { "scope", "SCOPES", "OAuth 2.0 scopes to ask for", 0 },       \
	        { "oauth1-key", "KEY", "OAuth 1.0a consumer key", 0 },         \
	        { "oauth1-secret", "SECRET", "OAuth 1.0a consumer secret",     \
		  0 },                                                         \
	        { "schedule", "CRON",                                          \
		  "when the daemon runs it: 5 cron fields (or 6, seconds "     \
		  "first), in the tenant's time zone",                         \
		  0 },                                                         \
	        { "full-schedule", "CRON",                                     \
		  "runs this has come due for since the last full run are "    \
		  "full syncs (others are deltas)",                            \
		  0 },                                                         \
	        { "blackout", "FROM..TO",                                      \
		  "dates (YYYY-MM-DD, the tenant's, inclusive) no scheduled "  \
		  "run fires on; repeatable",                                  \
		  1 },                                                         \
	        { "webhook", "URL", "POST each run's report (JSON) here", 0 }, \
	{                                                                      \
		"page-size", "N", "records per page (default 100)", 0          \
	}

static const cw_option add_options[] = {
	{ "tenant", "NAME", "the tenant the connection syncs (required)", 0 },
	{ "name", "CONN", "the connection's name, unique (required)", 0 },
	CONNECTION_OPTIONS,
	{ NULL, NULL, NULL, 0 }
};

static const cw_option update_options[] = {
	CONNECTION_OPTIONS,
	{ "no-schedule", NULL, "remove the schedule", 0 },
	{ "no-full-schedule", NULL, "remove the full schedule", 0 },
	{ "no-blackouts", NULL, "remove every blackout range", 0 },
	{ "no-webhook", NULL, "remove the webhook", 0 },
	{ NULL, NULL, NULL, 0 }
};

/* What a connection's flags set, with the strings they need. */
typedef struct {
	cw_sync_connection c;
	cw_buf blackouts;
	const char *secret;
	char *sealed;
	long page_size;
} edit;

static int valid_name(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		            "YZ0123456789._-",
		            name[n]))
			return 0;
	return n >= 1 && n <= 63;
}

static int usage(const cw_args *args, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int usage(const cw_args *args, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "crosswalk %s: ", args->spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CW_EXIT_USAGE;
}

/* --token-url, --oauth1-key, --client-id/-secret: the auth and secret. */
static void auth_flags(edit *e, const cw_args *args)
{
	cw_sync_connection *c = &e->c;
	if (cw_args_get(args, "token-url")) {
		c->auth = "oauth2";
		c->client_id = cw_args_get(args, "client-id");
		e->secret = cw_args_get(args, "client-secret");
	} else if (cw_args_get(args, "oauth1-key")) {
		c->auth = "oauth1";
		c->client_id = cw_args_get(args, "oauth1-key");
		c->token_url = NULL;
		e->secret = cw_args_get(args, "oauth1-secret");
	} else if (cw_args_get(args, "client-id") ||
	           cw_args_get(args, "client-secret")) {
		if (cw_args_get(args, "client-id"))
			c->client_id = cw_args_get(args, "client-id");
		e->secret = cw_args_get(args, "client-secret");
	}
}

/* --blackout (repeated) or --no-blackouts; an exit code. */
static int blackout_flags(edit *e, const cw_args *args)
{
	int n = cw_args_count(args, "blackout");
	if (!n && !cw_args_get(args, "no-blackouts"))
		return 0;
	cw_buf_clear(&e->blackouts);
	for (int i = 0; i < n; i++) {
		cw_blackout b;
		const char *text = cw_args_get_nth(args, "blackout", i);
		if (cw_blackout_parse(&b, text) < 0)
			return usage(args, "--%s", cw_error_last());
		cw_buf_printf(&e->blackouts, "%s%s", i ? "," : "", text);
	}
	e->c.blackouts = e->blackouts.len ? cw_buf_cstr(&e->blackouts) : NULL;
	return 0;
}

/* Overlays the flags given onto e->c; an exit code (0: fine). */
static int apply_flags(edit *e, const cw_args *args)
{
	static const struct {
		const char *flag;
		size_t offset;
	} texts[] = {
		{ "base-url", offsetof(cw_sync_connection, base_url) },
		{ "version", offsetof(cw_sync_connection, version) },
		{ "token-url", offsetof(cw_sync_connection, token_url) },
		{ "scope", offsetof(cw_sync_connection, scope) },
		{ "schedule", offsetof(cw_sync_connection, schedule) },
		{ "full-schedule",
		  offsetof(cw_sync_connection, full_schedule) },
		{ "webhook", offsetof(cw_sync_connection, webhook_url) },
	};
	cw_sync_connection *c = &e->c;
	const char *page = cw_args_get(args, "page-size");
	int code;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *v = cw_args_get(args, texts[i].flag);
		if (v)
			*(const char **)(void *)((char *)c + texts[i].offset) =
			        v;
	}
	if (cw_args_get(args, "no-schedule"))
		c->schedule = NULL;
	if (cw_args_get(args, "no-full-schedule"))
		c->full_schedule = NULL;
	if (cw_args_get(args, "no-webhook"))
		c->webhook_url = NULL;
	auth_flags(e, args);
	if (page) {
		char *end = NULL;
		c->page_size = strtol(page, &end, 10);
		if (*end || end == page)
			return usage(args, "--page-size \"%s\" is not a number",
			             page);
	}
	if ((code = blackout_flags(e, args)) != 0)
		return code;
	if (cw_sync_check(c) < 0)
		return usage(args, "%s", cw_error_last());
	return 0;
}

/* The secret is sealed under the master key, bound to the name. */
static int seal_secret(edit *e, cw_cli_env *env)
{
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_buf aad = CW_BUF_INIT(256);
	int err;
	if (!e->secret)
		return 0;
	err = cw_datadir_master_key(key, env->data_dir, &env->config);
	cw_buf_printf(&aad, "crosswalk sync %s", e->c.name);
	if (err == 0)
		err = aad.error
		              ? aad.error
		              : cw_secretbox_seal(&e->sealed, key, aad.data,
		                                  e->secret, strlen(e->secret));
	memset(key, 0, sizeof(key));
	cw_buf_dispose(&aad);
	if (err == 0)
		e->c.secret_sealed = e->sealed;
	return err;
}

/* The next firing, in the tenant's zone, from now. */
static int schedule_next(edit *e, cw_cli_env *env)
{
	char zone[64];
	int err = cw_store_tenant_zone_get(env->store, e->c.tenant_id, zone);
	if (err == 0)
		err = cw_sync_next_firing(&e->c.next_run_ms, e->c.schedule,
		                          e->c.blackouts, zone,
		                          cw_time_now_ms());
	return err;
}

static int run_add(const cw_args *args)
{
	edit e = {
		{ 0 }, CW_BUF_INIT(CW_BLACKOUT_TEXT_MAX + 64), NULL, NULL, 0
	};
	cw_tenant tenant;
	cw_cli_env env;
	int64_t id = 0;
	int code, err;
	e.c.name = cw_args_get(args, "name");
	e.c.auth = "none";
	e.c.page_size = 100;
	if (!cw_args_get(args, "tenant") || !e.c.name ||
	    !cw_args_get(args, "base-url") || !cw_args_get(args, "version")) {
		cw_buf_dispose(&e.blackouts);
		return usage(args, "%s",
		             "--tenant, --name, --base-url and --version "
		             "1.1|1.2 are required");
	}
	if (!valid_name(e.c.name)) {
		cw_buf_dispose(&e.blackouts);
		return usage(args,
		             "--name \"%s\": 1 to 63 of a-z A-Z 0-9 . _ -",
		             e.c.name);
	}
	if ((code = apply_flags(&e, args)) != 0) {
		cw_buf_dispose(&e.blackouts);
		return code;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0) {
		cw_buf_dispose(&e.blackouts);
		return code;
	}
	err = cw_store_tenant_get(env.store, cw_args_get(args, "tenant"),
	                          &tenant);
	e.c.tenant_id = tenant.id;
	if (err == 0)
		err = seal_secret(&e, &env);
	if (err == 0)
		err = schedule_next(&e, &env);
	if (err == 0)
		err = cw_store_sync_add(env.store, &e.c, &id);
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		cJSON *o = cw_sync_connection_json(&e.c, tenant.name);
		if (o)
			cJSON_AddNumberToObject(o, "id", (double)id);
		code = cw_cli_print_json(o);
	} else {
		printf("Sync connection %s added (id %lld).\n", e.c.name,
		       (long long)id);
	}
	cw_free(e.sealed);
	cw_buf_dispose(&e.blackouts);
	cw_cli_env_close(&env);
	return code;
}

/* ---- reading a connection ---------------------------------------------------
 */

typedef struct {
	cw_sync_connection c;
	char *strings[20];
} held_connection;

static int keep_connection(const cw_sync_connection *c, void *payload)
{
	held_connection *h = payload;
	const char *const *from[] = {
		&c->name,          &c->base_url,      &c->version,
		&c->auth,          &c->token_url,     &c->client_id,
		&c->secret_sealed, &c->scope,         &c->schedule,
		&c->cursor,        &c->last_state,    &c->last_report,
		&c->webhook_url,   &c->full_schedule, &c->blackouts,
		&c->lease_owner,
	};
	const char **to[] = {
		&h->c.name,          &h->c.base_url,      &h->c.version,
		&h->c.auth,          &h->c.token_url,     &h->c.client_id,
		&h->c.secret_sealed, &h->c.scope,         &h->c.schedule,
		&h->c.cursor,        &h->c.last_state,    &h->c.last_report,
		&h->c.webhook_url,   &h->c.full_schedule, &h->c.blackouts,
		&h->c.lease_owner,
	};
	h->c = *c;
	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		*to[i] = NULL;
		if (*from[i] && !(*to[i] = h->strings[i] = cw_strdup(*from[i])))
			return CW_ENOMEM;
	}
	return 0;
}

static void release_connection(held_connection *h)
{
	for (size_t i = 0; i < 20; i++)
		cw_free(h->strings[i]);
}

typedef struct {
	int64_t id;
	char *out;
} tenant_find;

static int on_tenant(const cw_tenant *t, void *payload)
{
	tenant_find *f = payload;
	if (t->id != f->id)
		return 0;
	snprintf(f->out, 64, "%s", t->name);
	return 1;
}

static int tenant_name(cw_store *store, int64_t id, char out[64])
{
	tenant_find f = { id, out };
	int err;
	out[0] = '\0';
	err = cw_store_tenant_list(store, on_tenant, &f);
	return err < 0 ? err : 0;
}

/* Reads the connection named name into h (release_connection). */
static int read_connection(held_connection *h, cw_cli_env *env,
                           const char *name)
{
	memset(h, 0, sizeof(*h));
	return cw_store_sync_list(env->store, 0, name, keep_connection, h);
}

/* ---- update | remove ---------------------------------------------------- */

static int run_update(const cw_args *args)
{
	edit e = {
		{ 0 }, CW_BUF_INIT(CW_BLACKOUT_TEXT_MAX + 64), NULL, NULL, 0
	};
	held_connection h;
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL), err;
	if (code) {
		cw_buf_dispose(&e.blackouts);
		return code;
	}
	if ((err = read_connection(&h, &env, args->positionals[0])) < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	e.c = h.c;
	if ((code = apply_flags(&e, args)) != 0)
		goto out;
	/* A secret belongs to its auth: a new auth without one drops it. */
	if (strcmp(e.c.auth, h.c.auth) != 0 && !e.secret)
		e.c.secret_sealed = NULL;
	if ((err = seal_secret(&e, &env)) == 0 &&
	    (err = schedule_next(&e, &env)) == 0)
		err = cw_store_sync_update(env.store, &e.c);
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		char tenant[64];
		tenant_name(env.store, e.c.tenant_id, tenant);
		code = cw_cli_print_json(cw_sync_connection_json(&e.c, tenant));
	} else {
		printf("Sync connection %s updated.\n", e.c.name);
	}
out:
	release_connection(&h);
	cw_free(e.sealed);
	cw_buf_dispose(&e.blackouts);
	cw_cli_env_close(&env);
	return code;
}

static int run_remove(const cw_args *args)
{
	held_connection h;
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL), err;
	if (code)
		return code;
	err = read_connection(&h, &env, args->positionals[0]);
	if (err == 0)
		err = cw_sync_delete(env.store, h.c.id);
	if (err < 0)
		code = err == CW_EBUSY
		               ? (cw_cli_fail(args, err), CW_EXIT_INVALID)
		               : cw_cli_fail(args, err);
	else
		printf("Sync connection %s removed.\n", args->positionals[0]);
	release_connection(&h);
	cw_cli_env_close(&env);
	return code;
}

/* ---- list | show ------------------------------------------------------------
 */

typedef struct {
	const cw_args *args;
	cw_cli_env *env;
	cJSON *list;
} listing;

static int on_list(const cw_sync_connection *c, void *payload)
{
	listing *l = payload;
	char tenant[64], next[CW_TIME_ISO_LEN] = "-";
	tenant_name(l->env->store, c->tenant_id, tenant);
	if (l->list)
		return cJSON_AddItemToArray(l->list,
		                            cw_sync_connection_json(c, tenant))
		               ? 0
		               : CW_ENOMEM;
	if (c->next_run_ms)
		cw_time_format_iso(c->next_run_ms, next);
	printf("%-24s %-16s %-4s %-8s %-24s %s\n", c->name, tenant, c->version,
	       c->last_state ? c->last_state : "never", next, c->base_url);
	return 0;
}

static const cw_option list_options[] = {
	{ "tenant", "NAME", "only this tenant's connections", 0 },
	{ NULL, NULL, NULL, 0 }
};

static int run_list(const cw_args *args)
{
	cw_cli_env env;
	cw_tenant tenant = { 0 };
	listing l = { args, &env, NULL };
	int code = cw_cli_env_open(&env, args, NULL), err = 0;
	if (code)
		return code;
	if (args->json)
		l.list = cJSON_CreateArray();
	else
		printf("%-24s %-16s %-4s %-8s %-24s %s\n", "NAME", "TENANT",
		       "VER", "LAST", "NEXT RUN", "BASE URL");
	if (cw_args_get(args, "tenant"))
		err = cw_store_tenant_get(env.store,
		                          cw_args_get(args, "tenant"), &tenant);
	if (err == 0)
		err = cw_store_sync_list(env.store, tenant.id, NULL, on_list,
		                         &l);
	code = err < 0      ? cw_cli_fail(args, err)
	       : args->json ? cw_cli_print_json(l.list)
	                    : CW_EXIT_OK;
	if (err < 0)
		cJSON_Delete(l.list);
	cw_cli_env_close(&env);
	return code;
}

static int on_run(const cw_sync_run *r, void *payload)
{
	char *text = cw_sync_run_json(r);
	cJSON *item = text ? cJSON_Parse(text) : NULL;
	cw_free(text);
	return item && cJSON_AddItemToArray(payload, item) ? 0 : CW_ENOMEM;
}

static const cw_option show_options[] = {
	{ "runs", "N", "how many recent runs to show (default 10)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static int run_show(const cw_args *args)
{
	held_connection h;
	cw_cli_env env;
	cJSON *doc = NULL, *runs;
	const char *count = cw_args_get(args, "runs");
	char tenant[64], *end = NULL;
	long limit = count ? strtol(count, &end, 10) : 10;
	int code, err;
	if (count && (*end || limit < 0 || limit > 1000))
		return usage(args, "--runs \"%s\": a number from 0 to 1000",
		             count);
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	err = read_connection(&h, &env, args->positionals[0]);
	if (err == 0)
		err = tenant_name(env.store, h.c.tenant_id, tenant);
	if (err == 0 && !(doc = cw_sync_connection_json(&h.c, tenant)))
		err = CW_ENOMEM;
	if (err == 0 && !(runs = cJSON_AddArrayToObject(doc, "runs")))
		err = CW_ENOMEM;
	if (err == 0 && limit)
		err = cw_store_sync_run_list(env.store, h.c.id, 0, (int)limit,
		                             on_run, runs);
	if (err < 0) {
		code = cw_cli_fail(args, err);
		cJSON_Delete(doc);
	} else {
		code = cw_cli_print_json(doc);
	}
	release_connection(&h);
	cw_cli_env_close(&env);
	return code;
}

/* ---- run | approve
 * ------------------------------------------------------------ */

static void print_run(const cw_sync_result *r, int64_t run_id, const char *kind)
{
	printf("Sync run %lld (%s): %s\n", (long long)run_id, kind, r->state);
	if (r->pulled)
		printf("Pulled %zu records in %zu pages (%zu requests, %zu "
		       "retries, %zu repeated rows).\n",
		       r->pull.totals.records, r->pull.totals.pages,
		       r->pull.totals.requests, r->pull.totals.retries,
		       r->pull.totals.duplicates);
	if (r->import.held_reason[0])
		printf("Held: %s\n", r->import.held_reason);
	for (int e = 0; r->import.state && e < CW_OR_ENTITY_COUNT; e++) {
		const cw_roster_counts *c = &r->import.counts[e];
		if (c->added || c->updated || c->deleted)
			printf("  %-24s %6llu added %6llu updated %6llu "
			       "deleted\n",
			       cw_or_entity_name(e),
			       (unsigned long long)c->added,
			       (unsigned long long)c->updated,
			       (unsigned long long)c->deleted);
	}
}

/* --json: the import's report (as `roster import --json` prints it) with
 * "pull" and "sync" (the run: id, kind, state, report). */
static int print_run_json(const cw_sync_result *r)
{
	cJSON *report = r->report ? cJSON_Parse(r->report) : NULL;
	cJSON *doc =
	        report ? cJSON_DetachItemFromObject(report, "import") : NULL;
	if (!report) {
		fprintf(stderr, "crosswalk sync run: out of memory\n");
		return CW_EXIT_INTERNAL;
	}
	if (!doc)
		doc = cJSON_CreateObject();
	if (doc && !cJSON_GetObjectItem(doc, "state"))
		cJSON_AddStringToObject(doc, "state", "failed");
	cJSON *pull = cJSON_DetachItemFromObject(report, "pull");
	if (doc && pull)
		cJSON_AddItemToObject(doc, "pull", pull);
	else
		cJSON_Delete(pull);
	if (doc)
		cJSON_AddItemToObject(doc, "sync", report);
	else
		cJSON_Delete(report);
	return cw_cli_print_json(doc);
}

static int run_job(const cw_args *args, cw_sync_options *o, const char *name)
{
	cw_sync_job *job = NULL;
	cw_sync_result r = { 0 };
	int err = cw_sync_begin(&job, o, 0, name), code;
	if (err < 0) {
		code = cw_cli_fail(args, err);
		return err == CW_EBUSY ? CW_EXIT_INVALID : code;
	}
	err = cw_sync_execute(job, &r);
	if (r.pull.failure[0])
		fprintf(stderr, "crosswalk %s: %s (nothing imported)\n",
		        args->spec->name, r.pull.failure);
	if (err < 0)
		code = cw_cli_fail(args, err);
	else if (args->json)
		code = print_run_json(&r);
	else
		print_run(&r, cw_sync_job_run_id(job), cw_sync_job_kind(job)),
		        code = CW_EXIT_OK;
	if (code == CW_EXIT_OK && strcmp(r.state, "applied") != 0 &&
	    strcmp(r.state, "unchanged") != 0)
		code = CW_EXIT_INVALID;
	cw_sync_result_dispose(&r);
	cw_sync_job_free(job);
	return code;
}

static int with_options(const cw_args *args, int64_t approve_run)
{
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_sync_options o = { 0 };
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL), err;
	if (code)
		return code;
	if ((err = cw_datadir_master_key(key, env.data_dir, &env.config)) < 0) {
		cw_cli_env_close(&env);
		return cw_cli_fail(args, err);
	}
	o.store = env.store;
	o.data_dir = env.data_dir;
	o.master_key = key;
	o.threshold_pct = env.config.roster_delete_threshold_pct;
	o.lease_s = env.config.sync_lease_s;
	o.max_concurrent = (int)env.config.sync_max_concurrent;
	o.started_by = approve_run ? "approval" : "cli";
	o.full = cw_args_get(args, "full") != NULL;
	o.approve = cw_args_get(args, "approve") != NULL;
	/* The operator's own command: any address (district SISes are on
	 * private networks). */
	o.public_only = 0;
	o.approve_run = approve_run;
	code = run_job(args, &o, args->positionals[0]);
	memset(key, 0, sizeof(key));
	cw_cli_env_close(&env);
	return code;
}

static int run_run(const cw_args *args)
{
	return with_options(args, 0);
}

static int run_approve(const cw_args *args)
{
	char *end = NULL;
	long long id = strtoll(args->positionals[1], &end, 10);
	if (*end || id <= 0)
		return usage(args, "RUN_ID \"%s\" is not a run number",
		             args->positionals[1]);
	return with_options(args, id);
}

static const cw_command_spec add_spec = {
	"sync add",
	"--tenant NAME --name CONN --base-url URL --version 1.1|1.2 "
	"[--token-url URL --client-id ID --client-secret S | --oauth1-key K "
	"--oauth1-secret S] [--schedule CRON] [--full-schedule CRON] "
	"[--blackout FROM..TO ...] [--webhook URL] [--page-size N] [--json]",
	"Add a SIS a tenant pulls OneRoster from (secrets sealed).",
	"The client or consumer secret is sealed with AES-256-GCM under the\n"
	"master key and never shown again. `sync run CONN` pulls it now; the\n"
	"daemon runs it on its schedule: five cron fields (minute hour\n"
	"day-of-month month day-of-week: lists, ranges, steps, names;\n"
	"@hourly, @daily, @weekly, @monthly, @yearly), or six with a leading\n"
	"seconds field, read in the tenant's time zone (`tenant add\n"
	"--time-zone`). When both day fields are restricted a day matching\n"
	"either fires. A local time the zone skips does not fire; one it\n"
	"repeats fires once. No scheduled run fires on a --blackout date.\n"
	"The first run and --full are full syncs; with --full-schedule, a\n"
	"scheduled run is full when that schedule fired since the last full\n"
	"run, else a delta.",
	add_options,
	0,
	0
};

const cw_command cw_cmd_sync_add = { &add_spec, run_add };

static const cw_command_spec update_spec = {
	"sync update",
	"CONN [--base-url URL] [--version 1.1|1.2] [--token-url URL "
	"--client-id ID --client-secret S | --oauth1-key K --oauth1-secret S] "
	"[--schedule CRON | --no-schedule] [--full-schedule CRON | "
	"--no-full-schedule] [--blackout FROM..TO ... | --no-blackouts] "
	"[--webhook URL | --no-webhook] [--page-size N] [--json]",
	"Change a sync connection.",
	"Only what is given changes (--blackout replaces the whole list).\n"
	"The next scheduled run is worked out again. Bad values change\n"
	"nothing (exit 2). See `sync add --help` for the schedule rules.",
	update_options,
	1,
	1
};
static const cw_command_spec remove_spec = {
	"sync remove",
	"CONN",
	"Remove a sync connection and its runs' history.",
	"Refused (exit 1) while a run of it is running. Roster data it\n"
	"imported stays.",
	list_options + 1,
	1,
	1
};
static const cw_command_spec list_spec = { "sync list",
	                                   "[--tenant NAME] [--json]",
	                                   "List the sync connections.",
	                                   NULL,
	                                   list_options,
	                                   0,
	                                   0 };
static const cw_command_spec show_spec = {
	"sync show",
	"CONN [--runs N]",
	"Show a sync connection, its next run and its recent runs (JSON).",
	"Secrets are never shown. Each run has its report: the pull's\n"
	"figures, the import's counts per entity, why it was held.",
	show_options,
	1,
	1
};
static const cw_option run_flags[] = {
	{ "full", NULL, "a full pull even when a delta could do", 0 },
	{ "approve", NULL,
	  "apply even past the delete threshold (a fresh pull; `sync "
	  "approve` applies a held run's own data)",
	  0 },
	{ NULL, NULL, NULL, 0 }
};
static const cw_command_spec run_spec = {
	"sync run",
	"CONN [--full] [--approve] [--json]",
	"Pull a connection's SIS now and import what it returns.",
	"The first run, and --full, pull everything (rows the SIS no longer\n"
	"returns become deletions); later runs pull a delta from 5 minutes\n"
	"before the last applied run began. The cursor moves only when the\n"
	"import applied or found nothing to change. It takes the same lease\n"
	"as the daemon's runs: while another run of CONN runs, it fails\n"
	"(exit 1, \"already running\"). A run the delete threshold holds\n"
	"exits 1 with its reason; `sync approve CONN RUN_ID` applies it.",
	run_flags,
	1,
	1
};
static const cw_command_spec approve_spec = {
	"sync approve",
	"CONN RUN_ID [--json]",
	"Apply a held sync run: exactly the data that run pulled.",
	"The run's pulled set was kept when the delete threshold held it; it\n"
	"is imported now, approved, and the cursor moves to where that run\n"
	"began. Refused when a later import of the tenant was applied first\n"
	"(approving would undo newer data), when it expired\n"
	"(roster_pending_ttl_h), or when a later run replaced it: run the\n"
	"sync again then.",
	list_options + 1,
	2,
	2
};

const cw_command cw_cmd_sync_update = { &update_spec, run_update };
const cw_command cw_cmd_sync_remove = { &remove_spec, run_remove };
const cw_command cw_cmd_sync_list = { &list_spec, run_list };
const cw_command cw_cmd_sync_show = { &show_spec, run_show };
const cw_command cw_cmd_sync_run = { &run_spec, run_run };
const cw_command cw_cmd_sync_approve = { &approve_spec, run_approve };
