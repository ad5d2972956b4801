/* Stored rows as OneRoster 1.2 REST objects; see rest.h. */
#include "roster/rest.h"

#include "roster/fields.h"
#include "util/error.h"
#include "util/json.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	const char *singular, *plural, *collection, *service, *ref_type;
} entity_names;

#define ROSTERING "/ims/oneroster/rostering/v1p2"
#define GRADEBOOK "/ims/oneroster/gradebook/v1p2"
#define RESOURCES "/ims/oneroster/resources/v1p2"

static const entity_names names[CW_OR_ENTITY_COUNT] = {
	[CW_OR_ACADEMIC_SESSIONS] = { "academicSession", "academicSessions",
	                              "/academicSessions", ROSTERING,
	                              "academicSession" },
	[CW_OR_ORGS] = { "org", "orgs", "/orgs", ROSTERING, "org" },
	[CW_OR_COURSES] = { "course", "courses", "/courses", ROSTERING,
	                    "course" },
	[CW_OR_CLASSES] = { "class", "classes", "/classes", ROSTERING,
	                    "class" },
	[CW_OR_USERS] = { "user", "users", "/users", ROSTERING, "user" },
	[CW_OR_ROLES] = { "role", "roles", "/roles", ROSTERING, "role" },
	[CW_OR_ENROLLMENTS] = { "enrollment", "enrollments", "/enrollments",
	                        ROSTERING, "enrollment" },
	/* The 1.2 singleton envelope of demographics is plural too. */
	[CW_OR_DEMOGRAPHICS] = { "demographics", "demographics",
	                         "/demographics", ROSTERING, "demographics" },
	[CW_OR_USER_PROFILES] = { "userProfile", "userProfiles",
	                          "/userProfiles", ROSTERING, "userProfile" },
	[CW_OR_CATEGORIES] = { "category", "categories", "/categories",
	                       GRADEBOOK, "category" },
	[CW_OR_LINE_ITEMS] = { "lineItem", "lineItems", "/lineItems", GRADEBOOK,
	                       "lineItem" },
	[CW_OR_RESULTS] = { "result", "results", "/results", GRADEBOOK,
	                    "result" },
	[CW_OR_SCORE_SCALES] = { "scoreScale", "scoreScales", "/scoreScales",
	                         GRADEBOOK, "scoreScale" },
	[CW_OR_RESOURCES] = { "resource", "resources", "/resources", RESOURCES,
	                      "resource" },
	[CW_OR_ASSESSMENT_LINE_ITEMS] = { "assessmentLineItem",
	                                  "assessmentLineItems",
	                                  "/assessmentLineItems", GRADEBOOK,
	                                  "assessmentLineItem" },
	[CW_OR_ASSESSMENT_RESULTS] = { "assessmentResult", "assessmentResults",
	                               "/assessmentResults", GRADEBOOK,
	                               "assessmentResult" },
};

static const entity_names *names_of(cw_or_entity e)
{
	return e >= 0 && e < CW_OR_ENTITY_COUNT && names[e].singular ? &names[e]
	                                                             : NULL;
}

const char *cw_or_rest_singular(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->singular : NULL;
}

const char *cw_or_rest_plural(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->plural : NULL;
}

const char *cw_or_rest_collection(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->collection : NULL;
}

const char *cw_or_rest_service(cw_or_entity e)
{
	return names_of(e) ? names_of(e)->service : NULL;
}

/* ---- member names -------------------------------------------------------- */

/* Columns the JSON binding does not carry (CSV-only links). */
static int hidden(cw_or_entity e, const cw_or_column *col)
{
	return e == CW_OR_SCORE_SCALES &&
	       strcmp(col->name, "orgSourcedId") == 0;
}

/* The JSON member of a CSV column: references lose "SourcedId(s)", and a
 * few names follow the JSON binding. */
void cw_or_rest_member_name(char out[64], cw_or_entity e,
                            const cw_or_column *col)
{
	size_t len = strlen(col->name);

	if (strcmp(col->name, "preferredGivenName") == 0) {
		snprintf(out, 64, "preferredFirstName");
	} else if (strcmp(col->name, "preferredFamilyName") == 0) {
		snprintf(out, 64, "preferredLastName");
	} else if (e == CW_OR_LINE_ITEMS &&
	           strcmp(col->name, "academicSessionSourcedId") == 0) {
		snprintf(out, 64, "gradingPeriod");
	} else if (col->ref >= 0 && len > 10 &&
	           strcmp(col->name + len - 10, "SourcedIds") == 0) {
		snprintf(out, 64, "%.*ss", (int)(len - 10), col->name);
	} else if (col->ref >= 0 && len > 9 &&
	           strcmp(col->name + len - 9, "SourcedId") == 0) {
		snprintf(out, 64, "%.*s", (int)(len - 9), col->name);
	} else {
		snprintf(out, 64, "%s", col->name);
	}
}

#define MAX_MEMBERS 40

/* Per entity: sourcedId, status, dateLastModified, one member per further
 * column (NULL-free: a hidden column keeps its slot under its CSV name,
 * skipped when written), then the members joins add. */
static const char *member_table[CW_OR_ENTITY_COUNT][MAX_MEMBERS + 1];
static char member_text[CW_OR_ENTITY_COUNT][MAX_MEMBERS][64];
/* The published list, without hidden columns. */
static const char *public_table[CW_OR_ENTITY_COUNT][MAX_MEMBERS + 1];

static void build_members(void)
{
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		const cw_or_file *f = cw_or_model_file(e);
		size_t n = 0, p = 3;

		if (!f)
			continue;
		for (size_t i = 3; i < f->column_count && n + 5 < MAX_MEMBERS;
		     i++)
			cw_or_rest_member_name(member_text[e][n++], e,
			                       &f->columns[i]);
		snprintf(member_text[e][n++], 64, "metadata");
		if (e == CW_OR_USERS)
			snprintf(member_text[e][n++], 64, "roles");
		if (e == CW_OR_LINE_ITEMS || e == CW_OR_RESULTS)
			snprintf(member_text[e][n++], 64, "scoreScale");
		if (cw_or_rest_objectives_of(e) != CW_OR_NONE)
			snprintf(member_text[e][n++], 64,
			         "learningObjectiveSet");
		member_table[e][0] = public_table[e][0] = "sourcedId";
		member_table[e][1] = public_table[e][1] = "status";
		member_table[e][2] = public_table[e][2] = "dateLastModified";
		for (size_t i = 0; i < n; i++) {
			member_table[e][i + 3] = member_text[e][i];
			if (i + 3 >= f->column_count ||
			    !hidden(e, &f->columns[i + 3]))
				public_table[e][p++] = member_text[e][i];
		}
		member_table[e][n + 3] = NULL;
		public_table[e][p] = NULL;
	}
}

static const char *const *members_of(cw_or_entity e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (e < 0 || e >= CW_OR_ENTITY_COUNT)
		return NULL;
	pthread_once(&once, build_members);
	return member_table[e][0] ? member_table[e] : NULL;
}

const char *const *cw_or_rest_members(cw_or_entity e)
{
	return members_of(e) ? public_table[e] : NULL;
}

static int in_v11_file(cw_or_entity e, const char *column);

/* 1.1: the members whose columns 1.1 has, users' role and orgs. */
static const char *v11_table[CW_OR_ENTITY_COUNT][MAX_MEMBERS + 3];

static void build_members_v11(void)
{
	for (int e = 0; e < CW_OR_ENTITY_COUNT; e++) {
		const cw_or_file *f = cw_or_model_file(e);
		size_t n = 0;

		if (!f || !members_of(e) || !cw_or_file_for(CW_OR_V1P1, e))
			continue;
		for (size_t i = 0; member_table[e][i]; i++) {
			const char *m = member_table[e][i];

			if (i >= 3 && i < f->column_count &&
			    (!in_v11_file(e, f->columns[i].name) ||
			     hidden(e, &f->columns[i])))
				continue;
			if (strcmp(m, "roles") == 0 ||
			    strcmp(m, "scoreScale") == 0 ||
			    strcmp(m, "learningObjectiveSet") == 0)
				continue;
			v11_table[e][n++] = m;
		}
		if (e == CW_OR_USERS) {
			v11_table[e][n++] = "role";
			v11_table[e][n++] = "orgs";
		}
		v11_table[e][n] = NULL;
	}
}

const char *const *cw_or_rest_members_v11(cw_or_entity e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (e < 0 || e >= CW_OR_ENTITY_COUNT)
		return NULL;
	pthread_once(&once, build_members_v11);
	return v11_table[e][0] ? v11_table[e] : NULL;
}

/* ---- writing JSON text straight from stored arrays ----------------------- */

/* A string literal's bytes, its length known at compile time. */
#define LIT(b, s) cw_buf_put((b), (s), sizeof(s) - 1)

/* Where hrefs start and which binding is written. */
typedef struct {
	const char *origin;
	int v11; /* the 1.1 JSON binding */
} wctx;

#define V1P1 "/ims/oneroster/v1p1"

/* Whether a 1.2 column exists in the entity's 1.1 file (lineItems'
 * academicSession was 1.1's gradingPeriod). */
static int in_v11_file(cw_or_entity e, const char *column)
{
	const cw_or_file *f = cw_or_file_for(CW_OR_V1P1, e);

	if (!f)
		return 0;
	if (e == CW_OR_LINE_ITEMS &&
	    strcmp(column, "academicSessionSourcedId") == 0)
		return 1;
	return cw_or_column_index(f, column) >= 0;
}

static int in_v11(cw_or_entity e, const cw_or_column *col)
{
	return in_v11_file(e, col->name);
}

/* A GUIDRef for the id in a stored string's text ("id", quotes included;
 * sourcedIds hold no character JSON escapes). */
static void write_ref(cw_buf *b, const wctx *w, cw_or_entity target,
                      const char *text, size_t len)
{
	const entity_names *n = names_of(target);

	/* Pieces, not a format: this runs for every reference served. */
	LIT(b, "{\"href\":\"");
	cw_buf_puts(b, w->origin);
	cw_buf_puts(b, w->v11 ? V1P1 : n ? n->service : ROSTERING);
	cw_buf_puts(b, n ? n->collection : "");
	cw_buf_putc(b, '/');
	cw_buf_put(b, text + 1, len - 2);
	LIT(b, "\",\"sourcedId\":");
	cw_buf_put(b, text, len);
	LIT(b, ",\"type\":\"");
	cw_buf_puts(b, n ? n->ref_type : "");
	LIT(b, "\"}");
}

/* "{left:right}" (JSON string text) as {"<a>":"left","<b>":"right"}:
 * userIds (type, identifier), scoreScaleValue (itemValueLHS, …RHS). */
static void write_pair(cw_buf *b, const char *text, size_t len, const char *a,
                       const char *bname)
{
	const char *in = text + 1, *end = text + len - 1;
	const char *colon = memchr(in, ':', (size_t)(end - in));

	LIT(b, "{\"");
	cw_buf_puts(b, a);
	LIT(b, "\":");
	if (len >= 4 && *in == '{' && end[-1] == '}' && colon) {
		cw_buf_putc(b, '"');
		cw_buf_put(b, in + 1, (size_t)(colon - in - 1));
		LIT(b, "\",\"");
		cw_buf_puts(b, bname);
		LIT(b, "\":\"");
		cw_buf_put(b, colon + 1, (size_t)(end - 1 - colon - 1));
		LIT(b, "\"}");
		return;
	}
	LIT(b, "\"\",\"");
	cw_buf_puts(b, bname);
	LIT(b, "\":");
	cw_buf_put(b, text, len);
	cw_buf_putc(b, '}');
}

/* The CSV binding gives a lineItem's assignDate and dueDate as days; the
 * JSON binding wants date-times: the day's start in UTC. */
static int day_as_time(cw_or_entity e, const cw_or_column *col)
{
	return e == CW_OR_LINE_ITEMS && col->type == CW_OR_DATE &&
	       (strcmp(col->name, "assignDate") == 0 ||
	        strcmp(col->name, "dueDate") == 0);
}

static int write_value(cw_buf *b, cw_or_entity e, const cw_or_column *col,
                       const char *text, size_t len, const wctx *w)
{
	const char *cursor, *at;
	size_t n;
	int r, first = 1, scale = e == CW_OR_SCORE_SCALES;

	if (*text == '"') {
		if (col->ref >= 0)
			write_ref(b, w, col->ref, text, len);
		else if (col->type == CW_OR_INT || col->type == CW_OR_FLOAT)
			cw_buf_put(b, text + 1, len - 2);  /* a JSON number */
		else if (day_as_time(e, col) && len == 12) /* "YYYY-MM-DD" */
			cw_buf_printf(b, "\"%.10sT00:00:00.000Z\"", text + 1);
		else
			cw_buf_put(b, text, len);
		return 0;
	}
	if (*text != '[')
		return CW_EINVAL;
	if (col->ref < 0 && col->type != CW_OR_PAIR_LIST) {
		cw_buf_put(b, text, len); /* a list of strings as it is */
		return 0;
	}
	cw_buf_putc(b, '[');
	for (cursor = text; (r = cw_or_fields_next(&cursor, &at, &n)) == 1;
	     first = 0) {
		if (*at != '"')
			return CW_EINVAL;
		if (!first)
			cw_buf_putc(b, ',');
		if (col->ref >= 0)
			write_ref(b, w, col->ref, at, n);
		else
			write_pair(b, at, n, scale ? "itemValueLHS" : "type",
			           scale ? "itemValueRHS" : "identifier");
	}
	cw_buf_putc(b, ']');
	return r < 0 ? CW_EINVAL : 0;
}

/* The members of a stored row. skip: a column left out (a role's user). */
static int write_fields(cw_buf *b, const cw_or_file *f, const char *stored,
                        const wctx *w, const char *skip, int *first)
{
	const char *const *members = members_of(f->entity);
	const char *cursor = stored, *at;
	size_t n, k = 0;
	int r, err = 0;

	while (err == 0 && (r = cw_or_fields_next(&cursor, &at, &n)) == 1) {
		const cw_or_column *col =
		        k + 3 < f->column_count ? &f->columns[k + 3] : NULL;

		k++;
		if (*at == 'n') /* null: empty */
			continue;
		if (*at == '{') {
			cw_buf_puts(b, *first ? "\"metadata\":"
			                      : ",\"metadata\":");
			cw_buf_put(b, at, n);
			*first = 0;
			continue;
		}
		if (!col)
			return CW_EINVAL;
		if ((skip && strcmp(col->name, skip) == 0) ||
		    hidden(f->entity, col) ||
		    (w->v11 && !in_v11(f->entity, col)))
			continue;
		/* members[] is sourcedId, status, dateLastModified, then the
		 * columns' members in column order. */
		cw_buf_puts(b, *first ? "\"" : ",\"");
		cw_buf_puts(b, members[k + 2]);
		LIT(b, "\":");
		*first = 0;
		err = write_value(b, f->entity, col, at, n, w);
	}
	if (err == 0 && r < 0)
		err = CW_EINVAL;
	return err;
}

/* Element named column of a stored row, as JSON text. */
static int column_text(const cw_or_rest_row *row, const char *column,
                       const char **at, size_t *len)
{
	int k = cw_or_fields_position(row->entity, column);
	const char *cursor = row->stored;

	for (int i = 0; k >= 0 && cw_or_fields_next(&cursor, at, len) == 1; i++)
		if (i == k)
			return **at != 'n';
	return 0;
}

static void write_roles(cw_buf *out, const cw_or_rest_row *related,
                        size_t count, const wctx *w, int *err)
{
	const cw_or_file *rf = cw_or_file_for(CW_OR_V1P2, CW_OR_ROLES);
	int any = 0;

	LIT(out, ",\"roles\":[");
	for (size_t i = 0; *err == 0 && i < count; i++) {
		int first = 1;

		if (related[i].entity != CW_OR_ROLES)
			continue;
		cw_buf_puts(out, any ? ",{" : "{");
		*err = write_fields(out, rf, related[i].stored, w,
		                    "userSourcedId", &first);
		cw_buf_putc(out, '}');
		any = 1;
	}
	cw_buf_putc(out, ']');
}

cw_or_entity cw_or_rest_objectives_of(cw_or_entity e)
{
	switch (e) {
	case CW_OR_LINE_ITEMS: return CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS;
	case CW_OR_RESULTS: return CW_OR_RESULT_LEARNING_OBJECTIVE_IDS;
	case CW_OR_ASSESSMENT_LINE_ITEMS:
		return CW_OR_ASSESSMENT_LINE_ITEM_LEARNING_OBJECTIVE_IDS;
	case CW_OR_ASSESSMENT_RESULTS:
		return CW_OR_ASSESSMENT_RESULT_LEARNING_OBJECTIVE_IDS;
	default: return CW_OR_NONE;
	}
}

/* Objectives with a score (results) rather than bare ids (lineItems). */
static int scored_objectives(cw_or_entity e)
{
	return e == CW_OR_RESULTS || e == CW_OR_ASSESSMENT_RESULTS;
}

/* lineItems and results: their score scale and learning objectives come
 * from the CSV link files (…ScoreScales, …LearningObjectiveIds); the
 * assessment profile's objectives from link rows of the same shape (its
 * scale is a column of the row). */
static void write_gradebook_links(cw_buf *out, cw_or_entity e,
                                  const cw_or_rest_row *related, size_t count,
                                  const wctx *w)
{
	cw_or_entity scales = e == CW_OR_LINE_ITEMS
	                              ? CW_OR_LINE_ITEM_SCORE_SCALES
	                      : e == CW_OR_RESULTS ? CW_OR_RESULT_SCORE_SCALES
	                                           : CW_OR_NONE;
	cw_or_entity objectives = cw_or_rest_objectives_of(e);
	const char *at, *src, *other;
	size_t n, sn, on;
	int sets = 0;

	for (size_t i = 0; i < count; i++)
		if (related[i].entity == scales &&
		    column_text(&related[i], "scoreScaleSourcedId", &at, &n)) {
			LIT(out, ",\"scoreScale\":");
			write_ref(out, w, CW_OR_SCORE_SCALES, at, n);
			break;
		}
	/* One set per source, in the order sources first appear. */
	for (size_t i = 0; i < count; i++) {
		int seen = 0, first = 1;

		if (related[i].entity != objectives ||
		    !column_text(&related[i], "source", &src, &sn))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = related[j].entity == objectives &&
			       column_text(&related[j], "source", &other,
			                   &on) &&
			       on == sn && memcmp(other, src, sn) == 0;
		if (seen)
			continue;
		cw_buf_puts(out, sets++ ? ",{\"source\":"
		                        : ",\"learningObjectiveSet\":[{"
		                          "\"source\":");
		cw_buf_put(out, src, sn);
		cw_buf_puts(out, !scored_objectives(e)
		                         ? ",\"learningObjectiveIds\":["
		                         : ",\"learningObjectiveResults\":[");
		for (size_t j = i; j < count; j++) {
			if (related[j].entity != objectives ||
			    !column_text(&related[j], "source", &other, &on) ||
			    on != sn || memcmp(other, src, sn) != 0 ||
			    !column_text(&related[j], "learningObjectiveId",
			                 &at, &n))
				continue;
			if (!first)
				cw_buf_putc(out, ',');
			first = 0;
			if (!scored_objectives(e)) {
				cw_buf_put(out, at, n);
				continue;
			}
			LIT(out, "{\"learningObjectiveId\":");
			cw_buf_put(out, at, n);
			if (column_text(&related[j], "score", &at, &n)) {
				LIT(out, ",\"score\":");
				cw_buf_put(out, at + 1, n - 2);
			}
			if (column_text(&related[j], "textScore", &at, &n)) {
				LIT(out, ",\"textScore\":");
				cw_buf_put(out, at, n);
			}
			cw_buf_putc(out, '}');
		}
		LIT(out, "]}");
	}
	if (sets)
		cw_buf_putc(out, ']');
}

/* 1.1 users: one role (the primary one's, in 1.1 words) and the orgs of
 * all their roles, primary first. */
static void write_role_v11(cw_buf *out, const cw_or_rest_row *related,
                           size_t count, const wctx *w)
{
	const char *at, *type;
	size_t n, tn;
	int first = 1;

	for (int primary = 1; primary >= 0; primary--)
		for (size_t i = 0; i < count; i++) {
			if (related[i].entity != CW_OR_ROLES ||
			    !column_text(&related[i], "roleType", &type, &tn) ||
			    (tn == 9) != primary || /* "primary" quoted */
			    !column_text(&related[i], "role", &at, &n))
				continue;
			if (first) {
				LIT(out, ",\"role\":\"");
				cw_buf_puts(out, cw_or_role_v11(at + 1, n - 2));
				LIT(out, "\",\"orgs\":[");
			}
			if (column_text(&related[i], "orgSourcedId", &at, &n)) {
				if (!first)
					cw_buf_putc(out, ',');
				write_ref(out, w, CW_OR_ORGS, at, n);
				first = 0;
			}
		}
	if (!first)
		cw_buf_putc(out, ']');
}

static int write_object(cw_buf *out, const cw_or_rest_row *row, const wctx *w,
                        const cw_or_rest_row *related, size_t related_count)
{
	const cw_or_file *f = cw_or_model_file(row->entity);
	int err = 0, first = 0;

	if (!f || !members_of(row->entity))
		return CW_EINVAL;
	LIT(out, "{\"sourcedId\":\"");
	cw_buf_put_json_string(out, row->sourced_id);
	LIT(out, "\",\"status\":\"");
	cw_buf_puts(out, row->status);
	LIT(out, "\",\"dateLastModified\":\"");
	cw_buf_puts(out, row->date_last_modified);
	cw_buf_putc(out, '"');
	if (strcmp(row->status, "active") == 0)
		err = write_fields(out, f, row->stored, w, NULL, &first);
	if (err == 0 && row->entity == CW_OR_USERS) {
		if (w->v11)
			write_role_v11(out, related, related_count, w);
		else
			write_roles(out, related, related_count, w, &err);
	}
	if (err == 0 && !w->v11 &&
	    cw_or_rest_objectives_of(row->entity) != CW_OR_NONE)
		write_gradebook_links(out, row->entity, related, related_count,
		                      w);
	if (err == 0)
		err = cw_buf_putc(out, '}');
	return err < 0 ? err : out->error;
}

int cw_or_rest_write(cw_buf *out, const cw_or_rest_row *row, const char *origin,
                     const cw_or_rest_row *related, size_t related_count)
{
	wctx w = { origin, 0 };

	return write_object(out, row, &w, related, related_count);
}

int cw_or_rest_write_v11(cw_buf *out, const cw_or_rest_row *row,
                         const char *origin, const cw_or_rest_row *related,
                         size_t related_count)
{
	wctx w = { origin, 1 };

	return write_object(out, row, &w, related, related_count);
}

/* The tree is the text parsed: one writer, so the two cannot differ. */
cJSON *cw_or_rest_object(const cw_or_rest_row *row, const char *origin,
                         const cw_or_rest_row *related, size_t related_count)
{
	cw_buf text = CW_BUF_INIT((size_t)64 << 20);
	cJSON *doc = NULL;

	if (cw_or_rest_write(&text, row, origin, related, related_count) == 0 &&
	    cw_json_parse(&doc, text.data, text.len, 16, NULL) < 0)
		doc = NULL;
	cw_buf_dispose(&text);
	return doc;
}
