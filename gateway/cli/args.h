/* Command-line parsing for every command: declared options, --flag VALUE or
 * --flag=VALUE, positionals, and generated --help text. */
#ifndef CW_CLI_ARGS_H
#define CW_CLI_ARGS_H

#include <stdio.h>

#define CW_ARGS_MAX_OPTIONS     24
#define CW_ARGS_MAX_POSITIONALS 16
#define CW_ARGS_MAX_REPEATS     16

typedef struct {
	const char *name;    /* without the leading "--" */
	const char *metavar; /* NULL for a boolean flag */
	const char *help;
	int repeatable;
} cw_option;

typedef struct {
	const char *name;         /* "client add" */
	const char *usage;        /* "--tenant NAME --scope \"URI ...\"" */
	const char *summary;      /* one line */
	const char *details;      /* more lines, or NULL */
	const cw_option *options; /* ends with {NULL} */
	int min_positionals;
	int max_positionals;
} cw_command_spec;

typedef struct {
	const cw_command_spec *spec;
	const char *values[CW_ARGS_MAX_OPTIONS][CW_ARGS_MAX_REPEATS];
	int counts[CW_ARGS_MAX_OPTIONS];
	const char *positionals[CW_ARGS_MAX_POSITIONALS];
	int positional_count;
	/* the options every command takes */
	const char *data_dir;
	int json;
	int help;
} cw_args;

/**
 * Parses argv (after the command words). On a usage error prints it to err
 * and returns CW_EUSAGE.
 */
int cw_args_parse(cw_args *out, const cw_command_spec *spec, int argc,
                  char **argv, FILE *err);

/** The last value of option name, or NULL. */
const char *cw_args_get(const cw_args *args, const char *name);
/** The number of times a repeatable option was given, and the i-th value. */
int cw_args_count(const cw_args *args, const char *name);
const char *cw_args_get_nth(const cw_args *args, const char *name, int i);

void cw_args_print_help(const cw_command_spec *spec, FILE *out);

#endif
