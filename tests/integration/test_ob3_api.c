/* The Open Badges 3.0 API on the real daemon: a client registers itself, a
 * holder signs in at the authorization page and consents, the code is
 * exchanged with PKCE, and the token reads exactly that holder's
 * credentials (paged), upserts verified ones, reads and updates the
 * Profile; scopes, replays, refresh rotation, revocation, tenant isolation,
 * the discovery document and the RFC error codes of bad requests. */
#include "harness.h"
#include "or_set.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/json.h"

#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_ob3_api(void);

#define ACH      "https://district.example/achievements/ob3-api"
#define REDIRECT "http://127.0.0.1:9/callback"
#define VERIFIER "a-pkce-code-verifier-of-enough-length-0123456789"
#define SCOPE    "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
#define ALL                                                                    \
	SCOPE "credential.readonly " SCOPE "credential.upsert " SCOPE          \
	      "profile.readonly " SCOPE "profile.update"

static cwt_env env;
static cwt_daemon d;
static cw_buf out, err;
static char client_id[64], client_secret[64], challenge[64];
static char ada_pass[64], ada2_pass[64];

#define RUN(...)                                                               \
	(cw_buf_clear(&out), cw_buf_clear(&err),                               \
	 cwt_run(&env, &out, &err, __VA_ARGS__, NULL))

static void put_escaped(cw_buf *b, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c))
			cw_buf_putc(b, (char)*c);
		else
			cw_buf_printf(b, "%%%02X", *c);
	}
}

/* name=value&… from a NULL-terminated list of pairs. */
static char *form_of(const char *first, ...)
{
	cw_buf b = CW_BUF_INIT(1 << 16);
	va_list ap;
	va_start(ap, first);
	for (const char *name = first; name; name = va_arg(ap, const char *)) {
		const char *value = va_arg(ap, const char *);
		if (b.len)
			cw_buf_putc(&b, '&');
		cw_buf_printf(&b, "%s=", name);
		put_escaped(&b, value);
	}
	va_end(ap);
	return cw_buf_detach(&b, NULL);
}

static void issue_as(const char *tenant, const char *recipient,
                     const char *format, char id[64], cw_buf *credential)
{
	cJSON *doc = NULL;
	ck_assert_msg(RUN("badge", "issue", "--tenant", tenant, "--achievement",
	                  ACH, "--recipient", recipient, "--format", format,
	                  "--json") == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 64, NULL), 0);
	snprintf(id, 64, "%s", cw_json_string(doc, "id"));
	if (credential) {
		cw_buf_clear(credential);
		cw_buf_puts(credential, cw_json_string(doc, "credential"));
	}
	cJSON_Delete(doc);
}

static void issue(const char *tenant, const char *recipient, char id[64],
                  cw_buf *credential)
{
	issue_as(tenant, recipient, "di", id, credential);
}

static void holder(const char *tenant, const char *recipient, char pass[64])
{
	cJSON *doc = NULL;
	ck_assert_msg(RUN("holder", "add", "--tenant", tenant, "--recipient",
	                  recipient, "--json") == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 8, NULL), 0);
	snprintf(pass, 64, "%s", cw_json_string(doc, "passcode"));
	cJSON_Delete(doc);
}

static void make_issuer_and_achievement(const char *tenant)
{
	char issuer[64], path[400];
	FILE *f;
	ck_assert_msg(RUN("issuer", "add", "--tenant", tenant, "--name",
	                  "District") == 0,
	              "%s", cw_buf_cstr(&err));
	snprintf(issuer, sizeof(issuer), "%.*s", (int)strcspn(out.data, "\n"),
	         out.data);
	snprintf(path, sizeof(path), "%s/ach-%s.json", env.dir, tenant);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"id\":\"" ACH "\",\"type\":[\"Achievement\"],\"name\":"
	      "\"Data literacy\",\"description\":\"Reads charts.\","
	      "\"criteria\":{\"narrative\":\"Explains a chart.\"}}",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(RUN("achievement", "add", "--tenant", tenant, "--issuer",
	                  issuer, path) == 0,
	              "%s", cw_buf_cstr(&err));
}

/* The daemon on a port the config names as its public origin (an upserted
 * credential's status list is fetched from it). */
static void start_daemon(void)
{
	int port = cwt_free_port();
	char listen[32], conf[400];
	FILE *f;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(conf, sizeof(conf), "%s/crosswalk.conf", env.dir);
	f = fopen(conf, "a");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "\npublic_base_url = http://%s\nfetch_private_addresses = 1\n",
	        listen);
	ck_assert_int_eq(fclose(f), 0);
	cwt_start(&d, &env, "--listen", listen, NULL);
}

static void register_client(void)
{
	static const char *const json[] = { "Content-Type: application/json",
		                            NULL };
	cwt_http res;
	cwt_request(
	        &res, &d, "POST", "/oauth/ob3/register", json,
	        "{\"client_name\":\"Backpack\",\"client_uri\":"
	        "\"https://backpack.example\",\"redirect_uris\":[\"" REDIRECT
	        "\"],\"grant_types\":[\"authorization_code\","
	        "\"refresh_token\"],\"response_types\":[\"code\"],"
	        "\"token_endpoint_auth_method\":\"client_secret_basic\","
	        "\"scope\":\"" ALL " offline_access\"}");
	ck_assert_msg(res.status == 201, "%ld %s", res.status, res.body.data);
	cJSON *doc = cwt_json(&res);
	snprintf(client_id, sizeof(client_id), "%s",
	         cw_json_string(doc, "client_id"));
	snprintf(client_secret, sizeof(client_secret), "%s",
	         cw_json_string(doc, "client_secret"));
	ck_assert_int_eq(strlen(client_id), 32);
	ck_assert_str_eq(cw_json_string(doc, "token_endpoint_auth_method"),
	                 "client_secret_basic");
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
}

static void setup(void)
{
	unsigned char digest[CW_SHA256_LEN];
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(16 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
	ck_assert_int_eq(RUN("tenant", "add", "d1"), 0);
	ck_assert_int_eq(RUN("tenant", "add", "d2"), 0);
	cw_sha256(digest, VERIFIER, strlen(VERIFIER));
	cw_base64url_encode(challenge, digest, sizeof(digest));
	start_daemon();
	register_client();
}

static void teardown(void)
{
	char log[8192] = "";
	FILE *f;
	int code = cwt_stop(&d, SIGTERM, 10000);
	/* a clean exit: no leak (under LeakSanitizer) and no crash */
	if (code != 0 && (f = fopen(d.log_path, "r"))) {
		log[fread(log, 1, sizeof(log) - 1, f)] = '\0';
		fclose(f);
	}
	ck_assert_msg(code == 0, "the daemon exited %d: %s", code, log);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

/* GET /oauth/ob3/authorize with the usual parameters (scope, state,
 * method may change); the response in res. */
static void authorize_get(cwt_http *res, const char *scope, const char *state,
                          const char *method, const char *redirect)
{
	char *query = form_of("response_type", "code", "client_id", client_id,
	                      "redirect_uri", redirect, "scope", scope, "state",
	                      state, "code_challenge", challenge,
	                      "code_challenge_method", method, NULL);
	char path[4096];
	snprintf(path, sizeof(path), "/oauth/ob3/authorize?%s", query);
	cw_free(query);
	cwt_request(res, &d, "GET", path, NULL, NULL);
}

static void form_token_of(const cwt_http *res, char token[64])
{
	const char *p =
	        strstr(cw_buf_cstr(&res->body), "name=\"form_token\" value=\"");
	ck_assert_msg(p != NULL, "no form: %s", cw_buf_cstr(&res->body));
	p += strlen("name=\"form_token\" value=\"");
	snprintf(token, 64, "%.*s", (int)strcspn(p, "\""), p);
}

static void authorize_post(cwt_http *res, const char *token, const char *tenant,
                           const char *login, const char *pass,
                           const char *decision)
{
	static const char *const form[] = {
		"Content-Type: application/x-www-form-urlencoded", NULL
	};
	char *body =
	        form_of("form_token", token, "tenant", tenant, "login", login,
	                "passcode", pass, "decision", decision, NULL);
	cwt_request(res, &d, "POST", "/oauth/ob3/authorize", form, body);
	cw_free(body);
}

/* A query parameter of the response's Location ("" when absent). */
static void location_param(const cwt_http *res, const char *name, char *value,
                           size_t n)
{
	char location[4096], key[64];
	const char *p;
	ck_assert(cwt_header(res, "Location", location, sizeof(location)));
	snprintf(key, sizeof(key), "%s=", name);
	value[0] = '\0';
	for (p = strchr(location, '?'); p; p = strchr(p + 1, '&'))
		if (strncmp(p + 1, key, strlen(key)) == 0) {
			p += 1 + strlen(key);
			snprintf(value, n, "%.*s", (int)strcspn(p, "&"), p);
			return;
		}
}

/* The whole sign-in of login at tenant: the code the redirect carries. */
static void get_code(char code[64], const char *scope, const char *tenant,
                     const char *login, const char *pass)
{
	cwt_http res;
	char token[64], state[64];
	authorize_get(&res, scope, "st-42", "S256", REDIRECT);
	ck_assert_msg(res.status == 200, "%ld %s", res.status,
	              res.headers.data);
	form_token_of(&res, token);
	cwt_http_dispose(&res);
	authorize_post(&res, token, tenant, login, pass, "approve");
	ck_assert_msg(res.status == 302, "%ld %s", res.status, res.body.data);
	location_param(&res, "state", state, sizeof(state));
	ck_assert_str_eq(state, "st-42");
	location_param(&res, "code", code, 64);
	ck_assert_int_eq(strlen(code), 43);
	cwt_http_dispose(&res);
}

/* POST /oauth/ob3/token with client_secret_basic; the response in res. */
static void token_call(cwt_http *res, const char *path, const char *body)
{
	char pair[200], basic[300], header[400];
	static const char *form = "Content-Type: "
	                          "application/x-www-form-urlencoded";
	snprintf(pair, sizeof(pair), "%s:%s", client_id, client_secret);
	cw_base64_encode(basic, (const unsigned char *)pair, strlen(pair));
	snprintf(header, sizeof(header), "Authorization: Basic %s", basic);
	const char *headers[] = { header, form, NULL };
	cwt_request(res, &d, "POST", path, headers, body);
}

static void exchange(cwt_http *res, const char *code, const char *redirect,
                     const char *verifier)
{
	char *body = form_of("grant_type", "authorization_code", "code", code,
	                     "redirect_uri", redirect, "code_verifier",
	                     verifier, NULL);
	token_call(res, "/oauth/ob3/token", body);
	cw_free(body);
}

static void expect_oauth_error(cwt_http *res, long status, const char *error)
{
	ck_assert_msg(res->status == status, "%ld %s", res->status,
	              res->body.data);
	cJSON *doc = cwt_json(res);
	ck_assert_str_eq(cw_json_string(doc, "error"), error);
	cJSON_Delete(doc);
	cwt_http_dispose(res);
}

/* A good code's tokens: access in access, refresh in refresh. */
static void tokens_for(char access[64], char refresh[64], const char *scope,
                       const char *tenant, const char *login, const char *pass)
{
	cwt_http res;
	char code[64];
	get_code(code, scope, tenant, login, pass);
	exchange(&res, code, REDIRECT, VERIFIER);
	ck_assert_msg(res.status == 200, "%ld %s", res.status, res.body.data);
	cJSON *doc = cwt_json(&res);
	ck_assert_str_eq(cw_json_string(doc, "token_type"), "Bearer");
	snprintf(access, 64, "%s", cw_json_string(doc, "access_token"));
	if (refresh)
		snprintf(refresh, 64, "%s",
		         cw_json_string(doc, "refresh_token"));
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
}

static void call(cwt_http *res, const char *method, const char *path,
                 const char *token, const char *type, const char *body)
{
	char auth[2200], content[128];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(content, sizeof(content), "Content-Type: %s",
	         type ? type : "application/json");
	const char *headers[] = { auth, content, NULL };
	cwt_request(res, &d, method, path, headers, body);
}

static int count_of(const cJSON *doc, const char *member)
{
	return cJSON_GetArraySize(cJSON_GetObjectItem(doc, member));
}

/* Discovery names the endpoints the flow below then uses. */
START_TEST(discovery_document)
{
	cwt_http res;
	char base[64];
	cwt_request(&res, &d, "GET", "/ims/ob/v3p0/discovery", NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	cJSON *doc = cwt_json(&res);
	const cJSON *info = cJSON_GetObjectItem(doc, "info");
	const cJSON *acg = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "components"),
	                            "securitySchemes"),
	        "OAuth2ACG");
	const cJSON *flow = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(acg, "flows"), "authorizationCode");
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", d.port);
	ck_assert_str_eq(cw_json_string(doc, "openapi"), "3.0.1");
	ck_assert_ptr_nonnull(cw_json_string(info, "title"));
	ck_assert_ptr_nonnull(cw_json_string(info, "version"));
	ck_assert_ptr_nonnull(cw_json_string(info, "termsOfService"));
	ck_assert_ptr_nonnull(cw_json_string(info, "x-imssf-privacyPolicyUrl"));
	ck_assert_str_eq(cw_json_string(acg, "type"), "oauth2");
	ck_assert_int_eq(strncmp(cw_json_string(acg, "x-imssf-registrationUrl"),
	                         base, strlen(base)),
	                 0);
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(acg, "x-imssf-registrationUrl"),
	               "/oauth/ob3/register"));
	ck_assert_ptr_nonnull(strstr(cw_json_string(flow, "authorizationUrl"),
	                             "/oauth/ob3/authorize"));
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(flow, "tokenUrl"), "/oauth/ob3/token"));
	ck_assert_ptr_nonnull(cw_json_string(flow, "refreshUrl"));
	const cJSON *scopes = cJSON_GetObjectItem(flow, "scopes");
	ck_assert_ptr_nonnull(
	        cJSON_GetObjectItem(scopes, SCOPE "credential.readonly"));
	ck_assert_ptr_nonnull(
	        cJSON_GetObjectItem(scopes, SCOPE "credential.upsert"));
	ck_assert_ptr_nonnull(
	        cJSON_GetObjectItem(scopes, SCOPE "profile.readonly"));
	ck_assert_ptr_nonnull(
	        cJSON_GetObjectItem(scopes, SCOPE "profile.update"));
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "paths"), "/credentials"));
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	/* the daemon's own route document says these take holder tokens */
	cwt_request(&res, &d, "GET", "/openapi.json", NULL, NULL);
	doc = cwt_json(&res);
	const cJSON *get = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "paths"),
	                            "/ims/ob/v3p0/credentials"),
	        "get");
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(
	        cJSON_GetArrayItem(cJSON_GetObjectItem(get, "security"), 0),
	        "OAuth2ACG"));
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
}
END_TEST

/* The code grant: wrong verifier, wrong redirect, a replayed code (whose
 * tokens die with it), a wrong passcode (a fresh form), a used form. */
START_TEST(code_grant_checks)
{
	cwt_http res;
	char code[64], access[64], token[64], again[64];
	holder("d1", "ada@example.org", ada_pass);
	get_code(code, ALL, "d1", "ada@example.org", ada_pass);
	exchange(&res, code, REDIRECT, VERIFIER "x");
	expect_oauth_error(&res, 400, "invalid_grant");
	get_code(code, ALL, "d1", "ada@example.org", ada_pass);
	exchange(&res, code, "http://127.0.0.1:9/other", VERIFIER);
	expect_oauth_error(&res, 400, "invalid_grant");
	get_code(code, ALL, "d1", "ada@example.org", ada_pass);
	exchange(&res, code, REDIRECT, VERIFIER);
	ck_assert_int_eq(res.status, 200);
	cJSON *doc = cwt_json(&res);
	snprintf(access, sizeof(access), "%s",
	         cw_json_string(doc, "access_token"));
	ck_assert_ptr_nonnull(cw_json_string(doc, "refresh_token"));
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(doc, "scope"), "credential.upsert"));
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/profile", access, NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	cwt_http_dispose(&res);
	exchange(&res, code, REDIRECT, VERIFIER); /* replayed */
	expect_oauth_error(&res, 400, "invalid_grant");
	call(&res, "GET", "/ims/ob/v3p0/profile", access, NULL, NULL);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);
	/* a wrong client secret */
	snprintf(client_secret, sizeof(client_secret), "wrong");
	exchange(&res, code, REDIRECT, VERIFIER);
	expect_oauth_error(&res, 401, "invalid_client");
	/* a wrong passcode shows the form again, with a new one-time token */
	authorize_get(&res, ALL, "s", "S256", REDIRECT);
	form_token_of(&res, token);
	cwt_http_dispose(&res);
	authorize_post(&res, token, "d1", "ada@example.org", "nope", "approve");
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(res.body.data, "passcode is wrong"));
	form_token_of(&res, again);
	ck_assert_str_ne(again, token);
	cwt_http_dispose(&res);
	authorize_post(&res, again, "d2", "ada@example.org", ada_pass,
	               "approve");
	ck_assert_int_eq(res.status, 200); /* not a holder of d2 */
	form_token_of(&res, again);
	cwt_http_dispose(&res);
	authorize_post(&res, token, "d1", "ada@example.org", ada_pass,
	               "approve");
	ck_assert_int_eq(res.status, 400); /* the first form is used up */
	ck_assert(!cwt_header(&res, "Location", code, sizeof(code)));
	cwt_http_dispose(&res);
	/* and its replay revoked the forms that followed it */
	authorize_post(&res, again, "d1", "ada@example.org", ada_pass,
	               "approve");
	ck_assert_int_eq(res.status, 400);
	cwt_http_dispose(&res);
	/* deny */
	authorize_get(&res, ALL, "s2", "S256", REDIRECT);
	form_token_of(&res, token);
	cwt_http_dispose(&res);
	authorize_post(&res, token, "", "", "", "deny");
	ck_assert_int_eq(res.status, 302);
	location_param(&res, "error", code, sizeof(code));
	ck_assert_str_eq(code, "access_denied");
	location_param(&res, "state", code, sizeof(code));
	ck_assert_str_eq(code, "s2");
	cwt_http_dispose(&res);
}
END_TEST

/* GET /credentials: exactly the holder's, paged; POST upserts verified
 * ones (201, then 200), refuses tampered ones; tenants and holders stay
 * apart; the scopes of the token bound what it may do. */
START_TEST(credentials_and_profile)
{
	char ada1[64], ada2[64], ada3[64], bob[64], carol[64], other[64];
	char access[64], readonly[64], header[2048], path[256];
	cw_buf carol_text = CW_BUF_INIT(1 << 20);
	cwt_http res;
	make_issuer_and_achievement("d1");
	make_issuer_and_achievement("d2");
	issue("d1", "ada@example.org", ada1, NULL);
	issue("d1", "ada@example.org", ada2, NULL);
	issue("d1", "bob@example.org", bob, NULL);
	issue("d1", "ada@example.org", ada3, NULL);
	issue("d1", "carol@example.org", carol, &carol_text);
	issue("d2", "ada@example.org", other, NULL);
	holder("d1", "ada@example.org", ada_pass);
	holder("d2", "ada@example.org", ada2_pass);
	tokens_for(access, NULL, ALL, "d1", "ada@example.org", ada_pass);

	call(&res, "GET", "/ims/ob/v3p0/credentials?limit=2", access, NULL,
	     NULL);
	ck_assert_msg(res.status == 200, "%ld %s", res.status, res.body.data);
	ck_assert(cwt_header(&res, "X-Total-Count", header, sizeof(header)));
	ck_assert_str_eq(header, "3");
	ck_assert(cwt_header(&res, "Link", header, sizeof(header)));
	ck_assert_ptr_nonnull(
	        strstr(header, "offset=2&limit=2>; rel=\"next\""));
	cJSON *doc = cwt_json(&res);
	ck_assert_int_eq(count_of(doc, "credential"), 2);
	ck_assert_int_eq(count_of(doc, "compactJwsString"), 0);
	cJSON_Delete(doc);
	cw_buf pages = CW_BUF_INIT(1 << 22);
	cw_buf_puts(&pages, res.body.data);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/credentials?limit=2&offset=2", access,
	     NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	ck_assert_int_eq(count_of(doc, "credential"), 1);
	cJSON_Delete(doc);
	cw_buf_puts(&pages, res.body.data);
	ck_assert_ptr_nonnull(strstr(pages.data, ada1));
	ck_assert_ptr_nonnull(strstr(pages.data, ada2));
	ck_assert_ptr_nonnull(strstr(pages.data, ada3));
	cw_buf_dispose(&pages);
	ck_assert_ptr_null(strstr(res.body.data, bob));
	ck_assert_ptr_null(strstr(res.body.data, carol));
	ck_assert_ptr_null(strstr(res.body.data, other));
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/credentials?since=2999-01-01T00:00:00Z",
	     access, NULL, NULL);
	ck_assert(cwt_header(&res, "X-Total-Count", header, sizeof(header)));
	ck_assert_str_eq(header, "0");
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/credentials?limit=0", access, NULL,
	     NULL);
	ck_assert_int_eq(res.status, 400);
	cwt_http_dispose(&res);

	/* without a token, or with a client's token, or a made-up one */
	cwt_request(&res, &d, "GET", "/ims/ob/v3p0/credentials", NULL, NULL);
	ck_assert_int_eq(res.status, 401);
	ck_assert_ptr_nonnull(strstr(res.body.data, "imsx_codeMajor"));
	cwt_http_dispose(&res);
	ck_assert_int_eq(
	        cwt_token(header, &d, env.admin_id, env.admin_secret, NULL), 0);
	call(&res, "GET", "/ims/ob/v3p0/credentials", header, NULL, NULL);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);

	/* upsert: new, then the same again, then tampered */
	call(&res, "POST", "/ims/ob/v3p0/credentials", access, NULL,
	     carol_text.data);
	ck_assert_msg(res.status == 201, "%ld %s", res.status, res.body.data);
	cwt_http_dispose(&res);
	call(&res, "POST", "/ims/ob/v3p0/credentials", access,
	     "application/vc+ld+json", carol_text.data);
	ck_assert_msg(res.status == 200, "%ld %s", res.status, res.body.data);
	ck_assert_ptr_nonnull(strstr(res.body.data, carol));
	cwt_http_dispose(&res);
	char *tampered = strstr(carol_text.data, "Data literacy");
	ck_assert_ptr_nonnull(tampered);
	memcpy(tampered, "Data literacz", 13);
	call(&res, "POST", "/ims/ob/v3p0/credentials", access, NULL,
	     carol_text.data);
	ck_assert_int_eq(res.status, 400);
	ck_assert_ptr_nonnull(strstr(res.body.data, "proof"));
	cwt_http_dispose(&res);
	call(&res, "POST", "/ims/ob/v3p0/credentials", access, "text/plain",
	     "not.a.jws");
	ck_assert_int_eq(res.status, 400);
	cwt_http_dispose(&res);
	/* a VC-JWT goes in as text/plain and comes back a compactJwsString */
	char dave[64];
	issue_as("d1", "dave@example.org", "jwt", dave, &carol_text);
	call(&res, "POST", "/ims/ob/v3p0/credentials", access, "text/plain",
	     carol_text.data);
	ck_assert_msg(res.status == 201, "%ld %s", res.status, res.body.data);
	ck_assert_str_eq(res.body.data, carol_text.data);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/credentials", access, NULL, NULL);
	ck_assert(cwt_header(&res, "X-Total-Count", header, sizeof(header)));
	ck_assert_str_eq(header, "5");
	ck_assert_ptr_nonnull(strstr(res.body.data, carol));
	ck_assert_ptr_null(strstr(res.body.data, "literacz"));
	doc = cwt_json(&res);
	ck_assert_int_eq(count_of(doc, "credential"), 4);
	ck_assert_int_eq(count_of(doc, "compactJwsString"), 1);
	const cJSON *jws = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(doc, "compactJwsString"), 0);
	ck_assert_str_eq(jws->valuestring, carol_text.data);
	cJSON_Delete(doc);
	cwt_http_dispose(&res);

	/* the same login at d2 is another holder: d2's credential only */
	tokens_for(readonly, NULL, SCOPE "credential.readonly", "d2",
	           "ada@example.org", ada2_pass);
	call(&res, "GET", "/ims/ob/v3p0/credentials", readonly, NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	ck_assert(cwt_header(&res, "X-Total-Count", header, sizeof(header)));
	ck_assert_str_eq(header, "1");
	ck_assert_ptr_nonnull(strstr(res.body.data, other));
	ck_assert_ptr_null(strstr(res.body.data, carol));
	cwt_http_dispose(&res);
	/* a read-only token may not upsert, nor read the profile */
	call(&res, "POST", "/ims/ob/v3p0/credentials", readonly, NULL, "{}");
	ck_assert_int_eq(res.status, 403);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/profile", readonly, NULL, NULL);
	ck_assert_int_eq(res.status, 403);
	cwt_http_dispose(&res);

	/* the profile */
	call(&res, "GET", "/ims/ob/v3p0/profile", access, NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	ck_assert_str_eq(cw_json_string(doc, "email"), "ada@example.org");
	char id[128];
	snprintf(id, sizeof(id), "%s", cw_json_string(doc, "id"));
	ck_assert_int_eq(strncmp(id, "urn:uuid:", 9), 0);
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	call(&res, "PUT", "/ims/ob/v3p0/profile", access, NULL,
	     "{\"type\":[\"Profile\"],\"name\":\"Ada L.\"}");
	ck_assert_int_eq(res.status, 200);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/profile", access, NULL, NULL);
	doc = cwt_json(&res);
	ck_assert_str_eq(cw_json_string(doc, "name"), "Ada L.");
	ck_assert_str_eq(cw_json_string(doc, "id"), id);
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	call(&res, "PUT", "/ims/ob/v3p0/profile", access, NULL,
	     "{\"id\":\"urn:uuid:someone-else\",\"type\":[\"Profile\"]}");
	ck_assert_int_eq(res.status, 400);
	cwt_http_dispose(&res);
	call(&res, "PUT", "/ims/ob/v3p0/profile", access, NULL,
	     "{\"type\":[\"Achievement\"]}");
	ck_assert_int_eq(res.status, 400);
	cwt_http_dispose(&res);
	snprintf(path, sizeof(path), "/ims/ob/v3p0/profile");
	call(&res, "DELETE", path, access, NULL, NULL);
	ck_assert_int_eq(res.status, 405);
	cwt_http_dispose(&res);
	cw_buf_dispose(&carol_text);
}
END_TEST

static void refresh(cwt_http *res, const char *token, const char *scope)
{
	char *body =
	        scope ? form_of("grant_type", "refresh_token", "refresh_token",
	                        token, "scope", scope, NULL)
	              : form_of("grant_type", "refresh_token", "refresh_token",
	                        token, NULL);
	token_call(res, "/oauth/ob3/token", body);
	cw_free(body);
}

/* Refresh tokens rotate; a replayed one revokes the grant; RFC 7009. */
START_TEST(refresh_rotation_and_revocation)
{
	char access[64], refresh1[64], access2[64], refresh2[64];
	cwt_http res;
	holder("d1", "ada@example.org", ada_pass);
	tokens_for(access, refresh1, ALL, "d1", "ada@example.org", ada_pass);
	refresh(&res, refresh1,
	        SCOPE "credential.readonly " SCOPE "profile.readonly");
	ck_assert_msg(res.status == 200, "%ld %s", res.status, res.body.data);
	cJSON *doc = cwt_json(&res);
	snprintf(access2, sizeof(access2), "%s",
	         cw_json_string(doc, "access_token"));
	snprintf(refresh2, sizeof(refresh2), "%s",
	         cw_json_string(doc, "refresh_token"));
	ck_assert_str_ne(refresh2, refresh1);
	ck_assert_ptr_null(strstr(cw_json_string(doc, "scope"), "upsert"));
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/profile", access2, NULL, NULL);
	ck_assert_int_eq(res.status, 200);
	cwt_http_dispose(&res);
	call(&res, "PUT", "/ims/ob/v3p0/profile", access2, NULL,
	     "{\"type\":\"Profile\"}");
	ck_assert_int_eq(res.status, 403); /* narrowed on refresh */
	cwt_http_dispose(&res);
	refresh(&res, refresh2, ALL); /* cannot widen; refresh2 is kept */
	expect_oauth_error(&res, 400, "invalid_scope");
	refresh(&res, refresh2, NULL);
	ck_assert_msg(res.status == 200, "%ld %s", res.status, res.body.data);
	doc = cwt_json(&res);
	ck_assert_ptr_null(strstr(cw_json_string(doc, "scope"), "upsert"));
	snprintf(access2, sizeof(access2), "%s",
	         cw_json_string(doc, "access_token"));
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	/* refresh1 again: a replay, which revokes the whole grant */
	refresh(&res, refresh1, NULL);
	expect_oauth_error(&res, 400, "invalid_grant");
	call(&res, "GET", "/ims/ob/v3p0/profile", access2, NULL, NULL);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/profile", access, NULL, NULL);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);
	/* revocation of a fresh grant by its refresh token */
	tokens_for(access, refresh1, ALL, "d1", "ada@example.org", ada_pass);
	char *body = form_of("token", refresh1, NULL);
	token_call(&res, "/oauth/ob3/revoke", body);
	cw_free(body);
	ck_assert_int_eq(res.status, 200);
	cwt_http_dispose(&res);
	call(&res, "GET", "/ims/ob/v3p0/profile", access, NULL, NULL);
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);
	refresh(&res, refresh1, NULL);
	expect_oauth_error(&res, 400, "invalid_grant");
}
END_TEST

static void register_expect(const char *body, const char *error)
{
	static const char *const json[] = { "Content-Type: application/json",
		                            NULL };
	cwt_http res;
	cwt_request(&res, &d, "POST", "/oauth/ob3/register", json, body);
	expect_oauth_error(&res, 400, error);
}

static void authorize_expect(const char *scope, const char *method,
                             const char *error)
{
	cwt_http res;
	char value[256];
	authorize_get(&res, scope, "st-9", method, REDIRECT);
	ck_assert_msg(res.status == 302, "%ld %s", res.status, res.body.data);
	location_param(&res, "error", value, sizeof(value));
	ck_assert_str_eq(value, error);
	location_param(&res, "state", value, sizeof(value));
	ck_assert_str_eq(value, "st-9");
	location_param(&res, "code", value, sizeof(value));
	ck_assert_str_eq(value, "");
	cwt_http_dispose(&res);
}

/* Bad registrations and authorization requests get the RFC codes; what
 * cannot be trusted to redirect is answered on the page. */
START_TEST(bad_requests)
{
	cwt_http res;
	char location[256];
	register_expect("{\"client_name\":\"X\",\"redirect_uris\":"
	                "[\"http://backpack.example/cb\"]}",
	                "invalid_redirect_uri");
	register_expect("{\"client_name\":\"X\",\"redirect_uris\":"
	                "[\"https://b.example/cb#frag\"]}",
	                "invalid_redirect_uri");
	register_expect("{\"client_name\":\"X\",\"redirect_uris\":[]}",
	                "invalid_redirect_uri");
	register_expect("{\"redirect_uris\":[\"https://b.example/cb\"]}",
	                "invalid_client_metadata");
	register_expect("{\"client_name\":\"X\",\"redirect_uris\":"
	                "[\"https://b.example/cb\"],\"grant_types\":"
	                "[\"client_credentials\"]}",
	                "invalid_client_metadata");
	register_expect("{\"client_name\":\"X\",\"redirect_uris\":"
	                "[\"https://b.example/cb\"],"
	                "\"token_endpoint_auth_method\":\"none\"}",
	                "invalid_client_metadata");
	register_expect("{\"client_name\":\"X\",\"redirect_uris\":"
	                "[\"https://b.example/cb\"],\"scope\":\"" SCOPE
	                "everything\"}",
	                "invalid_client_metadata");
	authorize_expect(ALL, "plain", "invalid_request");
	authorize_expect(ALL, "", "invalid_request");
	authorize_expect(SCOPE "credential.delete", "S256", "invalid_scope");
	/* no code_challenge at all */
	char path[1024];
	snprintf(path, sizeof(path),
	         "/oauth/ob3/authorize?response_type=code&client_id=%s&"
	         "redirect_uri=%s&state=z",
	         client_id, "http%3A%2F%2F127.0.0.1%3A9%2Fcallback");
	cwt_request(&res, &d, "GET", path, NULL, NULL);
	ck_assert_int_eq(res.status, 302);
	location_param(&res, "error", location, sizeof(location));
	ck_assert_str_eq(location, "invalid_request");
	cwt_http_dispose(&res);
	snprintf(path, sizeof(path),
	         "/oauth/ob3/authorize?response_type=token&client_id=%s&"
	         "redirect_uri=%s&code_challenge=%s&code_challenge_method=S256",
	         client_id, "http%3A%2F%2F127.0.0.1%3A9%2Fcallback", challenge);
	cwt_request(&res, &d, "GET", path, NULL, NULL);
	ck_assert_int_eq(res.status, 302);
	location_param(&res, "error", location, sizeof(location));
	ck_assert_str_eq(location, "unsupported_response_type");
	cwt_http_dispose(&res);
	/* an unregistered redirect URI or client: never redirected */
	authorize_get(&res, ALL, "s", "S256", "https://evil.example/cb");
	ck_assert_int_eq(res.status, 400);
	ck_assert(!cwt_header(&res, "Location", location, sizeof(location)));
	cwt_http_dispose(&res);
	snprintf(client_id, sizeof(client_id), "%032d", 0);
	authorize_get(&res, ALL, "s", "S256", REDIRECT);
	ck_assert_int_eq(res.status, 400);
	ck_assert(!cwt_header(&res, "Location", location, sizeof(location)));
	cwt_http_dispose(&res);
	/* the token endpoint wants client_secret_basic */
	cwt_request(&res, &d, "POST", "/oauth/ob3/token",
	            (const char *const[]){
	                    "Content-Type: application/x-www-form-urlencoded",
	                    NULL },
	            "grant_type=authorization_code&code=x");
	expect_oauth_error(&res, 401, "invalid_client");
}
END_TEST

/* The admin API creates holders too; the passcode it answers signs in. */
START_TEST(admin_holders)
{
	char admin[64], auth[100], code[64];
	cwt_http res;
	ck_assert_int_eq(
	        cwt_token(admin, &d, env.admin_id, env.admin_secret, NULL), 0);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin);
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_request(&res, &d, "POST", "/admin/v1/badges/holders?tenant=d1",
	            headers, "{\"recipient\":\"zed@example.org\"}");
	ck_assert_msg(res.status == 201, "%ld %s", res.status, res.body.data);
	cJSON *doc = cwt_json(&res);
	snprintf(ada_pass, sizeof(ada_pass), "%s",
	         cw_json_string(doc, "passcode"));
	ck_assert_str_eq(cw_json_string(doc, "tenant"), "d1");
	cJSON_Delete(doc);
	cwt_http_dispose(&res);
	cwt_request(&res, &d, "POST", "/admin/v1/badges/holders?tenant=d1",
	            headers, "{\"recipient\":\"zed@example.org\"}");
	ck_assert_int_eq(res.status, 422);
	cwt_http_dispose(&res);
	cwt_request(&res, &d, "GET", "/admin/v1/badges/holders?tenant=d1",
	            headers, NULL);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(res.body.data, "zed@example.org"));
	ck_assert_ptr_null(strstr(res.body.data, ada_pass));
	cwt_http_dispose(&res);
	cwt_request(
	        &res, &d, "POST", "/admin/v1/badges/holders?tenant=d1",
	        (const char *const[]){ "Content-Type: application/json", NULL },
	        "{\"recipient\":\"eve@example.org\"}");
	ck_assert_int_eq(res.status, 401);
	cwt_http_dispose(&res);
	get_code(code, SCOPE "profile.readonly", "d1", "zed@example.org",
	         ada_pass);
}
END_TEST

/* A tenant whose credential-to-result mapping says runOnOb3Upsert: a
 * credential a holder upserts becomes a OneRoster result (the run is in
 * the X-Crosswalk-Flow-Run header and in `jobs list`). */
#define UPS_DOC  "d3000000-0000-4000-8000-0000000000d3"
#define UPS_ITEM "a3000000-0000-4000-8000-0000000000a3"

START_TEST(upserts_run_the_flow)
{
	char access[64], set[400], p[400], header[64], issuer[64];
	cw_buf text = CW_BUF_INIT(1 << 20);
	cwt_http res;
	cJSON *doc = NULL;
	snprintf(set, sizeof(set), "%s/set", env.dir);
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_import(&env, "d1", set);
	cwt_or_write_file(
	        env.dir, "case.json",
	        "{\"CFDocument\":{\"identifier\":\"" UPS_DOC "\",\"uri\":"
	        "\"https://case.example/uri/" UPS_DOC "\",\"creator\":\"D\","
	        "\"title\":\"Competencies\",\"lastChangeDateTime\":\"2025-"
	        "01-01T00:00:00Z\"},\"CFItems\":[{\"identifier\":\"" UPS_ITEM
	        "\",\"uri\":\"https://case.example/uri/" UPS_ITEM "\","
	        "\"fullStatement\":\"Reads a chart.\",\"humanCodingScheme\":"
	        "\"C.1\",\"lastChangeDateTime\":\"2025-01-01T00:00:00Z\"}]}");
	snprintf(p, sizeof(p), "%s/case.json", env.dir);
	ck_assert_msg(RUN("case", "import", "--tenant", "d1", p) == 0, "%s",
	              cw_buf_cstr(&err));
	ck_assert_int_eq(RUN("issuer", "add", "--tenant", "d1", "--name", "D"),
	                 0);
	snprintf(issuer, sizeof(issuer), "%.*s", (int)strcspn(out.data, "\n"),
	         out.data);
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                     issuer, "--case-item", UPS_ITEM),
	                 0);
	cwt_or_write_file(
	        env.dir, "map.json",
	        "{\"flow\":\"credential-to-result\",\"runOnOb3Upsert\":true,"
	        "\"identity\":[{\"match\":\"email\"}],\"alignment\":{},"
	        "\"levels\":[{\"match\":[\"Mastered\"],\"score\":4,"
	        "\"textScore\":\"Mastered\"}],\"noResult\":{\"score\":4,"
	        "\"textScore\":\"Mastered\"},\"lineItem\":{\"class\":{"
	        "\"course\":\"c\"},\"category\":{\"sourcedId\":\"xl\","
	        "\"title\":\"Extended learning\"}}}");
	snprintf(p, sizeof(p), "%s/map.json", env.dir);
	ck_assert_int_eq(RUN("map", "install", "--tenant", "d1", p), 0);
	/* a credential from another issuer of the tenant's, upserted by ada */
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", "urn:uuid:" UPS_ITEM,
	                     "--recipient", "ada@example.org", "--json"),
	                 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 64, NULL), 0);
	cw_buf_puts(&text, cw_json_string(doc, "credential"));
	cJSON_Delete(doc);
	holder("d1", "ada@example.org", ada_pass);
	tokens_for(access, NULL, ALL, "d1", "ada@example.org", ada_pass);
	call(&res, "POST", "/ims/ob/v3p0/credentials", access, NULL, text.data);
	ck_assert_msg(res.status == 200 || res.status == 201, "%ld %s",
	              res.status, res.body.data);
	ck_assert(cwt_header(&res, "X-Crosswalk-Flow-Run", header,
	                     sizeof(header)));
	cwt_http_dispose(&res);
	ck_assert_int_eq(RUN("jobs", "show", header), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"done\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"source\":\"ob3-api\""));
	snprintf(p, sizeof(p), "%s/export", env.dir);
	ck_assert_int_eq(RUN("roster", "export", "--tenant", "d1", "--version",
	                     "1.2", "--out", p),
	                 0);
	char *objectives = NULL;
	size_t n = 0;
	snprintf(p, sizeof(p), "%s/export/resultLearningObjectiveIds.csv",
	         env.dir);
	ck_assert_int_eq(cw_file_read(&objectives, &n, p, 1 << 20), 0);
	ck_assert_ptr_nonnull(
	        strstr(objectives, "urn:uuid:" UPS_ITEM ",4,Mastered"));
	cw_free(objectives);
	cw_buf_dispose(&text);
}
END_TEST

/* Ten wrong passcodes for one holder login (auth_failure_limit) and its
 * sign-in answers 429 with Retry-After, the right passcode too, until the
 * window ends; another login goes on. */
START_TEST(holder_sign_in_is_throttled)
{
	char token[64], code[64];
	cwt_http res;
	holder("d1", "ada@example.org", ada_pass);
	holder("d1", "grace@example.org", ada2_pass);
	authorize_get(&res, ALL, "s", "S256", REDIRECT);
	form_token_of(&res, token);
	cwt_http_dispose(&res);
	for (int i = 0; i < 10; i++) {
		authorize_post(&res, token, "d1", "ada@example.org", "nope",
		               "approve");
		ck_assert_int_eq(res.status, 200);
		ck_assert_ptr_nonnull(
		        strstr(res.body.data, "passcode is wrong"));
		form_token_of(&res, token);
		cwt_http_dispose(&res);
	}
	authorize_post(&res, token, "d1", "ada@example.org", ada_pass,
	               "approve");
	ck_assert_int_eq(res.status, 429);
	ck_assert_int_eq(cwt_header(&res, "Retry-After", code, sizeof(code)),
	                 1);
	ck_assert_int_gt(strtol(code, NULL, 10), 0);
	ck_assert_ptr_nonnull(
	        strstr(res.body.data, "too many failed sign-ins"));
	cwt_http_dispose(&res);
	/* the form was not used: another holder signs in with it */
	authorize_post(&res, token, "d1", "grace@example.org", ada2_pass,
	               "approve");
	ck_assert_int_eq(res.status, 302);
	location_param(&res, "code", code, sizeof(code));
	ck_assert_int_gt(strlen(code), 0);
	cwt_http_dispose(&res);
}
END_TEST

Suite *suite_ob3_api(void)
{
	Suite *s = suite_create("ob3_api");
	TCase *t = tcase_create("api");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, discovery_document);
	tcase_add_test(t, code_grant_checks);
	tcase_add_test(t, credentials_and_profile);
	tcase_add_test(t, refresh_rotation_and_revocation);
	tcase_add_test(t, bad_requests);
	tcase_add_test(t, admin_holders);
	tcase_add_test(t, upserts_run_the_flow);
	tcase_add_test(t, holder_sign_in_is_throttled);
	suite_add_tcase(s, t);
	return s;
}
