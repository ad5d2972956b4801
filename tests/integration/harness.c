/* Harness implementation: fork/exec with pipes, libcurl for HTTP. */
#include "harness.h"

#include "unit/tmpdir.h"
#include "util/json.h"

#include <check.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <curl/curl.h>
#include <errno.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

static int collect_args(const char *argv[MAX_ARGS], int used, va_list ap)
{
	const char *arg;

	while ((arg = va_arg(ap, const char *)) != NULL) {
		ck_assert_int_lt(used, MAX_ARGS - 1);
		argv[used++] = arg;
	}
	argv[used] = NULL;
	return used;
}

/* In a child about to exec: the env's store, when it has its own. */
static void child_store(const cwt_env *env)
{
	if (env && env->store[0])
		setenv("CROSSWALK_STORE", env->store, 1);
}

/* Reads both pipes until the child closes them, then reaps it. */
static int run_argv(const cwt_env *env, const char *const argv[], cw_buf *out,
                    cw_buf *err)
{
	int out_pipe[2], err_pipe[2], status = 0;
	struct pollfd fds[2];
	pid_t pid;
	int open_fds = 2;

	ck_assert_int_eq(pipe(out_pipe), 0);
	ck_assert_int_eq(pipe(err_pipe), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out_pipe[1], 1);
		dup2(err_pipe[1], 2);
		close(out_pipe[0]);
		close(err_pipe[0]);
		child_store(env);
		execv(CW_BINARY, (char *const *)argv);
		_exit(127);
	}
	close(out_pipe[1]);
	close(err_pipe[1]);
	fds[0].fd = out_pipe[0];
	fds[1].fd = err_pipe[0];
	fds[0].events = fds[1].events = POLLIN;
	while (open_fds > 0) {
		char chunk[4096];

		if (poll(fds, 2, 30000) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i].fd < 0 ||
			    !(fds[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				cw_buf_put(i == 0 ? out : err, chunk,
				           (size_t)n);
			} else {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int cwt_run(const cwt_env *env, cw_buf *out, cw_buf *err, ...)
{
	const char *argv[MAX_ARGS] = { "crosswalk" };
	int used;
	va_list ap;

	va_start(ap, err);
	used = collect_args(argv, 1, ap);
	va_end(ap);
	argv[used++] = "--data-dir";
	argv[used++] = env->dir;
	argv[used] = NULL;
	return run_argv(env, argv, out, err);
}

int cwt_on_pg(void)
{
	const char *url = getenv("CROSSWALK_TEST_PG");

	return url && *url;
}

/* Runs one statement as the cluster's superuser (test set-up only: the
 * names are the harness's own, made of digits and letters). */
static void pg_admin(const char *sql)
{
	PGconn *conn = PQconnectdb(getenv("CROSSWALK_TEST_PG"));
	PGresult *res;

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "PostgreSQL: %s",
	              PQerrorMessage(conn));
	res = PQexec(conn, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
	              PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(conn);
}

/* A database of the env's own on the test cluster, and its URL. */
static void pg_database(cwt_env *env)
{
	static unsigned counter;
	const char *base = getenv("CROSSWALK_TEST_PG");
	const char *hosts = strstr(base, "://");
	const char *slash = hosts ? strchr(hosts + 3, '/') : NULL;
	char sql[128];

	ck_assert_msg(slash != NULL,
	              "CROSSWALK_TEST_PG is not postgres://USER@HOST:PORT/DB");
	snprintf(env->pg_database, sizeof(env->pg_database), "cwt_%ld_%u_%ld",
	         (long)getpid(), counter++, (long)time(NULL) % 100000);
	snprintf(env->store, sizeof(env->store), "%.*s/%s", (int)(slash - base),
	         base, env->pg_database);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", env->pg_database);
	pg_admin(sql);
}

static void env_init(cwt_env *env, int on_pg)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	cJSON *doc = NULL, *admin;

	memset(env, 0, sizeof(*env));
	cw_test_tmpdir(env->dir);
	if (on_pg)
		pg_database(env);
	ck_assert_int_eq(cwt_run(env, &out, &err, "init", "--json", NULL), 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 16, NULL), 0);
	admin = cJSON_GetObjectItem(doc, "admin");
	snprintf(env->admin_id, sizeof(env->admin_id), "%s",
	         cw_json_string(admin, "client_id"));
	snprintf(env->admin_secret, sizeof(env->admin_secret), "%s",
	         cw_json_string(admin, "client_secret"));
	cJSON_Delete(doc);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

void cwt_env_init(cwt_env *env)
{
	env_init(env, cwt_on_pg());
}

void cwt_env_init_sqlite(cwt_env *env)
{
	env_init(env, 0);
}

/* The roster import lock of the PostgreSQL backend (store/pg_internal.h). */
#define PG_ROSTER_LOCK "1668743170"

struct cwt_store_lock {
	sqlite3 *db;
	PGconn *pg;
};

static PGconn *pg_connect(const char *url)
{
	PGconn *conn = PQconnectdb(url);

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "PostgreSQL: %s",
	              PQerrorMessage(conn));
	return conn;
}

static sqlite3 *sqlite_open(const cwt_env *env)
{
	char path[400];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/crosswalk.db", env->dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_busy_timeout(db, 5000), SQLITE_OK);
	return db;
}

int cwt_store_exec(const cwt_env *env, const char *sql)
{
	int changes;

	if (env->store[0]) {
		PGconn *conn = pg_connect(env->store);
		PGresult *res = PQexec(conn, sql);

		ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK ||
		                      PQresultStatus(res) == PGRES_TUPLES_OK,
		              "%s: %s", sql, PQresultErrorMessage(res));
		changes = (int)strtol(PQcmdTuples(res), NULL, 10);
		PQclear(res);
		PQfinish(conn);
	} else {
		sqlite3 *db = sqlite_open(env);

		ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) ==
		                      SQLITE_OK,
		              "%s: %s", sql, sqlite3_errmsg(db));
		changes = sqlite3_changes(db);
		sqlite3_close(db);
	}
	return changes;
}

int cwt_store_value(const cwt_env *env, const char *sql, char *out, size_t n)
{
	int found = 0;

	out[0] = '\0';
	if (env->store[0]) {
		PGconn *conn = pg_connect(env->store);
		PGresult *res = PQexec(conn, sql);

		ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s",
		              sql, PQresultErrorMessage(res));
		if (PQntuples(res) > 0) {
			snprintf(out, n, "%s", PQgetvalue(res, 0, 0));
			found = 1;
		}
		PQclear(res);
		PQfinish(conn);
	} else {
		sqlite3 *db = sqlite_open(env);
		sqlite3_stmt *st = NULL;

		ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
		                      SQLITE_OK,
		              "%s: %s", sql, sqlite3_errmsg(db));
		if (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *v = sqlite3_column_text(st, 0);

			snprintf(out, n, "%s", v ? (const char *)v : "");
			found = 1;
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return found;
}

long cwt_store_count_settles(const cwt_env *env, const char *sql, long expected)
{
	char value[64];
	long n = -1;

	for (int i = 0; i < 100; i++) {
		ck_assert_msg(cwt_store_value(env, sql, value, sizeof(value)),
		              "no row: %s", sql);
		if ((n = strtol(value, NULL, 10)) == expected)
			break;
		cwt_sleep_ms(50);
	}
	return n;
}

/* text as an SQL string literal's body (quotes doubled) onto out. */
static void sql_quoted(cw_buf *out, const char *text)
{
	for (const char *p = text; *p; p++)
		cw_buf_puts(out, *p == '\'' ? "''" : (char[2]){ *p, 0 });
}

void cwt_store_blob(const cwt_env *env, const char *name, const char *tenant,
                    const char *text)
{
	cw_buf sql = CW_BUF_INIT(64 << 20);
	cw_buf_printf(&sql,
	              "INSERT INTO blobs VALUES ('%s', (SELECT id FROM tenants "
	              "WHERE name = '%s'), %zu, 1)",
	              name, tenant, strlen(text));
	ck_assert_int_eq(cwt_store_exec(env, cw_buf_cstr(&sql)), 1);
	cw_buf_clear(&sql);
	cw_buf_printf(&sql, "INSERT INTO blob_chunks VALUES ('%s', 0, %s('",
	              name, env->store[0] ? "convert_to" : "CAST");
	sql_quoted(&sql, text);
	cw_buf_puts(&sql, env->store[0] ? "', 'UTF8'))" : "' AS BLOB))");
	ck_assert(!sql.error);
	ck_assert_int_eq(cwt_store_exec(env, cw_buf_cstr(&sql)), 1);
	cw_buf_dispose(&sql);
}

long long cwt_dead_job(const cwt_env *env, const char *kind, const char *tenant,
                       const char *args)
{
	cw_buf sql = CW_BUF_INIT(1 << 20);
	char value[32] = "";
	cw_buf_printf(&sql,
	              "INSERT INTO jobs (tenant_id, kind, ref_id, args, state, "
	              "owner, lease_until_ms, attempts, created_ms, "
	              "updated_ms) VALUES ((SELECT id FROM tenants WHERE name "
	              "= '%s'), '%s', 0, '",
	              tenant, kind);
	sql_quoted(&sql, args);
	cw_buf_puts(&sql, "', 'running', 'dead-node', 1, 1, 1, 1)");
	ck_assert_int_eq(cwt_store_exec(env, cw_buf_cstr(&sql)), 1);
	cw_buf_dispose(&sql);
	ck_assert(cwt_store_value(env,
	                          "SELECT max(id) FROM jobs WHERE owner = "
	                          "'dead-node'",
	                          value, sizeof(value)));
	return strtoll(value, NULL, 10);
}

cwt_store_lock *cwt_store_lock_writes(const cwt_env *env)
{
	cwt_store_lock *lock = calloc(1, sizeof(*lock));
	PGresult *res;

	ck_assert_ptr_nonnull(lock);
	if (!env->store[0]) {
		lock->db = sqlite_open(env);
		ck_assert_int_eq(sqlite3_exec(lock->db, "BEGIN IMMEDIATE", NULL,
		                              NULL, NULL),
		                 SQLITE_OK);
		return lock;
	}
	lock->pg = pg_connect(env->store);
	res = PQexec(lock->pg, "SELECT pg_advisory_lock(" PG_ROSTER_LOCK ")");
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);
	return lock;
}

void cwt_store_unlock(cwt_store_lock *lock)
{
	if (lock->db) {
		ck_assert_int_eq(
		        sqlite3_exec(lock->db, "ROLLBACK", NULL, NULL, NULL),
		        SQLITE_OK);
		sqlite3_close(lock->db);
	}
	PQfinish(lock->pg); /* the session's lock goes with it */
	free(lock);
}

void cwt_env_cleanup(cwt_env *env)
{
	char sql[128];

	cw_test_rmtree(env->dir);
	if (env->pg_database[0]) {
		/* FORCE: a daemon a failed test left running holds sessions. */
		snprintf(sql, sizeof(sql),
		         "DROP DATABASE IF EXISTS %s WITH (FORCE)",
		         env->pg_database);
		pg_admin(sql);
		env->pg_database[0] = '\0';
	}
}

static pid_t spawn_serve(const cwt_env *env, const char *log_path,
                         int *stdout_fd, va_list ap)
{
	const char *argv[MAX_ARGS] = { "crosswalk", "serve",    "--data-dir",
		                       env->dir,    "--listen", "127.0.0.1:0" };
	int out_pipe[2], log_fd;
	pid_t pid;

	int used = collect_args(argv, 6, ap);
	/* extra args that name their own --listen replace the default one */
	for (int i = 6; i < used; i++)
		if (strcmp(argv[i], "--listen") == 0) {
			memmove(&argv[4], &argv[6],
			        (size_t)(used - 6 + 1) * sizeof(argv[0]));
			break;
		}
	ck_assert_int_eq(pipe(out_pipe), 0);
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(log_fd, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out_pipe[1], 1);
		dup2(log_fd, 2);
		close(out_pipe[0]);
		child_store(env);
		execv(CW_BINARY, (char *const *)argv);
		_exit(127);
	}
	close(log_fd);
	close(out_pipe[1]);
	*stdout_fd = out_pipe[0];
	return pid;
}

void cwt_start(cwt_daemon *d, const cwt_env *env, ...)
{
	char line[256] = "";
	size_t used = 0;
	struct pollfd pfd;
	const char *colon;
	va_list ap;
	int fd;

	snprintf(d->log_path, sizeof(d->log_path), "%s/serve.log", env->dir);
	va_start(ap, env);
	d->pid = spawn_serve(env, d->log_path, &fd, ap);
	va_end(ap);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!strchr(line, '\n') && used < sizeof(line) - 1) {
		ssize_t n;

		ck_assert_msg(poll(&pfd, 1, 10000) > 0, "serve did not start");
		n = read(fd, line + used, sizeof(line) - 1 - used);
		ck_assert_msg(n > 0, "serve exited before listening");
		used += (size_t)n;
		line[used] = '\0';
	}
	close(fd);
	ck_assert_ptr_nonnull(strstr(line, "crosswalk listening on http://"));
	colon = strrchr(line, ':');
	d->port = (int)strtol(colon + 1, NULL, 10);
	ck_assert_int_gt(d->port, 0);
}

int cwt_start_fails(const cwt_env *env, cw_buf *err, ...)
{
	const char *argv[MAX_ARGS] = { "crosswalk", "serve", "--data-dir",
		                       env->dir };
	cw_buf out = CW_BUF_INIT(1 << 20);
	va_list ap;
	int code;

	va_start(ap, err);
	collect_args(argv, 4, ap);
	va_end(ap);
	code = run_argv(env, argv, &out, err);
	ck_assert_msg(strstr(cw_buf_cstr(&out), "listening") == NULL,
	              "serve started: %s", cw_buf_cstr(&out));
	cw_buf_dispose(&out);
	return code;
}

int cwt_stop(cwt_daemon *d, int sig, int timeout_ms)
{
	int status = 0;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, sig);
	for (int waited = 0; waited < timeout_ms; waited += 10) {
		pid_t done = waitpid(d->pid, &status, WNOHANG);
		if (done == d->pid) {
			d->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status)
			                         : 128 + WTERMSIG(status);
		}
		cwt_sleep_ms(10);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	d->pid = 0;
	return -1;
}

static size_t on_data(char *data, size_t size, size_t count, void *payload)
{
	cw_buf_put(payload, data, size * count);
	return size * count;
}

void cwt_request(cwt_http *out, const cwt_daemon *d, const char *method,
                 const char *path, const char *const *headers, const char *body)
{
	cwt_request_bytes(out, d, method, path, headers, body,
	                  body ? strlen(body) : 0);
}

void cwt_request_bytes(cwt_http *out, const cwt_daemon *d, const char *method,
                       const char *path, const char *const *headers,
                       const char *body, size_t len)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *list = NULL;
	char url[4096];
	CURLcode rc;

	ck_assert_ptr_nonnull(curl);
	out->body = (cw_buf)CW_BUF_INIT(16 << 20);
	out->headers = (cw_buf)CW_BUF_INIT(1 << 20);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", d->port, path);
	for (size_t i = 0; headers && headers[i]; i++)
		list = curl_slist_append(list, headers[i]);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out->headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
	rc = curl_easy_perform(curl);
	ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path,
	              curl_easy_strerror(rc));
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
}

void cwt_http_dispose(cwt_http *res)
{
	cw_buf_dispose(&res->body);
	cw_buf_dispose(&res->headers);
}

cJSON *cwt_json(const cwt_http *res)
{
	cJSON *doc = NULL;

	ck_assert_msg(cw_json_parse(&doc, cw_buf_cstr(&res->body),
	                            res->body.len, 64, NULL) == 0,
	              "not JSON: %s", cw_buf_cstr(&res->body));
	return doc;
}

int cwt_header(const cwt_http *res, const char *name, char *out, size_t n)
{
	const char *p = cw_buf_cstr(&res->headers);
	size_t len = strlen(name);

	while (p && *p) {
		if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
			const char *v = p + len + 1, *end;
			while (*v == ' ')
				v++;
			end = strpbrk(v, "\r\n");
			snprintf(out, n, "%.*s",
			         (int)(end ? end - v : (long)strlen(v)), v);
			return 1;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

long cwt_token(char out[64], const cwt_daemon *d, const char *id,
               const char *secret, const char *scope)
{
	char auth[400], body[4096];
	unsigned char raw[200];
	char encoded[300];
	const char *headers[] = {
		auth, "Content-Type: application/x-www-form-urlencoded", NULL
	};
	cwt_http res;
	cJSON *doc;
	long status;
	int n;

	n = snprintf((char *)raw, sizeof(raw), "%s:%s", id, secret);
	{
		/* Standard base64 with padding, as Basic auth wants. */
		static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
		                        "klmnopqrstuvwxyz0123456789+/";
		size_t o = 0;
		for (int i = 0; i < n; i += 3) {
			unsigned v = (unsigned)raw[i] << 16;
			if (i + 1 < n)
				v |= (unsigned)raw[i + 1] << 8;
			if (i + 2 < n)
				v |= raw[i + 2];
			encoded[o++] = a[v >> 18];
			encoded[o++] = a[(v >> 12) & 63];
			encoded[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
			encoded[o++] = i + 2 < n ? a[v & 63] : '=';
		}
		encoded[o] = '\0';
	}
	snprintf(auth, sizeof(auth), "Authorization: Basic %s", encoded);
	snprintf(body, sizeof(body), "grant_type=client_credentials%s%s",
	         scope ? "&scope=" : "", scope ? scope : "");
	cwt_request(&res, d, "POST", "/oauth/token", headers, body);
	status = res.status;
	out[0] = '\0';
	if (status == 200) {
		doc = cwt_json(&res);
		snprintf(out, 64, "%s", cw_json_string(doc, "access_token"));
		cJSON_Delete(doc);
		status = 0;
	}
	cwt_http_dispose(&res);
	return status;
}

void cwt_client_add(const cwt_env *env, const char *tenant, const char *scopes,
                    char id[64], char secret[64])
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	cJSON *doc = NULL;

	ck_assert_msg(cwt_run(env, &out, &err, "client", "add", "--tenant",
	                      tenant, "--scope", scopes, "--json", NULL) == 0,
	              "client add: %s", cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 16, NULL), 0);
	snprintf(id, 64, "%s", cw_json_string(doc, "client_id"));
	snprintf(secret, 64, "%s", cw_json_string(doc, "client_secret"));
	cJSON_Delete(doc);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

void cwt_get_auth(cwt_http *out, const cwt_daemon *d, const char *path,
                  const char *token)
{
	char auth[128];
	const char *headers[] = { auth, NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	cwt_request(out, d, "GET", path, headers, NULL);
}

void cwt_sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) != 0)
		;
}

int cwt_free_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t n = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), p;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &n), 0);
	p = ntohs(a.sin_port);
	close(s);
	return p;
}
