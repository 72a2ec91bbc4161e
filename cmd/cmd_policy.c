/* SPDX-License-Identifier: MIT */
/* dyd policy show | check */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

struct policy_args {
	const char *policy; /* show --policy FILE */
	bool json;
	bool strict; /* check --strict */
};

#define AT(field) offsetof(struct policy_args, field)

static const struct cli_opt policy_options[] = {
    {0, "policy", "FILE", "(show) the policy to show instead of the default",
     cli_set_string, AT(policy)},
    {0, "strict", NULL, "(check) every claim must carry its source",
     cli_set_true, AT(strict)},
    {0, "json", NULL, "print JSON", cli_set_true, AT(json)},
    CLI_OPT_END,
};

static const struct cli_group policy_groups[] = {
    {policy_options, 0},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_policy_spec = {
    .name = "policy",
    .usage = "show [--policy FILE] [--json]\ncheck [--strict] [--json] FILE...",
    .about =
	"show prints the effective policy: the default one compiled into dyd,\n"
	"or FILE given with --policy. With --json it prints the policy as "
	"JSON\n"
	"with its id and the SHA-256 of its bytes.\n"
	"check lints policy files and reports every problem with its file,\n"
	"line and column; a claim without a source is a warning, with\n"
	"--strict an error.\n",
    .groups = policy_groups,
};

static int policy_show(const char *path, bool json)
{
	dyd_policy *policy = NULL;
	const char *source;
	char *text;
	size_t len;
	int status = cli_load_policy(path, &policy);

	if (status)
		return status;
	if (json) {
		text = dyd_policy_to_json(policy);
		if (!text) {
			cli_error("out of memory");
			status = EXIT_IO;
		} else {
			status = cli_write_stdout(text, strlen(text));
		}
		free(text);
	} else {
		source = dyd_policy_source(policy, &len);
		status = cli_write_stdout(source, len);
	}
	dyd_policy_free(policy);
	return status;
}

/* Lints one policy file and reports on it; returns its exit status. */
static int check_file(const char *path, bool first, bool json, bool strict)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *policy = NULL;
	char *data = NULL;
	size_t len;
	int rc, status, printed;

	rc = dyd_file_read(path, 1024 * 1024, &data, &len, &diags);
	if (rc == 0)
		rc = dyd_policy_load(&policy, data, len, path, &diags);
	if (rc == 0)
		rc = dyd_policy_lint(policy, strict, &diags);
	status = cli_exit_code(rc);
	if (json) {
		printed = cli_files_json_item(
		    first, path, rc == 0, "id",
		    policy ? dyd_policy_id(policy) : NULL, &diags);
		if (printed > status)
			status = printed;
	} else {
		cli_print_diags(&diags);
		if (rc == 0)
			printf("%s: ok\n", path);
	}
	if (rc == DYD_ENOMEM)
		cli_error("%s: out of memory", path);
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	free(data);
	return status;
}

static int policy_check(char **files, int count, bool json, bool strict)
{
	int i, status, worst = EXIT_ALL_OK;

	if (json)
		cli_files_json_begin();
	for (i = 0; i < count; i++) {
		status = check_file(files[i], i == 0, json, strict);
		if (status > worst)
			worst = status;
	}
	if (json)
		cli_files_json_end();
	return worst;
}

int cmd_policy(int argc, char **argv)
{
	static const char *const actions[] = {"show", "check", NULL};
	struct policy_args a = {NULL, false, false};
	const char *action, *nearest;
	int first, status;

	/* Options may come before or after the action word. */
	status = cli_parse(&cmd_policy_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (first == argc)
		return cli_usage_error("policy", "say 'show' or 'check'");
	action = argv[first++];
	if (strcmp(action, "show") == 0) {
		if (first != argc)
			return cli_usage_error(
			    "policy", "show takes no FILE; use --policy FILE");
		return policy_show(a.policy, a.json);
	}
	if (strcmp(action, "check") == 0) {
		if (a.policy)
			return cli_usage_error(
			    "policy",
			    "check takes FILE arguments, not --policy");
		if (first == argc)
			return cli_usage_error("policy", "check needs a FILE");
		return policy_check(argv + first, argc - first, a.json,
				    a.strict);
	}
	nearest = cli_nearest(action, actions);
	if (nearest)
		return cli_usage_error("policy",
				       "unknown action '%s'; did you mean "
				       "'%s'?",
				       action, nearest);
	return cli_usage_error("policy", "unknown action '%s' (show, check)",
			       action);
}
