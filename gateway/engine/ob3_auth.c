/* The OB 3.0 authorization server. Codes, tokens and form tokens are 256
 * random bits, passcodes 120: one salted SHA-256 stores them, as for client
 * secrets (engine/credentials.c), and only their hash is ever looked up. */
#include "engine/ob3_auth.h"

#include "engine/credentials.h"
#include "engine/scope.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const cw_ob3_scopes[] = { CW_OB3_SCOPE_CREDENTIAL_READ,
	                              CW_OB3_SCOPE_CREDENTIAL_UPSERT,
	                              CW_OB3_SCOPE_PROFILE_READ,
	                              CW_OB3_SCOPE_PROFILE_UPDATE,
	                              "offline_access",
	                              NULL };

#define ALL_SCOPES                                                             \
	CW_OB3_SCOPE_CREDENTIAL_READ " " CW_OB3_SCOPE_CREDENTIAL_UPSERT        \
	                             " " CW_OB3_SCOPE_PROFILE_READ             \
	                             " " CW_OB3_SCOPE_PROFILE_UPDATE

static int random_text(char *out, size_t raw_len)
{
	unsigned char raw[32];
	int err;

	if (raw_len > sizeof(raw))
		return CW_EINVAL;
	err = cw_random_bytes(raw, raw_len);
	if (err == 0)
		cw_base64url_encode(out, raw, raw_len);
	return err;
}

/* A fresh 256-bit secret and the hash it is stored under. */
static int new_secret(char secret[CW_OB3_SECRET_LEN + 1], char hash[65])
{
	int err = random_text(secret, 32);

	return err < 0 ? err : cw_sha256_hex(hash, secret, CW_OB3_SECRET_LEN);
}

/* The stored hash of a presented secret; CW_EINVAL when it cannot be one. */
static int hash_of(char hash[65], const char *secret)
{
	if (!secret || strlen(secret) != CW_OB3_SECRET_LEN) {
		cw_error_set("malformed");
		return CW_EINVAL;
	}
	return cw_sha256_hex(hash, secret, CW_OB3_SECRET_LEN);
}

/* ---- pure checks --------------------------------------------------------- */

static int is_loopback(const char *host, size_t len)
{
	return (len == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
	       (len == 5 && strncmp(host, "[::1]", 5) == 0) ||
	       (len == 9 && strncasecmp(host, "localhost", 9) == 0);
}

int cw_ob3_redirect_uri_check(const char *uri)
{
	size_t len = uri ? strlen(uri) : 0, host_len;
	const char *host;
	int https;

	if (!len || len > CW_OB3_URI_MAX) {
		cw_error_set("a redirect URI must have 1 to %d bytes",
		             CW_OB3_URI_MAX);
		return CW_EINVAL;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)uri[i] <= ' ' || uri[i] == 0x7f ||
		    uri[i] == '"' || uri[i] == '<' || uri[i] == '>' ||
		    uri[i] == '\\') {
			cw_error_set("%s: a character a URI cannot have", uri);
			return CW_EINVAL;
		}
	https = strncasecmp(uri, "https://", 8) == 0;
	if (!https && strncasecmp(uri, "http://", 7) != 0) {
		cw_error_set("%s: not an https (or loopback http) URI", uri);
		return CW_EINVAL;
	}
	host = uri + (https ? 8 : 7);
	host_len = strcspn(host, "/?#");
	if (strchr(uri, '#') || memchr(host, '@', host_len)) {
		cw_error_set("%s: no fragment or userinfo allowed", uri);
		return CW_EINVAL;
	}
	if (host[0] == '[') {
		const char *close = memchr(host, ']', host_len);
		if (!close) {
			cw_error_set("%s: a bad host", uri);
			return CW_EINVAL;
		}
		if (!is_loopback(host, (size_t)(close - host) + 1) && !https)
			goto not_https;
		return 0;
	}
	if (strcspn(host, ":/?") == 0) {
		cw_error_set("%s: no host", uri);
		return CW_EINVAL;
	}
	if (!https && !is_loopback(host, strcspn(host, ":/?")))
		goto not_https;
	return 0;
not_https:
	cw_error_set("%s: http is allowed only on a loopback host; use https",
	             uri);
	return CW_EINVAL;
}

static int unreserved(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

int cw_ob3_pkce_matches(const char *challenge, const char *verifier)
{
	unsigned char digest[CW_SHA256_LEN];
	char encoded[64];
	size_t len = verifier ? strlen(verifier) : 0;

	if (!challenge || len < 43 || len > 128)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!unreserved(verifier[i]))
			return 0;
	if (cw_sha256(digest, verifier, len) < 0)
		return 0;
	cw_base64url_encode(encoded, digest, sizeof(digest));
	return strlen(challenge) == 43 &&
	       cw_const_time_equal(encoded, challenge, 43);
}

int cw_ob3_scope_normalize(cw_buf *out, const char *list)
{
	const char *p = list ? list : "";

	if (strlen(p) > CW_LIMIT_SCOPE_STRING) {
		cw_error_set("scope longer than %ld bytes",
		             CW_LIMIT_SCOPE_STRING);
		return CW_EINVAL;
	}
	while (*p) {
		size_t n;
		int known = 0;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (!n)
			break;
		for (const char *const *s = cw_ob3_scopes; *s && !known; s++)
			known = strlen(*s) == n && strncmp(*s, p, n) == 0;
		if (!known) {
			cw_error_set("unknown scope \"%.*s\"",
			             (int)(n > 200 ? 200 : n), p);
			return CW_EINVAL;
		}
		if (!cw_scope_contains(cw_buf_cstr(out), p, n)) {
			if (out->len)
				cw_buf_putc(out, ' ');
			cw_buf_put(out, p, n);
		}
		p += n;
	}
	return out->error;
}

/* ---- holders ------------------------------------------------------------- */

/* The same identifiers `badge issue --recipient` takes. */
static int check_login(const char *login)
{
	size_t len = login ? strlen(login) : 0;

	if (!len || len > CW_OB3_LOGIN_MAX) {
		cw_error_set("recipient: required, at most %d bytes",
		             CW_OB3_LOGIN_MAX);
		return CW_EINVAL;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)login[i] < ' ' || login[i] == 0x7f) {
			cw_error_set("recipient: control characters");
			return CW_EINVAL;
		}
	return 0;
}

/* The Profile a holder starts with: a stable id, their email when the
 * login is one, their DID as id when it is one. */
static char *default_profile(const char *login)
{
	unsigned char raw[16];
	char hex[33], id[64];
	cJSON *p = cJSON_CreateObject(), *type = cJSON_CreateArray();
	char *text = NULL;

	if (cw_random_bytes(raw, sizeof(raw)) < 0 || !p || !type)
		goto out;
	raw[6] = (unsigned char)((raw[6] & 0x0f) | 0x40);
	raw[8] = (unsigned char)((raw[8] & 0x3f) | 0x80);
	cw_hex_encode(hex, raw, sizeof(raw));
	snprintf(id, sizeof(id), "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex,
	         hex + 8, hex + 12, hex + 16, hex + 20);
	cJSON_AddStringToObject(p, "id",
	                        strncmp(login, "did:", 4) == 0 ? login : id);
	cJSON_AddItemToArray(type, cJSON_CreateString("Profile"));
	cJSON_AddItemToObject(p, "type", type);
	type = NULL;
	if (strchr(login, '@') && strncmp(login, "did:", 4) != 0)
		cJSON_AddStringToObject(p, "email", login);
	text = cw_json_print(p);
out:
	cJSON_Delete(type);
	cJSON_Delete(p);
	return text;
}

int cw_ob3_holder_create(cw_ob3_new_holder *out, cw_store *store,
                         const char *tenant, const char *login,
                         const char *actor)
{
	char hash[128], stamp[CW_TIME_ISO_LEN], *profile = NULL;
	cw_audit_entry audit = { 0 };
	cw_tenant row;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = cw_store_tenant_get(store, tenant, &row)) < 0 ||
	    (err = check_login(login)) < 0)
		goto out;
	if ((err = random_text(out->passcode, 15)) < 0 ||
	    (err = cw_credentials_hash_secret(hash, out->passcode)) < 0)
		goto out;
	if (!(profile = default_profile(login))) {
		err = CW_ENOMEM;
		goto out;
	}
	cw_time_format_iso(cw_time_now_ms(), stamp);
	cw_ob3_holder h = { 0, row.id, login, hash, profile, stamp };
	if ((err = cw_store_ob3_holder_add(store, &h, &out->id)) < 0)
		goto out;
	snprintf(out->tenant, sizeof(out->tenant), "%s", row.name);
out:
	audit.actor = actor;
	audit.tenant = tenant;
	audit.action = "holder.add";
	audit.target = login;
	audit.outcome = err == 0 ? "success" : "failure";
	audit.detail = err == 0 ? NULL : cw_error_last();
	if (err != CW_ESTORE) {
		int audit_err = cw_store_audit_append(store, &audit);
		if (err == 0)
			err = audit_err;
	}
	cw_free(profile);
	if (err < 0)
		memset(out->passcode, 0, sizeof(out->passcode));
	return err;
}

static int add_holder(const cw_ob3_holder *h, void *payload)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(payload, o) ||
	    !cJSON_AddNumberToObject(o, "id", (double)h->id) ||
	    !cJSON_AddStringToObject(o, "login", h->login) ||
	    !cJSON_AddStringToObject(o, "created_at", h->created_at))
		return CW_ENOMEM;
	return 0;
}

int cw_ob3_holder_list(cJSON **out, cw_store *store, const char *tenant)
{
	cw_tenant row;
	int err = cw_store_tenant_get(store, tenant, &row);

	*out = NULL;
	if (err < 0)
		return err;
	if (!(*out = cJSON_CreateArray()))
		return CW_ENOMEM;
	err = cw_store_ob3_holder_list(store, row.id, add_holder, *out);
	if (err < 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return err;
}

/* ---- registration -------------------------------------------------------- */

#define TEXT_MAX 256 /* client_name, software_id, software_version */

static int metadata_error(const char **error, const char *code)
{
	*error = code;
	return CW_EINVAL;
}

static int is_web_url(const char *s)
{
	return s && strlen(s) <= CW_OB3_URI_MAX &&
	       (strncmp(s, "https://", 8) == 0 ||
	        strncmp(s, "http://", 7) == 0) &&
	       !strpbrk(s, " \t\r\n\"<>\\");
}

/* Copies the optional member name (a string) into kept, checked. */
static int keep_text(cJSON *kept, const cJSON *m, const char *name, int url,
                     const char **error)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, name);

	if (!v)
		return 0;
	if (!cJSON_IsString(v) || !*v->valuestring ||
	    (url ? !is_web_url(v->valuestring)
	         : strlen(v->valuestring) > TEXT_MAX)) {
		cw_error_set("%s: %s", name,
		             url ? "not an http(s) URL"
		                 : "not a string of at most 256 bytes");
		return metadata_error(error, "invalid_client_metadata");
	}
	return cJSON_AddStringToObject(kept, name, v->valuestring) ? 0
	                                                           : CW_ENOMEM;
}

/* A string array whose items are all among allowed; NULL v: the default. */
static int keep_words(cJSON *kept, const cJSON *m, const char *name,
                      const char *const *allowed, const char *const *dflt,
                      const char **error)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, name), *item;
	cJSON *array = cJSON_CreateArray();

	if (!array || !cJSON_AddItemToObject(kept, name, array)) {
		cJSON_Delete(array);
		return CW_ENOMEM;
	}
	if (!v) {
		for (; *dflt; dflt++)
			cJSON_AddItemToArray(array, cJSON_CreateString(*dflt));
		return 0;
	}
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		goto bad;
	cJSON_ArrayForEach(item, v)
	{
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = cJSON_IsString(item) &&
			     strcmp(item->valuestring, *a) == 0;
		if (!ok)
			goto bad;
		cJSON_AddItemToArray(array,
		                     cJSON_CreateString(item->valuestring));
	}
	return 0;
bad:
	cw_error_set("%s: an array of %s", name, allowed[0]);
	if (allowed[1])
		cw_error_set("%s: an array of %s or %s", name, allowed[0],
		             allowed[1]);
	return metadata_error(error, "invalid_client_metadata");
}

/* redirect_uris into kept and, one per line, into lines. */
static int keep_redirects(cJSON *kept, cw_buf *lines, const cJSON *m,
                          const char **error)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "redirect_uris");
	const cJSON *item;
	cJSON *array;

	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 ||
	    cJSON_GetArraySize(v) > CW_OB3_REDIRECTS_MAX) {
		cw_error_set("redirect_uris: an array of 1 to %d URIs",
		             CW_OB3_REDIRECTS_MAX);
		return metadata_error(error, "invalid_redirect_uri");
	}
	if (!(array = cJSON_AddArrayToObject(kept, "redirect_uris")))
		return CW_ENOMEM;
	cJSON_ArrayForEach(item, v)
	{
		if (!cJSON_IsString(item) ||
		    cw_ob3_redirect_uri_check(item->valuestring) < 0) {
			if (!cJSON_IsString(item))
				cw_error_set("redirect_uris: not a string");
			return metadata_error(error, "invalid_redirect_uri");
		}
		cJSON_AddItemToArray(array,
		                     cJSON_CreateString(item->valuestring));
		if (lines->len)
			cw_buf_putc(lines, '\n');
		cw_buf_puts(lines, item->valuestring);
	}
	return lines->error;
}

static int keep_scope(cJSON *kept, cw_buf *scopes, const cJSON *m,
                      const char **error)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "scope");

	if (v && !cJSON_IsString(v)) {
		cw_error_set("scope: not a string");
		return metadata_error(error, "invalid_client_metadata");
	}
	if (cw_ob3_scope_normalize(scopes, v ? v->valuestring : ALL_SCOPES) <
	            0 ||
	    !scopes->len) {
		if (!scopes->len && !scopes->error)
			cw_error_set("scope: empty");
		return metadata_error(error, "invalid_client_metadata");
	}
	return cJSON_AddStringToObject(kept, "scope", scopes->data) ? 0
	                                                            : CW_ENOMEM;
}

static int has_string(const cJSON *array, const char *s)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, array) if (cJSON_IsString(item) &&
	                                    strcmp(item->valuestring, s) ==
	                                            0) return 1;
	return 0;
}

int cw_ob3_client_metadata_check(cJSON *kept, cw_buf *lines, cw_buf *scopes,
                                 const cJSON *m, const char **error)
{
	static const char *const grants[] = { "authorization_code",
		                              "refresh_token", NULL };
	static const char *const responses[] = { "code", NULL };
	static const char *const methods[] = { "client_secret_basic", NULL };
	static const char *const urls[] = { "client_uri", "logo_uri", "tos_uri",
		                            "policy_uri", NULL };
	static const char *const texts[] = { "software_id", "software_version",
		                             NULL };
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "client_name");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(
	        m, "token_endpoint_auth_method");
	int err;

	if (!cJSON_IsObject(m)) {
		cw_error_set("the body is not a JSON object");
		return metadata_error(error, "invalid_client_metadata");
	}
	if (!cJSON_IsString(name) || !*name->valuestring ||
	    strlen(name->valuestring) > TEXT_MAX) {
		cw_error_set("client_name: required, at most 256 bytes");
		return metadata_error(error, "invalid_client_metadata");
	}
	if (method && (!cJSON_IsString(method) ||
	               strcmp(method->valuestring, methods[0]) != 0)) {
		cw_error_set("token_endpoint_auth_method: only "
		             "client_secret_basic");
		return metadata_error(error, "invalid_client_metadata");
	}
	if (!cJSON_AddStringToObject(kept, "client_name", name->valuestring) ||
	    !cJSON_AddStringToObject(kept, "token_endpoint_auth_method",
	                             methods[0]))
		return CW_ENOMEM;
	if ((err = keep_redirects(kept, lines, m, error)) < 0 ||
	    (err = keep_words(kept, m, "grant_types", grants, grants, error)) <
	            0 ||
	    (err = keep_words(kept, m, "response_types", responses, responses,
	                      error)) < 0 ||
	    (err = keep_scope(kept, scopes, m, error)) < 0)
		return err;
	if (!has_string(cJSON_GetObjectItem(kept, "grant_types"),
	                "authorization_code")) {
		cw_error_set("grant_types: authorization_code is the grant of "
		             "this API");
		return metadata_error(error, "invalid_client_metadata");
	}
	for (const char *const *u = urls; *u; u++)
		if ((err = keep_text(kept, m, *u, 1, error)) < 0)
			return err;
	for (const char *const *t = texts; *t; t++)
		if ((err = keep_text(kept, m, *t, 0, error)) < 0)
			return err;
	return 0;
}

static int registration_response(cJSON *kept, const char *client_id,
                                 const char *secret, int64_t now_ms)
{
	if (!cJSON_AddStringToObject(kept, "client_id", client_id) ||
	    !cJSON_AddStringToObject(kept, "client_secret", secret) ||
	    !cJSON_AddNumberToObject(kept, "client_id_issued_at",
	                             (double)(now_ms / 1000)) ||
	    !cJSON_AddNumberToObject(kept, "client_secret_expires_at", 0))
		return CW_ENOMEM;
	return 0;
}

int cw_ob3_register(cJSON **out, const char **error, cw_store *store,
                    const cJSON *metadata)
{
	cw_buf lines = CW_BUF_INIT(CW_OB3_REDIRECTS_MAX * (CW_OB3_URI_MAX + 1));
	cw_buf scopes = CW_BUF_INIT(CW_LIMIT_SCOPE_STRING);
	unsigned char id_raw[CW_CLIENT_ID_LEN / 2];
	char client_id[CW_CLIENT_ID_LEN + 1], secret[CW_OB3_SECRET_LEN + 1];
	char hash[128], stamp[CW_TIME_ISO_LEN], *text = NULL;
	cJSON *kept = cJSON_CreateObject();
	int64_t now = cw_time_now_ms();
	int err;

	*out = NULL;
	*error = NULL;
	if (!kept) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_ob3_client_metadata_check(kept, &lines, &scopes, metadata,
	                                        error)) < 0)
		goto out;
	if ((err = cw_random_bytes(id_raw, sizeof(id_raw))) < 0 ||
	    (err = random_text(secret, 32)) < 0 ||
	    (err = cw_credentials_hash_secret(hash, secret)) < 0)
		goto out;
	cw_hex_encode(client_id, id_raw, sizeof(id_raw));
	if (!(text = cw_json_print(kept))) {
		err = CW_ENOMEM;
		goto out;
	}
	cw_time_format_iso(now, stamp);
	cw_ob3_client c = { client_id,  hash,        text,
		            lines.data, scopes.data, stamp };
	if ((err = cw_store_ob3_client_add(store, &c)) < 0 ||
	    (err = registration_response(kept, client_id, secret, now)) < 0)
		goto out;
	*out = kept;
	kept = NULL;
out:
	memset(secret, 0, sizeof(secret));
	cw_free(text);
	cJSON_Delete(kept);
	cw_buf_dispose(&lines);
	cw_buf_dispose(&scopes);
	return err;
}

/* A client as read: owned copies. */
typedef struct {
	char *secret_hash, *metadata, *redirect_uris, *scopes;
} client_copy;

static void client_copy_dispose(client_copy *c)
{
	cw_free(c->secret_hash);
	cw_free(c->metadata);
	cw_free(c->redirect_uris);
	cw_free(c->scopes);
	memset(c, 0, sizeof(*c));
}

static int copy_client(const cw_ob3_client *c, void *payload)
{
	client_copy *out = payload;

	out->secret_hash = cw_strdup(c->secret_hash);
	out->metadata = cw_strdup(c->metadata);
	out->redirect_uris = cw_strdup(c->redirect_uris);
	out->scopes = cw_strdup(c->scopes);
	return out->secret_hash && out->metadata && out->redirect_uris &&
	                       out->scopes
	               ? 0
	               : CW_ENOMEM;
}

static int client_read(client_copy *out, cw_store *store, const char *id)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (!id || strlen(id) != CW_CLIENT_ID_LEN) {
		cw_error_set("unknown client");
		return CW_ENOTFOUND;
	}
	err = cw_store_ob3_client_get(store, id, copy_client, out);
	if (err < 0)
		client_copy_dispose(out);
	return err;
}

int cw_ob3_client_authenticate(cw_store *store, const char *client_id,
                               const char *secret)
{
	client_copy c;
	int err = client_read(&c, store, client_id);

	if (err == CW_ENOTFOUND)
		return CW_EAUTH;
	if (err < 0)
		return err;
	if (!secret || !cw_credentials_secret_matches(c.secret_hash, secret)) {
		cw_error_set("wrong client secret");
		err = CW_EAUTH;
	}
	client_copy_dispose(&c);
	return err;
}

/* 1 when uri is one of the lines exactly (RFC 6749 §3.1.2.3, OAuth 2.1). */
static int registered_redirect(const char *lines, const char *uri)
{
	size_t n = strlen(uri);

	for (const char *p = lines; *p;) {
		size_t len = strcspn(p, "\n");
		if (len == n && memcmp(p, uri, n) == 0)
			return 1;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

/* ---- authorization ------------------------------------------------------- */

/* A secret as read: owned copies. */
typedef struct {
	char client_id[CW_CLIENT_ID_LEN + 1], grant_id[33];
	char *scopes, *redirect_uri, *state, *code_challenge;
	int64_t tenant_id, holder_id, expires_at_ms;
	char tenant[CW_TENANT_NAME_MAX + 1], tenant_created_at[32];
} secret_copy;

static void secret_copy_dispose(secret_copy *s)
{
	cw_free(s->scopes);
	cw_free(s->redirect_uri);
	cw_free(s->state);
	cw_free(s->code_challenge);
	memset(s, 0, sizeof(*s));
}

static int dup_or_null(char **out, const char *s)
{
	*out = s ? cw_strdup(s) : NULL;
	return s && !*out ? CW_ENOMEM : 0;
}

static int copy_secret(const cw_ob3_secret *s, void *payload)
{
	secret_copy *out = payload;

	snprintf(out->client_id, sizeof(out->client_id), "%s", s->client_id);
	snprintf(out->grant_id, sizeof(out->grant_id), "%s", s->grant_id);
	snprintf(out->tenant, sizeof(out->tenant), "%s",
	         s->tenant ? s->tenant : "");
	snprintf(out->tenant_created_at, sizeof(out->tenant_created_at), "%s",
	         s->tenant_created_at ? s->tenant_created_at : "");
	out->tenant_id = s->tenant_id;
	out->holder_id = s->holder_id;
	out->expires_at_ms = s->expires_at_ms;
	if (dup_or_null(&out->scopes, s->scopes) < 0 ||
	    dup_or_null(&out->redirect_uri, s->redirect_uri) < 0 ||
	    dup_or_null(&out->state, s->state) < 0 ||
	    dup_or_null(&out->code_challenge, s->code_challenge) < 0)
		return CW_ENOMEM;
	return 0;
}

void cw_ob3_pending_dispose(cw_ob3_pending *p)
{
	cw_free(p->client_name);
	cw_free(p->client_uri);
	cw_free(p->scopes);
	cw_free(p->redirect_uri);
	cw_free(p->state);
	memset(p, 0, sizeof(*p));
}

/* Records the form for s and fills out (the client's name from metadata). */
static int record_form(cw_ob3_pending *out, cw_store *store,
                       const secret_copy *s, const char *metadata)
{
	int64_t now = cw_time_now_ms();
	cJSON *m = NULL;
	char hash[65];
	int err;

	if ((err = new_secret(out->form_token, hash)) < 0)
		return err;
	cw_ob3_secret row = { .hash = hash,
		              .kind = "form",
		              .client_id = s->client_id,
		              .grant_id = s->grant_id,
		              .scopes = s->scopes,
		              .redirect_uri = s->redirect_uri,
		              .state = s->state,
		              .code_challenge = s->code_challenge,
		              .issued_at_ms = now,
		              .expires_at_ms = now + CW_OB3_FORM_TTL_MS };
	if ((err = cw_store_ob3_secret_add(store, &row, 1)) < 0)
		return err;
	if (cw_json_parse(&m, metadata, strlen(metadata), 8, NULL) < 0)
		return CW_ENOMEM;
	err = dup_or_null(&out->client_name, cw_json_string(m, "client_name"));
	if (err == 0)
		err = dup_or_null(&out->client_uri,
		                  cw_json_string(m, "client_uri"));
	if (err == 0 && !out->scopes)
		err = dup_or_null(&out->scopes, s->scopes);
	cJSON_Delete(m);
	return err;
}

static int request_error(const char **error, const char *code,
                         const char *message)
{
	*error = code;
	cw_error_set("%s", message);
	return CW_EINVAL;
}

static int is_challenge(const char *s)
{
	if (!s || strlen(s) != 43)
		return 0;
	for (; *s; s++)
		if (!unreserved(*s) || *s == '.' || *s == '~')
			return 0;
	return 1;
}

/* The checks once the redirect URI is known to be the client's. */
static int check_request(secret_copy *s, const char **error,
                         const cw_ob3_authorize_request *r,
                         const client_copy *c)
{
	cw_buf scopes = CW_BUF_INIT(CW_LIMIT_SCOPE_STRING);
	int err;

	if (!r->response_type || strcmp(r->response_type, "code") != 0)
		return request_error(error, "unsupported_response_type",
		                     "response_type must be code");
	if (!r->code_challenge)
		return request_error(error, "invalid_request",
		                     "code_challenge is required (PKCE, S256)");
	if (!r->code_challenge_method ||
	    strcmp(r->code_challenge_method, "S256") != 0)
		return request_error(error, "invalid_request",
		                     "code_challenge_method must be S256 "
		                     "(plain is not accepted)");
	if (!is_challenge(r->code_challenge))
		return request_error(error, "invalid_request",
		                     "code_challenge is not a base64url "
		                     "SHA-256");
	err = cw_ob3_scope_normalize(
	        &scopes, r->scope && *r->scope ? r->scope : c->scopes);
	if (err == 0 && !cw_scope_subset(scopes.data, c->scopes)) {
		cw_error_set("a requested scope is not registered for this "
		             "client");
		err = CW_EINVAL;
	}
	if (err == 0 && !scopes.len) {
		cw_error_set("no scope requested");
		err = CW_EINVAL;
	}
	if (err == CW_EINVAL)
		*error = "invalid_scope";
	if (err == 0) {
		s->scopes = cw_buf_detach(&scopes, NULL);
		s->code_challenge = cw_strdup(r->code_challenge);
		if (!s->scopes || !s->code_challenge)
			err = CW_ENOMEM;
	}
	cw_buf_dispose(&scopes);
	return err;
}

int cw_ob3_authorize_begin(cw_ob3_pending *out, const char **error,
                           cw_store *store, const cw_ob3_authorize_request *r)
{
	unsigned char grant[16];
	secret_copy s = { 0 };
	client_copy c;
	int err;

	memset(out, 0, sizeof(*out));
	*error = NULL;
	if ((err = client_read(&c, store, r->client_id)) < 0)
		return err;
	if (!r->redirect_uri ||
	    !registered_redirect(c.redirect_uris, r->redirect_uri)) {
		cw_error_set("redirect_uri is not one the client registered");
		err = CW_EINVAL;
		goto out;
	}
	if ((err = dup_or_null(&out->redirect_uri, r->redirect_uri)) < 0)
		goto out;
	if (r->state && strlen(r->state) > CW_OB3_STATE_MAX) {
		err = request_error(error, "invalid_request",
		                    "state is longer than 512 bytes");
		goto out;
	}
	if ((err = dup_or_null(&out->state, r->state)) < 0 ||
	    (err = check_request(&s, error, r, &c)) < 0)
		goto out;
	if ((err = cw_random_bytes(grant, sizeof(grant))) < 0)
		goto out;
	cw_hex_encode(s.grant_id, grant, sizeof(grant));
	snprintf(s.client_id, sizeof(s.client_id), "%s", r->client_id);
	if ((err = dup_or_null(&s.redirect_uri, r->redirect_uri)) < 0 ||
	    (err = dup_or_null(&s.state, r->state)) < 0)
		goto out;
	err = record_form(out, store, &s, c.metadata);
out:
	secret_copy_dispose(&s);
	client_copy_dispose(&c);
	return err;
}

static void put_escaped(cw_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (unreserved((char)*p)) {
			cw_buf_putc(b, (char)*p);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			cw_buf_put(b, esc, 3);
		}
	}
}

/* redirect_uri?name=value[&state=…] as a new string. */
static int location_of(char **out, const secret_copy *s, const char *name,
                       const char *value)
{
	cw_buf b = CW_BUF_INIT(CW_OB3_URI_MAX + 3 * CW_OB3_STATE_MAX + 256);

	cw_buf_puts(&b, s->redirect_uri);
	cw_buf_putc(&b, strchr(s->redirect_uri, '?') ? '&' : '?');
	cw_buf_printf(&b, "%s=", name);
	put_escaped(&b, value);
	if (s->state) {
		cw_buf_puts(&b, "&state=");
		put_escaped(&b, s->state);
	}
	if (b.error) {
		cw_buf_dispose(&b);
		return CW_ENOMEM;
	}
	*out = cw_buf_detach(&b, NULL);
	return 0;
}

typedef struct {
	int64_t id;
	int matches;
	const char *passcode;
} sign_in;

static int check_passcode(const cw_ob3_holder *h, void *payload)
{
	sign_in *s = payload;

	s->id = h->id;
	s->matches =
	        cw_credentials_secret_matches(h->passcode_hash, s->passcode);
	return 0;
}

/* The holder login of tenant with passcode: *tenant_id and *holder_id, or
 * CW_EAUTH saying nothing of which part was wrong. */
static int authenticate_holder(int64_t *tenant_id, int64_t *holder_id,
                               cw_store *store, const char *tenant,
                               const char *login, const char *passcode)
{
	sign_in s = { 0, 0, passcode };
	cw_tenant row;
	int err = tenant && login && passcode && cw_tenant_name_valid(tenant)
	                  ? cw_store_tenant_get(store, tenant, &row)
	                  : CW_ENOTFOUND;

	if (err == 0)
		err = cw_store_ob3_holder_get(store, row.id, login, 0,
		                              check_passcode, &s);
	if (err == CW_ENOTFOUND || (err == 0 && !s.matches)) {
		cw_error_set("the organisation, login or passcode is wrong");
		return CW_EAUTH;
	}
	if (err == 0) {
		*tenant_id = row.id;
		*holder_id = s.id;
	}
	return err;
}

static int issue_code(char **location, cw_store *store, secret_copy *s)
{
	char code[CW_OB3_SECRET_LEN + 1], hash[65];
	int64_t now = cw_time_now_ms();
	int err = new_secret(code, hash);

	if (err < 0)
		return err;
	cw_ob3_secret row = { .hash = hash,
		              .kind = "code",
		              .client_id = s->client_id,
		              .grant_id = s->grant_id,
		              .scopes = s->scopes,
		              .tenant_id = s->tenant_id,
		              .holder_id = s->holder_id,
		              .redirect_uri = s->redirect_uri,
		              .code_challenge = s->code_challenge,
		              .issued_at_ms = now,
		              .expires_at_ms = now + CW_OB3_CODE_TTL_MS };
	if ((err = cw_store_ob3_secret_add(store, &row, 1)) == 0)
		err = location_of(location, s, "code", code);
	memset(code, 0, sizeof(code));
	return err;
}

int cw_ob3_authorize_finish(char **location, cw_ob3_pending *again,
                            cw_store *store, const char *form_token,
                            const char *tenant, const char *login,
                            const char *passcode, int approve)
{
	secret_copy s = { 0 };
	client_copy c = { 0 };
	char hash[65];
	int err;

	*location = NULL;
	memset(again, 0, sizeof(*again));
	if (hash_of(hash, form_token) < 0) {
		cw_error_set("unknown form");
		return CW_ENOTFOUND;
	}
	err = cw_store_ob3_secret_take(store, hash, "form", cw_time_now_ms(),
	                               copy_secret, &s);
	if (err == CW_EEXISTS)
		err = CW_ENOTFOUND;
	if (err < 0)
		goto out;
	if (!approve) {
		err = location_of(location, &s, "error", "access_denied");
		goto out;
	}
	err = authenticate_holder(&s.tenant_id, &s.holder_id, store, tenant,
	                          login, passcode);
	if (err == CW_EAUTH) {
		if (client_read(&c, store, s.client_id) == 0 &&
		    record_form(again, store, &s, c.metadata) == 0 &&
		    dup_or_null(&again->redirect_uri, s.redirect_uri) == 0)
			dup_or_null(&again->state, s.state);
		cw_error_set("the organisation, login or passcode is wrong");
		goto out;
	}
	if (err == 0)
		err = issue_code(location, store, &s);
out:
	client_copy_dispose(&c);
	secret_copy_dispose(&s);
	return err;
}

/* ---- tokens -------------------------------------------------------------- */

void cw_ob3_tokens_dispose(cw_ob3_tokens *t)
{
	cw_free(t->scopes);
	memset(t, 0, sizeof(*t));
}

/* A new access and refresh token for the grant s descends from. */
static int issue_tokens(cw_ob3_tokens *out, cw_store *store,
                        const secret_copy *s, const char *scopes, long ttl_s)
{
	char access_hash[65], refresh_hash[65];
	int64_t now = cw_time_now_ms();
	int err;

	if ((err = new_secret(out->access_token, access_hash)) < 0 ||
	    (err = new_secret(out->refresh_token, refresh_hash)) < 0)
		return err;
	cw_ob3_secret rows[2] = {
		{ access_hash, "access", s->client_id, s->grant_id, scopes,
		  s->tenant_id, s->holder_id, NULL, NULL, NULL, now,
		  now + (int64_t)ttl_s * 1000, NULL, NULL },
		{ refresh_hash, "refresh", s->client_id, s->grant_id, scopes,
		  s->tenant_id, s->holder_id, NULL, NULL, NULL, now,
		  now + CW_OB3_REFRESH_TTL_MS, NULL, NULL },
	};
	if ((err = cw_store_ob3_secret_add(store, rows, 2)) < 0)
		return err;
	out->expires_in = ttl_s;
	out->scopes = cw_strdup(scopes);
	return out->scopes ? 0 : CW_ENOMEM;
}

static int invalid_grant(const char *message)
{
	cw_error_set("%s", message);
	return CW_EINVAL;
}

/* Uses up a code or refresh token; every failure is invalid_grant. */
static int take_grant(secret_copy *s, cw_store *store, const char *kind,
                      const char *secret, const char *client_id)
{
	char hash[65];
	int err;

	if (hash_of(hash, secret) < 0)
		return invalid_grant("malformed grant");
	err = cw_store_ob3_secret_take(store, hash, kind, cw_time_now_ms(),
	                               copy_secret, s);
	if (err == CW_ENOTFOUND)
		return invalid_grant(strcmp(kind, "code") == 0
		                             ? "unknown or expired code"
		                             : "unknown, expired or revoked "
		                               "refresh token");
	if (err == CW_EEXISTS)
		return invalid_grant(strcmp(kind, "code") == 0
		                             ? "the code was used before: the "
		                               "tokens it gave are revoked"
		                             : "the refresh token was used "
		                               "before: its grant is revoked");
	if (err == 0 && strcmp(s->client_id, client_id) != 0)
		return invalid_grant("the grant was issued to another client");
	return err;
}

int cw_ob3_token_from_code(cw_ob3_tokens *out, cw_store *store,
                           const char *client_id, const char *code,
                           const char *redirect_uri, const char *verifier,
                           long ttl_s)
{
	secret_copy s = { 0 };
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = take_grant(&s, store, "code", code, client_id)) < 0)
		goto out;
	if (!redirect_uri || strcmp(redirect_uri, s.redirect_uri) != 0)
		err = invalid_grant("redirect_uri differs from the "
		                    "authorization request's");
	else if (!cw_ob3_pkce_matches(s.code_challenge, verifier))
		err = invalid_grant("code_verifier does not match the "
		                    "code_challenge");
	else
		err = issue_tokens(out, store, &s, s.scopes, ttl_s);
out:
	secret_copy_dispose(&s);
	if (err < 0)
		cw_ob3_tokens_dispose(out);
	return err;
}

/* The narrower scope a refresh asks for, checked before the refresh token
 * is used up: a client that asks too much keeps its token. An unknown or
 * used token is left for take_grant to report. */
static int refresh_scope(cw_buf *scopes, int *scope_error, cw_store *store,
                         const char *refresh, const char *scope)
{
	secret_copy s = { 0 };
	char hash[65];
	int err;

	if (hash_of(hash, refresh) < 0)
		return 0;
	err = cw_store_ob3_secret_get(store, hash, "refresh", cw_time_now_ms(),
	                              copy_secret, &s);
	if (err == 0)
		err = cw_ob3_scope_normalize(scopes, scope);
	if (err == 0 && !cw_scope_subset(scopes->data, s.scopes)) {
		cw_error_set("scope asks for more than the grant has");
		err = CW_EINVAL;
	}
	if (err == CW_EINVAL)
		*scope_error = 1;
	secret_copy_dispose(&s);
	return err == CW_ENOTFOUND ? 0 : err;
}

int cw_ob3_token_refresh(cw_ob3_tokens *out, int *scope_error, cw_store *store,
                         const char *client_id, const char *refresh,
                         const char *scope, long ttl_s)
{
	cw_buf scopes = CW_BUF_INIT(CW_LIMIT_SCOPE_STRING);
	secret_copy s = { 0 };
	int narrower = scope && *scope, err = 0;

	memset(out, 0, sizeof(*out));
	*scope_error = 0;
	if (narrower && (err = refresh_scope(&scopes, scope_error, store,
	                                     refresh, scope)) < 0)
		goto out;
	if ((err = take_grant(&s, store, "refresh", refresh, client_id)) < 0)
		goto out;
	if (!narrower)
		err = cw_buf_puts(&scopes, s.scopes);
	else if (!scopes.len || !cw_scope_subset(scopes.data, s.scopes))
		err = invalid_grant("the grant changed during the refresh");
	if (err == 0)
		err = issue_tokens(out, store, &s, scopes.data, ttl_s);
out:
	cw_buf_dispose(&scopes);
	secret_copy_dispose(&s);
	if (err < 0)
		cw_ob3_tokens_dispose(out);
	return err;
}

int cw_ob3_token_revoke(cw_store *store, const char *client_id,
                        const char *token)
{
	static const char *const kinds[] = { "access", "refresh", NULL };
	secret_copy s = { 0 };
	char hash[65];
	int err = CW_ENOTFOUND;

	if (hash_of(hash, token) < 0)
		return 0;
	for (const char *const *k = kinds; *k && err == CW_ENOTFOUND; k++)
		err = cw_store_ob3_secret_get(store, hash, *k, cw_time_now_ms(),
		                              copy_secret, &s);
	if (err == 0 && strcmp(s.client_id, client_id) == 0)
		err = cw_store_ob3_grant_revoke(store, s.grant_id,
		                                cw_time_now_ms());
	secret_copy_dispose(&s);
	return err == CW_ENOTFOUND ? 0 : err;
}

int cw_ob3_token_check(cw_token_info *out, int64_t *holder_id, cw_store *store,
                       const char *token, int64_t now_ms)
{
	secret_copy s = { 0 };
	char hash[65];
	int err;

	memset(out, 0, sizeof(*out));
	*holder_id = 0;
	if (hash_of(hash, token) < 0) {
		cw_error_set("malformed token");
		return CW_EAUTH;
	}
	err = cw_store_ob3_secret_get(store, hash, "access", now_ms,
	                              copy_secret, &s);
	if (err == CW_ENOTFOUND) {
		cw_error_set("unknown, expired or revoked token");
		err = CW_EAUTH;
	}
	if (err == 0) {
		memcpy(out->client_id, s.client_id, sizeof(out->client_id));
		out->tenant_id = s.tenant_id;
		memcpy(out->tenant, s.tenant, sizeof(out->tenant));
		memcpy(out->tenant_created_at, s.tenant_created_at,
		       sizeof(out->tenant_created_at));
		out->expires_at_ms = s.expires_at_ms;
		out->scopes = s.scopes;
		s.scopes = NULL;
		*holder_id = s.holder_id;
	}
	secret_copy_dispose(&s);
	return err;
}
