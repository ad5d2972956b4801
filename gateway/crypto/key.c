/* cw_key over EVP_PKEY: the three key types, generation, DER and PEM. */
#include "crypto/key_internal.h"

#include "util/alloc.h"
#include "util/error.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <string.h>

#define PEM_MAX (64 * 1024)

static const char *const type_names[] = { NULL, "ed25519", "rsa", "p256" };

int cw_key_type_parse(cw_key_type *out, const char *name)
{
	for (int t = CW_KEY_ED25519; t <= CW_KEY_P256; t++) {
		if (name && strcmp(name, type_names[t]) == 0) {
			*out = (cw_key_type)t;
			return 0;
		}
	}
	cw_error_set("key type must be ed25519, rsa or p256, not \"%s\"",
	             name ? name : "");
	return CW_EINVAL;
}

const char *cw_key_type_name(cw_key_type type)
{
	return type >= CW_KEY_ED25519 && type <= CW_KEY_P256 ? type_names[type]
	                                                     : "unknown";
}

int cw_key_openssl_fail(int err, const char *what)
{
	unsigned long code = ERR_peek_last_error();
	char detail[256] = "";

	if (code)
		ERR_error_string_n(code, detail, sizeof(detail));
	ERR_clear_error();
	cw_error_set("%s%s%s", what, *detail ? ": " : "", detail);
	return err;
}

/* Which of the three types pkey is, or 0. */
static cw_key_type classify(EVP_PKEY *pkey)
{
	char group[32] = "";
	int bits = EVP_PKEY_get_bits(pkey);

	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_ED25519: return CW_KEY_ED25519;
	case EVP_PKEY_RSA:
		return bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS ? CW_KEY_RSA
		                                                    : 0;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) !=
		    1)
			return 0;
		return strcmp(group, "prime256v1") == 0 ||
		                       strcmp(group, "P-256") == 0
		               ? CW_KEY_P256
		               : 0;
	default: return 0;
	}
}

int cw_key_wrap(cw_key **out, EVP_PKEY *pkey, int is_private)
{
	cw_key_type type = pkey ? classify(pkey) : 0;
	cw_key *key = NULL;

	*out = NULL;
	ERR_clear_error();
	if (!type) {
		EVP_PKEY_free(pkey);
		cw_error_set("unsupported key: expected Ed25519, P-256 or RSA "
		             "of %d to %d bits",
		             RSA_MIN_BITS, RSA_MAX_BITS);
		return CW_EUNSUPPORTED;
	}
	if (!(key = cw_malloc(sizeof(*key)))) {
		EVP_PKEY_free(pkey);
		return CW_ENOMEM;
	}
	key->type = type;
	key->pkey = pkey;
	key->is_private = is_private;
	key->has_ed25519 = 0;
	if (type == CW_KEY_ED25519)
		cw_key_ed25519_prepare(key);
	*out = key;
	return 0;
}

int cw_key_generate(cw_key **out, cw_key_type type)
{
	EVP_PKEY *pkey = NULL;

	*out = NULL;
	if (type == CW_KEY_ED25519)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else if (type == CW_KEY_RSA)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else if (type == CW_KEY_P256)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else
		return cw_key_type_parse(&type, NULL);
	if (!pkey)
		return cw_key_openssl_fail(CW_ENOMEM, "key generation failed");
	return cw_key_wrap(out, pkey, 1);
}

int cw_key_from_ed25519_seed(cw_key **out, const unsigned char seed[32])
{
	EVP_PKEY *pkey =
	        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);

	*out = NULL;
	if (!pkey)
		return cw_key_openssl_fail(CW_ENOMEM, "Ed25519 key from seed");
	return cw_key_wrap(out, pkey, 1);
}

int cw_key_from_ed25519_public(cw_key **out, const unsigned char pub[32])
{
	EVP_PKEY *pkey =
	        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);

	*out = NULL;
	if (!pkey)
		return cw_key_openssl_fail(CW_EINVAL, "Ed25519 public key");
	return cw_key_wrap(out, pkey, 0);
}

void cw_key_free(cw_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	OPENSSL_cleanse(key->ed25519_secret, sizeof(key->ed25519_secret));
	cw_free(key);
}

cw_key_type cw_key_get_type(const cw_key *key)
{
	return key->type;
}

int cw_key_is_private(const cw_key *key)
{
	return key->is_private;
}

int cw_key_private_der(cw_buf *out, const cw_key *key)
{
	PKCS8_PRIV_KEY_INFO *info = NULL;
	unsigned char *der = NULL;
	int len = -1, err;

	if (!key->is_private) {
		cw_error_set("not a private key");
		return CW_EINVAL;
	}
	info = EVP_PKEY2PKCS8(key->pkey);
	if (info)
		len = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
	PKCS8_PRIV_KEY_INFO_free(info);
	if (len <= 0)
		return cw_key_openssl_fail(CW_ENOMEM, "PKCS#8 encoding failed");
	err = cw_buf_put(out, der, (size_t)len);
	OPENSSL_clear_free(der, (size_t)len);
	return err;
}

int cw_key_public_der(cw_buf *out, const cw_key *key)
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(key->pkey, &der), err;

	if (len <= 0)
		return cw_key_openssl_fail(CW_ENOMEM, "SPKI encoding failed");
	err = cw_buf_put(out, der, (size_t)len);
	OPENSSL_free(der);
	return err;
}

int cw_key_from_der(cw_key **out, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = NULL;

	*out = NULL;
	if (len > PEM_MAX) {
		cw_error_set("DER key over %d bytes", PEM_MAX);
		return CW_ETOOBIG;
	}
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (pkey && p == der + len)
		return cw_key_wrap(out, pkey, 0);
	EVP_PKEY_free(pkey);
	p = der;
	pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
	if (pkey && p == der + len)
		return cw_key_wrap(out, pkey, 1);
	EVP_PKEY_free(pkey);
	return cw_key_openssl_fail(CW_EINVAL, "not a DER SPKI or PKCS#8 key");
}

int cw_key_write_pem(cw_buf *out, const cw_key *key, int include_private)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;
	int ok, err;

	if (!bio)
		return CW_ENOMEM;
	if (include_private && !key->is_private) {
		BIO_free(bio);
		cw_error_set("not a private key");
		return CW_EINVAL;
	}
	ok = include_private
	             ? PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, NULL, NULL,
	                                             0, NULL, NULL)
	             : PEM_write_bio_PUBKEY(bio, key->pkey);
	len = ok == 1 ? BIO_get_mem_data(bio, &data) : 0;
	err = len > 0 ? cw_buf_put(out, data, (size_t)len)
	              : cw_key_openssl_fail(CW_ENOMEM, "PEM encoding failed");
	if (len > 0)
		OPENSSL_cleanse(data, (size_t)len);
	BIO_free(bio);
	return err;
}

static int contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(text + i, needle, n) == 0)
			return 1;
	return 0;
}

/* Never prompt for a passphrase: encrypted PEM is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int cw_key_read_pem(cw_key **out, const char *pem, size_t len)
{
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	int is_public;

	*out = NULL;
	if (len > PEM_MAX) {
		cw_error_set("PEM key over %d bytes", PEM_MAX);
		return CW_ETOOBIG;
	}
	if (!(bio = BIO_new_mem_buf(pem, (int)len)))
		return CW_ENOMEM;
	is_public = contains(pem, len, "-----BEGIN PUBLIC KEY-----");
	pkey = is_public ? PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL)
	                 : PEM_read_bio_PrivateKey(bio, NULL, no_passphrase,
	                                           NULL);
	BIO_free(bio);
	if (!pkey)
		return cw_key_openssl_fail(CW_EINVAL,
		                           "not an unencrypted PEM key (PUBLIC "
		                           "KEY or PRIVATE KEY)");
	return cw_key_wrap(out, pkey, !is_public);
}
