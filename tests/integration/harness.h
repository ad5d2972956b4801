/* Integration harness: runs the real crosswalk binary (CLI and daemon) in a
 * temporary data dir and speaks HTTP to it on loopback. */
#ifndef CW_TESTS_HARNESS_H
#define CW_TESTS_HARNESS_H

#include "util/buf.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/types.h>

typedef struct {
	char dir[256];
	char admin_id[64];
	char admin_secret[64];
	/* With CROSSWALK_TEST_PG (a PostgreSQL URL), each env gets a database
	 * of its own there: its name, and the URL its processes get as
	 * CROSSWALK_STORE. Both "" on SQLite. */
	char pg_database[64];
	char store[512];
} cwt_env;

typedef struct {
	pid_t pid;
	int port;
	char log_path[300];
} cwt_daemon;

typedef struct {
	long status;
	cw_buf body;
	cw_buf headers;
} cwt_http;

/** 1 when the tests run on PostgreSQL (CROSSWALK_TEST_PG is set). */
int cwt_on_pg(void);

/** Runs one SQL statement on the env's database (SQLite or PostgreSQL,
 *  the same text); returns the rows it changed. Tests that reach past the
 *  binary use it. */
int cwt_store_exec(const cwt_env *env, const char *sql);

/** The first column of the first row sql returns on the env's database,
 *  copied into out; 0 when there is no row. */
int cwt_store_value(const cwt_env *env, const char *sql, char *out, size_t n);

/** Polls the integer sql returns (cwt_store_value) until it is expected
 *  or 5 s pass; returns the last value (work a daemon finishes just after
 *  it answers, such as deleting a stored upload). */
long cwt_store_count_settles(const cwt_env *env, const char *sql,
                             long expected);

/** Stores text as the blob name of the tenant named tenant, by SQL (what a
 *  daemon stores for a job). */
void cwt_store_blob(const cwt_env *env, const char *name, const char *tenant,
                    const char *text);
/** Adds the row a node that died holding a job of kind (args: JSON) leaves:
 *  running, its lease long lapsed, one attempt made; returns its id. */
long long cwt_dead_job(const cwt_env *env, const char *kind, const char *tenant,
                       const char *args);

/** Holds the store's write lock from outside the daemon (SQLite: BEGIN
 *  IMMEDIATE on the file; PostgreSQL: the roster advisory lock) until
 *  cwt_store_unlock. */
typedef struct cwt_store_lock cwt_store_lock;
cwt_store_lock *cwt_store_lock_writes(const cwt_env *env);
void cwt_store_unlock(cwt_store_lock *lock);

/** Makes a temp data dir (and on PostgreSQL a fresh database) and runs
 *  `crosswalk init` in it. */
void cwt_env_init(cwt_env *env);
void cwt_env_cleanup(cwt_env *env);
/** The same on SQLite even when the tests run on PostgreSQL (a store of
 *  the other kind, for tests that move data between them). */
void cwt_env_init_sqlite(cwt_env *env);

/**
 * Runs crosswalk with args (NULL-terminated) plus --data-dir; captures output.
 * Returns the exit code.
 */
int cwt_run(const cwt_env *env, cw_buf *out, cw_buf *err, ...);

/** Starts `crosswalk serve --listen 127.0.0.1:0` plus extra args (NULL-end;
 *  a --listen among them replaces the default);
 *  fails the test if it does not print its port within 10 s. */
void cwt_start(cwt_daemon *d, const cwt_env *env, ...);
/** Starts serve expecting it to fail; returns its exit code, stderr in err. */
int cwt_start_fails(const cwt_env *env, cw_buf *err, ...);
/** Sends sig and waits up to timeout_ms; returns the exit code, or -1. */
int cwt_stop(cwt_daemon *d, int sig, int timeout_ms);

/** One HTTP request; headers is NULL or a NULL-terminated list. */
void cwt_request(cwt_http *out, const cwt_daemon *d, const char *method,
                 const char *path, const char *const *headers,
                 const char *body);
/** The same with a binary body of len bytes. */
void cwt_request_bytes(cwt_http *out, const cwt_daemon *d, const char *method,
                       const char *path, const char *const *headers,
                       const char *body, size_t len);
void cwt_http_dispose(cwt_http *res);
/** The response body parsed as JSON (test fails if it is not). */
cJSON *cwt_json(const cwt_http *res);
/** A header value of the response (case-insensitive), copied into out. */
int cwt_header(const cwt_http *res, const char *name, char *out, size_t n);

/** Gets a token with client_secret_basic; returns 0 or the HTTP status. */
long cwt_token(char out[64], const cwt_daemon *d, const char *id,
               const char *secret, const char *scope);

/** Creates a client through the CLI; fills id and secret. */
void cwt_client_add(const cwt_env *env, const char *tenant, const char *scopes,
                    char id[64], char secret[64]);

/** A loopback TCP port that was free a moment ago (for servers a test
 *  starts on a port it must know first). */
int cwt_free_port(void);

/** Sleeps for ms milliseconds. */
void cwt_sleep_ms(long ms);

/** GET with a bearer token. */
void cwt_get_auth(cwt_http *out, const cwt_daemon *d, const char *path,
                  const char *token);

#endif
