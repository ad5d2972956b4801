/* PUTs to a SIS gradebook with a client credentials token. */
#include "engine/gradebook_push.h"

#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/secretbox.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	char *token_url, *client_id, *sealed, *name;
	int found;
} connection;

static int on_connection(const cw_sync_connection *c, void *payload)
{
	connection *k = payload;

	k->found = 1;
	k->token_url = c->token_url ? cw_strdup(c->token_url) : NULL;
	k->client_id = c->client_id ? cw_strdup(c->client_id) : NULL;
	k->sealed = c->secret_sealed ? cw_strdup(c->secret_sealed) : NULL;
	k->name = cw_strdup(c->name);
	return 0;
}

static void connection_dispose(connection *k)
{
	cw_free(k->token_url);
	cw_free(k->client_id);
	cw_free(k->sealed);
	cw_free(k->name);
}

/* A bearer token of the connection's OAuth 2.0 client, into token. */
static int token_of(char *token, size_t n, const cw_push_target *t,
                    const connection *k)
{
	cw_fetch_options o = { 65536, CW_LIMIT_FETCH_TIMEOUT, NULL,
		               "application/json", t->public_only };
	cw_buf aad = CW_BUF_INIT(256), answer = CW_BUF_INIT(65536);
	char *secret = NULL;
	size_t len = 0;
	long status = 0;
	cJSON *doc = NULL;
	int err;

	if (!k->token_url || !k->client_id || !k->sealed) {
		cw_error_set("sync connection %s has no OAuth 2.0 client",
		             k->name);
		return CW_EAUTH;
	}
	cw_buf_printf(&aad, "crosswalk sync %s", k->name);
	err = aad.error ? aad.error
	                : cw_secretbox_open(&secret, &len, t->master_key,
	                                    aad.data, k->sealed,
	                                    strlen(k->sealed));
	if (err == 0)
		err = cw_net_post_form(
		        &answer, &status, k->token_url,
		        "grant_type=client_credentials&scope="
		        "https%3A%2F%2Fpurl.imsglobal.org%2Fspec%2For"
		        "%2Fv1p2%2Fscope%2Fgradebook.createput",
		        k->client_id, secret, &o);
	if (err == 0 && (cw_json_parse(&doc, answer.data ? answer.data : "",
	                               answer.len, 16, NULL) < 0 ||
	                 !cw_json_string(doc, "access_token"))) {
		cw_error_set("%s: no access_token in the answer", k->token_url);
		err = CW_EAUTH;
	}
	if (err == 0)
		snprintf(token, n, "%s", cw_json_string(doc, "access_token"));
	if (secret)
		memset(secret, 0, len);
	cw_free(secret);
	cJSON_Delete(doc);
	cw_buf_dispose(&aad);
	cw_buf_dispose(&answer);
	return err;
}

static int put_all(cJSON *report, const cw_push_target *t, const char *token,
                   const cJSON *objects)
{
	cw_fetch_options o = { 1 << 20, CW_LIMIT_FETCH_TIMEOUT, token,
		               "application/json", t->public_only };
	const cJSON *obj;
	char first[1024] = "";
	int err = 0, refused = 0;

	cJSON_ArrayForEach(obj, objects)
	{
		const char *path = cw_json_string(obj, "path");
		char *body = cw_json_print(cJSON_GetObjectItem(obj, "body"));
		cw_buf url = CW_BUF_INIT(4096), answer = CW_BUF_INIT(1 << 20);
		long status = 0;
		cJSON *line = cJSON_CreateObject();

		cw_buf_printf(&url, "%s/%s", t->gradebook_url, path);
		err = !body || url.error
		              ? CW_ENOMEM
		              : cw_net_put_json(&answer, &status,
		                                cw_buf_cstr(&url), body, &o);
		cJSON_AddStringToObject(line, "path", path);
		cJSON_AddNumberToObject(line, "status", (double)status);
		if (err < 0)
			cJSON_AddStringToObject(line, "error", cw_error_last());
		cJSON_AddItemToArray(report, line);
		cw_free(body);
		cw_buf_dispose(&url);
		cw_buf_dispose(&answer);
		if (err == CW_EIO && status >= 400 && t->keep_going) {
			if (!refused++)
				snprintf(first, sizeof(first), "%s",
				         cw_error_last());
			err = 0;
		} else if (err < 0) {
			break;
		}
	}
	if (err == 0 && refused) {
		cw_error_set("%d of the objects refused; the first: %s",
		             refused, first);
		err = CW_EIO;
	}
	return err;
}

int cw_gradebook_push(cJSON **report, const cw_push_target *t,
                      const cJSON *objects)
{
	connection k = { 0 };
	char token[2048];
	int err = cw_store_sync_list(t->store, t->tenant_id, t->connection,
	                             on_connection, &k);

	*report = cJSON_CreateArray();
	if (err == 0 && !k.found)
		err = CW_ENOTFOUND;
	if (err == 0 && !k.name)
		err = CW_ENOMEM;
	if (err == 0)
		err = token_of(token, sizeof(token), t, &k);
	if (err == 0)
		err = put_all(*report, t, token, objects);
	memset(token, 0, sizeof(token));
	connection_dispose(&k);
	return err;
}
