/* The CFPackage reader, its checks and the strict writer, on packages the
 * tests write, and on the shared OpenSALT fixtures when they are there. */
#include "case/package.h"
#include "case/write.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_case_package(void);

#define DOC  "2b8f3e9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
#define IT1  "3c9f4eab-2d3e-4f60-9bac-1d2e3f4a5b6c"
#define IT2  "4da05fbc-3e4f-4071-acbd-2e3f4a5b6c7d"
#define AS1  "5eb160cd-4f50-4182-bdce-3f4a5b6c7d8e"
#define AS2  "6fc271de-5061-4293-8edf-4a5b6c7d8e9f"
#define TYPE "70d382ef-6172-43a4-9fe0-5b6c7d8e9fa0"

typedef struct {
	char text[16384];
	size_t errors, warnings;
} collected;

static void collect(const cw_case_diag *d, void *payload)
{
	collected *c = payload;
	size_t n = strlen(c->text);

	snprintf(c->text + n, sizeof(c->text) - n, "%s %s %s: %s\n",
	         d->severity == CW_CASE_ERROR ? "E" : "W", d->code, d->pointer,
	         d->message);
	if (d->severity == CW_CASE_ERROR)
		c->errors++;
	else
		c->warnings++;
}

static int read_text(cw_case_package **out, collected *c, const char *text)
{
	cw_case_read_options o = { NULL, NULL, collect, c, 0 };

	memset(c, 0, sizeof(*c));
	return cw_case_package_read(out, text, strlen(text), &o);
}

/* A package with the shapes real servers send. */
static const char legacy[] =
        "{\"CFPackageURI\":\"http://x/p\",\"CFDocument\":{\"identifier\":\"" DOC
        "\",\"uri\":\"http://x/d\",\"creator\":\"State\",\"title\":\"Math\","
        "\"lastChangeDateTime\":\"2017-05-25T18:05:33\",\"CFPackageURI\":"
        "\"http://x/p\"},\"CFItems\":[{\"identifier\":\"3C9F4EAB-2D3E-4F60-"
        "9BAC-1D2E3F4A5B6C\",\"uri\":\"http://x/1\",\"fullStatement\":"
        "\"Ratios\",\"educationalLevel\":\"06,07\",\"CFItemType\":\"Cluster\","
        "\"CFItemTypeURI\":{\"title\":\"Cluster\",\"identifier\":\"" TYPE
        "\",\"uri\":\"http://x/t\"},\"lastChangeDateTime\":\"2017-05-25T18:"
        "05:33+02:00\",\"CFDocumentURI\":\"http://x/d\",\"color\":\"red\"},"
        "{\"identifier\":\"" IT2 "\",\"uri\":\"http://x/2\",\"fullStatement\":"
        "\"Unit rates\",\"lastChangeDateTime\":\"2017-05-25T18:05:33Z\"}],"
        "\"CFAssociations\":[{\"identifier\":\"" AS1
        "\",\"uri\":\"http://x/a\","
        "\"associationType\":\"isChildOf\",\"originNodeURI\":{\"title\":\"2\","
        "\"identifier\":\"" IT2 "\",\"uri\":\"http://x/2\"},"
        "\"destinationNodeURI\":{\"title\":\"1\",\"identifier\":\"" IT1
        "\",\"uri\":\"http://x/1\"},\"sequenceNumber\":1,"
        "\"lastChangeDateTime\":\"2017-05-25T18:05:33Z\"},{\"identifier\":"
        "\"" AS2
        "\",\"uri\":\"http://x/b\",\"associationType\":\"isTranslationOf\","
        "\"originNodeURI\":{\"title\":\"1\",\"identifier\":\"" IT1
        "\",\"uri\":\"http://x/1\",\"targetType\":\"CASE\"},"
        "\"destinationNodeURI\":{\"title\":\"ASN\",\"identifier\":\"S1234\","
        "\"uri\":\"http://asn/S1234\"},\"notes\":\"n\","
        "\"lastChangeDateTime\":\"2017-05-25T18:05:33Z\"}],"
        "\"CFDefinitions\":{\"CFItemTypes\":[{\"identifier\":\"" TYPE
        "\",\"uri\":\"http://x/t\",\"title\":\"Cluster\",\"description\":null,"
        "\"hierarchyCode\":\"1\",\"lastChangeDateTime\":\"2017-02-14T20:34:"
        "39\"}]}}";

START_TEST(legacy_shapes_become_strict)
{
	cw_case_package *p;
	collected c;
	const cJSON *item;
	cJSON *levels;
	char *text;

	ck_assert_int_eq(read_text(&p, &c, legacy), 0);
	ck_assert_msg(c.errors == 0, "%s", c.text);
	item = cJSON_GetArrayItem(cw_case_package_list(p, CW_CASE_ITEM), 0);
	ck_assert_str_eq(cw_json_string(item, "identifier"), IT1);
	ck_assert_str_eq(cw_json_string(item, "lastChangeDateTime"),
	                 "2017-05-25T16:05:33.000Z");
	levels = cJSON_GetObjectItem(item, "educationLevel");
	ck_assert_int_eq(cJSON_GetArraySize(levels), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(levels, 1)->valuestring, "07");
	ck_assert_ptr_null(cJSON_GetObjectItem(item, "CFDocumentURI"));
	/* An unknown member is kept under extensions, with a warning. */
	ck_assert_str_eq(cw_json_string(cJSON_GetObjectItem(item, "extensions"),
	                                "color"),
	                 "red");
	ck_assert_ptr_nonnull(strstr(c.text, "W case.member.unknown "
	                                     "/CFItems/0/color"));
	ck_assert_ptr_null(cJSON_GetObjectItem(p->root, "CFPackageURI"));
	ck_assert_str_eq(cw_json_string(p->document, "lastChangeDateTime"),
	                 "2017-05-25T18:05:33.000Z");
	/* A null required description reads as "". */
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetArrayItem(
	                        cw_case_package_list(p, CW_CASE_ITEM_TYPE), 0),
	                "description"),
	        "");
	/* Members in class order: identifier first. */
	ck_assert_str_eq(item->child->string, "identifier");
	text = cJSON_PrintUnformatted(p->root);
	ck_assert_ptr_null(strstr(text, "educationalLevel"));
	cJSON_free(text);
	cw_case_package_free(p);
}
END_TEST

START_TEST(version_1_0_leaves_out_what_1_1_added)
{
	cw_buf v10 = CW_BUF_INIT(1 << 20), v11 = CW_BUF_INIT(1 << 20);
	cw_case_package *p;
	collected c;
	cJSON *doc = NULL;

	ck_assert_int_eq(read_text(&p, &c, legacy), 0);
	ck_assert_int_eq(cw_case_write_package(&v11, p->root, CW_CASE_V1P1), 0);
	ck_assert_int_eq(cw_case_write_package(&v10, p->root, CW_CASE_V1P0), 0);
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&v11), "isTranslationOf"));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&v11), "\"targetType\""));
	ck_assert_ptr_nonnull(strstr(cw_buf_cstr(&v11), "\"extensions\""));
	ck_assert_ptr_null(strstr(cw_buf_cstr(&v10), "isTranslationOf"));
	ck_assert_ptr_null(strstr(cw_buf_cstr(&v10), "targetType"));
	ck_assert_ptr_null(strstr(cw_buf_cstr(&v10), "extensions"));
	ck_assert_ptr_null(strstr(cw_buf_cstr(&v10), "\"notes\""));
	/* Both are JSON, and the 1.1 text reads back to the same tree. */
	ck_assert_int_eq(cw_json_parse(&doc, v10.data, v10.len, 64, NULL), 0);
	cJSON_Delete(doc);
	ck_assert_int_eq(cw_json_parse(&doc, v11.data, v11.len, 64, NULL), 0);
	ck_assert(cJSON_Compare(doc, p->root, 1));
	cJSON_Delete(doc);
	cw_buf_dispose(&v10);
	cw_buf_dispose(&v11);
	cw_case_package_free(p);
}
END_TEST

/* Every problem at its pointer, with what was expected. */
START_TEST(bad_values_are_reported_where_they_are)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "[]", "E case.type : expected a CFPackage object" },
		{ "{\"CFDocument\":{", "E case.json : line 1" },
		{ "{}", "E case.required /CFDocument" },
		{ "{\"CFDocument\":{\"identifier\":\"nope\",\"uri\":\"u\","
		  "\"creator\":\"c\",\"title\":\"t\",\"lastChangeDateTime\":"
		  "\"2020-01-01T00:00:00Z\"}}",
		  "E case.uuid /CFDocument/identifier" },
		{ "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"u\","
		  "\"title\":\"t\",\"lastChangeDateTime\":\"2020-01-01\"}}",
		  "E case.required /CFDocument: CFDocument has no creator" },
		{ "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"u\","
		  "\"creator\":\"c\",\"title\":\"t\",\"lastChangeDateTime\":"
		  "\"yesterday\"}}",
		  "E case.datetime /CFDocument/lastChangeDateTime" },
		{ "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"u\","
		  "\"creator\":\"c\",\"title\":\"t\",\"lastChangeDateTime\":"
		  "\"2020-01-01T00:00:00Z\",\"statusStartDate\":\"soon\"},"
		  "\"CFItems\":[{\"identifier\":\"" IT1 "\",\"uri\":\"u\","
		  "\"fullStatement\":7,\"lastChangeDateTime\":"
		  "\"2020-01-01T00:00:00Z\"}]}",
		  "E case.type /CFItems/0/fullStatement: expected a string, "
		  "found a number" },
		{ "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"u\","
		  "\"creator\":\"c\",\"title\":\"t\",\"lastChangeDateTime\":"
		  "\"2020-01-01T00:00:00Z\"},\"CFAssociations\":[{"
		  "\"identifier\":"
		  "\"" AS1
		  "\",\"uri\":\"u\",\"associationType\":\"isSiblingOf\","
		  "\"originNodeURI\":{\"title\":\"a\",\"identifier\":\"" DOC
		  "\",\"uri\":\"u\"},\"destinationNodeURI\":{\"title\":\"a\","
		  "\"identifier\":\"" DOC "\",\"uri\":\"u\"},"
		  "\"lastChangeDateTime\":\"2020-01-01T00:00:00Z\"}]}",
		  "E case.association.type /CFAssociations/0/associationType" },
		/* What the reader lets through, the 1.1 schema does not. */
		{ "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"u\","
		  "\"creator\":\"c\",\"title\":\"t\",\"caseVersion\":\"2.0\","
		  "\"lastChangeDateTime\":\"2020-01-01T00:00:00Z\"}}",
		  "E case.schema /CFDocument/caseVersion" },
		{ "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"u\","
		  "\"creator\":\"c\",\"title\":\"t\",\"lastChangeDateTime\":"
		  "\"2020-01-01T00:00:00Z\"},\"CFAssociations\":[{"
		  "\"identifier\":"
		  "\"" AS1 "\",\"uri\":\"u\",\"associationType\":\"isPeerOf\","
		  "\"originNodeURI\":{\"title\":\"a\",\"identifier\":\"" DOC
		  "\",\"uri\":\"u\",\"targetType\":\"no spaces\"},"
		  "\"destinationNodeURI\":{\"title\":\"a\",\"identifier\":"
		  "\"x\","
		  "\"uri\":\"u\"},\"lastChangeDateTime\":\"2020-01-01T00:00:"
		  "00Z\"}"
		  "]}",
		  "E case.schema /CFAssociations/0/originNodeURI/targetType" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cw_case_package *p;
		collected c;

		ck_assert_int_eq(read_text(&p, &c, cases[i].text), CW_EINVAL);
		ck_assert_msg(strstr(c.text, cases[i].want) != NULL,
		              "case %zu: want \"%s\" in\n%s", i, cases[i].want,
		              c.text);
		cw_case_package_free(p);
	}
}
END_TEST

/* A package of n items under the document, with extra text in the lists. */
static void package_with(char *out, size_t n, const char *items,
                         const char *associations)
{
	snprintf(out, n,
	         "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"u\","
	         "\"creator\":\"c\",\"title\":\"t\",\"lastChangeDateTime\":"
	         "\"2020-01-01T00:00:00Z\"},\"CFItems\":[%s],"
	         "\"CFAssociations\":[%s]}",
	         items, associations);
}

#define ITEM(id)                                                               \
	"{\"identifier\":\"" id "\",\"uri\":\"u\",\"fullStatement\":\"s\","    \
	"\"lastChangeDateTime\":\"2020-01-01T00:00:00Z\"}"
#define CHILD(id, from, to)                                                    \
	"{\"identifier\":\"" id "\",\"uri\":\"u\",\"associationType\":"        \
	"\"isChildOf\",\"originNodeURI\":{\"title\":\"o\",\"identifier\":"     \
	"\"" from "\",\"uri\":\"u\"},\"destinationNodeURI\":{\"title\":\"d\"," \
	"\"identifier\":\"" to "\",\"uri\":\"u\"},\"lastChangeDateTime\":"     \
	"\"2020-01-01T00:00:00Z\"}"

static int known_one(const char *identifier, void *payload)
{
	return strcmp(identifier, (const char *)payload) == 0;
}

START_TEST(what_a_schema_cannot_say)
{
	char text[8192];
	cw_case_package *p;
	collected c;
	cw_case_read_options o = { known_one, (void *)IT2, collect, &c, 0 };

	/* Duplicate identifiers. */
	package_with(text, sizeof(text), ITEM(IT1) "," ITEM(IT1), "");
	ck_assert_int_eq(read_text(&p, &c, text), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(c.text, "E case.identifier.duplicate "
	                                     "/CFItems/1/identifier"));
	cw_case_package_free(p);
	/* A cycle: 1 under 2 under 1. */
	package_with(text, sizeof(text), ITEM(IT1) "," ITEM(IT2),
	             CHILD(AS1, IT1, IT2) "," CHILD(AS2, IT2, IT1));
	ck_assert_int_eq(read_text(&p, &c, text), CW_EINVAL);
	ck_assert_int_eq(c.errors, 1);
	ck_assert_ptr_nonnull(strstr(c.text, "E case.cycle /CFAssociations/"));
	cw_case_package_free(p);
	/* A parent neither in the package nor known … */
	package_with(text, sizeof(text), ITEM(IT1), CHILD(AS1, IT1, IT2));
	ck_assert_int_eq(read_text(&p, &c, text), CW_EINVAL);
	ck_assert_ptr_nonnull(
	        strstr(c.text, "E case.association.dangling /CFAssociations/0/"
	                       "destinationNodeURI/identifier"));
	cw_case_package_free(p);
	/* … is fine when the tenant knows it. */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cw_case_package_read(&p, text, strlen(text), &o), 0);
	cw_case_package_free(p);
	/* A tree is no cycle. */
	package_with(text, sizeof(text), ITEM(IT1) "," ITEM(IT2),
	             CHILD(AS1, IT1, DOC) "," CHILD(AS2, IT2, IT1));
	ck_assert_int_eq(read_text(&p, &c, text), 0);
	cw_case_package_free(p);
	/* CFItemType must be its CFItemTypeURI's title. */
	package_with(text, sizeof(text),
	             "{\"identifier\":\"" IT1 "\",\"uri\":\"u\","
	             "\"fullStatement\":\"s\",\"CFItemType\":\"Standard\","
	             "\"CFItemTypeURI\":{\"title\":\"Cluster\",\"identifier\":"
	             "\"" TYPE "\",\"uri\":\"u\"},\"lastChangeDateTime\":"
	             "\"2020-01-01T00:00:00Z\"}",
	             "");
	ck_assert_int_eq(read_text(&p, &c, text), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(c.text, "E case.itemtype.mismatch "
	                                     "/CFItems/0/CFItemType"));
	cw_case_package_free(p);
}
END_TEST

/* Nesting past the cap and a huge string: errors, no crash. */
START_TEST(hostile_input_fails_cleanly)
{
	char *deep = malloc(200001);
	cw_case_package *p;
	collected c;

	ck_assert_ptr_nonnull(deep);
	for (int i = 0; i < 100000; i++) {
		deep[i] = '[';
		deep[200000 - 1 - i] = ']';
	}
	deep[200000] = '\0';
	ck_assert_int_eq(read_text(&p, &c, deep), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(c.text, "case.depth"));
	cw_case_package_free(p);
	free(deep);
}
END_TEST

/* 100,000 items with one bad date: that one error, at its pointer. */
START_TEST(one_bad_date_among_many)
{
	cw_buf text = CW_BUF_INIT((size_t)64 << 20);
	cw_case_package *p;
	collected c;

	cw_buf_puts(&text,
	            "{\"CFDocument\":{\"identifier\":\"" DOC
	            "\",\"uri\":\"u\",\"creator\":\"c\",\"title\":"
	            "\"t\",\"lastChangeDateTime\":\"2020-01-01T00:00:00Z\""
	            "},\"CFItems\":[");
	for (int i = 0; i < 100000; i++)
		cw_buf_printf(&text,
		              "%s{\"identifier\":\"%08x-0000-4000-8000-"
		              "000000000000\",\"uri\":\"u\",\"fullStatement\":"
		              "\"s\",\"lastChangeDateTime\":\"%s\"}",
		              i ? "," : "", i,
		              i == 73512 ? "2020-13-45T99:00:00Z"
		                         : "2020-01-01T00:00:00Z");
	cw_buf_puts(&text, "]}");
	ck_assert_int_eq(text.error, 0);
	ck_assert_int_eq(read_text(&p, &c, cw_buf_cstr(&text)), CW_EINVAL);
	ck_assert_uint_eq(c.errors, 1);
	ck_assert_ptr_nonnull(strstr(c.text,
	                             "E case.datetime "
	                             "/CFItems/73512/lastChangeDateTime"));
	cw_case_package_free(p);
	cw_buf_dispose(&text);
}
END_TEST

/* The shared OpenSALT packages read without errors (skipped without
 * ../shared). */
START_TEST(shared_fixtures_read)
{
	static const char *const files[] = {
		"opensalt-sample-what-standards-could-be.json",
		"opensalt-act-holistic-math-ordering.json",
		"opensalt-markdown-framework.json",
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
		char *text = NULL;
		size_t len = 0;
		cw_case_package *p;
		collected c;
		cw_case_read_options o = { NULL, NULL, collect, &c, 0 };

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 24), 0);
		memset(&c, 0, sizeof(c));
		ck_assert_msg(cw_case_package_read(&p, text, len, &o) == 0,
		              "%s:\n%s", files[i], c.text);
		ck_assert_int_ge(cJSON_GetArraySize(
		                         cw_case_package_list(p, CW_CASE_ITEM)),
		                 2);
		cw_case_package_free(p);
		free(text);
	}
}
END_TEST

Suite *suite_case_package(void)
{
	Suite *s = suite_create("case/package");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, legacy_shapes_become_strict);
	tcase_add_test(tc, version_1_0_leaves_out_what_1_1_added);
	tcase_add_test(tc, bad_values_are_reported_where_they_are);
	tcase_add_test(tc, what_a_schema_cannot_say);
	tcase_add_test(tc, hostile_input_fails_cleanly);
	tcase_add_test(tc, one_bad_date_among_many);
	tcase_add_test(tc, shared_fixtures_read);
	suite_add_tcase(s, tc);
	return s;
}
