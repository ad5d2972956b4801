/* Data Integrity eddsa-rdfc-2022 (VC-DI-EdDSA §3.2): canonical proof
 * configuration and document, SHA-256 of each, Ed25519 over both. */
#include "crypto/dataintegrity.h"
#include "crypto/didweb.h"

#include "crypto/multibase.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int report_fail(cw_di_report *r, const char *step, int err,
                       const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int report_fail(cw_di_report *r, const char *step, int err,
                       const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (r && !r->step[0]) {
		snprintf(r->step, sizeof(r->step), "%s", step);
		snprintf(r->message, sizeof(r->message), "%s", message);
	}
	cw_error_set("%s: %s", step, message);
	return err;
}

void cw_di_report_dispose(cw_di_report *report)
{
	if (!report)
		return;
	cw_free(report->canonical_proof);
	cw_free(report->canonical_document);
	report->canonical_proof = report->canonical_document = NULL;
}

/* Expands doc in safe mode, converts it to RDF and canonicalizes it. */
static int canonize(cw_rdfc_result **out, const cJSON *doc,
                    const cw_jsonld_loader *loader, cw_di_report *r,
                    const char *what)
{
	cw_jsonld_options o = { 0 };
	cw_jsonld_error where;
	cw_rdf_dataset *ds = NULL;
	o.safe = 1;
	o.loader = loader;
	int err = cw_jsonld_doc_to_rdf(&ds, doc, &o, &where);
	if (err == CW_EINVAL && where.message[0]) {
		err = report_fail(r, "canonize", err, "%s %s: %s: %s", what,
		                  where.pointer[0] ? where.pointer : "/",
		                  where.code, where.message);
	} else if (err < 0) {
		err = report_fail(r, "canonize", err, "%s: %s", what,
		                  cw_error_last());
	} else if ((err = cw_rdfc_canonize(out, ds, NULL)) < 0) {
		err = report_fail(r, "canonize", err, "%s: %s", what,
		                  cw_error_last());
	}
	cw_rdf_dataset_free(ds);
	return err;
}

static void hex(char *out, const unsigned char *d, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static char *dup_text(const cw_rdfc_result *c)
{
	char *s = cw_malloc(c->len + 1);
	if (s) {
		memcpy(s, c->nquads, c->len);
		s[c->len] = '\0';
	}
	return s;
}

/* hashData = SHA-256(canonical proof config) ‖ SHA-256(canonical doc). */
static int hash_data(unsigned char out[2 * CW_SHA256_LEN],
                     const cJSON *proof_config, const cJSON *unsecured,
                     const cw_jsonld_loader *loader, cw_di_report *r)
{
	cw_rdfc_result *cp = NULL, *cd = NULL;
	int err = canonize(&cp, proof_config, loader, r, "proof options");
	if (err == 0)
		err = canonize(&cd, unsecured, loader, r, "document");
	if (err == 0 &&
	    ((err = cw_sha256(out, cp->nquads, cp->len)) < 0 ||
	     (err = cw_sha256(out + CW_SHA256_LEN, cd->nquads, cd->len)) < 0))
		err = report_fail(r, "hash", err, "SHA-256 failed");
	if (err == 0 && r) {
		hex(r->proof_hash, out, CW_SHA256_LEN);
		hex(r->document_hash, out + CW_SHA256_LEN, CW_SHA256_LEN);
		if (r->keep_canonical) {
			cw_free(r->canonical_proof);
			cw_free(r->canonical_document);
			r->canonical_proof = dup_text(cp);
			r->canonical_document = dup_text(cd);
		}
	}
	cw_rdfc_result_free(cp);
	cw_rdfc_result_free(cd);
	return err;
}

/* The proof configuration: options (less proofValue) plus the document's
 * @context, as references: read only. */
static int proof_config(cJSON **out, const cJSON *options,
                        const cJSON *document)
{
	const cJSON *ctx =
	        cJSON_GetObjectItemCaseSensitive(document, "@context");
	cJSON *config = cJSON_CreateObject();
	const cJSON *item;
	int ok = config != NULL;
	const cJSON *source = ok ? options : NULL;
	cJSON_ArrayForEach(item, source)
	{
		if (ok && strcmp(item->string, "proofValue") != 0 &&
		    strcmp(item->string, "@context") != 0)
			ok = cJSON_AddItemReferenceToObject(
			        config, item->string, (cJSON *)item);
	}
	if (ok && ctx)
		ok = cJSON_AddItemReferenceToObject(config, "@context",
		                                    (cJSON *)ctx);
	if (!ok) {
		cJSON_Delete(config);
		return CW_ENOMEM;
	}
	*out = config;
	return 0;
}

static int valid_datetime(const char *s)
{
	int64_t ms;
	size_t n = strlen(s);
	return n >= 20 && s[10] == 'T' && cw_time_parse_iso(s, &ms) == 0;
}

/* The credential without its proof, as references to its members: read
 * only, so nothing is copied. */
static cJSON *without_proof(const cJSON *credential)
{
	cJSON *doc = cJSON_CreateObject();
	const cJSON *item;
	cJSON_ArrayForEach(item, credential)
	{
		if (!doc)
			break;
		if (strcmp(item->string, "proof") != 0 &&
		    !cJSON_AddItemReferenceToObject(doc, item->string,
		                                    (cJSON *)item)) {
			cJSON_Delete(doc);
			doc = NULL;
		}
	}
	return doc;
}

static const char *suite_of(const cw_di_sign_options *o)
{
	return o->cryptosuite ? o->cryptosuite : "eddsa-rdfc-2022";
}

static int make_options(cJSON **out, const cw_di_sign_options *o,
                        const char *created)
{
	cJSON *p = cJSON_CreateObject();
	if (!p || !cJSON_AddStringToObject(p, "type", "DataIntegrityProof") ||
	    !cJSON_AddStringToObject(p, "created", created) ||
	    !cJSON_AddStringToObject(p, "verificationMethod",
	                             o->verification_method) ||
	    !cJSON_AddStringToObject(p, "cryptosuite", suite_of(o)) ||
	    !cJSON_AddStringToObject(p, "proofPurpose",
	                             o->proof_purpose ? o->proof_purpose
	                                              : "assertionMethod")) {
		cJSON_Delete(p);
		return CW_ENOMEM;
	}
	*out = p;
	return 0;
}

/* Adds proof to doc: the proof, or one more in a proof set. */
static int attach_proof(cJSON *doc, cJSON *proof)
{
	cJSON *existing = cJSON_GetObjectItemCaseSensitive(doc, "proof");
	if (!existing)
		return cJSON_AddItemToObject(doc, "proof", proof) ? 0
		                                                  : CW_ENOMEM;
	if (!cJSON_IsArray(existing)) {
		cJSON *set = cJSON_CreateArray();
		if (!set)
			return CW_ENOMEM;
		cJSON *old = cJSON_DetachItemViaPointer(doc, existing);
		cJSON_AddItemToArray(set, old);
		cJSON_AddItemToObject(doc, "proof", set);
		existing = set;
	}
	return cJSON_AddItemToArray(existing, proof) ? 0 : CW_ENOMEM;
}

/* Numbers JSON-LD processors canonicalize differently: JSON-LD 1.1 makes a
 * non-integral number an xsd:double ("1.0E-7"), but jsonld.js, the
 * verifier most wallets use, decides by the '.' in JavaScript's text of
 * the number, which has none below 1e-6 ("1e-7"), and writes "0". A
 * signature over such a number would not verify there. */
static int ambiguous_number(const cJSON *v, cw_buf *path)
{
	if (cJSON_IsNumber(v)) {
		double d =
		        v->valuedouble < 0 ? -v->valuedouble : v->valuedouble;
		return d > 0 && d < 1e-6;
	}
	const cJSON *item;
	size_t i = 0, saved = path->len;
	cJSON_ArrayForEach(item, v)
	{
		if (item->string)
			cw_buf_printf(path, "/%s", item->string);
		else
			cw_buf_printf(path, "/%zu", i);
		i++;
		if (ambiguous_number(item, path))
			return 1;
		path->len = saved;
		if (path->data)
			path->data[saved] = '\0';
	}
	return 0;
}

static int sign_checks(const cJSON *credential, const cw_key *key,
                       const cw_di_sign_options *o, cw_di_report *r)
{
	if (!cJSON_IsObject(credential) ||
	    !cJSON_GetObjectItemCaseSensitive(credential, "@context"))
		return report_fail(
		        r, "document", CW_EINVAL,
		        "a credential is a JSON object with @context");
	if (!key || cw_key_get_type(key) != CW_KEY_ED25519 ||
	    !cw_key_is_private(key))
		return report_fail(r, "key", CW_EINVAL,
		                   "eddsa-rdfc-2022 needs an Ed25519 private "
		                   "key (RSA and P-256 keys sign VC-JWT)");
	if (!o || !o->verification_method || !*o->verification_method)
		return report_fail(r, "proof", CW_EINVAL,
		                   "no verification method");
	if (strcmp(suite_of(o), "eddsa-rdfc-2022") != 0 &&
	    strcmp(suite_of(o), "eddsa-2022") != 0)
		return report_fail(r, "proof", CW_EUNSUPPORTED,
		                   "cryptosuite %s: Crosswalk signs "
		                   "eddsa-rdfc-2022 (or eddsa-2022)",
		                   suite_of(o));
	if (o->created && !valid_datetime(o->created))
		return report_fail(r, "proof", CW_EINVAL,
		                   "created \"%s\" is not an XSD dateTime",
		                   o->created);
	cw_buf path = CW_BUF_INIT(1024);
	int bad = ambiguous_number(credential, &path);
	int err = bad ? report_fail(r, "document", CW_EINVAL,
	                            "the number at %s is between 0 and 1e-6: "
	                            "JSON-LD processors disagree on its "
	                            "canonical form (jsonld.js writes 0), so "
	                            "the proof would not verify everywhere; "
	                            "write it as a string",
	                            cw_buf_cstr(&path))
	              : 0;
	cw_buf_dispose(&path);
	return err;
}

int cw_di_sign(cJSON **out, const cJSON *credential, const cw_key *key,
               const cw_di_sign_options *o, cw_di_report *r)
{
	cJSON *options = NULL, *config = NULL, *unsecured = NULL, *doc = NULL;
	unsigned char data[2 * CW_SHA256_LEN], sig[CW_SIG_MAX];
	size_t sig_len = 0;
	char created[CW_TIME_ISO_LEN];
	cw_buf value = CW_BUF_INIT(256);
	int err;
	*out = NULL;
	if ((err = sign_checks(credential, key, o, r)) < 0)
		return err;
	if (o->created) {
		snprintf(created, sizeof(created), "%s", o->created);
	} else {
		cw_time_format_iso(cw_time_now_ms() / 1000 * 1000, created);
		memcpy(created + 19, "Z", 2); /* whole seconds */
	}
	if (r) {
		snprintf(r->type, sizeof(r->type), "DataIntegrityProof");
		snprintf(r->cryptosuite, sizeof(r->cryptosuite), "%s",
		         suite_of(o));
		snprintf(r->verification_method, sizeof(r->verification_method),
		         "%s", o->verification_method);
	}
	if ((err = make_options(&options, o, created)) < 0 ||
	    !(unsecured = without_proof(credential))) {
		err = err < 0 ? err : CW_ENOMEM;
		goto out;
	}
	if ((err = proof_config(&config, options, unsecured)) < 0 ||
	    (err = hash_data(data, config, unsecured, o->loader, r)) < 0)
		goto out;
	if ((err = cw_key_sign(key, data, sizeof(data), sig, &sig_len)) < 0) {
		err = report_fail(r, "sign", err, "%s", cw_error_last());
		goto out;
	}
	if ((err = cw_multibase_encode(&value, sig, sig_len)) < 0 ||
	    !cJSON_AddStringToObject(options, "proofValue",
	                             cw_buf_cstr(&value)) ||
	    !(doc = cJSON_Duplicate(credential, 1))) {
		err = err < 0 ? err : CW_ENOMEM;
		goto out;
	}
	if ((err = attach_proof(doc, options)) < 0)
		goto out;
	options = NULL;
	*out = doc;
	doc = NULL;
out:
	cw_buf_dispose(&value);
	cJSON_Delete(options);
	cJSON_Delete(config);
	cJSON_Delete(unsecured);
	cJSON_Delete(doc);
	return err;
}

static const char *str_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The key object with id vm inside a controller document. */
static const cJSON *find_method(const cJSON *doc, const char *vm)
{
	static const char *const lists[] = { "verificationMethod",
		                             "assertionMethod", "publicKey" };
	const char *id = str_member(doc, "id");
	const char *fragment = strchr(vm, '#');
	if (id && strcmp(id, vm) == 0)
		return doc;
	for (size_t i = 0; i < 3; i++) {
		const cJSON *list =
		        cJSON_GetObjectItemCaseSensitive(doc, lists[i]);
		const cJSON *m;
		cJSON_ArrayForEach(m, list)
		{
			const char *mid = str_member(m, "id");
			if (mid && (strcmp(mid, vm) == 0 ||
			            (fragment && strcmp(mid, fragment) == 0)))
				return m;
		}
	}
	return NULL;
}

/* A did:web DID URL: the method in the DID document its did.json URL
 * serves, whose id must be the DID. */
static int did_web_document(const cJSON **doc, const char *vm,
                            const cw_jsonld_loader *loader)
{
	cw_buf url = CW_BUF_INIT(CW_DID_WEB_MAX + 64);
	size_t did_len = 0;
	const char *id;
	int err = cw_did_web_url(&url, &did_len, vm, strlen(vm));

	if (err == 0 &&
	    (!loader || cw_jsonld_loader_get(loader, url.data, doc) < 0)) {
		cw_error_set("cannot resolve %s: its DID document %s could not "
		             "be fetched",
		             vm, url.data);
		err = CW_ENOTFOUND;
	}
	if (err == 0 && (!(id = str_member(*doc, "id")) ||
	                 strlen(id) != did_len || strncmp(id, vm, did_len))) {
		cw_error_set("the DID document at %s is not that of %.*s",
		             url.data, (int)did_len, vm);
		err = CW_EINVAL;
	}
	cw_buf_dispose(&url);
	return err;
}

int cw_di_resolve_key(cw_key **out, const char *vm,
                      const cw_jsonld_loader *loader)
{
	const cJSON *doc = NULL, *method;
	int err;
	*out = NULL;
	if (strncmp(vm, "did:key:", 8) == 0)
		return cw_key_from_did_key(out, vm);
	if (cw_did_web_is(vm)) {
		if ((err = did_web_document(&doc, vm, loader)) < 0)
			return err;
	} else if (!loader || cw_jsonld_loader_get(loader, vm, &doc) < 0) {
		cw_error_set("cannot resolve the verification method %s: key "
		             "documents are never fetched (serve it with "
		             "--map)",
		             vm);
		return CW_ENOTFOUND;
	}
	if (!(method = find_method(doc, vm))) {
		cw_error_set("%s is not in the document served for it", vm);
		return CW_ENOTFOUND;
	}
	const char *mb = str_member(method, "publicKeyMultibase");
	const cJSON *jwk =
	        cJSON_GetObjectItemCaseSensitive(method, "publicKeyJwk");
	if (mb)
		return cw_key_from_multibase(out, mb);
	if (cJSON_IsObject(jwk))
		return cw_key_from_jwk(out, jwk);
	cw_error_set("%s has neither publicKeyMultibase nor publicKeyJwk", vm);
	return CW_ENOTFOUND;
}

static int proof_kind_ok(const cJSON *proof, cw_di_report *r)
{
	const char *type = str_member(proof, "type");
	const char *suite = str_member(proof, "cryptosuite");
	if (r) {
		snprintf(r->type, sizeof(r->type), "%s", type ? type : "");
		snprintf(r->cryptosuite, sizeof(r->cryptosuite), "%s",
		         suite ? suite : "");
	}
	if (type && strcmp(type, "Ed25519Signature2020") == 0)
		return 0;
	if (type && strcmp(type, "DataIntegrityProof") == 0 && suite &&
	    (strcmp(suite, "eddsa-rdfc-2022") == 0 ||
	     strcmp(suite, "eddsa-2022") == 0))
		return 0;
	return report_fail(r, "proof", CW_EUNSUPPORTED,
	                   "proof type %s%s%s is not supported (supported: "
	                   "DataIntegrityProof eddsa-rdfc-2022 and eddsa-2022, "
	                   "Ed25519Signature2020)",
	                   type ? type : "(none)", suite ? " / " : "",
	                   suite ? suite : "");
}

static int proof_fields_ok(const cJSON *proof, const char *purpose,
                           cw_di_report *r)
{
	const char *p = str_member(proof, "proofPurpose");
	const char *vm = str_member(proof, "verificationMethod");
	const char *created = str_member(proof, "created");
	if (!cJSON_IsObject(proof))
		return report_fail(r, "proof", CW_EINVAL,
		                   "a proof is a JSON object");
	if (!vm)
		return report_fail(r, "proof", CW_EINVAL,
		                   "the proof has no verificationMethod");
	if (r)
		snprintf(r->verification_method, sizeof(r->verification_method),
		         "%s", vm);
	if (!p || strcmp(p, purpose) != 0)
		return report_fail(r, "proof", CW_EINVAL,
		                   "proofPurpose is %s, expected %s",
		                   p ? p : "missing", purpose);
	if (cJSON_GetObjectItemCaseSensitive(proof, "created") &&
	    (!created || !valid_datetime(created)))
		return report_fail(r, "proof", CW_EINVAL,
		                   "created is not an XSD dateTime");
	if (!str_member(proof, "proofValue"))
		return report_fail(r, "proof", CW_EINVAL,
		                   "the proof has no proofValue");
	return 0;
}

static int verify_one(const cJSON *proof, const cJSON *unsecured,
                      const cw_di_verify_options *o, cw_di_report *r)
{
	const char *purpose =
	        o && o->proof_purpose ? o->proof_purpose : "assertionMethod";
	const cw_jsonld_loader *loader = o ? o->loader : NULL;
	unsigned char data[2 * CW_SHA256_LEN], *sig = NULL;
	size_t sig_len = 0;
	cw_key *key = NULL;
	cJSON *config = NULL;
	int err;
	if ((err = proof_fields_ok(proof, purpose, r)) < 0 ||
	    (err = proof_kind_ok(proof, r)) < 0)
		return err;
	const char *vm = str_member(proof, "verificationMethod");
	if (cw_multibase_decode(&sig, &sig_len,
	                        str_member(proof, "proofValue")) < 0 ||
	    sig_len != 64) {
		err = report_fail(r, "proof", CW_EINVAL,
		                  "proofValue is not a base58btc multibase "
		                  "Ed25519 signature");
		goto out;
	}
	if (!(o && o->key) && (err = cw_di_resolve_key(&key, vm, loader)) < 0) {
		err = report_fail(r, "key", err, "%s", cw_error_last());
		goto out;
	}
	if ((err = proof_config(&config, proof, unsecured)) < 0 ||
	    (err = hash_data(data, config, unsecured, loader, r)) < 0)
		goto out;
	err = cw_key_verify(o && o->key ? o->key : key, data, sizeof(data), sig,
	                    sig_len);
	if (err == CW_EAUTH)
		err = report_fail(r, "signature", err,
		                  "the signature does not match the document");
	else if (err < 0)
		err = report_fail(r, "signature", err, "%s", cw_error_last());
out:
	cw_free(sig);
	cw_key_free(key);
	cJSON_Delete(config);
	return err;
}

int cw_di_verify(const cJSON *credential, const cw_di_verify_options *o,
                 cw_di_report *r)
{
	const cJSON *proofs =
	        cJSON_GetObjectItemCaseSensitive(credential, "proof");
	if (!cJSON_IsObject(credential))
		return report_fail(r, "document", CW_EINVAL,
		                   "a credential is a JSON object");
	if (!proofs || (cJSON_IsArray(proofs) && !proofs->child))
		return report_fail(r, "proof", CW_EINVAL,
		                   "the credential has no proof");
	cJSON *unsecured = without_proof(credential);
	if (!unsecured)
		return CW_ENOMEM;
	int err = 0;
	if (!cJSON_IsArray(proofs)) {
		err = verify_one(proofs, unsecured, o, r);
	} else {
		const cJSON *proof;
		cJSON_ArrayForEach(proof, proofs)
		{
			if ((err = verify_one(proof, unsecured, o, r)) < 0)
				break;
		}
	}
	cJSON_Delete(unsecured);
	return err;
}
