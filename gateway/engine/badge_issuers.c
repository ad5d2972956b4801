/* Badge issuers: creation with their keys sealed under the master key,
 * rotation, descriptions, controller documents and published URLs. */
#include "engine/badges_internal.h"

#include "crypto/dataintegrity.h"
#include "crypto/didweb.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define AAD_PREFIX "crosswalk issuer key "
#define TEXT_MAX   4096 /* a name, URL or description of an issuer */

int cw_badges__tenant_id(int64_t *out, cw_store *store, const char *tenant)
{
	cw_tenant t;
	int err = cw_store_tenant_get(store, tenant, &t);

	if (err == CW_ENOTFOUND)
		cw_error_set("no tenant \"%s\"", tenant);
	*out = err == 0 ? t.id : 0;
	return err;
}

int cw_badges__uuid(char out[CW_BADGE_UUID_URN_LEN + 1], int urn)
{
	unsigned char b[16];
	char hex[33];
	int err = cw_random_bytes(b, sizeof(b));

	if (err < 0)
		return err;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	cw_hex_encode(hex, b, sizeof(b));
	snprintf(out, CW_BADGE_UUID_URN_LEN + 1, "%s%.8s-%.4s-%.4s-%.4s-%.12s",
	         urn ? "urn:uuid:" : "", hex, hex + 8, hex + 12, hex + 16,
	         hex + 20);
	return 0;
}

void cw_badges__now(char out[32])
{
	char iso[CW_TIME_ISO_LEN];

	cw_time_format_iso(cw_time_now_ms(), iso);
	snprintf(out, 32, "%.19sZ", iso);
}

static const char *base_of(const cw_badges *b, size_t *len)
{
	size_t n = b->base_url ? strlen(b->base_url) : 0;

	while (n && b->base_url[n - 1] == '/')
		n--;
	*len = n;
	return b->base_url ? b->base_url : "";
}

int cw_badges__tenant_url(cw_buf *out, const cw_badges *b, const char *tenant,
                          const char *tail)
{
	size_t n;
	const char *base = base_of(b, &n);

	if (strncmp(base, "http://", 7) != 0 &&
	    strncmp(base, "https://", 8) != 0) {
		cw_error_set("public_base_url \"%s\" is not an http(s) URL",
		             base);
		return CW_EINVAL;
	}
	return cw_buf_printf(out, "%.*s/badges/%s/%s", (int)n, base, tenant,
	                     tail);
}

static int issuer_url(cw_buf *out, const cw_badges *b, const char *tenant,
                      const char *issuer, const char *tail)
{
	cw_buf t = CW_BUF_INIT(4096);
	int err = cw_buf_printf(&t, "issuers/%s%s%s", issuer, *tail ? "/" : "",
	                        tail);

	if (err == 0)
		err = cw_badges__tenant_url(out, b, tenant, t.data);
	cw_buf_dispose(&t);
	return err;
}

int cw_badges_issuer_url(cw_buf *out, const cw_badges *b, const char *tenant,
                         const char *issuer, const char *tail)
{
	return issuer_url(out, b, tenant, issuer, tail ? tail : "");
}

/* did:web:HOST[%3APORT][:PATH…]:badges:TENANT:issuers:ID for the base URL's
 * host, so that did.json under the issuer's URL is the DID document. */
static int did_web_of(cw_buf *out, const cw_badges *b, const char *tenant,
                      const char *issuer)
{
	size_t n;
	const char *base = base_of(b, &n), *host, *end;
	cw_buf check = CW_BUF_INIT(CW_DID_WEB_MAX + 64);
	int err;

	host = strstr(base, "://");
	if (!host || (host = host + 3) >= base + n) {
		cw_error_set("public_base_url \"%s\" has no host", base);
		return CW_EINVAL;
	}
	end = host + strcspn(host, ":/");
	if (end > base + n)
		end = base + n;
	cw_buf_puts(out, "did:web:");
	cw_buf_put(out, host, (size_t)(end - host));
	if (end < base + n && *end == ':') {
		const char *port = end + 1;

		end = port + strcspn(port, "/");
		if (end > base + n)
			end = base + n;
		cw_buf_puts(out, "%3A");
		cw_buf_put(out, port, (size_t)(end - port));
	}
	for (const char *p = end; p < base + n; p++)
		cw_buf_putc(out, *p == '/' ? ':' : *p);
	if ((err = cw_buf_printf(out, ":badges:%s:issuers:%s", tenant,
	                         issuer)) < 0)
		return err;
	/* what resolvers will make of it must be this issuer's URL */
	if (cw_did_web_url(&check, NULL, out->data, out->len) < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", cw_error_last());
		cw_error_set("public_base_url \"%s\" makes no did:web (%s)",
		             base, why);
		err = CW_EINVAL;
	}
	cw_buf_dispose(&check);
	return err;
}

int cw_badges_status_list_url(cw_buf *out, const cw_badges *b,
                              const char *tenant, const char *issuer)
{
	return issuer_url(out, b, tenant, issuer, "status/revocation");
}

int cw_badges_revocation_list_url(cw_buf *out, const cw_badges *b,
                                  const char *tenant, const char *issuer)
{
	return issuer_url(out, b, tenant, issuer, "revocations");
}

static int make_aad(cw_buf *out, int64_t tenant_id, const char *issuer,
                    const char *kid)
{
	return cw_buf_printf(out, AAD_PREFIX "%lld %s %s", (long long)tenant_id,
	                     issuer, kid);
}

static int kid_of(cw_buf *out, const cw_key *key)
{
	if (cw_key_get_type(key) == CW_KEY_RSA)
		return cw_key_jwk_thumbprint(out, key);
	return cw_key_multibase(out, key);
}

/* A key's row: public forms, and the PKCS#8 DER sealed. */
typedef struct {
	cw_buf kid, multibase;
	char *jwk, *sealed;
	cw_badge_key row;
} key_row;

static void key_row_dispose(key_row *k)
{
	cw_buf_dispose(&k->kid);
	cw_buf_dispose(&k->multibase);
	cw_free(k->jwk);
	cw_free(k->sealed);
}

static int key_row_make(key_row *k, const cw_badges *b, int64_t tenant_id,
                        const char *issuer, const cw_key *key,
                        const char *created)
{
	cw_buf der = CW_BUF_INIT(CW_LIMIT_SEALED_PLAIN),
	       aad = CW_BUF_INIT(4096);
	cJSON *jwk = NULL;
	int err;

	k->kid = (cw_buf)CW_BUF_INIT(1024);
	k->multibase = (cw_buf)CW_BUF_INIT(1024);
	k->jwk = k->sealed = NULL;
	if ((err = kid_of(&k->kid, key)) < 0 ||
	    (cw_key_get_type(key) != CW_KEY_RSA &&
	     (err = cw_key_multibase(&k->multibase, key)) < 0) ||
	    (err = cw_key_to_jwk(&jwk, key)) < 0)
		goto out;
	if (!(k->jwk = cw_json_print(jwk))) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_key_private_der(&der, key)) < 0 ||
	    (err = make_aad(&aad, tenant_id, issuer, k->kid.data)) < 0 ||
	    (err = cw_secretbox_seal(&k->sealed, b->master_key, aad.data,
	                             der.data, der.len)) < 0)
		goto out;
	k->row = (cw_badge_key){
		tenant_id,   issuer,
		k->kid.data, cw_key_type_name(cw_key_get_type(key)),
		k->jwk,      k->multibase.len ? k->multibase.data : NULL,
		k->sealed,   "active",
		created,     NULL
	};
out:
	if (der.data)
		OPENSSL_cleanse(der.data, der.alloc);
	cw_buf_dispose(&der);
	cw_buf_dispose(&aad);
	cJSON_Delete(jwk);
	return err;
}

static int check_spec(const cw_badge_issuer_spec *s)
{
	const char *texts[] = { s->name, s->url, s->email, s->description,
		                s->image };

	if (!s->name || !*s->name) {
		cw_error_set("an issuer needs a name");
		return CW_EINVAL;
	}
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i] && strlen(texts[i]) > TEXT_MAX) {
			cw_error_set("issuer field longer than %d bytes",
			             TEXT_MAX);
			return CW_EINVAL;
		}
	if (s->url && strncmp(s->url, "https://", 8) != 0 &&
	    strncmp(s->url, "http://", 7) != 0) {
		cw_error_set("issuer url \"%s\" is not an http(s) URL", s->url);
		return CW_EINVAL;
	}
	if (s->url && strchr(s->url, '#')) {
		cw_error_set("issuer url must not have a fragment");
		return CW_EINVAL;
	}
	if (s->id_kind && strcmp(s->id_kind, "default") != 0 &&
	    strcmp(s->id_kind, "hosted") != 0 &&
	    strcmp(s->id_kind, "did:web") != 0) {
		cw_error_set(
		        "the issuer id kind is default, hosted or did:web");
		return CW_EINVAL;
	}
	if (s->jwt_key_type && s->jwt_key_type != CW_KEY_RSA &&
	    s->jwt_key_type != CW_KEY_P256) {
		cw_error_set("the VC-JWT key is rsa or p256");
		return CW_EINVAL;
	}
	return 0;
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

int cw_badges_issuer_create(cJSON **out, const cw_badges *b, const char *tenant,
                            const cw_badge_issuer_spec *spec)
{
	char handle[CW_BADGE_UUID_URN_LEN + 1], now[32];
	cw_key *keys[2] = { NULL, NULL };
	key_row rows[2];
	cw_badge_key list[2];
	cw_buf public_id = CW_BUF_INIT(4096);
	size_t count = 0;
	int64_t tenant_id = 0;
	int err;

	*out = NULL;
	if ((err = check_spec(spec)) < 0 ||
	    (err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) < 0 ||
	    (err = cw_badges__uuid(handle, 0)) < 0)
		goto out;
	cw_badges__now(now);
	if ((err = cw_key_generate(&keys[0], CW_KEY_ED25519)) < 0 ||
	    (spec->jwt_key_type &&
	     (err = cw_key_generate(&keys[1], spec->jwt_key_type)) < 0))
		goto out;
	for (; count < 2 && keys[count]; count++) {
		if ((err = key_row_make(&rows[count], b, tenant_id, handle,
		                        keys[count], now)) < 0) {
			key_row_dispose(&rows[count]);
			goto out;
		}
		list[count] = rows[count].row;
	}
	const char *kind = spec->id_kind ? spec->id_kind : "default";
	if (strcmp(kind, "hosted") == 0)
		err = issuer_url(&public_id, b, tenant, handle, "");
	else if (strcmp(kind, "did:web") == 0)
		err = did_web_of(&public_id, b, tenant, handle);
	if (err < 0 || (err = public_id.error) < 0)
		goto out;
	cw_badge_issuer issuer = { tenant_id,
		                   handle,
		                   spec->name,
		                   or_null(spec->url),
		                   or_null(spec->email),
		                   or_null(spec->description),
		                   or_null(spec->image),
		                   now,
		                   kind,
		                   public_id.len ? public_id.data : NULL };
	if ((err = cw_store_badge_issuer_add(b->store, &issuer, list, count,
	                                     CW_BADGE_STATUS_LIST_BITS)) == 0)
		err = cw_badges_issuer_get(out, b, tenant, handle);
out:
	for (size_t i = 0; i < count; i++)
		key_row_dispose(&rows[i]);
	cw_buf_dispose(&public_id);
	cw_key_free(keys[0]);
	cw_key_free(keys[1]);
	return err;
}

/* ---- loading ------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? cw_strdup(s) : NULL;
}

static int issuer_row(const cw_badge_issuer *i, void *payload)
{
	cw_badge_issuer_ctx *c = payload;

	c->handle = cw_strdup(i->id);
	c->name = cw_strdup(i->name);
	c->url = dup_or_null(i->url);
	c->email = dup_or_null(i->email);
	c->description = dup_or_null(i->description);
	c->image = dup_or_null(i->image);
	c->kind = cw_strdup(i->id_kind ? i->id_kind : "default");
	c->public_id = dup_or_null(i->public_id);
	return c->handle && c->name && c->kind ? 0 : CW_ENOMEM;
}

typedef struct {
	cw_badge_issuer_ctx *issuer;
	const cw_badges *b;
	int with_private;
} key_loader;

static int open_key(cw_key **out, const cw_badges *b, const cw_badge_key *k)
{
	cw_buf aad = CW_BUF_INIT(4096);
	char *der = NULL;
	size_t len = 0;
	int err;

	if ((err = make_aad(&aad, k->tenant_id, k->issuer, k->kid)) == 0 &&
	    (err = cw_secretbox_open(&der, &len, b->master_key, aad.data,
	                             k->private_sealed,
	                             strlen(k->private_sealed))) == 0)
		err = cw_key_from_der(out, (unsigned char *)der, len);
	if (err == CW_EAUTH)
		cw_error_set("the key %s of issuer %s does not open under this "
		             "master key",
		             k->kid, k->issuer);
	if (der)
		OPENSSL_cleanse(der, len);
	cw_free(der);
	cw_buf_dispose(&aad);
	return err;
}

static int describe_key(cJSON *list, const cw_badge_key *k)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(list, o)) {
		cJSON_Delete(o);
		return CW_ENOMEM;
	}
	cJSON_AddStringToObject(o, "kid", k->kid);
	cJSON_AddStringToObject(o, "type", k->type);
	cJSON_AddStringToObject(o, "status", k->status);
	cJSON_AddStringToObject(o, "created", k->created_at);
	if (k->retired_at)
		cJSON_AddStringToObject(o, "retired", k->retired_at);
	if (k->public_multibase)
		cJSON_AddStringToObject(o, "publicKeyMultibase",
		                        k->public_multibase);
	cJSON_AddItemToObject(o, "publicKeyJwk", cJSON_Parse(k->public_jwk));
	return 0;
}

static int load_key(cw_key **slot, const key_loader *l, const cw_badge_key *k)
{
	cJSON *jwk;
	int err;

	cw_key_free(*slot);
	*slot = NULL;
	if (l->with_private)
		return open_key(slot, l->b, k);
	if (k->public_multibase)
		return cw_key_from_multibase(slot, k->public_multibase);
	jwk = cJSON_Parse(k->public_jwk);
	err = jwk ? cw_key_from_jwk(slot, jwk) : CW_ENOMEM;
	cJSON_Delete(jwk);
	return err;
}

static int key_row_loaded(const cw_badge_key *k, void *payload)
{
	key_loader *l = payload;
	cw_badge_issuer_ctx *c = l->issuer;
	int ed = strcmp(k->type, "ed25519") == 0;
	cw_key **slot = ed ? &c->ed25519 : &c->jwt;
	char **kid = ed ? &c->ed25519_kid : &c->jwt_kid;
	int err = describe_key(c->keys, k);

	if (err < 0 || strcmp(k->status, "active") != 0)
		return err;
	cw_free(*kid);
	if (!(*kid = cw_strdup(k->kid)))
		return CW_ENOMEM;
	if ((err = load_key(slot, l, k)) < 0 || strcmp(k->type, "rsa") != 0)
		return err;
	/* OB 2.0 JWS takes RSA even when a P-256 key signs VC-JWTs */
	cw_free(c->rsa_kid);
	if (!(c->rsa_kid = cw_strdup(k->kid)))
		return CW_ENOMEM;
	return load_key(&c->rsa, l, k);
}

int cw_badges__issuer_load(cw_badge_issuer_ctx *out, const cw_badges *b,
                           const char *tenant, const char *handle,
                           int with_private)
{
	key_loader l = { out, b, with_private };
	cw_buf did = CW_BUF_INIT(1024);
	int err;

	memset(out, 0, sizeof(*out));
	if (!(out->tenant = cw_strdup(tenant)) ||
	    !(out->keys = cJSON_CreateArray())) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_badges__tenant_id(&out->tenant_id, b->store, tenant)) <
	            0 ||
	    (err = cw_store_badge_issuer_get(b->store, out->tenant_id, handle,
	                                     issuer_row, out)) < 0 ||
	    (err = cw_store_badge_key_list(b->store, out->tenant_id, handle,
	                                   key_row_loaded, &l)) < 0)
		goto out;
	if (!out->ed25519) {
		cw_error_set("issuer %s has no active Ed25519 key", handle);
		err = CW_EINVAL;
		goto out;
	}
	if (out->public_id) {
		/* hosted or did:web: fixed when the issuer was made */
	} else if (out->url) {
		out->public_id = cw_strdup(out->url);
	} else if ((err = cw_key_did(&did, out->ed25519)) == 0) {
		out->public_id = cw_strdup(did.data);
	}
	if (err == 0 && !out->public_id)
		err = CW_ENOMEM;
out:
	cw_buf_dispose(&did);
	if (err < 0)
		cw_badges__issuer_dispose(out);
	return err;
}

void cw_badges__issuer_dispose(cw_badge_issuer_ctx *c)
{
	if (!c)
		return;
	cw_free(c->tenant);
	cw_free(c->handle);
	cw_free(c->name);
	cw_free(c->url);
	cw_free(c->email);
	cw_free(c->description);
	cw_free(c->image);
	cw_free(c->public_id);
	cw_free(c->kind);
	cw_free(c->rsa_kid);
	cw_key_free(c->rsa);
	cw_key_free(c->ed25519);
	cw_key_free(c->jwt);
	cw_free(c->ed25519_kid);
	cw_free(c->jwt_kid);
	cJSON_Delete(c->keys);
	memset(c, 0, sizeof(*c));
}

int cw_badges__named_by_gateway(const cw_badge_issuer_ctx *issuer)
{
	return issuer->kind && strcmp(issuer->kind, "default") != 0;
}

int cw_badges__vm(cw_buf *out, const cw_badge_issuer_ctx *issuer,
                  const cw_key *key, const char *kid)
{
	if (cw_badges__named_by_gateway(issuer))
		return cw_buf_printf(out, "%s#%s", issuer->public_id, kid);
	if (issuer->url)
		return cw_buf_printf(out, "%s#%s", issuer->url, kid);
	if (cw_key_get_type(key) == CW_KEY_RSA)
		return 0;
	return cw_key_did_vm(out, key);
}

cJSON *cw_badges__profile(const cw_badge_issuer_ctx *c)
{
	cJSON *p = cJSON_CreateObject(), *image = NULL;

	if (!p)
		return NULL;
	cJSON_AddStringToObject(p, "id", c->public_id);
	cJSON_AddItemToObject(
	        p, "type",
	        cJSON_CreateStringArray((const char *[]){ "Profile" }, 1));
	cJSON_AddStringToObject(p, "name", c->name);
	if (c->url)
		cJSON_AddStringToObject(p, "url", c->url);
	if (c->email)
		cJSON_AddStringToObject(p, "email", c->email);
	if (c->description)
		cJSON_AddStringToObject(p, "description", c->description);
	if (c->image && (image = cJSON_AddObjectToObject(p, "image"))) {
		cJSON_AddStringToObject(image, "id", c->image);
		cJSON_AddStringToObject(image, "type", "Image");
	}
	return p;
}

int cw_badges__sign_di(cJSON **out, const cw_badges *b,
                       const cw_badge_issuer_ctx *issuer,
                       const cJSON *credential)
{
	cw_buf vm = CW_BUF_INIT(2048);
	cw_di_report report = { 0 };
	int err = cw_badges__vm(&vm, issuer, issuer->ed25519,
	                        issuer->ed25519_kid);

	if (err == 0) {
		cw_di_sign_options o = { vm.data, NULL, NULL, b->loader, NULL };

		err = cw_di_sign(out, credential, issuer->ed25519, &o, &report);
		if (err < 0 && report.message[0])
			cw_error_set("%s: %s",
			             report.step[0] ? report.step : "sign",
			             report.message);
	}
	cw_di_report_dispose(&report);
	cw_buf_dispose(&vm);
	return err;
}

/* ---- descriptions -------------------------------------------------------- */

static int add_vms(const cw_badge_issuer_ctx *c)
{
	cJSON *k;
	int err = 0;

	cJSON_ArrayForEach(k, c->keys)
	{
		cw_buf vm = CW_BUF_INIT(2048);
		cw_key *key = NULL;
		const char *mb = cw_json_string(k, "publicKeyMultibase");

		if (mb)
			err = cw_key_from_multibase(&key, mb);
		else
			err = cw_key_from_jwk(&key,
			                      cJSON_GetObjectItem(k, "publicKey"
			                                             "Jwk"));
		if (err == 0 &&
		    (err = cw_badges__vm(&vm, c, key,
		                         cw_json_string(k, "kid"))) == 0 &&
		    vm.len)
			cJSON_AddStringToObject(k, "verificationMethod",
			                        vm.data);
		cw_key_free(key);
		cw_buf_dispose(&vm);
		if (err < 0)
			break;
	}
	return err;
}

static int describe(cJSON **out, const cw_badges *b,
                    const cw_badge_issuer_ctx *c)
{
	cJSON *d = cJSON_CreateObject();
	cw_buf status = CW_BUF_INIT(4096);
	int err = d ? 0 : CW_ENOMEM;

	if (err == 0 && (err = add_vms(c)) == 0 &&
	    (err = cw_badges_status_list_url(&status, b, c->tenant,
	                                     c->handle)) == 0) {
		cJSON_AddStringToObject(d, "id", c->handle);
		cJSON_AddStringToObject(d, "issuerId", c->public_id);
		cJSON_AddStringToObject(d, "idKind", c->kind);
		cJSON_AddStringToObject(d, "tenant", c->tenant);
		cJSON_AddStringToObject(d, "name", c->name);
		if (c->url)
			cJSON_AddStringToObject(d, "url", c->url);
		if (c->email)
			cJSON_AddStringToObject(d, "email", c->email);
		if (c->description)
			cJSON_AddStringToObject(d, "description",
			                        c->description);
		if (c->image)
			cJSON_AddStringToObject(d, "image", c->image);
		cJSON_AddStringToObject(d, "statusListCredential", status.data);
		cJSON_AddItemReferenceToObject(d, "keys", c->keys);
		*out = cJSON_Duplicate(d, 1);
		if (!*out)
			err = CW_ENOMEM;
	}
	cJSON_Delete(d);
	cw_buf_dispose(&status);
	return err;
}

int cw_badges_issuer_get(cJSON **out, const cw_badges *b, const char *tenant,
                         const char *issuer)
{
	cw_badge_issuer_ctx c;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);

	*out = NULL;
	if (err < 0)
		return err;
	err = describe(out, b, &c);
	cw_badges__issuer_dispose(&c);
	return err;
}

typedef struct {
	const cw_badges *b;
	const char *tenant;
	cJSON *list;
} lister;

static int list_row(const cw_badge_issuer *i, void *payload)
{
	lister *l = payload;
	cJSON *one = NULL;
	int err = cw_badges_issuer_get(&one, l->b, l->tenant, i->id);

	if (err == 0 && !cJSON_AddItemToArray(l->list, one)) {
		cJSON_Delete(one);
		err = CW_ENOMEM;
	}
	return err;
}

int cw_badges_issuer_list(cJSON **out, const cw_badges *b, const char *tenant)
{
	lister l = { b, tenant, cJSON_CreateArray() };
	int64_t tenant_id = 0;
	int err = l.list ? 0 : CW_ENOMEM;

	if (err == 0 &&
	    (err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) == 0)
		err = cw_store_badge_issuer_list(b->store, tenant_id, list_row,
		                                 &l);
	if (err < 0) {
		cJSON_Delete(l.list);
		l.list = NULL;
	}
	*out = l.list;
	return err;
}

int cw_badges_issuer_rotate(cJSON **out, const cw_badges *b, const char *tenant,
                            const char *issuer, cw_key_type type)
{
	char now[32];
	cw_key *key = NULL;
	key_row row = { 0 };
	int64_t tenant_id = 0;
	int err, made = 0;

	*out = NULL;
	if ((err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) < 0 ||
	    (err = cw_key_generate(&key, type)) < 0)
		goto out;
	cw_badges__now(now);
	made = 1;
	if ((err = key_row_make(&row, b, tenant_id, issuer, key, now)) == 0 &&
	    (err = cw_store_badge_key_rotate(b->store, &row.row)) == 0)
		err = cw_badges_issuer_get(out, b, tenant, issuer);
out:
	if (made)
		key_row_dispose(&row);
	cw_key_free(key);
	return err;
}

/* One verification method per key with one (retired keys too: they still
 * verify what they signed); JsonWebKey2020 in a DID document. */
static void add_methods(cJSON *methods, const cw_badge_issuer_ctx *c, int did)
{
	cJSON *k;

	cJSON_ArrayForEach(k, c->keys)
	{
		const char *vm = cw_json_string(k, "verificationMethod");
		const char *mb = cw_json_string(k, "publicKeyMultibase");
		cJSON *m = cJSON_CreateObject();

		if (!m || !vm || !cJSON_AddItemToArray(methods, m)) {
			cJSON_Delete(m);
			continue; /* RSA of a did:key issuer: no method */
		}
		cJSON_AddStringToObject(m, "id", vm);
		cJSON_AddStringToObject(m, "type",
		                        mb    ? "Multikey"
		                        : did ? "JsonWebKey2020"
		                              : "JsonWebKey");
		cJSON_AddStringToObject(m, "controller", c->public_id);
		if (mb)
			cJSON_AddStringToObject(m, "publicKeyMultibase", mb);
		else
			cJSON_AddItemToObject(
			        m, "publicKeyJwk",
			        cJSON_Duplicate(cJSON_GetObjectItem(k,
			                                            "publicKe"
			                                            "yJwk"),
			                        1));
	}
}

static cJSON *string_array(const char *const *items, int n)
{
	return cJSON_CreateStringArray(items, n);
}

int cw_badges_controller_document(cJSON **out, const cw_badges *b,
                                  const char *tenant, const char *issuer)
{
	cw_badge_issuer_ctx c;
	cJSON *doc = NULL, *methods;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);

	*out = NULL;
	if (err < 0)
		return err;
	if ((err = add_vms(&c)) < 0 || !(doc = cJSON_CreateObject()) ||
	    !cJSON_AddItemToObject(
	            doc, "@context",
	            string_array((const char *[]){ "https://w3id.org/security/"
	                                           "multikey/v1" },
	                         1)) ||
	    !cJSON_AddStringToObject(doc, "id", c.public_id) ||
	    !(methods = cJSON_AddArrayToObject(doc, "assertionMethod"))) {
		err = err < 0 ? err : CW_ENOMEM;
		goto out;
	}
	add_methods(methods, &c, 0);
	*out = doc;
	doc = NULL;
out:
	cJSON_Delete(doc);
	cw_badges__issuer_dispose(&c);
	return err;
}

int cw_badges_issuer_profile(cJSON **out, const cw_badges *b,
                             const char *tenant, const char *issuer)
{
	cw_badge_issuer_ctx c;
	cJSON *doc = NULL, *profile = NULL, *methods;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);
	int hosted = err == 0 && strcmp(c.kind, "hosted") == 0;

	*out = NULL;
	if (err < 0)
		return err;
	if ((err = add_vms(&c)) < 0 || !(profile = cw_badges__profile(&c)) ||
	    !(doc = cJSON_CreateObject()) ||
	    !cJSON_AddItemToObject(
	            doc, "@context",
	            string_array(
	                    (const char *[]){
	                            CW_BADGE_VC2_CONTEXT, CW_BADGE_OB3_CONTEXT,
	                            "https://w3id.org/security/multikey/"
	                            "v1" },
	                    hosted ? 3 : 2))) {
		err = err < 0 ? err : CW_ENOMEM;
		goto out;
	}
	while (profile->child) {
		cJSON *item =
		        cJSON_DetachItemViaPointer(profile, profile->child);

		cJSON_AddItemToObject(doc, item->string, item);
	}
	if (hosted) {
		if (!(methods =
		              cJSON_AddArrayToObject(doc, "assertionMethod"))) {
			err = CW_ENOMEM;
			goto out;
		}
		add_methods(methods, &c, 0);
	}
	*out = doc;
	doc = NULL;
out:
	cJSON_Delete(doc);
	cJSON_Delete(profile);
	cw_badges__issuer_dispose(&c);
	return err;
}

int cw_badges_did_document(cJSON **out, const cw_badges *b, const char *tenant,
                           const char *issuer)
{
	cw_badge_issuer_ctx c;
	cJSON *doc = NULL, *methods = NULL, *refs = NULL, *m;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);

	*out = NULL;
	if (err < 0)
		return err;
	if (strcmp(c.kind, "did:web") != 0) {
		cw_error_set("issuer %s is not a did:web issuer", issuer);
		err = CW_ENOTFOUND;
		goto out;
	}
	if ((err = add_vms(&c)) < 0 || !(doc = cJSON_CreateObject()) ||
	    !cJSON_AddItemToObject(
	            doc, "@context",
	            string_array(
	                    (const char *[]){
	                            "https://www.w3.org/ns/did/v1",
	                            "https://w3id.org/security/multikey/"
	                            "v1",
	                            "https://w3id.org/security/suites/"
	                            "jws-2020/v1" },
	                    3)) ||
	    !cJSON_AddStringToObject(doc, "id", c.public_id) ||
	    !(methods = cJSON_AddArrayToObject(doc, "verificationMethod")) ||
	    !(refs = cJSON_AddArrayToObject(doc, "assertionMethod"))) {
		err = err < 0 ? err : CW_ENOMEM;
		goto out;
	}
	add_methods(methods, &c, 1);
	cJSON_ArrayForEach(m, methods)
	{
		cJSON_AddItemToArray(
		        refs, cJSON_CreateString(cw_json_string(m, "id")));
	}
	*out = doc;
	doc = NULL;
out:
	cJSON_Delete(doc);
	cw_badges__issuer_dispose(&c);
	return err;
}

int cw_badge_key_reseal(char **out, const unsigned char *master_key,
                        const char *sealed, int64_t from_tenant,
                        int64_t to_tenant, const char *issuer, const char *kid)
{
	cw_buf from = CW_BUF_INIT(4096), to = CW_BUF_INIT(4096);
	char *der = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = make_aad(&from, from_tenant, issuer, kid)) == 0 &&
	    (err = make_aad(&to, to_tenant, issuer, kid)) == 0 &&
	    (err = cw_secretbox_open(&der, &len, master_key, from.data, sealed,
	                             strlen(sealed))) == 0)
		err = cw_secretbox_seal(out, master_key, to.data, der, len);
	if (err == CW_EAUTH)
		cw_error_set("the key %s of issuer %s does not open under this "
		             "master key",
		             kid, issuer);
	if (der)
		OPENSSL_cleanse(der, len);
	cw_free(der);
	cw_buf_dispose(&from);
	cw_buf_dispose(&to);
	return err;
}
