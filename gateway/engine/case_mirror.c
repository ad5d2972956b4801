/* CASE mirroring; see case_mirror.h. */
#include "engine/case_mirror.h"

#include "case/model.h"
#include "engine/case_import.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/secretbox.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE      100  /* documents asked for per page */
#define MAX_PAGES 1000 /* a list longer than this is cut */

typedef struct {
	cw_store *store;
	int64_t tenant_id;
	const cw_case_mirror_options *o;
	cw_case_mirror_report *r;
	char token[4096]; /* bearer, when a token URL is given */
} puller;

static void fail(cw_case_mirror_report *r, const char *prefix, const char *what)
{
	snprintf(r->error, sizeof(r->error), "%s%s", prefix, what);
}

/* ---- the token ----------------------------------------------------------- */

static int get_token(puller *m)
{
	cw_fetch_options fo = { 1 << 16, 30, NULL, "application/json",
		                m->o->public_only };
	cw_buf body = CW_BUF_INIT(1 << 16), form = CW_BUF_INIT(4096);
	cJSON *doc = NULL;
	const char *token;
	long status;
	int err;

	cw_buf_puts(&form, "grant_type=client_credentials");
	if (m->o->scope && *m->o->scope) {
		cw_buf_puts(&form, "&scope=");
		for (const char *p = m->o->scope; *p; p++)
			if (*p == ' ')
				cw_buf_puts(&form, "%20");
			else if (isalnum((unsigned char)*p) ||
			         strchr("-._~:/", *p))
				cw_buf_putc(&form, *p);
			else
				cw_buf_printf(&form, "%%%02X",
				              (unsigned char)*p);
	}
	err = cw_net_post_form(&body, &status, m->o->token_url,
	                       cw_buf_cstr(&form), m->o->client_id,
	                       m->o->client_secret, &fo);
	if (err == 0 &&
	    (cw_json_parse(&doc, body.data, body.len, 8, NULL) < 0 ||
	     !(token = cw_json_string(doc, "access_token")) ||
	     strlen(token) >= sizeof(m->token)))
		err = CW_EAUTH;
	if (err == 0)
		snprintf(m->token, sizeof(m->token), "%s", token);
	else
		fail(m->r, "token endpoint: ",
		     err == CW_EAUTH ? "no access_token in its answer"
		                     : cw_error_last());
	cJSON_Delete(doc);
	cw_buf_dispose(&body);
	cw_buf_dispose(&form);
	return err < 0 ? err : 0;
}

/* ---- the list ------------------------------------------------------------ */

static int get(puller *m, cw_buf *out, const char *url, size_t max)
{
	cw_fetch_options fo = { max, CW_LIMIT_FETCH_TIMEOUT,
		                m->token[0] ? m->token : NULL,
		                "application/json", m->o->public_only };
	long status;

	out->max = max;
	return cw_net_fetch(out, &status, url, &fo);
}

/* One page of the document list into all; *got documents on it. {"CFDocuments":
 * […]} or, as some servers answer, a bare array. */
static int list_page(puller *m, cJSON *all, size_t offset, size_t *got)
{
	cw_buf body = CW_BUF_INIT(CW_LIMIT_CASE_PACKAGE);
	char url[2200];
	cJSON *doc = NULL, *list, *e;
	int err;

	snprintf(url, sizeof(url), "%s/CFDocuments?limit=%d&offset=%zu",
	         m->o->base_url, PAGE, offset);
	err = get(m, &body, url, CW_LIMIT_CASE_PACKAGE);
	if (err == 0 && cw_json_parse(&doc, body.data, body.len, 32, NULL) < 0)
		err = CW_EINVAL;
	list = cJSON_IsArray(doc) ? doc
	                          : cJSON_GetObjectItem(doc, "CFDocuments");
	if (err == 0 && !cJSON_IsArray(list))
		err = CW_EINVAL;
	*got = 0;
	while (err == 0 && list->child) {
		e = cJSON_DetachItemViaPointer(list, list->child);
		cJSON_AddItemToArray(all, e);
		(*got)++;
	}
	if (err < 0)
		fail(m->r, "%s",
		     err == CW_EINVAL ? "the CFDocuments answer is not a "
		                        "list of documents"
		                      : cw_error_last());
	cJSON_Delete(doc);
	cw_buf_dispose(&body);
	return err;
}

static int list_documents(puller *m, cJSON *all)
{
	size_t got = PAGE;
	int err = 0;

	for (int page = 0; err == 0 && got == PAGE && page < MAX_PAGES;
	     page++) {
		size_t before = (size_t)cJSON_GetArraySize(all);

		err = list_page(m, all, before, &got);
		/* A server that ignores offset answers the same page again. */
		if (err == 0 && got && before &&
		    cJSON_Compare(cJSON_GetArrayItem(all, (int)before),
		                  cJSON_GetArrayItem(all, 0), 1)) {
			while (cJSON_GetArraySize(all) > (int)before)
				cJSON_DeleteItemFromArray(all, (int)before);
			break;
		}
	}
	return err;
}

/* ---- the packages -------------------------------------------------------- */

static void outcome(puller *m, const char *id, const char *title,
                    const char *what, const char *message)
{
	cJSON *d = cJSON_CreateObject();

	if (!d)
		return;
	cJSON_AddStringToObject(d, "identifier", id);
	cJSON_AddStringToObject(d, "title", title ? title : "");
	cJSON_AddStringToObject(d, "outcome", what);
	if (message)
		cJSON_AddStringToObject(d, "message", message);
	cJSON_AddItemToArray(m->r->documents, d);
}

static void pull_package(puller *m, const char *id, const char *title)
{
	cw_buf body = CW_BUF_INIT(CW_LIMIT_CASE_PACKAGE);
	char url[2200];
	cw_case_import_options io = { url,  m->o->actor, m->o->tenant,
		                      NULL, NULL,        0 };
	cw_case_import_result result;
	int err;

	snprintf(url, sizeof(url), "%s/CFPackages/%s", m->o->base_url, id);
	err = get(m, &body, url, CW_LIMIT_CASE_PACKAGE);
	if (err == 0)
		err = cw_case_import_buffer(&result, m->store, m->tenant_id,
		                            body.data ? body.data : "",
		                            body.len, &io);
	if (err == 0) {
		m->r->changed += result.changed != 0;
		m->r->unchanged += result.changed == 0;
		outcome(m, id, title, result.changed ? "changed" : "unchanged",
		        NULL);
	} else {
		char message[600];

		if (err == CW_EINVAL)
			snprintf(message, sizeof(message),
			         "the package has %zu errors: nothing stored",
			         result.errors);
		else
			snprintf(message, sizeof(message), "%s",
			         cw_error_last());
		m->r->failed++;
		outcome(m, id, title, "failed", message);
	}
	cw_buf_dispose(&body);
}

int cw_case_mirror_run(cw_case_mirror_report *out, cw_store *store,
                       int64_t tenant_id, const cw_case_mirror_options *o)
{
	puller m = { store, tenant_id, o, out, "" };
	cJSON *all = cJSON_CreateArray(), *d;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->documents = cJSON_CreateArray();
	if (!all || !out->documents) {
		cJSON_Delete(all);
		return CW_ENOMEM;
	}
	if (o->token_url && *o->token_url)
		err = get_token(&m);
	if (err == 0)
		err = list_documents(&m, all);
	cJSON_ArrayForEach(d, all)
	{
		const char *id = cw_json_string(d, "identifier");
		char lower[64];

		if (err < 0 || (o->stopping && *o->stopping))
			break;
		out->listed++;
		if (!id || !cw_case_uuid_shaped(id)) {
			out->failed++;
			outcome(&m, id ? id : "", NULL, "failed",
			        "listed without a UUID identifier");
			continue;
		}
		for (size_t i = 0; i < 37; i++)
			lower[i] = (char)tolower((unsigned char)id[i]);
		/* Every package is fetched: servers do not all move a
		 * document's lastChangeDateTime when an item of it changes.
		 * The import writes only what changed. */
		pull_package(&m, lower, cw_json_string(d, "title"));
	}
	cJSON_Delete(all);
	return err;
}

void cw_case_mirror_report_dispose(cw_case_mirror_report *report)
{
	cJSON_Delete(report->documents);
	report->documents = NULL;
}

cJSON *cw_case_mirror_report_json(const cw_case_mirror_report *r)
{
	cJSON *doc = cJSON_CreateObject();

	if (!doc)
		return NULL;
	cJSON_AddNumberToObject(doc, "listed", (double)r->listed);
	cJSON_AddNumberToObject(doc, "changed", (double)r->changed);
	cJSON_AddNumberToObject(doc, "unchanged", (double)r->unchanged);
	cJSON_AddNumberToObject(doc, "failed", (double)r->failed);
	if (r->error[0])
		cJSON_AddStringToObject(doc, "error", r->error);
	cJSON_AddItemToObject(doc, "documents",
	                      r->documents ? cJSON_Duplicate(r->documents, 1)
	                                   : cJSON_CreateArray());
	return doc;
}

long cw_case_mirror_parse_every(const char *text)
{
	char *end = NULL;
	long n;

	if (!text || !isdigit((unsigned char)*text))
		return -1;
	n = strtol(text, &end, 10);
	if (n <= 0 || n > 366L * 86400)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return n;
	if (strcmp(end, "m") == 0)
		return n * 60;
	if (strcmp(end, "h") == 0)
		return n * 3600;
	if (strcmp(end, "d") == 0 && n <= 366)
		return n * 86400;
	return -1;
}

/* What the sealed secret is bound to: its tenant and server. */
static void secret_aad(char out[2200], int64_t tenant_id, const char *base)
{
	snprintf(out, 2200, "case-mirror:%lld:%s", (long long)tenant_id, base);
}

int cw_case_mirror_schedule(cw_store *store, const unsigned char *key,
                            int64_t tenant_id, const cw_case_mirror_options *o,
                            long every_s, int64_t *id)
{
	cw_case_mirror m = { 0 };
	char aad[2200], *sealed = NULL;
	int err = 0;

	secret_aad(aad, tenant_id, o->base_url);
	if (o->client_secret && *o->client_secret)
		err = cw_secretbox_seal(&sealed, key, aad, o->client_secret,
		                        strlen(o->client_secret));
	if (err < 0)
		return err;
	m.tenant_id = tenant_id;
	m.base_url = o->base_url;
	m.every_s = every_s;
	m.token_url = o->token_url;
	m.client_id = o->client_id;
	m.secret_sealed = sealed;
	m.scope = o->scope;
	m.next_run_ms = cw_time_now_ms();
	err = cw_store_case_mirror_put(store, &m, id);
	cw_free(sealed);
	return err;
}

int cw_case_mirror_run_stored(cw_case_mirror_report *out, cw_store *store,
                              const unsigned char *key,
                              const cw_case_mirror *mirror,
                              volatile int *stopping, int public_only)
{
	cw_case_mirror_options o = { mirror->base_url,
		                     mirror->token_url,
		                     mirror->client_id,
		                     NULL,
		                     mirror->scope,
		                     "scheduler",
		                     NULL,
		                     stopping,
		                     public_only };
	char aad[2200], *secret = NULL, *text;
	size_t secret_len = 0;
	int64_t started = cw_time_now_ms();
	cJSON *report;
	int err = 0;

	secret_aad(aad, mirror->tenant_id, mirror->base_url);
	if (mirror->secret_sealed)
		err = cw_secretbox_open(&secret, &secret_len, key, aad,
		                        mirror->secret_sealed,
		                        strlen(mirror->secret_sealed));
	o.client_secret = secret;
	if (err == 0)
		err = cw_case_mirror_run(out, store, mirror->tenant_id, &o);
	else
		snprintf(out->error, sizeof(out->error),
		         "the client secret does not open under this master "
		         "key");
	report = cw_case_mirror_report_json(out);
	text = report ? cw_json_print(report) : NULL;
	(void)cw_store_case_mirror_done(store, mirror->id, started,
	                                started + mirror->every_s * 1000L,
	                                text);
	cJSON_Delete(report);
	cw_free(text);
	if (secret) {
		memset(secret, 0, secret_len);
		cw_free(secret);
	}
	return err;
}

int cw_case_mirror_reseal(char **out, const unsigned char *key,
                          const char *sealed, int64_t from_tenant,
                          int64_t to_tenant, const char *base_url)
{
	char from[2200], to[2200], *secret = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	secret_aad(from, from_tenant, base_url);
	secret_aad(to, to_tenant, base_url);
	err = cw_secretbox_open(&secret, &len, key, from, sealed,
	                        strlen(sealed));
	if (err == 0)
		err = cw_secretbox_seal(out, key, to, secret, len);
	if (err == CW_EAUTH)
		cw_error_set("the client secret of the mirror of %s does not "
		             "open under this master key",
		             base_url);
	if (secret)
		memset(secret, 0, len);
	cw_free(secret);
	return err;
}
