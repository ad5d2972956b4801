/* CLR 2.0 transcripts: a student's signed Open Badges credentials bundled
 * into one ClrCredential, with their achievements and associations that
 * mirror the CASE framework (an achievement aligned to an item that
 * isChildOf another achievement's item isChildOf it), signed by the
 * tenant's issuer: Data Integrity when the CLR 2.0 context is loaded (it is
 * in no npm package: the operator pins it), else VC-JWT. */
#include "engine/badges.h"
#include "engine/badges_internal.h"

#include "crypto/vcjwt.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

#define CLR_CONTEXT                                                            \
	"https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
#define CLR_MAX 1000 /* credentials in one CLR */

typedef struct {
	cJSON *credentials, *achievements;
	size_t skipped; /* VC-JWTs, which a CLR cannot embed as JSON */
} gathered;

static const char *id_of(const cJSON *o)
{
	const char *id = cw_json_string(o, "id");
	return id ? id : "";
}

static int on_credential(const cw_ob3_credential *c, void *payload)
{
	gathered *g = payload;
	cJSON *doc = NULL, *a, *have;

	if (strcmp(c->format, "json") != 0) {
		g->skipped++;
		return 0;
	}
	if (cw_json_parse(&doc, c->credential, strlen(c->credential), 64,
	                  NULL) < 0)
		return 0;
	for (have = g->credentials->child; have; have = have->next)
		if (strcmp(id_of(have), c->id) == 0)
			break;
	if (have || cJSON_GetArraySize(g->credentials) >= CLR_MAX) {
		cJSON_Delete(doc);
		return 0;
	}
	cJSON_AddItemToArray(g->credentials, doc);
	a = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "credentialSubject"),
	                        "achievement");
	for (have = g->achievements->child; a && have; have = have->next)
		if (strcmp(id_of(have), id_of(a)) == 0)
			break;
	if (a && !have)
		cJSON_AddItemToArray(g->achievements, cJSON_Duplicate(a, 1));
	return 0;
}

/* The CFItem an achievement aligns to, or NULL. */
static const char *item_of(const cJSON *achievement)
{
	const cJSON *al;

	cJSON_ArrayForEach(al, cJSON_GetObjectItem(achievement, "alignment"))
	{
		const char *type = cw_json_string(al, "targetType");
		if (type && strcmp(type, "CFItem") == 0)
			return cw_json_string(al, "targetCode");
	}
	return NULL;
}

typedef struct {
	const cJSON *achievements, *from;
	cJSON *out;
} linking;

/* CASE association types a CLR association keeps the name of. */
static int kept(const char *type)
{
	static const char *const names[] = { "isChildOf",    "isParentOf",
		                             "isPartOf",     "isPeerOf",
		                             "exactMatchOf", "isRelatedTo",
		                             "precedes",     "replacedBy" };
	for (size_t i = 0; type && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], type) == 0)
			return 1;
	return 0;
}

static int on_link(const cw_case_record *r, void *payload)
{
	linking *l = payload;
	const char *mine = item_of(l->from), *type;
	cJSON *a = NULL, *to;

	if (!r->origin || !r->destination || !mine ||
	    strcmp(r->origin, mine) != 0 ||
	    cw_json_parse(&a, r->body,
	                  r->body_len ? r->body_len : strlen(r->body), 32,
	                  NULL) < 0)
		return 0;
	type = cw_json_string(a, "associationType");
	cJSON_ArrayForEach(to, l->achievements)
	{
		const char *theirs = item_of(to);
		cJSON *as;
		if (to == l->from || !theirs || !kept(type) ||
		    strcmp(theirs, r->destination) != 0)
			continue;
		as = cJSON_CreateObject();
		cJSON_AddStringToObject(as, "type", "Association");
		cJSON_AddStringToObject(as, "associationType", type);
		cJSON_AddStringToObject(as, "sourceId",
		                        cw_json_string(l->from, "id"));
		cJSON_AddStringToObject(as, "targetId",
		                        cw_json_string(to, "id"));
		cJSON_AddItemToArray(l->out, as);
	}
	cJSON_Delete(a);
	return 0;
}

static int associations(cJSON *out, const cw_badges *b, int64_t tenant_id,
                        const cJSON *achievements)
{
	const cJSON *a;
	int err = 0;

	cJSON_ArrayForEach(a, achievements)
	{
		linking l = { achievements, a, out };
		const char *item = item_of(a);
		if (item &&
		    (err = cw_store_case_links(b->store, tenant_id, item,
		                               on_link, &l)) < 0 &&
		    err != CW_ENOTFOUND)
			return err;
	}
	return 0;
}

static cJSON *clr_document(const cw_badge_issuer_ctx *issuer,
                           const char *student, const char *name, gathered *g,
                           cJSON *assoc)
{
	cJSON *c = cJSON_CreateObject(), *s;
	char id[CW_BADGE_UUID_URN_LEN + 1], now[32], title[300];

	if (!c || cw_badges__uuid(id, 1) < 0) {
		cJSON_Delete(c);
		return NULL;
	}
	cw_badges__now(now);
	cJSON_AddItemToObject(
	        c, "@context",
	        cJSON_CreateStringArray(
	                (const char *[]){ CW_BADGE_VC2_CONTEXT, CLR_CONTEXT,
	                                  CW_BADGE_OB3_CONTEXT },
	                3));
	cJSON_AddStringToObject(c, "id", id);
	cJSON_AddItemToObject(c, "type",
	                      cJSON_CreateStringArray(
	                              (const char *[]){ "VerifiableCredential",
	                                                "ClrCredential" },
	                              2));
	cJSON_AddItemToObject(c, "issuer", cw_badges__profile(issuer));
	cJSON_AddStringToObject(c, "validFrom", now);
	snprintf(title, sizeof(title), "Comprehensive Learner Record of %s",
	         name ? name : student);
	cJSON_AddStringToObject(c, "name", title);
	s = cJSON_AddObjectToObject(c, "credentialSubject");
	cJSON_AddItemToObject(
	        s, "type",
	        cJSON_CreateStringArray((const char *[]){ "ClrSubject" }, 1));
	cJSON_AddItemToObject(s, "identifier", cw_badges__identifier(student));
	cJSON_AddItemToObject(s, "verifiableCredential", g->credentials);
	cJSON_AddItemToObject(s, "achievement", g->achievements);
	if (cJSON_GetArraySize(assoc))
		cJSON_AddItemToObject(s, "association", assoc);
	else
		cJSON_Delete(assoc);
	g->credentials = g->achievements = NULL;
	return c;
}

static int sign(char **out, const char **format, const cw_badges *b,
                const cw_badge_issuer_ctx *issuer, const cJSON *clr)
{
	const cJSON *ctx = NULL;
	const cw_jsonld_loader *l =
	        b->loader ? b->loader : cw_jsonld_loader_default();
	cJSON *signed_doc = NULL;
	cw_buf vm = CW_BUF_INIT(2048), jwt = CW_BUF_INIT(64L << 20);
	int err;

	if (cw_jsonld_loader_get(l, CLR_CONTEXT, &ctx) == 0) {
		*format = "di";
		if ((err = cw_badges__sign_di(&signed_doc, b, issuer, clr)) ==
		            0 &&
		    !(*out = cw_json_print(signed_doc)))
			err = CW_ENOMEM;
		cJSON_Delete(signed_doc);
		return err;
	}
	*format = "jwt";
	const cw_key *key = issuer->jwt ? issuer->jwt : issuer->ed25519;
	const char *kid = issuer->jwt ? issuer->jwt_kid : issuer->ed25519_kid;
	err = cw_badges__vm(&vm, issuer, key, kid);
	if (err == 0 &&
	    (err = cw_vcjwt_create(&jwt, key, clr, vm.len ? vm.data : NULL)) ==
	            0 &&
	    !(*out = cw_buf_detach(&jwt, NULL)))
		err = CW_ENOMEM;
	cw_buf_dispose(&vm);
	cw_buf_dispose(&jwt);
	return err;
}

int cw_badges_clr_build(char **out, const char **format, size_t *count,
                        const cw_badges *b, const char *tenant,
                        const char *student, const char *email,
                        const char *name, const char *issuer)
{
	cw_badge_issuer_ctx ctx;
	gathered g = { cJSON_CreateArray(), cJSON_CreateArray(), 0 };
	cJSON *assoc = cJSON_CreateArray(), *clr = NULL, *issuers = NULL;
	int64_t tenant_id = 0, total = 0;
	int err = cw_badges__tenant_id(&tenant_id, b->store, tenant);

	*out = NULL;
	memset(&ctx, 0, sizeof(ctx));
	if (err == 0 && !issuer &&
	    (err = cw_badges_issuer_list(&issuers, b, tenant)) == 0 &&
	    !(issuer = cw_json_string(cJSON_GetArrayItem(issuers, 0), "id"))) {
		cw_error_set("tenant %s has no issuer to sign with", tenant);
		err = CW_ENOTFOUND;
	}
	for (int i = 0; err == 0 && i < 2; i++) {
		const char *who = i ? email : student;
		if (who)
			err = cw_store_ob3_credential_list(
			        b->store, tenant_id, 0, who, NULL, 0, CLR_MAX,
			        &total, on_credential, &g);
	}
	if (err == 0 && !cJSON_GetArraySize(g.credentials)) {
		cw_error_set("the tenant issued %s no Open Badges credential "
		             "(as JSON) to put in a CLR",
		             student);
		err = CW_ENOTFOUND;
	}
	*count = (size_t)cJSON_GetArraySize(g.credentials);
	if (err == 0)
		err = associations(assoc, b, tenant_id, g.achievements);
	if (err == 0)
		err = cw_badges__issuer_load(&ctx, b, tenant, issuer, 1);
	if (err == 0 && !(clr = clr_document(&ctx, student, name, &g, assoc)))
		err = CW_ENOMEM;
	assoc = NULL;
	if (err == 0)
		err = sign(out, format, b, &ctx, clr);
	cw_badges__issuer_dispose(&ctx);
	cJSON_Delete(clr);
	cJSON_Delete(assoc);
	cJSON_Delete(g.credentials);
	cJSON_Delete(g.achievements);
	cJSON_Delete(issuers);
	return err;
}
