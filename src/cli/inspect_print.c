/* Printing an inspection report: table, JSON and SARIF 2.1.0. */
#include "cli/inspect_print.h"

#include <string.h>

#include "config.h"

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

json_t *pare_inspect_json(const struct pare_insp_report *r)
{
	json_t *o = json_object(), *checks = json_array();
	json_object_set_new(o, "target", json_string(r->target ? r->target : ""));
	json_object_set_new(o, "kind", json_string(r->kind ? r->kind : ""));
	json_object_set_new(o, "files", json_integer((json_int_t)r->files));
	json_object_set_new(o, "elfFiles", json_integer((json_int_t)r->elf_files));
	for (size_t i = 0; i < r->n; i++) {
		const struct pare_insp_result *res = &r->results[i];
		json_t *c = json_object(), *ev = json_array();
		json_object_set_new(c, "id", json_string(res->check->id));
		json_object_set_new(c, "title", json_string(res->check->title));
		json_object_set_new(c, "category", json_string(res->check->category));
		json_object_set_new(c, "severity",
				    json_string(pare_insp_severity_name(res->check->severity)));
		json_object_set_new(c, "result", json_string(pare_insp_status_name(res->status)));
		for (size_t k = 0; k < res->nevidence; k++)
			json_array_append_new(ev, json_string(res->evidence[k]));
		json_object_set_new(c, "evidence", ev);
		json_object_set_new(c, "evidenceTotal", json_integer((json_int_t)res->total));
		if (res->note)
			json_object_set_new(c, "note", json_string(res->note));
		json_array_append_new(checks, c);
	}
	json_object_set_new(o, "checks", checks);
	json_t *sum = json_object();
	json_object_set_new(sum, "passed", json_integer((json_int_t)r->passed));
	json_object_set_new(sum, "failed", json_integer((json_int_t)r->failed));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)r->warnings));
	json_object_set_new(sum, "notApplicable", json_integer((json_int_t)r->na));
	json_object_set_new(sum, "waived", json_integer((json_int_t)r->waived));
	json_object_set_new(o, "summary", sum);
	return o;
}

static const char *sarif_level(enum pare_insp_severity s)
{
	return s == PARE_INSP_ERROR ? "error" : s == PARE_INSP_WARNING ? "warning" : "note";
}

/* The path an evidence line starts with ("/usr/bin/x: ..."), or NULL. */
static json_t *location(const char *ev)
{
	if (ev[0] != '/')
		return NULL;
	size_t n = strcspn(ev, ": ");
	char buf[4096];
	snprintf(buf, sizeof(buf), "%.*s", (int)n, ev + 1);
	return json_pack("{s:{s:{s:s}}}", "physicalLocation", "artifactLocation", "uri", buf);
}

json_t *pare_inspect_sarif(const struct pare_insp_report *r)
{
	json_t *rules = json_array(), *results = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct pare_insp_result *res = &r->results[i];
		const struct pare_insp_check *k = res->check;
		json_array_append_new(rules, json_pack(
			"{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:[s]}}", "id", k->id, "name", k->id,
			"shortDescription", "text", k->title, "defaultConfiguration", "level",
			sarif_level(k->severity), "properties", "tags", k->category));
		if (res->status != PARE_INSP_FAIL && res->status != PARE_INSP_WAIVED)
			continue;
		for (size_t e = 0; e < (res->nevidence ? res->nevidence : 1); e++) {
			const char *msg = res->nevidence ? res->evidence[e] : k->title;
			json_t *one = json_pack("{s:s, s:i, s:s, s:{s:s}}", "ruleId", k->id,
						"ruleIndex", (int)i, "level", sarif_level(k->severity),
						"message", "text", msg);
			json_t *loc = location(msg);
			if (loc)
				json_object_set_new(one, "locations", json_pack("[o]", loc));
			if (res->status == PARE_INSP_WAIVED)
				json_object_set_new(one, "suppressions", json_pack(
					"[{s:s, s:s}]", "kind", "external", "justification",
					res->note ? res->note : ""));
			json_array_append_new(results, one);
		}
	}
	json_t *driver = json_pack("{s:s, s:s, s:s, s:o}", "name", "pare inspect", "version",
				   PARE_VERSION, "informationUri", "https://example.invalid/pare",
				   "rules", rules);
	return json_pack("{s:s, s:s, s:[{s:{s:o}, s:o}]}",
			 "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			 "version", "2.1.0", "runs", "tool", "driver", driver, "results", results);
}
