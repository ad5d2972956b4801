/* crosswalk vc sign | vc verify: Data Integrity (eddsa-rdfc-2022) and
 * VC-JWT signing and verification of credential files. */
#include "cli/cli.h"

#include "crypto/dataintegrity.h"
#include "crypto/jws.h"
#include "crypto/validity.h"
#include "crypto/vcjwt.h"
#include "engine/datadir.h"
#include "engine/keyfile.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

#define CREDENTIAL_MAX (8L << 20)

static const cw_option sign_options[] = {
	{ "key", "FILE",
	  "the key file (crosswalk keys generate) or a PKCS#8 "
	  "PEM private key",
	  0 },
	{ "format", "di|jwt",
	  "Data Integrity eddsa-rdfc-2022 (default) or VC-JWT", 0 },
	{ "verification-method", "URL",
	  "the proof's verificationMethod (default: the key's did:key)", 0 },
	{ "created", "DATETIME", "the proof's created time (default: now)", 0 },
	{ "out-dir", "DIR", "write DIR/<file name> for each FILE", 0 },
	{ "map", "URL_PREFIX=DIR",
	  "serve documents under URL_PREFIX from files in DIR", 1 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_option verify_options[] = {
	{ "map", "URL_PREFIX=DIR",
	  "serve contexts and key documents under URL_PREFIX from DIR", 1 },
	{ NULL, NULL, NULL, 0 }
};

static int is_pem(const char *text)
{
	while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')
		text++;
	return strncmp(text, "-----BEGIN", 10) == 0;
}

/* A PEM key needs no data dir; a sealed key file needs its master key. */
static int load_key(cw_key **out, const cw_args *args)
{
	const char *path = cw_args_get(args, "key");
	char *text = NULL;
	size_t len = 0;
	int err = cw_file_read(&text, &len, path, 1L << 20);
	if (err < 0)
		return err;
	unsigned char master[CW_MASTER_KEY_LEN] = { 0 };
	if (!is_pem(text)) {
		cw_cli_env env;
		int code = cw_cli_env_open(&env, args, NULL);
		if (code) {
			cw_free(text);
			return CW_EIO;
		}
		err = cw_datadir_master_key(master, env.data_dir, &env.config);
		cw_cli_env_close(&env);
	}
	if (err == 0)
		err = cw_keyfile_parse(out, text, len, master);
	memset(master, 0, sizeof(master));
	cw_free(text);
	return err;
}

static int read_json(cJSON **out, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	const char *end = NULL;
	int err = cw_file_read(&text, &len, path, CREDENTIAL_MAX);
	if (err < 0)
		return err;
	*out = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!*out) {
		cw_error_set("not JSON (at byte %zu)",
		             end ? (size_t)(end - text) : (size_t)0);
		err = CW_EINVAL;
	}
	cw_free(text);
	return err;
}

static int default_vm(cw_buf *out, const cw_key *key, const cw_args *args)
{
	const char *vm = cw_args_get(args, "verification-method");
	if (vm)
		return cw_buf_puts(out, vm);
	if (cw_key_get_type(key) == CW_KEY_ED25519 ||
	    cw_key_get_type(key) == CW_KEY_P256)
		return cw_key_did_vm(out, key);
	return 0; /* RSA: no did:key; a VC-JWT then carries its jwk */
}

static int sign_document(cw_buf *out, const cJSON *credential,
                         const cw_key *key, const cw_args *args,
                         const cw_jsonld_loader *loader, const char *path)
{
	const char *format = cw_args_get(args, "format");
	cw_buf vm = CW_BUF_INIT(2048);
	int err = default_vm(&vm, key, args);
	if (err < 0)
		goto out;
	if (format && strcmp(format, "jwt") == 0) {
		err = cw_vcjwt_create(out, key, credential,
		                      vm.len ? cw_buf_cstr(&vm) : NULL);
		if (err == 0)
			err = cw_buf_putc(out, '\n');
		if (err < 0)
			fprintf(stderr, "%s: %s\n", path, cw_error_last());
		goto out;
	}
	cw_di_sign_options o = { cw_buf_cstr(&vm), cw_args_get(args, "created"),
		                 NULL, loader, NULL };
	cw_di_report report = { 0 };
	cJSON *signed_doc = NULL;
	if ((err = cw_di_sign(&signed_doc, credential, key, &o, &report)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", path,
		        report.step[0] ? report.step : "sign",
		        report.message[0] ? report.message : cw_error_last());
		goto out;
	}
	char *text = cJSON_PrintUnformatted(signed_doc);
	cJSON_Delete(signed_doc);
	err = text ? cw_buf_puts(out, text) : CW_ENOMEM;
	cJSON_free(text);
	if (err == 0)
		err = cw_buf_putc(out, '\n');
out:
	cw_buf_dispose(&vm);
	return err;
}

static int write_output(const cw_buf *text, const char *path,
                        const char *out_dir)
{
	if (!out_dir)
		return fwrite(text->data, 1, text->len, stdout) == text->len &&
		                       fflush(stdout) == 0
		               ? 0
		               : CW_EIO;
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	cw_buf target = CW_BUF_INIT(4096);
	cw_buf_printf(&target, "%s/%s", out_dir, name);
	int err = target.error;
	FILE *f = err ? NULL : fopen(cw_buf_cstr(&target), "wb");
	if (!err && (!f || fwrite(text->data, 1, text->len, f) != text->len))
		err = CW_EIO;
	if (f && fclose(f) != 0)
		err = CW_EIO;
	if (err)
		cw_error_set("cannot write %s", cw_buf_cstr(&target));
	cw_buf_dispose(&target);
	return err;
}

static int run_sign(const cw_args *args)
{
	const char *format = cw_args_get(args, "format");
	const char *out_dir = cw_args_get(args, "out-dir");
	cw_jsonld_loader *loader = NULL;
	cw_key *key = NULL;
	int err, worst = CW_EXIT_OK;
	if (format && strcmp(format, "di") != 0 && strcmp(format, "jwt") != 0) {
		fprintf(stderr,
		        "crosswalk vc sign: --format must be di or jwt\n");
		return CW_EXIT_USAGE;
	}
	if (!cw_args_get(args, "key")) {
		fprintf(stderr, "crosswalk vc sign: --key FILE is required\n");
		return CW_EXIT_USAGE;
	}
	if (args->positional_count > 1 && !out_dir) {
		fprintf(stderr, "crosswalk vc sign: several files need "
		                "--out-dir DIR\n");
		return CW_EXIT_USAGE;
	}
	if ((err = cw_cli_jsonld_loader(&loader, args)) < 0 ||
	    (err = load_key(&key, args)) < 0) {
		cw_jsonld_loader_free(loader);
		return err == CW_EUSAGE ? CW_EXIT_USAGE
		                        : cw_cli_fail(args, err);
	}
	for (int i = 0; i < args->positional_count; i++) {
		const char *path = args->positionals[i];
		cJSON *credential = NULL;
		cw_buf text = CW_BUF_INIT(64L << 20);
		if ((err = read_json(&credential, path)) < 0)
			fprintf(stderr, "%s: %s\n", path, cw_error_last());
		else if ((err = sign_document(&text, credential, key, args,
		                              loader, path)) == 0 &&
		         (err = write_output(&text, path, out_dir)) < 0)
			fprintf(stderr, "%s: %s\n", path, cw_error_last());
		cJSON_Delete(credential);
		cw_buf_dispose(&text);
		if (err < 0 && cw_cli_exit_code(err) > worst)
			worst = cw_cli_exit_code(err);
	}
	cw_key_free(key);
	cw_jsonld_loader_free(loader);
	return worst;
}

typedef struct {
	const char *format; /* "di" or "jwt" */
	cw_di_report di;
	char message[1024];
} verify_result;

static int verify_jwt(verify_result *v, const char *text, size_t len,
                      const cw_jsonld_loader *loader)
{
	cw_jws_result *parsed = NULL;
	cw_key *key = NULL;
	cJSON *credential = NULL;
	int err = cw_jws_parse(&parsed, text, len, 0);
	v->format = "jwt";
	if (err == 0 && parsed->kid && !parsed->jwk_key &&
	    (err = cw_di_resolve_key(&key, parsed->kid, loader)) == 0)
		snprintf(v->di.verification_method,
		         sizeof(v->di.verification_method), "%s", parsed->kid);
	if (err == 0) {
		snprintf(v->di.type, sizeof(v->di.type), "JWT %s",
		         parsed->alg ? parsed->alg : "");
		err = cw_vcjwt_verify(&credential, text, len, key);
	}
	if (err == 0 && (err = cw_vc_check_validity(
	                         credential, cw_time_now_ms(), v->di.message,
	                         sizeof(v->di.message))) < 0)
		snprintf(v->di.step, sizeof(v->di.step), "validity");
	if (err < 0)
		snprintf(v->message, sizeof(v->message), "%s", cw_error_last());
	cJSON_Delete(credential);
	cw_key_free(key);
	cw_jws_result_free(parsed);
	return err;
}

static int verify_file(verify_result *v, const char *path,
                       const cw_jsonld_loader *loader)
{
	char *text = NULL;
	size_t len = 0;
	cJSON *credential = NULL;
	int err = cw_file_read(&text, &len, path, CREDENTIAL_MAX);
	if (err < 0) {
		snprintf(v->message, sizeof(v->message), "%s", cw_error_last());
		return err;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
	               text[len - 1] == ' '))
		text[--len] = '\0';
	if (strncmp(text, "eyJ", 3) == 0) {
		err = verify_jwt(v, text, len, loader);
	} else if (!(credential = cJSON_ParseWithLength(text, len))) {
		snprintf(v->message, sizeof(v->message), "not JSON");
		err = CW_EINVAL;
	} else {
		cw_di_verify_options o = { loader, NULL, NULL };
		v->format = "di";
		err = cw_di_verify(credential, &o, &v->di);
		if (err == 0 &&
		    (err = cw_vc_check_validity(credential, cw_time_now_ms(),
		                                v->di.message,
		                                sizeof(v->di.message))) < 0)
			snprintf(v->di.step, sizeof(v->di.step), "validity");
		if (err < 0)
			snprintf(v->message, sizeof(v->message), "%s%s%s",
			         v->di.step, v->di.step[0] ? ": " : "",
			         v->di.message[0] ? v->di.message
			                          : cw_error_last());
	}
	cJSON_Delete(credential);
	cw_free(text);
	return err;
}

static cJSON *result_json(const char *path, const verify_result *v, int err)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "file", path);
	cJSON_AddBoolToObject(o, "verified", err == 0);
	if (v->format)
		cJSON_AddStringToObject(o, "format", v->format);
	if (v->di.type[0])
		cJSON_AddStringToObject(o, "type", v->di.type);
	if (v->di.cryptosuite[0])
		cJSON_AddStringToObject(o, "cryptosuite", v->di.cryptosuite);
	if (v->di.verification_method[0])
		cJSON_AddStringToObject(o, "verificationMethod",
		                        v->di.verification_method);
	if (v->di.proof_hash[0]) {
		cJSON_AddStringToObject(o, "proofHash", v->di.proof_hash);
		cJSON_AddStringToObject(o, "documentHash", v->di.document_hash);
	}
	if (err < 0) {
		if (v->di.step[0])
			cJSON_AddStringToObject(o, "step", v->di.step);
		cJSON_AddStringToObject(o, "error",
		                        v->di.message[0] ? v->di.message
		                                         : v->message);
	}
	return o;
}

/* Without --map, the DID documents of did:web verification methods (URLs
 * ending in /did.json) are fetched under the badge caps and the private
 * address rule; contexts and other key documents never are. */
static int did_fetch(void *arg, const char *url, cJSON **doc)
{
	const cw_fetch_options *net = arg;
	size_t n = strlen(url);
	char *text = NULL;
	size_t len = 0;
	int err;

	*doc = NULL;
	if (n < 9 || strcmp(url + n - 9, "/did.json") != 0) {
		cw_error_set("%s: not in the document loader", url);
		return CW_ENOTFOUND;
	}
	if ((err = cw_net_fetch_text(&text, &len, url, net)) == 0 &&
	    (err = cw_json_parse(doc, text, len, CW_LIMIT_JSON_DEPTH_DEFAULT,
	                         NULL)) < 0)
		cw_error_set("%s: not JSON", url);
	cw_free(text);
	return err;
}

static int run_verify(const cw_args *args)
{
	cw_jsonld_loader *loader = NULL;
	cw_fetch_options net = { CW_LIMIT_BADGE_FETCH_BYTES,
		                 CW_LIMIT_BADGE_FETCH_TIMEOUT, NULL,
		                 "application/did+ld+json, application/json",
		                 1 };
	int err = cw_cli_jsonld_loader(&loader, args), worst = CW_EXIT_OK;
	if (err < 0)
		return err == CW_EUSAGE ? CW_EXIT_USAGE
		                        : cw_cli_fail(args, err);
	if (!cw_args_count(args, "map")) {
		net.public_only = cw_cli_fetch_public_only(args);
		cw_jsonld_loader_set_fetch(loader, did_fetch, &net);
	}
	for (int i = 0; i < args->positional_count; i++) {
		const char *path = args->positionals[i];
		verify_result v = { 0 };
		err = verify_file(&v, path, loader);
		int code = err == 0        ? CW_EXIT_OK
		           : err == CW_EIO ? CW_EXIT_INTERNAL
		                           : CW_EXIT_INVALID;
		if (args->json) {
			cJSON *line = result_json(path, &v, err);
			char *s = line ? cJSON_PrintUnformatted(line) : NULL;
			if (s)
				printf("%s\n", s);
			cJSON_free(s);
			cJSON_Delete(line);
		} else if (err == 0) {
			printf("%s: verified (%s%s%s, %s)\n", path, v.di.type,
			       v.di.cryptosuite[0] ? " " : "", v.di.cryptosuite,
			       v.di.verification_method[0]
			               ? v.di.verification_method
			               : "the key in its header");
		} else {
			printf("%s: NOT verified: %s\n", path, v.message);
		}
		if (code > worst)
			worst = code;
	}
	fflush(stdout);
	cw_jsonld_loader_free(loader);
	return worst;
}

static const cw_command_spec sign_spec = {
	"vc sign",
	"--key FILE [--format di|jwt] [--verification-method URL] "
	"[--created DATETIME] [--out-dir DIR] FILE...",
	"Sign credentials: Data Integrity eddsa-rdfc-2022 or VC-JWT.",
	"With one FILE the signed credential goes to stdout; with --out-dir\n"
	"each goes to DIR/<same file name>. Data Integrity needs an Ed25519\n"
	"key; VC-JWT takes Ed25519 (EdDSA), RSA (RS256) or P-256 (ES256).\n"
	"The verification method defaults to the key's did:key. Terms no\n"
	"embedded context defines are an error, so nothing unsigned hides in\n"
	"the credential.",
	sign_options,
	1,
	CW_ARGS_MAX_POSITIONALS
};

static const cw_command_spec verify_spec = {
	"vc verify",
	"[--map URL_PREFIX=DIR] [--json] FILE...",
	"Verify signed credentials (Data Integrity proofs or VC-JWT).",
	"Supports DataIntegrityProof eddsa-rdfc-2022 and eddsa-2022,\n"
	"Ed25519Signature2020, and compact JWS VC-JWT (RS256, ES256, EdDSA).\n"
	"did:key verification methods resolve offline; other key documents\n"
	"come from --map. Without --map, did:web methods resolve by fetching\n"
	"their did.json (1 MiB, 10 s; loopback and private addresses only\n"
	"when fetch_private_addresses = 1). Exit 0 only when every file\n"
	"verifies; --json prints one line per file.",
	verify_options,
	1,
	CW_ARGS_MAX_POSITIONALS
};

const cw_command cw_cmd_vc_sign = { &sign_spec, run_sign };
const cw_command cw_cmd_vc_verify = { &verify_spec, run_verify };
