/* crosswalk badge verify FILE|URL: Open Badges 2.0 / 3.0 and CLR 2.0
 * verification, one line per step (or --json) and a verdict. */
#include "cli/cli.h"

#include "badge/bake.h"
#include "badge/verify.h"
#include "engine/datadir.h"
#include "net/fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const cw_option verify_options[] = {
	{ "recipient", "EMAIL", "check the badge was issued to this identity",
	  0 },
	{ "map", "URL_PREFIX=DIR",
	  "serve documents under URL_PREFIX from files in DIR (contexts, keys, "
	  "issuers, lists)",
	  1 },
	{ NULL, NULL, NULL, 0 }
};

typedef struct {
	const cw_args *args;
	cw_fetch_options net;
	cw_cli_fetcher *local; /* the data dir's own documents, or NULL */
} fetcher;

/* --map first: a URL under a prefix is read from DIR/<rest of the URL>. */
static int map_read(char **body, size_t *len, const cw_args *args,
                    const char *url)
{
	for (int i = 0; i < cw_args_count(args, "map"); i++) {
		const char *spec = cw_args_get_nth(args, "map", i);
		const char *eq = strchr(spec, '=');
		size_t plen = eq ? (size_t)(eq - spec) : 0;
		cw_buf path = CW_BUF_INIT(4096);
		int err;

		if (!eq || strncmp(url, spec, plen) != 0)
			continue;
		if (strstr(url + plen, "..") || strchr(url + plen, '?'))
			return CW_ENOTFOUND;
		cw_buf_printf(&path, "%s/%s", eq + 1, url + plen);
		err = path.error ? path.error
		                 : cw_file_read(body, len, cw_buf_cstr(&path),
		                                CW_LIMIT_BADGE_FETCH_BYTES);
		if (err < 0)
			cw_error_set("%s: not in --map %s", url, spec);
		cw_buf_dispose(&path);
		return err < 0 ? CW_ENOTFOUND : 0;
	}
	return 1; /* not mapped */
}

static int fetch(void *arg, const char *url, char **body, size_t *len,
                 long *status)
{
	fetcher *f = arg;
	cw_buf out = CW_BUF_INIT(CW_LIMIT_BADGE_FETCH_BYTES);
	int err = map_read(body, len, f->args, url);

	if (err <= 0)
		return err;
	/* what this gateway published is read from its store */
	if (f->local &&
	    (err = cw_badges_local_document(body, status, &f->local->badges,
	                                    url)) != CW_ENOTFOUND) {
		*len = *body ? strlen(*body) : 0;
		if (err == 0 && *status == 410) { /* revoked: Gone */
			cw_free(*body);
			*body = NULL;
			cw_error_set("%s: 410 Gone", url);
			return CW_ENOTFOUND;
		}
		return err;
	}
	if ((err = cw_net_fetch(&out, status, url, &f->net)) == 0) {
		*body = out.data ? cw_buf_detach(&out, len) : cw_strdup("");
		err = *body ? 0 : CW_ENOMEM;
	}
	cw_buf_dispose(&out);
	return err;
}

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

/* The badge names the URLs fetched, so fetches stay off loopback and
 * private networks unless fetch_private_addresses says otherwise (the
 * data dir's config, else CROSSWALK_FETCH_PRIVATE_ADDRESSES). */
int cw_cli_fetch_public_only(const cw_args *args)
{
	cw_config config;
	cw_config_layers *layers = NULL;
	cw_buf errors = CW_BUF_INIT(16 * 1024);
	int flag_error = 0, result = 1;

	if (cw_datadir_load_config(&config, cw_datadir_pick(args->data_dir),
	                           NULL, &errors, &flag_error) == 0) {
		result = !config.fetch_private_addresses;
		cw_config_dispose(&config);
	} else if (cw_config_layers_new(&layers) == 0 &&
	           cw_config_layers_apply_env(layers, env_lookup) == 0 &&
	           cw_config_resolve(&config, layers, &errors, &flag_error) ==
	                   0) {
		result = !config.fetch_private_addresses;
		cw_config_dispose(&config);
	}
	cw_config_layers_free(layers);
	cw_buf_dispose(&errors);
	return result;
}

static int is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	       strncasecmp(s, "https://", 8) == 0;
}

/* ---- Baked images: to be wired to cw_badge_unbake (badge/bake.h) after
 * the baking branch merges. Until then a PNG or SVG is refused here. ---- */
/* A baked PNG or SVG: its embedded credential (or, for an OB 2.0 hosted
 * badge, the URL it points at) replaces the image as the input. */
static int unbake_input(char **data, size_t *len, const char *path)
{
	cw_badge_image_type type;
	cw_badge_version version;
	char *payload = NULL;
	size_t n = 0;
	int is_url = 0;
	if (cw_badge_image_sniff(&type, (const unsigned char *)*data, *len) !=
	            0 ||
	    (type == CW_BADGE_IMAGE_SVG && *len && **data == '{'))
		return 0; /* not an image: the credential itself */
	int err = cw_badge_unbake(&payload, &n, &version, &is_url,
	                          (const unsigned char *)*data, *len);
	if (err < 0) {
		fprintf(stderr, "crosswalk badge verify: %s: %s\n", path,
		        err == CW_ENOTFOUND ? "the image carries no badge"
		                            : cw_error_last());
		return CW_EXIT_INVALID;
	}
	cw_free(*data);
	*data = payload;
	*len = n;
	return 0;
}

static void print_text(const cw_badge_report *r, int indent)
{
	static const char *const tags[] = { "SKIP", "FAIL", "PASS" };

	for (size_t i = 0; i < r->step_count; i++)
		printf("%*s%s %s: %s\n", indent, "",
		       tags[r->steps[i].status + 1], r->steps[i].name,
		       r->steps[i].detail);
	for (size_t i = 0; i < r->nested_count; i++) {
		printf("%*snested credential %zu (%s): %s\n", indent + 2, "",
		       i + 1, r->nested[i]->id ? r->nested[i]->id : "no id",
		       r->nested[i]->valid ? "valid" : "INVALID");
		print_text(r->nested[i], indent + 4);
	}
}

static void print_report(const cw_badge_report *r, const cw_args *args)
{
	const cw_badge_step *failed = cw_badge_report_failure(r);

	if (args->json) {
		cw_cli_print_json(cw_badge_report_json(r));
		return;
	}
	print_text(r, 0);
	if (failed)
		printf("INVALID (%s): %s: %s\n",
		       cw_badge_format_name(r->format), failed->name,
		       failed->detail);
	else
		printf("VALID (%s) %s\n", cw_badge_format_name(r->format),
		       r->id ? r->id : "");
}

static int read_input(char **out, size_t *len, const char *where)
{
	int code;

	if (is_url(where)) {
		*out = cw_strdup(where);
		*len = *out ? strlen(*out) : 0;
		return *out ? 0 : CW_EXIT_INTERNAL;
	}
	if (cw_file_read(out, len, where, CW_LIMIT_BADGE_IMAGE) < 0) {
		fprintf(stderr, "crosswalk badge verify: %s\n",
		        cw_error_last());
		return CW_EXIT_INTERNAL;
	}
	if ((code = unbake_input(out, len, where)) == 0 &&
	    *len > (size_t)CW_LIMIT_BADGE_INPUT) {
		fprintf(stderr, "crosswalk badge verify: %s: over %ld bytes\n",
		        where, (long)CW_LIMIT_BADGE_INPUT);
		code = CW_EXIT_INVALID;
	}
	if (code != 0) {
		cw_free(*out);
		*out = NULL;
	}
	return code;
}

/* An initialised data dir's store, for the documents this gateway
 * published (status lists, keys): 1 when open, 0 without one. */
static int open_local(cw_cli_env *env, cw_cli_fetcher *local,
                      const cw_args *args)
{
	cw_buf conf = CW_BUF_INIT(4096);
	int ok;

	cw_buf_printf(&conf, "%s/crosswalk.conf",
	              cw_datadir_pick(args->data_dir));
	ok = !conf.error && access(cw_buf_cstr(&conf), R_OK) == 0 &&
	     cw_cli_env_open(env, args, NULL) == 0;
	cw_buf_dispose(&conf);
	if (ok && cw_cli_fetcher_open(local, env, args) != 0) {
		cw_cli_env_close(env);
		ok = 0;
	}
	return ok;
}

static int run_verify(const cw_args *args)
{
	cw_jsonld_loader *loader = NULL;
	cw_badge_report *report = NULL;
	char *input = NULL;
	size_t len = 0;
	fetcher f = { args,
		      { CW_LIMIT_BADGE_FETCH_BYTES,
		        CW_LIMIT_BADGE_FETCH_TIMEOUT, NULL,
		        "application/ld+json, application/json, text/plain",
		        cw_cli_fetch_public_only(args) },
		      NULL };
	cw_cli_env env;
	cw_cli_fetcher local;
	int have_env = open_local(&env, &local, args);

	f.local = have_env ? &local : NULL;
	cw_badge_verify_options o = { NULL, fetch, &f,
		                      cw_args_get(args, "recipient"), 0 };
	int err = cw_cli_jsonld_loader(&loader, args), code;

	if (err < 0) {
		code = err == CW_EUSAGE ? CW_EXIT_USAGE
		                        : cw_cli_fail(args, err);
		goto out;
	}
	if ((code = read_input(&input, &len, args->positionals[0])) != 0)
		goto out;
	o.loader = loader;
	if ((err = cw_badge_verify(&report, input, len, &o)) < 0) {
		code = cw_cli_fail(args, err);
		goto out;
	}
	print_report(report, args);
	code = report->valid ? CW_EXIT_OK : CW_EXIT_INVALID;
out:
	fflush(stdout);
	cw_badge_report_free(report);
	cw_free(input);
	cw_jsonld_loader_free(loader);
	if (have_env) {
		cw_cli_fetcher_close(&local);
		cw_cli_env_close(&env);
	}
	return code;
}

static const cw_command_spec verify_spec = {
	"badge verify",
	"[--recipient EMAIL] [--map URL_PREFIX=DIR] [--json] FILE|URL",
	"Verify an Open Badge (2.0 or 3.0) or a CLR 2.0 credential.",
	"FILE is the credential JSON or a compact JWS; URL is a hosted OB 2.0\n"
	"assertion. Each step prints PASS, FAIL or SKIP with its detail, then\n"
	"the verdict. Documents the badge names (assertions, badge classes,\n"
	"issuers, keys, revocation and status lists) are fetched over http(s)\n"
	"(1 MiB, 10 s each), from loopback or private addresses only when\n"
	"fetch_private_addresses = 1; --map serves URLs from files instead.\n"
	"Contexts are never fetched. Exit 0 only when the badge is valid.",
	verify_options,
	1,
	1
};

const cw_command cw_cmd_badge_verify = { &verify_spec, run_verify };
