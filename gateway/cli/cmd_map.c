/* crosswalk map check | install | run: the CBE flows' mapping files and
 * running a flow on one input. */
#include "cli/cli.h"

#include "engine/flows.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const cw_option no_options[] = { { NULL, NULL, NULL, 0 } };

/* Reads a mapping file; prints its problems as FILE: problem. */
static int load_file(cw_mapping **out, const char *path)
{
	cw_buf problems = CW_BUF_INIT(256 * 1024);
	char *text = NULL;
	size_t len = 0;
	int err = cw_file_read(&text, &len, path, CW_MAPPING_MAX_BYTES + 1);

	if (err == 0 && (err = cw_mapping_load(out, text, len, &problems)) < 0)
		for (const char *p = cw_buf_cstr(&problems); *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			fprintf(stderr, "%s: %.*s\n", path, (int)n, p);
			p += n + (nl != NULL);
		}
	else if (err < 0)
		fprintf(stderr, "%s: %s\n", path, cw_error_last());
	cw_free(text);
	cw_buf_dispose(&problems);
	return err;
}

static int run_check(const cw_args *args)
{
	cw_mapping *m = NULL;
	int err = load_file(&m, args->positionals[0]);

	if (err == 0 && args->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "valid", 1);
		cJSON_AddStringToObject(o, "flow", cw_flow_name(m->flow));
		cw_mapping_free(m);
		return cw_cli_print_json(o);
	}
	if (err == 0)
		printf("%s: a valid %s mapping\n", args->positionals[0],
		       cw_flow_name(m->flow));
	cw_mapping_free(m);
	return err < 0 ? cw_cli_exit_code(err) : CW_EXIT_OK;
}

static const cw_command_spec check_spec = {
	"map check",
	"FILE [--json]",
	"Check a mapping file against its flow's schema.",
	"Every problem is printed as FILE: JSON-POINTER: what was expected\n"
	"(or FILE: LINE:COLUMN: for a syntax error); exit 1 when there is\n"
	"one. The schemas are schemas/mappings/<flow>.json; the defaults\n"
	"shipped are in mappings/.",
	no_options,
	1,
	1
};

const cw_command cw_cmd_map_check = { &check_spec, run_check };

/* ---- map install ----------------------------------------------------------
 */

static const cw_option install_options[] = {
	{ "tenant", "NAME", "the tenant whose mapping it becomes (required)",
	  0 },
	{ NULL, NULL, NULL, 0 }
};

static int run_install(const cw_args *args)
{
	cw_mapping *m = NULL;
	cw_cli_env env;
	cw_tenant t;
	char *text = NULL, now[CW_TIME_ISO_LEN];
	size_t len = 0;
	int code, err;

	if (!cw_args_get(args, "tenant")) {
		fprintf(stderr,
		        "crosswalk map install: --tenant is required\n");
		return CW_EXIT_USAGE;
	}
	if ((err = load_file(&m, args->positionals[0])) < 0)
		return cw_cli_exit_code(err);
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0) {
		cw_mapping_free(m);
		return code;
	}
	cw_time_format_iso(cw_time_now_ms(), now);
	err = cw_store_tenant_get(env.store, cw_args_get(args, "tenant"), &t);
	if (err == 0)
		err = cw_file_read(&text, &len, args->positionals[0],
		                   CW_MAPPING_MAX_BYTES + 1);
	if (err == 0)
		err = cw_store_flow_mapping_put(
		        env.store, t.id, cw_flow_name(m->flow), text, now);
	cw_cli_audit(env.store, cw_args_get(args, "tenant"), "map.install",
	             cw_flow_name(m->flow), err);
	code = err < 0 ? cw_cli_fail(args, err) : CW_EXIT_OK;
	if (err == 0)
		printf("Installed the %s mapping of tenant %s.\n",
		       cw_flow_name(m->flow), cw_args_get(args, "tenant"));
	cw_free(text);
	cw_mapping_free(m);
	cw_cli_env_close(&env);
	return code;
}

static const cw_command_spec install_spec = {
	"map install",
	"--tenant NAME FILE",
	"Make FILE the tenant's mapping of its flow (checked first).",
	"It replaces the default shipped in the binary (mappings/) for that\n"
	"tenant, without a rebuild; `map run` and replays use it.",
	install_options,
	1,
	1
};

const cw_command cw_cmd_map_install = { &install_spec, run_install };

/* ---- map run --------------------------------------------------------------
 */

static const cw_option run_options[] = {
	{ "tenant", "NAME", "the tenant (required)", 0 },
	{ "flow", "NAME", "the flow: credential-to-result (required)", 0 },
	{ "mapping", "FILE", "this mapping instead of the tenant's", 0 },
	{ "dry-run", NULL, "show what would be written; record nothing", 0 },
	{ "out-dir", "DIR",
	  "partner-record: write each credential issued to DIR/<uuid>.json",
	  0 },
	{ NULL, NULL, NULL, 0 }
};

int cw_cli_fetcher_open(cw_cli_fetcher *f, cw_cli_env *env, const cw_args *args)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->env = env;
	f->base = (cw_buf)CW_BUF_INIT(4096);
	if ((err = cw_datadir_master_key(f->master, env->data_dir,
	                                 &env->config)) < 0)
		return cw_cli_fail(args, err);
	if (*env->config.public_base_url)
		cw_buf_puts(&f->base, env->config.public_base_url);
	else
		cw_buf_printf(&f->base, "http://%s", env->config.listen);
	f->badges = (cw_badges){ env->store, f->master, cw_buf_cstr(&f->base),
		                 NULL };
	cw_doc_fetcher_init(&f->docs, &f->badges,
	                    !env->config.fetch_private_addresses);
	return 0;
}

void cw_cli_fetcher_close(cw_cli_fetcher *f)
{
	cw_doc_fetcher_dispose(&f->docs);
	memset(f->master, 0, sizeof(f->master));
	cw_buf_dispose(&f->base);
}

static void print_outcome(const cw_flow_outcome *o, const cw_args *args)
{
	const cJSON *w, *reason = cJSON_GetObjectItem(o->report, "reason");

	if (args->json) {
		char *text = cJSON_PrintUnformatted(o->report);
		if (text)
			puts(text);
		cJSON_free(text);
		return;
	}
	printf("%s", o->state);
	if (o->run_id)
		printf(" (run %lld)", (long long)o->run_id);
	if (cJSON_IsString(reason))
		printf(": %s", reason->valuestring);
	putchar('\n');
	cJSON_ArrayForEach(w, cJSON_GetObjectItem(o->report, "writes"))
	{
		printf("  %-9s %s %s\n",
		       cJSON_GetObjectItem(w, "change")->valuestring,
		       cJSON_GetObjectItem(w, "entity")->valuestring,
		       cJSON_GetObjectItem(w, "sourcedId")->valuestring);
	}
}

/* 0 for done, duplicate and would; 1 for held and failed. */
static int outcome_code(const cw_flow_outcome *o)
{
	return strcmp(o->state, "held") == 0 || strcmp(o->state, "failed") == 0
	               ? CW_EXIT_INVALID
	               : CW_EXIT_OK;
}

static int pick_mapping(cw_mapping **m, const cw_args *args, cw_cli_env *env,
                        int64_t tenant_id)
{
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	cw_flow_kind kind;
	int err;

	if (cw_flow_parse(&kind, cw_args_get(args, "flow")) < 0) {
		fprintf(stderr, "crosswalk map run: %s\n", cw_error_last());
		return CW_EUSAGE;
	}
	if (cw_args_get(args, "mapping")) {
		err = load_file(m, cw_args_get(args, "mapping"));
		if (err == 0 && (*m)->flow != kind) {
			fprintf(stderr,
			        "crosswalk map run: %s is a %s mapping\n",
			        cw_args_get(args, "mapping"),
			        cw_flow_name((*m)->flow));
			err = CW_EUSAGE;
		}
	} else if ((err = cw_flow_mapping_for(m, env->store, tenant_id, kind,
	                                      &problems)) < 0) {
		fprintf(stderr, "crosswalk map run: the tenant's mapping: %s\n",
		        cw_buf_cstr(&problems));
	}
	cw_buf_dispose(&problems);
	return err;
}

static int write_credential(const char *id, const char *text, void *payload)
{
	const char *dir = payload;
	const char *uuid = strncmp(id, "urn:uuid:", 9) == 0 ? id + 9 : id;
	cw_buf path = CW_BUF_INIT(4096);
	int err;

	cw_buf_printf(&path, "%s/%s.json", dir, uuid);
	err = path.error ? path.error
	                 : cw_file_create(cw_buf_cstr(&path), text,
	                                  strlen(text), 0644);
	cw_buf_dispose(&path);
	return err;
}

static int batch_exit(const cw_args *args, cw_cli_env *env, const char *tenant,
                      const char *flow, int err, cJSON *report);

/* partner-record: the batch, its report; exit 1 when a record is held. */
static int run_partner(const cw_args *args, cw_cli_env *env,
                       cw_cli_fetcher *fetcher, const cw_tenant *t,
                       const cw_mapping *m, const cw_flow_env *fe,
                       const char *input, size_t len)
{
	cw_mapping *results = NULL;
	cw_buf problems = CW_BUF_INIT(64 * 1024);
	const char *dir = cw_args_get(args, "out-dir");
	cJSON *report = NULL;
	int err = cw_flow_mapping_for(&results, env->store, t->id,
	                              CW_FLOW_CREDENTIAL_TO_RESULT, &problems);
	int code;

	if (err < 0) {
		fprintf(stderr,
		        "crosswalk map run: the tenant's "
		        "credential-to-result mapping: %s\n",
		        cw_buf_cstr(&problems));
		cw_buf_dispose(&problems);
		return cw_cli_exit_code(err);
	}
	err = cw_flow_partner_run(&report, fe, &fetcher->badges, t->name, t->id,
	                          m, results, args->positionals[0], input, len,
	                          dir ? write_credential : NULL, (void *)dir);
	code = batch_exit(args, env, t->name, "partner-record", err, report);
	cw_mapping_free(results);
	cw_buf_dispose(&problems);
	return code;
}

/* A batch's report printed; exit 1 when someone is held or failed. */
static int batch_exit(const cw_args *args, cw_cli_env *env, const char *tenant,
                      const char *flow, int err, cJSON *report)
{
	int code;

	if (err < 0 && !report)
		return cw_cli_fail(args, err);
	const cJSON *held = cJSON_GetObjectItem(report, "held");
	const cJSON *failed = cJSON_GetObjectItem(report, "failed");
	code = err < 0                              ? cw_cli_exit_code(err)
	       : held->valueint || failed->valueint ? CW_EXIT_INVALID
	                                            : CW_EXIT_OK;
	if (err < 0)
		fprintf(stderr, "crosswalk map run: %s\n", cw_error_last());
	if (cw_cli_print_json(report) != CW_EXIT_OK)
		code = CW_EXIT_INTERNAL;
	cw_cli_audit(env->store, tenant, "map.run", flow, err);
	return code;
}

/* pd-completion: INPUT is the PD program's class. */
static int run_pd(const cw_args *args, cw_cli_env *env, cw_cli_fetcher *fetcher,
                  const cw_tenant *t, const cw_mapping *m,
                  const cw_flow_env *fe)
{
	const char *dir = cw_args_get(args, "out-dir");
	cJSON *report = NULL;
	int err = cw_flow_pd_run(&report, fe, &fetcher->badges, t->name, t->id,
	                         m, args->positionals[0],
	                         dir ? write_credential : NULL, (void *)dir);

	return batch_exit(args, env, t->name, "pd-completion", err, report);
}

/* The input: a file, or an http(s) URL (a hosted assertion, a
 * credential) fetched under the badge caps. */
static int read_input(char **out, size_t *len, cw_cli_fetcher *f,
                      const char *where)
{
	long status = 0;

	if (strncasecmp(where, "https://", 8) == 0 ||
	    strncasecmp(where, "http://", 7) == 0)
		return cw_doc_fetch(&f->docs, where, out, len, &status);
	return cw_file_read(out, len, where, CW_LIMIT_BADGE_IMAGE);
}

static int run_run(const cw_args *args)
{
	cw_mapping *m = NULL;
	cw_jsonld_loader *loader = NULL;
	cw_flow_outcome o = { 0, NULL, NULL };
	cw_cli_fetcher fetcher;
	cw_cli_env env;
	cw_tenant t;
	char *input = NULL;
	size_t len = 0;
	int code, err;

	if (!cw_args_get(args, "tenant") || !cw_args_get(args, "flow")) {
		fprintf(stderr, "crosswalk map run: --tenant and --flow are "
		                "required\n");
		return CW_EXIT_USAGE;
	}
	if ((code = cw_cli_env_open(&env, args, NULL)) != 0)
		return code;
	if ((code = cw_cli_fetcher_open(&fetcher, &env, args)) != 0) {
		cw_cli_env_close(&env);
		return code;
	}
	if ((err = cw_store_tenant_get(env.store, cw_args_get(args, "tenant"),
	                               &t)) < 0 ||
	    (err = pick_mapping(&m, args, &env, t.id)) < 0 ||
	    (err = cw_cli_jsonld_loader(&loader, args)) < 0 ||
	    (m->flow != CW_FLOW_PD_COMPLETION &&
	     (err = read_input(&input, &len, &fetcher, args->positionals[0])) <
	             0)) {
		code = err == CW_EUSAGE ? CW_EXIT_USAGE
		                        : cw_cli_fail(args, err);
		goto out;
	}
	cw_flow_env fe = { env.store, loader, cw_cli_flow_fetch, &fetcher.docs,
		           cw_args_get(args, "dry-run") != NULL, 0,
		           &fetcher.badges,
		           /* the operator's own connections: any address */
		           0 };
	if (m->flow == CW_FLOW_PD_COMPLETION) {
		code = run_pd(args, &env, &fetcher, &t, m, &fe);
		goto out;
	}
	if (m->flow == CW_FLOW_PARTNER_RECORD) {
		code = run_partner(args, &env, &fetcher, &t, m, &fe, input,
		                   len);
		goto out;
	}
	if ((err = cw_flow_execute(&o, &fe, t.id, m, args->positionals[0],
	                           input, len)) < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	print_outcome(&o, args);
	code = outcome_code(&o);
	cw_cli_audit(env.store, t.name, "map.run", o.state, 0);
out:
	cw_flow_outcome_dispose(&o);
	cw_jsonld_loader_free(loader);
	cw_mapping_free(m);
	cw_free(input);
	cw_cli_fetcher_close(&fetcher);
	cw_cli_env_close(&env);
	return code;
}

static const cw_command_spec run_spec = {
	"map run",
	"--tenant NAME --flow NAME [--mapping FILE] [--dry-run] [--json] "
	"INPUT",
	"Run a flow: credential-to-result on a credential, partner-record on "
	"a file of learning records.",
	"INPUT is an OB 3.0 credential (JSON or VC-JWT), an OB 2.0 assertion,\n"
	"or a baked PNG/SVG: a file, or an http(s) URL to fetch. It is "
	"verified, its recipient matched to a\n"
	"OneRoster user, its CASE alignments resolved, and it becomes a 1.2\n"
	"result with learningObjectiveSet under the mapping's lineItem.\n"
	"Every run is recorded (jobs list); the same input again writes\n"
	"nothing twice. Exit 0: done or a duplicate; 1: held or failed, with\n"
	"the reason (jobs dead-letters; fix the data, then jobs replay).\n"
	"partner-record takes CSV (recordId,student,activity,description,\n"
	"startDate,endDate,hours,evidenceUrl,competencies with competencies\n"
	"as ID:Level|ID:Level) or a JSON array of such records; each becomes\n"
	"one credential per competency (the partner as source), issued on\n"
	"the tenant's issuer, then a result as above. Its report is JSON.\n"
	"pd-completion takes the PD program's class sourcedId: every\n"
	"participant with a passing result on each of the mapping's\n"
	"lineItems gets its microcredential; the others are held with why.",
	run_options,
	1,
	1
};

const cw_command cw_cmd_map_run = { &run_spec, run_run };
