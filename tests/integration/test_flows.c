/* The credential-to-result flow on the real binary: a roster and a CASE
 * framework imported, badges issued, `map run` turning each into a
 * OneRoster 1.2 result on the framework's competencies (directly and
 * through the crosswalk), held runs with their reasons, a replay after the
 * roster is fixed, duplicates that write nothing, tampered input failed,
 * and `map check` errors by JSON pointer. */
#include "harness.h"
#include "or_set.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_flows(void);

static cwt_env env;
static cw_buf out, err;
static char issuer[64];

#define DOC   "d2000000-0000-4000-8000-0000000000d2"
#define ITEM  "a2000000-0000-4000-8000-0000000000a2"
#define ITEM2 "a2000000-0000-4000-8000-0000000000b2"
#define OUTER "e9000000-0000-4000-8000-0000000000e9"
#define PD    "https://partner.example/achievements/robotics"

#define RUN(...)                                                               \
	(cw_buf_clear(&out), cw_buf_clear(&err),                               \
	 cwt_run(&env, &out, &err, __VA_ARGS__, NULL))

static void path_of(char *p, size_t n, const char *name)
{
	snprintf(p, n, "%s/%s", env.dir, name);
}

static void write_file(const char *name, const char *text)
{
	cwt_or_write_file(env.dir, name, text);
}

static char *read_text(const char *name)
{
	char p[400], *text = NULL;
	size_t len = 0;
	path_of(p, sizeof(p), name);
	ck_assert_int_eq(cw_file_read(&text, &len, p, 64 << 20), 0);
	return text;
}

/* A framework: ITEM and ITEM2 in DOC; ITEM2 exactMatchOf OUTER, an item
 * of another framework the district does not hold. */
static const char framework[] =
        "{\"CFDocument\":{\"identifier\":\"" DOC "\",\"uri\":\"https://"
        "case.example/uri/" DOC "\",\"creator\":\"District\",\"title\":"
        "\"District Competencies\",\"lastChangeDateTime\":\"2025-01-01T00:"
        "00:00Z\"},\"CFItems\":[{\"identifier\":\"" ITEM "\",\"uri\":"
        "\"https://case.example/uri/" ITEM "\",\"fullStatement\":\"Explain "
        "a design.\",\"humanCodingScheme\":\"EL.1\",\"lastChangeDateTime\":"
        "\"2025-01-01T00:00:00Z\"},{\"identifier\":\"" ITEM2 "\",\"uri\":"
        "\"https://case.example/uri/" ITEM2 "\",\"fullStatement\":\"Build a "
        "robot.\",\"humanCodingScheme\":\"EL.2\",\"lastChangeDateTime\":"
        "\"2025-01-01T00:00:00Z\"}],\"CFAssociations\":[{\"identifier\":"
        "\"f2000000-0000-4000-8000-0000000000f2\",\"uri\":\"https://"
        "case.example/uri/f2\",\"associationType\":\"exactMatchOf\","
        "\"originNodeURI\":{\"title\":\"EL.2\",\"identifier\":\"" ITEM2
        "\",\"uri\":\"https://case.example/uri/" ITEM2 "\"},"
        "\"destinationNodeURI\":{\"title\":\"R.1\",\"identifier\":\"" OUTER
        "\",\"uri\":\"https://other.example/uri/" OUTER "\"},"
        "\"lastChangeDateTime\":\"2025-01-01T00:00:00Z\"},{\"identifier\":"
        "\"f3000000-0000-4000-8000-0000000000f3\",\"uri\":\"https://"
        "case.example/uri/f3\",\"associationType\":\"isChildOf\","
        "\"originNodeURI\":{\"title\":\"EL.2\",\"identifier\":\"" ITEM2
        "\",\"uri\":\"https://case.example/uri/" ITEM2 "\"},"
        "\"destinationNodeURI\":{\"title\":\"EL.1\",\"identifier\":\"" ITEM
        "\",\"uri\":\"https://case.example/uri/" ITEM "\"},"
        "\"lastChangeDateTime\":\"2025-01-01T00:00:00Z\"}]}";

/* The district's mapping: the student's class of course c. */
static const char mapping[] =
        "{\"flow\":\"credential-to-result\",\"identity\":[{\"match\":"
        "\"sourcedId\"},{\"match\":\"email\"}],\"alignment\":{\"framework\":"
        "\"" DOC "\",\"crosswalk\":[\"exactMatchOf\"]},\"levels\":[{"
        "\"match\":[\"Mastered\"],\"score\":4,\"textScore\":\"Mastered\"},{"
        "\"match\":[\"Proficient\"],\"score\":3,\"textScore\":"
        "\"Proficient\"}],\"noResult\":{\"score\":4,\"textScore\":"
        "\"Mastered\"},\"lineItem\":{\"class\":{\"course\":\"c\"},"
        "\"category\":{\"sourcedId\":\"xl\",\"title\":\"Extended "
        "learning\"},\"resultValueMin\":0,\"resultValueMax\":4}}";

static void setup(void)
{
	char p[400], set[400];
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(64 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
	ck_assert_int_eq(RUN("tenant", "add", "d1"), 0);
	path_of(set, sizeof(set), "set");
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_import(&env, "d1", set);
	write_file("case.json", framework);
	path_of(p, sizeof(p), "case.json");
	ck_assert_msg(RUN("case", "import", "--tenant", "d1", p) == 0, "%s",
	              cw_buf_cstr(&err));
	ck_assert_msg(RUN("issuer", "add", "--tenant", "d1", "--name",
	                  "Partner Museum") == 0,
	              "%s", cw_buf_cstr(&err));
	snprintf(issuer, 64, "%.*s", (int)strcspn(out.data, "\n"), out.data);
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                     issuer, "--case-item", ITEM),
	                 0);
	write_file("map.json", mapping);
	path_of(p, sizeof(p), "map.json");
	ck_assert_msg(RUN("map", "install", "--tenant", "d1", p) == 0, "%s",
	              cw_buf_cstr(&err));
}

static void teardown(void)
{
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

/* Issues achievement to a recipient (extra arguments may follow) into
 * name. */
#define ISSUE(name, achievement, ...)                                          \
	do {                                                                   \
		ck_assert_msg(RUN("badge", "issue", "--tenant", "d1",          \
		                  "--achievement", achievement, "--recipient", \
		                  __VA_ARGS__) == 0,                           \
		              "%s", cw_buf_cstr(&err));                        \
		write_file(name, out.data);                                    \
	} while (0)

/* map run --json of name: the exit code, the report in *report. */
static int map_run(const char *name, cJSON **report)
{
	char p[400];
	path_of(p, sizeof(p), name);
	int code = RUN("map", "run", "--tenant", "d1", "--flow",
	               "credential-to-result", "--json", p);
	*report = NULL;
	if (code != 0) /* the reason, for a failure that was not expected */
		fprintf(stderr, "map run %s: %s\n", name, cw_buf_cstr(&out));
	ck_assert_msg(cw_json_parse(report, out.data, out.len, 64, NULL) == 0,
	              "no report: %s / %s", cw_buf_cstr(&out),
	              cw_buf_cstr(&err));
	return code;
}

static const char *state_of(const cJSON *report)
{
	return cw_json_string(report, "state");
}

/* The export's file name as text (the 1.2 bulk export of d1). */
static char *exported(const char *file)
{
	char dir[400], name[480];
	path_of(dir, sizeof(dir), "export");
	ck_assert_msg(RUN("roster", "export", "--tenant", "d1", "--version",
	                  "1.2", "--out", dir) == 0,
	              "%s", cw_buf_cstr(&err));
	snprintf(name, sizeof(name), "export/%s", file);
	return read_text(name);
}

START_TEST(credential_becomes_a_result)
{
	cJSON *r = NULL;
	ISSUE("c1.json", "urn:uuid:" ITEM, "ada@example.org");
	ck_assert_int_eq(map_run("c1.json", &r), 0);
	ck_assert_str_eq(state_of(r), "done");
	char *results = exported("results.csv");
	char *objectives = exported("resultLearningObjectiveIds.csv");
	char *items = exported("lineItems.csv");
	char *cats = exported("categories.csv");
	/* s1 is ada@example.org; her class of course c is k (school sch,
	 * term t1); no result in the credential: the noResult level. */
	ck_assert_msg(strstr(results, ",s1,fully graded,4,") != NULL, "%s",
	              results);
	ck_assert_ptr_nonnull(strstr(results, ",Mastered,k,false,false,"
	                                      "false,false"));
	ck_assert_msg(strstr(objectives,
	                     ",case,urn:uuid:" ITEM ",4,Mastered") != NULL,
	              "%s", objectives);
	ck_assert_msg(strstr(items, ",EL.1,urn:uuid:" ITEM ",") != NULL, "%s",
	              items);
	ck_assert_ptr_nonnull(strstr(items, ",k,xl,t1,0,4,sch"));
	ck_assert_ptr_nonnull(strstr(cats, "\nxl,"));
	ck_assert_ptr_nonnull(strstr(cats, ",Extended learning"));
	cw_free(results);
	cw_free(objectives);
	cw_free(items);
	cw_free(cats);
	cJSON_Delete(r);

	/* the same input again: one run, nothing written twice */
	ck_assert_int_eq(map_run("c1.json", &r), 0);
	ck_assert_str_eq(state_of(r), "duplicate");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "writes")),
	                 0);
	cJSON_Delete(r);
	ck_assert_int_eq(RUN("jobs", "list", "--json"), 0);
	cJSON *runs = NULL;
	ck_assert_int_eq(cw_json_parse(&runs, out.data, out.len, 64, NULL), 0);
	ck_assert_int_eq(cJSON_GetArraySize(runs), 1);
	cJSON_Delete(runs);
	/* the run's audit trail: every stage */
	ck_assert_int_eq(RUN("jobs", "show", "1"), 0);
	for (const char *s = "verify\0claim\0match\0resolve\0level\0"; *s;
	     s += strlen(s) + 1)
		ck_assert_msg(strstr(out.data, s) != NULL, "no stage %s", s);
}
END_TEST

START_TEST(level_table_and_crosswalk)
{
	cJSON *r = NULL;
	char p[400];
	/* an outside achievement aligned to OUTER: reaches ITEM2 through
	 * the district's exactMatchOf association */
	write_file(
	        "outer.json",
	        "{\"id\":\"" PD "\",\"type\":[\"Achievement\"],\"name\":"
	        "\"Robotics\",\"description\":\"Builds robots.\",\"criteria\":"
	        "{\"narrative\":\"Builds one.\"},\"achievementType\":"
	        "\"Competency\",\"alignment\":[{\"type\":[\"Alignment\"],"
	        "\"targetType\":\"CFItem\",\"targetCode\":\"" OUTER "\","
	        "\"targetName\":\"R.1\",\"targetUrl\":\"https://other.example/"
	        "uri/" OUTER "\"}]}");
	path_of(p, sizeof(p), "outer.json");
	ck_assert_msg(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                  issuer, p) == 0,
	              "%s", cw_buf_cstr(&err));
	ISSUE("c2.json", PD, "s2", "--result", "Proficient");
	ck_assert_int_eq(map_run("c2.json", &r), 0);
	ck_assert_str_eq(state_of(r), "done");
	char *objectives = exported("resultLearningObjectiveIds.csv");
	char *results = exported("results.csv");
	ck_assert_msg(strstr(objectives,
	                     ",case,urn:uuid:" ITEM2 ",3,Proficient") != NULL,
	              "%s", objectives);
	/* s2's class of course c is k2 */
	ck_assert_ptr_nonnull(strstr(results, ",s2,fully graded,3,"));
	ck_assert_ptr_nonnull(strstr(results, ",Proficient,k2,"));
	char *printed = cw_json_print(r);
	ck_assert_ptr_nonnull(strstr(printed, "exactMatchOf"));
	cw_free(printed);
	cw_free(objectives);
	cw_free(results);
	cJSON_Delete(r);
	/* a level the table lacks is held, with the reason */
	ISSUE("c3.json", PD, "s1", "--result", "Amazing");
	ck_assert_int_eq(map_run("c3.json", &r), 1);
	ck_assert_str_eq(state_of(r), "held");
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(r, "reason"), "\"Amazing\""));
	cJSON_Delete(r);
}
END_TEST

START_TEST(held_then_replayed)
{
	cJSON *r = NULL;
	char set[400];
	ISSUE("c4.json", "urn:uuid:" ITEM, "new@example.org");
	ck_assert_int_eq(map_run("c4.json", &r), 1);
	ck_assert_msg(strcmp(state_of(r), "held") == 0, "%s: %s", state_of(r),
	              cw_json_string(r, "reason"));
	ck_assert_ptr_nonnull(strstr(cw_json_string(r, "reason"),
	                             "no user of the roster matches"));
	int run = cJSON_GetObjectItem(r, "run")->valueint;
	cJSON_Delete(r);
	char *results = exported("results.csv");
	ck_assert_ptr_null(strstr(results, "cw-r-")); /* nothing written */
	cw_free(results);
	ck_assert_int_eq(RUN("jobs", "dead-letters"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "held"));
	ck_assert_ptr_nonnull(strstr(out.data, "no user of the roster"));
	/* the SIS adds the student; the replay completes the run */
	path_of(set, sizeof(set), "set2");
	cwt_or_write_set(set,
	                 "sourcedId,enabledUser,username,userIds,givenName,"
	                 "familyName,preferredGivenName,email\n"
	                 "s1,true,s1,{LDAP:a1},Ada,Lovelace,Addie,ada@example."
	                 "org\ns2,true,s2,,Grace,Hopper,,new@example.org\n"
	                 "t1,true,t1,,Alan,Turing,,alan@example.org\n");
	cwt_or_import(&env, "d1", set);
	char id[16];
	snprintf(id, sizeof(id), "%d", run);
	ck_assert_msg(RUN("jobs", "replay", id, "--json") == 0, "%s%s",
	              cw_buf_cstr(&out), cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"done\""));
	results = exported("results.csv");
	ck_assert_ptr_nonnull(strstr(results, ",s2,fully graded,4,"));
	cw_free(results);
	ck_assert_int_eq(RUN("jobs", "dead-letters", "--json"), 0);
	ck_assert_str_eq(out.data, "[]\n");
	/* replaying a done run writes nothing */
	ck_assert_int_eq(RUN("jobs", "replay", id, "--json"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"state\":\"duplicate\""));
}
END_TEST

START_TEST(tampered_and_dry_run)
{
	cJSON *r = NULL;
	ISSUE("c5.json", "urn:uuid:" ITEM, "ada@example.org");
	char *text = read_text("c5.json");
	char *at = strstr(text, "\"name\":\"");
	ck_assert_ptr_nonnull(at);
	at[8] = at[8] == 'X' ? 'Y' : 'X'; /* one changed byte of a name */
	write_file("bad.json", text);
	cw_free(text);
	ck_assert_int_eq(map_run("bad.json", &r), 1);
	ck_assert_str_eq(state_of(r), "failed");
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(r, "reason"), "does not verify"));
	cJSON_Delete(r);
	/* a dry run says what it would write and records nothing */
	char p[400];
	path_of(p, sizeof(p), "c5.json");
	ck_assert_msg(RUN("map", "run", "--tenant", "d1", "--flow",
	                  "credential-to-result", "--dry-run", p) == 0,
	              "%s%s", cw_buf_cstr(&out), cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "would"));
	ck_assert_ptr_nonnull(strstr(out.data, "created   results"));
	char *results = exported("results.csv");
	ck_assert_ptr_null(strstr(results, "cw-r-"));
	cw_free(results);
	ck_assert_int_eq(RUN("jobs", "list", "--json"), 0);
	ck_assert_ptr_null(strstr(out.data, "\"state\":\"done\""));
}
END_TEST

START_TEST(map_check_errors)
{
	char p[400];
	write_file(
	        "m.json",
	        "{\"flow\":\"credential-to-result\",\"identity\":[{\"match\":"
	        "\"userId\"}],\"alignment\":{},\"levels\":[{\"match\":[\"A\"],"
	        "\"score\":1,\"textScore\":\"A\"},{\"match\":[\"a\"],\"score\":"
	        "2,\"textScore\":\"B\"}],\"lineItem\":{\"class\":{},"
	        "\"category\":{\"sourcedId\":\"x\",\"title\":\"X\"}}}");
	path_of(p, sizeof(p), "m.json");
	ck_assert_int_eq(RUN("map", "check", p), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "/identity/0: missing required "
	                                       "property \"identityType\""));
	ck_assert_ptr_nonnull(strstr(err.data, "/lineItem/class:"));
	write_file("m2.json", "{\"flow\": \"credential-to-result\",,}");
	path_of(p, sizeof(p), "m2.json");
	ck_assert_int_eq(RUN("map", "check", p), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "1:"));
	/* the semantic check: one name, two levels */
	write_file("m3.json", mapping);
	char *text = read_text("m3.json");
	char *proficient = strstr(text, "[\"Proficient\"]");
	memcpy(proficient, "[\"mastered\"  ]", 14);
	write_file("m3.json", text);
	cw_free(text);
	path_of(p, sizeof(p), "m3.json");
	ck_assert_int_eq(RUN("map", "check", p), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "/levels/1/match/0:"));
	/* the shipped defaults are valid */
	for (const char *f = "credential-to-result\0partner-record\0"
	                     "pd-completion\0";
	     *f; f += strlen(f) + 1) {
		char path[600];
		snprintf(path, sizeof(path), "%s/mappings/%s.json",
		         CW_SOURCE_DIR, f);
		ck_assert_msg(RUN("map", "check", path) == 0, "%s: %s", f,
		              cw_buf_cstr(&err));
	}
}
END_TEST

static const char partner_map[] =
        "{\"flow\":\"partner-record\",\"partner\":{\"id\":\"https://"
        "museum.example/\",\"name\":\"City Museum\"},\"identity\":[{"
        "\"match\":\"sourcedId\"},{\"match\":\"email\"}],"
        "\"creditsPerHour\":0.1}";

static const char records_csv[] =
        "recordId,student,activity,startDate,endDate,hours,evidenceUrl,"
        "competencies\n"
        "r1,s1,Robot building,2026-02-01,2026-02-20,12,https://museum."
        "example/e/1," ITEM ":Proficient|urn:uuid:" ITEM2 ":Mastered\n"
        "r2,grace@example.org,Docent,,,,," ITEM ":Mastered\n"
        "r3,nobody,Docent,,,,," ITEM ":Mastered\n"
        "r4,s1,Docent,,,,,ffffffff-0000-4000-8000-000000000000:Mastered\n"
        ",s1,Docent,,,,," ITEM "\n"
        "r6,s1,Docent,,,,," ITEM ":Superb\n";

/* map run of partner-record on records.csv: its report. */
static cJSON *partner_run(int want, const char *out_dir)
{
	char p[400], dir[400];
	cJSON *report = NULL;
	path_of(p, sizeof(p), "records.csv");
	path_of(dir, sizeof(dir), out_dir ? out_dir : "");
	int code = out_dir ? RUN("map", "run", "--tenant", "d1", "--flow",
	                         "partner-record", "--out-dir", dir, p)
	                   : RUN("map", "run", "--tenant", "d1", "--flow",
	                         "partner-record", p);
	ck_assert_msg(code == want, "exit %d: %s", code, cw_buf_cstr(&err));
	ck_assert_msg(cw_json_parse(&report, out.data, out.len, 64, NULL) == 0,
	              "%.*s | %.2000s", (int)(out.len < 2000 ? out.len : 2000),
	              out.data, cw_buf_cstr(&err));
	return report;
}

static int count_of(const cJSON *report, const char *name)
{
	return cJSON_GetObjectItem(report, name)->valueint;
}

/* The reason the report gives for recordId id. */
static const char *held_reason(const cJSON *report, const char *at)
{
	const cJSON *h;
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(report, "held_records"))
	{
		if (strcmp(cw_json_string(h, "at"), at) == 0)
			return cw_json_string(h, "reason");
	}
	return "";
}

START_TEST(partner_records_become_credentials_and_results)
{
	char p[400], dir[400];
	write_file("partner.json", partner_map);
	path_of(p, sizeof(p), "partner.json");
	ck_assert_int_eq(RUN("map", "install", "--tenant", "d1", p), 0);
	write_file("records.csv", records_csv);
	path_of(dir, sizeof(dir), "issued");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	cJSON *r = partner_run(1, "issued"); /* 1: some are held */
	ck_assert_int_eq(count_of(r, "records"), 6);
	ck_assert_int_eq(count_of(r, "done"), 2);
	ck_assert_int_eq(count_of(r, "held"), 4);
	ck_assert_int_eq(count_of(r, "credentials"), 3);
	ck_assert_ptr_nonnull(strstr(held_reason(r, "line 4"),
	                             "no user of the roster is student "
	                             "\"nobody\""));
	ck_assert_ptr_nonnull(strstr(held_reason(r, "line 5"),
	                             "competency ffffffff-0000-4000-8000-"
	                             "000000000000 is not an item"));
	ck_assert_ptr_nonnull(strstr(held_reason(r, "line 6"), "recordId"));
	ck_assert_ptr_nonnull(strstr(held_reason(r, "line 7"), "\"Superb\""));
	cJSON_Delete(r);

	/* the results: s1 on both competencies, s2 (matched by email) */
	char *objectives = exported("resultLearningObjectiveIds.csv");
	ck_assert_msg(strstr(objectives, "urn:uuid:" ITEM ",3,Proficient"),
	              "%s", objectives);
	ck_assert_ptr_nonnull(
	        strstr(objectives, "urn:uuid:" ITEM2 ",4,Mastered"));
	ck_assert_ptr_nonnull(
	        strstr(objectives, "urn:uuid:" ITEM ",4,Mastered"));
	cw_free(objectives);
	char *results = exported("results.csv");
	ck_assert_ptr_nonnull(strstr(results, ",s2,fully graded,4,"));
	cw_free(results);

	/* each credential verifies, names the partner as its source */
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;
	while (d && (e = readdir(d))) {
		char name[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "issued/%s", e->d_name);
		char *text = read_text(name);
		ck_assert_ptr_nonnull(strstr(text, "\"City Museum\""));
		ck_assert_ptr_nonnull(strstr(text, "\"source\""));
		if (strstr(text, "https://museum.example/e/1")) {
			ck_assert_ptr_nonnull(
			        strstr(text, "\"creditsEarned\":1.2"));
			ck_assert_ptr_nonnull(
			        strstr(text, "\"activityStartDate\":\"2026-02-"
			                     "01T00:00:00Z\""));
		}
		cw_free(text);
		snprintf(name, sizeof(name), "%s/%s", dir, e->d_name);
		ck_assert_msg(RUN("vc", "verify", name) == 0, "%s",
		              cw_buf_cstr(&out));
		files++;
	}
	if (d)
		closedir(d);
	ck_assert_int_eq(files, 3);
	/* and in the independent verifier (Digital Bazaar, did:key) */
	char cmd[2000];
	snprintf(cmd, sizeof(cmd),
	         "'%s' '%s/tools/node/vc-interop.mjs' verify --proof-only "
	         "'%s'/*.json > '%s/node.out' 2>&1",
	         CW_NODE, CW_SOURCE_DIR, dir, env.dir);
	ck_assert_msg(system(cmd) == 0, "node verifier: see %s/node.out",
	              env.dir);
	char *node = read_text("node.out");
	ck_assert_ptr_nonnull(strstr(node, "\"verified\":true"));
	ck_assert_ptr_null(strstr(node, "\"verified\":false"));
	cw_free(node);

	/* the same file again: the done records are duplicates, nothing is
	 * issued twice; the held ones are held again */
	r = partner_run(1, NULL);
	ck_assert_int_eq(count_of(r, "duplicate"), 2);
	ck_assert_int_eq(count_of(r, "held"), 4);
	ck_assert_int_eq(count_of(r, "credentials"), 0);
	cJSON_Delete(r);
	/* a bad file changes nothing and says where */
	write_file("records.csv", "recordId,student\nr1,s1\n");
	path_of(p, sizeof(p), "records.csv");
	ck_assert_int_eq(RUN("map", "run", "--tenant", "d1", "--flow",
	                     "partner-record", p),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "line 1: the header has no "
	                                       "activity column"));
}
END_TEST

/* A request with a bearer token; the status, the body parsed in *doc. */
static long call(cwt_daemon *d, const char *token, const char *method,
                 const char *path, const char *body, cJSON **doc)
{
	char auth[100];
	cwt_http res;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_request(&res, d, method, path, headers, body);
	long status = res.status;
	if (doc)
		*doc = cJSON_Parse(cw_buf_cstr(&res.body));
	cwt_http_dispose(&res);
	return status;
}

START_TEST(flows_over_http)
{
	char token[64], other[64], id[64], secret[64], path[200];
	cwt_daemon d;
	cJSON *doc = NULL;
	ISSUE("h1.json", "urn:uuid:" ITEM, "ada@example.org");
	ISSUE("h2.json", "urn:uuid:" ITEM, "nobody@example.org");
	char *c1 = read_text("h1.json"), *c2 = read_text("h2.json");
	/* the daemon on another port: its own documents are still found by
	 * the public URL the credentials were issued under */
	setenv("CROSSWALK_PUBLIC_BASE_URL", "http://127.0.0.1:8080", 1);
	cwt_start(&d, &env, NULL);
	unsetenv("CROSSWALK_PUBLIC_BASE_URL");
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, NULL), 0);
	ck_assert_int_eq(call(&d, token, "POST",
	                      "/crosswalk/v1/flows/credential-to-result/runs"
	                      "?tenant=d1",
	                      c1, &doc),
	                 200);
	ck_assert_msg(strcmp(cw_json_string(doc, "state"), "done") == 0, "%s",
	              cw_json_string(doc, "reason"));
	cJSON_Delete(doc);
	ck_assert_int_eq(call(&d, token, "POST",
	                      "/crosswalk/v1/flows/credential-to-result/runs"
	                      "?tenant=d1",
	                      c2, &doc),
	                 200);
	ck_assert_str_eq(cw_json_string(doc, "state"), "held");
	int held = cJSON_GetObjectItem(doc, "run")->valueint;
	cJSON_Delete(doc);
	/* the dead letters, one run, a replay that is still held */
	ck_assert_int_eq(call(&d, token, "GET",
	                      "/crosswalk/v1/flows/runs?state=held&tenant=d1",
	                      NULL, &doc),
	                 200);
	ck_assert_int_eq(cJSON_GetArraySize(doc), 1);
	cJSON_Delete(doc);
	snprintf(path, sizeof(path), "/crosswalk/v1/flows/runs/%d?tenant=d1",
	         held);
	ck_assert_int_eq(call(&d, token, "GET", path, NULL, &doc), 200);
	ck_assert_ptr_nonnull(
	        strstr(cw_json_string(doc, "reason"), "no user of the roster"));
	cJSON_Delete(doc);
	snprintf(path, sizeof(path),
	         "/crosswalk/v1/flows/runs/%d/replay?tenant=d1", held);
	ck_assert_int_eq(call(&d, token, "POST", path, NULL, &doc), 200);
	ck_assert_str_eq(cw_json_string(doc, "state"), "held");
	cJSON_Delete(doc);
	/* bad input, unknown flow, another tenant's admin */
	ck_assert_int_eq(call(&d, token, "POST",
	                      "/crosswalk/v1/flows/nope/runs?tenant=d1", c1,
	                      NULL),
	                 404);
	ck_assert_int_eq(call(&d, token, "POST",
	                      "/crosswalk/v1/flows/partner-record/runs"
	                      "?tenant=d1",
	                      "recordId\nr1\n", &doc),
	                 400);
	cJSON_Delete(doc);
	ck_assert_int_eq(RUN("tenant", "add", "d2"), 0);
	cwt_client_add(&env, "d2", "urn:crosswalk:scope:admin", id, secret);
	ck_assert_int_eq(cwt_token(other, &d, id, secret, NULL), 0);
	snprintf(path, sizeof(path), "/crosswalk/v1/flows/runs/%d", held);
	ck_assert_int_eq(call(&d, other, "GET", path, NULL, NULL), 404);
	ck_assert_int_eq(call(&d, other, "GET",
	                      "/crosswalk/v1/flows/runs?tenant=d1", NULL, NULL),
	                 403);
	cwt_http res;
	cwt_request(&res, &d, "GET", "/crosswalk/v1/flows/runs", NULL, NULL);
	ck_assert_int_eq(res.status, 401); /* no token */
	cwt_http_dispose(&res);
	cw_free(c1);
	cw_free(c2);
	cwt_stop(&d, SIGTERM, 5000);
}
END_TEST

/* The job of ?async=true, polled until it ends (10 s). */
static cJSON *wait_job(cwt_daemon *d, const char *token, long long id)
{
	char path[120];
	snprintf(path, sizeof(path), "/crosswalk/v1/flows/jobs/%lld", id);
	for (int i = 0; i < 200; i++) {
		cJSON *doc = NULL;
		ck_assert_int_eq(call(d, token, "GET", path, NULL, &doc), 200);
		const char *state = cw_json_string(doc, "state");
		if (strcmp(state, "done") == 0 || strcmp(state, "failed") == 0)
			return doc;
		cJSON_Delete(doc);
		cwt_sleep_ms(50);
	}
	ck_abort_msg("job %lld still running", id);
	return NULL;
}

/* ?async=true: the input is stored and run as a job of the queue; the
 * job's row carries the flow's report. A job a dead node held (its row
 * running under a lapsed lease, its input stored) is claimed by a live
 * node and run again: the input was done already, so the re-run is a
 * duplicate and writes nothing twice. */
START_TEST(async_runs_are_jobs)
{
	char token[64], other[64], id[64], secret[64];
	cwt_daemon d;
	cJSON *doc = NULL;
	ISSUE("a1.json", "urn:uuid:" ITEM, "ada@example.org");
	char *c1 = read_text("a1.json");
	setenv("CROSSWALK_PUBLIC_BASE_URL", "http://127.0.0.1:8080", 1);
	cwt_start(&d, &env, "--set", "sync_lease_s=2", NULL);
	unsetenv("CROSSWALK_PUBLIC_BASE_URL");
	ck_assert_int_eq(
	        cwt_token(token, &d, env.admin_id, env.admin_secret, NULL), 0);
	ck_assert_int_eq(call(&d, token, "POST",
	                      "/crosswalk/v1/flows/credential-to-result/runs"
	                      "?tenant=d1&async=true",
	                      c1, &doc),
	                 202);
	long long job =
	        (long long)cJSON_GetObjectItem(doc, "job_id")->valuedouble;
	ck_assert_ptr_nonnull(strstr(cw_json_string(doc, "status"),
	                             "/crosswalk/v1/flows/jobs/"));
	cJSON_Delete(doc);
	doc = wait_job(&d, token, job);
	ck_assert_msg(strcmp(cw_json_string(doc, "state"), "done") == 0 &&
	                      cJSON_GetObjectItem(doc, "result"),
	              "%s", cJSON_PrintUnformatted(doc));
	const cJSON *result = cJSON_GetObjectItem(doc, "result");
	ck_assert_msg(strcmp(cw_json_string(result, "state"), "done") == 0,
	              "%s", cw_json_string(result, "reason"));
	int run = cJSON_GetObjectItem(result, "run")->valueint;
	ck_assert_int_gt(run, 0);
	cJSON_Delete(doc);
	char value[64] = "";
	/* its stored input went with it */
	ck_assert(cwt_store_value(&env, "SELECT count(*) FROM blobs", value,
	                          sizeof(value)));
	ck_assert_str_eq(value, "0");
	/* what a node that died holding a job of the same input leaves */
	cwt_store_blob(&env, "flow-dead", "d1", c1);
	long long dead =
	        cwt_dead_job(&env, "flow", "d1",
	                     "{\"flow\":\"credential-to-result\",\"input\":"
	                     "\"flow-dead\"}");
	doc = wait_job(&d, token, dead);
	ck_assert_str_eq(cw_json_string(doc, "state"), "done");
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "attempts")->valueint, 2);
	result = cJSON_GetObjectItem(doc, "result");
	ck_assert_str_eq(cw_json_string(result, "state"), "duplicate");
	ck_assert_int_eq(cJSON_GetObjectItem(result, "run")->valueint, run);
	cJSON_Delete(doc);
	ck_assert(cwt_store_value(&env,
	                          "SELECT count(*) FROM flow_runs WHERE flow = "
	                          "'credential-to-result' AND state = 'done'",
	                          value, sizeof(value)));
	ck_assert_str_eq(value, "1");
	ck_assert(cwt_store_value(&env, "SELECT count(*) FROM blobs", value,
	                          sizeof(value)));
	ck_assert_str_eq(value, "0");
	/* another tenant's admin does not see the job; nor the admin list */
	ck_assert_int_eq(RUN("tenant", "add", "d3"), 0);
	cwt_client_add(&env, "d3", "urn:crosswalk:scope:admin", id, secret);
	ck_assert_int_eq(cwt_token(other, &d, id, secret, NULL), 0);
	char path[120];
	snprintf(path, sizeof(path), "/crosswalk/v1/flows/jobs/%lld", job);
	ck_assert_int_eq(call(&d, other, "GET", path, NULL, NULL), 404);
	snprintf(path, sizeof(path), "/admin/v1/jobs/%lld", job);
	ck_assert_int_eq(call(&d, other, "GET", path, NULL, NULL), 404);
	ck_assert_int_eq(call(&d, other, "GET", "/admin/v1/jobs", NULL, &doc),
	                 200);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "jobs")),
	                 0);
	cJSON_Delete(doc);
	ck_assert_int_eq(call(&d, token, "GET", path, NULL, &doc), 200);
	ck_assert_str_eq(cw_json_string(doc, "kind"), "flow");
	cJSON_Delete(doc);
	cw_free(c1);
	cwt_stop(&d, SIGTERM, 5000);
}
END_TEST

/* pd-completion: s1 passed li1 (3 of at least 3), s2 (enrolled too) has no
 * result on it: one microcredential, one participant not yet qualified. */
START_TEST(pd_course_completers_get_microcredentials)
{
	char set[400], p[400], dir[400];
	path_of(set, sizeof(set), "pdset");
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_write_file(set, "enrollments.csv",
	                  "sourcedId,classSourcedId,schoolSourcedId,"
	                  "userSourcedId,role\ne1,k,sch,s1,student\n"
	                  "e2,k,sch,t1,teacher\ne4,k,sch,s2,student\n");
	cwt_or_import(&env, "d1", set);
	write_file("pd.json",
	           "{\"flow\":\"pd-completion\",\"class\":\"k\","
	           "\"achievement\":{\"id\":\"https://district.example/pd/"
	           "ratios\",\"name\":\"Teaching ratios\",\"description\":"
	           "\"Completed the ratios course.\",\"criteria\":{"
	           "\"narrative\":\"Pass the ratios task.\"}},"
	           "\"competencies\":[\"" ITEM "\"],\"completion\":{"
	           "\"lineItems\":[\"li1\"],\"minScore\":3},"
	           "\"creditHours\":10}");
	path_of(p, sizeof(p), "pd.json");
	path_of(dir, sizeof(dir), "pd-out");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(RUN("map", "run", "--tenant", "d1", "--flow",
	                     "pd-completion", "--mapping", p, "--out-dir", dir,
	                     "k"),
	                 1); /* 1: someone has not qualified */
	cJSON *r = NULL;
	ck_assert_msg(cw_json_parse(&r, out.data, out.len, 64, NULL) == 0,
	              "%.*s | %.2000s", (int)(out.len < 2000 ? out.len : 2000),
	              out.data, cw_buf_cstr(&err));
	ck_assert_int_eq(count_of(r, "participants"), 2);
	ck_assert_int_eq(count_of(r, "done"), 1);
	ck_assert_int_eq(count_of(r, "held"), 1);
	ck_assert_int_eq(count_of(r, "credentials"), 1);
	const cJSON *nope =
	        cJSON_GetArrayItem(cJSON_GetObjectItem(r, "not_yet"), 0);
	ck_assert_str_eq(cw_json_string(nope, "participant"), "s2");
	ck_assert_ptr_nonnull(strstr(cw_json_string(nope, "reason"),
	                             "not yet qualified: li1: no result"));
	cJSON_Delete(r);
	/* the microcredential: type, alignment, credits, evidence; it
	 * verifies */
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;
	while (d && (e = readdir(d))) {
		char name[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "pd-out/%s", e->d_name);
		char *text = read_text(name);
		ck_assert_ptr_nonnull(strstr(
		        text, "\"achievementType\":\"MicroCredential\""));
		ck_assert_ptr_nonnull(
		        strstr(text, "\"targetCode\":\"" ITEM "\""));
		ck_assert_ptr_nonnull(strstr(text,
		                             "\"targetFramework\":\"District "
		                             "Competencies\""));
		ck_assert_ptr_nonnull(strstr(text, "\"creditsEarned\":10"));
		ck_assert_ptr_nonnull(strstr(text, "\"name\":\"Ratios\""));
		ck_assert_ptr_nonnull(strstr(text, "score 3, Proficient"));
		cw_free(text);
		snprintf(name, sizeof(name), "%s/%s", dir, e->d_name);
		ck_assert_msg(RUN("vc", "verify", name) == 0, "%s",
		              cw_buf_cstr(&out));
		files++;
	}
	if (d)
		closedir(d);
	ck_assert_int_eq(files, 1);
	/* again: s1 has hers already, s2 is still held */
	ck_assert_int_eq(RUN("map", "run", "--tenant", "d1", "--flow",
	                     "pd-completion", "--mapping", p, "k"),
	                 1);
	ck_assert_int_eq(cw_json_parse(&r, out.data, out.len, 64, NULL), 0);
	ck_assert_int_eq(count_of(r, "duplicate"), 1);
	ck_assert_int_eq(count_of(r, "held"), 1);
	ck_assert_int_eq(count_of(r, "credentials"), 0);
	cJSON_Delete(r);
	/* a run that stopped after issuing (its run left "running"): the
	 * next run finds s1's microcredential, issues none */
	ck_assert_int_eq(cwt_store_exec(&env, "UPDATE flow_runs SET state = "
	                                      "'running' WHERE flow = "
	                                      "'pd-completion' AND state = "
	                                      "'done'"),
	                 1);
	ck_assert_int_eq(RUN("map", "run", "--tenant", "d1", "--flow",
	                     "pd-completion", "--mapping", p, "k"),
	                 1);
	ck_assert_int_eq(cw_json_parse(&r, out.data, out.len, 64, NULL), 0);
	ck_assert_int_eq(count_of(r, "done"), 1);
	ck_assert_int_eq(count_of(r, "credentials"), 0);
	ck_assert_int_eq(count_of(r, "reused"), 1);
	cJSON_Delete(r);
	/* an unknown class or competency changes nothing */
	ck_assert_int_eq(RUN("map", "run", "--tenant", "d1", "--flow",
	                     "pd-completion", "--mapping", p, "nope"),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "class nope is not in the "
	                                       "roster"));
}
END_TEST

/* The CLR 2.0 context (in no npm package) from ../shared when it is there,
 * into dir/context-2.0.1.json; 0 when it is not. */
static int clr_context(const char *dir)
{
	char *text = NULL, path[600];
	size_t len = 0;
	cJSON *doc = NULL;
	int ok = 0;
	if (cw_file_read(&text, &len,
	                 CW_SOURCE_DIR "/../shared/fixtures/badges/"
	                               "jsonld-contexts-offline.json",
	                 16 << 20) < 0)
		return 0;
	ck_assert_int_eq(cw_json_parse(&doc, text, len, 64, NULL), 0);
	const cJSON *ctx = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(doc, "contexts"),
	        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json");
	if (ctx) {
		char *json = cJSON_PrintUnformatted(ctx);
		snprintf(path, sizeof(path), "%s/context-2.0.1.json", dir);
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_ge(fputs(json, f), 0);
		ck_assert_int_eq(fclose(f), 0);
		cJSON_free(json);
		ok = 1;
	}
	cJSON_Delete(doc);
	cw_free(text);
	return ok;
}

/* clr build: both of s1's credentials, their achievements, the
 * association ITEM2 isChildOf ITEM; a VC-JWT without the CLR context,
 * Data Integrity with it; both verify with every nested credential. */
START_TEST(clr_transcript)
{
	char p[400], dir[400], map[500];
	ck_assert_int_eq(RUN("achievement", "add", "--tenant", "d1", "--issuer",
	                     issuer, "--case-item", ITEM2),
	                 0);
	ISSUE("k1.json", "urn:uuid:" ITEM, "s1");
	ISSUE("k2.json", "urn:uuid:" ITEM2, "ada@example.org");
	ISSUE("k3.json", "urn:uuid:" ITEM, "s2"); /* someone else's */
	path_of(p, sizeof(p), "clr.jwt");
	ck_assert_msg(RUN("clr", "build", "--tenant", "d1", "--student", "s1",
	                  "--out", p) == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(err.data, "2 credentials, signed as "
	                                       "VC-JWT"));
	ck_assert_msg(RUN("badge", "verify", "--json", p) == 0, "%s",
	              cw_buf_cstr(&out));
	ck_assert_ptr_nonnull(strstr(out.data, "\"format\":\"clr\""));
	char *s = out.data;
	int nested = 0;
	while ((s = strstr(s, "\"format\":\"ob3 json\""))) {
		nested++;
		s++;
	}
	ck_assert_int_eq(nested, 2);
	/* the payload: both achievements and the association */
	char *jwt = read_text("clr.jwt");
	char *dot = strchr(jwt, '.'), *dot2 = strchr(dot + 1, '.');
	unsigned char *payload = NULL;
	size_t n = 0;
	ck_assert_int_eq(cw_base64url_decode(&payload, &n, dot + 1,
	                                     (size_t)(dot2 - dot - 1)),
	                 0);
	char *text = cw_malloc(n + 1);
	memcpy(text, payload, n);
	text[n] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "\"ClrCredential\""));
	ck_assert_ptr_nonnull(strstr(text,
	                             "\"associationType\":\"isChildOf\","
	                             "\"sourceId\":\"urn:uuid:" ITEM2
	                             "\",\"targetId\":\"urn:uuid:" ITEM "\""));
	ck_assert_ptr_nonnull(strstr(text, "Ada Lovelace"));
	cw_free(text);
	cw_free(payload);
	cw_free(jwt);
	/* with the CLR 2.0 context: Data Integrity */
	path_of(dir, sizeof(dir), "clrctx");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	if (clr_context(dir)) {
		snprintf(map, sizeof(map),
		         "https://purl.imsglobal.org/spec/clr/v2p0/=%s", dir);
		path_of(p, sizeof(p), "clr.json");
		ck_assert_msg(RUN("clr", "build", "--tenant", "d1", "--student",
		                  "s1", "--map", map, "--out", p) == 0,
		              "%s", cw_buf_cstr(&err));
		ck_assert_ptr_nonnull(strstr(err.data, "Data Integrity"));
		ck_assert_msg(RUN("badge", "verify", "--map", map, p) == 0,
		              "%s", cw_buf_cstr(&out));
	}
	/* a student with no credential */
	ck_assert_int_eq(
	        RUN("clr", "build", "--tenant", "d1", "--student", "t1"), 1);
	ck_assert_ptr_nonnull(strstr(err.data, "no Open Badges credential"));
}
END_TEST

/* An OB 2.0 hosted assertion by its URL: the gateway's own hosted
 * documents are read from its store (no daemon runs), the BadgeClass's
 * CASE alignment resolves, the recipient's salted email hash matches. */
START_TEST(ob2_hosted_assertion_by_url)
{
	cJSON *doc = NULL, *r = NULL;
	ck_assert_msg(RUN("badge", "issue", "--tenant", "d1", "--achievement",
	                  "urn:uuid:" ITEM, "--recipient", "ada@example.org",
	                  "--version", "2", "--json") == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_int_eq(cw_json_parse(&doc, out.data, out.len, 64, NULL), 0);
	cJSON *assertion = cJSON_Parse(cw_json_string(doc, "credential"));
	char url[300];
	snprintf(url, sizeof(url), "%s", cw_json_string(assertion, "id"));
	cJSON_Delete(assertion);
	cJSON_Delete(doc);
	ck_assert_ptr_nonnull(strstr(url, "/badges/d1/assertions/"));
	int code = RUN("map", "run", "--tenant", "d1", "--flow",
	               "credential-to-result", "--json", url);
	ck_assert_int_eq(cw_json_parse(&r, out.data, out.len, 64, NULL), 0);
	ck_assert_msg(code == 0 && strcmp(state_of(r), "done") == 0, "%s: %s",
	              state_of(r), cw_json_string(r, "reason"));
	cJSON_Delete(r);
	char *objectives = exported("resultLearningObjectiveIds.csv");
	ck_assert_ptr_nonnull(
	        strstr(objectives, "urn:uuid:" ITEM ",4,Mastered"));
	cw_free(objectives);
	/* revoked: the hosted assertion is Gone, the flow fails it */
	ck_assert_int_eq(RUN("badge", "revoke", url, "--reason", "error"), 0);
	ck_assert_int_eq(RUN("badge", "verify", url), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "410 Gone"));
}
END_TEST

/* push: a second Crosswalk is the SIS (its OneRoster gradebook takes PUTs
 * with an OAuth 2.0 token of the stored sync connection); the result the
 * flow writes here lands there too, learningObjectiveSet and all. A SIS
 * that refuses (no such student there) fails the run with its answer. */
/* Rewrites dir/name without the lines that contain needle. */
static void drop_lines(const char *dir, const char *name, const char *needle)
{
	char path[600], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(cw_file_read(&text, &len, path, 1 << 20), 0);
	cw_buf kept = CW_BUF_INIT(1 << 20);
	for (char *line = text; *line;) {
		char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line + 1) : strlen(line);
		char saved = line[n];
		line[n] = '\0';
		if (!strstr(line, needle))
			cw_buf_put(&kept, line, n);
		line[n] = saved;
		line += n;
	}
	cwt_or_write_file(dir, name, cw_buf_cstr(&kept));
	cw_buf_dispose(&kept);
	cw_free(text);
}

START_TEST(result_pushed_to_the_sis_gradebook)
{
	cwt_env sis;
	cwt_daemon d;
	cw_buf o2 = CW_BUF_INIT(1 << 20), e2 = CW_BUF_INIT(1 << 20);
	char set[400], id[64], secret[64], base[200], p[400], token[64];
	cJSON *r = NULL;
	cwt_env_init(&sis);
	ck_assert_int_eq(cwt_run(&sis, &o2, &e2, "tenant", "add", "sis", NULL),
	                 0);
	snprintf(set, sizeof(set), "%s/set", sis.dir);
	cwt_or_write_set(set, cwt_or_users_csv);
	cwt_or_import(&sis, "sis", set);
	cwt_client_add(&sis, "sis",
	               "https://purl.imsglobal.org/spec/or/v1p2/scope/"
	               "gradebook.createput https://purl.imsglobal.org/spec/"
	               "or/v1p2/scope/gradebook.readonly",
	               id, secret);
	cwt_start(&d, &sis, NULL);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", d.port);
	char rostering[300], token_url[300], gradebook[300];
	snprintf(rostering, sizeof(rostering),
	         "%s/ims/oneroster/rostering/v1p2", base);
	snprintf(token_url, sizeof(token_url), "%s/oauth/token", base);
	snprintf(gradebook, sizeof(gradebook),
	         "%s/ims/oneroster/gradebook/v1p2", base);
	ck_assert_msg(RUN("sync", "add", "--tenant", "d1", "--name", "sis",
	                  "--base-url", rostering, "--version", "1.2",
	                  "--token-url", token_url, "--client-id", id,
	                  "--client-secret", secret) == 0,
	              "%s", cw_buf_cstr(&err));
	cw_buf m = CW_BUF_INIT(1 << 16);
	cw_buf_put(&m, mapping, strlen(mapping) - 1);
	cw_buf_printf(&m,
	              ",\"push\":{\"connection\":\"sis\","
	              "\"gradebookUrl\":\"%s\"}}",
	              gradebook);
	write_file("push.json", m.data);
	cw_buf_dispose(&m);
	path_of(p, sizeof(p), "push.json");
	ck_assert_int_eq(RUN("map", "install", "--tenant", "d1", p), 0);
	ISSUE("p1.json", "urn:uuid:" ITEM, "ada@example.org");
	ck_assert_int_eq(map_run("p1.json", &r), 0);
	ck_assert_msg(strcmp(state_of(r), "done") == 0, "%s",
	              cw_json_string(r, "reason"));
	char result[128] = "";
	const cJSON *w;
	cJSON_ArrayForEach(w, cJSON_GetObjectItem(r, "writes"))
	{
		if (strcmp(cw_json_string(w, "entity"), "results") == 0)
			snprintf(result, sizeof(result), "%s",
			         cw_json_string(w, "sourcedId"));
	}
	cJSON_Delete(r);
	ck_assert_int_gt(strlen(result), 0);
	/* read back from the SIS */
	ck_assert_int_eq(cwt_token(token, &d, id, secret, NULL), 0);
	cwt_http res;
	char path[300];
	snprintf(path, sizeof(path), "/ims/oneroster/gradebook/v1p2/results/%s",
	         result);
	cwt_get_auth(&res, &d, path, token);
	ck_assert_msg(res.status == 200, "%ld %s", res.status, res.body.data);
	ck_assert_ptr_nonnull(strstr(res.body.data, "urn:uuid:" ITEM));
	ck_assert_ptr_nonnull(strstr(res.body.data, "\"textScore\":"
	                                            "\"Mastered\""));
	ck_assert_ptr_nonnull(strstr(res.body.data, "\"sourcedId\":\"s1\""));
	cwt_http_dispose(&res);
	/* a student the SIS does not have: the run fails with its answer,
	 * the result stays written here */
	drop_lines(set, "users.csv", "grace@");
	drop_lines(set, "roles.csv", ",s2,");
	drop_lines(set, "enrollments.csv", ",s2,");
	drop_lines(set, "results.csv", ",s2,");
	cw_buf_clear(&o2);
	cw_buf_clear(&e2);
	int code = cwt_run(&sis, &o2, &e2, "roster", "import", "--tenant",
	                   "sis", "--approve", set, NULL);
	ck_assert_msg(code == 0, "%d %s %s", code, cw_buf_cstr(&o2),
	              cw_buf_cstr(&e2));
	ISSUE("p2.json", "urn:uuid:" ITEM, "grace@example.org");
	ck_assert_int_eq(map_run("p2.json", &r), 1);
	ck_assert_str_eq(state_of(r), "failed");
	const char *why = cw_json_string(r, "reason");
	ck_assert_msg(strstr(why, "HTTP status 422") &&
	                      strstr(why, "no users \\\"s2\\\""),
	              "%s", why);
	int written = 0;
	cJSON_ArrayForEach(w, cJSON_GetObjectItem(r, "writes"))
	{
		written += strcmp(cw_json_string(w, "entity"), "results") == 0;
	}
	ck_assert_int_eq(written, 1);
	cJSON_Delete(r);
	char *results = exported("results.csv");
	ck_assert_ptr_nonnull(strstr(results, ",s2,fully graded,4,"));
	cw_free(results);
	/* a partner's records: the batch pushes what it wrote, each lineItem
	 * once; the SIS refuses grace's result, her record fails with its
	 * answer, s1's results reach the SIS */
	write_file("partner.json", partner_map);
	path_of(p, sizeof(p), "partner.json");
	ck_assert_int_eq(RUN("map", "install", "--tenant", "d1", p), 0);
	write_file("records.csv", records_csv);
	r = partner_run(1, NULL);
	ck_assert_int_eq(count_of(r, "done"), 1);
	ck_assert_int_eq(count_of(r, "failed"), 1);
	ck_assert_int_eq(count_of(r, "held"), 4);
	const cJSON *pushed = cJSON_GetObjectItem(r, "push");
	ck_assert_int_eq(count_of(pushed, "refused"), 1);
	/* a category, 3 lineItems (two achievements for s1, one for grace's
	 * class), 3 results */
	ck_assert_int_eq(count_of(pushed, "objects"), 7);
	why = held_reason(r, "line 3");
	ck_assert_msg(strstr(why, "did not take it") &&
	                      strstr(why, "HTTP status 422"),
	              "%s", why);
	cJSON_Delete(r);
	cwt_get_auth(&res, &d,
	             "/ims/oneroster/gradebook/v1p2/results?filter="
	             "student.sourcedId%3D%27s1%27",
	             token);
	ck_assert_msg(res.status == 200, "%ld %s", res.status, res.body.data);
	ck_assert_msg(strstr(res.body.data, "urn:uuid:" ITEM2), "%s",
	              res.body.data);
	cwt_http_dispose(&res);
	/* the SIS has grace again: the records run again, grace's failed one
	 * completes with the credential it was issued the first time (no
	 * second credential, no second result), s1's is a duplicate */
	results = exported("results.csv");
	int s2_results = 0;
	for (const char *at = results; (at = strstr(at, ",s2,")); at++)
		s2_results++;
	cw_free(results);
	char set2[400];
	snprintf(set2, sizeof(set2), "%s/set2", sis.dir);
	cwt_or_write_set(set2, cwt_or_users_csv);
	cw_buf_clear(&e2);
	ck_assert_msg(cwt_run(&sis, &o2, &e2, "roster", "import", "--tenant",
	                      "sis", "--approve", set2, NULL) == 0,
	              "%s", cw_buf_cstr(&e2));
	r = partner_run(1, NULL); /* 1: four are still held */
	ck_assert_int_eq(count_of(r, "done"), 1);
	ck_assert_int_eq(count_of(r, "duplicate"), 1);
	ck_assert_int_eq(count_of(r, "failed"), 0);
	ck_assert_int_eq(count_of(r, "credentials"), 0);
	ck_assert_int_eq(count_of(r, "reused"), 1);
	ck_assert_int_eq(count_of(cJSON_GetObjectItem(r, "push"), "refused"),
	                 0);
	cJSON_Delete(r);
	results = exported("results.csv");
	int again = 0;
	for (const char *at = results; (at = strstr(at, ",s2,")); at++)
		again++;
	cw_free(results);
	ck_assert_int_eq(again, s2_results);
	cwt_stop(&d, SIGTERM, 5000);
	cwt_env_cleanup(&sis);
	cw_buf_dispose(&o2);
	cw_buf_dispose(&e2);
}
END_TEST

Suite *suite_flows(void)
{
	Suite *s = suite_create("flows");
	TCase *t = tcase_create("credential-to-result");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, credential_becomes_a_result);
	tcase_add_test(t, level_table_and_crosswalk);
	tcase_add_test(t, held_then_replayed);
	tcase_add_test(t, tampered_and_dry_run);
	tcase_add_test(t, map_check_errors);
	tcase_add_test(t, partner_records_become_credentials_and_results);
	tcase_add_test(t, flows_over_http);
	tcase_add_test(t, async_runs_are_jobs);
	tcase_add_test(t, pd_course_completers_get_microcredentials);
	tcase_add_test(t, clr_transcript);
	tcase_add_test(t, ob2_hosted_assertion_by_url);
	tcase_add_test(t, result_pushed_to_the_sis_gradebook);
	suite_add_tcase(s, t);
	return s;
}
