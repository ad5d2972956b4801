/* Option parsing shared by all commands. */
#include "cli/args.h"

#include "util/error.h"

#include <string.h>

static const cw_option common_options[] = {
	{ "data-dir", "DIR",
	  "data directory (default: $CROSSWALK_DATA_DIR, else "
	  "./crosswalk-data)",
	  0 },
	{ "json", NULL, "machine-readable output on stdout", 0 },
	{ "help", NULL, "show this help", 0 },
	{ NULL, NULL, NULL, 0 },
};

static int find(const cw_option *options, const char *name, size_t len)
{
	for (int i = 0; options && options[i].name; i++)
		if (strlen(options[i].name) == len &&
		    strncmp(options[i].name, name, len) == 0)
			return i;
	return -1;
}

static int set_common(cw_args *out, int index, const char *value)
{
	switch (index) {
	case 0: out->data_dir = value; break;
	case 1: out->json = 1; break;
	default: out->help = 1; break;
	}
	return 0;
}

static int usage_error(const cw_command_spec *spec, FILE *err, const char *what,
                       const char *arg)
{
	fprintf(err, "crosswalk %s: %s%s\nTry `crosswalk %s --help`.\n",
	        spec->name, what, arg, spec->name);
	return CW_EUSAGE;
}

static int take_option(cw_args *out, int argc, char **argv, int *i, FILE *err)
{
	const cw_command_spec *spec = out->spec;
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	int common = find(common_options, arg, len);
	int own = common < 0 ? find(spec->options, arg, len) : -1;
	const cw_option *opt = common >= 0 ? &common_options[common]
	                       : own >= 0  ? &spec->options[own]
	                                   : NULL;
	const char *value = NULL;

	if (!opt)
		return usage_error(spec, err, "unknown option ", argv[*i]);
	if (opt->metavar) {
		if (eq)
			value = eq + 1;
		else if (*i + 1 < argc)
			value = argv[++*i];
		else
			return usage_error(spec, err, "missing value for ",
			                   argv[*i]);
	} else if (eq) {
		return usage_error(spec, err, "takes no value: ", argv[*i]);
	}
	if (common >= 0)
		return set_common(out, common, value);
	if (out->counts[own] > 0 && !opt->repeatable)
		return usage_error(spec, err, "given twice: --", opt->name);
	if (out->counts[own] >= CW_ARGS_MAX_REPEATS)
		return usage_error(spec, err, "given too often: --", opt->name);
	out->values[own][out->counts[own]++] = value ? value : "1";
	return 0;
}

int cw_args_parse(cw_args *out, const cw_command_spec *spec, int argc,
                  char **argv, FILE *err)
{
	int only_positionals = 0, rc;

	memset(out, 0, sizeof(*out));
	out->spec = spec;
	for (int i = 0; i < argc; i++) {
		if (!only_positionals && strcmp(argv[i], "--") == 0) {
			only_positionals = 1;
		} else if (!only_positionals &&
		           strncmp(argv[i], "--", 2) == 0) {
			if ((rc = take_option(out, argc, argv, &i, err)) < 0)
				return rc;
		} else if (!only_positionals && argv[i][0] == '-' &&
		           argv[i][1]) {
			if (strcmp(argv[i], "-h") == 0)
				out->help = 1;
			else
				return usage_error(spec, err, "unknown option ",
				                   argv[i]);
		} else if (out->positional_count >= spec->max_positionals) {
			return usage_error(spec, err, "unexpected argument ",
			                   argv[i]);
		} else {
			out->positionals[out->positional_count++] = argv[i];
		}
	}
	if (!out->help && out->positional_count < spec->min_positionals)
		return usage_error(spec, err,
		                   "missing argument; usage: ", spec->usage);
	return 0;
}

const char *cw_args_get(const cw_args *args, const char *name)
{
	int i = find(args->spec->options, name, strlen(name));

	if (i < 0 || args->counts[i] == 0)
		return NULL;
	return args->values[i][args->counts[i] - 1];
}

int cw_args_count(const cw_args *args, const char *name)
{
	int i = find(args->spec->options, name, strlen(name));

	return i < 0 ? 0 : args->counts[i];
}

const char *cw_args_get_nth(const cw_args *args, const char *name, int n)
{
	int i = find(args->spec->options, name, strlen(name));

	if (i < 0 || n < 0 || n >= args->counts[i])
		return NULL;
	return args->values[i][n];
}

static void print_options(const cw_option *options, FILE *out)
{
	for (int i = 0; options && options[i].name; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", options[i].name,
		         options[i].metavar ? " " : "",
		         options[i].metavar ? options[i].metavar : "");
		fprintf(out, "  %-24s %s%s\n", left, options[i].help,
		        options[i].repeatable ? " (repeatable)" : "");
	}
}

void cw_args_print_help(const cw_command_spec *spec, FILE *out)
{
	fprintf(out, "Usage: crosswalk %s %s\n\n%s\n", spec->name, spec->usage,
	        spec->summary);
	if (spec->details)
		fprintf(out, "\n%s\n", spec->details);
	fprintf(out, "\nOptions:\n");
	print_options(spec->options, out);
	print_options(common_options, out);
	fprintf(out,
	        "\nExit codes: 0 success, 1 invalid input or failed check, "
	        "2 usage error, 3 internal or I/O error.\n");
}
