/* Printing an inspection report as a table (JSON and SARIF: inspect/json.c). */
#include "cli/inspect_print.h"

#include <string.h>


static const char *mark(const struct pare_insp_result *res)
{
	switch (res->status) {
	case PARE_INSP_PASS: return "pass";
	case PARE_INSP_NA: return "n/a ";
	case PARE_INSP_WAIVED: return "waived";
	case PARE_INSP_FAIL:
		return res->check->severity == PARE_INSP_ERROR ? "FAIL"
		       : res->check->severity == PARE_INSP_WARNING ? "warn" : "info";
	}
	return "?";
}

void pare_inspect_print_text(struct pare_cli *cli, const struct pare_insp_report *r,
			     bool failures_only)
{
	const char *cat = NULL;
	for (size_t i = 0; i < r->n; i++) {
		const struct pare_insp_result *res = &r->results[i];
		bool show = !failures_only || res->status == PARE_INSP_FAIL ||
			    res->status == PARE_INSP_WAIVED;
		if (!show)
			continue;
		if (!cat || strcmp(cat, res->check->category) != 0) {
			cat = res->check->category;
			fprintf(cli->out, "%s%s\n", i ? "\n" : "", cat);
		}
		fprintf(cli->out, "  %-6s %-8s %-7s %s", mark(res), res->check->id,
			pare_insp_severity_name(res->check->severity), res->check->title);
		if (res->note && res->status != PARE_INSP_FAIL)
			fprintf(cli->out, " (%s)", res->note);
		fputc('\n', cli->out);
		for (size_t k = 0; k < res->nevidence; k++)
			fprintf(cli->out, "           %s\n", res->evidence[k]);
		if (res->total > res->nevidence)
			fprintf(cli->out, "           ... and %zu more\n", res->total - res->nevidence);
	}
	fprintf(cli->out, "\n%s (%s, %llu files, %llu ELF): %zu passed, %zu failed, %zu warnings, "
		"%zu not applicable, %zu waived\n", r->target ? r->target : "", r->kind ? r->kind : "",
		(unsigned long long)r->files, (unsigned long long)r->elf_files, r->passed, r->failed,
		r->warnings, r->na, r->waived);
}
