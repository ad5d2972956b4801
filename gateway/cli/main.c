/* crosswalk: the entry point; finds the command and runs it. */
#include "cli/cli.h"

#include "util/alloc.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const cw_command *const commands[] = {
	&cw_cmd_init,
	&cw_cmd_serve,
	&cw_cmd_tenant_add,
	&cw_cmd_tenant_list,
	&cw_cmd_client_add,
	&cw_cmd_client_list,
	&cw_cmd_client_revoke,
	&cw_cmd_roster_validate,
	&cw_cmd_roster_import,
	&cw_cmd_roster_export,
	&cw_cmd_case_validate,
	&cw_cmd_case_import,
	&cw_cmd_case_export,
	&cw_cmd_case_crosswalk,
	&cw_cmd_case_mirror,
	&cw_cmd_rdf_canonize,
	&cw_cmd_jsonld_expand,
	&cw_cmd_jsonld_canonize,
	&cw_cmd_keys_generate,
	&cw_cmd_vc_sign,
	&cw_cmd_vc_verify,
	&cw_cmd_sync_add,
	&cw_cmd_sync_list,
	&cw_cmd_sync_show,
	&cw_cmd_sync_run,
	&cw_cmd_sync_pull,
	&cw_cmd_sync_update,
	&cw_cmd_sync_remove,
	&cw_cmd_sync_approve,
	&cw_cmd_tenant_update,
	&cw_cmd_badge_verify,
	&cw_cmd_badge_bake,
	&cw_cmd_badge_unbake,
	&cw_cmd_issuer_add,
	&cw_cmd_issuer_list,
	&cw_cmd_issuer_rotate,
	&cw_cmd_achievement_add,
	&cw_cmd_badge_issue,
	&cw_cmd_badge_revoke,
	&cw_cmd_badge_status,
	&cw_cmd_holder_add,
	&cw_cmd_holder_list,
	&cw_cmd_map_check,
	&cw_cmd_map_install,
	&cw_cmd_map_run,
	&cw_cmd_jobs_list,
	&cw_cmd_jobs_dead_letters,
	&cw_cmd_jobs_show,
	&cw_cmd_jobs_replay,
	&cw_cmd_jobs_queue,
	&cw_cmd_clr_build,
	&cw_cmd_migrate,
	&cw_cmd_version,
};
#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: crosswalk COMMAND [OPTIONS]\n\n"
	             "Crosswalk is the interoperability gateway for "
	             "competency-based education:\nOneRoster, CASE and Open "
	             "Badges in, validated, stored, served and translated.\n\n"
	             "Commands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-16s %s\n", commands[i]->spec->name,
		        commands[i]->spec->summary);
	fprintf(out,
	        "\n`crosswalk COMMAND --help` describes a command and its "
	        "options.\nEvery command takes --data-dir DIR (default "
	        "$CROSSWALK_DATA_DIR, else ./crosswalk-data).\n"
	        "Exit codes: 0 success, 1 invalid input or failed check, 2 "
	        "usage error, 3 internal or I/O error.\n");
}

/* Matches "client add" against argv[1] argv[2]; returns words consumed. */
static int match_command(const cw_command *cmd, int argc, char **argv)
{
	const char *name = cmd->spec->name, *space = strchr(name, ' ');

	if (!space)
		return argc > 1 && strcmp(argv[1], name) == 0 ? 1 : 0;
	if (argc > 2 && strlen(argv[1]) == (size_t)(space - name) &&
	    strncmp(argv[1], name, (size_t)(space - name)) == 0 &&
	    strcmp(argv[2], space + 1) == 0)
		return 2;
	return 0;
}

static int group_help(const char *group)
{
	int found = 0;

	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		const char *name = commands[i]->spec->name;
		size_t len = strlen(group);

		if (strncmp(name, group, len) == 0 && name[len] == ' ') {
			if (!found)
				printf("Usage: crosswalk %s SUBCOMMAND\n\n",
				       group);
			printf("  crosswalk %-14s %s\n", name,
			       commands[i]->spec->summary);
			found = 1;
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	cw_args args;
	int rc;

	cw_allocator_set(NULL);
	/* Data files hold secrets and student records: owner-only. */
	umask(077);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		print_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CW_EXIT_USAGE : CW_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cw_cmd_version.run(NULL);
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		int used = match_command(commands[i], argc, argv);

		if (!used)
			continue;
		rc = cw_args_parse(&args, commands[i]->spec, argc - 1 - used,
		                   argv + 1 + used, stderr);
		if (rc < 0)
			return CW_EXIT_USAGE;
		if (args.help) {
			cw_args_print_help(commands[i]->spec, stdout);
			return CW_EXIT_OK;
		}
		return commands[i]->run(&args);
	}
	if (argc == 2 || (argc > 2 && strncmp(argv[2], "--help", 6) == 0)) {
		if (group_help(argv[1]))
			return argc == 2 ? CW_EXIT_USAGE : CW_EXIT_OK;
	}
	fprintf(stderr, "crosswalk: unknown command \"%s%s%s\"\n", argv[1],
	        argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
	print_usage(stderr);
	return CW_EXIT_USAGE;
}
