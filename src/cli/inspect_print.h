/* Printing an inspection report (shared by `pare inspect` and the check
 * `pare image build` runs): the table grouped by category. */
#ifndef PARE_CLI_INSPECT_PRINT_H
#define PARE_CLI_INSPECT_PRINT_H

#include <stdbool.h>

#include "cli/cli.h"
#include "inspect/inspect.h"

/* The table; with failures_only, only failed and waived checks (and the
 * closing line). */
void pare_inspect_print_text(struct pare_cli *cli, const struct pare_insp_report *r,
			     bool failures_only);

#endif
