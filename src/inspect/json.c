/* An inspection report as JSON and as SARIF 2.1.0 (documents; the CLI
 * writes them).  Every string of a report is valid UTF-8 (table.c escapes
 * evidence and notes), so no line is lost; tests/fuzz/fuzz_insp_json.c
 * checks the round trip. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "inspect/inspect.h"

/* A JSON string of s as it is when it is valid UTF-8 (evidence and notes
 * always are), else escaped (a target path or a waiver reason given by the
 * user): never NULL for lack of valid UTF-8, so no line is dropped. */
static json_t *text(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (j)
		return j;
	struct pare_buf b;
	pare_buf_init(&b, 64u << 10);
	if (pare_buf_append_escaped(&b, pare_slice_from(s)) == 0)
		j = json_stringn(b.data ? b.data : "", b.len);
	pare_buf_release(&b);
	return j;
}

json_t *pare_insp_report_json(const struct pare_insp_report *r)
{
	json_t *o = json_object(), *checks = json_array();
	json_object_set_new(o, "target", text(r->target));
	json_object_set_new(o, "kind", text(r->kind));
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
			json_array_append_new(ev, text(res->evidence[k]));
		json_object_set_new(c, "evidence", ev);
		json_object_set_new(c, "evidenceTotal", json_integer((json_int_t)res->total));
		if (res->note)
			json_object_set_new(c, "note", text(res->note));
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
	json_t *uri = json_stringn(ev + 1, n ? n - 1 : 0);
	return uri ? json_pack("{s:{s:{s:o}}}", "physicalLocation", "artifactLocation", "uri", uri)
		   : NULL;
}

json_t *pare_insp_report_sarif(const struct pare_insp_report *r, const char *version)
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
			json_t *one = json_pack("{s:s, s:i, s:s, s:{s:o}}", "ruleId", k->id,
						"ruleIndex", (int)i, "level", sarif_level(k->severity),
						"message", "text", text(msg));
			json_t *loc = location(msg);
			if (loc)
				json_object_set_new(one, "locations", json_pack("[o]", loc));
			if (res->status == PARE_INSP_WAIVED)
				json_object_set_new(one, "suppressions", json_pack(
					"[{s:s, s:o}]", "kind", "external", "justification",
					text(res->note)));
			json_array_append_new(results, one);
		}
	}
	json_t *driver = json_pack("{s:s, s:s, s:s, s:o}", "name", "pare inspect", "version",
				   version ? version : "", "informationUri", "https://example.invalid/pare",
				   "rules", rules);
	return json_pack("{s:s, s:s, s:[{s:{s:o}, s:o}]}",
			 "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			 "version", "2.1.0", "runs", "tool", "driver", driver, "results", results);
}
