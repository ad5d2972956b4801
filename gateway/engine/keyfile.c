/* Key files: JSON with the public forms and the sealed PKCS#8 private key. */
#include "engine/keyfile.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"
#include "util/limits.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define AAD_PREFIX "crosswalk key "

int cw_keyfile_id(cw_buf *out, const cw_key *key)
{
	int err;

	if (cw_key_get_type(key) == CW_KEY_ED25519)
		return cw_key_did_vm(out, key);
	err = cw_buf_puts(out, CW_KEYFILE_THUMBPRINT_URN);
	return err < 0 ? err : cw_key_jwk_thumbprint(out, key);
}

static int describe(cJSON *doc, const cw_key *key)
{
	cw_buf id = CW_BUF_INIT(4096), mb = CW_BUF_INIT(4096);
	cJSON *jwk = NULL;
	int err;

	if ((err = cw_keyfile_id(&id, key)) < 0 ||
	    (err = cw_key_to_jwk(&jwk, key)) < 0)
		goto out;
	if (cw_key_get_type(key) != CW_KEY_RSA &&
	    (err = cw_key_multibase(&mb, key)) < 0)
		goto out;
	if (!cJSON_AddStringToObject(doc, "type",
	                             cw_key_type_name(cw_key_get_type(key))) ||
	    !cJSON_AddStringToObject(doc, "id", id.data) ||
	    (mb.len &&
	     !cJSON_AddStringToObject(doc, "publicKeyMultibase", mb.data)) ||
	    !cJSON_AddItemToObject(doc, "publicKeyJwk", jwk)) {
		err = CW_ENOMEM;
		goto out;
	}
	jwk = NULL;
out:
	cJSON_Delete(jwk);
	cw_buf_dispose(&id);
	cw_buf_dispose(&mb);
	return err;
}

int cw_keyfile_describe(cJSON **out, const cw_key *key)
{
	cJSON *doc = cJSON_CreateObject();
	int err = doc ? describe(doc, key) : CW_ENOMEM;

	if (err < 0) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	*out = doc;
	return err;
}

static int make_aad(cw_buf *out, const char *id)
{
	cw_buf_puts(out, AAD_PREFIX);
	return cw_buf_puts(out, id);
}

static int seal(char **out, const cw_key *key, const char *id,
                const unsigned char *master_key)
{
	cw_buf der = CW_BUF_INIT(CW_LIMIT_SEALED_PLAIN),
	       aad = CW_BUF_INIT(4096);
	int err;

	if ((err = cw_key_private_der(&der, key)) == 0 &&
	    (err = make_aad(&aad, id)) == 0)
		err = cw_secretbox_seal(out, master_key, aad.data, der.data,
		                        der.len);
	if (der.data)
		OPENSSL_cleanse(der.data, der.alloc);
	cw_buf_dispose(&der);
	cw_buf_dispose(&aad);
	return err;
}

int cw_keyfile_write(const char *path, const cw_key *key,
                     const unsigned char master_key[CW_SECRETBOX_KEY_LEN])
{
	cJSON *doc = NULL;
	char *sealed = NULL, *text = NULL;
	int err;

	if (!cw_key_is_private(key)) {
		cw_error_set("a key file holds a private key");
		return CW_EINVAL;
	}
	if ((err = cw_keyfile_describe(&doc, key)) < 0 ||
	    (err = seal(&sealed, key, cw_json_string(doc, "id"), master_key)) <
	            0)
		goto out;
	if (!cJSON_AddStringToObject(doc, "privateKeySealed", sealed) ||
	    !(text = cJSON_Print(doc))) {
		err = CW_ENOMEM;
		goto out;
	}
	err = cw_file_create(path, text, strlen(text), 0600);
out:
	if (text)
		cJSON_free(text);
	cw_free(sealed);
	cJSON_Delete(doc);
	return err;
}

/* The key must be the one the file's id names. */
static int check_id(const cw_key *key, const char *id, const char *type)
{
	cw_buf want = CW_BUF_INIT(4096);
	int err = cw_keyfile_id(&want, key);

	if (err == 0 &&
	    (strcmp(want.data, id) != 0 ||
	     strcmp(type, cw_key_type_name(cw_key_get_type(key))) != 0)) {
		cw_error_set("key file: its id or type does not match its "
		             "private key");
		err = CW_EINVAL;
	}
	cw_buf_dispose(&want);
	return err;
}

static int open_sealed(cw_key **out, const cJSON *doc,
                       const unsigned char *master_key)
{
	const char *id = cw_json_string(doc, "id"),
	           *type = cw_json_string(doc, "type"),
	           *sealed = cw_json_string(doc, "privateKeySealed");
	cw_buf aad = CW_BUF_INIT(4096);
	char *der = NULL;
	size_t der_len = 0;
	int err;

	if (!id || !type || !sealed) {
		cw_error_set("key file: expected string members type, id and "
		             "privateKeySealed");
		return CW_EINVAL;
	}
	if (!master_key) {
		cw_error_set("key file: opening it needs the master key");
		return CW_EINVAL;
	}
	if ((err = make_aad(&aad, id)) < 0 ||
	    (err = cw_secretbox_open(&der, &der_len, master_key, aad.data,
	                             sealed, strlen(sealed))) < 0 ||
	    (err = cw_key_from_der(out, (unsigned char *)der, der_len)) < 0)
		goto out;
	if (!cw_key_is_private(*out)) {
		cw_error_set("key file: the sealed key is not private");
		err = CW_EINVAL;
	}
	if (err == 0)
		err = check_id(*out, id, type);
out:
	if (der)
		OPENSSL_cleanse(der, der_len);
	cw_free(der);
	cw_buf_dispose(&aad);
	if (err < 0) {
		cw_key_free(*out);
		*out = NULL;
	}
	return err;
}

int cw_keyfile_parse(cw_key **out, const char *text, size_t len,
                     const unsigned char master_key[CW_SECRETBOX_KEY_LEN])
{
	cJSON *doc = NULL;
	size_t skip = 0;
	int err;

	*out = NULL;
	while (skip < len && strchr(" \t\r\n", text[skip]) && text[skip])
		skip++;
	if (len - skip >= 10 && memcmp(text + skip, "-----BEGIN", 10) == 0)
		return cw_key_read_pem(out, text, len);
	if ((err = cw_json_parse(&doc, text, len, 8, NULL)) < 0 ||
	    !cJSON_IsObject(doc)) {
		cw_error_set("not a key file (JSON from `crosswalk keys "
		             "generate`) or a PEM key");
		err = CW_EINVAL;
		goto out;
	}
	err = open_sealed(out, doc, master_key);
out:
	cJSON_Delete(doc);
	return err;
}

int cw_keyfile_read(cw_key **out, const char *path,
                    const unsigned char master_key[CW_SECRETBOX_KEY_LEN])
{
	char *text = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = cw_file_read(&text, &len, path, CW_LIMIT_KEYFILE)) < 0)
		return err;
	err = cw_keyfile_parse(out, text, len, master_key);
	if (err < 0) {
		char detail[512];

		snprintf(detail, sizeof(detail), "%s", cw_error_last());
		cw_error_set("%s: %s", path, detail);
	}
	OPENSSL_cleanse(text, len);
	cw_free(text);
	return err;
}
