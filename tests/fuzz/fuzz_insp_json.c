/* Fuzz target: the inspection report's JSON and SARIF writers, round trip.
 *
 * The input becomes a report: its lines are, in turn, the target path and,
 * for each check of the real table, a control line (byte 0: status, byte 1:
 * how many evidence lines follow, 0..3) then the evidence lines and a note.
 * Evidence goes through pare_buf_append_escaped as pi_fail's does; target
 * and note stay raw (a user's path, a waiver's reason).  Both documents are
 * dumped, parsed back, and checked: every check and every evidence line is
 * there, SARIF has one result per evidence line of each failed or waived
 * check, each pointing at its rule.  The escaper itself must give printable
 * UTF-8 that unescapes to the input.  Any difference aborts. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "inspect/inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* Undo pare_buf_append_escaped: "\\" and "\xNN". */
static void unescape(const char *s, size_t n, struct pare_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			pare_buf_putc(out, s[i]);
			continue;
		}
		CHECK(i + 1 < n);
		if (s[i + 1] == '\\') {
			pare_buf_putc(out, '\\');
			i++;
			continue;
		}
		CHECK(s[i + 1] == 'x' && i + 3 < n);
		char hex[3] = { s[i + 2], s[i + 3], 0 };
		pare_buf_putc(out, (char)strtoul(hex, NULL, 16));
		i += 3;
	}
}

static void check_escaper(struct pare_slice in)
{
	struct pare_buf e, back;
	pare_buf_init(&e, 8 * in.len + 16);
	pare_buf_init(&back, in.len + 16);
	CHECK(pare_buf_append_escaped(&e, in) == 0);
	CHECK(pare_slice_utf8_valid(pare_buf_slice(&e), NULL));
	for (size_t i = 0; i < e.len; i++) {
		unsigned char c = (unsigned char)e.data[i];
		CHECK(c >= 0x20 && c != 0x7f);
		CHECK(!(c == 0xc2 && i + 1 < e.len && (unsigned char)e.data[i + 1] < 0xa0));
	}
	unescape(e.data ? e.data : "", e.len, &back);
	CHECK(back.len == in.len && (in.len == 0 || memcmp(back.data, in.ptr, in.len) == 0));
	pare_buf_release(&e);
	pare_buf_release(&back);
}

static const char *next_line(struct pare_arena *a, struct pare_slice *in)
{
	struct pare_slice line;
	if (in->len == 0)
		return NULL;
	pare_slice_split(in, '\n', &line); /* false: the last line, no newline */
	return pare_arena_strdup(a, line);
}

static const char *escaped(struct pare_arena *a, const char *s)
{
	struct pare_buf b;
	pare_buf_init(&b, 1u << 20);
	CHECK(pare_buf_append_escaped(&b, pare_slice_from(s)) == 0);
	const char *r = pare_arena_strdup(a, pare_buf_slice(&b));
	pare_buf_release(&b);
	return r;
}

/* Fill r from the input; returns the number of SARIF results expected. */
static size_t build(struct pare_insp_report *r, struct pare_slice in)
{
	size_t n = pare_insp_check_count(), want = 0;
	r->results = calloc(n, sizeof(*r->results));
	CHECK(r->results);
	r->n = n;
	r->target = next_line(&r->arena, &in);
	r->kind = "directory";
	for (size_t i = 0; i < n; i++) {
		struct pare_insp_result *res = &r->results[i];
		res->check = pare_insp_check_at(i);
		const char *ctl = next_line(&r->arena, &in);
		unsigned char st = ctl && ctl[0] ? (unsigned char)ctl[0] : 0;
		size_t nev = ctl && ctl[0] && ctl[1] ? (unsigned char)ctl[1] % 4 : 0;
		res->status = (enum pare_insp_status)(st % 4);
		res->evidence = pare_arena_alloc(&r->arena, 4 * sizeof(char *));
		for (size_t k = 0; k < nev; k++) {
			const char *ev = next_line(&r->arena, &in);
			if (!ev)
				break;
			res->evidence[res->nevidence++] = escaped(&r->arena, ev);
		}
		res->total = res->nevidence + (st >> 4);
		res->note = next_line(&r->arena, &in);
		if (res->status == PARE_INSP_FAIL || res->status == PARE_INSP_WAIVED)
			want += res->nevidence ? res->nevidence : 1;
		switch (res->status) {
		case PARE_INSP_PASS: r->passed++; break;
		case PARE_INSP_NA: r->na++; break;
		case PARE_INSP_WAIVED: r->waived++; break;
		case PARE_INSP_FAIL: r->failed++; break;
		}
	}
	return want;
}

/* Dump and parse back: what a reader of the file gets. */
static json_t *round_trip(json_t *doc)
{
	CHECK(doc);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	CHECK(text);
	json_error_t jerr;
	json_t *back = json_loads(text, 0, &jerr);
	CHECK(back);
	free(text);
	json_decref(doc);
	return back;
}

static void check_json(const struct pare_insp_report *r, json_t *j)
{
	json_t *checks = json_object_get(j, "checks");
	CHECK(json_is_string(json_object_get(j, "target")));
	CHECK(json_array_size(checks) == r->n);
	for (size_t i = 0; i < r->n; i++) {
		const struct pare_insp_result *res = &r->results[i];
		json_t *c = json_array_get(checks, i), *ev = json_object_get(c, "evidence");
		CHECK(strcmp(json_string_value(json_object_get(c, "id")), res->check->id) == 0);
		CHECK(strcmp(json_string_value(json_object_get(c, "result")),
			     pare_insp_status_name(res->status)) == 0);
		CHECK(json_array_size(ev) == res->nevidence);
		for (size_t k = 0; k < res->nevidence; k++)
			CHECK(strcmp(json_string_value(json_array_get(ev, k)), res->evidence[k]) == 0);
		CHECK((size_t)json_integer_value(json_object_get(c, "evidenceTotal")) == res->total);
		CHECK(!res->note || json_is_string(json_object_get(c, "note")));
	}
	json_t *sum = json_object_get(j, "summary");
	CHECK((size_t)json_integer_value(json_object_get(sum, "failed")) == r->failed);
	CHECK((size_t)json_integer_value(json_object_get(sum, "waived")) == r->waived);
}

static void check_sarif(const struct pare_insp_report *r, json_t *s, size_t want)
{
	json_t *run = json_array_get(json_object_get(s, "runs"), 0);
	json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
					"rules");
	json_t *results = json_object_get(run, "results");
	CHECK(json_array_size(rules) == r->n);
	CHECK(json_array_size(results) == want);
	for (size_t i = 0; i < want; i++) {
		json_t *one = json_array_get(results, i);
		json_int_t idx = json_integer_value(json_object_get(one, "ruleIndex"));
		CHECK(idx >= 0 && (size_t)idx < r->n);
		const char *id = json_string_value(json_object_get(one, "ruleId"));
		json_t *rule = json_array_get(rules, (size_t)idx);
		CHECK(id && strcmp(id, json_string_value(json_object_get(rule, "id"))) == 0);
		CHECK(json_is_string(json_object_get(json_object_get(one, "message"), "text")));
		if (r->results[idx].status == PARE_INSP_WAIVED)
			CHECK(json_array_size(json_object_get(one, "suppressions")) == 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (64u << 10))
		return 0;
	struct pare_slice in = { (const char *)data, size };
	check_escaper(in);
	struct pare_insp_report r;
	pare_insp_report_init(&r);
	size_t want = build(&r, in);
	json_t *j = round_trip(pare_insp_report_json(&r));
	check_json(&r, j);
	json_decref(j);
	json_t *s = round_trip(pare_insp_report_sarif(&r, "fuzz"));
	check_sarif(&r, s, want);
	json_decref(s);
	pare_insp_report_release(&r);
	return 0;
}
