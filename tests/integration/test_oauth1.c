/* OAuth 1.0a signed requests on the OneRoster 1.1 routes, signed by an
 * independent implementation (python3-oauthlib through oauth1_sign.py):
 * both HMACs, header and query, and every way a request is refused. */
#include "harness.h"

#include "util/json.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

Suite *suite_oauth1(void);

#define OR11  "https://purl.imsglobal.org/spec/or/v1p1/scope/"
#define OR12  "https://purl.imsglobal.org/spec/or/v1p2/scope/"
#define USERS "/ims/oneroster/v1p1/users?limit=2"

static cwt_env env;
static cwt_daemon daemon_;
static char id[64], secret[64];             /* d1, v1p1 roster scopes */
static char other_id[64], other_secret[64]; /* d2 */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[500];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A tenant with three users whose family names start with prefix. */
static void import_users(const char *tenant, const char *prefix)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char dir[400], users[400];

	snprintf(dir, sizeof(dir), "%s/set-%s", env.dir, tenant);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	write_file(dir, "manifest.csv",
	           "propertyName,value\noneroster.version,1.2\n"
	           "file.orgs,bulk\nfile.users,bulk\nfile.roles,bulk\n");
	write_file(dir, "orgs.csv",
	           "sourcedId,name,type,identifier,parentSourcedId\n"
	           "sch,School,school,S1,\n");
	snprintf(users, sizeof(users),
	         "sourcedId,enabledUser,username,givenName,familyName\n"
	         "s1,true,s1,Ada,%sLovelace\ns2,true,s2,Grace,%sHopper\n"
	         "t1,true,t1,Alan,%sTuring\n",
	         prefix, prefix, prefix);
	write_file(dir, "users.csv", users);
	write_file(dir, "roles.csv",
	           "sourcedId,userSourcedId,roleType,role,orgSourcedId\n"
	           "r1,s1,primary,student,sch\nr2,s2,primary,student,sch\n"
	           "r3,t1,primary,teacher,sch\n");
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "tenant", "add", tenant, NULL), 0);
	ck_assert_msg(cwt_run(&env, &out, &err, "roster", "import", "--tenant",
	                      tenant, dir, "--approve", NULL) == 0,
	              "%s%s", cw_buf_cstr(&out), cw_buf_cstr(&err));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

static void setup(void)
{
	cwt_env_init(&env);
	import_users("d1", "");
	import_users("d2", "B-");
	cwt_start(&daemon_, &env, NULL);
	cwt_client_add(&env, "d1", OR11 "roster.readonly", id, secret);
	cwt_client_add(&env, "d2", OR11 "roster-core.readonly", other_id,
	               other_secret);
}

static void teardown(void)
{
	cwt_stop(&daemon_, SIGTERM, 5000);
	cwt_env_cleanup(&env);
}

/* Runs oauth1_sign.py for http://127.0.0.1:PORT/path (https when path
 * starts with "s:"; extra: NULL-terminated options); out gets its one line:
 * the Authorization value, or with --query the signed URL. */
static void sign_with(char *out, size_t n, const char *method, const char *path,
                      const char *key, const char *sec, const char *alg,
                      const char *const *extra)
{
	const char *argv[16] = { CW_OAUTH1_PYTHON, CW_OAUTH1_SIGNER };
	char url[1024];
	size_t used = 0, argc = 2;
	int fds[2], status = 0, https = strncmp(path, "s:", 2) == 0;
	pid_t pid;

	snprintf(url, sizeof(url), "%s://127.0.0.1:%d%s",
	         https ? "https" : "http", daemon_.port,
	         path + (https ? 2 : 0));
	for (size_t i = 0; extra && extra[i] && argc < 9; i++)
		argv[argc++] = extra[i];
	/* Secrets may begin with '-': positionals after "--". */
	argv[argc++] = "--";
	argv[argc++] = method;
	argv[argc++] = url;
	argv[argc++] = key;
	argv[argc++] = sec;
	argv[argc++] = alg;
	argv[argc] = NULL;
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execv(CW_OAUTH1_PYTHON, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while (used + 1 < n) {
		ssize_t got = read(fds[0], out + used, n - 1 - used);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used += (size_t)got;
	}
	close(fds[0]);
	out[used] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && used,
	              "oauth1_sign.py failed (python3-oauthlib installed?): %s",
	              out);
	out[strcspn(out, "\r\n")] = '\0';
}

static void sign(char *out, size_t n, const char *path, const char *key,
                 const char *sec, const char *alg)
{
	sign_with(out, n, "GET", path, key, sec, alg, NULL);
}

/* GET path with the Authorization value auth (NULL: none); checks the
 * status and returns the body as JSON. */
static cJSON *get_with(const char *path, const char *auth, const char *extra,
                       long status, cwt_http *keep)
{
	char header[2048];
	const char *headers[3] = { NULL };
	size_t count = 0;
	cwt_http res;
	cJSON *doc;

	snprintf(header, sizeof(header), "Authorization: %s", auth);
	if (auth)
		headers[count++] = header;
	if (extra)
		headers[count++] = extra;
	cwt_request(&res, &daemon_, "GET", path, headers, NULL);
	ck_assert_msg(res.status == status, "%s: %ld %s", path, res.status,
	              cw_buf_cstr(&res.body));
	doc = cwt_json(&res);
	if (keep)
		*keep = res;
	else
		cwt_http_dispose(&res);
	return doc;
}

static cJSON *get(const char *path, const char *auth, long status,
                  cwt_http *keep)
{
	return get_with(path, auth, NULL, status, keep);
}

static const char *family_name(const cJSON *doc, int i)
{
	return cw_json_string(
	        cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "users"), i),
	        "familyName");
}

/* A 401 in the imsx shape whose description mentions why. */
static void refused(const char *path, const char *auth, const char *why)
{
	char www[256];
	cwt_http res;
	cJSON *doc = get(path, auth, 401, &res), *field;

	ck_assert_str_eq(cw_json_string(doc, "imsx_codeMajor"), "failure");
	field = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "imsx_CodeMinor"),
	                            "imsx_codeMinorField"),
	        0);
	ck_assert_str_eq(cw_json_string(field, "imsx_codeMinorFieldValue"),
	                 "unauthorisedrequest");
	ck_assert_msg(strstr(cw_json_string(doc, "imsx_description"), why),
	              "%s: \"%s\" does not say \"%s\"", path,
	              cw_json_string(doc, "imsx_description"), why);
	if (strncmp(path, "/ims/oneroster/v1p1/", 20) == 0) {
		ck_assert(
		        cwt_header(&res, "WWW-Authenticate", www, sizeof(www)));
		ck_assert_str_eq(www, "OAuth realm=\"crosswalk\"");
	}
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
}

START_TEST(both_hmacs_are_accepted)
{
	static const char *const algs[] = { "HMAC-SHA1", "HMAC-SHA256" };
	char auth[2048];

	for (int i = 0; i < 2; i++) {
		cJSON *doc;

		sign(auth, sizeof(auth), USERS, id, secret, algs[i]);
		ck_assert_ptr_nonnull(strstr(auth, algs[i]));
		doc = get(USERS, auth, 200, NULL);
		ck_assert_int_eq(
		        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "users")),
		        2);
		ck_assert_str_eq(family_name(doc, 0), "Lovelace");
		ck_assert_str_eq(
		        cw_json_string(
		                cJSON_GetArrayItem(
		                        cJSON_GetObjectItem(doc, "users"), 0),
		                "role"),
		        "student");
		cJSON_Delete(doc);
	}
}
END_TEST

/* RFC 5849 3.5.3: the protocol parameters in the query instead. */
START_TEST(query_parameters_are_accepted)
{
	static const char *const query[] = { "--query", NULL };
	char url[2048];
	const char *path;
	cJSON *doc;

	sign_with(url, sizeof(url), "GET",
	          "/ims/oneroster/v1p1/users?filter=familyName%3D%27Hopper%27",
	          id, secret, "HMAC-SHA256", query);
	path = strstr(url, "/ims/");
	ck_assert_ptr_nonnull(strstr(path, "oauth_signature="));
	doc = get(path, NULL, 200, NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "users")),
	                 1);
	ck_assert_str_eq(family_name(doc, 0), "Hopper");
	cJSON_Delete(doc);
	/* Once only, as in a header. */
	refused(path, NULL, "oauth_nonce");
}
END_TEST

/* Behind a TLS proxy the client signs an https URL; the proxy says so. */
START_TEST(forwarded_https_is_signed_as_https)
{
	char auth[2048];

	sign(auth, sizeof(auth), "s:" USERS, id, secret, "HMAC-SHA256");
	cJSON_Delete(
	        get_with(USERS, auth, "X-Forwarded-Proto: https", 200, NULL));
	sign(auth, sizeof(auth), "s:" USERS, id, secret, "HMAC-SHA256");
	refused(USERS, auth, "signature does not match");
	/* The Host header is what was signed: another one fails. */
	sign(auth, sizeof(auth), USERS, id, secret, "HMAC-SHA256");
	cJSON_Delete(get_with(USERS, auth, "Host: gateway.example", 401, NULL));
}
END_TEST

START_TEST(replayed_nonce_is_refused)
{
	char auth[2048];

	sign(auth, sizeof(auth), USERS, id, secret, "HMAC-SHA256");
	cJSON_Delete(get(USERS, auth, 200, NULL));
	refused(USERS, auth, "oauth_nonce was used before");
}
END_TEST

START_TEST(stale_timestamps_are_refused)
{
	static const char *const old[] = { "--timestamp", "1000000000", NULL };
	char auth[2048], future[32];
	const char *const ahead[] = { "--timestamp", future, NULL };

	sign_with(auth, sizeof(auth), "GET", USERS, id, secret, "HMAC-SHA1",
	          old);
	refused(USERS, auth, "away from the server's clock");
	snprintf(future, sizeof(future), "%lld", (long long)time(NULL) + 1000);
	sign_with(auth, sizeof(auth), "GET", USERS, id, secret, "HMAC-SHA1",
	          ahead);
	refused(USERS, auth, "away from the server's clock");
}
END_TEST

START_TEST(wrong_secret_or_tampered_request)
{
	char auth[2048];

	sign(auth, sizeof(auth), USERS, id, "not-the-secret", "HMAC-SHA256");
	refused(USERS, auth, "signature does not match");
	/* Signed for limit=2, sent with limit=3. */
	sign(auth, sizeof(auth), USERS, id, secret, "HMAC-SHA256");
	refused("/ims/oneroster/v1p1/users?limit=3", auth,
	        "signature does not match");
	/* Signed for another path. */
	sign(auth, sizeof(auth), "/ims/oneroster/v1p1/teachers", id, secret,
	     "HMAC-SHA1");
	refused("/ims/oneroster/v1p1/students", auth,
	        "signature does not match");
	/* An unknown consumer key, an unsupported method. */
	sign(auth, sizeof(auth), USERS, "0123456789abcdef0123456789abcdef",
	     secret, "HMAC-SHA1");
	refused(USERS, auth, "unknown client");
	sign(auth, sizeof(auth), USERS, id, secret, "PLAINTEXT");
	refused(USERS, auth, "HMAC-SHA1 or HMAC-SHA256");
}
END_TEST

START_TEST(revoked_client_is_refused)
{
	cw_buf out = CW_BUF_INIT(1 << 16), err = CW_BUF_INIT(1 << 16);
	char auth[2048];

	sign(auth, sizeof(auth), USERS, id, secret, "HMAC-SHA256");
	cJSON_Delete(get(USERS, auth, 200, NULL));
	ck_assert_int_eq(
	        cwt_run(&env, &out, &err, "client", "revoke", id, NULL), 0);
	sign(auth, sizeof(auth), USERS, id, secret, "HMAC-SHA256");
	refused(USERS, auth, "revoked");
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* Only the 1.1 routes take signatures; the rest want bearer tokens. */
START_TEST(other_routes_need_bearer_tokens)
{
	char auth[2048], v12_id[64], v12_secret[64];
	const char *v12 = "/ims/oneroster/rostering/v1p2/users?limit=2";

	cwt_client_add(&env, "d1", OR12 "roster.readonly", v12_id, v12_secret);
	sign(auth, sizeof(auth), v12, v12_id, v12_secret, "HMAC-SHA256");
	refused(v12, auth, "bearer token");
	sign(auth, sizeof(auth), "/admin/v1/tenants", env.admin_id,
	     env.admin_secret, "HMAC-SHA256");
	refused("/admin/v1/tenants", auth, "bearer token");
	/* A signature over a client's own secret still needs the route's
	 * scopes: a 1.2 client on a 1.1 route is forbidden. */
	sign(auth, sizeof(auth), USERS, v12_id, v12_secret, "HMAC-SHA256");
	cJSON_Delete(get(USERS, auth, 403, NULL));
}
END_TEST

START_TEST(tenants_are_isolated)
{
	char auth[2048];
	cJSON *doc;

	sign(auth, sizeof(auth), "/ims/oneroster/v1p1/users", other_id,
	     other_secret, "HMAC-SHA1");
	doc = get("/ims/oneroster/v1p1/users", auth, 200, NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "users")),
	                 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(strncmp(family_name(doc, i), "B-", 2), 0);
	cJSON_Delete(doc);
	sign(auth, sizeof(auth), "/ims/oneroster/v1p1/users/s1", id, secret,
	     "HMAC-SHA1");
	doc = get("/ims/oneroster/v1p1/users/s1", auth, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(doc, "user"), "familyName"),
	        "Lovelace");
	cJSON_Delete(doc);
}
END_TEST

/* A client made before migration 0005 has no sealed secret. */
START_TEST(old_clients_are_told_to_make_a_new_one)
{
	char auth[2048], old_id[64], old_secret[64], sql[256];

	cwt_client_add(&env, "d1", OR11 "roster.readonly", old_id, old_secret);
	snprintf(sql, sizeof(sql),
	         "UPDATE clients SET secret_sealed = NULL WHERE client_id = "
	         "'%s'",
	         old_id);
	ck_assert_int_eq(cwt_store_exec(&env, sql), 1);
	sign(auth, sizeof(auth), USERS, old_id, old_secret, "HMAC-SHA256");
	refused(USERS, auth, "create a new client");
	/* Its bearer tokens still work. */
	ck_assert_int_eq(cwt_token(auth, &daemon_, old_id, old_secret, NULL),
	                 0);
}
END_TEST

/* /openapi.json says which routes take signatures. */
START_TEST(openapi_lists_the_scheme)
{
	cwt_http res;
	cJSON *doc, *security;

	cwt_request(&res, &daemon_, "GET", "/openapi.json", NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	cwt_http_dispose(&res);
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetObjectItem(
	                        cJSON_GetObjectItem(
	                                cJSON_GetObjectItem(doc, "components"),
	                                "securitySchemes"),
	                        "OAuth1"),
	                "scheme"),
	        "OAuth");
	security = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(
	                cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "paths"),
	                                    "/ims/oneroster/v1p1/users"),
	                "get"),
	        "security");
	ck_assert_int_eq(cJSON_GetArraySize(security), 2);
	ck_assert_ptr_nonnull(
	        cJSON_GetObjectItem(cJSON_GetArrayItem(security, 1), "OAuth1"));
	security = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(
	                cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "paths"),
	                                    "/ims/oneroster/rostering/v1p2/"
	                                    "users"),
	                "get"),
	        "security");
	ck_assert_int_eq(cJSON_GetArraySize(security), 1);
	cJSON_Delete(doc);
}
END_TEST

Suite *suite_oauth1(void)
{
	Suite *s = suite_create("integration/oauth1");
	TCase *tc = tcase_create("oneroster v1p1");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, both_hmacs_are_accepted);
	tcase_add_test(tc, query_parameters_are_accepted);
	tcase_add_test(tc, forwarded_https_is_signed_as_https);
	tcase_add_test(tc, replayed_nonce_is_refused);
	tcase_add_test(tc, stale_timestamps_are_refused);
	tcase_add_test(tc, wrong_secret_or_tampered_request);
	tcase_add_test(tc, revoked_client_is_refused);
	tcase_add_test(tc, other_routes_need_bearer_tokens);
	tcase_add_test(tc, tenants_are_isolated);
	tcase_add_test(tc, old_clients_are_told_to_make_a_new_one);
	tcase_add_test(tc, openapi_lists_the_scheme);
	suite_add_tcase(s, tc);
	return s;
}
