/* dyd status: the support desk's answer for one account. */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

struct status_args {
	struct cli_eval eval;
	dyd_status_options status; /* --lang, --explain, --verbose, --short */
	bool json;
};

#define AT(field) offsetof(struct status_args, field)

static const struct cli_opt status_options[] = {
    {0, "lang", "LANG",
     "language of the answer: en or id (default: the record's language, "
     "else en)",
     cli_parse_lang, AT(status.lang)},
    {0, "explain", NULL, "add the rule trace behind every line", cli_set_true,
     AT(status.explain)},
    {0, "json", NULL, "print the decision object as JSON", cli_set_true,
     AT(json)},
    {0, "verbose", NULL, "show the full phone number and listed items",
     cli_set_true, AT(status.verbose)},
    {0, "short", NULL,
     "one line for a ticket: account, masked phone, opt-out, what is "
     "withheld, as-of",
     cli_set_true, AT(status.brief)},
    CLI_OPT_END,
};

static const struct cli_group status_groups[] = {
    {cli_eval_options, AT(eval)},
    {status_options, 0},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_status_spec = {
    .name = "status",
    .usage = "[options] ACCOUNT",
    .about =
	"Says whether the account holder opted out of sharing with the parent\n"
	"company, the state of each terms version, and which categories of\n"
	"data are shared for which purposes. ACCOUNT is a record file (JSON "
	"or\n"
	"YAML) or '-' for standard input.\n",
    .groups = status_groups,
};

/* Evaluates the record at path and prints the answer. */
static int status_run(const char *path, const struct status_args *a,
		      const dyd_policy *policy, dyd_time as_of)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	char *text = NULL;
	int rc, status;

	rc = cli_evaluate_file(path, policy, &a->eval.record, as_of, &record,
			       &decision, &diags);
	cli_print_diags(&diags);
	if (rc == 0 && a->json) {
		text = dyd_decision_to_json(decision);
		if (!text)
			rc = DYD_ENOMEM;
	} else if (rc == 0) {
		rc = dyd_status_render(&text, decision, &a->status);
	}
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	status = cli_exit_code(rc);
	if (rc == 0)
		status = cli_write_stdout(text, strlen(text));
	free(text);
	dyd_decision_free(decision);
	dyd_record_free(record);
	dyd_diags_release(&diags);
	return status;
}

int cmd_status(int argc, char **argv)
{
	struct status_args a = {CLI_EVAL_INIT, DYD_STATUS_OPTIONS_INIT, false};
	dyd_policy *policy = NULL;
	dyd_time as_of;
	int first, status;

	status = cli_parse(&cmd_status_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	/* Showing personal data in the answer, messages may too. */
	a.eval.record.verbose = a.status.verbose;
	if (argc - first != 1)
		return cli_usage_error(
		    "status", argc == first ? "no ACCOUNT record given"
					    : "one ACCOUNT record at a time");
	status = cli_as_of("status", a.eval.as_of, &as_of);
	if (status)
		return status;
	status = cli_load_policy(a.eval.policy, &policy);
	if (status)
		return status;
	status = status_run(argv[first], &a, policy, as_of);
	dyd_policy_free(policy);
	return status;
}
