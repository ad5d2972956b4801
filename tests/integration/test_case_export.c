/* crosswalk case export end to end: a package imported through the CLI,
 * exported in every format through the CLI, the spreadsheet CSV imported
 * back (unchanged, and into another tenant byte for byte), case-json equal
 * to what the provider serves; the shared OpenSALT packages round-trip
 * through the CSV when ../shared is there. */
#include "harness.h"

#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_case_export(void);

#define CASE_SCOPE                                                             \
	"http://purl.imsglobal.org/casenetwork/case/v1p0/scope/core.readonly"

#define DOC  "31111111-2222-4333-8444-555555555555"
#define I1   "b1000000-0000-4000-8000-000000000001"
#define I2   "b1000000-0000-4000-8000-000000000002"
#define I3   "b1000000-0000-4000-8000-000000000003"
#define I4   "b1000000-0000-4000-8000-000000000004"
#define RUB  "b2000000-0000-4000-8000-000000000001"
#define CRIT "b2000000-0000-4000-8000-000000000002"

static cwt_env env;

static cJSON *item(const char *id, const char *code, const char *statement)
{
	cJSON *o = cJSON_CreateObject();
	char uri[120];

	snprintf(uri, sizeof(uri), "https://example.org/uri/%s", id);
	cJSON_AddStringToObject(o, "identifier", id);
	cJSON_AddStringToObject(o, "uri", uri);
	cJSON_AddStringToObject(o, "fullStatement", statement);
	cJSON_AddStringToObject(o, "humanCodingScheme", code);
	cJSON_AddItemToObject(
	        o, "educationLevel",
	        cJSON_CreateStringArray((const char *[]){ "06", "07" }, 2));
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

static cJSON *child_of(const char *n, const char *from, const char *to, int seq)
{
	cJSON *o = cJSON_CreateObject();
	char id[64];

	snprintf(id, sizeof(id), "f1000000-0000-4000-8000-0000000000%s", n);
	cJSON_AddStringToObject(o, "identifier", id);
	cJSON_AddStringToObject(o, "uri", "https://example.org/uri/a");
	cJSON_AddStringToObject(o, "associationType", "isChildOf");
	if (seq)
		cJSON_AddNumberToObject(o, "sequenceNumber", seq);
	cJSON_AddItemToObject(o, "originNodeURI", link_to(from));
	cJSON_AddItemToObject(o, "destinationNodeURI", link_to(to));
	cJSON_AddStringToObject(o, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	return o;
}

static cJSON *level(const char *n, double score, const char *text)
{
	cJSON *o = cJSON_CreateObject();
	char id[64];

	snprintf(id, sizeof(id), "b3000000-0000-4000-8000-0000000000%s", n);
	cJSON_AddStringToObject(o, "identifier", id);
	cJSON_AddStringToObject(o, "uri", "https://example.org/uri/l");
	cJSON_AddStringToObject(o, "description", text);
	cJSON_AddNumberToObject(o, "score", score);
	cJSON_AddStringToObject(o, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	return o;
}

static cJSON *rubric(void)
{
	cJSON *r = cJSON_CreateObject(), *c = cJSON_CreateObject(), *levels;

	cJSON_AddStringToObject(r, "identifier", RUB);
	cJSON_AddStringToObject(r, "uri", "https://example.org/uri/r");
	cJSON_AddStringToObject(r, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "CFRubricCriteria"), c);
	cJSON_AddStringToObject(c, "identifier", CRIT);
	cJSON_AddStringToObject(c, "uri", "https://example.org/uri/c");
	cJSON_AddItemToObject(c, "CFItemURI", link_to(I3));
	cJSON_AddStringToObject(c, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	levels = cJSON_AddArrayToObject(c, "CFRubricCriterionLevels");
	cJSON_AddItemToArray(levels, level("01", 1, "Started"));
	cJSON_AddItemToArray(levels, level("02", 3, "Got it, fully"));
	return r;
}

/* I1 (M.2) and I2 (M.1) under the document, I3 and I4 under I2. */
static cJSON *package(void)
{
	cJSON *p = cJSON_CreateObject(), *doc = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(p, "CFItems");
	cJSON *assocs = cJSON_AddArrayToObject(p, "CFAssociations");

	cJSON_AddStringToObject(doc, "identifier", DOC);
	cJSON_AddStringToObject(doc, "uri", "https://example.org/uri/doc");
	cJSON_AddStringToObject(doc, "creator", "State DOE");
	cJSON_AddStringToObject(doc, "title", "Math, \"Grade 6\"");
	cJSON_AddStringToObject(doc, "lastChangeDateTime",
	                        "2025-01-01T00:00:00Z");
	cJSON_AddItemToObject(p, "CFDocument", doc);
	cJSON_AddItemToArray(items, item(I1, "M.2", "Ratios, and rates"));
	cJSON_AddItemToArray(items, item(I2, "M.1", "Numbers"));
	cJSON_AddItemToArray(items, item(I3, "M.1.10", "Add\nand subtract"));
	cJSON_AddItemToArray(items, item(I4, "M.1.9", "Count"));
	cJSON_AddItemToArray(assocs, child_of("01", I1, DOC, 2));
	cJSON_AddItemToArray(assocs, child_of("02", I2, DOC, 1));
	cJSON_AddItemToArray(assocs, child_of("03", I3, I2, 0));
	cJSON_AddItemToArray(assocs, child_of("04", I4, I2, 0));
	cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "CFRubrics"), rubric());
	return p;
}

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", env.dir, name);
}

static void write_json(const char *path, cJSON *doc)
{
	char *text = cJSON_Print(doc);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	cJSON_free(text);
	cJSON_Delete(doc);
}

static void import_into(const char *tenant, const char *path, int changed)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	cJSON *r = NULL;

	ck_assert_msg(cwt_run(&env, &out, &err, "case", "import", "--tenant",
	                      tenant, path, "--json", NULL) == 0,
	              "%s: %s%s", path, cw_buf_cstr(&out), cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&r, out.data, out.len, 16, NULL), 0);
	ck_assert_int_eq(cJSON_IsTrue(cJSON_GetObjectItem(r, "changed")),
	                 changed);
	cJSON_Delete(r);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

/* Exports doc of tenant in format to a file named after them; returns its
 * text (free it) and checks the --json report. */
static char *export_to(const char *tenant, const char *doc, const char *format,
                       size_t *len, size_t rows)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char path[400], name[128];
	char *text = NULL;
	cJSON *r = NULL;

	snprintf(name, sizeof(name), "%s-%.8s.%s", tenant, doc, format);
	path_of(path, sizeof(path), name);
	ck_assert_msg(cwt_run(&env, &out, &err, "case", "export", "--tenant",
	                      tenant, "--doc", doc, "--format", format, "--out",
	                      path, "--json", NULL) == 0,
	              "%s: %s", format, cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&r, out.data, out.len, 16, NULL), 0);
	ck_assert_str_eq(cw_json_string(r, "document"), doc);
	ck_assert_str_eq(cw_json_string(r, "format"), format);
	ck_assert_str_eq(cw_json_string(r, "out"), path);
	if (rows)
		ck_assert_int_eq(
		        (int)cJSON_GetObjectItem(r, "rows")->valuedouble,
		        (int)rows);
	ck_assert_int_eq(cw_file_read(&text, len, path, 1 << 26), 0);
	cJSON_Delete(r);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	return text;
}

static void setup(void)
{
	cw_buf out = CW_BUF_INIT(4096), err = CW_BUF_INIT(4096);
	char path[400];

	cwt_env_init(&env);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "t1", NULL),
	                 0);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "tenant", "add", "t2", NULL),
	                 0);
	path_of(path, sizeof(path), "p.json");
	write_json(path, package());
	import_into("t1", path, 1);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}

static void teardown(void)
{
	cwt_env_cleanup(&env);
}

static int starts(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

START_TEST(every_format_through_the_cli)
{
	size_t len;
	char *text;
	cJSON *list = NULL;

	text = export_to("t1", DOC, "canvas", &len, 5);
	ck_assert(starts(text, "vendor_guid,object_type,title,description,"
	                       "display_name,calculation_method,calculation_"
	                       "int,workflow_state,parent_guids,mastery_"
	                       "points,ratings,,,,,,,\r\n" DOC
	                       ",group,\"Math, \"\"Grade 6\"\"\","));
	/* Tree order (M.1 before M.2; M.1.9 before M.1.10), the rubric. */
	ck_assert(strstr(text, I2) < strstr(text, I4));
	ck_assert(strstr(text, I4) < strstr(text, I3));
	ck_assert(strstr(text, I3) < strstr(text, I1));
	ck_assert_msg(strstr(text, ",3,3,\"Got it, fully\",1,Started,,,,\r\n"),
	              "%s", text);
	free(text);
	text = export_to("t1", DOC, "moodle", &len, 5);
	ck_assert(starts(text, "Parent id number,Id number,Shortname,"));
	ck_assert_ptr_nonnull(strstr(text, "\r\n" I2 "," I4 ",M.1.9,Count,4,"));
	free(text);
	text = export_to("t1", DOC, "powerschool", &len, 4);
	ck_assert(starts(text, "abbreviatedStatement,fullStatement,"
	                       "humanCodingScheme,identifier,parentIdentifier,"
	                       "sequenceNumber,educationLevel\r\n"));
	ck_assert_ptr_nonnull(strstr(text, ",Count,M.1.9," I4 ",M.1,1,\"06,"
	                                   "07\"\r\n"));
	free(text);
	text = export_to("t1", DOC, "schoology", &len, 5);
	ck_assert(starts(text, "external_id,title,display_title,description,"
	                       "type,parent_id\r\n"));
	ck_assert_ptr_nonnull(
	        strstr(text, I4 ",M.1.9,M.1.9,Count,objective," I2 "\r\n"));
	free(text);
	text = export_to("t1", DOC, "ob3-achievements", &len, 4);
	ck_assert_int_eq(cw_json_parse(&list, text, len, 16, NULL), 0);
	ck_assert_int_eq(cJSON_GetArraySize(list), 4);
	ck_assert_str_eq(cw_json_string(cJSON_GetArrayItem(list, 0), "id"),
	                 "urn:uuid:" I2);
	cJSON_Delete(list);
	free(text);
	text = export_to("t1", DOC, "csv", &len, 0);
	ck_assert(starts(text, "object,parent,layout,identifier,"));
	free(text);
}
END_TEST

/* case-json is what GET /ims/case/v1p1/CFPackages/{id} answers. */
START_TEST(case_json_is_what_the_provider_serves)
{
	char id[64], secret[64], token[64];
	cwt_daemon d;
	cwt_http res;
	size_t len;
	char *text = export_to("t1", DOC, "case-json", &len, 4);

	cwt_start(&d, &env, NULL);
	cwt_client_add(&env, "t1", CASE_SCOPE, id, secret);
	ck_assert_int_eq(cwt_token(token, &d, id, secret, NULL), 0);
	cwt_get_auth(&res, &d, "/ims/case/v1p1/CFPackages/" DOC, token);
	ck_assert_int_eq(res.status, 200);
	ck_assert_uint_eq(res.body.len, len);
	ck_assert(memcmp(res.body.data, text, len) == 0);
	cwt_http_dispose(&res);
	cwt_stop(&d, SIGTERM, 5000);
	free(text);
}
END_TEST

/* The sheet back into the same tenant changes nothing; into another it
 * stores the same package, which exports to the same bytes. */
static void csv_round_trip(const char *doc, const char *to)
{
	char path[400], name[128];
	size_t len1, len2, json1, json2;
	char *csv1 = export_to("t1", doc, "csv", &len1, 0);
	char *pkg1 = export_to("t1", doc, "case-json", &json1, 0);
	char *csv2, *pkg2;

	snprintf(name, sizeof(name), "t1-%.8s.csv", doc);
	path_of(path, sizeof(path), name);
	import_into("t1", path, 0);
	import_into(to, path, 1);
	csv2 = export_to(to, doc, "csv", &len2, 0);
	pkg2 = export_to(to, doc, "case-json", &json2, 0);
	ck_assert_uint_eq(len1, len2);
	ck_assert_msg(memcmp(csv1, csv2, len1) == 0, "%s: csv differs", doc);
	ck_assert_uint_eq(json1, json2);
	ck_assert_msg(memcmp(pkg1, pkg2, json1) == 0, "%s: package differs",
	              doc);
	free(csv1);
	free(csv2);
	free(pkg1);
	free(pkg2);
}

START_TEST(csv_round_trip_through_import)
{
	csv_round_trip(DOC, "t2");
}
END_TEST

START_TEST(stdout_and_mistakes)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	size_t len;
	char *file = export_to("t1", DOC, "schoology", &len, 5);

	/* Without --out: the export on stdout, the report on stderr. */
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "export", "--tenant",
	                         "t1", "--doc", DOC, "--format", "schoology",
	                         "--json", NULL),
	                 0);
	ck_assert_uint_eq(out.len, len);
	ck_assert(memcmp(out.data, file, len) == 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "\"out\":null"));
	free(file);
	cw_buf_clear(&out);
	cw_buf_clear(&err);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "export", "--tenant",
	                         "nobody", "--doc", DOC, "--format", "csv",
	                         NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "no tenant"));
	cw_buf_clear(&err);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "export", "--tenant",
	                         "t2", "--doc", DOC, "--format", "csv", NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&err), "no CASE document"));
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "export", "--tenant",
	                         "t1", "--doc", DOC, "--format", "excel", NULL),
	                 2);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "export", "--tenant",
	                         "t1", "--format", "csv", NULL),
	                 2);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* A broken sheet stores nothing and says where. */
START_TEST(bad_sheet_is_refused)
{
	cw_buf out = CW_BUF_INIT(1 << 20), err = CW_BUF_INIT(1 << 20);
	char path[400];
	FILE *f;

	path_of(path, sizeof(path), "bad.csv");
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_int_ge(fputs("object,parent,layout,identifier,score\r\n"
	                       "CFRubricCriterionLevel,,,x,high\r\n",
	                       f),
	                 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(cwt_run(&env, &out, &err, "case", "import", "--tenant",
	                         "t2", path, NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "bad.csv#2:"));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "case.sheet.parent"));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&out), "nothing stored"));
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
}
END_TEST

/* The OpenSALT packages through the sheet (skipped without ../shared). */
START_TEST(shared_fixtures_round_trip)
{
	static const struct {
		const char *file, *doc;
	} fixtures[] = {
		{ "opensalt-sample-what-standards-could-be.json",
		  "20c5134f-423d-4097-a971-3dd5152bf507" },
		{ "opensalt-act-holistic-math-ordering.json",
		  "a33fc64e-5c40-11e7-82c4-3d54268aa9ee" },
		{ "opensalt-markdown-framework.json",
		  "d0000000-0000-0000-0000-000000000000" },
	};
	char dir[600];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/../shared/fixtures/case", CW_SOURCE_DIR);
	if (stat(dir, &st) != 0) {
		printf("shared fixtures absent: skipped\n");
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		char path[700];

		snprintf(path, sizeof(path), "%s/%s", dir, fixtures[i].file);
		import_into("t1", path, 1);
		csv_round_trip(fixtures[i].doc, "t2");
	}
}
END_TEST

Suite *suite_case_export(void)
{
	Suite *s = suite_create("integration/case_export");
	TCase *tc = tcase_create("case_export");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_format_through_the_cli);
	tcase_add_test(tc, case_json_is_what_the_provider_serves);
	tcase_add_test(tc, csv_round_trip_through_import);
	tcase_add_test(tc, stdout_and_mistakes);
	tcase_add_test(tc, bad_sheet_is_refused);
	tcase_add_test(tc, shared_fixtures_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
