/* Revocation: the credential's bit in its issuer's Bitstring Status List,
 * published as a signed BitstringStatusListCredential, and the same list
 * as a 1EdTechRevocationList. */
#include "engine/badges_internal.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"

#include <string.h>
#include <zlib.h>

#define REASON_MAX 1024

int cw_badges_revoke(const cw_badges *b, const char *tenant,
                     const char *credential, const char *reason)
{
	char now[32];
	int64_t tenant_id = 0;
	int err;

	if (!reason || !*reason || strlen(reason) > REASON_MAX) {
		cw_error_set("a revocation needs a reason (at most %d bytes)",
		             REASON_MAX);
		return CW_EINVAL;
	}
	if ((err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) < 0)
		return err;
	cw_badges__now(now);
	err = cw_store_badge_credential_revoke(b->store, tenant_id, credential,
	                                       now, reason);
	if (err != CW_ENOTFOUND)
		return err;
	/* an OB 2.0 assertion, by its urn:uuid or its hosted URL */
	const char *uuid = strstr(credential, "/assertions/");
	cw_buf id = CW_BUF_INIT(256);
	if (uuid)
		cw_buf_printf(&id, "urn:uuid:%s", uuid + 12);
	else
		cw_buf_puts(&id, credential);
	err = id.error ? id.error
	               : cw_store_badge_assertion_revoke(b->store, tenant_id,
	                                                 id.data, now, reason);
	cw_buf_dispose(&id);
	if (err == CW_ENOTFOUND)
		cw_error_set("the tenant has no credential %s", credential);
	return err;
}

typedef struct {
	unsigned char *bits;
	int64_t size;
	int64_t first; /* the issuer's index of the list's bit 0 */
	cJSON *list;   /* revokedCredential entries, or NULL */
} revoked;

static int revoked_row(const cw_badge_credential *c, void *payload)
{
	revoked *r = payload;
	cJSON *o;

	/* Bit 0 is the most significant bit of the first byte. */
	int64_t bit = c->status_list_index - r->first;
	if (r->bits && bit >= 0 && bit < r->size)
		r->bits[bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
	if (!r->list)
		return 0;
	if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(r->list, o)) {
		cJSON_Delete(o);
		return CW_ENOMEM;
	}
	cJSON_AddStringToObject(o, "id", c->id);
	cJSON_AddBoolToObject(o, "revoked", 1);
	if (c->revoked_reason)
		cJSON_AddStringToObject(o, "revocationReason",
		                        c->revoked_reason);
	return 0;
}

/* GZIP (RFC 1952) of data, as the W3C list's encodedList wants. */
static int gzip(unsigned char **out, size_t *out_len, const unsigned char *in,
                size_t len)
{
	z_stream z;
	uLong bound;
	int err = 0;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
	                 Z_DEFAULT_STRATEGY) != Z_OK) {
		cw_error_set("zlib: cannot start compressing");
		return CW_ENOMEM;
	}
	bound = deflateBound(&z, (uLong)len) + 32;
	if (!(*out = cw_malloc(bound))) {
		deflateEnd(&z);
		return CW_ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = *out;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		cw_error_set("zlib: compressing the status list failed");
		err = CW_ENOMEM;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	if (err < 0) {
		cw_free(*out);
		*out = NULL;
	}
	return err;
}

static int encoded_list(char **out, const unsigned char *bits, size_t bytes)
{
	unsigned char *z = NULL;
	size_t zlen = 0;
	int err = gzip(&z, &zlen, bits, bytes);

	if (err < 0)
		return err;
	if (!(*out = cw_malloc(cw_base64url_len(zlen) + 2))) {
		cw_free(z);
		return CW_ENOMEM;
	}
	(*out)[0] = 'u';
	cw_base64url_encode(*out + 1, z, zlen);
	cw_free(z);
	return 0;
}

static cJSON *list_credential(const cw_badge_issuer_ctx *issuer,
                              const char *url, const char *encoded)
{
	cJSON *c = cJSON_CreateObject(), *s;
	cw_buf subject = CW_BUF_INIT(4096);
	char now[32];

	if (!c)
		return NULL;
	cw_badges__now(now);
	cw_buf_printf(&subject, "%s#list", url);
	cJSON_AddItemToObject(
	        c, "@context",
	        cJSON_CreateStringArray(
	                (const char *[]){ CW_BADGE_VC2_CONTEXT }, 1));
	cJSON_AddStringToObject(c, "id", url);
	cJSON_AddItemToObject(
	        c, "type",
	        cJSON_CreateStringArray(
	                (const char *[]){ "VerifiableCredential",
	                                  "BitstringStatusListCredential" },
	                2));
	cJSON_AddStringToObject(c, "issuer", issuer->public_id);
	cJSON_AddStringToObject(c, "validFrom", now);
	s = cJSON_AddObjectToObject(c, "credentialSubject");
	cJSON_AddStringToObject(s, "id", cw_buf_cstr(&subject));
	cJSON_AddStringToObject(s, "type", "BitstringStatusList");
	cJSON_AddStringToObject(s, "statusPurpose", "revocation");
	cJSON_AddStringToObject(s, "encodedList", encoded);
	cw_buf_dispose(&subject);
	return c;
}

int cw_badges_status_list(cJSON **out, const cw_badges *b, const char *tenant,
                          const char *issuer)
{
	return cw_badges_status_list_n(out, b, tenant, issuer, 0);
}

int64_t cw_badges_status_list_number(const char *segment)
{
	int64_t n = 0;

	if (!segment || segment[0] < '1' || segment[0] > '9')
		return -1;
	for (const char *p = segment; *p; p++) {
		if (*p < '0' || *p > '9' || p - segment >= 4)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n < CW_BADGE_STATUS_LISTS_MAX ? n : -1;
}

int cw_badges_status_list_n(cJSON **out, const cw_badges *b, const char *tenant,
                            const char *issuer, int64_t number)
{
	cw_badge_issuer_ctx c;
	cw_buf url = CW_BUF_INIT(4096);
	revoked r = { NULL, 0, 0, NULL };
	int64_t next = 0;
	char *encoded = NULL;
	cJSON *credential = NULL;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 1);

	*out = NULL;
	if (err < 0)
		return err;
	if ((err = cw_store_badge_status_list_get(b->store, c.tenant_id, issuer,
	                                          &r.size, &next)) < 0 ||
	    (err = cw_badges_status_list_url(&url, b, tenant, issuer)) < 0)
		goto out;
	/* list 0 always is; list n once an index of it was handed out */
	if (number < 0 || r.size <= 0 ||
	    (number > 0 && number * r.size >= next)) {
		cw_error_set("issuer %s has no status list %lld", issuer,
		             (long long)number);
		err = CW_ENOTFOUND;
		goto out;
	}
	r.first = number * r.size;
	if (number > 0 && cw_buf_printf(&url, "/%lld", (long long)number) < 0) {
		err = CW_ENOMEM;
		goto out;
	}
	if (!(r.bits = cw_calloc((size_t)(r.size + 7) / 8, 1))) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_store_badge_revoked_list(b->store, c.tenant_id, issuer,
	                                       revoked_row, &r)) < 0 ||
	    (err = encoded_list(&encoded, r.bits, (size_t)(r.size + 7) / 8)) <
	            0)
		goto out;
	if (!(credential = list_credential(&c, url.data, encoded)))
		err = CW_ENOMEM;
	else
		err = cw_badges__sign_di(out, b, &c, credential);
out:
	cJSON_Delete(credential);
	cw_free(encoded);
	cw_free(r.bits);
	cw_buf_dispose(&url);
	cw_badges__issuer_dispose(&c);
	return err;
}

int cw_badges_revocation_list(cJSON **out, const cw_badges *b,
                              const char *tenant, const char *issuer)
{
	cw_badge_issuer_ctx c;
	cw_buf url = CW_BUF_INIT(4096);
	revoked r = { NULL, 0, 0, NULL };
	cJSON *doc = NULL;
	int err = cw_badges__issuer_load(&c, b, tenant, issuer, 0);

	*out = NULL;
	if (err < 0)
		return err;
	if ((err = cw_badges_revocation_list_url(&url, b, tenant, issuer)) < 0)
		goto out;
	if (!(doc = cJSON_CreateObject()) ||
	    !cJSON_AddStringToObject(doc, "id", url.data) ||
	    !cJSON_AddStringToObject(doc, "issuer", c.public_id) ||
	    !(r.list = cJSON_AddArrayToObject(doc, "revokedCredential"))) {
		err = CW_ENOMEM;
		goto out;
	}
	if ((err = cw_store_badge_revoked_list(b->store, c.tenant_id, issuer,
	                                       revoked_row, &r)) == 0) {
		*out = doc;
		doc = NULL;
	}
out:
	cJSON_Delete(doc);
	cw_buf_dispose(&url);
	cw_badges__issuer_dispose(&c);
	return err;
}
