/* The exports `crosswalk migrate` compares: made from the source and from
 * the target through the store interface and compared byte for byte. The
 * source's ids and sequence numbers are put as the target has them, so a
 * wrong remapping shows as a difference too. Sealed values are left out
 * (they are sealed again for the target's tenant id). */
#include "engine/tenant_copy.h"

#include "engine/roster_export.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT_FILE_MAX ((size_t)1 << 31)

/* One side of a comparison: its store, tenant id and the map its ids go
 * through (NULL: the target's, as they are). */
typedef struct {
	cw_store *store;
	int64_t tenant_id;
	const cw_tenant_copier *map;
	cJSON *list;
	int err;
} side;

static int64_t mapped(const side *s, cw_copy_space space, int64_t value)
{
	return cw_tenant_copier_map(s->map, space, value);
}

static void add_text(cJSON *o, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(o, key, value);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_int(cJSON *o, const char *key, int64_t value)
{
	cJSON_AddNumberToObject(o, key, (double)value);
}

/* The text member key of the list's i-th object ("" when none). */
static const char *text_at(const cJSON *list, int i, const char *key)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetArrayItem(list, i), key));

	return v ? v : "";
}

/* Appends a new object to the side's list (NULL: out of memory). */
static cJSON *item(side *s)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(s->list, o)) {
		cJSON_Delete(o);
		s->err = CW_ENOMEM;
		return NULL;
	}
	return o;
}

/* ---- the exports --------------------------------------------------------- */

static int on_issuer(const cw_badge_issuer *i, void *payload)
{
	cJSON *o = item(payload);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "id", i->id);
	add_text(o, "name", i->name);
	add_text(o, "url", i->url);
	add_text(o, "email", i->email);
	add_text(o, "description", i->description);
	add_text(o, "image", i->image);
	add_text(o, "created_at", i->created_at);
	add_text(o, "id_kind", i->id_kind);
	add_text(o, "public_id", i->public_id);
	return 0;
}

static int on_key(const cw_badge_key *k, void *payload)
{
	cJSON *o = item(payload);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "issuer", k->issuer);
	add_text(o, "kid", k->kid);
	add_text(o, "type", k->type);
	add_text(o, "public_jwk", k->public_jwk);
	add_text(o, "public_multibase", k->public_multibase);
	add_text(o, "status", k->status);
	add_text(o, "created_at", k->created_at);
	add_text(o, "retired_at", k->retired_at);
	return 0;
}

/* Issuers, each followed by its keys (public parts) and revocation list. */
static int issuers(side *s)
{
	int err = cw_store_badge_issuer_list(s->store, s->tenant_id, on_issuer,
	                                     s);
	int count = cJSON_GetArraySize(s->list);

	for (int i = 0; err == 0 && i < count; i++) {
		const char *id = text_at(s->list, i, "id");
		int64_t size = 0, next = 0;
		cJSON *o;

		err = cw_store_badge_key_list(s->store, s->tenant_id, id,
		                              on_key, s);
		if (err == 0 &&
		    (err = cw_store_badge_status_list_get(
		             s->store, s->tenant_id, id, &size, &next)) == 0 &&
		    (o = item(s)) != NULL) {
			add_text(o, "status_list_of", id);
			add_int(o, "size", size);
			add_int(o, "next_index", next);
		}
	}
	return err ? err : s->err;
}

static int on_achievement(const cw_badge_achievement *a, void *payload)
{
	cJSON *o = item(payload);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "id", a->id);
	add_text(o, "issuer", a->issuer);
	add_text(o, "document", a->document);
	add_text(o, "case_item", a->case_item);
	add_text(o, "created_at", a->created_at);
	add_text(o, "updated_at", a->updated_at);
	return 0;
}

static int on_credential(const cw_badge_credential *c, void *payload)
{
	cJSON *o = item(payload);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "id", c->id);
	add_text(o, "issuer", c->issuer);
	add_text(o, "achievement", c->achievement);
	add_text(o, "recipient", c->recipient);
	add_text(o, "credential", c->credential);
	add_text(o, "format", c->format);
	add_int(o, "status_list_index", c->status_list_index);
	add_text(o, "issued_at", c->issued_at);
	add_text(o, "revoked_at", c->revoked_at);
	add_text(o, "revoked_reason", c->revoked_reason);
	return 0;
}

static int on_assertion(const cw_badge_assertion *a, void *payload)
{
	cJSON *o = item(payload);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "id", a->id);
	add_text(o, "issuer", a->issuer);
	add_text(o, "achievement", a->achievement);
	add_text(o, "recipient", a->recipient);
	add_text(o, "verification", a->verification);
	add_text(o, "assertion", a->assertion);
	add_text(o, "jws", a->jws);
	add_text(o, "issued_at", a->issued_at);
	add_text(o, "revoked_at", a->revoked_at);
	add_text(o, "revoked_reason", a->revoked_reason);
	return 0;
}

/* Each row of table the copy saw, read by its id; one missing is listed
 * as such. */
static int by_keys(side *s, const cw_tenant_copier *copier, const char *table)
{
	size_t len = 0;
	const char *keys = cw_tenant_copier_keys(copier, table, &len);
	int err = 0;

	for (size_t at = 0; err == 0 && at < len; at += strlen(keys + at) + 1) {
		const char *id = keys + at;

		if (strcmp(table, "badge_achievements") == 0)
			err = cw_store_badge_achievement_get(
			        s->store, s->tenant_id, id, on_achievement, s);
		else if (strcmp(table, "badge_credentials") == 0)
			err = cw_store_badge_credential_get(
			        s->store, s->tenant_id, id, on_credential, s);
		else
			err = cw_store_badge_assertion_get(
			        s->store, s->tenant_id, id, on_assertion, s);
		if (err == CW_ENOTFOUND) {
			cJSON *o = item(s);
			if (o)
				add_text(o, "missing", id);
			err = 0;
		}
	}
	return err ? err : s->err;
}

static int on_connection(const cw_sync_connection *c, void *payload)
{
	side *s = payload;
	cJSON *o = item(s);

	if (!o)
		return CW_ENOMEM;
	add_int(o, "id", mapped(s, CW_COPY_SPACE_SYNC_CONNECTION, c->id));
	add_text(o, "name", c->name);
	add_text(o, "base_url", c->base_url);
	add_text(o, "version", c->version);
	add_text(o, "auth", c->auth);
	add_text(o, "token_url", c->token_url);
	add_text(o, "client_id", c->client_id);
	add_text(o, "secret_sealed", c->secret_sealed);
	add_text(o, "scope", c->scope);
	add_int(o, "page_size", c->page_size);
	add_text(o, "schedule", c->schedule);
	add_text(o, "cursor", c->cursor);
	add_int(o, "last_run_ms", c->last_run_ms);
	add_text(o, "last_state", c->last_state);
	add_text(o, "last_report", c->last_report);
	add_text(o, "webhook_url", c->webhook_url);
	add_text(o, "full_schedule", c->full_schedule);
	add_text(o, "blackouts", c->blackouts);
	add_int(o, "next_run_ms", c->next_run_ms);
	add_int(o, "last_full_ms", c->last_full_ms);
	add_text(o, "lease_owner", c->lease_owner);
	add_int(o, "lease_until_ms", c->lease_until_ms);
	return 0;
}

static int on_run(const cw_sync_run *r, void *payload)
{
	side *s = payload;
	cJSON *o = item(s);

	if (!o)
		return CW_ENOMEM;
	add_int(o, "run", mapped(s, CW_COPY_SPACE_SYNC_RUN, r->id));
	add_int(o, "connection_id",
	        mapped(s, CW_COPY_SPACE_SYNC_CONNECTION, r->connection_id));
	add_text(o, "started_by", r->started_by);
	add_text(o, "kind", r->kind);
	add_text(o, "state", r->state);
	add_int(o, "started_ms", r->started_ms);
	add_int(o, "finished_ms", r->finished_ms);
	add_int(o, "import_id", mapped(s, CW_COPY_SPACE_IMPORT, r->import_id));
	add_text(o, "held_set", r->held_set);
	add_text(o, "cursor", r->cursor);
	add_text(o, "report", r->report);
	return 0;
}

/* The connections, then each one's runs (read by the target's id). */
static int connections(side *s)
{
	int err = cw_store_sync_list(s->store, s->tenant_id, NULL,
	                             on_connection, s);
	int count = cJSON_GetArraySize(s->list);

	for (int i = 0; err == 0 && i < count; i++) {
		cJSON *c = cJSON_GetArrayItem(s->list, i);
		int64_t id = (int64_t)cJSON_GetNumberValue(
		        cJSON_GetObjectItemCaseSensitive(c, "id"));

		err = cw_store_sync_run_list(s->store, id, 0, INT_MAX, on_run,
		                             s);
	}
	return err ? err : s->err;
}

static int on_flow_run(const cw_flow_run *r, void *payload)
{
	side *s = payload;
	cJSON *o = item(s);
	cw_buf input = CW_BUF_INIT(EXPORT_FILE_MAX);

	if (!o)
		return CW_ENOMEM;
	add_int(o, "id", mapped(s, CW_COPY_SPACE_FLOW_RUN, r->id));
	add_text(o, "flow", r->flow);
	add_text(o, "idempotency_key", r->idempotency_key);
	add_text(o, "source", r->source);
	/* The input's bytes, NUL bytes and all. */
	cw_buf_put_json_bytes(&input, r->input ? r->input : "", r->input_len);
	add_text(o, "input", input.error ? NULL : cw_buf_cstr(&input));
	add_text(o, "state", r->state);
	add_text(o, "reason", r->reason);
	add_text(o, "stages", r->stages);
	add_text(o, "report", r->report);
	add_int(o, "attempts", r->attempts);
	add_text(o, "created_at", r->created_at);
	add_text(o, "updated_at", r->updated_at);
	cw_buf_dispose(&input);
	return 0;
}

static int flow_runs(side *s)
{
	int err = cw_store_flow_run_list(s->store, s->tenant_id, 0, NULL, 1, 0,
	                                 on_flow_run, s);
	return err ? err : s->err;
}

static int on_holder(const cw_ob3_holder *h, void *payload)
{
	side *s = payload;
	cJSON *o = item(s);

	if (!o)
		return CW_ENOMEM;
	add_int(o, "id", mapped(s, CW_COPY_SPACE_HOLDER, h->id));
	add_text(o, "login", h->login);
	add_text(o, "passcode_hash", h->passcode_hash);
	add_text(o, "profile", h->profile);
	add_text(o, "created_at", h->created_at);
	return 0;
}

static int holders(side *s)
{
	int err =
	        cw_store_ob3_holder_list(s->store, s->tenant_id, on_holder, s);
	return err ? err : s->err;
}

static int on_client(const cw_client *c, void *payload)
{
	cJSON *o = item(payload);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "client_id", c->client_id);
	add_text(o, "scopes", c->scopes);
	add_text(o, "secret_hash", c->secret_hash);
	add_text(o, "secret_sealed", c->secret_sealed);
	add_text(o, "created_at", c->created_at);
	add_text(o, "revoked_at", c->revoked_at);
	add_text(o, "tenant_created_at", c->tenant_created_at);
	return 0;
}

static int clients(side *s)
{
	int err = cw_store_client_list(s->store, s->tenant_id, on_client, s);
	return err ? err : s->err;
}

static int on_change(const cw_roster_change_entry *c, void *payload)
{
	side *s = payload;
	cJSON *o = item(s);
	char op[2] = { c->op, '\0' };

	if (!o)
		return CW_ENOMEM;
	add_int(o, "seq", mapped(s, CW_COPY_SPACE_ROSTER_SEQ, c->seq));
	add_int(o, "entity", c->entity);
	add_text(o, "op", op);
	add_text(o, "sourced_id", c->sourced_id);
	add_int(o, "at_ms", c->at_ms);
	return 0;
}

/* The change feed from its start, the log's position and horizon. */
static int changes(side *s)
{
	int64_t seq = 0, through = 0, pruned = 0;
	int err = cw_store_roster_changes(s->store, s->tenant_id, 0,
	                                  (size_t)INT_MAX, on_change, s);
	cJSON *o;

	if (err == 0)
		err = cw_store_roster_seq(s->store, s->tenant_id, &seq);
	if (err == 0)
		err = cw_store_roster_horizon(s->store, s->tenant_id, &through,
		                              &pruned);
	if (err == 0 && (o = item(s)) != NULL) {
		add_int(o, "position",
		        mapped(s, CW_COPY_SPACE_ROSTER_SEQ, seq));
		add_int(o, "horizon",
		        mapped(s, CW_COPY_SPACE_ROSTER_SEQ, through));
		add_int(o, "pruned_before_ms", pruned);
	}
	return err ? err : s->err;
}

static int on_case_object(const cw_case_record *r, void *payload)
{
	cJSON *o = item(payload);
	cw_buf body = CW_BUF_INIT(EXPORT_FILE_MAX);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "identifier", r->identifier);
	add_int(o, "kind", r->kind);
	cw_buf_put(&body, r->body, r->body_len ? r->body_len : strlen(r->body));
	add_text(o, "body", body.error ? NULL : cw_buf_cstr(&body));
	add_text(o, "origin", r->origin);
	add_text(o, "destination", r->destination);
	add_text(o, "document", r->document);
	add_int(o, "retired", r->retired);
	cw_buf_dispose(&body);
	return 0;
}

static int case_objects(side *s)
{
	int err = 0;

	for (int kind = 0; err == 0 && kind < CW_STORE_CASE_KINDS; kind++)
		err = cw_store_case_kind(s->store, s->tenant_id, kind,
		                         on_case_object, s);
	return err ? err : s->err;
}

static int on_mirror(const cw_case_mirror *m, void *payload)
{
	side *s = payload;
	cJSON *o = item(s);

	if (!o)
		return CW_ENOMEM;
	add_int(o, "id", mapped(s, CW_COPY_SPACE_MIRROR, m->id));
	add_text(o, "base_url", m->base_url);
	add_int(o, "every_s", m->every_s);
	add_text(o, "token_url", m->token_url);
	add_text(o, "client_id", m->client_id);
	add_int(o, "sealed", m->secret_sealed != NULL);
	add_text(o, "scope", m->scope);
	add_int(o, "next_run_ms", m->next_run_ms);
	add_int(o, "last_run_ms", m->last_run_ms);
	add_text(o, "last_report", m->last_report);
	return 0;
}

static int mirrors(side *s)
{
	int err = cw_store_case_mirror_list(s->store, s->tenant_id, 0,
	                                    on_mirror, s);
	return err ? err : s->err;
}

static int on_document(const cw_case_record *r, void *payload)
{
	side *s = payload;
	cJSON *o = item(s);

	if (!o)
		return CW_ENOMEM;
	add_text(o, "identifier", r->identifier);
	return 0;
}

/* Every CFDocument's CFPackage text as the provider serves it. */
static int case_packages(side *s, cw_buf *text)
{
	int err =
	        cw_store_case_documents(s->store, s->tenant_id, on_document, s);
	int count = cJSON_GetArraySize(s->list);

	for (int i = 0; err == 0 && i < count; i++) {
		const char *id = text_at(s->list, i, "identifier");
		int64_t stamp = 0;

		cw_buf_printf(text, "%s\n", id);
		err = cw_store_case_package(s->store, s->tenant_id, id, text,
		                            &stamp);
		cw_buf_putc(text, '\n');
	}
	return err ? err : (s->err ? s->err : text->error);
}

/* ---- comparing ----------------------------------------------------------- */

typedef enum {
	X_CASE_JSON,
	X_CASE_OBJECTS,
	X_CASE_MIRRORS,
	X_ISSUERS,
	X_ACHIEVEMENTS,
	X_CREDENTIALS,
	X_ASSERTIONS,
	X_CONNECTIONS,
	X_FLOW_RUNS,
	X_HOLDERS,
	X_CLIENTS,
	X_CHANGES,
	X_COUNT
} export_kind;

static const char *const export_names[X_COUNT] = {
	[X_CASE_JSON] = "case-json",
	[X_CASE_OBJECTS] = "case-objects",
	[X_CASE_MIRRORS] = "case-mirrors",
	[X_ISSUERS] = "badge-issuers",
	[X_ACHIEVEMENTS] = "badge-achievements",
	[X_CREDENTIALS] = "badge-credentials",
	[X_ASSERTIONS] = "badge-assertions",
	[X_CONNECTIONS] = "sync-connections",
	[X_FLOW_RUNS] = "flow-runs",
	[X_HOLDERS] = "ob3-holders",
	[X_CLIENTS] = "clients",
	[X_CHANGES] = "roster-changes",
};

/* One export of one side as text in out. */
static int make(cw_buf *out, side *s, const cw_tenant_copier *copier,
                export_kind kind)
{
	int err = 0;
	char *text;

	if (!(s->list = cJSON_CreateArray()))
		return CW_ENOMEM;
	s->err = 0;
	switch (kind) {
	case X_CASE_JSON: err = case_packages(s, out); break;
	case X_CASE_OBJECTS: err = case_objects(s); break;
	case X_CASE_MIRRORS: err = mirrors(s); break;
	case X_ISSUERS: err = issuers(s); break;
	case X_ACHIEVEMENTS:
		err = by_keys(s, copier, "badge_achievements");
		break;
	case X_CREDENTIALS:
		err = by_keys(s, copier, "badge_credentials");
		break;
	case X_ASSERTIONS: err = by_keys(s, copier, "badge_assertions"); break;
	case X_CONNECTIONS: err = connections(s); break;
	case X_FLOW_RUNS: err = flow_runs(s); break;
	case X_HOLDERS: err = holders(s); break;
	case X_CLIENTS: err = clients(s); break;
	case X_CHANGES: err = changes(s); break;
	case X_COUNT: break;
	}
	if (err == 0 && kind != X_CASE_JSON) {
		if (!(text = cJSON_PrintUnformatted(s->list)))
			err = CW_ENOMEM;
		else
			err = cw_buf_puts(out, text);
		cJSON_free(text);
	}
	cJSON_Delete(s->list);
	s->list = NULL;
	return err;
}

static void note(cw_tenant_copy_result *out, const char *name, int same)
{
	size_t len = strlen(out->differs);

	cJSON_AddItemToArray(out->compared, cJSON_CreateString(name));
	if (!same)
		snprintf(out->differs + len, sizeof(out->differs) - len, "%s%s",
		         len ? ", " : "", name);
}

static int compare_one(cw_tenant_copy_result *out, side *from, side *to,
                       const cw_tenant_copier *copier, export_kind kind)
{
	cw_buf a = CW_BUF_INIT(EXPORT_FILE_MAX),
	       b = CW_BUF_INIT(EXPORT_FILE_MAX);
	int err;

	if ((err = make(&a, from, copier, kind)) == 0 &&
	    (err = make(&b, to, copier, kind)) == 0)
		note(out, export_names[kind],
		     a.len == b.len && (a.len == 0 ||
		                        memcmp(a.data, b.data, a.len) == 0));
	cw_buf_dispose(&a);
	cw_buf_dispose(&b);
	return err;
}

/* Removes the files of dir (flat) and dir. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4200];

	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		(void)unlink(path);
	}
	if (d)
		closedir(d);
	(void)rmdir(dir);
}

/* 1 when every file of a is in b with the same bytes, and b has no other. */
static int same_files(int *same, const char *a, const char *b)
{
	DIR *d = opendir(a);
	struct dirent *e;
	int files = 0, others = 0, err = 0;

	*same = 1;
	if (!d) {
		cw_error_set("%s: %s", a, strerror(errno));
		return CW_EIO;
	}
	while (err == 0 && *same && (e = readdir(d)) != NULL) {
		char pa[4200], pb[4200], *x = NULL, *y = NULL;
		size_t xl = 0, yl = 0;

		if (e->d_name[0] == '.')
			continue;
		files++;
		if ((size_t)snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name) >=
		            sizeof(pa) ||
		    (size_t)snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name) >=
		            sizeof(pb)) {
			cw_error_set("%s: the path is too long", e->d_name);
			err = CW_ETOOBIG;
			break;
		}
		if ((err = cw_file_read(&x, &xl, pa, EXPORT_FILE_MAX)) == 0) {
			err = cw_file_read(&y, &yl, pb, EXPORT_FILE_MAX);
			if (err == CW_ENOTFOUND) {
				*same = 0;
				err = 0;
			} else if (err == 0) {
				*same = xl == yl && memcmp(x, y, xl) == 0;
			}
		}
		cw_free(x);
		cw_free(y);
	}
	closedir(d);
	if ((d = opendir(b)) != NULL) {
		while ((e = readdir(d)) != NULL)
			others += e->d_name[0] != '.';
		closedir(d);
	}
	if (others != files)
		*same = 0;
	return err;
}

/* The OneRoster 1.2 CSV export (roster export --version 1.2) of each. */
static int compare_roster(cw_tenant_copy_result *out, cw_store *from,
                          cw_store *to, const char *tenant,
                          const char *work_dir)
{
	char dir[4096], a[4200], b[4200];
	cw_roster_export_options o = { tenant, CW_OR_V1P2, NULL, NULL };
	cw_roster_export_result r;
	int err, same = 0;

	snprintf(dir, sizeof(dir), "%s/crosswalk-migrate-XXXXXX", work_dir);
	if (!mkdtemp(dir)) {
		cw_error_set("%s: %s", dir, strerror(errno));
		return CW_EIO;
	}
	snprintf(a, sizeof(a), "%s/from", dir);
	snprintf(b, sizeof(b), "%s/to", dir);
	o.out = a;
	if ((err = cw_roster_export(&r, from, &o)) == 0) {
		o.out = b;
		err = cw_roster_export(&r, to, &o);
	}
	if (err == 0 && (err = same_files(&same, a, b)) == 0)
		note(out, "oneroster-1.2-csv", same);
	remove_dir(a);
	remove_dir(b);
	(void)rmdir(dir);
	return err;
}

int cw_tenant_compare(cw_tenant_copy_result *out, const cw_tenant_copier *map,
                      cw_store *from, int64_t from_tenant, cw_store *to,
                      int64_t to_tenant, const char *tenant,
                      const char *work_dir)
{
	side a = { from, from_tenant, map, NULL, 0 };
	side b = { to, to_tenant, NULL, NULL, 0 };
	int err = compare_roster(out, from, to, tenant, work_dir);

	for (int kind = 0; err == 0 && kind < X_COUNT; kind++)
		err = compare_one(out, &a, &b, map, (export_kind)kind);
	return err;
}
