/* The published eddsa-rdfc-2022 test vectors of ../shared/fixtures/badges
 * (1EdTech OB 3.0 and CLR 2.0, W3C vc-di-eddsa) reproduced byte for byte:
 * canonical N-Quads of the proof configuration and the document, both
 * hashes, the signature and proofValue; and every signed credential there
 * verified (the 1EdTech validator samples too). Skips without ../shared. */
#include "crypto/dataintegrity.h"
#include "crypto/key.h"
#include "jsonld/rdfc.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define DIR CW_SHARED_FIXTURES "/badges"

static int passed, failed;

static void check(int ok, const char *vector, const char *what)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", vector, what);
}

static cJSON *load(const char *name)
{
	char path[512], *text = NULL;
	size_t len = 0;
	cJSON *doc = NULL;
	snprintf(path, sizeof(path), "%s/%s", DIR, name);
	if (cw_file_read(&text, &len, path, 16L << 20) < 0 ||
	    cw_json_parse(&doc, text, len, 256, NULL) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		doc = NULL;
	}
	cw_free(text);
	return doc;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Adds every context of jsonld-contexts-offline.json that is not embedded
 * (CLR 2.0.1, OB 2.0), and the W3C examples context the vector needs. */
static void add_contexts(cw_jsonld_loader *loader, const cJSON *offline)
{
	const cJSON *c;
	cJSON_ArrayForEach(
	        c, cJSON_GetObjectItemCaseSensitive(offline, "contexts"))
	{
		const cJSON *doc;
		if (cw_jsonld_loader_get(cw_jsonld_loader_default(), c->string,
		                         &doc) == 0)
			continue;
		char *text = cJSON_PrintUnformatted(c);
		cw_jsonld_loader_add(loader, c->string, text, strlen(text));
		cJSON_free(text);
	}
	const char *ex = "{\"@context\":{\"@vocab\":"
	                 "\"https://www.w3.org/ns/credentials/examples#\"}}";
	cw_jsonld_loader_add(loader,
	                     "https://www.w3.org/ns/credentials/examples/v2",
	                     ex, strlen(ex));
}

/* A controller document for an https verification method whose fragment
 * is its Multikey (the vectors' issuers are not online). */
static void add_key_document(cw_jsonld_loader *loader, const char *vm)
{
	const char *hash = strchr(vm, '#');
	if (strncmp(vm, "did:", 4) == 0 || !hash)
		return;
	cw_buf url = CW_BUF_INIT(2048), doc = CW_BUF_INIT(8192);
	cw_buf_put(&url, vm, (size_t)(hash - vm));
	const cJSON *existing;
	if (cw_jsonld_loader_get(loader, cw_buf_cstr(&url), &existing) == 0) {
		/* one more method for the same controller */
		cJSON *copy = cJSON_Duplicate(existing, 1);
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "id", vm);
		cJSON_AddStringToObject(m, "type", "Multikey");
		cJSON_AddStringToObject(m, "publicKeyMultibase", hash + 1);
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(
		                             copy, "assertionMethod"),
		                     m);
		char *text = cJSON_PrintUnformatted(copy);
		cw_buf_puts(&doc, text);
		cJSON_free(text);
		cJSON_Delete(copy);
	} else {
		cw_buf_printf(
		        &doc,
		        "{\"id\":\"%s\",\"assertionMethod\":[{\"id\":\"%s\","
		        "\"type\":\"Multikey\",\"controller\":\"%s\","
		        "\"publicKeyMultibase\":\"%s\"}]}",
		        cw_buf_cstr(&url), vm, cw_buf_cstr(&url), hash + 1);
	}
	cw_jsonld_loader_add(loader, cw_buf_cstr(&url), doc.data, doc.len);
	cw_buf_dispose(&url);
	cw_buf_dispose(&doc);
}

static void add_keys_of(cw_jsonld_loader *loader, const cJSON *cred)
{
	const cJSON *proof = cJSON_GetObjectItemCaseSensitive(cred, "proof"),
	            *p;
	if (cJSON_IsObject(proof)) {
		add_key_document(loader, str(proof, "verificationMethod"));
		return;
	}
	cJSON_ArrayForEach(p, proof)
	        add_key_document(loader, str(p, "verificationMethod"));
}

#define OB3_SEED                                                               \
	"6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"

static int seed_key(cw_key **out, const char *hex)
{
	unsigned char seed[32];
	if (strlen(hex) != 64)
		return CW_EINVAL;
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return CW_EINVAL;
		seed[i] = (unsigned char)v;
	}
	return cw_key_from_ed25519_seed(out, seed);
}

static const char *seed_of(const cJSON *v)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(v, "key");
	if (!cJSON_IsObject(k))
		k = cJSON_GetObjectItemCaseSensitive(v, "keyPairDecoded");
	const char *seed = str(k, "privateKeySeedHex");
	return *seed ? seed : OB3_SEED; /* the CLR vector: "the same key" */
}

static const cJSON *first_proof(const cJSON *cred)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(cred, "proof");
	return cJSON_IsArray(p) ? p->child : p;
}

static void check_sign(const char *name, const cJSON *v,
                       const cw_jsonld_loader *loader)
{
	const cJSON *signed_cred =
	        cJSON_GetObjectItemCaseSensitive(v, "signedCredential");
	const cJSON *proof = first_proof(signed_cred);
	cJSON *unsigned_cred = cJSON_Duplicate(signed_cred, 1), *out = NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(unsigned_cred, "proof");
	cw_key *key = NULL;
	cw_di_report r = { 0 };
	r.keep_canonical = 1;
	cw_di_sign_options o = { str(proof, "verificationMethod"),
		                 str(proof, "created"), NULL, loader,
		                 str(proof, "cryptosuite") };
	int err = seed_key(&key, seed_of(v));
	if (err == 0)
		err = cw_di_sign(&out, unsigned_cred, key, &o, &r);
	check(err == 0, name, "signs with the vector's key");
	if (err == 0) {
		check(strcmp(r.canonical_proof,
		             str(v, "canonicalProofConfigNQuads")) == 0,
		      name, "canonical proof configuration, byte for byte");
		check(strcmp(r.canonical_document,
		             str(v, "canonicalDocumentNQuads")) == 0,
		      name, "canonical document, byte for byte");
		check(strcmp(r.proof_hash, str(v, "proofConfigHashHex")) == 0,
		      name, "proof configuration hash");
		check(strcmp(r.document_hash, str(v, "documentHashHex")) == 0,
		      name, "document hash");
		check(strcmp(str(first_proof(out), "proofValue"),
		             str(proof, "proofValue")) == 0,
		      name, "signature and proofValue");
		/* The CLR vector writes its one proof as a proof set. */
		const cJSON *want =
		        cJSON_GetObjectItemCaseSensitive(signed_cred, "proof");
		if (cJSON_IsArray(want) && cJSON_GetArraySize(want) == 1) {
			cJSON *mine = cJSON_DetachItemFromObjectCaseSensitive(
			        out, "proof");
			cJSON *set = cJSON_AddArrayToObject(out, "proof");
			cJSON_AddItemToArray(set, mine);
		}
		check(cJSON_Compare(out, signed_cred, 1), name,
		      "the whole signed credential");
	} else {
		printf("  %s: %s\n", r.step, r.message);
	}
	cw_di_report_dispose(&r);
	cw_key_free(key);
	cJSON_Delete(out);
	cJSON_Delete(unsigned_cred);
}

static void check_verify(const char *name, const cJSON *cred,
                         cw_jsonld_loader *loader)
{
	cw_di_verify_options o = { loader, NULL, NULL };
	cw_di_report r = { 0 };
	add_keys_of(loader, cred);
	int err = cw_di_verify(cred, &o, &r);
	check(err == 0, name, "verifies");
	if (err)
		printf("  %s: %s\n", r.step, r.message);
	cJSON *tampered = cJSON_Duplicate(cred, 1);
	cJSON *subject =
	        cJSON_GetObjectItemCaseSensitive(tampered, "credentialSubject");
	cJSON_DeleteItemFromObjectCaseSensitive(subject, "id");
	cJSON_AddStringToObject(subject, "id", "did:example:someone-else");
	memset(&r, 0, sizeof(r));
	check(cw_di_verify(tampered, &o, &r) == CW_EAUTH, name,
	      "a tampered copy does not verify");
	cJSON_Delete(tampered);
}

static void run_vector(const char *file, const char *name,
                       cw_jsonld_loader *loader)
{
	cJSON *v = load(file);
	if (!v) {
		check(0, name, "readable");
		return;
	}
	const cJSON *signed_cred =
	        cJSON_GetObjectItemCaseSensitive(v, "signedCredential");
	check_sign(name, v, loader);
	check_verify(name, signed_cred, loader);
	const cJSON *nested = cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetObjectItemCaseSensitive(signed_cred,
	                                         "credentialSubject"),
	        "verifiableCredential");
	const cJSON *n;
	cJSON_ArrayForEach(n, nested)
	        check_verify("clr2 nested OB 3.0", n, loader);
	cJSON_Delete(v);
}

int main(void)
{
	struct stat st;
	if (stat(DIR, &st) != 0) {
		printf("badge_vectors: skipped (no %s)\n", DIR);
		return 0;
	}
	cw_jsonld_loader *loader = NULL;
	cJSON *offline = load("jsonld-contexts-offline.json");
	if (cw_jsonld_loader_new(&loader) < 0 ||
	    cw_jsonld_loader_add_embedded(loader) < 0 || !offline) {
		fprintf(stderr, "badge_vectors: setup failed\n");
		return 1;
	}
	add_contexts(loader, offline);
	run_vector("ob3-1edtech-eddsa-rdfc-2022-vector.json", "ob3", loader);
	run_vector("clr2-1edtech-eddsa-rdfc-2022-vector.json", "clr2", loader);
	run_vector("w3c-vc-di-eddsa-rdfc-2022-vector.json", "w3c", loader);
	cJSON *samples = load("ob3-validator-signed-credentials.json");
	const cJSON *s;
	cJSON_ArrayForEach(s, samples)
	{
		if (s->string[0] != '_' && cJSON_IsObject(s) &&
		    cJSON_GetObjectItemCaseSensitive(s, "proof")) {
			char name[64];
			snprintf(name, sizeof(name), "validator %s", s->string);
			check_verify(name, s, loader);
		}
	}
	cJSON_Delete(samples);
	cJSON_Delete(offline);
	cw_jsonld_loader_free(loader);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
