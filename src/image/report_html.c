/* The report as one self-contained HTML page: tables, and bar charts as
 * inline SVG (report.h).  Every table cell holding a measured number
 * carries it exactly in data-v (what tests compare with the JSON); the
 * text shows it rounded. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/report.h"

#define RH_BARS 15u    /* packages per image chart */
#define RH_WIDTH 640.0 /* bar area width in SVG units */

struct rh {
	struct pare_buf *b;
	int r; /* first error of an append */
};

static void put(struct rh *h, const char *s)
{
	if (h->r == 0)
		h->r = pare_buf_append_str(h->b, s);
}

static void putf(struct rh *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct rh *h, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		h->r = h->r ? h->r : -PARE_E_TOO_BIG;
	else
		put(h, tmp);
}

/* Text or attribute value, escaped. */
static void esc(struct rh *h, const char *s)
{
	for (; s && *s && h->r == 0; s++) {
		switch (*s) {
		case '&': put(h, "&amp;"); break;
		case '<': put(h, "&lt;"); break;
		case '>': put(h, "&gt;"); break;
		case '"': put(h, "&quot;"); break;
		case '\'': put(h, "&#39;"); break;
		default: h->r = pare_buf_putc(h->b, *s); break;
		}
	}
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static double mib(json_int_t v) { return (double)v / 1048576.0; }

/* A byte count cell: exact in data-v, MiB in the text; "-" when absent. */
static void bytes_cell(struct rh *h, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v)) {
		putf(h, "<td class=\"%s\" data-v=\"\">-</td>", k);
		return;
	}
	putf(h, "<td class=\"%s num\" data-v=\"%lld\">%.2f MiB</td>", k,
	     (long long)json_integer_value(v), mib(json_integer_value(v)));
}

static void bool_cell(struct rh *h, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	const char *t = json_is_true(v) ? "true" : "false";
	putf(h, "<td class=\"%s %s\" data-v=\"%s\">%s</td>", k, json_is_true(v) ? "ok" : "bad", t,
	     json_is_true(v) ? "pass" : "FAIL");
}

/* <tr data-name data-mode> and the name (and mode) cells of a row. */
static void row_start(struct rh *h, json_t *o, bool with_mode)
{
	put(h, "<tr data-name=\"");
	esc(h, str(o, "name"));
	if (with_mode) {
		put(h, "\" data-mode=\"");
		esc(h, str(o, "mode"));
	}
	put(h, "\"><td class=\"name\">");
	esc(h, str(o, "name"));
	if (with_mode) {
		put(h, "</td><td class=\"mode\">");
		esc(h, str(o, "mode"));
	}
	put(h, "</td>");
}

static void head(struct rh *h)
{
	put(h, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	       "<title>pare catalog report</title>\n<style>\n"
	       "body{font:14px/1.4 sans-serif;margin:2em;color:#222;max-width:1100px}"
	       "table{border-collapse:collapse;margin:1em 0}"
	       "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
	       ".num{text-align:right}.ok{color:#060}.bad{color:#b00;font-weight:bold}"
	       "svg text{font:11px sans-serif}h2{margin-top:2em}\n"
	       "</style></head><body>\n<h1>pare catalog report</h1>\n");
}

static void workloads_table(struct rh *h, json_t *ws)
{
	size_t i;
	json_t *w;
	put(h, "<h2>Workloads</h2>\n<table id=\"workloads\"><tr><th>workload</th><th>mode</th>"
	       "<th>pare</th><th>pare (gzip)</th><th>Debian (a)</th><th>Debian (b)</th>"
	       "<th>below (b)</th><th>Debian (b) gzip</th><th>Alpine (gzip)</th>"
	       "<th>inspect errors</th><th>tests</th></tr>\n");
	json_array_foreach(ws, i, w) {
		json_t *red = json_object_get(w, "reduction_b");
		json_t *ie = json_object_get(w, "inspect_errors");
		row_start(h, w, true);
		bytes_cell(h, w, "pare_bytes");
		bytes_cell(h, w, "pare_compressed_bytes");
		bytes_cell(h, w, "debian_a_bytes");
		bytes_cell(h, w, "debian_b_bytes");
		if (json_is_number(red))
			putf(h, "<td class=\"reduction_b num\" data-v=\"%.4f\">%.1f %%</td>",
			     json_number_value(red), 100.0 * json_number_value(red));
		else
			put(h, "<td class=\"reduction_b\" data-v=\"\">-</td>");
		bytes_cell(h, w, "debian_b_compressed_bytes");
		bytes_cell(h, w, "alpine_compressed_bytes");
		if (json_is_integer(ie))
			putf(h, "<td class=\"inspect_errors num %s\" data-v=\"%lld\">%lld</td>",
			     json_integer_value(ie) ? "bad" : "ok", (long long)json_integer_value(ie),
			     (long long)json_integer_value(ie));
		else
			put(h, "<td class=\"inspect_errors bad\" data-v=\"\">not run</td>");
		bool_cell(h, w, "tests_passed");
		put(h, "</tr>\n");
	}
	put(h, "</table>\n");
}

/* One horizontal bar with its label and value. */
static void bar(struct rh *h, double y, const char *label, json_int_t v, double max,
		const char *color)
{
	double wd = max > 0 ? RH_WIDTH * (double)v / max : 0;
	putf(h, "<text x=\"0\" y=\"%.0f\">", y + 10);
	esc(h, label);
	putf(h, "</text><rect x=\"220\" y=\"%.0f\" width=\"%.1f\" height=\"12\" fill=\"%s\"/>"
		"<text x=\"%.1f\" y=\"%.0f\">%.2f MiB</text>\n",
	     y, wd < 1 && v > 0 ? 1.0 : wd, color, 224 + wd, y + 10, mib(v));
}

static json_int_t ival(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* pare (each mode) against Debian (a) and (b), per workload. */
static void size_chart(struct rh *h, json_t *ws)
{
	size_t i, n = json_array_size(ws);
	json_t *w;
	double max = 1;
	json_array_foreach(ws, i, w) {
		const char *ks[] = { "pare_bytes", "debian_a_bytes", "debian_b_bytes" };
		for (size_t k = 0; k < 3; k++)
			if ((double)ival(w, ks[k]) > max)
				max = (double)ival(w, ks[k]);
	}
	putf(h, "<h2>Sizes: pare against Debian</h2>\n<svg id=\"sizes\" "
		"xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"%zu\">\n",
	     n * 56 + 10);
	double y = 4;
	json_array_foreach(ws, i, w) {
		char label[160];
		snprintf(label, sizeof(label), "%s (%s): pare", str(w, "name"), str(w, "mode"));
		bar(h, y, label, ival(w, "pare_bytes"), max, "#2a7");
		bar(h, y + 14, "Debian (b) careful", ival(w, "debian_b_bytes"), max, "#d93");
		bar(h, y + 28, "Debian (a) minbase", ival(w, "debian_a_bytes"), max, "#c44");
		y += 56;
	}
	put(h, "</svg>\n");
}

struct kv {
	const char *k;
	json_int_t v;
};

static int kv_desc(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? 1 : -1;
	return strcmp(x->k, y->k);
}

/* An object name -> bytes, sorted by bytes (caller frees). */
static struct kv *sorted(json_t *obj, size_t *n)
{
	const char *k;
	json_t *v;
	size_t i = 0;
	*n = json_object_size(obj);
	struct kv *a = calloc(*n ? *n : 1, sizeof(*a));
	if (!a)
		return NULL;
	json_object_foreach(obj, k, v)
		a[i++] = (struct kv){ k, json_integer_value(v) };
	qsort(a, *n, sizeof(*a), kv_desc);
	return a;
}

static void package_chart(struct rh *h, json_t *w)
{
	size_t n;
	struct kv *a = sorted(json_object_get(w, "packages"), &n);
	if (!a) {
		h->r = h->r ? h->r : -ENOMEM;
		return;
	}
	size_t shown = n < RH_BARS ? n : RH_BARS;
	putf(h, "<h3>Packages</h3>\n<svg class=\"packages\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"960\" height=\"%zu\">\n", shown * 16 + 6);
	for (size_t i = 0; i < shown; i++)
		bar(h, 2 + 16.0 * (double)i, a[i].k, a[i].v, n ? (double)a[0].v : 1, "#37a");
	put(h, "</svg>\n");
	if (n > shown)
		putf(h, "<p>%zu more packages.</p>\n", n - shown);
	free(a);
}

static void dirs_table(struct rh *h, json_t *w)
{
	size_t n;
	struct kv *a = sorted(json_object_get(w, "dirs"), &n);
	if (!a) {
		h->r = h->r ? h->r : -ENOMEM;
		return;
	}
	put(h, "<h3>Directories</h3>\n<table class=\"dirs\">");
	for (size_t i = 0; i < n; i++) {
		put(h, "<tr><td>/");
		esc(h, strcmp(a[i].k, "/") == 0 ? "" : a[i].k);
		putf(h, "</td><td class=\"num\" data-v=\"%lld\">%.2f MiB</td></tr>",
		     (long long)a[i].v, mib(a[i].v));
	}
	put(h, "</table>\n");
	free(a);
}

static void largest_table(struct rh *h, json_t *w)
{
	size_t i;
	json_t *f;
	put(h, "<h3>Largest files</h3>\n<table class=\"largest\">");
	json_array_foreach(json_object_get(w, "largest"), i, f) {
		put(h, "<tr><td>/");
		esc(h, str(f, "path"));
		put(h, "</td><td>");
		esc(h, str(f, "package"));
		putf(h, "</td><td class=\"num\" data-v=\"%lld\">%.2f MiB</td></tr>",
		     (long long)ival(f, "bytes"), mib(ival(f, "bytes")));
	}
	put(h, "</table>\n");
}

static void excluded_list(struct rh *h, json_t *w)
{
	size_t i;
	json_t *e, *ex = json_object_get(w, "excluded");
	if (!json_is_array(ex))
		return;
	put(h, "<h3>Left out by the strip-down</h3>\n<table class=\"excluded\">");
	json_array_foreach(ex, i, e) {
		put(h, "<tr><td>");
		esc(h, str(e, "name"));
		putf(h, "</td><td class=\"num\" data-v=\"%lld\">%.2f MiB</td><td>",
		     (long long)ival(e, "bytes"), mib(ival(e, "bytes")));
		esc(h, str(e, "why"));
		put(h, "</td></tr>");
	}
	if (json_array_size(ex) == 0)
		put(h, "<tr><td>nothing: the same packages as by name</td></tr>");
	put(h, "</table>\n");
}

/* Mode "pruned": the build's prune record (docs/report.md). */
static void prune_note(struct rh *h, json_t *w)
{
	json_t *p = json_object_get(w, "prune");
	if (!json_is_object(p))
		return;
	put(h, "<h3>Pruned by the tests' trace</h3>\n<p class=\"prune\">");
	if (json_is_true(json_object_get(p, "kept")))
		putf(h, "%.2f MiB of files before, %.2f MiB after (%lld of %lld files kept); "
		     "the tests passed again on the pruned root.",
		     mib(ival(p, "bytesBefore")), mib(ival(p, "bytesAfter")),
		     (long long)ival(p, "filesAfter"), (long long)ival(p, "filesBefore"));
	else
		put(h, "undone: a test failed on the pruned root; the image is unpruned.");
	put(h, "</p>\n");
}

static void verdicts(struct rh *h, json_t *w)
{
	size_t i;
	json_t *t, *ins = json_object_get(w, "inspect");
	put(h, "<h3>Inspection and tests</h3>\n<p>");
	if (json_is_object(ins))
		putf(h, "pare inspect: %lld passed, %lld failed, %lld warnings. ",
		     (long long)ival(ins, "passed"), (long long)ival(ins, "failed"),
		     (long long)ival(ins, "warnings"));
	if (json_object_get(w, "error")) {
		put(h, "<span class=\"bad\">");
		esc(h, str(w, "error"));
		put(h, "</span>");
	}
	put(h, "</p>\n<table class=\"tests\">");
	json_array_foreach(json_object_get(w, "tests"), i, t) {
		put(h, "<tr><td>");
		esc(h, str(t, "name"));
		put(h, "</td>");
		bool_cell(h, t, "passed");
		put(h, "</tr>");
	}
	put(h, "</table>\n");
}

static void image_section(struct rh *h, json_t *w)
{
	put(h, "<h2 class=\"image\">");
	esc(h, str(w, "name"));
	put(h, " (");
	esc(h, str(w, "mode"));
	put(h, ")</h2>\n");
	if (json_is_object(json_object_get(w, "packages"))) {
		package_chart(h, w);
		dirs_table(h, w);
		largest_table(h, w);
	}
	excluded_list(h, w);
	prune_note(h, w);
	verdicts(h, w);
}

static void compat_table(struct rh *h, json_t *cs)
{
	size_t i;
	json_t *c;
	put(h, "<h2>glibc compatibility scenarios</h2>\n<table id=\"compat\"><tr><th>scenario</th>"
	       "<th>image</th><th>passed</th></tr>\n");
	json_array_foreach(cs, i, c) {
		row_start(h, c, false);
		bytes_cell(h, c, "image_bytes");
		bool_cell(h, c, "passed");
		put(h, "</tr>\n");
	}
	put(h, "</table>\n");
}

int pare_report_html(json_t *report, struct pare_buf *html, struct pare_error *err)
{
	struct rh h = { .b = html };
	size_t i;
	json_t *w, *ws = json_object_get(report, "workloads");
	if (!json_is_array(ws))
		return pare_error_set(err, -PARE_E_FORMAT, "report: no \"workloads\" list");
	head(&h);
	workloads_table(&h, ws);
	size_chart(&h, ws);
	compat_table(&h, json_object_get(report, "compat"));
	json_array_foreach(ws, i, w)
		image_section(&h, w);
	put(&h, "</body></html>\n");
	if (h.r < 0)
		return pare_error_set(err, h.r, "report page: %s",
				      h.r == -PARE_E_TOO_BIG ? "larger than its bound" : "out of memory");
	return 0;
}
