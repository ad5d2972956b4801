/* Configuration table and layering: default < file < environment < flags. */
#include "util/config.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/log.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
	TYPE_STRING,
	TYPE_TEXT, /* a string that may be empty */
	TYPE_INT,
	TYPE_LEVEL,
	TYPE_LISTEN,
	TYPE_STORE
} option_type;

typedef struct {
	const char *name;
	option_type type;
	const char *fallback;
	long min, max;
	size_t offset;
	const char *help;
} option;

#define FIELD(f) offsetof(cw_config, f)
#define STR(x)   #x
#define NUM(x)   STR(x)

static const option options[] = {
	{ "listen", TYPE_LISTEN, "127.0.0.1:8080", 0, 0, FIELD(listen),
	  "address the daemon listens on, HOST:PORT (port 0: any free port)" },
	{ "store", TYPE_STORE, "sqlite", 0, 0, FIELD(store),
	  "sqlite (in the data dir), sqlite:PATH, or "
	  "postgres://USER@HOST:PORT/DB" },
	{ "log_level", TYPE_LEVEL, "info", 0, 0, FIELD(log_level),
	  "debug, info, warn, error or off" },
	{ "workers", TYPE_INT, "0", 0, CW_LIMIT_WORKERS_MAX, FIELD(workers),
	  "HTTP worker threads (0: one per core)" },
	{ "max_body_bytes", TYPE_INT, NUM(CW_LIMIT_BODY_DEFAULT),
	  CW_LIMIT_BODY_MIN, CW_LIMIT_BODY_MAX, FIELD(max_body_bytes),
	  "largest request body" },
	{ "max_upload_bytes", TYPE_INT, NUM(CW_LIMIT_UPLOAD_DEFAULT),
	  CW_LIMIT_UPLOAD_MIN, CW_LIMIT_UPLOAD_MAX, FIELD(max_upload_bytes),
	  "largest uploaded file (a roster zip), streamed to disk" },
	{ "max_header_bytes", TYPE_INT, NUM(CW_LIMIT_HEADERS_DEFAULT),
	  CW_LIMIT_HEADERS_MIN, CW_LIMIT_HEADERS_MAX, FIELD(max_header_bytes),
	  "largest request line plus headers" },
	{ "max_json_depth", TYPE_INT, NUM(CW_LIMIT_JSON_DEPTH_DEFAULT),
	  CW_LIMIT_JSON_DEPTH_MIN, CW_LIMIT_JSON_DEPTH_MAX,
	  FIELD(max_json_depth), "deepest nesting of a JSON document" },
	{ "max_connections", TYPE_INT, NUM(CW_LIMIT_CONNECTIONS_DEFAULT),
	  CW_LIMIT_CONNECTIONS_MIN, CW_LIMIT_CONNECTIONS_MAX,
	  FIELD(max_connections), "concurrent HTTP connections" },
	{ "connection_timeout_s", TYPE_INT, NUM(CW_LIMIT_TIMEOUT_DEFAULT),
	  CW_LIMIT_TIMEOUT_MIN, CW_LIMIT_TIMEOUT_MAX,
	  FIELD(connection_timeout_s),
	  "seconds an idle or stalled connection is kept" },
	{ "token_ttl_s", TYPE_INT, NUM(CW_LIMIT_TOKEN_TTL_DEFAULT),
	  CW_LIMIT_TOKEN_TTL_MIN, CW_LIMIT_TOKEN_TTL_MAX, FIELD(token_ttl_s),
	  "lifetime of an OAuth 2.0 access token in seconds" },
	{ "roster_delete_threshold_pct", TYPE_INT, "10", 0, 100,
	  FIELD(roster_delete_threshold_pct),
	  "hold a roster import that would delete more than this share (%) "
	  "of an entity type's rows until it is approved" },
	{ "roster_pending_ttl_h", TYPE_INT, "72", 1, 24L * 366,
	  FIELD(roster_pending_ttl_h),
	  "hours a held roster import waits for approval before it expires "
	  "and its upload is deleted" },
	{ "change_retention_days", TYPE_INT, "30", 0, 3650,
	  FIELD(change_retention_days),
	  "days the roster change log (the change feed) is kept; the daemon "
	  "prunes older entries, and a feed reader asking for them is told "
	  "to read everything again (410); 0 keeps only the newest entry" },
	{ "change_prune_interval_s", TYPE_INT, "3600", 1, 86400,
	  FIELD(change_prune_interval_s),
	  "seconds between the daemon's prunes of the change log" },
	{ "auth_failure_limit", TYPE_INT, "10", 0, 1000,
	  FIELD(auth_failure_limit),
	  "failed authentications of one OAuth client or OB 3.0 holder "
	  "login within auth_failure_window_s before the daemon answers "
	  "429 with Retry-After until the window ends (0: no limit)" },
	{ "auth_failure_window_s", TYPE_INT, "300", 1, 86400,
	  FIELD(auth_failure_window_s),
	  "the window of auth_failure_limit, in seconds" },
	{ "sync_max_concurrent", TYPE_INT, "3", 1, 16,
	  FIELD(sync_max_concurrent),
	  "requests a sync keeps in flight to the SIS at once (pages fetched "
	  "ahead while earlier ones are read); lower it for a SIS that "
	  "throttles" },
	{ "sync_lease_s", TYPE_INT, "60", 2, 3600, FIELD(sync_lease_s),
	  "seconds a sync run's lease lasts unless renewed (it is renewed "
	  "every third of that while the run works); a run whose process "
	  "died blocks the connection this long" },
	{ "rest_max_limit", TYPE_INT, "1000", 1, 100000, FIELD(rest_max_limit),
	  "largest page a OneRoster REST collection returns (limit is "
	  "lowered to it)" },
	{ "fetch_private_addresses", TYPE_INT, "0", 0, 1,
	  FIELD(fetch_private_addresses),
	  "1 lets the daemon's own fetches (CASE imports by URL, mirrors) "
	  "reach loopback, private and link-local addresses; 0 refuses them" },
	{ "master_key_file", TYPE_STRING, "master.key", 0, 0,
	  FIELD(master_key_file),
	  "file holding the master key (mode 0600), relative to the data dir" },
	{ "jsonld_contexts_dir", TYPE_TEXT, "", 0, 0,
	  FIELD(jsonld_contexts_dir),
	  "directory of operator-supplied JSON-LD contexts (such as CLR 2.0), "
	  "relative to the data dir; only the files jsonld_context_pins names "
	  "are read" },
	{ "jsonld_context_pins", TYPE_TEXT, "", 0, 0,
	  FIELD(jsonld_context_pins),
	  "contexts of jsonld_contexts_dir, comma-separated "
	  "`URL=SHA256HEX FILE` entries: a file whose SHA-256 differs is an "
	  "error" },
	{ "public_base_url", TYPE_TEXT, "", 0, 0, FIELD(public_base_url),
	  "the gateway's public origin (https://HOST[:PORT][/PATH]) under "
	  "which badge status lists and issuer key documents are published; "
	  "empty: http:// plus listen" },
	{ "ob3_terms_url", TYPE_TEXT, "", 0, 0, FIELD(ob3_terms_url),
	  "terms of service the OB 3.0 API's discovery document names; "
	  "empty: the public origin" },
	{ "ob3_privacy_url", TYPE_TEXT, "", 0, 0, FIELD(ob3_privacy_url),
	  "privacy policy the OB 3.0 API's discovery document names; empty: "
	  "the public origin" },
};

#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

struct cw_config_layers {
	char *value[OPTION_COUNT];
	char *origin[OPTION_COUNT];
	int from_flag[OPTION_COUNT];
};

static int find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < OPTION_COUNT; i++)
		if (strlen(options[i].name) == len &&
		    memcmp(options[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

int cw_config_layers_new(cw_config_layers **out)
{
	*out = cw_calloc(1, sizeof(**out));
	return *out ? 0 : CW_ENOMEM;
}

void cw_config_layers_free(cw_config_layers *layers)
{
	if (!layers)
		return;
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		cw_free(layers->value[i]);
		cw_free(layers->origin[i]);
	}
	cw_free(layers);
}

static int set_value(cw_config_layers *layers, int index, const char *value,
                     size_t len, const char *origin)
{
	char *v = cw_strndup(value, len), *o = cw_strdup(origin);

	if (!v || !o) {
		cw_free(v);
		cw_free(o);
		return CW_ENOMEM;
	}
	cw_free(layers->value[index]);
	cw_free(layers->origin[index]);
	layers->value[index] = v;
	layers->origin[index] = o;
	layers->from_flag[index] = 0;
	return 0;
}

static void trim(const char **start, const char **end)
{
	while (*start < *end && isspace((unsigned char)**start))
		(*start)++;
	while (*end > *start && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

static int parse_line(cw_config_layers *layers, const char *line,
                      const char *line_end, const char *where, cw_buf *errors)
{
	const char *key = line, *key_end, *value, *value_end = line_end;
	const char *eq = memchr(line, '=', (size_t)(line_end - line));
	char origin[300];
	int index, err;

	trim(&key, &value_end);
	if (key == value_end || *key == '#')
		return 0;
	if (!eq || eq >= value_end) {
		cw_buf_printf(errors, "%s: expected `key = value`\n", where);
		return CW_EINVAL;
	}
	key_end = eq;
	value = eq + 1;
	/* "key = value   # comment": a '#' after white space ends the value. */
	for (const char *c = value + 1; c < value_end; c++)
		if (*c == '#' && (c[-1] == ' ' || c[-1] == '\t')) {
			value_end = c;
			break;
		}
	trim(&key, &key_end);
	trim(&value, &value_end);
	index = find_option(key, (size_t)(key_end - key));
	if (index < 0) {
		cw_buf_printf(errors, "%s: unknown key `%.*s`\n", where,
		              (int)(key_end - key > 64 ? 64 : key_end - key),
		              key);
		return CW_EINVAL;
	}
	snprintf(origin, sizeof(origin), "%s", where);
	err = set_value(layers, index, value, (size_t)(value_end - value),
	                origin);
	return err;
}

int cw_config_layers_parse_file(cw_config_layers *layers, const char *buf,
                                size_t len, const char *filename,
                                cw_buf *errors)
{
	const char *p = buf, *end = buf + len;
	int line_no = 0, result = 0;

	/* Editors on some systems start UTF-8 files with a byte-order mark. */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (len > CW_LIMIT_CONFIG_FILE) {
		cw_buf_printf(errors, "%s: larger than %ld bytes\n", filename,
		              CW_LIMIT_CONFIG_FILE);
		return CW_EINVAL;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		char where[300];
		int err;

		line_no++;
		snprintf(where, sizeof(where), "%s:%d", filename, line_no);
		if (memchr(p, '\0', (size_t)(line_end - p))) {
			cw_buf_printf(errors, "%s: NUL byte\n", where);
			result = CW_EINVAL;
		} else if (line_end - p > CW_LIMIT_CONFIG_LINE) {
			cw_buf_printf(errors,
			              "%s: line longer than %ld bytes\n", where,
			              CW_LIMIT_CONFIG_LINE);
			result = CW_EINVAL;
		} else {
			err = parse_line(layers, p, line_end, where, errors);
			if (err == CW_ENOMEM)
				return err;
			if (err < 0)
				result = err;
		}
		p = nl ? nl + 1 : end;
	}
	return result;
}

int cw_config_layers_apply_env(cw_config_layers *layers,
                               const char *(*lookup)(const char *name))
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		char name[64] = "CROSSWALK_";
		size_t n = strlen(name);
		const char *value;
		int err;

		for (const char *s = options[i].name; *s && n < 63; s++)
			name[n++] = (char)toupper((unsigned char)*s);
		name[n] = '\0';
		value = lookup(name);
		if (!value)
			continue;
		err = set_value(layers, (int)i, value, strlen(value), name);
		if (err < 0)
			return err;
	}
	return 0;
}

int cw_config_layers_set(cw_config_layers *layers, const char *key,
                         const char *value, const char *origin)
{
	int index = find_option(key, strlen(key));
	int err;

	if (index < 0) {
		cw_error_set("unknown config key `%s`", key);
		return CW_ENOTFOUND;
	}
	err = set_value(layers, index, value, strlen(value), origin);
	if (err == 0)
		layers->from_flag[index] = 1;
	return err;
}

int cw_config_parse_listen(const char *listen, char host_out[64], int *port_out)
{
	const char *colon = strrchr(listen, ':');
	const char *host = listen, *host_end = colon;
	unsigned char addr[16];
	char *end = NULL;
	long port;

	if (!colon || colon[1] == '\0')
		return CW_EINVAL;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || port < 0 || port > 65535 ||
	    !isdigit((unsigned char)colon[1]))
		return CW_EINVAL;
	if (*host == '[') {
		if (host_end - host < 3 || host_end[-1] != ']' ||
		    !memchr(host, ':', (size_t)(host_end - host)))
			return CW_EINVAL; /* brackets are for IPv6 only */
		host++;
		host_end--;
	} else if (memchr(host, ':', (size_t)(host_end - host))) {
		return CW_EINVAL; /* IPv6 needs brackets: "[::1]:80" */
	}
	if (host_end - host <= 0 || host_end - host >= 64)
		return CW_EINVAL;
	memcpy(host_out, host, (size_t)(host_end - host));
	host_out[host_end - host] = '\0';
	if (strcmp(host_out, "localhost") == 0)
		memcpy(host_out, "127.0.0.1", 10);
	if (inet_pton(AF_INET, host_out, addr) != 1 &&
	    inet_pton(AF_INET6, host_out, addr) != 1)
		return CW_EINVAL;
	*port_out = (int)port;
	return 0;
}

int cw_config_layers_overlay(cw_config_layers *layers,
                             const cw_config_layers *top)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		int err;

		if (!top->value[i])
			continue;
		err = set_value(layers, (int)i, top->value[i],
		                strlen(top->value[i]), top->origin[i]);
		if (err < 0)
			return err;
		layers->from_flag[i] = top->from_flag[i];
	}
	return 0;
}

static int resolve_one(cw_config *out, const option *opt, const char *value,
                       const char *origin, cw_buf *errors)
{
	char *field = (char *)out + opt->offset;
	char host[64];
	char *end = NULL;
	long number;
	int port;

	switch (opt->type) {
	case TYPE_INT:
		errno = 0;
		number = strtol(value, &end, 10);
		if (errno || end == value || *end || number < opt->min ||
		    number > opt->max) {
			cw_buf_printf(errors,
			              "%s: %s: \"%s\" is not a whole number "
			              "from %ld to %ld\n",
			              origin, opt->name, value, opt->min,
			              opt->max);
			return CW_EINVAL;
		}
		*(long *)(void *)field = number;
		return 0;
	case TYPE_LEVEL:
		number = cw_log_level_parse(value);
		if (number < 0) {
			cw_buf_printf(errors,
			              "%s: %s: \"%s\" is not one of debug, "
			              "info, warn, error, off\n",
			              origin, opt->name, value);
			return CW_EINVAL;
		}
		*(int *)(void *)field = (int)number;
		return 0;
	case TYPE_LISTEN:
		if (cw_config_parse_listen(value, host, &port) < 0) {
			cw_buf_printf(
			        errors,
			        "%s: %s: \"%s\" is not HOST:PORT (an IP "
			        "address or localhost, [IPv6], and a port "
			        "from 0 to 65535)\n",
			        origin, opt->name, value);
			return CW_EINVAL;
		}
		break;
	case TYPE_STORE:
		if (strcmp(value, "sqlite") != 0 &&
		    !(strncmp(value, "sqlite:", 7) == 0 && value[7]) &&
		    strncmp(value, "postgres://", 11) != 0 &&
		    strncmp(value, "postgresql://", 13) != 0) {
			cw_buf_printf(
			        errors,
			        "%s: %s: \"%s\" is not one of sqlite, "
			        "sqlite:PATH, postgres://USER@HOST:PORT/DB\n",
			        origin, opt->name, value);
			return CW_EINVAL;
		}
		break;
	case TYPE_TEXT: break;
	case TYPE_STRING:
		if (!*value) {
			cw_buf_printf(errors, "%s: %s: must not be empty\n",
			              origin, opt->name);
			return CW_EINVAL;
		}
		break;
	}
	*(char **)(void *)field = cw_strdup(value);
	return *(char **)(void *)field ? 0 : CW_ENOMEM;
}

int cw_config_resolve(cw_config *out, const cw_config_layers *layers,
                      cw_buf *errors, int *flag_error)
{
	int result = 0;

	memset(out, 0, sizeof(*out));
	*flag_error = 0;
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const char *value = layers->value[i];
		const char *origin = layers->origin[i];
		int err;

		if (!value) {
			value = options[i].fallback;
			origin = "default";
		}
		err = resolve_one(out, &options[i], value, origin, errors);
		if (err == CW_ENOMEM) {
			cw_config_dispose(out);
			return err;
		}
		if (err < 0) {
			result = err;
			if (layers->from_flag[i])
				*flag_error = 1;
		}
	}
	if (result < 0)
		cw_config_dispose(out);
	return result;
}

void cw_config_dispose(cw_config *config)
{
	cw_free(config->listen);
	cw_free(config->store);
	cw_free(config->master_key_file);
	cw_free(config->jsonld_contexts_dir);
	cw_free(config->jsonld_context_pins);
	cw_free(config->public_base_url);
	config->public_base_url = NULL;
	cw_free(config->ob3_terms_url);
	config->ob3_terms_url = NULL;
	cw_free(config->ob3_privacy_url);
	config->ob3_privacy_url = NULL;
	config->listen = config->store = config->master_key_file = NULL;
	config->jsonld_contexts_dir = config->jsonld_context_pins = NULL;
}

int cw_config_write_default(cw_buf *out)
{
	cw_buf_puts(out, "# Crosswalk configuration: `key = value`, one per "
	                 "line.\n# The environment (CROSSWALK_<KEY>) overrides "
	                 "this file; flags override both.\n");
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const option *opt = &options[i];
		int commented = strcmp(opt->name, "listen") != 0 &&
		                strcmp(opt->name, "store") != 0;

		cw_buf_printf(out, "\n# %s", opt->help);
		if (opt->type == TYPE_INT)
			cw_buf_printf(out, " (%ld to %ld)", opt->min, opt->max);
		cw_buf_printf(out, "\n%s%s = %s\n", commented ? "# " : "",
		              opt->name, opt->fallback);
	}
	return out->error;
}
