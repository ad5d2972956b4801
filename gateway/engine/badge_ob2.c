/* Open Badges 2.0: assertions, hosted by the daemon or signed (RS256 JWS),
 * and the documents their verifiers fetch (BadgeClass, Issuer Profile,
 * CryptographicKey, RevocationList), made from the OB 3.0 store. */
#include "engine/badges_internal.h"

#include "crypto/jws.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

#define SALT_BYTES    16
#define RECIPIENT_MAX 512
#define KEY_MAX       2048 /* bytes of an achievement id in a URL */

static const char *bare_uuid(const char *id)
{
	return strncmp(id, "urn:uuid:", 9) == 0 ? id + 9 : id;
}

/* ---- URLs ---------------------------------------------------------------- */

static int assertion_url(cw_buf *out, const cw_badges *b, const char *tenant,
                         const char *id)
{
	cw_buf tail = CW_BUF_INIT(256);
	int err = cw_buf_printf(&tail, "assertions/%s", bare_uuid(id));

	if (err == 0)
		err = cw_badges__tenant_url(out, b, tenant, tail.data);
	cw_buf_dispose(&tail);
	return err;
}

static int badgeclass_url(cw_buf *out, const cw_badges *b, const char *tenant,
                          const char *achievement)
{
	size_t n = strlen(achievement);
	cw_buf tail = CW_BUF_INIT(4 * KEY_MAX);
	char *key;
	int err;

	if (n > KEY_MAX) {
		cw_error_set("achievement id longer than %d bytes", KEY_MAX);
		return CW_EINVAL;
	}
	if (!(key = cw_malloc(cw_base64url_len(n) + 1)))
		return CW_ENOMEM;
	cw_base64url_encode(key, (const unsigned char *)achievement, n);
	err = cw_buf_printf(&tail, "badgeclasses/%s", key);
	if (err == 0)
		err = cw_badges__tenant_url(out, b, tenant, tail.data);
	cw_free(key);
	cw_buf_dispose(&tail);
	return err;
}

static int profile_url(cw_buf *out, const cw_badges *b, const char *tenant,
                       const char *issuer)
{
	return cw_badges_issuer_url(out, b, tenant, issuer, "ob2");
}

static int key_url(cw_buf *out, const cw_badges *b, const char *tenant,
                   const char *issuer, const char *kid)
{
	cw_buf tail = CW_BUF_INIT(1024);
	int err = cw_buf_printf(&tail, "ob2/keys/%s", kid);

	if (err == 0)
		err = cw_badges_issuer_url(out, b, tenant, issuer, tail.data);
	cw_buf_dispose(&tail);
	return err;
}

static cJSON *new_document(const char *type, const char *id)
{
	cJSON *d = cJSON_CreateObject();

	if (!d ||
	    !cJSON_AddStringToObject(d, "@context", CW_BADGE_OB2_CONTEXT) ||
	    !cJSON_AddStringToObject(d, "type", type) ||
	    !cJSON_AddStringToObject(d, "id", id)) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

/* ---- the assertion ------------------------------------------------------- */

/* email for an address, url for an http(s) URL, id for a DID or a
 * sourcedId; always salted and hashed (sha256$). */
static cJSON *recipient_of(const char *recipient)
{
	unsigned char salt_bytes[SALT_BYTES];
	char salt[2 * SALT_BYTES + 1], digest[2 * CW_SHA256_LEN + 1];
	cw_buf salted = CW_BUF_INIT(RECIPIENT_MAX + 64),
	       hash = CW_BUF_INIT(128);
	cJSON *o = cJSON_CreateObject();
	int url = strncmp(recipient, "http://", 7) == 0 ||
	          strncmp(recipient, "https://", 8) == 0;
	const char *type = url                      ? "url"
	                   : strchr(recipient, '@') ? "email"
	                                            : "id";

	if (!o || cw_random_bytes(salt_bytes, sizeof(salt_bytes)) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	cw_hex_encode(salt, salt_bytes, sizeof(salt_bytes));
	cw_buf_puts(&salted, recipient);
	cw_buf_puts(&salted, salt);
	if (salted.error ||
	    cw_sha256_hex(digest, salted.data, salted.len) < 0 ||
	    cw_buf_printf(&hash, "sha256$%s", digest) < 0) {
		cJSON_Delete(o);
		o = NULL;
	} else {
		cJSON_AddStringToObject(o, "type", type);
		cJSON_AddBoolToObject(o, "hashed", 1);
		cJSON_AddStringToObject(o, "salt", salt);
		cJSON_AddStringToObject(o, "identity", hash.data);
	}
	cw_buf_dispose(&salted);
	cw_buf_dispose(&hash);
	return o;
}

/* OB 3.0 Evidence objects as OB 2.0 Evidence (the same members). */
static cJSON *evidence_of(const cJSON *evidence)
{
	cJSON *list = cJSON_Duplicate(evidence, 1), *e;

	cJSON_ArrayForEach(e, list)
	{
		cJSON_DeleteItemFromObject(e, "type");
		cJSON_AddStringToObject(e, "type", "Evidence");
	}
	return list;
}

static cJSON *verification_of(const cw_badges *b,
                              const cw_badge_issuer_ctx *issuer, int is_signed,
                              int *err)
{
	cJSON *v = cJSON_CreateObject();
	cw_buf creator = CW_BUF_INIT(4096);

	*err = v ? 0 : CW_ENOMEM;
	if (v && !is_signed) {
		cJSON_AddStringToObject(v, "type", "hosted");
	} else if (v &&
	           (*err = key_url(&creator, b, issuer->tenant, issuer->handle,
	                           issuer->rsa_kid)) == 0) {
		cJSON_AddStringToObject(v, "type", "signed");
		cJSON_AddStringToObject(v, "creator", creator.data);
	}
	cw_buf_dispose(&creator);
	if (*err < 0) {
		cJSON_Delete(v);
		v = NULL;
	}
	return v;
}

int cw_badges__ob2_check(const cw_badge_issuer_ctx *issuer, int is_signed,
                         const cJSON *results)
{
	if (cJSON_GetArraySize(results)) {
		cw_error_set("results: OB 2.0 assertions have none (issue "
		             "version 3 for results)");
		return CW_EINVAL;
	}
	if (is_signed && !issuer->rsa) {
		cw_error_set("issuer %s has no RSA key, which signed OB 2.0 "
		             "assertions need (RS256): give it one with "
		             "`issuer rotate-key --type rsa`",
		             issuer->handle);
		return CW_EINVAL;
	}
	return 0;
}

int cw_badges__ob2_make(char **json, char **jws, const cw_badges *b,
                        const cw_badge_issuer_ctx *issuer, const char *id,
                        const char *achievement, const char *recipient,
                        const cJSON *evidence, int is_signed, const char *now)
{
	cw_buf url = CW_BUF_INIT(4096), badge = CW_BUF_INIT(16384),
	       signed_text = CW_BUF_INIT(8L << 20);
	cJSON *a = NULL, *v = NULL;
	int err;

	*json = *jws = NULL;
	if ((err = is_signed
	                   ? cw_buf_puts(&url, id)
	                   : assertion_url(&url, b, issuer->tenant, id)) < 0 ||
	    (err = badgeclass_url(&badge, b, issuer->tenant, achievement)) <
	            0 ||
	    !(v = verification_of(b, issuer, is_signed, &err)))
		goto out;
	if (!(a = new_document("Assertion", url.data))) {
		err = CW_ENOMEM;
		goto out;
	}
	cJSON_AddItemToObject(a, "recipient", recipient_of(recipient));
	cJSON_AddStringToObject(a, "badge", badge.data);
	cJSON_AddStringToObject(a, "issuedOn", now);
	cJSON_AddItemToObject(a, "verification", v);
	v = NULL;
	if (cJSON_GetArraySize(evidence))
		cJSON_AddItemToObject(a, "evidence", evidence_of(evidence));
	if (!cJSON_GetObjectItem(a, "recipient") ||
	    !(*json = cw_json_print(a))) {
		err = CW_ENOMEM;
		goto out;
	}
	if (is_signed && ((err = cw_jws_sign(&signed_text, issuer->rsa, NULL,
	                                     (const unsigned char *)*json,
	                                     strlen(*json))) < 0 ||
	                  !(*jws = cw_buf_detach(&signed_text, NULL))))
		err = err < 0 ? err : CW_ENOMEM;
out:
	if (err < 0) {
		cw_free(*json);
		*json = NULL;
	}
	cJSON_Delete(a);
	cJSON_Delete(v);
	cw_buf_dispose(&url);
	cw_buf_dispose(&badge);
	cw_buf_dispose(&signed_text);
	return err;
}

/* ---- hosted documents ---------------------------------------------------- */

typedef struct {
	char *verification, *assertion, *reason;
	int revoked;
} assertion_found;

static int assertion_row(const cw_badge_assertion *a, void *payload)
{
	assertion_found *f = payload;

	f->verification = cw_strdup(a->verification);
	f->assertion = cw_strdup(a->assertion);
	f->revoked = a->revoked_at != NULL;
	f->reason = a->revoked_reason ? cw_strdup(a->revoked_reason) : NULL;
	return f->verification && f->assertion ? 0 : CW_ENOMEM;
}

int cw_badges_ob2_assertion(cJSON **out, int *revoked, const cw_badges *b,
                            const char *tenant, const char *uuid)
{
	assertion_found f = { NULL, NULL, NULL, 0 };
	cw_buf id = CW_BUF_INIT(256);
	int64_t tenant_id = 0;
	int err;

	*out = NULL;
	*revoked = 0;
	if ((err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) < 0 ||
	    (err = cw_buf_printf(&id, "urn:uuid:%s", bare_uuid(uuid))) < 0 ||
	    (err = cw_store_badge_assertion_get(b->store, tenant_id, id.data,
	                                        assertion_row, &f)) < 0)
		goto out;
	if (strcmp(f.verification, "hosted") != 0) {
		cw_error_set("assertion %s is signed, not hosted", id.data);
		err = CW_ENOTFOUND;
		goto out;
	}
	if (!(*out = cJSON_Parse(f.assertion))) {
		err = CW_ENOMEM;
		goto out;
	}
	if (f.revoked) {
		*revoked = 1;
		cJSON_AddBoolToObject(*out, "revoked", 1);
		cJSON_AddStringToObject(*out, "revocationReason",
		                        f.reason ? f.reason : "");
	}
out:
	cw_free(f.verification);
	cw_free(f.assertion);
	cw_free(f.reason);
	cw_buf_dispose(&id);
	return err;
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

/* An OB 3.0 image ({id} or a string) as an OB 2.0 image IRI. */
static const char *image_of(const cJSON *item)
{
	return cJSON_IsString(item) ? item->valuestring
	                            : cw_json_string(item, "id");
}

static void copy_member(cJSON *to, const cJSON *from, const char *key,
                        const char *as)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(from, key);

	if (m)
		cJSON_AddItemToObject(to, as, cJSON_Duplicate(m, 1));
}

/* OB 3.0 Alignments without their OB 3.0 members (type, targetType). */
static cJSON *alignments_of(const cJSON *list)
{
	cJSON *out = cJSON_Duplicate(list, 1), *a;

	cJSON_ArrayForEach(a, out)
	{
		cJSON_DeleteItemFromObject(a, "type");
		cJSON_DeleteItemFromObject(a, "targetType");
	}
	return out;
}

static cJSON *badgeclass_of(const achievement_found *f, const char *url,
                            const char *issuer_url, const char *issuer_image)
{
	cJSON *bc = new_document("BadgeClass", url);
	const cJSON *criteria =
	        cJSON_GetObjectItemCaseSensitive(f->doc, "criteria");
	const char *image =
	        image_of(cJSON_GetObjectItemCaseSensitive(f->doc, "image"));

	if (!bc)
		return NULL;
	copy_member(bc, f->doc, "name", "name");
	copy_member(bc, f->doc, "description", "description");
	if (image || issuer_image)
		cJSON_AddStringToObject(bc, "image",
		                        image ? image : issuer_image);
	if (cJSON_IsObject(criteria)) {
		cJSON *c = cJSON_AddObjectToObject(bc, "criteria");

		copy_member(c, criteria, "id", "id");
		copy_member(c, criteria, "narrative", "narrative");
	}
	cJSON_AddStringToObject(bc, "issuer", issuer_url);
	if (cJSON_GetArraySize(cJSON_GetObjectItem(f->doc, "alignment")))
		cJSON_AddItemToObject(bc, "alignment",
		                      alignments_of(cJSON_GetObjectItem(
		                              f->doc, "alignment")));
	copy_member(bc, f->doc, "tag", "tags");
	return bc;
}

int cw_badges_ob2_badgeclass(cJSON **out, const cw_badges *b,
                             const char *tenant, const char *key)
{
	achievement_found f = { NULL, NULL };
	cw_badge_issuer_ctx issuer = { 0 };
	cw_buf url = CW_BUF_INIT(16384), profile = CW_BUF_INIT(4096);
	unsigned char *id = NULL;
	size_t len = 0;
	int64_t tenant_id = 0;
	int err, loaded = 0;

	*out = NULL;
	if (cw_base64url_decode(&id, &len, key, strlen(key)) < 0 || !len ||
	    memchr(id, '\0', len)) {
		cw_error_set("no such badge class");
		err = CW_ENOTFOUND;
		goto out;
	}
	if ((err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) < 0 ||
	    (err = cw_store_badge_achievement_get(b->store, tenant_id,
	                                          (const char *)id,
	                                          achievement_row, &f)) < 0 ||
	    (err = cw_badges__issuer_load(&issuer, b, tenant, f.issuer, 0)) < 0)
		goto out;
	loaded = 1;
	if ((err = badgeclass_url(&url, b, tenant, (const char *)id)) < 0 ||
	    (err = profile_url(&profile, b, tenant, f.issuer)) < 0)
		goto out;
	if (!(*out = badgeclass_of(&f, url.data, profile.data, issuer.image)))
		err = CW_ENOMEM;
out:
	if (loaded)
		cw_badges__issuer_dispose(&issuer);
	cw_free(id);
	cw_free(f.issuer);
	cJSON_Delete(f.doc);
	cw_buf_dispose(&url);
	cw_buf_dispose(&profile);
	return err;
}

/* The URLs of the issuer's RSA keys, retired ones too (they verify what
 * they signed): a string for one, an array for more, NULL for none. */
static cJSON *public_keys_of(const cw_badges *b, const cw_badge_issuer_ctx *c,
                             int *err)
{
	cJSON *list = cJSON_CreateArray(), *k;

	*err = list ? 0 : CW_ENOMEM;
	cJSON_ArrayForEach(k, c->keys)
	{
		cw_buf url = CW_BUF_INIT(4096);

		if (*err == 0 &&
		    strcmp(cw_json_string(k, "type"), "rsa") == 0 &&
		    (*err = key_url(&url, b, c->tenant, c->handle,
		                    cw_json_string(k, "kid"))) == 0)
			cJSON_AddItemToArray(list,
			                     cJSON_CreateString(url.data));
		cw_buf_dispose(&url);
	}
	if (*err < 0 || cJSON_GetArraySize(list) != 1)
		return list;
	cJSON *one = cJSON_DetachItemFromArray(list, 0);
	cJSON_Delete(list);
	return one;
}

int cw_badges_ob2_profile(cJSON **out, const cw_badges *b, const char *tenant,
                          const char *issuer)
{
	cw_badge_issuer_ctx c;
	cw_buf url = CW_BUF_INIT(4096), revocations = CW_BUF_INIT(4096);
	cJSON *p = NULL, *keys = NULL;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);

	*out = NULL;
	if (err < 0)
		return err;
	if ((err = profile_url(&url, b, tenant, issuer)) < 0 ||
	    (err = cw_badges_issuer_url(&revocations, b, tenant, issuer,
	                                "ob2/revocations")) < 0 ||
	    !(keys = public_keys_of(b, &c, &err)) || err < 0)
		goto out;
	if (!(p = new_document("Issuer", url.data))) {
		err = CW_ENOMEM;
		goto out;
	}
	cJSON_AddStringToObject(p, "name", c.name);
	/* OB 2.0 wants a url: without a homepage, the readable page here */
	cJSON_AddStringToObject(p, "url", c.url ? c.url : url.data);
	if (c.email)
		cJSON_AddStringToObject(p, "email", c.email);
	if (c.description)
		cJSON_AddStringToObject(p, "description", c.description);
	if (c.image)
		cJSON_AddStringToObject(p, "image", c.image);
	if (cJSON_IsString(keys) || cJSON_GetArraySize(keys)) {
		cJSON_AddItemToObject(p, "publicKey", keys);
		keys = NULL;
	}
	cJSON_AddStringToObject(p, "revocationList", revocations.data);
	*out = p;
	p = NULL;
out:
	cJSON_Delete(p);
	cJSON_Delete(keys);
	cw_buf_dispose(&url);
	cw_buf_dispose(&revocations);
	cw_badges__issuer_dispose(&c);
	return err;
}

static int key_document(cJSON **out, const cw_badges *b,
                        const cw_badge_issuer_ctx *c, const cJSON *k)
{
	cw_buf url = CW_BUF_INIT(4096), owner = CW_BUF_INIT(4096),
	       pem = CW_BUF_INIT(16384);
	cw_key *key = NULL;
	int err;

	if ((err = key_url(&url, b, c->tenant, c->handle,
	                   cw_json_string(k, "kid"))) == 0 &&
	    (err = profile_url(&owner, b, c->tenant, c->handle)) == 0 &&
	    (err = cw_key_from_jwk(&key, cJSON_GetObjectItem(k, "publicKeyJw"
	                                                        "k"))) == 0 &&
	    (err = cw_key_write_pem(&pem, key, 0)) == 0) {
		*out = new_document("CryptographicKey", url.data);
		if (!*out ||
		    !cJSON_AddStringToObject(*out, "owner", owner.data) ||
		    !cJSON_AddStringToObject(*out, "publicKeyPem",
		                             cw_buf_cstr(&pem)))
			err = CW_ENOMEM;
	}
	cw_key_free(key);
	cw_buf_dispose(&url);
	cw_buf_dispose(&owner);
	cw_buf_dispose(&pem);
	return err;
}

int cw_badges_ob2_key(cJSON **out, const cw_badges *b, const char *tenant,
                      const char *issuer, const char *kid)
{
	cw_badge_issuer_ctx c;
	const cJSON *k;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);

	*out = NULL;
	if (err < 0)
		return err;
	err = CW_ENOTFOUND;
	cw_error_set("issuer %s has no RSA key %s", issuer, kid);
	cJSON_ArrayForEach(k, c.keys)
	{
		if (strcmp(cw_json_string(k, "type"), "rsa") == 0 &&
		    strcmp(cw_json_string(k, "kid"), kid) == 0) {
			err = key_document(out, b, &c, k);
			break;
		}
	}
	if (err < 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	cw_badges__issuer_dispose(&c);
	return err;
}

typedef struct {
	const cw_badges *b;
	const char *tenant;
	cJSON *list;
} revoked_lister;

static int revoked_row(const cw_badge_assertion *a, void *payload)
{
	revoked_lister *l = payload;
	cw_buf id = CW_BUF_INIT(4096);
	cJSON *e = cJSON_CreateObject();
	int err = e ? 0 : CW_ENOMEM;

	if (err == 0 && strcmp(a->verification, "hosted") == 0)
		err = assertion_url(&id, l->b, l->tenant, a->id);
	else if (err == 0)
		err = cw_buf_puts(&id, a->id);
	if (err == 0 && cJSON_AddItemToArray(l->list, e)) {
		cJSON_AddStringToObject(e, "id", id.data);
		if (a->revoked_reason)
			cJSON_AddStringToObject(e, "revocationReason",
			                        a->revoked_reason);
		e = NULL;
	}
	cJSON_Delete(e);
	cw_buf_dispose(&id);
	return err;
}

int cw_badges_ob2_revocation_list(cJSON **out, const cw_badges *b,
                                  const char *tenant, const char *issuer)
{
	cw_badge_issuer_ctx c;
	cw_buf url = CW_BUF_INIT(4096), owner = CW_BUF_INIT(4096);
	revoked_lister l = { b, tenant, NULL };
	cJSON *doc = NULL;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);

	*out = NULL;
	if (err < 0)
		return err;
	if ((err = cw_badges_issuer_url(&url, b, tenant, issuer,
	                                "ob2/revocations")) < 0 ||
	    (err = profile_url(&owner, b, tenant, issuer)) < 0)
		goto out;
	if (!(doc = new_document("RevocationList", url.data)) ||
	    !cJSON_AddStringToObject(doc, "issuer", owner.data) ||
	    !(l.list = cJSON_AddArrayToObject(doc, "revokedAssertions"))) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_store_badge_assertion_revoked_list(
	             b->store, c.tenant_id, issuer, revoked_row, &l)) == 0) {
		*out = doc;
		doc = NULL;
	}
out:
	cJSON_Delete(doc);
	cw_buf_dispose(&url);
	cw_buf_dispose(&owner);
	cw_badges__issuer_dispose(&c);
	return err;
}
