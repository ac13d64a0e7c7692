/* The check table (one array per category, read in order), the result
 * recording the checks use, and the run: walk once, then every check. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "inspect/int.h"

static const struct pare_insp_check *const tables[] = {
	pi_checks_elf, pi_checks_runtime, pi_checks_entry, pi_checks_content,
	pi_checks_packages, pi_checks_secrets, pi_checks_oci, NULL,
};

size_t pare_insp_check_count(void)
{
	size_t n = 0;
	for (size_t t = 0; tables[t]; t++)
		for (const struct pare_insp_check *k = tables[t]; k->id; k++)
			n++;
	return n;
}

const struct pare_insp_check *pare_insp_check_at(size_t i)
{
	for (size_t t = 0; tables[t]; t++)
		for (const struct pare_insp_check *k = tables[t]; k->id; k++)
			if (i-- == 0)
				return k;
	return NULL;
}

const struct pare_insp_check *pare_insp_check_find(const char *id)
{
	for (size_t t = 0; tables[t]; t++)
		for (const struct pare_insp_check *k = tables[t]; k->id; k++)
			if (strcmp(k->id, id) == 0)
				return k;
	return NULL;
}

const char *pare_insp_severity_name(enum pare_insp_severity s)
{
	switch (s) {
	case PARE_INSP_ERROR: return "error";
	case PARE_INSP_WARNING: return "warning";
	case PARE_INSP_INFO: return "info";
	}
	return "?";
}

const char *pare_insp_status_name(enum pare_insp_status s)
{
	switch (s) {
	case PARE_INSP_PASS: return "pass";
	case PARE_INSP_FAIL: return "fail";
	case PARE_INSP_NA: return "n/a";
	case PARE_INSP_WAIVED: return "waived";
	}
	return "?";
}

/* Evidence and notes quote file names and contents of the image: kept as
 * printable, valid UTF-8 (pare_buf_append_escaped), so that the table
 * cannot drive a terminal and JSON/SARIF never lose a line. */
static const char *printable(struct pare_insp_out *o, const char *text)
{
	struct pare_buf b;
	pare_buf_init(&b, 8192);
	const char *s = NULL;
	if (pare_buf_append_escaped(&b, pare_slice_from(text)) == 0)
		s = pare_arena_strdup(&o->c->arena, pare_buf_slice(&b));
	pare_buf_release(&b);
	return s;
}

void pi_fail(struct pare_insp_out *o, const char *fmt, ...)
{
	struct pare_insp_result *r = o->r;
	r->status = PARE_INSP_FAIL;
	r->total++;
	if (r->nevidence >= PARE_INSP_MAX_EVIDENCE)
		return;
	if (!r->evidence) {
		r->evidence = pare_arena_alloc(&o->c->arena,
					       PARE_INSP_MAX_EVIDENCE * sizeof(char *));
		if (!r->evidence)
			return;
	}
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	const char *s = printable(o, buf);
	if (s)
		r->evidence[r->nevidence++] = s;
}

void pi_na(struct pare_insp_out *o, const char *why)
{
	if (o->r->status == PARE_INSP_FAIL)
		return;
	o->r->status = PARE_INSP_NA;
	o->r->note = why;
}

void pi_note(struct pare_insp_out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->r->note = printable(o, buf);
}

void pare_insp_report_init(struct pare_insp_report *r)
{
	memset(r, 0, sizeof(*r));
	pare_arena_init(&r->arena, 0, 0);
}

void pare_insp_report_release(struct pare_insp_report *r)
{
	if (!r)
		return;
	free(r->results);
	pare_arena_release(&r->arena);
	pare_insp_report_init(r);
}

static const struct pare_insp_waiver *waiver(const struct pare_insp_policy *p, const char *id)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (strcmp(p->w[i].id, id) == 0)
			return &p->w[i];
	return NULL;
}

/* Copy what the report keeps out of the context's arena. */
static const char *keep(struct pare_insp_report *r, const char *s)
{
	return s ? pare_arena_strdup(&r->arena, pare_slice_from(s)) : NULL;
}

static void finish_one(struct pare_insp_report *rep, struct pare_insp_result *res,
		       const struct pare_insp_policy *pol)
{
	const char **ev = res->nevidence ? pare_arena_alloc(&rep->arena,
							    res->nevidence * sizeof(char *)) : NULL;
	for (size_t k = 0; ev && k < res->nevidence; k++)
		ev[k] = keep(rep, res->evidence[k]);
	res->evidence = ev;
	if (!ev)
		res->nevidence = 0;
	res->note = keep(rep, res->note);
	const struct pare_insp_waiver *w = waiver(pol, res->check->id);
	if (res->status == PARE_INSP_FAIL && w) {
		res->status = PARE_INSP_WAIVED;
		res->note = keep(rep, w->reason);
	}
	switch (res->status) {
	case PARE_INSP_PASS: rep->passed++; break;
	case PARE_INSP_NA: rep->na++; break;
	case PARE_INSP_WAIVED: rep->waived++; break;
	case PARE_INSP_FAIL:
		if (res->check->severity == PARE_INSP_ERROR)
			rep->failed++;
		else
			rep->warnings++;
		break;
	}
}

int pare_insp_run(const struct pare_insp_target *t, const struct pare_insp_opts *o,
		  struct pare_insp_report *rep, struct pare_error *err)
{
	struct pare_insp_ctx c;
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.root.fd = -1;
	c.max_files = o && o->max_files ? o->max_files : PARE_INSP_MAX_FILES;
	pare_arena_init(&c.arena, 0, 0);
	pare_map_init(&c.by_path);
	pare_db_installed_init(&c.db);
	int rc = pare_root_open(&c.root, t->root, err);
	if (rc == 0)
		rc = pi_walk(&c, err);
	if (rc == 0)
		rc = pi_read_accounts(&c);
	size_t n = pare_insp_check_count();
	if (rc == 0 && !(rep->results = calloc(n, sizeof(*rep->results))))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct pare_insp_result *res = &rep->results[i];
		struct pare_insp_out out = { .c = &c, .r = res };
		res->check = pare_insp_check_at(i);
		res->status = PARE_INSP_PASS;
		res->check->fn(&c, &out);
		finish_one(rep, res, o ? o->policy : NULL);
	}
	if (rc == 0) {
		rep->n = n;
		rep->files = c.nfiles;
		rep->elf_files = c.nelfs;
		rep->target = keep(rep, t->root);
		rep->kind = t->kind;
	} else if (rc == -ENOMEM) {
		pare_error_set(err, rc, "%s: out of memory", t->root);
	}
	pi_ctx_release(&c);
	return rc;
}
