/* Flow partner-record: a community partner's learning records become OB 3.0
 * credentials on the district's issuer (one per competency, the partner as
 * source) and then OneRoster results through credential-to-result. A batch
 * reads the roster once, issues in one transaction and writes the results
 * in one transaction. */
#include "engine/flows_internal.h"
#include "engine/gradebook_push.h"

#include "case/model.h"
#include "mapping/record.h"
#include "roster/fields.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/strset.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_REQUESTS (CW_RECORD_MAX_ROWS * 2)

typedef struct {
	int64_t run_id;
	const char *state; /* NULL while it goes on */
	char reason[600];
	const cw_ri_row *student;
	size_t first, count; /* its requests */
	cJSON *stages, *credentials;
	char key[CW_FLOW_KEY_LEN];
} record_state;

typedef struct {
	const cw_flow_env *env;
	const cw_badges *badges;
	const char *tenant;
	int64_t tenant_id;
	const cw_mapping *pm, *rm;
	cw_roster_index *ix;
	cw_ri_list users;
	cw_strset *emails, *user_ids, *items, *achievements;
	char issuer[1024];
	cw_record_set set;
	record_state *states;
	cw_badge_request *requests;
	cJSON *request_docs; /* what the requests point into */
	size_t request_count;
	cw_badge_issued *issued;
	char (*ids)[48]; /* each request's credential id */
	size_t reused;   /* requests whose credential the store had */
	cw_flow_rows rows;
	cJSON *push_queue;  /* [{"path", "body", "record"}], or NULL */
	cJSON *push_report; /* what the SIS answered each, or NULL */
	char now[CW_TIME_ISO_LEN];
} batch;

/* ---- the roster's users by email and by userIds ------------------------- */

static int index_users(batch *b)
{
	int err = 0;

	b->users = cw_roster_index_list(b->ix, CW_OR_USERS, CW_RI_ALL);
	if ((err = cw_strset_new(&b->emails)) < 0 ||
	    (err = cw_strset_new(&b->user_ids)) < 0)
		return err;
	for (size_t i = 0; err >= 0 && i < b->users.count; i++) {
		cJSON *f = cJSON_Parse(b->users.rows[i]->stored), *p;
		const cJSON *email = cJSON_GetArrayItem(
		        f, cw_or_fields_position(CW_OR_USERS, "email"));
		char key[512];

		if (cJSON_IsString(email) && *email->valuestring) {
			size_t n = 0;
			for (const char *c = email->valuestring;
			     *c && n < sizeof(key) - 1; c++)
				key[n++] = (char)tolower((unsigned char)*c);
			err = cw_strset_put(b->emails, key, n, (uint32_t)i,
			                    NULL);
		}
		cJSON_ArrayForEach(
		        p,
		        cJSON_GetArrayItem(f, cw_or_fields_position(CW_OR_USERS,
		                                                    "userIds")))
		{
			/* "{type:id}" is kept as "type:id" */
			const char *s = cJSON_IsString(p) ? p->valuestring : "";
			size_t n = strlen(s);
			if (err >= 0 && n > 2 && s[0] == '{' && s[n - 1] == '}')
				err = cw_strset_put(b->user_ids, s + 1, n - 2,
				                    (uint32_t)i, NULL);
		}
		cJSON_Delete(f);
	}
	return err < 0 ? err : 0;
}

static const cw_ri_row *find_user(const batch *b, const char *student)
{
	char key[512];
	uint32_t i;

	for (size_t k = 0; k < b->pm->identity_count; k++) {
		const cw_identity_method *m = &b->pm->identity[k];
		const cw_ri_row *r = NULL;
		size_t n = 0;

		if (m->match == CW_IDENTITY_SOURCED_ID)
			r = cw_roster_index_find(b->ix, CW_OR_USERS, student);
		if (m->match == CW_IDENTITY_EMAIL) {
			for (const char *c = student; *c && n < sizeof(key) - 1;
			     c++)
				key[n++] = (char)tolower((unsigned char)*c);
			if (cw_strset_get(b->emails, key, n, &i))
				r = b->users.rows[i];
		}
		if (m->match == CW_IDENTITY_USER_ID) {
			int len = snprintf(key, sizeof(key), "%s:%s",
			                   m->user_id_type, student);
			if (len > 0 && (size_t)len < sizeof(key) &&
			    cw_strset_get(b->user_ids, key, (size_t)len, &i))
				r = b->users.rows[i];
		}
		if (r)
			return r;
	}
	return NULL;
}

/* ---- each record --------------------------------------------------------- */

static int hold(record_state *st, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int hold(record_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->reason, sizeof(st->reason), fmt, ap);
	va_end(ap);
	st->state = "held";
	return 0;
}

/* A competency's CASE item identifier (urn:uuid: taken off). */
static const char *item_of(const char *id)
{
	return strncasecmp(id, "urn:uuid:", 9) == 0 ? id + 9 : id;
}

typedef struct {
	int found;
} item_probe;

static int on_item(const cw_case_record *r, void *payload)
{
	((item_probe *)payload)->found = r->kind == CW_CASE_ITEM && !r->retired;
	return 0;
}

/* 1 when the tenant holds item (an achievement of it is defined for the
 * issuer once per batch), 0 when not. */
static int known_item(batch *b, const char *item)
{
	uint32_t seen;
	item_probe p = { 0 };
	cJSON *doc = NULL;
	int err;

	if (cw_strset_get(b->items, item, strlen(item), &seen))
		return (int)seen;
	err = cw_store_case_get(b->env->store, b->tenant_id, item, on_item, &p);
	if (err < 0 && err != CW_ENOTFOUND)
		return err;
	if (p.found && !b->env->dry_run &&
	    (err = cw_badges_achievement_from_case(&doc, b->badges, b->tenant,
	                                           b->issuer, item)) < 0)
		return err;
	cJSON_Delete(doc);
	err = cw_strset_put(b->items, item, strlen(item), (uint32_t)p.found,
	                    NULL);
	return err < 0 ? err : p.found;
}

/* The credentialSubject members a record adds: source, dates, credits. */
static cJSON *subject_of(const batch *b, const cw_record *r)
{
	cJSON *s = cJSON_CreateObject(), *src;
	char day[32];

	if (!s)
		return NULL;
	src = cJSON_AddObjectToObject(s, "source");
	cJSON_AddStringToObject(src, "id", b->pm->partner_id);
	cJSON_AddItemToObject(
	        src, "type",
	        cJSON_CreateStringArray((const char *[]){ "Profile" }, 1));
	cJSON_AddStringToObject(src, "name", b->pm->partner_name);
	if (b->pm->partner_url)
		cJSON_AddStringToObject(src, "url", b->pm->partner_url);
	if (r->start_date) {
		snprintf(day, sizeof(day), "%sT00:00:00Z", r->start_date);
		cJSON_AddStringToObject(s, "activityStartDate", day);
	}
	if (r->end_date) {
		snprintf(day, sizeof(day), "%sT00:00:00Z", r->end_date);
		cJSON_AddStringToObject(s, "activityEndDate", day);
	}
	if (r->has_hours && b->pm->credits_per_hour > 0)
		cJSON_AddNumberToObject(s, "creditsEarned",
		                        r->hours * b->pm->credits_per_hour);
	return s;
}

static cJSON *evidence_of(const cw_record *r)
{
	cJSON *list = cJSON_CreateArray(), *e = cJSON_CreateObject();
	char hours[64];

	if (!list || !e || !cJSON_AddItemToArray(list, e)) {
		cJSON_Delete(e);
		cJSON_Delete(list);
		return NULL;
	}
	if (r->evidence_url)
		cJSON_AddStringToObject(e, "id", r->evidence_url);
	cJSON_AddItemToObject(
	        e, "type",
	        cJSON_CreateStringArray((const char *[]){ "Evidence" }, 1));
	cJSON_AddStringToObject(e, "name", r->activity);
	if (r->description)
		cJSON_AddStringToObject(e, "description", r->description);
	if (r->has_hours) {
		snprintf(hours, sizeof(hours), "%g hours", r->hours);
		cJSON_AddStringToObject(e, "narrative", hours);
	}
	return list;
}

/* Adds the record's requests: one per competency. */
static int add_requests(batch *b, const cw_record *r, record_state *st)
{
	cJSON *docs = cJSON_CreateObject();
	int err = docs ? 0 : CW_ENOMEM;
	char item[300];

	if (!err && !cJSON_AddItemToArray(b->request_docs, docs)) {
		cJSON_Delete(docs);
		return CW_ENOMEM;
	}
	cJSON_AddItemToObject(docs, "recipient",
	                      cJSON_CreateString(st->student->id));
	cJSON_AddItemToObject(docs, "subject", subject_of(b, r));
	cJSON_AddItemToObject(docs, "evidence", evidence_of(r));
	cJSON *achievements = cJSON_AddArrayToObject(docs, "achievements");
	cJSON *results = cJSON_AddArrayToObject(docs, "results");
	st->first = b->request_count;
	for (size_t c = 0; err == 0 && c < r->competency_count; c++) {
		size_t at = b->request_count++;
		cw_badge_request *q = &b->requests[at];
		if ((err = cw_flow__credential_id(b->ids[at], b->tenant_id,
		                                  "partner-record", st->key,
		                                  c)) < 0)
			break;
		snprintf(item, sizeof(item), "urn:uuid:%s",
		         item_of(r->competencies[c].id));
		cJSON_AddItemToArray(achievements, cJSON_CreateString(item));
		cJSON_AddItemToArray(results,
		                     r->competencies[c].level
		                             ? cw_badges_result_list(
		                                       r->competencies[c].level,
		                                       NULL, NULL, NULL)
		                             : cJSON_CreateNull());
		*q = (cw_badge_request){
			cJSON_GetArrayItem(achievements, (int)c)->valuestring,
			cJSON_GetObjectItem(docs, "recipient")->valuestring,
			b->issuer,
			NULL,
			cJSON_IsNull(cJSON_GetArrayItem(results, (int)c))
			        ? NULL
			        : cJSON_GetArrayItem(results, (int)c),
			cJSON_GetObjectItem(docs, "evidence"),
			cJSON_GetObjectItem(docs, "subject"),
			b->ids[at]
		};
		st->count++;
	}
	return err;
}

/* Checks a record: student, competencies, levels, class. */
static int check_record(batch *b, const cw_record *r, record_state *st)
{
	cw_flow_job job;
	int err = 0;

	if (r->problem[0])
		return hold(st, "%s", r->problem);
	if (!(st->student = find_user(b, r->student)))
		return hold(st, "%s: no user of the roster is student \"%s\"",
		            r->where, r->student);
	for (size_t c = 0; err == 0 && c < r->competency_count; c++) {
		const char *item = item_of(r->competencies[c].id);
		if ((err = known_item(b, item)) < 0)
			return err;
		if (!err)
			return hold(st,
			            "%s: competency %s is not an item of the "
			            "tenant's frameworks",
			            r->where, item);
		err = 0;
		cw_flow__job_init(&job, b->env, b->tenant_id, b->rm);
		job.ix = b->ix;
		err = cw_flow__result_preflight(&job, st->student,
		                                r->competencies[c].level);
		if (err == 0 && job.state)
			hold(st, "%s: %.500s", r->where, job.reason);
		cw_flow__job_dispose(&job);
		if (st->state)
			return err;
	}
	return err < 0 ? err : add_requests(b, r, st);
}

/* ---- runs -----------------------------------------------------------------
 */

typedef struct {
	char state[16];
} run_state;

static int on_state(const cw_flow_run *r, void *payload)
{
	snprintf(((run_state *)payload)->state, 16, "%s", r->state);
	return 0;
}

/* Records the record's run, or finds it: a done one is a duplicate. */
static int open_run(batch *b, const cw_record *r, record_state *st,
                    const char *source)
{
	char *content = cw_json_print(r->canonical);
	cw_buf keyed = CW_BUF_INIT(CW_RECORD_MAX_BYTES);
	run_state rs = { "" };
	int err;

	if (!content)
		return CW_ENOMEM;
	cw_buf_printf(&keyed, "%s\n%s\n%s", b->pm->partner_id,
	              r->record_id ? r->record_id : r->where, content);
	err = keyed.error
	              ? keyed.error
	              : cw_flow__content_key(st->key, keyed.data, keyed.len);
	cw_buf_dispose(&keyed);
	if (err == 0 && !b->env->dry_run) {
		cw_flow_run run = { 0,
			            b->tenant_id,
			            "partner-record",
			            st->key,
			            source,
			            content,
			            strlen(content),
			            "running",
			            NULL,
			            "[]",
			            NULL,
			            1,
			            b->now,
			            b->now };
		err = cw_store_flow_run_add(b->env->store, &run, &st->run_id);
		if (err == CW_EEXISTS &&
		    (err = cw_store_flow_run_list(b->env->store, b->tenant_id,
		                                  st->run_id, NULL, 0, 1,
		                                  on_state, &rs)) == 0 &&
		    strcmp(rs.state, "done") == 0) {
			st->state = "duplicate";
			snprintf(st->reason, sizeof(st->reason),
			         "run %lld did this record: nothing issued "
			         "again",
			         (long long)st->run_id);
		}
	}
	cw_free(content);
	return err;
}

static cJSON *record_report(const record_state *st, const cw_record *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "at", r->where);
	if (r->record_id)
		cJSON_AddStringToObject(o, "recordId", r->record_id);
	cJSON_AddStringToObject(o, "state", st->state);
	if (st->run_id)
		cJSON_AddNumberToObject(o, "run", (double)st->run_id);
	if (st->reason[0])
		cJSON_AddStringToObject(o, "reason", st->reason);
	if (st->student)
		cJSON_AddStringToObject(o, "student", st->student->id);
	if (st->credentials)
		cJSON_AddItemToObject(o, "credentials",
		                      cJSON_Duplicate(st->credentials, 1));
	if (st->stages)
		cJSON_AddItemToObject(o, "stages",
		                      cJSON_Duplicate(st->stages, 1));
	return o;
}

static int close_run(batch *b, const record_state *st, const cw_record *r)
{
	cJSON *report = record_report(st, r);
	char *text = report ? cw_json_print(report) : NULL;
	char *stages = st->stages ? cw_json_print(st->stages) : NULL;
	cw_flow_run run = { st->run_id,
		            b->tenant_id,
		            "partner-record",
		            st->key,
		            NULL,
		            NULL,
		            0,
		            st->state,
		            st->reason[0] ? st->reason : NULL,
		            stages ? stages : "[]",
		            text,
		            1,
		            b->now,
		            b->now };
	int err = text ? 0 : CW_ENOMEM;

	if (err == 0 && st->run_id && !b->env->dry_run &&
	    strcmp(st->state, "duplicate") != 0)
		err = cw_store_flow_run_update(b->env->store, &run);
	cw_free(text);
	cw_free(stages);
	cJSON_Delete(report);
	return err;
}

/* ---- the batch ------------------------------------------------------------
 */

/* Each issued credential through credential-to-result, rows gathered. */
static int results_of(batch *b, record_state *st)
{
	int err = 0;

	st->stages = cJSON_CreateArray();
	st->credentials = cJSON_CreateArray();
	for (size_t q = st->first; err == 0 && q < st->first + st->count; q++) {
		cw_flow_job job;
		const cw_badge_issued *c = &b->issued[q];

		cw_flow__job_init(&job, b->env, b->tenant_id, b->rm);
		job.ix = b->ix;
		job.rows = &b->rows;
		job.student_hint = st->student;
		job.self_issued = 1;
		job.push_queue = b->push_queue;
		int queued =
		        b->push_queue ? cJSON_GetArraySize(b->push_queue) : 0;
		cJSON_AddItemToArray(st->credentials,
		                     cJSON_CreateString(c->id));
		err = cw_flow__credential_to_result(&job, c->credential,
		                                    strlen(c->credential));
		/* what this record queued names it, for the SIS's answers */
		for (cJSON *o = b->push_queue ? cJSON_GetArrayItem(
		                                        b->push_queue, queued)
		                              : NULL;
		     o; o = o->next)
			cJSON_AddNumberToObject(o, "record",
			                        (double)(st - b->states));
		cJSON_AddItemToArray(st->stages,
		                     cJSON_Duplicate(job.stages, 1));
		if (err == 0 && job.state && !st->state) {
			st->state = job.state;
			snprintf(st->reason, sizeof(st->reason),
			         "credential %s issued; its result: %.500s",
			         c->id, job.reason);
		}
		cw_flow__job_dispose(&job);
	}
	return err;
}

static int start(batch *b, const char *text, size_t len)
{
	cJSON *issuers = NULL;
	size_t competencies = 0;
	int err;

	if ((err = cw_record_set_read(&b->set, text, len)) < 0)
		return err;
	for (size_t i = 0; i < b->set.count; i++)
		competencies += b->set.rows[i].competency_count;
	b->states = cw_calloc(b->set.count + 1, sizeof(*b->states));
	b->requests = cw_calloc(competencies + 1, sizeof(*b->requests));
	b->issued = cw_calloc(competencies + 1, sizeof(*b->issued));
	b->ids = cw_calloc(competencies + 1, sizeof(*b->ids));
	b->request_docs = cJSON_CreateArray();
	if (!b->states || !b->requests || !b->issued || !b->ids ||
	    !b->request_docs || cw_strset_new(&b->items) < 0 ||
	    cw_flow_rows_init(&b->rows) < 0)
		return CW_ENOMEM;
	if (b->pm->issuer) {
		snprintf(b->issuer, sizeof(b->issuer), "%s", b->pm->issuer);
	} else if ((err = cw_badges_issuer_list(&issuers, b->badges,
	                                        b->tenant)) == 0) {
		const char *id =
		        cw_json_string(cJSON_GetArrayItem(issuers, 0), "id");
		if (!id) {
			cw_error_set("tenant %s has no issuer to sign with",
			             b->tenant);
			err = CW_ENOTFOUND;
		} else {
			snprintf(b->issuer, sizeof(b->issuer), "%s", id);
		}
	}
	cJSON_Delete(issuers);
	if (err == 0 && (err = cw_roster_index_build(&b->ix, b->env->store,
	                                             b->tenant_id)) == 0)
		err = index_users(b);
	return err;
}

static void finish(batch *b)
{
	for (size_t i = 0; b->states && i < b->set.count; i++) {
		cJSON_Delete(b->states[i].stages);
		cJSON_Delete(b->states[i].credentials);
	}
	for (size_t q = 0; b->issued && q < b->request_count; q++)
		cw_badge_issued_dispose(&b->issued[q]);
	cw_free(b->states);
	cw_free(b->requests);
	cw_free(b->issued);
	cw_free(b->ids);
	cJSON_Delete(b->request_docs);
	cJSON_Delete(b->push_queue);
	cJSON_Delete(b->push_report);
	cw_flow_rows_dispose(&b->rows);
	cw_strset_free(b->emails);
	cw_strset_free(b->user_ids);
	cw_strset_free(b->items);
	cw_roster_index_free(b->ix);
	cw_record_set_dispose(&b->set);
}

static cJSON *batch_report(const batch *b)
{
	cJSON *o = cJSON_CreateObject(), *held;
	size_t n[5] = { 0 };
	static const char *const names[5] = { "done", "duplicate", "held",
		                              "failed", "would" };

	cJSON_AddStringToObject(o, "flow", "partner-record");
	cJSON_AddNumberToObject(o, "records", (double)b->set.count);
	held = cJSON_CreateArray();
	for (size_t i = 0; i < b->set.count; i++) {
		const record_state *st = &b->states[i];
		for (int k = 0; k < 5; k++)
			n[k] += strcmp(st->state, names[k]) == 0;
		if (strcmp(st->state, "held") == 0 ||
		    strcmp(st->state, "failed") == 0)
			cJSON_AddItemToArray(
			        held, record_report(st, &b->set.rows[i]));
	}
	for (int k = 0; k < 5; k++)
		cJSON_AddNumberToObject(o, names[k], (double)n[k]);
	cJSON_AddNumberToObject(
	        o, "credentials",
	        b->env->dry_run ? 0 : (double)(b->request_count - b->reused));
	cJSON_AddNumberToObject(o, "reused", (double)b->reused);
	cJSON_AddNumberToObject(o, "rows", (double)b->rows.count);
	cJSON_AddItemToObject(o, "held_records", held);
	if (b->push_report) {
		int refused = 0;
		const cJSON *line;
		cJSON_ArrayForEach(line, b->push_report)
		{
			refused += cw_json_string(line, "error") != NULL;
		}
		cJSON *push = cJSON_AddObjectToObject(o, "push");
		cJSON_AddNumberToObject(
		        push, "objects",
		        (double)cJSON_GetArraySize(b->push_report));
		cJSON_AddNumberToObject(push, "refused", (double)refused);
	}
	return o;
}

/* Marks record i failed (its result is written here) with why. */
static void push_failed(batch *b, size_t i, const char *why)
{
	record_state *st = &b->states[i];

	if (i >= b->set.count || (st->state && strcmp(st->state, "done")))
		return;
	st->state = "failed";
	snprintf(st->reason, sizeof(st->reason),
	         "the result is written here, but the SIS gradebook did not "
	         "take it: %.400s",
	         why);
}

/* The batch's categories, lineItems and results to the SIS's gradebook,
 * once each (a lineItem many records share is PUT once), every one tried;
 * a record whose object the SIS refuses fails with the SIS's answer, one
 * the gateway could not even try (no token) with why. */
static int push_batch(batch *b)
{
	cJSON *unique = cJSON_CreateArray(), *o, *next;
	cw_strset *paths = NULL;
	int err = unique ? cw_strset_new(&paths) : CW_ENOMEM;

	for (o = b->push_queue ? b->push_queue->child : NULL; err == 0 && o;
	     o = next) {
		next = o->next;
		const char *path = cw_json_string(o, "path");
		int added =
		        path ? cw_strset_put(paths, path, strlen(path), 0, NULL)
		             : 0;
		if (added < 0)
			err = added;
		else if (added) /* the first record that needs it owns it */
			cJSON_AddItemToArray(unique, cJSON_DetachItemViaPointer(
			                                     b->push_queue, o));
	}
	cw_strset_free(paths);
	if (err < 0) {
		cJSON_Delete(unique);
		return err;
	}
	cw_push_target t = { b->env->store,
		             b->badges->master_key,
		             b->tenant_id,
		             b->rm->push_connection,
		             b->rm->push_url,
		             b->env->public_only,
		             1 };
	err = cw_gradebook_push(&b->push_report, &t, unique);
	if (err == CW_ENOMEM) {
		cJSON_Delete(unique);
		return err;
	}
	const cJSON *line = b->push_report ? b->push_report->child : NULL;
	for (o = unique->child; err < 0 && o; o = o->next) {
		const cJSON *record = cJSON_GetObjectItem(o, "record");
		const char *why =
		        line ? cw_json_string(line, "error") : cw_error_last();
		if (cJSON_IsNumber(record) && (why || !line))
			push_failed(b, (size_t)record->valuedouble,
			            why ? why : cw_error_last());
		if (line)
			line = line->next;
	}
	cJSON_Delete(unique);
	return 0; /* the records carry what went wrong */
}

/* Issues every request in one transaction, then the results. */
static int issue_and_result(batch *b, cw_flow_credential_cb cb, void *payload)
{
	int err = 0;

	if (b->env->dry_run || b->request_count == 0)
		return 0;
	if ((err = cw_flow__issue_once(b->issued, &b->reused, b->badges,
	                               b->tenant, b->tenant_id, b->requests,
	                               b->request_count)) < 0)
		return err;
	for (size_t i = 0; err == 0 && i < b->set.count; i++) {
		record_state *st = &b->states[i];
		if (st->state)
			continue;
		err = results_of(b, st);
		for (size_t q = st->first;
		     cb && err == 0 && q < st->first + st->count; q++)
			err = cb(b->issued[q].id, b->issued[q].credential,
			         payload);
	}
	if (err == 0 && b->rows.count &&
	    (err = cw_roster_write(b->env->store, b->tenant_id, b->rows.changes,
	                           b->rows.count)) < 0)
		cw_error_set("writing the results: %s", cw_error_last());
	if (err == 0 && b->push_queue && cJSON_GetArraySize(b->push_queue))
		err = push_batch(b);
	return err;
}

int cw_flow_partner_run(cJSON **report, const cw_flow_env *env,
                        const cw_badges *badges, const char *tenant,
                        int64_t tenant_id, const cw_mapping *partner,
                        const cw_mapping *results, const char *source,
                        const char *text, size_t len,
                        cw_flow_credential_cb on_credential, void *payload)
{
	batch *b = cw_calloc(1, sizeof(*b));
	int err;

	*report = NULL;
	if (!b)
		return CW_ENOMEM;
	*b = (batch){ .env = env,
		      .badges = badges,
		      .tenant = tenant,
		      .tenant_id = tenant_id,
		      .pm = partner,
		      .rm = results };
	cw_time_format_iso(env->now_ms ? env->now_ms : cw_time_now_ms(),
	                   b->now);
	if ((err = start(b, text, len)) < 0)
		goto out;
	if (results->push_connection && !env->dry_run &&
	    !(b->push_queue = cJSON_CreateArray())) {
		err = CW_ENOMEM;
		goto out;
	}
	for (size_t i = 0; err == 0 && i < b->set.count; i++) {
		record_state *st = &b->states[i];
		if ((err = open_run(b, &b->set.rows[i], st, source)) == 0 &&
		    !st->state)
			err = check_record(b, &b->set.rows[i], st);
	}
	if (err == 0)
		err = issue_and_result(b, on_credential, payload);
	for (size_t i = 0; i < b->set.count; i++) {
		record_state *st = &b->states[i];
		if (err < 0 && (!st->state || !strcmp(st->state, "would"))) {
			st->state = "failed";
			snprintf(st->reason, sizeof(st->reason), "%s",
			         cw_error_last());
		} else if (!st->state) {
			st->state = env->dry_run ? "would" : "done";
		}
		if (close_run(b, st, &b->set.rows[i]) < 0 && err == 0)
			err = CW_ESTORE;
	}
	*report = batch_report(b);
out:
	finish(b);
	cw_free(b);
	return err;
}
