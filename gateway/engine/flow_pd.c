/* Flow pd-completion: a PD program's OneRoster class and its results say
 * who completed; each completer gets the program's microcredential (OB 3.0,
 * achievementType MicroCredential, aligned to educator competencies in
 * CASE, creditsEarned for the state's conversion, the results as
 * evidence), issued as one batch; the others are held with what is
 * missing. */
#include "engine/flows_internal.h"

#include "case/model.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
	const cw_ri_row *user;
	int64_t run_id;
	const char *state;
	char reason[600];
	char key[CW_FLOW_KEY_LEN];
	char credential_id[48]; /* the same on every run */
	cJSON *evidence;        /* one Evidence per lineItem result */
	int request;            /* its index in the requests, or -1 */
} participant;

typedef struct {
	const cw_flow_env *env;
	const cw_badges *badges;
	const char *tenant, *class_id;
	int64_t tenant_id;
	const cw_mapping *m;
	cw_roster_index *ix;
	char issuer[1024], now[CW_TIME_ISO_LEN];
	participant *people;
	size_t count;
	cJSON *subject;
	cw_badge_request *requests;
	cw_badge_issued *issued;
	size_t request_count, reused;
} pd_batch;

static void say(participant *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void say(participant *p, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(p->reason);

	va_start(ap, fmt);
	if (n < sizeof(p->reason))
		vsnprintf(p->reason + n, sizeof(p->reason) - n, fmt, ap);
	va_end(ap);
}

/* ---- the microcredential ---------------------------------------------------
 */

typedef struct {
	int found, kind;
	cJSON *body;
	char document[64];
} case_read;

static int on_case(const cw_case_record *r, void *payload)
{
	case_read *c = payload;

	c->found = !r->retired;
	c->kind = r->kind;
	snprintf(c->document, sizeof(c->document), "%s",
	         r->document ? r->document : "");
	return cw_json_parse(&c->body, r->body,
	                     r->body_len ? r->body_len : strlen(r->body), 64,
	                     NULL);
}

/* An Alignment to the CFItem identifier (the tenant must hold it). */
static int alignment_of(cJSON **out, pd_batch *b, const char *id)
{
	case_read item = { 0 }, doc = { 0 };
	int err = cw_store_case_get(b->env->store, b->tenant_id, id, on_case,
	                            &item);
	cJSON *a;

	*out = NULL;
	if (err == 0 && (!item.found || item.kind != CW_CASE_ITEM))
		err = CW_ENOTFOUND;
	if (err == 0)
		err = cw_store_case_get(b->env->store, b->tenant_id,
		                        item.document, on_case, &doc);
	if (err == CW_ENOTFOUND)
		cw_error_set("competency %s is not an item of the tenant's "
		             "frameworks",
		             id);
	if (err == 0 && (a = cJSON_CreateObject())) {
		cJSON_AddItemToObject(
		        a, "type",
		        cJSON_CreateStringArray((const char *[]){ "Alignment" },
		                                1));
		cJSON_AddStringToObject(a, "targetType", "CFItem");
		cJSON_AddStringToObject(a, "targetCode", id);
		const char *name = cw_json_string(item.body, "fullStatement");
		cJSON_AddStringToObject(a, "targetName", name ? name : id);
		if (cw_json_string(item.body, "uri"))
			cJSON_AddStringToObject(
			        a, "targetUrl",
			        cw_json_string(item.body, "uri"));
		if (cw_json_string(doc.body, "title"))
			cJSON_AddStringToObject(
			        a, "targetFramework",
			        cw_json_string(doc.body, "title"));
		*out = a;
	}
	cJSON_Delete(item.body);
	cJSON_Delete(doc.body);
	return err == 0 && !*out ? CW_ENOMEM : err;
}

/* Defines the microcredential for the issuer: the mapping's Achievement
 * with MicroCredential as its type unless it names one, and alignments. */
static int define_achievement(pd_batch *b)
{
	cJSON *a = cJSON_Duplicate(b->m->pd_achievement, 1), *list, *one,
	      *stored = NULL;
	int err = a ? 0 : CW_ENOMEM;

	if (err == 0 && !cJSON_GetObjectItemCaseSensitive(a, "type"))
		cJSON_AddItemToObject(
		        a, "type",
		        cJSON_CreateStringArray(
		                (const char *[]){ "Achievement" }, 1));
	if (err == 0 && !cJSON_GetObjectItemCaseSensitive(a, "achievementType"))
		cJSON_AddStringToObject(a, "achievementType",
		                        "MicroCredential");
	list = b->m->competency_count ? cJSON_AddArrayToObject(a, "alignment")
	                              : NULL;
	for (size_t i = 0; err == 0 && i < b->m->competency_count; i++)
		if ((err = alignment_of(&one, b, b->m->competencies[i])) == 0)
			cJSON_AddItemToArray(list, one);
	if (err == 0 && !b->env->dry_run)
		err = cw_badges_achievement_add(&stored, b->badges, b->tenant,
		                                b->issuer, a);
	cJSON_Delete(stored);
	cJSON_Delete(a);
	return err;
}

/* ---- who completed ----------------------------------------------------------
 */

static int passes(const pd_batch *b, const cJSON *score, const char *text)
{
	for (size_t i = 0; text && i < b->m->pass_text_count; i++)
		if (strcasecmp(text, b->m->pass_text[i]) == 0)
			return 1;
	if (!b->m->has_min_score)
		return !b->m->pass_text_count;
	return cJSON_IsString(score) &&
	       strtod(score->valuestring, NULL) >= b->m->min_score;
}

static cJSON *evidence_of(const char *title, const char *score,
                          const char *text)
{
	cJSON *e = cJSON_CreateObject();
	char narrative[400];

	snprintf(narrative, sizeof(narrative), "%s%s%s%s",
	         score ? "score " : "", score ? score : "",
	         text ? (score ? ", " : "") : "", text ? text : "");
	cJSON_AddItemToObject(
	        e, "type",
	        cJSON_CreateStringArray((const char *[]){ "Evidence" }, 1));
	cJSON_AddStringToObject(e, "name", title);
	if (narrative[0])
		cJSON_AddStringToObject(e, "narrative", narrative);
	return e;
}

/* The participant's result on lineItem li (a fully graded one), or why
 * not, in p->reason. */
static int check_line_item(pd_batch *b, participant *p, const char *li)
{
	cw_ri_list results = cw_roster_index_linked(
	        b->ix, CW_RI_RESULTS_BY_STUDENT, p->user->id);
	const cw_ri_row *item =
	        cw_roster_index_find(b->ix, CW_OR_LINE_ITEMS, li);
	cJSON *f = cw_flow__row_fields(item);
	const char *title = cw_flow__cell_text(f, CW_OR_LINE_ITEMS, "title");
	int ok = 0;

	for (size_t i = 0; !ok && i < results.count; i++) {
		cJSON *r = cw_flow__row_fields(results.rows[i]);
		const char *of = cw_flow__cell_text(r, CW_OR_RESULTS,
		                                    "lineItemSourcedId");
		const char *status =
		        cw_flow__cell_text(r, CW_OR_RESULTS, "scoreStatus");
		const cJSON *score = cw_flow__cell(r, CW_OR_RESULTS, "score");
		const char *text =
		        cw_flow__cell_text(r, CW_OR_RESULTS, "textScore");

		int match = of && strcmp(of, li) == 0;

		if (match) {
			ok = status && strcmp(status, "fully graded") == 0 &&
			     passes(b, score, text);
			if (ok)
				cJSON_AddItemToArray(
				        p->evidence,
				        evidence_of(title ? title : li,
				                    cJSON_IsString(score)
				                            ? score->valuestring
				                            : NULL,
				                    text));
			else
				say(p, "%s%s: %s %s", p->reason[0] ? "; " : "",
				    li, status ? status : "not graded",
				    cJSON_IsString(score) ? score->valuestring
				                          : "");
		}
		cJSON_Delete(r);
		if (match)
			break;
	}
	if (!ok && !strstr(p->reason, li))
		say(p, "%s%s: no result", p->reason[0] ? "; " : "", li);
	cJSON_Delete(f);
	return ok;
}

/* ---- runs and the batch -----------------------------------------------------
 */

typedef struct {
	char state[16];
} run_state;

static int on_state(const cw_flow_run *r, void *payload)
{
	snprintf(((run_state *)payload)->state, 16, "%s", r->state);
	return 0;
}

/* One run per participant and microcredential. */
static int open_run(pd_batch *b, participant *p)
{
	cw_buf input = CW_BUF_INIT(4096);
	const char *ach = cw_json_string(b->m->pd_achievement, "id");
	run_state rs = { "" };
	int err;

	cw_buf_printf(&input,
	              "{\"class\":\"%s\",\"participant\":\"%s\","
	              "\"achievement\":\"%s\"}",
	              b->class_id, p->user->id, ach);
	if ((err = input.error) < 0 ||
	    (err = cw_flow__content_key(p->key, input.data, input.len)) < 0 ||
	    b->env->dry_run)
		goto out;
	cw_flow_run run = { 0,         b->tenant_id, "pd-completion",
		            p->key,    b->class_id,  input.data,
		            input.len, "running",    NULL,
		            "[]",      NULL,         1,
		            b->now,    b->now };
	err = cw_store_flow_run_add(b->env->store, &run, &p->run_id);
	if (err == CW_EEXISTS &&
	    (err = cw_store_flow_run_list(b->env->store, b->tenant_id,
	                                  p->run_id, NULL, 0, 1, on_state,
	                                  &rs)) == 0 &&
	    strcmp(rs.state, "done") == 0) {
		p->state = "duplicate";
		snprintf(p->reason, sizeof(p->reason),
		         "run %lld issued this microcredential already",
		         (long long)p->run_id);
	}
out:
	cw_buf_dispose(&input);
	return err;
}

static int close_run(pd_batch *b, participant *p)
{
	cJSON *r = cJSON_CreateObject();
	char *text;
	int err = 0;

	cJSON_AddStringToObject(r, "participant", p->user->id);
	cJSON_AddStringToObject(r, "state", p->state);
	if (p->reason[0])
		cJSON_AddStringToObject(r, "reason", p->reason);
	if (p->request >= 0 && b->issued[p->request].credential)
		cJSON_AddStringToObject(r, "credential",
		                        b->issued[p->request].id);
	text = cw_json_print(r);
	cw_flow_run run = {
		p->run_id, b->tenant_id, "pd-completion",
		p->key,    NULL,         NULL,
		0,         p->state,     p->reason[0] ? p->reason : NULL,
		"[]",      text,         1,
		b->now,    b->now
	};
	if (!text)
		err = CW_ENOMEM;
	else if (p->run_id && !b->env->dry_run &&
	         strcmp(p->state, "duplicate") != 0)
		err = cw_store_flow_run_update(b->env->store, &run);
	cw_free(text);
	cJSON_Delete(r);
	return err;
}

/* Everyone enrolled in the class as a student. */
static int gather(pd_batch *b)
{
	cw_ri_list e = cw_roster_index_linked(b->ix, CW_RI_ENROLLMENTS_BY_CLASS,
	                                      b->class_id);

	b->people = cw_calloc(e.count + 1, sizeof(*b->people));
	b->requests = cw_calloc(e.count + 1, sizeof(*b->requests));
	b->issued = cw_calloc(e.count + 1, sizeof(*b->issued));
	if (!b->people || !b->requests || !b->issued)
		return CW_ENOMEM;
	for (size_t i = 0; i < e.count; i++) {
		cJSON *f = cw_flow__row_fields(e.rows[i]);
		const char *role =
		        cw_flow__cell_text(f, CW_OR_ENROLLMENTS, "role");
		const char *user = cw_flow__cell_text(f, CW_OR_ENROLLMENTS,
		                                      "userSourcedId");
		const cw_ri_row *u =
		        user ? cw_roster_index_find(b->ix, CW_OR_USERS, user)
		             : NULL;
		if (u && role && strcmp(role, "student") == 0) {
			b->people[b->count].user = u;
			b->people[b->count].request = -1;
			b->people[b->count++].evidence = cJSON_CreateArray();
		}
		cJSON_Delete(f);
	}
	return 0;
}

static int start(pd_batch *b)
{
	cJSON *issuers = NULL;
	int err = 0;

	if (b->m->issuer) {
		snprintf(b->issuer, sizeof(b->issuer), "%s", b->m->issuer);
	} else if ((err = cw_badges_issuer_list(&issuers, b->badges,
	                                        b->tenant)) == 0) {
		const char *id =
		        cw_json_string(cJSON_GetArrayItem(issuers, 0), "id");
		if (!(err = id ? 0 : CW_ENOTFOUND))
			snprintf(b->issuer, sizeof(b->issuer), "%s", id);
		else
			cw_error_set("tenant %s has no issuer to sign with",
			             b->tenant);
	}
	cJSON_Delete(issuers);
	if (err == 0)
		err = cw_roster_index_build(&b->ix, b->env->store,
		                            b->tenant_id);
	if (err == 0 &&
	    !cw_roster_index_find(b->ix, CW_OR_CLASSES, b->class_id)) {
		cw_error_set("class %s is not in the roster", b->class_id);
		err = CW_ENOTFOUND;
	}
	if (err == 0 && (b->subject = cJSON_CreateObject()) &&
	    b->m->credit_hours > 0)
		cJSON_AddNumberToObject(b->subject, "creditsEarned",
		                        b->m->credit_hours);
	if (err == 0 && (err = define_achievement(b)) == 0)
		err = gather(b);
	return err;
}

static cJSON *pd_report(const pd_batch *b)
{
	cJSON *o = cJSON_CreateObject(), *not_yet = cJSON_CreateArray();
	static const char *const names[5] = { "done", "duplicate", "held",
		                              "failed", "would" };
	size_t n[5] = { 0 };

	cJSON_AddStringToObject(o, "flow", "pd-completion");
	cJSON_AddStringToObject(o, "class", b->class_id);
	cJSON_AddNumberToObject(o, "participants", (double)b->count);
	for (size_t i = 0; i < b->count; i++) {
		const participant *p = &b->people[i];
		for (int k = 0; k < 5; k++)
			n[k] += strcmp(p->state, names[k]) == 0;
		if (strcmp(p->state, "held") == 0 ||
		    strcmp(p->state, "failed") == 0) {
			cJSON *h = cJSON_CreateObject();
			cJSON_AddStringToObject(h, "participant", p->user->id);
			if (p->run_id)
				cJSON_AddNumberToObject(h, "run",
				                        (double)p->run_id);
			cJSON_AddStringToObject(h, "reason", p->reason);
			cJSON_AddItemToArray(not_yet, h);
		}
	}
	for (int k = 0; k < 5; k++)
		cJSON_AddNumberToObject(o, names[k], (double)n[k]);
	cJSON_AddNumberToObject(
	        o, "credentials",
	        b->env->dry_run ? 0 : (double)(b->request_count - b->reused));
	cJSON_AddNumberToObject(o, "reused", (double)b->reused);
	cJSON_AddItemToObject(o, "not_yet", not_yet);
	return o;
}

static void check_person(pd_batch *b, participant *p)
{
	int all = 1;

	for (size_t k = 0; k < b->m->pd_line_item_count; k++)
		all &= check_line_item(b, p, b->m->pd_line_items[k]);
	if (!all) {
		char why[600];
		snprintf(why, sizeof(why), "not yet qualified: %.560s",
		         p->reason);
		snprintf(p->reason, sizeof(p->reason), "%s", why);
		p->state = "held";
		return;
	}
	if (cw_flow__credential_id(p->credential_id, b->tenant_id,
	                           "pd-completion", p->key, 0) < 0) {
		p->state = "failed";
		snprintf(p->reason, sizeof(p->reason), "%s", cw_error_last());
		return;
	}
	p->request = (int)b->request_count;
	b->requests[b->request_count++] =
	        (cw_badge_request){ cw_json_string(b->m->pd_achievement, "id"),
		                    p->user->id,
		                    b->issuer,
		                    NULL,
		                    NULL,
		                    p->evidence,
		                    b->subject,
		                    p->credential_id };
}

int cw_flow_pd_run(cJSON **report, const cw_flow_env *env,
                   const cw_badges *badges, const char *tenant,
                   int64_t tenant_id, const cw_mapping *mapping,
                   const char *class_id, cw_flow_credential_cb on_credential,
                   void *payload)
{
	pd_batch b;
	int err;

	memset(&b, 0, sizeof(b));
	b.env = env;
	b.badges = badges;
	b.tenant = tenant;
	b.class_id = class_id ? class_id : mapping->pd_class;
	b.tenant_id = tenant_id;
	b.m = mapping;

	*report = NULL;
	cw_time_format_iso(env->now_ms ? env->now_ms : cw_time_now_ms(), b.now);
	if (!b.class_id) {
		cw_error_set("no class: name the PD program's class");
		return CW_EUSAGE;
	}
	err = start(&b);
	for (size_t i = 0; err == 0 && i < b.count; i++)
		if ((err = open_run(&b, &b.people[i])) == 0 &&
		    !b.people[i].state)
			check_person(&b, &b.people[i]);
	if (err == 0 && b.request_count && !env->dry_run)
		err = cw_flow__issue_once(b.issued, &b.reused, badges, tenant,
		                          tenant_id, b.requests,
		                          b.request_count);
	for (size_t q = 0;
	     on_credential && err == 0 && !env->dry_run && q < b.request_count;
	     q++)
		err = on_credential(b.issued[q].id, b.issued[q].credential,
		                    payload);
	for (size_t i = 0; b.people && i < b.count; i++) {
		participant *p = &b.people[i];
		if (err < 0 && !p->state) {
			p->state = "failed";
			snprintf(p->reason, sizeof(p->reason), "%s",
			         cw_error_last());
		} else if (!p->state) {
			p->state = env->dry_run ? "would" : "done";
		}
		if (close_run(&b, p) < 0 && err == 0)
			err = CW_ESTORE;
	}
	if (b.people)
		*report = pd_report(&b);
	for (size_t i = 0; b.people && i < b.count; i++)
		cJSON_Delete(b.people[i].evidence);
	for (size_t q = 0; b.issued && q < b.request_count; q++)
		cw_badge_issued_dispose(&b.issued[q]);
	cw_free(b.people);
	cw_free(b.requests);
	cw_free(b.issued);
	cJSON_Delete(b.subject);
	cw_roster_index_free(b.ix);
	return err;
}
