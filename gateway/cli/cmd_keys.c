/* crosswalk keys generate: a new signing key in a file sealed under the
 * data dir's master key. */
#include "cli/cli.h"

#include "crypto/key.h"
#include "engine/datadir.h"
#include "engine/keyfile.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static const cw_option generate_options[] = {
	{ "type", "ed25519|rsa|p256", "the key type (required)", 0 },
	{ "out", "FILE", "the key file to create (required; never replaced)",
	  0 },
	{ NULL, NULL, NULL, 0 },
};

static const cw_command_spec generate_spec = {
	"keys generate",
	"--type ed25519|rsa|p256 --out FILE [--json]",
	"Generate a signing key; prints the id FILE names it by.",
	"Ed25519 signs Data Integrity proofs (eddsa-rdfc-2022) and VC-JWTs\n"
	"(EdDSA); rsa is RSA-2048 (RS256) and p256 ECDSA P-256 (ES256).\n"
	"FILE is created mode 0600 and holds JSON: type, id, "
	"publicKeyMultibase\n"
	"(not for rsa), publicKeyJwk and privateKeySealed, the PKCS#8 key\n"
	"sealed with AES-256-GCM under the data dir's master key. The id is\n"
	"the did:key verification method for ed25519, "
	"else\n" CW_KEYFILE_THUMBPRINT_URN
	"THUMBPRINT\n(RFC 7638). --json prints {\"file\", \"type\", \"id\", "
	"\"did\", \"publicKeyMultibase\", \"jwk_thumbprint\"}.",
	generate_options,
	0,
	0
};

static int add_or_null(cJSON *doc, const char *name, const cw_buf *value)
{
	cJSON *item = value->len ? cJSON_CreateString(value->data)
	                         : cJSON_CreateNull();

	return item && cJSON_AddItemToObject(doc, name, item) ? 0 : CW_ENOMEM;
}

static cJSON *report(const char *path, const cw_key *key, const cw_buf *id)
{
	cw_buf did = CW_BUF_INIT(4096), mb = CW_BUF_INIT(4096),
	       thumb = CW_BUF_INIT(128);
	cJSON *doc = cJSON_CreateObject();
	int err = doc ? 0 : CW_ENOMEM;

	if (cw_key_get_type(key) != CW_KEY_RSA && err == 0 &&
	    ((err = cw_key_did(&did, key)) < 0 ||
	     (err = cw_key_multibase(&mb, key)) < 0))
		goto out;
	if (err == 0 && (err = cw_key_jwk_thumbprint(&thumb, key)) < 0)
		goto out;
	if (!cJSON_AddStringToObject(doc, "file", path) ||
	    !cJSON_AddStringToObject(doc, "type",
	                             cw_key_type_name(cw_key_get_type(key))) ||
	    add_or_null(doc, "id", id) < 0 ||
	    add_or_null(doc, "did", &did) < 0 ||
	    add_or_null(doc, "publicKeyMultibase", &mb) < 0 ||
	    add_or_null(doc, "jwk_thumbprint", &thumb) < 0)
		err = CW_ENOMEM;
out:
	cw_buf_dispose(&did);
	cw_buf_dispose(&mb);
	cw_buf_dispose(&thumb);
	if (err < 0) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	return doc;
}

static int generate(const cw_args *args, cw_key_type type, const char *path)
{
	unsigned char master[CW_MASTER_KEY_LEN];
	cw_buf id = CW_BUF_INIT(4096);
	cw_key *key = NULL;
	cw_cli_env env;
	int code = cw_cli_env_open(&env, args, NULL), err;

	if (code)
		return code;
	err = cw_datadir_master_key(master, env.data_dir, &env.config);
	if (err == 0 && (err = cw_key_generate(&key, type)) == 0 &&
	    (err = cw_keyfile_id(&id, key)) == 0)
		err = cw_keyfile_write(path, key, master);
	memset(master, 0, sizeof(master));
	if (err == CW_EEXISTS)
		cw_error_set("%s exists; a key file is never replaced", path);
	if (err < 0)
		code = cw_cli_fail(args, err);
	else if (args->json)
		code = cw_cli_print_json(report(path, key, &id));
	else
		printf("%s\n", id.data);
	cw_key_free(key);
	cw_buf_dispose(&id);
	cw_cli_env_close(&env);
	return code;
}

static int run_generate(const cw_args *args)
{
	const char *type_name = cw_args_get(args, "type"),
	           *path = cw_args_get(args, "out");
	cw_key_type type;

	if (!type_name || !path) {
		fprintf(stderr, "crosswalk keys generate: --type and --out are "
		                "required\n");
		return CW_EXIT_USAGE;
	}
	if (cw_key_type_parse(&type, type_name) < 0) {
		fprintf(stderr, "crosswalk keys generate: %s\n",
		        cw_error_last());
		return CW_EXIT_USAGE;
	}
	return generate(args, type, path);
}

const cw_command cw_cmd_keys_generate = { &generate_spec, run_generate };
