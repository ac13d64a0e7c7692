/* Printing an inspection report (shared by `pare inspect` and the check
 * `pare image build` runs): the table grouped by category, JSON, SARIF. */
#ifndef PARE_CLI_INSPECT_PRINT_H
#define PARE_CLI_INSPECT_PRINT_H

#include <jansson.h>
#include <stdbool.h>

#include "cli/cli.h"
#include "inspect/inspect.h"

/* The table; with failures_only, only failed and waived checks (and the
 * closing line). */
void pare_inspect_print_text(struct pare_cli *cli, const struct pare_insp_report *r,
			     bool failures_only);
json_t *pare_inspect_json(const struct pare_insp_report *r);
/* SARIF 2.1.0: one run, a rule per check, a result per failed check. */
json_t *pare_inspect_sarif(const struct pare_insp_report *r);

#endif
