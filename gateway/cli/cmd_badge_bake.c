/* crosswalk badge bake | badge unbake: a credential into a PNG or SVG image
 * and back out. */
#include "cli/cli.h"

#include "badge/bake.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"
#include "util/limits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const cw_option bake_options[] = {
	{ "credential", "FILE", "the credential: JSON or a compact JWS", 0 },
	{ "image", "IN.png|IN.svg", "the image to bake it into", 0 },
	{ "out", "OUT", "the baked image (replaced if it exists)", 0 },
	{ "version", "3|2",
	  "the Open Badges version (default: from the credential)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec bake_spec = {
	"badge bake",
	"--credential FILE --image IN.png|IN.svg --out OUT [--version 3|2]",
	"Bake a credential into a PNG or SVG badge image.",
	"PNG: an uncompressed iTXt chunk after IHDR, keyword "
	"openbadgecredential\n(3.0) or openbadges (2.0). SVG: a first child of "
	"<svg>,\n<openbadges:credential> (3.0) or <openbadges:assertion> "
	"(2.0), holding\nthe JSON in CDATA or a JWS in its verify attribute. A "
	"credential already\nbaked is replaced. The version comes from the "
	"credential's @context (a\nJWS: from its payload; a \"vc\" claim "
	"means 3.0); --version overrides it.\nOUT is written beside itself "
	"and renamed into place. Exit 1 for a\ncorrupt image or credential.",
	bake_options,
	0,
	0
};

static const cw_command_spec unbake_spec = {
	"badge unbake",
	"IMAGE [--json]",
	"Print the credential baked into a PNG or SVG image.",
	"Prints the embedded credential (JSON or compact JWS) on stdout, "
	"with a\nnewline unless it ends with one. An Open Badges 2.0 hosted "
	"badge prints\nits assertion URL (stderr says so). Exit 1 when the "
	"image carries no\ncredential or is corrupt. --json prints "
	"{\"version\": \"3.0\"|\"2.0\", \"url\":\nBOOL, \"credential\": "
	"TEXT}.",
	bake_options + 4,
	1,
	1
};

/* Prints "crosswalk CMD: PATH: message"; returns the exit code. */
static int fail_file(const cw_args *args, const char *path, int err)
{
	fprintf(stderr, "crosswalk %s: %s: %s\n", args->spec->name, path,
	        *cw_error_last() ? cw_error_last() : cw_error_name(err));
	return cw_cli_exit_code(err);
}

/* 3 or 2 from the @context URLs of a credential or assertion; 0 unknown. */
static int context_version(const cJSON *doc)
{
	const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(doc, "@context");
	const cJSON *item = cJSON_IsArray(ctx) ? ctx->child : ctx;
	int version = 0;

	for (; item; item = cJSON_IsArray(ctx) ? item->next : NULL) {
		const char *url = cJSON_GetStringValue(item);

		if (!url)
			continue;
		if (strncmp(url, "https://www.w3.org/ns/credentials/", 34) ==
		            0 ||
		    strncmp(url, "https://www.w3.org/2018/credentials/", 36) ==
		            0 ||
		    strncmp(url, "https://purl.imsglobal.org/spec/ob/v3p0",
		            39) == 0)
			return 3;
		if (strncmp(url, "https://w3id.org/openbadges/v2", 30) == 0)
			version = 2;
	}
	return version;
}

/* A compact JWS: 3.0 when its payload has a "vc" claim or a VC context. */
static int jws_version(const char *jws, size_t len)
{
	const char *dot = memchr(jws, '.', len), *end;
	unsigned char *payload = NULL;
	size_t payload_len = 0;
	cJSON *claims = NULL;
	int version = 2;

	if (!dot ||
	    !(end = memchr(dot + 1, '.', len - (size_t)(dot + 1 - jws))))
		return 0;
	if (cw_base64url_decode(&payload, &payload_len, dot + 1,
	                        (size_t)(end - dot - 1)) < 0 ||
	    cw_json_parse(&claims, (const char *)payload, payload_len,
	                  CW_LIMIT_JSON_DEPTH_DEFAULT, NULL) < 0)
		version = 0;
	else if (cJSON_IsObject(
	                 cJSON_GetObjectItemCaseSensitive(claims, "vc")) ||
	         context_version(claims) == 3)
		version = 3;
	cJSON_Delete(claims);
	cw_free(payload);
	return version;
}

typedef struct {
	char *text; /* the file */
	const char *payload;
	size_t len;
	int version;  /* 3, 2 or 0 when unknown */
	char *verify; /* a 2.0 hosted assertion's id, or NULL */
} credential;

static int load_credential(credential *c, const char *path)
{
	cJSON *doc = NULL;
	size_t len = 0, file_len;
	int err = cw_file_read(&c->text, &len, path, CW_LIMIT_BADGE_PAYLOAD);

	if (err < 0)
		return err;
	file_len = len;
	c->payload = c->text;
	while (len && strchr(" \t\r\n", c->payload[0]))
		c->payload++, len--;
	if (len && c->payload[0] != '{') {
		while (len && strchr(" \t\r\n", c->payload[len - 1]))
			len--;
		c->len = len;
		c->version = jws_version(c->payload, len);
		return 0;
	}
	c->payload = c->text;
	c->len = file_len;
	if ((err = cw_json_parse(&doc, c->text, c->len,
	                         CW_LIMIT_JSON_DEPTH_DEFAULT, NULL)) < 0)
		return err;
	c->version = context_version(doc);
	if (c->version == 2) {
		const char *id = cw_json_string(doc, "id");

		if (id && (strncmp(id, "https://", 8) == 0 ||
		           strncmp(id, "http://", 7) == 0))
			c->verify = cw_strdup(id);
	}
	cJSON_Delete(doc);
	return 0;
}

/* Replaces path with the bytes: written beside it, then renamed over. */
static int write_atomically(const char *path, const cw_buf *bytes)
{
	char temp[4200];
	int n = snprintf(temp, sizeof(temp), "%s.tmp%ld", path, (long)getpid());

	if (n < 0 || (size_t)n >= sizeof(temp)) {
		cw_error_set("%s: path too long", path);
		return CW_EINVAL;
	}
	(void)unlink(temp);
	if (cw_file_create(temp, bytes->data, bytes->len, 0644) < 0)
		return CW_EIO;
	if (rename(temp, path) != 0) {
		cw_error_set("%s: %s", path, strerror(errno));
		(void)unlink(temp);
		return CW_EIO;
	}
	return 0;
}

/* --version, else the credential's; a usage error or exit 1 otherwise. */
static int pick_version(cw_badge_version *out, const cw_args *args,
                        const credential *c)
{
	const char *flag = cw_args_get(args, "version");

	if (flag && strcmp(flag, "3") && strcmp(flag, "2")) {
		fprintf(stderr,
		        "crosswalk badge bake: --version must be 3 or "
		        "2, not \"%s\"\n",
		        flag);
		return CW_EXIT_USAGE;
	}
	if (!flag && !c->version) {
		fprintf(stderr, "crosswalk badge bake: cannot tell the Open "
		                "Badges version of the credential (its "
		                "@context); pass --version 3|2\n");
		return CW_EXIT_INVALID;
	}
	*out = flag ? (flag[0] == '3' ? CW_BADGE_OB3 : CW_BADGE_OB2)
	            : (cw_badge_version)c->version;
	return CW_EXIT_OK;
}

/* Returns an exit code; a failure is printed with the file it concerns. */
static int bake_files(const cw_args *args, const credential *c,
                      cw_badge_version v)
{
	const char *image_path = cw_args_get(args, "image"),
	           *out_path = cw_args_get(args, "out");
	cw_buf out = CW_BUF_INIT(CW_BADGE_BAKED_MAX);
	char *image = NULL;
	size_t len = 0;
	int err, code = CW_EXIT_OK;

	err = cw_file_read(&image, &len, image_path, CW_LIMIT_BADGE_IMAGE);
	if (err == 0)
		err = cw_badge_bake(&out, (const unsigned char *)image, len, v,
		                    c->payload, c->len,
		                    v == CW_BADGE_OB2 ? c->verify : NULL);
	if (err < 0) {
		code = fail_file(args, image_path, err);
		goto out;
	}
	if ((err = write_atomically(out_path, &out)) < 0)
		code = fail_file(args, out_path, err);
out:
	cw_free(image);
	cw_buf_dispose(&out);
	return code;
}

static int run_bake(const cw_args *args)
{
	const char *path = cw_args_get(args, "credential");
	credential c = { NULL, NULL, 0, 0, NULL };
	cw_badge_version v = CW_BADGE_OB3;
	int err, code;

	if (!path || !cw_args_get(args, "image") || !cw_args_get(args, "out")) {
		fprintf(stderr, "crosswalk badge bake: --credential, --image "
		                "and --out are required\n");
		return CW_EXIT_USAGE;
	}
	if ((err = load_credential(&c, path)) < 0) {
		code = fail_file(args, path, err);
		goto out;
	}
	if ((code = pick_version(&v, args, &c)) == CW_EXIT_OK)
		code = bake_files(args, &c, v);
out:
	cw_free(c.text);
	cw_free(c.verify);
	return code;
}

static int print_found(const cw_args *args, const char *payload, size_t len,
                       cw_badge_version version, int is_url)
{
	cJSON *doc;

	if (args->json) {
		doc = cJSON_CreateObject();
		if (doc &&
		    (!cJSON_AddStringToObject(
		             doc, "version",
		             version == CW_BADGE_OB3 ? "3.0" : "2.0") ||
		     !cJSON_AddBoolToObject(doc, "url", is_url) ||
		     !cJSON_AddStringToObject(doc, "credential", payload))) {
			cJSON_Delete(doc);
			doc = NULL;
		}
		return cw_cli_print_json(doc);
	}
	if (is_url)
		fprintf(stderr, "crosswalk badge unbake: an Open Badges 2.0 "
		                "hosted assertion; its URL follows\n");
	if (fwrite(payload, 1, len, stdout) != len ||
	    (payload[len - 1] != '\n' && putchar('\n') == EOF) ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "crosswalk badge unbake: cannot write the "
		                "output\n");
		return CW_EXIT_INTERNAL;
	}
	return CW_EXIT_OK;
}

static int run_unbake(const cw_args *args)
{
	const char *path = args->positionals[0];
	cw_badge_version version = CW_BADGE_OB3;
	char *image = NULL, *payload = NULL;
	size_t len = 0, payload_len = 0;
	int err, is_url = 0, code;

	err = cw_file_read(&image, &len, path, CW_LIMIT_BADGE_IMAGE);
	if (err == 0)
		err = cw_badge_unbake(&payload, &payload_len, &version, &is_url,
		                      (const unsigned char *)image, len);
	if (err < 0) {
		code = fail_file(args, path, err);
	} else {
		code = print_found(args, payload, payload_len, version, is_url);
	}
	cw_free(payload);
	cw_free(image);
	return code;
}

const cw_command cw_cmd_badge_bake = { &bake_spec, run_bake };
const cw_command cw_cmd_badge_unbake = { &unbake_spec, run_unbake };
