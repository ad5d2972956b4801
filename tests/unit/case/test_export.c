/* The CASE exports (case/export.h) and the spreadsheet CSV (case/sheet.h)
 * on a package the test writes: tree order, references backwards, quoting,
 * rubric ratings, Moodle escaping, the CSV round trip, OB 3.0 shapes; the
 * shared OpenSALT packages round-trip too when they are there. */
#include "case/export.h"
#include "case/package.h"
#include "case/sheet.h"
#include "case/write.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Suite *suite_case_export(void);

#define DOC "d0c00000-0000-4000-8000-000000000000"
#define A   "a0000000-0000-4000-8000-00000000000a"
#define B   "a0000000-0000-4000-8000-00000000000b"
#define C   "a0000000-0000-4000-8000-00000000000c"
#define D   "a0000000-0000-4000-8000-00000000000d"
#define E   "a0000000-0000-4000-8000-00000000000e"
#define F   "a0000000-0000-4000-8000-00000000000f"
#define G   "a0000000-0000-4000-8000-000000000010"
#define H   "a0000000-0000-4000-8000-000000000011"
#define X   "e0000000-0000-4000-8000-0000000000ee"
#define T   "'lastChangeDateTime':'2025-01-01T00:00:00Z'"

#define ITEM(id, code, statement)                                              \
	"{'identifier':'" id "','uri':'https://x/" id                          \
	"','fullStatement':'" statement "'," code T "}"
#define CODE(c)  "'humanCodingScheme':'" c "',"
#define LINK(id) "{'title':'n','identifier':'" id "','uri':'https://x/n'}"
#define ASSOC(n, type, from, to, extra)                                        \
	"{'identifier':'f0000000-0000-4000-8000-0000000000" n "','uri':"       \
	"'https://x/a" n "','associationType':'" type "'," extra               \
	"'originNodeURI':" LINK(from) ",'destinationNodeURI':" LINK(to) "," T  \
	                                                                "}"
#define LEVEL(n, score, text)                                                  \
	"{'identifier':'b0000000-0000-4000-8000-0000000000" n "','uri':"       \
	"'https://x/l" n "','description':'" text "','score':" score "," T "}"

/* Written with ' for ", in parts (C limits a literal), turned into JSON by
 * json_of(). */
static const char *const package_parts[] = {
	"{'CFDocument':{'identifier':'" DOC "','uri':'https://x/doc',"
	"'creator':'State','title':'Math, Grade 6','description':'Ratios'," T
	"},",
	"'CFItems':[" ITEM(A, CODE("M.2"), "Ratios and rates") ",",
	ITEM(B, CODE("M.1"), "Numbers") ",",
	ITEM(C, CODE("M.1.b"), "Use \\\"ratios\\\"\\nand rates") ",",
	ITEM(D, CODE("M.1.a"), "Add") ",",
	ITEM(E, CODE("M.2.a"), "Rates") ",",
	ITEM(F, CODE("M.2.b"), "Shared") ",",
	"{'identifier':'" G "','uri':'https://x/" G "','fullStatement':"
	"'Orphan statement\\nsecond line','educationLevel':['06','07'],"
	"'extensions':{'note':'a|b','n':[1,2.5]}," T "},",
	ITEM(H, CODE("M.1"), "Twice") "],",
	"'CFAssociations':[" ASSOC("01", "isChildOf", A, DOC,
	                           "'sequenceNumber':2,") ",",
	ASSOC("02", "isChildOf", B, DOC, "'sequenceNumber':1,") ",",
	ASSOC("03", "isChildOf", C, B, "") ",",
	ASSOC("04", "isChildOf", D, B, "") ",",
	ASSOC("05", "isChildOf", E, A, "") ",",
	ASSOC("06", "isChildOf", F, A, "") ",",
	ASSOC("07", "isChildOf", F, B, "") ",",
	ASSOC("08", "isChildOf", H, E, "") ",",
	ASSOC("09", "isRelatedTo", C, E, "'notes':'\\\\x',") ",",
	ASSOC("10", "exactMatchOf", D, X, "") "],",
	"'CFDefinitions':{'CFConcepts':[],'CFItemTypes':[{'identifier':"
	"'c0000000-0000-4000-8000-000000000001','uri':'https://x/t','title':"
	"'Standard','description':'','hierarchyCode':'1'," T "}]},",
	"'CFRubrics':[{'identifier':'b0000000-0000-4000-8000-000000000001',"
	"'uri':'https://x/r','title':'Rubric'," T ",'CFRubricCriteria':[{"
	"'identifier':'b0000000-0000-4000-8000-000000000002','uri':"
	"'https://x/rc','CFItemURI':" LINK(
	        C) "," T ",'CFRubricCriterionLevels':[" LEVEL("03", "1",
	                                                      "Beginning") ",",
	LEVEL("04", "3", "Mastered") "," LEVEL("05", "2",
	                                       "Developing") "]}]}]}",
};

static char *json_of(void)
{
	cw_buf text = CW_BUF_INIT(1 << 20);

	for (size_t i = 0; i < sizeof(package_parts) / sizeof(char *); i++)
		ck_assert_int_eq(cw_buf_puts(&text, package_parts[i]), 0);
	for (char *p = text.data; *p; p++)
		if (*p == '\'')
			*p = '"';
	return cw_buf_detach(&text, NULL);
}

static int trust(const char *identifier, void *payload)
{
	(void)identifier;
	(void)payload;
	return 1;
}

static cw_case_package *read_package(const char *json, size_t len)
{
	cw_case_read_options o = { trust, NULL, NULL, NULL, 0 };
	cw_case_package *p = NULL;

	ck_assert_int_eq(cw_case_package_read(&p, json, len, &o), 0);
	return p;
}

static cw_case_package *test_package(void)
{
	char *json = json_of();
	cw_case_package *p = read_package(json, strlen(json));

	cw_free(json);
	return p;
}

/* ---- a CSV read into a table ----------------------------------------------
 */

#define MAX_ROWS 64
#define MAX_COLS 64

typedef struct {
	char *cells[MAX_ROWS][MAX_COLS];
	size_t widths[MAX_ROWS];
	size_t rows;
} table;

static int keep_record(const cw_csv_record *r, void *payload)
{
	table *t = payload;

	ck_assert_uint_lt(t->rows, MAX_ROWS);
	ck_assert_uint_le(r->count, MAX_COLS);
	for (size_t i = 0; i < r->count; i++)
		t->cells[t->rows][i] = strdup(r->fields[i]);
	t->widths[t->rows++] = r->count;
	return 0;
}

static void parse_csv(table *t, const cw_buf *text)
{
	static const cw_csv_limits limits = { 1 << 20, 1 << 20, 256 };
	cw_csv *csv = NULL;

	memset(t, 0, sizeof(*t));
	ck_assert_int_eq(cw_csv_new(&csv, &limits, keep_record, NULL, t), 0);
	ck_assert_int_eq(cw_csv_feed(csv, text->data, text->len), 0);
	ck_assert_int_eq(cw_csv_finish(csv), 0);
	cw_csv_free(csv);
}

static void table_free(table *t)
{
	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->widths[r]; c++)
			free(t->cells[r][c]);
}

/* The row whose first cell (or column col) is value; -1 when none. */
static int row_of(const table *t, size_t col, const char *value)
{
	for (size_t r = 1; r < t->rows; r++)
		if (t->widths[r] > col && !strcmp(t->cells[r][col], value))
			return (int)r;
	return -1;
}

static void export_to(table *t, cw_buf *out, const cw_case_package *p,
                      cw_case_export_format f, size_t want_rows)
{
	size_t rows = 0;

	int quoted = 0;

	ck_assert_int_eq(cw_case_export(out, &rows, p->root, f), 0);
	ck_assert_uint_eq(rows, want_rows);
	/* CRLF ends every line (line breaks inside quotes are data), and
	 * there is no BOM. */
	for (size_t i = 0; i < out->len; i++) {
		if (out->data[i] == '"')
			quoted = !quoted;
		else if (out->data[i] == '\n' && !quoted)
			ck_assert(i > 0 && out->data[i - 1] == '\r');
	}
	ck_assert(out->len > 2 && out->data[out->len - 2] == '\r');
	ck_assert(out->data[0] != '\xEF');
	parse_csv(t, out);
	ck_assert_uint_eq(t->rows, want_rows + 1);
}

/* ---- tests ----------------------------------------------------------------
 */

static const char *const tree_order[] = { B, D, C, A, E, H, F, G };

START_TEST(canvas_outcomes_in_tree_order)
{
	cw_case_package *p = test_package();
	cw_buf out = CW_BUF_INIT(1 << 20);
	table t;

	export_to(&t, &out, p, CW_CASE_EXPORT_CANVAS, 9);
	ck_assert_str_eq(t.cells[0][0], "vendor_guid");
	ck_assert_str_eq(t.cells[0][8], "parent_guids");
	ck_assert_str_eq(t.cells[0][9], "mastery_points");
	ck_assert_str_eq(t.cells[0][10], "ratings");
	/* The default scale (4 levels) is the widest: 10 + 8 columns. */
	for (size_t r = 0; r < t.rows; r++)
		ck_assert_uint_eq(t.widths[r], 18);
	ck_assert_str_eq(t.cells[0][11], "");
	ck_assert_str_eq(t.cells[1][0], DOC);
	ck_assert_str_eq(t.cells[1][1], "group");
	ck_assert_str_eq(t.cells[1][2], "Math, Grade 6");
	ck_assert_str_eq(t.cells[1][8], "");
	for (size_t i = 0; i < 8; i++)
		ck_assert_str_eq(t.cells[i + 2][0], tree_order[i]);
	/* Every parent is an earlier group row. */
	for (size_t r = 2; r < t.rows; r++) {
		const char *g = t.cells[r][8];

		while (*g) {
			char one[64];
			size_t n = strcspn(g, " ");
			int at;

			ck_assert_uint_lt(n, sizeof(one));
			memcpy(one, g, n);
			one[n] = '\0';
			at = row_of(&t, 0, one);
			ck_assert_msg(at > 0 && at < (int)r, "row %zu", r);
			ck_assert_str_eq(t.cells[at][1], "group");
			g += n + (g[n] == ' ');
		}
	}
	/* F is under A, and under B too (an earlier group). */
	ck_assert_str_eq(t.cells[row_of(&t, 0, F)][8], A " " B);
	ck_assert_str_eq(t.cells[row_of(&t, 0, G)][8], DOC);
	ck_assert_str_eq(t.cells[row_of(&t, 0, B)][1], "group");
	ck_assert_str_eq(t.cells[row_of(&t, 0, D)][1], "outcome");
	ck_assert_str_eq(t.cells[row_of(&t, 0, D)][4], "M.1.a");
	/* Groups carry no calculation, mastery or ratings. */
	ck_assert_str_eq(t.cells[row_of(&t, 0, B)][5], "");
	ck_assert_str_eq(t.cells[row_of(&t, 0, B)][10], "");
	/* The title of an item without a code: its statement's first line. */
	ck_assert_str_eq(t.cells[row_of(&t, 0, G)][2], "Orphan statement");
	table_free(&t);
	cw_buf_dispose(&out);
	cw_case_package_free(p);
}
END_TEST

START_TEST(canvas_ratings_from_the_rubric)
{
	cw_case_package *p = test_package();
	cw_buf out = CW_BUF_INIT(1 << 20);
	table t;
	int c, d;

	export_to(&t, &out, p, CW_CASE_EXPORT_CANVAS, 9);
	c = row_of(&t, 0, C);
	d = row_of(&t, 0, D);
	/* C's criterion: levels in decreasing points, mastery the second. */
	ck_assert_str_eq(t.cells[c][9], "2");
	ck_assert_str_eq(t.cells[c][10], "3");
	ck_assert_str_eq(t.cells[c][11], "Mastered");
	ck_assert_str_eq(t.cells[c][12], "2");
	ck_assert_str_eq(t.cells[c][13], "Developing");
	ck_assert_str_eq(t.cells[c][14], "1");
	ck_assert_str_eq(t.cells[c][15], "Beginning");
	ck_assert_str_eq(t.cells[c][16], "");
	/* Others: the default scale. */
	ck_assert_str_eq(t.cells[d][9], "3");
	ck_assert_str_eq(t.cells[d][10], "4");
	ck_assert_str_eq(t.cells[d][11], "Exceeds Mastery");
	ck_assert_str_eq(t.cells[d][17], "Below Mastery");
	ck_assert_str_eq(t.cells[d][5], "decaying_average");
	/* Quoting: the statement's quotes doubled, its line break inside. */
	ck_assert_ptr_nonnull(
	        strstr(out.data, ",\"Use \"\"ratios\"\"\nand rates\","));
	ck_assert_str_eq(t.cells[c][3], "Use \"ratios\"\nand rates");
	table_free(&t);
	cw_buf_dispose(&out);
	cw_case_package_free(p);
}
END_TEST

START_TEST(moodle_framework_and_competencies)
{
	cw_case_package *p = test_package();
	cw_buf out = CW_BUF_INIT(1 << 20);
	table t;
	int c;

	export_to(&t, &out, p, CW_CASE_EXPORT_MOODLE, 9);
	ck_assert_str_eq(t.cells[0][0], "Parent id number");
	ck_assert_str_eq(t.cells[0][13], "Taxonomy");
	for (size_t r = 0; r < t.rows; r++)
		ck_assert_uint_eq(t.widths[r], 14);
	ck_assert_str_eq(t.cells[1][1], DOC);
	ck_assert_str_eq(t.cells[1][4], "4");
	ck_assert_str_eq(t.cells[1][5], "Not yet competent,Competent");
	ck_assert_str_eq(t.cells[1][6],
	                 "[{\"scaleid\":\"2\"},{\"id\":2,"
	                 "\"scaledefault\":1,\"proficient\":1}]");
	ck_assert_str_eq(t.cells[1][12], "1");
	/* Three levels of items: three taxonomy terms. */
	ck_assert_str_eq(t.cells[1][13], "competency,competency,competency");
	for (size_t i = 0; i < 8; i++) {
		ck_assert_str_eq(t.cells[i + 2][1], tree_order[i]);
		ck_assert_str_eq(t.cells[i + 2][12], "");
		ck_assert_str_eq(t.cells[i + 2][9], "null");
	}
	/* Top items have no parent; the others an earlier row's idnumber. */
	ck_assert_str_eq(t.cells[row_of(&t, 1, B)][0], "");
	ck_assert_str_eq(t.cells[row_of(&t, 1, G)][0], "");
	ck_assert_str_eq(t.cells[row_of(&t, 1, H)][0], E);
	c = row_of(&t, 1, C);
	ck_assert_str_eq(t.cells[c][0], B);
	ck_assert_str_eq(t.cells[c][2], "M.1.b");
	/* isRelatedTo inside the framework; exactMatchOf outside is not. */
	ck_assert_str_eq(t.cells[c][10], E);
	ck_assert_str_eq(t.cells[row_of(&t, 1, D)][10], "");
	table_free(&t);
	cw_buf_dispose(&out);
	cw_case_package_free(p);
}
END_TEST

/* Commas in an idnumber are %2C in relatedidnumbers; shortnames stop at
 * 100 characters. A tree made here, not read: identifiers of any text. */
START_TEST(moodle_escapes_related_idnumbers)
{
	char long_code[300];
	cJSON *root = cJSON_CreateObject(), *items, *assocs, *a, *link;
	cw_buf out = CW_BUF_INIT(1 << 20);
	size_t rows;
	table t;

	memset(long_code, 'x', 250);
	long_code[250] = '\0';
	cJSON_AddItemToObject(root, "CFDocument",
	                      cJSON_Parse("{\"identifier\":\"doc\",\"title\":"
	                                  "\"D\"}"));
	items = cJSON_AddArrayToObject(root, "CFItems");
	cJSON_AddItemToArray(items, cJSON_Parse("{\"identifier\":\"a,1\","
	                                        "\"fullStatement\":\"one\"}"));
	a = cJSON_Parse("{\"identifier\":\"b\",\"fullStatement\":\"two\"}");
	cJSON_AddStringToObject(a, "humanCodingScheme", long_code);
	cJSON_AddItemToArray(items, a);
	assocs = cJSON_AddArrayToObject(root, "CFAssociations");
	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "associationType", "isRelatedTo");
	link = cJSON_AddObjectToObject(a, "originNodeURI");
	cJSON_AddStringToObject(link, "identifier", "b");
	link = cJSON_AddObjectToObject(a, "destinationNodeURI");
	cJSON_AddStringToObject(link, "identifier", "a,1");
	cJSON_AddItemToArray(assocs, a);
	ck_assert_int_eq(
	        cw_case_export(&out, &rows, root, CW_CASE_EXPORT_MOODLE), 0);
	parse_csv(&t, &out);
	ck_assert_str_eq(t.cells[row_of(&t, 1, "b")][10], "a%2C1");
	ck_assert_uint_eq(strlen(t.cells[row_of(&t, 1, "b")][2]), 100);
	table_free(&t);
	cw_buf_dispose(&out);
	cJSON_Delete(root);
}
END_TEST

START_TEST(powerschool_learning_standards)
{
	cw_case_package *p = test_package();
	cw_buf out = CW_BUF_INIT(1 << 20);
	table t;

	export_to(&t, &out, p, CW_CASE_EXPORT_POWERSCHOOL, 8);
	ck_assert_ptr_nonnull(strstr(out.data,
	                             "abbreviatedStatement,fullStatement,"
	                             "humanCodingScheme,identifier,"
	                             "parentIdentifier,sequenceNumber,"
	                             "educationLevel\r\n"));
	for (size_t i = 0; i < 8; i++)
		ck_assert_str_eq(t.cells[i + 1][3], tree_order[i]);
	/* The parent by its code; none for the top level. */
	ck_assert_str_eq(t.cells[row_of(&t, 3, B)][4], "");
	ck_assert_str_eq(t.cells[row_of(&t, 3, C)][4], "M.1");
	ck_assert_str_eq(t.cells[row_of(&t, 3, C)][5], "2");
	ck_assert_str_eq(t.cells[row_of(&t, 3, A)][5], "2");
	/* H repeats B's code and G has none: their identifiers instead. */
	ck_assert_str_eq(t.cells[row_of(&t, 3, H)][2], H);
	ck_assert_str_eq(t.cells[row_of(&t, 3, H)][4], "M.2.a");
	ck_assert_str_eq(t.cells[row_of(&t, 3, G)][2], G);
	ck_assert_str_eq(t.cells[row_of(&t, 3, G)][6], "06,07");
	table_free(&t);
	cw_buf_dispose(&out);
	cw_case_package_free(p);
}
END_TEST

START_TEST(schoology_district_mastery)
{
	cw_case_package *p = test_package();
	cw_buf out = CW_BUF_INIT(1 << 20);
	table t;

	export_to(&t, &out, p, CW_CASE_EXPORT_SCHOOLOGY, 9);
	ck_assert_ptr_nonnull(strstr(out.data, "external_id,title,display_"
	                                       "title,description,type,"
	                                       "parent_id\r\n"));
	ck_assert_str_eq(t.cells[1][0], DOC);
	ck_assert_str_eq(t.cells[1][4], "parent");
	ck_assert_str_eq(t.cells[row_of(&t, 0, B)][4], "parent");
	ck_assert_str_eq(t.cells[row_of(&t, 0, B)][5], DOC);
	ck_assert_str_eq(t.cells[row_of(&t, 0, D)][4], "objective");
	ck_assert_str_eq(t.cells[row_of(&t, 0, D)][5], B);
	/* Titles are unique: H's code is B's. */
	ck_assert_str_eq(t.cells[row_of(&t, 0, B)][1], "M.1");
	ck_assert_str_eq(t.cells[row_of(&t, 0, H)][1], "M.1 (" H ")");
	for (size_t r = 1; r < t.rows; r++)
		for (size_t q = r + 1; q < t.rows; q++)
			ck_assert_str_ne(t.cells[r][1], t.cells[q][1]);
	table_free(&t);
	cw_buf_dispose(&out);
	cw_case_package_free(p);
}
END_TEST

/* Sheet out, sheet in, package read: the same package text, and the same
 * sheet again. */
static void round_trip(const cw_case_package *p, const char *what)
{
	cw_buf sheet = CW_BUF_INIT(1 << 26), again = CW_BUF_INIT(1 << 26);
	cw_buf json = CW_BUF_INIT(1 << 26), before = CW_BUF_INIT(1 << 26);
	cw_buf after = CW_BUF_INIT(1 << 26);
	cw_case_package *back;
	size_t rows, rows_again;

	ck_assert_int_eq(
	        cw_case_export(&sheet, &rows, p->root, CW_CASE_EXPORT_CSV), 0);
	ck_assert(cw_case_sheet_is(sheet.data, sheet.len));
	ck_assert_int_eq(
	        cw_case_sheet_read(&json, sheet.data, sheet.len, NULL, NULL),
	        0);
	back = read_package(json.data, json.len);
	ck_assert_int_eq(cw_case_write_package(&before, p->root, CW_CASE_V1P1),
	                 0);
	ck_assert_int_eq(
	        cw_case_write_package(&after, back->root, CW_CASE_V1P1), 0);
	ck_assert_msg(before.len == after.len &&
	                      memcmp(before.data, after.data, before.len) == 0,
	              "%s:\n%s\n%s", what, before.data, after.data);
	ck_assert_int_eq(cw_case_export(&again, &rows_again, back->root,
	                                CW_CASE_EXPORT_CSV),
	                 0);
	ck_assert_uint_eq(rows, rows_again);
	ck_assert(sheet.len == again.len &&
	          memcmp(sheet.data, again.data, sheet.len) == 0);
	cw_case_package_free(back);
	cw_buf_dispose(&sheet);
	cw_buf_dispose(&again);
	cw_buf_dispose(&json);
	cw_buf_dispose(&before);
	cw_buf_dispose(&after);
}

START_TEST(sheet_round_trip_is_exact)
{
	cw_case_package *p = test_package();
	cw_buf sheet = CW_BUF_INIT(1 << 20);
	size_t rows;
	table t;

	round_trip(p, "test package");
	ck_assert_int_eq(
	        cw_case_export(&sheet, &rows, p->root, CW_CASE_EXPORT_CSV), 0);
	/* package, document, 8 items, 10 associations, 1 item type, rubric,
	 * criterion, 3 levels */
	ck_assert_uint_eq(rows, 26);
	parse_csv(&t, &sheet);
	ck_assert_str_eq(t.cells[1][0], "CFPackage");
	ck_assert_str_eq(t.cells[1][2],
	                 "CFItems CFAssociations CFDefinitions "
	                 "CFDefinitions/CFConcepts CFDefinitions/CFItemTypes "
	                 "CFRubrics");
	/* Lists and links are JSON; "" and a leading backslash escaped. */
	ck_assert_ptr_nonnull(
	        strstr(sheet.data, "\"[\"\"06\"\",\"\"07\"\"]\""));
	ck_assert_ptr_nonnull(strstr(sheet.data, ",\\,"));
	ck_assert_ptr_nonnull(strstr(sheet.data, ",\\\\x,"));
	ck_assert_str_eq(t.cells[t.rows - 1][0], "CFRubricCriterionLevel");
	ck_assert_str_eq(t.cells[t.rows - 1][1],
	                 "b0000000-0000-4000-8000-000000000002");
	table_free(&t);
	cw_buf_dispose(&sheet);
	cw_case_package_free(p);
}
END_TEST

typedef struct {
	char text[4096];
} diags;

static void keep_diag(const cw_case_diag *d, void *payload)
{
	diags *c = payload;
	size_t n = strlen(c->text);

	snprintf(c->text + n, sizeof(c->text) - n, "%s %s: %s\n", d->pointer,
	         d->code, d->message);
}

START_TEST(sheet_reader_reports_where)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "", "1:1 case.sheet.header" },
		{ "object,parent,layout,colour\r\n", "1:22 case.sheet.header" },
		{ "object,parent,layout,identifier,sequenceNumber\r\n"
		  "CFAssociation,,,x,seven\r\n",
		  "2:19 case.sheet.value: sequenceNumber" },
		{ "object,parent,layout,identifier\r\nCFThing,,,x\r\n",
		  "2:1 case.sheet.object" },
		{ "object,parent,layout,identifier\r\n"
		  "CFRubricCriterionLevel,,,x\r\n",
		  "2:1 case.sheet.parent" },
		{ "object,parent,layout,identifier\r\n\"CFItem,,,x\r\n",
		  "csv.unterminated_quote" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cw_buf json = CW_BUF_INIT(1 << 20);
		diags d = { "" };

		ck_assert_int_eq(cw_case_sheet_read(&json, cases[i].text,
		                                    strlen(cases[i].text),
		                                    keep_diag, &d),
		                 CW_EINVAL);
		ck_assert_msg(strstr(d.text, cases[i].want) != NULL,
		              "case %zu: want \"%s\" in\n%s", i, cases[i].want,
		              d.text);
		cw_buf_dispose(&json);
	}
}
END_TEST

START_TEST(ob3_achievements_shape)
{
	cw_case_package *p = test_package();
	cw_buf out = CW_BUF_INIT(1 << 20);
	cJSON *list = NULL, *a, *al;
	size_t rows, i = 0;

	ck_assert_int_eq(
	        cw_case_export(&out, &rows, p->root, CW_CASE_EXPORT_OB3), 0);
	ck_assert_uint_eq(rows, 8);
	ck_assert_int_eq(cw_json_parse(&list, out.data, out.len, 16, NULL), 0);
	ck_assert(cJSON_IsArray(list));
	ck_assert_int_eq(cJSON_GetArraySize(list), 8);
	cJSON_ArrayForEach(a, list)
	{
		char id[64];

		snprintf(id, sizeof(id), "urn:uuid:%s", tree_order[i++]);
		ck_assert_str_eq(cw_json_string(a, "id"), id);
		ck_assert_str_eq(
		        cJSON_GetArrayItem(cJSON_GetObjectItem(a, "type"), 0)
		                ->valuestring,
		        "Achievement");
		ck_assert_str_eq(cw_json_string(a, "achievementType"),
		                 "Competency");
		ck_assert_ptr_nonnull(cw_json_string(a, "name"));
		ck_assert_ptr_nonnull(cw_json_string(a, "description"));
		ck_assert_ptr_nonnull(cw_json_string(
		        cJSON_GetObjectItem(a, "criteria"), "narrative"));
		al = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "alignment"), 0);
		ck_assert_str_eq(
		        cJSON_GetArrayItem(cJSON_GetObjectItem(al, "type"), 0)
		                ->valuestring,
		        "Alignment");
		ck_assert_str_eq(cw_json_string(al, "targetType"), "CFItem");
		ck_assert_str_eq(cw_json_string(al, "targetCode"), id + 9);
		ck_assert_str_eq(cw_json_string(al, "targetFramework"),
		                 "Math, Grade 6");
		ck_assert_ptr_nonnull(
		        strstr(cw_json_string(al, "targetUrl"), id + 9));
		ck_assert_str_eq(cw_json_string(al, "targetName"),
		                 cw_json_string(a, "description"));
	}
	a = cJSON_GetArrayItem(list, 1);
	ck_assert_str_eq(cw_json_string(a, "name"), "M.1.a");
	ck_assert_str_eq(cw_json_string(a, "humanCode"), "M.1.a");
	ck_assert_ptr_null(
	        cJSON_GetObjectItem(cJSON_GetArrayItem(list, 7), "humanCode"));
	cJSON_Delete(list);
	cw_buf_dispose(&out);
	cw_case_package_free(p);
}
END_TEST

START_TEST(case_json_is_the_package)
{
	cw_case_package *p = test_package();
	cw_buf out = CW_BUF_INIT(1 << 20), want = CW_BUF_INIT(1 << 20);
	cw_case_export_format f;
	size_t rows;

	ck_assert_int_eq(
	        cw_case_export(&out, &rows, p->root, CW_CASE_EXPORT_CASE_JSON),
	        0);
	ck_assert_int_eq(cw_case_write_package(&want, p->root, CW_CASE_V1P1),
	                 0);
	ck_assert_str_eq(out.data, want.data);
	ck_assert_uint_eq(rows, 8);
	for (int i = 0; i < CW_CASE_EXPORT_FORMAT_COUNT; i++) {
		ck_assert_int_eq(cw_case_export_format_of(
		                         &f, cw_case_export_format_name(
		                                     (cw_case_export_format)i)),
		                 0);
		ck_assert_int_eq(f, i);
	}
	ck_assert_int_eq(cw_case_export_format_of(&f, "excel"), CW_EINVAL);
	cw_buf_dispose(&out);
	cw_buf_dispose(&want);
	cw_case_package_free(p);
}
END_TEST

/* The shared OpenSALT packages survive the sheet (skipped without
 * ../shared). */
START_TEST(shared_fixtures_round_trip)
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
		cw_buf strict = CW_BUF_INIT(1 << 26);
		cw_case_package *p, *q;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 24), 0);
		/* As stored: the strict text, read again. */
		p = read_package(text, len);
		ck_assert_int_eq(
		        cw_case_write_package(&strict, p->root, CW_CASE_V1P1),
		        0);
		q = read_package(strict.data, strict.len);
		round_trip(q, files[i]);
		cw_case_package_free(p);
		cw_case_package_free(q);
		cw_buf_dispose(&strict);
		free(text);
	}
}
END_TEST

Suite *suite_case_export(void)
{
	Suite *s = suite_create("case/export");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, canvas_outcomes_in_tree_order);
	tcase_add_test(tc, canvas_ratings_from_the_rubric);
	tcase_add_test(tc, moodle_framework_and_competencies);
	tcase_add_test(tc, moodle_escapes_related_idnumbers);
	tcase_add_test(tc, powerschool_learning_standards);
	tcase_add_test(tc, schoology_district_mastery);
	tcase_add_test(tc, sheet_round_trip_is_exact);
	tcase_add_test(tc, sheet_reader_reports_where);
	tcase_add_test(tc, ob3_achievements_shape);
	tcase_add_test(tc, case_json_is_the_package);
	tcase_add_test(tc, shared_fixtures_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
