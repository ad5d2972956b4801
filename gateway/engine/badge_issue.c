/* Issuing OpenBadgeCredentials (and OB 2.0 assertions): one, or a batch
 * checked row by row before anything is signed, then signed and stored in
 * one transaction. */
#include "engine/badges_internal.h"

#include "crypto/vcjwt.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

#define RECIPIENT_MAX 512
#define ISSUERS_MAX   64   /* distinct issuers in one batch */
#define CACHED_MAX    4096 /* distinct achievements in one batch */
#define SALT_BYTES    16

typedef struct {
	unsigned long line;
	char *recipient, *achievement, *issuer; /* issuer NULL: the default */
	cJSON *results, *evidence;              /* as given, or NULL */
	cJSON *subject; /* more credentialSubject members, or NULL */
	/* set by the checks */
	cJSON *achievement_doc; /* borrowed from the cache */
	int issuer_slot;
	char id[CW_BADGE_UUID_URN_LEN + 1];
	char *text;
	char *assertion; /* OB 2.0: the Assertion JSON (text is the JWS) */
	int64_t index;
} row;

typedef struct {
	char *id, *issuer;
	cJSON *doc;
} cached_achievement;

typedef struct {
	cw_badge_issuer_ctx ctx;
	cw_buf status_url;
	int64_t count, next;
} issuer_slot;

typedef struct {
	const cw_badges *b;
	const char *tenant;
	int64_t tenant_id;
	const char *format;
	row *rows;
	size_t count, alloc;
	cached_achievement *cache;
	size_t cached;
	issuer_slot issuers[ISSUERS_MAX];
	size_t issuer_count;
	unsigned long errors;
	cw_badge_row_error_cb on_error;
	void *payload;
} batch;

static void row_error(batch *bt, unsigned long line, const char *message)
{
	if (bt->errors++ < CW_BADGE_ERRORS_MAX && bt->on_error)
		bt->on_error(line, message, bt->payload);
}

static row *row_add(batch *bt, unsigned long line)
{
	if (bt->count >= CW_BADGE_BATCH_MAX) {
		cw_error_set("a batch has at most %d rows", CW_BADGE_BATCH_MAX);
		return NULL;
	}
	if (bt->count == bt->alloc) {
		size_t n = bt->alloc ? bt->alloc * 2 : 64;
		row *grown = cw_realloc(bt->rows, n * sizeof(*grown));

		if (!grown)
			return NULL;
		bt->rows = grown;
		bt->alloc = n;
	}
	row *r = &bt->rows[bt->count++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->issuer_slot = -1;
	return r;
}

static void batch_dispose(batch *bt)
{
	for (size_t i = 0; i < bt->count; i++) {
		row *r = &bt->rows[i];

		cw_free(r->recipient);
		cw_free(r->achievement);
		cw_free(r->issuer);
		cJSON_Delete(r->results);
		cJSON_Delete(r->evidence);
		cJSON_Delete(r->subject);
		cw_free(r->text);
		cw_free(r->assertion);
	}
	cw_free(bt->rows);
	for (size_t i = 0; i < bt->cached; i++) {
		cw_free(bt->cache[i].id);
		cw_free(bt->cache[i].issuer);
		cJSON_Delete(bt->cache[i].doc);
	}
	cw_free(bt->cache);
	for (size_t i = 0; i < bt->issuer_count; i++) {
		cw_badges__issuer_dispose(&bt->issuers[i].ctx);
		cw_buf_dispose(&bt->issuers[i].status_url);
	}
}

/* ---- checks -------------------------------------------------------------- */

static int check_recipient(const char *r)
{
	size_t n = r ? strlen(r) : 0;

	if (n == 0 || n > RECIPIENT_MAX) {
		cw_error_set("recipient: required, at most %d bytes",
		             RECIPIENT_MAX);
		return CW_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f) {
			cw_error_set("recipient: control characters");
			return CW_EINVAL;
		}
	if (strncmp(r, "did:", 4) == 0 &&
	    (!strchr(r + 4, ':') || strchr(r, ' '))) {
		cw_error_set("recipient: \"%s\" is not a DID", r);
		return CW_EINVAL;
	}
	if (strchr(r, '@') && (strchr(r, '@') == r || !strchr(r, '.') ||
	                       strchr(strchr(r, '@') + 1, '@'))) {
		cw_error_set("recipient: \"%s\" is not an email address", r);
		return CW_EINVAL;
	}
	return 0;
}

typedef struct {
	char *issuer;
	cJSON *doc;
} achievement_found;

static int achievement_row(const cw_badge_achievement *a, void *payload)
{
	achievement_found *f = payload;

	f->issuer = cw_strdup(a->issuer);
	f->doc = cJSON_Parse(a->document);
	return f->issuer && f->doc ? 0 : CW_ENOMEM;
}

static cached_achievement *achievement_of(batch *bt, const char *id)
{
	achievement_found f = { NULL, NULL };

	for (size_t i = 0; i < bt->cached; i++)
		if (strcmp(bt->cache[i].id, id) == 0)
			return &bt->cache[i];
	if (bt->cached >= CACHED_MAX) {
		cw_error_set("more than %d achievements in one batch",
		             CACHED_MAX);
		return NULL;
	}
	if (cw_store_badge_achievement_get(bt->b->store, bt->tenant_id, id,
	                                   achievement_row, &f) < 0) {
		cw_free(f.issuer);
		cJSON_Delete(f.doc);
		return NULL;
	}
	if (bt->cached % 16 == 0) {
		cached_achievement *grown = cw_realloc(
		        bt->cache, (bt->cached + 16) * sizeof(*grown));

		if (!grown) {
			cw_free(f.issuer);
			cJSON_Delete(f.doc);
			return NULL;
		}
		bt->cache = grown;
	}
	cached_achievement *c = &bt->cache[bt->cached++];
	c->id = cw_strdup(id);
	c->issuer = f.issuer;
	c->doc = f.doc;
	return c;
}

static int issuer_of(batch *bt, const char *handle)
{
	for (size_t i = 0; i < bt->issuer_count; i++)
		if (strcmp(bt->issuers[i].ctx.handle, handle) == 0)
			return (int)i;
	if (bt->issuer_count >= ISSUERS_MAX) {
		cw_error_set("more than %d issuers in one batch", ISSUERS_MAX);
		return CW_ETOOBIG;
	}
	issuer_slot *s = &bt->issuers[bt->issuer_count];
	int err = cw_badges__issuer_load(&s->ctx, bt->b, bt->tenant, handle, 1);

	s->status_url = (cw_buf)CW_BUF_INIT(4096);
	if (err == 0)
		err = cw_badges_status_list_url(&s->status_url, bt->b,
		                                bt->tenant, handle);
	if (err < 0) {
		cw_badges__issuer_dispose(&s->ctx);
		cw_buf_dispose(&s->status_url);
		return err;
	}
	return (int)bt->issuer_count++;
}

static const char *const result_statuses[] = { "Completed", "Enrolled",
	                                       "Failed",    "InProgress",
	                                       "OnHold",    "Provisional",
	                                       "Withdrew",  NULL };

static int member_allowed(const cJSON *o, const char *const *allowed,
                          const char *what)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, o)
	{
		size_t i = 0;

		while (allowed[i] && strcmp(allowed[i], m->string) != 0)
			i++;
		if (!allowed[i]) {
			cw_error_set("%s: unknown member \"%s\"", what,
			             m->string);
			return CW_EINVAL;
		}
	}
	return 0;
}

static int ensure_type(cJSON *o, const char *type, const char *what)
{
	const cJSON *t = cJSON_GetObjectItem(o, "type"), *e;

	if (!t)
		return cJSON_AddItemToObject(
		               o, "type",
		               cJSON_CreateStringArray((const char *[]){ type },
		                                       1))
		               ? 0
		               : CW_ENOMEM;
	if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
		return 0;
	cJSON_ArrayForEach(e, t)
	{
		if (cJSON_IsString(e) && strcmp(e->valuestring, type) == 0)
			return 0;
	}
	cw_error_set("%s: type must include %s", what, type);
	return CW_EINVAL;
}

/* The ResultDescription of the achievement a result points at (or its only
 * one when it points at none); NULL when the achievement has none. */
static const cJSON *description_of(cJSON *result, const cJSON *achievement,
                                   int *err)
{
	const cJSON *list = cJSON_GetObjectItem(achievement,
	                                        "resultDescription"),
	            *d;
	const char *want = cw_json_string(result, "resultDescription");

	*err = 0;
	if (!want && cJSON_GetArraySize(list) == 1) {
		d = cJSON_GetArrayItem(list, 0);
		cJSON_AddStringToObject(result, "resultDescription",
		                        cw_json_string(d, "id"));
		return d;
	}
	if (!want || !cJSON_GetArraySize(list))
		return NULL;
	cJSON_ArrayForEach(d, list)
	{
		if (strcmp(cw_json_string(d, "id"), want) == 0)
			return d;
	}
	cw_error_set("result: the achievement has no resultDescription %s",
	             want);
	*err = CW_EINVAL;
	return NULL;
}

/* achievedLevel: a rubric level's id, or its name, which becomes its id. */
static int check_level(cJSON *result, const cJSON *description)
{
	const char *level = cw_json_string(result, "achievedLevel");
	const cJSON *levels = cJSON_GetObjectItem(description,
	                                          "rubricCriterionLevel"),
	            *l;

	if (!level)
		return cJSON_GetObjectItem(result, "achievedLevel")
		               ? (cw_error_set("result: achievedLevel is a "
		                               "string"),
		                  CW_EINVAL)
		               : 0;
	cJSON_ArrayForEach(l, levels)
	{
		const char *id = cw_json_string(l, "id"),
		           *name = cw_json_string(l, "name");

		if (id && strcmp(id, level) == 0)
			return 0;
		if (id && name && strcmp(name, level) == 0) {
			cJSON_ReplaceItemInObject(result, "achievedLevel",
			                          cJSON_CreateString(id));
			return 0;
		}
	}
	if (cJSON_GetArraySize(levels) || !strchr(level, ':')) {
		cw_error_set("result: achievedLevel \"%s\" is no rubric "
		             "level of the achievement (an id or a name)",
		             level);
		return CW_EINVAL;
	}
	return 0;
}

static int check_result(cJSON *result, const cJSON *achievement)
{
	static const char *const allowed[] = { "type",   "resultDescription",
		                               "value",  "achievedLevel",
		                               "status", "alignment",
		                               NULL };
	const char *status = cw_json_string(result, "status");
	const cJSON *value = cJSON_GetObjectItem(result, "value");
	const cJSON *description;
	int err;

	if (!cJSON_IsObject(result)) {
		cw_error_set("result: each is a JSON object");
		return CW_EINVAL;
	}
	if ((err = member_allowed(result, allowed, "result")) < 0 ||
	    (err = ensure_type(result, "Result", "result")) < 0)
		return err;
	if (value && !cJSON_IsString(value)) {
		cw_error_set("result: value is a string");
		return CW_EINVAL;
	}
	if (cJSON_GetObjectItem(result, "status")) {
		size_t i = 0;

		while (status && result_statuses[i] &&
		       strcmp(result_statuses[i], status) != 0)
			i++;
		if (!status || !result_statuses[i]) {
			cw_error_set("result: status is one of Completed, "
			             "Enrolled, Failed, InProgress, OnHold, "
			             "Provisional, Withdrew");
			return CW_EINVAL;
		}
	}
	description = description_of(result, achievement, &err);
	return err < 0 ? err : check_level(result, description);
}

static int check_evidence(cJSON *e)
{
	static const char *const allowed[] = { "id",          "type",
		                               "narrative",   "name",
		                               "description", "genre",
		                               "audience",    NULL };
	const char *id = cw_json_string(e, "id");
	int err;

	if (!cJSON_IsObject(e)) {
		cw_error_set("evidence: each is a JSON object");
		return CW_EINVAL;
	}
	if ((err = member_allowed(e, allowed, "evidence")) < 0 ||
	    (err = ensure_type(e, "Evidence", "evidence")) < 0)
		return err;
	if ((cJSON_GetObjectItem(e, "id") && (!id || !strchr(id, ':'))) ||
	    (!id && !cw_json_string(e, "narrative") &&
	     !cw_json_string(e, "name"))) {
		cw_error_set("evidence: an id (a URL), a narrative or a name");
		return CW_EINVAL;
	}
	return 0;
}

static int check_list(cJSON *list, const cJSON *achievement, int results)
{
	cJSON *e;
	int err = 0;

	if (!list)
		return 0;
	if (!cJSON_IsArray(list)) {
		cw_error_set("%s: must be an array",
		             results ? "results" : "evidence");
		return CW_EINVAL;
	}
	cJSON_ArrayForEach(e, list)
	{
		if ((err = results ? check_result(e, achievement)
		                   : check_evidence(e)) < 0)
			break;
	}
	return err;
}

static int is_ob2(const batch *bt)
{
	return strncmp(bt->format, "ob2-", 4) == 0;
}

static int is_signed_ob2(const batch *bt)
{
	return strcmp(bt->format, "ob2-signed") == 0;
}

/* A caller's credential id: urn:uuid: and 36 lowercase hex digits and
 * dashes in the UUID layout. */
static int id_ok(const char *id)
{
	if (strncmp(id, "urn:uuid:", 9) != 0 || strlen(id) != 45)
		return 0;
	for (int i = 0; i < 36; i++) {
		char c = id[9 + i];
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-'
		         : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return 1;
}

static int check_row(batch *bt, row *r)
{
	cached_achievement *a;
	int err, slot;

	if ((err = check_recipient(r->recipient)) < 0)
		return err;
	if (r->id[0] && !id_ok(r->id)) {
		cw_error_set("id: expected urn:uuid: and a lowercase UUID");
		return CW_EINVAL;
	}
	if (!r->achievement || !*r->achievement) {
		cw_error_set("achievement: required");
		return CW_EINVAL;
	}
	if (!(a = achievement_of(bt, r->achievement)))
		return CW_ENOTFOUND;
	r->achievement_doc = a->doc;
	if ((slot = issuer_of(bt, r->issuer ? r->issuer : a->issuer)) < 0)
		return slot;
	r->issuer_slot = slot;
	if (is_ob2(bt) &&
	    (err = cw_badges__ob2_check(&bt->issuers[slot].ctx,
	                                is_signed_ob2(bt), r->results)) < 0)
		return err;
	if (!is_ob2(bt)) /* OB 2.0 takes no status list index */
		bt->issuers[slot].count++;
	if ((err = check_list(r->results, a->doc, 1)) < 0)
		return err;
	return check_list(r->evidence, a->doc, 0);
}

/* ---- the credential ------------------------------------------------------ */

cJSON *cw_badges__identifier(const char *recipient)
{
	unsigned char salt_bytes[SALT_BYTES];
	char salt[2 * SALT_BYTES + 1], digest[2 * CW_SHA256_LEN + 1];
	cw_buf salted = CW_BUF_INIT(RECIPIENT_MAX + 64);
	cw_buf hash = CW_BUF_INIT(128);
	cJSON *list = cJSON_CreateArray(), *id = cJSON_CreateObject();

	if (!list || !id || !cJSON_AddItemToArray(list, id) ||
	    cw_random_bytes(salt_bytes, sizeof(salt_bytes)) < 0) {
		if (!cJSON_GetArraySize(list))
			cJSON_Delete(id);
		cJSON_Delete(list);
		return NULL;
	}
	cw_hex_encode(salt, salt_bytes, sizeof(salt_bytes));
	cw_buf_puts(&salted, recipient);
	cw_buf_puts(&salted, salt);
	cw_sha256_hex(digest, salted.data, salted.len);
	cw_buf_printf(&hash, "sha256$%s", digest);
	cJSON_AddStringToObject(id, "type", "IdentityObject");
	cJSON_AddStringToObject(id, "identityHash", cw_buf_cstr(&hash));
	cJSON_AddStringToObject(id, "identityType",
	                        strchr(recipient, '@') ? "emailAddress"
	                                               : "sourcedId");
	cJSON_AddBoolToObject(id, "hashed", 1);
	cJSON_AddStringToObject(id, "salt", salt);
	cw_buf_dispose(&salted);
	cw_buf_dispose(&hash);
	return list;
}

static cJSON *subject_of(const char *recipient, const cJSON *achievement,
                         const cJSON *results, const cJSON *extra)
{
	cJSON *s = cJSON_CreateObject(), *ids;

	if (!s)
		return NULL;
	if (strncmp(recipient, "did:", 4) == 0)
		cJSON_AddStringToObject(s, "id", recipient);
	cJSON_AddItemToObject(
	        s, "type",
	        cJSON_CreateStringArray(
	                (const char *[]){ "AchievementSubject" }, 1));
	if (strncmp(recipient, "did:", 4) != 0) {
		if (!(ids = cw_badges__identifier(recipient))) {
			cJSON_Delete(s);
			return NULL;
		}
		cJSON_AddItemToObject(s, "identifier", ids);
	}
	cJSON_AddItemToObject(s, "achievement",
	                      cJSON_Duplicate(achievement, 1));
	if (cJSON_GetArraySize(results))
		cJSON_AddItemToObject(s, "result", cJSON_Duplicate(results, 1));
	for (const cJSON *m = extra ? extra->child : NULL; m; m = m->next)
		if (!cJSON_GetObjectItemCaseSensitive(s, m->string))
			cJSON_AddItemToObject(s, m->string,
			                      cJSON_Duplicate(m, 1));
	return s;
}

/* The entry of the issuer's index-th credential: bit index % BITS of
 * list index / BITS (list 0 at the status URL, list n at URL/n). */
static cJSON *status_of(const issuer_slot *s, int64_t index)
{
	cJSON *st = cJSON_CreateObject();
	char number[24];
	cw_buf id = CW_BUF_INIT(4096), list = CW_BUF_INIT(4096);
	int64_t n = index / CW_BADGE_STATUS_LIST_BITS;

	if (!st)
		return NULL;
	snprintf(number, sizeof(number), "%lld",
	         (long long)(index % CW_BADGE_STATUS_LIST_BITS));
	cw_buf_puts(&list, s->status_url.data);
	if (n > 0)
		cw_buf_printf(&list, "/%lld", (long long)n);
	cw_buf_printf(&id, "%s#%s", cw_buf_cstr(&list), number);
	if (id.error || list.error) {
		cJSON_Delete(st);
		st = NULL;
	} else {
		cJSON_AddStringToObject(st, "id", id.data);
		cJSON_AddStringToObject(st, "type", "BitstringStatusListEntry");
		cJSON_AddStringToObject(st, "statusPurpose", "revocation");
		cJSON_AddStringToObject(st, "statusListIndex", number);
		cJSON_AddStringToObject(st, "statusListCredential", list.data);
	}
	cw_buf_dispose(&id);
	cw_buf_dispose(&list);
	return st;
}

static cJSON *credential_of(const row *r, const issuer_slot *s, const char *now)
{
	cJSON *c = cJSON_CreateObject();

	if (!c)
		return NULL;
	cJSON_AddItemToObject(c, "@context",
	                      cJSON_CreateStringArray(
	                              (const char *[]){ CW_BADGE_VC2_CONTEXT,
	                                                CW_BADGE_OB3_CONTEXT },
	                              2));
	cJSON_AddStringToObject(c, "id", r->id);
	cJSON_AddItemToObject(c, "type",
	                      cJSON_CreateStringArray(
	                              (const char *[]){ "VerifiableCredential",
	                                                "OpenBadgeCredential" },
	                              2));
	cJSON_AddItemToObject(c, "issuer", cw_badges__profile(&s->ctx));
	cJSON_AddStringToObject(c, "validFrom", now);
	cJSON_AddStringToObject(c, "name",
	                        cw_json_string(r->achievement_doc, "name"));
	cJSON_AddItemToObject(c, "credentialSubject",
	                      subject_of(r->recipient, r->achievement_doc,
	                                 r->results, r->subject));
	if (cJSON_GetArraySize(r->evidence))
		cJSON_AddItemToObject(c, "evidence",
		                      cJSON_Duplicate(r->evidence, 1));
	cJSON_AddItemToObject(c, "credentialStatus", status_of(s, r->index));
	return c;
}

static int sign_jwt(char **out, const issuer_slot *s, const cJSON *c)
{
	const cw_key *key = s->ctx.jwt ? s->ctx.jwt : s->ctx.ed25519;
	const char *kid = s->ctx.jwt ? s->ctx.jwt_kid : s->ctx.ed25519_kid;
	cw_buf vm = CW_BUF_INIT(2048), jwt = CW_BUF_INIT(8L << 20);
	int err = cw_badges__vm(&vm, &s->ctx, key, kid);

	if (err == 0 &&
	    (err = cw_vcjwt_create(&jwt, key, c, vm.len ? vm.data : NULL)) ==
	            0 &&
	    !(*out = cw_buf_detach(&jwt, NULL)))
		err = CW_ENOMEM;
	cw_buf_dispose(&vm);
	cw_buf_dispose(&jwt);
	return err;
}

static int sign_row(batch *bt, row *r, const char *now)
{
	const issuer_slot *s = &bt->issuers[r->issuer_slot];
	cJSON *c = NULL, *signed_doc = NULL;
	int err = r->id[0] ? 0 : cw_badges__uuid(r->id, 1);

	if (err < 0)
		return err;
	if (is_ob2(bt)) {
		char *jws = NULL;

		err = cw_badges__ob2_make(&r->assertion, &jws, bt->b, &s->ctx,
		                          r->id, r->achievement, r->recipient,
		                          r->evidence, is_signed_ob2(bt), now);
		r->text = jws ? jws
		              : (r->assertion ? cw_strdup(r->assertion) : NULL);
		return err < 0 ? err : r->text ? 0 : CW_ENOMEM;
	}
	if (!(c = credential_of(r, s, now)))
		return CW_ENOMEM;
	if (strcmp(bt->format, "jwt") == 0) {
		err = sign_jwt(&r->text, s, c);
	} else if ((err = cw_badges__sign_di(&signed_doc, bt->b, &s->ctx, c)) ==
	                   0 &&
	           !(r->text = cw_json_print(signed_doc))) {
		err = CW_ENOMEM;
	}
	cJSON_Delete(signed_doc);
	cJSON_Delete(c);
	return err;
}

static int store_ob2(batch *bt, const char *now)
{
	cw_badge_assertion *list =
	        cw_calloc(bt->count ? bt->count : 1, sizeof(*list));
	int err;

	if (!list)
		return CW_ENOMEM;
	for (size_t i = 0; i < bt->count; i++) {
		const row *r = &bt->rows[i];

		list[i] = (cw_badge_assertion){
			bt->tenant_id,
			r->id,
			bt->issuers[r->issuer_slot].ctx.handle,
			r->achievement,
			r->recipient,
			is_signed_ob2(bt) ? "signed" : "hosted",
			r->assertion,
			is_signed_ob2(bt) ? r->text : NULL,
			now,
			NULL,
			NULL
		};
	}
	err = cw_store_badge_assertions_add(bt->b->store, list, bt->count);
	cw_free(list);
	return err;
}

/* Reserves each issuer's indexes, signs every row, stores all at once. */
static int issue_all(batch *bt)
{
	cw_badge_credential *list = NULL;
	char now[32];
	int err = 0;

	cw_badges__now(now);
	for (size_t i = 0; err == 0 && i < bt->issuer_count; i++) {
		issuer_slot *s = &bt->issuers[i];
		int64_t size = 0;

		if (s->count)
			err = cw_store_badge_status_reserve(
			        bt->b->store, bt->tenant_id, s->ctx.handle,
			        s->count, &s->next, &size);
	}
	for (size_t i = 0; err == 0 && i < bt->count; i++) {
		row *r = &bt->rows[i];

		r->index = is_ob2(bt) ? 0 : bt->issuers[r->issuer_slot].next++;
		if ((err = sign_row(bt, r, now)) < 0)
			cw_error_set("line %lu: %s", r->line, cw_error_last());
	}
	if (err == 0 && is_ob2(bt))
		return store_ob2(bt, now);
	if (err == 0 &&
	    !(list = cw_calloc(bt->count ? bt->count : 1, sizeof(*list))))
		err = CW_ENOMEM;
	for (size_t i = 0; err == 0 && i < bt->count; i++) {
		const row *r = &bt->rows[i];

		list[i] = (cw_badge_credential){
			bt->tenant_id,
			r->id,
			bt->issuers[r->issuer_slot].ctx.handle,
			r->achievement,
			r->recipient,
			r->text,
			bt->format,
			r->index,
			now,
			NULL,
			NULL
		};
	}
	if (err == 0)
		err = cw_store_badge_credentials_add(bt->b->store, list,
		                                     bt->count);
	cw_free(list);
	return err;
}

static int check_all(batch *bt)
{
	for (size_t i = 0; i < bt->count; i++) {
		int err = check_row(bt, &bt->rows[i]);

		if (err == CW_ENOMEM)
			return err;
		if (err < 0)
			row_error(bt, bt->rows[i].line, cw_error_last());
	}
	if (bt->errors) {
		cw_error_set("%lu of %zu rows cannot be issued; nothing was "
		             "issued",
		             bt->errors, bt->count);
		return CW_EINVAL;
	}
	return 0;
}

static int batch_start(batch *bt, const cw_badges *b, const char *tenant,
                       const char *format)
{
	memset(bt, 0, sizeof(*bt));
	bt->b = b;
	bt->tenant = tenant;
	bt->format = format ? format : "di";
	if (strcmp(bt->format, "di") != 0 && strcmp(bt->format, "jwt") != 0 &&
	    strcmp(bt->format, "ob2-hosted") != 0 &&
	    strcmp(bt->format, "ob2-signed") != 0) {
		cw_error_set("format is di, jwt, ob2-hosted or ob2-signed");
		return CW_EINVAL;
	}
	return cw_badges__tenant_id(&bt->tenant_id, b->store, tenant);
}

/* One row of a request (copied); NULL when out of memory. */
static row *row_of(batch *bt, const cw_badge_request *req, unsigned long line)
{
	row *r = row_add(bt, line);

	if (!r)
		return NULL;
	r->recipient = req->recipient ? cw_strdup(req->recipient) : NULL;
	r->achievement = req->achievement ? cw_strdup(req->achievement) : NULL;
	r->issuer = req->issuer ? cw_strdup(req->issuer) : NULL;
	r->results = req->results ? cJSON_Duplicate(req->results, 1) : NULL;
	r->evidence = req->evidence ? cJSON_Duplicate(req->evidence, 1) : NULL;
	r->subject = req->subject ? cJSON_Duplicate(req->subject, 1) : NULL;
	if (req->id)
		snprintf(r->id, sizeof(r->id), "%s", req->id);
	return r;
}

int cw_badges_issue(cw_badge_issued *out, const cw_badges *b,
                    const char *tenant, const cw_badge_request *req)
{
	batch bt;
	row *r;
	int err = batch_start(&bt, b, tenant, req->format);

	memset(out, 0, sizeof(*out));
	if (err < 0 || !(r = row_of(&bt, req, 1))) {
		err = err < 0 ? err : CW_ENOMEM;
		goto out;
	}
	if ((err = check_row(&bt, r)) < 0)
		goto out;
	if ((err = issue_all(&bt)) == 0) {
		snprintf(out->id, sizeof(out->id), "%s", r->id);
		out->credential = r->text;
		out->format =
		        strcmp(bt.format, "jwt") == 0          ? "jwt"
		        : strcmp(bt.format, "ob2-hosted") == 0 ? "ob2-hosted"
		        : strcmp(bt.format, "ob2-signed") == 0 ? "ob2-signed"
		                                               : "di";
		r->text = NULL;
	}
out:
	batch_dispose(&bt);
	return err;
}

void cw_badge_issued_dispose(cw_badge_issued *issued)
{
	if (!issued)
		return;
	cw_free(issued->credential);
	issued->credential = NULL;
}

int cw_badges_issue_many(cw_badge_issued *out, const cw_badges *b,
                         const char *tenant, const cw_badge_request *requests,
                         size_t count, size_t *failed)
{
	batch bt;
	int err = batch_start(&bt, b, tenant, requests[0].format);

	memset(out, 0, count * sizeof(*out));
	*failed = count;
	for (size_t i = 0; err == 0 && i < count; i++) {
		row *r = row_of(&bt, &requests[i], (unsigned long)i + 1);
		if (!r)
			err = CW_ENOMEM;
		else if ((err = check_row(&bt, r)) < 0)
			*failed = i;
	}
	if (err == 0 && (err = issue_all(&bt)) == 0) {
		for (size_t i = 0; i < count; i++) {
			snprintf(out[i].id, sizeof(out[i].id), "%s",
			         bt.rows[i].id);
			out[i].credential = bt.rows[i].text;
			out[i].format =
			        strcmp(bt.format, "jwt") == 0 ? "jwt" : "di";
			bt.rows[i].text = NULL;
		}
	}
	batch_dispose(&bt);
	return err;
}

/* ---- batch input --------------------------------------------------------- */

enum {
	COL_RECIPIENT,
	COL_ACHIEVEMENT,
	COL_ISSUER,
	COL_RESULT,
	COL_STATUS,
	COL_LEVEL,
	COL_DESCRIPTION,
	COL_EVIDENCE,
	COL_COUNT
};

static const char *const column_names[COL_COUNT] = { "recipient",
	                                             "achievement",
	                                             "issuer",
	                                             "result",
	                                             "result_status",
	                                             "achieved_level",
	                                             "result_description",
	                                             "evidence" };

typedef struct {
	batch *bt;
	int column[COL_COUNT]; /* field index, or -1 */
	int header_done;
	int fatal;
} csv_reader;

static const char *field(const cw_csv_record *rec, const csv_reader *c, int col)
{
	int i = c->column[col];

	return i >= 0 && (size_t)i < rec->count && rec->lengths[i]
	               ? rec->fields[i]
	               : NULL;
}

static int csv_header(csv_reader *c, const cw_csv_record *rec)
{
	for (int k = 0; k < COL_COUNT; k++)
		c->column[k] = -1;
	for (size_t i = 0; i < rec->count; i++) {
		int k = 0;

		while (k < COL_COUNT && strcmp(column_names[k], rec->fields[i]))
			k++;
		if (k == COL_COUNT || c->column[k] >= 0) {
			cw_buf m = CW_BUF_INIT(512);

			cw_buf_printf(&m, "column \"%s\" is %s", rec->fields[i],
			              k == COL_COUNT ? "not one of recipient, "
			                               "achievement, issuer, "
			                               "result, result_status, "
			                               "achieved_level, "
			                               "result_description, "
			                               "evidence"
			                             : "twice in the header");
			row_error(c->bt, rec->line, cw_buf_cstr(&m));
			cw_buf_dispose(&m);
			c->fatal = 1;
			continue;
		}
		c->column[k] = (int)i;
	}
	if (c->column[COL_RECIPIENT] < 0 || c->column[COL_ACHIEVEMENT] < 0) {
		row_error(c->bt, rec->line,
		          "the header needs recipient and achievement columns");
		c->fatal = 1;
	}
	c->header_done = 1;
	return 0;
}

cJSON *cw_badges_result_list(const char *value, const char *status,
                             const char *level, const char *description)
{
	cJSON *list, *r;

	if (!value && !status && !level && !description)
		return NULL;
	if (!(list = cJSON_CreateArray()) || !(r = cJSON_CreateObject())) {
		cJSON_Delete(list);
		return NULL;
	}
	cJSON_AddItemToArray(list, r);
	if (description)
		cJSON_AddStringToObject(r, "resultDescription", description);
	if (value)
		cJSON_AddStringToObject(r, "value", value);
	if (level)
		cJSON_AddStringToObject(r, "achievedLevel", level);
	if (status)
		cJSON_AddStringToObject(r, "status", status);
	return list;
}

static cJSON *csv_results(const cw_csv_record *rec, const csv_reader *c)
{
	return cw_badges_result_list(
	        field(rec, c, COL_RESULT), field(rec, c, COL_STATUS),
	        field(rec, c, COL_LEVEL), field(rec, c, COL_DESCRIPTION));
}

static cJSON *csv_evidence(const char *e)
{
	cJSON *list = e ? cJSON_CreateArray() : NULL, *o;

	if (!list || !(o = cJSON_CreateObject())) {
		cJSON_Delete(list);
		return NULL;
	}
	cJSON_AddItemToArray(list, o);
	cJSON_AddStringToObject(o,
	                        strncmp(e, "http://", 7) == 0 ||
	                                        strncmp(e, "https://", 8) == 0
	                                ? "id"
	                                : "narrative",
	                        e);
	return list;
}

static int csv_record(const cw_csv_record *rec, void *payload)
{
	csv_reader *c = payload;
	row *r;

	if (!c->header_done)
		return csv_header(c, rec);
	if (rec->count == 1 && rec->lengths[0] == 0)
		return 0; /* a blank line */
	if (!(r = row_add(c->bt, rec->line)))
		return CW_ENOMEM;
	r->recipient = cw_strdup(field(rec, c, COL_RECIPIENT)
	                                 ? field(rec, c, COL_RECIPIENT)
	                                 : "");
	r->achievement = cw_strdup(field(rec, c, COL_ACHIEVEMENT)
	                                   ? field(rec, c, COL_ACHIEVEMENT)
	                                   : "");
	if (field(rec, c, COL_ISSUER))
		r->issuer = cw_strdup(field(rec, c, COL_ISSUER));
	r->results = csv_results(rec, c);
	r->evidence = csv_evidence(field(rec, c, COL_EVIDENCE));
	return r->recipient && r->achievement ? 0 : CW_ENOMEM;
}

static void csv_problem(const cw_csv_problem *p, void *payload)
{
	csv_reader *c = payload;

	row_error(c->bt, p->line, p->message);
	c->fatal = 1;
}

static int read_csv(batch *bt, const char *text, size_t len)
{
	cw_csv_limits limits = { 64 * 1024, 1024 * 1024, 64 };
	csv_reader c = { bt, { 0 }, 0, 0 };
	cw_csv *csv = NULL;
	int err = cw_csv_new(&csv, &limits, csv_record, csv_problem, &c);

	if (err == 0 && (err = cw_csv_feed(csv, text, len)) == 0)
		err = cw_csv_finish(csv);
	cw_csv_free(csv);
	if (err == 0 && !c.header_done) {
		row_error(bt, 1, "empty: no header");
		c.fatal = 1;
	}
	return err == 0 && c.fatal ? CW_EINVAL : err;
}

static int json_row(batch *bt, cJSON *o, unsigned long line)
{
	static const char *const allowed[] = { "recipient", "achievement",
		                               "issuer",    "results",
		                               "evidence",  "id",
		                               NULL };
	const char *id = cw_json_string(o, "id");
	row *r;

	if (!cJSON_IsObject(o)) {
		row_error(bt, line, "each row is a JSON object");
		return 0;
	}
	if (member_allowed(o, allowed, "row") < 0) {
		row_error(bt, line, cw_error_last());
		return 0;
	}
	if (!(r = row_add(bt, line)))
		return CW_ENOMEM;
	r->recipient = cw_strdup(cw_json_string(o, "recipient")
	                                 ? cw_json_string(o, "recipient")
	                                 : "");
	r->achievement = cw_strdup(cw_json_string(o, "achievement")
	                                   ? cw_json_string(o, "achievement")
	                                   : "");
	if (cw_json_string(o, "issuer"))
		r->issuer = cw_strdup(cw_json_string(o, "issuer"));
	/* The credential's own id (urn:uuid:…), checked with the row; one
	 * too long to be one is refused there too. */
	if (id && strlen(id) < sizeof(r->id))
		snprintf(r->id, sizeof(r->id), "%s", id);
	else if (id)
		snprintf(r->id, sizeof(r->id), "%s", "too-long");
	r->results = cJSON_DetachItemFromObject(o, "results");
	r->evidence = cJSON_DetachItemFromObject(o, "evidence");
	return r->recipient && r->achievement ? 0 : CW_ENOMEM;
}

static size_t skip_space(const char *t, size_t i, size_t len,
                         unsigned long *line)
{
	while (i < len && strchr(" \t\r\n", t[i]) && t[i]) {
		if (t[i] == '\n')
			(*line)++;
		i++;
	}
	return i;
}

/* Reads the array one element at a time, so each row knows its line. */
static int read_json(batch *bt, const char *t, size_t len)
{
	unsigned long line = 1;
	size_t i = skip_space(t, 0, len, &line);
	int err = 0;

	if (i >= len || t[i] != '[') {
		row_error(bt, line, "a JSON batch is an array of rows");
		return CW_EINVAL;
	}
	i = skip_space(t, i + 1, len, &line);
	while (err == 0 && i < len && t[i] != ']') {
		const char *end = NULL;
		cJSON *o = cJSON_ParseWithLengthOpts(t + i, len - i, &end, 0);
		unsigned long at = line;

		if (!o) {
			row_error(bt, line, "not JSON");
			return CW_EINVAL;
		}
		for (const char *p = t + i; p < end; p++)
			line += *p == '\n';
		err = json_row(bt, o, at);
		cJSON_Delete(o);
		i = skip_space(t, (size_t)(end - t), len, &line);
		if (i < len && t[i] == ',')
			i = skip_space(t, i + 1, len, &line);
		else if (i >= len || t[i] != ']') {
			row_error(bt, line, "expected , or ] after a row");
			return CW_EINVAL;
		}
	}
	if (err == 0 && i >= len) {
		row_error(bt, line, "the array is not closed");
		return CW_EINVAL;
	}
	return err;
}

static cJSON *issued_list(const batch *bt)
{
	cJSON *list = cJSON_CreateArray();

	for (size_t i = 0; list && i < bt->count; i++) {
		const row *r = &bt->rows[i];
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(list, o)) {
			cJSON_Delete(o);
			cJSON_Delete(list);
			return NULL;
		}
		cJSON_AddNumberToObject(o, "line", (double)r->line);
		cJSON_AddStringToObject(o, "id", r->id);
		cJSON_AddStringToObject(o, "recipient", r->recipient);
		cJSON_AddStringToObject(o, "achievement", r->achievement);
	}
	return list;
}

int cw_badges_issue_batch(cJSON **out, const cw_badges *b, const char *tenant,
                          const char *text, size_t len, int csv,
                          const char *format, cw_badge_row_error_cb on_error,
                          void *payload)
{
	batch bt;
	int err = batch_start(&bt, b, tenant, format);

	*out = NULL;
	bt.on_error = on_error;
	bt.payload = payload;
	if (err == 0)
		err = csv ? read_csv(&bt, text, len)
		          : read_json(&bt, text, len);
	if (err == 0 && bt.errors) {
		cw_error_set("the batch is malformed; nothing was issued");
		err = CW_EINVAL;
	}
	if (err == 0 && bt.count == 0) {
		cw_error_set("the batch has no rows");
		err = CW_EINVAL;
	}
	if (err == 0 && (err = check_all(&bt)) == 0 &&
	    (err = issue_all(&bt)) == 0 && !(*out = issued_list(&bt)))
		err = CW_ENOMEM;
	batch_dispose(&bt);
	return err;
}
