/* crosswalk issuer add | list | rotate-key, achievement add, badge issue |
 * revoke | status-list: Open Badges 3.0 issuing from the command line. */
#include "cli/cli.h"

#include "engine/badges.h"
#include "engine/datadir.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define INPUT_MAX (64L << 20) /* bytes of an achievement or batch file */

/* The store, the master key and the base URL every command needs. */
typedef struct {
	cw_cli_env env;
	unsigned char master[CW_MASTER_KEY_LEN];
	cw_buf base;
	cw_badges badges;
} session;

static int session_open(session *s, const cw_args *args)
{
	int code = cw_cli_env_open(&s->env, args, NULL), err;

	s->base = (cw_buf)CW_BUF_INIT(4096);
	if (code)
		return code;
	if ((err = cw_datadir_master_key(s->master, s->env.data_dir,
	                                 &s->env.config)) < 0) {
		cw_cli_env_close(&s->env);
		return cw_cli_fail(args, err);
	}
	if (*s->env.config.public_base_url)
		cw_buf_puts(&s->base, s->env.config.public_base_url);
	else
		cw_buf_printf(&s->base, "http://%s", s->env.config.listen);
	s->badges = (cw_badges){ s->env.store, s->master, cw_buf_cstr(&s->base),
		                 NULL };
	return 0;
}

static void session_close(session *s)
{
	memset(s->master, 0, sizeof(s->master));
	cw_buf_dispose(&s->base);
	cw_cli_env_close(&s->env);
}

static int need(const cw_args *args, const char *name)
{
	if (cw_args_get(args, name))
		return 0;
	fprintf(stderr, "crosswalk %s: --%s is required\n", args->spec->name,
	        name);
	return CW_EXIT_USAGE;
}

/* Prints the issuer (--json) or its handle; audits the action. */
static int finish(const cw_args *args, session *s, cJSON *doc, int err,
                  const char *action, const char *target)
{
	const char *tenant = cw_args_get(args, "tenant");
	int code;

	cw_cli_audit(s->env.store, tenant, action,
	             target ? target : cw_json_string(doc, "id"), err);
	if (err < 0) {
		cJSON_Delete(doc);
		return cw_cli_fail(args, err);
	}
	if (args->json)
		return cw_cli_print_json(doc);
	printf("%s\n", cw_json_string(doc, "id"));
	code = CW_EXIT_OK;
	cJSON_Delete(doc);
	return code;
}

/* ---- issuer -------------------------------------------------------------- */

static const cw_option issuer_add_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "name", "NAME", "the issuer's name (required)", 0 },
	{ "url", "URL",
	  "its URL, which becomes its id (default: the did:key of its key)",
	  0 },
	{ "email", "EMAIL", "its contact address", 0 },
	{ "description", "TEXT", "a description", 0 },
	{ "image", "URL", "its image", 0 },
	{ "jwt-key", "rsa|p256", "also a key for VC-JWT (RS256 or ES256)", 0 },
	{ "hosted", NULL, "its id is its URL on this gateway", 0 },
	{ "did-web", NULL, "its id is a did:web of this gateway's host", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec issuer_add_spec = {
	"issuer add",
	"--tenant NAME --name NAME [--url URL] [--email EMAIL] "
	"[--description TEXT] [--image URL] [--jwt-key rsa|p256] "
	"[--hosted | --did-web] [--json]",
	"Create a badge issuer with its signing keys; prints its id.",
	"An Ed25519 key signs Data Integrity proofs (eddsa-rdfc-2022) and, "
	"without\n--jwt-key, VC-JWTs (EdDSA). Private keys are sealed under "
	"the master key.\nThe issuer's public id is --url, else the did:key of "
	"its Ed25519 key\n(credentials then verify offline). --hosted makes "
	"it\n"
	"PUBLIC_BASE_URL/badges/TENANT/issuers/ID, where the daemon serves "
	"its\n"
	"Profile and keys; --did-web makes it "
	"did:web:HOST[%3APORT][:PATH]:badges:"
	"\nTENANT:issuers:ID, its DID document served at .../did.json (--url "
	"is\n"
	"then only its homepage). An RSA key (--jwt-key rsa) also signs OB "
	"2.0\n"
	"assertions. --json prints the issuer with its keys.",
	issuer_add_options,
	0,
	0
};

static int run_issuer_add(const cw_args *args)
{
	const char *jwt = cw_args_get(args, "jwt-key");
	cw_badge_issuer_spec spec = { cw_args_get(args, "name"),
		                      cw_args_get(args, "url"),
		                      cw_args_get(args, "email"),
		                      cw_args_get(args, "description"),
		                      cw_args_get(args, "image"),
		                      0,
		                      cw_args_get(args, "hosted")    ? "hosted"
		                      : cw_args_get(args, "did-web") ? "did:web"
		                                                     : NULL };
	cw_key_type type;
	cJSON *doc = NULL;
	session s;
	int code, err;

	if ((code = need(args, "tenant")) || (code = need(args, "name")))
		return code;
	if (cw_args_get(args, "hosted") && cw_args_get(args, "did-web")) {
		fprintf(stderr, "crosswalk issuer add: --hosted or --did-web, "
		                "not both\n");
		return CW_EXIT_USAGE;
	}
	if (jwt) {
		if (cw_key_type_parse(&type, jwt) < 0 ||
		    type == CW_KEY_ED25519) {
			fprintf(stderr,
			        "crosswalk issuer add: --jwt-key is rsa "
			        "or p256\n");
			return CW_EXIT_USAGE;
		}
		spec.jwt_key_type = (int)type;
	}
	if ((code = session_open(&s, args)))
		return code;
	err = cw_badges_issuer_create(&doc, &s.badges,
	                              cw_args_get(args, "tenant"), &spec);
	code = finish(args, &s, doc, err, "issuer.add", NULL);
	session_close(&s);
	return code;
}

static const cw_option tenant_only[] = { { "tenant", "NAME",
	                                   "the tenant (required)", 0 },
	                                 { NULL, NULL, NULL, 0 } };

static const cw_command_spec issuer_list_spec = {
	"issuer list",
	"--tenant NAME [--json]",
	"List a tenant's badge issuers and their keys.",
	"One line per issuer: id, public id, name, active key ids. --json\n"
	"prints an array of issuers with every key (no private material).",
	tenant_only,
	0,
	0
};

static void print_issuer(const cJSON *i)
{
	const cJSON *k;

	printf("%s\t%s\t%s", cw_json_string(i, "id"),
	       cw_json_string(i, "issuerId"), cw_json_string(i, "name"));
	cJSON_ArrayForEach(k, cJSON_GetObjectItem(i, "keys"))
	{
		if (strcmp(cw_json_string(k, "status"), "active") == 0)
			printf("\t%s:%s", cw_json_string(k, "type"),
			       cw_json_string(k, "kid"));
	}
	printf("\n");
}

static int run_issuer_list(const cw_args *args)
{
	cJSON *list = NULL, *i;
	session s;
	int code, err;

	if ((code = need(args, "tenant")) || (code = session_open(&s, args)))
		return code;
	err = cw_badges_issuer_list(&list, &s.badges,
	                            cw_args_get(args, "tenant"));
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		code = cw_cli_print_json(list);
		list = NULL;
	} else {
		cJSON_ArrayForEach(i, list) print_issuer(i);
	}
	cJSON_Delete(list);
	session_close(&s);
	return code;
}

static const cw_option rotate_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "type", "ed25519|rsa|p256", "the key to replace (default ed25519)",
	  0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec issuer_rotate_spec = {
	"issuer rotate-key",
	"--tenant NAME [--type ed25519|rsa|p256] [--json] ISSUER_ID",
	"Give an issuer a new active signing key.",
	"The key it replaces is retired, not deleted: what it signed still\n"
	"verifies. A did:key issuer's public id follows its active Ed25519\n"
	"key. Prints the new key's kid; --json the issuer.",
	rotate_options,
	1,
	1
};

static int run_issuer_rotate(const cw_args *args)
{
	const char *type_name = cw_args_get(args, "type");
	cw_key_type type = CW_KEY_ED25519;
	cJSON *doc = NULL, *k, *last = NULL;
	session s;
	int code, err;

	if ((code = need(args, "tenant")))
		return code;
	if (type_name && cw_key_type_parse(&type, type_name) < 0) {
		fprintf(stderr, "crosswalk issuer rotate-key: %s\n",
		        cw_error_last());
		return CW_EXIT_USAGE;
	}
	if ((code = session_open(&s, args)))
		return code;
	err = cw_badges_issuer_rotate(&doc, &s.badges,
	                              cw_args_get(args, "tenant"),
	                              args->positionals[0], type);
	cw_cli_audit(s.env.store, cw_args_get(args, "tenant"),
	             "issuer.rotate-key", args->positionals[0], err);
	if (err < 0) {
		code = cw_cli_fail(args, err);
	} else if (args->json) {
		code = cw_cli_print_json(doc);
		doc = NULL;
	} else {
		cJSON_ArrayForEach(k, cJSON_GetObjectItem(doc, "keys"))
		{
			if (strcmp(cw_json_string(k, "type"),
			           cw_key_type_name(type)) == 0)
				last = k;
		}
		printf("%s\n", last ? cw_json_string(last, "kid") : "");
	}
	cJSON_Delete(doc);
	session_close(&s);
	return code;
}

/* ---- achievement --------------------------------------------------------- */

static const cw_option achievement_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "issuer", "ISSUER_ID", "the issuer it belongs to (required)", 0 },
	{ "case-item", "ITEM_ID", "make it from a stored CASE CFItem", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec achievement_add_spec = {
	"achievement add",
	"--tenant NAME --issuer ISSUER_ID (FILE.json | --case-item ITEM_ID) "
	"[--json]",
	"Define an OB 3.0 achievement from JSON or from a CASE item.",
	"FILE.json is an Achievement: id (a URI), type Achievement, name,\n"
	"description and criteria (narrative or id) are required;\n"
	"achievementType is from the OB enum (or ext:…); every term must be\n"
	"one the OB 3.0 context defines. --case-item makes a Competency\n"
	"aligned to the CFItem (targetType CFItem). Adding an id again\n"
	"replaces its document. Prints its id; --json the document.",
	achievement_options,
	0,
	1
};

static int read_json_file(cJSON **out, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	cw_json_position where = { 0 };
	int err = cw_file_read(&text, &len, path, INPUT_MAX);

	if (err == 0 && (err = cw_json_parse(out, text, len, 64, &where)) < 0)
		cw_error_set("%s:%d:%d: %s", path, where.line, where.column,
		             cw_error_last());
	cw_free(text);
	return err;
}

static int run_achievement_add(const cw_args *args)
{
	const char *item = cw_args_get(args, "case-item");
	const char *tenant = cw_args_get(args, "tenant"),
	           *issuer = cw_args_get(args, "issuer");
	cJSON *doc = NULL, *in = NULL;
	session s;
	int code, err;

	if ((code = need(args, "tenant")) || (code = need(args, "issuer")))
		return code;
	if ((item != NULL) == (args->positional_count == 1)) {
		fprintf(stderr, "crosswalk achievement add: give FILE.json or "
		                "--case-item ITEM_ID\n");
		return CW_EXIT_USAGE;
	}
	if (!item && (err = read_json_file(&in, args->positionals[0])) < 0)
		return cw_cli_fail(args, err);
	if ((code = session_open(&s, args))) {
		cJSON_Delete(in);
		return code;
	}
	err = item ? cw_badges_achievement_from_case(&doc, &s.badges, tenant,
	                                             issuer, item)
	           : cw_badges_achievement_add(&doc, &s.badges, tenant, issuer,
	                                       in);
	code = finish(args, &s, doc, err, "achievement.add",
	              err < 0 ? (item ? item : args->positionals[0]) : NULL);
	cJSON_Delete(in);
	session_close(&s);
	return code;
}

/* ---- badge issue --------------------------------------------------------- */

static const cw_option issue_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "achievement", "ID", "the achievement awarded", 0 },
	{ "recipient", "EMAIL|SOURCEDID|DID",
	  "who earned it (emails and sourcedIds go in hashed)", 0 },
	{ "issuer", "ID", "the issuer (default: the achievement's)", 0 },
	{ "format", "di|jwt", "Data Integrity (default) or VC-JWT", 0 },
	{ "version", "3|2", "Open Badges 3.0 (default) or 2.0", 0 },
	{ "verification", "hosted|signed",
	  "OB 2.0: hosted by the daemon (default) or a signed JWS", 0 },
	{ "result", "VALUE", "a Result value (\"B\", \"85\")", 0 },
	{ "result-status", "STATUS", "a Result status (Completed …)", 0 },
	{ "achieved-level", "LEVEL", "a rubric level reached: id or name", 0 },
	{ "result-description", "ID", "the ResultDescription it answers", 0 },
	{ "evidence", "URL|TEXT", "evidence: a URL, else a narrative", 1 },
	{ "batch", "FILE.csv|FILE.json", "issue every row of a file", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec issue_spec = {
	"badge issue",
	"--tenant NAME (--achievement ID --recipient EMAIL|SOURCEDID|DID | "
	"--batch FILE.csv|FILE.json) [--issuer ID] [--format di|jwt] "
	"[--version 3|2] [--verification hosted|signed] "
	"[--result VALUE] [--result-status STATUS] [--achieved-level LEVEL] "
	"[--evidence URL|TEXT] [--json]",
	"Issue signed OB 3.0 OpenBadgeCredentials (or OB 2.0 assertions).",
	"Prints the signed credential (JSON, or the compact JWS); --json\n"
	"prints {\"id\", \"format\", \"credential\"}. A --batch CSV has the\n"
	"header recipient,achievement and optionally issuer, result,\n"
	"result_status, achieved_level, result_description, evidence; a JSON\n"
	"batch is an array of {recipient, achievement, issuer?, results?,\n"
	"evidence?}. Every row is checked first: when any is wrong, each is\n"
	"reported as FILE:LINE: message and nothing is issued. A batch prints\n"
	"the new ids, one a line (--json: [{\"line\", \"id\", \"recipient\",\n"
	"\"achievement\"}]).\n"
	"--version 2 issues OB 2.0 Assertions (no results): the recipient\n"
	"salted and hashed (type email, url, or id for a DID or sourcedId), "
	"the\n"
	"BadgeClass and Issuer hosted by the daemon under PUBLIC_BASE_URL/\n"
	"badges/TENANT/. --verification hosted (default) prints the "
	"Assertion,\n"
	"served at its id (410 Gone once revoked); signed prints an RS256 JWS\n"
	"whose verification.creator is the issuer's hosted key (the issuer\n"
	"needs an RSA key; revocation goes in its RevocationList). The id\n"
	"printed with --json (urn:uuid) is what badge revoke takes.",
	issue_options,
	0,
	0
};

static cJSON *results_of(const cw_args *args)
{
	return cw_badges_result_list(cw_args_get(args, "result"),
	                             cw_args_get(args, "result-status"),
	                             cw_args_get(args, "achieved-level"),
	                             cw_args_get(args, "result-description"));
}

static cJSON *evidence_of(const cw_args *args)
{
	int n = cw_args_count(args, "evidence");
	cJSON *list = n ? cJSON_CreateArray() : NULL;

	for (int i = 0; list && i < n; i++) {
		const char *e = cw_args_get_nth(args, "evidence", i);
		cJSON *o = cJSON_CreateObject();
		int url = strncmp(e, "http://", 7) == 0 ||
		          strncmp(e, "https://", 8) == 0;

		if (!o)
			break;
		cJSON_AddItemToArray(list, o);
		cJSON_AddStringToObject(o, url ? "id" : "narrative", e);
	}
	return list;
}

static int issue_one(const cw_args *args, session *s, const char *format)
{
	cJSON *results = results_of(args), *evidence = evidence_of(args);
	cw_badge_request req = { cw_args_get(args, "achievement"),
		                 cw_args_get(args, "recipient"),
		                 cw_args_get(args, "issuer"),
		                 format,
		                 results,
		                 evidence,
		                 NULL,
		                 NULL };
	cw_badge_issued issued;
	int err = cw_badges_issue(&issued, &s->badges,
	                          cw_args_get(args, "tenant"), &req),
	    code;

	cJSON_Delete(results);
	cJSON_Delete(evidence);
	cw_cli_audit(s->env.store, cw_args_get(args, "tenant"), "badge.issue",
	             err == 0 ? issued.id : req.achievement, err);
	if (err < 0)
		return cw_cli_fail(args, err);
	if (args->json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddStringToObject(doc, "id", issued.id);
		cJSON_AddStringToObject(doc, "format", issued.format);
		cJSON_AddStringToObject(doc, "credential", issued.credential);
		code = cw_cli_print_json(doc);
	} else {
		code = printf("%s\n", issued.credential) < 0 ? CW_EXIT_INTERNAL
		                                             : CW_EXIT_OK;
	}
	cw_badge_issued_dispose(&issued);
	return code;
}

static void on_row_error(unsigned long line, const char *message, void *payload)
{
	fprintf(stderr, "%s:%lu: %s\n", (const char *)payload, line, message);
}

static int issue_batch(const cw_args *args, session *s, const char *format)
{
	const char *path = cw_args_get(args, "batch");
	size_t n = strlen(path), len = 0;
	int csv = n > 4 && strcasecmp(path + n - 4, ".csv") == 0;
	cJSON *issued = NULL, *i;
	char *text = NULL;
	int err = cw_file_read(&text, &len, path, INPUT_MAX), code;

	if (err < 0)
		return cw_cli_fail(args, err);
	err = cw_badges_issue_batch(&issued, &s->badges,
	                            cw_args_get(args, "tenant"), text, len, csv,
	                            format, on_row_error, (void *)path);
	cw_free(text);
	cw_cli_audit(s->env.store, cw_args_get(args, "tenant"), "badge.issue",
	             path, err);
	if (err < 0)
		return cw_cli_fail(args, err);
	if (args->json)
		return cw_cli_print_json(issued);
	cJSON_ArrayForEach(i, issued) printf("%s\n", cw_json_string(i, "id"));
	code = fflush(stdout) == 0 ? CW_EXIT_OK : CW_EXIT_INTERNAL;
	cJSON_Delete(issued);
	return code;
}

/* --version 2 [--verification …] as the engine's ob2-* format. */
static int engine_format(const cw_args *args, const char **format)
{
	const char *version = cw_args_get(args, "version");
	const char *verification = cw_args_get(args, "verification");

	if (version && strcmp(version, "3") != 0 && strcmp(version, "2") != 0) {
		fprintf(stderr, "crosswalk badge issue: --version is 3 or 2\n");
		return CW_EXIT_USAGE;
	}
	if (!version || strcmp(version, "3") == 0) {
		if (!verification)
			return 0;
		fprintf(stderr, "crosswalk badge issue: --verification is for "
		                "--version 2\n");
		return CW_EXIT_USAGE;
	}
	if (*format) {
		fprintf(stderr, "crosswalk badge issue: --format is for "
		                "--version 3\n");
		return CW_EXIT_USAGE;
	}
	if (verification && strcmp(verification, "hosted") != 0 &&
	    strcmp(verification, "signed") != 0) {
		fprintf(stderr, "crosswalk badge issue: --verification is "
		                "hosted or signed\n");
		return CW_EXIT_USAGE;
	}
	*format = verification && strcmp(verification, "signed") == 0
	                  ? "ob2-signed"
	                  : "ob2-hosted";
	return 0;
}

static int run_issue(const cw_args *args)
{
	int batch = cw_args_get(args, "batch") != NULL;
	const char *format = cw_args_get(args, "format");
	session s;
	int code;

	if ((code = need(args, "tenant")))
		return code;
	if (batch == (cw_args_get(args, "achievement") ||
	              cw_args_get(args, "recipient")) ||
	    (!batch && ((code = need(args, "achievement")) ||
	                (code = need(args, "recipient"))))) {
		if (!code)
			fprintf(stderr, "crosswalk badge issue: give "
			                "--achievement and --recipient, or "
			                "--batch FILE\n");
		return CW_EXIT_USAGE;
	}
	if (format && strcmp(format, "di") != 0 && strcmp(format, "jwt") != 0) {
		fprintf(stderr,
		        "crosswalk badge issue: --format is di or jwt\n");
		return CW_EXIT_USAGE;
	}
	if ((code = engine_format(args, &format)))
		return code;
	if ((code = session_open(&s, args)))
		return code;
	code = batch ? issue_batch(args, &s, format)
	             : issue_one(args, &s, format);
	session_close(&s);
	return code;
}

/* ---- revoke and status lists --------------------------------------------- */

static const cw_option revoke_options[] = {
	{ "tenant", "NAME", "the tenant (default: the one that issued it)", 0 },
	{ "reason", "TEXT", "why (required; in the revocation list)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec revoke_spec = {
	"badge revoke",
	"CREDENTIAL_ID|ASSERTION_URL --reason TEXT [--tenant NAME]",
	"Revoke an issued credential.",
	"Its bit is set in its issuer's status list from now on (badge\n"
	"status-list), and it is listed in the 1EdTechRevocationList. An OB "
	"2.0\n"
	"assertion (its urn:uuid, or a hosted one's URL) answers 410 Gone at "
	"its\n"
	"URL when hosted, and is listed in its issuer's RevocationList.",
	revoke_options,
	1,
	1
};

static int add_tenant_name(const cw_tenant *t, void *payload)
{
	cJSON *names = payload;
	return cJSON_AddItemToArray(names, cJSON_CreateString(t->name))
	               ? 0
	               : CW_ENOMEM;
}

/* Revokes in the tenant given, or (CLI.md has no --tenant) in whichever
 * tenant holds the credential: ids are urn:uuid, unique across tenants. */
static int revoke_anywhere(session *s, const cw_args *args, const char *id,
                           const char **tenant)
{
	const char *reason = cw_args_get(args, "reason");
	cJSON *names = NULL, *name;
	int err;
	if ((*tenant = cw_args_get(args, "tenant")))
		return cw_badges_revoke(&s->badges, *tenant, id, reason);
	if (!(names = cJSON_CreateArray()) ||
	    (err = cw_store_tenant_list(s->env.store, add_tenant_name, names)) <
	            0) {
		cJSON_Delete(names);
		return names ? err : CW_ENOMEM;
	}
	err = CW_ENOTFOUND;
	cJSON_ArrayForEach(name, names)
	{
		err = cw_badges_revoke(&s->badges, name->valuestring, id,
		                       reason);
		if (err != CW_ENOTFOUND) {
			*tenant = cw_strdup(name->valuestring);
			break;
		}
	}
	if (err == CW_ENOTFOUND)
		cw_error_set("no tenant issued %s", id);
	cJSON_Delete(names);
	return err;
}

static int run_revoke(const cw_args *args)
{
	session s;
	const char *tenant = NULL;
	int code, err;

	if ((code = need(args, "reason")) || (code = session_open(&s, args)))
		return code;
	err = revoke_anywhere(&s, args, args->positionals[0], &tenant);
	cw_cli_audit(s.env.store, tenant, "badge.revoke", args->positionals[0],
	             err);
	code = err < 0 ? cw_cli_fail(args, err) : CW_EXIT_OK;
	if (err == 0)
		printf("revoked %s\n", args->positionals[0]);
	if (tenant && tenant != cw_args_get(args, "tenant"))
		cw_free((char *)tenant);
	session_close(&s);
	return code;
}

static const cw_option status_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "issuer", "ID", "the issuer (required)", 0 },
	{ "revocation-list", NULL,
	  "print the 1EdTechRevocationList JSON instead", 0 },
	{ "list", "N", "the status list number (default 0)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const cw_command_spec status_spec = {
	"badge status-list",
	"--tenant NAME --issuer ID [--list N] [--revocation-list]",
	"Print an issuer's signed revocation status list credential.",
	"A BitstringStatusListCredential (statusPurpose revocation, the GZIP\n"
	"bitstring in encodedList) signed with the issuer's active Ed25519\n"
	"key: what its credentials' statusListCredential URL serves. Each\n"
	"list holds 131,072 credentials; the issuer's next ones go on list 1\n"
	"(at the URL + /1), and so on: --list N prints list N.\n"
	"--revocation-list prints the 1EdTechRevocationList instead.",
	status_options,
	0,
	0
};

static int run_status(const cw_args *args)
{
	const char *list = cw_args_get(args, "list");
	int64_t n = list && strcmp(list, "0") != 0
	                    ? cw_badges_status_list_number(list)
	                    : 0;
	cJSON *doc = NULL;
	session s;
	int code, err;

	if ((code = need(args, "tenant")) || (code = need(args, "issuer")))
		return code;
	if (n < 0) {
		cw_error_set("--list: expected a number from 0 to %d",
		             CW_BADGE_STATUS_LISTS_MAX - 1);
		return cw_cli_fail(args, CW_EINVAL);
	}
	if ((code = session_open(&s, args)))
		return code;
	if (cw_args_get(args, "revocation-list"))
		err = cw_badges_revocation_list(&doc, &s.badges,
		                                cw_args_get(args, "tenant"),
		                                cw_args_get(args, "issuer"));
	else
		err = cw_badges_status_list_n(&doc, &s.badges,
		                              cw_args_get(args, "tenant"),
		                              cw_args_get(args, "issuer"), n);
	code = err < 0 ? cw_cli_fail(args, err) : cw_cli_print_json(doc);
	session_close(&s);
	return code;
}

const cw_command cw_cmd_issuer_add = { &issuer_add_spec, run_issuer_add };
const cw_command cw_cmd_issuer_list = { &issuer_list_spec, run_issuer_list };
const cw_command cw_cmd_issuer_rotate = { &issuer_rotate_spec,
	                                  run_issuer_rotate };
const cw_command cw_cmd_achievement_add = { &achievement_add_spec,
	                                    run_achievement_add };
const cw_command cw_cmd_badge_issue = { &issue_spec, run_issue };
const cw_command cw_cmd_badge_revoke = { &revoke_spec, run_revoke };
const cw_command cw_cmd_badge_status = { &status_spec, run_status };
