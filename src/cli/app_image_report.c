/* pare image report OUT: the report of a catalog run (image/report.h) as
 * a summary table, as JSON (--json) and as an HTML page (--html FILE). */
#include <jansson.h>
#include <stdio.h>

#include "cli/app_image_report.h"
#include "image/report.h"
#include "io/atomic.h"

static int write_html(json_t *rep, const char *path, struct pare_error *err)
{
	struct pare_buf b;
	struct pare_atomic_file f;
	pare_buf_init(&b, PARE_REPORT_MAX_HTML);
	int r = pare_report_html(rep, &b, err);
	if (r == 0)
		r = pare_atomic_open(&f, path, 0644, err);
	if (r == 0) {
		r = pare_ostream_write(&f.out, b.data, b.len, err);
		if (r == 0)
			r = pare_atomic_commit(&f, err);
		pare_atomic_abort(&f);
	}
	pare_buf_release(&b);
	return r;
}

static void mib_or_dash(FILE *out, json_t *v)
{
	if (json_is_integer(v))
		fprintf(out, " %9.2f", (double)json_integer_value(v) / 1048576.0);
	else
		fprintf(out, " %9s", "-");
}

static void print_table(struct pare_cli *cli, json_t *rep)
{
	size_t i;
	json_t *w;
	fprintf(cli->out, "%-12s %-10s %9s %9s %9s %9s %7s %9s %6s %s\n", "workload", "mode",
		"pare MiB", "gzip MiB", "deb(a)", "deb(b)", "below", "alpine gz", "errors",
		"tests");
	json_array_foreach(json_object_get(rep, "workloads"), i, w) {
		json_t *red = json_object_get(w, "reduction_b");
		json_t *ie = json_object_get(w, "inspect_errors");
		fprintf(cli->out, "%-12s %-10s", json_string_value(json_object_get(w, "name")),
			json_string_value(json_object_get(w, "mode")));
		mib_or_dash(cli->out, json_object_get(w, "pare_bytes"));
		mib_or_dash(cli->out, json_object_get(w, "pare_compressed_bytes"));
		mib_or_dash(cli->out, json_object_get(w, "debian_a_bytes"));
		mib_or_dash(cli->out, json_object_get(w, "debian_b_bytes"));
		if (json_is_number(red))
			fprintf(cli->out, " %6.1f%%", 100.0 * json_number_value(red));
		else
			fprintf(cli->out, " %7s", "-");
		mib_or_dash(cli->out, json_object_get(w, "alpine_compressed_bytes"));
		if (json_is_integer(ie))
			fprintf(cli->out, " %6lld", (long long)json_integer_value(ie));
		else
			fprintf(cli->out, " %6s", "-");
		fprintf(cli->out, " %s\n",
			json_is_true(json_object_get(w, "tests_passed")) ? "pass" : "FAIL");
	}
	json_array_foreach(json_object_get(rep, "compat"), i, w)
		fprintf(cli->out, "compat %-40s %s\n", json_string_value(json_object_get(w, "name")),
			json_is_true(json_object_get(w, "passed")) ? "pass" : "FAIL");
}

int pare_image_report_main(const char *html, struct pare_cli *cli, int argc, char **argv)
{
	struct pare_error err = { 0 };
	json_t *rep = NULL;
	if (argc != 1) {
		pare_cli_error(cli, "image report: want OUT (a catalog run directory with "
			       "results.json)");
		return 1;
	}
	int r = pare_report_make(argv[0], &rep, &err);
	if (r == 0 && html)
		r = write_html(rep, html, &err);
	if (r < 0) {
		json_decref(rep);
		pare_cli_report(cli, r, &err);
		return 1;
	}
	if (cli->opts.json) {
		json_dumpf(rep, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', cli->out);
	} else {
		print_table(cli, rep);
	}
	json_decref(rep);
	return 0;
}
