/* apko image configurations (see config.h). */
#include "image/config.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apk/arch.h"
#include "apk/dep.h"
#include "base/buf.h"
#include "image/yaml_int.h"
#include "io/stream.h"
#include "io/url.h"

struct cctx {
	struct pare_image_config *c;
	struct pare_error *err;
};

typedef int (*key_fn)(struct cctx *x, const struct ynode *v, void *obj);

struct key_rule {
	const char *name;
	key_fn fn;      /* NULL: known to apko but not supported by pare */
};

#define MAX_RULES 24

/* ---- messages and scalar helpers ---- */

__attribute__((format(printf, 4, 5))) static int
fail_at(struct cctx *x, const struct ynode *n, int code, const char *fmt, ...)
{
	char msg[PARE_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pare_error_set(x->err, code, "%s:%u:%u: %s", x->c->file, n->line, n->col, msg);
}

static const char *kind_name(const struct ynode *n)
{
	return n->kind == YN_MAP ? "a mapping" : n->kind == YN_SEQ ? "a list" : "a scalar";
}

/* A null value ("key:", "~", "null"): treated as absent. */
static bool is_null(const struct ynode *n)
{
	if (n->kind != YN_SCALAR || !n->plain)
		return false;
	struct pare_slice t = n->text;
	return t.len == 0 || pare_slice_eq_cstr(t, "~") || pare_slice_eq_cstr(t, "null") ||
	       pare_slice_eq_cstr(t, "Null") || pare_slice_eq_cstr(t, "NULL");
}

static int want(struct cctx *x, const struct ynode *n, enum ynode_kind k, const char *what)
{
	if (n->kind == k)
		return 0;
	const char *wanted = k == YN_MAP ? "a mapping" : k == YN_SEQ ? "a list" : "a string";
	return fail_at(x, n, -PARE_E_FORMAT, "'%s' must be %s, not %s", what, wanted,
		       kind_name(n));
}

static int get_str(struct cctx *x, const struct ynode *n, const char *what, const char **out)
{
	int r = want(x, n, YN_SCALAR, what);
	if (r < 0)
		return r;
	*out = n->text.ptr; /* NUL-terminated in the arena */
	return 0;
}

static int get_nonempty(struct cctx *x, const struct ynode *n, const char *what,
			const char **out)
{
	int r = get_str(x, n, what, out);
	if (r == 0 && (n->text.len == 0 || is_null(n)))
		r = fail_at(x, n, -PARE_E_FORMAT, "'%s' must not be empty", what);
	return r;
}

static int get_u32(struct cctx *x, const struct ynode *n, const char *what, uint32_t *out)
{
	uint64_t v;
	int r = want(x, n, YN_SCALAR, what);
	if (r < 0)
		return r;
	if (!n->plain || !pare_slice_to_u64(n->text, &v) || v > UINT32_MAX)
		return fail_at(x, n, -PARE_E_FORMAT,
			       "'%s' must be a number from 0 to 4294967295, not '%s'", what,
			       n->text.ptr);
	*out = (uint32_t)v;
	return 0;
}

/* YAML 1.2 "0o755", YAML 1.1 "0755", or decimal "493". */
static int get_mode(struct cctx *x, const struct ynode *n, const char *what, uint32_t *out)
{
	int r = want(x, n, YN_SCALAR, what);
	if (r < 0)
		return r;
	struct pare_slice t = n->text;
	uint64_t v = 0;
	bool octal = t.len > 1 && t.ptr[0] == '0';
	size_t i = octal && (t.ptr[1] == 'o' || t.ptr[1] == 'O') ? 2 : octal ? 1 : 0;
	bool ok = n->plain && i < t.len;
	for (; ok && i < t.len && v <= 07777; i++) {
		unsigned base = octal ? 8 : 10;
		unsigned d = (unsigned)(t.ptr[i] - '0');
		ok = t.ptr[i] >= '0' && d < base;
		v = v * base + d;
	}
	if (!ok)
		return fail_at(x, n, -PARE_E_FORMAT, "'%s': '%s' is not an octal mode (write 0o755)",
			       what, t.ptr);
	if (v > 07777)
		return fail_at(x, n, -PARE_E_FORMAT, "'%s': mode %s is above 0o7777", what, t.ptr);
	*out = (uint32_t)v;
	return 0;
}

static int get_bool(struct cctx *x, const struct ynode *n, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", NULL };
	static const char *const no[] = { "false", "False", "FALSE", NULL };
	int r = want(x, n, YN_SCALAR, what);
	for (size_t i = 0; r == 0 && n->plain && yes[i]; i++)
		if (pare_slice_eq_cstr(n->text, yes[i]) || pare_slice_eq_cstr(n->text, no[i])) {
			*out = pare_slice_eq_cstr(n->text, yes[i]);
			return 0;
		}
	return r < 0 ? r : fail_at(x, n, -PARE_E_FORMAT, "'%s' must be true or false, not '%s'",
				   what, n->text.ptr);
}

/* ---- mappings against a rule table ---- */

static int unknown_key(struct cctx *x, const struct ynode *k, const struct key_rule *rules,
		       const char *where)
{
	const char *names[MAX_RULES + 1];
	size_t n = 0;
	for (; rules[n].name && n < MAX_RULES; n++)
		names[n] = rules[n].name;
	names[n] = NULL;
	const char *near = pare_nearest_word(k->text, names);
	if (near)
		return fail_at(x, k, -PARE_E_FORMAT, "unknown key '%s' in %s; did you mean '%s'?",
			       k->text.ptr, where, near);
	return fail_at(x, k, -PARE_E_FORMAT, "unknown key '%s' in %s", k->text.ptr, where);
}

/* Keys are unique in a map (the tree refuses a duplicate, yaml_int.h). */
static int one_pair(struct cctx *x, const struct ynode *k, const struct ynode *v,
		    const struct key_rule *rules, void *obj, const char *where)
{
	if (k->kind != YN_SCALAR)
		return fail_at(x, k, -PARE_E_FORMAT, "keys in %s must be strings", where);
	size_t i = 0;
	while (rules[i].name && !pare_slice_eq_cstr(k->text, rules[i].name))
		i++;
	if (!rules[i].name)
		return unknown_key(x, k, rules, where);
	if (!rules[i].fn)
		return fail_at(x, k, -PARE_E_UNSUPPORTED, "'%s' is not supported by pare",
			       rules[i].name);
	return is_null(v) ? 0 : rules[i].fn(x, v, obj);
}

static int walk_map(struct cctx *x, const struct ynode *m, const struct key_rule *rules,
		    void *obj, const char *where)
{
	int r = want(x, m, YN_MAP, where);
	for (const struct ynode *k = m->first; r == 0 && k; k = k->next->next)
		r = one_pair(x, k, k->next, rules, obj, where);
	return r;
}

/* ---- lists ---- */

static void *alloc_items(struct cctx *x, size_t n, size_t size)
{
	return pare_arena_zalloc(&x->c->arena, (n ? n : 1) * size);
}

typedef int (*item_fn)(struct cctx *x, const struct ynode *item, void *slot);

/* Check that v is a list and call fn for each item with slot i of arr. */
static int each_item(struct cctx *x, const struct ynode *v, const char *what, size_t size,
		     void **arr, size_t *n, item_fn fn)
{
	int r = want(x, v, YN_SEQ, what);
	if (r < 0)
		return r;
	char *items = alloc_items(x, v->n, size);
	if (!items)
		return -ENOMEM;
	size_t i = 0;
	for (const struct ynode *it = v->first; r == 0 && it; it = it->next, i++)
		r = fn(x, it, items + i * size);
	*arr = items;
	*n = i;
	return r;
}

static int str_item(struct cctx *x, const struct ynode *it, void *slot)
{
	return get_nonempty(x, it, "list item", slot);
}

static int str_list(struct cctx *x, const struct ynode *v, const char *what, const char ***arr,
		    size_t *n)
{
	void *p = NULL;
	int r = each_item(x, v, what, sizeof(char *), &p, n, str_item);
	*arr = p;
	return r;
}

/* Map of strings to strings, file order kept (keys are unique: the tree
 * refuses a duplicate). */
static int kv_map(struct cctx *x, const struct ynode *v, const char *what,
		  struct pare_image_kv **arr, size_t *n)
{
	int r = want(x, v, YN_MAP, what);
	if (r < 0)
		return r;
	*arr = alloc_items(x, v->n / 2, sizeof(**arr));
	if (!*arr)
		return -ENOMEM;
	*n = 0;
	for (const struct ynode *k = v->first; r == 0 && k; k = k->next->next) {
		const struct ynode *val = k->next;
		r = get_nonempty(x, k, what, &(*arr)[*n].key);
		if (r == 0 && val->kind != YN_SCALAR)
			r = fail_at(x, val, -PARE_E_FORMAT, "'%s.%s' must be a string, not %s",
				    what, k->text.ptr, kind_name(val));
		if (r == 0)
			(*arr)[(*n)++].value = is_null(val) ? "" : val->text.ptr;
	}
	return r;
}

/* ---- contents ---- */

static int repo_kind(struct cctx *x, const struct ynode *n, struct pare_slice url,
		     struct pare_image_repo *repo)
{
	static const char *const schemes[] = { "https://", "http://", "file://", NULL };
	char shown[PARE_URL_SHOWN_MAX];
	static const enum pare_image_repo_kind kinds[] = { PARE_IMAGE_REPO_HTTP,
							   PARE_IMAGE_REPO_HTTP,
							   PARE_IMAGE_REPO_FILE };
	for (size_t i = 0; schemes[i]; i++)
		if (pare_slice_starts_with(url, pare_slice_from(schemes[i]))) {
			if (url.len == strlen(schemes[i]))
				break;
			repo->kind = kinds[i];
			return 0;
		}
	const char *colon = memchr(url.ptr, ':', url.len);
	if ((colon && colon + 2 < url.ptr + url.len && colon[1] == '/' && colon[2] == '/') ||
	    url.len == 0)
		return fail_at(x, n, -PARE_E_FORMAT,
			       "repository '%s': want a path, file://, http:// or https:// URL",
			       pare_url_redact(n->text.ptr, shown, sizeof(shown)));
	repo->kind = PARE_IMAGE_REPO_PATH;
	return 0;
}

static int repo_item(struct cctx *x, const struct ynode *it, struct pare_image_repo *repo)
{
	const char *text;
	char shown[PARE_URL_SHOWN_MAX];
	int r = get_nonempty(x, it, "repositories item", &text);
	if (r < 0)
		return r;
	struct pare_slice s = pare_slice_trim(it->text), tag = PARE_SLICE_NULL, url = s;
	if (s.len && s.ptr[0] == '@') {
		struct pare_slice rest = pare_slice_sub(s, 1, s.len - 1);
		if (!pare_slice_next_word(&rest, &tag) || !pare_slice_next_word(&rest, &url) ||
		    pare_slice_trim(rest).len != 0)
			return fail_at(x, it, -PARE_E_FORMAT,
				       "repository '%s': want 'URL' or '@tag URL'",
				       pare_url_redact(text, shown, sizeof(shown)));
		repo->tag = pare_arena_strdup(&x->c->arena, tag);
		if (!repo->tag)
			return -ENOMEM;
	}
	r = repo_kind(x, it, url, repo);
	if (r == 0 && !(repo->url = pare_arena_strdup(&x->c->arena, url)))
		r = -ENOMEM;
	return r;
}

static int add_repos(struct cctx *x, const struct ynode *v, const char *what,
		     enum pare_image_repo_use use)
{
	struct pare_image_config *c = x->c;
	int r = want(x, v, YN_SEQ, what);
	if (r < 0)
		return r;
	struct pare_image_repo *arr = alloc_items(x, c->nrepositories + v->n, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	if (c->nrepositories)
		memcpy(arr, c->repositories, c->nrepositories * sizeof(*arr));
	c->repositories = arr;
	for (const struct ynode *it = v->first; r == 0 && it; it = it->next) {
		struct pare_image_repo *repo = &arr[c->nrepositories];
		repo->use = use;
		r = repo_item(x, it, repo);
		if (r == 0)
			c->nrepositories++;
	}
	return r;
}

static int k_repositories(struct cctx *x, const struct ynode *v, void *obj)
{
	return add_repos(x, v, "repositories", PARE_IMAGE_REPO_BOTH);
}

static int k_build_repositories(struct cctx *x, const struct ynode *v, void *obj)
{
	return add_repos(x, v, "build_repositories", PARE_IMAGE_REPO_BUILD);
}

static int k_runtime_repositories(struct cctx *x, const struct ynode *v, void *obj)
{
	return add_repos(x, v, "runtime_repositories", PARE_IMAGE_REPO_RUNTIME);
}

static int k_keyring(struct cctx *x, const struct ynode *v, void *obj)
{
	return str_list(x, v, "keyring", &x->c->keyring, &x->c->nkeyring);
}

static int package_item(struct cctx *x, const struct ynode *it, void *slot)
{
	struct pare_dep d;
	struct pare_error derr = { 0 };
	int r = get_nonempty(x, it, "packages item", slot);
	if (r == 0 && pare_dep_parse(it->text, &d, &derr) < 0)
		r = fail_at(x, it, -PARE_E_INVALID_DEP, "package '%s': %s", it->text.ptr,
			    pare_error_text(&derr, -PARE_E_INVALID_DEP));
	return r;
}

static int k_packages(struct cctx *x, const struct ynode *v, void *obj)
{
	void *p = NULL;
	int r = each_item(x, v, "packages", sizeof(char *), &p, &x->c->npackages, package_item);
	x->c->packages = p;
	return r;
}

/* "FILE[:DEST]": DEST is what follows the last ':' when it is absolute. */
static int binary_item(struct cctx *x, const struct ynode *it, void *slot)
{
	struct pare_image_binary *b = slot;
	const char *text;
	int r = get_nonempty(x, it, "binaries item", &text);
	if (r < 0)
		return r;
	struct pare_slice s = it->text, src = s;
	const char *colon = memrchr(s.ptr, ':', s.len);
	if (colon && colon[1] == '/') {
		src = pare_slice_make(s.ptr, (size_t)(colon - s.ptr));
		b->dest = colon + 1;
	} else if (colon && colon[1] == '\0') {
		return fail_at(x, it, -PARE_E_FORMAT, "binary '%s': empty destination", text);
	} else if (colon) {
		return fail_at(x, it, -PARE_E_FORMAT,
			       "binary '%s': the destination after ':' must be absolute", text);
	}
	if (src.len == 0)
		return fail_at(x, it, -PARE_E_FORMAT, "binary '%s': empty file name", text);
	b->src = pare_arena_strdup(&x->c->arena, src);
	return b->src ? 0 : -ENOMEM;
}

static int k_binaries(struct cctx *x, const struct ynode *v, void *obj)
{
	void *p = NULL;
	int r = each_item(x, v, "binaries", sizeof(struct pare_image_binary), &p,
			  &x->c->nbinaries, binary_item);
	x->c->binaries = p;
	return r;
}

static int k_base_image(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "contents.baseimage.image", &x->c->baseimage);
}

static int k_base_apkindex(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "contents.baseimage.apkindex", &x->c->baseimage_apkindex);
}

static const struct key_rule baseimage_rules[] = {
	{ "image", k_base_image },
	{ "apkindex", k_base_apkindex },
	{ NULL, NULL },
};

/* apko: both keys are required */
static int k_baseimage(struct cctx *x, const struct ynode *v, void *obj)
{
	int r = walk_map(x, v, baseimage_rules, obj, "contents.baseimage");
	if (r == 0 && (!x->c->baseimage || !x->c->baseimage_apkindex))
		r = fail_at(x, v, -PARE_E_FORMAT, "contents.baseimage needs both 'image' (an OCI "
			    "layout) and 'apkindex' (a folder with ARCH/APKINDEX)");
	return r;
}

static int k_gconv(struct cctx *x, const struct ynode *v, void *obj)
{
	(void)obj;
	return str_list(x, v, "gconv", &x->c->gconv, &x->c->ngconv);
}

static const struct key_rule runtime_rules[] = {
	{ "gconv", k_gconv },
	{ NULL, NULL },
};

static int k_runtime(struct cctx *x, const struct ynode *v, void *obj)
{
	return walk_map(x, v, runtime_rules, obj, "runtime");
}

static const struct key_rule contents_rules[] = {
	{ "repositories", k_repositories },
	{ "build_repositories", k_build_repositories },
	{ "runtime_repositories", k_runtime_repositories },
	{ "keyring", k_keyring },
	{ "packages", k_packages },
	{ "binaries", k_binaries },
	{ "runtime", k_runtime },
	{ "runtime_keyring", NULL },
	{ "baseimage", k_baseimage },
	{ NULL, NULL },
};

static int k_contents(struct cctx *x, const struct ynode *v, void *obj)
{
	return walk_map(x, v, contents_rules, obj, "contents");
}

/* ---- entrypoint, cmd ---- */

static int k_ep_type(struct cctx *x, const struct ynode *v, void *obj)
{
	const char *t;
	int r = get_str(x, v, "entrypoint.type", &t);
	if (r == 0 && !strcmp(t, "service-bundle"))
		r = fail_at(x, v, -PARE_E_UNSUPPORTED,
			    "entrypoint type 'service-bundle' is not supported by pare");
	else if (r == 0 && t[0])
		r = fail_at(x, v, -PARE_E_FORMAT, "unknown entrypoint type '%s'", t);
	return r;
}

static int split_at(struct cctx *x, const struct ynode *v, const char *what, const char ***argv,
		    size_t *n);

static int k_ep_command(struct cctx *x, const struct ynode *v, void *obj)
{
	struct pare_image_config *c = x->c;
	int r = get_str(x, v, "entrypoint.command", &c->entrypoint_command);
	return r < 0 ? r : split_at(x, v, "entrypoint.command", &c->entrypoint, &c->nentrypoint);
}

static int k_ep_fragment(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_str(x, v, "entrypoint.shell-fragment", &x->c->entrypoint_shell_fragment);
}

static const struct key_rule entrypoint_rules[] = {
	{ "type", k_ep_type },
	{ "command", k_ep_command },
	{ "shell-fragment", k_ep_fragment },
	{ "services", NULL },
	{ NULL, NULL },
};

static int split_at(struct cctx *x, const struct ynode *v, const char *what, const char ***argv,
		    size_t *n)
{
	struct pare_error e = { 0 };
	int k = pare_image_split_command(&x->c->arena, v->text, PARE_IMAGE_CONFIG_MAX_ARGV, argv,
					 &e);
	if (k == -ENOMEM)
		return k;
	if (k < 0)
		return fail_at(x, v, k, "'%s': %s", what, pare_error_text(&e, k));
	*n = (size_t)k;
	return 0;
}

static int k_entrypoint(struct cctx *x, const struct ynode *v, void *obj)
{
	struct pare_image_config *c = x->c;
	int r = walk_map(x, v, entrypoint_rules, obj, "entrypoint");
	if (r < 0)
		return r;
	if (c->entrypoint_shell_fragment && c->entrypoint_shell_fragment[0]) {
		/* apko: a shell fragment wins over command. */
		c->entrypoint = alloc_items(x, 3, sizeof(char *));
		if (!c->entrypoint)
			return -ENOMEM;
		c->entrypoint[0] = "/bin/sh";
		c->entrypoint[1] = "-c";
		c->entrypoint[2] = c->entrypoint_shell_fragment;
		c->nentrypoint = 3;
	}
	return 0;
}

static int k_cmd(struct cctx *x, const struct ynode *v, void *obj)
{
	int r = get_str(x, v, "cmd", &x->c->cmd_text);
	return r < 0 ? r : split_at(x, v, "cmd", &x->c->cmd, &x->c->ncmd);
}

/* ---- plain strings and maps ---- */

static int k_work_dir(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_str(x, v, "work-dir", &x->c->work_dir);
}

static int k_stop_signal(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_str(x, v, "stop-signal", &x->c->stop_signal);
}

static int k_vcs_url(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_str(x, v, "vcs-url", &x->c->vcs_url);
}

static int k_environment(struct cctx *x, const struct ynode *v, void *obj)
{
	return kv_map(x, v, "environment", &x->c->environment, &x->c->nenvironment);
}

static int k_annotations(struct cctx *x, const struct ynode *v, void *obj)
{
	return kv_map(x, v, "annotations", &x->c->annotations, &x->c->nannotations);
}

static int k_volumes(struct cctx *x, const struct ynode *v, void *obj)
{
	return str_list(x, v, "volumes", &x->c->volumes, &x->c->nvolumes);
}

/* ---- accounts ---- */

static int k_g_name(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "groupname", &((struct pare_image_group *)obj)->name);
}

static int k_g_gid(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_u32(x, v, "gid", &((struct pare_image_group *)obj)->gid);
}

static int k_g_members(struct cctx *x, const struct ynode *v, void *obj)
{
	struct pare_image_group *g = obj;
	return str_list(x, v, "members", &g->members, &g->nmembers);
}

static const struct key_rule group_rules[] = {
	{ "groupname", k_g_name },
	{ "gid", k_g_gid },
	{ "members", k_g_members },
	{ NULL, NULL },
};

static int missing(struct cctx *x, const struct ynode *it, const char *key, const char *what)
{
	return fail_at(x, it, -PARE_E_FORMAT, "%s needs '%s'", what, key);
}

static bool has_key(const struct ynode *m, const char *key)
{
	for (const struct ynode *k = m->first; k; k = k->next->next)
		if (pare_slice_eq_cstr(k->text, key) && !is_null(k->next))
			return true;
	return false;
}

static int group_item(struct cctx *x, const struct ynode *it, void *slot)
{
	int r = walk_map(x, it, group_rules, slot, "accounts.groups item");
	if (r == 0 && !has_key(it, "groupname"))
		r = missing(x, it, "groupname", "a group");
	if (r == 0 && !has_key(it, "gid"))
		r = missing(x, it, "gid", "a group");
	return r;
}

static int k_groups(struct cctx *x, const struct ynode *v, void *obj)
{
	void *p = NULL;
	int r = each_item(x, v, "accounts.groups", sizeof(struct pare_image_group), &p,
			  &x->c->ngroups, group_item);
	x->c->groups = p;
	return r;
}

static int k_u_name(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "username", &((struct pare_image_user *)obj)->name);
}

static int k_u_uid(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_u32(x, v, "uid", &((struct pare_image_user *)obj)->uid);
}

static int k_u_gid(struct cctx *x, const struct ynode *v, void *obj)
{
	struct pare_image_user *u = obj;
	u->has_gid = true;
	return get_u32(x, v, "gid", &u->gid);
}

static int k_u_shell(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_str(x, v, "shell", &((struct pare_image_user *)obj)->shell);
}

static int k_u_home(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_str(x, v, "homedir", &((struct pare_image_user *)obj)->homedir);
}

static const struct key_rule user_rules[] = {
	{ "username", k_u_name },
	{ "uid", k_u_uid },
	{ "gid", k_u_gid },
	{ "shell", k_u_shell },
	{ "homedir", k_u_home },
	{ NULL, NULL },
};

static int user_item(struct cctx *x, const struct ynode *it, void *slot)
{
	int r = walk_map(x, it, user_rules, slot, "accounts.users item");
	if (r == 0 && !has_key(it, "username"))
		r = missing(x, it, "username", "a user");
	if (r == 0 && !has_key(it, "uid"))
		r = missing(x, it, "uid", "a user");
	return r;
}

static int k_users(struct cctx *x, const struct ynode *v, void *obj)
{
	void *p = NULL;
	int r = each_item(x, v, "accounts.users", sizeof(struct pare_image_user), &p,
			  &x->c->nusers, user_item);
	x->c->users = p;
	return r;
}

static int k_run_as(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "run-as", &x->c->run_as);
}

static const struct key_rule accounts_rules[] = {
	{ "groups", k_groups },
	{ "users", k_users },
	{ "run-as", k_run_as },
	{ NULL, NULL },
};

static int k_accounts(struct cctx *x, const struct ynode *v, void *obj)
{
	return walk_map(x, v, accounts_rules, obj, "accounts");
}

/* ---- paths ---- */

static int k_p_path(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "path", &((struct pare_image_path *)obj)->path);
}

static int k_p_type(struct cctx *x, const struct ynode *v, void *obj)
{
	static const char *const types[] = { "directory", "empty-file", "hardlink", "symlink",
					     "permissions", NULL };
	struct pare_image_path *p = obj;
	int r = want(x, v, YN_SCALAR, "type");
	for (size_t i = 0; r == 0 && types[i]; i++)
		if (pare_slice_eq_cstr(v->text, types[i])) {
			p->type = (enum pare_image_path_type)i;
			return 0;
		}
	if (r < 0)
		return r;
	const char *near = pare_nearest_word(v->text, types);
	if (near)
		return fail_at(x, v, -PARE_E_FORMAT, "unknown path type '%s'; did you mean '%s'?",
			       v->text.ptr, near);
	return fail_at(x, v, -PARE_E_FORMAT,
		       "unknown path type '%s' (directory, empty-file, hardlink, symlink, "
		       "permissions)", v->text.ptr);
}

static int k_p_source(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "source", &((struct pare_image_path *)obj)->source);
}

static int k_p_uid(struct cctx *x, const struct ynode *v, void *obj)
{
	struct pare_image_path *p = obj;
	p->has_uid = true;
	return get_u32(x, v, "uid", &p->uid);
}

static int k_p_gid(struct cctx *x, const struct ynode *v, void *obj)
{
	struct pare_image_path *p = obj;
	p->has_gid = true;
	return get_u32(x, v, "gid", &p->gid);
}

static int k_p_perms(struct cctx *x, const struct ynode *v, void *obj)
{
	struct pare_image_path *p = obj;
	p->has_permissions = true;
	return get_mode(x, v, "permissions", &p->permissions);
}

static int k_p_recursive(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_bool(x, v, "recursive", &((struct pare_image_path *)obj)->recursive);
}

static const struct key_rule path_rules[] = {
	{ "path", k_p_path },
	{ "type", k_p_type },
	{ "source", k_p_source },
	{ "uid", k_p_uid },
	{ "gid", k_p_gid },
	{ "permissions", k_p_perms },
	{ "recursive", k_p_recursive },
	{ NULL, NULL },
};

static int path_item(struct cctx *x, const struct ynode *it, void *slot)
{
	struct pare_image_path *p = slot;
	int r = walk_map(x, it, path_rules, slot, "paths item");
	if (r == 0 && !p->path)
		r = missing(x, it, "path", "a paths item");
	if (r == 0 && !has_key(it, "type"))
		r = missing(x, it, "type", "a paths item");
	bool link = p->type == PARE_IMAGE_PATH_HARDLINK || p->type == PARE_IMAGE_PATH_SYMLINK;
	if (r == 0 && link && !p->source)
		r = missing(x, it, "source", "a link");
	if (r == 0 && p->type == PARE_IMAGE_PATH_PERMISSIONS && !p->has_permissions)
		r = missing(x, it, "permissions", "a permissions item");
	return r;
}

static int k_paths(struct cctx *x, const struct ynode *v, void *obj)
{
	void *p = NULL;
	int r = each_item(x, v, "paths", sizeof(struct pare_image_path), &p, &x->c->npaths,
			  path_item);
	x->c->paths = p;
	return r;
}

/* ---- archs ---- */

int pare_image_arch_lookup(struct pare_slice name, struct pare_image_arch *out)
{
	size_t n;
	const struct pare_arch *table = pare_arch_table(&n);
	for (size_t i = 0; i < n; i++) {
		const struct pare_arch *a = &table[i];
		char oci[32];
		snprintf(oci, sizeof(oci), "%s%s%s", a->oci, a->variant ? "/" : "",
			 a->variant ? a->variant : "");
		if (pare_slice_eq_cstr(name, a->apk) || pare_slice_eq_cstr(name, oci)) {
			*out = (struct pare_image_arch){ a->apk, a->oci, a->variant };
			return 0;
		}
	}
	return -PARE_E_NOT_FOUND;
}

static int arch_item(struct cctx *x, const struct ynode *it, void *slot)
{
	const char *t;
	int r = get_nonempty(x, it, "archs item", &t);
	if (r == 0 && pare_image_arch_lookup(it->text, slot) < 0)
		r = fail_at(x, it, -PARE_E_FORMAT,
			    "unknown architecture '%s' (x86_64/amd64, aarch64/arm64, x86/386, "
			    "armhf, armv7, ppc64le, riscv64, s390x, loongarch64)", t);
	for (const struct pare_image_arch *a = x->c->archs; r == 0 && a && a != slot; a++)
		if (!strcmp(a->apk, ((struct pare_image_arch *)slot)->apk))
			r = fail_at(x, it, -PARE_E_FORMAT, "architecture '%s' listed twice", t);
	return r;
}

static int k_archs(struct cctx *x, const struct ynode *v, void *obj)
{
	int r = want(x, v, YN_SEQ, "archs");
	if (r < 0)
		return r;
	x->c->archs = alloc_items(x, v->n, sizeof(struct pare_image_arch));
	if (!x->c->archs)
		return -ENOMEM;
	size_t i = 0;
	for (const struct ynode *it = v->first; r == 0 && it; it = it->next, i++) {
		r = arch_item(x, it, &x->c->archs[i]);
		x->c->narchs = i + (r == 0);
	}
	return r;
}

/* ---- top level ---- */

/* ---- test (pare's extension: commands run in the built image) ---- */

#define TEST(obj) ((struct pare_image_test *)(obj))

static int k_t_name(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_nonempty(x, v, "test.name", &TEST(obj)->name);
}

/* argv: a list, or a string split like entrypoint.command. */
static int get_argv(struct cctx *x, const struct ynode *v, const char *what, const char ***argv,
		    size_t *n)
{
	int r = v->kind == YN_SEQ ? str_list(x, v, what, argv, n) : split_at(x, v, what, argv, n);
	return r == 0 && *n == 0 ? fail_at(x, v, -PARE_E_FORMAT, "'%s' is empty", what) : r;
}

static int k_t_run(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_argv(x, v, "test.run", &TEST(obj)->run, &TEST(obj)->nrun);
}

static int k_t_exit(struct cctx *x, const struct ynode *v, void *obj)
{
	int r = get_u32(x, v, "test.exit", &TEST(obj)->exit);
	return r == 0 && TEST(obj)->exit > 255
	       ? fail_at(x, v, -PARE_E_FORMAT, "'test.exit' must be 0-255") : r;
}

static int get_regex(struct cctx *x, const struct ynode *v, const char *what, const char **out)
{
	regex_t re;
	int r = get_str(x, v, what, out);
	if (r == 0 && regcomp(&re, *out, REG_EXTENDED | REG_NOSUB) != 0)
		return fail_at(x, v, -PARE_E_FORMAT, "'%s': '%s' is not an extended regular "
			       "expression", what, *out);
	if (r == 0)
		regfree(&re);
	return r;
}

static int k_t_stdout(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_regex(x, v, "test.stdout", &TEST(obj)->stdout_re);
}

static int k_t_stderr(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_regex(x, v, "test.stderr", &TEST(obj)->stderr_re);
}

static int k_t_timeout(struct cctx *x, const struct ynode *v, void *obj)
{
	int r = get_u32(x, v, "test.timeout", &TEST(obj)->timeout);
	return r == 0 && (TEST(obj)->timeout == 0 || TEST(obj)->timeout > 3600)
	       ? fail_at(x, v, -PARE_E_FORMAT, "'test.timeout' must be 1-3600 seconds") : r;
}

static int k_t_network(struct cctx *x, const struct ynode *v, void *obj)
{
	int r = want(x, v, YN_SCALAR, "test.network");
	if (r == 0 && !pare_slice_eq_cstr(v->text, "host") && !pare_slice_eq_cstr(v->text, "none"))
		r = fail_at(x, v, -PARE_E_FORMAT, "'test.network' is host or none, not '%s'",
			    v->text.ptr);
	TEST(obj)->network_host = r == 0 && pare_slice_eq_cstr(v->text, "host");
	return r;
}

static int k_t_daemon(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_bool(x, v, "test.daemon", &TEST(obj)->daemon);
}

static int k_t_r_port(struct cctx *x, const struct ynode *v, void *obj)
{
	int r = get_u32(x, v, "test.ready.port", &TEST(obj)->ready_port);
	return r == 0 && (TEST(obj)->ready_port == 0 || TEST(obj)->ready_port > 65535)
	       ? fail_at(x, v, -PARE_E_FORMAT, "'test.ready.port' must be 1-65535") : r;
}

static int k_t_r_run(struct cctx *x, const struct ynode *v, void *obj)
{
	return get_argv(x, v, "test.ready.run", &TEST(obj)->ready_run, &TEST(obj)->nready_run);
}

static const struct key_rule ready_rules[] = {
	{ "port", k_t_r_port },
	{ "run", k_t_r_run },
	{ NULL, NULL },
};

static int k_t_ready(struct cctx *x, const struct ynode *v, void *obj)
{
	return walk_map(x, v, ready_rules, obj, "test.ready");
}

static const struct key_rule test_rules[] = {
	{ "name", k_t_name },
	{ "run", k_t_run },
	{ "exit", k_t_exit },
	{ "stdout", k_t_stdout },
	{ "stderr", k_t_stderr },
	{ "timeout", k_t_timeout },
	{ "network", k_t_network },
	{ "daemon", k_t_daemon },
	{ "ready", k_t_ready },
	{ NULL, NULL },
};

static int test_item(struct cctx *x, const struct ynode *it, void *slot)
{
	int r = walk_map(x, it, test_rules, slot, "test item");
	if (r == 0 && !has_key(it, "run"))
		r = missing(x, it, "run", "a test");
	if (r == 0 && TEST(slot)->daemon && !TEST(slot)->ready_port && !TEST(slot)->nready_run)
		r = fail_at(x, it, -PARE_E_FORMAT, "a daemon test needs ready: {port: N} or "
			    "ready: {run: [...]}");
	return r;
}

static int k_test(struct cctx *x, const struct ynode *v, void *obj)
{
	void *p = NULL;
	int r = each_item(x, v, "test", sizeof(struct pare_image_test), &p, &x->c->ntests,
			  test_item);
	x->c->tests = p;
	x->c->has_tests = true;
	return r;
}

static int k_prune(struct cctx *x, const struct ynode *v, void *obj)
{
	const char *mode;
	int r = get_nonempty(x, v, "prune", &mode);
	if (r == 0 && strcmp(mode, "trace") != 0 && strcmp(mode, "none") != 0)
		r = fail_at(x, v, -PARE_E_FORMAT, "'prune' must be trace or none, not '%s'", mode);
	if (r == 0)
		x->c->prune_trace = strcmp(mode, "trace") == 0;
	return r;
}

static int k_keep(struct cctx *x, const struct ynode *v, void *obj)
{
	return str_list(x, v, "keep", &x->c->keep, &x->c->nkeep);
}

static int k_keep_packages(struct cctx *x, const struct ynode *v, void *obj)
{
	return str_list(x, v, "keep-packages", &x->c->keep_packages, &x->c->nkeep_packages);
}

static int k_include(struct cctx *x, const struct ynode *v, void *obj)
{
	(void)obj;
	return get_nonempty(x, v, "include", &x->c->include);
}

static const struct key_rule top_rules[] = {
	{ "contents", k_contents },
	{ "entrypoint", k_entrypoint },
	{ "cmd", k_cmd },
	{ "stop-signal", k_stop_signal },
	{ "work-dir", k_work_dir },
	{ "accounts", k_accounts },
	{ "archs", k_archs },
	{ "environment", k_environment },
	{ "paths", k_paths },
	{ "vcs-url", k_vcs_url },
	{ "annotations", k_annotations },
	{ "volumes", k_volumes },
	{ "test", k_test },
	{ "include", k_include },
	{ "prune", k_prune },
	{ "keep", k_keep },
	{ "keep-packages", k_keep_packages },
	{ "layering", NULL },
	{ "format", NULL },
	{ "certificates", NULL },
	{ NULL, NULL },
};

static int config_parse(struct pare_image_config *c, const char *name, struct pare_slice text,
			struct pare_error *err)
{
	memset(c, 0, sizeof(*c));
	pare_arena_init(&c->arena, 0, 64u * PARE_IMAGE_CONFIG_MAX_FILE);
	c->file = pare_arena_strdup(&c->arena, pare_slice_from(name ? name : "<config>"));
	if (!c->file)
		return -ENOMEM;
	if (text.len > PARE_IMAGE_CONFIG_MAX_FILE)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", c->file,
				      PARE_IMAGE_CONFIG_MAX_FILE);
	struct ynode *root;
	int r = pare_yaml_parse(&c->arena, c->file, text, &root, err);
	if (r < 0 || !root || is_null(root))
		return r;
	struct cctx x = { c, err };
	return walk_map(&x, root, top_rules, c, "the image configuration");
}

/* On failure nothing is left allocated (found by fuzzing: an error path
 * kept the arena). */
int pare_image_config_parse(struct pare_image_config *c, const char *name,
			    struct pare_slice text, struct pare_error *err)
{
	int r = config_parse(c, name, text, err);
	if (r < 0)
		pare_image_config_release(c);
	return r;
}

/* dir/p in the config's arena when p is a relative local path. */
static int anchor(struct pare_image_config *c, struct pare_slice dir, const char **p)
{
	if (!*p || (*p)[0] == '/' || strstr(*p, "://") || !dir.len)
		return 0;
	const char *rel = (*p)[0] == '.' && (*p)[1] == '/' ? *p + 2 : *p;
	size_t n = dir.len + strlen(rel) + 2;
	char *out = pare_arena_alloc(&c->arena, n);
	if (!out)
		return -ENOMEM;
	snprintf(out, n, "%.*s/%s", (int)dir.len, dir.ptr, rel);
	*p = out;
	return 0;
}

/* The folder part of path ("" when none). */
static struct pare_slice dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? pare_slice_make(path, slash == path ? 1 : (size_t)(slash - path))
		     : PARE_SLICE_NULL;
}

/* Relative local paths (repositories, keyring, binaries) are taken from
 * the config file's folder, not the working directory. */
static int anchor_paths(struct pare_image_config *c, const char *path, struct pare_error *err)
{
	struct pare_slice dir = dirname_of(path);
	if (!dir.len)
		return 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i < c->nrepositories; i++)
		if (c->repositories[i].kind == PARE_IMAGE_REPO_PATH)
			r = anchor(c, dir, &c->repositories[i].url);
	for (size_t i = 0; r == 0 && i < c->nkeyring; i++)
		r = anchor(c, dir, &c->keyring[i]);
	for (size_t i = 0; r == 0 && i < c->nbinaries; i++)
		r = anchor(c, dir, &c->binaries[i].src);
	if (r == 0)
		r = anchor(c, dir, &c->baseimage);
	if (r == 0)
		r = anchor(c, dir, &c->baseimage_apkindex);
	return r < 0 ? pare_error_set(err, r, "%s: out of memory", path) : 0;
}

static int config_load(struct pare_image_config *c, const char *path, unsigned depth,
		       struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, PARE_IMAGE_CONFIG_MAX_FILE);
	int r = pare_read_file(path, &b, err);
	if (r == 0)
		r = pare_image_config_parse(c, path, pare_buf_slice(&b), err);
	else
		memset(c, 0, sizeof(*c));
	pare_buf_release(&b);
	if (r == 0)
		r = anchor_paths(c, path, err);
	if (r < 0 || !c->include)
		return r;
	/* include: the named config is the base, this one goes on top */
	const char *inc = c->include;
	if (anchor(c, dirname_of(path), &inc) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (depth >= PARE_IMAGE_CONFIG_MAX_INCLUDES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: include %s: more than %u "
				      "nested includes", c->file, inc,
				      PARE_IMAGE_CONFIG_MAX_INCLUDES);
	c->base = calloc(1, sizeof(*c->base));
	if (!c->base)
		return pare_error_set(err, -ENOMEM, "out of memory");
	r = config_load(c->base, inc, depth + 1, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: include: ", c->file);
	return pare_image_config_merge_base(c, err);
}

int pare_image_config_load(struct pare_image_config *c, const char *path,
			   struct pare_error *err)
{
	int r = config_load(c, path, 0, err);
	if (r < 0)
		pare_image_config_release(c);
	return r;
}

void pare_image_config_release(struct pare_image_config *c)
{
	if (!c)
		return;
	if (c->base) {
		pare_image_config_release(c->base);
		free(c->base);
	}
	pare_arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}
