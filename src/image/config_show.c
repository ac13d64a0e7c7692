/* pare image show-config: an image config as pare understood it (includes
 * merged, relative paths made absolute, atoms as written), rendered back as
 * apko YAML.  Every string is double-quoted with JSON-style escapes, which
 * YAML reads back unchanged, so render(load(render(c))) == render(c). */
#include <stdio.h>

#include "base/buf.h"
#include "image/config.h"

static const char *const path_types[] = {
	[PARE_IMAGE_PATH_DIRECTORY] = "directory", [PARE_IMAGE_PATH_EMPTY_FILE] = "empty-file",
	[PARE_IMAGE_PATH_HARDLINK] = "hardlink", [PARE_IMAGE_PATH_SYMLINK] = "symlink",
	[PARE_IMAGE_PATH_PERMISSIONS] = "permissions",
};

struct out {
	struct pare_buf *b;
	int r;
};

static void put(struct out *o, const char *s)
{
	if (o->r == 0)
		o->r = pare_buf_append_str(o->b, s);
}

static void q(struct out *o, const char *s)
{
	put(o, "\"");
	for (const unsigned char *p = (const unsigned char *)s; o->r == 0 && *p; p++) {
		char esc[8];
		if (*p == '"' || *p == '\\')
			snprintf(esc, sizeof(esc), "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		else
			snprintf(esc, sizeof(esc), "%c", *p);
		put(o, esc);
	}
	put(o, "\"");
}

/* "KEY:\n" then "  - "ITEM"\n" per item; nothing when n == 0. */
static void list(struct out *o, const char *indent, const char *key, const char *const *v,
		 size_t n)
{
	if (!n)
		return;
	put(o, indent);
	put(o, key);
	put(o, ":\n");
	for (size_t i = 0; i < n; i++) {
		put(o, indent);
		put(o, "  - ");
		q(o, v[i]);
		put(o, "\n");
	}
}

static void scalar(struct out *o, const char *indent, const char *key, const char *v)
{
	if (!v)
		return;
	put(o, indent);
	put(o, key);
	put(o, ": ");
	q(o, v);
	put(o, "\n");
}

static void map(struct out *o, const char *key, const struct pare_image_kv *kv, size_t n)
{
	if (!n)
		return;
	put(o, key);
	put(o, ":\n");
	for (size_t i = 0; i < n; i++) {
		put(o, "  ");
		q(o, kv[i].key);
		put(o, ": ");
		q(o, kv[i].value);
		put(o, "\n");
	}
}

static void contents(struct out *o, const struct pare_image_config *c)
{
	static const char *const uses[] = { "repositories", "build_repositories",
					    "runtime_repositories" };
	char line[8192];
	put(o, "contents:\n");
	for (int u = 0; u < 3; u++) {
		bool first = true;
		for (size_t i = 0; i < c->nrepositories; i++) {
			const struct pare_image_repo *r = &c->repositories[i];
			if ((int)r->use != u)
				continue;
			if (first)
				put(o, "  "), put(o, uses[u]), put(o, ":\n");
			first = false;
			snprintf(line, sizeof(line), "%s%s%s%s", r->tag ? "@" : "",
				 r->tag ? r->tag : "", r->tag ? " " : "", r->url);
			put(o, "    - ");
			q(o, line);
			put(o, "\n");
		}
	}
	list(o, "  ", "keyring", c->keyring, c->nkeyring);
	list(o, "  ", "packages", c->packages, c->npackages);
	if (c->nbinaries)
		put(o, "  binaries:\n");
	for (size_t i = 0; i < c->nbinaries; i++) {
		snprintf(line, sizeof(line), "%s%s%s", c->binaries[i].src,
			 c->binaries[i].dest ? ":" : "", c->binaries[i].dest ? c->binaries[i].dest : "");
		put(o, "    - ");
		q(o, line);
		put(o, "\n");
	}
	if (c->baseimage) {
		put(o, "  baseimage:\n");
		scalar(o, "    ", "image", c->baseimage);
		scalar(o, "    ", "apkindex", c->baseimage_apkindex);
	}
	if (c->ngconv)
		put(o, "  runtime:\n");
	list(o, "    ", "gconv", c->gconv, c->ngconv);
}

static void accounts(struct out *o, const struct pare_image_config *c)
{
	char num[32];
	if (!c->ngroups && !c->nusers && !c->run_as)
		return;
	put(o, "accounts:\n");
	if (c->ngroups)
		put(o, "  groups:\n");
	for (size_t i = 0; i < c->ngroups; i++) {
		snprintf(num, sizeof(num), "%u", c->groups[i].gid);
		put(o, "    - groupname: "), q(o, c->groups[i].name);
		put(o, "\n      gid: "), put(o, num), put(o, "\n");
		list(o, "      ", "members", c->groups[i].members, c->groups[i].nmembers);
	}
	if (c->nusers)
		put(o, "  users:\n");
	for (size_t i = 0; i < c->nusers; i++) {
		const struct pare_image_user *u = &c->users[i];
		snprintf(num, sizeof(num), "%u", u->uid);
		put(o, "    - username: "), q(o, u->name);
		put(o, "\n      uid: "), put(o, num), put(o, "\n");
		if (u->has_gid) {
			snprintf(num, sizeof(num), "%u", u->gid);
			put(o, "      gid: "), put(o, num), put(o, "\n");
		}
		scalar(o, "      ", "shell", u->shell);
		scalar(o, "      ", "homedir", u->homedir);
	}
	scalar(o, "  ", "run-as", c->run_as);
}

static void paths(struct out *o, const struct pare_image_config *c)
{
	char num[32];
	if (c->npaths)
		put(o, "paths:\n");
	for (size_t i = 0; i < c->npaths; i++) {
		const struct pare_image_path *p = &c->paths[i];
		put(o, "  - path: "), q(o, p->path), put(o, "\n");
		put(o, "    type: "), put(o, path_types[p->type]), put(o, "\n");
		scalar(o, "    ", "source", p->source);
		if (p->has_uid)
			snprintf(num, sizeof(num), "%u", p->uid), put(o, "    uid: "), put(o, num),
				put(o, "\n");
		if (p->has_gid)
			snprintf(num, sizeof(num), "%u", p->gid), put(o, "    gid: "), put(o, num),
				put(o, "\n");
		if (p->has_permissions)
			snprintf(num, sizeof(num), "0o%o", p->permissions),
				put(o, "    permissions: "), put(o, num), put(o, "\n");
		if (p->recursive)
			put(o, "    recursive: true\n");
	}
}

int pare_image_config_render(const struct pare_image_config *c, struct pare_buf *b)
{
	struct out o = { .b = b };
	contents(&o, c);
	if (c->entrypoint_command || c->entrypoint_shell_fragment) {
		put(&o, "entrypoint:\n");
		scalar(&o, "  ", "command", c->entrypoint_command);
		scalar(&o, "  ", "shell-fragment", c->entrypoint_shell_fragment);
	}
	scalar(&o, "", "cmd", c->cmd_text);
	scalar(&o, "", "work-dir", c->work_dir);
	scalar(&o, "", "stop-signal", c->stop_signal);
	scalar(&o, "", "vcs-url", c->vcs_url);
	map(&o, "environment", c->environment, c->nenvironment);
	map(&o, "annotations", c->annotations, c->nannotations);
	accounts(&o, c);
	paths(&o, c);
	list(&o, "", "volumes", c->volumes, c->nvolumes);
	if (c->narchs)
		put(&o, "archs:\n");
	for (size_t i = 0; i < c->narchs; i++)
		put(&o, "  - "), q(&o, c->archs[i].apk), put(&o, "\n");
	return o.r;
}
