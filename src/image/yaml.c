/* A bounded YAML tree from libfyaml events (see yaml_int.h). */
#include "image/yaml_int.h"

#include <errno.h>
#include <libfyaml.h>
#include <string.h>

#include "base/buf.h"
#include "base/hashmap.h"
#include "image/config.h"

struct yparse {
	struct pare_arena *a;
	const char *name;
	struct ynode *stack[PARE_IMAGE_CONFIG_MAX_DEPTH + 1];
	/* keys[i]: the scalar keys seen so far in the map stack[i] (when it
	 * is one), text -> key node */
	struct pare_map keys[PARE_IMAGE_CONFIG_MAX_DEPTH + 1];
	size_t depth;
	size_t nodes;
	size_t docs;
	struct ynode *root;
	struct pare_error *err;
};

static int yfail(struct yparse *p, int code, unsigned line, unsigned col, const char *what)
{
	return pare_error_set(p->err, code, "%s:%u:%u: %s", p->name, line, col, what);
}

static void mark_of(struct fy_event *ev, unsigned *line, unsigned *col)
{
	const struct fy_mark *m = fy_event_start_mark(ev);
	*line = m ? (unsigned)m->line + 1 : 0;
	*col = m ? (unsigned)m->column + 1 : 0;
}

static int add_node(struct yparse *p, struct fy_event *ev, enum ynode_kind kind,
		    struct ynode **out)
{
	unsigned line, col;
	mark_of(ev, &line, &col);
	if (++p->nodes > PARE_IMAGE_CONFIG_MAX_NODES)
		return yfail(p, -PARE_E_TOO_BIG, line, col, "too many YAML nodes");
	struct ynode *nd = pare_arena_zalloc(p->a, sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	nd->kind = kind;
	nd->line = line;
	nd->col = col;
	if (p->depth == 0) {
		p->root = nd;
	} else {
		struct ynode *parent = p->stack[p->depth - 1];
		if (parent->n >= 2 * PARE_IMAGE_CONFIG_MAX_LIST)
			return yfail(p, -PARE_E_TOO_BIG, line, col, "too many items in one list or map");
		if (parent->last)
			parent->last->next = nd;
		else
			parent->first = nd;
		parent->last = nd;
		parent->n++;
	}
	*out = nd;
	return 0;
}

/* A scalar key must be new in its map: a second one would silently
 * replace (or be dropped for) the first, whoever reads the tree. */
static int check_key(struct yparse *p, struct ynode *nd)
{
	if (p->depth == 0)
		return 0;
	struct ynode *parent = p->stack[p->depth - 1];
	if (parent->kind != YN_MAP || parent->n % 2 == 0) /* not a key, a value */
		return 0;
	struct pare_map *m = &p->keys[p->depth - 1];
	const struct ynode *first = pare_map_get(m, nd->text);
	if (!first)
		return pare_map_put(m, nd->text, nd, NULL);
	struct pare_buf b;
	pare_buf_init(&b, 256);
	pare_buf_append_escaped(&b, nd->text.len > 60 ? pare_slice_make(nd->text.ptr, 60)
						      : nd->text);
	int r = pare_error_set(p->err, -PARE_E_FORMAT,
			       "%s:%u:%u: duplicate key \"%s%s\" (first on line %u)", p->name,
			       nd->line, nd->col, b.data ? b.data : "",
			       nd->text.len > 60 ? "..." : "", first->line);
	pare_buf_release(&b);
	return r;
}

static int on_scalar(struct yparse *p, struct fy_event *ev)
{
	struct ynode *nd;
	int r = add_node(p, ev, YN_SCALAR, &nd);
	if (r < 0)
		return r;
	size_t len = 0;
	const char *t = ev->scalar.value ? fy_token_get_text(ev->scalar.value, &len) : "";
	if (!t)
		return -ENOMEM;
	if (len > PARE_IMAGE_CONFIG_MAX_SCALAR)
		return yfail(p, -PARE_E_TOO_BIG, nd->line, nd->col, "scalar is too long");
	nd->text = pare_arena_slice(p->a, pare_slice_make(t, len));
	if (len && !nd->text.ptr)
		return -ENOMEM;
	if (!nd->text.ptr)
		nd->text = PARE_SLICE_LIT("");
	enum fy_scalar_style st = ev->scalar.value ? fy_token_scalar_style(ev->scalar.value)
						    : FYSS_PLAIN;
	nd->plain = st == FYSS_PLAIN;
	/* libfyaml marks quoted scalars after the quote: point at the quote */
	if ((st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED) && nd->col > 1)
		nd->col--;
	return check_key(p, nd);
}

static int on_start(struct yparse *p, struct fy_event *ev, enum ynode_kind kind)
{
	struct ynode *nd;
	int r = add_node(p, ev, kind, &nd);
	if (r < 0)
		return r;
	if (p->depth >= PARE_IMAGE_CONFIG_MAX_DEPTH)
		return yfail(p, -PARE_E_TOO_BIG, nd->line, nd->col, "nesting is too deep");
	pare_map_release(&p->keys[p->depth]); /* the map that was here before */
	p->stack[p->depth++] = nd;
	return 0;
}

static int on_event(struct yparse *p, struct fy_event *ev)
{
	unsigned line, col;
	switch (ev->type) {
	case FYET_DOCUMENT_START:
		mark_of(ev, &line, &col);
		if (++p->docs > 1)
			return yfail(p, -PARE_E_FORMAT, line, col,
				     "only one YAML document is allowed");
		return 0;
	case FYET_MAPPING_START:
		return on_start(p, ev, YN_MAP);
	case FYET_SEQUENCE_START:
		return on_start(p, ev, YN_SEQ);
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		if (p->depth > 0)
			p->depth--;
		return 0;
	case FYET_SCALAR:
		return on_scalar(p, ev);
	case FYET_ALIAS:
		mark_of(ev, &line, &col); /* after the '*' */
		return yfail(p, -PARE_E_UNSUPPORTED, line, col > 1 ? col - 1 : col,
			     "YAML aliases are not supported");
	default:
		return 0;
	}
}

static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

/* The parser's own message for a syntax error, with its position. */
static int syntax_error(struct yparse *p, struct fy_diag *diag)
{
	void *it = NULL;
	struct fy_diag_error *de;
	while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
		if (de->type < FYET_ERROR)
			continue;
		/* diagnostics are 1-based already (event marks are 0-based) */
		return pare_error_set(p->err, -PARE_E_FORMAT, "%s:%d:%d: YAML syntax error: %s",
				      p->name, de->line > 0 ? de->line : 1,
				      de->column > 0 ? de->column : 1,
				      de->msg ? de->msg : "invalid");
	}
	return pare_error_set(p->err, -PARE_E_FORMAT, "%s: YAML syntax error", p->name);
}

static struct fy_diag *make_diag(void)
{
	struct fy_diag_cfg dc;
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = diag_silent;
	dc.colorize = false;
	dc.level = FYET_ERROR;
	struct fy_diag *d = fy_diag_create(&dc);
	if (d)
		fy_diag_set_collect_errors(d, true);
	return d;
}

static int run_parser(struct yparse *p, struct fy_parser *fyp, struct fy_diag *diag)
{
	struct fy_event *ev;
	int r = 0;
	while (r == 0 && (ev = fy_parser_parse(fyp)) != NULL) {
		r = on_event(p, ev);
		fy_parser_event_free(fyp, ev);
	}
	if (r == 0 && fy_parser_get_stream_error(fyp))
		r = syntax_error(p, diag);
	return r;
}

int pare_yaml_parse(struct pare_arena *a, const char *name, struct pare_slice text,
		    struct ynode **root, struct pare_error *err)
{
	struct yparse p = { .a = a, .name = name, .err = err };
	*root = NULL;
	for (size_t i = 0; i <= PARE_IMAGE_CONFIG_MAX_DEPTH; i++)
		pare_map_init(&p.keys[i]);
	if (text.len && memchr(text.ptr, '\0', text.len))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: contains a NUL byte", name);
	/* YAML is UTF-8 here; refusing anything else up front also keeps
	 * libfyaml 0.7.12 out of a loop it enters on some malformed bytes
	 * (found by fuzzing: "contents:\n%\xd2\xd2}..." never returns). */
	size_t bad = 0;
	bool utf8 = pare_slice_utf8_valid(text, &bad);
	/* Control characters are outside YAML's printable set; libfyaml
	 * 0.7.12 also leaks on some of them (fuzzing), so stop here. */
	size_t ctl = text.len;
	for (size_t i = 0; i < (utf8 ? text.len : bad); i++) {
		unsigned char ch = (unsigned char)text.ptr[i];
		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f) {
			ctl = i;
			break;
		}
	}
	if (ctl < text.len) {
		size_t line = 1, col = 1;
		for (size_t i = 0; i < ctl; i++, col++)
			if (text.ptr[i] == '\n')
				line++, col = 0;
		return pare_error_set(err, -PARE_E_FORMAT, "%s:%zu:%zu: control character 0x%02x",
				      name, line, col, (unsigned char)text.ptr[ctl]);
	}
	if (!utf8) {
		size_t line = 1, col = 1;
		for (size_t i = 0; i < bad; i++, col++)
			if (text.ptr[i] == '\n')
				line++, col = 0;
		return pare_error_set(err, -PARE_E_FORMAT, "%s:%zu:%zu: not valid UTF-8", name, line,
				      col);
	}
	struct fy_diag *diag = make_diag();
	if (!diag)
		return -ENOMEM;
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_AUTO,
				    .diag = diag };
	struct fy_parser *fyp = fy_parser_create(&cfg);
	int r = fyp ? 0 : -ENOMEM;
	if (r == 0 && fy_parser_set_string(fyp, text.len ? text.ptr : "", text.len) != 0)
		r = -ENOMEM;
	if (r == 0)
		r = run_parser(&p, fyp, diag);
	for (size_t i = 0; i <= PARE_IMAGE_CONFIG_MAX_DEPTH; i++)
		pare_map_release(&p.keys[i]);
	fy_parser_destroy(fyp);
	/* turning collection off frees the collected errors (libfyaml 0.7
	 * does not free them when the diag goes away) */
	fy_diag_set_collect_errors(diag, false);
	fy_diag_unref(diag);
	if (r == 0)
		*root = p.root;
	return r;
}
