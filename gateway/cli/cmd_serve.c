/* crosswalk serve: the daemon. Signals only set a flag; this loop notices it,
 * stops accepting, lets in-flight requests finish, closes the store. */
#include "cli/cli.h"

#include "engine/case_mirror.h"
#include "engine/ctx.h"
#include "engine/badge_jobs.h"
#include "engine/datadir.h"
#include "engine/flow_jobs.h"
#include "engine/import_jobs.h"
#include "engine/jobs.h"
#include "engine/queue.h"
#include "engine/roster_import.h"
#include "engine/sync_jobs.h"
#include "http/api.h"
#include "http/server.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CASE_CACHE_BYTES        ((size_t)512 << 20) /* CASE package texts kept */
#define TOKEN_PURGE_INTERVAL_MS (10L * 60 * 1000)
#define MIRROR_CHECK_MS         (5L * 1000) /* how often due mirrors start */
/* How often due sync firings start: schedules may have a seconds field. */
#define SYNC_CHECK_MS 1000L
/* How stale a tenant's REST view of its roster may be: its change log is
 * asked at most this often. */
#define ROSTER_RECHECK_MS 1000
#define MAX_IMPORT_JOBS   4 /* imports, mirror and sync runs at once */
/* The scheduler runs on the one node that leads: on SQLite by a lease of
 * this long that the leader renews every tick (PostgreSQL: an advisory
 * lock, which goes with its session). */
#define LEAD_LEASE_MS (3 * SYNC_CHECK_MS)
#define JOBS_KEPT_MS  (7L * 24 * 3600 * 1000) /* ended jobs' rows kept */
#define JOB_STOP_MS   700L /* jobs get this long to give up */

static const cw_option serve_options[] = {
	{ "listen", "HOST:PORT", "address to listen on (config key listen)",
	  0 },
	{ "log-level", "LEVEL", "debug, info, warn, error or off", 0 },
	{ "workers", "N", "HTTP worker threads (0: one per core)", 0 },
	{ "set", "KEY=VALUE", "override any config key", 1 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec serve_spec = {
	"serve",
	"[--listen HOST:PORT] [--set KEY=VALUE ...]",
	"Run the gateway daemon.",
	"Configuration comes from DATA_DIR/crosswalk.conf, then "
	"CROSSWALK_<KEY>\n"
	"environment variables, then flags. The whole configuration is "
	"checked\n"
	"before the daemon starts. Prints \"crosswalk listening on URL\" when\n"
	"ready. SIGTERM or SIGINT: stop accepting, finish in-flight requests\n"
	"(up to 4 s), close the store, exit 0; a second signal exits at once.",
	serve_options,
	0,
	0
};

static volatile sig_atomic_t stop_signal;

/* The queue's handlers (static: jobs abandoned at exit may still read
 * them). */
static cw_queue_handler job_handlers[5];

static void on_signal(int sig)
{
	if (stop_signal)
		_exit(130);
	stop_signal = sig;
}

static int install_signals(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_signal;
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGTERM, &action, NULL) != 0 ||
	    sigaction(SIGINT, &action, NULL) != 0)
		return CW_EIO;
	action.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &action, NULL) == 0 ? 0 : CW_EIO;
}

/* Flags become the top config layer; returns an exit code. */
static int flag_layers(cw_config_layers **out, const cw_args *args)
{
	static const char *const direct[][2] = { { "listen", "listen" },
		                                 { "log-level", "log_level" },
		                                 { "workers", "workers" } };
	int err = cw_config_layers_new(out);

	for (size_t i = 0; err == 0 && i < 3; i++) {
		const char *value = cw_args_get(args, direct[i][0]);
		if (value)
			err = cw_config_layers_set(*out, direct[i][1], value,
			                           "flag");
	}
	for (int i = 0; err == 0 && i < cw_args_count(args, "set"); i++) {
		const char *pair = cw_args_get_nth(args, "set", i);
		const char *eq = strchr(pair, '=');
		char key[64];

		if (!eq || eq == pair || (size_t)(eq - pair) >= sizeof(key)) {
			fprintf(stderr,
			        "crosswalk serve: --set wants KEY=VALUE, "
			        "got \"%s\"\n",
			        pair);
			return CW_EXIT_USAGE;
		}
		memcpy(key, pair, (size_t)(eq - pair));
		key[eq - pair] = '\0';
		err = cw_config_layers_set(*out, key, eq + 1, "flag --set");
	}
	if (err == CW_ENOTFOUND) {
		fprintf(stderr, "crosswalk serve: %s\n", cw_error_last());
		return CW_EXIT_USAGE;
	}
	return err < 0 ? CW_EXIT_INTERNAL : 0;
}

/* Held imports nobody approved in time expire, their uploads deleted. */
static void expire_pending(cw_ctx *ctx)
{
	int count = 0;

	if (cw_roster_expire_pending(ctx->store, ctx->data_dir,
	                             ctx->config->roster_pending_ttl_h,
	                             &count) < 0)
		CW_LOG(CW_LOG_WARN, "import_expiry_failed", "s:message",
		       cw_error_last(), NULL);
	else if (count)
		CW_LOG(CW_LOG_INFO, "imports_expired", "i:count", count, NULL);
}

/* A nonce only guards requests whose timestamp is still accepted; a minute
 * past the window it can go. */
static void purge_nonces(cw_ctx *ctx)
{
	int64_t before =
	        cw_time_now_ms() / 1000 - CW_LIMIT_OAUTH1_WINDOW_S - 60;
	int purged = 0;

	if (cw_store_nonce_purge(ctx->store, before, &purged) < 0)
		CW_LOG(CW_LOG_WARN, "nonce_purge_failed", "s:message",
		       cw_error_last(), NULL);
	else if (purged)
		CW_LOG(CW_LOG_INFO, "oauth1_nonces_purged", "i:count", purged,
		       NULL);
}

/* The OB 3.0 API's codes, forms and tokens: a day past expiry, so a code
 * or refresh token replayed soon after it expired still revokes its grant. */
static void purge_ob3_secrets(cw_ctx *ctx)
{
	int purged = 0;

	if (cw_store_ob3_secret_purge(ctx->store,
	                              cw_time_now_ms() - 24LL * 3600 * 1000,
	                              &purged) < 0)
		CW_LOG(CW_LOG_WARN, "ob3_secret_purge_failed", "s:message",
		       cw_error_last(), NULL);
	else if (purged)
		CW_LOG(CW_LOG_INFO, "ob3_secrets_purged", "i:count", purged,
		       NULL);
}

/* Whether this node leads (runs the scheduler) now; logs a change. */
static int leads(cw_ctx *ctx, int *was)
{
	int64_t now = cw_time_now_ms();
	int held = 0;

	if (cw_store_job_lead(ctx->store, "scheduler",
	                      cw_queue_owner(ctx->queue), now,
	                      now + LEAD_LEASE_MS, &held) < 0) {
		CW_LOG(CW_LOG_WARN, "scheduler_lead_failed", "s:message",
		       cw_error_last(), NULL);
		held = 0;
	}
	if (held != *was)
		CW_LOG(CW_LOG_INFO,
		       held ? "scheduler_leading" : "scheduler_follower",
		       "s:node", cw_queue_owner(ctx->queue), NULL);
	*was = held;
	return held;
}

static void prune_jobs(cw_ctx *ctx)
{
	int pruned = 0;

	if (cw_store_job_prune(ctx->store, cw_time_now_ms() - JOBS_KEPT_MS,
	                       &pruned) < 0)
		CW_LOG(CW_LOG_WARN, "job_prune_failed", "s:message",
		       cw_error_last(), NULL);
	else if (pruned)
		CW_LOG(CW_LOG_INFO, "jobs_pruned", "i:count", pruned, NULL);
}

/* Failed authentications whose window and block ended count no more. */
static void purge_auth_failures(cw_ctx *ctx)
{
	int purged = 0;

	if (cw_failgate_purge(ctx->auth_failures, cw_time_now_ms(), &purged) <
	    0)
		CW_LOG(CW_LOG_WARN, "auth_failure_purge_failed", "s:message",
		       cw_error_last(), NULL);
	else if (purged)
		CW_LOG(CW_LOG_INFO, "auth_failures_purged", "i:count", purged,
		       NULL);
}

static void wait_for_signal(cw_ctx *ctx)
{
	int64_t next_purge = cw_time_mono_ms() + TOKEN_PURGE_INTERVAL_MS;
	int64_t next_mirrors = cw_time_mono_ms();
	int64_t next_syncs = cw_time_mono_ms();
	int64_t next_prune = cw_time_mono_ms();
	int leader = 0;

	while (!stop_signal) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		int purged = 0;

		nanosleep(&tick, NULL);
		if (cw_time_mono_ms() >= next_syncs) {
			next_syncs = cw_time_mono_ms() + SYNC_CHECK_MS;
			if (leads(ctx, &leader))
				cw_sync_tick(ctx);
		}
		if (leader && cw_time_mono_ms() >= next_mirrors) {
			next_mirrors = cw_time_mono_ms() + MIRROR_CHECK_MS;
			cw_case_mirrors_tick(ctx);
		}
		if (leader && cw_time_mono_ms() >= next_prune) {
			next_prune =
			        cw_time_mono_ms() +
			        ctx->config->change_prune_interval_s * 1000;
			cw_sync_prune_changes(ctx);
			prune_jobs(ctx);
		}
		if (cw_time_mono_ms() < next_purge)
			continue;
		next_purge = cw_time_mono_ms() + TOKEN_PURGE_INTERVAL_MS;
		expire_pending(ctx);
		if (cw_store_token_purge(ctx->store, cw_time_now_ms(),
		                         &purged) < 0)
			CW_LOG(CW_LOG_WARN, "token_purge_failed", "s:message",
			       cw_error_last(), NULL);
		else if (purged)
			CW_LOG(CW_LOG_INFO, "tokens_purged", "i:count", purged,
			       NULL);
		purge_nonces(ctx);
		purge_auth_failures(ctx);
		purge_ob3_secrets(ctx);
	}
}

/* The URL a local client should use: the listen host, or loopback when the
 * daemon listens on every address. */
static void print_listening(const char *listen, int port)
{
	char host[64];
	int ignored;

	if (cw_config_parse_listen(listen, host, &ignored) < 0 ||
	    strcmp(host, "0.0.0.0") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	else if (strcmp(host, "::") == 0)
		snprintf(host, sizeof(host), "::1");
	if (strchr(host, ':'))
		printf("crosswalk listening on http://[%s]:%d\n", host, port);
	else
		printf("crosswalk listening on http://%s:%d\n", host, port);
	fflush(stdout);
}

static int run_serve(const cw_args *args)
{
	unsigned char key[CW_MASTER_KEY_LEN];
	cw_config_layers *flags = NULL;
	cw_server *server = NULL;
	cw_jobs *jobs = NULL;
	cw_queue *queue = NULL;
	cw_roster_cache *rosters = NULL;
	cw_failgate *auth_failures = NULL;
	cw_case_cache *packages = NULL;
	cw_jsonld_loader *contexts = NULL;
	cw_cli_env env = { 0 };
	cw_ctx ctx = { 0 };
	int code, err, interrupted = 0;

	if ((code = flag_layers(&flags, args)) != 0)
		goto out;
	if ((code = cw_cli_env_open(&env, args, flags)) != 0)
		goto out;
	cw_log_set_level((cw_log_level)env.config.log_level);
	err = cw_datadir_master_key(key, env.data_dir, &env.config);
	if (err < 0 || (err = install_signals()) < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	ctx.config = &env.config;
	ctx.store = env.store;
	ctx.data_dir = env.data_dir;
	ctx.master_key = key;
	if ((err = cw_jobs_new(&jobs, MAX_IMPORT_JOBS)) < 0 ||
	    (err = cw_roster_cache_new(&rosters, env.store,
	                               ROSTER_RECHECK_MS)) < 0 ||
	    (err = cw_case_cache_new(&packages, CASE_CACHE_BYTES)) < 0 ||
	    (err = cw_failgate_new(&auth_failures, env.store,
	                           (int)env.config.auth_failure_limit,
	                           (int)env.config.auth_failure_window_s)) <
	            0 ||
	    (err = cw_cli_jsonld_loader(&contexts, args)) < 0 ||
	    (err = cw_store_import_interrupted(env.store, &interrupted)) < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	if (interrupted)
		CW_LOG(CW_LOG_WARN, "imports_interrupted", "i:count",
		       interrupted, NULL);
	expire_pending(&ctx);
	ctx.jobs = jobs;
	job_handlers[0] = cw_import_job_handler;
	job_handlers[1] = cw_sync_job_handler;
	job_handlers[2] = cw_case_mirror_job_handler;
	job_handlers[3] = cw_flow_job_handler;
	job_handlers[4] = cw_badge_batch_job_handler;
	if ((err = cw_queue_new(&queue, &ctx, job_handlers,
	                        sizeof(job_handlers) / sizeof(job_handlers[0]),
	                        MAX_IMPORT_JOBS,
	                        env.config.sync_lease_s * 1000)) < 0 ||
	    (err = cw_queue_start(queue)) < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	ctx.queue = queue;
	ctx.rosters = rosters;
	ctx.packages = packages;
	ctx.contexts = contexts;
	ctx.auth_failures = auth_failures;
	if ((err = cw_server_start(&server, &ctx, cw_routes, cw_route_count)) <
	    0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	CW_LOG(CW_LOG_INFO, "listening", "s:listen", env.config.listen,
	       "i:port", cw_server_port(server), "s:store", env.store->kind,
	       "s:version", CW_VERSION, NULL);
	print_listening(env.config.listen, cw_server_port(server));
	wait_for_signal(&ctx);
	CW_LOG(CW_LOG_INFO, "shutting_down", "i:signal", (int)stop_signal,
	       "l:in_flight",
	       (long long)cw_metrics_in_flight_now(cw_server_metrics(server)),
	       NULL);
	/* Jobs give up (an import rolls back) while requests drain. */
	ctx.stopping = 1;
	cw_queue_stop(queue);
	cw_server_shutdown(server, CW_LIMIT_SHUTDOWN_DRAIN_MS);
	if (cw_jobs_wait(jobs, JOB_STOP_MS) > 0) {
		/* Still running: leave the store open for them; the process
		 * exit ends them and SQLite rolls their transactions back. */
		CW_LOG(CW_LOG_WARN, "jobs_abandoned", "i:count",
		       cw_jobs_running(jobs), NULL);
		env.store = NULL;
		jobs = NULL;
		queue = NULL;
	}
	CW_LOG(CW_LOG_INFO, "stopped", NULL);
out:
	cw_server_free(server);
	memset(key, 0, sizeof(key));
	cw_roster_cache_free(rosters);
	cw_failgate_free(auth_failures);
	cw_case_cache_free(packages);
	cw_jsonld_loader_free(contexts);
	cw_queue_free(queue);
	cw_jobs_free(jobs);
	cw_cli_env_close(&env);
	cw_config_layers_free(flags);
	return code;
}

const cw_command cw_cmd_serve = { &serve_spec, run_serve };
