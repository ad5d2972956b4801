/* Flow runs: recording, idempotency, dead letters and replay. */
#include "engine/flows_internal.h"

#include "badge/bake.h"
#include "roster/fields.h"
#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cw_flow__stage(cw_flow_job *job, const char *name, cJSON *output)
{
	cJSON *s = cJSON_CreateObject();

	if (!s || !cJSON_AddItemToArray(job->stages, s)) {
		cJSON_Delete(s);
		cJSON_Delete(output);
		return;
	}
	cJSON_AddStringToObject(s, "stage", name);
	if (output)
		cJSON_AddItemToObject(s, "output", output);
}

int cw_flow__stop(cw_flow_job *job, const char *state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(job->reason, sizeof(job->reason), fmt, ap);
	va_end(ap);
	job->state = state;
	return 0;
}

void cw_flow_outcome_dispose(cw_flow_outcome *outcome)
{
	if (!outcome)
		return;
	cJSON_Delete(outcome->report);
	memset(outcome, 0, sizeof(*outcome));
}

int cw_flow_mapping_for(cw_mapping **out, cw_store *store, int64_t tenant_id,
                        cw_flow_kind kind, cw_buf *problems)
{
	cw_buf own = CW_BUF_INIT(CW_MAPPING_MAX_BYTES + 1);
	const char *text;
	size_t len = 0;
	int err = cw_store_flow_mapping_get(store, tenant_id,
	                                    cw_flow_name(kind), &own);

	if (err == 0) {
		err = cw_mapping_load(out, own.data, own.len, problems);
	} else if (err == CW_ENOTFOUND &&
	           (text = cw_mapping_default(kind, &len))) {
		err = cw_mapping_load(out, text, len, problems);
	}
	cw_buf_dispose(&own);
	return err;
}

/* A baked image becomes the credential it carries; anything else is the
 * credential. *payload is cw_malloc'd when *owned. */
static int unbake(cw_flow_job *job, const char *input, size_t len,
                  char **payload, size_t *payload_len)
{
	cw_badge_image_type type;
	cw_badge_version version;
	int is_url = 0, err;

	*payload = NULL;
	if (cw_badge_image_sniff(&type, (const unsigned char *)input, len) !=
	            0 ||
	    (type == CW_BADGE_IMAGE_SVG && len && *input == '{'))
		return 1;
	err = cw_badge_unbake(payload, payload_len, &version, &is_url,
	                      (const unsigned char *)input, len);
	if (err == CW_ENOMEM)
		return err;
	if (err < 0)
		return cw_flow__stop(job, "failed", "unbaking the image: %s",
		                     cw_error_last());
	if (is_url) {
		cw_free(*payload);
		*payload = NULL;
		return cw_flow__stop(job, "failed",
		                     "the image points at a hosted OB 2.0 "
		                     "assertion; submit its JSON");
	}
	return 0;
}

/* sha256 of the credential's bytes: a baked image and its JSON are the
 * same input. */
int cw_flow__credential_id(char out[48], int64_t tenant_id, const char *flow,
                           const char *key, size_t c)
{
	char text[256], hex[33];
	unsigned char d[32];
	int n = snprintf(text, sizeof(text), "crosswalk %s\n%lld\n%s\n%zu",
	                 flow, (long long)tenant_id, key, c);
	int err = n < 0 || (size_t)n >= sizeof(text)
	                  ? CW_EINVAL
	                  : cw_sha256(d, text, (size_t)n);

	if (err < 0)
		return err;
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x80);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	cw_hex_encode(hex, d, 16);
	snprintf(out, 48, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
	         hex + 12, hex + 16, hex + 20);
	return 0;
}

static int stored_credential(const cw_badge_credential *c, void *payload)
{
	cw_badge_issued *out = payload;

	snprintf(out->id, sizeof(out->id), "%s", c->id);
	out->format = strcmp(c->format, "jwt") == 0 ? "jwt" : "di";
	return (out->credential = cw_strdup(c->credential)) ? 0 : CW_ENOMEM;
}

int cw_flow__issue_once(cw_badge_issued *issued, size_t *reused,
                        const cw_badges *badges, const char *tenant,
                        int64_t tenant_id, const cw_badge_request *requests,
                        size_t count)
{
	cw_badge_request *missing = cw_calloc(count + 1, sizeof(*missing));
	cw_badge_issued *fresh = cw_calloc(count + 1, sizeof(*fresh));
	size_t *where = cw_calloc(count + 1, sizeof(*where));
	size_t n = 0, failed = 0;
	int err = missing && fresh && where ? 0 : CW_ENOMEM;

	*reused = 0;
	for (size_t q = 0; err == 0 && q < count; q++) {
		err = requests[q].id ? cw_store_badge_credential_get(
		                               badges->store, tenant_id,
		                               requests[q].id,
		                               stored_credential, &issued[q])
		                     : CW_ENOTFOUND;
		if (err == 0) {
			(*reused)++;
		} else if (err == CW_ENOTFOUND) {
			where[n] = q;
			missing[n++] = requests[q];
			err = 0;
		}
	}
	if (err == 0 && n)
		err = cw_badges_issue_many(fresh, badges, tenant, missing, n,
		                           &failed);
	for (size_t i = 0; err == 0 && i < n; i++)
		issued[where[i]] = fresh[i];
	cw_free(missing);
	cw_free(fresh);
	cw_free(where);
	return err;
}

int cw_flow__content_key(char key[CW_FLOW_KEY_LEN], const char *text,
                         size_t len)
{
	char hex[2 * CW_SHA256_LEN + 1];
	int err = cw_sha256_hex(hex, text, len);

	if (err == 0)
		snprintf(key, CW_FLOW_KEY_LEN, "sha256:%s", hex);
	return err;
}

static cJSON *report_of(const cw_flow_job *job, int64_t run_id,
                        const char *state)
{
	cJSON *r = cJSON_CreateObject();

	if (!r)
		return NULL;
	if (run_id)
		cJSON_AddNumberToObject(r, "run", (double)run_id);
	cJSON_AddStringToObject(r, "flow", cw_flow_name(job->mapping->flow));
	cJSON_AddStringToObject(r, "state", state);
	if (job->reason[0])
		cJSON_AddStringToObject(r, "reason", job->reason);
	cJSON_AddItemToObject(r, "stages", cJSON_Duplicate(job->stages, 1));
	cJSON_AddItemToObject(r, "writes", cJSON_Duplicate(job->writes, 1));
	return r;
}

/* Runs the flow on text; job's state is done, held or failed after. */
static int execute(cw_flow_job *job, const char *input, size_t len)
{
	char *payload = NULL;
	size_t payload_len = 0;
	int err = unbake(job, input, len, &payload, &payload_len);

	if (err < 0 || job->state)
		return err;
	if (payload)
		cw_flow__stage(job, "unbake",
		               cJSON_CreateString("the image's "
		                                  "credential"));
	err = cw_flow__credential_to_result(job, payload ? payload : input,
	                                    payload ? payload_len : len);
	cw_free(payload);
	if (err == 0 && !job->state)
		job->state = job->env->dry_run ? "would" : "done";
	return err;
}

void cw_flow__job_init(cw_flow_job *job, const cw_flow_env *env,
                       int64_t tenant_id, const cw_mapping *mapping)
{
	memset(job, 0, sizeof(*job));
	job->env = env;
	job->tenant_id = tenant_id;
	job->mapping = mapping;
	job->stages = cJSON_CreateArray();
	job->writes = cJSON_CreateArray();
}

void cw_flow__job_dispose(cw_flow_job *job)
{
	cJSON_Delete(job->stages);
	cJSON_Delete(job->writes);
}

/* Writes the job's outcome to run (recorded unless a dry run). */
static int record(cw_flow_outcome *out, cw_flow_job *job, cw_flow_run *run)
{
	char now[CW_TIME_ISO_LEN];
	char *stages = NULL, *report = NULL;
	int err = 0;

	out->state = job->state;
	out->run_id = run->id;
	if (!(out->report = report_of(job, run->id, job->state)))
		return CW_ENOMEM;
	if (job->env->dry_run || !run->id)
		return 0;
	cw_time_format_iso(
	        job->env->now_ms ? job->env->now_ms : cw_time_now_ms(), now);
	stages = cw_json_print(job->stages);
	report = cw_json_print(out->report);
	run->state = job->state;
	run->reason = job->reason[0] ? job->reason : NULL;
	run->stages = stages;
	run->report = report;
	run->updated_at = now;
	err = stages && report ? cw_store_flow_run_update(job->env->store, run)
	                       : CW_ENOMEM;
	cw_free(stages);
	cw_free(report);
	return err;
}

typedef struct {
	cw_flow_run run;
	char *strings[4];
	char *input;
} held_run;

static int copy_run(const cw_flow_run *r, void *payload)
{
	held_run *h = payload;

	h->run = *r;
	h->run.flow = h->strings[0] = cw_strdup(r->flow);
	h->run.idempotency_key = h->strings[1] = cw_strdup(r->idempotency_key);
	h->run.source = h->strings[2] = cw_strdup(r->source);
	h->run.state = h->strings[3] = cw_strdup(r->state);
	h->run.reason = h->run.stages = h->run.report = NULL;
	h->run.created_at = h->run.updated_at = NULL;
	if (r->input) {
		if (!(h->input = cw_malloc(r->input_len + 1)))
			return CW_ENOMEM;
		memcpy(h->input, r->input, r->input_len);
		h->input[r->input_len] = '\0';
		h->run.input = h->input;
	}
	for (int i = 0; i < 4; i++)
		if (!h->strings[i])
			return CW_ENOMEM;
	return 0;
}

static void held_run_dispose(held_run *h)
{
	for (int i = 0; i < 4; i++)
		cw_free(h->strings[i]);
	cw_free(h->input);
}

/* The same input again: a done run is reported as it was (nothing is
 * written twice); a held or failed one runs again. */
static int rerun(cw_flow_outcome *out, const cw_flow_env *env,
                 int64_t tenant_id, const cw_mapping *mapping, int64_t id)
{
	held_run h;
	cw_flow_job job;
	int err;

	memset(&h, 0, sizeof(h));
	if ((err = cw_store_flow_run_list(env->store, tenant_id, id, NULL, 1, 1,
	                                  copy_run, &h)) < 0)
		goto out;
	cw_flow__job_init(&job, env, tenant_id, mapping);
	if (strcmp(h.run.state, "done") == 0) {
		out->state = "duplicate";
		out->run_id = id;
		snprintf(job.reason, sizeof(job.reason),
		         "run %lld already processed this input: nothing "
		         "written again",
		         (long long)id);
		out->report = report_of(&job, id, "duplicate");
		err = out->report ? 0 : CW_ENOMEM;
	} else if ((err = execute(&job, h.run.input, h.run.input_len)) == 0) {
		h.run.attempts++;
		err = record(out, &job, &h.run);
	}
	cw_flow__job_dispose(&job);
out:
	held_run_dispose(&h);
	return err;
}

int cw_flow_execute(cw_flow_outcome *out, const cw_flow_env *env,
                    int64_t tenant_id, const cw_mapping *mapping,
                    const char *source, const char *input, size_t len)
{
	char key[CW_FLOW_KEY_LEN], now[CW_TIME_ISO_LEN];
	cw_flow_run run;
	cw_flow_job job;
	int64_t id = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = cw_flow__content_key(key, input, len)) < 0)
		return err;
	cw_time_format_iso(env->now_ms ? env->now_ms : cw_time_now_ms(), now);
	memset(&run, 0, sizeof(run));
	run = (cw_flow_run){ 0,    tenant_id, cw_flow_name(mapping->flow),
		             key,  source,    input,
		             len,  "running", NULL,
		             "[]", NULL,      1,
		             now,  now };
	if (!env->dry_run) {
		err = cw_store_flow_run_add(env->store, &run, &id);
		if (err == CW_EEXISTS)
			return rerun(out, env, tenant_id, mapping, id);
		if (err < 0)
			return err;
		run.id = id;
	}
	cw_flow__job_init(&job, env, tenant_id, mapping);
	if ((err = execute(&job, input, len)) == 0)
		err = record(out, &job, &run);
	cw_flow__job_dispose(&job);
	return err;
}

typedef struct {
	int64_t id;
	cw_tenant found;
	int hit;
} tenant_search;

static int on_tenant(const cw_tenant *t, void *payload)
{
	tenant_search *s = payload;

	if (t->id == s->id && !s->hit) {
		s->found = *t;
		s->hit = 1;
	}
	return 0;
}

/* A partner record again: a batch of one, the stored record. */
static int replay_record(cw_flow_outcome *out, const cw_flow_env *env,
                         int64_t tenant_id, const cw_mapping *partner,
                         const held_run *h)
{
	cw_mapping *results = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024), text = CW_BUF_INIT(1 << 26);
	tenant_search t = { tenant_id, { 0 }, 0 };
	cJSON *report = NULL, *held;
	int err;

	if (!env->badges) {
		cw_error_set("replaying a partner record needs the issuer");
		return CW_EUNSUPPORTED;
	}
	if ((err = cw_store_tenant_list(env->store, on_tenant, &t)) < 0 ||
	    (err = t.hit ? 0 : CW_ENOTFOUND) < 0 ||
	    (err = cw_flow_mapping_for(&results, env->store, tenant_id,
	                               CW_FLOW_CREDENTIAL_TO_RESULT,
	                               &problems)) < 0)
		goto out;
	cw_buf_putc(&text, '[');
	cw_buf_put(&text, h->run.input, h->run.input_len);
	cw_buf_putc(&text, ']');
	if ((err = text.error) < 0 ||
	    (err = cw_flow_partner_run(&report, env, env->badges, t.found.name,
	                               tenant_id, partner, results,
	                               h->run.source, text.data, text.len, NULL,
	                               NULL)) < 0)
		goto out;
	held = cJSON_GetArrayItem(cJSON_GetObjectItem(report, "held_records"),
	                          0);
	out->run_id = h->run.id;
	out->state = cJSON_GetObjectItem(report, "done")->valueint ? "done"
	             : cJSON_GetObjectItem(report, "duplicate")->valueint
	                     ? "duplicate"
	                     : cw_json_string(held, "state");
	if (!out->state)
		out->state = "failed";
	out->report = report;
	report = NULL;
out:
	cJSON_Delete(report);
	cw_mapping_free(results);
	cw_buf_dispose(&problems);
	cw_buf_dispose(&text);
	return err;
}

int cw_flow_replay(cw_flow_outcome *out, const cw_flow_env *env,
                   int64_t tenant_id, int64_t run_id)
{
	held_run h;
	cw_mapping *mapping = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	cw_flow_kind kind;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&h, 0, sizeof(h));
	if ((err = cw_store_flow_run_list(env->store, tenant_id, run_id, NULL,
	                                  0, 1, copy_run, &h)) < 0 ||
	    (err = cw_flow_parse(&kind, h.run.flow)) < 0)
		goto out;
	if ((err = cw_flow_mapping_for(&mapping, env->store, tenant_id, kind,
	                               &problems)) < 0) {
		cw_error_set("the tenant's %s mapping is not valid: %s",
		             h.run.flow, cw_buf_cstr(&problems));
		goto out;
	}
	if (kind == CW_FLOW_PARTNER_RECORD)
		err = replay_record(out, env, tenant_id, mapping, &h);
	else
		err = rerun(out, env, tenant_id, mapping, run_id);
out:
	cw_mapping_free(mapping);
	cw_buf_dispose(&problems);
	held_run_dispose(&h);
	return err;
}

cJSON *cw_flow_run_json(const cw_flow_run *run, int detail)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)run->id);
	cJSON_AddNumberToObject(o, "tenant_id", (double)run->tenant_id);
	cJSON_AddStringToObject(o, "flow", run->flow);
	cJSON_AddStringToObject(o, "source", run->source);
	cJSON_AddStringToObject(o, "state", run->state);
	if (run->reason)
		cJSON_AddStringToObject(o, "reason", run->reason);
	cJSON_AddNumberToObject(o, "attempts", (double)run->attempts);
	cJSON_AddStringToObject(o, "created_at", run->created_at);
	cJSON_AddStringToObject(o, "updated_at", run->updated_at);
	cJSON_AddStringToObject(o, "idempotency_key", run->idempotency_key);
	if (detail && run->report)
		cJSON_AddItemToObject(o, "report", cJSON_Parse(run->report));
	if (detail && run->input)
		cJSON_AddNumberToObject(o, "input_bytes",
		                        (double)run->input_len);
	return o;
}

/* ---- rows of a batch ------------------------------------------------------
 */

int cw_flow_rows_init(cw_flow_rows *rows)
{
	memset(rows, 0, sizeof(*rows));
	return cw_strset_new(&rows->slots);
}

void cw_flow_rows_dispose(cw_flow_rows *rows)
{
	for (size_t i = 0; i < 2 * rows->count; i++)
		cw_free(rows->texts[i]);
	cw_free(rows->texts);
	cw_free(rows->changes);
	cw_strset_free(rows->slots);
	memset(rows, 0, sizeof(*rows));
}

static int slot_key(char key[400], cw_or_entity entity, const char *id)
{
	int n = snprintf(key, 400, "%d %s", (int)entity, id);

	return n > 0 && n < 400 ? n : CW_ETOOBIG;
}

static int rows_grow(cw_flow_rows *rows)
{
	size_t cap = rows->capacity ? 2 * rows->capacity : 64;
	cw_roster_change *c = cw_realloc(rows->changes, cap * sizeof(*c));
	char **t;

	if (!c)
		return CW_ENOMEM;
	rows->changes = c;
	if (!(t = cw_realloc(rows->texts, 2 * cap * sizeof(*t))))
		return CW_ENOMEM;
	rows->texts = t;
	rows->capacity = cap;
	return 0;
}

int cw_flow_rows_put(cw_flow_rows *rows, cw_or_entity entity,
                     const char *sourced_id, const char *fields)
{
	char key[400], *text = cw_strdup(fields);
	uint32_t slot = (uint32_t)rows->count;
	int n = slot_key(key, entity, sourced_id), added, err;

	if (!text || n < 0) {
		cw_free(text);
		return n < 0 ? n : CW_ENOMEM;
	}
	if ((added = cw_strset_put(rows->slots, key, (size_t)n, slot, &slot)) <
	    0) {
		cw_free(text);
		return added;
	}
	if (!added) { /* a later write of the same row replaces it */
		cw_free(rows->texts[2 * slot + 1]);
		rows->texts[2 * slot + 1] = text;
		rows->changes[slot].fields = text;
		return 0;
	}
	if (rows->count == rows->capacity && (err = rows_grow(rows)) < 0) {
		cw_free(text);
		return err;
	}
	rows->texts[2 * slot] = cw_strdup(sourced_id);
	rows->texts[2 * slot + 1] = text;
	rows->count++;
	if (!rows->texts[2 * slot])
		return CW_ENOMEM;
	rows->changes[slot] =
	        (cw_roster_change){ entity, rows->texts[2 * slot], 0, text };
	return 0;
}

const char *cw_flow_rows_get(const cw_flow_rows *rows, cw_or_entity entity,
                             const char *sourced_id)
{
	char key[400];
	uint32_t slot;
	int n = slot_key(key, entity, sourced_id);

	if (n < 0 || !cw_strset_get(rows->slots, key, (size_t)n, &slot))
		return NULL;
	return rows->texts[2 * slot + 1];
}

/* ---- stored rows ------------------------------------------------------- */

cJSON *cw_flow__row_fields(const cw_ri_row *row)
{
	return row ? cJSON_Parse(row->stored) : NULL;
}

const cJSON *cw_flow__cell(const cJSON *fields, cw_or_entity e,
                           const char *name)
{
	int k = cw_or_fields_position(e, name);
	const cJSON *v = k < 0 ? NULL : cJSON_GetArrayItem(fields, k);

	return cJSON_IsNull(v) ? NULL : v;
}

const char *cw_flow__cell_text(const cJSON *fields, cw_or_entity e,
                               const char *name)
{
	const cJSON *v = cw_flow__cell(fields, e, name);

	if (cJSON_IsArray(v))
		v = v->child;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}
