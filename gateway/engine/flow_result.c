/* Flow credential-to-result: a verified credential's recipient is matched
 * to a OneRoster user, its CASE alignments are resolved in the district's
 * framework, its level is read through the mapping's level table, and it
 * becomes a 1.2 result (learningObjectiveSet, source case) under a
 * lineItem of the mapping's class and category. */
#include "engine/flows_internal.h"

#include "badge/statuslist.h"
#include "case/model.h"
#include "engine/case_crosswalk.h"
#include "engine/gradebook_push.h"
#include "engine/roster_import.h"
#include "engine/roster_index.h"
#include "mapping/claim.h"
#include "roster/fields.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_OBJECTIVES 32

typedef struct {
	char id[300]; /* as the gradebook carries it: urn:uuid:… */
	char from[300];
	char via[120];
} objective;

typedef struct {
	cw_flow_job *job;
	const cw_roster_index *ix;
	cw_roster_index *own_ix; /* when the job brings none */
	cw_flow_rows *rows;      /* the job's, or own_rows */
	cw_flow_rows own_rows;
	cJSON *doc;
	cw_claim claim;
	const cw_ri_row *student;
	const char *matched_by;
	objective objectives[MAX_OBJECTIVES];
	size_t objective_count;
	const cw_mapping_level *level;
	const char *level_from;
	const cw_ri_row *klass;
	char school[256], term[256];
} work;

/* ---- reading stored rows --------------------------------------------------
 */

/* Column name of a stored row, parsed; NULL when empty. */
#define row_fields cw_flow__row_fields
#define cell       cw_flow__cell
#define cell_text  cw_flow__cell_text

/* ---- decoding and verifying -----------------------------------------------
 */

/* The credential document of text: JSON, or a compact JWS's payload (a VC
 * 1.1 JWT's vc claim, with jti and iss filled in). */
static int decode(cJSON **out, const char *text, size_t len)
{
	const char *dot1 = memchr(text, '.', len), *dot2;
	unsigned char *payload = NULL;
	size_t n = 0;
	cJSON *doc = NULL, *vc;
	int err;

	*out = NULL;
	while (len && isspace((unsigned char)*text))
		text++, len--;
	if (len && *text == '{')
		return cw_json_parse(out, text, len,
		                     CW_LIMIT_JSON_DEPTH_DEFAULT, NULL);
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - text))
	            : NULL;
	if (!dot2) {
		cw_error_set("neither JSON nor a compact JWS");
		return CW_EINVAL;
	}
	if ((err = cw_base64url_decode(&payload, &n, dot1 + 1,
	                               (size_t)(dot2 - dot1 - 1))) < 0)
		return err;
	err = cw_json_parse(&doc, (const char *)payload, n,
	                    CW_LIMIT_JSON_DEPTH_DEFAULT, NULL);
	cw_free(payload);
	if (err < 0)
		return err;
	if (cJSON_IsObject(vc = cJSON_GetObjectItemCaseSensitive(doc, "vc"))) {
		cJSON *inner = cJSON_DetachItemViaPointer(doc, vc);
		const char *jti = cw_json_string(doc, "jti");
		const char *iss = cw_json_string(doc, "iss");
		if (jti && !cJSON_GetObjectItemCaseSensitive(inner, "id"))
			cJSON_AddStringToObject(inner, "id", jti);
		if (iss && !cJSON_GetObjectItemCaseSensitive(inner, "issuer"))
			cJSON_AddStringToObject(inner, "issuer", iss);
		cJSON_Delete(doc);
		doc = inner;
	}
	*out = doc;
	return 0;
}

static int verify(work *w, const char *text, size_t len)
{
	const cw_flow_env *env = w->job->env;
	cw_badge_verify_options o = { env->loader, env->fetch, env->fetch_arg,
		                      NULL, env->now_ms };
	cw_badge_report *report = NULL;
	const cw_badge_step *failure;
	int err = cw_badge_verify(&report, text, len, &o);

	if (err < 0)
		return err;
	cw_flow__stage(w->job, "verify", cw_badge_report_json(report));
	failure = cw_badge_report_failure(report);
	if (!report->valid && w->job->mapping->require_valid)
		cw_flow__stop(w->job, "failed",
		              "the credential does not verify: %s: %s",
		              failure ? failure->name : "?",
		              failure ? failure->detail : "");
	cw_badge_report_free(report);
	return 0;
}

/* An OB 2.0 assertion's badge by URL: its BadgeClass, fetched. */
static int embed_badge_class(work *w)
{
	const cJSON *badge = cJSON_GetObjectItemCaseSensitive(w->doc, "badge");
	const cw_flow_env *env = w->job->env;
	char *body = NULL;
	size_t len = 0;
	long status = 0;
	cJSON *cls = NULL;

	if (!cJSON_IsString(badge))
		return 0;
	if (!env->fetch ||
	    env->fetch(env->fetch_arg, badge->valuestring, &body, &len,
	               &status) < 0 ||
	    cw_json_parse(&cls, body, len, CW_LIMIT_JSON_DEPTH_DEFAULT, NULL) <
	            0) {
		cw_free(body);
		return cw_flow__stop(w->job, "failed",
		                     "the BadgeClass %s could not be read",
		                     badge->valuestring);
	}
	cw_free(body);
	cJSON_ReplaceItemInObjectCaseSensitive(w->doc, "badge", cls);
	return 0;
}

static cJSON *claim_json(const cw_claim *c)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "credential", c->id);
	if (c->achievement_id)
		cJSON_AddStringToObject(o, "achievement", c->achievement_id);
	if (c->achievement_name)
		cJSON_AddStringToObject(o, "achievementName",
		                        c->achievement_name);
	cJSON_AddNumberToObject(o, "identifiers", (double)c->identity_count);
	for (size_t i = 0; i < c->alignment_count; i++)
		cJSON_AddItemToArray(
		        a, cJSON_CreateString(
		                   c->alignments[i].code ? c->alignments[i].code
		                   : c->alignments[i].url ? c->alignments[i].url
		                                          : "?"));
	cJSON_AddItemToObject(o, "alignments", a);
	a = cJSON_AddArrayToObject(o, "levels");
	for (size_t i = 0; a && i < c->level_count; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(c->levels[i]));
	return o;
}

/* ---- matching the recipient ------------------------------------------------
 */

static int type_is(const char *type, const char *a, const char *b)
{
	return type && ((a && strcasecmp(type, a) == 0) ||
	                (b && strcasecmp(type, b) == 0));
}

static int identity_is(const cw_claim_identity *id, const char *candidate)
{
	int match = 0;

	if (!candidate || !*candidate)
		return 0;
	if (cw_badge_identity_matches(&match, id->value, id->hashed, id->salt,
	                              candidate) < 0)
		return 0;
	return match;
}

/* The value of a userIds entry of type ("{type:id}" pairs) in fields. */
static int user_id_matches(const cJSON *fields, const char *type,
                           const cw_claim_identity *id)
{
	const cJSON *ids = cell(fields, CW_OR_USERS, "userIds"), *p;
	size_t tl = strlen(type);

	cJSON_ArrayForEach(p, ids)
	{
		const char *s = cJSON_IsString(p) ? p->valuestring : "";
		char value[256];
		size_t n = strlen(s);

		if (n < tl + 3 || s[0] != '{' || s[n - 1] != '}' ||
		    strncmp(s + 1, type, tl) != 0 || s[tl + 1] != ':')
			continue;
		snprintf(value, sizeof(value), "%.*s", (int)(n - tl - 3),
		         s + tl + 2);
		if (identity_is(id, value))
			return 1;
	}
	return 0;
}

/* Users matching one identity by method; *count of them, the first in
 * *found. */
static void scan_users(work *w, const cw_identity_method *m,
                       const cw_claim_identity *id, size_t *count,
                       const cw_ri_row **found)
{
	cw_ri_list users = cw_roster_index_list(w->ix, CW_OR_USERS, CW_RI_ALL);

	if (m->match == CW_IDENTITY_SOURCED_ID && !id->hashed) {
		const cw_ri_row *r =
		        cw_roster_index_find(w->ix, CW_OR_USERS, id->value);
		*count += r != NULL;
		if (r && !*found)
			*found = r;
		return;
	}
	for (size_t i = 0; i < users.count; i++) {
		const cw_ri_row *r = users.rows[i];
		cJSON *f = m->match == CW_IDENTITY_SOURCED_ID ? NULL
		                                              : row_fields(r);
		int hit = m->match == CW_IDENTITY_SOURCED_ID
		                  ? identity_is(id, r->id)
		          : m->match == CW_IDENTITY_EMAIL
		                  ? identity_is(id, cell_text(f, CW_OR_USERS,
		                                              "email"))
		                  : user_id_matches(f, m->user_id_type, id);
		cJSON_Delete(f);
		if (hit && !*found)
			*found = r;
		*count += hit != 0;
	}
}

static int method_applies(const cw_identity_method *m,
                          const cw_claim_identity *id)
{
	switch (m->match) {
	case CW_IDENTITY_SOURCED_ID:
		return type_is(id->type, "sourcedId", NULL);
	case CW_IDENTITY_EMAIL:
		return type_is(id->type, "emailAddress", "email");
	case CW_IDENTITY_USER_ID:
		return type_is(id->type, m->identity_type, NULL);
	}
	return 0;
}

static const char *method_name(const cw_identity_method *m)
{
	return m->match == CW_IDENTITY_SOURCED_ID ? "sourcedId"
	       : m->match == CW_IDENTITY_EMAIL    ? "email"
	                                          : "userId";
}

static int matched(work *w, const cw_ri_row *found, const char *by)
{
	cJSON *out = cJSON_CreateObject();

	w->student = found;
	w->matched_by = by;
	cJSON_AddStringToObject(out, "student", found->id);
	cJSON_AddStringToObject(out, "matchedBy", by);
	cw_flow__stage(w->job, "match", out);
	return 0;
}

/* The batch's user, when an identity of the claim is one of hers. */
static int hint_matches(work *w, const cw_ri_row *user, const char **by)
{
	const cw_mapping *m = w->job->mapping;
	cJSON *f = row_fields(user);
	int hit = 0;

	for (size_t k = 0; !hit && k < m->identity_count; k++)
		for (size_t i = 0; !hit && i < w->claim.identity_count; i++) {
			const cw_identity_method *im = &m->identity[k];
			const cw_claim_identity *id = &w->claim.identities[i];
			if (!method_applies(im, id))
				continue;
			hit = im->match == CW_IDENTITY_SOURCED_ID
			              ? identity_is(id, user->id)
			      : im->match == CW_IDENTITY_EMAIL
			              ? identity_is(id,
			                            cell_text(f, CW_OR_USERS,
			                                      "email"))
			              : user_id_matches(f, im->user_id_type,
			                                id);
			*by = method_name(im);
		}
	cJSON_Delete(f);
	return hit;
}

static int match_student(work *w)
{
	const cw_mapping *m = w->job->mapping;
	const char *by = NULL;

	if (w->job->student_hint && hint_matches(w, w->job->student_hint, &by))
		return matched(w, w->job->student_hint, by);
	for (size_t k = 0; k < m->identity_count; k++) {
		size_t count = 0;
		const cw_ri_row *found = NULL;

		for (size_t i = 0; i < w->claim.identity_count; i++)
			if (method_applies(&m->identity[k],
			                   &w->claim.identities[i]))
				scan_users(w, &m->identity[k],
				           &w->claim.identities[i], &count,
				           &found);
		if (count > 1)
			return cw_flow__stop(w->job, "held",
			                     "%zu users match the recipient by "
			                     "%s: which one is ambiguous",
			                     count,
			                     method_name(&m->identity[k]));
		if (count == 1)
			return matched(w, found, method_name(&m->identity[k]));
	}
	return cw_flow__stop(w->job, "held",
	                     "no user of the roster matches the recipient "
	                     "(%zu identifiers tried by the mapping's %zu "
	                     "methods)",
	                     w->claim.identity_count, m->identity_count);
}

/* ---- resolving alignments to CASE items ------------------------------------
 */

typedef struct {
	int found, kind;
	char document[64];
} case_object;

static int on_object(const cw_case_record *r, void *payload)
{
	case_object *o = payload;

	o->found = !r->retired;
	o->kind = r->kind;
	snprintf(o->document, sizeof(o->document), "%s",
	         r->document ? r->document : "");
	return 0;
}

static int lookup_item(work *w, const char *id, case_object *o)
{
	int err;

	memset(o, 0, sizeof(*o));
	err = cw_store_case_get(w->job->env->store, w->job->tenant_id, id,
	                        on_object, o);
	if (err == CW_ENOTFOUND)
		err = 0;
	if (o->found && o->kind != CW_CASE_ITEM)
		o->found = 0;
	return err;
}

static int relation_allowed(const cw_mapping *m, const char *relation)
{
	for (size_t i = 0; relation && i < m->relation_count; i++)
		if (strcmp(m->relations[i], relation) == 0)
			return 1;
	return 0;
}

static int in_framework(const cw_mapping *m, const case_object *o)
{
	return o->found &&
	       (!m->framework || strcmp(o->document, m->framework) == 0);
}

/* The identifier an alignment names: targetCode, else the last segment of
 * targetUrl (CASE URIs end in the item's identifier). */
static const char *alignment_id(const cw_claim_alignment *a, char *buf,
                                size_t size)
{
	const char *slash;

	if (a->code && *a->code)
		return a->code;
	if (!a->url || !(slash = strrchr(a->url, '/')) || !slash[1])
		return NULL;
	snprintf(buf, size, "%s", slash + 1);
	return buf;
}

typedef struct {
	work *w;
	const char *from;
	char found[300], relation[80];
} link_search;

static int on_outside_link(const cw_case_record *r, void *payload)
{
	link_search *ls = payload;
	cJSON *a = NULL;
	const char *other, *type;
	case_object o;
	int err;

	if (ls->found[0] || !r->origin || !r->destination ||
	    cw_json_parse(&a, r->body, r->body_len, 32, NULL) < 0)
		return 0;
	type = cw_json_string(a, "associationType");
	other = strcmp(r->origin, ls->from) == 0 ? r->destination : r->origin;
	if (relation_allowed(ls->w->job->mapping, type) &&
	    (err = lookup_item(ls->w, other, &o)) == 0 &&
	    in_framework(ls->w->job->mapping, &o)) {
		snprintf(ls->found, sizeof(ls->found), "%s", other);
		snprintf(ls->relation, sizeof(ls->relation), "%s", type);
	}
	cJSON_Delete(a);
	return 0;
}

/* The district's item for id through the crosswalk, into found. */
static int crosswalk(work *w, const char *id, const case_object *start,
                     char found[300], char relation[80])
{
	const cw_mapping *m = w->job->mapping;
	cw_case_match *matches = NULL;
	size_t count = 0;
	int err;

	found[0] = '\0';
	if (!start->found) {
		link_search ls = { w, id, "", "" };
		err = cw_store_case_links(w->job->env->store, w->job->tenant_id,
		                          id, on_outside_link, &ls);
		snprintf(found, 300, "%s", ls.found);
		snprintf(relation, 80, "%s", ls.relation);
		return err == CW_ENOTFOUND ? 0 : err;
	}
	err = cw_case_crosswalk(&matches, &count, w->job->env->store,
	                        w->job->tenant_id, id);
	for (size_t i = 0; err == 0 && i < count && !found[0]; i++) {
		if (!relation_allowed(m, matches[i].relation) ||
		    !matches[i].document[0] ||
		    (m->framework &&
		     strcmp(matches[i].document, m->framework) != 0))
			continue;
		snprintf(found, 300, "%s", matches[i].identifier);
		snprintf(relation, 80, "%s", matches[i].relation);
	}
	cw_free(matches);
	return err == CW_ENOTFOUND ? 0 : err;
}

/* urn:uuid:<lowercase> for a bare UUID (the form 1EdTech's checks want
 * with source case), anything else as it is. */
static void objective_id(char out[300], const char *id)
{
	size_t n = strlen(id);
	int uuid = n == 36;

	for (size_t i = 0; uuid && i < n; i++)
		uuid = (i == 8 || i == 13 || i == 18 || i == 23)
		               ? id[i] == '-'
		               : isxdigit((unsigned char)id[i]) != 0;
	if (!uuid) {
		snprintf(out, 300, "%s", id);
		return;
	}
	snprintf(out, 300, "urn:uuid:%s", id);
	for (char *p = out + 9; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static int add_objective(work *w, const char *item, const char *from,
                         const char *via)
{
	objective *o;
	char id[300];

	objective_id(id, item);
	for (size_t i = 0; i < w->objective_count; i++)
		if (strcmp(w->objectives[i].id, id) == 0)
			return 0;
	if (w->objective_count == MAX_OBJECTIVES)
		return cw_flow__stop(w->job, "held",
		                     "more than %d competencies",
		                     MAX_OBJECTIVES);
	o = &w->objectives[w->objective_count++];
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->from, sizeof(o->from), "%s", from);
	snprintf(o->via, sizeof(o->via), "%s", via);
	return 0;
}

static int resolve_one(work *w, const cw_claim_alignment *a, int *resolved)
{
	char buf[300], found[300], relation[80];
	const char *id = alignment_id(a, buf, sizeof(buf));
	case_object o;
	int err;

	*resolved = 0;
	if (!id || (a->type && strcmp(a->type, "CFItem") != 0))
		return 0;
	if ((err = lookup_item(w, id, &o)) < 0)
		return err;
	if (in_framework(w->job->mapping, &o)) {
		*resolved = 1;
		return add_objective(w, id, id, "direct");
	}
	if ((err = crosswalk(w, id, &o, found, relation)) < 0 || !found[0])
		return err;
	*resolved = 1;
	return add_objective(w, found, id, relation);
}

static cJSON *objectives_json(const work *w)
{
	cJSON *list = cJSON_CreateArray();

	for (size_t i = 0; list && i < w->objective_count; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "learningObjectiveId",
		                        w->objectives[i].id);
		cJSON_AddStringToObject(o, "alignment", w->objectives[i].from);
		cJSON_AddStringToObject(o, "via", w->objectives[i].via);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

static int resolve_alignments(work *w)
{
	const cw_mapping *m = w->job->mapping;
	char unresolved[300] = "";
	int err = 0, resolved;

	for (size_t i = 0;
	     err == 0 && !w->job->state && i < w->claim.alignment_count; i++) {
		const cw_claim_alignment *a = &w->claim.alignments[i];
		if ((err = resolve_one(w, a, &resolved)) == 0 && !resolved &&
		    !unresolved[0])
			snprintf(unresolved, sizeof(unresolved), "%s",
			         a->code  ? a->code
			         : a->url ? a->url
			                  : "?");
	}
	if (err < 0 || w->job->state)
		return err;
	if (unresolved[0] && (m->hold_unresolved || !w->objective_count))
		return cw_flow__stop(
		        w->job, "held",
		        "alignment %s resolves to no competency in %s%s",
		        unresolved,
		        m->framework ? "framework " : "the tenant's frameworks",
		        m->framework ? m->framework : "");
	if (!w->objective_count)
		return cw_flow__stop(w->job, "held",
		                     "the credential aligns to no CASE item "
		                     "(targetType CFItem)");
	cw_flow__stage(w->job, "resolve", objectives_json(w));
	return 0;
}

/* ---- level, class, rows ----------------------------------------------------
 */

static int pick_level(work *w)
{
	const cw_mapping *m = w->job->mapping;
	cJSON *out;

	for (size_t i = 0; !w->level && i < w->claim.level_count; i++) {
		w->level = cw_mapping_level_find(m, w->claim.levels[i]);
		w->level_from = w->claim.levels[i];
	}
	if (!w->level && w->claim.level_count)
		return cw_flow__stop(
		        w->job, "held",
		        "the result \"%s\" is not in the mapping's "
		        "level table",
		        w->claim.levels[0]);
	if (!w->level && m->no_result_holds)
		return cw_flow__stop(w->job, "held",
		                     "the credential has no result and the "
		                     "mapping holds those");
	if (!w->level) {
		w->level = &m->no_result;
		w->level_from = "no result (the mapping's noResult)";
	}
	out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "score", w->level->score);
	cJSON_AddStringToObject(out, "textScore", w->level->text_score);
	cJSON_AddStringToObject(out, "from", w->level_from);
	cw_flow__stage(w->job, "level", out);
	return 0;
}

/* The student's active class of course (as a student), or NULL. */
static const cw_ri_row *class_of_course(work *w, const char *course)
{
	cw_ri_list e = cw_roster_index_linked(w->ix, CW_RI_ENROLLMENTS_BY_USER,
	                                      w->student->id);

	for (size_t i = 0; i < e.count; i++) {
		cJSON *ef = row_fields(e.rows[i]), *cf = NULL;
		const char *role = cell_text(ef, CW_OR_ENROLLMENTS, "role");
		const char *cls =
		        cell_text(ef, CW_OR_ENROLLMENTS, "classSourcedId");
		const cw_ri_row *c =
		        cls ? cw_roster_index_find(w->ix, CW_OR_CLASSES, cls)
		            : NULL;
		const char *of;
		int hit;

		cf = row_fields(c);
		of = cell_text(cf, CW_OR_CLASSES, "courseSourcedId");
		hit = c && role && strcmp(role, "student") == 0 && of &&
		      strcmp(of, course) == 0;
		cJSON_Delete(ef);
		cJSON_Delete(cf);
		if (hit)
			return c;
	}
	return NULL;
}

static int pick_class(work *w)
{
	const cw_mapping *m = w->job->mapping;
	cJSON *f;
	const char *school, *term;

	w->klass = m->class_id ? cw_roster_index_find(w->ix, CW_OR_CLASSES,
	                                              m->class_id)
	                       : class_of_course(w, m->class_course);
	if (!w->klass && m->class_id)
		return cw_flow__stop(w->job, "held",
		                     "the mapping's class %s is not in the "
		                     "roster",
		                     m->class_id);
	if (!w->klass)
		return cw_flow__stop(w->job, "held",
		                     "student %s has no class of course %s",
		                     w->student->id, m->class_course);
	f = row_fields(w->klass);
	school = cell_text(f, CW_OR_CLASSES, "schoolSourcedId");
	term = cell_text(f, CW_OR_CLASSES, "termSourcedIds");
	snprintf(w->school, sizeof(w->school), "%s", school ? school : "");
	snprintf(w->term, sizeof(w->term), "%s", term ? term : "");
	cJSON_Delete(f);
	if (!w->school[0] || !w->term[0])
		return cw_flow__stop(w->job, "held",
		                     "class %s has no school or term",
		                     w->klass->id);
	return 0;
}

/* A sourcedId the flow owns: prefix, kind, 16 hex digits of what it
 * stands for. */
static int owned_id(char out[128], const char *prefix, const char *kind,
                    const char *a, const char *b)
{
	cw_buf text = CW_BUF_INIT(4096);
	char hex[2 * CW_SHA256_LEN + 1];
	int err;

	cw_buf_printf(&text, "%s\n%s", a, b);
	err = text.error ? text.error : cw_sha256_hex(hex, text.data, text.len);
	if (err == 0)
		snprintf(out, 128, "%s%s-%.16s", prefix, kind, hex);
	cw_buf_dispose(&text);
	return err;
}

/* Adds a row from a named object of strings (taken), reporting whether
 * it creates, updates or leaves the row as it is. */
static int add_row(work *w, cw_or_entity e, const char *id, cJSON *named)
{
	cw_buf fields = CW_BUF_INIT(CW_LIMIT_CSV_RECORD);
	char *text = cw_json_print(named);
	const cw_ri_row *held = cw_roster_index_find(w->ix, e, id);
	const char *before = cw_flow_rows_get(w->rows, e, id);
	cJSON *write;
	int err;

	cJSON_Delete(named);
	if (!text)
		return CW_ENOMEM;
	err = cw_or_fields_compact(&fields, e, text);
	cw_free(text);
	if (!before && held)
		before = held->stored;
	/* decided before the put, which frees the row it replaces */
	const char *change =
	        !before ? "created"
	        : err == 0 && strcmp(before, cw_buf_cstr(&fields)) == 0
	                ? "unchanged"
	                : "updated";
	if (err == 0)
		err = cw_flow_rows_put(w->rows, e, id, cw_buf_cstr(&fields));
	if (err == 0 && (write = cJSON_CreateObject())) {
		cJSON_AddStringToObject(write, "entity", cw_or_entity_name(e));
		cJSON_AddStringToObject(write, "sourcedId", id);
		cJSON_AddStringToObject(write, "change", change);
		cJSON_AddItemToArray(w->job->writes, write);
	}
	cw_buf_dispose(&fields);
	return err;
}

static cJSON *strings(const char *const *kv, size_t n)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; o && i + 1 < n; i += 2)
		if (kv[i + 1])
			cJSON_AddStringToObject(o, kv[i], kv[i + 1]);
	return o;
}

static void number_text(char out[32], double v)
{
	snprintf(out, 32, "%.15g", v);
}

/* The day of an ISO 8601 date-time, or today. */
static void day_of(char out[11], const char *when, int64_t now_ms)
{
	char now[CW_TIME_ISO_LEN];

	if (!when || strlen(when) < 10) {
		cw_time_format_iso(now_ms ? now_ms : cw_time_now_ms(), now);
		when = now;
	}
	snprintf(out, 11, "%.10s", when);
}

static int line_item_rows(work *w, const char *li, const char *day)
{
	const cw_mapping *m = w->job->mapping;
	char min[32], max[32], oid[160];
	const char *title = w->claim.achievement_name
	                            ? w->claim.achievement_name
	                            : "Credential";
	int err = 0;

	if (!cw_roster_index_find(w->ix, CW_OR_CATEGORIES, m->category_id)) {
		const char *kv[] = { "title", m->category_title };
		err = add_row(w, CW_OR_CATEGORIES, m->category_id,
		              strings(kv, 2));
	}
	number_text(min, m->value_min);
	number_text(max, m->value_max);
	const char *kv[] = { "title",
		             title,
		             "description",
		             w->claim.achievement_id,
		             "assignDate",
		             day,
		             "dueDate",
		             day,
		             "classSourcedId",
		             w->klass->id,
		             "categorySourcedId",
		             m->category_id,
		             "academicSessionSourcedId",
		             w->term,
		             "resultValueMin",
		             m->has_value_range ? min : NULL,
		             "resultValueMax",
		             m->has_value_range ? max : NULL,
		             "schoolSourcedId",
		             w->school };
	if (err == 0)
		err = add_row(w, CW_OR_LINE_ITEMS, li,
		              strings(kv, sizeof(kv) / sizeof(kv[0])));
	for (size_t i = 0; err == 0 && i < w->objective_count; i++) {
		const char *o[] = { "lineItemSourcedId",
			            li,
			            "source",
			            "case",
			            "learningObjectiveId",
			            w->objectives[i].id };
		snprintf(oid, sizeof(oid), "%s.objective.%zu", li, i + 1);
		err = add_row(w, CW_OR_LINE_ITEM_LEARNING_OBJECTIVE_IDS, oid,
		              strings(o, 6));
	}
	return err;
}

static int result_rows(work *w, const char *li, const char *r, const char *day)
{
	char score[32], oid[160];
	cw_buf comment = CW_BUF_INIT(2048);
	int err;

	number_text(score, w->level->score);
	cw_buf_printf(&comment, "Credential %s%s%s", w->claim.id,
	              w->claim.issuer_name ? " from " : "",
	              w->claim.issuer_name ? w->claim.issuer_name : "");
	const char *kv[] = { "lineItemSourcedId",
		             li,
		             "studentSourcedId",
		             w->student->id,
		             "scoreStatus",
		             "fully graded",
		             "score",
		             score,
		             "scoreDate",
		             day,
		             "comment",
		             cw_buf_cstr(&comment),
		             "textScore",
		             w->level->text_score,
		             "classSourcedId",
		             w->klass->id,
		             "inProgress",
		             "false",
		             "incomplete",
		             "false",
		             "late",
		             "false",
		             "missing",
		             "false" };
	err = add_row(w, CW_OR_RESULTS, r,
	              strings(kv, sizeof(kv) / sizeof(kv[0])));
	for (size_t i = 0; err == 0 && i < w->objective_count; i++) {
		const char *o[] = { "resultSourcedId",
			            r,
			            "source",
			            "case",
			            "learningObjectiveId",
			            w->objectives[i].id,
			            "score",
			            score,
			            "textScore",
			            w->level->text_score };
		snprintf(oid, sizeof(oid), "%s.objective.%zu", r, i + 1);
		err = add_row(w, CW_OR_RESULT_LEARNING_OBJECTIVE_IDS, oid,
		              strings(o, 10));
	}
	cw_buf_dispose(&comment);
	return err;
}

/* ---- pushing to the SIS's gradebook ----------------------------------------
 */

static cJSON *ref(const char *id, const char *type)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "sourcedId", id);
	cJSON_AddStringToObject(r, "type", type);
	return r;
}

static cJSON *push_object(cJSON *list, const char *collection, const char *id,
                          const char *member)
{
	cJSON *o = cJSON_CreateObject(), *body = cJSON_CreateObject(), *inner;
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", collection, id);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddItemToObject(o, "body", body);
	inner = cJSON_AddObjectToObject(body, member);
	cJSON_AddStringToObject(inner, "sourcedId", id);
	cJSON_AddStringToObject(inner, "status", "active");
	cJSON_AddItemToArray(list, o);
	return inner;
}

/* The category, lineItem and result in the OneRoster 1.2 JSON binding. */
static cJSON *push_objects(const work *w, const char *li, const char *r,
                           const char *day, const char *now)
{
	const cw_mapping *m = w->job->mapping;
	cJSON *list = cJSON_CreateArray(), *o, *set, *ids;
	char at[40];

	snprintf(at, sizeof(at), "%sT00:00:00Z", day);
	o = push_object(list, "categories", m->category_id, "category");
	cJSON_AddStringToObject(o, "dateLastModified", now);
	cJSON_AddStringToObject(o, "title", m->category_title);
	o = push_object(list, "lineItems", li, "lineItem");
	cJSON_AddStringToObject(o, "dateLastModified", now);
	cJSON_AddStringToObject(o, "title",
	                        w->claim.achievement_name
	                                ? w->claim.achievement_name
	                                : "Credential");
	cJSON_AddStringToObject(o, "assignDate", at);
	cJSON_AddStringToObject(o, "dueDate", at);
	cJSON_AddItemToObject(o, "class", ref(w->klass->id, "class"));
	cJSON_AddItemToObject(o, "school", ref(w->school, "org"));
	cJSON_AddItemToObject(o, "category", ref(m->category_id, "category"));
	/* the CSV's academicSessionSourcedId: gradingPeriod in JSON */
	cJSON_AddItemToObject(o, "gradingPeriod",
	                      ref(w->term, "academicSession"));
	if (m->has_value_range) {
		cJSON_AddNumberToObject(o, "resultValueMin", m->value_min);
		cJSON_AddNumberToObject(o, "resultValueMax", m->value_max);
	}
	set = cJSON_CreateObject();
	cJSON_AddStringToObject(set, "source", "case");
	ids = cJSON_AddArrayToObject(set, "learningObjectiveIds");
	for (size_t i = 0; i < w->objective_count; i++)
		cJSON_AddItemToArray(ids,
		                     cJSON_CreateString(w->objectives[i].id));
	cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "learningObjectiveSet"),
	                     set);
	o = push_object(list, "results", r, "result");
	cJSON_AddStringToObject(o, "dateLastModified", now);
	cJSON_AddItemToObject(o, "lineItem", ref(li, "lineItem"));
	cJSON_AddItemToObject(o, "student", ref(w->student->id, "user"));
	cJSON_AddItemToObject(o, "class", ref(w->klass->id, "class"));
	cJSON_AddStringToObject(o, "scoreStatus", "fully graded");
	cJSON_AddNumberToObject(o, "score", w->level->score);
	cJSON_AddStringToObject(o, "textScore", w->level->text_score);
	cJSON_AddStringToObject(o, "scoreDate", day);
	set = cJSON_CreateObject();
	cJSON_AddStringToObject(set, "source", "case");
	ids = cJSON_AddArrayToObject(set, "learningObjectiveResults");
	for (size_t i = 0; i < w->objective_count; i++) {
		cJSON *one = cJSON_CreateObject();
		cJSON_AddStringToObject(one, "learningObjectiveId",
		                        w->objectives[i].id);
		cJSON_AddNumberToObject(one, "score", w->level->score);
		cJSON_AddStringToObject(one, "textScore", w->level->text_score);
		cJSON_AddItemToArray(ids, one);
	}
	cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "learningObjectiveSet"),
	                     set);
	return list;
}

/* The result to the SIS too, when the mapping says where. */
static int push(work *w, const char *li, const char *r, const char *day)
{
	const cw_flow_env *env = w->job->env;
	const cw_mapping *m = w->job->mapping;
	char now[CW_TIME_ISO_LEN];
	cJSON *objects, *report = NULL;
	int err;

	if (!m->push_connection || env->dry_run)
		return 0;
	if (w->job->push_queue) { /* a batch pushes at its end */
		cw_time_format_iso(env->now_ms ? env->now_ms : cw_time_now_ms(),
		                   now);
		objects = push_objects(w, li, r, day, now);
		cJSON *o;
		if (!objects)
			return CW_ENOMEM;
		while ((o = cJSON_DetachItemFromArray(objects, 0)))
			cJSON_AddItemToArray(w->job->push_queue, o);
		cJSON_Delete(objects);
		return 0;
	}
	if (!env->badges) {
		return cw_flow__stop(w->job, "failed",
		                     "pushing to the SIS needs the master key");
	}
	cw_time_format_iso(env->now_ms ? env->now_ms : cw_time_now_ms(), now);
	objects = push_objects(w, li, r, day, now);
	cw_push_target t = { env->store,
		             env->badges->master_key,
		             w->job->tenant_id,
		             m->push_connection,
		             m->push_url,
		             0,
		             0 };
	err = cw_gradebook_push(&report, &t, objects);
	cw_flow__stage(w->job, "push", report);
	cJSON_Delete(objects);
	if (err == CW_ENOMEM)
		return err;
	if (err < 0)
		return cw_flow__stop(w->job, "failed",
		                     "the result is written here, but the SIS "
		                     "gradebook did not take it: %.400s",
		                     cw_error_last());
	return 0;
}

static int write_rows(work *w)
{
	const cw_mapping *m = w->job->mapping;
	char li[128], r[128], day[11];
	int err;

	day_of(day, w->claim.issued, w->job->env->now_ms);
	err = owned_id(li, m->id_prefix, "li",
	               w->claim.achievement_id ? w->claim.achievement_id
	                                       : w->claim.id,
	               w->klass->id);
	if (err == 0)
		err = owned_id(r, m->id_prefix, "r", w->claim.id,
		               w->student->id);
	if (err == 0)
		err = line_item_rows(w, li, day);
	if (err == 0)
		err = result_rows(w, li, r, day);
	/* A run alone writes now; a batch's rows go in at its end. */
	if (err == 0 && w->rows == &w->own_rows && !w->job->env->dry_run) {
		err = cw_roster_write(w->job->env->store, w->job->tenant_id,
		                      w->rows->changes, w->rows->count);
		if (err == CW_EINVAL)
			err = cw_flow__stop(
			        w->job, "failed",
			        "the gradebook refused the rows: %s",
			        cw_error_last());
		if (err == 0 && !w->job->state)
			err = push(w, li, r, day);
	} else if (err == 0 && w->job->push_queue) {
		err = push(w, li, r, day);
	}
	return err;
}

int cw_flow__credential_to_result(cw_flow_job *job, const char *text,
                                  size_t len)
{
	work *w = cw_calloc(1, sizeof(*w));
	int err;

	if (!w)
		return CW_ENOMEM;
	w->job = job;
	w->rows = job->rows ? job->rows : &w->own_rows;
	if (!job->rows && (err = cw_flow_rows_init(&w->own_rows)) < 0)
		goto out;
	if (job->self_issued)
		cw_flow__stage(job, "verify",
		               cJSON_CreateString("issued by this run: not "
		                                  "verified again"));
	else if ((err = verify(w, text, len)) < 0 || job->state)
		goto out;
	if (decode(&w->doc, text, len) < 0) {
		err = cw_flow__stop(job, "failed", "reading the credential: %s",
		                    cw_error_last());
		goto out;
	}
	if ((err = embed_badge_class(w)) < 0 || job->state)
		goto out;
	if (cw_claim_read(&w->claim, w->doc) < 0) {
		err = cw_flow__stop(job, "failed", "the credential: %s",
		                    cw_error_last());
		goto out;
	}
	cw_flow__stage(job, "claim", claim_json(&w->claim));
	if (!(w->ix = job->ix) &&
	    (err = cw_roster_index_build(&w->own_ix, job->env->store,
	                                 job->tenant_id)) < 0)
		goto out;
	if (!w->ix)
		w->ix = w->own_ix;
	if ((err = match_student(w)) < 0 || job->state ||
	    (err = resolve_alignments(w)) < 0 || job->state ||
	    (err = pick_level(w)) < 0 || job->state ||
	    (err = pick_class(w)) < 0 || job->state)
		goto out;
	err = write_rows(w);
out:
	cw_roster_index_free(w->own_ix);
	if (!job->rows)
		cw_flow_rows_dispose(&w->own_rows);
	cJSON_Delete(w->doc);
	cw_free(w);
	return err;
}

int cw_flow__result_preflight(cw_flow_job *job, const cw_ri_row *student,
                              const char *level)
{
	work *w = cw_calloc(1, sizeof(*w));
	cJSON *stages = job->stages;
	int err;

	if (!w)
		return CW_ENOMEM;
	w->job = job;
	w->ix = job->ix;
	w->student = student;
	if (level)
		w->claim.levels[w->claim.level_count++] = level;
	job->stages = cJSON_CreateArray(); /* the checks' stages are dropped */
	if ((err = pick_level(w)) == 0 && !job->state)
		err = pick_class(w);
	cJSON_Delete(job->stages);
	job->stages = stages;
	cw_free(w);
	return err;
}
