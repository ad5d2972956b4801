/* CASE end to end: packages the test writes, checked and imported through
 * the CLI and the admin API, then read through the 1.0 and 1.1 providers;
 * re-imports that add, change and retire; bad packages that store
 * nothing. */
#include "harness.h"
#include "or_set.h"

#include "util/json.h"

#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

Suite *suite_case(void);

#define CASE_SCOPE                                                             \
	"http://purl.imsglobal.org/casenetwork/case/v1p0/scope/core.readonly"
#define V11 "/ims/case/v1p1"
#define V10 "/ims/case/v1p0"

#define DOC  "11111111-2222-4333-8444-555555555555"
#define DOC2 "22222222-3333-4444-8555-666666666666"
#define I1   "a1000000-0000-4000-8000-000000000001"
#define I2   "a1000000-0000-4000-8000-000000000002"
#define I3   "a1000000-0000-4000-8000-000000000003"
#define I4   "a1000000-0000-4000-8000-000000000004"
#define EXT  "e0000000-0000-4000-8000-0000000000ee"
#define TYPE "b1000000-0000-4000-8000-0000000000a1"
#define C1   "c1000000-0000-4000-8000-0000000000c1"
#define C2   "c1000000-0000-4000-8000-0000000000c2"

static cwt_env env;
static cwt_daemon daemon_;
static char token[64], d2_token[64];

static cJSON *item(const char *id, const char *statement)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "identifier", id);
	cJSON_AddStringToObject(o, "uri", "https://example.org/uri/x");
	cJSON_AddStringToObject(o, "fullStatement", statement);
	cJSON_AddStringToObject(o, "humanCodingScheme", "M.1");
	cJSON_AddStringToObject(o, "CFItemType", "Standard");
	cJSON_AddStringToObject(o, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	return o;
}

static cJSON *link_to(const char *id)
{
	cJSON *l = cJSON_CreateObject();

	cJSON_AddStringToObject(l, "title", "node");
	cJSON_AddStringToObject(l, "identifier", id);
	cJSON_AddStringToObject(l, "uri", "https://example.org/uri/n");
	return l;
}

static cJSON *association(const char *id, const char *type, const char *from,
                          const char *to)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "identifier", id);
	cJSON_AddStringToObject(o, "uri", "https://example.org/uri/a");
	cJSON_AddStringToObject(o, "associationType", type);
	cJSON_AddItemToObject(o, "originNodeURI", link_to(from));
	cJSON_AddItemToObject(o, "destinationNodeURI", link_to(to));
	cJSON_AddStringToObject(o, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	return o;
}

static cJSON *definition(const char *id, const char *title, const char *code)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "identifier", id);
	cJSON_AddStringToObject(o, "uri", "https://example.org/uri/d");
	cJSON_AddStringToObject(o, "title", title);
	cJSON_AddStringToObject(o, "description", title);
	cJSON_AddStringToObject(o, "hierarchyCode", code);
	cJSON_AddStringToObject(o, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	return o;
}

/* Version 1: three items in a tree, an exactMatchOf outside, an item
 * type and two concepts. version 2: I3 gone, I1 reworded, I4 new. */
static cJSON *package(const char *doc_id, int version)
{
	cJSON *p = cJSON_CreateObject(), *doc = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(p, "CFItems");
	cJSON *assocs = cJSON_AddArrayToObject(p, "CFAssociations");
	cJSON *defs = cJSON_CreateObject();

	cJSON_AddStringToObject(doc, "identifier", doc_id);
	cJSON_AddStringToObject(doc, "uri", "https://example.org/uri/doc");
	cJSON_AddStringToObject(doc, "creator", "State DOE");
	cJSON_AddStringToObject(doc, "title", "Math Standards");
	cJSON_AddStringToObject(doc, "caseVersion", "1.1");
	cJSON_AddStringToObject(doc, "lastChangeDateTime",
	                        "2025-01-01T00:00:00+01:00");
	cJSON_AddItemToObject(p, "CFDocument", doc);
	cJSON_AddItemToArray(items,
	                     item(I1, version == 1 ? "Ratios" : "Ratios, v2"));
	cJSON_AddItemToArray(items, item(I2, "Unit rates"));
	cJSON_AddItemToArray(items, item(version == 1 ? I3 : I4, "Percent"));
	cJSON_AddItemToArray(assocs,
	                     association("f0000000-0000-4000-8000-000000000001",
	                                 "isChildOf", I1, doc_id));
	cJSON_AddItemToArray(assocs,
	                     association("f0000000-0000-4000-8000-000000000002",
	                                 "isChildOf", I2, I1));
	cJSON_AddItemToArray(
	        assocs,
	        association(version == 1
	                            ? "f0000000-0000-4000-8000-000000000003"
	                            : "f0000000-0000-4000-8000-000000000004",
	                    "isChildOf", version == 1 ? I3 : I4, I2));
	cJSON_AddItemToArray(assocs,
	                     association("f0000000-0000-4000-8000-000000000005",
	                                 "exactMatchOf", I2, EXT));
	cJSON_AddItemToObject(p, "CFDefinitions", defs);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(defs, "CFItemTypes"),
	                     definition(TYPE, "Standard", "1"));
	cJSON_AddItemToArray(cJSON_AddArrayToObject(defs, "CFConcepts"),
	                     definition(C1, "Number", "1"));
	cJSON_AddItemToArray(cJSON_GetObjectItem(defs, "CFConcepts"),
	                     definition(C2, "Ratio", "1.1"));
	return p;
}

static void write_json(const char *path, cJSON *doc)
{
	char *text = cJSON_Print(doc);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	cJSON_free(text);
	cJSON_Delete(doc);
}

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", env.dir, name);
}

static int run(cw_buf *out, const char *cmd, const char *tenant,
               const char *file)
{
	cw_buf err = CW_BUF_INIT(1 << 20);
	int code = tenant ? cwt_run(&env, out, &err, "case", cmd, "--tenant",
	                            tenant, file, "--json", NULL)
	                  : cwt_run(&env, out, &err, "case", cmd, file, NULL);

	if (code != 0)
		cw_buf_puts(out, cw_buf_cstr(&err));
	cw_buf_dispose(&err);
	return code;
}

static void setup(void)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char id[64], secret[64], path[400];

	cwt_env_init(&env);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d1", NULL),
	                 0);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "d2", NULL),
	                 0);
	path_of(path, sizeof(path), "v1.json");
	write_json(path, package(DOC, 1));
	cw_buf_clear(&out);
	ck_assert_msg(run(&out, "import", "d1", path) == 0, "%s",
	              cw_buf_cstr(&out));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	/* The tests' CASE servers are on loopback: let the daemon fetch from
	 * there (refused by default: see daemon_fetches_stay_public). */
	cwt_start(&daemon_, &env, "--set", "fetch_private_addresses=1", NULL);
	cwt_client_add(&env, "d1", CASE_SCOPE, id, secret);
	ck_assert_int_eq(cwt_token(token, &daemon_, id, secret, NULL), 0);
	cwt_client_add(&env, "d2", CASE_SCOPE, id, secret);
	ck_assert_int_eq(cwt_token(d2_token, &daemon_, id, secret, NULL), 0);
}

static void teardown(void)
{
	cwt_stop(&daemon_, SIGTERM, 5000);
	cwt_env_cleanup(&env);
}

static cJSON *get(const char *path, const char *tok, long status,
                  cwt_http *keep)
{
	cwt_http res;
	cJSON *doc;

	if (tok)
		cwt_get_auth(&res, &daemon_, path, tok);
	else
		cwt_request(&res, &daemon_, "GET", path, NULL, NULL);
	ck_assert_msg(res.status == status, "%s: %ld %s", path, res.status,
	              cw_buf_cstr(&res.body));
	doc = cwt_json(&res);
	if (keep)
		*keep = res;
	else
		cwt_http_dispose(&res);
	return doc;
}

static const char *minor_of(const cJSON *doc)
{
	return cw_json_string(
	        cJSON_GetArrayItem(
	                cJSON_GetObjectItem(
	                        cJSON_GetObjectItem(doc, "imsx_CodeMinor"),
	                        "imsx_codeMinorField"),
	                0),
	        "imsx_codeMinorFieldValue");
}

/* How many of a collection's objects carry identifier id. */
static int has(const cJSON *doc, const char *list, const char *id)
{
	const cJSON *o;
	int n = 0;

	cJSON_ArrayForEach(o, cJSON_GetObjectItem(doc, list)) n +=
	        strcmp(cw_json_string(o, "identifier"), id) == 0;
	return n;
}

START_TEST(validate_reports_pointers)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	char path[400];
	cJSON *bad = package(DOC, 1), *doc = NULL;

	path_of(path, sizeof(path), "good.json");
	write_json(path, package(DOC, 1));
	ck_assert_int_eq(run(&out, "validate", NULL, path), 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "valid, 0 errors"));
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(bad, "CFDocument"),
	                           "creator");
	cJSON_ReplaceItemInObject(
	        cJSON_GetArrayItem(cJSON_GetObjectItem(bad, "CFItems"), 1),
	        "identifier", cJSON_CreateString("not-a-uuid"));
	path_of(path, sizeof(path), "bad.json");
	write_json(path, bad);
	cw_buf_clear(&out);
	ck_assert_int_eq(run(&out, "validate", NULL, path), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out),
	                             "bad.json#/CFDocument: error: "
	                             "case.required"));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out),
	                             "bad.json#/CFItems/1/identifier: error: "
	                             "case.uuid"));
	/* --json: the same, for machines. */
	cw_buf_clear(&out);
	{
		cw_buf err = CW_BUF_INIT(1 << 16);

		ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "validate",
		                         path, "--json", NULL),
		                 1);
		cw_buf_dispose(&err);
	}
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 16, NULL), 0);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(doc, "valid")));
	/* The bad id also leaves its associations' ends unresolved. */
	ck_assert_int_ge((int)cJSON_GetObjectItem(doc, "errors")->valuedouble,
	                 2);
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetArrayItem(
	                        cJSON_GetObjectItem(doc, "diagnostics"), 0),
	                "pointer"),
	        "/CFDocument");
	cJSON_Delete(doc);
	cw_buf_dispose(&out);
}
END_TEST

/* Both bindings over what was imported. */
START_TEST(provider_serves_both_versions)
{
	cwt_http res;
	char count[16];
	cJSON *doc;
	const cJSON *o;

	doc = get(V11 "/CFDocuments", token, 200, &res);
	ck_assert_int_eq(
	        cwt_header(&res, "X-Total-Count", count, sizeof(count)), 1);
	ck_assert_str_eq(count, "1");
	cwt_http_dispose(&res);
	o = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "CFDocuments"), 0);
	ck_assert_str_eq(cw_json_string(o, "lastChangeDateTime"),
	                 "2024-12-31T23:00:00.000Z");
	ck_assert_ptr_nonnull(strstr(
	        cw_json_string(cJSON_GetObjectItem(o, "CFPackageURI"), "uri"),
	        V11 "/CFPackages/" DOC));
	cJSON_Delete(doc);
	doc = get(V11 "/CFDocuments?filter=title%3D%27Nothing%27", token, 200,
	          NULL);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "CFDocuments")), 0);
	cJSON_Delete(doc);
	doc = get(V11 "/CFDocuments?filter=bogus%3D%27x%27", token, 400, NULL);
	ck_assert_str_eq(minor_of(doc), "invalid_filter_field");
	cJSON_Delete(doc);
	/* A package as imported; 1.0 leaves out what 1.1 added. */
	doc = get(V11 "/CFPackages/" DOC, token, 200, NULL);
	ck_assert_int_eq(has(doc, "CFItems", I3), 1);
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(doc, "CFDocument"),
	                                "caseVersion"),
	                 "1.1");
	cJSON_Delete(doc);
	doc = get(V10 "/CFPackages/" DOC, token, 200, NULL);
	ck_assert_ptr_null(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "CFDocument"), "caseVersion"));
	cJSON_Delete(doc);
	/* An item names its document; its associations go both ways. */
	doc = get(V11 "/CFItems/" I2, token, 200, NULL);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(doc, "CFDocumentURI"),
	                       "identifier"),
	        DOC);
	cJSON_Delete(doc);
	doc = get(V10 "/CFItemAssociations/" I2, token, 200, NULL);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "CFAssociations")),
	        3);
	cJSON_Delete(doc);
	doc = get(V11 "/CFAssociations/f0000000-0000-4000-8000-000000000005",
	          token, 200, NULL);
	ck_assert_str_eq(cw_json_string(doc, "associationType"),
	                 "exactMatchOf");
	cJSON_Delete(doc);
	/* A concept and the ones under it by hierarchyCode. */
	doc = get(V11 "/CFConcepts/" C1, token, 200, NULL);
	ck_assert_int_eq(has(doc, "CFConcepts", C2), 1);
	cJSON_Delete(doc);
	doc = get(V11 "/CFItemTypes/" TYPE, token, 200, NULL);
	ck_assert_int_eq(has(doc, "CFItemTypes", TYPE), 1);
	cJSON_Delete(doc);
	/* Errors in each version's words. */
	doc = get(V11 "/CFItems/nope", token, 404, NULL);
	ck_assert_str_eq(minor_of(doc), "invalid_uuid");
	cJSON_Delete(doc);
	doc = get(V10 "/CFItems/nope", token, 404, NULL);
	ck_assert_str_eq(minor_of(doc), "invaliduuid");
	cJSON_Delete(doc);
	doc = get(V11 "/CFItems/" EXT, token, 404, NULL);
	ck_assert_str_eq(minor_of(doc), "unknownobject");
	cJSON_Delete(doc);
	doc = get(V11 "/CFItems/" I1, NULL, 401, NULL);
	ck_assert_str_eq(minor_of(doc), "unauthorised_request");
	cJSON_Delete(doc);
	doc = get(V10 "/CFItems/" I1, NULL, 401, NULL);
	ck_assert_str_eq(minor_of(doc), "unauthorisedrequest");
	cJSON_Delete(doc);
	/* An item is no document: 404. Another tenant sees nothing. */
	cJSON_Delete(get(V11 "/CFDocuments/" I1, token, 404, NULL));
	cJSON_Delete(get(V11 "/CFItems/" I1, d2_token, 404, NULL));
	cJSON_Delete(get(V11 "/CFPackages/" DOC, d2_token, 404, NULL));
	doc = get(V11 "/CFDocuments", d2_token, 200, NULL);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "CFDocuments")), 0);
	cJSON_Delete(doc);
	doc = get(V11 "/discovery/imscasev1p1_openapi3_v1p0.json", NULL, 200,
	          NULL);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "paths"), "/CFPackages/{id}"));
	cJSON_Delete(doc);
}
END_TEST

/* A second import updates in place; the package's old items retire but
 * stay readable; the same package again changes nothing. */
START_TEST(reimport_adds_changes_retires)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	char path[400];
	cJSON *report = NULL, *items, *doc;

	path_of(path, sizeof(path), "v2.json");
	write_json(path, package(DOC, 2));
	ck_assert_msg(run(&out, "import", "d1", path) == 0, "%s",
	              cw_buf_cstr(&out));
	ck_assert_int_eq(cw_json_parse(&report, out.data, out.len, 16, NULL),
	                 0);
	items = cJSON_GetObjectItem(cJSON_GetObjectItem(report, "objects"),
	                            "CFItems");
	ck_assert_int_eq((int)cJSON_GetObjectItem(items, "added")->valuedouble,
	                 1);
	ck_assert_int_eq(
	        (int)cJSON_GetObjectItem(items, "changed")->valuedouble, 1);
	ck_assert_int_eq(
	        (int)cJSON_GetObjectItem(items, "retired")->valuedouble, 1);
	ck_assert_int_eq(
	        (int)cJSON_GetObjectItem(items, "unchanged")->valuedouble, 1);
	cJSON_Delete(report);
	doc = get(V11 "/CFPackages/" DOC, token, 200, NULL);
	ck_assert_int_eq(has(doc, "CFItems", I3), 0);
	ck_assert_int_eq(has(doc, "CFItems", I4), 1);
	cJSON_Delete(doc);
	doc = get(V11 "/CFItems/" I1, token, 200, NULL);
	ck_assert_str_eq(cw_json_string(doc, "fullStatement"), "Ratios, v2");
	cJSON_Delete(doc);
	cJSON_Delete(get(V11 "/CFItems/" I3, token, 200, NULL));
	doc = get(V11 "/CFItemAssociations/" I3, token, 200, NULL);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "CFAssociations")),
	        0);
	cJSON_Delete(doc);
	cw_buf_clear(&out);
	ck_assert_int_eq(run(&out, "import", "d1", path), 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "\"changed\":false"));
	cw_buf_dispose(&out);
}
END_TEST

/* A package with an error, or that claims another document's item,
 * stores nothing. */
START_TEST(bad_imports_store_nothing)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	char path[400];
	cJSON *bad = package(DOC, 2), *doc;

	cJSON_ReplaceItemInObject(
	        cJSON_GetArrayItem(cJSON_GetObjectItem(bad, "CFItems"), 0),
	        "lastChangeDateTime", cJSON_CreateString("tomorrow"));
	path_of(path, sizeof(path), "bad2.json");
	write_json(path, bad);
	ck_assert_int_eq(run(&out, "import", "d1", path), 1);
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&out), "/CFItems/0/lastChangeDateTime"));
	doc = get(V11 "/CFItems/" I4, token, 404, NULL);
	cJSON_Delete(doc);
	doc = get(V11 "/CFItems/" I1, token, 200, NULL);
	ck_assert_str_eq(cw_json_string(doc, "fullStatement"), "Ratios");
	cJSON_Delete(doc);
	/* The 1.1 schema is checked too (on the import's second thread). */
	bad = package(DOC, 2);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(bad, "CFDocument"),
	                          "caseVersion", cJSON_CreateString("9.9"));
	path_of(path, sizeof(path), "bad3.json");
	write_json(path, bad);
	cw_buf_clear(&out);
	ck_assert_int_eq(run(&out, "import", "d1", path), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "case.schema"));
	ck_assert_ptr_nonnull(
	        strstr(cw_buf_cstr(&out), "/CFDocument/caseVersion"));
	cJSON_Delete(get(V11 "/CFItems/" I4, token, 404, NULL));
	/* Another document that claims I1. */
	path_of(path, sizeof(path), "other.json");
	write_json(path, package(DOC2, 1));
	cw_buf_clear(&out);
	ck_assert_int_eq(run(&out, "import", "d1", path), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), I1));
	cJSON_Delete(get(V11 "/CFDocuments/" DOC2, token, 404, NULL));
	cw_buf_dispose(&out);
}
END_TEST

static long post_package(const char *query, const char *body, cJSON **doc)
{
	char id[64], secret[64], admin[64], auth[128], path[300];
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_http res;
	long status;

	cwt_client_add(&env, "d2", "urn:crosswalk:scope:admin", id, secret);
	ck_assert_int_eq(cwt_token(admin, &daemon_, id, secret, NULL), 0);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin);
	snprintf(path, sizeof(path), "/admin/v1/case/imports%s", query);
	cwt_request(&res, &daemon_, "POST", path, headers, body);
	status = res.status;
	*doc = cwt_json(&res);
	cwt_http_dispose(&res);
	return status;
}

START_TEST(admin_import_endpoint)
{
	cJSON *doc, *bad = package(DOC2, 1);
	char *text;

	/* d2 holds nothing yet, so DOC2 with d1's item ids is fine there. */
	doc = package(DOC2, 1);
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	ck_assert_int_eq(post_package("", text, &doc), 201);
	ck_assert_str_eq(cw_json_string(doc, "document"), DOC2);
	cJSON_Delete(doc);
	ck_assert_int_eq(post_package("", text, &doc), 200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(doc, "changed")));
	cJSON_Delete(doc);
	cJSON_free(text);
	cJSON_Delete(get(V11 "/CFItems/" I1, d2_token, 200, NULL));
	cJSON_DeleteItemFromObject(bad, "CFDocument");
	text = cJSON_PrintUnformatted(bad);
	cJSON_Delete(bad);
	ck_assert_int_eq(post_package("", text, &doc), 422);
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetArrayItem(
	                        cJSON_GetObjectItem(doc, "diagnostics"), 0),
	                "pointer"),
	        "/CFDocument");
	cJSON_Delete(doc);
	cJSON_free(text);
	/* A tenant admin imports into its own tenant only. */
	ck_assert_int_eq(post_package("?tenant=d1", "{}", &doc), 403);
	cJSON_Delete(doc);
}
END_TEST

/* A free loopback port, for a server the test starts. */

/* A one-item framework whose item has one association of type to 'to'. */
static cJSON *mini(const char *doc_id, const char *item_id, const char *assoc,
                   const char *type, const char *to)
{
	cJSON *p = package(doc_id, 1);
	cJSON *items = cJSON_CreateArray(), *assocs = cJSON_CreateArray();
	char child[64];

	snprintf(child, sizeof(child), "%.35s9", assoc);
	cJSON_AddItemToArray(items, item(item_id, "Matched"));
	cJSON_AddItemToArray(assocs,
	                     association(child, "isChildOf", item_id, doc_id));
	cJSON_AddItemToArray(assocs, association(assoc, type, item_id, to));
	cJSON_ReplaceItemInObject(p, "CFItems", items);
	cJSON_ReplaceItemInObject(p, "CFAssociations", assocs);
	cJSON_DeleteItemFromObject(p, "CFDefinitions");
	return p;
}

#define DOC3 "33333333-4444-4555-8666-777777777777"
#define J1   "d1000000-0000-4000-8000-000000000001"
#define J2   "d1000000-0000-4000-8000-000000000002"
#define K1   "d2000000-0000-4000-8000-000000000001"

/* `case mirror --tenant T URL [--token-url … --client-id … --client-secret …]
 * --json`; the exit code. */
static int mirror(cw_buf *out, const char *tenant, const char *url,
                  const char *const oauth[3])
{
	cw_buf err = CW_BUF_INIT(1 << 20);
	int code = oauth ? cwt_run(&env, out, &err, "case", "mirror",
	                           "--tenant", tenant, url, "--token-url",
	                           oauth[0], "--client-id", oauth[1],
	                           "--client-secret", oauth[2], "--json", NULL)
	                 : cwt_run(&env, out, &err, "case", "mirror",
	                           "--tenant", tenant, url, "--json", NULL);

	if (code != 0)
		cw_buf_puts(out, cw_buf_cstr(&err));
	cw_buf_dispose(&err);
	return code;
}

/* `case import URL`: fetched over HTTP from a server on loopback. */
START_TEST(import_from_a_url)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	char dir[400], path[500], url[200], portText[16];
	int port = cwt_free_port();
	pid_t server;

	path_of(dir, sizeof(dir), "www");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/pkg.json", dir);
	write_json(path, package(DOC2, 1));
	snprintf(portText, sizeof(portText), "%d", port);
	server = fork();
	ck_assert_int_ge(server, 0);
	if (server == 0) {
		execlp("python3", "python3", "-m", "http.server", portText,
		       "--bind", "127.0.0.1", "--directory", dir, (char *)NULL);
		_exit(127);
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/pkg.json", port);
	for (int i = 0; i < 50; i++) {
		cw_buf_clear(&out);
		if (run(&out, "import", "d2", url) == 0)
			break;
		cwt_sleep_ms(100);
	}
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), DOC2));
	cJSON_Delete(get(V11 "/CFPackages/" DOC2, d2_token, 200, NULL));
	/* A URL that is not there fails with its status, storing nothing. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/none.json", port);
	cw_buf_clear(&out);
	ck_assert_int_ne(run(&out, "import", "d2", url), 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "404"));
	/* The same directory as a CASE server that answers /CFDocuments with
	 * a bare array (as some do): a mirror reads it. */
	{
		char sub[600];
		cJSON *list = cJSON_CreateArray(), *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "identifier", DOC3);
		cJSON_AddStringToObject(d, "title", "Mirrored");
		cJSON_AddStringToObject(d, "lastChangeDateTime",
		                        "2025-01-01T00:00:00Z");
		cJSON_AddItemToArray(list, d);
		snprintf(sub, sizeof(sub), "%s/CFDocuments", dir);
		write_json(sub, list);
		snprintf(sub, sizeof(sub), "%s/CFPackages", dir);
		ck_assert_int_eq(mkdir(sub, 0700), 0);
		snprintf(sub, sizeof(sub), "%s/CFPackages/%s", dir, DOC3);
		write_json(sub, mini(DOC3, K1,
		                     "f2000000-0000-4000-8000-000000000001",
		                     "isRelatedTo", I1));
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	cw_buf_clear(&out);
	ck_assert_int_eq(mirror(&out, "d2", url, NULL), 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "\"changed\":1"));
	cJSON_Delete(get(V11 "/CFItems/" K1, d2_token, 200, NULL));
	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
	cw_buf_dispose(&out);
}
END_TEST

static const cJSON *match_of(const cJSON *doc, const char *id)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "matches"))
	{
		if (strcmp(cw_json_string(m, "identifier"), id) == 0)
			return m;
	}
	return NULL;
}

/* Crosswalks: exactMatchOf both ways and through a third framework,
 * isRelatedTo one step, outside ends listed as not stored. */
START_TEST(crosswalk_between_frameworks)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 16);
	char path[400];
	cJSON *doc = NULL;
	const cJSON *m;

	path_of(path, sizeof(path), "j.json");
	write_json(path, mini(DOC2, J1, "f1000000-0000-4000-8000-000000000001",
	                      "exactMatchOf", I2));
	ck_assert_int_eq(run(&out, "import", "d1", path), 0);
	path_of(path, sizeof(path), "k.json");
	write_json(path, mini(DOC3, K1, "f2000000-0000-4000-8000-000000000001",
	                      "exactMatchOf", J1));
	cw_buf_clear(&out);
	ck_assert_int_eq(run(&out, "import", "d1", path), 0);
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "crosswalk",
	                         "--tenant", "d1", I2, "--json", NULL),
	                 0);
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 16, NULL), 0);
	m = match_of(doc, J1);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(cw_json_string(m, "documentTitle"), "Math Standards");
	ck_assert_int_eq((int)cJSON_GetObjectItem(m, "hops")->valuedouble, 1);
	m = match_of(doc, K1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq((int)cJSON_GetObjectItem(m, "hops")->valuedouble, 2);
	m = match_of(doc, EXT);
	ck_assert_ptr_nonnull(m);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(m, "stored")));
	ck_assert_ptr_null(match_of(doc, I1)); /* same framework */
	cJSON_Delete(doc);
	/* The endpoint says the same, from K1's side. */
	doc = get("/crosswalk/v1/case/items/" K1 "/matches", token, 200, NULL);
	ck_assert_ptr_nonnull(match_of(doc, J1));
	ck_assert_ptr_nonnull(match_of(doc, I2));
	cJSON_Delete(doc);
	cJSON_Delete(get("/crosswalk/v1/case/items/" K1 "/matches", d2_token,
	                 404, NULL));
	cw_buf_clear(&out);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "crosswalk",
	                         "--tenant", "d1", EXT, NULL),
	                 1);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* Mirroring a CASE server with OAuth 2.0: the daemon itself, d1's
 * provider, pulled into d2; again, nothing changes; a change at the source
 * comes over; a mirror kept for the daemon runs on its own. */
START_TEST(mirror_a_case_server)
{
	cw_buf out = CW_BUF_INIT(1 << 20);
	char id[64], secret[64], base[200], token_url[200], path[400];
	char admin[64], auth[128], route[200];
	const char *oauth[3] = { token_url, id, secret };
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_http res;
	cJSON *doc = NULL, *list;

	cwt_client_add(&env, "d1", CASE_SCOPE, id, secret);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d" V11, daemon_.port);
	snprintf(token_url, sizeof(token_url),
	         "http://127.0.0.1:%d/oauth/token", daemon_.port);
	ck_assert_msg(mirror(&out, "d2", base, oauth) == 0, "%s",
	              cw_buf_cstr(&out));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "\"changed\":1"));
	cJSON_Delete(get(V11 "/CFItems/" I1, d2_token, 200, NULL));
	cw_buf_clear(&out);
	ck_assert_int_eq(mirror(&out, "d2", base, oauth), 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "\"unchanged\":1"));
	/* A change at the source comes over on the next pull. */
	path_of(path, sizeof(path), "v2.json");
	write_json(path, package(DOC, 2));
	cw_buf_clear(&out);
	ck_assert_int_eq(run(&out, "import", "d1", path), 0);
	cw_buf_clear(&out);
	ck_assert_int_eq(mirror(&out, "d2", base, oauth), 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "\"changed\":1"));
	doc = get(V11 "/CFItems/" I1, d2_token, 200, NULL);
	ck_assert_str_eq(cw_json_string(doc, "fullStatement"), "Ratios, v2");
	cJSON_Delete(doc);
	/* Without its token the server says no: exit 1, the reason given. */
	cw_buf_clear(&out);
	ck_assert_int_eq(mirror(&out, "d2", base, NULL), 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "401"));

	/* A mirror kept for the daemon: it runs within seconds. */
	{
		char admin_id[64], admin_secret[64], body[800];

		cwt_client_add(&env, "d2", "urn:crosswalk:scope:admin",
		               admin_id, admin_secret);
		ck_assert_int_eq(cwt_token(admin, &daemon_, admin_id,
		                           admin_secret, NULL),
		                 0);
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin);
		snprintf(body, sizeof(body),
		         "{\"url\":\"%s\",\"every\":\"1h\",\"token_url\":"
		         "\"%s\",\"client_id\":\"%s\",\"client_secret\":"
		         "\"%s\"}",
		         base, token_url, id, secret);
		cwt_request(&res, &daemon_, "POST", "/admin/v1/case/mirrors",
		            headers, body);
		ck_assert_msg(res.status == 201, "%s", cw_buf_cstr(&res.body));
		cwt_http_dispose(&res);
	}
	for (int i = 0; i < 100; i++) {
		const cJSON *last;

		cwt_request(&res, &daemon_, "GET", "/admin/v1/case/mirrors",
		            headers, NULL);
		doc = cwt_json(&res);
		cwt_http_dispose(&res);
		list = cJSON_GetObjectItem(doc, "mirrors");
		last = cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0),
		                           "last_report");
		if (last && cJSON_GetObjectItem(last, "listed"))
			break;
		cJSON_Delete(doc);
		doc = NULL;
		cwt_sleep_ms(200);
	}
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(
	        (int)cJSON_GetObjectItem(
	                cJSON_GetObjectItem(
	                        cJSON_GetArrayItem(
	                                cJSON_GetObjectItem(doc, "mirrors"), 0),
	                        "last_report"),
	                "listed")
	                ->valuedouble,
	        1);
	snprintf(route, sizeof(route), "/admin/v1/case/mirrors/%d/run",
	         (int)cJSON_GetObjectItem(
	                 cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "mirrors"),
	                                    0),
	                 "id")
	                 ->valuedouble);
	cJSON_Delete(doc);
	cwt_request(&res, &daemon_, "POST", route, headers, NULL);
	ck_assert_msg(res.status == 200, "%s", cw_buf_cstr(&res.body));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&res.body), "\"listed\":1"));
	cwt_http_dispose(&res);
	route[strlen(route) - 4] = '\0'; /* …/mirrors/{id} */
	cwt_request(&res, &daemon_, "DELETE", route, headers, NULL);
	ck_assert_int_eq(res.status, 204);
	cwt_http_dispose(&res);
	cwt_request(&res, &daemon_, "DELETE", route, headers, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);
	cw_buf_dispose(&out);
}
END_TEST

/* By default a tenant admin cannot make the daemon fetch from loopback
 * or private networks (the gateway's own admin API, a metadata service). */
START_TEST(daemon_fetches_stay_public)
{
	char id[64], secret[64], admin[64], auth[128], path[300];
	const char *headers[] = { auth, NULL };
	cwt_daemon strict;
	cwt_http res;

	cwt_start(&strict, &env, NULL);
	cwt_client_add(&env, "d2", "urn:crosswalk:scope:admin", id, secret);
	ck_assert_int_eq(cwt_token(admin, &strict, id, secret, NULL), 0);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin);
	snprintf(path, sizeof(path),
	         "/admin/v1/case/imports?url=http://127.0.0.1:%d/healthz",
	         daemon_.port);
	cwt_request(&res, &strict, "POST", path, headers, "");
	ck_assert_msg(res.status == 422, "%ld %s", res.status,
	              cw_buf_cstr(&res.body));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&res.body), "refused"));
	cwt_http_dispose(&res);
	/* Through a name that resolves to loopback, too. */
	snprintf(path, sizeof(path),
	         "/admin/v1/case/imports?url=http://localhost:%d/healthz",
	         daemon_.port);
	cwt_request(&res, &strict, "POST", path, headers, "");
	ck_assert_int_eq(res.status, 422);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&res.body), "refused"));
	cwt_http_dispose(&res);
	cwt_stop(&strict, SIGTERM, 5000);
}
END_TEST

Suite *suite_case(void)
{
	Suite *s = suite_create("integration/case");
	TCase *tc = tcase_create("case");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, validate_reports_pointers);
	tcase_add_test(tc, provider_serves_both_versions);
	tcase_add_test(tc, reimport_adds_changes_retires);
	tcase_add_test(tc, bad_imports_store_nothing);
	tcase_add_test(tc, admin_import_endpoint);
	tcase_add_test(tc, import_from_a_url);
	tcase_add_test(tc, crosswalk_between_frameworks);
	tcase_add_test(tc, mirror_a_case_server);
	tcase_add_test(tc, daemon_fetches_stay_public);
	suite_add_tcase(s, tc);
	return s;
}
